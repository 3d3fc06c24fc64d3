//! Marks the test build for PostgreSQL when `SALESPULSE_TEST_DATABASE_URL`
//! is set, so the tests that need several server processes on one database
//! run there and are reported as ignored (not silently passed) on SQLite.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(salespulse_pg)");
    println!("cargo::rerun-if-env-changed=SALESPULSE_TEST_DATABASE_URL");
    if std::env::var("SALESPULSE_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        println!("cargo::rustc-cfg=salespulse_pg");
    }
}

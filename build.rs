//! Marks the test build for PostgreSQL when `SALESPULSE_TEST_DATABASE_URL`
//! is set, so the tests that need several server processes on one database
//! run there and are reported as ignored (not silently passed) on SQLite;
//! and for the browser when `SALESPULSE_GRAPHIQL_TEST_ASSETS` names a
//! directory of GraphiQL's files (`.ci/run` fills one and installs
//! chromium), so the GraphiQL test runs there and is ignored elsewhere.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(salespulse_pg)");
    println!("cargo::rustc-check-cfg=cfg(salespulse_browser)");
    println!("cargo::rerun-if-env-changed=SALESPULSE_TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=SALESPULSE_GRAPHIQL_TEST_ASSETS");
    if std::env::var("SALESPULSE_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        println!("cargo::rustc-cfg=salespulse_pg");
    }
    if std::env::var("SALESPULSE_GRAPHIQL_TEST_ASSETS").is_ok_and(|u| !u.is_empty()) {
        println!("cargo::rustc-cfg=salespulse_browser");
    }
}

//! A real company starts empty: `salespulse init` prepares its database and
//! keeps the demo company out; `salespulse admin create` makes its first
//! admin, the password read from standard input, never an argument.

use crate::helpers::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn salespulse(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_salespulse"))
        .args(args)
        .env("SALESPULSE_DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .env_remove("SALESPULSE_SEED_DEMO")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn a_real_company_starts_empty_and_creates_its_first_admin() {
    let (url, _guard) = fresh_database().await;
    let out = salespulse(&url, &["init"], "");
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        said(&out).contains("(0 users)") && said(&out).contains("salespulse admin create"),
        "{}",
        said(&out)
    );

    // The server on it, demo company on by default, adds none.
    let config = api::config::Config {
        database_url: url.clone(),
        jwt_secret: Some("a-test-secret-of-at-least-32-bytes!!".to_owned()),
        scheduler: false,
        ..api::config::Config::default()
    };
    assert!(config.seed_demo);
    let clock: api::clock::SharedClock = std::sync::Arc::new(api::clock::SystemClock);
    let db = api::store::connect(&config).await.unwrap();
    let state = api::App::state_on(config, clock, db).await.unwrap();
    assert!(!api::seed::has_demo(&state.db).await.unwrap());
    assert_eq!(api::store::users::count(&state.db).await.unwrap(), 0);

    // A weak password, a bad e-mail: refused, every problem named, nobody created.
    let out = salespulse(&url, &["admin", "create", "--email", "not-an-email", "--name", "王敏"], "short\n");
    assert!(!out.status.success());
    let text = said(&out);
    assert!(text.contains("email") && text.contains("password"), "{text}");
    assert_eq!(api::store::users::count(&state.db).await.unwrap(), 0);

    let password = "模具公司的密码2026";
    let create = |email: &str, extra: &[&str]| {
        let mut args = vec!["admin", "create", "--email", email, "--name", "王敏"];
        args.extend_from_slice(extra);
        salespulse(&url, &args, &format!("{password}\n"))
    };
    let out = create("Admin@Mold.example.cn", &[]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("admin@mold.example.cn"), "{}", said(&out));
    // He logs in with the password he typed, and is not asked to replace it.
    let tokens = api::service::auth::login(&state, "admin@mold.example.cn", password, None)
        .await
        .unwrap();
    let auth = api::service::auth::authenticate(&state, Some(&format!("Bearer {}", tokens.access_token)))
        .await
        .unwrap();
    let viewer = auth.viewer().unwrap();
    assert_eq!(viewer.role, entity::Role::Admin);
    assert!(!viewer.must_change_password);

    // A second one is refused unless asked for; the same e-mail never.
    let out = create("second@mold.example.cn", &[]);
    assert!(!out.status.success());
    assert!(said(&out).contains("an admin exists already"), "{}", said(&out));
    let out = create("admin@mold.example.cn", &["--another"]);
    assert!(!out.status.success());
    assert!(said(&out).contains("already used"), "{}", said(&out));
    let out = create("second@mold.example.cn", &["--another"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(api::store::users::count(&state.db).await.unwrap(), 2);

    // Nor does the demo command put the demo company into it.
    let out = salespulse(&url, &["seed"], "");
    assert!(!out.status.success());
    assert!(said(&out).contains("empty database only"), "{}", said(&out));
    assert!(!api::seed::has_demo(&state.db).await.unwrap());
}

//! Login and token rules.

use crate::helpers::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;

const ME: &str = "{ me { email role tracks { name } } }";

#[tokio::test]
async fn logging_in_returns_a_token_that_identifies_the_user() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let me = app.post(Some(&token), ME, json!({})).await;
    assert_eq!(me.data()["me"]["email"], "a1@test.local");
    assert_eq!(me.data()["me"]["role"], "ACCOUNT_MANAGER");
    assert_eq!(me.data()["me"]["tracks"][0]["name"], "消费电子I");
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_is_unauthenticated_with_the_same_message() {
    let app = spawn_app().await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let wrong = app.post(None, q, json!({ "e": "a1@test.local", "p": "nope" })).await;
    let unknown = app.post(None, q, json!({ "e": "ghost@test.local", "p": PASSWORD })).await;
    assert_eq!(wrong.code(), "UNAUTHENTICATED");
    assert_eq!(unknown.code(), "UNAUTHENTICATED");
    assert_eq!(wrong.0["errors"][0]["message"], unknown.0["errors"][0]["message"]);
    let empty = app.post(None, q, json!({ "e": " ", "p": "" })).await;
    assert_eq!(empty.fields(), ["email", "password"]);
}

#[tokio::test]
async fn e_mail_is_matched_case_insensitively() {
    let app = spawn_app().await;
    let token = app.login("A1@Test.Local").await;
    assert_eq!(app.post(Some(&token), ME, json!({})).await.data()["me"]["email"], "a1@test.local");
}

#[tokio::test]
async fn no_token_is_unauthenticated() {
    let app = spawn_app().await;
    assert_eq!(app.post(None, ME, json!({})).await.code(), "UNAUTHENTICATED");
    assert_eq!(app.post(Some("garbage"), ME, json!({})).await.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_expired_token_stops_working() {
    // The production default: a 15-minute access token.
    let app = spawn_app_with(|c| c.token_ttl_minutes = api::config::Config::default().token_ttl_minutes).await;
    let token = app.login("a1@test.local").await;
    app.clock.advance(chrono::Duration::minutes(15 - 1));
    assert!(app.post(Some(&token), ME, json!({})).await.0.get("errors").is_none());
    app.clock.advance(chrono::Duration::minutes(2));
    let r = app.post_in(Some("en"), Some(&token), ME, json!({})).await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    assert!(r.0["errors"][0]["message"].as_str().unwrap().contains("expired"));
}

fn claims(aud: &str, iss: &str) -> serde_json::Value {
    let now = t0().timestamp();
    json!({ "sub": "101", "role": "ACCOUNT_MANAGER", "iat": now, "nbf": now, "exp": now + 3600, "iss": iss, "aud": aud })
}

#[tokio::test]
async fn a_token_for_another_audience_issuer_or_key_is_refused() {
    let app = spawn_app().await;
    let key = EncodingKey::from_secret(TEST_SECRET.as_bytes());
    let good = encode(&Header::default(), &claims("salespulse-api", "salespulse"), &key).unwrap();
    assert!(
        app.post(Some(&good), ME, json!({})).await.0.get("errors").is_none(),
        "the control token works"
    );
    let wrong_aud = encode(&Header::default(), &claims("another-app", "salespulse"), &key).unwrap();
    let wrong_iss = encode(&Header::default(), &claims("salespulse-api", "someone"), &key).unwrap();
    let other_key = encode(
        &Header::default(),
        &claims("salespulse-api", "salespulse"),
        &EncodingKey::from_secret(b"another-secret-another-secret-0000"),
    )
    .unwrap();
    for t in [wrong_aud, wrong_iss, other_key] {
        assert_eq!(app.post(Some(&t), ME, json!({})).await.code(), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = spawn_app().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims("salespulse-api", "salespulse").to_string());
    for token in [format!("{header}.{body}."), format!("{header}.{body}")] {
        assert_eq!(app.post(Some(&token), ME, json!({})).await.code(), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn a_token_without_expiry_is_refused() {
    let app = spawn_app().await;
    let mut c = claims("salespulse-api", "salespulse");
    c.as_object_mut().unwrap().remove("exp");
    let t = encode(&Header::default(), &c, &EncodingKey::from_secret(TEST_SECRET.as_bytes())).unwrap();
    assert_eq!(app.post(Some(&t), ME, json!({})).await.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_deactivated_users_token_stops_working_and_he_cannot_log_in() {
    let app = spawn_app().await;
    let token = app.login("a1@test.local").await;
    let admin = app.login("admin@test.local").await;
    let q = "mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { active } }";
    // Only an admin may do it.
    assert_eq!(
        app.post(Some(&token), q, json!({ "id": "102", "a": false })).await.code(),
        "FORBIDDEN"
    );
    let r = app.post(Some(&admin), q, json!({ "id": "101", "a": false })).await;
    assert_eq!(r.data()["setUserActive"]["active"], false);
    let me = app.post(Some(&token), ME, json!({})).await;
    assert_eq!(me.code(), "UNAUTHENTICATED");
    let again = app
        .post(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            json!({ "e": "a1@test.local", "p": PASSWORD }),
        )
        .await;
    assert_eq!(again.code(), "UNAUTHENTICATED");
    // Reactivated, the old token stays revoked; a new login works.
    app.clock.advance(chrono::Duration::seconds(1));
    app.post(Some(&admin), q, json!({ "id": "101", "a": true })).await.data();
    assert_eq!(app.post(Some(&token), ME, json!({})).await.code(), "UNAUTHENTICATED");
    let fresh = app.login("a1@test.local").await;
    assert!(app.post(Some(&fresh), ME, json!({})).await.0.get("errors").is_none());
}

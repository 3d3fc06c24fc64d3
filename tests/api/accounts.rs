//! The account life cycle: short access tokens with rotating refresh
//! tokens, logout, password changes, and the admin's user management —
//! each change felt at once by open sockets.

use crate::helpers::*;
use crate::websocket::{closed_with, next_json, open, send};
use serde_json::{Value, json};

const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt refreshToken refreshExpiresAt user { mustChangePassword } } }";
const REFRESH: &str = "mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }";
const ME: &str = "{ me { email role tracks { id } } }";

async fn login_as(app: &TestApp, email: &str, password: &str) -> Gql {
    app.post(None, LOGIN, json!({ "e": email, "p": password })).await
}

/// (access token, refresh token) of a fresh login.
async fn tokens(app: &TestApp, email: &str) -> (String, String) {
    let r = login_as(app, email, PASSWORD).await;
    let l = &r.data()["login"];
    (
        l["token"].as_str().unwrap().to_owned(),
        l["refreshToken"].as_str().unwrap().to_owned(),
    )
}

async fn works(app: &TestApp, token: &str) -> bool {
    app.post(Some(token), ME, json!({})).await.0.get("errors").is_none()
}

/// The socket answers a query (it is still open and authorised).
async fn answers(ws: &mut crate::websocket::Socket, id: &str) -> Value {
    send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    let answer = next_json(ws).await;
    assert_eq!(next_json(ws).await["type"], "complete");
    answer
}

#[tokio::test]
async fn a_login_gives_a_short_access_token_and_a_refresh_token_that_rotates() {
    let app = spawn_app_with(|c| c.token_ttl_minutes = api::config::Config::default().token_ttl_minutes).await;
    let r = login_as(&app, "a1@test.local", PASSWORD).await;
    let l = &r.data()["login"];
    let access_end = chrono::DateTime::parse_from_rfc3339(l["expiresAt"].as_str().unwrap()).unwrap();
    let refresh_end = chrono::DateTime::parse_from_rfc3339(l["refreshExpiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(access_end.with_timezone(&chrono::Utc) - t0(), chrono::Duration::minutes(15));
    assert_eq!(refresh_end.with_timezone(&chrono::Utc) - t0(), chrono::Duration::days(30));
    assert_eq!(l["user"]["mustChangePassword"], false);
    let refresh = l["refreshToken"].as_str().unwrap().to_owned();
    // The access token expires; the refresh token brings a new one.
    app.clock.advance(chrono::Duration::minutes(20));
    assert!(!works(&app, l["token"].as_str().unwrap()).await);
    let r = app.post(None, REFRESH, json!({ "t": refresh })).await;
    let next = r.data()["refreshToken"].clone();
    assert!(works(&app, next["token"].as_str().unwrap()).await);
    assert_ne!(next["refreshToken"], json!(refresh), "the refresh token rotates");
    // Garbage is a bad field, an unknown token is unauthenticated.
    assert_eq!(
        app.post(None, REFRESH, json!({ "t": "x".repeat(10_000) })).await.fields(),
        ["refreshToken"]
    );
    let unknown = format!("spr_{}", "A".repeat(43));
    assert_eq!(app.post(None, REFRESH, json!({ "t": unknown })).await.code(), "UNAUTHENTICATED");
    // A login left unused for longer than 30 days ends.
    app.clock.advance(chrono::Duration::days(31));
    let r = app.post(None, REFRESH, json!({ "t": next["refreshToken"] })).await;
    assert_eq!(r.code(), "UNAUTHENTICATED", "{}", r.0);
}

#[tokio::test]
async fn a_reused_refresh_token_ends_its_login_and_closes_its_sockets() {
    let app = spawn_app().await;
    let (_, stolen) = tokens(&app, "a1@test.local").await;
    let (other_device, _) = tokens(&app, "a1@test.local").await;
    // The phone refreshes; the thief's copy is now spent.
    let r = app.post(None, REFRESH, json!({ "t": stolen })).await;
    let phone = r.data()["refreshToken"]["token"].as_str().unwrap().to_owned();
    let phone_refresh = r.data()["refreshToken"]["refreshToken"].as_str().unwrap().to_owned();
    let mut phone_socket = open(&app, &phone).await;
    let mut other_socket = open(&app, &other_device).await;
    let reuse = app.post(None, REFRESH, json!({ "t": stolen })).await;
    assert_eq!(reuse.code(), "UNAUTHENTICATED");
    assert!(
        reuse.0["errors"][0]["message"].as_str().unwrap().contains("已被使用"),
        "{}",
        reuse.0
    );
    // The whole login (family) is ended: its access token, its newest refresh token, its socket.
    assert!(!works(&app, &phone).await);
    assert_eq!(
        app.post(None, REFRESH, json!({ "t": phone_refresh })).await.code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(closed_with(&mut phone_socket).await, 4403);
    // The other device's login goes on.
    assert!(works(&app, &other_device).await);
    assert_eq!(
        answers(&mut other_socket, "1").await["payload"]["data"]["me"]["email"],
        "a1@test.local"
    );
}

#[tokio::test]
async fn of_concurrent_refreshes_with_one_token_exactly_one_wins() {
    let app = spawn_app().await;
    let (_, refresh) = tokens(&app, "a1@test.local").await;
    let calls = (0..6).map(|_| app.post(None, REFRESH, json!({ "t": refresh })));
    let results = futures_util::future::join_all(calls).await;
    let won = results.iter().filter(|r| r.0.get("errors").is_none()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter(|r| r.0.get("errors").is_some()) {
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn logout_ends_this_device_only_and_everywhere_ends_all() {
    let app = spawn_app().await;
    let (phone, phone_refresh) = tokens(&app, "a1@test.local").await;
    let (laptop, _) = tokens(&app, "a1@test.local").await;
    let (tablet, _) = tokens(&app, "a1@test.local").await;
    let mut phone_socket = open(&app, &phone).await;
    let mut laptop_socket = open(&app, &laptop).await;
    let r = app.post(Some(&phone), "mutation { logout }", json!({})).await;
    assert_eq!(r.data()["logout"], 1);
    assert!(!works(&app, &phone).await);
    assert_eq!(
        app.post(None, REFRESH, json!({ "t": phone_refresh })).await.code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(closed_with(&mut phone_socket).await, 4403);
    assert!(works(&app, &laptop).await);
    assert_eq!(
        answers(&mut laptop_socket, "1").await["payload"]["data"]["me"]["email"],
        "a1@test.local"
    );
    // A lost phone: end every login from the laptop.
    let r = app.post(Some(&laptop), "mutation { logout(everywhere: true) }", json!({})).await;
    assert_eq!(r.data()["logout"], 2);
    assert!(!works(&app, &laptop).await && !works(&app, &tablet).await);
    assert_eq!(closed_with(&mut laptop_socket).await, 4403);
    // Logging out twice is refused as unauthenticated, not an error of ours.
    assert_eq!(
        app.post(Some(&phone), "mutation { logout }", json!({})).await.code(),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_ends_the_other_logins() {
    let app = spawn_app().await;
    let (here, _) = tokens(&app, "a1@test.local").await;
    let (elsewhere, _) = tokens(&app, "a1@test.local").await;
    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { email mustChangePassword } }";
    // Every bad field at once; nothing changes.
    let r = app.post(Some(&here), change, json!({ "c": "", "n": "short" })).await;
    assert_eq!(r.code(), "VALIDATION");
    assert_eq!(r.fields(), ["currentPassword", "newPassword"]);
    let r = app
        .post(Some(&here), change, json!({ "c": "wrong-password", "n": "a-new-passphrase" }))
        .await;
    assert_eq!(r.fields(), ["currentPassword"]);
    let r = app.post(Some(&here), change, json!({ "c": PASSWORD, "n": PASSWORD })).await;
    assert_eq!(r.fields(), ["newPassword"]);
    assert!(works(&app, &elsewhere).await);
    assert!(login_as(&app, "a1@test.local", PASSWORD).await.0.get("errors").is_none());
    let r = app
        .post(Some(&here), change, json!({ "c": PASSWORD, "n": "模具-new-passphrase" }))
        .await;
    assert_eq!(r.data()["changePassword"]["email"], "a1@test.local");
    assert!(works(&app, &here).await, "this login goes on");
    assert!(!works(&app, &elsewhere).await, "the others end");
    assert_eq!(login_as(&app, "a1@test.local", PASSWORD).await.code(), "UNAUTHENTICATED");
    assert!(
        login_as(&app, "a1@test.local", "模具-new-passphrase")
            .await
            .0
            .get("errors")
            .is_none()
    );
}

const CREATE: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { id email name role tracks { id } mustChangePassword } }";

#[tokio::test]
async fn an_admin_creates_users_and_every_bad_field_is_reported_at_once() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let users_before = app.count_rows("user").await;
    let bad = json!({ "email": "not-an-address", "name": " ", "role": "ACCOUNT_MANAGER", "trackIds": ["999", "x"], "password": "short" });
    let r = app.post(Some(&admin), CREATE, json!({ "i": bad })).await;
    assert_eq!(r.code(), "VALIDATION", "{}", r.0);
    assert_eq!(
        r.fields(),
        [
            "input.email",
            "input.name",
            "input.password",
            "input.trackIds.1",
            "input.trackIds.0",
            "input.trackIds"
        ]
    );
    // A director without a track, a taken address.
    let r = app
        .post(
            Some(&admin),
            CREATE,
            json!({ "i": { "email": "A1@test.local", "name": "Wang", "role": "TRACK_DIRECTOR", "trackIds": [], "password": "good-passphrase" } }),
        )
        .await;
    assert_eq!(r.fields(), ["input.trackIds"]);
    let r = app
        .post(
            Some(&admin),
            CREATE,
            json!({ "i": { "email": "A1@test.local", "name": "Wang", "role": "ACCOUNT_MANAGER", "trackIds": [T1.to_string()], "password": "good-passphrase" } }),
        )
        .await;
    assert_eq!(r.fields(), ["input.email"]);
    assert_eq!(app.count_rows("user").await, users_before, "a failed creation writes nothing");
    // Only the admin.
    let d1 = app.login("d1@test.local").await;
    let good = json!({ "email": "Li.Na@Test.local", "name": "李娜", "role": "ACCOUNT_MANAGER", "trackIds": [T2.to_string()], "password": "first-passphrase" });
    assert_eq!(app.post(Some(&d1), CREATE, json!({ "i": good })).await.code(), "FORBIDDEN");
    let r = app.post(Some(&admin), CREATE, json!({ "i": good })).await;
    let created = &r.data()["createUser"];
    assert_eq!(created["email"], "li.na@test.local");
    assert_eq!(created["tracks"], json!([{ "id": T2.to_string() }]));
    assert_eq!(created["mustChangePassword"], true);
    // She logs in, is asked for her own password, and sees track 2's world only.
    let r = login_as(&app, "li.na@test.local", "first-passphrase").await;
    assert_eq!(r.data()["login"]["user"]["mustChangePassword"], true);
    let token = r.data()["login"]["token"].as_str().unwrap().to_owned();
    assert_eq!(app.post(Some(&token), ME, json!({})).await.data()["me"]["role"], "ACCOUNT_MANAGER");
    // The same creation twice at once: one user.
    let again = json!({ "email": "twice@test.local", "name": "Twice", "role": "CEO", "trackIds": [], "password": "first-passphrase" });
    let calls = (0..4).map(|_| app.post(Some(&admin), CREATE, json!({ "i": again })));
    let results = futures_util::future::join_all(calls).await;
    assert_eq!(results.iter().filter(|r| r.0.get("errors").is_none()).count(), 1, "{results:?}");
    for r in results.iter().filter(|r| r.0.get("errors").is_some()) {
        assert_eq!(r.fields(), ["input.email"], "{}", r.0);
    }
}

#[tokio::test]
async fn an_admin_lists_and_searches_users() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let q = "query($f: UserFilter, $first: Int, $after: String) { users(filter: $f, first: $first, after: $after) { totalCount nodes { email } pageInfo { hasNextPage endCursor } } }";
    let emails = |r: &Gql| -> Vec<String> {
        r.data()["users"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = app.post(Some(&admin), q, json!({})).await;
    assert_eq!(all.data()["users"]["totalCount"], app.count_rows("user").await);
    let r = app.post(Some(&admin), q, json!({ "f": { "search": "D1@" } })).await;
    assert_eq!(emails(&r), ["d1@test.local"]);
    let r = app.post(Some(&admin), q, json!({ "f": { "role": "TRACK_DIRECTOR" } })).await;
    assert_eq!(emails(&r), ["d1@test.local", "d2@test.local"]);
    let r = app
        .post(
            Some(&admin),
            q,
            json!({ "f": { "trackId": T1.to_string(), "role": "ACCOUNT_MANAGER" } }),
        )
        .await;
    assert!(
        emails(&r).contains(&"a1@test.local".to_owned()) && !emails(&r).contains(&"a3@test.local".to_owned()),
        "{:?}",
        emails(&r)
    );
    // `%` and `_` are letters, not wildcards.
    let r = app.post(Some(&admin), q, json!({ "f": { "search": "%" } })).await;
    assert_eq!(r.data()["users"]["totalCount"], 0);
    // Paging.
    let p1 = app.post(Some(&admin), q, json!({ "first": 2 })).await;
    assert_eq!(p1.data()["users"]["pageInfo"]["hasNextPage"], true);
    let p2 = app
        .post(
            Some(&admin),
            q,
            json!({ "first": 2, "after": p1.data()["users"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_ne!(emails(&p1), emails(&p2));
    // Bad input, every field; nobody else may list.
    let r = app
        .post(
            Some(&admin),
            q,
            json!({ "f": { "search": "x".repeat(5_000), "trackId": "abc" }, "first": 0 }),
        )
        .await;
    assert_eq!(r.fields(), ["first", "filter.search", "filter.trackId"]);
    for who in ["ceo@test.local", "d1@test.local", "a1@test.local"] {
        let t = app.login(who).await;
        assert_eq!(app.post(Some(&t), q, json!({})).await.code(), "FORBIDDEN", "{who}");
    }
}

#[tokio::test]
async fn a_change_of_role_or_tracks_takes_effect_at_once_on_open_sockets() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let d1 = app.login("d1@test.local").await;
    let mut socket = open(&app, &d1).await;
    let update = "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { role tracks { id } } }";
    // A director needs a track; an account manager exactly one: nothing changes on a refusal.
    let r = app
        .post(Some(&admin), update, json!({ "id": D1.to_string(), "i": { "trackIds": [] } }))
        .await;
    assert_eq!(r.fields(), ["input.trackIds"]);
    let both = [T1.to_string(), T2.to_string()];
    let r = app
        .post(
            Some(&admin),
            update,
            json!({ "id": D1.to_string(), "i": { "role": "ACCOUNT_MANAGER", "trackIds": both } }),
        )
        .await;
    assert_eq!(r.fields(), ["input.trackIds"], "{}", r.0);
    assert_eq!(answers(&mut socket, "1").await["payload"]["data"]["me"]["email"], "d1@test.local");
    // Moved to track 2: his socket closes, his next request sees track 2.
    let r = app
        .post(
            Some(&admin),
            update,
            json!({ "id": D1.to_string(), "i": { "trackIds": [T2.to_string()] } }),
        )
        .await;
    assert_eq!(
        r.data()["updateUser"],
        json!({ "role": "TRACK_DIRECTOR", "tracks": [{ "id": T2.to_string() }] })
    );
    assert_eq!(closed_with(&mut socket).await, 4403);
    let me = app.post(Some(&d1), ME, json!({})).await;
    assert_eq!(me.data()["me"]["tracks"], json!([{ "id": T2.to_string() }]));
    // The admin cannot demote himself; others may not change users.
    let r = app
        .post(Some(&admin), update, json!({ "id": ADMIN.to_string(), "i": { "role": "CEO" } }))
        .await;
    assert_eq!(r.fields(), ["input.role"]);
    let ceo = app.login("ceo@test.local").await;
    let r = app
        .post(Some(&ceo), update, json!({ "id": A1.to_string(), "i": { "name": "x" } }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_password_reset_ends_every_login_and_asks_for_a_new_password() {
    use org::*;
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let (a1, a1_refresh) = tokens(&app, "a1@test.local").await;
    let mut socket = open(&app, &a1).await;
    let reset = "mutation($id: ID!, $p: String!) { resetPassword(id: $id, newPassword: $p) { mustChangePassword } }";
    let r = app.post(Some(&admin), reset, json!({ "id": A1.to_string(), "p": "short" })).await;
    assert_eq!(r.fields(), ["newPassword"]);
    assert!(works(&app, &a1).await, "a refused reset changes nothing");
    let r = app
        .post(Some(&a1), reset, json!({ "id": A2.to_string(), "p": "temporary-pass" }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app
        .post(Some(&admin), reset, json!({ "id": A1.to_string(), "p": "temporary-pass" }))
        .await;
    assert_eq!(r.data()["resetPassword"]["mustChangePassword"], true);
    assert!(!works(&app, &a1).await);
    assert_eq!(app.post(None, REFRESH, json!({ "t": a1_refresh })).await.code(), "UNAUTHENTICATED");
    assert_eq!(closed_with(&mut socket).await, 4403);
    let r = login_as(&app, "a1@test.local", "temporary-pass").await;
    assert_eq!(r.data()["login"]["user"]["mustChangePassword"], true);
    // Choosing his own clears the flag.
    let token = r.data()["login"]["token"].as_str().unwrap().to_owned();
    let change =
        "mutation { changePassword(currentPassword: \"temporary-pass\", newPassword: \"my-own-passphrase\") { mustChangePassword } }";
    assert_eq!(
        app.post(Some(&token), change, json!({})).await.data()["changePassword"]["mustChangePassword"],
        false
    );
    // A deactivated user's refresh token is refused too.
    let (_, r2) = tokens(&app, "a2@test.local").await;
    app.post(
        Some(&admin),
        "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }",
        json!({ "id": A2.to_string() }),
    )
    .await
    .data();
    assert_eq!(app.post(None, REFRESH, json!({ "t": r2 })).await.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_password_set_by_the_admin_must_be_changed_before_anything_else() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let reset = "mutation($id: ID!, $p: String!) { resetPassword(id: $id, newPassword: $p) { mustChangePassword } }";
    app.post(Some(&admin), reset, json!({ "id": org::A1.to_string(), "p": "temporary-pass" }))
        .await
        .data();
    let r = login_as(&app, "a1@test.local", "temporary-pass").await;
    let token = r.data()["login"]["token"].as_str().unwrap().to_owned();
    // Only me, changePassword and logout; an alias changes nothing.
    assert_eq!(app.post(Some(&token), ME, json!({})).await.data()["me"]["role"], "ACCOUNT_MANAGER");
    for q in [
        "{ opportunities(first: 5) { nodes { id } } }",
        "{ me: opportunities(first: 5) { nodes { id } } }",
        "{ alerts(first: 5) { nodes { id } } }",
        "mutation { createOpportunity(input: { name: \"n\", customerName: \"c\", kind: OTHER, amount: \"1\" }) { id } }",
    ] {
        let r = app.post(Some(&token), q, json!({})).await;
        assert_eq!(r.code(), "PASSWORD_CHANGE_REQUIRED", "{q}: {}", r.0);
    }
    let mut ws = crate::websocket::open(&app, &token).await;
    crate::websocket::send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { alertEvents { id } }" } }),
    )
    .await;
    let m = crate::websocket::next_json(&mut ws).await;
    assert!(m.to_string().contains("PASSWORD_CHANGE_REQUIRED"), "{m}");
    assert_eq!(app.count_rows("opportunity").await, 0);
    // Once changed, everything answers again.
    let change =
        "mutation { changePassword(currentPassword: \"temporary-pass\", newPassword: \"my-own-passphrase\") { mustChangePassword } }";
    assert_eq!(
        app.post(Some(&token), change, json!({})).await.data()["changePassword"]["mustChangePassword"],
        false
    );
    app.post(Some(&token), "{ opportunities(first: 5) { nodes { id } } }", json!({}))
        .await
        .data();
}

//! The organisation, kept by the admin: tracks created in a business line,
//! renamed, moved to the other line; everyone else refused; every board
//! shows the change at once.

use crate::helpers::*;
use serde_json::json;

const CREATE: &str = "mutation($i: TrackInput!) { createTrack(input: $i) { id name businessLine } }";
const UPDATE: &str = "mutation($id: ID!, $i: TrackInput!) { updateTrack(id: $id, input: $i) { id name businessLine } }";
const TRACKS: &str = "{ tracks { id name businessLine } }";
const BOARD: &str = "{ rankingBoard(period: {kind: MONTH, year: 2026, month: 11}) { dimensions { byAccountManager rows { trackName } } } }";

fn track_names(board: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = board["rankingBoard"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["byAccountManager"] == false)
        .flat_map(|d| d["rows"].as_array().unwrap().iter())
        .filter_map(|r| r["trackName"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[tokio::test]
async fn the_admin_creates_and_renames_tracks_and_every_board_shows_them() {
    let app = spawn_app().await;
    let admin = app.login("admin@test.local").await;
    let ceo = app.login("ceo@test.local").await;
    let d1 = app.login("d1@test.local").await;
    // The board is kept between writes: asked once before the change.
    let before = app.post(Some(&ceo), BOARD, json!({})).await;
    assert!(!track_names(before.data()).contains(&"新能源".to_owned()));

    // Only the admin; every bad field at once; nothing written.
    let input = json!({ "i": { "name": "新能源", "businessLine": "MOLDING_INTEGRATED" } });
    assert_eq!(app.post(Some(&d1), CREATE, input.clone()).await.code(), "FORBIDDEN");
    assert_eq!(app.post(Some(&ceo), CREATE, input.clone()).await.code(), "FORBIDDEN");
    let blank = app
        .post(
            Some(&admin),
            CREATE,
            json!({ "i": { "name": "  ", "businessLine": "COMMODITY_MOLD" } }),
        )
        .await;
    assert_eq!(blank.fields(), vec!["input.name"]);
    let long = "赛".repeat(201);
    let too_long = app
        .post(
            Some(&admin),
            CREATE,
            json!({ "i": { "name": long, "businessLine": "COMMODITY_MOLD" } }),
        )
        .await;
    assert_eq!(too_long.fields(), vec!["input.name"]);
    let count = app.count_rows("track").await;

    let created = app.post(Some(&admin), CREATE, input.clone()).await;
    let t = created.data()["createTrack"].clone();
    assert_eq!(
        (t["name"].as_str(), t["businessLine"].as_str()),
        (Some("新能源"), Some("MOLDING_INTEGRATED"))
    );
    assert_eq!(app.count_rows("track").await, count + 1);
    // The same name twice: the field says so, nothing is written.
    let twice = app.post(Some(&admin), CREATE, input.clone()).await;
    assert_eq!(twice.fields(), vec!["input.name"]);
    assert_eq!(app.count_rows("track").await, count + 1);

    // Everyone sees the new track's row on the board at once (rankings are public).
    let after = app.post(Some(&ceo), BOARD, json!({})).await;
    assert!(track_names(after.data()).contains(&"新能源".to_owned()), "{:?}", after.0);
    let seen_by_d1 = app.post(Some(&d1), BOARD, json!({})).await;
    assert!(track_names(seen_by_d1.data()).contains(&"新能源".to_owned()));

    // Renamed and moved to the other line; another track's name is refused.
    let id = t["id"].as_str().unwrap().to_owned();
    let taken = app
        .post(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "i": { "name": "消费电子I", "businessLine": "COMMODITY_MOLD" } }),
        )
        .await;
    assert_eq!(taken.fields(), vec!["input.name"]);
    let renamed = app
        .post(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "i": { "name": "新能源汽车", "businessLine": "COMMODITY_MOLD" } }),
        )
        .await;
    assert_eq!(renamed.data()["updateTrack"]["name"], "新能源汽车");
    assert_eq!(renamed.data()["updateTrack"]["businessLine"], "COMMODITY_MOLD");
    assert_eq!(
        app.post(
            Some(&d1),
            UPDATE,
            json!({ "id": id, "i": { "name": "x", "businessLine": "COMMODITY_MOLD" } })
        )
        .await
        .code(),
        "FORBIDDEN"
    );
    let missing = app
        .post(
            Some(&admin),
            UPDATE,
            json!({ "id": "999999", "i": { "name": "x", "businessLine": "COMMODITY_MOLD" } }),
        )
        .await;
    assert_eq!(missing.code(), "NOT_FOUND");
    let names = track_names(app.post(Some(&ceo), BOARD, json!({})).await.data());
    assert!(
        names.contains(&"新能源汽车".to_owned()) && !names.contains(&"新能源".to_owned()),
        "{names:?}"
    );
    let tracks = app.post(Some(&ceo), TRACKS, json!({})).await;
    assert!(
        tracks.data()["tracks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "新能源汽车")
    );

    // A track moved to the other line takes its deals with it.
    let deal = app.insert_deal(DealSpec::new(org::A3, org::T2)).await;
    let moved = app
        .post(
            Some(&admin),
            UPDATE,
            json!({ "id": org::T2.to_string(), "i": { "name": "医疗器械", "businessLine": "MOLDING_INTEGRATED" } }),
        )
        .await;
    assert_eq!(moved.data()["updateTrack"]["businessLine"], "MOLDING_INTEGRATED");
    use sea_orm::EntityTrait;
    let row = entity::opportunity::Entity::find_by_id(deal).one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.business_line, entity::BusinessLine::MoldingIntegrated);
}

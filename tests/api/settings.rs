//! The configuration: defaults from the domain, admin-only edits, every bad
//! value reported.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn everyone_reads_the_domain_defaults() {
    let app = spawn_app().await;
    let a1 = app.login("a1@test.local").await;
    let r = app.post(Some(&a1), "{ settings { timezone noFollowUpDays stalledQuotationMonths moldingIntegrated { weightHPotential conversionAlertBelow } commodityMold { conversionAlertBelow coverageAlertBelow } } }", json!({})).await;
    assert_eq!(
        r.data()["settings"],
        json!({ "timezone": "Asia/Shanghai", "noFollowUpDays": 15, "stalledQuotationMonths": 2,
                "moldingIntegrated": { "weightHPotential": 0.8, "conversionAlertBelow": 0.2 },
                "commodityMold": { "conversionAlertBelow": 0.1, "coverageAlertBelow": 1.5 } })
    );
}

#[tokio::test]
async fn only_an_admin_changes_settings_and_bad_values_change_nothing() {
    let app = spawn_app().await;
    let q = "mutation($i: SettingsInput!) { updateSettings(input: $i) { timezone noFollowUpDays commodityMold { weightInitial } } }";
    let d1 = app.login("d1@test.local").await;
    assert_eq!(
        app.post(Some(&d1), q, json!({ "i": { "noFollowUpDays": 10 } })).await.code(),
        "FORBIDDEN"
    );
    let admin = app.login("admin@test.local").await;
    let bad = app
        .post(
            Some(&admin),
            q,
            json!({ "i": { "timezone": "Mars/Base", "noFollowUpDays": 0, "commodityMold": { "weightInitial": 2 } } }),
        )
        .await;
    let mut f = bad.fields();
    f.sort();
    assert_eq!(
        f,
        [
            "input.commodityMold",
            "input.commodityMold.weightInitial",
            "input.noFollowUpDays",
            "input.timezone"
        ]
    );
    let ok = app
        .post(
            Some(&admin),
            q,
            json!({ "i": { "timezone": "Europe/Berlin", "noFollowUpDays": 10 } }),
        )
        .await;
    assert_eq!(
        ok.data()["updateSettings"],
        json!({ "timezone": "Europe/Berlin", "noFollowUpDays": 10, "commodityMold": { "weightInitial": 0.1 } })
    );
    let read = app.post(Some(&d1), "{ settings { timezone noFollowUpDays } }", json!({})).await;
    assert_eq!(
        read.data()["settings"],
        json!({ "timezone": "Europe/Berlin", "noFollowUpDays": 10 })
    );
}

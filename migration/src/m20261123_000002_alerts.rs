//! Alert tasks (告警任务), loss reviews (输单复盘) and the scheduler's job log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(*c);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("alert")
                    .col(big_pk_auto("id"))
                    .col(big_integer("opportunity_id"))
                    .col(string("rule"))
                    .col(big_integer("track_id"))
                    .col(big_integer("owner_id"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("raised_at"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(date_null("cycle_date"))
                    .col(timestamp_with_time_zone_null("overdue_at"))
                    .col(string_null("attribution"))
                    .col(string_null("attribution_text"))
                    .col(string_null("decision"))
                    .col(string_null("shelve_reason"))
                    .col(string_null("shelve_reason_text"))
                    .col(date_null("restart_date"))
                    .col(string_null("loss_reason"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(big_integer_null("resolved_by"))
                    .col(timestamp_with_time_zone_null("review_due_at"))
                    .col(timestamp_with_time_zone_null("review_overdue_at"))
                    .col(string_null("review_action"))
                    .col(string_null("review_comment"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(big_integer_null("reviewed_by"))
                    .col(big_integer_null("reassigned_to"))
                    .col(timestamp_with_time_zone_null("raised_to_ceo_at"))
                    .col(string_null("ceo_comment"))
                    .foreign_key(ForeignKey::create().from("alert", "opportunity_id").to("opportunity", "id"))
                    .foreign_key(ForeignKey::create().from("alert", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("alert", "owner_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("loss_review")
                    .col(big_pk_auto("id"))
                    .col(big_integer("opportunity_id"))
                    .col(big_integer_null("alert_id"))
                    .col(big_integer("owner_id"))
                    .col(big_integer("track_id"))
                    .col(text("reason"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(big_integer("opened_by"))
                    .foreign_key(ForeignKey::create().from("loss_review", "opportunity_id").to("opportunity", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("job_run")
                    .col(string("name").primary_key())
                    .col(date("last_date"))
                    .col(timestamp_with_time_zone("last_run_at"))
                    .to_owned(),
            )
            .await?;
        // At most one open alert per (opportunity, rule), enforced by the database.
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_alert_open ON alert (opportunity_id, rule) WHERE status = 'OPEN'")
            .await?;
        for stmt in [
            index("alert", "ix_alert_opportunity_rule", &["opportunity_id", "rule", "resolved_at"]),
            index("alert", "ix_alert_owner", &["owner_id", "id"]),
            index("alert", "ix_alert_track", &["track_id", "id"]),
            index("alert", "ix_alert_status_due", &["status", "due_at"]),
            index("alert", "ix_alert_status_review_due", &["status", "review_due_at"]),
            index("loss_review", "ix_loss_review_owner", &["owner_id", "id"]),
            index("loss_review", "ix_loss_review_track", &["track_id", "id"]),
            index("event", "ix_event_kind", &["kind", "id"]),
        ] {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_event_kind").table("event").to_owned())
            .await?;
        for table in ["job_run", "loss_review", "alert"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

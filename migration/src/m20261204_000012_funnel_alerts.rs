//! Funnel alerts and their tasks (issue 12, `DOMAIN.md` section 2):
//! - `funnel_alert`: one per track and month at most (unique), raised by the
//!   month-end check when the track's coverage or conversion is below its
//!   line, with the figures it saw; attributed by the track's director.
//! - `funnel_task`: the add / reactivate tasks a director dispatches to his
//!   account managers, for an alert or not.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("funnel_alert")
                    .col(big_pk_auto("id"))
                    .col(big_integer("track_id"))
                    .col(string_len("business_line", 32))
                    .col(date("month"))
                    .col(big_integer("weighted_pipeline_cents"))
                    .col(big_integer_null("remaining_target_cents"))
                    .col(double_null("coverage"))
                    .col(boolean("coverage_below"))
                    .col(double("coverage_line"))
                    .col(double_null("conversion"))
                    .col(boolean("conversion_below"))
                    .col(double("conversion_line"))
                    .col(timestamp_with_time_zone("raised_at"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(timestamp_with_time_zone_null("overdue_at"))
                    .col(string_len_null("attribution", 32))
                    .col(string_len_null("attribution_text", 4000))
                    .col(big_integer_null("attributed_by"))
                    .col(timestamp_with_time_zone_null("attributed_at"))
                    .col(integer("version"))
                    .foreign_key(ForeignKey::create().from("funnel_alert", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("funnel_alert", "attributed_by").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_funnel_alert_track_month")
                    .table("funnel_alert")
                    .col("track_id")
                    .col("month")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_funnel_alert_open")
                    .table("funnel_alert")
                    .col("attributed_at")
                    .col("overdue_at")
                    .col("due_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("funnel_task")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("alert_id"))
                    .col(big_integer("track_id"))
                    .col(string_len("kind", 32))
                    .col(integer_null("count"))
                    .col(big_integer_null("opportunity_id"))
                    .col(string_len("description", 8000))
                    .col(big_integer("owner_id"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .col(string_len_null("done_note", 8000))
                    .col(integer("version"))
                    .foreign_key(ForeignKey::create().from("funnel_task", "alert_id").to("funnel_alert", "id"))
                    .foreign_key(ForeignKey::create().from("funnel_task", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("funnel_task", "opportunity_id").to("opportunity", "id"))
                    .foreign_key(ForeignKey::create().from("funnel_task", "owner_id").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("funnel_task", "created_by").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("ix_funnel_task_owner", ["owner_id", "id"]),
            ("ix_funnel_task_track", ["track_id", "id"]),
            ("ix_funnel_task_alert", ["alert_id", "id"]),
        ] {
            let mut stmt = Index::create();
            stmt.name(name).table("funnel_task");
            for c in cols {
                stmt.col(c);
            }
            manager.create_index(stmt.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("funnel_task").to_owned()).await?;
        manager.drop_table(Table::drop().table("funnel_alert").to_owned()).await?;
        Ok(())
    }
}

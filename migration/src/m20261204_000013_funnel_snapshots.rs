//! `funnel_snapshot` (issue 12, `DOMAIN.md` section 2: "snapshotted monthly
//! so trends can be drawn"): every track's funnel figures as the month-end
//! check read them, one row per track and month (unique: a rerun or a second
//! process writes nothing over the first).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("funnel_snapshot")
                    .col(big_pk_auto("id"))
                    .col(big_integer("track_id"))
                    .col(string_len("business_line", 32))
                    .col(date("month"))
                    .col(big_integer("weighted_pipeline_cents"))
                    .col(big_integer_null("remaining_target_cents"))
                    .col(double_null("coverage"))
                    .col(double("coverage_line"))
                    .col(double_null("conversion"))
                    .col(double("conversion_line"))
                    .col(big_integer("secured"))
                    .col(big_integer("lost"))
                    .col(big_integer("open_count"))
                    .col(big_integer("open_amount_cents"))
                    .col(big_integer("active_count"))
                    .col(big_integer("moved_out"))
                    .col(timestamp_with_time_zone("taken_at"))
                    .foreign_key(ForeignKey::create().from("funnel_snapshot", "track_id").to("track", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_funnel_snapshot_track_month")
                    .table("funnel_snapshot")
                    .col("track_id")
                    .col("month")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("funnel_snapshot").to_owned()).await
    }
}

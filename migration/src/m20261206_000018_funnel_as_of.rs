//! `funnel(asOf)` (issue 12): a past funnel reads every track's month-end
//! snapshot of one month — the company's without a track list — by the
//! snapshot's month.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_funnel_snapshot_month")
                    .table("funnel_snapshot")
                    .col("month")
                    .col("track_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_funnel_snapshot_month").table("funnel_snapshot").to_owned())
            .await
    }
}

//! The two-version forecast frozen at each month's start (issue 12,
//! `DOMAIN.md` section 4): per track and account manager, the subjective
//! forecast (主观版: the open deals expected to order in the month) and the
//! precision forecast (精准版: the deals at `H_POTENTIAL` or later whose
//! precise order date lies in it), one row per month, track and account
//! manager (unique: a rerun or a second process writes nothing over the
//! first); `forecast_month` marks a month frozen (even with no forecast in
//! it). `forecast_alert`: a `FORECAST_GAP` per track and month at most,
//! when the precision forecast falls short of the subjective one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("forecast_freeze")
                    .col(big_pk_auto("id"))
                    .col(date("month"))
                    .col(big_integer("track_id"))
                    .col(big_integer("owner_id"))
                    .col(big_integer("subjective_cents"))
                    .col(big_integer("subjective_deals"))
                    .col(big_integer("precision_cents"))
                    .col(big_integer("precision_deals"))
                    .col(timestamp_with_time_zone("frozen_at"))
                    .foreign_key(ForeignKey::create().from("forecast_freeze", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("forecast_freeze", "owner_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_forecast_freeze")
                    .table("forecast_freeze")
                    .col("month")
                    .col("track_id")
                    .col("owner_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_forecast_freeze_track")
                    .table("forecast_freeze")
                    .col("track_id")
                    .col("month")
                    .to_owned(),
            )
            .await?;
        // One row per month frozen, even when no deal was forecast for it: the month is frozen.
        manager
            .create_table(
                Table::create()
                    .table("forecast_month")
                    .col(date("month").primary_key())
                    .col(timestamp_with_time_zone("frozen_at"))
                    .to_owned(),
            )
            .await?;
        // The freeze's precision forecast reads the deals at H Potential or later by precise date.
        manager
            .create_index(
                Index::create()
                    .name("ix_opportunity_precision")
                    .table("opportunity")
                    .col("status")
                    .col("stage")
                    .col("precision_order_date")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("forecast_alert")
                    .col(big_pk_auto("id"))
                    .col(big_integer("track_id"))
                    .col(date("month"))
                    .col(big_integer("subjective_cents"))
                    .col(big_integer("precision_cents"))
                    .col(timestamp_with_time_zone("raised_at"))
                    .foreign_key(ForeignKey::create().from("forecast_alert", "track_id").to("track", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_forecast_alert_track_month")
                    .table("forecast_alert")
                    .col("track_id")
                    .col("month")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("forecast_alert").to_owned()).await?;
        manager
            .drop_index(Index::drop().name("ix_opportunity_precision").table("opportunity").to_owned())
            .await?;
        manager.drop_table(Table::drop().table("forecast_month").to_owned()).await?;
        manager.drop_table(Table::drop().table("forecast_freeze").to_owned()).await
    }
}

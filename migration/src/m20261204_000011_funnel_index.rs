//! The funnel's and the order-health board's scans of the open deals
//! (issue 12): one index holding every column they group, filter and sum,
//! so the open deals of the four pipeline stages are read from the index
//! alone, track by track and account manager by account manager.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut stmt = Index::create();
        stmt.name("ix_opportunity_funnel").table("opportunity");
        for c in [
            "status",
            "stage",
            "track_id",
            "owner_id",
            "last_activity_at",
            "amount_cents",
            "stage_entered_at",
            "expected_order_month",
        ] {
            stmt.col(c);
        }
        manager.create_index(stmt.to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_opportunity_funnel").table("opportunity").to_owned())
            .await
    }
}

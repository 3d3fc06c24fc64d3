//! What a rule saw when it raised an alert, kept on the alert: the instant
//! it measured from (last follow-up, stage entry, securing), the stage, and
//! the threshold then configured. The date-bound rules keep their date in
//! `cycle_date` already.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            timestamp_with_time_zone_null("seen_at").to_owned(),
            string_null("seen_stage").to_owned(),
            big_integer_null("threshold").to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("alert").add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in ["threshold", "seen_stage", "seen_at"] {
            manager
                .alter_table(Table::alter().table("alert").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}

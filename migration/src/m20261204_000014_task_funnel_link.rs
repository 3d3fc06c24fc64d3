//! A meeting task may follow a funnel task (issue 12: funnel tasks "linkable
//! from meeting tasks"), as it may follow an anomaly alert.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("task")
                    .add_column(big_integer_null("funnel_task_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("task").drop_column("funnel_task_id").to_owned())
            .await
    }
}

//! `user.token_generation`: a counter every token carries. Deactivation
//! (and any change of role or tracks) moves it on, so every token issued
//! before is refused — even one issued in the same second, which a
//! timestamp comparison could not tell apart.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("user")
                    .add_column(integer("token_generation").default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("user").drop_column("token_generation").to_owned())
            .await
    }
}

//! The account life cycle and a phone's view of itself:
//! - `session`: one per login (a device); access tokens name it, so logging
//!   out of one phone ends that phone only. `refresh_token`: every refresh
//!   token ever issued in a session, by its SHA-256 (never the token); a
//!   token presented twice revokes its session.
//! - `user.must_change_password`: set when an admin resets a password.
//! - `alert.read_at`: when the owner first saw the alert (`markAlertsSeen`).
//! - `event.actor_id`: who acted (empty for the system's scan).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("session")
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_used_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(ForeignKey::create().from("session", "user_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_token")
                    .col(big_pk_auto("id"))
                    .col(big_integer("session_id"))
                    .col(string_len("token_hash", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(ForeignKey::create().from("refresh_token", "session_id").to("session", "id"))
                    .to_owned(),
            )
            .await?;
        for stmt in [
            Index::create()
                .name("ux_refresh_token_hash")
                .table("refresh_token")
                .col("token_hash")
                .unique()
                .to_owned(),
            Index::create().name("ix_session_user").table("session").col("user_id").to_owned(),
            Index::create()
                .name("ix_refresh_token_session")
                .table("refresh_token")
                .col("session_id")
                .to_owned(),
        ] {
            manager.create_index(stmt).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("user")
                    .add_column(boolean("must_change_password").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("alert")
                    .add_column(timestamp_with_time_zone_null("read_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("event").add_column(big_integer_null("actor_id")).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("event").drop_column("actor_id").to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("alert").drop_column("read_at").to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("user").drop_column("must_change_password").to_owned())
            .await?;
        manager.drop_table(Table::drop().table("refresh_token").to_owned()).await?;
        manager.drop_table(Table::drop().table("session").to_owned()).await?;
        Ok(())
    }
}

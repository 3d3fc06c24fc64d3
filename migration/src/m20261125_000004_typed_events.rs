//! The event log gets typed columns: what the event is about (subject kind
//! and id), its opportunity and rule, instead of a JSON payload written in
//! two languages and read back by string keys. `kind` keeps its column and
//! is read as an enumeration.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for col in [
            string("subject_kind").default("ALERT").to_owned(),
            big_integer("subject_id").default(0).to_owned(),
            big_integer_null("opportunity_id").to_owned(),
            string_null("rule").to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("event").add_column(col).to_owned())
                .await?;
        }
        let backfill = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "UPDATE event SET subject_id = COALESCE((payload->>'alertId')::bigint, 0), \
                 opportunity_id = (payload->>'opportunityId')::bigint, rule = payload->>'rule'"
            }
            _ => {
                "UPDATE event SET subject_id = COALESCE(json_extract(payload, '$.alertId'), 0), \
                 opportunity_id = json_extract(payload, '$.opportunityId'), rule = json_extract(payload, '$.rule')"
            }
        };
        db.execute_unprepared(backfill).await?;
        db.execute_unprepared("ALTER TABLE event DROP COLUMN payload").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .alter_table(Table::alter().table("event").add_column(json("payload").default("{}")).to_owned())
            .await?;
        let json = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "UPDATE event SET payload = json_build_object('alertId', subject_id, 'opportunityId', opportunity_id, 'rule', rule)"
            }
            _ => "UPDATE event SET payload = json_object('alertId', subject_id, 'opportunityId', opportunity_id, 'rule', rule)",
        };
        db.execute_unprepared(json).await?;
        for col in ["rule", "opportunity_id", "subject_id", "subject_kind"] {
            db.execute_unprepared(&format!("ALTER TABLE event DROP COLUMN {col}")).await?;
        }
        Ok(())
    }
}

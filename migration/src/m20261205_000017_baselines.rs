//! Baselines and target migrations (issue 12, `DOMAIN.md` section 4):
//! - `baseline_version`: the year-start snapshot is version 1 of its year,
//!   each executed target migration the next (unique per year and number).
//! - `baseline_entry`: an opportunity's expected order month and amount in
//!   the baseline, valid from one instant until the next version replaces
//!   it (`valid_to` null while current), so the baseline reads as of any date.
//! - `target_migration`: an account manager's request to move a slipping
//!   molding-integrated opportunity's target to a replacement, decided by a
//!   director and executed by the admin within 2 days of approval.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("target_migration")
                    .col(big_pk_auto("id"))
                    .col(integer("year"))
                    .col(big_integer("track_id"))
                    .col(big_integer("from_opportunity_id"))
                    .col(big_integer("to_opportunity_id"))
                    .col(big_integer("amount_cents"))
                    .col(string_len("reason", 4000))
                    .col(string_len("status", 32))
                    .col(big_integer("requested_by"))
                    .col(timestamp_with_time_zone("requested_at"))
                    .col(big_integer_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(string_len_null("decision_comment", 4000))
                    .col(timestamp_with_time_zone_null("execute_due_at"))
                    .col(timestamp_with_time_zone_null("overdue_at"))
                    .col(big_integer_null("executed_by"))
                    .col(timestamp_with_time_zone_null("executed_at"))
                    .col(integer_null("baseline_version"))
                    .col(integer("version"))
                    .foreign_key(ForeignKey::create().from("target_migration", "track_id").to("track", "id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("target_migration", "from_opportunity_id")
                            .to("opportunity", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("target_migration", "to_opportunity_id")
                            .to("opportunity", "id"),
                    )
                    .foreign_key(ForeignKey::create().from("target_migration", "requested_by").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("baseline_version")
                    .col(big_pk_auto("id"))
                    .col(integer("year"))
                    .col(integer("number"))
                    .col(big_integer_null("migration_id"))
                    .col(big_integer_null("taken_by"))
                    .col(timestamp_with_time_zone("taken_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("baseline_version", "migration_id")
                            .to("target_migration", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("baseline_entry")
                    .col(big_pk_auto("id"))
                    .col(integer("year"))
                    .col(big_integer("opportunity_id"))
                    .col(big_integer("track_id"))
                    .col(big_integer("owner_id"))
                    .col(date_null("expected_order_month"))
                    .col(big_integer("amount_cents"))
                    .col(integer("version_from"))
                    .col(timestamp_with_time_zone("valid_from"))
                    .col(timestamp_with_time_zone_null("valid_to"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("baseline_entry", "opportunity_id")
                            .to("opportunity", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, &str, &[&str], bool); 7] = [
            ("ux_baseline_version", "baseline_version", &["year", "number"], true),
            (
                "ix_baseline_entry_opportunity",
                "baseline_entry",
                &["opportunity_id", "year", "valid_from"],
                false,
            ),
            (
                "ix_baseline_entry_track",
                "baseline_entry",
                &["year", "track_id", "opportunity_id"],
                false,
            ),
            ("ix_baseline_entry_year", "baseline_entry", &["year", "opportunity_id"], false),
            ("ix_target_migration_track", "target_migration", &["track_id", "id"], false),
            ("ix_target_migration_requester", "target_migration", &["requested_by", "id"], false),
            ("ix_target_migration_due", "target_migration", &["status", "execute_due_at"], false),
        ];
        for (name, table, cols, unique) in indexes {
            let mut stmt = Index::create();
            stmt.name(name).table(table);
            for c in cols {
                stmt.col(*c);
            }
            if unique {
                stmt.unique();
            }
            manager.create_index(stmt.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["baseline_entry", "baseline_version", "target_migration"] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

//! The monthly and quarterly funnel reviews (issue 12, `DOMAIN.md` section
//! 2): the stage distribution kept with each month-end snapshot (one row per
//! snapshot and open stage), and the alert indexes the reviews read by — a
//! track's alerts of a month, the company's of a quarter, a track's
//! restart-due alerts of a month, the deals with a shelve reason.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &[&str]); 4] = [
    ("ix_alert_track_raised", "alert", &["track_id", "raised_at"]),
    ("ix_alert_raised", "alert", &["raised_at"]),
    ("ix_alert_track_rule_cycle", "alert", &["track_id", "rule", "cycle_date"]),
    // The quarter's shelvings start from the deals with a shelve reason.
    ("ix_opportunity_shelve_reason", "opportunity", &["shelve_reason", "track_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("funnel_snapshot_stage")
                    .col(big_pk_auto("id"))
                    .col(big_integer("snapshot_id"))
                    .col(string_len("stage", 32))
                    .col(big_integer("count"))
                    .col(big_integer("amount_cents"))
                    .col(big_integer("active_count"))
                    .col(big_integer("active_amount_cents"))
                    .col(big_integer("weighted_cents"))
                    .col(double_null("average_days"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("funnel_snapshot_stage", "snapshot_id")
                            .to("funnel_snapshot", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_funnel_snapshot_stage")
                    .table("funnel_snapshot_stage")
                    .col("snapshot_id")
                    .col("stage")
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, table, cols) in INDEXES {
            let mut stmt = Index::create();
            stmt.name(name).table(table);
            for c in cols {
                stmt.col(*c);
            }
            manager.create_index(stmt.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table("funnel_snapshot_stage").to_owned()).await
    }
}

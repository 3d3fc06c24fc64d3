//! The figures the company's ERP writes back, and the admin's targets
//! (issue 10, `DOMAIN.md` section 4):
//! - `erp_order`, `erp_sale`, `erp_expense`, `erp_receivable`: one row per
//!   ERP record, unique by the ERP's external id within its kind. Money is
//!   integer fen. `month` is the first day of the month the record counts
//!   in (company time), kept so every monthly figure is an index range.
//! - `target`: monthly sales and order targets of a track (no account
//!   manager) or of an account manager in a track; one per kind, track,
//!   account manager and month.
//! - `erp_month`: the sales and orders of each (track, account manager,
//!   month), kept current by every import in its own transaction, so the
//!   board sums a few thousand rollup rows instead of millions of facts.
//! - `erp_batch`: every accepted import: kind, who, when, how it came, and
//!   what it inserted, updated and left unchanged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fact_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(big_pk_auto("id"))
        .col(string_len("external_id", 64))
        .col(date("month"))
        .col(big_integer("track_id"))
        .col(big_integer("batch_id"))
        .foreign_key(ForeignKey::create().from(name, "track_id").to("track", "id"))
        .foreign_key(ForeignKey::create().from(name, "batch_id").to("erp_batch", "id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("erp_batch")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 32))
                    .col(string_len("source", 16))
                    .col(string_len_null("file_name", 255))
                    .col(big_integer_null("actor_id"))
                    .col(big_integer("row_count"))
                    .col(big_integer("inserted"))
                    .col(big_integer("updated"))
                    .col(big_integer("unchanged"))
                    .col(date_null("first_month"))
                    .col(date_null("last_month"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(ForeignKey::create().from("erp_batch", "actor_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                fact_table("erp_order")
                    .col(date("order_date"))
                    .col(big_integer("account_manager_id"))
                    .col(string_len("customer", 200))
                    .col(big_integer_null("opportunity_id"))
                    .col(big_integer("amount_cents"))
                    .foreign_key(ForeignKey::create().from("erp_order", "account_manager_id").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("erp_order", "opportunity_id").to("opportunity", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                fact_table("erp_sale")
                    .col(date("sale_date"))
                    .col(big_integer("account_manager_id"))
                    .col(big_integer("revenue_cents"))
                    .col(big_integer("cost_cents"))
                    .foreign_key(ForeignKey::create().from("erp_sale", "account_manager_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(fact_table("erp_expense").col(big_integer("amount_cents")).to_owned())
            .await?;
        manager
            .create_table(fact_table("erp_receivable").col(big_integer("balance_cents")).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("target")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 16))
                    .col(big_integer("track_id"))
                    .col(big_integer_null("account_manager_id"))
                    .col(date("month"))
                    .col(big_integer("amount_cents"))
                    .col(big_integer("batch_id"))
                    .foreign_key(ForeignKey::create().from("target", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("target", "account_manager_id").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("target", "batch_id").to("erp_batch", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("erp_month")
                    .col(big_integer("track_id"))
                    .col(big_integer("account_manager_id"))
                    .col(date("month"))
                    .col(big_integer("revenue_cents"))
                    .col(big_integer("cost_cents"))
                    .col(big_integer("orders_cents"))
                    .col(big_integer("sale_rows"))
                    .col(big_integer("order_rows"))
                    .primary_key(Index::create().col("month").col("track_id").col("account_manager_id"))
                    .foreign_key(ForeignKey::create().from("erp_month", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("erp_month", "account_manager_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        for table in ["erp_order", "erp_sale", "erp_expense", "erp_receivable"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ux_{table}_external_id"))
                        .table(table)
                        .col("external_id")
                        .unique()
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_track_month"))
                        .table(table)
                        .col("track_id")
                        .col("month")
                        .to_owned(),
                )
                .await?;
        }
        for table in ["erp_order", "erp_sale"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_manager_month"))
                        .table(table)
                        .col("account_manager_id")
                        .col("month")
                        .to_owned(),
                )
                .await?;
        }
        // The board's scans: every track's figures of a range of months,
        // and one track's or one account manager's months (its drill-down).
        for (table, name, cols) in [
            ("erp_expense", "ix_erp_expense_month", &["month"][..]),
            ("erp_receivable", "ix_erp_receivable_month", &["month"][..]),
            ("erp_month", "ix_erp_month_track_month", &["track_id", "month"][..]),
            ("erp_month", "ix_erp_month_manager_month", &["account_manager_id", "month"][..]),
            ("target", "ix_target_track_month", &["track_id", "month"][..]),
            ("target", "ix_target_manager_month", &["account_manager_id", "month"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in cols {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // One target per kind, track, account manager (none for the track's
        // own) and month: an expression, so both databases treat "no account
        // manager" as one value.
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_target_key ON target (kind, track_id, COALESCE(account_manager_id, 0), month)")
            .await?;
        manager
            .create_index(Index::create().name("ix_target_month").table("target").col("month").to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "erp_month",
            "target",
            "erp_receivable",
            "erp_expense",
            "erp_sale",
            "erp_order",
            "erp_batch",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

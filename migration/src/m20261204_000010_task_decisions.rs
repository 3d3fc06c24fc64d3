//! The chair's decisions on unfinished tasks and the directors' analyses of
//! their 未达标 rows (issue 11, `DOMAIN.md` section 3):
//! - `task_decision`: at the opening of a meeting the chair decides on each
//!   unfinished task: extend (a new due date), re-dispatch (a new owner),
//!   adjust (a new description) or close (cancelled), with the reason given;
//!   what it was and what it became.
//! - `task.due_extended`: a due date the chair set, which a move of the next
//!   meeting no longer changes.
//! - `row_analysis`: a director's cause analysis and improvement plan
//!   (原因分析和改善计划) on a 未达标 board row of a period; one per row.

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
                    .add_column(boolean("due_extended").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("task_decision")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_id"))
                    .col(big_integer("meeting_id"))
                    .col(string_len("kind", 16))
                    .col(string_len("reason", 4000))
                    .col(timestamp_with_time_zone_null("from_due_at"))
                    .col(timestamp_with_time_zone_null("to_due_at"))
                    .col(big_integer_null("from_owner_id"))
                    .col(big_integer_null("to_owner_id"))
                    .col(string_len_null("from_description", 8000))
                    .col(string_len_null("to_description", 8000))
                    .col(big_integer("decided_by"))
                    .col(timestamp_with_time_zone("decided_at"))
                    .foreign_key(ForeignKey::create().from("task_decision", "task_id").to("task", "id"))
                    .foreign_key(ForeignKey::create().from("task_decision", "meeting_id").to("meeting", "id"))
                    .foreign_key(ForeignKey::create().from("task_decision", "decided_by").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_decision_task")
                    .table("task_decision")
                    .col("task_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("row_analysis")
                    .col(big_pk_auto("id"))
                    .col(date("period_first"))
                    .col(date("period_last"))
                    .col(integer("dimension"))
                    .col(big_integer("track_id"))
                    .col(big_integer_null("account_manager_id"))
                    // `T<track id>` or `A<account manager id>`: one analysis per row.
                    .col(string_len("row_key", 32))
                    .col(string_len("cause", 8000))
                    .col(string_len("plan", 8000))
                    .col(big_integer("author_id"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version"))
                    .foreign_key(ForeignKey::create().from("row_analysis", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("row_analysis", "author_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_row_analysis_row")
                    .table("row_analysis")
                    .col("period_first")
                    .col("period_last")
                    .col("dimension")
                    .col("row_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("row_analysis").to_owned()).await?;
        manager.drop_table(Table::drop().table("task_decision").to_owned()).await?;
        manager
            .alter_table(Table::alter().table("task").drop_column("due_extended").to_owned())
            .await?;
        Ok(())
    }
}

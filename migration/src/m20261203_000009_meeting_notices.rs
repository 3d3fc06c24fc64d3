//! What the scheduler has told about meetings and tasks, each once:
//! `meeting.report_ready_at` (the opening report announced, a day before),
//! `task.due_soon_told_at` (its owner told it is due tomorrow) and
//! `task.overdue_told_at` (told it is overdue). A move of the meeting or a
//! new due date clears them, so the new time is told again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        for (table, column) in [
            ("meeting", "report_ready_at"),
            ("task", "due_soon_told_at"),
            ("task", "overdue_told_at"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // The scheduler's scan of reports to announce.
        manager
            .create_index(
                Index::create()
                    .name("ix_meeting_report_starts")
                    .table("meeting")
                    .col("report_ready_at")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_meeting_report_starts").table("meeting").to_owned())
            .await?;
        for (table, column) in [
            ("task", "overdue_told_at"),
            ("task", "due_soon_told_at"),
            ("meeting", "report_ready_at"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

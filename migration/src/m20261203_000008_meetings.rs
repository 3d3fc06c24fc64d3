//! Supervision meetings and their tasks (issue 11, `DOMAIN.md` section 3):
//! - `meeting`: one occurrence of the company's monthly supervision meeting
//!   or of a track's weekly meeting. `series` names the sequence it belongs
//!   to (`MONTHLY_SUPERVISION`, `TRACK_WEEKLY:<track id>`): one meeting per
//!   series and start, and a task's due date is the next start of its series.
//!   `opened_at` is when the scheduler handled its start (escalation): once.
//! - `meeting_change`: every move and cancellation of a meeting: from when,
//!   to when, why, by whom.
//! - `task`: a task recorded in a meeting from a board row: the row's
//!   dimension, track and account manager, its figure then, the owner, the
//!   due date (kept equal to the next meeting of the series), the status and
//!   the escalation mark.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("meeting")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 32))
                    .col(string_len("series", 64))
                    .col(big_integer_null("track_id"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(string_len("status", 16))
                    .col(integer("version"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("opened_at"))
                    .foreign_key(ForeignKey::create().from("meeting", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("meeting", "created_by").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_meeting_series_start")
                    .table("meeting")
                    .col("series")
                    .col("starts_at")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_meeting_starts_at")
                    .table("meeting")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        // The scheduler's scan: started meetings not yet opened.
        manager
            .create_index(
                Index::create()
                    .name("ix_meeting_opened_starts")
                    .table("meeting")
                    .col("opened_at")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("meeting_change")
                    .col(big_pk_auto("id"))
                    .col(big_integer("meeting_id"))
                    .col(string_len("kind", 16))
                    .col(timestamp_with_time_zone("from_starts_at"))
                    .col(timestamp_with_time_zone_null("to_starts_at"))
                    .col(string_len_null("reason", 1000))
                    .col(big_integer_null("actor_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(ForeignKey::create().from("meeting_change", "meeting_id").to("meeting", "id"))
                    .foreign_key(ForeignKey::create().from("meeting_change", "actor_id").to("user", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_meeting_change_meeting")
                    .table("meeting_change")
                    .col("meeting_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("task")
                    .col(big_pk_auto("id"))
                    .col(big_integer("meeting_id"))
                    .col(string_len("meeting_kind", 32))
                    .col(integer("dimension"))
                    .col(big_integer("track_id"))
                    .col(big_integer_null("account_manager_id"))
                    .col(date("period_first"))
                    .col(date("period_last"))
                    .col(double_null("value_then"))
                    .col(string_len("standing_then", 16))
                    .col(string_len("description", 2000))
                    .col(big_integer("owner_id"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .col(string_len_null("done_note", 2000))
                    .col(timestamp_with_time_zone_null("escalated_at"))
                    .col(big_integer_null("alert_id"))
                    .col(integer("version"))
                    .foreign_key(ForeignKey::create().from("task", "meeting_id").to("meeting", "id"))
                    .foreign_key(ForeignKey::create().from("task", "track_id").to("track", "id"))
                    .foreign_key(ForeignKey::create().from("task", "account_manager_id").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("task", "owner_id").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("task", "created_by").to("user", "id"))
                    .foreign_key(ForeignKey::create().from("task", "alert_id").to("alert", "id"))
                    .to_owned(),
            )
            .await?;
        // The task lists' scans: a meeting's tasks, an owner's, a track's;
        // the escalation's pending tasks of a meeting; the quarter's tasks.
        for (name, cols) in [
            ("ix_task_meeting_status", &["meeting_id", "status"][..]),
            ("ix_task_owner_status", &["owner_id", "status"][..]),
            ("ix_task_track_status", &["track_id", "status"][..]),
            ("ix_task_status_due", &["status", "due_at"][..]),
            ("ix_task_created_at", &["created_at"][..]),
            ("ix_task_escalated_at", &["escalated_at"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("task");
            for c in cols {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["task", "meeting_change", "meeting"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

//! `alert`: 告警任务, one anomaly of one opportunity under one rule, a task
//! for the account manager copied to the track director.

use crate::{AlertDecision, AlertRule, AlertStatus, Attribution, ReviewAction, ShelveReason, Stage};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alert")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub opportunity_id: i64,
    pub rule: AlertRule,
    pub track_id: i64,
    pub owner_id: i64,
    pub status: AlertStatus,
    pub raised_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    /// For the date-bound rules, the cycle the alert belongs to (the restart
    /// date, the expected order month): one alert per cycle.
    pub cycle_date: Option<Date>,
    /// When the unresolved alert was escalated as overdue.
    pub overdue_at: Option<DateTimeUtc>,
    pub attribution: Option<Attribution>,
    pub attribution_text: Option<String>,
    pub decision: Option<AlertDecision>,
    pub shelve_reason: Option<ShelveReason>,
    pub shelve_reason_text: Option<String>,
    pub restart_date: Option<Date>,
    pub loss_reason: Option<String>,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<i64>,
    pub review_due_at: Option<DateTimeUtc>,
    /// When the unreviewed resolution was escalated as overdue.
    pub review_overdue_at: Option<DateTimeUtc>,
    pub review_action: Option<ReviewAction>,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<i64>,
    pub reassigned_to: Option<i64>,
    pub raised_to_ceo_at: Option<DateTimeUtc>,
    pub ceo_comment: Option<String>,
    /// What the rule measured from when it raised the alert: the last
    /// follow-up, the stage entry or the securing.
    pub seen_at: Option<DateTimeUtc>,
    /// The opportunity's stage when the alert was raised.
    pub seen_stage: Option<Stage>,
    /// The threshold configured when the alert was raised (days, months, or
    /// the day of the month, by rule).
    pub threshold: Option<i64>,
    /// When the owner first saw it (`markAlertsSeen`); empty: unseen.
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! Funnel alerts (漏斗健康度告警) and the add / reactivate tasks a director
//! dispatches for them: types, queries, mutations; their events on
//! `funnelEvents` (`graphql::events`).

use super::common::{Date, Instant, Money, id, lookup_id};
use super::ctx;
use super::enums::{BusinessLine, FunnelAttribution, FunnelTaskKind};
use super::meetings::TaskStatus;
use super::opportunities::Opportunity;
use super::organisation::{Track, User};
use crate::service::funnel_alerts as svc;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{funnel_alert, funnel_snapshot, funnel_task};

async fn user(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
}

/// 漏斗健康度告警: the month-end check found a track's coverage or conversion below its line;
/// its director attributes it and dispatches add / reactivate tasks.
pub struct FunnelAlert(pub funnel_alert::Model);

/// 漏斗健康度告警: the month-end check found a track's coverage or conversion below its line;
/// its director attributes it and dispatches add / reactivate tasks.
#[Object]
impl FunnelAlert {
    /// Funnel alert id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The track's business line, whose lines applied.
    async fn business_line(&self) -> BusinessLine {
        self.0.business_line.into()
    }
    /// The month checked, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The weighted pipeline when checked.
    async fn weighted_pipeline(&self) -> Money {
        Money::from_cents(self.0.weighted_pipeline_cents)
    }
    /// The year's remaining order target when checked (none without a target).
    async fn remaining_target(&self) -> Option<Money> {
        self.0.remaining_target_cents.map(Money::from_cents)
    }
    /// The coverage when checked (none when there was nothing left to cover or no target).
    async fn coverage(&self) -> Option<f64> {
        self.0.coverage
    }
    /// The coverage was below its line.
    async fn coverage_below(&self) -> bool {
        self.0.coverage_below
    }
    /// The coverage line then (1.5 by default).
    async fn coverage_alert_below(&self) -> f64 {
        self.0.coverage_line
    }
    /// The conversion of the trailing 12 months when checked (none without any outcome).
    async fn conversion(&self) -> Option<f64> {
        self.0.conversion
    }
    /// The conversion was below its line.
    async fn conversion_below(&self) -> bool {
        self.0.conversion_below
    }
    /// The conversion line then (20 % molding integrated, 10 % commodity by default).
    async fn conversion_alert_below(&self) -> f64 {
        self.0.conversion_line
    }
    /// When it was raised.
    async fn raised_at(&self) -> Instant {
        Instant(self.0.raised_at)
    }
    /// When it must be attributed (raised + the alerts' answer days).
    async fn due_at(&self) -> Instant {
        Instant(self.0.due_at)
    }
    /// Not attributed yet.
    async fn open(&self) -> bool {
        self.0.attributed_at.is_none()
    }
    /// When it passed its due time unattributed (told to the track's directors).
    async fn overdue_at(&self) -> Option<Instant> {
        self.0.overdue_at.map(Instant)
    }
    /// The director's attribution.
    async fn attribution(&self) -> Option<FunnelAttribution> {
        self.0.attribution.map(Into::into)
    }
    /// The attribution in words, in the request's language.
    async fn attribution_label(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.0.attribution {
            Some(a) => Ok(Some(super::labels::label(ctx, a).await?)),
            None => Ok(None),
        }
    }
    /// The attribution's explanation (required for `OTHER`).
    async fn attribution_text(&self) -> Option<&str> {
        self.0.attribution_text.as_deref()
    }
    /// Who attributed it.
    async fn attributed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.attributed_by).await
    }
    /// When.
    async fn attributed_at(&self) -> Option<Instant> {
        self.0.attributed_at.map(Instant)
    }
    /// Pass it back to `attributeFunnelAlert`.
    async fn version(&self) -> i64 {
        i64::from(self.0.version)
    }
}

/// 补充新商机 / 激活存量不活跃商机: a task a director gave an account manager of his track.
pub struct FunnelTask(pub funnel_task::Model);

/// 补充新商机 / 激活存量不活跃商机: a task a director gave an account manager of his track.
#[Object]
impl FunnelTask {
    /// Funnel task id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The funnel alert it answers, when the viewer sees it (none for a task from the monthly review).
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<FunnelAlert>> {
        let Some(a) = self.0.alert_id else { return Ok(None) };
        Ok(super::common::visible(svc::get_alert(ctx::state(ctx)?, ctx::viewer(ctx)?, a).await)?.map(FunnelAlert))
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// Add opportunities or reactivate one.
    async fn kind(&self) -> FunnelTaskKind {
        self.0.kind.into()
    }
    /// The kind in words, in the request's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// How many new opportunities (`ADD_OPPORTUNITIES`).
    async fn count(&self) -> Option<i32> {
        self.0.count
    }
    /// The opportunity to reactivate, when the viewer sees it.
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        let Some(o) = self.0.opportunity_id else { return Ok(None) };
        let viewer = ctx::viewer(ctx)?;
        let found = ctx::loaders(ctx)?.opportunities.load_one(o).await?;
        Ok(found.filter(|d| viewer.can_see(d.owner_id, d.track_id)).map(Opportunity::from))
    }
    /// What to do.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The account manager who does it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.owner_id)).await
    }
    /// The director who dispatched it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.created_by)).await
    }
    /// When.
    async fn created_at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// A due date, when the director set one (无固定时效 otherwise).
    async fn due_at(&self) -> Option<Instant> {
        self.0.due_at.map(Instant)
    }
    /// Pending or done.
    async fn status(&self) -> TaskStatus {
        self.0.status.into()
    }
    /// When its owner marked it done.
    async fn done_at(&self) -> Option<Instant> {
        self.0.done_at.map(Instant)
    }
    /// What he wrote.
    async fn done_note(&self) -> Option<&str> {
        self.0.done_note.as_deref()
    }
    /// `ADD_OPPORTUNITIES`: the opportunities its owner created in the track since it was given.
    async fn added(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        Ok(ctx::loaders(ctx)?.funnel_progress.load_one(self.0.id).await?.and_then(|p| p.added))
    }
    /// `REACTIVATE`: the opportunity is active and followed up since it was given.
    async fn reactivated(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        Ok(ctx::loaders(ctx)?
            .funnel_progress
            .load_one(self.0.id)
            .await?
            .and_then(|p| p.reactivated))
    }
    /// Pass it back when changing it.
    async fn version(&self) -> i64 {
        i64::from(self.0.version)
    }
}

/// What the month-end check did.
pub struct FunnelCheckReport(svc::CheckReport);

/// What the month-end check did.
#[Object]
impl FunnelCheckReport {
    /// The month checked, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// Tracks whose funnel was checked.
    async fn tracks_checked(&self) -> i64 {
        i64::try_from(self.0.tracks_checked).unwrap_or(i64::MAX)
    }
    /// Alerts this run raised.
    async fn raised(&self) -> Vec<FunnelAlert> {
        self.0.raised.iter().cloned().map(FunnelAlert).collect()
    }
    /// Tracks below a line that had their alert for the month already.
    async fn already_alerted(&self) -> i64 {
        i64::try_from(self.0.already_alerted).unwrap_or(i64::MAX)
    }
    /// Month-end snapshots written: every track's figures once a month (a rerun writes none).
    async fn snapshots_taken(&self) -> i64 {
        i64::try_from(self.0.snapshots_taken).unwrap_or(i64::MAX)
    }
}

/// 漏斗月末快照: a track's funnel figures as the month-end check read them; the points of its trend.
pub struct FunnelSnapshot(pub funnel_snapshot::Model);

/// 漏斗月末快照: a track's funnel figures as the month-end check read them; the points of its trend.
#[Object]
impl FunnelSnapshot {
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The track's business line then.
    async fn business_line(&self) -> BusinessLine {
        self.0.business_line.into()
    }
    /// The weighted pipeline.
    async fn weighted_pipeline(&self) -> Money {
        Money::from_cents(self.0.weighted_pipeline_cents)
    }
    /// The year's remaining order target (none without a target).
    async fn remaining_target(&self) -> Option<Money> {
        self.0.remaining_target_cents.map(Money::from_cents)
    }
    /// The coverage (none when nothing was left to cover or no target).
    async fn coverage(&self) -> Option<f64> {
        self.0.coverage
    }
    /// The coverage line then.
    async fn coverage_alert_below(&self) -> f64 {
        self.0.coverage_line
    }
    /// The conversion of the trailing 12 months (none without any outcome).
    async fn conversion(&self) -> Option<f64> {
        self.0.conversion
    }
    /// The conversion line then.
    async fn conversion_alert_below(&self) -> f64 {
        self.0.conversion_line
    }
    /// Deals secured in the trailing 12 months.
    async fn secured(&self) -> i64 {
        self.0.secured
    }
    /// Deals lost in the trailing 12 months.
    async fn lost(&self) -> i64 {
        self.0.lost
    }
    /// Open deals of the four open stages.
    async fn open_count(&self) -> i64 {
        self.0.open_count
    }
    /// Their amount.
    async fn open_amount(&self) -> Money {
        Money::from_cents(self.0.open_amount_cents)
    }
    /// Of them, followed up within the active window (活跃商机数).
    async fn active_count(&self) -> i64 {
        self.0.active_count
    }
    /// Open deals whose expected order month had slipped past.
    async fn moved_out(&self) -> i64 {
        self.0.moved_out
    }
    /// When it was taken.
    async fn taken_at(&self) -> Instant {
        Instant(self.0.taken_at)
    }
}

#[derive(Default)]
pub struct FunnelAlertQuery;

#[Object]
impl FunnelAlertQuery {
    /// Funnel alerts, newest month first: every track's for the CEO, the secretary and the admin,
    /// a director's tracks' (an account manager has none).
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn funnel_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this track's.")] track_id: Option<ID>,
        #[graphql(desc = "Only the open (true) or the attributed (false).")] open: Option<bool>,
        #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<FunnelAlert>> {
        let viewer = ctx::viewer(ctx)?;
        let found = svc::list_alerts(
            ctx::state(ctx)?,
            viewer,
            track_id.as_ref().map(|i| i.as_str()),
            open,
            first.map(i64::from),
        )
        .await?;
        Ok(found.into_iter().map(FunnelAlert).collect())
    }

    /// A track's funnel trend: its month-end snapshots of the last `months` months, oldest first
    /// (a month appears once its last day's check ran). For the CEO, the secretary, the admin and
    /// the track's directors.
    #[graphql(complexity = "5 + 36 * child_complexity")]
    async fn funnel_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track.")] track_id: ID,
        #[graphql(desc = "How many months back, this one included: 1–36 (default 12).")] months: Option<i32>,
    ) -> Result<Vec<FunnelSnapshot>> {
        let viewer = ctx::viewer(ctx)?;
        let found = svc::trend(ctx::state(ctx)?, viewer, track_id.as_str(), months.map(i64::from)).await?;
        Ok(found.into_iter().map(FunnelSnapshot).collect())
    }

    /// One funnel alert (`NOT_FOUND` outside the viewer's scope).
    async fn funnel_alert(&self, ctx: &Context<'_>, #[graphql(desc = "Funnel alert id.")] id: ID) -> Result<FunnelAlert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "funnel alert")?;
        Ok(FunnelAlert(svc::get_alert(ctx::state(ctx)?, viewer, id).await?))
    }

    /// Add / reactivate tasks, newest first: an account manager's own; a director's tracks' and
    /// his own; every one for the CEO, the secretary and the admin.
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn funnel_tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to narrow the list to.")] filter: Option<FunnelTaskFilter>,
        #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<FunnelTask>> {
        let viewer = ctx::viewer(ctx)?;
        let f = filter.unwrap_or_default();
        let found = svc::list_tasks(
            ctx::state(ctx)?,
            viewer,
            f.alert_id.as_ref().map(|i| i.as_str()),
            f.track_id.as_ref().map(|i| i.as_str()),
            f.owner_id.as_ref().map(|i| i.as_str()),
            f.status.map(Into::into),
            first.map(i64::from),
        )
        .await?;
        Ok(found.into_iter().map(FunnelTask).collect())
    }
}

/// What a funnel task list is narrowed to.
#[derive(InputObject, Default)]
pub struct FunnelTaskFilter {
    /// Those dispatched for this alert.
    pub alert_id: Option<ID>,
    /// Of this track.
    pub track_id: Option<ID>,
    /// Of this owner.
    pub owner_id: Option<ID>,
    /// Pending or done.
    pub status: Option<TaskStatus>,
}

/// A director's attribution of a funnel alert.
#[derive(InputObject)]
pub struct AttributeFunnelAlertInput {
    /// The alert.
    pub alert_id: ID,
    /// One of the four causes, or `OTHER`.
    pub attribution: FunnelAttribution,
    /// The explanation: required for `OTHER`, up to 2,000 characters.
    pub text: Option<String>,
    /// The alert's `version` as read.
    pub version: i64,
}

/// An add / reactivate task for an account manager of the director's track.
#[derive(InputObject)]
pub struct DispatchFunnelTaskInput {
    /// The funnel alert it answers (optional: the monthly review dispatches without one).
    pub alert_id: Option<ID>,
    /// The track (the alert's when one is given).
    pub track_id: Option<ID>,
    /// Add new opportunities or reactivate one.
    pub kind: FunnelTaskKind,
    /// An account manager of the track.
    pub owner_id: ID,
    /// `ADD_OPPORTUNITIES`: how many, 1–100.
    pub count: Option<i64>,
    /// `REACTIVATE`: a shelved or inactive opportunity of the track.
    pub opportunity_id: Option<ID>,
    /// What to do, up to 2,000 characters.
    pub description: String,
    /// A due date, optional (无固定时效).
    pub due_at: Option<Instant>,
}

#[derive(Default)]
pub struct FunnelAlertMutation;

#[Object]
impl FunnelAlertMutation {
    /// The admin runs the month-end funnel check for the month of `asOf` (today by default) on
    /// today's figures: an alert per track below its coverage or conversion line, at most one per
    /// track and month. The scheduler runs it on each month's last day.
    async fn run_funnel_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A day of the month to check.")] as_of: Option<Date>,
    ) -> Result<FunnelCheckReport> {
        let viewer = ctx::viewer(ctx)?;
        Ok(FunnelCheckReport(
            svc::run_check_for(ctx::state(ctx)?, viewer, as_of.map(|d| d.0)).await?,
        ))
    }

    /// A director of the track attributes its funnel alert, once.
    async fn attribute_funnel_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alert, its attribution and the version read.")] input: AttributeFunnelAlertInput,
    ) -> Result<FunnelAlert> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc::AttributionAsk {
            alert_id: input.alert_id.0,
            attribution: input.attribution.into(),
            text: input.text,
            version: input.version,
        };
        Ok(FunnelAlert(svc::attribute(ctx::state(ctx)?, viewer, ask).await?))
    }

    /// A director gives an account manager of his track an add or reactivate task; its owner is
    /// told (`FUNNEL_TASK_ASSIGNED`).
    async fn dispatch_funnel_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task to give.")] input: DispatchFunnelTaskInput,
    ) -> Result<FunnelTask> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc::TaskAsk {
            alert_id: input.alert_id.map(|i| i.0),
            track_id: input.track_id.map(|i| i.0),
            kind: input.kind.into(),
            owner_id: input.owner_id.0,
            count: input.count,
            opportunity_id: input.opportunity_id.map(|i| i.0),
            description: input.description,
            due_at: input.due_at.map(|i| i.0),
        };
        Ok(FunnelTask(svc::dispatch(ctx::state(ctx)?, viewer, ask).await?))
    }

    /// Its owner marks a funnel task done, with a note, once the work shows: the new
    /// opportunities created, or the opportunity active and followed up again.
    async fn complete_funnel_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Funnel task id.")] id: ID,
        #[graphql(desc = "What was done, up to 2,000 characters.")] note: String,
    ) -> Result<FunnelTask> {
        let viewer = ctx::viewer(ctx)?;
        Ok(FunnelTask(svc::complete(ctx::state(ctx)?, viewer, &id, &note).await?))
    }
}

/// "消费电子I 2026-11": a notification's track and month.
async fn track_and_month(ctx: &Context<'_>, track_id: i64, month: chrono::NaiveDate) -> Result<String> {
    let track = ctx::loaders(ctx)?
        .tracks
        .load_one(track_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    Ok(format!("{track} {}", crate::domain::calendar::format_year_month(month)))
}

/// A funnel event, stored before it was sent: a funnel alert raised or overdue or a forecast
/// gap (to the track's directors), a task dispatched (to its owner). Pass its `id` as `after`
/// to resume.
pub struct FunnelEvent(pub entity::event::Model);

/// A funnel event, stored before it was sent: a funnel alert raised or overdue or a forecast
/// gap (to the track's directors), a task dispatched (to its owner). Pass its `id` as `after`
/// to resume.
#[Object]
impl FunnelEvent {
    /// Increasing id: the value to pass as `after` when reconnecting.
    pub(crate) async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// What happened.
    pub(crate) async fn kind(&self) -> super::enums::EventKind {
        self.0.kind.into()
    }
    /// What happened, in words (漏斗健康度告警), in the request's language.
    pub(crate) async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.kind).await
    }
    /// One line for a phone's notification: the kind and the track and month, or the task.
    async fn notification(&self, ctx: &Context<'_>) -> Result<String> {
        let kind = super::labels::label(ctx, self.0.kind).await?;
        let (state, viewer) = (ctx::state(ctx)?, ctx::viewer(ctx)?);
        let what = match self.0.subject_kind {
            entity::EventSubject::FunnelAlert => {
                let found = super::common::visible(svc::get_alert(state, viewer, self.0.subject_id).await)?;
                match found {
                    Some(a) => Some(track_and_month(ctx, a.track_id, a.month).await?),
                    None => None,
                }
            }
            entity::EventSubject::ForecastAlert => {
                let found = super::common::visible(crate::service::forecast::get_alert(state, viewer, self.0.subject_id).await)?;
                match found {
                    Some(a) => Some(track_and_month(ctx, a.track_id, a.month).await?),
                    None => None,
                }
            }
            entity::EventSubject::TargetMigration => {
                super::common::visible(crate::service::baseline::get_migration(state, viewer, self.0.subject_id).await)?.map(|m| {
                    format!(
                        "{} {}",
                        crate::domain::money::format_yuan(m.amount_cents),
                        crate::domain::text::shorten(&m.reason, 40)
                    )
                })
            }
            entity::EventSubject::FunnelTask => super::common::visible(svc::get_task(state, viewer, self.0.subject_id).await)?
                .map(|t| crate::domain::text::shorten(&t.description, 40)),
            _ => None,
        };
        Ok(match what {
            Some(w) => format!("{kind}：{w}"),
            None => kind,
        })
    }
    /// When.
    pub(crate) async fn at(&self) -> Instant {
        Instant(self.0.created_at)
    }
    /// The funnel alert, as it is now (when the viewer sees it).
    async fn alert(&self, ctx: &Context<'_>) -> Result<Option<FunnelAlert>> {
        if self.0.subject_kind != entity::EventSubject::FunnelAlert {
            return Ok(None);
        }
        Ok(super::common::visible(svc::get_alert(ctx::state(ctx)?, ctx::viewer(ctx)?, self.0.subject_id).await)?.map(FunnelAlert))
    }
    /// The forecast alert (`FORECAST_GAP`), when the viewer sees it.
    async fn forecast_alert(&self, ctx: &Context<'_>) -> Result<Option<super::forecast::ForecastAlert>> {
        if self.0.subject_kind != entity::EventSubject::ForecastAlert {
            return Ok(None);
        }
        Ok(
            super::common::visible(crate::service::forecast::get_alert(ctx::state(ctx)?, ctx::viewer(ctx)?, self.0.subject_id).await)?
                .map(super::forecast::ForecastAlert),
        )
    }
    /// The target migration, as it is now (when the viewer sees it).
    async fn target_migration(&self, ctx: &Context<'_>) -> Result<Option<super::baseline::TargetMigration>> {
        if self.0.subject_kind != entity::EventSubject::TargetMigration {
            return Ok(None);
        }
        Ok(
            super::common::visible(crate::service::baseline::get_migration(ctx::state(ctx)?, ctx::viewer(ctx)?, self.0.subject_id).await)?
                .map(super::baseline::TargetMigration),
        )
    }
    /// The funnel task, as it is now (when the viewer sees it).
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<FunnelTask>> {
        if self.0.subject_kind != entity::EventSubject::FunnelTask {
            return Ok(None);
        }
        Ok(super::common::visible(svc::get_task(ctx::state(ctx)?, ctx::viewer(ctx)?, self.0.subject_id).await)?.map(FunnelTask))
    }
}

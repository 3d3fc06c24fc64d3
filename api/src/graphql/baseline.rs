//! Baselines (承接基准) and target migrations (目标迁移申请)
//! (`service::baseline`); migration events travel on `funnelEvents`.

use super::common::{Connection, Instant, Money, Node, PageArgs, id, lookup_id, page_request};
use super::ctx;
use super::enums::MigrationStatus;
use super::opportunities::Opportunity;
use super::organisation::{Track, User};
use crate::service::baseline as svc;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{baseline_entry, baseline_version, target_migration};

async fn deal(ctx: &Context<'_>, id: i64) -> Result<Option<Opportunity>> {
    let viewer = ctx::viewer(ctx)?;
    let found = ctx::loaders(ctx)?.opportunities.load_one(id).await?;
    Ok(found.filter(|d| viewer.can_see(d.owner_id, d.track_id)).map(Opportunity::from))
}

async fn user(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
}

/// One opportunity's line of the baseline.
pub struct BaselineEntry(baseline_entry::Model);

/// One opportunity's line of the baseline: its expected order month and amount as the
/// baseline holds them.
#[Object]
impl BaselineEntry {
    /// The opportunity id (pass the last one read as `after`).
    async fn opportunity_id(&self) -> ID {
        id(self.0.opportunity_id)
    }
    /// The opportunity, when the viewer sees it now.
    async fn opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        deal(ctx, self.0.opportunity_id).await
    }
    /// Its track when the baseline took it.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// Its account manager when the baseline took it.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.owner_id)).await
    }
    /// The expected order month, `YYYY-MM` (none when it was not filled in).
    async fn expected_order_month(&self) -> Option<String> {
        self.0.expected_order_month.map(crate::domain::calendar::format_year_month)
    }
    /// The baseline amount.
    async fn amount(&self) -> Money {
        Money::from_cents(self.0.amount_cents)
    }
    /// The version that wrote this line.
    async fn version(&self) -> i32 {
        self.0.version_from
    }
    /// In force from.
    async fn valid_from(&self) -> Instant {
        Instant(self.0.valid_from)
    }
    /// Replaced at (none while in force).
    async fn valid_to(&self) -> Option<Instant> {
        self.0.valid_to.map(Instant)
    }
}

/// One version of a year's baseline.
pub struct BaselineVersion(baseline_version::Model);

/// One version of a year's baseline: 1 is the year-start snapshot, each later one an executed
/// target migration.
#[Object]
impl BaselineVersion {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The version number, from 1.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// When it was written.
    async fn taken_at(&self) -> Instant {
        Instant(self.0.taken_at)
    }
    /// Who wrote it (none for the scheduler).
    async fn taken_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.taken_by).await
    }
    /// The target migration it executed (when the viewer sees it).
    async fn migration(&self, ctx: &Context<'_>) -> Result<Option<TargetMigration>> {
        let Some(m) = self.0.migration_id else { return Ok(None) };
        Ok(super::common::visible(svc::get_migration(ctx::state(ctx)?, ctx::viewer(ctx)?, m).await)?.map(TargetMigration))
    }
}

/// A year's baseline as of an instant.
pub struct Baseline(svc::Baseline);

/// 承接基准: a year's baseline as of an instant, in the viewer's scope.
#[Object]
impl Baseline {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The instant read.
    async fn as_of(&self) -> Instant {
        Instant(self.0.as_of)
    }
    /// The version the viewer's lines stand at then: the newest of those `baselineVersions` lists
    /// him (none before the year's snapshot).
    async fn version(&self) -> Option<BaselineVersion> {
        self.0.version.clone().map(BaselineVersion)
    }
    /// Its lines, by opportunity id.
    async fn entries(&self) -> Vec<BaselineEntry> {
        self.0.entries.iter().cloned().map(BaselineEntry).collect()
    }
}

/// 目标迁移申请.
#[derive(Clone)]
pub struct TargetMigration(pub target_migration::Model);

impl Node for TargetMigration {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// 目标迁移申请: move part of a slipping molding-integrated opportunity's baseline target to a
/// replacement; a director decides, the admin executes within 2 days of the approval.
#[Object]
impl TargetMigration {
    /// Target migration id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The year's baseline it changes.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The slipping opportunity (when the viewer sees it).
    #[allow(clippy::wrong_self_convention)]
    async fn from_opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        deal(ctx, self.0.from_opportunity_id).await
    }
    /// The replacement (when the viewer sees it).
    async fn to_opportunity(&self, ctx: &Context<'_>) -> Result<Option<Opportunity>> {
        deal(ctx, self.0.to_opportunity_id).await
    }
    /// The amount to move.
    async fn amount(&self) -> Money {
        Money::from_cents(self.0.amount_cents)
    }
    /// Why.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// Where it stands.
    async fn status(&self) -> MigrationStatus {
        self.0.status.into()
    }
    /// The status in words, in the request's language.
    async fn status_label(&self, ctx: &Context<'_>) -> Result<String> {
        super::labels::label(ctx, self.0.status).await
    }
    /// The account manager who asked.
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.requested_by)).await
    }
    /// When.
    async fn requested_at(&self) -> Instant {
        Instant(self.0.requested_at)
    }
    /// The director who decided.
    async fn decided_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.decided_by).await
    }
    /// When.
    async fn decided_at(&self) -> Option<Instant> {
        self.0.decided_at.map(Instant)
    }
    /// His comment (required to reject).
    async fn decision_comment(&self) -> Option<&str> {
        self.0.decision_comment.as_deref()
    }
    /// Approved: to be executed by then (2 days after the approval).
    async fn execute_due_at(&self) -> Option<Instant> {
        self.0.execute_due_at.map(Instant)
    }
    /// When it passed that time unexecuted (escalated).
    async fn overdue_at(&self) -> Option<Instant> {
        self.0.overdue_at.map(Instant)
    }
    /// The admin who executed it.
    async fn executed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.executed_by).await
    }
    /// When.
    async fn executed_at(&self) -> Option<Instant> {
        self.0.executed_at.map(Instant)
    }
    /// The baseline version its execution wrote.
    async fn baseline_version(&self) -> Option<i32> {
        self.0.baseline_version
    }
    /// Pass it back when deciding or executing.
    async fn version(&self) -> i64 {
        i64::from(self.0.version)
    }
}

/// What taking a baseline did.
pub struct BaselineSnapshotReport(svc::SnapshotReport);

/// What taking a baseline did.
#[Object]
impl BaselineSnapshotReport {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The year had its baseline already: nothing was written (it stays as taken).
    async fn already_taken(&self) -> bool {
        self.0.already_taken
    }
    /// Lines written: one per open opportunity.
    async fn entries(&self) -> i64 {
        i64::try_from(self.0.entries).unwrap_or(i64::MAX)
    }
}

#[derive(Default)]
pub struct BaselineQuery;

#[Object]
impl BaselineQuery {
    /// 承接基准 of a year as of an instant (now by default), in the viewer's scope: every line for
    /// the CEO, the secretary and the admin, a director's tracks', an account manager's own deals'.
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn baseline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, 2001 to 2100.")] year: i32,
        #[graphql(desc = "The instant to read it at (now by default).")] as_of: Option<Instant>,
        #[graphql(desc = "Only this track's lines.")] track_id: Option<ID>,
        #[graphql(desc = "How many lines, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `opportunityId` of the last line read: the lines after it.")] after: Option<ID>,
    ) -> Result<Baseline> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc::BaselineAsk {
            year,
            as_of: as_of.map(|i| i.0),
            track_id: track_id.map(|i| i.0),
            first: first.map(i64::from),
            after: after.map(|i| i.0),
        };
        Ok(Baseline(svc::baseline(ctx::state(ctx)?, viewer, ask).await?))
    }

    /// The versions of a year's baseline, oldest first: the year-start snapshot, and the
    /// executions of the target migrations the viewer sees.
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn baseline_versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, 2001 to 2100.")] year: i32,
        #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `number` of the last version read: the versions after it.")] after: Option<i32>,
    ) -> Result<Vec<BaselineVersion>> {
        let viewer = ctx::viewer(ctx)?;
        let found = svc::versions(ctx::state(ctx)?, viewer, year, first.map(i64::from), after).await?;
        Ok(found.into_iter().map(BaselineVersion).collect())
    }

    /// Target migrations, oldest first (the longest waiting first): an account manager's own
    /// requests, a director's tracks', every one for the CEO, the secretary and the admin.
    #[graphql(complexity = "10 + crate::domain::limits::PAGE.for_cost(first.or(last).map(i64::from)) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn target_migrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those in this status.")] status: Option<MigrationStatus>,
        #[graphql(desc = "Only this track's.")] track_id: Option<ID>,
        #[graphql(desc = "Page size reading forwards, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which the page starts (`pageInfo.endCursor`).")] after: Option<String>,
        #[graphql(desc = "Page size reading backwards from the end or from `before`, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which the page ends (`pageInfo.startCursor`), with `last`.")] before: Option<String>,
    ) -> Result<Connection<TargetMigration>> {
        let viewer = ctx::viewer(ctx)?;
        let page = page_request(ctx, PageArgs::new(first, after, last, before));
        let found = svc::migrations(
            ctx::state(ctx)?,
            viewer,
            status.map(Into::into),
            track_id.as_ref().map(|i| i.as_str()),
            page,
        )
        .await?;
        Ok(Connection::new(found.map(TargetMigration)))
    }

    /// One target migration (`NOT_FOUND` outside the viewer's scope).
    async fn target_migration(&self, ctx: &Context<'_>, #[graphql(desc = "Target migration id.")] id: ID) -> Result<TargetMigration> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "target migration")?;
        Ok(TargetMigration(svc::get_migration(ctx::state(ctx)?, viewer, id).await?))
    }
}

/// An account manager's target migration request.
#[derive(InputObject)]
pub struct RequestTargetMigrationInput {
    /// The slipping opportunity: his own, molding integrated, neither mold development nor mass production.
    pub from_opportunity_id: ID,
    /// The replacement: his own, in the same track, under the same rules.
    pub to_opportunity_id: ID,
    /// How much of the first's baseline to move, in yuan (more than zero, at most its baseline).
    pub amount: String,
    /// Why, up to 1,000 characters.
    pub reason: String,
}

#[derive(Default)]
pub struct BaselineMutation;

#[Object]
impl BaselineMutation {
    /// The admin takes this year's baseline now, if the scheduler has not (it does from the scan
    /// hour of the year's first day): every open opportunity's expected order month and amount.
    async fn take_baseline(&self, ctx: &Context<'_>) -> Result<BaselineSnapshotReport> {
        let viewer = ctx::viewer(ctx)?;
        Ok(BaselineSnapshotReport(svc::take_for(ctx::state(ctx)?, viewer).await?))
    }

    /// An account manager asks to move part of a slipping opportunity's baseline target to a
    /// replacement; the track's directors are told (`TARGET_MIGRATION_REQUESTED`).
    async fn request_target_migration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The two opportunities, the amount and the reason.")] input: RequestTargetMigrationInput,
    ) -> Result<TargetMigration> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc::MigrationAsk {
            from_opportunity_id: input.from_opportunity_id.0,
            to_opportunity_id: input.to_opportunity_id.0,
            amount: input.amount,
            reason: input.reason,
        };
        Ok(TargetMigration(svc::request(ctx::state(ctx)?, viewer, ask).await?))
    }

    /// A director of the track approves (the admin then has 2 days to execute) or rejects (with a
    /// comment) a requested migration, once.
    async fn decide_target_migration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Target migration id.")] id: ID,
        #[graphql(desc = "Approve (true) or reject (false).")] approve: bool,
        #[graphql(desc = "A comment, up to 2,000 characters (required to reject).")] comment: Option<String>,
        #[graphql(desc = "The migration's `version` as read.")] version: i64,
    ) -> Result<TargetMigration> {
        let viewer = ctx::viewer(ctx)?;
        Ok(TargetMigration(
            svc::decide(ctx::state(ctx)?, viewer, &id, approve, comment.as_deref(), version).await?,
        ))
    }

    /// The admin executes an approved migration: the amount moves from the first opportunity's
    /// baseline to the second's, as a new baseline version.
    async fn execute_target_migration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Target migration id.")] id: ID,
        #[graphql(desc = "The migration's `version` as read.")] version: i64,
    ) -> Result<TargetMigration> {
        let viewer = ctx::viewer(ctx)?;
        Ok(TargetMigration(svc::execute(ctx::state(ctx)?, viewer, &id, version).await?))
    }
}

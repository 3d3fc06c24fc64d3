//! GraphQL mirrors of the stored enumerations (conversions generated both
//! ways by `remote`, so a new variant fails to compile until it is mirrored).

use async_graphql::Enum;

/// Role of a user in the sales organisation.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::Role")]
pub enum Role {
    /// 客户经理: owns opportunities, answers alerts, owns weekly-meeting tasks.
    AccountManager,
    /// 赛道总监: runs one or more tracks, reviews alerts.
    TrackDirector,
    /// Sees everything, runs the monthly supervision meeting.
    Ceo,
    /// CEO秘书: records monthly-meeting tasks; reads everything.
    Secretary,
    /// 系统管理员: users, configuration, imports.
    Admin,
}

/// 业务: a business line, with its own thresholds.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::BusinessLine")]
pub enum BusinessLine {
    /// 模塑一体: molding integrated.
    MoldingIntegrated,
    /// 商品模: commodity molds.
    CommodityMold,
}

/// Funnel stage of an opportunity, in order.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::Stage")]
pub enum Stage {
    /// 初步识别: initial identification.
    InitialIdentification,
    /// 报价博弈: quotation.
    Quotation,
    /// 深度谈判: deep negotiation.
    DeepNegotiation,
    /// H Potential: the order is near; a precision forecast is required.
    #[graphql(name = "H_POTENTIAL")]
    HPotential,
    /// Won: the order is secured.
    Secured,
}

/// Status of an opportunity.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::OpportunityStatus")]
pub enum OpportunityStatus {
    /// Being followed.
    Active,
    /// 搁置: paused until a restart date.
    Shelved,
    /// 输单: lost.
    Lost,
}

/// Kind of business of an opportunity.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::OpportunityKind")]
pub enum OpportunityKind {
    /// 模具开发: mold development (baseline locked).
    MoldDevelopment,
    /// 量产: mass production (baseline locked).
    MassProduction,
    /// Anything else.
    Other,
}

/// Kind of a follow-up.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::ActivityKind")]
pub enum ActivityKind {
    /// A visit to the customer.
    Visit,
    /// A phone call.
    Call,
    /// An e-mail.
    Email,
    /// A meeting.
    Meeting,
    /// A note.
    Note,
    /// A quotation status update.
    QuotationUpdate,
    /// 无跟进归因: recorded by the system when an alert is resolved.
    AlertAttribution,
}

/// 搁置原因: why an opportunity is shelved (customer side or our side).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::ShelveReason")]
pub enum ShelveReason {
    /// Customer: waiting for internal approval or budget.
    CustomerAwaitingApprovalOrBudget,
    /// Customer: design not final.
    CustomerDesignNotFinal,
    /// Customer: the decision-maker changed.
    CustomerDecisionMakerChanged,
    /// Customer: budget cut or frozen.
    CustomerBudgetCutOrFrozen,
    /// Customer: production base relocated.
    CustomerProductionRelocated,
    /// Customer: industry demand down.
    CustomerIndustryDemandDown,
    /// Customer: a competitor entered and the customer re-evaluates.
    CustomerCompetitorReevaluation,
    /// Customer: another reason (text required).
    CustomerOther,
    /// Our side: technical capability not yet there.
    OurTechnicalCapability,
    /// Our side: no capacity.
    OurNoCapacity,
    /// Our side: quotation cost too high.
    OurQuotationTooHigh,
    /// Our side: another reason (text required).
    OurOther,
}

/// Which field a history entry records.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::HistoryField")]
pub enum HistoryField {
    /// The stage changed.
    Stage,
    /// The status changed.
    Status,
    /// 滚动预测（主观版）: the expected order month and amount changed, written `YYYY-MM|yuan`.
    RollingForecast,
    /// H Potential精度版: the precise order date and amount changed, written `YYYY-MM-DD|yuan`.
    PrecisionForecast,
}

/// The opportunity-anomaly rules (单笔商机异常).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::AlertRule")]
pub enum AlertRule {
    /// Active, not secured, no follow-up for 15 natural days (15日无跟进).
    NoFollowUp,
    /// In initial identification for more than 14 days.
    StalledInitial,
    /// In quotation for more than 2 calendar months.
    StalledQuotation,
    /// In deep negotiation for more than 1 calendar month.
    StalledNegotiation,
    /// Secured more than 2 calendar months ago without a mold number.
    SecuredNoMold,
    /// Shelved, and the restart date is 3 days away or past.
    ShelveRestartDue,
    /// On the 25th: molding-integrated, order expected this month, not yet at H_POTENTIAL (25号预警).
    #[graphql(name = "ORDER_EXPECTED_NOT_H_POTENTIAL")]
    OrderExpectedNotHPotential,
}

/// Where an alert task stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::AlertStatus")]
pub enum AlertStatus {
    /// Raised: the account manager must answer it.
    Open,
    /// Answered: the director must review it.
    Resolved,
    /// Reviewed: closed.
    Reviewed,
}

/// 无跟进归因: why the condition arose (customer side or our side).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::Attribution")]
pub enum Attribution {
    /// Customer: no response.
    CustomerNoResponse,
    /// Customer: project on hold (budget / approval).
    CustomerProjectOnHold,
    /// Customer: the decision-maker changed.
    CustomerDecisionMakerChanged,
    /// Customer: design not final.
    CustomerDesignNotFinal,
    /// Customer: asked to pause.
    CustomerAskedToPause,
    /// Customer: another reason (text required).
    CustomerOther,
    /// Our side: not enough account-manager capacity.
    OurCapacity,
    /// Our side: strategic pause.
    OurStrategicPause,
    /// Our side: quotation or technical solution not ready.
    OurQuotationNotReady,
    /// Our side: another reason (text required).
    OurOther,
}

/// The account manager's decision on an alert.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::AlertDecision")]
pub enum AlertDecision {
    /// Go on following the opportunity.
    Keep,
    /// Shelve it (reason and future restart date required).
    Shelve,
    /// Lose it (loss reason required; a loss review is opened).
    Lose,
    /// Reactivate a shelved opportunity.
    Reactivate,
}

/// The director's review of a resolution.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::ReviewAction")]
pub enum ReviewAction {
    /// Acknowledge the decision.
    Acknowledge,
    /// The director will assist.
    Assist,
    /// Reassign the opportunity to another account manager of the track.
    Reassign,
    /// Suggest closing the opportunity.
    SuggestClose,
}

/// Kinds of events: those of alerts (`alertEvents`, `escalationEvents`), of the board (`erpEvents`)
/// and of meetings (`meetingEvents`).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::EventKind")]
pub enum EventKind {
    /// A scan raised an alert.
    AlertRaised,
    /// The account manager resolved an alert.
    AlertResolved,
    /// The director reviewed a resolution.
    AlertReviewed,
    /// An alert stayed unresolved past its due time (escalated to the director).
    AlertOverdue,
    /// A resolution stayed unreviewed past its review time.
    ReviewOverdue,
    /// The director raised an alert to the CEO.
    AlertRaisedToCeo,
    /// A batch of ERP figures or targets was imported: the board's figures changed.
    ErpImported,
    /// A meeting task was recorded for its owner.
    TaskAssigned,
    /// A pending task is due within a day.
    TaskDueTomorrow,
    /// A task passed its due date not done.
    TaskOverdue,
    /// A task still pending at the next meeting's start was marked escalated.
    TaskEscalated,
    /// A meeting's opening report is ready (a day before it).
    MeetingReportReady,
    /// The month-end check found a track's coverage or conversion below its line (to its directors).
    FunnelAlertRaised,
    /// A funnel alert stayed unattributed past its due time (to the track's directors).
    FunnelAlertOverdue,
    /// A director dispatched an add / reactivate task (to its owner).
    FunnelTaskAssigned,
    /// A deal was secured (to its owner, its track's directors, the CEO, the secretary, the admin).
    DealSecured,
    /// 双版本差异告警: the month-start freeze found a track's precision forecast below its
    /// subjective one (to its directors).
    ForecastGap,
    /// 目标迁移申请: an account manager asked to migrate a target (to the track's directors).
    TargetMigrationRequested,
    /// A director approved or rejected a target migration (to the requester and the directors).
    TargetMigrationDecided,
    /// The admin executed a target migration: a new baseline version (to the requester and the directors).
    TargetMigrationExecuted,
    /// An approved migration stayed unexecuted past its 2 days (to the track's directors).
    TargetMigrationOverdue,
}

/// Where a target migration (目标迁移申请) stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::MigrationStatus")]
pub enum MigrationStatus {
    /// 待审批: waiting for a director of the track.
    Requested,
    /// 已批准待执行: approved, for the admin to execute within 2 days.
    Approved,
    /// 已驳回: rejected.
    Rejected,
    /// 已执行: executed, a new baseline version written.
    Executed,
}

/// 漏斗健康度归因: why a track's funnel is below its line.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::FunnelAttribution")]
pub enum FunnelAttribution {
    /// 高质量大单支撑: coverage is low but each large deal is likely to win.
    LargeQualityDeals,
    /// 模塑一体有大项目即将进入漏斗: a big molding project enters the funnel soon.
    BigProjectEntering,
    /// 商品模正处于赛道切换期: the commodity line is switching tracks; the new one's deals are filling.
    SwitchingTracks,
    /// 已启动商机推进异常PDCA处理: already handled by an anomaly PDCA, nothing more to start.
    HandledByAnomalyPdca,
    /// 其他: another cause, told in `text` (required).
    Other,
}

/// What a funnel task asks of its account manager.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::FunnelTaskKind")]
pub enum FunnelTaskKind {
    /// 补充新商机: add new opportunities to the track (`count` of them).
    AddOpportunities,
    /// 激活存量不活跃商机: bring a named shelved or inactive opportunity back into play.
    Reactivate,
}

/// The order of an alert list.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
#[graphql(remote = "crate::domain::page::AlertOrder")]
pub enum AlertOrder {
    /// In the order they were raised (the default).
    #[default]
    OldestFirst,
    /// The newest first.
    NewestFirst,
    /// By the time the answer is due, soonest first.
    DueSoonest,
    /// Overdue ones first, then by due time.
    OverdueFirst,
}

/// The order of an opportunity list.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
#[graphql(remote = "crate::domain::page::OpportunityOrder")]
pub enum OpportunityOrder {
    /// In the order they were created (the default).
    #[default]
    OldestFirst,
    /// The newest first.
    NewestFirst,
    /// The longest without a follow-up first.
    LastFollowUpOldest,
    /// The most recently followed up first.
    LastFollowUpNewest,
    /// By expected order month, soonest first; those without one last.
    ExpectedOrderMonth,
    /// The largest amount first.
    AmountLargest,
}

/// What a batch of ERP write-back (or of targets) carries.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "entity::ErpKind")]
pub enum ErpKind {
    /// 订单: orders booked (date, track, account manager, customer, opportunity, amount).
    Orders,
    /// 销售: sales (date, track, account manager, revenue, cost).
    Sales,
    /// 费用: a track's expenses of a month.
    Expenses,
    /// 应收账款: a track's receivables at a month's end.
    Receivables,
    /// 销售目标: monthly sales targets of a track or of an account manager in it.
    SalesTargets,
    /// 接单目标: monthly order targets of a track or of an account manager in it.
    OrderTargets,
}

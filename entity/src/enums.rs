//! Enumerations stored as strings, shared by the tables and the API.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Who a user is in the sales organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    /// 客户经理
    #[sea_orm(string_value = "ACCOUNT_MANAGER")]
    AccountManager,
    /// 赛道总监
    #[sea_orm(string_value = "TRACK_DIRECTOR")]
    TrackDirector,
    #[sea_orm(string_value = "CEO")]
    Ceo,
    /// CEO秘书
    #[sea_orm(string_value = "SECRETARY")]
    Secretary,
    /// 系统管理员
    #[sea_orm(string_value = "ADMIN")]
    Admin,
}

/// 业务: the two business lines, each with its own thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum BusinessLine {
    /// 模塑一体
    #[sea_orm(string_value = "MOLDING_INTEGRATED")]
    MoldingIntegrated,
    /// 商品模
    #[sea_orm(string_value = "COMMODITY_MOLD")]
    CommodityMold,
}

/// Stage of an opportunity, in funnel order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Stage {
    /// 初步识别
    #[sea_orm(string_value = "INITIAL_IDENTIFICATION")]
    InitialIdentification,
    /// 报价博弈
    #[sea_orm(string_value = "QUOTATION")]
    Quotation,
    /// 深度谈判
    #[sea_orm(string_value = "DEEP_NEGOTIATION")]
    DeepNegotiation,
    #[sea_orm(string_value = "H_POTENTIAL")]
    HPotential,
    /// won
    #[sea_orm(string_value = "SECURED")]
    Secured,
}

/// Status of an opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OpportunityStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// 搁置
    #[sea_orm(string_value = "SHELVED")]
    Shelved,
    /// 输单
    #[sea_orm(string_value = "LOST")]
    Lost,
}

/// What kind of business an opportunity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OpportunityKind {
    /// 模具开发
    #[sea_orm(string_value = "MOLD_DEVELOPMENT")]
    MoldDevelopment,
    /// 量产
    #[sea_orm(string_value = "MASS_PRODUCTION")]
    MassProduction,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Kind of a follow-up record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ActivityKind {
    #[sea_orm(string_value = "VISIT")]
    Visit,
    #[sea_orm(string_value = "CALL")]
    Call,
    #[sea_orm(string_value = "EMAIL")]
    Email,
    #[sea_orm(string_value = "MEETING")]
    Meeting,
    #[sea_orm(string_value = "NOTE")]
    Note,
    /// a quotation status update
    #[sea_orm(string_value = "QUOTATION_UPDATE")]
    QuotationUpdate,
    /// 无跟进归因: the attribution given when an alert is resolved
    #[sea_orm(string_value = "ALERT_ATTRIBUTION")]
    AlertAttribution,
}

/// 搁置原因: why an opportunity is shelved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ShelveReason {
    #[sea_orm(string_value = "CUSTOMER_AWAITING_APPROVAL_OR_BUDGET")]
    CustomerAwaitingApprovalOrBudget,
    #[sea_orm(string_value = "CUSTOMER_DESIGN_NOT_FINAL")]
    CustomerDesignNotFinal,
    #[sea_orm(string_value = "CUSTOMER_DECISION_MAKER_CHANGED")]
    CustomerDecisionMakerChanged,
    #[sea_orm(string_value = "CUSTOMER_BUDGET_CUT_OR_FROZEN")]
    CustomerBudgetCutOrFrozen,
    #[sea_orm(string_value = "CUSTOMER_PRODUCTION_RELOCATED")]
    CustomerProductionRelocated,
    #[sea_orm(string_value = "CUSTOMER_INDUSTRY_DEMAND_DOWN")]
    CustomerIndustryDemandDown,
    #[sea_orm(string_value = "CUSTOMER_COMPETITOR_REEVALUATION")]
    CustomerCompetitorReevaluation,
    #[sea_orm(string_value = "CUSTOMER_OTHER")]
    CustomerOther,
    #[sea_orm(string_value = "OUR_TECHNICAL_CAPABILITY")]
    OurTechnicalCapability,
    #[sea_orm(string_value = "OUR_NO_CAPACITY")]
    OurNoCapacity,
    #[sea_orm(string_value = "OUR_QUOTATION_TOO_HIGH")]
    OurQuotationTooHigh,
    #[sea_orm(string_value = "OUR_OTHER")]
    OurOther,
}

impl ShelveReason {
    /// "Other" reasons need a free-text explanation.
    pub fn needs_text(self) -> bool {
        matches!(self, Self::CustomerOther | Self::OurOther)
    }

    /// Customer side (true) or our side (false): the quarterly split.
    pub fn is_customer_side(self) -> bool {
        matches!(
            self,
            Self::CustomerAwaitingApprovalOrBudget
                | Self::CustomerDesignNotFinal
                | Self::CustomerDecisionMakerChanged
                | Self::CustomerBudgetCutOrFrozen
                | Self::CustomerProductionRelocated
                | Self::CustomerIndustryDemandDown
                | Self::CustomerCompetitorReevaluation
                | Self::CustomerOther
        )
    }
}

/// Which field an opportunity history row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum HistoryField {
    #[sea_orm(string_value = "STAGE")]
    Stage,
    #[sea_orm(string_value = "STATUS")]
    Status,
    /// The rolling forecast (expected order month and amount), as `YYYY-MM|yuan`.
    #[sea_orm(string_value = "ROLLING_FORECAST")]
    RollingForecast,
    /// The precision forecast (order date and amount), as `YYYY-MM-DD|yuan`.
    #[sea_orm(string_value = "PRECISION_FORECAST")]
    PrecisionForecast,
}

/// The seven opportunity-anomaly rules (单笔商机异常).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AlertRule {
    #[sea_orm(string_value = "NO_FOLLOW_UP")]
    NoFollowUp,
    #[sea_orm(string_value = "STALLED_INITIAL")]
    StalledInitial,
    #[sea_orm(string_value = "STALLED_QUOTATION")]
    StalledQuotation,
    #[sea_orm(string_value = "STALLED_NEGOTIATION")]
    StalledNegotiation,
    #[sea_orm(string_value = "SECURED_NO_MOLD")]
    SecuredNoMold,
    #[sea_orm(string_value = "SHELVE_RESTART_DUE")]
    ShelveRestartDue,
    #[sea_orm(string_value = "ORDER_EXPECTED_NOT_H_POTENTIAL")]
    OrderExpectedNotHPotential,
}

/// Where an alert task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AlertStatus {
    /// Raised, waiting for the account manager.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Answered, waiting for the director's review.
    #[sea_orm(string_value = "RESOLVED")]
    Resolved,
    /// Reviewed by the director: closed.
    #[sea_orm(string_value = "REVIEWED")]
    Reviewed,
}

/// 无跟进归因: why an alert's condition arose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Attribution {
    #[sea_orm(string_value = "CUSTOMER_NO_RESPONSE")]
    CustomerNoResponse,
    #[sea_orm(string_value = "CUSTOMER_PROJECT_ON_HOLD")]
    CustomerProjectOnHold,
    #[sea_orm(string_value = "CUSTOMER_DECISION_MAKER_CHANGED")]
    CustomerDecisionMakerChanged,
    #[sea_orm(string_value = "CUSTOMER_DESIGN_NOT_FINAL")]
    CustomerDesignNotFinal,
    #[sea_orm(string_value = "CUSTOMER_ASKED_TO_PAUSE")]
    CustomerAskedToPause,
    #[sea_orm(string_value = "CUSTOMER_OTHER")]
    CustomerOther,
    #[sea_orm(string_value = "OUR_CAPACITY")]
    OurCapacity,
    #[sea_orm(string_value = "OUR_STRATEGIC_PAUSE")]
    OurStrategicPause,
    #[sea_orm(string_value = "OUR_QUOTATION_NOT_READY")]
    OurQuotationNotReady,
    #[sea_orm(string_value = "OUR_OTHER")]
    OurOther,
}

impl Attribution {
    /// The two "other" attributions need a text.
    pub fn needs_text(self) -> bool {
        matches!(self, Self::CustomerOther | Self::OurOther)
    }
}

/// What the account manager decides when resolving an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum AlertDecision {
    #[sea_orm(string_value = "KEEP")]
    Keep,
    #[sea_orm(string_value = "SHELVE")]
    Shelve,
    #[sea_orm(string_value = "LOSE")]
    Lose,
    #[sea_orm(string_value = "REACTIVATE")]
    Reactivate,
}

/// What the director does when reviewing a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ReviewAction {
    #[sea_orm(string_value = "ACKNOWLEDGE")]
    Acknowledge,
    #[sea_orm(string_value = "ASSIST")]
    Assist,
    #[sea_orm(string_value = "REASSIGN")]
    Reassign,
    #[sea_orm(string_value = "SUGGEST_CLOSE")]
    SuggestClose,
}

/// What happened, as the event log stores it. Adding a kind is one variant
/// here plus its audience in `api::domain::events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventKind {
    /// A scan raised an alert.
    #[sea_orm(string_value = "ALERT_RAISED")]
    AlertRaised,
    /// The account manager resolved an alert (copied to the director).
    #[sea_orm(string_value = "ALERT_RESOLVED")]
    AlertResolved,
    /// The director reviewed a resolution.
    #[sea_orm(string_value = "ALERT_REVIEWED")]
    AlertReviewed,
    /// An alert stayed unresolved past its due time: escalated to the director.
    #[sea_orm(string_value = "ALERT_OVERDUE")]
    AlertOverdue,
    /// A resolution stayed unreviewed past its review time.
    #[sea_orm(string_value = "REVIEW_OVERDUE")]
    ReviewOverdue,
    /// The director raised an alert to the CEO.
    #[sea_orm(string_value = "ALERT_RAISED_TO_CEO")]
    AlertRaisedToCeo,
    /// A batch of ERP facts or targets was imported: the board's figures changed.
    #[sea_orm(string_value = "ERP_IMPORTED")]
    ErpImported,
    /// A meeting task was recorded: to its owner.
    #[sea_orm(string_value = "TASK_ASSIGNED")]
    TaskAssigned,
    /// A pending task is due within a day: to its owner.
    #[sea_orm(string_value = "TASK_DUE_TOMORROW")]
    TaskDueTomorrow,
    /// A task passed its due date not done: to its owner.
    #[sea_orm(string_value = "TASK_OVERDUE")]
    TaskOverdue,
    /// A task still pending at the next meeting's start was marked escalated: to the chairs.
    #[sea_orm(string_value = "TASK_ESCALATED")]
    TaskEscalated,
    /// A meeting's opening report is ready: to its participants.
    #[sea_orm(string_value = "MEETING_REPORT_READY")]
    MeetingReportReady,
    /// A month-end check found a track's funnel below a threshold (to its directors).
    #[sea_orm(string_value = "FUNNEL_ALERT_RAISED")]
    FunnelAlertRaised,
    /// A funnel alert stayed unattributed past its due time.
    #[sea_orm(string_value = "FUNNEL_ALERT_OVERDUE")]
    FunnelAlertOverdue,
    /// A director dispatched an add / reactivate task to an account manager.
    #[sea_orm(string_value = "FUNNEL_TASK_ASSIGNED")]
    FunnelTaskAssigned,
    /// A deal moved to SECURED: the order-health board's figures changed.
    #[sea_orm(string_value = "DEAL_SECURED")]
    DealSecured,
    /// The month-start freeze found a track's precision forecast below its subjective one (to its directors).
    #[sea_orm(string_value = "FORECAST_GAP")]
    ForecastGap,
    /// An account manager asked to migrate a target (to the track's directors).
    #[sea_orm(string_value = "TARGET_MIGRATION_REQUESTED")]
    TargetMigrationRequested,
    /// A director approved or rejected a target migration (to the requester and the directors; the admin executes).
    #[sea_orm(string_value = "TARGET_MIGRATION_DECIDED")]
    TargetMigrationDecided,
    /// The admin executed a target migration: a new baseline version.
    #[sea_orm(string_value = "TARGET_MIGRATION_EXECUTED")]
    TargetMigrationExecuted,
    /// An approved migration stayed unexecuted past its 2 days (escalated to the track's directors).
    #[sea_orm(string_value = "TARGET_MIGRATION_OVERDUE")]
    TargetMigrationOverdue,
}

/// What kind of record an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventSubject {
    /// An alert task (`subject_id` is the alert's id).
    #[sea_orm(string_value = "ALERT")]
    Alert,
    /// An imported ERP batch (`subject_id` is the `erp_batch` id).
    #[sea_orm(string_value = "ERP_BATCH")]
    ErpBatch,
    /// A meeting task (`subject_id` is the task's id).
    #[sea_orm(string_value = "TASK")]
    Task,
    /// A meeting (`subject_id` is the meeting's id).
    #[sea_orm(string_value = "MEETING")]
    Meeting,
    /// A funnel alert (`subject_id` is the `funnel_alert` id).
    #[sea_orm(string_value = "FUNNEL_ALERT")]
    FunnelAlert,
    /// A funnel task (`subject_id` is the `funnel_task` id).
    #[sea_orm(string_value = "FUNNEL_TASK")]
    FunnelTask,
    /// An opportunity (`subject_id` is its id).
    #[sea_orm(string_value = "OPPORTUNITY")]
    Opportunity,
    /// A forecast alert (`subject_id` is the `forecast_alert` id).
    #[sea_orm(string_value = "FORECAST_ALERT")]
    ForecastAlert,
    /// A target migration (`subject_id` is the `target_migration` id).
    #[sea_orm(string_value = "TARGET_MIGRATION")]
    TargetMigration,
}

/// Where a target migration (目标迁移申请) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum MigrationStatus {
    /// Asked for, waiting for the director.
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    /// Approved, waiting for the admin (2 days).
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Executed: a new baseline version.
    #[sea_orm(string_value = "EXECUTED")]
    Executed,
}

/// What an ERP write-back batch (or a target batch) carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ErpKind {
    /// 订单: orders booked.
    #[sea_orm(string_value = "ORDERS")]
    Orders,
    /// 销售: sales (revenue and cost).
    #[sea_orm(string_value = "SALES")]
    Sales,
    /// 费用: a track's expenses of a month.
    #[sea_orm(string_value = "EXPENSES")]
    Expenses,
    /// 应收: a track's receivables at a month's end.
    #[sea_orm(string_value = "RECEIVABLES")]
    Receivables,
    /// 销售目标: monthly sales targets.
    #[sea_orm(string_value = "SALES_TARGETS")]
    SalesTargets,
    /// 接单目标: monthly order targets.
    #[sea_orm(string_value = "ORDER_TARGETS")]
    OrderTargets,
}

/// Which figure a target is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TargetKind {
    #[sea_orm(string_value = "SALES")]
    Sales,
    #[sea_orm(string_value = "ORDERS")]
    Orders,
}

/// How a batch came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum BatchSource {
    /// `importErpBatch`: rows in the request.
    #[sea_orm(string_value = "GRAPHQL")]
    Graphql,
    /// `importErpFile`: a CSV file uploaded.
    #[sea_orm(string_value = "UPLOAD")]
    Upload,
    /// `salespulse import`: a CSV file on the server.
    #[sea_orm(string_value = "CLI")]
    Cli,
    /// The demo company's figures, written when it is seeded.
    #[sea_orm(string_value = "SEED")]
    Seed,
}

/// The two kinds of supervision meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MeetingKind {
    /// 督导会议: CEO and directors, monthly; the secretary records.
    #[sea_orm(string_value = "MONTHLY_SUPERVISION")]
    MonthlySupervision,
    /// 赛道周会: a track's director and account managers, weekly.
    #[sea_orm(string_value = "TRACK_WEEKLY")]
    TrackWeekly,
}

/// Whether a meeting will take place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MeetingStatus {
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// What was done to a scheduled meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MeetingChangeKind {
    #[sea_orm(string_value = "MOVED")]
    Moved,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    /// A cancelled start scheduled again.
    #[sea_orm(string_value = "RESTORED")]
    Restored,
}

/// The chair's decision on an unfinished task at a meeting's opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum TaskDecisionKind {
    /// 延期: a new due date.
    #[sea_orm(string_value = "EXTEND")]
    Extend,
    /// 重新派发: a new owner.
    #[sea_orm(string_value = "REDISPATCH")]
    Redispatch,
    /// 调整任务内容: a new description.
    #[sea_orm(string_value = "ADJUST")]
    Adjust,
    /// 关闭: closed (cancelled), with the reason.
    #[sea_orm(string_value = "CLOSE")]
    Close,
}

/// A meeting task's state: pending until its owner marks it done; closed
/// (cancelled, with the reason) by the chair's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum TaskStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "DONE")]
    Done,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// 漏斗健康度归因: why a track's funnel is below its line, as its director attributes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FunnelAttribution {
    /// 高质量大单支撑: coverage low, but each large deal likely to win.
    #[sea_orm(string_value = "LARGE_QUALITY_DEALS")]
    LargeQualityDeals,
    /// 模塑一体有大项目即将进入漏斗: a big molding project enters soon.
    #[sea_orm(string_value = "BIG_PROJECT_ENTERING")]
    BigProjectEntering,
    /// 商品模正处于赛道切换期: the commodity line is switching tracks.
    #[sea_orm(string_value = "SWITCHING_TRACKS")]
    SwitchingTracks,
    /// 已启动商机推进异常PDCA处理: already handled by an anomaly PDCA.
    #[sea_orm(string_value = "HANDLED_BY_ANOMALY_PDCA")]
    HandledByAnomalyPdca,
    /// 其他: with a text.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// What a funnel task asks of an account manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FunnelTaskKind {
    /// 补充新商机: add new opportunities (a number of them).
    #[sea_orm(string_value = "ADD_OPPORTUNITIES")]
    AddOpportunities,
    /// 激活存量不活跃商机: reactivate a named inactive opportunity.
    #[sea_orm(string_value = "REACTIVATE")]
    Reactivate,
}

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
}

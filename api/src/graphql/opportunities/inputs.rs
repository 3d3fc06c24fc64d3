//! What the opportunity mutations and the list take, and how each becomes
//! the service's command.

use super::*;

/// Narrows a list of opportunities (always inside the viewer's scope).
#[derive(InputObject, Default, Debug, Clone)]
pub struct OpportunityFilter {
    /// Only this track.
    pub track_id: Option<ID>,
    /// Only this owner (account manager).
    pub owner_id: Option<ID>,
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only this status.
    pub status: Option<OpportunityStatus>,
    /// true: a follow-up in the active window (15 natural days by default); false: none.
    pub active: Option<bool>,
    /// Customer name contains this text (case-insensitive).
    pub customer: Option<String>,
    /// Expected order month of the rolling forecast, `YYYY-MM`.
    pub expected_order_month: Option<String>,
    /// Only these stages (e.g. `[DEEP_NEGOTIATION, H_POTENTIAL]`).
    #[graphql(validator(max_items = 5))]
    pub stages: Option<Vec<Stage>>,
    /// Only these statuses (e.g. `[ACTIVE, SHELVED]`: everything not lost).
    #[graphql(validator(max_items = 3))]
    pub statuses: Option<Vec<OpportunityStatus>>,
    /// true: only those missing their expected order month or forecast amount (what the year's
    /// baseline needs filled in; with `statuses: [ACTIVE, SHELVED]` and the four open stages, the
    /// open ones).
    pub forecast_missing: Option<bool>,
}

/// 主观版: the owner's rolling forecast.
#[derive(InputObject, Debug, Clone)]
pub struct RollingForecastInput {
    /// Expected order month, `YYYY-MM`.
    pub expected_order_month: String,
    /// Expected order amount in yuan.
    pub amount: Money,
}

/// 精度版: the precision forecast, required from H_POTENTIAL on.
#[derive(InputObject, Debug, Clone)]
pub struct PrecisionForecastInput {
    /// Expected order date.
    pub order_date: Date,
    /// Expected order amount in yuan.
    pub amount: Money,
}

/// A new opportunity.
#[derive(InputObject, Debug, Clone)]
pub struct CreateOpportunityInput {
    /// Short title of the deal.
    pub name: String,
    /// Customer name; a new customer is created when none has this exact name.
    pub customer_name: String,
    /// Kind of business.
    pub kind: OpportunityKind,
    /// Amount in yuan (at most two decimals).
    pub amount: Money,
    /// Track; defaults to the account manager's own track.
    pub track_id: Option<ID>,
    /// Owner (an account manager of the track); defaults to the viewer when he is an account manager.
    pub owner_id: Option<ID>,
    /// Starting stage (default INITIAL_IDENTIFICATION; SECURED is reached only by a stage move).
    pub stage: Option<Stage>,
    /// Rolling forecast.
    pub rolling_forecast: Option<RollingForecastInput>,
    /// Precision forecast (required when starting at H_POTENTIAL).
    pub precision_forecast: Option<PrecisionForecastInput>,
}

/// Changes to an opportunity; omitted fields stay as they are.
#[derive(InputObject, Debug, Clone, Default)]
pub struct UpdateOpportunityInput {
    /// New title.
    pub name: Option<String>,
    /// New customer name (found or created).
    pub customer_name: Option<String>,
    /// New kind.
    pub kind: Option<OpportunityKind>,
    /// New amount in yuan.
    pub amount: Option<Money>,
    /// New owner: an account manager of the opportunity's track (directors and admins only).
    pub owner_id: Option<ID>,
    /// New rolling forecast.
    pub rolling_forecast: Option<RollingForecastInput>,
    /// New precision forecast.
    pub precision_forecast: Option<PrecisionForecastInput>,
}

/// A follow-up to record.
#[derive(InputObject, Debug, Clone)]
pub struct ActivityInput {
    /// What kind of follow-up (ALERT_ATTRIBUTION is recorded by the system only).
    pub kind: ActivityKind,
    /// What happened.
    pub note: String,
    /// When it happened; defaults to now, never in the future.
    pub occurred_at: Option<Instant>,
}

/// Why and until when an opportunity is shelved.
#[derive(InputObject, Debug, Clone)]
pub struct ShelveInput {
    /// 搁置原因 from the list.
    pub reason: ShelveReason,
    /// Explanation; required for CUSTOMER_OTHER and OUR_OTHER.
    pub reason_text: Option<String>,
    /// When to pick it up again; after today (company calendar).
    pub restart_date: Date,
}

impl From<OpportunityFilter> for svc::ListFilter {
    fn from(f: OpportunityFilter) -> Self {
        Self {
            track_id: raw_id(f.track_id),
            owner_id: raw_id(f.owner_id),
            stage: f.stage.map(Into::into),
            status: f.status.map(Into::into),
            active: f.active,
            customer: f.customer,
            expected_order_month: f.expected_order_month,
            stages: f.stages.unwrap_or_default().into_iter().map(Into::into).collect(),
            statuses: f.statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
            order: Default::default(),
            business_line: None,
            precision_order_month: None,
            forecast_missing: f.forecast_missing.unwrap_or(false),
        }
    }
}

impl From<RollingForecastInput> for svc::RollingForecast {
    fn from(r: RollingForecastInput) -> Self {
        Self {
            expected_order_month: r.expected_order_month,
            amount: r.amount.0,
        }
    }
}

impl From<PrecisionForecastInput> for svc::PrecisionForecast {
    fn from(f: PrecisionForecastInput) -> Self {
        Self {
            order_date: f.order_date.0,
            amount: f.amount.0,
        }
    }
}

impl From<CreateOpportunityInput> for svc::NewOpportunity {
    fn from(i: CreateOpportunityInput) -> Self {
        Self {
            name: i.name,
            customer_name: i.customer_name,
            kind: i.kind.into(),
            amount: i.amount.0,
            track_id: raw_id(i.track_id),
            owner_id: raw_id(i.owner_id),
            stage: i.stage.map(Into::into),
            rolling_forecast: i.rolling_forecast.map(Into::into),
            precision_forecast: i.precision_forecast.map(Into::into),
        }
    }
}

impl From<UpdateOpportunityInput> for svc::Changes {
    fn from(i: UpdateOpportunityInput) -> Self {
        Self {
            name: i.name,
            customer_name: i.customer_name,
            kind: i.kind.map(Into::into),
            amount: i.amount.map(|m| m.0),
            owner_id: raw_id(i.owner_id),
            rolling_forecast: i.rolling_forecast.map(Into::into),
            precision_forecast: i.precision_forecast.map(Into::into),
        }
    }
}

impl From<ActivityInput> for svc::NewActivity {
    fn from(i: ActivityInput) -> Self {
        Self {
            kind: i.kind.into(),
            note: i.note,
            occurred_at: i.occurred_at.map(|t| t.0),
        }
    }
}

impl From<ShelveInput> for svc::Shelving {
    fn from(i: ShelveInput) -> Self {
        Self {
            reason: i.reason.into(),
            reason_text: i.reason_text,
            restart_date: i.restart_date.0,
        }
    }
}

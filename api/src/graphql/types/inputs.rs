//! Input objects of the opportunity mutations and queries.

use super::enums::*;
use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

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
}

/// 主观版: the owner's rolling forecast.
#[derive(InputObject, Debug, Clone)]
pub struct RollingForecastInput {
    /// Expected order month, `YYYY-MM`.
    pub expected_order_month: String,
    /// Expected order amount in yuan.
    pub amount: f64,
}

/// 精度版: the precision forecast, required from H_POTENTIAL on.
#[derive(InputObject, Debug, Clone)]
pub struct PrecisionForecastInput {
    /// Expected order date.
    pub order_date: super::Date,
    /// Expected order amount in yuan.
    pub amount: f64,
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
    pub amount: f64,
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
    pub amount: Option<f64>,
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
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Why and until when an opportunity is shelved.
#[derive(InputObject, Debug, Clone)]
pub struct ShelveInput {
    /// 搁置原因 from the list.
    pub reason: ShelveReason,
    /// Explanation; required for CUSTOMER_OTHER and OUR_OTHER.
    pub reason_text: Option<String>,
    /// When to pick it up again; after today (company calendar).
    pub restart_date: super::Date,
}

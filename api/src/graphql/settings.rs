//! The configuration of the business rules as the API shows and edits it.

use super::ctx;
use crate::domain::settings::{LinePatch, LineSettings, Settings, SettingsPatch};
use crate::service;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

/// Thresholds of one business line.
#[derive(SimpleObject)]
#[graphql(name = "LineSettings")]
pub struct LineSettingsView {
    /// Weight of INITIAL_IDENTIFICATION in the weighted pipeline (0–1).
    pub weight_initial: f64,
    /// Weight of QUOTATION (0–1).
    pub weight_quotation: f64,
    /// Weight of DEEP_NEGOTIATION (0–1).
    pub weight_negotiation: f64,
    /// Weight of H_POTENTIAL (0–1).
    pub weight_h_potential: f64,
    /// 商机覆盖率 below this raises a funnel alert.
    pub coverage_alert_below: f64,
    /// 商机转化率 below this raises a funnel alert.
    pub conversion_alert_below: f64,
    /// Conversion target shown on dashboards.
    pub conversion_target: f64,
}

impl From<&LineSettings> for LineSettingsView {
    fn from(l: &LineSettings) -> Self {
        Self {
            weight_initial: l.weight_initial,
            weight_quotation: l.weight_quotation,
            weight_negotiation: l.weight_negotiation,
            weight_h_potential: l.weight_h_potential,
            coverage_alert_below: l.coverage_alert_below,
            conversion_alert_below: l.conversion_alert_below,
            conversion_target: l.conversion_target,
        }
    }
}

/// The ranking board's target lines (达标线): a row on the wrong side is 未达标.
#[derive(SimpleObject, InputObject, Default)]
#[graphql(input_name = "BoardLinesInput")]
pub struct BoardLines {
    /// Sales achievement at least (%), dimensions 1 and 2.
    pub sales_achievement_percent: Option<f64>,
    /// Order achievement at least (%), dimensions 3 and 4.
    pub order_achievement_percent: Option<f64>,
    /// Gross margin at least (%), dimension 5.
    pub gross_margin_percent: Option<f64>,
    /// Forecast accuracy at least (%), dimension 6.
    pub forecast_accuracy_percent: Option<f64>,
    /// Expenses at most (‰ of sales), dimension 7.
    pub expense_per_mille: Option<f64>,
    /// DSO at most (days), dimension 8.
    pub dso_days: Option<f64>,
}

impl From<&crate::domain::settings::BoardLines> for BoardLines {
    fn from(b: &crate::domain::settings::BoardLines) -> Self {
        Self {
            sales_achievement_percent: Some(b.sales_achievement_percent),
            order_achievement_percent: Some(b.order_achievement_percent),
            gross_margin_percent: Some(b.gross_margin_percent),
            forecast_accuracy_percent: Some(b.forecast_accuracy_percent),
            expense_per_mille: Some(b.expense_per_mille),
            dso_days: Some(b.dso_days),
        }
    }
}

impl From<BoardLines> for crate::domain::settings::BoardLinesPatch {
    fn from(b: BoardLines) -> Self {
        Self {
            sales_achievement_percent: b.sales_achievement_percent,
            order_achievement_percent: b.order_achievement_percent,
            gross_margin_percent: b.gross_margin_percent,
            forecast_accuracy_percent: b.forecast_accuracy_percent,
            expense_per_mille: b.expense_per_mille,
            dso_days: b.dso_days,
        }
    }
}

/// Every configurable number of the business rules.
#[derive(SimpleObject)]
#[graphql(name = "Settings")]
pub struct SettingsView {
    /// Company time zone (IANA name); every day and month is counted in it.
    pub timezone: String,
    /// Natural days of the active (活跃) window.
    pub active_window_days: i64,
    /// NO_FOLLOW_UP: natural days without follow-up.
    pub no_follow_up_days: i64,
    /// STALLED_INITIAL: days in initial identification.
    pub stalled_initial_days: i64,
    /// STALLED_QUOTATION: calendar months in quotation.
    pub stalled_quotation_months: u32,
    /// STALLED_NEGOTIATION: calendar months in deep negotiation.
    pub stalled_negotiation_months: u32,
    /// SECURED_NO_MOLD: calendar months since securing without a mold number.
    pub secured_no_mold_months: u32,
    /// SHELVE_RESTART_DUE: days before the restart date.
    pub shelve_restart_lead_days: i64,
    /// ORDER_EXPECTED_NOT_H_POTENTIAL runs on this day of the month.
    pub order_expected_check_day: u32,
    /// The daily anomaly scan runs at this hour, company time.
    pub daily_scan_hour: u32,
    /// Days an alert is due after it is raised.
    pub alert_due_days: i64,
    /// Days a resolution is reviewed within.
    pub review_due_days: i64,
    /// Thresholds of 模塑一体.
    pub molding_integrated: LineSettingsView,
    /// Thresholds of 商品模.
    pub commodity_mold: LineSettingsView,
    /// The ranking board's target lines.
    pub board: BoardLines,
}

impl From<&Settings> for SettingsView {
    fn from(s: &Settings) -> Self {
        Self {
            timezone: s.timezone.name().to_owned(),
            active_window_days: s.active_window_days,
            no_follow_up_days: s.no_follow_up_days,
            stalled_initial_days: s.stalled_initial_days,
            stalled_quotation_months: s.stalled_quotation_months,
            stalled_negotiation_months: s.stalled_negotiation_months,
            secured_no_mold_months: s.secured_no_mold_months,
            shelve_restart_lead_days: s.shelve_restart_lead_days,
            order_expected_check_day: s.order_expected_check_day,
            daily_scan_hour: s.daily_scan_hour,
            alert_due_days: s.alert_due_days,
            review_due_days: s.review_due_days,
            molding_integrated: (&s.molding_integrated).into(),
            commodity_mold: (&s.commodity_mold).into(),
            board: (&s.board).into(),
        }
    }
}

/// Changes to the thresholds of one business line; omitted fields stay.
#[derive(InputObject, Default)]
pub struct LineSettingsInput {
    /// Weight of INITIAL_IDENTIFICATION (0–1).
    pub weight_initial: Option<f64>,
    /// Weight of QUOTATION (0–1).
    pub weight_quotation: Option<f64>,
    /// Weight of DEEP_NEGOTIATION (0–1).
    pub weight_negotiation: Option<f64>,
    /// Weight of H_POTENTIAL (0–1).
    pub weight_h_potential: Option<f64>,
    /// Coverage alert threshold.
    pub coverage_alert_below: Option<f64>,
    /// Conversion alert threshold (0–1).
    pub conversion_alert_below: Option<f64>,
    /// Conversion target (0–1).
    pub conversion_target: Option<f64>,
}

/// Changes to the configuration; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct SettingsInput {
    /// Company time zone (IANA name such as Asia/Shanghai).
    pub timezone: Option<String>,
    /// Natural days of the active window.
    pub active_window_days: Option<i64>,
    /// NO_FOLLOW_UP days.
    pub no_follow_up_days: Option<i64>,
    /// STALLED_INITIAL days.
    pub stalled_initial_days: Option<i64>,
    /// STALLED_QUOTATION months.
    pub stalled_quotation_months: Option<u32>,
    /// STALLED_NEGOTIATION months.
    pub stalled_negotiation_months: Option<u32>,
    /// SECURED_NO_MOLD months.
    pub secured_no_mold_months: Option<u32>,
    /// SHELVE_RESTART_DUE lead days.
    pub shelve_restart_lead_days: Option<i64>,
    /// Day of the month of the ORDER_EXPECTED_NOT_H_POTENTIAL check (1–28).
    pub order_expected_check_day: Option<u32>,
    /// Hour of the daily scan, company time (0–23).
    pub daily_scan_hour: Option<u32>,
    /// Alert due days.
    pub alert_due_days: Option<i64>,
    /// Review due days.
    pub review_due_days: Option<i64>,
    /// Thresholds of 模塑一体.
    pub molding_integrated: Option<LineSettingsInput>,
    /// Thresholds of 商品模.
    pub commodity_mold: Option<LineSettingsInput>,
    /// The ranking board's target lines.
    pub board: Option<BoardLines>,
}

impl From<LineSettingsInput> for LinePatch {
    fn from(l: LineSettingsInput) -> Self {
        Self {
            weight_initial: l.weight_initial,
            weight_quotation: l.weight_quotation,
            weight_negotiation: l.weight_negotiation,
            weight_h_potential: l.weight_h_potential,
            coverage_alert_below: l.coverage_alert_below,
            conversion_alert_below: l.conversion_alert_below,
            conversion_target: l.conversion_target,
        }
    }
}

impl From<SettingsInput> for SettingsPatch {
    fn from(i: SettingsInput) -> Self {
        Self {
            timezone: i.timezone,
            active_window_days: i.active_window_days,
            no_follow_up_days: i.no_follow_up_days,
            stalled_initial_days: i.stalled_initial_days,
            stalled_quotation_months: i.stalled_quotation_months,
            stalled_negotiation_months: i.stalled_negotiation_months,
            secured_no_mold_months: i.secured_no_mold_months,
            shelve_restart_lead_days: i.shelve_restart_lead_days,
            order_expected_check_day: i.order_expected_check_day,
            daily_scan_hour: i.daily_scan_hour,
            alert_due_days: i.alert_due_days,
            review_due_days: i.review_due_days,
            molding_integrated: i.molding_integrated.map(Into::into),
            commodity_mold: i.commodity_mold.map(Into::into),
            board: i.board.map(Into::into),
        }
    }
}

#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The configuration of the business rules (every role may read it).
    async fn settings(&self, ctx: &Context<'_>) -> Result<SettingsView> {
        ctx::viewer(ctx)?;
        Ok(SettingsView::from(ctx::settings(ctx).await?))
    }
}

#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Admin: changes the configuration of the business rules; every bad value is reported.
    async fn update_settings(&self, ctx: &Context<'_>, #[graphql(desc = "The changes.")] input: SettingsInput) -> Result<SettingsView> {
        let viewer = ctx::viewer(ctx)?;
        let s = service::settings::update(ctx::state(ctx)?, viewer, input.into()).await?;
        Ok(SettingsView::from(&s))
    }
}

//! The two-version forecast frozen at each month's start and its
//! `FORECAST_GAP` alerts (`service::forecast`); their events travel on
//! `funnelEvents`.

use super::common::{Instant, Money, id, lookup_id};
use super::ctx;
use super::organisation::{Track, User};
use crate::service::forecast as svc;
use async_graphql::{Context, ID, Object, Result};
use entity::{forecast_alert, forecast_freeze};

/// 双版本预测 of one account manager of a track for a month, as frozen at its start.
pub struct ForecastFreeze(pub forecast_freeze::Model);

/// 双版本预测 of one account manager of a track for a month, as frozen at its start: the
/// subjective forecast (滚动预测（主观版）) and the precision one (H Potential精度版).
#[Object]
impl ForecastFreeze {
    /// Row id: pass the last one as `after` for the next rows.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The account manager.
    async fn account_manager(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(ctx::loaders(ctx)?.users.load_one(self.0.owner_id).await?.map(User))
    }
    /// 主观版: his open deals expected to order in the month, at their forecast amounts (the
    /// deal's amount where none was given).
    async fn subjective_forecast(&self) -> Money {
        Money::from_cents(self.0.subjective_cents)
    }
    /// How many deals it counts.
    async fn subjective_deals(&self) -> i64 {
        self.0.subjective_deals
    }
    /// 精准版: his deals at `H_POTENTIAL` or later whose precise order date lies in the month.
    async fn precision_forecast(&self) -> Money {
        Money::from_cents(self.0.precision_cents)
    }
    /// How many deals it counts.
    async fn precision_deals(&self) -> i64 {
        self.0.precision_deals
    }
    /// When it was frozen.
    async fn frozen_at(&self) -> Instant {
        Instant(self.0.frozen_at)
    }
}

/// 双版本差异告警: a track's precision forecast for a month fell short of its subjective one.
pub struct ForecastAlert(pub forecast_alert::Model);

/// 双版本差异告警 (`FORECAST_GAP`): when the month's forecast was frozen, the track's precision
/// forecast fell short of its subjective one.
#[Object]
impl ForecastAlert {
    /// Forecast alert id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> Result<Option<Track>> {
        Ok(ctx::loaders(ctx)?.tracks.load_one(self.0.track_id).await?.map(Track))
    }
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The track's subjective forecast then.
    async fn subjective_forecast(&self) -> Money {
        Money::from_cents(self.0.subjective_cents)
    }
    /// The track's precision forecast then.
    async fn precision_forecast(&self) -> Money {
        Money::from_cents(self.0.precision_cents)
    }
    /// What the precision forecast lacks: subjective − precision.
    async fn shortfall(&self) -> Money {
        Money::from_cents(self.0.subjective_cents - self.0.precision_cents)
    }
    /// When it was raised.
    async fn raised_at(&self) -> Instant {
        Instant(self.0.raised_at)
    }
}

/// What a forecast freeze did.
pub struct ForecastFreezeReport(svc::FreezeReport);

/// What a forecast freeze did.
#[Object]
impl ForecastFreezeReport {
    /// The month, `YYYY-MM`.
    async fn month(&self) -> String {
        crate::domain::calendar::format_year_month(self.0.month)
    }
    /// The month had been frozen before: nothing was written (the first freeze stays).
    async fn already_frozen(&self) -> bool {
        self.0.already_frozen
    }
    /// Rows written: one per track and account manager with a forecast.
    async fn rows_written(&self) -> i64 {
        i64::try_from(self.0.rows).unwrap_or(i64::MAX)
    }
    /// `FORECAST_GAP` alerts raised.
    async fn gaps(&self) -> Vec<ForecastAlert> {
        self.0.gaps.iter().cloned().map(ForecastAlert).collect()
    }
}

#[derive(Default)]
pub struct ForecastQuery;

#[Object]
impl ForecastQuery {
    /// The month's forecasts as frozen at its start, by track and account manager: every one for
    /// the CEO, the secretary and the admin, a director's tracks', an account manager's own.
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn forecast_freezes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The month, `YYYY-MM`.")] month: String,
        #[graphql(desc = "Only this track's.")] track_id: Option<ID>,
        #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `id` of the last row read: the rows after it.")] after: Option<ID>,
    ) -> Result<Vec<ForecastFreeze>> {
        let viewer = ctx::viewer(ctx)?;
        let ask = svc::FreezeAsk {
            month,
            track_id: track_id.map(|i| i.0),
            first: first.map(i64::from),
            after: after.map(|i| i.0),
        };
        let found = svc::freezes(ctx::state(ctx)?, viewer, ask).await?;
        Ok(found.into_iter().map(ForecastFreeze).collect())
    }

    /// `FORECAST_GAP` alerts, newest month first: every track's for the CEO, the secretary and the
    /// admin, a director's tracks' (an account manager has none).
    #[graphql(complexity = "5 + crate::domain::limits::PAGE.for_cost(first.map(i64::from)) * child_complexity")]
    async fn forecast_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this track's.")] track_id: Option<ID>,
        #[graphql(desc = "How many, 1–100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<ForecastAlert>> {
        let viewer = ctx::viewer(ctx)?;
        let found = svc::alerts(
            ctx::state(ctx)?,
            viewer,
            track_id.as_ref().map(|i| i.as_str()),
            first.map(i64::from),
        )
        .await?;
        Ok(found.into_iter().map(ForecastAlert).collect())
    }

    /// One forecast alert (`NOT_FOUND` outside the viewer's scope).
    async fn forecast_alert(&self, ctx: &Context<'_>, #[graphql(desc = "Forecast alert id.")] id: ID) -> Result<ForecastAlert> {
        let viewer = ctx::viewer(ctx)?;
        let id = lookup_id(&id, "forecast alert")?;
        Ok(ForecastAlert(svc::get_alert(ctx::state(ctx)?, viewer, id).await?))
    }
}

#[derive(Default)]
pub struct ForecastMutation;

#[Object]
impl ForecastMutation {
    /// The admin freezes this month's forecasts now, if the scheduler has not (it does from the
    /// scan hour of each month's first day): the first freeze of a month stays. Raises a
    /// `FORECAST_GAP` for each track whose precision forecast is below its subjective one.
    async fn run_forecast_freeze(&self, ctx: &Context<'_>) -> Result<ForecastFreezeReport> {
        let viewer = ctx::viewer(ctx)?;
        Ok(ForecastFreezeReport(svc::run_freeze_for(ctx::state(ctx)?, viewer).await?))
    }
}

//! Writing an opportunity: create, change, move its stage, log an
//! activity, assign its mold number.

use super::*;

/// Creates an opportunity in the viewer's reach, with its first history.
pub async fn create(state: &AppState, viewer: &Viewer, input: NewOpportunity) -> AppResult<opportunity::Model> {
    viewer.require_role(WRITERS, "create opportunities")?;
    let now = state.clock.now();
    let mut p = Problems::new();
    check_text(&mut p, "input.name", &input.name, TextKind::Name);
    check_text(&mut p, "input.customerName", &input.customer_name, TextKind::CustomerName);
    let amount = check_amount(&mut p, "input.amount", &input.amount);
    let stage: Stage = input.stage.unwrap_or(Stage::InitialIdentification);
    p.check(
        stage == Stage::Secured,
        "input.stage",
        "an opportunity is secured by a stage move, not created secured",
    );
    let forecast = input.rolling_forecast.as_ref().map(|r| rolling(&mut p, "input.rollingForecast", r));
    let precise = input
        .precision_forecast
        .as_ref()
        .map(|f| precision(&mut p, "input.precisionForecast", f));
    p.check(
        stage >= Stage::HPotential && precise.is_none(),
        "input.precisionForecast",
        "a precision forecast is required from H_POTENTIAL on",
    );

    let track_id = match (&input.track_id, viewer.role) {
        (Some(id), _) => crate::service::id_field(&mut p, Some(id), "input.trackId"),
        (None, Role::AccountManager) => {
            let own = viewer.track_ids.first().copied();
            p.check(own.is_none(), "input.trackId", "you belong to no track yet: ask an admin");
            own
        }
        (None, Role::TrackDirector) if viewer.track_ids.len() == 1 => viewer.track_ids.first().copied(),
        (None, _) => {
            p.add("input.trackId", "is required");
            None
        }
    };
    let owner_id = match (&input.owner_id, viewer.role) {
        (Some(id), _) => crate::service::id_field(&mut p, Some(id), "input.ownerId"),
        (None, Role::AccountManager) => Some(viewer.user_id),
        (None, _) => {
            p.add("input.ownerId", "is required");
            None
        }
    };
    let txn = store::begin_write(&state.db).await?;
    let mut track = None;
    if let Some(tid) = track_id {
        let in_reach = match viewer.role {
            Role::Admin => true,
            _ => viewer.track_ids.contains(&tid),
        };
        track = if in_reach { store::tracks::by_id(&txn, tid).await? } else { None };
        p.check(track.is_none(), "input.trackId", "is not a track you can create opportunities in");
    }
    if let (Some(oid), Some(t)) = (owner_id, &track) {
        if viewer.role == Role::AccountManager && oid != viewer.user_id {
            p.add("input.ownerId", "an account manager creates opportunities for himself");
        } else if !is_account_manager_of(&txn, oid, t.id).await? {
            p.add("input.ownerId", "must be an active account manager of the track");
        }
    }
    p.into_result()?;
    let (Some(track), Some(owner_id)) = (track, owner_id) else {
        return Err(AppError::internal("validated track/owner missing"));
    };
    let customer = repo::customer_named(&txn, &input.customer_name, now).await?;
    let created = repo::insert(
        &txn,
        opportunity::ActiveModel {
            name: Set(input.name.trim().to_owned()),
            customer_id: Set(customer.id),
            track_id: Set(track.id),
            owner_id: Set(owner_id),
            business_line: Set(track.business_line),
            kind: Set(input.kind),
            amount_cents: Set(amount),
            stage: Set(stage),
            stage_entered_at: Set(now),
            status: Set(OpportunityStatus::Active),
            last_activity_at: Set(now),
            secured_at: Set(None),
            mold_number: Set(None),
            shelve_reason: Set(None),
            shelve_reason_text: Set(None),
            restart_date: Set(None),
            loss_reason: Set(None),
            expected_order_month: Set(forecast.and_then(|f| f.0)),
            forecast_amount_cents: Set(forecast.map(|f| f.1)),
            precision_order_date: Set(precise.map(|f| f.0)),
            precision_amount_cents: Set(precise.map(|f| f.1)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    repo::record_history(
        &txn,
        repo::history_row(created.id, viewer.user_id, HistoryField::Stage, None, stage.to_value(), now),
    )
    .await?;
    repo::record_history(
        &txn,
        repo::history_row(
            created.id,
            viewer.user_id,
            HistoryField::Status,
            None,
            OpportunityStatus::Active.to_value(),
            now,
        ),
    )
    .await?;
    record_forecasts(&txn, None, &created, viewer.user_id, now).await?;
    commit_and_reload(state, txn, created.id).await
}

/// Changes the given fields at `version`.
pub async fn update(state: &AppState, viewer: &Viewer, id: i64, version: i32, input: Changes) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    let mut change = <opportunity::ActiveModel as Default>::default();
    if let Some(name) = &input.name {
        check_text(&mut p, "input.name", name, TextKind::Name);
        change.name = Set(name.trim().to_owned());
    }
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    if let Some(amount) = &input.amount {
        change.amount_cents = Set(check_amount(&mut p, "input.amount", amount));
    }
    if let Some(r) = &input.rolling_forecast {
        let (month, amount) = rolling(&mut p, "input.rollingForecast", r);
        change.expected_order_month = Set(month);
        change.forecast_amount_cents = Set(Some(amount));
    }
    if let Some(f) = &input.precision_forecast {
        let (date, amount) = precision(&mut p, "input.precisionForecast", f);
        change.precision_order_date = Set(Some(date));
        change.precision_amount_cents = Set(Some(amount));
    }
    if let Some(name) = &input.customer_name {
        check_text(&mut p, "input.customerName", name, TextKind::CustomerName);
    }
    if let Some(owner) = &input.owner_id {
        if viewer.role == Role::AccountManager {
            p.add("input.ownerId", "only a director or an admin reassigns an opportunity");
        } else if let Some(oid) = crate::service::id_field(&mut p, Some(owner), "input.ownerId") {
            if is_account_manager_of(&txn, oid, o.track_id).await? {
                change.owner_id = Set(oid);
            } else {
                p.add("input.ownerId", "must be an active account manager of the opportunity's track");
            }
        }
    }
    p.into_result()?;
    if let Some(name) = &input.customer_name {
        change.customer_id = Set(repo::customer_named(&txn, name, now).await?.id);
    }
    let new_owner = change.owner_id.clone().take().filter(|n| *n != o.owner_id);
    let forecasts_changed = input.rolling_forecast.is_some() || input.precision_forecast.is_some();
    repo::update_versioned(&txn, change, id, version, now).await?;
    if let Some(owner) = new_owner {
        store::alerts::transfer_open(&txn, id, owner).await?;
    }
    if forecasts_changed {
        let after = repo::by_id(&txn, id).await?.ok_or_else(|| AppError::not_found("opportunity"))?;
        record_forecasts(&txn, Some(&o), &after, viewer.user_id, now).await?;
    }
    commit_and_reload(state, txn, id).await
}

/// Moves the stage; H_POTENTIAL and later need a precision forecast.
pub async fn move_stage(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    version: i32,
    stage: Stage,
    precision_forecast: Option<PrecisionForecast>,
) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let facts = facts(&o);
    let mut p = Problems::new();
    let precise = precision_forecast.as_ref().map(|f| precision(&mut p, "precisionForecast", f));
    if let Err(AppError::Validation(fields)) = rules::check_stage_move(facts, stage, precise.is_some()) {
        for f in fields {
            p.add(f.field, f.message);
        }
    }
    p.into_result()?;
    let mut change = opportunity::ActiveModel {
        stage: Set(stage),
        stage_entered_at: Set(now),
        ..Default::default()
    };
    if let Some((date, amount)) = precise {
        change.precision_order_date = Set(Some(date));
        change.precision_amount_cents = Set(Some(amount));
    }
    if stage == Stage::Secured {
        change.secured_at = Set(Some(now));
    }
    repo::update_versioned(&txn, change, id, version, now).await?;
    repo::record_history(
        &txn,
        repo::history_row(
            id,
            viewer.user_id,
            HistoryField::Stage,
            Some(o.stage.to_value()),
            stage.to_value(),
            now,
        ),
    )
    .await?;
    if precise.is_some() {
        let after = repo::by_id(&txn, id).await?.ok_or_else(|| AppError::not_found("opportunity"))?;
        record_forecasts(&txn, Some(&o), &after, viewer.user_id, now).await?;
    }
    // A deal secured moves the order-health board: its dashboards hear of it (`orderHealthEvents`).
    let mut told = store::events::Told::default();
    if stage == Stage::Secured {
        told = store::events::tell(
            &txn,
            EventSubject::Opportunity,
            &[(EventKind::DealSecured, id, Some(o.owner_id), Some(o.track_id))],
            Some(viewer.user_id),
            now,
        )
        .await?;
    }
    let done = commit_and_reload(state, txn, id).await?;
    state.bus.told(told);
    Ok(done)
}

pub(crate) fn facts(o: &opportunity::Model) -> rules::Facts {
    rules::Facts {
        stage: o.stage,
        status: o.status,
        has_precision_forecast: o.precision_order_date.is_some() && o.precision_amount_cents.is_some(),
    }
}

/// Records a follow-up; it moves `lastActivityAt` forward.
pub async fn log_activity(state: &AppState, viewer: &Viewer, opportunity_id: i64, input: NewActivity) -> AppResult<activity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    load_for_write(&txn, viewer, opportunity_id, None).await?;
    let mut p = Problems::new();
    let kind = input.kind;
    p.check(
        kind == ActivityKind::AlertAttribution,
        "input.kind",
        "ALERT_ATTRIBUTION is recorded by resolving an alert",
    );
    check_text(&mut p, "input.note", &input.note, TextKind::Note);
    let at = input.occurred_at.map_or(now, crate::clock::normalize);
    p.check(at > now, "input.occurredAt", "must not be in the future");
    p.check(
        !calendar::instant_in_window(at),
        "input.occurredAt",
        "must lie between the years 2000 and 2100",
    );
    p.into_result()?;
    let row = repo::insert_activity(
        &txn,
        activity::ActiveModel {
            opportunity_id: Set(opportunity_id),
            actor_id: Set(viewer.user_id),
            kind: Set(kind),
            note: Set(input.note.trim().to_owned()),
            occurred_at: Set(at),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    repo::touch_last_activity(&txn, opportunity_id, at).await?;
    txn.commit().await?;
    // A follow-up makes a deal active (活跃) again.
    crate::freshness::changed(state, crate::freshness::Change::Deals).await;
    Ok(row)
}

/// 模号: assigns the mold number of a secured opportunity.
pub async fn assign_mold_number(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    version: i32,
    mold_number: &str,
) -> AppResult<opportunity::Model> {
    let now = state.clock.now();
    let txn = store::begin_write(&state.db).await?;
    let o = load_for_write(&txn, viewer, id, Some(version)).await?;
    let mut p = Problems::new();
    rules::check_mold_number(facts(&o), &mut p);
    check_text(&mut p, "moldNumber", mold_number, TextKind::MoldNumber);
    p.into_result()?;
    let change = opportunity::ActiveModel {
        mold_number: Set(Some(mold_number.trim().to_owned())),
        ..Default::default()
    };
    repo::update_versioned(&txn, change, id, version, now).await?;
    commit_and_reload(state, txn, id).await
}

//! The demo company's meetings: this month's and last month's supervision
//! meetings and weekly track meetings, with tasks, decisions and analyses.

use super::*;

/// A year of supervision meetings and the next ones: the monthly meeting
/// on the first Tuesday of each month, each track's weekly meeting on
/// Mondays, all at 09:00 company time. Every past meeting has tasks from
/// its board rows in every state — done on time, done late, still pending
/// (escalated at the next meeting, overdue) — so the opening report and the
/// quarterly analysis are full on first run. Past meetings are marked
/// opened and their reports and reminders told, so the first run of the
/// scheduler does not flood the phones with a year of events.
pub(super) async fn meetings(txn: &impl ConnectionTrait, rng: &mut StdRng, now: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<()> {
    use crate::domain::meetings::{self as rules, Recurrence};
    let nine = chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let from = now - days(365);
    let monthly = rules::occurrences(
        Recurrence::MonthlyNth {
            nth: 1,
            weekday: chrono::Weekday::Tue,
            time: nine,
        },
        from,
        14,
        tz,
    );
    let weekly = rules::occurrences(
        Recurrence::Weekly {
            weekday: chrono::Weekday::Mon,
            time: nine,
        },
        from,
        55,
        tz,
    );
    let mut series: Vec<(MeetingKind, Option<i64>, Vec<DateTime<Utc>>)> = vec![(MeetingKind::MonthlySupervision, None, monthly)];
    for t in 1..=6 {
        series.push((MeetingKind::TrackWeekly, Some(t), weekly.clone()));
    }
    let mut rows = Vec::new();
    for (kind, track, starts) in &series {
        for at in starts {
            let past = *at <= now;
            rows.push(meeting::ActiveModel {
                kind: Set(*kind),
                series: Set(rules::series(*kind, *track)),
                track_id: Set(*track),
                starts_at: Set(*at),
                status: Set(MeetingStatus::Scheduled),
                version: Set(1),
                created_by: Set(Some(if *kind == MeetingKind::MonthlySupervision {
                    2
                } else {
                    10 + track.unwrap_or(1)
                })),
                created_at: Set(from),
                opened_at: Set(past.then_some(*at)),
                report_ready_at: Set((rules::report_opens(*at) <= now).then(|| rules::report_opens(*at))),
                ..Default::default()
            });
        }
    }
    for chunk in rows.chunks(200) {
        meeting::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let all = meeting::Entity::find().all(txn).await?;
    // The dimensions a track's row is on (1, 3, 5, 7, 8) and its account managers' (2, 4).
    let track_dims = [1, 3, 5, 7, 8];
    let mut tasks = Vec::new();
    let mut decisions = Vec::new();
    for (kind, track, starts) in &series {
        let key = rules::series(*kind, *track);
        let of_series: Vec<&meeting::Model> = {
            let mut v: Vec<&meeting::Model> = all.iter().filter(|m| m.series == key).collect();
            v.sort_by_key(|m| m.starts_at);
            v
        };
        for (i, m) in of_series.iter().enumerate() {
            if m.starts_at > now {
                break;
            }
            let due = of_series.get(i + 1).map(|n| n.starts_at);
            let (per_meeting, recorder) = match kind {
                MeetingKind::MonthlySupervision => (3, 2),
                MeetingKind::TrackWeekly => (2, 10 + track.unwrap_or(1)),
            };
            for k in 0..per_meeting {
                let task_track = track.unwrap_or_else(|| rng.random_range(1..=6));
                let (owner, manager, dimension) = match kind {
                    MeetingKind::MonthlySupervision => (10 + task_track, None, track_dims[rng.random_range(0..track_dims.len())]),
                    MeetingKind::TrackWeekly => {
                        let am = 100 + (task_track - 1) * 5 + rng.random_range(1..=5);
                        if k == 1 && rng.random_range(0..3) == 0 {
                            (am, Some(am), [2, 4][rng.random_range(0..2)])
                        } else {
                            (am, None, track_dims[rng.random_range(0..track_dims.len())])
                        }
                    }
                };
                let created = m.starts_at + Duration::hours(1);
                let local = calendar::local_date(m.starts_at, tz);
                let month = match kind {
                    MeetingKind::MonthlySupervision => calendar::sub_months(calendar::month_start(local), 1),
                    MeetingKind::TrackWeekly => calendar::month_start(local),
                };
                // Done on time (six in ten), late (one in six), or still pending.
                let roll = rng.random_range(0..100);
                let (mut status, done_at) = match due {
                    Some(d) if roll < 60 => (TaskStatus::Done, Some(created + (d - created) * rng.random_range(20..95) / 100)),
                    Some(d) if roll < 77 && d + days(5) <= now => (TaskStatus::Done, Some(d + days(rng.random_range(1..5)))),
                    _ => (TaskStatus::Pending, None),
                };
                // Some of those left pending were decided on at the next meeting's opening:
                // closed (one in thirty), or extended by two weeks (one in twenty-five).
                let next = of_series.get(i + 1).filter(|n| n.starts_at <= now);
                let mut due_at = due;
                let decision = match (status, next) {
                    (TaskStatus::Pending, Some(n)) if (77..80).contains(&roll) => {
                        status = TaskStatus::Cancelled;
                        Some((n.id, entity::TaskDecisionKind::Close, "客户项目取消，任务不再适用", None))
                    }
                    (TaskStatus::Pending, Some(n)) if (80..84).contains(&roll) => {
                        due_at = due.map(|d| d + days(14));
                        Some((n.id, entity::TaskDecisionKind::Extend, "客户推迟技术评审，延期两周", due_at))
                    }
                    _ => None,
                };
                decisions.push(decision.map(|(meeting, kind, reason, to_due)| task_decision::ActiveModel {
                    meeting_id: Set(meeting),
                    kind: Set(kind),
                    reason: Set(reason.to_owned()),
                    from_due_at: Set(to_due.and(due)),
                    to_due_at: Set(to_due),
                    decided_by: Set(recorder),
                    decided_at: Set(next.map(|n| n.starts_at + Duration::minutes(30)).unwrap_or(created)),
                    ..Default::default()
                }));
                let escalated = (status != TaskStatus::Done || done_at.zip(due).is_some_and(|(x, d)| x > d))
                    .then_some(due)
                    .flatten()
                    .filter(|d| *d <= now);
                let description = format!(
                    "{}：{}",
                    crate::domain::labels::Labelled::label(
                        crate::domain::board::Dimension::from_number(dimension as usize)
                            .unwrap_or(crate::domain::board::Dimension::TrackSalesAchievement),
                        crate::locale::Locale::ZhCn,
                        &crate::domain::settings::Settings::default()
                    ),
                    [
                        "制定补救计划并每周跟进",
                        "梳理在手商机，补齐缺口",
                        "与客户确认交付与回款节点",
                        "复盘原因并提交改善计划"
                    ][rng.random_range(0..4)]
                );
                tasks.push(task::ActiveModel {
                    meeting_id: Set(m.id),
                    meeting_kind: Set(*kind),
                    dimension: Set(dimension),
                    track_id: Set(task_track),
                    account_manager_id: Set(manager),
                    period_first: Set(month),
                    period_last: Set(month),
                    value_then: Set(None),
                    standing_then: Set("NO_DATA".to_owned()),
                    description: Set(description),
                    owner_id: Set(owner),
                    created_by: Set(recorder),
                    created_at: Set(created),
                    due_at: Set(due_at),
                    due_extended: Set(due_at != due),
                    status: Set(status),
                    done_at: Set(done_at),
                    done_note: Set(done_at.map(|_| "已完成，见周报".to_owned())),
                    escalated_at: Set(escalated),
                    due_soon_told_at: Set(due_at.filter(|d| *d - Duration::hours(rules::DUE_SOON_HOURS) <= now)),
                    overdue_told_at: Set(due_at.filter(|d| *d <= now && status == TaskStatus::Pending)),
                    alert_id: Set(None),
                    version: Set(1),
                    ..Default::default()
                });
            }
        }
        let _ = starts;
    }
    for chunk in tasks.chunks(200) {
        task::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    // The chair's decisions, on the tasks in the order they were made.
    let ids: Vec<i64> = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let made: Vec<task_decision::ActiveModel> = ids
        .into_iter()
        .zip(decisions)
        .filter_map(|(id, d)| {
            d.map(|mut d| {
                d.task_id = Set(id);
                d
            })
        })
        .collect();
    for chunk in made.chunks(200) {
        task_decision::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

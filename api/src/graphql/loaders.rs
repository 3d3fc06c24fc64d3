//! DataLoaders: every nested relation is fetched in one batched query per
//! request level, never one query per row.

use crate::state::AppState;
use crate::store::{alerts, meetings, opportunities, tracks, users};
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{activity, alert, customer, meeting, meeting_change, opportunity, opportunity_history, task_decision, track, user};
use std::collections::HashMap;
use std::sync::Arc;

macro_rules! loader {
    ($(#[$doc:meta])* $name:ident => $value:ty, $fetch:path) => {
        $(#[$doc])*
        pub struct $name(Arc<AppState>);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, $value>, Self::Error> {
                $fetch(&self.0.db, keys).await.map_err(Into::into)
            }
        }
    };
}

loader!(/// Users by id.
    UserLoader => user::Model, users::by_ids);
loader!(/// Tracks by id.
    TrackLoader => track::Model, tracks::by_ids);
loader!(/// Customers by id.
    CustomerLoader => customer::Model, opportunities::customers_by_ids);
loader!(/// Opportunities by id (callers check the scope).
    OpportunityLoader => opportunity::Model, opportunities::by_ids);
loader!(/// Alerts by id (callers check the scope).
    AlertLoader => alert::Model, alerts::by_ids);
loader!(/// Alerts by opportunity id, newest first (callers check the scope).
    OpportunityAlertsLoader => Vec<alert::Model>, alerts::of_opportunities);
loader!(/// Stage and status history by opportunity id.
    HistoryLoader => Vec<opportunity_history::Model>, opportunities::history_of);
/// The newest `n` follow-ups of each opportunity and how many it has,
/// keyed by (opportunity id, n): one windowed query per distinct `n`.
pub struct LatestActivitiesLoader(Arc<AppState>);

impl Loader<(i64, u64)> for LatestActivitiesLoader {
    type Value = (Vec<activity::Model>, u64);
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(i64, u64)]) -> Result<HashMap<(i64, u64), Self::Value>, Self::Error> {
        let mut by_n: HashMap<u64, Vec<i64>> = HashMap::new();
        for &(id, n) in keys {
            by_n.entry(n).or_default().push(id);
        }
        let mut out = HashMap::new();
        for (n, ids) in by_n {
            let mut found = opportunities::latest_activities(&self.0.db, &ids, n).await?;
            for id in ids {
                out.insert((id, n), found.remove(&id).unwrap_or_default());
            }
        }
        Ok(out)
    }
}
loader!(/// Meetings by id (callers check the scope).
    MeetingLoader => meeting::Model, meetings::meetings_by_ids);
loader!(/// The recorded moves and cancellations by meeting id.
    MeetingChangesLoader => Vec<meeting_change::Model>, meetings::changes_by_meeting);
loader!(/// The chair's decisions by task id.
    TaskDecisionsLoader => Vec<task_decision::Model>, meetings::decisions_by_task);
loader!(/// Track ids by user id.
    UserTracksLoader => Vec<i64>, users::track_ids_of_many);
loader!(/// Director ids by track id.
    TrackDirectorsLoader => Vec<i64>, tracks::directors_of);
loader!(/// Account-manager ids by track id.
    TrackMembersLoader => Vec<i64>, tracks::members_of);

/// One set of loaders per request (or WebSocket connection).
pub struct Loaders {
    pub users: DataLoader<UserLoader>,
    pub tracks: DataLoader<TrackLoader>,
    pub customers: DataLoader<CustomerLoader>,
    pub opportunities: DataLoader<OpportunityLoader>,
    pub alerts: DataLoader<AlertLoader>,
    pub opportunity_alerts: DataLoader<OpportunityAlertsLoader>,
    pub history: DataLoader<HistoryLoader>,
    pub latest_activities: DataLoader<LatestActivitiesLoader>,
    pub user_tracks: DataLoader<UserTracksLoader>,
    pub track_directors: DataLoader<TrackDirectorsLoader>,
    pub track_members: DataLoader<TrackMembersLoader>,
    pub meetings: DataLoader<MeetingLoader>,
    pub meeting_changes: DataLoader<MeetingChangesLoader>,
    pub task_decisions: DataLoader<TaskDecisionsLoader>,
    pub funnel_progress: DataLoader<FunnelProgressLoader>,
    pub funnel_tasks: DataLoader<FunnelTaskLoader>,
}

loader!(/// Funnel tasks by id (callers check the scope).
    FunnelTaskLoader => entity::funnel_task::Model, crate::store::funnel_alerts::tasks_by_id_map);

/// How far each funnel task has come, by task id: the tasks, the deals
/// added and the deals to reactivate in three queries per batch.
pub struct FunnelProgressLoader(Arc<AppState>);

impl Loader<i64> for FunnelProgressLoader {
    type Value = crate::service::funnel_alerts::Progress;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let tasks = crate::store::funnel_alerts::tasks_by_ids(&self.0.db, keys).await?;
        Ok(crate::service::funnel_alerts::progress_of(&self.0.db, &tasks).await?)
    }
}

impl Loaders {
    pub fn new(state: &Arc<AppState>) -> Self {
        Self {
            funnel_progress: DataLoader::new(FunnelProgressLoader(state.clone()), tokio::spawn),
            funnel_tasks: DataLoader::new(FunnelTaskLoader(state.clone()), tokio::spawn),
            users: DataLoader::new(UserLoader(state.clone()), tokio::spawn),
            tracks: DataLoader::new(TrackLoader(state.clone()), tokio::spawn),
            customers: DataLoader::new(CustomerLoader(state.clone()), tokio::spawn),
            opportunities: DataLoader::new(OpportunityLoader(state.clone()), tokio::spawn),
            alerts: DataLoader::new(AlertLoader(state.clone()), tokio::spawn),
            opportunity_alerts: DataLoader::new(OpportunityAlertsLoader(state.clone()), tokio::spawn),
            history: DataLoader::new(HistoryLoader(state.clone()), tokio::spawn),
            latest_activities: DataLoader::new(LatestActivitiesLoader(state.clone()), tokio::spawn),
            user_tracks: DataLoader::new(UserTracksLoader(state.clone()), tokio::spawn),
            track_directors: DataLoader::new(TrackDirectorsLoader(state.clone()), tokio::spawn),
            track_members: DataLoader::new(TrackMembersLoader(state.clone()), tokio::spawn),
            meetings: DataLoader::new(MeetingLoader(state.clone()), tokio::spawn),
            meeting_changes: DataLoader::new(MeetingChangesLoader(state.clone()), tokio::spawn),
            task_decisions: DataLoader::new(TaskDecisionsLoader(state.clone()), tokio::spawn),
        }
    }
}

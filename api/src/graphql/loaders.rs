//! DataLoaders: every nested relation is fetched in one batched query per
//! request level, never one query per row.

use crate::store::{opportunities, tracks, users};
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{activity, customer, opportunity, opportunity_history, track, user};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

macro_rules! loader {
    ($(#[$doc:meta])* $name:ident => $value:ty, $fetch:path) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, $value>, Self::Error> {
                $fetch(&self.0, keys).await.map_err(Into::into)
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
loader!(/// Stage and status history by opportunity id.
    HistoryLoader => Vec<opportunity_history::Model>, opportunities::history_of);
loader!(/// Activities by opportunity id, newest first.
    ActivityLoader => Vec<activity::Model>, opportunities::activities_of);
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
    pub history: DataLoader<HistoryLoader>,
    pub activities: DataLoader<ActivityLoader>,
    pub user_tracks: DataLoader<UserTracksLoader>,
    pub track_directors: DataLoader<TrackDirectorsLoader>,
    pub track_members: DataLoader<TrackMembersLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            users: DataLoader::new(UserLoader(db.clone()), tokio::spawn),
            tracks: DataLoader::new(TrackLoader(db.clone()), tokio::spawn),
            customers: DataLoader::new(CustomerLoader(db.clone()), tokio::spawn),
            opportunities: DataLoader::new(OpportunityLoader(db.clone()), tokio::spawn),
            history: DataLoader::new(HistoryLoader(db.clone()), tokio::spawn),
            activities: DataLoader::new(ActivityLoader(db.clone()), tokio::spawn),
            user_tracks: DataLoader::new(UserTracksLoader(db.clone()), tokio::spawn),
            track_directors: DataLoader::new(TrackDirectorsLoader(db.clone()), tokio::spawn),
            track_members: DataLoader::new(TrackMembersLoader(db.clone()), tokio::spawn),
        }
    }
}

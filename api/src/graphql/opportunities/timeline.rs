//! What happened to an opportunity: its history entries and activities.

use super::*;

/// One stage, status or forecast change.
#[derive(Clone)]
pub struct HistoryEntry(pub opportunity_history::Model);

impl Node for HistoryEntry {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// One stage, status or forecast change.
#[Object]
impl HistoryEntry {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What changed.
    async fn field(&self) -> HistoryField {
        self.0.field.into()
    }
    /// Value before (empty at creation).
    async fn from(&self) -> Option<&str> {
        self.0.from_value.as_deref()
    }
    /// Value after.
    async fn to(&self) -> &str {
        &self.0.to_value
    }
    /// When.
    async fn at(&self) -> Instant {
        Instant(self.0.at)
    }
    /// Who (empty for the system).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.actor_id else { return Ok(None) };
        Ok(ctx::loaders(ctx)?.users.load_one(id).await?.map(User))
    }
}

/// A follow-up record.
#[derive(Clone)]
pub struct Activity(pub activity::Model);

impl Node for Activity {
    fn cursor(&self) -> String {
        self.0.id.to_string()
    }
}

/// A follow-up record.
#[Object]
impl Activity {
    /// Identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The opportunity it belongs to.
    async fn opportunity_id(&self) -> ID {
        ID(self.0.opportunity_id.to_string())
    }
    /// Kind of follow-up.
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    /// The kind in words (拜访), in the request's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> Result<String> {
        label(ctx, self.0.kind).await
    }
    /// What happened.
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// When it happened.
    async fn occurred_at(&self) -> Instant {
        Instant(self.0.occurred_at)
    }
    /// Who recorded it.
    async fn actor(&self, ctx: &Context<'_>) -> Result<User> {
        load_or_internal(ctx::loaders(ctx)?.users.load_one(self.0.actor_id).await?, "actor")
            .await
            .map(User)
    }
}

//! One error type for the whole API. Each variant has a stable
//! `extensions.code` (the GraphQL form is made in `graphql::common`);
//! internal causes are logged, never sent.

use serde::Serialize;

/// One bad field of an input: `field` is the GraphQL path of the argument
/// (`input.restartDate`), `message` says what is wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every way a request can fail. Deliberately not `Display`: async-graphql
/// turns any `Display` into an error without a code, so the only conversion
/// is the one in `graphql::common`, which keeps the code.
#[derive(Debug)]
pub enum AppError {
    Unauthenticated(String),
    Forbidden(String),
    NotFound(String),
    Validation(Vec<FieldError>),
    Conflict(String),
    /// Too many attempts: try again at the instant given.
    RateLimited {
        message: String,
        retry_at: chrono::DateTime<chrono::Utc>,
        retry_after_seconds: i64,
    },
    Internal(String),
    /// The user must choose his own password first (after an admin set
    /// one): until then only `changePassword`, `logout` and `me` answer.
    PasswordChangeRequired,
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation(_) => "VALIDATION",
            Self::Conflict(_) => "CONFLICT",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL",
            Self::PasswordChangeRequired => "PASSWORD_CHANGE_REQUIRED",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) | Self::Forbidden(m) | Self::Conflict(m) => m.clone(),
            Self::RateLimited { message, .. } => message.clone(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::Validation(fields) => crate::messages::invalid_input(
                fields.iter().map(|f| (f.field.as_str(), f.message.as_str())),
                crate::locale::Locale::En,
            ),
            Self::Internal(_) => "an internal error occurred".to_owned(),
            Self::PasswordChangeRequired => {
                "choose your own password first (changePassword): until then only changePassword, logout and me answer".to_owned()
            }
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn forbidden(why: impl Into<String>) -> Self {
        Self::Forbidden(why.into())
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(why: impl Into<String>) -> Self {
        Self::Conflict(why.into())
    }

    /// Refused for now; `retry_at` says when to come back.
    pub fn rate_limited(message: impl Into<String>, now: chrono::DateTime<chrono::Utc>, retry_at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::RateLimited {
            message: message.into(),
            retry_at,
            retry_after_seconds: (retry_at - now).num_seconds().max(1),
        }
    }

    pub fn internal(cause: impl std::fmt::Debug) -> Self {
        let detail = format!("{cause:?}");
        tracing::error!(cause = %detail, "internal error");
        Self::Internal(detail)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl<E: std::fmt::Debug> From<sea_orm::TransactionError<E>> for AppError
where
    AppError: From<E>,
{
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(e) => e.into(),
        }
    }
}

/// Collects every bad field of one input before failing, so a client learns
/// all of them at once. A capped collector (a file of a million rows) keeps
/// the first ones and counts the rest, so that its memory stays bounded.
#[derive(Debug, Default)]
pub struct Problems {
    fields: Vec<FieldError>,
    /// Keep at most this many (`None`: all).
    cap: Option<usize>,
    /// Problems past the cap, counted only.
    more: usize,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the first `cap` problems and counts the rest (told as one more
    /// problem on `rows`).
    pub fn capped(cap: usize) -> Self {
        Self {
            cap: Some(cap),
            ..Self::default()
        }
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        if self.cap.is_some_and(|cap| self.fields.len() >= cap) {
            self.more += 1;
        } else {
            self.fields.push(FieldError::new(field, message));
        }
    }

    /// Records a problem ahead of the others, cap or no cap: the one that
    /// explains the rest.
    pub fn add_first(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.insert(0, FieldError::new(field, message));
    }

    /// Records the problem when `bad` holds.
    pub fn check(&mut self, bad: bool, field: &str, message: &str) {
        if bad {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// How many problems so far, counted ones included.
    pub fn len(&self) -> usize {
        self.fields.len() + self.more
    }

    pub fn into_result(mut self) -> AppResult<()> {
        if self.more > 0 {
            self.fields
                .push(FieldError::new("rows", format!("has {} more problems not listed", self.more)));
        }
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.fields))
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

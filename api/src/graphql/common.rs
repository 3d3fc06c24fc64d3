//! What every area shares: the `Date` scalar, ids, and the one generic
//! Relay connection every list is served through.

use crate::domain::page::Page;
use crate::error::{AppError, AppResult};
use crate::service::PageRequest;
use async_graphql::{Context, ErrorExtensions, ID, Object, OutputType, Result, SimpleObject};

/// The id of the record an operation names; an id that cannot exist is
/// simply not found.
pub fn lookup_id(id: &ID, what: &str) -> AppResult<i64> {
    crate::service::lookup_id(id.as_str(), what)
}

/// An optional id as the service receives it (checked there).
pub fn raw_id(id: Option<ID>) -> Option<String> {
    id.map(|i| i.0)
}

/// A record's id as the API shows it.
pub fn id(v: i64) -> ID {
    ID(v.to_string())
}

/// A calendar date in its strict ISO form, `YYYY-MM-DD`, between
/// 2000-01-01 and 2100-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

/// ISO 8601 calendar date, strictly `YYYY-MM-DD` (e.g. `2027-03-01`),
/// between 2000-01-01 and 2100-12-31.
#[async_graphql::Scalar(name = "Date")]
impl async_graphql::ScalarType for Date {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        let async_graphql::Value::String(text) = &value else {
            return Err(async_graphql::InputValueError::expected_type(value));
        };
        crate::domain::calendar::parse_date(text)
            .map(Date)
            .ok_or_else(|| async_graphql::InputValueError::custom(crate::domain::calendar::DATE_FORM))
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant in time (what `DateTime` carries in and out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant(pub chrono::DateTime<chrono::Utc>);

/// An instant, as an RFC 3339 date-time with its offset, such as
/// `2026-11-23T09:00:00+08:00` or `2026-11-23T01:00:00Z`. Answers are
/// always in UTC (`+00:00`); show them in the company time zone
/// (Asia/Shanghai) or the phone's own. Business days and months are counted
/// in the company time zone.
#[async_graphql::Scalar(name = "DateTime", specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339")]
impl async_graphql::ScalarType for Instant {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        let async_graphql::Value::String(text) = &value else {
            return Err(async_graphql::InputValueError::expected_type(value));
        };
        chrono::DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Instant(t.with_timezone(&chrono::Utc)))
            .map_err(|_| {
                async_graphql::InputValueError::custom(
                    "expected an RFC 3339 date-time with its offset, such as \"2026-11-23T09:00:00+08:00\"",
                )
            })
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.to_rfc3339())
    }
}

/// A sum of money in yuan, exact to the fen (分).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money(pub String);

impl Money {
    /// An amount stored in fen.
    pub fn from_cents(cents: i64) -> Self {
        Self(crate::domain::money::format_yuan(cents))
    }
}

/// A sum of money in yuan, exact to the fen: a decimal string with at most
/// two decimals and no sign, exponent or separators, such as `"1234567.89"`
/// (answers always carry two decimals). Never a float: no fen is lost. An
/// amount entered is at most 10,000,000,000 yuan; a sum beyond
/// 92,233,720,368,547,758.07 yuan is answered as that.
#[async_graphql::Scalar(name = "Money")]
impl async_graphql::ScalarType for Money {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        // The digits are checked by the use case, which reports the field.
        match value {
            async_graphql::Value::String(text) => Ok(Money(text)),
            other => Err(async_graphql::InputValueError::custom(format!(
                "expected yuan as a decimal string such as \"1234567.89\", found {other}"
            ))),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.clone())
    }
}

/// The page a connection field asks for: `first`, `after`, and whether the
/// selection wants `totalCount` (the COUNT runs only then).
pub fn page_request(ctx: &Context<'_>, args: PageArgs) -> PageRequest {
    PageRequest {
        first: args.first.map(i64::from),
        after: args.after,
        last: args.last.map(i64::from),
        before: args.before,
        with_total: ctx.look_ahead().field("totalCount").exists(),
    }
}

/// The Relay paging arguments of a list field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn new(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }
}

/// A page-size argument checked against its row of `domain::limits`
/// (`validator(custom = "Within(limits::ACTIVITIES)")`).
pub struct Within(pub crate::domain::limits::PageSize);

impl<T> async_graphql::CustomValidator<T> for Within
where
    T: async_graphql::InputType + Copy + TryInto<i64>,
{
    fn check(&self, value: &T) -> Result<(), async_graphql::InputValueError<T>> {
        let n = (*value).try_into().unwrap_or(-1);
        self.0.check(Some(n)).map(|_| ()).map_err(async_graphql::InputValueError::custom)
    }
}

/// Relay page information.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// More items follow the last one.
    pub has_next_page: bool,
    /// Items come before the first one (with `last`: more to read backwards;
    /// with `after`: the cursor's own item and those before it).
    pub has_previous_page: bool,
    /// Cursor of the first item; pass it as `before` (with `last`) for the previous page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// A node of a connection: its cursor.
pub trait Node: OutputType + Clone {
    fn cursor(&self) -> String;
}

/// One item of a page with its cursor.
pub struct Edge<N>(N);

/// One item of a page with its cursor.
#[Object(
    concrete(name = "OpportunityEdge", params(super::opportunities::Opportunity)),
    concrete(name = "AlertEdge", params(super::alerts::Alert)),
    concrete(name = "UserEdge", params(super::organisation::User)),
    concrete(name = "LossReviewEdge", params(super::alerts::LossReview)),
    concrete(name = "ActivityEdge", params(super::opportunities::Activity)),
    concrete(name = "HistoryEntryEdge", params(super::opportunities::HistoryEntry)),
    concrete(name = "ErpFactEdge", params(super::board::ErpFact)),
    concrete(name = "MeetingEdge", params(super::meetings::Meeting)),
    concrete(name = "TaskEdge", params(super::meetings::Task)),
    concrete(name = "TargetMigrationEdge", params(super::baseline::TargetMigration))
)]
impl<N: Node> Edge<N> {
    /// Opaque cursor of this item.
    async fn cursor(&self) -> String {
        self.0.cursor()
    }
    /// The item.
    async fn node(&self) -> N {
        self.0.clone()
    }
}

/// A page of a list (Relay connection).
pub struct Connection<N> {
    page: Page<N>,
}

impl<N: Node> Connection<N> {
    pub fn new(page: Page<N>) -> Self {
        Self { page }
    }
}

/// A page of a list (Relay connection).
#[Object(
    concrete(name = "OpportunityConnection", params(super::opportunities::Opportunity)),
    concrete(name = "AlertConnection", params(super::alerts::Alert)),
    concrete(name = "UserConnection", params(super::organisation::User)),
    concrete(name = "LossReviewConnection", params(super::alerts::LossReview)),
    concrete(name = "ActivityConnection", params(super::opportunities::Activity)),
    concrete(name = "HistoryEntryConnection", params(super::opportunities::HistoryEntry)),
    concrete(name = "ErpFactConnection", params(super::board::ErpFact)),
    concrete(name = "MeetingConnection", params(super::meetings::Meeting)),
    concrete(name = "TaskConnection", params(super::meetings::Task)),
    concrete(name = "TargetMigrationConnection", params(super::baseline::TargetMigration))
)]
impl<N: Node> Connection<N>
where
    Edge<N>: OutputType,
{
    /// The items with their cursors.
    // The field's own cost is in the row count the list field multiplies by.
    #[graphql(complexity = "child_complexity")]
    async fn edges(&self) -> Vec<Edge<N>> {
        self.page.rows.iter().cloned().map(Edge).collect()
    }
    /// The items.
    #[graphql(complexity = "child_complexity")]
    async fn nodes(&self) -> Vec<N> {
        self.page.rows.clone()
    }
    /// Paging state.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next,
            has_previous_page: self.page.has_previous,
            start_cursor: self.page.rows.first().map(Node::cursor),
            end_cursor: self.page.rows.last().map(Node::cursor),
        }
    }
    /// How many items match the filter in the viewer's scope (all pages).
    #[graphql(complexity = "crate::graphql::COUNT_COST")]
    async fn total_count(&self) -> Result<u64> {
        self.page
            .total
            .ok_or_else(|| crate::error::AppError::internal("totalCount was not looked ahead").into())
    }
}

/// The GraphQL form of an error: its message, `extensions.code`, and the
/// bad `fields` of a validation error or the retry time of a refusal.
impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let Self::RateLimited {
                retry_at,
                retry_after_seconds,
                ..
            } = self
            {
                ext.set("retryAfterSeconds", *retry_after_seconds);
                ext.set("retryAt", retry_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            }
            if let Self::Validation(fields) = self {
                let list: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|f| {
                        let mut obj = async_graphql::indexmap::IndexMap::new();
                        obj.insert(async_graphql::Name::new("field"), async_graphql::Value::from(f.field.clone()));
                        obj.insert(async_graphql::Name::new("message"), async_graphql::Value::from(f.message.clone()));
                        async_graphql::Value::Object(obj)
                    })
                    .collect();
                ext.set("fields", async_graphql::Value::List(list));
            }
        })
    }
}

/// A scoped read behind a nested field: `NOT_FOUND` (outside the viewer's
/// scope, or gone) is nothing to show; any other error fails the field.
pub fn visible<T>(found: crate::error::AppResult<T>) -> async_graphql::Result<Option<T>> {
    match found {
        Ok(v) => Ok(Some(v)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

/// A file of a GraphQL multipart request (the spec's `Upload`). Our own
/// scalar rather than async-graphql's, whose parsing unwraps the file's
/// index and whose lookup indexes without a bound: here a value that is
/// not a file of this request is an error, never a panic.
#[derive(Debug, Clone, Copy)]
pub struct FileUpload(usize);

/// The marker async-graphql's multipart reader writes in a file's variable.
const FILE_MARKER: &str = "#__graphql_file__:";

#[async_graphql::Scalar(
    name = "Upload",
    specified_by_url = "https://github.com/jaydenseric/graphql-multipart-request-spec"
)]
impl async_graphql::ScalarType for FileUpload {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        if let async_graphql::Value::String(s) = &value
            && let Some(index) = s.strip_prefix(FILE_MARKER).and_then(|n| n.parse::<usize>().ok())
        {
            return Ok(FileUpload(index));
        }
        Err(async_graphql::InputValueError::custom(
            "expected a file of the multipart request (GraphQL multipart request spec)",
        ))
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::Null
    }
}

impl FileUpload {
    /// The file's name and bytes, when it is a file of this request.
    pub fn get<'a>(&self, ctx: &'a Context<'_>) -> Option<&'a async_graphql::UploadValue> {
        ctx.query_env.uploads.get(self.0)
    }
}

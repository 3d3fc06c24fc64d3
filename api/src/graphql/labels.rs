//! Labels: the words of every enumeration in the caller's language, so a
//! phone shows 15日无跟进 where the API says `NO_FOLLOW_UP`.

use super::ctx;
use crate::domain::labels::Labelled;
use crate::service;
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

/// A language of the answers.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "crate::locale::Locale")]
pub enum Locale {
    /// 简体中文 (the default).
    ZhCn,
    /// English.
    En,
}

/// The label of one value of an enumeration.
#[derive(SimpleObject)]
pub struct EnumValueLabel {
    /// The value as the API writes it, e.g. `NO_FOLLOW_UP`.
    pub value: String,
    /// The words for people, e.g. 15日无跟进.
    pub label: String,
}

/// The labels of one enumeration.
#[derive(SimpleObject)]
pub struct EnumLabels {
    /// The enumeration's name in this schema, e.g. `AlertRule`.
    pub name: String,
    /// Every value, in the schema's order.
    pub values: Vec<EnumValueLabel>,
}

/// The label of `value` in the request's language.
pub async fn label<T: Labelled>(ctx: &Context<'_>, value: T) -> Result<String> {
    Ok(service::labels::label(value, ctx::locale(ctx), ctx::settings(ctx).await?))
}

#[derive(Default)]
pub struct LabelQuery;

#[Object]
impl LabelQuery {
    /// Every enumeration with the label of each value (the configured numbers filled in: 15日无跟进).
    /// Without `locale`, in the request's `Accept-Language` (else the configured default). Any logged-in user.
    #[graphql(complexity = 50)]
    async fn labels(&self, ctx: &Context<'_>, #[graphql(desc = "The language.")] locale: Option<Locale>) -> Result<Vec<EnumLabels>> {
        ctx::viewer(ctx)?;
        let locale = locale.map_or_else(|| ctx::locale(ctx), Into::into);
        let settings = ctx::settings(ctx).await?;
        Ok(service::labels::catalogue(locale, settings)
            .into_iter()
            .map(|e| EnumLabels {
                name: e.name.to_owned(),
                values: e.values.into_iter().map(|(value, label)| EnumValueLabel { value, label }).collect(),
            })
            .collect())
    }
}

//! Error messages in the caller's language (`Accept-Language`, else the
//! configured default): the errors of our use cases — those with one of
//! our `extensions.code`s — are written in English by the code and put into
//! the request's language here, on the way out, from `messages`.
//! The codes, field paths and the GraphQL engine's own messages (parse and
//! schema validation, for developers) stay as they are.

use crate::locale::Locale;
use crate::messages;
use async_graphql::{Response, ServerError, Value};

/// The codes whose messages are ours.
const OURS: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "VALIDATION",
    "CONFLICT",
    "RATE_LIMITED",
    "INTERNAL",
];

/// Puts the messages of our errors into `locale`.
pub(crate) fn localize(resp: &mut Response, locale: Locale) {
    if locale == Locale::En {
        return;
    }
    for e in &mut resp.errors {
        localize_error(e, locale);
    }
}

fn localize_error(e: &mut ServerError, locale: Locale) {
    let Some(ext) = e.extensions.as_mut() else { return };
    let ours = matches!(ext.get("code"), Some(Value::String(c)) if OURS.contains(&c.as_str()));
    if !ours {
        return;
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    if let Some(Value::List(list)) = ext.get("fields") {
        for f in list {
            if let Value::Object(obj) = f {
                let text = |k: &str| match obj.get(k) {
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                fields.push((text("field"), text("message")));
            }
        }
    }
    if fields.is_empty() {
        e.message = messages::translate(&e.message, locale);
        return;
    }
    e.message = messages::invalid_input(fields.iter().map(|(f, m)| (f.as_str(), m.as_str())), locale);
    let list: Vec<Value> = fields
        .iter()
        .map(|(f, m)| {
            let mut obj = async_graphql::indexmap::IndexMap::new();
            obj.insert(async_graphql::Name::new("field"), Value::from(f.clone()));
            obj.insert(async_graphql::Name::new("message"), Value::from(messages::translate(m, locale)));
            Value::Object(obj)
        })
        .collect();
    ext.set("fields", Value::List(list));
}

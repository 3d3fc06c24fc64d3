//! Everything read from the environment, with defaults, validated at once:
//! one error lists every bad value.

use chrono_tz::Tz;
use std::net::SocketAddr;

pub mod graphiql_assets;

/// The service's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `SALESPULSE_DATABASE_URL`: SQLite by default, `postgres://…` to scale out.
    pub database_url: String,
    /// `SALESPULSE_BIND`: where the HTTP server listens.
    pub bind: SocketAddr,
    /// `SALESPULSE_JWT_SECRET`: HS256 key, at least 32 bytes. Generated (with
    /// a warning) when absent, so tokens die with the process.
    pub jwt_secret: Option<String>,
    /// `SALESPULSE_TOKEN_TTL_MINUTES`: how long an access token lives
    /// (short: a phone refreshes it with its refresh token).
    pub token_ttl_minutes: i64,
    /// `SALESPULSE_REFRESH_TTL_DAYS`: how long a login lasts unused; each
    /// refresh starts the period again.
    pub refresh_ttl_days: i64,
    /// `SALESPULSE_TIMEZONE`: the company time zone a new database starts with.
    pub timezone: Tz,
    /// The language of answers when a request names none (`Accept-Language`).
    pub default_locale: crate::locale::Locale,
    /// `SALESPULSE_GRAPHIQL`: serve GraphiQL at `/`.
    pub graphiql: bool,
    /// `SALESPULSE_GRAPHIQL_ASSETS`: where GraphiQL's scripts come from.
    pub graphiql_assets: graphiql_assets::Assets,
    /// `SALESPULSE_INTROSPECTION`: answer introspection queries.
    pub introspection: bool,
    /// `SALESPULSE_SEED_DEMO`: seed the demo company into an empty database on `serve`.
    pub seed_demo: bool,
    /// `SALESPULSE_SCHEDULER`: run the scheduled jobs (daily scan) in this process.
    pub scheduler: bool,
    /// `SALESPULSE_BOARD_CACHE`: keep the ranking board's figures between
    /// requests until an import or a change of people (off: every request
    /// sums them again).
    pub board_cache: bool,
    /// `SALESPULSE_DB_MAX_CONNECTIONS`: size of the connection pool.
    pub db_max_connections: u32,
    /// `SALESPULSE_DB_CONNECT_TIMEOUT_SECONDS`: how long to wait for the database.
    pub db_connect_timeout_seconds: u64,
    /// `SALESPULSE_MAX_SOCKETS_PER_USER`: WebSockets one user may hold open on one process.
    pub max_sockets_per_user: usize,
    /// `SALESPULSE_HASH_CONCURRENCY`: password hashes computed at once (the rest queue).
    pub hash_concurrency: usize,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://salespulse.db?mode=rwc";
pub const JWT_ISSUER: &str = "salespulse";
pub const JWT_AUDIENCE: &str = "salespulse-api";
/// Largest accepted request body (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every bad environment value, reported together.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  {}", .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            jwt_secret: None,
            token_ttl_minutes: 15,
            refresh_ttl_days: 30,
            timezone: chrono_tz::Asia::Shanghai,
            default_locale: crate::locale::Locale::ZhCn,
            graphiql: true,
            graphiql_assets: graphiql_assets::Assets::default(),
            introspection: true,
            seed_demo: true,
            scheduler: true,
            board_cache: true,
            db_max_connections: 10,
            db_connect_timeout_seconds: 5,
            max_sockets_per_user: 10,
            hash_concurrency: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut cfg = Self::default();
        let mut errors = Vec::new();
        let get = |key: &str| lookup(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        if let Some(url) = get("SALESPULSE_DATABASE_URL") {
            if url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://") {
                cfg.database_url = url;
            } else {
                errors.push(format!("SALESPULSE_DATABASE_URL={url:?}: expected sqlite:… or postgres://…"));
            }
        }
        if let Some(bind) = get("SALESPULSE_BIND") {
            match bind.parse() {
                Ok(addr) => cfg.bind = addr,
                Err(_) => errors.push(format!("SALESPULSE_BIND={bind:?}: expected host:port such as 127.0.0.1:8080")),
            }
        }
        if let Some(secret) = get("SALESPULSE_JWT_SECRET") {
            if secret.len() < 32 {
                errors.push("SALESPULSE_JWT_SECRET: must be at least 32 bytes".to_owned());
            } else {
                cfg.jwt_secret = Some(secret);
            }
        }
        if let Some(ttl) = get("SALESPULSE_TOKEN_TTL_MINUTES") {
            match ttl.parse::<i64>() {
                Ok(m) if (1..=60 * 24 * 30).contains(&m) => cfg.token_ttl_minutes = m,
                _ => errors.push(format!(
                    "SALESPULSE_TOKEN_TTL_MINUTES={ttl:?}: expected minutes between 1 and 43200"
                )),
            }
        }
        if let Some(days) = get("SALESPULSE_REFRESH_TTL_DAYS") {
            match days.parse::<i64>() {
                Ok(d) if (1..=365).contains(&d) => cfg.refresh_ttl_days = d,
                _ => errors.push(format!("SALESPULSE_REFRESH_TTL_DAYS={days:?}: expected days between 1 and 365")),
            }
        }
        if let Some(tz) = get("SALESPULSE_TIMEZONE") {
            match tz.parse::<Tz>() {
                Ok(zone) => cfg.timezone = zone,
                Err(_) => errors.push(format!("SALESPULSE_TIMEZONE={tz:?}: expected an IANA zone such as Asia/Shanghai")),
            }
        }
        if let Some(tag) = get("SALESPULSE_DEFAULT_LOCALE") {
            match crate::locale::Locale::from_tag(&tag) {
                Some(l) => cfg.default_locale = l,
                None => errors.push(format!("SALESPULSE_DEFAULT_LOCALE={tag:?}: expected zh-CN or en")),
            }
        }
        if let Some(source) = get("SALESPULSE_GRAPHIQL_ASSETS") {
            match graphiql_assets::Assets::parse(&source) {
                Ok(a) => cfg.graphiql_assets = a,
                Err(why) => errors.push(format!("SALESPULSE_GRAPHIQL_ASSETS={source:?}: {why}")),
            }
        }
        let mut flag = |key: &str, slot: &mut bool| {
            if let Some(v) = get(key) {
                match v.to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => *slot = true,
                    "0" | "false" | "no" | "off" => *slot = false,
                    _ => errors.push(format!("{key}={v:?}: expected true or false")),
                }
            }
        };
        flag("SALESPULSE_GRAPHIQL", &mut cfg.graphiql);
        flag("SALESPULSE_INTROSPECTION", &mut cfg.introspection);
        flag("SALESPULSE_SEED_DEMO", &mut cfg.seed_demo);
        flag("SALESPULSE_SCHEDULER", &mut cfg.scheduler);
        flag("SALESPULSE_BOARD_CACHE", &mut cfg.board_cache);
        if let Some(n) = get("SALESPULSE_DB_MAX_CONNECTIONS") {
            match n.parse::<u32>() {
                Ok(v) if (1..=1000).contains(&v) => cfg.db_max_connections = v,
                _ => errors.push(format!("SALESPULSE_DB_MAX_CONNECTIONS={n:?}: expected 1 to 1000")),
            }
        }
        let mut number = |key: &str, min: u64, max: u64, slot: &mut u64| {
            if let Some(v) = get(key) {
                match v.parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => *slot = n,
                    _ => errors.push(format!("{key}={v:?}: expected {min} to {max}")),
                }
            }
        };
        let mut timeout = cfg.db_connect_timeout_seconds;
        number("SALESPULSE_DB_CONNECT_TIMEOUT_SECONDS", 1, 120, &mut timeout);
        cfg.db_connect_timeout_seconds = timeout;
        let mut sockets = cfg.max_sockets_per_user as u64;
        number("SALESPULSE_MAX_SOCKETS_PER_USER", 1, 100_000, &mut sockets);
        cfg.max_sockets_per_user = usize::try_from(sockets).unwrap_or(10);
        let mut hashing = cfg.hash_concurrency as u64;
        number("SALESPULSE_HASH_CONCURRENCY", 1, 64, &mut hashing);
        cfg.hash_concurrency = usize::try_from(hashing).unwrap_or(1);
        if errors.is_empty() { Ok(cfg) } else { Err(ConfigError(errors)) }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The database URL with any password replaced by `***`, for messages.
    pub fn database_url_for_display(&self) -> String {
        let url = &self.database_url;
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.clone();
        };
        match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
                let masked = if userinfo.contains(':') {
                    format!("{user}:***")
                } else {
                    user.to_owned()
                };
                format!("{scheme}://{masked}@{host}")
            }
            None => url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn no_environment_gives_the_embedded_defaults() {
        let cfg = from(&[]).unwrap();
        assert_eq!(cfg.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(cfg.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(cfg.timezone, chrono_tz::Asia::Shanghai);
        assert!(cfg.jwt_secret.is_none());
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        let cfg = from(&[("SALESPULSE_DATABASE_URL", "postgres://sales:s3cret@db.local:5432/sp")]).unwrap();
        assert_eq!(cfg.database_url_for_display(), "postgres://sales:***@db.local:5432/sp");
    }

    #[test]
    fn every_bad_value_is_listed_in_one_error() {
        let err = from(&[
            ("SALESPULSE_BIND", "nowhere"),
            ("SALESPULSE_TIMEZONE", "Mars/Olympus"),
            ("SALESPULSE_JWT_SECRET", "short"),
            ("SALESPULSE_GRAPHIQL", "maybe"),
        ])
        .unwrap_err();
        assert_eq!(err.0.len(), 4, "{err}");
        let text = err.to_string();
        for key in [
            "SALESPULSE_BIND",
            "SALESPULSE_TIMEZONE",
            "SALESPULSE_JWT_SECRET",
            "SALESPULSE_GRAPHIQL",
        ] {
            assert!(text.contains(key), "{text}");
        }
    }
}

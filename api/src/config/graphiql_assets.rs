//! Where GraphiQL's scripts come from: a setting, checked at start-up
//! (the page itself is `graphiql`'s).

use std::path::PathBuf;

/// The versions the page loads (UMD builds, usable without a bundler).
pub const REACT_VERSION: &str = "18.3.1";
pub const GRAPHIQL_VERSION: &str = "4.0.3";
/// graphql-ws (the `graphql-transport-ws` client): GraphiQL's browser build
/// does not carry it, so subscriptions would go over HTTP without it.
pub const GRAPHQL_WS_VERSION: &str = "5.16.2";
/// Where a local directory is served.
pub const LOCAL_PATH: &str = "/graphiql-assets";
/// The default source: the public npm CDN.
pub const PUBLIC_CDN: &str = "https://unpkg.com";

/// The files the page loads, relative to the source (npm package layout).
pub fn files() -> [String; 5] {
    [
        format!("react@{REACT_VERSION}/umd/react.production.min.js"),
        format!("graphql-ws@{GRAPHQL_WS_VERSION}/umd/graphql-ws.min.js"),
        format!("react-dom@{REACT_VERSION}/umd/react-dom.production.min.js"),
        format!("graphiql@{GRAPHIQL_VERSION}/graphiql.min.js"),
        format!("graphiql@{GRAPHIQL_VERSION}/graphiql.min.css"),
    ]
}

/// Where GraphiQL's scripts come from (`SALESPULSE_GRAPHIQL_ASSETS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assets {
    /// A base URL laid out like unpkg (`<base>/react@18.3.1/umd/…`).
    Url(String),
    /// A local directory with the same layout, served at [`LOCAL_PATH`].
    Dir(PathBuf),
}

impl Default for Assets {
    fn default() -> Self {
        Self::Url(PUBLIC_CDN.to_owned())
    }
}

impl Assets {
    /// An `http(s)://` base URL, or a directory that holds every file of
    /// [`files`] (checked now, so a wrong path fails at start-up, not in
    /// the browser).
    pub fn parse(source: &str) -> Result<Self, String> {
        let source = source.trim();
        if source.starts_with("http://") || source.starts_with("https://") {
            if source.contains(['"', '<', '>', '\'', ' ']) {
                return Err("the URL must not contain quotes, spaces or angle brackets".to_owned());
            }
            return Ok(Self::Url(source.trim_end_matches('/').to_owned()));
        }
        let dir = PathBuf::from(source);
        if !dir.is_dir() {
            return Err(
                "expected an http(s):// base URL or an existing directory (fill one with scripts/graphiql-assets.sh <dir>)".to_owned(),
            );
        }
        let missing: Vec<String> = files().into_iter().filter(|f| !dir.join(f).is_file()).collect();
        if !missing.is_empty() {
            return Err(format!(
                "the directory lacks {} (fill it with scripts/graphiql-assets.sh <dir>)",
                missing.join(", ")
            ));
        }
        Ok(Self::Dir(dir))
    }

    /// The base the page's `src` and `href` start with.
    pub fn base(&self) -> &str {
        match self {
            Self::Url(u) => u,
            Self::Dir(_) => LOCAL_PATH,
        }
    }
}

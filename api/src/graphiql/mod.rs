//! GraphiQL behind a firewall: the page is ours, and its scripts (React,
//! react-dom, GraphiQL) come from a configurable source — a public CDN by
//! default, an intranet npm mirror laid out like it, or a local directory
//! salespulse serves itself. When they cannot be loaded, the page says
//! what to set instead of "Loading..." forever.

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
    fn base(&self) -> &str {
        match self {
            Self::Url(u) => u,
            Self::Dir(_) => LOCAL_PATH,
        }
    }
}

/// The GraphiQL page for a source of assets.
pub fn page(assets: &Assets) -> String {
    include_str!("page.html")
        .replace("{{ASSETS}}", assets.base())
        .replace("{{REACT}}", REACT_VERSION)
        .replace("{{GRAPHIQL}}", GRAPHIQL_VERSION)
        .replace("{{GRAPHQL_WS}}", GRAPHQL_WS_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_every_file_from_the_source() {
        let html = page(&Assets::Url("https://npm.example.cn".to_owned()));
        for f in files() {
            assert!(html.contains(&format!("https://npm.example.cn/{f}")), "{f}");
        }
        assert!(!html.contains("unpkg") && !html.contains("{{"));
        let local = page(&Assets::Dir(PathBuf::from("/srv/giql")));
        assert!(local.contains("/graphiql-assets/graphiql@"));
        assert!(local.contains("SALESPULSE_GRAPHIQL_ASSETS"), "the page says what to set");
    }

    #[test]
    fn the_fetch_script_fetches_these_versions() {
        let script = include_str!("../../../scripts/graphiql-assets.sh");
        assert!(script.contains(&format!("REACT={REACT_VERSION}\n")));
        assert!(script.contains(&format!("GRAPHIQL={GRAPHIQL_VERSION}\n")));
        assert!(script.contains(&format!("GRAPHQL_WS={GRAPHQL_WS_VERSION}\n")));
    }

    #[test]
    fn a_source_is_a_url_or_a_complete_directory() {
        assert_eq!(
            Assets::parse("https://npm.example.cn/"),
            Ok(Assets::Url("https://npm.example.cn".to_owned()))
        );
        assert!(Assets::parse("https://x/\"><script>").is_err());
        assert!(Assets::parse("/no/such/dir").is_err());
        let dir = std::env::temp_dir().join(format!("giql-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = Assets::parse(dir.to_str().unwrap()).unwrap_err();
        assert!(err.contains("graphiql.min.js"), "{err}");
        for f in files() {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(Assets::parse(dir.to_str().unwrap()), Ok(Assets::Dir(dir.clone())));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

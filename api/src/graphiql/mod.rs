//! GraphiQL behind a firewall: the page is ours, and its scripts (React,
//! react-dom, GraphiQL) come from a configurable source — a public CDN by
//! default, an intranet npm mirror laid out like it, or a local directory
//! salespulse serves itself. When they cannot be loaded, the page says
//! what to set instead of "Loading..." forever.

pub use crate::config::graphiql_assets::*;

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
    use std::path::PathBuf;

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

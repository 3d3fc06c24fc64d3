use super::*;

#[test]
fn templates_fill_their_parts_and_translate_known_ones() {
    assert_eq!(zh("is required").as_deref(), Some("必填"));
    assert_eq!(zh("must be at most 200 characters").as_deref(), Some("最多200个字符"));
    assert_eq!(zh("alert not found").as_deref(), Some("未找到告警任务"));
    assert_eq!(zh("your role may not create users").as_deref(), Some("您的角色无权创建用户"));
    assert_eq!(zh("must be between 1 and 100").as_deref(), Some("须在1到100之间"));
    assert_eq!(translate("no such words", Locale::ZhCn), "no such words");
    assert_eq!(translate("is required", Locale::En), "is required");
}

/// Every message a user can meet, as written in the sources (string
/// literals of the error paths, formats turned into `{}`), has Chinese.
#[test]
fn every_message_in_the_sources_has_chinese() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let files = [
        "service/alerts.rs",
        "service/auth.rs",
        "service/erp.rs",
        "domain/erp.rs",
        "domain/board.rs",
        "service/board.rs",
        "graphql/board.rs",
        "service/opportunities.rs",
        "service/settings.rs",
        "service/users.rs",
        "service/mod.rs",
        "auth/jwt.rs",
        "auth/viewer.rs",
        "domain/accounts.rs",
        "domain/calendar.rs",
        "domain/money.rs",
        "domain/opportunity.rs",
        "domain/settings.rs",
        "domain/text.rs",
        "domain/limits.rs",
        "graphql/common.rs",
        "graphql/erp.rs",
        "service/meetings.rs",
        "domain/meetings.rs",
        "graphql/meetings.rs",
        "domain/funnel.rs",
        "service/funnel.rs",
        "domain/health.rs",
        "service/health.rs",
        "graphql/health.rs",
        "domain/funnel_alerts.rs",
        "service/funnel_alerts.rs",
        "graphql/funnel_alerts.rs",
        "service/funnel_review.rs",
        "domain/funnel_review.rs",
        "graphql/funnel_review.rs",
        "domain/forecast.rs",
        "service/forecast.rs",
        "graphql/forecast.rs",
        "domain/baseline.rs",
        "service/baseline.rs",
        "graphql/baseline.rs",
        "error.rs",
    ];
    // Written for the log or for developers, never to a user.
    let not_for_users = [
        "a checked decision lacks its fields",
        "validated track/owner missing",
        "totalCount was not looked ahead",
        "refresh token reused: session ended",
        "internal error",
        "its alert",
        "its opportunity",
        "its rule",
        "a dimension is missing from the board",
        "a task's dimension is not on the board",
        "a task without its meeting",
        "the analysis just written is gone",
        "funnel check ran",
        "forecast frozen",
        "baseline taken",
        "forecast freeze failed",
    ];
    let mut missing = Vec::new();
    let mut checked = 0;
    // A module is its file, and the files of its folder once it is split.
    let mut sources = Vec::new();
    for file in files {
        let path = std::path::PathBuf::from(format!("{root}/{file}"));
        if path.is_file() {
            sources.push(path.clone());
        }
        if let Ok(dir) = std::fs::read_dir(path.with_extension("")) {
            sources.extend(
                dir.map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "rs") && p.file_name().is_some_and(|n| n != "tests.rs")),
            );
        }
        assert!(
            sources.iter().any(|p| p.starts_with(path.with_extension("")) || *p == path),
            "{file} is gone"
        );
    }
    for path in sources {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for literal in literals(code) {
            let template = placeholders(&literal);
            let is_message = template.contains(' ')
                && template.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '{')
                && template.replace("{}", "").chars().any(|c| c.is_ascii_alphabetic())
                && !not_for_users.contains(&template.as_str());
            if !is_message {
                continue;
            }
            checked += 1;
            if zh(&template).is_none() {
                missing.push(format!("{file}: {template}"));
            }
        }
    }
    assert!(missing.is_empty(), "no Chinese for:\n{}", missing.join("\n"));
    assert!(checked > 100, "the sources were read ({checked} messages)");
}

/// The string literals of Rust source (plain ones, escapes kept raw).
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    let mut in_comment = false;
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
            prev = c;
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            in_comment = true;
            continue;
        }
        if c == '\'' && prev != '\\' {
            // A char literal such as '"' must not open a string.
            let mut lookahead = chars.clone();
            let a = lookahead.next();
            let b = lookahead.next();
            if a.is_some() && (b == Some('\'') || a == Some('\\')) {
                chars.next();
                if a == Some('\\') {
                    chars.next();
                }
                chars.next();
                continue;
            }
        }
        if c == '"' {
            let mut s = String::new();
            let mut escaped = false;
            for d in chars.by_ref() {
                if escaped {
                    s.push(d);
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                    s.push(d);
                } else if d == '"' {
                    break;
                } else {
                    s.push(d);
                }
            }
            out.push(s);
        }
        prev = c;
    }
    out
}

/// `{name}`, `{}` and `{x:?}` become `{}`; an escaped quote ends a part.
fn placeholders(literal: &str) -> String {
    let mut out = String::new();
    let mut rest = literal;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                out.push_str("{}");
                rest = &rest[i + j + 1..];
            }
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    // `such as \"…\"` and the like: the quoted example is a part.
    match out.find("\\\"") {
        Some(i) => format!("{}{{}}", &out[..i]),
        None => out,
    }
}

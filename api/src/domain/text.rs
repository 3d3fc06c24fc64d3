//! One table of limits for every free text a user can type, and the one
//! check that applies it: trimmed, not empty when required, at most the
//! limit in characters, no NUL (PostgreSQL refuses it), in one-line
//! texts no control character at all, and nowhere a character that turns
//! the text around or hides in it (bidirectional overrides and isolates,
//! zero-width characters): what a user types is shown to the next user,
//! on a phone, in a spreadsheet, in a log, as it reads.
//!
//! And the rule for every spreadsheet export: a cell that begins with
//! `=`, `+`, `-`, `@` (or a tab or carriage return) is a formula to Excel,
//! so it is written behind an apostrophe ([`spreadsheet_cell`]).

use super::limits;
use crate::error::Problems;

/// The kinds of free text, each with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An opportunity's title.
    Name,
    /// A customer's name.
    CustomerName,
    /// A login e-mail.
    Email,
    /// A person's name.
    PersonName,
    /// A password (long enough for any passphrase, short enough to hash cheaply).
    Password,
    /// 模号.
    MoldNumber,
    /// A follow-up note.
    Note,
    /// A director's comment (review, raise to the CEO).
    Comment,
    /// A reason or explanation: attribution text, shelve text, loss reason.
    Reason,
    /// A search string or a filter text.
    Search,
    /// An ERP record's external id.
    ExternalId,
}

impl TextKind {
    /// The most characters a text of this kind may hold.
    pub const fn max_chars(self) -> usize {
        match self {
            Self::Name | Self::CustomerName => limits::NAME_CHARS,
            Self::Email => limits::EMAIL_CHARS,
            Self::PersonName => limits::PERSON_NAME_CHARS,
            Self::Password => limits::PASSWORD_CHARS,
            Self::MoldNumber => limits::MOLD_NUMBER_CHARS,
            Self::Note => limits::NOTE_CHARS,
            Self::Comment => limits::COMMENT_CHARS,
            Self::Reason => limits::REASON_CHARS,
            Self::Search => limits::SEARCH_CHARS,
            Self::ExternalId => limits::EXTERNAL_ID_CHARS,
        }
    }

    /// One-line texts refuse every control character; the others allow
    /// line breaks and tabs.
    const fn one_line(self) -> bool {
        !matches!(self, Self::Note | Self::Comment | Self::Reason)
    }
}

/// A character that turns the text around it: bidirectional embeddings,
/// overrides, isolates and marks (Trojan-Source reordering, a file name
/// that reads `gpj.exe` as `exe.jpg`). Refused in every text.
pub fn turns_text(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A character that takes no room or hides: zero-width spaces and joiners,
/// invisible operators, a BOM inside a text, soft hyphens, tag characters
/// and their like, and the line and paragraph separators that break a
/// one-line text. Refused in one-line texts (names, ids, e-mails); a note
/// may hold the zero-width joiners an emoji or a script needs.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    ) || turns_text(c)
}

/// What is wrong with a text, or `None`.
pub fn problem(text: &str, kind: TextKind) -> Option<String> {
    if text.contains('\0') {
        return Some("must not contain a NUL character".to_owned());
    }
    // A password is a secret, not a text shown to anyone: any character goes.
    let hidden = |c: char| match kind {
        TextKind::Password => false,
        _ if kind.one_line() => is_invisible(c),
        // The joiners an emoji or a script needs stay in a note.
        _ => turns_text(c) || (is_invisible(c) && !matches!(c, '\u{200C}' | '\u{200D}')),
    };
    if let Some(c) = text.chars().find(|c| hidden(*c)) {
        return Some(format!(
            "must not contain invisible or direction-changing characters (U+{:04X})",
            u32::from(c)
        ));
    }
    if kind.one_line() && text.chars().any(char::is_control) {
        return Some("must be one line without control characters".to_owned());
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Some("must not contain control characters".to_owned());
    }
    let max = kind.max_chars();
    // Count no further than needed: a 10 MB text costs as little as a short one.
    if text.trim().chars().nth(max).is_some() {
        return Some(format!("must be at most {max} characters"));
    }
    None
}

/// A required text, trimmed; every problem recorded under `field`.
pub fn required(p: &mut Problems, field: &str, text: &str, kind: TextKind) -> String {
    if let Some(why) = problem(text, kind) {
        p.add(field, why);
    } else if text.trim().is_empty() {
        p.add(field, "is required");
    }
    text.trim().to_owned()
}

/// An optional text, trimmed; empty counts as absent.
pub fn optional(p: &mut Problems, field: &str, text: Option<&str>, kind: TextKind) -> Option<String> {
    let text = text?;
    if let Some(why) = problem(text, kind) {
        p.add(field, why);
        return None;
    }
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// A cell as a spreadsheet export writes it: a text Excel or LibreOffice
/// would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) behind an apostrophe, which the spreadsheet shows as
/// text and does not print; any other text as it is. Numbers are written
/// as numbers, never through this.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// At most `chars` characters of `text`, with "…" when it was longer (a phone's one line).
pub fn shorten(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shortened_on_characters() {
        assert_eq!(shorten("跟进华为模具报价", 4), "跟进华为…");
        assert_eq!(shorten("跟进", 4), "跟进");
    }

    #[test]
    fn the_limit_is_inclusive_and_counted_in_characters() {
        assert_eq!(problem(&"模".repeat(200), TextKind::Name), None);
        assert!(problem(&"模".repeat(201), TextKind::Name).is_some());
        assert!(problem(&"x".repeat(50_000), TextKind::Search).is_some());
    }

    #[test]
    fn nul_and_control_characters_are_refused() {
        assert!(problem("a\0b", TextKind::Note).is_some());
        assert!(problem("a\0b", TextKind::Email).is_some());
        assert!(problem("line\nbreak", TextKind::Name).is_some());
        assert_eq!(problem("line\nbreak", TextKind::Note), None);
        assert!(problem("bell\u{7}", TextKind::Note).is_some());
    }

    #[test]
    fn direction_overrides_and_zero_width_characters_are_refused_everywhere() {
        for bad in ["abc\u{202E}gpj.exe", "\u{2066}x", "华\u{200B}为", "x\u{FEFF}", "\u{200F}"] {
            for kind in [TextKind::CustomerName, TextKind::ExternalId, TextKind::Note, TextKind::Reason] {
                let why = problem(bad, kind).unwrap_or_default();
                assert!(why.contains("invisible or direction-changing"), "{bad:?} {kind:?}: {why}");
            }
        }
        // What a Chinese or Arabic name needs is not touched.
        assert_eq!(problem("华为技术有限公司", TextKind::CustomerName), None);
        assert_eq!(problem("شركة", TextKind::CustomerName), None);
        // A note keeps an emoji's joiner; a name does not; a password takes anything.
        assert_eq!(problem("辛苦了 👨\u{200D}💻", TextKind::Note), None);
        assert!(problem("x\u{200D}", TextKind::Name).is_some());
        assert!(problem("a\u{2028}b", TextKind::Name).is_some());
        assert!(problem("x\u{E0041}", TextKind::ExternalId).is_some());
        assert_eq!(problem("pass\u{200B}word\u{202E}", TextKind::Password), None);
    }

    #[test]
    fn formulas_are_neutralised_in_spreadsheet_cells_and_nothing_else_is() {
        for formula in ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_cell(formula), format!("'{formula}"));
        }
        for plain in ["华为", "O-1", "1.5", "", "a=b"] {
            assert_eq!(spreadsheet_cell(plain), plain);
        }
    }

    #[test]
    fn required_and_optional_trim() {
        let mut p = Problems::new();
        assert_eq!(required(&mut p, "f", "  x  ", TextKind::Name), "x");
        assert_eq!(optional(&mut p, "g", Some("   "), TextKind::Reason), None);
        assert!(p.is_empty());
        required(&mut p, "f", "   ", TextKind::Name);
        assert!(!p.is_empty());
    }
}

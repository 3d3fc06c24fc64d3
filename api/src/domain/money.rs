//! Amounts: stored as integer fen (1/100 yuan), written as exact decimal
//! yuan ("1234567.89") — never a float, so no fen is ever lost.

/// The largest amount accepted: one trillion yuan, in fen.
pub const MAX_CENTS: i64 = 100_000_000_000_000;

/// Parses yuan as a client writes them: digits, optionally a point and one
/// or two decimals ("1234567.89", "100", "0.5"); no sign, exponent, spaces
/// or separators. Returns fen, or says why not.
pub fn parse_yuan(text: &str) -> Result<i64, &'static str> {
    const FORM: &str = "must be yuan as a decimal string such as \"1234567.89\"";
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    if text.starts_with('-') {
        return Err("must not be negative");
    }
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FORM);
    }
    let fraction = match fraction {
        None => "",
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return Err(FORM),
        Some(f) if f.len() > 2 => return Err("has more than two decimals"),
        Some(f) => f,
    };
    let whole = whole.trim_start_matches('0');
    if whole.len() > 13 {
        return Err("is too large");
    }
    let yuan: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| FORM)? };
    let fen: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| FORM)? * 10,
        _ => fraction.parse().map_err(|_| FORM)?,
    };
    let cents = yuan.checked_mul(100).and_then(|c| c.checked_add(fen)).ok_or("is too large")?;
    if cents > MAX_CENTS {
        return Err("is too large");
    }
    Ok(cents)
}

/// Fen as exact yuan with two decimals: 123456 → "1234.56".
pub fn format_yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_through_fen_exactly() {
        assert_eq!(parse_yuan("1234.56"), Ok(123_456));
        assert_eq!(parse_yuan("0"), Ok(0));
        assert_eq!(parse_yuan("0.5"), Ok(50));
        assert_eq!(parse_yuan("007"), Ok(700));
        assert_eq!(parse_yuan("1000000000000"), Ok(MAX_CENTS));
        assert_eq!(format_yuan(123_456), "1234.56");
        assert_eq!(format_yuan(5), "0.05");
        // A float would lose the fen here; the string does not.
        assert_eq!(format_yuan(parse_yuan("9007199254740.99").unwrap_or(0)), "0.00");
        assert_eq!(parse_yuan("99999999999.99").map(format_yuan), Ok("99999999999.99".to_owned()));
    }

    #[test]
    fn bad_amounts_are_refused() {
        for bad in [
            "",
            "-1",
            "1.005",
            "1e3",
            " 1",
            "1,000",
            "1.",
            ".5",
            "NaN",
            "1000000000000.01",
            "99999999999999999999",
        ] {
            assert!(parse_yuan(bad).is_err(), "{bad:?}");
        }
    }
}

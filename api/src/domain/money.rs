//! Amounts: stored as integer fen (1/100 yuan), written as exact decimal
//! yuan ("1234567.89") — never a float, so no fen is ever lost.

/// The largest amount anyone enters — a deal, a forecast, a target, an
/// ERP record: 10 billion yuan, in fen (the ERP's own limit). Sums of
/// bounded amounts are taken with [`add`] and `store::money_sum`, which
/// cannot fail however many rows they add.
pub const MAX_CENTS: i64 = 1_000_000_000_000;

/// What an amount over [`MAX_CENTS`] is told.
pub const TOO_LARGE: &str = "is more than 10,000,000,000 yuan";

/// Adds two sums of money: exact while the total fits 64 bits, the
/// largest sum that does beyond (the answer `store::money_sum` gives in SQL).
pub fn add(a: i64, b: i64) -> i64 {
    a.saturating_add(b)
}

/// Σ of sums of money, by [`add`].
pub fn total(amounts: impl IntoIterator<Item = i64>) -> i64 {
    amounts.into_iter().fold(0, add)
}

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
        return Err(TOO_LARGE);
    }
    let yuan: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| FORM)? };
    let fen: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| FORM)? * 10,
        _ => fraction.parse().map_err(|_| FORM)?,
    };
    let cents = yuan.checked_mul(100).and_then(|c| c.checked_add(fen)).ok_or(TOO_LARGE)?;
    if cents > MAX_CENTS {
        return Err(TOO_LARGE);
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
        assert_eq!(parse_yuan("10000000000"), Ok(MAX_CENTS));
        assert_eq!(parse_yuan("10000000000.01"), Err(TOO_LARGE));
        assert_eq!(parse_yuan("1000000000000"), Err(TOO_LARGE));
        assert_eq!(format_yuan(123_456), "1234.56");
        assert_eq!(format_yuan(5), "0.05");
        // A float would lose the fen here; the string does not.
        assert_eq!(parse_yuan("9999999999.99").map(format_yuan), Ok("9999999999.99".to_owned()));
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

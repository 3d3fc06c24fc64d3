//! Amounts: stored as integer fen (1/100 yuan), shown as yuan.

/// The largest amount accepted: one trillion yuan.
pub const MAX_YUAN: f64 = 1e12;

/// Converts a client's yuan amount into fen, or says why it cannot.
pub fn yuan_to_cents(yuan: f64) -> Result<i64, &'static str> {
    if !yuan.is_finite() {
        return Err("must be a number");
    }
    if yuan < 0.0 {
        return Err("must not be negative");
    }
    if yuan > MAX_YUAN {
        return Err("is too large");
    }
    let cents = (yuan * 100.0).round();
    if ((yuan * 100.0) - cents).abs() > 1e-6 {
        return Err("has more than two decimals");
    }
    Ok(cents as i64)
}

/// Fen to yuan for display.
pub fn cents_to_yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_through_fen() {
        assert_eq!(yuan_to_cents(1234.56), Ok(123456));
        assert_eq!(yuan_to_cents(0.0), Ok(0));
        assert_eq!(cents_to_yuan(123456), 1234.56);
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert!(yuan_to_cents(-1.0).is_err());
        assert!(yuan_to_cents(f64::NAN).is_err());
        assert!(yuan_to_cents(1.005).is_err());
        assert!(yuan_to_cents(2e12).is_err());
    }
}

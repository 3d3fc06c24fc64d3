//! Refresh tokens: 32 random bytes from the operating system, sent as
//! `spr_` + URL-safe base64 (47 characters), kept only as their SHA-256.

use base64::Engine as _;

const PREFIX: &str = "spr_";

/// A new refresh token and the digest to store.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let token = format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let d = digest(&token);
    (token, d)
}

/// The digest a token is stored and looked up by (hex SHA-256).
pub fn digest(token: &str) -> String {
    sha256_hex(token)
}

/// The SHA-256 of `text`, lower-case hex (also the key of a persisted query).
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a text has the shape of one of our refresh tokens.
pub fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_well_formed_and_stored_by_digest() {
        let (a, da) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(well_formed(&a));
        assert_eq!(a.len(), 47);
        assert_eq!(da, digest(&a));
        assert_eq!(da.len(), 64);
        assert!(!well_formed("spr_short"));
        assert!(!well_formed(&a.replace("spr_", "xyz_")));
    }
}

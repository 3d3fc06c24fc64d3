//! HS256 JWTs. Validation pins the algorithm and requires `exp`, `iss`,
//! `aud` and `sub`; `exp` and `nbf` are checked against our [`Clock`]
//! (crate::clock), not the library's own reading of the system time.

use crate::config::{JWT_AUDIENCE, JWT_ISSUER};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Seconds of tolerance for clock skew between servers: a token is
/// accepted until `exp` + this, over HTTP and on a socket alike (the
/// socket closes then, never before HTTP stops taking the token).
pub const LEEWAY_SECONDS: i64 = 30;

/// The first instant (Unix seconds) a token expiring at `exp` is refused.
pub fn refused_from(exp: i64) -> i64 {
    exp.saturating_add(LEEWAY_SECONDS)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// The user's token generation when it was issued (see `user.token_generation`).
    #[serde(default)]
    pub generation: i32,
    /// The session (login) it belongs to: ending the session refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<i64>,
}

/// Signing and verification keys plus the token lifetime.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl Keys {
    pub fn new(secret: &[u8], ttl_minutes: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl: Duration::minutes(ttl_minutes),
        }
    }

    /// Issues a token for `user_id` valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user_id: i64,
        role: Role,
        generation: i32,
        session_id: i64,
        now: DateTime<Utc>,
    ) -> AppResult<(String, DateTime<Utc>)> {
        let exp = now + self.ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: exp.timestamp(),
            iss: JWT_ISSUER.to_owned(),
            aud: JWT_AUDIENCE.to_owned(),
            generation,
            sid: Some(session_id),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)?;
        Ok((token, exp))
    }

    /// Verifies a token and returns the user id it names.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> AppResult<Claims> {
        let refused = |why: &str| AppError::Unauthenticated(format!("invalid token: {why}"));
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[JWT_ISSUER]);
        validation.set_audience(&[JWT_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Time is checked below against the service clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::InvalidAudience => refused("wrong audience"),
                ErrorKind::InvalidIssuer => refused("wrong issuer"),
                ErrorKind::InvalidAlgorithm => refused("algorithm not accepted"),
                ErrorKind::InvalidSignature => refused("bad signature"),
                ErrorKind::MissingRequiredClaim(c) => refused(&format!("missing claim {c}")),
                _ => refused("malformed"),
            }
        })?;
        let claims = data.claims;
        let t = now.timestamp();
        if t >= refused_from(claims.exp) {
            return Err(AppError::Unauthenticated("token expired".to_owned()));
        }
        if claims.nbf > t + LEEWAY_SECONDS {
            return Err(refused("not valid yet"));
        }
        Ok(claims)
    }
}

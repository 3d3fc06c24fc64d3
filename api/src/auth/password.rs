//! Argon2id password hashing, run off the async threads.

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// Hashes a password (blocking; call through [`hash_async`] from async code).
pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// True when `password` matches the PHC string `stored`.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub async fn hash_async(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(AppError::internal)?
}

pub async fn verify_async(password: String, stored: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || verify(&password, &stored))
        .await
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = super::hash("demo-password").unwrap();
        assert!(super::verify("demo-password", &h));
        assert!(!super::verify("demo-passwore", &h));
        assert!(!super::verify("demo-password", "not a hash"));
    }
}

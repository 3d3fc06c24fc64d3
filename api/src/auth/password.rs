//! Argon2id password hashing, run off the async threads with bounded
//! concurrency: a burst of logins queues for the [`Hasher`] instead of
//! running dozens of 19 MiB hashes at once (memory) and starving every
//! other request of the CPU (latency).

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Hashes a password (blocking; call through [`hash_async`] or a [`Hasher`] from async code).
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

/// Runs password hashing on at most `concurrency` blocking threads; at most
/// `queue` callers wait, the rest are told to come back.
pub struct Hasher {
    permits: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

/// One caller in the queue; leaves it when dropped (also when the caller gives up).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The hasher's queue is full.
#[derive(Debug)]
pub struct Busy;

impl Hasher {
    pub fn new(concurrency: usize, queue: usize) -> Self {
        Self {
            permits: Semaphore::new(concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// Verifies `password` against `stored` when a hashing slot is free.
    pub async fn verify(&self, password: String, stored: String) -> AppResult<Result<bool, Busy>> {
        self.run(move || Ok(verify(&password, &stored))).await
    }

    /// Hashes a new password when a hashing slot is free.
    pub async fn hash(&self, password: String) -> AppResult<Result<String, Busy>> {
        self.run(move || hash(&password)).await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<Result<T, Busy>> {
        let waiting = Waiting(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            return Ok(Err(Busy));
        }
        let permit = self.permits.acquire().await;
        drop(waiting);
        let _permit = permit.map_err(AppError::internal)?;
        let done = tokio::task::spawn_blocking(work).await.map_err(AppError::internal)??;
        Ok(Ok(done))
    }
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

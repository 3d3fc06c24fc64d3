//! Failed logins, counted per account (the e-mail) and per client address.
//!
//! The first few failures are free; after that each further attempt has
//! to wait a doubling delay after the last failure (backoff), and past a
//! higher count the key is locked for a while. A success clears the
//! account's count (not the address's: one right guess does not buy an
//! address more guesses at other accounts). Time comes from the service
//! clock. The table is bounded: when full, stale keys are dropped first.
//!
//! One process keeps its own table; behind a load balancer each node
//! throttles on its own (a guesser spread over N nodes gets N times the
//! budget, still a tiny fraction of what no throttle allows).

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed with no delay.
    pub free: u32,
    /// At this many failures the key is locked for `lock`.
    pub lock_at: u32,
    /// How long a lock lasts.
    pub lock: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

/// Per account: 5 free, then 1 s, 2 s, 4 s… and a 15-minute lock at 10.
pub const ACCOUNT: Policy = Policy {
    free: 5,
    lock_at: 10,
    lock: Duration::minutes(15),
    window: Duration::minutes(15),
};

/// Per client address (an office behind one NAT shares it): 20 free, lock at 100.
pub const ADDRESS: Policy = Policy {
    free: 20,
    lock_at: 100,
    lock: Duration::minutes(15),
    window: Duration::minutes(15),
};

/// Most keys remembered at once.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: DateTime<Utc>,
}

impl Entry {
    /// When the next attempt may come, or `None` when it may come now.
    fn next_allowed(&self, p: &Policy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if now - self.last_failure >= p.window && self.failures < p.lock_at {
            return None;
        }
        let at = if self.failures >= p.lock_at {
            self.last_failure + p.lock
        } else if self.failures >= p.free {
            let exp = (self.failures - p.free).min(10);
            self.last_failure + Duration::seconds(1_i64 << exp)
        } else {
            return None;
        };
        (at > now).then_some(at)
    }
}

/// The table of failed logins.
#[derive(Default)]
pub struct LoginThrottle {
    keys: Mutex<HashMap<String, Entry>>,
}

/// A refused attempt: when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAt(pub DateTime<Utc>);

fn account_key(email: &str) -> String {
    format!("a:{}", email.trim().to_lowercase())
}

fn address_key(address: Option<std::net::IpAddr>) -> Option<String> {
    address.map(|a| format!("i:{a}"))
}

impl LoginThrottle {
    fn policy(key: &str) -> &'static Policy {
        if key.starts_with("a:") { &ACCOUNT } else { &ADDRESS }
    }

    /// Refuses the attempt while the account or the address must wait.
    pub fn check(&self, email: &str, address: Option<std::net::IpAddr>, now: DateTime<Utc>) -> Result<(), RetryAt> {
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let latest = [Some(account_key(email)), address_key(address)]
            .into_iter()
            .flatten()
            .filter_map(|k| keys.get(&k).and_then(|e| e.next_allowed(Self::policy(&k), now)))
            .max();
        match latest {
            Some(at) => Err(RetryAt(at)),
            None => Ok(()),
        }
    }

    /// Counts a failure against the account and the address.
    pub fn failed(&self, email: &str, address: Option<std::net::IpAddr>, now: DateTime<Utc>) {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if keys.len() >= MAX_KEYS {
            keys.retain(|k, e| now - e.last_failure < Self::policy(k).window.max(Self::policy(k).lock));
            if keys.len() >= MAX_KEYS {
                keys.clear();
            }
        }
        for key in [Some(account_key(email)), address_key(address)].into_iter().flatten() {
            let policy = Self::policy(&key);
            let e = keys.entry(key).or_insert(Entry {
                failures: 0,
                last_failure: now,
            });
            if now - e.last_failure >= policy.window && e.failures < policy.lock_at
                || e.failures >= policy.lock_at && now - e.last_failure >= policy.lock
            {
                e.failures = 0;
            }
            e.failures += 1;
            e.last_failure = now;
        }
    }

    /// A success clears the account.
    pub fn succeeded(&self, email: &str) {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        keys.remove(&account_key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap_or_default()
    }

    #[test]
    fn five_failures_are_free_then_the_delay_doubles_then_the_account_locks() {
        let th = LoginThrottle::default();
        for i in 0..5 {
            assert_eq!(th.check("A@x", None, t(i)), Ok(()));
            th.failed("a@x", None, t(i));
        }
        // 6th attempt right away: wait 1 s after the 5th failure.
        assert_eq!(th.check("a@x", None, t(4)), Err(RetryAt(t(5))));
        assert_eq!(th.check("a@x", None, t(5)), Ok(()));
        th.failed("a@x", None, t(5));
        assert_eq!(th.check("a@x", None, t(6)), Err(RetryAt(t(7))));
        let mut now = 7;
        for _ in 6..10 {
            while th.check("a@x", None, t(now)).is_err() {
                now += 1;
            }
            th.failed("a@x", None, t(now));
        }
        // 10 failures: locked 15 minutes from the last one.
        assert_eq!(th.check("a@x", None, t(now + 60)), Err(RetryAt(t(now + 900))));
        assert_eq!(th.check("a@x", None, t(now + 900)), Ok(()));
    }

    #[test]
    fn a_success_clears_the_account_not_the_address() {
        let th = LoginThrottle::default();
        let ip = Some("10.0.0.1".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])));
        for i in 0..25 {
            th.failed(&format!("u{i}@x"), ip, t(0));
        }
        assert!(th.check("someone@x", ip, t(0)).is_err(), "the address is slowed down");
        assert!(th.check("someone@x", None, t(0)).is_ok());
        th.failed("b@x", None, t(0));
        th.succeeded("B@x");
        assert!(th.check("b@x", None, t(0)).is_ok());
    }
}

//! Authentication and scope: JWTs, password hashing, and the [`Viewer`]
//! every query is answered for.

pub mod cache;
pub mod jwt;
pub mod password;
pub mod refresh;
pub mod throttle;
mod viewer;

pub use viewer::{Auth, Scope, Viewer};

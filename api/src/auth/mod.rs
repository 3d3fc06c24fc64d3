//! Authentication and scope: JWTs, password hashing, and the [`Viewer`]
//! every query is answered for.

pub mod jwt;
pub mod password;
mod viewer;

pub use viewer::{Auth, Scope, Viewer};

//! Use cases. Each opens at most one transaction, asks `domain` for the
//! decisions and `store` for the I/O.

pub mod alerts;
pub mod auth;
pub mod opportunities;
pub mod settings;
pub mod users;

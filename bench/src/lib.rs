//! The benchmarks of salespulse and their load generators: a workspace
//! member of its own, never a dependency of the server. Each module
//! writes a company (or reuses one), serves it with the real `api`, loads
//! it over real HTTP or WebSocket, and sets the figures beside the raw SQL
//! of the same work. `salespulse-bench --help` lists them.

pub mod board;
pub mod health;
pub mod http;
pub mod meetings;
pub mod scan;
pub mod ws;

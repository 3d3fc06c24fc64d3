//! Integration tests: the real server on port 0, a fresh database per
//! test (SQLite by default, PostgreSQL when `SALESPULSE_TEST_DATABASE_URL`
//! is set), spoken to over HTTP and WebSocket as a client would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod alerts;
mod architecture;
mod attacks;
mod auth;
mod baseline;
mod board;
mod branches;
mod clients;
mod differential;
mod erp;
mod forecast;
mod freshness;
mod funnel_alerts;
mod funnel_review;
mod graphiql;
mod health;
mod helpers;
mod http;
mod jobs;
mod meetings;
mod money;
mod opportunities;
mod organisation;
mod schema;
mod scope;
mod scope_matrix;
mod secured;
mod seed;
mod settings;
mod start;
mod subscriptions;
mod tour;
mod websocket;

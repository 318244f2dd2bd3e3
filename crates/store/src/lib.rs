//! Durable storage for Qyzmet: requests with their engine state, history, attachments,
//! signatures, notifications and questionnaire answers; users and organisations.
//!
//! One [`Store`] type runs on SQLite (the default: one embedded file, WAL) or on PostgreSQL
//! (for scale), chosen by the URL given to [`Store::open`]; the schema is migrated on open
//! (`migrations/sqlite`, `migrations/postgres`, embedded in the binary).
//!
//! Guarantees:
//! - every operation is one transaction: it happens whole or not at all;
//! - a request's registration number `<PROVIDER-CODE>-<YYYY>-<NNNNNN>` comes from a per-provider,
//!   per-year counter incremented in the registering transaction: unique, sequential, no gaps;
//! - a submission's idempotency key maps to its first request: a replay writes nothing;
//! - an update names the revision it was based on; a stale one is a conflict and writes nothing;
//! - history is append-only (the databases refuse UPDATE and DELETE of its rows);
//! - a committed request survives the process being killed (see the SQLite settings in
//!   `Store::open_with`).
//!
//! The store keeps the engine's state and events as JSON it does not interpret; checking who may
//! read or change what is the caller's (the API's) job, but the lookups are scoped: by
//! recipient, by provider, by the user a notice is for.

mod checkpointer;
mod error;
mod model;
mod registrar;
mod store;

pub use error::StoreError;
pub use model::*;
pub use store::{Backend, Store, StoreOptions};

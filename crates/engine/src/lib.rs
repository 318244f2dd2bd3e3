//! The engine that runs any regulation: a request moves through its channel's action table —
//! system steps at once, people and outside systems awaited, conditions turned into refusals,
//! deadlines put on the working-day calendar, every step kept in the history.
//!
//! No service is named here: everything comes from the regulation's definition file.

mod performer;
mod run;
mod sla;
mod state;
mod status;

pub use performer::{done_at_submission, performer, submitter_side, Performer};
pub use run::{Engine, EngineError, Input, Waiting};
pub use sla::{breach, ActionSla, Breach, Sla, StatusKey};
pub use state::*;
pub use status::status_name;

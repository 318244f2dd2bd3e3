//! The pure domain core of Qyzmet.
//!
//! Everything here is a function of its inputs: no clock, no database, no network, no file
//! system. Time comes in as an argument, files come in as text. That keeps the rules of the
//! regulations testable on their own and usable by every participant alike.

pub mod calendar;
pub mod deadline;
pub mod id;
pub mod regulation;
pub mod text;

pub use text::{Lang, Text};

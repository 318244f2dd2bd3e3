//! One module per subcommand.

pub mod calendar;
pub mod id;
pub mod regulations;
pub mod serve;

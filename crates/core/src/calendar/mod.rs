//! The Kazakh working-day calendar. (Being written.)

mod hours;

pub use hours::WorkingHours;

//! The platform's own page: the start page of a node.

pub mod home;

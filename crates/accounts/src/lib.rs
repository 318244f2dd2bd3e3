//! People and access.
//!
//! Recipients log in with their IIN (a person) or BIN (an organisation) and a password; staff
//! of a provider (employee, authorised signer, head) and of a CSC (operator), administrators
//! and monitors log in with their login name. Passwords are kept only as argon2id hashes;
//! session tokens only as SHA-256 digests. [`policy`] decides every read and write: a recipient
//! sees only their own requests, staff only their organisation's.

pub mod login;
pub mod password;
pub mod policy;
pub mod token;

pub use login::Login;
pub use policy::{Denied, Principal, RequestScope, Role};

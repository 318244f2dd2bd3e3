//! The HTTP conventions every participant's API follows, in one place:
//!
//! - [`ApiError`]: a stable code and a kk/ru/en message (with per-field details where a form is
//!   wrong); handlers return it with `?`, and the [`localize`] layer writes it in the language
//!   the person chose (`?lang=`, then `Accept-Language`; English otherwise).
//! - [`Body`]: a JSON body whose malformed JSON, wrong types and unknown fields are such errors.
//! - [`Session`]: the person behind a bearer token, with their [`Principal`] for the access policy;
//!   [`sessions::router`] logs in (IIN/BIN or staff login + password, argon2) and out.
//! - [`openapi`]: the document that describes the platform's API.

mod body;
mod error;
pub mod inbox;
mod lang;
pub mod openapi;
pub mod requests;
mod session;
pub mod sessions;

pub use body::Body;
pub use error::{localize, ApiError};
pub use lang::{accepted, lang_of, Language};
pub use qyzmet_accounts::Principal;
pub use requests::{denied, readable, view};
pub use session::{principal_of, unauthenticated, Session};

//! The store's errors, each with a stable code.

use crate::model::RequestId;

/// Why a storage operation failed. Whatever the error, the operation wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} `{key}`")]
    NotFound { what: &'static str, key: String },
    #[error(
        "request {request} was changed by someone else (expected revision {expected}, it is at {actual}); reload and retry"
    )]
    Conflict {
        request: RequestId,
        expected: i64,
        actual: i64,
    },
    #[error("the login `{0}` is taken")]
    DuplicateLogin(String),
    #[error("an organisation with the code `{0}` exists")]
    DuplicateOrganisation(String),
    #[error("the questionnaire of request {0} is already answered")]
    AlreadyAnswered(RequestId),
    #[error("the attachment `{name}` has {size} bytes; the limit is {limit}")]
    TooLarge { name: String, size: u64, limit: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error("a stored value cannot be read back: {0}")]
    Corrupt(String),
    #[error("unsupported database URL `{0}` (expected sqlite:… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the store is shutting down; nothing was written")]
    Stopped,
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A stable code, for front ends to translate.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "store.not_found",
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::DuplicateLogin(_) => "store.duplicate_login",
            StoreError::DuplicateOrganisation(_) => "store.duplicate_organisation",
            StoreError::AlreadyAnswered(_) => "store.already_answered",
            StoreError::TooLarge { .. } => "store.too_large",
            StoreError::Invalid(_) => "store.invalid",
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::UnsupportedUrl(_) => "store.unsupported_url",
            StoreError::Database(_) => "store.database",
            StoreError::Stopped => "store.stopped",
            StoreError::Migration(_) => "store.migration",
        }
    }

    pub(crate) fn not_found(what: &'static str, key: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }
}

/// Whether a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

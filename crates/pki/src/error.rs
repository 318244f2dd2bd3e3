//! Errors of the PKI. Each says what is wrong; none of them carries key material.

/// What went wrong in the PKI.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// Bytes that should be DER/PEM of a known structure are not.
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    /// A PKCS#12 key file did not open with this password.
    #[error("the key file does not open with this password")]
    WrongPassword,
    /// An algorithm the platform does not implement.
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The NCA has no certificate with this serial number.
    #[error("no certificate with serial number {0}")]
    UnknownCertificate(String),
    /// The certificate is already revoked.
    #[error("certificate {0} is already revoked")]
    AlreadyRevoked(String),
    /// A request the NCA refuses (bad profile data, bad validity).
    #[error("{0}")]
    Refused(String),
    /// The NCA's folder does not hold a CA, or holds a broken one.
    #[error("the NCA state in {dir}: {reason}")]
    State { dir: String, reason: String },
    /// A failure of the cryptographic library.
    #[error("cryptographic library: {0}")]
    Crypto(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl PkiError {
    pub(crate) fn malformed(what: &'static str, reason: impl ToString) -> Self {
        PkiError::Malformed {
            what,
            reason: reason.to_string(),
        }
    }
}

impl From<openssl::error::ErrorStack> for PkiError {
    fn from(e: openssl::error::ErrorStack) -> Self {
        PkiError::Crypto(e.to_string())
    }
}

pub type Result<T, E = PkiError> = std::result::Result<T, E>;

//! Revocation as the NCA records it and as CRLs and OCSP publish it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a certificate was revoked (RFC 5280 CRLReason; the code is the wire value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    PrivilegeWithdrawn,
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 8] = [
        RevocationReason::Unspecified,
        RevocationReason::KeyCompromise,
        RevocationReason::CaCompromise,
        RevocationReason::AffiliationChanged,
        RevocationReason::Superseded,
        RevocationReason::CessationOfOperation,
        RevocationReason::CertificateHold,
        RevocationReason::PrivilegeWithdrawn,
    ];

    /// The CRLReason enumeration value.
    pub fn code(self) -> u8 {
        match self {
            RevocationReason::Unspecified => 0,
            RevocationReason::KeyCompromise => 1,
            RevocationReason::CaCompromise => 2,
            RevocationReason::AffiliationChanged => 3,
            RevocationReason::Superseded => 4,
            RevocationReason::CessationOfOperation => 5,
            RevocationReason::CertificateHold => 6,
            RevocationReason::PrivilegeWithdrawn => 9,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The kebab-case name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "key-compromise",
            RevocationReason::CaCompromise => "ca-compromise",
            RevocationReason::AffiliationChanged => "affiliation-changed",
            RevocationReason::Superseded => "superseded",
            RevocationReason::CessationOfOperation => "cessation-of-operation",
            RevocationReason::CertificateHold => "certificate-hold",
            RevocationReason::PrivilegeWithdrawn => "privilege-withdrawn",
        }
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RevocationReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "unknown revocation reason `{s}`: use one of {}",
                    names.join(", ")
                )
            })
    }
}

/// One revoked certificate, as the NCA's registry and its CRL list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    /// Serial number bytes (big-endian, as in the certificate).
    pub serial: Vec<u8>,
    pub at: DateTime<Utc>,
    pub reason: RevocationReason,
}

/// What the NCA knows of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    Revoked {
        at: DateTime<Utc>,
        reason: RevocationReason,
    },
    /// Not issued by this CA.
    Unknown,
}

/// Where a revocation answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationSourceKind {
    Crl,
    Ocsp,
}

/// A revocation answer with its freshness: it may be cached until `next_update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationAnswer {
    pub status: CertStatus,
    pub source: RevocationSourceKind,
    /// When the CRL was issued (thisUpdate) or the OCSP answer produced.
    pub produced_at: DateTime<Utc>,
    /// Until when the answer is current; `None` when the source gives no bound.
    pub next_update: Option<DateTime<Utc>>,
}

/// Something that knows whether a certificate is revoked: a CRL, an OCSP responder, the NCA
/// itself when it runs in the same process.
pub trait RevocationSource: Send + Sync {
    /// The status of `cert`, issued by `issuer`, as known now. An `Err` means the source could
    /// not answer (unreachable, stale, badly signed): the verification is then indeterminate.
    fn status(
        &self,
        cert: &crate::Cert,
        issuer: &crate::Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String>;
}

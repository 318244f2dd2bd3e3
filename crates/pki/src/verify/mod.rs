//! Verification of CMS (CAdES-BES) signatures, with a report in the spirit of the EU DSS
//! simple report, a cache of known signers, and the mapping to the regulations' refusal
//! "e-signature not confirmed".
//!
//! # What is checked, in this order
//!
//! | check | failure reason |
//! |---|---|
//! | `format`: a DER CMS SignedData with one signer, signed attributes with content type and message digest | `FORMAT_FAILURE` |
//! | `algorithm`: a signature and digest algorithm the platform implements | `CRYPTO_CONSTRAINTS_FAILURE` |
//! | `signer-certificate`: the signer's certificate is in the message | `NO_SIGNING_CERTIFICATE_FOUND` |
//! | `signed-data`: the content is attached or given | `SIGNED_DATA_NOT_FOUND` |
//! | `message-digest`: the digest of the content equals the signed message digest | `HASH_FAILURE` |
//! | `signature-value`: the signature over the signed attributes | `SIG_CRYPTO_FAILURE` |
//! | `signing-certificate-attribute`: signing-certificate-v2 names this certificate | `NO_SIGNING_CERTIFICATE_FOUND` |
//! | `signing-time`: present, not later than `now` + skew, not older than the caller allows | `SIGNING_TIME_INVALID` |
//! | `chain`: a chain to a trust anchor, then one `chain-link` entry per issuer: its signature, its CA flags, its validity at signing time | `NO_CERTIFICATE_CHAIN_FOUND`, `CHAIN_CONSTRAINTS_FAILURE` |
//! | `signer-validity`: the signer's certificate valid at the signing time | `EXPIRED`, `NOT_YET_VALID` |
//! | `revocation`: the status from the revocation source (CRL or OCSP) | `REVOKED`, `REVOCATION_UNKNOWN` |
//! | `key-usage`: digitalSignature and nonRepudiation | `NOT_A_SIGNING_CERTIFICATE` |
//! | `role`, `iin`, `bin`: the caller's expectations | `ROLE_MISMATCH`, `IIN_MISMATCH`, `BIN_MISMATCH` |
//!
//! The overall indication is `failed` with the reason of the first failed check, else
//! `indeterminate` with the reason of the first indeterminate one, else `passed`. Following
//! DSS, a missing chain, a missing signed data and an unknown revocation status are
//! `indeterminate`; everything else that goes wrong is `failed`.
//!
//! # Time
//!
//! The certificates are checked at the signing time the signer claims (there is no time-stamp
//! in CAdES-BES), which must not be later than `now` plus a small skew (5 minutes by default).
//! Since the claim is the signer's own, a caller who receives fresh requests should bound how
//! old it may be with [`Expectation::max_signing_age`].
//!
//! # Revocation
//!
//! Only the signer's certificate is asked about (the CA certificates are trusted through the
//! chain; an authority revocation list is not read yet). Without a revocation source the
//! check is `indeterminate` (`REVOCATION_UNKNOWN`) unless the verifier was built with
//! [`Verifier::without_revocation_check`], which makes it `skipped`.
//!
//! The rule for a revoked signer: revoked at or before the signing time → `failed`
//! (`REVOKED`). Revoked after the signing time → `failed` too when the reason is
//! keyCompromise or cACompromise (the key may have been in other hands, and the signing time
//! is only the signer's claim), and `passed` otherwise, with the revocation told in the
//! detail: the certificate was valid when the signature was made (DSS's rule for a
//! revocation after the best signature time).
//!
//! # Cache
//!
//! Keyed by the SHA-256 of the signer certificate's DER, an entry holds the parsed verifying
//! key, the validated chain (once built; a failed chain is not cached since another message
//! may carry the missing intermediate), and the revocation answer until its `next_update`, or
//! for [`DEFAULT_REVOCATION_TTL`] when the source gives none (errors are not cached). The
//! cache holds at most `capacity` entries (1024 by default) and evicts the least recently
//! used. An entry also keeps how the signer's last message was written (see
//! `verify/quick.rs`): a next message written the same way is read by walking its DER by hand,
//! its certificates compared as bytes, and the report is the one the full parser would
//! give. A known signer then costs a hash of the content and of the signed attributes and
//! one public-key operation (`EVP_PKEY_verify` of the digest, with a context the key
//! keeps): the signature value.

mod quick;

use crate::algorithm::{sha256, SignatureAlgorithm, VerifyingKey, SHA256};
use crate::cert::{hex, Cert};
use crate::cms::{self, same_name, QuickMessage, SigningCertificateRef, ID_DATA};
use crate::profile::Role;
use crate::revocation::{
    CertStatus, RevocationAnswer, RevocationReason, RevocationSource, RevocationSourceKind,
};
use chrono::{DateTime, Duration, Utc};
use const_oid::ObjectIdentifier;
use der::Encode;
use quick::Layout;
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::Lang;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

/// How long a revocation answer without `next_update` is trusted.
pub const DEFAULT_REVOCATION_TTL: Duration = Duration::minutes(5);
/// How far in the future a signing time may be, for clocks that disagree.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::minutes(5);
/// How many signers the cache keeps.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;
const MAX_CHAIN_DEPTH: usize = 8;

/// The overall result, and each check's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Indication {
    Passed,
    Failed,
    Indeterminate,
}

/// A check's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckResult {
    Passed,
    Failed,
    Indeterminate,
    Skipped,
}

/// Why a signature is not `passed`: stable codes, DSS's where DSS has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    FormatFailure,
    CryptoConstraintsFailure,
    NoSigningCertificateFound,
    SignedDataNotFound,
    HashFailure,
    SigCryptoFailure,
    SigningTimeInvalid,
    NoCertificateChainFound,
    ChainConstraintsFailure,
    Expired,
    NotYetValid,
    Revoked,
    RevocationUnknown,
    NotASigningCertificate,
    RoleMismatch,
    IinMismatch,
    BinMismatch,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::FormatFailure => "FORMAT_FAILURE",
            Reason::CryptoConstraintsFailure => "CRYPTO_CONSTRAINTS_FAILURE",
            Reason::NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
            Reason::SignedDataNotFound => "SIGNED_DATA_NOT_FOUND",
            Reason::HashFailure => "HASH_FAILURE",
            Reason::SigCryptoFailure => "SIG_CRYPTO_FAILURE",
            Reason::SigningTimeInvalid => "SIGNING_TIME_INVALID",
            Reason::NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
            Reason::ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
            Reason::Expired => "EXPIRED",
            Reason::NotYetValid => "NOT_YET_VALID",
            Reason::Revoked => "REVOKED",
            Reason::RevocationUnknown => "REVOCATION_UNKNOWN",
            Reason::NotASigningCertificate => "NOT_A_SIGNING_CERTIFICATE",
            Reason::RoleMismatch => "ROLE_MISMATCH",
            Reason::IinMismatch => "IIN_MISMATCH",
            Reason::BinMismatch => "BIN_MISMATCH",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One check of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable name: `format`, `message-digest`, `chain-link`, `revocation`, …
    pub name: &'static str,
    pub result: CheckResult,
    /// Why it failed or was indeterminate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// What was found, in English, for people and logs.
    pub detail: Cow<'static, str>,
}

/// Who signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerSummary {
    pub common_name: Option<String>,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub organisation: Option<String>,
    pub subject: String,
    pub issuer: String,
    /// The certificate's serial number, lower-case hex.
    pub serial: String,
    pub roles: Vec<Role>,
    pub signing_time: Option<DateTime<Utc>>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub algorithm: Option<&'static str>,
}

/// The revocation answer the verification used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevocationInfo {
    pub source: RevocationSourceKind,
    /// `good`, `revoked` or `unknown`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RevocationReason>,
    pub produced_at: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    /// Whether the answer came from the verifier's cache.
    pub cached: bool,
}

/// The validation report: the overall indication and every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    pub indication: Indication,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// `CAdES-BES` when signing-certificate-v2 is present, `CMS` otherwise.
    pub format: Option<&'static str>,
    pub detached: Option<bool>,
    pub signer: Option<SignerSummary>,
    pub revocation: Option<RevocationInfo>,
    pub validation_time: DateTime<Utc>,
    /// Whether the signer's key, chain and revocation answer all came from the cache.
    pub cache_hit: bool,
    pub checks: Vec<Check>,
}

impl ValidationReport {
    pub fn passed(&self) -> bool {
        self.indication == Indication::Passed
    }

    /// The check named `name`, if it is in the report (the first one for `chain-link`).
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The refusal "e-signature not confirmed" with its specific reason, unless passed.
    pub fn refusal(&self) -> Option<SignatureRefusal> {
        if self.passed() {
            return None;
        }
        Some(match self.reason {
            None => SignatureRefusal::Malformed,
            Some(r) => SignatureRefusal::from_reason(r),
        })
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.indication {
            Indication::Passed => "PASSED",
            Indication::Failed => "FAILED",
            Indication::Indeterminate => "INDETERMINATE",
        };
        match self.reason {
            Some(r) => writeln!(f, "Signature: {word} ({r})")?,
            None => writeln!(f, "Signature: {word}")?,
        }
        if let Some(s) = &self.signer {
            writeln!(
                f,
                "Signer: {}",
                s.common_name.as_deref().unwrap_or(s.subject.as_str())
            )?;
            if let Some(iin) = &s.iin {
                writeln!(f, "  IIN: {iin}")?;
            }
            if let Some(bin) = &s.bin {
                let org = s.organisation.as_deref().unwrap_or("");
                writeln!(f, "  BIN: {bin} {org}")?;
            }
            if !s.roles.is_empty() {
                let roles: Vec<String> = s.roles.iter().map(|r| r.to_string()).collect();
                writeln!(f, "  roles: {}", roles.join(", "))?;
            }
            writeln!(f, "  certificate: #{} issued by {}", s.serial, s.issuer)?;
            writeln!(
                f,
                "  valid: {} .. {}",
                s.not_before.to_rfc3339(),
                s.not_after.to_rfc3339()
            )?;
            match s.signing_time {
                Some(t) => writeln!(f, "  signed at: {}", t.to_rfc3339())?,
                None => writeln!(f, "  signed at: (not stated)")?,
            }
        }
        if let Some(fmt_name) = self.format {
            let how = match self.detached {
                Some(true) => ", detached",
                Some(false) => ", attached",
                None => "",
            };
            writeln!(f, "Format: {fmt_name}{how}")?;
        }
        writeln!(f, "Checked at: {}", self.validation_time.to_rfc3339())?;
        for c in &self.checks {
            let r = match c.result {
                CheckResult::Passed => "passed",
                CheckResult::Failed => "FAILED",
                CheckResult::Indeterminate => "INDETERMINATE",
                CheckResult::Skipped => "skipped",
            };
            write!(f, "  [{r:>13}] {}: {}", c.name, c.detail)?;
            if let Some(reason) = c.reason {
                write!(f, " ({reason})")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The regulations' refusal "e-signature not confirmed", with its specific reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureRefusal {
    Expired,
    NotYetValid,
    Revoked,
    NotASigningCertificate,
    AnotherIin,
    AnotherBin,
    RoleMismatch,
    /// The message digest or the signature value does not match.
    BrokenSignature,
    /// No chain to a trusted NCA root, or a broken one.
    UnknownIssuer,
    RevocationUnknown,
    /// The signing time is missing, in the future or too old.
    SigningTime,
    /// Not a readable CMS, or missing what a CAdES-BES signature needs.
    Malformed,
}

impl SignatureRefusal {
    pub const ALL: [SignatureRefusal; 12] = [
        SignatureRefusal::Expired,
        SignatureRefusal::NotYetValid,
        SignatureRefusal::Revoked,
        SignatureRefusal::NotASigningCertificate,
        SignatureRefusal::AnotherIin,
        SignatureRefusal::AnotherBin,
        SignatureRefusal::RoleMismatch,
        SignatureRefusal::BrokenSignature,
        SignatureRefusal::UnknownIssuer,
        SignatureRefusal::RevocationUnknown,
        SignatureRefusal::SigningTime,
        SignatureRefusal::Malformed,
    ];

    pub fn from_reason(reason: Reason) -> Self {
        match reason {
            Reason::FormatFailure
            | Reason::CryptoConstraintsFailure
            | Reason::NoSigningCertificateFound
            | Reason::SignedDataNotFound => SignatureRefusal::Malformed,
            Reason::HashFailure | Reason::SigCryptoFailure => SignatureRefusal::BrokenSignature,
            Reason::SigningTimeInvalid => SignatureRefusal::SigningTime,
            Reason::NoCertificateChainFound | Reason::ChainConstraintsFailure => {
                SignatureRefusal::UnknownIssuer
            }
            Reason::Expired => SignatureRefusal::Expired,
            Reason::NotYetValid => SignatureRefusal::NotYetValid,
            Reason::Revoked => SignatureRefusal::Revoked,
            Reason::RevocationUnknown => SignatureRefusal::RevocationUnknown,
            Reason::NotASigningCertificate => SignatureRefusal::NotASigningCertificate,
            Reason::RoleMismatch => SignatureRefusal::RoleMismatch,
            Reason::IinMismatch => SignatureRefusal::AnotherIin,
            Reason::BinMismatch => SignatureRefusal::AnotherBin,
        }
    }

    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            SignatureRefusal::Expired => "signature-certificate-expired",
            SignatureRefusal::NotYetValid => "signature-certificate-not-yet-valid",
            SignatureRefusal::Revoked => "signature-certificate-revoked",
            SignatureRefusal::NotASigningCertificate => "signature-not-a-signing-certificate",
            SignatureRefusal::AnotherIin => "signature-another-iin",
            SignatureRefusal::AnotherBin => "signature-another-bin",
            SignatureRefusal::RoleMismatch => "signature-role-mismatch",
            SignatureRefusal::BrokenSignature => "signature-broken",
            SignatureRefusal::UnknownIssuer => "signature-unknown-issuer",
            SignatureRefusal::RevocationUnknown => "signature-revocation-unknown",
            SignatureRefusal::SigningTime => "signature-signing-time",
            SignatureRefusal::Malformed => "signature-malformed",
        }
    }

    /// The refusal's text for the person who signed.
    pub fn message(self, lang: Lang) -> String {
        let (kk, ru, en) = match self {
            SignatureRefusal::Expired => (
                "тіркеу куәлігінің қолданылу мерзімі өтті",
                "срок действия регистрационного свидетельства истёк",
                "the certificate has expired",
            ),
            SignatureRefusal::NotYetValid => (
                "тіркеу куәлігінің қолданылу мерзімі әлі басталған жоқ",
                "срок действия регистрационного свидетельства ещё не наступил",
                "the certificate is not yet valid",
            ),
            SignatureRefusal::Revoked => (
                "тіркеу куәлігі кері қайтарып алынған",
                "регистрационное свидетельство отозвано",
                "the certificate has been revoked",
            ),
            SignatureRefusal::NotASigningCertificate => (
                "тіркеу куәлігі қол қоюға арналмаған (бұл аутентификация кілті)",
                "регистрационное свидетельство не предназначено для подписи (это ключ аутентификации)",
                "the certificate is not a signing certificate (it is an authentication key)",
            ),
            SignatureRefusal::AnotherIin => (
                "тіркеу куәлігіндегі ЖСН өтініш берушінің ЖСН-імен сәйкес келмейді",
                "ИИН в регистрационном свидетельстве не совпадает с ИИН заявителя",
                "the IIN in the certificate is not the applicant's IIN",
            ),
            SignatureRefusal::AnotherBin => (
                "тіркеу куәлігіндегі БСН ұйымның БСН-імен сәйкес келмейді",
                "БИН в регистрационном свидетельстве не совпадает с БИН организации",
                "the BIN in the certificate is not the organisation's BIN",
            ),
            SignatureRefusal::RoleMismatch => (
                "тіркеу куәлігі басқа рөлге берілген",
                "регистрационное свидетельство выдано для другой роли",
                "the certificate was issued for another role",
            ),
            SignatureRefusal::BrokenSignature => (
                "қолтаңба қол қойылған деректерге сәйкес келмейді",
                "подпись не соответствует подписанным данным",
                "the signature does not match the signed data",
            ),
            SignatureRefusal::UnknownIssuer => (
                "тіркеу куәлігін сенімді куәландырушы орталық бермеген",
                "регистрационное свидетельство выдано не доверенным удостоверяющим центром",
                "the certificate was not issued by a trusted certification authority",
            ),
            SignatureRefusal::RevocationUnknown => (
                "тіркеу куәлігінің кері қайтарып алыну мәртебесін тексеру мүмкін болмады",
                "не удалось проверить, не отозвано ли регистрационное свидетельство",
                "the certificate's revocation status could not be checked",
            ),
            SignatureRefusal::SigningTime => (
                "қол қою уақыты көрсетілмеген немесе жарамсыз",
                "время подписания не указано или недопустимо",
                "the signing time is missing or not acceptable",
            ),
            SignatureRefusal::Malformed => (
                "қол қойылған құжат бүлінген немесе пішімі қате",
                "подписанный документ повреждён или имеет неверный формат",
                "the signed document is damaged or in a wrong format",
            ),
        };
        match lang {
            Lang::Kk => format!("ЭЦҚ расталмады: {kk}"),
            Lang::Ru => format!("ЭЦП не подтверждена: {ru}"),
            Lang::En => format!("E-signature not confirmed: {en}"),
        }
    }
}

impl fmt::Display for SignatureRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// What the caller expects of the signer (from the request being signed).
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// The IIN the signer's certificate must carry.
    pub iin: Option<Iin>,
    /// The BIN the signer's certificate must carry.
    pub bin: Option<Bin>,
    /// The roles accepted: the certificate must carry at least one (no check when empty).
    pub roles: Vec<Role>,
    /// How old the signing time may be relative to `now` (no bound when `None`).
    pub max_signing_age: Option<Duration>,
}

impl Expectation {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn iin(iin: Iin) -> Self {
        Expectation {
            iin: Some(iin),
            ..Self::default()
        }
    }
}

/// Counters of the verifier's work, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// Verifications whose signer was in the cache.
    pub hits: u64,
    pub misses: u64,
    /// Chains built (each costs a public-key operation per link).
    pub chain_builds: u64,
    /// Questions put to the revocation source.
    pub revocation_fetches: u64,
    pub entries: usize,
}

/// What the checks read from the signer's certificate: decoded once, then cached.
pub(super) struct SignerFacts {
    cert: Cert,
    key: VerifyingKey,
    /// The SHA-256 of the certificate's DER: the cache's key, and what signing-certificate-v2
    /// names.
    cert_hash: [u8; 32],
    /// The DER of the issuer's name (`None` if it did not encode).
    issuer_der: Option<Vec<u8>>,
    /// Without signing time and algorithm, which are the message's.
    summary: SignerSummary,
    is_signing: bool,
    /// `<subject> #<serial>`: the detail of the `signer-certificate` check.
    title: String,
    /// `valid <not before> .. <not after>`.
    period: String,
}

impl SignerFacts {
    fn new(der: &[u8]) -> crate::Result<Self> {
        let cert = Cert::from_der(der)?;
        let key = cert.verifying_key()?;
        let summary = summary(&cert);
        Ok(SignerFacts {
            cert_hash: sha256(der),
            issuer_der: cert.issuer().to_der().ok(),
            title: format!("{} #{}", summary.subject, summary.serial),
            period: format!(
                "valid {} .. {}",
                summary.not_before.to_rfc3339(),
                summary.not_after.to_rfc3339()
            ),
            summary,
            is_signing: cert.is_signing(),
            key,
            cert,
        })
    }
}

/// What the signing-certificate-v2 attribute says of the signer's certificate: it depends
/// only on the attribute and the certificate, so a known layout keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EssVerdict {
    Absent,
    UnsupportedHash(ObjectIdentifier),
    NamesTheSigner,
    NamesAnother,
}

impl EssVerdict {
    fn of(ess: Option<&SigningCertificateRef>, facts: &SignerFacts) -> Self {
        let Some(ess) = ess else {
            return EssVerdict::Absent;
        };
        if ess.hash_algorithm != SHA256 {
            return EssVerdict::UnsupportedHash(ess.hash_algorithm);
        }
        let hash_ok = ess.cert_hash == facts.cert_hash;
        let serial_ok = ess
            .serial
            .as_ref()
            .is_none_or(|s| s.as_slice() == facts.cert.tbs().serial_number.as_bytes());
        // Names compare by their DER (as `cms::same_name` does).
        let issuer_ok = ess
            .issuer
            .as_ref()
            .is_none_or(|i| matches!((i.to_der(), &facts.issuer_der), (Ok(a), Some(b)) if a == *b));
        if hash_ok && serial_ok && issuer_ok {
            EssVerdict::NamesTheSigner
        } else {
            EssVerdict::NamesAnother
        }
    }
}

/// What the checks after the signer's certificate read from the message, however it was
/// read (by the full parser, or as a known layout).
struct Signed<'a> {
    /// The attached content.
    content: Option<&'a [u8]>,
    message_digest: &'a [u8],
    signing_time: Option<DateTime<Utc>>,
    ess: EssVerdict,
    /// The signed attributes as the signature covers them (DER, tagged as a SET).
    signed_attrs: Cow<'a, [u8]>,
    signature: &'a [u8],
    /// The detail of a valid signature value, when known beforehand.
    signature_detail: Option<&'a str>,
}

/// The detail of a passed `signature-value` check.
pub(super) fn signature_detail(algorithm: &dyn SignatureAlgorithm) -> String {
    format!(
        "{} signature over the signed attributes is valid",
        algorithm.name()
    )
}

/// A quick hasher for the cache's keys (a SHA-256 or a signer-info head), in place of
/// SipHash: only signers with a valid chain are stored, so keys cannot be flooded.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One issuer of the chain, as the per-verification checks need it.
struct LinkFacts {
    /// "<issuer> signed <child>"
    name: String,
    /// The detail when every check of the link passes.
    passed: String,
    is_ca: bool,
    can_sign_certificates: bool,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

/// A chain whose links' signatures are verified: the certificates from the signer's to the
/// trust anchor's, and what the time-dependent checks read from each issuer.
pub(super) struct ChainFacts {
    certs: Vec<Cert>,
    links: Vec<LinkFacts>,
    /// The detail of the `chain` check.
    detail: String,
}

impl ChainFacts {
    fn new(certs: Vec<Cert>) -> Self {
        let name = |c: &Cert| c.common_name().unwrap_or_else(|| c.subject_string());
        let links = certs
            .windows(2)
            .map(|pair| {
                let (child, ca) = (&pair[0], &pair[1]);
                let name = format!("{} signed {}", name(ca), name(child));
                LinkFacts {
                    passed: format!("{name}: signature valid, a CA, valid at the signing time"),
                    name,
                    is_ca: ca.is_ca(),
                    can_sign_certificates: ca.key_usage().is_none_or(|ku| {
                        ku.0.contains(x509_cert::ext::pkix::KeyUsages::KeyCertSign)
                    }),
                    not_before: ca.not_before(),
                    not_after: ca.not_after(),
                }
            })
            .collect();
        let root = certs.last().map(|c| c.subject_string()).unwrap_or_default();
        ChainFacts {
            detail: format!(
                "{} certificate(s) up to the trusted root {root}",
                certs.len()
            ),
            certs,
            links,
        }
    }
}

/// A revocation answer kept until `until`, with the words the report says of its source.
pub(super) struct CachedRevocation {
    answer: RevocationAnswer,
    until: DateTime<Utc>,
    /// Where the answer came from: `CRL of <time>, next update <time>`.
    from: String,
    /// The detail of the check when the answer is `good`.
    good: String,
}

impl CachedRevocation {
    fn new(answer: RevocationAnswer, until: DateTime<Utc>) -> Self {
        let from = revocation_source_text(&answer);
        CachedRevocation {
            good: format!("not revoked ({from})"),
            from,
            answer,
            until,
        }
    }
}

#[derive(Clone)]
pub(super) struct CacheEntry {
    facts: Arc<SignerFacts>,
    chain: Option<Arc<ChainFacts>>,
    revocation: Option<Arc<CachedRevocation>>,
    /// How this signer's messages were last written, to read the next ones quickly.
    layout: Option<Arc<Layout>>,
    last_used: u64,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<[u8; 32], CacheEntry, BuildHasherDefault<KeyHasher>>,
    /// A known layout's signer-info head (version, signer identifier, digest algorithm) →
    /// the entry whose layout it is.
    by_signer: HashMap<Box<[u8]>, [u8; 32], BuildHasherDefault<KeyHasher>>,
    tick: u64,
    stats: CacheStats,
}

enum RevocationPolicy {
    /// No source: the check is indeterminate.
    Missing,
    /// The caller turned the check off: skipped.
    Disabled,
    Source(Arc<dyn RevocationSource>),
}

/// Verifies CMS signatures against trust anchors. Share one per process (it is `Sync`): its
/// cache makes the second verification of a signer cheap.
pub struct Verifier {
    anchors: Vec<Cert>,
    intermediates: Vec<Cert>,
    revocation: RevocationPolicy,
    revocation_ttl: Duration,
    clock_skew: Duration,
    capacity: usize,
    cache: Mutex<Cache>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("anchors", &self.anchors)
            .field("intermediates", &self.intermediates.len())
            .finish()
    }
}

impl Verifier {
    /// A verifier trusting these root certificates, with no revocation source yet.
    pub fn new(anchors: Vec<Cert>) -> Self {
        Verifier {
            anchors,
            intermediates: Vec::new(),
            revocation: RevocationPolicy::Missing,
            revocation_ttl: DEFAULT_REVOCATION_TTL,
            clock_skew: DEFAULT_CLOCK_SKEW,
            capacity: DEFAULT_CACHE_CAPACITY,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// Issuing CA certificates to build chains with, beside those the messages carry.
    pub fn with_intermediates(mut self, certs: Vec<Cert>) -> Self {
        self.intermediates = certs;
        self
    }

    pub fn with_revocation(mut self, source: Arc<dyn RevocationSource>) -> Self {
        self.revocation = RevocationPolicy::Source(source);
        self
    }

    /// Turn the revocation check off explicitly: it is then `skipped`, not `indeterminate`.
    pub fn without_revocation_check(mut self) -> Self {
        self.revocation = RevocationPolicy::Disabled;
        self
    }

    /// How long to keep a revocation answer that has no `next_update`.
    pub fn with_revocation_ttl(mut self, ttl: Duration) -> Self {
        self.revocation_ttl = ttl;
        self
    }

    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// How many signers the cache keeps (at least one).
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    pub fn cache_stats(&self) -> CacheStats {
        let cache = self.lock();
        CacheStats {
            entries: cache.entries.len(),
            ..cache.stats
        }
    }

    pub fn clear_cache(&self) {
        let mut cache = self.lock();
        cache.entries.clear();
        cache.by_signer.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic elsewhere while holding the lock leaves a usable cache (entries are
        // replaced whole), so a poisoned lock is taken over.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Verify a DER CMS SignedData. `detached_data` is the content when the signature is
    /// detached; when given for an attached signature, it is what the digest is checked
    /// against. `now` is the time of the check.
    pub fn verify(
        &self,
        cms_der: &[u8],
        detached_data: Option<&[u8]>,
        expect: &Expectation,
        now: DateTime<Utc>,
    ) -> ValidationReport {
        let mut r = Builder::new(now);
        if !self.run_known(&mut r, cms_der, detached_data, expect, now, false) {
            self.run(&mut r, cms_der, detached_data, expect, now);
        }
        r.finish()
    }

    /// [`Verifier::verify`] for a message that needs nothing but the cache: a known signer's,
    /// written as its last one was, whose chain and revocation answer are kept and still
    /// current. Such a check is one public-key operation and never waits for the revocation
    /// source, so an async caller may run it in place instead of on a blocking thread.
    /// `None` (with nothing done) for any other message: verify it with
    /// [`Verifier::verify`]. The report, when there is one, is the one `verify` would give.
    pub fn verify_cached(
        &self,
        cms_der: &[u8],
        detached_data: Option<&[u8]>,
        expect: &Expectation,
        now: DateTime<Utc>,
    ) -> Option<ValidationReport> {
        let mut r = Builder::new(now);
        self.run_known(&mut r, cms_der, detached_data, expect, now, true)
            .then(|| r.finish())
    }

    /// A message of a known signer written as the signer's last one was: read by hand, the
    /// signer's certificate, chain and the parsed parts of its signed attributes taken from
    /// the cache. The report is the one [`Verifier::run`] would make. `false` (with nothing
    /// written) when the message is not of that kind, or, with `only_cached`, when the
    /// signer's revocation answer would have to be asked for again.
    fn run_known(
        &self,
        r: &mut Builder,
        cms_der: &[u8],
        detached_data: Option<&[u8]>,
        expect: &Expectation,
        now: DateTime<Utc>,
        only_cached: bool,
    ) -> bool {
        let Some(quick) = QuickMessage::read(cms_der) else {
            return false;
        };
        let Some((id, entry)) = self.peek(quick.signer_head) else {
            return false;
        };
        let Some(layout) = entry.layout.as_deref() else {
            return false;
        };
        let Some(parts) = layout.read(&quick) else {
            return false;
        };
        if only_cached && !self.revocation_is_kept(&entry, now) {
            return false;
        }
        // The message is read: from here on, the same checks as for any message.
        let Some(cached) = self.lookup(&id) else {
            return false;
        };
        let detached = quick.content.is_none();
        r.report.detached = Some(detached);
        r.report.format = Some(layout.format);
        r.pass("format", layout.format_detail(detached).to_owned());
        r.pass("algorithm", layout.algorithm.name());
        let [tag, rest] = quick.signed_attrs_as_set();
        let mut signed_attrs = Vec::with_capacity(tag.len() + rest.len());
        signed_attrs.extend_from_slice(tag);
        signed_attrs.extend_from_slice(rest);
        let signed = Signed {
            content: quick.content,
            message_digest: parts.message_digest,
            signing_time: parts.signing_time,
            ess: layout.ess,
            signed_attrs: Cow::Owned(signed_attrs),
            signature: quick.signature,
            signature_detail: Some(layout.signature_detail()),
        };
        let facts = cached.facts.clone();
        self.check_signed(
            r,
            signed,
            layout.algorithm,
            facts,
            Some(cached),
            id,
            &[],
            None,
            detached_data,
            expect,
            now,
        );
        true
    }

    fn run(
        &self,
        r: &mut Builder,
        cms_der: &[u8],
        detached_data: Option<&[u8]>,
        expect: &Expectation,
        now: DateTime<Utc>,
    ) {
        // Format.
        let msg = match cms::parse_raw(cms_der) {
            Ok(m) => m,
            Err(e) => return r.fail("format", Reason::FormatFailure, e.to_string()),
        };
        r.report.detached = Some(msg.is_detached());
        if msg.signers.len() != 1 {
            return r.fail(
                "format",
                Reason::FormatFailure,
                format!(
                    "{} signers: only single-signer messages are verified",
                    msg.signers.len()
                ),
            );
        }
        let signer = &msg.signers[0];
        let attrs = &signer.signed_attrs;
        let Some(signed_attrs_der) = signer.signed_attrs_der.as_deref() else {
            return r.fail(
                "format",
                Reason::FormatFailure,
                "no signed attributes: CAdES-BES needs content type, message digest and signing time",
            );
        };
        let (Some(content_type), Some(message_digest)) =
            (attrs.content_type, attrs.message_digest.as_ref())
        else {
            return r.fail(
                "format",
                Reason::FormatFailure,
                "the content-type or message-digest signed attribute is missing",
            );
        };
        if content_type != msg.content_type {
            return r.fail(
                "format",
                Reason::FormatFailure,
                format!(
                    "the signed content type {content_type} differs from the encapsulated {}",
                    msg.content_type
                ),
            );
        }
        let format = if attrs.signing_certificate_v2.is_some() {
            "CAdES-BES"
        } else {
            "CMS"
        };
        r.report.format = Some(format);
        r.pass(
            "format",
            format_detail(msg.is_detached(), msg.certificates.len(), &content_type),
        );

        // Algorithm.
        let algorithm = match signer.algorithm() {
            Ok(a) => {
                r.pass("algorithm", a.name());
                a
            }
            Err(e) => return r.fail("algorithm", Reason::CryptoConstraintsFailure, e.to_string()),
        };

        // The signer's certificate.
        let Some(cert_der) = msg.find_certificate(&signer.sid) else {
            return r.indeterminate(
                "signer-certificate",
                Reason::NoSigningCertificateFound,
                "the message does not carry the signer's certificate",
            );
        };

        // Cache: keyed by the hash of the certificate's DER, so that a known signer's
        // certificate is not even decoded again.
        let cert_id = sha256(cert_der);
        let cached = self.lookup(&cert_id);
        let facts = match &cached {
            Some(e) => e.facts.clone(),
            None => match SignerFacts::new(cert_der) {
                Ok(f) => Arc::new(f),
                Err(e) => {
                    return r.fail("signer-certificate", Reason::FormatFailure, e.to_string())
                }
            },
        };
        let ess = EssVerdict::of(attrs.signing_certificate_v2.as_ref(), &facts);
        // How this signer writes its messages, so that the next one is read quickly.
        let layout = Layout::learn(cms_der, &msg, algorithm, ess, format).map(Arc::new);
        let signed = Signed {
            content: msg.content,
            message_digest,
            signing_time: attrs.signing_time,
            ess,
            signed_attrs: Cow::Borrowed(signed_attrs_der),
            signature: &signer.signature,
            signature_detail: None,
        };
        self.check_signed(
            r,
            signed,
            algorithm,
            facts,
            cached,
            cert_id,
            &msg.certificates,
            layout,
            detached_data,
            expect,
            now,
        );
    }

    /// The checks from the signer's certificate on, for a message read either way.
    #[allow(clippy::too_many_arguments)]
    fn check_signed(
        &self,
        r: &mut Builder,
        signed: Signed<'_>,
        algorithm: &'static dyn SignatureAlgorithm,
        facts: Arc<SignerFacts>,
        cached: Option<CacheEntry>,
        cert_id: [u8; 32],
        carried: &[&[u8]],
        layout: Option<Arc<Layout>>,
        detached_data: Option<&[u8]>,
        expect: &Expectation,
        now: DateTime<Utc>,
    ) {
        let cert = &facts.cert;
        let verifying_key = &facts.key;
        r.pass("signer-certificate", facts.title.clone());
        let signing_time = signed.signing_time;
        r.report.signer = Some(SignerSummary {
            signing_time,
            algorithm: Some(algorithm.name()),
            ..facts.summary.clone()
        });

        // Message digest.
        let data = detached_data.or(signed.content);
        match data {
            None => r.indeterminate(
                "signed-data",
                Reason::SignedDataNotFound,
                "a detached signature, and no data was given",
            ),
            Some(data) => {
                let source = if detached_data.is_some() {
                    "the given data"
                } else {
                    "the attached content"
                };
                match algorithm.digest(data) {
                    Ok(d) if d == signed.message_digest => r.pass(
                        "message-digest",
                        format!("the digest of {source} ({} bytes) matches", data.len()),
                    ),
                    Ok(_) => r.fail(
                        "message-digest",
                        Reason::HashFailure,
                        format!(
                            "the digest of {source} ({} bytes) differs from the signed one",
                            data.len()
                        ),
                    ),
                    Err(e) => r.fail("message-digest", Reason::HashFailure, e.to_string()),
                }
            }
        }

        // Signature value: the one public-key operation of a known signer.
        match algorithm.verify(verifying_key, &signed.signed_attrs, signed.signature) {
            Ok(true) => r.pass(
                "signature-value",
                match signed.signature_detail {
                    Some(kept) => Cow::Owned(kept.to_owned()),
                    None => Cow::Owned(signature_detail(algorithm)),
                },
            ),
            Ok(false) => r.fail(
                "signature-value",
                Reason::SigCryptoFailure,
                "the signature value does not verify with the signer's key",
            ),
            Err(e) => r.fail("signature-value", Reason::SigCryptoFailure, e.to_string()),
        }

        // Signing-certificate-v2.
        match signed.ess {
            EssVerdict::Absent => r.skip(
                "signing-certificate-attribute",
                "no signing-certificate-v2 attribute (plain CMS, not CAdES)",
            ),
            EssVerdict::UnsupportedHash(oid) => r.fail(
                "signing-certificate-attribute",
                Reason::CryptoConstraintsFailure,
                format!("hash algorithm {oid} is not supported"),
            ),
            EssVerdict::NamesTheSigner => r.pass(
                "signing-certificate-attribute",
                "signing-certificate-v2 names the signer's certificate",
            ),
            EssVerdict::NamesAnother => r.fail(
                "signing-certificate-attribute",
                Reason::NoSigningCertificateFound,
                "signing-certificate-v2 names another certificate than the signer's",
            ),
        }

        // Signing time.
        let at = signing_time.unwrap_or(now);
        let at_text = at.to_rfc3339();
        match signing_time {
            None => r.fail(
                "signing-time",
                Reason::SigningTimeInvalid,
                "no signing time: the certificate is checked at the time of verification",
            ),
            Some(t) if t > now + self.clock_skew => r.fail(
                "signing-time",
                Reason::SigningTimeInvalid,
                format!("{at_text} is in the future (now {})", now.to_rfc3339()),
            ),
            Some(t) if expect.max_signing_age.is_some_and(|age| t < now - age) => r.fail(
                "signing-time",
                Reason::SigningTimeInvalid,
                format!("{at_text} is older than the request allows"),
            ),
            Some(_) => r.pass("signing-time", at_text.clone()),
        }

        // Chain.
        let chain = match cached.as_ref().and_then(|e| e.chain.clone()) {
            Some(c) => Some(c),
            None => {
                self.lock().stats.chain_builds += 1;
                match self.build_chain(cert, carried) {
                    Ok(c) => Some(Arc::new(ChainFacts::new(c))),
                    Err(detail) => {
                        r.indeterminate("chain", Reason::NoCertificateChainFound, detail);
                        None
                    }
                }
            }
        };
        if let Some(chain) = &chain {
            r.pass("chain", chain.detail.clone());
            for link in &chain.links {
                let mut problems = Vec::new();
                if !link.is_ca {
                    problems.push("the issuer is not a CA (basicConstraints)".to_string());
                }
                if !link.can_sign_certificates {
                    problems.push("the issuer's key may not sign certificates".to_string());
                }
                if at < link.not_before || at > link.not_after {
                    problems.push(format!(
                        "the issuer is not valid at {at_text} (valid {} .. {})",
                        link.not_before.to_rfc3339(),
                        link.not_after.to_rfc3339()
                    ));
                }
                if problems.is_empty() {
                    r.pass("chain-link", link.passed.clone());
                } else {
                    r.fail(
                        "chain-link",
                        Reason::ChainConstraintsFailure,
                        format!("{}: {}", link.name, problems.join("; ")),
                    );
                }
            }
        }

        // Signer validity at the signing time.
        let (nb, na) = (facts.summary.not_before, facts.summary.not_after);
        let period = &facts.period;
        if at < nb {
            r.fail(
                "signer-validity",
                Reason::NotYetValid,
                format!("not yet valid at {at_text}: {period}"),
            );
        } else if at > na {
            r.fail(
                "signer-validity",
                Reason::Expired,
                format!("expired at {at_text}: {period}"),
            );
        } else {
            r.pass("signer-validity", format!("valid at {at_text}: {period}"));
        }

        // Revocation.
        let mut fresh_revocation = None;
        let mut revocation_cached = false;
        match (&self.revocation, &chain) {
            (RevocationPolicy::Disabled, _) => {
                r.skip("revocation", "turned off by the verifier's configuration")
            }
            (RevocationPolicy::Missing, _) => r.indeterminate(
                "revocation",
                Reason::RevocationUnknown,
                "no revocation source (CRL or OCSP) is configured",
            ),
            (RevocationPolicy::Source(_), None) => {
                r.skip("revocation", "no chain, so no issuer to ask about")
            }
            (RevocationPolicy::Source(source), Some(chain)) => {
                let answer = match cached.as_ref().and_then(|e| e.revocation.clone()) {
                    Some(kept) if now < kept.until => {
                        revocation_cached = true;
                        Ok(kept)
                    }
                    _ => match chain.certs.get(1) {
                        None => Err("the signer's certificate is itself a trust anchor".into()),
                        Some(issuer) => {
                            self.lock().stats.revocation_fetches += 1;
                            source.status(cert, issuer, now).map(|a| {
                                let until = a.next_update.unwrap_or(now + self.revocation_ttl);
                                let kept = Arc::new(CachedRevocation::new(a, until));
                                fresh_revocation = Some(kept.clone());
                                kept
                            })
                        }
                    },
                };
                match answer {
                    Err(e) => r.indeterminate(
                        "revocation",
                        Reason::RevocationUnknown,
                        format!("the revocation source did not answer: {e}"),
                    ),
                    Ok(kept) => {
                        r.report.revocation =
                            Some(revocation_info(&kept.answer, revocation_cached));
                        revocation_check(r, &kept, signing_time, at, &at_text);
                    }
                }
            }
        }

        // Key usage.
        if facts.is_signing {
            r.pass("key-usage", "digitalSignature and nonRepudiation");
        } else {
            r.fail(
                "key-usage",
                Reason::NotASigningCertificate,
                "the key usage lacks nonRepudiation or digitalSignature: not a signing certificate",
            );
        }

        // Expectations.
        let roles = &facts.summary.roles;
        if expect.roles.is_empty() {
            r.skip("role", "no role expected");
        } else {
            let want: Vec<String> = expect.roles.iter().map(|r| r.to_string()).collect();
            let have: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
            let detail = format!(
                "expected one of [{}], the certificate has [{}]",
                want.join(", "),
                have.join(", ")
            );
            if roles.iter().any(|x| expect.roles.contains(x)) {
                r.pass("role", detail);
            } else {
                r.fail("role", Reason::RoleMismatch, detail);
            }
        }
        expect_id(
            r,
            "iin",
            Reason::IinMismatch,
            expect.iin.map(|i| i.to_string()),
            facts.summary.iin.as_deref(),
        );
        expect_id(
            r,
            "bin",
            Reason::BinMismatch,
            expect.bin.map(|b| b.to_string()),
            facts.summary.bin.as_deref(),
        );

        // Cache what was learnt.
        r.report.cache_hit = cached.as_ref().is_some_and(|e| e.chain.is_some())
            && (revocation_cached || !matches!(self.revocation, RevocationPolicy::Source(_)));
        if r.report.cache_hit && fresh_revocation.is_none() && layout.is_none() {
            // Nothing new: `lookup` already marked the entry as used.
            return;
        }
        self.store(
            cert_id,
            facts,
            chain,
            fresh_revocation,
            layout,
            cached.is_some(),
        );
    }

    /// Whether checking `entry`'s revocation at `now` needs no question to the source.
    fn revocation_is_kept(&self, entry: &CacheEntry, now: DateTime<Utc>) -> bool {
        match self.revocation {
            RevocationPolicy::Source(_) => entry.revocation.as_ref().is_some_and(|k| now < k.until),
            RevocationPolicy::Missing | RevocationPolicy::Disabled => true,
        }
    }

    /// The entry whose layout has this signer-info head, without counting a use.
    fn peek(&self, signer_head: &[u8]) -> Option<([u8; 32], CacheEntry)> {
        let cache = self.lock();
        let id = *cache.by_signer.get(signer_head)?;
        let entry = cache.entries.get(&id)?;
        entry.chain.as_ref()?;
        Some((id, entry.clone()))
    }

    fn lookup(&self, id: &[u8; 32]) -> Option<CacheEntry> {
        let mut cache = self.lock();
        cache.tick += 1;
        let tick = cache.tick;
        match cache.entries.get_mut(id) {
            Some(e) => {
                e.last_used = tick;
                let e = e.clone();
                cache.stats.hits += 1;
                Some(e)
            }
            None => {
                cache.stats.misses += 1;
                None
            }
        }
    }

    fn store(
        &self,
        id: [u8; 32],
        facts: Arc<SignerFacts>,
        chain: Option<Arc<ChainFacts>>,
        revocation: Option<Arc<CachedRevocation>>,
        layout: Option<Arc<Layout>>,
        was_cached: bool,
    ) {
        if chain.is_none() && !was_cached {
            // Nothing worth keeping: the key is cheap to parse, and a failed chain may be
            // completed by another message's intermediates.
            return;
        }
        let mut cache = self.lock();
        let tick = cache.tick;
        if !cache.entries.contains_key(&id) && cache.entries.len() >= self.capacity {
            if let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            {
                if let Some(evicted) = cache.entries.remove(&oldest) {
                    if let Some(l) = evicted.layout {
                        if cache.by_signer.get(l.signer_head()) == Some(&oldest) {
                            cache.by_signer.remove(l.signer_head());
                        }
                    }
                }
            }
        }
        if let Some(l) = &layout {
            let head = l.signer_head();
            match cache.by_signer.get_mut(head) {
                Some(known) => *known = id,
                None => {
                    cache.by_signer.insert(head.into(), id);
                }
            }
        }
        let entry = cache.entries.entry(id).or_insert_with(|| CacheEntry {
            facts,
            chain: None,
            revocation: None,
            layout: None,
            last_used: tick,
        });
        if chain.is_some() {
            entry.chain = chain;
        }
        if revocation.is_some() {
            entry.revocation = revocation;
        }
        if layout.is_some() {
            entry.layout = layout;
        }
        entry.last_used = tick;
    }

    /// The chain from `cert` to a trust anchor: `cert`, its issuer, …, the anchor. Each
    /// link's signature is verified; CA flags and validity are checked by the caller, since
    /// they depend on the time. `carried` are the message's certificates; those that do not
    /// decode are left out.
    fn build_chain(&self, cert: &Cert, carried: &[&[u8]]) -> Result<Vec<Cert>, String> {
        let is_anchor = |c: &Cert| self.anchors.iter().any(|a| a.der == c.der);
        let carried: Vec<Cert> = carried
            .iter()
            .filter_map(|d| Cert::from_der(d).ok())
            .collect();
        let pool: Vec<&Cert> = self
            .anchors
            .iter()
            .chain(&self.intermediates)
            .chain(&carried)
            .collect();
        let mut chain = vec![cert.clone()];
        let mut current = cert.clone();
        while !is_anchor(&current) {
            if chain.len() > MAX_CHAIN_DEPTH {
                return Err("the chain is too long".into());
            }
            let candidates = pool.iter().filter(|c| {
                same_name(c.subject(), current.issuer())
                    && c.der != current.der
                    && match (current.authority_key_id(), c.subject_key_id()) {
                        (Some(aki), Some(ski)) => aki == ski,
                        _ => true,
                    }
            });
            let mut found = None;
            let mut bad_signature = false;
            for c in candidates {
                match c.verifying_key().and_then(|k| current.is_signed_by(&k)) {
                    Ok(true) => {
                        found = Some((*c).clone());
                        break;
                    }
                    _ => bad_signature = true,
                }
            }
            match found {
                Some(issuer) => {
                    chain.push(issuer.clone());
                    current = issuer;
                }
                None if bad_signature => {
                    return Err(format!(
                        "the signature of {} by its issuer {} does not verify",
                        current.subject_string(),
                        current.issuer()
                    ))
                }
                None => {
                    return Err(format!(
                        "no trusted issuer {} for {}",
                        current.issuer(),
                        current.subject_string()
                    ))
                }
            }
        }
        Ok(chain)
    }
}

fn revocation_info(a: &RevocationAnswer, cached: bool) -> RevocationInfo {
    let (status, revoked_at, reason) = match a.status {
        CertStatus::Good => ("good", None, None),
        CertStatus::Revoked { at, reason } => ("revoked", Some(at), Some(reason)),
        CertStatus::Unknown => ("unknown", None, None),
    };
    RevocationInfo {
        source: a.source,
        status,
        revoked_at,
        reason,
        produced_at: a.produced_at,
        next_update: a.next_update,
        cached,
    }
}

/// Where a revocation answer came from, as the report says it: `CRL of <time>, next update …`.
fn revocation_source_text(a: &RevocationAnswer) -> String {
    let source = match a.source {
        RevocationSourceKind::Crl => "CRL",
        RevocationSourceKind::Ocsp => "OCSP",
    };
    let next = a
        .next_update
        .map(|n| format!(", next update {}", n.to_rfc3339()))
        .unwrap_or_default();
    format!("{source} of {}{next}", a.produced_at.to_rfc3339())
}

fn revocation_check(
    r: &mut Builder,
    kept: &CachedRevocation,
    signing_time: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
    at_text: &str,
) {
    let from = &kept.from;
    match kept.answer.status {
        CertStatus::Good => r.pass("revocation", kept.good.clone()),
        CertStatus::Unknown => r.indeterminate(
            "revocation",
            Reason::RevocationUnknown,
            format!("the source does not know the certificate ({from})"),
        ),
        CertStatus::Revoked { at: when, reason } => {
            let compromise = matches!(
                reason,
                RevocationReason::KeyCompromise | RevocationReason::CaCompromise
            );
            let said = format!("revoked at {} ({reason}; {from})", when.to_rfc3339());
            if signing_time.is_none() || when <= at {
                r.fail(
                    "revocation",
                    Reason::Revoked,
                    format!("{said}, not after the signing time {at_text}"),
                )
            } else if compromise {
                r.fail(
                    "revocation",
                    Reason::Revoked,
                    format!("{said}, after the signing time {at_text}, but for a compromise"),
                )
            } else {
                r.pass(
                    "revocation",
                    format!("{said}, after the signing time {at_text}: valid when signed"),
                )
            }
        }
    }
}

fn expect_id(
    r: &mut Builder,
    name: &'static str,
    reason: Reason,
    want: Option<String>,
    have: Option<&str>,
) {
    let (upper, nothing_expected) = match name {
        "iin" => ("IIN", "no IIN expected"),
        _ => ("BIN", "no BIN expected"),
    };
    match (want, have) {
        (None, _) => r.skip(name, nothing_expected),
        (Some(w), Some(h)) if w == h => r.pass(name, format!("{upper} {h} as expected")),
        (Some(w), Some(h)) => r.fail(
            name,
            reason,
            format!("the certificate's {upper} is {h}, the request's {w}"),
        ),
        (Some(w), None) => r.fail(
            name,
            reason,
            format!("the certificate carries no {upper}; the request's is {w}"),
        ),
    }
}

/// The detail of a passed `format` check.
pub(super) fn format_detail(
    detached: bool,
    certificates: usize,
    content_type: &ObjectIdentifier,
) -> String {
    let how = if detached { "detached" } else { "attached" };
    if *content_type == ID_DATA {
        format!("CMS SignedData, {how}, {certificates} certificate(s), content type id-data")
    } else {
        format!("CMS SignedData, {how}, {certificates} certificate(s), content type {content_type}")
    }
}

fn summary(cert: &Cert) -> SignerSummary {
    SignerSummary {
        common_name: cert.common_name(),
        iin: cert.iin(),
        bin: cert.bin(),
        organisation: crate::profile::name_attribute(cert.subject(), crate::profile::ORGANIZATION),
        subject: cert.subject_string(),
        issuer: cert.issuer().to_string(),
        serial: hex(cert.tbs().serial_number.as_bytes()),
        roles: cert.roles(),
        signing_time: None,
        not_before: cert.not_before(),
        not_after: cert.not_after(),
        algorithm: None,
    }
}

struct Builder {
    report: ValidationReport,
}

impl Builder {
    fn new(now: DateTime<Utc>) -> Self {
        Builder {
            report: ValidationReport {
                indication: Indication::Passed,
                reason: None,
                format: None,
                detached: None,
                signer: None,
                revocation: None,
                validation_time: now,
                cache_hit: false,
                // A report has about 15 checks.
                checks: Vec::with_capacity(16),
            },
        }
    }

    fn push(
        &mut self,
        name: &'static str,
        result: CheckResult,
        reason: Option<Reason>,
        detail: impl Into<Cow<'static, str>>,
    ) {
        self.report.checks.push(Check {
            name,
            result,
            reason,
            detail: detail.into(),
        });
    }

    fn pass(&mut self, name: &'static str, detail: impl Into<Cow<'static, str>>) {
        self.push(name, CheckResult::Passed, None, detail)
    }

    fn skip(&mut self, name: &'static str, detail: impl Into<Cow<'static, str>>) {
        self.push(name, CheckResult::Skipped, None, detail)
    }

    fn fail(&mut self, name: &'static str, reason: Reason, detail: impl Into<Cow<'static, str>>) {
        self.push(name, CheckResult::Failed, Some(reason), detail)
    }

    fn indeterminate(
        &mut self,
        name: &'static str,
        reason: Reason,
        detail: impl Into<Cow<'static, str>>,
    ) {
        self.push(name, CheckResult::Indeterminate, Some(reason), detail)
    }

    fn finish(mut self) -> ValidationReport {
        let first = |result: CheckResult| {
            self.report
                .checks
                .iter()
                .find(|c| c.result == result)
                .and_then(|c| c.reason)
        };
        let (indication, reason) = if let Some(r) = first(CheckResult::Failed) {
            (Indication::Failed, Some(r))
        } else if let Some(r) = first(CheckResult::Indeterminate) {
            (Indication::Indeterminate, Some(r))
        } else {
            (Indication::Passed, None)
        };
        self.report.indication = indication;
        self.report.reason = reason;
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_outranks_an_indeterminate_result() {
        let mut b = Builder::new(Utc::now());
        b.pass("format", "ok");
        b.indeterminate("revocation", Reason::RevocationUnknown, "down");
        b.fail("iin", Reason::IinMismatch, "another");
        let r = b.finish();
        assert_eq!(r.indication, Indication::Failed);
        assert_eq!(r.reason, Some(Reason::IinMismatch));
        assert_eq!(r.refusal(), Some(SignatureRefusal::AnotherIin));

        let mut b = Builder::new(Utc::now());
        b.pass("format", "ok");
        b.skip("role", "none");
        let r = b.finish();
        assert_eq!(r.indication, Indication::Passed);
        assert_eq!(r.refusal(), None);
    }

    #[test]
    fn reason_codes_serialize_as_their_code() {
        for reason in [
            Reason::FormatFailure,
            Reason::HashFailure,
            Reason::SigCryptoFailure,
            Reason::NoCertificateChainFound,
            Reason::NotASigningCertificate,
            Reason::IinMismatch,
            Reason::SignedDataNotFound,
            Reason::CryptoConstraintsFailure,
        ] {
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.code()));
        }
    }
}

//! The services the information systems offer one another through the gateway, as typed
//! bodies: the contract each side keeps, so that no participant needs another's code.
//!
//! | participant | service | body → answer |
//! |---|---|---|
//! | `agency` (ИС МИО) | [`FILE`] | [`Filing`] → [`FilingAnswer`] |
//! | `agency` | [`ACT`] | [`ActRequest`] → [`ActAnswer`] |
//! | `agency` | [`READ`] | [`ReadRequest`] → [`ReadAnswer`] |
//! | `portal` | [`PORTAL_NOTICE`] | [`Notice`] (a notification) |
//! | `csc` | [`CSC_NOTICE`] | [`Notice`] (a notification) |
//! | a registry (`gbd-fl`, `payment-gateway`, …) | [`QUERY`] | its `RegistryRequest` → `RegistryResponse` (crate `qyzmet-registries`) |

pub use qyzmet_accounts::Principal;
use qyzmet_core::regulation::{ChannelKind, Check, Operation};
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The provider's information system.
pub const AGENCY: &str = "agency";
/// The e-government portal.
pub const PORTAL: &str = "portal";
/// The citizen service centre's information system.
pub const CSC: &str = "csc";

/// File a signed request with the provider's IS.
pub const FILE: &str = "agency.file";
/// Act on a filed request from outside the provider (an operator's hand-over, a payment made).
pub const ACT: &str = "agency.act";
/// Read requests the provider's IS keeps, for the person the asking system vouches for.
pub const READ: &str = "agency.read";
/// Ask a state database or outside system.
pub const QUERY: &str = "query";
/// A notice for a recipient's cabinet on the portal.
pub const PORTAL_NOTICE: &str = "portal.notice";
/// A notice for a CSC (a request it filed changed).
pub const CSC_NOTICE: &str = "csc.notice";

/// A status notice, as the provider's IS sends it to the system that shows it. It travels
/// under the same message id on every attempt, so that the receiver takes it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub notice_id: i64,
    pub request_id: Option<String>,
    pub number: Option<String>,
    /// The recipient's IIN/BIN (portal) or the CSC's code.
    pub to: String,
    pub status: Option<qyzmet_core::regulation::Status>,
    pub text: Text,
}

/// A file attached to a filing; `key` is the form field (for `file` fields) or the
/// regulation's attachment code it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    pub key: String,
    pub name: String,
    pub media_type: String,
    /// The content, base64.
    pub content: String,
}

/// A signed request, as the portal, the CSC or the provider's own workplace files it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    pub channel: ChannelKind,
    /// The CMS SignedData (base64 DER) with the application attached.
    pub cms: String,
    pub attachments: Vec<Upload>,
    /// The user who filed it, as the filing system knows them (its account id). The
    /// provider's IS keeps it only for its own workplace's filings: the portal's and a CSC's
    /// people have their accounts there, not in the provider's IS.
    pub submitted_by: String,
    /// Whose key must have signed it: the recipient on the portal, the operator at a CSC, the
    /// employee at the provider.
    pub signer_iin: String,
    /// The CSC's organisation code, when a CSC files it.
    pub csc: Option<String>,
}

/// A refusal to take a message, with what the person is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The HTTP status that fits (400, 403, 404, 409, 413, 422).
    pub status: u16,
    pub code: String,
    pub message: Text,
    #[serde(default)]
    pub details: Vec<serde_json::Value>,
}

/// The answer to a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FilingAnswer {
    /// Registered (or, for a replayed filing, registered before: `duplicate`).
    Filed {
        request_id: String,
        number: String,
        status: qyzmet_core::regulation::Status,
        duplicate: bool,
    },
    Refused(Refused),
}

/// What an outside act does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Act {
    /// A CSC person performs the action the request waits for (hand over, courier delivery).
    Perform {
        operation: Operation,
        #[serde(default)]
        facts: BTreeMap<Check, bool>,
    },
    /// The recipient paid through the payment gateway: ask it and go on.
    PaymentMade,
    /// The recipient answers the quality questionnaire (question code → answer).
    Answer { answers: BTreeMap<String, String> },
}

/// An act on a request from outside the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActRequest {
    pub request_id: String,
    /// The person who acts, as the sending system (which logged them in) vouches: the
    /// provider's IS checks what they may do, and keeps no account of them.
    pub by: Principal,
    pub act: Act,
}

/// What is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "read", rename_all = "snake_case")]
pub enum Read {
    /// The person's requests: a recipient's own, or those filed at the operator's CSC.
    Requests,
    /// One request: status, deadline, whom it waits for, history.
    Request { request_id: String },
    /// A request's signed result.
    Result { request_id: String },
}

/// A read for the person the asking system vouches for (its logged-in user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRequest {
    pub on_behalf_of: Principal,
    pub read: Read,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReadAnswer {
    /// What was read, as the person's API shows it.
    Found {
        found: serde_json::Value,
    },
    Refused(Refused),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ActAnswer {
    Done {
        status: qyzmet_core::regulation::Status,
    },
    Refused(Refused),
}

/// A file the application declares: the signature covers its hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredFile {
    /// The form field or attachment code it answers.
    pub key: String,
    pub name: String,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: u64,
}

/// The application as the person signs it: the CMS's content, JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The regulation's code and the version it was filled for.
    pub service: String,
    pub version: u32,
    pub channel: ChannelKind,
    /// The recipient's IIN or BIN.
    pub recipient: String,
    /// The filled form: field name → value.
    pub form: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<DeclaredFile>,
    /// A fresh value per application: two identical applications are two requests, while the
    /// same signed application sent twice is one.
    pub nonce: String,
}

/// The gateway name of a state database or outside system: its regulation name, hyphenated
/// (`gbd-fl`, `payment-gateway`, …).
pub fn registry_participant(p: qyzmet_core::regulation::Participant) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', "-")))
        .unwrap_or_default()
}

//! What the store keeps, as the callers see it.

use chrono::{DateTime, Utc};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::regulation::{ChannelKind, Status};
use qyzmet_core::{Lang, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! text_id {
    ($(#[$m:meta])* $t:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $t(pub String);

        impl $t {
            pub(crate) fn new_random() -> Self {
                $t(uuid::Uuid::now_v7().to_string())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                $t(s.to_string())
            }
        }
    };
}

text_id!(
    /// A request's id (a UUID; the readable one is its registration number).
    RequestId
);
text_id!(
    /// A user's id (a UUID).
    UserId
);
text_id!(
    /// An organisation's id (a UUID).
    OrgId
);
text_id!(
    /// An attachment's id (a UUID).
    AttachmentId
);

/// Whom a request is for: a person by IIN or an organisation by BIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Iin(Iin),
    Bin(Bin),
}

impl Party {
    /// Read a stored number back: an IIN or a BIN (never both; see `qyzmet_core::id`).
    pub fn parse(text: &str) -> Option<Party> {
        if let Ok(iin) = Iin::parse_without_future_check(text) {
            return Some(Party::Iin(iin));
        }
        Bin::parse(text).ok().map(Party::Bin)
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Party::Iin(n) => n.fmt(f),
            Party::Bin(n) => n.fmt(f),
        }
    }
}

impl From<Iin> for Party {
    fn from(n: Iin) -> Self {
        Party::Iin(n)
    }
}

impl From<Bin> for Party {
    fn from(n: Bin) -> Self {
        Party::Bin(n)
    }
}

/// A simple enum stored as a fixed word.
macro_rules! word_enum {
    ($(#[$m:meta])* $t:ident { $($(#[$vm:meta])* $v:ident = $w:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $t { $($(#[$vm])* $v),* }

        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $w),* }
            }
            pub fn from_word(w: &str) -> Option<$t> {
                match w { $($w => Some($t::$v),)* _ => None }
            }
        }
    };
}

word_enum!(
    /// What an organisation is.
    OrgKind {
        /// A service provider (услугодатель).
        Provider = "provider",
        /// A citizen service centre (ЦОН).
        Csc = "csc",
    }
);

word_enum!(
    /// What a user may do. A person may hold several roles.
    Role {
        Recipient = "recipient",
        /// A provider's employee (исполнитель).
        Employee = "employee",
        /// A provider's authorised signer.
        Signer = "signer",
        /// A provider's head.
        Head = "head",
        /// A CSC's operator.
        Operator = "operator",
        Administrator = "administrator",
        /// Read-only oversight of deadlines.
        Monitor = "monitor",
    }
);

word_enum!(
    /// What a signature signs.
    SignaturePurpose {
        /// The request, signed by the person who filed it.
        Request = "request",
        /// The result, signed by the deciding employee.
        Result = "result",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub code: String,
    pub kind: OrgKind,
    pub name: Text,
    pub bin: Option<Bin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub code: String,
    pub kind: OrgKind,
    pub name: Text,
    pub bin: Option<Bin>,
    pub created_at: DateTime<Utc>,
}

/// An argon2 PHC string. Its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The IIN or BIN for recipients; any unique name for others.
    pub login: String,
    pub password_hash: PasswordHash,
    pub full_name: String,
    pub organisation: Option<OrgId>,
    pub roles: Vec<Role>,
    pub language: Lang,
    /// The person's IIN (a recipient's is also the login; staff sign with a certificate of it).
    pub iin: Option<Iin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub password_hash: PasswordHash,
    pub full_name: String,
    pub organisation: Option<OrgId>,
    /// Sorted, without repeats.
    pub roles: Vec<Role>,
    pub language: Lang,
    pub iin: Option<Iin>,
    pub created_at: DateTime<Utc>,
}

/// One history line to append: the instant and the event (the engine's `HistoryEntry` event).
#[derive(Debug, Clone, PartialEq)]
pub struct NewHistoryEntry {
    pub at: DateTime<Utc>,
    pub event: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    /// 1, 2, 3… in the order written.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub event: serde_json::Value,
}

/// Where a notice goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyTo {
    /// The request's recipient's cabinet (by IIN/BIN: seen by the user with that login, even one
    /// who registers later).
    Recipient,
    User(UserId),
    /// An organisation, e.g. the CSC the request came from; seen by its staff.
    Organisation(OrgId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub to: NotifyTo,
    /// The request's status the notice announces, if any.
    pub status: Option<Status>,
    pub text: Text,
}

/// Where an outgoing notice is addressed, as the outbox relay reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeAddress {
    /// The cabinet of the recipient with this IIN/BIN.
    Recipient(String),
    User(UserId),
    Organisation {
        id: OrgId,
        code: String,
        kind: OrgKind,
    },
}

/// A notice in the outbox: written with the change it announces, delivered through the
/// gateway at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingNotice {
    pub id: i64,
    /// The gateway message id it travels under, on every attempt.
    pub message_id: String,
    pub request: Option<RequestId>,
    pub number: Option<String>,
    pub to: NoticeAddress,
    pub status: Option<Status>,
    pub text: Text,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    /// `on_delivery`, `not_delivered`, `delivered`, `delivery_stopped`.
    pub delivery: String,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub request: Option<RequestId>,
    pub status: Option<Status>,
    pub text: Text,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: AttachmentId,
    pub request: RequestId,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the content, computed by the store.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub info: AttachmentInfo,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignature {
    pub purpose: SignaturePurpose,
    /// The IIN/BIN of the signing certificate.
    pub signer: Party,
    pub signer_user: Option<UserId>,
    /// CMS (CAdES) DER.
    pub cms: Vec<u8>,
    pub signed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub id: i64,
    pub request: RequestId,
    pub purpose: SignaturePurpose,
    pub signer: Party,
    pub signer_user: Option<UserId>,
    pub cms: Vec<u8>,
    pub signed_at: DateTime<Utc>,
}

/// A request to register: everything written in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    /// The provider's organisation code (it prefixes the registration number).
    pub provider: String,
    pub regulation: String,
    /// The regulation's version, pinned for the request's life.
    pub version: u32,
    pub channel: ChannelKind,
    pub recipient: Party,
    pub submitted_by: Option<UserId>,
    /// The CSC's organisation code, when a CSC filed it.
    pub csc: Option<String>,
    pub status: Status,
    /// The engine's state.
    pub state: serde_json::Value,
    /// The current action's due instant.
    pub deadline: Option<DateTime<Utc>>,
    /// When it was submitted; its year (in the numbering time zone) numbers it.
    pub at: DateTime<Utc>,
    pub history: Vec<NewHistoryEntry>,
    pub notifications: Vec<NewNotification>,
    pub attachments: Vec<NewAttachment>,
    pub signature: Option<NewSignature>,
    /// A key identifying the submission (e.g. hex SHA-256 of the signed CMS): a second
    /// submission with the same key returns the first request and writes nothing.
    pub idempotency_key: Option<String>,
}

/// A change of a request, written in one transaction if the revision still matches.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestUpdate {
    pub status: Status,
    pub state: serde_json::Value,
    pub deadline: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub history: Vec<NewHistoryEntry>,
    pub notifications: Vec<NewNotification>,
    pub attachments: Vec<NewAttachment>,
    pub signatures: Vec<NewSignature>,
}

/// A request without its engine state, for lists and queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    pub id: RequestId,
    /// `<PROVIDER-CODE>-<YYYY>-<NNNNNN>`.
    pub number: String,
    pub provider: OrgId,
    pub provider_code: String,
    pub regulation: String,
    pub version: u32,
    pub channel: ChannelKind,
    pub recipient: Party,
    pub submitted_by: Option<UserId>,
    pub csc: Option<OrgId>,
    pub status: Status,
    pub deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
}

impl RequestSummary {
    /// Whether its deadline has passed at `now`.
    pub fn overdue_at(&self, now: DateTime<Utc>) -> bool {
        self.deadline.is_some_and(|d| d < now)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub summary: RequestSummary,
    pub state: serde_json::Value,
}

/// The outcome of [`crate::Store::create_request`].
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub request: Request,
    /// The submission's key was seen before: `request` is the first one, nothing was written.
    pub duplicate: bool,
}

/// Which of a provider's requests a queue shows. The default shows all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only these statuses (empty: any).
    pub statuses: Vec<Status>,
    /// Only those whose deadline is before this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
}

/// A message a receiving system takes into its inbox, with the notice it carries (kept for
/// the system's people to read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken<'a> {
    pub message_id: &'a str,
    pub sender: &'a str,
    pub notice: Option<&'a ReceivedNotice>,
}

/// A notice as the system that received it keeps it: for whom (`addressee`: the recipient's
/// IIN/BIN or the CSC's code) under which gateway service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedNotice {
    pub service: String,
    pub addressee: String,
    pub request: Option<String>,
    pub number: Option<String>,
    pub status: Option<Status>,
    pub text: Text,
}

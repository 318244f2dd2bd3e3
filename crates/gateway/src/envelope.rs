//! The gateway's envelope, shaped like the Kazakh gateway's: message id, correlation id,
//! service id, sender, recipient, date, type, session, properties — and the body.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A participant's name in the gateway's registry (e.g. `portal`, `agency:aiyrtau-employment`,
/// `gbd-fl`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ParticipantId(pub String);

impl ParticipantId {
    pub fn new(s: impl Into<String>) -> Self {
        ParticipantId(s.into())
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The types of message the gateway carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Request,
    Response,
    Notification,
    Update,
}

/// One message on the road between two systems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub message_id: String,
    /// The message this one answers or belongs to.
    pub correlation_id: Option<String>,
    /// The service of the recipient being called (e.g. `gbd-fl.person`).
    pub service_id: String,
    pub sender: ParticipantId,
    pub recipient: ParticipantId,
    pub message_date: DateTime<Utc>,
    pub kind: MessageKind,
    pub session_id: Option<String>,
    pub properties: BTreeMap<String, String>,
    pub body: serde_json::Value,
}

impl Envelope {
    /// A new request from `sender` to `recipient`'s `service`.
    pub fn request(
        sender: &ParticipantId,
        recipient: &ParticipantId,
        service: &str,
        body: serde_json::Value,
    ) -> Self {
        Self::new(MessageKind::Request, sender, recipient, service, body)
    }

    /// A notification (no answer expected).
    pub fn notification(
        sender: &ParticipantId,
        recipient: &ParticipantId,
        service: &str,
        body: serde_json::Value,
    ) -> Self {
        Self::new(MessageKind::Notification, sender, recipient, service, body)
    }

    fn new(
        kind: MessageKind,
        sender: &ParticipantId,
        recipient: &ParticipantId,
        service: &str,
        body: serde_json::Value,
    ) -> Self {
        Envelope {
            message_id: uuid::Uuid::new_v4().to_string(),
            correlation_id: None,
            service_id: service.to_string(),
            sender: sender.clone(),
            recipient: recipient.clone(),
            message_date: Utc::now(),
            kind,
            session_id: None,
            properties: BTreeMap::new(),
            body,
        }
    }

    /// The response to this request, from its recipient, correlated with it.
    pub fn reply(&self, body: serde_json::Value) -> Envelope {
        Envelope {
            message_id: uuid::Uuid::new_v4().to_string(),
            correlation_id: Some(self.message_id.clone()),
            service_id: self.service_id.clone(),
            sender: self.recipient.clone(),
            recipient: self.sender.clone(),
            message_date: Utc::now(),
            kind: MessageKind::Response,
            session_id: self.session_id.clone(),
            properties: BTreeMap::new(),
            body,
        }
    }
}

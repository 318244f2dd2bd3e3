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
    /// The route the message takes, where a service has more than one (`routeId`).
    #[serde(default)]
    pub route_id: Option<String>,
    pub session_id: Option<String>,
    pub properties: BTreeMap<String, String>,
    /// A response's binding to its request: the hash of the request as it was signed
    /// ([`crate::Sealed::hash_hex`]).
    #[serde(default)]
    pub request_hash: Option<String>,
    /// A synchronous answer's status code (200 when the recipient answered).
    #[serde(default)]
    pub status: Option<u16>,
    pub body: serde_json::Value,
}

/// Where an asynchronous message is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting to be delivered, or being retried («на доставке»).
    OnDelivery,
    /// The recipient took it («доставлено»).
    Delivered,
    /// The last attempt failed; it will be retried («не доставлено»).
    NotDelivered,
    /// The time for delivering it is over; it is kept for an administrator («доставка остановлена»).
    DeliveryStopped,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::OnDelivery => "on_delivery",
            DeliveryState::Delivered => "delivered",
            DeliveryState::NotDelivered => "not_delivered",
            DeliveryState::DeliveryStopped => "delivery_stopped",
        }
    }
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Request => "request",
            MessageKind::Response => "response",
            MessageKind::Notification => "notification",
            MessageKind::Update => "update",
        }
    }
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
            message_id: uuid::Uuid::now_v7().to_string(),
            correlation_id: None,
            service_id: service.to_string(),
            sender: sender.clone(),
            recipient: recipient.clone(),
            message_date: Utc::now(),
            kind,
            route_id: None,
            session_id: None,
            properties: BTreeMap::new(),
            request_hash: None,
            status: None,
            body,
        }
    }

    /// The response to this request, from its recipient, correlated with it.
    pub fn reply(&self, body: serde_json::Value) -> Envelope {
        Envelope {
            message_id: uuid::Uuid::now_v7().to_string(),
            correlation_id: Some(self.message_id.clone()),
            service_id: self.service_id.clone(),
            sender: self.recipient.clone(),
            recipient: self.sender.clone(),
            message_date: Utc::now(),
            kind: MessageKind::Response,
            route_id: self.route_id.clone(),
            session_id: self.session_id.clone(),
            properties: BTreeMap::new(),
            request_hash: None,
            status: Some(200),
            body,
        }
    }
}

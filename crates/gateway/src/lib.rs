//! The e-government gateway (ШЭП): the only road between information systems, as every seed
//! regulation routes each step «через ШЭП».
//!
//! Participants register an [`Endpoint`]; a sender may call a recipient's service only when it
//! was granted (denied by default). This is the in-process road of the embedded platform; the
//! durable, signed, logged delivery and the NATS transport build on the same envelope.

mod envelope;
pub mod services;

pub use envelope::{Envelope, MessageKind, ParticipantId};

use async_trait::async_trait;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

/// Why the gateway did not deliver a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("{0} is not a registered participant")]
    UnknownSender(ParticipantId),
    #[error("{0} is not a registered participant")]
    UnknownRecipient(ParticipantId),
    #[error("{sender} may not call {recipient}'s service {service}")]
    NotGranted {
        sender: ParticipantId,
        recipient: ParticipantId,
        service: String,
    },
    #[error("the message is {size} bytes; the gateway carries at most {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("{participant} did not process the message: {reason}")]
    Refused {
        participant: ParticipantId,
        reason: String,
    },
    #[error("{0} gave no response to a request")]
    NoResponse(ParticipantId),
    #[error("the body of a message for {service} is not of its contract: {reason}")]
    BadBody { service: String, reason: String },
}

/// A participant's door: it receives messages addressed to it and answers requests.
#[async_trait]
pub trait Endpoint: Send + Sync {
    /// Process a message. A request must be answered with `Some(response)`.
    async fn receive(&self, message: Envelope) -> Result<Option<Envelope>, String>;
}

type Grant = (ParticipantId, ParticipantId, String);

/// The gateway: participants, their grants, and the road between them.
#[derive(Clone, Default)]
pub struct Gateway {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Default)]
struct Inner {
    endpoints: HashMap<ParticipantId, Arc<dyn Endpoint>>,
    grants: BTreeSet<Grant>,
}

/// The largest body the gateway carries (serialized JSON).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

impl Gateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// Register a participant and its door.
    pub fn register(&self, participant: ParticipantId, endpoint: Arc<dyn Endpoint>) {
        self.write().endpoints.insert(participant, endpoint);
    }

    /// Allow `sender` to call `recipient`'s `service`.
    pub fn grant(&self, sender: &ParticipantId, recipient: &ParticipantId, service: &str) {
        self.write()
            .grants
            .insert((sender.clone(), recipient.clone(), service.to_string()));
    }

    /// Whether `sender` may call `recipient`'s `service`.
    pub fn is_granted(
        &self,
        sender: &ParticipantId,
        recipient: &ParticipantId,
        service: &str,
    ) -> bool {
        self.read()
            .grants
            .contains(&(sender.clone(), recipient.clone(), service.to_string()))
    }

    /// The registered participants.
    pub fn participants(&self) -> Vec<ParticipantId> {
        let mut p: Vec<_> = self.read().endpoints.keys().cloned().collect();
        p.sort();
        p
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }

    fn admit(&self, m: &Envelope) -> Result<Arc<dyn Endpoint>, GatewayError> {
        let inner = self.read();
        if !inner.endpoints.contains_key(&m.sender) {
            return Err(GatewayError::UnknownSender(m.sender.clone()));
        }
        let endpoint = inner
            .endpoints
            .get(&m.recipient)
            .cloned()
            .ok_or_else(|| GatewayError::UnknownRecipient(m.recipient.clone()))?;
        let grant = (m.sender.clone(), m.recipient.clone(), m.service_id.clone());
        // A response travels back along a granted request; it needs no grant of its own.
        if m.kind != MessageKind::Response && !inner.grants.contains(&grant) {
            return Err(GatewayError::NotGranted {
                sender: m.sender.clone(),
                recipient: m.recipient.clone(),
                service: m.service_id.clone(),
            });
        }
        let size = serde_json::to_vec(&m.body)
            .map(|b| b.len())
            .unwrap_or(usize::MAX);
        if size > MAX_MESSAGE_BYTES {
            return Err(GatewayError::TooLarge {
                size,
                limit: MAX_MESSAGE_BYTES,
            });
        }
        Ok(endpoint)
    }

    /// Carry a request and bring back its response.
    pub async fn request(&self, message: Envelope) -> Result<Envelope, GatewayError> {
        let endpoint = self.admit(&message)?;
        let recipient = message.recipient.clone();
        match endpoint.receive(message).await {
            Ok(Some(response)) => Ok(response),
            Ok(None) => Err(GatewayError::NoResponse(recipient)),
            Err(reason) => Err(GatewayError::Refused {
                participant: recipient,
                reason,
            }),
        }
    }

    /// Carry a typed request from `sender` to `recipient`'s `service` and read the typed answer.
    pub async fn call<Q: serde::Serialize, A: serde::de::DeserializeOwned>(
        &self,
        sender: &str,
        recipient: &str,
        service: &str,
        body: &Q,
    ) -> Result<A, GatewayError> {
        let bad = |e: serde_json::Error| GatewayError::BadBody {
            service: service.to_string(),
            reason: e.to_string(),
        };
        let body = serde_json::to_value(body).map_err(bad)?;
        let message = Envelope::request(
            &ParticipantId::new(sender),
            &ParticipantId::new(recipient),
            service,
            body,
        );
        let response = self.request(message).await?;
        serde_json::from_value(response.body).map_err(bad)
    }

    /// Carry a notification or update; no answer is expected.
    pub async fn deliver(&self, message: Envelope) -> Result<(), GatewayError> {
        let endpoint = self.admit(&message)?;
        let recipient = message.recipient.clone();
        endpoint
            .receive(message)
            .await
            .map(|_| ())
            .map_err(|reason| GatewayError::Refused {
                participant: recipient,
                reason,
            })
    }
}

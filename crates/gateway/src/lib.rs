//! The e-government gateway (ШЭП): the only road between information systems, as every seed
//! regulation routes each step «через ШЭП».
//!
//! A participant joins with its [`Endpoint`] and its own [`SystemKey`], whose certificate the
//! NCA issued in the system profile. Every message is signed with the sender's key as it
//! leaves (as X-Road's security server signs for its member), and on receipt the gateway
//! checks, before the recipient sees anything: the sender is registered and its certificate
//! valid and not revoked, the signature holds over the bytes as sent, the recipient exists,
//! the sender was granted the service (denied by default), the message id was not taken
//! before, the size is within the limit. Then the message goes into the hash-chained
//! [`log`] and to the recipient. A response is signed by its sender, bound to its request by
//! the request's hash, and checked and logged as it arrives back. Every refusal is logged
//! with its reason and counted in the [`metrics`].

pub mod batch;
mod envelope;
pub mod http;
pub mod log;
pub mod metrics;
pub mod nats;
pub mod replay;
pub mod revocations;
pub mod services;
pub mod trust;
pub mod wire;

pub use envelope::{DeliveryState, Envelope, MessageKind, ParticipantId};
pub use trust::{SystemKey, Trust, TrustError};
pub use wire::Sealed;

use async_trait::async_trait;
use chrono::Utc;
use log::{LogConfig, MessageLog, RecordKind, Refusal};
use metrics::{Metrics, Route};
use qyzmet_pki::Cert;
use replay::{Seen, Stale};
use serde::Serialize;
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
    #[error(transparent)]
    Untrusted(#[from] TrustError),
    #[error("the message {0} was received before: a replay")]
    Replayed(String),
    #[error("the message {0} is dated outside the gateway's window: too old or from the future")]
    OutOfWindow(String),
    #[error("the message is not an envelope: {0}")]
    Malformed(String),
    #[error("the response does not answer its request: {0}")]
    Unbound(String),
    #[error("the message log cannot be written ({0}); nothing is carried unlogged")]
    Log(String),
    #[error("the road to {0} is unavailable")]
    Unavailable(String),
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

impl GatewayError {
    /// A stable code, as the log and the metrics name the reason.
    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::UnknownSender(_) => "gateway.unknown_sender",
            GatewayError::UnknownRecipient(_) => "gateway.unknown_recipient",
            GatewayError::NotGranted { .. } => "gateway.not_granted",
            GatewayError::TooLarge { .. } => "gateway.too_large",
            GatewayError::Untrusted(TrustError::Forged(_)) => "gateway.forged",
            GatewayError::Untrusted(TrustError::Unknown(_)) => "gateway.unknown_sender",
            GatewayError::Untrusted(TrustError::Revoked { .. }) => "gateway.revoked",
            GatewayError::Untrusted(TrustError::Expired { .. }) => "gateway.expired",
            GatewayError::Untrusted(TrustError::NotASystem { .. }) => "gateway.not_a_system",
            GatewayError::Replayed(_) => "gateway.replayed",
            GatewayError::OutOfWindow(_) => "gateway.out_of_window",
            GatewayError::Malformed(_) => "gateway.malformed",
            GatewayError::Unbound(_) => "gateway.unbound",
            GatewayError::Log(_) => "gateway.log",
            GatewayError::Unavailable(_) => "gateway.unavailable",
            GatewayError::Refused { .. } => "gateway.refused_by_recipient",
            GatewayError::NoResponse(_) => "gateway.no_response",
            GatewayError::BadBody { .. } => "gateway.bad_body",
        }
    }

    /// The status code of a synchronous answer that carries this error.
    pub fn status(&self) -> u16 {
        match self {
            GatewayError::UnknownSender(_) | GatewayError::Untrusted(_) => 401,
            GatewayError::NotGranted { .. } => 403,
            GatewayError::UnknownRecipient(_) => 404,
            GatewayError::Replayed(_) | GatewayError::OutOfWindow(_) => 409,
            GatewayError::TooLarge { .. } => 413,
            GatewayError::Malformed(_) | GatewayError::BadBody { .. } => 400,
            GatewayError::Unbound(_)
            | GatewayError::Refused { .. }
            | GatewayError::NoResponse(_) => 502,
            GatewayError::Log(_) | GatewayError::Unavailable(_) => 503,
        }
    }
}

/// The road to participants of other nodes (NATS across machines: [`nats`]).
#[async_trait]
pub trait Transport: Send + Sync {
    /// Carry a request to the node of `to` and bring back its signed answer.
    async fn request(&self, to: &ParticipantId, sealed: &Sealed) -> Result<Sealed, GatewayError>;
    /// Hand a notice to the road: `Ok` once the road has stored it. Notices with the same
    /// `ordered_by` (a request's id) arrive in the order published.
    async fn publish(
        &self,
        to: &ParticipantId,
        sealed: &Sealed,
        ordered_by: &str,
    ) -> Result<(), GatewayError>;
}

/// A participant's door: it receives messages addressed to it and answers requests.
#[async_trait]
pub trait Endpoint: Send + Sync {
    /// Process a message. A request must be answered with `Some(response)`.
    async fn receive(&self, message: Envelope) -> Result<Option<Envelope>, String>;
}

type Grant = (ParticipantId, ParticipantId, String);

/// The largest message the gateway carries (the envelope as signed, JSON): a filing with
/// its scans, base64, fits.
pub const MAX_MESSAGE_BYTES: usize = 48 * 1024 * 1024;

/// How a gateway node is set up.
pub struct GatewayConfig {
    /// The gateway's own key: it seals the message log.
    pub key: SystemKey,
    /// The NCA's issuing certificates: systems' certificates must come from them.
    pub issuers: Vec<Cert>,
    pub log: LogConfig,
    /// How far a message's date may lie from the gateway's clock; ids are remembered this long.
    pub window: chrono::Duration,
}

impl GatewayConfig {
    pub fn new(key: SystemKey, issuers: Vec<Cert>, log: LogConfig) -> Self {
        GatewayConfig {
            key,
            issuers,
            log,
            window: chrono::Duration::minutes(2),
        }
    }
}

/// The gateway: participants, their keys and grants, the log, and the road between them.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Local {
    endpoint: Arc<dyn Endpoint>,
    signer: batch::BatchSigner,
}

struct Inner {
    own: ParticipantId,
    trust: Trust,
    log: MessageLog,
    seen: Seen,
    metrics: Metrics,
    locals: RwLock<HashMap<ParticipantId, Local>>,
    /// Participants of other nodes, reached over the transport.
    remotes: RwLock<BTreeSet<ParticipantId>>,
    transport: RwLock<Option<Arc<dyn Transport>>>,
    grants: RwLock<BTreeSet<Grant>>,
}

/// A participant as the metadata calls list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantInfo {
    pub id: ParticipantId,
    /// Its certificate's serial number and holder's BIN.
    pub certificate: String,
    pub bin: Option<String>,
    /// The services others may call on it.
    pub services: Vec<String>,
    /// Whether it runs on another node (reached over the road).
    pub remote: bool,
}

/// One granted call, as the metadata calls list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allowed {
    pub recipient: ParticipantId,
    pub service: String,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

impl Gateway {
    /// Open a gateway node: its log (started or continued) and an empty registry.
    pub fn open(config: GatewayConfig) -> Result<Gateway, String> {
        let now = Utc::now();
        let trust = Trust::new(config.issuers);
        let own = config.key.participant().clone();
        trust
            .admit(&own, config.key.cert(), now)
            .map_err(|e| e.to_string())?;
        let log = MessageLog::open(config.log, Arc::new(config.key))?;
        Ok(Gateway {
            inner: Arc::new(Inner {
                own,
                trust,
                log,
                seen: Seen::new(config.window),
                metrics: Metrics::default(),
                locals: RwLock::default(),
                remotes: RwLock::default(),
                transport: RwLock::default(),
                grants: RwLock::default(),
            }),
        })
    }

    /// The gateway's own name in the registry.
    pub fn id(&self) -> &ParticipantId {
        &self.inner.own
    }

    /// Register a participant of this node with its door and its key; its certificate must
    /// be a system certificate of the NCA naming it.
    pub fn register(
        &self,
        key: SystemKey,
        endpoint: Arc<dyn Endpoint>,
    ) -> Result<(), GatewayError> {
        let participant = key.participant().clone();
        self.inner
            .trust
            .admit(&participant, key.cert(), Utc::now())?;
        let signer = batch::BatchSigner::start(Arc::new(key)).map_err(GatewayError::Malformed)?;
        write(&self.inner.locals).insert(participant, Local { endpoint, signer });
        Ok(())
    }

    /// Register a participant of another node by its system certificate: messages to it
    /// go over the transport, messages from it are checked against this certificate.
    pub fn register_remote(
        &self,
        participant: &ParticipantId,
        cert: &Cert,
    ) -> Result<(), GatewayError> {
        self.inner.trust.admit(participant, cert, Utc::now())?;
        write(&self.inner.remotes).insert(participant.clone());
        Ok(())
    }

    /// Whether `participant` runs on this node.
    pub fn is_local(&self, participant: &ParticipantId) -> bool {
        read(&self.inner.locals).contains_key(participant)
    }

    /// The road to the other nodes.
    pub fn attach(&self, transport: Arc<dyn Transport>) {
        *write(&self.inner.transport) = Some(transport);
    }

    fn transport_to(&self, to: &ParticipantId) -> Option<Arc<dyn Transport>> {
        if !read(&self.inner.remotes).contains(to) {
            return None;
        }
        read(&self.inner.transport).clone()
    }

    /// Allow `sender` to call `recipient`'s `service`.
    pub fn grant(&self, sender: &ParticipantId, recipient: &ParticipantId, service: &str) {
        write(&self.inner.grants).insert((sender.clone(), recipient.clone(), service.to_string()));
    }

    /// Whether `sender` may call `recipient`'s `service`.
    pub fn is_granted(
        &self,
        sender: &ParticipantId,
        recipient: &ParticipantId,
        service: &str,
    ) -> bool {
        read(&self.inner.grants).contains(&(sender.clone(), recipient.clone(), service.to_string()))
    }

    /// Whom the gateway trusts, and by which certificates.
    pub fn trust(&self) -> &Trust {
        &self.inner.trust
    }

    pub fn log(&self) -> &MessageLog {
        &self.inner.log
    }

    /// The registered participants, with the services each offers (metadata: list
    /// participants): this node's and those of the other nodes it admitted.
    pub fn participants(&self) -> Vec<ParticipantInfo> {
        let grants = read(&self.inner.grants);
        let locals: Vec<ParticipantId> = read(&self.inner.locals).keys().cloned().collect();
        let remotes: Vec<ParticipantId> = read(&self.inner.remotes).iter().cloned().collect();
        let mut out: Vec<ParticipantInfo> = locals
            .iter()
            .map(|id| (id, false))
            .chain(remotes.iter().map(|id| (id, true)))
            .map(|(id, remote)| {
                let cert = self.inner.trust.certificate(id);
                let services: BTreeSet<String> = grants
                    .iter()
                    .filter(|(_, r, _)| r == id)
                    .map(|(_, _, s)| s.clone())
                    .collect();
                ParticipantInfo {
                    id: id.clone(),
                    certificate: cert.as_ref().map(|c| c.serial_hex()).unwrap_or_default(),
                    bin: cert.and_then(|c| c.bin()),
                    services: services.into_iter().collect(),
                    remote,
                }
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Every service offered on this node, by whom (metadata: list services): those that
    /// someone was granted.
    pub fn services(&self) -> Vec<Allowed> {
        let locals = read(&self.inner.locals);
        let offered: BTreeSet<(ParticipantId, String)> = read(&self.inner.grants)
            .iter()
            .filter(|(_, r, _)| locals.contains_key(r))
            .map(|(_, r, s)| (r.clone(), s.clone()))
            .collect();
        offered
            .into_iter()
            .map(|(recipient, service)| Allowed { recipient, service })
            .collect()
    }

    /// What `sender` may call (metadata: allowed services).
    pub fn allowed(&self, sender: &ParticipantId) -> Vec<Allowed> {
        read(&self.inner.grants)
            .iter()
            .filter(|(s, _, _)| s == sender)
            .map(|(_, r, service)| Allowed {
                recipient: r.clone(),
                service: service.clone(),
            })
            .collect()
    }

    /// The metrics, Prometheus text format.
    pub fn metrics(&self) -> String {
        self.inner.metrics.gauge(
            "qyzmet_gateway_log_records",
            "Records in the message log (its last sequence number).",
            self.inner.log.last_seq() as i64,
        );
        self.inner.metrics.render()
    }

    /// Count on this gateway's metrics (for the parts that deliver through it: the outbox).
    pub fn metrics_handle(&self) -> &Metrics {
        &self.inner.metrics
    }

    fn local(&self, id: &ParticipantId) -> Option<(Arc<dyn Endpoint>, batch::BatchSigner)> {
        read(&self.inner.locals)
            .get(id)
            .map(|l| (l.endpoint.clone(), l.signer.clone()))
    }

    /// Sign a message as it leaves its (local) sender.
    pub async fn seal(&self, message: &Envelope) -> Result<Sealed, GatewayError> {
        let (_, signer) = self
            .local(&message.sender)
            .ok_or_else(|| GatewayError::UnknownSender(message.sender.clone()))?;
        let bytes =
            serde_json::to_vec(message).map_err(|e| GatewayError::Malformed(e.to_string()))?;
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(GatewayError::TooLarge {
                size: bytes.len(),
                limit: MAX_MESSAGE_BYTES,
            });
        }
        self.sealed_by(&message.sender, &signer, bytes).await
    }

    /// Sign `bytes` with a local participant's signer, vouching for the root to this node's
    /// trust ([`Trust::vouch`]).
    async fn sealed_by(
        &self,
        participant: &ParticipantId,
        signer: &batch::BatchSigner,
        bytes: Vec<u8>,
    ) -> Result<Sealed, GatewayError> {
        let sealed = signer.seal(bytes).await.map_err(GatewayError::Malformed)?;
        self.inner
            .trust
            .vouch(participant, signer.serial(), &sealed);
        Ok(sealed)
    }

    /// Log a refusal and count it; the error is returned for the caller to pass on.
    async fn refuse(
        &self,
        e: GatewayError,
        sealed: &Sealed,
        message: Option<&Envelope>,
    ) -> GatewayError {
        use sha2::Digest;
        let refusal = Refusal {
            code: e.code().to_string(),
            reason: e.to_string(),
            message_id: message.map(|m| m.message_id.clone()),
            sender: message.map(|m| m.sender.0.clone()),
            recipient: message.map(|m| m.recipient.0.clone()),
            service: message.map(|m| m.service_id.clone()),
            size: sealed.bytes.len(),
            sha256: wire::hex(&sha2::Sha256::digest(&sealed.bytes)),
        };
        self.inner.metrics.refused(message.map(route), e.code());
        let payload = serde_json::to_vec(&refusal).unwrap_or_default();
        match self.inner.log.append(RecordKind::Refusal, payload).await {
            Ok(_) => e,
            Err(log) => GatewayError::Log(log),
        }
    }

    /// Check a message as it arrives, before anyone acts on it: size, envelope, sender's
    /// trust and signature, and — for what is not a response — the recipient, the grant and
    /// the message id. On success it is in the log.
    async fn admit(
        &self,
        sealed: &Sealed,
        expect_response: bool,
        again: bool,
    ) -> Result<Envelope, GatewayError> {
        if sealed.bytes.len() > MAX_MESSAGE_BYTES {
            let e = GatewayError::TooLarge {
                size: sealed.bytes.len(),
                limit: MAX_MESSAGE_BYTES,
            };
            return Err(self.refuse(e, sealed, None).await);
        }
        let message: Envelope = match serde_json::from_slice(&sealed.bytes) {
            Ok(m) => m,
            Err(e) => {
                return Err(self
                    .refuse(GatewayError::Malformed(e.to_string()), sealed, None)
                    .await)
            }
        };
        match self.check(sealed, &message, expect_response, again) {
            Ok(()) => {}
            Err(e) => return Err(self.refuse(e, sealed, Some(&message)).await),
        }
        self.inner
            .log
            .append(RecordKind::Message, sealed.encode())
            .await
            .map_err(GatewayError::Log)?;
        Ok(message)
    }

    fn check(
        &self,
        sealed: &Sealed,
        m: &Envelope,
        expect_response: bool,
        again: bool,
    ) -> Result<(), GatewayError> {
        let now = Utc::now();
        self.inner.trust.check(&m.sender, sealed, now)?;
        if (m.kind == MessageKind::Response) != expect_response {
            return Err(GatewayError::Malformed(format!(
                "a {} where a {} was expected",
                m.kind.as_str(),
                if expect_response {
                    "response"
                } else {
                    "request or notice"
                }
            )));
        }
        if !expect_response {
            if self.local(&m.recipient).is_none() {
                return Err(GatewayError::UnknownRecipient(m.recipient.clone()));
            }
            if !self.is_granted(&m.sender, &m.recipient, &m.service_id) {
                return Err(GatewayError::NotGranted {
                    sender: m.sender.clone(),
                    recipient: m.recipient.clone(),
                    service: m.service_id.clone(),
                });
            }
        }
        // A request is taken once by its id, and only within the window of its date. A
        // notice may come again under its id — its sender retries what it does not know
        // arrived — and may have waited on the road (a receiver down for hours): its
        // receiver's inbox takes each id once, and the gateway refuses the same signed notice
        // brought twice while its date is in the window.
        let result = match m.kind {
            MessageKind::Request | MessageKind::Response => {
                self.inner.seen.take(&m.message_id, m.message_date, now)
            }
            // The road itself bringing a notice again (its receiving node did not acknowledge
            // it: killed, or the recipient failed) is no replay: the inbox takes it once.
            MessageKind::Notification | MessageKind::Update if again => Ok(()),
            MessageKind::Notification | MessageKind::Update => {
                match self
                    .inner
                    .seen
                    .take(&sealed.hash_hex(), m.message_date, now)
                {
                    Err(Stale::OutOfWindow) => Ok(()),
                    other => other,
                }
            }
        };
        result.map_err(|s| match s {
            Stale::Replayed => GatewayError::Replayed(m.message_id.clone()),
            Stale::OutOfWindow => GatewayError::OutOfWindow(m.message_id.clone()),
        })
    }

    /// The receiving side: take a signed message off the road, check and log it, hand it to
    /// its recipient, and sign the recipient's response bound to it. Transports call this;
    /// so do tests that bring forged or replayed messages.
    pub async fn receive(&self, sealed: Sealed) -> Result<Option<Sealed>, GatewayError> {
        self.receive_as(sealed, false).await
    }

    /// [`Gateway::receive`] for a notice the road brings again because its first delivery
    /// was not acknowledged (the durable road's redelivery, never a sender's): checked, signed
    /// and logged like any, but not refused as a replay of itself.
    pub async fn receive_again(&self, sealed: Sealed) -> Result<Option<Sealed>, GatewayError> {
        self.receive_as(sealed, true).await
    }

    async fn receive_as(
        &self,
        sealed: Sealed,
        again: bool,
    ) -> Result<Option<Sealed>, GatewayError> {
        let message = self.admit(&sealed, false, again).await?;
        let (endpoint, signer) = self
            .local(&message.recipient)
            .ok_or_else(|| GatewayError::UnknownRecipient(message.recipient.clone()))?;
        let took = (Utc::now() - message.message_date)
            .to_std()
            .unwrap_or_default();
        self.inner.metrics.delivered(route(&message), took);
        let is_request = message.kind == MessageKind::Request;
        let recipient = message.recipient.clone();
        let answer = endpoint
            .receive(message)
            .await
            .map_err(|reason| GatewayError::Refused {
                participant: recipient.clone(),
                reason,
            })?;
        match (is_request, answer) {
            (true, None) => Err(GatewayError::NoResponse(recipient)),
            (true, Some(mut response)) => {
                response.sender = recipient;
                response.kind = MessageKind::Response;
                response.request_hash = Some(sealed.hash_hex());
                response.status.get_or_insert(200);
                let bytes = serde_json::to_vec(&response)
                    .map_err(|e| GatewayError::Malformed(e.to_string()))?;
                let sealed = self.sealed_by(&response.sender, &signer, bytes).await?;
                Ok(Some(sealed))
            }
            (false, _) => Ok(None),
        }
    }

    /// Carry a request and bring back its response, checked: signed by the recipient, bound
    /// to this request by its hash and id.
    pub async fn request(&self, message: Envelope) -> Result<Envelope, GatewayError> {
        let sealed = self.seal(&message).await?;
        let recipient = message.recipient.clone();
        let answer = match self.transport_to(&recipient) {
            Some(road) => road.request(&recipient, &sealed).await?,
            None => self
                .receive(sealed.clone())
                .await?
                .ok_or(GatewayError::NoResponse(recipient.clone()))?,
        };
        let response = self.admit(&answer, true, false).await?;
        let bound = response.correlation_id.as_deref() == Some(message.message_id.as_str())
            && response.request_hash.as_deref() == Some(sealed.hash_hex().as_str())
            && response.sender == recipient;
        if !bound {
            return Err(self
                .refuse(
                    GatewayError::Unbound(format!(
                        "the answer from {} names another request",
                        response.sender
                    )),
                    &answer,
                    Some(&response),
                )
                .await);
        }
        Ok(response)
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
        let sealed = self.seal(&message).await?;
        match self.transport_to(&message.recipient) {
            Some(road) => {
                // In order per request (its id is the notice's correlation id), else per message.
                let key = message
                    .correlation_id
                    .as_deref()
                    .unwrap_or(&message.message_id);
                road.publish(&message.recipient, &sealed, key).await
            }
            None => self.receive(sealed).await.map(|_| ()),
        }
    }
}

fn route(m: &Envelope) -> Route {
    Route {
        sender: m.sender.0.clone(),
        recipient: m.recipient.0.clone(),
        service: m.service_id.clone(),
        kind: m.kind.as_str(),
    }
}

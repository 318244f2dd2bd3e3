//! The road across machines: NATS for synchronous requests (request and reply) and JetStream
//! for notices (stored by the road before the sender counts them delivered, consumed by the
//! receiving node with explicit acknowledgement, so a node that is down or killed mid-stream
//! gets every notice when it comes back; its inbox takes each once). Every message on the
//! wire is the same signed [`Sealed`] the embedded road carries, checked again on receipt.
//!
//! Subjects: `<prefix>.req.<participant>` and `<prefix>.msg.<participant>.<lane>`; one stream
//! `<PREFIX>` holds `<prefix>.msg.>`.
//!
//! The directory: a stream `<PREFIX>_DIRECTORY` (`<prefix>.dir.<participant>`, the last entry
//! of each kept) where each node puts the system
//! certificates of the participants it runs ([`Nats::announce`]) and from which every node admits
//! the others' ([`Nats::follow_directory`]), as X-Road's global configuration does. The bucket
//! is not trusted: a certificate in it is admitted only if the NCA issued it to the participant
//! it names (`Trust::admit`), so a forged entry only gets itself refused.

mod large;

use crate::{Gateway, GatewayError, ParticipantId, Sealed, Transport};
use async_nats::jetstream::{self, consumer, stream, AckKind};
use async_trait::async_trait;
use futures_util::StreamExt;
use qyzmet_pki::Cert;
use std::time::Duration;

/// How long JetStream waits for a node's acknowledgement before it delivers a notice again: a
/// node killed after taking a notice and before acknowledging it gets it back this soon after
/// it restarts. Far above a notice's handling time (milliseconds); a redelivery that does
/// arrive twice is taken once by the receiver's inbox.
pub const REDELIVER_AFTER: Duration = Duration::from_secs(5);

/// The lanes of a participant's notices: the notices of one request (one ordering key) keep
/// to one lane and arrive in order; the lanes are consumed side by side.
pub const LANES: u32 = 8;

/// The lane of ordering key `key`: the same on every node and version.
fn lane_of(key: &str) -> u32 {
    use sha2::Digest;
    let h = sha2::Sha256::digest(key.as_bytes());
    u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % LANES
}

/// How long a synchronous request over NATS may take: its answer comes in milliseconds; a
/// node that holds one this long is down (killed mid-request), and the caller is told so.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A node's connection to the road.
#[derive(Clone)]
pub struct Nats {
    client: async_nats::Client,
    js: jetstream::Context,
    prefix: String,
    /// The most the server carries in one message; larger ones go in pieces.
    max_payload: usize,
}

fn token(p: &ParticipantId) -> String {
    p.0.replace(['.', '*', '>', ' '], "_")
}

/// The answer of a remote node: `0` and the signed response, or `1` and the refusal's
/// code and reason.
fn answer_ok(sealed: &Sealed) -> Vec<u8> {
    let mut out = vec![0u8];
    out.extend_from_slice(&sealed.encode());
    out
}

fn answer_err(e: &GatewayError) -> Vec<u8> {
    let mut out = vec![1u8];
    out.extend_from_slice(format!("{}\n{e}", e.code()).as_bytes());
    out
}

impl Nats {
    /// Connect to `url` and make sure the stream for `prefix` exists.
    pub async fn connect(url: &str, prefix: &str) -> Result<Nats, String> {
        let client = async_nats::connect(url)
            .await
            .map_err(|e| format!("NATS at {url}: {e}"))?;
        let js = jetstream::new(client.clone());
        js.get_or_create_stream(stream::Config {
            name: Self::stream_name(prefix),
            subjects: vec![format!("{prefix}.msg.>")],
            duplicate_window: Duration::from_secs(120),
            max_age: Duration::from_secs(7 * 24 * 3600),
            ..Default::default()
        })
        .await
        .map_err(|e| format!("the JetStream stream for {prefix}: {e}"))?;
        large::prepare(&js, prefix, &Self::stream_name(prefix)).await?;
        Ok(Nats {
            max_payload: client.server_info().max_payload,
            client,
            js,
            prefix: prefix.to_string(),
        })
    }

    /// The stream of the road's notices (operations, tests).
    pub fn stream(&self) -> String {
        Self::stream_name(&self.prefix)
    }

    /// The deployment's prefix of subjects.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn stream_name(prefix: &str) -> String {
        prefix
            .to_ascii_uppercase()
            .replace(['.', '*', '>', ' '], "_")
    }

    fn directory_name(prefix: &str) -> String {
        format!("{}_DIRECTORY", Self::stream_name(prefix))
    }

    /// The directory's stream: the last entry of each participant (a JetStream stream kept
    /// like a key-value bucket, which the NATS servers of 2.9 still serve).
    async fn directory(&self) -> Result<stream::Stream, String> {
        let name = Self::directory_name(&self.prefix);
        self.js
            .get_or_create_stream(stream::Config {
                name: name.clone(),
                subjects: vec![format!("{}.dir.>", self.prefix)],
                max_messages_per_subject: 1,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("the directory {name}: {e}"))
    }

    /// Put `participant`'s system certificate in the directory, for the other nodes.
    pub async fn announce(&self, participant: &ParticipantId, cert: &Cert) -> Result<(), String> {
        self.directory().await?;
        let entry = serde_json::json!({
            "participant": participant.0,
            "certificate": String::from_utf8_lossy(&cert.to_pem()),
        });
        let failed = |e: String| format!("announcing {participant}: {e}");
        self.js
            .publish(
                format!("{}.dir.{}", self.prefix, token(participant)),
                entry.to_string().into(),
            )
            .await
            .map_err(|e| failed(e.to_string()))?
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(())
    }

    /// Admit `sender` from the directory, if it is there now (a node announced itself a moment
    /// before its first message reached this one): whether it was admitted.
    async fn admit_from_directory(&self, gateway: &Gateway, sender: &ParticipantId) -> bool {
        let Ok(directory) = self.directory().await else {
            return false;
        };
        let subject = format!("{}.dir.{}", self.prefix, token(sender));
        let Ok(entry) = directory.get_last_raw_message_by_subject(&subject).await else {
            return false;
        };
        match directory_entry(&entry.payload) {
            Some((id, cert)) if &id == sender => gateway.register_remote(&id, &cert).is_ok(),
            _ => false,
        }
    }

    /// Take `sealed` into `gateway` (`again`: the road brings it a second time); a sender this
    /// node does not know yet is looked up in the directory first, then the message is taken.
    async fn take(
        &self,
        gateway: &Gateway,
        sealed: Sealed,
        again: bool,
    ) -> Result<Option<Sealed>, GatewayError> {
        let receive = |sealed: Sealed| async move {
            if again {
                gateway.receive_again(sealed).await
            } else {
                gateway.receive(sealed).await
            }
        };
        match receive(sealed.clone()).await {
            Err(GatewayError::UnknownSender(who))
            | Err(GatewayError::Untrusted(crate::TrustError::Unknown(who)))
                if self.admit_from_directory(gateway, &who).await =>
            {
                receive(sealed).await
            }
            outcome => outcome,
        }
    }

    /// Admit into `gateway` every participant of another node that the directory names, now and
    /// as nodes announce themselves (a node started later, a key issued anew); returns once
    /// the entries there now are admitted.
    pub async fn follow_directory(
        &self,
        gateway: Gateway,
    ) -> Result<tokio::task::JoinHandle<()>, String> {
        let mut directory = self.directory().await?;
        let failed = |e: String| format!("the directory: {e}");
        let now = directory
            .info()
            .await
            .map_err(|e| failed(e.to_string()))?
            .state
            .messages;
        let consumer = directory
            .create_consumer(consumer::pull::Config {
                deliver_policy: consumer::DeliverPolicy::LastPerSubject,
                ack_policy: consumer::AckPolicy::None,
                filter_subject: format!("{}.dir.>", self.prefix),
                inactive_threshold: Duration::from_secs(60),
                ..Default::default()
            })
            .await
            .map_err(|e| failed(e.to_string()))?;
        let mut entries = consumer
            .messages()
            .await
            .map_err(|e| failed(e.to_string()))?;
        let admit = move |gateway: &Gateway, value: &[u8]| {
            let Some((id, cert)) = directory_entry(value) else {
                eprintln!("gateway: an unreadable entry in the directory, ignored");
                return;
            };
            if gateway.is_local(&id) {
                return;
            }
            if let Err(e) = gateway.register_remote(&id, &cert) {
                eprintln!("gateway: the directory's certificate for {id} is refused: {e}");
            }
        };
        // What is there now, before the node starts to send.
        if now > 0 {
            while let Some(m) = entries.next().await {
                let m = m.map_err(|e| failed(e.to_string()))?;
                admit(&gateway, &m.payload);
                if m.info().map_or(true, |i| i.pending == 0) {
                    break;
                }
            }
        }
        Ok(tokio::spawn(async move {
            while let Some(m) = entries.next().await {
                match m {
                    Ok(m) => admit(&gateway, &m.payload),
                    Err(e) => eprintln!("gateway: the directory: {e}"),
                }
            }
        }))
    }

    /// Remove the stream and what it holds (tests, decommissioning).
    pub async fn delete_stream(&self) -> Result<(), String> {
        self.js
            .delete_stream(Self::stream_name(&self.prefix))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())?;
        let _ = self
            .js
            .delete_stream(large::stream_name(&Self::stream_name(&self.prefix)))
            .await;
        // The directory goes with it, if there is one.
        let _ = self
            .js
            .delete_stream(Self::directory_name(&self.prefix))
            .await;
        Ok(())
    }

    fn subject(&self, kind: &str, to: &ParticipantId) -> String {
        format!("{}.{kind}.{}", self.prefix, token(to))
    }

    /// The most the NATS server carries in one message (larger ones go in pieces).
    pub fn max_payload(&self) -> usize {
        self.max_payload
    }

    /// What to send for `bytes` (in pieces when they are too large for one NATS message).
    async fn outgoing(
        &self,
        bytes: Vec<u8>,
        headers: &mut async_nats::HeaderMap,
    ) -> Result<bytes::Bytes, String> {
        large::outgoing(self.max_payload, &self.js, &self.prefix, bytes, headers).await
    }

    /// The bytes of a message that arrived (gathered from its pieces when it is large).
    async fn incoming(
        &self,
        headers: Option<&async_nats::HeaderMap>,
        payload: &bytes::Bytes,
    ) -> Result<bytes::Bytes, String> {
        let stream = Self::stream_name(&self.prefix);
        large::incoming(&self.js, &self.prefix, &stream, headers, payload).await
    }

    /// The subject of `to`'s notices in `lane`.
    fn lane_subject(&self, to: &ParticipantId, lane: u32) -> String {
        format!("{}.{lane}", self.subject("msg", to))
    }

    /// Serve the local `participant` of `gateway` from the road: its requests (any number of
    /// nodes may serve it: a queue group) and its notices (a durable consumer per lane, each
    /// in order).
    /// Runs until the task is aborted; a notice taken but not acknowledged comes again.
    pub async fn serve(
        &self,
        gateway: Gateway,
        participant: ParticipantId,
    ) -> Result<tokio::task::JoinHandle<()>, String> {
        let mut requests = self
            .client
            .queue_subscribe(self.subject("req", &participant), token(&participant))
            .await
            .map_err(|e| e.to_string())?;
        let stream = self
            .js
            .get_stream(Self::stream_name(&self.prefix))
            .await
            .map_err(|e| e.to_string())?;
        let mut lanes = Vec::with_capacity(LANES as usize);
        for lane in 0..LANES {
            let name = format!("deliver-{}-{lane}", token(&participant));
            let consumer = stream
                .get_or_create_consumer(
                    &name,
                    consumer::pull::Config {
                        durable_name: Some(name.clone()),
                        filter_subject: self.lane_subject(&participant, lane),
                        ack_policy: consumer::AckPolicy::Explicit,
                        ack_wait: REDELIVER_AFTER,
                        // One unacknowledged notice at a time per lane: after a node dies, the
                        // notice it held comes again before any later one of its lane.
                        max_ack_pending: 1,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            // The first subscription here, so that a road that cannot serve fails the start.
            let first = consumer.messages().await.map_err(|e| e.to_string())?;
            lanes.push((consumer, first));
        }
        let client = self.client.clone();
        let g = gateway.clone();
        let road = self.clone();
        Ok(tokio::spawn(async move {
            let answering = async {
                while let Some(m) = requests.next().await {
                    let (client, g, road) = (client.clone(), g.clone(), road.clone());
                    tokio::spawn(async move {
                        let bytes = road.incoming(m.headers.as_ref(), &m.payload).await;
                        let reply = match bytes.as_deref().map(Sealed::decode) {
                            Err(e) => answer_err(&GatewayError::Malformed(e.clone())),
                            Ok(None) => {
                                answer_err(&GatewayError::Malformed("not a sealed message".into()))
                            }
                            Ok(Some(sealed)) => match road.take(&g, sealed, false).await {
                                Ok(Some(answer)) => answer_ok(&answer),
                                Ok(None) => {
                                    answer_err(&GatewayError::NoResponse(ParticipantId::new("?")))
                                }
                                Err(e) => answer_err(&e),
                            },
                        };
                        if let Some(to) = m.reply {
                            let mut headers = async_nats::HeaderMap::new();
                            match road.outgoing(reply, &mut headers).await {
                                Ok(payload) => {
                                    let _ = client.publish_with_headers(to, headers, payload).await;
                                }
                                Err(e) => {
                                    let e = GatewayError::Unavailable(format!("the answer: {e}"));
                                    let _ = client.publish(to, answer_err(&e).into()).await;
                                }
                            }
                        }
                    });
                }
            };
            // Each lane one notice at a time, the lanes side by side.
            let consuming = futures_util::future::join_all(lanes.into_iter().map(|lane| {
                let (gateway, road) = (gateway.clone(), road.clone());
                let (consumer, first) = lane;
                async move {
                    let mut notices = Some(first);
                    loop {
                        // A lane whose subscription ended (the server restarted, a missed
                        // heartbeat) subscribes again: its durable consumer kept its place.
                        let stream = match notices.take() {
                            Some(s) => Some(s),
                            None => match consumer.messages().await {
                                Ok(s) => Some(s),
                                Err(e) => {
                                    eprintln!("gateway: a lane of the road: {e}; again in 1 s");
                                    None
                                }
                            },
                        };
                        if let Some(stream) = stream {
                            take_lane(&road, &gateway, stream).await;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }));
            tokio::join!(answering, consuming);
        }))
    }
}

/// Take a lane's notices one at a time while its subscription lasts; an error on the way
/// (a heartbeat missed, the consumer gone) ends this subscription, and the lane subscribes
/// again.
async fn take_lane(road: &Nats, gateway: &Gateway, mut notices: consumer::pull::Stream) {
    while let Some(next) = notices.next().await {
        let m = match next {
            Ok(m) => m,
            Err(e) => {
                eprintln!("gateway: a lane of the road: {e}; subscribing again");
                return;
            }
        };
        let again = m.info().is_ok_and(|i| i.delivered > 1);
        let bytes = road.incoming(m.headers.as_ref(), &m.payload).await;
        let outcome = match bytes.as_deref().map(Sealed::decode) {
            // Its pieces are not all there yet: again, later.
            Err(e) => Err(GatewayError::Unavailable(e.clone())),
            Ok(None) => Ok(()),
            Ok(Some(sealed)) => road.take(gateway, sealed, again).await.map(|_| ()),
        };
        let ack = match outcome {
            // Taken, or refused for good (forged, not granted, replayed — logged as such):
            // either way it is not brought again.
            Ok(()) => AckKind::Ack,
            Err(e) if is_final(&e) => AckKind::Ack,
            Err(_) => AckKind::Nak(Some(Duration::from_millis(200))),
        };
        let _ = m.ack_with(ack).await;
    }
}

/// A directory entry: the participant and its certificate.
fn directory_entry(value: &[u8]) -> Option<(ParticipantId, Cert)> {
    let v: serde_json::Value = serde_json::from_slice(value).ok()?;
    let id = ParticipantId::new(v["participant"].as_str()?);
    let cert = Cert::from_pem(v["certificate"].as_str()?.as_bytes()).ok()?;
    Some((id, cert))
}

/// A refusal that a second attempt cannot change.
fn is_final(e: &GatewayError) -> bool {
    !matches!(
        e,
        GatewayError::Refused { .. } | GatewayError::Log(_) | GatewayError::Unavailable(_)
    )
}

#[async_trait]
impl Transport for Nats {
    async fn request(&self, to: &ParticipantId, sealed: &Sealed) -> Result<Sealed, GatewayError> {
        let unavailable = |e: String| GatewayError::Unavailable(format!("{to}: {e}"));
        let mut headers = async_nats::HeaderMap::new();
        let payload = self
            .outgoing(sealed.encode(), &mut headers)
            .await
            .map_err(unavailable)?;
        let reply = tokio::time::timeout(
            REQUEST_TIMEOUT,
            self.client
                .request_with_headers(self.subject("req", to), headers, payload),
        )
        .await
        .map_err(|_| unavailable("no answer in time".into()))?
        .map_err(|e| unavailable(e.to_string()))?;
        let answer = self
            .incoming(reply.headers.as_ref(), &reply.payload)
            .await
            .map_err(unavailable)?;
        match answer.split_first() {
            Some((0, rest)) => {
                Sealed::decode(rest).ok_or_else(|| unavailable("an unreadable answer".into()))
            }
            Some((_, rest)) => {
                let text = String::from_utf8_lossy(rest);
                let (code, reason) = text.split_once('\n').unwrap_or(("gateway.refused", &text));
                Err(GatewayError::Refused {
                    participant: to.clone(),
                    reason: format!("{reason} ({code})"),
                })
            }
            None => Err(unavailable("an empty answer".into())),
        }
    }

    async fn publish(
        &self,
        to: &ParticipantId,
        sealed: &Sealed,
        ordered_by: &str,
    ) -> Result<(), GatewayError> {
        let unavailable = |e: String| GatewayError::Unavailable(format!("{to}: {e}"));
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", sealed.hash_hex().as_str());
        let payload = self
            .outgoing(sealed.encode(), &mut headers)
            .await
            .map_err(unavailable)?;
        let ack = self
            .js
            .publish_with_headers(self.lane_subject(to, lane_of(ordered_by)), headers, payload)
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        ack.await.map_err(|e| unavailable(e.to_string()))?;
        Ok(())
    }
}

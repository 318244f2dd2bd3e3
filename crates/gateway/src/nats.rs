//! The road across machines: NATS for synchronous requests (request and reply) and JetStream
//! for notices (stored by the road before the sender counts them delivered, consumed by the
//! receiving node with explicit acknowledgement, so a node that is down or killed mid-stream
//! gets every notice when it comes back; its inbox takes each once). Every message on the
//! wire is the same signed [`Sealed`] the embedded road carries, checked again on receipt.
//!
//! Subjects: `<prefix>.req.<participant>` and `<prefix>.msg.<participant>`; one stream
//! `<PREFIX>` holds `<prefix>.msg.>`.

use crate::{Gateway, GatewayError, ParticipantId, Sealed, Transport};
use async_nats::jetstream::{self, consumer, stream, AckKind};
use async_trait::async_trait;
use futures_util::StreamExt;
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

/// How long a synchronous request over NATS may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A node's connection to the road.
#[derive(Clone)]
pub struct Nats {
    client: async_nats::Client,
    js: jetstream::Context,
    prefix: String,
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
        Ok(Nats {
            client,
            js,
            prefix: prefix.to_string(),
        })
    }

    fn stream_name(prefix: &str) -> String {
        prefix
            .to_ascii_uppercase()
            .replace(['.', '*', '>', ' '], "_")
    }

    /// Remove the stream and what it holds (tests, decommissioning).
    pub async fn delete_stream(&self) -> Result<(), String> {
        self.js
            .delete_stream(Self::stream_name(&self.prefix))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn subject(&self, kind: &str, to: &ParticipantId) -> String {
        format!("{}.{kind}.{}", self.prefix, token(to))
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
            lanes.push(consumer.messages().await.map_err(|e| e.to_string())?);
        }
        let client = self.client.clone();
        let g = gateway.clone();
        Ok(tokio::spawn(async move {
            let answering = async {
                while let Some(m) = requests.next().await {
                    let (client, g) = (client.clone(), g.clone());
                    tokio::spawn(async move {
                        let reply = match Sealed::decode(&m.payload) {
                            None => {
                                answer_err(&GatewayError::Malformed("not a sealed message".into()))
                            }
                            Some(sealed) => match g.receive(sealed).await {
                                Ok(Some(answer)) => answer_ok(&answer),
                                Ok(None) => {
                                    answer_err(&GatewayError::NoResponse(ParticipantId::new("?")))
                                }
                                Err(e) => answer_err(&e),
                            },
                        };
                        if let Some(to) = m.reply {
                            let _ = client.publish(to, reply.into()).await;
                        }
                    });
                }
            };
            // Each lane one notice at a time, the lanes side by side.
            let consuming = futures_util::future::join_all(lanes.into_iter().map(|mut notices| {
                let gateway = gateway.clone();
                async move {
                    while let Some(Ok(m)) = notices.next().await {
                        let again = m.info().is_ok_and(|i| i.delivered > 1);
                        let outcome = match Sealed::decode(&m.payload) {
                            None => Ok(()),
                            Some(sealed) if again => {
                                gateway.receive_again(sealed).await.map(|_| ())
                            }
                            Some(sealed) => gateway.receive(sealed).await.map(|_| ()),
                        };
                        let ack = match outcome {
                            // Taken, or refused for good (forged, not granted, replayed —
                            // logged as such): either way it is not brought again.
                            Ok(()) => AckKind::Ack,
                            Err(e) if is_final(&e) => AckKind::Ack,
                            Err(_) => AckKind::Nak(Some(Duration::from_millis(200))),
                        };
                        let _ = m.ack_with(ack).await;
                    }
                }
            }));
            tokio::join!(answering, consuming);
        }))
    }
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
        let reply = tokio::time::timeout(
            REQUEST_TIMEOUT,
            self.client
                .request(self.subject("req", to), sealed.encode().into()),
        )
        .await
        .map_err(|_| unavailable("no answer in time".into()))?
        .map_err(|e| unavailable(e.to_string()))?;
        match reply.payload.split_first() {
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
        let ack = self
            .js
            .publish_with_headers(
                self.lane_subject(to, lane_of(ordered_by)),
                headers,
                sealed.encode().into(),
            )
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        ack.await.map_err(|e| unavailable(e.to_string()))?;
        Ok(())
    }
}

//! Messages larger than the NATS server carries in one piece (`max_payload`, 1 MiB unless its
//! operator raised it; a filing with its scans may be 40 MiB): the bytes go first, in pieces,
//! into a stream of their own (`<PREFIX>_LARGE`, `<prefix>.large.<sha256>`), and the message
//! itself carries only their digest and length in a header. The receiver gathers the pieces
//! and checks the digest before anything reads them; the signed message inside is then
//! checked as any other.

use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use bytes::Bytes;
use futures_util::StreamExt;
use sha2::Digest;
use std::time::Duration;

/// The header of a message whose bytes travel in pieces: `<sha256 hex> <length>`.
const HEADER: &str = "Qyzmet-Large";
/// The header of one piece: `<index>`.
const PIECE_HEADER: &str = "Qyzmet-Piece";
/// The size of a piece: well under the 1 MiB NATS carries by default.
const PIECE: usize = 512 * 1024;
/// What a message's headers and protocol take beside its payload.
const HEADROOM: usize = 8 * 1024;
/// The largest message the road carries in pieces (the gateway's own limit is below it).
const MAX_LARGE: usize = 64 * 1024 * 1024;

pub(super) fn stream_name(stream: &str) -> String {
    format!("{stream}_LARGE")
}

/// Make sure the pieces' stream exists.
pub(super) async fn prepare(
    js: &jetstream::Context,
    prefix: &str,
    stream: &str,
) -> Result<(), String> {
    js.get_or_create_stream(stream::Config {
        name: stream_name(stream),
        subjects: vec![format!("{prefix}.large.>")],
        max_age: Duration::from_secs(7 * 24 * 3600),
        ..Default::default()
    })
    .await
    .map(|_| ())
    .map_err(|e| format!("the stream of large messages: {e}"))
}

/// What to send for `bytes`: as they are when they fit in one NATS message, or their pieces
/// stored first and a header naming them (into `headers`) with an empty payload.
pub(super) async fn outgoing(
    max_payload: usize,
    js: &jetstream::Context,
    prefix: &str,
    bytes: Vec<u8>,
    headers: &mut HeaderMap,
) -> Result<Bytes, String> {
    if bytes.len() + HEADROOM <= max_payload {
        return Ok(bytes.into());
    }
    if bytes.len() > MAX_LARGE {
        return Err(format!(
            "the message is {} bytes; the road carries at most {MAX_LARGE}",
            bytes.len()
        ));
    }
    let digest = hex(&sha2::Sha256::digest(&bytes));
    let subject = format!("{prefix}.large.{digest}");
    for (i, piece) in bytes.chunks(PIECE).enumerate() {
        let mut h = HeaderMap::new();
        h.insert(PIECE_HEADER, i.to_string().as_str());
        // The same piece sent again (a retry) is stored once.
        h.insert("Nats-Msg-Id", format!("{digest}-{i}").as_str());
        js.publish_with_headers(subject.clone(), h, Bytes::copy_from_slice(piece))
            .await
            .map_err(|e| format!("storing a piece: {e}"))?
            .await
            .map_err(|e| format!("storing a piece: {e}"))?;
    }
    headers.insert(HEADER, format!("{digest} {}", bytes.len()).as_str());
    Ok(Bytes::new())
}

/// The bytes of a message that arrived with `headers` and `payload`: the payload, or the
/// pieces it names, gathered and checked against their digest.
pub(super) async fn incoming(
    js: &jetstream::Context,
    prefix: &str,
    stream: &str,
    headers: Option<&HeaderMap>,
    payload: &Bytes,
) -> Result<Bytes, String> {
    let Some(named) = headers.and_then(|h| h.get(HEADER)) else {
        return Ok(payload.clone());
    };
    let (digest, len) = named
        .as_str()
        .split_once(' ')
        .and_then(|(d, l)| Some((d.to_string(), l.parse::<usize>().ok()?)))
        .filter(|(d, l)| {
            d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) && *l <= MAX_LARGE
        })
        .ok_or("a large message's header is unreadable")?;
    let count = len.div_ceil(PIECE);
    let failed = |e: String| format!("the pieces of {digest}: {e}");
    let consumer = js
        .get_stream(stream_name(stream))
        .await
        .map_err(|e| failed(e.to_string()))?
        .create_consumer(consumer::pull::Config {
            filter_subject: format!("{prefix}.large.{digest}"),
            ack_policy: consumer::AckPolicy::None,
            inactive_threshold: Duration::from_secs(30),
            ..Default::default()
        })
        .await
        .map_err(|e| failed(e.to_string()))?;
    let mut pieces: Vec<Option<Bytes>> = vec![None; count];
    let mut found = 0;
    let mut messages = consumer
        .messages()
        .await
        .map_err(|e| failed(e.to_string()))?;
    while found < count {
        let next = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .map_err(|_| failed(format!("{found} of {count} pieces arrived")))?;
        let Some(m) = next else { break };
        let m = m.map_err(|e| failed(e.to_string()))?;
        let index = m
            .headers
            .as_ref()
            .and_then(|h| h.get(PIECE_HEADER))
            .and_then(|v| v.as_str().parse::<usize>().ok())
            .filter(|i| *i < count)
            .ok_or_else(|| failed("a piece without its place".into()))?;
        if pieces[index].is_none() {
            pieces[index] = Some(m.payload.clone());
            found += 1;
        }
    }
    let mut bytes = Vec::with_capacity(len);
    for piece in pieces {
        bytes.extend_from_slice(&piece.ok_or_else(|| failed("a piece is missing".into()))?);
    }
    if bytes.len() != len || hex(&sha2::Sha256::digest(&bytes)) != digest {
        return Err(failed("they do not make the message they name".into()));
    }
    Ok(bytes.into())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! The NCA as a participant on the network: its certificates, its CRL and its OCSP responder
//! over HTTP, the way relying parties reach the real NCA.
//!
//! | route                   | answer                                               |
//! |-------------------------|------------------------------------------------------|
//! | `GET  /nca/root.crt`    | the root certificate (DER, `application/pkix-cert`)  |
//! | `GET  /nca/issuing.crt` | the issuing CA's certificate                          |
//! | `GET  /nca/crl`         | the current CRL (DER, `application/pkix-crl`)        |
//! | `POST /nca/ocsp`        | an OCSP answer to an `application/ocsp-request`      |

use crate::nca::Nca;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// How long published revocation data stays current.
#[derive(Debug, Clone, Copy)]
pub struct Freshness {
    pub crl: Duration,
    pub ocsp: Duration,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            crl: Duration::hours(24),
            ocsp: Duration::minutes(10),
        }
    }
}

struct PublishedCrl {
    der: Vec<u8>,
    this_update: DateTime<Utc>,
    revocations: usize,
}

/// The NCA behind a lock, with the CRL it last published.
pub struct NcaService {
    nca: Mutex<Nca>,
    crl: Mutex<Option<PublishedCrl>>,
    freshness: Freshness,
}

const OCSP_REQUEST_LIMIT: usize = 64 * 1024;

impl NcaService {
    pub fn new(nca: Nca, freshness: Freshness) -> Arc<Self> {
        Arc::new(NcaService {
            nca: Mutex::new(nca),
            crl: Mutex::new(None),
            freshness,
        })
    }

    /// The NCA itself, with the latest state on disk (the command line may have issued or
    /// revoked beside the running server); for issuing and revoking in the same process too.
    pub fn nca(&self) -> std::sync::MutexGuard<'_, Nca> {
        let mut nca = self.nca.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = nca.refresh() {
            // Keep answering from the state last read; the operator sees why.
            eprintln!("NCA: cannot re-read its registry, answering from the last one: {e}");
        }
        nca
    }

    /// The current CRL: republished when a revocation happened since, or when half of its
    /// validity has passed, so relying parties never hold one that is about to go stale.
    pub fn current_crl(&self, now: DateTime<Utc>) -> crate::Result<Vec<u8>> {
        let mut nca = self.nca();
        let revocations = nca.revoked().len();
        let mut published = self.crl.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = published.as_ref().is_some_and(|p| {
            p.revocations == revocations && now < p.this_update + self.freshness.crl / 2
        });
        if !fresh {
            let der = nca.publish_crl(now, self.freshness.crl)?;
            *published = Some(PublishedCrl {
                der,
                this_update: now,
                revocations,
            });
        }
        Ok(published
            .as_ref()
            .map(|p| p.der.clone())
            .unwrap_or_default())
    }
}

/// The NCA's routes, under `/nca`.
pub fn router(service: Arc<NcaService>) -> Router {
    Router::new()
        .route("/nca/root.crt", get(root))
        .route("/nca/issuing.crt", get(issuing))
        .route("/nca/crl", get(crl))
        .route("/nca/ocsp", post(ocsp))
        .with_state(service)
}

fn der(content_type: &'static str, body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn root(State(s): State<Arc<NcaService>>) -> Response {
    der("application/pkix-cert", s.nca().root().der.clone())
}

async fn issuing(State(s): State<Arc<NcaService>>) -> Response {
    der("application/pkix-cert", s.nca().issuing().cert.der.clone())
}

async fn crl(State(s): State<Arc<NcaService>>) -> Response {
    match s.current_crl(Utc::now()) {
        Ok(body) => der("application/pkix-crl", body),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn ocsp(State(s): State<Arc<NcaService>>, body: Bytes) -> Response {
    if body.len() > OCSP_REQUEST_LIMIT {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "an OCSP request is at most 64 KiB",
        )
            .into_response();
    }
    let answer = s.nca().answer_ocsp(&body, Utc::now(), s.freshness.ocsp);
    der("application/ocsp-response", answer)
}

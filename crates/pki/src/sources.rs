//! Revocation sources a verification asks: the CA's CRL, its OCSP responder, or both (OCSP first,
//! the CRL when OCSP cannot answer).
//!
//! The network is behind [`Transport`], so tests and in-process callers need no server;
//! [`HttpFetch`] is the plain-HTTP implementation (the NCA publishes CRLs and answers OCSP over
//! `http://`, as RFC 5280 and RFC 6960 intend: the data is signed, TLS adds nothing).

use crate::cert::Cert;
use crate::crl::Crl;
use crate::ocsp::{self, CertIdHash};
use crate::revocation::{RevocationAnswer, RevocationSource, RevocationSourceKind};
use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

/// The largest CRL a source accepts.
pub const MAX_CRL_BYTES: u64 = 10 * 1024 * 1024;
/// The largest OCSP response a source accepts.
pub const MAX_OCSP_BYTES: u64 = 1024 * 1024;
/// The default network timeout of [`HttpFetch`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How revocation data is fetched. Errors are human-readable reasons.
pub trait Transport: Send + Sync {
    /// GET `url`, refusing a body larger than `max_bytes`.
    fn get(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, String>;
    /// POST `body` with `content_type` to `url`, refusing an answer larger than `max_bytes`.
    fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        max_bytes: u64,
    ) -> Result<Vec<u8>, String>;
}

/// [`Transport`] over plain HTTP with ureq: timeouts, a size limit, `http://` URLs only.
pub struct HttpFetch {
    agent: ureq::Agent,
}

impl Default for HttpFetch {
    fn default() -> Self {
        Self::new(DEFAULT_TIMEOUT)
    }
}

impl HttpFetch {
    /// A client whose every request (connect, send, receive) finishes within `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(3)
            .http_status_as_error(true)
            .build();
        HttpFetch {
            agent: config.into(),
        }
    }

    fn check_url(url: &str) -> Result<(), String> {
        if url.len() > 7 && url[..7].eq_ignore_ascii_case("http://") {
            Ok(())
        } else {
            Err(format!("{url}: only http:// URLs are supported"))
        }
    }

    fn read(
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        max_bytes: u64,
    ) -> Result<Vec<u8>, String> {
        let mut response = result.map_err(|e| format!("{url}: {e}"))?;
        response
            .body_mut()
            .with_config()
            .limit(max_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    format!("{url}: the answer is larger than {max_bytes} bytes")
                }
                e => format!("{url}: {e}"),
            })
    }
}

impl Transport for HttpFetch {
    fn get(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
        Self::check_url(url)?;
        Self::read(url, self.agent.get(url).call(), max_bytes)
    }

    fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        max_bytes: u64,
    ) -> Result<Vec<u8>, String> {
        Self::check_url(url)?;
        let result = self
            .agent
            .post(url)
            .header("Content-Type", content_type)
            .send(body);
        Self::read(url, result, max_bytes)
    }
}

type Fetch = Box<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync>;

struct CachedCrl {
    crl: Arc<Crl>,
    /// The DER of the issuer certificate the CRL was checked against.
    issuer: Vec<u8>,
}

/// Revocation status from a CA's CRL. The CRL is fetched, checked (it names the issuer, the
/// issuer's key signed it, it is not stale) and kept until its next update.
pub struct CrlSource {
    fetch: Fetch,
    cache: Mutex<Option<CachedCrl>>,
}

impl CrlSource {
    /// A CRL obtained by calling `fetch` (DER or PEM).
    pub fn new(fetch: impl Fn() -> Result<Vec<u8>, String> + Send + Sync + 'static) -> Self {
        CrlSource {
            fetch: Box::new(fetch),
            cache: Mutex::new(None),
        }
    }

    /// A CRL already at hand.
    pub fn from_der(der: Vec<u8>) -> Self {
        Self::new(move || Ok(der.clone()))
    }

    /// The CRL published at `url` (http://), fetched with [`HttpFetch`].
    pub fn http(url: impl Into<String>) -> Self {
        Self::with_transport(url, Arc::new(HttpFetch::default()))
    }

    /// The CRL at `url`, fetched with `transport`.
    pub fn with_transport(url: impl Into<String>, transport: Arc<dyn Transport>) -> Self {
        let url = url.into();
        Self::new(move || transport.get(&url, MAX_CRL_BYTES))
    }

    /// The current CRL of `issuer`, checked: from the cache while it is fresh, fetched anew
    /// otherwise.
    pub fn current(&self, issuer: &Cert, now: DateTime<Utc>) -> Result<Arc<Crl>, String> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.issuer == issuer.der && !c.crl.is_stale(now) {
                return Ok(c.crl.clone());
            }
        }
        let bytes = (self.fetch)().map_err(|e| format!("the CRL cannot be fetched: {e}"))?;
        let crl = Crl::parse(&bytes).map_err(|e| e.to_string())?;
        crl.check(issuer, now)?;
        let crl = Arc::new(crl);
        *cache = Some(CachedCrl {
            crl: crl.clone(),
            issuer: issuer.der.clone(),
        });
        Ok(crl)
    }
}

impl RevocationSource for CrlSource {
    fn status(
        &self,
        cert: &Cert,
        issuer: &Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String> {
        if cert.issuer() != issuer.subject() {
            return Err(format!(
                "certificate {} is issued by {}, not by {}",
                cert.serial_hex(),
                cert.issuer(),
                issuer.subject()
            ));
        }
        let crl = self.current(issuer, now)?;
        Ok(RevocationAnswer {
            status: crl.status_of(cert.tbs().serial_number.as_bytes()),
            source: RevocationSourceKind::Crl,
            produced_at: crl.this_update(),
            next_update: crl.next_update(),
        })
    }
}

/// Revocation status from an OCSP responder: a request with a fresh nonce, POSTed as
/// `application/ocsp-request`, and the answer checked by [`ocsp::check_response`].
pub struct OcspSource {
    url: String,
    transport: Arc<dyn Transport>,
    hash: CertIdHash,
}

impl OcspSource {
    /// The responder at `url` (http://), asked with [`HttpFetch`].
    pub fn http(url: impl Into<String>) -> Self {
        Self::with_transport(url, Arc::new(HttpFetch::default()))
    }

    pub fn with_transport(url: impl Into<String>, transport: Arc<dyn Transport>) -> Self {
        OcspSource {
            url: url.into(),
            transport,
            hash: CertIdHash::Sha1,
        }
    }

    /// Make the certIDs with `hash` (SHA-1 by default).
    pub fn with_hash(mut self, hash: CertIdHash) -> Self {
        self.hash = hash;
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl RevocationSource for OcspSource {
    fn status(
        &self,
        cert: &Cert,
        issuer: &Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String> {
        let nonce = ocsp::fresh_nonce().map_err(|e| e.to_string())?;
        let request = ocsp::request_with(cert, issuer, Some(&nonce), self.hash)
            .map_err(|e| format!("the OCSP request cannot be made: {e}"))?;
        let response = self
            .transport
            .post(
                &self.url,
                "application/ocsp-request",
                &request,
                MAX_OCSP_BYTES,
            )
            .map_err(|e| format!("the OCSP responder cannot be reached: {e}"))?;
        ocsp::check_response(&response, cert, issuer, Some(&nonce), now)
    }
}

/// OCSP first; the CRL when OCSP is not configured or cannot answer. An OCSP answer, whatever
/// it says (good, revoked, unknown), is final.
#[derive(Default)]
pub struct CombinedSource {
    pub ocsp: Option<OcspSource>,
    pub crl: Option<CrlSource>,
}

impl CombinedSource {
    pub fn new(ocsp: Option<OcspSource>, crl: Option<CrlSource>) -> Self {
        CombinedSource { ocsp, crl }
    }

    /// HTTP sources at the URLs a certificate names (see [`revocation_urls`]).
    pub fn http(urls: &crate::cert::RevocationUrls) -> Self {
        CombinedSource {
            ocsp: urls.ocsp.as_ref().map(OcspSource::http),
            crl: urls.crl.as_ref().map(CrlSource::http),
        }
    }
}

impl RevocationSource for CombinedSource {
    fn status(
        &self,
        cert: &Cert,
        issuer: &Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String> {
        let ocsp_error = match &self.ocsp {
            Some(o) => match o.status(cert, issuer, now) {
                Ok(answer) => return Ok(answer),
                Err(e) => Some(e),
            },
            None => None,
        };
        match (&self.crl, ocsp_error) {
            (Some(c), None) => c.status(cert, issuer, now),
            (Some(c), Some(oe)) => c
                .status(cert, issuer, now)
                .map_err(|ce| format!("OCSP: {oe}; CRL: {ce}")),
            (None, Some(oe)) => Err(oe),
            (None, None) => Err("no revocation source is configured".into()),
        }
    }
}

const OCSP_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// The CRL distribution point and OCSP responder URLs a certificate names (the first URI of
/// each).
pub fn revocation_urls(cert: &Cert) -> crate::cert::RevocationUrls {
    use const_oid::AssociatedOid;
    use der::Decode;
    let mut urls = crate::cert::RevocationUrls::default();
    for ext in cert.tbs().extensions.iter().flatten() {
        if ext.extn_id == CrlDistributionPoints::OID && urls.crl.is_none() {
            if let Ok(dps) = CrlDistributionPoints::from_der(ext.extn_value.as_bytes()) {
                urls.crl = dps.0.iter().find_map(|dp| match &dp.distribution_point {
                    Some(DistributionPointName::FullName(names)) => names.iter().find_map(uri),
                    _ => None,
                });
            }
        } else if ext.extn_id == AuthorityInfoAccessSyntax::OID && urls.ocsp.is_none() {
            if let Ok(aia) = AuthorityInfoAccessSyntax::from_der(ext.extn_value.as_bytes()) {
                urls.ocsp = aia
                    .0
                    .iter()
                    .filter(|a| a.access_method == OCSP_ACCESS)
                    .find_map(|a| uri(&a.access_location));
            }
        }
    }
    urls
}

fn uri(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
        _ => None,
    }
}

/// A certificate's (CRL, OCSP) URLs.
type UrlSet = (Option<String>, Option<String>);

/// Asks wherever the certificate being checked says: its OCSP responder first, then its CRL
/// distribution point — what a relying party does that has no configured source. Sources are
/// kept per URL set, so a CRL fetched once is reused until its next update.
#[derive(Default)]
pub struct AsTheCertificateSays {
    sources: std::sync::Mutex<std::collections::HashMap<UrlSet, Arc<CombinedSource>>>,
}

impl RevocationSource for AsTheCertificateSays {
    fn status(
        &self,
        cert: &Cert,
        issuer: &Cert,
        now: DateTime<Utc>,
    ) -> Result<RevocationAnswer, String> {
        let urls = revocation_urls(cert);
        if urls.crl.is_none() && urls.ocsp.is_none() {
            return Err(format!(
                "certificate {} names no CRL or OCSP responder",
                cert.serial_hex()
            ));
        }
        let source = {
            let mut sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
            sources
                .entry((urls.crl.clone(), urls.ocsp.clone()))
                .or_insert_with(|| Arc::new(CombinedSource::http(&urls)))
                .clone()
        };
        source.status(cert, issuer, now)
    }
}

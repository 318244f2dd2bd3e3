//! Following the NCA's revocations while the gateway runs: a system whose certificate the NCA
//! revokes is refused from the next CRL on, without a restart. The CRL is checked (named and
//! signed by the issuing CA, not stale) before anything it lists is distrusted; a CRL that
//! cannot be fetched or fails its check changes nothing, and the gateway keeps what it knew.

use crate::Gateway;
use chrono::{DateTime, Utc};
use qyzmet_pki::crl::Crl;
use qyzmet_pki::Cert;
use std::time::Duration;

/// Distrust what `der` (the CRL of `issuer`) lists, once it passes its check at `now`: how many
/// certificates were not distrusted before.
pub fn apply_crl(
    gateway: &Gateway,
    issuer: &Cert,
    der: &[u8],
    now: DateTime<Utc>,
) -> Result<usize, String> {
    let crl = Crl::parse(der).map_err(|e| format!("the CRL cannot be read: {e}"))?;
    crl.check(issuer, now)?;
    Ok(gateway.trust().revoke_all(
        crl.entries()
            .iter()
            .map(|r| qyzmet_pki::cert::hex(&r.serial)),
    ))
}

/// Fetch the CRL with `fetch` every `every` and apply it, for as long as the task lives.
/// `fetch` may block (HTTP): it runs off the runtime's workers.
pub fn follow(
    gateway: Gateway,
    issuer: Cert,
    fetch: impl Fn() -> Result<Vec<u8>, String> + Send + Sync + 'static,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    let fetch = std::sync::Arc::new(fetch);
    tokio::spawn(async move {
        loop {
            let (g, issuer, fetch) = (gateway.clone(), issuer.clone(), fetch.clone());
            let round = tokio::task::spawn_blocking(move || {
                let der = fetch()?;
                apply_crl(&g, &issuer, &der, Utc::now())
            })
            .await;
            match round {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => eprintln!("gateway: {n} system certificate(s) revoked by the NCA"),
                Ok(Err(e)) => eprintln!("gateway: the NCA's CRL: {e}; trusting as before"),
                Err(e) => eprintln!("gateway: the revocation check stopped: {e}"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

//! The road between the participants: a gateway node, the own key of each system that runs on
//! it — issued by the NCA in the system profile on the first start and kept in `systems/` of
//! the data folder — and the node's message log in `gateway-log/`. The embedded deployment runs
//! every system on one node; a deployment split by role runs one node per role
//! ([`crate::roles`]), each holding only its own systems' keys.

use crate::registries::PARTICIPANTS;
use chrono::{Duration, Utc};
use qyzmet_gateway::log::LogConfig;
use qyzmet_gateway::services::{registry_participant, AGENCY, CSC, PORTAL};
use qyzmet_gateway::{Gateway, GatewayConfig, ParticipantId, SystemKey};
use qyzmet_pki::nca::Nca;
use qyzmet_pki::{KeyType, Organisation};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The gateway's own name: it seals the message log.
pub const GATEWAY: &str = "gateway";

/// The owner written into the systems' certificates: the operator of e-government (demo).
fn operator() -> Result<Organisation, String> {
    Ok(Organisation {
        bin: "080440000008".parse().map_err(|e| format!("{e:?}"))?,
        name: "Qyzmet e-government operator (demo)".into(),
    })
}

/// Every system of the deployment, the gateway first.
pub fn systems() -> Vec<String> {
    let mut names = vec![
        GATEWAY.to_string(),
        AGENCY.to_string(),
        PORTAL.to_string(),
        CSC.to_string(),
    ];
    names.extend(PARTICIPANTS.iter().map(|p| registry_participant(*p)));
    names
}

/// The gateway node and the keys of the systems that have yet to join it.
pub struct Road {
    pub gateway: Gateway,
    keys: HashMap<String, SystemKey>,
    /// The certificates of the node's systems, for the other nodes' directory.
    certs: Vec<(ParticipantId, qyzmet_pki::Cert)>,
}

impl Road {
    /// Open the road in `data`: the systems' keys from `data/systems` (the NCA issues those
    /// missing), the log in `data/gateway-log`.
    pub fn open(nca: &mut Nca, data: &Path) -> Result<Road, String> {
        Self::open_with(nca, data, LogConfig::new(data.join("gateway-log")))
    }

    pub fn open_with(nca: &mut Nca, data: &Path, log: LogConfig) -> Result<Road, String> {
        Self::open_for(nca, data, log, GATEWAY, &systems()[1..])
    }

    /// Open a node named `gateway` for `systems` only: their keys and the node's own.
    pub fn open_for(
        nca: &mut Nca,
        data: &Path,
        log: LogConfig,
        gateway: &str,
        systems: &[String],
    ) -> Result<Road, String> {
        let dir = data.join("systems");
        let revoked: Vec<String> = nca
            .records()
            .iter()
            .filter(|r| r.revoked.is_some())
            .map(|r| r.serial.clone())
            .collect();
        let mut keys = HashMap::new();
        for name in systems {
            let key = load_or_issue(nca, &dir, name, &revoked)?;
            keys.insert(name.clone(), key);
        }
        let certs = keys
            .values()
            .map(|k| (k.participant().clone(), k.cert().clone()))
            .collect();
        let own = load_or_issue(nca, &dir, gateway, &revoked)?;
        let config = GatewayConfig::new(own, vec![nca.issuing().cert.clone()], log);
        let gateway = Gateway::open(config)?;
        // What the NCA has revoked is not trusted, from whichever node it comes.
        for serial in &revoked {
            gateway.trust().revoke(serial);
        }
        Ok(Road {
            gateway,
            keys,
            certs,
        })
    }

    /// The node's systems and their certificates.
    pub fn certificates(&self) -> &[(ParticipantId, qyzmet_pki::Cert)] {
        &self.certs
    }

    /// The key of `system`, to join the gateway with (each is taken once).
    pub fn key(&mut self, system: &str) -> Result<SystemKey, String> {
        self.keys
            .remove(system)
            .ok_or_else(|| format!("no key for the system {system}, or it was taken"))
    }

    /// The folder the systems' keys live in.
    pub fn keys_dir(data: &Path) -> PathBuf {
        data.join("systems")
    }
}

/// The system's key from `dir`, or a new one from the NCA when there is none, or it has
/// expired or been revoked.
fn load_or_issue(
    nca: &mut Nca,
    dir: &Path,
    name: &str,
    revoked: &[String],
) -> Result<SystemKey, String> {
    let id = ParticipantId::new(name);
    let usable = |k: &SystemKey| {
        Utc::now() < k.cert().not_after() && !revoked.contains(&k.cert().serial_hex())
    };
    match SystemKey::load(dir, &id) {
        Ok(k) if usable(&k) => return Ok(k),
        Ok(_) => {}
        Err(_) if !dir.join(format!("{name}.key").replace(':', "_")).exists() => {}
        Err(e) => return Err(e),
    }
    let now = Utc::now();
    let issuing = nca.issuing().cert.clone();
    let from = (now - Duration::days(1)).max(issuing.not_before());
    let until = (now + Duration::days(3 * 365)).min(issuing.not_after());
    // ECDSA whatever the people's keys: a system signs every message it sends.
    let issued = nca
        .issue_system(name, &operator()?, KeyType::EcdsaP256, (from, until), now)
        .map_err(|e| format!("the NCA did not issue {name}'s key: {e}"))?;
    let key = SystemKey::new(id, issued.key, issued.cert)?;
    key.save(dir)?;
    Ok(key)
}

//! Trust between systems: each system signs what it sends with its own key, whose certificate
//! the NCA issued in the system profile; the gateway checks that certificate once, when the
//! system joins, and each message's signature against it.

use crate::{ParticipantId, Sealed};
use chrono::{DateTime, Utc};
use qyzmet_pki::algorithm::VerifyingKey;
use qyzmet_pki::{Cert, Role, SigningKey};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::RwLock;

/// Why a system or one of its messages is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("{0} has no certificate in the gateway's registry")]
    Unknown(ParticipantId),
    #[error("the certificate of {participant} is not a system certificate of the NCA: {reason}")]
    NotASystem {
        participant: ParticipantId,
        reason: String,
    },
    #[error("the certificate of {participant} ({serial}) is revoked")]
    Revoked {
        participant: ParticipantId,
        serial: String,
    },
    #[error("the certificate of {participant} is not valid at {at}")]
    Expired {
        participant: ParticipantId,
        at: DateTime<Utc>,
    },
    #[error("the signature of the message from {0} does not verify: forged or altered")]
    Forged(ParticipantId),
}

/// A system's own key and certificate: what its gateway node signs its messages with (as
/// X-Road's security server holds its member's signing key).
pub struct SystemKey {
    participant: ParticipantId,
    key: SigningKey,
    cert: Cert,
}

impl std::fmt::Debug for SystemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SystemKey({}, {})",
            self.participant,
            self.cert.serial_hex()
        )
    }
}

impl SystemKey {
    /// The key of `participant`; its certificate must name it (`CN`).
    pub fn new(participant: ParticipantId, key: SigningKey, cert: Cert) -> Result<Self, String> {
        if cert.common_name().as_deref() != Some(participant.0.as_str()) {
            return Err(format!(
                "the certificate names {}, not the system {participant}",
                cert.common_name().unwrap_or_default()
            ));
        }
        Ok(SystemKey {
            participant,
            key,
            cert,
        })
    }

    /// Read `<name>.key` (PKCS#8 PEM) and `<name>.crt` from `dir`, `name` being the
    /// participant's name with `:` as `_`.
    pub fn load(dir: &Path, participant: &ParticipantId) -> Result<Self, String> {
        let base = dir.join(file_name(participant));
        let read = |ext: &str| {
            let path = base.with_extension(ext);
            std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let key = SigningKey::from_pkcs8_pem(&read("key")?).map_err(|e| e.to_string())?;
        let cert = Cert::from_pem(&read("crt")?).map_err(|e| e.to_string())?;
        Self::new(participant.clone(), key, cert)
    }

    /// Write the key (mode 0600) and certificate into `dir`, as [`SystemKey::load`] reads them.
    pub fn save(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let base = dir.join(file_name(&self.participant));
        let pem = self.key.to_pkcs8_pem().map_err(|e| e.to_string())?;
        write_private(&base.with_extension("key"), &pem)?;
        let crt = base.with_extension("crt");
        std::fs::write(&crt, self.cert.to_pem()).map_err(|e| format!("{}: {e}", crt.display()))
    }

    pub fn participant(&self) -> &ParticipantId {
        &self.participant
    }

    pub fn cert(&self) -> &Cert {
        &self.cert
    }

    /// A signer for one thread's many signatures (the batch signer's).
    pub fn reusable(&self) -> Result<qyzmet_pki::key::ReusableSigner, String> {
        self.key.reusable().map_err(|e| e.to_string())
    }

    /// Sign `bytes` (SHA-256 with the key's algorithm).
    pub fn sign(&self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        self.key.sign(bytes).map_err(|e| e.to_string())
    }
}

fn file_name(p: &ParticipantId) -> String {
    p.0.replace([':', '/', '\\'], "_")
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(bytes)
        .map_err(|e| format!("{}: {e}", path.display()))
}

struct Known {
    cert: Cert,
    key: VerifyingKey,
    serial: String,
}

/// The certificates the gateway trusts systems by: the NCA's issuing certificates, and each
/// system's own certificate once it has been checked against them.
pub struct Trust {
    issuers: Vec<Cert>,
    systems: RwLock<HashMap<ParticipantId, Known>>,
    revoked: RwLock<HashSet<String>>,
    roots: std::sync::Mutex<Roots>,
}

/// The batch roots whose signatures were verified, the newest few thousand.
#[derive(Default)]
struct Roots {
    set: HashSet<(ParticipantId, [u8; 32], Vec<u8>)>,
    order: std::collections::VecDeque<(ParticipantId, [u8; 32], Vec<u8>)>,
}

const REMEMBERED_ROOTS: usize = 4096;

impl Roots {
    fn contains(&self, k: &(ParticipantId, [u8; 32], Vec<u8>)) -> bool {
        self.set.contains(k)
    }

    fn insert(&mut self, k: (ParticipantId, [u8; 32], Vec<u8>)) {
        if self.set.insert(k.clone()) {
            self.order.push_back(k);
            if self.order.len() > REMEMBERED_ROOTS {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
}

impl Trust {
    /// Trust systems whose certificates `issuers` (the NCA's issuing CAs) signed.
    pub fn new(issuers: Vec<Cert>) -> Self {
        Trust {
            issuers,
            systems: RwLock::default(),
            revoked: RwLock::default(),
            roots: Default::default(),
        }
    }

    /// Take a system's certificate into the registry: signed by an issuer of the NCA, naming
    /// the participant, in the system profile (a legal entity's signing key with client
    /// authentication), valid at `now` and not revoked.
    pub fn admit(
        &self,
        participant: &ParticipantId,
        cert: &Cert,
        now: DateTime<Utc>,
    ) -> Result<(), TrustError> {
        let not_a_system = |reason: String| TrustError::NotASystem {
            participant: participant.clone(),
            reason,
        };
        let signed = self.issuers.iter().any(|issuer| {
            issuer
                .verifying_key()
                .and_then(|k| cert.is_signed_by(&k))
                .unwrap_or(false)
        });
        if !signed {
            return Err(not_a_system("no issuer of the NCA signed it".into()));
        }
        if cert.common_name().as_deref() != Some(participant.0.as_str()) {
            return Err(not_a_system(format!(
                "it names {}",
                cert.common_name().unwrap_or_default()
            )));
        }
        if !cert.roles().contains(&Role::LegalEntity) || cert.bin().is_none() {
            return Err(not_a_system(
                "it is not a legal entity's certificate with a BIN".into(),
            ));
        }
        if !cert.is_signing() {
            return Err(not_a_system("it is not a signing key".into()));
        }
        let serial = cert.serial_hex();
        self.valid(participant, cert, &serial, now)?;
        let key = cert
            .verifying_key()
            .map_err(|e| not_a_system(e.to_string()))?;
        self.systems_mut().insert(
            participant.clone(),
            Known {
                cert: cert.clone(),
                key,
                serial,
            },
        );
        Ok(())
    }

    /// Stop trusting a certificate (the NCA revoked it): every later message signed with it
    /// is refused.
    pub fn revoke(&self, serial_hex: &str) {
        self.revoke_all(std::iter::once(serial_hex.to_string()));
    }

    /// Distrust every certificate in `serials` (hex); how many were not distrusted before. A
    /// serial is kept as the certificate spells it too (DER pads a high first byte with 00).
    pub fn revoke_all(&self, serials: impl IntoIterator<Item = String>) -> usize {
        let mut revoked = self.revoked.write().unwrap_or_else(|p| p.into_inner());
        let mut new = 0;
        for serial in serials {
            let serial = serial.to_ascii_lowercase();
            let padded = serial
                .chars()
                .next()
                .filter(|c| c.to_digit(16).is_some_and(|d| d >= 8))
                .map(|_| format!("00{serial}"));
            if revoked.insert(serial) {
                new += 1;
            }
            revoked.extend(padded);
        }
        new
    }

    /// The certificate a participant signs with.
    pub fn certificate(&self, participant: &ParticipantId) -> Option<Cert> {
        self.systems().get(participant).map(|k| k.cert.clone())
    }

    /// Check that `sealed` is signed by `participant`, with a certificate valid at `now`: its
    /// path leads to a root that the participant's key signed. A root checked once is
    /// remembered (a batch's messages share it), so its signature is verified once.
    pub fn check(
        &self,
        participant: &ParticipantId,
        sealed: &Sealed,
        now: DateTime<Utc>,
    ) -> Result<(), TrustError> {
        let systems = self.systems();
        let known = systems
            .get(participant)
            .ok_or_else(|| TrustError::Unknown(participant.clone()))?;
        self.valid(participant, &known.cert, &known.serial, now)?;
        let forged = || TrustError::Forged(participant.clone());
        let root = sealed.root().ok_or_else(forged)?;
        let seen = (participant.clone(), root, sealed.signature.clone());
        if self.roots().contains(&seen) {
            return Ok(());
        }
        match known.key.verify_sha256(&root, &sealed.signature) {
            Ok(true) => {
                self.roots().insert(seen);
                Ok(())
            }
            _ => Err(forged()),
        }
    }

    /// Remember the root of a message that this node's own signer has just signed for
    /// `participant` with the key of the certificate `serial`: delivered on this node, its
    /// signature is then not verified again — it was made in this process a moment ago, and
    /// checking it would cost a public-key operation per hop for nothing. Only while that
    /// certificate is the one trusted for the participant; revocation and expiry are still
    /// checked for every message, and another node verifies everything it receives.
    pub fn vouch(&self, participant: &ParticipantId, serial: &str, sealed: &Sealed) {
        let trusted = self
            .systems()
            .get(participant)
            .is_some_and(|k| k.serial == serial);
        if let (true, Some(root)) = (trusted, sealed.root()) {
            self.roots()
                .insert((participant.clone(), root, sealed.signature.clone()));
        }
    }

    fn roots(&self) -> std::sync::MutexGuard<'_, Roots> {
        self.roots.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn valid(
        &self,
        participant: &ParticipantId,
        cert: &Cert,
        serial: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TrustError> {
        if self
            .revoked
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(serial)
        {
            return Err(TrustError::Revoked {
                participant: participant.clone(),
                serial: serial.to_string(),
            });
        }
        if now < cert.not_before() || now > cert.not_after() {
            return Err(TrustError::Expired {
                participant: participant.clone(),
                at: now,
            });
        }
        Ok(())
    }

    fn systems(&self) -> std::sync::RwLockReadGuard<'_, HashMap<ParticipantId, Known>> {
        self.systems.read().unwrap_or_else(|p| p.into_inner())
    }

    fn systems_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<ParticipantId, Known>> {
        self.systems.write().unwrap_or_else(|p| p.into_inner())
    }
}

//! The national certification authority (НУЦ) for tests and demos: a root CA, an issuing CA
//! and an OCSP responder, certificates in the NCA's profile, revocation with a reason.
//!
//! Its state is a folder, so that a restart keeps every issued and revoked certificate:
//!
//! ```text
//! root.crt  root.key  issuing.crt  issuing.key  ocsp.crt  ocsp.key   PEM; keys PKCS#8, mode 0600
//! registry.json                                                      issued certificates, revocations, CRL number
//! certs/<serial>.crt                                                 every issued certificate
//! ```
//!
//! The registry is replaced atomically (write, fsync, rename) after each change, made under an
//! exclusive lock on `lock` in the folder after a fresh read, so that the processes of a
//! deployment split by role (each issuing its own keys on first start) never lose each other's
//! issues. This is a test
//! CA: its own keys lie unencrypted in its folder, which only its operator may read.

use crate::cert::{self, Cert, CertificateRequest, Issuer, RevocationUrls, Usage};
use crate::error::{PkiError, Result};
use crate::key::{KeyType, SigningKey};
use crate::p12;
use crate::profile::{self, Holder, KeyPurpose, Role};
use crate::revocation::{CertStatus, RevocationReason, Revoked};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use x509_cert::name::RdnSequence;

/// Where the NCA publishes its CRL and OCSP service, written into every certificate it issues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NcaUrls {
    pub crl: Option<String>,
    pub ocsp: Option<String>,
}

/// One issued certificate as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRecord {
    /// Serial number, lower-case hex.
    pub serial: String,
    pub subject: String,
    pub iin: Option<String>,
    pub bin: Option<String>,
    pub role: Option<Role>,
    pub purpose: Option<KeyPurpose>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub revoked: Option<Revocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub at: DateTime<Utc>,
    pub reason: RevocationReason,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Registry {
    key_type: KeyType,
    urls: NcaUrls,
    crl_number: u64,
    issued: Vec<IssuedRecord>,
}

/// A certificate authority's certificate and key.
pub struct Authority {
    pub cert: Cert,
    pub key: SigningKey,
}

impl Authority {
    fn issuer(&self) -> Issuer<'_> {
        Issuer {
            cert: Some(&self.cert),
            key: &self.key,
        }
    }
}

/// A key the NCA has just issued: the holder takes it away as a PKCS#12 file.
#[derive(Debug)]
pub struct IssuedKey {
    pub key: SigningKey,
    pub cert: Cert,
    /// Issuing CA, then root.
    pub chain: Vec<Cert>,
}

impl IssuedKey {
    /// The holder's key file, protected by their password.
    pub fn to_pkcs12(&self, password: &str) -> Result<Vec<u8>> {
        let name = self
            .cert
            .common_name()
            .unwrap_or_else(|| self.cert.serial_hex());
        p12::export(&self.key, &self.cert, &self.chain, password, &name)
    }
}

/// What to issue.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub holder: Holder,
    pub purpose: KeyPurpose,
    pub key_type: KeyType,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// The test NCA.
pub struct Nca {
    dir: PathBuf,
    root: Authority,
    issuing: Authority,
    ocsp: Authority,
    registry: Registry,
    /// When registry.json was last read or written by this instance.
    registry_mtime: Option<std::time::SystemTime>,
}

const ROOT_YEARS: i64 = 20;
const ISSUING_YEARS: i64 = 10;
const OCSP_YEARS: i64 = 2;

fn years(n: i64) -> Duration {
    Duration::days(365 * n + n / 4)
}

fn ca_name(cn: &str) -> x509_cert::name::Name {
    RdnSequence(vec![
        profile::utf8(profile::CN, cn),
        profile::printable(profile::COUNTRY, "KZ"),
        profile::utf8(profile::ORGANIZATION, "Qyzmet test NCA"),
    ])
}

impl Nca {
    /// Create a new NCA in `dir` (which must not hold one yet).
    pub fn init(dir: &Path, key_type: KeyType, urls: NcaUrls, now: DateTime<Utc>) -> Result<Nca> {
        if dir.join("registry.json").exists() {
            return Err(state(dir, "an NCA already lives here; open it instead"));
        }
        std::fs::create_dir_all(dir.join("certs")).map_err(|e| io(dir, e))?;
        let root_key = SigningKey::generate(key_type)?;
        let root_cert = cert::build(
            CertificateRequest {
                subject: ca_name("Qyzmet test NCA root"),
                public_key_der: root_key.public_key_der()?,
                not_before: now,
                not_after: now + years(ROOT_YEARS),
                usage: Usage::Authority { path_len: Some(1) },
                urls: RevocationUrls::default(),
            },
            Issuer {
                cert: None,
                key: &root_key,
            },
        )?;
        let root = Authority {
            cert: root_cert,
            key: root_key,
        };
        let issuing = Self::subordinate(
            &root,
            key_type,
            "Qyzmet test NCA (issuing)",
            Usage::Authority { path_len: Some(0) },
            &urls,
            now,
            years(ISSUING_YEARS),
        )?;
        let ocsp = Self::subordinate(
            &issuing,
            key_type,
            "Qyzmet test NCA OCSP responder",
            Usage::OcspResponder,
            &NcaUrls::default(),
            now,
            years(OCSP_YEARS),
        )?;
        let mut nca = Nca {
            dir: dir.to_path_buf(),
            root,
            issuing,
            ocsp,
            registry: Registry {
                key_type,
                urls,
                crl_number: 0,
                issued: Vec::new(),
            },
            registry_mtime: None,
        };
        for (name, a) in [
            ("root", &nca.root),
            ("issuing", &nca.issuing),
            ("ocsp", &nca.ocsp),
        ] {
            write_file(
                &dir.join(format!("{name}.key")),
                &a.key.to_pkcs8_pem()?,
                true,
            )?;
            write_file(&dir.join(format!("{name}.crt")), &a.cert.to_pem(), false)?;
        }
        nca.save()?;
        Ok(nca)
    }

    fn subordinate(
        parent: &Authority,
        key_type: KeyType,
        cn: &str,
        usage: Usage<'_>,
        urls: &NcaUrls,
        now: DateTime<Utc>,
        validity: Duration,
    ) -> Result<Authority> {
        let key = SigningKey::generate(key_type)?;
        let not_after = (now + validity).min(parent.cert.not_after());
        let cert = cert::build(
            CertificateRequest {
                subject: ca_name(cn),
                public_key_der: key.public_key_der()?,
                not_before: now,
                not_after,
                usage,
                urls: RevocationUrls {
                    crl: urls.crl.clone(),
                    ocsp: urls.ocsp.clone(),
                },
            },
            parent.issuer(),
        )?;
        Ok(Authority { cert, key })
    }

    /// Open the NCA kept in `dir`.
    pub fn open(dir: &Path) -> Result<Nca> {
        let registry_path = dir.join("registry.json");
        let text = std::fs::read(&registry_path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                state(dir, "no NCA here: run `qyzmet pki init` first")
            } else {
                io(&registry_path, e)
            }
        })?;
        let registry = parse_registry(dir, &text)?;
        let load = |name: &str| -> Result<Authority> {
            let key = std::fs::read(dir.join(format!("{name}.key"))).map_err(|e| io(dir, e))?;
            let cert = std::fs::read(dir.join(format!("{name}.crt"))).map_err(|e| io(dir, e))?;
            Ok(Authority {
                cert: Cert::from_pem(&cert)?,
                key: SigningKey::from_pkcs8_pem(&key)?,
            })
        };
        Ok(Nca {
            dir: dir.to_path_buf(),
            root: load("root")?,
            issuing: load("issuing")?,
            ocsp: load("ocsp")?,
            registry,
            registry_mtime: mtime(&registry_path),
        })
    }

    /// Re-read the registry when another process (the command line beside a running server)
    /// changed it, so that every answer and every change starts from the latest state.
    pub fn refresh(&mut self) -> Result<()> {
        let path = self.dir.join("registry.json");
        let now = mtime(&path);
        if now.is_some() && now != self.registry_mtime {
            let text = std::fs::read(&path).map_err(|e| io(&path, e))?;
            self.registry = parse_registry(&self.dir, &text)?;
            self.registry_mtime = now;
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn root(&self) -> &Cert {
        &self.root.cert
    }

    pub fn issuing(&self) -> &Authority {
        &self.issuing
    }

    /// The delegated OCSP responder (EKU OCSPSigning, issued by the issuing CA).
    pub fn ocsp_responder(&self) -> &Authority {
        &self.ocsp
    }

    pub fn urls(&self) -> &NcaUrls {
        &self.registry.urls
    }

    /// Issue a key and certificate to a holder.
    pub fn issue(&mut self, req: &IssueRequest, now: DateTime<Utc>) -> Result<IssuedKey> {
        req.holder.check().map_err(PkiError::Refused)?;
        self.locked(|nca| {
            nca.issue_with(
                req.holder.subject(),
                Usage::Holder {
                    role: req.holder.role,
                    purpose: req.purpose,
                },
                req.key_type,
                (req.not_before, req.not_after),
                (Some(req.holder.role), req.purpose),
                now,
            )
        })
    }

    /// Issue an information system's key, the system profile: `CN` is the system's name in
    /// the gateway's registry, `O` and `OU=BIN…` its owner; the legal entity's role and
    /// client authentication as extended key usages; a signing key, for the messages it sends.
    pub fn issue_system(
        &mut self,
        system: &str,
        owner: &profile::Organisation,
        key_type: KeyType,
        validity: (DateTime<Utc>, DateTime<Utc>),
        now: DateTime<Utc>,
    ) -> Result<IssuedKey> {
        if system.trim().is_empty() || owner.name.trim().is_empty() {
            return Err(PkiError::Refused(
                "a system's certificate names the system and its owner".into(),
            ));
        }
        let (not_before, not_after) = validity;
        let subject = RdnSequence(vec![
            profile::utf8(profile::CN, system.trim()),
            profile::printable(profile::COUNTRY, "KZ"),
            profile::utf8(profile::ORGANIZATION, owner.name.trim()),
            profile::printable(profile::ORGANIZATIONAL_UNIT, &format!("BIN{}", owner.bin)),
        ]);
        let ekus = [Role::LegalEntity.oid(), profile::CLIENT_AUTH];
        self.locked(|nca| {
            nca.issue_with(
                subject,
                Usage::Custom {
                    purpose: KeyPurpose::Signing,
                    ekus: &ekus,
                },
                key_type,
                (not_before, not_after),
                (Some(Role::LegalEntity), KeyPurpose::Signing),
                now,
            )
        })
    }

    /// Run the change `f` under the folder's exclusive lock, on the registry as it is now on
    /// disk (another process may have changed it since it was read, within the same second).
    fn locked<R>(&mut self, f: impl FnOnce(&mut Nca) -> Result<R>) -> Result<R> {
        let path = self.dir.join("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        lock.lock().map_err(|e| io(&path, e))?;
        let registry_path = self.dir.join("registry.json");
        let text = std::fs::read(&registry_path).map_err(|e| io(&registry_path, e))?;
        self.registry = parse_registry(&self.dir, &text)?;
        f(self)
        // The lock goes with `lock`, after the change is saved.
    }

    fn issue_with(
        &mut self,
        subject: x509_cert::name::Name,
        usage: Usage<'_>,
        key_type: KeyType,
        (not_before, not_after): (DateTime<Utc>, DateTime<Utc>),
        (role, purpose): (Option<Role>, KeyPurpose),
        now: DateTime<Utc>,
    ) -> Result<IssuedKey> {
        if not_before < self.issuing.cert.not_before() || not_after > self.issuing.cert.not_after()
        {
            return Err(PkiError::Refused(format!(
                "the validity must lie within the issuing CA's ({} – {})",
                self.issuing.cert.not_before().format("%Y-%m-%d"),
                self.issuing.cert.not_after().format("%Y-%m-%d")
            )));
        }
        let key = SigningKey::generate(key_type)?;
        let cert = cert::build(
            CertificateRequest {
                subject,
                public_key_der: key.public_key_der()?,
                not_before,
                not_after,
                usage,
                urls: RevocationUrls {
                    crl: self.registry.urls.crl.clone(),
                    ocsp: self.registry.urls.ocsp.clone(),
                },
            },
            self.issuing.issuer(),
        )?;
        write_file(&self.cert_path(&cert.serial_hex()), &cert.to_pem(), false)?;
        self.registry.issued.push(IssuedRecord {
            serial: cert.serial_hex(),
            subject: cert.subject_string(),
            iin: cert.iin(),
            bin: cert.bin(),
            role,
            purpose: Some(purpose),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            issued_at: now,
            revoked: None,
        });
        self.save()?;
        Ok(IssuedKey {
            key,
            cert,
            chain: vec![self.issuing.cert.clone(), self.root.cert.clone()],
        })
    }

    /// Revoke a certificate the NCA issued.
    pub fn revoke(
        &mut self,
        serial_hex: &str,
        reason: RevocationReason,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let serial = normalise_serial(serial_hex);
        self.locked(|nca| nca.revoke_locked(&serial, serial_hex, reason, at))
    }

    fn revoke_locked(
        &mut self,
        serial: &str,
        serial_hex: &str,
        reason: RevocationReason,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let record = self
            .registry
            .issued
            .iter_mut()
            .find(|r| r.serial == serial)
            .ok_or_else(|| PkiError::UnknownCertificate(serial_hex.to_string()))?;
        if record.revoked.is_some() {
            return Err(PkiError::AlreadyRevoked(serial.to_string()));
        }
        record.revoked = Some(Revocation { at, reason });
        self.save()
    }

    /// What the NCA knows of a serial number (bytes, as in the certificate).
    pub fn status(&self, serial: &[u8]) -> CertStatus {
        let hex = cert::hex(crate::crl::normalize_serial(serial));
        match self.registry.issued.iter().find(|r| r.serial == hex) {
            None => CertStatus::Unknown,
            Some(IssuedRecord {
                revoked: Some(r), ..
            }) => CertStatus::Revoked {
                at: r.at,
                reason: r.reason,
            },
            Some(_) => CertStatus::Good,
        }
    }

    /// Every revocation, for the CRL.
    pub fn revoked(&self) -> Vec<Revoked> {
        self.registry
            .issued
            .iter()
            .filter_map(|r| {
                let rev = r.revoked?;
                Some(Revoked {
                    serial: unhex(&r.serial)?,
                    at: rev.at,
                    reason: rev.reason,
                })
            })
            .collect()
    }

    pub fn records(&self) -> &[IssuedRecord] {
        &self.registry.issued
    }

    /// An issued certificate by serial number (hex).
    pub fn certificate(&self, serial_hex: &str) -> Result<Cert> {
        let serial = normalise_serial(serial_hex);
        if !self.registry.issued.iter().any(|r| r.serial == serial) {
            return Err(PkiError::UnknownCertificate(serial_hex.to_string()));
        }
        let pem = std::fs::read(self.cert_path(&serial)).map_err(|e| io(&self.dir, e))?;
        Cert::from_pem(&pem)
    }

    /// The next CRL number, persisted so that numbers only grow across restarts.
    pub fn next_crl_number(&mut self) -> Result<u64> {
        self.locked(|nca| {
            nca.registry.crl_number += 1;
            nca.save()?;
            Ok(nca.registry.crl_number)
        })
    }

    /// A new CRL of every revocation, signed by the issuing CA, current for `validity`.
    pub fn publish_crl(&mut self, now: DateTime<Utc>, validity: Duration) -> Result<Vec<u8>> {
        let number = self.next_crl_number()?;
        crate::crl::build(
            &self.issuing.cert,
            &self.issuing.key,
            &self.revoked(),
            now,
            now + validity,
            number,
        )
    }

    /// Answer an OCSP request (DER) as the NCA's delegated responder; answers are current for
    /// `validity`. Bad requests get the OCSP error answer, never a panic.
    pub fn answer_ocsp(&self, request: &[u8], now: DateTime<Utc>, validity: Duration) -> Vec<u8> {
        let ctx = crate::ocsp::ResponderContext {
            issuer: &self.issuing.cert,
            responder: &self.ocsp.cert,
            key: &self.ocsp.key,
            validity,
        };
        crate::ocsp::respond(request, &ctx, &|serial| self.status(serial), now)
    }

    fn cert_path(&self, serial_hex: &str) -> PathBuf {
        self.dir.join("certs").join(format!("{serial_hex}.crt"))
    }

    fn save(&mut self) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.registry)
            .map_err(|e| PkiError::Crypto(e.to_string()))?;
        let path = self.dir.join("registry.json");
        write_file(&path, &json, false)?;
        self.registry_mtime = mtime(&path);
        Ok(())
    }
}

fn parse_registry(dir: &Path, text: &[u8]) -> Result<Registry> {
    serde_json::from_slice(text).map_err(|e| state(dir, &format!("registry.json is damaged: {e}")))
}

fn mtime(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn normalise_serial(s: &str) -> String {
    s.trim()
        .trim_start_matches("0x")
        .replace(':', "")
        .to_ascii_lowercase()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn state(dir: &Path, reason: &str) -> PkiError {
    PkiError::State {
        dir: dir.display().to_string(),
        reason: reason.to_string(),
    }
}

fn io(path: &Path, source: std::io::Error) -> PkiError {
    PkiError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Write a file atomically: a temporary file beside it, fsync, rename.
fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options.open(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| io(&tmp, e))?;
    f.sync_all().map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

//! `qyzmet pki …`: run the test NCA from the command line — create it, issue key files,
//! revoke, list, publish the CRL.

use chrono::{Duration, Utc};
use clap::{Args, Subcommand};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_pki::nca::{IssueRequest, Nca, NcaUrls};
use qyzmet_pki::revocation::RevocationReason;
use qyzmet_pki::{Holder, KeyPurpose, KeyType, Organisation, Role};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum PkiCommand {
    /// Create the NCA: a root CA, an issuing CA and an OCSP responder.
    Init {
        #[arg(long, default_value = "rsa2048")]
        key_type: KeyType,
        /// Where relying parties fetch the CRL (written into every certificate).
        #[arg(long)]
        crl_url: Option<String>,
        /// Where relying parties ask OCSP (written into every certificate).
        #[arg(long)]
        ocsp_url: Option<String>,
    },
    /// Issue a key and certificate to a person, as a password-protected PKCS#12 file.
    Issue(IssueArgs),
    /// Revoke a certificate by its serial number (hex).
    Revoke {
        serial: String,
        #[arg(long, default_value = "unspecified")]
        reason: RevocationReason,
    },
    /// List every certificate the NCA issued, with its status.
    List,
}

#[derive(Args)]
pub struct IssueArgs {
    /// The holder's role: individual, employee, signer, first-head, legal-entity.
    #[arg(long, default_value = "individual")]
    profile: Role,
    /// What the key is for: sign or auth.
    #[arg(long, default_value = "sign")]
    purpose: KeyPurpose,
    #[arg(long)]
    iin: String,
    #[arg(long)]
    surname: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    patronymic: Option<String>,
    /// The organisation's BIN (every role but individual).
    #[arg(long)]
    bin: Option<String>,
    /// The organisation's name.
    #[arg(long)]
    org: Option<String>,
    #[arg(long, default_value = "rsa2048")]
    key_type: KeyType,
    /// Days of validity from now.
    #[arg(long, default_value_t = 365)]
    days: i64,
    /// The key file to write.
    #[arg(long)]
    out: PathBuf,
    /// A file holding the key file's password; otherwise $QYZMET_KEY_PASSWORD, otherwise the
    /// first line of standard input.
    #[arg(long)]
    password_file: Option<PathBuf>,
}

pub fn run(dir: &Path, command: PkiCommand) -> ExitCode {
    match execute(dir, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("qyzmet pki: {message}");
            ExitCode::FAILURE
        }
    }
}

fn execute(dir: &Path, command: PkiCommand) -> Result<(), String> {
    let now = Utc::now();
    match command {
        PkiCommand::Init {
            key_type,
            crl_url,
            ocsp_url,
        } => {
            let nca = Nca::init(
                dir,
                key_type,
                NcaUrls {
                    crl: crl_url,
                    ocsp: ocsp_url,
                },
                now,
            )
            .map_err(|e| e.to_string())?;
            println!("NCA created in {}", dir.display());
            println!(
                "  root:    {} ({})",
                nca.root().subject_string(),
                nca.root().serial_hex()
            );
            println!("  issuing: {}", nca.issuing().cert.subject_string());
            println!(
                "  trust anchor for relying parties: {}",
                dir.join("root.crt").display()
            );
            Ok(())
        }
        PkiCommand::Issue(args) => issue(dir, args, now),
        PkiCommand::Revoke { serial, reason } => {
            let mut nca = Nca::open(dir).map_err(|e| e.to_string())?;
            nca.revoke(&serial, reason, now)
                .map_err(|e| e.to_string())?;
            println!(
                "revoked {serial} ({reason}) at {}",
                now.format("%Y-%m-%d %H:%M:%S UTC")
            );
            Ok(())
        }
        PkiCommand::List => {
            let nca = Nca::open(dir).map_err(|e| e.to_string())?;
            for r in nca.records() {
                let status = match &r.revoked {
                    Some(rev) => format!("revoked {} ({})", rev.at.format("%Y-%m-%d"), rev.reason),
                    None if r.not_after < now => "expired".to_string(),
                    None => "good".to_string(),
                };
                println!(
                    "{}  {:<10} {:<5} until {}  {}  {}",
                    r.serial,
                    r.role.map(|x| x.to_string()).unwrap_or_default(),
                    r.purpose.map(|x| x.to_string()).unwrap_or_default(),
                    r.not_after.format("%Y-%m-%d"),
                    status,
                    r.subject
                );
            }
            println!("{} certificates", nca.records().len());
            Ok(())
        }
    }
}

fn issue(dir: &Path, a: IssueArgs, now: chrono::DateTime<Utc>) -> Result<(), String> {
    let iin = Iin::parse(&a.iin, now.date_naive()).map_err(|e| format!("--iin: {e}"))?;
    let organisation = match (a.bin, a.org) {
        (Some(bin), Some(name)) => Some(Organisation {
            bin: Bin::parse(&bin).map_err(|e| format!("--bin: {e}"))?,
            name,
        }),
        (None, None) => None,
        _ => return Err("give both --bin and --org for an organisation's person".into()),
    };
    if a.days <= 0 {
        return Err("--days must be positive".into());
    }
    let holder = Holder {
        iin,
        surname: a.surname,
        name: a.name,
        patronymic: a.patronymic,
        role: a.profile,
        organisation,
    };
    holder.check()?;
    let mut nca = Nca::open(dir).map_err(|e| e.to_string())?;
    let password = read_password(a.password_file.as_deref())?;
    let issued = nca
        .issue(
            &IssueRequest {
                holder,
                purpose: a.purpose,
                key_type: a.key_type,
                not_before: now,
                not_after: now + Duration::days(a.days),
            },
            now,
        )
        .map_err(|e| e.to_string())?;
    let p12 = issued.to_pkcs12(&password).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, p12).map_err(|e| format!("{}: {e}", a.out.display()))?;
    println!(
        "issued {} to {}",
        issued.cert.serial_hex(),
        issued.cert.subject_string()
    );
    println!("  key file: {}", a.out.display());
    Ok(())
}

/// A key file's password: from a file, the environment, or standard input — never an argument,
/// which other users of the machine could read in the process list.
pub fn read_password(file: Option<&Path>) -> Result<String, String> {
    let password = if let Some(path) = file {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
    } else if let Ok(p) = std::env::var("QYZMET_KEY_PASSWORD") {
        p
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        line
    };
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err("the key file's password is empty: give --password-file, $QYZMET_KEY_PASSWORD or a line on standard input".into());
    }
    Ok(password)
}

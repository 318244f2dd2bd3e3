//! `qyzmet gateway`: the gateway's offline tools.

use clap::Subcommand;
use qyzmet_pki::Cert;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum GatewayCommand {
    /// Check the message log offline: every record's hash, the chain, the sequence, and each
    /// seal's signature; report the first tampered record (exit 0 sound, 1 tampered, 2 unreadable).
    VerifyLog {
        /// The log's folder.
        #[arg(default_value = "data/gateway-log")]
        dir: PathBuf,
        /// The NCA's issuing certificate(s), PEM, that the seals' certificates must come from.
        #[arg(long, default_value = "data/nca/issuing.crt")]
        trust: Vec<PathBuf>,
    },
}

fn read_certs(paths: &[PathBuf]) -> Result<Vec<Cert>, String> {
    let mut out = Vec::new();
    for p in paths {
        let pem = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        out.push(Cert::from_pem(&pem).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    Ok(out)
}

pub fn run(command: GatewayCommand) -> ExitCode {
    match command {
        GatewayCommand::VerifyLog { dir, trust } => verify_log(&dir, &trust),
    }
}

fn verify_log(dir: &Path, trust: &[PathBuf]) -> ExitCode {
    let trusted = match read_certs(trust) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read the trusted certificates: {e}");
            return ExitCode::from(2);
        }
    };
    match qyzmet_gateway::log::segments(dir) {
        Ok(s) if s.is_empty() => {
            eprintln!("{}: no message log here", dir.display());
            return ExitCode::from(2);
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    match qyzmet_gateway::log::verify(dir, &trusted) {
        Ok(r) => {
            println!(
                "sound: records {}–{} in {} segment(s): {} messages, {} refusals, {} seals",
                r.first_seq, r.last_seq, r.segments, r.messages, r.refusals, r.seals
            );
            if r.continues_archived {
                println!("  the chain continues from archived segments");
            }
            if r.unsealed > 0 {
                println!(
                    "  {} record(s) after the last seal, not yet sealed",
                    r.unsealed
                );
            }
            if r.torn_tail {
                println!(
                    "  the last record is incomplete: a write in progress, or a crash during one"
                );
            }
            ExitCode::SUCCESS
        }
        Err(t) => {
            println!("tampered: {t}");
            ExitCode::from(1)
        }
    }
}

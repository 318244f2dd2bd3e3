//! `qyzmet sign` and `qyzmet verify`: CMS (CAdES-BES) signatures with a key file, and their
//! verification with a report that answers every question of the regulations.

use super::pki::read_password;
use chrono::Utc;
use clap::Args;
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::Lang;
use qyzmet_pki::sources::AsTheCertificateSays;
use qyzmet_pki::{cms, p12, Cert, Expectation, Verifier};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args)]
pub struct SignArgs {
    /// The signer's PKCS#12 key file.
    #[arg(long)]
    key: PathBuf,
    /// The file to sign.
    file: PathBuf,
    /// Leave the content out of the signature (the verifier then needs `--data`).
    #[arg(long)]
    detached: bool,
    /// Where to write the signature; FILE.p7s by default.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A file holding the key file's password; otherwise $QYZMET_KEY_PASSWORD, otherwise the
    /// first line of standard input.
    #[arg(long)]
    password_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The signature (DER CMS).
    file: PathBuf,
    /// The signed content, for a detached signature.
    #[arg(long)]
    data: Option<PathBuf>,
    /// The IIN the request names: the signer's certificate must carry it.
    #[arg(long)]
    expect_iin: Option<String>,
    /// The BIN the request names: the signer's certificate must carry it.
    #[arg(long)]
    expect_bin: Option<String>,
    /// Trusted root certificates (PEM or DER); the platform's test NCA by default.
    #[arg(long, default_value = "data/nca/root.crt")]
    trust: Vec<PathBuf>,
    /// Intermediate CA certificates, when the signature does not carry them.
    #[arg(long)]
    intermediate: Vec<PathBuf>,
    /// Do not check revocation (the check is then reported as skipped).
    #[arg(long)]
    no_revocation: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Language of the refusal message: kk, ru or en.
    #[arg(long, default_value = "en")]
    lang: Lang,
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_cert(path: &Path) -> Result<Cert, String> {
    let bytes = read(path)?;
    let parsed = if bytes.starts_with(b"-----BEGIN") {
        Cert::from_pem(&bytes)
    } else {
        Cert::from_der(&bytes)
    };
    parsed.map_err(|e| format!("{}: {e}", path.display()))
}

pub fn sign(args: SignArgs) -> ExitCode {
    let result = (|| -> Result<PathBuf, String> {
        let data = read(&args.file)?;
        let key_file = read(&args.key)?;
        let password = read_password(args.password_file.as_deref())?;
        let key =
            p12::open(&key_file, &password).map_err(|e| format!("{}: {e}", args.key.display()))?;
        let cms = cms::sign(
            &data,
            &key.key,
            &key.cert,
            &key.chain,
            args.detached,
            Utc::now(),
        )
        .map_err(|e| e.to_string())?;
        let out = args.out.clone().unwrap_or_else(|| {
            let mut name = args.file.clone().into_os_string();
            name.push(".p7s");
            PathBuf::from(name)
        });
        std::fs::write(&out, cms).map_err(|e| format!("{}: {e}", out.display()))?;
        println!(
            "signed by {} ({})",
            key.cert.subject_string(),
            key.cert.serial_hex()
        );
        Ok(out)
    })();
    match result {
        Ok(out) => {
            println!("signature: {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qyzmet sign: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What `verify` needs, read and checked before any verification.
struct Prepared {
    verifier: Verifier,
    expect: Expectation,
    cms: Vec<u8>,
    data: Option<Vec<u8>>,
}

fn prepare(args: &VerifyArgs, now: chrono::DateTime<Utc>) -> Result<Prepared, String> {
    let anchors = args
        .trust
        .iter()
        .map(|p| read_cert(p))
        .collect::<Result<Vec<_>, _>>()?;
    let intermediates = args
        .intermediate
        .iter()
        .map(|p| read_cert(p))
        .collect::<Result<Vec<_>, _>>()?;
    let verifier = Verifier::new(anchors).with_intermediates(intermediates);
    let verifier = if args.no_revocation {
        verifier.without_revocation_check()
    } else {
        verifier.with_revocation(Arc::new(AsTheCertificateSays::default()))
    };
    let expect = Expectation {
        iin: args
            .expect_iin
            .as_deref()
            .map(|s| Iin::parse(s, now.date_naive()).map_err(|e| format!("--expect-iin: {e}")))
            .transpose()?,
        bin: args
            .expect_bin
            .as_deref()
            .map(|s| Bin::parse(s).map_err(|e| format!("--expect-bin: {e}")))
            .transpose()?,
        ..Expectation::default()
    };
    Ok(Prepared {
        verifier,
        expect,
        cms: read(&args.file)?,
        data: args.data.as_deref().map(read).transpose()?,
    })
}

pub fn verify(args: VerifyArgs) -> ExitCode {
    let now = Utc::now();
    let Prepared {
        verifier,
        expect,
        cms,
        data,
    } = match prepare(&args, now) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("qyzmet verify: {e}");
            return ExitCode::from(2);
        }
    };
    let report = verifier.verify(&cms, data.as_deref(), &expect, now);
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("{report}");
        if let Some(refusal) = report.refusal() {
            println!("{}", refusal.message(args.lang));
        }
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

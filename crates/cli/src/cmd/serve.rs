//! `qyzmet serve`: start the platform with what exists so far — the regulations, proven sound,
//! the working-day calendar, the portal's service catalogue and the test NCA (created in the
//! data folder on first start) with its CRL and OCSP responder — over HTTP.

use super::regulations::load_catalog;
use clap::Args;
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::KeyType;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of regulation definitions.
    #[arg(long, default_value = "regulations")]
    regulations: PathBuf,
    /// Folder of per-year calendar files.
    #[arg(long, default_value = "calendar")]
    calendar: PathBuf,
    /// Folder of the platform's own state (the NCA lives in `nca/` inside it).
    #[arg(long, default_value = "data")]
    data: PathBuf,
}

/// Open the NCA in the data folder, or create it on first start with revocation URLs on `addr`.
fn open_or_create_nca(dir: &std::path::Path, addr: SocketAddr) -> Result<(Nca, bool), String> {
    if dir.join("registry.json").exists() {
        return Nca::open(dir)
            .map(|n| (n, false))
            .map_err(|e| e.to_string());
    }
    let urls = NcaUrls {
        crl: Some(format!("http://{addr}/nca/crl")),
        ocsp: Some(format!("http://{addr}/nca/ocsp")),
    };
    Nca::init(dir, KeyType::Rsa2048, urls, chrono::Utc::now())
        .map(|n| (n, true))
        .map_err(|e| e.to_string())
}

pub fn run(args: ServeArgs) -> ExitCode {
    let catalog = match load_catalog(&args.regulations) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            eprintln!("refusing to start: the regulations are not sound");
            return ExitCode::FAILURE;
        }
    };
    let years: Vec<i32> = match super::calendar::load(&args.calendar) {
        Ok(calendar) => calendar.years().collect(),
        Err(e) => {
            eprintln!("{e}");
            eprintln!("refusing to start: the working-day calendar does not load");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let services = catalog.len();
    let portal = qyzmet_portal::router(qyzmet_portal::Portal::new(catalog));
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let addr = listener.local_addr().unwrap_or(args.addr);
        let nca_dir = args.data.join("nca");
        let (nca, created) = match open_or_create_nca(&nca_dir, addr) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("refusing to start: the NCA: {e}");
                return ExitCode::FAILURE;
            }
        };
        let nca_urls = nca.urls().clone();
        let nca = qyzmet_pki::http::NcaService::new(nca, qyzmet_pki::http::Freshness::default());
        let app = portal.merge(qyzmet_pki::http::router(nca));
        let first = years.first().copied().unwrap_or_default();
        let last = years.last().copied().unwrap_or_default();
        println!("Qyzmet is running on http://{addr}");
        println!(
            "  {services} regulations loaded and sound ({})",
            args.regulations.display()
        );
        println!(
            "  working-day calendar {first}–{last} ({})",
            args.calendar.display()
        );
        println!(
            "  test NCA {} in {}: trust anchor {}",
            if created { "created" } else { "opened" },
            nca_dir.display(),
            nca_dir.join("root.crt").display()
        );
        println!(
            "    CRL {}  OCSP {}",
            nca_urls.crl.as_deref().unwrap_or("-"),
            nca_urls.ocsp.as_deref().unwrap_or("-")
        );
        println!("  service catalogue: http://{addr}/api/services");
        println!("  health:            http://{addr}/health");
        println!("Press Ctrl-C to stop.");
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

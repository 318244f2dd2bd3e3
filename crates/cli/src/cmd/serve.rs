//! `qyzmet serve`: start the platform with what exists so far — the regulations, proven sound,
//! and the working-day calendar — and the portal's service catalogue over HTTP.

use super::regulations::load_catalog;
use clap::Args;
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
    let app = qyzmet_portal::router(qyzmet_portal::Portal::new(catalog));
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let addr = listener.local_addr().unwrap_or(args.addr);
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

//! `qyzmet serve`: start the whole platform in one process on an embedded database — the
//! regulations (proven sound), the working-day calendar, the test NCA (created in the data
//! folder on first start) with its CRL and OCSP responder, the state databases, and every
//! participant's API — and, on the first start, the demo data.

use super::regulations::load_catalog;
use clap::Args;
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_pki::nca::{Nca, NcaUrls};
use qyzmet_pki::KeyType;
use qyzmet_platform::registries::RegistryHost;
use qyzmet_platform::{demo, Platform};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args)]
pub struct ServeArgs {
    /// Run one role of the platform in this process, on its own database and gateway node,
    /// joined to the others over NATS: `agency`, `portal`, `csc`, `registries`, or `nca` (the
    /// test NCA's CRL and OCSP responder; start it first). Default: every role in one process.
    #[arg(long)]
    pub(crate) role: Option<String>,
    /// The NATS server of a deployment split by role.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    pub(crate) nats: String,
    /// The subjects' prefix on NATS: the deployment's name, the same for all its roles.
    #[arg(long, default_value = "qyzmet")]
    pub(crate) nats_prefix: String,
    /// The NCA's folder (default: `nca` in the data folder). The roles of a deployment split by
    /// role on one machine share it: each issues its own keys there on first start.
    #[arg(long)]
    pub(crate) nca: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Folder of regulation definitions.
    #[arg(long, default_value = "regulations")]
    pub(crate) regulations: PathBuf,
    /// Folder of per-year calendar files.
    #[arg(long, default_value = "calendar")]
    pub(crate) calendar: PathBuf,
    /// Folder of the platform's own state (database, NCA, registries, demo keys).
    #[arg(long, default_value = "data")]
    pub(crate) data: PathBuf,
    /// The database: `sqlite:…` (default: `qyzmet.db` in the data folder) or `postgres://…`.
    #[arg(long)]
    pub(crate) database: Option<String>,
    /// Seconds between deadline sweeps.
    #[arg(long, default_value_t = 30)]
    pub(crate) sweep_seconds: u64,
    /// Seconds between the gateway's reads of the NCA's CRL: a system certificate revoked
    /// since is refused from then on.
    #[arg(long, default_value_t = 30)]
    pub(crate) crl_seconds: u64,
    /// Days the gateway's message log keeps closed segments (default: all, forever).
    #[arg(long)]
    pub(crate) log_retention_days: Option<u32>,
    /// Where segments past their retention go (default: they are deleted).
    #[arg(long)]
    pub(crate) log_archive: Option<PathBuf>,
    /// Megabytes after which a log segment is sealed and a new one begun.
    #[arg(long, default_value_t = 256)]
    pub(crate) log_segment_mb: u64,
}

impl ServeArgs {
    /// The NCA's folder: `--nca`, or `nca` in the data folder.
    pub(crate) fn nca_dir(&self) -> PathBuf {
        self.nca.clone().unwrap_or_else(|| self.data.join("nca"))
    }
}

/// Open the NCA in the data folder, or create it on first start with revocation URLs on `addr`.
pub(crate) fn open_or_create_nca(
    dir: &std::path::Path,
    addr: SocketAddr,
) -> Result<(Nca, bool), String> {
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

pub(crate) fn fail(what: &str, e: impl std::fmt::Display) -> ExitCode {
    eprintln!("refusing to start: {what}: {e}");
    ExitCode::FAILURE
}

/// The regulations (proven sound) and the working-day calendar, or why not.
pub(crate) fn load_rules(
    args: &ServeArgs,
) -> Result<(qyzmet_core::regulation::Catalog, WorkingCalendar), ExitCode> {
    let catalog = load_catalog(&args.regulations).map_err(|errors| {
        for e in errors {
            eprintln!("{e}");
        }
        eprintln!("refusing to start: the regulations are not sound");
        ExitCode::FAILURE
    })?;
    let calendar = super::calendar::load(&args.calendar).map_err(|e| {
        eprintln!("{e}");
        eprintln!("refusing to start: the working-day calendar does not load");
        ExitCode::FAILURE
    })?;
    Ok((catalog, calendar))
}

/// The verifier of people's signatures: the NCA's chain, revocation as each certificate says.
pub(crate) fn verifier(nca: &Nca) -> Arc<qyzmet_pki::Verifier> {
    Arc::new(
        qyzmet_pki::Verifier::new(vec![nca.root().clone()])
            .with_intermediates(vec![nca.issuing().cert.clone()])
            .with_revocation(Arc::new(
                qyzmet_pki::sources::AsTheCertificateSays::default(),
            )),
    )
}

/// The gateway node's message log as the flags set it, in `dir`.
pub(crate) fn log_config(args: &ServeArgs, dir: PathBuf) -> qyzmet_gateway::log::LogConfig {
    qyzmet_gateway::log::LogConfig {
        segment_bytes: args.log_segment_mb.max(1) * 1024 * 1024,
        retention: args
            .log_retention_days
            .map(|d| chrono::Duration::days(i64::from(d))),
        archive: args.log_archive.clone(),
        ..qyzmet_gateway::log::LogConfig::new(dir)
    }
}

/// The database the flags name, or SQLite in the data folder.
pub(crate) fn database_url(args: &ServeArgs) -> String {
    args.database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", args.data.join("qyzmet.db").display()))
}

pub fn run(args: ServeArgs) -> ExitCode {
    if args.role.is_some() {
        return super::serve_role::run(args);
    }
    let (catalog, calendar) = match load_rules(&args) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail("the runtime", e),
    };
    runtime.block_on(async move {
        let (listener, addr) = match listen(&args).await {
            Ok(l) => l,
            Err(code) => return code,
        };
        let nca_dir = args.nca_dir();
        let (mut nca, created) = match open_or_create_nca(&nca_dir, addr) {
            Ok(n) => n,
            Err(e) => return fail("the NCA", e),
        };
        let verifier = verifier(&nca);
        let url = database_url(&args);
        let store = match qyzmet_store::Store::open(&url).await {
            Ok(s) => s,
            Err(e) => return fail("the database", e),
        };
        let registries = match RegistryHost::open_or_demo(args.data.join("registries.json"), 2026) {
            Ok(r) => r,
            Err(e) => return fail("the state databases", e),
        };
        let services = catalog.len();
        let catalog = Arc::new(catalog);
        let years: Vec<i32> = calendar.years().collect();
        let fees = demo::fees(&catalog);
        let log = log_config(&args, args.data.join("gateway-log"));
        let road = match qyzmet_platform::road::Road::open_with(&mut nca, &args.data, log) {
            Ok(r) => r,
            Err(e) => return fail("the gateway", e),
        };
        let platform = match Platform::assemble(
            store.clone(),
            catalog.clone(),
            Arc::new(calendar),
            registries.clone(),
            verifier,
            &fees,
            road,
        ) {
            Ok(p) => p,
            Err(e) => return fail("the participants", e),
        };
        let seeded = match demo::seeded(&store).await {
            Ok(s) => s,
            Err(e) => return fail("the database", e),
        };
        let report = if seeded {
            None
        } else {
            let world = registries.with(|r| r.clone());
            match demo::seed(
                &store,
                &catalog,
                &world,
                &mut nca,
                &args.data,
                KeyType::Rsa2048,
            )
            .await
            {
                Ok(r) => Some(r),
                Err(e) => return fail("the demo data", e),
            }
        };
        let nca_urls = nca.urls().clone();
        let here = format!("http://{addr}/nca/ocsp");
        if nca_urls.ocsp.as_deref().is_some_and(|u| u != here) {
            eprintln!(
                "warning: the NCA's certificates name their OCSP responder at {}, not here ({here}); \
                 signatures cannot be checked for revocation unless that address answers. \
                 Start on the address of the first start, or with a new --data folder.",
                nca_urls.ocsp.as_deref().unwrap_or_default()
            );
        }
        let issuing = nca.issuing().cert.clone();
        let nca = qyzmet_pki::http::NcaService::new(nca, qyzmet_pki::http::Freshness::default());
        // A system certificate the NCA revokes (`qyzmet pki revoke`, beside the running server)
        // is refused from the next CRL on.
        let crl_of = nca.clone();
        let _revocations = qyzmet_gateway::revocations::follow(
            platform.gateway.clone(),
            issuing,
            move || {
                crl_of
                    .current_crl(chrono::Utc::now())
                    .map_err(|e| e.to_string())
            },
            std::time::Duration::from_secs(args.crl_seconds.max(1)),
        );
        let app = platform.router().merge(qyzmet_pki::http::router(nca));
        let _relay = platform
            .agency
            .spawn_relay(qyzmet_agency::outbox::OutboxConfig::default());
        let _sweeper = platform
            .agency
            .spawn_sweeper(std::time::Duration::from_secs(args.sweep_seconds.max(1)));
        println!("Qyzmet is running on http://{addr}");
        println!(
            "  {services} regulations loaded and sound ({})",
            args.regulations.display()
        );
        println!(
            "  working-day calendar {}–{} ({})",
            years.first().copied().unwrap_or_default(),
            years.last().copied().unwrap_or_default(),
            args.calendar.display()
        );
        println!("  database: {}", store.backend_name());
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
        let logins = args.data.join("demo-logins.txt");
        match report {
            Some(r) => {
                // The password is not printed (terminals are logged): it is in the file.
                println!("  demo data created: {} accounts", r.accounts.len());
                for role in ["recipient", "employee", "signer", "operator", "monitor"] {
                    if let Some(a) = r.with_role(role).next() {
                        println!("    {role:<10} {:<44} {}", a.login, a.full_name);
                    }
                }
                println!(
                    "    every account, key file and the demo password: {}",
                    logins.display()
                );
            }
            None => println!("  demo accounts and their password: {}", logins.display()),
        }
        println!("  log in:            POST http://{addr}/api/session {{\"login\", \"password\"}}");
        println!("  service catalogue: http://{addr}/api/services");
        println!("  API description:   http://{addr}/api/openapi.json");
        println!("  health:            http://{addr}/health");
        println!(
            "  gateway:           http://{addr}/gateway/health, /gateway/participants, /gateway/metrics; log in {}",
            platform.gateway.log().dir().display()
        );
        serve_until_stopped(listener, app).await
    })
}

/// Listen on the flags' address and make the data folder: the listener and its address.
pub(crate) async fn listen(
    args: &ServeArgs,
) -> Result<(tokio::net::TcpListener, SocketAddr), ExitCode> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| fail(&format!("cannot listen on {}", args.addr), e))?;
    let addr = listener.local_addr().unwrap_or(args.addr);
    std::fs::create_dir_all(&args.data).map_err(|e| fail(&args.data.display().to_string(), e))?;
    Ok((listener, addr))
}

/// Serve `app` until Ctrl-C (the last line a starting server prints says so).
pub(crate) async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: axum::Router,
) -> ExitCode {
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
}

//! `qyzmet serve --role …`: one role of the platform per process, each on its own database and
//! its own gateway node, joined over NATS JetStream — the deployment across machines.
//!
//! `nca` serves the test NCA (its CRL and OCSP responder; created on its first start with
//! those addresses); every other role opens the NCA's folder for its trust anchors and to issue
//! its own systems' keys on its first start, puts their certificates in the road's directory,
//! admits the other nodes' from it, follows the NCA's CRL over HTTP, and seeds its own part of
//! the demo.

use super::serve::{
    database_url, fail, listen, load_rules, log_config, open_or_create_nca, serve_until_stopped,
    ServeArgs,
};
use qyzmet_gateway::nats::Nats;
use qyzmet_pki::nca::Nca;
use qyzmet_pki::KeyType;
use qyzmet_platform::registries::RegistryHost;
use qyzmet_platform::road::Road;
use qyzmet_platform::{demo, Node, Parts, Role};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// How long a role waits for the NCA's folder to appear (the `nca` role starting beside it).
const NCA_WAIT: Duration = Duration::from_secs(60);

pub fn run(args: ServeArgs) -> ExitCode {
    let name = args.role.clone().unwrap_or_default();
    let role = match name.as_str() {
        "nca" => None,
        other => match Role::parse(other) {
            Some(r) => Some(r),
            None => {
                return fail(
                    "--role",
                    format!("{other} is not a role: agency, portal, csc, registries or nca"),
                )
            }
        },
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
        let app = match role {
            None => nca_role(&nca_dir, addr),
            Some(role) => node_role(role, &args, &nca_dir).await,
        };
        let app = match app {
            Ok(app) => app,
            Err(code) => return code,
        };
        println!("Qyzmet is running on http://{addr}");
        println!("  role: {name}, data {}", args.data.display());
        serve_until_stopped(listener, app).await
    })
}

/// The NCA's role: its folder (made on the first start, its certificates naming this address
/// for the CRL and OCSP), served over HTTP.
fn nca_role(dir: &Path, addr: std::net::SocketAddr) -> Result<axum::Router, ExitCode> {
    let (nca, created) = open_or_create_nca(dir, addr).map_err(|e| fail("the NCA", e))?;
    println!(
        "  test NCA {} in {}",
        if created { "created" } else { "opened" },
        dir.display()
    );
    let service = qyzmet_pki::http::NcaService::new(nca, qyzmet_pki::http::Freshness::default());
    Ok(qyzmet_pki::http::router(service))
}

/// Wait for the `nca` role to have made the NCA's folder, then open it.
async fn wait_for_nca(dir: &Path) -> Result<Nca, ExitCode> {
    let started = std::time::Instant::now();
    while !dir.join("registry.json").exists() {
        if started.elapsed() > NCA_WAIT {
            return Err(fail(
                "the NCA",
                format!(
                    "no NCA in {} after {} s: start `qyzmet serve --role nca` with that folder",
                    dir.display(),
                    NCA_WAIT.as_secs()
                ),
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Nca::open(dir).map_err(|e| fail("the NCA", e))
}

/// One role's node: its database, its systems on their own gateway node, the road to the
/// others, its part of the demo.
async fn node_role(role: Role, args: &ServeArgs, nca_dir: &Path) -> Result<axum::Router, ExitCode> {
    let (catalog, calendar) = load_rules(args)?;
    let mut nca = wait_for_nca(nca_dir).await?;
    let store = qyzmet_store::Store::open(&database_url(args))
        .await
        .map_err(|e| fail("the database", e))?;
    let registries = match role {
        Role::Registries => Some(
            RegistryHost::open_or_demo(args.data.join("registries.json"), 2026)
                .map_err(|e| fail("the state databases", e))?,
        ),
        _ => None,
    };
    let catalog = Arc::new(catalog);
    let log = log_config(args, args.data.join("gateway-log"));
    let road = Road::open_for(&mut nca, &args.data, log, &role.node(), &role.systems())
        .map_err(|e| fail("the gateway", e))?;
    let nats = Nats::connect(&args.nats, &args.nats_prefix)
        .await
        .map_err(|e| fail("the road", e))?;
    let own: Vec<_> = road.certificates().to_vec();
    let parts = Parts {
        store: store.clone(),
        catalog: catalog.clone(),
        calendar: Arc::new(calendar),
        registries,
        verifier: super::serve::verifier(&nca),
        fees: demo::fees(&catalog),
    };
    let node = Node::assemble(role, parts, road).map_err(|e| fail("the participants", e))?;
    node.gateway.attach(Arc::new(nats.clone()));
    // The others first, so that what waits for this node on the road finds its senders known.
    nats.follow_directory(node.gateway.clone())
        .await
        .map_err(|e| fail("the directory", e))?;
    for (system, cert) in &own {
        nats.announce(system, cert)
            .await
            .map_err(|e| fail("the directory", e))?;
        // The node serves its systems for as long as it runs (a dropped handle detaches).
        nats.serve(node.gateway.clone(), system.clone())
            .await
            .map_err(|e| fail("the road", e))?;
    }
    follow_crl(&node, &nca, args.crl_seconds);
    // The registries keep their own state (their world, in `registries.json`); no accounts.
    let seeded = demo::seeded(&store)
        .await
        .map_err(|e| fail("the database", e))?;
    if role != Role::Registries && !seeded {
        let world = qyzmet_registries::Registries::demo(2026);
        let report = demo::seed_for(
            &[role],
            &store,
            &catalog,
            &world,
            &mut nca,
            &args.data,
            KeyType::Rsa2048,
        )
        .await
        .map_err(|e| fail("the demo data", e))?;
        println!(
            "  demo data created: {} accounts, their logins and password in {}",
            report.accounts.len(),
            args.data.join("demo-logins.txt").display()
        );
    }
    if let Some(agency) = &node.agency {
        agency.spawn_relay(qyzmet_agency::outbox::OutboxConfig::default());
        agency.spawn_sweeper(Duration::from_secs(args.sweep_seconds.max(1)));
    }
    Ok(node.router())
}

/// Follow the NCA's CRL at the address its certificates name: a system certificate it revokes
/// is refused by this node from then on.
fn follow_crl(node: &Node, nca: &Nca, seconds: u64) {
    let Some(url) = nca.urls().crl.clone() else {
        eprintln!(
            "warning: the NCA names no CRL; revoked systems are refused only after a restart"
        );
        return;
    };
    use qyzmet_pki::sources::Transport as _;
    let http = qyzmet_pki::sources::HttpFetch::default();
    qyzmet_gateway::revocations::follow(
        node.gateway.clone(),
        nca.issuing().cert.clone(),
        move || http.get(&url, 16 * 1024 * 1024),
        Duration::from_secs(seconds.max(1)),
    );
}

//! The platform split by role: `qyzmet serve --role nca|registries|agency|portal|csc`, each a
//! process of its own on its own database and gateway node, joined over NATS JetStream (it MUST
//! be running on 127.0.0.1:4222, as on the development machine and in CI; override with
//! `QYZMET_TEST_NATS_URL`). A request crosses every process; a receiver killed mid-stream gets
//! every notice once; the provider's node killed while filings cross takes each once.

mod common;

use common::{call, demo_password, free_port, kill, log_in, signed_filing, start, wait_until};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Child;

fn nats_url() -> String {
    std::env::var("QYZMET_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

const ROLES: [&str; 4] = ["registries", "agency", "portal", "csc"];

/// The citizen of the demo who files in these tests.
const CITIZEN: &str = "900312400000";

/// A deployment of one process per role in a fresh folder, on a NATS prefix of its own.
struct Deployment {
    dir: PathBuf,
    prefix: String,
    ports: BTreeMap<&'static str, u16>,
    running: BTreeMap<&'static str, Child>,
    addrs: BTreeMap<&'static str, String>,
}

impl Deployment {
    fn start(name: &str) -> Deployment {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("roles-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let mut d = Deployment {
            dir,
            prefix: format!("qyzmet-test-{name}-{stamp}"),
            ports: BTreeMap::new(),
            running: BTreeMap::new(),
            addrs: BTreeMap::new(),
        };
        for role in ["nca"].into_iter().chain(ROLES) {
            d.ports.insert(role, free_port());
        }
        d.run("nca");
        // The others side by side, as an operator would start them.
        let started: Vec<_> = std::thread::scope(|s| {
            let d = &d;
            let handles: Vec<_> = ROLES
                .map(|role| s.spawn(move || (role, d.spawn(role))))
                .into_iter()
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (role, (child, addr)) in started {
            d.running.insert(role, child);
            d.addrs.insert(role, addr);
        }
        d
    }

    fn spawn(&self, role: &str) -> (Child, String) {
        let addr = format!("127.0.0.1:{}", self.ports[role]);
        let data = self.data(role);
        let nca = self.dir.join("nca");
        let nats = nats_url();
        start(&[
            "serve",
            "--role",
            role,
            "--addr",
            &addr,
            "--data",
            data.to_str().unwrap(),
            "--nca",
            nca.to_str().unwrap(),
            "--nats",
            &nats,
            "--nats-prefix",
            &self.prefix,
            "--crl-seconds",
            "1",
        ])
    }

    /// Start (or start again) `role` on its port and folder.
    fn run(&mut self, role: &'static str) {
        let (child, addr) = self.spawn(role);
        self.running.insert(role, child);
        self.addrs.insert(role, addr);
    }

    fn kill(&mut self, role: &str) {
        if let Some(mut child) = self.running.remove(role) {
            kill(&mut child);
        }
    }

    fn addr(&self, role: &str) -> String {
        self.addrs[role].clone()
    }

    fn data(&self, role: &str) -> PathBuf {
        self.dir.join(role)
    }

    /// A store of `role`'s own database (after its process is stopped, or beside it).
    fn store(&self, role: &str) -> (tokio::runtime::Runtime, qyzmet_store::Store) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let url = format!("sqlite://{}", self.data(role).join("qyzmet.db").display());
        let store = rt.block_on(qyzmet_store::Store::open(&url)).unwrap();
        (rt, store)
    }

    /// The citizen's side of the portal, to file from.
    fn filer(&self) -> Filer {
        Filer {
            portal: self.addr("portal"),
            keys: self.data("portal").join("keys"),
            work: self.dir.clone(),
            password: demo_password(&self.data("portal")),
        }
    }

    fn file(&self, token: &str, nonce: &str) -> (u16, Value) {
        let filer = self.filer();
        filer.send(token, &filer.body(nonce))
    }
}

/// The citizen filing on the portal.
struct Filer {
    portal: String,
    keys: PathBuf,
    work: PathBuf,
    password: String,
}

impl Filer {
    fn body(&self, nonce: &str) -> String {
        signed_filing(
            &self.keys,
            &self.work,
            &self.portal,
            CITIZEN,
            &self.password,
            nonce,
        )
    }

    fn send(&self, token: &str, body: &str) -> (u16, Value) {
        call(
            "POST",
            &format!("{}/api/portal/requests", self.portal),
            Some(token),
            Some(body),
        )
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        for (_, mut child) in std::mem::take(&mut self.running) {
            kill(&mut child);
        }
        // The road's stream and directory of this deployment go with it.
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            if let Ok(n) = qyzmet_gateway::nats::Nats::connect(&nats_url(), &self.prefix).await {
                let _ = n.delete_stream().await;
            }
        });
    }
}

/// The status changes in a request's history: each is one notice to the recipient's cabinet.
fn status_changes(request: &Value) -> usize {
    request["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["event"] == "status_changed" || h["event"]["event"] == "status_changed")
        .count()
}

/// The citizen's notifications on the portal, by request.
fn notices_by_request(portal: &str, token: &str) -> BTreeMap<String, usize> {
    let (status, list) = call(
        "GET",
        &format!("{portal}/api/portal/notifications"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{list}");
    let mut by = BTreeMap::new();
    for n in list.as_array().unwrap() {
        *by.entry(n["request"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    by
}

#[test]
fn a_request_crosses_every_process_and_each_keeps_only_its_own() {
    let mut d = Deployment::start("flow");
    let (portal, agency) = (d.addr("portal"), d.addr("agency"));
    let password = demo_password(&d.data("portal"));
    let token = log_in(&portal, CITIZEN, &password);
    // The citizen's account is the portal's, not the provider's.
    let (status, _) = call(
        "POST",
        &format!("{agency}/api/session"),
        None,
        Some(&serde_json::json!({"login": CITIZEN, "password": password}).to_string()),
    );
    assert_eq!(status, 401);

    let (status, filed) = d.file(&token, "across-1");
    assert_eq!(status, 201, "{filed}");
    let id = filed["request_id"].as_str().unwrap().to_string();
    // Read back from the provider's IS through the road.
    let (status, request) = call(
        "GET",
        &format!("{portal}/api/portal/requests/{id}"),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["number"], filed["number"]);

    // The employee at the provider's own process takes it into work; the portal's cabinet
    // hears of it over JetStream.
    let staff_password = demo_password(&d.data("agency"));
    let employee = log_in(&agency, "aiyrtau-employment.employee", &staff_password);
    let (status, queue) = call(
        "GET",
        &format!("{agency}/api/agency/queue"),
        Some(&employee),
        None,
    );
    assert_eq!(status, 200, "{queue}");
    assert!(queue.to_string().contains(&id), "{queue}");
    let (status, taken) = call(
        "POST",
        &format!("{agency}/api/agency/requests/{id}/take"),
        Some(&employee),
        Some("{}"),
    );
    assert_eq!(status, 200, "{taken}");
    wait_until("the in-work notice on the portal", 30, || {
        let (_, list) = call(
            "GET",
            &format!("{portal}/api/portal/notifications"),
            Some(&token),
            None,
        );
        list.to_string().contains("in_work")
    });
    // An operator of the CSC finds the citizen in ГБД ФЛ, on the registries' process.
    let csc = d.addr("csc");
    let operator = log_in(&csc, "csc-aiyrtau.operator", &demo_password(&d.data("csc")));
    let (status, person) = call(
        "GET",
        &format!("{csc}/api/csc/citizens/{CITIZEN}"),
        Some(&operator),
        None,
    );
    assert_eq!(status, 200, "{person}");

    // The portal's node lists itself and the nodes it admitted from the directory.
    let (status, listed) = call("GET", &format!("{portal}/gateway/participants"), None, None);
    assert_eq!(status, 200, "{listed}");
    let remote_of = |name: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == name)
            .map(|p| p["remote"].as_bool().unwrap())
    };
    assert_eq!(remote_of("portal"), Some(false), "{listed}");
    assert_eq!(remote_of("agency"), Some(true), "{listed}");
    assert_eq!(remote_of("gbd-fl"), Some(true), "{listed}");

    // Each database holds only its own part.
    for role in ROLES {
        d.kill(role);
    }
    let (rt, store) = d.store("portal");
    assert!(rt.block_on(store.user_by_login(CITIZEN)).unwrap().is_some());
    assert!(rt.block_on(store.organisations()).unwrap().is_empty());
    let (rt, store) = d.store("agency");
    assert!(rt.block_on(store.user_by_login(CITIZEN)).unwrap().is_none());
    assert!(rt
        .block_on(store.user_by_login("csc-aiyrtau.operator"))
        .unwrap()
        .is_none());
    assert!(rt.block_on(store.load_request(&id.as_str().into())).is_ok());
    let (rt, store) = d.store("csc");
    assert!(rt.block_on(store.user_by_login(CITIZEN)).unwrap().is_none());
    assert!(rt
        .block_on(store.user_by_login("aiyrtau-employment.employee"))
        .unwrap()
        .is_none());
    // Each node keeps its own key and none of the others'.
    for role in ROLES {
        let keys: Vec<String> = std::fs::read_dir(d.data(role).join("systems"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".key"))
            .collect();
        let foreign: Vec<_> = ROLES
            .iter()
            .filter(|r| **r != role && **r != "registries")
            .filter(|r| keys.iter().any(|k| k == &format!("{r}.key")))
            .collect();
        assert!(foreign.is_empty(), "{role} holds {foreign:?}: {keys:?}");
    }
}

#[test]
fn a_portal_killed_mid_stream_gets_every_notice_once() {
    let mut d = Deployment::start("receiver");
    let portal = d.addr("portal");
    let password = demo_password(&d.data("portal"));
    let token = log_in(&portal, CITIZEN, &password);
    let mut ids = Vec::new();
    for i in 0..12 {
        let (status, filed) = d.file(&token, &format!("stream-{i}"));
        assert_eq!(status, 201, "{filed}");
        ids.push(filed["request_id"].as_str().unwrap().to_string());
    }
    // Killed while the provider's notices of those requests stream to it.
    d.kill("portal");
    d.run("portal");
    let portal = d.addr("portal");
    let token = log_in(&portal, CITIZEN, &password);
    let agency = d.addr("agency");
    wait_until("the provider's outbox drained", 60, || {
        common::metric(&agency, "qyzmet_gateway_outbox_depth ") == Some(0.0)
    });
    let mut expected = BTreeMap::new();
    for id in &ids {
        let (status, request) = call(
            "GET",
            &format!("{portal}/api/portal/requests/{id}"),
            Some(&token),
            None,
        );
        assert_eq!(status, 200, "{request}");
        expected.insert(id.clone(), status_changes(&request));
    }
    assert!(expected.values().all(|n| *n >= 1), "{expected:?}");
    // Every notice arrives (a notice held by the killed process comes again after the road's
    // redelivery pause), and none twice.
    let mut shown = BTreeMap::new();
    let start = std::time::Instant::now();
    while shown != expected && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        shown = notices_by_request(&portal, &token);
    }
    assert_eq!(
        shown, expected,
        "the cabinet's notices by request, and the history's"
    );
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(notices_by_request(&portal, &token), expected);
}

#[test]
fn the_providers_node_killed_while_filings_cross_takes_each_once() {
    let mut d = Deployment::start("provider");
    let filer = d.filer();
    let token = log_in(&filer.portal, CITIZEN, &filer.password);
    let filings = 10;
    let (went_down, down) = std::sync::mpsc::channel::<()>();
    let filing = std::thread::spawn(move || {
        let mut numbers = Vec::new();
        let mut refused = 0;
        for i in 0..filings {
            // The same signed filing again until it is answered, as a person would.
            let body = filer.body(&format!("crossing-{i}"));
            if i == 3 {
                went_down.send(()).unwrap();
            }
            let start = std::time::Instant::now();
            loop {
                let (status, filed) = filer.send(&token, &body);
                if status == 201 || status == 200 {
                    numbers.push(filed["number"].as_str().unwrap().to_string());
                    break;
                }
                assert_eq!(filed["code"], "gateway.unavailable", "{filed}");
                assert!(start.elapsed().as_secs() < 120, "never taken: {filed}");
                refused += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
        (numbers, refused)
    });
    // While the fourth filing crosses, the provider's node is killed, then started again.
    down.recv().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    d.kill("agency");
    std::thread::sleep(std::time::Duration::from_millis(500));
    d.run("agency");
    let (numbers, refused) = filing.join().unwrap();
    assert_eq!(numbers.len(), filings);
    let distinct: std::collections::BTreeSet<_> = numbers.iter().collect();
    assert_eq!(
        distinct.len(),
        filings,
        "one request per filing: {numbers:?}"
    );
    assert!(refused > 0, "the node was down for none of them");
    d.kill("agency");
    let (rt, store) = d.store("agency");
    let party = qyzmet_store::Party::Iin(CITIZEN.parse().unwrap());
    let requests = rt.block_on(store.requests_for_recipient(&party)).unwrap();
    assert_eq!(requests.len(), filings, "nothing lost, nothing doubled");
    // The node's message log, killed mid-stream and continued, is whole.
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_qyzmet"))
        .args(["gateway", "verify-log"])
        .arg(d.data("agency").join("gateway-log"))
        .arg("--trust")
        .arg(d.dir.join("nca/issuing.crt"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(0), "{out}");
    assert!(out.starts_with("sound:"), "{out}");
}

/// A system on the road that breaks the rules, against the registries' own process: a call
/// outside its grants, a replayed message id, a forged signature and a system the directory
/// does not know are each refused by the receiving process with its reason, and counted there.
#[test]
fn each_refusal_on_the_road_is_the_receiving_processs_with_its_reason() {
    use qyzmet_gateway::log::LogConfig;
    use qyzmet_gateway::nats::Nats;
    use qyzmet_gateway::services::QUERY;
    use qyzmet_gateway::{Envelope, Gateway, GatewayConfig, ParticipantId, SystemKey, Transport};
    use qyzmet_registries::{gbd_fl::GbdFlRequest, RegistryRequest};

    let d = Deployment::start("refusals");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let id = |name: &str| ParticipantId::new(name);
    let (csc, gbd, notary) = (id("csc"), id("gbd-fl"), id("notary"));
    let refusals = rt.block_on(async {
        let mut nca = qyzmet_pki::nca::Nca::open(&d.dir.join("nca")).unwrap();
        let issue = |nca: &mut qyzmet_pki::nca::Nca, name: &str| {
            let now = chrono::Utc::now();
            let owner = qyzmet_pki::Organisation {
                bin: "080440000008".parse().unwrap(),
                name: "Intruders".into(),
            };
            let from = nca.issuing().cert.not_before();
            let k = nca
                .issue_system(
                    name,
                    &owner,
                    qyzmet_pki::KeyType::EcdsaP256,
                    (from, now + chrono::Duration::days(1)),
                    now,
                )
                .unwrap();
            SystemKey::new(id(name), k.key, k.cert).unwrap()
        };
        let node = Gateway::open(GatewayConfig::new(
            issue(&mut nca, "gateway-intruder"),
            vec![nca.issuing().cert.clone()],
            LogConfig::new(d.dir.join("intruder-log")),
        ))
        .unwrap();
        // The CSC's own key, taken from its folder; and a system the NCA issued a key to but
        // that no node announced.
        let csc_key = SystemKey::load(&d.data("csc").join("systems"), &csc).unwrap();
        struct Nobody;
        #[async_trait::async_trait]
        impl qyzmet_gateway::Endpoint for Nobody {
            async fn receive(&self, _: Envelope) -> Result<Option<Envelope>, String> {
                Ok(None)
            }
        }
        node.register(csc_key, std::sync::Arc::new(Nobody)).unwrap();
        node.register(issue(&mut nca, "intruder"), std::sync::Arc::new(Nobody))
            .unwrap();
        let road = Nats::connect(&nats_url(), &d.prefix).await.unwrap();
        node.attach(std::sync::Arc::new(road.clone()));
        road.follow_directory(node.clone()).await.unwrap();
        // This node lets everything out: the receiving process is the one to refuse.
        node.grant(&csc, &notary, QUERY);
        node.grant(&csc, &gbd, QUERY);
        node.grant(&id("intruder"), &gbd, QUERY);
        let ask = |from: &ParticipantId, to: &ParticipantId| {
            let body = serde_json::to_value(RegistryRequest::GbdFl(GbdFlRequest::Person {
                iin: CITIZEN.into(),
            }))
            .unwrap();
            Envelope::request(from, to, QUERY, body)
        };
        let mut refusals = Vec::new();
        // The CSC may ask ГБД ФЛ, not the notary.
        refusals.push(node.request(ask(&csc, &notary)).await.unwrap_err());
        // The same signed message twice: taken once.
        let sealed = node.seal(&ask(&csc, &gbd)).await.unwrap();
        road.request(&gbd, &sealed).await.unwrap();
        refusals.push(road.request(&gbd, &sealed).await.unwrap_err());
        // In the CSC's name, without its key.
        let bytes = serde_json::to_vec(&ask(&csc, &gbd)).unwrap();
        let forged = qyzmet_gateway::Sealed::single(bytes, vec![0x30, 0x06, 2, 1, 1, 2, 1, 1]);
        refusals.push(road.request(&gbd, &forged).await.unwrap_err());
        // A system no node announced.
        refusals.push(node.request(ask(&id("intruder"), &gbd)).await.unwrap_err());
        let _ = road; // the deployment's drop removes the stream
        refusals
    });
    let reasons: Vec<String> = refusals.iter().map(|e| e.to_string()).collect();
    for (reason, code) in reasons.iter().zip([
        "gateway.not_granted",
        "gateway.replayed",
        "gateway.forged",
        "gateway.unknown_sender",
    ]) {
        assert!(reason.contains(code), "{code}: {reason}");
    }
    // Counted (and logged) by the registries' process, which refused them.
    let registries = d.addr("registries");
    for code in [
        "gateway.not_granted",
        "gateway.replayed",
        "gateway.forged",
        "gateway.unknown_sender",
    ] {
        let counted = common::metric(
            &registries,
            &format!("qyzmet_gateway_refusals_total{{reason=\"{code}\"}} "),
        );
        assert!(counted >= Some(1.0), "{code}: {counted:?}");
    }
}

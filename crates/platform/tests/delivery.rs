//! Notices travel through the gateway from the provider's IS to the portal and lose nothing:
//! while the portal is down they wait and are retried; when its answers are lost they come
//! again and take no second effect; past the bounded time their delivery stops, kept for an
//! administrator, who may send them again.

mod common;

use async_trait::async_trait;
use common::*;
use qyzmet_api::inbox::NoticeInbox;
use qyzmet_gateway::services::PORTAL_NOTICE;
use qyzmet_gateway::{Endpoint, Envelope, ParticipantId, SystemKey};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

const AIGERIM: &str = "900312400000";
const UP: u8 = 0;
const DOWN: u8 = 1;
const ANSWERS_LOST: u8 = 2;

/// The portal's real inbox behind a switch: up, down, or taking the notice and losing the
/// answer (as a crash right after the effect would).
struct Switched {
    inbox: NoticeInbox,
    mode: AtomicU8,
}

#[async_trait]
impl Endpoint for Switched {
    async fn receive(&self, m: Envelope) -> Result<Option<Envelope>, String> {
        match self.mode.load(Ordering::SeqCst) {
            DOWN => Err("the portal is down".into()),
            ANSWERS_LOST => {
                self.inbox.receive(m).await?;
                Err("the portal's answer was lost".into())
            }
            _ => self.inbox.receive(m).await,
        }
    }
}

/// Put the switch in front of the portal's inbox, with the portal's own system key.
fn switch_portal(server: &Server, mode: u8) -> Arc<Switched> {
    let key = SystemKey::load(&server.data.join("systems"), &ParticipantId::new("portal")).unwrap();
    let switched = Arc::new(Switched {
        inbox: NoticeInbox::new(server.platform.store.clone(), PORTAL_NOTICE),
        mode: AtomicU8::new(mode),
    });
    server
        .platform
        .gateway
        .register(key, switched.clone())
        .unwrap();
    switched
}

fn file_one(server: &Server, c: &Client) -> Value {
    let (form, files) = form_for(server, "unemployed-certificate", AIGERIM);
    let declared: Vec<Value> = files.iter().map(|(d, _)| d.clone()).collect();
    let uploads: Vec<Value> = files.iter().map(|(_, u)| u.clone()).collect();
    let app = application("unemployed-certificate", "portal", AIGERIM, form, &declared);
    c.post(
        "/api/portal/requests",
        json!({"cms": c.sign(&app), "attachments": uploads}),
    )
    .ok()
}

fn pending(server: &Server) -> Vec<qyzmet_store::OutgoingNotice> {
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    server
        .runtime
        .block_on(server.platform.store.notices_due(later, 10_000))
        .unwrap()
}

fn inbox_len(server: &Server) -> i64 {
    server
        .runtime
        .block_on(server.platform.store.inbox_len())
        .unwrap()
}

#[test]
fn notices_reach_the_portal_once_through_an_outage_and_lost_answers() {
    let server = start(None);
    let portal = switch_portal(&server, DOWN);
    let c = Client::login(&server, AIGERIM);
    for _ in 0..5 {
        file_one(&server, &c);
    }
    // Down: nothing arrives, every notice waits and is retried.
    wait_until("failed attempts", || {
        pending(&server).iter().filter(|n| n.attempts >= 2).count() >= 5
    });
    assert_eq!(inbox_len(&server), 0);
    let waiting = pending(&server);
    assert!(waiting.iter().all(|n| n.delivery != "delivered"));
    assert!(
        waiting.iter().any(|n| n.delivery == "not_delivered"
            && n.last_error
                .as_deref()
                .is_some_and(|e| e.contains("the portal is down"))),
        "{waiting:?}"
    );

    // Up but its answers lost: the notices take effect, and come again.
    portal.mode.store(ANSWERS_LOST, Ordering::SeqCst);
    wait_until("redeliveries", || {
        portal.inbox.duplicates.load(Ordering::SeqCst) >= 5
    });
    assert!(
        !pending(&server).is_empty(),
        "no answer came back: still on their way"
    );

    // Up: everything is delivered, each notice taken once.
    portal.mode.store(UP, Ordering::SeqCst);
    wait_until("all delivered", || pending(&server).is_empty());
    let shown = c.get("/api/portal/notifications").ok();
    let shown = shown.as_array().unwrap().len() as i64;
    assert!(shown >= 5, "{shown}");
    assert_eq!(
        inbox_len(&server),
        shown,
        "every notice the cabinet shows arrived once"
    );
    assert_eq!(portal.inbox.taken.load(Ordering::SeqCst) as i64, shown);
    let metrics = server.platform.gateway.metrics();
    let retries = metrics
        .lines()
        .find_map(|l| l.strip_prefix("qyzmet_gateway_outbox_retries_total "))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(retries >= 10, "{metrics}");
    assert!(
        metrics.contains("qyzmet_gateway_outbox_depth 0"),
        "{metrics}"
    );
}

#[test]
fn a_notice_past_its_time_stops_and_an_administrator_sends_it_again() {
    let server = start_with(None, None);
    let portal = switch_portal(&server, DOWN);
    let c = Client::login(&server, AIGERIM);
    let filed = file_one(&server, &c);
    let give_up = qyzmet_agency::outbox::OutboxConfig {
        stop_after: chrono::Duration::zero(),
        ..quick_relay()
    };
    let round = server
        .runtime
        .block_on(server.platform.agency.relay_once(&give_up))
        .unwrap();
    assert!(round.stopped >= 1 && round.delivered == 0, "{round:?}");
    assert!(
        pending(&server).is_empty(),
        "a stopped notice is no longer tried"
    );

    let admin = Client::as_role(&server, "administrator", None);
    let stopped = admin.get("/api/gateway/stopped").ok();
    let first = &stopped.as_array().unwrap()[0];
    assert_eq!(first["request_id"], filed["request_id"]);
    assert!(
        first["last_error"]
            .as_str()
            .unwrap()
            .contains("the portal is down"),
        "{first}"
    );
    // Nobody else sees or resends them.
    c.get("/api/gateway/stopped").refused(403, "access.role");
    let id = first["id"].as_i64().unwrap();
    c.post(&format!("/api/gateway/stopped/{id}/resend"), json!({}))
        .refused(403, "access.role");

    portal.mode.store(UP, Ordering::SeqCst);
    admin.post(&format!("/api/gateway/stopped/{id}/resend"), json!({}));
    let round = server
        .runtime
        .block_on(server.platform.agency.relay_once(&quick_relay()))
        .unwrap();
    assert!(round.delivered >= 1, "{round:?}");
    assert_eq!(inbox_len(&server), 1);
    admin
        .post(&format!("/api/gateway/stopped/{id}/resend"), json!({}))
        .refused(404, "not_found");
}

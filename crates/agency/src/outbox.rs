//! The outbox relay: the notices that the provider's IS wrote with each change (in the same
//! transaction) travel through the gateway to the system that shows them — the recipient's
//! cabinet on the portal, the CSC that filed the request — at least once, in order per
//! request, under one message id on every attempt (so the receiver takes each once), retried
//! with growing pauses, and stopped after a bounded time, kept for an administrator.

use crate::AgencyIs;
use chrono::{DateTime, Utc};
use qyzmet_gateway::services::{Notice, CSC, CSC_NOTICE, PORTAL, PORTAL_NOTICE};
use qyzmet_gateway::{Envelope, ParticipantId};
use qyzmet_store::{NoticeAddress, OrgKind, OutgoingNotice, StoreError};
use std::time::Duration;

/// How the relay retries.
#[derive(Debug, Clone)]
pub struct OutboxConfig {
    /// How often to look for due notices when nothing is waiting.
    pub poll: Duration,
    /// Notices taken at once.
    pub batch: i64,
    /// The pause after the first failure; it doubles with each further one…
    pub first_retry: chrono::Duration,
    /// …up to this.
    pub max_retry: chrono::Duration,
    /// A notice not delivered this long after it was written stops («доставка остановлена»).
    pub stop_after: chrono::Duration,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            poll: Duration::from_millis(50),
            batch: 256,
            first_retry: chrono::Duration::seconds(1),
            max_retry: chrono::Duration::minutes(5),
            stop_after: chrono::Duration::hours(24),
        }
    }
}

/// What one round of the relay did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayRound {
    pub delivered: usize,
    pub failed: usize,
    pub stopped: usize,
}

/// When a notice that failed `attempts` times before is tried again, if at all.
pub fn next_attempt(
    config: &OutboxConfig,
    created: DateTime<Utc>,
    attempts: i64,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if now - created >= config.stop_after {
        return None;
    }
    let doubled = config
        .first_retry
        .checked_mul(1i32 << attempts.clamp(0, 20))
        .unwrap_or(config.max_retry);
    Some(now + doubled.min(config.max_retry))
}

impl AgencyIs {
    /// The gateway message a notice travels as; `None` for a notice that stays in the
    /// provider's IS (to its own staff).
    fn notice_message(&self, n: &OutgoingNotice, now: DateTime<Utc>) -> Option<Envelope> {
        let (recipient, service, to) = match &n.to {
            NoticeAddress::Recipient(iin) => (PORTAL, PORTAL_NOTICE, iin.clone()),
            NoticeAddress::User(u) => (PORTAL, PORTAL_NOTICE, u.as_str().to_string()),
            NoticeAddress::Organisation { code, kind, .. } => match kind {
                OrgKind::Csc => (CSC, CSC_NOTICE, code.clone()),
                _ => return None,
            },
        };
        let body = Notice {
            notice_id: n.id,
            request_id: n.request.as_ref().map(|r| r.as_str().to_string()),
            number: n.number.clone(),
            to,
            status: n.status,
            text: n.text.clone(),
        };
        let mut m = Envelope::notification(
            &ParticipantId::new(crate::AGENCY),
            &ParticipantId::new(recipient),
            service,
            serde_json::to_value(body).ok()?,
        );
        m.message_id = n.message_id.clone();
        m.correlation_id = n.request.as_ref().map(|r| r.as_str().to_string());
        m.message_date = now;
        Some(m)
    }

    /// Deliver the notices due now, once each; record what happened to each.
    pub async fn relay_once(&self, config: &OutboxConfig) -> Result<RelayRound, StoreError> {
        let now = Utc::now();
        let store = self.store();
        let due = store.notices_due(now, config.batch).await?;
        let mut round = RelayRound::default();
        let mut delivered = Vec::new();
        let mut attempts = tokio::task::JoinSet::new();
        for n in due {
            match self.notice_message(&n, now) {
                None => delivered.push(n.id),
                Some(m) => {
                    let gateway = self.inner.gateway.clone();
                    attempts.spawn(async move { (n, gateway.deliver(m).await) });
                }
            }
        }
        while let Some(done) = attempts.join_next().await {
            let Ok((n, result)) = done else { continue };
            match result {
                Ok(()) => delivered.push(n.id),
                Err(e) => {
                    let retry = next_attempt(config, n.created_at, n.attempts, Utc::now());
                    if retry.is_some() {
                        round.failed += 1;
                    } else {
                        round.stopped += 1;
                    }
                    store.notice_failed(n.id, &e.to_string(), retry).await?;
                }
            }
        }
        round.delivered = delivered.len();
        store.notices_delivered(&delivered, Utc::now()).await?;
        let metrics = self.inner.gateway.metrics_handle();
        metrics.gauge(
            "qyzmet_gateway_outbox_depth",
            "Notices on their way: waiting, or to be retried.",
            store.notices_pending().await?,
        );
        metrics.count(
            "qyzmet_gateway_outbox_delivered_total",
            "Notices the outbox delivered.",
            round.delivered as u64,
        );
        metrics.count(
            "qyzmet_gateway_outbox_retries_total",
            "Notice deliveries that failed and will be retried.",
            round.failed as u64,
        );
        metrics.count(
            "qyzmet_gateway_outbox_stopped_total",
            "Notices whose delivery stopped.",
            round.stopped as u64,
        );
        Ok(round)
    }

    /// Run the relay until the runtime stops: a round whenever notices are due.
    pub fn spawn_relay(&self, config: OutboxConfig) -> tokio::task::JoinHandle<()> {
        let agency = self.clone();
        tokio::spawn(async move {
            loop {
                match agency.relay_once(&config).await {
                    Ok(r) if r.delivered + r.failed + r.stopped >= config.batch as usize => {
                        continue
                    }
                    Ok(_) => {}
                    Err(e) => eprintln!("outbox: {}", e.code()),
                }
                tokio::time::sleep(config.poll).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_bound_and_stop_after_the_time() {
        let c = OutboxConfig::default();
        let t0 = Utc::now();
        let pause = |attempts| next_attempt(&c, t0, attempts, t0).map(|t| t - t0);
        assert_eq!(pause(0), Some(chrono::Duration::seconds(1)));
        assert_eq!(pause(3), Some(chrono::Duration::seconds(8)));
        assert_eq!(pause(12), Some(chrono::Duration::minutes(5)));
        assert_eq!(pause(1000), Some(chrono::Duration::minutes(5)));
        assert_eq!(
            next_attempt(&c, t0, 1, t0 + chrono::Duration::hours(24)),
            None
        );
    }
}

/// A stopped notice as an administrator sees it.
#[derive(Debug, serde::Serialize)]
pub(crate) struct StoppedNotice {
    id: i64,
    message_id: String,
    request_id: Option<String>,
    number: Option<String>,
    created_at: DateTime<Utc>,
    attempts: i64,
    last_error: Option<String>,
}

/// `GET /api/gateway/stopped`: the notices whose delivery stopped (administrators).
pub(crate) async fn stopped(
    axum::extract::State(agency): axum::extract::State<AgencyIs>,
    session: qyzmet_api::Session,
) -> Result<axum::Json<Vec<StoppedNotice>>, qyzmet_api::ApiError> {
    session
        .principal
        .can_administer()
        .map_err(crate::api::denied)?;
    let list = agency.store().notices_stopped().await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|n| StoppedNotice {
                id: n.id,
                message_id: n.message_id,
                request_id: n.request.map(|r| r.as_str().to_string()),
                number: n.number,
                created_at: n.created_at,
                attempts: n.attempts,
                last_error: n.last_error,
            })
            .collect(),
    ))
}

/// `POST /api/gateway/stopped/{id}/resend`: put a stopped notice back on its way.
pub(crate) async fn resend(
    axum::extract::State(agency): axum::extract::State<AgencyIs>,
    session: qyzmet_api::Session,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<axum::http::StatusCode, qyzmet_api::ApiError> {
    session
        .principal
        .can_administer()
        .map_err(crate::api::denied)?;
    agency.store().resend_notice(id).await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}

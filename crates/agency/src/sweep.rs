//! Oversight: the SLA view computed from the requests' histories, and the deadline sweep that
//! marks each breach as it happens (a history line and a notice to the provider's staff) and
//! asks again the outside systems that did not answer.

use crate::drive::state_of;
use crate::{local, AgencyIs};
use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use qyzmet_accounts::Principal;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::Operation;
use qyzmet_core::Text;
use qyzmet_engine::{breach, Engine, Sla, Waiting};
use qyzmet_store::{NewHistoryEntry, NewNotification, NotifyTo, RequestUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlaQuery {
    provider: Option<String>,
    service: Option<String>,
    lang: Option<String>,
}

/// The SLA of one service at one provider.
#[derive(Serialize)]
pub(crate) struct ServiceSla {
    pub provider: String,
    pub service: String,
    #[serde(flatten)]
    pub sla: Sla,
}

/// `GET /api/sla`: monitors see every provider, a head their own.
pub(crate) async fn sla(
    State(agency): State<AgencyIs>,
    session: Session,
    Query(q): Query<SlaQuery>,
) -> Result<Json<Vec<ServiceSla>>, ApiError> {
    let _ = q.lang;
    Ok(Json(
        figures(&agency, &session.principal, q.provider, q.service).await?,
    ))
}

/// The SLA per service and provider that `p` may see: of `provider` (a monitor any, a head
/// their own), or — without one — every provider for a monitor, their own for a head; of one
/// service or all.
pub(crate) async fn figures(
    agency: &AgencyIs,
    p: &Principal,
    provider: Option<String>,
    service: Option<String>,
) -> Result<Vec<ServiceSla>, ApiError> {
    let provider = match (provider, p.has(qyzmet_accounts::Role::Monitor)) {
        (Some(code), _) => {
            p.can_view_sla(&code).map_err(crate::api::denied)?;
            Some(code)
        }
        (None, true) => None,
        (None, false) => {
            let own = p.organisation.clone().unwrap_or_default();
            p.can_view_sla(&own).map_err(crate::api::denied)?;
            Some(own)
        }
    };
    let now = local(Utc::now());
    let mut by: BTreeMap<(String, String), Sla> = BTreeMap::new();
    for req in agency
        .store()
        .request_states(provider.as_deref(), None)
        .await?
    {
        if service
            .as_ref()
            .is_some_and(|s| *s != req.summary.regulation)
        {
            continue;
        }
        let st = state_of(&req)?;
        by.entry((
            req.summary.provider_code.clone(),
            req.summary.regulation.clone(),
        ))
        .or_default()
        .add(&st, now);
    }
    Ok(by
        .into_iter()
        .map(|((provider, service), sla)| ServiceSla {
            provider,
            service,
            sla,
        })
        .collect())
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Breaches newly marked.
    pub breaches: usize,
    /// Requests moved on by asking an outside system again.
    pub resumed: usize,
}

impl AgencyIs {
    /// Mark the deadlines passed by `now` and not yet marked; retry waiting outside systems; close
    /// the payment step whose time is over by what the payment gateway says (unpaid: the
    /// regulation's refusal «no payment»).
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<SweepReport, ApiError> {
        let mut report = SweepReport::default();
        for req in self.store().request_states(None, Some(now)).await? {
            let st = state_of(&req)?;
            let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
            if let Some(b) = breach(&st, local(now)) {
                let key = format!("breach.{}.{}", b.action, b.due);
                if !st.data.contains_key(&key) {
                    let mut next = st.clone();
                    next.data.insert(key, json!(b));
                    let text = Text::new(
                        format!(
                            "{} өтінімі: {}-әрекеттің мерзімі өтті ({})",
                            req.summary.number, b.action, b.due
                        ),
                        format!(
                            "Заявка {}: срок действия {} истёк ({})",
                            req.summary.number, b.action, b.due
                        ),
                        format!(
                            "Request {}: the deadline of action {} passed ({})",
                            req.summary.number, b.action, b.due
                        ),
                    );
                    let update = RequestUpdate {
                        status: st.status,
                        state: serde_json::to_value(&next).map_err(ApiError::internal)?,
                        deadline: req.summary.deadline,
                        at: now,
                        history: vec![NewHistoryEntry {
                            at: now,
                            event: json!({"event": "deadline_missed", "action": b.action, "due": b.due}),
                        }],
                        notifications: vec![NewNotification {
                            to: NotifyTo::Organisation(req.summary.provider.clone()),
                            status: None,
                            text,
                        }],
                        attachments: Vec::new(),
                        signatures: Vec::new(),
                    };
                    match self
                        .store()
                        .update_request(&req.summary.id, req.summary.revision, update)
                        .await
                    {
                        Ok(_) => report.breaches += 1,
                        // Someone acted meanwhile: the next sweep looks again.
                        Err(qyzmet_store::StoreError::Conflict { .. }) => continue,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            let waiting = Engine::new(reg, &self.inner.calendar).waiting(&st);
            if let Some(Waiting::Outside {
                unit,
                operation: Operation::Pay,
                ..
            }) = waiting
            {
                // The time for paying is over: what the payment gateway says now decides.
                let fresh = self.store().load_request(&req.summary.id).await?;
                if self.settle_payment(&fresh, unit).await.is_ok() {
                    report.resumed += 1;
                }
                continue;
            }
            if matches!(waiting, Some(Waiting::Outside { .. })) {
                let fresh = self.store().load_request(&req.summary.id).await?;
                if self.drive(fresh).await.is_ok() {
                    report.resumed += 1;
                }
            }
        }
        Ok(report)
    }

    /// Sweep every `period` until the process ends.
    pub fn spawn_sweeper(&self, period: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let agency = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                if let Err(e) = agency.sweep(Utc::now()).await {
                    eprintln!("deadline sweep: {}", e.code);
                }
            }
        })
    }
}

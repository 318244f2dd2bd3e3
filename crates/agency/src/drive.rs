//! Running a registered request on: the steps its submitter already did by filing it, the
//! outside systems it waits for; and writing each change with its history and notices.

use crate::filing::engine_text;
use crate::{local, utc, AgencyIs};
use chrono::{DateTime, Utc};
use qyzmet_api::ApiError;
use qyzmet_core::regulation::{Check, Operation};
use qyzmet_engine::{
    done_at_submission, submitter_side, Actor, Engine, HistoryEntry, Input, Notice, RequestState,
    Waiting,
};
use qyzmet_store::{
    NewAttachment, NewHistoryEntry, NewNotification, NewSignature, NotifyTo, OrgId, Request,
    RequestUpdate,
};
use std::collections::BTreeMap;

/// The engine's history lines as the store keeps them.
pub(crate) fn history(entries: &[HistoryEntry]) -> Vec<NewHistoryEntry> {
    entries
        .iter()
        .map(|h| NewHistoryEntry {
            at: utc(h.at),
            event: serde_json::to_value(&h.event).unwrap_or_default(),
        })
        .collect()
}

/// The engine's notices as the store delivers them: to the recipient's cabinet, and to the
/// CSC's staff when the request came from a CSC.
pub(crate) async fn notices(
    list: &[Notice],
    csc_code: Option<&str>,
    agency: &AgencyIs,
) -> Result<Vec<NewNotification>, ApiError> {
    let csc = match csc_code {
        Some(code) if list.iter().any(|n| n.to_csc) => agency
            .store()
            .organisation_by_code(code)
            .await?
            .map(|o| o.id),
        _ => None,
    };
    Ok(notices_to(list, csc.as_ref()))
}

fn notices_to(list: &[Notice], csc: Option<&OrgId>) -> Vec<NewNotification> {
    let mut out = Vec::new();
    for n in list {
        out.push(NewNotification {
            to: NotifyTo::Recipient,
            status: Some(n.status),
            text: n.text.clone(),
        });
        if let (true, Some(csc)) = (n.to_csc, csc) {
            out.push(NewNotification {
                to: NotifyTo::Organisation(csc.clone()),
                status: Some(n.status),
                text: n.text.clone(),
            });
        }
    }
    out
}

/// What filing a request establishes: the person logged in, signed with a confirmed
/// signature, and the form passed its format-logical control.
fn established_by_filing(check: Check) -> bool {
    matches!(
        check,
        Check::Credentials | Check::Signature | Check::Documents
    )
}

pub(crate) use qyzmet_api::requests::state_of;

impl AgencyIs {
    /// Write the change from `before` to `after`, with new attachments and signatures, if the
    /// request is still at the revision it was read at.
    pub(crate) async fn save(
        &self,
        req: &Request,
        before: &RequestState,
        after: &RequestState,
        now: DateTime<Utc>,
        attachments: Vec<NewAttachment>,
        signatures: Vec<NewSignature>,
    ) -> Result<Request, ApiError> {
        let update = RequestUpdate {
            status: after.status,
            state: serde_json::to_value(after).map_err(ApiError::internal)?,
            deadline: after.current_due.map(utc),
            at: now,
            history: history(&after.history[before.history.len()..]),
            notifications: notices_to(
                &after.notifications[before.notifications.len()..],
                req.summary.csc.as_ref(),
            ),
            attachments,
            signatures,
        };
        Ok(self
            .inner
            .store
            .update_request(&req.summary.id, req.summary.revision, update)
            .await?)
    }

    /// Apply one input to a stored request and write it.
    pub(crate) async fn apply(
        &self,
        req: &Request,
        input: Input,
        signatures: Vec<NewSignature>,
    ) -> Result<Request, ApiError> {
        let now = Utc::now();
        let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
        let engine = Engine::new(reg, &self.inner.calendar);
        let before = state_of(req)?;
        let mut st = before.clone();
        engine
            .apply(&mut st, input, local(now))
            .map_err(|e| ApiError::conflict(e.code(), engine_text(&e)))?;
        self.save(req, &before, &st, now, Vec::new(), signatures)
            .await
    }

    /// Run the request on as far as it goes without a person: the submitter's own filing
    /// steps (done when they signed), outside systems asked through the gateway, an invoice
    /// issued. Stops where a person must act, or an outside system did not answer.
    pub(crate) async fn drive(&self, mut req: Request) -> Result<Request, ApiError> {
        let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
        let engine = Engine::new(reg, &self.inner.calendar);
        for _ in 0..64 {
            let st = state_of(&req)?;
            let Some(waiting) = engine.waiting(&st) else {
                break;
            };
            let input = match waiting {
                Waiting::Person {
                    unit,
                    role,
                    operation,
                    establishes,
                    ..
                } if submitter_side(st.channel).contains(&unit)
                    && done_at_submission(operation) =>
                {
                    if establishes.is_some_and(|c| !established_by_filing(c)) {
                        break;
                    }
                    Input::Perform {
                        by: Actor { unit, role },
                        facts: establishes
                            .map(|c| BTreeMap::from([(c, true)]))
                            .unwrap_or_default(),
                        outcome: None,
                        grounds: None,
                    }
                }
                Waiting::Outside {
                    operation: Operation::Pay,
                    ..
                } => {
                    // The recipient pays through the portal; the invoice waits for it.
                    self.issue_invoice(&req, &st, reg).await?;
                    break;
                }
                Waiting::Outside {
                    unit,
                    operation,
                    needs,
                    ..
                } => {
                    let (facts, data) = self
                        .ask_outside(&req, &st, reg, unit, operation, needs)
                        .await?;
                    let mut next = st.clone();
                    next.data
                        .insert(format!("answer.{}", st.current.unwrap_or(0)), data);
                    let before = st;
                    let now = Utc::now();
                    engine
                        .apply(&mut next, Input::Answer { from: unit, facts }, local(now))
                        .map_err(|e| ApiError::conflict(e.code(), engine_text(&e)))?;
                    req = self
                        .save(&req, &before, &next, now, Vec::new(), Vec::new())
                        .await?;
                    continue;
                }
                Waiting::Person { .. } => break,
            };
            req = self.apply(&req, input, Vec::new()).await?;
        }
        Ok(req)
    }
}

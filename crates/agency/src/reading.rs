//! Requests read from outside the provider, through the gateway's [`READ`] service: the
//! portal's cabinet and the CSC's IS keep no copy of a request, they ask the IS that keeps it.
//!
//! The asking system vouches for the person (it logged them in); the IS trusts a system only
//! for its own kind of people — the portal for recipients, a CSC's IS for its operators — and
//! then applies the same access policy as to its own staff.
//!
//! [`READ`]: qyzmet_gateway::services::READ

use crate::AgencyIs;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::Utc;
use qyzmet_accounts::{Denied, Principal, Role};
use qyzmet_api::{denied, ApiError};

use qyzmet_gateway::services::{Read, ReadRequest, CSC, PORTAL};
use qyzmet_gateway::ParticipantId;
use qyzmet_store::{Party, RequestSummary, SignaturePurpose};
use serde_json::{json, Value};

/// Whether `system` may speak for `p`: the portal for recipients, a CSC's IS for its operators.
pub(crate) fn vouched(system: &ParticipantId, p: &Principal) -> Result<(), ApiError> {
    let fits = match system.0.as_str() {
        PORTAL => p.has(Role::Recipient),
        CSC => p.has(Role::Operator) && p.organisation.is_some(),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(denied(Denied::Role))
    }
}

impl AgencyIs {
    /// Answer a read from `system` for the person it vouches for.
    pub(crate) async fn read(
        &self,
        system: &ParticipantId,
        r: ReadRequest,
    ) -> Result<Value, ApiError> {
        let p = &r.on_behalf_of;
        vouched(system, p)?;
        match r.read {
            Read::Requests => self.requests_of(p).await,
            Read::Request { request_id } => self.request_for(p, &request_id).await,
            Read::Result { request_id } => self.result_for(p, &request_id).await,
        }
    }

    /// A recipient's own requests, or those filed at an operator's CSC; newest first.
    async fn requests_of(&self, p: &Principal) -> Result<Value, ApiError> {
        let store = &self.inner.store;
        let list = if p.has(Role::Recipient) {
            let party = p
                .login
                .identifier()
                .as_deref()
                .and_then(Party::parse)
                .ok_or_else(|| denied(Denied::Role))?;
            store.requests_for_recipient(&party).await?
        } else {
            let csc = p
                .organisation
                .as_deref()
                .ok_or_else(|| denied(Denied::Role))?;
            store.requests_for_csc(csc).await?
        };
        let now = Utc::now();
        Ok(json!(list
            .iter()
            .map(|r| self.listed(r, now))
            .collect::<Vec<_>>()))
    }

    fn listed(&self, r: &RequestSummary, now: chrono::DateTime<Utc>) -> Value {
        json!({
            "id": r.id,
            "number": r.number,
            "service": r.regulation,
            "service_name": self.inner.catalog.get(&r.regulation, r.version).map(|g| &g.name),
            "channel": r.channel,
            "recipient": r.recipient.to_string(),
            "status": r.status,
            "deadline": r.deadline,
            "overdue": r.overdue_at(now),
            "created_at": r.created_at,
        })
    }

    /// One request as its reader sees it, with whether its result is signed and its
    /// questionnaire answered.
    async fn request_for(&self, p: &Principal, id: &str) -> Result<Value, ApiError> {
        let i = &self.inner;
        let (req, mut v) =
            qyzmet_api::requests::shown(&i.store, &i.catalog, &i.calendar, p, id).await?;
        v["has_result"] = json!(i
            .store
            .signatures(&req.summary.id)
            .await?
            .iter()
            .any(|s| s.purpose == SignaturePurpose::Result));
        v["answered"] = json!(i.store.answers(&req.summary.id).await?.is_some());
        Ok(v)
    }

    /// The signed result: the CMS and the document it signs.
    async fn result_for(&self, p: &Principal, id: &str) -> Result<Value, ApiError> {
        let store = &self.inner.store;
        let req = qyzmet_api::readable(store, p, id).await?;
        let signatures = store.signatures(&req.summary.id).await?;
        let Some(sig) = signatures
            .iter()
            .rev()
            .find(|s| s.purpose == SignaturePurpose::Result)
        else {
            return Err(ApiError::not_found("result"));
        };
        let raw = qyzmet_pki::cms::parse_raw(&sig.cms).map_err(ApiError::internal)?;
        let document: Value = raw
            .content
            .and_then(|c| serde_json::from_slice(c).ok())
            .unwrap_or(Value::Null);
        Ok(json!({
            "number": req.summary.number,
            "signer": sig.signer.to_string(),
            "signed_at": sig.signed_at,
            "document": document,
            "cms": STANDARD.encode(&sig.cms),
        }))
    }
}

//! The provider's information system (ИС МИО / ИС услугодателя) with the employee's workplace.
//!
//! It is where a request lives: a signed [`Filing`] arrives through the gateway (from the
//! portal, a CSC, or the provider's own workplace), is verified — the signature by the
//! e-signature crate, the application's form by the regulation's format-logical rules, the
//! declared files by their hashes — and registered with a number in one transaction; then the
//! engine runs it by its regulation. Outside systems (state databases, payment, schedules) are
//! asked through the gateway; people act through the staff API ([`api`]) and its pages
//! ([`web`], under `/agency`, calling the same functions) or, from a CSC,
//! through the gateway's [`ACT`] service; the portal and the CSC read requests through
//! [`READ`]. Every change is written with its history lines and
//! its notices in one transaction.
//!
//! Must never: sign anything (results are signed by the employee's own key, in their client),
//! call another participant except through the gateway.

pub mod api;
mod drive;
mod files;
mod filing;
pub mod outbox;
mod outside;
mod questionnaire;
mod reading;
pub mod result;
mod sweep;
pub mod web;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use qyzmet_api::ApiError;
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::{Catalog, Regulation};
use qyzmet_gateway::services::{
    ActAnswer, ActRequest, Filing, FilingAnswer, ReadAnswer, ReadRequest, ACT, FILE, READ,
};
use qyzmet_gateway::{Endpoint, Envelope, Gateway};
use qyzmet_pki::Verifier;
use qyzmet_store::Store;
use std::sync::Arc;

pub use qyzmet_gateway::services::AGENCY;
pub use sweep::SweepReport;

/// Kazakhstan's time (UTC+5, one zone since 1 March 2024): the engine's deadlines and the
/// working-day calendar are in local time.
pub const LOCAL_OFFSET_HOURS: i64 = 5;

/// The instant `t` on Kazakhstan's clock.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(LOCAL_OFFSET_HOURS)).naive_utc()
}

/// A time on Kazakhstan's clock as an instant.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    (t - Duration::hours(LOCAL_OFFSET_HOURS)).and_utc()
}

/// How old a request's signature may be when it arrives.
pub const MAX_SIGNING_AGE: Duration = Duration::hours(1);

/// The provider's IS. Cheap to clone.
#[derive(Clone)]
pub struct AgencyIs {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    catalog: Arc<Catalog>,
    calendar: Arc<WorkingCalendar>,
    gateway: Gateway,
    verifier: Arc<Verifier>,
    /// Fees, in thousandths of an МРП, for services whose regulation leaves the amount to the
    /// standard (set by the deployment, never guessed).
    fees: std::collections::BTreeMap<String, u64>,
}

impl AgencyIs {
    pub fn new(
        store: Store,
        catalog: Arc<Catalog>,
        calendar: Arc<WorkingCalendar>,
        gateway: Gateway,
        verifier: Arc<Verifier>,
    ) -> Self {
        AgencyIs {
            inner: Arc::new(Inner {
                store,
                catalog,
                calendar,
                gateway,
                verifier,
                fees: Default::default(),
            }),
        }
    }

    /// Set the fee of `service`, in thousandths of an МРП, where its regulation does not.
    pub fn with_fee(mut self, service: &str, rate_thousandths: u64) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.fees.insert(service.to_string(), rate_thousandths);
        }
        self
    }

    pub(crate) fn fee_of(&self, service: &str) -> Option<u64> {
        self.inner.fees.get(service).copied()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    fn regulation(&self, code: &str, version: u32) -> Result<&Regulation, ApiError> {
        self.inner
            .catalog
            .get(code, version)
            .ok_or_else(|| ApiError::not_found(&format!("{code} v{version}")))
    }

    /// Register with the gateway: the door through which filings and outside acts arrive.
    /// `key` is the agency IS's own system key: it signs what the IS sends.
    pub fn register(
        &self,
        gateway: &Gateway,
        key: qyzmet_gateway::SystemKey,
    ) -> Result<(), qyzmet_gateway::GatewayError> {
        gateway.register(key, Arc::new(Door(self.clone())))
    }
}

/// The agency's door on the gateway.
struct Door(AgencyIs);

#[async_trait]
impl Endpoint for Door {
    async fn receive(&self, mut message: Envelope) -> Result<Option<Envelope>, String> {
        // The body is read once, by value (a filing carries its scans).
        let request = std::mem::take(&mut message.body);
        let body = match message.service_id.as_str() {
            FILE => {
                let filing: Filing = serde_json::from_value(request).map_err(|e| e.to_string())?;
                let answer = match self.0.file(filing).await {
                    Ok(a) => a,
                    Err(e) => FilingAnswer::Refused(e.into()),
                };
                serde_json::to_value(answer)
            }
            ACT => {
                let act: ActRequest = serde_json::from_value(request).map_err(|e| e.to_string())?;
                let answer = match self.0.outside_act(&message.sender, act).await {
                    Ok(status) => ActAnswer::Done { status },
                    Err(e) => ActAnswer::Refused(e.into()),
                };
                serde_json::to_value(answer)
            }
            READ => {
                let read: ReadRequest =
                    serde_json::from_value(request).map_err(|e| e.to_string())?;
                let answer = match self.0.read(&message.sender, read).await {
                    Ok(found) => ReadAnswer::Found { found },
                    Err(e) => ReadAnswer::Refused(e.into()),
                };
                serde_json::to_value(answer)
            }
            other => return Err(format!("the agency IS offers no service `{other}`")),
        }
        .map_err(|e| e.to_string())?;
        Ok(Some(message.reply(body)))
    }
}

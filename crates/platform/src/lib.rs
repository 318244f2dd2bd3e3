//! The embedded deployment: every participant of the regulations in one process, joined only
//! by the gateway — the portal, the CSC's IS, the provider's IS, the state databases and
//! outside systems, and the NCA — over one database.
//!
//! [`Platform::assemble`] registers the participants on a gateway with the grants the
//! regulations route (and no others); [`Platform::router`] serves their HTTP APIs on one
//! address; [`demo::seed`] creates, on a first start, the seeds' providers and CSCs, their
//! staff with keys from the NCA, and accounts and keys for the demo citizens of the state
//! database.

pub mod demo;
pub mod registries;
pub mod road;

use axum::Router;
use qyzmet_agency::AgencyIs;
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::Catalog;
use qyzmet_gateway::services::{
    registry_participant, ACT, AGENCY, CSC, CSC_NOTICE, FILE, PORTAL, PORTAL_NOTICE, QUERY, READ,
};
use qyzmet_gateway::{Gateway, ParticipantId};
use qyzmet_pki::Verifier;
use qyzmet_store::Store;
use registries::{RegistryHost, PARTICIPANTS};
use road::Road;
use std::sync::Arc;

/// The largest request body the platform reads (a filing with its scans, base64).
pub const MAX_BODY_BYTES: usize = 40 * 1024 * 1024;

/// Every participant, assembled.
#[derive(Clone)]
pub struct Platform {
    pub store: Store,
    pub gateway: Gateway,
    pub agency: AgencyIs,
    pub catalog: Arc<Catalog>,
    pub calendar: Arc<WorkingCalendar>,
    pub registries: RegistryHost,
}

impl Platform {
    pub fn assemble(
        store: Store,
        catalog: Arc<Catalog>,
        calendar: Arc<WorkingCalendar>,
        registries: RegistryHost,
        verifier: Arc<Verifier>,
        fees: &[(String, u64)],
        mut road: Road,
    ) -> Result<Platform, String> {
        let gateway = road.gateway.clone();
        let mut agency = AgencyIs::new(
            store.clone(),
            catalog.clone(),
            calendar.clone(),
            gateway.clone(),
            verifier,
        );
        for (service, rate) in fees {
            agency = agency.with_fee(service, *rate);
        }
        let joined = |e: qyzmet_gateway::GatewayError| e.to_string();
        agency
            .register(&gateway, road.key(AGENCY)?)
            .map_err(joined)?;
        registries.register(&mut road)?;
        // The portal's and the CSC's doors take the notices the provider's IS sends them.
        for (system, service) in [(PORTAL, PORTAL_NOTICE), (CSC, CSC_NOTICE)] {
            let inbox = qyzmet_api::inbox::NoticeInbox::new(store.clone(), service);
            gateway
                .register(road.key(system)?, Arc::new(inbox))
                .map_err(joined)?;
            gateway.grant(
                &ParticipantId::new(AGENCY),
                &ParticipantId::new(system),
                service,
            );
        }
        let id = |name: &str| ParticipantId::new(name);
        // The routes of the regulations: the portal and the CSC file with the provider's IS
        // and act on their requests; the provider's IS asks every state database and outside
        // system; the portal confirms registrations in the state databases and pays; the CSC
        // finds citizens in ГБД ФЛ; the portal shows doctors' free slots and the PHC organisations.
        for from in [PORTAL, CSC] {
            gateway.grant(&id(from), &id(AGENCY), FILE);
            gateway.grant(&id(from), &id(AGENCY), ACT);
            gateway.grant(&id(from), &id(AGENCY), READ);
        }
        for p in PARTICIPANTS {
            gateway.grant(&id(AGENCY), &id(&registry_participant(p)), QUERY);
        }
        use qyzmet_core::regulation::Participant as P;
        for p in [
            P::GbdFl,
            P::GbdUl,
            P::PaymentGateway,
            P::DoctorSchedule,
            P::AttachmentRegister,
        ] {
            gateway.grant(&id(PORTAL), &id(&registry_participant(p)), QUERY);
        }
        gateway.grant(&id(CSC), &id(&registry_participant(P::GbdFl)), QUERY);
        Ok(Platform {
            store,
            gateway,
            agency,
            catalog,
            calendar,
            registries,
        })
    }

    /// Every participant's HTTP API on one router, errors in the person's language.
    pub fn router(&self) -> Router {
        let catalogue = qyzmet_portal::router(qyzmet_portal::Portal::new((*self.catalog).clone()));
        let cabinet = qyzmet_portal::cabinet::router(qyzmet_portal::cabinet::Cabinet::new(
            self.store.clone(),
            self.gateway.clone(),
        ));
        let csc = qyzmet_csc::router(qyzmet_csc::CscIs::new(
            self.store.clone(),
            self.gateway.clone(),
        ));
        catalogue
            .merge(qyzmet_api::sessions::router(self.store.clone()))
            .merge(qyzmet_api::openapi::router())
            .merge(cabinet)
            .merge(csc)
            .merge(qyzmet_agency::api::router(self.agency.clone()))
            .merge(qyzmet_gateway::http::router(self.gateway.clone()))
            .layer(axum::middleware::from_fn(qyzmet_api::localize))
            .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
    }
}

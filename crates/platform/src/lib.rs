//! The deployments: every participant of the regulations in one process, joined only by the
//! gateway — the portal, the CSC's IS, the provider's IS, the state databases and outside
//! systems, and the NCA — over one database ([`Platform`]); or one role per process, each on its
//! own database and gateway node ([`Node`], [`roles`]).
//!
//! [`Platform::assemble`] registers the participants on a gateway with the grants the
//! regulations route (and no others); [`Platform::router`] serves their HTTP APIs on one
//! address; [`demo::seed`] creates, on a first start, the seeds' providers and CSCs, their
//! staff with keys from the NCA, and accounts and keys for the demo citizens of the state
//! database.

pub mod demo;
pub mod registries;
pub mod road;
pub mod roles;
mod web;

use axum::Router;
use qyzmet_agency::AgencyIs;
use qyzmet_core::calendar::WorkingCalendar;
use qyzmet_core::regulation::Catalog;
use qyzmet_gateway::services::{AGENCY, CSC, CSC_NOTICE, PORTAL, PORTAL_NOTICE};
use qyzmet_gateway::Gateway;
use qyzmet_pki::Verifier;
use qyzmet_store::Store;
use registries::RegistryHost;
use road::Road;
pub use roles::Role;
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

/// What the participants of a node are made of.
pub struct Parts {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub calendar: Arc<WorkingCalendar>,
    /// The state databases and outside systems, where the node runs them.
    pub registries: Option<RegistryHost>,
    pub verifier: Arc<Verifier>,
    pub fees: Vec<(String, u64)>,
}

/// The participants of one role on its own node (`qyzmet serve --role …`).
#[derive(Clone)]
pub struct Node {
    pub role: Role,
    pub store: Store,
    pub gateway: Gateway,
    /// The provider's IS, on the agency's node.
    pub agency: Option<AgencyIs>,
    pub catalog: Arc<Catalog>,
}

fn joined(e: qyzmet_gateway::GatewayError) -> String {
    e.to_string()
}

/// Put `role`'s participants on the road's node: the provider's IS behind its door, the
/// portal's and the CSC's notice inboxes, the registries' doors.
fn join(role: Role, parts: &Parts, road: &mut Road) -> Result<Option<AgencyIs>, String> {
    let gateway = road.gateway.clone();
    match role {
        Role::Agency => {
            let mut agency = AgencyIs::new(
                parts.store.clone(),
                parts.catalog.clone(),
                parts.calendar.clone(),
                gateway.clone(),
                parts.verifier.clone(),
            );
            for (service, rate) in &parts.fees {
                agency = agency.with_fee(service, *rate);
            }
            agency
                .register(&gateway, road.key(AGENCY)?)
                .map_err(joined)?;
            return Ok(Some(agency));
        }
        // The portal's and the CSC's doors take the notices the provider's IS sends them.
        Role::Portal | Role::Csc => {
            let (system, service) = if role == Role::Portal {
                (PORTAL, PORTAL_NOTICE)
            } else {
                (CSC, CSC_NOTICE)
            };
            let inbox = qyzmet_api::inbox::NoticeInbox::new(parts.store.clone(), service);
            gateway
                .register(road.key(system)?, Arc::new(inbox))
                .map_err(joined)?;
        }
        Role::Registries => parts
            .registries
            .as_ref()
            .ok_or("the registries' role needs their state")?
            .register(road)?,
    }
    Ok(None)
}

/// The HTTP API of `role`'s participants, and their pages: the provider's workplace
/// (`/agency`), the portal (`/portal`).
fn routes(
    role: Role,
    store: &Store,
    gateway: &Gateway,
    catalog: &Catalog,
    agency: Option<&AgencyIs>,
) -> Router {
    match role {
        Role::Agency => agency
            .map(|a| {
                qyzmet_agency::api::router(a.clone())
                    .merge(qyzmet_agency::web::router(a.clone()))
                    .merge(qyzmet_agency::web::oversight::router(a.clone()))
            })
            .unwrap_or_default(),
        Role::Portal => qyzmet_portal::router(qyzmet_portal::Portal::new(catalog.clone()))
            .merge(qyzmet_portal::cabinet::router(
                qyzmet_portal::cabinet::Cabinet::new(store.clone(), gateway.clone()),
            ))
            .merge(qyzmet_portal::web::router(
                qyzmet_portal::Portal::new(catalog.clone()),
                qyzmet_portal::cabinet::Cabinet::new(store.clone(), gateway.clone()),
            )),
        Role::Csc => {
            let csc = qyzmet_csc::CscIs::new(store.clone(), gateway.clone());
            qyzmet_csc::router(csc.clone())
                .merge(qyzmet_csc::web::router(csc, Arc::new(catalog.clone())))
        }
        Role::Registries => Router::new(),
    }
}

/// What every node serves: where it has people, sessions, the API's description, the pages'
/// assets (once per node, whichever participants' pages it serves) and the start page `/`
/// with the ways in to them; the gateway's operations,
/// errors in the person's language, the body limit.
fn around(routes: Router, store: &Store, gateway: &Gateway, roles: &[Role]) -> Router {
    let people = roles.iter().any(|r| *r != Role::Registries);
    let routes = if people {
        routes
            .merge(qyzmet_api::sessions::router(store.clone()))
            .merge(qyzmet_api::openapi::router())
            .merge(qyzmet_web::assets::router())
            .merge(web::home::router(store.clone(), roles))
    } else {
        routes
    };
    routes
        .merge(qyzmet_gateway::http::router(gateway.clone()))
        .layer(axum::middleware::from_fn(qyzmet_api::localize))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
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
        let parts = Parts {
            store,
            catalog,
            calendar,
            registries: Some(registries.clone()),
            verifier,
            fees: fees.to_vec(),
        };
        let mut agency = None;
        for role in Role::ALL {
            agency = join(role, &parts, &mut road)?.or(agency);
        }
        roles::grant_routes(&road.gateway);
        Ok(Platform {
            store: parts.store,
            gateway: road.gateway,
            agency: agency.ok_or("no provider's IS")?,
            catalog: parts.catalog,
            calendar: parts.calendar,
            registries,
        })
    }

    /// Every participant's HTTP API on one router, errors in the person's language.
    pub fn router(&self) -> Router {
        let all = Role::ALL.into_iter().fold(Router::new(), |r, role| {
            r.merge(routes(
                role,
                &self.store,
                &self.gateway,
                &self.catalog,
                Some(&self.agency),
            ))
        });
        around(all, &self.store, &self.gateway, &Role::ALL)
    }
}

impl Node {
    /// Put `role`'s participants on the road's node, with the routes of the regulations.
    pub fn assemble(role: Role, parts: Parts, mut road: Road) -> Result<Node, String> {
        let agency = join(role, &parts, &mut road)?;
        roles::grant_routes(&road.gateway);
        Ok(Node {
            role,
            store: parts.store,
            gateway: road.gateway,
            agency,
            catalog: parts.catalog,
        })
    }

    /// The role's HTTP API; the registries' node serves only the gateway's operations.
    pub fn router(&self) -> Router {
        let own = routes(
            self.role,
            &self.store,
            &self.gateway,
            &self.catalog,
            self.agency.as_ref(),
        );
        around(own, &self.store, &self.gateway, &[self.role])
    }
}

//! The citizen's portal as web pages, on the web kit (`qyzmet-web`): the same paths as the
//! JSON API — the catalogue, and the cabinet's shared functions ([`Cabinet`]) for
//! registration, filing, requests, results, the questionnaire and notifications — rendered as
//! HTML. The portal keeps no copy of a request: every page reads it through the gateway.
//!
//! | route | page |
//! |---|---|
//! | `GET /portal` | the catalogue, grouped by provider |
//! | `GET /portal/services/{code}` | a service: provider, standard, channels, deadline, fee, result |
//! | `GET, POST /portal/services/{code}/apply` | the regulation's form (and attachments); with a doctor's slot to choose (`slots`), `GET …?doctor=&appointment_date=` shows the doctor's free times |
//! | `GET, POST /portal/drafts/{id}` | review, then sign in the browser and submit |
//! | `GET /portal/requests` | my requests |
//! | `GET /portal/requests/{id}` | a request: number, status, deadline, whom it waits for, timeline; while it awaits payment, the invoice and the card form |
//! | `POST /portal/requests/{id}/pay` | pay the invoice by card (through the payment gateway, as the JSON API pays) |
//! | `GET /portal/requests/{id}/result` (`.p7s`, `.json`) | the signed result, to view and download |
//! | `POST /portal/requests/{id}/questionnaire` | the questionnaire after completion |
//! | `GET /portal/notifications`, `POST …/{id}/read` | notifications, mark read |
//! | `GET, POST /portal/login`, `POST /portal/logout`, `GET, POST /portal/register` | |
//!
//! Payment (`requests`): the invoice as the payment gateway holds it (amount in МРП and
//! tenge, what for, to whom) and a card form; [`Cabinet::pay`](crate::cabinet::Cabinet::pay)
//! pays it only for the request's own recipient while it waits for its payment, and a card
//! the gateway's bank declines changes nothing and is said at its field. The doctor's slot
//! (`slots`): where a regulation's portal channel has the doctors' schedules choose a slot,
//! the form offers the clinics' doctors and a day, then the doctor's free times, and checks
//! the slot is still free when posted and before filing.

mod apply;
mod auth;
mod catalogue;
mod requests;
mod slots;
mod texts;

use crate::cabinet::Cabinet;
use crate::Portal;
use axum::extract::FromRef;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use qyzmet_api::{ApiError, Session};
use qyzmet_store::Store;
use qyzmet_web::page::{Layout, Site};
use qyzmet_web::session::Visitor;
use std::sync::Arc;

/// What the pages work with.
#[derive(Clone)]
pub(crate) struct Pages {
    portal: Portal,
    cabinet: Cabinet,
    drafts: qyzmet_web::drafts::Drafts,
    site: Arc<Site>,
}

impl FromRef<Pages> for Store {
    fn from_ref(p: &Pages) -> Store {
        Store::from_ref(&p.cabinet)
    }
}

/// The portal's pages, the language cookie and the CSRF guard (the node serves the assets).
pub fn router(portal: Portal, cabinet: Cabinet) -> Router {
    let site = Arc::new(Site {
        name: texts::site_name(),
        home: "/portal".into(),
    });
    let pages = Pages {
        portal,
        cabinet,
        drafts: qyzmet_web::drafts::Drafts::default(),
        site: site.clone(),
    };
    Router::new()
        .route("/portal", get(catalogue::catalogue))
        .route("/portal/services/{code}", get(catalogue::service))
        .route(
            "/portal/services/{code}/apply",
            get(apply::form).post(apply::fill),
        )
        .route(
            "/portal/drafts/{id}",
            get(apply::review).post(apply::submit),
        )
        .route("/portal/requests", get(requests::mine))
        .route("/portal/requests/{id}", get(requests::request))
        .route("/portal/requests/{id}/result", get(requests::result))
        .route(
            "/portal/requests/{id}/result.p7s",
            get(requests::result_cms),
        )
        .route(
            "/portal/requests/{id}/result.json",
            get(requests::result_json),
        )
        .route("/portal/requests/{id}/pay", post(requests::pay))
        .route(
            "/portal/requests/{id}/questionnaire",
            post(requests::questionnaire),
        )
        .route("/portal/notifications", get(requests::notifications))
        .route("/portal/notifications/{id}/read", post(requests::mark_read))
        .route("/portal/login", get(auth::login_page).post(auth::log_in))
        .route("/portal/logout", post(auth::log_out))
        .route(
            "/portal/register",
            get(auth::register_page).post(auth::register),
        )
        .with_state(pages)
        .layer(axum::middleware::from_fn_with_state(
            site,
            qyzmet_web::csrf::guard,
        ))
        .layer(axum::middleware::from_fn(qyzmet_web::lang::remember))
}

impl Pages {
    /// The frame of a page for this visitor.
    fn layout<'a>(&'a self, v: &'a Visitor, scripts: &'a [&'a str]) -> Layout<'a> {
        let mut nav = vec![("/portal".to_string(), texts::catalogue())];
        if v.session.is_some() {
            nav.push(("/portal/requests".into(), texts::my_requests()));
            nav.push(("/portal/notifications".into(), texts::notifications()));
        } else {
            nav.push(("/portal/login".into(), texts::log_in()));
            nav.push(("/portal/register".into(), texts::register()));
        }
        Layout::of(&self.site, v, nav, "/portal/logout", scripts)
    }

    /// A refusal or failure as a page in the visitor's language; without a session, the
    /// log-in page.
    fn refused(&self, v: &Visitor, e: &ApiError) -> Response {
        self.layout(v, &[]).refusal(e, "/portal/login")
    }
}

/// The log-in page, coming back here afterwards.
fn to_login(v: &Visitor) -> Response {
    qyzmet_web::page::to_login(&v.path, "/portal/login")
}

/// The visitor's session, or the way to log in.
#[allow(clippy::result_large_err)]
fn signed_in(v: &Visitor) -> Result<&Session, Response> {
    v.session.as_ref().ok_or_else(|| to_login(v))
}

//! The provider's workplace as web pages, on the web kit (`qyzmet-web`), for its staff
//! (employee, authorised signer, head). Every page calls the same functions the JSON API's
//! handlers call ([`crate::api`]): the queue, opening a request, taking it into work,
//! deciding, extending, other person steps, the result to sign and its signature. The
//! server never signs: the result is signed in the browser with the staff member's own key
//! file (`portal.js` with `sign.js`, through `qyzmet_web::signing`).
//!
//! | route | page |
//! |---|---|
//! | `GET /agency` | the queue of the organisation's requests, overdue first |
//! | `GET /agency/file` | filing for a citizen who came in person: this provider's services with an agency channel |
//! | `GET /agency/file/{code}` | the citizen's IIN, found in ГБД ФЛ through the gateway |
//! | `GET, POST /agency/file/{code}/citizens/{iin}` | the regulation's form and scans, checked on the server |
//! | `GET, POST /agency/file/drafts/{id}` | the review, signed in the browser with the employee's own key, filed as `POST /api/agency/requests` files |
//! | `GET /agency/requests/{id}` | a request: recipient, form, attachments, timeline, the actions it waits for |
//! | `POST /agency/requests/{id}/take` | take into work |
//! | `POST /agency/requests/{id}/decide` | positive (interim) or a motivated refusal on the regulation's grounds |
//! | `POST /agency/requests/{id}/extend` | a later deadline with its reason, where the regulation allows |
//! | `POST /agency/requests/{id}/perform` | another person step the request waits for |
//! | `GET, POST /agency/requests/{id}/sign` | the result document, signed in the browser |
//! | `GET /agency/requests/{id}/attachments/{aid}` | an attached scan |
//! | `GET, POST /agency/login`, `POST /agency/logout` | |
//!
//! The oversight pages for monitors, heads and administrators are [`oversight`]'s.

mod auth;
mod file;
pub mod oversight;
mod queue;
mod request;
mod texts;

use crate::AgencyIs;
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
    agency: AgencyIs,
    /// Applications an employee fills for a citizen, between the form and the signature.
    drafts: qyzmet_web::drafts::Drafts,
    site: Arc<Site>,
}

impl FromRef<Pages> for Store {
    fn from_ref(p: &Pages) -> Store {
        p.agency.store().clone()
    }
}

/// The workplace's pages, the language cookie and the CSRF guard (the node serves the
/// assets).
pub fn router(agency: AgencyIs) -> Router {
    let site = Arc::new(Site {
        name: texts::site_name(),
        home: "/agency".into(),
    });
    let pages = Pages {
        agency,
        drafts: qyzmet_web::drafts::Drafts::default(),
        site: site.clone(),
    };
    Router::new()
        .route("/agency", get(queue::queue))
        .route("/agency/file", get(file::services_page))
        .route("/agency/file/{code}", get(file::citizen_page))
        .route(
            "/agency/file/{code}/citizens/{iin}",
            get(file::form).post(file::fill),
        )
        .route(
            "/agency/file/drafts/{id}",
            get(file::review).post(file::submit),
        )
        .route("/agency/requests/{id}", get(request::request))
        .route("/agency/requests/{id}/take", post(request::take))
        .route("/agency/requests/{id}/decide", post(request::decide))
        .route("/agency/requests/{id}/extend", post(request::extend))
        .route("/agency/requests/{id}/perform", post(request::perform))
        .route(
            "/agency/requests/{id}/sign",
            get(request::sign_page).post(request::sign),
        )
        .route(
            "/agency/requests/{id}/attachments/{aid}",
            get(request::attachment),
        )
        .route("/agency/login", get(auth::login_page).post(auth::log_in))
        .route("/agency/logout", post(auth::log_out))
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
        let nav = if v.session.is_some() {
            vec![
                ("/agency".to_string(), texts::queue()),
                ("/agency/file".to_string(), texts::file_title()),
            ]
        } else {
            vec![("/agency/login".to_string(), texts::log_in())]
        };
        Layout::of(&self.site, v, nav, "/agency/logout", scripts)
    }

    /// A refusal or failure as a page in the visitor's language; without a session, the
    /// log-in page.
    fn refused(&self, v: &Visitor, e: &ApiError) -> Response {
        self.layout(v, &[]).refusal(e, "/agency/login")
    }
}

/// The log-in page, coming back here afterwards.
fn to_login(v: &Visitor) -> Response {
    qyzmet_web::page::to_login(&v.path, "/agency/login")
}

/// The visitor's session, or the way to log in.
#[allow(clippy::result_large_err)]
fn signed_in(v: &Visitor) -> Result<&Session, Response> {
    v.session.as_ref().ok_or_else(|| to_login(v))
}

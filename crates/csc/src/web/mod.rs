//! The CSC operator's workplace as web pages, on the web kit (`qyzmet-web`): the operator logs
//! in with their staff login, finds the citizen who came in person in ГБД ФЛ, chooses a
//! service whose regulation has a CSC channel, fills its form on the citizen's behalf (with a
//! representative under a power of attorney where the regulation asks it), attaches the
//! scans, reviews, and signs with their OWN key in the browser; then follows the centre's
//! requests, performs the centre's steps (hand-over, courier) and reads its notifications.
//!
//! Every page calls the same functions of [`CscIs`] as the JSON API (`/api/csc/…`), so a
//! page files, reads and acts exactly as the API does; the CSC keeps no copy of a request.
//! Only the centre's operators see these pages: a citizen's session, or an operator of
//! another centre for a request not filed here, is refused and shown nothing.
//! Routes: see the crate's documentation.

mod apply;
mod auth;
mod citizen;
mod requests;
mod texts;

use crate::CscIs;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use qyzmet_api::{ApiError, Session};
use qyzmet_core::regulation::Catalog;
use qyzmet_store::Store;
use qyzmet_web::page::{Layout, Site};
use qyzmet_web::session::Visitor;
use std::sync::Arc;

/// What the pages work with.
#[derive(Clone)]
pub(crate) struct Pages {
    csc: CscIs,
    catalog: Arc<Catalog>,
    drafts: qyzmet_web::drafts::Drafts,
    site: Arc<Site>,
}

impl FromRef<Pages> for Store {
    fn from_ref(p: &Pages) -> Store {
        Store::from_ref(&p.csc)
    }
}

/// The operator's pages, the language cookie and the CSRF guard (the node serves the
/// assets). `catalog`: the regulations, whose CSC channels the centre offers.
pub fn router(csc: CscIs, catalog: Arc<Catalog>) -> Router {
    let site = Arc::new(Site {
        name: texts::site_name(),
        home: "/csc".into(),
    });
    let pages = Pages {
        csc,
        catalog,
        drafts: qyzmet_web::drafts::Drafts::default(),
        site: site.clone(),
    };
    Router::new()
        .route("/csc", get(citizen::find))
        .route(
            "/csc/citizens/{iin}/services/{code}/apply",
            get(apply::form).post(apply::fill),
        )
        .route("/csc/drafts/{id}", get(apply::review).post(apply::submit))
        .route("/csc/requests", get(requests::ours))
        .route("/csc/requests/{id}", get(requests::request))
        .route("/csc/requests/{id}/perform", post(requests::perform))
        .route("/csc/notifications", get(requests::notifications))
        .route("/csc/login", get(auth::login_page).post(auth::log_in))
        .route("/csc/logout", post(auth::log_out))
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
        let operator = v
            .session
            .as_ref()
            .filter(|s| crate::operator(&s.principal).is_ok());
        let nav = if operator.is_some() {
            vec![
                ("/csc".to_string(), texts::find_citizen()),
                ("/csc/requests".into(), texts::requests()),
                ("/csc/notifications".into(), texts::notifications()),
            ]
        } else {
            vec![("/csc/login".to_string(), texts::log_in())]
        };
        Layout::of(&self.site, v, nav, "/csc/logout", scripts)
    }

    /// A refusal or failure as a page in the visitor's language; without a session, the
    /// log-in page.
    fn refused(&self, v: &Visitor, e: &ApiError) -> Response {
        self.layout(v, &[]).refusal(e, "/csc/login")
    }

    /// The page of something not found.
    fn not_found(&self, v: &Visitor) -> Response {
        let nf = qyzmet_web::words::not_found();
        self.layout(v, &[])
            .error(StatusCode::NOT_FOUND, nf.get(v.lang), nf.get(v.lang))
    }

    /// The visitor's session if it is one of a centre's operators; the way to log in without
    /// one; a refusal, showing nothing, for anyone else (a citizen, provider staff).
    #[allow(clippy::result_large_err)]
    fn operator<'a>(&self, v: &'a Visitor) -> Result<&'a Session, Response> {
        let s = v.session.as_ref().ok_or_else(|| to_login(v))?;
        match crate::operator(&s.principal) {
            Ok(_) => Ok(s),
            Err(e) => Err(self.refused(v, &e)),
        }
    }
}

/// The log-in page, coming back here afterwards.
fn to_login(v: &Visitor) -> Response {
    qyzmet_web::page::to_login(&v.path, "/csc/login")
}

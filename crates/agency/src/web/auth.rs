//! Logging in and out, as pages, for the provider's staff: the kit's staff log-in
//! (`qyzmet_web::login`, through the platform's session API) at `/agency/login`.

use super::{texts, Pages};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use qyzmet_web::form::Problems;
use qyzmet_web::login::{self, Credentials, Next, StaffLogin};
use qyzmet_web::session::Visitor;

fn staff() -> StaffLogin {
    StaffLogin {
        action: "/agency/login",
        home: "/agency",
        title: texts::login_title(),
        lead: Some(texts::login_lead()),
        hint: texts::login_hint(),
    }
}

pub(crate) async fn login_page(
    State(p): State<Pages>,
    v: Visitor,
    Query(q): Query<Next>,
) -> Response {
    let layout = p.layout(&v, &[]);
    login::page(
        &layout,
        &v,
        &staff(),
        "",
        q.next.as_deref(),
        &Problems::default(),
    )
}

pub(crate) async fn log_in(
    State(p): State<Pages>,
    v: Visitor,
    Form(c): Form<Credentials>,
) -> Response {
    login::log_in(p.agency.store(), &p.layout(&v, &[]), &v, &staff(), c).await
}

pub(crate) async fn log_out(State(p): State<Pages>, v: Visitor, headers: HeaderMap) -> Response {
    login::log_out(p.agency.store(), &p.layout(&v, &[]), &v, &headers, &staff()).await
}

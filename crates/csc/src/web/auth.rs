//! Logging in and out, as pages, for the centre's operators: the kit's staff log-in
//! (`qyzmet_web::login`, through the platform's session API) at `/csc/login`.

use super::{texts, Pages};
use axum::extract::{FromRef, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use qyzmet_store::Store;
use qyzmet_web::form::Problems;
use qyzmet_web::login::{self, Credentials, Next, StaffLogin};
use qyzmet_web::session::Visitor;

fn staff() -> StaffLogin {
    StaffLogin {
        action: "/csc/login",
        home: "/csc",
        title: texts::login_title(),
        lead: None,
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
    login::log_in(&Store::from_ref(&p), &p.layout(&v, &[]), &v, &staff(), c).await
}

pub(crate) async fn log_out(State(p): State<Pages>, v: Visitor, headers: HeaderMap) -> Response {
    login::log_out(
        &Store::from_ref(&p),
        &p.layout(&v, &[]),
        &v,
        &headers,
        &staff(),
    )
    .await
}

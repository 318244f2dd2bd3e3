//! Logging in and out of the workplace, as pages: staff log in with their staff login and
//! password through the kit's `session` (the platform's session API, the same path as
//! `POST /api/session`); its refusal is shown at the field.

use super::{texts, Pages};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use maud::html;
use qyzmet_web::form::{summary, Control, Kind, Problems};
use qyzmet_web::page::{respond, see_other};
use qyzmet_web::session::{self, Visitor};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(crate) struct Next {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Credentials {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

fn login_form(
    p: &Pages,
    v: &Visitor,
    login: &str,
    next: Option<&str>,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let title = texts::login_title();
    let mut name = Control::new("login", texts::login().get(l), Kind::Input("text"));
    name.hint = Some(texts::login_hint().get(l).into());
    name.value = login.into();
    name.required = true;
    name.autocomplete = Some("username");
    name.error = problems.of("login").map(|t| t.get(l).into());
    let mut password = Control::new(
        "password",
        texts::password().get(l),
        Kind::Input("password"),
    );
    password.required = true;
    password.autocomplete = Some("current-password");
    password.error = problems.of("password").map(|t| t.get(l).into());
    let body = html! {
        (summary(l, problems))
        h1 { (title.get(l)) }
        p.lead { (texts::login_lead().get(l)) }
        form method="post" action="/agency/login" {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(n) = next { input type="hidden" name="next" value=(n); }
            (name.render(l))
            (password.render(l))
            div.actions { button type="submit" { (texts::login_button().get(l)) } }
        }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(status, p.layout(v, &[]).page(title.get(l), body))
}

pub(crate) async fn login_page(
    State(p): State<Pages>,
    v: Visitor,
    Query(q): Query<Next>,
) -> Response {
    login_form(&p, &v, "", q.next.as_deref(), &Problems::default())
}

pub(crate) async fn log_in(
    State(p): State<Pages>,
    v: Visitor,
    Form(c): Form<Credentials>,
) -> Response {
    let next = c.next.as_deref();
    let mut problems = Problems::default();
    if c.login.trim().is_empty() {
        problems.add("login", texts::login_required());
    }
    if c.password.is_empty() {
        problems.add("password", texts::password_required());
    }
    if problems.is_empty() {
        let store = axum::extract::FromRef::from_ref(&p);
        match session::log_in(&store, c.login.trim(), &c.password).await {
            Ok(opened) => {
                let mut r = see_other(session::next_or(next, "/agency"));
                r.headers_mut()
                    .append(header::SET_COOKIE, session::cookie(Some(&opened), v.secure));
                return r;
            }
            Err(e) if e.status.is_client_error() => problems.add("login", e.message.clone()),
            Err(e) => return p.refused(&v, &e),
        }
    }
    login_form(&p, &v, &c.login, next, &problems)
}

pub(crate) async fn log_out(State(p): State<Pages>, v: Visitor, headers: HeaderMap) -> Response {
    let store = axum::extract::FromRef::from_ref(&p);
    if let Err(e) = session::log_out(&store, &headers).await {
        return p.refused(&v, &e);
    }
    let mut r = see_other("/agency/login");
    r.headers_mut()
        .append(header::SET_COOKIE, session::cookie(None, v.secure));
    r
}

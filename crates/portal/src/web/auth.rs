//! Logging in, registering and logging out, as pages. The checks are the platform's: the
//! session API's for logging in (through the kit), the cabinet's registration (the IIN in
//! ГБД ФЛ through the gateway, the password policy); their errors are shown at the fields.

use super::{texts, Pages};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qyzmet_api::ApiError;

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

fn login_control(v: &Visitor, value: &str, problems: &Problems) -> Markup {
    let l = v.lang;
    let mut c = Control::new("login", texts::iin().get(l), Kind::Input("text"));
    c.hint = Some(texts::iin_hint().get(l).into());
    c.value = value.into();
    c.required = true;
    c.pattern = Some(qyzmet_web::regulation::ID_PATTERN.into());
    c.maxlength = Some(12);
    c.inputmode = Some("numeric");
    c.autocomplete = Some("username");
    c.error = problems.of("login").map(|t| t.get(l).into());
    c.render(l)
}

fn password_control(v: &Visitor, new: bool, problems: &Problems) -> Markup {
    let l = v.lang;
    let mut c = Control::new(
        "password",
        texts::password().get(l),
        Kind::Input("password"),
    );
    if new {
        c.hint = Some(texts::password_hint().get(l).into());
    }
    c.required = true;
    c.autocomplete = Some(if new {
        "new-password"
    } else {
        "current-password"
    });
    c.error = problems.of("password").map(|t| t.get(l).into());
    c.render(l)
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
    let body = html! {
        (summary(l, problems))
        h1 { (title.get(l)) }
        form method="post" action="/portal/login" {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(n) = next { input type="hidden" name="next" value=(n); }
            (login_control(v, login, problems))
            (password_control(v, false, problems))
            div.actions { button type="submit" { (texts::login_button().get(l)) } }
        }
        p { (texts::no_account().get(l)) " " a href="/portal/register" { (texts::register().get(l)) } }
    };
    let status = problems.status();
    respond(status, p.layout(v, &[]).page(title.get(l), body))
}

pub(crate) async fn login_page(
    State(p): State<Pages>,
    v: Visitor,
    Query(q): Query<Next>,
) -> Response {
    login_form(&p, &v, "", q.next.as_deref(), &Problems::default())
}

/// The empty fields, named at their fields before anything is asked.
fn blanks(c: &Credentials) -> Problems {
    let mut problems = Problems::default();
    if c.login.trim().is_empty() {
        problems.add("login", texts::login_required());
    }
    if c.password.is_empty() {
        problems.add("password", texts::password_required());
    }
    problems
}

pub(crate) async fn log_in(
    State(p): State<Pages>,
    v: Visitor,
    Form(c): Form<Credentials>,
) -> Response {
    let next = c.next.as_deref();
    let mut problems = blanks(&c);
    if problems.is_empty() {
        let store = axum::extract::FromRef::from_ref(&p);
        match session::log_in(&store, &c.login, &c.password).await {
            Ok(opened) => return opened_to(&v, &opened, session::next_or(next, "/portal")),
            Err(e) if e.status.is_client_error() => problems.add("login", e.message.clone()),
            Err(e) => return p.refused(&v, &e),
        }
    }
    login_form(&p, &v, &c.login, next, &problems)
}

fn opened_to(v: &Visitor, opened: &session::Opened, to: &str) -> Response {
    let mut r = see_other(to);
    r.headers_mut()
        .append(header::SET_COOKIE, session::cookie(Some(opened), v.secure));
    r
}

pub(crate) async fn log_out(State(p): State<Pages>, v: Visitor, headers: HeaderMap) -> Response {
    let store = axum::extract::FromRef::from_ref(&p);
    if let Err(e) = session::log_out(&store, &headers).await {
        return p.refused(&v, &e);
    }
    let mut r = see_other("/portal");
    r.headers_mut()
        .append(header::SET_COOKIE, session::cookie(None, v.secure));
    r
}

fn register_form(p: &Pages, v: &Visitor, login: &str, problems: &Problems) -> Response {
    let l = v.lang;
    let title = texts::register_title();
    let body = html! {
        (summary(l, problems))
        h1 { (title.get(l)) }
        p.lead { (texts::register_lead().get(l)) }
        form method="post" action="/portal/register" {
            input type="hidden" name="csrf" value=(v.csrf);
            (login_control(v, login, problems))
            (password_control(v, true, problems))
            div.actions { button type="submit" { (texts::register_button().get(l)) } }
        }
    };
    let status = problems.status();
    respond(status, p.layout(v, &[]).page(title.get(l), body))
}

pub(crate) async fn register_page(State(p): State<Pages>, v: Visitor) -> Response {
    register_form(&p, &v, "", &Problems::default())
}

/// The field an error of registration belongs to: the password's rules to the password,
/// everything else (the IIN's check digit, not in ГБД ФЛ, already registered) to the IIN.
fn field_of(e: &ApiError) -> &'static str {
    if e.code.starts_with("password") {
        "password"
    } else {
        "login"
    }
}

pub(crate) async fn register(
    State(p): State<Pages>,
    v: Visitor,
    Form(c): Form<Credentials>,
) -> Response {
    let mut problems = blanks(&c);
    if problems.is_empty() {
        let done = p
            .cabinet
            .register(&c.login, c.password.clone(), Some(v.lang))
            .await;
        match done {
            Ok(r) => {
                let store = axum::extract::FromRef::from_ref(&p);
                return match session::log_in(&store, &r.login, &c.password).await {
                    Ok(opened) => opened_to(&v, &opened, "/portal"),
                    Err(e) => p.refused(&v, &e),
                };
            }
            Err(e) if e.status.is_client_error() => problems.add(field_of(&e), e.message.clone()),
            Err(e) => return p.refused(&v, &e),
        }
    }
    register_form(&p, &v, &c.login, &problems)
}

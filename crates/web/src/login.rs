//! The staff's log-in as pages, for every workplace (the provider's, the CSC's): the staff
//! login and password, checked by the platform's session API through [`crate::session`] (the
//! same path as `POST /api/session`); an empty field or a refused log-in is said at its field
//! and in the summary. The citizens' portal logs in with an IIN and has its own page.

use crate::form::{summary, Control, Kind, Problems};
use crate::page::{respond, see_other, Layout};
use crate::session::{self, Visitor};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use maud::html;
use qyzmet_core::Text;
use qyzmet_store::Store;
use serde::Deserialize;

/// Where a workplace's log-in is and what it says.
pub struct StaffLogin {
    /// The log-in page's path (its form posts there).
    pub action: &'static str,
    /// Where a log-in leads when the page was not asked for another.
    pub home: &'static str,
    pub title: Text,
    pub lead: Option<Text>,
    /// How this workplace's logins look.
    pub hint: Text,
}

/// `?next=`: the page to come back to.
#[derive(Deserialize, Default)]
pub struct Next {
    pub next: Option<String>,
}

/// The log-in form as posted.
#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The log-in page, with what was typed and what is wrong with it.
pub fn page(
    layout: &Layout,
    v: &Visitor,
    s: &StaffLogin,
    login: &str,
    next: Option<&str>,
    problems: &Problems,
) -> Response {
    let l = v.lang;
    let mut who = Control::new("login", login_label().get(l), Kind::Input("text"));
    who.hint = Some(s.hint.get(l).into());
    who.value = login.into();
    who.required = true;
    who.maxlength = Some(100);
    who.autocomplete = Some("username");
    who.error = problems.of("login").map(|t| t.get(l).into());
    let mut password = Control::new("password", password_label().get(l), Kind::Input("password"));
    password.required = true;
    password.autocomplete = Some("current-password");
    password.error = problems.of("password").map(|t| t.get(l).into());
    let body = html! {
        (summary(l, problems))
        h1 { (s.title.get(l)) }
        @if let Some(lead) = &s.lead { p.lead { (lead.get(l)) } }
        form method="post" action=(s.action) {
            input type="hidden" name="csrf" value=(v.csrf);
            @if let Some(n) = next { input type="hidden" name="next" value=(n); }
            (who.render(l))
            (password.render(l))
            div.actions { button type="submit" { (button().get(l)) } }
        }
    };
    let status = problems.status();
    respond(status, layout.page(s.title.get(l), body))
}

/// Log in: the session cookie and on to the page asked for, or the form again with why not.
pub async fn log_in(
    store: &Store,
    layout: &Layout<'_>,
    v: &Visitor,
    s: &StaffLogin,
    c: Credentials,
) -> Response {
    let next = c.next.as_deref();
    let mut problems = Problems::default();
    if c.login.trim().is_empty() {
        problems.add("login", login_required());
    }
    if c.password.is_empty() {
        problems.add("password", password_required());
    }
    if problems.is_empty() {
        match session::log_in(store, c.login.trim(), &c.password).await {
            Ok(opened) => {
                let mut r = see_other(session::next_or(next, s.home));
                r.headers_mut()
                    .append(header::SET_COOKIE, session::cookie(Some(&opened), v.secure));
                return r;
            }
            Err(e) if e.status.is_client_error() => problems.add("login", e.message.clone()),
            Err(e) => return layout.refusal(&e, s.action),
        }
    }
    page(layout, v, s, &c.login, next, &problems)
}

/// Log out: the session ended on the server and its cookie cleared; back to the log-in.
pub async fn log_out(
    store: &Store,
    layout: &Layout<'_>,
    v: &Visitor,
    headers: &HeaderMap,
    s: &StaffLogin,
) -> Response {
    if let Err(e) = session::log_out(store, headers).await {
        return layout.refusal(&e, s.action);
    }
    let mut r = see_other(s.action);
    r.headers_mut()
        .append(header::SET_COOKIE, session::cookie(None, v.secure));
    r
}

fn login_label() -> Text {
    Text::new("Логин", "Логин", "Login")
}

fn password_label() -> Text {
    Text::new("Құпиясөз", "Пароль", "Password")
}

fn button() -> Text {
    Text::new("Кіру", "Войти", "Log in")
}

fn login_required() -> Text {
    Text::new("Логинді енгізіңіз", "Введите логин", "Enter your login")
}

fn password_required() -> Text {
    Text::new(
        "Құпиясөзді енгізіңіз",
        "Введите пароль",
        "Enter your password",
    )
}

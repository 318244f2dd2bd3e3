//! The layout every page has, and how a page is answered.
//!
//! One layout for the portal, the CSC's and the provider's workplaces: a skip link first
//! (keyboard users reach the content in one key press), a header with the service's name,
//! its menu, who is logged in and the language switch, one `main` landmark, a footer.
//! Pages are answered with `Cache-Control: no-store` (they show personal data) and a
//! Content-Security-Policy that allows only the site's own scripts and styles.

use crate::{assets, lang, words};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use qyzmet_core::{Lang, Text};

/// What a participant's pages have in common: its name and home page.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: Text,
    pub home: String,
}

/// The frame of one page, as the request that asks for it sees it.
pub struct Layout<'a> {
    pub site: &'a Site,
    pub lang: Lang,
    /// The page's own address (path and query), for the language switch.
    pub path: &'a str,
    /// The header's menu: address and name.
    pub nav: Vec<(String, Text)>,
    /// The logged-in person's name, and where "log out" posts (with the CSRF token).
    pub user: Option<(&'a str, &'a str, &'a str)>,
    /// ES modules the page loads, by asset name.
    pub scripts: &'a [&'a str],
}

impl<'a> Layout<'a> {
    /// The frame for `v`: its language and address, the menu, and — when logged in — their
    /// name with "log out" posting to `logout`.
    pub fn of(
        site: &'a Site,
        v: &'a crate::session::Visitor,
        nav: Vec<(String, Text)>,
        logout: &'a str,
        scripts: &'a [&'a str],
    ) -> Self {
        Layout {
            site,
            lang: v.lang,
            path: &v.path,
            nav,
            user: v
                .session
                .as_ref()
                .map(|s| (s.user.full_name.as_str(), logout, v.csrf.as_str())),
            scripts,
        }
    }

    /// The whole page: `title` (also the `h1`'s text, by convention of the pages) and `main`.
    pub fn page(&self, title: &str, main: Markup) -> Markup {
        let l = self.lang;
        html! {
            (DOCTYPE)
            html lang=(l.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " — " (self.site.name.get(l)) }
                    link rel="stylesheet" href=(assets::href("site.css"));
                    @for s in self.scripts {
                        script type="module" src=(assets::href(s)) {}
                    }
                }
                body {
                    a.skip-link href="#main" { (words::skip_to_content().get(l)) }
                    header.site-header {
                        div.wrap {
                            a.site-name href=(self.site.home) { (self.site.name.get(l)) }
                            nav aria-label=(words::main_menu().get(l)) {
                                ul.nav {
                                    @for (href, name) in &self.nav {
                                        li { a href=(href) { (name.get(l)) } }
                                    }
                                }
                            }
                            @if let Some((name, logout, csrf)) = self.user {
                                form.user method="post" action=(logout) {
                                    span { (words::signed_in_as().get(l)) " " strong { (name) } }
                                    input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                                    button.link type="submit" { (words::log_out().get(l)) }
                                }
                            }
                            nav.langs aria-label=(words::language().get(l)) {
                                ul {
                                    @for other in Lang::ALL {
                                        li {
                                            @if other == l {
                                                span aria-current="true" lang=(other.code()) { (other.native_name()) }
                                            } @else {
                                                a href=(lang::switch_to(self.path, other)) lang=(other.code()) hreflang=(other.code()) { (other.native_name()) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main #main.wrap tabindex="-1" { (main) }
                    footer.site-footer { div.wrap { p { (words::footer().get(l)) } } }
                }
            }
        }
    }

    /// A refusal or failure as a page: its status, a title for it and the message in the
    /// visitor's language. Without a session (401), the log-in page at `login` instead,
    /// coming back here afterwards.
    pub fn refusal(&self, e: &qyzmet_api::ApiError, login: &str) -> Response {
        if e.status == StatusCode::UNAUTHORIZED {
            return to_login(self.path, login);
        }
        let title = match e.status {
            StatusCode::FORBIDDEN => words::refused(),
            StatusCode::NOT_FOUND => words::not_found(),
            s if s.is_server_error() => words::failed(),
            _ => words::not_done(),
        };
        self.error(e.status, title.get(self.lang), e.message.get(self.lang))
    }

    /// A page that says what went wrong, and the way home.
    pub fn error(&self, status: StatusCode, title: &str, message: &str) -> Response {
        let body = html! {
            h1 { (title) }
            p.lead { (message) }
            p { a href=(self.site.home) { (words::back_home().get(self.lang)) } }
        };
        respond(status, self.page(title, body))
    }
}

/// The headers every page is answered with.
fn protect(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// A page as the answer, with its status.
pub fn respond(status: StatusCode, page: Markup) -> Response {
    let mut r = (status, page.into_string()).into_response();
    protect(&mut r);
    r
}

/// The log-in page at `login`, coming back to `path` (a page's path and query) afterwards.
pub fn to_login(path: &str, login: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    see_other(&format!("{login}?next={next}"))
}

/// See Other: where a form's POST leads (so that reloading does not post it again).
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

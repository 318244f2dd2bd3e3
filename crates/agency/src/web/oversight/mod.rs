//! Oversight as web pages, for monitors (every provider), a provider's head (their own) and
//! administrators: the SLA dashboard per service and provider with its charts, the
//! questionnaire results, and the catalogue of the regulations the platform runs.
//!
//! | route | who | page |
//! |---|---|---|
//! | `GET /oversight?provider=&service=` | monitor, head | SLA: requests by status, deadlines met and missed per action, overdue now, average time per action |
//! | `GET /oversight/questionnaires?provider=&service=` | monitor, head | the answers to the quality questionnaire, per question |
//! | `GET /oversight/regulations` | monitor, head, administrator | the regulations, their versions, providers, channels, deadlines, fees |
//!
//! Every figure is the JSON API's (`GET /api/sla` shares [`crate::sweep::figures`]): computed
//! from the histories, never kept by hand. Staff log in at `/agency/login`.

mod charts;
mod texts;

use crate::sweep::{figures, ServiceSla};
use crate::AgencyIs;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use qyzmet_accounts::{Denied, Principal, Role};
use qyzmet_api::{denied, unauthenticated, ApiError};
use qyzmet_core::regulation::Regulation;
use qyzmet_core::{Lang, Text};
use qyzmet_engine::status_name;
use qyzmet_web::page::{respond, Layout, Site};
use qyzmet_web::regulation::{channel_name, deadline_text, fee_text, given_text};
use qyzmet_web::session::Visitor;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone)]
struct Pages {
    agency: AgencyIs,
    site: Arc<Site>,
}

impl axum::extract::FromRef<Pages> for qyzmet_store::Store {
    fn from_ref(p: &Pages) -> qyzmet_store::Store {
        p.agency.store().clone()
    }
}

/// The oversight pages, with the language cookie and the CSRF guard.
pub fn router(agency: AgencyIs) -> Router {
    let site = Arc::new(Site {
        name: texts::site_name(),
        home: "/oversight".into(),
    });
    Router::new()
        .route("/oversight", get(sla))
        .route("/oversight/questionnaires", get(questionnaires))
        .route("/oversight/regulations", get(regulations))
        .with_state(Pages {
            agency,
            site: site.clone(),
        })
        .layer(axum::middleware::from_fn_with_state(
            site,
            qyzmet_web::csrf::guard,
        ))
        .layer(axum::middleware::from_fn(qyzmet_web::lang::remember))
}

#[derive(Deserialize, Default)]
struct Filter {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

impl Filter {
    /// An empty choice in the filter form is no choice.
    fn chosen(v: &Option<String>) -> Option<String> {
        v.as_ref().filter(|s| !s.is_empty()).cloned()
    }
}

impl Pages {
    fn layout<'a>(&'a self, v: &'a Visitor) -> Layout<'a> {
        Layout::of(
            &self.site,
            v,
            vec![
                ("/oversight".into(), texts::sla()),
                ("/oversight/questionnaires".into(), texts::questionnaires()),
                ("/oversight/regulations".into(), texts::regulations()),
            ],
            "/agency/logout",
            &[],
        )
    }

    /// A refusal or failure as a page in the visitor's language; without a session, the
    /// log-in page.
    fn refused(&self, v: &Visitor, e: &ApiError) -> Response {
        self.layout(v).refusal(e, "/agency/login")
    }

    /// The regulation a figure is about (its newest version names it).
    fn regulation(&self, code: &str) -> Option<&Regulation> {
        self.agency.inner.catalog.latest(code)
    }

    fn service_name(&self, code: &str, l: Lang) -> String {
        self.regulation(code)
            .map(|r| r.name.get(l).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// Providers' names by code, as their regulations give them.
    fn providers(&self) -> BTreeMap<String, Text> {
        self.agency
            .inner
            .catalog
            .all()
            .map(|r| {
                (
                    r.general.provider.code.clone(),
                    r.general.provider.name.clone(),
                )
            })
            .collect()
    }

    fn provider_name(&self, code: &str, l: Lang) -> String {
        self.providers()
            .get(code)
            .map(|t| t.get(l).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// The filter by provider (monitors only: a head sees their own) and by service.
    fn filter_form(&self, v: &Visitor, p: &Principal, f: &Filter, action: &str) -> Markup {
        let l = v.lang;
        let provider = Filter::chosen(&f.provider);
        let service = Filter::chosen(&f.service);
        let mut services: Vec<(&str, &Text)> = self
            .agency
            .inner
            .catalog
            .all()
            .filter(|r| {
                p.has(Role::Monitor)
                    || p.organisation.as_deref() == Some(r.general.provider.code.as_str())
            })
            .map(|r| (r.code.as_str(), &r.name))
            .collect();
        services.dedup_by_key(|s| s.0);
        html! {
            form.filter method="get" action=(action) {
                @if p.has(Role::Monitor) {
                    div.field {
                        label for="f-provider" { (texts::provider().get(l)) }
                        select #f-provider name="provider" {
                            option value="" { (texts::all().get(l)) }
                            @for (code, name) in self.providers() {
                                option value=(code) selected[provider.as_deref() == Some(code.as_str())] { (name.get(l)) }
                            }
                        }
                    }
                }
                div.field {
                    label for="f-service" { (texts::service().get(l)) }
                    select #f-service name="service" {
                        option value="" { (texts::all().get(l)) }
                        @for (code, name) in &services {
                            option value=(code) selected[service.as_deref() == Some(*code)] { (name.get(l)) }
                        }
                    }
                }
                div.actions { button type="submit" { (texts::show().get(l)) } }
            }
        }
    }
}

/// The visitor's principal, or why not.
fn principal(v: &Visitor) -> Result<&Principal, ApiError> {
    v.session
        .as_ref()
        .map(|s| &s.principal)
        .ok_or_else(unauthenticated)
}

/// Monitors and heads see the SLA and the answers; the figures' own guard decides whose.
fn overseer(v: &Visitor) -> Result<&Principal, ApiError> {
    let p = principal(v)?;
    if p.has(Role::Monitor) || p.has(Role::Head) {
        Ok(p)
    } else {
        Err(denied(Denied::Role))
    }
}

async fn sla(State(pages): State<Pages>, v: Visitor, Query(f): Query<Filter>) -> Response {
    let _ = &f.lang;
    let p = match overseer(&v) {
        Ok(p) => p,
        Err(e) => return pages.refused(&v, &e),
    };
    let all = match figures(
        &pages.agency,
        p,
        Filter::chosen(&f.provider),
        Filter::chosen(&f.service),
    )
    .await
    {
        Ok(a) => a,
        Err(e) => return pages.refused(&v, &e),
    };
    let l = v.lang;
    let title = texts::sla();
    let body = html! {
        h1 { (title.get(l)) }
        p.lead { (texts::sla_lead().get(l)) }
        (pages.filter_form(&v, p, &f, "/oversight"))
        @if all.is_empty() { p { (texts::nothing().get(l)) } }
        @for s in &all { (service_sla(&pages, s, l)) }
    };
    respond(StatusCode::OK, pages.layout(&v).page(title.get(l), body))
}

/// One service at one provider: its totals, the requests by status, and each action's
/// deadlines with a chart.
fn service_sla(pages: &Pages, s: &ServiceSla, l: Lang) -> Markup {
    let sla = &s.sla;
    let id = format!("sla-{}-{}", s.provider, s.service);
    html! {
        section.sla id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (pages.service_name(&s.service, l)) }
            p.caption { (pages.provider_name(&s.provider, l)) }
            dl.figures {
                div { dt { (texts::requests().get(l)) } dd.requests { (sla.requests) } }
                div { dt { (texts::overdue_now().get(l)) } dd.overdue { (sla.overdue_now) } }
                div { dt { (texts::finished().get(l)) } dd.finished { (sla.finished) } }
                div { dt { (texts::extended().get(l)) } dd.extended { (sla.extended) } }
            }
            h3 { (texts::by_status().get(l)) }
            table.by-status {
                thead { tr { th scope="col" { (texts::status().get(l)) } th scope="col" { (texts::count().get(l)) } } }
                tbody {
                    @for (status, n) in &sla.by_status {
                        tr { td { (status_name(status.0).get(l)) } td.num { (n) } }
                    }
                }
            }
            h3 { (texts::actions().get(l)) }
            div.table-scroll {
                table.actions {
                    thead {
                        tr {
                            th scope="col" { (texts::channel().get(l)) }
                            th scope="col" { (texts::action().get(l)) }
                            th scope="col" { (texts::chart().get(l)) }
                            th scope="col" { (texts::met().get(l)) }
                            th scope="col" { (texts::missed().get(l)) }
                            th scope="col" { (texts::open_overdue().get(l)) }
                            th scope="col" { (texts::open_in_time().get(l)) }
                            th scope="col" { (texts::mean_time().get(l)) }
                            th scope="col" { (texts::max_time().get(l)) }
                        }
                    }
                    tbody {
                        @for ((channel, number), a) in &sla.actions {
                            tr {
                                td { (channel_name(*channel).get(l)) }
                                td.num { (number) }
                                td { (charts::deadlines(a, l)) }
                                td.num.met { (a.ended_in_time) }
                                td.num.missed { (a.ended_late) }
                                td.num.overdue { (a.open_overdue) }
                                td.num { (a.open_in_time) }
                                td.num { (a.mean_seconds.map(|s| duration(s, l)).unwrap_or_default()) }
                                td.num { (a.max_seconds.map(|s| duration(s, l)).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A duration the way people read it: the two largest units.
fn duration(seconds: i64, l: Lang) -> String {
    let s = seconds.max(0);
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let unit = |n: i64, t: Text| format!("{n} {}", t.get(l));
    match (d, h, m) {
        (0, 0, 0) => unit(sec, texts::seconds()),
        (0, 0, _) => format!(
            "{} {}",
            unit(m, texts::minutes()),
            unit(sec, texts::seconds())
        ),
        (0, _, _) => format!("{} {}", unit(h, texts::hours()), unit(m, texts::minutes())),
        _ => format!("{} {}", unit(d, texts::days()), unit(h, texts::hours())),
    }
}

async fn questionnaires(
    State(pages): State<Pages>,
    v: Visitor,
    Query(f): Query<Filter>,
) -> Response {
    let p = match overseer(&v) {
        Ok(p) => p,
        Err(e) => return pages.refused(&v, &e),
    };
    // The same rule as the SLA's: a monitor any provider, a head their own.
    let provider = match Filter::chosen(&f.provider) {
        Some(code) => Some(code),
        None if p.has(Role::Monitor) => None,
        None => Some(p.organisation.clone().unwrap_or_default()),
    };
    if let Some(code) = &provider {
        if let Err(d) = p.can_view_sla(code) {
            return pages.refused(&v, &denied(d));
        }
    }
    let answers = match pages.agency.store().all_answers(provider.as_deref()).await {
        Ok(a) => a,
        Err(e) => return pages.refused(&v, &ApiError::from(e)),
    };
    let service = Filter::chosen(&f.service);
    let mut by: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for (provider, code, a) in answers {
        if service.as_ref().is_none_or(|s| *s == code) {
            by.entry((provider, code)).or_default().push(a);
        }
    }
    let l = v.lang;
    let title = texts::questionnaires();
    let body = html! {
        h1 { (title.get(l)) }
        p.lead { (texts::questionnaires_lead().get(l)) }
        (pages.filter_form(&v, p, &f, "/oversight/questionnaires"))
        @if by.is_empty() { p { (texts::no_answers().get(l)) } }
        @for ((provider, code), list) in &by {
            @if let Some(r) = pages.regulation(code) {
                (answers_of(&pages, provider, r, list, l))
            }
        }
    };
    respond(StatusCode::OK, pages.layout(&v).page(title.get(l), body))
}

/// One service's answers: per question, how many chose each answer of the scale.
fn answers_of(pages: &Pages, provider: &str, r: &Regulation, list: &[Value], l: Lang) -> Markup {
    let q = &r.questionnaire;
    let id = format!("answers-{provider}-{}", r.code);
    html! {
        section.answers id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (r.name.get(l)) }
            p.caption { (pages.provider_name(provider, l)) " · " (texts::answered().get(l)) ": " (list.len()) }
            div.table-scroll {
                table {
                    thead {
                        tr {
                            th scope="col" { (texts::question().get(l)) }
                            th scope="col" { (texts::chart().get(l)) }
                            @for a in &q.answers { th scope="col" { (a.label.get(l)) } }
                        }
                    }
                    tbody {
                        @for question in &q.questions {
                            @let counts: Vec<u64> = q.answers.iter().map(|a| {
                                list.iter().filter(|x| x[question.code.as_str()].as_str() == Some(a.value.as_str())).count() as u64
                            }).collect();
                            tr {
                                td { (question.text.get(l)) }
                                td { (charts::answers(&counts, &q.answers, l)) }
                                @for n in &counts { td.num { (n) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn regulations(State(pages): State<Pages>, v: Visitor) -> Response {
    let allowed = principal(&v).and_then(|p| {
        if p.has(Role::Monitor) || p.has(Role::Head) || p.has(Role::Administrator) {
            Ok(p)
        } else {
            Err(denied(Denied::Role))
        }
    });
    if let Err(e) = allowed {
        return pages.refused(&v, &e);
    }
    let l = v.lang;
    let title = texts::regulations();
    let body = html! {
        h1 { (title.get(l)) }
        p.lead { (texts::regulations_lead().get(l)) }
        div.table-scroll {
            table.regulations {
                thead {
                    tr {
                        th scope="col" { (texts::service().get(l)) }
                        th scope="col" { (texts::code().get(l)) }
                        th scope="col" { (texts::version().get(l)) }
                        th scope="col" { (texts::provider().get(l)) }
                        th scope="col" { (texts::channels().get(l)) }
                        th scope="col" { (texts::deadline().get(l)) }
                        th scope="col" { (texts::fee().get(l)) }
                        th scope="col" { (texts::approved_by().get(l)) }
                    }
                }
                tbody {
                    @for r in pages.agency.inner.catalog.all() {
                        tr {
                            td { (r.name.get(l)) }
                            td { code { (r.code) } }
                            td.num { (r.version) }
                            td { (r.general.provider.name.get(l)) }
                            td { @for c in r.channels.keys() { (channel_name(*c).get(l)) br; } }
                            td { (given_text(&r.general.deadline, deadline_text).get(l)) }
                            td { (given_text(&r.general.fee, fee_text).get(l)) }
                            td { (r.approved_by.title.get(l)) ", № " (r.approved_by.number) " " (r.approved_by.date.format("%d.%m.%Y")) }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, pages.layout(&v).page(title.get(l), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_two_largest_units() {
        assert_eq!(duration(42, Lang::En), "42 s");
        assert_eq!(duration(125, Lang::En), "2 min 5 s");
        assert_eq!(duration(3 * 3600 + 60 * 7 + 9, Lang::Ru), "3 ч 7 мин");
        assert_eq!(duration(2 * 86_400 + 5 * 3600, Lang::Kk), "2 тәул. 5 сағ");
        assert_eq!(duration(-5, Lang::En), "0 s");
    }
}

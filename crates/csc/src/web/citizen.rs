//! Finding the citizen who came in person: their IIN, checked by the number's rules and then
//! in ГБД ФЛ through the gateway ([`CscIs::citizen`](crate::CscIs::citizen), as
//! `GET /api/csc/citizens/{iin}` does); what the database holds of them; and the services
//! whose regulation has a CSC channel, each leading to its form for this citizen.

use super::{texts, Pages};
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use qyzmet_core::regulation::{ChannelKind, Regulation};
use qyzmet_core::Lang;
use qyzmet_web::form::{summary, Problems};
use qyzmet_web::page::respond;
use qyzmet_web::session::Visitor;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(crate) struct Find {
    iin: Option<String>,
}

pub(crate) use qyzmet_web::citizen::name_of;

/// The services the centre files: the latest version of each regulation with a CSC channel.
pub(crate) fn csc_services(p: &Pages) -> Vec<&Regulation> {
    p.catalog
        .all()
        .filter(|r| r.channels.contains_key(&ChannelKind::Csc))
        .filter(|r| p.catalog.latest(&r.code).map(|x| x.version) == Some(r.version))
        .collect()
}

fn iin_control(lang: Lang, value: &str, problems: &Problems) -> Markup {
    qyzmet_web::citizen::iin_control(lang, &texts::iin(), &texts::iin_hint(), value, problems)
}

pub(crate) async fn find(State(p): State<Pages>, v: Visitor, Query(q): Query<Find>) -> Response {
    let s = match p.operator(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let l = v.lang;
    let typed = q
        .iin
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let mut problems = Problems::default();
    let mut found = None;
    if q.iin.is_some() {
        if typed.is_empty() {
            problems.add("iin", texts::iin_required());
        } else {
            match p.csc.citizen(s, &typed).await {
                Ok(person) => found = Some(person),
                Err(e) if e.status.is_client_error() => problems.add("iin", e.message.clone()),
                Err(e) => return p.refused(&v, &e),
            }
        }
    }
    let title = texts::find_citizen();
    let services = csc_services(&p);
    let body = html! {
        (summary(l, &problems))
        h1 { (title.get(l)) }
        p.lead { (texts::find_lead().get(l)) }
        form method="get" action="/csc" role="search" {
            (iin_control(l, &typed, &problems))
            div.actions { button type="submit" { (texts::find_button().get(l)) } }
        }
        @if let Some(person) = &found {
            section #citizen aria-labelledby="citizen-title" {
                h2 #citizen-title { (texts::citizen().get(l)) }
                dl.facts {
                    dt { (texts::full_name().get(l)) } dd #citizen-name { (name_of(person, l)) }
                    dt { (texts::iin_short().get(l)) } dd { (person.iin) }
                    dt { (texts::birth_date().get(l)) } dd { (person.birth_date.format("%d.%m.%Y")) }
                    dt { (texts::address().get(l)) } dd { (person.address) }
                    @if let Some(phone) = &person.phone { dt { (texts::phone().get(l)) } dd { (phone) } }
                }
            }
            section aria-labelledby="services-title" {
                h2 #services-title { (texts::services().get(l)) }
                @if services.is_empty() {
                    p { (texts::no_services().get(l)) }
                } @else {
                    ul.services {
                        @for r in &services {
                            li {
                                a href={ "/csc/citizens/" (person.iin) "/services/" (r.code) "/apply" } { (r.name.get(l)) }
                                br;
                                span.hint { (texts::provider().get(l)) ": " (r.general.provider.name.get(l)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let status = problems.status();
    respond(status, p.layout(&v, &[]).page(title.get(l), body))
}

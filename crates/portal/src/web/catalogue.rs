//! The catalogue, grouped by provider, and a service's description — all from the
//! regulations in the `Catalog`, nothing written per service.

use super::{texts, Pages};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use qyzmet_core::regulation::{ChannelKind, Regulation, ResultKind};
use qyzmet_web::page::respond;
use qyzmet_web::regulation::{channel_name, deadline_text, fee_text, given_text};
use qyzmet_web::session::Visitor;
use std::collections::BTreeMap;

pub(crate) async fn catalogue(State(p): State<Pages>, v: Visitor) -> Response {
    let l = v.lang;
    let mut by_provider: BTreeMap<&str, (&str, Vec<&Regulation>)> = BTreeMap::new();
    for r in p.portal.catalog().all() {
        let provider = &r.general.provider;
        let entry = by_provider
            .entry(provider.code.as_str())
            .or_insert((provider.name.get(l), Vec::new()));
        // One line per service: its latest version.
        if p.portal.catalog().latest(&r.code).map(|x| x.version) == Some(r.version) {
            entry.1.push(r);
        }
    }
    let mut groups: Vec<_> = by_provider.into_values().collect();
    groups.sort_by(|a, b| a.0.cmp(b.0));
    let title = texts::catalogue();
    let body = html! {
        h1 { (title.get(l)) }
        p.lead { (texts::catalogue_lead().get(l)) }
        @for (provider, services) in &groups {
            section {
                h2 { (provider) }
                ul.services {
                    @for r in services {
                        li { a href={ "/portal/services/" (r.code) } { (r.name.get(l)) } }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

pub(crate) async fn service(
    State(p): State<Pages>,
    v: Visitor,
    Path(code): Path<String>,
) -> Response {
    let l = v.lang;
    let Some(r) = p.portal.catalog().latest(&code) else {
        let nf = qyzmet_web::words::not_found();
        return p
            .layout(&v, &[])
            .error(StatusCode::NOT_FOUND, nf.get(l), nf.get(l));
    };
    let g = &r.general;
    let st = &g.standard;
    let results: Vec<&str> = {
        let mut names: Vec<&str> = r
            .results
            .iter()
            .filter(|x| x.kind != ResultKind::Refusal)
            .filter(|x| {
                !r.channels.contains_key(&ChannelKind::Portal)
                    || x.channels.contains(&ChannelKind::Portal)
            })
            .map(|x| x.name.get(l))
            .collect();
        names.dedup();
        names
    };
    let on_portal = r.channels.contains_key(&ChannelKind::Portal);
    let apply = format!("/portal/services/{}/apply", r.code);
    let body = html! {
        h1 { (r.name.get(l)) }
        dl.facts {
            dt { (texts::provider().get(l)) }
            dd { (g.provider.name.get(l)) }
            dt { (texts::standard().get(l)) }
            dd { (st.title.get(l)) ", " (texts::number_word().get(l)) " " (st.number) " " (texts::dated().get(l)) " " (st.date.format("%d.%m.%Y")) }
            dt { (texts::channels().get(l)) }
            dd { ul { @for c in r.channels.keys() { li { (channel_name(*c).get(l)) } } } }
            dt { (texts::deadline().get(l)) }
            dd {
                (given_text(&g.deadline, deadline_text).get(l))
                ul {
                    @for (c, ch) in &r.channels {
                        @if let Some(d) = &ch.deadline {
                            li { (channel_name(*c).get(l)) ": " (given_text(d, deadline_text).get(l)) }
                        }
                    }
                }
            }
            dt { (texts::fee().get(l)) }
            dd { (given_text(&g.fee, fee_text).get(l)) }
            dt { (texts::result().get(l)) }
            dd { @for n in &results { (n) br; } }
            dt { (texts::status_check().get(l)) }
            dd { (g.status_check.get(l)) }
        }
        @if !on_portal {
            p.notice { (texts::not_on_portal().get(l)) }
        } @else if v.session.is_some() {
            p { a.button href=(apply) { (texts::apply().get(l)) } }
        } @else {
            @let next: String = form_urlencoded::byte_serialize(apply.as_bytes()).collect();
            p { a.button href={ "/portal/login?next=" (next) } { (texts::log_in_to_apply().get(l)) } }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(r.name.get(l), body))
}

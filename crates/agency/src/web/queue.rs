//! The queue: the organisation's requests with their number, service, status, deadline and
//! time left, the overdue first — the list `GET /api/agency/queue` gives
//! ([`crate::api::queue_of`]), filtered the same way (a status, only the overdue).

use super::{signed_in, texts, Pages};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use qyzmet_core::regulation::Status;
use qyzmet_engine::status_name;
use qyzmet_web::page::respond;
use qyzmet_web::regulation::local_utc;
use qyzmet_web::session::Visitor;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(crate) struct Filter {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    overdue: Option<String>,
}

const STATUSES: [Status; 9] = [
    Status::Submitted,
    Status::Received,
    Status::InWork,
    Status::AwaitingPayment,
    Status::DeadlineExtended,
    Status::Completed,
    Status::Refused,
    Status::ReadyForPickup,
    Status::Issued,
];

fn code(s: Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(crate) async fn queue(State(p): State<Pages>, v: Visitor, Query(f): Query<Filter>) -> Response {
    let s = match signed_in(&v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let status = f.status.as_deref().filter(|s| !s.is_empty());
    let overdue = f.overdue.is_some();
    let items = match crate::api::queue_of(&p.agency, &s.principal, status, overdue).await {
        Ok(items) => items,
        Err(e) => return p.refused(&v, &e),
    };
    let l = v.lang;
    let title = texts::queue();
    let body = html! {
        h1 { (title.get(l)) }
        p { a #file-link href="/agency/file" { (texts::file_title().get(l)) } }
        form.filter method="get" action="/agency" {
            div.field {
                label for="f-status" { (texts::status().get(l)) }
                select #f-status name="status" {
                    option value="" { (texts::any_status().get(l)) }
                    @for st in STATUSES {
                        option value=(code(st)) selected[status == Some(code(st).as_str())] { (status_name(st).get(l)) }
                    }
                }
            }
            div.field {
                div.radio {
                    input #f-overdue type="checkbox" name="overdue" value="1" checked[overdue];
                    label for="f-overdue" { (texts::only_overdue().get(l)) }
                }
            }
            div.actions { button.secondary type="submit" { (texts::show().get(l)) } }
        }
        @if items.is_empty() {
            p #queue-empty { (texts::queue_empty().get(l)) }
        } @else {
            div.table-scroll {
                table #queue {
                    caption.visually-hidden { (title.get(l)) }
                    thead { tr {
                        th scope="col" { (texts::number().get(l)) }
                        th scope="col" { (texts::service().get(l)) }
                        th scope="col" { (texts::status().get(l)) }
                        th scope="col" { (texts::deadline().get(l)) }
                        th scope="col" { (texts::time_left().get(l)) }
                    } }
                    tbody {
                        @for i in &items {
                            @let reg = p.agency.inner.catalog.get(&i.service, i.version);
                            tr {
                                td { a href={ "/agency/requests/" (i.id) } { (i.number) } }
                                td { (reg.map(|r| r.name.get(l).to_string()).unwrap_or_else(|| i.service.clone())) }
                                td { span.status { (status_name(i.status).get(l)) } }
                                td { (i.deadline.map(|d| local_utc(d, l)).unwrap_or_default()) }
                                td {
                                    @match i.time_left_seconds {
                                        Some(t) if i.overdue => strong.field-error { (texts::overdue_by(-t).get(l)) },
                                        Some(t) => (texts::left(t).get(l)),
                                        None => "—",
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, p.layout(&v, &[]).page(title.get(l), body))
}

//! The node's start page (`GET /`): where each place for people that this node serves
//! begins — the citizens' portal, the CSC operator's workplace, the provider's workplace, the
//! oversight of deadlines — in the visitor's language. A node of one role lists its own.

use crate::Role;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::html;
use qyzmet_core::Text;
use qyzmet_store::Store;
use qyzmet_web::page::{respond, Layout, Site};
use qyzmet_web::session::Visitor;
use std::sync::Arc;

/// One way in: where, what it is called, and for whom.
struct Entry {
    path: &'static str,
    name: Text,
    who: Text,
}

#[derive(Clone)]
struct Home {
    store: Store,
    site: Arc<Site>,
    entries: Arc<Vec<Entry>>,
}

impl FromRef<Home> for Store {
    fn from_ref(h: &Home) -> Store {
        h.store.clone()
    }
}

/// The ways in of `roles`' pages.
fn entries(roles: &[Role]) -> Vec<Entry> {
    let mut out = Vec::new();
    for role in roles {
        match role {
            Role::Portal => out.push(Entry {
                path: "/portal",
                name: Text::new("«Электрондық үкімет» порталы", "Портал «электронного правительства»", "E-government portal"),
                who: Text::new(
                    "Азаматтар мен ұйымдар үшін: қызметтер каталогы, өтініш беру және қол қою, менің өтінімдерім, нәтижелер.",
                    "Для граждан и организаций: каталог услуг, подача и подписание заявлений, мои заявки, результаты.",
                    "For citizens and organisations: the catalogue of services, filing and signing applications, my requests, results.",
                ),
            }),
            Role::Csc => out.push(Entry {
                path: "/csc",
                name: Text::new("ХҚКО операторының жұмыс орны", "Рабочее место оператора ЦОН", "CSC operator's workplace"),
                who: Text::new(
                    "Халыққа қызмет көрсету орталығының операторлары үшін: келген адамның атынан өтініш беру.",
                    "Для операторов центров обслуживания населения: подача заявлений за обратившихся лично.",
                    "For the operators of citizen service centres: filing requests for people who come in person.",
                ),
            }),
            Role::Agency => {
                out.push(Entry {
                    path: "/agency",
                    name: Text::new("Көрсетушінің жұмыс орны", "Рабочее место услугодателя", "Provider's workplace"),
                    who: Text::new(
                        "Көрсетуші қызметкерлері үшін: өтінімдер кезегі, жұмысқа алу, шешім, мерзімді ұзарту, нәтижеге қол қою.",
                        "Для сотрудников услугодателя: очередь заявок, взятие в работу, решение, продление срока, подписание результата.",
                        "For the provider's staff: the queue of requests, taking into work, deciding, extending, signing the result.",
                    ),
                });
                out.push(Entry {
                    path: "/oversight",
                    name: Text::new("Мерзімдер мониторингі", "Мониторинг сроков", "Oversight of deadlines"),
                    who: Text::new(
                        "Мониторинг пен басшылар үшін: мерзімдердің сақталуы, сауалнама нәтижелері, регламенттер.",
                        "Для мониторинга и руководителей: соблюдение сроков, результаты анкетирования, регламенты.",
                        "For monitors and heads: deadlines kept, questionnaire results, regulations.",
                    ),
                });
            }
            Role::Registries => {}
        }
    }
    out
}

/// `GET /` for a node serving `roles`' pages.
pub fn router(store: Store, roles: &[Role]) -> Router {
    let site = Arc::new(Site {
        name: Text::new("Qyzmet", "Qyzmet", "Qyzmet"),
        home: "/".into(),
    });
    Router::new()
        .route("/", get(page))
        .with_state(Home {
            store,
            site,
            entries: Arc::new(entries(roles)),
        })
        .layer(axum::middleware::from_fn(qyzmet_web::lang::remember))
}

async fn page(State(h): State<Home>, v: Visitor) -> Response {
    let l = v.lang;
    let title = Text::new(
        "Электрондық мемлекеттік қызметтер",
        "Электронные государственные услуги",
        "Electronic government services",
    );
    let body = html! {
        h1 { (title.get(l)) }
        ul.services {
            @for e in h.entries.iter() {
                li {
                    h2 { a href=(e.path) { (e.name.get(l)) } }
                    p { (e.who.get(l)) }
                }
            }
        }
    };
    let layout = Layout {
        site: &h.site,
        lang: l,
        path: &v.path,
        nav: Vec::new(),
        user: None,
        scripts: &[],
    };
    respond(StatusCode::OK, layout.page(title.get(l), body))
}

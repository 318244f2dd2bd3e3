//! The citizen's side: registration (IIN or BIN, confirmed in the state database), signed
//! filings sent through the gateway to the provider's IS, and the personal cabinet — requests
//! with status, deadline and history, notifications, the signed result, payment, the
//! questionnaire.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/portal/register` | register with IIN/BIN and a password |
//! | `POST /api/portal/requests` | file a request signed with the citizen's own key |
//! | `GET  /api/portal/requests` | the citizen's requests, newest first |
//! | `GET  /api/portal/requests/{id}` | one request: status, deadline, whom it waits for, history |
//! | `GET  /api/portal/requests/{id}/result` | the signed result (CMS and the document it signs) |
//! | `POST /api/portal/requests/{id}/pay` | pay the invoice through the payment gateway |
//! | `POST /api/portal/requests/{id}/questionnaire` | answer the quality questionnaire |
//! | `GET  /api/portal/doctors` | the doctors of the clinics (doctors' schedules) |
//! | `GET  /api/portal/doctors/{id}/slots?date=` | a doctor's free slots on a day |
//! | `GET  /api/portal/phc-organisations` | the PHC organisations one may attach to |
//! | `GET  /api/portal/notifications` | the cabinet's notifications (as they reached the portal) |
//! | `POST /api/portal/notifications/{id}/read` | mark one read |

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use qyzmet_accounts::{Denied, Role as AccountRole};
use qyzmet_api::requests::{act_through, read_through, SignedFiling};
use qyzmet_api::{denied, ApiError, Body, Session};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::regulation::ChannelKind;
use qyzmet_core::{Lang, Text};
use qyzmet_gateway::services::{
    registry_participant, Act, Filing, FilingAnswer, Read, AGENCY, FILE, PORTAL, PORTAL_NOTICE,
    QUERY,
};
use qyzmet_gateway::Gateway;
use qyzmet_registries::gbd_fl::{GbdFlRequest, GbdFlResponse};
use qyzmet_registries::gbd_ul::{GbdUlRequest, GbdUlResponse};
use qyzmet_registries::payment::{
    CardDecline, Invoice, InvoiceState, PaymentRequest, PaymentResponse,
};
use qyzmet_registries::schedule::{ScheduleRequest, ScheduleResponse};
use qyzmet_registries::{RegistryRequest, RegistryResponse};
use qyzmet_store::{NewUser, Notification, PasswordHash, Role, Store};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the cabinet works with: the portal's own database (its users, their sessions, the
/// notices that reached them) and the gateway (everything else).
#[derive(Clone)]
pub struct Cabinet {
    store: Store,
    gateway: Gateway,
}

impl FromRef<Cabinet> for Store {
    fn from_ref(c: &Cabinet) -> Store {
        c.store.clone()
    }
}

impl Cabinet {
    pub fn new(store: Store, gateway: Gateway) -> Self {
        Cabinet { store, gateway }
    }

    async fn ask(&self, request: RegistryRequest) -> Result<RegistryResponse, ApiError> {
        let to = registry_participant(request.participant());
        Ok(self.gateway.call(PORTAL, &to, QUERY, &request).await?)
    }

    /// Register a person (IIN) or organisation (BIN) found in the state database, whose
    /// name comes from there; the password by the accounts' policy.
    pub async fn register(
        &self,
        login: &str,
        password: String,
        language: Option<Lang>,
    ) -> Result<Registered, ApiError> {
        let today = (Utc::now() + chrono::Duration::hours(5)).date_naive();
        let login = login.trim().to_string();
        // The person or organisation must be in the state database: their name comes from it.
        let (full_name, iin) = match Iin::parse(&login, today) {
            Ok(iin) => match self
                .ask(RegistryRequest::GbdFl(GbdFlRequest::Person {
                    iin: login.clone(),
                }))
                .await?
            {
                RegistryResponse::GbdFl(GbdFlResponse::Person { person }) => {
                    (person.name_ru.to_string(), Some(iin))
                }
                _ => return Err(not_in_registry(&login)),
            },
            Err(iin_error) => match Bin::parse(&login) {
                Ok(_) => match self
                    .ask(RegistryRequest::GbdUl(GbdUlRequest::Organisation {
                        bin: login.clone(),
                    }))
                    .await?
                {
                    RegistryResponse::GbdUl(GbdUlResponse::Organisation { organisation }) => {
                        (organisation.name.ru.clone(), None)
                    }
                    _ => return Err(not_in_registry(&login)),
                },
                Err(_) => {
                    return Err(ApiError::unprocessable(
                        "register.login",
                        Text::new(
                            iin_error.message(Lang::Kk),
                            iin_error.message(Lang::Ru),
                            iin_error.message(Lang::En),
                        ),
                    ))
                }
            },
        };
        let hash = tokio::task::spawn_blocking(move || qyzmet_accounts::password::hash(&password))
            .await
            .map_err(ApiError::internal)?
            .map_err(|rule| {
                ApiError::unprocessable(
                    rule.code(),
                    Text::new(
                        rule.message(Lang::Kk),
                        rule.message(Lang::Ru),
                        rule.message(Lang::En),
                    ),
                )
            })?;
        let user = self
            .store
            .create_user(NewUser {
                login: login.clone(),
                password_hash: PasswordHash(hash),
                full_name: full_name.clone(),
                organisation: None,
                roles: vec![Role::Recipient],
                language: language.unwrap_or(Lang::Kk),
                iin,
            })
            .await?;
        Ok(Registered {
            user_id: user.id.to_string(),
            login,
            full_name,
        })
    }

    /// File a request the recipient signed with their own key, through the gateway.
    pub async fn file(
        &self,
        session: &Session,
        signed: SignedFiling,
    ) -> Result<FilingAnswer, ApiError> {
        let me = recipient_only(session)?;
        let filing = Filing {
            channel: ChannelKind::Portal,
            cms: signed.cms,
            attachments: signed.attachments,
            submitted_by: session.user.id.to_string(),
            signer_iin: me,
            csc: None,
        };
        Ok(self.gateway.call(PORTAL, AGENCY, FILE, &filing).await?)
    }

    /// The recipient's requests, newest first (as the provider's IS lists them).
    pub async fn requests(&self, session: &Session) -> Result<Value, ApiError> {
        recipient_only(session)?;
        self.read(session, Read::Requests).await
    }

    /// One request: status, deadline, whom it waits for, history — or why it is refused.
    pub async fn request(&self, session: &Session, id: &str) -> Result<Value, ApiError> {
        recipient_only(session)?;
        let request_id = id.to_string();
        self.read(session, Read::Request { request_id }).await
    }

    /// The signed result: the CMS and the document it signs.
    pub async fn result(&self, session: &Session, id: &str) -> Result<Value, ApiError> {
        recipient_only(session)?;
        let request_id = id.to_string();
        self.read(session, Read::Result { request_id }).await
    }

    /// Answer the quality questionnaire of a finished request.
    pub async fn answer(
        &self,
        session: &Session,
        id: &str,
        answers: BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        recipient_only(session)?;
        let act = Act::Answer { answers };
        let _status = act_through(&self.gateway, PORTAL, &session.principal, id, act).await?;
        Ok(())
    }

    /// The request (as [`Cabinet::request`]) and, while it waits for its payment, its invoice
    /// as the payment gateway holds it (the invoice id is the request's number).
    pub async fn invoice(
        &self,
        session: &Session,
        id: &str,
    ) -> Result<(Value, Option<Invoice>), ApiError> {
        let req = self.request(session, id).await?;
        if !awaits_payment(&req) {
            return Ok((req, None));
        }
        let invoice_id = req["number"].as_str().unwrap_or_default().to_string();
        let answer = self
            .ask(RegistryRequest::PaymentGateway(PaymentRequest::Status {
                invoice_id,
            }))
            .await?;
        let invoice = match answer {
            RegistryResponse::PaymentGateway(PaymentResponse::Status { invoice, .. }) => {
                Some(invoice)
            }
            _ => None,
        };
        Ok((req, invoice))
    }

    /// Pay the invoice of the recipient's own request waiting for its payment, through the
    /// payment gateway; once it confirms, the provider's IS is told (`agency.act`) and the
    /// request moves on. A payment the gateway declines, or a card it does not take, changes
    /// nothing and is an error naming the form's field (`details[].field`).
    pub async fn pay(&self, session: &Session, id: &str, with: PayWith) -> Result<Value, ApiError> {
        // Reading it applies the provider's access policy: someone else's request is refused.
        let req = self.request(session, id).await?;
        if !awaits_payment(&req) {
            // The provider's IS's code for an act out of turn; said here before any charge.
            return Err(ApiError::conflict(
                "request.out_of_turn",
                Text::new(
                    "Бұл өтінім төлемді күтпейді",
                    "Эта заявка не ожидает оплаты",
                    "This request is not waiting for a payment",
                ),
            ));
        }
        let invoice_id = req["number"].as_str().unwrap_or_default().to_string();
        let request = match with {
            // Paid before (the provider's IS was not told then): nothing is charged again.
            PayWith::AlreadyPaid => PaymentRequest::Status { invoice_id },
            PayWith::Reference(payment_ref) => PaymentRequest::Pay {
                invoice_id,
                payment_ref,
            },
            PayWith::Card {
                number,
                expiry_month,
                expiry_year,
            } => PaymentRequest::PayByCard {
                invoice_id,
                card_number: number,
                expiry_month,
                expiry_year,
            },
        };
        let answer = self.ask(RegistryRequest::PaymentGateway(request)).await?;
        match answer {
            RegistryResponse::PaymentGateway(PaymentResponse::Confirmed { .. }) => {}
            // The provider's IS asks the payment gateway itself whether it is paid.
            RegistryResponse::PaymentGateway(PaymentResponse::Status { .. }) => {}
            RegistryResponse::PaymentGateway(PaymentResponse::Declined { invoice }) => {
                return Err(declined(&invoice))
            }
            other => {
                let code = other.error_code().unwrap_or("payment.declined");
                return Err(payment_error(code));
            }
        }
        let Json(status) = act_through(
            &self.gateway,
            PORTAL,
            &session.principal,
            id,
            Act::PaymentMade,
        )
        .await?;
        Ok(status)
    }

    /// Ask the doctors' schedules (clinics, doctors, a doctor's free slots): the system's
    /// answer, or its error as a refusal.
    pub async fn schedule(&self, request: ScheduleRequest) -> Result<ScheduleResponse, ApiError> {
        match self.ask(RegistryRequest::DoctorSchedule(request)).await? {
            RegistryResponse::DoctorSchedule(ScheduleResponse::Error(e)) => {
                Err(refused_by(e.code()))
            }
            RegistryResponse::DoctorSchedule(answer) => Ok(answer),
            other => Err(ApiError::internal(format!(
                "the doctors' schedules answered for another system: {other:?}"
            ))),
        }
    }

    /// The notices that reached the portal for this person, newest first.
    pub async fn notifications(&self, session: &Session) -> Result<Vec<Notification>, ApiError> {
        let me = recipient_only(session)?;
        Ok(self.store.received_notices(PORTAL_NOTICE, &me).await?)
    }

    /// Mark one of the person's notices read.
    pub async fn mark_read(&self, session: &Session, id: i64) -> Result<(), ApiError> {
        let me = recipient_only(session)?;
        Ok(self
            .store
            .mark_received_read(PORTAL_NOTICE, &me, id)
            .await?)
    }

    /// Read from the provider's IS, which keeps the requests, for the logged-in recipient.
    async fn read(&self, session: &Session, read: Read) -> Result<Value, ApiError> {
        read_through(&self.gateway, PORTAL, &session.principal, read).await
    }
}

/// How the recipient pays.
#[derive(Debug, Clone)]
pub enum PayWith {
    /// A payment already made at a bank: its reference.
    Reference(String),
    /// The invoice is paid already: only tell the provider's IS (which checks it).
    AlreadyPaid,
    /// A card, paid through the payment gateway's bank (digits only, the expiry's month and
    /// four-digit year).
    Card {
        number: String,
        expiry_month: u32,
        expiry_year: i32,
    },
}

/// Whether the request (as read) waits for its payment now.
pub fn awaits_payment(req: &Value) -> bool {
    req["finished"] != Value::Bool(true)
        && req["waiting"]["waiting_for"] == "outside"
        && req["waiting"]["operation"] == "pay"
}

/// A declined payment: the bank's reason, at the card number (an expired card: at its expiry).
fn declined(invoice: &Invoice) -> ApiError {
    let reason = match &invoice.state {
        InvoiceState::Declined { reason, .. } => reason.clone(),
        _ => String::new(),
    };
    let (code, field, message) = match CardDecline::from_code(&reason) {
        Some(d) => (
            d.code().to_string(),
            if d == CardDecline::Expired {
                "card_expiry"
            } else {
                "card_number"
            },
            d.text(),
        ),
        None => (
            "declined".to_string(),
            "card_number",
            Text::new(
                format!("Банк төлемді қабылдамады: {reason}"),
                format!("Банк отклонил оплату: {reason}"),
                format!("The bank declined the payment: {reason}"),
            ),
        ),
    };
    ApiError::unprocessable(format!("payment.{code}"), message.clone()).with_details(vec![
        serde_json::json!({ "field": field, "message": message }),
    ])
}

/// A payment the gateway did not take, by its error's code.
fn payment_error(code: &str) -> ApiError {
    let (field, message) = match code {
        "payment.invalid_card_number" => (
            Some("card_number"),
            Text::new(
                "Карта нөмірі дұрыс емес: 13–19 цифрды тексеріңіз",
                "Неверный номер карты: проверьте 13–19 цифр",
                "The card number is not valid: check its 13 to 19 digits",
            ),
        ),
        "payment.invalid_card_expiry" => (
            Some("card_expiry"),
            Text::new(
                "Картаның мерзімі АА/ЖЖ пішімінде болуы керек",
                "Срок действия карты должен быть в формате ММ/ГГ",
                "The card's expiry date must be as MM/YY",
            ),
        ),
        "payment.already_paid" => (
            None,
            Text::new(
                "Шот бұрын төленген",
                "Счёт уже оплачен",
                "The invoice is already paid",
            ),
        ),
        _ => (
            None,
            Text::new(
                format!("Төлем өтпеді ({code})"),
                format!("Оплата не прошла ({code})"),
                format!("The payment did not go through ({code})"),
            ),
        ),
    };
    let details = field
        .map(|f| vec![serde_json::json!({ "field": f, "message": message })])
        .unwrap_or_default();
    ApiError::unprocessable(
        format!("payment.{}", code.trim_start_matches("payment.")),
        message,
    )
    .with_details(details)
}

pub fn router(cabinet: Cabinet) -> Router {
    Router::new()
        .route("/api/portal/register", post(register))
        .route("/api/portal/requests", post(file).get(mine))
        .route("/api/portal/requests/{id}", get(show))
        .route("/api/portal/requests/{id}/result", get(result))
        .route("/api/portal/requests/{id}/pay", post(pay))
        .route(
            "/api/portal/requests/{id}/questionnaire",
            post(questionnaire),
        )
        .route("/api/portal/doctors", get(doctors))
        .route("/api/portal/doctors/{id}/slots", get(slots))
        .route("/api/portal/phc-organisations", get(phc_organisations))
        .route("/api/portal/notifications", get(notifications))
        .route("/api/portal/notifications/{id}/read", post(read))
        .with_state(cabinet)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    /// An IIN (a person) or a BIN (an organisation).
    login: String,
    password: String,
    #[serde(default)]
    language: Option<Lang>,
}

fn not_in_registry(login: &str) -> ApiError {
    ApiError::unprocessable(
        "register.not_in_state_database",
        Text::new(
            format!("{login} мемлекеттік деректер базасында жоқ"),
            format!("{login} отсутствует в государственной базе данных"),
            format!("{login} is not in the state database"),
        ),
    )
}

/// A registered account, as the API answers it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Registered {
    pub user_id: String,
    pub login: String,
    pub full_name: String,
}

async fn register(
    State(c): State<Cabinet>,
    Body(r): Body<Registration>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let done = c.register(&r.login, r.password, r.language).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

fn recipient_only(s: &Session) -> Result<String, ApiError> {
    if !s.principal.has(AccountRole::Recipient) {
        return Err(denied(Denied::Role));
    }
    s.principal
        .login
        .identifier()
        .ok_or_else(|| denied(Denied::Role))
}

async fn file(
    State(c): State<Cabinet>,
    session: Session,
    Body(b): Body<SignedFiling>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    qyzmet_api::requests::filed(c.file(&session, b).await?)
}

async fn mine(State(c): State<Cabinet>, session: Session) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.requests(&session).await?))
}

async fn show(
    State(c): State<Cabinet>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.request(&session, &id).await?))
}

async fn result(
    State(c): State<Cabinet>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(c.result(&session, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payment {
    /// The bank's reference of the card payment.
    payment_ref: String,
}

async fn pay(
    State(c): State<Cabinet>,
    session: Session,
    Path(id): Path<String>,
    Body(p): Body<Payment>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        c.pay(&session, &id, PayWith::Reference(p.payment_ref))
            .await?,
    ))
}

async fn questionnaire(
    State(c): State<Cabinet>,
    session: Session,
    Path(id): Path<String>,
    Body(answers): Body<BTreeMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    c.answer(&session, &id, answers).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn notifications(
    State(c): State<Cabinet>,
    session: Session,
) -> Result<Json<Value>, ApiError> {
    let list = c.notifications(&session).await?;
    Ok(Json(qyzmet_api::requests::notices(&list)))
}

async fn read(
    State(c): State<Cabinet>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    c.mark_read(&session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An outside system's refusal of a question, by its error's stable code.
fn refused_by(code: &str) -> ApiError {
    ApiError::unprocessable(
        code,
        Text::new(
            format!("Жүйе сұрауды қабылдамады ({code})"),
            format!("Система отклонила запрос ({code})"),
            format!("The system refused the question ({code})"),
        ),
    )
}

/// An outside system's answer as JSON, or its error as a refusal.
fn answered(answer: RegistryResponse) -> Result<Json<Value>, ApiError> {
    if let Some(code) = answer.error_code() {
        return Err(refused_by(code));
    }
    Ok(Json(
        serde_json::to_value(answer).map_err(ApiError::internal)?,
    ))
}

async fn doctors(State(c): State<Cabinet>, _session: Session) -> Result<Json<Value>, ApiError> {
    let answer = c
        .schedule(ScheduleRequest::Doctors {
            clinic: None,
            speciality: None,
        })
        .await?;
    answered(RegistryResponse::DoctorSchedule(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotQuery {
    date: chrono::NaiveDate,
    #[serde(default)]
    lang: Option<String>,
}

async fn slots(
    State(c): State<Cabinet>,
    _session: Session,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SlotQuery>,
) -> Result<Json<Value>, ApiError> {
    let _ = q.lang;
    let answer = c
        .schedule(ScheduleRequest::FreeSlots {
            doctor: id,
            date: q.date,
        })
        .await?;
    answered(RegistryResponse::DoctorSchedule(answer))
}

async fn phc_organisations(
    State(c): State<Cabinet>,
    _session: Session,
) -> Result<Json<Value>, ApiError> {
    use qyzmet_registries::attachment::AttachmentRequest;
    let answer = c
        .ask(RegistryRequest::AttachmentRegister(
            AttachmentRequest::Organisations,
        ))
        .await?;
    answered(answer)
}

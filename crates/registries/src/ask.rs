//! How a request's question to an outside system is formed from what it waits for, and how
//! the answer becomes the fact its condition checks. The rules follow the participant and the
//! check, never a service:
//!
//! | asked | message | fact |
//! |---|---|---|
//! | a state database lookup (`gbd_fl`, `gbd_ul`, or a person querying one) for `state_database` | the recipient by IIN (ГБД ФЛ) or BIN (ГБД ЮЛ) | found |
//! | `payment_gateway` for `payment` | the invoice numbered as the request | paid |
//! | `doctor_schedule` (`choose_slot`) | book the form's `doctor`, `appointment_date`, `appointment_time` | booked (`availability`) |
//! | `attachment_register` | attach the recipient to the form's `phc_organisation` | attached (`availability`) |
//! | `notary` for `power_of_attorney` | the form's `poa_number` from the recipient to `representative_iin` | valid; true without a representative |

use crate::attachment::{AttachmentRequest, AttachmentResponse};
use crate::gbd_fl::{GbdFlRequest, GbdFlResponse};
use crate::gbd_ul::{GbdUlRequest, GbdUlResponse};
use crate::payment::{PaymentRequest, PaymentResponse};
use crate::schedule::{ScheduleRequest, ScheduleResponse};
use crate::{RegistryRequest, RegistryResponse};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use qyzmet_core::regulation::{Check, Operation, Participant};
use qyzmet_core::Text;
use std::collections::BTreeMap;

/// What the platform knows of the request when an outside system must be asked.
pub struct Question<'a> {
    /// The regulation's code.
    pub service: &'a str,
    /// The registration number: the invoice's and the booking's reference.
    pub request_number: &'a str,
    /// The recipient's IIN or BIN.
    pub recipient: &'a str,
    pub unit: Participant,
    pub operation: Operation,
    pub needs: Option<Check>,
    /// The filled form: field name → value.
    pub form: &'a BTreeMap<String, String>,
}

/// Why no message can be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("the form has no valid `{0}`, which the question needs")]
    MissingField(String),
    #[error("{0:?} is not asked this way ({1:?})")]
    NotAsked(Participant, Operation),
}

impl AskError {
    pub fn code(&self) -> &'static str {
        match self {
            AskError::MissingField(_) => "ask.missing_field",
            AskError::NotAsked(..) => "ask.not_asked",
        }
    }

    pub fn text(&self) -> Text {
        match self {
            AskError::MissingField(f) => Text::new(
                format!("Сұрау үшін нысанда «{f}» өрісі жоқ немесе қате"),
                format!("Для запроса в форме нет верного поля «{f}»"),
                format!("The form has no valid `{f}`, which the question needs"),
            ),
            AskError::NotAsked(p, o) => Text::new(
                format!("{p:?} жүйесіне {o:?} сұрауы жасалмайды"),
                format!("Система {p:?} не опрашивается для {o:?}"),
                format!("{p:?} is not asked for {o:?}"),
            ),
        }
    }
}

/// The facts an answer establishes, why the fact is false, and what it said.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub facts: BTreeMap<Check, bool>,
    pub reason: Option<Text>,
    pub data: serde_json::Value,
}

fn field<'a>(q: &'a Question, name: &str) -> Result<&'a str, AskError> {
    q.form
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AskError::MissingField(name.to_string()))
}

fn is_bin(text: &str) -> bool {
    qyzmet_core::id::Bin::parse(text).is_ok()
        && qyzmet_core::id::Iin::parse_without_future_check(text).is_err()
}

/// The message to send for `q`.
pub fn ask(q: &Question, _now: NaiveDateTime) -> Result<RegistryRequest, AskError> {
    use Participant as P;
    match (q.unit, q.operation) {
        (P::PaymentGateway, _) => Ok(RegistryRequest::PaymentGateway(PaymentRequest::Status {
            invoice_id: q.request_number.to_string(),
        })),
        (P::DoctorSchedule, _) => {
            let date: NaiveDate = field(q, "appointment_date")?
                .parse()
                .map_err(|_| AskError::MissingField("appointment_date".into()))?;
            let time = NaiveTime::parse_from_str(field(q, "appointment_time")?, "%H:%M")
                .map_err(|_| AskError::MissingField("appointment_time".into()))?;
            Ok(RegistryRequest::DoctorSchedule(ScheduleRequest::Book {
                doctor: field(q, "doctor")?.to_string(),
                date,
                time,
                patient_iin: q.recipient.to_string(),
            }))
        }
        (P::AttachmentRegister, _) => Ok(RegistryRequest::AttachmentRegister(
            AttachmentRequest::Attach {
                iin: q.recipient.to_string(),
                organisation: field(q, "phc_organisation")?.to_string(),
                moved: false,
            },
        )),
        (P::GbdUl, _) => Ok(RegistryRequest::GbdUl(GbdUlRequest::Organisation {
            bin: q.recipient.to_string(),
        })),
        // A lookup in a state database, by ГБД ФЛ itself or by a person who queries it.
        (_, Operation::QueryRegistry) | (P::GbdFl, _) => {
            if is_bin(q.recipient) {
                Ok(RegistryRequest::GbdUl(GbdUlRequest::Organisation {
                    bin: q.recipient.to_string(),
                }))
            } else {
                Ok(RegistryRequest::GbdFl(GbdFlRequest::Person {
                    iin: q.recipient.to_string(),
                }))
            }
        }
        (unit, operation) => Err(AskError::NotAsked(unit, operation)),
    }
}

fn fact(q: &Question, holds: bool, reason: Text, data: serde_json::Value) -> Answered {
    let mut facts = BTreeMap::new();
    if let Some(c) = q.needs {
        facts.insert(c, holds);
    }
    Answered {
        facts,
        reason: (!holds).then_some(reason),
        data,
    }
}

/// The facts `answer` establishes for `q`.
pub fn facts(q: &Question, answer: &RegistryResponse) -> Answered {
    let data = serde_json::to_value(answer).unwrap_or_default();
    let error = answer.error_code().unwrap_or("");
    let holds = match answer {
        RegistryResponse::GbdFl(GbdFlResponse::Person { .. })
        | RegistryResponse::GbdUl(GbdUlResponse::Organisation { .. }) => true,
        RegistryResponse::PaymentGateway(PaymentResponse::Status { confirmed, .. }) => *confirmed,
        RegistryResponse::DoctorSchedule(ScheduleResponse::Booked { .. }) => true,
        RegistryResponse::AttachmentRegister(AttachmentResponse::Attached { .. }) => true,
        _ => false,
    };
    let reason = match answer {
        RegistryResponse::GbdFl(_) | RegistryResponse::GbdUl(_) => Text::new(
            format!(
                "{}: деректерді алу мүмкін емес, алушы мемлекеттік деректер базасында жоқ",
                q.recipient
            ),
            format!(
                "{}: данные не получены, получатель отсутствует в государственной базе данных",
                q.recipient
            ),
            format!(
                "{}: no data, the recipient is not in the state database",
                q.recipient
            ),
        ),
        RegistryResponse::PaymentGateway(_) => Text::new(
            "Төлем туралы мәлімет жоқ",
            "Нет сведений об оплате",
            "There is no record of the payment",
        ),
        _ => Text::new(
            format!("Жүйе сұрауды орындамады ({error})"),
            format!("Система не выполнила запрос ({error})"),
            format!("The system did not do what was asked ({error})"),
        ),
    };
    fact(q, holds, reason, data)
}

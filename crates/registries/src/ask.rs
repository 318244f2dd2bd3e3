//! From a waiting request's question to a message for an outside system, and from its answer to
//! the facts the engine waits for.
//!
//! The engine stops at an action an outside system performs (`query_registry`, `pay`,
//! `choose_slot`) and says which unit acts, which operation and which check it still needs. With
//! what the platform knows of the request ([`Question`]), [`ask`] forms the participant's
//! message, and [`facts`] reads its answer into the fact for the check (fed back to the engine as
//! `Input::Answer { from: question.unit, facts }`), a reason for the refusal record when the fact
//! is false, and the answer's data for the request's record. [`Registries::answer`] does both
//! against the demo world.
//!
//! Nothing here knows a service: the rules follow the participant and the check.
//!
//! # Whom to ask
//!
//! - A unit that is one of this crate's participants is asked itself — except that the two state
//!   databases answer one question, "is the recipient registered", each for its own kind of
//!   number: `gbd_fl` or `gbd_ul` means ГБД ФЛ for an IIN recipient and ГБД ЮЛ for a BIN.
//! - A unit that is not (the provider's employee, a CSC operator, the provider's IS querying on
//!   their behalf) is read through its check: `state_database` → ГБД ФЛ/ЮЛ, `power_of_attorney` →
//!   ЕНИС, `payment` → the payment gateway. Without such a check there is no one to ask
//!   ([`AskError::NoRegistry`]): e.g. the certification authority (`nca`) is the PKI's, not a
//!   registry.
//! - Each participant establishes one check: ГБД `state_database`, ЕНИС `power_of_attorney`, the
//!   gateway `payment`, the kindergarten register, the doctors' schedules and the attachment
//!   register `availability`. Any other check is [`AskError::CannotEstablish`].
//!
//! # What to ask
//!
//! An outside system's data is changed only when the action does something there: a
//! `choose_slot` or `pay` action, or an action whose check needs the act's result (a place given,
//! a slot booked). A `query_registry` action without a check only looks up, so that the request
//! records what the system holds.
//!
//! | participant | act | look-up | form fields read |
//! |---|---|---|---|
//! | ГБД ФЛ | — | the recipient by IIN; with a child in the form, the recipient's children | `child_iin`, else `child_birth_date` |
//! | ГБД ЮЛ | — | the organisation by BIN | — |
//! | ЕНИС | — | a valid power of attorney from the recipient to the representative, for this service, today | `by_representative`, `representative_iin`, `poa_certification`, `poa_number` |
//! | payment gateway | — | is the invoice of this request paid | — (the invoice id is the request number) |
//! | kindergarten register | register the child (referral or queue ticket) | where the child stands | `child_iin`, `child_birth_date`, `preferred_kindergarten` |
//! | doctors' schedules | book the slot | the recipient's appointments | `doctor`, `appointment_date`, `appointment_time` |
//! | attachment register | attach to the organisation | where the recipient is attached | `phc_organisation` |
//!
//! The field names are the shipped regulations' (see [`fields`]); a value is read trimmed, and
//! an empty one counts as absent.

use crate::attachment::{AttachmentError, AttachmentRequest, AttachmentResponse};
use crate::gbd_fl::{GbdFlError, GbdFlRequest, GbdFlResponse};
use crate::gbd_ul::{GbdUlError, GbdUlRequest, GbdUlResponse};
use crate::kindergarten::{
    ChildStatus, KindergartenError, KindergartenRequest, KindergartenResponse,
};
use crate::notary::{NotValid, NotaryRequest, NotaryResponse};
use crate::payment::{Invoice, InvoiceState, PaymentError, PaymentRequest, PaymentResponse};
use crate::schedule::{ScheduleError, ScheduleRequest, ScheduleResponse};
use crate::{Registries, RegistryRequest, RegistryResponse};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::regulation::{Check, Operation, Participant};
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The form fields the rules read, named as the shipped regulations name them.
pub mod fields {
    /// The child's IIN (disabled-children-home-schooling). The kindergarten regulation's form
    /// has no such field, only the child's name and birth date.
    pub const CHILD_IIN: &str = "child_iin";
    /// The child's birth date (kindergarten-registration).
    pub const CHILD_BIRTH_DATE: &str = "child_birth_date";
    /// `yes` / `no`: filed by a representative (archival-certificate, archive-apostille).
    pub const BY_REPRESENTATIVE: &str = "by_representative";
    /// The representative's IIN (archival-certificate, archive-apostille).
    pub const REPRESENTATIVE_IIN: &str = "representative_iin";
    /// `notarised` / `other`: how the power of attorney is certified.
    pub const POA_CERTIFICATION: &str = "poa_certification";
    /// The notarial registration number of the power of attorney.
    pub const POA_NUMBER: &str = "poa_number";
    /// The doctor chosen from the schedule, as the schedule names them (`D-1-2`)
    /// (doctor-appointment).
    pub const DOCTOR: &str = "doctor";
    /// `YYYY-MM-DD` (doctor-appointment).
    pub const APPOINTMENT_DATE: &str = "appointment_date";
    /// `HH:MM`, the start of one of the doctor's slots (doctor-appointment).
    pub const APPOINTMENT_TIME: &str = "appointment_time";
    /// The PHC organisation to attach to, as the register names it (its BIN) (phc-attachment).
    pub const PHC_ORGANISATION: &str = "phc_organisation";
    /// The kindergarten the parents prefer (its BIN). No shipped form has it: without it the
    /// register looks for a place in every kindergarten of the district.
    pub const PREFERRED_KINDERGARTEN: &str = "preferred_kindergarten";
}

/// What the platform knows of the request when an outside system must be asked.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// The regulation's code (the scope a power of attorney is checked for).
    pub service: &'a str,
    /// The registration number: the invoice's id at the payment gateway.
    pub request_number: &'a str,
    /// The recipient's IIN or BIN as text.
    pub recipient: &'a str,
    /// The unit that performs the waiting action, as the engine says.
    pub unit: Participant,
    pub operation: Operation,
    /// The check the engine still needs, if any.
    pub needs: Option<Check>,
    /// The filled form: field name → value.
    pub form: &'a BTreeMap<String, String>,
    /// The service's fee if it has one (`Some(0)` for a free service).
    pub fee_tenge: Option<u64>,
}

impl<'a> Question<'a> {
    /// A form value, trimmed; `None` when absent or blank.
    pub fn field(&self, name: &str) -> Option<&'a str> {
        self.form
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str, participant: Participant) -> Result<&'a str, AskError> {
        self.field(name).ok_or_else(|| AskError::MissingField {
            field: name.to_string(),
            participant,
        })
    }

    /// The recipient is an organisation: the number is a valid BIN (an IIN and a BIN never
    /// both pass). Anything else goes to ГБД ФЛ, which answers an invalid number itself.
    pub fn recipient_is_bin(&self) -> bool {
        Bin::parse(self.recipient.trim()).is_ok()
    }

    /// The representative's IIN when the request is filed by one. `by_representative = "no"`
    /// means none (a stale `representative_iin` is ignored); `"yes"` requires the IIN; without
    /// `by_representative`, a filled `representative_iin` names one.
    pub fn representative(&self) -> Result<Option<&'a str>, AskError> {
        match self.field(fields::BY_REPRESENTATIVE) {
            Some("no") => Ok(None),
            Some("yes") => self
                .required(fields::REPRESENTATIVE_IIN, Participant::Notary)
                .map(Some),
            None => Ok(self.field(fields::REPRESENTATIVE_IIN)),
            Some(other) => Err(AskError::BadField {
                field: fields::BY_REPRESENTATIVE.into(),
                value: other.into(),
                expected: Expected::YesNo,
            }),
        }
    }
}

/// The invoice id of a request at the payment gateway: its registration number, one fee per
/// request, so that the gateway's idempotence by id also keeps a request from being billed twice.
pub fn invoice_id(request_number: &str) -> String {
    request_number.trim().to_string()
}

/// The message that issues the request's invoice (payer: the recipient), for the platform to
/// send when the request reaches its payment; the rate is in thousandths of an МРП, as the
/// gateway takes it.
pub fn invoice(q: &Question, rate_thousandths: u64) -> RegistryRequest {
    RegistryRequest::PaymentGateway(PaymentRequest::Issue {
        invoice_id: invoice_id(q.request_number),
        request_number: q.request_number.trim().to_string(),
        payer: q.recipient.trim().to_string(),
        purpose: format!(
            "Оплата услуги «{}», заявка № {}",
            q.service,
            q.request_number.trim()
        ),
        rate_thousandths,
    })
}

/// What a form field's value should look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// `YYYY-MM-DD` (or `DD.MM.YYYY`).
    Date,
    /// `HH:MM`.
    Time,
    YesNo,
    Iin,
    /// `notarised` or `other`.
    Certification,
}

impl Expected {
    fn text(self) -> Text {
        match self {
            Expected::Date => Text::new("ЖЖЖЖ-АА-КК күні", "дата ГГГГ-ММ-ДД", "a date YYYY-MM-DD"),
            Expected::Time => Text::new("СС:ММ уақыты", "время ЧЧ:ММ", "a time HH:MM"),
            Expected::YesNo => Text::new("«yes» немесе «no»", "«yes» или «no»", "«yes» or «no»"),
            Expected::Iin => Text::new("жарамды ЖСН", "действительный ИИН", "a valid IIN"),
            Expected::Certification => Text::new(
                "«notarised» немесе «other»",
                "«notarised» или «other»",
                "«notarised» or «other»",
            ),
        }
    }
}

/// Why no message is needed: the form alone settles the fact (see [`settled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotNeeded {
    /// The recipient files for themselves: there is no power of attorney to check.
    NoRepresentative,
    /// The fee is zero: there is nothing to pay.
    FreeService,
}

/// Why no message can be formed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AskError {
    #[error("the form has no value for `{field}`, which the message to {participant:?} needs")]
    MissingField {
        field: String,
        participant: Participant,
    },
    #[error("the form field `{field}` is `{value}`, expected {expected:?}")]
    BadField {
        field: String,
        value: String,
        expected: Expected,
    },
    #[error(
        "{unit:?} is none of the outside systems asked here, and the check {needs:?} names none"
    )]
    NoRegistry {
        unit: Participant,
        needs: Option<Check>,
    },
    #[error("{participant:?} cannot establish the check {check:?}")]
    CannotEstablish {
        participant: Participant,
        check: Check,
    },
    /// A power of attorney certified otherwise than by a notary is not in ЕНИС: a person checks
    /// the original.
    #[error("the power of attorney is not notarised: the notary IS does not hold it")]
    NotNotarised,
    #[error("the request has no registration number to find its invoice by")]
    NoRequestNumber,
    #[error("no message is needed: {0:?}")]
    NotNeeded(NotNeeded),
}

impl AskError {
    /// A stable code for translations and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            AskError::MissingField { .. } => "ask.missing_field",
            AskError::BadField { .. } => "ask.bad_field",
            AskError::NoRegistry { .. } => "ask.no_registry",
            AskError::CannotEstablish { .. } => "ask.cannot_establish",
            AskError::NotNotarised => "ask.not_notarised",
            AskError::NoRequestNumber => "ask.no_request_number",
            AskError::NotNeeded(_) => "ask.not_needed",
        }
    }

    /// What the person who acts is told.
    pub fn message(&self) -> Text {
        match self {
            AskError::MissingField { field, participant } => {
                let n = name(*participant);
                Text::new(
                    format!(
                        "Формада «{field}» өрісі толтырылмаған: онсыз сұрау құру мүмкін емес ({})",
                        n.kk
                    ),
                    format!(
                        "В форме не заполнено поле «{field}»: без него нельзя сформировать запрос ({})",
                        n.ru
                    ),
                    format!(
                        "The form has no value for «{field}»: the message to {} cannot be formed without it",
                        n.en
                    ),
                )
            }
            AskError::BadField {
                field,
                value,
                expected,
            } => {
                let e = expected.text();
                Text::new(
                    format!("«{field}» өрісі қате толтырылған («{value}»): {} күтіледі", e.kk),
                    format!("Поле «{field}» заполнено неверно («{value}»): ожидается {}", e.ru),
                    format!("The field «{field}» is wrong («{value}»): expected {}", e.en),
                )
            }
            AskError::NoRegistry { unit, needs } => {
                let (u, c) = (key(unit), needs.map(|c| key(&c)).unwrap_or("—".into()));
                Text::new(
                    format!("«{u}» сұрау жіберілетін сыртқы жүйелердің бірі емес, ал тексеру ({c}) ешқайсысын көрсетпейді"),
                    format!("«{u}» не является внешней системой, в которую направляется запрос, и проверка ({c}) ни на одну не указывает"),
                    format!("«{u}» is none of the outside systems that are asked, and the check ({c}) names none"),
                )
            }
            AskError::CannotEstablish { participant, check } => {
                let (n, c) = (name(*participant), key(check));
                Text::new(
                    format!("{} «{c}» тексеруін растай алмайды", n.kk),
                    format!("{} не может подтвердить проверку «{c}»", n.ru),
                    format!("{} cannot establish the check «{c}»", n.en),
                )
            }
            AskError::NotNotarised => Text::new(
                "Сенімхатты нотариус куәландырмаған: ол БНАЖ-да жоқ, оны қызметкер түпнұсқасы бойынша тексереді",
                "Доверенность удостоверена не нотариально: её нет в ЕНИС, её проверяет работник по подлиннику",
                "The power of attorney is not notarised: the notary IS does not hold it, an employee checks the original",
            ),
            AskError::NoRequestNumber => Text::new(
                "Өтінімнің тіркеу нөмірі жоқ: төлем шотын табу мүмкін емес",
                "У заявки нет регистрационного номера: счёт на оплату не найти",
                "The request has no registration number: its invoice cannot be found",
            ),
            AskError::NotNeeded(NotNeeded::NoRepresentative) => Text::new(
                "Сұрау қажет емес: өтінішті алушының өзі берген, сенімхат тексерілмейді",
                "Запрос не нужен: заявление подано самим получателем, доверенность не проверяется",
                "No message is needed: the recipient files in person, no power of attorney is checked",
            ),
            AskError::NotNeeded(NotNeeded::FreeService) => Text::new(
                "Сұрау қажет емес: қызмет тегін, төлейтін ештеңе жоқ",
                "Запрос не нужен: услуга бесплатна, оплачивать нечего",
                "No message is needed: the service is free, there is nothing to pay",
            ),
        }
    }
}

/// What an answer established.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    /// The fact for the question's `needs`, and nothing else; empty when nothing is needed or
    /// the answer does not settle it.
    pub facts: BTreeMap<Check, bool>,
    /// Why the fact is false, for the refusal record.
    pub reason: Option<Text>,
    /// What the answer said, for the request's record.
    pub data: serde_json::Value,
    /// The answer is an interim result: the kindergarten register put the child in the queue.
    /// The kindergarten regulation gives a queue ticket as its *interim* result (results
    /// `queue-ticket-*`, the decision's `interim` branch), not a refusal, so a ticket is neither
    /// a place (`availability` true) nor its absence (false, which would refuse): `facts` stays
    /// empty. The engine takes no interim outcome from an outside answer; the request keeps
    /// waiting and the platform asks again — once a released place goes to the child, the
    /// register answers the repeated registration with the referral, which establishes
    /// `availability`. A person who decides (the kindergarten regulation's provider) takes this
    /// flag as the `interim` outcome.
    pub interim: bool,
}

impl Answered {
    fn nothing(data: serde_json::Value) -> Answered {
        Answered {
            facts: BTreeMap::new(),
            reason: None,
            data,
            interim: false,
        }
    }
}

/// The participant that answers the question (see the module's rules).
pub fn participant(q: &Question) -> Result<Participant, AskError> {
    use Participant::*;
    let database = if q.recipient_is_bin() { GbdUl } else { GbdFl };
    let p = match q.unit {
        GbdFl | GbdUl => database,
        PaymentGateway | Notary | KindergartenRegister | DoctorSchedule | AttachmentRegister => {
            q.unit
        }
        unit => match q.needs {
            Some(Check::StateDatabase) => database,
            Some(Check::PowerOfAttorney) => Notary,
            Some(Check::Payment) => PaymentGateway,
            needs => return Err(AskError::NoRegistry { unit, needs }),
        },
    };
    match q.needs {
        Some(check) if establishes(p) != Some(check) => Err(AskError::CannotEstablish {
            participant: p,
            check,
        }),
        _ => Ok(p),
    }
}

/// The one check each participant can establish.
fn establishes(p: Participant) -> Option<Check> {
    use Participant::*;
    match p {
        GbdFl | GbdUl => Some(Check::StateDatabase),
        Notary => Some(Check::PowerOfAttorney),
        PaymentGateway => Some(Check::Payment),
        KindergartenRegister | DoctorSchedule | AttachmentRegister => Some(Check::Availability),
        _ => None,
    }
}

fn not_needed(q: &Question, p: Participant) -> Result<Option<NotNeeded>, AskError> {
    Ok(match p {
        Participant::Notary if q.representative()?.is_none() => Some(NotNeeded::NoRepresentative),
        Participant::PaymentGateway if q.fee_tenge == Some(0) => Some(NotNeeded::FreeService),
        _ => None,
    })
}

/// The facts the form alone settles, when no message is needed: no representative means the
/// power of attorney holds (the recipient acts for themselves and needs none); a fee of zero
/// means the payment holds. `None` when the participant must be asked.
pub fn settled(q: &Question) -> Option<Answered> {
    let p = participant(q).ok()?;
    let why = not_needed(q, p).ok()??;
    let mut a = Answered::nothing(serde_json::json!({ "settled": why }));
    if let Some(check) = q.needs {
        a.facts.insert(check, true);
    }
    Some(a)
}

/// The message to send, or why none can be formed (e.g. a needed form field is missing, or the
/// form settles the fact and [`settled`] gives it).
pub fn ask(q: &Question, now: NaiveDateTime) -> Result<RegistryRequest, AskError> {
    let p = participant(q)?;
    if let Some(why) = not_needed(q, p)? {
        return Err(AskError::NotNeeded(why));
    }
    let recipient = q.recipient.trim().to_string();
    // An act changes the outside system; a look-up only reads it (see the module's rules).
    let acts = q.operation != Operation::QueryRegistry || q.needs.is_some();
    Ok(match p {
        Participant::GbdUl => RegistryRequest::GbdUl(GbdUlRequest::Organisation { bin: recipient }),
        Participant::GbdFl => {
            let child =
                q.field(fields::CHILD_IIN).is_some() || q.field(fields::CHILD_BIRTH_DATE).is_some();
            RegistryRequest::GbdFl(if child {
                GbdFlRequest::Children {
                    parent_iin: recipient,
                }
            } else {
                GbdFlRequest::Person { iin: recipient }
            })
        }
        Participant::Notary => {
            let representative = q.representative()?.unwrap_or_default().to_string();
            match q.field(fields::POA_CERTIFICATION) {
                None | Some("notarised") => {}
                Some("other") => return Err(AskError::NotNotarised),
                Some(v) => {
                    return Err(AskError::BadField {
                        field: fields::POA_CERTIFICATION.into(),
                        value: v.into(),
                        expected: Expected::Certification,
                    })
                }
            }
            RegistryRequest::Notary(NotaryRequest::Check {
                principal_iin: recipient,
                representative_iin: representative,
                number: q.field(fields::POA_NUMBER).map(str::to_string),
                service: Some(q.service.to_string()),
                at: Some(now.date()),
            })
        }
        Participant::PaymentGateway => {
            if q.request_number.trim().is_empty() {
                return Err(AskError::NoRequestNumber);
            }
            RegistryRequest::PaymentGateway(PaymentRequest::Status {
                invoice_id: invoice_id(q.request_number),
            })
        }
        Participant::KindergartenRegister => {
            let child = q.required(fields::CHILD_IIN, p)?;
            RegistryRequest::KindergartenRegister(if acts {
                let birth = match q.field(fields::CHILD_BIRTH_DATE) {
                    Some(d) => date(fields::CHILD_BIRTH_DATE, d)?,
                    // The IIN encodes the birth date.
                    None => Iin::parse_without_future_check(child)
                        .map_err(|_| AskError::BadField {
                            field: fields::CHILD_IIN.into(),
                            value: child.into(),
                            expected: Expected::Iin,
                        })?
                        .birth_date(),
                };
                KindergartenRequest::Register {
                    child_iin: child.to_string(),
                    child_birth_date: birth,
                    parent_iin: recipient,
                    preferred_kindergarten: q
                        .field(fields::PREFERRED_KINDERGARTEN)
                        .map(str::to_string),
                }
            } else {
                KindergartenRequest::Status {
                    child_iin: child.to_string(),
                }
            })
        }
        Participant::DoctorSchedule => RegistryRequest::DoctorSchedule(if acts {
            let doctor = q.required(fields::DOCTOR, p)?;
            let day = q.required(fields::APPOINTMENT_DATE, p)?;
            let time = q.required(fields::APPOINTMENT_TIME, p)?;
            ScheduleRequest::Book {
                doctor: doctor.to_string(),
                date: date(fields::APPOINTMENT_DATE, day)?,
                time: NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| AskError::BadField {
                    field: fields::APPOINTMENT_TIME.into(),
                    value: time.into(),
                    expected: Expected::Time,
                })?,
                patient_iin: recipient,
            }
        } else {
            ScheduleRequest::Appointments {
                patient_iin: recipient,
            }
        }),
        // The shipped form has no field for a change of residence, so the register's one-year
        // rule applies to every change.
        Participant::AttachmentRegister => RegistryRequest::AttachmentRegister(if acts {
            AttachmentRequest::Attach {
                iin: recipient,
                organisation: q.required(fields::PHC_ORGANISATION, p)?.to_string(),
                moved: false,
            }
        } else {
            AttachmentRequest::Query { iin: recipient }
        }),
        unit => {
            return Err(AskError::NoRegistry {
                unit,
                needs: q.needs,
            })
        }
    })
}

fn date(field: &str, text: &str) -> Result<NaiveDate, AskError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .map_err(|_| AskError::BadField {
            field: field.into(),
            value: text.into(),
            expected: Expected::Date,
        })
}

/// What one answer says about the check its participant establishes.
enum Verdict {
    Holds,
    Fails(Text),
    /// A queue ticket: neither.
    Interim,
    /// The answer does not speak to the check (another participant's, or another kind).
    Unrelated,
}

/// The facts the answer establishes (for `q.needs`, and nothing else), a reason when the fact is
/// false, and the answer's data. An answer that does not answer the question (another
/// participant's, another kind of message) establishes nothing: the engine then refuses to move
/// on for lack of the fact rather than the citizen being refused over the platform's mistake.
pub fn facts(q: &Question, answer: &RegistryResponse) -> Answered {
    if let Some(a) = settled(q) {
        return a;
    }
    let mut data = serde_json::to_value(answer).unwrap_or_default();
    let verdict = match answer {
        RegistryResponse::GbdFl(r) => {
            if let GbdFlResponse::Children { parent, children } = r {
                // Only the child concerned belongs in the request's record.
                let concerned: Vec<_> = children
                    .iter()
                    .filter(|c| is_the_child(q, c.iin, c.birth_date))
                    .cloned()
                    .collect();
                data = serde_json::to_value(RegistryResponse::GbdFl(GbdFlResponse::Children {
                    parent: *parent,
                    children: concerned,
                }))
                .unwrap_or_default();
            }
            gbd_fl(q, r)
        }
        RegistryResponse::GbdUl(r) => gbd_ul(r),
        RegistryResponse::PaymentGateway(r) => payment(q, r),
        RegistryResponse::Notary(r) => notary(r),
        RegistryResponse::KindergartenRegister(r) => kindergarten(r),
        RegistryResponse::DoctorSchedule(r) => schedule(r),
        RegistryResponse::AttachmentRegister(r) => attachment(r),
    };
    let speaks_to = establishes(answer_participant(answer));
    let mut a = Answered::nothing(data);
    match verdict {
        Verdict::Interim => a.interim = true,
        Verdict::Unrelated => {}
        v => {
            if let Some(check) = q.needs.filter(|c| Some(*c) == speaks_to) {
                match v {
                    Verdict::Fails(reason) => {
                        a.facts.insert(check, false);
                        a.reason = Some(reason);
                    }
                    _ => {
                        a.facts.insert(check, true);
                    }
                }
            }
        }
    }
    a
}

fn answer_participant(answer: &RegistryResponse) -> Participant {
    match answer {
        RegistryResponse::GbdFl(_) => Participant::GbdFl,
        RegistryResponse::GbdUl(_) => Participant::GbdUl,
        RegistryResponse::PaymentGateway(_) => Participant::PaymentGateway,
        RegistryResponse::Notary(_) => Participant::Notary,
        RegistryResponse::KindergartenRegister(_) => Participant::KindergartenRegister,
        RegistryResponse::DoctorSchedule(_) => Participant::DoctorSchedule,
        RegistryResponse::AttachmentRegister(_) => Participant::AttachmentRegister,
    }
}

/// The child the form names: by IIN, else by birth date (the kindergarten form has no IIN).
fn is_the_child(q: &Question, iin: Iin, born: NaiveDate) -> bool {
    match (
        q.field(fields::CHILD_IIN),
        q.field(fields::CHILD_BIRTH_DATE),
    ) {
        (Some(c), _) => iin.to_string() == c,
        (None, Some(d)) => date(fields::CHILD_BIRTH_DATE, d).ok() == Some(born),
        (None, None) => false,
    }
}

/// The recipient is found; with a child in the form, the child is recorded as the recipient's.
fn gbd_fl(q: &Question, r: &GbdFlResponse) -> Verdict {
    match r {
        GbdFlResponse::Person { .. } => Verdict::Holds,
        GbdFlResponse::Children { children, .. } => {
            let names_a_child =
                q.field(fields::CHILD_IIN).is_some() || q.field(fields::CHILD_BIRTH_DATE).is_some();
            if !names_a_child
                || children
                    .iter()
                    .any(|c| is_the_child(q, c.iin, c.birth_date))
            {
                Verdict::Holds
            } else if let Some(c) = q.field(fields::CHILD_IIN) {
                Verdict::Fails(Text::new(
                    format!("ЖСН {c} бала ЖТ МДБ-да алушының баласы ретінде тіркелмеген"),
                    format!("Ребёнок с ИИН {c} не значится в ГБД ФЛ ребёнком получателя"),
                    format!("The state database of individuals does not record the child with IIN {c} as the recipient's child"),
                ))
            } else {
                let d = q.field(fields::CHILD_BIRTH_DATE).unwrap_or_default();
                Verdict::Fails(Text::new(
                    format!("ЖТ МДБ бойынша алушының {d} күні туған баласы жоқ"),
                    format!("В ГБД ФЛ у получателя нет ребёнка, родившегося {d}"),
                    format!("The state database of individuals records no child of the recipient born on {d}"),
                ))
            }
        }
        GbdFlResponse::Error(GbdFlError::NotFound { iin }) => Verdict::Fails(Text::new(
            format!("Алушы туралы мәліметтер (ЖСН {iin}) ЖТ МДБ-да жоқ"),
            format!("Сведения о получателе (ИИН {iin}) отсутствуют в ГБД ФЛ"),
            format!("The recipient (IIN {iin}) is not in the state database of individuals"),
        )),
        GbdFlResponse::Error(GbdFlError::InvalidIin(bad)) => Verdict::Fails(Text::new(
            format!("Алушының ЖСН «{}» жарамсыз", bad.input),
            format!("ИИН получателя «{}» недействителен", bad.input),
            format!(
                "The recipient's IIN «{}» is not valid: {}",
                bad.input, bad.reason
            ),
        )),
    }
}

fn gbd_ul(r: &GbdUlResponse) -> Verdict {
    match r {
        GbdUlResponse::Organisation { .. } => Verdict::Holds,
        GbdUlResponse::Error(GbdUlError::NotFound { bin }) => Verdict::Fails(Text::new(
            format!("Алушы туралы мәліметтер (БСН {bin}) ЗТ МДБ-да жоқ"),
            format!("Сведения о получателе (БИН {bin}) отсутствуют в ГБД ЮЛ"),
            format!("The recipient (BIN {bin}) is not in the state database of legal entities"),
        )),
        GbdUlResponse::Error(GbdUlError::InvalidBin(bad)) => Verdict::Fails(Text::new(
            format!("Алушының БСН «{}» жарамсыз", bad.input),
            format!("БИН получателя «{}» недействителен", bad.input),
            format!(
                "The recipient's BIN «{}» is not valid: {}",
                bad.input, bad.reason
            ),
        )),
    }
}

/// Paid: the gateway confirms the invoice of this request, for at least the fee when it is
/// known. Any answer carrying the invoice tells its state.
fn payment(q: &Question, r: &PaymentResponse) -> Verdict {
    let n = q.request_number.trim();
    let invoice: &Invoice = match r {
        PaymentResponse::Issued { invoice, .. }
        | PaymentResponse::Confirmed { invoice, .. }
        | PaymentResponse::Declined { invoice }
        | PaymentResponse::Status { invoice, .. } => invoice,
        PaymentResponse::Error(PaymentError::UnknownInvoice { .. }) => {
            return Verdict::Fails(Text::new(
                format!("№ {n} өтінім бойынша төлем шоты шығарылмаған"),
                format!("Счёт на оплату по заявке № {n} не выставлен"),
                format!("No invoice was issued for request No. {n}"),
            ))
        }
        PaymentResponse::Error(e) => return failed(Participant::PaymentGateway, e.code(), e),
    };
    let id = &invoice.invoice_id;
    if invoice.request_number != n {
        let other = &invoice.request_number;
        return Verdict::Fails(Text::new(
            format!("{id} шоты басқа өтінім бойынша шығарылған ({other})"),
            format!("Счёт {id} выставлен по другой заявке ({other})"),
            format!("Invoice {id} is for another request ({other})"),
        ));
    }
    match &invoice.state {
        InvoiceState::Awaiting => Verdict::Fails(Text::new(
            format!("№ {n} өтінім бойынша төлем түспеген ({id} шоты)"),
            format!("Оплата по заявке № {n} не поступила (счёт {id})"),
            format!("The fee for request No. {n} is not paid (invoice {id})"),
        )),
        InvoiceState::Declined { reason, .. } => {
            // A card decline's code reads in each language; a bank's own reason as it came.
            let why = crate::payment::CardDecline::from_code(reason)
                .map(|d| d.text())
                .unwrap_or_else(|| Text::new(reason.as_str(), reason.as_str(), reason.as_str()));
            Verdict::Fails(Text::new(
                format!("Банк № {n} өтінім бойынша төлемді қабылдамады: {}", why.kk),
                format!("Банк отклонил оплату по заявке № {n}: {}", why.ru),
                format!(
                    "The bank declined the payment for request No. {n}: {}",
                    why.en
                ),
            ))
        }
        InvoiceState::Paid { .. } => match q.fee_tenge {
            Some(fee) if invoice.amount_tenge < fee => {
                let a = invoice.amount_tenge;
                Verdict::Fails(Text::new(
                    format!("№ {n} өтінім бойынша {a} ₸ төленді, алым {fee} ₸"),
                    format!("По заявке № {n} оплачено {a} ₸, сбор составляет {fee} ₸"),
                    format!("{a} ₸ was paid for request No. {n}; the fee is {fee} ₸"),
                ))
            }
            _ => Verdict::Holds,
        },
    }
}

fn notary(r: &NotaryResponse) -> Verdict {
    match r {
        NotaryResponse::Valid { .. } => Verdict::Holds,
        NotaryResponse::NotValid(why) => Verdict::Fails(match why {
            NotValid::NoneRegistered => Text::new(
                "БНАЖ-да алушының өкілге берген жарамды сенімхаты жоқ",
                "В ЕНИС нет доверенности получателя на представителя",
                "The notary IS holds no power of attorney from the recipient to the representative",
            ),
            NotValid::Revoked { number, revoked_on } => Text::new(
                format!("{number} сенімхаты {revoked_on} күні кері қайтарылған"),
                format!("Доверенность {number} отозвана {revoked_on}"),
                format!("Power of attorney {number} was revoked on {revoked_on}"),
            ),
            NotValid::Expired {
                number,
                valid_until,
            } => Text::new(
                format!("{number} сенімхатының қолданылу мерзімі {valid_until} күні аяқталған"),
                format!("Срок действия доверенности {number} истёк {valid_until}"),
                format!("Power of attorney {number} was valid until {valid_until}"),
            ),
            NotValid::NotYetNotarised {
                number,
                notarised_on,
            } => Text::new(
                format!("{number} сенімхаты тексеру күнінен кейін, {notarised_on} күні куәландырылған"),
                format!("Доверенность {number} удостоверена {notarised_on}, позже даты проверки"),
                format!("Power of attorney {number} was notarised on {notarised_on}, after the day checked"),
            ),
            NotValid::OutOfScope { number, service } => Text::new(
                format!("{number} сенімхаты «{service}» қызметіне қолданылмайды"),
                format!("Доверенность {number} не распространяется на услугу «{service}»"),
                format!("Power of attorney {number} does not cover the service «{service}»"),
            ),
        }),
        NotaryResponse::Error(e) => failed(Participant::Notary, e.code(), e),
        NotaryResponse::Registered { .. }
        | NotaryResponse::Revoked { .. }
        | NotaryResponse::Power { .. } => Verdict::Unrelated,
    }
}

/// A place: a referral (now, or given earlier to the queued child). A queue ticket is interim.
fn kindergarten(r: &KindergartenResponse) -> Verdict {
    let status = |s: &ChildStatus| match s {
        ChildStatus::Referred { .. } | ChildStatus::Enrolled { .. } => Verdict::Holds,
        ChildStatus::Queued { .. } => Verdict::Interim,
        ChildStatus::NotRegistered => Verdict::Unrelated,
    };
    match r {
        KindergartenResponse::Referral { .. } => Verdict::Holds,
        KindergartenResponse::Queued { .. } => Verdict::Interim,
        KindergartenResponse::Status(s) => status(s),
        // Asked again after a ticket or a referral: where the child stands answers.
        KindergartenResponse::Error(KindergartenError::AlreadyRegistered { status: s }) => {
            status(s)
        }
        KindergartenResponse::Error(KindergartenError::ChildTooOld { age, on }) => {
            Verdict::Fails(Text::new(
                format!("{on} күні балаға {age} жас: қызмет 7 жасқа дейінгі балаларға көрсетіледі"),
                format!("На {on} ребёнку {age} (полных лет): услуга оказывается детям до 7 лет"),
                format!("The child is {age} on {on}: the service is for children under 7"),
            ))
        }
        KindergartenResponse::Error(KindergartenError::BirthDateMismatch { given, in_iin }) => {
            Verdict::Fails(Text::new(
                format!("Баланың туған күні {given} ЖСН-мен ({in_iin}) сәйкес келмейді"),
                format!("Дата рождения ребёнка {given} не совпадает с ИИН ({in_iin})"),
                format!(
                    "The child's birth date {given} differs from the one in the IIN ({in_iin})"
                ),
            ))
        }
        KindergartenResponse::Error(KindergartenError::UnknownKindergarten { id }) => {
            Verdict::Fails(Text::new(
                format!("Аудандағы {id} мектепке дейінгі ұйымы табылмады"),
                format!("Дошкольная организация {id} не найдена в районе"),
                format!("No kindergarten {id} in the district"),
            ))
        }
        KindergartenResponse::Error(e) => failed(Participant::KindergartenRegister, e.code(), e),
        _ => Verdict::Unrelated,
    }
}

fn schedule(r: &ScheduleResponse) -> Verdict {
    match r {
        ScheduleResponse::Booked { .. } => Verdict::Holds,
        ScheduleResponse::Error(ScheduleError::SlotTaken { date, time }) => {
            let t = time.format("%H:%M");
            Verdict::Fails(Text::new(
                format!("{date} {t} қабылдау уақыты бос емес"),
                format!("Время приёма {date} {t} уже занято"),
                format!("The appointment time {date} {t} is taken"),
            ))
        }
        ScheduleResponse::Error(ScheduleError::SlotPassed { date, time }) => {
            let t = time.format("%H:%M");
            Verdict::Fails(Text::new(
                format!("{date} {t} қабылдау уақыты өтіп кетті"),
                format!("Время приёма {date} {t} уже прошло"),
                format!("The appointment time {date} {t} has passed"),
            ))
        }
        ScheduleResponse::Error(ScheduleError::NotWorkingDay { date }) => {
            Verdict::Fails(Text::new(
                format!("{date} — дәрігердің жұмыс күні емес"),
                format!("{date} — не рабочий день врача"),
                format!("{date} is not a working day of the doctor"),
            ))
        }
        ScheduleResponse::Error(ScheduleError::NotASlot { time }) => {
            let t = time.format("%H:%M");
            Verdict::Fails(Text::new(
                format!("{t} — дәрігер кестесі бойынша қабылдаудың басталу уақыты емес"),
                format!("{t} — не время начала приёма по графику врача"),
                format!("{t} is not the start of one of the doctor's slots"),
            ))
        }
        ScheduleResponse::Error(ScheduleError::UnknownDoctor { id }) => Verdict::Fails(Text::new(
            format!("Қабылдау кестесінде {id} дәрігері жоқ"),
            format!("Врач {id} не найден в графике приёма"),
            format!("No doctor {id} in the schedule"),
        )),
        ScheduleResponse::Error(e) => failed(Participant::DoctorSchedule, e.code(), e),
        _ => Verdict::Unrelated,
    }
}

/// Attached: now, or already to the organisation asked for (a repeated request).
fn attachment(r: &AttachmentResponse) -> Verdict {
    match r {
        AttachmentResponse::Attached { .. }
        | AttachmentResponse::Error(AttachmentError::AlreadyAttached { .. }) => Verdict::Holds,
        AttachmentResponse::Error(AttachmentError::TooSoon {
            since,
            allowed_from,
        }) => Verdict::Fails(Text::new(
            format!("Алушы {since} бастап бекітілген: ұйымды {allowed_from} бастап немесе тұрғылықты жерін ауыстырғанда ғана өзгертуге болады"),
            format!("Получатель прикреплён с {since}: сменить организацию можно с {allowed_from} или при смене места жительства"),
            format!("Attached since {since}: a change is allowed from {allowed_from}, or on moving"),
        )),
        AttachmentResponse::Error(AttachmentError::UnknownOrganisation { id }) => {
            Verdict::Fails(Text::new(
                format!("{id} медициналық ұйымы табылмады"),
                format!("Медицинская организация {id} не найдена"),
                format!("No PHC organisation {id}"),
            ))
        }
        AttachmentResponse::Error(e) => failed(Participant::AttachmentRegister, e.code(), e),
        _ => Verdict::Unrelated,
    }
}

/// Any other error of a participant: a refusal naming it and the error's stable code.
fn failed(p: Participant, code: &str, e: &dyn std::fmt::Display) -> Verdict {
    let n = name(p);
    Verdict::Fails(Text::new(
        format!("{}: {code} қатесі", n.kk),
        format!("{}: ошибка {code}", n.ru),
        format!("{} answered with an error ({code}): {e}", n.en),
    ))
}

/// A participant's name in the three languages.
fn name(p: Participant) -> Text {
    use Participant::*;
    match p {
        GbdFl => Text::new("ЖТ МДБ", "ГБД ФЛ", "the state database of individuals"),
        GbdUl => Text::new("ЗТ МДБ", "ГБД ЮЛ", "the state database of legal entities"),
        Notary => Text::new(
            "Бірыңғай нотариаттық ақпараттық жүйе",
            "ЕНИС",
            "the notary IS",
        ),
        PaymentGateway => Text::new(
            "Электрондық үкіметтің төлем шлюзі",
            "Платёжный шлюз электронного правительства",
            "the e-government payment gateway",
        ),
        KindergartenRegister => Text::new(
            "Мектепке дейінгі ұйымдардағы орындар тізілімі",
            "Реестр мест в дошкольных организациях",
            "the kindergarten places register",
        ),
        DoctorSchedule => Text::new(
            "Дәрігерлердің қабылдау кестесі",
            "График приёма врачей",
            "the doctors' schedule",
        ),
        AttachmentRegister => Text::new(
            "МСАК ұйымдарына бекіту тіркелімі",
            "Регистр прикреплённого населения",
            "the PHC attachment register",
        ),
        other => {
            let k = key(&other);
            Text::new(k.clone(), k.clone(), k)
        }
    }
}

/// A unit's or check's name as the regulations write it (`gbd_fl`, `state_database`).
fn key<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Registries {
    /// Ask the question and read the answer: the facts the form settles, or the participant's
    /// answer to [`ask`]'s message read by [`facts`].
    pub fn answer(&mut self, q: &Question, now: NaiveDateTime) -> Result<Answered, AskError> {
        if let Some(a) = settled(q) {
            return Ok(a);
        }
        let request = ask(q, now)?;
        Ok(facts(q, &self.handle(&request, now)))
    }
}

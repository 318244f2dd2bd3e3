//! The state databases and outside systems that the ten services ask, each a participant with
//! its own data and rules, answering typed messages:
//!
//! | participant | module | asks |
//! |---|---|---|
//! | ГБД ФЛ, state database of individuals | [`gbd_fl`] | a person by IIN, a parent's children |
//! | ГБД ЮЛ, state database of legal entities | [`gbd_ul`] | an organisation by BIN |
//! | ПШЭП, payment gateway | [`payment`] | invoice, pay, decline, pay by card (the demo bank), is it paid |
//! | ЕНИС, notary IS | [`notary`] | is there a valid power of attorney from A to B at t |
//! | kindergarten register | [`kindergarten`] | referral or queue ticket, places released |
//! | doctors' schedules | [`schedule`] | free slots, book, cancel, home call |
//! | PHC attachment register | [`attachment`] | where attached, attach |
//!
//! Each has `XRequest` / `XResponse` enums (serde, JSON-friendly, internally tagged) and a
//! `handle(request, now)` that never panics and answers bad input with an `Error` variant whose
//! `code()` is stable. A request that is refused changes nothing. Time comes in as `now`;
//! nothing here reads a clock, a file or the network. Each keeps its state as JSON through
//! `snapshot()` / `restore()`.
//!
//! [`Registries`] owns them all, built from a seed by [`Registries::demo`] (see [`demo`] for
//! the well-known citizens and organisations), and dispatches a [`RegistryRequest`] to the
//! participant it names, so that one gateway endpoint reaches each of them by name.
//!
//! [`ask`](mod@ask) turns the question of a request that waits for an outside system (its
//! unit, operation, the check it needs and the filled form) into the message for the right
//! participant, and the participant's answer into the fact the engine needs, with a kk/ru/en
//! reason when the fact is false.

pub mod ask;
pub mod attachment;
pub mod common;
pub mod demo;
pub mod gbd_fl;
pub mod gbd_ul;
pub mod kindergarten;
pub mod names;
pub mod notary;
pub mod payment;
pub mod rng;
pub mod schedule;

pub use ask::{ask, facts, Answered, AskError, Question};
use attachment::{AttachmentRegister, AttachmentRequest, AttachmentResponse};
use chrono::NaiveDateTime;
use gbd_fl::{GbdFl, GbdFlRequest, GbdFlResponse};
use gbd_ul::{GbdUl, GbdUlRequest, GbdUlResponse};
use kindergarten::{KindergartenRegister, KindergartenRequest, KindergartenResponse};
use notary::{Notary, NotaryRequest, NotaryResponse};
use payment::{PaymentGateway, PaymentRequest, PaymentResponse};
use qyzmet_core::regulation::Participant;
use schedule::{DoctorSchedules, ScheduleRequest, ScheduleResponse};
use serde::{Deserialize, Serialize};

/// Why a snapshot could not be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("{participant}: the snapshot is not the JSON of its state: {reason}")]
    Json { participant: String, reason: String },
    #[error("{participant}: the snapshot breaks a rule of the data: {reason}")]
    Inconsistent { participant: String, reason: String },
    #[error("snapshot format {found} is not known (this version reads {expected})")]
    Format { found: u64, expected: u64 },
}

impl SnapshotError {
    pub(crate) fn json(participant: &'static str) -> impl Fn(serde_json::Error) -> SnapshotError {
        move |e| SnapshotError::Json {
            participant: participant.to_string(),
            reason: e.to_string(),
        }
    }
}

/// A message to one participant, named as the regulations name it (the core's [`Participant`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "participant", content = "request", rename_all = "snake_case")]
pub enum RegistryRequest {
    GbdFl(GbdFlRequest),
    GbdUl(GbdUlRequest),
    PaymentGateway(PaymentRequest),
    Notary(NotaryRequest),
    KindergartenRegister(KindergartenRequest),
    DoctorSchedule(ScheduleRequest),
    AttachmentRegister(AttachmentRequest),
}

impl RegistryRequest {
    /// The participant the message is for.
    pub fn participant(&self) -> Participant {
        match self {
            RegistryRequest::GbdFl(_) => Participant::GbdFl,
            RegistryRequest::GbdUl(_) => Participant::GbdUl,
            RegistryRequest::PaymentGateway(_) => Participant::PaymentGateway,
            RegistryRequest::Notary(_) => Participant::Notary,
            RegistryRequest::KindergartenRegister(_) => Participant::KindergartenRegister,
            RegistryRequest::DoctorSchedule(_) => Participant::DoctorSchedule,
            RegistryRequest::AttachmentRegister(_) => Participant::AttachmentRegister,
        }
    }
}

/// A participant's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "participant", content = "response", rename_all = "snake_case")]
pub enum RegistryResponse {
    GbdFl(GbdFlResponse),
    GbdUl(GbdUlResponse),
    PaymentGateway(PaymentResponse),
    Notary(NotaryResponse),
    KindergartenRegister(KindergartenResponse),
    DoctorSchedule(ScheduleResponse),
    AttachmentRegister(AttachmentResponse),
}

impl RegistryResponse {
    /// The stable code of the error answered, if the answer is an error.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            RegistryResponse::GbdFl(GbdFlResponse::Error(e)) => Some(e.code()),
            RegistryResponse::GbdUl(GbdUlResponse::Error(e)) => Some(e.code()),
            RegistryResponse::PaymentGateway(PaymentResponse::Error(e)) => Some(e.code()),
            RegistryResponse::Notary(NotaryResponse::Error(e)) => Some(e.code()),
            RegistryResponse::KindergartenRegister(KindergartenResponse::Error(e)) => {
                Some(e.code())
            }
            RegistryResponse::DoctorSchedule(ScheduleResponse::Error(e)) => Some(e.code()),
            RegistryResponse::AttachmentRegister(AttachmentResponse::Error(e)) => Some(e.code()),
            _ => None,
        }
    }
}

/// Every participant of this crate, owned together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registries {
    pub gbd_fl: GbdFl,
    pub gbd_ul: GbdUl,
    pub payment_gateway: PaymentGateway,
    pub notary: Notary,
    pub kindergarten_register: KindergartenRegister,
    pub doctor_schedule: DoctorSchedules,
    pub attachment_register: AttachmentRegister,
}

/// The format number written in a snapshot.
pub const SNAPSHOT_FORMAT: u64 = 1;

impl Registries {
    /// The demo world from `seed`: the well-known citizens and organisations of [`demo`] and
    /// [`demo::DEMO_HOUSEHOLDS`] synthetic households and [`demo::DEMO_COMPANIES`] companies as
    /// of [`demo::DEMO_AS_OF`]. The same seed gives the same world.
    pub fn demo(seed: u64) -> Registries {
        demo::build(
            seed,
            demo::DEMO_HOUSEHOLDS,
            demo::DEMO_COMPANIES,
            demo::DEMO_AS_OF,
        )
    }

    /// Route a message to its participant and return its answer. Never panics.
    pub fn handle(&mut self, request: &RegistryRequest, now: NaiveDateTime) -> RegistryResponse {
        match request {
            RegistryRequest::GbdFl(r) => RegistryResponse::GbdFl(self.gbd_fl.handle(r, now)),
            RegistryRequest::GbdUl(r) => RegistryResponse::GbdUl(self.gbd_ul.handle(r, now)),
            RegistryRequest::PaymentGateway(r) => {
                RegistryResponse::PaymentGateway(self.payment_gateway.handle(r, now))
            }
            RegistryRequest::Notary(r) => RegistryResponse::Notary(self.notary.handle(r, now)),
            RegistryRequest::KindergartenRegister(r) => {
                RegistryResponse::KindergartenRegister(self.kindergarten_register.handle(r, now))
            }
            RegistryRequest::DoctorSchedule(r) => {
                RegistryResponse::DoctorSchedule(self.doctor_schedule.handle(r, now))
            }
            RegistryRequest::AttachmentRegister(r) => {
                RegistryResponse::AttachmentRegister(self.attachment_register.handle(r, now))
            }
        }
    }

    /// The whole state as JSON: `{"format": 1, "registries": {...}}`.
    pub fn snapshot(&self) -> String {
        serde_json::json!({ "format": SNAPSHOT_FORMAT, "registries": self }).to_string()
    }

    /// Read a [`Registries::snapshot`] back, checking its format and the rules of the data.
    pub fn restore(json: &str) -> Result<Registries, SnapshotError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Envelope {
            format: u64,
            registries: serde_json::Value,
        }
        let envelope: Envelope =
            serde_json::from_str(json).map_err(SnapshotError::json("registries"))?;
        if envelope.format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::Format {
                found: envelope.format,
                expected: SNAPSHOT_FORMAT,
            });
        }
        let registries: Registries = serde_json::from_value(envelope.registries)
            .map_err(SnapshotError::json("registries"))?;
        registries
            .gbd_fl
            .check()
            .map_err(|reason| SnapshotError::Inconsistent {
                participant: "gbd_fl".into(),
                reason,
            })?;
        Ok(registries)
    }
}

//! The register of kindergarten places and queues of Aiyrtau district (service 4: «Регистрация
//! детей дошкольного возраста (до 7 лет) для направления в ДДО»).
//!
//! Rules:
//! - The child must be under 7 on the day of application (age in full years < 7), and the birth
//!   date given must be the one the child's IIN encodes.
//! - A place free in the child's age group (in the preferred kindergarten, or in any of the
//!   district's when none is preferred) gives a **referral** at once; the parents must register
//!   it at the kindergarten within five days («в течение пяти дней», SERVICES.md) — counted here
//!   as calendar days, the referral's `register_by` being the fifth day after issue; after it the
//!   referral lapses ([`KindergartenRequest::Sweep`]) and its place goes to the queue.
//! - No place → a **queue ticket** (the interim document) with the child's position among those
//!   waiting for the same age group. A released place goes to the first child in the queue whose
//!   age group (on the day of release) matches and who prefers that kindergarten or none;
//!   children who have turned 7 are passed over.
//! - One registration per child: a child with an active referral, an enrolment or a ticket is
//!   not registered again.
//!
//! Age groups (this platform's simplification of the preschool groups): nursery under 2, junior
//! 2, middle 3, senior 4, pre-school 5–6 (full years on the day).

use crate::common::{age_on, parse_iin, BadId};
use crate::SnapshotError;
use chrono::{Days, NaiveDate, NaiveDateTime};
use qyzmet_core::id::Iin;
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Age of the application limit: the child must be younger.
pub const AGE_LIMIT: u32 = 7;
/// Days the parents have to register a referral at the kindergarten.
pub const REFERRAL_DAYS: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    /// Under 2 (ясельная).
    Nursery,
    /// 2 (младшая).
    Junior,
    /// 3 (средняя).
    Middle,
    /// 4 (старшая).
    Senior,
    /// 5–6 (предшкольная).
    PreSchool,
}

impl AgeGroup {
    pub const ALL: [AgeGroup; 5] = [
        AgeGroup::Nursery,
        AgeGroup::Junior,
        AgeGroup::Middle,
        AgeGroup::Senior,
        AgeGroup::PreSchool,
    ];

    /// The group of a child of `years` full years; `None` from 7.
    pub fn for_age(years: u32) -> Option<AgeGroup> {
        match years {
            0 | 1 => Some(AgeGroup::Nursery),
            2 => Some(AgeGroup::Junior),
            3 => Some(AgeGroup::Middle),
            4 => Some(AgeGroup::Senior),
            5 | 6 => Some(AgeGroup::PreSchool),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    pub capacity: u32,
    pub taken: u32,
}

impl Places {
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.taken)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kindergarten {
    /// The kindergarten's BIN (as in ГБД ЮЛ).
    pub id: String,
    pub name: Text,
    pub locality: String,
    pub groups: BTreeMap<AgeGroup, Places>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReferralState {
    /// Issued; the parents must register it by `register_by`.
    Issued,
    /// Registered at the kindergarten.
    Enrolled { at: NaiveDateTime },
    /// Not registered in time; the place was released.
    Lapsed { at: NaiveDateTime },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub number: String,
    pub child: Iin,
    pub parent: Iin,
    pub kindergarten: String,
    pub group: AgeGroup,
    pub issued_at: NaiveDateTime,
    /// The last day to register the referral at the kindergarten.
    pub register_by: NaiveDate,
    pub state: ReferralState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueTicket {
    pub number: String,
    pub child: Iin,
    pub parent: Iin,
    pub birth_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
    pub registered_at: NaiveDateTime,
}

/// Where a child stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChildStatus {
    NotRegistered,
    Queued {
        ticket: QueueTicket,
        group: Option<AgeGroup>,
        position: usize,
    },
    Referred {
        referral: Referral,
    },
    Enrolled {
        referral: Referral,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum KindergartenRequest {
    /// Register a child for a place (the service's request).
    Register {
        child_iin: String,
        child_birth_date: NaiveDate,
        parent_iin: String,
        #[serde(default)]
        preferred_kindergarten: Option<String>,
    },
    /// Where the child stands.
    Status { child_iin: String },
    /// The district's kindergartens and their places.
    Kindergartens,
    /// A child left a group: its place is free (and goes to the queue).
    ReleasePlace {
        kindergarten: String,
        group: AgeGroup,
    },
    /// The parents registered the referral at the kindergarten.
    Enrol { referral_number: String },
    /// Lapse the referrals not registered in time and give their places to the queue.
    Sweep,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum KindergartenResponse {
    Referral {
        referral: Referral,
    },
    Queued {
        ticket: QueueTicket,
        group: AgeGroup,
        position: usize,
    },
    Status(ChildStatus),
    Kindergartens {
        kindergartens: Vec<Kindergarten>,
    },
    /// The place was released; `referral` when it went to a child from the queue.
    PlaceReleased {
        referral: Option<Referral>,
    },
    Enrolled {
        referral: Referral,
    },
    Swept {
        lapsed: Vec<Referral>,
        referred: Vec<Referral>,
    },
    Error(KindergartenError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum KindergartenError {
    #[error("invalid IIN: {0}")]
    InvalidIin(BadId),
    #[error("the birth date given ({given}) is not the one in the child's IIN ({in_iin})")]
    BirthDateMismatch { given: NaiveDate, in_iin: NaiveDate },
    #[error("the child is {age} years old on {on}: the service is for children under 7")]
    ChildTooOld { age: u32, on: NaiveDate },
    #[error("the child and the parent are the same person")]
    SamePerson,
    #[error("no kindergarten {id} in the district")]
    UnknownKindergarten { id: String },
    #[error("the child is already registered")]
    AlreadyRegistered { status: Box<ChildStatus> },
    #[error("kindergarten {id} has no taken place in group {group:?} to release")]
    NoTakenPlace { id: String, group: AgeGroup },
    #[error("no referral {number}")]
    UnknownReferral { number: String },
    #[error("referral {number} was to be registered by {register_by}")]
    ReferralExpired {
        number: String,
        register_by: NaiveDate,
    },
    #[error("referral {number} is no longer awaiting registration")]
    ReferralNotActive { number: String },
}

impl KindergartenError {
    pub fn code(&self) -> &'static str {
        match self {
            KindergartenError::InvalidIin(_) => "kindergarten.invalid_iin",
            KindergartenError::BirthDateMismatch { .. } => "kindergarten.birth_date_mismatch",
            KindergartenError::ChildTooOld { .. } => "kindergarten.child_too_old",
            KindergartenError::SamePerson => "kindergarten.same_person",
            KindergartenError::UnknownKindergarten { .. } => "kindergarten.unknown_kindergarten",
            KindergartenError::AlreadyRegistered { .. } => "kindergarten.already_registered",
            KindergartenError::NoTakenPlace { .. } => "kindergarten.no_taken_place",
            KindergartenError::UnknownReferral { .. } => "kindergarten.unknown_referral",
            KindergartenError::ReferralExpired { .. } => "kindergarten.referral_expired",
            KindergartenError::ReferralNotActive { .. } => "kindergarten.referral_not_active",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindergartenRegister {
    kindergartens: Vec<Kindergarten>,
    queue: Vec<QueueTicket>,
    referrals: Vec<Referral>,
    next_ticket: u64,
    next_referral: u64,
}

impl KindergartenRegister {
    pub fn new(kindergartens: Vec<Kindergarten>) -> Self {
        KindergartenRegister {
            kindergartens,
            ..Default::default()
        }
    }

    pub fn kindergartens(&self) -> &[Kindergarten] {
        &self.kindergartens
    }

    pub fn queue(&self) -> &[QueueTicket] {
        &self.queue
    }

    pub fn handle(
        &mut self,
        request: &KindergartenRequest,
        now: NaiveDateTime,
    ) -> KindergartenResponse {
        self.answer(request, now)
            .unwrap_or_else(KindergartenResponse::Error)
    }

    fn answer(
        &mut self,
        request: &KindergartenRequest,
        now: NaiveDateTime,
    ) -> Result<KindergartenResponse, KindergartenError> {
        let today = now.date();
        let iin = |field: &str, text: &str| {
            parse_iin(field, text, today).map_err(KindergartenError::InvalidIin)
        };
        match request {
            KindergartenRequest::Register {
                child_iin,
                child_birth_date,
                parent_iin,
                preferred_kindergarten,
            } => {
                let child = iin("child_iin", child_iin)?;
                let parent = iin("parent_iin", parent_iin)?;
                if child == parent {
                    return Err(KindergartenError::SamePerson);
                }
                if *child_birth_date != child.birth_date() {
                    return Err(KindergartenError::BirthDateMismatch {
                        given: *child_birth_date,
                        in_iin: child.birth_date(),
                    });
                }
                let age = age_on(child.birth_date(), today);
                let Some(group) = AgeGroup::for_age(age) else {
                    return Err(KindergartenError::ChildTooOld { age, on: today });
                };
                let preferred = match preferred_kindergarten {
                    Some(id) => Some(self.kindergarten_index(id)?),
                    None => None,
                };
                let status = self.status(child, today);
                if status != ChildStatus::NotRegistered {
                    return Err(KindergartenError::AlreadyRegistered {
                        status: Box::new(status),
                    });
                }
                let free = match preferred {
                    Some(i) => self.kindergartens[i]
                        .groups
                        .get(&group)
                        .is_some_and(|p| p.free() > 0)
                        .then_some(i),
                    None => self
                        .kindergartens
                        .iter()
                        .position(|k| k.groups.get(&group).is_some_and(|p| p.free() > 0)),
                };
                if let Some(i) = free {
                    let referral = self.refer(i, group, child, parent, now);
                    return Ok(KindergartenResponse::Referral { referral });
                }
                self.next_ticket += 1;
                let ticket = QueueTicket {
                    number: format!("ОЧ-{:06}", self.next_ticket),
                    child,
                    parent,
                    birth_date: child.birth_date(),
                    preferred: preferred.map(|i| self.kindergartens[i].id.clone()),
                    registered_at: now,
                };
                self.queue.push(ticket.clone());
                let position = self.position(child, today).unwrap_or(self.queue.len());
                Ok(KindergartenResponse::Queued {
                    ticket,
                    group,
                    position,
                })
            }
            KindergartenRequest::Status { child_iin } => {
                let child = iin("child_iin", child_iin)?;
                Ok(KindergartenResponse::Status(self.status(child, today)))
            }
            KindergartenRequest::Kindergartens => Ok(KindergartenResponse::Kindergartens {
                kindergartens: self.kindergartens.clone(),
            }),
            KindergartenRequest::ReleasePlace {
                kindergarten,
                group,
            } => {
                let i = self.kindergarten_index(kindergarten)?;
                let k = &mut self.kindergartens[i];
                match k.groups.get_mut(group) {
                    Some(p) if p.taken > 0 => p.taken -= 1,
                    _ => {
                        return Err(KindergartenError::NoTakenPlace {
                            id: k.id.clone(),
                            group: *group,
                        })
                    }
                }
                let referral = self.fill_from_queue(i, *group, now);
                Ok(KindergartenResponse::PlaceReleased { referral })
            }
            KindergartenRequest::Enrol { referral_number } => {
                let r = self
                    .referrals
                    .iter_mut()
                    .find(|r| r.number == referral_number.trim())
                    .ok_or_else(|| KindergartenError::UnknownReferral {
                        number: crate::common::clip(referral_number, 40),
                    })?;
                if r.state != ReferralState::Issued {
                    return Err(KindergartenError::ReferralNotActive {
                        number: r.number.clone(),
                    });
                }
                if today > r.register_by {
                    return Err(KindergartenError::ReferralExpired {
                        number: r.number.clone(),
                        register_by: r.register_by,
                    });
                }
                r.state = ReferralState::Enrolled { at: now };
                Ok(KindergartenResponse::Enrolled {
                    referral: r.clone(),
                })
            }
            KindergartenRequest::Sweep => {
                let mut lapsed = Vec::new();
                for r in &mut self.referrals {
                    if r.state == ReferralState::Issued && today > r.register_by {
                        r.state = ReferralState::Lapsed { at: now };
                        lapsed.push(r.clone());
                    }
                }
                let mut referred = Vec::new();
                for r in &lapsed {
                    if let Some(i) = self
                        .kindergartens
                        .iter()
                        .position(|k| k.id == r.kindergarten)
                    {
                        if let Some(p) = self.kindergartens[i].groups.get_mut(&r.group) {
                            p.taken = p.taken.saturating_sub(1);
                        }
                        referred.extend(self.fill_from_queue(i, r.group, now));
                    }
                }
                Ok(KindergartenResponse::Swept { lapsed, referred })
            }
        }
    }

    fn kindergarten_index(&self, id: &str) -> Result<usize, KindergartenError> {
        self.kindergartens
            .iter()
            .position(|k| k.id == id.trim())
            .ok_or_else(|| KindergartenError::UnknownKindergarten {
                id: crate::common::clip(id, 40),
            })
    }

    fn refer(
        &mut self,
        i: usize,
        group: AgeGroup,
        child: Iin,
        parent: Iin,
        now: NaiveDateTime,
    ) -> Referral {
        if let Some(p) = self.kindergartens[i].groups.get_mut(&group) {
            p.taken += 1;
        }
        self.next_referral += 1;
        let referral = Referral {
            number: format!("НП-{:06}", self.next_referral),
            child,
            parent,
            kindergarten: self.kindergartens[i].id.clone(),
            group,
            issued_at: now,
            register_by: now
                .date()
                .checked_add_days(Days::new(REFERRAL_DAYS))
                .unwrap_or(NaiveDate::MAX),
            state: ReferralState::Issued,
        };
        self.referrals.push(referral.clone());
        referral
    }

    /// Give a free place of kindergarten `i`, group `group`, to the first child waiting for it.
    fn fill_from_queue(
        &mut self,
        i: usize,
        group: AgeGroup,
        now: NaiveDateTime,
    ) -> Option<Referral> {
        let today = now.date();
        let id = self.kindergartens[i].id.clone();
        if self.kindergartens[i]
            .groups
            .get(&group)
            .is_none_or(|p| p.free() == 0)
        {
            return None;
        }
        let at = self.queue.iter().position(|t| {
            AgeGroup::for_age(age_on(t.birth_date, today)) == Some(group)
                && t.preferred.as_ref().is_none_or(|p| *p == id)
        })?;
        let ticket = self.queue.remove(at);
        Some(self.refer(i, group, ticket.child, ticket.parent, now))
    }

    /// Where the child stands on `today`.
    pub fn status(&self, child: Iin, today: NaiveDate) -> ChildStatus {
        if let Some(r) = self.referrals.iter().rev().find(|r| r.child == child) {
            match r.state {
                ReferralState::Issued => {
                    return ChildStatus::Referred {
                        referral: r.clone(),
                    }
                }
                ReferralState::Enrolled { .. } => {
                    return ChildStatus::Enrolled {
                        referral: r.clone(),
                    }
                }
                ReferralState::Lapsed { .. } => {}
            }
        }
        match self.queue.iter().find(|t| t.child == child) {
            Some(t) => ChildStatus::Queued {
                ticket: t.clone(),
                group: AgeGroup::for_age(age_on(t.birth_date, today)),
                position: self.position(child, today).unwrap_or(0),
            },
            None => ChildStatus::NotRegistered,
        }
    }

    /// 1-based position of the child among those waiting for the same age group on `today`.
    fn position(&self, child: Iin, today: NaiveDate) -> Option<usize> {
        let t = self.queue.iter().position(|t| t.child == child)?;
        let group = AgeGroup::for_age(age_on(self.queue[t].birth_date, today));
        Some(
            1 + self.queue[..t]
                .iter()
                .filter(|o| AgeGroup::for_age(age_on(o.birth_date, today)) == group)
                .count(),
        )
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        serde_json::from_str(json).map_err(SnapshotError::json("kindergarten_register"))
    }
}

//! ЕНИС, the unified notarial information system: notarised powers of attorney (principal,
//! representative, scope, period, revocation), and the question the CSC asks when a
//! representative files for someone — is there a valid power of attorney from A to B at time t?
//!
//! A power of attorney is valid on day `t` when it was notarised on or before `t`, `t` is not
//! after its last day (`valid_until`), it was not revoked on or before `t`, and its scope covers
//! the service asked about.

use crate::common::{check_text, parse_iin, BadId, BadText};
use crate::SnapshotError;
use chrono::{NaiveDate, NaiveDateTime};
use qyzmet_core::id::Iin;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a power of attorney empowers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Every e-government service (a general power of attorney).
    All,
    /// Only these services (their regulation codes, e.g. `archive-apostille`).
    Services { codes: Vec<String> },
}

impl Scope {
    pub fn covers(&self, service: Option<&str>) -> bool {
        match (self, service) {
            (Scope::All, _) | (_, None) => true,
            (Scope::Services { codes }, Some(s)) => codes.iter().any(|c| c == s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerOfAttorney {
    /// The notarial registration number.
    pub number: String,
    pub principal: Iin,
    pub representative: Iin,
    pub scope: Scope,
    pub notarised_on: NaiveDate,
    /// The last day it is valid.
    pub valid_until: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_on: Option<NaiveDate>,
}

/// Why no valid power of attorney answers a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotValid {
    /// None was ever registered from this principal to this representative (with this number).
    NoneRegistered,
    Revoked {
        number: String,
        revoked_on: NaiveDate,
    },
    Expired {
        number: String,
        valid_until: NaiveDate,
    },
    NotYetNotarised {
        number: String,
        notarised_on: NaiveDate,
    },
    OutOfScope {
        number: String,
        service: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum NotaryRequest {
    /// A notary registers a power of attorney.
    Register {
        number: String,
        principal_iin: String,
        representative_iin: String,
        scope: Scope,
        notarised_on: NaiveDate,
        valid_until: NaiveDate,
    },
    /// The principal revokes it (from today).
    Revoke { number: String },
    /// The power of attorney with this number.
    Get { number: String },
    /// Is there a valid power of attorney from `principal_iin` to `representative_iin` on `at`
    /// (today when absent), for `service` (any when absent), with `number` (any when absent)?
    Check {
        principal_iin: String,
        representative_iin: String,
        #[serde(default)]
        number: Option<String>,
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        at: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum NotaryResponse {
    Registered { power: PowerOfAttorney },
    Revoked { power: PowerOfAttorney },
    Power { power: PowerOfAttorney },
    Valid { power: PowerOfAttorney },
    NotValid(NotValid),
    Error(NotaryError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum NotaryError {
    #[error("invalid IIN: {0}")]
    InvalidIin(BadId),
    #[error("{0}")]
    BadText(BadText),
    #[error("the principal and the representative are the same person")]
    SamePerson,
    #[error("valid_until {valid_until} is before notarised_on {notarised_on}")]
    BadPeriod {
        notarised_on: NaiveDate,
        valid_until: NaiveDate,
    },
    #[error("notarised_on {notarised_on} is after today {today}")]
    NotarisedInFuture {
        notarised_on: NaiveDate,
        today: NaiveDate,
    },
    #[error("a scope of services must name at least one service, each of 1-100 characters")]
    BadScope,
    #[error("power of attorney {number} is already registered")]
    DuplicateNumber { number: String },
    #[error("no power of attorney {number}")]
    UnknownNumber { number: String },
    #[error("power of attorney {number} was already revoked on {revoked_on}")]
    AlreadyRevoked {
        number: String,
        revoked_on: NaiveDate,
    },
}

impl NotaryError {
    pub fn code(&self) -> &'static str {
        match self {
            NotaryError::InvalidIin(_) => "notary.invalid_iin",
            NotaryError::BadText(_) => "notary.bad_text",
            NotaryError::SamePerson => "notary.same_person",
            NotaryError::BadPeriod { .. } => "notary.bad_period",
            NotaryError::NotarisedInFuture { .. } => "notary.notarised_in_future",
            NotaryError::BadScope => "notary.bad_scope",
            NotaryError::DuplicateNumber { .. } => "notary.duplicate_number",
            NotaryError::UnknownNumber { .. } => "notary.unknown_number",
            NotaryError::AlreadyRevoked { .. } => "notary.already_revoked",
        }
    }
}

impl From<BadText> for NotaryError {
    fn from(e: BadText) -> Self {
        NotaryError::BadText(e)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notary {
    powers: BTreeMap<String, PowerOfAttorney>,
}

const NUMBER_MAX: usize = 50;

impl Notary {
    pub fn new() -> Self {
        Notary::default()
    }

    pub fn powers(&self) -> impl Iterator<Item = &PowerOfAttorney> {
        self.powers.values()
    }

    /// Add a power of attorney as data (the demo's), without the checks of a request.
    pub fn insert(&mut self, power: PowerOfAttorney) {
        self.powers.insert(power.number.clone(), power);
    }

    pub fn handle(&mut self, request: &NotaryRequest, now: NaiveDateTime) -> NotaryResponse {
        self.answer(request, now)
            .unwrap_or_else(NotaryResponse::Error)
    }

    fn answer(
        &mut self,
        request: &NotaryRequest,
        now: NaiveDateTime,
    ) -> Result<NotaryResponse, NotaryError> {
        let today = now.date();
        let iin = |field: &str, text: &str| {
            parse_iin(field, text, today).map_err(NotaryError::InvalidIin)
        };
        match request {
            NotaryRequest::Register {
                number,
                principal_iin,
                representative_iin,
                scope,
                notarised_on,
                valid_until,
            } => {
                let number = check_text("number", number, NUMBER_MAX)?;
                let principal = iin("principal_iin", principal_iin)?;
                let representative = iin("representative_iin", representative_iin)?;
                if principal == representative {
                    return Err(NotaryError::SamePerson);
                }
                if valid_until < notarised_on {
                    return Err(NotaryError::BadPeriod {
                        notarised_on: *notarised_on,
                        valid_until: *valid_until,
                    });
                }
                if *notarised_on > today {
                    return Err(NotaryError::NotarisedInFuture {
                        notarised_on: *notarised_on,
                        today,
                    });
                }
                if let Scope::Services { codes } = scope {
                    let bad = |c: &String| c.trim().is_empty() || c.chars().count() > 100;
                    if codes.is_empty() || codes.len() > 50 || codes.iter().any(bad) {
                        return Err(NotaryError::BadScope);
                    }
                }
                if self.powers.contains_key(&number) {
                    return Err(NotaryError::DuplicateNumber { number });
                }
                let power = PowerOfAttorney {
                    number: number.clone(),
                    principal,
                    representative,
                    scope: scope.clone(),
                    notarised_on: *notarised_on,
                    valid_until: *valid_until,
                    revoked_on: None,
                };
                self.powers.insert(number, power.clone());
                Ok(NotaryResponse::Registered { power })
            }
            NotaryRequest::Revoke { number } => {
                let number = check_text("number", number, NUMBER_MAX)?;
                let power = self
                    .powers
                    .get_mut(&number)
                    .ok_or(NotaryError::UnknownNumber {
                        number: number.clone(),
                    })?;
                if let Some(revoked_on) = power.revoked_on {
                    return Err(NotaryError::AlreadyRevoked { number, revoked_on });
                }
                power.revoked_on = Some(today);
                Ok(NotaryResponse::Revoked {
                    power: power.clone(),
                })
            }
            NotaryRequest::Get { number } => {
                let number = check_text("number", number, NUMBER_MAX)?;
                self.powers
                    .get(&number)
                    .map(|p| NotaryResponse::Power { power: p.clone() })
                    .ok_or(NotaryError::UnknownNumber { number })
            }
            NotaryRequest::Check {
                principal_iin,
                representative_iin,
                number,
                service,
                at,
            } => {
                let principal = iin("principal_iin", principal_iin)?;
                let representative = iin("representative_iin", representative_iin)?;
                let number = match number {
                    Some(n) => Some(check_text("number", n, NUMBER_MAX)?),
                    None => None,
                };
                let service = match service {
                    Some(s) => Some(check_text("service", s, 100)?),
                    None => None,
                };
                Ok(self.check(
                    principal,
                    representative,
                    number.as_deref(),
                    service.as_deref(),
                    at.unwrap_or(today),
                ))
            }
        }
    }

    /// The check itself: a valid power of attorney, or why none is (the reason of the most
    /// recently notarised candidate).
    pub fn check(
        &self,
        principal: Iin,
        representative: Iin,
        number: Option<&str>,
        service: Option<&str>,
        at: NaiveDate,
    ) -> NotaryResponse {
        let mut candidates: Vec<&PowerOfAttorney> = self
            .powers
            .values()
            .filter(|p| p.principal == principal && p.representative == representative)
            .filter(|p| number.is_none_or(|n| p.number == n))
            .collect();
        if let Some(p) = candidates
            .iter()
            .find(|p| why_not(p, service, at).is_none())
        {
            return NotaryResponse::Valid {
                power: (*p).clone(),
            };
        }
        candidates.sort_by_key(|p| std::cmp::Reverse(p.notarised_on));
        NotaryResponse::NotValid(
            candidates
                .first()
                .and_then(|p| why_not(p, service, at))
                .unwrap_or(NotValid::NoneRegistered),
        )
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        serde_json::from_str(json).map_err(SnapshotError::json("notary"))
    }
}

fn why_not(p: &PowerOfAttorney, service: Option<&str>, at: NaiveDate) -> Option<NotValid> {
    let number = p.number.clone();
    if let Some(revoked_on) = p.revoked_on.filter(|r| *r <= at) {
        Some(NotValid::Revoked { number, revoked_on })
    } else if at > p.valid_until {
        Some(NotValid::Expired {
            number,
            valid_until: p.valid_until,
        })
    } else if at < p.notarised_on {
        Some(NotValid::NotYetNotarised {
            number,
            notarised_on: p.notarised_on,
        })
    } else if !p.scope.covers(service) {
        Some(NotValid::OutOfScope {
            number,
            service: service.unwrap_or_default().to_string(),
        })
    } else {
        None
    }
}

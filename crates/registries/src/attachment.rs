//! The register of attachment to primary health care organisations (service 10): which PHC
//! organisation a person is attached to, and the attachment itself.
//!
//! Rule, kept simple: the first attachment is always allowed; a change to another organisation
//! is allowed when a year has passed since the current attachment (the same date a year later)
//! or when the person moved (change of residence, stated by the caller). The attachment rules of
//! Government decree No. 1263 of 01.11.2011, which the regulation cites, are not in the seeds;
//! the real rules also know an annual attachment campaign, which is not modelled.

use crate::common::{clip, parse_iin, BadId};
use crate::SnapshotError;
use chrono::{Months, NaiveDate, NaiveDateTime};
use qyzmet_core::id::Iin;
use qyzmet_core::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentReason {
    First,
    /// A year after the previous attachment.
    AfterAYear,
    /// Change of residence.
    Moved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub iin: Iin,
    /// The PHC organisation's BIN.
    pub organisation: String,
    pub since: NaiveDate,
    pub reason: AttachmentReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhcOrganisation {
    pub id: String,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum AttachmentRequest {
    /// The PHC organisations one may attach to.
    Organisations,
    /// Where the person is attached.
    Query { iin: String },
    /// Attach the person to `organisation`; `moved` when they changed residence.
    Attach {
        iin: String,
        organisation: String,
        #[serde(default)]
        moved: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum AttachmentResponse {
    Organisations {
        organisations: Vec<PhcOrganisation>,
    },
    Attachment {
        attachment: Attachment,
    },
    NotAttached {
        iin: Iin,
    },
    Attached {
        attachment: Attachment,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<Attachment>,
    },
    Error(AttachmentError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AttachmentError {
    #[error("invalid IIN: {0}")]
    InvalidIin(BadId),
    #[error("no PHC organisation {id}")]
    UnknownOrganisation { id: String },
    #[error("already attached to {organisation}")]
    AlreadyAttached { organisation: String },
    #[error("attached on {since}: a change is allowed from {allowed_from}, or on moving")]
    TooSoon {
        since: NaiveDate,
        allowed_from: NaiveDate,
    },
}

impl AttachmentError {
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::InvalidIin(_) => "attachment.invalid_iin",
            AttachmentError::UnknownOrganisation { .. } => "attachment.unknown_organisation",
            AttachmentError::AlreadyAttached { .. } => "attachment.already_attached",
            AttachmentError::TooSoon { .. } => "attachment.too_soon",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRegister {
    organisations: Vec<PhcOrganisation>,
    attachments: BTreeMap<Iin, Attachment>,
    /// Earlier attachments, oldest first.
    history: Vec<Attachment>,
}

impl AttachmentRegister {
    pub fn new(organisations: Vec<PhcOrganisation>) -> Self {
        AttachmentRegister {
            organisations,
            ..Default::default()
        }
    }

    /// Record an attachment as data (the demo's), without the rules of a request.
    pub fn insert(&mut self, attachment: Attachment) {
        self.attachments.insert(attachment.iin, attachment);
    }

    pub fn get(&self, iin: &Iin) -> Option<&Attachment> {
        self.attachments.get(iin)
    }

    pub fn len(&self) -> usize {
        self.attachments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.attachments.is_empty()
    }

    pub fn handle(
        &mut self,
        request: &AttachmentRequest,
        now: NaiveDateTime,
    ) -> AttachmentResponse {
        self.answer(request, now)
            .unwrap_or_else(AttachmentResponse::Error)
    }

    fn answer(
        &mut self,
        request: &AttachmentRequest,
        now: NaiveDateTime,
    ) -> Result<AttachmentResponse, AttachmentError> {
        let today = now.date();
        let iin = |text: &str| parse_iin("iin", text, today).map_err(AttachmentError::InvalidIin);
        match request {
            AttachmentRequest::Organisations => Ok(AttachmentResponse::Organisations {
                organisations: self.organisations.clone(),
            }),
            AttachmentRequest::Query { iin: text } => {
                let iin = iin(text)?;
                Ok(match self.attachments.get(&iin) {
                    Some(a) => AttachmentResponse::Attachment {
                        attachment: a.clone(),
                    },
                    None => AttachmentResponse::NotAttached { iin },
                })
            }
            AttachmentRequest::Attach {
                iin: text,
                organisation,
                moved,
            } => {
                let iin = iin(text)?;
                let org = self
                    .organisations
                    .iter()
                    .find(|o| o.id == organisation.trim())
                    .ok_or_else(|| AttachmentError::UnknownOrganisation {
                        id: clip(organisation, 40),
                    })?
                    .id
                    .clone();
                let previous = self.attachments.get(&iin).cloned();
                let reason = match &previous {
                    None => AttachmentReason::First,
                    Some(p) if p.organisation == org => {
                        return Err(AttachmentError::AlreadyAttached { organisation: org })
                    }
                    Some(_) if *moved => AttachmentReason::Moved,
                    Some(p) => {
                        let allowed_from = p
                            .since
                            .checked_add_months(Months::new(12))
                            .unwrap_or(NaiveDate::MAX);
                        if today < allowed_from {
                            return Err(AttachmentError::TooSoon {
                                since: p.since,
                                allowed_from,
                            });
                        }
                        AttachmentReason::AfterAYear
                    }
                };
                let attachment = Attachment {
                    iin,
                    organisation: org,
                    since: today,
                    reason,
                };
                if let Some(p) = &previous {
                    self.history.push(p.clone());
                }
                self.attachments.insert(iin, attachment.clone());
                Ok(AttachmentResponse::Attached {
                    attachment,
                    previous,
                })
            }
        }
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        serde_json::from_str(json).map_err(SnapshotError::json("attachment_register"))
    }
}

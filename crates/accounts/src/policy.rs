//! The access policy: one place that decides who may see and do what. Secure by default —
//! whatever is not allowed here is denied, with a reason the person can read.

use crate::login::Login;
use qyzmet_core::regulation::ChannelKind;
use qyzmet_core::{Lang, Text};
use serde::{Deserialize, Serialize};

/// What a person is on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A citizen or organisation receiving services (logs in with IIN or BIN).
    Recipient,
    /// A provider's employee: registers, takes into work, decides.
    Employee,
    /// A provider's person authorised to sign results.
    Signer,
    /// The provider's head.
    Head,
    /// A CSC operator who files requests for people who come in person.
    Operator,
    /// Manages accounts and regulations; reads no citizen's request.
    Administrator,
    /// Oversees deadlines (SLA) read-only; reads no citizen's request.
    Monitor,
}

/// The person behind a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: String,
    pub login: Login,
    pub roles: Vec<Role>,
    /// The provider or CSC the staff member works for.
    pub organisation: Option<String>,
}

/// What a request is, as far as access goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestScope<'a> {
    /// The recipient's IIN or BIN.
    pub recipient: &'a str,
    /// The provider's code.
    pub provider: &'a str,
    /// The CSC it was filed at, if any.
    pub csc: Option<&'a str>,
}

/// A staff act on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAct {
    /// Take into work, check, decide, hand over at the provider.
    Process,
    /// Extend the deadline.
    Extend,
    /// Sign the result with one's own key.
    SignResult,
    /// Hand the result over at the CSC.
    HandOverAtCsc,
}

/// Why access is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("this request belongs to someone else")]
    NotYours,
    #[error("this request belongs to another organisation")]
    OtherOrganisation,
    #[error("your role does not allow this")]
    Role,
    #[error("this channel is not yours to file on")]
    Channel,
}

impl Denied {
    pub fn code(&self) -> &'static str {
        match self {
            Denied::NotYours => "access.not_yours",
            Denied::OtherOrganisation => "access.other_organisation",
            Denied::Role => "access.role",
            Denied::Channel => "access.channel",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let t = match self {
            Denied::NotYours => Text::new(
                "Бұл өтінім басқа адамға тиесілі",
                "Эта заявка принадлежит другому лицу",
                "This request belongs to someone else",
            ),
            Denied::OtherOrganisation => Text::new(
                "Бұл өтінім басқа ұйымға тиесілі",
                "Эта заявка принадлежит другой организации",
                "This request belongs to another organisation",
            ),
            Denied::Role => Text::new(
                "Сіздің рөліңіз бұған рұқсат бермейді",
                "Ваша роль не позволяет это сделать",
                "Your role does not allow this",
            ),
            Denied::Channel => Text::new(
                "Бұл арна арқылы өтінім беруге құқығыңыз жоқ",
                "Вы не можете подавать заявки по этому каналу",
                "You may not file requests on this channel",
            ),
        };
        t.get(lang).to_string()
    }
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn works_for(&self, organisation: &str) -> bool {
        self.organisation.as_deref() == Some(organisation)
    }

    fn provider_staff(&self) -> bool {
        self.has(Role::Employee) || self.has(Role::Signer) || self.has(Role::Head)
    }

    /// May read the request, its history, attachments and result.
    pub fn can_read(&self, r: &RequestScope<'_>) -> Result<(), Denied> {
        if self.has(Role::Recipient) && self.login.identifier().as_deref() == Some(r.recipient) {
            return Ok(());
        }
        if self.provider_staff() {
            return if self.works_for(r.provider) {
                Ok(())
            } else {
                Err(Denied::OtherOrganisation)
            };
        }
        if self.has(Role::Operator) {
            return match r.csc {
                Some(csc) if self.works_for(csc) => Ok(()),
                _ => Err(Denied::OtherOrganisation),
            };
        }
        if self.has(Role::Recipient) {
            return Err(Denied::NotYours);
        }
        Err(Denied::Role)
    }

    /// May perform a staff act on the request.
    pub fn can_act(&self, r: &RequestScope<'_>, act: StaffAct) -> Result<(), Denied> {
        let role_ok = match act {
            StaffAct::Process => self.provider_staff(),
            StaffAct::Extend => self.has(Role::Employee) || self.has(Role::Head),
            StaffAct::SignResult => self.provider_staff(),
            StaffAct::HandOverAtCsc => self.has(Role::Operator),
        };
        if !role_ok {
            return Err(Denied::Role);
        }
        let org = if act == StaffAct::HandOverAtCsc {
            r.csc
        } else {
            Some(r.provider)
        };
        match org {
            Some(o) if self.works_for(o) => Ok(()),
            _ => Err(Denied::OtherOrganisation),
        }
    }

    /// May file a request on `channel` for `recipient` with `provider`.
    pub fn can_submit(
        &self,
        channel: ChannelKind,
        recipient: &str,
        provider: &str,
    ) -> Result<(), Denied> {
        match channel {
            ChannelKind::Portal => {
                if !self.has(Role::Recipient) {
                    return Err(Denied::Channel);
                }
                if self.login.identifier().as_deref() == Some(recipient) {
                    Ok(())
                } else {
                    Err(Denied::NotYours)
                }
            }
            ChannelKind::Agency => {
                if !self.provider_staff() {
                    return Err(Denied::Channel);
                }
                if self.works_for(provider) {
                    Ok(())
                } else {
                    Err(Denied::OtherOrganisation)
                }
            }
            ChannelKind::Csc => {
                if self.has(Role::Operator) && self.organisation.is_some() {
                    Ok(())
                } else {
                    Err(Denied::Channel)
                }
            }
        }
    }

    /// May see the SLA of a provider: monitors for every provider, a head for their own.
    pub fn can_view_sla(&self, provider: &str) -> Result<(), Denied> {
        if self.has(Role::Monitor) || (self.has(Role::Head) && self.works_for(provider)) {
            Ok(())
        } else {
            Err(Denied::Role)
        }
    }

    /// May manage accounts and regulations.
    pub fn can_administer(&self) -> Result<(), Denied> {
        if self.has(Role::Administrator) {
            Ok(())
        } else {
            Err(Denied::Role)
        }
    }
}

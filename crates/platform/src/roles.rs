//! The roles a process of the platform can run: the whole platform in one process (the
//! embedded deployment), or one role per process, each on its own database and gateway node,
//! joined over NATS (`qyzmet serve --role …`).
//!
//! The routes the regulations use are the same whichever way the roles are spread: every node
//! knows them all ([`grant_routes`]), since the receiving node checks the grant again.

use qyzmet_core::regulation::Participant as P;
use qyzmet_gateway::services::{
    registry_participant, ACT, AGENCY, CSC, CSC_NOTICE, FILE, PORTAL, PORTAL_NOTICE, QUERY, READ,
};
use qyzmet_gateway::{Gateway, ParticipantId};

/// A participant of the regulations that a process can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The provider's IS: where requests live; the employees' workplace.
    Agency,
    /// The citizens' portal: its users and the notices of their cabinets.
    Portal,
    /// The citizen service centre's IS: its operators and the notices of its requests.
    Csc,
    /// The state databases and outside systems.
    Registries,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Agency, Role::Portal, Role::Csc, Role::Registries];

    pub fn name(self) -> &'static str {
        match self {
            Role::Agency => "agency",
            Role::Portal => "portal",
            Role::Csc => "csc",
            Role::Registries => "registries",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The gateway participants this role runs.
    pub fn systems(self) -> Vec<String> {
        match self {
            Role::Agency => vec![AGENCY.to_string()],
            Role::Portal => vec![PORTAL.to_string()],
            Role::Csc => vec![CSC.to_string()],
            Role::Registries => crate::registries::PARTICIPANTS
                .iter()
                .map(|p| registry_participant(*p))
                .collect(),
        }
    }

    /// The name of this role's own gateway node (its key seals the node's log).
    pub fn node(self) -> String {
        format!("gateway-{}", self.name())
    }
}

/// Grant on `gateway` the routes of the regulations and no others: the provider's IS sends
/// notices to the portal and the CSC; the portal and the CSC file with the provider's IS, act on
/// their requests and read them; the provider's IS asks every state database and outside
/// system; the portal confirms registrations in the state databases, pays, shows doctors' free
/// slots and the PHC organisations; the CSC finds citizens in ГБД ФЛ.
pub fn grant_routes(gateway: &Gateway) {
    let id = |name: &str| ParticipantId::new(name);
    for (system, service) in [(PORTAL, PORTAL_NOTICE), (CSC, CSC_NOTICE)] {
        gateway.grant(&id(AGENCY), &id(system), service);
    }
    for from in [PORTAL, CSC] {
        for service in [FILE, ACT, READ] {
            gateway.grant(&id(from), &id(AGENCY), service);
        }
    }
    for p in crate::registries::PARTICIPANTS {
        gateway.grant(&id(AGENCY), &id(&registry_participant(p)), QUERY);
    }
    for p in [
        P::GbdFl,
        P::GbdUl,
        P::PaymentGateway,
        P::DoctorSchedule,
        P::AttachmentRegister,
    ] {
        gateway.grant(&id(PORTAL), &id(&registry_participant(p)), QUERY);
    }
    gateway.grant(&id(CSC), &id(&registry_participant(P::GbdFl)), QUERY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_name_that_parses_back_and_its_own_systems() {
        let mut seen = std::collections::BTreeSet::new();
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(role));
            for system in role.systems() {
                assert!(seen.insert(system.clone()), "{system} in two roles");
            }
        }
        assert_eq!(Role::parse("nca"), None);
        let all = crate::road::systems();
        assert_eq!(seen.len() + 1, all.len(), "every system but the gateway");
        assert!(all[1..].iter().all(|s| seen.contains(s)));
    }
}

//! Who performs an action, read from the regulation's action table: the engine itself (a
//! system step), a person (who must act through the platform), or an outside system (whose
//! answer the engine waits for).

use qyzmet_core::regulation::{Action, ChannelKind, Operation, Participant, Role};
use serde::{Deserialize, Serialize};

/// The three kinds of performer the engine tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Performer {
    /// An information system step the engine performs at once (register, route, form the
    /// result, show the status, notify, check a signature whose verdict it holds).
    System { unit: Participant },
    /// A person of `unit` (in `role`, when the regulation says) must act.
    Person {
        unit: Participant,
        role: Option<Role>,
    },
    /// An outside system must answer (a state database, the payment gateway, a schedule).
    Outside { unit: Participant },
}

/// The performer of an action.
pub fn performer(action: &Action) -> Performer {
    use Operation::*;
    match action.operation {
        Route | RegisterRequest | VerifySignature | FormResult | ShowStatus | Notify => {
            Performer::System { unit: action.unit }
        }
        QueryRegistry | Pay | ChooseSlot => Performer::Outside { unit: action.unit },
        Authenticate | CheckDocuments | FillForm | SignRequest | TakeIntoWork | Decide
        | PerformOffline | SignResult | HandOver | Deliver => Performer::Person {
            unit: action.unit,
            role: action.role,
        },
    }
}

/// The side that files the request on a channel: the recipient on the portal, the provider's
/// employee at the agency, the operator at a CSC, with their information systems.
pub fn submitter_side(channel: ChannelKind) -> &'static [Participant] {
    match channel {
        ChannelKind::Portal => &[Participant::Recipient, Participant::Portal],
        ChannelKind::Agency => &[Participant::Provider, Participant::AgencyIs],
        ChannelKind::Csc => &[Participant::Csc, Participant::CscIs],
    }
}

/// Operations the submitter performs in the act of filing: logging in, checking the papers
/// brought in, filling the form, signing it.
pub fn done_at_submission(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::Authenticate
            | Operation::CheckDocuments
            | Operation::FillForm
            | Operation::SignRequest
    )
}

//! The result document an employee signs: formed by the IS from the request and its decision
//! (the regulation's result for the channel and outcome), as canonical JSON bytes. The
//! employee's client fetches these bytes, signs them with the employee's own key, and sends
//! the CMS back; the IS only checks that the signature is over exactly these bytes.

use qyzmet_core::regulation::{Outcome, Regulation, ResultKind};
use qyzmet_core::Text;
use qyzmet_engine::RequestState;
use qyzmet_store::RequestSummary;
use serde::{Deserialize, Serialize};

/// The document's format name and version.
pub const FORMAT: &str = "qyzmet.result/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultDocument {
    pub document: String,
    pub number: String,
    pub service: String,
    pub version: u32,
    pub service_name: Text,
    pub provider: String,
    pub provider_name: Text,
    pub recipient: String,
    pub channel: qyzmet_core::regulation::ChannelKind,
    pub outcome: Outcome,
    /// The regulation's result code and name for this channel and outcome, if it names one.
    pub result: Option<String>,
    pub result_name: Option<Text>,
    /// A refusal's grounds, as the decision gave them.
    pub grounds: Option<Text>,
}

fn kind_of(o: Outcome) -> ResultKind {
    match o {
        Outcome::Positive => ResultKind::Positive,
        Outcome::Interim => ResultKind::Interim,
        Outcome::Refusal => ResultKind::Refusal,
    }
}

/// The result document of a request as it stands.
pub fn document(reg: &Regulation, summary: &RequestSummary, st: &RequestState) -> ResultDocument {
    let outcome = st.outcome.unwrap_or(Outcome::Positive);
    let result = reg
        .results
        .iter()
        .find(|r| r.channels.contains(&st.channel) && r.kind == kind_of(outcome));
    ResultDocument {
        document: FORMAT.into(),
        number: summary.number.clone(),
        service: reg.code.clone(),
        version: reg.version,
        service_name: reg.name.clone(),
        provider: reg.general.provider.code.clone(),
        provider_name: reg.general.provider.name.clone(),
        recipient: summary.recipient.to_string(),
        channel: st.channel,
        outcome,
        result: result.map(|r| r.code.clone()),
        result_name: result.map(|r| r.name.clone()),
        grounds: st.refusal.as_ref().map(|r| r.message.clone()),
    }
}

/// The bytes to sign.
pub fn draft(reg: &Regulation, summary: &RequestSummary, st: &RequestState) -> Vec<u8> {
    serde_json::to_vec(&document(reg, summary, st)).unwrap_or_default()
}

//! The regulation as data: a typed mirror of the Typical Regulation's structure.
//!
//! The sections follow the paper act so that someone holding it finds each part:
//! 1. general provisions ([`General`]), 2. the provider's procedure per channel
//!    ([`Channel::procedure`]), 3. interaction: units, action tables ([`Channel::actions`]), forms,
//!    results, notifications, the questionnaire, requirements and technical conditions.
//!
//! Every struct denies unknown fields: a misspelt key is an error with its line, never ignored.

use crate::calendar::WorkingHours;
use crate::deadline::Deadline;
use crate::text::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A value the regulation either gives, or explicitly leaves unset with the reason
/// (`{ unset = "the standard's deadline is not in the seeds" }`). Nothing is invented silently.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Given<T> {
    Unset { unset: String },
    Value(T),
}

impl<T> Given<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Given::Value(v) => Some(v),
            Given::Unset { .. } => None,
        }
    }
}

/// One regulation of an electronic government service, one file under `regulations/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regulation {
    /// Stable code of the service, lower-case words joined by hyphens.
    pub code: String,
    /// Edition: a published regulation never changes under a running request.
    pub version: u32,
    pub name: Text,
    /// The act that approved this regulation (decree, order), and where its text is.
    pub approved_by: Act,
    /// Section 1: general provisions.
    pub general: General,
    /// Section 2 and the action tables of section 3, per channel.
    pub channels: BTreeMap<ChannelKind, Channel>,
    /// The request form with its format-logical control rules.
    pub form: Given<Form>,
    /// Documents attached to the request (scans).
    pub attachments: Given<Vec<Attachment>>,
    /// Results: positive, interim and refusal documents.
    pub results: Vec<ResultDocument>,
    /// Notifications to the recipient (and the CSC).
    #[serde(default)]
    pub notifications: Vec<Notification>,
    /// The quality and accessibility questionnaire.
    pub questionnaire: Questionnaire,
    /// Section 3's remaining parts: units, requirements, technical conditions.
    pub interaction: Interaction,
    /// Where the seed was defective or silent, what was resolved and why.
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
}

/// A legal act: its title, number and date.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    pub title: Text,
    pub number: String,
    pub date: NaiveDate,
    /// Who issued it (government, akimat, minister).
    #[serde(default)]
    pub issuer: Option<Text>,
    /// The seed file the text was taken from, for the reader.
    #[serde(default)]
    pub seed: Option<String>,
}

/// Section 1 of the regulation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub provider: Provider,
    /// The service standard the regulation rests on.
    pub standard: Act,
    pub automation: Automation,
    pub kind: ServiceKind,
    pub fee: Given<Fee>,
    /// The standard's overall deadline for the service.
    pub deadline: Given<Deadline>,
    /// Whether the provider may extend the deadline (the recipient is then notified).
    #[serde(default)]
    pub extension_allowed: bool,
    /// How the recipient checks the status (portal "service history", provider, CSC).
    pub status_check: Text,
    /// The call centre that informs on the service.
    #[serde(default)]
    pub call_centre: Option<String>,
    /// Definitions the regulation gives, if any.
    #[serde(default)]
    pub definitions: Vec<Definition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub term: Text,
    pub meaning: Text,
}

/// The state body (услугодатель) that provides the service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Stable code, shared by every regulation of the same provider.
    pub code: String,
    pub name: Text,
    pub bin: Given<String>,
    pub working_hours: Given<WorkingHours>,
}

/// Degree of automation (степень автоматизации).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// Fully automated: no media breaks.
    Full,
    /// Partially automated: with media breaks (paper, stamps, visits).
    Partial,
}

/// Kind of service (вид оказания).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Informational,
    Interactive,
    /// E-signatures both ways.
    Transactional,
}

/// A fee in monthly calculation indices (МРП) or tenge, or free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Fee {
    Free(bool),
    Mrp(f64),
    Tenge(u64),
}

/// The channels the regulations name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// The e-government portal (ПЭП).
    Portal,
    /// The provider's own IS (ИС МИО / АРМ услугодателя), the recipient comes in person.
    Agency,
    /// A citizen service centre (ЦОН): an operator files for the recipient.
    Csc,
}

impl ChannelKind {
    pub fn key(self) -> &'static str {
        match self {
            ChannelKind::Portal => "portal",
            ChannelKind::Agency => "agency",
            ChannelKind::Csc => "csc",
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One channel: its procedure (section 2's numbered list) and its action table (section 3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// How the acting person logs in.
    pub login: Vec<LoginMethod>,
    /// Whose key signs the request on this channel.
    pub signer: Signer,
    /// Decision deadline of this channel where the seed gives one apart from the general one.
    #[serde(default)]
    pub deadline: Option<Given<Deadline>>,
    /// Section 2: the ordered processes and conditions.
    pub procedure: Vec<Step>,
    /// Section 3: the action table.
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginMethod {
    IinPassword,
    BinPassword,
    RnnPassword,
    /// A login name (the CSC operator's) and password.
    LoginPassword,
    /// The authentication certificate in the browser.
    Certificate,
}

/// The person whose own key signs the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signer {
    Recipient,
    Employee,
    Operator,
}

/// An item of section 2's list: «процесс N», «условие N», or an unnumbered step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub kind: StepKind,
    /// The seed's own number of the process or condition; none for unnumbered steps.
    #[serde(default)]
    pub number: Option<u32>,
    /// Who performs it.
    pub by: Participant,
    pub text: Text,
    /// For a condition: what is checked.
    #[serde(default)]
    pub check: Option<Check>,
    /// For a condition: what happens when it fails.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Process,
    Condition,
    /// An unnumbered item of the list (e.g. "the recipient registers on the portal").
    Step,
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StepKind::Process => "process",
            StepKind::Condition => "condition",
            StepKind::Step => "step",
        })
    }
}

/// What a condition checks; the engine knows how to check each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Login and password (or certificate) of the acting person.
    Credentials,
    /// The e-signature: IIN/BIN in the request = in the certificate, validity period, not revoked.
    Signature,
    /// The payment gateway confirms the fee was paid.
    Payment,
    /// The recipient is found in the state database (ГБД ФЛ / ЮЛ).
    StateDatabase,
    /// A representative's notarised power of attorney is confirmed by the notary IS.
    PowerOfAttorney,
    /// The documents meet the standard.
    Documents,
    /// The grounds for the service are met (the provider's decision).
    Grounds,
    /// A place (kindergarten) or slot (doctor) is available.
    Availability,
    /// The request arrived within the provider's hours for this service.
    IntakeHours,
}

/// What a failed condition leads to: the process that forms the refusal and its message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    /// The number of the process in the same procedure that forms the refusal.
    pub process: u32,
    pub kind: RefusalKind,
    /// What the person who acted is told.
    pub message: Text,
}

/// The kinds of refusal the regulations name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    AuthorisationFailed,
    SignatureNotConfirmed,
    NoPayment,
    NotInStateDatabase,
    PowerOfAttorneyNotConfirmed,
    DocumentsNotCompliant,
    GroundsNotMet,
    NoPlaceAvailable,
    OutsideIntakeHours,
}

/// Units and information systems that act in a regulation (СФЕ, ИС).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    /// The recipient (потребитель, получатель).
    Recipient,
    /// The e-government portal (ПЭП).
    Portal,
    /// The e-government gateway (ШЭП / РШЭП).
    Gateway,
    /// The provider's information system (ИС МИО, ИС услугодателя).
    AgencyIs,
    /// The provider's staff (сотрудник услугодателя): employee, authorised person, head.
    Provider,
    /// A commission of the provider that decides.
    Commission,
    /// The CSC's information system (ИС ЦОН).
    CscIs,
    /// A CSC employee (operator, inspector).
    Csc,
    /// The CSC's courier carrying paper documents.
    Courier,
    /// The national certification authority (ИС НУЦ).
    Nca,
    /// State database of individuals (ГБД ФЛ).
    GbdFl,
    /// State database of legal entities (ГБД ЮЛ).
    GbdUl,
    /// The unified notarial IS (ЕНИС).
    Notary,
    /// The payment gateway (ПШЭП).
    PaymentGateway,
    /// The register of kindergarten places and queues.
    KindergartenRegister,
    /// The doctors' schedules of a clinic.
    DoctorSchedule,
    /// The register of attachment to PHC organisations.
    AttachmentRegister,
}

/// Roles of people inside a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    /// The person authorised to sign (уполномоченное лицо).
    Signer,
    Head,
    Operator,
}

/// A row of the action table (описание действий).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// № действия.
    pub number: u32,
    /// Наименование СФЕ, ИС.
    pub unit: Participant,
    #[serde(default)]
    pub role: Option<Role>,
    /// What the engine does at this action.
    pub operation: Operation,
    /// Наименование действия и их описание.
    pub action: Text,
    /// Форма завершения: the data, document or decision it ends with.
    pub completion: Text,
    /// Сроки исполнения.
    pub deadline: Given<Deadline>,
    /// The condition of the procedure checked at this action; failing it leads to its refusal.
    #[serde(default)]
    pub condition: Option<u32>,
    /// The status the request takes when this action ends.
    #[serde(default)]
    pub status: Option<Status>,
    /// Номер следующего действия: a number, `"end"`, or branches.
    pub next: Next,
}

/// The closed vocabulary of what an action does, so that the engine needs no code per service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// The acting person logs in.
    Authenticate,
    /// Receive the application and originals, check them (in person).
    CheckDocuments,
    /// Fill the form and attach scans.
    FillForm,
    /// Query a state database or outside system.
    QueryRegistry,
    /// The recipient pays through the payment gateway.
    Pay,
    /// Choose a free slot or place offered by an outside system.
    ChooseSlot,
    /// Sign the request with the acting person's own key.
    SignRequest,
    /// Check the request's signature and certificate.
    VerifySignature,
    /// Save and register the request, assigning its number.
    RegisterRequest,
    /// The gateway routes a message between systems.
    Route,
    /// Paper documents travel by courier.
    Deliver,
    /// The provider takes the request into work.
    TakeIntoWork,
    /// The provider (employee, commission) decides.
    Decide,
    /// A paper act done outside the system (stamp, log entry): a media break.
    PerformOffline,
    /// The system forms the output document and status notice.
    FormResult,
    /// The authorised person signs the result with their own key.
    SignResult,
    /// A system shows the status or result to the person.
    ShowStatus,
    /// The result is handed over in person or e-mailed.
    HandOver,
    /// A notice is sent to the recipient.
    Notify,
}

/// Statuses of a request, as the recipient sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Formed and signed.
    Submitted,
    /// «Поступившие».
    Received,
    /// «В работе».
    InWork,
    AwaitingPayment,
    DeadlineExtended,
    /// Completion and issue of the output document.
    Completed,
    /// Motivated refusal.
    Refused,
    /// Paper result ready for pickup (media break).
    ReadyForPickup,
    Issued,
}

/// Where an action leads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Next {
    /// `"end"`: the flow ends here.
    End(EndMarker),
    /// The next action's number.
    To(u32),
    /// Branches on the action's outcome.
    Branches(Vec<Branch>),
}

/// The literal `"end"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndMarker {
    End,
}

/// One branch: on this outcome, go to that action (or end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub on: Outcome,
    pub to: Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Target {
    End(EndMarker),
    To(u32),
}

/// Outcomes an action can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The decision is positive / the check passed.
    Positive,
    /// Motivated refusal / the check failed.
    Refusal,
    /// Interim result (e.g. queued for a kindergarten place).
    Interim,
}

/// The request form and its format-logical control.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub fields: Vec<Field>,
    /// Rules across fields.
    #[serde(default)]
    pub rules: Vec<CrossRule>,
}

/// Where a part of the definition comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Origin {
    /// `"seed"`: the regulation gives it.
    Seed(SeedMarker),
    /// `{ added = "why" }`: not in the regulation; the platform adds it, with the reason.
    Added { added: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedMarker {
    Seed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Iin,
    Bin,
    Date,
    Phone,
    Email,
    Number,
    Choice,
    Address,
    File,
}

/// One field of the form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Machine name, snake_case, unique in the form.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub label: Text,
    pub required: bool,
    pub origin: Origin,
    #[serde(default)]
    pub hint: Option<Text>,
    /// Filled from the logged-in person's registration (e.g. the IIN).
    #[serde(default)]
    pub prefill: Option<Prefill>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// A regular expression the whole value must match (text, phone).
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// For dates: not after the day of application.
    #[serde(default)]
    pub not_future: bool,
    /// For dates of birth: the person is younger than this many full years on application.
    #[serde(default)]
    pub age_under: Option<u32>,
    /// For choices: the allowed values.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// For files: the largest size in kilobytes.
    #[serde(default)]
    pub max_size_kb: Option<u32>,
    /// For files: accepted extensions, lower case without the dot.
    #[serde(default)]
    pub accept: Vec<String>,
    /// The field is asked (and required) only when another field has a value.
    #[serde(default)]
    pub when: Option<When>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    /// The logged-in person's IIN.
    Iin,
    /// The logged-in organisation's BIN.
    Bin,
    /// The person's full name from the state database.
    FullName,
    /// The person's registered address from the state database.
    Address,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

/// Show and require a field only when another one equals a value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub field: String,
    pub equals: String,
}

/// A rule relating two fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossRule {
    pub field: String,
    pub rule: CrossRuleKind,
    pub other: String,
    pub message: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossRuleKind {
    /// A date not after the other date.
    NotAfter,
    /// A date not before the other date.
    NotBefore,
    /// A value different from the other's (e.g. child's IIN ≠ applicant's).
    DiffersFrom,
}

/// A document attached to the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub code: String,
    pub name: Text,
    pub required: bool,
    pub origin: Origin,
}

/// A result of the service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDocument {
    pub code: String,
    pub kind: ResultKind,
    pub name: Text,
    /// The channels this result is given on.
    pub channels: Vec<ChannelKind>,
    pub medium: Medium,
    /// Who signs it.
    pub signed_by: Given<Role>,
    pub delivery: Vec<Delivery>,
    /// The text of the document or notice, where the regulation gives one.
    #[serde(default)]
    pub template: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Positive,
    Interim,
    Refusal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    Electronic,
    /// A paper document or an act on paper (stamp, log entry): a media break.
    Paper,
    /// An oral answer (e.g. the date and time of a doctor's visit).
    Oral,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// The portal's personal cabinet.
    Cabinet,
    InPerson,
    Email,
    /// Handed over at the CSC.
    Csc,
}

/// A notice sent to the recipient (and the CSC).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub event: NotificationEvent,
    pub to: Vec<NotificationRecipient>,
    pub text: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationEvent {
    StatusChanged,
    DeadlineExtended,
    ResultReady,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationRecipient {
    Recipient,
    /// The CSC the request came from.
    Csc,
}

/// The questionnaire of quality and accessibility.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub questions: Vec<Question>,
    /// The answer scale, worst first (not satisfied / partly / satisfied).
    pub answers: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub code: String,
    pub text: Text,
}

/// Section 3's parts that are text for people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// The structural-functional units involved (СФЕ).
    pub units: Vec<Text>,
    /// Requirements on the process (rights, confidentiality, keeping documents).
    #[serde(default)]
    pub requirements: Vec<Text>,
    /// Technical conditions (computer, internet, CSC…).
    #[serde(default)]
    pub technical_conditions: Vec<Text>,
}

/// A seed defect or silence and how the definition resolves it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// Where in the definition (e.g. `channels.portal.actions[5]`).
    pub at: String,
    /// What the seed says or lacks.
    pub seed: String,
    /// What this file does instead, and why.
    pub resolved: String,
}

//! Asking outside systems through the gateway: the question comes from what the request
//! waits for (`qyzmet_registries::ask`), the fact from the answer.

use crate::drive::state_of;
use crate::{local, AgencyIs, AGENCY};
use chrono::Utc;
use qyzmet_api::ApiError;
use qyzmet_core::regulation::{Check, Fee, Given, Operation, Participant, Regulation};
use qyzmet_core::Text;
use qyzmet_engine::RequestState;
use qyzmet_gateway::services::{registry_participant, Application, QUERY};
use qyzmet_registries::ask::{ask, facts, Question};
use qyzmet_registries::payment::PaymentRequest;
use qyzmet_registries::{RegistryRequest, RegistryResponse};
use qyzmet_store::Request;
use std::collections::BTreeMap;

/// The fee of a service in thousandths of an МРП, as the payment gateway bills it.
pub(crate) fn fee_thousandths(reg: &Regulation, configured: Option<u64>) -> Option<u64> {
    match &reg.general.fee {
        Given::Value(Fee::Mrp(m)) => Some((m * 1000.0).round() as u64),
        _ => configured,
    }
}

pub(crate) fn application_of(st: &RequestState) -> Result<Application, ApiError> {
    st.data
        .get("application")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("a request without its application"))
}

impl AgencyIs {
    async fn query(&self, request: &RegistryRequest) -> Result<RegistryResponse, ApiError> {
        let to = registry_participant(request.participant());
        Ok(self.inner.gateway.call(AGENCY, &to, QUERY, request).await?)
    }

    /// Issue (again: it is idempotent) the invoice for a request waiting for its payment.
    pub(crate) async fn issue_invoice(
        &self,
        req: &Request,
        st: &RequestState,
        reg: &Regulation,
    ) -> Result<(), ApiError> {
        let Some(rate) = fee_thousandths(reg, self.fee_of(&reg.code)) else {
            return Err(ApiError::unprocessable(
                "payment.no_fee",
                Text::new(
                    "Қызмет стандартында төлем мөлшері белгіленбеген",
                    "Размер платы за услугу не установлен стандартом услуги",
                    "The service's standard sets no fee, so no invoice can be issued",
                ),
            ));
        };
        let _ = st;
        let request = RegistryRequest::PaymentGateway(PaymentRequest::Issue {
            invoice_id: req.summary.number.clone(),
            request_number: req.summary.number.clone(),
            payer: req.summary.recipient.to_string(),
            purpose: reg.name.ru.clone(),
            rate_thousandths: rate,
        });
        let answer = self.query(&request).await?;
        if let Some(code) = answer.error_code() {
            return Err(ApiError::internal(format!("invoice refused: {code}")));
        }
        Ok(())
    }

    /// Ask the outside system the request waits for; the facts it establishes and what it said.
    pub(crate) async fn ask_outside(
        &self,
        req: &Request,
        st: &RequestState,
        reg: &Regulation,
        unit: Participant,
        operation: Operation,
        needs: Option<Check>,
    ) -> Result<(BTreeMap<Check, bool>, serde_json::Value), ApiError> {
        let app = application_of(st)?;
        let q = Question {
            service: &reg.code,
            request_number: &req.summary.number,
            recipient: &app.recipient,
            unit,
            operation,
            needs,
            form: &app.form,
            fee_tenge: None,
        };
        let now = local(Utc::now());
        // Where the form alone settles the fact (no representative, no fee), nothing is asked.
        if let Some(settled) = qyzmet_registries::ask::settled(&q) {
            return Ok((
                settled.facts,
                serde_json::json!({ "settled": settled.data }),
            ));
        }
        let request = match ask(&q, now) {
            Ok(r) => r,
            // The request lacks what the question needs: the fact does not hold.
            Err(e) => {
                let facts = needs
                    .map(|c| BTreeMap::from([(c, false)]))
                    .unwrap_or_default();
                return Ok((
                    facts,
                    serde_json::json!({ "not_asked": e.code(), "reason": e.message() }),
                ));
            }
        };
        let answer = self.query(&request).await?;
        let answered = facts(&q, &answer);
        let data = serde_json::json!({
            "asked": request,
            "answer": answered.data,
            "reason": answered.reason,
        });
        Ok((answered.facts, data))
    }

    async fn answer_payment(
        &self,
        req: &Request,
        st: &RequestState,
        unit: Participant,
        facts: BTreeMap<Check, bool>,
        data: serde_json::Value,
    ) -> Result<Request, ApiError> {
        let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
        let engine = qyzmet_engine::Engine::new(reg, &self.inner.calendar);
        let mut next = st.clone();
        next.data.insert("answer.payment".into(), data);
        let now = Utc::now();
        engine
            .apply(
                &mut next,
                qyzmet_engine::Input::Answer { from: unit, facts },
                local(now),
            )
            .map_err(|e| ApiError::conflict(e.code(), crate::filing::engine_text(&e)))?;
        self.save(req, st, &next, now, Vec::new(), Vec::new()).await
    }

    /// Close a payment step whose time is over by what the payment gateway says now.
    pub(crate) async fn settle_payment(
        &self,
        req: &Request,
        unit: Participant,
    ) -> Result<Request, ApiError> {
        let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
        let st = state_of(req)?;
        let (facts, data) = self
            .ask_outside(req, &st, reg, unit, Operation::Pay, Some(Check::Payment))
            .await?;
        let req = self.answer_payment(req, &st, unit, facts, data).await?;
        self.drive(req).await
    }

    /// An act from outside the provider, arriving through the gateway.
    pub(crate) async fn outside_act(
        &self,
        system: &qyzmet_gateway::ParticipantId,
        act: qyzmet_gateway::services::ActRequest,
    ) -> Result<qyzmet_core::regulation::Status, ApiError> {
        use qyzmet_gateway::services::Act;
        let principal = act.by;
        crate::reading::vouched(system, &principal)?;
        let id = qyzmet_store::RequestId(act.request_id.clone());
        let req = self.inner.store.load_request(&id).await?;
        let scope_csc = match &req.summary.csc {
            Some(id) => Some(self.inner.store.organisation(id).await?.code),
            None => None,
        };
        let recipient = req.summary.recipient.to_string();
        let scope = qyzmet_accounts::RequestScope {
            recipient: &recipient,
            provider: &req.summary.provider_code,
            csc: scope_csc.as_deref(),
        };
        let reg = self.regulation(&req.summary.regulation, req.summary.version)?;
        let st = state_of(&req)?;
        let req = match act.act {
            Act::PaymentMade => {
                principal.can_read(&scope).map_err(crate::api::denied)?;
                let engine = qyzmet_engine::Engine::new(reg, &self.inner.calendar);
                let Some(qyzmet_engine::Waiting::Outside {
                    unit,
                    operation: Operation::Pay,
                    ..
                }) = engine.waiting(&st)
                else {
                    return Err(crate::api::out_of_turn());
                };
                let (facts, data) = self
                    .ask_outside(&req, &st, reg, unit, Operation::Pay, Some(Check::Payment))
                    .await?;
                if facts.get(&Check::Payment) != Some(&true) {
                    // Not paid yet: the request waits on, until its payment step's time is over.
                    return Err(ApiError::conflict(
                        "payment.not_confirmed",
                        Text::new(
                            "Төлем расталмаған",
                            "Оплата не подтверждена платёжным шлюзом",
                            "The payment gateway does not confirm the payment",
                        ),
                    ));
                }
                self.answer_payment(&req, &st, unit, facts, data).await?
            }
            Act::Answer { answers } => {
                principal.can_read(&scope).map_err(crate::api::denied)?;
                if !principal.has(qyzmet_accounts::Role::Recipient) {
                    return Err(crate::api::denied(qyzmet_accounts::Denied::Role));
                }
                crate::questionnaire::check(reg, &st, &answers)?;
                self.inner
                    .store
                    .save_answers(&req.summary.id, &serde_json::json!(answers), Utc::now())
                    .await?;
                return Ok(req.summary.status);
            }
            Act::Perform { operation, facts } => {
                principal
                    .can_act(&scope, qyzmet_accounts::policy::StaffAct::HandOverAtCsc)
                    .map_err(crate::api::denied)?;
                crate::api::perform(
                    self, &req, &st, reg, &principal, operation, facts, None, None,
                )
                .await?
            }
        };
        let req = self.drive(req).await?;
        Ok(req.summary.status)
    }
}

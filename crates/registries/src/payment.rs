//! ПШЭП, the e-government payment gateway: an invoice for a request's fee, paid (confirmed) or
//! declined by the bank, and the question the services ask — is the payment confirmed?
//!
//! Fees are set in monthly calculation indices (МРП / АЕК), whose value in tenge the law on the
//! republican budget fixes per year. The amount of an invoice is `МРП of the year × rate`,
//! rounded half up to a whole tenge (the rounding is this platform's rule: the sources below give
//! whole-tenge examples only). The rate comes with the invoice from the caller, because the
//! regulations leave every fee `unset` (their standards are not in the seeds).
//!
//! Idempotence: an invoice id is the caller's; issuing the same id with the same content again
//! answers the same invoice, with different content a conflict. A payment carries the bank's
//! reference; the same reference again answers the same confirmation (a retried message), any
//! other payment of a paid invoice is refused (never paid twice).

use crate::common::{check_text, parse_bin, parse_iin, BadId, BadText};
use crate::SnapshotError;
use chrono::{Datelike, NaiveDateTime};
use qyzmet_core::id::{Bin, Iin};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// МРП (monthly calculation index) in tenge, per year from 1 January.
///
/// Sources (checked 2026-11, news reports quoting the laws on the republican budget):
/// - 2024: 3 692 ₸ — Tengrinews via zhaikpress.kz, «С 1 января 2024 года МРП вырос до 3692
///   тенге» (Law «О республиканском бюджете на 2024–2026 годы»).
/// - 2025: 3 932 ₸ — stated as the 2025 value beside the 2026 one in every report below.
/// - 2026: 4 325 ₸ — Law «О республиканском бюджете на 2026–2028 годы», signed 8 December 2025
///   (akorda via lada.kz, 08.12.2025; ddn.kz; Kazinform 30.11.2025).
///
/// A year without a value is an error, never a guess.
pub const MRP_TENGE: &[(i32, u64)] = &[(2024, 3_692), (2025, 3_932), (2026, 4_325)];

/// The МРП of `year`, if known.
pub fn mrp(year: i32) -> Option<u64> {
    MRP_TENGE.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
}

/// The largest rate taken, in thousandths of an МРП (10 000 МРП), which keeps every amount far
/// inside `u64`.
pub const MAX_RATE_THOUSANDTHS: u64 = 10_000_000;

/// Who pays: a person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "lowercase")]
pub enum Payer {
    Iin(Iin),
    Bin(Bin),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InvoiceState {
    /// Issued, not paid.
    Awaiting,
    /// The bank confirmed the payment.
    Paid {
        payment_ref: String,
        at: NaiveDateTime,
    },
    /// The bank declined the last attempt; the invoice may still be paid.
    Declined { reason: String, at: NaiveDateTime },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub invoice_id: String,
    /// The registration number of the request the fee is for.
    pub request_number: String,
    pub payer: Payer,
    pub purpose: String,
    /// The rate in thousandths of an МРП (500 = 0.5 МРП).
    pub rate_thousandths: u64,
    /// The year whose МРП applies (the year of issue).
    pub mrp_year: i32,
    pub mrp_tenge: u64,
    pub amount_tenge: u64,
    pub issued_at: NaiveDateTime,
    pub state: InvoiceState,
}

impl Invoice {
    pub fn confirmed(&self) -> bool {
        matches!(self.state, InvoiceState::Paid { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaymentRequest {
    /// Issue an invoice (idempotent by `invoice_id`).
    Issue {
        invoice_id: String,
        request_number: String,
        /// The payer's IIN or BIN.
        payer: String,
        purpose: String,
        rate_thousandths: u64,
    },
    /// The bank paid the invoice; `payment_ref` is its transaction reference.
    Pay {
        invoice_id: String,
        payment_ref: String,
    },
    /// The bank declined an attempt to pay.
    Decline { invoice_id: String, reason: String },
    /// Is the invoice paid?
    Status { invoice_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum PaymentResponse {
    /// The invoice issued now, or earlier with the same content (`repeated`).
    Issued {
        invoice: Invoice,
        repeated: bool,
    },
    /// The payment is confirmed (`repeated`: this payment reference was already recorded).
    Confirmed {
        invoice: Invoice,
        repeated: bool,
    },
    Declined {
        invoice: Invoice,
    },
    Status {
        invoice: Invoice,
        confirmed: bool,
    },
    Error(PaymentError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum PaymentError {
    #[error("{0}")]
    BadText(BadText),
    #[error("payer is neither a valid IIN nor a valid BIN: {iin}; {bin}")]
    InvalidPayer { iin: Box<BadId>, bin: Box<BadId> },
    #[error("the rate must be above zero and at most {max} thousandths of an MRP, found {found}")]
    BadRate { found: u64, max: u64 },
    #[error("no MRP value is known for {year}")]
    NoMrpForYear { year: i32 },
    #[error("invoice {invoice_id} exists with different content")]
    InvoiceConflict { invoice_id: String },
    #[error("no invoice {invoice_id}")]
    UnknownInvoice { invoice_id: String },
    #[error("invoice {invoice_id} is already paid (payment {payment_ref} at {paid_at})")]
    AlreadyPaid {
        invoice_id: String,
        payment_ref: String,
        paid_at: NaiveDateTime,
    },
}

impl PaymentError {
    pub fn code(&self) -> &'static str {
        match self {
            PaymentError::BadText(_) => "payment.bad_text",
            PaymentError::InvalidPayer { .. } => "payment.invalid_payer",
            PaymentError::BadRate { .. } => "payment.bad_rate",
            PaymentError::NoMrpForYear { .. } => "payment.no_mrp_for_year",
            PaymentError::InvoiceConflict { .. } => "payment.invoice_conflict",
            PaymentError::UnknownInvoice { .. } => "payment.unknown_invoice",
            PaymentError::AlreadyPaid { .. } => "payment.already_paid",
        }
    }
}

impl From<BadText> for PaymentError {
    fn from(e: BadText) -> Self {
        PaymentError::BadText(e)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentGateway {
    invoices: BTreeMap<String, Invoice>,
}

const ID_MAX: usize = 64;
const TEXT_MAX: usize = 500;

impl PaymentGateway {
    pub fn new() -> Self {
        PaymentGateway::default()
    }

    pub fn invoice(&self, id: &str) -> Option<&Invoice> {
        self.invoices.get(id)
    }

    pub fn handle(&mut self, request: &PaymentRequest, now: NaiveDateTime) -> PaymentResponse {
        self.answer(request, now)
            .unwrap_or_else(PaymentResponse::Error)
    }

    fn answer(
        &mut self,
        request: &PaymentRequest,
        now: NaiveDateTime,
    ) -> Result<PaymentResponse, PaymentError> {
        match request {
            PaymentRequest::Issue {
                invoice_id,
                request_number,
                payer,
                purpose,
                rate_thousandths,
            } => {
                let invoice_id = check_text("invoice_id", invoice_id, ID_MAX)?;
                let request_number = check_text("request_number", request_number, ID_MAX)?;
                let purpose = check_text("purpose", purpose, TEXT_MAX)?;
                let payer = read_payer(payer, now)?;
                let rate = *rate_thousandths;
                if rate == 0 || rate > MAX_RATE_THOUSANDTHS {
                    return Err(PaymentError::BadRate {
                        found: rate,
                        max: MAX_RATE_THOUSANDTHS,
                    });
                }
                if let Some(existing) = self.invoices.get(&invoice_id) {
                    let same = existing.request_number == request_number
                        && existing.payer == payer
                        && existing.purpose == purpose
                        && existing.rate_thousandths == rate;
                    return if same {
                        Ok(PaymentResponse::Issued {
                            invoice: existing.clone(),
                            repeated: true,
                        })
                    } else {
                        Err(PaymentError::InvoiceConflict { invoice_id })
                    };
                }
                let year = now.year();
                let mrp_tenge = mrp(year).ok_or(PaymentError::NoMrpForYear { year })?;
                let invoice = Invoice {
                    invoice_id: invoice_id.clone(),
                    request_number,
                    payer,
                    purpose,
                    rate_thousandths: rate,
                    mrp_year: year,
                    mrp_tenge,
                    amount_tenge: (mrp_tenge * rate + 500) / 1000,
                    issued_at: now,
                    state: InvoiceState::Awaiting,
                };
                self.invoices.insert(invoice_id, invoice.clone());
                Ok(PaymentResponse::Issued {
                    invoice,
                    repeated: false,
                })
            }
            PaymentRequest::Pay {
                invoice_id,
                payment_ref,
            } => {
                let payment_ref = check_text("payment_ref", payment_ref, ID_MAX)?;
                let invoice = self.find_mut(invoice_id)?;
                if let InvoiceState::Paid {
                    payment_ref: paid_ref,
                    at,
                } = &invoice.state
                {
                    return if *paid_ref == payment_ref {
                        Ok(PaymentResponse::Confirmed {
                            invoice: invoice.clone(),
                            repeated: true,
                        })
                    } else {
                        Err(PaymentError::AlreadyPaid {
                            invoice_id: invoice.invoice_id.clone(),
                            payment_ref: paid_ref.clone(),
                            paid_at: *at,
                        })
                    };
                }
                invoice.state = InvoiceState::Paid {
                    payment_ref,
                    at: now,
                };
                Ok(PaymentResponse::Confirmed {
                    invoice: invoice.clone(),
                    repeated: false,
                })
            }
            PaymentRequest::Decline { invoice_id, reason } => {
                let reason = check_text("reason", reason, TEXT_MAX)?;
                let invoice = self.find_mut(invoice_id)?;
                if let InvoiceState::Paid { payment_ref, at } = &invoice.state {
                    return Err(PaymentError::AlreadyPaid {
                        invoice_id: invoice.invoice_id.clone(),
                        payment_ref: payment_ref.clone(),
                        paid_at: *at,
                    });
                }
                invoice.state = InvoiceState::Declined { reason, at: now };
                Ok(PaymentResponse::Declined {
                    invoice: invoice.clone(),
                })
            }
            PaymentRequest::Status { invoice_id } => {
                let invoice = self.find_mut(invoice_id)?;
                Ok(PaymentResponse::Status {
                    confirmed: invoice.confirmed(),
                    invoice: invoice.clone(),
                })
            }
        }
    }

    fn find_mut(&mut self, invoice_id: &str) -> Result<&mut Invoice, PaymentError> {
        let id = check_text("invoice_id", invoice_id, ID_MAX)?;
        self.invoices
            .get_mut(&id)
            .ok_or(PaymentError::UnknownInvoice { invoice_id: id })
    }

    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn restore(json: &str) -> Result<Self, SnapshotError> {
        serde_json::from_str(json).map_err(SnapshotError::json("payment_gateway"))
    }
}

fn read_payer(text: &str, now: NaiveDateTime) -> Result<Payer, PaymentError> {
    let iin = parse_iin("payer", text, now.date());
    let bin = parse_bin("payer", text);
    match (iin, bin) {
        (Ok(i), _) => Ok(Payer::Iin(i)),
        (_, Ok(b)) => Ok(Payer::Bin(b)),
        (Err(iin), Err(bin)) => Err(PaymentError::InvalidPayer {
            iin: Box::new(iin),
            bin: Box::new(bin),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrp_table() {
        assert_eq!(mrp(2025), Some(3_932));
        assert_eq!(mrp(2026), Some(4_325));
        assert_eq!(mrp(2023), None);
    }
}

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
//!
//! Card payments: in the demo the payment gateway also plays the acquiring bank behind it
//! ([`PaymentRequest::PayByCard`]). The card's number must pass the Luhn check and its expiry
//! be a month (otherwise [`PaymentError::InvalidCard`], and nothing changes); the bank then
//! declines an expired card and the test cards of [`DECLINED_CARDS`] (the invoice records the
//! declined attempt, [`InvoiceState::Declined`] with the [`CardDecline`]'s code, and may still
//! be paid), and confirms any other. Only the card's last four digits are kept (in the
//! payment's reference); no CVC is asked for or carried.

use crate::common::{check_text, parse_bin, parse_iin, BadId, BadText};
use crate::SnapshotError;
use chrono::{Datelike, NaiveDateTime};
use qyzmet_core::id::{Bin, Iin};
use qyzmet_core::Text;
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
    /// Pay the invoice by card through the demo bank (see the module's text).
    PayByCard {
        invoice_id: String,
        /// Digits only (the caller strips spaces).
        card_number: String,
        expiry_month: u32,
        /// Four digits.
        expiry_year: i32,
    },
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
    #[error("the card is not valid: {problem:?}")]
    InvalidCard { problem: CardProblem },
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
            PaymentError::InvalidCard {
                problem: CardProblem::Number,
            } => "payment.invalid_card_number",
            PaymentError::InvalidCard {
                problem: CardProblem::Expiry,
            } => "payment.invalid_card_expiry",
            PaymentError::AlreadyPaid { .. } => "payment.already_paid",
        }
    }
}

/// What is wrong with a card before any bank sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardProblem {
    /// Not 13 to 19 digits, or the Luhn check fails.
    Number,
    /// The month is not 1 to 12, or the year not four digits.
    Expiry,
}

/// Why the bank declined a card payment: the code is what [`InvoiceState::Declined`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardDecline {
    /// The issuing bank does not honour the card.
    Declined,
    InsufficientFunds,
    Expired,
}

impl CardDecline {
    pub const ALL: [CardDecline; 3] = [
        CardDecline::Declined,
        CardDecline::InsufficientFunds,
        CardDecline::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CardDecline::Declined => "card_declined",
            CardDecline::InsufficientFunds => "insufficient_funds",
            CardDecline::Expired => "card_expired",
        }
    }

    /// The decline whose code `reason` is (a declined invoice's reason).
    pub fn from_code(reason: &str) -> Option<CardDecline> {
        CardDecline::ALL.into_iter().find(|d| d.code() == reason)
    }

    /// The reason in words, for the person who paid.
    pub fn text(self) -> Text {
        match self {
            CardDecline::Declined => Text::new(
                "Банк картаны қабылдамады: төлем өтпеді",
                "Банк отклонил карту: оплата не прошла",
                "The bank declined the card: the payment did not go through",
            ),
            CardDecline::InsufficientFunds => Text::new(
                "Картада қаражат жеткіліксіз",
                "На карте недостаточно средств",
                "There is not enough money on the card",
            ),
            CardDecline::Expired => Text::new(
                "Картаның қолданылу мерзімі өтіп кеткен",
                "Срок действия карты истёк",
                "The card has expired",
            ),
        }
    }
}

/// The demo bank's test cards that it declines, and why (any other valid card is confirmed).
pub const DECLINED_CARDS: &[(&str, CardDecline)] = &[
    ("4000000000000002", CardDecline::Declined),
    ("4000000000009995", CardDecline::InsufficientFunds),
];

/// 13 to 19 digits passing the Luhn check.
pub fn card_number_valid(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != number.len() || !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
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
            PaymentRequest::PayByCard {
                invoice_id,
                card_number,
                expiry_month,
                expiry_year,
            } => {
                if !card_number_valid(card_number) {
                    return Err(PaymentError::InvalidCard {
                        problem: CardProblem::Number,
                    });
                }
                if !(1..=12).contains(expiry_month) || !(1000..=9999).contains(expiry_year) {
                    return Err(PaymentError::InvalidCard {
                        problem: CardProblem::Expiry,
                    });
                }
                let invoice = self.find_mut(invoice_id)?;
                if let InvoiceState::Paid { payment_ref, at } = &invoice.state {
                    return Err(PaymentError::AlreadyPaid {
                        invoice_id: invoice.invoice_id.clone(),
                        payment_ref: payment_ref.clone(),
                        paid_at: *at,
                    });
                }
                // A card is valid to the end of its expiry month.
                let expired = (now.year(), now.month()) > (*expiry_year, *expiry_month);
                let declined = if expired {
                    Some(CardDecline::Expired)
                } else {
                    DECLINED_CARDS
                        .iter()
                        .find(|(n, _)| n == card_number)
                        .map(|(_, d)| *d)
                };
                if let Some(d) = declined {
                    invoice.state = InvoiceState::Declined {
                        reason: d.code().to_string(),
                        at: now,
                    };
                    return Ok(PaymentResponse::Declined {
                        invoice: invoice.clone(),
                    });
                }
                let last4 = &card_number[card_number.len() - 4..];
                invoice.state = InvoiceState::Paid {
                    payment_ref: format!("CARD-{last4}-{}", now.format("%Y%m%d%H%M%S")),
                    at: now,
                };
                Ok(PaymentResponse::Confirmed {
                    invoice: invoice.clone(),
                    repeated: false,
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

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn issued(g: &mut PaymentGateway) {
        let r = g.handle(
            &PaymentRequest::Issue {
                invoice_id: "N-1".into(),
                request_number: "N-1".into(),
                payer: "850101300005".into(),
                purpose: "fee".into(),
                rate_thousandths: 1000,
            },
            at("2026-03-02 10:00"),
        );
        assert!(matches!(r, PaymentResponse::Issued { .. }), "{r:?}");
    }

    fn card(number: &str, month: u32, year: i32) -> PaymentRequest {
        PaymentRequest::PayByCard {
            invoice_id: "N-1".into(),
            card_number: number.into(),
            expiry_month: month,
            expiry_year: year,
        }
    }

    #[test]
    fn luhn() {
        assert!(card_number_valid("4242424242424242"));
        assert!(card_number_valid("4000000000000002"));
        assert!(!card_number_valid("4242424242424241"));
        assert!(!card_number_valid("4242 4242 4242 4242"));
        assert!(!card_number_valid("424242"));
    }

    #[test]
    fn the_demo_bank_declines_its_test_cards_and_expired_ones_and_pays_once() {
        let now = at("2026-03-02 10:05");
        let mut g = PaymentGateway::new();
        issued(&mut g);
        let before = g.clone();
        // Not a card: nothing changes.
        let r = g.handle(&card("4242424242424241", 12, 2030), now);
        assert!(
            matches!(&r, PaymentResponse::Error(e) if e.code() == "payment.invalid_card_number"),
            "{r:?}"
        );
        let r = g.handle(&card("4242424242424242", 13, 2030), now);
        assert!(
            matches!(&r, PaymentResponse::Error(e) if e.code() == "payment.invalid_card_expiry"),
            "{r:?}"
        );
        assert_eq!(g, before);
        // Declined: recorded, still payable.
        for (n, why) in DECLINED_CARDS {
            let r = g.handle(&card(n, 12, 2030), now);
            let PaymentResponse::Declined { invoice } = r else {
                panic!("{r:?}")
            };
            assert_eq!(
                invoice.state,
                InvoiceState::Declined {
                    reason: why.code().into(),
                    at: now
                }
            );
            assert_eq!(CardDecline::from_code(why.code()), Some(*why));
        }
        // Valid to the end of its month: February 2026 has passed, March has not.
        let r = g.handle(&card("4242424242424242", 2, 2026), now);
        assert!(
            matches!(&r, PaymentResponse::Declined { invoice } if invoice.state == InvoiceState::Declined { reason: "card_expired".into(), at: now }),
            "{r:?}"
        );
        let r = g.handle(&card("4242424242424242", 3, 2026), now);
        let PaymentResponse::Confirmed { invoice, .. } = r else {
            panic!("{r:?}")
        };
        assert!(invoice.confirmed());
        let InvoiceState::Paid { payment_ref, .. } = &invoice.state else {
            unreachable!()
        };
        assert_eq!(payment_ref, "CARD-4242-20260302100500");
        // Never twice.
        let r = g.handle(&card("5555555555554444", 12, 2030), now);
        assert!(
            matches!(&r, PaymentResponse::Error(e) if e.code() == "payment.already_paid"),
            "{r:?}"
        );
    }

    #[test]
    fn mrp_table() {
        assert_eq!(mrp(2025), Some(3_932));
        assert_eq!(mrp(2026), Some(4_325));
        assert_eq!(mrp(2023), None);
    }
}

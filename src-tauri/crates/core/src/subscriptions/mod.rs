//! Subscriptions: the list (through the list engine, with monthly recurring revenue), one
//! subscription's detail read from the cache with the actions its state allows, its upcoming
//! invoice, and the writes (cancel, cancel at period end and back, pause and resume
//! collection, create, change of prices and quantities with a proration preview), each one
//! journaled operation whose answer is applied to the cache, the dunning queue of open invoices
//! whose subscriptions' payments failed, and the account's dunning rule that cancels or marks
//! such subscriptions after a number of failed payments.

mod change;
mod detail;
mod dunning;
mod dunning_rule;
pub mod mrr;
mod query;
mod service;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::coupons::AppliedDiscount;
use crate::invoices::{CollectionMethod, CustomerChoice, InvoiceTimelineEntry};
use crate::store::InvoiceRow;

pub(crate) use detail::apply_subscription;
pub use dunning::DunningRow;
pub use dunning_rule::{
    DunningAction, DunningRule, DUNNING_INVOICE_KEY, DUNNING_MARK_KEY, MAX_FAILED_PAYMENTS, MIN_FAILED_PAYMENTS,
};

/// A subscription as the subscriptions table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionRow {
    /// `sub_…`
    pub id: String,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer's name, when the customer is cached.
    pub customer_name: Option<String>,
    /// The customer's email, when the customer is cached.
    pub customer_email: Option<String>,
    /// `active`, `trialing`, `past_due`, `unpaid`, `canceled`, `incomplete`, …
    pub status: String,
    /// Its currency.
    pub currency: String,
    /// Monthly recurring revenue of its items, minor units (see [`mrr`]).
    pub mrr: i64,
    /// The current period's end, unless it ended or cancels then.
    pub next_renewal: Option<i64>,
    /// Whether it cancels at the end of the current period.
    pub cancel_at_period_end: bool,
    /// When its trial ends, if it has one.
    pub trial_end: Option<i64>,
    /// Created, Unix seconds.
    pub created: i64,
}

/// One page of subscriptions and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionPage {
    /// Matching subscriptions in all.
    pub total: i64,
    /// This page, newest first unless asked otherwise.
    pub rows: Vec<SubscriptionRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// An active recurring price of the cache, as the new subscription form offers it: the
/// catalog's price row with its product's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecurringPrice {
    /// `price_…`
    pub id: String,
    /// Its product.
    pub product_id: String,
    /// Its product's name, when the product is cached.
    pub product_name: Option<String>,
    /// Its currency.
    pub currency: String,
    /// Price of one, minor units (none for tiered prices).
    pub unit_amount: Option<i64>,
    /// `day`, `week`, `month` or `year`.
    pub recurring_interval: Option<String>,
    /// How many intervals between bills.
    pub recurring_interval_count: Option<i64>,
    /// `inclusive`, `exclusive` or `unspecified`.
    pub tax_behavior: Option<String>,
    /// Its nickname.
    pub nickname: Option<String>,
    /// Whether it can be used (always true here).
    pub active: bool,
    /// Created, Unix seconds.
    pub created: i64,
}

/// One item of a subscription as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionItemView {
    /// `si_…`
    pub id: String,
    /// Its price.
    pub price_id: Option<String>,
    /// The price's product.
    pub product_id: Option<String>,
    /// The price's product's name, when cached.
    pub product_name: Option<String>,
    /// How many.
    pub quantity: i64,
    /// Price of one, minor units.
    pub unit_amount: Option<i64>,
    /// Its currency.
    pub currency: String,
    /// `day`, `week`, `month` or `year`.
    pub interval: Option<String>,
    /// How many intervals between bills.
    pub interval_count: Option<i64>,
}

/// How collection is paused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PauseView {
    /// `keep_as_draft`, `mark_uncollectible` or `void`: what happens to invoices meanwhile.
    pub behavior: String,
    /// When collection resumes by itself, if set.
    pub resumes_at: Option<i64>,
}

/// What can be done to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionActionKind {
    /// Cancel at once (`DELETE /v1/subscriptions/{id}`).
    CancelNow,
    /// Cancel when the current period ends.
    CancelAtPeriodEnd,
    /// Take back a cancellation scheduled for the period's end.
    UndoCancel,
    /// Stop collecting payment for now.
    PauseCollection,
    /// Collect payment again.
    ResumeCollection,
    /// Change its prices and quantities ([`SubscriptionChangeInput`]).
    Change,
    /// Apply a coupon (replacing any discount it has).
    ApplyCoupon,
    /// Remove its discounts.
    RemoveDiscounts,
}

/// One subscription's detail, read from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubscriptionDetail {
    /// `sub_…`
    pub id: String,
    /// Stripe's status.
    pub status: String,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer's name, when cached.
    pub customer_name: Option<String>,
    /// The customer's email, when cached.
    pub customer_email: Option<String>,
    /// Its currency.
    pub currency: String,
    /// `charge_automatically` or `send_invoice`.
    pub collection_method: String,
    /// Days to pay a `send_invoice` invoice.
    pub days_until_due: Option<i64>,
    /// The payment method it charges, when it names one.
    pub default_payment_method: Option<String>,
    /// Start of the current period.
    pub current_period_start: Option<i64>,
    /// End of the current period.
    pub current_period_end: Option<i64>,
    /// When the trial ends, if any.
    pub trial_end: Option<i64>,
    /// Whether it cancels at the end of the current period.
    pub cancel_at_period_end: bool,
    /// When it cancels, if scheduled.
    pub cancel_at: Option<i64>,
    /// When it was canceled, if it was.
    pub canceled_at: Option<i64>,
    /// How collection is paused, if it is.
    pub pause_collection: Option<PauseView>,
    /// Its discounts, each with its coupon.
    pub discounts: Vec<AppliedDiscount>,
    /// Monthly recurring revenue, minor units.
    pub mrr: i64,
    /// Its items.
    pub items: Vec<SubscriptionItemView>,
    /// Its cached invoices, newest first.
    pub invoices: Vec<InvoiceRow>,
    /// Cached events about it, newest first.
    pub timeline: Vec<InvoiceTimelineEntry>,
    /// What its state allows.
    pub actions: Vec<SubscriptionActionKind>,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// The cached object, pretty-printed.
    pub raw_json: String,
}

/// One line of an upcoming invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpcomingLine {
    /// What is billed.
    pub description: Option<String>,
    /// Amount, minor units.
    pub amount: i64,
    /// How many.
    pub quantity: Option<i64>,
    /// Start of the period billed.
    pub period_start: Option<i64>,
    /// End of the period billed.
    pub period_end: Option<i64>,
}

/// The invoice Stripe would issue next for a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpcomingInvoice {
    /// Its currency.
    pub currency: String,
    /// Before discounts and tax, minor units.
    pub subtotal: i64,
    /// Total, minor units.
    pub total: i64,
    /// What the customer will owe, minor units.
    pub amount_due: i64,
    /// End of the period it bills.
    pub period_end: Option<i64>,
    /// Its lines.
    pub lines: Vec<UpcomingLine>,
}

/// A change to a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SubscriptionAction {
    /// Cancel at once, optionally invoicing what is pending and crediting the unused time.
    CancelNow {
        /// Issue a final invoice for pending items and prorations now.
        invoice_now: bool,
        /// Credit the unused rest of the period.
        prorate: bool,
    },
    /// Cancel when the current period ends.
    CancelAtPeriodEnd,
    /// Take back a cancellation at period end.
    UndoCancel,
    /// Pause collection.
    PauseCollection {
        /// `keep_as_draft`, `mark_uncollectible` or `void`.
        behavior: String,
        /// When to resume by itself (in the future), if at all.
        resumes_at: Option<i64>,
    },
    /// Resume collection.
    ResumeCollection,
    /// Apply a cached coupon, replacing any discount.
    ApplyCoupon {
        /// The coupon's id.
        coupon_id: String,
    },
    /// Remove every discount.
    RemoveDiscounts,
}

impl SubscriptionAction {
    /// The kind of action, as `actions` lists it.
    pub fn kind(&self) -> SubscriptionActionKind {
        match self {
            SubscriptionAction::CancelNow { .. } => SubscriptionActionKind::CancelNow,
            SubscriptionAction::CancelAtPeriodEnd => SubscriptionActionKind::CancelAtPeriodEnd,
            SubscriptionAction::UndoCancel => SubscriptionActionKind::UndoCancel,
            SubscriptionAction::PauseCollection { .. } => SubscriptionActionKind::PauseCollection,
            SubscriptionAction::ResumeCollection => SubscriptionActionKind::ResumeCollection,
            SubscriptionAction::ApplyCoupon { .. } => SubscriptionActionKind::ApplyCoupon,
            SubscriptionAction::RemoveDiscounts => SubscriptionActionKind::RemoveDiscounts,
        }
    }
}

/// One item of a new subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscriptionItemInput {
    /// A cached, active, recurring price.
    pub price_id: String,
    /// How many, at least 1.
    pub quantity: u64,
}

/// The trial of a new subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrialInput {
    /// No trial: billed from today.
    None,
    /// A trial of this many days (1–730).
    Days {
        /// Length of the trial.
        days: u32,
    },
    /// A trial until this time (in the future).
    Until {
        /// Unix seconds.
        trial_end: i64,
    },
}

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewSubscriptionInput {
    /// Who it is for.
    pub customer: CustomerChoice,
    /// What it bills.
    pub items: Vec<SubscriptionItemInput>,
    /// Its trial, if any.
    pub trial: TrialInput,
    /// How it collects.
    pub collection_method: CollectionMethod,
    /// Days to pay, `send_invoice` only.
    pub days_until_due: Option<u32>,
    /// `allow_incomplete`, `default_incomplete` or `error_if_incomplete`.
    pub payment_behavior: String,
    /// Metadata.
    pub metadata: BTreeMap<String, String>,
    /// A cached coupon to apply, if any.
    #[serde(default)]
    pub coupon_id: Option<String>,
}

/// When a change's prorations are billed: Stripe's `proration_behavior`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProrationChoice {
    /// Prorate now: the difference is invoiced (and charged) at once.
    AlwaysInvoice,
    /// Prorate at the next renewal: the difference joins the next invoice.
    CreateProrations,
    /// No proration: the new prices apply from the next period.
    None,
}

impl ProrationChoice {
    /// Stripe's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProrationChoice::AlwaysInvoice => "always_invoice",
            ProrationChoice::CreateProrations => "create_prorations",
            ProrationChoice::None => "none",
        }
    }
}

/// One item of a subscription change: an existing item changed or removed, or a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemChange {
    /// The existing item (`si_…`) changed or removed; none for a new item.
    pub item_id: Option<String>,
    /// Its new price (required for a new item).
    pub price_id: Option<String>,
    /// Its new quantity, at least 1 (a new item without one gets 1).
    pub quantity: Option<i64>,
    /// Whether the existing item is removed.
    pub deleted: bool,
}

/// A change of a subscription's prices and quantities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscriptionChangeInput {
    /// What changes, item by item; items not named stay as they are.
    pub items: Vec<ItemChange>,
    /// When the difference is billed.
    pub proration: ProrationChoice,
    /// The moment prorations are worked out from (within the current period), Unix seconds:
    /// the preview's, so the update bills exactly what was previewed.
    pub proration_date: i64,
}

/// One line of a change's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangeLine {
    /// What is billed.
    pub description: Option<String>,
    /// Amount, minor units (negative for a credit).
    pub amount: i64,
    /// How many.
    pub quantity: Option<i64>,
    /// Start of the period billed.
    pub period_start: Option<i64>,
    /// End of the period billed.
    pub period_end: Option<i64>,
    /// Whether it is a proration (time left on the old or the new price).
    pub proration: bool,
}

/// What a change would bill, as Stripe previews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangePreview {
    /// The proration date the preview was worked out for; the change must send it.
    pub proration_date: i64,
    /// The subscription's currency.
    pub currency: String,
    /// The previewed invoice's lines: the invoice the change issues at once, if it issues
    /// one, else the next renewal's.
    pub lines: Vec<ChangeLine>,
    /// What the invoice the change issues at once asks, minor units; 0 when it issues none
    /// (it does with `always_invoice`, and when the interval changes).
    pub due_now: i64,
    /// The next renewal invoice's total, minor units. When the change issues an invoice at
    /// once, it is worked out from the new items' cached prices (before discounts and tax),
    /// as the preview shows only the invoice issued now.
    pub next_invoice_total: i64,
    /// The sum of the proration lines, minor units; negative is a credit.
    pub proration_total: i64,
}

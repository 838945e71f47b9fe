//! `billfold-core`: everything Billfold does, with no Tauri dependency.
//!
//! The Tauri shell (`billfold`) only turns IPC calls into calls on [`Billfold`] and
//! turns [`Error`] into `{code, message}`. Modules are split by area, not by layer.

pub mod accounts;
pub mod catalog;
pub mod coupons;
pub mod credit_notes;
pub mod customers;
pub mod demo;
pub mod diagnostics;
pub mod disputes;
pub mod error;
pub mod events_list;
pub mod exports;
pub mod gateway;
pub mod invoices;
pub mod journal;
pub mod listener;
pub mod logging;
pub mod money;
pub mod mrr;
pub mod payments;
pub mod payouts;
pub mod po;
pub mod reports;
pub mod secrets;
pub mod store;
pub mod stripe;
pub mod subscriptions;
pub mod sync;

mod service;

pub use error::{Error, ErrorCode, ErrorPayload};
pub use service::{AppOverview, Billfold, DATA_DIR_ENV};

//! API resources served under `/v1`, one module each.

pub mod balance;

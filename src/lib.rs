//! `dissent`: review and adjudicate soft-label data without losing the panel record.
#![forbid(unsafe_code)]

pub mod domain;

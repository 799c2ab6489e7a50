//! `dissent`: review and adjudicate soft-label data without losing the panel record.
#![forbid(unsafe_code)]

pub mod domain;
pub mod store;
pub mod ingest;
pub mod export;
pub mod text;
pub mod cli;
pub mod commands;

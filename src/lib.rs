//! `dissent`: review and adjudicate soft-label data without losing the panel record.
//!
//! Layers, inner to outer: [`domain`] (pure rules and metrics), [`store`] (all SQL),
//! [`ingest`] and [`export`] (files in and out), [`view`] (what is shown, for every rendering),
//! [`report`] (the QA report's renderings), [`commands`] and [`cli`] (the command line),
//! [`tui`] (the console).

pub mod cli;
pub mod commands;
pub mod demo;
pub mod domain;
pub mod export;
pub mod ingest;
pub mod report;
pub mod store;
pub mod text;
pub mod tui;
pub mod view;

//! The pure domain core: model, metrics, rubric and triage rules, the record's chain. No SQL and no terminal here.

pub mod chain;
pub mod coincidence;
pub mod dawid_skene;
pub mod decision;
pub mod divergence;
pub mod ids;
pub mod metrics;
pub mod model;
pub mod report;
pub mod rubric;
pub mod team;
pub mod triage;

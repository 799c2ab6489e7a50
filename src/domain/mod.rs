//! The pure domain core: model, metrics, rubric and triage rules, the record's chain. No SQL and no terminal here.

pub mod chain;
pub mod decision;
pub mod ids;
pub mod metrics;
pub mod model;
pub mod rubric;
pub mod triage;

//! Renderings of the QA report.

pub mod charts;

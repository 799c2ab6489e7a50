//! Renderings of the report model ([`crate::domain::report::Report`]): every one shows only
//! what the model holds.

pub mod csv;

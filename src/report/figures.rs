//! Figures as text, the same in every rendering of the report.

use crate::domain::coincidence::Figure;

/// A figure to three decimals, or `n/a`.
pub fn fig(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

/// A figure, or why it is undefined.
pub fn figure(f: &Figure) -> String {
    match (f.value, &f.reason) {
        (Some(v), _) => format!("{v:.3}"),
        (None, Some(reason)) => format!("undefined: {reason}"),
        (None, None) => "undefined".into(),
    }
}

/// An interval as `[low, high]`.
pub fn interval(low: Option<f64>, high: Option<f64>) -> String {
    format!("[{}, {}]", fig(low), fig(high))
}

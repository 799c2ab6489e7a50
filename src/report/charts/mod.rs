//! The report's charts, drawn once as SVG text for both the HTML page and the PDF.
//!
//! Pure: each chart takes plain data and returns the SVG document as a `String`; the same input
//! gives the same bytes. Text stays real SVG text, measured with the DejaVu Sans compiled in from
//! `assets/fonts/` (no system font needed). Colours are from the Okabe–Ito palette, which stays
//! distinct under the common colour-vision deficiencies.

mod bars;
mod bins;
mod density;
mod frame;
mod histogram;

pub use bars::count_bars;
pub use bins::{Bins, Grid};
pub use density::{entropy_confidence, entropy_pair};
pub use histogram::{confidence_histogram, entropy_histogram};

//! Histograms over [0, 1] with one rubric threshold: normalized entropy and mean confidence.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Bins;
use super::bins;
use super::frame::{self, BAR, Canvas, Drawn};

/// Height of a histogram in pixels.
const HEIGHT: u32 = 360;

/// What tells one histogram from the other.
struct Spec {
    title: &'static str,
    x_label: &'static str,
    threshold: &'static str,
}

const ENTROPY: Spec = Spec {
    title: "Normalized entropy",
    x_label: "normalized entropy (0 = all agree, 1 = evenly split)",
    threshold: "high_entropy",
};

const CONFIDENCE: Spec = Spec {
    title: "Mean stated confidence",
    x_label: "mean confidence of the panel (0 to 1)",
    threshold: "low_confidence",
};

/// Histogram of items' normalized entropy, with the rubric's `high_entropy` threshold.
#[must_use]
pub fn entropy_histogram(bins: &Bins, high_entropy: f64) -> String {
    histogram(&ENTROPY, bins, high_entropy)
}

/// Histogram of items' mean stated confidence, with the rubric's `low_confidence` threshold.
#[must_use]
pub fn confidence_histogram(bins: &Bins, low_confidence: f64) -> String {
    histogram(&CONFIDENCE, bins, low_confidence)
}

fn histogram(spec: &Spec, bins: &Bins, threshold: f64) -> String {
    frame::render(HEIGHT, |root| draw(root, spec, bins, threshold))
}

fn draw(root: &Canvas<'_>, spec: &Spec, bins: &Bins, threshold: f64) -> Drawn {
    let total = bins.total();
    let n = bins.counts.len().max(1);
    let subtitle = format!("{total} items in {n} bins");
    let area = frame::titled(root, spec.title, &subtitle)?;
    let top = bins.counts.iter().copied().max().unwrap_or(0);
    // Headroom above the tallest bar for the threshold's label.
    let y_max = (top + top / 4 + 1).max(2);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(8)
        .margin_right(24)
        .margin_top(4)
        .x_label_area_size(52)
        .y_label_area_size(frame::count_axis_width(root, y_max)?)
        .build_cartesian_2d(0f64..1f64, 0u64..y_max)?;
    frame::axes(&mut chart.configure_mesh(), spec.x_label, "items")
        .x_labels(11)
        .x_label_formatter(&|x| format!("{x:.1}"))
        .disable_x_mesh()
        .draw()?;
    let width = 1.0 / n as f64;
    chart.draw_series(bins::nonzero(&bins.counts).map(|(i, c)| {
        let x = i as f64 * width;
        let mut bar = Rectangle::new([(x, 0), (x + width, c)], BAR.filled());
        bar.set_margin(0, 0, 1, 1);
        bar
    }))?;
    let (x, top_px) = chart.backend_coord(&(threshold, y_max));
    let (_, bottom_px) = chart.backend_coord(&(threshold, 0));
    // The label sits in the headroom above the bars: right of the line, or left of it near
    // the right edge.
    let label_at = if threshold < 0.7 {
        (
            (x + 6, top_px + 4),
            frame::threshold_text(HPos::Left, VPos::Top),
        )
    } else {
        (
            (x - 6, top_px + 4),
            frame::threshold_text(HPos::Right, VPos::Top),
        )
    };
    let label = frame::threshold_label(spec.threshold, threshold);
    frame::threshold(root, (x, top_px), (x, bottom_px), &label, label_at)?;
    if total == 0 {
        frame::no_items(root, chart.plotting_area().get_pixel_range())?;
    }
    Ok(())
}

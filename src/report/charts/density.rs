//! Entropy × mean confidence as a 2-D density, with the rubric's thresholds and the quadrants
//! they name.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Grid;
use super::bins;
use super::frame::{self, Canvas, Drawn};
use crate::domain::rubric::FlagThresholds;

/// Height of the chart in pixels.
const HEIGHT: u32 = 500;
/// Shades from a cell of one item to the fullest: stops of a sequential blue ramp (ColorBrewer
/// Blues), which reads in order under colour-vision deficiencies and in grey.
const RAMP: [(f64, f64, f64); 5] = [
    (198.0, 219.0, 239.0),
    (158.0, 202.0, 225.0),
    (66.0, 146.0, 198.0),
    (33.0, 113.0, 181.0),
    (8.0, 48.0, 107.0),
];

/// Entropy × mean confidence as a grid of shaded cells (x: normalized entropy, y: mean
/// confidence), with `high_entropy` and `low_confidence` drawn and the quadrants named:
/// agreement (low entropy), genuine ambiguity (high entropy, confident panel), rubric problem
/// (high entropy, unsure panel). A million items draw as `n`² cells at most.
#[must_use]
pub fn entropy_confidence(grid: &Grid, thresholds: &FlagThresholds) -> String {
    frame::render(HEIGHT, |root| draw(root, grid, thresholds))
}

fn draw(root: &Canvas<'_>, grid: &Grid, thresholds: &FlagThresholds) -> Drawn {
    let total = grid.total();
    let fullest = grid.counts.iter().copied().max().unwrap_or(0);
    let subtitle = if total == 0 {
        "no item has a stated confidence".to_string()
    } else {
        format!("{total} items with a stated confidence; darkest cell {fullest} items (√ scale)")
    };
    let area = frame::titled(root, "Entropy × mean confidence", &subtitle)?;
    let plot = cells(&area, grid, ("normalized entropy", "mean confidence"))?;
    let (x_px, y_px) = (plot.x.clone(), plot.y.clone());
    let (he, lc) = (thresholds.high_entropy, thresholds.low_confidence);
    let (x, y) = plot.at(he, lc);
    // Both labels sit outside the plot, clear of the cells: one above it, one turned along
    // its right edge.
    let above = (
        (x, y_px.start - 4),
        frame::threshold_text(HPos::Center, VPos::Bottom),
    );
    let label = frame::threshold_label("high_entropy", he);
    frame::threshold(root, (x, y_px.start), (x, y_px.end), &label, above)?;
    let turned = frame::threshold_text(HPos::Center, VPos::Top).transform(FontTransform::Rotate90);
    let label = frame::threshold_label("low_confidence", lc);
    // Centred on the line, but kept beside the plot when the line runs near its top or bottom.
    let half = i32::try_from(root.estimate_text_size(&label, &turned)?.0 / 2).unwrap_or(0);
    let beside = y.clamp(y_px.start + half, (y_px.end - half).max(y_px.start + half));
    frame::threshold(
        root,
        (x_px.start, y),
        (x_px.end, y),
        &label,
        ((x_px.end + 22, beside), turned),
    )?;
    // The quadrants' names keep to the corners the data seldom reaches: an agreeing panel is
    // rarely unsure, and a split one rarely certain or utterly lost.
    let inset = 8;
    let quadrants = [
        (
            "agreement",
            (x_px.start + inset, y_px.end - inset),
            HPos::Left,
            VPos::Bottom,
        ),
        (
            "genuine ambiguity",
            (x_px.end - inset, y_px.start + inset),
            HPos::Right,
            VPos::Top,
        ),
        (
            "rubric problem",
            (x_px.end - inset, y_px.end - inset),
            HPos::Right,
            VPos::Bottom,
        ),
    ];
    for (name, at, h, v) in quadrants {
        let style = frame::text(frame::LABEL_SIZE, &BLACK).pos(Pos::new(h, v));
        frame::boxed_text(root, name, &style, at)?;
    }
    if total == 0 {
        frame::no_items(root, (x_px, y_px))?;
    }
    Ok(())
}

/// The panel's entropy against a model's, as a grid of shaded cells (x: the panel's normalized
/// entropy, y: the model's): a model that keeps the panel's uncertainty lies along the diagonal.
#[must_use]
pub fn entropy_pair(grid: &Grid, model: &str) -> String {
    frame::render(HEIGHT, |root| {
        let total = grid.total();
        let subtitle = format!(
            "{total} items the model `{model}` predicts; darkest cell {} items (√ scale)",
            grid.counts.iter().copied().max().unwrap_or(0)
        );
        let area = frame::titled(root, "Panel entropy × model entropy", &subtitle)?;
        let plot = cells(
            &area,
            grid,
            ("panel entropy (normalized)", "model entropy (normalized)"),
        )?;
        if total == 0 {
            frame::no_items(root, (plot.x, plot.y))?;
        }
        Ok(())
    })
}

/// The unit square with its axes named and `grid`'s non-empty cells shaded; the chart, for
/// what is drawn over it.
fn cells(area: &Canvas<'_>, grid: &Grid, (x_name, y_name): (&str, &str)) -> Drawn<Plot> {
    let fullest = grid.counts.iter().copied().max().unwrap_or(0);
    let mut chart = ChartBuilder::on(area)
        .margin_left(8)
        .margin_right(30)
        .margin_top(24)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    frame::axes(&mut chart.configure_mesh(), x_name, y_name)
        .x_labels(11)
        .y_labels(11)
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .disable_mesh()
        .draw()?;
    let n = grid.n.max(1);
    let side = 1.0 / n as f64;
    chart.draw_series(bins::nonzero(&grid.counts).map(|(i, c)| {
        let (x, y) = ((i % n) as f64 * side, (i / n) as f64 * side);
        Rectangle::new([(x, y), (x + side, y + side)], shade(c, fullest).filled())
    }))?;
    let (x, y) = chart.plotting_area().get_pixel_range();
    Ok(Plot { x, y })
}

/// Where the unit square of a density chart lies, in pixels.
struct Plot {
    x: std::ops::Range<i32>,
    y: std::ops::Range<i32>,
}

impl Plot {
    /// The pixel column of `x` and the pixel row of `y` in [0, 1].
    fn at(&self, x: f64, y: f64) -> (i32, i32) {
        let along = |r: &std::ops::Range<i32>, t: f64| {
            // Within the plot's pixels by construction.
            #[allow(clippy::cast_possible_truncation)]
            let p = (f64::from(r.end - r.start) * t.clamp(0.0, 1.0)).round() as i32;
            p
        };
        (
            self.x.start + along(&self.x, x),
            self.y.end - along(&self.y, y),
        )
    }
}

/// The shade of a cell holding `count` (≥ 1) items when the fullest holds `fullest`: on a
/// square-root scale from the lightest stop (one item, still visible) to the darkest.
fn shade(count: u64, fullest: u64) -> RGBColor {
    let t = if fullest <= 1 {
        1.0
    } else {
        ((count - 1) as f64 / (fullest - 1) as f64).sqrt()
    };
    let at = t.clamp(0.0, 1.0) * (RAMP.len() - 1) as f64;
    // `at` lies in 0..=4, so the stop index fits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (at.floor() as usize).min(RAMP.len() - 2);
    let (a, b, f) = (RAMP[i], RAMP[i + 1], at - i as f64);
    let mix = |a: f64, b: f64| {
        // Rounded into 0..=255 by construction.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = (a + (b - a) * f).round() as u8;
        v
    };
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

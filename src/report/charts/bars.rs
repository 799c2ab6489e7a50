//! Horizontal bars of counts by name: disagreement classes, flags, decisions.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, BAR, Canvas, Drawn};

/// Height of one row, and of everything around the rows, in pixels.
const ROW: u32 = 32;
const CHROME: u32 = 130;

/// Horizontal bars of `rows` (name, count), top to bottom in the order given, each with its
/// count written at its end; `note` goes under the title and `x_label` names what is counted.
#[must_use]
pub fn count_bars(title: &str, note: &str, x_label: &str, rows: &[(&str, u64)]) -> String {
    let total: u64 = rows.iter().map(|r| r.1).sum();
    let shown = if total == 0 { &[][..] } else { rows };
    let height = CHROME + ROW * u32::try_from(shown.len().max(3)).unwrap_or(u32::MAX / ROW);
    frame::render(height, |root| {
        draw(root, [title, note, x_label], shown, total)
    })
}

fn draw(root: &Canvas<'_>, text: [&str; 3], rows: &[(&str, u64)], total: u64) -> Drawn {
    let [title, note, x_label] = text;
    let area = frame::titled(root, title, note)?;
    let name_style = frame::text(frame::TICK_SIZE, &BLACK);
    let mut names_width = 0;
    for (name, _) in rows {
        names_width = names_width.max(root.estimate_text_size(name, &name_style)?.0);
    }
    let top = rows.iter().map(|r| r.1).max().unwrap_or(0);
    // Room right of the longest bar for its count.
    let x_max = (top + top / 6 + 1).max(2);
    let n = rows.len();
    let mut chart = ChartBuilder::on(&area)
        .margin_left(8)
        .margin_right(24)
        .margin_top(4)
        .x_label_area_size(52)
        .y_label_area_size(names_width + 16)
        .build_cartesian_2d(0u64..x_max, 0f64..n.max(1) as f64)?;
    frame::axes(&mut chart.configure_mesh(), x_label, "")
        .x_labels(6)
        .y_labels(0)
        .disable_y_mesh()
        .draw()?;
    // Row k (from the top) spans y in [n - k - 1, n - k], with a gap above and below the bar.
    let span = |k: usize| ((n - k - 1) as f64 + 0.18, (n - k) as f64 - 0.18);
    chart.draw_series(
        rows.iter()
            .enumerate()
            .filter(|r| r.1.1 > 0)
            .map(|(k, &(_, c))| {
                let (y0, y1) = span(k);
                Rectangle::new([(0, y0), (c, y1)], BAR.filled())
            }),
    )?;
    let left = name_style.pos(Pos::new(HPos::Right, VPos::Center));
    let right = name_style.pos(Pos::new(HPos::Left, VPos::Center));
    for (k, &(name, count)) in rows.iter().enumerate() {
        let middle = (n - k) as f64 - 0.5;
        let (x0, y) = chart.backend_coord(&(0, middle));
        let (x1, _) = chart.backend_coord(&(count, middle));
        root.draw_text(name, &left, (x0 - 8, y))?;
        root.draw_text(&count.to_string(), &right, (x1 + 6, y))?;
    }
    if total == 0 {
        frame::no_items(root, chart.plotting_area().get_pixel_range())?;
    }
    Ok(())
}

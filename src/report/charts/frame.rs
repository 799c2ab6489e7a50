//! What every chart shares: the font, the palette, the canvas, the title block, the rubric
//! threshold lines and the "no items" note.

use std::ops::Range;
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

/// The font family written into the SVG: the bundled font first, any sans-serif after it. The
/// same string is the key under which the bundled font is registered for measuring text.
pub(super) const FONT: &str = "DejaVu Sans, sans-serif";

/// Width of every chart in pixels: readable as is on a 600 px page column.
pub(super) const WIDTH: u32 = 600;

/// Bars and filled marks (Okabe–Ito blue).
pub(super) const BAR: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// Rubric thresholds (Okabe–Ito vermillion).
pub(super) const THRESHOLD: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
/// Secondary text: subtitles, notes.
pub(super) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Font sizes in plotters' units, which writes `font-size` as the size / 1.24: here 20, 16
/// and 14 px.
pub(super) const TITLE_SIZE: f64 = 20.0 * 1.24;
pub(super) const LABEL_SIZE: f64 = 16.0 * 1.24;
pub(super) const TICK_SIZE: f64 = 14.0 * 1.24;

/// The SVG drawing area charts draw on.
pub(super) type Canvas<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// What drawing on a canvas returns.
pub(super) type Drawn<T = ()> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

static DEJAVU_SANS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));

/// Registers the bundled font once; plotters measures text with it.
fn register_bundled_font() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok())
}

/// Draws a `WIDTH` × `height` chart with `draw` and returns the SVG document.
///
/// # Panics
/// If plotters fails to draw into a `String`, which only a missing font can cause, and the font
/// is compiled in (a test checks that it loads).
pub(super) fn render(height: u32, draw: impl FnOnce(&Canvas<'_>) -> Drawn) -> String {
    assert!(register_bundled_font(), "the bundled font loads");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present());
        if let Err(e) = drawn {
            panic!("drawing a chart into a string failed: {e}");
        }
    }
    svg
}

/// Text style at `size` in `colour`.
pub(super) fn text(size: f64, colour: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(colour)
}

/// Draws the title and a muted subtitle under it; returns the area below them.
pub(super) fn titled<'a>(root: &Canvas<'a>, title: &str, subtitle: &str) -> Drawn<Canvas<'a>> {
    let area = root.titled(title, text(TITLE_SIZE, &BLACK))?;
    area.titled(subtitle, text(TICK_SIZE, &MUTED))
}

/// Draws a rubric threshold as a dashed line from `from` to `to` (absolute pixels) and writes
/// `label` at `at` in `style` (callers keep it clear of the data).
pub(super) fn threshold(
    root: &Canvas<'_>,
    from: (i32, i32),
    to: (i32, i32),
    label: &str,
    (at, style): ((i32, i32), TextStyle<'_>),
) -> Drawn {
    root.draw(&DashedPathElement::new(
        [from, to],
        7,
        4,
        THRESHOLD.stroke_width(2),
    ))?;
    root.draw_text(label, &style, at)
}

/// The style of a threshold's label, placed by `h` and `v`.
pub(super) fn threshold_text(h: HPos, v: VPos) -> TextStyle<'static> {
    text(TICK_SIZE, &THRESHOLD).pos(Pos::new(h, v))
}

/// Writes "no items" in the middle of a plot spanning `x` × `y` (absolute pixels).
pub(super) fn no_items(root: &Canvas<'_>, (x, y): (Range<i32>, Range<i32>)) -> Drawn {
    let centre = ((x.start + x.end) / 2, (y.start + y.end) / 2);
    let style = text(LABEL_SIZE, &MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    boxed_text(root, "no items", &style, centre)
}

/// Writes `label` at `at` (absolute pixels) on a pale box, so it reads over lines and cells.
pub(super) fn boxed_text(
    root: &Canvas<'_>,
    label: &str,
    style: &TextStyle<'_>,
    at: (i32, i32),
) -> Drawn {
    let (w, h) = root.estimate_text_size(label, style)?;
    let (w, h) = (i32::try_from(w).unwrap_or(0), i32::try_from(h).unwrap_or(0));
    let x0 = match style.pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match style.pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    let pad = 3;
    root.draw(&Rectangle::new(
        [(x0 - pad, y0 - pad), (x0 + w + pad, y0 + h + pad)],
        WHITE.mix(0.8).filled(),
    ))?;
    root.draw_text(label, style, at)
}

/// The threshold label's name and value, as `high_entropy 0.5`.
pub(super) fn threshold_label(name: &str, value: f64) -> String {
    format!("{name} {value}")
}

/// Styles the axes and grid the same way on every chart, with the axis titles.
pub(super) fn axes<'m, 'a, 'b, X, Y>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'a>>,
    x_label: &str,
    y_label: &str,
) -> &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'a>>
where
    X: plotters::coord::ranged1d::Ranged<ValueType: std::fmt::Debug>,
    Y: plotters::coord::ranged1d::Ranged<ValueType: std::fmt::Debug>,
{
    mesh.x_desc(x_label)
        .y_desc(y_label)
        .label_style(text(TICK_SIZE, &BLACK))
        .axis_desc_style(text(LABEL_SIZE, &BLACK))
        .bold_line_style(RGBColor(0xe0, 0xe0, 0xe0))
        .light_line_style(TRANSPARENT)
}

/// Width of a vertical axis of counts up to `max`: its widest tick label and its title.
pub(super) fn count_axis_width(root: &Canvas<'_>, max: u64) -> Drawn<u32> {
    let (w, _) = root.estimate_text_size(&max.to_string(), &text(TICK_SIZE, &BLACK))?;
    Ok(w + 44)
}

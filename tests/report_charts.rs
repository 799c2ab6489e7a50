//! The report's charts, read back as XML: their text, their bars, where the rubric thresholds
//! fall, byte-for-byte determinism, and the "no items" chart of an empty input.

use dissent::domain::rubric::FlagThresholds;
use dissent::report::charts::{
    Bins, Grid, confidence_histogram, count_bars, entropy_confidence, entropy_histogram,
};

/// Fill of bars, stroke of threshold lines (the Okabe–Ito blue and vermillion).
const BAR: &str = "#0072B2";
const THRESHOLD: &str = "#D55E00";
const WHITE: &str = "#FFFFFF";

/// A chart's SVG, parsed.
struct Svg {
    text: String,
}

/// A filled rectangle: its fill and its box.
struct Rect {
    fill: String,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Svg {
    fn new(text: String) -> Svg {
        roxmltree::Document::parse(&text).expect("the chart is well-formed XML");
        Svg { text }
    }

    fn doc(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.text).expect("XML")
    }

    /// The content of every `<text>` element, trimmed.
    fn texts(&self) -> Vec<String> {
        self.doc()
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    fn has_text(&self, wanted: &str) -> bool {
        self.texts().iter().any(|t| t == wanted)
    }

    fn rects(&self) -> Vec<Rect> {
        let num = |n: roxmltree::Node<'_, '_>, a: &str| -> f64 {
            n.attribute(a).expect("attribute").parse().expect("number")
        };
        self.doc()
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .map(|n| Rect {
                fill: n.attribute("fill").unwrap_or("").to_string(),
                x: num(n, "x"),
                y: num(n, "y"),
                width: num(n, "width"),
                height: num(n, "height"),
            })
            .collect()
    }

    /// Rectangles filled with `fill`, left to right.
    fn filled(&self, fill: &str) -> Vec<Rect> {
        let mut rects: Vec<Rect> = self
            .rects()
            .into_iter()
            .filter(|r| r.fill == fill)
            .collect();
        rects.sort_by(|a, b| a.x.total_cmp(&b.x));
        rects
    }

    /// Points of every threshold line segment.
    fn threshold_segments(&self) -> Vec<Vec<(f64, f64)>> {
        self.doc()
            .descendants()
            .filter(|n| n.attribute("stroke") == Some(THRESHOLD))
            .map(|n| {
                n.attribute("points")
                    .expect("points")
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').expect("x,y");
                        (x.parse().expect("x"), y.parse().expect("y"))
                    })
                    .collect()
            })
            .collect()
    }

    /// The x of the one vertical threshold line.
    fn vertical_threshold(&self) -> f64 {
        let xs: Vec<f64> = self
            .threshold_segments()
            .into_iter()
            .filter(|s| s.iter().all(|p| p.0 == s[0].0))
            .map(|s| s[0].0)
            .collect();
        assert!(!xs.is_empty(), "a vertical threshold is drawn");
        assert!(xs.iter().all(|&x| x == xs[0]), "one vertical threshold");
        xs[0]
    }

    /// The y of the one horizontal threshold line.
    fn horizontal_threshold(&self) -> f64 {
        let ys: Vec<f64> = self
            .threshold_segments()
            .into_iter()
            .filter(|s| s.iter().all(|p| p.1 == s[0].1) && s[0].0 != s[s.len() - 1].0)
            .map(|s| s[0].1)
            .collect();
        assert!(!ys.is_empty(), "a horizontal threshold is drawn");
        assert!(ys.iter().all(|&y| y == ys[0]), "one horizontal threshold");
        ys[0]
    }
}

fn bins(counts: &[u64]) -> Bins {
    Bins {
        counts: counts.to_vec(),
    }
}

type Histogram = fn(&Bins, f64) -> String;

/// Both histograms, with the text each must hold.
const HISTOGRAMS: [(Histogram, &str, &str, &str); 2] = [
    (
        entropy_histogram,
        "Normalized entropy",
        "normalized entropy (0 = all agree, 1 = evenly split)",
        "high_entropy",
    ),
    (
        confidence_histogram,
        "Mean stated confidence",
        "mean confidence of the panel (0 to 1)",
        "low_confidence",
    ),
];

#[test]
fn histograms_hold_their_text_and_one_bar_per_nonzero_bin() {
    let counts = [5, 0, 3, 0, 0, 12, 1, 0, 0, 7];
    for (draw, title, x_label, threshold) in HISTOGRAMS {
        let svg = Svg::new(draw(&bins(&counts), 0.6));
        for text in [title, x_label, "items", "28 items in 10 bins"] {
            assert!(svg.has_text(text), "{title}: {text:?} in {:?}", svg.texts());
        }
        assert!(svg.has_text(&format!("{threshold} 0.6")), "{title}");
        assert_eq!(svg.filled(BAR).len(), 5, "{title}");
        assert!(!svg.has_text("no items"), "{title}");
    }
}

#[test]
fn a_histogram_threshold_falls_where_the_bins_put_it() {
    let counts = [4u64; 20];
    for (draw, title, ..) in HISTOGRAMS {
        for threshold in [0.5, 0.37, 0.85] {
            let svg = Svg::new(draw(&bins(&counts), threshold));
            let bars = svg.filled(BAR);
            assert_eq!(bars.len(), 20, "{title}");
            // Bars sit one pixel in from their bin's edges.
            let left = bars[0].x - 1.0;
            let last = &bars[19];
            let right = last.x + last.width + 1.0;
            let expected = left + threshold * (right - left);
            let x = svg.vertical_threshold();
            assert!(
                (x - expected).abs() <= 1.0,
                "{title} at {threshold}: line at {x}, bins put it at {expected}"
            );
        }
        // At a bin edge the line meets the left edge of the bin above it.
        let svg = Svg::new(draw(&bins(&counts), 0.5));
        let x = svg.vertical_threshold();
        assert!((x - (svg.filled(BAR)[10].x - 1.0)).abs() <= 1.0, "{title}");
    }
}

fn thresholds() -> FlagThresholds {
    FlagThresholds {
        high_entropy: 0.5,
        low_confidence: 0.6,
    }
}

#[test]
fn the_density_shades_one_cell_per_nonempty_cell_and_names_the_quadrants() {
    let mut grid = Grid::new(20);
    for (x, y) in [
        (0.01, 0.99),
        (0.02, 0.98),
        (0.7, 0.9),
        (0.8, 0.2),
        (0.99, 0.01),
    ] {
        grid.add(x, y);
    }
    let svg = Svg::new(entropy_confidence(&grid, &thresholds()));
    for text in [
        "Entropy × mean confidence",
        "normalized entropy",
        "mean confidence",
        "agreement",
        "genuine ambiguity",
        "rubric problem",
        "high_entropy 0.5",
        "low_confidence 0.6",
    ] {
        assert!(svg.has_text(text), "{text:?} in {:?}", svg.texts());
    }
    let cells = svg.rects().into_iter().filter(|r| r.fill != WHITE).count();
    assert_eq!(cells, 4, "two items share a cell");
}

#[test]
fn a_million_items_draw_as_at_most_one_rectangle_per_cell() {
    let mut grid = Grid::new(20);
    for i in 0..1_000_000u32 {
        let u = f64::from(i) / 1e6;
        grid.add(u, (u * 7.0).fract());
    }
    let svg = Svg::new(entropy_confidence(&grid, &thresholds()));
    let cells = svg.rects().into_iter().filter(|r| r.fill != WHITE).count();
    assert!(cells <= 400, "{cells} cells");
    let subtitle = "1000000 items with a stated confidence; darkest cell ";
    assert!(
        svg.texts().iter().any(|t| t.starts_with(subtitle)),
        "{:?}",
        svg.texts()
    );
}

#[test]
fn the_density_thresholds_fall_where_the_cells_put_them() {
    for (he, lc) in [(0.5, 0.6), (0.37, 0.81)] {
        let mut grid = Grid::new(20);
        grid.add(0.0, 0.0);
        grid.add(1.0, 1.0);
        let t = FlagThresholds {
            high_entropy: he,
            low_confidence: lc,
        };
        let svg = Svg::new(entropy_confidence(&grid, &t));
        let cells: Vec<Rect> = svg
            .rects()
            .into_iter()
            .filter(|r| r.fill != WHITE)
            .collect();
        assert_eq!(cells.len(), 2);
        let (low, high) = if cells[0].x < cells[1].x {
            (&cells[0], &cells[1])
        } else {
            (&cells[1], &cells[0])
        };
        let (left, right) = (low.x, high.x + high.width);
        let (bottom, top) = (low.y + low.height, high.y);
        let x = svg.vertical_threshold();
        let y = svg.horizontal_threshold();
        let (want_x, want_y) = (left + he * (right - left), bottom - lc * (bottom - top));
        assert!((x - want_x).abs() <= 1.0, "x {x} vs {want_x}");
        assert!((y - want_y).abs() <= 1.0, "y {y} vs {want_y}");
    }
}

#[test]
fn count_bars_name_each_row_write_its_count_and_skip_empty_bars() {
    let rows = [
        ("agreement", 31),
        ("minor", 0),
        ("major", 12),
        ("unresolved", 2),
        ("< 15 mm & \"edema\"", 1),
    ];
    let svg = Svg::new(count_bars(
        "Disagreement classes",
        "45 items, one class each",
        "items",
        &rows,
    ));
    for text in [
        "Disagreement classes",
        "45 items, one class each",
        "items",
        "agreement",
        "minor",
        "major",
        "unresolved",
        "< 15 mm & \"edema\"",
        "31",
        "0",
        "12",
    ] {
        assert!(svg.has_text(text), "{text:?} in {:?}", svg.texts());
    }
    let mut bars = svg.filled(BAR);
    assert_eq!(bars.len(), 4);
    // Top to bottom in the order given, longest for the largest count.
    bars.sort_by(|a, b| a.y.total_cmp(&b.y));
    let widths: Vec<f64> = bars.iter().map(|b| b.width).collect();
    assert!(widths.windows(2).all(|w| w[0] > w[1]), "{widths:?}");
}

#[test]
fn the_same_input_draws_the_same_bytes() {
    let b = bins(&[3, 1, 4, 1, 5, 9, 2, 6]);
    let mut grid = Grid::new(10);
    grid.add(0.3, 0.7);
    let rows = [("rubric_problem", 4), ("gold_miss", 1)];
    let draw = || {
        [
            entropy_histogram(&b, 0.5),
            confidence_histogram(&b, 0.6),
            entropy_confidence(&grid, &thresholds()),
            count_bars("Flags", "an item can carry several", "items flagged", &rows),
        ]
    };
    assert_eq!(draw(), draw());
}

#[test]
fn empty_inputs_draw_a_no_items_chart() {
    let charts = [
        entropy_histogram(&Bins::new(20), 0.5),
        confidence_histogram(&Bins::new(0), 0.6),
        entropy_confidence(&Grid::new(20), &thresholds()),
        count_bars("Flags", "", "items flagged", &[]),
        count_bars("Flags", "", "items flagged", &[("gold_miss", 0)]),
    ];
    for chart in charts {
        let svg = Svg::new(chart);
        assert!(svg.has_text("no items"), "{:?}", svg.texts());
        assert!(svg.filled(BAR).is_empty());
    }
}

//! Draws the console on the demo batch and writes it as an SVG (`assets/console.svg`), the
//! README's screenshot: `cargo run --example screenshot`.

use std::fmt::Write;

use dissent::tui::keymap::Keymap;
use dissent::tui::{Action, Executor, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

const W: u16 = 120;
const H: u16 = 36;

fn rgb(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.into(),
        Color::Black => "#1d1f21".into(),
        Color::Red => "#cc6666".into(),
        Color::Green => "#8fbf6a".into(),
        Color::Yellow => "#e6b450".into(),
        Color::Blue => "#6b9bd2".into(),
        Color::Magenta => "#b294bb".into(),
        Color::Cyan => "#5fb3b3".into(),
        Color::Gray => "#a0a4a8".into(),
        Color::DarkGray => "#3a3f44".into(),
        Color::White => "#ffffff".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => default.into(),
    }
}

fn main() -> anyhow::Result<()> {
    let at = "2026-11-23T09:00:00Z";
    let (store, batch) = dissent::demo::open("alice", at)?;
    let mut exec = Executor::new(
        store,
        batch,
        "alice".into(),
        Box::new(move || at.to_string()),
    );
    let options = Options {
        actor: "alice".into(),
        mouse: false,
        demo: true,
        keymap: Keymap::default(),
    };
    let mut app = dissent::tui::start(&mut exec, &options, Rect::new(0, 0, W, H));
    let i = app
        .rows
        .iter()
        .position(|r| r.item_id == "mri-2031")
        .unwrap_or(0);
    exec.dispatch(&mut app, Action::Move(i as i64));
    let mut terminal = Terminal::new(TestBackend::new(W, H))?;
    terminal.draw(|f| dissent::tui::render::draw(f, &app))?;
    let buffer = terminal.backend().buffer();
    let (cw, ch) = (8.4_f64, 17.0_f64);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" fill=\"#1d1f21\"/>\n",
        f64::from(W) * cw,
        f64::from(H) * ch
    );
    for y in 0..H {
        for x in 0..W {
            let cell = &buffer[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (rgb(cell.fg, "#d8dee9"), rgb(cell.bg, "#1d1f21"));
            if reversed {
                std::mem::swap(&mut fg, &mut bg);
            }
            let (px, py) = (f64::from(x) * cw, f64::from(y) * ch);
            if bg != "#1d1f21" {
                writeln!(
                    svg,
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{cw:.1}\" height=\"{ch:.1}\" fill=\"{bg}\"/>"
                )?;
            }
            let sym = cell.symbol();
            if sym.trim().is_empty() {
                continue;
            }
            let text = sym
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let weight = if cell.modifier.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            writeln!(
                svg,
                "<text x=\"{px:.1}\" y=\"{:.1}\" fill=\"{fg}\"{weight}>{text}</text>",
                py + ch * 0.78
            )?;
        }
    }
    svg.push_str("</svg>\n");
    std::fs::write("assets/console.svg", svg)?;
    println!("wrote assets/console.svg");
    Ok(())
}

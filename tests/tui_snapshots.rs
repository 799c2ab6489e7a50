//! Whole-screen snapshots of the console on the demo batch, drawn to a `TestBackend`, at a
//! roomy 120×40 and a cramped 80×24; and hostile text rendered inert.

use dissent::tui::keymap::{Key, Keymap};
use dissent::tui::render::draw;
use dissent::tui::{Action, App, Executor};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

mod common;

use common::select;

fn console(width: u16, height: u16) -> (Executor, App, Terminal<TestBackend>) {
    let (exec, app) = common::demo_console(width, height, Keymap::default());
    (
        exec,
        app,
        Terminal::new(TestBackend::new(width, height)).expect("terminal"),
    )
}

fn screen(app: &App, terminal: &mut Terminal<TestBackend>) -> String {
    terminal.draw(|f| draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn main_screen() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = console(w, h);
        select(&mut exec, &mut app, "mri-2031");
        insta::assert_snapshot!(format!("main_{w}x{h}"), screen(&app, &mut term));
    }
}

#[test]
fn adjudication_popup() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = console(w, h);
        select(&mut exec, &mut app, "mri-2031");
        exec.dispatch(&mut app, Action::HardLabel);
        insta::assert_snapshot!(format!("adjudicate_label_{w}x{h}"), screen(&app, &mut term));
        for k in [
            KeyCode::Down,
            KeyCode::Enter,
            KeyCode::Down,
            KeyCode::Enter,
            KeyCode::Char('j'),
            KeyCode::Char('j'),
            KeyCode::Char('j'),
            KeyCode::Char(' '),
            KeyCode::Enter,
        ] {
            exec.dispatch(&mut app, Action::PopupKey(Key::plain(k)));
        }
        for c in "D measured on the oblique view".chars() {
            exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char(c))));
        }
        insta::assert_snapshot!(
            format!("adjudicate_reason_{w}x{h}"),
            screen(&app, &mut term)
        );
    }
}

#[test]
fn help_screen() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = console(w, h);
        exec.dispatch(&mut app, Action::OpenHelp);
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&app, &mut term));
    }
}

#[test]
fn decided_item_shows_its_history_and_the_panel_untouched() {
    let (mut exec, mut app, mut term) = console(120, 40);
    select(&mut exec, &mut app, "mri-2035");
    exec.dispatch(&mut app, Action::KeepSoft);
    for c in "gold disputed by pathology".chars() {
        exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char(c))));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    select(&mut exec, &mut app, "mri-2035");
    insta::assert_snapshot!("decided_120x40", screen(&app, &mut term));
}

#[test]
fn hostile_evidence_renders_as_inert_visible_text() {
    let (mut exec, mut app, mut term) = console(120, 40);
    select(&mut exec, &mut app, "mri-2039");
    terminal_draw_and_check(&app, &mut term);
}

fn terminal_draw_and_check(app: &App, term: &mut Terminal<TestBackend>) {
    term.draw(|f| draw(f, app)).expect("draw");
    let buffer = term.backend().buffer().clone();
    let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
    for bad in ['\u{1b}', '\u{7}', '\r'] {
        assert!(
            !text.contains(bad),
            "raw control character {bad:?} reached the screen"
        );
    }
    assert!(
        text.contains("␛]0;pwned␇"),
        "the OSC title sequence is shown as text"
    );
    assert!(
        text.contains("␛[2J␛[H"),
        "the clear-screen sequence is shown as text"
    );
    assert!(text.contains("report␍"), "a bare CR is shown as text");
}

#[test]
fn any_terminal_size_draws_without_panicking() {
    let (mut exec, mut app, _) = console(120, 40);
    select(&mut exec, &mut app, "mri-2031");
    for (w, h) in [(1, 1), (10, 3), (30, 8), (45, 12), (200, 60)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        exec.dispatch(
            &mut app,
            Action::Resize(
                dissent::tui::render::areas(ratatui::layout::Rect::new(0, 0, w, h))
                    .queue_rows
                    .height as usize,
            ),
        );
        for popup in [
            None,
            Some(Action::OpenHelp),
            Some(Action::HardLabel),
            Some(Action::OpenSearch),
            Some(Action::KeepSoft),
        ] {
            if let Some(open) = popup {
                exec.dispatch(&mut app, open);
            }
            term.draw(|f| draw(f, &app)).expect("draw");
            exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
        }
    }
}

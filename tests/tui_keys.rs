//! The keymap: defaults, remapping from keys.toml (help and hints follow), clear errors for a
//! bad file; terminal events to actions; NO_COLOR.

use dissent::tui::keymap::{Command, Key, Keymap};
use dissent::tui::theme::Theme;
use dissent::tui::{Action, App};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

mod common;

fn console(keymap: Keymap) -> App {
    common::demo_console(120, 40, keymap).1
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn default_keys_map_to_actions() {
    let app = console(Keymap::default());
    let size = Rect::new(0, 0, 120, 40);
    let act = |code, m| dissent::tui::action_for(&app, &press(code, m), size);
    assert_eq!(
        act(KeyCode::Char('j'), KeyModifiers::NONE),
        Some(Action::Move(1))
    );
    assert_eq!(
        act(KeyCode::Down, KeyModifiers::NONE),
        Some(Action::Move(1))
    );
    assert_eq!(
        act(KeyCode::Char('G'), KeyModifiers::SHIFT),
        Some(Action::Bottom)
    );
    assert_eq!(
        act(KeyCode::Char('d'), KeyModifiers::CONTROL),
        Some(Action::HalfPageDown)
    );
    assert_eq!(
        act(KeyCode::Char('c'), KeyModifiers::CONTROL),
        Some(Action::Quit)
    );
    assert_eq!(
        act(KeyCode::F(1), KeyModifiers::NONE),
        Some(Action::OpenHelp)
    );
    assert_eq!(act(KeyCode::Esc, KeyModifiers::NONE), Some(Action::Close));
    assert_eq!(act(KeyCode::Char('Z'), KeyModifiers::SHIFT), None);
}

#[test]
fn mouse_scrolls_and_clicks_where_it_points() {
    let app = console(Keymap::default());
    let size = Rect::new(0, 0, 120, 40);
    let areas = dissent::tui::render::areas(size);
    let mouse = |kind, column, row| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let act = |e| dissent::tui::action_for(&app, &e, size);
    let q = areas.queue_rows;
    assert_eq!(
        act(mouse(
            MouseEventKind::Down(MouseButton::Left),
            q.x + 2,
            q.y + 4
        )),
        Some(Action::ClickRow(4))
    );
    assert_eq!(
        act(mouse(MouseEventKind::ScrollDown, q.x + 2, q.y)),
        Some(Action::Move(3))
    );
    let p = areas.panel;
    assert_eq!(
        act(mouse(MouseEventKind::ScrollUp, p.x + 3, p.y + 3)),
        Some(Action::ScrollPanel(-3))
    );
    assert_eq!(
        act(Event::Resize(80, 24)),
        Some(Action::Resize(
            dissent::tui::render::areas(Rect::new(0, 0, 80, 24))
                .queue_rows
                .height as usize
        ))
    );
}

#[test]
fn remapped_keys_drive_help_and_hints() {
    let map = Keymap::from_toml(
        "[keys]\nhard-label = \"h\"\nmove-down = [\"n\", \"down\"]\nquit = \"ctrl-q\"\n",
        "keys.toml",
    )
    .expect("valid");
    assert_eq!(
        map.command(Key::plain(KeyCode::Char('h'))),
        Some(Command::HardLabel)
    );
    assert_eq!(
        map.command(Key::plain(KeyCode::Char('a'))),
        None,
        "the old key is gone"
    );
    assert_eq!(
        map.command(Key::plain(KeyCode::Char('n'))),
        Some(Command::MoveDown)
    );
    assert_eq!(map.command(Key::plain(KeyCode::Char('j'))), None);
    assert_eq!(map.command(Key::ctrl('q')), Some(Command::Quit));
    let help = map.help();
    assert!(
        help.contains(&("h".to_string(), "adjudicate to a hard label")),
        "{help:?}"
    );
    assert!(help.contains(&("n/↓".to_string(), "next item (panel: scroll down)")));
    let hints = map.hints();
    assert!(
        hints.contains(&("h".to_string(), "hard-label"))
            && hints.contains(&("Ctrl-q".to_string(), "quit")),
        "{hints:?}"
    );
    // A key taken by a remap leaves the command that had it.
    let map = Keymap::from_toml("[keys]\nundo = \"a\"\n", "k.toml").expect("valid");
    assert_eq!(
        map.command(Key::plain(KeyCode::Char('a'))),
        Some(Command::Undo)
    );
    assert!(map.keys(Command::HardLabel).is_empty());
}

#[test]
fn a_bad_keys_file_is_an_error_naming_the_line() {
    for (text, line, needle) in [
        (
            "[keys]\nhard-label = \"h\"\nexplode = \"x\"\n",
            3,
            "unknown command `explode`",
        ),
        (
            "[keys]\n\nquit = \"hyper-q\"\n",
            3,
            "`hyper-q` is not a key",
        ),
        ("[keys]\nquit = 5\n", 2, "expected a key or a list of keys"),
        ("[keys]\nquit = \"q\n", 2, ""),
        ("[colours]\nbg = \"red\"\n", 1, "unknown section `colours`"),
    ] {
        let err = Keymap::from_toml(text, "keys.toml").expect_err(text);
        assert_eq!(err.line, line, "{text:?}: {err}");
        assert!(
            err.to_string().starts_with(&format!("keys.toml:{line}: ")),
            "{err}"
        );
        assert!(err.message.contains(needle), "{err}");
    }
}

#[test]
fn a_missing_keys_file_means_the_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        Keymap::load(&dir.path().join("keys.toml")).expect("defaults"),
        Keymap::default()
    );
}

#[test]
fn no_color_means_no_colour() {
    use ratatui::style::Color;
    let mono = Theme::for_no_color(Some("1"));
    assert_eq!(mono, Theme::mono());
    for style in [
        mono.title,
        mono.selected,
        mono.alert,
        mono.good,
        mono.key,
        mono.bar,
        mono.focus,
    ] {
        assert!(
            style.fg.is_none_or(|c| c == Color::Reset) && style.bg.is_none(),
            "{style:?}"
        );
    }
    assert_eq!(
        Theme::for_no_color(Some("")),
        Theme::colored(),
        "an empty NO_COLOR does not count"
    );
    assert_eq!(Theme::for_no_color(None), Theme::colored());
}

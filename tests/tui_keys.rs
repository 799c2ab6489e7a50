//! The keymap: defaults, remapping from keys.toml (help and hints follow), clear errors for a
//! bad file; terminal events to actions; NO_COLOR.

use dissent::tui::app::{FormStep, Popup};
use dissent::tui::input::key_action;
use dissent::tui::keymap::{Command, Context, Key, Keymap};
use dissent::tui::render::hints;
use dissent::tui::theme::Theme;
use dissent::tui::update::update;
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
    assert_eq!(
        dissent::tui::action_for(&app, &press(KeyCode::Char('j'), KeyModifiers::NONE), size),
        Some(Action::Key(Key::plain(KeyCode::Char('j')))),
        "a key is read when it is applied"
    );
    let act = |code, m| key_action(&app, Key::from(KeyEvent::new(code, m)));
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
    assert_eq!(act(KeyCode::Esc, KeyModifiers::NONE), None);
    assert_eq!(act(KeyCode::Char('Z'), KeyModifiers::SHIFT), None);
}

#[test]
fn in_a_popup_keys_go_to_it_but_ctrl_c_quits() {
    let mut app = console(Keymap::default());
    update(&mut app, Action::KeepSoft);
    assert_eq!(
        key_action(&app, Key::plain(KeyCode::Char('q'))),
        Some(Action::PopupKey(Key::plain(KeyCode::Char('q'))))
    );
    assert_eq!(key_action(&app, Key::ctrl('c')), Some(Action::Quit));
    assert!(
        Keymap::default()
            .help(Context::Main)
            .contains(&("Ctrl-c".to_string(), "quit from anywhere, a popup included")),
        "the help shows Ctrl-c"
    );
}

#[test]
fn every_command_has_one_default_binding_and_no_key_is_read_twice() {
    let map = Keymap::default();
    let commands: Vec<Command> = Command::all().collect();
    assert_eq!(
        commands.len(),
        Command::Later as usize + 1,
        "every command is listed"
    );
    for (i, c) in commands.iter().enumerate() {
        assert_eq!(
            *c as usize, i,
            "{c:?} is listed once, in the order declared"
        );
        assert!(!map.keys(*c).is_empty(), "{c:?} has a key");
        assert!(!c.contexts().is_empty(), "{c:?} is read somewhere");
    }
    for context in Context::ALL {
        let mut seen: Vec<(Key, Command)> = Vec::new();
        for c in commands.iter().filter(|c| c.contexts().contains(&context)) {
            for k in map.keys(*c) {
                if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                    panic!("{k} is bound to both {other:?} and {c:?} in {context:?}");
                }
                seen.push((*k, *c));
            }
        }
    }
}

#[test]
fn popups_read_their_keys_from_the_keymap() {
    let map = Keymap::from_toml(
        "[keys]\nback = \"ctrl-g\"\nfinish = \"ctrl-x\"\nyes = \"Y\"\nmark = \"m\"\n",
        "keys.toml",
    )
    .expect("valid");
    let mut app = console(map);
    let popup_key = |app: &mut App, k: Key| update(app, Action::PopupKey(k));
    update(&mut app, Action::OpenHelp);
    popup_key(&mut app, Key::plain(KeyCode::Esc));
    assert!(
        matches!(app.popup, Some(Popup::Help(_))),
        "Esc is no longer back"
    );
    assert!(
        hints(&app).contains(&("Ctrl-g".to_string(), "back".to_string())),
        "{:?}",
        hints(&app)
    );
    popup_key(&mut app, Key::ctrl('g'));
    assert!(app.popup.is_none(), "the help closes on the back key");
    update(&mut app, Action::KeepSoft);
    popup_key(&mut app, Key::plain(KeyCode::Char('w')));
    popup_key(&mut app, Key::ctrl('s'));
    assert!(matches!(&app.popup, Some(Popup::Decide(f)) if f.step == FormStep::Reason));
    assert!(
        hints(&app).contains(&("Ctrl-x".to_string(), "finish".to_string())),
        "{:?}",
        hints(&app)
    );
    popup_key(&mut app, Key::ctrl('x'));
    assert!(matches!(&app.popup, Some(Popup::Decide(f)) if f.step == FormStep::Confirm));
    assert!(popup_key(&mut app, Key::plain(KeyCode::Char('y'))).is_empty());
    assert_eq!(popup_key(&mut app, Key::plain(KeyCode::Char('Y'))).len(), 1);
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
        Some(Action::Resize(Rect::new(0, 0, 80, 24)))
    );
}

#[test]
fn remapped_keys_drive_help_and_hints() {
    let map = Keymap::from_toml(
        "[keys]\nhard-label = \"h\"\nmove-down = [\"n\", \"down\"]\nquit = \"ctrl-q\"\n",
        "keys.toml",
    )
    .expect("valid");
    let command = |k| map.command(Context::Main, k);
    assert_eq!(
        command(Key::plain(KeyCode::Char('h'))),
        Some(Command::HardLabel)
    );
    assert_eq!(
        command(Key::plain(KeyCode::Char('a'))),
        None,
        "the old key is gone"
    );
    assert_eq!(
        command(Key::plain(KeyCode::Char('n'))),
        Some(Command::MoveDown)
    );
    assert_eq!(
        map.command(Context::List, Key::plain(KeyCode::Char('n'))),
        Some(Command::MoveDown),
        "lists follow the remap"
    );
    assert_eq!(command(Key::plain(KeyCode::Char('j'))), None);
    assert_eq!(command(Key::ctrl('q')), Some(Command::Quit));
    let help = map.help(Context::Main);
    assert!(
        help.contains(&("h".to_string(), "adjudicate to a hard label")),
        "{help:?}"
    );
    assert!(help.contains(&(
        "n/↓".to_string(),
        "next item (panel: scroll down; list: next entry)"
    )));
    let hints = map.hints(Context::Main);
    assert!(
        hints.contains(&("h".to_string(), "hard-label"))
            && hints.contains(&("Ctrl-q".to_string(), "quit")),
        "{hints:?}"
    );
    // A key taken by a remap leaves the command that had it.
    let map = Keymap::from_toml("[keys]\nundo = \"G\"\n", "k.toml").expect("valid");
    assert_eq!(
        map.command(Context::Main, Key::plain(KeyCode::Char('G'))),
        Some(Command::Undo)
    );
    assert_eq!(map.label(Command::Bottom), "End");
    // … only where the two are read together: `y` in a popup does not leave `yes`.
    let map = Keymap::from_toml("[keys]\nundo = \"y\"\n", "k.toml").expect("valid");
    assert_eq!(map.label(Command::Yes), "y/Enter");
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
        ("[keys]\nquit = \"q\n", 2, "invalid basic string"),
        ("[colours]\nbg = \"red\"\n", 1, "unknown section `colours`"),
        ("[keys]\nquit = []\n", 2, "`quit` is given no key"),
        (
            "[keys]\nsort = \"o\"\nquit = \"\"\n",
            3,
            "`quit` is given no key",
        ),
        (
            "[keys]\nundo = \"a\"\n",
            2,
            "`undo` takes every key of `hard-label`",
        ),
        (
            "[keys]\nundo = \"z\"\nsort = \"z\"\n",
            3,
            "`z` is given to both `undo` and `sort`",
        ),
    ] {
        let err = Keymap::from_toml(text, "keys.toml").expect_err(text);
        assert_eq!(err.problems.len(), 1, "{text:?}: {err}");
        assert_eq!(err.problems[0].line, Some(line), "{text:?}: {err}");
        assert!(
            err.to_string().starts_with(&format!("keys.toml:{line}: ")),
            "{err}"
        );
        assert!(err.problems[0].message.contains(needle), "{err}");
    }
}

#[test]
fn every_bad_line_of_a_keys_file_is_reported() {
    let text = "[keys]\nexplode = \"x\"\nquit = \"hyper-q\"\nundo = \"z\"\nsort = \"z\"\nhelp = []\n\n[colours]\nbg = 1\n";
    let err = Keymap::from_toml(text, "keys.toml").expect_err("bad");
    let lines: Vec<Option<usize>> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(
        lines,
        [Some(2), Some(3), Some(5), Some(6), Some(8)],
        "{err}"
    );
    let shown = err.to_string();
    assert_eq!(shown.lines().count(), 5, "{shown}");
    assert!(
        shown.lines().all(|l| l.starts_with("keys.toml:")),
        "{shown}"
    );
    // A key given to two commands that are never read together is fine.
    Keymap::from_toml("[keys]\nundo = \"z\"\nmark = \"z\"\n", "keys.toml").expect("valid");
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

//! Whole-screen snapshots of the console drawn to a `TestBackend`: the demo batch at a roomy
//! 120×40 and a cramped 80×24; a batch of real-shaped ids (long, CJK, emoji) and a 100-reviewer
//! item at 80×24, 120×40 and 200×60; and hostile text rendered inert.

use dissent::store::SortKey;
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

/// Long ids that differ only at the end, CJK and emoji ids, and an item with 100 reviewers.
fn wide_rows() -> String {
    let mut rows = Vec::new();
    let mut judge = |item: &str, reviewer: &str, label: &str, extra: &str| {
        rows.push(format!(
            r#"{{"item_id":"{item}","task":"nli","reviewer":"{reviewer}","label":"{label}","evidence":"because {reviewer}"{extra}}}"#
        ));
    };
    for (item, labels) in [
        (
            "varierr-snli-validation-premise-hypothesis-pair-0042",
            ["entailment", "neutral", "neutral"],
        ),
        (
            "varierr-snli-validation-premise-hypothesis-pair-0043",
            ["contradiction", "neutral", "entailment"],
        ),
        ("標本-日本語-データ-0042", ["neutral", "neutral", "neutral"]),
        ("🦀-crab-item-7", ["entailment", "contradiction", "neutral"]),
    ] {
        for (i, label) in labels.iter().enumerate() {
            judge(
                item,
                &format!("annotator-{i}"),
                label,
                r#","premise":"日本語の前提""#,
            );
        }
    }
    for i in 0..100 {
        let label = ["entailment", "neutral", "contradiction"][i % 3];
        judge("cifar10-test-09999", &format!("r{i:03}"), label, "");
    }
    rows.join("\n")
}

/// The console on a batch of [`wide_rows`] under the NLI rubric.
fn wide_console(width: u16, height: u16) -> (Executor, App, Terminal<TestBackend>) {
    nli_console(&wide_rows(), None, width, height)
}

/// The console on NLI judgment `rows` (batch `wide`), with model `m`'s `predictions` if given.
fn nli_console(
    rows: &str,
    predictions: Option<&str>,
    width: u16,
    height: u16,
) -> (Executor, App, Terminal<TestBackend>) {
    let dir = common::Dir::new();
    let rows = dir.file("rows.jsonl", rows);
    let rubric = dissent::domain::rubric::Rubric::parse(
        &std::fs::read_to_string(common::rubric("nli.yaml")).expect("rubric"),
    )
    .expect("rubric parses");
    let mut store = dissent::store::Store::open_in_memory().expect("store");
    dissent::ingest::import_files(
        &mut store,
        &dissent::ingest::ImportJob {
            paths: &[rows.as_path()],
            rubric: &rubric,
            batch: "wide",
            format: dissent::ingest::Format::Judgments,
            map: &dissent::ingest::FieldMap::default(),
            actor: "tester",
            at: common::AT,
        },
        |_| {},
    )
    .expect("import");
    let batch = store.batch(Some("wide")).expect("batch");
    if let Some(predictions) = predictions {
        common::predict(&mut store, &batch, &dir, predictions);
    }
    let (exec, app) = common::console_on(store, batch, false, Keymap::default(), (width, height));
    (
        exec,
        app,
        Terminal::new(TestBackend::new(width, height)).expect("terminal"),
    )
}

/// NLI items with long ids that share their start, each judged by three reviewers, and model
/// `m` predicting each; the console on them, `width` × `height`.
fn long_ids_console(width: u16, height: u16) -> (Executor, App, Terminal<TestBackend>) {
    let mut judgments = String::new();
    let mut predictions = String::new();
    for i in 0..6 {
        let id = format!("varierr-snli-validation-premise-hypothesis-pair-004{i}");
        for (reviewer, label) in [
            ("a", "contradiction"),
            ("b", "contradiction"),
            ("c", "neutral"),
        ] {
            judgments.push_str(&format!(
                "{{\"item_id\":\"{id}\",\"task\":\"nli\",\"reviewer\":\"{reviewer}\",\"label\":\"{label}\"}}\n"
            ));
        }
        predictions.push_str(&format!(
            "{{\"item_id\":\"{id}\",\"distribution\":{{\"entailment\":0.9,\"neutral\":0.05,\"contradiction\":0.05}}}}\n"
        ));
    }
    nli_console(&judgments, Some(&predictions), width, height)
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

#[test]
fn wide_ids_and_a_hundred_reviewers() {
    for (w, h) in SIZES {
        for (name, item) in [
            (
                "long_id",
                "varierr-snli-validation-premise-hypothesis-pair-0042",
            ),
            ("cjk_id", "標本-日本語-データ-0042"),
            ("hundred", "cifar10-test-09999"),
        ] {
            let (mut exec, mut app, mut term) = wide_console(w, h);
            select(&mut exec, &mut app, item);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&app, &mut term));
        }
    }
}

/// The screen's rows as lists of cells (a wide character's second cell is empty).
fn cells(term: &Terminal<TestBackend>) -> Vec<Vec<String>> {
    let buffer = term.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_queue_row_keeps_its_status_column_and_the_end_of_its_id() {
    for (w, h) in SIZES {
        let (mut exec, mut app, mut term) = wide_console(w, h);
        select(
            &mut exec,
            &mut app,
            "varierr-snli-validation-premise-hypothesis-pair-0042",
        );
        term.draw(|f| draw(f, &app)).expect("draw");
        let screen = cells(&term);
        let rows = dissent::tui::render::areas(ratatui::layout::Rect::new(0, 0, w, h)).queue_rows;
        let header = &screen[usize::from(rows.y) - 1];
        let status_x = header.iter().position(|c| c == "✓").expect("status header");
        for (i, r) in app.rows.iter().enumerate().take(usize::from(rows.height)) {
            let line = &screen[usize::from(rows.y) + i];
            assert!(
                ["·", "■", "◇", "↺"].contains(&line[status_x].as_str()),
                "{w}x{h}: row of {} has no status under ✓: {:?}",
                r.item_id,
                line.concat()
            );
            let end: String = r
                .item_id
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            assert!(
                line.concat().contains(&end),
                "{w}x{h}: the end of {} is cut off: {:?}",
                r.item_id,
                line.concat()
            );
        }
        let title = screen[usize::from(rows.y) - 4].concat();
        assert!(
            title.contains("· minor · pending"),
            "{w}x{h}: the panel title lost the class or status: {title:?}"
        );
    }
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
fn any_terminal_size_draws_what_fits_and_every_popup_opens_and_closes() {
    let (mut exec, mut app, _) = console(120, 40);
    select(&mut exec, &mut app, "mri-2031");
    for (w, h) in [(1, 1), (10, 3), (30, 8), (45, 12), (80, 24), (200, 60)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        exec.dispatch(
            &mut app,
            Action::Resize(ratatui::layout::Rect::new(0, 0, w, h)),
        );
        let plain = screen(&app, &mut term);
        if w >= 45 {
            assert!(plain.contains("dissent"), "{w}x{h}: the title bar\n{plain}");
            assert!(
                plain.contains("mri-2031"),
                "{w}x{h}: the selected item\n{plain}"
            );
        }
        for (open, title) in [
            (Action::OpenHelp, "Help"),
            (Action::HardLabel, "Hard label"),
            (Action::OpenSearch, "Search"),
            (Action::KeepSoft, "Keep soft"),
        ] {
            exec.dispatch(&mut app, open);
            assert!(app.popup.is_some(), "{w}x{h}: {title} opens");
            let shown = screen(&app, &mut term);
            if w >= 45 {
                assert!(shown.contains(title), "{w}x{h}: {title}\n{shown}");
            }
            exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
            assert!(app.popup.is_none(), "{w}x{h}: {title} closes on Esc");
        }
    }
}

#[test]
fn a_long_search_is_cut_in_the_queue_title_with_the_sort_dropped_first() {
    let (mut exec, mut app, mut term) = console(80, 24);
    exec.dispatch(&mut app, Action::OpenSearch);
    for c in "Parietal lesion, 18 mm on the standard view".chars() {
        exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char(c))));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    let top = screen(&app, &mut term)
        .lines()
        .nth(1)
        .expect("row")
        .to_string();
    assert!(
        top.contains("┌ Queue · /Parietal lesion, 18 mm on the … ┐"),
        "{top}"
    );
}

#[test]
fn team_popups_staff_and_history() {
    let (mut exec, mut app, mut term) = console(120, 40);
    let enter = Action::PopupKey(Key::plain(KeyCode::Enter));
    // tester adds alice as a senior reviewer, becoming the first QA lead.
    exec.dispatch(&mut app, Action::OpenStaff);
    insta::assert_snapshot!("staff_empty_120x40", screen(&app, &mut term));
    exec.dispatch(&mut app, enter.clone());
    for c in "alice".chars() {
        exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char(c))));
    }
    exec.dispatch(&mut app, enter.clone());
    insta::assert_snapshot!("staff_role_120x40", screen(&app, &mut term));
    exec.dispatch(&mut app, enter);
    insta::assert_snapshot!("staff_list_120x40", screen(&app, &mut term));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
    select(&mut exec, &mut app, "mri-2035");
    exec.dispatch(&mut app, Action::KeepSoft);
    for c in "gold disputed".chars() {
        exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char(c))));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    select(&mut exec, &mut app, "mri-2035");
    exec.dispatch(&mut app, Action::OpenHistory);
    insta::assert_snapshot!("history_120x40", screen(&app, &mut term));
}

#[test]
fn qa_view() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = console(w, h);
        exec.dispatch(&mut app, Action::OpenQa);
        let shown = screen(&app, &mut term);
        let title = shown.lines().nth(1).expect("the view's top line");
        if w >= 120 {
            assert!(
                title.contains(
                    "┌ QA · batch demo · dissent report --batch demo -o qa.pdf for the whole report ┐"
                        .trim_end_matches('┐')
                ),
                "{title}"
            );
        }
        insta::assert_snapshot!(format!("qa_{w}x{h}"), shown);
    }
}

/// The first reviewer the QA view's table shows now.
fn qa_top(app: &App) -> usize {
    match &app.popup {
        Some(dissent::tui::app::Popup::Qa(qa)) => qa.top,
        other => panic!("the QA view is not open: {other:?}"),
    }
}

#[test]
fn the_qa_view_scrolls_through_every_reviewer_and_says_which_it_shows() {
    let (mut exec, mut app, mut term) = wide_console(120, 40);
    exec.dispatch(&mut app, Action::OpenQa);
    let press = |exec: &mut Executor, app: &mut App, k: KeyCode| {
        exec.dispatch(app, Action::Key(Key::plain(k)));
    };
    let shown = screen(&app, &mut term);
    let page = dissent::tui::render::qa_page(app.screen, {
        let Some(dissent::tui::app::Popup::Qa(qa)) = &app.popup else {
            panic!()
        };
        qa.report.as_ref().expect("report")
    });
    assert!(
        shown.contains(&format!("Reviewers 1–{page} of 103")),
        "{shown}"
    );
    assert!(!shown.contains("r099"), "{shown}");
    press(&mut exec, &mut app, KeyCode::Char('j'));
    press(&mut exec, &mut app, KeyCode::Down);
    assert_eq!(qa_top(&app), 2);
    press(&mut exec, &mut app, KeyCode::Char('k'));
    assert_eq!(qa_top(&app), 1);
    press(&mut exec, &mut app, KeyCode::PageDown);
    assert_eq!(qa_top(&app), 1 + page);
    press(&mut exec, &mut app, KeyCode::PageUp);
    press(&mut exec, &mut app, KeyCode::PageUp);
    assert_eq!(qa_top(&app), 0, "clamped at the top");
    press(&mut exec, &mut app, KeyCode::Char('G'));
    assert_eq!(qa_top(&app), 103 - page, "the last page, full");
    let shown = screen(&app, &mut term);
    assert!(
        shown.contains(&format!("Reviewers {}–103 of 103", 104 - page)) && shown.contains("r099"),
        "{shown}"
    );
    press(&mut exec, &mut app, KeyCode::Char('j'));
    assert_eq!(qa_top(&app), 103 - page, "never past the last page");
    press(&mut exec, &mut app, KeyCode::Char('k'));
    assert_eq!(
        qa_top(&app),
        102 - page,
        "one up from the end moves at once"
    );
    press(&mut exec, &mut app, KeyCode::Char('g'));
    assert_eq!(qa_top(&app), 0);
    // A cramped screen scrolls by its own, smaller page.
    let (mut exec, mut app, mut term) = wide_console(80, 24);
    exec.dispatch(&mut app, Action::OpenQa);
    press(&mut exec, &mut app, KeyCode::PageDown);
    insta::assert_snapshot!("qa_scrolled_80x24", screen(&app, &mut term));
}

/// The text inside the help's border, row by row, as drawn now.
fn help_box(app: &App, term: &mut Terminal<TestBackend>) -> Vec<String> {
    term.draw(|f| draw(f, app)).expect("draw");
    let size = term.backend().buffer().area;
    let (w, h) = (size.width.min(110), size.height.min(40));
    let (x0, y0) = ((size.width - w) / 2, (size.height - h) / 2);
    cells(term)[usize::from(y0) + 1..usize::from(y0 + h) - 1]
        .iter()
        .map(|row| row[usize::from(x0) + 1..usize::from(x0 + w) - 1].concat())
        .collect()
}

#[test]
fn the_help_cuts_no_entry_and_scrolls_where_it_does_not_fit() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = console(w, h);
        exec.dispatch(&mut app, Action::OpenHelp);
        let mut seen = help_box(&app, &mut term);
        for _ in 0..4 {
            exec.dispatch(&mut app, Action::Key(Key::plain(KeyCode::PageDown)));
            seen.extend(help_box(&app, &mut term));
        }
        let cut: Vec<&String> = seen.iter().filter(|l| l.contains('…')).collect();
        assert!(cut.is_empty(), "{w}x{h}: entries cut: {cut:#?}");
        let text = seen.join("\n");
        for whole in [
            "next item (panel: scroll down; list: next",
            "In the QA view (Q)",
            "dissent/keys.toml",
            "being decided by someone else",
        ] {
            assert!(
                text.contains(whole),
                "{w}x{h}: {whole:?} is not shown whole:\n{text}"
            );
        }
    }
}

#[test]
fn with_a_model_shown_long_ids_give_way_to_the_top_label_and_the_kl_order_names_the_model() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut exec, mut app, mut term) = long_ids_console(w, h);
        exec.dispatch(&mut app, Action::CycleModel);
        let shown = screen(&app, &mut term);
        let queue: Vec<&str> = shown.lines().skip(5).take(6).collect();
        // At 80×24 the queue is too narrow for both: the id keeps its ends, the label hides.
        for row in queue.iter().filter(|_| w >= 120) {
            assert!(
                row.contains(" contradiction ") && row.contains("…"),
                "{w}x{h}: the top label whole, the id cut in its middle: {row}\n{shown}"
            );
        }
        // KL(panel ‖ model) of (2/3 contradiction, 1/3 neutral) against (0.05, 0.05): 2.36 nats
        assert!(
            shown.lines().nth(4).is_some_and(|h| h.contains(" KL ")),
            "{shown}"
        );
        assert!(queue[0].contains(" 2.36 "), "{w}x{h}: {}", queue[0]);
        for _ in 0..SortKey::ALL.len() {
            exec.dispatch(&mut app, Action::CycleSort);
        }
        assert_eq!(app.sort, SortKey::Kl);
        let title = screen(&app, &mut term);
        let title = title.lines().nth(1).expect("queue title");
        assert!(title.contains("sort kl(m)"), "{w}x{h}: {title}");
    }
}

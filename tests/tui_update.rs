//! `update` without a terminal: every action, asserting the state it leaves and the effects it
//! asks for. Rows come from the embedded demo batch.

use dissent::domain::decision::{DecisionKind, DecisionStatus};
use dissent::domain::model::{DisagreementClass, FlagKind};
use dissent::store::{Direction, QueueCounts, SortKey};
use dissent::tui::app::{Focus, FormStep, Popup, Selection};
use dissent::tui::keymap::{Key, Keymap};
use dissent::tui::render::hints;
use dissent::tui::update::update;
use dissent::tui::{Action, App, Effect, Executor, Options};
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

mod common;

use common::{AT, select};

fn console() -> (Executor, App) {
    common::demo_console(120, 40, Keymap::default())
}

/// A screen whose queue shows `rows` rows (the title, status and queue header take 7 lines).
fn queue_rows(rows: u16) -> Rect {
    Rect::new(0, 0, 80, rows + 7)
}

fn key(c: char) -> Action {
    Action::PopupKey(Key::plain(KeyCode::Char(c)))
}

fn special(code: KeyCode) -> Action {
    Action::PopupKey(Key::plain(code))
}

/// The item ids asked for by these effects.
fn items_asked(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadItem { item_id, .. } => Some(item_id.as_str()),
            _ => None,
        })
        .collect()
}

/// Applies the answer to the page request awaited.
fn answer_page(
    app: &mut App,
    direction: Direction,
    replace: bool,
    select: Selection,
    rows: Vec<dissent::store::QueueRow>,
) -> Vec<Effect> {
    let action = Action::PageLoaded {
        request: app.page_request,
        direction,
        replace,
        select,
        rows,
    };
    update(app, action)
}

#[test]
fn start_loads_the_first_page_the_counts_and_the_first_item() {
    let (_, app) = console();
    assert_eq!(app.rows.len(), 39);
    assert_eq!(app.counts.total, 39);
    assert!(app.at_start && app.at_end);
    assert_eq!(app.selected, 0);
    assert_eq!(
        app.item.as_ref().map(|i| i.record.item_id.as_str()),
        Some(app.rows[0].item_id.as_str())
    );
    assert_eq!(app.tasks, ["tumor_severity_grade"]);
    // Default view: flagged items first, highest entropy first.
    let flagged: Vec<bool> = app.rows.iter().map(|r| !r.flags.is_empty()).collect();
    assert!(flagged.windows(2).all(|w| w[0] >= w[1]), "{flagged:?}");
}

#[test]
fn moving_selects_and_asks_for_the_item() {
    let (_, mut app) = console();
    let fx = update(&mut app, Action::Move(1));
    assert_eq!(app.selected, 1);
    assert_eq!(items_asked(&fx), [app.rows[1].item_id.as_str()]);
    assert_eq!(fx.len(), 1);
    let fx = update(&mut app, Action::Move(-5));
    assert_eq!(items_asked(&fx), [app.rows[0].item_id.as_str()]);
    assert_eq!(app.selected, 0, "clamped at the top");
    assert!(
        update(&mut app, Action::Move(-1)).is_empty(),
        "nothing to do at the top"
    );
    update(&mut app, Action::Resize(queue_rows(10)));
    update(&mut app, Action::PageDown);
    assert_eq!(app.selected, 10);
    update(&mut app, Action::HalfPageDown);
    assert_eq!(app.selected, 15);
    update(&mut app, Action::HalfPageUp);
    assert_eq!(app.selected, 10);
    update(&mut app, Action::PageUp);
    assert_eq!(app.selected, 0);
    update(&mut app, Action::Move(1000));
    assert_eq!(app.selected, 38, "clamped at the end");
    assert!(
        app.scroll + app.view_rows > app.selected && app.scroll <= app.selected,
        "selection visible"
    );
}

#[test]
fn jumps_fetch_from_either_end() {
    let (_, mut app) = console();
    let fx = update(&mut app, Action::Bottom);
    assert_eq!(
        fx,
        [Effect::LoadPage {
            request: app.page_request,
            anchor: None,
            direction: Direction::Backward,
            replace: true,
            select: Selection::Last
        }]
    );
    let fx = update(&mut app, Action::Top);
    assert_eq!(
        fx,
        [Effect::LoadPage {
            request: app.page_request,
            anchor: None,
            direction: Direction::Forward,
            replace: true,
            select: Selection::First
        }]
    );
}

#[test]
fn page_loaded_replaces_or_extends_the_window() {
    let (_, mut app) = console();
    let rows = app.rows.clone();
    answer_page(
        &mut app,
        Direction::Backward,
        true,
        Selection::Last,
        rows[20..].to_vec(),
    );
    assert_eq!(app.selected, 18);
    assert!(
        app.at_end && app.at_start,
        "a short page from the end reaches the start"
    );
    // Extending forward keeps the selection on the same row.
    answer_page(
        &mut app,
        Direction::Forward,
        true,
        Selection::Item(rows[5].item_id.clone()),
        rows[..10].to_vec(),
    );
    assert_eq!(
        app.selected_row().map(|r| r.item_id.clone()),
        Some(rows[5].item_id.clone())
    );
    answer_page(
        &mut app,
        Direction::Backward,
        false,
        Selection::First,
        rows[..0].to_vec(),
    );
    answer_page(
        &mut app,
        Direction::Forward,
        false,
        Selection::First,
        rows[10..].to_vec(),
    );
    assert_eq!(app.rows.len(), 39);
    assert_eq!(
        app.selected_row().map(|r| r.item_id.clone()),
        Some(rows[5].item_id.clone())
    );
    let fx = answer_page(
        &mut app,
        Direction::Forward,
        true,
        Selection::First,
        Vec::new(),
    );
    assert!(fx.is_empty() && app.item.is_none() && app.rows.is_empty());
}

#[test]
fn click_selects_the_row_under_the_pointer() {
    let (_, mut app) = console();
    update(&mut app, Action::FocusPanel);
    let fx = update(&mut app, Action::ClickRow(3));
    assert_eq!((app.selected, app.focus), (3, Focus::Queue));
    assert_eq!(items_asked(&fx), [app.rows[3].item_id.as_str()]);
    assert!(update(&mut app, Action::ClickRow(500)).is_empty());
}

#[test]
fn panes_switch_and_the_panel_scrolls() {
    let (_, mut app) = console();
    update(&mut app, Action::SwitchPane);
    assert_eq!(app.focus, Focus::Panel);
    update(&mut app, Action::Move(3));
    assert_eq!(
        (app.panel_scroll, app.selected),
        (3, 0),
        "j scrolls the panel when it has focus"
    );
    update(&mut app, Action::ScrollPanel(-10));
    assert_eq!(app.panel_scroll, 0);
    update(&mut app, Action::SwitchPane);
    assert_eq!(app.focus, Focus::Queue);
    update(&mut app, Action::FocusPanel);
    assert_eq!(app.focus, Focus::Panel);
}

fn reloads(fx: &[Effect]) -> bool {
    matches!(
        fx,
        [
            Effect::LoadPage {
                anchor: None,
                direction: Direction::Forward,
                replace: true,
                select: Selection::First,
                ..
            },
            Effect::LoadCounts,
        ]
    )
}

#[test]
fn filters_and_sort_cycle_and_reload() {
    let (_, mut app) = console();
    assert!(reloads(&update(&mut app, Action::CycleFlag)));
    assert!(app.filter.flagged_only);
    update(&mut app, Action::CycleFlag);
    assert_eq!(
        (app.filter.flagged_only, app.filter.flag),
        (false, Some(FlagKind::RubricProblem))
    );
    assert!(reloads(&update(&mut app, Action::CycleClass)));
    assert_eq!(app.filter.class, Some(DisagreementClass::Agreement));
    assert!(reloads(&update(&mut app, Action::CycleStatus)));
    assert_eq!(app.filter.status, Some(DecisionStatus::Pending));
    assert!(reloads(&update(&mut app, Action::CycleTask)));
    assert_eq!(app.filter.task.as_deref(), Some("tumor_severity_grade"));
    update(&mut app, Action::CycleTask);
    assert_eq!(app.filter.task, None, "cycles back to all tasks");
    assert!(reloads(&update(&mut app, Action::CycleSort)));
    assert_eq!(app.sort, SortKey::Entropy);
    assert!(reloads(&update(&mut app, Action::ClearFilters)));
    assert_eq!(app.filter, dissent::store::QueueFilter::default());
    assert_eq!(
        app.sort,
        SortKey::Entropy,
        "clearing filters keeps the order"
    );
}

#[test]
fn search_types_edits_and_applies() {
    let (_, mut app) = console();
    update(&mut app, Action::OpenSearch);
    for c in "mri-20399".chars() {
        update(&mut app, key(c));
    }
    update(&mut app, special(KeyCode::Backspace));
    assert!(
        matches!(&app.popup, Some(Popup::Search(p)) if dissent::tui::search::text(p) == "mri-2039")
    );
    assert!(reloads(&update(&mut app, special(KeyCode::Enter))));
    assert_eq!(app.filter.search.as_deref(), Some("mri-2039"));
    assert!(app.popup.is_none());
    update(&mut app, Action::OpenSearch);
    update(&mut app, special(KeyCode::Esc));
    assert!(app.popup.is_none());
    assert_eq!(
        app.filter.search.as_deref(),
        Some("mri-2039"),
        "Esc keeps the search in force"
    );
}

#[test]
fn hard_label_form_walks_label_code_erring_reason_confirm() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    update(&mut app, Action::HardLabel);
    let step = |app: &App| match &app.popup {
        Some(Popup::Decide(f)) => f.step,
        other => panic!("no form: {other:?}"),
    };
    assert_eq!(step(&app), FormStep::Label);
    update(&mut app, key('j'));
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(step(&app), FormStep::ReasonCode);
    update(&mut app, special(KeyCode::Down));
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(
        step(&app),
        FormStep::Erring,
        "reviewer_error asks who erred"
    );
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(step(&app), FormStep::Erring, "someone must be marked");
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    update(&mut app, key(' '));
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(step(&app), FormStep::Reason);
    update(&mut app, Action::PopupKey(Key::ctrl('s')));
    assert_eq!(step(&app), FormStep::Reason, "an empty reason is refused");
    assert!(
        screen(&app).contains("a decision needs a reason"),
        "said in the popup"
    );
    for c in "D read the oblique view".chars() {
        update(&mut app, key(c));
    }
    update(&mut app, Action::PopupKey(Key::ctrl('s')));
    assert_eq!(step(&app), FormStep::Confirm);
    update(&mut app, special(KeyCode::Esc));
    assert_eq!(step(&app), FormStep::Reason, "Esc steps back");
    update(&mut app, Action::PopupKey(Key::ctrl('s')));
    let fx = update(&mut app, key('y'));
    let [
        Effect::Decide {
            item_id,
            decision,
            seen,
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(item_id, "mri-2031");
    assert_eq!(*seen, None, "made over no decision, as shown");
    assert_eq!(decision.kind, DecisionKind::HardLabel);
    assert_eq!(decision.label.as_deref(), Some("moderate"));
    assert_eq!(decision.reason_code.as_deref(), Some("reviewer_error"));
    assert_eq!(decision.erring, ["D"]);
    assert_eq!(decision.text, "D read the oblique view");
    assert!(app.popup.is_none());
}

#[test]
fn keep_soft_and_rereview_go_straight_to_the_reason_and_esc_closes() {
    let (_, mut app) = console();
    for (action, kind) in [
        (Action::KeepSoft, DecisionKind::KeepSoft),
        (Action::Rereview, DecisionKind::Rereview),
    ] {
        update(&mut app, action);
        match &app.popup {
            Some(Popup::Decide(f)) => assert_eq!((f.kind, f.step), (kind, FormStep::Reason)),
            other => panic!("{other:?}"),
        }
        update(&mut app, special(KeyCode::Esc));
        assert!(app.popup.is_none());
    }
}

#[test]
fn committing_advances_and_undo_asks_first() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    let next = app.rows[app.selected + 1].item_id.clone();
    exec.dispatch(&mut app, Action::KeepSoft);
    for c in "honest split".chars() {
        exec.dispatch(&mut app, key(c));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(&mut app, key('y'));
    assert_eq!(
        app.selected_row().map(|r| r.item_id.clone()),
        Some(next),
        "decide-and-advance"
    );
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.starts_with("recorded keep_soft on mri-2031"))
    );
    assert_eq!(app.counts.by_status[2], 1, "counts follow");
    select(&mut exec, &mut app, "mri-2031");
    assert_eq!(
        app.selected_item().map(|i| i.status),
        Some(DecisionStatus::KeepSoft)
    );
    update(&mut app, Action::Undo);
    assert!(matches!(&app.popup, Some(Popup::ConfirmUndo(ask)) if ask.item_id == "mri-2031"));
    update(&mut app, key('n'));
    assert!(app.popup.is_none());
    update(&mut app, Action::Undo);
    let shown = app
        .selected_item()
        .and_then(|i| i.decisions.last())
        .map(|d| d.id);
    assert!(shown.is_some());
    assert_eq!(
        update(&mut app, key('y')),
        [Effect::Undo {
            item_id: "mri-2031".into(),
            seen: shown
        }]
    );
    let fx = update(
        &mut app,
        Action::Committed {
            item_id: "mri-2031".into(),
            message: "reverted".into(),
            advance: false,
        },
    );
    assert!(
        matches!(fx.as_slice(), [Effect::LoadPage { select: Selection::Item(i), .. }, Effect::LoadCounts] if i == "mri-2031")
    );
}

#[test]
fn undo_without_a_decision_says_so() {
    let (_, mut app) = console();
    assert!(update(&mut app, Action::Undo).is_empty());
    assert_eq!(
        app.message.as_deref(),
        Some("no decision to undo on this item")
    );
}

#[test]
fn help_opens_and_closes_and_quit_quits() {
    let (_, mut app) = console();
    update(&mut app, Action::OpenHelp);
    assert!(matches!(app.popup, Some(Popup::Help(_))));
    update(&mut app, key('j'));
    assert!(
        matches!(app.popup, Some(Popup::Help(_))),
        "other keys leave the help open"
    );
    update(&mut app, special(KeyCode::Esc));
    assert!(app.popup.is_none());
    update(&mut app, Action::OpenHelp);
    update(&mut app, key('?'));
    assert!(app.popup.is_none(), "the help key closes it too");
    update(&mut app, Action::Quit);
    assert!(app.quit);
}

#[test]
fn help_opens_over_the_qa_view_and_closes_back_to_it() {
    let (_, mut app) = console();
    let fx = update(&mut app, Action::OpenQa);
    let [Effect::LoadQa { request }] = fx[..] else {
        panic!("{fx:?}")
    };
    let over_qa = |app: &App| matches!(&app.popup, Some(Popup::Help(h)) if matches!(h.over, Some(Popup::Qa(_))));
    for help in [key('?'), special(KeyCode::F(1))] {
        update(&mut app, help);
        assert!(over_qa(&app), "{:?}", app.popup);
        assert!(
            hints(&app).contains(&("Esc".to_string(), "back".to_string())),
            "{:?}",
            hints(&app)
        );
        // The report arriving meanwhile goes to the view under the help.
        update(
            &mut app,
            Action::QaLoaded {
                request,
                report: Err("no report".into()),
            },
        );
        update(&mut app, special(KeyCode::Esc));
        let Some(Popup::Qa(qa)) = &app.popup else {
            panic!("Esc goes back to the QA view: {:?}", app.popup)
        };
        assert_eq!(qa.awaiting, None);
    }
    update(&mut app, key('?'));
    update(&mut app, key('?'));
    assert!(matches!(app.popup, Some(Popup::Qa(_))), "? closes it too");
    update(&mut app, special(KeyCode::Esc));
    assert!(app.popup.is_none(), "Esc then closes the QA view");
}

#[test]
fn results_update_the_state() {
    let (_, mut app) = console();
    let counts = QueueCounts {
        total: 7,
        ..QueueCounts::default()
    };
    update(&mut app, Action::CountsLoaded(counts.clone()));
    assert_eq!(app.counts, counts);
    update(&mut app, Action::TasksLoaded(vec!["a".into(), "b".into()]));
    assert_eq!(app.tasks, ["a", "b"]);
    update(&mut app, Action::Failed("database is locked".into()));
    assert_eq!(app.message.as_deref(), Some("database is locked"));
    update(&mut app, Action::Resize(queue_rows(5)));
    assert_eq!(app.view_rows, 5);
    // An item that is no longer selected is not shown.
    let mut stale = app.item.clone().expect("item");
    stale.record.item_id = "elsewhere".into();
    let before = app.item.clone();
    let request = app.requests;
    update(
        &mut app,
        Action::ItemLoaded {
            request,
            item: Ok(Box::new(stale)),
        },
    );
    assert_eq!(app.item, before);
}

#[test]
fn the_window_pages_through_a_long_queue_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows: String = (0..1234)
        .flat_map(|i| {
            let labels = ["mild", "moderate", "severe"];
            (0..3).map(move |r| {
                format!(
                    "{{\"item_id\":\"it-{i:05}\",\"reviewer\":\"R{r}\",\"label\":\"{}\"}}\n",
                    labels[(i + r * (i % 3)) % 3]
                )
            })
        })
        .collect();
    let file = dir.path().join("long.jsonl");
    std::fs::write(&file, rows).expect("write");
    let rubric = dissent::domain::rubric::Rubric::parse(dissent::demo::RUBRIC).expect("rubric");
    let mut store = dissent::store::Store::open(&dir.path().join("db.sqlite")).expect("db");
    dissent::ingest::import_files(
        &mut store,
        &dissent::ingest::ImportJob {
            paths: &[file.as_path()],
            rubric: &rubric,
            batch: "long",
            format: dissent::ingest::Format::Auto,
            map: &Default::default(),
            actor: "t",
            at: AT,
        },
        |_| {},
    )
    .expect("import");
    let batch = store.batch(None).expect("batch");
    let mut exec = Executor::new(store, batch, "t".into(), Box::new(|| AT.to_string()));
    let options = Options {
        actor: "t".into(),
        mouse: false,
        demo: false,
        keymap: Keymap::default(),
    };
    let mut app = dissent::tui::start(&mut exec, &options, Rect::new(0, 0, 120, 40));
    exec.dispatch(&mut app, Action::CycleSort);
    exec.dispatch(&mut app, Action::CycleSort);
    exec.dispatch(&mut app, Action::CycleSort);
    exec.dispatch(&mut app, Action::CycleSort);
    assert_eq!(app.sort, SortKey::Id);
    let mut seen = vec![app.selected_row().expect("row").item_id.clone()];
    for _ in 0..1233 {
        exec.dispatch(&mut app, Action::Move(1));
        seen.push(app.selected_row().expect("row").item_id.clone());
        assert!(app.rows.len() <= dissent::tui::app::MAX_WINDOW);
    }
    let expected: Vec<String> = (0..1234).map(|i| format!("it-{i:05}")).collect();
    assert_eq!(seen, expected, "every item once, in order, across pages");
    exec.dispatch(&mut app, Action::Move(1));
    assert_eq!(
        app.selected_row().map(|r| r.item_id.as_str()),
        Some("it-01233"),
        "stops at the end"
    );
    for _ in 0..1233 {
        exec.dispatch(&mut app, Action::Move(-1));
    }
    assert_eq!(
        app.selected_row().map(|r| r.item_id.as_str()),
        Some("it-00000"),
        "and back up"
    );
    exec.dispatch(&mut app, Action::Bottom);
    assert_eq!(
        app.selected_row().map(|r| r.item_id.as_str()),
        Some("it-01233")
    );
    exec.dispatch(&mut app, Action::PageUp);
    exec.dispatch(&mut app, Action::Top);
    assert_eq!(
        app.selected_row().map(|r| r.item_id.as_str()),
        Some("it-00000")
    );
    assert_eq!(
        app.item.as_ref().map(|i| i.record.item_id.as_str()),
        Some("it-00000")
    );
}

#[test]
fn deciding_on_the_last_item_keeps_the_rows_above_in_view() {
    let (mut exec, mut app) = console();
    exec.dispatch(&mut app, Action::Bottom);
    let last = app.selected_row().expect("row").item_id.clone();
    exec.dispatch(&mut app, Action::KeepSoft);
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Char('x'))));
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    assert_eq!(
        app.selected_row().map(|r| r.item_id.clone()),
        Some(last),
        "nothing after the last item"
    );
    assert_eq!(app.rows.len(), 39, "the rows before it came back");
    assert!(app.at_start && app.at_end);
}

fn press(c: char) -> Action {
    Action::Key(Key::plain(KeyCode::Char(c)))
}

/// Runs the effects as the executor would, applying each answer (and what it asks for next).
fn run_all(exec: &mut Executor, app: &mut App, fx: Vec<Effect>) {
    let mut queue = std::collections::VecDeque::from(fx);
    while let Some(effect) = queue.pop_front() {
        if let Some(answer) = exec.run(&app.filter, app.sort, effect) {
            queue.extend(update(app, answer));
        }
    }
}

/// The screen as text.
fn screen(app: &App) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    term.draw(|f| dissent::tui::render::draw(f, app))
        .expect("draw");
    let buffer = term.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn form(app: &App) -> &dissent::tui::app::DecisionForm {
    match &app.popup {
        Some(Popup::Decide(f)) => f,
        other => panic!("no form: {other:?}"),
    }
}

#[test]
fn a_decision_key_while_the_item_loads_waits_for_it_and_so_does_what_follows() {
    let (mut exec, mut app) = console();
    let second = app.rows[1].item_id.clone();
    // `j` then `s` arrive together: the item of the new row is not there yet.
    let mut fx = update(&mut app, press('j'));
    assert_eq!(items_asked(&fx), [second.as_str()]);
    for c in "sdu r".chars() {
        fx.extend(update(&mut app, press(c)));
    }
    assert!(app.popup.is_none() && app.held.len() == 5, "{:?}", app.held);
    assert_eq!(
        app.filter,
        dissent::store::QueueFilter::default(),
        "`d` did not cycle the filter"
    );
    run_all(&mut exec, &mut app, fx);
    let f = form(&app);
    assert_eq!(f.item_id, second, "the form is on the row selected");
    assert_eq!(f.kind, DecisionKind::KeepSoft);
    assert_eq!(f.reason.lines(), ["du r"], "the reason typed is the reason");
    assert!(app.held.is_empty());
}

#[test]
fn held_input_waits_for_the_latest_item_not_an_earlier_answer() {
    let (mut exec, mut app) = console();
    let first = update(&mut app, press('j'));
    let second = update(&mut app, press('j'));
    update(&mut app, press('u'));
    update(&mut app, press('j'));
    // The answer for the row left behind changes nothing.
    run_all(&mut exec, &mut app, first);
    assert_eq!((app.selected, app.held.len()), (2, 2));
    run_all(&mut exec, &mut app, second);
    assert_eq!(
        app.selected, 3,
        "`u` then `j` applied once the item was there"
    );
    assert_eq!(
        app.message.as_deref(),
        Some("no decision to undo on this item")
    );
    assert!(app.held.is_empty());
}

#[test]
fn an_item_that_cannot_be_read_drops_the_input_waiting_for_it_and_says_so() {
    let (_, mut app) = console();
    update(&mut app, press('j'));
    update(&mut app, press('s'));
    update(&mut app, press('x'));
    let request = app.item_request.expect("awaited");
    update(
        &mut app,
        Action::ItemLoaded {
            request,
            item: Err("database is locked".into()),
        },
    );
    assert!(app.held.is_empty() && app.popup.is_none());
    assert_eq!(
        app.message.as_deref(),
        Some("database is locked (2 keys typed for it were not applied)")
    );
    update(&mut app, press('j'));
    assert!(app.held.is_empty(), "keys are read again");
}

#[test]
fn ctrl_c_quits_even_while_input_waits() {
    let (_, mut app) = console();
    update(&mut app, press('j'));
    update(&mut app, press('s'));
    update(&mut app, Action::Key(Key::ctrl('c')));
    assert!(app.quit);
}

#[test]
fn a_page_asked_for_before_a_reload_is_dropped_when_it_answers() {
    let (_, mut app) = console();
    let rows = app.rows.clone();
    // The window does not reach the end, so moving near it asks for the next page.
    app.at_end = false;
    let prefetch = update(&mut app, Action::Move(1));
    let [_, Effect::LoadPage { request: old, .. }] = prefetch.as_slice() else {
        panic!("{prefetch:?}")
    };
    let old = *old;
    assert!(reloads(&update(&mut app, Action::CycleFlag)));
    let stale = |rows: Vec<dissent::store::QueueRow>| Action::PageLoaded {
        request: old,
        direction: Direction::Forward,
        replace: false,
        select: Selection::First,
        rows,
    };
    // Before the reload answers: nothing appended, and the reload is still awaited.
    assert!(update(&mut app, stale(rows[..5].to_vec())).is_empty());
    assert_eq!(app.rows.len(), 39);
    assert!(app.loading, "the reload is still under way");
    assert!(
        update(&mut app, Action::Move(1)).is_empty(),
        "no move, and no prefetch, in the old window"
    );
    answer_page(
        &mut app,
        Direction::Forward,
        true,
        Selection::First,
        rows[..10].to_vec(),
    );
    assert!(!app.loading);
    // After it: the reloaded window is left alone.
    update(&mut app, stale(rows[10..].to_vec()));
    assert_eq!(app.rows, rows[..10]);
}

#[test]
fn a_rubric_without_reason_codes_refuses_a_hard_label_and_does_not_panic() {
    let (mut exec, mut app) = console();
    app.rubric.reason_codes.clear();
    select(&mut exec, &mut app, "mri-2031");
    update(&mut app, Action::HardLabel);
    assert!(app.popup.is_none());
    assert_eq!(
        app.message.as_deref(),
        Some("the rubric lists no reason codes: no hard label can be recorded")
    );
    assert!(screen(&app).contains("the rubric lists no reason codes"));
    // The form never indexes past its list, whatever it holds.
    app.rubric.reason_codes = vec!["reviewer_error".into()];
    if let Some(item) = app.item.as_mut() {
        item.record.panel = dissent::domain::model::Panel::Counts(Default::default());
    }
    update(&mut app, Action::HardLabel);
    update(&mut app, special(KeyCode::Enter));
    assert!(form(&app).codes.is_empty());
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(form(&app).step, FormStep::ReasonCode);
    let shown = screen(&app);
    assert!(
        shown.contains("no reason code can be chosen for this item")
            && shown.contains("reviewer_error is not offered"),
        "{shown}"
    );
}

#[test]
fn the_erring_step_shows_labels_and_confidence_and_refuses_who_agreed() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    update(&mut app, Action::HardLabel);
    update(&mut app, key('j'));
    update(&mut app, special(KeyCode::Enter)); // moderate
    update(&mut app, special(KeyCode::Down));
    update(&mut app, special(KeyCode::Enter)); // reviewer_error
    assert_eq!(form(&app).step, FormStep::Erring);
    let shown = screen(&app);
    assert!(shown.contains("A — moderate · conf 0.80"), "{shown}");
    assert!(shown.contains("D — mild · conf 0.40"), "{shown}");
    // Nobody marked: said inside the popup, where it can be seen.
    update(&mut app, special(KeyCode::Enter));
    assert!(
        screen(&app).contains("mark at least one reviewer who erred (Space)"),
        "{}",
        screen(&app)
    );
    // A chose moderate, the label decided on: A did not err.
    update(&mut app, key(' '));
    assert!(!form(&app).reviewers[0].erred);
    assert!(
        screen(&app).contains("A chose moderate, the label decided on: they did not err"),
        "{}",
        screen(&app)
    );
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    update(&mut app, key(' '));
    assert!(form(&app).reviewers[2].erred, "C chose severe");
    update(&mut app, special(KeyCode::Enter));
    assert_eq!(form(&app).step, FormStep::Reason);
}

#[test]
fn a_mark_does_not_survive_a_change_to_the_label_its_reviewer_chose() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    update(&mut app, Action::HardLabel);
    update(&mut app, key('j'));
    update(&mut app, special(KeyCode::Enter)); // moderate
    update(&mut app, special(KeyCode::Down));
    update(&mut app, special(KeyCode::Enter)); // reviewer_error
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    update(&mut app, key(' '));
    assert!(form(&app).reviewers[2].erred, "C chose severe");
    // back to the label step, and severe is decided after all: C did not err
    update(&mut app, special(KeyCode::Esc));
    update(&mut app, special(KeyCode::Esc));
    assert_eq!(form(&app).step, FormStep::Label);
    update(&mut app, key('j'));
    update(&mut app, key('j'));
    update(&mut app, special(KeyCode::Enter)); // severe
    assert!(!form(&app).reviewers[2].erred, "C's mark is gone");
}

#[test]
fn reviewer_error_is_not_offered_where_nobody_can_have_erred() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    if let Some(item) = app.item.as_mut() {
        item.record.panel = dissent::domain::model::Panel::Counts(Default::default());
    }
    update(&mut app, Action::HardLabel);
    update(&mut app, special(KeyCode::Enter));
    let f = form(&app);
    assert!(
        !f.codes.iter().any(|c| c == "reviewer_error"),
        "{:?}",
        f.codes
    );
    assert_eq!(f.codes.len(), 3);
    assert!(screen(&app).contains("reviewer_error is not offered: this item records label counts"));
}

#[test]
fn search_starts_empty_and_recalls_earlier_queries() {
    let (_, mut app) = console();
    let text = |app: &App| match &app.popup {
        Some(Popup::Search(p)) => dissent::tui::search::text(p),
        other => panic!("{other:?}"),
    };
    for q in ["mri-2031", "edema"] {
        update(&mut app, Action::OpenSearch);
        for c in q.chars() {
            update(&mut app, key(c));
        }
        update(&mut app, special(KeyCode::Enter));
    }
    update(&mut app, Action::OpenSearch);
    assert_eq!(text(&app), "", "each search starts empty");
    update(&mut app, special(KeyCode::Up));
    assert_eq!(text(&app), "edema");
    update(&mut app, special(KeyCode::Up));
    assert_eq!(text(&app), "mri-2031");
    update(&mut app, special(KeyCode::Up));
    assert_eq!(text(&app), "mri-2031", "the oldest stays");
    update(&mut app, special(KeyCode::Down));
    assert_eq!(text(&app), "edema");
    update(&mut app, key('s'));
    assert_eq!(text(&app), "edemas", "a recalled query can be edited");
    update(&mut app, special(KeyCode::Down));
    assert_eq!(text(&app), "");
    update(&mut app, special(KeyCode::Esc));
    assert_eq!(app.filter.search.as_deref(), Some("edema"));
}

#[test]
fn a_finalized_batch_refuses_decisions_when_asked_not_at_commit() {
    let (mut exec, mut app) = console();
    app.title.finalized = true;
    select(&mut exec, &mut app, "mri-2031");
    for action in [
        Action::HardLabel,
        Action::KeepSoft,
        Action::Rereview,
        Action::Undo,
    ] {
        app.message = None;
        assert!(update(&mut app, action).is_empty());
        assert!(app.popup.is_none());
        assert_eq!(
            app.message.as_deref(),
            Some("batch demo is finalized: its decisions can no longer change")
        );
    }
}

#[test]
fn popups_speak_to_the_user_not_of_internal_documents() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    update(&mut app, Action::HardLabel);
    update(&mut app, special(KeyCode::Enter));
    let shown = screen(&app);
    assert!(shown.contains("Why a hard label?"), "{shown}");
    assert!(!shown.contains('§') && !shown.contains("seed"), "{shown}");
}

#[test]
fn jumping_to_the_end_fills_the_pane_above_the_last_row() {
    let (mut exec, mut app) = console();
    update(&mut app, Action::Resize(queue_rows(10)));
    exec.dispatch(&mut app, Action::Bottom);
    assert_eq!(app.selected, 38);
    assert_eq!(app.scroll, 29, "the last row is on the pane's last line");
    exec.dispatch(&mut app, Action::Top);
    assert_eq!((app.selected, app.scroll), (0, 0));
}

#[test]
fn top_and_bottom_scroll_the_panel_when_it_has_the_keys() {
    let (_, mut app) = console();
    update(&mut app, Action::FocusPanel);
    update(&mut app, Action::ScrollPanel(5));
    assert!(update(&mut app, Action::Top).is_empty());
    assert_eq!((app.panel_scroll, app.selected), (0, 0));
    assert_eq!(app.panel_offset(12), 0);
    assert!(update(&mut app, Action::Bottom).is_empty());
    assert_eq!(
        app.panel_offset(12),
        12,
        "the panel's end, however long it is"
    );
    assert_eq!(app.selected, 0, "the queue did not move");
    update(&mut app, Action::Move(-2));
    assert_eq!(app.panel_offset(12), 10, "and up from there");
    update(&mut app, Action::Top);
    assert_eq!(app.panel_offset(12), 0);
}

#[test]
fn a_decision_key_right_after_a_commit_waits_for_the_next_item() {
    let (mut exec, mut app) = console();
    select(&mut exec, &mut app, "mri-2031");
    let next = app.rows[app.selected + 1].item_id.clone();
    exec.dispatch(&mut app, Action::KeepSoft);
    exec.dispatch(&mut app, key('x'));
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    // `y` commits; `r` and a reason follow before the decision is written.
    let mut fx = update(&mut app, key('y'));
    for c in "rok".chars() {
        fx.extend(update(&mut app, press(c)));
    }
    assert!(app.popup.is_none(), "not opened on the item just decided");
    run_all(&mut exec, &mut app, fx);
    let f = form(&app);
    assert_eq!(
        (f.item_id.as_str(), f.kind),
        (next.as_str(), DecisionKind::Rereview)
    );
    assert_eq!(f.reason.lines(), ["ok"]);
}

#[test]
fn a_move_typed_while_the_window_is_replaced_moves_in_the_new_window() {
    let (mut exec, mut app) = console();
    let mut fx = update(&mut app, press('G'));
    fx.extend(update(&mut app, press('k')));
    fx.extend(update(&mut app, press('k')));
    run_all(&mut exec, &mut app, fx);
    assert_eq!(app.selected, 36, "two up from the last row");
    assert_eq!(
        app.item.as_ref().map(|i| i.record.item_id.as_str()),
        Some(app.rows[36].item_id.as_str())
    );
}

//! The console in a team: claims, conflicts, changes made by another process, roles, "mine",
//! and an item's history — on state, with a second store acting as the other person.

mod common;

use dissent::domain::decision::{DecisionKind, DecisionStatus, NewDecision};
use dissent::domain::team::Role;
use dissent::store::{Assignee, Assignment, Basis, Store, StoreError};
use dissent::tui::app::{FormStep, Popup};
use dissent::tui::keymap::{Key, Keymap};
use dissent::tui::{Action, App, Executor, Options};
use ratatui::crossterm::event::KeyCode;

use common::{Dir, real_batch};

const ITEM: &str = "varierr-66185c";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// VariErr's slice with alice and bob as senior reviewers and vic as a viewer.
fn team() -> Dir {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    for (name, role) in [
        ("alice", "senior_reviewer"),
        ("bob", "senior_reviewer"),
        ("vic", "viewer"),
    ] {
        d.ok(&["staff", "add", name, "--role", role]);
    }
    d
}

fn store(d: &Dir) -> Store {
    Store::open_existing(&d.path("db.sqlite")).expect("open")
}

/// A console on the team's database acting as `who`, on the real clock.
fn console(d: &Dir, who: &str) -> (Executor, App) {
    let s = store(d);
    let batch = s.batch(None).expect("batch");
    let mut exec = Executor::new(s, batch, who.into(), Box::new(now));
    let options = Options {
        actor: who.into(),
        mouse: false,
        demo: false,
        keymap: Keymap::default(),
    };
    let app = dissent::tui::start(
        &mut exec,
        &options,
        ratatui::layout::Rect::new(0, 0, 120, 40),
    );
    (exec, app)
}

fn key(c: char) -> Action {
    Action::PopupKey(Key::plain(KeyCode::Char(c)))
}

/// Opens keep-soft on the selected item, types a reason and confirms.
fn keep_soft(exec: &mut Executor, app: &mut App, reason: &str) {
    exec.dispatch(app, Action::KeepSoft);
    for c in reason.chars() {
        exec.dispatch(app, key(c));
    }
    exec.dispatch(app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(app, key('y'));
}

fn keep(text: &str) -> NewDecision {
    NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: text.into(),
    }
}

#[test]
fn opening_the_form_claims_the_item_and_cancelling_releases_it() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, ITEM);
    exec.dispatch(&mut app, Action::KeepSoft);
    let mut bob = store(&d);
    let batch = bob.batch(None).expect("batch");
    let held = bob.claim(&batch, ITEM, "bob", &now()).unwrap_err();
    assert!(
        matches!(&held, StoreError::Claimed(c) if c.holder == "alice"),
        "{held}"
    );
    assert_eq!(
        bob.item(&batch, ITEM)
            .expect("item")
            .claim
            .map(|c| c.holder),
        Some("alice".into()),
        "others see who holds it"
    );
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
    assert!(app.popup.is_none());
    bob.claim(&batch, ITEM, "bob", &now())
        .expect("released on cancel");
    // Now alice is refused, told who holds it, and the form closes.
    exec.dispatch(&mut app, Action::KeepSoft);
    assert!(app.popup.is_none());
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("is being decided by bob")),
        "{:?}",
        app.message
    );
    // Quitting a console releases what it holds.
    bob.release(&batch, ITEM, "bob").expect("release");
    exec.dispatch(&mut app, Action::KeepSoft);
    exec.release();
    bob.claim(&batch, ITEM, "bob", &now())
        .expect("released on quit");
}

#[test]
fn a_decision_made_meanwhile_is_shown_and_asked_again_never_layered_over() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, ITEM);
    exec.dispatch(&mut app, Action::KeepSoft);
    // Bob decides the item while alice's form is open (her claim broken by a QA lead first).
    let mut other = store(&d);
    let batch = other.batch(None).expect("batch");
    other
        .break_claim(&batch, ITEM, "tester", &now())
        .expect("break");
    let bobs = other
        .decide(
            &batch,
            ITEM,
            &keep("bob's"),
            Basis::Saw(None),
            "bob",
            &now(),
        )
        .expect("bob");
    for c in "mine".chars() {
        exec.dispatch(&mut app, key(c));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    exec.dispatch(&mut app, key('y'));
    let Some(Popup::Decide(form)) = &app.popup else {
        panic!("the form is asked again: {:?}", app.message)
    };
    assert_eq!(form.step, FormStep::Confirm);
    assert_eq!(form.seen, Some(bobs), "now made over what is shown");
    let notice = form.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("changed while you were deciding: it now has keep_soft by bob"),
        "{notice}"
    );
    assert_eq!(
        form.reason.lines().join(""),
        "mine",
        "the text typed is kept"
    );
    assert_eq!(
        app.selected_item().map(|i| i.decisions.len()),
        Some(1),
        "the panel shows bob's decision"
    );
    exec.dispatch(&mut app, key('y'));
    assert!(app.popup.is_none());
    let item = other.item(&batch, ITEM).expect("item");
    assert_eq!(item.decisions.len(), 2);
    assert_eq!(item.decisions[1].actor, "alice");
}

#[test]
fn a_change_made_elsewhere_shows_without_moving_the_selection_or_losing_the_text() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, "varierr-49807n");
    assert_eq!(exec.tick(), None, "nothing changed yet");
    exec.dispatch(&mut app, Action::OpenSearch);
    exec.dispatch(&mut app, key('x'));
    let mut other = store(&d);
    let batch = other.batch(None).expect("batch");
    other
        .decide(
            &batch,
            "varierr-49807n",
            &keep("split"),
            Basis::Saw(None),
            "bob",
            &now(),
        )
        .expect("bob");
    let changed = exec.tick().expect("seen");
    assert!(matches!(changed, Action::Changed { .. }), "{changed:?}");
    exec.dispatch(&mut app, changed);
    assert_eq!(
        app.selected_row().map(|r| r.item_id.as_str()),
        Some("varierr-49807n")
    );
    assert_eq!(
        app.selected_item().map(|i| i.status),
        Some(DecisionStatus::KeepSoft)
    );
    assert_eq!(app.counts.by_status[2], 1, "the counts follow");
    match &app.popup {
        Some(Popup::Search(p)) => assert_eq!(p.input.lines().join(""), "x"),
        other => panic!("the search prompt stays open: {other:?}"),
    }
    assert_eq!(exec.tick(), None, "one change, one refresh");
}

#[test]
fn a_viewer_is_told_the_role_deciding_needs_and_a_reviewer_opens_on_their_items() {
    let d = team();
    let (mut exec, mut app) = console(&d, "vic");
    assert_eq!(app.standing.role, Some(Role::Viewer));
    exec.dispatch(&mut app, Action::HardLabel);
    assert!(app.popup.is_none());
    assert_eq!(
        app.message.as_deref(),
        Some(
            "`vic` is a viewer: deciding an item needs a QA lead or a senior reviewer (see `dissent staff list`)"
        )
    );
    let mut lead = store(&d);
    let batch = lead.batch(None).expect("batch");
    let two = ["varierr-7449e".to_string(), "varierr-1735n".to_string()];
    lead.assign(
        &batch,
        Assignment::Items(&two),
        Assignee::To("alice"),
        "tester",
        &now(),
    )
    .expect("assign");
    let (mut exec, mut app) = console(&d, "alice");
    assert_eq!(app.filter.assignee.as_deref(), Some("alice"));
    let mut shown: Vec<&str> = app.rows.iter().map(|r| r.item_id.as_str()).collect();
    shown.sort_unstable();
    assert_eq!(shown, ["varierr-1735n", "varierr-7449e"]);
    assert_eq!(app.counts.total, 2);
    assert!(
        app.selected_item()
            .and_then(|i| i.assignee.clone())
            .is_some(),
        "the panel says whose it is"
    );
    exec.dispatch(&mut app, Action::ToggleMine);
    assert_eq!(app.rows.len(), 20, "all items again");
    // Bob has none assigned: his console opens on all of them.
    let (_, app) = console(&d, "bob");
    assert_eq!(app.filter.assignee, None);
}

#[test]
fn the_history_shows_who_did_what_to_the_item() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, ITEM);
    keep_soft(&mut exec, &mut app, "honest split");
    common::select(&mut exec, &mut app, ITEM);
    exec.dispatch(&mut app, Action::OpenHistory);
    let Some(Popup::History(h)) = &app.popup else {
        panic!("{:?}", app.popup)
    };
    assert_eq!(h.item_id, ITEM);
    let actions: Vec<(&str, &str)> = h
        .events
        .iter()
        .flatten()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(actions, [("alice", "decide")]);
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
    assert!(app.popup.is_none());
}

#[test]
fn a_qa_lead_adds_changes_and_removes_staff_in_the_console_and_others_are_told_no() {
    let d = team();
    let (mut exec, mut app) = console(&d, "tester");
    exec.dispatch(&mut app, Action::OpenStaff);
    let names = |app: &App| match &app.popup {
        Some(Popup::Staff(v)) => v
            .members
            .iter()
            .flatten()
            .map(|m| format!("{}:{}", m.name, m.role.as_str()))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        names(&app),
        [
            "alice:senior_reviewer",
            "bob:senior_reviewer",
            "tester:qa_lead",
            "vic:viewer"
        ]
    );
    // "+ add someone" is after the last member: dana, as a senior reviewer (offered first).
    for _ in 0..4 {
        exec.dispatch(&mut app, key('j'));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    for c in "dana".chars() {
        exec.dispatch(&mut app, key(c));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    assert!(names(&app).contains(&"dana:senior_reviewer".to_string()));
    // vic (4th by name now: alice, bob, dana, tester, vic) is removed.
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    let Some(Popup::Staff(v)) = &app.popup else {
        panic!()
    };
    assert!(
        matches!(&v.step, dissent::tui::app::StaffStep::Role { name, .. } if name == "vic"),
        "{:?}",
        v.step
    );
    for _ in 0..3 {
        exec.dispatch(&mut app, key('j'));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    assert!(!names(&app).iter().any(|n| n.starts_with("vic")));
    let Some(Popup::Staff(v)) = &app.popup else {
        panic!()
    };
    assert_eq!(
        v.notice.as_deref(),
        Some("vic is no longer on the staff list")
    );
    // A senior reviewer sees the list; a change is refused, naming the role it needs.
    let (mut exec, mut app) = console(&d, "alice");
    exec.dispatch(&mut app, Action::OpenStaff);
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    exec.dispatch(&mut app, key('k'));
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Enter)));
    let Some(Popup::Staff(v)) = &app.popup else {
        panic!()
    };
    assert_eq!(
        v.notice.as_deref(),
        Some(
            "`alice` is a senior reviewer: changing the staff list needs a QA lead (see `dissent staff list`)"
        )
    );
    assert_eq!(
        store(&d).standing("alice").expect("standing").role,
        Some(Role::SeniorReviewer)
    );
}

#[test]
fn the_qa_view_reads_through_its_own_connection_and_follows_decisions_made_elsewhere() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    exec.dispatch(&mut app, Action::OpenQa);
    let kept = |app: &App| match &app.popup {
        Some(Popup::Qa(qa)) => {
            assert_eq!(qa.awaiting, None);
            let r = qa.report.as_ref().expect("report");
            assert_eq!(r.header.items, 20);
            r.counts
                .statuses
                .0
                .iter()
                .find(|(s, _)| s == "keep_soft")
                .map_or(0, |(_, n)| *n)
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(kept(&app), 0);
    let mut other = store(&d);
    let batch = other.batch(None).expect("batch");
    other
        .decide(
            &batch,
            ITEM,
            &keep("split"),
            Basis::Saw(None),
            "bob",
            &now(),
        )
        .expect("bob");
    let changed = exec.tick().expect("seen");
    exec.dispatch(&mut app, changed);
    assert_eq!(kept(&app), 1, "brought up to date");
    exec.dispatch(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
    assert!(app.popup.is_none());
}

#[test]
fn keys_typed_after_a_decision_that_meets_a_conflict_are_dropped_not_applied() {
    use dissent::tui::update::update;
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, ITEM);
    exec.dispatch(&mut app, Action::KeepSoft);
    for c in "mine".chars() {
        exec.dispatch(&mut app, key(c));
    }
    exec.dispatch(&mut app, Action::PopupKey(Key::ctrl('s')));
    let mut other = store(&d);
    let batch = other.batch(None).expect("batch");
    other
        .break_claim(&batch, ITEM, "tester", &now())
        .expect("break");
    other
        .decide(
            &batch,
            ITEM,
            &keep("bob's"),
            Basis::Saw(None),
            "bob",
            &now(),
        )
        .expect("bob");
    // `y` confirms; `s` and more are typed before the answer comes back.
    let effects = update(&mut app, key('y'));
    for action in [Action::KeepSoft, key('x')] {
        assert!(update(&mut app, action).is_empty(), "held while writing");
    }
    let mut answers: Vec<Action> = effects
        .into_iter()
        .filter_map(|e| exec.run(&app.filter.clone(), app.sort, e))
        .collect();
    assert!(matches!(answers[0], Action::Conflict { .. }), "{answers:?}");
    for effect in update(&mut app, answers.remove(0)) {
        if let Some(a) = exec.run(&app.filter.clone(), app.sort, effect) {
            exec.dispatch(&mut app, a);
        }
    }
    let Some(Popup::Decide(form)) = &app.popup else {
        panic!("the conflict is shown: {:?}", app.popup)
    };
    assert_eq!(
        form.reason.lines().join(""),
        "mine",
        "not the keys typed ahead"
    );
    assert!(app.held.is_empty());
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("2 keys typed after it not applied")),
        "{:?}",
        app.message
    );
}

#[test]
fn a_role_changed_or_the_batch_finalized_elsewhere_reaches_the_open_console() {
    let d = team();
    let (mut exec, mut app) = console(&d, "vic");
    let mut lead = store(&d);
    lead.add_staff("vic", Role::SeniorReviewer, "tester", &now())
        .expect("promote");
    let changed = exec.tick().expect("seen");
    exec.dispatch(&mut app, changed);
    assert_eq!(app.standing.role, Some(Role::SeniorReviewer));
    let batch = lead.batch(None).expect("batch");
    lead.set_batch_status(
        &batch,
        dissent::store::BatchStatus::Finalized,
        true,
        "tester",
        &now(),
    )
    .expect("finalize");
    let changed = exec.tick().expect("seen");
    exec.dispatch(&mut app, changed);
    assert!(app.title.finalized);
    exec.dispatch(&mut app, Action::KeepSoft);
    assert!(app.popup.is_none(), "no form on a finalized batch");
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("is finalized"))
    );
    // A claim on a finalized batch is refused by the store too.
    let refused = lead.claim(&batch, ITEM, "tester", &now()).unwrap_err();
    assert!(matches!(refused, StoreError::Finalized(_)), "{refused}");
}

#[test]
fn a_popup_opens_at_once_so_a_key_typed_after_it_goes_to_it() {
    use dissent::tui::update::update;
    let d = team();
    let (_, mut app) = console(&d, "alice");
    for open in [Action::OpenHistory, Action::OpenStaff] {
        let effects = update(&mut app, open);
        assert_eq!(effects.len(), 1);
        assert!(app.popup.is_some(), "open before the answer");
        update(&mut app, Action::PopupKey(Key::plain(KeyCode::Esc)));
        assert!(app.popup.is_none(), "Esc closed it");
    }
    // A late answer does not open a popup closed meanwhile.
    update(
        &mut app,
        Action::HistoryLoaded {
            item_id: ITEM.into(),
            events: Ok(Vec::new()),
        },
    );
    assert!(app.popup.is_none());
}

#[test]
fn a_claim_that_lapses_shows_in_the_other_consoles_though_it_commits_nothing() {
    let d = team();
    let (mut exec, mut app) = console(&d, "alice");
    common::select(&mut exec, &mut app, ITEM);
    let mut bob = store(&d);
    let batch = bob.batch(None).expect("batch");
    // Bob's claim, taken long enough ago to lapse within a second.
    let ago = (chrono::Utc::now()
        - chrono::Duration::seconds(dissent::domain::team::CLAIM_TTL_SECS - 1))
    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    bob.claim(&batch, ITEM, "bob", &ago).expect("claim");
    let changed = exec.tick().expect("the claim is seen");
    exec.dispatch(&mut app, changed);
    assert!(app.selected_item().and_then(|i| i.claim.clone()).is_some());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let changed = exec.tick().expect("its lapse is seen");
    exec.dispatch(&mut app, changed);
    assert_eq!(app.selected_item().and_then(|i| i.claim.clone()), None);
}

#[test]
fn the_qa_view_never_makes_two_reports_at_once() {
    use dissent::tui::Effect;
    use dissent::tui::update::update;
    let d = team();
    let (_, mut app) = console(&d, "alice");
    let first = update(&mut app, Action::OpenQa);
    let [Effect::LoadQa { request }] = first[..] else {
        panic!("{first:?}")
    };
    let changed = Action::Changed {
        standing: app.standing,
        finalized: false,
    };
    let again = update(&mut app, changed.clone());
    assert!(
        !again.iter().any(|e| matches!(e, Effect::LoadQa { .. })),
        "one at a time"
    );
    update(&mut app, changed);
    let after = update(
        &mut app,
        Action::QaLoaded {
            request,
            report: Err("x".into()),
        },
    );
    assert_eq!(
        after
            .iter()
            .filter(|e| matches!(e, Effect::LoadQa { .. }))
            .count(),
        1,
        "one more for the changes meanwhile: {after:?}"
    );
}

//! The console with a model's predictions: the panel draws the shown model's distribution
//! under the panel's, with its KL; `M` cycles the models (then none); an answer for another
//! item or model is dropped.

mod common;

use dissent::store::SortKey;

use common::{AT, Dir, select};
use dissent::tui::keymap::Keymap;
use dissent::tui::render::draw;
use dissent::tui::{Action, App, Executor};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo batch with model `m` predicting mri-2031 only.
fn console() -> (Executor, App, Terminal<TestBackend>) {
    let (mut store, batch) = dissent::demo::open("tester", AT).expect("demo");
    let d = Dir::new();
    common::predict(
        &mut store,
        &batch,
        &d,
        "{\"item_id\":\"mri-2031\",\"distribution\":{\"mild\":0.1,\"moderate\":0.8,\"severe\":0.1}}\n",
    );
    let mut exec = Executor::new(store, batch, "tester".into(), Box::new(|| AT.to_string()));
    let options = dissent::tui::Options {
        actor: "tester".into(),
        mouse: true,
        demo: true,
        keymap: Keymap::default(),
    };
    let app = dissent::tui::start(
        &mut exec,
        &options,
        ratatui::layout::Rect::new(0, 0, 120, 40),
    );
    (
        exec,
        app,
        Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
    )
}

fn screen(app: &App, terminal: &mut Terminal<TestBackend>) -> String {
    terminal.draw(|f| draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn the_panel_draws_the_shown_models_distribution_with_its_kl() {
    let (mut exec, mut app, mut term) = console();
    assert_eq!(app.models, vec!["m".to_string()]);
    select(&mut exec, &mut app, "mri-2031");
    assert!(
        !screen(&app, &mut term).contains("Model m"),
        "none shown at first"
    );
    exec.dispatch(&mut app, Action::CycleModel);
    let shown = screen(&app, &mut term);
    insta::assert_snapshot!("panel_with_model_120x40", shown);
    // panel (0.25, 0.5, 0.25) against (0.1, 0.8, 0.1): KL = 0.5 ln 2.5 + 0.5 ln 0.625
    let kl = 0.5 * 2.5f64.ln() + 0.5 * 0.625f64.ln();
    assert!(
        shown.contains(&format!("Model m · KL {kl:.3} nats")),
        "{shown}"
    );
    // another item: the model predicts none
    let other = app
        .rows
        .iter()
        .map(|r| r.item_id.clone())
        .find(|i| i != "mri-2031")
        .expect("another item");
    select(&mut exec, &mut app, &other);
    assert!(screen(&app, &mut term).contains("Model m: no prediction for this item"));
    // With a model shown, the sort cycle reaches its KL order: the items it predicts, highest
    // KL first; without one, that order gives way to the default.
    for _ in 0..SortKey::ALL.len() {
        exec.dispatch(&mut app, Action::CycleSort);
    }
    assert_eq!(app.sort, SortKey::Kl);
    assert_eq!(
        app.rows
            .iter()
            .map(|r| r.item_id.as_str())
            .collect::<Vec<_>>(),
        ["mri-2031"],
        "the one item the model predicts"
    );
    assert!(screen(&app, &mut term).contains("sort kl"));
    // Clearing the filters keeps the model shown, its column and its order.
    exec.dispatch(&mut app, Action::ClearFilters);
    assert_eq!(app.filter.model.as_deref(), Some("m"));
    assert_eq!(app.rows.iter().filter(|r| r.kl.is_some()).count(), 1);
    // cycling past the last model shows none again
    exec.dispatch(&mut app, Action::CycleModel);
    assert_eq!(app.model, None);
    assert_eq!(app.sort, SortKey::Triage);
    assert_eq!(app.rows.len(), 39);
    assert!(!screen(&app, &mut term).contains("Model m"));
}

#[test]
fn a_prediction_for_another_item_or_model_is_dropped_and_no_model_is_said_so() {
    let (mut exec, mut app, mut term) = console();
    select(&mut exec, &mut app, "mri-2031");
    exec.dispatch(&mut app, Action::CycleModel);
    exec.dispatch(
        &mut app,
        Action::PredictionLoaded {
            item_id: "elsewhere".into(),
            model: "m".into(),
            prediction: Ok(Some((vec![1.0, 0.0, 0.0], 9.0))),
        },
    );
    let shown = screen(&app, &mut term);
    assert!(
        shown.contains("KL 0.223"),
        "the answer for mri-2031 stays\n{shown}"
    );
    let (mut exec, mut app) = common::demo_console(120, 40, Keymap::default());
    exec.dispatch(&mut app, Action::CycleModel);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("no model predictions")),
        "{:?}",
        app.message
    );
}

//! Console latency on a 1M-item database (`cargo bench --bench console_1m`): open time, and
//! keypress → frame (update, queries, draw to a 120×40 `TestBackend`) for moving, jumping to
//! the end, changing a filter and searching (after the one-off build of the search index). The database (1M items × 3 reviewers) is built once
//! and kept at `target/bench-console-1m.db`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;

use common::{console, frame, percentile, search};
use dissent::domain::rubric::Rubric;
use dissent::ingest::{FieldMap, Format, ImportJob, import_files};
use dissent::store::Store;
use dissent::tui::Action;
use dissent::tui::render::draw;

const ITEMS: usize = 1_000_000;
const AT: &str = "2026-01-01T00:00:00Z";

fn build(db: &Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("items.csv");
    let labels = ["mild", "moderate", "severe"];
    let mut w = BufWriter::new(std::fs::File::create(&csv).expect("csv"));
    writeln!(w, "item_id,reviewer,label,confidence,text").expect("write");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..ITEMS {
        for r in 0..3 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let label = labels[((x >> 3) % 3) as usize];
            writeln!(
                w,
                "item-{i:07},r{r},{label},{},report {i} on lesion {}",
                1 + x % 5,
                i % 997
            )
            .expect("write");
        }
    }
    w.flush().expect("flush");
    drop(w);
    let rubric = Rubric::parse(dissent::demo::RUBRIC).expect("rubric");
    let start = Instant::now();
    // Built beside the target and renamed into place, so a failed build leaves no database.
    let partial = db.with_extension("partial");
    let mut store = Store::open(&partial).expect("db");
    import_files(
        &mut store,
        &ImportJob {
            paths: &[csv.as_path()],
            rubric: &rubric,
            batch: "big",
            format: Format::Auto,
            map: &FieldMap::default(),
            actor: "bench",
            at: AT,
        },
        |_| {},
    )
    .expect("import");
    drop(store);
    std::fs::rename(&partial, db).expect("rename");
    println!(
        "built {ITEMS} items × 3 reviewers in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn report(name: &str, mut samples: Vec<Duration>, target: &str) {
    let max = samples
        .iter()
        .max()
        .copied()
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0;
    println!(
        "| {name} | {} | {:.2} | {:.2} | {max:.2} | {target} |",
        samples.len(),
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99)
    );
}

fn main() {
    let db = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-console-1m.db");
    if !db.exists() {
        build(&db);
    }
    let start = Instant::now();
    let store = Store::open(&db).expect("open");
    let (mut exec, mut app, mut term) = console(store, AT);
    // A run stopped before its end may have left the bench's items assigned to it.
    if app.filter.assignee.is_some() {
        exec.dispatch(&mut app, Action::ToggleMine);
    }
    term.draw(|f| draw(f, &app)).expect("draw");
    let open = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(app.counts.total as usize, ITEMS);

    let moves: Vec<Duration> = (0..2000)
        .map(|_| frame(&mut exec, &mut app, &mut term, Action::Move(1)))
        .collect();
    // The change watcher: the console's worker looks at the database every 500 ms; here it
    // looks on every keypress, the worst case.
    let watched: Vec<Duration> = (0..2000)
        .map(|_| {
            let start = Instant::now();
            let changed = exec.tick();
            let t = frame(&mut exec, &mut app, &mut term, Action::Move(1));
            assert!(changed.is_none());
            start.elapsed().max(t)
        })
        .collect();
    // Another process decides an item: the watcher sees it and the console refreshes the
    // window around the selection, the counts and the panel.
    let mut other = Store::open(&db).expect("open");
    let big = other.batch(None).expect("batch");
    let mut refreshes = Vec::new();
    for i in 0..50 {
        let item = format!("item-{:07}", 500_000 + i);
        let keep = dissent::domain::decision::NewDecision {
            kind: dissent::domain::decision::DecisionKind::KeepSoft,
            label: None,
            reason_code: None,
            erring: vec![],
            text: "bench".into(),
        };
        let basis = dissent::store::Basis::Current { supersede: true };
        match i % 2 {
            0 => other
                .decide(&big, &item, &keep, basis, "other", AT)
                .map(|_| ()),
            _ => other
                .undo(
                    &big,
                    &format!("item-{:07}", 500_000 + i - 1),
                    basis,
                    "other",
                    AT,
                )
                .map(|_| ()),
        }
        .expect("write");
        let start = Instant::now();
        let changed = exec.tick().expect("seen");
        frame(&mut exec, &mut app, &mut term, changed);
        refreshes.push(start.elapsed());
    }
    // The QA view's report of the million items is made on a thread of its own, reading
    // through a second connection, while keys keep moving the queue.
    let job = exec.qa_job(u64::MAX);
    let started = Instant::now();
    let making = std::thread::spawn(move || {
        let answer = job();
        (answer, Instant::now())
    });
    let mut during_report = Vec::new();
    while !making.is_finished() {
        during_report.push(frame(&mut exec, &mut app, &mut term, Action::Move(1)));
    }
    let (answer, done) = making.join().expect("report");
    assert!(matches!(answer, Action::QaLoaded { report: Ok(_), .. }));
    let qa_secs = (done - started).as_secs_f64();
    // "Mine": a reviewer's 1000 assigned items out of the million.
    let mine: Vec<String> = (0..1000).map(|i| format!("item-{:07}", i * 997)).collect();
    other
        .assign(
            &big,
            dissent::store::Assignment::Items(&mine),
            dissent::store::Assignee::To("bench"),
            "lead",
            AT,
        )
        .expect("assign");
    exec.tick();
    let mut mine_toggles = Vec::new();
    for _ in 0..30 {
        mine_toggles.push(frame(&mut exec, &mut app, &mut term, Action::ToggleMine));
    }
    frame(&mut exec, &mut app, &mut term, Action::ClearFilters);
    other
        .assign(
            &big,
            dissent::store::Assignment::Items(&mine),
            dissent::store::Assignee::Nobody,
            "lead",
            AT,
        )
        .expect("unassign");
    let mut jumps = Vec::new();
    for _ in 0..50 {
        jumps.push(frame(&mut exec, &mut app, &mut term, Action::Bottom));
        jumps.push(frame(&mut exec, &mut app, &mut term, Action::Top));
    }
    let mut filters = Vec::new();
    for i in 0..60 {
        let a = if i % 2 == 0 {
            Action::CycleFlag
        } else {
            Action::CycleClass
        };
        filters.push(frame(&mut exec, &mut app, &mut term, a));
    }
    frame(&mut exec, &mut app, &mut term, Action::ClearFilters);
    let first_search = search(&mut exec, &mut app, &mut term, "lesion 42").as_secs_f64();
    let hits: Vec<Duration> = (0..10)
        .map(|i| search(&mut exec, &mut app, &mut term, &format!("item-00{i}")))
        .collect();
    let misses: Vec<Duration> = (0..5)
        .map(|_| search(&mut exec, &mut app, &mut term, "no such text"))
        .collect();

    println!(
        "\nopen (store, batch, first page, counts, first item, first frame): {open:.1} ms (target < 200 ms)\n"
    );
    println!(
        "first search after the import (builds the trigram index once): {first_search:.1} s\n"
    );
    println!("| keypress → frame | n | p50 ms | p99 ms | max ms | target |");
    println!("|---|---|---|---|---|---|");
    report("move (j)", moves, "p99 < 10 ms");
    report(
        "move (j), watcher looking every keypress",
        watched,
        "p99 < 10 ms",
    );
    report("another process decides: refresh", refreshes, "< 100 ms");
    report(
        "only mine / all (m), 1000 assigned",
        mine_toggles,
        "< 100 ms",
    );
    report(
        &format!("move (j) while the QA view's report is made ({qa_secs:.1} s)"),
        during_report,
        "p99 < 10 ms",
    );
    report("jump to end / top (G, g)", jumps, "–");
    report("filter change (f, c)", filters, "< 100 ms");
    report("search, matching (/ … Enter)", hits, "< 100 ms");
    report("search, no match", misses, "< 100 ms");
}

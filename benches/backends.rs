//! The same store on SQLite and on PostgreSQL, side by side in one run (`cargo bench --bench
//! backends`): the synthetic batch of `throughput` (200k items × 5 reviewers, 1M judgment
//! rows) imported into an SQLite file and into a PostgreSQL database, then on each:
//! - the floor: `sqlite3 .import`, or `psql \copy`, of the same CSV into a bare table;
//! - the import, the export to JSONL and the report (figures, JSON, HTML, PDF), each in a child
//!   process so that its wall time and peak RSS are its own (the server's memory is not in it);
//! - the queue through the store calls a keypress makes (first page, the next pages by keyset,
//!   the last page, the header's counts, the item panel, a filter change, a search after the
//!   first one has built the index), and the console itself on the store (keypress → frame to a
//!   120×40 `TestBackend`), p50 / p99 over hundreds of moves.
//!
//! The server is `DISSENT_BENCH_PG`, else `DISSENT_TEST_PG` (a URL whose user may create
//! databases: the bench makes two and drops them after); with neither, SQLite alone.
//! `DISSENT_BENCH_ITEMS` sets another size, `DISSENT_BENCH_DIR` keeps the generated files there.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{
    REVIEWERS, child, console, field, frame, generated, open, percentile, run_child, search,
    sqlite_floor,
};
use dissent::domain::model::DisagreementClass;
use dissent::store::{Direction, QueueFilter, QueueRow, SortKey};
use dissent::tui::Action;
use dissent::tui::app::PAGE;
use dissent::tui::render::draw;

const AT: &str = "2026-01-01T00:00:00Z";
/// Moves timed per queue operation.
const MOVES: usize = 200;

/// What one backend measured, each a cell of the table.
struct Column {
    name: &'static str,
    rows: Vec<(String, String)>,
}

impl Column {
    fn push(&mut self, op: &str, cell: String) {
        self.rows.push((op.to_string(), cell));
    }

    /// p50 / p99 of `samples` as a cell.
    fn timed(&mut self, op: &str, mut samples: Vec<Duration>) {
        let n = samples.len();
        let cell = format!(
            "{:.2} / {:.2} ms",
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.99)
        );
        self.push(&format!("{op} (p50 / p99 of {n})"), cell);
    }
}

/// Two databases on the PostgreSQL server, one for dissent and one for the floor's bare table,
/// dropped when this is.
struct PgDatabases {
    server: String,
    name: String,
}

impl PgDatabases {
    fn new(server: String) -> PgDatabases {
        let name = format!("dissent_bench_{}", std::process::id());
        let this = PgDatabases { server, name };
        let mut admin = this.admin();
        for db in [this.name.clone(), this.floor_name()] {
            // one statement a call: CREATE DATABASE runs outside a transaction only
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .expect("drop");
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .expect("create database");
        }
        this
    }

    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.server, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the bench's PostgreSQL server: {e}"))
    }

    fn floor_name(&self) -> String {
        format!("{}_floor", self.name)
    }

    /// The server's URL naming database `name`.
    fn url(&self, name: &str) -> String {
        let sep = if self.server.contains('?') { '&' } else { '?' };
        format!("{}{sep}dbname={name}", self.server)
    }

    /// The server's version and the settings that bear on the figures.
    fn settings(&self) -> String {
        let mut admin = self.admin();
        let mut shown = vec![];
        for name in [
            "server_version",
            "fsync",
            "synchronous_commit",
            "shared_buffers",
            "work_mem",
            "max_wal_size",
        ] {
            let value: String = admin
                .query_one(&format!("SHOW {name}"), &[])
                .map(|r| r.get(0))
                .unwrap_or_else(|e| e.to_string());
            shown.push(format!("{name}={value}"));
        }
        shown.join(", ")
    }

    /// The floor of an import into PostgreSQL: `psql \copy` of `csv` into a bare table, in
    /// seconds; `None` (said) without psql.
    fn floor(&self, csv: &Path) -> Option<f64> {
        let start = Instant::now();
        let done = Command::new("psql")
            .arg(self.url(&self.floor_name()))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"])
            .arg("CREATE TABLE judgments (item_id text, reviewer text, label text, confidence text, evidence text, text text)")
            .arg("-c")
            .arg(format!(
                "\\copy judgments FROM '{}' WITH (FORMAT csv, HEADER true)",
                csv.display()
            ))
            .status();
        match done {
            Ok(s) if s.success() => Some(start.elapsed().as_secs_f64()),
            _ => {
                println!("psql not available: no PostgreSQL floor measured");
                None
            }
        }
    }
}

impl Drop for PgDatabases {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            for db in [self.name.clone(), self.floor_name()] {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
            }
        }
    }
}

/// Import, export and report of the CSV at `csv` into the store at `db`, each a child process.
fn steps(column: &mut Column, csv: &Path, db: &str, dir: &Path, items: usize) {
    let (secs, out) = child(&["child-import", csv.to_str().expect("path"), db]);
    column.push(
        "import (parse, summaries, indexes, one transaction)",
        format!(
            "{secs:.2} s, {:.0} rows/s, {:.0} MiB",
            (items * REVIEWERS) as f64 / secs,
            field(&out, 2)
        ),
    );
    let jsonl = dir.join(format!("export-{}.jsonl", column.name));
    let (secs, out) = child(&["child-export", db, jsonl.to_str().expect("path")]);
    column.push(
        "export to JSONL",
        format!(
            "{secs:.2} s, {:.0} items/s, {:.0} MiB",
            items as f64 / secs,
            field(&out, 1)
        ),
    );
    let json = dir.join(format!("report-{}.json", column.name));
    let (secs, out) = child(&["child-report", db, json.to_str().expect("path")]);
    column.push(
        "report: figures, then JSON, HTML, PDF",
        format!(
            "{secs:.2} s (figures {:.2} s, JSON {:.2}, HTML {:.2}, PDF {:.2}), {:.0} MiB",
            field(&out, 2),
            field(&out, 3),
            field(&out, 4),
            field(&out, 5),
            field(&out, 1)
        ),
    );
}

/// The `i`th search that matches 100 items: `case-NNNNN` matches `case-NNNNN00` …
/// `case-NNNNN99` (and nothing else: the payload says `case N`).
fn hundred(i: usize, items: usize) -> String {
    format!("case-{:05}", (i * 7) % (items / 100).max(1))
}

/// Times `n` runs of `f`.
fn times(n: usize, mut f: impl FnMut(usize)) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed()
        })
        .collect()
}

/// The store calls a keypress makes, each timed [`MOVES`] times.
fn store_moves(column: &mut Column, db: &str, items: usize) {
    column.timed(
        "open the store and the batch",
        times(20, |_| {
            let store = open(db);
            store.batch(None).expect("batch");
        }),
    );
    let store = open(db);
    let batch = store.batch(None).expect("batch");
    let all = QueueFilter::default();
    let page = |filter: &QueueFilter, anchor: Option<&QueueRow>, direction| {
        store
            .queue_page(&batch, filter, SortKey::Triage, anchor, direction, PAGE)
            .expect("page")
    };
    column.timed(
        "first page (200 rows, triage order)",
        times(MOVES, |_| {
            page(&all, None, Direction::Forward);
        }),
    );
    let mut anchor: Option<QueueRow> = None;
    column.timed(
        "next page by keyset",
        times(MOVES, |_| {
            let rows = page(&all, anchor.as_ref(), Direction::Forward);
            anchor = rows.last().cloned();
        }),
    );
    column.timed(
        "last page (jump to the end)",
        times(MOVES, |_| {
            page(&all, None, Direction::Backward);
        }),
    );
    column.timed(
        "header counts",
        times(MOVES, |_| {
            store.queue_counts(&batch, &all).expect("counts");
        }),
    );
    let keys: Vec<String> = page(&all, None, Direction::Forward)
        .into_iter()
        .map(|r| r.item_id)
        .collect();
    column.timed(
        "item panel (the selected item read)",
        times(MOVES, |i| {
            store.item(&batch, &keys[i % keys.len()]).expect("item");
        }),
    );
    let filters = [
        QueueFilter {
            flagged_only: true,
            ..QueueFilter::default()
        },
        QueueFilter {
            class: Some(DisagreementClass::Major),
            ..QueueFilter::default()
        },
    ];
    column.timed(
        "filter change, flagged only / a class: first page + counts",
        times(MOVES, |i| {
            let filter = &filters[i % 2];
            page(filter, None, Direction::Forward);
            store.queue_counts(&batch, filter).expect("counts");
        }),
    );
    let searched = |text: String| QueueFilter {
        search: Some(text),
        ..QueueFilter::default()
    };
    let first = Instant::now();
    let filter = searched("lesion report".into());
    page(&filter, None, Direction::Forward);
    store.queue_counts(&batch, &filter).expect("counts");
    column.push(
        "first search (fills the search index): first page + counts",
        format!("{:.2} s", first.elapsed().as_secs_f64()),
    );
    column.timed(
        "search of 100 items (10 characters): first page + counts",
        times(MOVES, |i| {
            let filter = searched(hundred(i, items));
            page(&filter, None, Direction::Forward);
            let found = store.queue_counts(&batch, &filter).expect("counts").total;
            assert_eq!(found, 100, "{filter:?}");
        }),
    );
    column.timed(
        "search that matches nothing: first page + counts",
        times(MOVES, |_| {
            let filter = searched("no such text".into());
            page(&filter, None, Direction::Forward);
            store.queue_counts(&batch, &filter).expect("counts");
        }),
    );
    column.timed(
        "search matching every item (`coronal`): first page + counts",
        times(20, |_| {
            let filter = searched("coronal".into());
            page(&filter, None, Direction::Forward);
            store.queue_counts(&batch, &filter).expect("counts");
        }),
    );
}

/// The console on the store, keypress → frame.
fn console_moves(column: &mut Column, db: &str, items: usize) {
    let start = Instant::now();
    let (mut exec, mut app, mut term) = console(open(db), AT);
    term.draw(|f| draw(f, &app)).expect("draw");
    column.push(
        "console open (store, first page, counts, first item, first frame)",
        format!("{:.1} ms", start.elapsed().as_secs_f64() * 1000.0),
    );
    let mut key = |action: Action| frame(&mut exec, &mut app, &mut term, action);
    column.timed(
        "console: move (j)",
        (0..2000).map(|_| key(Action::Move(1))).collect(),
    );
    column.timed(
        "console: page down",
        (0..MOVES).map(|_| key(Action::PageDown)).collect(),
    );
    column.timed(
        "console: jump to end / top (G, g)",
        (0..MOVES)
            .map(|i| {
                key(if i % 2 == 0 {
                    Action::Bottom
                } else {
                    Action::Top
                })
            })
            .collect(),
    );
    column.timed(
        "console: filter change (f, c)",
        (0..MOVES)
            .map(|i| {
                key(if i % 2 == 0 {
                    Action::CycleFlag
                } else {
                    Action::CycleClass
                })
            })
            .collect(),
    );
    key(Action::ClearFilters);
    column.timed(
        "console: search of 100 items (/ … Enter)",
        (0..MOVES)
            .map(|i| search(&mut exec, &mut app, &mut term, &hundred(MOVES + i, items)))
            .collect(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if run_child(&args) {
        return;
    }
    let run = generated(&[
        "floor.db",
        "backends.db",
        "backends.db-wal",
        "backends.db-shm",
    ]);
    let (dir, csv, items) = (run.dir.as_path(), &run.csv, run.items);
    let server = ["DISSENT_BENCH_PG", "DISSENT_TEST_PG"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    let pg = match server {
        Some(server) => Some(PgDatabases::new(server)),
        None => {
            println!("no PostgreSQL server (set DISSENT_BENCH_PG or DISSENT_TEST_PG): SQLite only");
            None
        }
    };
    if let Some(pg) = &pg {
        println!("PostgreSQL: {}", pg.settings());
    }

    let mut columns = Vec::new();
    let mut sqlite = Column {
        name: "SQLite",
        rows: vec![],
    };
    let floor = sqlite_floor(&dir.join("floor.db"), csv);
    sqlite.push(
        "floor: `sqlite3 .import` / `psql \\copy` into a bare table",
        floor.map_or("–".into(), |s| format!("{s:.2} s")),
    );
    let db = dir.join("backends.db");
    let db = db.to_str().expect("path");
    steps(&mut sqlite, csv, db, dir, items);
    store_moves(&mut sqlite, db, items);
    console_moves(&mut sqlite, db, items);
    columns.push(sqlite);
    if let Some(pg) = &pg {
        let mut column = Column {
            name: "PostgreSQL",
            rows: vec![],
        };
        let floor = pg.floor(csv);
        column.push(
            "floor: `sqlite3 .import` / `psql \\copy` into a bare table",
            floor.map_or("–".into(), |s| format!("{s:.2} s")),
        );
        let db = pg.url(&pg.name);
        steps(&mut column, csv, &db, dir, items);
        store_moves(&mut column, &db, items);
        console_moves(&mut column, &db, items);
        columns.push(column);
    }

    println!();
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    println!("| operation | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    for (i, (op, _)) in columns[0].rows.iter().enumerate() {
        let cells: Vec<&str> = columns.iter().map(|c| c.rows[i].1.as_str()).collect();
        println!("| {op} | {} |", cells.join(" | "));
    }
}

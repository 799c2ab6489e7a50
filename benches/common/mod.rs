//! Shared by the benches: the deterministic generator, the synthetic batch of
//! `throughput` and `backends`, and the child processes that time one step each with their own
//! peak RSS. (Each bench uses a part of it.)
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use dissent::domain::rubric::Rubric;
use dissent::export::jsonl::export_batch;
use dissent::export::target::Target;
use dissent::ingest::{FieldMap, Format, ImportJob, import_files};
use dissent::store::{Location, Store};
use dissent::tui::keymap::{Key, Keymap};
use dissent::tui::render::draw;
use dissent::tui::{Action, App, Executor, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;

/// A small deterministic generator (xorshift), so every run benches the same file.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The synthetic batch's rubric.
pub const RUBRIC: &str = "task: tumor_severity_grade\nversion: 1\nlabels:\n  - id: mild\n  - id: moderate\n  - id: severe\nlevel: ordinal\nconfidence: {scale: [1, 5]}\n";
/// Reviewers per item in the synthetic batch.
pub const REVIEWERS: usize = 5;

/// The number of items to bench: `DISSENT_BENCH_ITEMS`, else 200k.
pub fn bench_items() -> usize {
    std::env::var("DISSENT_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// The synthetic batch written as CSV for one bench run, in a temporary folder or the one
/// `DISSENT_BENCH_DIR` names (kept, for profiling a step on its own).
pub struct Generated {
    /// Removed with this unless `DISSENT_BENCH_DIR` is set.
    _temp: tempfile::TempDir,
    /// Where the run's files go.
    pub dir: PathBuf,
    /// The batch's CSV.
    pub csv: PathBuf,
    /// Its items ([`bench_items`]).
    pub items: usize,
}

/// Generates the batch ([`generate`]) in the run's folder, after removing the `stale` files a
/// kept folder holds from an earlier run, and says its size.
pub fn generated(stale: &[&str]) -> Generated {
    let items = bench_items();
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("DISSENT_BENCH_DIR")
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    for name in stale {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let csv = dir.join("judgments.csv");
    generate(&csv, items).expect("generate");
    let size_mib = std::fs::metadata(&csv).map_or(0.0, |m| m.len() as f64 / 1048576.0);
    println!(
        "synthetic batch: {items} items × {REVIEWERS} reviewers = {} judgment rows, {size_mib:.1} MiB CSV",
        items * REVIEWERS
    );
    Generated {
        _temp: temp,
        dir,
        csv,
        items,
    }
}

/// Writes the synthetic batch as CSV: `items` items × [`REVIEWERS`] reviewers, item ids
/// `case-0000000`…, a label spread from unanimous to a wide split.
pub fn generate(path: &Path, items: usize) -> std::io::Result<()> {
    let labels = ["mild", "moderate", "severe"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "item_id,reviewer,label,confidence,evidence,text")?;
    for i in 0..items {
        let base = (rng.next() % 3) as usize;
        let spread = rng.next() % 4; // 0: unanimous … 3: wide split
        for r in 0..REVIEWERS {
            let label = if rng.next() % 4 < spread {
                labels[(rng.next() % 3) as usize]
            } else {
                labels[base]
            };
            let conf = 1 + rng.next() % 5;
            writeln!(
                w,
                "case-{i:07},reviewer-{r},{label},{conf},\"size {} mm, {} view\",\"Synthetic case {i}: lesion report for the bench\"",
                rng.next() % 40,
                if r % 2 == 0 { "axial" } else { "coronal" }
            )?;
        }
    }
    w.flush()
}

/// Peak resident set size of this process, in MiB.
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Runs this bench's executable with `args` (one of [`run_child`]'s steps): its wall time and
/// what it printed.
pub fn child(args: &[&str]) -> (f64, String) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("bench exe"))
        .args(args)
        .output()
        .expect("child");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "child {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        secs,
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

/// The `i`th space-separated number a child printed (NaN when absent).
pub fn field(out: &str, i: usize) -> f64 {
    out.split_whitespace()
        .nth(i)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The store at `db` (a file or a `postgres://` URL), created where new.
pub fn open(db: &str) -> Store {
    Store::open_at(&Location::from(OsString::from(db)), true).expect("db")
}

/// When this process was started as a child step (`args[1]` is `child-import CSV DB`,
/// `child-export DB OUT` or `child-report DB OUT`), runs it, prints its figures and returns
/// true. DB is a file or a `postgres://` URL.
pub fn run_child(args: &[String]) -> bool {
    match args.get(1).map(String::as_str) {
        Some("child-import") => {
            let rubric = Rubric::parse(RUBRIC).expect("rubric");
            let mut store = open(&args[3]);
            let file = PathBuf::from(&args[2]);
            let done = import_files(
                &mut store,
                &ImportJob {
                    paths: &[file.as_path()],
                    rubric: &rubric,
                    batch: "bench",
                    format: Format::Auto,
                    map: &FieldMap::default(),
                    actor: "bench",
                    at: "2026-01-01T00:00:00Z",
                },
                |_| {},
            )
            .expect("import");
            println!("{} {} {:.1}", done.items, done.judgments, peak_rss_mib());
        }
        Some("child-export") => {
            let store = open(&args[2]);
            let batch = store.batch(None).expect("batch");
            let target = Target::File(args[3].clone().into());
            let stop = std::sync::atomic::AtomicBool::new(false);
            let written =
                export_batch(&store, &batch, &target, Default::default(), &stop).expect("export");
            if let Some(staged) = written.staged {
                staged.persist().expect("persist");
            }
            println!("{} {:.1}", written.lines, peak_rss_mib());
        }
        Some("child-report") => {
            let store = open(&args[2]);
            let batch = store.batch(None).expect("batch");
            let context = dissent::domain::report::ReportContext {
                batch: batch.name.clone(),
                status: batch.status.as_str().into(),
                generated_at: "2026-01-01T00:00:00Z".into(),
                tool_version: "bench".into(),
                generated_by: "bench".into(),
            };
            // The figures once, then each rendering of them, timed apart.
            let start = Instant::now();
            let report = dissent::report::collect(&store, &batch, None, context).expect("report");
            let collected = start.elapsed().as_secs_f64();
            let out = std::fs::File::create(&args[3]).expect("out");
            serde_json::to_writer(BufWriter::new(out), &report).expect("json");
            let json = start.elapsed().as_secs_f64();
            let page = dissent::report::document::batch(&report);
            let html = dissent::report::html::page(&page);
            std::fs::write(Path::new(&args[3]).with_extension("html"), html).expect("html");
            let html = start.elapsed().as_secs_f64();
            let pdf = dissent::report::pdf::render(page, "bench").expect("pdf");
            std::fs::write(Path::new(&args[3]).with_extension("pdf"), pdf).expect("pdf");
            let pdf = start.elapsed().as_secs_f64();
            println!(
                "{} {:.1} {collected:.2} {:.2} {:.2} {:.2}",
                report
                    .agreement
                    .alpha_nominal
                    .figure
                    .value
                    .unwrap_or(f64::NAN),
                peak_rss_mib(),
                json - collected,
                html - json,
                pdf - html
            );
        }
        _ => return false,
    }
    true
}

/// The floor of an import into SQLite: the `sqlite3` shell's `.import` of `csv` into a bare
/// table of a new file `db`, in seconds; `None` (said) without the shell.
pub fn sqlite_floor(db: &Path, csv: &Path) -> Option<f64> {
    let start = Instant::now();
    let floor = Command::new("sqlite3")
        .arg(db)
        .args([".mode csv", &format!(".import {} judgments", csv.display())])
        .status();
    match floor {
        Ok(s) if s.success() => Some(start.elapsed().as_secs_f64()),
        _ => {
            println!("sqlite3 shell not available: no floor measured");
            None
        }
    }
}

/// The `p` quantile (0–1) of `samples`, in milliseconds (sorts them).
pub fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// One keypress of the console: `action` dispatched (the store's queries run on this thread)
/// and the frame drawn; how long it took.
pub fn frame(
    exec: &mut Executor,
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    action: Action,
) -> Duration {
    let start = Instant::now();
    exec.dispatch(app, action);
    term.draw(|f| draw(f, app)).expect("draw");
    start.elapsed()
}

/// The console on `store`'s latest batch as `bench` would open it, at a clock stopped at `at`:
/// the first page, counts and item loaded for a 120×40 `TestBackend` (not drawn yet).
pub fn console(store: Store, at: &'static str) -> (Executor, App, Terminal<TestBackend>) {
    let batch = store.batch(None).expect("batch");
    let mut exec = Executor::new(store, batch, "bench".into(), Box::new(|| at.to_string()));
    let options = Options {
        actor: "bench".into(),
        mouse: false,
        demo: false,
        keymap: Keymap::default(),
    };
    let app = dissent::tui::start(&mut exec, &options, Rect::new(0, 0, 120, 40));
    let term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (exec, app, term)
}

/// A search typed into the console (`/`, the text, Enter): the time of Enter → frame; the
/// filters are cleared after.
pub fn search(
    exec: &mut Executor,
    app: &mut App,
    term: &mut Terminal<TestBackend>,
    text: &str,
) -> Duration {
    frame(exec, app, term, Action::OpenSearch);
    for c in text.chars() {
        frame(
            exec,
            app,
            term,
            Action::PopupKey(Key::plain(KeyCode::Char(c))),
        );
    }
    let t = frame(
        exec,
        app,
        term,
        Action::PopupKey(Key::plain(KeyCode::Enter)),
    );
    frame(exec, app, term, Action::ClearFilters);
    t
}

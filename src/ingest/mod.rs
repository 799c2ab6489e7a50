//! Importers for the three input shapes of the design — soft-label JSONL, judgment rows (JSONL
//! or CSV) and label counts — auto-detected. Parsing is all-or-nothing: every problem found is
//! reported as `FILE:LINE: field: what is wrong` (up to a cap), and nothing is written unless
//! there is none.

mod census;
mod counts;
mod csv_rows;
mod json;
mod judgments;
pub mod predictions;
mod rows;
mod soft;
mod source;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde_json::{Map, Value};

use crate::domain::decision::SourceDecision;
use crate::domain::ids;
use crate::domain::model::ItemRecord;
use crate::domain::rubric::Rubric;
use crate::store::{PreparedItem, Source};
use crate::text::shown;
use json::LineError;
pub use rows::FieldMap;
use rows::{Fields, Row};

/// How many problems are listed before the importer stops looking.
pub const MAX_ISSUES: usize = 50;

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The file, as named on the command line.
    pub file: String,
    /// 1-based line (0 when the whole file is at fault).
    pub line: usize,
    /// The field at fault.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// Further lines with this very problem, counted here rather than listed (see
    /// [`Issue::once`]).
    pub more_lines: usize,
    /// Whether a later issue alike is counted in `more_lines` rather than listed.
    once: bool,
}

impl Issue {
    /// A problem at `file:line` in `field`.
    pub fn new(
        file: &str,
        line: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Issue {
        // A field can be a key of the input: echoed as any value is.
        let field = field.into();
        let field = match shown(&field) {
            Cow::Borrowed(_) => field,
            Cow::Owned(cut) => cut,
        };
        Issue {
            file: file.to_string(),
            line,
            field,
            message: message.into(),
            more_lines: 0,
            once: false,
        }
    }

    /// This issue, named once for every line that has it: a refused value (an identifier on
    /// each of its item's rows) is listed at its first line with the count of the others.
    #[must_use]
    fn once(mut self) -> Issue {
        self.once = true;
        self
    }

    /// Whether `other` is this issue on another line.
    fn alike(&self, other: &Issue) -> bool {
        self.once
            && other.once
            && (&self.file, &self.field, &self.message)
                == (&other.file, &other.field, &other.message)
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // The file as a whole (it cannot be read, say): no line to name.
            write!(f, "{}: {}: {}", self.file, self.field, self.message)?;
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.message
            )?;
        }
        if self.more_lines > 0 {
            write!(f, " (on {} lines; this is the first)", self.more_lines + 1)?;
        }
        Ok(())
    }
}

/// Which input shape a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Decide per file from its extension and first line.
    Auto,
    /// Soft-label JSONL (the export schema).
    Soft,
    /// Judgment rows, JSONL or CSV.
    Judgments,
    /// Label counts JSONL.
    Counts,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Soft => "a soft-label line",
            Format::Judgments => "a judgment row",
            Format::Counts => "a label-counts line",
        }
    }
}

/// An item ready to be written, with the decision its source line carried (soft-label lines).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    /// The item.
    pub record: ItemRecord,
    /// A decision recorded in the source.
    pub decision: Option<SourceDecision>,
    /// The rubric version the source says the judgments were made under, when older than the
    /// rubric imported under (a soft-label line of an earlier version, read back).
    pub rubric_version: Option<u32>,
    /// 1 for an item; 2, 3, … for a later round of the item handed over just before it (the
    /// history of a soft-label line).
    pub round: i64,
    /// Where the item is defined, as `FILE:LINE` (its first row).
    pub origin: String,
}

/// Collects issues up to [`MAX_ISSUES`]; reading stops there.
#[derive(Debug, Default)]
pub struct Issues {
    list: Vec<Issue>,
}

impl Issues {
    fn push(&mut self, issue: Issue) {
        if let Some(first) = self.list.iter_mut().find(|i| i.alike(&issue)) {
            first.more_lines += 1;
        } else if self.list.len() < MAX_ISSUES {
            self.list.push(issue);
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= MAX_ISSUES
    }

    /// The issues found, in file and line order.
    #[must_use]
    pub fn list(&self) -> &[Issue] {
        &self.list
    }
}

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in &self.list {
            writeln!(f, "{i}")?;
        }
        if self.full() {
            writeln!(f, "… stopped at {MAX_ISSUES} problems; there may be more")?;
        }
        Ok(())
    }
}

/// The number of judgments `counts` make, when a database can store it (SQLite integers are
/// i64).
fn storable_total(counts: &[u64]) -> Option<i64> {
    counts
        .iter()
        .try_fold(0i64, |total, &c| total.checked_add(i64::try_from(c).ok()?))
}

/// Where each item was first seen, to report duplicates across lines and files.
type SeenItems = HashMap<String, (String, usize)>;

/// Why parsing stopped: problems in the input, or the sink refused an item.
#[derive(Debug)]
pub enum Failure<E> {
    /// Problems in the input files.
    Input(Issues),
    /// The sink's own error.
    Sink(E),
}

/// Parses `paths` under `rubric`, handing each finished item to `sink` as soon as it is
/// complete (so a million rows stream). Once a problem is found no further item is handed
/// over, but reading goes on to list every problem (up to the cap). `on_progress` is told the
/// bytes read.
pub fn parse_files<E>(
    paths: &[&Path],
    rubric: &Rubric,
    format: Format,
    map: &FieldMap,
    mut on_progress: impl FnMut(u64),
    mut sink: impl FnMut(ParsedItem) -> Result<(), E>,
) -> Result<(), Failure<E>> {
    let mut issues = Issues::default();
    let other = match format {
        Format::Auto => source::OtherExtension::Refused(
            "use .csv or .jsonl (or --format to read it by its content)",
        ),
        _ => source::OtherExtension::ByContent,
    };
    let mut inputs: Vec<Result<source::Input, Issue>> = paths
        .iter()
        .map(|p| source::Input::open(p, other))
        .collect();
    let census = take_census(&mut inputs, rubric, format, map, &mut on_progress);
    let mut rows = judgments::Grouper::new(census);
    let mut seen = SeenItems::new();
    let mut sink_error = None;
    let mut emit = |item: ParsedItem, issues: &Issues| {
        if issues.list.is_empty()
            && sink_error.is_none()
            && let Err(e) = sink(item)
        {
            sink_error = Some(e);
        }
    };
    for input in &mut inputs {
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                issues.push(e.clone());
                continue;
            }
        };
        let file = input.name.clone();
        let (csv, reader) = match input.pass() {
            Ok(r) => r,
            Err(e) => {
                issues.push(e);
                continue;
            }
        };
        let ctx = Ctx {
            file: &file,
            rubric,
            map,
            format,
        };
        if csv {
            if matches!(format, Format::Soft | Format::Counts) {
                issues.push(Issue::new(
                    &file,
                    1,
                    "file",
                    format!("CSV holds judgment rows, not {}", format.name()),
                ));
                continue;
            }
            let tail = csv_rows::each_csv_row(
                &ctx,
                reader,
                &mut issues,
                &mut on_progress,
                |row, line, issues| {
                    rows.add(&ctx, row, line, issues, &mut seen, &mut emit);
                },
            );
            if let Some(tail) = tail
                && let Some(e) = csv_rows::quote_left_open(&ctx, input, &tail)
            {
                issues.push(e);
            }
        } else {
            read_jsonl(
                &ctx,
                reader,
                &mut rows,
                &mut seen,
                &mut issues,
                &mut on_progress,
                &mut emit,
            );
        }
        if issues.full() {
            break;
        }
    }
    let ctx = Ctx {
        file: "",
        rubric,
        map,
        format,
    };
    rows.finish(&ctx, &mut issues, &mut seen, &mut emit);
    if let Some(e) = sink_error {
        return Err(Failure::Sink(e));
    }
    if issues.list.is_empty() {
        Ok(())
    } else {
        issues
            .list
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(Failure::Input(issues))
    }
}

/// The first pass: counts the judgment rows of every item and learns which columns are
/// reviewer fields. Problems are left to the second pass, which reports them; this one stops
/// where the second will (at the cap of problems, or at a line that is too long).
fn take_census(
    inputs: &mut [Result<source::Input, Issue>],
    rubric: &Rubric,
    format: Format,
    map: &FieldMap,
    progress: &mut dyn FnMut(u64),
) -> census::Census {
    let mut census = census::Census::default();
    if matches!(format, Format::Soft | Format::Counts) {
        return census;
    }
    for input in inputs.iter_mut().flatten() {
        let mut ignored = Issues::default();
        let file = input.name.clone();
        let Ok((csv, reader)) = input.pass() else {
            continue;
        };
        let ctx = Ctx {
            file: &file,
            rubric,
            map,
            format,
        };
        if csv {
            csv_rows::each_csv_row(&ctx, reader, &mut ignored, progress, |row, _, _| {
                census.add(row);
            });
        } else {
            source::for_each_line(reader, &file, &mut ignored, progress, |line, ignored| {
                match serde_json::from_str::<Map<String, Value>>(line.text) {
                    Ok(obj) => match shape_of(&obj, map) {
                        Some(Format::Judgments) => census.add(&Row {
                            fields: Fields::Json(&obj),
                            map,
                        }),
                        Some(_) => return false,
                        None => {}
                    },
                    Err(_) => ignored.push(ctx.issue(line.number, "line", "not JSON")),
                }
                true
            });
        }
    }
    census
}

/// Parses `paths` into a list of items (small inputs and tests; imports stream instead).
pub fn parse_to_vec(
    paths: &[&Path],
    rubric: &Rubric,
    format: Format,
    map: &FieldMap,
) -> Result<Vec<ParsedItem>, Issues> {
    let mut items = Vec::new();
    parse_files(
        paths,
        rubric,
        format,
        map,
        |_| {},
        |item| {
            items.push(item);
            Ok::<(), std::convert::Infallible>(())
        },
    )
    .map_err(|f| match f {
        Failure::Input(issues) => issues,
        Failure::Sink(never) => match never {},
    })?;
    Ok(items)
}

/// What every line parser needs to know.
struct Ctx<'a> {
    file: &'a str,
    rubric: &'a Rubric,
    map: &'a FieldMap,
    /// The shape asked for (`Auto`: each file's own).
    format: Format,
}

impl Ctx<'_> {
    fn issue(&self, line: usize, field: impl Into<String>, message: impl Into<String>) -> Issue {
        Issue::new(self.file, line, field, message)
    }

    /// A required identifier (item id, reviewer): a key that [`ids::problem`] finds nothing
    /// wrong with, or `None` with its problem pushed onto `errs` (a refused value once for all
    /// its lines).
    fn take_id<'a>(
        &self,
        row: &Row<'a>,
        field: &str,
        line: usize,
        errs: &mut Vec<Issue>,
    ) -> Option<Cow<'a, str>> {
        let id = self.take(row.key(field), line, errs)?;
        match ids::problem(&id) {
            None => Some(id),
            Some(m) => {
                errs.push(self.issue(line, self.map.describe(field), m).once());
                None
            }
        }
    }

    /// The value of a field getter, or `None` with its problem pushed onto `errs`.
    fn take<T>(
        &self,
        r: Result<T, rows::FieldError>,
        line: usize,
        errs: &mut Vec<Issue>,
    ) -> Option<T> {
        r.map_err(|(f, m)| errs.push(self.issue(line, f, m))).ok()
    }

    /// The task of a row: its own, which must be the rubric's, or the rubric's.
    fn task(&self, row: &Row<'_>, line: usize) -> Result<String, Issue> {
        match row.opt_string("task") {
            Ok(None) => Ok(self.rubric.task.clone()),
            Ok(Some(t)) if t == self.rubric.task => Ok(t),
            Ok(Some(t)) => Err(self.issue(
                line,
                self.map.describe("task"),
                format!(
                    "unknown task `{}`: the rubric is for `{}`",
                    shown(&t),
                    self.rubric.task
                ),
            )),
            Err((f, m)) => Err(self.issue(line, f, m)),
        }
    }

    /// The item of a self-contained line (soft-label or counts): built by `build` when the line
    /// had no problem and its id is new, else every problem found.
    fn line_item(
        &self,
        seen: &mut SeenItems,
        line: usize,
        item_id: Option<String>,
        task: Option<String>,
        mut errs: Vec<Issue>,
        build: impl FnOnce(String, String) -> (ItemRecord, Option<SourceDecision>, Option<u32>),
    ) -> Result<ParsedItem, Vec<Issue>> {
        if let Some(id) = &item_id
            && let Err(e) = self.first_sighting(seen, id, line)
        {
            errs.push(e);
        }
        match (item_id, task) {
            (Some(item_id), Some(task)) if errs.is_empty() => {
                let (record, decision, rubric_version) = build(item_id, task);
                Ok(ParsedItem {
                    record,
                    decision,
                    rubric_version,
                    round: 1,
                    origin: format!("{}:{line}", self.file),
                })
            }
            _ => Err(errs),
        }
    }

    /// Records that `item_id` is defined at `line`, or reports where it already was.
    fn first_sighting(
        &self,
        seen: &mut SeenItems,
        item_id: &str,
        line: usize,
    ) -> Result<(), Issue> {
        if let Some((file, at)) = seen.get(item_id) {
            return Err(self.issue(
                line,
                self.map.describe("item_id"),
                format!(
                    "item `{}` is already defined at {file}:{at}",
                    shown(item_id)
                ),
            ));
        }
        seen.insert(item_id.to_string(), (self.file.to_string(), line));
        Ok(())
    }
}

/// The shape of one JSON object, from the keys it has.
fn shape_of(obj: &Map<String, Value>, map: &FieldMap) -> Option<Format> {
    if obj.contains_key("distribution") {
        Some(Format::Soft)
    } else if obj.contains_key("counts") {
        Some(Format::Counts)
    } else if obj.contains_key(map.column("reviewer")) || obj.contains_key(map.column("label")) {
        Some(Format::Judgments)
    } else {
        None
    }
}

/// The issue of a line that did not parse to a JSON object.
fn not_an_object(
    ctx: &Ctx<'_>,
    line: &source::Line<'_>,
    parsed: Result<Value, LineError>,
) -> Issue {
    let (field, message) = match parsed {
        Ok(v) => (
            "line".to_string(),
            format!("expected a JSON object, got {}", rows::type_name(&v)),
        ),
        Err(LineError::Duplicate(path)) => (
            path,
            "given twice in one object (JSON would keep only the last)".to_string(),
        ),
        Err(LineError::NotANumber { path, word }) => (
            path,
            format!(
                "`{word}` is not a number JSON allows (JSON has no NaN, Infinity or -Infinity, though Python's json.dumps writes them): give a finite number"
            ),
        ),
        Err(LineError::Json(e)) if e.is_eof() && line.unterminated => (
            "line".to_string(),
            "truncated: the file ends in the middle of this line".to_string(),
        ),
        Err(LineError::Json(e)) => (
            "line".to_string(),
            format!("malformed JSON: {}", shown(&e.to_string())),
        ),
    };
    ctx.issue(line.number, field, message)
}

fn read_jsonl(
    ctx: &Ctx<'_>,
    reader: impl std::io::BufRead,
    rows: &mut judgments::Grouper,
    seen: &mut SeenItems,
    issues: &mut Issues,
    progress: &mut dyn FnMut(u64),
    emit: &mut dyn FnMut(ParsedItem, &Issues),
) {
    let mut file_shape = (ctx.format != Format::Auto).then_some(ctx.format);
    source::for_each_line(reader, ctx.file, issues, progress, |line, issues| {
        let obj = match json::parse(line.text) {
            Ok(Value::Object(o)) => o,
            other => {
                issues.push(not_an_object(ctx, &line, other));
                return true;
            }
        };
        let Some(shape) = shape_of(&obj, ctx.map) else {
            issues.push(ctx.issue(
                line.number,
                "line",
                "matches none of the input shapes: a soft-label line has `distribution`, a \
                 label-counts line `counts`, a judgment row `reviewer` and `label`",
            ));
            return true;
        };
        let expected = *file_shape.get_or_insert(shape);
        if shape != expected {
            issues.push(ctx.issue(
                line.number,
                "line",
                format!(
                    "is {} but this file holds {}",
                    shape.name(),
                    expected.name()
                ),
            ));
            return true;
        }
        let row = Row {
            fields: Fields::Json(&obj),
            map: ctx.map,
        };
        let parsed = match shape {
            Format::Soft => soft::parse(ctx, &row, &obj, line.number, seen),
            Format::Counts => counts::parse(ctx, &row, &obj, line.number, seen).map(|i| vec![i]),
            Format::Judgments | Format::Auto => {
                rows.add(ctx, &row, line.number, issues, seen, emit);
                return true;
            }
        };
        match parsed {
            Ok(items) => items.into_iter().for_each(|item| emit(item, issues)),
            Err(errs) => errs.into_iter().for_each(|e| issues.push(e)),
        }
        true
    });
}

/// Counts of one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// New items written.
    pub items: u64,
    /// New rounds of items sent for re-review.
    pub rounds: u64,
    /// Judgments written.
    pub judgments: u64,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Problems in the input files.
    #[error("{0}")]
    Input(Issues),
    /// The store refused the write.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The writer stopped taking items without an error of its own.
    #[error("the import stopped early")]
    Stopped,
}

/// The writer stopped taking items (its own error says why).
#[derive(Debug)]
struct WriterStopped;

/// What to import, where, and on whose behalf.
#[derive(Debug, Clone, Copy)]
pub struct ImportJob<'a> {
    /// The input files.
    pub paths: &'a [&'a Path],
    /// The rubric the batch is judged under.
    pub rubric: &'a Rubric,
    /// The batch to create or add to.
    pub batch: &'a str,
    /// The input shape (`Auto`: each file's own).
    pub format: Format,
    /// Field names mapped to columns.
    pub map: &'a FieldMap,
    /// Who imports.
    pub actor: &'a str,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
}

/// Parses the job's files, derives every item's summary and writes them into its batch in
/// one transaction: on any problem the database is unchanged.
pub fn import_files(
    store: &mut crate::store::Store,
    job: &ImportJob<'_>,
    on_progress: impl FnMut(u64) + Send,
) -> Result<Imported, ImportError> {
    let ImportJob {
        paths,
        rubric,
        batch,
        format,
        map,
        actor,
        at,
    } = *job;
    // The same text stored before is read as it was then (its confidence scale included).
    let stored = store.stored_rubric(&rubric.sha256)?;
    let rubric = stored.as_ref().unwrap_or(rubric);
    let mut writer = store.import_writer(batch, rubric, actor, at)?;
    // Parsing and summarizing run on a thread of their own; this one only writes.
    let (send, receive) = std::sync::mpsc::sync_channel::<PreparedItem>(1024);
    let (parsed, written) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            parse_files(paths, rubric, format, map, on_progress, |item| {
                let summary = crate::domain::triage::summarize(
                    &item.record.panel,
                    rubric,
                    item.record.gold_label.as_deref(),
                );
                // Refused only when the writer has stopped, with an error of its own.
                send.send(PreparedItem::new(
                    item.record,
                    &summary,
                    rubric,
                    Source {
                        decision: item.decision,
                        rubric_version: item.rubric_version,
                        round: item.round,
                        origin: item.origin,
                    },
                ))
                .map_err(|_| WriterStopped)
            })
        });
        let written = receive
            .into_iter()
            .try_for_each(|item| writer.add_item(item));
        (parser.join(), written)
    });
    let parsed = parsed.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    // The writer's error first: the parser stopped because of it.
    written?;
    match parsed {
        Ok(()) => {}
        Err(Failure::Input(issues)) => return Err(ImportError::Input(issues)),
        Err(Failure::Sink(_)) => {
            return Err(ImportError::Stopped);
        }
    }
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let written = writer.commit(serde_json::json!({"files": files, "rubric": rubric.sha256}))?;
    Ok(Imported {
        items: written.items,
        rounds: written.rounds,
        judgments: written.judgments,
    })
}

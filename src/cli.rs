//! Command-line definitions (clap). The contract is DESIGN.md's CLI section.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::decision::{DecisionKind, DecisionStatus};
use crate::domain::model::{DisagreementClass, FlagKind};
use crate::ingest::Format;
use crate::store::SortKey;

/// Review and adjudicate soft-label data without losing the panel record.
#[derive(Debug, Parser)]
#[command(name = "dissent", version, about, propagate_version = true)]
pub struct Cli {
    /// Database file [default: $DISSENT_DB, else ./dissent.db]
    #[arg(long, global = true, env = "DISSENT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Batch name; may be left out when the database holds one (import: the batch to create
    /// or add to [default: the first file's name])
    #[arg(long, global = true, value_name = "B")]
    pub batch: Option<String>,
    /// Act as NAME [default: $DISSENT_USER, else the OS user]
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// How the console opens when no command is given.
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// What to do; with none, open the console.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Usage the parser cannot express: the bare command's console options go with the
    /// console only (`dissent --no-mouse` or `dissent review --no-mouse`, not before another
    /// command).
    pub fn check(&self) -> Result<(), clap::Error> {
        match &self.command {
            Some(c) if self.console.no_mouse && !matches!(c, Command::Review { .. }) => {
                Err(<Cli as clap::CommandFactory>::command().error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--no-mouse goes with the console only (`dissent --no-mouse` or \
                     `dissent review --no-mouse`)",
                ))
            }
            _ => Ok(()),
        }
    }
}

/// How the console opens: `dissent review`, or `dissent` alone.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct ConsoleArgs {
    /// Do not capture the mouse (lets the terminal select text)
    #[arg(long)]
    pub no_mouse: bool,
}

/// The subcommands. Their fields are documented by their `--help` text.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum Command {
    /// Open the console on a batch
    Review {
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// Import judgments into a batch (one transaction: all or nothing)
    Import {
        /// Input files: soft-label JSONL, judgment rows (JSONL or CSV) or label counts (JSONL);
        /// `-` is stdin
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Rubric YAML the batch is judged under
        #[arg(long, value_name = "R.yaml")]
        rubric: PathBuf,
        /// Input shape
        #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
        format: FormatArg,
        /// Read FIELD from column COLUMN, e.g. --map reviewer=annotator_id
        #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = map_pair)]
        maps: Vec<String>,
    },
    /// List the items of a batch in queue order
    Items {
        /// Only items carrying this flag
        #[arg(long, value_enum)]
        flag: Option<FlagArg>,
        /// Only items of this disagreement class
        #[arg(long, value_enum)]
        class: Option<ClassArg>,
        /// Only items with this decision status
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Order
        #[arg(long, value_enum, default_value_t = SortArg::Triage)]
        sort: SortArg,
        /// At most N items
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Show one item: distribution, entropy, confidence, flags, the panel and its decisions
    Show {
        /// Item id
        item_id: String,
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Batch counts, classes, flags, decisions and agreement
    Stats {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Record a decision on an item
    Adjudicate {
        /// Item id
        item_id: String,
        /// What to decide
        #[arg(long, value_enum)]
        decision: DecisionArg,
        /// The adjudicated label (hard_label)
        #[arg(long, value_name = "L")]
        label: Option<String>,
        /// A reason code of the rubric (hard_label)
        #[arg(long, value_name = "C")]
        reason_code: Option<String>,
        /// A reviewer who erred (reviewer_error; repeat for several)
        #[arg(long, value_name = "REVIEWER")]
        erring: Vec<String>,
        /// Why
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Undo the decision in force on an item (appends a revert)
    Undo {
        /// Item id
        item_id: String,
    },
    /// Freeze a batch for export
    Finalize {
        /// Finalize even with items pending with a flag or awaiting re-review (the event
        /// records what was open)
        #[arg(long)]
        force: bool,
    },
    /// Reopen a finalized batch
    Reopen {},
    /// Write the soft-label JSONL of a batch, or the delivery bundle
    #[command(group(clap::ArgGroup::new("to").required(true).args(["out", "bundle"])))]
    Export {
        /// Output file (`-` for standard output)
        #[arg(short = 'o', long = "out", value_name = "OUT.jsonl")]
        out: Option<PathBuf>,
        /// Write the delivery bundle into this new (or empty) folder: JSONL, rubric, QA report
        /// and manifest
        #[arg(long, value_name = "DIR")]
        bundle: Option<PathBuf>,
        /// Export a batch that is not finalized
        #[arg(long)]
        draft: bool,
        /// Only items with this decision status (repeatable)
        #[arg(long, value_name = "S")]
        status: Vec<StatusArg>,
    },
    /// The QA report of a batch: agreement with intervals, counts, reviewers, gold, lists
    Report {
        /// Write the report to a file (.json or .html; .pdf is not built yet)
        #[arg(short = 'o', long = "out", value_name = "QA.json")]
        out: Option<PathBuf>,
        /// One JSON document on stdout
        #[arg(long, conflicts_with = "out")]
        json: bool,
        /// Write each table (reviewers, labels, pairs, lists) as CSV into this folder
        #[arg(long, value_name = "DIR", conflicts_with = "reviewer")]
        csv: Option<PathBuf>,
        /// One reviewer's feedback sheet instead of the batch report
        #[arg(long, value_name = "NAME")]
        reviewer: Option<String>,
    },
    /// Recompute the record's hash chains and name the first row that does not match
    Verify {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// The event log: who did what, when
    Log {
        /// Only the events of this item
        #[arg(long, value_name = "ID")]
        item: Option<String>,
        /// Only the events of this actor
        #[arg(long, value_name = "A")]
        actor: Option<String>,
        /// Only the events at or after T (a date, 2026-11-23, or an RFC 3339 time)
        #[arg(long, value_name = "T", value_parser = since)]
        since: Option<String>,
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Load a later version of a batch's rubric (the old one is kept verbatim)
    Rubric {
        /// What to do with the batch's rubric
        #[command(subcommand)]
        action: RubricAction,
    },
    /// Print shell completions
    Completions {
        /// Shell
        shell: clap_complete::Shell,
    },
}

/// `dissent rubric …`.
#[derive(Debug, Subcommand)]
pub enum RubricAction {
    /// Replace the batch's rubric with a later version of the same task: anchors,
    /// descriptions, criteria, thresholds and reason codes may change; the labels and the
    /// confidence scale may not. Changed thresholds recompute every item's class and flags.
    Update {
        /// The new version's YAML
        #[arg(value_name = "R.yaml")]
        file: PathBuf,
    },
    /// Every version of the batch's rubric (who loaded it, when) and the text in force
    Show {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Detect from the file
    Auto,
    /// Soft-label JSONL
    Soft,
    /// Judgment rows
    Judgments,
    /// Label counts
    Counts,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Auto => Format::Auto,
            FormatArg::Soft => Format::Soft,
            FormatArg::Judgments => Format::Judgments,
            FormatArg::Counts => Format::Counts,
        }
    }
}

/// `--since`: a date (its start, UTC) or an RFC 3339 time, as the log stores times.
fn since(text: &str) -> Result<String, String> {
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| format!("`{text}` is not a date (2026-11-23) or an RFC 3339 time"))?;
    Ok(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// One `--map` pair, checked as the command line is parsed (a bad one is a usage error).
fn map_pair(pair: &str) -> Result<String, String> {
    crate::ingest::FieldMap::parse(&[pair.to_string()])?;
    Ok(pair.to_string())
}

/// Declares a CLI value enum that maps one-to-one onto a domain enum.
macro_rules! value_enum {
    ($(#[$m:meta])* $name:ident => $target:ty { $($variant:ident => $to:expr),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, ValueEnum)]
        #[value(rename_all = "snake_case")]
        #[allow(missing_docs)]
        pub enum $name { $($variant),+ }
        impl From<$name> for $target {
            fn from(v: $name) -> $target {
                match v { $($name::$variant => $to),+ }
            }
        }
    };
}

value_enum!(
    /// `--flag`.
    FlagArg => FlagKind {
        RubricProblem => FlagKind::RubricProblem,
        GenuineAmbiguity => FlagKind::GenuineAmbiguity,
        HighEntropy => FlagKind::HighEntropy,
        GoldMiss => FlagKind::GoldMiss,
        LowCoverage => FlagKind::LowCoverage,
    }
);
value_enum!(
    /// `--class`.
    ClassArg => DisagreementClass {
        Agreement => DisagreementClass::Agreement,
        Minor => DisagreementClass::Minor,
        Major => DisagreementClass::Major,
        Unresolved => DisagreementClass::Unresolved,
    }
);
value_enum!(
    /// `--status`.
    StatusArg => DecisionStatus {
        Pending => DecisionStatus::Pending,
        HardLabel => DecisionStatus::HardLabel,
        KeepSoft => DecisionStatus::KeepSoft,
        Rereview => DecisionStatus::Rereview,
    }
);
value_enum!(
    /// `--sort`.
    SortArg => SortKey {
        Triage => SortKey::Triage,
        Entropy => SortKey::Entropy,
        Confidence => SortKey::Confidence,
        Class => SortKey::Class,
        Id => SortKey::Id,
    }
);
value_enum!(
    /// `--decision`.
    DecisionArg => DecisionKind {
        HardLabel => DecisionKind::HardLabel,
        KeepSoft => DecisionKind::KeepSoft,
        Rereview => DecisionKind::Rereview,
    }
);

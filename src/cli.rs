//! Command-line definitions (clap). The contract is DESIGN.md's CLI section.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::decision::{DecisionKind, DecisionStatus};
use crate::domain::model::{DisagreementClass, FlagKind};
use crate::domain::team::Role;
use crate::ingest::Format;
use crate::store::{Location, QueueFilter, SortKey};

/// Review and adjudicate soft-label data without losing the panel record.
#[derive(Debug, Parser)]
#[command(name = "dissent", version, about, propagate_version = true)]
pub struct Cli {
    /// Database: an SQLite file, or a postgres:// URL (its password never shown) [default:
    /// $DISSENT_DB, else ./dissent.db]
    #[arg(
        long,
        global = true,
        env = "DISSENT_DB",
        hide_env_values = true,
        value_name = "PATH|URL"
    )]
    pub db: Option<Location>,
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
        /// Which items
        #[command(flatten)]
        select: SelectArgs,
        /// Only items assigned to this reviewer
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        /// Show this model's KL from the panel (and order by it with --sort kl)
        #[arg(long, value_name = "M")]
        model: Option<String>,
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
        /// Decide over another person's decision in force (recorded as superseding it)
        #[arg(long)]
        supersede: bool,
    },
    /// Undo the decision in force on an item (appends a revert)
    Undo {
        /// Item id
        item_id: String,
        /// Undo another person's decision (recorded as superseding it)
        #[arg(long)]
        supersede: bool,
    },
    /// Who may do what: the staff list (QA leads change it)
    Staff {
        /// What to do
        #[command(subcommand)]
        action: StaffCommand,
    },
    /// Assign items to a reviewer, by filter or by id (QA leads)
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["to", "nobody"])))]
    Assign {
        /// These items (repeat for several); otherwise the items the filters select
        #[arg(long = "item", value_name = "ID", conflicts_with_all = ["flag", "class", "status", "limit", "reassign"])]
        items: Vec<String>,
        /// Which items, when none are named
        #[command(flatten)]
        select: SelectArgs,
        /// At most N items, in triage order
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
        /// Take items assigned to someone else too (otherwise only unassigned ones)
        #[arg(long)]
        reassign: bool,
        /// The reviewer to assign them to
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
        /// Unassign them: they return to every senior reviewer
        #[arg(long)]
        nobody: bool,
    },
    /// Each assignee's progress on the batch
    Assignments {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Who is deciding which item now; a QA lead can break a claim
    Claims {
        /// Break the claim on this item (recorded)
        #[arg(long = "break", value_name = "ID")]
        break_item: Option<String>,
        /// One JSON document on stdout
        #[arg(long, conflicts_with = "break_item")]
        json: bool,
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
        /// Add `model: {name, distribution, kl}` (this model's prediction) to each line it
        /// predicts
        #[arg(long, value_name = "M")]
        with_model: Option<String>,
        /// Only items with this decision status (repeatable)
        #[arg(long, value_name = "S")]
        status: Vec<StatusArg>,
    },
    /// The QA report of a batch: agreement with intervals, counts, reviewers, gold, lists
    Report {
        /// Write the report to a file (.pdf, .html or .json; `-` for JSON on stdout)
        #[arg(short = 'o', long = "out", value_name = "QA.pdf")]
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
    /// Import or list a model's predicted distributions for a batch
    Predictions {
        #[command(subcommand)]
        action: PredictionsCommand,
    },
    /// Hold models' predictions against the panel: KL, JS, TV, cross-entropy, accuracy,
    /// entropy correlations, per class; several models side by side
    Eval {
        /// A model of the batch (repeat to compare; the first is the baseline)
        #[arg(long = "model", value_name = "M", required = true)]
        models: Vec<String>,
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
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
    /// Copy a whole database into an empty one, an SQLite file or a PostgreSQL database either
    /// way: every row, id and hash (into PostgreSQL: as the login that owns its tables)
    Copy {
        /// The database copied: an SQLite file or a postgres:// URL
        #[arg(long, value_name = "PATH|URL")]
        from: Location,
        /// The empty database it goes into: a new SQLite file or a postgres:// URL (its
        /// password is never shown)
        #[arg(long, value_name = "PATH|URL")]
        to: Location,
    },
    /// Set up a team's PostgreSQL database with roles that keep every login from changing the
    /// record
    PgSetup {
        #[command(subcommand)]
        action: crate::commands::pg_setup::PgSetupAction,
    },
    /// Print shell completions
    Completions {
        /// Shell
        shell: clap_complete::Shell,
    },
}

/// `dissent predictions …`.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum PredictionsCommand {
    /// Import a model's predictions (JSONL: item_id and distribution, probs or logits; one
    /// transaction: all or nothing)
    Import {
        /// Predictions JSONL; `-` is stdin
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The model's name
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The labels of `probs` and `logits` arrays, in order [default: the rubric's order]
        #[arg(long, value_name = "L1,L2,...", value_delimiter = ',')]
        labels: Option<Vec<String>>,
        /// Read FIELD (item_id, distribution, probs, logits) from key COLUMN
        #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = prediction_map_pair)]
        maps: Vec<String>,
        /// Skip and count lines whose item is not in the batch (else they are errors)
        #[arg(long)]
        skip_unknown: bool,
        /// Add a new version of a model the batch already has (the old one is kept)
        #[arg(long)]
        replace: bool,
    },
    /// List the models of a batch, every version
    List {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
}

/// `--flag`, `--class`, `--status`: which items a command takes.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Only items carrying this flag
    #[arg(long, value_enum)]
    pub flag: Option<FlagArg>,
    /// Only items of this disagreement class
    #[arg(long, value_enum)]
    pub class: Option<ClassArg>,
    /// Only items with this decision status
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
}

impl SelectArgs {
    /// The queue filter these select.
    #[must_use]
    pub fn filter(&self) -> QueueFilter {
        QueueFilter {
            flag: self.flag.map(Into::into),
            class: self.class.map(Into::into),
            status: self.status.map(Into::into),
            ..QueueFilter::default()
        }
    }
}

/// `dissent staff …`.
#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add someone, or change their role (the first member added makes whoever adds them a QA
    /// lead)
    Add {
        /// Their name: the OS account they log in with (or the name they pass to --as)
        name: String,
        /// Their role
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// The staff list
    List {
        /// One JSON document on stdout
        #[arg(long)]
        json: bool,
    },
    /// Remove someone
    Remove {
        /// Their name
        name: String,
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

/// One `--map` pair of a predictions import.
fn prediction_map_pair(pair: &str) -> Result<String, String> {
    crate::ingest::FieldMap::parse_for(
        &[pair.to_string()],
        &crate::ingest::predictions::PREDICTION_FIELDS,
    )?;
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
        Kl => SortKey::Kl,
    }
);
value_enum!(
    /// `--role`.
    RoleArg => Role {
        QaLead => Role::QaLead,
        SeniorReviewer => Role::SeniorReviewer,
        Viewer => Role::Viewer,
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

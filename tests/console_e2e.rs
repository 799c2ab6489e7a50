//! The real binary in a real terminal: tmux runs `dissent review`, the test types keys and reads
//! the screen (polling with a deadline, never sleeping blind), then checks the database through
//! the CLI. Skipped with a message where tmux is absent.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Dir, root, rubric};

common::both_backends! {
    review_move_filter_adjudicate_quit_then_show,
    keys_sent_together_open_the_popup_on_the_row_moved_to,
    two_consoles_on_one_database_see_each_others_claims_and_decisions,
    a_console_killed_between_decisions_keeps_every_confirmed_one_and_its_claim_lapses,
}

struct Session(String);

impl Session {
    /// A session named `name` and a number of this process's own: the same test runs on both
    /// backends at once.
    fn start(name: &str, command: &str) -> Session {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = &format!(
            "{name}-{}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        // Two tests starting the first session at once can race to start the tmux server: the
        // loser fails at once, and a second try finds the server up.
        for _ in 0..5 {
            let ok = Command::new("tmux")
                .args([
                    "new-session",
                    "-d",
                    "-s",
                    name,
                    "-x",
                    "120",
                    "-y",
                    "40",
                    command,
                ])
                .status()
                .expect("tmux")
                .success();
            if ok {
                return Session(name.to_string());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("tmux new-session failed");
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        assert!(
            Command::new("tmux")
                .args(&args)
                .status()
                .expect("tmux")
                .success()
        );
    }

    fn literal(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["send-keys", "-t", &self.0, "-l", text])
                .status()
                .expect("tmux")
                .success()
        );
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text`, or fails with what it shows.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}

fn review_move_filter_adjudicate_quit_then_show() {
    if !common::have("tmux", "-V") {
        return;
    }
    let d = Dir::new();
    let rubric = rubric("tumor_severity_grade.yaml");
    let seed = root().join("fixtures/mri-2031/judgments.jsonl");
    d.import(&seed, &rubric, "pilot", &[]);
    let more = d.file(
        "more.jsonl",
        "{\"item_id\":\"mri-3001\",\"reviewer\":\"A\",\"label\":\"mild\",\"confidence\":4}\n\
         {\"item_id\":\"mri-3001\",\"reviewer\":\"B\",\"label\":\"mild\",\"confidence\":5}\n\
         {\"item_id\":\"mri-3001\",\"reviewer\":\"C\",\"label\":\"mild\",\"confidence\":4}\n\
         {\"item_id\":\"mri-3002\",\"reviewer\":\"A\",\"label\":\"severe\",\"confidence\":2}\n\
         {\"item_id\":\"mri-3002\",\"reviewer\":\"B\",\"label\":\"mild\",\"confidence\":1}\n\
         {\"item_id\":\"mri-3002\",\"reviewer\":\"C\",\"label\":\"moderate\",\"confidence\":2}\n",
    );
    d.import(&more, &rubric, "pilot", &[]);
    let command = format!(
        "sh -c 'DISSENT_DB=\"{}\" DISSENT_USER=e2e {} review; echo CONSOLE-EXITED; sleep 30'",
        d.db(),
        env!("CARGO_BIN_EXE_dissent")
    );
    let s = Session::start(&format!("dissent-e2e-{}", std::process::id()), &command);
    s.wait_for("dissent · pilot · tumor_severity_grade v1 · 3 items");
    s.keys(&["j"]);
    s.keys(&["f"]);
    s.wait_for("Queue · flagged");
    s.keys(&["x"]);
    s.wait_for("Queue · all");
    s.keys(&["/"]);
    s.literal("mri-2031");
    s.keys(&["Enter"]);
    s.wait_for("Queue · /mri-2031");
    s.wait_for("lesion 18mm > 15mm threshold");
    s.keys(&["s"]);
    s.wait_for("Keep soft · mri-2031");
    s.literal("honest split on the edema reading");
    s.keys(&["C-s"]);
    s.wait_for("Commit this decision?");
    s.keys(&["y"]);
    s.wait_for("recorded keep_soft on mri-2031");
    s.keys(&["q"]);
    let after = s.wait_for("CONSOLE-EXITED");
    assert!(
        !after.contains("Queue ·"),
        "the alternate screen was left:\n{after}"
    );

    let item = d.show("mri-2031");
    assert_eq!(item["status"], "keep_soft");
    let decision = &item["decisions"][0];
    assert_eq!(decision["kind"], "keep_soft");
    assert_eq!(decision["text"], "honest split on the edema reading");
    assert_eq!(decision["actor"], "e2e");
    let panel: Vec<(String, String)> = item["judgments"]
        .as_array()
        .expect("judgments")
        .iter()
        .map(|j| {
            (
                j["reviewer"].as_str().unwrap_or("").to_string(),
                j["label"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = [
        ("A", "moderate"),
        ("B", "moderate"),
        ("C", "severe"),
        ("D", "mild"),
    ];
    assert_eq!(
        panel,
        expected.map(|(r, l)| (r.to_string(), l.to_string())),
        "the panel is untouched"
    );
}

/// The item id in the decision popup's title (` Keep soft · ID `), if one is shown.
fn popup_item(screen: &str) -> Option<String> {
    let at = screen.find("Keep soft · ")? + "Keep soft · ".len();
    screen[at..].split_whitespace().next().map(str::to_string)
}

/// The item id of the selected queue row (`> ID` at the start of the queue pane).
fn selected_item(screen: &str) -> Option<String> {
    screen
        .lines()
        .find_map(|l| l.strip_prefix("│> "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
}

fn keys_sent_together_open_the_popup_on_the_row_moved_to() {
    if !common::have("tmux", "-V") {
        return;
    }
    let d = Dir::new();
    let rubric = rubric("tumor_severity_grade.yaml");
    let labels = ["mild", "moderate", "severe"];
    let rows: String = (0..40)
        .flat_map(|i| {
            (0..3).map(move |r| {
                format!(
                    "{{\"item_id\":\"it-{i:03}\",\"reviewer\":\"R{r}\",\"label\":\"{}\",\"confidence\":3}}\n",
                    labels[(i + r * (i % 3)) % 3]
                )
            })
        })
        .collect();
    let file = d.file("many.jsonl", rows);
    d.import(&file, &rubric, "pilot", &[]);
    let command = format!(
        "sh -c 'DISSENT_DB=\"{}\" DISSENT_USER=e2e {} review; echo CONSOLE-EXITED; sleep 30'",
        d.db(),
        env!("CARGO_BIN_EXE_dissent")
    );
    let s = Session::start(&format!("dissent-keys-{}", std::process::id()), &command);
    s.wait_for("40 items");
    for round in 0..8 {
        // One send-keys, as keys arrive over SSH: move, open keep-soft, type a reason that
        // would be commands if the popup were not open.
        s.keys(&["j", "s", "d", "u", "r"]);
        let screen = s.wait_for("Keep soft · ");
        let shown = s.wait_for("dur");
        assert_eq!(
            popup_item(&shown),
            selected_item(&screen),
            "round {round}: the popup is on the row on screen:\n{shown}"
        );
        assert!(
            shown.contains("Queue · all"),
            "round {round}: `d` did not change the filter:\n{shown}"
        );
        s.keys(&["Escape"]);
        s.wait_for("a hard label");
    }
    s.keys(&["q"]);
    s.wait_for("CONSOLE-EXITED");
    assert!(
        d.show("it-000")["decisions"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "nothing was decided"
    );
}

/// The three-item pilot of the seed, in a fresh folder.
fn pilot3() -> Dir {
    let d = Dir::new();
    let rubric = rubric("tumor_severity_grade.yaml");
    d.import(
        &root().join("fixtures/mri-2031/judgments.jsonl"),
        &rubric,
        "pilot",
        &[],
    );
    let more = d.file(
        "more.jsonl",
        "{\"item_id\":\"mri-3001\",\"reviewer\":\"A\",\"label\":\"mild\",\"confidence\":4}\n\
         {\"item_id\":\"mri-3001\",\"reviewer\":\"B\",\"label\":\"severe\",\"confidence\":5}\n",
    );
    d.import(&more, &rubric, "pilot", &[]);
    d
}

/// A console on `d`'s database acting as `who`, in tmux session `name`; `pidfile` gets its pid.
fn console_as(d: &Dir, who: &str, name: &str) -> Session {
    let command = format!(
        "sh -c 'echo $$ > {who}.pid; DISSENT_DB=\"{}\" DISSENT_USER={who} exec {} review'",
        d.db(),
        env!("CARGO_BIN_EXE_dissent")
    );
    let command = format!("cd {} && {command}", d.dir.path().display());
    Session::start(&format!("{name}-{}", std::process::id()), &command)
}

fn two_consoles_on_one_database_see_each_others_claims_and_decisions() {
    if !common::have("tmux", "-V") {
        return;
    }
    let d = pilot3();
    let alice = console_as(&d, "alice", "dissent-alice");
    let bob = console_as(&d, "bob", "dissent-bob");
    for s in [&alice, &bob] {
        s.wait_for("pilot · tumor_severity_grade v1 · 2 items");
        s.wait_for("lesion 18mm");
    }
    // Both open the same item for a decision: the second is told who holds it.
    alice.keys(&["s"]);
    alice.wait_for("Keep soft · mri-2031");
    // Bob's queue marks the item as being decided, and his panel says by whom.
    let screen = bob.wait_for("being decided by alice since");
    assert!(screen.contains("MAJOR A  ✎"), "{screen}");
    bob.keys(&["s"]);
    bob.wait_for("is being decided by alice (claimed at");
    // Alice decides; bob's console shows it without a key pressed, within 2 s.
    alice.literal("honest split");
    alice.keys(&["C-s"]);
    alice.wait_for("Commit this decision?");
    alice.keys(&["y"]);
    alice.wait_for("recorded keep_soft on mri-2031");
    let start = Instant::now();
    let screen = bob.wait_for("mri-2031 · major · keep soft");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "shown after {:?}:\n{screen}",
        start.elapsed()
    );
    assert!(screen.contains("keep soft"), "{screen}");
    for s in [&alice, &bob] {
        s.keys(&["q"]);
    }
}

fn a_console_killed_between_decisions_keeps_every_confirmed_one_and_its_claim_lapses() {
    if !common::have("tmux", "-V") {
        return;
    }
    let d = pilot3();
    let s = console_as(&d, "alice", "dissent-kill");
    s.wait_for("lesion 18mm");
    s.keys(&["s"]);
    s.wait_for("Keep soft · mri-2031");
    s.literal("first");
    s.keys(&["C-s"]);
    s.wait_for("Commit this decision?");
    s.keys(&["y"]);
    s.wait_for("recorded keep_soft on mri-2031");
    // The next item's form is open (claimed) when the process dies.
    s.keys(&["s"]);
    s.wait_for("Keep soft · mri-3001");
    let pid = std::fs::read_to_string(d.path("alice.pid")).expect("pid");
    assert!(
        Command::new("kill")
            .args(["-9", pid.trim()])
            .status()
            .expect("kill")
            .success()
    );
    assert_eq!(d.show("mri-2031")["status"], "keep_soft", "confirmed, kept");
    let claims: serde_json::Value =
        serde_json::from_str(&d.ok(&["claims", "--json"])).expect("json");
    assert_eq!(claims[0]["item_id"], "mri-3001");
    assert_eq!(claims[0]["holder"], "alice");
    // It lapses on its own: someone else claims it once its time is up.
    let mut store = common::open_existing(&d);
    let batch = store.batch(None).expect("batch");
    let expires = claims[0]["expires"].as_i64().expect("expires");
    let after = chrono::DateTime::from_timestamp(expires + 1, 0)
        .expect("time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(
        expires - chrono::Utc::now().timestamp() <= dissent::domain::team::CLAIM_TTL_SECS,
        "held at most the claim's time"
    );
    store
        .claim(&batch, "mri-3001", "bob", &after)
        .expect("lapsed");
}

#[test]
fn the_qa_view_scrolls_to_every_reviewer_and_opens_the_help_over_itself() {
    if !common::have("tmux", "-V") {
        return;
    }
    let d = Dir::new();
    d.import(
        &root().join("fixtures/real/popquorn-offensiveness.slice.csv"),
        &rubric("popquorn_offensiveness.yaml"),
        "popquorn",
        &common::POPQUORN_MAP,
    );
    let s = console_as(&d, "e2e", "dissent-e2e-qa");
    s.wait_for("Queue · all");
    s.keys(&["Q"]);
    let first = s.wait_for("Reviewers 1–");
    assert!(first.contains("QA · batch popquorn"), "{first}");
    s.keys(&["G"]);
    s.wait_for("–90 of 90");
    s.keys(&["k"]);
    s.wait_for("–89 of 90");
    s.keys(&["?"]);
    s.wait_for("In the QA view (Q)");
    s.keys(&["Escape"]);
    let back = s.wait_for("–89 of 90");
    assert!(!back.contains("In the QA view"), "{back}");
    s.keys(&["Escape"]);
    s.wait_for("Queue · all");
}

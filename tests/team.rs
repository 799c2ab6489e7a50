//! A team on one database through the CLI: roles, supersede, assignments, claims, and four
//! writer processes deciding overlapping items at once.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Dir, real_batch, stderr};

common::both_backends! {
    with_no_staff_list_anyone_acts_and_the_first_member_added_makes_a_qa_lead,
    each_act_needs_its_role_the_refusal_names_it_and_nothing_is_written,
    a_decision_over_another_persons_is_refused_without_supersede_and_recorded_with_it,
    a_qa_lead_assigns_by_filter_or_by_item_and_sees_progress,
    four_writer_processes_on_overlapping_items_record_each_success_once_and_refuse_the_rest,
}
// SQLite only: the shared machine's file permissions, and a staff list changed in the file.

/// VariErr's slice as batch `v`, with a staff list: tester (QA lead), alice and bob (senior
/// reviewers), vic (viewer).
fn team() -> Dir {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    let out = d.ok(&["staff", "add", "alice", "--role", "senior_reviewer"]);
    assert_eq!(
        out, "tester is a QA lead\nalice is a senior reviewer\n",
        "{out}"
    );
    d.ok(&["staff", "add", "bob", "--role", "senior_reviewer"]);
    d.ok(&["staff", "add", "vic", "--role", "viewer"]);
    d
}

fn keep_soft<'a>(item: &'a str, who: &'a str) -> Vec<&'a str> {
    vec![
        "adjudicate",
        item,
        "--decision",
        "keep_soft",
        "--reason",
        "honest split",
        "--as",
        who,
    ]
}

fn refused(d: &Dir, args: &[&str]) -> String {
    let out = d.run(args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should be refused");
    stderr(&out)
}

fn log(d: &Dir) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&d.ok(&["log", "--json"]))
        .expect("json")
        .as_array()
        .cloned()
        .expect("array")
}

fn with_no_staff_list_anyone_acts_and_the_first_member_added_makes_a_qa_lead() {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    assert!(d.ok(&["staff", "list"]).starts_with("no staff list"));
    d.ok(&keep_soft("varierr-66185c", "anyone"));
    let err = refused(&d, &["staff", "add", "tester", "--role", "viewer"]);
    assert!(
        err.contains("its first member, `tester`, must be a QA lead"),
        "{err}"
    );
    d.ok(&["staff", "add", "alice", "--role", "senior_reviewer"]);
    let list: serde_json::Value =
        serde_json::from_str(&d.ok(&["staff", "list", "--json"])).expect("json");
    let roles: Vec<(&str, &str)> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|m| {
            (
                m["name"].as_str().expect("name"),
                m["role"].as_str().expect("role"),
            )
        })
        .collect();
    assert_eq!(roles, [("alice", "senior_reviewer"), ("tester", "qa_lead")]);
    let err = refused(&d, &["staff", "remove", "tester"]);
    assert!(err.contains("`tester` is the only QA lead"), "{err}");
    let err = refused(&d, &["staff", "add", "tester", "--role", "viewer"]);
    assert!(err.contains("`tester` is the only QA lead"), "{err}");
    let staff_events = log(&d).iter().filter(|e| e["action"] == "staff").count();
    assert_eq!(staff_events, 2, "each change is logged");
}

fn each_act_needs_its_role_the_refusal_names_it_and_nothing_is_written() {
    let d = team();
    let before = log(&d).len();
    let err = refused(&d, &keep_soft("varierr-66185c", "vic"));
    assert!(
        err.contains("`vic` is a viewer: deciding an item needs a QA lead or a senior reviewer"),
        "{err}"
    );
    let err = refused(&d, &keep_soft("varierr-66185c", "mallory"));
    assert!(
        err.contains("`mallory` is not on the staff list: deciding"),
        "{err}"
    );
    for (args, act) in [
        (
            &["finalize", "--as", "alice"][..],
            "finalizing a batch needs a QA lead",
        ),
        (
            &["assign", "--to", "bob", "--as", "alice"],
            "assigning items needs a QA lead",
        ),
        (
            &["staff", "add", "eve", "--role", "qa_lead", "--as", "alice"],
            "changing the staff list needs a QA lead",
        ),
        (
            &["claims", "--break", "varierr-66185c", "--as", "bob"],
            "breaking a claim needs a QA lead",
        ),
    ] {
        let err = refused(&d, args);
        assert!(
            err.contains("`alice` is a senior reviewer")
                || err.contains("`bob` is a senior reviewer"),
            "{err}"
        );
        assert!(err.contains(act), "{args:?}: {err}");
    }
    let rubric = common::rubric("nli.yaml");
    let file = common::root().join("fixtures/real/varierr-nli.slice.jsonl");
    let err = refused(
        &d,
        &[
            "import",
            file.to_str().expect("path"),
            "--rubric",
            rubric.to_str().expect("path"),
            "--batch",
            "w",
            "--as",
            "alice",
        ],
    );
    assert!(err.contains("importing needs a QA lead"), "{err}");
    assert_eq!(log(&d).len(), before, "no refused act is logged or written");
    assert_eq!(d.show("varierr-66185c")["status"], "pending");
    assert!(!d.ok(&["items"]).contains("\nw "), "no batch w");
}

fn a_decision_over_another_persons_is_refused_without_supersede_and_recorded_with_it() {
    let d = team();
    d.ok(&keep_soft("varierr-66185c", "alice"));
    let err = refused(&d, &keep_soft("varierr-66185c", "bob"));
    assert!(
        err.contains("item `varierr-66185c` holds another person's decision: keep_soft by alice"),
        "{err}"
    );
    assert!(err.contains("--supersede"), "{err}");
    let err = refused(&d, &["undo", "varierr-66185c", "--as", "bob"]);
    assert!(err.contains("keep_soft by alice"), "{err}");
    d.ok(&keep_soft("varierr-66185c", "alice"));
    let mut args = keep_soft("varierr-66185c", "bob");
    args.push("--supersede");
    d.ok(&args);
    let last = log(&d).pop().expect("event");
    assert_eq!(last["actor"], "bob");
    assert_eq!(last["details"]["supersedes"]["by"], "alice", "{last}");
    // Undoing one's own decision needs nothing more.
    d.ok(&["undo", "varierr-66185c", "--as", "bob"]);
    assert!(
        log(&d).pop().expect("event")["details"]
            .get("supersedes")
            .is_none()
    );
}

fn a_qa_lead_assigns_by_filter_or_by_item_and_sees_progress() {
    let d = team();
    let out = d.ok(&[
        "assign",
        "--flag",
        "high_entropy",
        "--limit",
        "3",
        "--to",
        "alice",
    ]);
    assert_eq!(out, "assigned 3 items to alice\n");
    let out = d.ok(&["assign", "--flag", "high_entropy", "--to", "bob"]);
    assert_eq!(out, "assigned 6 items to bob\n", "only the unassigned ones");
    let mine: serde_json::Value =
        serde_json::from_str(&d.ok(&["items", "--assignee", "alice", "--json"])).expect("json");
    let ids: Vec<&str> = mine
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["item_id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        ["varierr-66185c", "varierr-23751e", "varierr-49807n"],
        "triage order"
    );
    d.ok(&keep_soft("varierr-66185c", "alice"));
    d.ok(&["assign", "--item", "varierr-10229n", "--to", "alice"]);
    let progress: serde_json::Value =
        serde_json::from_str(&d.ok(&["assignments", "--json"])).expect("json");
    assert_eq!(
        progress,
        serde_json::json!([
            {"assignee": "alice", "assigned": 4, "pending": 3, "rereview": 0, "decided": 1},
            {"assignee": "bob", "assigned": 6, "pending": 6, "rereview": 0, "decided": 0},
        ])
    );
    let err = refused(&d, &["assign", "--item", "varierr-10229n", "--to", "vic"]);
    assert!(
        err.contains("`vic` is a viewer: deciding an item needs"),
        "{err}"
    );
    assert_eq!(
        d.ok(&["assign", "--item", "varierr-10229n", "--nobody"]),
        "unassigned 1 item\n"
    );
    let last = log(&d).pop().expect("event");
    assert_eq!(last["action"], "assign");
    assert_eq!(
        last["details"]["first"],
        serde_json::json!(["varierr-10229n"])
    );
    // An assigned item is its assignee's (and a QA lead's); unassigned ones are everyone's.
    let err = refused(&d, &keep_soft("varierr-23751e", "bob"));
    assert!(
        err.contains(
            "item `varierr-23751e` is assigned to alice: only they or a QA lead decide it"
        ),
        "{err}"
    );
    d.ok(&keep_soft("varierr-23751e", "tester"));
    d.ok(&keep_soft("varierr-10229n", "bob"));
    // Unassigning by filter takes the assigned items it selects (of the two low-coverage
    // items, one is alice's).
    assert_eq!(
        d.ok(&["assign", "--flag", "low_coverage", "--nobody"]),
        "unassigned 1 item\n"
    );
    let mut over = keep_soft("varierr-23751e", "bob");
    over.push("--supersede");
    d.ok(&over);
    // Someone who may no longer decide holds no items: bob's return to everyone.
    d.ok(&["staff", "add", "bob", "--role", "viewer"]);
    assert!(!d.ok(&["assignments"]).contains("bob"));
    d.ok(&keep_soft("varierr-49807n", "alice"));
}

fn four_writer_processes_on_overlapping_items_record_each_success_once_and_refuse_the_rest() {
    const WORKERS: usize = 4;
    const ATTEMPTS: usize = 110;
    let d = team();
    for w in 0..WORKERS {
        d.ok(&[
            "staff",
            "add",
            &format!("w{w}"),
            "--role",
            "senior_reviewer",
        ]);
    }
    let items: Vec<String> = serde_json::from_str::<serde_json::Value>(&d.ok(&["items", "--json"]))
        .expect("json")
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["item_id"].as_str().expect("id").to_string())
        .collect();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let db = d.db();
            let cwd = d.dir.path().to_path_buf();
            let items = items.clone();
            std::thread::spawn(move || {
                let me = format!("w{w}");
                let (mut decided, mut undone, mut refusals) = (Vec::new(), Vec::new(), Vec::new());
                for k in 0..ATTEMPTS {
                    // Each worker walks the items in its own order, so all overlap.
                    let item = &items[(k * (w + 1) + 3 * w) % items.len()];
                    let reason = format!("{me} attempt {k}");
                    let (args, undo): (Vec<&str>, bool) = if k % 3 == 2 {
                        (vec!["undo", item, "--as", &me], true)
                    } else {
                        (
                            vec![
                                "adjudicate",
                                item,
                                "--decision",
                                "keep_soft",
                                "--reason",
                                &reason,
                                "--as",
                                &me,
                            ],
                            false,
                        )
                    };
                    let out = common::run_in(&cwd, &db, &args);
                    let text = String::from_utf8_lossy(&out.stdout).into_owned();
                    match out.status.code() {
                        Some(0) if undo => undone.push(text),
                        Some(0) => decided.push((item.clone(), text)),
                        Some(1) => refusals.push(String::from_utf8_lossy(&out.stderr).into_owned()),
                        other => panic!("{args:?} exited {other:?}"),
                    }
                }
                (decided, undone, refusals)
            })
        })
        .collect();
    let mut confirmed: BTreeMap<i64, String> = BTreeMap::new();
    let mut reverted: BTreeSet<i64> = BTreeSet::new();
    let mut refusals = 0;
    for w in workers {
        let (decided, undone, refused) = w.join().expect("worker");
        for (item, line) in decided {
            // "recorded decision 12 on ITEM: keep_soft"
            let id: i64 = line
                .split_whitespace()
                .nth(2)
                .and_then(|n| n.parse().ok())
                .expect(&line);
            assert!(
                confirmed.insert(id, item).is_none(),
                "decision {id} confirmed twice"
            );
        }
        for line in undone {
            // "reverted decision 12 on ITEM"
            let id: i64 = line
                .split_whitespace()
                .nth(2)
                .and_then(|n| n.parse().ok())
                .expect(&line);
            assert!(reverted.insert(id), "decision {id} reverted twice");
        }
        for err in &refused {
            assert!(
                err.contains("holds another person's decision")
                    || err.contains("has no decision to undo"),
                "an unexpected refusal: {err}"
            );
        }
        refusals += refused.len();
    }
    println!(
        "{} decisions and {} undos confirmed, {refusals} refused",
        confirmed.len(),
        reverted.len()
    );
    assert!(
        confirmed.len() > 20 && refusals > 20,
        "the workers overlapped: {} ok, {refusals} refused",
        confirmed.len()
    );
    // The record holds exactly the confirmed decisions and reverts, each once.
    let mut recorded: BTreeMap<i64, String> = BTreeMap::new();
    let mut recorded_reverts: BTreeSet<i64> = BTreeSet::new();
    for item in &items {
        for dec in d.show(item)["decisions"].as_array().expect("decisions") {
            let id = dec["id"].as_i64().expect("id");
            if dec["kind"] == "revert" {
                assert!(recorded_reverts.insert(dec["reverts"].as_i64().expect("reverts")));
            } else {
                recorded.insert(id, item.clone());
            }
        }
    }
    assert_eq!(
        recorded, confirmed,
        "every decision that exited 0, exactly once, on its item"
    );
    assert_eq!(recorded_reverts, reverted);
    if d.pg().is_none() {
        let conn = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity");
        assert_eq!(check, "ok");
    }
    let verify: serde_json::Value =
        serde_json::from_str(&d.ok(&["verify", "--json"])).expect("json");
    assert_eq!(verify["intact"], true);
}

/// Runs the binary as uid `uid` in group 7770 (or in no group), with umask 007, on `db`.
#[cfg(unix)]
fn as_account(
    exe: &std::path::Path,
    uid: u32,
    in_group: bool,
    db: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let groups = if in_group {
        "--groups=7770"
    } else {
        "--clear-groups"
    };
    let gid = if in_group {
        "--regid=7770"
    } else {
        "--regid=7771"
    };
    std::process::Command::new("setpriv")
        .args([
            &format!("--reuid={uid}"),
            gid,
            groups,
            "sh",
            "-c",
            "umask 007; exec \"$0\" \"$@\"",
        ])
        .arg(exe)
        .args(args)
        .current_dir("/")
        .env("DISSENT_DB", db)
        .env("DISSENT_USER", format!("u{uid}"))
        .output()
        .expect("run")
}

#[cfg(unix)]
#[test]
fn the_shared_machine_setup_of_the_readme_lets_the_group_work_and_keeps_others_out() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root || !common::have("setpriv", "--version") {
        common::missing("root and setpriv, to act as other accounts");
        return;
    }
    let d = Dir::new();
    let (_bin, exe) = common::binary_for_anyone();
    let shared = d.path("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    std::os::unix::fs::chown(&shared, Some(0), Some(7770)).expect("chown");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o2770)).expect("chmod");
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let readable = tempfile::tempdir().expect("inputs");
    std::fs::set_permissions(readable.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let file = readable.path().join("v.jsonl");
    let rubric = readable.path().join("nli.yaml");
    std::fs::copy(
        common::root().join("fixtures/real/varierr-nli.slice.jsonl"),
        &file,
    )
    .expect("copy");
    std::fs::copy(common::rubric("nli.yaml"), &rubric).expect("copy");
    for p in [&file, &rubric] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let db = shared.join("pilot.db");
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The lead imports; two members decide; each writes the -wal and -shm files the others made.
    ok(as_account(
        &exe,
        7001,
        true,
        &db,
        &[
            "import",
            file.to_str().unwrap(),
            "--rubric",
            rubric.to_str().unwrap(),
            "--batch",
            "v",
        ],
    ));
    ok(as_account(
        &exe,
        7002,
        true,
        &db,
        &keep_soft("varierr-66185c", "u7002"),
    ));
    ok(as_account(
        &exe,
        7003,
        true,
        &db,
        &["undo", "varierr-66185c", "--supersede"],
    ));
    ok(as_account(&exe, 7001, true, &db, &["verify"]));
    let mode = std::fs::metadata(&db).expect("db").mode() & 0o777;
    assert_eq!(mode, 0o660, "group-writable, nobody else: {mode:o}");
    assert_eq!(
        std::fs::metadata(&db).expect("db").gid(),
        7770,
        "the folder's group"
    );
    // Someone outside the group cannot read it: a clear message, not a panic.
    let out = as_account(&exe, 7009, false, &db, &["items"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pilot.db: permission denied"), "{err}");
}

#[test]
fn verify_names_a_staff_list_changed_around_dissent_and_a_forged_staff_event() {
    let d = team();
    let verify = |d: &Dir| -> serde_json::Value {
        serde_json::from_str(&String::from_utf8_lossy(
            &d.run(&["verify", "--json"]).stdout,
        ))
        .expect("json")
    };
    assert_eq!(verify(&d)["intact"], true);
    // Someone with write access drops the guard and makes vic a QA lead by hand.
    let conn = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
    conn.execute_batch(
        "DROP TRIGGER staff_update_by_dissent;
         UPDATE staff SET role = 'qa_lead' WHERE name = 'vic';",
    )
    .expect("forge");
    let v = verify(&d);
    assert_eq!(v["intact"], false);
    assert!(v.to_string().contains("member `vic`"), "{v}");
    // …and rewrites the log to match: the chain of the database's events breaks.
    conn.execute_batch(
        "DROP TRIGGER events_no_update;
         UPDATE events SET details = replace(details, '\"viewer\"', '\"qa_lead\"')
         WHERE action = 'staff' AND details LIKE '%vic%';",
    )
    .expect("forge the log");
    let v = verify(&d);
    assert_eq!(v["intact"], false);
    assert!(v.to_string().contains("events of no batch"), "{v}");
}

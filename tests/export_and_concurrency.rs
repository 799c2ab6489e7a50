//! A failed export leaves nothing behind; several processes share one database.

mod common;

use common::pilot;

common::both_backends! {
    a_failed_export_leaves_nothing_at_the_target,
    several_processes_decide_and_undo_on_one_database_at_once,
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dissent-export-"))
        .collect()
}

fn a_failed_export_leaves_nothing_at_the_target() {
    let d = pilot();
    let missing = d.path("no/such/dir/out.jsonl");
    let out = d.run(&["export", "-o", missing.to_str().expect("path"), "--draft"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists());

    // The target is a directory: the rename fails and the temp file is cleaned up.
    let target = d.path("taken");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::write(target.join("keep.txt"), "mine").expect("write");
    let out = d.run(&["export", "-o", target.to_str().expect("path"), "--draft"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).expect("kept"),
        "mine"
    );
    assert!(
        leftovers(d.dir.path()).is_empty(),
        "temp files left: {:?}",
        leftovers(d.dir.path())
    );

    // A refused export (open batch, no --draft) leaves an earlier file untouched.
    let earlier = d.file("pilot.jsonl", "earlier delivery\n");
    assert_eq!(
        d.run(&["export", "-o", earlier.to_str().expect("path")])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        std::fs::read_to_string(&earlier).expect("kept"),
        "earlier delivery\n"
    );
}

fn several_processes_decide_and_undo_on_one_database_at_once() {
    // Undo reads the history before it writes: each writer must wait its turn, never fail
    // with a stale snapshot or a locked database. Each decides over the others' decisions on
    // purpose (--supersede): what is tested here is the locking, not the conflicts.
    const WORKERS: usize = 4;
    const PASSES: usize = 8;
    let d = pilot();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let db = d.db();
            let cwd = d.dir.path().to_path_buf();
            std::thread::spawn(move || {
                let run = |args: &[&str]| {
                    let out = common::run_in(&cwd, &db, args);
                    assert!(
                        out.status.success(),
                        "{args:?}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                };
                let actor = format!("w{w}");
                for i in 0..PASSES {
                    let reason = format!("worker {w} pass {i}");
                    run(&[
                        "adjudicate",
                        "mri-2031",
                        "--decision",
                        "keep_soft",
                        "--reason",
                        &reason,
                        "--as",
                        &actor,
                        "--supersede",
                    ]);
                    run(&["undo", "mri-2031", "--as", &actor, "--supersede"]);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let item = d.show("mri-2031");
    let decisions = item["decisions"].as_array().map(Vec::len);
    assert_eq!(
        decisions,
        Some(2 * WORKERS * PASSES),
        "every decision and revert"
    );
    assert_eq!(item["status"], "pending", "as many reverts as decisions");
    let log: serde_json::Value =
        serde_json::from_str(&d.ok(&["log", "--json", "--item", "mri-2031"])).expect("log");
    assert_eq!(log.as_array().map(Vec::len), Some(2 * WORKERS * PASSES));
}

//! A fault of a team's PostgreSQL database that an SQLite file meets differently
//! (tests/faults.rs holds the rest, an import killed midway among them, on both backends): a
//! write held up past the busy timeout by another machine's says so and can be made after.

mod common;

use std::time::{Duration, Instant};

use common::{pilot, stderr};

#[test]
fn a_write_held_up_past_the_busy_timeout_by_another_machine_says_so_and_is_made_after() {
    common::on_postgres(|| {
        let d = pilot();
        let db = d.pg().expect("on PostgreSQL");
        // another machine's write in progress: it holds dissent's write lock
        let mut other = db.client();
        other.batch_execute("BEGIN").expect("begin");
        other
            .execute(
                "SELECT pg_advisory_xact_lock($1, $2)",
                &[
                    &dissent::store::pg::WRITE_LOCK.0,
                    &dissent::store::pg::WRITE_LOCK.1,
                ],
            )
            .expect("lock");
        let decide = [
            "adjudicate",
            "mri-2031",
            "--decision",
            "keep_soft",
            "--reason",
            "honest disagreement",
        ];
        let started = Instant::now();
        let out = d.run(&decide);
        let waited = started.elapsed();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("the database is busy"),
            "{}",
            stderr(&out)
        );
        assert!(
            waited >= Duration::from_secs(9),
            "it waited the busy timeout first ({waited:?})"
        );
        other.batch_execute("COMMIT").expect("release");
        assert!(d.ok(&decide).starts_with("recorded decision 1"));
    });
}

//! A PostgreSQL database per test, on the server `DISSENT_TEST_PG` names (`.ci/run` starts a
//! throwaway cluster and sets it; on a developer's machine, point it at any server where the
//! URL's user may create databases).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::missing;

/// A database made for one test, dropped (with any connection still open to it) when this is.
pub struct PgDatabase {
    server: String,
    name: String,
}

/// A fresh, empty database, or `None` where no server is configured: then the test says so and
/// skips, and fails where `CI` is set ([`missing`]).
pub fn pg_database() -> Option<PgDatabase> {
    let Some(server) = std::env::var("DISSENT_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        missing("a PostgreSQL server (DISSENT_TEST_PG; .ci/run starts one)");
        return None;
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "dissent_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = connect(&server);
    // one statement a call: CREATE DATABASE runs outside a transaction only
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin.batch_execute(&sql).expect("make the test database");
    }
    Some(PgDatabase { server, name })
}

impl PgDatabase {
    /// The database's URL: the server's, naming this database.
    pub fn url(&self) -> String {
        let sep = if self.server.contains('?') { '&' } else { '?' };
        format!("{}{sep}dbname={}", self.server, self.name)
    }

    /// Its name, unique among the tests of one run (a prefix for roles, which the cluster
    /// shares).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL with `user` logging in (the test cluster trusts every local login).
    pub fn url_as(&self, user: &str) -> String {
        format!("{}&user={user}", self.url())
    }

    /// A plain connection to it: another client, not dissent (its guard's setting unset).
    pub fn client(&self) -> postgres::Client {
        connect(&self.url())
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connect to DISSENT_TEST_PG: {e}"))
}

/// One row in every table of the record, written as dissent writes.
pub const FIXTURE: &str = r"
INSERT INTO rubrics (task, version, yaml, sha256, loaded_at) VALUES ('t', 1, 'y', 'h1', 'now');
INSERT INTO batches (name, rubric_id, created_at) VALUES ('b', 1, 'now');
INSERT INTO items (id, batch_id, item_key, task, payload, panel_kind, counts, reviewer_count,
    top_share, entropy, norm_entropy, class, flags, unflagged, neg_entropy, conf_key, class_rank)
VALUES (1, 1, 'x', 't', '{}', 'judgments', '[1,1]', 2, 0.5, 1, 1, 'unresolved', 0, 1, -1, 2, 1);
INSERT INTO judgments (item_id, seq, reviewer, label) VALUES (1, 0, 'r1', 'a'), (1, 1, 'r2', 'b');
INSERT INTO decisions (item_id, kind, text, actor, at) VALUES (1, 'rereview', 'why', 'ana', 'now');
INSERT INTO events (batch_id, item_id, actor, at, action) VALUES (1, 1, 'ana', 'now', 'decide');
INSERT INTO models (batch_id, name, version, source, imported_at, imported_by, predictions)
VALUES (1, 'm', 1, 's', 'now', 'ana', 1);
INSERT INTO predictions (model_id, item_id, distribution, kl, model_entropy)
VALUES (1, 1, '\x00', 0.1, 1);
INSERT INTO rounds (item_id, round, panel_kind, counts, first_seq, rubric_id, answers, actor, at,
    chain) VALUES (1, 2, 'counts', '[1,1]', 2, 1, 1, 'ana', 'now', '\x00');
INSERT INTO item_rubric_versions (item_id, round, version) VALUES (1, 1, 1);
INSERT INTO rubrics (task, version, yaml, sha256, loaded_at) VALUES ('t', 2, 'y2', 'h2', 'now');
INSERT INTO batch_rubrics (batch_id, rubric_id, first_item, actor, at)
VALUES (1, 2, 2, 'ana', 'now');
";

/// Drops the roles named `PREFIX…` when dropped, with whatever they own or were granted in the
/// test's database (roles outlive a database: the cluster holds them).
pub struct TestRoles<'a> {
    pub db: &'a PgDatabase,
    pub names: Vec<String>,
}

impl Drop for TestRoles<'_> {
    fn drop(&mut self) {
        let mut admin = self.db.client();
        let names: Vec<String> = self
            .names
            .iter()
            .map(|n| format!("\"{}\"", n.replace('"', "\"\"")))
            .collect();
        let names = names.join(", ");
        let _ = admin.batch_execute(&format!("DROP OWNED BY {names} CASCADE; DROP ROLE {names}"));
    }
}

/// Asserts that `sql` is refused for want of a privilege (SQLSTATE 42501).
pub fn denied(client: &mut postgres::Client, sql: &str) {
    let err = client.batch_execute(sql).expect_err(sql);
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{sql}: {err}"
    );
}

/// What `listener` is notified of on the channel `dissent`, each as its payload: the first
/// notification if one comes within a second, then any that follow it closely.
pub fn notified(listener: &mut postgres::Client) -> Vec<String> {
    use postgres::fallible_iterator::FallibleIterator;
    let mut notifications = listener.notifications();
    let first = notifications
        .timeout_iter(Duration::from_secs(1))
        .next()
        .expect("database");
    let rest: Vec<_> = match first {
        None => Vec::new(),
        Some(_) => notifications
            .timeout_iter(Duration::from_millis(200))
            .collect()
            .expect("database"),
    };
    first
        .into_iter()
        .chain(rest)
        .map(|n| {
            assert_eq!(n.channel(), "dissent");
            n.payload().to_string()
        })
        .collect()
}

//! A PostgreSQL database per test, on the server `DISSENT_TEST_PG` names (`.ci/run` starts a
//! throwaway cluster and sets it; on a developer's machine, point it at any server where the
//! URL's user may create databases).

use std::sync::atomic::{AtomicU32, Ordering};

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

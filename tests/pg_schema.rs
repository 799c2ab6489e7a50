//! The PostgreSQL schema (src/store/pg): its migrations, the lock that serializes them, and the
//! contract the database enforces — the record append-only whoever connects, written by dissent
//! only, an item's status and the queue counts kept by triggers as SQLite's keep them.

mod common;

use std::ffi::OsString;
use std::time::{Duration, Instant};

use common::pg::{FIXTURE, PgDatabase, TestRoles, denied, notified, pg_database};
use dissent::store::{Location, PgUrl, StoreError, pg};
use postgres::types::{ToSql, Type};

fn pg_url(url: &str) -> PgUrl {
    match Location::from(OsString::from(url)) {
        Location::Postgres(url) => url,
        other => panic!("not a URL: {other:?}"),
    }
}

/// The database's tables, by name.
fn tables(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
             ORDER BY tablename",
            &[],
        )
        .expect("database")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn versions(client: &mut postgres::Client) -> Vec<i64> {
    client
        .query("SELECT version FROM dissent_schema ORDER BY version", &[])
        .expect("database")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn migrations_apply_on_an_empty_database_and_again_change_nothing() {
    let Some(db) = pg_database() else { return };
    let mut client = pg::open(&pg_url(&db.url())).unwrap();
    assert_eq!(
        versions(&mut client),
        (1..=pg::SCHEMA_VERSION).collect::<Vec<_>>()
    );
    assert_eq!(
        tables(&mut client),
        [
            "assignments",
            "batch_rubrics",
            "batches",
            "claims",
            "decisions",
            "dissent_schema",
            "events",
            "item_rubric_versions",
            "items",
            "items_search",
            "judgments",
            "models",
            "predictions",
            "queue_counts",
            "rounds",
            "rubrics",
            "search_indexed",
            "staff",
        ]
    );
    assert_eq!(pg::migrate(&mut client).unwrap(), pg::SCHEMA_VERSION);
    drop(pg::open(&pg_url(&db.url())).unwrap());
    assert_eq!(
        versions(&mut client),
        (1..=pg::SCHEMA_VERSION).collect::<Vec<_>>(),
        "nothing applied twice"
    );

    // a database from a newer build is left as it is
    db.client()
        .batch_execute("INSERT INTO dissent_schema (version) VALUES (99)")
        .unwrap();
    assert!(matches!(
        pg::migrate(&mut client),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn a_database_with_tables_of_dissent_s_names_but_not_dissent_s_is_refused() {
    let Some(db) = pg_database() else { return };
    db.client()
        .batch_execute("CREATE TABLE items (x int)")
        .unwrap();
    let err = pg::open(&pg_url(&db.url())).err().expect("refused");
    assert!(matches!(err, StoreError::Foreign(_)), "{err}");
    assert_eq!(tables(&mut db.client()), ["items"], "nothing was added");
}

#[test]
fn two_migrators_at_once_take_turns() {
    let Some(db) = pg_database() else { return };
    // Hold the migration lock, start two migrators, see both wait on it, then let them go.
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    let (a, b) = pg::MIGRATION_LOCK;
    tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&a, &b])
        .unwrap();
    let migrators: Vec<_> = (0..2)
        .map(|_| {
            let url = db.url();
            std::thread::spawn(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                client
                    .batch_execute("SET dissent.writer = 'dissent'")
                    .unwrap();
                pg::migrate(&mut client).map_err(|e| e.to_string())
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting: i64 = db
            .client()
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                &[],
            )
            .unwrap()
            .get(0);
        if waiting == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "{waiting} migrators waiting");
        std::thread::sleep(Duration::from_millis(20));
    }
    tx.commit().unwrap();
    let mut found: Vec<i64> = migrators
        .into_iter()
        .map(|m| m.join().unwrap().unwrap())
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [0, pg::SCHEMA_VERSION],
        "one applied the schema, the other found it applied"
    );
    assert_eq!(
        versions(&mut db.client()),
        (1..=pg::SCHEMA_VERSION).collect::<Vec<_>>()
    );
}

/// A database holding [`FIXTURE`], and a connection to it as dissent.
fn with_fixture(db: &PgDatabase) -> postgres::Client {
    let mut dissent = pg::open(&pg_url(&db.url())).expect("database");
    dissent.batch_execute(FIXTURE).expect("database");
    dissent
}

/// The error message of `sql`, which must fail.
fn refused(client: &mut postgres::Client, sql: &str) -> String {
    match client.batch_execute(sql) {
        Ok(()) => panic!("`{sql}` was allowed"),
        Err(e) => e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_string()),
    }
}

fn count(client: &mut postgres::Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .expect("database")
        .get(0)
}

#[test]
fn the_record_is_append_only_whoever_connects() {
    let Some(db) = pg_database() else { return };
    let mut dissent = with_fixture(&db);
    let mut other = db.client();
    // table, a change, the messages of UPDATE and of DELETE (as on SQLite)
    let record = [
        (
            "judgments",
            "label = label",
            "judgments are append-only: the panel record is never changed",
            "judgments are append-only: the panel record is never deleted",
        ),
        (
            "decisions",
            "text = text",
            "decisions are append-only: undo appends a revert",
            "decisions are append-only: undo appends a revert",
        ),
        (
            "events",
            "details = details",
            "the event log is append-only",
            "the event log is append-only",
        ),
        (
            "rubrics",
            "yaml = yaml",
            "rubrics are kept verbatim",
            "rubrics are kept verbatim",
        ),
        (
            "models",
            "source = source",
            "models are append-only: --replace adds a version",
            "models are append-only: --replace adds a version",
        ),
        (
            "predictions",
            "model_entropy = model_entropy",
            "predictions are append-only: --replace adds a model version",
            "predictions are append-only: --replace adds a model version",
        ),
        (
            "predictions",
            "kl = kl",
            "a prediction's KL follows its item's latest round, as dissent computes it",
            "predictions are append-only: --replace adds a model version",
        ),
        (
            "rounds",
            "counts = counts",
            "rounds are append-only: the panel record is never changed",
            "rounds are append-only: the panel record is never deleted",
        ),
        (
            "item_rubric_versions",
            "version = version",
            "the panel record is never changed",
            "the panel record is never deleted",
        ),
        (
            "batch_rubrics",
            "actor = actor",
            "rubric versions are kept as loaded",
            "rubric versions are kept as loaded",
        ),
        (
            "items",
            "payload = payload",
            "an item's panel record is never changed",
            "items are never deleted",
        ),
        (
            "batches",
            "name = name || 'x'",
            "only a batch's status changes, by finalize and reopen",
            "batches are never deleted",
        ),
    ];
    for client in [&mut dissent, &mut other] {
        for (table, change, on_update, on_delete) in record {
            let before = count(client, table);
            assert_eq!(
                refused(client, &format!("UPDATE {table} SET {change}")),
                on_update,
                "{table}"
            );
            assert_eq!(
                refused(client, &format!("DELETE FROM {table}")),
                on_delete,
                "{table}"
            );
            refused(client, &format!("TRUNCATE {table} CASCADE"));
            assert_eq!(count(client, table), before, "{table} kept every row");
        }
    }
}

#[test]
fn only_dissent_writes_the_record() {
    let Some(db) = pg_database() else { return };
    drop(with_fixture(&db));
    let mut other = db.client();
    let writes = [
        (
            "INSERT INTO judgments (item_id, seq, reviewer, label) VALUES (1, 9, 'r9', 'a')",
            "the panel record is written by dissent only",
        ),
        (
            "INSERT INTO decisions (item_id, kind, text, actor, at)
             VALUES (1, 'keep_soft', 'mine', 'eve', 'now')",
            "decisions are written by dissent only",
        ),
        (
            "INSERT INTO events (actor, at, action) VALUES ('eve', 'now', 'x')",
            "the event log is written by dissent only",
        ),
        (
            "UPDATE items SET status = 'keep_soft'",
            "an item's status follows its decisions",
        ),
        (
            "UPDATE batches SET status = 'finalized'",
            "only a batch's status changes, by finalize and reopen",
        ),
        (
            "UPDATE queue_counts SET n = 0",
            "the queue counts follow the items",
        ),
        (
            "INSERT INTO staff (name, role, added_by, added_at)
             VALUES ('eve', 'qa_lead', 'eve', 'now')",
            "the staff list is changed by dissent only",
        ),
        (
            "INSERT INTO claims (item_id, holder, since, expires) VALUES (1, 'eve', 'now', 0)",
            "claims are changed by dissent only",
        ),
        (
            "INSERT INTO assignments (item_id, assignee, assigned_by, at)
             VALUES (1, 'eve', 'eve', 'now')",
            "assignments are changed by dissent only",
        ),
    ];
    for (sql, message) in writes {
        assert_eq!(refused(&mut other, sql), message, "{sql}");
    }
}

#[test]
fn an_item_s_summary_changes_only_inside_the_guarded_path() {
    let Some(db) = pg_database() else { return };
    let mut dissent = with_fixture(&db);
    let change = "UPDATE items SET class = 'major' WHERE id = 1";
    assert_eq!(
        refused(&mut dissent, change),
        "an item's summary follows its latest round, as dissent computes it"
    );
    let mut tx = dissent.transaction().unwrap();
    tx.batch_execute("SET LOCAL dissent.summaries = 'on'")
        .unwrap();
    tx.batch_execute(change).unwrap();
    tx.commit().unwrap();
    assert_eq!(
        refused(
            &mut dissent,
            "UPDATE items SET class = 'minor' WHERE id = 1"
        ),
        "an item's summary follows its latest round, as dissent computes it",
        "refused again once that transaction is over"
    );
    let counts = queue_counts(&mut dissent);
    assert_eq!(
        counts,
        [
            (1, "t".into(), "major".into(), 0, "rereview".into(), 1),
            (1, "t".into(), "unresolved".into(), 0, "pending".into(), 0),
            (1, "t".into(), "unresolved".into(), 0, "rereview".into(), 0),
        ],
        "the counts follow the class as they follow the status"
    );
}

type CountRow = (i64, String, String, i64, String, i64);

/// The queue counts, on either backend.
const COUNTS: &str =
    "SELECT batch_id, task, class, flags, status, n FROM queue_counts ORDER BY 1, 2, 3, 4, 5";

fn queue_counts(client: &mut postgres::Client) -> Vec<CountRow> {
    client
        .query(COUNTS, &[])
        .expect("database")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect()
}

fn sqlite_queue_counts(conn: &rusqlite::Connection) -> Vec<CountRow> {
    conn.prepare(COUNTS)
        .expect("database")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("database")
        .collect::<Result<_, _>>()
        .expect("database")
}

/// Inserts every row of `table` of the SQLite database into the PostgreSQL one, in key order,
/// each value converted to its column's type there.
fn copy_rows(sqlite: &rusqlite::Connection, pg: &mut postgres::Client, table: &str) {
    let mut select = sqlite
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
        .expect("database");
    let columns: Vec<String> = select
        .column_names()
        .iter()
        .map(|c| (*c).to_string())
        .collect();
    let places: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let insert = pg
        .prepare(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            places.join(", ")
        ))
        .expect("database");
    let types = insert.params().to_vec();
    let mut rows = select.query([]).expect("database");
    while let Some(row) = rows.next().expect("database") {
        let values: Vec<Box<dyn ToSql + Sync>> = types
            .iter()
            .enumerate()
            .map(|(i, ty)| -> Box<dyn ToSql + Sync> {
                use rusqlite::types::Value as V;
                let v: V = row.get(i).expect("database");
                match (ty, v) {
                    (t, V::Integer(n)) if *t == Type::INT8 => Box::new(Some(n)),
                    (t, V::Real(x)) if *t == Type::FLOAT8 => Box::new(Some(x)),
                    (t, V::Integer(n)) if *t == Type::FLOAT8 => Box::new(Some(n as f64)),
                    (t, V::Text(s)) if *t == Type::TEXT => Box::new(Some(s)),
                    (t, V::Blob(b)) if *t == Type::BYTEA => Box::new(Some(b)),
                    (t, V::Null) if *t == Type::INT8 => Box::new(None::<i64>),
                    (t, V::Null) if *t == Type::FLOAT8 => Box::new(None::<f64>),
                    (t, V::Null) if *t == Type::TEXT => Box::new(None::<String>),
                    (t, V::Null) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
                    (t, v) => panic!("{table}.{}: {v:?} as {t}", columns[i]),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(AsRef::as_ref).collect();
        pg.execute(&insert, &refs).expect("database");
    }
}

fn statuses_sqlite(conn: &rusqlite::Connection) -> Vec<(i64, String)> {
    conn.prepare("SELECT id, status FROM items ORDER BY id")
        .expect("database")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("database")
        .collect::<Result<_, _>>()
        .expect("database")
}

fn statuses_pg(client: &mut postgres::Client) -> Vec<(i64, String)> {
    client
        .query("SELECT id, status FROM items ORDER BY id", &[])
        .expect("database")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn status_and_counts_follow_decisions_as_on_sqlite() {
    let Some(db) = pg_database() else { return };
    // On SQLite, through the CLI: an import, then decisions, an undo and a decision over one's
    // own.
    let d = common::real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    let sqlite = rusqlite::Connection::open(d.path("db.sqlite")).unwrap();
    let snapshot = d.path("imported.sqlite");
    sqlite
        .execute("VACUUM INTO ?1", [snapshot.to_str().unwrap()])
        .unwrap();
    let imported = rusqlite::Connection::open(&snapshot).unwrap();
    let reason = |kind: &'static str, item: &'static str, text: &'static str| {
        vec!["adjudicate", item, "--decision", kind, "--reason", text]
    };
    d.ok(&reason("keep_soft", "varierr-10229n", "a real split"));
    d.ok(&reason("rereview", "varierr-12601n", "ask again"));
    d.ok(&common::reviewer_error(
        "varierr-138448c",
        "neutral",
        &["annotator-0"],
        "read again",
    ));
    d.ok(&["undo", "varierr-10229n"]);
    d.ok(&common::reviewer_error(
        "varierr-10229n",
        "contradiction",
        &["annotator-1"],
        "read again",
    ));
    d.ok(&reason("keep_soft", "varierr-138448c", "on second thought"));

    // On PostgreSQL: the same rows as imported, then the same decisions in the same order.
    let mut pg_client = pg::open(&pg_url(&db.url())).unwrap();
    for table in ["rubrics", "batches", "items", "judgments"] {
        copy_rows(&imported, &mut pg_client, table);
    }
    assert_eq!(
        queue_counts(&mut pg_client),
        sqlite_queue_counts(&imported),
        "an import's items are counted as SQLite's import counts them"
    );
    copy_rows(&sqlite, &mut pg_client, "decisions");
    assert_eq!(statuses_pg(&mut pg_client), statuses_sqlite(&sqlite));
    assert_eq!(queue_counts(&mut pg_client), sqlite_queue_counts(&sqlite));
    let decided: Vec<String> = statuses_pg(&mut pg_client)
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| s != "pending")
        .collect();
    assert_eq!(decided.len(), 3, "{decided:?}");
}

#[test]
fn a_reviewer_s_login_cannot_change_the_record_even_by_hand() {
    let Some(db) = pg_database() else { return };
    let prefix = format!("{}_", db.name());
    let role = |r: &str| format!("{prefix}{r}");
    let _roles = TestRoles {
        db: &db,
        names: ["ana", "lee", "lead", "reviewer", "viewer", "owner"]
            .iter()
            .map(|r| role(r))
            .collect(),
    };
    // the administrator: the roles, two logins, and room for the owner to make its tables
    let mut admin = db.client();
    let roles = pg::Roles::new(&prefix).unwrap();
    admin.batch_execute(&roles.roles_sql()).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {ana} LOGIN IN ROLE {reviewer};
             CREATE ROLE {lee} LOGIN IN ROLE {lead};
             GRANT CREATE ON SCHEMA public TO {owner};
             GRANT CREATE ON DATABASE {db} TO {owner};",
            ana = role("ana"),
            lee = role("lee"),
            reviewer = role("reviewer"),
            lead = role("lead"),
            owner = role("owner"),
            db = db.name(),
        ))
        .unwrap();
    // the owner: the schema, the grants, the record
    let mut owner = db.client();
    owner
        .batch_execute(&format!(
            "SET ROLE {}; SET dissent.writer = 'dissent'",
            role("owner")
        ))
        .unwrap();
    pg::migrate(&mut owner).unwrap();
    owner.batch_execute(&roles.grants_sql()).unwrap();
    owner.batch_execute(FIXTURE).unwrap();

    // a reviewer opens the database as dissent does (nothing to migrate, nothing written), and
    // knowing the guard's setting still cannot change or remove the record
    let mut ana = pg::open(&pg_url(&db.url_as(&role("ana")))).unwrap();
    let record = [
        ("rubrics", "yaml"),
        ("batches", "name"),
        ("items", "payload"),
        ("judgments", "label"),
        ("decisions", "text"),
        ("events", "details"),
        ("models", "source"),
        ("predictions", "kl"),
        ("rounds", "counts"),
        ("item_rubric_versions", "version"),
        ("batch_rubrics", "actor"),
        ("queue_counts", "n"),
    ];
    for (table, column) in record {
        denied(&mut ana, &format!("UPDATE {table} SET {column} = {column}"));
        denied(&mut ana, &format!("DELETE FROM {table}"));
        denied(&mut ana, &format!("TRUNCATE {table} CASCADE"));
    }
    denied(&mut ana, "UPDATE items SET status = 'keep_soft'");
    denied(&mut ana, "UPDATE batches SET status = 'finalized'");
    denied(
        &mut ana,
        "ALTER TABLE decisions DISABLE TRIGGER decisions_no_update",
    );

    // but she decides: the item's status and the counts follow, written as the owner
    ana.batch_execute(
        "INSERT INTO decisions (item_id, kind, text, actor, at)
         VALUES (1, 'keep_soft', 'a real split', 'ana', 'now')",
    )
    .unwrap();
    let status: String = ana
        .query_one("SELECT status FROM items WHERE id = 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(status, "keep_soft");
    assert!(
        queue_counts(&mut ana).contains(&(
            1,
            "t".into(),
            "unresolved".into(),
            0,
            "keep_soft".into(),
            1
        )),
        "{:?}",
        queue_counts(&mut ana)
    );

    // a QA lead finalizes, and still cannot rewrite the record
    let mut lee = postgres::Client::connect(&db.url_as(&role("lee")), postgres::NoTls).unwrap();
    lee.batch_execute("SET dissent.writer = 'dissent'").unwrap();
    lee.batch_execute("UPDATE batches SET status = 'finalized'")
        .unwrap();
    denied(&mut lee, "UPDATE decisions SET text = 'rewritten'");
    denied(&mut lee, "DELETE FROM events");
}

#[test]
fn a_console_listening_hears_of_each_change_to_a_batch_at_commit() {
    let Some(db) = pg_database() else { return };
    let mut dissent = with_fixture(&db);
    // a second batch, whose id (2) every notification below names
    dissent
        .batch_execute(
            "INSERT INTO batches (name, rubric_id, created_at) VALUES ('b2', 1, 'now');
             INSERT INTO items (id, batch_id, item_key, task, payload, panel_kind, counts,
                 reviewer_count, top_share, entropy, norm_entropy, class, flags, unflagged,
                 neg_entropy, conf_key, class_rank)
             VALUES (2, 2, 'x', 't', '{}', 'judgments', '[1,1]', 2, 0.5, 1, 1, 'unresolved', 0,
                 1, -1, 2, 1);",
        )
        .unwrap();
    let mut console = db.client();
    console.batch_execute("LISTEN dissent").unwrap();
    assert!(notified(&mut console).is_empty(), "nothing before LISTEN");

    // a decision: nothing while its transaction is open, its batch at commit
    let mut tx = dissent.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO decisions (item_id, kind, text, actor, at)
         VALUES (2, 'rereview', 'ask again', 'ana', 'now')",
    )
    .unwrap();
    assert!(notified(&mut console).is_empty(), "nothing before commit");
    tx.commit().unwrap();
    assert_eq!(notified(&mut console), ["2"], "a decision");

    // nothing from a transaction rolled back
    let mut tx = dissent.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO claims (item_id, holder, since, expires) VALUES (2, 'ana', 'now', 9)",
    )
    .unwrap();
    tx.rollback().unwrap();
    assert!(notified(&mut console).is_empty(), "nothing rolled back");

    let changes = [
        (
            "a claim",
            "INSERT INTO claims (item_id, holder, since, expires) VALUES (2, 'ana', 'now', 9)",
        ),
        (
            "a claim renewed",
            "UPDATE claims SET expires = 99 WHERE item_id = 2",
        ),
        ("a claim released", "DELETE FROM claims WHERE item_id = 2"),
        (
            "an assignment",
            "INSERT INTO assignments (item_id, assignee, assigned_by, at)
             VALUES (2, 'ana', 'lee', 'now')",
        ),
        (
            "a reassignment",
            "UPDATE assignments SET assignee = 'bo' WHERE item_id = 2",
        ),
        (
            "an assignment withdrawn",
            "DELETE FROM assignments WHERE item_id = 2",
        ),
        (
            "a new round",
            "INSERT INTO rounds (item_id, round, panel_kind, counts, first_seq, rubric_id,
                 answers, actor, at, chain)
             VALUES (2, 2, 'counts', '[1,1]', 2, 1, 2, 'ana', 'now', '\\x00')",
        ),
        (
            "a batch finalized",
            "UPDATE batches SET status = 'finalized' WHERE id = 2",
        ),
        (
            "a batch reopened",
            "UPDATE batches SET status = 'open' WHERE id = 2",
        ),
    ];
    for (what, sql) in changes {
        dissent.batch_execute(sql).unwrap();
        assert_eq!(notified(&mut console), ["2"], "{what}: {sql}");
    }
    dissent
        .batch_execute("UPDATE batches SET status = status WHERE id = 2")
        .unwrap();
    assert!(notified(&mut console).is_empty(), "a status set to itself");

    // an import into two batches in one statement: each batch once
    dissent
        .batch_execute(
            "INSERT INTO items (id, batch_id, item_key, task, payload, panel_kind, counts,
                 reviewer_count, top_share, entropy, norm_entropy, class, flags, unflagged,
                 neg_entropy, conf_key, class_rank)
             SELECT n, 1 + n % 2, 'k' || n, 't', '{}', 'judgments', '[1,1]', 2, 0.5, 1, 1,
                 'unresolved', 0, 1, -1, 2, 1
             FROM generate_series(3, 1002) n",
        )
        .unwrap();
    let mut batches = notified(&mut console);
    batches.sort();
    assert_eq!(batches, ["1", "2"], "a thousand items in two batches");

    // and a bulk assignment in one transaction of many statements: one notification
    let mut tx = dissent.transaction().unwrap();
    for item in (4..=1002).step_by(2) {
        tx.execute(
            "INSERT INTO assignments (item_id, assignee, assigned_by, at)
             VALUES ($1, 'ana', 'lee', 'now')",
            &[&i64::from(item)],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    assert_eq!(notified(&mut console), ["1"], "folded in one transaction");
}

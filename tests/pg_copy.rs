//! `dissent copy`: a whole SQLite database into an empty PostgreSQL one and back into a new file,
//! every row of every table with its id and hash as it was, read the same by every command.

mod common;

use std::ffi::OsString;

use common::pg::{PgDatabase, pg_database};
use common::{Dir, root, stderr};
use dissent::store::{Location, PgUrl, pg};
use postgres::types::Type;

/// A database that has been round the re-review loop (fixtures/loop): two rubric versions, a
/// second round, decisions, a staff list and an assignment.
fn looped() -> Dir {
    let d = Dir::new();
    let fixture = |name: &str| root().join("fixtures/loop").join(name);
    let (v1, v2) = (fixture("rubric.v1.yaml"), fixture("rubric.v2.yaml"));
    d.import(&fixture("round1.csv"), &v1, "pilot", &[]);
    d.ok(&["staff", "add", "tester", "--role", "qa_lead"]);
    d.ok(&[
        "adjudicate",
        "mri-3001",
        "--decision",
        "rereview",
        "--reason",
        "the size anchors do not say which view",
    ]);
    d.ok(&["rubric", "update", v2.to_str().expect("path")]);
    d.import(&fixture("round2.csv"), &v2, "pilot", &[]);
    d.ok(&[
        "adjudicate",
        "mri-3001",
        "--decision",
        "hard_label",
        "--label",
        "moderate",
        "--reason-code",
        "clarified_rubric",
        "--reason",
        "all three read 16–18 mm on the axial view",
    ]);
    d.ok(&["assign", "--item", "mri-3003", "--to", "tester"]);
    d
}

/// Every row of `table` in key order, each value spelled with its kind, from SQLite.
fn sqlite_rows(conn: &rusqlite::Connection, table: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
        .expect("select");
    let columns: Vec<String> = stmt.column_names().iter().map(|c| (*c).into()).collect();
    let rows = stmt
        .query_map([], |r| {
            (0..columns.len())
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "null".to_string(),
                        rusqlite::types::ValueRef::Integer(n) => format!("int {n}"),
                        rusqlite::types::ValueRef::Real(x) => format!("real {x:?}"),
                        rusqlite::types::ValueRef::Text(t) => {
                            format!("text {}", String::from_utf8_lossy(t))
                        }
                        rusqlite::types::ValueRef::Blob(b) => format!("blob {b:?}"),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("values");
    (columns, rows)
}

/// The same, from PostgreSQL, in the columns named.
fn pg_rows(client: &mut postgres::Client, table: &str, columns: &[String]) -> Vec<Vec<String>> {
    let rows = client
        .query(
            &format!("SELECT {} FROM {table} ORDER BY 1, 2", columns.join(", ")),
            &[],
        )
        .expect("select");
    rows.iter()
        .map(|r| {
            r.columns()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let shown = match c.type_() {
                        t if *t == Type::INT8 => {
                            r.get::<_, Option<i64>>(i).map(|n| format!("int {n}"))
                        }
                        t if *t == Type::FLOAT8 => {
                            r.get::<_, Option<f64>>(i).map(|x| format!("real {x:?}"))
                        }
                        t if *t == Type::TEXT => {
                            r.get::<_, Option<String>>(i).map(|s| format!("text {s}"))
                        }
                        t if *t == Type::BYTEA => r
                            .get::<_, Option<Vec<u8>>>(i)
                            .map(|b| format!("blob {b:?}")),
                        t => panic!("{table}.{}: {t}", c.name()),
                    };
                    shown.unwrap_or_else(|| "null".to_string())
                })
                .collect()
        })
        .collect()
}

fn copy(d: &Dir, db: &PgDatabase) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["copy", "--from", "db.sqlite", "--to", &db.url()])
        .current_dir(d.dir.path())
        .env_remove("DISSENT_DB")
        .env("DISSENT_USER", "tester")
        .output()
        .expect("run dissent")
}

fn pg_url(db: &PgDatabase) -> PgUrl {
    match Location::from(OsString::from(db.url())) {
        Location::Postgres(url) => url,
        other => panic!("not a URL: {other:?}"),
    }
}

#[test]
fn a_copy_keeps_every_row_id_and_hash() {
    let Some(db) = pg_database() else { return };
    let d = looped();
    let out = copy(&d, &db);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(said.starts_with("copied "), "{said}");

    let sqlite = rusqlite::Connection::open(d.path("db.sqlite")).unwrap();
    let mut client = db.client();
    let mut carried = 0;
    for table in pg::COPIED {
        let (columns, rows) = sqlite_rows(&sqlite, table);
        assert_eq!(pg_rows(&mut client, table, &columns), rows, "{table}");
        if !rows.is_empty() {
            carried += 1;
        }
    }
    assert!(carried >= 11, "the fixture fills most tables ({carried})");

    // the contract is back on, and new rows take the next ids
    let err = client
        .batch_execute("UPDATE decisions SET text = 'rewritten'")
        .unwrap_err();
    let shown = dissent::store::StoreError::from(err).to_string();
    assert_eq!(
        shown,
        "database: decisions are append-only: undo appends a revert"
    );
    let mut dissent = pg::open(&pg_url(&db)).unwrap();
    let next: i64 = dissent
        .query_one(
            "INSERT INTO events (actor, at, action) VALUES ('tester', 'now', 'x') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let last: i64 = sqlite
        .query_row("SELECT max(id) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(next, last + 1);

    // a database that holds one already is left alone
    let again = copy(&d, &db);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds a dissent database"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn only_the_owner_of_the_target_s_tables_copies_into_it() {
    let Some(db) = pg_database() else { return };
    drop(pg::open(&pg_url(&db)).unwrap());
    let eve = format!("{}_eve", db.name());
    let mut admin = db.client();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {eve} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {eve}"
        ))
        .unwrap();
    let d = looped();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["copy", "--from", "db.sqlite", "--to", &db.url_as(&eve)])
        .current_dir(d.dir.path())
        .env_remove("DISSENT_DB")
        .output()
        .expect("run dissent");
    let _ = admin.batch_execute(&format!("DROP OWNED BY {eve}; DROP ROLE {eve}"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("copy as the login that owns its tables"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        db.client()
            .query_one("SELECT count(*) FROM items", &[])
            .unwrap()
            .get::<_, i64>(0),
        0
    );
}

/// `text` with every time of the form `2026-12-01T14:41:44Z` as `<time>`: readings made a second
/// apart stamp their own.
fn untimed(text: &str) -> String {
    let is_time = |w: &[u8]| {
        w.len() == 20
            && w.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b'T',
                13 | 16 => *b == b':',
                19 => *b == b'Z',
                _ => b.is_ascii_digit(),
            })
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i..i + 20).is_some_and(is_time) {
            out.push_str("<time>");
            i += 20;
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// What the commands a team reads say about the database at `db`: the export (a draft), the
/// report's figures, the chain's verification and the event log, times left out.
fn readings(d: &Dir, db: &str) -> Vec<String> {
    [
        &["export", "--draft", "-o", "-"][..],
        &["report", "--json"],
        &["verify"],
        &["log"],
        &["items", "--json"],
    ]
    .iter()
    .map(|args| {
        let out = common::run_in(d.dir.path(), std::path::Path::new(db), args);
        assert!(out.status.success(), "{args:?} on {db}: {}", stderr(&out));
        untimed(&String::from_utf8(out.stdout).expect("utf8"))
    })
    .collect()
}

#[test]
fn a_copy_back_to_a_file_is_the_same_database_and_reads_the_same_everywhere() {
    let Some(db) = pg_database() else { return };
    let d = looped();
    assert!(copy(&d, &db).status.success());
    let back = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["copy", "--from", &db.url(), "--to", "back.sqlite"])
        .current_dir(d.dir.path())
        .env_remove("DISSENT_DB")
        .output()
        .expect("run dissent");
    assert!(back.status.success(), "{}", stderr(&back));

    let original = rusqlite::Connection::open(d.path("db.sqlite")).unwrap();
    let copied = rusqlite::Connection::open(d.path("back.sqlite")).unwrap();
    for table in pg::COPIED {
        assert_eq!(
            sqlite_rows(&copied, table),
            sqlite_rows(&original, table),
            "{table}"
        );
    }
    let here = readings(&d, d.path("db.sqlite").to_str().unwrap());
    assert_eq!(
        readings(&d, &db.url()),
        here,
        "the server reads as the file"
    );
    assert_eq!(
        readings(&d, d.path("back.sqlite").to_str().unwrap()),
        here,
        "and so does the copy back"
    );

    // a file that exists is not copied over
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args(["copy", "--from", &db.url(), "--to", "back.sqlite"])
        .current_dir(d.dir.path())
        .env_remove("DISSENT_DB")
        .output()
        .expect("run dissent");
    assert!(
        !again.status.success() && stderr(&again).contains("the file exists"),
        "{}",
        stderr(&again)
    );
}

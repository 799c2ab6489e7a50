//! `dissent pg-setup`: the SQL an administrator runs to set up a team's PostgreSQL database,
//! run as printed against a real server, and the boundary it draws: a reviewer's login cannot
//! change or remove the record, even by hand.

mod common;

use common::pg::{FIXTURE, TestRoles, denied, notified, pg_database};
use common::{Dir, stderr};

#[test]
fn names_that_are_not_names_are_refused_and_quoted_names_stay_names() {
    let d = Dir::new();
    for (args, says) in [
        (
            &[
                "pg-setup",
                "login",
                "ana\nDROP TABLE decisions",
                "--role",
                "viewer",
            ][..],
            "may not hold control characters",
        ),
        (
            &["pg-setup", "login", "", "--role", "viewer"],
            "may not be empty",
        ),
        (
            &["pg-setup", "roles", "--prefix", &"p".repeat(60)],
            "longer than the 63 bytes",
        ),
        (&["pg-setup", "schema"], "pass --db postgres://"),
    ] {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: nothing printed");
    }
    let roles = d.ok(&["pg-setup", "roles", "--prefix", "t\"; DROP TABLE x; --"]);
    assert!(
        roles.contains("CREATE ROLE \"t\"\"; DROP TABLE x; --owner\" NOLOGIN;"),
        "{roles}"
    );
    assert_eq!(
        d.ok(&["pg-setup", "login", "o'neil", "--role", "senior_reviewer"])
            .lines()
            .last(),
        Some("CREATE ROLE \"o'neil\" LOGIN IN ROLE \"dissent_reviewer\";")
    );
    let grants = d.ok(&["pg-setup", "grants"]);
    assert!(
        grants.contains("GRANT INSERT ON decisions, events TO \"dissent_reviewer\";"),
        "{grants}"
    );
}

#[test]
fn the_printed_setup_keeps_a_reviewer_from_changing_the_record() {
    let Some(db) = pg_database() else { return };
    let d = Dir::new();
    let prefix = format!("{}_", db.name());
    let ana = format!("{prefix}ana");
    // a name that would be SQL if it were not quoted
    let odd = format!("{prefix}o'n \"x\"; DROP ROLE x; --");
    let _roles = TestRoles {
        db: &db,
        names: [ana.as_str(), odd.as_str()]
            .into_iter()
            .map(String::from)
            .chain(
                ["lead", "reviewer", "viewer", "owner"]
                    .iter()
                    .map(|r| format!("{prefix}{r}")),
            )
            .collect(),
    };

    // the administrator runs what dissent prints, then lets dissent set up the schema
    let mut admin = db.client();
    admin
        .batch_execute(&d.ok(&["pg-setup", "roles", "--prefix", &prefix]))
        .unwrap();
    for (name, role) in [(&ana, "senior_reviewer"), (&odd, "viewer")] {
        let login = d.ok(&[
            "pg-setup", "login", name, "--role", role, "--prefix", &prefix,
        ]);
        admin.batch_execute(&login).unwrap();
    }
    let member_of = |name: &str| -> Vec<String> {
        db.client()
            .query(
                "SELECT g.rolname::text FROM pg_auth_members m
                 JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
                 WHERE r.rolname = $1 AND r.rolcanlogin",
                &[&name],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(member_of(&ana), [format!("{prefix}reviewer")]);
    assert_eq!(
        member_of(&odd),
        [format!("{prefix}viewer")],
        "one login, named as given"
    );

    let version = dissent::store::pg::SCHEMA_VERSION;
    for was in [0, version] {
        let said = d.ok(&["--db", &db.url(), "pg-setup", "schema", "--prefix", &prefix]);
        assert!(
            said.contains(&format!("schema version {version} (was {was})")),
            "{said}"
        );
    }

    // the owner: the tables are its own; the printed grants run as it, again, changing nothing
    let mut owner = db.client();
    owner
        .batch_execute(&format!(
            "SET ROLE \"{prefix}owner\"; SET dissent.writer = 'dissent'"
        ))
        .unwrap();
    owner
        .batch_execute(&d.ok(&["pg-setup", "grants", "--prefix", &prefix]))
        .unwrap();
    owner.batch_execute(FIXTURE).unwrap();
    let owners: Vec<String> = owner
        .query(
            "SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(owners, [format!("{prefix}owner")]);

    // the reviewer, knowing the guard's setting, cannot rewrite or remove a decision
    let mut reviewer = postgres::Client::connect(&db.url_as(&ana), postgres::NoTls).unwrap();
    reviewer
        .batch_execute("SET dissent.writer = 'dissent'")
        .unwrap();
    denied(&mut reviewer, "UPDATE decisions SET text = 'rewritten'");
    denied(&mut reviewer, "DELETE FROM decisions");
    denied(&mut reviewer, "UPDATE judgments SET label = 'b'");

    // but decides, and a console listening hears of it
    let mut console = db.client();
    console.batch_execute("LISTEN dissent").unwrap();
    reviewer
        .batch_execute(
            "INSERT INTO decisions (item_id, kind, text, actor, at)
             VALUES (1, 'keep_soft', 'a real split', 'ana', 'now')",
        )
        .unwrap();
    assert_eq!(notified(&mut console), ["1"]);
}

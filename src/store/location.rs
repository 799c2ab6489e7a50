//! Where the database is (`--db`, `$DISSENT_DB`): an SQLite file, or a PostgreSQL server named by
//! a `postgres://` / `postgresql://` URL. A password, wherever it comes from (the URL,
//! `PGPASSWORD`, a password file), is never shown: a location's `Display` and `Debug` and every
//! error about it show the URL with its password replaced by `***`.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The schemes that name a PostgreSQL server.
const SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

/// What a shown password reads as.
const HIDDEN: &str = "***";

/// Where the database is.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file: the embedded default.
    Sqlite(PathBuf),
    /// A PostgreSQL server.
    Postgres(PgUrl),
}

impl Default for Location {
    /// `./dissent.db`.
    fn default() -> Self {
        Location::Sqlite(PathBuf::from("dissent.db"))
    }
}

impl From<OsString> for Location {
    /// A text that starts with a PostgreSQL scheme is a URL; anything else is a file path,
    /// as before URLs were taken. Nothing is checked here: a URL is read when connecting, so
    /// that no parse error can echo it.
    fn from(text: OsString) -> Self {
        match text.to_str() {
            Some(url) if SCHEMES.iter().any(|s| url.starts_with(s)) => {
                Location::Postgres(PgUrl(url.to_string()))
            }
            _ => Location::Sqlite(PathBuf::from(text)),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Location::Postgres(url) => f.debug_tuple("Postgres").field(url).finish(),
        }
    }
}

/// A PostgreSQL URL as given: `postgres[ql]://[user[:password]@][host][:port][/dbname][?k=v&…]`,
/// a Unix socket's folder as the host percent-encoded or as `?host=/path`. Shown only with
/// its password hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redacted(&self.0))
    }
}

/// A PostgreSQL location that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    /// The URL does not parse (the message names the part, never its value).
    #[error("{url}: not a PostgreSQL URL: {why}")]
    BadUrl {
        /// The URL, its password hidden.
        url: PgUrl,
        /// What is wrong.
        why: String,
    },
    /// The server cannot be reached or refused the login.
    #[error("{url}: {}", super::pg::described(.why))]
    Connect {
        /// The URL, its password hidden.
        url: PgUrl,
        /// What the client said (it never includes the password).
        why: postgres::Error,
    },
}

/// The environment a URL is completed from, as libpq reads it: a variable's value, and the
/// home folder where `~/.pgpass` is.
pub trait PgEnv {
    /// The value of the environment variable `name`, where set and not empty.
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home folder.
    fn home(&self) -> Option<PathBuf>;
}

/// This process's environment.
pub struct ProcessEnv;

impl PgEnv for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn home(&self) -> Option<PathBuf> {
        dirs::home_dir()
    }
}

impl PgUrl {
    /// The connection settings: the URL's, with what it leaves out taken as libpq takes it —
    /// `PGHOST` (else `/var/run/postgresql` where that folder exists, else `localhost`),
    /// `PGPORT`, `PGUSER` (else the OS account: `$USER`, `$LOGNAME`, else the client asks the
    /// system), `PGDATABASE` (else the user's name), and a password from
    /// `PGPASSWORD`, else the first matching line of the password file (`PGPASSFILE`, else
    /// `~/.pgpass`; read only when no one but its owner may read it, as libpq does).
    pub fn config(&self, env: &dyn PgEnv) -> Result<postgres::Config, LocationError> {
        let bad = |why: String| LocationError::BadUrl {
            url: self.clone(),
            why,
        };
        let mut config = postgres::Config::from_str(&self.0).map_err(|e| bad(e.to_string()))?;
        if config.get_hosts().is_empty() {
            match env.var("PGHOST") {
                Some(host) if host.starts_with('/') => config.host_path(host),
                Some(host) => config.host(&host),
                None if Path::new(DEFAULT_SOCKETS).is_dir() => config.host_path(DEFAULT_SOCKETS),
                None => config.host("localhost"),
            };
        }
        if config.get_ports().is_empty()
            && let Some(port) = env.var("PGPORT")
        {
            config.port(port.parse().map_err(|_| bad("PGPORT: not a port".into()))?);
        }
        if config.get_user().is_none()
            && let Some(user) = env
                .var("PGUSER")
                .or_else(|| env.var("USER"))
                .or_else(|| env.var("LOGNAME"))
        {
            config.user(&user);
        }
        if config.get_dbname().is_none()
            && let Some(db) = env.var("PGDATABASE")
        {
            config.dbname(&db);
        }
        if config.get_password().is_none() {
            if let Some(password) = env.var("PGPASSWORD") {
                config.password(password);
            } else if let Some(password) = from_password_file(&config, env) {
                config.password(password);
            }
        }
        Ok(config)
    }

    /// Connects, without TLS (a Unix socket, or a server on a private network).
    pub fn connect(&self, env: &dyn PgEnv) -> Result<postgres::Client, LocationError> {
        self.config(env)?
            .connect(postgres::NoTls)
            .map_err(|why| LocationError::Connect {
                url: self.clone(),
                why,
            })
    }
}

/// The Unix socket folder of Debian's libpq, where a URL without a host connects.
const DEFAULT_SOCKETS: &str = "/var/run/postgresql";

/// `url` with the password in its user info and any `password=` parameter replaced by
/// [`HIDDEN`]. The user info ends at the first `@`, as the client reads it.
fn redacted(url: &str) -> String {
    let Some(scheme) = SCHEMES.iter().find(|s| url.starts_with(*s)) else {
        return url.to_string();
    };
    let rest = &url[scheme.len()..];
    let mut out = String::from(*scheme);
    let after_creds = match rest.find('@') {
        Some(at) => {
            let creds = &rest[..at];
            match creds.find(':') {
                Some(colon) => {
                    out.push_str(&creds[..=colon]);
                    out.push_str(HIDDEN);
                }
                None => out.push_str(creds),
            }
            out.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    match after_creds.find('?') {
        Some(q) => {
            out.push_str(&after_creds[..=q]);
            let params: Vec<String> = after_creds[q + 1..]
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}={HIDDEN}"),
                    _ => kv.to_string(),
                })
                .collect();
            out.push_str(&params.join("&"));
        }
        None => out.push_str(after_creds),
    }
    out
}

/// The password of the first line of the password file that matches `config`'s host, port,
/// database and user (`*` matches anything; `\` escapes `:` and `\`). A Unix socket's host
/// matches `localhost`, as in libpq.
fn from_password_file(config: &postgres::Config, env: &dyn PgEnv) -> Option<String> {
    let path = env
        .var("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env.home().map(|h| h.join(".pgpass")))?;
    if !private(&path) {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first()? {
        postgres::config::Host::Tcp(host) => host.clone(),
        #[cfg(unix)]
        postgres::config::Host::Unix(_) => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user()?.to_string();
    let dbname = config
        .get_dbname()
        .map_or_else(|| user.clone(), str::to_string);
    password_line(&text, [&host, &port, &dbname, &user])
}

/// The password of the first line of a password file's `text` whose first four fields match
/// `wanted` (host, port, database, user).
fn password_line(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let fields = pgpass_fields(line);
            let [host, port, db, user, password] = fields.as_slice() else {
                return None;
            };
            [host, port, db, user]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field.as_str() == "*" || field.as_str() == want)
                .then(|| password.clone())
        })
}

/// The `:`-separated fields of a password file line, `\` escaping the next character.
fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(field) = fields.last_mut()
                {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

/// Whether only its owner may read or write `path` (libpq ignores a password file that others
/// may read).
#[cfg(unix)]
fn private(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn private(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct FakeEnv {
        vars: HashMap<&'static str, String>,
        home: Option<PathBuf>,
    }

    impl PgEnv for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).cloned()
        }
        fn home(&self) -> Option<PathBuf> {
            self.home.clone()
        }
    }

    fn env(vars: &[(&'static str, &str)]) -> FakeEnv {
        FakeEnv {
            vars: vars.iter().map(|(k, v)| (*k, (*v).to_string())).collect(),
            home: None,
        }
    }

    fn location(text: &str) -> Location {
        Location::from(OsString::from(text))
    }

    fn url(text: &str) -> PgUrl {
        match location(text) {
            Location::Postgres(url) => url,
            other => panic!("not a URL: {other:?}"),
        }
    }

    #[test]
    fn a_path_is_an_sqlite_file_and_a_postgres_url_a_server() {
        assert_eq!(
            location("team.db"),
            Location::Sqlite(PathBuf::from("team.db"))
        );
        assert_eq!(
            location("./postgres://x"),
            Location::Sqlite(PathBuf::from("./postgres://x")),
            "a path that merely contains a scheme is a path"
        );
        assert!(matches!(location("postgres://h/db"), Location::Postgres(_)));
        assert!(matches!(
            location("postgresql://h/db"),
            Location::Postgres(_)
        ));
        assert_eq!(Location::default().to_string(), "dissent.db");
    }

    #[test]
    fn a_password_is_never_shown() {
        let cases = [
            (
                "postgres://ana:s3cret@db.example:5433/panel",
                "postgres://ana:***@db.example:5433/panel",
            ),
            (
                "postgresql://ana:p%40ss:w0rd@h/db?sslmode=disable&password=s3cret",
                "postgresql://ana:***@h/db?sslmode=disable&password=***",
            ),
            (
                "postgres://h/db?PASSWORD=s3cret",
                "postgres://h/db?PASSWORD=***",
            ),
            ("postgres://ana@h/db", "postgres://ana@h/db"),
        ];
        for (given, shown) in cases {
            let location = location(given);
            assert_eq!(location.to_string(), shown);
            let debug = format!("{location:?}");
            assert!(debug.contains(shown), "{debug}");
            for secret in ["s3cret", "w0rd"] {
                assert!(!debug.contains(secret) && !location.to_string().contains(secret));
            }
        }
    }

    #[test]
    fn an_error_about_a_url_hides_its_password() {
        let bad = url("postgres://ana:s3cret@h:notaport/db");
        let err = bad.config(&env(&[])).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://ana:***@h:notaport/db"),
            "{shown}"
        );
    }

    #[test]
    fn a_failed_connection_names_the_server_not_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "postgresql://ana:s3cret@/panel?host={}",
            dir.path().display()
        );
        let err = url(&text)
            .connect(&env(&[]))
            .err()
            .expect("no server there");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgresql://ana:***@/panel?host="),
            "{shown}"
        );
    }

    #[test]
    fn a_socket_folder_is_the_host_in_either_spelling() {
        for text in [
            "postgresql://postgres@/postgres?host=/tmp/pg",
            "postgresql://postgres@%2Ftmp%2Fpg/postgres",
        ] {
            let config = url(text).config(&env(&[])).unwrap();
            assert_eq!(
                config.get_hosts(),
                [postgres::config::Host::Unix(PathBuf::from("/tmp/pg"))]
            );
            assert_eq!(config.get_user(), Some("postgres"));
            assert_eq!(config.get_dbname(), Some("postgres"));
        }
    }

    #[test]
    fn what_the_url_leaves_out_comes_from_the_environment() {
        let e = env(&[
            ("PGHOST", "db.internal"),
            ("PGPORT", "6543"),
            ("PGUSER", "ana"),
            ("PGDATABASE", "panel"),
            ("PGPASSWORD", "from-env"),
        ]);
        let config = url("postgres://").config(&e).unwrap();
        assert_eq!(
            config.get_hosts(),
            [postgres::config::Host::Tcp("db.internal".into())]
        );
        assert_eq!(config.get_ports(), [6543]);
        assert_eq!(config.get_user(), Some("ana"));
        assert_eq!(config.get_dbname(), Some("panel"));
        assert_eq!(config.get_password(), Some(&b"from-env"[..]));
        // the URL wins over the environment
        let config = url("postgres://bo:given@h:5432/other").config(&e).unwrap();
        assert_eq!(config.get_user(), Some("bo"));
        assert_eq!(config.get_dbname(), Some("other"));
        assert_eq!(config.get_password(), Some(&b"given"[..]));
    }

    #[test]
    fn a_password_file_gives_the_first_matching_line_if_private() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".pgpass");
        std::fs::write(
            &file,
            "# team server\nother:5432:*:ana:wrong\ndb.internal:5432:panel:bo:not-ana\n\
             db.internal:*:panel:ana:pa\\:ss\\\\1\n*:*:*:*:fallback\n",
        )
        .unwrap();
        let mut e = env(&[]);
        e.home = Some(dir.path().to_path_buf());
        let config_of = |text: &str, e: &FakeEnv| url(text).config(e).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(
                config_of("postgres://ana@db.internal/panel", &e).get_password(),
                None,
                "a password file others may read is ignored"
            );
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(
            config_of("postgres://ana@db.internal/panel", &e).get_password(),
            Some(&br"pa:ss\1"[..])
        );
        assert_eq!(
            config_of("postgres://cy@elsewhere/x", &e).get_password(),
            Some(&b"fallback"[..])
        );
        assert_eq!(
            config_of("postgres://ana:given@db.internal/panel", &e).get_password(),
            Some(&b"given"[..]),
            "a password in the URL wins"
        );
        // PGPASSFILE names another file; a socket's host matches `localhost`
        let other = dir.path().join("pass");
        std::fs::write(&other, "localhost:5432:postgres:postgres:sock\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let e = env(&[("PGPASSFILE", other.to_str().unwrap())]);
        assert_eq!(
            config_of("postgresql://postgres@/postgres?host=/tmp/pg", &e).get_password(),
            Some(&b"sock"[..])
        );
    }
}

//! A team's roles on the server (roles.sql, grants.sql, docs/postgres.md) and the SQL that sets
//! them up. Every role name is written as a quoted SQL identifier, and only names that can be
//! quoted safely are taken, so a name with a quote, a space or a semicolon is a name, never SQL.

use crate::domain::team::Role;

use super::super::{PgUrl, ProcessEnv, Result};

/// PostgreSQL keeps the first 63 bytes of a name and drops the rest.
const NAME_BYTES: usize = 63;

/// The roles' suffixes, as roles.sql and grants.sql name them after `dissent_`.
const SUFFIXES: [&str; 4] = ["owner", "lead", "reviewer", "viewer"];

/// A role or login name that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RoleNameError {
    /// A login needs a name.
    #[error("a login name may not be empty")]
    Empty,
    /// Control characters (a newline would end the comment a script names a role in).
    #[error("{0:?}: a role name may not hold control characters")]
    Control(String),
    /// The server would cut the name short, perhaps onto another role's.
    #[error("{0:?}: longer than the {NAME_BYTES} bytes PostgreSQL keeps of a name")]
    TooLong(String),
}

/// `name` checked for a role: not too long, no control characters.
fn checked(name: String) -> std::result::Result<String, RoleNameError> {
    if name.chars().any(char::is_control) {
        Err(RoleNameError::Control(name))
    } else if name.len() > NAME_BYTES {
        Err(RoleNameError::TooLong(name))
    } else {
        Ok(name)
    }
}

/// `name` as a quoted SQL identifier: in double quotes, each double quote doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A team's roles: `PREFIXowner`, `PREFIXlead`, `PREFIXreviewer` and `PREFIXviewer`.
#[derive(Debug, Clone)]
pub struct Roles {
    prefix: String,
}

impl Roles {
    /// The prefix the documentation uses.
    pub const DEFAULT_PREFIX: &'static str = "dissent_";

    /// The roles named with `prefix`, if every name it makes can be used.
    pub fn new(prefix: &str) -> std::result::Result<Roles, RoleNameError> {
        for suffix in SUFFIXES {
            checked(format!("{prefix}{suffix}"))?;
        }
        Ok(Roles {
            prefix: prefix.to_string(),
        })
    }

    /// The role a login of `role` is made a member of, quoted.
    fn member_of(&self, role: Role) -> String {
        self.role(match role {
            Role::QaLead => "lead",
            Role::SeniorReviewer => "reviewer",
            Role::Viewer => "viewer",
        })
    }

    /// The role `PREFIXsuffix`, quoted.
    fn role(&self, suffix: &str) -> String {
        quoted(&format!("{}{suffix}", self.prefix))
    }

    /// `sql` with the roles named by this prefix.
    fn named(&self, sql: &str) -> String {
        SUFFIXES.iter().fold(sql.to_string(), |sql, suffix| {
            sql.replace(&format!("dissent_{suffix}"), &self.role(suffix))
        })
    }

    /// The roles (roles.sql), made once per cluster by an administrator.
    #[must_use]
    pub fn roles_sql(&self) -> String {
        self.named(include_str!("roles.sql"))
    }

    /// What each role may do (grants.sql), run by the owner role after the migrations.
    #[must_use]
    pub fn grants_sql(&self) -> String {
        self.named(include_str!("grants.sql"))
    }

    /// A person's login, a member of the role that matches their staff role; no password
    /// (the administrator sets one with psql's `\password`, which keeps it off the command
    /// line and out of the server's log).
    pub fn login_sql(&self, login: &str, role: Role) -> std::result::Result<String, RoleNameError> {
        if login.is_empty() {
            return Err(RoleNameError::Empty);
        }
        let login = quoted(&checked(login.to_string())?);
        Ok(format!(
            "-- {login}, {}: then give the login a password in psql: \\password {login}\n\
             CREATE ROLE {login} LOGIN IN ROLE {};\n",
            role.spoken(),
            self.member_of(role),
        ))
    }

    /// Sets up the database at `url` for the team, connected as an administrator who may
    /// take on the owner role: gives the owner room to create its tables (CREATE on the
    /// database and its `public` schema), brings the schema up to date as the owner, and
    /// grants each role what it may do. Returns the schema version found before; running it
    /// again after an upgrade applies the new migrations and grants.
    pub fn set_up(&self, url: &PgUrl) -> Result<i64> {
        let mut client = url.connect(&ProcessEnv)?;
        let database: String = client
            .query_one("SELECT current_database()::text", &[])?
            .get(0);
        let owner = self.role("owner");
        client.batch_execute(&format!(
            "GRANT CREATE ON SCHEMA public TO {owner};
             GRANT CREATE ON DATABASE {} TO {owner};
             SET ROLE {owner};
             SET dissent.writer = 'dissent';",
            quoted(&database)
        ))?;
        let found = super::migrate(&mut client)?;
        client.batch_execute(&self.grants_sql())?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_identifiers_whatever_they_hold() {
        let roles = Roles::new("a\"; DROP TABLE decisions; -- ").unwrap();
        assert!(
            roles
                .roles_sql()
                .contains("CREATE ROLE \"a\"\"; DROP TABLE decisions; -- owner\" NOLOGIN;"),
            "{}",
            roles.roles_sql()
        );
        let login = Roles::new(Roles::DEFAULT_PREFIX)
            .unwrap()
            .login_sql("o'neil \"x\"", Role::SeniorReviewer)
            .unwrap();
        assert!(
            login.ends_with(
                "CREATE ROLE \"o'neil \"\"x\"\"\" LOGIN IN ROLE \"dissent_reviewer\";\n"
            ),
            "{login}"
        );
    }

    #[test]
    fn names_that_cannot_be_quoted_safely_are_refused() {
        assert!(matches!(
            Roles::new("a\nDROP TABLE decisions; --"),
            Err(RoleNameError::Control(_))
        ));
        assert!(matches!(
            Roles::new(&"x".repeat(56)),
            Err(RoleNameError::TooLong(_))
        ));
        assert!(Roles::new(&"x".repeat(55)).is_ok(), "55 + `reviewer` fits");
        let roles = Roles::new("").unwrap();
        assert!(matches!(
            roles.login_sql("", Role::Viewer),
            Err(RoleNameError::Empty)
        ));
        assert!(matches!(
            roles.login_sql("ana\r", Role::Viewer),
            Err(RoleNameError::Control(_))
        ));
    }
}

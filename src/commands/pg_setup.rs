//! `dissent pg-setup`: a team's PostgreSQL database set up with roles, so that no login can
//! change or remove the record, even by hand (docs/postgres.md, README). The SQL an
//! administrator runs is printed for psql; `schema` applies the rest itself.

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use crate::cli::RoleArg;
use crate::store::Location;
use crate::store::pg::Roles;

/// `dissent pg-setup …`, in the order an administrator runs them.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)]
pub enum PgSetupAction {
    /// Print the SQL that makes the team's roles (once per server, as an administrator:
    /// `dissent pg-setup roles | psql`)
    Roles {
        #[command(flatten)]
        roles: RolesArg,
    },
    /// Print the SQL that makes one person's login in the server role of their staff role
    /// (then set its password in psql: `\password NAME`)
    Login {
        /// Their login name
        name: String,
        /// Their role
        #[arg(long, value_enum)]
        role: RoleArg,
        #[command(flatten)]
        roles: RolesArg,
    },
    /// Set up the database --db names, connected as an administrator: give the owner role room
    /// for its tables, bring the schema up to date as the owner, grant each role what it may
    /// do (run again after an upgrade)
    Schema {
        #[command(flatten)]
        roles: RolesArg,
    },
    /// Print the SQL of the grants `schema` applies (run as the owner role after the
    /// migrations)
    Grants {
        #[command(flatten)]
        roles: RolesArg,
    },
}

/// Which roles.
#[derive(Debug, Args)]
pub struct RolesArg {
    /// The roles' names start with P: Powner, Plead, Previewer, Pviewer
    #[arg(long, value_name = "P", default_value = Roles::DEFAULT_PREFIX)]
    prefix: String,
}

impl RolesArg {
    fn roles(&self) -> Result<Roles> {
        Roles::new(&self.prefix).context("--prefix")
    }
}

/// Prints or applies what `action` names; `db` is the database `schema` sets up.
pub fn run(db: Option<&Location>, action: PgSetupAction) -> Result<()> {
    let sql = match action {
        PgSetupAction::Roles { roles } => roles.roles()?.roles_sql(),
        PgSetupAction::Grants { roles } => roles.roles()?.grants_sql(),
        PgSetupAction::Login { name, role, roles } => roles
            .roles()?
            .login_sql(&name, role.into())
            .context("the login name")?,
        PgSetupAction::Schema { roles } => {
            let Some(Location::Postgres(url)) = db else {
                bail!(
                    "pg-setup schema sets up a PostgreSQL database: pass --db postgres://ADMIN@HOST/DATABASE"
                );
            };
            let found = roles.roles()?.set_up(url)?;
            return super::say(format_args!(
                "{url}: schema version {} (was {found}), owned by {}owner; grants applied",
                crate::store::pg::SCHEMA_VERSION,
                roles.prefix,
            ));
        }
    };
    let mut out = super::plain::stdout(false);
    out.write_all(sql.as_bytes())?;
    out.flush()?;
    Ok(())
}

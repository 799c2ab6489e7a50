//! Who may do what: the staff roles, the acts they allow, and how long a claim on an item lasts.
//! A database with no staff list works as before roles existed: everyone may do everything.

use std::fmt;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Imports, decides, finalizes, reopens, assigns, manages staff, breaks claims.
    QaLead,
    /// Decides items.
    SeniorReviewer,
    /// Reads.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::QaLead, Role::SeniorReviewer, Role::Viewer];

    /// The name used in the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::QaLead => "qa_lead",
            Role::SeniorReviewer => "senior_reviewer",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the name used in the database and the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role as a sentence names it ("a QA lead").
    #[must_use]
    pub fn spoken(self) -> &'static str {
        match self {
            Role::QaLead => "a QA lead",
            Role::SeniorReviewer => "a senior reviewer",
            Role::Viewer => "a viewer",
        }
    }

    /// Whether this role may do `act`.
    #[must_use]
    pub fn may(self, act: Act) -> bool {
        match act {
            Act::Decide => matches!(self, Role::QaLead | Role::SeniorReviewer),
            Act::Import
            | Act::Finalize
            | Act::Reopen
            | Act::Assign
            | Act::Staff
            | Act::Rubric
            | Act::BreakClaim => self == Role::QaLead,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An act that only some roles may perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Record or undo a decision on an item.
    Decide,
    /// Import a batch or rows into one.
    Import,
    /// Finalize a batch.
    Finalize,
    /// Reopen a finalized batch.
    Reopen,
    /// Assign items to a reviewer.
    Assign,
    /// Add, change or remove staff.
    Staff,
    /// Break another person's claim on an item.
    BreakClaim,
    /// Load a new version of a batch's rubric.
    Rubric,
}

impl Act {
    /// The act as a sentence names it ("deciding").
    #[must_use]
    pub fn spoken(self) -> &'static str {
        match self {
            Act::Decide => "deciding an item",
            Act::Import => "importing",
            Act::Finalize => "finalizing a batch",
            Act::Reopen => "reopening a batch",
            Act::Assign => "assigning items",
            Act::Staff => "changing the staff list",
            Act::BreakClaim => "breaking a claim",
            Act::Rubric => "changing a batch's rubric",
        }
    }

    /// The roles that may do it, most powerful first.
    #[must_use]
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.may(self)).collect()
    }
}

/// Why someone may not do an act: the refusal names the role it needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", refusal(.who, *.has, *.act))]
pub struct NotAllowed {
    /// Who asked.
    pub who: String,
    /// Their role; `None` when they are not on the staff list.
    pub has: Option<Role>,
    /// What they asked to do.
    pub act: Act,
}

fn refusal(who: &str, has: Option<Role>, act: Act) -> String {
    let needed: Vec<&str> = act.roles().into_iter().map(Role::spoken).collect();
    let is = match has {
        Some(r) => format!("is {}", r.spoken()),
        None => "is not on the staff list".into(),
    };
    format!(
        "`{}` {is}: {} needs {} (see `dissent staff list`)",
        crate::text::shown(who),
        act.spoken(),
        needed.join(" or ")
    )
}

/// Checks that `who`, holding `has` on a staff list that `staffed` says exists, may do `act`.
/// With no staff list everyone may do everything.
pub fn check(who: &str, staffed: bool, has: Option<Role>, act: Act) -> Result<(), NotAllowed> {
    if !staffed || has.is_some_and(|r| r.may(act)) {
        return Ok(());
    }
    Err(NotAllowed {
        who: who.to_string(),
        has,
        act,
    })
}

/// How long a claim on an item lasts unless renewed, in seconds: the console renews it every
/// [`CLAIM_RENEW_SECS`] while the decision form is open, so a crashed console's claim lapses
/// within this long.
pub const CLAIM_TTL_SECS: i64 = 120;

/// How often an open decision form renews its claim, in seconds.
pub const CLAIM_RENEW_SECS: u64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_qa_leads_run_the_batch_and_viewers_only_read() {
        for act in [
            Act::Import,
            Act::Finalize,
            Act::Reopen,
            Act::Assign,
            Act::Staff,
            Act::BreakClaim,
            Act::Rubric,
        ] {
            assert_eq!(act.roles(), vec![Role::QaLead], "{act:?}");
        }
        assert_eq!(
            Act::Decide.roles(),
            vec![Role::QaLead, Role::SeniorReviewer]
        );
        assert!(
            Role::ALL
                .into_iter()
                .all(|r| r == Role::QaLead || !r.may(Act::Staff))
        );
    }

    #[test]
    fn a_refusal_names_the_role_needed_and_the_one_held() {
        let e = check("bob", true, Some(Role::Viewer), Act::Decide).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`bob` is a viewer: deciding an item needs a QA lead or a senior reviewer \
             (see `dissent staff list`)"
        );
        let e = check("eve", true, None, Act::Finalize).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`eve` is not on the staff list: finalizing")
        );
    }

    #[test]
    fn without_a_staff_list_everyone_may_everything() {
        assert!(check("anyone", false, None, Act::Staff).is_ok());
        assert!(check("bob", true, Some(Role::SeniorReviewer), Act::Decide).is_ok());
        assert!(check("bob", true, Some(Role::SeniorReviewer), Act::Assign).is_err());
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}

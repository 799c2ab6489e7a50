//! The tamper-evident chain of the record, like git's history: each row's link is
//! `sha256(previous link ‖ sha256(content))`, one chain per batch for each of items (with their
//! judgments), decisions and events; the batch's head hash joins its name, its rubric's sha256,
//! and the last links of its items and decisions. Recomputing the
//! chains from the rows finds the first row changed, removed or inserted after it was written;
//! a head delivered with an export pins the record as it was then.
//!
//! Content is hashed as a sequence of fields, each tagged and length-prefixed, so that no two
//! different rows can share an encoding.

use sha2::{Digest, Sha256};

/// One link of a chain.
pub type Link = [u8; 32];

/// The link before a chain's first row.
pub const START: Link = [0; 32];

/// The link that follows `prev` for a row whose content hashes to `digest`.
#[must_use]
pub fn link(prev: &Link, digest: &Link) -> Link {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(digest);
    h.finalize().into()
}

/// The head of a batch's record: its name, its rubric's sha256 and the last links of its items,
/// of its decisions and (once there are any) of its later rounds joined, as hex. The event log
/// is chained too, but not part of the head: logging an export does not change the record it
/// delivered.
#[must_use]
pub fn head(
    batch: &str,
    rubric_sha256: &str,
    items: &Link,
    decisions: &Link,
    rounds: Option<&Link>,
) -> String {
    let names = Content::default()
        .text("head")
        .text(batch)
        .text(rubric_sha256)
        .digest();
    let mut h = Sha256::new();
    h.update(names);
    h.update(items);
    h.update(decisions);
    if let Some(rounds) = rounds {
        h.update(rounds);
    }
    hex(&h.finalize().into())
}

/// A link as lowercase hex.
#[must_use]
pub fn hex(link: &Link) -> String {
    link.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes the fields of one row's content.
#[derive(Default, Clone)]
pub struct Content(Sha256);

impl Content {
    /// A text field.
    #[must_use]
    pub fn text(mut self, s: &str) -> Content {
        self.0.update([1]);
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    /// A text field that may be absent.
    #[must_use]
    pub fn maybe_text(self, s: Option<&str>) -> Content {
        match s {
            Some(s) => self.text(s),
            None => self.absent(),
        }
    }

    /// A number that may be absent: the bits of the `f64`, with −0 as 0 (SQLite stores an
    /// integral REAL as an integer, and −0 reads back as 0).
    #[must_use]
    pub fn number(mut self, n: Option<f64>) -> Content {
        match n {
            Some(n) => {
                self.0.update([2]);
                self.0.update((n + 0.0).to_bits().to_le_bytes());
                self
            }
            None => self.absent(),
        }
    }

    /// An integer that may be absent.
    #[must_use]
    pub fn integer(mut self, n: Option<i64>) -> Content {
        match n {
            Some(n) => {
                self.0.update([3]);
                self.0.update(n.to_le_bytes());
                self
            }
            None => self.absent(),
        }
    }

    /// Bytes as stored (a model's packed distribution).
    #[must_use]
    pub fn bytes(mut self, b: &[u8]) -> Content {
        self.0.update([4]);
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    fn absent(mut self) -> Content {
        self.0.update([0]);
        self
    }

    /// The digest of the fields so far.
    #[must_use]
    pub fn digest(self) -> Link {
        self.0.finalize().into()
    }
}

/// An item's row as stored.
#[derive(Debug, Clone, Copy)]
pub struct ItemFields<'a> {
    /// The item's id in its batch.
    pub key: &'a str,
    /// Task.
    pub task: &'a str,
    /// Payload, as stored JSON.
    pub payload: &'a str,
    /// Gold label.
    pub gold_label: Option<&'a str>,
    /// `judgments` or `counts`.
    pub panel_kind: &'a str,
    /// Label counts, as stored JSON.
    pub counts: &'a str,
    /// The rubric version its source names, where older than the batch's then.
    pub rubric_version: Option<i64>,
}

/// The start of an item's content: its row as stored; its judgments follow in panel order
/// ([`judgment`]). A rubric version is hashed only where one was recorded, so the links of
/// items written before stand.
#[must_use]
pub fn item(i: &ItemFields<'_>) -> Content {
    let content = Content::default()
        .text("item")
        .text(i.key)
        .text(i.task)
        .text(i.payload)
        .maybe_text(i.gold_label)
        .text(i.panel_kind)
        .text(i.counts);
    match i.rubric_version {
        Some(v) => content.text("rubric_version").integer(Some(v)),
        None => content,
    }
}

/// The start of a model version's predictions: its name and version; each prediction follows
/// in item order ([`prediction`]). Its digest goes into the import's event, which the event
/// chain holds, so `verify` finds a prediction changed since.
#[must_use]
pub fn predictions(model: &str, version: i64) -> Content {
    Content::default()
        .text("predictions")
        .text(model)
        .integer(Some(version))
}

/// One prediction as stored: the item's id, the packed distribution and the model entropy.
/// Its KL follows the item's latest round and is not hashed, save for a prediction imported
/// before schema 8, whose digest was logged with its KL as imported (`import_kl`).
#[must_use]
pub fn prediction(
    content: Content,
    item_key: &str,
    distribution: &[u8],
    import_kl: Option<f64>,
    entropy: f64,
) -> Content {
    let content = content.text(item_key).bytes(distribution);
    match import_kl {
        Some(kl) => content.number(Some(kl)),
        None => content,
    }
    .number(Some(entropy))
}

/// One judgment's fields as stored.
#[derive(Debug, Clone, Copy)]
pub struct JudgmentFields<'a> {
    /// Reviewer id.
    pub reviewer: &'a str,
    /// Label chosen.
    pub label: &'a str,
    /// Confidence as reported.
    pub raw_confidence: Option<f64>,
    /// Confidence on [0, 1].
    pub confidence: Option<f64>,
    /// Rationale.
    pub evidence: Option<&'a str>,
    /// Reviewer fields, as stored JSON.
    pub attributes: &'a str,
}

/// An item's content followed by one of its judgments.
#[must_use]
pub fn judgment(content: Content, j: &JudgmentFields<'_>) -> Content {
    content
        .text("judgment")
        .text(j.reviewer)
        .text(j.label)
        .number(j.raw_confidence)
        .number(j.confidence)
        .maybe_text(j.evidence)
        .text(j.attributes)
}

/// A later round's fields as stored (round 2, 3, …).
#[derive(Debug, Clone, Copy)]
pub struct RoundFields<'a> {
    /// The item's id in its batch.
    pub item_key: &'a str,
    /// The round's number.
    pub round: i64,
    /// `judgments` or `counts`.
    pub panel_kind: &'a str,
    /// Its label counts, as stored JSON.
    pub counts: &'a str,
    /// The sha256 of the rubric it was imported under.
    pub rubric_sha256: &'a str,
    /// The older rubric version its source names, if it names one.
    pub named_version: Option<i64>,
    /// The re-review decision it answers.
    pub answers: i64,
    /// Who imported it.
    pub actor: &'a str,
    /// When.
    pub at: &'a str,
}

/// The start of a later round's content; its judgments follow in panel order ([`judgment`]).
#[must_use]
pub fn round(r: &RoundFields<'_>) -> Content {
    let content = match r.named_version {
        Some(v) => Content::default().text("rubric_version").integer(Some(v)),
        None => Content::default(),
    };
    content
        .text("round")
        .text(r.item_key)
        .integer(Some(r.round))
        .text(r.panel_kind)
        .text(r.counts)
        .text(r.rubric_sha256)
        .integer(Some(r.answers))
        .text(r.actor)
        .text(r.at)
}

/// One decision's fields as stored.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFields<'a> {
    /// The item's id in its batch.
    pub item_key: &'a str,
    /// Decision kind.
    pub kind: &'a str,
    /// Hard label.
    pub label: Option<&'a str>,
    /// Reason code.
    pub reason_code: Option<&'a str>,
    /// Erring reviewers, as stored JSON.
    pub erring: &'a str,
    /// Reason text.
    pub text: &'a str,
    /// Who.
    pub actor: &'a str,
    /// When.
    pub at: &'a str,
    /// The decision a revert reverts.
    pub reverts: Option<i64>,
    /// The round of judgments it was made on.
    pub round: i64,
}

/// The content digest of a decision. The round is hashed only past the first, so the links of
/// decisions written before rounds stand.
#[must_use]
pub fn decision(d: &DecisionFields<'_>) -> Link {
    let content = Content::default();
    let content = if d.round > 1 {
        content.text("round").integer(Some(d.round))
    } else {
        content
    };
    content
        .text("decision")
        .text(d.item_key)
        .text(d.kind)
        .maybe_text(d.label)
        .maybe_text(d.reason_code)
        .text(d.erring)
        .text(d.text)
        .text(d.actor)
        .text(d.at)
        .integer(d.reverts)
        .digest()
}

/// The content digest of an event. The OS account is hashed only where one was recorded, so
/// the links of events written before accounts were stand.
#[must_use]
pub fn event(
    item_key: Option<&str>,
    actor: &str,
    account: Option<&str>,
    at: &str,
    action: &str,
    details: &str,
) -> Link {
    let content = Content::default()
        .text("event")
        .maybe_text(item_key)
        .text(actor);
    let content = match account {
        Some(account) => content.text("account").text(account),
        None => content,
    };
    content.text(at).text(action).text(details).digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited_and_absent_differs_from_empty() {
        let a = Content::default().text("ab").text("c").digest();
        let b = Content::default().text("a").text("bc").digest();
        assert_ne!(a, b);
        let empty = Content::default().maybe_text(Some("")).digest();
        let absent = Content::default().maybe_text(None).digest();
        assert_ne!(empty, absent);
        assert_eq!(
            Content::default().number(Some(0.0)).digest(),
            Content::default().number(Some(-0.0)).digest(),
            "as SQLite reads them back"
        );
        assert_ne!(
            Content::default().number(Some(0.5)).digest(),
            Content::default().number(None).digest()
        );
    }

    #[test]
    fn a_link_depends_on_every_link_before_it() {
        let d = event(None, "a", None, "t", "import", "{}");
        assert_ne!(d, event(None, "a", Some("a"), "t", "import", "{}"));
        let one = link(&START, &d);
        let two = link(&one, &d);
        assert_ne!(one, two);
        assert_eq!(hex(&START).len(), 64);
        // sha256 of 64 zero bytes, by an independent implementation (coreutils sha256sum of
        // `head -c 64 /dev/zero`)
        assert_eq!(
            hex(&link(&START, &START)),
            "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"
        );
    }
}

//! Field access on one input row (a JSON object or a CSV record) under `--map` renames, with
//! typed getters that name the field and the column in their errors.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::text::shown;

/// `--map FIELD=COLUMN` renames: where each known field is found.
#[derive(Debug, Clone, Default)]
pub struct FieldMap(HashMap<String, String>);

/// Fields the importer knows; every other column is payload.
pub const KNOWN_FIELDS: [&str; 8] = [
    "item_id",
    "task",
    "reviewer",
    "label",
    "confidence",
    "evidence",
    "is_gold",
    "gold_label",
];

impl FieldMap {
    /// Builds the map from `FIELD=COLUMN` pairs, refusing fields that are not judgment fields.
    pub fn parse(pairs: &[String]) -> Result<FieldMap, String> {
        Self::parse_for(pairs, &KNOWN_FIELDS)
    }

    /// Builds the map from `FIELD=COLUMN` pairs, refusing fields not in `known`.
    pub fn parse_for(pairs: &[String], known: &[&str]) -> Result<FieldMap, String> {
        let mut map = HashMap::new();
        for pair in pairs {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("--map `{pair}`: expected FIELD=COLUMN"))?;
            if !known.contains(&field) {
                return Err(format!(
                    "--map `{pair}`: `{field}` is not a field ({})",
                    known.join(", ")
                ));
            }
            if map.insert(field.to_string(), column.to_string()).is_some() {
                return Err(format!("--map `{field}` is given twice"));
            }
        }
        Ok(FieldMap(map))
    }

    /// The column that holds `field`.
    #[must_use]
    pub fn column<'a>(&'a self, field: &'a str) -> &'a str {
        self.0.get(field).map_or(field, String::as_str)
    }

    /// `field`, or `field (column C)` when renamed, for error messages.
    #[must_use]
    pub fn describe(&self, field: &str) -> String {
        match self.0.get(field) {
            Some(c) => format!("{field} (column {c})"),
            None => field.to_string(),
        }
    }

    /// Whether `column` holds one of the known fields.
    #[must_use]
    pub fn is_known_column(&self, column: &str) -> bool {
        KNOWN_FIELDS.iter().any(|f| self.column(f) == column)
    }
}

/// The columns of one row: a JSON object, or a CSV record with its header.
#[derive(Clone, Copy)]
pub enum Fields<'a> {
    /// A JSONL line.
    Json(&'a Map<String, Value>),
    /// A CSV record (every value is text).
    Csv {
        /// Column names.
        headers: &'a [String],
        /// Values, by column.
        record: &'a csv::StringRecord,
    },
}

/// One value of a row.
#[derive(Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// A JSON value.
    Json(&'a Value),
    /// CSV text.
    Text(&'a str),
}

impl Field<'_> {
    /// As a JSON value (CSV text becomes a string).
    #[must_use]
    pub fn to_value(self) -> Value {
        match self {
            Field::Json(v) => v.clone(),
            Field::Text(s) => Value::String(s.to_string()),
        }
    }

    /// Whether this is the same as `v`.
    #[must_use]
    pub fn equals(self, v: &Value) -> bool {
        match self {
            Field::Json(j) => j == v,
            Field::Text(s) => v.as_str() == Some(s),
        }
    }
}

impl<'a> Fields<'a> {
    /// The value of `column`.
    #[must_use]
    pub fn get(self, column: &str) -> Option<Field<'a>> {
        match self {
            Fields::Json(m) => m.get(column).map(Field::Json),
            Fields::Csv { headers, record } => headers
                .iter()
                .position(|h| h == column)
                .and_then(|i| record.get(i))
                .map(Field::Text),
        }
    }

    /// Every column in order.
    pub fn iter(self) -> Box<dyn Iterator<Item = (&'a str, Field<'a>)> + 'a> {
        match self {
            Fields::Json(m) => Box::new(m.iter().map(|(k, v)| (k.as_str(), Field::Json(v)))),
            Fields::Csv { headers, record } => Box::new(
                headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.as_str(), Field::Text(v))),
            ),
        }
    }
}

/// One row under the `--map` renames.
pub struct Row<'a> {
    /// The columns.
    pub fields: Fields<'a>,
    /// Renames.
    pub map: &'a FieldMap,
}

/// A field's problem: (field description, message).
pub type FieldError = (String, String);

/// How a message names the type of `v`.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Row<'a> {
    fn raw(&self, field: &str) -> Option<Field<'a>> {
        self.fields.get(self.map.column(field)).filter(|v| match v {
            Field::Json(j) => !j.is_null(),
            Field::Text(t) => !t.is_empty(),
        })
    }

    fn err(&self, field: &str, message: impl Into<String>) -> FieldError {
        (self.map.describe(field), message.into())
    }

    /// A required key: a non-empty string, or an integer taken as its decimal text, borrowed
    /// where it can be.
    pub fn key(&self, field: &str) -> Result<Cow<'a, str>, FieldError> {
        match self.raw(field) {
            None => Err(self.err(field, "missing")),
            Some(Field::Text(s)) if s.trim().is_empty() => Err(self.err(field, "empty")),
            Some(Field::Json(Value::String(s))) if s.trim().is_empty() => {
                Err(self.err(field, "empty"))
            }
            Some(Field::Text(s)) => Ok(Cow::Borrowed(s)),
            Some(Field::Json(Value::String(s))) => Ok(Cow::Borrowed(s)),
            Some(Field::Json(Value::Number(n))) if n.is_i64() || n.is_u64() => {
                Ok(Cow::Owned(n.to_string()))
            }
            Some(Field::Json(v)) => {
                Err(self.err(field, format!("expected a string, got {}", type_name(v))))
            }
        }
    }

    /// An optional string.
    pub fn opt_string(&self, field: &str) -> Result<Option<String>, FieldError> {
        match self.raw(field) {
            None => Ok(None),
            Some(Field::Text(s)) => Ok(Some(s.to_string())),
            Some(Field::Json(Value::String(s))) => Ok(Some(s.clone())),
            Some(Field::Json(v)) => {
                Err(self.err(field, format!("expected a string, got {}", type_name(v))))
            }
        }
    }

    /// An optional finite number (parsed from text in CSV).
    pub fn opt_number(&self, field: &str) -> Result<Option<f64>, FieldError> {
        let n = match self.raw(field) {
            None => return Ok(None),
            Some(Field::Json(Value::Number(n))) => n.as_f64().unwrap_or(f64::NAN),
            Some(Field::Text(s)) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| self.err(field, format!("`{}` is not a number", shown(s))))?,
            Some(Field::Json(v)) => {
                return Err(self.err(field, format!("expected a number, got {}", type_name(v))));
            }
        };
        if n.is_finite() {
            Ok(Some(n))
        } else {
            Err(self.err(field, format!("{n} is not a finite number")))
        }
    }

    /// An optional boolean (`true`/`false`, `1`/`0`, `yes`/`no` in CSV).
    pub fn opt_bool(&self, field: &str) -> Result<Option<bool>, FieldError> {
        match self.raw(field) {
            None => Ok(None),
            Some(Field::Json(Value::Bool(b))) => Ok(Some(*b)),
            Some(Field::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(self.err(field, format!("`{}` is not a boolean", shown(s)))),
            },
            Some(Field::Json(v)) => {
                Err(self.err(field, format!("expected a boolean, got {}", type_name(v))))
            }
        }
    }

    /// Every column that is neither a known field nor in `also_known`, in order.
    pub fn payload_fields(
        &self,
        also_known: &'a [&'a str],
    ) -> impl Iterator<Item = (&'a str, Field<'a>)> + '_ {
        self.fields
            .iter()
            .filter(move |(k, _)| !self.map.is_known_column(k) && !also_known.contains(k))
    }

    /// The payload as a JSON object.
    #[must_use]
    pub fn payload(&self, also_known: &'a [&'a str]) -> Map<String, Value> {
        self.payload_fields(also_known)
            .map(|(k, v)| (k.to_string(), v.to_value()))
            .collect()
    }
}

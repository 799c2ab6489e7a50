//! A JSON line read strictly: no key may be given twice in an object, at any depth
//! (serde_json would keep the last one without a word). Where reading stops, the path of the
//! value is known, so that `NaN` or `Infinity` (which Python's `json.dumps` writes) is named
//! with its field.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Why a line is not read.
pub enum LineError {
    /// A key given twice, as a path from the line's object (`counts.mild`).
    Duplicate(String),
    /// `NaN`, `Infinity` or `-Infinity` as the value at a path (`probs[1]`).
    NotANumber {
        /// Where.
        path: String,
        /// The word written.
        word: &'static str,
    },
    /// Not JSON.
    Json(serde_json::Error),
}

/// The value on `text`, every object in it checked for keys given twice.
pub fn parse(text: &str) -> Result<Value, LineError> {
    let at = RefCell::new(None);
    let duplicate = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict {
        at: &at,
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    value.map_err(|e| match (at.into_inner(), duplicate.get()) {
        (Some(path), true) => LineError::Duplicate(path),
        (Some(path), false) => match not_a_number(text, &e) {
            Some(word) => LineError::NotANumber { path, word },
            None => LineError::Json(e),
        },
        (None, _) => LineError::Json(e),
    })
}

/// The word for a float JSON has no number for, where `e` stopped reading `text`.
fn not_a_number(text: &str, e: &serde_json::Error) -> Option<&'static str> {
    if !e.is_syntax() || e.line() != 1 {
        return None;
    }
    // The column is the byte that stopped the reader: the word's first, or one just after.
    let stop = e.column().min(text.len());
    let near = (stop.saturating_sub(3)..=stop).filter_map(|from| text.get(from..));
    for rest in near {
        if let Some(word) = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|w| rest.starts_with(w))
        {
            return Some(word);
        }
    }
    None
}

/// Builds a [`Value`] as serde_json does, but stops at a key given twice (and says so in
/// `duplicate`). Where it stops, it leaves the path of the value in `at` (each enclosing object
/// or array puts its own key or index in front).
#[derive(Clone, Copy)]
struct Strict<'a> {
    at: &'a RefCell<Option<String>>,
    duplicate: &'a Cell<bool>,
}

impl Strict<'_> {
    /// Puts `outer` in front of the path where reading stopped (it is `outer` itself when the
    /// value there stopped it).
    fn nest(self, outer: impl fmt::Display) {
        let mut at = self.at.borrow_mut();
        *at = Some(match at.take() {
            Some(path) => {
                let dot = if path.starts_with('[') { "" } else { "." };
                format!("{outer}{dot}{path}")
            }
            None => outer.to_string(),
        });
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(v)) => list.push(v),
                Ok(None) => return Ok(Value::Array(list)),
                Err(e) => {
                    self.nest(format_args!("[{}]", list.len()));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self).inspect_err(|_| self.nest(&key))?;
            match object.entry(key) {
                Entry::Vacant(e) => {
                    e.insert(value);
                }
                Entry::Occupied(e) => {
                    *self.at.borrow_mut() = Some(e.key().clone());
                    self.duplicate.set(true);
                    return Err(de::Error::custom("a key is given twice"));
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::{LineError, parse};

    fn duplicate(text: &str) -> Option<String> {
        match parse(text) {
            Err(LineError::Duplicate(path)) => Some(path),
            _ => None,
        }
    }

    #[test]
    fn a_key_given_twice_is_named_by_its_path() {
        assert_eq!(duplicate(r#"{"a":1,"a":2}"#).as_deref(), Some("a"));
        assert_eq!(
            duplicate(r#"{"counts":{"mild":1,"mild":5}}"#).as_deref(),
            Some("counts.mild")
        );
        assert_eq!(
            duplicate(r#"{"r":[{"x":1},{"x":1,"x":2}]}"#).as_deref(),
            Some("r[1].x")
        );
        assert_eq!(duplicate(r#"{"a":{"b":1},"b":1}"#), None);
    }

    #[test]
    fn nan_and_infinity_are_named_with_their_path() {
        for (text, path, word) in [
            (r#"{"probs":[0.5,NaN,0.5]}"#, "probs[1]", "NaN"),
            (r#"{"a":{"b":Infinity}}"#, "a.b", "Infinity"),
            (r#"{"x":1,"logits":[-Infinity]}"#, "logits[0]", "-Infinity"),
        ] {
            match parse(text) {
                Err(LineError::NotANumber { path: p, word: w }) => {
                    assert_eq!((p.as_str(), w), (path, word), "{text}");
                }
                _ => panic!("{text}: not named"),
            }
        }
        assert!(matches!(parse(r#"{"a":Nope}"#), Err(LineError::Json(_))));
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text =
            r#"{"s":"é","n":-3,"u":18446744073709551615,"f":0.25,"b":true,"z":null,"l":[1,[2]]}"#;
        let strict = parse(text).unwrap_or_default();
        let plain: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        assert_eq!(strict, plain);
        assert!(matches!(parse("{\"a\":"), Err(LineError::Json(e)) if e.is_eof()));
        assert!(matches!(parse("[1] x"), Err(LineError::Json(e)) if e.is_syntax()));
    }
}

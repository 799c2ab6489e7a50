//! The first pass over judgment rows: how many rows each item has (so that an item can be
//! written the moment its last row arrives, and a million rows never sit in memory at once),
//! and which columns are reviewer fields rather than item fields.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::rows::{Field, Row};

/// Text of an identifier field, as the second pass will read it.
pub fn key_text(field: Field<'_>) -> Option<Cow<'_, str>> {
    match field {
        Field::Text(s) => Some(Cow::Borrowed(s)),
        Field::Json(serde_json::Value::String(s)) => Some(Cow::Borrowed(s)),
        Field::Json(serde_json::Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        Field::Json(_) => None,
    }
}

fn hash_of(field: Field<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    match field {
        Field::Text(s) => s.hash(&mut h),
        Field::Json(serde_json::Value::String(s)) => s.hash(&mut h),
        Field::Json(v) => v.to_string().hash(&mut h),
    }
    h.finish()
}

/// What the first pass learnt of one item.
struct ItemCensus {
    rows: u32,
    /// Hash of the first row's value of each payload column.
    values: Vec<(u16, u64)>,
}

/// What the first pass learnt of one payload column.
struct ColumnCensus {
    name: String,
    /// It differs between two rows of some item.
    varied: bool,
    /// Every reviewer has shown one value for it.
    consistent: bool,
    /// Some reviewer has shown it on more than one row.
    repeated: bool,
    by_reviewer: HashMap<Box<str>, u64>,
}

/// Row counts per item and the shape of every payload column.
#[derive(Default)]
pub struct Census {
    items: HashMap<Box<str>, ItemCensus>,
    column_ids: HashMap<String, u16>,
    columns: Vec<ColumnCensus>,
}

impl Census {
    fn column(&mut self, name: &str) -> u16 {
        if let Some(&id) = self.column_ids.get(name) {
            return id;
        }
        let id = u16::try_from(self.columns.len()).unwrap_or(u16::MAX);
        self.columns.push(ColumnCensus {
            name: name.to_string(),
            varied: false,
            consistent: true,
            repeated: false,
            by_reviewer: HashMap::new(),
        });
        self.column_ids.insert(name.to_string(), id);
        id
    }

    /// Counts one row. Rows without a readable item id or reviewer are left to the second
    /// pass, which reports them.
    pub fn add(&mut self, row: &Row<'_>) {
        let get = |field: &str| row.fields.get(row.map.column(field)).and_then(key_text);
        let (Some(item_id), Some(reviewer)) = (get("item_id"), get("reviewer")) else {
            return;
        };
        let mut values: Vec<(u16, u64)> = Vec::new();
        for (name, value) in row.payload_fields(&[]) {
            let id = self.column(name);
            let hash = hash_of(value);
            values.push((id, hash));
            let col = &mut self.columns[usize::from(id)];
            if col.consistent {
                match col.by_reviewer.get(reviewer.as_ref()) {
                    None => {
                        col.by_reviewer.insert(reviewer.as_ref().into(), hash);
                    }
                    Some(&h) if h == hash => col.repeated = true,
                    Some(_) => {
                        col.consistent = false;
                        col.by_reviewer = HashMap::new();
                    }
                }
            }
        }
        match self.items.get_mut(item_id.as_ref()) {
            None => {
                self.items
                    .insert(item_id.as_ref().into(), ItemCensus { rows: 1, values });
            }
            Some(item) => {
                item.rows += 1;
                for (id, hash) in &values {
                    if item
                        .values
                        .iter()
                        .find(|(c, _)| c == id)
                        .is_none_or(|(_, h)| h != hash)
                    {
                        self.columns[usize::from(*id)].varied = true;
                    }
                }
                for (id, _) in &item.values {
                    if !values.iter().any(|(c, _)| c == id) {
                        self.columns[usize::from(*id)].varied = true;
                    }
                }
            }
        }
    }

    /// Rows the item has in the input.
    #[must_use]
    pub fn rows(&self, item_id: &str) -> u32 {
        self.items.get(item_id).map_or(0, |i| i.rows)
    }

    /// Columns that differ within an item but hold one value per reviewer, seen on several
    /// rows of some reviewer (e.g. annotator demographics), in first-seen order.
    #[must_use]
    pub fn reviewer_fields(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| c.varied && c.consistent && c.repeated)
            .map(|c| c.name.clone())
            .collect()
    }
}

//! Delivery: the soft-label JSONL of seed §5.

pub mod jsonl;

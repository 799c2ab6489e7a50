//! What is shown of the data, built once and drawn by every rendering (the console and the
//! plain-text commands). Pure: no terminal and no SQL; every string from data is made inert here.

pub mod item;

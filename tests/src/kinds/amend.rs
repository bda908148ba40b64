//! `kind = "amend"`: the line Codex appends to `default.rules` for "don't ask again" (spec §3.7).
//!
//! ```toml
//! [[case]]
//! name = "E26 append twice"
//! kind = "amend"
//! spec = "E26"
//! existing = ""                               # the file's text before
//! prefixes = [["python3"], ["python3"]]       # appended in order
//! expect_text = "prefix_rule(pattern=[\"python3\"], decision=\"allow\")\n"
//! # or: expect_error = "prefix rule requires at least one token"
//! ```

use policy_engine::approval::append_allow_prefix_rule;
use serde::Deserialize;

use crate::{Case, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendCase {
    #[serde(default)]
    existing: String,
    prefixes: Vec<Vec<String>>,
    expect_text: Option<String>,
    expect_error: Option<String>,
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: AmendCase = fields(case)?;
    let mut text = c.existing.clone();
    for prefix in &c.prefixes {
        match append_allow_prefix_rule(&text, prefix) {
            Ok(next) => text = next,
            Err(e) => {
                return match &c.expect_error {
                    Some(expected) => expect_eq("error", expected, &e.to_string()),
                    None => Err(format!("unexpected error: {e}")),
                };
            }
        }
    }
    match (&c.expect_text, &c.expect_error) {
        (Some(expected), None) => expect_eq("file text", expected, &text),
        (None, Some(expected)) => Err(format!("expected error `{expected}`, got text {text:?}")),
        _ => Err("set exactly one of expect_text and expect_error".into()),
    }
}

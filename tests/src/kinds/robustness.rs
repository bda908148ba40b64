//! `kind = "robustness"`: an input that once crashed, hung or misbehaved (issue 10, found by
//! `tests/robustness.rs` or by hand), kept so it stays fixed. The input goes to one entry point,
//! which must return; optionally its first error must contain a text.
//!
//! ```toml
//! [[case]]
//! name = "10,000 chained lambdas overflowed the parser's stack"
//! kind = "robustness"
//! entry = "rules"                          # see `ENTRIES` below
//! input = "x = "                           # the text (a prefix, when `repeat` is given)
//! repeat = { text = "lambda: ", times = 10000 }   # optional: appended `times` times
//! suffix = "1"                             # optional: appended last
//! expect_error = "input too large"         # optional: a substring of the first error
//! expect_ok = true                         # optional: there must be no error
//! ```

use policy_engine::analysis::cases::parse_cases;
use policy_engine::analysis::replay::parse_record;
use policy_engine::api;
use policy_engine::config::{apply_override, user_config_from_toml};
use policy_engine::explain::{Evaluator, ExplainOptions, Scenario};
use policy_engine::json::Json;
use policy_engine::requirements::parse_requirements;
use policy_engine::shell::commands_for_exec_policy;
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::workspace::parse_workspace;
use policy_engine::{PathContext, Severity};
use serde::Deserialize;

use crate::{Case, fields};

/// The entry points a case can name.
pub const ENTRIES: &[&str] = &[
    "requirements",
    "workspace",
    "rules",
    "shell",
    "config",
    "config-override",
    "json",
    "api-check",
    "api-explain",
    "cases",
    "replay-record",
    "explain-argv",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RobustnessCase {
    entry: String,
    input: String,
    repeat: Option<Repeat>,
    suffix: Option<String>,
    expect_error: Option<String>,
    expect_ok: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Repeat {
    text: String,
    times: usize,
}

/// Runs a case against the engine in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: RobustnessCase = fields(case)?;
    let mut text = c.input.clone();
    if let Some(r) = &c.repeat {
        text.push_str(&r.text.repeat(r.times));
    }
    text.push_str(c.suffix.as_deref().unwrap_or_default());
    let error = first_error(&c.entry, &text)?;
    if let Some(expected) = &c.expect_error {
        match &error {
            Some(actual) if actual.contains(expected.as_str()) => {}
            other => return Err(format!("expected an error containing `{expected}`, got {other:?}")),
        }
    }
    if c.expect_ok == Some(true)
        && let Some(actual) = error
    {
        return Err(format!("expected no error, got `{actual}`"));
    }
    Ok(())
}

/// Feeds `text` to `entry`; the first error message, if any.
fn first_error(entry: &str, text: &str) -> Result<Option<String>, String> {
    let paths = PathContext::default();
    let no_files = |path: &str| -> Result<String, String> { Err(format!("no file `{path}`")) };
    let api_error = |answer: String| answer.starts_with("{\"kind\":\"error\"").then_some(answer);
    Ok(match entry {
        "requirements" => parse_requirements(text, "r.toml").diagnostics.into_iter().next().map(|d| d.message),
        "workspace" => parse_workspace(text, "w.toml", &no_files)
            .diagnostics
            .into_iter()
            .find(|d| d.severity == Severity::Error)
            .map(|d| d.message),
        "rules" => load_rules_files(&[RulesFile { name: "a.rules", text }], &paths).err().map(|e| e.diagnostic.message),
        "shell" => {
            let _ = commands_for_exec_policy(&["bash".to_owned(), "-lc".to_owned(), text.to_owned()]);
            None
        }
        "config" => user_config_from_toml(text).err(),
        "config-override" => apply_override(&mut policy_engine::tomlread::Table::new(), text).err(),
        "json" => Json::parse(text).err().map(|e| e.message),
        "api-check" => api_error(api::check(text)),
        "api-explain" => api_error(api::explain(text)),
        "cases" => parse_cases(text, "t.toml").err().and_then(|d| d.into_iter().next()).map(|d| d.message),
        "replay-record" => parse_record(text).err(),
        "explain-argv" => {
            let ws = policy_engine::workspace::Workspace::default();
            let evaluator = Evaluator::new(&ws, ExplainOptions::default(), paths.clone());
            let argv = text.split('\u{1f}').map(str::to_owned).collect();
            let _ = evaluator.explain(&Scenario { argv, paths, ..Scenario::default() });
            None
        }
        other => return Err(format!("unknown entry `{other}` (one of {})", ENTRIES.join(", "))),
    })
}

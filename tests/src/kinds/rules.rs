//! `kind = "rules"`: what loading Starlark `.rules` files produces (spec §3.1): the rules, the
//! `host_executable` allowlists and the network rules, or the load error with its location and
//! the warning Codex prints.
//!
//! ```toml
//! [[case]]
//! name = "E12 host_executable paths are de-duplicated"
//! kind = "rules"
//! spec = "E12"
//! files = [{ name = "a.rules", text = '''host_executable(name="git", paths=["/usr/bin/git","/usr/bin/git"])''' }]
//! home = "/home/dev"                      # optional, for `~/`
//! cwd = "/home/dev/project"               # optional
//! # on success (each optional; a given list must match exactly):
//! expect_rules = ['PrefixRule { pattern: PrefixPattern { first: "git", rest: [] }, decision: Allow, justification: None, reviewer: None }']
//! expect_host_executables = { git = ["/usr/bin/git"] }
//! expect_network = ["google.com http allow"]        # host, protocol, decision[, justification]
//! expect_origins = ["a.rules:1:1"]                   # where each rule's `prefix_rule(...)` starts
//! # on failure:
//! expect_error = "invalid decision: maybe"           # the exact message
//! expect_error_at = "a.rules:1:38"                   # optional: file:line:col of the diagnostic span
//! expect_codex_warning = "a.rules:1: error: invalid decision: maybe (problem is on or around line 1)"
//! ```
//! Rules are listed grouped by program in first-appearance order, each in load order (Codex's
//! multimap order).

use std::collections::BTreeMap;

use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::{LineIndex, PathContext};
use serde::Deserialize;

use crate::{Case, InlineFile, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesCase {
    files: Vec<InlineFile>,
    cwd: Option<String>,
    home: Option<String>,
    expect_rules: Option<Vec<String>>,
    expect_host_executables: Option<BTreeMap<String, Vec<String>>>,
    expect_network: Option<Vec<String>>,
    expect_origins: Option<Vec<String>>,
    expect_error: Option<String>,
    expect_error_at: Option<String>,
    expect_codex_warning: Option<String>,
}

fn location(files: &[InlineFile], source: &str, offset: usize) -> String {
    let text = files.iter().find(|f| f.name == source).map_or("", |f| f.text.as_str());
    let (line, col) = LineIndex::new(text).line_col(offset);
    format!("{source}:{line}:{col}")
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: RulesCase = fields(case)?;
    let default = PathContext::default();
    let paths = PathContext { cwd: c.cwd.clone().unwrap_or(default.cwd), home: c.home.clone().unwrap_or(default.home) };
    let files: Vec<RulesFile<'_>> = c.files.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let expects_error = c.expect_error.is_some() || c.expect_error_at.is_some() || c.expect_codex_warning.is_some();
    let expects_policy = c.expect_rules.is_some()
        || c.expect_host_executables.is_some()
        || c.expect_network.is_some()
        || c.expect_origins.is_some();
    if expects_error == expects_policy {
        return Err("a rules case expects either a policy or an error".into());
    }
    match load_rules_files(&files, &paths) {
        Ok(policy) => {
            if expects_error {
                return Err(format!("expected an error, the files loaded {} rules", policy.rule_count()));
            }
            if let Some(expected) = &c.expect_rules {
                let actual: Vec<String> = policy.rules().map(policy_engine::PrefixRule::codex_debug).collect();
                expect_eq("rules", &expected.join("\n"), &actual.join("\n"))?;
            }
            if let Some(expected) = &c.expect_origins {
                let actual: Vec<String> = policy
                    .rules()
                    .map(|r| {
                        r.origin.as_ref().map_or("<none>".to_owned(), |o| location(&c.files, &o.source, o.span.start))
                    })
                    .collect();
                expect_eq("origins", &expected.join("\n"), &actual.join("\n"))?;
            }
            if let Some(expected) = &c.expect_host_executables {
                let actual: BTreeMap<String, Vec<String>> =
                    policy.host_executables().map(|(k, v)| (k.clone(), v.clone())).collect();
                expect_eq("host executables", &format!("{expected:?}"), &format!("{actual:?}"))?;
            }
            if let Some(expected) = &c.expect_network {
                let actual: Vec<String> = policy
                    .network_rules()
                    .iter()
                    .map(|n| {
                        let mut s = format!("{} {} {}", n.host, n.protocol, n.decision.as_str());
                        if let Some(j) = &n.justification {
                            s.push(' ');
                            s.push_str(j);
                        }
                        s
                    })
                    .collect();
                expect_eq("network rules", &expected.join("\n"), &actual.join("\n"))?;
            }
            Ok(())
        }
        Err(e) => {
            if !expects_error {
                return Err(format!("unexpected error: {} ({})", e.diagnostic.message, e.codex_warning()));
            }
            if let Some(expected) = &c.expect_error {
                expect_eq("error message", expected, &e.diagnostic.message)?;
            }
            if let Some(expected) = &c.expect_error_at {
                let actual = e
                    .diagnostic
                    .span
                    .map_or("<no span>".to_owned(), |s| location(&c.files, &e.diagnostic.source, s.start));
                expect_eq("error location", expected, &actual)?;
            }
            if let Some(expected) = &c.expect_codex_warning {
                expect_eq("Codex warning", expected, e.codex_warning())?;
            }
            Ok(())
        }
    }
}

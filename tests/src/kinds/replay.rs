//! `kind = "replay"`: recorded commands (JSON lines) counted against a draft workspace (and a
//! baseline), through `analysis::replay` and `codex-policy replay --json`.
//!
//! ```toml
//! [[case]]
//! name = "a malformed line is skipped and the rest counts"
//! kind = "replay"
//! workspace = "examples/acme/workspace.toml"   # or workspace_text = '''…''' with files
//! baseline = "…"                               # optional; or baseline_text = '''…''' (same files)
//! log = '''
//! {"user":"kim@acme.example","command":"git push"}
//! not json
//! '''
//! expect = { lines = 2, evaluated = 1, skipped = 0, malformed = 1 }
//! expect_errors = [{ line = 2, contains = "invalid JSON" }]
//! expect_total = { reject = 1 }                 # counts per outcome (and newlyBlocked, newlyAsked, looser)
//! expect_users = { "kim@acme.example" = { reject = 1 } }
//! expect_rules = { "contractors.requirements.toml:9:3" = { reject = 1 } }   # keys compared as suffixes
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use policy_engine::PathContext;
use policy_engine::analysis::replay::Replay;
use policy_engine::explain::{Evaluator, ExplainOptions};
use policy_engine::json::Json;
use policy_engine::requirements::settings::UserConfig;
use serde::Deserialize;

use crate::kinds::lint::{WorkspaceInput, array_of, int_of, parse_json, run_bin, str_of};
use crate::{Case, InlineFile, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineError {
    line: i64,
    contains: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplayCase {
    workspace: Option<String>,
    workspace_text: Option<String>,
    baseline: Option<String>,
    baseline_text: Option<String>,
    #[serde(default)]
    files: Vec<InlineFile>,
    log: String,
    #[serde(default)]
    expect: BTreeMap<String, i64>,
    expect_errors: Option<Vec<LineError>>,
    #[serde(default)]
    expect_total: BTreeMap<String, i64>,
    #[serde(default)]
    expect_users: BTreeMap<String, BTreeMap<String, i64>>,
    #[serde(default)]
    expect_rules: BTreeMap<String, BTreeMap<String, i64>>,
}

fn counts(what: &str, want: &BTreeMap<String, i64>, got: &Json) -> Result<(), String> {
    for (key, n) in want {
        if int_of(got, key) != Some(*n) {
            return Err(format!("{what} `{key}`: expected {n}, got {:?} in {}", int_of(got, key), got.to_compact()));
        }
    }
    Ok(())
}

fn compare(c: &ReplayCase, report: &Json) -> Result<(), String> {
    counts("report", &c.expect, report)?;
    if let Some(want) = &c.expect_errors {
        let got = array_of(report, "errors");
        let ok = got.len() == want.len()
            && want
                .iter()
                .zip(got)
                .all(|(w, g)| int_of(g, "line") == Some(w.line) && str_of(g, "message").contains(&w.contains));
        if !ok {
            return Err(format!("errors: expected {want:?}, got {}", Json::Array(got.to_vec()).to_compact()));
        }
    }
    counts("total", &c.expect_total, report.get("total").unwrap_or(&Json::Null))?;
    let users = report.get("users").cloned().unwrap_or(Json::Null);
    for (user, want) in &c.expect_users {
        counts(user, want, users.get(user).ok_or_else(|| format!("no user `{user}` in {}", users.to_compact()))?)?;
    }
    let Json::Object(rules) = report.get("rules").cloned().unwrap_or(Json::Null) else {
        return Err("no `rules` in the report".into());
    };
    for (rule, want) in &c.expect_rules {
        let got = rules
            .iter()
            .find(|(k, _)| k.ends_with(rule.as_str()))
            .map(|(_, v)| v)
            .ok_or_else(|| format!("no rule `{rule}` in {:?}", rules.iter().map(|(k, _)| k).collect::<Vec<_>>()))?;
        counts(rule, want, got)?;
    }
    Ok(())
}

fn inputs(c: &ReplayCase) -> Result<(WorkspaceInput, Option<WorkspaceInput>), String> {
    let draft = WorkspaceInput::from_fields(c.workspace.as_ref(), c.workspace_text.as_ref(), &c.files)?
        .ok_or("the case needs a workspace")?;
    let baseline = WorkspaceInput::from_fields(c.baseline.as_ref(), c.baseline_text.as_ref(), &c.files)?;
    Ok((draft, baseline))
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: ReplayCase = fields(case)?;
    let (draft_input, baseline_input) = inputs(&c)?;
    let draft_ws = draft_input.parse()?.2.workspace.ok_or("the workspace did not parse")?;
    let baseline_ws = match baseline_input {
        Some(b) => Some(b.parse()?.2.workspace.ok_or("the baseline did not parse")?),
        None => None,
    };
    let paths = PathContext::default();
    let draft = Evaluator::new(&draft_ws, ExplainOptions::default(), paths.clone());
    let baseline = baseline_ws.as_ref().map(|ws| Evaluator::new(ws, ExplainOptions::default(), paths.clone()));
    let mut replay = Replay::new(&draft, baseline.as_ref(), UserConfig::default(), None, paths);
    for (i, line) in c.log.lines().enumerate() {
        replay.feed(i as u64 + 1, line);
    }
    compare(&c, &replay.finish().to_json())
}

/// Runs the case through `codex-policy replay --json`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: ReplayCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let (draft, baseline) = inputs(&c)?;
    let log = dir.join("log.jsonl");
    std::fs::write(&log, &c.log).map_err(|e| e.to_string())?;
    let defaults = PathContext::default();
    let mut cmd = Command::new(bin);
    cmd.arg("replay").arg("--json").args(["--cwd", &defaults.cwd, "--home", &defaults.home]);
    cmd.arg("--workspace").arg(draft.write(&dir.join("draft"), "workspace")?);
    if let Some(b) = baseline {
        cmd.arg("--baseline").arg(b.write(&dir.join("baseline"), "workspace")?);
    }
    cmd.arg(&log);
    let (code, stdout, stderr) = run_bin(&mut cmd)?;
    if code != 0 {
        return Err(format!("exit code {code}; stderr: {stderr}"));
    }
    compare(&c, &parse_json(&stdout)?)
}

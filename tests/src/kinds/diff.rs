//! `kind = "diff"`: the semantic diff, through `analysis::diff` and `codex-policy diff --json`.
//!
//! ```toml
//! [[case]]
//! name = "a stricter git push"
//! kind = "diff"
//! # one pair of inputs, each side one file:
//! old_rules = { name = "old.rules", text = '''…''' }          # .rules: exact prefix diff
//! new_rules = { name = "new.rules", text = '''…''' }
//! # or old_requirements / new_requirements = { name, text }   # system requirements.toml
//! # or old_workspace / new_workspace = "examples/…"           # repository paths
//! # or old_workspace_text / new_workspace_text = '''…''' with files = [{ name, text }]
//! commands = ["git push origin main"]                      # outcome comparison (workspace, requirements)
//! expect_verdict = "stricter"                              # stricter | looser | mixed | none
//! # rules diffs: the exact set of changes (order-insensitive); `old`/`new` = "none" for no rule
//! expect_changes = [{ program = "git", prefix = [["push"]], old = "prompt", new = "forbidden", verdict = "stricter", example = ["git", "push"], except = [] }]
//! # workspace and requirements diffs (each list must match exactly when given):
//! expect_users = [{ user = "kim@acme.example", old = "contractors", new = "baseline" }]
//! expect_outcomes = [{ user = "kim@acme.example", command = "git push origin main", old = "reject", new = "ask", verdict = "looser" }]
//! expect_fields = [{ old_policy = "contractors", new_policy = "baseline", kind = "requirements", field = "allowed_sandbox_modes" }]
//! expect_rule_changes = [{ old_policy = "baseline", new_policy = "baseline", program = "curl", prefix = [], old = "prompt", new = "forbidden", verdict = "stricter" }]
//! ```

use std::path::Path;
use std::process::Command;

use policy_engine::analysis::diff::{WorkspaceDiffOptions, diff_policies, diff_workspaces, parse_commands};
use policy_engine::explain::{Evaluator, ExplainOptions, loose_workspace};
use policy_engine::json::Json;
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::workspace::Workspace;
use policy_engine::{MatchOptions, PathContext};
use serde::Deserialize;

use crate::kinds::lint::{WorkspaceInput, array_of, parse_json, run_bin, str_of, write_file};
use crate::{Case, InlineFile, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    program: String,
    prefix: Vec<Vec<String>>,
    old: String,
    new: String,
    verdict: String,
    example: Option<Vec<String>>,
    except: Option<Vec<Vec<Vec<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairChange {
    old_policy: Option<String>,
    new_policy: Option<String>,
    program: String,
    prefix: Vec<Vec<String>>,
    old: String,
    new: String,
    verdict: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    user: String,
    old: String,
    new: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeChange {
    user: String,
    command: String,
    old: String,
    new: String,
    verdict: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldChange {
    old_policy: Option<String>,
    new_policy: Option<String>,
    kind: String,
    field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffCase {
    old_rules: Option<InlineFile>,
    new_rules: Option<InlineFile>,
    old_requirements: Option<InlineFile>,
    new_requirements: Option<InlineFile>,
    old_workspace: Option<String>,
    new_workspace: Option<String>,
    old_workspace_text: Option<String>,
    new_workspace_text: Option<String>,
    #[serde(default)]
    files: Vec<InlineFile>,
    #[serde(default)]
    commands: Vec<String>,
    expect_verdict: Option<String>,
    expect_changes: Option<Vec<Change>>,
    expect_users: Option<Vec<UserChange>>,
    expect_outcomes: Option<Vec<OutcomeChange>>,
    expect_fields: Option<Vec<FieldChange>>,
    expect_rule_changes: Option<Vec<PairChange>>,
}

fn none_or(v: Option<&Json>) -> String {
    match v {
        Some(Json::Str(s)) => s.clone(),
        _ => "none".to_owned(),
    }
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array).unwrap_or_default().iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

fn prefix(v: Option<&Json>) -> Vec<Vec<String>> {
    v.and_then(Json::as_array).unwrap_or_default().iter().map(|alts| strings(Some(alts))).collect()
}

fn change_matches(want: &Change, got: &Json) -> bool {
    str_of(got, "program") == want.program
        && prefix(got.get("prefix")) == want.prefix
        && none_or(got.get("old")) == want.old
        && none_or(got.get("new")) == want.new
        && str_of(got, "verdict") == want.verdict
        && want.example.as_ref().is_none_or(|e| strings(got.get("example")) == *e)
        && want
            .except
            .as_ref()
            .is_none_or(|e| array_of(got, "except").iter().map(|x| prefix(Some(x))).collect::<Vec<_>>() == *e)
}

fn exact<W: std::fmt::Debug>(
    what: &str,
    want: &[W],
    got: &[Json],
    matches: &dyn Fn(&W, &Json) -> bool,
) -> Result<(), String> {
    let shown = || got.iter().map(Json::to_compact).collect::<Vec<_>>().join("\n    ");
    for w in want {
        if !got.iter().any(|g| matches(w, g)) {
            return Err(format!("no {what} matches {w:?}; got:\n    {}", shown()));
        }
    }
    for g in got {
        if !want.iter().any(|w| matches(w, g)) {
            return Err(format!("unexpected {what} {}; got:\n    {}", g.to_compact(), shown()));
        }
    }
    Ok(())
}

fn compare(c: &DiffCase, diff: &Json) -> Result<(), String> {
    if let Some(v) = &c.expect_verdict
        && none_or(diff.get("verdict")) != *v
    {
        return Err(format!("verdict {} instead of {v}: {}", none_or(diff.get("verdict")), diff.to_compact()));
    }
    if let Some(want) = &c.expect_changes {
        exact("change", want, array_of(diff, "changes"), &change_matches)?;
    }
    if let Some(want) = &c.expect_users {
        exact("user change", want, array_of(diff, "users"), &|w: &UserChange, g: &Json| {
            str_of(g, "user") == w.user
                && g.get("old").map(|p| none_or(p.get("name"))) == Some(w.old.clone())
                && g.get("new").map(|p| none_or(p.get("name"))) == Some(w.new.clone())
        })?;
    }
    if let Some(want) = &c.expect_outcomes {
        exact("outcome change", want, array_of(diff, "outcomes"), &|w: &OutcomeChange, g: &Json| {
            str_of(g, "user") == w.user
                && Some(strings(g.get("argv"))) == split(&w.command)
                && str_of(g, "old") == w.old
                && str_of(g, "new") == w.new
                && str_of(g, "verdict") == w.verdict
        })?;
    }
    let policies = array_of(diff, "policies");
    let pair = |g: &Json, old: &Option<String>, new: &Option<String>| {
        g.get("old").and_then(Json::as_str).map(str::to_owned) == *old
            && g.get("new").and_then(Json::as_str).map(str::to_owned) == *new
    };
    if let Some(want) = &c.expect_fields {
        let mut got = Vec::new();
        for p in policies {
            for kind in ["requirements", "settings"] {
                for f in array_of(p, kind) {
                    got.push(
                        Json::object()
                            .with("old", p.get("old").cloned().unwrap_or(Json::Null))
                            .with("new", p.get("new").cloned().unwrap_or(Json::Null))
                            .with("kind", kind)
                            .with("field", str_of(f, "field")),
                    );
                }
            }
        }
        exact("field change", want, &got, &|w: &FieldChange, g: &Json| {
            pair(g, &w.old_policy, &w.new_policy) && str_of(g, "kind") == w.kind && str_of(g, "field") == w.field
        })?;
    }
    if let Some(want) = &c.expect_rule_changes {
        let mut got = Vec::new();
        for p in policies {
            for change in array_of(p.get("rules").unwrap_or(&Json::Null), "changes") {
                let mut g = change.clone();
                g.push("oldPolicy", p.get("old").cloned().unwrap_or(Json::Null));
                g.push("newPolicy", p.get("new").cloned().unwrap_or(Json::Null));
                got.push(g);
            }
        }
        exact("rule change", want, &got, &|w: &PairChange, g: &Json| {
            g.get("oldPolicy").and_then(Json::as_str).map(str::to_owned) == w.old_policy
                && g.get("newPolicy").and_then(Json::as_str).map(str::to_owned) == w.new_policy
                && str_of(g, "program") == w.program
                && prefix(g.get("prefix")) == w.prefix
                && none_or(g.get("old")) == w.old
                && none_or(g.get("new")) == w.new
                && str_of(g, "verdict") == w.verdict
        })?;
    }
    Ok(())
}

/// Which pair of inputs the case gives.
enum Sides<'a> {
    Rules(&'a InlineFile, &'a InlineFile),
    Requirements(&'a InlineFile, &'a InlineFile),
    Workspaces(WorkspaceInput, WorkspaceInput),
}

fn sides(c: &DiffCase) -> Result<Sides<'_>, String> {
    let old_ws = WorkspaceInput::from_fields(c.old_workspace.as_ref(), c.old_workspace_text.as_ref(), &c.files)?;
    let new_ws = WorkspaceInput::from_fields(c.new_workspace.as_ref(), c.new_workspace_text.as_ref(), &c.files)?;
    match (&c.old_rules, &c.new_rules, &c.old_requirements, &c.new_requirements, old_ws, new_ws) {
        (Some(o), Some(n), None, None, None, None) => Ok(Sides::Rules(o, n)),
        (None, None, Some(o), Some(n), None, None) => Ok(Sides::Requirements(o, n)),
        (None, None, None, None, Some(o), Some(n)) => Ok(Sides::Workspaces(o, n)),
        _ => Err("give exactly one pair: old/new rules, requirements or workspace".into()),
    }
}

fn split(line: &str) -> Option<Vec<String>> {
    parse_commands(line, "command").ok()?.into_iter().next()
}

fn commands(c: &DiffCase) -> Result<Vec<Vec<String>>, String> {
    c.commands.iter().map(|l| split(l).ok_or_else(|| format!("bad command `{l}`"))).collect()
}

fn workspace_diff(old: &Workspace, new: &Workspace, c: &DiffCase) -> Result<Json, String> {
    let options = WorkspaceDiffOptions { commands: commands(c)?, host: None, paths: PathContext::default() };
    let old_ev = Evaluator::new(old, ExplainOptions::default(), options.paths.clone());
    let new_ev = Evaluator::new(new, ExplainOptions::default(), options.paths.clone());
    Ok(diff_workspaces(&old_ev, &new_ev, &options).to_json(old, new))
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: DiffCase = fields(case)?;
    let paths = PathContext::default();
    let json = match sides(&c)? {
        Sides::Rules(o, n) => {
            let load = |f: &InlineFile| {
                load_rules_files(&[RulesFile { name: &f.name, text: &f.text }], &paths)
                    .map_err(|e| e.diagnostic.message)
            };
            let options = MatchOptions { resolve_host_executables: true, paths: paths.clone() };
            diff_policies(&load(o)?, &load(n)?, &options).to_json(&[])
        }
        Sides::Requirements(o, n) => {
            let old = loose_workspace(&[RulesFile { name: &o.name, text: &o.text }], &[]);
            let new = loose_workspace(&[RulesFile { name: &n.name, text: &n.text }], &[]);
            workspace_diff(&old, &new, &c)?
        }
        Sides::Workspaces(o, n) => {
            let (_, _, old) = o.parse()?;
            let (_, _, new) = n.parse()?;
            let (Some(old), Some(new)) = (old.workspace, new.workspace) else {
                return Err("a workspace did not parse".into());
            };
            workspace_diff(&old, &new, &c)?
        }
    };
    compare(&c, &json)
}

/// Runs the case through `codex-policy diff --json`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: DiffCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let (old, new) = match sides(&c)? {
        Sides::Rules(o, n) | Sides::Requirements(o, n) => {
            (write_file(&dir.join("old"), o)?, write_file(&dir.join("new"), n)?)
        }
        Sides::Workspaces(o, n) => (o.write(&dir.join("old"), "workspace")?, n.write(&dir.join("new"), "workspace")?),
    };
    let defaults = PathContext::default();
    let mut cmd = Command::new(bin);
    cmd.arg("diff").arg(&old).arg(&new).arg("--json").args(["--cwd", &defaults.cwd, "--home", &defaults.home]);
    if !c.commands.is_empty() {
        let list = dir.join("commands.txt");
        std::fs::write(&list, c.commands.join("\n")).map_err(|e| e.to_string())?;
        cmd.arg("--commands").arg(list);
    }
    let (code, stdout, stderr) = run_bin(&mut cmd)?;
    if code != 0 {
        return Err(format!("exit code {code}; stderr: {stderr}"));
    }
    compare(&c, &parse_json(&stdout)?)
}

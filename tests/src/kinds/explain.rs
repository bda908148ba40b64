//! `kind = "explain"`: the whole pipeline for one person and one command — identity, policy,
//! layers, settings, rules, splitting, heuristics, outcome — through the engine and through
//! `codex-policy explain --json`. `expect` lists top-level keys of the explain JSON and their
//! expected compact JSON; keys not listed are not compared.
//!
//! ```toml
//! [[case]]
//! name = "kim is a contractor by rule order"
//! kind = "explain"
//! workspace = "examples/acme/workspace.toml"   # relative to the repository root
//! # or loose files: requirements = [{ name, text }], rules = [{ name, text }]
//! user = "kim@acme.example"                    # or groups = ["Platform"]
//! command = "git push origin main"             # or argv = [...]
//! config = ["approval_policy=never"]           # optional, like `-c KEY=VALUE`
//! host = "build-1.acme.example"                # optional
//! escalate = false                             # optional
//! expect = { outcome = '"reject"', policy = '{"name":"contractors","via":"group:Contractors"}' }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use policy_engine::PathContext;
use policy_engine::approval::Escalation;
use policy_engine::config::{apply_override, user_config_from_table};
use policy_engine::explain::{Evaluator, ExplainOptions, Scenario, explanation_json, loose_workspace};
use policy_engine::json::Json;
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::parse_workspace;
use serde::Deserialize;

use crate::{Case, InlineFile, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainCase {
    workspace: Option<String>,
    #[serde(default)]
    requirements: Vec<InlineFile>,
    #[serde(default)]
    rules: Vec<InlineFile>,
    user: Option<String>,
    groups: Option<Vec<String>>,
    command: Option<String>,
    argv: Option<Vec<String>>,
    #[serde(default)]
    config: Vec<String>,
    host: Option<String>,
    #[serde(default)]
    escalate: bool,
    expect: BTreeMap<String, String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl ExplainCase {
    fn argv(&self) -> Result<Vec<String>, String> {
        match (&self.argv, &self.command) {
            (Some(argv), None) => Ok(argv.clone()),
            (None, Some(line)) => shlex::split(line).ok_or_else(|| format!("cannot split `{line}`")),
            _ => Err("set exactly one of `argv` and `command`".into()),
        }
    }
}

fn compare(actual: &Json, expect: &BTreeMap<String, String>) -> Result<(), String> {
    if expect.is_empty() {
        return Err("`expect` is empty".into());
    }
    for (key, expected) in expect {
        let expected = Json::parse(expected).map_err(|e| format!("expect.{key} is not JSON: {}", e.message))?;
        let got = actual.get(key).cloned().unwrap_or(Json::Null);
        expect_eq(&format!("`{key}`"), &expected.to_compact(), &got.to_compact())?;
    }
    Ok(())
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: ExplainCase = fields(case)?;
    let root = repo_root();
    let requirements: Vec<RulesFile<'_>> =
        c.requirements.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let rules: Vec<RulesFile<'_>> = c.rules.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let mut workspace = match &c.workspace {
        Some(path) => {
            let path = root.join(path);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let resolve = |rel: &str| std::fs::read_to_string(base.join(rel)).map_err(|e| e.to_string());
            parse_workspace(&text, &path.display().to_string(), &resolve).workspace.ok_or("workspace does not parse")?
        }
        None => policy_engine::workspace::Workspace::default(),
    };
    let extra = loose_workspace(&requirements, &rules);
    if c.workspace.is_none() {
        workspace = extra;
    } else {
        workspace.layers.extend(extra.layers);
        workspace.rules.user.extend(extra.rules.user);
    }
    let mut table = policy_engine::tomlread::Table::new();
    for assignment in &c.config {
        apply_override(&mut table, assignment)?;
    }
    let scenario = Scenario {
        user: c.user.clone(),
        groups: c.groups.clone(),
        argv: c.argv()?,
        config: user_config_from_table(&table)?,
        host: c.host.clone(),
        escalation: if c.escalate { Escalation::RequireEscalated } else { Escalation::None },
        paths: PathContext::default(),
        ..Scenario::default()
    };
    let evaluator = Evaluator::new(&workspace, ExplainOptions::default(), PathContext::default());
    compare(&explanation_json(&evaluator.explain(&scenario)), &c.expect)
}

/// Runs the case through `codex-policy explain --json`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: ExplainCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let mut cmd = Command::new(bin);
    cmd.arg("explain").arg("--json");
    let defaults = PathContext::default();
    cmd.args(["--cwd", &defaults.cwd, "--home", &defaults.home]);
    if let Some(path) = &c.workspace {
        cmd.arg("--workspace").arg(repo_root().join(path));
    }
    for (flag, files) in [("--requirements", &c.requirements), ("--rules", &c.rules)] {
        for file in files {
            let path = dir.join(&file.name);
            std::fs::write(&path, &file.text).map_err(|e| e.to_string())?;
            // Relative to the process's directory, so source labels read as in the engine run.
            cmd.arg(flag).arg(&file.name);
        }
    }
    cmd.current_dir(&dir);
    if let Some(user) = &c.user {
        cmd.args(["--user", user]);
    }
    for group in c.groups.iter().flatten() {
        cmd.args(["--group", group]);
    }
    for assignment in &c.config {
        cmd.args(["--config", assignment]);
    }
    if let Some(host) = &c.host {
        cmd.args(["--host", host]);
    }
    if c.escalate {
        cmd.arg("--escalate");
    }
    cmd.arg("--").args(c.argv()?);
    let output = cmd.output().map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !output.status.success() {
        return Err(format!("exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr)));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = Json::parse(&stdout).map_err(|e| format!("CLI printed invalid JSON ({}): {stdout}", e.message))?;
    compare(&json, &c.expect)
}

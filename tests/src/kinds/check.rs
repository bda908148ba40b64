//! `kind = "check"`: what `codex execpolicy check` prints for rules files + requirements + argv.
//!
//! ```toml
//! [[case]]
//! name = "E29 prompt with justification"
//! kind = "check"
//! spec = "E29"
//! rules = [{ name = "p.rules", text = '''prefix_rule(pattern=["git","push"], decision="prompt", justification="x")''' }]
//! requirements = []                       # optional requirements documents, [rules] appended
//! argv = ["git", "push", "origin", "main"]
//! resolve_host_executables = false        # optional
//! cwd = "/home/dev/project"               # optional, for relative program paths
//! home = "/home/dev"                      # optional, for `~/`
//! pretty = false                          # optional
//! expect_json = '''{"matchedRules":[...],"decision":"prompt"}'''
//! # or, for a load failure:
//! expect_error = "invalid decision: maybe"        # substring of the message
//! expect_error_at = "p.rules:1:1"                 # optional: file:line:col of the span
//! ```

use std::path::Path;
use std::process::Command;

use policy_engine::check::{CheckRequest, evaluation_json, run_check};
use policy_engine::starlark::RulesFile;
use policy_engine::{LineIndex, MatchOptions, PathContext};
use serde::Deserialize;

use crate::{Case, InlineFile, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckCase {
    #[serde(default)]
    rules: Vec<InlineFile>,
    #[serde(default)]
    requirements: Vec<InlineFile>,
    argv: Vec<String>,
    #[serde(default)]
    resolve_host_executables: bool,
    cwd: Option<String>,
    home: Option<String>,
    #[serde(default)]
    pretty: bool,
    expect_json: Option<String>,
    expect_error: Option<String>,
    expect_error_at: Option<String>,
}

impl CheckCase {
    fn paths(&self) -> PathContext {
        let default = PathContext::default();
        PathContext { cwd: self.cwd.clone().unwrap_or(default.cwd), home: self.home.clone().unwrap_or(default.home) }
    }
}

fn to_files(files: &[InlineFile]) -> Vec<RulesFile<'_>> {
    files.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect()
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: CheckCase = fields(case)?;
    let rules = to_files(&c.rules);
    let requirements = to_files(&c.requirements);
    let request = CheckRequest {
        rules: &rules,
        requirements: &requirements,
        argv: &c.argv,
        options: MatchOptions { resolve_host_executables: c.resolve_host_executables, paths: c.paths() },
    };
    if c.expect_json.is_some() && c.expect_error.is_some() {
        return Err("case sets both expect_json and expect_error".into());
    }
    match (run_check(&request), &c.expect_json, &c.expect_error) {
        (Ok(eval), Some(expected), _) => {
            let json = evaluation_json(&eval);
            let actual = if c.pretty { json.to_pretty() } else { json.to_compact() };
            expect_eq("check JSON", expected.trim_end(), &actual)
        }
        (Err(diag), _, Some(expected)) => {
            if !diag.message.contains(expected.as_str()) {
                return Err(format!(
                    "error message differs\n  expected to contain: {expected}\n  actual: {}",
                    diag.message
                ));
            }
            if let Some(at) = &c.expect_error_at {
                let text = c
                    .rules
                    .iter()
                    .chain(&c.requirements)
                    .find(|f| f.name == diag.source)
                    .map_or("", |f| f.text.as_str());
                let actual = diag.span.map(|span| {
                    let (line, col) = LineIndex::new(text).line_col(span.start);
                    format!("{}:{line}:{col}", diag.source)
                });
                expect_eq("error location", at, actual.as_deref().unwrap_or("<no span>"))?;
            }
            Ok(())
        }
        (Ok(eval), _, Some(expected)) => {
            Err(format!("expected an error containing `{expected}`, got {}", evaluation_json(&eval).to_compact()))
        }
        (Err(diag), _, None) => Err(format!("unexpected error: {}", diag.render_line(""))),
        (Ok(_), None, None) => Err("case has neither expect_json nor expect_error".into()),
    }
}

/// Runs the case through the binary: files written to a temporary directory, argv after `--`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: CheckCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let mut cmd = Command::new(bin);
    cmd.arg("check");
    for (flag, files) in [("--rules", &c.rules), ("--requirements", &c.requirements)] {
        for file in files {
            let path = dir.join(file.name.trim_start_matches('/'));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, &file.text).map_err(|e| e.to_string())?;
            cmd.arg(flag).arg(&path);
        }
    }
    if c.resolve_host_executables {
        cmd.arg("--resolve-host-executables");
    }
    if c.pretty {
        cmd.arg("--pretty");
    }
    let paths = c.paths();
    cmd.args(["--cwd", &paths.cwd, "--home", &paths.home]);
    cmd.arg("--").args(&c.argv);
    let output = cmd.output().map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match (&c.expect_json, &c.expect_error) {
        (Some(expected), _) => {
            if !output.status.success() {
                return Err(format!("exit {:?}, stderr: {stderr}", output.status.code()));
            }
            expect_eq("CLI stdout", &format!("{}\n", expected.trim_end()), &stdout)
        }
        (None, Some(expected)) => {
            if output.status.code() != Some(2) {
                return Err(format!("expected exit 2, got {:?}; stdout: {stdout}", output.status.code()));
            }
            if !stderr.contains(expected.as_str()) || stderr.trim_end().lines().count() != 1 {
                return Err(format!("stderr should be one line containing `{expected}`, got: {stderr}"));
            }
            if let Some(at) = &c.expect_error_at
                && !stderr.contains(&format!("{at}: "))
            {
                return Err(format!("stderr should name `{at}`, got: {stderr}"));
            }
            Ok(())
        }
        (None, None) => Err("case has neither expect_json nor expect_error".into()),
    }
}

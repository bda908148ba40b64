//! `kind = "lint"`: every finding of `analysis::lint` (engine) and `codex-policy lint --json`
//! (CLI) for a workspace and/or loose requirements and rules files. Also the helpers the other
//! analysis kinds (`diff`, `policy-test`, `replay`) share: workspace inputs and JSON lookups.
//!
//! ```toml
//! [[case]]
//! name = "a longer rule under a stricter one is shadowed"
//! kind = "lint"
//! workspace = "examples/acme/workspace.toml"    # or workspace_text = '''…''' with files = [{ name, text }]
//! requirements = [{ name = "r.toml", text = '''…''' }]
//! rules = [{ name = "t.rules", text = '''…''' }]
//! expect = [{ code = "rules/shadowed-rule", at = "t.rules:2:1", severity = "warning", contains = "…", help = "…" }]
//! only = true            # default: every finding must be expected, except codes in `ignore`
//! ignore = ["workspace/no-default-role"]
//! expect_errors = false  # whether any finding is an error (CLI: exit 1)
//! ```
//! `at` is compared as a suffix of `file:line:col` (the CLI shows referenced files with the
//! workspace's directory in front).

use std::path::{Path, PathBuf};
use std::process::Command;

use policy_engine::PathContext;
use policy_engine::analysis::lint::{LintReport, lint_files, lint_workspace};
use policy_engine::json::Json;
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::{WorkspaceParse, parse_workspace};
use serde::Deserialize;

use crate::{Case, InlineFile, fields};

/// A workspace given by repository path or inline, with the files it references.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceInput {
    /// Path relative to the repository root.
    pub path: Option<String>,
    /// Inline workspace text (`workspace.toml` in a scratch directory for the CLI).
    pub text: Option<String>,
    /// Files an inline workspace references.
    pub files: Vec<InlineFile>,
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl WorkspaceInput {
    /// Builds one from a case's optional fields; `None` when the case names no workspace.
    pub fn from_fields(
        path: Option<&String>,
        text: Option<&String>,
        files: &[InlineFile],
    ) -> Result<Option<Self>, String> {
        match (path, text) {
            (None, None) => Ok(None),
            (Some(_), Some(_)) => Err("set only one of the workspace path and the inline workspace text".into()),
            (p, t) => Ok(Some(Self { path: p.cloned(), text: t.cloned(), files: files.to_vec() })),
        }
    }

    /// Parses it the way the CLI does: label = file name, `file = …` relative to it.
    pub fn parse(&self) -> Result<(String, String, WorkspaceParse), String> {
        let (label, text, base) = match (&self.path, &self.text) {
            (Some(path), None) => {
                let full = repo_root().join(path);
                let text = std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
                (path.clone(), text, full.parent().map(Path::to_path_buf))
            }
            (None, Some(text)) => ("workspace.toml".to_owned(), text.clone(), None),
            _ => return Err("a workspace needs a path or a text".into()),
        };
        let files = self.files.clone();
        let resolve = move |p: &str| -> Result<String, String> {
            if let Some(f) = files.iter().find(|f| f.name == p) {
                return Ok(f.text.clone());
            }
            match &base {
                Some(dir) => std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string()),
                None => Err("No such file or directory (os error 2)".to_owned()),
            }
        };
        let parse = parse_workspace(&text, &label, &resolve);
        Ok((label, text, parse))
    }

    /// Where the CLI should read it from: the repository file, or `dir/<stem>.toml` with the
    /// referenced files written next to it.
    pub fn write(&self, dir: &Path, stem: &str) -> Result<PathBuf, String> {
        if let Some(path) = &self.path {
            return Ok(repo_root().join(path));
        }
        let file = dir.join(format!("{stem}.toml"));
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        std::fs::write(&file, self.text.as_deref().unwrap_or_default()).map_err(|e| e.to_string())?;
        for f in &self.files {
            write_file(dir, f)?;
        }
        Ok(file)
    }
}

/// Writes an inline file under `dir`, creating parent directories.
pub fn write_file(dir: &Path, file: &InlineFile) -> Result<PathBuf, String> {
    let path = dir.join(file.name.trim_start_matches('/'));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&path, &file.text).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Runs the binary; returns exit code, stdout, stderr.
pub fn run_bin(cmd: &mut Command) -> Result<(i32, String, String), String> {
    let output = cmd.output().map_err(|e| format!("cannot run the CLI: {e}"))?;
    Ok((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

/// Parses the CLI's JSON output.
pub fn parse_json(stdout: &str) -> Result<Json, String> {
    Json::parse(stdout).map_err(|e| format!("CLI output is not JSON ({}): {stdout}", e.message))
}

/// A string member, or `""`.
pub fn str_of<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or_default()
}

/// An integer member.
pub fn int_of(v: &Json, key: &str) -> Option<i64> {
    match v.get(key) {
        Some(Json::Int(n)) => Some(*n),
        _ => None,
    }
}

/// An array member (empty when absent).
pub fn array_of<'a>(v: &'a Json, key: &str) -> &'a [Json] {
    v.get(key).and_then(Json::as_array).unwrap_or_default()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    code: String,
    at: Option<String>,
    severity: Option<String>,
    contains: Option<String>,
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintCase {
    workspace: Option<String>,
    workspace_text: Option<String>,
    #[serde(default)]
    files: Vec<InlineFile>,
    #[serde(default)]
    requirements: Vec<InlineFile>,
    #[serde(default)]
    rules: Vec<InlineFile>,
    #[serde(default)]
    expect: Vec<Expected>,
    only: Option<bool>,
    #[serde(default)]
    ignore: Vec<String>,
    expect_errors: Option<bool>,
}

fn location(d: &Json) -> String {
    let source = str_of(d, "source");
    match d.get("span") {
        Some(span) => format!("{source}:{}:{}", int_of(span, "line").unwrap_or(0), int_of(span, "column").unwrap_or(0)),
        None => source.to_owned(),
    }
}

fn matches(e: &Expected, d: &Json) -> bool {
    str_of(d, "code") == e.code
        && e.at.as_ref().is_none_or(|at| location(d).ends_with(at.as_str()))
        && e.severity.as_ref().is_none_or(|s| str_of(d, "severity") == s)
        && e.contains.as_ref().is_none_or(|c| str_of(d, "message").contains(c.as_str()))
        && e.help.as_ref().is_none_or(|h| str_of(d, "help").contains(h.as_str()))
}

/// Compares a lint JSON report with the case.
fn compare(c: &LintCase, report: &Json) -> Result<(), String> {
    let found = array_of(report, "diagnostics");
    let show = || {
        found
            .iter()
            .map(|d| {
                format!("{} {} {}: {}", location(d), str_of(d, "severity"), str_of(d, "code"), str_of(d, "message"))
            })
            .collect::<Vec<_>>()
            .join("\n    ")
    };
    for e in &c.expect {
        if !found.iter().any(|d| matches(e, d)) {
            return Err(format!("no finding matches {e:?}; findings:\n    {}", show()));
        }
    }
    if c.only.unwrap_or(true) {
        for d in found {
            let code = str_of(d, "code");
            if !c.ignore.iter().any(|i| i == code) && !c.expect.iter().any(|e| matches(e, d)) {
                return Err(format!(
                    "unexpected finding {} {code}: {}; findings:\n    {}",
                    location(d),
                    str_of(d, "message"),
                    show()
                ));
            }
        }
    }
    if let Some(want) = c.expect_errors {
        let errors = int_of(report, "errors").unwrap_or(0) > 0;
        if errors != want {
            return Err(format!("expected errors = {want}, got {errors}; findings:\n    {}", show()));
        }
    }
    Ok(())
}

fn as_files(files: &[InlineFile]) -> Vec<RulesFile<'_>> {
    files.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect()
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: LintCase = fields(case)?;
    let paths = PathContext::default();
    let mut report = LintReport::default();
    if let Some(ws) = WorkspaceInput::from_fields(c.workspace.as_ref(), c.workspace_text.as_ref(), &c.files)? {
        let (label, text, parse) = ws.parse()?;
        let r = lint_workspace(&parse, &label, &text, &paths);
        report.diagnostics.extend(r.diagnostics);
        report.sources.extend(r.sources);
    }
    if !c.requirements.is_empty() || !c.rules.is_empty() {
        let r = lint_files(&as_files(&c.requirements), &as_files(&c.rules), &paths);
        report.diagnostics.extend(r.diagnostics);
        report.sources.extend(r.sources);
    }
    compare(&c, &report.to_json())
}

/// Runs the case through `codex-policy lint --json`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: LintCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let mut cmd = Command::new(bin);
    cmd.arg("lint").arg("--json").current_dir(&dir);
    let defaults = PathContext::default();
    cmd.args(["--cwd", &defaults.cwd, "--home", &defaults.home]);
    if let Some(ws) = WorkspaceInput::from_fields(c.workspace.as_ref(), c.workspace_text.as_ref(), &c.files)? {
        let path = ws.write(&dir, "workspace")?;
        // Relative to the scratch directory when written there, as the engine names it.
        cmd.arg("--workspace").arg(path.strip_prefix(&dir).unwrap_or(&path));
    }
    for (flag, files) in [("--requirements", &c.requirements), ("--rules", &c.rules)] {
        for f in files {
            write_file(&dir, f)?;
            // Relative to the scratch directory, so locations read like the engine's names.
            cmd.arg(flag).arg(f.name.trim_start_matches('/'));
        }
    }
    let (code, stdout, stderr) = run_bin(&mut cmd)?;
    let report = parse_json(&stdout)?;
    let errors = int_of(&report, "errors").unwrap_or(0) > 0;
    let want_code = i32::from(errors);
    if code != want_code {
        return Err(format!("exit code {code}, expected {want_code}; stderr: {stderr}"));
    }
    compare(&c, &report)
}

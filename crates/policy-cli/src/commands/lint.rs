//! `codex-policy lint`: every problem in a workspace and/or loose requirements and rules files,
//! with a stable code, location, message and help. Exit 1 when any finding is an error (Codex
//! would reject the input), 0 otherwise; 2 when an input cannot be read.
//!
//! Lint reads the workspace with every problem kept as a finding (other commands use
//! [`crate::input::load_workspace`], which stops at errors in the workspace file itself); findings
//! in referenced files are shown with the workspace's directory in front.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_engine::PathContext;
use policy_engine::analysis::lint::{LintReport, lint_files, lint_workspace};
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::file::TextOrigin;
use policy_engine::workspace::{Workspace, WorkspaceParse, parse_workspace};

use crate::input::{PathArgs, SourceFile, path_context, read_source};

/// Flags of `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// A workspace file (groups, roles, policies, layers, rules files).
    #[arg(long, value_name = "FILE")]
    workspace: Option<PathBuf>,
    /// A requirements.toml to lint on its own; repeatable.
    #[arg(long = "requirements", value_name = "FILE")]
    requirements: Vec<PathBuf>,
    /// A `.rules` file; repeatable, loaded together in the given order.
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Working and home directory.
    #[command(flatten)]
    paths: PathArgs,
}

/// A workspace file read from disk and parsed, errors and all.
pub struct ParsedWorkspaceFile {
    /// The workspace file.
    pub file: SourceFile,
    /// The parse (model + diagnostics).
    pub parse: WorkspaceParse,
    /// The directory `file = "…"` references are relative to.
    pub dir: PathBuf,
}

impl ParsedWorkspaceFile {
    fn display_name(&self, label: &str) -> String {
        display_name(self.parse.workspace.as_ref(), &self.dir, label)
    }
}

/// The path people should see for a label the engine uses for a text of `ws`: files the
/// workspace references (policies, layers, rules files) get the workspace's directory `dir` in
/// front; everything else (the workspace file itself, `policies.<name>`, …) stays.
pub fn display_name(ws: Option<&Workspace>, dir: &Path, label: &str) -> String {
    let Some(ws) = ws else { return label.to_owned() };
    let file = |origin: &TextOrigin| matches!(origin, TextOrigin::File { path } if path == label);
    let referenced = ws.policies.iter().any(|p| file(&p.origin))
        || ws.layers.iter().any(|l| file(&l.origin))
        || ws
            .rules
            .system
            .iter()
            .chain(&ws.rules.user)
            .chain(&ws.rules.project)
            .any(|r| r.name == label && dir.join(label).is_file());
    if referenced { dir.join(label).display().to_string() } else { label.to_owned() }
}

/// [`display_name`] for the file part of a `file:line:col` site.
pub fn display_site(ws: Option<&Workspace>, dir: &Path, site: &str) -> String {
    let mut parts = site.rsplitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(col), Some(line), Some(file)) if col.parse::<usize>().is_ok() && line.parse::<usize>().is_ok() => {
            format!("{}:{line}:{col}", display_name(ws, dir, file))
        }
        _ => site.to_owned(),
    }
}

/// The directory a workspace file's `file = "…"` references are relative to.
pub fn workspace_dir(path: &Path) -> PathBuf {
    path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Reads and parses a workspace file, keeping every problem; `Err` only when it cannot be read.
fn parse_workspace_file(path: &Path) -> Result<ParsedWorkspaceFile, String> {
    let file = read_source(path, "workspace")?;
    let dir = workspace_dir(path);
    let base = dir.clone();
    let resolve = move |p: &str| -> Result<String, String> {
        let full = base.join(p);
        read_source(&full, "file").map(|f| f.text).map_err(|e| {
            // `read_source` names the file; keep only the reason.
            e.rsplit_once(": ").map_or(e.clone(), |(_, reason)| reason.to_owned())
        })
    };
    let parse = parse_workspace(&file.text, &file.name, &resolve);
    Ok(ParsedWorkspaceFile { file, parse, dir })
}

/// The directories evaluations resolve against.
pub fn paths(cwd: Option<&PathBuf>, home: Option<&PathBuf>) -> PathContext {
    path_context(cwd, home)
}

/// Runs `lint`.
pub fn run(args: &LintArgs) -> Result<ExitCode, String> {
    if args.workspace.is_none() && args.requirements.is_empty() && args.rules.is_empty() {
        return Err("nothing to lint: pass --workspace, --requirements or --rules".into());
    }
    let paths = args.paths.context();
    let mut report = LintReport::default();
    if let Some(path) = &args.workspace {
        let loaded = parse_workspace_file(path)?;
        let mut ws_report = lint_workspace(&loaded.parse, &loaded.file.name, &loaded.file.text, &paths);
        for d in &mut ws_report.diagnostics {
            d.source = loaded.display_name(&d.source);
        }
        for s in &mut ws_report.sources {
            s.name = loaded.display_name(&s.name);
        }
        report.diagnostics.extend(ws_report.diagnostics);
        report.sources.extend(ws_report.sources);
    }
    let requirements =
        args.requirements.iter().map(|p| read_source(p, "requirements")).collect::<Result<Vec<_>, _>>()?;
    let rules = args.rules.iter().map(|p| read_source(p, "policy")).collect::<Result<Vec<_>, _>>()?;
    if !requirements.is_empty() || !rules.is_empty() {
        let req: Vec<RulesFile<'_>> = requirements.iter().map(as_rules_file).collect();
        let rul: Vec<RulesFile<'_>> = rules.iter().map(as_rules_file).collect();
        let loose = lint_files(&req, &rul, &paths);
        report.diagnostics.extend(loose.diagnostics);
        report.sources.extend(loose.sources);
    }
    if args.json {
        crate::input::print_stdout(&format!("{}\n", report.to_json().to_pretty()));
    } else {
        crate::input::print_stdout(&report.render_text());
    }
    Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn as_rules_file(file: &SourceFile) -> RulesFile<'_> {
    RulesFile { name: &file.name, text: &file.text }
}

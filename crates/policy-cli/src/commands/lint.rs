//! `codex-policy lint`: every problem in a workspace and/or loose requirements and rules files,
//! with a stable code, location, message and help. Exit 1 when any finding is an error (Codex
//! would reject the input), 0 otherwise; 2 when an input cannot be read.
//!
//! Also home of the workspace loader the analysis commands share: `file = "…"` references are
//! read relative to the workspace file, and findings in those files are shown with that path.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_engine::analysis::NamedText;
use policy_engine::analysis::lint::{LintReport, lint_files, lint_workspace};
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::{WorkspaceParse, parse_workspace};
use policy_engine::{Diagnostic, PathContext, Severity};

use crate::input::{SourceFile, path_context, read_source};

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
    /// Working directory that relative program paths resolve against (default: the process's).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
    /// Home directory that `~/` expands to (default: `$HOME`).
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
}

/// A workspace file read from disk, parsed, with the files it references.
pub struct LoadedWorkspace {
    /// The workspace file.
    pub file: SourceFile,
    /// The parse (model + diagnostics).
    pub parse: WorkspaceParse,
    /// The directory `file = "…"` references are relative to.
    pub dir: PathBuf,
}

impl LoadedWorkspace {
    /// The path people should see for a label the engine uses: referenced files get the
    /// workspace's directory in front, everything else stays.
    pub fn display_name(&self, label: &str) -> String {
        if label == self.file.name || label.is_empty() {
            return label.to_owned();
        }
        let Some(ws) = &self.parse.workspace else { return label.to_owned() };
        let referenced =
            ws.policies.iter().any(
                |p| matches!(&p.origin, policy_engine::workspace::file::TextOrigin::File { path } if path == label),
            ) || ws.layers.iter().any(
                |l| matches!(&l.origin, policy_engine::workspace::file::TextOrigin::File { path } if path == label),
            ) || ws
                .rules
                .system
                .iter()
                .chain(&ws.rules.user)
                .chain(&ws.rules.project)
                .any(|r| r.name == label && self.dir.join(label).is_file());
        if referenced { self.dir.join(label).display().to_string() } else { label.to_owned() }
    }

    /// Every text a diagnostic may point into, named as the engine names them.
    pub fn sources(&self) -> Vec<NamedText> {
        let mut out = vec![NamedText { name: self.file.name.clone(), text: self.file.text.clone() }];
        if let Some(ws) = &self.parse.workspace {
            for p in &ws.policies {
                if let Some(text) = &p.text {
                    out.push(NamedText { name: p.label(), text: text.clone() });
                }
            }
            for l in &ws.layers {
                if let (policy_engine::workspace::file::TextOrigin::File { path }, Some(text)) = (&l.origin, &l.text) {
                    out.push(NamedText { name: path.clone(), text: text.clone() });
                }
            }
            for r in ws.rules.system.iter().chain(&ws.rules.user).chain(&ws.rules.project) {
                if let Some(text) = &r.text {
                    out.push(NamedText { name: r.name.clone(), text: text.clone() });
                }
            }
        }
        out
    }

    /// The first error of the parse as one line `path:line:col: message` (for exit 2).
    pub fn first_error(&self) -> Option<String> {
        let d = self.parse.diagnostics.iter().find(|d| d.severity == Severity::Error)?;
        Some(self.render(d))
    }

    /// One line for a diagnostic of this workspace.
    pub fn render(&self, d: &Diagnostic) -> String {
        let sources = self.sources();
        let text = sources.iter().find(|s| s.name == d.source).map_or("", |s| s.text.as_str());
        let mut shown = d.clone();
        shown.source = self.display_name(&d.source);
        shown.render_line(text).replace('\n', " ")
    }
}

/// Reads and parses a workspace file; `Err` is the one-line message for exit 2.
pub fn load_workspace(path: &Path) -> Result<LoadedWorkspace, String> {
    let file = read_source(path, "workspace")?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let base = dir.clone();
    let resolve = move |p: &str| -> Result<String, String> {
        let full = base.join(p);
        read_source(&full, "file").map(|f| f.text).map_err(|e| {
            // `read_source` names the file; keep only the reason.
            e.rsplit_once(": ").map_or(e.clone(), |(_, reason)| reason.to_owned())
        })
    };
    let parse = parse_workspace(&file.text, &file.name, &resolve);
    Ok(LoadedWorkspace { file, parse, dir })
}

/// Loads a workspace that must be usable: any error in it is the exit-2 message.
pub fn load_valid_workspace(path: &Path) -> Result<LoadedWorkspace, String> {
    let loaded = load_workspace(path)?;
    if let Some(error) = loaded.first_error() {
        return Err(error);
    }
    if loaded.parse.workspace.is_none() {
        return Err(format!("{}: not a workspace file", loaded.file.name));
    }
    Ok(loaded)
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
    let paths = paths(args.cwd.as_ref(), args.home.as_ref());
    let mut report = LintReport::default();
    if let Some(path) = &args.workspace {
        let loaded = load_workspace(path)?;
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
        println!("{}", report.to_json().to_pretty());
    } else {
        print!("{}", report.render_text());
    }
    Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn as_rules_file(file: &SourceFile) -> RulesFile<'_> {
    RulesFile { name: &file.name, text: &file.text }
}

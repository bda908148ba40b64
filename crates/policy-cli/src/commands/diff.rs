//! `codex-policy diff OLD NEW`: what a change does, exactly.
//!
//! OLD and NEW are two files of the same kind, detected by content:
//! * a **workspace** file: TOML with any of `[workspace]`, `[roles]`, `[[groups]]`, `[policies]`,
//!   `[[policy_rules]]`, `[default_policy]`, `[layers]`, `[internet]`, or a `[rules]` table of
//!   `system`/`user`/`project` files;
//! * a **requirements** document: any other TOML (its `[rules]` hold `prefix_rules`);
//! * a **`.rules`** file (Starlark): the `.rules` extension, or text that is not TOML.
//!
//! Workspaces are compared in full (policy selection per user, effective requirements and
//! settings per policy, each policy's command rules exactly, and with `--commands` the outcome
//! of every user × command). Two requirements documents are compared as the system
//! `requirements.toml` of a user with no cloud policy; two rules files by their exact prefix
//! diff. Exit 0 whatever the differences; 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_engine::analysis::diff::{
    FileKind, WorkspaceDiffOptions, detect_kind, diff_policies, diff_workspaces, parse_commands,
};
use policy_engine::analysis::{NamedText, rule_site};
use policy_engine::explain::{Evaluator, ExplainOptions, loose_workspace};
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::workspace::Workspace;
use policy_engine::{MatchOptions, RuleOrigin};

use crate::commands::lint::{display_site, workspace_dir};
use crate::input::{PathArgs, SourceFile, load_workspace, read_source, render_diagnostic};

/// Flags of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The current file (workspace, requirements.toml or .rules).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The proposed file, of the same kind.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Commands to compare the outcome of, one command line per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    commands: Option<PathBuf>,
    /// Host name, for `remote_sandbox_config`.
    #[arg(long, value_name = "HOST")]
    host: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Working and home directory.
    #[command(flatten)]
    paths: PathArgs,
}

/// Reads a commands file (see [`parse_commands`]); `Err` is the exit-2 line.
pub fn read_commands(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let file = read_source(path, "commands")?;
    parse_commands(&file.text, &file.name).map_err(|d| render_diagnostic(&d, &[&file]))
}

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> Result<ExitCode, String> {
    let old = read_source(&args.old, "file")?;
    let new = read_source(&args.new, "file")?;
    let (old_kind, new_kind) = (detect_kind(&old.name, &old.text), detect_kind(&new.name, &new.text));
    if old_kind != new_kind {
        return Err(format!(
            "cannot diff {} (`{}`) with {} (`{}`): give two files of the same kind",
            old_kind.describe(),
            old.name,
            new_kind.describe(),
            new.name
        ));
    }
    let commands = match &args.commands {
        Some(path) => read_commands(path)?,
        None => Vec::new(),
    };
    let paths = args.paths.context();
    let options = WorkspaceDiffOptions { commands, host: args.host.clone(), paths: paths.clone() };
    match old_kind {
        FileKind::Rules => {
            let load = |f: &SourceFile| {
                load_rules_files(&[RulesFile { name: &f.name, text: &f.text }], &paths)
                    .map_err(|e| render_diagnostic(&e.diagnostic, &[f]))
            };
            let (old_policy, new_policy) = (load(&old)?, load(&new)?);
            let diff = diff_policies(
                &old_policy,
                &new_policy,
                &MatchOptions { resolve_host_executables: true, paths: paths.clone() },
            );
            let sources = [
                NamedText { name: old.name.clone(), text: old.text.clone() },
                NamedText { name: new.name.clone(), text: new.text.clone() },
            ];
            if args.json {
                crate::input::print_stdout(&format!("{}\n", diff.to_json(&sources).to_pretty()));
            } else {
                crate::input::print_stdout(&diff.render_text(&sources));
            }
        }
        FileKind::Requirements => {
            let old_ws = loose_workspace(&[RulesFile { name: &old.name, text: &old.text }], &[]);
            let new_ws = loose_workspace(&[RulesFile { name: &new.name, text: &new.text }], &[]);
            print_workspace_diff(&old_ws, &new_ws, &options, args.json, None);
        }
        FileKind::Workspace => {
            let old_loaded = load_workspace(&args.old)?;
            let new_loaded = load_workspace(&args.new)?;
            let dirs = (workspace_dir(&args.old), workspace_dir(&args.new));
            print_workspace_diff(&old_loaded.workspace, &new_loaded.workspace, &options, args.json, Some(&dirs));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_workspace_diff(
    old: &Workspace,
    new: &Workspace,
    options: &WorkspaceDiffOptions,
    json: bool,
    dirs: Option<&(PathBuf, PathBuf)>,
) {
    let old_ev = Evaluator::new(old, ExplainOptions::default(), options.paths.clone());
    let new_ev = Evaluator::new(new, ExplainOptions::default(), options.paths.clone());
    let diff = diff_workspaces(&old_ev, &new_ev, options);
    // Rule sites are named relative to each workspace file; show them from here.
    let shown = |ws: &Workspace, dir: Option<&PathBuf>, site: String| match dir {
        Some(dir) => display_site(Some(ws), dir, &site),
        None => site,
    };
    let old_site = |o: &RuleOrigin, policy: Option<&str>| shown(old, dirs.map(|d| &d.0), rule_site(old, policy, o));
    let new_site = |o: &RuleOrigin, policy: Option<&str>| shown(new, dirs.map(|d| &d.1), rule_site(new, policy, o));
    if json {
        crate::input::print_stdout(&format!("{}\n", diff.to_json_with(&old_site, &new_site).to_pretty()));
    } else {
        crate::input::print_stdout(&diff.render_text_with(&old_site, &new_site));
    }
}

//! `codex-policy test CASES.toml [--workspace W.toml]`: policy tests with expected-vs-actual diffs
//! and coverage. The workspace is `--workspace`, else the cases file's `workspace` key (relative
//! to the cases file). Exit 0 when every case passes, 1 when any fails, 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_engine::analysis::NamedText;
use policy_engine::analysis::cases::{parse_cases, run_cases};
use policy_engine::explain::{Evaluator, ExplainOptions};

use crate::commands::lint::{display_site, paths, workspace_dir};
use crate::input::{load_workspace, read_source, render_diagnostic};

/// Flags of `test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The cases file.
    #[arg(value_name = "CASES")]
    cases: PathBuf,
    /// The workspace to test (overrides the cases file's `workspace`).
    #[arg(long, value_name = "FILE")]
    workspace: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Home directory that `~/` expands to in `host_executable` paths (default: `$HOME`).
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
}

/// Runs `test`.
pub fn run(args: &TestArgs) -> Result<ExitCode, String> {
    let cases_file = read_source(&args.cases, "cases")?;
    let cases = parse_cases(&cases_file.text, &cases_file.name)
        .map_err(|errors| errors.iter().map(|d| render_diagnostic(d, &[&cases_file])).collect::<Vec<_>>().join("\n"))?;
    let workspace_path = match (&args.workspace, &cases.workspace) {
        (Some(path), _) => path.clone(),
        (None, Some((relative, _))) => {
            args.cases.parent().map_or_else(|| PathBuf::from(relative), |dir| dir.join(relative))
        }
        (None, None) => {
            return Err(format!(
                "{}: no workspace: pass --workspace or set `workspace = \"…\"` in the cases file",
                cases_file.name
            ));
        }
    };
    let loaded = load_workspace(Path::new(&workspace_path))?;
    let ws = &loaded.workspace;
    // Cases set their own directories; the workspace needs only `~/` for host_executable paths.
    let evaluator = Evaluator::new(ws, ExplainOptions::default(), paths(None, args.home.as_ref()));
    let mut report = run_cases(&evaluator, &cases);
    let dir = workspace_dir(&workspace_path);
    for site in &mut report.coverage.rules_missed {
        *site = display_site(Some(ws), &dir, site);
    }
    let workspace_name = workspace_path.display().to_string();
    let mut sources: Vec<NamedText> =
        loaded.sources.iter().map(|f| NamedText { name: f.name.clone(), text: f.text.clone() }).collect();
    sources.push(NamedText { name: cases_file.name.clone(), text: cases_file.text.clone() });
    if args.json {
        crate::input::print_stdout(&format!("{}\n", report.to_json(&sources, &workspace_name).to_pretty()));
    } else {
        crate::input::print_stdout(&report.render_text(&sources, &workspace_name));
    }
    Ok(if report.failed() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

//! `codex-policy replay --workspace W.toml [--baseline B.toml] LOG.jsonl`: recorded commands
//! evaluated against a draft workspace (and the current one), streamed line by line so a log of
//! any length runs in constant memory. A malformed line is reported with its number and skipped.
//! `LOG` may be `-` for stdin. Exit 0 (malformed lines are reported, not fatal); 2 on bad input.

use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_engine::analysis::replay::Replay;
use policy_engine::config::{apply_override, user_config_from_table};
use policy_engine::explain::{Evaluator, ExplainOptions};

use crate::commands::lint::{display_site, workspace_dir};
use crate::input::{PathArgs, load_workspace};

/// Flags of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The draft workspace to evaluate the log against.
    #[arg(long, value_name = "FILE")]
    workspace: PathBuf,
    /// The workspace in force today, to report what would newly be blocked or asked.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// The log: JSON lines (`-` for stdin).
    #[arg(value_name = "LOG")]
    log: PathBuf,
    /// A user config value every command runs with (as `codex -c KEY=VALUE`); repeatable.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    config: Vec<String>,
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

/// Runs `replay`.
pub fn run(args: &ReplayArgs) -> Result<ExitCode, String> {
    let draft_loaded = load_workspace(&args.workspace)?;
    let baseline_loaded = args.baseline.as_ref().map(|p| load_workspace(p)).transpose()?;
    let mut table = policy_engine::tomlread::Table::new();
    for assignment in &args.config {
        apply_override(&mut table, assignment).map_err(|e| format!("--config: {e}"))?;
    }
    let config = user_config_from_table(&table).map_err(|e| format!("--config: {e}"))?;
    let paths = args.paths.context();
    let draft = Evaluator::new(&draft_loaded.workspace, ExplainOptions::default(), paths.clone());
    let baseline =
        baseline_loaded.as_ref().map(|l| Evaluator::new(&l.workspace, ExplainOptions::default(), paths.clone()));
    let log_name = args.log.display().to_string();
    let input: Box<dyn Read> = if log_name == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.log).map_err(|e| format!("failed to read log at {log_name}: {e}"))?;
        Box::new(file)
    };
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut replay = Replay::new(&draft, baseline.as_ref(), config, args.host.clone(), paths);
    let mut buffer = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        let complete = match crate::input::read_line_bounded(&mut reader, &mut buffer) {
            Ok(None) => break,
            Ok(Some(complete)) => complete,
            Err(e) => return Err(format!("{log_name}:{}: failed to read: {e}", number + 1)),
        };
        number += 1;
        if !complete {
            let limit = crate::input::MAX_LINE_BYTES;
            replay.malformed(number, format!("input too large: the line is longer than {limit} bytes"));
            continue;
        }
        match std::str::from_utf8(&buffer) {
            Ok(line) => replay.feed(number, line),
            Err(e) => replay.malformed(number, format!("not valid UTF-8 (at byte {})", e.valid_up_to())),
        }
    }
    let mut report = replay.finish();
    let dir = workspace_dir(&args.workspace);
    report.per_rule = std::mem::take(&mut report.per_rule)
        .into_iter()
        .map(|(site, tally)| (display_site(Some(&draft_loaded.workspace), &dir, &site), tally))
        .collect();
    if args.json {
        crate::input::print_stdout(&format!("{}\n", report.to_json().to_pretty()));
    } else {
        crate::input::print_stdout(&report.render_text(&log_name, &[]));
    }
    Ok(ExitCode::SUCCESS)
}

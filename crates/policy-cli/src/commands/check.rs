//! `codex-policy check`: `codex execpolicy check`, byte for byte, plus `--requirements` and `--batch`.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_engine::check::{CheckRequest, evaluation_json, load_check_policy};
use policy_engine::starlark::RulesFile;
use policy_engine::{MatchOptions, Policy};

use crate::input::{SourceFile, path_context, read_source, render_diagnostic};

/// Flags of `check`; the first four are Codex's own.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A `.rules` file (Starlark); repeat for several, loaded in the given order.
    #[arg(short = 'r', long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// A requirements.toml whose `[rules]` are appended after the rules files, as Codex does.
    #[arg(long = "requirements", value_name = "FILE")]
    requirements: Vec<PathBuf>,
    /// Indent the JSON output.
    #[arg(long)]
    pretty: bool,
    /// Match absolute program paths by basename, subject to `host_executable` allowlists.
    #[arg(long)]
    resolve_host_executables: bool,
    /// Read JSON lines `{"argv":[...]}` from stdin and print one result line per input.
    #[arg(long, conflicts_with = "command")]
    batch: bool,
    /// Working directory that relative program paths resolve against (default: the process's).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
    /// Home directory that `~/` expands to (default: `$HOME`).
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
    /// The command to evaluate.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// Runs `check`; `Err` is the one-line message for exit code 2.
pub fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    if args.rules.is_empty() && args.requirements.is_empty() {
        return Err("the following required arguments were not provided: --rules <FILE>".into());
    }
    let rules = args.rules.iter().map(|p| read_source(p, "policy")).collect::<Result<Vec<_>, _>>()?;
    let requirements =
        args.requirements.iter().map(|p| read_source(p, "requirements")).collect::<Result<Vec<_>, _>>()?;
    let options = MatchOptions {
        resolve_host_executables: args.resolve_host_executables,
        paths: path_context(args.cwd.as_ref(), args.home.as_ref()),
    };
    let rules_files: Vec<RulesFile<'_>> = rules.iter().map(as_rules_file).collect();
    let requirement_files: Vec<RulesFile<'_>> = requirements.iter().map(as_rules_file).collect();
    let request = CheckRequest { rules: &rules_files, requirements: &requirement_files, argv: &args.command, options };
    let all: Vec<&SourceFile> = rules.iter().chain(&requirements).collect();
    let policy = load_check_policy(&request).map_err(|d| render_diagnostic(&d, &all))?;
    if args.batch {
        return Ok(run_batch(&policy, &request.options, args.pretty));
    }
    if args.command.is_empty() {
        return Err("the following required arguments were not provided: <COMMAND>...".into());
    }
    let json = evaluation_json(&policy.check(&args.command, &request.options));
    println!("{}", if args.pretty { json.to_pretty() } else { json.to_compact() });
    Ok(ExitCode::SUCCESS)
}

fn as_rules_file(file: &SourceFile) -> RulesFile<'_> {
    RulesFile { name: &file.name, text: &file.text }
}

/// Streams JSON lines from stdin: one output line per input line, a bad line becomes
/// `{"error":{"line":N,"message":"…"}}` and is counted; exit 2 at the end if any line was bad.
fn run_batch(policy: &Policy, options: &MatchOptions, pretty: bool) -> ExitCode {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut bad = 0usize;
    let mut total = 0usize;
    for (index, line) in stdin.lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("stdin:{number}: {e}");
                bad += 1;
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let rendered = match parse_batch_line(&line) {
            Ok(argv) => {
                let json = evaluation_json(&policy.check(&argv, options));
                if pretty { json.to_pretty() } else { json.to_compact() }
            }
            Err(message) => {
                bad += 1;
                eprintln!("stdin:{number}: {message}");
                policy_engine::json::Json::object()
                    .with("error", policy_engine::json::Json::object().with("line", number).with("message", message))
                    .to_compact()
            }
        };
        if writeln!(out, "{rendered}").is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    if bad > 0 {
        eprintln!("{bad} of {total} lines could not be evaluated");
        ExitCode::from(crate::EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// `{"argv":["git","status"]}` → argv.
fn parse_batch_line(line: &str) -> Result<Vec<String>, String> {
    #[derive(serde::Deserialize)]
    struct BatchLine {
        argv: Vec<String>,
    }
    serde_json::from_str::<BatchLine>(line).map(|l| l.argv).map_err(|e| format!("invalid batch line: {e}"))
}

//! `codex-policy`: Codex's admin policy, evaluated and explained from the command line.
//!
//! A drop-in for `codex execpolicy check` (same flags, byte-identical JSON), plus the analysis
//! commands. Every error is one line (`path:line:col: message`) and exit code 2; never a panic.

mod commands;
mod input;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for bad input (unreadable files, parse errors, bad flags).
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "codex-policy", version, about = "Evaluate and explain OpenAI Codex admin policies offline")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate a command against rules files, exactly like `codex execpolicy check`.
    Check(commands::check::CheckArgs),
    /// Explain what Codex does for a person and a command, and why.
    Explain(Box<commands::explain::ExplainArgs>),
    /// Serve the built playground (dist/) on 127.0.0.1, offline.
    Serve(commands::serve::ServeArgs),
    /// Print a playground link carrying a workspace and a scenario (nothing is uploaded).
    Share(commands::share::ShareArgs),
    /// Find problems in a workspace, requirements and rules files (exit 1 on any error).
    Lint(commands::lint::LintArgs),
    /// Show exactly what changes between two workspaces, requirements or rules files.
    Diff(commands::diff::DiffArgs),
    /// Run policy tests (a cases file) against a workspace, with coverage (exit 1 on a failure).
    Test(commands::test::TestArgs),
    /// Replay recorded commands (JSON lines) against a draft workspace, streaming.
    Replay(commands::replay::ReplayArgs),
    /// Check the examples in Markdown/HTML docs against the engine (exit 1 on a stale one).
    DocsCheck(commands::docs_check::DocsCheckArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Share(args) => commands::share::run(&args),
        Command::Lint(args) => commands::lint::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Replay(args) => commands::replay::run(&args),
        Command::DocsCheck(args) => commands::docs_check::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            crate::input::print_stderr(&message);
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

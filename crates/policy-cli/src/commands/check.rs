//! `codex-policy check`: `codex execpolicy check`, byte for byte, plus `--requirements` and `--batch`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_engine::check::{CheckRequest, evaluation_json, load_check_policy};
use policy_engine::json::push_string;
use policy_engine::starlark::RulesFile;
use policy_engine::{Evaluation, MatchOptions, Policy, RuleMatch};

use crate::input::{PathArgs, SourceFile, read_source, render_diagnostic};

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
    /// Working and home directory.
    #[command(flatten)]
    paths: PathArgs,
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
    let options = MatchOptions { resolve_host_executables: args.resolve_host_executables, paths: args.paths.context() };
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
    crate::input::print_stdout(&format!("{}\n", if args.pretty { json.to_pretty() } else { json.to_compact() }));
    Ok(ExitCode::SUCCESS)
}

fn as_rules_file(file: &SourceFile) -> RulesFile<'_> {
    RulesFile { name: &file.name, text: &file.text }
}

/// Streams JSON lines from stdin: one output line per input line, a bad line becomes
/// `{"error":{"line":N,"message":"…"}}` and is counted; exit 2 at the end if any line was bad.
/// The hot path reuses its buffers (argv strings, the output line) and writes the compact JSON
/// directly, byte-identical to `evaluation_json(..).to_compact()` (a unit test holds them equal).
fn run_batch(policy: &Policy, options: &MatchOptions, pretty: bool) -> ExitCode {
    let mut stdin = std::io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut bad = 0usize;
    let mut total = 0usize;
    let mut buffer = Vec::new();
    let mut number = 0usize;
    let mut argv: Vec<String> = Vec::new();
    let mut rendered = String::new();
    loop {
        number += 1;
        // A line that is too long or not UTF-8 is reported like any bad line; the next one is read.
        let line = match crate::input::read_line_bounded(&mut stdin, &mut buffer) {
            Ok(None) => break,
            Ok(Some(true)) => std::str::from_utf8(&buffer)
                .map_err(|e| format!("invalid batch line: not valid UTF-8 (at byte {})", e.valid_up_to())),
            Ok(Some(false)) => {
                Err(format!("invalid batch line: input too large: longer than {} bytes", crate::input::MAX_LINE_BYTES))
            }
            Err(e) => {
                crate::input::print_stderr(&format!("stdin:{number}: {e}"));
                bad += 1;
                break;
            }
        };
        if line.as_ref().is_ok_and(|l| l.trim().is_empty()) {
            continue;
        }
        total += 1;
        rendered.clear();
        match line.and_then(|l| parse_batch_line(l, &mut argv)) {
            Ok(()) => {
                let evaluation = policy.check(&argv, options);
                if pretty {
                    rendered.push_str(&evaluation_json(&evaluation).to_pretty());
                } else {
                    write_evaluation_compact(&mut rendered, &evaluation);
                }
            }
            Err(message) => {
                bad += 1;
                crate::input::print_stderr(&format!("stdin:{number}: {message}"));
                rendered.push_str(
                    &policy_engine::json::Json::object()
                        .with(
                            "error",
                            policy_engine::json::Json::object().with("line", number).with("message", message),
                        )
                        .to_compact(),
                );
            }
        }
        rendered.push('\n');
        if out.write_all(rendered.as_bytes()).is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    if bad > 0 {
        crate::input::print_stderr(&format!("{bad} of {total} lines could not be evaluated"));
        ExitCode::from(crate::EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// `{"argv":["git","status"]}` → `argv`, reusing its strings: the line is parsed borrowing from
/// the input (a `Cow` allocates only for an escaped string), then copied into the kept buffers.
fn parse_batch_line(line: &str, argv: &mut Vec<String>) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct BatchLine<'a> {
        #[serde(borrow)]
        argv: Vec<std::borrow::Cow<'a, str>>,
    }
    let parsed = serde_json::from_str::<BatchLine<'_>>(line).map_err(|e| format!("invalid batch line: {e}"))?;
    argv.truncate(parsed.argv.len());
    for (i, word) in parsed.argv.iter().enumerate() {
        if let Some(slot) = argv.get_mut(i) {
            slot.clear();
            slot.push_str(word);
        } else {
            argv.push(word.as_ref().to_owned());
        }
    }
    Ok(())
}

/// Appends the compact `check` JSON of `evaluation`: the same bytes as
/// `evaluation_json(evaluation).to_compact()`, without building the `Json` tree.
fn write_evaluation_compact(out: &mut String, evaluation: &Evaluation) {
    fn strings(out: &mut String, items: &[String]) {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(out, item);
        }
        out.push(']');
    }
    out.push_str("{\"matchedRules\":[");
    for (i, m) in evaluation.matched_rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match m {
            RuleMatch::Prefix(p) => {
                out.push_str("{\"prefixRuleMatch\":{\"matchedPrefix\":");
                strings(out, &p.matched_prefix);
                out.push_str(",\"decision\":");
                push_string(out, p.decision.as_str());
                if let Some(resolved) = &p.resolved_program {
                    out.push_str(",\"resolvedProgram\":");
                    push_string(out, resolved);
                }
                if let Some(justification) = &p.justification {
                    out.push_str(",\"justification\":");
                    push_string(out, justification);
                }
                if let Some(reviewer) = p.reviewer {
                    out.push_str(",\"reviewer\":");
                    push_string(out, reviewer.as_str());
                }
                out.push_str("}}");
            }
            RuleMatch::Heuristics { command, decision } => {
                out.push_str("{\"heuristicsRuleMatch\":{\"command\":");
                strings(out, command);
                out.push_str(",\"decision\":");
                push_string(out, decision.as_str());
                out.push_str("}}");
            }
        }
    }
    out.push(']');
    if let Some(decision) = evaluation.decision {
        out.push_str(",\"decision\":");
        push_string(out, decision.as_str());
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use policy_engine::{Decision, PrefixRuleMatch, Reviewer};

    use super::*;

    fn prefix(words: &[&str], decision: Decision, resolved: Option<&str>, justification: Option<&str>) -> RuleMatch {
        RuleMatch::Prefix(PrefixRuleMatch {
            matched_prefix: words.iter().map(|w| (*w).to_owned()).collect(),
            decision,
            resolved_program: resolved.map(str::to_owned),
            justification: justification.map(str::to_owned),
            reviewer: (decision == Decision::Prompt).then_some(Reviewer::AutoReview),
            origin: None,
        })
    }

    #[test]
    fn direct_writer_matches_the_json_tree() {
        let evaluations = [
            Evaluation::from_matches(Vec::new()),
            Evaluation::from_matches(vec![prefix(
                &["git", "push"],
                Decision::Prompt,
                None,
                Some("say \"why\"\n\u{1}é"),
            )]),
            Evaluation::from_matches(vec![
                prefix(&["git"], Decision::Allow, Some("/usr/bin/git"), None),
                prefix(&["git", "a\\b\t"], Decision::Forbidden, None, Some("")),
                RuleMatch::Heuristics { command: vec!["ls".to_owned(), String::new()], decision: Decision::Allow },
            ]),
        ];
        for evaluation in &evaluations {
            let mut direct = String::new();
            write_evaluation_compact(&mut direct, evaluation);
            assert_eq!(direct, evaluation_json(evaluation).to_compact());
        }
    }

    #[test]
    fn batch_lines_reuse_buffers_and_unescape() {
        let mut argv = vec!["old".to_owned(), "longer".to_owned(), "gone".to_owned()];
        parse_batch_line(r#"{"argv":["git","a\"b"]}"#, &mut argv).unwrap();
        assert_eq!(argv, ["git", "a\"b"]);
        parse_batch_line(r#"{"argv":["x","y","z"]}"#, &mut argv).unwrap();
        assert_eq!(argv, ["x", "y", "z"]);
        assert!(parse_batch_line(r#"{"argv":[1]}"#, &mut argv).unwrap_err().contains("expected a string"));
    }
}

//! `kind = "split"`: how Codex splits a command into the commands it evaluates (spec §3.4).
//!
//! ```toml
//! [[case]]
//! name = "S1 operators"
//! kind = "split"
//! spec = "S1"
//! script = "ls && pwd"                  # shorthand for argv = ["bash", "-lc", script]
//! argv = ["zsh", "-lc", "ls"]           # or the full argv
//! expect_kind = "plain"                 # plain | heredoc | unsplittable | empty-script | not-a-wrapper
//! expect_commands = [["ls"], ["pwd"]]   # required for plain and heredoc; otherwise the argv itself
//! expect_construct = "expansion"        # optional: code of the construct that stopped the plain split
//! expect_offset = 5                     # optional: its byte offset in the script
//! ```

use policy_engine::shell::{SplitExplanation, commands_for_exec_policy};
use serde::Deserialize;

use crate::{Case, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitCase {
    script: Option<String>,
    argv: Option<Vec<String>>,
    expect_kind: String,
    expect_commands: Option<Vec<Vec<String>>>,
    expect_construct: Option<String>,
    expect_offset: Option<usize>,
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: SplitCase = fields(case)?;
    let argv = match (&c.script, &c.argv) {
        (Some(script), None) => vec!["bash".to_owned(), "-lc".to_owned(), script.clone()],
        (None, Some(argv)) => argv.clone(),
        _ => return Err("set exactly one of `script` and `argv`".into()),
    };
    let split = commands_for_exec_policy(&argv);
    let kind = split.explanation.kind();
    if kind != c.expect_kind {
        return Err(format!(
            "split kind differs\n  expected: {}\n    actual: {kind} ({})",
            c.expect_kind, split.explanation
        ));
    }
    let expected = match (&c.expect_commands, kind) {
        (Some(commands), _) => commands.clone(),
        (None, "plain" | "heredoc") => return Err("expect_commands is required for plain and heredoc splits".into()),
        (None, _) => vec![argv.clone()],
    };
    if split.commands != expected {
        return Err(format!("commands differ\n  expected: {expected:?}\n    actual: {:?}", split.commands));
    }
    if split.used_complex_parsing != (kind == "heredoc") {
        return Err(format!("used_complex_parsing is {} for a {kind} split", split.used_complex_parsing));
    }
    let rejection = match &split.explanation {
        SplitExplanation::Heredoc { plain, .. } | SplitExplanation::Unsplittable { plain, .. } => Some(plain),
        _ => None,
    };
    if let Some(construct) = &c.expect_construct {
        let actual = rejection.map(|r| r.construct.code());
        if actual != Some(construct.as_str()) {
            return Err(format!(
                "rejecting construct differs\n  expected: {construct}\n    actual: {actual:?} ({})",
                split.explanation
            ));
        }
    }
    if let Some(offset) = c.expect_offset {
        let actual = rejection.map(|r| r.offset);
        if actual != Some(offset) {
            return Err(format!(
                "rejection offset differs\n  expected: {offset}\n    actual: {actual:?} ({})",
                split.explanation
            ));
        }
    }
    Ok(())
}

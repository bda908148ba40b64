//! `kind = "safe"`: Codex's known-safe command list (spec §3.5.1, released list).
//!
//! ```toml
//! [[case]]
//! name = "K1 ls"
//! kind = "safe"
//! spec = "K1"
//! argv = ["ls"]
//! expect = true
//! expect_rule = "always-safe"     # optional: the rule code in the verdict
//! os = "linux"                    # optional: linux (default) | macos
//! ```

use policy_engine::heuristics::{HostOs, is_known_safe_command};
use serde::Deserialize;

use crate::{Case, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SafeCase {
    argv: Vec<String>,
    expect: bool,
    expect_rule: Option<String>,
    os: Option<String>,
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: SafeCase = fields(case)?;
    let os = match c.os.as_deref() {
        None | Some("linux") => HostOs::Linux,
        Some("macos") => HostOs::MacOs,
        Some(other) => return Err(format!("unknown os `{other}`")),
    };
    let verdict = is_known_safe_command(&c.argv, os);
    if verdict.holds != c.expect {
        return Err(format!(
            "known-safe is {} ({}: {}), expected {}",
            verdict.holds, verdict.rule, verdict.detail, c.expect
        ));
    }
    if let Some(rule) = &c.expect_rule
        && verdict.rule != rule
    {
        return Err(format!("rule differs\n  expected: {rule}\n    actual: {} ({})", verdict.rule, verdict.detail));
    }
    Ok(())
}

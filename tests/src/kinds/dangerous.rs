//! `kind = "dangerous"`: Codex's dangerous-command check in either generation (spec §3.5.2).
//!
//! ```toml
//! [[case]]
//! name = "D1 rm -rf"
//! kind = "dangerous"
//! spec = "D1"
//! argv = ["rm", "-rf", "/"]
//! version = "newest"             # released | newest | both (default both)
//! expect = true
//! ```

use policy_engine::heuristics::{HeuristicsVersion, is_dangerous};
use serde::Deserialize;

use crate::{Case, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DangerousCase {
    argv: Vec<String>,
    version: Option<String>,
    expect: bool,
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: DangerousCase = fields(case)?;
    let versions: &[HeuristicsVersion] = match c.version.as_deref() {
        None | Some("both") => &[HeuristicsVersion::Released, HeuristicsVersion::Newest],
        Some("released") => &[HeuristicsVersion::Released],
        Some("newest") => &[HeuristicsVersion::Newest],
        Some(other) => return Err(format!("unknown version `{other}`")),
    };
    for version in versions {
        let verdict = is_dangerous(&c.argv, *version);
        if verdict.holds != c.expect {
            return Err(format!(
                "{} dangerous check says {} ({}), expected {}",
                version.as_str(),
                verdict.holds,
                verdict.detail,
                c.expect
            ));
        }
    }
    Ok(())
}

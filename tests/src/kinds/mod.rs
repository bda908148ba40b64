//! One module per case kind. Each exposes `run_engine(&Case)` and, where the CLI can answer the
//! same question, `run_cli(&Case, &CliRunner)`.

pub mod amend;
pub mod approval;
pub mod check;
pub mod dangerous;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod policy_test;
pub mod replay;
pub mod requirements;
pub mod robustness;
pub mod rules;
pub mod safe;
pub mod split;
pub mod workspace;

use crate::Case;

/// Runs a case against the engine in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    match case.kind.as_str() {
        "check" => check::run_engine(case),
        "explain" => explain::run_engine(case),
        "split" => split::run_engine(case),
        "safe" => safe::run_engine(case),
        "dangerous" => dangerous::run_engine(case),
        "approval" => approval::run_engine(case),
        "amend" => amend::run_engine(case),
        "requirements" => requirements::run_engine(case),
        "rules" => rules::run_engine(case),
        "workspace" => workspace::run_engine(case),
        "lint" => lint::run_engine(case),
        "diff" => diff::run_engine(case),
        "policy-test" => policy_test::run_engine(case),
        "replay" => replay::run_engine(case),
        "robustness" => robustness::run_engine(case),
        other => Err(format!("unknown case kind `{other}`")),
    }
}

/// Runs a case against the `codex-policy` binary at `bin`; `Ok(false)` when the kind has no CLI form.
pub fn run_cli(case: &Case, bin: &std::path::Path) -> Result<bool, String> {
    match case.kind.as_str() {
        "check" => check::run_cli(case, bin).map(|()| true),
        "explain" => explain::run_cli(case, bin).map(|()| true),
        "lint" => lint::run_cli(case, bin).map(|()| true),
        "diff" => diff::run_cli(case, bin).map(|()| true),
        "policy-test" => policy_test::run_cli(case, bin).map(|()| true),
        "replay" => replay::run_cli(case, bin).map(|()| true),
        _ => Ok(false),
    }
}

/// A fresh per-case scratch directory under the target directory, for CLI runs that need files.
pub fn scratch_dir(case: &Case) -> Result<std::path::PathBuf, String> {
    let safe: String = case.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).take(60).collect();
    let dir = std::env::temp_dir().join(format!("codex-policy-corpus-{}", std::process::id())).join(safe);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

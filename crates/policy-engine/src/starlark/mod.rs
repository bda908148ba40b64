//! Starlark `.rules` files (spec §3.1): parse with `starlark_syntax`, evaluate with our own small
//! evaluator, and build a [`crate::Policy`].

use crate::diagnostic::Diagnostic;
use crate::paths::PathContext;
use crate::policy::Policy;

/// One `.rules` file to load: its name (shown in messages and origins) and its text.
#[derive(Debug, Clone, Copy)]
pub struct RulesFile<'a> {
    /// File name or path as the user knows it.
    pub name: &'a str,
    /// The Starlark source.
    pub text: &'a str,
}

/// Why a set of rules files could not be loaded. Codex then drops *all* file rules and keeps only
/// requirements rules (spec §3.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesLoadError {
    /// The problem: `message` is Codex's bare message (e.g. `invalid decision: maybe`), `source`
    /// the file name, `span` the exact location.
    pub diagnostic: Diagnostic,
}

/// Loads `files` in order into one policy: rules accumulate, `host_executable` redefinitions
/// replace earlier ones, and each file's `match`/`not_match` examples are checked after that file
/// is evaluated. `paths` expands `~/` in `host_executable` paths.
pub fn load_rules_files(files: &[RulesFile<'_>], paths: &PathContext) -> Result<Policy, RulesLoadError> {
    let _ = (files, paths);
    Err(RulesLoadError {
        diagnostic: Diagnostic::error("starlark/unsupported", "starlark rules files are not supported yet"),
    })
}

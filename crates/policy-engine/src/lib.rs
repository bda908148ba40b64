//! Codex admin-policy evaluation, reproduced exactly and explained.
//!
//! Pure: no I/O, no clock, no global state. Every public entry point returns data — a model plus
//! [`Diagnostic`]s, or an evaluation plus its trace — and never panics on any input.
//! See `ARCHITECTURE.md` at the repository root for the pipeline and where each stage lives.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod api;
pub mod approval;
pub mod check;
pub mod config;
pub mod decision;
pub mod diagnostic;
pub mod explain;
pub mod heuristics;
pub mod json;
pub mod paths;
pub mod policy;
pub mod requirements;
pub mod requirements_rules;
pub mod settings;
pub mod shell;
pub mod starlark;
pub mod tomlread;
pub mod workspace;

pub use decision::{Decision, Reviewer};
pub use diagnostic::{Diagnostic, LineIndex, Severity, Span};
pub use paths::PathContext;
pub use policy::{Evaluation, MatchOptions, PatternToken, Policy, PrefixRule, PrefixRuleMatch, RuleMatch, RuleOrigin};

/// Which Codex this engine reproduces: released `codex-rs` (approval logic at core `0017bb4a`,
/// released known-safe list, V1 per-field requirements merge by default).
pub const CODEX_BEHAVIOUR: &str = "Codex CLI released behaviour (codex-rs core @ 0017bb4a)";

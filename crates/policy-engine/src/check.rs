//! The `codex execpolicy check` JSON (spec §3.8, key order per §8).

use crate::diagnostic::Diagnostic;
use crate::json::Json;
use crate::policy::{Evaluation, MatchOptions, Policy, PrefixRuleMatch, RuleMatch};
use crate::requirements_rules::parse_requirements_rules;
use crate::starlark::{RulesFile, load_rules_files};

/// `{"prefixRuleMatch":{…}}` or `{"heuristicsRuleMatch":{…}}` for one match.
pub fn rule_match_json(m: &RuleMatch) -> Json {
    match m {
        RuleMatch::Prefix(p) => Json::object().with("prefixRuleMatch", prefix_match_json(p)),
        RuleMatch::Heuristics { command, decision } => Json::object().with(
            "heuristicsRuleMatch",
            Json::object().with("command", command.as_slice()).with("decision", decision.as_str()),
        ),
    }
}

/// The body of a `prefixRuleMatch`: `matchedPrefix`, `decision`, then the optional
/// `resolvedProgram`, `justification`, `reviewer`.
pub fn prefix_match_json(p: &PrefixRuleMatch) -> Json {
    Json::object()
        .with("matchedPrefix", p.matched_prefix.as_slice())
        .with("decision", p.decision.as_str())
        .with_opt("resolvedProgram", p.resolved_program.as_deref())
        .with_opt("justification", p.justification.as_deref())
        .with_opt("reviewer", p.reviewer.map(super::decision::Reviewer::as_str))
}

/// `{"matchedRules":[…],"decision":"…"}`, with `decision` omitted when nothing matched.
pub fn evaluation_json(eval: &Evaluation) -> Json {
    Json::object()
        .with("matchedRules", Json::Array(eval.matched_rules.iter().map(rule_match_json).collect()))
        .with_opt("decision", eval.decision.map(super::decision::Decision::as_str))
}

/// What `codex execpolicy check` evaluates: rules files (in load order), requirements documents
/// whose `[rules]` are appended after them, and one argv.
#[derive(Debug, Clone)]
pub struct CheckRequest<'a> {
    /// `.rules` files, parsed in order.
    pub rules: &'a [RulesFile<'a>],
    /// Requirements documents (name = source label, text), `[rules]` appended after file rules.
    pub requirements: &'a [RulesFile<'a>],
    /// The command.
    pub argv: &'a [String],
    /// Host-executable resolution and the directories it resolves against.
    pub options: MatchOptions,
}

/// Loads the policy of a [`CheckRequest`]: file rules, then requirements rules appended (spec §3.3.1).
/// Unlike inside Codex, a broken rules file is an error here, as in `codex execpolicy check`.
pub fn load_check_policy(request: &CheckRequest<'_>) -> Result<Policy, Diagnostic> {
    let mut policy = load_rules_files(request.rules, &request.options.paths).map_err(|e| e.diagnostic)?;
    for doc in request.requirements {
        if let Some(extra) = parse_requirements_rules(doc.text, doc.name)? {
            policy.overlay(extra);
        }
    }
    Ok(policy)
}

/// Runs `check`: the evaluation Codex's CLI prints (no heuristics).
pub fn run_check(request: &CheckRequest<'_>) -> Result<Evaluation, Diagnostic> {
    let policy = load_check_policy(request)?;
    Ok(policy.check(request.argv, &request.options))
}

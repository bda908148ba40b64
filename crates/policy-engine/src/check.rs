//! The `codex execpolicy check` JSON (spec §3.8, key order per §8).

use crate::json::Json;
use crate::policy::{Evaluation, PrefixRuleMatch, RuleMatch};

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

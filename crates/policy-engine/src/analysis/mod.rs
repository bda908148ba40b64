//! Policy analysis beyond evaluating one request (issue 7): what a change does before rollout.
//!
//! Codex's prefix rules, `host_executable` allowlists and first-match group rules are finite, so
//! these answers are exact, not sampled:
//!
//! * [`lint`] — every finding with a stable code, span, message and help: what the requirements
//!   and workspace parsers already detect, plus prefix-rule lints (shadowed, duplicate, path
//!   programs, unseen justifications).
//! * [`diff`] — the exact set of command prefixes whose decision changes between two command
//!   policies, and between two workspaces: policy selection, requirements, settings and outcomes.
//! * [`cases`] — policy tests (a TOML cases file) run through [`crate::explain::Evaluator`], with
//!   coverage of group rules, policies and prefix rules.
//! * [`replay`] — recorded commands (JSON lines) streamed through a draft workspace, counted per
//!   outcome, user and deciding rule.
//! * [`grid`] — users (or groups) × commands → outcome matrix, as CSV and Markdown.

pub mod cases;
pub mod diff;
pub mod grid;
pub mod lint;
pub mod replay;
#[cfg(test)]
mod tests;

use crate::diagnostic::{LineIndex, Span};
use crate::explain::Outcome;

pub use crate::api::NamedText;

/// How a change moves a decision or an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Everything affected is decided more strictly than before.
    Stricter,
    /// Everything affected is decided more permissively than before.
    Looser,
    /// Some things got stricter and others looser.
    Mixed,
}

impl Verdict {
    /// `stricter`, `looser` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Stricter => "stricter",
            Verdict::Looser => "looser",
            Verdict::Mixed => "mixed",
        }
    }

    /// The verdict of two groups of changes taken together.
    #[must_use]
    pub fn combine(self, other: Verdict) -> Verdict {
        if self == other { self } else { Verdict::Mixed }
    }

    /// Folds many verdicts; `None` when there are none.
    pub fn fold(verdicts: impl IntoIterator<Item = Verdict>) -> Option<Verdict> {
        verdicts.into_iter().fold(None, |acc, v| Some(acc.map_or(v, |a: Verdict| a.combine(v))))
    }

    /// `Stricter` when `new` ranks above `old`, `Looser` when below, `None` when equal.
    pub fn between(old: u8, new: u8) -> Option<Verdict> {
        match new.cmp(&old) {
            std::cmp::Ordering::Greater => Some(Verdict::Stricter),
            std::cmp::Ordering::Less => Some(Verdict::Looser),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// Strictness rank of an outcome: run-unsandboxed < run-sandboxed < ask < reject < denied < error.
///
/// `error` (Codex refuses to start because the requirements cannot be loaded or applied) ranks
/// strictest: nothing runs at all, as with `denied`, and on top of that every command of every
/// session is affected, so a change into `error` is always reported as stricter.
pub fn outcome_rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::RunUnsandboxed => 0,
        Outcome::RunSandboxed => 1,
        Outcome::Ask => 2,
        Outcome::Reject => 3,
        Outcome::Denied => 4,
        Outcome::Error => 5,
    }
}

/// `file:line:col` of a span in one of `sources` (`file` alone when the text is unknown).
pub fn locate(sources: &[NamedText], source: &str, span: Option<Span>) -> String {
    match (span, sources.iter().find(|s| s.name == source)) {
        (Some(span), Some(text)) => {
            let (line, col) = LineIndex::new(&text.text).line_col(span.start);
            format!("{source}:{line}:{col}")
        }
        _ => source.to_owned(),
    }
}

/// Quotes a command line for people: the shell rendering Codex uses in its messages.
pub(crate) fn shell_words(argv: &[String]) -> String {
    crate::shell::render_command(argv)
}

/// Where a rule of an evaluated command policy is written, as `file:line:col`, resolved against
/// the texts the workspace holds. File rules name their `.rules` file; requirements rules carry
/// their layer's label (`cloud requirements` for the selected policy `policy`, a path for the
/// system file, …), which is mapped back to that policy's or layer's text.
pub fn rule_site(ws: &crate::workspace::Workspace, policy: Option<&str>, origin: &crate::policy::RuleOrigin) -> String {
    let at = |name: &str, text: &str| {
        let (line, col) = LineIndex::new(text).line_col(origin.span.start);
        format!("{name}:{line}:{col}")
    };
    let source: &str = &origin.source;
    if !origin.from_requirements {
        let files = ws.rules.system.iter().chain(&ws.rules.user).chain(&ws.rules.project);
        return match files.into_iter().find(|f| f.name == source).and_then(|f| f.text.as_deref()) {
            Some(text) => at(source, text),
            None => source.to_owned(),
        };
    }
    if source == crate::requirements::RequirementSource::Cloud.label()
        && let Some(p) = policy.and_then(|name| ws.policy(name))
        && let Some(text) = &p.text
    {
        return at(&p.label(), text);
    }
    for layer in &ws.layers {
        if let (Some(input), Some(text)) = (layer.to_input(), &layer.text)
            && input.source.label() == source
        {
            let name = match &layer.origin {
                crate::workspace::file::TextOrigin::File { path } => path.clone(),
                crate::workspace::file::TextOrigin::Inline { .. } => source.to_owned(),
            };
            return at(&name, text);
        }
    }
    source.to_owned()
}

/// What decided an explanation, as a stable label for counting: the rule Codex quotes (the
/// longest matched prefix with the final decision, ties to the last, as in its reason texts) as
/// `file:line:col`, `heuristics: <step>` when no rule decided, or `denied` / `error`.
pub fn deciding_rule(ws: &crate::workspace::Workspace, e: &crate::explain::Explanation) -> String {
    match e.outcome {
        Outcome::Denied => return "denied: no Codex local access".to_owned(),
        Outcome::Error => return "error: Codex refuses to start".to_owned(),
        _ => {}
    }
    let Some(assessment) = &e.command else { return "none".to_owned() };
    let decision = assessment.decision;
    let mut best: Option<&crate::policy::PrefixRuleMatch> = None;
    for m in &assessment.evaluation.matched_rules {
        if let crate::policy::RuleMatch::Prefix(p) = m
            && p.decision == decision
            && best.is_none_or(|b| p.matched_prefix.len() >= b.matched_prefix.len())
        {
            best = Some(p);
        }
    }
    if let Some(origin) = best.and_then(|m| m.origin.as_ref()) {
        return rule_site(ws, e.policy.name.as_deref(), origin);
    }
    assessment
        .commands
        .iter()
        .filter_map(|c| c.heuristics.as_ref())
        .find(|h| h.decision == decision)
        .map_or_else(|| "none".to_owned(), |h| format!("heuristics: {}", h.rule.code()))
}

/// Every prefix rule that matched any command of an explanation, as `file:line:col`.
pub fn matched_rule_sites(ws: &crate::workspace::Workspace, e: &crate::explain::Explanation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for command in e.command.iter().flat_map(|a| &a.commands) {
        for m in &command.prefix_matches {
            if let Some(origin) = &m.origin {
                let site = rule_site(ws, e.policy.name.as_deref(), origin);
                if !out.contains(&site) {
                    out.push(site);
                }
            }
        }
    }
    out
}

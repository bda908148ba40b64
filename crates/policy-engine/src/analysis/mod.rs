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
/// system file, …), which is mapped back to that policy's or layer's text. For many rules use
/// [`RuleSites`], which indexes each text once.
pub fn rule_site(ws: &crate::workspace::Workspace, policy: Option<&str>, origin: &crate::policy::RuleOrigin) -> String {
    RuleSites::new(ws).site(policy, origin)
}

/// (selected policy for cloud rules, origin source) → display name and line index of its text.
type SiteIndex<'w> = std::collections::HashMap<(Option<String>, String), Option<(String, LineIndex<'w>)>>;

/// Locates rules of one workspace ([`rule_site`]), building each text's line index once.
#[derive(Debug)]
pub struct RuleSites<'w> {
    ws: &'w crate::workspace::Workspace,
    found: SiteIndex<'w>,
}

impl<'w> RuleSites<'w> {
    /// A locator over `ws`.
    pub fn new(ws: &'w crate::workspace::Workspace) -> Self {
        Self { ws, found: std::collections::HashMap::new() }
    }

    /// `file:line:col` of `origin` for a user whose selected policy is `policy`.
    pub fn site(&mut self, policy: Option<&str>, origin: &crate::policy::RuleOrigin) -> String {
        let source: &str = &origin.source;
        let cloud = origin.from_requirements && source == crate::requirements::RequirementSource::Cloud.label();
        let key = (if cloud { policy.map(str::to_owned) } else { None }, source.to_owned());
        let ws = self.ws;
        let entry = self.found.entry(key).or_insert_with(|| {
            text_of(ws, if cloud { policy } else { None }, origin).map(|(name, text)| (name, LineIndex::new(text)))
        });
        match entry {
            Some((name, index)) => {
                let (line, col) = index.line_col(origin.span.start);
                format!("{name}:{line}:{col}")
            }
            None => source.to_owned(),
        }
    }
}

/// The display name and text a rule origin points into.
fn text_of<'w>(
    ws: &'w crate::workspace::Workspace,
    policy: Option<&str>,
    origin: &crate::policy::RuleOrigin,
) -> Option<(String, &'w str)> {
    let source: &str = &origin.source;
    if !origin.from_requirements {
        let mut files = ws.rules.system.iter().chain(&ws.rules.user).chain(&ws.rules.project);
        return files.find(|f| f.name == source).and_then(|f| f.text.as_deref()).map(|t| (source.to_owned(), t));
    }
    if source == crate::requirements::RequirementSource::Cloud.label() {
        let p = ws.policy(policy?)?;
        return p.text.as_deref().map(|t| (p.label(), t));
    }
    ws.layers.iter().find_map(|layer| {
        let text = layer.text.as_deref()?;
        (layer.to_input()?.source.label() == source).then(|| {
            let name = match &layer.origin {
                crate::workspace::file::TextOrigin::File { path } => path.clone(),
                crate::workspace::file::TextOrigin::Inline { .. } => source.to_owned(),
            };
            (name, text)
        })
    })
}

/// What decided an explanation: the rule Codex quotes (the longest matched prefix with the final
/// decision, ties to the last, as in its reason texts), or a label (`heuristics: <step>`,
/// `denied: …`, `error: …`, `none`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decider<'e> {
    /// A prefix rule.
    Rule(&'e crate::policy::RuleOrigin),
    /// Something else, named.
    Label(String),
}

/// The [`Decider`] of an explanation.
pub fn decider(e: &crate::explain::Explanation) -> Decider<'_> {
    match e.outcome {
        Outcome::Denied => return Decider::Label("denied: no Codex local access".to_owned()),
        Outcome::Error => return Decider::Label("error: Codex refuses to start".to_owned()),
        _ => {}
    }
    let Some(assessment) = &e.command else { return Decider::Label("none".to_owned()) };
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
        return Decider::Rule(origin);
    }
    Decider::Label(
        assessment
            .commands
            .iter()
            .filter_map(|c| c.heuristics.as_ref())
            .find(|h| h.decision == decision)
            .map_or_else(|| "none".to_owned(), |h| format!("heuristics: {}", h.rule.code())),
    )
}

/// What decided an explanation, as a stable label for counting: `file:line:col` of the deciding
/// rule (see [`decider`]) or its label.
pub fn deciding_rule(ws: &crate::workspace::Workspace, e: &crate::explain::Explanation) -> String {
    match decider(e) {
        Decider::Rule(origin) => rule_site(ws, e.policy.name.as_deref(), origin),
        Decider::Label(label) => label,
    }
}

/// Every prefix rule that matched any command of an explanation, as `file:line:col`.
pub fn matched_rule_sites(sites: &mut RuleSites<'_>, e: &crate::explain::Explanation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for command in e.command.iter().flat_map(|a| &a.commands) {
        for m in &command.prefix_matches {
            if let Some(origin) = &m.origin {
                let site = sites.site(e.policy.name.as_deref(), origin);
                if !out.contains(&site) {
                    out.push(site);
                }
            }
        }
    }
    out
}

//! The `[rules]` table of a `requirements.toml` (spec §3.2): admin prefix rules in TOML.
//!
//! The shapes mirror Codex's serde structs (read by [`crate::tomlread`]) so that type errors
//! carry the same serde/toml text (`missing field`, `unknown variant`, `wanted string or table`);
//! semantic validation then runs in Codex's exact order and stops at the first problem.

use std::sync::Arc;

use toml::Spanned;

use crate::decision::{Decision, Reviewer};
use crate::diagnostic::{Diagnostic, Span};
use crate::policy::{PatternToken, Policy, RuleOrigin, expand_first_alternatives};
use crate::tomlread::{Error, Node, StructReader, seq, spanned, spanned_string, string, string_seq, unit_enum};

/// `[rules]` as written. Unknown keys (e.g. `match`) are ignored, as in Codex.
#[derive(Debug, Clone)]
pub struct RequirementsRulesToml {
    /// `prefix_rules = [...]` (required inside `[rules]`).
    pub prefix_rules: Spanned<Vec<Spanned<PrefixRuleToml>>>,
}

/// One entry of `prefix_rules`.
#[derive(Debug, Clone)]
pub struct PrefixRuleToml {
    /// The tokens, each `{ token = "…" }` or `{ any_of = [...] }`.
    pub pattern: Spanned<Vec<Spanned<PatternTokenToml>>>,
    /// `prompt` or `forbidden` (`allow` parses, then is rejected).
    pub decision: Option<Spanned<RuleDecisionToml>>,
    /// Optional, non-blank.
    pub justification: Option<Spanned<String>>,
    /// Optional reviewer, only with `prompt`.
    pub reviewer: Option<Spanned<ReviewerToml>>,
}

/// One pattern position.
#[derive(Debug, Clone)]
pub struct PatternTokenToml {
    /// A literal token.
    pub token: Option<String>,
    /// Alternatives.
    pub any_of: Option<Vec<String>>,
}

/// Decision spellings accepted by serde (kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleDecisionToml {
    /// Parses, then rejected by validation.
    Allow,
    /// Ask first.
    Prompt,
    /// Never run.
    Forbidden,
}

/// Reviewer spellings (`guardian_subagent` is *not* accepted here, spec §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewerToml {
    /// The developer.
    User,
    /// The automatic reviewer.
    AutoReview,
}

/// A validation failure: Codex's reason text and the span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesValidationError {
    /// The text after `invalid rules in requirements (set by <source>): `.
    pub reason: String,
    /// The offending part of the document.
    pub span: Span,
}

/// Validates `[rules]` in Codex's order and converts it to rules (not yet a policy, so callers can
/// append them after file rules). `source` labels the origin of each rule.
pub fn validate_and_convert(
    rules: &RequirementsRulesToml,
    source: &str,
) -> Result<Vec<crate::policy::PrefixRule>, RulesValidationError> {
    let entries = rules.prefix_rules.get_ref();
    if entries.is_empty() {
        return Err(RulesValidationError {
            reason: "rules prefix_rules cannot be empty".to_owned(),
            span: rules.prefix_rules.span().into(),
        });
    }
    let source: Arc<str> = Arc::from(source);
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let rule = entry.get_ref();
        let err = |reason: String, span: Span| RulesValidationError {
            reason: format!("rules prefix_rule at index {i} {reason}"),
            span,
        };
        if let Some(justification) = &rule.justification
            && justification.get_ref().trim().is_empty()
        {
            return Err(err("has an empty justification".into(), justification.span().into()));
        }
        let pattern = rule.pattern.get_ref();
        if pattern.is_empty() {
            return Err(err("has an empty pattern".into(), rule.pattern.span().into()));
        }
        let mut positions: Vec<Vec<String>> = Vec::with_capacity(pattern.len());
        for (j, token) in pattern.iter().enumerate() {
            let token_err =
                |what: &str| err(format!("has an invalid pattern token at index {j}: {what}"), token.span().into());
            match (&token.get_ref().token, &token.get_ref().any_of) {
                (Some(_), Some(_)) => return Err(token_err("set either token or any_of, not both")),
                (None, None) => return Err(token_err("set either token or any_of")),
                (Some(single), None) => {
                    if single.trim().is_empty() {
                        return Err(token_err("token cannot be empty"));
                    }
                    positions.push(vec![single.clone()]);
                }
                (None, Some(alts)) => {
                    if alts.is_empty() {
                        return Err(token_err("any_of cannot be empty"));
                    }
                    if alts.iter().any(|alt| alt.trim().is_empty()) {
                        return Err(token_err("any_of cannot include empty tokens"));
                    }
                    positions.push(alts.clone());
                }
            }
        }
        let decision = match &rule.decision {
            Some(d) if *d.get_ref() == RuleDecisionToml::Allow => {
                return Err(err(
                    "has decision 'allow', which is not permitted in requirements.toml: Codex merges these rules with other config and uses the most restrictive result (use 'prompt' or 'forbidden')".into(),
                    d.span().into(),
                ));
            }
            Some(d) if *d.get_ref() == RuleDecisionToml::Prompt => Decision::Prompt,
            Some(_) => Decision::Forbidden,
            None => return Err(err("is missing a decision".into(), entry.span().into())),
        };
        let reviewer = match &rule.reviewer {
            Some(r) if decision != Decision::Prompt => {
                return Err(err(
                    "has a reviewer, but reviewer is only valid with decision 'prompt'".into(),
                    r.span().into(),
                ));
            }
            Some(r) => Some(match r.get_ref() {
                ReviewerToml::User => Reviewer::User,
                ReviewerToml::AutoReview => Reviewer::AutoReview,
            }),
            None => None,
        };
        let origin = RuleOrigin { source: Arc::clone(&source), span: entry.span().into(), from_requirements: true };
        let mut positions = positions.into_iter();
        let first = positions.next().unwrap_or_default();
        // A one-element `any_of` stays an alternatives set; it behaves like a single token.
        let rest: Vec<PatternToken> = pattern
            .iter()
            .skip(1)
            .zip(positions)
            .map(|(token, alts)| {
                if token.get_ref().token.is_some() {
                    PatternToken::Single(alts.into_iter().next().unwrap_or_default())
                } else {
                    PatternToken::Alts(alts)
                }
            })
            .collect();
        out.extend(expand_first_alternatives(
            &first,
            &rest,
            decision,
            rule.justification.as_ref().map(|j| j.get_ref().as_str()),
            reviewer,
            Some(&origin),
        ));
    }
    Ok(out)
}

/// Parses only the `[rules]` of a requirements document (what `codex-policy check --requirements`
/// needs). `Ok(None)` when the document has no `[rules]`. Errors carry Codex's message
/// (`invalid rules in requirements (set by <source>): …`, or the TOML/serde error) and the span.
pub fn parse_requirements_rules(text: &str, source: &str) -> Result<Option<Policy>, Diagnostic> {
    let Some(rules) = read_rules_only(text).map_err(|e| toml_error(&e, source))? else {
        return Ok(None);
    };
    let converted = validate_and_convert(&rules, source).map_err(|e| rules_error(&e, source))?;
    let mut policy = Policy::new();
    for rule in converted {
        policy.add_rule(rule);
    }
    Ok(Some(policy))
}

/// The part of a requirements document this module reads (`rules`; other keys ignored).
fn read_rules_only(text: &str) -> Result<Option<RequirementsRulesToml>, Error> {
    let doc = crate::tomlread::parse(text)?;
    let mut rules = None;
    let r = StructReader::read(
        &Node::document(&doc),
        "struct RulesOnlyDocument",
        &[("rules", 0)],
        1,
        false,
        &mut |_, n| {
            rules = Some(RequirementsRulesToml::from_toml(n)?);
            Ok(())
        },
    )?;
    r.optional(0, rules)
}

impl RequirementsRulesToml {
    /// Reads `[rules]` (`prefix_rules` required; other keys ignored).
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut rules = None;
        let r =
            StructReader::read(node, "struct RequirementsRulesToml", &[("prefix_rules", 0)], 1, false, &mut |_, n| {
                let items = seq(n, &mut |m| Ok(spanned(m, PrefixRuleToml::from_toml(m)?)))?;
                rules = Some(spanned(n, items));
                Ok(())
            })?;
        Ok(Self { prefix_rules: r.required(0, "prefix_rules", rules)? })
    }
}

impl PrefixRuleToml {
    /// Reads one `prefix_rules` entry.
    pub(crate) fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("pattern", 0), ("decision", 1), ("justification", 2), ("reviewer", 3)];
        let (mut pattern, mut decision, mut justification, mut reviewer) = (None, None, None, None);
        let r = StructReader::read(node, "struct PrefixRuleToml", NAMES, 4, false, &mut |i, n| {
            match i {
                0 => {
                    let items = seq(n, &mut |m| Ok(spanned(m, PatternTokenToml::from_toml(m)?)))?;
                    pattern = Some(spanned(n, items));
                }
                1 => decision = Some(spanned(n, RuleDecisionToml::from_toml(n)?)),
                2 => justification = Some(spanned_string(n)?),
                _ => reviewer = Some(spanned(n, ReviewerToml::from_toml(n)?)),
            }
            Ok(())
        })?;
        let pattern = r.required(0, "pattern", pattern)?;
        let decision = r.optional(1, decision)?;
        let justification = r.optional(2, justification)?;
        Ok(Self { pattern, decision, justification, reviewer: r.optional(3, reviewer)? })
    }
}

impl PatternTokenToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let (mut token, mut any_of) = (None, None);
        let r = StructReader::read(
            node,
            "struct PatternTokenToml",
            &[("token", 0), ("any_of", 1)],
            2,
            false,
            &mut |i, n| {
                if i == 0 {
                    token = Some(string(n)?);
                } else {
                    any_of = Some(string_seq(n)?);
                }
                Ok(())
            },
        )?;
        let token = r.optional(0, token)?;
        Ok(Self { token, any_of: r.optional(1, any_of)? })
    }
}

impl RuleDecisionToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        Ok(match unit_enum(node, &[("allow", 0), ("prompt", 1), ("forbidden", 2)])? {
            0 => Self::Allow,
            1 => Self::Prompt,
            _ => Self::Forbidden,
        })
    }
}

impl ReviewerToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        Ok(if unit_enum(node, &[("user", 0), ("auto_review", 1)])? == 0 { Self::User } else { Self::AutoReview })
    }
}

/// The diagnostic for a `[rules]` validation failure, with Codex's full text.
pub fn rules_error(e: &RulesValidationError, source: &str) -> Diagnostic {
    Diagnostic::error(
        "requirements/invalid-rules",
        format!("invalid rules in requirements (set by {source}): {}", e.reason),
    )
    .at(source, e.span)
}

/// A TOML/serde error as a diagnostic: the bare message (no snippet) and its span.
pub fn toml_error(e: &Error, source: &str) -> Diagnostic {
    let message = e.message().trim_end().to_owned();
    let d = Diagnostic::error("toml/parse", message).in_source(source);
    match e.span() {
        Some(span) => d.at(source, span),
        None => d,
    }
}

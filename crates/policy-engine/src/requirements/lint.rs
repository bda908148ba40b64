//! Lint-style checks of one requirements document: what Codex rejects (with Codex's text) and
//! what Codex accepts but probably does not do what the author meant. Stable codes:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `requirements/unknown-key` | warning | top-level key Codex ignores (closest known key in `help`) |
//! | `requirements/unsimulated-key` | info | key read only by the newest releases |
//! | `requirements/sandbox-without-read-only` | error | `allowed_sandbox_modes` lacks `read-only` |
//! | `requirements/remote-sandbox-without-read-only` | warning | a host entry lacks `read-only` (fatal on matching hosts) |
//! | `requirements/empty-allowed-list` | error / info | empty approval or reviewer list (fatal); empty web-search list (= disabled only) |
//! | `requirements/invalid-rules` | error | `[rules]` validation (e.g. `allow`) |
//! | `requirements/unknown-feature`, `requirements/legacy-feature` | warning | feature pins Codex ignores or renames |
//! | `requirements/empty-table` | info | a table that counts as absent |

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::requirements::document::{RequirementsToml, parse_requirements};
use crate::requirements::features::Feature;
use crate::requirements_rules::{rules_error, validate_and_convert};
use crate::settings::SandboxMode;

/// Levenshtein distance (characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let deletion = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(substitution.min(deletion).min(insertion));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The known key closest to `key`, if it is close enough to be a plausible typo
/// (distance ≤ max(2, len/3)).
pub fn closest_key<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let limit = (key.chars().count() / 3).max(2);
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn at(d: Diagnostic, source: &str, span: impl Into<Span>) -> Diagnostic {
    d.at(source, span)
}

/// All lint diagnostics of one document (`source` is the label used in `(set by …)` texts).
pub fn lint_requirements(text: &str, source: &str) -> Vec<Diagnostic> {
    let parsed = parse_requirements(text, source);
    let mut out = parsed.diagnostics;
    if let Some(doc) = parsed.document {
        lint_document(&doc, source, &mut out);
    }
    out
}

fn lint_document(doc: &RequirementsToml, source: &str, out: &mut Vec<Diagnostic>) {
    if let Some(modes) = &doc.allowed_sandbox_modes {
        let list: Vec<SandboxMode> = modes.get_ref().iter().map(|m| m.get_ref().value()).collect();
        if !list.contains(&SandboxMode::ReadOnly) {
            let names: Vec<&str> = list.iter().map(|m| m.debug_name()).collect();
            out.push(at(
                Diagnostic::error(
                    "requirements/sandbox-without-read-only",
                    format!(
                        "invalid value for `allowed_sandbox_modes`: `[{}]` is not in the allowed set must include 'read-only' to allow any PermissionProfile (set by {source})",
                        names.join(", ")
                    ),
                )
                .with_help("add \"read-only\" to the list: Codex needs it to function"),
                source,
                modes.span(),
            ));
        }
    }
    if let Some(entries) = &doc.remote_sandbox_config {
        for entry in entries.get_ref() {
            if !entry.get_ref().allowed_sandbox_modes.iter().any(|m| m.value() == SandboxMode::ReadOnly) {
                out.push(at(
                    Diagnostic::warning(
                        "requirements/remote-sandbox-without-read-only",
                        "`remote_sandbox_config` entry does not include `read-only`",
                    )
                    .with_help("Codex refuses to start on hosts that match this entry; add \"read-only\""),
                    source,
                    entry.span(),
                ));
            }
        }
    }
    for (field, empty, span) in [
        (
            "allowed_approval_policies",
            doc.allowed_approval_policies.as_ref().is_some_and(|l| l.get_ref().is_empty()),
            doc.allowed_approval_policies.as_ref().map(toml::Spanned::span),
        ),
        (
            "allowed_approvals_reviewers",
            doc.allowed_approvals_reviewers.as_ref().is_some_and(|l| l.get_ref().is_empty()),
            doc.allowed_approvals_reviewers.as_ref().map(toml::Spanned::span),
        ),
    ] {
        if let (true, Some(span)) = (empty, span) {
            out.push(at(
                Diagnostic::error("requirements/empty-allowed-list", format!("field `{field}` cannot be empty")),
                source,
                span,
            ));
        }
    }
    if let Some(web) = &doc.allowed_web_search_modes
        && web.get_ref().is_empty()
    {
        out.push(at(
            Diagnostic {
                severity: Severity::Info,
                ..Diagnostic::warning(
                    "requirements/empty-allowed-list",
                    "`allowed_web_search_modes = []` allows only `disabled`",
                )
            },
            source,
            web.span(),
        ));
    }
    if let Some(rules) = &doc.rules
        && let Err(e) = validate_and_convert(rules.get_ref(), source)
    {
        out.push(rules_error(&e, source));
    }
    if let Some(features) = &doc.features {
        if features.get_ref().is_empty() {
            out.push(at(
                Diagnostic {
                    severity: Severity::Info,
                    ..Diagnostic::warning("requirements/empty-table", "empty `[features]` pins nothing")
                },
                source,
                features.span(),
            ));
        }
        for key in features.get_ref().keys() {
            if key == "auto_review" || Feature::canonical(key).is_some() {
                continue;
            }
            let d = if let Some(f) = Feature::for_key(key) {
                Diagnostic::warning(
                    "requirements/legacy-feature",
                    format!(
                        "Using legacy `features` requirement `{key}` from {source}; prefer canonical feature key `{}`",
                        f.key()
                    ),
                )
            } else {
                let known: Vec<&str> = crate::requirements::features::FEATURES.iter().map(|(k, _)| *k).collect();
                let d = Diagnostic::warning(
                    "requirements/unknown-feature",
                    format!("Ignoring unknown `features` requirement `{key}` from {source}"),
                );
                if let Some(best) = closest_key(key, &known) {
                    d.with_help(format!("did you mean `{best}`?"))
                } else {
                    d
                }
            };
            out.push(at(d, source, features.span()));
        }
    }
    if let Some(hooks) = &doc.hooks
        && hooks.get_ref().handler_count() == 0
    {
        out.push(at(
            Diagnostic {
                severity: Severity::Info,
                ..Diagnostic::warning("requirements/empty-table", "`[hooks]` has no handlers, so it enforces nothing")
            },
            source,
            hooks.span(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_plural_key() {
        assert_eq!(
            closest_key("allowed_approval_policy", crate::requirements::document::KNOWN_KEYS),
            Some("allowed_approval_policies")
        );
        assert_eq!(closest_key("zzz", crate::requirements::document::KNOWN_KEYS), None);
    }
}

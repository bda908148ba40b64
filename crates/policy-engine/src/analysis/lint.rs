//! Lint: one report over a parsed workspace ([`lint_workspace`]) or over loose files
//! ([`lint_files`]). It aggregates what the parsers already detect (workspace file errors and
//! names, [`crate::workspace::lint::lint_workspace`], [`crate::requirements::lint::lint_requirements`],
//! Starlark load errors) and adds the prefix-rule lints below. Every finding points into the file
//! it is about: a `.rules` file, a policy (or the workspace file, for inline policies), a layer.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `rules/shadowed-rule` | warning | a more general rule on the same program decides at least as strictly, so this rule never changes the decision (info when the decisions are equal and this rule only changes the reason text) |
//! | `rules/duplicate-rule` | warning | the same pattern twice; the earlier copy never shows (ties go to the last match) |
//! | `rules/path-program` | warning | the first token is a path: it matches only that exact spelling, and when it matches it hides the basename rules |
//! | `rules/path-bypass` | warning | a `.rules` rule keyed by a path, less strict than a requirements rule on its basename: when it matches, the requirements rule is skipped |
//! | `rules/allow-justification` | info | a justification on an `allow` rule, which Codex never shows |
//! | `rules/untrusted-project` | info | a project `.rules` file whose project is not trusted: Codex ignores it |
//! | `requirements/allow-rule` | error | `decision = "allow"` in requirements `[rules]` (every one, not only the first Codex reports) |
//! | `workspace/no-default-policy` | info | users in no matching group get no cloud policy |
//!
//! Not linted on purpose: a file rule shadowed by a requirements rule of one policy. That is what
//! admin rules are for (the strictest decision wins), and it depends on who the user is. The one
//! cross-file lint is `rules/path-bypass`, because there the admin rule loses.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use crate::analysis::{NamedText, locate};
use crate::api::diagnostics_json;
use crate::decision::Decision;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::json::Json;
use crate::paths::{PathContext, executable_key};
use crate::policy::{PatternToken, Policy, PrefixRule};
use crate::requirements::document::parse_requirements;
use crate::requirements::layers::LayerKind;
use crate::requirements::lint::lint_requirements;
use crate::requirements_rules::{RuleDecisionToml, validate_and_convert};
use crate::starlark::{RulesFile, load_rules_files};
use crate::workspace::file::{TextOrigin, WorkspaceParse};

/// Stable codes of the lints this module adds.
pub mod codes {
    /// A rule that can never change the decision.
    pub const SHADOWED: &str = "rules/shadowed-rule";
    /// The same pattern twice.
    pub const DUPLICATE: &str = "rules/duplicate-rule";
    /// A path as the first token.
    pub const PATH_PROGRAM: &str = "rules/path-program";
    /// A file rule keyed by a path that hides a stricter requirements rule.
    pub const PATH_BYPASS: &str = "rules/path-bypass";
    /// A justification nobody sees.
    pub const ALLOW_JUSTIFICATION: &str = "rules/allow-justification";
    /// A project rules file that does not load because its project is untrusted.
    pub const UNTRUSTED_PROJECT: &str = "rules/untrusted-project";
    /// `allow` in requirements rules.
    pub const REQUIREMENTS_ALLOW: &str = "requirements/allow-rule";
    /// No default policy.
    pub const NO_DEFAULT_POLICY: &str = "workspace/no-default-policy";
}

/// Every finding, and the texts their spans point into (for line/column rendering).
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// Findings, in file order within each source.
    pub diagnostics: Vec<Diagnostic>,
    /// Every text a finding may point into, by the name used as `Diagnostic::source`.
    pub sources: Vec<NamedText>,
}

impl LintReport {
    /// Whether any finding is an error (Codex would reject the input).
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// `{"diagnostics":[…],"errors":n,"warnings":n,"infos":n}`, each diagnostic with its line/column.
    pub fn to_json(&self) -> Json {
        Json::object()
            .with("diagnostics", diagnostics_json(&self.diagnostics, &self.sources))
            .with("errors", self.count(Severity::Error))
            .with("warnings", self.count(Severity::Warning))
            .with("infos", self.count(Severity::Info))
    }

    /// One block per finding (`path:line:col: severity[code]: message`, then `  help: …`) and a
    /// summary line.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let at = locate(&self.sources, &d.source, d.span);
            let at = if at.is_empty() { "<input>".to_owned() } else { at };
            let _ = writeln!(out, "{at}: {}[{}]: {}", d.severity.as_str(), d.code, one_line(&d.message));
            if let Some(help) = &d.help {
                let _ = writeln!(out, "  help: {}", one_line(help));
            }
        }
        let _ = writeln!(
            out,
            "{} error(s), {} warning(s), {} info(s)",
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Info)
        );
        out
    }

    fn push_source(&mut self, name: &str, text: &str) {
        if !self.sources.iter().any(|s| s.name == name) {
            self.sources.push(NamedText { name: name.to_owned(), text: text.to_owned() });
        }
    }

    /// Drops exact repeats (one `prefix_rule` call expands to several rules with one origin).
    fn dedupe(&mut self) {
        // One string per diagnostic (length-prefixed parts, so two different diagnostics never
        // share a key): a set of strings is code the wasm has anyway; a set of tuples is its own.
        let mut seen = BTreeSet::new();
        self.diagnostics.retain(|d| {
            let span = d.span.map_or_else(String::new, |s| format!("{}-{}", s.start, s.end));
            seen.insert(format!(
                "{}:{}{}:{}{}:{}{}",
                d.source.len(),
                d.source,
                span.len(),
                span,
                d.code.len(),
                d.code,
                d.message
            ))
        });
    }
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

/// Where diagnostics of an embedded text end up: inline texts without escapes are mapped into the
/// file that embeds them, so the finding points at the exact line of the workspace file.
#[derive(Debug, Clone)]
struct Placement {
    label: String,
    embedded_in: Option<(String, usize)>,
}

impl Placement {
    fn own(label: &str) -> Self {
        Self { label: label.to_owned(), embedded_in: None }
    }

    fn of(label: &str, origin: &TextOrigin, workspace_source: &str) -> Self {
        match origin {
            TextOrigin::Inline { offset: Some(offset) } => {
                Self { label: label.to_owned(), embedded_in: Some((workspace_source.to_owned(), *offset)) }
            }
            _ => Self::own(label),
        }
    }

    /// Moves a diagnostic about this text into the embedding file (when there is one).
    fn place(&self, mut d: Diagnostic) -> Diagnostic {
        if let Some((outer, offset)) = &self.embedded_in
            && d.source == self.label
        {
            outer.clone_into(&mut d.source);
            d.span = d.span.map(|s| Span::new(s.start + offset, s.end + offset));
        }
        d
    }

    fn place_span(&self, span: Span) -> (String, Span) {
        match &self.embedded_in {
            Some((outer, offset)) => (outer.clone(), Span::new(span.start + offset, span.end + offset)),
            None => (self.label.clone(), span),
        }
    }
}

/// Lints a parsed workspace file (`source` names it, `text` is its contents): the parse and name
/// errors, the workspace lints, every policy and layer document, the rules files, and the
/// prefix rules of each set (the rules files together, each policy, each layer).
pub fn lint_workspace(parse: &WorkspaceParse, source: &str, text: &str, paths: &PathContext) -> LintReport {
    let mut report = LintReport::default();
    report.push_source(source, text);
    report.diagnostics.extend(parse.diagnostics.iter().cloned());
    let Some(ws) = &parse.workspace else {
        return report;
    };
    report.diagnostics.extend(crate::workspace::lint::lint_workspace(ws, source));
    if ws.default_policy.is_none() && !ws.policies.is_empty() {
        report.diagnostics.push(
            Diagnostic {
                severity: Severity::Info,
                ..Diagnostic::warning(
                    codes::NO_DEFAULT_POLICY,
                    "no `[default_policy]`: users whom no policy rule matches get no cloud policy",
                )
            }
            .with_help(
                "Codex then applies only the local layers (MDM, system file); add `[default_policy]` to cover everyone",
            )
            .in_source(source),
        );
    }
    let mut sets: Vec<RequirementsSet> = Vec::new();
    for policy in &ws.policies {
        let Some(policy_text) = &policy.text else { continue };
        let label = policy.label();
        report.push_source(&label, policy_text);
        let placement = Placement::of(&label, &policy.origin, source);
        // The parse diagnostics are already in `parse.diagnostics` (placed by the parser).
        for d in lint_requirements(policy_text, &label) {
            if !policy.parsed.diagnostics.contains(&d) {
                report.diagnostics.push(placement.place(d));
            }
        }
        let rules = lint_requirements_rules(policy_text, &placement, &mut report);
        sets.push(RequirementsSet { name: format!("policy `{}`", policy.name), placement, rules });
    }
    for layer in &ws.layers {
        // Legacy `managed_config.toml` is a config file, not a requirements document.
        if matches!(layer.kind, LayerKind::LegacyManagedConfigFile | LayerKind::LegacyManagedConfigMdm) {
            continue;
        }
        let Some(layer_text) = &layer.text else { continue };
        let label = match &layer.origin {
            TextOrigin::File { path } => path.clone(),
            TextOrigin::Inline { .. } => format!("layers.{}", layer_name(layer.kind)),
        };
        report.push_source(&label, layer_text);
        let placement = Placement::of(&label, &layer.origin, source);
        for d in lint_requirements(layer_text, &label) {
            report.diagnostics.push(placement.place(d));
        }
        let rules = lint_requirements_rules(layer_text, &placement, &mut report);
        sets.push(RequirementsSet { name: format!("layer `{label}`"), placement, rules });
    }
    let mut files: Vec<RulesFile<'_>> = Vec::new();
    for (index, layer) in [&ws.rules.system, &ws.rules.user, &ws.rules.project].into_iter().enumerate() {
        for spec in layer {
            let Some(rules_text) = &spec.text else { continue };
            report.push_source(&spec.name, rules_text);
            if index == 2 && !spec.trusted {
                report.diagnostics.push(
                    Diagnostic {
                        severity: Severity::Info,
                        ..Diagnostic::warning(
                            codes::UNTRUSTED_PROJECT,
                            format!("project rules file `{}` is not trusted, so Codex ignores it", spec.name),
                        )
                    }
                    .with_help("Codex loads `.codex/rules` only from trusted projects; set `trusted = true` to simulate a trusted one")
                    .at(source, spec.span),
                );
                continue;
            }
            files.push(RulesFile { name: &spec.name, text: rules_text });
        }
    }
    if let Some(policy) = lint_rules_files(&files, paths, &mut report) {
        let sources = report.sources.clone();
        report.diagnostics.extend(path_bypass_lints(&policy, &sets, &sources));
    }
    report.dedupe();
    report
}

fn layer_name(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Mdm => "mdm",
        LayerKind::System => "system",
        LayerKind::LegacyManagedConfigFile | LayerKind::LegacyManagedConfigMdm => "legacy_managed_config",
        LayerKind::Cloud => "cloud",
        LayerKind::Unspecified => "unspecified",
    }
}

/// Lints loose files: requirements documents (each on its own) and `.rules` files (loaded
/// together in the given order, as Codex loads one layer's files).
pub fn lint_files(requirements: &[RulesFile<'_>], rules: &[RulesFile<'_>], paths: &PathContext) -> LintReport {
    let mut report = LintReport::default();
    let mut sets: Vec<RequirementsSet> = Vec::new();
    for doc in requirements {
        report.push_source(doc.name, doc.text);
        report.diagnostics.extend(lint_requirements(doc.text, doc.name));
        let placement = Placement::own(doc.name);
        let converted = lint_requirements_rules(doc.text, &placement, &mut report);
        sets.push(RequirementsSet { name: format!("`{}`", doc.name), placement, rules: converted });
    }
    for file in rules {
        report.push_source(file.name, file.text);
    }
    if let Some(policy) = lint_rules_files(rules, paths, &mut report) {
        let sources = report.sources.clone();
        report.diagnostics.extend(path_bypass_lints(&policy, &sets, &sources));
    }
    report.dedupe();
    report
}

fn lint_rules_files(files: &[RulesFile<'_>], paths: &PathContext, report: &mut LintReport) -> Option<Policy> {
    if files.is_empty() {
        return None;
    }
    match load_rules_files(files, paths) {
        Ok(policy) => {
            let rules: Vec<&PrefixRule> = policy.rules().collect();
            let sources = report.sources.clone();
            let locator = |source: &str, span: Span| (source.to_owned(), span);
            report.diagnostics.extend(prefix_rule_lints(&rules, &sources, &locator));
            Some(policy)
        }
        Err(error) => {
            report.diagnostics.push(error.diagnostic);
            None
        }
    }
}

/// Requirements rules of one document, for the cross-file checks: what to call the document, and
/// where its rules are written.
struct RequirementsSet {
    name: String,
    placement: Placement,
    rules: Vec<PrefixRule>,
}

/// A file rule keyed by a path hides, whenever it matches, every rule keyed by the basename
/// (Codex skips the host-executable pass once the exact pass matched anything), including
/// stricter admin requirements rules: `prefix_rule(["/usr/bin/git"], "allow")` in a user file
/// lets `/usr/bin/git push` run although requirements forbid `git push`.
fn path_bypass_lints(files: &Policy, sets: &[RequirementsSet], sources: &[NamedText]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in files.rules().filter(|r| r.first.contains('/')) {
        let Some(key) = executable_key(&rule.first) else { continue };
        for set in sets {
            let Some(stricter) = set.rules.iter().find(|r| r.first == key && r.decision > rule.decision) else {
                continue;
            };
            let at = stricter.origin.as_ref().map_or_else(String::new, |o| {
                let (source, span) = set.placement.place_span(o.span);
                format!(" at {}", locate(sources, &source, Some(span)))
            });
            let mut d = Diagnostic::warning(
                codes::PATH_BYPASS,
                format!(
                    "rule {} ({}) lets `{} …` escape the stricter requirements rule {} ({}) of {}{at}",
                    rule_text(rule),
                    rule.decision,
                    rule.first,
                    rule_text(stricter),
                    stricter.decision,
                    set.name
                ),
            )
            .with_help(format!(
                "when a rule keyed by the exact program matches, Codex skips the basename rules for `{key}`, so requirements rules keyed by `{key}` never see this spelling; key the rule by `{key}` instead"
            ));
            if let Some(origin) = &rule.origin {
                d = d.at(origin.source.to_string(), origin.span);
            }
            out.push(d);
        }
    }
    out
}

/// The `allow` entries of a requirements `[rules]` table beyond the first (Codex stops at the
/// first error), and the prefix-rule lints when the table is valid.
fn lint_requirements_rules(text: &str, placement: &Placement, report: &mut LintReport) -> Vec<PrefixRule> {
    let parsed = parse_requirements(text, &placement.label);
    let Some(rules) = parsed.document.as_ref().and_then(|d| d.rules.as_ref()) else {
        return Vec::new();
    };
    match validate_and_convert(rules.get_ref(), &placement.label) {
        Ok(converted) => {
            let refs: Vec<&PrefixRule> = converted.iter().collect();
            let sources = report.sources.clone();
            let locator = |_: &str, span: Span| placement.place_span(span);
            report.diagnostics.extend(prefix_rule_lints(&refs, &sources, &locator));
            converted
        }
        Err(first) => {
            for (i, entry) in rules.get_ref().prefix_rules.get_ref().iter().enumerate() {
                let Some(decision) = &entry.get_ref().decision else { continue };
                let span: Span = decision.span().into();
                if *decision.get_ref() != RuleDecisionToml::Allow || span == first.span {
                    continue;
                }
                let (source, span) = placement.place_span(span);
                report.diagnostics.push(
                    Diagnostic::error(
                        codes::REQUIREMENTS_ALLOW,
                        format!("prefix rule at index {i} has decision `allow`, which requirements rules may not use"),
                    )
                    .with_help("Codex merges requirements rules with every other rule and keeps the strictest result, so only `prompt` and `forbidden` are permitted")
                    .at(source, span),
                );
            }
            Vec::new()
        }
    }
}

/// The set of arguments a pattern position accepts.
fn position_tokens(token: &PatternToken) -> &[String] {
    match token {
        PatternToken::Single(s) => std::slice::from_ref(s),
        PatternToken::Alts(alts) => alts,
    }
}

/// Whether every argv `b` matches is also matched by `a` (same program assumed): `a` is no
/// longer than `b` and accepts, at each of its positions, every token `b` accepts there.
pub fn covers(a: &PrefixRule, b: &PrefixRule) -> bool {
    a.first == b.first
        && a.rest.len() <= b.rest.len()
        && a.rest.iter().zip(&b.rest).all(|(ta, tb)| {
            let accepted = position_tokens(ta);
            position_tokens(tb).iter().all(|t| accepted.contains(t))
        })
}

fn rule_text(rule: &PrefixRule) -> String {
    let mut parts = vec![format!("`{}`", rule.first)];
    for token in &rule.rest {
        match token {
            PatternToken::Single(s) => parts.push(format!("`{s}`")),
            PatternToken::Alts(alts) => {
                parts.push(format!("[{}]", alts.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join("|")));
            }
        }
    }
    parts.join(" ")
}

/// How one rule relates to an earlier or later one that covers it; the most severe wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Finding {
    /// Same decision, prompt/forbidden: only the reason text changes.
    MessageOnly,
    /// Same allow decision under a more general allow.
    RedundantAllow,
    /// Identical pattern and decision.
    Duplicate,
    /// A covering rule decides strictly more strictly.
    Shadowed,
}

/// The prefix-rule lints over one set of rules (all in one policy, in policy order).
/// `locator` maps a rule's origin to where the diagnostic should point.
fn prefix_rule_lints(
    rules: &[&PrefixRule],
    sources: &[NamedText],
    locator: &dyn Fn(&str, Span) -> (String, Span),
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |rule: &PrefixRule, d: Diagnostic| -> Diagnostic {
        match &rule.origin {
            Some(origin) => {
                let (source, span) = locator(&origin.source, origin.span);
                d.at(source, span)
            }
            None => d,
        }
    };
    let where_is = |rule: &PrefixRule| -> String {
        rule.origin.as_ref().map_or_else(
            || "elsewhere".to_owned(),
            |o| {
                let (source, span) = locator(&o.source, o.span);
                locate(sources, &source, Some(span))
            },
        )
    };

    // Candidates that can cover a rule: rules of the same program with no arguments, or whose
    // first argument position accepts the rule's first token there.
    let mut by_program: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, rule) in rules.iter().enumerate() {
        by_program.entry(rule.first.as_str()).or_default().push(i);
    }
    for indices in by_program.values() {
        let mut bare: Vec<usize> = Vec::new();
        let mut by_token: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in indices {
            let Some(rule) = rules.get(i) else { continue };
            match rule.rest.first() {
                None => bare.push(i),
                Some(token) => {
                    let mut seen = BTreeSet::new();
                    for t in position_tokens(token) {
                        if seen.insert(t.as_str()) {
                            by_token.entry(t.as_str()).or_default().push(i);
                        }
                    }
                }
            }
        }
        for &bi in indices {
            let Some(b) = rules.get(bi).copied() else { continue };
            let first_token = b.rest.first().and_then(|t| position_tokens(t).first());
            let candidates =
                bare.iter().chain(first_token.and_then(|t| by_token.get(t.as_str())).into_iter().flatten());
            let mut best: Option<(Finding, usize)> = None;
            for &ai in candidates {
                let Some(a) = rules.get(ai).copied() else { continue };
                if ai == bi || !covers(a, b) {
                    continue;
                }
                let same_pattern = covers(b, a);
                let finding = if a.decision > b.decision {
                    Some(Finding::Shadowed)
                } else if a.decision < b.decision {
                    None
                } else if same_pattern {
                    // Ties go to the last match, so the earlier of two identical patterns never
                    // shows; identical copies are reported once, on the later one.
                    let identical = a.justification == b.justification && a.reviewer == b.reviewer;
                    if (identical && bi > ai) || (!identical && bi < ai) { Some(Finding::Duplicate) } else { None }
                } else if b.decision == Decision::Allow {
                    Some(Finding::RedundantAllow)
                } else {
                    Some(Finding::MessageOnly)
                };
                if let Some(f) = finding
                    && best.is_none_or(|(g, _)| f > g)
                {
                    best = Some((f, ai));
                }
            }
            let Some((finding, ai)) = best else { continue };
            let Some(a) = rules.get(ai).copied() else { continue };
            let shadow = format!("{} ({}) at {}", rule_text(a), a.decision, where_is(a));
            let d = match finding {
                Finding::Shadowed => Diagnostic::warning(
                    codes::SHADOWED,
                    format!(
                        "rule {} ({}) can never change the decision: {shadow} matches every command it matches",
                        rule_text(b),
                        b.decision
                    ),
                )
                .with_help("the strictest matching rule wins, so this rule never decides; remove it, or make it stricter than the general rule"),
                Finding::RedundantAllow => Diagnostic::warning(
                    codes::SHADOWED,
                    format!("rule {} (allow) is redundant: {shadow} already allows every command it matches", rule_text(b)),
                )
                .with_help("remove it"),
                Finding::Duplicate => {
                    let d = Diagnostic::warning(
                        codes::DUPLICATE,
                        format!("rule {} ({}) duplicates {shadow}", rule_text(b), b.decision),
                    );
                    if bi < ai {
                        d.with_help("Codex quotes the last of equally long matches, so this copy's justification is never shown; remove one")
                    } else {
                        d.with_help("remove one copy")
                    }
                }
                Finding::MessageOnly => Diagnostic {
                    severity: Severity::Info,
                    ..Diagnostic::warning(
                        codes::SHADOWED,
                        format!(
                            "rule {} ({}) never changes the decision: {shadow} matches every command it matches",
                            rule_text(b),
                            b.decision
                        ),
                    )
                }
                .with_help("it only changes the reason text: Codex quotes the longest matching prefix and its justification"),
            };
            out.push((bi, at(b, d)));
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        if rule.first.contains('/') {
            let key = executable_key(&rule.first).unwrap_or_default();
            let stricter: Vec<&&PrefixRule> =
                rules.iter().filter(|r| r.first == key && !key.is_empty() && r.decision > rule.decision).collect();
            let mut help = format!(
                "Codex compares the program exactly, so only `{}` is matched (not `{key}`, `/usr/local/bin/{key}` or `{}/`), and its basename pass looks rules up by `{key}`, never by a path; write `{key}` and restrict paths with `host_executable(name = \"{key}\", paths = [\"{}\"])`",
                rule.first, rule.first, rule.first
            );
            if let Some(s) = stricter.first() {
                let _ = write!(
                    help,
                    "; when this rule matches, Codex skips the basename pass, so the stricter {} ({}) at {} does not apply to this spelling",
                    rule_text(s),
                    s.decision,
                    where_is(s)
                );
            }
            out.push((
                i,
                at(
                    rule,
                    Diagnostic::warning(
                        codes::PATH_PROGRAM,
                        format!(
                            "rule {} matches only the exact spelling `{}` of the program",
                            rule_text(rule),
                            rule.first
                        ),
                    )
                    .with_help(help),
                ),
            ));
        }
        if rule.decision == Decision::Allow && rule.justification.is_some() {
            out.push((
                i,
                at(
                    rule,
                    Diagnostic {
                        severity: Severity::Info,
                        ..Diagnostic::warning(
                            codes::ALLOW_JUSTIFICATION,
                            format!("the justification of allow rule {} is never shown", rule_text(rule)),
                        )
                    }
                    .with_help("Codex shows a justification only when it asks or rejects; use a comment instead"),
                ),
            ));
        }
    }
    // Report in file order, whatever order the program groups were visited in.
    out.sort_by(|(i, x), (j, y)| (&x.source, x.span.map(|s| s.start), i).cmp(&(&y.source, y.span.map(|s| s.start), j)));
    out.into_iter().map(|(_, d)| d).collect()
}

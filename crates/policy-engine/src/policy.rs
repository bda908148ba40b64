//! The command-rule model and Codex's matching algorithm (spec §3.3).
//!
//! A [`Policy`] is a multimap from program name to [`PrefixRule`]s (insertion order kept), the
//! `host_executable` allowlists, and network rules. Matching is a hash lookup plus a few string
//! compares per candidate rule.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::decision::{Decision, Reviewer};
use crate::diagnostic::Span;
use crate::paths::{PathContext, executable_key};

/// One position of a prefix pattern after the program name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternToken {
    /// Exactly this argument.
    Single(String),
    /// Any one of these arguments.
    Alts(Vec<String>),
}

impl PatternToken {
    /// Whether `arg` satisfies this position.
    pub fn matches(&self, arg: &str) -> bool {
        match self {
            PatternToken::Single(token) => token == arg,
            PatternToken::Alts(alts) => alts.iter().any(|alt| alt == arg),
        }
    }
}

/// Where a rule was written: the file (or requirements layer) and the byte span of its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOrigin {
    /// File name or requirements source label.
    pub source: Arc<str>,
    /// Byte span of the `prefix_rule(...)` call or the `prefix_rules` table entry.
    pub span: Span,
    /// Whether the rule came from a requirements `[rules]` table (appended after file rules).
    pub from_requirements: bool,
}

/// A prefix rule: `first` is the program, `rest` the following positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixRule {
    /// Program name (`argv[0]`), compared exactly.
    pub first: String,
    /// The positions after the program.
    pub rest: Vec<PatternToken>,
    /// The verdict when the rule matches.
    pub decision: Decision,
    /// Shown to the developer in prompts and rejections.
    pub justification: Option<String>,
    /// Who reviews a prompt (requirements rules, newest Codex).
    pub reviewer: Option<Reviewer>,
    /// Where the rule was written.
    pub origin: Option<RuleOrigin>,
}

impl PrefixRule {
    /// Number of argv elements the rule needs.
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Never true: a rule has at least its program.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Matches `rest` of the rule against `args` (`argv[1..]`); the program was compared by the caller.
    fn matches_rest(&self, args: &[String]) -> bool {
        args.len() >= self.rest.len() && self.rest.iter().zip(args).all(|(token, arg)| token.matches(arg))
    }

    /// Codex's `Debug` rendering of the rule, used verbatim inside example errors (spec §8):
    /// `PrefixRule { pattern: PrefixPattern { first: "git", rest: [Single("status")] }, decision: Allow, justification: None, reviewer: None }`.
    pub fn codex_debug(&self) -> String {
        let mut out = String::from("PrefixRule { pattern: PrefixPattern { first: ");
        push_debug_str(&mut out, &self.first);
        out.push_str(", rest: [");
        for (i, token) in self.rest.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match token {
                PatternToken::Single(s) => {
                    out.push_str("Single(");
                    push_debug_str(&mut out, s);
                    out.push(')');
                }
                PatternToken::Alts(alts) => {
                    out.push_str("Alts([");
                    push_debug_list(&mut out, alts);
                    out.push_str("])");
                }
            }
        }
        let _ = write!(out, "] }}, decision: {}, justification: ", self.decision.debug_name());
        push_debug_option(&mut out, self.justification.as_deref());
        out.push_str(", reviewer: ");
        match self.reviewer {
            Some(r) => {
                let _ = write!(out, "Some({})", r.debug_name());
            }
            None => out.push_str("None"),
        }
        out.push_str(" }");
        out
    }
}

/// Appends Rust's `Debug` form of a string (quoted, escaped).
pub(crate) fn push_debug_str(out: &mut String, s: &str) {
    let _ = write!(out, "{s:?}");
}

fn push_debug_list(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_debug_str(out, item);
    }
}

fn push_debug_option(out: &mut String, value: Option<&str>) {
    match value {
        Some(s) => {
            out.push_str("Some(");
            push_debug_str(out, s);
            out.push(')');
        }
        None => out.push_str("None"),
    }
}

/// A matched prefix rule, as `codex execpolicy check` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixRuleMatch {
    /// The argv elements the rule covered (with the basename in place of the path on a host-executable match).
    pub matched_prefix: Vec<String>,
    /// The rule's decision.
    pub decision: Decision,
    /// The normalised absolute program path, only on a host-executable (basename) match.
    pub resolved_program: Option<String>,
    /// The rule's justification.
    pub justification: Option<String>,
    /// The rule's reviewer.
    pub reviewer: Option<Reviewer>,
    /// Where the matching rule was written.
    pub origin: Option<RuleOrigin>,
}

impl PrefixRuleMatch {
    /// Codex's `Debug` rendering, used inside the `not_match` example error.
    pub fn codex_debug(&self) -> String {
        let mut out = String::from("PrefixRuleMatch { matched_prefix: [");
        push_debug_list(&mut out, &self.matched_prefix);
        let _ = write!(out, "], decision: {}, resolved_program: ", self.decision.debug_name());
        // Codex's field is an `Option<AbsolutePathBuf>`, a tuple struct: `Some(AbsolutePathBuf("/usr/bin/git"))`.
        match &self.resolved_program {
            Some(p) => {
                out.push_str("Some(AbsolutePathBuf(");
                push_debug_str(&mut out, p);
                out.push_str("))");
            }
            None => out.push_str("None"),
        }
        out.push_str(", justification: ");
        push_debug_option(&mut out, self.justification.as_deref());
        out.push_str(", reviewer: ");
        match self.reviewer {
            Some(r) => {
                let _ = write!(out, "Some({})", r.debug_name());
            }
            None => out.push_str("None"),
        }
        out.push_str(" }");
        out
    }
}

/// One entry of an evaluation: a rule match, or the heuristics' verdict for an unmatched command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleMatch {
    /// A prefix rule matched.
    Prefix(PrefixRuleMatch),
    /// No rule matched; the heuristics decided (never produced by `check`).
    Heuristics {
        /// The command the heuristics judged.
        command: Vec<String>,
        /// Their verdict.
        decision: Decision,
    },
}

impl RuleMatch {
    /// The verdict of this entry.
    pub fn decision(&self) -> Decision {
        match self {
            RuleMatch::Prefix(m) => m.decision,
            RuleMatch::Heuristics { decision, .. } => *decision,
        }
    }
}

/// All matches for one or more commands and the strictest decision among them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evaluation {
    /// Every match, in evaluation order.
    pub matched_rules: Vec<RuleMatch>,
    /// The strictest decision; `None` when nothing matched.
    pub decision: Option<Decision>,
}

impl Evaluation {
    /// Builds an evaluation from its matches (decision = maximum).
    pub fn from_matches(matched_rules: Vec<RuleMatch>) -> Self {
        let decision = matched_rules.iter().map(RuleMatch::decision).max();
        Self { matched_rules, decision }
    }
}

/// A `network_rule(...)` (spec §3.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRule {
    /// Normalised host.
    pub host: String,
    /// Canonical protocol: `http`, `https`, `socks5_tcp` or `socks5_udp`.
    pub protocol: String,
    /// `allow`, `prompt` or `forbidden` (`deny` is stored as forbidden).
    pub decision: Decision,
    /// Optional justification.
    pub justification: Option<String>,
    /// Where it was written.
    pub origin: Option<RuleOrigin>,
}

/// The verdict for a command no rule matched (the heuristics, spec §3.5.3).
pub type HeuristicsFallback<'a> = dyn FnMut(&[String]) -> Decision + 'a;

/// How to match: whether the host-executable (basename) pass runs, and the paths it resolves against.
#[derive(Debug, Clone, Default)]
pub struct MatchOptions {
    /// Run the basename pass (always on inside Codex; `--resolve-host-executables` in the CLI).
    pub resolve_host_executables: bool,
    /// Working and home directory for resolving `argv[0]`.
    pub paths: PathContext,
}

/// The compiled command policy: rules by program, host-executable allowlists, network rules.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    rules_by_program: HashMap<String, Vec<PrefixRule>>,
    /// Program names in first-insertion order, so listings are deterministic.
    program_order: Vec<String>,
    host_executables: HashMap<String, Vec<String>>,
    network_rules: Vec<NetworkRule>,
    rule_count: usize,
}

impl Policy {
    /// An empty policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule under its program name, after the rules already there.
    pub fn add_rule(&mut self, rule: PrefixRule) {
        self.rule_count += 1;
        if let Some(rules) = self.rules_by_program.get_mut(&rule.first) {
            rules.push(rule);
        } else {
            self.program_order.push(rule.first.clone());
            self.rules_by_program.insert(rule.first.clone(), vec![rule]);
        }
    }

    /// Defines (or redefines: last definition wins) the allowed absolute paths for a basename key.
    pub fn set_host_executable(&mut self, name: String, paths: Vec<String>) {
        self.host_executables.insert(name, paths);
    }

    /// Adds a network rule.
    pub fn add_network_rule(&mut self, rule: NetworkRule) {
        self.network_rules.push(rule);
    }

    /// Codex's overlay of requirements rules onto file rules: rules are appended after existing
    /// ones under the same program, network rules appended, host-executable entries replaced.
    pub fn overlay(&mut self, other: Policy) {
        let Policy { mut rules_by_program, program_order, host_executables, network_rules, .. } = other;
        for program in program_order {
            if let Some(rules) = rules_by_program.remove(&program) {
                for rule in rules {
                    self.add_rule(rule);
                }
            }
        }
        self.host_executables.extend(host_executables);
        self.network_rules.extend(network_rules);
    }

    /// Total number of prefix rules.
    pub fn rule_count(&self) -> usize {
        self.rule_count
    }

    /// All rules, grouped by program in first-insertion order.
    pub fn rules(&self) -> impl Iterator<Item = &PrefixRule> {
        self.program_order.iter().filter_map(|p| self.rules_by_program.get(p)).flatten()
    }

    /// The rules stored under `program`.
    pub fn rules_for(&self, program: &str) -> &[PrefixRule] {
        self.rules_by_program.get(program).map_or(&[], Vec::as_slice)
    }

    /// The allowlisted paths for a basename key, if `host_executable` defined it.
    pub fn host_executable(&self, name: &str) -> Option<&[String]> {
        self.host_executables.get(name).map(Vec::as_slice)
    }

    /// All host-executable definitions (unordered).
    pub fn host_executables(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.host_executables.iter()
    }

    /// Network rules in definition order.
    pub fn network_rules(&self) -> &[NetworkRule] {
        &self.network_rules
    }

    /// Every prefix-rule match for one argv (spec §3.3.3 steps 1–3): the exact pass, then, only if
    /// it found nothing, the host-executable pass.
    pub fn matches_for(&self, argv: &[String], options: &MatchOptions) -> Vec<PrefixRuleMatch> {
        let mut out = Vec::new();
        self.push_matches_for(argv, options, &mut out);
        out
    }

    /// Like [`Policy::matches_for`], appending to `out`; returns whether anything matched.
    pub fn push_matches_for(&self, argv: &[String], options: &MatchOptions, out: &mut Vec<PrefixRuleMatch>) -> bool {
        let Some((program, arguments)) = argv.split_first() else {
            return false;
        };
        let before = out.len();
        for rule in self.rules_for(program) {
            if rule.matches_rest(arguments) {
                out.push(make_match(rule, program, arguments, None));
            }
        }
        if out.len() > before || !options.resolve_host_executables {
            return out.len() > before;
        }
        self.push_host_executable_matches(program, arguments, options, out);
        out.len() > before
    }

    fn push_host_executable_matches(
        &self,
        program: &str,
        args: &[String],
        options: &MatchOptions,
        out: &mut Vec<PrefixRuleMatch>,
    ) {
        // The index lookup first: most unmatched commands have no rules under their basename
        // either, and normalising the path is the expensive step (both checks are pure).
        let Some(key) = executable_key(program) else {
            return;
        };
        // A bare name is its own key: the same rules on the same arguments already matched
        // nothing in the exact pass.
        if key == program {
            return;
        }
        let rules = self.rules_for(key);
        if rules.is_empty() {
            return;
        }
        let Some(resolved) = options.paths.absolutize(program) else {
            return;
        };
        if let Some(allowed) = self.host_executable(key)
            && !allowed.contains(&resolved)
        {
            return;
        }
        for rule in rules {
            if rule.matches_rest(args) {
                out.push(make_match(rule, key, args, Some(resolved.clone())));
            }
        }
    }

    /// Evaluates several commands (spec §3.3.4): matches concatenated in command order; a command
    /// that matches nothing contributes `fallback(command)` when a fallback is given.
    pub fn check_multiple(
        &self,
        commands: &[Vec<String>],
        options: &MatchOptions,
        mut fallback: Option<&mut HeuristicsFallback<'_>>,
    ) -> Evaluation {
        let mut matched = Vec::new();
        let mut prefix = Vec::new();
        for command in commands {
            prefix.clear();
            if self.push_matches_for(command, options, &mut prefix) {
                matched.extend(prefix.drain(..).map(RuleMatch::Prefix));
            } else if let Some(fallback) = fallback.as_mut() {
                matched.push(RuleMatch::Heuristics { command: command.clone(), decision: fallback(command) });
            }
        }
        Evaluation::from_matches(matched)
    }

    /// Evaluates one argv with no heuristics, as `codex execpolicy check` does.
    pub fn check(&self, argv: &[String], options: &MatchOptions) -> Evaluation {
        Evaluation::from_matches(self.matches_for(argv, options).into_iter().map(RuleMatch::Prefix).collect())
    }
}

fn make_match(rule: &PrefixRule, program: &str, args: &[String], resolved_program: Option<String>) -> PrefixRuleMatch {
    let mut matched_prefix = Vec::with_capacity(rule.len());
    matched_prefix.push(program.to_owned());
    matched_prefix.extend(args.iter().take(rule.rest.len()).cloned());
    PrefixRuleMatch {
        matched_prefix,
        decision: rule.decision,
        resolved_program,
        justification: rule.justification.clone(),
        reviewer: rule.reviewer,
        origin: rule.origin.clone(),
    }
}

/// Expands a pattern whose first position may hold alternatives into one rule per alternative
/// (spec §3.1.3): later positions keep their alternatives (no cartesian product), and first-position
/// duplicates are kept (spec §8).
pub fn expand_first_alternatives(
    first: &[String],
    rest: &[PatternToken],
    decision: Decision,
    justification: Option<&str>,
    reviewer: Option<Reviewer>,
    origin: Option<&RuleOrigin>,
) -> Vec<PrefixRule> {
    first
        .iter()
        .map(|program| PrefixRule {
            first: program.clone(),
            rest: rest.to_vec(),
            decision,
            justification: justification.map(str::to_owned),
            reviewer,
            origin: origin.cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    fn rule(first: &str, rest: &[&str], decision: Decision) -> PrefixRule {
        PrefixRule {
            first: first.into(),
            rest: rest.iter().map(|s| PatternToken::Single((*s).into())).collect(),
            decision,
            justification: None,
            reviewer: None,
            origin: None,
        }
    }

    #[test]
    fn strictest_match_wins_and_all_are_reported() {
        let mut policy = Policy::new();
        policy.add_rule(rule("git", &[], Decision::Prompt));
        policy.add_rule(rule("git", &["commit"], Decision::Forbidden));
        let eval = policy.check(&argv("git commit -m hi"), &MatchOptions::default());
        assert_eq!(eval.matched_rules.len(), 2);
        assert_eq!(eval.decision, Some(Decision::Forbidden));
    }

    #[test]
    fn host_executable_pass_uses_basename_and_allowlist() {
        let mut policy = Policy::new();
        policy.add_rule(rule("git", &["status"], Decision::Prompt));
        policy.set_host_executable("git".into(), vec!["/usr/bin/git".into()]);
        let on = MatchOptions { resolve_host_executables: true, ..MatchOptions::default() };
        let eval = policy.check(&argv("/usr/bin/git status"), &on);
        let Some(RuleMatch::Prefix(m)) = eval.matched_rules.first() else {
            unreachable!("expected a prefix match, got {eval:?}");
        };
        assert_eq!(m.matched_prefix, argv("git status"));
        assert_eq!(m.resolved_program.as_deref(), Some("/usr/bin/git"));
        assert!(policy.check(&argv("/opt/homebrew/bin/git status"), &on).matched_rules.is_empty());
        assert!(policy.check(&argv("/usr/bin/git status"), &MatchOptions::default()).matched_rules.is_empty());
    }

    #[test]
    fn codex_debug_matches_upstream_rendering() {
        let r = rule("git", &["status"], Decision::Allow);
        assert_eq!(
            r.codex_debug(),
            r#"PrefixRule { pattern: PrefixPattern { first: "git", rest: [Single("status")] }, decision: Allow, justification: None, reviewer: None }"#
        );
    }
}

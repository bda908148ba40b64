//! Policy tests: a TOML file of expectations run against a workspace, with coverage.
//!
//! ```toml
//! workspace = "workspace.toml"          # optional; relative to this file (the CLI may override)
//!
//! [defaults]                            # optional, for every case (a case's own keys win)
//! host = "laptop.acme.example"
//! config = { approval_policy = "on-request" }
//! escalation = "none"                   # or require_escalated, with_additional_permissions
//! cwd = "/home/dev/project"
//! home = "/home/dev"
//!
//! [[case]]
//! name = "contractors cannot push"
//! user = "kim@acme.example"             # or groups = ["Contractors"]; neither = someone in no group
//! command = "git push origin main"      # POSIX-split; or argv = ["git", "push", "origin", "main"]
//! config = { sandbox_mode = "workspace-write" }
//! host = "build-1.acme.example"
//! expect_outcome = "reject"             # run-sandboxed | run-unsandboxed | ask | reject | denied | error
//! expect_decision = "forbidden"         # allow | prompt | forbidden | none
//! expect_policy = "contractors"         # a policy name, or false for "no cloud policy"
//! expect_reason = "vendor portal"       # a substring of the reason text
//! ```
//!
//! Unknown keys are errors with a span (this is our format). Every case must expect something.
//! `match`/`not_match` examples of the loaded `.rules` files are checked by Codex when the file
//! loads; they are reported as passed tests, and the rules they exercise count as covered.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use toml::Spanned;

use crate::analysis::{NamedText, RuleSites, locate, matched_rule_sites};
use crate::config::user_config_from_table;
use crate::decision::Decision;
use crate::diagnostic::{Diagnostic, Span};
use crate::explain::{Evaluator, Explanation, Outcome, Scenario};
use crate::heuristics::Escalation;
use crate::json::Json;
use crate::paths::PathContext;
use crate::requirements_rules::toml_error;
use crate::tomlread::{Error, Node, StructReader, Table, Value, seq, spanned, spanned_string, string, string_seq};
use crate::workspace::selection::{PolicySelection, PolicyVia};

#[derive(Debug, Default)]
struct CasesToml {
    workspace: Option<Spanned<String>>,
    defaults: Option<Spanned<DefaultsToml>>,
    cases: Vec<Spanned<CaseToml>>,
}

#[derive(Debug, Default)]
struct DefaultsToml {
    host: Option<String>,
    config: Option<Spanned<Table>>,
    escalation: Option<Spanned<String>>,
    cwd: Option<String>,
    home: Option<String>,
}

#[derive(Debug, Default)]
struct CaseToml {
    name: Option<String>,
    user: Option<String>,
    groups: Option<Vec<String>>,
    command: Option<Spanned<String>>,
    argv: Option<Vec<String>>,
    config: Option<Spanned<Table>>,
    host: Option<String>,
    escalation: Option<Spanned<String>>,
    cwd: Option<String>,
    home: Option<String>,
    expect_outcome: Option<Spanned<String>>,
    expect_decision: Option<Spanned<String>>,
    expect_policy: Option<Spanned<Value>>,
    expect_reason: Option<String>,
}

fn spanned_table(node: &Node<'_>) -> Result<Spanned<Table>, Error> {
    Ok(spanned(node, crate::tomlread::table(node)?))
}

impl CasesToml {
    fn read(text: &str) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("workspace", 0), ("defaults", 1), ("case", 2)];
        let doc = crate::tomlread::parse(text)?;
        let mut c = Self::default();
        let mut cases = None;
        let r = StructReader::read(&Node::document(&doc), "struct CasesToml", NAMES, 3, true, &mut |i, n| {
            match i {
                0 => c.workspace = Some(spanned_string(n)?),
                1 => c.defaults = Some(spanned(n, DefaultsToml::from_toml(n)?)),
                _ => cases = Some(seq(n, &mut |m| Ok(spanned(m, CaseToml::from_toml(m)?)))?),
            }
            Ok(())
        })?;
        r.optional(0, c.workspace.as_ref().map(|_| ()))?;
        r.optional(1, c.defaults.as_ref().map(|_| ()))?;
        c.cases = cases.unwrap_or_default();
        Ok(c)
    }
}

impl DefaultsToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("host", 0), ("config", 1), ("escalation", 2), ("cwd", 3), ("home", 4)];
        let mut d = Self::default();
        let r = StructReader::read(node, "struct DefaultsToml", NAMES, 5, true, &mut |i, n| {
            match i {
                0 => d.host = Some(string(n)?),
                1 => d.config = Some(spanned_table(n)?),
                2 => d.escalation = Some(spanned_string(n)?),
                3 => d.cwd = Some(string(n)?),
                _ => d.home = Some(string(n)?),
            }
            Ok(())
        })?;
        let set = [d.host.is_some(), d.config.is_some(), d.escalation.is_some(), d.cwd.is_some(), d.home.is_some()];
        for (index, present) in set.into_iter().enumerate() {
            r.optional(index, present.then_some(()))?;
        }
        Ok(d)
    }
}

impl CaseToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("name", 0),
            ("user", 1),
            ("groups", 2),
            ("command", 3),
            ("argv", 4),
            ("config", 5),
            ("host", 6),
            ("escalation", 7),
            ("cwd", 8),
            ("home", 9),
            ("expect_outcome", 10),
            ("expect_decision", 11),
            ("expect_policy", 12),
            ("expect_reason", 13),
        ];
        let mut c = Self::default();
        let r = StructReader::read(node, "struct CaseToml", NAMES, 14, true, &mut |i, n| {
            match i {
                0 => c.name = Some(string(n)?),
                1 => c.user = Some(string(n)?),
                2 => c.groups = Some(string_seq(n)?),
                3 => c.command = Some(spanned_string(n)?),
                4 => c.argv = Some(string_seq(n)?),
                5 => c.config = Some(spanned_table(n)?),
                6 => c.host = Some(string(n)?),
                7 => c.escalation = Some(spanned_string(n)?),
                8 => c.cwd = Some(string(n)?),
                9 => c.home = Some(string(n)?),
                10 => c.expect_outcome = Some(spanned_string(n)?),
                11 => c.expect_decision = Some(spanned_string(n)?),
                12 => c.expect_policy = Some(spanned(n, crate::tomlread::value(n)?)),
                _ => c.expect_reason = Some(string(n)?),
            }
            Ok(())
        })?;
        let set = [
            c.name.is_some(),
            c.user.is_some(),
            c.groups.is_some(),
            c.command.is_some(),
            c.argv.is_some(),
            c.config.is_some(),
            c.host.is_some(),
            c.escalation.is_some(),
            c.cwd.is_some(),
            c.home.is_some(),
            c.expect_outcome.is_some(),
            c.expect_decision.is_some(),
            c.expect_policy.is_some(),
            c.expect_reason.is_some(),
        ];
        for (index, present) in set.into_iter().enumerate() {
            r.optional(index, present.then_some(()))?;
        }
        Ok(c)
    }
}

/// What a case expects; `None` = not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// The outcome.
    pub outcome: Option<Outcome>,
    /// The exec-policy decision (`Some(None)`: no decision, e.g. denied).
    pub decision: Option<Option<Decision>>,
    /// The selected policy (`Some(None)`: no cloud policy).
    pub policy: Option<Option<String>>,
    /// A substring of the reason.
    pub reason: Option<String>,
}

/// One test case.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Its name (or `case N`).
    pub name: String,
    /// Where it is written (the `[[case]]` table).
    pub span: Span,
    /// The scenario to evaluate.
    pub scenario: Scenario,
    /// What it expects.
    pub expect: Expectations,
}

/// A parsed cases file.
#[derive(Debug, Clone, Default)]
pub struct CasesFile {
    /// The file's name in messages.
    pub source: String,
    /// The workspace it names (relative to the cases file), with its span.
    pub workspace: Option<(String, Span)>,
    /// The cases, in file order.
    pub cases: Vec<TestCase>,
}

/// Every outcome spelling.
fn parse_outcome(text: &str) -> Option<Outcome> {
    Outcome::ALL.into_iter().find(|o| o.as_str() == text)
}

/// Parses a cases file. Any problem is an error with a span; the file is usable only when there
/// are no errors.
pub fn parse_cases(text: &str, source: &str) -> Result<CasesFile, Vec<Diagnostic>> {
    let parsed = CasesToml::read(text).map_err(|e| {
        let mut d = toml_error(&e, source);
        d.code = "cases/parse";
        vec![d]
    })?;
    let mut errors = Vec::new();
    let error =
        |message: String, span: std::ops::Range<usize>| Diagnostic::error("cases/invalid", message).at(source, span);
    let config_of = |table: &Spanned<Table>, errors: &mut Vec<Diagnostic>| -> Option<Table> {
        match user_config_from_table(table.get_ref()) {
            Ok(_) => Some(table.get_ref().clone()),
            Err(message) => {
                errors.push(error(format!("invalid `config`: {message}"), table.span()));
                None
            }
        }
    };
    let escalation_of = |e: &Spanned<String>, errors: &mut Vec<Diagnostic>| -> Escalation {
        Escalation::parse(e.get_ref()).unwrap_or_else(|| {
            errors.push(
                error(format!("unknown escalation `{}`", e.get_ref()), e.span())
                    .with_help("use none, require_escalated or with_additional_permissions"),
            );
            Escalation::None
        })
    };
    let defaults = parsed.defaults.as_ref().map(Spanned::get_ref);
    let default_config = defaults.and_then(|d| d.config.as_ref()).and_then(|c| config_of(c, &mut errors));
    let default_escalation =
        defaults.and_then(|d| d.escalation.as_ref()).map_or(Escalation::None, |e| escalation_of(e, &mut errors));
    let default_paths = PathContext::default();
    let mut out = CasesFile {
        source: source.to_owned(),
        workspace: parsed.workspace.as_ref().map(|w| (w.get_ref().clone(), w.span().into())),
        cases: Vec::new(),
    };
    for (index, case) in parsed.cases.iter().enumerate() {
        let c = case.get_ref();
        let name = c.name.clone().unwrap_or_else(|| format!("case {}", index + 1));
        let before = errors.len();
        let argv = match (&c.command, &c.argv) {
            (Some(line), None) => shlex::split(line.get_ref()).unwrap_or_else(|| {
                errors.push(error(format!("case `{name}`: `command` has unbalanced quotes"), line.span()));
                Vec::new()
            }),
            (None, Some(argv)) => argv.clone(),
            _ => {
                errors.push(error(format!("case `{name}` needs exactly one of `command` or `argv`"), case.span()));
                Vec::new()
            }
        };
        if argv.is_empty() && errors.len() == before {
            errors.push(error(format!("case `{name}` has an empty command"), case.span()));
        }
        if c.user.is_some() && c.groups.is_some() {
            errors.push(error(format!("case `{name}` sets both `user` and `groups`"), case.span()));
        }
        let mut table = default_config.clone().unwrap_or_default();
        if let Some(own) = c.config.as_ref().and_then(|t| config_of(t, &mut errors)) {
            table.extend(own);
        }
        let config = user_config_from_table(&table).unwrap_or_default();
        let escalation = c.escalation.as_ref().map_or(default_escalation, |e| escalation_of(e, &mut errors));
        let mut expect = Expectations::default();
        if let Some(o) = &c.expect_outcome {
            match parse_outcome(o.get_ref()) {
                Some(outcome) => expect.outcome = Some(outcome),
                None => errors.push(
                    error(format!("unknown outcome `{}`", o.get_ref()), o.span())
                        .with_help("use run-sandboxed, run-unsandboxed, ask, reject, denied or error"),
                ),
            }
        }
        if let Some(d) = &c.expect_decision {
            match d.get_ref().as_str() {
                "none" => expect.decision = Some(None),
                other => match Decision::parse(other) {
                    Some(decision) => expect.decision = Some(Some(decision)),
                    None => errors.push(
                        error(format!("unknown decision `{other}`"), d.span())
                            .with_help("use allow, prompt, forbidden or none"),
                    ),
                },
            }
        }
        if let Some(p) = &c.expect_policy {
            match p.get_ref() {
                Value::String(name) => expect.policy = Some(Some(name.clone())),
                Value::Boolean(false) => expect.policy = Some(None),
                _ => errors.push(error(
                    "`expect_policy` must be a policy name, or false for no cloud policy".to_owned(),
                    p.span(),
                )),
            }
        }
        expect.reason.clone_from(&c.expect_reason);
        let expects_something = c.expect_outcome.is_some()
            || c.expect_decision.is_some()
            || c.expect_policy.is_some()
            || c.expect_reason.is_some();
        if !expects_something {
            errors.push(
                error(format!("case `{name}` expects nothing"), case.span())
                    .with_help("add expect_outcome, expect_decision, expect_policy or expect_reason"),
            );
        }
        let paths = PathContext {
            cwd: c.cwd.clone().or_else(|| defaults.and_then(|d| d.cwd.clone())).unwrap_or(default_paths.cwd.clone()),
            home: c
                .home
                .clone()
                .or_else(|| defaults.and_then(|d| d.home.clone()))
                .unwrap_or(default_paths.home.clone()),
        };
        out.cases.push(TestCase {
            name,
            span: header_span(text, case.span()),
            scenario: Scenario {
                user: c.user.clone(),
                groups: c.groups.clone(),
                argv,
                config,
                host: c.host.clone().or_else(|| defaults.and_then(|d| d.host.clone())),
                escalation,
                paths,
                ..Scenario::default()
            },
            expect,
        });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The span of a `[[case]]` table starting at its header line (serde's span starts at the first
/// key), so a failure points at the case as written.
fn header_span(text: &str, span: std::ops::Range<usize>) -> Span {
    let before = text.get(..span.start).unwrap_or_default();
    match before.rfind("[[case]]") {
        Some(header)
            if before.get(header..).is_some_and(|gap| {
                gap.lines().skip(1).all(|l| {
                    let l = l.trim();
                    l.is_empty() || l.starts_with('#')
                })
            }) =>
        {
            Span::new(header, span.end)
        }
        _ => span.into(),
    }
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `outcome`, `decision`, `policy` or `reason`.
    pub field: &'static str,
    /// What the case expected (for `reason`: the substring).
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Its span in the cases file.
    pub span: Span,
    /// Expectations that did not hold (empty = passed).
    pub mismatches: Vec<Mismatch>,
    /// What happened.
    pub outcome: Outcome,
    /// The decision.
    pub decision: Option<Decision>,
    /// The selected policy.
    pub policy: Option<String>,
    /// The reason.
    pub reason: Option<String>,
}

impl CaseResult {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// What the tests exercised and what they did not.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// `policy_rules` not exercised: index, `group → policy`, span in the workspace file.
    pub group_rules_missed: Vec<(usize, String, Span)>,
    /// How many group rules there are.
    pub group_rules_total: usize,
    /// Whether some case fell back to the default policy (`None`: there is no default policy).
    pub default_policy_exercised: Option<bool>,
    /// Policies no case selected.
    pub policies_missed: Vec<String>,
    /// How many policies there are.
    pub policies_total: usize,
    /// Prefix rules (`file:line:col`) no case and no example matched.
    pub rules_missed: Vec<String>,
    /// How many prefix rules there are (one per `prefix_rule` call or requirements entry).
    pub rules_total: usize,
}

/// The results of a cases file.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// The cases file's name.
    pub source: String,
    /// Per case, in file order.
    pub results: Vec<CaseResult>,
    /// `match`/`not_match` examples of the loaded rules files (checked at load, all passed).
    pub examples: usize,
    /// Whether the rules files failed to load (their examples then did not run).
    pub rules_load_error: Option<Diagnostic>,
    /// Coverage.
    pub coverage: Coverage,
}

impl TestReport {
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed()).count()
    }

    /// Cases and examples that passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count() + self.examples
    }
}

fn decision_text(d: Option<Decision>) -> String {
    d.map_or_else(|| "none".to_owned(), |d| d.as_str().to_owned())
}

fn check(case: &TestCase, e: &Explanation) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(outcome) = case.expect.outcome
        && outcome != e.outcome
    {
        out.push(Mismatch { field: "outcome", expected: outcome.as_str().into(), actual: e.outcome.as_str().into() });
    }
    if let Some(decision) = case.expect.decision
        && decision != e.decision
    {
        out.push(Mismatch { field: "decision", expected: decision_text(decision), actual: decision_text(e.decision) });
    }
    if let Some(policy) = &case.expect.policy
        && *policy != e.policy.name
    {
        let show = |p: Option<&str>| p.map_or_else(|| "no policy".to_owned(), str::to_owned);
        out.push(Mismatch {
            field: "policy",
            expected: show(policy.as_deref()),
            actual: show(e.policy.name.as_deref()),
        });
    }
    if let Some(reason) = &case.expect.reason
        && !e.reason.as_deref().is_some_and(|r| r.contains(reason.as_str()))
    {
        out.push(Mismatch {
            field: "reason",
            expected: reason.clone(),
            actual: e.reason.clone().unwrap_or_else(|| "no reason".to_owned()),
        });
    }
    out
}

fn selection_of(name: Option<&str>) -> PolicySelection {
    PolicySelection {
        name: name.map(str::to_owned),
        via: PolicyVia::Default,
        rule_index: None,
        also_matched: Vec::new(),
    }
}

/// Runs every case against `evaluator` and measures coverage.
pub fn run_cases(evaluator: &Evaluator<'_>, file: &CasesFile) -> TestReport {
    let ws = evaluator.workspace();
    let mut report = TestReport { source: file.source.clone(), ..TestReport::default() };
    let mut exercised_rules: BTreeSet<String> = BTreeSet::new();
    let mut exercised_group_rules: BTreeSet<usize> = BTreeSet::new();
    let mut exercised_policies: BTreeSet<String> = BTreeSet::new();
    let mut default_used = false;
    let mut sites = RuleSites::new(ws);
    for case in &file.cases {
        let e = evaluator.explain(&case.scenario);
        exercised_rules.extend(matched_rule_sites(&mut sites, &e));
        if let Some(i) = e.policy.rule_index {
            exercised_group_rules.insert(i);
        }
        if e.policy.via == PolicyVia::Default {
            default_used = true;
        }
        if let Some(name) = &e.policy.name {
            exercised_policies.insert(name.clone());
        }
        report.results.push(CaseResult {
            name: case.name.clone(),
            span: case.span,
            mismatches: check(case, &e),
            outcome: e.outcome,
            decision: e.decision,
            policy: e.policy.name.clone(),
            reason: e.reason.clone(),
        });
    }
    let file_rules = evaluator.file_rules();
    report.rules_load_error.clone_from(&file_rules.warning);
    if file_rules.warning.is_none() {
        for spec in ws.rules.system.iter().chain(&ws.rules.user).chain(&ws.rules.project) {
            if !file_rules.loaded.contains(&spec.name) {
                continue;
            }
            let Some(text) = &spec.text else { continue };
            let mut origins: Vec<&crate::policy::RuleOrigin> = file_rules
                .policy
                .rules()
                .filter_map(|r| r.origin.as_ref())
                .filter(|o| *o.source == *spec.name)
                .collect();
            origins.sort_by_key(|o| o.span.start);
            for call in examples_of(text) {
                report.examples += call.examples;
                // The rules a call made overlap its span (calls never nest).
                let first = origins.partition_point(|o| o.span.end <= call.span.start);
                for origin in origins.iter().skip(first).take_while(|o| o.span.start < call.span.end) {
                    exercised_rules.insert(sites.site(None, origin));
                }
            }
        }
    }
    let mut all_rules: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut add_rules = |policy: Option<&str>| {
        let context = evaluator.policy_context(&selection_of(policy), None);
        for rule in context.command_policy.rules() {
            if let Some(origin) = &rule.origin
                && (policy.is_none() || origin.from_requirements)
            {
                let site = sites.site(policy, origin);
                if seen.insert(site.clone()) {
                    all_rules.push(site);
                }
            }
        }
    };
    add_rules(None);
    for p in &ws.policies {
        add_rules(Some(&p.name));
    }
    let coverage = &mut report.coverage;
    coverage.rules_total = all_rules.len();
    coverage.rules_missed = all_rules.into_iter().filter(|r| !exercised_rules.contains(r)).collect();
    coverage.group_rules_total = ws.policy_rules.len();
    coverage.group_rules_missed = ws
        .policy_rules
        .iter()
        .enumerate()
        .filter(|(i, _)| !exercised_group_rules.contains(i))
        .map(|(i, r)| (i, format!("{} -> {}", r.group.name, r.policy.name), r.span))
        .collect();
    coverage.default_policy_exercised = ws.default_policy.as_ref().map(|_| default_used);
    coverage.policies_total = ws.policies.len();
    coverage.policies_missed =
        ws.policies.iter().filter(|p| !exercised_policies.contains(&p.name)).map(|p| p.name.clone()).collect();
    report
}

/// One `prefix_rule(...)` call with examples.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExampleCall {
    /// The call's span.
    span: Span,
    /// Number of `match` + `not_match` examples (a list literal counts its elements; any other
    /// expression counts as one).
    examples: usize,
}

/// The `prefix_rule` calls of a rules file that carry `match`/`not_match` examples, found in the
/// syntax tree (examples are checked by Codex at load and leave no trace in the policy). Only
/// called for files that loaded, so the loader's size and nesting limits already hold.
fn examples_of(text: &str) -> Vec<ExampleCall> {
    use starlark_syntax::syntax::ast::{ArgumentP, AstExpr, ExprP};
    let Ok(top) = crate::starlark::parse_rules(text) else { return Vec::new() };
    let mut out = Vec::new();
    let count = |e: &AstExpr| match &e.node {
        ExprP::List(items) => items.len(),
        _ => 1,
    };
    let mut visit = |expr: &AstExpr| {
        if let ExprP::Call(callee, args) = &expr.node
            && matches!(&callee.node, ExprP::Identifier(id) if id.node.ident == "prefix_rule")
        {
            let mut examples = 0;
            for (i, arg) in args.args.iter().enumerate() {
                match &arg.node {
                    ArgumentP::Named(n, value) if n.node == "match" || n.node == "not_match" => {
                        examples += count(value);
                    }
                    ArgumentP::Positional(value) if i == 2 || i == 3 => examples += count(value),
                    _ => {}
                }
            }
            if examples > 0 {
                out.push(ExampleCall {
                    span: Span::new(expr.span.begin().get() as usize, expr.span.end().get() as usize),
                    examples,
                });
            }
        }
    };
    walk_exprs(&top, &mut visit);
    out
}

fn walk_exprs<'a>(
    stmt: &'a starlark_syntax::syntax::ast::AstStmt,
    f: &mut dyn FnMut(&'a starlark_syntax::syntax::ast::AstExpr),
) {
    // `visit_expr` already descends into nested statements (blocks, `def`, `for`, `if`).
    stmt.visit_expr(|e| walk_expr(e, f));
}

fn walk_expr<'a>(
    expr: &'a starlark_syntax::syntax::ast::AstExpr,
    f: &mut dyn FnMut(&'a starlark_syntax::syntax::ast::AstExpr),
) {
    f(expr);
    expr.visit_expr(|e| walk_expr(e, f));
}

impl TestReport {
    /// Readable text: each failure with `file:line` and expected vs actual, a summary line, and
    /// coverage. `sources` holds the cases file and the workspace file (for line numbers).
    pub fn render_text(&self, sources: &[NamedText], workspace_source: &str) -> String {
        let mut out = String::new();
        for r in &self.results {
            let at = locate(sources, &self.source, Some(r.span));
            if r.passed() {
                let _ = writeln!(out, "ok    {at}  {}", r.name);
                continue;
            }
            let _ = writeln!(out, "FAIL  {at}  {}", r.name);
            for m in &r.mismatches {
                let (want, got) =
                    if m.field == "reason" { ("expected to contain", "actual") } else { ("expected", "actual") };
                let _ = writeln!(out, "      {}:", m.field);
                let _ = writeln!(out, "        - {want}: {}", m.expected);
                let _ = writeln!(out, "        + {got}: {}", m.actual);
            }
        }
        let failed = self.failed();
        let _ = writeln!(
            out,
            "\n{} passed, {failed} failed ({} case(s), {} Starlark example(s) checked at load)",
            self.passed(),
            self.results.len(),
            self.examples
        );
        if let Some(error) = &self.rules_load_error {
            let _ =
                writeln!(out, "note: {}: the rules files did not load, so their examples did not run", error.message);
        }
        let c = &self.coverage;
        let _ = writeln!(
            out,
            "coverage: group rules {}/{}, policies {}/{}, prefix rules {}/{}",
            c.group_rules_total - c.group_rules_missed.len(),
            c.group_rules_total,
            c.policies_total - c.policies_missed.len(),
            c.policies_total,
            c.rules_total - c.rules_missed.len(),
            c.rules_total
        );
        for (_, rule, span) in &c.group_rules_missed {
            let _ = writeln!(
                out,
                "  group rule not exercised: {} ({rule})",
                locate(sources, workspace_source, Some(*span))
            );
        }
        if c.default_policy_exercised == Some(false) {
            out.push_str("  default policy not exercised: no case is in a group without a policy rule\n");
        }
        for p in &c.policies_missed {
            let _ = writeln!(out, "  policy not selected by any case: {p}");
        }
        for r in &c.rules_missed {
            let _ = writeln!(out, "  prefix rule not exercised: {r}");
        }
        out
    }

    /// `{"passed","failed","examples","cases":[…],"coverage":{…}}`.
    pub fn to_json(&self, sources: &[NamedText], workspace_source: &str) -> Json {
        let opt = |s: Option<&str>| s.map_or(Json::Null, Json::from);
        let c = &self.coverage;
        Json::object()
            .with("passed", self.passed())
            .with("failed", self.failed())
            .with("examples", self.examples)
            .with(
                "cases",
                Json::Array(
                    self.results
                        .iter()
                        .map(|r| {
                            Json::object()
                                .with("name", r.name.as_str())
                                .with("at", locate(sources, &self.source, Some(r.span)))
                                .with("passed", r.passed())
                                .with("outcome", r.outcome.as_str())
                                .with("decision", r.decision.map_or(Json::Null, |d| Json::from(d.as_str())))
                                .with("policy", opt(r.policy.as_deref()))
                                .with("reason", opt(r.reason.as_deref()))
                                .with(
                                    "mismatches",
                                    Json::Array(
                                        r.mismatches
                                            .iter()
                                            .map(|m| {
                                                Json::object()
                                                    .with("field", m.field)
                                                    .with("expected", m.expected.as_str())
                                                    .with("actual", m.actual.as_str())
                                            })
                                            .collect(),
                                    ),
                                )
                        })
                        .collect(),
                ),
            )
            .with(
                "coverage",
                Json::object()
                    .with(
                        "groupRulesMissed",
                        Json::Array(
                            c.group_rules_missed
                                .iter()
                                .map(|(_, rule, span)| {
                                    Json::object()
                                        .with("rule", rule.as_str())
                                        .with("at", locate(sources, workspace_source, Some(*span)))
                                })
                                .collect(),
                        ),
                    )
                    .with("groupRulesTotal", c.group_rules_total)
                    .with("defaultPolicyExercised", c.default_policy_exercised.map_or(Json::Null, Json::Bool))
                    .with("policiesMissed", c.policies_missed.as_slice())
                    .with("policiesTotal", c.policies_total)
                    .with("rulesMissed", c.rules_missed.as_slice())
                    .with("rulesTotal", c.rules_total),
            )
    }
}

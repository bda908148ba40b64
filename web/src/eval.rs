//! The only module that talks to the engine: a [`Project`] in, a [`Report`] of plain rendering
//! data out (strings, counts, located problems), so components never handle engine types beyond
//! a few enums.
//!
//! [`Session`] keeps the parsed workspace and its `Evaluator` (self-referential, through
//! `self_cell`) between evaluations: after a command edit only the matching runs, after a policy
//! edit the workspace is parsed again. The baseline of the diff is prepared the same way and kept
//! while it does not change. Pure and synchronous: it runs natively in the tests.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use policy_engine::analysis::diff::{NO_GROUP, WorkspaceDiffOptions, all_users, decision_label, diff_workspaces};
use policy_engine::analysis::grid::{Grid, GridRow, grid};
use policy_engine::analysis::lint::lint_workspace;
use policy_engine::analysis::{Decider, decider};
use policy_engine::approval::Escalation;
use policy_engine::config::{apply_override, user_config_from_table};
use policy_engine::explain::{Evaluator, ExplainOptions, Explanation, Outcome, Scenario};
use policy_engine::json::Json;
use policy_engine::requirements::json::requirements_json_brief;
use policy_engine::requirements::settings::settings_json;
use policy_engine::shell::render_command;
use policy_engine::workspace::file::{TextOrigin, Workspace};
use policy_engine::workspace::internet::{InternetDecision, parse_request};
use policy_engine::workspace::rbac::RoleBasis;
use policy_engine::workspace::selection::PolicyVia;
use policy_engine::workspace::{WorkspaceParse, parse_workspace_after};
use policy_engine::{Decision, Diagnostic, LineIndex, PathContext, RuleOrigin, Severity, Span};
use self_cell::self_cell;
use yew::AttrValue;

use crate::project::{Doc, GridRows, Project, Snapshot, WORKSPACE_DOC, WhoMode};

pub use policy_engine::Reviewer;

/// Which result view is on screen: only its data is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// One scenario's trace.
    #[default]
    Trace,
    /// Users × commands.
    Grid,
    /// Draft against baseline.
    Diff,
    /// Every finding.
    Lint,
}

/// A place in a document, ready to print and to put the caret on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The document (`workspace.toml` or a file name).
    pub doc: AttrValue,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the document.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Start in UTF-16 code units, which is what `setSelectionRange` counts.
    pub caret_start: u32,
    /// End in UTF-16 code units.
    pub caret_end: u32,
}

impl Location {
    /// `file:line:column`.
    pub fn label(&self) -> String {
        [self.doc.as_str(), ":", &self.line.to_string(), ":", &self.column.to_string()].concat()
    }
}

/// A one-click repair offered with a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Insert `text` at byte `at` of `doc`.
    Insert {
        /// The document.
        doc: AttrValue,
        /// Byte offset.
        at: usize,
        /// What to insert.
        text: &'static str,
        /// The button's label.
        label: &'static str,
    },
    /// Create a missing referenced file.
    CreateDoc {
        /// Its name.
        name: String,
    },
}

/// What a problem is about when it is not located in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A document (see `location`, or `source` when it cannot be located).
    Doc,
    /// The command line.
    Command,
    /// The user's config values.
    Config,
}

/// One problem, located when possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error, warning or info.
    pub severity: Severity,
    /// Stable engine code.
    pub code: &'static str,
    /// The message (Codex's own text where Codex has one).
    pub message: String,
    /// Advice.
    pub help: Option<String>,
    /// What it is about.
    pub field: Field,
    /// The engine's source label (shown when it cannot be located).
    pub source: String,
    /// Where exactly.
    pub location: Option<Location>,
    /// Found by lint rather than by loading.
    pub lint: bool,
    /// A one-click repair.
    pub fix: Option<Fix>,
}

/// One matched prefix rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchView {
    /// How many argv elements it covered (they are highlighted).
    pub covered: usize,
    /// The matched prefix as the engine reports it (basename for host-executable matches).
    pub prefix: Vec<String>,
    /// Its decision.
    pub decision: Decision,
    /// Its justification.
    pub justification: Option<String>,
    /// Who reviews a prompt.
    pub reviewer: Option<Reviewer>,
    /// The absolute program path on a host-executable match.
    pub resolved_program: Option<String>,
    /// From a requirements `[rules]` table (admin) rather than a `.rules` file.
    pub admin: bool,
    /// The engine's origin label (file name or layer).
    pub source: String,
    /// Where it is written.
    pub at: Option<Location>,
    /// Whether this is the rule Codex quotes.
    pub deciding: bool,
}

/// The heuristics' verdict for an unmatched command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeuristicView {
    /// Its decision.
    pub decision: Decision,
    /// Stable step code.
    pub code: &'static str,
    /// The step in words.
    pub describe: &'static str,
    /// The known-safe check: holds, rule code, detail.
    pub safe: (bool, &'static str, String),
    /// The dangerous check, when it ran.
    pub dangerous: Option<(bool, &'static str, String)>,
}

/// One command of the split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandView {
    /// Its argv.
    pub argv: Vec<String>,
    /// Matched rules.
    pub matches: Vec<MatchView>,
    /// The heuristics, when no rule matched.
    pub heuristic: Option<HeuristicView>,
}

/// How the command was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// `plain`, `heredoc`, `not-a-wrapper`, …
    pub split_kind: &'static str,
    /// The split in words.
    pub split_text: String,
    /// The commands judged.
    pub commands: Vec<CommandView>,
    /// The strictest decision.
    pub decision: Decision,
    /// Codex's requirement: `skip`, `needs-approval`, `forbidden`.
    pub requirement: &'static str,
    /// "Don't ask again" prefix.
    pub amendment: Option<Vec<String>>,
    /// Where the amendment came from.
    pub amendment_source: Option<&'static str>,
    /// Runs outside the sandbox because every command has an `allow` rule.
    pub bypass_sandbox: bool,
    /// What decided when no rule did (`heuristics: …`).
    pub decided_by: Option<String>,
}

/// One requirement field or setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// Field name.
    pub name: String,
    /// Its value, compact.
    pub value: String,
    /// Source label.
    pub source: String,
    /// The document of the source, at the field's line when found.
    pub at: Option<Location>,
    /// Lower layers it shadowed.
    pub shadowed: Vec<String>,
    /// Codex's startup warning (settings).
    pub warning: Option<String>,
}

/// A policy rule, as shown in the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// 1-based position.
    pub number: usize,
    /// The group.
    pub group: String,
    /// The policy.
    pub policy: String,
    /// Where it is written.
    pub at: Option<Location>,
}

/// Which policy applies and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyView {
    /// The policy name.
    pub name: Option<String>,
    /// The deciding rule (first match).
    pub rule: Option<RuleRef>,
    /// The default fallback applied.
    pub by_default: bool,
    /// Later rules that matched too but do not apply.
    pub also: Vec<RuleRef>,
    /// Where the policy text starts.
    pub at: Option<Location>,
}

/// Who the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoView {
    /// Email, when looked up by email.
    pub user: Option<String>,
    /// Groups.
    pub groups: Vec<String>,
    /// Roles.
    pub roles: Vec<String>,
    /// `custom`, `default`, `none`.
    pub basis: &'static str,
    /// Codex local, cloud, admin, agent internet.
    pub surfaces: [bool; 4],
}

/// The whole answer for the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// What Codex does.
    pub outcome: Outcome,
    /// The exec-policy decision.
    pub decision: Option<Decision>,
    /// The text the developer sees.
    pub reason: Option<String>,
    /// The command as a shell line.
    pub command_line: String,
    /// Who.
    pub who: WhoView,
    /// Which policy.
    pub policy: PolicyView,
    /// Requirement layers, highest precedence first: label, why skipped.
    pub layers: Vec<(String, Option<&'static str>)>,
    /// Effective requirements.
    pub requirements: Vec<FieldRow>,
    /// Effective settings.
    pub settings: Vec<FieldRow>,
    /// The command's assessment.
    pub assessment: Option<Assessment>,
    /// The deciding rule, when a rule decided.
    pub decided_at: Option<Location>,
    /// `.rules` files loaded, and project files skipped as untrusted.
    pub rules_files: (Vec<String>, Vec<String>),
    /// The cloud-agent internet request's verdict, when one was asked.
    pub internet: Option<InternetDecision>,
}

/// Everything pickers and the structured panel need about the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormModel {
    /// `[workspace] name`.
    pub name: Option<String>,
    /// `[workspace] default_role`.
    pub default_role: Option<String>,
    /// Roles with `codex_local`, `codex_cloud`, `codex_admin`, `agent_internet`.
    pub roles: Vec<(String, [bool; 4])>,
    /// Groups with members and roles.
    pub groups: Vec<(String, Vec<String>, Vec<String>)>,
    /// Policy rules: group, policy.
    pub rules: Vec<(String, String)>,
    /// Default policy.
    pub default_policy: Option<String>,
    /// Policies: name, referenced file.
    pub policies: Vec<(String, Option<String>)>,
    /// Local layers: label, referenced file.
    pub layers: Vec<(&'static str, Option<String>)>,
    /// Rules files: layer, name, trusted.
    pub rules_files: Vec<(&'static str, String, bool)>,
    /// Every user (first spelling), for the user picker.
    pub users: Vec<String>,
}

/// The grid, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridView {
    /// The engine's grid.
    pub grid: Grid,
    /// Command lines, as written.
    pub lines: Vec<String>,
    /// Lines that could not be split: 1-based line number, text.
    pub bad_lines: Vec<(usize, String)>,
}

/// One changed requirement or setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChangeView {
    /// Field.
    pub field: String,
    /// Before (`unset`).
    pub old: String,
    /// After.
    pub new: String,
}

/// One changed rule decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChangeView {
    /// The command prefix set.
    pub prefix: String,
    /// A concrete example.
    pub example: String,
    /// Decision before.
    pub old: &'static str,
    /// After.
    pub new: &'static str,
    /// `stricter` / `looser` / `mixed`.
    pub verdict: &'static str,
}

/// What changes for the users moving between two policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairView {
    /// Policy before (`none`).
    pub old: String,
    /// After.
    pub new: String,
    /// Who moves this way.
    pub users: Vec<String>,
    /// Requirement changes.
    pub requirements: Vec<FieldChangeView>,
    /// Setting changes.
    pub settings: Vec<FieldChangeView>,
    /// Rule changes.
    pub rules: Vec<RuleChangeView>,
}

/// One (user, command) whose outcome changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeChangeView {
    /// Who.
    pub user: String,
    /// The command line.
    pub command: String,
    /// Its argv (to open its trace).
    pub argv: Vec<String>,
    /// Before.
    pub old: Outcome,
    /// After.
    pub new: Outcome,
    /// `stricter` / `looser`.
    pub verdict: &'static str,
    /// What the developer sees after.
    pub new_reason: Option<String>,
}

/// The diff against the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffView {
    /// No baseline marked.
    NoBaseline,
    /// One side does not parse.
    Broken {
        /// Which side: `baseline` or `draft`.
        side: &'static str,
    },
    /// The comparison.
    Ready {
        /// `stricter`, `looser`, `mixed`, or `None` when nothing changes.
        verdict: Option<&'static str>,
        /// (user, command) pairs compared.
        evaluated: usize,
        /// Users whose policy or access changes: user, before, after.
        users: Vec<(String, String, String)>,
        /// Outcome changes.
        outcomes: Vec<OutcomeChangeView>,
        /// Policy pairs with differences.
        pairs: Vec<PairView>,
    },
}

/// Everything the page shows for one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every problem: documents (parse and lint), the command, the config.
    pub problems: Vec<Problem>,
    /// Lint was left out of this evaluation (see [`Session::evaluate_with`]).
    pub lint_pending: bool,
    /// The workspace as the structured panel and pickers see it (`None`: it does not parse).
    pub model: Option<Rc<FormModel>>,
    /// The scenario's trace (`None`: the workspace does not parse).
    pub trace: Option<Trace>,
    /// The command as split into argv.
    pub argv: Vec<String>,
    /// The grid, when its view is on screen.
    pub grid: Option<Rc<GridView>>,
    /// The diff, when its view is on screen.
    pub diff: Option<Rc<DiffView>>,
}

impl Report {
    /// Problems in one document.
    pub fn problems_in<'a>(&'a self, doc: &'a str) -> impl Iterator<Item = &'a Problem> {
        self.problems.iter().filter(move |p| p.location.as_ref().is_some_and(|l| l.doc == doc))
    }

    /// Problems about one non-document field.
    #[cfg(test)]
    pub fn problems_of(&self, field: Field) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.field == field)
    }

    /// How many problems of a severity (lint included).
    pub fn count(&self, severity: Severity) -> usize {
        self.problems.iter().filter(|p| p.severity == severity).count()
    }
}

/// The parsed workspace and what parsing and linting found.
struct Parsed {
    snapshot: Snapshot,
    /// The Codex generation its evaluator follows.
    options: ExplainOptions,
    parse: WorkspaceParse,
}

/// Lint findings (beyond the parse diagnostics) of one snapshot.
struct Linted {
    snapshot: Snapshot,
    findings: Vec<Diagnostic>,
}

type MaybeEvaluator<'a> = Option<Evaluator<'a>>;

self_cell!(
    struct Prepared {
        owner: Parsed,
        #[covariant]
        dependent: MaybeEvaluator,
    }
);

impl Prepared {
    /// Parses `snapshot`, re-reading policies from `previous` (the workspace before the edit)
    /// where only part of them changed.
    fn build(snapshot: &Snapshot, options: ExplainOptions, previous: Option<&Workspace>) -> Prepared {
        let docs = Rc::clone(&snapshot.docs);
        let resolve = move |path: &str| -> Result<String, String> {
            docs.iter()
                .find(|d| d.name == path)
                .map(|d| d.text.to_string())
                .ok_or_else(|| "there is no file of that name in this workspace; add it with “New file”".to_owned())
        };
        let parse = parse_workspace_after(&snapshot.workspace, WORKSPACE_DOC, &resolve, previous);
        Prepared::new(Parsed { snapshot: snapshot.clone(), options, parse }, |p| {
            p.parse.workspace.as_ref().map(|ws| Evaluator::new(ws, p.options, PathContext::default()))
        })
    }
}

/// Keeps the prepared workspace (and baseline) between evaluations.
#[derive(Default)]
pub struct Session {
    current: Option<Prepared>,
    baseline: Option<Prepared>,
    lint: Option<Linted>,
    /// Workspaces replaced by an edit: freeing a big one costs about as much as parsing it, so
    /// it waits for [`Session::release`] instead of delaying the new result.
    retired: Vec<Prepared>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session")
    }
}

fn prepared<'a>(
    slot: &'a mut Option<Prepared>,
    snapshot: &Snapshot,
    options: ExplainOptions,
    retired: &mut Vec<Prepared>,
) -> &'a Prepared {
    if slot.as_ref().is_none_or(|p| p.borrow_owner().snapshot != *snapshot || p.borrow_owner().options != options) {
        let previous = slot.as_ref().and_then(|p| p.borrow_owner().parse.workspace.as_ref());
        let next = Prepared::build(snapshot, options, previous);
        retired.extend(slot.replace(next));
    }
    slot.get_or_insert_with(|| Prepared::build(snapshot, options, None))
}

impl Session {
    /// Frees the workspaces earlier edits replaced (call when idle); whether there were any.
    pub fn release(&mut self) -> bool {
        let any = !self.retired.is_empty();
        self.retired.clear();
        any
    }

    /// Evaluates `project` for `view`, lint included.
    #[cfg(test)]
    pub fn evaluate(&mut self, project: &Project, view: View) -> Report {
        self.evaluate_with(project, view, true)
    }

    /// Evaluates `project` for `view`. Lint costs more than the rest together on big policies
    /// (it parses every document again and checks every pair of rules), so while someone types
    /// the caller may leave it out (`lint: false`): the report then carries the parse problems
    /// only, marked `lint_pending`, until a later call with `lint: true`.
    pub fn evaluate_with(&mut self, project: &Project, view: View, lint: bool) -> Report {
        let snapshot = project.snapshot();
        let current = prepared(&mut self.current, &snapshot, project.scenario.codex, &mut self.retired);
        let parsed = current.borrow_owner();
        let fresh = self.lint.as_ref().is_some_and(|l| l.snapshot == snapshot);
        if lint && !fresh {
            let report = lint_workspace(&parsed.parse, WORKSPACE_DOC, &snapshot.workspace, &PathContext::default());
            // The lint report repeats the parse diagnostics; keep only its own findings.
            let findings = report.diagnostics.into_iter().filter(|d| !parsed.parse.diagnostics.contains(d)).collect();
            self.lint = Some(Linted { snapshot: snapshot.clone(), findings });
        }
        let workspace = parsed.parse.workspace.as_ref();
        let locator = Locator::new(&parsed.snapshot, workspace);
        let mut problems: Vec<Problem> =
            parsed.parse.diagnostics.iter().map(|d| locator.problem(d, None, false)).collect();
        let lint_pending = match &self.lint {
            Some(l) if l.snapshot == snapshot => {
                problems.extend(l.findings.iter().map(|d| locator.problem(d, None, true)));
                false
            }
            _ => true,
        };

        let (argv, command_problem) = split_command(&project.scenario.command, project.scenario.argv_mode);
        problems.extend(command_problem);
        let (config, config_problems) = user_config(project);
        problems.extend(config_problems);
        let (internet, internet_problem) = internet_request(&project.scenario.internet);
        problems.extend(internet_problem);

        let mut report =
            Report { problems: Vec::new(), lint_pending, model: None, trace: None, argv, grid: None, diff: None };
        if let (Some(workspace), Some(evaluator)) = (workspace, current.borrow_dependent().as_ref()) {
            report.model = Some(Rc::new(form_model(workspace)));
            let scenario = scenario(project, &report.argv, config, internet);
            let explanation = evaluator.explain(&scenario);
            for d in &explanation.diagnostics {
                problems.push(locator.problem(d, explanation.policy.name.as_deref(), false));
            }
            let files = evaluator.file_rules();
            let rules_files = (files.loaded.clone(), files.untrusted.clone());
            report.trace = Some(trace(&explanation, workspace, &locator, &report.argv, rules_files));
            if view == View::Grid {
                report.grid = Some(Rc::new(grid_view(evaluator, workspace, project, &scenario)));
            }
        }
        if view == View::Diff {
            report.diff = Some(Rc::new(self.diff_view(project)));
        }
        dedupe(&mut problems);
        report.problems = problems;
        report
    }

    fn diff_view(&mut self, project: &Project) -> DiffView {
        let Some(baseline) = &project.baseline else {
            self.baseline = None;
            return DiffView::NoBaseline;
        };
        let old = prepared(&mut self.baseline, baseline, project.scenario.codex, &mut self.retired);
        let Some(new) = self.current.as_ref() else { return DiffView::Broken { side: "draft" } };
        let (Some(old_ev), Some(new_ev)) = (old.borrow_dependent().as_ref(), new.borrow_dependent().as_ref()) else {
            let side = if old.borrow_dependent().is_none() { "baseline" } else { "draft" };
            return DiffView::Broken { side };
        };
        let options = WorkspaceDiffOptions {
            commands: command_lines(&project.grid.commands).0.into_iter().map(|(_, argv)| argv).collect(),
            host: non_empty(&project.scenario.host),
            paths: PathContext::default(),
        };
        let diff = diff_workspaces(old_ev, new_ev, &options);
        let label = |name: Option<&String>, via: &PolicyVia| -> String {
            match (name, via) {
                (Some(name), PolicyVia::Group(g)) => [name.as_str(), " (group ", g, ")"].concat(),
                (Some(name), _) => [name.as_str(), " (default)"].concat(),
                (None, _) => "no policy".to_owned(),
            }
        };
        let access = |ok: bool| if ok { "" } else { ", no Codex local" };
        DiffView::Ready {
            verdict: diff.verdict.map(policy_engine::analysis::Verdict::as_str),
            evaluated: diff.evaluated,
            users: diff
                .users
                .iter()
                .map(|u| {
                    (
                        u.user.clone(),
                        [label(u.old.name.as_ref(), &u.old.via), access(u.access.0).to_owned()].concat(),
                        [label(u.new.name.as_ref(), &u.new.via), access(u.access.1).to_owned()].concat(),
                    )
                })
                .collect(),
            outcomes: diff
                .outcomes
                .iter()
                .map(|o| OutcomeChangeView {
                    user: o.user.clone(),
                    command: render_command(&o.argv),
                    argv: o.argv.clone(),
                    old: o.old,
                    new: o.new,
                    verdict: o.verdict.as_str(),
                    new_reason: o.new_reason.clone(),
                })
                .collect(),
            pairs: diff
                .pairs
                .iter()
                .map(|p| PairView {
                    old: p.old_policy.clone().unwrap_or_else(|| "no policy".to_owned()),
                    new: p.new_policy.clone().unwrap_or_else(|| "no policy".to_owned()),
                    users: p.users.clone(),
                    requirements: p.requirements.iter().map(field_change).collect(),
                    settings: p.settings.iter().map(field_change).collect(),
                    rules: p
                        .rules
                        .changes
                        .iter()
                        .map(|c| RuleChangeView {
                            prefix: p.rules.render_prefix(c),
                            example: render_command(&c.example),
                            old: decision_label(c.old),
                            new: decision_label(c.new),
                            verdict: c.verdict.as_str(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn field_change(c: &policy_engine::analysis::diff::FieldChange) -> FieldChangeView {
    let show = |v: &Option<Json>| match v {
        None => "unset".to_owned(),
        Some(j) => {
            let value = j.get("value").unwrap_or(j);
            let source = j.get("source").and_then(Json::as_str);
            match source {
                Some(s) => [compact(value).as_str(), " (", s, ")"].concat(),
                None => compact(value),
            }
        }
    };
    FieldChangeView { field: c.field.clone(), old: show(&c.old), new: show(&c.new) }
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A value for people: strings unquoted, everything else as compact JSON.
fn compact(value: &Json) -> String {
    match value {
        Json::Str(s) => s.clone(),
        Json::Array(items) if items.iter().all(|i| matches!(i, Json::Str(_))) => {
            let parts: Vec<&str> = items.iter().filter_map(Json::as_str).collect();
            ["[", &parts.join(", "), "]"].concat()
        }
        other => other.to_compact(),
    }
}

/// Command lines that split (`(line, argv)`) and those that do not (`(number, line)`).
type CommandLines = (Vec<(String, Vec<String>)>, Vec<(usize, String)>);

/// Each non-blank line of a command list split into argv: `(line, argv)`, then the lines that
/// do not split (1-based number, text).
pub fn command_lines(text: &str) -> CommandLines {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match shlex::split(line) {
            Some(argv) if !argv.is_empty() => ok.push((line.to_owned(), argv)),
            _ => bad.push((i + 1, line.to_owned())),
        }
    }
    (ok, bad)
}

fn split_command(command: &str, argv_mode: bool) -> (Vec<String>, Option<Problem>) {
    if argv_mode {
        let mut argv: Vec<String> = command.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned()).collect();
        while argv.last().is_some_and(String::is_empty) {
            argv.pop();
        }
        return (argv, None);
    }
    if let Some(argv) = shlex::split(command) {
        (argv, None)
    } else {
        {
            let offset = unterminated_quote(command).unwrap_or(command.len().saturating_sub(1));
            let (line, column) = LineIndex::new(command).line_col(offset);
            let problem = Problem {
                severity: Severity::Error,
                code: "command/unbalanced-quotes",
                message: "the command line has an unterminated quote or a trailing backslash".to_owned(),
                help: Some("close the quote, or escape it with `\\`".to_owned()),
                field: Field::Command,
                source: "command".to_owned(),
                location: Some(Location {
                    doc: AttrValue::Static("command"),
                    line,
                    column,
                    start: offset,
                    end: command.len(),
                    caret_start: utf16_offset(command, offset),
                    caret_end: utf16_offset(command, command.len()),
                }),
                lint: false,
                fix: None,
            };
            (Vec::new(), Some(problem))
        }
    }
}

/// Byte offset of a quote that is still open at the end of `command`, per POSIX quoting.
fn unterminated_quote(command: &str) -> Option<usize> {
    let mut open: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in command.char_indices() {
        match open {
            // Nothing escapes inside single quotes.
            Some((_, '\'')) => {
                if c == '\'' {
                    open = None;
                }
            }
            _ if escaped => escaped = false,
            _ if c == '\\' => escaped = true,
            Some(_) => {
                if c == '"' {
                    open = None;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    open = Some((i, c));
                }
            }
        }
    }
    open.map(|(i, _)| i)
}

fn user_config(project: &Project) -> (policy_engine::requirements::UserConfig, Vec<Problem>) {
    let config_problem = |message: String| Problem {
        severity: Severity::Error,
        code: "config/invalid",
        message,
        help: Some("values follow `codex -c KEY=VALUE`: TOML when it parses, a plain string otherwise".to_owned()),
        field: Field::Config,
        source: "config".to_owned(),
        location: None,
        lint: false,
        fix: None,
    };
    let mut table = policy_engine::tomlread::Table::new();
    let mut problems = Vec::new();
    for assignment in project.scenario.config.assignments() {
        if let Err(e) = apply_override(&mut table, &assignment) {
            problems.push(config_problem(e));
        }
    }
    match user_config_from_table(&table) {
        Ok(config) => (config, problems),
        Err(e) => {
            problems.push(config_problem(e));
            (policy_engine::requirements::UserConfig::default(), problems)
        }
    }
}

/// The scenario's internet request as `(METHOD, URL)`, read as `codex-policy explain --internet`
/// reads it (empty is none), or the problem with it.
fn internet_request(text: &str) -> (Option<(String, String)>, Option<Problem>) {
    if text.trim().is_empty() {
        return (None, None);
    }
    match parse_request(text) {
        Some(request) => (Some(request), None),
        None => (
            None,
            Some(Problem {
                severity: Severity::Error,
                code: "config/internet-request",
                message: ["the internet request `", text.trim(), "` is not `METHOD URL`"].concat(),
                help: Some("for example `GET https://pypi.org/simple/`".to_owned()),
                field: Field::Config,
                source: "config".to_owned(),
                location: None,
                lint: false,
                fix: None,
            }),
        ),
    }
}

fn scenario(
    project: &Project,
    argv: &[String],
    config: policy_engine::requirements::UserConfig,
    internet: Option<(String, String)>,
) -> Scenario {
    let s = &project.scenario;
    let (user, groups) = match s.mode {
        WhoMode::Groups => (None, Some(s.groups.iter().map(ToString::to_string).collect())),
        WhoMode::User => match non_empty(&s.user) {
            Some(email) if email != NO_GROUP => (Some(email), None),
            _ => (None, Some(Vec::new())),
        },
    };
    Scenario {
        user,
        groups,
        argv: argv.to_vec(),
        config,
        host: non_empty(&s.host),
        escalation: if s.escalate { Escalation::RequireEscalated } else { Escalation::None },
        internet,
        ..Scenario::default()
    }
}

fn grid_view(evaluator: &Evaluator<'_>, workspace: &Workspace, project: &Project, base: &Scenario) -> GridView {
    let (commands, bad_lines) = command_lines(&project.grid.commands);
    let rows: Vec<GridRow> = match project.grid.rows {
        GridRows::Users => all_users(&[workspace]).into_iter().map(GridRow::User).collect(),
        GridRows::Groups => workspace
            .groups
            .iter()
            .map(|g| GridRow::Groups(vec![g.name.clone()]))
            .chain(std::iter::once(GridRow::Groups(Vec::new())))
            .collect(),
    };
    let argvs: Vec<Vec<String>> = commands.iter().map(|(_, a)| a.clone()).collect();
    GridView {
        grid: grid(evaluator, &rows, &argvs, base),
        lines: commands.into_iter().map(|(l, _)| l).collect(),
        bad_lines,
    }
}

fn form_model(ws: &Workspace) -> FormModel {
    use policy_engine::requirements::LayerKind;
    let file_of = |origin: &TextOrigin| match origin {
        TextOrigin::File { path } => Some(path.clone()),
        TextOrigin::Inline { .. } => None,
    };
    let mut rules_files = Vec::new();
    for (layer, files) in [("system", &ws.rules.system), ("user", &ws.rules.user), ("project", &ws.rules.project)] {
        for f in files {
            rules_files.push((layer, f.name.clone(), f.trusted));
        }
    }
    FormModel {
        name: ws.name.clone(),
        default_role: ws.default_role.as_ref().map(|r| r.name.clone()),
        roles: ws
            .roles
            .iter()
            .map(|r| {
                let p = r.permissions;
                (r.name.clone(), [p.codex_local, p.codex_cloud, p.codex_admin, p.agent_internet])
            })
            .collect(),
        groups: ws
            .groups
            .iter()
            .map(|g| (g.name.clone(), g.members.clone(), g.roles.iter().map(|r| r.name.clone()).collect()))
            .collect(),
        rules: ws.policy_rules.iter().map(|r| (r.group.name.clone(), r.policy.name.clone())).collect(),
        default_policy: ws.default_policy.as_ref().map(|d| d.name.clone()),
        policies: ws.policies.iter().map(|p| (p.name.clone(), file_of(&p.origin))).collect(),
        layers: ws
            .layers
            .iter()
            .map(|l| {
                let label = match l.kind {
                    LayerKind::Mdm => "MDM",
                    LayerKind::System => "system requirements.toml",
                    LayerKind::LegacyManagedConfigFile | LayerKind::LegacyManagedConfigMdm => {
                        "legacy managed_config.toml"
                    }
                    LayerKind::Cloud => "cloud",
                    LayerKind::Unspecified => "unspecified",
                };
                (label, file_of(&l.origin))
            })
            .collect(),
        rules_files,
        users: all_users(&[ws]).into_iter().filter(|u| u != NO_GROUP).collect(),
    }
}

fn trace(
    e: &Explanation,
    ws: &Workspace,
    locator: &Locator<'_>,
    argv: &[String],
    rules_files: (Vec<String>, Vec<String>),
) -> Trace {
    let policy_name = e.policy.name.as_deref();
    let rule_ref = |i: usize| {
        ws.policy_rules.get(i).map(|r| RuleRef {
            number: i + 1,
            group: r.group.name.clone(),
            policy: r.policy.name.clone(),
            at: locator.at(WORKSPACE_DOC, r.span),
        })
    };
    let policy = PolicyView {
        name: e.policy.name.clone(),
        rule: e.policy.rule_index.and_then(rule_ref),
        by_default: e.policy.via == PolicyVia::Default,
        also: e.policy.also_matched.iter().filter_map(|&i| rule_ref(i)).collect(),
        at: policy_name.and_then(|name| locator.policy_start(name)),
    };
    let who = WhoView {
        user: e.identity.user.clone(),
        groups: e.identity.groups.clone(),
        roles: e.identity.roles.clone(),
        basis: match e.identity.basis {
            RoleBasis::Custom => "custom",
            RoleBasis::Default => "default",
            RoleBasis::None => "none",
        },
        surfaces: {
            let p = e.identity.permissions;
            [p.codex_local, p.codex_cloud, p.codex_admin, p.agent_internet]
        },
    };
    let mut out = Trace {
        outcome: e.outcome,
        decision: e.decision,
        reason: e.reason.clone(),
        command_line: render_command(argv),
        who,
        policy,
        layers: Vec::new(),
        requirements: Vec::new(),
        settings: Vec::new(),
        assessment: None,
        decided_at: None,
        rules_files,
        internet: e.internet.clone(),
    };
    if let Some(context) = &e.context {
        out.layers = context.composed.layers.iter().map(|l| (l.source.label(), l.skipped)).collect();
        if let Some(reqs) = &context.composed.requirements {
            out.requirements = field_rows(&requirements_json_brief(reqs), locator, policy_name);
        }
    }
    if let Some(settings) = &e.settings {
        out.settings = field_rows(&settings_json(settings), locator, policy_name);
    }
    let deciding: Option<&RuleOrigin> = match decider(e) {
        Decider::Rule(origin) => Some(origin),
        Decider::Label(_) => None,
    };
    out.decided_at = deciding.and_then(|o| locator.origin(o, policy_name));
    if let Some(a) = &e.command {
        out.assessment = Some(Assessment {
            split_kind: a.split.explanation.kind(),
            split_text: a.split.explanation.to_string(),
            commands: a
                .commands
                .iter()
                .map(|c| CommandView {
                    argv: c.argv.clone(),
                    matches: c
                        .prefix_matches
                        .iter()
                        .map(|m| MatchView {
                            covered: m.matched_prefix.len(),
                            prefix: m.matched_prefix.clone(),
                            decision: m.decision,
                            justification: m.justification.clone(),
                            reviewer: m.reviewer,
                            resolved_program: m.resolved_program.clone(),
                            admin: m.origin.as_ref().is_some_and(|o| o.from_requirements),
                            source: m.origin.as_ref().map_or_else(String::new, |o| o.source.to_string()),
                            at: m.origin.as_ref().and_then(|o| locator.origin(o, policy_name)),
                            deciding: deciding.is_some_and(|d| m.origin.as_ref() == Some(d)),
                        })
                        .collect(),
                    heuristic: c.heuristics.as_ref().map(|h| HeuristicView {
                        decision: h.decision,
                        code: h.rule.code(),
                        describe: h.rule.describe(),
                        safe: (h.safe.holds, h.safe.rule, h.safe.detail.to_string()),
                        dangerous: h.dangerous.as_ref().map(|d| (d.holds, d.rule, d.detail.to_string())),
                    }),
                })
                .collect(),
            decision: a.decision,
            requirement: a.requirement.kind(),
            amendment: a.amendment().map(<[String]>::to_vec),
            amendment_source: a.amendment_source.map(policy_engine::approval::AmendmentSource::as_str),
            bypass_sandbox: a.bypass_sandbox(),
            decided_by: match decider(e) {
                Decider::Label(label) if label != "none" => Some(label),
                _ => None,
            },
        });
    }
    out
}

fn field_rows(json: &Json, locator: &Locator<'_>, policy: Option<&str>) -> Vec<FieldRow> {
    let Json::Object(members) = json else { return Vec::new() };
    members
        .iter()
        .map(|(name, v)| {
            let value = v.get("value").unwrap_or(v);
            let value = if name == "rules" {
                let n = match value.get("prefix_rule_count") {
                    Some(Json::Int(n)) => *n,
                    _ => 0,
                };
                [n.to_string().as_str(), if n == 1 { " prefix rule" } else { " prefix rules" }].concat()
            } else {
                compact(value)
            };
            let source = v.get("source").and_then(Json::as_str).unwrap_or("").to_owned();
            // A setting forced by a requirement points at the requirement that forced it.
            let key = match name.as_str() {
                "approval_policy" => "allowed_approval_policies",
                "sandbox_mode" => "allowed_sandbox_modes",
                "web_search" => "allowed_web_search_modes",
                "approvals_reviewer" => "allowed_approvals_reviewers",
                other => other,
            };
            FieldRow {
                at: locator.field(&source, key, policy),
                name: name.clone(),
                value,
                source,
                shadowed: v
                    .get("shadowed")
                    .and_then(Json::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect(),
                warning: v.get("warning").and_then(Json::as_str).map(str::to_owned),
            }
        })
        .collect()
}

/// Where a problem is and what it says: two problems with the same key are one.
type ProblemKey = (Option<(AttrValue, usize, usize)>, String);

fn dedupe(problems: &mut Vec<Problem>) {
    let mut seen: Vec<ProblemKey> = Vec::new();
    problems.retain(|p| {
        let key = (p.location.as_ref().map(|l| (l.doc.clone(), l.start, l.end)), p.message.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    // Errors first, then warnings, then infos; stable within each.
    problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
}

/// Maps engine source labels and spans to documents, lines and caret offsets.
struct Locator<'a> {
    snapshot: &'a Snapshot,
    workspace: Option<&'a Workspace>,
    lines: RefCell<HashMap<String, Rc<Vec<usize>>>>,
}

impl<'a> Locator<'a> {
    fn new(snapshot: &'a Snapshot, workspace: Option<&'a Workspace>) -> Self {
        Self { snapshot, workspace, lines: RefCell::new(HashMap::new()) }
    }

    fn text(&self, doc: &str) -> Option<(AttrValue, &'a str)> {
        if doc == WORKSPACE_DOC {
            return Some((AttrValue::Static(WORKSPACE_DOC), self.snapshot.workspace.as_str()));
        }
        self.snapshot.docs.iter().find(|d| d.name == doc).map(|d: &'a Doc| (d.name.clone(), d.text.as_str()))
    }

    /// Location of `span` in `doc`.
    fn at(&self, doc: &str, span: Span) -> Option<Location> {
        let (name, text) = self.text(doc)?;
        Some(self.locate(&name, text, span.start, span.end))
    }

    fn locate(&self, name: &AttrValue, text: &str, start: usize, end: usize) -> Location {
        let starts =
            Rc::clone(self.lines.borrow_mut().entry(name.to_string()).or_insert_with(|| Rc::new(line_starts(text))));
        let start = start.min(text.len());
        let end = end.clamp(start, text.len());
        let line = starts.partition_point(|&s| s <= start).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(line_start..start).map_or(1, |s| s.chars().count() + 1);
        Location {
            doc: name.clone(),
            line,
            column,
            start,
            end,
            caret_start: utf16_offset(text, start),
            caret_end: utf16_offset(text, end),
        }
    }

    /// Where an inline text (policy, layer, rules file) sits in the workspace file.
    fn inline_offset(&self, origin: &TextOrigin, text: Option<&str>) -> Option<usize> {
        match origin {
            TextOrigin::Inline { offset: Some(offset) } => Some(*offset),
            TextOrigin::Inline { offset: None } => find_unique(&self.snapshot.workspace, text?),
            TextOrigin::File { .. } => None,
        }
    }

    /// The document and offset a source label's spans point into, for the selected `policy`.
    fn base(&self, source: &str, policy: Option<&str>) -> Option<(String, usize)> {
        if source.is_empty() || source == WORKSPACE_DOC {
            return Some((WORKSPACE_DOC.to_owned(), 0));
        }
        if self.text(source).is_some() {
            return Some((source.to_owned(), 0));
        }
        let ws = self.workspace?;
        let policy_named = |name: &str| -> Option<(String, usize)> {
            let p = ws.policy(name)?;
            match &p.origin {
                TextOrigin::File { path } => Some((path.clone(), 0)),
                origin @ TextOrigin::Inline { .. } => {
                    Some((WORKSPACE_DOC.to_owned(), self.inline_offset(origin, p.text.as_deref())?))
                }
            }
        };
        if source == policy_engine::requirements::RequirementSource::Cloud.label() {
            return policy_named(policy?);
        }
        if let Some(name) = source.strip_prefix("policies.") {
            return policy_named(name);
        }
        for layer in &ws.layers {
            let label = layer.to_input().map(|i| i.source.label());
            let matches = label.as_deref() == Some(source) || layer.path.as_deref() == Some(source);
            if matches {
                return match &layer.origin {
                    TextOrigin::File { path } => Some((path.clone(), 0)),
                    origin @ TextOrigin::Inline { .. } => {
                        Some((WORKSPACE_DOC.to_owned(), self.inline_offset(origin, layer.text.as_deref())?))
                    }
                };
            }
        }
        let rules = &ws.rules;
        let spec = rules.system.iter().chain(&rules.user).chain(&rules.project).find(|s| s.name == source)?;
        Some((WORKSPACE_DOC.to_owned(), find_unique(&self.snapshot.workspace, spec.text.as_deref()?)?))
    }

    fn origin(&self, origin: &RuleOrigin, policy: Option<&str>) -> Option<Location> {
        let (doc, offset) = self.base(&origin.source, policy)?;
        self.at(&doc, Span::new(origin.span.start + offset, origin.span.end + offset))
    }

    /// Where the selected policy's text starts.
    fn policy_start(&self, name: &str) -> Option<Location> {
        let (doc, offset) = self.base(&["policies.", name].concat(), Some(name))?;
        self.at(&doc, Span::new(offset, offset))
    }

    /// The line of `key = …` in the document behind `source`.
    fn field(&self, source: &str, key: &str, policy: Option<&str>) -> Option<Location> {
        let (doc, offset) = self.base(source, policy)?;
        let (_, text) = self.text(&doc)?;
        let rest = text.get(offset..)?;
        let mut at = 0;
        for line in rest.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with(key) && trimmed.get(key.len()..).is_some_and(|r| r.trim_start().starts_with('=')) {
                let start = offset + at + (line.len() - trimmed.len());
                return self.at(&doc, Span::new(start, start + key.len()));
            }
            if key == "rules" && trimmed.starts_with("[rules]") {
                let start = offset + at;
                return self.at(&doc, Span::new(start, start + 7));
            }
            // An inline document ends at its closing quotes.
            if doc == WORKSPACE_DOC && offset > 0 && (trimmed.starts_with("'''") || trimmed.starts_with("\"\"\"")) {
                break;
            }
            at += line.len();
        }
        self.at(&doc, Span::new(offset, offset))
    }

    fn problem(&self, d: &Diagnostic, policy: Option<&str>, lint: bool) -> Problem {
        let location = self.base(&d.source, policy).and_then(|(doc, offset)| {
            let span = d.span.unwrap_or_default();
            if d.span.is_none() && doc == WORKSPACE_DOC && !d.source.is_empty() && d.source != WORKSPACE_DOC {
                return None;
            }
            self.at(&doc, Span::new(span.start + offset, span.end + offset))
        });
        let fix = self.fix(d, location.as_ref());
        Problem {
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            help: d.help.clone(),
            field: Field::Doc,
            source: if d.source.is_empty() { WORKSPACE_DOC.to_owned() } else { d.source.clone() },
            location,
            lint,
            fix,
        }
    }

    fn fix(&self, d: &Diagnostic, location: Option<&Location>) -> Option<Fix> {
        if d.code == "workspace/unreadable-file" {
            let (_, text) = self.text(WORKSPACE_DOC)?;
            let span = d.span?;
            let raw = text.get(span.start..span.end)?;
            let name = raw.trim_matches(|c| c == '"' || c == '\'');
            return (!name.is_empty() && name != WORKSPACE_DOC).then(|| Fix::CreateDoc { name: name.to_owned() });
        }
        if d.message.contains("must include 'read-only'") || d.code == "requirements/sandbox-without-read-only" {
            let location = location?;
            let (_, text) = self.text(&location.doc)?;
            let key = text.get(location.start..)?.find("allowed_sandbox_modes").map(|i| i + location.start);
            let key = key.or_else(|| {
                // The span may start after the key (at the value); look back to its line.
                let line_start = text.get(..location.start)?.rfind('\n').map_or(0, |i| i + 1);
                text.get(line_start..)?.find("allowed_sandbox_modes").map(|i| i + line_start)
            })?;
            let open = text.get(key..)?.find('[')? + key;
            let empty = text.get(open + 1..)?.trim_start().starts_with(']');
            return Some(Fix::Insert {
                doc: location.doc.clone(),
                at: open + 1,
                text: if empty { "\"read-only\"" } else { "\"read-only\", " },
                label: "Add \"read-only\"",
            });
        }
        None
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    out.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
    out
}

/// The offset of `needle` in `haystack` when it occurs exactly once.
fn find_unique(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let first = haystack.find(needle)?;
    haystack.get(first + 1..).and_then(|rest| rest.find(needle)).is_none().then_some(first)
}

/// UTF-16 length of `text[..byte]`, clamped to the text and to the previous character boundary.
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let prefix = text.get(..byte).unwrap_or("");
    let units = if prefix.is_ascii() { prefix.len() } else { prefix.encode_utf16().count() };
    u32::try_from(units).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;

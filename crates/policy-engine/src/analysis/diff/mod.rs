//! Semantic diff: between two command policies ([`policy::diff_policies`], exact), and between two
//! workspaces ([`diff_workspaces`]): whose cloud policy changes, which effective requirements and
//! settings change (value and source), how each policy's command rules change, and how the
//! outcome of each (user, command) pair of a command list changes.
//!
//! Users are every member of every group in either workspace, plus one row for people in no
//! group (`(no group)`), who get the default policy. Requirements, settings and rules are
//! compared once per (old policy, new policy) pair that somebody moves through, and once per
//! policy name present in both workspaces, so a policy nobody uses is still compared.
//! Settings are resolved for a user with no explicit configuration.

pub mod policy;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::analysis::{Verdict, outcome_rank, rule_site, shell_words};
use crate::explain::{Evaluator, Outcome, Scenario};
use crate::json::Json;
use crate::paths::PathContext;
use crate::policy::{MatchOptions, RuleOrigin};
use crate::requirements::json::requirements_json;
use crate::requirements::settings::{UserConfig, resolve_settings, settings_json};
use crate::workspace::file::Workspace;
use crate::workspace::selection::PolicySelection;

pub use policy::{PolicyDiff, PrefixChange, ProgramClass, decision_label, decision_rank, diff_policies};

/// The row standing for everybody who is in no group of the workspace.
pub const NO_GROUP: &str = "(no group)";

/// A user whose cloud policy or Codex access changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    /// Email, or [`NO_GROUP`].
    pub user: String,
    /// Selected policy before.
    pub old: PolicySelection,
    /// Selected policy after.
    pub new: PolicySelection,
    /// Codex local access before and after (RBAC).
    pub access: (bool, bool),
}

/// One requirement field or setting whose value or source changes.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Field name (`allowed_sandbox_modes`, `approval_policy`, …).
    pub field: String,
    /// `{"value","source"}` before (`None`: unset).
    pub old: Option<Json>,
    /// After.
    pub new: Option<Json>,
}

/// What changes for the users moving from one policy to another.
#[derive(Debug, Clone)]
pub struct PolicyPairChange {
    /// Policy before (`None`: no cloud policy).
    pub old_policy: Option<String>,
    /// Policy after.
    pub new_policy: Option<String>,
    /// Who moves this way (empty when only compared by name).
    pub users: Vec<String>,
    /// Effective requirement fields that change.
    pub requirements: Vec<FieldChange>,
    /// Effective settings (no explicit user config) that change.
    pub settings: Vec<FieldChange>,
    /// How the command rules change.
    pub rules: PolicyDiff,
}

impl PolicyPairChange {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && self.settings.is_empty() && self.rules.changes.is_empty()
    }
}

/// A (user, command) pair whose outcome changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeChange {
    /// Email, or [`NO_GROUP`].
    pub user: String,
    /// The command.
    pub argv: Vec<String>,
    /// Outcome before.
    pub old: Outcome,
    /// Outcome after.
    pub new: Outcome,
    /// Stricter or looser (by [`outcome_rank`]).
    pub verdict: Verdict,
    /// Reason before.
    pub old_reason: Option<String>,
    /// Reason after.
    pub new_reason: Option<String>,
}

/// The diff of two workspaces.
#[derive(Debug, Clone)]
pub struct WorkspaceDiff {
    /// Users whose policy or access changes.
    pub users: Vec<UserChange>,
    /// Per policy pair with differences.
    pub pairs: Vec<PolicyPairChange>,
    /// Outcome changes over the command list.
    pub outcomes: Vec<OutcomeChange>,
    /// How many (user, command) pairs were evaluated.
    pub evaluated: usize,
    /// Everything together; `None` when no outcome or rule decision changes.
    pub verdict: Option<Verdict>,
}

/// What to compare besides the workspaces themselves.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceDiffOptions {
    /// Commands whose outcome to compare for every user.
    pub commands: Vec<Vec<String>>,
    /// Host name (for `remote_sandbox_config`).
    pub host: Option<String>,
    /// Working and home directory.
    pub paths: PathContext,
}

/// Every user of either workspace (first spelling kept, compared case-insensitively), then
/// [`NO_GROUP`].
pub fn all_users(workspaces: &[&Workspace]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for ws in workspaces {
        for group in &ws.groups {
            for member in &group.members {
                if seen.insert(member.to_ascii_lowercase()) {
                    out.push(member.clone());
                }
            }
        }
    }
    out.push(NO_GROUP.to_owned());
    out
}

fn scenario_for(user: &str, argv: Vec<String>, options: &WorkspaceDiffOptions) -> Scenario {
    let (user, groups) = if user == NO_GROUP { (None, Some(Vec::new())) } else { (Some(user.to_owned()), None) };
    Scenario { user, groups, argv, host: options.host.clone(), paths: options.paths.clone(), ..Scenario::default() }
}

fn selection_for(ws: &Workspace, user: &str) -> (PolicySelection, bool) {
    let identity = if user == NO_GROUP { ws.identify_groups(&[]) } else { ws.identify_user(user) };
    (ws.select_policy(&identity.groups), identity.denied().is_none())
}

/// `{"value","source"}` of each member of a `requirements`/`settings` JSON object.
fn fields(json: &Json) -> Vec<(String, Json)> {
    let Json::Object(members) = json else { return Vec::new() };
    members
        .iter()
        .map(|(k, v)| {
            let slim = match v {
                Json::Object(_) => Json::object()
                    .with("value", v.get("value").cloned().unwrap_or(Json::Null))
                    .with("source", v.get("source").cloned().unwrap_or(Json::Null))
                    .with_opt("warning", v.get("warning").cloned()),
                other => other.clone(),
            };
            (k.clone(), slim)
        })
        .collect()
}

fn field_changes(old: &Json, new: &Json) -> Vec<FieldChange> {
    let old = fields(old);
    let new = fields(new);
    let mut names: Vec<&String> = old.iter().map(|(k, _)| k).collect();
    for (k, _) in &new {
        if !names.contains(&k) {
            names.push(k);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let o = old.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let n = new.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            (o != n).then(|| FieldChange { field: name.clone(), old: o, new: n })
        })
        .collect()
}

fn settings_of(ev: &Evaluator<'_>, selection: &PolicySelection, host: Option<&str>) -> Json {
    let context = ev.policy_context(selection, host);
    if let Some(fatal) = context.composed.diagnostics.iter().find(|d| d.severity == crate::Severity::Error) {
        return Json::object().with("error", Json::object().with("value", fatal.message.as_str()));
    }
    match resolve_settings(&context.composed, &UserConfig::default()) {
        Ok((_, settings)) => settings_json(&settings),
        Err(fatal) => Json::object().with("error", Json::object().with("value", fatal.message.as_str())),
    }
}

fn pair_change(
    old: &Evaluator<'_>,
    new: &Evaluator<'_>,
    old_sel: &PolicySelection,
    new_sel: &PolicySelection,
    options: &WorkspaceDiffOptions,
) -> PolicyPairChange {
    let host = options.host.as_deref();
    let old_ctx = old.policy_context(old_sel, host);
    let new_ctx = new.policy_context(new_sel, host);
    let reqs = |c: &crate::explain::PolicyContext| {
        c.composed.requirements.as_ref().map_or_else(Json::object, requirements_json)
    };
    let match_options = MatchOptions { resolve_host_executables: true, paths: options.paths.clone() };
    PolicyPairChange {
        old_policy: old_sel.name.clone(),
        new_policy: new_sel.name.clone(),
        users: Vec::new(),
        // `rules` is compared exactly, prefix by prefix, in `rules` below.
        requirements: field_changes(&reqs(&old_ctx), &reqs(&new_ctx))
            .into_iter()
            .filter(|c| c.field != "rules")
            .collect(),
        settings: field_changes(&settings_of(old, old_sel, host), &settings_of(new, new_sel, host)),
        rules: diff_policies(&old_ctx.command_policy, &new_ctx.command_policy, &match_options),
    }
}

fn named_selection(name: &str) -> PolicySelection {
    PolicySelection {
        name: Some(name.to_owned()),
        via: crate::workspace::selection::PolicyVia::Default,
        rule_index: None,
        also_matched: Vec::new(),
    }
}

/// Diffs two prepared workspaces.
pub fn diff_workspaces(old: &Evaluator<'_>, new: &Evaluator<'_>, options: &WorkspaceDiffOptions) -> WorkspaceDiff {
    let (old_ws, new_ws) = (old.workspace(), new.workspace());
    let users = all_users(&[old_ws, new_ws]);
    let mut diff =
        WorkspaceDiff { users: Vec::new(), pairs: Vec::new(), outcomes: Vec::new(), evaluated: 0, verdict: None };
    let mut pair_keys: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut pair_users: Vec<Vec<String>> = Vec::new();
    let mut pair_selections: Vec<(PolicySelection, PolicySelection)> = Vec::new();
    for user in &users {
        let (old_sel, old_access) = selection_for(old_ws, user);
        let (new_sel, new_access) = selection_for(new_ws, user);
        if old_sel.name != new_sel.name || old_sel.via != new_sel.via || old_access != new_access {
            diff.users.push(UserChange {
                user: user.clone(),
                old: old_sel.clone(),
                new: new_sel.clone(),
                access: (old_access, new_access),
            });
        }
        let key = (old_sel.name.clone(), new_sel.name.clone());
        if let Some(list) = pair_keys.iter().position(|k| *k == key).and_then(|i| pair_users.get_mut(i)) {
            list.push(user.clone());
        } else {
            pair_keys.push(key);
            pair_users.push(vec![user.clone()]);
            pair_selections.push((old_sel, new_sel));
        }
    }
    for policy in &old_ws.policies {
        if new_ws.policy(&policy.name).is_some() {
            let key = (Some(policy.name.clone()), Some(policy.name.clone()));
            if !pair_keys.contains(&key) {
                pair_keys.push(key);
                pair_users.push(Vec::new());
                pair_selections.push((named_selection(&policy.name), named_selection(&policy.name)));
            }
        }
    }
    for ((old_sel, new_sel), users_of_pair) in pair_selections.iter().zip(pair_users) {
        let mut change = pair_change(old, new, old_sel, new_sel, options);
        change.users = users_of_pair;
        if !change.is_empty() {
            diff.pairs.push(change);
        }
    }
    for user in &users {
        for argv in &options.commands {
            let scenario = scenario_for(user, argv.clone(), options);
            let before = old.explain(&scenario);
            let after = new.explain(&scenario);
            diff.evaluated += 1;
            if let Some(verdict) = Verdict::between(outcome_rank(before.outcome), outcome_rank(after.outcome)) {
                diff.outcomes.push(OutcomeChange {
                    user: user.clone(),
                    argv: argv.clone(),
                    old: before.outcome,
                    new: after.outcome,
                    verdict,
                    old_reason: before.reason,
                    new_reason: after.reason,
                });
            }
        }
    }
    diff.verdict =
        Verdict::fold(diff.outcomes.iter().map(|o| o.verdict).chain(diff.pairs.iter().filter_map(|p| p.rules.verdict)));
    diff
}

fn selection_json(s: &PolicySelection) -> Json {
    crate::workspace::selection::policy_json(s)
}

fn field_json(changes: &[FieldChange]) -> Json {
    Json::Array(
        changes
            .iter()
            .map(|c| {
                Json::object()
                    .with("field", c.field.as_str())
                    .with("old", c.old.clone().unwrap_or(Json::Null))
                    .with("new", c.new.clone().unwrap_or(Json::Null))
            })
            .collect(),
    )
}

fn opt_str(s: Option<&str>) -> Json {
    s.map_or(Json::Null, Json::from)
}

/// Where a rule is written, given the policy the rule came through (see [`rule_site`]).
pub type SiteFn<'a> = &'a dyn Fn(&RuleOrigin, Option<&str>) -> String;

impl WorkspaceDiff {
    /// `{"verdict","users":[…],"policies":[…],"outcomes":[…],"evaluated":n}`, rule origins
    /// located in `old` and `new`.
    pub fn to_json(&self, old: &Workspace, new: &Workspace) -> Json {
        let old_site = |o: &RuleOrigin, p: Option<&str>| rule_site(old, p, o);
        let new_site = |o: &RuleOrigin, p: Option<&str>| rule_site(new, p, o);
        self.to_json_with(&old_site, &new_site)
    }

    /// Like [`WorkspaceDiff::to_json`], with a function per side that says where a rule is written.
    pub fn to_json_with(&self, old_site: SiteFn<'_>, new_site: SiteFn<'_>) -> Json {
        Json::object()
            .with("verdict", self.verdict.map_or(Json::Null, |v| Json::from(v.as_str())))
            .with(
                "users",
                Json::Array(
                    self.users
                        .iter()
                        .map(|u| {
                            Json::object()
                                .with("user", u.user.as_str())
                                .with("old", selection_json(&u.old))
                                .with("new", selection_json(&u.new))
                                .with("codexLocal", Json::object().with("old", u.access.0).with("new", u.access.1))
                        })
                        .collect(),
                ),
            )
            .with(
                "policies",
                Json::Array(
                    self.pairs
                        .iter()
                        .map(|p| {
                            Json::object()
                                .with("old", opt_str(p.old_policy.as_deref()))
                                .with("new", opt_str(p.new_policy.as_deref()))
                                .with("users", p.users.as_slice())
                                .with("requirements", field_json(&p.requirements))
                                .with("settings", field_json(&p.settings))
                                .with(
                                    "rules",
                                    p.rules.to_json_with(&|o| old_site(o, p.old_policy.as_deref()), &|o| {
                                        new_site(o, p.new_policy.as_deref())
                                    }),
                                )
                        })
                        .collect(),
                ),
            )
            .with(
                "outcomes",
                Json::Array(
                    self.outcomes
                        .iter()
                        .map(|o| {
                            Json::object()
                                .with("user", o.user.as_str())
                                .with("argv", o.argv.as_slice())
                                .with("old", o.old.as_str())
                                .with("new", o.new.as_str())
                                .with("verdict", o.verdict.as_str())
                                .with("oldReason", opt_str(o.old_reason.as_deref()))
                                .with("newReason", opt_str(o.new_reason.as_deref()))
                        })
                        .collect(),
                ),
            )
            .with("evaluated", self.evaluated)
    }

    /// Readable text: policy selection, per-policy requirement/setting/rule changes, outcomes.
    pub fn render_text(&self, old: &Workspace, new: &Workspace) -> String {
        let old_site = |o: &RuleOrigin, p: Option<&str>| rule_site(old, p, o);
        let new_site = |o: &RuleOrigin, p: Option<&str>| rule_site(new, p, o);
        self.render_text_with(&old_site, &new_site)
    }

    /// Like [`WorkspaceDiff::render_text`], with a function per side that says where a rule is written.
    pub fn render_text_with(&self, old_site: SiteFn<'_>, new_site: SiteFn<'_>) -> String {
        let mut out = String::new();
        let policy_name = |s: &PolicySelection| match (&s.name, s.via.label()) {
            (Some(n), Some(via)) => format!("{n} ({via})"),
            (Some(n), None) => n.clone(),
            (None, _) => "no policy".to_owned(),
        };
        let _ = writeln!(out, "policy selection: {} user(s) change", self.users.len());
        for u in &self.users {
            let _ = write!(out, "  {}: {} -> {}", u.user, policy_name(&u.old), policy_name(&u.new));
            if u.access.0 != u.access.1 {
                let _ = write!(out, "; Codex local {}", if u.access.1 { "granted" } else { "revoked (denied)" });
            }
            out.push('\n');
        }
        for p in &self.pairs {
            let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "no policy".to_owned());
            let _ = write!(out, "\npolicy {} -> {}", name(&p.old_policy), name(&p.new_policy));
            if p.users.is_empty() {
                out.push_str(" (nobody is assigned it)\n");
            } else {
                let _ = writeln!(out, " ({})", p.users.join(", "));
            }
            for (title, list) in [("requirement", &p.requirements), ("setting", &p.settings)] {
                for c in list {
                    let _ = writeln!(
                        out,
                        "  {title} {}: {} -> {}",
                        c.field,
                        c.old.as_ref().map_or_else(|| "unset".to_owned(), Json::to_compact),
                        c.new.as_ref().map_or_else(|| "unset".to_owned(), Json::to_compact)
                    );
                }
            }
            if !p.rules.changes.is_empty() || !p.rules.incomplete.is_empty() {
                let rules = p.rules.render_text_with(&|o| old_site(o, p.old_policy.as_deref()), &|o| {
                    new_site(o, p.new_policy.as_deref())
                });
                out.push_str("  command rules:\n");
                for line in rules.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        let _ =
            writeln!(out, "\noutcomes: {} of {} (user, command) pair(s) change", self.outcomes.len(), self.evaluated);
        for o in &self.outcomes {
            let _ = writeln!(
                out,
                "  {:<8}  {}  `{}`  {} -> {}",
                o.verdict.as_str(),
                o.user,
                shell_words(&o.argv),
                o.old.as_str(),
                o.new.as_str()
            );
        }
        let _ = writeln!(out, "overall: {}", self.verdict.map_or("unchanged", Verdict::as_str));
        out
    }
}

/// What kind of file a diff operand is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A workspace file.
    Workspace,
    /// A `requirements.toml` document.
    Requirements,
    /// A Starlark `.rules` file.
    Rules,
}

impl FileKind {
    /// `a workspace file`, `a requirements document`, `a .rules file`.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Workspace => "a workspace file",
            FileKind::Requirements => "a requirements document",
            FileKind::Rules => "a .rules file",
        }
    }
}

/// Top-level keys only a workspace file has.
const WORKSPACE_KEYS: &[&str] =
    &["workspace", "roles", "groups", "policies", "policy_rules", "default_policy", "layers", "internet"];

/// Detects the kind of a file from its name and contents: a name ending in `.rules` is a rules
/// file; TOML with a workspace-only key (or a `[rules]` table of `system`/`user`/`project`
/// files) is a workspace; any other TOML is a requirements document; text that is not TOML is a
/// rules file unless its name ends in `.toml` (then it is a broken requirements document, and
/// its parse error is what the user needs to see).
pub fn detect_kind(name: &str, text: &str) -> FileKind {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if extension.as_deref() == Some("rules") {
        return FileKind::Rules;
    }
    let Ok(table) = crate::tomlread::parse_table(text) else {
        return if extension.as_deref() == Some("toml") { FileKind::Requirements } else { FileKind::Rules };
    };
    let workspace_rules = table
        .get("rules")
        .and_then(crate::tomlread::Value::as_table)
        .is_some_and(|r| ["system", "user", "project"].iter().any(|k| r.contains_key(*k)));
    if workspace_rules || WORKSPACE_KEYS.iter().any(|k| table.contains_key(*k)) {
        FileKind::Workspace
    } else {
        FileKind::Requirements
    }
}

/// Reads a commands list: one command line per line, split with POSIX shell rules; blank lines
/// and lines starting with `#` are skipped. A line that does not split is an error at its line.
pub fn parse_commands(text: &str, source: &str) -> Result<Vec<Vec<String>>, crate::Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match shlex::split(trimmed) {
            Some(argv) if !argv.is_empty() => out.push(argv),
            _ => {
                let at = start + (line.len() - line.trim_start().len());
                return Err(crate::Diagnostic::error(
                    "commands/invalid",
                    "not a valid command line: unbalanced quotes or a trailing backslash",
                )
                .at(source, at..at + trimmed.len()));
            }
        }
    }
    Ok(out)
}

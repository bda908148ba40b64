//! Replay: recorded commands (JSON lines) evaluated against a draft workspace, and optionally a
//! baseline, to see the impact of a change before rollout. Lines are fed one at a time and only
//! counts are kept (per outcome, per user, per deciding rule, per baseline → draft transition),
//! so memory does not grow with the log; a malformed line is counted, reported with its line
//! number (the first [`MAX_KEPT_ERRORS`] of them), and skipped.
//!
//! Accepted record shapes (one JSON object per line):
//! * `{"user":"…","argv":["git","push"]}`, or `"command":"git push"` (POSIX-split), or
//!   `"command":["git","push"]`; `"groups":[…]` instead of (or as well as) `user`; the user may
//!   also be `user_email` or `email`.
//! * `codex exec --json` events: `{"type":"item.completed","item":{"type":"command_execution",
//!   "command":"…"}}` (`codex-rs/exec/src/exec_events.rs`: `CommandExecutionItem.command` is a
//!   command line); other event types are skipped, not errors. A `user` may sit at the top level.
//! * Rollout records whose `payload` carries a `command` (string or array), e.g. `exec_command_*`.
//!
//! The compliance-log (`CODEX_LOG`) record schema is not published: `OpenAI`'s docs
//! (`developers.openai.com` enterprise compliance pages, the Compliance Logs Platform cookbook)
//! only show how to list and download JSONL files by event type (`AUTH_LOG` in the examples) and
//! point to an admin-only API reference. Records of that kind are read through the shapes above
//! (top-level or `payload`/`item` `command`, `user`/`user_email`/`email`); anything else is
//! reported as a malformed line with the fields we looked for.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analysis::{Decider, NamedText, RuleSites, decider, outcome_rank};
use crate::explain::{Evaluator, Outcome, Scenario};
use crate::json::Json;
use crate::paths::PathContext;
use crate::requirements::settings::UserConfig;

/// How many malformed-line messages are kept (the rest are only counted).
pub const MAX_KEPT_ERRORS: usize = 100;

/// Counts per outcome, indexed by [`outcome_rank`].
pub type OutcomeCounts = [u64; 6];

/// Counts for one user or one rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Commands per draft outcome.
    pub outcomes: OutcomeCounts,
    /// Commands the draft rejects (or denies, or cannot start for) that the baseline did not.
    pub newly_blocked: u64,
    /// Commands the draft asks about that the baseline ran without asking.
    pub newly_asked: u64,
    /// Commands decided more permissively than by the baseline.
    pub looser: u64,
}

impl Tally {
    fn add(&mut self, draft: Outcome, baseline: Option<Outcome>) {
        if let Some(slot) = self.outcomes.get_mut(usize::from(outcome_rank(draft))) {
            *slot += 1;
        }
        if let Some(base) = baseline {
            let (d, b) = (outcome_rank(draft), outcome_rank(base));
            let blocked = outcome_rank(Outcome::Reject);
            if d >= blocked && b < blocked {
                self.newly_blocked += 1;
            } else if draft == Outcome::Ask && b < d {
                self.newly_asked += 1;
            }
            if d < b {
                self.looser += 1;
            }
        }
    }
}

/// What the replay found.
#[derive(Debug, Clone, Default)]
pub struct ReplayReport {
    /// Lines read (including blank and malformed ones).
    pub lines: u64,
    /// Commands evaluated.
    pub evaluated: u64,
    /// Valid records that hold no command (other event types), and blank lines.
    pub skipped: u64,
    /// Malformed lines.
    pub malformed: u64,
    /// The first [`MAX_KEPT_ERRORS`] malformed lines: line number and message.
    pub errors: Vec<(u64, String)>,
    /// Everything together.
    pub total: Tally,
    /// Per user (email, `groups:a+b`, or `(no user)`).
    pub per_user: BTreeMap<String, Tally>,
    /// Per deciding rule (`file:line:col`, `heuristics: …`, `denied: …`, `error: …`).
    pub per_rule: BTreeMap<String, Tally>,
    /// Baseline outcome → draft outcome counts (only with a baseline).
    pub transitions: BTreeMap<(Outcome, Outcome), u64>,
    /// Whether a baseline was given.
    pub has_baseline: bool,
}

/// A replay in progress.
pub struct Replay<'e, 'w> {
    draft: &'e Evaluator<'w>,
    baseline: Option<&'e Evaluator<'w>>,
    scenario: Scenario,
    report: ReplayReport,
    sites: RuleSites<'w>,
}

/// What a line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A command run by someone.
    Command {
        /// Email, if the record names one.
        user: Option<String>,
        /// Groups, if the record names them.
        groups: Option<Vec<String>>,
        /// The command.
        argv: Vec<String>,
    },
    /// A valid record without a command (another event type).
    Other,
}

fn string_list(value: &Json) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

fn command_of(value: &Json) -> Result<Option<Vec<String>>, String> {
    if let Some(argv) = value.get("argv") {
        return string_list(argv).map(Some).ok_or_else(|| "`argv` must be an array of strings".to_owned());
    }
    match value.get("command") {
        Some(Json::Str(line)) => shlex::split(line)
            .map(Some)
            .ok_or_else(|| "`command` is not a valid shell command line (unbalanced quotes)".to_owned()),
        Some(list @ Json::Array(_)) => {
            string_list(list).map(Some).ok_or_else(|| "`command` must be a string or an array of strings".to_owned())
        }
        Some(_) => Err("`command` must be a string or an array of strings".to_owned()),
        None => Ok(None),
    }
}

/// Reads one line (see the module docs for the shapes).
pub fn parse_record(line: &str) -> Result<Record, String> {
    let value = Json::parse(line).map_err(|e| format!("invalid JSON at byte {}: {}", e.offset, e.message))?;
    if !matches!(value, Json::Object(_)) {
        return Err(format!("expected a JSON object, got {}", value.type_name()));
    }
    let user = ["user", "user_email", "email"].iter().find_map(|k| value.get(k)).map(|u| match u {
        Json::Str(s) => Ok(s.clone()),
        _ => Err("`user` must be a string".to_owned()),
    });
    let user = user.transpose()?;
    let groups = match value.get("groups") {
        Some(g) => Some(string_list(g).ok_or_else(|| "`groups` must be an array of strings".to_owned())?),
        None => None,
    };
    let mut argv = command_of(&value)?;
    if argv.is_none() {
        for nested in ["item", "payload"] {
            if let Some(inner) = value.get(nested) {
                let is_command = inner
                    .get("type")
                    .and_then(Json::as_str)
                    .is_none_or(|t| t == "command_execution" || t.starts_with("exec_command"));
                if is_command {
                    argv = command_of(inner)?;
                }
                if argv.is_some() {
                    break;
                }
            }
        }
    }
    match argv {
        Some(argv) if argv.is_empty() => Err("the command is empty".to_owned()),
        Some(argv) => Ok(Record::Command { user, groups, argv }),
        None if value.get("type").is_some() => Ok(Record::Other),
        None => Err("no command: expected `argv` (array), `command` (string or array), or a codex exec `command_execution` item".to_owned()),
    }
}

impl<'e, 'w> Replay<'e, 'w> {
    /// Starts a replay against `draft` (and `baseline`, if given). Every command runs with the
    /// user's `config` on `host`, resolving paths against `paths`.
    pub fn new(
        draft: &'e Evaluator<'w>,
        baseline: Option<&'e Evaluator<'w>>,
        config: UserConfig,
        host: Option<String>,
        paths: PathContext,
    ) -> Self {
        Self {
            draft,
            baseline,
            scenario: Scenario { config, host, paths, ..Scenario::default() },
            report: ReplayReport { has_baseline: baseline.is_some(), ..ReplayReport::default() },
            sites: RuleSites::new(draft.workspace()),
        }
    }

    /// Feeds line `number` (1-based) of the log.
    pub fn feed(&mut self, number: u64, line: &str) {
        self.report.lines = self.report.lines.max(number);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            self.report.skipped += 1;
            return;
        }
        match parse_record(trimmed) {
            Ok(Record::Command { user, groups, argv }) => self.evaluate(user, groups, argv),
            Ok(Record::Other) => self.report.skipped += 1,
            Err(message) => self.malformed(number, message),
        }
    }

    /// Records line `number` as malformed without reading it (e.g. it is not UTF-8).
    pub fn malformed(&mut self, number: u64, message: String) {
        self.report.lines = self.report.lines.max(number);
        self.report.malformed += 1;
        if self.report.errors.len() < MAX_KEPT_ERRORS {
            self.report.errors.push((number, message));
        }
    }

    fn evaluate(&mut self, user: Option<String>, groups: Option<Vec<String>>, argv: Vec<String>) {
        let who = match (&user, &groups) {
            (Some(u), _) => u.clone(),
            (None, Some(g)) => format!("groups:{}", g.join("+")),
            (None, None) => "(no user)".to_owned(),
        };
        self.scenario.user = user;
        self.scenario.groups = groups;
        self.scenario.argv = argv;
        let draft = self.draft.explain(&self.scenario);
        let baseline = self.baseline.map(|b| b.explain(&self.scenario).outcome);
        let rule = match decider(&draft) {
            Decider::Rule(origin) => self.sites.site(draft.policy.name.as_deref(), origin),
            Decider::Label(label) => label,
        };
        let report = &mut self.report;
        report.evaluated += 1;
        report.total.add(draft.outcome, baseline);
        report.per_user.entry(who).or_default().add(draft.outcome, baseline);
        report.per_rule.entry(rule).or_default().add(draft.outcome, baseline);
        if let Some(base) = baseline {
            *report.transitions.entry((base, draft.outcome)).or_default() += 1;
        }
    }

    /// Ends the replay.
    pub fn finish(self) -> ReplayReport {
        self.report
    }
}

fn counts_json(t: &Tally, baseline: bool) -> Json {
    let mut out = Json::object();
    for outcome in Outcome::ALL {
        out.push(outcome.as_str(), count(t.outcomes.get(usize::from(outcome_rank(outcome))).copied().unwrap_or(0)));
    }
    if baseline {
        out.push("newlyBlocked", count(t.newly_blocked));
        out.push("newlyAsked", count(t.newly_asked));
        out.push("looser", count(t.looser));
    }
    out
}

fn count(n: u64) -> Json {
    Json::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl ReplayReport {
    /// `{"lines","evaluated","skipped","malformed","errors":[{"line","message"}],"total":{…},
    /// "users":{…},"rules":{…},"transitions":[…]}`.
    pub fn to_json(&self) -> Json {
        let b = self.has_baseline;
        Json::object()
            .with("lines", count(self.lines))
            .with("evaluated", count(self.evaluated))
            .with("skipped", count(self.skipped))
            .with("malformed", count(self.malformed))
            .with(
                "errors",
                Json::Array(
                    self.errors
                        .iter()
                        .map(|(line, message)| {
                            Json::object().with("line", count(*line)).with("message", message.as_str())
                        })
                        .collect(),
                ),
            )
            .with("total", counts_json(&self.total, b))
            .with("users", Json::Object(self.per_user.iter().map(|(k, t)| (k.clone(), counts_json(t, b))).collect()))
            .with("rules", Json::Object(self.per_rule.iter().map(|(k, t)| (k.clone(), counts_json(t, b))).collect()))
            .with(
                "transitions",
                Json::Array(
                    self.transitions
                        .iter()
                        .map(|((from, to), n)| {
                            Json::object()
                                .with("baseline", from.as_str())
                                .with("draft", to.as_str())
                                .with("count", count(*n))
                        })
                        .collect(),
                ),
            )
    }

    /// Readable text: totals, then users and rules ordered by impact.
    pub fn render_text(&self, log_name: &str, _sources: &[NamedText]) -> String {
        let mut out = String::new();
        for (line, message) in &self.errors {
            let _ = writeln!(out, "{log_name}:{line}: skipped: {message}");
        }
        if self.malformed > self.errors.len() as u64 {
            let _ = writeln!(
                out,
                "{log_name}: {} more malformed line(s) not shown",
                self.malformed - self.errors.len() as u64
            );
        }
        let _ = writeln!(
            out,
            "{} line(s): {} command(s) evaluated, {} skipped, {} malformed",
            self.lines, self.evaluated, self.skipped, self.malformed
        );
        let outcome_line = |t: &Tally| {
            Outcome::ALL
                .iter()
                .filter_map(|o| {
                    let n = t.outcomes.get(usize::from(outcome_rank(*o))).copied().unwrap_or(0);
                    (n > 0).then(|| format!("{} {n}", o.as_str()))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "outcomes: {}", outcome_line(&self.total));
        if self.has_baseline {
            let _ = writeln!(
                out,
                "compared with the baseline: {} newly blocked, {} newly asked, {} more permissive",
                self.total.newly_blocked, self.total.newly_asked, self.total.looser
            );
            for ((from, to), n) in &self.transitions {
                if from != to {
                    let _ = writeln!(out, "  {} -> {}: {n}", from.as_str(), to.as_str());
                }
            }
        }
        let impact = |t: &Tally| {
            if self.has_baseline {
                t.newly_blocked + t.newly_asked
            } else {
                t.outcomes.iter().skip(usize::from(outcome_rank(Outcome::Ask))).sum()
            }
        };
        for (title, map) in [("users", &self.per_user), ("rules", &self.per_rule)] {
            let mut rows: Vec<(&String, &Tally)> = map.iter().collect();
            rows.sort_by(|a, b| impact(b.1).cmp(&impact(a.1)).then_with(|| a.0.cmp(b.0)));
            let _ = writeln!(out, "by {title}:");
            for (name, t) in rows {
                if self.has_baseline {
                    let _ = writeln!(
                        out,
                        "  {name}: {} (newly blocked {}, newly asked {})",
                        outcome_line(t),
                        t.newly_blocked,
                        t.newly_asked
                    );
                } else {
                    let _ = writeln!(out, "  {name}: {}", outcome_line(t));
                }
            }
        }
        out
    }
}

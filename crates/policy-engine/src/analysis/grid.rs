//! The users (or groups) × commands grid: one call, every cell an outcome with what decided it,
//! rendered as JSON, CSV (RFC 4180 quoting) or a Markdown table (`|` escaped, newlines as
//! `<br>`). Used by the app's grid panel and `codex-policy explain --grid`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::analysis::diff::NO_GROUP;
use crate::analysis::shell_words;
use crate::decision::Decision;
use crate::explain::{Evaluator, Outcome, Scenario};
use crate::json::Json;

/// One row: a user looked up by email, or a member of exactly these groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridRow {
    /// A user (email); [`NO_GROUP`] stands for someone in no group.
    User(String),
    /// A member of exactly these groups.
    Groups(Vec<String>),
}

impl GridRow {
    /// The row header: the email, or the groups joined with `+` (`(no group)` when empty).
    pub fn label(&self) -> String {
        match self {
            GridRow::User(user) => user.clone(),
            GridRow::Groups(groups) if groups.is_empty() => NO_GROUP.to_owned(),
            GridRow::Groups(groups) => groups.join(" + "),
        }
    }

    fn apply(&self, scenario: &mut Scenario) {
        match self {
            GridRow::User(user) if user == NO_GROUP => {
                scenario.user = None;
                scenario.groups = Some(Vec::new());
            }
            GridRow::User(user) => {
                scenario.user = Some(user.clone());
                scenario.groups = None;
            }
            GridRow::Groups(groups) => {
                scenario.user = None;
                scenario.groups = Some(groups.clone());
            }
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCell {
    /// What Codex does.
    pub outcome: Outcome,
    /// The exec-policy decision.
    pub decision: Option<Decision>,
    /// The selected cloud policy.
    pub policy: Option<String>,
    /// The reason text, when there is one.
    pub reason: Option<String>,
}

/// The outcome matrix: `cells[row][command]`. Rows whose people get the same policy (and the
/// same access) share one evaluated row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// Rows, in the order given.
    pub rows: Vec<GridRow>,
    /// Columns, in the order given.
    pub commands: Vec<Vec<String>>,
    /// One row of cells per row.
    pub cells: Vec<Rc<[GridCell]>>,
}

/// Evaluates every row × command. `base` supplies everything but the person and the command
/// (config, host, escalation, paths).
///
/// Only a row's selected policy and whether the person is denied can change a command's outcome
/// ([`Evaluator::identify`]), so each distinct pair is evaluated once: 200 users under 3
/// policies cost 3 rows of evaluations, not 200.
pub fn grid(evaluator: &Evaluator<'_>, rows: &[GridRow], commands: &[Vec<String>], base: &Scenario) -> Grid {
    let mut scenario = base.clone();
    let mut evaluated: HashMap<(bool, Option<String>), Rc<[GridCell]>> = HashMap::new();
    let cells = rows
        .iter()
        .map(|row| {
            row.apply(&mut scenario);
            let (identity, policy) = evaluator.identify(&scenario);
            let key = (identity.denied().is_some(), policy.name.clone());
            if let Some(cells) = evaluated.get(&key) {
                return Rc::clone(cells);
            }
            let cells: Rc<[GridCell]> = commands
                .iter()
                .map(|argv| {
                    argv.clone_into(&mut scenario.argv);
                    let e = evaluator.explain_identified(identity.clone(), policy.clone(), &scenario);
                    GridCell {
                        outcome: e.outcome,
                        decision: e.decision,
                        policy: e.policy.name.clone(),
                        reason: e.reason,
                    }
                })
                .collect();
            evaluated.insert(key, Rc::clone(&cells));
            cells
        })
        .collect();
    Grid { rows: rows.to_vec(), commands: commands.to_vec(), cells }
}

/// One CSV field: quoted when it holds a comma, a quote, a line break or surrounding spaces;
/// quotes doubled.
pub fn csv_field(text: &str) -> String {
    let needs_quotes =
        text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') || text.is_empty();
    if needs_quotes && !text.is_empty() { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// One Markdown table cell: `|` escaped, line breaks as `<br>`, so any text stays in its cell.
pub fn markdown_cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace("\r\n", "<br>").replace(['\n', '\r'], "<br>")
}

impl Grid {
    /// CSV: a header row (`user`, then each command as a shell line), then one row per user with
    /// each cell's outcome. Lines end with CRLF as RFC 4180 says.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut header = vec![csv_field("user")];
        header.extend(self.commands.iter().map(|c| csv_field(&shell_words(c))));
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for (row, cells) in self.rows.iter().zip(&self.cells) {
            let mut line = vec![csv_field(&row.label())];
            line.extend(cells.iter().map(|c| csv_field(c.outcome.as_str())));
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// A Markdown table: commands as column headers, users as row headers, outcomes in cells.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| user |");
        for c in &self.commands {
            let _ = write!(out, " {} |", markdown_cell(&shell_words(c)));
        }
        out.push_str("\n|---|");
        for _ in &self.commands {
            out.push_str("---|");
        }
        out.push('\n');
        for (row, cells) in self.rows.iter().zip(&self.cells) {
            let _ = write!(out, "| {} |", markdown_cell(&row.label()));
            for cell in cells.iter() {
                let _ = write!(out, " {} |", markdown_cell(cell.outcome.as_str()));
            }
            out.push('\n');
        }
        out
    }

    /// `{"rows":[…],"commands":[[…]],"cells":[[{"outcome","decision","policy","reason"}]]}`.
    pub fn to_json(&self) -> Json {
        Json::object()
            .with("rows", Json::Array(self.rows.iter().map(|r| Json::from(r.label())).collect()))
            .with("commands", Json::Array(self.commands.iter().map(|c| Json::from(c.as_slice())).collect()))
            .with(
                "cells",
                Json::Array(
                    self.cells
                        .iter()
                        .map(|row| {
                            Json::Array(
                                row.iter()
                                    .map(|c| {
                                        Json::object()
                                            .with("outcome", c.outcome.as_str())
                                            .with("decision", c.decision.map_or(Json::Null, |d| Json::from(d.as_str())))
                                            .with("policy", c.policy.as_deref().map_or(Json::Null, Json::from))
                                            .with("reason", c.reason.as_deref().map_or(Json::Null, Json::from))
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                ),
            )
    }
}

//! `kind = "policy-test"`: a policy-tests cases file run against a workspace, through
//! `analysis::cases` and `codex-policy test --json` (exit 0 all pass, 1 a failure, 2 bad input).
//!
//! ```toml
//! [[case]]
//! name = "a failing expectation is reported with its line"
//! kind = "policy-test"
//! workspace = "examples/acme/workspace.toml"   # or workspace_text = '''…''' with files = [{ name, text }]
//! cases = '''…'''                               # the cases file (named cases.toml)
//! expect_passed = 3                             # cases + Starlark examples
//! expect_failed = 1
//! expect_examples = 8
//! expect_failures = [{ at = "cases.toml:4:1", field = "outcome", expected = "reject", actual = "ask" }]
//! expect_rules_missed = ["team.rules:17:1"]     # exact set, compared as suffixes
//! expect_group_rules_missed = ["Engineering -> baseline"]
//! expect_policies_missed = ["platform"]
//! expect_error = "unknown field `expect`"       # the cases file is rejected (CLI: exit 2)
//! expect_error_at = "cases.toml:3:1"
//! ```

use std::path::Path;
use std::process::Command;

use policy_engine::LineIndex;
use policy_engine::PathContext;
use policy_engine::analysis::NamedText;
use policy_engine::analysis::cases::{parse_cases, run_cases};
use policy_engine::explain::{Evaluator, ExplainOptions};
use policy_engine::json::Json;
use serde::Deserialize;

use crate::kinds::lint::{WorkspaceInput, array_of, int_of, parse_json, run_bin, str_of};
use crate::{Case, InlineFile, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Failure {
    at: Option<String>,
    field: String,
    expected: String,
    actual: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyTestCase {
    workspace: Option<String>,
    workspace_text: Option<String>,
    #[serde(default)]
    files: Vec<InlineFile>,
    cases: String,
    expect_passed: Option<i64>,
    expect_failed: Option<i64>,
    expect_examples: Option<i64>,
    expect_failures: Option<Vec<Failure>>,
    expect_rules_missed: Option<Vec<String>>,
    expect_group_rules_missed: Option<Vec<String>>,
    expect_policies_missed: Option<Vec<String>>,
    expect_error: Option<String>,
    expect_error_at: Option<String>,
}

const CASES_NAME: &str = "cases.toml";

fn suffix_set(what: &str, want: &[String], got: &[String]) -> Result<(), String> {
    let ok = want.len() == got.len() && want.iter().all(|w| got.iter().any(|g| g.ends_with(w.as_str())));
    if ok { Ok(()) } else { Err(format!("{what}: expected {want:?}, got {got:?}")) }
}

fn compare(c: &PolicyTestCase, report: &Json) -> Result<(), String> {
    for (key, want) in [("passed", c.expect_passed), ("failed", c.expect_failed), ("examples", c.expect_examples)] {
        if let Some(want) = want
            && int_of(report, key) != Some(want)
        {
            return Err(format!("{key}: expected {want}, got {:?}\n{}", int_of(report, key), report.to_pretty()));
        }
    }
    if let Some(want) = &c.expect_failures {
        let got: Vec<(String, &Json)> = array_of(report, "cases")
            .iter()
            .flat_map(|case| array_of(case, "mismatches").iter().map(move |m| (str_of(case, "at").to_owned(), m)))
            .collect();
        for w in want {
            let found = got.iter().any(|(at, m)| {
                w.at.as_ref().is_none_or(|x| at.ends_with(x.as_str()))
                    && str_of(m, "field") == w.field
                    && str_of(m, "expected") == w.expected
                    && w.actual.as_ref().is_none_or(|a| str_of(m, "actual") == a)
            });
            if !found {
                return Err(format!("no failure matches {w:?}\n{}", report.to_pretty()));
            }
        }
        if got.len() != want.len() {
            return Err(format!("expected {} mismatches, got {}\n{}", want.len(), got.len(), report.to_pretty()));
        }
    }
    let coverage = report.get("coverage").cloned().unwrap_or(Json::Null);
    let strings = |key: &str| -> Vec<String> {
        array_of(&coverage, key).iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    };
    if let Some(want) = &c.expect_rules_missed {
        suffix_set("rules missed", want, &strings("rulesMissed"))?;
    }
    if let Some(want) = &c.expect_policies_missed {
        suffix_set("policies missed", want, &strings("policiesMissed"))?;
    }
    if let Some(want) = &c.expect_group_rules_missed {
        let got: Vec<String> =
            array_of(&coverage, "groupRulesMissed").iter().map(|g| str_of(g, "rule").to_owned()).collect();
        suffix_set("group rules missed", want, &got)?;
    }
    Ok(())
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: PolicyTestCase = fields(case)?;
    let parsed = parse_cases(&c.cases, CASES_NAME);
    match (&parsed, &c.expect_error) {
        (Err(errors), Some(want)) => {
            let d = errors.iter().find(|d| d.message.contains(want.as_str())).ok_or_else(|| {
                format!("no error contains `{want}`: {:?}", errors.iter().map(|d| &d.message).collect::<Vec<_>>())
            })?;
            if let Some(at) = &c.expect_error_at {
                let (line, col) = LineIndex::new(&c.cases).line_col(d.span.map_or(0, |s| s.start));
                let got = format!("{CASES_NAME}:{line}:{col}");
                if got != *at {
                    return Err(format!("error at {got}, expected {at}"));
                }
            }
            return Ok(());
        }
        (Err(errors), None) => return Err(format!("cases file rejected: {errors:?}")),
        (Ok(_), Some(want)) => return Err(format!("expected an error containing `{want}`")),
        (Ok(_), None) => {}
    }
    let Ok(cases) = parsed else { return Err("unreachable".into()) };
    let ws = WorkspaceInput::from_fields(c.workspace.as_ref(), c.workspace_text.as_ref(), &c.files)?
        .ok_or("the case needs a workspace")?;
    let (label, text, parse) = ws.parse()?;
    let workspace = parse.workspace.ok_or("the workspace did not parse")?;
    let evaluator = Evaluator::new(&workspace, ExplainOptions::default(), PathContext::default());
    let report = run_cases(&evaluator, &cases);
    let sources =
        vec![NamedText { name: label.clone(), text }, NamedText { name: CASES_NAME.to_owned(), text: c.cases.clone() }];
    compare(&c, &report.to_json(&sources, &label))
}

/// Runs the case through `codex-policy test --json`.
pub fn run_cli(case: &Case, bin: &Path) -> Result<(), String> {
    let c: PolicyTestCase = fields(case)?;
    let dir = crate::kinds::scratch_dir(case)?;
    let cases_path = dir.join(CASES_NAME);
    std::fs::write(&cases_path, &c.cases).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(bin);
    cmd.arg("test").arg(CASES_NAME).arg("--json").current_dir(&dir);
    if let Some(ws) = WorkspaceInput::from_fields(c.workspace.as_ref(), c.workspace_text.as_ref(), &c.files)? {
        cmd.arg("--workspace").arg(ws.write(&dir, "workspace")?);
    }
    cmd.args(["--home", &PathContext::default().home]);
    let (code, stdout, stderr) = run_bin(&mut cmd)?;
    if let Some(want) = &c.expect_error {
        if code != 2 || !stderr.contains(want.as_str()) {
            return Err(format!("expected exit 2 with `{want}`, got {code}: {stderr}"));
        }
        if let Some(at) = &c.expect_error_at
            && !stderr.lines().any(|l| l.starts_with(&format!("{at}: ")))
        {
            return Err(format!("stderr should have a line starting `{at}: `, got: {stderr}"));
        }
        return Ok(());
    }
    let report = parse_json(&stdout)?;
    let want_code = i32::from(int_of(&report, "failed").unwrap_or(0) > 0);
    if code != want_code {
        return Err(format!("exit code {code}, expected {want_code}; stderr: {stderr}"));
    }
    compare(&c, &report)
}

//! `kind = "approval"`: Codex's approval requirement and outcome for one command (spec §3.5.3,
//! §3.6), with the policy built from Starlark `.rules` files and/or requirements `[rules]`.
//!
//! ```toml
//! [[case]]
//! name = "A1 forbidden inside bash -lc"
//! kind = "approval"
//! spec = "A1"
//! rules = [{ name = "user.rules", text = '''prefix_rule(pattern=["rm"], decision="forbidden")''' }]
//! requirements = [{ name = "/etc/codex/requirements.toml", text = '''…''' }]   # [rules] appended
//! argv = ["bash", "-lc", "rm -rf /some/important/folder"]
//! approval_policy = "on-request"        # untrusted | on-failure | on-request | never | { granular = { … } }
//! sandbox = "danger-full-access"        # read-only | workspace-write | danger-full-access | external-sandbox
//! escalation = "none"                   # none | require_escalated | with_additional_permissions
//! prefix_rule = ["cargo", "install"]    # optional: the model's suggested prefix rule
//! heuristics = "released"               # optional: released (default) | newest
//! cwd = "/home/dev/project"             # optional
//! home = "/home/dev"                    # optional
//! expect_requirement = "forbidden"      # skip | needs-approval | forbidden   (required)
//! expect_outcome = "reject"             # run-sandboxed | run-unsandboxed | ask | reject   (required)
//! expect_reason = "…"                   # exact reason text
//! expect_no_reason = true               # the requirement carries no reason
//! expect_bypass_sandbox = false         # Skip only
//! expect_amendment = ["cargo", "build"] # exact proposed amendment
//! expect_no_amendment = true
//! expect_decision = "forbidden"         # optional: strictest decision
//! expect_commands = [["rm", "-rf", "/some/important/folder"]]   # optional: the split
//! expect_rules_error = "substring"      # the rules files fail to load; Codex keeps requirements rules
//! ```
//! Granular tables default every missing switch to `true`.

use policy_engine::approval::{ApprovalContext, assess_command};
use policy_engine::heuristics::{Escalation, HeuristicsVersion};
use policy_engine::requirements_rules::parse_requirements_rules;
use policy_engine::settings::{ApprovalPolicy, GranularApproval, SandboxMode};
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::{MatchOptions, PathContext, Policy};
use serde::Deserialize;

use crate::{Case, InlineFile, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalCase {
    #[serde(default)]
    rules: Vec<InlineFile>,
    #[serde(default)]
    requirements: Vec<InlineFile>,
    argv: Vec<String>,
    approval_policy: toml::Value,
    sandbox: String,
    #[serde(default)]
    escalation: Option<String>,
    prefix_rule: Option<Vec<String>>,
    heuristics: Option<String>,
    cwd: Option<String>,
    home: Option<String>,
    expect_requirement: String,
    expect_outcome: String,
    expect_reason: Option<String>,
    #[serde(default)]
    expect_no_reason: bool,
    expect_bypass_sandbox: Option<bool>,
    expect_amendment: Option<Vec<String>>,
    #[serde(default)]
    expect_no_amendment: bool,
    expect_decision: Option<String>,
    expect_commands: Option<Vec<Vec<String>>>,
    expect_rules_error: Option<String>,
}

fn approval_policy(value: &toml::Value) -> Result<ApprovalPolicy, String> {
    match value {
        toml::Value::String(s) => ApprovalPolicy::parse(s).ok_or_else(|| format!("unknown approval policy `{s}`")),
        toml::Value::Table(t) => {
            let granular =
                t.get("granular").and_then(toml::Value::as_table).ok_or("expected `{ granular = { … } }`")?;
            let flag = |name: &str| granular.get(name).and_then(toml::Value::as_bool).unwrap_or(true);
            Ok(ApprovalPolicy::Granular(GranularApproval {
                sandbox_approval: flag("sandbox_approval"),
                rules: flag("rules"),
                skill_approval: flag("skill_approval"),
                request_permissions: flag("request_permissions"),
                mcp_elicitations: flag("mcp_elicitations"),
            }))
        }
        other => Err(format!("bad approval_policy {other}")),
    }
}

/// Codex's loader: rules files in order; when one fails to parse, only the requirements rules
/// are kept (spec §3.1.1). Returns the policy and the rules error, if any.
fn load_policy(c: &ApprovalCase, paths: &PathContext) -> Result<(Policy, Option<String>), String> {
    let files: Vec<RulesFile<'_>> = c.rules.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let (mut policy, rules_error) = if files.is_empty() {
        (Policy::new(), None)
    } else {
        match load_rules_files(&files, paths) {
            Ok(policy) => (policy, None),
            Err(e) => (Policy::new(), Some(e.diagnostic.message)),
        }
    };
    for doc in &c.requirements {
        if let Some(extra) = parse_requirements_rules(&doc.text, &doc.name).map_err(|d| d.message)? {
            policy.overlay(extra);
        }
    }
    Ok((policy, rules_error))
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: ApprovalCase = fields(case)?;
    let default = PathContext::default();
    let paths = PathContext { cwd: c.cwd.clone().unwrap_or(default.cwd), home: c.home.clone().unwrap_or(default.home) };
    let (policy, rules_error) = load_policy(&c, &paths)?;
    match (&rules_error, &c.expect_rules_error) {
        (Some(actual), Some(expected)) if !actual.contains(expected.as_str()) => {
            return Err(format!("rules error differs\n  expected to contain: {expected}\n  actual: {actual}"));
        }
        (Some(actual), None) => return Err(format!("rules failed to load: {actual}")),
        (None, Some(expected)) => return Err(format!("expected the rules to fail with `{expected}`")),
        _ => {}
    }
    let ctx = ApprovalContext {
        approval_policy: approval_policy(&c.approval_policy)?,
        sandbox_mode: SandboxMode::parse(&c.sandbox).ok_or_else(|| format!("unknown sandbox `{}`", c.sandbox))?,
        escalation: match &c.escalation {
            Some(e) => Escalation::parse(e).ok_or_else(|| format!("unknown escalation `{e}`"))?,
            None => Escalation::None,
        },
        suggested_prefix_rule: c.prefix_rule.clone(),
        heuristics: match &c.heuristics {
            Some(h) => HeuristicsVersion::parse(h).ok_or_else(|| format!("unknown heuristics `{h}`"))?,
            None => HeuristicsVersion::default(),
        },
        match_options: MatchOptions { resolve_host_executables: true, paths },
    };
    let a = assess_command(&policy, &c.argv, &ctx);
    let trace = || format!("\n  trace: {}", policy_engine::approval::assessment_json(&a).to_compact());
    expect_eq("requirement", &c.expect_requirement, a.requirement.kind()).map_err(|e| e + &trace())?;
    expect_eq("outcome", &c.expect_outcome, a.outcome.as_str()).map_err(|e| e + &trace())?;
    if let Some(expected) = &c.expect_reason {
        expect_eq("reason", expected, a.reason().unwrap_or("<none>")).map_err(|e| e + &trace())?;
    }
    if c.expect_no_reason && a.reason().is_some() {
        return Err(format!("expected no reason, got {:?}{}", a.reason(), trace()));
    }
    if let Some(expected) = c.expect_bypass_sandbox
        && expected != a.bypass_sandbox()
    {
        return Err(format!("bypass_sandbox is {}, expected {expected}{}", a.bypass_sandbox(), trace()));
    }
    if let Some(expected) = &c.expect_amendment
        && a.amendment() != Some(expected.as_slice())
    {
        return Err(format!("amendment differs\n  expected: {expected:?}\n    actual: {:?}{}", a.amendment(), trace()));
    }
    if c.expect_no_amendment && a.amendment().is_some() {
        return Err(format!("expected no amendment, got {:?}{}", a.amendment(), trace()));
    }
    if let Some(expected) = &c.expect_decision {
        expect_eq("decision", expected, a.decision.as_str()).map_err(|e| e + &trace())?;
    }
    if let Some(expected) = &c.expect_commands
        && &a.split.commands != expected
    {
        return Err(format!("split differs\n  expected: {expected:?}\n    actual: {:?}", a.split.commands));
    }
    Ok(())
}

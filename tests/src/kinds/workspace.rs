//! `kind = "workspace"`: a workspace file (a repository path or inline text) and a user (email)
//! or explicit groups; checks identity, the selected policy, access denial, the effective
//! requirements/settings the selected policy produces, internet requests, errors and lint.
//!
//! ```toml
//! [[case]]
//! name = "kim gets the contractors policy by order"
//! kind = "workspace"
//! workspace = "examples/acme/workspace.toml"    # relative to the repository root; `file = …` relative to it
//! # or: workspace_text = '''…''' with files = [{ name = "p.toml", text = '''…''' }]
//! user = "kim@acme.example"                     # or groups = ["Engineering"]
//! host = "build-1.acme.example"                 # optional
//! config = { approval_policy = "never" }         # optional user config
//! expect_identity = '{"user":…,"groups":[…],"roles":[…],"surfaces":{…}}'
//! expect_policy = '{"name":"contractors","via":"group:Contractors"}'
//! expect_denied = false
//! expect_requirements = { allowed_sandbox_modes = '{"value":[…],"source":"cloud requirements"}' }
//! expect_settings = { approval_policy = '…' }
//! internet = [{ method = "GET", url = "https://crates.io/x", expect = '{"allowed":true,…}' }]
//! expect_error = "unknown field `nmae`"          # a parse/name error in the workspace diagnostics
//! expect_error_at = "workspace.toml:2:1"
//! expect_lint = [{ code = "workspace/unreachable-policy-rule", at = "12:1" }]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use policy_engine::Severity;
use policy_engine::requirements::json::requirements_json;
use policy_engine::requirements::settings::settings_json;
use policy_engine::requirements::{LayerOptions, MergeMode};
use policy_engine::workspace::lint::lint_workspace;
use policy_engine::workspace::{check_internet, identity_json, internet_json, parse_workspace, policy_json};
use serde::Deserialize;

use crate::kinds::requirements::{ConfigCase, LintCase, check_lint, check_members, evaluate, location, user_config};
use crate::{Case, InlineFile, expect_eq, fields};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InternetCase {
    method: String,
    url: String,
    expect: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceCase {
    workspace: Option<String>,
    workspace_text: Option<String>,
    #[serde(default)]
    files: Vec<InlineFile>,
    user: Option<String>,
    groups: Option<Vec<String>>,
    host: Option<String>,
    mode: Option<String>,
    #[serde(default)]
    config: ConfigCase,
    expect_identity: Option<String>,
    expect_policy: Option<String>,
    expect_denied: Option<bool>,
    #[serde(default)]
    expect_requirements: BTreeMap<String, String>,
    #[serde(default)]
    expect_settings: BTreeMap<String, String>,
    expect_warnings: Option<Vec<String>>,
    #[serde(default)]
    internet: Vec<InternetCase>,
    expect_error: Option<String>,
    expect_error_at: Option<String>,
    #[serde(default)]
    expect_lint: Vec<LintCase>,
    expect_no_errors: Option<bool>,
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: WorkspaceCase = fields(case)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (label, text, base) = match (&c.workspace, &c.workspace_text) {
        (Some(path), None) => {
            let full = root.join(path);
            let text = std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
            let label = Path::new(path).file_name().map_or_else(|| path.clone(), |f| f.to_string_lossy().into_owned());
            (label, text, full.parent().map(Path::to_path_buf))
        }
        (None, Some(text)) => ("workspace.toml".to_owned(), text.clone(), None),
        _ => return Err("set exactly one of `workspace` or `workspace_text`".into()),
    };
    let files = c.files.clone();
    let resolve = move |p: &str| -> Result<String, String> {
        if let Some(f) = files.iter().find(|f| f.name == p) {
            return Ok(f.text.clone());
        }
        match &base {
            Some(dir) => std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string()),
            None => Err("no such file".to_owned()),
        }
    };
    let parsed = parse_workspace(&text, &label, &resolve);
    let mut texts: Vec<(String, String)> = vec![(label.clone(), text.clone())];
    if let Some(ws) = &parsed.workspace {
        for p in &ws.policies {
            if let Some(t) = &p.text {
                texts.push((p.label(), t.clone()));
            }
        }
    }
    if let Some(want) = &c.expect_error {
        let d = parsed
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error && d.message.contains(want.as_str()))
            .ok_or_else(|| {
                let all: Vec<String> =
                    parsed.diagnostics.iter().map(|d| format!("{} {}", location(d, &texts), d.message)).collect();
                format!("no error containing `{want}`; diagnostics:\n    {}", all.join("\n    "))
            })?;
        if let Some(at) = &c.expect_error_at {
            expect_eq("error location", at, &location(d, &texts))?;
        }
    }
    if c.expect_no_errors == Some(true) && parsed.has_errors() {
        let all: Vec<String> =
            parsed.diagnostics.iter().map(|d| format!("{} {}", location(d, &texts), d.message)).collect();
        return Err(format!("unexpected errors:\n    {}", all.join("\n    ")));
    }
    let Some(ws) = parsed.workspace else {
        return if c.expect_error.is_some() { Ok(()) } else { Err("workspace did not parse".into()) };
    };
    let mut all_diags = parsed.diagnostics.clone();
    all_diags.extend(lint_workspace(&ws, &label));
    check_lint(&c.expect_lint, &all_diags, &texts)?;

    let identity = match (&c.user, &c.groups) {
        (Some(email), None) => ws.identify_user(email),
        (None, Some(groups)) => ws.identify_groups(groups),
        (None, None) => return Ok(()),
        _ => return Err("set at most one of `user` or `groups`".into()),
    };
    if let Some(want) = &c.expect_identity {
        expect_eq("identity", want.trim(), &identity_json(&identity).to_compact())?;
    }
    if let Some(want) = c.expect_denied {
        expect_eq("denied", &want.to_string(), &identity.denied().is_some().to_string())?;
    }
    let selection = ws.select_policy(&identity.groups);
    if let Some(want) = &c.expect_policy {
        expect_eq("policy", want.trim(), &policy_json(&selection).to_compact())?;
    }
    for request in &c.internet {
        let decision = check_internet(ws.internet.as_ref(), &identity.permissions, &request.method, &request.url);
        expect_eq(
            &format!("internet {} {}", request.method, request.url),
            request.expect.trim(),
            &internet_json(&decision).to_compact(),
        )?;
    }
    if !c.expect_requirements.is_empty() || !c.expect_settings.is_empty() || c.expect_warnings.is_some() {
        let mut layers = ws.local_layers();
        layers.extend(ws.cloud_layer(&selection));
        let mode = if c.mode.as_deref() == Some("v2") { MergeMode::DeepMerge } else { MergeMode::PerField };
        let options = LayerOptions { mode, host: c.host.clone(), windows: false, explicit_order: false };
        let (composed, resolved) = evaluate(&layers, &options, &user_config(&c.config)?);
        let (_, settings) = resolved.map_err(|d| format!("unexpected error: {}", d.message))?;
        let reqs = composed.requirements.unwrap_or_default();
        check_members("requirements", &c.expect_requirements, &requirements_json(&reqs))?;
        check_members("settings", &c.expect_settings, &settings_json(&settings))?;
        if let Some(want) = &c.expect_warnings {
            expect_eq("startup warnings", &want.join("\n"), &settings.startup_warnings.join("\n"))?;
        }
    }
    Ok(())
}

//! `kind = "requirements"`: requirement layers composed (V1 or V2), constraints built, the user's
//! config resolved; checks the effective fields, constraints, settings, warnings, MCP outcomes,
//! lint diagnostics or the fatal error.
//!
//! ```toml
//! [[case]]
//! name = "R1 first element is the fallback"
//! kind = "requirements"
//! spec = "R1"
//! mode = "v1"                                  # or "v2" (deep merge); default v1
//! host = "build-01.example.com"                # optional, for remote_sandbox_config
//! explicit_order = false                       # consult layers as listed (merge unit tests)
//! layers = [{ kind = "unspecified", text = '''allowed_approval_policies = ["untrusted"]''' }]
//! # layer kinds: cloud, fragment (id, name), mdm, system (path), legacy_file (path), legacy_mdm, unspecified
//! config = { approval_policy = "never", features = { apps = true }, mcp_servers = [{ name = "x", command = "c" }] }
//! # also: default_permissions = "p", permissions = { p = { extends = ":workspace" } }
//! expect_requirements = { allowed_approval_policies = '{"value":["untrusted"],"source":"<unspecified>"}' }
//! expect_absent = ["allowed_sandbox_modes"]     # fields that must not be set
//! expect_constraints = { approval_policy = '{"fallback":"untrusted",...}' }
//! expect_settings = { approval_policy = '{"value":"untrusted","source":"<unspecified>","warning":"…"}' }
//! expect_warnings = ["…"]                        # every startup warning, exactly
//! expect_mcp = '[{"name":"x","enabled":true}]'
//! expect_empty = true                            # composition yields no requirements
//! expect_document_empty = true                   # the first layer's document `is_empty()`
//! expect_error = "substring"                     # composition or settings failure
//! expect_error_at = "label:line:col"
//! expect_lint = [{ code = "requirements/unknown-key", contains = "…", help = "…", at = "1:1" }]
//! ```

use std::collections::BTreeMap;

use policy_engine::requirements::constraints::Constraints;
use policy_engine::requirements::document::{
    ApprovalPolicyToml, ApprovalsReviewerToml, SandboxModeToml, WebSearchModeToml,
};
use policy_engine::requirements::json::{constraints_json, requirements_json};
use policy_engine::requirements::lint::lint_requirements;
use policy_engine::requirements::mcp::{ConfiguredMcpServer, McpTransport, mcp_outcome_json};
use policy_engine::requirements::settings::settings_json;
use policy_engine::requirements::{
    ComposedRequirements, LayerInput, LayerOptions, MergeMode, UserConfig, compose, parse_requirements,
    resolve_settings,
};
use policy_engine::{Diagnostic, LineIndex};
use serde::Deserialize;

use crate::{Case, expect_eq, fields};

/// One layer of a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerCase {
    kind: String,
    text: String,
    path: Option<String>,
    id: Option<String>,
    name: Option<String>,
}

/// A configured MCP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpCase {
    name: String,
    command: Option<String>,
    url: Option<String>,
    plugin: Option<String>,
}

/// The user's config in a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigCase {
    approval_policy: Option<toml::Value>,
    sandbox_mode: Option<String>,
    web_search: Option<String>,
    approvals_reviewer: Option<String>,
    #[serde(default)]
    features: BTreeMap<String, bool>,
    #[serde(default)]
    mcp_servers: Vec<McpCase>,
    default_permissions: Option<String>,
    /// `[permissions.<name>]` profiles as in config.toml (only the names are used).
    #[serde(default)]
    permissions: BTreeMap<String, toml::Value>,
}

/// An expected lint diagnostic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintCase {
    code: String,
    contains: Option<String>,
    help: Option<String>,
    at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementsCase {
    mode: Option<String>,
    host: Option<String>,
    #[serde(default)]
    windows: bool,
    #[serde(default)]
    explicit_order: bool,
    layers: Vec<LayerCase>,
    #[serde(default)]
    config: ConfigCase,
    #[serde(default)]
    expect_requirements: BTreeMap<String, String>,
    #[serde(default)]
    expect_absent: Vec<String>,
    #[serde(default)]
    expect_constraints: BTreeMap<String, String>,
    #[serde(default)]
    expect_settings: BTreeMap<String, String>,
    expect_warnings: Option<Vec<String>>,
    expect_mcp: Option<String>,
    expect_empty: Option<bool>,
    expect_document_empty: Option<bool>,
    expect_error: Option<String>,
    expect_error_at: Option<String>,
    #[serde(default)]
    expect_lint: Vec<LintCase>,
}

/// Builds a layer input from a case layer.
pub fn layer_input(l: &LayerCase) -> Result<LayerInput, String> {
    let text = l.text.clone();
    Ok(match l.kind.as_str() {
        "cloud" => LayerInput::cloud(text),
        "fragment" => LayerInput::cloud_fragment(
            l.id.as_deref().ok_or("fragment needs `id`")?,
            l.name.as_deref().ok_or("fragment needs `name`")?,
            text,
        ),
        "mdm" => LayerInput::mdm(text),
        "system" => LayerInput::system(l.path.as_deref(), text),
        "legacy_file" => LayerInput::legacy_file(l.path.as_deref(), text),
        "legacy_mdm" => LayerInput::legacy_mdm(text),
        "unspecified" => LayerInput::unspecified(text),
        other => return Err(format!("unknown layer kind `{other}`")),
    })
}

type Read<T> = fn(&policy_engine::tomlread::Node<'_>) -> Result<T, policy_engine::tomlread::Error>;

fn parse_enum<T>(v: toml::Value, read: Read<T>) -> Result<T, String> {
    let v = engine_value(v);
    read(&policy_engine::tomlread::Node::value(&v)).map_err(|e| format!("bad config value: {}", e.render("")))
}

fn engine_value(v: toml::Value) -> policy_engine::tomlread::Value {
    use policy_engine::tomlread::Value;
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Integer(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Boolean(b),
        toml::Value::Datetime(d) => Value::Datetime(d),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(engine_value).collect()),
        toml::Value::Table(t) => Value::Table(t.into_iter().map(|(k, v)| (k, engine_value(v))).collect()),
    }
}

/// Converts a case config to the engine's.
pub fn user_config(c: &ConfigCase) -> Result<UserConfig, String> {
    let s = |x: &Option<String>| x.clone().map(toml::Value::String);
    Ok(UserConfig {
        approval_policy: c
            .approval_policy
            .clone()
            .map(|v| parse_enum(v, ApprovalPolicyToml::from_toml))
            .transpose()?
            .map(ApprovalPolicyToml::value),
        sandbox_mode: s(&c.sandbox_mode)
            .map(|v| parse_enum(v, SandboxModeToml::from_toml))
            .transpose()?
            .map(SandboxModeToml::value),
        web_search: s(&c.web_search)
            .map(|v| parse_enum(v, WebSearchModeToml::from_toml))
            .transpose()?
            .map(WebSearchModeToml::value),
        approvals_reviewer: s(&c.approvals_reviewer)
            .map(|v| parse_enum(v, ApprovalsReviewerToml::from_toml))
            .transpose()?
            .map(ApprovalsReviewerToml::value),
        features: c.features.clone(),
        mcp_servers: c
            .mcp_servers
            .iter()
            .map(|m| {
                let transport = match (&m.command, &m.url) {
                    (Some(command), None) => McpTransport::Stdio { command: command.clone() },
                    (None, Some(url)) => McpTransport::Http { url: url.clone() },
                    _ => return Err(format!("mcp server `{}` needs exactly one of command/url", m.name)),
                };
                Ok(ConfiguredMcpServer { name: m.name.clone(), transport, plugin: m.plugin.clone() })
            })
            .collect::<Result<_, _>>()?,
        default_permissions: c.default_permissions.clone(),
        permission_profiles: c.permissions.keys().cloned().collect(),
    })
}

/// `label:line:col` of a diagnostic, resolving its span in the text named by its source.
pub fn location(d: &Diagnostic, texts: &[(String, String)]) -> String {
    let text = texts.iter().find(|(label, _)| *label == d.source).map_or("", |(_, t)| t.as_str());
    match d.span {
        Some(span) => {
            let (line, col) = LineIndex::new(text).line_col(span.start);
            format!("{}:{line}:{col}", d.source)
        }
        None => format!("{}:<no span>", d.source),
    }
}

/// Checks expected lint diagnostics against actual ones.
pub fn check_lint(expected: &[LintCase], actual: &[Diagnostic], texts: &[(String, String)]) -> Result<(), String> {
    for e in expected {
        let found = actual.iter().find(|d| {
            d.code == e.code
                && e.contains.as_ref().is_none_or(|c| d.message.contains(c.as_str()))
                && e.help.as_ref().is_none_or(|h| d.help.as_deref().is_some_and(|x| x.contains(h.as_str())))
                && e.at
                    .as_ref()
                    .is_none_or(|at| location(d, texts).ends_with(&format!(":{at}")) || location(d, texts) == *at)
        });
        if found.is_none() {
            let list: Vec<String> = actual
                .iter()
                .map(|d| format!("{} {} [{}] help={:?}", d.code, location(d, texts), d.message, d.help))
                .collect();
            return Err(format!("expected lint {e:?}, got:\n    {}", list.join("\n    ")));
        }
    }
    Ok(())
}

/// Compares expected per-key JSON against an object's members.
pub fn check_members(
    what: &str,
    expected: &BTreeMap<String, String>,
    actual: &policy_engine::json::Json,
) -> Result<(), String> {
    let policy_engine::json::Json::Object(members) = actual else {
        return Err(format!("{what} is not an object"));
    };
    for (key, want) in expected {
        let got = members.iter().find(|(k, _)| k == key).map_or_else(|| "<absent>".to_owned(), |(_, v)| v.to_compact());
        expect_eq(&format!("{what}.{key}"), want.trim(), &got)?;
    }
    Ok(())
}

/// Composes, builds constraints and resolves settings; the shared core of the requirement kinds.
pub fn evaluate(
    layers: &[LayerInput],
    options: &LayerOptions,
    config: &UserConfig,
) -> (ComposedRequirements, Result<(Constraints, policy_engine::requirements::EffectiveSettings), Diagnostic>) {
    let composed = compose(layers, options);
    let resolved = if composed.failed() {
        Err(composed
            .diagnostics
            .iter()
            .find(|d| d.severity == policy_engine::Severity::Error)
            .cloned()
            .unwrap_or_else(|| Diagnostic::error("x", "composition failed")))
    } else {
        resolve_settings(&composed, config)
    };
    (composed, resolved)
}

/// Runs the case in-process.
pub fn run_engine(case: &Case) -> Result<(), String> {
    let c: RequirementsCase = fields(case)?;
    let layers: Vec<LayerInput> = c.layers.iter().map(layer_input).collect::<Result<_, _>>()?;
    let mode = match c.mode.as_deref() {
        None | Some("v1") => MergeMode::PerField,
        Some("v2") => MergeMode::DeepMerge,
        Some(other) => return Err(format!("unknown mode `{other}`")),
    };
    let options = LayerOptions { mode, host: c.host.clone(), windows: c.windows, explicit_order: c.explicit_order };
    let config = user_config(&c.config)?;
    let texts: Vec<(String, String)> = layers.iter().map(|l| (l.source.label(), l.text.clone())).collect();

    if !c.expect_lint.is_empty() {
        let mut all = Vec::new();
        for l in &layers {
            all.extend(lint_requirements(&l.text, &l.source.label()));
        }
        check_lint(&c.expect_lint, &all, &texts)?;
    }
    if let Some(want) = c.expect_document_empty {
        let first = layers.first().ok_or("no layers")?;
        let doc =
            parse_requirements(&first.text, &first.source.label()).document.ok_or("first layer does not parse")?;
        expect_eq("document is_empty", &want.to_string(), &doc.is_empty().to_string())?;
    }

    let (composed, resolved) = evaluate(&layers, &options, &config);
    match (&c.expect_error, resolved) {
        (Some(want), Err(d)) => {
            if !d.message.contains(want.as_str()) {
                return Err(format!("error differs\n  expected to contain: {want}\n  actual: {}", d.message));
            }
            if let Some(at) = &c.expect_error_at {
                expect_eq("error location", at, &location(&d, &texts))?;
            }
            return Ok(());
        }
        (Some(want), Ok(_)) => return Err(format!("expected an error containing `{want}`, but loading succeeded")),
        (None, Err(d)) => return Err(format!("unexpected error: {} ({})", d.message, location(&d, &texts))),
        (None, Ok((constraints, settings))) => {
            if let Some(want) = c.expect_empty {
                expect_eq("composition empty", &want.to_string(), &composed.requirements.is_none().to_string())?;
            }
            let reqs = composed.requirements.clone().unwrap_or_default();
            let reqs_json = requirements_json(&reqs);
            check_members("requirements", &c.expect_requirements, &reqs_json)?;
            for field in &c.expect_absent {
                let absent: BTreeMap<String, String> = [(field.clone(), "<absent>".to_owned())].into();
                check_members("requirements", &absent, &reqs_json)?;
            }
            check_members("constraints", &c.expect_constraints, &constraints_json(&constraints))?;
            check_members("settings", &c.expect_settings, &settings_json(&settings))?;
            if let Some(want) = &c.expect_warnings {
                expect_eq("startup warnings", &want.join("\n"), &settings.startup_warnings.join("\n"))?;
            }
            if let Some(want) = &c.expect_mcp {
                let got = policy_engine::json::Json::Array(settings.mcp_servers.iter().map(mcp_outcome_json).collect());
                expect_eq("mcp", want.trim(), &got.to_compact())?;
            }
        }
    }
    Ok(())
}

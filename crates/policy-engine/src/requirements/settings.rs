//! Resolving the user's explicit configuration against the constraints (spec §2.6, §8): kept,
//! silent fallback for defaults, fallback with Codex's startup warning for explicit values,
//! fatal error when even the fallback fails; legacy managed config overriding user values; feature
//! pins; the MCP allowlist per server.

use std::collections::BTreeMap;

use crate::decision::Reviewer;
use crate::diagnostic::Diagnostic;
use crate::json::Json;
use crate::requirements::constraints::{ConstraintError, Constraints};
use crate::requirements::effective::Sourced;
use crate::requirements::features::{Feature, FeatureSet};
use crate::requirements::layers::ComposedRequirements;
use crate::requirements::mcp::{ConfiguredMcpServer, McpServerOutcome, evaluate_mcp_servers, mcp_outcome_json};
use crate::requirements::permissions::select_permission_profile;
use crate::requirements::source::RequirementSource;
use crate::settings::{ApprovalPolicy, SandboxMode, WebSearchMode};

/// The user's explicit configuration (`config.toml`, profile, `-c`): `None` = not set anywhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserConfig {
    /// `approval_policy`
    pub approval_policy: Option<ApprovalPolicy>,
    /// `sandbox_mode`
    pub sandbox_mode: Option<SandboxMode>,
    /// `web_search`
    pub web_search: Option<WebSearchMode>,
    /// `approvals_reviewer`
    pub approvals_reviewer: Option<Reviewer>,
    /// `[features]` (canonical or legacy keys).
    pub features: BTreeMap<String, bool>,
    /// Configured MCP servers (including plugin-provided ones).
    pub mcp_servers: Vec<ConfiguredMcpServer>,
    /// `default_permissions`: the permission profile the user selects.
    pub default_permissions: Option<String>,
    /// The names of the user's `[permissions.<name>]` profiles, sorted.
    pub permission_profiles: Vec<String>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingSource {
    /// Codex's built-in default.
    Default,
    /// The user's explicit configuration.
    Config,
    /// A legacy `managed_config.toml` (the highest config layer).
    ManagedConfig(RequirementSource),
    /// Forced by a requirement (fallback or pin).
    Requirement(RequirementSource),
}

impl SettingSource {
    /// `default`, `config`, or the requirement/managed-config label.
    pub fn label(&self) -> String {
        match self {
            SettingSource::Default => "default".to_owned(),
            SettingSource::Config => "config".to_owned(),
            SettingSource::ManagedConfig(s) | SettingSource::Requirement(s) => s.label(),
        }
    }
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    /// The value Codex runs with.
    pub value: T,
    /// Where it came from.
    pub source: SettingSource,
    /// Codex's startup warning, when an explicit value was replaced.
    pub warning: Option<String>,
}

/// Every resolved setting.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveSettings {
    /// `approval_policy`
    pub approval_policy: Setting<ApprovalPolicy>,
    /// `approvals_reviewer`
    pub approvals_reviewer: Setting<Reviewer>,
    /// `sandbox_mode` (the permission profile's mode)
    pub sandbox_mode: Setting<SandboxMode>,
    /// `web_search`
    pub web_search: Setting<WebSearchMode>,
    /// Features that are pinned or explicitly configured, by canonical key (Codex order).
    pub features: Vec<(String, Setting<bool>)>,
    /// MCP servers and what the allowlists did to them.
    pub mcp_servers: Vec<McpServerOutcome>,
    /// The selected permission profile (`default_permissions`), when profiles are in play
    /// ([`select_permission_profile`]).
    pub permission_profile: Option<Setting<String>>,
    /// Every startup warning, in Codex's order (settings, then feature-requirement warnings).
    pub startup_warnings: Vec<String>,
}

struct Field<'a, T> {
    name: &'static str,
    explicit: Option<(T, SettingSource)>,
    default: T,
    fallback: T,
    fallback_debug: String,
    check: &'a dyn Fn(T) -> Result<(), ConstraintError>,
    source: Option<RequirementSource>,
    always_warn: bool,
}

fn resolve_field<T: Copy>(f: Field<'_, T>) -> Result<Setting<T>, String> {
    let explicit = f.explicit.is_some();
    let (candidate, source) = f.explicit.unwrap_or((f.default, SettingSource::Default));
    let Err(err) = (f.check)(candidate) else {
        return Ok(Setting { value: candidate, source, warning: None });
    };
    let (source, warning) =
        fall_back(f.name, &err, (f.check)(f.fallback), f.source, explicit || f.always_warn, &f.fallback_debug)?;
    Ok(Setting { value: f.fallback, source, warning })
}

/// The part of [`resolve_field`] after the configured value failed its check: the fallback's
/// source and warning, or the fatal error when the fallback fails too. Shared by every setting
/// type (only the values differ).
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn fall_back(
    name: &str,
    err: &ConstraintError,
    fallback_check: Result<(), ConstraintError>,
    source: Option<RequirementSource>,
    warn: bool,
    fallback_debug: &str,
) -> Result<(SettingSource, Option<String>), String> {
    let req_source = SettingSource::Requirement(source.unwrap_or(RequirementSource::Unknown));
    if let Err(err2) = fallback_check {
        return Err(format!(
            "configured value for `{name}` is disallowed by requirements ({err}); fallback to a requirement-compatible value also failed ({err2})"
        ));
    }
    let warning = warn.then(|| {
        format!(
            "Configured value for `{name}` is disallowed by requirements; falling back to required value {fallback_debug}. Details: {err}"
        )
    });
    Ok((req_source, warning))
}

fn explicit<T: Copy>(user: Option<T>, legacy: Option<&Sourced<T>>) -> Option<(T, SettingSource)> {
    match legacy {
        Some(l) => Some((l.value, SettingSource::ManagedConfig(l.source.clone()))),
        None => user.map(|v| (v, SettingSource::Config)),
    }
}

/// Builds the constraints of `composed` and resolves `config` against them. A fatal problem
/// (a requirement that cannot be normalised, a fallback that fails, a feature pin that cannot
/// hold) is returned as the error diagnostic Codex would refuse to start with.
pub fn resolve_settings(
    composed: &ComposedRequirements,
    config: &UserConfig,
) -> Result<(Constraints, EffectiveSettings), Diagnostic> {
    let constraints = build_constraints(composed)?;
    let settings = resolve_with_constraints(composed, &constraints, config)?;
    Ok((constraints, settings))
}

/// The constraints of `composed` (they do not depend on the user's config), or the fatal error
/// Codex would refuse to start with.
pub fn build_constraints(composed: &ComposedRequirements) -> Result<Constraints, Diagnostic> {
    let none = crate::requirements::effective::EffectiveRequirements::default();
    let reqs = composed.requirements.as_ref().unwrap_or(&none);
    Constraints::build(reqs).map_err(|(e, span)| {
        let source = match &e {
            ConstraintError::InvalidValue { source, .. } | ConstraintError::ExecPolicyParse { source, .. } => {
                source.label()
            }
            ConstraintError::EmptyField { .. } => String::new(),
        };
        let d = Diagnostic::error("requirements/constraint", e.to_string());
        match span {
            Some(span) => d.at(source, span),
            None => d.in_source(source),
        }
    })
}

/// [`resolve_settings`] with the constraints [`build_constraints`] made for `composed`.
pub fn resolve_with_constraints(
    composed: &ComposedRequirements,
    constraints: &Constraints,
    config: &UserConfig,
) -> Result<EffectiveSettings, Diagnostic> {
    let none = crate::requirements::effective::EffectiveRequirements::default();
    let reqs = composed.requirements.as_ref().unwrap_or(&none);
    let fatal = |m: String| Diagnostic::error("requirements/fallback-failed", m);
    let legacy = &composed.legacy_config;

    let approval_policy = resolve_field(Field {
        name: "approval_policy",
        explicit: explicit(config.approval_policy, legacy.approval_policy.as_ref()),
        default: ApprovalPolicy::OnRequest,
        fallback: constraints.approval_policy.initial,
        fallback_debug: constraints.approval_policy.initial.debug_name(),
        check: &|v| constraints.check_approval_policy(v),
        source: constraints.approval_policy.allowed.as_ref().map(|(_, s)| s.clone()),
        always_warn: false,
    })
    .map_err(fatal)?;
    let approvals_reviewer = resolve_field(Field {
        name: "approvals_reviewer",
        explicit: explicit(config.approvals_reviewer, legacy.approvals_reviewer.as_ref()),
        default: Reviewer::User,
        fallback: constraints.approvals_reviewer.initial,
        fallback_debug: constraints.approvals_reviewer.initial.debug_name().to_owned(),
        check: &|v| constraints.check_approvals_reviewer(v),
        source: constraints.approvals_reviewer.allowed.as_ref().map(|(_, s)| s.clone()),
        always_warn: false,
    })
    .map_err(fatal)?;
    let sandbox_source =
        constraints.sandbox.allowed.as_ref().map(|(_, s)| s.clone()).or_else(|| constraints.sandbox.deny_read.clone());
    let sandbox_mode = resolve_field(Field {
        // Codex names the permission profile here; the inner error still says `sandbox_mode`.
        name: "permission_profile",
        explicit: explicit(config.sandbox_mode, legacy.sandbox_mode.as_ref()),
        default: SandboxMode::ReadOnly,
        fallback: constraints.sandbox.initial,
        fallback_debug: constraints.sandbox.initial.debug_name().to_owned(),
        check: &|v| constraints.check_sandbox_mode(v),
        source: sandbox_source,
        always_warn: false,
    })
    .map_err(fatal)?;
    let web_search = resolve_field(Field {
        name: "web_search_mode",
        explicit: config.web_search.map(|v| (v, SettingSource::Config)),
        default: WebSearchMode::Cached,
        fallback: constraints.web_search.initial,
        fallback_debug: constraints.web_search.initial.debug_name().to_owned(),
        check: &|v| constraints.check_web_search(v),
        source: constraints.web_search.accepted.as_ref().map(|(_, s)| s.clone()),
        // Codex runs web search through warn-and-fallback even when nothing was configured.
        always_warn: true,
    })
    .map_err(fatal)?;

    let configured = FeatureSet::from_config(&config.features);
    let mut feature_warnings = Vec::new();
    let (final_features, pinned) = match &constraints.features {
        Some((pins, source)) => {
            feature_warnings.extend(pins.warnings.iter().cloned());
            let set = pins
                .apply(&configured, source)
                .map_err(|m| Diagnostic::error("requirements/feature-pin", m).in_source(source.label()))?;
            (set, Some((pins, source)))
        }
        None => (configured, None),
    };
    // Codex selects the permission profile after the feature requirements and before it applies
    // the other constraints' fallbacks (core/src/config/mod.rs @ 03564ba8).
    let permission_profile = select_permission_profile(composed.mode, reqs, config, legacy.sandbox_mode.is_some())?;
    let configured_features: Vec<Feature> = config.features.keys().filter_map(|k| Feature::for_key(k)).collect();
    let mut features: Vec<(Feature, Setting<bool>)> = Vec::new();
    let mut mentioned: Vec<Feature> = configured_features.clone();
    if let Some((pins, _)) = pinned {
        mentioned.extend(pins.pins.iter().map(|(f, _)| *f));
    }
    // Unstable is the same order here (equal features are identical) and smaller in the wasm.
    mentioned.sort_unstable();
    mentioned.dedup();
    for f in mentioned {
        let source = match pinned {
            Some((pins, source)) if pins.is_pinned(f) => SettingSource::Requirement(source.clone()),
            _ if configured_features.contains(&f) => SettingSource::Config,
            _ => SettingSource::Default,
        };
        features.push((f, Setting { value: final_features.enabled(f), source, warning: None }));
    }

    let mcp_servers = evaluate_mcp_servers(
        &config.mcp_servers,
        reqs.mcp_servers.as_ref().map(|s| (s.value.as_slice(), &s.source)),
        reqs.plugins.as_ref().map(|s| (s.value.as_slice(), &s.source)),
    );
    let mut startup_warnings = Vec::new();
    for w in [&approval_policy.warning, &approvals_reviewer.warning, &sandbox_mode.warning, &web_search.warning]
        .into_iter()
        .flatten()
    {
        startup_warnings.push(w.clone());
    }
    startup_warnings.extend(feature_warnings);
    startup_warnings.extend(permission_profile.as_ref().and_then(|p| p.warning.clone()));
    let settings = EffectiveSettings {
        approval_policy,
        approvals_reviewer,
        sandbox_mode,
        web_search,
        features: features.into_iter().map(|(f, s)| (f.key().to_owned(), s)).collect(),
        mcp_servers,
        permission_profile,
        startup_warnings,
    };
    Ok(settings)
}

fn setting_json<T>(s: &Setting<T>, value: Json) -> Json {
    Json::object().with("value", value).with("source", s.source.label()).with_opt("warning", s.warning.as_deref())
}

/// JSON value of an approval policy: its spelling, or `{"granular":{…}}`.
pub fn approval_policy_json(p: ApprovalPolicy) -> Json {
    match p {
        ApprovalPolicy::Granular(g) => Json::object().with(
            "granular",
            Json::object()
                .with("sandbox_approval", g.sandbox_approval)
                .with("rules", g.rules)
                .with("skill_approval", g.skill_approval)
                .with("request_permissions", g.request_permissions)
                .with("mcp_elicitations", g.mcp_elicitations),
        ),
        other => Json::from(other.as_str()),
    }
}

/// `settings` of `codex-policy explain --json`: per setting `{"value","source","warning"?}`,
/// the selected permission profile under `default_permissions` (when profiles are in play),
/// features under `features`, MCP servers under `mcp_servers`.
pub fn settings_json(s: &EffectiveSettings) -> Json {
    let mut out = Json::object()
        .with("approval_policy", setting_json(&s.approval_policy, approval_policy_json(s.approval_policy.value)))
        .with("approvals_reviewer", setting_json(&s.approvals_reviewer, s.approvals_reviewer.value.as_str().into()))
        .with("sandbox_mode", setting_json(&s.sandbox_mode, s.sandbox_mode.value.as_str().into()))
        .with("web_search", setting_json(&s.web_search, s.web_search.value.as_str().into()));
    if let Some(p) = &s.permission_profile {
        out.push("default_permissions", setting_json(p, p.value.as_str().into()));
    }
    if !s.features.is_empty() {
        out.push(
            "features",
            Json::Object(s.features.iter().map(|(k, v)| (k.clone(), setting_json(v, Json::Bool(v.value)))).collect()),
        );
    }
    if !s.mcp_servers.is_empty() {
        out.push("mcp_servers", Json::Array(s.mcp_servers.iter().map(mcp_outcome_json).collect()));
    }
    out
}

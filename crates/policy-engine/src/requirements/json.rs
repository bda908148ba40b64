//! JSON renderings of effective requirements and constraints (`codex-policy explain --json`).

use crate::json::Json;
use crate::requirements::constraints::Constraints;
use crate::requirements::document::{
    AppToolApproval, HookHandlerToml, HooksToml, MarketplaceSourceKind, PermissionsToml,
};
use crate::requirements::effective::{EffectiveRequirements, Sourced};
use crate::requirements::mcp::{mcp_requirements_json, plugins_json};
use crate::requirements::settings::approval_policy_json;
use crate::requirements::source::RequirementSource;
use crate::requirements_rules::RequirementsRulesToml;

fn field<T>(s: &Sourced<T>, value: Json) -> Json {
    sourced(&s.source, &s.shadowed, value)
}

/// The body of [`field`], shared by every field type.
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn sourced(source: &RequirementSource, shadowed: &[RequirementSource], value: Json) -> Json {
    let mut out = Json::object().with("value", value).with("source", source.label());
    if !shadowed.is_empty() {
        out.push("shadowed", Json::Array(shadowed.iter().map(|x| Json::from(x.label())).collect()));
    }
    out
}

fn strs<'a>(items: impl Iterator<Item = &'a str>) -> Json {
    Json::Array(items.map(Json::from).collect())
}

fn bool_map(m: &std::collections::BTreeMap<String, bool>) -> Json {
    Json::Object(m.iter().map(|(k, v)| (k.clone(), Json::Bool(*v))).collect())
}

/// Converts a TOML value to JSON (datetimes as strings).
pub fn toml_to_json(v: &crate::tomlread::Value) -> Json {
    match v {
        crate::tomlread::Value::String(s) => Json::from(s.as_str()),
        crate::tomlread::Value::Integer(i) => Json::Int(*i),
        crate::tomlread::Value::Float(f) => Json::Float(*f),
        crate::tomlread::Value::Boolean(b) => Json::Bool(*b),
        crate::tomlread::Value::Datetime(d) => Json::from(d.to_string()),
        crate::tomlread::Value::Array(a) => Json::Array(a.iter().map(toml_to_json).collect()),
        crate::tomlread::Value::Table(t) => Json::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

fn hooks_json(h: &HooksToml) -> Json {
    let mut out = Json::object()
        .with_opt("managed_dir", h.managed_dir.as_deref())
        .with_opt("windows_managed_dir", h.windows_managed_dir.as_deref());
    for (name, groups) in h.events() {
        if groups.is_empty() {
            continue;
        }
        let groups = groups
            .iter()
            .map(|g| {
                let handlers = g
                    .hooks
                    .iter()
                    .map(|handler| match handler {
                        HookHandlerToml::Command { command, timeout, .. } => Json::object()
                            .with("type", "command")
                            .with("command", command.as_str())
                            .with_opt("timeout", timeout.map(|t| Json::Int(i64::try_from(t).unwrap_or(i64::MAX)))),
                        HookHandlerToml::Prompt {} => Json::object().with("type", "prompt"),
                        HookHandlerToml::Agent {} => Json::object().with("type", "agent"),
                    })
                    .collect();
                Json::object().with_opt("matcher", g.matcher.as_deref()).with("hooks", Json::Array(handlers))
            })
            .collect();
        out.push(name, Json::Array(groups));
    }
    out
}

fn rules_json(r: &RequirementsRulesToml) -> Json {
    let rules = r
        .prefix_rules
        .get_ref()
        .iter()
        .map(|rule| {
            let rule = rule.get_ref();
            let pattern = rule
                .pattern
                .get_ref()
                .iter()
                .map(|t| {
                    let t = t.get_ref();
                    Json::object()
                        .with_opt("token", t.token.as_deref())
                        .with_opt("any_of", t.any_of.as_ref().map(|a| strs(a.iter().map(String::as_str))))
                })
                .collect();
            let decision = rule.decision.as_ref().map(|d| match d.get_ref() {
                crate::requirements_rules::RuleDecisionToml::Allow => "allow",
                crate::requirements_rules::RuleDecisionToml::Prompt => "prompt",
                crate::requirements_rules::RuleDecisionToml::Forbidden => "forbidden",
            });
            let reviewer = rule.reviewer.as_ref().map(|r| match r.get_ref() {
                crate::requirements_rules::ReviewerToml::User => "user",
                crate::requirements_rules::ReviewerToml::AutoReview => "auto_review",
            });
            Json::object()
                .with("pattern", Json::Array(pattern))
                .with_opt("decision", decision)
                .with_opt("justification", rule.justification.as_ref().map(|j| j.get_ref().as_str()))
                .with_opt("reviewer", reviewer)
        })
        .collect();
    Json::object().with("prefix_rules", Json::Array(rules))
}

fn permissions_json(p: &PermissionsToml) -> Json {
    let mut out = Json::object();
    if let Some(fs) = &p.filesystem {
        out.push(
            "filesystem",
            Json::object().with_opt("deny_read", fs.deny_read.as_ref().map(|d| strs(d.iter().map(String::as_str)))),
        );
    }
    for (name, profile) in &p.profiles {
        out.push(name, toml_to_json(profile));
    }
    out
}

/// `requirements` of `explain --json`: per present field `{"value","source","shadowed"?}`, in
/// Codex's field order, values normalised (aliases resolved, legacy network lists converted).
pub fn requirements_json(r: &EffectiveRequirements) -> Json {
    render_requirements(r, true)
}

/// [`requirements_json`] with `rules` reduced to `{"prefix_rule_count": N}`: for views that show
/// the count, so a 10,000-rule policy is not rendered on every evaluation.
pub fn requirements_json_brief(r: &EffectiveRequirements) -> Json {
    render_requirements(r, false)
}

fn render_requirements(r: &EffectiveRequirements, full_rules: bool) -> Json {
    let mut out = Json::object();
    let mut put = |key: &str, value: Option<Json>| {
        if let Some(v) = value {
            out.push(key, v);
        }
    };
    put(
        "allowed_approval_policies",
        r.allowed_approval_policies
            .as_ref()
            .map(|s| field(s, Json::Array(s.value.iter().map(|p| approval_policy_json(*p)).collect()))),
    );
    put(
        "allowed_approvals_reviewers",
        r.allowed_approvals_reviewers.as_ref().map(|s| field(s, strs(s.value.iter().map(|x| x.as_str())))),
    );
    put(
        "allowed_sandbox_modes",
        r.allowed_sandbox_modes.as_ref().map(|s| field(s, strs(s.value.iter().map(|x| x.as_str())))),
    );
    put("allowed_permission_profiles", r.allowed_permission_profiles.as_ref().map(|s| field(s, bool_map(&s.value))));
    put("default_permissions", r.default_permissions.as_ref().map(|s| field(s, Json::from(s.value.as_str()))));
    put(
        "allowed_permissions",
        r.allowed_permissions.as_ref().map(|s| field(s, strs(s.value.iter().map(String::as_str)))),
    );
    put(
        "allowed_web_search_modes",
        r.allowed_web_search_modes.as_ref().map(|s| field(s, strs(s.value.iter().map(|x| x.as_str())))),
    );
    put("allow_managed_hooks_only", r.allow_managed_hooks_only.as_ref().map(|s| field(s, Json::Bool(s.value))));
    put("allow_appshots", r.allow_appshots.as_ref().map(|s| field(s, Json::Bool(s.value))));
    put("allow_remote_control", r.allow_remote_control.as_ref().map(|s| field(s, Json::Bool(s.value))));
    put(
        "computer_use",
        r.computer_use
            .as_ref()
            .map(|s| field(s, Json::object().with_opt("allow_locked_computer_use", s.value.allow_locked_computer_use))),
    );
    put(
        "windows",
        r.windows.as_ref().map(|s| {
            field(
                s,
                Json::object()
                    .with_opt(
                        "allowed_sandbox_implementations",
                        s.value.allowed_sandbox_implementations.as_ref().map(|l| strs(l.iter().map(|i| i.as_str()))),
                    )
                    .with_opt("sandbox_private_desktop", s.value.sandbox_private_desktop),
            )
        }),
    );
    put("features", r.features.as_ref().map(|s| field(s, bool_map(&s.value))));
    put("hooks", r.hooks.as_ref().map(|s| field(s, hooks_json(&s.value))));
    put("mcp_servers", r.mcp_servers.as_ref().map(|s| field(s, mcp_requirements_json(&s.value))));
    put("plugins", r.plugins.as_ref().map(|s| field(s, plugins_json(&s.value))));
    put(
        "marketplaces",
        r.marketplaces.as_ref().map(|s| {
            let sources = Json::Object(
                s.value
                    .allowed_sources
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            Json::object()
                                .with_opt("source", v.source.map(MarketplaceSourceKind::as_str))
                                .with_opt("url", v.url.as_deref())
                                .with_opt("ref", v.ref_name.as_deref())
                                .with_opt("host_pattern", v.host_pattern.as_deref())
                                .with_opt("path", v.path.as_deref()),
                        )
                    })
                    .collect(),
            );
            field(
                s,
                Json::object()
                    .with_opt("restrict_to_allowed_sources", s.value.restrict_to_allowed_sources)
                    .with("allowed_sources", sources),
            )
        }),
    );
    put(
        "apps",
        r.apps.as_ref().map(|s| {
            let apps = s
                .value
                .iter()
                .map(|(id, app)| {
                    let tools = app.tools.as_ref().map(|tools| {
                        Json::Object(
                            tools
                                .iter()
                                .map(|(name, t)| {
                                    (
                                        name.clone(),
                                        Json::object()
                                            .with_opt("approval_mode", t.approval_mode.map(AppToolApproval::as_str)),
                                    )
                                })
                                .collect(),
                        )
                    });
                    (id.clone(), Json::object().with_opt("enabled", app.enabled).with_opt("tools", tools))
                })
                .collect();
            field(s, Json::Object(apps))
        }),
    );
    put(
        "rules",
        r.rules.as_ref().map(|s| {
            let value = if full_rules {
                rules_json(&s.value)
            } else {
                Json::object().with("prefix_rule_count", s.value.prefix_rules.get_ref().len())
            };
            field(s, value)
        }),
    );
    put("enforce_residency", r.enforce_residency.as_ref().map(|s| field(s, Json::from("us"))));
    put("experimental_network", r.network.as_ref().map(|s| field(s, s.value.to_json())));
    put("permissions", r.permissions.as_ref().map(|s| field(s, permissions_json(&s.value))));
    put("guardian_policy_config", r.guardian_policy_config.as_ref().map(|s| field(s, Json::from(s.value.as_str()))));
    out
}

/// The constraints as JSON: per constrained setting its fallback, allowed set and source.
pub fn constraints_json(c: &Constraints) -> Json {
    let mut out = Json::object();
    let mut approval = Json::object().with("fallback", approval_policy_json(c.approval_policy.initial));
    if let Some((list, source)) = &c.approval_policy.allowed {
        approval.push("allowed", Json::Array(list.iter().map(|p| approval_policy_json(*p)).collect()));
        approval.push("source", source.label());
    }
    out.push("approval_policy", approval);
    let mut reviewer = Json::object().with("fallback", c.approvals_reviewer.initial.as_str());
    if let Some((list, source)) = &c.approvals_reviewer.allowed {
        reviewer.push("allowed", strs(list.iter().map(|r| r.as_str())));
        reviewer.push("source", source.label());
    }
    out.push("approvals_reviewer", reviewer);
    let mut sandbox = Json::object().with("fallback", c.sandbox.initial.as_str());
    if let Some((list, source)) = &c.sandbox.allowed {
        sandbox.push("allowed", strs(list.iter().map(|m| m.as_str())));
        sandbox.push("source", source.label());
    }
    if let Some(source) = &c.sandbox.deny_read {
        sandbox.push("deny_read_source", source.label());
    }
    out.push("sandbox_mode", sandbox);
    let mut web = Json::object().with("fallback", c.web_search.initial.as_str());
    if let Some((set, source)) = &c.web_search.accepted {
        web.push("allowed", strs(set.iter().map(|m| m.as_str())));
        web.push("source", source.label());
    }
    out.push("web_search", web);
    if let Some((pins, source)) = &c.features {
        out.push(
            "features",
            Json::object()
                .with(
                    "pins",
                    Json::Object(pins.pins.iter().map(|(f, v)| (f.key().to_owned(), Json::Bool(*v))).collect()),
                )
                .with("source", source.label()),
        );
    }
    if let Some((rules, source)) = &c.exec_policy {
        out.push("rules", Json::object().with("count", rules.len()).with("source", source.label()));
    }
    if let Some(h) = &c.managed_hooks {
        out.push("hooks", Json::object().with("handlers", h.value.handler_count()).with("source", h.source.label()));
    }
    out
}

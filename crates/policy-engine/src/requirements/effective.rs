//! The effective requirements: every field with the value that won, the layer it came from, and
//! the layers whose value it shadowed.

use std::collections::BTreeMap;

use crate::decision::Reviewer;
use crate::diagnostic::Span;
use crate::requirements::document::{
    AppRequirementToml, ApprovalPolicyToml, ApprovalsReviewerToml, ComputerUseToml, HooksToml, MarketplacesToml,
    PermissionsToml, RequirementsToml, ResidencyToml, SandboxModeToml, WebSearchModeToml, WindowsToml,
};
use crate::requirements::keyed;
use crate::requirements::mcp::{McpServerRequirement, PluginRequirementsToml};
use crate::requirements::network::NetworkRequirementsToml;
use crate::requirements::source::RequirementSource;
use crate::requirements_rules::RequirementsRulesToml;
use crate::settings::{ApprovalPolicy, SandboxMode, WebSearchMode};

/// A value with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    /// The value in effect.
    pub value: T,
    /// The layer (or, in the deep-merge mode, the composite of layers) it came from.
    pub source: RequirementSource,
    /// Where it is written in that layer's text (absent for synthesized or composed values).
    pub span: Option<Span>,
    /// Lower-precedence layers that also set this field and lost (or, for `apps`, were merged in).
    pub shadowed: Vec<RequirementSource>,
}

impl<T> Sourced<T> {
    /// A value from `source` at `span`.
    pub fn new(value: T, source: RequirementSource, span: Option<Span>) -> Self {
        Self { value, source, span, shadowed: Vec::new() }
    }
}

/// Every requirement field after merging (Codex's `ConfigRequirementsWithSources`).
#[derive(Debug, Clone, Default)]
pub struct EffectiveRequirements {
    /// `allowed_approval_policies`
    pub allowed_approval_policies: Option<Sourced<Vec<ApprovalPolicy>>>,
    /// `allowed_approvals_reviewers`
    pub allowed_approvals_reviewers: Option<Sourced<Vec<Reviewer>>>,
    /// `allowed_sandbox_modes` (after `remote_sandbox_config`)
    pub allowed_sandbox_modes: Option<Sourced<Vec<SandboxMode>>>,
    /// `allowed_permission_profiles`
    pub allowed_permission_profiles: Option<Sourced<BTreeMap<String, bool>>>,
    /// `default_permissions`
    pub default_permissions: Option<Sourced<String>>,
    /// `allowed_permissions`
    pub allowed_permissions: Option<Sourced<Vec<String>>>,
    /// `allowed_web_search_modes`
    pub allowed_web_search_modes: Option<Sourced<Vec<WebSearchMode>>>,
    /// `allow_managed_hooks_only`
    pub allow_managed_hooks_only: Option<Sourced<bool>>,
    /// `allow_appshots`
    pub allow_appshots: Option<Sourced<bool>>,
    /// `allow_remote_control`
    pub allow_remote_control: Option<Sourced<bool>>,
    /// `computer_use`
    pub computer_use: Option<Sourced<ComputerUseToml>>,
    /// `windows`
    pub windows: Option<Sourced<WindowsToml>>,
    /// `features`
    pub features: Option<Sourced<BTreeMap<String, bool>>>,
    /// `hooks`
    pub hooks: Option<Sourced<HooksToml>>,
    /// `mcp_servers`
    pub mcp_servers: Option<Sourced<Vec<(String, McpServerRequirement)>>>,
    /// `plugins`
    pub plugins: Option<Sourced<Vec<(String, PluginRequirementsToml)>>>,
    /// `marketplaces`
    pub marketplaces: Option<Sourced<MarketplacesToml>>,
    /// `apps`
    pub apps: Option<Sourced<Vec<(String, AppRequirementToml)>>>,
    /// `rules`
    pub rules: Option<Sourced<RequirementsRulesToml>>,
    /// `enforce_residency`
    pub enforce_residency: Option<Sourced<ResidencyToml>>,
    /// `experimental_network`
    pub network: Option<Sourced<NetworkRequirementsToml>>,
    /// `permissions`
    pub permissions: Option<Sourced<PermissionsToml>>,
    /// `guardian_policy_config` (blank values never get here)
    pub guardian_policy_config: Option<Sourced<String>>,
}

/// Calls `$m!(field)` for every field except `apps` and `guardian_policy_config`, in Codex order.
macro_rules! for_plain_fields {
    ($m:ident) => {
        $m!(allowed_approval_policies);
        $m!(allowed_approvals_reviewers);
        $m!(allowed_sandbox_modes);
        $m!(allowed_permission_profiles);
        $m!(default_permissions);
        $m!(allowed_permissions);
        $m!(allowed_web_search_modes);
        $m!(allow_managed_hooks_only);
        $m!(allow_appshots);
        $m!(allow_remote_control);
        $m!(computer_use);
        $m!(windows);
        $m!(features);
        $m!(hooks);
        $m!(mcp_servers);
        $m!(plugins);
        $m!(marketplaces);
        $m!(rules);
        $m!(enforce_residency);
        $m!(network);
        $m!(permissions);
    };
}

impl EffectiveRequirements {
    /// One layer's fields, all attributed to `source` (blank `guardian_policy_config` dropped;
    /// `remote_sandbox_config` must already be applied).
    pub fn from_document(doc: RequirementsToml, source: &RequirementSource) -> Self {
        fn s<T, U>(
            v: Option<toml::Spanned<T>>,
            source: &RequirementSource,
            f: impl FnOnce(T) -> U,
        ) -> Option<Sourced<U>> {
            v.map(|v| {
                let span = Some(Span::from(v.span()));
                Sourced::new(f(v.into_inner()), source.clone(), span)
            })
        }
        fn list<T: Clone, U>(items: Vec<toml::Spanned<T>>, f: impl Fn(T) -> U) -> Vec<U> {
            items.into_iter().map(|i| f(i.into_inner())).collect()
        }
        Self {
            allowed_approval_policies: s(doc.allowed_approval_policies, source, |v| list(v, ApprovalPolicyToml::value)),
            allowed_approvals_reviewers: s(doc.allowed_approvals_reviewers, source, |v| {
                list(v, ApprovalsReviewerToml::value)
            }),
            allowed_sandbox_modes: s(doc.allowed_sandbox_modes, source, |v| list(v, SandboxModeToml::value)),
            allowed_permission_profiles: s(doc.allowed_permission_profiles, source, |v| v),
            default_permissions: s(doc.default_permissions, source, |v| v),
            allowed_permissions: s(doc.allowed_permissions, source, |v| v),
            allowed_web_search_modes: s(doc.allowed_web_search_modes, source, |v| list(v, WebSearchModeToml::value)),
            allow_managed_hooks_only: s(doc.allow_managed_hooks_only, source, |v| v),
            allow_appshots: s(doc.allow_appshots, source, |v| v),
            allow_remote_control: s(doc.allow_remote_control, source, |v| v),
            computer_use: s(doc.computer_use, source, |v| v),
            windows: s(doc.windows, source, |v| v),
            features: s(doc.features, source, |v| v),
            hooks: s(doc.hooks, source, |v| v),
            mcp_servers: s(doc.mcp_servers, source, |v| v),
            plugins: s(doc.plugins, source, |v| v),
            marketplaces: s(doc.marketplaces, source, |v| v),
            apps: s(doc.apps, source, |v| v),
            rules: s(doc.rules, source, |v| v),
            enforce_residency: s(doc.enforce_residency, source, |v| v),
            network: s(doc.network, source, |v| v),
            permissions: s(doc.permissions, source, |v| v),
            guardian_policy_config: s(doc.guardian_policy_config, source, |v| v).filter(|g| !g.value.trim().is_empty()),
        }
    }

    /// V1 `merge_unset_fields`: every field `self` lacks is taken whole from the lower layer;
    /// fields both set keep `self`'s value and record the lower source as shadowed. `apps` uses
    /// the restrictive merge of spec §2.3.9.
    pub fn fill_unset_from(&mut self, lower: EffectiveRequirements) {
        macro_rules! fill {
            ($field:ident) => {
                match (&mut self.$field, lower.$field) {
                    (slot @ None, Some(v)) => *slot = Some(v),
                    (Some(existing), Some(v)) => existing.shadowed.push(v.source),
                    _ => {}
                }
            };
        }
        for_plain_fields!(fill);
        fill!(guardian_policy_config);
        match (&mut self.apps, lower.apps) {
            (slot @ None, Some(v)) => *slot = Some(v),
            (Some(existing), Some(incoming)) => {
                merge_apps_descending(&mut existing.value, incoming.value);
                existing.shadowed.push(incoming.source);
            }
            _ => {}
        }
    }

    /// Whether no field is set (after the empty-table rules of `is_empty`).
    pub fn is_empty(&self) -> bool {
        self.allowed_approval_policies.is_none()
            && self.allowed_approvals_reviewers.is_none()
            && self.allowed_sandbox_modes.is_none()
            && self.allowed_permission_profiles.is_none()
            && self.default_permissions.is_none()
            && self.allowed_permissions.is_none()
            && self.allowed_web_search_modes.is_none()
            && self.allow_managed_hooks_only.is_none()
            && self.allow_appshots.is_none()
            && self.allow_remote_control.is_none()
            && self.computer_use.as_ref().is_none_or(|c| c.value.is_empty())
            && self.windows.as_ref().is_none_or(|w| w.value.is_empty())
            && self.features.as_ref().is_none_or(|f| f.value.is_empty())
            && self.hooks.as_ref().is_none_or(|h| h.value.is_empty())
            && self.mcp_servers.is_none()
            && self.plugins.as_ref().is_none_or(|p| p.value.iter().all(|(_, p)| p.is_empty()))
            && self.marketplaces.as_ref().is_none_or(|m| m.value.is_empty())
            && self.apps.as_ref().is_none_or(|a| a.value.iter().all(|(_, a)| a.is_empty()))
            && self.rules.is_none()
            && self.enforce_residency.is_none()
            && self.network.is_none()
            && self.permissions.is_none()
            && self.guardian_policy_config.is_none()
    }
}

/// `merge_app_requirements_descending`: `enabled` is `false` if any layer says so, else the
/// higher explicit value; a tool's `approval_mode` keeps the higher value when present. Both
/// lists stay in key order (they are Codex's `BTreeMap`s).
pub fn merge_apps_descending(
    base: &mut Vec<(String, AppRequirementToml)>,
    incoming: Vec<(String, AppRequirementToml)>,
) {
    for (id, lower) in incoming {
        let Some(entry) = keyed::entry_or_default(base, id) else { continue };
        entry.enabled = if entry.enabled == Some(false) || lower.enabled == Some(false) {
            Some(false)
        } else {
            entry.enabled.or(lower.enabled)
        };
        let Some(lower_tools) = lower.tools else {
            continue;
        };
        let tools = entry.tools.get_or_insert_with(Vec::new);
        for (name, tool) in lower_tools {
            let Some(slot) = keyed::entry_or_default(tools, name) else { continue };
            if slot.approval_mode.is_none() {
                slot.approval_mode = tool.approval_mode;
            }
        }
    }
}

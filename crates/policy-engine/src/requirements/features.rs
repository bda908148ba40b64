//! Feature pins (`[features]` in requirements, spec §2.3.7): Codex's feature registry (canonical
//! keys, defaults, legacy aliases), pin parsing with its startup warnings, and normalisation.
//!
//! Registry source: `codex-rs/features/src/lib.rs` and `legacy.rs` (newest `main` read for this
//! project); the enum declaration order below is Codex's, because pins are kept in a
//! `BTreeMap<Feature, bool>` and conflicts are reported in that order.

use std::collections::BTreeMap;

use crate::requirements::keyed;
use crate::requirements::source::RequirementSource;

/// `(canonical key, enabled by default)` in Codex's `Feature` enum order (non-Windows defaults).
pub const FEATURES: &[(&str, bool)] = &[
    ("shell_tool", true),
    ("hooks", true),
    ("secret_auth_storage", false),
    ("code_mode", false),
    ("code_mode_only", false),
    ("unified_exec", true),
    ("shell_zsh_fork", false),
    ("unified_exec_zsh_fork", false),
    ("terminal_resize_reflow", true),
    ("terminal_visualization_instructions", false),
    ("apply_patch_streaming_events", false),
    ("exec_permission_approvals", false),
    ("request_permissions_tool", false),
    ("web_search_request", false),
    ("web_search_cached", false),
    ("standalone_web_search", false),
    ("use_legacy_landlock", false),
    ("shell_snapshot", true),
    ("runtime_metrics", false),
    ("memories", false),
    ("local_thread_store_compression", false),
    ("chronicle", false),
    ("child_agents_md", false),
    ("enable_request_compression", true),
    ("network_proxy", false),
    ("respect_system_proxy", false),
    ("multi_agent", true),
    ("multi_agent_v2", false),
    ("enable_fanout", false),
    ("apps", true),
    ("enable_mcp_apps", false),
    ("apps_mcp_path_override", false),
    ("tool_search", false),
    ("tool_search_always_defer_mcp_tools", false),
    ("non_prefixed_mcp_tool_names", false),
    ("tool_suggest", true),
    ("plugins", true),
    ("plugin_hooks", false),
    ("in_app_browser", true),
    ("browser_use", true),
    ("browser_use_external", true),
    ("computer_use", true),
    ("remote_plugin", false),
    ("plugin_sharing", true),
    ("external_migration", false),
    ("image_generation", true),
    ("imagegenext", false),
    ("resize_all_images", false),
    ("item_ids", false),
    ("skill_mcp_dependency_install", true),
    ("skill_env_var_dependency_prompt", false),
    ("mentions_v2", true),
    ("default_mode_request_user_input", false),
    ("guardian_approval", true),
    ("goals", true),
    ("token_budget", false),
    ("sleep_tool", false),
    ("tool_call_mcp_elicitation", true),
    ("auth_elicitation", false),
    ("personality", true),
    ("artifact", false),
    ("fast_mode", true),
    ("realtime_conversation", false),
    ("prevent_idle_sleep", false),
    ("remote_compaction_v2", true),
    ("workspace_dependencies", true),
    ("undo", false),
    ("js_repl", false),
    ("js_repl_tools_only", false),
    ("search_tool", false),
    ("use_linux_sandbox_bwrap", false),
    ("request_rule", false),
    ("experimental_windows_sandbox", false),
    ("elevated_windows_sandbox", false),
    ("remote_models", false),
    ("codex_git_commit", false),
    ("sqlite", true),
    ("apply_patch_freeform", false),
    ("unavailable_dummy_tools", false),
    ("steer", true),
    ("collaboration_modes", true),
    ("remote_control", false),
    ("image_detail_original", false),
    ("tui_app_server", true),
    ("workspace_owner_usage_nudge", false),
    ("responses_websockets", false),
    ("responses_websockets_v2", false),
];

/// Legacy keys and the canonical key they stand for (`legacy.rs`).
pub const LEGACY_ALIASES: &[(&str, &str)] = &[
    ("connectors", "apps"),
    ("enable_experimental_windows_sandbox", "experimental_windows_sandbox"),
    ("experimental_use_unified_exec_tool", "unified_exec"),
    ("experimental_use_freeform_apply_patch", "apply_patch_freeform"),
    ("include_apply_patch_tool", "apply_patch_freeform"),
    ("request_permissions", "exec_permission_approvals"),
    ("web_search", "web_search_request"),
    ("collab", "multi_agent"),
    ("memory_tool", "memories"),
    ("guardian_approval", "guardian_approval"),
];

/// `(dependent, dependency)`: enabling the first enables the second (`normalize_dependencies`).
const DEPENDENCIES: &[(&str, &str)] = &[("enable_fanout", "multi_agent"), ("code_mode_only", "code_mode")];

/// A feature, identified by its index in [`FEATURES`] (so `Ord` is Codex's enum order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Feature(usize);

impl Feature {
    /// Its canonical key.
    pub fn key(self) -> &'static str {
        FEATURES.get(self.0).map_or("", |(k, _)| k)
    }

    /// Whether it is on when nothing configures it.
    pub fn default_enabled(self) -> bool {
        FEATURES.get(self.0).is_some_and(|(_, d)| *d)
    }

    /// The feature with this canonical key.
    pub fn canonical(key: &str) -> Option<Self> {
        FEATURES.iter().position(|(k, _)| *k == key).map(Feature)
    }

    /// A canonical or legacy key (`feature_for_key`).
    pub fn for_key(key: &str) -> Option<Self> {
        Self::canonical(key)
            .or_else(|| LEGACY_ALIASES.iter().find(|(legacy, _)| *legacy == key).and_then(|(_, c)| Self::canonical(c)))
    }
}

/// An effective feature set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSet {
    enabled: Vec<bool>,
}

impl Default for FeatureSet {
    fn default() -> Self {
        Self { enabled: FEATURES.iter().map(|(_, d)| *d).collect() }
    }
}

impl FeatureSet {
    /// Whether `f` is on.
    pub fn enabled(&self, f: Feature) -> bool {
        self.enabled.get(f.0).copied().unwrap_or(false)
    }

    /// Turns `f` on or off.
    pub fn set(&mut self, f: Feature, on: bool) {
        if let Some(slot) = self.enabled.get_mut(f.0) {
            *slot = on;
        }
    }

    /// Codex's `normalize_dependencies`.
    pub fn normalize_dependencies(&mut self) {
        for (dependent, dependency) in DEPENDENCIES {
            if let (Some(a), Some(b)) = (Feature::canonical(dependent), Feature::canonical(dependency))
                && self.enabled(a)
            {
                self.set(b, true);
            }
        }
    }

    /// Defaults, then the user's `[features]` (canonical or legacy keys; unknown keys ignored),
    /// then dependencies (`Features::from_sources`).
    pub fn from_config(features: &BTreeMap<String, bool>) -> Self {
        let mut set = Self::default();
        for (key, on) in features {
            if let Some(f) = Feature::for_key(key) {
                set.set(f, *on);
            }
        }
        set.normalize_dependencies();
        set
    }
}

/// Pins parsed from a requirements `[features]` table, with the startup warnings Codex prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeaturePins {
    /// Pinned features in Codex's enum order, each once (a later key pinning the same feature
    /// wins): Codex's `BTreeMap`, as a sorted list.
    pub pins: Vec<(Feature, bool)>,
    /// ``Using legacy `features` requirement …`` / ``Ignoring unknown `features` requirement …``.
    pub warnings: Vec<String>,
}

/// `parse_feature_requirements`: `auto_review` pins the guardian-approval feature, canonical keys
/// pin silently, legacy keys pin with a warning, unknown keys are ignored with a warning.
pub fn parse_feature_pins(entries: &BTreeMap<String, bool>, source: &RequirementSource) -> FeaturePins {
    let mut out = FeaturePins::default();
    for (key, on) in entries {
        if key == "auto_review" {
            if let Some(f) = Feature::canonical("guardian_approval") {
                out.pin(f, *on);
            }
        } else if let Some(f) = Feature::canonical(key) {
            out.pin(f, *on);
        } else if let Some(f) = Feature::for_key(key) {
            out.warnings.push(format!(
                "Using legacy `features` requirement `{key}` from {source}; prefer canonical feature key `{}`",
                f.key()
            ));
            out.pin(f, *on);
        } else {
            out.warnings.push(format!("Ignoring unknown `features` requirement `{key}` from {source}"));
        }
    }
    out
}

impl FeaturePins {
    /// Pins `feature` (in enum order; a repeated feature takes the new value).
    fn pin(&mut self, feature: Feature, on: bool) {
        keyed::insert(&mut self.pins, feature, on);
    }

    /// Whether `feature` is pinned.
    pub fn is_pinned(&self, feature: Feature) -> bool {
        keyed::get(&self.pins, &feature).is_some()
    }

    /// `[k1=v1, k2=v2]` as in the constraint error.
    pub fn display(&self) -> String {
        let items: Vec<String> = self.pins.iter().map(|(f, on)| format!("{}={on}", f.key())).collect();
        format!("[{}]", items.join(", "))
    }

    /// Forces the pins onto `configured`, re-normalises, and checks every pin still holds;
    /// otherwise Codex's fatal text.
    pub fn apply(&self, configured: &FeatureSet, source: &RequirementSource) -> Result<FeatureSet, String> {
        let mut set = configured.clone();
        for (f, on) in &self.pins {
            set.set(*f, *on);
        }
        set.normalize_dependencies();
        for (f, on) in &self.pins {
            if set.enabled(*f) != *on {
                return Err(format!(
                    "invalid value for `features`: `{}={}` is not in the allowed set {} (set by {source})",
                    f.key(),
                    set.enabled(*f),
                    self.display()
                ));
            }
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_conflict_is_fatal_and_named_in_feature_order() {
        let entries = BTreeMap::from([("enable_fanout".to_owned(), true), ("multi_agent".to_owned(), false)]);
        let pins = parse_feature_pins(&entries, &RequirementSource::Unknown);
        let err = pins.apply(&FeatureSet::default(), &RequirementSource::Unknown);
        assert_eq!(
            err,
            Err("invalid value for `features`: `multi_agent=true` is not in the allowed set [multi_agent=false, enable_fanout=true] (set by <unspecified>)".to_owned())
        );
    }

    #[test]
    fn later_key_wins_for_the_same_feature() {
        let entries = BTreeMap::from([("collab".to_owned(), false), ("multi_agent".to_owned(), true)]);
        let pins = parse_feature_pins(&entries, &RequirementSource::Unknown);
        let multi_agent = Feature::canonical("multi_agent").unwrap_or(Feature(0));
        assert_eq!(pins.pins.iter().find(|(f, _)| *f == multi_agent).map(|(_, on)| *on), Some(true));
        assert_eq!(pins.warnings.len(), 1);
    }
}

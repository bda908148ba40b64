//! Which permission profile Codex starts with: requirements `default_permissions` and the profile
//! allowlist against the user's `default_permissions` and `[permissions.<name>]` profiles.
//!
//! Two generations, one per merge mode (the research note on `openai/codex` behind this module
//! cites every commit):
//!
//! - [`MergeMode::PerField`] (V1) reproduces core/src/config/mod.rs @ `03564ba8`: the array
//!   `allowed_permissions` with a `default_permissions` that *overrides* the user's value,
//!   `allowed_permissions[0]` as the last resort, and no exemption for built-in profiles.
//!   `[allowed_permission_profiles]` does not exist in that generation and is ignored.
//! - [`MergeMode::DeepMerge`] (V2) reproduces `resolve_default_permissions` @ `07f686dd`: the map
//!   `[allowed_permission_profiles]` (`true` = allowed, anything missing = denied), where the
//!   requirements default is only the *fallback* and an allowed user value is kept. The array
//!   `allowed_permissions` does not exist in that generation and is ignored.
//!
//! Validation runs before selection, in Codex's order: the requirements profiles merged into the
//! config's (`merge_managed_permission_profiles`), reserved `:` names
//! (`validate_user_permission_profile_names`), the catalog checks
//! (`validate_required_permission_profile_catalog`); after selection, profiles without a selected
//! default are fatal unless the user config uses legacy `sandbox_mode`.
//!
//! Compiling the selected profile (its filesystem and network entries) is outside this module:
//! the engine does not model profile contents, so an undefined profile the user selects is
//! reported as selected rather than failing the way Codex's compiler would.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::requirements::effective::{EffectiveRequirements, Sourced};
use crate::requirements::layers::MergeMode;
use crate::requirements::settings::{Setting, SettingSource, UserConfig};
use crate::requirements::source::RequirementSource;

/// The built-in read-only profile.
pub const BUILT_IN_READ_ONLY: &str = ":read-only";
/// The built-in workspace-write profile.
pub const BUILT_IN_WORKSPACE: &str = ":workspace";
/// The built-in full-access profile.
pub const BUILT_IN_DANGER_FULL_ACCESS: &str = ":danger-full-access";

/// The diagnostic code of every fatal permission-profile error.
const CODE: &str = "requirements/permission-profile";

/// Whether `name` is one of Codex's three built-in profiles (`is_builtin_permission_profile_name`).
pub fn is_builtin_profile(name: &str) -> bool {
    matches!(name, BUILT_IN_READ_ONLY | BUILT_IN_WORKSPACE | BUILT_IN_DANGER_FULL_ACCESS)
}

/// How the user's config selects permissions (Codex's `PermissionConfigSyntax`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `sandbox_mode`: no named profile is active unless requirements force one (V2).
    Legacy,
    /// `default_permissions`.
    Profiles,
}

/// `resolve_permission_config_syntax` over the engine's config layers, lowest first: the user's
/// config (where `default_permissions` beats `sandbox_mode`), then a legacy managed config, whose
/// `sandbox_mode` makes the syntax legacy.
fn syntax(config: &UserConfig, managed_sandbox_mode: bool) -> Option<Syntax> {
    if managed_sandbox_mode {
        Some(Syntax::Legacy)
    } else if config.default_permissions.is_some() {
        Some(Syntax::Profiles)
    } else if config.sandbox_mode.is_some() {
        Some(Syntax::Legacy)
    } else {
        None
    }
}

fn fatal(message: String, source: Option<&RequirementSource>) -> Diagnostic {
    let d = Diagnostic::error(CODE, message);
    match source {
        Some(source) => d.in_source(source.label()),
        None => d.in_source("config"),
    }
}

/// The profile catalog: the user's `[permissions.<name>]` profiles plus the requirements' ones.
struct Catalog<'a> {
    names: BTreeSet<&'a str>,
    /// Where the requirements' profiles come from.
    source: Option<&'a RequirementSource>,
}

impl Catalog<'_> {
    fn knows(&self, name: &str) -> bool {
        is_builtin_profile(name) || self.names.contains(name)
    }
}

/// `merge_managed_permission_profiles` then `validate_user_permission_profile_names`.
fn catalog<'a>(reqs: &'a EffectiveRequirements, config: &'a UserConfig) -> Result<Catalog<'a>, Diagnostic> {
    let mut names: BTreeSet<&str> = config.permission_profiles.iter().map(String::as_str).collect();
    let managed = reqs.permissions.as_ref();
    if let Some(permissions) = managed {
        for id in permissions.value.profiles.keys() {
            if !names.insert(id.as_str()) {
                return Err(fatal(
                    [
                        "requirements.toml permissions profile `",
                        id,
                        "` conflicts with a config-defined profile of the same name",
                    ]
                    .concat(),
                    Some(&permissions.source),
                ));
            }
        }
    }
    if let Some(reserved) = names.iter().find(|n| n.starts_with(':')) {
        let from_requirements = managed.filter(|p| p.value.profiles.contains_key(*reserved)).map(|p| &p.source);
        return Err(fatal(
            ["permissions profile `", reserved, "` uses a reserved built-in profile prefix"].concat(),
            from_requirements,
        ));
    }
    Ok(Catalog { names, source: managed.map(|p| &p.source) })
}

fn required(value: &str, source: &RequirementSource) -> Setting<String> {
    Setting { value: value.to_owned(), source: SettingSource::Requirement(source.clone()), warning: None }
}

fn configured(value: &str) -> Setting<String> {
    Setting { value: value.to_owned(), source: SettingSource::Config, warning: None }
}

/// The G1 (`03564ba8`) catalog checks and selection. `Ok(None)`: nothing selected.
fn select_v1(
    reqs: &EffectiveRequirements,
    config: &UserConfig,
    catalog: &Catalog<'_>,
) -> Result<Option<Setting<String>>, Diagnostic> {
    let default = reqs.default_permissions.as_ref();
    let allowed = reqs.allowed_permissions.as_ref();
    if let Some(d) = default
        && !catalog.knows(&d.value)
    {
        return Err(fatal(
            ["requirements.toml default_permissions refers to undefined profile `", &d.value, "`"].concat(),
            Some(&d.source),
        ));
    }
    if let Some(list) = allowed {
        if list.value.is_empty() {
            return Err(fatal(
                "requirements.toml allowed_permissions must include at least one profile".to_owned(),
                Some(&list.source),
            ));
        }
        if let Some(undefined) = list.value.iter().find(|p| !catalog.knows(p)) {
            return Err(fatal(
                ["requirements.toml allowed_permissions refers to undefined profile `", undefined, "`"].concat(),
                Some(&list.source),
            ));
        }
        if let Some(d) = default
            && !list.value.contains(&d.value)
        {
            return Err(fatal(
                ["requirements.toml default_permissions `", &d.value, "` must also be listed in allowed_permissions"]
                    .concat(),
                Some(&d.source),
            ));
        }
    }
    // The requirements default overrides the user's value silently.
    let mut selected = default
        .map(|d| required(&d.value, &d.source))
        .or_else(|| config.default_permissions.as_deref().map(configured))
        .or_else(|| allowed.and_then(|l| l.value.first().map(|first| required(first, &l.source))));
    if let (Some(chosen), Some(list)) = (selected.as_ref(), allowed)
        && !list.value.contains(&chosen.value)
    {
        // Reached only by a value the validation above did not see (the user's, with no
        // requirements default); the fallback is then always listed.
        let fallback = match default {
            Some(d) => Some(required(&d.value, &d.source)),
            None => list.value.first().map(|first| required(first, &list.source)),
        };
        let Some(mut fallback) = fallback else {
            return Err(fatal(
                "requirements.toml allowed_permissions must include at least one profile".to_owned(),
                Some(&list.source),
            ));
        };
        fallback.warning = Some(
            [
                "Configured permission profile `",
                &chosen.value,
                "` is disallowed by requirements; falling back to required value `",
                &fallback.value,
                "`.",
            ]
            .concat(),
        );
        selected = Some(fallback);
    }
    Ok(selected)
}

fn is_allowed(map: &Sourced<std::collections::BTreeMap<String, bool>>, id: &str) -> bool {
    map.value.get(id).copied().unwrap_or(false)
}

/// The G3 (`07f686dd`) catalog checks and `resolve_default_permissions`. `Ok(None)`: nothing
/// selected.
fn select_v2(
    reqs: &EffectiveRequirements,
    config: &UserConfig,
    catalog: &Catalog<'_>,
) -> Result<Option<Setting<String>>, Diagnostic> {
    let default = reqs.default_permissions.as_ref();
    let Some(map) = reqs.allowed_permission_profiles.as_ref() else {
        if let Some(d) = default {
            return Err(fatal(
                "requirements.toml default_permissions requires allowed_permission_profiles".to_owned(),
                Some(&d.source),
            ));
        }
        return Ok(config.default_permissions.as_deref().map(configured));
    };
    if let Some(undefined) = map.value.keys().find(|p| !catalog.knows(p)) {
        return Err(fatal(
            ["requirements.toml allowed_permission_profiles refers to undefined profile `", undefined, "`"].concat(),
            Some(&map.source),
        ));
    }
    let fallback = match default {
        Some(d) => required(&d.value, &d.source),
        None if is_allowed(map, BUILT_IN_WORKSPACE) && is_allowed(map, BUILT_IN_READ_ONLY) => {
            required(BUILT_IN_WORKSPACE, &map.source)
        }
        None => {
            return Err(fatal(
                "requirements.toml default_permissions must be set unless allowed_permission_profiles allows both `:workspace` and `:read-only`".to_owned(),
                Some(&map.source),
            ));
        }
    };
    if let Some(d) = default
        && !is_allowed(map, &d.value)
    {
        return Err(fatal(
            ["requirements.toml default_permissions `", &d.value, "` must be allowed by allowed_permission_profiles"]
                .concat(),
            Some(&d.source),
        ));
    }
    Ok(Some(match config.default_permissions.as_deref() {
        None => fallback,
        Some(chosen) if is_allowed(map, chosen) => configured(chosen),
        Some(chosen) => {
            let warning = [
                "Configured value for `permission_profile` is disallowed by requirements; falling back from `",
                chosen,
                "` to required value `",
                &fallback.value,
                "`.",
            ]
            .concat();
            Setting { warning: Some(warning), ..fallback }
        }
    }))
}

/// The permission profile Codex selects, or the fatal error it refuses to start with.
///
/// `Ok(None)` when no named profile is in play: nothing about profiles is configured or
/// required (the implicit built-in profile then mirrors `sandbox_mode`), or the user's config
/// uses legacy `sandbox_mode` and requirements do not force a profile. When profiles are active
/// but nothing selects one, Codex uses a built-in by project trust; the engine has no trust input
/// and reports `:read-only`, the choice for a project that is neither trusted nor untrusted.
/// `managed_sandbox_mode`: a legacy `managed_config.toml` sets `sandbox_mode`.
pub fn select_permission_profile(
    mode: MergeMode,
    reqs: &EffectiveRequirements,
    config: &UserConfig,
    managed_sandbox_mode: bool,
) -> Result<Option<Setting<String>>, Diagnostic> {
    let in_play = config.default_permissions.is_some()
        || !config.permission_profiles.is_empty()
        || reqs.permissions.as_ref().is_some_and(|p| !p.value.profiles.is_empty())
        || reqs.default_permissions.is_some()
        || match mode {
            MergeMode::PerField => reqs.allowed_permissions.is_some(),
            MergeMode::DeepMerge => reqs.allowed_permission_profiles.is_some(),
        };
    if !in_play {
        return Ok(None);
    }
    let catalog = catalog(reqs, config)?;
    let syntax = syntax(config, managed_sandbox_mode);
    let (selected, forced) = match mode {
        MergeMode::PerField => (select_v1(reqs, config, &catalog)?, false),
        MergeMode::DeepMerge => (select_v2(reqs, config, &catalog)?, reqs.allowed_permission_profiles.is_some()),
    };
    if selected.is_none() && !catalog.names.is_empty() && syntax != Some(Syntax::Legacy) && !forced {
        let source = if config.permission_profiles.is_empty() { catalog.source } else { None };
        return Err(fatal(
            "config defines `[permissions]` profiles but does not set `default_permissions`".to_owned(),
            source,
        ));
    }
    let active = forced || syntax != Some(Syntax::Legacy);
    if !active {
        return Ok(None);
    }
    Ok(Some(selected.unwrap_or_else(|| Setting {
        value: BUILT_IN_READ_ONLY.to_owned(),
        source: SettingSource::Default,
        warning: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(default: Option<&str>, allowed: Option<&[&str]>) -> EffectiveRequirements {
        let source = RequirementSource::Unknown;
        EffectiveRequirements {
            default_permissions: default.map(|d| Sourced::new(d.to_owned(), source.clone(), None)),
            allowed_permissions: allowed
                .map(|a| Sourced::new(a.iter().map(|s| (*s).to_owned()).collect(), source.clone(), None)),
            ..EffectiveRequirements::default()
        }
    }

    #[test]
    fn legacy_sandbox_mode_leaves_the_requirements_default_unused_in_v1() {
        let config =
            UserConfig { sandbox_mode: Some(crate::settings::SandboxMode::WorkspaceWrite), ..UserConfig::default() };
        let r = reqs(Some(":read-only"), None);
        assert_eq!(select_permission_profile(MergeMode::PerField, &r, &config, false).unwrap(), None);
        let r = reqs(Some(":read-only"), None);
        let selected = select_permission_profile(MergeMode::PerField, &r, &UserConfig::default(), false).unwrap();
        assert_eq!(selected.map(|s| s.value), Some(":read-only".to_owned()));
    }

    #[test]
    fn a_managed_sandbox_mode_beats_the_users_default_permissions() {
        let config = UserConfig { default_permissions: Some(":workspace".to_owned()), ..UserConfig::default() };
        let r = EffectiveRequirements::default();
        assert_eq!(select_permission_profile(MergeMode::PerField, &r, &config, true).unwrap(), None);
        let selected = select_permission_profile(MergeMode::PerField, &r, &config, false).unwrap();
        assert_eq!(selected.map(|s| (s.value, s.source)), Some((":workspace".to_owned(), SettingSource::Config)));
    }
}

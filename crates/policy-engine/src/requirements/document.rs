//! One `requirements.toml` document (spec §2.2, §2.3): serde shapes that mirror Codex's
//! `ConfigRequirementsToml`, so type errors carry the same serde/toml text (`invalid type: string`,
//! ``unknown variant `x` ``, ``missing field `x` ``, ``duplicate field `features` ``), with a span on
//! every top-level value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use crate::decision::Reviewer;
use crate::diagnostic::{Diagnostic, Span};
use crate::requirements::lint::closest_key;
use crate::requirements::mcp::{McpServerRequirement, PluginRequirementsToml};
use crate::requirements::network::NetworkRequirementsToml;
use crate::requirements_rules::{RequirementsRulesToml, toml_error};
use crate::settings::{ApprovalPolicy, GranularApproval, SandboxMode, WebSearchMode};

/// The five switches of `{ granular = { … } }` as Codex deserializes them.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "mirrors Codex's GranularApprovalConfig")]
pub struct GranularToml {
    /// Sandbox/heuristic prompts may be shown.
    pub sandbox_approval: bool,
    /// Rule prompts may be shown.
    pub rules: bool,
    /// Skill approvals (defaults to false).
    #[serde(default)]
    pub skill_approval: bool,
    /// Permission requests (defaults to false).
    #[serde(default)]
    pub request_permissions: bool,
    /// MCP elicitations.
    pub mcp_elicitations: bool,
}

/// `AskForApproval` as serde sees it: kebab-case strings, or the `granular` table.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalPolicyToml {
    /// `untrusted`
    #[serde(rename = "untrusted")]
    UnlessTrusted,
    /// `on-failure`
    OnFailure,
    /// `on-request`
    OnRequest,
    /// `{ granular = { … } }`
    Granular(GranularToml),
    /// `never`
    Never,
}

impl ApprovalPolicyToml {
    /// The engine's value.
    pub fn value(self) -> ApprovalPolicy {
        match self {
            Self::UnlessTrusted => ApprovalPolicy::UnlessTrusted,
            Self::OnFailure => ApprovalPolicy::OnFailure,
            Self::OnRequest => ApprovalPolicy::OnRequest,
            Self::Never => ApprovalPolicy::Never,
            Self::Granular(g) => ApprovalPolicy::Granular(GranularApproval {
                sandbox_approval: g.sandbox_approval,
                rules: g.rules,
                skill_approval: g.skill_approval,
                request_permissions: g.request_permissions,
                mcp_elicitations: g.mcp_elicitations,
            }),
        }
    }
}

/// `ApprovalsReviewer`: `user`, `auto_review` (legacy alias `guardian_subagent` accepted on input).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum ApprovalsReviewerToml {
    /// `user`
    #[serde(rename = "user")]
    User,
    /// `auto_review`
    #[serde(rename = "auto_review", alias = "guardian_subagent")]
    AutoReview,
}

impl ApprovalsReviewerToml {
    /// The engine's value.
    pub fn value(self) -> Reviewer {
        match self {
            Self::User => Reviewer::User,
            Self::AutoReview => Reviewer::AutoReview,
        }
    }
}

/// `SandboxModeRequirement`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum SandboxModeToml {
    /// `read-only`
    #[serde(rename = "read-only")]
    ReadOnly,
    /// `workspace-write`
    #[serde(rename = "workspace-write")]
    WorkspaceWrite,
    /// `danger-full-access`
    #[serde(rename = "danger-full-access")]
    DangerFullAccess,
    /// `external-sandbox`
    #[serde(rename = "external-sandbox")]
    ExternalSandbox,
}

impl SandboxModeToml {
    /// The engine's value.
    pub fn value(self) -> SandboxMode {
        match self {
            Self::ReadOnly => SandboxMode::ReadOnly,
            Self::WorkspaceWrite => SandboxMode::WorkspaceWrite,
            Self::DangerFullAccess => SandboxMode::DangerFullAccess,
            Self::ExternalSandbox => SandboxMode::ExternalSandbox,
        }
    }
}

/// `WebSearchModeRequirement` (lowercase).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WebSearchModeToml {
    /// `disabled`
    Disabled,
    /// `cached`
    Cached,
    /// `live`
    Live,
}

impl WebSearchModeToml {
    /// The engine's value.
    pub fn value(self) -> WebSearchMode {
        match self {
            Self::Disabled => WebSearchMode::Disabled,
            Self::Cached => WebSearchMode::Cached,
            Self::Live => WebSearchMode::Live,
        }
    }
}

/// One `[[remote_sandbox_config]]` entry (both keys required, both arrays).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct RemoteSandboxConfigToml {
    /// Host-name wildcard patterns.
    pub hostname_patterns: Vec<String>,
    /// The list that replaces this source's top-level `allowed_sandbox_modes` on a match.
    pub allowed_sandbox_modes: Vec<SandboxModeToml>,
}

/// `[computer_use]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct ComputerUseToml {
    /// `false` forbids Computer Use after the Mac locks.
    pub allow_locked_computer_use: Option<bool>,
}

impl ComputerUseToml {
    /// No key set.
    pub fn is_empty(&self) -> bool {
        self.allow_locked_computer_use.is_none()
    }
}

/// Native-Windows sandbox implementations.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WindowsSandboxImplementation {
    /// `elevated`
    Elevated,
    /// `unelevated`
    Unelevated,
}

impl WindowsSandboxImplementation {
    /// TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elevated => "elevated",
            Self::Unelevated => "unelevated",
        }
    }
}

/// `[windows]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct WindowsToml {
    /// Allowed sandbox implementations.
    pub allowed_sandbox_implementations: Option<Vec<WindowsSandboxImplementation>>,
    /// Newest builds: private desktop for the sandbox.
    pub sandbox_private_desktop: Option<bool>,
}

impl WindowsToml {
    /// No key set.
    pub fn is_empty(&self) -> bool {
        self.allowed_sandbox_implementations.is_none() && self.sandbox_private_desktop.is_none()
    }
}

/// A managed hook handler (`type = "command" | "prompt" | "agent"`); only command handlers run.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "type")]
pub enum HookHandlerToml {
    /// A command hook.
    #[serde(rename = "command")]
    Command {
        /// The command line.
        command: String,
        /// Windows variant of the command.
        #[serde(default, alias = "commandWindows")]
        command_windows: Option<String>,
        /// Timeout in seconds.
        #[serde(default)]
        timeout: Option<u64>,
        /// Run without waiting.
        #[serde(default, rename = "async")]
        run_async: bool,
        /// Status line shown while the hook runs.
        #[serde(default, rename = "statusMessage")]
        status_message: Option<String>,
    },
    /// Parsed and skipped.
    #[serde(rename = "prompt")]
    Prompt {},
    /// Parsed and skipped.
    #[serde(rename = "agent")]
    Agent {},
}

/// `[[hooks.<Event>]]`: a matcher and its handlers.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct MatcherGroupToml {
    /// Tool-name matcher.
    #[serde(default)]
    pub matcher: Option<String>,
    /// Handlers.
    #[serde(default)]
    pub hooks: Vec<HookHandlerToml>,
}

/// `[hooks]` in requirements (`ManagedHooksRequirementsToml`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct HooksToml {
    /// Managed hook directory on macOS/Linux.
    pub managed_dir: Option<String>,
    /// Managed hook directory on Windows.
    pub windows_managed_dir: Option<String>,
    /// `PreToolUse` groups.
    #[serde(rename = "PreToolUse", default)]
    pub pre_tool_use: Vec<MatcherGroupToml>,
    /// `PermissionRequest` groups.
    #[serde(rename = "PermissionRequest", default)]
    pub permission_request: Vec<MatcherGroupToml>,
    /// `PostToolUse` groups.
    #[serde(rename = "PostToolUse", default)]
    pub post_tool_use: Vec<MatcherGroupToml>,
    /// `PreCompact` groups.
    #[serde(rename = "PreCompact", default)]
    pub pre_compact: Vec<MatcherGroupToml>,
    /// `PostCompact` groups.
    #[serde(rename = "PostCompact", default)]
    pub post_compact: Vec<MatcherGroupToml>,
    /// `SessionStart` groups.
    #[serde(rename = "SessionStart", default)]
    pub session_start: Vec<MatcherGroupToml>,
    /// `UserPromptSubmit` groups.
    #[serde(rename = "UserPromptSubmit", default)]
    pub user_prompt_submit: Vec<MatcherGroupToml>,
    /// `Stop` groups.
    #[serde(rename = "Stop", default)]
    pub stop: Vec<MatcherGroupToml>,
}

impl HooksToml {
    /// The event tables with their names, in Codex's order.
    pub fn events(&self) -> [(&'static str, &Vec<MatcherGroupToml>); 8] {
        [
            ("PreToolUse", &self.pre_tool_use),
            ("PermissionRequest", &self.permission_request),
            ("PostToolUse", &self.post_tool_use),
            ("PreCompact", &self.pre_compact),
            ("PostCompact", &self.post_compact),
            ("SessionStart", &self.session_start),
            ("UserPromptSubmit", &self.user_prompt_submit),
            ("Stop", &self.stop),
        ]
    }

    /// Mutable event tables, same order as [`HooksToml::events`].
    pub fn events_mut(&mut self) -> [&mut Vec<MatcherGroupToml>; 8] {
        [
            &mut self.pre_tool_use,
            &mut self.permission_request,
            &mut self.post_tool_use,
            &mut self.pre_compact,
            &mut self.post_compact,
            &mut self.session_start,
            &mut self.user_prompt_submit,
            &mut self.stop,
        ]
    }

    /// Number of handlers across all events; zero means the managed-hooks constraint is dropped.
    pub fn handler_count(&self) -> usize {
        self.events().iter().flat_map(|(_, groups)| groups.iter()).map(|g| g.hooks.len()).sum()
    }

    /// Codex's `is_empty`: no directory and no matcher group.
    pub fn is_empty(&self) -> bool {
        self.managed_dir.is_none()
            && self.windows_managed_dir.is_none()
            && self.events().iter().all(|(_, groups)| groups.is_empty())
    }
}

/// Per-tool approval mode of an app.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AppToolApproval {
    /// `auto`
    Auto,
    /// `prompt`
    Prompt,
    /// `approve`
    Approve,
    /// `writes` (newest)
    Writes,
}

impl AppToolApproval {
    /// TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Prompt => "prompt",
            Self::Approve => "approve",
            Self::Writes => "writes",
        }
    }
}

/// `[apps.<id>.tools."<tool>"]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct AppToolToml {
    /// Managed approval mode.
    pub approval_mode: Option<AppToolApproval>,
}

/// `[apps.<id>]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct AppRequirementToml {
    /// `false` disables the app.
    pub enabled: Option<bool>,
    /// Tool approval modes keyed by raw MCP tool name.
    pub tools: Option<BTreeMap<String, AppToolToml>>,
}

impl AppRequirementToml {
    /// Sets nothing.
    pub fn is_empty(&self) -> bool {
        self.enabled.is_none() && self.tools.as_ref().is_none_or(|t| t.values().all(|t| t.approval_mode.is_none()))
    }
}

/// Marketplace source kinds.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MarketplaceSourceKind {
    /// `git`
    Git,
    /// `host_pattern`
    HostPattern,
    /// `local`
    Local,
}

impl MarketplaceSourceKind {
    /// TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Git => "git",
            Self::HostPattern => "host_pattern",
            Self::Local => "local",
        }
    }
}

/// `[marketplaces.allowed_sources.<name>]` (unknown fields rejected, as in Codex).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarketplaceAllowedSourceToml {
    /// Kind of source.
    pub source: Option<MarketplaceSourceKind>,
    /// Git URL.
    pub url: Option<String>,
    /// Git ref.
    #[serde(rename = "ref")]
    pub ref_name: Option<String>,
    /// Host pattern.
    pub host_pattern: Option<String>,
    /// Local path.
    pub path: Option<String>,
}

/// `[marketplaces]` (unknown fields rejected).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarketplacesToml {
    /// Only allowed sources may be added.
    pub restrict_to_allowed_sources: Option<bool>,
    /// Allowed sources by name.
    #[serde(default)]
    pub allowed_sources: BTreeMap<String, MarketplaceAllowedSourceToml>,
}

impl MarketplacesToml {
    /// Sets nothing.
    pub fn is_empty(&self) -> bool {
        self.restrict_to_allowed_sources.is_none() && self.allowed_sources.is_empty()
    }
}

/// `enforce_residency` values.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ResidencyToml {
    /// `us`
    Us,
}

/// `[permissions.filesystem]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct FilesystemToml {
    /// Paths or globs that must never be read.
    pub deny_read: Option<Vec<String>>,
}

/// `[permissions]`: the reserved `filesystem` table plus custom permission profiles.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct PermissionsToml {
    /// Requirements-level filesystem constraints.
    pub filesystem: Option<FilesystemToml>,
    /// `[permissions.<name>]` profiles, kept as raw tables (their schema belongs to config).
    #[serde(default, flatten)]
    pub profiles: BTreeMap<String, toml::Value>,
}

/// A whole `requirements.toml` as Codex deserializes it. Unknown top-level keys are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequirementsToml {
    /// §2.3.1
    pub allowed_approval_policies: Option<Spanned<Vec<Spanned<ApprovalPolicyToml>>>>,
    /// §2.3.2
    pub allowed_approvals_reviewers: Option<Spanned<Vec<Spanned<ApprovalsReviewerToml>>>>,
    /// §2.3.3
    pub allowed_sandbox_modes: Option<Spanned<Vec<Spanned<SandboxModeToml>>>>,
    /// §2.3.5 complete profile allowlist.
    pub allowed_permission_profiles: Option<Spanned<BTreeMap<String, bool>>>,
    /// §2.3.5 managed default profile.
    pub default_permissions: Option<Spanned<String>>,
    /// §2.3.5 older array shape.
    pub allowed_permissions: Option<Spanned<Vec<String>>>,
    /// §2.3.4 host-specific sandbox lists.
    pub remote_sandbox_config: Option<Spanned<Vec<Spanned<RemoteSandboxConfigToml>>>>,
    /// §2.3.6
    pub allowed_web_search_modes: Option<Spanned<Vec<Spanned<WebSearchModeToml>>>>,
    /// §2.3.11
    pub allow_managed_hooks_only: Option<Spanned<bool>>,
    /// §2.3.14
    pub allow_appshots: Option<Spanned<bool>>,
    /// §2.3.14
    pub allow_remote_control: Option<Spanned<bool>>,
    /// §2.3.14
    pub computer_use: Option<Spanned<ComputerUseToml>>,
    /// §2.3.14
    pub windows: Option<Spanned<WindowsToml>>,
    /// §2.3.7 (`feature_requirements` is an alias; both present is a `duplicate field` error).
    #[serde(rename = "features", alias = "feature_requirements")]
    pub features: Option<Spanned<BTreeMap<String, bool>>>,
    /// §2.3.11
    pub hooks: Option<Spanned<HooksToml>>,
    /// §2.3.8
    pub mcp_servers: Option<Spanned<BTreeMap<String, McpServerRequirement>>>,
    /// §2.3.8
    pub plugins: Option<Spanned<BTreeMap<String, PluginRequirementsToml>>>,
    /// §2.3.14
    pub marketplaces: Option<Spanned<MarketplacesToml>>,
    /// §2.3.9
    pub apps: Option<Spanned<BTreeMap<String, AppRequirementToml>>>,
    /// §2.3.10 / §3.2
    pub rules: Option<Spanned<RequirementsRulesToml>>,
    /// §2.3.14
    pub enforce_residency: Option<Spanned<ResidencyToml>>,
    /// §2.3.12
    #[serde(rename = "experimental_network")]
    pub network: Option<Spanned<NetworkRequirementsToml>>,
    /// §2.3.13 and §2.3.5
    pub permissions: Option<Spanned<PermissionsToml>>,
    /// §2.3.14
    pub guardian_policy_config: Option<Spanned<String>>,
}

/// Every top-level key Codex's `ConfigRequirementsToml` reads (this generation).
pub const KNOWN_KEYS: &[&str] = &[
    "allowed_approval_policies",
    "allowed_approvals_reviewers",
    "allowed_sandbox_modes",
    "allowed_permission_profiles",
    "default_permissions",
    "allowed_permissions",
    "remote_sandbox_config",
    "allowed_web_search_modes",
    "allow_managed_hooks_only",
    "allow_appshots",
    "allow_remote_control",
    "computer_use",
    "windows",
    "features",
    "feature_requirements",
    "hooks",
    "mcp_servers",
    "plugins",
    "marketplaces",
    "apps",
    "rules",
    "enforce_residency",
    "experimental_network",
    "permissions",
    "guardian_policy_config",
];

/// Keys only the newest releases read (spec §2.3.14, last paragraph): not typos, but not simulated.
pub const NEWEST_ONLY_KEYS: &[&str] = &[
    "allowed_login_methods",
    "allowed_chatgpt_workspaces",
    "cli_auth_credentials_store",
    "chatgpt_base_url",
    "sqlite_home",
    "log_dir",
    "model_catalog_json",
    "check_for_update_on_startup",
    "allow_login_shell",
    "feedback",
    "allow_browser_and_computer_use",
    "browser_use",
    "in_app_browser",
    "application",
    "auto_review",
    "models",
    "model_provider",
    "model_providers",
    "additional_developer_instructions",
];

fn is_glob(c: char) -> bool {
    matches!(c, '*' | '?' | '[')
}

impl RequirementsToml {
    /// Codex's `is_empty` (spec §2.2): present-but-empty tables and a blank guardian policy count
    /// as absent; `mcp_servers = {}` and `allow_managed_hooks_only = false` do not.
    pub fn is_empty(&self) -> bool {
        self.allowed_approval_policies.is_none()
            && self.allowed_approvals_reviewers.is_none()
            && self.allowed_sandbox_modes.is_none()
            && self.allowed_permission_profiles.is_none()
            && self.default_permissions.is_none()
            && self.allowed_permissions.is_none()
            && self.remote_sandbox_config.is_none()
            && self.allowed_web_search_modes.is_none()
            && self.allow_managed_hooks_only.is_none()
            && self.allow_appshots.is_none()
            && self.allow_remote_control.is_none()
            && self.computer_use.as_ref().is_none_or(|c| c.get_ref().is_empty())
            && self.windows.as_ref().is_none_or(|w| w.get_ref().is_empty())
            && self.features.as_ref().is_none_or(|f| f.get_ref().is_empty())
            && self.hooks.as_ref().is_none_or(|h| h.get_ref().is_empty())
            && self.mcp_servers.is_none()
            && self.plugins.as_ref().is_none_or(|p| p.get_ref().values().all(PluginRequirementsToml::is_empty))
            && self.marketplaces.as_ref().is_none_or(|m| m.get_ref().is_empty())
            && self.apps.as_ref().is_none_or(|a| a.get_ref().values().all(AppRequirementToml::is_empty))
            && self.rules.is_none()
            && self.enforce_residency.is_none()
            && self.network.is_none()
            && self.permissions.is_none()
            && self.guardian_policy_config.as_ref().is_none_or(|g| g.get_ref().trim().is_empty())
    }

    /// Applies `[[remote_sandbox_config]]` for `host` (spec §2.3.4, §8): the first entry with a
    /// matching pattern replaces `allowed_sandbox_modes`, even with an empty list. Returns the
    /// index of the matching entry.
    pub fn apply_remote_sandbox_config(&mut self, host: Option<&str>) -> Option<usize> {
        let entries = self.remote_sandbox_config.as_ref()?;
        let host = normalize_hostname(host?)?;
        let (index, entry) = entries
            .get_ref()
            .iter()
            .enumerate()
            .find(|(_, e)| e.get_ref().hostname_patterns.iter().any(|p| hostname_matches(&host, p)))?;
        let span = entry.span();
        let modes = entry.get_ref().allowed_sandbox_modes.iter().map(|m| Spanned::new(span.clone(), *m)).collect();
        self.allowed_sandbox_modes = Some(Spanned::new(span, modes));
        Some(index)
    }
}

/// Trims, drops trailing dots, lower-cases; an empty result never matches.
pub fn normalize_hostname(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `wildmatch` with `*` and `?`, case-insensitive, on normalised host and pattern (`[ab]` literal).
pub fn hostname_matches(host: &str, pattern: &str) -> bool {
    let Some(pattern) = normalize_hostname(pattern) else {
        return false;
    };
    wildcard_match(pattern.as_bytes(), host.as_bytes())
}

/// Iterative `*`/`?` matcher (no character classes), linear in practice.
pub fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// The outcome of parsing one document: the model (absent on a fatal error) and diagnostics.
#[derive(Debug, Clone, Default)]
pub struct ParsedRequirements {
    /// The document, when it parsed.
    pub document: Option<RequirementsToml>,
    /// Fatal errors (Codex would refuse to start) and warnings (e.g. ignored unknown keys).
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedRequirements {
    /// The first error, if any.
    pub fn error(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Parses one requirements document. `source` names the text in diagnostics. Errors carry
/// Codex's bare TOML/serde message and the span; unknown top-level keys become warnings
/// (`requirements/unknown-key`) with the closest known key in `help`.
pub fn parse_requirements(text: &str, source: &str) -> ParsedRequirements {
    let mut out = ParsedRequirements::default();
    match toml::from_str::<RequirementsToml>(text) {
        Ok(doc) => {
            if let Some(e) = validate_document(&doc, source) {
                out.diagnostics.push(e);
            } else {
                out.document = Some(doc);
            }
        }
        Err(e) => out.diagnostics.push(toml_error(&e, source)),
    }
    // Only the keys and their spans matter here; the values are checked by the typed parse.
    #[expect(clippy::zero_sized_map_values, reason = "a table must be read as a map to get its key spans")]
    let keys = toml::from_str::<BTreeMap<Spanned<String>, IgnoredAny>>(text);
    if let Ok(keys) = keys {
        for key in keys.keys() {
            out.diagnostics.extend(unknown_key_diagnostic(key.get_ref(), key.span().into(), source));
        }
    }
    out
}

fn unknown_key_diagnostic(key: &str, span: Span, source: &str) -> Option<Diagnostic> {
    if KNOWN_KEYS.contains(&key) {
        return None;
    }
    if NEWEST_ONLY_KEYS.contains(&key) {
        return Some(
            Diagnostic {
                severity: crate::diagnostic::Severity::Info,
                ..Diagnostic::warning(
                    "requirements/unsimulated-key",
                    format!("`{key}` is read only by the newest Codex releases and is not simulated"),
                )
            }
            .at(source, span),
        );
    }
    let mut d = Diagnostic::warning("requirements/unknown-key", format!("unknown key `{key}` is ignored by Codex"))
        .at(source, span);
    if let Some(best) = closest_key(key, KNOWN_KEYS) {
        d = d.with_help(format!("did you mean `{best}`?"));
    }
    Some(d)
}

/// Checks Codex performs inside deserialization that our serde shapes leave out: relative
/// `deny_read` entries fail to load (spec §8).
fn validate_document(doc: &RequirementsToml, source: &str) -> Option<Diagnostic> {
    let permissions = doc.permissions.as_ref()?;
    let deny_read = permissions.get_ref().filesystem.as_ref()?.deny_read.as_ref()?;
    for entry in deny_read {
        let literal_prefix: String = entry.chars().take_while(|c| !is_glob(*c)).collect();
        let absolute =
            if literal_prefix.len() == entry.len() { entry.starts_with('/') } else { literal_prefix.starts_with('/') };
        if !absolute {
            return Some(
                Diagnostic::error(
                    "requirements/relative-deny-read",
                    format!("`permissions.filesystem.deny_read` entry `{entry}` is not an absolute path"),
                )
                .with_help("use an absolute path or a glob whose directory part is absolute")
                .at(source, permissions.span()),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_semantics_match_wildmatch() {
        assert!(wildcard_match(b"build-*.example.com", b"build-01.example.com"));
        assert!(wildcard_match(b"runner-??.ci", b"runner-01.ci"));
        assert!(!wildcard_match(b"runner-??.ci", b"runner-1.ci"));
        assert!(wildcard_match(b"**.org", b"a.org"));
        assert!(!wildcard_match(b"[ab].org", b"a.org"));
        assert!(wildcard_match(b"[ab].org", b"[ab].org"));
        assert!(!hostname_matches("x", " . "));
    }

    #[test]
    fn duplicate_feature_tables_are_a_serde_error() {
        let parsed = parse_requirements("[features]\na = true\n[feature_requirements]\nb = true\n", "r.toml");
        assert!(parsed.error().is_some_and(|e| e.message.contains("duplicate field `features`")));
    }

    #[test]
    fn blank_guardian_policy_is_empty() {
        let parsed = parse_requirements("guardian_policy_config = \"\"\"\n\n\"\"\"\n", "r.toml");
        assert!(parsed.document.is_some_and(|d| d.is_empty()));
    }
}

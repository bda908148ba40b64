//! One `requirements.toml` document (spec §2.2, §2.3): shapes that mirror Codex's serde structs
//! (`ConfigRequirementsToml`), read by [`crate::tomlread`] so type errors carry the same serde/toml
//! text (`invalid type: string`, ``unknown variant `x` ``, ``missing field `x` ``, ``duplicate
//! field `features` ``), with a span on every top-level value.

use std::collections::BTreeMap;

use toml::Spanned;

use crate::decision::Reviewer;
use crate::diagnostic::{Diagnostic, Span};
use crate::requirements::lint::closest_key;
use crate::requirements::mcp::{McpServerRequirement, PluginRequirementsToml};
use crate::requirements::network::NetworkRequirementsToml;
use crate::requirements_rules::{RequirementsRulesToml, toml_error};
use crate::settings::{ApprovalPolicy, GranularApproval, SandboxMode, WebSearchMode};
use crate::tomlread::{
    Error, Node, Seen, StructReader, Value, bool_map, boolean, buffer, entries, ignore, newtype, seq, spanned,
    spanned_string, string, string_seq, unit, unit_enum, variant,
};

/// The five switches of `{ granular = { … } }` as Codex deserializes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "mirrors Codex's GranularApprovalConfig")]
pub struct GranularToml {
    /// Sandbox/heuristic prompts may be shown.
    pub sandbox_approval: bool,
    /// Rule prompts may be shown.
    pub rules: bool,
    /// Skill approvals (defaults to false).
    pub skill_approval: bool,
    /// Permission requests (defaults to false).
    pub request_permissions: bool,
    /// MCP elicitations.
    pub mcp_elicitations: bool,
}

/// `AskForApproval` as serde sees it: kebab-case strings, or the `granular` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalPolicyToml {
    /// `untrusted`
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalsReviewerToml {
    /// `user`
    User,
    /// `auto_review`
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxModeToml {
    /// `read-only`
    ReadOnly,
    /// `workspace-write`
    WorkspaceWrite,
    /// `danger-full-access`
    DangerFullAccess,
    /// `external-sandbox`
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteSandboxConfigToml {
    /// Host-name wildcard patterns.
    pub hostname_patterns: Vec<String>,
    /// The list that replaces this source's top-level `allowed_sandbox_modes` on a match.
    pub allowed_sandbox_modes: Vec<SandboxModeToml>,
}

/// `[computer_use]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookHandlerToml {
    /// A command hook.
    Command {
        /// The command line.
        command: String,
        /// Windows variant of the command.
        command_windows: Option<String>,
        /// Timeout in seconds.
        timeout: Option<u64>,
        /// Run without waiting.
        run_async: bool,
        /// Status line shown while the hook runs.
        status_message: Option<String>,
    },
    /// Parsed and skipped.
    Prompt {},
    /// Parsed and skipped.
    Agent {},
}

/// `[[hooks.<Event>]]`: a matcher and its handlers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatcherGroupToml {
    /// Tool-name matcher.
    pub matcher: Option<String>,
    /// Handlers.
    pub hooks: Vec<HookHandlerToml>,
}

/// `[hooks]` in requirements (`ManagedHooksRequirementsToml`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HooksToml {
    /// Managed hook directory on macOS/Linux.
    pub managed_dir: Option<String>,
    /// Managed hook directory on Windows.
    pub windows_managed_dir: Option<String>,
    /// `PreToolUse` groups.
    pub pre_tool_use: Vec<MatcherGroupToml>,
    /// `PermissionRequest` groups.
    pub permission_request: Vec<MatcherGroupToml>,
    /// `PostToolUse` groups.
    pub post_tool_use: Vec<MatcherGroupToml>,
    /// `PreCompact` groups.
    pub pre_compact: Vec<MatcherGroupToml>,
    /// `PostCompact` groups.
    pub post_compact: Vec<MatcherGroupToml>,
    /// `SessionStart` groups.
    pub session_start: Vec<MatcherGroupToml>,
    /// `UserPromptSubmit` groups.
    pub user_prompt_submit: Vec<MatcherGroupToml>,
    /// `Stop` groups.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppToolToml {
    /// Managed approval mode.
    pub approval_mode: Option<AppToolApproval>,
}

/// `[apps.<id>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppRequirementToml {
    /// `false` disables the app.
    pub enabled: Option<bool>,
    /// Tool approval modes keyed by raw MCP tool name, in key order (Codex's `BTreeMap`; a list
    /// here keeps one more map type out of the wasm).
    pub tools: Option<Vec<(String, AppToolToml)>>,
}

impl AppRequirementToml {
    /// Sets nothing.
    pub fn is_empty(&self) -> bool {
        self.enabled.is_none() && self.tools.as_ref().is_none_or(|t| t.iter().all(|(_, t)| t.approval_mode.is_none()))
    }
}

/// Marketplace source kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketplaceAllowedSourceToml {
    /// Kind of source.
    pub source: Option<MarketplaceSourceKind>,
    /// Git URL.
    pub url: Option<String>,
    /// Git ref.
    pub ref_name: Option<String>,
    /// Host pattern.
    pub host_pattern: Option<String>,
    /// Local path.
    pub path: Option<String>,
}

/// `[marketplaces]` (unknown fields rejected).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketplacesToml {
    /// Only allowed sources may be added.
    pub restrict_to_allowed_sources: Option<bool>,
    /// Allowed sources by name.
    pub allowed_sources: Vec<(String, MarketplaceAllowedSourceToml)>,
}

impl MarketplacesToml {
    /// Sets nothing.
    pub fn is_empty(&self) -> bool {
        self.restrict_to_allowed_sources.is_none() && self.allowed_sources.is_empty()
    }
}

/// `enforce_residency` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidencyToml {
    /// `us`
    Us,
}

/// `[permissions.filesystem]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesystemToml {
    /// Paths or globs that must never be read.
    pub deny_read: Option<Vec<String>>,
}

/// `[permissions]`: the reserved `filesystem` table plus custom permission profiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PermissionsToml {
    /// Requirements-level filesystem constraints.
    pub filesystem: Option<FilesystemToml>,
    /// `[permissions.<name>]` profiles, kept as raw tables (their schema belongs to config).
    pub profiles: BTreeMap<String, Value>,
}

/// A whole `requirements.toml` as Codex deserializes it. Unknown top-level keys are ignored.
#[derive(Debug, Clone, Default)]
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
    pub features: Option<Spanned<BTreeMap<String, bool>>>,
    /// §2.3.11
    pub hooks: Option<Spanned<HooksToml>>,
    /// §2.3.8
    pub mcp_servers: Option<Spanned<Vec<(String, McpServerRequirement)>>>,
    /// §2.3.8
    pub plugins: Option<Spanned<Vec<(String, PluginRequirementsToml)>>>,
    /// §2.3.14
    pub marketplaces: Option<Spanned<MarketplacesToml>>,
    /// §2.3.9, by app id in key order (Codex's `BTreeMap`).
    pub apps: Option<Spanned<Vec<(String, AppRequirementToml)>>>,
    /// §2.3.10 / §3.2
    pub rules: Option<Spanned<RequirementsRulesToml>>,
    /// §2.3.14
    pub enforce_residency: Option<Spanned<ResidencyToml>>,
    /// §2.3.12
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
            && self.plugins.as_ref().is_none_or(|p| p.get_ref().iter().all(|(_, p)| p.is_empty()))
            && self.marketplaces.as_ref().is_none_or(|m| m.get_ref().is_empty())
            && self.apps.as_ref().is_none_or(|a| a.get_ref().iter().all(|(_, a)| a.is_empty()))
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
    /// The document, when it parsed (shared: composing a workspace's layers reuses it).
    pub document: Option<std::sync::Arc<RequirementsToml>>,
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
    let doc = match crate::tomlread::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            out.diagnostics.push(toml_error(&e, source));
            return out;
        }
    };
    let root = Node::document(&doc);
    match RequirementsToml::from_toml(&root) {
        Ok(doc) => {
            if let Some(e) = validate_document(&doc, source) {
                out.diagnostics.push(e);
            } else {
                out.document = Some(std::sync::Arc::new(doc));
            }
        }
        Err(e) => out.diagnostics.push(toml_error(&e, source)),
    }
    // Only the keys and their spans matter here; the values are checked by the typed parse.
    // Codex reads the keys as a map of ignored values, which fails on a number out of range
    // anywhere; that whole-document walk is only needed when there is something to report.
    let unknown: Vec<Diagnostic> = doc
        .get_ref()
        .keys()
        .filter_map(|key| unknown_key_diagnostic(key.get_ref(), key.span().into(), source))
        .collect();
    if !unknown.is_empty() && ignore(&root).is_ok() {
        out.diagnostics.extend(unknown);
    }
    out
}

/// Parses and reads a whole document (`toml::from_str::<RequirementsToml>`).
pub fn read_requirements(text: &str) -> Result<RequirementsToml, Error> {
    let doc = crate::tomlread::parse(text)?;
    RequirementsToml::from_toml(&Node::document(&doc))
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

// ---------------------------------------------------------------------------------------------
// Reading (serde's derive semantics over `tomlread`)

/// A `Vec<Spanned<T>>` read with `each`, wrapped in its own span.
fn spanned_seq<T>(
    node: &Node<'_>,
    each: &mut dyn FnMut(&Node<'_>) -> Result<T, Error>,
) -> Result<Spanned<Vec<Spanned<T>>>, Error> {
    let items = seq(node, &mut |n| Ok(spanned(n, each(n)?)))?;
    Ok(spanned(node, items))
}

impl GranularToml {
    /// Reads `{ sandbox_approval, rules, skill_approval?, request_permissions?, mcp_elicitations }`.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("sandbox_approval", 0),
            ("rules", 1),
            ("skill_approval", 2),
            ("request_permissions", 3),
            ("mcp_elicitations", 4),
        ];
        let mut flags: [Option<bool>; 5] = [None; 5];
        let reader = StructReader::read(node, "struct GranularToml", NAMES, 5, false, &mut |i, n| {
            if let Some(slot) = flags.get_mut(i) {
                *slot = Some(boolean(n)?);
            }
            Ok(())
        })?;
        let [sandbox_approval, rules, skill_approval, request_permissions, mcp_elicitations] = flags;
        let sandbox_approval = reader.required(0, "sandbox_approval", sandbox_approval)?;
        let rules = reader.required(1, "rules", rules)?;
        let mcp_elicitations = reader.required(4, "mcp_elicitations", mcp_elicitations)?;
        reader.end()?;
        Ok(Self {
            sandbox_approval,
            rules,
            skill_approval: skill_approval.unwrap_or_default(),
            request_permissions: request_permissions.unwrap_or_default(),
            mcp_elicitations,
        })
    }
}

impl ApprovalPolicyToml {
    /// Reads a kebab-case name or `{ granular = { … } }`.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] =
            &[("untrusted", 0), ("on-failure", 1), ("on-request", 2), ("granular", 3), ("never", 4)];
        let v = variant(node, NAMES)?;
        let value = match v.index {
            3 => {
                let inner = newtype(&v).map_err(|e| node.fail(e))?;
                return GranularToml::from_toml(&inner).map(Self::Granular).map_err(|e| node.fail(e));
            }
            0 => Self::UnlessTrusted,
            1 => Self::OnFailure,
            2 => Self::OnRequest,
            _ => Self::Never,
        };
        unit(&v).map_err(|e| node.fail(e))?;
        Ok(value)
    }
}

impl ApprovalsReviewerToml {
    /// Reads `user` / `auto_review` (alias `guardian_subagent`).
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("user", 0), ("auto_review", 1), ("guardian_subagent", 1)];
        Ok(if unit_enum(node, NAMES)? == 0 { Self::User } else { Self::AutoReview })
    }
}

impl SandboxModeToml {
    /// Reads a kebab-case sandbox mode.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] =
            &[("read-only", 0), ("workspace-write", 1), ("danger-full-access", 2), ("external-sandbox", 3)];
        Ok(match unit_enum(node, NAMES)? {
            0 => Self::ReadOnly,
            1 => Self::WorkspaceWrite,
            2 => Self::DangerFullAccess,
            _ => Self::ExternalSandbox,
        })
    }
}

impl WebSearchModeToml {
    /// Reads `disabled` / `cached` / `live`.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("disabled", 0), ("cached", 1), ("live", 2)];
        Ok(match unit_enum(node, NAMES)? {
            0 => Self::Disabled,
            1 => Self::Cached,
            _ => Self::Live,
        })
    }
}

impl RemoteSandboxConfigToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("hostname_patterns", 0), ("allowed_sandbox_modes", 1)];
        let (mut patterns, mut modes) = (None, None);
        let r = StructReader::read(node, "struct RemoteSandboxConfigToml", NAMES, 2, false, &mut |i, n| {
            if i == 0 {
                patterns = Some(string_seq(n)?);
            } else {
                modes = Some(seq(n, &mut |m| SandboxModeToml::from_toml(m))?);
            }
            Ok(())
        })?;
        let hostname_patterns = r.required(0, "hostname_patterns", patterns)?;
        Ok(Self { hostname_patterns, allowed_sandbox_modes: r.required(1, "allowed_sandbox_modes", modes)? })
    }
}

impl ComputerUseToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut allow = None;
        let r = StructReader::read(
            node,
            "struct ComputerUseToml",
            &[("allow_locked_computer_use", 0)],
            1,
            false,
            &mut |_, n| {
                allow = Some(boolean(n)?);
                Ok(())
            },
        )?;
        Ok(Self { allow_locked_computer_use: r.optional(0, allow)? })
    }
}

impl WindowsSandboxImplementation {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("elevated", 0), ("unelevated", 1)];
        Ok(if unit_enum(node, NAMES)? == 0 { Self::Elevated } else { Self::Unelevated })
    }
}

impl WindowsToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("allowed_sandbox_implementations", 0), ("sandbox_private_desktop", 1)];
        let (mut implementations, mut desktop) = (None, None);
        let r = StructReader::read(node, "struct WindowsToml", NAMES, 2, false, &mut |i, n| {
            if i == 0 {
                implementations = Some(seq(n, &mut |m| WindowsSandboxImplementation::from_toml(m))?);
            } else {
                desktop = Some(boolean(n)?);
            }
            Ok(())
        })?;
        let allowed_sandbox_implementations = r.optional(0, implementations)?;
        Ok(Self { allowed_sandbox_implementations, sandbox_private_desktop: r.optional(1, desktop)? })
    }
}

impl HookHandlerToml {
    /// Reads an internally tagged handler (`type = "command" | "prompt" | "agent"`).
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const EXPECTING: &str = "internally tagged enum HookHandlerToml";
        const TAGS: &[&str] = &["command", "prompt", "agent"];
        let tag_of = |n: &Node<'_>| crate::tomlread::variant_identifier(n, TAGS);
        let (tag, rest): (usize, Node<'_>) = match node.seen()? {
            Seen::Map(entries) => {
                let mut tag = None;
                for e in &entries {
                    if e.key == "type" {
                        if tag.is_some() {
                            return Err(node.fail(crate::tomlread::duplicate_field("type")));
                        }
                        tag = Some(tag_of(&e.value)?);
                    } else {
                        buffer(&e.value)?;
                    }
                }
                let tag = tag.ok_or_else(|| node.fail(crate::tomlread::missing_field("type")))?;
                (tag, node.clone())
            }
            Seen::Seq(items) => {
                let first = items.first().ok_or_else(|| node.fail(crate::tomlread::missing_field("type")))?;
                let tag = tag_of(first)?;
                for item in items.iter().skip(1) {
                    buffer(item)?;
                }
                let rest = items.get(1..).unwrap_or_default();
                // Read after `deserialize_any` returned: the error gets the enclosing value's span.
                return Self::variant_from_seq(node, tag, rest).map_err(Error::without_span);
            }
            other => return Err(node.fail(crate::tomlread::invalid_type(&other, EXPECTING))),
        };
        // Read after `deserialize_any` returned: the error gets the enclosing value's span.
        Self::variant_from_map(&rest, tag).map_err(Error::without_span)
    }
}

impl HookHandlerToml {
    const COMMAND: &'static str = "struct variant HookHandlerToml::Command";

    fn variant_from_map(node: &Node<'_>, tag: usize) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("command", 0),
            ("command_windows", 1),
            ("commandWindows", 1),
            ("timeout", 2),
            ("async", 3),
            ("statusMessage", 4),
        ];
        if tag != 0 {
            StructReader::read(node, "struct variant", &[], 0, false, &mut |_, _| Ok(()))?;
            return Ok(if tag == 1 { Self::Prompt {} } else { Self::Agent {} });
        }
        let (mut command, mut command_windows, mut timeout, mut run_async, mut status_message) =
            (None, None, None, None, None);
        let r = StructReader::read(node, Self::COMMAND, NAMES, 5, false, &mut |i, n| {
            match i {
                0 => command = Some(string(n)?),
                1 => command_windows = Some(string(n)?),
                2 => timeout = Some(crate::tomlread::unsigned(n, u64::MAX, "u64")?),
                3 => run_async = Some(boolean(n)?),
                _ => status_message = Some(string(n)?),
            }
            Ok(())
        })?;
        Ok(Self::Command {
            command: r.required(0, "command", command)?,
            command_windows,
            timeout,
            run_async: run_async.unwrap_or_default(),
            status_message,
        })
    }

    fn variant_from_seq(node: &Node<'_>, tag: usize, items: &[Node<'_>]) -> Result<Self, Error> {
        let expected = if tag == 0 { 5 } else { 0 };
        let result = if tag == 0 {
            let at = |i: usize| items.get(i);
            let command = match at(0) {
                Some(n) => string(n)?,
                None => {
                    return Err(
                        node.fail(crate::tomlread::invalid_length(0, &format!("{} with 5 elements", Self::COMMAND)))
                    );
                }
            };
            let command_windows = at(1).map(string).transpose()?;
            let timeout = at(2).map(|n| crate::tomlread::unsigned(n, u64::MAX, "u64")).transpose()?;
            let run_async = at(3).map(boolean).transpose()?.unwrap_or_default();
            let status_message = at(4).map(string).transpose()?;
            Self::Command { command, command_windows, timeout, run_async, status_message }
        } else if tag == 1 {
            Self::Prompt {}
        } else {
            Self::Agent {}
        };
        if items.len() > expected {
            let plural = if expected == 1 { "" } else { "s" };
            return Err(node.fail(crate::tomlread::invalid_length(
                items.len(),
                &format!("{expected} element{plural} in sequence"),
            )));
        }
        Ok(result)
    }
}

impl MatcherGroupToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("matcher", 0), ("hooks", 1)];
        let (mut matcher, mut hooks) = (None, None);
        StructReader::read(node, "struct MatcherGroupToml", NAMES, 2, false, &mut |i, n| {
            if i == 0 {
                matcher = Some(string(n)?);
            } else {
                hooks = Some(seq(n, &mut |h| HookHandlerToml::from_toml(h))?);
            }
            Ok(())
        })?;
        Ok(Self { matcher, hooks: hooks.unwrap_or_default() })
    }
}

impl HooksToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("managed_dir", 0),
            ("windows_managed_dir", 1),
            ("PreToolUse", 2),
            ("PermissionRequest", 3),
            ("PostToolUse", 4),
            ("PreCompact", 5),
            ("PostCompact", 6),
            ("SessionStart", 7),
            ("UserPromptSubmit", 8),
            ("Stop", 9),
        ];
        let (mut managed_dir, mut windows_managed_dir) = (None, None);
        let mut events: [Option<Vec<MatcherGroupToml>>; 8] = Default::default();
        let r = StructReader::read(node, "struct HooksToml", NAMES, 10, false, &mut |i, n| {
            match i {
                0 => managed_dir = Some(string(n)?),
                1 => windows_managed_dir = Some(string(n)?),
                _ => {
                    if let Some(slot) = events.get_mut(i - 2) {
                        *slot = Some(seq(n, &mut |g| MatcherGroupToml::from_toml(g))?);
                    }
                }
            }
            Ok(())
        })?;
        let managed_dir = r.optional(0, managed_dir)?;
        let windows_managed_dir = r.optional(1, windows_managed_dir)?;
        let [
            pre_tool_use,
            permission_request,
            post_tool_use,
            pre_compact,
            post_compact,
            session_start,
            user_prompt_submit,
            stop,
        ] = events.map(Option::unwrap_or_default);
        Ok(Self {
            managed_dir,
            windows_managed_dir,
            pre_tool_use,
            permission_request,
            post_tool_use,
            pre_compact,
            post_compact,
            session_start,
            user_prompt_submit,
            stop,
        })
    }
}

impl AppToolApproval {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("auto", 0), ("prompt", 1), ("approve", 2), ("writes", 3)];
        Ok(match unit_enum(node, NAMES)? {
            0 => Self::Auto,
            1 => Self::Prompt,
            2 => Self::Approve,
            _ => Self::Writes,
        })
    }
}

impl AppToolToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut mode = None;
        let r = StructReader::read(node, "struct AppToolToml", &[("approval_mode", 0)], 1, false, &mut |_, n| {
            mode = Some(AppToolApproval::from_toml(n)?);
            Ok(())
        })?;
        Ok(Self { approval_mode: r.optional(0, mode)? })
    }
}

impl AppRequirementToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let (mut enabled, mut tools) = (None, None);
        let r = StructReader::read(
            node,
            "struct AppRequirementToml",
            &[("enabled", 0), ("tools", 1)],
            2,
            false,
            &mut |i, n| {
                if i == 0 {
                    enabled = Some(boolean(n)?);
                } else {
                    tools = Some(entries(n, &mut |e| AppToolToml::from_toml(&e.value))?);
                }
                Ok(())
            },
        )?;
        let enabled = r.optional(0, enabled)?;
        Ok(Self { enabled, tools: r.optional(1, tools)? })
    }
}

impl MarketplaceSourceKind {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("git", 0), ("host_pattern", 1), ("local", 2)];
        Ok(match unit_enum(node, NAMES)? {
            0 => Self::Git,
            1 => Self::HostPattern,
            _ => Self::Local,
        })
    }
}

impl MarketplaceAllowedSourceToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("source", 0), ("url", 1), ("ref", 2), ("host_pattern", 3), ("path", 4)];
        let mut source = None;
        let mut strings: [Option<String>; 4] = Default::default();
        let r = StructReader::read(node, "struct MarketplaceAllowedSourceToml", NAMES, 5, true, &mut |i, n| {
            if i == 0 {
                source = Some(MarketplaceSourceKind::from_toml(n)?);
            } else if let Some(slot) = strings.get_mut(i - 1) {
                *slot = Some(string(n)?);
            }
            Ok(())
        })?;
        let source = r.optional(0, source)?;
        let [url, ref_name, host_pattern, path] = strings;
        Ok(Self {
            source,
            url: r.optional(1, url)?,
            ref_name: r.optional(2, ref_name)?,
            host_pattern: r.optional(3, host_pattern)?,
            path: r.optional(4, path)?,
        })
    }
}

impl MarketplacesToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("restrict_to_allowed_sources", 0), ("allowed_sources", 1)];
        let (mut restrict, mut sources) = (None, None);
        let r = StructReader::read(node, "struct MarketplacesToml", NAMES, 2, true, &mut |i, n| {
            if i == 0 {
                restrict = Some(boolean(n)?);
            } else {
                sources = Some(entries(n, &mut |e| MarketplaceAllowedSourceToml::from_toml(&e.value))?);
            }
            Ok(())
        })?;
        Ok(Self { restrict_to_allowed_sources: r.optional(0, restrict)?, allowed_sources: sources.unwrap_or_default() })
    }
}

impl ResidencyToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        unit_enum(node, &[("us", 0)])?;
        Ok(Self::Us)
    }
}

impl FilesystemToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut deny = None;
        let r = StructReader::read(node, "struct FilesystemToml", &[("deny_read", 0)], 1, false, &mut |_, n| {
            deny = Some(string_seq(n)?);
            Ok(())
        })?;
        Ok(Self { deny_read: r.optional(0, deny)? })
    }
}

impl PermissionsToml {
    /// `filesystem` plus flattened profiles (serde buffers the others, then reads them as values).
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let entries = match node.seen()? {
            Seen::Map(entries) => entries,
            other => return Err(node.fail(crate::tomlread::invalid_type(&other, "struct PermissionsToml"))),
        };
        let mut filesystem = None;
        let mut others = Vec::new();
        for e in &entries {
            if e.key == "filesystem" {
                filesystem = Some(FilesystemToml::from_toml(&e.value).map_err(|err| node.fail(e.value.fail(err)))?);
            } else {
                buffer(&e.value)?;
                others.push(e);
            }
        }
        let mut profiles = BTreeMap::new();
        for e in others {
            let value = crate::tomlread::value(&e.value).map_err(|err| node.fail(err.without_span()))?;
            profiles.insert(e.key.clone().into_owned(), value);
        }
        Ok(Self { filesystem, profiles })
    }
}

impl RequirementsToml {
    /// Reads a whole document (unknown keys ignored).
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("allowed_approval_policies", 0),
            ("allowed_approvals_reviewers", 1),
            ("allowed_sandbox_modes", 2),
            ("allowed_permission_profiles", 3),
            ("default_permissions", 4),
            ("allowed_permissions", 5),
            ("remote_sandbox_config", 6),
            ("allowed_web_search_modes", 7),
            ("allow_managed_hooks_only", 8),
            ("allow_appshots", 9),
            ("allow_remote_control", 10),
            ("computer_use", 11),
            ("windows", 12),
            ("features", 13),
            ("feature_requirements", 13),
            ("hooks", 14),
            ("mcp_servers", 15),
            ("plugins", 16),
            ("marketplaces", 17),
            ("apps", 18),
            ("rules", 19),
            ("enforce_residency", 20),
            ("experimental_network", 21),
            ("permissions", 22),
            ("guardian_policy_config", 23),
        ];
        let mut d = Self::default();
        StructReader::read(node, "struct RequirementsToml", NAMES, 24, false, &mut |i, n| {
            match i {
                0 => d.allowed_approval_policies = Some(spanned_seq(n, &mut |m| ApprovalPolicyToml::from_toml(m))?),
                1 => {
                    d.allowed_approvals_reviewers = Some(spanned_seq(n, &mut |m| ApprovalsReviewerToml::from_toml(m))?);
                }
                2 => d.allowed_sandbox_modes = Some(spanned_seq(n, &mut |m| SandboxModeToml::from_toml(m))?),
                3 => d.allowed_permission_profiles = Some(spanned(n, bool_map(n)?)),
                4 => d.default_permissions = Some(spanned_string(n)?),
                5 => d.allowed_permissions = Some(spanned(n, string_seq(n)?)),
                6 => d.remote_sandbox_config = Some(spanned_seq(n, &mut |m| RemoteSandboxConfigToml::from_toml(m))?),
                7 => d.allowed_web_search_modes = Some(spanned_seq(n, &mut |m| WebSearchModeToml::from_toml(m))?),
                8 => d.allow_managed_hooks_only = Some(spanned(n, boolean(n)?)),
                9 => d.allow_appshots = Some(spanned(n, boolean(n)?)),
                10 => d.allow_remote_control = Some(spanned(n, boolean(n)?)),
                11 => d.computer_use = Some(spanned(n, ComputerUseToml::from_toml(n)?)),
                12 => d.windows = Some(spanned(n, WindowsToml::from_toml(n)?)),
                13 => d.features = Some(spanned(n, bool_map(n)?)),
                14 => d.hooks = Some(spanned(n, HooksToml::from_toml(n)?)),
                15 => d.mcp_servers = Some(spanned(n, entries(n, &mut |e| McpServerRequirement::from_toml(&e.value))?)),
                16 => d.plugins = Some(spanned(n, entries(n, &mut |e| PluginRequirementsToml::from_toml(&e.value))?)),
                17 => d.marketplaces = Some(spanned(n, MarketplacesToml::from_toml(n)?)),
                18 => d.apps = Some(spanned(n, entries(n, &mut |e| AppRequirementToml::from_toml(&e.value))?)),
                19 => d.rules = Some(spanned(n, RequirementsRulesToml::from_toml(n)?)),
                20 => d.enforce_residency = Some(spanned(n, ResidencyToml::from_toml(n)?)),
                21 => d.network = Some(spanned(n, NetworkRequirementsToml::from_toml(n)?)),
                22 => d.permissions = Some(spanned(n, PermissionsToml::from_toml(n)?)),
                _ => d.guardian_policy_config = Some(spanned_string(n)?),
            }
            Ok(())
        })?;
        Ok(d)
    }
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

//! The user-facing settings that requirements constrain, with Codex's spellings (spec Appendix B).

/// The five switches of a granular approval policy (`approval_policy = { granular = { … } }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[expect(clippy::struct_excessive_bools, reason = "mirrors Codex's five independent approval switches")]
pub struct GranularApproval {
    /// Prompts that come from the sandbox/heuristics may be shown.
    pub sandbox_approval: bool,
    /// Prompts required by prefix rules may be shown.
    pub rules: bool,
    /// Skill approvals may be shown.
    pub skill_approval: bool,
    /// Permission requests may be shown.
    pub request_permissions: bool,
    /// MCP elicitations may be shown.
    pub mcp_elicitations: bool,
}

/// `approval_policy`: when Codex asks before running a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApprovalPolicy {
    /// `untrusted`: ask for everything that is not known-safe.
    UnlessTrusted,
    /// `on-failure` (deprecated): a distinct value in the released generation.
    OnFailure,
    /// `on-request`: the model asks when it needs to escalate.
    OnRequest,
    /// `never`: never ask; what would need approval is rejected.
    Never,
    /// `{ granular = { … } }`.
    Granular(GranularApproval),
}

impl ApprovalPolicy {
    /// Parses the kebab-case spelling (`granular` needs the table form, see [`ApprovalPolicy::Granular`]).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "untrusted" => Some(Self::UnlessTrusted),
            "on-failure" => Some(Self::OnFailure),
            "on-request" => Some(Self::OnRequest),
            "never" => Some(Self::Never),
            _ => None,
        }
    }

    /// The TOML spelling (`granular` for the table form).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnlessTrusted => "untrusted",
            Self::OnFailure => "on-failure",
            Self::OnRequest => "on-request",
            Self::Never => "never",
            Self::Granular(_) => "granular",
        }
    }

    /// Codex's `Debug` spelling in messages (`UnlessTrusted`, `OnRequest`, `Granular(..)`).
    pub fn debug_name(self) -> String {
        match self {
            Self::UnlessTrusted => "UnlessTrusted".into(),
            Self::OnFailure => "OnFailure".into(),
            Self::OnRequest => "OnRequest".into(),
            Self::Never => "Never".into(),
            Self::Granular(g) => format!(
                "Granular(GranularApprovalConfig {{ sandbox_approval: {}, rules: {}, skill_approval: {}, request_permissions: {}, mcp_elicitations: {} }})",
                g.sandbox_approval, g.rules, g.skill_approval, g.request_permissions, g.mcp_elicitations
            ),
        }
    }
}

/// `sandbox_mode` and the sandbox-mode requirement values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SandboxMode {
    /// `read-only`
    ReadOnly,
    /// `workspace-write`
    WorkspaceWrite,
    /// `danger-full-access`: no sandbox.
    DangerFullAccess,
    /// `external-sandbox`: only reachable programmatically.
    ExternalSandbox,
}

impl SandboxMode {
    /// Parses the kebab-case spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read-only" => Some(Self::ReadOnly),
            "workspace-write" => Some(Self::WorkspaceWrite),
            "danger-full-access" => Some(Self::DangerFullAccess),
            "external-sandbox" => Some(Self::ExternalSandbox),
            _ => None,
        }
    }

    /// The TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "read-only",
            Self::WorkspaceWrite => "workspace-write",
            Self::DangerFullAccess => "danger-full-access",
            Self::ExternalSandbox => "external-sandbox",
        }
    }

    /// Codex's `Debug` spelling.
    pub fn debug_name(self) -> &'static str {
        match self {
            Self::ReadOnly => "ReadOnly",
            Self::WorkspaceWrite => "WorkspaceWrite",
            Self::DangerFullAccess => "DangerFullAccess",
            Self::ExternalSandbox => "ExternalSandbox",
        }
    }
}

/// `web_search` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WebSearchMode {
    /// `disabled` (always implicitly allowed).
    Disabled,
    /// `cached`
    Cached,
    /// `live`
    Live,
}

impl WebSearchMode {
    /// Parses the spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "disabled" => Some(Self::Disabled),
            "cached" => Some(Self::Cached),
            "live" => Some(Self::Live),
            _ => None,
        }
    }

    /// The TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::Cached => "cached",
            Self::Live => "live",
        }
    }

    /// Codex's `Debug` spelling.
    pub fn debug_name(self) -> &'static str {
        match self {
            Self::Disabled => "Disabled",
            Self::Cached => "Cached",
            Self::Live => "Live",
        }
    }
}

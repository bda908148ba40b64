//! The three verdicts a command rule can give.

use std::fmt;

/// A rule's verdict. Ordered from most permissive to strictest, so the effective decision of
/// several matches is their maximum (strictest wins, spec §3.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// Run without asking (outside the sandbox when an explicit rule says so).
    Allow,
    /// Ask the user first.
    Prompt,
    /// Never run.
    Forbidden,
}

impl Decision {
    /// The spelling Codex uses in rules files and JSON: `allow`, `prompt`, `forbidden`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Prompt => "prompt",
            Decision::Forbidden => "forbidden",
        }
    }

    /// Rust `Debug` spelling that Codex prints inside some messages (`Allow`, `Prompt`, `Forbidden`).
    pub fn debug_name(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::Prompt => "Prompt",
            Decision::Forbidden => "Forbidden",
        }
    }

    /// Parses the Starlark spelling; case-sensitive like Codex.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "allow" => Some(Decision::Allow),
            "prompt" => Some(Decision::Prompt),
            "forbidden" => Some(Decision::Forbidden),
            _ => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who reviews a `prompt` (newest Codex): the user, or the automatic reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reviewer {
    /// The developer approves.
    User,
    /// Codex's automatic reviewer (`auto_review`) approves.
    AutoReview,
}

impl Reviewer {
    /// The TOML/JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reviewer::User => "user",
            Reviewer::AutoReview => "auto_review",
        }
    }

    /// Rust `Debug` spelling used inside Codex messages.
    pub fn debug_name(self) -> &'static str {
        match self {
            Reviewer::User => "User",
            Reviewer::AutoReview => "AutoReview",
        }
    }
}

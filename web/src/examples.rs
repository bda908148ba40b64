//! The examples a person can load: the seed documents verbatim, embedded at build time.

/// One example: the texts it puts into the editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id, used as the `<option>` value.
    pub id: &'static str,
    /// Shown in the menu.
    pub title: &'static str,
    /// The `requirements.toml` text.
    pub requirements: &'static str,
    /// The `.rules` text (blank: no rules file).
    pub rules: &'static str,
    /// The command line to try.
    pub command: &'static str,
}

/// Every example, the default first.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "git-review",
        title: "Git review (admin guide)",
        requirements: include_str!("../../examples/seed-git-review.requirements.toml"),
        rules: "",
        command: "git push origin main",
    },
    Example {
        id: "team-rules",
        title: "Team .rules + admin review",
        requirements: include_str!("../../examples/seed-git-review.requirements.toml"),
        rules: include_str!("../../examples/acme/team.rules"),
        command: "git commit -m \"release notes\"",
    },
    Example {
        id: "standard-rollout",
        title: "Standard rollout (admin guide)",
        requirements: include_str!("../../examples/seed-standard-rollout.requirements.toml"),
        rules: "",
        command: "cargo test --workspace",
    },
];

/// The example a first visit starts with.
pub fn default_example() -> &'static Example {
    // INVARIANT: EXAMPLES is a non-empty constant.
    EXAMPLES.first().unwrap_or(&FALLBACK)
}

/// Only reachable if `EXAMPLES` were emptied; keeps `default_example` total without a panic.
const FALLBACK: Example = Example { id: "empty", title: "Empty", requirements: "", rules: "", command: "" };

/// Looks an example up by id.
pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

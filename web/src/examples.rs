//! The examples gallery: the acme workspace (and a proposed change to it), the admin guide's two
//! seed documents verbatim, and small teaching workspaces. Everything is embedded at build time.

use std::rc::Rc;

use crate::project::{ConfigInput, Doc, GridInput, GridRows, Project, ScenarioInput, Snapshot, WhoMode};

/// Which result view an example opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartView {
    /// The trace of one scenario.
    #[default]
    Trace,
    /// The users × commands grid.
    Grid,
    /// The diff against the baseline.
    Diff,
}

/// One example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id (tests, the gallery's buttons).
    pub id: &'static str,
    /// Card title.
    pub title: &'static str,
    /// One sentence on what it shows.
    pub summary: &'static str,
    /// The workspace file.
    pub workspace: &'static str,
    /// The files it references: `(name, text)`.
    pub files: &'static [(&'static str, &'static str)],
    /// The user to simulate (empty: by groups).
    pub user: &'static str,
    /// The command line.
    pub command: &'static str,
    /// The user's own config: `(key, value)`.
    pub config: &'static [(&'static str, &'static str)],
    /// The grid's commands, one per line.
    pub grid: &'static str,
    /// A baseline workspace file (same files), for the diff.
    pub baseline: Option<&'static str>,
    /// The view it opens on.
    pub view: StartView,
}

const ACME: &str = include_str!("../../examples/acme/workspace.toml");
const ACME_DRAFT: &str = include_str!("../../examples/acme/draft.workspace.toml");
const ACME_FILES: &[(&str, &str)] = &[
    ("baseline.requirements.toml", include_str!("../../examples/acme/baseline.requirements.toml")),
    ("contractors.requirements.toml", include_str!("../../examples/acme/contractors.requirements.toml")),
    ("platform.requirements.toml", include_str!("../../examples/acme/platform.requirements.toml")),
    ("team.rules", include_str!("../../examples/acme/team.rules")),
];
const ACME_GRID: &str = "git status\ngit push origin main\ngit push --force origin main\ncargo test --workspace\n\
rm -rf build\ncurl https://example.com\nterraform apply\nssh prod.acme.example\nbash -lc 'cargo test && git push'\n";

/// The admin guide's git review example (seed 2), verbatim.
pub const SEED_GIT_REVIEW: &str = include_str!("../../examples/seed-git-review.requirements.toml");
/// The admin guide's standard rollout example (seed 1), verbatim: Codex rejects it.
pub const SEED_STANDARD_ROLLOUT: &str = include_str!("../../examples/seed-standard-rollout.requirements.toml");

/// Every example; the first is what a first visit opens.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "acme",
        title: "Acme workspace",
        summary: "Five groups, three cloud policies, team rules: who gets which policy, and what Codex does for them.",
        workspace: ACME,
        files: ACME_FILES,
        user: "kim@acme.example",
        command: "git push origin main",
        config: &[],
        grid: ACME_GRID,
        baseline: None,
        view: StartView::Trace,
    },
    Example {
        id: "acme-change",
        title: "Acme: a proposed change",
        summary: "Engineering's rule moves above Contractors and curl becomes forbidden: the diff shows who is affected.",
        workspace: ACME_DRAFT,
        files: ACME_FILES,
        user: "kim@acme.example",
        command: "curl https://example.com",
        config: &[],
        grid: ACME_GRID,
        baseline: Some(ACME),
        view: StartView::Diff,
    },
    Example {
        id: "seed-git-review",
        title: "Admin guide: review git pushes",
        summary: "The guide's [rules] example, verbatim: pushes and commits need approval.",
        workspace: include_str!("examples/seed-git-review.workspace.toml"),
        files: &[("seed-git-review.requirements.toml", SEED_GIT_REVIEW)],
        user: "dev@example.com",
        command: "git push origin main",
        config: &[],
        grid: "git push origin main\ngit commit -m wip\ngit status\n",
        baseline: None,
        view: StartView::Trace,
    },
    Example {
        id: "seed-standard-rollout",
        title: "Admin guide: standard rollout",
        summary: "The guide's limits example, verbatim. Codex refuses it: allowed_sandbox_modes must include read-only.",
        workspace: include_str!("examples/seed-standard-rollout.workspace.toml"),
        files: &[("seed-standard-rollout.requirements.toml", SEED_STANDARD_ROLLOUT)],
        user: "dev@example.com",
        command: "cargo test",
        config: &[],
        grid: "cargo test\ngit push origin main\n",
        baseline: None,
        view: StartView::Trace,
    },
    Example {
        id: "first-match",
        title: "Lesson: first matching group rule",
        summary: "A person in two groups gets the first matching rule's policy, and nothing from the second.",
        workspace: include_str!("examples/first-match.workspace.toml"),
        files: &[],
        user: "sam@example.com",
        command: "git push origin main",
        config: &[],
        grid: "git push origin main\ngit status\nnpm test\n",
        baseline: None,
        view: StartView::Grid,
    },
    Example {
        id: "strictest-wins",
        title: "Lesson: the strictest rule wins",
        summary: "A user allow rule, an admin prompt and a system forbid on the same command: the strictest decides.",
        workspace: include_str!("examples/strictest.workspace.toml"),
        files: &[
            ("review-pushes.requirements.toml", include_str!("examples/review-pushes.requirements.toml")),
            ("admin.rules", include_str!("examples/admin.rules")),
            ("default.rules", include_str!("examples/strictest-default.rules")),
        ],
        user: "dev@example.com",
        command: "git push origin main",
        config: &[],
        grid: "git push origin main\ngit push --force origin main\ngit status\n",
        baseline: None,
        view: StartView::Trace,
    },
    Example {
        id: "shell-splitting",
        title: "Lesson: shell scripts are split",
        summary: "bash -lc scripts of plain commands are judged command by command; anything fancier is one opaque command.",
        workspace: include_str!("examples/shell.workspace.toml"),
        files: &[("default.rules", include_str!("examples/shell-default.rules"))],
        user: "dev@example.com",
        command: "bash -lc 'cargo test && git push origin main'",
        config: &[],
        grid: "bash -lc 'cargo build && cargo test'\nbash -lc 'cargo test && git push origin main'\n\
bash -lc 'cargo test; rm -rf target'\nbash -lc 'cargo test > log.txt'\nbash -lc 'rm -rf $HOME/tmp'\n",
        baseline: None,
        view: StartView::Trace,
    },
    Example {
        id: "fallback-warnings",
        title: "Lesson: disallowed config falls back",
        summary: "A config.toml asks for modes the policy forbids: Codex falls back and prints its warning.",
        workspace: include_str!("examples/fallback.workspace.toml"),
        files: &[("standard.requirements.toml", include_str!("examples/standard.requirements.toml"))],
        user: "dev@example.com",
        command: "npm install left-pad",
        config: &[("approval_policy", "never"), ("sandbox_mode", "danger-full-access"), ("web_search", "live")],
        grid: "npm install left-pad\ngit status\n",
        baseline: None,
        view: StartView::Trace,
    },
];

impl Example {
    /// The example as a project.
    pub fn project(&self) -> Project {
        let docs: Rc<Vec<Doc>> = Rc::new(self.files.iter().map(|(name, text)| Doc::new(*name, *text)).collect());
        let mut config = ConfigInput::default();
        for (key, value) in self.config {
            config.set(key, (*value).into());
        }
        Project {
            workspace: self.workspace.into(),
            docs: Rc::clone(&docs),
            scenario: ScenarioInput {
                mode: WhoMode::User,
                user: self.user.into(),
                command: self.command.into(),
                config,
                ..ScenarioInput::default()
            },
            grid: GridInput { rows: GridRows::Users, commands: self.grid.into() },
            baseline: self.baseline.map(|workspace| Rc::new(Snapshot { workspace: workspace.into(), docs })),
        }
    }
}

/// The example a first visit opens.
pub fn default_example() -> &'static Example {
    // INVARIANT: EXAMPLES is a non-empty constant.
    EXAMPLES.first().unwrap_or(&FALLBACK)
}

/// Only reachable if `EXAMPLES` were emptied; keeps `default_example` total without a panic.
const FALLBACK: Example = Example {
    id: "empty",
    title: "Empty",
    summary: "",
    workspace: "",
    files: &[],
    user: "",
    command: "",
    config: &[],
    grid: "",
    baseline: None,
    view: StartView::Trace,
};

/// Looks an example up by id.
#[cfg(test)]
pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

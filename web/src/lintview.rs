//! The lint panel: every finding of the engine's lint (what Codex rejects, what it silently
//! ignores, rules that can never decide), with line and column, help and one-click fixes.

use policy_engine::Severity;
use yew::prelude::*;

use crate::ui::{Shared, plural, problem_row, use_actions};

/// Properties of [`LintPanel`].
#[derive(Properties, PartialEq)]
pub struct LintProps {
    /// The latest evaluation.
    pub report: Shared,
}

/// The lint panel.
#[function_component]
pub fn LintPanel(props: &LintProps) -> Html {
    let actions = use_actions();
    let problems = &props.report.problems;
    let counts = [Severity::Error, Severity::Warning, Severity::Info]
        .map(|s| problems.iter().filter(|p| p.severity == s).count());
    html! {
        <div class="lint-panel" data-testid="lint">
            <p class="lint-summary" data-testid="lint-summary">
                <span class="severity error">{ plural(counts[0], "error", "errors") }</span>
                <span class="severity warning">{ plural(counts[1], "warning", "warnings") }</span>
                <span class="severity info">{ plural(counts[2], "note", "notes") }</span>
            </p>
            if problems.is_empty() {
                <p class="empty">{ "Nothing to report: every file loads, and no rule is shadowed or unreachable." }</p>
            } else {
                <table class="table" aria-label="Lint findings">
                    <thead><tr><th scope="col">{ "Where" }</th><th scope="col">{ "Finding" }</th></tr></thead>
                    <tbody>{ for problems.iter().map(|p| problem_row(p, &actions)) }</tbody>
                </table>
            }
        </div>
    }
}

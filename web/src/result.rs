//! The result panel: the verdict first (in a live region), then the matched rules and the problems
//! as real tables.

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::{jump_link, rich_text};
use crate::eval::{MatchedRule, Problem, Report, Reviewer};

/// Properties of [`ResultPanel`].
#[derive(Properties, PartialEq)]
pub struct ResultProps {
    /// The latest evaluation.
    pub report: Rc<Report>,
    /// How long the last evaluation took, when measured.
    #[prop_or_default]
    pub elapsed_ms: Option<f64>,
}

/// The decision, the plain-words outcome, the trace and the diagnostics.
#[function_component]
pub fn ResultPanel(props: &ResultProps) -> Html {
    let report = &props.report;
    let verdict = report.verdict;
    html! {
        <section class="panel result-panel" aria-labelledby="result-title">
            <div class="panel-head">
                <h2 id="result-title" class="panel-title">{ "Result" }</h2>
                if let Some(ms) = props.elapsed_ms {
                    <span class="hint" data-testid="eval-time" title="Time the engine took in this browser">
                        { format!("checked in {}", format_ms(ms)) }
                    </span>
                }
            </div>
            <div class="verdict" data-state={verdict.state()} role="status" aria-live="polite" aria-atomic="true">
                <span class="verdict-icon" aria-hidden="true"></span>
                <div class="verdict-text">
                    <span class="verdict-label">{ "Decision" }</span>
                    <strong class="decision" data-testid="decision">{ verdict.word() }</strong>
                    <p class="outcome" data-testid="outcome">{ verdict.sentence() }</p>
                </div>
            </div>

            <h3 class="section-title" id="trace-title">
                { "Matched rules" }
                <span class="count">{ report.matched.len() }</span>
            </h3>
            <div data-testid="trace" class="trace">
                if report.matched.is_empty() {
                    <p class="empty">{ trace_empty_text(report) }</p>
                } else {
                    <table class="table" aria-labelledby="trace-title">
                        <thead>
                            <tr>
                                <th scope="col">{ "Matched prefix" }</th>
                                <th scope="col">{ "Decision" }</th>
                                <th scope="col">{ "Justification and origin" }</th>
                            </tr>
                        </thead>
                        <tbody>{ for report.matched.iter().map(rule_row) }</tbody>
                    </table>
                }
            </div>

            <h3 class="section-title" id="problems-title">
                { "Problems" }
                <span class={classes!("count", (!report.problems.is_empty()).then_some("bad"))}>
                    { report.problems.len() }
                </span>
            </h3>
            <div data-testid="diagnostics" class="diagnostics">
                if report.problems.is_empty() {
                    <p class="empty">{ "No problems: every input loads the way Codex would load it." }</p>
                } else {
                    <table class="table" aria-labelledby="problems-title">
                        <thead>
                            <tr>
                                <th scope="col">{ "Where" }</th>
                                <th scope="col">{ "Message" }</th>
                            </tr>
                        </thead>
                        <tbody>{ for report.problems.iter().map(problem_row) }</tbody>
                    </table>
                }
            </div>
        </section>
    }
}

/// `0.4 ms`, `12 ms`: integer arithmetic, because float formatting alone costs ~10 KB of wasm.
fn format_ms(ms: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative duration in tenths of a millisecond; saturating is fine"
    )]
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    match tenths {
        0 => "< 0.1 ms".to_owned(),
        1..100 => format!("{}.{} ms", tenths / 10, tenths % 10),
        _ => format!("{} ms", (tenths + 5) / 10),
    }
}

fn trace_empty_text(report: &Report) -> &'static str {
    use crate::eval::Verdict;
    match report.verdict {
        Verdict::PolicyRejected => "Nothing is matched while requirements.toml does not load.",
        Verdict::NoCommand => "Matched rules appear here once there is a command.",
        _ if report.requirements_rule_count.is_none() && report.rules_file_rule_count.is_none() => {
            "There are no rules yet: add a [rules] table or a .rules file."
        }
        _ => "No rule matches this command.",
    }
}

fn rule_row(rule: &MatchedRule) -> Html {
    let decision = rule.decision.as_str();
    html! {
        <tr data-testid="matched-rule">
            <td data-label="Matched prefix">
                <span class="tokens">
                    { for rule.matched_prefix.iter().map(|t| html! { <code class="token">{ t }</code> }) }
                </span>
                if let Some(program) = &rule.resolved_program {
                    <span class="sub">{ "via host executable " }<code>{ program }</code></span>
                }
            </td>
            <td data-label="Decision">
                <span class={classes!("pill", decision)}>{ decision }</span>
                if let Some(reviewer) = rule.reviewer {
                    <span class="sub">{ reviewer_text(reviewer) }</span>
                }
            </td>
            <td data-label="Justification" class="justification">
                if let Some(text) = &rule.justification {
                    <span class="justification-text">{ text }</span>
                } else {
                    <span class="muted">{ "No justification given." }</span>
                }
                <span class="origin" data-testid="rule-origin">
                    if let Some(location) = &rule.written_at {
                        { jump_link(location) }
                    }
                    <span class="muted">{ if rule.from_requirements { "admin [rules]" } else { ".rules file" } }</span>
                </span>
            </td>
        </tr>
    }
}

fn reviewer_text(reviewer: Reviewer) -> &'static str {
    match reviewer {
        Reviewer::User => "reviewed by the user",
        Reviewer::AutoReview => "reviewed by the automatic reviewer",
    }
}

fn problem_row(problem: &Problem) -> Html {
    html! {
        <tr data-testid="diagnostic" class={problem.severity.as_str()}>
            <td data-label="Where">
                if let Some(location) = &problem.location {
                    { jump_link(location) }
                } else {
                    <span class="file-name">{ field_name(problem) }</span>
                }
            </td>
            <td data-label="Message">
                <span class={classes!("severity", problem.severity.as_str())}>{ problem.severity.as_str() }</span>
                <span class="message">{ rich_text(&problem.message) }</span>
                if let Some(help) = &problem.help {
                    <span class="sub help">{ "help: " }{ rich_text(help) }</span>
                }
                if let Some(consequence) = problem.consequence {
                    <span class="sub">{ consequence }</span>
                }
            </td>
        </tr>
    }
}

fn field_name(problem: &Problem) -> &'static str {
    use crate::eval::{Field, REQUIREMENTS_NAME, RULES_NAME};
    match problem.field {
        Field::Requirements => REQUIREMENTS_NAME,
        Field::Rules => RULES_NAME,
        Field::Command => "command",
    }
}

#[cfg(test)]
mod tests {
    use super::format_ms;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_ms(0.04), "< 0.1 ms");
        assert_eq!(format_ms(0.36), "0.4 ms");
        assert_eq!(format_ms(9.94), "9.9 ms");
        assert_eq!(format_ms(12.4), "12 ms");
        assert_eq!(format_ms(12.5), "13 ms");
        assert_eq!(format_ms(-1.0), "< 0.1 ms");
    }
}

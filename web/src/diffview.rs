//! The diff: the current files against a marked baseline — which (user, command) outcomes
//! change, who moves to another policy, and which requirements, settings and rules change per
//! policy, each stricter or looser.

use yew::prelude::*;

use crate::eval::{DiffView, FieldChangeView, PairView};
use crate::project::{Edit, Person};
use crate::ui::{outcome_pill, plural, use_actions};

/// Properties of [`DiffPanel`].
#[derive(Properties, PartialEq)]
pub struct DiffProps {
    /// The comparison (`None` before the first evaluation of this view).
    pub diff: Option<std::rc::Rc<DiffView>>,
    /// Whether a baseline is marked.
    pub has_baseline: bool,
}

fn verdict_pill(verdict: &str) -> Html {
    html! { <span class={classes!("pill", "verdict-pill", verdict.to_owned())}>{ verdict.to_owned() }</span> }
}

fn field_table(title: &str, rows: &[FieldChangeView]) -> Html {
    if rows.is_empty() {
        return Html::default();
    }
    html! {
        <table class="table compact">
            <thead><tr><th scope="col">{ title.to_owned() }</th><th scope="col">{ "Baseline" }</th><th scope="col">{ "Now" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|r| html! {
                    <tr data-testid="field-change">
                        <td data-label={title.to_owned()}><code>{ r.field.clone() }</code></td>
                        <td data-label="Baseline"><code class="value old">{ r.old.clone() }</code></td>
                        <td data-label="Now"><code class="value new">{ r.new.clone() }</code></td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn pair(p: &PairView) -> Html {
    let title = if p.old == p.new { ["Policy ", &p.old].concat() } else { [p.old.as_str(), " → ", &p.new].concat() };
    html! {
        <section class="pair" data-testid="policy-change">
            <h4 class="pair-title">{ title }</h4>
            if !p.users.is_empty() { <p class="sub">{ ["For ", &p.users.join(", ")].concat() }</p> }
            { field_table("Requirement", &p.requirements) }
            { field_table("Setting (no user config)", &p.settings) }
            if !p.rules.is_empty() {
                <table class="table compact">
                    <thead><tr><th scope="col">{ "Commands" }</th><th scope="col">{ "Baseline" }</th><th scope="col">{ "Now" }</th><th scope="col">{ "Change" }</th></tr></thead>
                    <tbody>
                        { for p.rules.iter().map(|r| html! {
                            <tr data-testid="rule-change">
                                <td data-label="Commands"><code>{ r.prefix.clone() }</code><span class="sub">{ ["e.g. ", r.example.as_str()].concat() }</span></td>
                                <td data-label="Baseline"><span class={classes!("pill", r.old)}>{ r.old }</span></td>
                                <td data-label="Now"><span class={classes!("pill", r.new)}>{ r.new }</span></td>
                                <td data-label="Change">{ verdict_pill(r.verdict) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

/// The diff panel.
#[function_component]
pub fn DiffPanel(props: &DiffProps) -> Html {
    let actions = use_actions();
    let mark = {
        let edit = actions.edit.clone();
        Callback::from(move |_: MouseEvent| edit.emit(Edit::MarkBaseline))
    };
    let clear = {
        let edit = actions.edit.clone();
        Callback::from(move |_: MouseEvent| edit.emit(Edit::ClearBaseline))
    };
    let body = match props.diff.as_deref() {
        None | Some(DiffView::NoBaseline) => html! {
            <div class="empty-state">
                <p>{ "Mark the current files as the baseline, then edit: this view shows whose outcomes and effective settings change, and whether each change is stricter or looser." }</p>
                <button type="button" class="button primary" data-testid="mark-baseline" onclick={mark.clone()}>{ "Mark current state as baseline" }</button>
            </div>
        },
        Some(DiffView::Broken { side }) => html! {
            <p class="empty">{ ["The ", side, " workspace file does not parse, so there is nothing to compare yet."].concat() }</p>
        },
        Some(DiffView::Ready { verdict, evaluated, users, outcomes, pairs }) => {
            let summary = match verdict {
                None => {
                    html! { <p class="diff-summary" data-testid="diff-summary">{ ["No change: ", &plural(*evaluated, "(user, command) pair", "(user, command) pairs"), " compared, same requirements, settings and rules."].concat() }</p> }
                }
                Some(v) => html! {
                    <p class="diff-summary" data-testid="diff-summary">
                        { "Overall " }{ verdict_pill(v) }{ " · " }
                        { [outcomes.len().to_string().as_str(), " of ", &plural(*evaluated, "outcome", "outcomes"), " change"].concat() }
                        { " · " }{ plural(users.len(), "person moves", "people move") }{ " · " }
                        { plural(pairs.len(), "policy differs", "policies differ") }
                    </p>
                },
            };
            html! {
                <>
                    { summary }
                    if !outcomes.is_empty() {
                        <h3 class="section-title">{ "Outcomes that change" }</h3>
                        <table class="table" data-testid="outcome-changes">
                            <thead><tr><th scope="col">{ "Who" }</th><th scope="col">{ "Command" }</th><th scope="col">{ "Baseline → now" }</th><th scope="col">{ "Change" }</th></tr></thead>
                            <tbody>
                                { for outcomes.iter().map(|o| {
                                    let pick = {
                                        let person = if o.user == policy_engine::analysis::diff::NO_GROUP { Person::Groups(Vec::new()) } else { Person::User(o.user.clone()) };
                                        let (pick, argv) = (actions.pick.clone(), o.argv.clone());
                                        Callback::from(move |_: MouseEvent| pick.emit((person.clone(), argv.clone())))
                                    };
                                    html! {
                                        <tr data-testid="outcome-change" class={o.verdict}>
                                            <td data-label="Who">{ o.user.clone() }</td>
                                            <td data-label="Command">
                                                <button type="button" class="link-button code-font" onclick={pick} title="Show the trace now">{ o.command.clone() }</button>
                                                if let Some(r) = &o.new_reason { <span class="sub">{ r.clone() }</span> }
                                            </td>
                                            <td data-label="Baseline → now">{ outcome_pill(o.old) }{ " → " }{ outcome_pill(o.new) }</td>
                                            <td data-label="Change">{ verdict_pill(o.verdict) }</td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    }
                    if !users.is_empty() {
                        <h3 class="section-title">{ "People whose policy changes" }</h3>
                        <table class="table compact" data-testid="user-changes">
                            <thead><tr><th scope="col">{ "Who" }</th><th scope="col">{ "Baseline" }</th><th scope="col">{ "Now" }</th></tr></thead>
                            <tbody>
                                { for users.iter().map(|(u, old, new)| html! {
                                    <tr><td data-label="Who">{ u.clone() }</td><td data-label="Baseline">{ old.clone() }</td><td data-label="Now">{ new.clone() }</td></tr>
                                }) }
                            </tbody>
                        </table>
                    }
                    if !pairs.is_empty() {
                        <h3 class="section-title">{ "Requirements, settings and rules" }</h3>
                        { for pairs.iter().map(pair) }
                    }
                </>
            }
        }
    };
    html! {
        <div class="diff-panel" data-testid="diff">
            if props.has_baseline {
                <div class="toolbar">
                    <span class="hint">{ "Comparing the current files with the baseline, over the grid's commands." }</span>
                    <span class="spacer"></span>
                    <button type="button" class="button small" data-testid="mark-baseline" onclick={mark}>{ "Mark current as baseline" }</button>
                    <button type="button" class="button small" data-testid="clear-baseline" onclick={clear}>{ "Clear baseline" }</button>
                </div>
            }
            { body }
        </div>
    }
}

//! Pieces every panel uses: the app context (edit, jump to a place, switch views), links that
//! move the caret, messages with code spans, and outcome words and colours.

use std::rc::Rc;

use policy_engine::explain::Outcome;
use yew::prelude::*;

use crate::eval::{Location, Problem, Report, View};
use crate::project::{Edit, Person};

/// What any panel may ask the app to do. Every callback is created once, so the context never
/// changes and never re-renders its consumers by itself.
#[derive(Clone, PartialEq)]
pub struct Actions {
    /// Changes the project.
    pub edit: Callback<Edit>,
    /// Opens a document's tab and selects a span in it.
    pub jump: Callback<Location>,
    /// Opens a tab of the left panel (`form` or a document name).
    pub open: Callback<AttrValue>,
    /// Switches the result view.
    pub view: Callback<View>,
    /// Simulates this person and command and shows the trace.
    pub pick: Callback<(Person, Vec<String>)>,
}

/// The latest report, compared by identity (a new evaluation is a new `Rc`).
#[derive(Clone)]
pub struct Shared(pub Rc<Report>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = Report;
    fn deref(&self) -> &Report {
        &self.0
    }
}

/// The app's actions (inside the `ContextProvider`).
#[hook]
pub fn use_actions() -> Actions {
    use_context::<Actions>().unwrap_or_else(|| Actions {
        edit: Callback::noop(),
        jump: Callback::noop(),
        open: Callback::noop(),
        view: Callback::noop(),
        pick: Callback::noop(),
    })
}

/// A message with its `backticked` parts (user input, in Cedar-style and serde messages) as code.
pub fn rich_text(message: &str) -> Html {
    // An odd number of backticks leaves the last one literal rather than guessing.
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return html! { { message } };
    }
    html! {
        { for parts.iter().enumerate().map(|(i, part)| {
            if i % 2 == 1 { html! { <code>{ *part }</code> } } else { html! { { *part } } }
        }) }
    }
}

/// A button that opens `location` in its editor, labelled `file:line:column`.
pub fn jump_link(location: &Location, jump: &Callback<Location>) -> Html {
    let target = location.clone();
    let jump = jump.clone();
    let onclick = Callback::from(move |_: MouseEvent| jump.emit(target.clone()));
    let label = location.label();
    html! {
        <button type="button" class="location" {onclick} title={["Go to ", label.as_str()].concat()}>
            { label }
        </button>
    }
}

/// Like [`jump_link`], labelled `line N` (the file is named next to it).
pub fn line_link(location: &Location, jump: &Callback<Location>) -> Html {
    let target = location.clone();
    let jump = jump.clone();
    let onclick = Callback::from(move |_: MouseEvent| jump.emit(target.clone()));
    let full = location.label();
    html! {
        <button type="button" class="location" {onclick} title={["Go to ", full.as_str()].concat()} aria-label={["Go to ", full.as_str()].concat()}>
            { ["line ", location.line.to_string().as_str()].concat() }
        </button>
    }
}

/// A short word for an outcome (grid cells, badges).
pub fn outcome_short(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::RunUnsandboxed => "unsandboxed",
        Outcome::RunSandboxed => "sandboxed",
        Outcome::Ask => "asks",
        Outcome::Reject => "rejected",
        Outcome::Denied => "no access",
        Outcome::Error => "won't start",
    }
}

/// The CSS tone of an outcome.
pub fn outcome_tone(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::RunUnsandboxed => "free",
        Outcome::RunSandboxed => "allow",
        Outcome::Ask => "prompt",
        Outcome::Reject => "forbidden",
        Outcome::Denied => "denied",
        Outcome::Error => "error",
    }
}

/// A coloured outcome pill with its word.
pub fn outcome_pill(outcome: Outcome) -> Html {
    html! { <span class={classes!("pill", outcome_tone(outcome))}>{ outcome_short(outcome) }</span> }
}

/// One problem as a table row (the result's problems and the lint panel).
pub fn problem_row(problem: &Problem, actions: &Actions) -> Html {
    let fix = problem.fix.clone().map(|fix| fix_button(fix, actions));
    html! {
        <tr data-testid="diagnostic" class={problem.severity.as_str()}>
            <td data-label="Where">
                if let Some(location) = &problem.location {
                    { jump_link(location, &actions.jump) }
                } else {
                    <span class="file-name">{ problem.source.clone() }</span>
                }
            </td>
            <td data-label="Message">
                <span class={classes!("severity", problem.severity.as_str())}>{ problem.severity.as_str() }</span>
                <span class="message">{ rich_text(&problem.message) }</span>
                if let Some(help) = &problem.help {
                    <span class="sub help">{ "help: " }{ rich_text(help) }</span>
                }
                <span class="sub code-name">{ problem.code }</span>
                { fix.unwrap_or_default() }
            </td>
        </tr>
    }
}

/// The one-click repair of a problem.
pub fn fix_button(fix: crate::eval::Fix, actions: &Actions) -> Html {
    use crate::eval::Fix;
    let (label, edit, open): (String, Edit, AttrValue) = match fix {
        Fix::Insert { doc, at, text, label } => (label.to_owned(), Edit::Insert(doc.clone(), at, text), doc),
        Fix::CreateDoc { name } => {
            let text = if crate::project::has_extension(&name, &["rules"]) {
                "# Starlark rules: prefix_rule(pattern = [\"git\", \"push\"], decision = \"prompt\")\n"
            } else {
                "# A requirements.toml document.\n"
            };
            (["Create ", name.as_str()].concat(), Edit::Text(name.clone().into(), text.into()), name.into())
        }
    };
    let (edit_cb, open_cb) = (actions.edit.clone(), actions.open.clone());
    let onclick = Callback::from(move |_: MouseEvent| {
        edit_cb.emit(edit.clone());
        open_cb.emit(open.clone());
    });
    html! { <button type="button" class="fix-button" data-testid="fix" {onclick}>{ label }</button> }
}

/// `0.4 ms`, `12 ms`: integer arithmetic, because float formatting alone costs ~10 KB of wasm.
pub fn format_ms(ms: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative duration in tenths of a millisecond; saturating is fine"
    )]
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    match tenths {
        0 => "< 0.1 ms".to_owned(),
        1..100 => [(tenths / 10).to_string(), ".".into(), (tenths % 10).to_string(), " ms".into()].concat(),
        _ => [((tenths + 5) / 10).to_string(), " ms".into()].concat(),
    }
}

/// `1 rule`, `2 rules`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    [n.to_string().as_str(), " ", if n == 1 { one } else { many }].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_ms(0.04), "< 0.1 ms");
        assert_eq!(format_ms(0.36), "0.4 ms");
        assert_eq!(format_ms(9.94), "9.9 ms");
        assert_eq!(format_ms(12.4), "12 ms");
        assert_eq!(format_ms(12.5), "13 ms");
        assert_eq!(format_ms(-1.0), "< 0.1 ms");
        assert_eq!(plural(1, "rule", "rules"), "1 rule");
    }
}

//! A plain `<textarea>` with a line-number gutter: fully accessible as it is, and the base a
//! highlighting overlay can be layered onto later without changing how it is read or typed in.

use yew::prelude::*;

use crate::browser;
use crate::eval::{Field, Problem};

/// Properties of [`CodeEditor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Which input this is (DOM id, diagnostics).
    pub field: Field,
    /// The `data-testid` of the textarea.
    pub testid: &'static str,
    /// The file name shown as the label.
    pub file: &'static str,
    /// One sentence on what belongs here.
    pub hint: &'static str,
    /// Shown when empty.
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// Current text.
    pub value: AttrValue,
    /// Short status next to the file name (rule count, error).
    pub status: Html,
    /// Problems located in this text.
    pub problems: Vec<Problem>,
    /// Every edit, with the whole new text.
    pub oninput: Callback<String>,
}

/// A labelled code editor with line numbers and its problems listed underneath.
#[function_component]
pub fn CodeEditor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let id = props.field.dom_id();
    let label_id = format!("{id}-label");
    let hint_id = format!("{id}-hint");
    let problems_id = format!("{id}-problems");

    let oninput = {
        let callback = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            callback.emit(area.value());
        })
    };
    // The gutter has no scrollbar of its own; it follows the textarea.
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(gutter) = gutter.cast::<web_sys::Element>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };

    let lines = props.value.as_str().bytes().filter(|b| *b == b'\n').count() + 1;
    let mut marked: Vec<usize> = props.problems.iter().filter_map(|p| p.location.as_ref().map(|l| l.line)).collect();
    marked.sort_unstable();
    marked.dedup();
    let invalid = if props.problems.is_empty() { "false" } else { "true" };
    let describedby = if props.problems.is_empty() { hint_id.clone() } else { format!("{hint_id} {problems_id}") };

    html! {
        <section class="panel editor-panel" aria-labelledby={label_id.clone()}>
            <div class="panel-head">
                <label id={label_id} for={id} class="panel-title file-name">{ props.file }</label>
                { props.status.clone() }
            </div>
            <p class="panel-hint" id={hint_id}>{ props.hint }</p>
            <div class={classes!("editor", (!props.problems.is_empty()).then_some("has-problems"))}>
                <Gutter {lines} {marked} node={gutter} />
                <textarea
                    id={id}
                    class="code"
                    data-testid={props.testid}
                    value={props.value.clone()}
                    placeholder={props.placeholder.clone()}
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-invalid={invalid}
                    aria-describedby={describedby}
                    {oninput}
                    {onscroll}
                />
            </div>
            if !props.problems.is_empty() {
                <ul class="inline-problems" id={problems_id}>
                    { for props.problems.iter().map(inline_problem) }
                </ul>
            }
        </section>
    }
}

fn inline_problem(problem: &Problem) -> Html {
    html! {
        <li class={classes!("inline-problem", problem.severity.as_str())}>
            if let Some(location) = &problem.location {
                { jump_link(location) }
            }
            <span class="inline-message">{ rich_text(&problem.message) }</span>
        </li>
    }
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

/// A button that puts the caret on `location`, labelled `file:line:column`.
pub fn jump_link(location: &crate::eval::Location) -> Html {
    let (id, start, end) = (location.field.dom_id(), location.caret_start, location.caret_end);
    let onclick = Callback::from(move |_: MouseEvent| browser::focus_span(id, start, end));
    let label = location.label();
    html! {
        <button type="button" class="location" {onclick} title={format!("Go to {label}")}>
            { label }
        </button>
    }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    lines: usize,
    marked: Vec<usize>,
    node: NodeRef,
}

/// Line numbers as a few text runs, with the lines that have problems as marked spans: cheap even
/// for a very long paste, and a component of its own so typing within a line re-renders nothing.
#[function_component]
fn Gutter(props: &GutterProps) -> Html {
    let mut nodes: Vec<Html> = Vec::with_capacity(props.marked.len() * 2 + 1);
    let mut run = String::new();
    let mut marks = props.marked.iter().peekable();
    for n in 1..=props.lines {
        if n > 1 {
            run.push('\n');
        }
        if marks.next_if_eq(&&n).is_some() {
            nodes.push(Html::from(std::mem::take(&mut run)));
            nodes.push(html! { <span class="mark">{ n }</span> });
        } else {
            run.push_str(&n.to_string());
        }
    }
    nodes.push(Html::from(run));
    html! { <pre class="gutter" aria-hidden="true" ref={props.node.clone()}>{ for nodes }</pre> }
}

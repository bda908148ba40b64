//! The code editor: a real `<textarea>` (so typing, selection, undo, IME and screen readers all
//! work as the browser made them) over a highlighted copy of its text drawn in Yew. The copy
//! renders only the lines in view (plus a margin), so a 20,000-line paste costs the same to
//! repaint as a short file; diagnostics are underlined at their exact span, marked in the
//! line-number gutter, listed below, and read out in the status line when the caret is on one.
//! Plain mode drops the overlay and leaves a plain textarea.

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser;
use crate::eval::Problem;
use crate::highlight::{Language, Token, tokens};
use crate::project::DocKind;
use crate::ui::{fix_button, jump_link, rich_text, use_actions};

/// DOM id of the editor's textarea (one editor is open at a time).
pub const INPUT_ID: &str = "code-input";
const MEASURE_ID: &str = "code-measure";
/// Texts longer than this are shown without colours (the lexer would still be fast; the DOM
/// would not).
const HIGHLIGHT_LIMIT: usize = 400_000;
/// Lines rendered above and below the visible ones.
const MARGIN_LINES: usize = 40;
/// Must match `--code-line` and the textarea's padding in style.css.
const LINE_PX: f64 = 20.0;
const PAD_TOP_PX: f64 = 10.0;
const PAD_LEFT_PX: f64 = 12.0;

/// Properties of [`CodeEditor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The document's name (label, messages).
    pub doc: AttrValue,
    /// What it holds (highlighting, test hook).
    pub kind: DocKind,
    /// Its text.
    pub value: AttrValue,
    /// Problems located in it.
    pub problems: Rc<Vec<Problem>>,
    /// Byte range to mark as the rule that decided.
    #[prop_or_default]
    pub decided: Option<(usize, usize)>,
    /// Plain textarea without overlay.
    #[prop_or_default]
    pub plain: bool,
    /// A pending "go to": UTF-16 start, end, and a sequence number that makes repeats count.
    #[prop_or_default]
    pub select: Option<(u32, u32, u64)>,
    /// One sentence on what the document is.
    #[prop_or_default]
    pub hint: AttrValue,
    /// Short status next to the name.
    #[prop_or_default]
    pub status: Html,
    /// Buttons next to the name.
    #[prop_or_default]
    pub actions: Html,
    /// Every edit, with the whole new text.
    pub oninput: Callback<String>,
}

fn testid(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Workspace => "workspace-editor",
        DocKind::Requirements => "requirements-editor",
        DocKind::Rules => "rules-editor",
    }
}

fn language(kind: DocKind) -> Language {
    if kind == DocKind::Rules { Language::Starlark } else { Language::Toml }
}

/// Byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    out.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
    out
}

/// Byte offset of UTF-16 offset `units` in `text`.
fn byte_of_utf16(text: &str, units: u32) -> usize {
    let mut count = 0u32;
    for (i, c) in text.char_indices() {
        if count >= units {
            return i;
        }
        count += u32::try_from(c.len_utf16()).unwrap_or(1);
    }
    text.len()
}

/// The editor with its gutter, overlay, status line and problem list.
#[function_component]
pub fn CodeEditor(props: &EditorProps) -> Html {
    let actions = use_actions();
    let area = use_node_ref();
    let gutter = use_node_ref();
    let overlay = use_node_ref();
    let window = use_state_eq(|| (0usize, 2 * MARGIN_LINES));
    let caret = use_state_eq(|| None::<(usize, usize, Option<usize>)>);
    let char_width = use_mut_ref(|| None::<f64>);
    let hovered = use_mut_ref(|| None::<usize>);

    let value = props.value.clone();
    let starts: Rc<Vec<usize>> = use_memo(value.clone(), |v| line_starts(v));
    let highlight = !props.plain && value.len() <= HIGHLIGHT_LIMIT;
    let toks: Rc<Vec<Token>> =
        use_memo(
            (value.clone(), props.kind, highlight),
            |(v, kind, on)| {
                if *on { tokens(v, language(*kind)) } else { Vec::new() }
            },
        );

    {
        // Apply a "go to" once the textarea exists (a jump may have just opened this tab).
        let select = props.select;
        use_effect_with(select, move |select| {
            if let Some((start, end, _)) = *select {
                browser::focus_span(INPUT_ID, start, end);
            }
        });
    }

    let oninput = {
        let callback = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            callback.emit(area.value());
        })
    };
    // The gutter and the overlay have no scrollbars of their own; they follow the textarea.
    let onscroll = {
        let (gutter, overlay, window, lines) = (gutter.clone(), overlay.clone(), window.clone(), starts.len());
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let (top, left) = (area.scroll_top(), area.scroll_left());
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(top);
            }
            if let Some(o) = overlay.cast::<web_sys::Element>() {
                o.set_scroll_top(top);
                o.set_scroll_left(left);
            }
            let visible = usize::try_from(area.client_height() / 20 + 1).unwrap_or(40);
            let first = usize::try_from(top / 20).unwrap_or(0);
            let (from, to) = *window;
            // Re-render the overlay only when the view nears the edge of what is drawn.
            if first < from + MARGIN_LINES / 4 && from > 0 || first + visible + MARGIN_LINES / 4 > to && to < lines {
                window.set((first.saturating_sub(MARGIN_LINES), (first + visible + MARGIN_LINES).min(lines)));
            }
        })
    };
    let track_caret = {
        let (caret, value, starts, problems) = (caret.clone(), value.clone(), starts.clone(), props.problems.clone());
        move |area: &HtmlTextAreaElement| {
            let units = area.selection_start().ok().flatten().unwrap_or(0);
            let byte = byte_of_utf16(&value, units);
            let line = starts.partition_point(|&s| s <= byte).max(1);
            let line_start = starts.get(line - 1).copied().unwrap_or(0);
            let column = value.get(line_start..byte).map_or(1, |s| s.chars().count() + 1);
            let at = problems.iter().position(|p| {
                p.location
                    .as_ref()
                    .is_some_and(|l| l.caret_start <= units && units <= l.caret_end.max(l.caret_start + 1))
            });
            caret.set(Some((line, column, at)));
        }
    };
    let onkeyup = {
        let track = track_caret.clone();
        Callback::from(move |e: KeyboardEvent| track(&e.target_unchecked_into()))
    };
    let onclick = {
        let track = track_caret.clone();
        Callback::from(move |e: MouseEvent| track(&e.target_unchecked_into()))
    };
    let onfocus = {
        let track = track_caret;
        Callback::from(move |e: FocusEvent| track(&e.target_unchecked_into()))
    };
    // Hovering an underlined span shows its message as the textarea's tooltip.
    let onmousemove = {
        let (value, starts, problems, char_width, hovered) =
            (value.clone(), starts.clone(), props.problems.clone(), char_width.clone(), hovered.clone());
        Callback::from(move |e: MouseEvent| {
            if problems.is_empty() {
                return;
            }
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let width = *char_width.borrow();
            let Some(width) = width.or_else(|| browser::char_width(MEASURE_ID)) else { return };
            *char_width.borrow_mut() = Some(width);
            let rect = area.get_bounding_client_rect();
            let x = f64::from(e.client_x()) - rect.left() - PAD_LEFT_PX + f64::from(area.scroll_left());
            let y = f64::from(e.client_y()) - rect.top() - PAD_TOP_PX + f64::from(area.scroll_top());
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped, small, non-negative")]
            let (line, column) = ((y / LINE_PX).max(0.0) as usize, (x / width).max(0.0) as usize);
            let found = starts.get(line).and_then(|&start| {
                let end = starts.get(line + 1).map_or(value.len(), |e| e.saturating_sub(1));
                let text = value.get(start..end)?;
                let byte = start + text.char_indices().nth(column).map(|(i, _)| i)?;
                problems
                    .iter()
                    .position(|p| p.location.as_ref().is_some_and(|l| l.start <= byte && byte < l.end.max(l.start + 1)))
            });
            if *hovered.borrow() != found {
                *hovered.borrow_mut() = found;
                let title = found
                    .and_then(|i| problems.get(i))
                    .map_or_else(String::new, |p| [p.severity.as_str(), ": ", p.message.as_str()].concat());
                area.set_title(&title);
            }
        })
    };

    let kind_class = match props.kind {
        DocKind::Workspace => "kind-workspace",
        DocKind::Requirements => "kind-requirements",
        DocKind::Rules => "kind-rules",
    };
    let has_errors = props.problems.iter().any(|p| p.severity == policy_engine::Severity::Error);
    let label_id = "code-input-label";
    let describedby =
        if props.problems.is_empty() { "code-hint code-status" } else { "code-hint code-status code-problems" };
    let status_line = match *caret {
        Some((line, column, problem)) => {
            let position = ["Ln ", &line.to_string(), ", Col ", &column.to_string()].concat();
            match problem.and_then(|i| props.problems.get(i)) {
                Some(p) => html! {
                    <>
                        <span class="caret-pos">{ position }</span>
                        <span class={classes!("caret-problem", p.severity.as_str())}>
                            <span class={classes!("severity", p.severity.as_str())}>{ p.severity.as_str() }</span>
                            { rich_text(&p.message) }
                        </span>
                    </>
                },
                None => html! { <span class="caret-pos">{ position }</span> },
            }
        }
        None => html! { <span class="caret-pos">{ "Ln 1, Col 1" }</span> },
    };

    html! {
        <div class={classes!("editor-panel", kind_class)}>
            <div class="editor-head">
                <label id={label_id} for={INPUT_ID} class="file-name">{ props.doc.clone() }</label>
                { props.status.clone() }
                <span class="spacer"></span>
                { props.actions.clone() }
            </div>
            if props.hint.is_empty() {
                <p class="sr-only" id="code-hint">{ "Edit the text; problems are listed below the editor." }</p>
            } else {
                <p class="panel-hint" id="code-hint">{ props.hint.clone() }</p>
            }
            <div class={classes!("editor", has_errors.then_some("has-problems"), (!highlight).then_some("plain"))}>
                <Gutter lines={starts.len()} problems={props.problems.clone()} node={gutter} />
                <div class="code-area">
                    if highlight {
                        <pre class="highlight" aria-hidden="true" ref={overlay}>
                            <Overlay
                                value={value.clone()}
                                starts={starts.clone()}
                                tokens={toks.clone()}
                                problems={props.problems.clone()}
                                decided={props.decided}
                                window={*window}
                            />
                        </pre>
                        <span class="measure" id={MEASURE_ID} aria-hidden="true">{ "0000000000" }</span>
                    }
                    <textarea
                        id={INPUT_ID}
                        class="code"
                        ref={area}
                        data-testid={testid(props.kind)}
                        value={value.clone()}
                        wrap="off"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-invalid={if has_errors { "true" } else { "false" }}
                        aria-describedby={describedby}
                        {oninput}
                        {onscroll}
                        {onkeyup}
                        {onclick}
                        {onfocus}
                        {onmousemove}
                    />
                </div>
            </div>
            <p class="caret-status" id="code-status" data-testid="caret-status">{ status_line }</p>
            if !props.problems.is_empty() {
                <ul class="inline-problems" id="code-problems" data-testid="editor-problems">
                    { for props.problems.iter().take(50).map(|p| html! {
                        <li class={classes!("inline-problem", p.severity.as_str())}>
                            if let Some(location) = &p.location {
                                { jump_link(location, &actions.jump) }
                            }
                            <span class="inline-message">{ rich_text(&p.message) }</span>
                            if let Some(fix) = p.fix.clone() {
                                { fix_button(fix, &actions) }
                            }
                        </li>
                    }) }
                    if props.problems.len() > 50 {
                        <li class="inline-problem more">{ ["… and ", &(props.problems.len() - 50).to_string(), " more in Lint"].concat() }</li>
                    }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    lines: usize,
    problems: Rc<Vec<Problem>>,
    node: NodeRef,
}

/// Line numbers as a few text runs, with the lines that have problems as marked spans (titled
/// with their messages): cheap even for a very long paste.
#[function_component]
fn Gutter(props: &GutterProps) -> Html {
    let mut marks: Vec<(usize, &Problem)> =
        props.problems.iter().filter_map(|p| p.location.as_ref().map(|l| (l.line, p))).collect();
    marks.sort_by_key(|(line, p)| (*line, std::cmp::Reverse(p.severity)));
    let mut nodes: Vec<Html> = Vec::with_capacity(marks.len() * 2 + 1);
    let mut run = String::new();
    let mut marks = marks.into_iter().peekable();
    for n in 1..=props.lines {
        if n > 1 {
            run.push('\n');
        }
        let mut here: Vec<&Problem> = Vec::new();
        while let Some((_, p)) = marks.next_if(|(line, _)| *line == n) {
            here.push(p);
        }
        if let Some(first) = here.first() {
            nodes.push(Html::from(std::mem::take(&mut run)));
            let title: Vec<String> =
                here.iter().map(|p| [p.severity.as_str(), ": ", p.message.as_str()].concat()).collect();
            nodes.push(html! {
                <span class={classes!("mark", first.severity.as_str())} title={title.join("\n")}>{ n }</span>
            });
        } else {
            run.push_str(&n.to_string());
        }
    }
    nodes.push(Html::from(run));
    html! { <pre class="gutter" aria-hidden="true" ref={props.node.clone()}>{ for nodes }</pre> }
}

#[derive(Properties)]
struct OverlayProps {
    value: AttrValue,
    starts: Rc<Vec<usize>>,
    tokens: Rc<Vec<Token>>,
    problems: Rc<Vec<Problem>>,
    decided: Option<(usize, usize)>,
    window: (usize, usize),
}

impl PartialEq for OverlayProps {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
            && Rc::ptr_eq(&self.tokens, &other.tokens)
            && self.problems == other.problems
            && self.decided == other.decided
            && self.window == other.window
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// One highlighted line: its text and `(start, end, classes)` pieces relative to it.
#[derive(Properties, PartialEq)]
struct LineProps {
    text: AttrValue,
    pieces: Vec<(usize, usize, Classes)>,
}

/// A line of the overlay is a block of its own, so an edit re-lays out that line only, and an
/// unchanged line is not even re-rendered.
#[function_component]
fn Line(props: &LineProps) -> Html {
    let text = props.text.as_str();
    html! {
        <div class="ln">
            { for props.pieces.iter().map(|(a, b, class)| {
                let piece = text.get(*a..*b).unwrap_or("").to_owned();
                if class.is_empty() { Html::from(piece) } else { html! { <span class={class.clone()}>{ piece }</span> } }
            }) }
        </div>
    }
}

/// The highlighted copy of the lines in view, with blank lines standing in for the rest so it
/// scrolls exactly like the textarea.
#[function_component]
fn Overlay(props: &OverlayProps) -> Html {
    let text = props.value.as_str();
    let lines = props.starts.len();
    let (first, last) = (props.window.0.min(lines), props.window.1.clamp(props.window.0.min(lines), lines));

    // Decorations: problems (widened to one character when empty) and the deciding rule.
    let mut decos: Vec<(usize, usize, &'static str)> = Vec::new();
    for p in props.problems.iter() {
        let Some(l) = &p.location else { continue };
        let (mut start, mut end) = (floor_boundary(text, l.start), floor_boundary(text, l.end));
        if start == end {
            end = ceil_boundary(text, start + 1);
            if text.get(start..end).is_none_or(|s| s == "\n") && start > 0 {
                start = floor_boundary(text, start - 1);
                end = ceil_boundary(text, start + 1);
            }
        }
        let class = match p.severity {
            policy_engine::Severity::Error => "d-error",
            policy_engine::Severity::Warning => "d-warning",
            policy_engine::Severity::Info => "d-info",
        };
        decos.push((start, end, class));
    }
    if let Some((start, end)) = props.decided {
        decos.push((floor_boundary(text, start), floor_boundary(text, end), "d-rule"));
    }

    let mut rows: Vec<Html> = Vec::with_capacity(last - first + 2);
    if first > 0 {
        let above = "\n".repeat(first);
        rows.push(html! { <div class="pad" key="above">{ above }</div> });
    }
    let mut next_token = props.tokens.partition_point(|t| t.end <= props.starts.get(first).copied().unwrap_or(0));
    for n in first..last {
        let from = props.starts.get(n).copied().unwrap_or(text.len());
        let to = props.starts.get(n + 1).map_or(text.len(), |s| s.saturating_sub(1));
        let line = text.get(from..to).unwrap_or("");
        let mut cuts: Vec<usize> = vec![from, to];
        let mut k = next_token;
        while let Some(t) = props.tokens.get(k).filter(|t| t.start < to) {
            cuts.push(t.start.clamp(from, to));
            cuts.push(t.end.clamp(from, to));
            k += 1;
        }
        for (s, e, _) in &decos {
            if *e > from && *s < to {
                cuts.push((*s).clamp(from, to));
                cuts.push((*e).clamp(from, to));
            }
        }
        for c in &mut cuts {
            *c = floor_boundary(text, *c);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = Vec::with_capacity(cuts.len());
        for pair in cuts.windows(2) {
            let &[a, b] = pair else { continue };
            while props.tokens.get(next_token).is_some_and(|t| t.end <= a) {
                next_token += 1;
            }
            let mut class = Classes::new();
            if let Some(t) = props.tokens.get(next_token).filter(|t| t.start <= a) {
                class.push(t.kind.class());
            }
            for (_, _, c) in decos.iter().filter(|(s, e, _)| *s <= a && a < *e) {
                class.push(*c);
            }
            pieces.push((a - from, b - from, class));
        }
        // Tokens spanning several lines (multi-line strings) continue on the next line.
        while props.tokens.get(next_token).is_some_and(|t| t.end <= to) {
            next_token += 1;
        }
        rows.push(html! { <Line key={n} text={AttrValue::from(line.to_owned())} {pieces} /> });
    }
    if last < lines {
        let below = "\n".repeat(lines - last);
        rows.push(html! { <div class="pad" key="below">{ below }</div> });
    }
    // Room below, so the overlay scrolls as far as the textarea.
    rows.push(html! { <div class="pad" key="end">{ "\n\n" }</div> });
    html! { <>{ for rows }</> }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::eval::{Field, Location};
    use policy_engine::Severity;

    fn render(props: EditorProps) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, yew::LocalServerRenderer::<CodeEditor>::with_props(props).hydratable(false).render())
    }

    fn problem(text: &str, start: usize, end: usize, severity: Severity) -> Problem {
        Problem {
            severity,
            code: "test/code",
            message: "bad <b>thing</b>".to_owned(),
            help: None,
            field: Field::Doc,
            source: "a.toml".to_owned(),
            location: Some(Location {
                doc: "a.toml".into(),
                line: 1,
                column: start + 1,
                start,
                end,
                caret_start: crate::eval::utf16_offset(text, start),
                caret_end: crate::eval::utf16_offset(text, end),
            }),
            lint: false,
            fix: None,
        }
    }

    fn props(text: &'static str, problems: Vec<Problem>, plain: bool) -> EditorProps {
        EditorProps {
            doc: "a.toml".into(),
            kind: DocKind::Requirements,
            value: text.into(),
            problems: Rc::new(problems),
            decided: None,
            plain,
            select: None,
            hint: AttrValue::default(),
            status: Html::default(),
            actions: Html::default(),
            oninput: Callback::noop(),
        }
    }

    #[test]
    fn the_overlay_colours_tokens_and_underlines_problems_at_their_span() {
        let text = "# c\nkey = \"value\"\n";
        let html = render(props(text, vec![problem(text, 10, 17, Severity::Error)], false));
        assert!(html.contains(r#"<span class="tk-c"># c</span>"#), "{html}");
        assert!(html.contains(r#"<span class="tk-k">key</span>"#), "{html}");
        assert!(html.contains(r#"<span class="tk-s d-error">"value"</span>"#), "{html}");
        assert!(html.contains(r#"data-testid="requirements-editor""#));
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains("bad &lt;b&gt;thing&lt;/b&gt;"), "messages are text: {html}");
        assert!(
            html.contains(r#"<span title="error: bad &lt;b&gt;thing&lt;/b&gt;" class="mark error">1</span>"#),
            "{html}"
        );
    }

    #[test]
    fn an_empty_span_is_widened_to_one_character_and_plain_mode_has_no_overlay() {
        let text = "a = 1\n";
        let html = render(props(text, vec![problem(text, 5, 5, Severity::Warning)], false));
        assert!(html.contains(r#"<span class="tk-n d-warning">1</span>"#), "{html}");
        let plain = render(props(text, vec![], true));
        assert!(!plain.contains("class=\"highlight\""), "{plain}");
        assert!(plain.contains("class=\"editor plain\""), "{plain}");
    }
}

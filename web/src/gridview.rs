//! The users (or groups) × commands grid: every cell an outcome with colour and words, a click
//! opens that cell's trace. Its command list is also what the diff compares.

use std::rc::Rc;

use policy_engine::analysis::diff::NO_GROUP;
use policy_engine::analysis::grid::GridRow;
use yew::prelude::*;

use crate::eval::GridView;
use crate::project::{Edit, GridRows, Person};
use wasm_bindgen::JsCast;

use crate::ui::{outcome_short, outcome_tone, plural, use_actions};

/// Cells drawn before the rest of the rows wait behind "draw all rows": every cell is evaluated
/// (the engine is quick), but tens of thousands of table cells make any page sluggish.
const MAX_CELLS: usize = 2500;
/// Rows always drawn, however many commands there are.
const MIN_ROWS: usize = 10;

/// Properties of [`GridPanel`].
#[derive(Properties, PartialEq)]
pub struct GridProps {
    /// Users or groups.
    pub rows: GridRows,
    /// The command list as typed.
    pub commands: AttrValue,
    /// The evaluated grid (`None` while the workspace does not parse).
    pub grid: Option<Rc<GridView>>,
    /// Copies the grid as Markdown.
    pub on_copy: Callback<String>,
}

/// The grid panel.
#[function_component]
pub fn GridPanel(props: &GridProps) -> Html {
    let actions = use_actions();
    let show_all = use_state_eq(|| false);
    let rows_mode = |mode: GridRows| {
        let edit = actions.edit.clone();
        Callback::from(move |_: Event| edit.emit(Edit::GridRows(mode)))
    };
    let on_commands = {
        let edit = actions.edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            edit.emit(Edit::GridCommands(area.value().into()));
        })
    };
    let table = match &props.grid {
        None => html! { <p class="empty">{ "The workspace file has errors; the grid appears once it parses." }</p> },
        Some(view) if view.grid.commands.is_empty() => {
            html! { <p class="empty">{ "Add commands above, one per line." }</p> }
        }
        Some(view) => {
            let g = &view.grid;
            let copy = {
                let (cb, view) = (props.on_copy.clone(), Rc::clone(view));
                Callback::from(move |_: MouseEvent| cb.emit(view.grid.to_markdown()))
            };
            let csv = {
                let view = Rc::clone(view);
                Callback::from(move |_: MouseEvent| {
                    crate::browser::download("codex-policy-grid.csv", &view.grid.to_csv());
                })
            };
            // One handler for the whole table: a cell says which row and column it is.
            let on_pick = {
                let (pick, view) = (actions.pick.clone(), Rc::clone(view));
                Callback::from(move |e: MouseEvent| {
                    let Some(cell) = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|t| t.closest("button[data-row]").ok().flatten())
                    else {
                        return;
                    };
                    let index = |name: &str| cell.get_attribute(name).and_then(|v| v.parse::<usize>().ok());
                    let (Some(r), Some(c)) = (index("data-row"), index("data-col")) else { return };
                    let (Some(row), Some(argv)) = (view.grid.rows.get(r), view.grid.commands.get(c)) else { return };
                    let person = match row {
                        GridRow::User(u) if u == NO_GROUP => Person::Groups(Vec::new()),
                        GridRow::User(u) => Person::User(u.clone()),
                        GridRow::Groups(gs) => Person::Groups(gs.clone()),
                    };
                    pick.emit((person, argv.clone()));
                })
            };
            let columns = g.commands.len().max(1);
            let limit = if *show_all { g.rows.len() } else { g.rows.len().min((MAX_CELLS / columns).max(MIN_ROWS)) };
            let hidden = g.rows.len() - limit;
            let more = {
                let show_all = show_all.clone();
                Callback::from(move |_: MouseEvent| show_all.set(true))
            };
            html! {
                <>
                    <div class="table-scroll grid-scroll">
                        <table class="grid-table" data-testid="grid" onclick={on_pick}>
                            <caption class="sr-only">{ "Outcome for each person and command; activate a cell to see its trace." }</caption>
                            <thead>
                                <tr>
                                    <th scope="col" class="corner">{ if props.rows == GridRows::Users { "User" } else { "Group" } }</th>
                                    { for view.lines.iter().map(|c| html! { <th scope="col"><code>{ c.clone() }</code></th> }) }
                                </tr>
                            </thead>
                            <tbody>
                                { for g.rows.iter().zip(&g.cells).take(limit).enumerate().map(|(r, (row, cells))| {
                                    let label = row.label();
                                    html! {
                                        <tr>
                                            <th scope="row">{ label.clone() }</th>
                                            { for cells.iter().zip(&view.lines).enumerate().map(|(c, (cell, line))| {
                                                let title = [label.as_str(), " · ", line, ": ", cell.outcome.sentence(),
                                                    cell.reason.as_deref().map_or("", |_| " — "), cell.reason.as_deref().unwrap_or("")].concat();
                                                html! {
                                                    <td>
                                                        <button type="button" class={classes!("cell", outcome_tone(cell.outcome))}
                                                            data-testid="grid-cell" data-outcome={cell.outcome.as_str()}
                                                            data-row={r.to_string()} data-col={c.to_string()} {title}>
                                                            <span class="cell-outcome">{ outcome_short(cell.outcome) }</span>
                                                            <span class="cell-policy">{ cell.policy.clone().unwrap_or_else(|| "no policy".to_owned()) }</span>
                                                        </button>
                                                    </td>
                                                }
                                            }) }
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if hidden > 0 {
                        <p class="notice" data-testid="grid-more">
                            { [plural(hidden, "more row is", "more rows are").as_str(), " evaluated but not drawn, to keep the page quick. Copy or download the whole grid, or "].concat() }
                            <button type="button" class="link-button" onclick={more}>{ "draw all rows" }</button>
                        </p>
                    }
                    <div class="toolbar">
                        <span class="hint">{ [plural(g.rows.len() * g.commands.len(), "cell", "cells").as_str(), " evaluated"].concat() }</span>
                        <span class="spacer"></span>
                        <button type="button" class="button small" data-testid="grid-copy" onclick={copy}>{ "Copy as Markdown" }</button>
                        <button type="button" class="button small" onclick={csv}>{ "Download CSV" }</button>
                    </div>
                </>
            }
        }
    };
    let bad = props.grid.as_ref().map(|g| g.bad_lines.clone()).unwrap_or_default();
    html! {
        <div class="grid-panel">
            <div class="grid-controls">
                <div class="field grow">
                    <label for="grid-commands" class="field-label">{ "Commands, one per line" }</label>
                    <textarea id="grid-commands" class="small-area code-font" rows="4" spellcheck="false" data-testid="grid-commands"
                        value={props.commands.clone()} oninput={on_commands} />
                </div>
                <fieldset class="field">
                    <legend class="field-label">{ "Rows" }</legend>
                    <div class="segmented small">
                        <input type="radio" name="grid-rows" id="grid-users" checked={props.rows == GridRows::Users} onchange={rows_mode(GridRows::Users)} />
                        <label for="grid-users">{ "Users" }</label>
                        <input type="radio" name="grid-rows" id="grid-groups" data-testid="grid-by-groups"
                            checked={props.rows == GridRows::Groups} onchange={rows_mode(GridRows::Groups)} />
                        <label for="grid-groups">{ "Groups" }</label>
                    </div>
                </fieldset>
            </div>
            <div class="grid-problems">
                { for bad.iter().map(|(n, line)| html! {
                    <p class="inline-problem error">{ ["line ", &n.to_string(), ": cannot split `", line, "` (unbalanced quotes)"].concat() }</p>
                }) }
            </div>
            { table }
            <ul class="legend" aria-label="Legend">
                { for policy_engine::explain::Outcome::ALL.iter().map(|o| html! {
                    <li><span class={classes!("swatch", outcome_tone(*o))} aria-hidden="true"></span>{ [outcome_short(*o), ": ", o.sentence()].concat() }</li>
                }) }
            </ul>
        </div>
    }
}

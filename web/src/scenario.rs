//! The scenario: who (a user by email, picked or typed, or ticked groups), the command (a
//! command line or one argument per line), and optionally the user's own config values, the
//! host name and an escalation request.

use std::rc::Rc;

use policy_engine::explain::ExplainOptions;
use policy_engine::heuristics::HeuristicsVersion;
use policy_engine::requirements::MergeMode;
use yew::prelude::*;

use crate::eval::{Field, FormModel, Problem};
use crate::project::{Edit, ScenarioInput, WhoMode};
use crate::ui::{rich_text, use_actions};

/// DOM id of the command input (skip link, Ctrl+Enter focus).
pub const COMMAND_ID: &str = "command-input";

/// Properties of [`ScenarioPanel`].
#[derive(Properties, PartialEq)]
pub struct ScenarioProps {
    /// The scenario as edited.
    pub scenario: ScenarioInput,
    /// The workspace's users, groups (for pickers); `None` when it does not parse.
    pub model: Option<Rc<FormModel>>,
    /// The argv the command splits into.
    pub argv: Rc<Vec<String>>,
    /// Problems of the command and config fields.
    pub problems: Rc<Vec<Problem>>,
    /// A one-line summary of who the user is (groups, roles).
    pub identity: Html,
}

const CHOICES: [(&str, &[&str]); 4] = [
    ("approval_policy", &["untrusted", "on-failure", "on-request", "never"]),
    ("sandbox_mode", &["read-only", "workspace-write", "danger-full-access"]),
    ("web_search", &["disabled", "cached", "live"]),
    ("approvals_reviewer", &["user", "auto_review"]),
];

fn value_of(e: &InputEvent) -> AttrValue {
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    input.value().into()
}

fn area_value(e: &InputEvent) -> AttrValue {
    let input: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
    input.value().into()
}

/// The scenario panel.
#[function_component]
pub fn ScenarioPanel(props: &ScenarioProps) -> Html {
    let actions = use_actions();
    let edit = actions.edit.clone();
    let s = &props.scenario;
    let emit = |f: fn(AttrValue) -> Edit, read: fn(&InputEvent) -> AttrValue| {
        let edit = edit.clone();
        Callback::from(move |e: InputEvent| edit.emit(f(read(&e))))
    };
    let mode = |m: WhoMode| {
        let edit = edit.clone();
        Callback::from(move |_: Event| edit.emit(Edit::Mode(m)))
    };
    let users: Vec<String> = props.model.as_ref().map(|m| m.users.clone()).unwrap_or_default();
    let groups: Vec<String> =
        props.model.as_ref().map(|m| m.groups.iter().map(|g| g.0.clone()).collect()).unwrap_or_default();
    let command_problems: Vec<&Problem> = props.problems.iter().filter(|p| p.field == Field::Command).collect();
    let config_problems: Vec<&Problem> = props.problems.iter().filter(|p| p.field == Field::Config).collect();
    let config_set = !s.config.is_empty() || !s.host.is_empty() || s.escalate || s.codex != ExplainOptions::default();

    let user_chip = |user: &String| {
        let (edit, u) = (edit.clone(), user.clone());
        let current = s.mode == WhoMode::User && s.user == user.as_str();
        html! {
            <li>
                <button type="button" class={classes!("chip-button", current.then_some("current"))}
                    aria-pressed={if current { "true" } else { "false" }}
                    onclick={Callback::from(move |_: MouseEvent| edit.emit(Edit::User(u.clone().into())))}>
                    { user.clone() }
                </button>
            </li>
        }
    };
    let group_box = |group: &String| {
        let on = s.groups.iter().any(|g| g == group.as_str());
        let (edit, g) = (edit.clone(), group.clone());
        html! {
            <label class="check">
                <input type="checkbox" checked={on} data-testid="scenario-group"
                    onchange={Callback::from(move |_: Event| edit.emit(Edit::Group(g.clone().into(), !on)))} />
                { group.clone() }
            </label>
        }
    };
    let on_argv_mode = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            edit.emit(Edit::ArgvMode(input.checked()));
        })
    };
    let on_escalate = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            edit.emit(Edit::Escalate(input.checked()));
        })
    };
    let picker = |(key, values): &(&'static str, &'static [&'static str])| {
        let key = *key;
        let current = s.config.get(key).clone();
        let edit = edit.clone();
        let onchange = Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            edit.emit(Edit::Config(key, select.value().into()));
        });
        let id = ["config-", key].concat();
        html! {
            <div class="field">
                <label for={id.clone()}><code>{ key }</code></label>
                <select id={id} data-testid={["config-", key].concat()} {onchange}>
                    <option value="" selected={current.is_empty()}>{ "not set" }</option>
                    { for values.iter().map(|v| html! { <option value={*v} selected={current == *v}>{ *v }</option> }) }
                </select>
            </div>
        }
    };

    let codex = s.codex;
    let on_merge = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let merge_mode = MergeMode::parse(&select.value()).unwrap_or_default();
            edit.emit(Edit::Codex(ExplainOptions { merge_mode, ..codex }));
        })
    };
    let on_heuristics = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let heuristics = HeuristicsVersion::parse(&select.value()).unwrap_or_default();
            edit.emit(Edit::Codex(ExplainOptions { heuristics, ..codex }));
        })
    };
    let v2 = codex.merge_mode == MergeMode::DeepMerge;
    let newest = codex.heuristics == HeuristicsVersion::Newest;

    html! {
        <section class="panel scenario" aria-labelledby="scenario-title">
            <div class="panel-head">
                <h2 id="scenario-title" class="panel-title">{ "Scenario" }</h2>
                <span class="hint"><kbd>{ "Ctrl" }</kbd>{ "+" }<kbd>{ "Enter" }</kbd>{ " re-checks now" }</span>
            </div>

            <fieldset class="who">
                <legend class="field-label">{ "Who" }</legend>
                <div class="segmented small" role="radiogroup" aria-label="Simulate by">
                    <input type="radio" name="who-mode" id="who-user" checked={s.mode == WhoMode::User} onchange={mode(WhoMode::User)} />
                    <label for="who-user">{ "User" }</label>
                    <input type="radio" name="who-mode" id="who-groups" data-testid="who-groups"
                        checked={s.mode == WhoMode::Groups} onchange={mode(WhoMode::Groups)} />
                    <label for="who-groups">{ "Groups" }</label>
                </div>
                // Each mode's controls sit in a container of their own: Yew matches unkeyed
                // siblings from the end, so a list growing among them would replace the input
                // (and lose its focus).
                <div class="who-body">
                    if s.mode == WhoMode::User {
                        <div class="who-user">
                            <label class="sr-only" for="user-input">{ "User email" }</label>
                            <input id="user-input" class="text-input" type="text" list="user-list" data-testid="scenario-user"
                                placeholder="someone@example.com" value={s.user.clone()} autocomplete="off" spellcheck="false"
                                oninput={emit(Edit::User, value_of)} />
                            <datalist id="user-list">
                                { for users.iter().map(|u| html! { <option value={u.clone()} /> }) }
                            </datalist>
                            if !users.is_empty() && users.len() <= 16 {
                                <ul class="chips" aria-label="Users of this workspace">{ for users.iter().map(user_chip) }</ul>
                            }
                        </div>
                    } else {
                        <div class="checks group-checks" data-testid="scenario-groups">
                            if groups.is_empty() {
                                <span class="muted">{ "This workspace has no groups." }</span>
                            }
                            { for groups.iter().map(group_box) }
                        </div>
                    }
                </div>
                <p class="identity" data-testid="identity">{ props.identity.clone() }</p>
            </fieldset>

            <div class="command-head">
                <label class="field-label" for={COMMAND_ID}>
                    if s.argv_mode { { "Command: one argument per line" } } else { { "Command line, split like a POSIX shell" } }
                </label>
                <label class="check small">
                    <input type="checkbox" checked={s.argv_mode} onchange={on_argv_mode} data-testid="argv-mode" />
                    { "argv lines" }
                </label>
            </div>
            <div class={classes!("command-field", (!command_problems.is_empty()).then_some("has-problems"))}>
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                if s.argv_mode {
                    <textarea id={COMMAND_ID} class="argv-input" data-testid="scenario-command" rows="4"
                        value={s.command.clone()} spellcheck="false" autocomplete="off" autocapitalize="off"
                        aria-describedby="argv-title command-problems" oninput={emit(Edit::Command, area_value)} />
                } else {
                    <input type="text" id={COMMAND_ID} data-testid="scenario-command" value={s.command.clone()}
                        spellcheck="false" autocomplete="off" autocapitalize="off"
                        aria-invalid={if command_problems.is_empty() { "false" } else { "true" }}
                        aria-describedby="argv-title command-problems" oninput={emit(Edit::Command, value_of)} />
                }
            </div>
            <div class="argv-line">
                <span class="argv-title" id="argv-title">{ "argv" }</span>
                if props.argv.is_empty() {
                    <span class="muted">{ "empty" }</span>
                } else {
                    <ol class="tokens" data-testid="argv" aria-labelledby="argv-title">
                        { for props.argv.iter().map(|t| html! { <li><code class="token">{ t.clone() }</code></li> }) }
                    </ol>
                }
            </div>
            <div class="command-problems" id="command-problems">
                { for command_problems.iter().map(|p| html! {
                    <p class="inline-problem error" data-testid="command-problem">
                        if let Some(l) = &p.location { <span class="location static">{ ["command:", &l.line.to_string(), ":", &l.column.to_string()].concat() }</span> }
                        <span class="inline-message">{ rich_text(&p.message) }</span>
                    </p>
                }) }
            </div>

            <details class="more" open={config_set}>
                <summary>{ "Config, host and Codex version" }{ if config_set { " (set)" } else { "" } }</summary>
                <div class="config-grid">
                    { for CHOICES.iter().map(picker) }
                    <div class="field wide">
                        <label for="config-overrides">{ "More " }<code>{ "-c KEY=VALUE" }</code>{ " overrides, one per line" }</label>
                        <textarea id="config-overrides" class="small-area" rows="2" spellcheck="false" data-testid="config-overrides"
                            placeholder="features.apps=false" value={s.config.overrides.clone()} oninput={emit(Edit::Overrides, area_value)} />
                    </div>
                    <div class="field">
                        <label for="host-input">{ "Host name" }</label>
                        <input id="host-input" class="text-input" type="text" data-testid="scenario-host" placeholder="build-1.acme.example"
                            value={s.host.clone()} spellcheck="false" oninput={emit(Edit::Host, value_of)} />
                    </div>
                    <div class="field">
                        <label for="internet-input">{ "Cloud agent internet request" }</label>
                        <input id="internet-input" class="text-input" type="text" data-testid="scenario-internet" placeholder="GET https://pypi.org/simple/"
                            value={s.internet.clone()} spellcheck="false" oninput={emit(Edit::Internet, value_of)} />
                    </div>
                    <div class="field">
                        <label for="codex-merge">{ "Requirements merge" }</label>
                        <select id="codex-merge" data-testid="codex-merge" onchange={on_merge}>
                            <option value="v1" selected={!v2}>{ "v1: per field (released)" }</option>
                            <option value="v2" selected={v2}>{ "v2: layer stack (newest)" }</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="codex-heuristics">{ "Command heuristics" }</label>
                        <select id="codex-heuristics" data-testid="codex-heuristics" onchange={on_heuristics}>
                            <option value="released" selected={!newest}>{ "released" }</option>
                            <option value="newest" selected={newest}>{ "newest" }</option>
                        </select>
                    </div>
                    <label class="check field">
                        <input type="checkbox" checked={s.escalate} onchange={on_escalate} />
                        { "The call asks to run outside the sandbox" }
                    </label>
                </div>
                <div class="config-problems">
                    { for config_problems.iter().map(|p| html! {
                        <p class="inline-problem error" data-testid="config-problem"><span class="inline-message">{ rich_text(&p.message) }</span></p>
                    }) }
                </div>
            </details>
        </section>
    }
}

//! The result: the outcome in plain words first (a live region), the text the developer sees,
//! then the trace step by step (who → policy → requirements → settings → command → decision),
//! every rule linked to where it is written, and the problems. Also the Markdown copy.

use policy_engine::Severity;
use policy_engine::explain::Outcome;
use yew::prelude::*;

use crate::eval::{Assessment, CommandView, FieldRow, MatchView, Reviewer, Trace};
use crate::ui::{Shared, jump_link, line_link, outcome_tone, plural, problem_row, rich_text, use_actions};

/// Properties of [`TracePanel`].
#[derive(Properties, PartialEq)]
pub struct TraceProps {
    /// The latest evaluation.
    pub report: Shared,
    /// Copies the result as Markdown.
    pub on_copy: Callback<()>,
    /// What happened to the last copy, for the button's status.
    #[prop_or_default]
    pub copied: Option<AttrValue>,
}

const SURFACES: [&str; 4] = ["Codex local", "Codex cloud", "Codex admin", "agent internet"];

/// One line on who the user is (shown under the scenario's user field).
pub fn identity_line(trace: Option<&Trace>) -> Html {
    let Some(t) = trace else { return html! { <span class="muted">{ "—" }</span> } };
    let groups = if t.who.groups.is_empty() { "no group".to_owned() } else { t.who.groups.join(", ") };
    let roles = if t.who.roles.is_empty() { "no role".to_owned() } else { t.who.roles.join(", ") };
    html! {
        <>
            <span class="muted">{ "groups " }</span>{ groups }
            <span class="muted">{ " · roles " }</span>{ roles }
            if t.who.basis == "default" { <span class="muted">{ " (default role)" }</span> }
            if !t.who.surfaces[0] { <span class="chip bad">{ "no Codex local" }</span> }
        </>
    }
}

/// The result panel.
#[function_component]
pub fn TracePanel(props: &TraceProps) -> Html {
    let actions = use_actions();
    let report = &props.report;
    let problems: Vec<_> = report.problems.iter().filter(|p| p.severity >= Severity::Warning).collect();
    let on_copy = {
        let cb = props.on_copy.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let Some(t) = &report.trace else {
        return html! {
            <div class="result-body">
                <div class="verdict" data-state="denied" role="status" aria-live="polite" aria-atomic="true">
                    <span class="verdict-icon" aria-hidden="true"></span>
                    <div class="verdict-text">
                        <span class="verdict-label">{ "Outcome" }</span>
                        <p class="outcome" data-testid="outcome">{ "The workspace file has errors, so nothing can be simulated." }</p>
                        <p class="verdict-meta">
                            { "decision " }<strong data-testid="decision">{ "none" }</strong>
                            { " · policy " }<strong data-testid="policy-name">{ "none" }</strong>
                        </p>
                    </div>
                </div>
                <div data-testid="trace" class="trace"><p class="empty">{ "Fix the errors below (they are marked in workspace.toml)." }</p></div>
                { problems_section(&problems, &actions) }
            </div>
        };
    };
    let tone = outcome_tone(t.outcome);
    html! {
        <div class="result-body">
            <div class="verdict" data-state={tone} role="status" aria-live="polite" aria-atomic="true">
                <span class="verdict-icon" aria-hidden="true"></span>
                <div class="verdict-text">
                    <span class="verdict-label">{ "Outcome" }</span>
                    <p class="outcome" data-testid="outcome">{ t.outcome.sentence() }</p>
                    <p class="verdict-meta">
                        { "decision " }<strong data-testid="decision">{ t.decision.map_or("none", |d| d.as_str()) }</strong>
                        { " · policy " }<strong data-testid="policy-name">{ t.policy.name.clone().unwrap_or_else(|| "none".to_owned()) }</strong>
                        { " · " }<code data-testid="outcome-code">{ t.outcome.as_str() }</code>
                    </p>
                </div>
                <div class="verdict-actions">
                    <button type="button" class="button small" data-testid="copy-markdown" onclick={on_copy}>{ "Copy as Markdown" }</button>
                    if let Some(status) = &props.copied { <span class="hint" role="status">{ status.clone() }</span> }
                </div>
            </div>
            if let Some(reason) = &t.reason {
                <div class="developer-sees">
                    <span class="verdict-label">{ "What the developer sees" }</span>
                    <p class="reason" data-testid="reason">{ reason.clone() }</p>
                </div>
            }
            <ol class="trace" data-testid="trace">
                { who_step(t) }
                { policy_step(t, &actions.jump) }
                if t.outcome != Outcome::Denied {
                    { fields_step("requirements", "Effective requirements", "No layer sets a requirement: Codex's defaults apply.", &t.requirements, t, &actions.jump) }
                    { fields_step("settings", "Effective settings", "Not resolved: Codex refuses to start.", &t.settings, t, &actions.jump) }
                }
                if let Some(a) = &t.assessment {
                    { command_step(a, t, &actions.jump) }
                    { decision_step(a, t, &actions.jump) }
                }
                if let Some(i) = &t.internet { { internet_step(i) } }
            </ol>
            { problems_section(&problems, &actions) }
        </div>
    }
}

fn problems_section(problems: &[&crate::eval::Problem], actions: &crate::ui::Actions) -> Html {
    html! {
        <>
            <h3 class="section-title" id="problems-title">
                { "Problems" }
                <span class={classes!("count", problems.iter().any(|p| p.severity == Severity::Error).then_some("bad"))}>{ problems.len() }</span>
            </h3>
            <div data-testid="diagnostics" class="diagnostics">
                if problems.is_empty() {
                    <p class="empty">{ "No errors or warnings: everything loads the way Codex would load it." }</p>
                } else {
                    <table class="table" aria-labelledby="problems-title">
                        <thead><tr><th scope="col">{ "Where" }</th><th scope="col">{ "Message" }</th></tr></thead>
                        <tbody>{ for problems.iter().map(|p| problem_row(p, actions)) }</tbody>
                    </table>
                }
            </div>
        </>
    }
}

fn step(id: &str, title: &str, body: Html) -> Html {
    let heading = ["step-", id].concat();
    html! {
        <li class="step" data-step={id.to_owned()} aria-labelledby={heading.clone()}>
            <h3 class="step-title" id={heading}>{ title.to_owned() }</h3>
            <div class="step-body">{ body }</div>
        </li>
    }
}

/// The cloud agent's internet request (the scenario's `METHOD URL`), decided by the workspace's
/// `[internet]` settings and the person's `agent_internet` role.
fn internet_step(i: &policy_engine::workspace::internet::InternetDecision) -> Html {
    let verdict = if i.allowed { "allowed" } else { "blocked" };
    let body = html! {
        <p data-testid="internet-verdict">
            <span class={classes!("pill", if i.allowed { "allow" } else { "forbidden" })}>{ verdict }</span>
            { " " }{ rich_text(&i.reason) }
        </p>
    };
    step("internet", "Cloud agent internet", body)
}

fn who_step(t: &Trace) -> Html {
    let who = t.who.user.clone().unwrap_or_else(|| "a member of the ticked groups".to_owned());
    let body = html! {
        <>
            <p>
                <strong>{ who }</strong>
                { " is in " }
                if t.who.groups.is_empty() { { "no group" } } else { { t.who.groups.join(", ") } }
                { "; roles: " }
                if t.who.roles.is_empty() { { "none" } } else { { t.who.roles.join(", ") } }
                { match t.who.basis {
                    "default" => " (the workspace's default role, since no group gives a custom role)",
                    "none" => " (no custom role and no default role)",
                    _ => "",
                } }
                { "." }
            </p>
            <ul class="surfaces">
                { for SURFACES.iter().zip(t.who.surfaces).map(|(name, on)| html! {
                    <li class={if on { "on" } else { "off" }}>
                        <span aria-hidden="true">{ if on { "✓ " } else { "✕ " } }</span>{ *name }
                        <span class="sr-only">{ if on { ": allowed" } else { ": not allowed" } }</span>
                    </li>
                }) }
            </ul>
            if t.outcome == Outcome::Denied {
                <p class="step-note bad">{ "Without Codex local, sign-in fails; nothing else is evaluated." }</p>
            }
        </>
    };
    step("who", "Who", body)
}

fn policy_step(t: &Trace, jump: &Callback<crate::eval::Location>) -> Html {
    let p = &t.policy;
    let body = match (&p.name, &p.rule) {
        (Some(name), Some(rule)) => html! {
            <>
                <p>
                    { "Policy rule " }<strong>{ ["#", &rule.number.to_string()].concat() }</strong>
                    { " (group " }<strong>{ rule.group.clone() }</strong>{ ") is the first that matches, so the cloud policy is " }
                    <strong>{ name.clone() }</strong>{ "." }
                    if let Some(at) = &rule.at { { " " }{ jump_link(at, jump) } }
                </p>
                if !p.also.is_empty() {
                    <p class="step-note">
                        { "Also matched, but not applied (Codex never fills missing fields from later rules): " }
                        { for p.also.iter().map(|r| html! {
                            <span class="also">{ ["#", &r.number.to_string(), " ", &r.group, " → ", &r.policy].concat() }</span>
                        }) }
                    </p>
                }
                if let Some(at) = &p.at { <p class="sub">{ "Policy text: " }{ jump_link(at, jump) }</p> }
            </>
        },
        (Some(name), None) => html! {
            <>
                <p>{ "No policy rule matches, so the default policy applies: " }<strong>{ name.clone() }</strong>{ "." }</p>
                if let Some(at) = &p.at { <p class="sub">{ "Policy text: " }{ jump_link(at, jump) }</p> }
            </>
        },
        (None, _) => html! {
            <p>{ "No policy rule matches and there is no default policy: no cloud requirements apply, only local layers." }</p>
        },
    };
    let layers = if t.layers.is_empty() {
        Html::default()
    } else {
        html! {
            <p class="sub layers">
                { "Layers, highest first: " }
                { for t.layers.iter().enumerate().map(|(i, (label, skipped))| html! {
                    <>
                        if i > 0 { { " › " } }
                        <span class={classes!("layer", skipped.is_some().then_some("skipped"))}>
                            { label.clone() }
                            if let Some(why) = skipped { { [" (skipped: ", why, ")"].concat() } }
                        </span>
                    </>
                }) }
            </p>
        }
    };
    step("policy", "Which policy", html! { <>{ body }{ layers }</> })
}

fn fields_step(
    id: &str,
    title: &str,
    empty: &str,
    rows: &[FieldRow],
    t: &Trace,
    jump: &Callback<crate::eval::Location>,
) -> Html {
    if rows.is_empty() && t.outcome == Outcome::Error && id == "requirements" {
        return step(
            id,
            title,
            html! { <p class="step-note bad">{ "The requirements cannot be loaded: Codex refuses to start. See Problems." }</p> },
        );
    }
    let body = if rows.is_empty() {
        html! { <p class="muted">{ empty.to_owned() }</p> }
    } else {
        html! {
            <table class="table compact fields">
                <thead><tr><th scope="col">{ "Field" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Set by" }</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <>
                        <tr data-testid={[id, "-row"].concat()} class={classes!(r.warning.is_some().then_some("has-warning"))}>
                            <td data-label="Field"><code>{ r.name.clone() }</code></td>
                            <td data-label="Value"><code class="value">{ r.value.clone() }</code></td>
                            <td data-label="Set by">
                                <span class="source">
                                    { r.source.clone() }
                                    if let Some(at) = &r.at {
                                        if !r.source.contains(at.doc.as_str()) { <span class="sub-inline">{ [" · ", at.doc.as_str()].concat() }</span> }
                                    }
                                </span>
                                if let Some(at) = &r.at { { line_link(at, jump) } }
                                if !r.shadowed.is_empty() {
                                    <span class="sub">{ ["overrides ", &r.shadowed.join(", ")].concat() }</span>
                                }
                            </td>
                        </tr>
                        if let Some(w) = &r.warning {
                            <tr class="warning-row">
                                <td colspan="3" data-testid="setting-warning">
                                    <span class="severity warning">{ "Codex warns" }</span>{ w.clone() }
                                </td>
                            </tr>
                        }
                        </>
                    }) }
                </tbody>
            </table>
        }
    };
    step(id, title, body)
}

/// The argv with the first `covered` elements highlighted.
fn tokens(argv: &[String], covered: usize) -> Html {
    html! {
        <span class="tokens">
            { for argv.iter().enumerate().map(|(i, t)| html! {
                <code class={classes!("token", if i < covered { "hit" } else { "rest" })}>{ t.clone() }</code>
            }) }
        </span>
    }
}

fn reviewer_text(reviewer: Reviewer) -> &'static str {
    match reviewer {
        Reviewer::User => "reviewed by the user",
        Reviewer::AutoReview => "reviewed by the automatic reviewer",
    }
}

fn match_row(m: &MatchView, argv: &[String], jump: &Callback<crate::eval::Location>) -> Html {
    let decision = m.decision.as_str();
    html! {
        <tr data-testid="matched-rule" class={classes!(m.deciding.then_some("deciding"))}>
            <td data-label="Matched">
                { tokens(argv.get(..m.covered.min(argv.len())).unwrap_or_default(), m.covered) }
                if argv.len() > m.covered {
                    <span class="rest-count" title="Arguments after the matched prefix">{ ["+", &(argv.len() - m.covered).to_string()].concat() }</span>
                }
                if let Some(program) = &m.resolved_program {
                    <span class="sub">{ "via host executable " }<code>{ program.clone() }</code></span>
                }
            </td>
            <td data-label="Decision">
                <span class={classes!("pill", decision)}>{ decision }</span>
                if m.deciding { <span class="sub decides">{ "decides" }</span> }
                if let Some(reviewer) = m.reviewer { <span class="sub">{ reviewer_text(reviewer) }</span> }
            </td>
            <td data-label="Rule" class="justification">
                if let Some(text) = &m.justification {
                    <span class="justification-text">{ text.clone() }</span>
                } else {
                    <span class="muted">{ "No justification given." }</span>
                }
                <span class="origin" data-testid="rule-origin">
                    if let Some(at) = &m.at { { jump_link(at, jump) } }
                    <span class="muted">{ if m.admin { "admin [rules]" } else { ".rules file" } }</span>
                </span>
            </td>
        </tr>
    }
}

fn command_block(c: &CommandView, jump: &Callback<crate::eval::Location>) -> Html {
    html! {
        <div class="command-block" data-testid="split-command">
            <p class="command-argv">{ tokens(&c.argv, 0) }</p>
            if c.matches.is_empty() {
                if let Some(h) = &c.heuristic {
                    <p class="heuristic" data-testid="heuristic">
                        { "No rule matches; Codex's built-in check decides " }
                        <span class={classes!("pill", h.decision.as_str())}>{ h.decision.as_str() }</span>
                        { ": " }{ rich_text(h.describe) }{ "." }
                        <span class="sub">
                            { if h.safe.0 { "Known safe (" } else { "Not on the known-safe list (" } }<code>{ h.safe.1 }</code>{ ")" }
                            if !h.safe.2.is_empty() { { [": ", h.safe.2.as_str()].concat() } }
                            if let Some((holds, rule, detail)) = &h.dangerous {
                                { if *holds { "; dangerous (" } else { "; not dangerous (" } }<code>{ *rule }</code>{ ")" }
                                if !detail.is_empty() { { [": ", detail.as_str()].concat() } }
                            }
                        </span>
                    </p>
                } else {
                    <p class="muted">{ "No rule matches this command." }</p>
                }
            } else {
                <table class="table rules-table">
                    <thead><tr>
                        <th scope="col">{ "Matched tokens" }</th><th scope="col">{ "Decision" }</th><th scope="col">{ "Rule" }</th>
                    </tr></thead>
                    <tbody>{ for c.matches.iter().map(|m| match_row(m, &c.argv, jump)) }</tbody>
                </table>
            }
        </div>
    }
}

fn command_step(a: &Assessment, t: &Trace, jump: &Callback<crate::eval::Location>) -> Html {
    let split = if a.split_kind == "not-a-wrapper" {
        Html::default()
    } else {
        html! { <p class="split" data-testid="split">{ rich_text(&a.split_text) }</p> }
    };
    let files = if t.rules_files.1.is_empty() {
        Html::default()
    } else {
        html! { <p class="sub">{ ["Ignored (untrusted project): ", &t.rules_files.1.join(", ")].concat() }</p> }
    };
    let body = html! {
        <>
            <p><code class="command-line">{ t.command_line.clone() }</code></p>
            { split }
            if a.commands.len() > 1 { <p class="sub">{ ["Judged as ", &plural(a.commands.len(), "command", "commands"), "; the strictest decision wins."].concat() }</p> }
            { for a.commands.iter().map(|c| command_block(c, jump)) }
            { files }
        </>
    };
    step("command", "Command rules", body)
}

fn decision_step(a: &Assessment, t: &Trace, jump: &Callback<crate::eval::Location>) -> Html {
    let requirement = match a.requirement {
        "skip" if a.bypass_sandbox => {
            "runs without asking, outside the sandbox (every command has an explicit allow rule)"
        }
        "skip" => "runs without asking",
        "needs-approval" => "asks the developer first",
        _ => "refuses the command",
    };
    let body = html! {
        <>
            <p>
                { "Strictest decision: " }<span class={classes!("pill", a.decision.as_str())}>{ a.decision.as_str() }</span>
                { [" → Codex ", requirement, "."].concat() }
            </p>
            if let Some(at) = &t.decided_at {
                <p class="sub">{ "Decided by the rule at " }{ jump_link(at, jump) }</p>
            } else if let Some(label) = &a.decided_by {
                <p class="sub">{ ["Decided by ", label.as_str()].concat() }</p>
            }
            if let Some(prefix) = &a.amendment {
                <p class="amendment" data-testid="amendment">
                    if a.amendment_source == Some("heuristic-allow") {
                        { "If the command fails in the sandbox, Codex offers to run it again outside and to allow commands that start with " }
                    } else {
                        { "Codex offers “Yes, and don't ask again for commands that start with " }
                    }
                    <code>{ policy_engine::shell::render_command(prefix) }</code>
                    { if a.amendment_source == Some("heuristic-allow") { "." } else { "”." } }
                    if let Some(src) = a.amendment_source { <span class="sub">{ ["(", src, ")"].concat() }</span> }
                </p>
            }
        </>
    };
    step("decision", "Decision", body)
}

/// The result as Markdown, for a ticket or a chat.
pub fn markdown(t: &Trace) -> String {
    let cell = policy_engine::analysis::grid::markdown_cell;
    let mut out = String::new();
    let mut line = |parts: &[&str]| {
        for p in parts {
            out.push_str(p);
        }
        out.push('\n');
    };
    line(&[
        "**",
        t.outcome.sentence(),
        "** (`",
        t.outcome.as_str(),
        "`, decision `",
        t.decision.map_or("none", |d| d.as_str()),
        "`)",
    ]);
    line(&[]);
    let who = t.who.user.clone().unwrap_or_else(|| "(by groups)".to_owned());
    line(&["- User: ", &who, " — groups: ", &t.who.groups.join(", "), "; roles: ", &t.who.roles.join(", ")]);
    let via = match &t.policy.rule {
        Some(r) => ["first matching rule #", &r.number.to_string(), " (group ", &r.group, ")"].concat(),
        None if t.policy.by_default => "default policy".to_owned(),
        None => "no policy".to_owned(),
    };
    line(&["- Policy: ", t.policy.name.as_deref().unwrap_or("none"), " — ", &via]);
    line(&["- Command: `", &t.command_line.replace('`', "'"), "`"]);
    if let Some(i) = &t.internet {
        line(&["- Cloud agent internet: ", if i.allowed { "allowed" } else { "blocked" }, " — ", &i.reason]);
    }
    if let Some(a) = &t.assessment {
        line(&[]);
        line(&["| command | matched | decision | justification | where |"]);
        line(&["|---|---|---|---|---|"]);
        for c in &a.commands {
            let command = cell(&policy_engine::shell::render_command(&c.argv));
            if c.matches.is_empty() {
                let h = c.heuristic.as_ref();
                line(&[
                    "| ",
                    &command,
                    " | (no rule) | ",
                    h.map_or("", |h| h.decision.as_str()),
                    " | ",
                    &cell(h.map_or("", |h| h.describe)),
                    " | heuristics |",
                ]);
            }
            for m in &c.matches {
                let at = m.at.as_ref().map_or_else(|| m.source.clone(), crate::eval::Location::label);
                line(&[
                    "| ",
                    &command,
                    " | ",
                    &cell(&m.prefix.join(" ")),
                    " | ",
                    m.decision.as_str(),
                    if m.deciding { " (decides)" } else { "" },
                    " | ",
                    &cell(m.justification.as_deref().unwrap_or("")),
                    " | ",
                    &cell(&at),
                    " |",
                ]);
            }
        }
        if let Some(prefix) = &a.amendment {
            line(&[]);
            line(&["Codex offers to allow commands starting with `", &prefix.join(" "), "`."]);
        }
    }
    if let Some(reason) = &t.reason {
        line(&[]);
        line(&["> ", &reason.replace('\n', "\n> ")]);
    }
    out
}

//! The page: command, result, policy editors; drafts, throttled evaluation and the theme.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::browser::{self, DraftKey};
use crate::editor::{CodeEditor, jump_link};
use crate::eval::{self, Evaluator, Field, Inputs, Report};
use crate::examples::{self, EXAMPLES};
use crate::result::ResultPanel;

/// The Codex release whose behaviour the engine reproduces, shown in the header.
pub const CODEX_BEHAVIOUR: &str = "codex-rs released (core @ 0017bb4a)";

/// Evaluations are at least this far apart while someone types.
const MIN_INTERVAL_MS: f64 = 80.0;

/// The texts in the three inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafts {
    /// `requirements.toml`.
    pub requirements: AttrValue,
    /// `default.rules`.
    pub rules: AttrValue,
    /// The command line.
    pub command: AttrValue,
}

impl Drafts {
    /// The texts of an example.
    pub fn from_example(example: &examples::Example) -> Self {
        Self {
            requirements: AttrValue::Static(example.requirements),
            rules: AttrValue::Static(example.rules),
            command: AttrValue::Static(example.command),
        }
    }

    fn inputs(&self) -> Inputs {
        Inputs {
            requirements: self.requirements.to_string(),
            rules: self.rules.to_string(),
            command: self.command.to_string(),
        }
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Self::from_example(examples::default_example())
    }
}

/// The colour theme: the system's, or one the person picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The `data-theme` value, `None` for the system setting.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// Parses a stored `data-theme` value.
    pub fn parse(value: &str) -> Self {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "Auto",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

/// Properties of [`App`]: what the page starts with.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// The texts to start with (a saved draft, or the default example).
    #[prop_or_default]
    pub initial: Drafts,
    /// The saved theme.
    #[prop_or_default]
    pub theme: Theme,
    /// Whether `initial` came from a saved draft.
    #[prop_or_default]
    pub restored: bool,
}

impl AppProps {
    /// Reads the saved drafts and theme; a missing draft falls back to the default example.
    pub fn from_storage() -> Self {
        let fallback = Drafts::default();
        let requirements = browser::load(DraftKey::Requirements);
        let rules = browser::load(DraftKey::Rules);
        let command = browser::load(DraftKey::Command);
        let restored = requirements.is_some() || rules.is_some() || command.is_some();
        Self {
            initial: Drafts {
                requirements: requirements.map_or(fallback.requirements, AttrValue::from),
                rules: rules.map_or(fallback.rules, AttrValue::from),
                command: command.map_or(fallback.command, AttrValue::from),
            },
            theme: browser::load(DraftKey::Theme).map_or(Theme::System, |t| Theme::parse(&t)),
            restored,
        }
    }
}

/// A message above the editors.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    /// The page opened with the draft saved in this browser.
    Restored,
    /// An example replaced the texts; they can be put back.
    Loaded { title: &'static str, previous: Drafts },
    /// The browser did not keep the last edit.
    NotSaved,
}

/// Throttles evaluation: the first edit after a pause is evaluated on the next task (so the
/// keystroke paints first), later ones at most every `MIN_INTERVAL_MS`, or four times the last
/// evaluation's cost when that is longer, so a huge paste cannot keep the page busy.
struct Scheduler {
    evaluator: Evaluator,
    latest: Inputs,
    evaluated: Inputs,
    scheduled: bool,
    last_finished: f64,
    last_cost: f64,
}

type SharedScheduler = Rc<RefCell<Scheduler>>;

/// The report on screen and how long computing it took (unknown for the one computed on load).
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    report: Rc<Report>,
    elapsed_ms: Option<f64>,
}

fn request_evaluation(scheduler: &SharedScheduler, inputs: Inputs, report: &UseStateSetter<Shown>) {
    let wait_ms = {
        let mut s = scheduler.borrow_mut();
        s.latest = inputs;
        if s.scheduled || s.latest == s.evaluated {
            return;
        }
        s.scheduled = true;
        let interval = MIN_INTERVAL_MS.max(4.0 * s.last_cost);
        (s.last_finished + interval - browser::now_ms()).clamp(0.0, interval)
    };
    let (scheduler, report) = (Rc::clone(scheduler), report.clone());
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(Duration::from_secs_f64(wait_ms / 1000.0)).await;
        evaluate_now(&scheduler, &report);
    });
}

fn evaluate_now(scheduler: &SharedScheduler, report: &UseStateSetter<Shown>) {
    let shown = {
        let mut s = scheduler.borrow_mut();
        s.scheduled = false;
        let inputs = s.latest.clone();
        let started = browser::now_ms();
        let result = s.evaluator.evaluate(&inputs);
        let finished = browser::now_ms();
        s.evaluated = inputs;
        s.last_cost = finished - started;
        s.last_finished = finished;
        Shown { report: Rc::new(result), elapsed_ms: Some(finished - started) }
    };
    report.set(shown);
}

fn save(key: DraftKey, value: &str, notice: &UseStateHandle<Option<Notice>>) {
    match browser::save(key, value) {
        Ok(()) if matches!(**notice, Some(Notice::NotSaved | Notice::Restored)) => notice.set(None),
        Ok(()) => {}
        Err(_) => notice.set(Some(Notice::NotSaved)),
    }
}

/// The playground page.
#[function_component]
pub fn App(props: &AppProps) -> Html {
    let requirements = use_state_eq(|| props.initial.requirements.clone());
    let rules = use_state_eq(|| props.initial.rules.clone());
    let command = use_state_eq(|| props.initial.command.clone());
    let scheduler = use_mut_ref(|| {
        let inputs = props.initial.inputs();
        Scheduler {
            evaluator: Evaluator::default(),
            latest: inputs.clone(),
            evaluated: inputs,
            scheduled: false,
            last_finished: 0.0,
            last_cost: 0.0,
        }
    });
    // The first result is computed while rendering, so the page never shows an empty result.
    let report = use_state(|| {
        let mut s = scheduler.borrow_mut();
        let inputs = s.latest.clone();
        Shown { report: Rc::new(s.evaluator.evaluate(&inputs)), elapsed_ms: None }
    });
    let theme = use_state_eq(|| props.theme);
    let notice = use_state_eq(|| props.restored.then_some(Notice::Restored));

    let drafts = Drafts { requirements: (*requirements).clone(), rules: (*rules).clone(), command: (*command).clone() };
    {
        let (scheduler, setter) = (scheduler.clone(), report.setter());
        use_effect_with(drafts.clone(), move |drafts| request_evaluation(&scheduler, drafts.inputs(), &setter));
    }
    use_effect_with(*theme, |theme| browser::apply_theme(theme.attribute()));

    let edit = |state: &UseStateHandle<AttrValue>, key: DraftKey| {
        let (state, notice) = (state.clone(), notice.clone());
        Callback::from(move |text: String| {
            save(key, &text, &notice);
            if matches!(*notice, Some(Notice::Loaded { .. })) {
                notice.set(None);
            }
            state.set(AttrValue::from(text));
        })
    };
    let on_requirements = edit(&requirements, DraftKey::Requirements);
    let on_rules = edit(&rules, DraftKey::Rules);
    let on_command = {
        let edit = edit(&command, DraftKey::Command);
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            edit.emit(input.value());
        })
    };

    let replace_all = {
        let (requirements, rules, command, notice) =
            (requirements.clone(), rules.clone(), command.clone(), notice.clone());
        Callback::from(move |next: Drafts| {
            save(DraftKey::Requirements, &next.requirements, &notice);
            save(DraftKey::Rules, &next.rules, &notice);
            save(DraftKey::Command, &next.command, &notice);
            requirements.set(next.requirements);
            rules.set(next.rules);
            command.set(next.command);
        })
    };
    let on_example = {
        let (replace_all, notice, drafts) = (replace_all.clone(), notice.clone(), drafts.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let Some(example) = examples::find(&select.value()) else {
                return;
            };
            select.set_value("");
            replace_all.emit(Drafts::from_example(example));
            notice.set(Some(Notice::Loaded { title: example.title, previous: drafts.clone() }));
        })
    };
    let on_undo = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(Notice::Loaded { previous, .. }) = (*notice).clone() {
                replace_all.emit(previous);
                notice.set(None);
            }
        })
    };
    let on_theme = |choice: Theme| {
        let theme = theme.clone();
        Callback::from(move |_: Event| {
            match choice.attribute() {
                Some(value) => {
                    let _ = browser::save(DraftKey::Theme, value);
                }
                None => browser::remove(DraftKey::Theme),
            }
            theme.set(choice);
        })
    };
    // Ctrl/Cmd+Enter evaluates at once, whatever the throttle is waiting for.
    let on_keydown = {
        let (scheduler, setter, drafts) = (scheduler.clone(), report.setter(), drafts.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                scheduler.borrow_mut().latest = drafts.inputs();
                evaluate_now(&scheduler, &setter);
            }
        })
    };

    let Shown { report, elapsed_ms } = (*report).clone();
    let status = |count: Option<usize>, field: Field, blank: bool| -> Html {
        if report.problems_in(field).next().is_some() {
            html! { <span class="chip bad">{ "error" }</span> }
        } else if let Some(n) = count {
            html! { <span class="chip ok">{ if n == 1 { "1 rule".to_owned() } else { format!("{n} rules") } }</span> }
        } else if blank {
            html! { <span class="chip">{ "empty" }</span> }
        } else {
            html! { <span class="chip">{ "no [rules]" }</span> }
        }
    };
    let requirements_status =
        status(report.requirements_rule_count, Field::Requirements, requirements.trim().is_empty());
    let rules_status = status(report.rules_file_rule_count, Field::Rules, rules.trim().is_empty());
    let problems_of = |field: Field| report.problems_in(field).cloned().collect::<Vec<_>>();
    let command_problems = problems_of(Field::Command);

    html! {
        <div class="app" onkeydown={on_keydown}>
            <a class="skip-link" href="#command-input">{ "Skip to the command" }</a>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                        <rect x="2" y="2" width="28" height="28" rx="8" class="logo-bg" />
                        <path d="M10 12l5 4-5 4M17 21h6" class="logo-fg" />
                    </svg>
                    <div>
                        <h1>{ "Codex policy playground" }</h1>
                        <p class="tagline">
                            { "Check a command against " }<code>{ "requirements.toml" }</code>{ " and " }
                            <code>{ ".rules" }</code>{ " the way Codex does. Everything runs in this page." }
                        </p>
                    </div>
                </div>
                <div class="topbar-actions">
                    <p class="version" data-testid="codex-version">
                        <span class="muted">{ "Follows " }</span>{ CODEX_BEHAVIOUR }
                    </p>
                    <fieldset class="segmented" data-testid="theme-toggle">
                        <legend class="sr-only">{ "Colour theme" }</legend>
                        { for Theme::ALL.iter().map(|&choice| {
                            let id = format!("theme-{}", choice.label().to_lowercase());
                            html! {
                                <>
                                    <input type="radio" name="theme" id={id.clone()} data-testid={id.clone()}
                                        checked={*theme == choice} onchange={on_theme(choice)} />
                                    <label for={id}>{ choice.label() }</label>
                                </>
                            }
                        }) }
                    </fieldset>
                </div>
            </header>

            <main class="workspace">
                <section class="panel scenario" aria-labelledby="scenario-title">
                    <div class="panel-head">
                        <h2 id="scenario-title" class="panel-title">{ "Command" }</h2>
                        <span class="hint"><kbd>{ "Ctrl" }</kbd>{ "+" }<kbd>{ "Enter" }</kbd>{ " re-checks" }</span>
                    </div>
                    <label class="field-label" for={Field::Command.dom_id()}>
                        { "Command line to check, split like a POSIX shell" }
                    </label>
                    <div class={classes!("command-field", (!command_problems.is_empty()).then_some("has-problems"))}>
                        <span class="prompt" aria-hidden="true">{ "$" }</span>
                        <input
                            type="text"
                            id={Field::Command.dom_id()}
                            data-testid="scenario-command"
                            value={(*command).clone()}
                            oninput={on_command}
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            aria-invalid={if command_problems.is_empty() { "false" } else { "true" }}
                            aria-describedby="argv-title command-problems"
                        />
                    </div>
                    <div class="argv-line">
                        <span class="argv-title" id="argv-title">{ "argv" }</span>
                        if report.argv.is_empty() {
                            <span class="muted">{ "empty" }</span>
                        } else {
                            <ol class="tokens" data-testid="argv" aria-labelledby="argv-title">
                                { for report.argv.iter().map(|t| html! { <li><code class="token">{ t }</code></li> }) }
                            </ol>
                        }
                    </div>
                    // A container of its own: Yew matches unkeyed siblings from the end, so a
                    // list growing among them would replace the input (and lose its focus).
                    <div class="command-problems" id="command-problems">
                        { for command_problems.iter().map(|p| html! {
                            <p class="inline-problem error">
                                if let Some(location) = &p.location { { jump_link(location) } }
                                <span class="inline-message">{ crate::editor::rich_text(&p.message) }</span>
                            </p>
                        }) }
                    </div>
                </section>

                <ResultPanel report={report.clone()} {elapsed_ms} />

                <section class="policy" aria-labelledby="policy-title">
                    <div class="policy-head">
                        <h2 id="policy-title" class="panel-title">{ "Policy" }</h2>
                        <div class="example-picker">
                            <label for="example-select">{ "Load example" }</label>
                            <select id="example-select" data-testid="example-select" onchange={on_example}>
                                <option value="" selected=true>{ "Choose…" }</option>
                                { for EXAMPLES.iter().map(|e| html! { <option value={e.id}>{ e.title }</option> }) }
                            </select>
                        </div>
                    </div>
                    { notice_view((*notice).as_ref(), on_undo) }
                    <CodeEditor
                        field={Field::Requirements}
                        testid="requirements-editor"
                        file={eval::REQUIREMENTS_NAME}
                        hint="Admin requirements. The prefix rules in its [rules] table are appended after every .rules file."
                        value={(*requirements).clone()}
                        status={requirements_status}
                        problems={problems_of(Field::Requirements)}
                        oninput={on_requirements}
                    />
                    <CodeEditor
                        field={Field::Rules}
                        testid="rules-editor"
                        file={eval::RULES_NAME}
                        hint="Starlark rules as in ~/.codex/rules/: prefix_rule(…) and host_executable(…)."
                        placeholder="prefix_rule(pattern = [\"git\", \"status\"], decision = \"allow\")"
                        value={(*rules).clone()}
                        status={rules_status}
                        problems={problems_of(Field::Rules)}
                        oninput={on_rules}
                    />
                </section>
            </main>

            <footer class="footer">
                <p>
                    { "Nothing you type leaves this page: the engine runs here as WebAssembly, and drafts are kept in this browser's storage." }
                </p>
            </footer>
        </div>
    }
}

fn notice_view(notice: Option<&Notice>, on_undo: Callback<MouseEvent>) -> Html {
    match notice {
        None => Html::default(),
        Some(Notice::Restored) => html! {
            <p class="notice" data-testid="notice">{ "Restored your draft from this browser." }</p>
        },
        Some(Notice::Loaded { title, .. }) => html! {
            <p class="notice" data-testid="notice">
                { format!("Loaded “{title}”.") }
                <button type="button" class="link-button" data-testid="undo" onclick={on_undo}>
                    { "Undo" }
                </button>
            </p>
        },
        Some(Notice::NotSaved) => html! {
            <p class="notice warn" data-testid="notice" role="alert">
                { "This browser did not save the last edit (storage is full or disabled). Keep a copy elsewhere." }
            </p>
        },
    }
}

// Server-side rendering needs a native async runtime (tokio is a native-only dev-dependency).
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;

    fn render(props: AppProps) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, yew::LocalServerRenderer::<App>::with_props(props).hydratable(false).render())
    }

    fn with_requirements(text: &'static str, command: &'static str) -> AppProps {
        AppProps {
            initial: Drafts { requirements: text.into(), rules: "".into(), command: command.into() },
            ..AppProps::default()
        }
    }

    /// The text of the first leaf element carrying `data-testid="{testid}"`.
    fn text_of(html: &str, testid: &str) -> String {
        let marker = format!(r#"data-testid="{testid}""#);
        let at = html.find(&marker).unwrap_or_else(|| panic!("no {marker} in {html}"));
        let rest = &html[at..];
        let open = rest.find('>').expect("tag end") + 1;
        let close = rest[open..].find('<').expect("closing tag");
        rest[open..open + close].to_owned()
    }

    #[test]
    fn first_visit_shows_the_seed_example_already_evaluated() {
        let html = render(AppProps::default());
        assert_eq!(text_of(&html, "decision"), "prompt");
        assert_eq!(text_of(&html, "outcome"), "Codex asks before running this command.");
        assert!(html.contains(">Require review before mutating remote history.</span>"), "{html}");
        assert!(html.contains(">requirements.toml:5:2</button>"), "{html}");
        assert!(html.contains(&format!(r#"<span class="muted">Follows </span>{CODEX_BEHAVIOUR}</p>"#)), "{html}");
        assert!(html.contains(r#"<label id="requirements-input-label" for="requirements-input""#), "{html}");
        assert!(html.contains(r#"role="status" aria-live="polite""#), "{html}");
    }

    #[test]
    fn an_invalid_requirements_document_is_reported_at_line_and_column() {
        let html = render(with_requirements(
            "[rules]\nprefix_rules = [\n  { pattern = [{ token = \"git\" }], decision = \"allow\" },\n]\n",
            "git push",
        ));
        assert_eq!(text_of(&html, "decision"), "policy error");
        assert!(html.contains(">requirements.toml:3:47</button>"), "{html}");
        assert!(html.contains("has decision 'allow', which is not permitted"), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#));
    }

    #[test]
    fn a_command_no_rule_matches_says_so_and_shows_its_argv() {
        let html = render(with_requirements(examples::default_example().requirements, "ls -la 'my dir'"));
        assert_eq!(text_of(&html, "decision"), "no rule matched");
        assert!(html.contains(r#"<code class="token">my dir</code>"#), "{html}");
        assert!(html.contains("No rule matches this command."));
    }

    #[test]
    fn a_restored_draft_and_the_chosen_theme_are_visible() {
        let html = render(AppProps { restored: true, theme: Theme::Dark, ..AppProps::default() });
        assert_eq!(text_of(&html, "notice"), "Restored your draft from this browser.");
        assert!(html.contains(r#"<input checked type="radio" name="theme" id="theme-dark""#), "{html}");
    }
}

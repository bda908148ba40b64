//! The page: header (examples, import, export, share, theme), the files on the left (structured
//! workspace panel and one editor per file), the scenario and the result views on the right.
//! Owns the project state, the throttled evaluation, drafts and share links.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::browser::{self, Key};
use crate::diffview::DiffPanel;
use crate::editor::CodeEditor;
use crate::eval::{FormModel, Location, Session, View};
use crate::examples::{self, Example, StartView};
use crate::form::WorkspaceForm;
use crate::gallery::{GALLERY_ID, Gallery};
use crate::gridview::GridPanel;
use crate::lintview::LintPanel;
use crate::project::{
    Doc, DocKind, Edit, FORMAT_VERSION, LONG_LINK_CHARS, MAX_LINK_CHARS, MAX_PAYLOAD_BYTES, Project, WORKSPACE_DOC,
    share_fragment, share_problem_text,
};
use crate::scenario::{COMMAND_ID, ScenarioPanel};
use crate::trace::{TracePanel, identity_line, markdown};
use crate::ui::{Actions, Shared, plural};

/// Evaluations are at least this far apart while someone types.
const MIN_INTERVAL_MS: f64 = 60.0;
/// Drafts are written this long after the first edit of a burst.
const SAVE_DELAY_MS: u64 = 120;
/// The left panel's structured view.
const FORM_TAB: &str = "form";

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
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The project to start with (a saved draft, or the default example).
    pub initial: Rc<Project>,
    /// The result view to start on.
    #[prop_or_default]
    pub view: View,
    /// The saved theme.
    #[prop_or_default]
    pub theme: Theme,
    /// Plain textareas instead of highlighted editors.
    #[prop_or_default]
    pub plain: bool,
    /// Whether `initial` came from a saved draft.
    #[prop_or_default]
    pub restored: bool,
}

impl Default for AppProps {
    fn default() -> Self {
        let example = examples::default_example();
        Self {
            initial: Rc::new(example.project()),
            view: start_view(example),
            theme: Theme::System,
            plain: false,
            restored: false,
        }
    }
}

fn start_view(example: &Example) -> View {
    match example.view {
        StartView::Trace => View::Trace,
        StartView::Grid => View::Grid,
        StartView::Diff => View::Diff,
    }
}

impl AppProps {
    /// Reads the saved draft (or migrates a first-playground draft), theme and editor mode.
    pub fn from_storage() -> Self {
        let mut props = Self::default();
        if let Some(project) = browser::load(Key::Draft).and_then(|json| Project::from_json(&json).ok()) {
            props.initial = Rc::new(project);
            props.view = View::Trace;
            props.restored = true;
        } else {
            let (r, rules, c) = (
                browser::load(Key::LegacyRequirements),
                browser::load(Key::LegacyRules),
                browser::load(Key::LegacyCommand),
            );
            if r.is_some() || rules.is_some() || c.is_some() {
                props.initial = Rc::new(Project::from_legacy(r, rules, c));
                props.view = View::Trace;
                props.restored = true;
            }
        }
        props.theme = browser::load(Key::Theme).map_or(Theme::System, |t| Theme::parse(&t));
        props.plain = browser::load(Key::Plain).is_some_and(|v| v == "1");
        props
    }
}

/// A message above the panels.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    /// The page opened with the draft saved in this browser.
    Restored,
    /// Something replaced the files; they can be put back.
    Replaced { message: String, previous: Rc<Project> },
    /// A share link opened over a different draft, which was kept.
    Shared { kept: bool },
    /// A share link could not be opened; the draft is untouched.
    LinkProblem(String),
    /// Files were imported.
    Info(String),
}

/// Throttles evaluation: the first edit after a pause is evaluated on the next task (so the
/// keystroke paints first), later ones at most every `MIN_INTERVAL_MS`, or four times the last
/// evaluation's cost when that is longer, so a huge paste cannot keep the page busy.
struct Scheduler {
    session: Session,
    latest: (Rc<Project>, View),
    evaluated: Option<(Rc<Project>, View)>,
    scheduled: bool,
    last_finished: f64,
    last_cost: f64,
    /// Cost of the last evaluation that included lint.
    lint_cost: f64,
    /// Bumped by every evaluation, so a deferred lint only runs if nothing happened since.
    generation: u64,
}

/// Lint runs with every evaluation while a full evaluation costs less than this; above it, lint
/// waits until typing pauses for `LINT_DELAY_MS`.
const LINT_INLINE_MS: f64 = 12.0;
const LINT_DELAY_MS: f64 = 400.0;
/// The first evaluation leaves lint out; it runs this long after the page has started.
const LINT_AFTER_LOAD_MS: f64 = 30.0;

type SharedScheduler = Rc<RefCell<Scheduler>>;

/// The report on screen and how long computing it took (unknown for the one computed on load).
#[derive(Clone, PartialEq)]
struct Shown {
    report: Shared,
    elapsed_ms: Option<f64>,
}

fn request_evaluation(scheduler: &SharedScheduler, inputs: (Rc<Project>, View), shown: &UseStateSetter<Shown>) {
    let wait_ms = {
        let mut s = scheduler.borrow_mut();
        s.latest = inputs;
        if s.scheduled || s.evaluated.as_ref().is_some_and(|e| e.1 == s.latest.1 && *e.0 == *s.latest.0) {
            return;
        }
        s.scheduled = true;
        let interval = MIN_INTERVAL_MS.max(4.0 * s.last_cost);
        (s.last_finished + interval - browser::now_ms()).clamp(0.0, interval)
    };
    let (scheduler, shown) = (Rc::clone(scheduler), shown.clone());
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(Duration::from_secs_f64(wait_ms / 1000.0)).await;
        evaluate_now(&scheduler, &shown, false);
    });
}

fn evaluate_now(scheduler: &SharedScheduler, shown: &UseStateSetter<Shown>, force_lint: bool) {
    let (next, generation) = {
        let mut s = scheduler.borrow_mut();
        s.scheduled = false;
        s.generation += 1;
        let (project, view) = s.latest.clone();
        let lint = force_lint || view == View::Lint || s.lint_cost < LINT_INLINE_MS;
        let started = browser::now_ms();
        let report = s.session.evaluate_with(&project, view, lint);
        let finished = browser::now_ms();
        s.evaluated = Some((project, view));
        s.last_cost = finished - started;
        if lint && !report.lint_pending {
            s.lint_cost = s.last_cost;
        }
        s.last_finished = finished;
        let pending = report.lint_pending.then_some(s.generation);
        (Shown { report: Shared(Rc::new(report)), elapsed_ms: Some(finished - started) }, pending)
    };
    shown.set(next);
    if let Some(generation) = generation {
        lint_when_idle(scheduler, shown, generation, LINT_DELAY_MS);
    }
    // The replaced workspace is freed after the new result is on screen.
    let scheduler = Rc::clone(scheduler);
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(Duration::ZERO).await;
        if let Ok(mut s) = scheduler.try_borrow_mut() {
            s.session.release();
        }
    });
}

/// Runs the lint left out of evaluation `generation` after `delay_ms`, unless something was
/// evaluated or scheduled since (that evaluation then decides about lint).
fn lint_when_idle(scheduler: &SharedScheduler, shown: &UseStateSetter<Shown>, generation: u64, delay_ms: f64) {
    let (scheduler, shown) = (Rc::clone(scheduler), shown.clone());
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(Duration::from_secs_f64(delay_ms / 1000.0)).await;
        let idle = {
            let s = scheduler.borrow();
            s.generation == generation && !s.scheduled
        };
        if idle {
            evaluate_now(&scheduler, &shown, true);
        }
    });
}

/// A pending "go to": document, UTF-16 range, sequence number.
#[derive(Debug, Clone, PartialEq)]
struct Jump {
    doc: AttrValue,
    start: u32,
    end: u32,
    seq: u64,
}

/// What the share button produced.
#[derive(Debug, Clone, PartialEq)]
enum ShareState {
    Working,
    Ready { url: String, copied: bool },
    Failed(String),
}

/// Opens a share link found in the fragment: decodes it off the main path, then replaces the
/// project, keeping a different draft aside. A damaged, oversized or newer link leaves the draft
/// as it is and says why.
fn open_link(
    hash: &str,
    latest: &Rc<RefCell<Rc<Project>>>,
    dispatch: &Callback<Edit>,
    notice: &UseStateSetter<Option<Notice>>,
    view: &UseStateSetter<View>,
) {
    let Some(fragment) = share_fragment(hash) else { return };
    browser::clear_hash();
    if let Some(problem) = share_problem_text(fragment.version) {
        notice.set(Some(Notice::LinkProblem([problem.as_str(), " Your draft is unchanged."].concat())));
        return;
    }
    if fragment.payload.len() > MAX_LINK_CHARS {
        notice.set(Some(Notice::LinkProblem(
            [
                "This link could not be opened: it is ",
                &fragment.payload.len().to_string(),
                " characters long, more than a share link can be. Your draft is unchanged.",
            ]
            .concat(),
        )));
        return;
    }
    debug_assert_eq!(fragment.version, FORMAT_VERSION);
    let payload = fragment.payload.to_owned();
    let (latest, dispatch, notice, view) = (Rc::clone(latest), dispatch.clone(), notice.clone(), view.clone());
    yew::platform::spawn_local(async move {
        let decoded = browser::decompress(&payload, MAX_PAYLOAD_BYTES).await.and_then(|json| Project::from_json(&json));
        match decoded {
            Ok(shared) => {
                let current = Rc::clone(&latest.borrow());
                let pristine = *current == examples::default_example().project();
                let kept =
                    *current != shared && !pristine && browser::save(Key::KeptDraft, &current.to_json(true)).is_ok();
                dispatch.emit(Edit::Replace(Rc::new(shared)));
                view.set(View::Trace);
                notice.set(Some(Notice::Shared { kept }));
            }
            Err(why) => notice.set(Some(Notice::LinkProblem(
                ["This link could not be opened: ", why.as_str(), ". Your draft is unchanged."].concat(),
            ))),
        }
    });
}

/// The playground page.
#[function_component]
pub fn App(props: &AppProps) -> Html {
    let project = use_reducer_eq({
        let initial = Rc::clone(&props.initial);
        move || (*initial).clone()
    });
    let view = use_state_eq(|| props.view);
    let tab = use_state_eq(|| AttrValue::Static(FORM_TAB));
    let jump = use_state_eq(|| None::<Jump>);
    let theme = use_state_eq(|| props.theme);
    let plain = use_state_eq(|| props.plain);
    let notice = use_state_eq(|| props.restored.then_some(Notice::Restored));
    let storage_failed = use_state_eq(|| false);
    let share = use_state_eq(|| None::<ShareState>);
    let copied = use_state_eq(|| None::<AttrValue>);
    let new_file = use_state_eq(|| None::<String>);
    let latest = use_mut_ref(|| Rc::new((*props.initial).clone()));
    let first_save = use_mut_ref(|| true);
    let save_pending = use_mut_ref(|| false);

    let current: Rc<Project> = Rc::new((*project).clone());
    *latest.borrow_mut() = Rc::clone(&current);

    let scheduler = use_mut_ref(|| Scheduler {
        session: Session::default(),
        latest: (Rc::clone(&current), *view),
        evaluated: None,
        scheduled: false,
        last_finished: 0.0,
        last_cost: 0.0,
        lint_cost: 0.0,
        generation: 0,
    });
    // The first result is computed while rendering, so the page never shows an empty result.
    // Lint waits until the page is up (unless the lint view is open): it is not needed to show
    // the outcome, and leaving it out keeps its code off the startup path.
    let shown = use_state(|| {
        let mut s = scheduler.borrow_mut();
        let (project, view) = s.latest.clone();
        let report = s.session.evaluate_with(&project, view, view == View::Lint);
        s.evaluated = Some((project, view));
        Shown { report: Shared(Rc::new(report)), elapsed_ms: None }
    });
    {
        let (scheduler, setter, pending) = (scheduler.clone(), shown.setter(), shown.report.0.lint_pending);
        use_effect_with((), move |()| {
            if pending {
                lint_when_idle(&scheduler, &setter, 0, LINT_AFTER_LOAD_MS);
            }
        });
    }

    {
        let (scheduler, setter) = (scheduler.clone(), shown.setter());
        use_effect_with((Rc::clone(&current), *view), move |inputs| {
            request_evaluation(&scheduler, inputs.clone(), &setter);
        });
    }
    {
        // Every edit is saved, a burst of keystrokes once (the last state wins): a refused write
        // (quota, disabled storage) keeps the text in the page and says so, and the next
        // successful write clears the warning.
        let (first, failed, latest, pending) =
            (first_save.clone(), storage_failed.setter(), latest.clone(), save_pending.clone());
        use_effect_with(Rc::clone(&current), move |_| {
            if std::mem::replace(&mut *first.borrow_mut(), false) || std::mem::replace(&mut *pending.borrow_mut(), true)
            {
                return;
            }
            yew::platform::spawn_local(async move {
                yew::platform::time::sleep(Duration::from_millis(SAVE_DELAY_MS)).await;
                // The page-hide handler may have written it already.
                if std::mem::replace(&mut *pending.borrow_mut(), false) {
                    let project = Rc::clone(&latest.borrow());
                    failed.set(browser::save(Key::Draft, &project.to_json(true)).is_err());
                }
            });
        });
    }
    use_effect_with(*theme, |theme| browser::apply_theme(theme.attribute()));

    let dispatch: Callback<Edit> = {
        let d = project.dispatcher();
        Callback::from(move |e: Edit| d.dispatch(e))
    };
    let actions = {
        let (d, view_set, tab_set, jump_set) = (project.dispatcher(), view.setter(), tab.setter(), jump.setter());
        let seq = use_mut_ref(|| 0u64);
        use_memo((), move |()| {
            let edit = {
                let d = d.clone();
                Callback::from(move |e: Edit| d.dispatch(e))
            };
            let jump = {
                let (tab_set, jump_set) = (tab_set.clone(), jump_set);
                Callback::from(move |l: Location| {
                    if l.doc == "command" {
                        browser::focus_span(COMMAND_ID, l.caret_start, l.caret_end);
                        return;
                    }
                    let n = {
                        let mut s = seq.borrow_mut();
                        *s += 1;
                        *s
                    };
                    tab_set.set(l.doc.clone());
                    jump_set.set(Some(Jump { doc: l.doc, start: l.caret_start, end: l.caret_end, seq: n }));
                })
            };
            let open = Callback::from(move |t: AttrValue| tab_set.set(t));
            let view_cb = {
                let view_set = view_set.clone();
                Callback::from(move |v: View| view_set.set(v))
            };
            let pick = Callback::from(move |(person, argv)| {
                d.dispatch(Edit::Pick(person, argv));
                view_set.set(View::Trace);
                browser::scroll_into_view("results");
            });
            Actions { edit, jump, open, view: view_cb, pick }
        })
    };
    let actions: Actions = (*actions).clone();

    {
        // A draft still waiting for its write is written when the page goes away.
        let (latest, pending, failed) = (latest.clone(), save_pending.clone(), storage_failed.setter());
        use_effect_with((), move |()| {
            browser::on_page_hide(move || {
                if std::mem::replace(&mut *pending.borrow_mut(), false) {
                    let project = Rc::clone(&latest.borrow());
                    failed.set(browser::save(Key::Draft, &project.to_json(true)).is_err());
                }
            });
        });
    }
    {
        // A share link in the address bar: now, and whenever it changes while the page is open.
        let (latest, dispatch, notice, view) = (latest.clone(), dispatch.clone(), notice.setter(), view.setter());
        use_effect_with((), move |()| {
            open_link(&browser::hash(), &latest, &dispatch, &notice, &view);
            browser::on_hash_change(move |hash| open_link(&hash, &latest, &dispatch, &notice, &view));
        });
    }

    let Shown { report, elapsed_ms } = (*shown).clone();

    // ---- Handlers ------------------------------------------------------------------------------
    let on_keydown = {
        let (scheduler, setter, current, view) = (scheduler.clone(), shown.setter(), Rc::clone(&current), *view);
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                scheduler.borrow_mut().latest = (Rc::clone(&current), view);
                evaluate_now(&scheduler, &setter, true);
            }
        })
    };
    let replace = {
        let (dispatch, notice, current, view) = (dispatch.clone(), notice.clone(), Rc::clone(&current), view.clone());
        move |next: Project, message: String, start: View| {
            notice.set(Some(Notice::Replaced { message, previous: Rc::clone(&current) }));
            dispatch.emit(Edit::Replace(Rc::new(next)));
            view.set(start);
        }
    };
    let on_example = {
        let (replace, tab) = (replace.clone(), tab.clone());
        Callback::from(move |e: &'static Example| {
            tab.set(AttrValue::Static(FORM_TAB));
            replace(e.project(), ["Opened the example “", e.title, "”. ", e.summary].concat(), start_view(e));
        })
    };
    let on_undo = {
        let (dispatch, notice) = (dispatch.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Notice::Replaced { previous, .. }) = (*notice).clone() {
                dispatch.emit(Edit::Replace(previous));
                notice.set(None);
            }
        })
    };
    let on_restore_kept = {
        let (dispatch, notice) = (dispatch.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(kept) = browser::load(Key::KeptDraft).and_then(|j| Project::from_json(&j).ok()) {
                dispatch.emit(Edit::Replace(Rc::new(kept)));
                browser::remove(Key::KeptDraft);
                notice.set(Some(Notice::Info("Your draft is back; the shared files were replaced.".into())));
            }
        })
    };
    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };
    let on_theme = |choice: Theme| {
        let theme = theme.clone();
        Callback::from(move |_: Event| {
            match choice.attribute() {
                Some(value) => {
                    let _ = browser::save(Key::Theme, value);
                }
                None => browser::remove(Key::Theme),
            }
            theme.set(choice);
        })
    };
    let on_plain = {
        let plain = plain.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let on = input.checked();
            let _ = browser::save(Key::Plain, if on { "1" } else { "0" });
            plain.set(on);
        })
    };
    let on_share = {
        let (latest, share) = (latest.clone(), share.clone());
        Callback::from(move |_: MouseEvent| {
            let (json, share) = (latest.borrow().to_json(false), share.clone());
            share.set(Some(ShareState::Working));
            yew::platform::spawn_local(async move {
                match browser::compress(&json).await {
                    Ok(payload) => {
                        let url =
                            [browser::base_url().as_str(), "#v", &FORMAT_VERSION.to_string(), ".", &payload].concat();
                        let copied = browser::copy_text(&url).await.is_ok();
                        share.set(Some(ShareState::Ready { url, copied }));
                    }
                    Err(e) => share.set(Some(ShareState::Failed(e))),
                }
            });
        })
    };
    let close_share = {
        let share = share.clone();
        Callback::from(move |_: MouseEvent| share.set(None))
    };
    let on_import = {
        let (dispatch, notice, tab) = (dispatch.clone(), notice.clone(), tab.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let (dispatch, notice, tab) = (dispatch.clone(), notice.clone(), tab.clone());
            yew::platform::spawn_local(async move {
                match browser::read_files(&input).await {
                    Ok(files) if !files.is_empty() => {
                        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
                        dispatch.emit(Edit::Import(files));
                        tab.set(AttrValue::Static(FORM_TAB));
                        notice.set(Some(Notice::Info(["Imported ", &names.join(", "), "."].concat())));
                    }
                    Ok(_) => {}
                    Err(why) => notice.set(Some(Notice::Info(["Import failed: ", why.as_str()].concat()))),
                }
            });
        })
    };
    let export_all = {
        let current = Rc::clone(&current);
        Callback::from(move |_: MouseEvent| {
            browser::download(WORKSPACE_DOC, &current.workspace);
            for doc in current.docs.iter() {
                browser::download(&doc.name, &doc.text);
            }
        })
    };
    let export_one =
        |name: AttrValue, text: AttrValue| Callback::from(move |_: MouseEvent| browser::download(&name, &text));
    let on_copy_markdown = {
        let (report, copied) = (report.clone(), copied.clone());
        Callback::from(move |()| {
            let Some(trace) = &report.trace else { return };
            let text = markdown(trace);
            let copied = copied.clone();
            yew::platform::spawn_local(async move {
                let status = if browser::copy_text(&text).await.is_ok() {
                    "Copied."
                } else {
                    "The browser refused the clipboard."
                };
                copied.set(Some(status.into()));
            });
        })
    };
    let on_copy_grid = {
        let copied = copied.clone();
        Callback::from(move |text: String| {
            let copied = copied.clone();
            yew::platform::spawn_local(async move {
                let status = if browser::copy_text(&text).await.is_ok() {
                    "Grid copied as Markdown."
                } else {
                    "The browser refused the clipboard."
                };
                copied.set(Some(status.into()));
            });
        })
    };
    let open_gallery = Callback::from(|_: MouseEvent| browser::show_dialog(GALLERY_ID));

    // ---- Left panel: tabs and the open file ----------------------------------------------------
    let model: Option<Rc<FormModel>> = report.model.clone();
    let doc_names: Rc<Vec<AttrValue>> = Rc::new(current.docs.iter().map(|d| d.name.clone()).collect());
    let active =
        if *tab == FORM_TAB || current.text_of(&tab).is_some() { (*tab).clone() } else { AttrValue::Static(FORM_TAB) };
    let tab_button = |id: AttrValue, label: Html, extra: Option<&'static str>| {
        let selected = active == id;
        let open = actions.open.clone();
        let target = id.clone();
        let problems = report.problems_in(&id).filter(|p| p.severity == policy_engine::Severity::Error).count();
        html! {
            <button type="button" role="tab" class={classes!("tab", extra, (problems > 0).then_some("has-errors"))}
                id={["tab-", id.as_str()].concat()} aria-selected={if selected { "true" } else { "false" }}
                aria-controls="file-panel" tabindex={if selected { "0" } else { "-1" }} data-tab={id.clone()}
                onclick={Callback::from(move |_: MouseEvent| open.emit(target.clone()))}>
                { label }
                if problems > 0 { <span class="tab-badge" aria-label={plural(problems, "error", "errors")}>{ problems }</span> }
            </button>
        }
    };
    let tab_keys = |ids: Vec<AttrValue>, current: AttrValue, open: Callback<AttrValue>| {
        Callback::from(move |e: KeyboardEvent| {
            let Some(i) = ids.iter().position(|id| *id == current) else { return };
            let next = match e.key().as_str() {
                "ArrowRight" => ids.get((i + 1) % ids.len()),
                "ArrowLeft" => ids.get((i + ids.len() - 1) % ids.len()),
                "Home" => ids.first(),
                "End" => ids.last(),
                _ => return,
            };
            if let Some(next) = next {
                e.prevent_default();
                open.emit(next.clone());
                browser::focus(&["tab-", next.as_str()].concat());
            }
        })
    };
    let mut left_ids: Vec<AttrValue> = vec![AttrValue::Static(FORM_TAB), AttrValue::Static(WORKSPACE_DOC)];
    left_ids.extend(doc_names.iter().cloned());
    let left_keys = tab_keys(left_ids, active.clone(), actions.open.clone());

    let file_usage = |name: &str| -> Option<String> {
        let m = model.as_ref()?;
        if let Some((policy, _)) = m.policies.iter().find(|(_, f)| f.as_deref() == Some(name)) {
            return Some(["policy ", policy].concat());
        }
        if let Some((label, _)) = m.layers.iter().find(|(_, f)| f.as_deref() == Some(name)) {
            return Some(["layer: ", label].concat());
        }
        m.rules_files.iter().find(|(_, n, _)| n == name).map(|(layer, _, _)| [layer, " rules"].concat())
    };

    let editor = if active == FORM_TAB {
        html! { <WorkspaceForm text={current.workspace.clone()} model={model.clone()} docs={doc_names.clone()} /> }
    } else {
        let name = active.clone();
        let kind = Doc::kind(&name);
        let text = current.text_of(&name).cloned().unwrap_or_default();
        let problems: Rc<Vec<_>> = Rc::new(report.problems_in(&name).cloned().collect());
        let decided = report
            .trace
            .as_ref()
            .and_then(|t| t.decided_at.as_ref())
            .filter(|l| l.doc == name)
            .map(|l| (l.start, l.end));
        let select = (*jump).as_ref().filter(|j| j.doc == name).map(|j| (j.start, j.end, j.seq));
        let oninput = {
            let (dispatch, name) = (dispatch.clone(), name.clone());
            Callback::from(move |text: String| dispatch.emit(Edit::Text(name.clone(), text.into())))
        };
        let hint = match kind {
            DocKind::Workspace => {
                "Groups, roles, policies, and which policy applies to whom. Files named with file = \"…\" are the other tabs."
            }
            DocKind::Requirements => {
                "A requirements.toml document. Its [rules] are appended after every .rules file; the strictest decision wins."
            }
            DocKind::Rules => "Starlark rules as in ~/.codex/rules/: prefix_rule(…) and host_executable(…).",
        };
        let usage = if kind == DocKind::Workspace { None } else { Some(file_usage(&name)) };
        let status = match usage {
            None => Html::default(),
            Some(Some(u)) => html! { <span class="chip">{ u }</span> },
            Some(None) => {
                html! { <span class="chip warn" title="No file = \"…\" in workspace.toml names this file">{ "not used by the workspace" }</span> }
            }
        };
        let doc_actions = if kind == DocKind::Workspace {
            Html::default()
        } else {
            let delete = {
                let (replace, current, name) = (replace.clone(), Rc::clone(&current), name.clone());
                let open = actions.open.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut next = (*current).clone();
                    next.remove_doc(&name);
                    replace(next, ["Deleted ", name.as_str(), "."].concat(), View::Trace);
                    open.emit(AttrValue::Static(FORM_TAB));
                })
            };
            html! {
                <button type="button" class="button small danger" data-testid="delete-file" onclick={delete}>{ "Delete file" }</button>
            }
        };
        html! {
            <CodeEditor key={name.to_string()} doc={name.clone()} {kind} value={text} {problems} {decided}
                plain={*plain} {select} hint={AttrValue::Static(hint)} {status} actions={doc_actions} {oninput} />
        }
    };
    let new_file_form = match (*new_file).clone() {
        None => {
            let new_file = new_file.clone();
            html! {
                <button type="button" class="tab add-tab" data-testid="new-file" title="Add a file"
                    onclick={Callback::from(move |_: MouseEvent| new_file.set(Some(String::new())))}>{ "+ New file" }</button>
            }
        }
        Some(draft) => {
            let taken = draft.is_empty()
                || draft == WORKSPACE_DOC
                || current.text_of(&draft).is_some()
                || draft.contains(['/', '\\']);
            let on_input = {
                let new_file = new_file.clone();
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    new_file.set(Some(input.value().trim().to_owned()));
                })
            };
            let create = {
                let (dispatch, new_file, open, draft) =
                    (dispatch.clone(), new_file.clone(), actions.open.clone(), draft.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    if taken {
                        return;
                    }
                    let text = if crate::project::has_extension(&draft, &["rules"]) {
                        "prefix_rule(pattern = [\"git\", \"push\"], decision = \"prompt\")\n"
                    } else {
                        ""
                    };
                    dispatch.emit(Edit::Text(draft.clone().into(), text.into()));
                    open.emit(draft.clone().into());
                    new_file.set(None);
                })
            };
            let cancel = {
                let new_file = new_file.clone();
                Callback::from(move |_: MouseEvent| new_file.set(None))
            };
            html! {
                <form class="new-file" onsubmit={create}>
                    <label class="sr-only" for="new-file-name">{ "New file name" }</label>
                    <input id="new-file-name" class="text-input" placeholder="name.requirements.toml or name.rules"
                        data-testid="new-file-name" value={draft} oninput={on_input} autocomplete="off" spellcheck="false" />
                    <button type="submit" class="button small primary" disabled={taken}>{ "Create" }</button>
                    <button type="button" class="button small" onclick={cancel}>{ "Cancel" }</button>
                </form>
            }
        }
    };

    // ---- Right panel: result views ---------------------------------------------------------------
    let lint_count = report.problems.len();
    let error_count = report.count(policy_engine::Severity::Error);
    let view_ids = [View::Trace, View::Grid, View::Diff, View::Lint];
    let view_name = |v: View| match v {
        View::Trace => "trace",
        View::Grid => "grid",
        View::Diff => "diff",
        View::Lint => "lint",
    };
    let view_tab = |v: View, label: &'static str, badge: Option<(usize, bool)>| {
        let selected = *view == v;
        let set = actions.view.clone();
        html! {
            <button type="button" role="tab" class="tab" id={["view-", view_name(v)].concat()} data-testid={["view-", view_name(v)].concat()}
                aria-selected={if selected { "true" } else { "false" }} aria-controls="view-panel" tabindex={if selected { "0" } else { "-1" }}
                onclick={Callback::from(move |_: MouseEvent| set.emit(v))}>
                { label }
                if let Some((n, bad)) = badge { <span class={classes!("tab-badge", (!bad).then_some("soft"))}>{ n }</span> }
            </button>
        }
    };
    let view_keys = {
        let (set, current_view) = (actions.view.clone(), *view);
        Callback::from(move |e: KeyboardEvent| {
            let Some(i) = view_ids.iter().position(|v| *v == current_view) else { return };
            let next = match e.key().as_str() {
                "ArrowRight" => view_ids.get((i + 1) % view_ids.len()),
                "ArrowLeft" => view_ids.get((i + view_ids.len() - 1) % view_ids.len()),
                _ => return,
            };
            if let Some(&next) = next {
                e.prevent_default();
                set.emit(next);
                browser::focus(&["view-", view_name(next)].concat());
            }
        })
    };
    let view_body = match *view {
        View::Trace => html! {
            <TracePanel report={report.clone()} on_copy={on_copy_markdown} copied={(*copied).clone()} />
        },
        View::Grid => html! {
            <GridPanel rows={current.grid.rows} commands={current.grid.commands.clone()} grid={report.grid.clone()} on_copy={on_copy_grid} />
        },
        View::Diff => html! { <DiffPanel diff={report.diff.clone()} has_baseline={current.baseline.is_some()} /> },
        View::Lint => html! { <LintPanel report={report.clone()} /> },
    };

    let share_view = match (*share).clone() {
        None => Html::default(),
        Some(ShareState::Working) => html! { <div class="share-box" role="status"><p>{ "Making the link…" }</p></div> },
        Some(ShareState::Failed(why)) => html! {
            <div class="share-box" role="alert"><p class="warn-text">{ ["The link could not be made: ", why.as_str()].concat() }</p>
                <button type="button" class="icon-button" aria-label="Close" onclick={close_share.clone()}>{ "✕" }</button></div>
        },
        Some(ShareState::Ready { url, copied }) => html! {
            <div class="share-box" data-testid="share-box" role="status">
                <label for="share-link" class="field-label">
                    { if copied { "Link copied. It holds every file and the scenario; nothing is uploaded." } else { "Copy this link. It holds every file and the scenario; nothing is uploaded." } }
                </label>
                <div class="share-row">
                    <input id="share-link" class="text-input code-font" readonly=true value={url.clone()} data-testid="share-link" />
                    <button type="button" class="icon-button" aria-label="Close" onclick={close_share.clone()}>{ "✕" }</button>
                </div>
                if url.len() > LONG_LINK_CHARS {
                    <p class="warn-text" data-testid="share-warning">
                        { ["This link is ", &url.len().to_string(), " characters long; chat tools and mail clients often cut links longer than about 2,000 characters. Export the files instead if it does not arrive whole."].concat() }
                    </p>
                } else {
                    <p class="hint">{ [&url.len().to_string(), " characters."].concat() }</p>
                }
            </div>
        },
    };

    let notice_view = match (*notice).clone() {
        None => Html::default(),
        Some(Notice::Restored) => html! {
            <p class="notice" data-testid="notice">{ "Restored your draft from this browser." }
                <button type="button" class="link-button" onclick={open_gallery.clone()}>{ "Start from an example" }</button>
                <button type="button" class="icon-button quiet" aria-label="Dismiss" onclick={dismiss.clone()}>{ "✕" }</button></p>
        },
        Some(Notice::Replaced { message, .. }) => html! {
            <p class="notice" data-testid="notice">{ message }
                <button type="button" class="link-button" data-testid="undo" onclick={on_undo}>{ "Undo" }</button>
                <button type="button" class="icon-button quiet" aria-label="Dismiss" onclick={dismiss.clone()}>{ "✕" }</button></p>
        },
        Some(Notice::Shared { kept }) => html! {
            <p class="notice" data-testid="notice">
                { "Opened a shared link. " }
                if kept {
                    { "Your previous draft is kept in this browser: " }
                    <button type="button" class="link-button" data-testid="restore-draft" onclick={on_restore_kept}>{ "switch back to my draft" }</button>
                }
                <button type="button" class="icon-button quiet" aria-label="Dismiss" onclick={dismiss.clone()}>{ "✕" }</button>
            </p>
        },
        Some(Notice::LinkProblem(text)) => html! {
            <p class="notice warn" data-testid="notice" role="alert">{ text }
                <button type="button" class="icon-button quiet" aria-label="Dismiss" onclick={dismiss.clone()}>{ "✕" }</button></p>
        },
        Some(Notice::Info(text)) => html! {
            <p class="notice" data-testid="notice">{ text }
                <button type="button" class="icon-button quiet" aria-label="Dismiss" onclick={dismiss.clone()}>{ "✕" }</button></p>
        },
    };

    let identity = identity_line(report.trace.as_ref());
    let argv = Rc::new(report.argv.clone());
    let scenario_problems =
        Rc::new(report.problems.iter().filter(|p| p.field != crate::eval::Field::Doc).cloned().collect::<Vec<_>>());

    html! {
        <ContextProvider<Actions> context={actions.clone()}>
        <div class="app" onkeydown={on_keydown}>
            <a class="skip-link" href={["#", COMMAND_ID].concat()}>{ "Skip to the command" }</a>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                        <rect x="2" y="2" width="28" height="28" rx="8" class="logo-bg" />
                        <path d="M10 12l5 4-5 4M17 21h6" class="logo-fg" />
                    </svg>
                    <div>
                        <h1>{ "Codex policy playground" }</h1>
                        <p class="tagline">
                            { "Who gets which policy, and what Codex does with a command — decided exactly as Codex decides. Everything runs in this page." }
                        </p>
                        <p class="version" data-testid="codex-version"><span class="muted">{ "Follows " }</span>{ policy_engine::CODEX_BEHAVIOUR }
                            if current.scenario.codex != policy_engine::explain::ExplainOptions::default() {
                                <span class="muted">{ ", except " }</span>{ codex_choices(current.scenario.codex) }
                            }
                        </p>
                    </div>
                </div>
                <nav class="topbar-actions" aria-label="Playground">
                    <button type="button" class="button" data-testid="examples-button" onclick={open_gallery.clone()}>{ "Examples" }</button>
                    <input type="file" id="import-input" class="file-input" multiple=true accept=".toml,.rules,.star,.bzl,text/plain"
                        data-testid="import-input" onchange={on_import} />
                    <label for="import-input" class="button">{ "Import" }</label>
                    <details class="menu">
                        <summary class="button" data-testid="export-button">{ "Export" }</summary>
                        <div class="menu-body">
                            <button type="button" class="menu-item" data-testid="export-all" onclick={export_all}>{ "All files" }</button>
                            <button type="button" class="menu-item" onclick={export_one(AttrValue::Static(WORKSPACE_DOC), current.workspace.clone())}>{ WORKSPACE_DOC }</button>
                            { for current.docs.iter().map(|d| html! {
                                <button type="button" class="menu-item" onclick={export_one(d.name.clone(), d.text.clone())}>{ d.name.clone() }</button>
                            }) }
                        </div>
                    </details>
                    <button type="button" class="button primary" data-testid="share-button" onclick={on_share}>{ "Share link" }</button>
                    <fieldset class="segmented" data-testid="theme-toggle">
                        <legend class="sr-only">{ "Colour theme" }</legend>
                        { for Theme::ALL.iter().map(|&choice| {
                            let id = ["theme-", &choice.label().to_lowercase()].concat();
                            html! {
                                <>
                                    <input type="radio" name="theme" id={id.clone()} data-testid={id.clone()}
                                        checked={*theme == choice} onchange={on_theme(choice)} />
                                    <label for={id}>{ choice.label() }</label>
                                </>
                            }
                        }) }
                    </fieldset>
                </nav>
            </header>
            <div class="notices">
                { notice_view }
                if *storage_failed {
                    <p class="notice warn" data-testid="storage-warning" role="alert">
                        { "This browser did not save the last edit (storage is full or disabled). Your text is still here; use Export to keep a copy." }
                    </p>
                }
                { share_view }
            </div>

            <main class={classes!("workspace", matches!(*view, View::Grid | View::Diff).then_some("wide"))}>
                <section class="panel files" aria-labelledby="files-title">
                    <div class="panel-head">
                        <h2 id="files-title" class="panel-title">{ current_name(model.as_deref()) }</h2>
                        <label class="check small" title="Plain textareas, without the highlighting overlay (best with a screen reader)">
                            <input type="checkbox" checked={*plain} onchange={on_plain} data-testid="plain-mode" />
                            { "Plain editors" }
                        </label>
                    </div>
                    <div class="tabs file-tabs" role="tablist" aria-label="Files" onkeydown={left_keys}>
                        { tab_button(AttrValue::Static(FORM_TAB), html! { "Overview" }, Some("form-tab")) }
                        { tab_button(AttrValue::Static(WORKSPACE_DOC), html! { <code>{ WORKSPACE_DOC }</code> }, None) }
                        { for doc_names.iter().map(|n| tab_button(n.clone(), html! { <code>{ n.clone() }</code> }, None)) }
                    </div>
                    <div class="new-file-row">{ new_file_form }</div>
                    <div id="file-panel" role="tabpanel" aria-labelledby={["tab-", active.as_str()].concat()} class="file-panel">
                        { editor }
                    </div>
                </section>

                <div class="side">
                    <ScenarioPanel scenario={current.scenario.clone()} model={model.clone()} {argv} problems={scenario_problems} {identity} />
                    <section class="panel results" id="results" aria-label="Results">
                        <div class="tabs view-tabs" role="tablist" aria-label="Result views" onkeydown={view_keys}>
                            { view_tab(View::Trace, "Result", None) }
                            { view_tab(View::Grid, "Grid", None) }
                            { view_tab(View::Diff, "Diff", None) }
                            { view_tab(View::Lint, "Lint", (lint_count > 0).then_some((lint_count, error_count > 0))) }
                        </div>
                        <div id="view-panel" role="tabpanel" aria-labelledby={["view-", view_name(*view)].concat()} class="view-panel">
                            { view_body }
                        </div>
                        <p class="hint timing" data-testid="eval-time" title="Time the engine took in this browser for the last evaluation">
                            { elapsed_ms.map_or_else(|| "evaluated while the page loaded".to_owned(), |ms| ["evaluated in ", &crate::ui::format_ms(ms)].concat()) }
                        </p>
                    </section>
                </div>
            </main>

            <footer class="footer">
                <p>{ "Nothing you type leaves this page: the engine runs here as WebAssembly, drafts stay in this browser, and share links carry the files in the link itself." }</p>
            </footer>
            <Gallery on_open={on_example} />
        </div>
        </ContextProvider<Actions>>
    }
}

/// The header's note on where the scenario departs from released Codex.
fn codex_choices(options: policy_engine::explain::ExplainOptions) -> String {
    use policy_engine::heuristics::HeuristicsVersion;
    use policy_engine::requirements::MergeMode;
    let merge = (options.merge_mode == MergeMode::DeepMerge).then_some("requirements merge v2 (newest main)");
    let heuristics = (options.heuristics == HeuristicsVersion::Newest).then_some("newest heuristics");
    merge.into_iter().chain(heuristics).collect::<Vec<_>>().join(" and ")
}

fn current_name(model: Option<&FormModel>) -> String {
    match model.and_then(|m| m.name.as_deref()) {
        Some(name) => ["Workspace “", name, "”"].concat(),
        None => "Workspace".to_owned(),
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests;

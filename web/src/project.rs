//! What a person edits, as one value: the workspace file, the files it references, the scenario,
//! the grid's command list and an optional baseline. It is what drafts, share links and exports
//! carry, so its text format is versioned: `v1` is a JSON object (printed by the engine's own
//! [`Json`], so no JSON crate ships in the wasm), and every older format keeps decoding.

use std::rc::Rc;

use policy_engine::explain::ExplainOptions;
use policy_engine::heuristics::HeuristicsVersion;
use policy_engine::json::Json;
use policy_engine::requirements::MergeMode;
use yew::AttrValue;

/// The name the workspace file goes by in editors, diagnostics and exports.
pub const WORKSPACE_DOC: &str = "workspace.toml";

/// The newest format this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// One file the workspace references (`file = "…"`), edited in its own tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The path as the workspace writes it.
    pub name: AttrValue,
    /// Its text.
    pub text: AttrValue,
}

impl Doc {
    /// A document from owned parts.
    pub fn new(name: impl Into<AttrValue>, text: impl Into<AttrValue>) -> Self {
        Self { name: name.into(), text: text.into() }
    }

    /// Which highlighter and editor hook the file gets, by extension.
    pub fn kind(name: &str) -> DocKind {
        if name == WORKSPACE_DOC {
            DocKind::Workspace
        } else if has_extension(name, &["rules", "star", "bzl"]) {
            DocKind::Rules
        } else {
            DocKind::Requirements
        }
    }
}

/// Whether `name` ends in `.ext` for one of `extensions` (any letter case).
pub fn has_extension(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// What a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// The workspace file.
    Workspace,
    /// A `requirements.toml` (a policy or a local layer).
    Requirements,
    /// A Starlark `.rules` file.
    Rules,
}

/// The workspace file and its documents, as one comparable value (the diff baseline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The workspace file.
    pub workspace: AttrValue,
    /// The referenced files.
    pub docs: Rc<Vec<Doc>>,
}

/// Who is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhoMode {
    /// A user looked up by email.
    #[default]
    User,
    /// A member of exactly the ticked groups.
    Groups,
}

/// The user's own config values, as `codex -c` would set them ("" = not set).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigInput {
    /// `approval_policy`
    pub approval_policy: AttrValue,
    /// `sandbox_mode`
    pub sandbox_mode: AttrValue,
    /// `web_search`
    pub web_search: AttrValue,
    /// `approvals_reviewer`
    pub approvals_reviewer: AttrValue,
    /// Further `KEY=VALUE` overrides, one per line.
    pub overrides: AttrValue,
}

impl ConfigInput {
    /// Config keys with a picker, in display order.
    pub const KEYS: [&'static str; 4] = ["approval_policy", "sandbox_mode", "web_search", "approvals_reviewer"];

    /// The value of one picker key.
    pub fn get(&self, key: &str) -> &AttrValue {
        match key {
            "approval_policy" => &self.approval_policy,
            "sandbox_mode" => &self.sandbox_mode,
            "web_search" => &self.web_search,
            _ => &self.approvals_reviewer,
        }
    }

    /// Sets one picker key (unknown keys are ignored).
    pub fn set(&mut self, key: &str, value: AttrValue) {
        match key {
            "approval_policy" => self.approval_policy = value,
            "sandbox_mode" => self.sandbox_mode = value,
            "web_search" => self.web_search = value,
            "approvals_reviewer" => self.approvals_reviewer = value,
            _ => {}
        }
    }

    /// Every override as `KEY=VALUE`, pickers first.
    pub fn assignments(&self) -> Vec<String> {
        let mut out: Vec<String> =
            Self::KEYS.iter().filter(|k| !self.get(k).is_empty()).map(|k| [*k, "=", self.get(k)].concat()).collect();
        out.extend(
            self.overrides.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned),
        );
        out
    }

    /// Whether anything is set.
    pub fn is_empty(&self) -> bool {
        Self::KEYS.iter().all(|k| self.get(k).is_empty()) && self.overrides.trim().is_empty()
    }
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScenarioInput {
    /// By email or by groups.
    pub mode: WhoMode,
    /// The email (user mode).
    pub user: AttrValue,
    /// The ticked groups (groups mode).
    pub groups: Rc<Vec<AttrValue>>,
    /// A command line, or one argument per line in argv mode.
    pub command: AttrValue,
    /// Whether `command` is one argument per line.
    pub argv_mode: bool,
    /// The user's own config.
    pub config: ConfigInput,
    /// The machine's host name.
    pub host: AttrValue,
    /// Whether the tool call asks to run outside the sandbox.
    pub escalate: bool,
    /// Which Codex generation to follow where versions differ (requirements merge, heuristics).
    pub codex: ExplainOptions,
    /// A cloud-agent internet request to check, `METHOD URL` (empty: none).
    pub internet: AttrValue,
}

/// Rows of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridRows {
    /// Every user of the workspace.
    #[default]
    Users,
    /// Every group on its own.
    Groups,
}

/// The grid's (and the diff's) command list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GridInput {
    /// Users or groups.
    pub rows: GridRows,
    /// One command line per line.
    pub commands: AttrValue,
}

/// Everything a person edits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Project {
    /// The workspace file.
    pub workspace: AttrValue,
    /// The files it references, in tab order.
    pub docs: Rc<Vec<Doc>>,
    /// What to simulate.
    pub scenario: ScenarioInput,
    /// The grid and diff commands.
    pub grid: GridInput,
    /// The diff baseline, when marked.
    pub baseline: Option<Rc<Snapshot>>,
}

impl Project {
    /// The text of a document (the workspace file included).
    pub fn text_of(&self, name: &str) -> Option<&AttrValue> {
        if name == WORKSPACE_DOC {
            return Some(&self.workspace);
        }
        self.docs.iter().find(|d| d.name == name).map(|d| &d.text)
    }

    /// The workspace file and documents, for the baseline.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { workspace: self.workspace.clone(), docs: Rc::clone(&self.docs) }
    }

    /// Replaces a document's text (the workspace file included); a new name adds a document.
    pub fn set_text(&mut self, name: &str, text: AttrValue) {
        if name == WORKSPACE_DOC {
            self.workspace = text;
            return;
        }
        let docs = Rc::make_mut(&mut self.docs);
        match docs.iter_mut().find(|d| d.name == name) {
            Some(doc) => doc.text = text,
            None => docs.push(Doc { name: AttrValue::from(name.to_owned()), text }),
        }
    }

    /// Removes a document.
    pub fn remove_doc(&mut self, name: &str) {
        Rc::make_mut(&mut self.docs).retain(|d| d.name != name);
    }

    /// The v1 JSON text.
    pub fn to_json(&self, with_baseline: bool) -> String {
        let s = &self.scenario;
        let mut config = Json::object();
        for key in ConfigInput::KEYS {
            let value = s.config.get(key);
            if !value.is_empty() {
                config.push(key, value.as_str());
            }
        }
        let scenario = Json::object()
            .with("mode", if s.mode == WhoMode::Groups { "groups" } else { "user" })
            .with("user", s.user.as_str())
            .with("groups", Json::Array(s.groups.iter().map(|g| Json::from(g.as_str())).collect()))
            .with("command", s.command.as_str())
            .with("argv", s.argv_mode)
            .with("config", config)
            .with("overrides", s.config.overrides.as_str())
            .with("host", s.host.as_str())
            .with("escalate", s.escalate)
            .with("internet", s.internet.as_str())
            .with(
                "codex",
                Json::object()
                    .with("merge", s.codex.merge_mode.as_str())
                    .with("heuristics", s.codex.heuristics.as_str()),
            );
        let mut out = Json::object()
            .with("v", i64::from(FORMAT_VERSION))
            .with("workspace", self.workspace.as_str())
            .with("files", docs_json(&self.docs))
            .with("scenario", scenario)
            .with(
                "grid",
                Json::object()
                    .with("rows", if self.grid.rows == GridRows::Groups { "groups" } else { "users" })
                    .with("commands", self.grid.commands.as_str()),
            );
        if with_baseline && let Some(baseline) = &self.baseline {
            out.push(
                "baseline",
                Json::object().with("workspace", baseline.workspace.as_str()).with("files", docs_json(&baseline.docs)),
            );
        }
        out.to_compact()
    }

    /// Reads the v1 JSON text. Unknown members are ignored (a newer v1 writer may add some);
    /// missing ones take their defaults; only a missing workspace file is an error.
    pub fn from_json(text: &str) -> Result<Project, String> {
        let json =
            Json::parse(text).map_err(|e| format!("it is not valid JSON ({} at byte {})", e.message, e.offset))?;
        let workspace = json.get("workspace").and_then(Json::as_str).ok_or("it has no workspace file")?;
        let docs = docs_from(json.get("files"));
        let s = json.get("scenario");
        let text_at = |key: &str| -> AttrValue {
            s.and_then(|s| s.get(key)).and_then(Json::as_str).map(|t| AttrValue::from(t.to_owned())).unwrap_or_default()
        };
        let mut config = ConfigInput { overrides: text_at("overrides"), ..ConfigInput::default() };
        for key in ConfigInput::KEYS {
            if let Some(value) = s.and_then(|s| s.get("config")).and_then(|c| c.get(key)).and_then(Json::as_str) {
                config.set(key, AttrValue::from(value.to_owned()));
            }
        }
        let scenario = ScenarioInput {
            mode: if s.and_then(|s| s.get("mode")).and_then(Json::as_str) == Some("groups") {
                WhoMode::Groups
            } else {
                WhoMode::User
            },
            user: text_at("user"),
            groups: Rc::new(
                s.and_then(|s| s.get("groups"))
                    .and_then(Json::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Json::as_str)
                    .map(|g| AttrValue::from(g.to_owned()))
                    .collect(),
            ),
            command: text_at("command"),
            argv_mode: s.and_then(|s| s.get("argv")).and_then(Json::as_bool).unwrap_or(false),
            config,
            host: text_at("host"),
            escalate: s.and_then(|s| s.get("escalate")).and_then(Json::as_bool).unwrap_or(false),
            codex: codex_from(s.and_then(|s| s.get("codex"))),
            internet: text_at("internet"),
        };
        let g = json.get("grid");
        let grid = GridInput {
            rows: if g.and_then(|g| g.get("rows")).and_then(Json::as_str) == Some("groups") {
                GridRows::Groups
            } else {
                GridRows::Users
            },
            commands: g
                .and_then(|g| g.get("commands"))
                .and_then(Json::as_str)
                .map(|t| AttrValue::from(t.to_owned()))
                .unwrap_or_default(),
        };
        let baseline = json.get("baseline").and_then(|b| {
            let workspace = b.get("workspace").and_then(Json::as_str)?;
            Some(Rc::new(Snapshot {
                workspace: AttrValue::from(workspace.to_owned()),
                docs: docs_from(b.get("files")),
            }))
        });
        Ok(Project { workspace: AttrValue::from(workspace.to_owned()), docs, scenario, grid, baseline })
    }

    /// The drafts of the first playground (one `requirements.toml`, one `default.rules`, a
    /// command), as a workspace whose system layer and user rules are those files, so old drafts
    /// keep opening with the same decision.
    pub fn from_legacy(requirements: Option<String>, rules: Option<String>, command: Option<String>) -> Project {
        let mut workspace = String::from(
            "# Your earlier draft: requirements.toml as the system layer, default.rules as the user's rules.\n\
             [workspace]\nname = \"Draft\"\ndefault_role = \"Member\"\n\n[roles.Member]\ncodex_local = true\n\n\
             [layers]\nsystem = { file = \"requirements.toml\", path = \"/etc/codex/requirements.toml\" }\n",
        );
        let mut docs = vec![Doc::new("requirements.toml", requirements.unwrap_or_default())];
        if let Some(rules) = rules.filter(|r| !r.trim().is_empty()) {
            workspace.push_str("\n[rules]\nuser = [{ file = \"default.rules\" }]\n");
            docs.push(Doc::new("default.rules", rules));
        }
        Project {
            workspace: workspace.into(),
            docs: Rc::new(docs),
            scenario: ScenarioInput {
                user: "dev@example.com".into(),
                command: command.unwrap_or_default().into(),
                ..ScenarioInput::default()
            },
            ..Project::default()
        }
    }
}

/// Who a grid row or diff line stands for, to open their trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Person {
    /// A user by email (`(no group)` for someone in no group).
    User(String),
    /// A member of exactly these groups.
    Groups(Vec<String>),
}

/// Every change a person can make.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// New text for a document (the workspace file included); an unknown name adds it.
    Text(AttrValue, AttrValue),
    /// Inserts text at a byte offset of a document (a one-click fix).
    Insert(AttrValue, usize, &'static str),
    /// Files picked for import: `(name, text)`.
    Import(Vec<(String, String)>),
    /// By email or by groups.
    Mode(WhoMode),
    /// The email.
    User(AttrValue),
    /// Ticks or unticks a group.
    Group(AttrValue, bool),
    /// The command.
    Command(AttrValue),
    /// One argument per line, or a command line (the text is converted).
    ArgvMode(bool),
    /// One config picker.
    Config(&'static str, AttrValue),
    /// Further `-c` overrides.
    Overrides(AttrValue),
    /// The host name.
    Host(AttrValue),
    /// The escalation flag.
    Escalate(bool),
    /// Which Codex generation.
    Codex(ExplainOptions),
    /// The cloud-agent internet request.
    Internet(AttrValue),
    /// Grid rows.
    GridRows(GridRows),
    /// Grid commands.
    GridCommands(AttrValue),
    /// Simulate this person and command (from a grid cell or a diff line).
    Pick(Person, Vec<String>),
    /// Marks the current files as the diff baseline.
    MarkBaseline,
    /// Forgets the baseline.
    ClearBaseline,
    /// Replaces everything (an example, a share link, undo).
    Replace(Rc<Project>),
}

impl yew::functional::Reducible for Project {
    type Action = Edit;

    fn reduce(self: Rc<Self>, action: Edit) -> Rc<Self> {
        if let Edit::Replace(next) = action {
            return next;
        }
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

impl Project {
    /// Applies one edit.
    pub fn apply(&mut self, edit: Edit) {
        let s = &mut self.scenario;
        match edit {
            Edit::Text(doc, text) => self.set_text(&doc, text),
            Edit::Insert(doc, at, insert) => {
                if let Some(text) = self.text_of(&doc)
                    && let (Some(before), Some(after)) = (text.get(..at), text.get(at..))
                {
                    let joined = [before, insert, after].concat();
                    self.set_text(&doc, joined.into());
                }
            }
            Edit::Import(files) => self.import(files),
            Edit::Mode(mode) => s.mode = mode,
            Edit::User(user) => s.user = user,
            Edit::Group(group, on) => {
                let groups = Rc::make_mut(&mut s.groups);
                groups.retain(|g| *g != group);
                if on {
                    groups.push(group);
                }
            }
            Edit::Command(command) => s.command = command,
            Edit::ArgvMode(on) if on != s.argv_mode => {
                s.command = convert_command(&s.command, on).into();
                s.argv_mode = on;
            }
            Edit::ArgvMode(_) => {}
            Edit::Config(key, value) => s.config.set(key, value),
            Edit::Overrides(text) => s.config.overrides = text,
            Edit::Host(host) => s.host = host,
            Edit::Escalate(on) => s.escalate = on,
            Edit::Codex(options) => s.codex = options,
            Edit::Internet(request) => s.internet = request,
            Edit::GridRows(rows) => self.grid.rows = rows,
            Edit::GridCommands(text) => self.grid.commands = text,
            Edit::Pick(person, argv) => {
                match person {
                    Person::User(user) => {
                        s.mode = WhoMode::User;
                        s.user = user.into();
                    }
                    Person::Groups(groups) => {
                        s.mode = WhoMode::Groups;
                        s.groups = Rc::new(groups.into_iter().map(AttrValue::from).collect());
                    }
                }
                s.command =
                    if s.argv_mode { argv.join("\n") } else { policy_engine::shell::render_command(&argv) }.into();
            }
            Edit::MarkBaseline => self.baseline = Some(Rc::new(self.snapshot())),
            Edit::ClearBaseline => self.baseline = None,
            Edit::Replace(next) => *self = (*next).clone(),
        }
    }

    /// Imported files: a workspace file (by name, or by its tables) replaces the workspace;
    /// every other file becomes (or replaces) the document of its name. Windows line ends are
    /// normalised, as a textarea would.
    fn import(&mut self, files: Vec<(String, String)>) {
        for (name, text) in files {
            let text = text.replace("\r\n", "\n");
            let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_owned();
            let is_workspace = base.to_ascii_lowercase().ends_with("workspace.toml")
                || (has_extension(&base, &["toml"])
                    && (text.contains("[[policy_rules]]")
                        || text.contains("[[groups]]")
                        || text.contains("[workspace]")));
            if is_workspace {
                self.workspace = text.into();
            } else if !base.is_empty() {
                self.set_text(&base, text.into());
            }
        }
    }
}

/// Converts between a command line and one argument per line.
fn convert_command(command: &str, to_argv: bool) -> String {
    if to_argv {
        shlex::split(command).map_or_else(|| command.to_owned(), |argv| argv.join("\n"))
    } else {
        let argv: Vec<String> = command.lines().map(str::to_owned).collect();
        policy_engine::shell::render_command(&argv)
    }
}

fn docs_json(docs: &[Doc]) -> Json {
    Json::Array(
        docs.iter().map(|d| Json::Array(vec![Json::from(d.name.as_str()), Json::from(d.text.as_str())])).collect(),
    )
}

fn docs_from(json: Option<&Json>) -> Rc<Vec<Doc>> {
    let items = json.and_then(Json::as_array).unwrap_or_default();
    let mut docs: Vec<Doc> = Vec::with_capacity(items.len());
    for item in items {
        let pair = item.as_array().unwrap_or_default();
        let (Some(name), Some(text)) = (pair.first().and_then(Json::as_str), pair.get(1).and_then(Json::as_str)) else {
            continue;
        };
        // A name twice, or the workspace file's own name, would make tabs ambiguous: first wins.
        if name.is_empty() || name == WORKSPACE_DOC || docs.iter().any(|d| d.name == name) {
            continue;
        }
        docs.push(Doc::new(name.to_owned(), text.to_owned()));
    }
    Rc::new(docs)
}

/// Largest share-link fragment decoded at all (the compressed text).
pub const MAX_LINK_CHARS: usize = 2 * 1024 * 1024;
/// Largest decompressed share payload accepted (a guard against compression bombs).
pub const MAX_PAYLOAD_BYTES: usize = 8 * 1024 * 1024;
/// Links longer than this may be cut by chat tools and mail clients.
pub const LONG_LINK_CHARS: usize = 2000;

/// A URL fragment that looks like a share link: its format version and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFragment<'a> {
    /// The `N` of `#vN.`.
    pub version: u32,
    /// The base64url payload.
    pub payload: &'a str,
}

/// Recognises `#vN.payload` (with or without the `#`); other fragments (in-page anchors such as
/// the skip link's) are not share links.
pub fn share_fragment(hash: &str) -> Option<ShareFragment<'_>> {
    let rest = hash.strip_prefix('#').unwrap_or(hash).strip_prefix('v')?;
    let (version, payload) = rest.split_once('.')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) || version.len() > 6 {
        return None;
    }
    Some(ShareFragment { version: version.parse().ok()?, payload })
}

/// Why a share link did not open.
pub fn share_problem_text(version: u32) -> Option<String> {
    (version > FORMAT_VERSION).then(|| {
        format!(
            "This link was made by a newer version of the playground (format v{version}); this one reads up to v{FORMAT_VERSION}. Open it with the newer playground."
        )
    })
}

/// The scenario's `codex` member; unknown or missing values take the released defaults.
fn codex_from(json: Option<&Json>) -> ExplainOptions {
    let text = |key: &str| json.and_then(|c| c.get(key)).and_then(Json::as_str);
    ExplainOptions {
        merge_mode: text("merge").and_then(MergeMode::parse).unwrap_or_default(),
        heuristics: text("heuristics").and_then(HeuristicsVersion::parse).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Project {
        let mut p = Project {
            workspace: "[workspace]\nname = \"x\"\n".into(),
            docs: Rc::new(vec![Doc::new("a.toml", "x = 1\n\u{0}\"é"), Doc::new("t.rules", "")]),
            ..Project::default()
        };
        p.scenario.user = "kim@acme.example".into();
        p.scenario.groups = Rc::new(vec!["A".into(), "B \"q\"".into()]);
        p.scenario.mode = WhoMode::Groups;
        p.scenario.command = "git push".into();
        p.scenario.config.sandbox_mode = "read-only".into();
        p.scenario.config.overrides = "features.x=true".into();
        p.scenario.host = "build-1".into();
        p.scenario.escalate = true;
        p.scenario.codex = ExplainOptions { merge_mode: MergeMode::DeepMerge, heuristics: HeuristicsVersion::Newest };
        p.scenario.internet = "POST https://pypi.org/simple/".into();
        p.grid = GridInput { rows: GridRows::Groups, commands: "ls\ngit push\n".into() };
        p.baseline = Some(Rc::new(p.snapshot()));
        p
    }

    #[test]
    fn v1_round_trips_everything() {
        let p = sample();
        assert_eq!(Project::from_json(&p.to_json(true)).expect("decodes"), p);
        let without = Project::from_json(&p.to_json(false)).expect("decodes");
        assert_eq!(without.baseline, None);
        assert_eq!(without.docs, p.docs);
    }

    #[test]
    fn unknown_members_are_ignored_and_missing_ones_default() {
        let p = Project::from_json(r#"{"v":1,"workspace":"w","future":[1,2],"files":[["a",1],["b","t"],["b","u"]]}"#)
            .expect("decodes");
        assert_eq!(p.workspace, "w");
        assert_eq!(p.docs.as_slice(), [Doc::new("b", "t")]);
        assert_eq!(p.scenario, ScenarioInput::default());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Project::from_json("").is_err());
        assert!(Project::from_json("[]").is_err());
        assert!(Project::from_json("{\"workspace\":").is_err());
        assert!(Project::from_json("{\"workspace\":1}").is_err());
    }

    #[test]
    fn share_fragments_are_recognised_by_their_version_prefix() {
        assert_eq!(share_fragment("#v1.abc"), Some(ShareFragment { version: 1, payload: "abc" }));
        assert_eq!(share_fragment("v12."), Some(ShareFragment { version: 12, payload: "" }));
        assert_eq!(share_fragment("#command-input"), None);
        assert_eq!(share_fragment("#v.abc"), None);
        assert_eq!(share_fragment("#vx.abc"), None);
        assert_eq!(share_fragment("#v99999999.abc"), None);
        assert!(share_problem_text(2).is_some_and(|t| t.contains("format v2")));
        assert_eq!(share_problem_text(1), None);
    }

    #[test]
    fn legacy_drafts_become_a_workspace_with_the_same_files() {
        let p = Project::from_legacy(
            Some("[rules]\n".into()),
            Some("prefix_rule(pattern=[\"ls\"])".into()),
            Some("ls".into()),
        );
        assert_eq!(p.text_of("requirements.toml").map(AttrValue::as_str), Some("[rules]\n"));
        assert!(p.text_of("default.rules").is_some());
        assert!(p.workspace.contains("user = [{ file = \"default.rules\" }]"));
        assert_eq!(p.scenario.command, "ls");
        let no_rules = Project::from_legacy(None, Some("  ".into()), None);
        assert_eq!(no_rules.docs.len(), 1);
    }

    #[test]
    fn edits_apply_to_the_right_place() {
        let mut p = sample();
        p.apply(Edit::Insert("a.toml".into(), 1, "Z"));
        assert_eq!(p.text_of("a.toml").map(AttrValue::as_str), Some("xZ = 1\n\u{0}\"é"));
        p.apply(Edit::Insert("a.toml".into(), 999, "Z"));
        p.apply(Edit::Group("A".into(), false));
        p.apply(Edit::Group("C".into(), true));
        assert_eq!(p.scenario.groups.as_slice(), ["B \"q\"", "C"]);
        p.apply(Edit::Pick(
            Person::User("ana@x".into()),
            vec!["git".into(), "commit".into(), "-m".into(), "a b".into()],
        ));
        assert_eq!((p.scenario.mode, p.scenario.command.as_str()), (WhoMode::User, "git commit -m 'a b'"));
        p.apply(Edit::ArgvMode(true));
        assert_eq!(p.scenario.command, "git\ncommit\n-m\na b");
        p.apply(Edit::ArgvMode(false));
        assert_eq!(p.scenario.command, "git commit -m 'a b'");
        p.apply(Edit::Import(vec![
            ("dir/my.workspace.toml".into(), "[workspace]\r\n".into()),
            ("C:\\x\\t.rules".into(), "new".into()),
            ("n.toml".into(), "y = 2".into()),
        ]));
        assert_eq!(p.workspace, "[workspace]\n");
        assert_eq!(p.text_of("t.rules").map(AttrValue::as_str), Some("new"));
        assert_eq!(p.docs.len(), 3);
        p.remove_doc("n.toml");
        assert_eq!(p.docs.len(), 2);
        p.apply(Edit::ClearBaseline);
        assert!(p.baseline.is_none());
    }

    #[test]
    fn config_assignments_list_pickers_then_overrides() {
        let mut c = ConfigInput::default();
        assert!(c.is_empty());
        c.set("approval_policy", "never".into());
        c.overrides = " # comment\nweb_search = \"live\"\n\n".into();
        assert_eq!(c.assignments(), ["approval_policy=never", "web_search = \"live\""]);
    }
}

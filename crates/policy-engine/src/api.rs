//! The JSON face of the engine: plain JSON text in, a tagged JSON result out, never a panic and
//! never an exception. The wasm bindings (`crates/policy-wasm`, and the app's own wasm in
//! `web/src/api.rs`, which the docs element uses) are thin wrappers over these functions, so JS
//! and Rust callers get identical answers.
//!
//! Every result is `{"kind":"ok", …}` or `{"kind":"error","diagnostics":[…]}` (Cedar style).
//! Requests are our own format, so an unknown key is an error (a typo never passes silently).
//!
//! The policy inputs are the same for every function except `check`:
//! `workspace` (the workspace file: text, or `{name, text}`), `files` (`{name, text}` texts its
//! `file = "…"` references resolve to), `requirements` (loose requirements documents, each a
//! system layer) and `rules` (loose `.rules` files, user layer). Without a workspace the person
//! has Codex local and no cloud policy, as `codex-policy explain` without `--workspace`.

use crate::analysis::cases::{parse_cases, run_cases};
use crate::analysis::deciding_rule;
use crate::analysis::diff::{WorkspaceDiffOptions, all_users, diff_policies, diff_workspaces, parse_commands};
use crate::analysis::grid::{self, GridRow};
use crate::analysis::lint::{LintReport, lint_files, lint_workspace};
use crate::approval::Escalation;
use crate::check::{CheckRequest, evaluation_json, run_check};
use crate::config::{apply_override, user_config_from_table};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::explain::{Evaluator, ExplainOptions, Explanation, Scenario, explanation_json, loose_workspace};
use crate::heuristics::HeuristicsVersion;
use crate::json::Json;
use crate::paths::PathContext;
use crate::policy::MatchOptions;
use crate::requirements::layers::MergeMode;
use crate::requirements::settings::UserConfig;
use crate::starlark::{RulesFile, load_rules_files};
use crate::workspace::file::{TextOrigin, Workspace, WorkspaceParse, parse_workspace};

/// Largest JSON request accepted (the inputs are policy texts, not data sets).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Most rows × commands a `grid` request may ask for; beyond it the answer would not fit on a
/// screen anyway, and the bound keeps one request from running for minutes.
pub const MAX_GRID_CELLS: usize = 100_000;

/// The name a workspace text goes by when the request does not name it.
pub const DEFAULT_WORKSPACE_NAME: &str = "workspace.toml";

/// A source text the caller sent, kept so diagnostics can be given line and column.
#[derive(Debug, Clone)]
pub struct NamedText {
    /// File name or label.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Renders diagnostics as JSON, with 1-based line/column computed from the named sources. A span
/// into a text that is not among `sources` keeps its byte range only.
pub fn diagnostics_json(diagnostics: &[Diagnostic], sources: &[NamedText]) -> Json {
    Json::Array(
        diagnostics
            .iter()
            .map(|d| diagnostic_json(d, sources.iter().find(|s| s.name == d.source).map(|s| s.text.as_str())))
            .collect(),
    )
}

/// One diagnostic as JSON; `text` is what its span points into, when known.
fn diagnostic_json(d: &Diagnostic, text: Option<&str>) -> Json {
    let mut item = Json::object()
        .with("severity", d.severity.as_str())
        .with("code", d.code)
        .with("message", d.message.as_str())
        .with_opt("help", d.help.as_deref())
        .with("source", d.source.as_str());
    if let Some(span) = d.span {
        let mut json = Json::object().with("start", span.start).with("end", span.end);
        if let Some(text) = text {
            let index = LineIndex::new(text);
            let (line, column) = index.line_col(span.start);
            let (end_line, end_column) = index.line_col(span.end);
            json =
                json.with("line", line).with("column", column).with("endLine", end_line).with("endColumn", end_column);
        }
        item.push("span", json);
    }
    item
}

/// `{"kind":"error","diagnostics":[…]}`.
pub fn error_result(diagnostics: &[Diagnostic], sources: &[NamedText]) -> Json {
    Json::object().with("kind", "error").with("diagnostics", diagnostics_json(diagnostics, sources))
}

fn request_error(message: impl Into<String>) -> Json {
    error_result(&[Diagnostic::error("api/bad-request", message).in_source("request")], &[])
}

fn request_error_help(message: impl Into<String>, help: impl Into<String>) -> Json {
    error_result(&[Diagnostic::error("api/bad-request", message).with_help(help).in_source("request")], &[])
}

/// `{"kind":"ok", …members of body}`.
fn ok_result(body: Json) -> Json {
    let mut out = vec![("kind".to_owned(), Json::from("ok"))];
    if let Json::Object(members) = body {
        out.extend(members);
    }
    Json::Object(out)
}

/// Parses a request body, enforcing the size limit and the keys the function knows.
fn parse_request(input: &str, keys: &[&[&str]]) -> Result<Json, Json> {
    if input.len() > MAX_REQUEST_BYTES {
        return Err(request_error(format!(
            "input too large: the request is {} bytes; the limit is {MAX_REQUEST_BYTES} bytes",
            input.len()
        )));
    }
    let value =
        Json::parse(input).map_err(|e| request_error(format!("invalid JSON at byte {}: {}", e.offset, e.message)))?;
    let Json::Object(members) = &value else {
        return Err(request_error(format!("the request must be an object, got {}", value.type_name())));
    };
    if !keys.is_empty() {
        for (key, _) in members {
            if !keys.iter().any(|group| group.contains(&key.as_str())) {
                let known: Vec<String> = keys.iter().flat_map(|g| g.iter()).map(|k| format!("`{k}`")).collect();
                return Err(request_error_help(
                    format!("unknown key `{key}` in the request"),
                    format!("the request may have {}", known.join(", ")),
                ));
            }
        }
    }
    Ok(value)
}

/// Runs a request handler and prints its compact JSON.
fn respond(input: &str, keys: &[&[&str]], handler: impl FnOnce(&Json) -> Result<Json, Json>) -> String {
    let result = parse_request(input, keys).and_then(|request| handler(&request));
    match result {
        Ok(json) | Err(json) => json.to_compact(),
    }
}

/// Reads `key` as a list of `{name, text}` files (absent = empty).
fn files(request: &Json, key: &str) -> Result<Vec<NamedText>, Json> {
    let Some(value) = request.get(key) else {
        return Ok(Vec::new());
    };
    let items =
        value.as_array().ok_or_else(|| request_error(format!("`{key}` must be an array of {{name, text}} objects")))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item.get("text").and_then(Json::as_str);
            let name = item.get("name").and_then(Json::as_str).map_or_else(|| format!("{key}[{i}]"), str::to_owned);
            text.map(|text| NamedText { name, text: text.to_owned() })
                .ok_or_else(|| request_error(format!("`{key}[{i}].text` must be a string")))
        })
        .collect()
}

/// Reads one named text: a string (named `default_name`) or `{name?, text}`.
fn named_text(value: &Json, key: &str, default_name: &str) -> Result<NamedText, Json> {
    match value {
        Json::Str(text) => Ok(NamedText { name: default_name.to_owned(), text: text.clone() }),
        Json::Object(_) => {
            let text = value
                .get("text")
                .and_then(Json::as_str)
                .ok_or_else(|| request_error(format!("`{key}.text` must be a string")))?;
            let name = match value.get("name") {
                None | Some(Json::Null) => default_name.to_owned(),
                Some(Json::Str(name)) => name.clone(),
                Some(_) => return Err(request_error(format!("`{key}.name` must be a string"))),
            };
            Ok(NamedText { name, text: text.to_owned() })
        }
        other => Err(request_error(format!(
            "`{key}` must be a string or a {{name, text}} object, got {}",
            other.type_name()
        ))),
    }
}

/// An optional string member.
fn opt_string(request: &Json, key: &str) -> Result<Option<String>, Json> {
    match request.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.clone())),
        Some(other) => Err(request_error(format!("`{key}` must be a string, got {}", other.type_name()))),
    }
}

/// An optional array of strings.
fn opt_strings(request: &Json, key: &str) -> Result<Option<Vec<String>>, Json> {
    match request.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| request_error(format!("`{key}` must be an array of strings"))),
        Some(other) => Err(request_error(format!("`{key}` must be an array of strings, got {}", other.type_name()))),
    }
}

/// Splits a command line with POSIX shell rules, as Codex's own tooling and our CLI do.
fn split_line(line: &str, what: &str) -> Result<Vec<String>, Json> {
    match shlex::split(line) {
        Some(argv) if !argv.is_empty() => Ok(argv),
        Some(_) => Err(request_error(format!("`{what}` is empty: there is no command to evaluate"))),
        None => Err(request_error_help(
            format!("`{what}` has unbalanced quotes"),
            "the command line is split with POSIX shell rules; close every quote or pass `argv` instead",
        )),
    }
}

/// Reads the command: `argv` (array of strings) or `command` (a command line split with POSIX rules).
pub fn command_argv(request: &Json) -> Result<Vec<String>, Json> {
    if let Some(argv) = request.get("argv") {
        let items = argv.as_array().ok_or_else(|| request_error("`argv` must be an array of strings"))?;
        return items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| request_error("`argv` must be an array of strings"))
            })
            .collect();
    }
    match request.get("command").map(|c| c.as_str()) {
        Some(Some(line)) => split_line(line, "command"),
        Some(None) => Err(request_error("`command` must be a string")),
        None => Err(request_error("the request needs `argv` (array of strings) or `command` (a command line)")),
    }
}

/// Reads a list of commands, each a command line or an argv.
fn command_list(request: &Json, key: &str) -> Result<Vec<Vec<String>>, Json> {
    let Some(value) = request.get(key) else {
        return Ok(Vec::new());
    };
    match value {
        // A commands file, as `codex-policy diff --commands` reads it.
        Json::Str(text) => parse_commands(text, key)
            .map_err(|d| error_result(&[d], &[NamedText { name: key.to_owned(), text: text.clone() }])),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::Str(line) => split_line(line, &format!("{key}[{i}]")),
                Json::Array(_) => opt_strings(&Json::object().with("argv", item.clone()), "argv")
                    .map(Option::unwrap_or_default)
                    .map_err(|_| request_error(format!("`{key}[{i}]` must be a command line or an array of strings"))),
                other => Err(request_error(format!(
                    "`{key}[{i}]` must be a command line or an array of strings, got {}",
                    other.type_name()
                ))),
            })
            .collect(),
        other => Err(request_error(format!("`{key}` must be an array of commands, got {}", other.type_name()))),
    }
}

/// Reads `cwd`/`home` (defaults: [`PathContext::default`]).
fn path_context(request: &Json) -> Result<PathContext, Json> {
    let default = PathContext::default();
    Ok(PathContext {
        cwd: opt_string(request, "cwd")?.unwrap_or(default.cwd),
        home: opt_string(request, "home")?.unwrap_or(default.home),
    })
}

const PATH_KEYS: &[&str] = &["cwd", "home"];
const INPUT_KEYS: &[&str] = &["workspace", "files", "requirements", "rules"];
const COMMAND_KEYS: &[&str] = &["argv", "command"];
const SCENARIO_KEYS: &[&str] =
    &["user", "groups", "config", "host", "escalate", "suggest", "internet", "merge", "heuristics"];

/// `check`: `{rules:[{name,text}], requirements:[{name,text}], argv:[…] | command:"…",
/// resolveHostExecutables?, cwd?, home?}` → `{"kind":"ok","matchedRules":[…],"decision":…}`.
pub fn check(input: &str) -> String {
    respond(input, &[&["rules", "requirements", "resolveHostExecutables"], COMMAND_KEYS, PATH_KEYS], check_json)
}

fn check_json(request: &Json) -> Result<Json, Json> {
    let rules = files(request, "rules")?;
    let requirements = files(request, "requirements")?;
    let argv = command_argv(request)?;
    let options = MatchOptions {
        resolve_host_executables: request.get("resolveHostExecutables").and_then(Json::as_bool).unwrap_or(false),
        paths: path_context(request)?,
    };
    let rules_files = as_rules_files(&rules);
    let requirement_files = as_rules_files(&requirements);
    let check_request = CheckRequest { rules: &rules_files, requirements: &requirement_files, argv: &argv, options };
    match run_check(&check_request) {
        Ok(eval) => Ok(ok_result(evaluation_json(&eval))),
        Err(diagnostic) => {
            let sources: Vec<NamedText> = rules.into_iter().chain(requirements).collect();
            Err(error_result(&[diagnostic], &sources))
        }
    }
}

fn as_rules_files(files: &[NamedText]) -> Vec<RulesFile<'_>> {
    files.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect()
}

/// The policy inputs of a request (see the module documentation).
#[derive(Debug, Clone, Default)]
struct Inputs {
    workspace: Option<NamedText>,
    files: Vec<NamedText>,
    requirements: Vec<NamedText>,
    rules: Vec<NamedText>,
}

/// A workspace ready to evaluate, with every text a diagnostic may point into.
struct Loaded {
    workspace: Workspace,
    /// Problems that did not stop loading (a broken policy, a warning).
    notes: Vec<Diagnostic>,
    sources: Vec<NamedText>,
}

impl Inputs {
    fn read(request: &Json) -> Result<Self, Json> {
        let workspace = match request.get("workspace") {
            None | Some(Json::Null) => None,
            Some(value) => Some(named_text(value, "workspace", DEFAULT_WORKSPACE_NAME)?),
        };
        Ok(Self {
            workspace,
            files: files(request, "files")?,
            requirements: files(request, "requirements")?,
            rules: files(request, "rules")?,
        })
    }

    fn is_empty(&self) -> bool {
        self.workspace.is_none() && self.requirements.is_empty() && self.rules.is_empty()
    }

    /// Every text the caller sent.
    fn sources(&self) -> Vec<NamedText> {
        self.workspace.iter().chain(&self.files).chain(&self.requirements).chain(&self.rules).cloned().collect()
    }

    /// Parses the workspace text, resolving `file = "…"` among the sent files.
    fn parse(&self, workspace: &NamedText) -> WorkspaceParse {
        let resolve = |path: &str| -> Result<String, String> {
            self.files
                .iter()
                .find(|f| f.name == path)
                .map(|f| f.text.clone())
                .ok_or_else(|| format!("no file named `{path}` was sent with the request (add it to `files`)"))
        };
        parse_workspace(&workspace.text, &workspace.name, &resolve)
    }

    /// The workspace to evaluate: the workspace file with the loose files added (as system layers
    /// and user rules files), or only the loose files. Errors in the workspace file itself are
    /// fatal, as in `codex-policy explain`; problems inside one policy stay notes.
    fn load(&self) -> Result<Loaded, Json> {
        let mut sources = self.sources();
        let requirements = as_rules_files(&self.requirements);
        let rules = as_rules_files(&self.rules);
        let loose = loose_workspace(&requirements, &rules);
        let (workspace, notes) = match &self.workspace {
            None => (loose, Vec::new()),
            Some(text) => {
                let parse = self.parse(text);
                let fatal: Vec<Diagnostic> = parse
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error && (d.source == text.name || parse.workspace.is_none()))
                    .cloned()
                    .collect();
                match parse.workspace {
                    Some(mut workspace) if fatal.is_empty() => {
                        workspace.layers.extend(loose.layers);
                        workspace.rules.user.extend(loose.rules.user);
                        (workspace, parse.diagnostics)
                    }
                    _ => {
                        let shown = if fatal.is_empty() { parse.diagnostics } else { fatal };
                        return Err(error_result(&shown, &sources));
                    }
                }
            }
        };
        sources.extend(
            texts_of(&workspace).into_iter().filter(|t| !sources.iter().any(|s| s.name == t.name)).collect::<Vec<_>>(),
        );
        Ok(Loaded { workspace, notes, sources })
    }
}

/// The texts inside a workspace under the labels its diagnostics use (inline policies are
/// `policies.<name>`, layers their path or `layers.<kind>`).
fn texts_of(workspace: &Workspace) -> Vec<NamedText> {
    let mut out = Vec::new();
    for policy in &workspace.policies {
        if let Some(text) = &policy.text {
            out.push(NamedText { name: policy.label(), text: text.clone() });
        }
    }
    for layer in &workspace.layers {
        if let (Some(text), Some(input)) = (&layer.text, layer.to_input()) {
            let name = match &layer.origin {
                TextOrigin::File { path } => path.clone(),
                TextOrigin::Inline { .. } => input.source.label(),
            };
            out.push(NamedText { name, text: text.clone() });
        }
    }
    let rules = &workspace.rules;
    for file in rules.system.iter().chain(&rules.user).chain(&rules.project) {
        if let Some(text) = &file.text {
            out.push(NamedText { name: file.name.clone(), text: text.clone() });
        }
    }
    out
}

/// The person's configuration: an object of `config.toml` values (nested objects are tables),
/// or an array of `KEY=VALUE` overrides as `codex -c` takes them.
fn user_config(request: &Json) -> Result<UserConfig, Json> {
    let mut table = crate::tomlread::Table::new();
    match request.get("config") {
        None | Some(Json::Null) => {}
        Some(Json::Object(members)) => {
            for (key, value) in members {
                table.insert(key.clone(), toml_value(value, &format!("config.{key}"))?);
            }
        }
        Some(Json::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let assignment = item
                    .as_str()
                    .ok_or_else(|| request_error(format!("`config[{i}]` must be a `KEY=VALUE` string")))?;
                apply_override(&mut table, assignment).map_err(|e| request_error(format!("`config[{i}]`: {e}")))?;
            }
        }
        Some(other) => {
            return Err(request_error_help(
                format!("`config` must be an object or an array of `KEY=VALUE` strings, got {}", other.type_name()),
                "for example `{\"approval_policy\": \"never\"}` or `[\"approval_policy=never\"]`",
            ));
        }
    }
    user_config_from_table(&table).map_err(|e| {
        request_error_help(
            format!("invalid `config`: {e}"),
            "the values are `config.toml` values, spelled as Codex spells them",
        )
    })
}

/// A JSON value as the TOML value a `config.toml` would hold.
fn toml_value(value: &Json, at: &str) -> Result<crate::tomlread::Value, Json> {
    Ok(match value {
        Json::Null => {
            return Err(request_error(format!("`{at}` is null, which TOML cannot express; leave the key out")));
        }
        Json::Bool(b) => crate::tomlread::Value::Boolean(*b),
        Json::Int(i) => crate::tomlread::Value::Integer(*i),
        Json::Float(f) => crate::tomlread::Value::Float(*f),
        Json::Str(s) => crate::tomlread::Value::String(s.clone()),
        Json::Array(items) => crate::tomlread::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| toml_value(item, &format!("{at}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(members) => {
            let mut table = crate::tomlread::Table::new();
            for (key, item) in members {
                table.insert(key.clone(), toml_value(item, &format!("{at}.{key}"))?);
            }
            crate::tomlread::Value::Table(table)
        }
    })
}

/// `escalate`: `true`/`false`, or Codex's spelling (`require_escalated`, `with_additional_permissions`, `none`).
fn escalation(request: &Json) -> Result<Escalation, Json> {
    match request.get("escalate") {
        None | Some(Json::Null | Json::Bool(false)) => Ok(Escalation::None),
        Some(Json::Bool(true)) => Ok(Escalation::RequireEscalated),
        Some(Json::Str(s)) => Escalation::parse(s).ok_or_else(|| {
            request_error_help(
                format!("unknown escalation `{s}`"),
                "use `true`, `require_escalated`, `with_additional_permissions` or `none`",
            )
        }),
        Some(other) => {
            Err(request_error(format!("`escalate` must be a boolean or a string, got {}", other.type_name())))
        }
    }
}

/// `internet`: `"METHOD URL"` or `{method, url}`.
fn internet(request: &Json) -> Result<Option<(String, String)>, Json> {
    match request.get("internet") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(line)) => crate::workspace::internet::parse_request(line)
            .map(Some)
            .ok_or_else(|| request_error("`internet` must be `METHOD URL`, e.g. `GET https://pypi.org/simple/`")),
        Some(value @ Json::Object(_)) => {
            let method = value.get("method").and_then(Json::as_str).unwrap_or("GET");
            let url = value
                .get("url")
                .and_then(Json::as_str)
                .ok_or_else(|| request_error("`internet.url` must be a string"))?;
            Ok(Some((method.to_owned(), url.to_owned())))
        }
        Some(other) => {
            Err(request_error(format!("`internet` must be a string or {{method, url}}, got {}", other.type_name())))
        }
    }
}

/// `merge` (`v1`/`v2`) and `heuristics` (`released`/`newest`).
fn explain_options(request: &Json) -> Result<ExplainOptions, Json> {
    let merge_mode = match opt_string(request, "merge")?.as_deref() {
        None | Some("v1") => MergeMode::PerField,
        Some("v2") => MergeMode::DeepMerge,
        Some(other) => {
            return Err(request_error_help(format!("unknown merge `{other}`"), "use `v1` (released) or `v2` (newest)"));
        }
    };
    let heuristics = match opt_string(request, "heuristics")?.as_deref() {
        None | Some("released") => HeuristicsVersion::Released,
        Some("newest") => HeuristicsVersion::Newest,
        Some(other) => {
            return Err(request_error_help(format!("unknown heuristics `{other}`"), "use `released` or `newest`"));
        }
    };
    Ok(ExplainOptions { merge_mode, heuristics })
}

/// Everything of a scenario but the person and the command.
fn base_scenario(request: &Json) -> Result<Scenario, Json> {
    let suggested_prefix_rule = match request.get("suggest") {
        Some(Json::Str(line)) => Some(line.split_whitespace().map(str::to_owned).collect()),
        _ => opt_strings(request, "suggest")?,
    };
    Ok(Scenario {
        config: user_config(request)?,
        host: opt_string(request, "host")?,
        escalation: escalation(request)?,
        suggested_prefix_rule,
        paths: path_context(request)?,
        internet: internet(request)?,
        ..Scenario::default()
    })
}

/// `explain`: policy inputs + a scenario (`user` or `groups`, `command` or `argv`, `config`,
/// `host`, `escalate`, `suggest`, `internet`, `cwd`, `home`, `merge`, `heuristics`) →
/// `{"kind":"ok", …}` with the members of `codex-policy explain --json`, plus `decidedBy`
/// (`file:line:col` of the deciding rule, or a label) and diagnostics with line/column.
pub fn explain(input: &str) -> String {
    respond(input, &[INPUT_KEYS, COMMAND_KEYS, SCENARIO_KEYS, PATH_KEYS], explain_json)
}

fn explain_json(request: &Json) -> Result<Json, Json> {
    let inputs = Inputs::read(request)?;
    let mut scenario = base_scenario(request)?;
    scenario.user = opt_string(request, "user")?;
    scenario.groups = opt_strings(request, "groups")?;
    if scenario.user.is_some() && scenario.groups.is_some() {
        return Err(request_error("give either `user` or `groups`, not both"));
    }
    scenario.argv = command_argv(request)?;
    let options = explain_options(request)?;
    let loaded = inputs.load()?;
    let evaluator = Evaluator::new(&loaded.workspace, options, scenario.paths.clone());
    let explanation = evaluator.explain(&scenario);
    let mut body = explanation_json(&explanation);
    if let Json::Object(members) = &mut body {
        members.retain(|(key, _)| key != "diagnostics");
    }
    body.push("decidedBy", deciding_rule(&loaded.workspace, &explanation));
    let diagnostics: Vec<Json> = loaded
        .notes
        .iter()
        .map(|d| diagnostic_json(d, find_text(&loaded.sources, &d.source)))
        .chain(explanation.diagnostics.iter().map(|d| explanation_diagnostic(d, &explanation, &loaded)))
        .collect();
    body.push("diagnostics", Json::Array(diagnostics));
    Ok(ok_result(body))
}

fn find_text<'a>(sources: &'a [NamedText], name: &str) -> Option<&'a str> {
    sources.iter().find(|s| s.name == name).map(|s| s.text.as_str())
}

/// A diagnostic of an explanation, located: requirements diagnostics name their layer
/// (`cloud requirements` is the selected policy's text).
fn explanation_diagnostic(d: &Diagnostic, e: &Explanation, loaded: &Loaded) -> Json {
    if let Some(text) = find_text(&loaded.sources, &d.source) {
        return diagnostic_json(d, Some(text));
    }
    match e.origin_source(&loaded.workspace, &d.source) {
        Some(found) => diagnostic_json(d, Some(found.text)),
        None => diagnostic_json(d, None),
    }
}

/// `lint`: policy inputs → `{"kind":"ok","diagnostics":[…],"errors":n,"warnings":n,"infos":n}`.
/// Problems in the inputs are findings here, not request errors.
pub fn lint(input: &str) -> String {
    respond(input, &[INPUT_KEYS, PATH_KEYS], lint_json)
}

fn lint_json(request: &Json) -> Result<Json, Json> {
    let inputs = Inputs::read(request)?;
    if inputs.is_empty() {
        return Err(request_error("nothing to lint: send `workspace`, `requirements` or `rules`"));
    }
    let paths = path_context(request)?;
    let mut report = LintReport::default();
    if let Some(workspace) = &inputs.workspace {
        let parse = inputs.parse(workspace);
        let found = lint_workspace(&parse, &workspace.name, &workspace.text, &paths);
        report.diagnostics.extend(found.diagnostics);
        report.sources.extend(found.sources);
    }
    if !inputs.requirements.is_empty() || !inputs.rules.is_empty() {
        let found = lint_files(&as_rules_files(&inputs.requirements), &as_rules_files(&inputs.rules), &paths);
        report.diagnostics.extend(found.diagnostics);
        report.sources.extend(found.sources);
    }
    report.sources.extend(inputs.files);
    Ok(ok_result(report.to_json()))
}

/// `diff`: `{old, new, commands?, host?, cwd?, home?}` where `old` and `new` are policy inputs.
/// Two sides of only `.rules` files compare exactly as command policies
/// (`{"kind":"ok","subject":"rules","verdict","changes","programs","incomplete"}`); anything else
/// compares as workspaces (`"subject":"workspace"`, with users, policies and, for `commands`, the
/// outcome of every user × command).
pub fn diff(input: &str) -> String {
    respond(input, &[&["old", "new", "commands", "host"], PATH_KEYS], diff_json)
}

fn side(request: &Json, key: &str) -> Result<Inputs, Json> {
    let value = request.get(key).ok_or_else(|| request_error(format!("the request needs `{key}` (policy inputs)")))?;
    if !matches!(value, Json::Object(_)) {
        return Err(request_error(format!("`{key}` must be an object of policy inputs, got {}", value.type_name())));
    }
    if let Json::Object(members) = value
        && let Some((unknown, _)) = members.iter().find(|(k, _)| !INPUT_KEYS.contains(&k.as_str()))
    {
        return Err(request_error_help(
            format!("unknown key `{unknown}` in `{key}`"),
            "policy inputs are `workspace`, `files`, `requirements` and `rules`",
        ));
    }
    Inputs::read(value)
}

fn diff_json(request: &Json) -> Result<Json, Json> {
    let (old, new) = (side(request, "old")?, side(request, "new")?);
    let commands = command_list(request, "commands")?;
    let paths = path_context(request)?;
    let rules_only = |i: &Inputs| i.workspace.is_none() && i.requirements.is_empty() && !i.rules.is_empty();
    if rules_only(&old) && rules_only(&new) {
        let load = |inputs: &Inputs| {
            load_rules_files(&as_rules_files(&inputs.rules), &paths)
                .map_err(|e| error_result(&[e.diagnostic], &inputs.sources()))
        };
        let (old_policy, new_policy) = (load(&old)?, load(&new)?);
        let diff = diff_policies(&old_policy, &new_policy, &MatchOptions { resolve_host_executables: true, paths });
        let sources: Vec<NamedText> = old.sources().into_iter().chain(new.sources()).collect();
        return Ok(ok_result(Json::object().with("subject", "rules")).merged(diff.to_json(&sources)));
    }
    let (old_loaded, new_loaded) = (old.load()?, new.load()?);
    let options = WorkspaceDiffOptions { commands, host: opt_string(request, "host")?, paths: paths.clone() };
    let old_ev = Evaluator::new(&old_loaded.workspace, ExplainOptions::default(), paths.clone());
    let new_ev = Evaluator::new(&new_loaded.workspace, ExplainOptions::default(), paths);
    let diff = diff_workspaces(&old_ev, &new_ev, &options);
    Ok(ok_result(Json::object().with("subject", "workspace"))
        .merged(diff.to_json(&old_loaded.workspace, &new_loaded.workspace)))
}

/// Appends the members of another object (builder style).
trait Merge {
    fn merged(self, other: Json) -> Json;
}

impl Merge for Json {
    fn merged(mut self, other: Json) -> Json {
        if let Json::Object(members) = other {
            for (key, value) in members {
                self.push(&key, value);
            }
        }
        self
    }
}

/// `grid`: policy inputs + `commands` (command lines or argvs) + `rows?` (emails, or
/// `{groups:[…]}`; default: every member of the workspace's groups and `(no group)`) + the
/// scenario's `config`, `host`, `escalate`, `cwd`, `home` →
/// `{"kind":"ok","rows":[…],"commands":[[…]],"cells":[[{"outcome","decision","policy","reason"}]]}`.
pub fn grid(input: &str) -> String {
    respond(
        input,
        &[INPUT_KEYS, &["rows", "commands", "config", "host", "escalate", "merge", "heuristics"], PATH_KEYS],
        grid_json,
    )
}

fn grid_rows(request: &Json, workspace: &Workspace) -> Result<Vec<GridRow>, Json> {
    let Some(value) = request.get("rows") else {
        return Ok(all_users(&[workspace]).into_iter().map(GridRow::User).collect());
    };
    let items =
        value.as_array().ok_or_else(|| request_error("`rows` must be an array of emails or {groups} objects"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Json::Str(user) => Ok(GridRow::User(user.clone())),
            Json::Object(_) => {
                if let Some(user) = item.get("user").and_then(Json::as_str) {
                    return Ok(GridRow::User(user.to_owned()));
                }
                opt_strings(item, "groups")?
                    .map(GridRow::Groups)
                    .ok_or_else(|| request_error(format!("`rows[{i}]` needs `user` or `groups`")))
            }
            other => Err(request_error(format!(
                "`rows[{i}]` must be an email or a {{groups}} object, got {}",
                other.type_name()
            ))),
        })
        .collect()
}

fn grid_json(request: &Json) -> Result<Json, Json> {
    let inputs = Inputs::read(request)?;
    let base = base_scenario(request)?;
    let commands = command_list(request, "commands")?;
    if commands.is_empty() {
        return Err(request_error("the request needs `commands` (an array of command lines or argvs)"));
    }
    let options = explain_options(request)?;
    let loaded = inputs.load()?;
    let rows = grid_rows(request, &loaded.workspace)?;
    if rows.len().saturating_mul(commands.len()) > MAX_GRID_CELLS {
        return Err(request_error(format!(
            "the grid has {} rows × {} commands; the limit is {MAX_GRID_CELLS} cells",
            rows.len(),
            commands.len()
        )));
    }
    let evaluator = Evaluator::new(&loaded.workspace, options, base.paths.clone());
    Ok(ok_result(grid::grid(&evaluator, &rows, &commands, &base).to_json()))
}

/// `test`: policy inputs + `cases` (a cases TOML file: text or `{name, text}`, see
/// [`crate::analysis::cases`]) → `{"kind":"ok","passed","failed","examples","cases":[…],"coverage":{…}}`.
/// Failing cases are an `ok` answer with `failed > 0`; a cases file that does not parse is an error.
pub fn test(input: &str) -> String {
    respond(input, &[INPUT_KEYS, &["cases"], PATH_KEYS], test_json)
}

fn test_json(request: &Json) -> Result<Json, Json> {
    let inputs = Inputs::read(request)?;
    let cases_value =
        request.get("cases").ok_or_else(|| request_error("the request needs `cases` (a cases TOML file)"))?;
    let cases_text = named_text(cases_value, "cases", "cases.toml")?;
    let cases = parse_cases(&cases_text.text, &cases_text.name)
        .map_err(|errors| error_result(&errors, std::slice::from_ref(&cases_text)))?;
    let loaded = inputs.load()?;
    let evaluator = Evaluator::new(&loaded.workspace, ExplainOptions::default(), path_context(request)?);
    let report = run_cases(&evaluator, &cases);
    let workspace_name = inputs.workspace.as_ref().map_or("workspace", |w| w.name.as_str()).to_owned();
    let mut sources = loaded.sources;
    sources.push(cases_text);
    Ok(ok_result(report.to_json(&sources, &workspace_name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    fn kind(out: &str) -> String {
        parse(out).get("kind").and_then(Json::as_str).unwrap().to_owned()
    }

    const SEED: &str = include_str!("../../../examples/seed-git-review.requirements.toml");
    const ROLLOUT: &str = include_str!("../../../examples/seed-standard-rollout.requirements.toml");

    fn request(members: &[(&str, Json)]) -> String {
        let mut json = Json::object();
        for (k, v) in members {
            json.push(k, v.clone());
        }
        json.to_compact()
    }

    fn file(name: &str, text: &str) -> Json {
        Json::Array(vec![Json::object().with("name", name).with("text", text)])
    }

    #[test]
    fn bad_requests_are_tagged_errors() {
        for input in [
            "",
            "[]",
            "{",
            r#"{"argv":[1]}"#,
            r#"{"rules":"x","argv":[]}"#,
            r#"{"command":"'unterminated"}"#,
            r#"{"argv":[],"typo":1}"#,
        ] {
            let out = parse(&check(input));
            assert_eq!(out.get("kind").and_then(Json::as_str), Some("error"), "{input}");
        }
        for f in [explain, lint, diff, grid, test] {
            for input in ["", "null", "[1]", "{\"workspace\":3}", "{\"nope\":true}", &"[".repeat(10_000)] {
                assert_eq!(kind(&f(input)), "error", "{input}");
            }
        }
    }

    #[test]
    fn requirements_rules_check() {
        let input = r#"{"requirements":[{"name":"r.toml","text":"[rules]\nprefix_rules = [{ pattern = [{ token = \"git\" }, { any_of = [\"push\"] }], decision = \"prompt\" }]"}],"command":"git push origin"}"#;
        assert_eq!(
            check(input),
            r#"{"kind":"ok","matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt"}}],"decision":"prompt"}"#
        );
    }

    #[test]
    fn explain_seed_asks_and_names_the_rule() {
        let out = parse(&explain(&request(&[
            ("requirements", file("requirements.toml", SEED)),
            ("command", "git push origin main".into()),
        ])));
        assert_eq!(out.get("kind").and_then(Json::as_str), Some("ok"));
        assert_eq!(out.get("outcome").and_then(Json::as_str), Some("ask"));
        assert_eq!(out.get("decision").and_then(Json::as_str), Some("prompt"));
        assert_eq!(out.get("decidedBy").and_then(Json::as_str), Some("requirements.toml:5:2"));
    }

    #[test]
    fn explain_rollout_seed_refuses_to_start() {
        let out = parse(&explain(&request(&[
            ("requirements", file("requirements.toml", ROLLOUT)),
            ("command", "ls".into()),
        ])));
        assert_eq!(out.get("outcome").and_then(Json::as_str), Some("error"));
        let reason = out.get("reason").and_then(Json::as_str).unwrap();
        assert!(reason.contains("must include 'read-only'"), "{reason}");
    }

    #[test]
    fn explain_config_object_and_overrides_agree() {
        let base = [
            ("requirements", file("r.toml", "allowed_approval_policies = [\"on-request\"]\n")),
            ("command", "ls".into()),
        ];
        let mut object = base.to_vec();
        object.push(("config", Json::object().with("approval_policy", "never")));
        let mut overrides = base.to_vec();
        overrides.push(("config", Json::Array(vec!["approval_policy=never".into()])));
        let a = parse(&explain(&request(&object)));
        let b = parse(&explain(&request(&overrides)));
        assert_eq!(a, b);
        let diagnostics = a.get("diagnostics").and_then(Json::as_array).unwrap();
        let message = diagnostics[0].get("message").and_then(Json::as_str).unwrap();
        assert!(
            message.starts_with("Configured value for `approval_policy` is disallowed by requirements"),
            "{message}"
        );
        let bad = parse(&explain(&request(&[
            ("command", "ls".into()),
            ("config", Json::object().with("approval_policy", "sometimes")),
        ])));
        assert_eq!(bad.get("kind").and_then(Json::as_str), Some("error"));
    }

    const WORKSPACE: &str = r#"
[roles.Member]
codex_local = true
[workspace]
default_role = "Member"
[[groups]]
name = "Contractors"
members = ["bo@vendor.example"]
[[groups]]
name = "Engineering"
members = ["bo@vendor.example", "ana@acme.example"]
[policies.locked]
file = "locked.toml"
[policies.baseline]
requirements = '''
allowed_approval_policies = ["on-request"]
'''
[[policy_rules]]
group = "Contractors"
policy = "locked"
[[policy_rules]]
group = "Engineering"
policy = "baseline"
"#;

    fn workspace_inputs() -> Vec<(&'static str, Json)> {
        vec![
            ("workspace", Json::object().with("name", "acme.toml").with("text", WORKSPACE)),
            (
                "files",
                file(
                    "locked.toml",
                    "[rules]\nprefix_rules = [{ pattern = [{ token = \"git\" }], decision = \"forbidden\" }]\n",
                ),
            ),
        ]
    }

    #[test]
    fn explain_workspace_first_matching_group_rule() {
        let mut req = workspace_inputs();
        req.push(("user", "bo@vendor.example".into()));
        req.push(("command", "git status".into()));
        let out = parse(&explain(&request(&req)));
        assert_eq!(out.get("outcome").and_then(Json::as_str), Some("reject"), "{out:?}");
        assert_eq!(out.get("policy").and_then(|p| p.get("name")).and_then(Json::as_str), Some("locked"));
        assert_eq!(out.get("decidedBy").and_then(Json::as_str), Some("locked.toml:2:17"));
    }

    #[test]
    fn workspace_errors_are_located() {
        let out = parse(&explain(&request(&[
            ("workspace", Json::from("[workspace]\nnmae = 1\n")),
            ("command", "ls".into()),
        ])));
        assert_eq!(out.get("kind").and_then(Json::as_str), Some("error"));
        let d = &out.get("diagnostics").and_then(Json::as_array).unwrap()[0];
        assert_eq!(d.get("source").and_then(Json::as_str), Some(DEFAULT_WORKSPACE_NAME));
        assert_eq!(d.get("span").and_then(|s| s.get("line")), Some(&Json::Int(2)));
        let missing = parse(&explain(&request(&[
            ("workspace", Json::from("[policies.a]\nfile = \"a.toml\"\n")),
            ("command", "ls".into()),
        ])));
        let text = missing.to_compact();
        assert!(text.contains("no file named `a.toml`"), "{text}");
    }

    #[test]
    fn lint_finds_the_rollout_seed_error() {
        let out = parse(&lint(&request(&[("requirements", file("requirements.toml", ROLLOUT))])));
        assert_eq!(out.get("kind").and_then(Json::as_str), Some("ok"));
        assert!(matches!(out.get("errors"), Some(Json::Int(n)) if *n >= 1), "{out:?}");
        assert_eq!(kind(&lint("{}")), "error");
    }

    #[test]
    fn diff_rules_and_workspaces() {
        let old =
            Json::object().with("rules", file("a.rules", "prefix_rule(pattern=[\"git\"], decision=\"prompt\")\n"));
        let new =
            Json::object().with("rules", file("a.rules", "prefix_rule(pattern=[\"git\"], decision=\"forbidden\")\n"));
        let out = parse(&diff(&request(&[("old", old), ("new", new)])));
        assert_eq!(out.get("subject").and_then(Json::as_str), Some("rules"));
        assert_eq!(out.get("verdict").and_then(Json::as_str), Some("stricter"));
        let old_ws = Json::object().with("requirements", file("r.toml", ""));
        let new_ws = Json::object().with("requirements", file("r.toml", SEED));
        let out = parse(&diff(&request(&[
            ("old", old_ws),
            ("new", new_ws),
            ("commands", Json::Array(vec!["git push".into(), Json::Array(vec!["ls".into()])])),
        ])));
        assert_eq!(out.get("subject").and_then(Json::as_str), Some("workspace"));
        assert_eq!(out.get("evaluated"), Some(&Json::Int(2)), "{out:?}");
        assert_eq!(kind(&diff(r#"{"old":{"typo":1},"new":{}}"#)), "error");
    }

    #[test]
    fn grid_rows_default_to_every_member() {
        let mut req = workspace_inputs();
        req.push(("commands", Json::Array(vec!["git push".into(), "ls".into()])));
        let out = parse(&grid(&request(&req)));
        let rows: Vec<&str> =
            out.get("rows").and_then(Json::as_array).unwrap().iter().filter_map(Json::as_str).collect();
        assert_eq!(rows, ["bo@vendor.example", "ana@acme.example", crate::analysis::diff::NO_GROUP]);
        let cells = out.get("cells").and_then(Json::as_array).unwrap();
        assert_eq!(cells[0].as_array().unwrap()[0].get("outcome").and_then(Json::as_str), Some("reject"));
    }

    #[test]
    fn test_runs_cases_and_reports_failures() {
        let mut req = workspace_inputs();
        req.push((
            "cases",
            Json::from(
                "[[case]]\nuser = \"bo@vendor.example\"\ncommand = \"git push\"\nexpect_outcome = \"reject\"\n\n[[case]]\nuser = \"ana@acme.example\"\ncommand = \"git push\"\nexpect_outcome = \"reject\"\n",
            ),
        ));
        let out = parse(&test(&request(&req)));
        assert_eq!(out.get("passed"), Some(&Json::Int(1)), "{out:?}");
        assert_eq!(out.get("failed"), Some(&Json::Int(1)));
        let mut bad = workspace_inputs();
        bad.push(("cases", Json::from("[[case]]\nexpect_outcom = \"ask\"\n")));
        let out = parse(&test(&request(&bad)));
        assert_eq!(out.get("kind").and_then(Json::as_str), Some("error"));
    }
}

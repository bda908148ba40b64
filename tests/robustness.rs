//! Hostile input (issue 10): every parser and entry point of the engine gets random and mutated
//! inputs and must return (a result or diagnostics) without panicking; big and pathological inputs
//! must finish with a result or an `input too large: …` error. Limits are documented in `LIMITS.md`.
//!
//! Generated inputs: the real inputs of `tests/cases` and `examples/`, mutated byte- and token-wise
//! (delete, duplicate, swap, insert quotes, brackets, newlines, unicode, NUL), plus token soup and
//! arbitrary strings. `ROBUSTNESS_CASES=100000 cargo test -p policy-tests --test robustness` runs
//! longer; the default keeps the whole file around a minute in a debug build.
//! Every input that ever failed is kept as a corpus case under `tests/cases/robustness/`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::case_sensitive_file_extension_comparisons,
    clippy::format_push_string,
    clippy::result_large_err,
    clippy::default_trait_access,
    reason = "test harness: corpus file names are lower-case, messages are built once per failure"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::sync::OnceLock;
use std::time::Instant;

use policy_engine::analysis::cases::{parse_cases, run_cases};
use policy_engine::analysis::diff::{
    WorkspaceDiffOptions, detect_kind, diff_policies, diff_workspaces, parse_commands,
};
use policy_engine::analysis::lint::{lint_files, lint_workspace};
use policy_engine::analysis::replay::{Replay, parse_record};
use policy_engine::api;
use policy_engine::config::{apply_override, user_config_from_toml};
use policy_engine::explain::{Evaluator, ExplainOptions, Scenario, loose_workspace};
use policy_engine::json::Json;
use policy_engine::requirements::lint::lint_requirements;
use policy_engine::requirements::{LayerInput, LayerOptions, MergeMode, compose, parse_requirements};
use policy_engine::shell::commands_for_exec_policy;
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::workspace::{Workspace, parse_workspace};
use policy_engine::{MatchOptions, PathContext, Policy};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Generated inputs per parser when `ROBUSTNESS_CASES` (or `PROPTEST_CASES`) is not set.
const DEFAULT_CASES: u32 = 500;

fn cases() -> u32 {
    ["ROBUSTNESS_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok().and_then(|s| s.parse().ok()))
        .unwrap_or(DEFAULT_CASES)
}

// ---------------------------------------------------------------------------------------------
// Seeds: the real inputs of the corpus and the examples, by the parser they belong to.

#[derive(Default)]
struct Seeds {
    requirements: Vec<String>,
    rules: Vec<String>,
    workspace: Vec<String>,
    shell: Vec<String>,
    cases: Vec<String>,
    replay: Vec<String>,
    config: Vec<String>,
    json: Vec<String>,
    any: Vec<String>,
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example(path: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(path)).unwrap_or_default()
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut s = Seeds::default();
        for case in policy_tests::load_cases(&policy_tests::cases_dir()).expect("corpus loads") {
            let value = toml::Value::Table(case.case.fields.clone());
            collect(&mut s, None, None, &value);
        }
        for name in ["acme/baseline.requirements.toml", "acme/contractors.requirements.toml"] {
            s.requirements.push(example(name));
        }
        s.requirements.push(example("acme/platform.requirements.toml"));
        s.requirements.push(example("seed-git-review.requirements.toml"));
        s.requirements.push(example("seed-standard-rollout.requirements.toml"));
        s.rules.push(example("acme/team.rules"));
        s.workspace.push(example("acme/workspace.toml"));
        s.workspace.push(example("acme/draft.workspace.toml"));
        s.cases.push(example("acme/tests.toml"));
        s.replay.extend(example("acme/replay.jsonl").lines().map(str::to_owned));
        s.config.extend([
            "approval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"".to_owned(),
            "[features]\napps = true\n[[mcp_servers]]\nname = \"x\"\ncommand = \"c\"".to_owned(),
            "approval_policy=\"on-request\"".to_owned(),
            "features.apps=true".to_owned(),
            "sandbox_workspace_write.network_access=true".to_owned(),
        ]);
        for shell in s.shell.iter().take(20) {
            let cmd = Json::Str(shell.clone()).to_compact();
            s.json.push(format!(r#"{{"rules":[{{"name":"a.rules","text":"prefix_rule(pattern=[\"git\"], decision=\"prompt\")"}}],"command":{cmd}}}"#));
        }
        let rules = Json::Str(example("acme/team.rules")).to_compact();
        let ws = Json::Str(example("acme/workspace.toml")).to_compact();
        s.json.push(format!(r#"{{"rules":[{{"name":"team.rules","text":{rules}}}],"argv":["git","push","--force"],"cwd":"/w","home":"/h"}}"#));
        s.json.push(format!(r#"{{"workspace":{ws},"user":"ana@acme.example","command":"cargo test"}}"#));
        s.json.push(r#"{"requirements":[{"name":"r.toml","text":"allowed_approval_policies=[\"never\"]"}],"argv":["ls"]}"#.to_owned());
        s.any = [&s.requirements, &s.rules, &s.workspace, &s.shell, &s.cases, &s.replay, &s.json]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        s
    })
}

fn collect(s: &mut Seeds, key: Option<&str>, sibling_name: Option<&str>, value: &toml::Value) {
    match value {
        toml::Value::String(text) => {
            let bucket = match (key, sibling_name) {
                (Some("text"), Some(name)) if name.ends_with(".rules") => &mut s.rules,
                (Some("text"), Some(name)) if name.contains("workspace") => &mut s.workspace,
                (Some("text" | "requirements_text"), _) => &mut s.requirements,
                (Some("workspace_text"), _) => &mut s.workspace,
                (Some("script" | "command"), _) => &mut s.shell,
                (Some("cases" | "cases_text" | "tests_text"), _) => &mut s.cases,
                (Some("log" | "log_text"), _) => {
                    s.replay.extend(text.lines().map(str::to_owned));
                    return;
                }
                (Some(k), _) if k.starts_with("expect") => &mut s.json,
                _ => &mut s.any,
            };
            bucket.push(text.clone());
        }
        toml::Value::Array(items) => {
            if key == Some("argv") && items.iter().all(toml::Value::is_str) {
                let argv: Vec<&str> = items.iter().filter_map(toml::Value::as_str).collect();
                s.shell.push(argv.join(" "));
            }
            for item in items {
                collect(s, key, None, item);
            }
        }
        toml::Value::Table(table) => {
            let name = table.get("name").and_then(toml::Value::as_str);
            for (k, v) in table {
                collect(s, Some(k), name, v);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations.

/// Pieces inserted by mutations: what breaks lexers (quotes, brackets, escapes, line ends), what
/// breaks byte handling (multi-byte and odd unicode, NUL) and what breaks numbers.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "`",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "[[",
    "]]",
    "\n",
    "\r\n",
    "\r",
    "\0",
    "\\",
    "\\u",
    "$(",
    "${",
    "$",
    "<<EOF\n",
    "<<-'EOF'\nx\nEOF\n",
    "\nEOF\n",
    "&&",
    "||",
    "|",
    ";",
    "&",
    ">",
    "<",
    "2>&1",
    "*",
    "?",
    "~",
    "#",
    "=",
    ",",
    ".",
    ":",
    "-",
    "--",
    " ",
    "\t",
    "é",
    "ß",
    "\u{1F600}",
    "\u{202E}",
    "\u{FEFF}",
    "\u{300}",
    "\u{10FFFF}",
    "𝕏",
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e999",
    "nan",
    "inf",
    "-0",
    "0x",
    "true",
    "null",
    "[]",
    "{}",
    "\"\"",
    "a.b.c",
    "lambda x: x",
    "def f():\n  return f()\n",
    "for x in [1]:\n",
    "if True:\n",
    "  ",
    "prefix_rule(",
    "pattern=[",
    "decision=\"forbidden\"",
    "any_of",
    "host_executable(",
    "network_rule(",
    "%",
    "%s",
    "*args",
    "**kw",
    "\"a\" * 99999",
    "[1] * 99999",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Swap { a: usize, b: usize, len: usize },
    Insert { at: usize, piece: usize },
    InsertChar { at: usize, ch: char },
    Repeat { at: usize, piece: usize, times: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<usize>(), 1usize..20).prop_map(|(a, b, len)| Mutation::Swap { a, b, len }),
        (any::<usize>(), 0..PIECES.len()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        (any::<usize>(), 0..PIECES.len()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        (any::<usize>(), any::<char>()).prop_map(|(at, ch)| Mutation::InsertChar { at, ch }),
        (any::<usize>(), 0..PIECES.len(), 2usize..300).prop_map(|(at, piece, times)| Mutation::Repeat {
            at,
            piece,
            times
        }),
    ]
}

fn apply(seed: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for m in mutations {
        let n = chars.len();
        let pos = |at: usize| if n == 0 { 0 } else { at % (n + 1) };
        match *m {
            Mutation::Delete { at, len } => {
                let start = pos(at);
                let end = (start + len).min(n);
                chars.drain(start..end);
            }
            Mutation::Duplicate { at, len } => {
                let start = pos(at);
                let end = (start + len).min(n);
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(end..end, copy);
            }
            Mutation::Swap { a, b, len } => {
                if n > 0 {
                    let a = a % n;
                    let b = b % n;
                    let len = len.min(n - a.max(b));
                    for i in 0..len {
                        if a + i < b || b + i < a {
                            chars.swap(a + i, b + i);
                        }
                    }
                }
            }
            Mutation::Insert { at, piece } => {
                let at = pos(at);
                chars.splice(at..at, PIECES[piece].chars());
            }
            Mutation::InsertChar { at, ch } => chars.insert(pos(at), ch),
            Mutation::Repeat { at, piece, times } => {
                let at = pos(at);
                chars.splice(at..at, PIECES[piece].repeat(times).chars().collect::<Vec<_>>());
            }
        }
    }
    chars.into_iter().collect()
}

/// Mutated seeds (mostly), token soup and arbitrary strings.
fn input(pool: &'static [String]) -> BoxedStrategy<String> {
    let any_pool: &'static [String] = &seeds().any;
    let mutated = move |pool: &'static [String]| {
        (0..pool.len().max(1), prop::collection::vec(mutation(), 1..8))
            .prop_map(move |(i, ms)| apply(pool.get(i).map_or("", String::as_str), &ms))
    };
    prop_oneof![
        6 => mutated(pool),
        1 => mutated(any_pool),
        1 => prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
    .boxed()
}

/// Runs `check` over `cases()` generated inputs; a panic anywhere is a failure with the shrunk input.
fn fuzz(name: &str, strategy: impl Strategy<Value = String>, check: impl Fn(&str)) {
    let config = Config { cases: cases(), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let started = Instant::now();
    let result = runner.run(&strategy, |text| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&text)))
            .map_err(|_| TestCaseError::fail(format!("panicked on {text:?}")))
    });
    eprintln!("{name}: {} generated inputs in {:.2?}", cases(), started.elapsed());
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

fn paths() -> PathContext {
    PathContext { cwd: "/home/dev/project".to_owned(), home: "/home/dev".to_owned() }
}

fn acme_resolver(path: &str) -> Result<String, String> {
    std::fs::read_to_string(root().join("examples/acme").join(path)).map_err(|e| e.to_string())
}

fn acme() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        parse_workspace(&example("acme/workspace.toml"), "workspace.toml", &acme_resolver)
            .workspace
            .expect("acme loads")
    })
}

fn split_argv(text: &str) -> Vec<String> {
    shlex::split(text).unwrap_or_else(|| text.split_whitespace().map(str::to_owned).collect())
}

// ---------------------------------------------------------------------------------------------
// One generator per parser / entry point.

#[test]
fn requirements_toml_never_panics() {
    fuzz("requirements", input(&seeds().requirements), |text| {
        let _ = parse_requirements(text, "requirements.toml");
        let _ = lint_requirements(text, "requirements.toml");
        for mode in [MergeMode::PerField, MergeMode::DeepMerge] {
            let layers = [LayerInput::cloud(text), LayerInput::cloud("allowed_approval_policies = [\"never\"]")];
            let options =
                LayerOptions { mode, host: Some("build-1.acme.example".to_owned()), ..LayerOptions::default() };
            let _ = compose(&layers, &options);
        }
    });
}

#[test]
fn workspace_file_never_panics() {
    fuzz("workspace", input(&seeds().workspace), |text| {
        let parse = parse_workspace(text, "workspace.toml", &acme_resolver);
        let _ = lint_workspace(&parse, "workspace.toml", text, &paths());
        if let Some(ws) = &parse.workspace {
            let evaluator = Evaluator::new(ws, ExplainOptions::default(), paths());
            for user in ["ana@acme.example", "kim@acme.example", "nobody@x"] {
                let scenario = Scenario {
                    user: Some(user.to_owned()),
                    argv: vec!["git".into(), "push".into()],
                    internet: Some(("GET".to_owned(), "https://crates.io/x".to_owned())),
                    paths: paths(),
                    ..Scenario::default()
                };
                let _ = evaluator.explain(&scenario);
            }
        }
    });
}

#[test]
fn rules_starlark_never_panics() {
    fuzz("starlark", input(&seeds().rules), |text| {
        let files = [RulesFile { name: "a.rules", text }];
        if let Ok(policy) = load_rules_files(&files, &paths()) {
            let _ = policy.check_multiple(&[vec!["git".to_owned(), "push".to_owned()]], &MatchOptions::default(), None);
        }
        let _ = lint_files(&[], &files, &paths());
    });
}

#[test]
fn shell_scripts_never_panic() {
    fuzz("shell", input(&seeds().shell), |text| {
        for shell in ["bash", "zsh", "sh", "/bin/bash"] {
            let _ = commands_for_exec_policy(&[shell.to_owned(), "-lc".to_owned(), text.to_owned()]);
        }
        let _ = commands_for_exec_policy(&split_argv(text));
    });
}

#[test]
fn argv_through_the_whole_pipeline_never_panics() {
    let ws = acme();
    let evaluator = Evaluator::new(ws, ExplainOptions::default(), paths());
    fuzz("explain argv", input(&seeds().shell), |text| {
        for argv in [split_argv(text), vec!["bash".to_owned(), "-lc".to_owned(), text.to_owned()]] {
            let scenario = Scenario {
                user: Some("raj@acme.example".to_owned()),
                suggested_prefix_rule: Some(argv.iter().take(2).cloned().collect()),
                argv,
                paths: paths(),
                ..Scenario::default()
            };
            let _ = evaluator.explain(&scenario);
        }
    });
}

#[test]
fn loose_rules_and_requirements_through_explain_never_panic() {
    let strategy = (input(&seeds().rules), input(&seeds().requirements), input(&seeds().shell));
    let joined = strategy.prop_map(|(a, b, c)| format!("{a}\u{1}{b}\u{1}{c}"));
    fuzz("explain loose files", joined, |all| {
        let mut parts = all.splitn(3, '\u{1}');
        let (rules, reqs, cmd) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let ws =
            loose_workspace(&[RulesFile { name: "r.toml", text: reqs }], &[RulesFile { name: "a.rules", text: rules }]);
        let evaluator = Evaluator::new(&ws, ExplainOptions::default(), paths());
        let _ = evaluator.explain(&Scenario { argv: split_argv(cmd), paths: paths(), ..Scenario::default() });
    });
}

#[test]
fn config_overrides_never_panic() {
    fuzz("config", input(&seeds().config), |text| {
        let _ = user_config_from_toml(text);
        let mut table = policy_engine::tomlread::Table::new();
        let _ = apply_override(&mut table, text);
        let _ = apply_override(&mut table, "approval_policy=\"never\"");
        let _ = apply_override(&mut table, text);
    });
}

#[test]
fn json_api_never_panics() {
    fuzz("json api", input(&seeds().json), |text| {
        let _ = Json::parse(text);
        let _ = api::check(text);
        let _ = api::explain(text);
        let _ = api::lint(text);
        let _ = api::diff(text);
        let _ = api::grid(text);
        let _ = api::test(text);
    });
}

#[test]
fn json_api_with_hostile_texts_never_panics() {
    // Valid requests whose policy texts are hostile: reaches every handler past request parsing.
    let strategy = (input(&seeds().rules), input(&seeds().workspace), input(&seeds().shell));
    let request = strategy.prop_map(|(rules, ws, cmd)| {
        let (rules, ws, cmd) = (Json::Str(rules).to_compact(), Json::Str(ws).to_compact(), Json::Str(cmd).to_compact());
        format!(
            r#"{{"rules":[{{"name":"a.rules","text":{rules}}}],"workspace":{ws},"files":[],"command":{cmd},"user":"ana@acme.example","cwd":"/w","home":"/h"}}"#
        )
    });
    fuzz("json api texts", request, |text| {
        let _ = api::explain(text);
        let _ = api::lint(text);
        let _ = api::grid(text);
        if let Ok(Json::Object(mut fields)) = Json::parse(text) {
            fields.retain(|(k, _)| k != "workspace" && k != "files" && k != "user");
            let _ = api::check(&Json::Object(fields).to_compact());
        }
    });
}

#[test]
fn analysis_entry_points_never_panic() {
    let ws = acme();
    let evaluator = Evaluator::new(ws, ExplainOptions::default(), paths());
    fuzz("policy tests file", input(&seeds().cases), |text| {
        if let Ok(file) = parse_cases(text, "tests.toml") {
            let _ = run_cases(&evaluator, &file);
        }
        let _ = parse_commands(text, "commands.txt");
        let _ = detect_kind("x.toml", text);
    });
    fuzz("replay feed", input(&seeds().replay), |text| {
        let _ = parse_record(text);
        let mut replay = Replay::new(&evaluator, Some(&evaluator), Default::default(), None, paths());
        for (i, line) in text.lines().enumerate() {
            replay.feed(i as u64 + 1, line);
        }
        replay.feed(u64::MAX, text);
        let report = replay.finish();
        let _ = report.to_json();
        let _ = report.render_text("log.jsonl", &[]);
    });
    fuzz("diff", input(&seeds().workspace), |text| {
        let new = parse_workspace(text, "workspace.toml", &acme_resolver);
        if let Some(new) = &new.workspace {
            let other = Evaluator::new(new, ExplainOptions::default(), paths());
            let options = WorkspaceDiffOptions {
                commands: vec![vec!["git".into(), "push".into()]],
                paths: paths(),
                ..Default::default()
            };
            let diff = diff_workspaces(&evaluator, &other, &options);
            let _ = diff.render_text(ws, new);
            let _ = diff.to_json(ws, new);
        }
    });
    let base = load_rules_files(&[RulesFile { name: "team.rules", text: &example("acme/team.rules") }], &paths())
        .unwrap_or_else(|_| Policy::default());
    fuzz("diff rules", input(&seeds().rules), |text| {
        if let Ok(new) = load_rules_files(&[RulesFile { name: "a.rules", text }], &paths()) {
            let _ = diff_policies(&base, &new, &MatchOptions::default());
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Big and pathological inputs: each must end with a result or a clear error (LIMITS.md lists the
// limits and the times measured with `cargo test --release -p policy-tests --test robustness`).

/// Runs `f`, prints how long it took (for LIMITS.md) and returns its result.
fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    eprintln!("[limits] {label}: {:.2?}", started.elapsed());
    out
}

const DEEP: usize = 10_000;
const TEN_MB: usize = 10 << 20;

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// The first error message of a requirements parse (`None` when it parsed).
fn requirements_error(text: &str) -> Option<String> {
    parse_requirements(text, "r.toml").diagnostics.into_iter().next().map(|d| d.message)
}

#[test]
fn deep_toml_nesting_is_an_error_not_a_crash() {
    let inputs = [
        ("array", format!("allowed_approval_policies = {}", nested("[", "", "]", DEEP))),
        ("inline table", format!("features = {}", nested("{a = ", "1", "}", DEEP))),
        ("parens", format!("a = {}", nested("(", "", ")", DEEP))),
        ("dotted key", format!("{} = 1", vec!["a"; DEEP].join("."))),
        ("table header", format!("[{}]", vec!["a"; DEEP].join("."))),
        ("array of tables header", format!("[[{}]]", vec!["a"; DEEP].join("."))),
    ];
    for (what, text) in &inputs {
        let error = timed(&format!("requirements: {DEEP} levels of {what}"), || requirements_error(text));
        let error = error.unwrap_or_else(|| panic!("{what}: nesting {DEEP} deep parsed"));
        eprintln!("[limits]   error: {error}");
        assert!(!error.is_empty(), "{what}");
        let ws =
            timed(&format!("workspace: {DEEP} levels of {what}"), || parse_workspace(text, "w.toml", &acme_resolver));
        assert!(ws.workspace.is_none() && !ws.diagnostics.is_empty(), "{what}");
        assert!(user_config_from_toml(text).is_err(), "{what}");
        let mut table = policy_engine::tomlread::Table::new();
        // `-c` takes a value that is not TOML as a plain string, so only the key can fail here.
        let _ = timed(&format!("config override: {DEEP} levels of {what}"), || apply_override(&mut table, text));
        assert!(parse_cases(text, "t.toml").is_err(), "{what}");
        let layers = [LayerInput::cloud(text.as_str())];
        for mode in [MergeMode::PerField, MergeMode::DeepMerge] {
            let _ = compose(&layers, &LayerOptions { mode, ..LayerOptions::default() });
        }
    }
}

#[test]
fn deep_json_nesting_is_an_error_not_a_crash() {
    for (what, text) in [
        ("array", nested("[", "", "]", DEEP)),
        ("object", nested("{\"a\":", "1", "}", DEEP)),
        ("argv", format!("{{\"argv\":{}}}", nested("[", "", "]", DEEP))),
        ("unclosed", "[".repeat(DEEP)),
    ] {
        assert!(timed(&format!("json: {DEEP} levels of {what}"), || Json::parse(&text)).is_err(), "{what}");
        for answer in [api::check(&text), api::explain(&text), api::lint(&text), api::test(&text)] {
            assert!(answer.starts_with("{\"kind\":\"error\""), "{what}: {answer}");
        }
    }
}

#[test]
fn deep_starlark_nesting_is_an_error_not_a_crash() {
    let mut indented = String::new();
    for level in 0..1_000 {
        indented.push_str(&format!("{}if True:\n", " ".repeat(level)));
    }
    indented.push_str(&format!("{}pass\n", " ".repeat(1_000)));
    for (what, text) in [
        ("list", format!("x = {}", nested("[", "", "]", DEEP))),
        ("dict", format!("x = {}", nested("{1: ", "1", "}", DEEP))),
        ("parens", format!("x = {}", nested("(", "1", ")", DEEP))),
        ("calls", format!("x = {}", nested("len(", "[]", ")", DEEP))),
        ("unary minus", format!("x = {}1", "-".repeat(DEEP))),
        ("not", format!("x = {}True", "not ".repeat(DEEP))),
        ("binary chain", format!("x = 1{}", " + 1".repeat(DEEP * 10))),
        ("lambda", format!("x = {}1", "lambda: ".repeat(DEEP))),
        ("1,000 indented blocks", indented),
        ("unclosed", "x = ".to_owned() + &"[".repeat(DEEP)),
    ] {
        let result = timed(&format!("starlark: {what}"), || {
            load_rules_files(&[RulesFile { name: "a.rules", text: &text }], &paths())
        });
        if let Err(e) = result {
            eprintln!("[limits]   error: {}", e.diagnostic.message);
            assert!(!e.diagnostic.message.is_empty(), "{what}");
        }
    }
}

#[test]
fn ten_megabyte_inputs_finish() {
    let list = format!("allowed_approval_policies = [{}\"never\"]", "\"never\", ".repeat(TEN_MB / 9));
    timed("requirements: 10 MB array", || parse_requirements(&list, "r.toml"));
    let comment = format!("# {}\nallowed_approval_policies = [\"never\"]", "x".repeat(TEN_MB));
    assert!(timed("requirements: 10 MB comment", || requirements_error(&comment)).is_none());
    let string = format!("[features]\nx = \"{}\"", "x".repeat(TEN_MB));
    timed("requirements: 10 MB string", || parse_requirements(&string, "r.toml"));

    let mut groups = String::from("[workspace]\nname = \"big\"\n");
    let mut i = 0;
    while groups.len() < TEN_MB {
        groups.push_str(&format!("[[groups]]\nname = \"g{i}\"\nmembers = [\"u{i}@x.example\", \"v{i}@x.example\"]\n"));
        i += 1;
    }
    let ws = timed(&format!("workspace: 10 MB ({i} groups)"), || parse_workspace(&groups, "w.toml", &acme_resolver));
    if let Some(ws) = &ws.workspace {
        let evaluator = Evaluator::new(ws, ExplainOptions::default(), paths());
        let scenario =
            Scenario { user: Some(format!("v{}@x.example", i - 1)), argv: vec!["ls".into()], ..Scenario::default() };
        timed("workspace: explain with 10 MB workspace", || evaluator.explain(&scenario));
    }

    let rules = format!("# {}\n", "x".repeat(TEN_MB));
    let error =
        timed("starlark: 10 MB file", || load_rules_files(&[RulesFile { name: "a.rules", text: &rules }], &paths()));
    let error = error.err().map(|e| e.diagnostic.message).unwrap_or_default();
    assert!(error.starts_with("input too large"), "{error}");

    for (what, script) in [
        ("10 MB of `ls && `", format!("{}ls", "ls && ".repeat(TEN_MB / 6))),
        ("10 MB word", "a".repeat(TEN_MB)),
        ("10 MB quoted", format!("echo '{}'", "x".repeat(TEN_MB))),
        ("10 MB heredoc", format!("cat <<EOF\n{}\nEOF", "line\n".repeat(TEN_MB / 5))),
        ("10 MB of `$(`", "$(".repeat(TEN_MB / 2)),
        ("10 MB of `(`", "(".repeat(TEN_MB)),
        ("10 MB of quotes", "\"".repeat(TEN_MB)),
        ("10 MB of backslash-newlines", "\\\n".repeat(TEN_MB / 2)),
    ] {
        let argv = vec!["bash".to_owned(), "-lc".to_owned(), script];
        timed(&format!("shell: {what}"), || commands_for_exec_policy(&argv));
    }

    let command = Json::Str("ls && ".repeat(TEN_MB / 6)).to_compact();
    let request =
        format!(r#"{{"rules":[{{"name":"a.rules","text":"prefix_rule(pattern=[\"ls\"])"}}],"command":{command}}}"#);
    let answer = timed("json api: check with a 10 MB command", || api::check(&request));
    assert!(answer.starts_with('{'), "{}", &answer[..answer.len().min(200)]);
    let huge = format!("{{\"argv\":[\"{}\"]}}", "x".repeat(api::MAX_REQUEST_BYTES));
    let answer = timed("json api: 16 MB request", || api::check(&huge));
    assert!(answer.contains("too large"), "{}", &answer[..answer.len().min(300)]);

    let line = format!(r#"{{"user":"ana@acme.example","command":"{}"}}"#, "ls && ".repeat(TEN_MB / 6));
    let evaluator = Evaluator::new(acme(), ExplainOptions::default(), paths());
    let mut replay = Replay::new(&evaluator, None, Default::default(), None, paths());
    timed("replay: one 10 MB line", || replay.feed(1, &line));
    let _ = replay.finish();

    let argv: Vec<String> = (0..100_000).map(|i| format!("arg{i}")).collect();
    let scenario = Scenario { user: Some("ana@acme.example".into()), argv, paths: paths(), ..Scenario::default() };
    timed("explain: argv of 100,000 words", || evaluator.explain(&scenario));
}

#[test]
fn a_hundred_thousand_prefix_rules() {
    let looped =
        "for i in range(100000):\n    prefix_rule(pattern=[\"cmd%d\" % i, [\"a\", \"b\"]], decision=\"prompt\")\n";
    let files = [RulesFile { name: "big.rules", text: looped }];
    let policy = timed("starlark: 100,000 rules from a loop", || load_rules_files(&files, &paths()));
    let policy = policy.unwrap_or_else(|e| panic!("{}", e.diagnostic.message));
    let argv = vec!["cmd99999".to_owned(), "b".to_owned()];
    let eval = timed("check: one command against 100,000 rules", || {
        policy.check_multiple(std::slice::from_ref(&argv), &MatchOptions::default(), None)
    });
    assert!(!eval.matched_rules.is_empty());
    timed("lint: 100,000 rules", || lint_files(&[], &files, &paths()));
    timed("diff: 100,000 rules against 100,000 rules", || diff_policies(&policy, &policy, &MatchOptions::default()));

    // One program with 100,000 rules: pairwise checks (lint's shadowing, diff) must not go quadratic.
    let same = "for i in range(100000):\n    prefix_rule(pattern=[\"git\", \"sub%d\" % i, [\"a\", \"b\"]])\n";
    let same_files = [RulesFile { name: "git.rules", text: same }];
    let git = timed("starlark: 100,000 rules for one program", || load_rules_files(&same_files, &paths()));
    let git = git.unwrap_or_else(|e| panic!("{}", e.diagnostic.message));
    let argv = vec!["git".to_owned(), "sub99999".to_owned(), "b".to_owned()];
    let eval = timed("check: one command against 100,000 rules of its program", || {
        git.check_multiple(std::slice::from_ref(&argv), &MatchOptions::default(), None)
    });
    assert!(!eval.matched_rules.is_empty());
    timed("lint: 100,000 rules for one program", || lint_files(&[], &same_files, &paths()));
    timed("diff: 100,000 rules for one program against the loop's", || {
        diff_policies(&git, &policy, &MatchOptions::default())
    });

    let mut text = String::new();
    // Ten files: one file of 100,000 literal rules is over the 1 MiB source limit.
    let per_file = 10_000;
    let chunks: Vec<String> = (0..10)
        .map(|f| {
            text.clear();
            for i in 0..per_file {
                text.push_str(&format!("prefix_rule(pattern=[\"c{f}_{i}\", \"x\"], decision=\"forbidden\")\n"));
            }
            text.clone()
        })
        .collect();
    let names: Vec<String> = (0..10).map(|f| format!("f{f}.rules")).collect();
    let files: Vec<RulesFile<'_>> = names.iter().zip(&chunks).map(|(name, text)| RulesFile { name, text }).collect();
    let policy = timed("starlark: 100,000 literal rules in 10 files", || load_rules_files(&files, &paths()));
    assert!(policy.is_ok(), "{:?}", policy.err().map(|e| e.diagnostic.message));

    let mut toml_rules = String::from("[rules]\nprefix_rules = [\n");
    for i in 0..100_000 {
        toml_rules.push_str(&format!("  {{ pattern = [{{ token = \"c{i}\" }}], decision = \"prompt\" }},\n"));
    }
    toml_rules.push(']');
    let parsed = timed("requirements: 100,000 [rules] prefix rules", || parse_requirements(&toml_rules, "r.toml"));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics.first());
    let ws = loose_workspace(&[RulesFile { name: "r.toml", text: &toml_rules }], &[]);
    let evaluator = Evaluator::new(&ws, ExplainOptions::default(), paths());
    let scenario = Scenario { argv: vec!["c99999".into()], paths: paths(), ..Scenario::default() };
    timed("explain: requirements with 100,000 rules", || evaluator.explain(&scenario));
}

#[test]
fn pathological_starlark_stops_at_its_limits() {
    for (what, text) in [
        ("endless loop", "for i in range(1000000000):\n    pass\n"),
        ("nested loops", "for i in range(100000):\n    for j in range(100000):\n        pass\n"),
        ("huge string", "x = \"a\" * 1000000000\n"),
        ("doubling string", "x = \"a\"\nfor i in range(64):\n    x = x + x\n"),
        ("huge list", "x = [1] * 1000000000\n"),
        ("doubling list", "x = [1]\nfor i in range(64):\n    x = x + x\n"),
        ("recursion", "def f():\n    return f()\nf()\n"),
        ("mutual recursion", "def f():\n    return g()\ndef g():\n    return f()\nf()\n"),
        ("self-containing list", "x = []\nx.append(x)\ny = str(x)\nz = x == x\n"),
        ("big range", "x = len(range(-9223372036854775808, 9223372036854775807))\n"),
        ("int overflow +", "x = 9223372036854775807 + 1\n"),
        ("int overflow //", "x = (-9223372036854775807 - 1) // -1\n"),
        ("int overflow %", "x = (-9223372036854775807 - 1) % -1\n"),
        ("int overflow *", "x = 4611686018427387904 * 4\n"),
        ("int overflow unary", "x = -(-9223372036854775807 - 1)\n"),
        ("int overflow abs", "x = abs(-9223372036854775807 - 1)\n"),
        ("int overflow range len", "x = len(range(-9223372036854775807 - 1, 9223372036854775807, 3))\n"),
        ("int overflow range index", "x = range(-9223372036854775807 - 1, 9223372036854775807, 3)[-1]\n"),
        (
            "int overflow slice",
            "x = [1, 2, 3][-9223372036854775807 - 1:9223372036854775807:-9223372036854775807 - 1]\n",
        ),
        ("int overflow string repeat", "x = \"ab\" * 9223372036854775807\n"),
        ("int overflow str index", "x = \"abc\"[-9223372036854775807 - 1]\n"),
        ("int overflow find", "x = \"abc\".find(\"b\", -9223372036854775807 - 1, 9223372036854775807)\n"),
        ("int overflow insert", "x = [1]\nx.insert(-9223372036854775807 - 1, 2)\nx.insert(9223372036854775807, 3)\n"),
        ("int overflow pop", "x = [1]\nx.pop(-9223372036854775807 - 1)\n"),
        ("int overflow chr", "x = chr(-9223372036854775807 - 1)\ny = chr(1114112)\n"),
        ("int overflow hash", "x = hash(\"\" * 100)\n"),
        ("int overflow format", "x = \"%d %x %o\" % (-9223372036854775807 - 1, -9223372036854775807 - 1, -1)\n"),
        ("shift", "x = 1 << 100000\ny = 1 >> -1\n"),
        ("format", "x = \"%s\" * 100000 % tuple(range(100000))\n"),
    ] {
        let result =
            timed(&format!("starlark: {what}"), || load_rules_files(&[RulesFile { name: "a.rules", text }], &paths()));
        if let Err(e) = result {
            eprintln!("[limits]   error: {}", e.diagnostic.message);
            assert!(!e.diagnostic.message.is_empty(), "{what}");
        }
    }
}

#[test]
fn pathological_shell_scripts_finish() {
    let n = 100_000;
    for (what, script) in [
        ("100,000 heredocs on one line", format!("cat {}\n", "<<EOF ".repeat(n))),
        ("100,000 unterminated quotes", "'a\" ".repeat(n)),
        ("100,000 nested subshells", nested("$(", "ls", ")", n)),
        ("100,000 nested groups", nested("{ ", "ls;", " }", n)),
        ("100,000 pipes", "ls | ".repeat(n) + "ls"),
        ("100,000 semicolons", ";".repeat(n)),
        ("100,000 newlines", "\n".repeat(n)),
        ("100,000 comments", "# x\n".repeat(n)),
        ("100,000 assignments", "A=1 ".repeat(n) + "ls"),
        ("100,000 redirects", "> a ".repeat(n)),
        ("100,000 escaped quotes", "\\\"".repeat(n)),
        ("100,000 NULs", "\0".repeat(n)),
    ] {
        for shell in ["bash", "zsh"] {
            let argv = vec![shell.to_owned(), "-lc".to_owned(), script.clone()];
            timed(&format!("shell ({shell}): {what}"), || commands_for_exec_policy(&argv));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar-aware Starlark: expressions over extreme values and every builtin, so arithmetic,
// slicing and string methods meet the edges (i64::MIN, negative steps, multi-byte strings).

const ATOMS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "-2",
    "3",
    "63",
    "64",
    "-64",
    "9223372036854775807",
    "(-9223372036854775807 - 1)",
    "\"abc\"",
    "\"\"",
    "\"é😀x\"",
    "\"a,b,,c\"",
    "\" a \"",
    "\"%s %d %r %%\"",
    "\"{} {0} {x}\"",
    "[1, 2, 3]",
    "[]",
    "(1,)",
    "()",
    "{1: 2, \"a\": [3]}",
    "{}",
    "True",
    "False",
    "None",
    "range(10)",
    "range(0, -10, -1)",
    "range(-9223372036854775807 - 1, 9223372036854775807)",
    "range(9223372036854775807)",
    "len",
    "str",
    "x",
    "y",
];
const UNARY: &[&str] = &["-", "~", "not ", "+"];
const BINARY: &[&str] = &[
    " + ", " - ", " * ", " // ", " % ", " << ", " >> ", " & ", " | ", " ^ ", " == ", " < ", " in ", " not in ",
    " and ", " or ",
];
const CALLS: &[&str] = &[
    "len",
    "str",
    "repr",
    "int",
    "bool",
    "list",
    "tuple",
    "sorted",
    "reversed",
    "range",
    "enumerate",
    "zip",
    "dict",
    "min",
    "max",
    "abs",
    "hash",
    "any",
    "all",
    "type",
    "chr",
    "ord",
    "hasattr",
    "getattr",
    "dir",
];
const METHODS: &[&str] = &[
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "split",
    "rsplit",
    "splitlines",
    "replace",
    "join",
    "strip",
    "lstrip",
    "rstrip",
    "startswith",
    "endswith",
    "partition",
    "rpartition",
    "removeprefix",
    "removesuffix",
    "format",
    "elems",
    "codepoints",
    "capitalize",
    "title",
    "upper",
    "lower",
    "isdigit",
    "istitle",
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "get",
    "keys",
    "values",
    "items",
    "setdefault",
    "update",
    "popitem",
];

fn starlark_expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(ATOMS).prop_map(str::to_owned);
    leaf.prop_recursive(4, 48, 4, |inner| {
        let args = prop::collection::vec(inner.clone(), 0..4).prop_map(|a| a.join(", "));
        prop_oneof![
            (prop::sample::select(UNARY), inner.clone()).prop_map(|(op, e)| format!("({op}{e})")),
            (inner.clone(), prop::sample::select(BINARY), inner.clone()).prop_map(|(a, op, b)| format!("({a}{op}{b})")),
            (prop::sample::select(CALLS), args.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), prop::sample::select(METHODS), args).prop_map(|(o, m, a)| format!("{o}.{m}({a})")),
            (inner.clone(), inner.clone()).prop_map(|(o, i)| format!("{o}[{i}]")),
            (inner.clone(), prop::collection::vec(prop::option::of(inner.clone()), 3)).prop_map(|(o, s)| format!(
                "{o}[{}]",
                s.into_iter().map(Option::unwrap_or_default).collect::<Vec<_>>().join(":")
            )),
            (inner.clone(), inner.clone(), inner).prop_map(|(a, c, b)| format!("({a} if {c} else {b})")),
        ]
    })
}

#[test]
fn starlark_expressions_never_panic() {
    // One expression per line; each line is loaded on its own, since loading stops at the first
    // error and most random expressions are type errors.
    let program = prop::collection::vec(starlark_expr(), 1..10).prop_map(|exprs| exprs.join("\n"));
    fuzz("starlark expressions", program, |text| {
        for expr in text.lines() {
            let program = format!("x = [1, \"é\"]\ny = {{\"k\": x}}\nz = {expr}\n");
            let _ = load_rules_files(&[RulesFile { name: "a.rules", text: &program }], &paths());
        }
    });
}

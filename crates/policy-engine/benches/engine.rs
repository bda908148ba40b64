//! Engine benchmarks (`cargo bench -p policy-engine`): load + validate and match for 10, 1,000 and
//! 10,000 prefix rules in a realistic mix (alternatives, host executables, shell-wrapped commands)
//! as Starlark `.rules` and as requirements `[rules]`; explain over the acme workspace; the
//! users × commands grid; the semantic diff of two policies; the app's re-evaluation after an edit
//! of a 1,000-rule policy (`bench/browser.mjs`'s workload). Each group runs at several sizes so
//! the growth with rules, commands and users can be read off. Numbers and how to read them:
//! BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark harness over fixed generated inputs: a failure should stop the run loudly"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use policy_engine::analysis::diff::policy::diff_policies;
use policy_engine::analysis::grid::{GridRow, grid};
use policy_engine::check::{CheckRequest, load_check_policy};
use policy_engine::explain::{Evaluator, ExplainOptions, Scenario};
use policy_engine::requirements::settings::build_constraints;
use policy_engine::requirements::{LayerOptions, compose};
use policy_engine::requirements_rules::validate_and_convert;
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::{Workspace, parse_workspace, parse_workspace_after};
use policy_engine::{MatchOptions, PathContext, Policy};

const PROGRAMS: &[&str] = &["git", "npm", "cargo", "kubectl", "terraform", "docker", "gh", "pnpm", "make", "python3"];
const SUBCOMMANDS: &[&str] =
    &["status", "push", "commit", "install", "publish", "apply", "delete", "run", "build", "test"];
const SIZES: [usize; 3] = [10, 1_000, 10_000];
/// The Starlark loader caps one file at 1 MiB; big policies are split like real ones are.
const RULES_PER_FILE: usize = 2_000;

fn program(i: usize) -> String {
    if i < PROGRAMS.len() * 4 { PROGRAMS[i % PROGRAMS.len()].to_owned() } else { format!("tool{i}") }
}

/// A requirements document with `n` prefix rules: a mix of single tokens, alternatives and
/// three-token patterns over realistic program names (distinct synthetic programs beyond the
/// first few so the index grows with `n`).
fn requirements_with_rules(n: usize) -> String {
    let mut out = String::from("[rules]\nprefix_rules = [\n");
    for i in 0..n {
        let program = program(i);
        let sub = SUBCOMMANDS[i % SUBCOMMANDS.len()];
        let decision = if i % 3 == 0 { "forbidden" } else { "prompt" };
        match i % 3 {
            0 => writeln!(out, "  {{ pattern = [{{ token = \"{program}\" }}, {{ token = \"{sub}\" }}], decision = \"{decision}\" }},"),
            1 => writeln!(
                out,
                "  {{ pattern = [{{ token = \"{program}\" }}, {{ any_of = [\"{sub}\", \"x{i}\", \"y{i}\"] }}], decision = \"{decision}\", justification = \"rule {i}\" }},"
            ),
            _ => writeln!(
                out,
                "  {{ pattern = [{{ any_of = [\"{program}\", \"alt{i}\"] }}, {{ token = \"{sub}\" }}, {{ any_of = [\"--force\", \"-f\"] }}], decision = \"{decision}\" }},"
            ),
        }
        .unwrap();
    }
    out.push_str("]\n");
    out
}

/// The same mix as Starlark `prefix_rule` calls (with `match`/`not_match` examples on some, as
/// real files have), split into files of [`RULES_PER_FILE`], plus `host_executable` entries.
/// `flip` changes every `flip`-th decision (for the diff benchmark); 0 keeps them.
fn starlark_with_rules(n: usize, flip: usize) -> Vec<String> {
    let mut files = Vec::new();
    let mut out = String::new();
    for i in 0..n {
        let program = program(i);
        let sub = SUBCOMMANDS[i % SUBCOMMANDS.len()];
        let mut decision = ["allow", "prompt", "forbidden"][i % 3];
        if flip != 0 && i % flip == 0 {
            decision = if decision == "allow" { "prompt" } else { "allow" };
        }
        match i % 3 {
            0 => writeln!(
                out,
                "prefix_rule(pattern = [\"{program}\", \"{sub}\"], decision = \"{decision}\", match = [[\"{program}\", \"{sub}\", \"x\"]])"
            ),
            1 => writeln!(
                out,
                "prefix_rule(pattern = [\"{program}\", [\"{sub}\", \"x{i}\", \"y{i}\"]], decision = \"{decision}\", justification = \"rule {i}\")"
            ),
            _ => writeln!(
                out,
                "prefix_rule(pattern = [[\"{program}\", \"alt{i}\"], \"{sub}\", [\"--force\", \"-f\"]], decision = \"{decision}\", not_match = [[\"{program}\", \"{sub}\"]])"
            ),
        }
        .unwrap();
        if (i + 1) % RULES_PER_FILE == 0 {
            files.push(std::mem::take(&mut out));
        }
    }
    for p in PROGRAMS {
        writeln!(out, "host_executable(name = \"{p}\", paths = [\"/usr/bin/{p}\", \"/opt/homebrew/bin/{p}\"])")
            .unwrap();
    }
    files.push(out);
    files
}

fn commands() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, program) in PROGRAMS.iter().enumerate() {
        for sub in SUBCOMMANDS.iter().take(3) {
            out.push(vec![(*program).to_owned(), (*sub).to_owned(), "origin".to_owned()]);
        }
        out.push(vec![format!("/usr/bin/{program}"), SUBCOMMANDS[i % SUBCOMMANDS.len()].to_owned()]);
        out.push(vec!["bash".to_owned(), "-lc".to_owned(), format!("{program} status && {program} push")]);
        out.push(vec!["unknown-tool".to_owned(), "--help".to_owned()]);
    }
    out
}

fn options() -> MatchOptions {
    MatchOptions { resolve_host_executables: true, paths: PathContext::default() }
}

fn load_starlark(texts: &[String]) -> Policy {
    let names: Vec<String> = (0..texts.len()).map(|i| format!("part{i}.rules")).collect();
    let files: Vec<RulesFile<'_>> = names.iter().zip(texts).map(|(name, text)| RulesFile { name, text }).collect();
    let request = CheckRequest { rules: &files, requirements: &[], argv: &[], options: options() };
    load_check_policy(&request).unwrap()
}

fn load_requirements(text: &str) -> Policy {
    let files = [RulesFile { name: "requirements.toml", text }];
    let request = CheckRequest { rules: &[], requirements: &files, argv: &[], options: options() };
    load_check_policy(&request).unwrap()
}

fn bench_load_and_match(c: &mut Criterion) {
    let mut load = c.benchmark_group("load_requirements_rules");
    for n in SIZES {
        let text = requirements_with_rules(n);
        load.throughput(Throughput::Elements(n as u64));
        load.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| black_box(load_requirements(black_box(text)).rule_count()));
        });
    }
    load.finish();

    let mut load = c.benchmark_group("load_starlark_rules");
    for n in SIZES {
        let texts = starlark_with_rules(n, 0);
        load.throughput(Throughput::Elements(n as u64));
        load.bench_with_input(BenchmarkId::from_parameter(n), &texts, |b, texts| {
            b.iter(|| black_box(load_starlark(black_box(texts)).rule_count()));
        });
    }
    load.finish();

    let commands = commands();
    let options = options();
    let mut check = c.benchmark_group("check_one_command");
    for n in SIZES {
        let policy = load_starlark(&starlark_with_rules(n, 0));
        check.throughput(Throughput::Elements(commands.len() as u64));
        check.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                for argv in &commands {
                    black_box(policy.check(black_box(argv), &options));
                }
            });
        });
    }
    check.finish();
}

fn acme() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme");
    let text = std::fs::read_to_string(dir.join("workspace.toml")).unwrap();
    let resolve = |relative: &str| std::fs::read_to_string(dir.join(relative)).map_err(|e| e.to_string());
    parse_workspace(&text, "workspace.toml", &resolve).workspace.unwrap()
}

const ACME_USERS: &[&str] = &[
    "ana@acme.example",
    "raj@acme.example",
    "lee@acme.example",
    "kim@acme.example",
    "bo@vendor.example",
    "tia@acme.example",
];

/// `n` users: the acme members in turn, every seventh an outsider (default role).
fn users(n: usize) -> Vec<GridRow> {
    (0..n)
        .map(|i| {
            if i % 7 == 6 {
                GridRow::User(format!("guest{i}@acme.example"))
            } else {
                GridRow::User(ACME_USERS[i % ACME_USERS.len()].to_owned())
            }
        })
        .collect()
}

/// `n` commands: the check mix, then numbered variants so every column is distinct.
fn grid_commands(n: usize) -> Vec<Vec<String>> {
    let base = commands();
    (0..n)
        .map(|i| {
            let mut argv = base[i % base.len()].clone();
            if i >= base.len() {
                argv.push(format!("arg{i}"));
            }
            argv
        })
        .collect()
}

fn bench_explain(c: &mut Criterion) {
    let ws = acme();
    let paths = PathContext::default();
    let mut group = c.benchmark_group("explain_acme");
    let scenario = Scenario {
        user: Some("kim@acme.example".to_owned()),
        argv: ["git", "push", "--force", "origin", "main"].map(str::to_owned).to_vec(),
        ..Scenario::default()
    };
    // Cold: parse nothing, but load the rules files and compose the layers (what the app pays after an edit).
    group.bench_function("cold", |b| {
        b.iter(|| {
            let evaluator = Evaluator::new(&ws, ExplainOptions::default(), paths.clone());
            black_box(evaluator.explain(black_box(&scenario)).outcome)
        });
    });
    // Warm: the composed policy is cached per selected policy (what each grid cell pays).
    let evaluator = Evaluator::new(&ws, ExplainOptions::default(), paths.clone());
    group.bench_function("warm", |b| b.iter(|| black_box(evaluator.explain(black_box(&scenario)).outcome)));
    group.finish();

    let mut group = c.benchmark_group("parse_acme_workspace");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme");
    let text = std::fs::read_to_string(dir.join("workspace.toml")).unwrap();
    let files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap_or_default())
        })
        .collect();
    group.bench_function("workspace", |b| {
        let resolve = |relative: &str| {
            files.iter().find(|(name, _)| name == relative).map(|(_, t)| t.clone()).ok_or_else(|| relative.to_owned())
        };
        b.iter(|| black_box(parse_workspace(black_box(&text), "workspace.toml", &resolve).workspace.is_some()));
    });
    group.finish();
}

fn bench_grid(c: &mut Criterion) {
    let ws = acme();
    let base = Scenario::default();
    let mut group = c.benchmark_group("grid_users_x_commands");
    group.sample_size(20);
    for (n_users, n_commands) in [(50, 100), (200, 25), (200, 100)] {
        let rows = users(n_users);
        let cmds = grid_commands(n_commands);
        group.throughput(Throughput::Elements((n_users * n_commands) as u64));
        group.bench_function(BenchmarkId::from_parameter(format!("{n_users}x{n_commands}")), |b| {
            b.iter(|| {
                // A fresh evaluator each time: the grid pays its own policy composition.
                let evaluator = Evaluator::new(&ws, ExplainOptions::default(), PathContext::default());
                black_box(grid(&evaluator, black_box(&rows), black_box(&cmds), &base).cells.len())
            });
        });
    }
    group.finish();
}

/// `bench/browser.mjs`'s workspace: 20 groups of 10 users, one 1,000-rule policy for all of them.
fn big_workspace() -> (String, String) {
    let mut ws = String::from("[workspace]\nname = \"Big\"\ndefault_role = \"M\"\n[roles.M]\ncodex_local = true\n");
    for g in 0..20 {
        let members: Vec<String> = (0..10).map(|u| format!("\"u{}@big.example\"", g * 10 + u)).collect();
        writeln!(ws, "[[groups]]\nname = \"G{g}\"\nmembers = [{}]\n", members.join(", ")).unwrap();
    }
    ws.push_str("[policies.big]\nfile = \"big.requirements.toml\"\n");
    for g in 0..20 {
        writeln!(ws, "[[policy_rules]]\ngroup = \"G{g}\"\npolicy = \"big\"").unwrap();
    }
    let mut policy =
        String::from("allowed_sandbox_modes = [\"read-only\", \"workspace-write\"]\n[rules]\nprefix_rules = [\n");
    for i in 0..1000 {
        if i % 3 == 1 {
            writeln!(policy, "  {{ pattern = [{{ any_of = [\"tool{i}\", \"alt{i}\"] }}, {{ any_of = [\"run\", \"exec\"] }}, {{ token = \"-f\" }}], decision = \"forbidden\" }},").unwrap();
        } else {
            writeln!(policy, "  {{ pattern = [{{ token = \"tool{i}\" }}, {{ any_of = [\"run\", \"exec\"] }}], decision = \"prompt\" }},").unwrap();
        }
    }
    policy.push_str("]\n");
    (ws, policy)
}

/// What the app does after an edit of the big policy: re-read the workspace from the previous
/// parse (`parse`), then prepare an evaluator and explain one scenario (`explain`). As in the app,
/// the replaced and the new workspace are freed outside the timed part.
fn bench_reedit(c: &mut Criterion) {
    let (ws_text, policy) = big_workspace();
    let edited = policy.replacen(
        "\"tool999\" }, { any_of = [\"run\", \"exec\"] }], decision = \"prompt\"",
        "\"tool999\" }, { any_of = [\"run\", \"exec\"] }], decision = \"forbidden\"",
        1,
    );
    let new_rule = "  { pattern = [{ token = \"tool999\" }], decision = \"forbidden\" },";
    let added = policy.replacen("\n]\n", &format!("\n{new_rule}\n]\n"), 1);
    let typing = policy.replacen("\n]\n", &format!("\n{}\n]\n", &new_rule[..30]), 1);
    let typing_more = policy.replacen("\n]\n", &format!("\n{}\n]\n", &new_rule[..31]), 1);
    assert!(edited != policy && added != policy && typing != policy);
    let scenario = Scenario {
        user: Some("u7@big.example".to_owned()),
        argv: ["tool999", "run"].map(str::to_owned).to_vec(),
        ..Scenario::default()
    };
    let parse = |text: &str, previous: Option<&Workspace>| {
        let resolve = |_: &str| Ok(text.to_owned());
        parse_workspace_after(&ws_text, "workspace.toml", &resolve, previous).workspace.unwrap()
    };
    let mut group = c.benchmark_group("reedit_1000_rules");
    group.sample_size(30);
    // (name, the text before the edit, the text after it); the text before is itself re-read
    // from the original policy, as the app would have.
    for (name, before, after) in [
        ("inside_a_rule", &policy, &edited),
        ("add_a_rule", &policy, &added),
        ("remove_a_rule", &added, &policy),
        ("typing_a_new_rule", &typing, &typing_more),
    ] {
        let previous = parse(before, Some(&parse(&policy, None)));
        group.bench_function(BenchmarkId::new("parse", name), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let ws = parse(black_box(after), Some(&previous));
                    spent += started.elapsed();
                    drop(black_box(ws));
                }
                spent
            });
        });
        let ws = parse(after, Some(&previous));
        group.bench_function(BenchmarkId::new("explain", name), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let evaluator = Evaluator::new(&ws, ExplainOptions::default(), PathContext::default());
                    black_box(evaluator.explain(&scenario).outcome);
                    spent += started.elapsed();
                    drop(evaluator);
                }
                spent
            });
        });
    }
    // Where `explain` goes after an edit inside a rule: the stages of one policy context.
    let ws = parse(&edited, Some(&parse(&policy, None)));
    let selection = ws.select_policy(&["G0".to_owned()]);
    let layers: Vec<_> = ws.cloud_layer(&selection).into_iter().collect();
    let stage = |b: &mut criterion::Bencher<'_>, work: &dyn Fn() -> Box<dyn std::any::Any>| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let out = black_box(work());
                spent += started.elapsed();
                drop(out);
            }
            spent
        });
    };
    group.bench_function("stage/compose", |b| stage(b, &|| Box::new(compose(&layers, &LayerOptions::default()))));
    let composed = compose(&layers, &LayerOptions::default());
    group.bench_function("stage/constraints", |b| stage(b, &|| Box::new(build_constraints(&composed))));
    let rules = composed.requirements.as_ref().and_then(|r| r.rules.as_ref()).unwrap();
    let converted = validate_and_convert(&rules.value, "cloud").unwrap();
    group.bench_function("stage/convert_rules", |b| {
        stage(b, &|| Box::new(validate_and_convert(&rules.value, "cloud").unwrap()));
    });
    group.bench_function("stage/index_rules", |b| {
        stage(b, &|| {
            let mut policy = Policy::new();
            for rule in converted.clone() {
                policy.add_rule(rule);
            }
            Box::new(policy)
        });
    });
    group.bench_function("stage/clone_converted_rules", |b| stage(b, &|| Box::new(converted.clone())));
    group.finish();
}

fn bench_diff(c: &mut Criterion) {
    let options = options();
    let mut group = c.benchmark_group("diff_policies");
    group.sample_size(10);
    for n in [100usize, 1_000] {
        let old = load_starlark(&starlark_with_rules(n, 0));
        let new = load_starlark(&starlark_with_rules(n, 10));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| black_box(diff_policies(black_box(&old), black_box(&new), &options).changes.len()));
        });
    }
    group.finish();

    // The worst case for the per-program trie: every rule under one program.
    let mut group = c.benchmark_group("diff_policies_one_program");
    group.sample_size(10);
    for n in [100usize, 1_000] {
        let text = |flip: usize| {
            let mut out = String::new();
            for i in 0..n {
                let decision = if flip != 0 && i % flip == 0 { "allow" } else { ["prompt", "forbidden"][i % 2] };
                writeln!(
                    out,
                    "prefix_rule(pattern = [\"git\", \"sub{i}\", [\"-a\", \"-b\"]], decision = \"{decision}\")"
                )
                .unwrap();
            }
            vec![out]
        };
        let old = load_starlark(&text(0));
        let new = load_starlark(&text(10));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| black_box(diff_policies(black_box(&old), black_box(&new), &options).changes.len()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load_and_match, bench_explain, bench_grid, bench_diff, bench_reedit);
criterion_main!(benches);

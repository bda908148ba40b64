//! Engine benchmarks (`cargo bench -p policy-engine`): load + validate and match for 10, 1,000 and
//! 10,000 prefix rules in a realistic mix (alternatives, host executables, shell-wrapped commands).
//! Numbers and how to read them: BENCHMARKS.md.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use policy_engine::check::{CheckRequest, load_check_policy};
use policy_engine::starlark::RulesFile;
use policy_engine::{MatchOptions, PathContext};

const PROGRAMS: &[&str] = &["git", "npm", "cargo", "kubectl", "terraform", "docker", "gh", "pnpm", "make", "python3"];
const SUBCOMMANDS: &[&str] = &["status", "push", "commit", "install", "publish", "apply", "delete", "run", "build", "test"];

/// A requirements document with `n` prefix rules: a mix of single tokens, alternatives and
/// three-token patterns over realistic program names (distinct synthetic programs beyond the
/// first few so the index grows with `n`).
fn requirements_with_rules(n: usize) -> String {
    let mut out = String::from("[rules]\nprefix_rules = [\n");
    for i in 0..n {
        let program = if i < PROGRAMS.len() * 4 { PROGRAMS[i % PROGRAMS.len()].to_owned() } else { format!("tool{i}") };
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

fn commands() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, program) in PROGRAMS.iter().enumerate() {
        for sub in SUBCOMMANDS.iter().take(3) {
            out.push(vec![(*program).to_owned(), (*sub).to_owned(), "origin".to_owned()]);
        }
        out.push(vec![format!("/usr/bin/{program}"), SUBCOMMANDS[i % SUBCOMMANDS.len()].to_owned()]);
        out.push(vec!["unknown-tool".to_owned(), "--help".to_owned()]);
    }
    out
}

fn bench_load_and_match(c: &mut Criterion) {
    let options = MatchOptions { resolve_host_executables: true, paths: PathContext::default() };
    let mut load = c.benchmark_group("load_requirements_rules");
    for n in [10usize, 1_000, 10_000] {
        let text = requirements_with_rules(n);
        load.throughput(Throughput::Elements(n as u64));
        load.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            let files = [RulesFile { name: "requirements.toml", text }];
            let request = CheckRequest { rules: &[], requirements: &files, argv: &[], options: options.clone() };
            b.iter(|| black_box(load_check_policy(black_box(&request)).unwrap().rule_count()));
        });
    }
    load.finish();

    let commands = commands();
    let mut check = c.benchmark_group("check_one_command");
    for n in [10usize, 1_000, 10_000] {
        let text = requirements_with_rules(n);
        let files = [RulesFile { name: "requirements.toml", text: &text }];
        let request = CheckRequest { rules: &[], requirements: &files, argv: &[], options: options.clone() };
        let policy = load_check_policy(&request).unwrap();
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

criterion_group!(benches, bench_load_and_match);
criterion_main!(benches);

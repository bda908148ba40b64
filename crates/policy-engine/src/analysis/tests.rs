//! Unit tests of the analysis module; the proof that the diff is exact is the brute-force
//! property test at the end.

use proptest::prelude::*;

use super::diff::policy::{decision_rank, diff_policies};
use super::lint::{codes, covers, lint_files};
use super::{Verdict, outcome_rank};
use crate::decision::Decision;
use crate::explain::Outcome;
use crate::paths::PathContext;
use crate::policy::{MatchOptions, PatternToken, Policy, PrefixRule};
use crate::starlark::{RulesFile, load_rules_files};

fn rule(first: &str, rest: &[&[&str]], decision: Decision) -> PrefixRule {
    PrefixRule {
        first: first.into(),
        rest: rest
            .iter()
            .map(|alts| match alts {
                [one] => PatternToken::Single((*one).into()),
                many => PatternToken::Alts(many.iter().map(|s| (*s).to_owned()).collect()),
            })
            .collect(),
        decision,
        justification: None,
        reviewer: None,
        origin: None,
    }
}

fn argv(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn resolving() -> MatchOptions {
    MatchOptions { resolve_host_executables: true, paths: PathContext::default() }
}

fn load(text: &str) -> Policy {
    load_rules_files(&[RulesFile { name: "t.rules", text }], &PathContext::default()).unwrap()
}

#[test]
fn covers_needs_same_program_shorter_pattern_and_token_supersets() {
    let git = rule("git", &[], Decision::Prompt);
    let push = rule("git", &[&["push"]], Decision::Allow);
    let push_or_pull = rule("git", &[&["push", "pull"]], Decision::Allow);
    assert!(covers(&git, &push));
    assert!(!covers(&push, &git));
    assert!(covers(&push_or_pull, &push));
    assert!(!covers(&push, &push_or_pull));
    assert!(!covers(&rule("hg", &[], Decision::Prompt), &push));
}

#[test]
fn lint_finds_each_prefix_rule_problem_in_its_file() {
    let rules = r#"prefix_rule(pattern=["git"], decision="forbidden")
prefix_rule(pattern=["git", "push"], decision="prompt")
prefix_rule(pattern=["ls"], decision="allow", justification="harmless")
prefix_rule(pattern=["ls"], decision="allow", justification="harmless")
prefix_rule(pattern=["/usr/bin/rm"], decision="allow")
prefix_rule(pattern=["rm"], decision="forbidden")
"#;
    let report = lint_files(&[], &[RulesFile { name: "t.rules", text: rules }], &PathContext::default());
    let at = |code: &str| -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| super::locate(&report.sources, &d.source, d.span))
            .collect()
    };
    assert_eq!(at(codes::SHADOWED), ["t.rules:2:1"]);
    assert_eq!(at(codes::DUPLICATE), ["t.rules:4:1"]);
    assert_eq!(at(codes::PATH_PROGRAM), ["t.rules:5:1"]);
    assert_eq!(at(codes::ALLOW_JUSTIFICATION), ["t.rules:3:1", "t.rules:4:1"]);
    let path = report.diagnostics.iter().find(|d| d.code == codes::PATH_PROGRAM).unwrap();
    assert!(path.help.as_deref().unwrap().contains("`rm` (forbidden) at t.rules:6:1"), "{path:?}");
    assert!(!report.has_errors());
}

#[test]
fn lint_reports_every_allow_in_requirements_rules() {
    let text = r#"[rules]
prefix_rules = [
  { pattern = [{ token = "git" }], decision = "allow" },
  { pattern = [{ token = "rm" }], decision = "forbidden" },
  { pattern = [{ token = "ls" }], decision = "allow" },
]
"#;
    let report = lint_files(&[RulesFile { name: "r.toml", text }], &[], &PathContext::default());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["requirements/invalid-rules", codes::REQUIREMENTS_ALLOW]);
    assert!(report.has_errors());
}

#[test]
fn equal_decisions_that_only_change_the_message_are_info() {
    let rules = r#"prefix_rule(pattern=["git"], decision="forbidden")
prefix_rule(pattern=["git", "push"], decision="forbidden", justification="use the release bot")
"#;
    let report = lint_files(&[], &[RulesFile { name: "t.rules", text: rules }], &PathContext::default());
    let d = report.diagnostics.iter().find(|d| d.code == codes::SHADOWED).unwrap();
    assert_eq!(d.severity, crate::Severity::Info);
}

#[test]
fn diff_reports_prefix_with_example_and_exceptions() {
    let old = load(
        r#"prefix_rule(pattern=["git"], decision="prompt")
prefix_rule(pattern=["git", "status"], decision="allow")"#,
    );
    let new = load(
        r#"prefix_rule(pattern=["git"], decision="forbidden")
prefix_rule(pattern=["git", "status"], decision="allow")"#,
    );
    let diff = diff_policies(&old, &new, &resolving());
    assert_eq!(diff.changes.len(), 1, "{}", diff.render_text(&[]));
    let change = &diff.changes[0];
    assert_eq!(
        (change.old, change.new, change.verdict),
        (Some(Decision::Prompt), Some(Decision::Forbidden), Verdict::Stricter)
    );
    assert!(change.prefix.is_empty());
    // `git status` is decided forbidden in both (forbidden beats allow), so no exception.
    assert!(change.except.is_empty());
    assert_eq!(change.example, argv("git"));
    assert_eq!(diff.verdict, Some(Verdict::Stricter));
}

#[test]
fn diff_sees_host_executable_changes() {
    let old = load(r#"prefix_rule(pattern=["git", "push"], decision="forbidden")"#);
    let new = load(
        r#"prefix_rule(pattern=["git", "push"], decision="forbidden")
host_executable(name="git", paths=["/usr/bin/git"])"#,
    );
    let diff = diff_policies(&old, &new, &resolving());
    let change = diff.change_for(&argv("/opt/bin/git push")).expect("other paths lose the rule");
    assert_eq!((change.old, change.new, change.verdict), (Some(Decision::Forbidden), None, Verdict::Looser));
    assert!(diff.change_for(&argv("/usr/bin/git push")).is_none());
    assert!(diff.change_for(&argv("git push")).is_none());
    assert!(diff.change_for(&argv("/opt/bin/git status")).is_none());
}

#[test]
fn outcome_order_puts_error_last() {
    let ranks: Vec<u8> = Outcome::ALL.iter().map(|o| outcome_rank(*o)).collect();
    assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
    assert!(decision_rank(Some(Decision::Allow)) < decision_rank(None));
    assert!(decision_rank(None) < decision_rank(Some(Decision::Prompt)));
}

#[test]
fn diff_of_two_thousand_rule_policies_is_linear() {
    // Shared structure plus changes: 1,000 rules each, most identical.
    let mut old = Policy::new();
    let mut new = Policy::new();
    for i in 0..1000 {
        let program = format!("tool{}", i % 50);
        let sub = format!("sub{i}");
        old.add_rule(rule(&program, &[&[sub.as_str()], &["--x", "--y"]], Decision::Prompt));
        let decision = if i % 10 == 0 { Decision::Forbidden } else { Decision::Prompt };
        new.add_rule(rule(&program, &[&[sub.as_str()], &["--x", "--y"]], decision));
    }
    let diff = diff_policies(&old, &new, &resolving());
    assert_eq!(diff.changes.len(), 100);
    assert!(diff.changes.iter().all(|c| c.verdict == Verdict::Stricter));
}

// ---- The exactness proof: diff verdicts agree with brute force on random small policies. ----

const TOKENS: [&str; 3] = ["a", "b", "c"];
const PROGRAMS: [&str; 3] = ["p", "q", "/bin/p"];
/// Every argv[0] spelling the brute force tries: rule programs, listed and unlisted paths,
/// a relative spelling, and a program no rule names.
const ARGV0: [&str; 8] = ["p", "q", "/bin/p", "/usr/bin/p", "/opt/p", "./p", "/x/q", "r"];

fn arb_token() -> impl Strategy<Value = PatternToken> {
    prop_oneof![
        prop::sample::select(TOKENS.to_vec()).prop_map(|t| PatternToken::Single(t.to_owned())),
        prop::sample::subsequence(TOKENS.to_vec(), 2..=3)
            .prop_map(|ts| PatternToken::Alts(ts.into_iter().map(str::to_owned).collect())),
    ]
}

fn arb_decision() -> impl Strategy<Value = Decision> {
    prop::sample::select(vec![Decision::Allow, Decision::Prompt, Decision::Forbidden])
}

fn arb_rule() -> impl Strategy<Value = PrefixRule> {
    (prop::sample::select(PROGRAMS.to_vec()), prop::collection::vec(arb_token(), 0..=3), arb_decision()).prop_map(
        |(first, rest, decision)| PrefixRule {
            first: first.to_owned(),
            rest,
            decision,
            justification: None,
            reviewer: None,
            origin: None,
        },
    )
}

fn arb_hosts() -> impl Strategy<Value = Option<Vec<String>>> {
    prop::option::of(
        prop::sample::subsequence(vec!["/bin/p", "/usr/bin/p", "/home/dev/project/p"], 0..=3)
            .prop_map(|ps| ps.into_iter().map(str::to_owned).collect()),
    )
}

fn build(rules: &[PrefixRule], hosts: Option<Vec<String>>) -> Policy {
    let mut policy = Policy::new();
    for r in rules {
        policy.add_rule(r.clone());
    }
    if let Some(paths) = hosts {
        policy.set_host_executable("p".to_owned(), paths);
    }
    policy
}

fn all_argvs() -> Vec<Vec<String>> {
    let mut words: Vec<&str> = TOKENS.to_vec();
    words.push("z");
    let mut out = Vec::new();
    for argv0 in ARGV0 {
        let mut layer: Vec<Vec<String>> = vec![vec![argv0.to_owned()]];
        for _ in 0..=3 {
            let mut next = Vec::new();
            for prefix in &layer {
                out.push(prefix.clone());
                for w in &words {
                    let mut longer = prefix.clone();
                    longer.push((*w).to_owned());
                    next.push(longer);
                }
            }
            layer = next;
        }
        out.extend(layer);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn diff_agrees_with_brute_force(
        old_rules in prop::collection::vec(arb_rule(), 0..6),
        keep in prop::collection::vec(any::<bool>(), 6),
        extra in prop::collection::vec(arb_rule(), 0..4),
        old_hosts in arb_hosts(),
        new_hosts in arb_hosts(),
        resolve in any::<bool>(),
    ) {
        // The new policy keeps some old rules (so the two share structure) and adds others.
        let mut new_rules: Vec<PrefixRule> =
            old_rules.iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r.clone()).collect();
        new_rules.extend(extra);
        let old = build(&old_rules, old_hosts);
        let new = build(&new_rules, new_hosts);
        let options = MatchOptions { resolve_host_executables: resolve, paths: PathContext::default() };
        let diff = diff_policies(&old, &new, &options);
        prop_assert!(diff.incomplete.is_empty());
        for argv in all_argvs() {
            let before = old.check(&argv, &options).decision;
            let after = new.check(&argv, &options).decision;
            let (program, args) = argv.split_first().unwrap();
            let containing: Vec<_> = match diff.program_of(program) {
                Some(p) => diff.changes.iter().filter(|c| c.program == p && c.contains_args(args)).collect(),
                None => Vec::new(),
            };
            if before == after {
                prop_assert!(containing.is_empty(), "{argv:?} unchanged ({before:?}) but listed: {containing:?}\n{}", diff.render_text(&[]));
            } else {
                prop_assert_eq!(containing.len(), 1, "{:?}: {:?} -> {:?}\n{}", argv, before, after, diff.render_text(&[]));
                let c = containing[0];
                prop_assert_eq!((c.old, c.new), (before, after), "{:?}\n{}", argv, diff.render_text(&[]));
                let expected = if decision_rank(after) > decision_rank(before) { Verdict::Stricter } else { Verdict::Looser };
                prop_assert_eq!(c.verdict, expected);
            }
        }
        for c in &diff.changes {
            prop_assert_eq!(old.check(&c.example, &options).decision, c.old, "example {:?}", c.example);
            prop_assert_eq!(new.check(&c.example, &options).decision, c.new, "example {:?}", c.example);
        }
    }
}

// ---- Grid rendering, replay records, cases parsing. ----

#[test]
fn csv_and_markdown_escape_what_would_break_a_cell() {
    use super::grid::{csv_field, markdown_cell};
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    assert_eq!(markdown_cell("a | b"), "a \\| b");
    assert_eq!(markdown_cell("one\ntwo\r\nthree"), "one<br>two<br>three");
}

#[test]
fn grid_of_users_by_commands_renders_every_cell() {
    use super::grid::{GridRow, grid};
    use crate::explain::{Evaluator, ExplainOptions, Scenario, loose_workspace};
    let rules = RulesFile { name: "t.rules", text: r#"prefix_rule(pattern=["rm"], decision="forbidden")"# };
    let ws = loose_workspace(&[], &[rules]);
    let ev = Evaluator::new(&ws, ExplainOptions::default(), PathContext::default());
    let rows = [GridRow::User("a|b@x.example".into()), GridRow::Groups(vec![])];
    let commands = [argv("rm -rf x"), vec!["echo".to_owned(), "a,b".to_owned()]];
    let g = grid(&ev, &rows, &commands, &Scenario::default());
    assert_eq!(g.cells.len(), 2);
    assert!(g.cells.iter().all(|row| row[0].outcome == Outcome::Reject));
    assert!(g.to_csv().starts_with("user,rm -rf x,\"echo 'a,b'\"\r\n"), "{}", g.to_csv());
    let md = g.to_markdown();
    assert!(md.contains("| a\\|b@x.example | reject |"), "{md}");
    assert!(md.starts_with("| user | rm -rf x | echo 'a,b' |\n|---|---|---|\n"), "{md}");
}

#[test]
fn replay_records_accept_every_documented_shape() {
    use super::replay::{Record, parse_record};
    let cmd = |user: Option<&str>, argv: &[&str]| Record::Command {
        user: user.map(str::to_owned),
        groups: None,
        argv: argv.iter().map(|s| (*s).to_owned()).collect(),
    };
    assert_eq!(parse_record(r#"{"user":"a","argv":["ls","-l"]}"#), Ok(cmd(Some("a"), &["ls", "-l"])));
    assert_eq!(parse_record(r#"{"email":"a","command":"ls '-l x'"}"#), Ok(cmd(Some("a"), &["ls", "-l x"])));
    assert_eq!(parse_record(r#"{"command":["ls"]}"#), Ok(cmd(None, &["ls"])));
    assert_eq!(
        parse_record(r#"{"type":"item.completed","item":{"type":"command_execution","command":"git status"}}"#),
        Ok(cmd(None, &["git", "status"]))
    );
    assert_eq!(
        parse_record(r#"{"type":"event_msg","payload":{"type":"exec_command_end","command":["ls"]}}"#),
        Ok(cmd(None, &["ls"]))
    );
    assert_eq!(
        parse_record(r#"{"type":"item.completed","item":{"type":"agent_message","text":"hi"}}"#),
        Ok(Record::Other)
    );
    assert!(parse_record(r#"{"groups":"Eng","argv":["ls"]}"#).unwrap_err().contains("`groups`"));
    assert!(parse_record("{").unwrap_err().starts_with("invalid JSON"));
}

#[test]
fn cases_file_errors_carry_spans() {
    use super::cases::parse_cases;
    let text = "[[case]]\nname = \"x\"\ncommand = \"ls\"\nexpect_decision = \"maybe\"\n";
    let errors = parse_cases(text, "c.toml").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unknown decision `maybe`");
    assert_eq!(crate::LineIndex::new(text).line_col(errors[0].span.unwrap().start), (4, 19));
    let ok = parse_cases("[[case]]\ncommand = \"ls\"\nexpect_policy = false\n", "c.toml").unwrap();
    assert_eq!(ok.cases[0].expect.policy, Some(None));
    assert_eq!(ok.cases[0].span.start, 0);
}

#[test]
fn commands_lists_skip_comments_and_locate_bad_lines() {
    use super::diff::parse_commands;
    let list = parse_commands("# header\ngit push\n\n  ls -l 'a b'\n", "cmds").unwrap();
    assert_eq!(list, vec![argv("git push"), vec!["ls".into(), "-l".into(), "a b".into()]]);
    let bad = parse_commands("ls\n  echo 'x\n", "cmds").unwrap_err();
    assert_eq!(bad.span.map(|s| s.start), Some(5));
}

#[test]
fn file_kinds_are_detected_by_content() {
    use super::diff::{FileKind, detect_kind};
    assert_eq!(detect_kind("a.rules", "[x]"), FileKind::Rules);
    assert_eq!(detect_kind("w.toml", "[[groups]]\nname = \"g\""), FileKind::Workspace);
    assert_eq!(detect_kind("w.toml", "[rules]\nuser = []"), FileKind::Workspace);
    assert_eq!(detect_kind("r.toml", "[rules]\nprefix_rules = []"), FileKind::Requirements);
    assert_eq!(detect_kind("r.toml", "not = = toml"), FileKind::Requirements);
    assert_eq!(detect_kind("policy", "prefix_rule(pattern=[\"ls\"])"), FileKind::Rules);
}

use super::*;
use crate::examples::{self, EXAMPLES};

fn example(id: &str) -> Project {
    examples::find(id).expect("example").project()
}

fn evaluate(project: &Project, view: View) -> Report {
    Session::default().evaluate(project, view)
}

fn trace(report: &Report) -> &Trace {
    report.trace.as_ref().expect("trace")
}

#[test]
fn acme_opens_with_kim_rejected_by_the_first_matching_rule() {
    let report = evaluate(&example("acme"), View::Trace);
    let t = trace(&report);
    assert_eq!(t.outcome, Outcome::Reject);
    assert_eq!(t.decision, Some(Decision::Forbidden));
    assert_eq!(t.policy.name.as_deref(), Some("contractors"));
    let rule = t.policy.rule.as_ref().expect("rule");
    assert_eq!((rule.number, rule.group.as_str()), (1, "Contractors"));
    assert_eq!(rule.at.as_ref().map(|l| (l.doc.as_str(), l.line)), Some(("workspace.toml", 58)));
    assert_eq!(t.policy.also.iter().map(|r| r.number).collect::<Vec<_>>(), [3]);
    assert_eq!(
        t.reason.as_deref(),
        Some("`git push origin main` rejected: Contractors open changes through the vendor portal.")
    );
    let a = t.assessment.as_ref().expect("assessment");
    let m = &a.commands[0].matches[0];
    assert!(m.deciding && m.admin);
    assert_eq!(m.covered, 2);
    let at = m.at.as_ref().expect("origin");
    assert_eq!((at.doc.as_str(), at.line, at.column), ("contractors.requirements.toml", 9, 3));
    assert_eq!(t.decided_at.as_ref(), Some(at));
    let sandbox = t.requirements.iter().find(|f| f.name == "allowed_sandbox_modes").expect("field");
    assert_eq!((sandbox.value.as_str(), sandbox.source.as_str()), ("[read-only]", "cloud requirements"));
    assert_eq!(sandbox.at.as_ref().map(|l| (l.doc.as_str(), l.line)), Some(("contractors.requirements.toml", 3)));
    assert_eq!(t.rules_files.0, ["team.rules"]);
    assert!(report.problems.iter().all(|p| p.severity != Severity::Error), "{:#?}", report.problems);
    assert!(report.problems.iter().any(|p| p.lint && p.code == "rules/allow-justification"));
}

#[test]
fn a_bash_script_is_split_and_each_command_judged() {
    let mut p = example("acme");
    p.scenario.user = "raj@acme.example".into();
    p.scenario.command = "bash -lc 'git status && terraform apply'".into();
    let report = evaluate(&p, View::Trace);
    let t = trace(&report);
    assert_eq!(t.outcome, Outcome::Ask);
    let a = t.assessment.as_ref().expect("assessment");
    assert_eq!(a.split_kind, "plain");
    assert_eq!(a.commands.len(), 2);
    assert_eq!(a.commands[0].matches[0].at.as_ref().map(|l| (l.doc.as_str(), l.line)), Some(("team.rules", 10)));
    assert_eq!(t.policy.name.as_deref(), Some("platform"));
}

#[test]
fn denied_users_and_heuristics() {
    let mut p = example("acme");
    p.scenario.user = "tia@acme.example".into();
    let t = evaluate(&p, View::Trace).trace.expect("trace");
    assert_eq!(t.outcome, Outcome::Denied);
    assert_eq!(t.who.surfaces, [false; 4]);
    p.scenario.user = "lee@acme.example".into();
    p.scenario.command = "ls -la".into();
    let t = evaluate(&p, View::Trace).trace.expect("trace");
    let h = t.assessment.as_ref().and_then(|a| a.commands[0].heuristic.clone()).expect("heuristic");
    assert_eq!(h.decision, Decision::Allow);
    assert_eq!(t.outcome, Outcome::RunSandboxed);
}

#[test]
fn the_standard_rollout_seed_is_refused_with_codexs_message_and_a_fix() {
    let report = evaluate(&example("seed-standard-rollout"), View::Trace);
    assert_eq!(trace(&report).outcome, Outcome::Error);
    let problem =
        report.problems.iter().find(|p| p.message.contains("must include 'read-only'")).expect("the read-only problem");
    let at = problem.location.as_ref().expect("located");
    assert_eq!(at.doc, "seed-standard-rollout.requirements.toml");
    let Some(Fix::Insert { doc, at, text, .. }) = &problem.fix else { panic!("no fix: {problem:?}") };
    let mut p = example("seed-standard-rollout");
    let original = p.text_of(doc).expect("doc").to_string();
    let fixed = [&original[..*at], text, &original[*at..]].concat();
    assert!(fixed.contains("allowed_sandbox_modes = [\"read-only\", \"workspace-write\"]"), "{fixed}");
    p.set_text(doc, fixed.into());
    let report = evaluate(&p, View::Trace);
    assert_eq!(trace(&report).outcome, Outcome::RunSandboxed);
}

#[test]
fn a_missing_file_is_located_at_its_reference_with_a_create_fix() {
    let mut p = example("acme");
    p.remove_doc("team.rules");
    let report = evaluate(&p, View::Trace);
    let problem = report.problems.iter().find(|p| p.code == "workspace/unreadable-file").expect("problem");
    assert_eq!(problem.location.as_ref().map(|l| (l.doc.as_str(), l.line)), Some(("workspace.toml", 74)));
    assert_eq!(problem.fix, Some(Fix::CreateDoc { name: "team.rules".into() }));
}

#[test]
fn inline_policies_are_located_inside_the_workspace_file() {
    let report = evaluate(&example("first-match"), View::Trace);
    let t = trace(&report);
    assert_eq!(t.outcome, Outcome::Reject);
    let at = t.decided_at.as_ref().expect("origin");
    assert_eq!(at.doc, "workspace.toml");
    let p = example("first-match");
    assert!(
        p.workspace[at.start..]
            .starts_with("{ pattern = [{ token = \"git\" }, { token = \"push\" }], decision = \"forbidden\"")
    );
    assert_eq!(t.policy.at.as_ref().map(|l| l.line), Some(24));
}

#[test]
fn a_broken_workspace_file_has_no_trace_but_a_located_error() {
    let mut p = example("acme");
    p.workspace = "[workspace\nname = 1".into();
    let report = evaluate(&p, View::Grid);
    assert!(report.trace.is_none() && report.model.is_none() && report.grid.is_none());
    let e = report.problems.first().expect("problem");
    assert_eq!((e.severity, e.location.as_ref().map(|l| l.line)), (Severity::Error, Some(1)));
}

#[test]
fn the_grid_covers_every_user_and_command() {
    let report = evaluate(&example("acme"), View::Grid);
    let g = report.grid.expect("grid");
    assert_eq!(g.grid.rows.len(), 7, "six users and (no group)");
    assert_eq!(g.grid.commands.len(), 9);
    assert_eq!(g.grid.cells[4][1].outcome, Outcome::Reject, "kim, git push");
    let mut p = example("acme");
    p.grid.rows = GridRows::Groups;
    p.grid.commands = "ls\n'unbalanced\n".into();
    let g = evaluate(&p, View::Grid).grid.expect("grid");
    assert_eq!((g.grid.rows.len(), g.grid.commands.len()), (6, 1));
    assert_eq!(g.bad_lines, [(2, "'unbalanced".to_owned())]);
}

#[test]
fn the_proposed_acme_change_is_stricter_for_curl_and_moves_kim() {
    let report = evaluate(&example("acme-change"), View::Diff);
    let Some(DiffView::Ready { verdict, users, outcomes, pairs, .. }) = report.diff.as_deref().cloned() else {
        panic!("no diff")
    };
    assert!(
        users.iter().any(|(u, old, new)| u == "kim@acme.example"
            && old.starts_with("contractors")
            && new.starts_with("baseline"))
    );
    assert!(
        outcomes.iter().any(|o| o.user == "lee@acme.example"
            && o.command == "curl https://example.com"
            && o.verdict == "stricter")
    );
    assert!(
        pairs.iter().any(|p| p.old == "baseline" && p.rules.iter().any(|r| r.old == "prompt" && r.new == "forbidden"))
    );
    assert_eq!(verdict, Some("mixed"));
    let none = evaluate(&example("acme"), View::Diff).diff;
    assert_eq!(none.as_deref(), Some(&DiffView::NoBaseline));
}

#[test]
fn config_values_fall_back_with_codexs_warning() {
    let report = evaluate(&example("fallback-warnings"), View::Trace);
    let t = trace(&report);
    let sandbox = t.settings.iter().find(|s| s.name == "sandbox_mode").expect("setting");
    assert_eq!(sandbox.value, "read-only");
    assert!(
        sandbox
            .warning
            .as_deref()
            .is_some_and(|w| w.starts_with("Configured value for `permission_profile` is disallowed by requirements")),
        "{:#?}",
        t.settings
    );
    assert_eq!(sandbox.at.as_ref().map(|l| l.line), Some(2));
    let mut p = example("fallback-warnings");
    p.scenario.config.overrides = "=x".into();
    assert!(evaluate(&p, View::Trace).problems_of(Field::Config).next().is_some());
}

#[test]
fn commands_split_like_a_shell_or_as_argv_lines() {
    let mut p = example("acme");
    p.scenario.command = "git commit -m \"wip".into();
    let report = evaluate(&p, View::Trace);
    let problem = report.problems_of(Field::Command).next().expect("problem");
    assert_eq!(problem.location.as_ref().map(|l| l.column), Some(15));
    p.scenario.command = "git\npush\n\n".into();
    p.scenario.argv_mode = true;
    assert_eq!(evaluate(&p, View::Trace).argv, ["git", "push"]);
}

#[test]
fn every_example_evaluates_and_a_reused_session_answers_like_a_fresh_one() {
    let mut session = Session::default();
    for e in EXAMPLES {
        let mut p = e.project();
        for view in [View::Trace, View::Grid, View::Diff, View::Lint] {
            assert_eq!(session.evaluate(&p, view), evaluate(&p, view), "{} {view:?}", e.id);
        }
        p.scenario.command = "git push --force".into();
        assert_eq!(session.evaluate(&p, View::Trace), evaluate(&p, View::Trace), "{}", e.id);
        assert!(evaluate(&p, View::Trace).trace.is_some(), "{} parses", e.id);
    }
}

#[test]
fn lint_can_be_deferred_and_joins_later() {
    let p = example("acme");
    let mut session = Session::default();
    let quick = session.evaluate_with(&p, View::Trace, false);
    assert!(quick.lint_pending);
    assert!(quick.problems.iter().all(|p| !p.lint));
    let full = session.evaluate_with(&p, View::Trace, false);
    assert!(full.lint_pending, "nothing linted yet");
    let full = session.evaluate_with(&p, View::Trace, true);
    assert!(!full.lint_pending && full.problems.iter().any(|p| p.lint));
    assert_eq!(session.evaluate_with(&p, View::Trace, false), full, "a fresh lint is reused");
}

#[test]
fn caret_offsets_count_utf16_units() {
    assert_eq!(utf16_offset("é😀x", 6), 3);
    assert_eq!(utf16_offset("é😀x", 3), 1);
    assert_eq!(find_unique("abcabc", "abc"), None);
    assert_eq!(find_unique("abcab", "ca"), Some(2));
}

#[test]
fn an_edit_retires_the_old_workspace_until_released() {
    let mut project = example("acme");
    let mut session = Session::default();
    let before = session.evaluate(&project, View::Trace);
    assert!(!session.release(), "nothing replaced yet");
    let text = project.workspace.to_string().replace("Contractors", "Vendors");
    project.workspace = text.into();
    let after = session.evaluate(&project, View::Trace);
    assert_ne!(trace(&before).policy.rule, trace(&after).policy.rule, "the edit took effect");
    assert!(session.release(), "the replaced workspace waited for release");
    assert!(!session.release());
}

#[test]
fn a_session_after_rule_edits_reports_what_a_fresh_one_does() {
    // acme's contractors policy with 40 more rules, edited inside one rule at a time: the session
    // re-reads only that rule; every report must equal a fresh session's.
    let mut project = example("acme");
    let doc = "contractors.requirements.toml";
    let base = project.text_of(doc).expect("contractors policy").to_string();
    let extra = (0..40)
        .map(|i| format!("  {{ pattern = [{{ token = \"tool{i}\" }}, {{ any_of = [\"run\", \"exec\"] }}], decision = \"prompt\" }},\n"))
        .collect::<Vec<_>>()
        .concat();
    let Some(at) = base.find("prefix_rules = [\n").map(|i| i + "prefix_rules = [\n".len()) else {
        panic!("no prefix_rules array in {doc}")
    };
    let text = [&base[..at], extra.as_str(), &base[at..]].concat();
    project.set_text(doc, text.clone().into());
    project.scenario.command = "tool7 run".into();
    let mut session = Session::default();
    let first = session.evaluate(&project, View::Trace);
    assert_eq!(trace(&first).decision, Some(Decision::Prompt), "{:?}", first.problems);
    for (from, to, decision) in
        [("\"tool7\"", "\"tool7x\"", None), ("\"tool3\" }", "\"tool7\" }", Some(Decision::Prompt))]
    {
        let edited = text.replacen(from, to, 1);
        project.set_text(doc, edited.into());
        let incremental = session.evaluate(&project, View::Trace);
        let fresh = Session::default().evaluate(&project, View::Trace);
        assert_eq!(incremental, fresh, "{from} → {to}");
        if let Some(d) = decision {
            assert_eq!(trace(&incremental).decision, Some(d));
        }
    }
}

#[test]
fn the_codex_generation_switch_re_evaluates_and_matches_a_fresh_session() {
    use crate::project::Edit;
    use policy_engine::explain::ExplainOptions;
    use policy_engine::heuristics::HeuristicsVersion;
    use policy_engine::requirements::MergeMode;

    // kim's policy (contractors) gains the newest generation's profile map; `rm -r -f` is dangerous
    // only to the newest heuristics (a force option anywhere before `--`).
    let mut project = example("acme");
    let doc = "contractors.requirements.toml";
    let text = [
        project.text_of(doc).expect("policy").as_str(),
        "\n[allowed_permission_profiles]\n\":workspace\" = true\n\":read-only\" = true\n",
    ]
    .concat();
    project.set_text(doc, text.into());
    project.scenario.command = "rm -r -f build".into();
    let profile =
        |r: &Report| trace(r).settings.iter().find(|f| f.name == "default_permissions").map(|f| f.value.clone());
    let dangerous = |r: &Report| {
        let a = trace(r).assessment.as_ref().expect("assessment");
        a.commands[0].heuristic.as_ref().and_then(|h| h.dangerous.as_ref()).map(|d| d.0)
    };

    let mut session = Session::default();
    let released = session.evaluate(&project, View::Trace);
    assert_eq!(profile(&released), None, "v1 has no profile map: nothing selected");
    assert_eq!(dangerous(&released), Some(false));

    for options in [
        ExplainOptions { merge_mode: MergeMode::DeepMerge, heuristics: HeuristicsVersion::Released },
        ExplainOptions { merge_mode: MergeMode::DeepMerge, heuristics: HeuristicsVersion::Newest },
        ExplainOptions::default(),
    ] {
        project.apply(Edit::Codex(options));
        let switched = session.evaluate(&project, View::Trace);
        assert_eq!(switched, Session::default().evaluate(&project, View::Trace), "{options:?}");
        let v2 = options.merge_mode == MergeMode::DeepMerge;
        assert_eq!(profile(&switched).as_deref(), v2.then_some(":workspace"), "{options:?}");
        assert_eq!(dangerous(&switched), Some(options.heuristics == HeuristicsVersion::Newest), "{options:?}");
    }
}

#[test]
fn an_internet_request_is_checked_and_a_malformed_one_is_a_config_problem() {
    use crate::project::Edit;

    // acme with the admins' role granting the cloud agent internet access; ana is an admin.
    let mut project = example("acme");
    let workspace = project.workspace.replace("codex_admin = true\n", "codex_admin = true\nagent_internet = true\n");
    project.set_text(WORKSPACE_DOC, workspace.into());
    project.apply(Edit::User("ana@acme.example".into()));
    let mut session = Session::default();
    assert_eq!(trace(&session.evaluate(&project, View::Trace)).internet, None, "none asked, none shown");

    let docs = Rc::clone(&project.docs);
    let resolve =
        move |path: &str| docs.iter().find(|d| d.name == path).map(|d| d.text.to_string()).ok_or_else(String::new);
    let parsed = parse_workspace_after(&project.workspace, WORKSPACE_DOC, &resolve, None);
    let evaluator =
        Evaluator::new(parsed.workspace.as_ref().expect("parses"), ExplainOptions::default(), PathContext::default());
    for (request, allowed) in [
        ("GET https://pypi.org/simple/", true),
        ("POST https://pypi.org/simple/", false),
        ("GET https://evil.example/x", false),
    ] {
        project.apply(Edit::Internet(request.into()));
        let report = session.evaluate(&project, View::Trace);
        let verdict = trace(&report).internet.clone().expect("a verdict");
        let (method, url) = request.split_once(' ').expect("method and url");
        let scenario = Scenario {
            user: Some("ana@acme.example".to_owned()),
            argv: vec!["ls".to_owned()],
            internet: Some((method.to_owned(), url.to_owned())),
            ..Scenario::default()
        };
        assert_eq!(Some(&verdict), evaluator.explain(&scenario).internet.as_ref(), "{request}: the engine's verdict");
        assert_eq!(verdict.allowed, allowed, "{request}: {}", verdict.reason);
        let line = if allowed { "- Cloud agent internet: allowed" } else { "- Cloud agent internet: blocked" };
        assert!(crate::trace::markdown(trace(&report)).contains(line), "{request}");
    }
    project.apply(Edit::Internet("pypi.org".into()));
    let report = session.evaluate(&project, View::Trace);
    let problem = report.problems.iter().find(|p| p.code == "config/internet-request").expect("a problem");
    assert_eq!(problem.message, "the internet request `pypi.org` is not `METHOD URL`");
    assert_eq!(trace(&report).internet, None);
}

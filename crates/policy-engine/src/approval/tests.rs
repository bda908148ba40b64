use super::*;
use crate::policy::{PatternToken, PrefixRule};

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn rule(tokens: &[&str], decision: Decision) -> PrefixRule {
    PrefixRule {
        first: tokens.first().copied().unwrap_or_default().to_owned(),
        rest: tokens.iter().skip(1).map(|t| PatternToken::Single((*t).to_owned())).collect(),
        decision,
        justification: None,
        reviewer: None,
        origin: None,
    }
}

#[test]
fn banned_prefixes_match_exactly() {
    assert!(is_banned_prefix_suggestion(&argv(&["python", "-c"])));
    assert!(!is_banned_prefix_suggestion(&argv(&["python", "-c", "print('hi')"])));
    assert!(!is_banned_prefix_suggestion(&argv(&["python3", "-m"])));
}

#[test]
fn outcome_mapping() {
    let skip = |bypass| ExecApprovalRequirement::Skip { bypass_sandbox: bypass, proposed_amendment: None };
    assert_eq!(Outcome::of(&skip(true), SandboxMode::ReadOnly), Outcome::RunUnsandboxed);
    assert_eq!(Outcome::of(&skip(false), SandboxMode::DangerFullAccess), Outcome::RunUnsandboxed);
    assert_eq!(Outcome::of(&skip(false), SandboxMode::WorkspaceWrite), Outcome::RunSandboxed);
    assert_eq!(Outcome::Ask.sentence(), "Codex asks before running this");
    assert_eq!(Outcome::RunUnsandboxed.as_str(), "run-unsandboxed");
}

#[test]
fn programmatic_policy_and_trace_json() {
    let mut policy = Policy::new();
    policy.add_rule(rule(&["git", "push"], Decision::Prompt));
    let ctx = ApprovalContext::default();
    let a = assess_command(&policy, &argv(&["bash", "-lc", "git push && ls"]), &ctx);
    assert_eq!(a.outcome, Outcome::Ask);
    assert_eq!(a.reason(), Some("`bash -lc 'git push && ls'` requires approval by policy"));
    let json = assessment_json(&a).to_compact();
    assert!(json.contains(r#"{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt"}}"#), "{json}");
    assert!(json.contains(r#"{"heuristicsRuleMatch":{"command":["ls"],"decision":"allow"}}"#), "{json}");
    assert!(json.contains(r#""outcome":"ask""#), "{json}");
}

#[test]
fn suggestion_rejections_are_explained() {
    let policy = Policy::new();
    let mut ctx = ApprovalContext { escalation: Escalation::RequireEscalated, ..ApprovalContext::default() };
    ctx.suggested_prefix_rule = Some(argv(&["git"]));
    let a = assess_command(&policy, &argv(&["git", "fetch"]), &ctx);
    assert_eq!(a.suggestion_rejected, Some(SuggestionRejection::Banned));
    assert_eq!(a.amendment_source, Some(AmendmentSource::HeuristicPrompt));
    ctx.suggested_prefix_rule = Some(argv(&["git", "fetch"]));
    let a = assess_command(&policy, &argv(&["git", "fetch"]), &ctx);
    assert_eq!(a.amendment_source, Some(AmendmentSource::ModelSuggestion));
    assert_eq!(a.suggestion_rejected, None);
    ctx.escalation = Escalation::None;
    let a = assess_command(&policy, &argv(&["git", "fetch"]), &ctx);
    assert_eq!(a.suggestion_rejected, Some(SuggestionRejection::NotAPrompt));
}

#[test]
fn amendment_writer() {
    let once = append_allow_prefix_rule("", &argv(&["python3"])).unwrap_or_default();
    assert_eq!(once, "prefix_rule(pattern=[\"python3\"], decision=\"allow\")\n");
    assert_eq!(append_allow_prefix_rule(&once, &argv(&["python3"])).as_deref(), Ok(once.as_str()));
    assert_eq!(append_allow_prefix_rule("x", &[]), Err(AmendError::EmptyPrefix));
    assert_eq!(AmendError::EmptyPrefix.to_string(), "prefix rule requires at least one token");
}

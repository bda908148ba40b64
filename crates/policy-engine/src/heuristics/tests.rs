use proptest::prelude::*;

use super::*;
use crate::settings::GranularApproval;

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn ctx(approval_policy: ApprovalPolicy, sandbox: SandboxMode, escalation: Escalation) -> UnmatchedContext {
    UnmatchedContext {
        approval_policy,
        sandbox,
        escalation,
        used_complex_parsing: false,
        version: HeuristicsVersion::Released,
        os: HostOs::Linux,
    }
}

#[test]
fn default_version_is_released() {
    assert_eq!(HeuristicsVersion::default(), HeuristicsVersion::Released);
    assert_eq!(HeuristicsVersion::parse("newest"), Some(HeuristicsVersion::Newest));
}

#[test]
fn verdicts_name_the_rule() {
    let v = is_known_safe_command(&argv(&["git", "-c", "core.pager=cat", "log"]), HostOs::Linux);
    assert!(!v.holds);
    assert_eq!(v.rule, "git-config-override");
    assert!(v.detail.contains("-c"), "{}", v.detail);
    let v = command_might_be_dangerous(&argv(&["bash", "-lc", "ls && rm -rf /"]));
    assert!(v.holds);
    assert!(v.detail.contains("rm -rf /"), "{}", v.detail);
}

#[test]
fn zsh_tokens_are_read_as_bash() {
    assert!(is_known_safe_command(&argv(&["zsh", "-lc", "ls && pwd"]), HostOs::Linux).holds);
}

#[test]
fn unmatched_decision_table() {
    let madeup = argv(&["madeup-cmd"]);
    let g = |sandbox_approval| {
        ApprovalPolicy::Granular(GranularApproval {
            sandbox_approval,
            rules: true,
            skill_approval: true,
            request_permissions: true,
            mcp_elicitations: true,
        })
    };
    let cases = [
        (
            ctx(ApprovalPolicy::Never, SandboxMode::ReadOnly, Escalation::None),
            Decision::Allow,
            UnmatchedRule::NeverAllows,
        ),
        (
            ctx(ApprovalPolicy::UnlessTrusted, SandboxMode::ReadOnly, Escalation::None),
            Decision::Prompt,
            UnmatchedRule::UntrustedPrompts,
        ),
        (
            ctx(ApprovalPolicy::OnRequest, SandboxMode::DangerFullAccess, Escalation::RequireEscalated),
            Decision::Allow,
            UnmatchedRule::UnrestrictedAllows,
        ),
        (
            ctx(ApprovalPolicy::OnRequest, SandboxMode::ExternalSandbox, Escalation::None),
            Decision::Allow,
            UnmatchedRule::UnrestrictedAllows,
        ),
        (
            ctx(ApprovalPolicy::OnRequest, SandboxMode::WorkspaceWrite, Escalation::WithAdditionalPermissions),
            Decision::Prompt,
            UnmatchedRule::EscalationPrompts,
        ),
        (
            ctx(ApprovalPolicy::OnFailure, SandboxMode::ReadOnly, Escalation::None),
            Decision::Allow,
            UnmatchedRule::SandboxAllows,
        ),
        (
            ctx(g(false), SandboxMode::ReadOnly, Escalation::RequireEscalated),
            Decision::Prompt,
            UnmatchedRule::EscalationPrompts,
        ),
    ];
    for (context, decision, rule) in cases {
        let d = render_decision_for_unmatched_command(&madeup, &context);
        assert_eq!((d.decision, d.rule), (decision, rule), "{context:?}");
    }
    let safe = render_decision_for_unmatched_command(
        &argv(&["ls"]),
        &ctx(ApprovalPolicy::UnlessTrusted, SandboxMode::ReadOnly, Escalation::None),
    );
    assert_eq!((safe.decision, safe.rule), (Decision::Allow, UnmatchedRule::KnownSafeUntrusted));
    let mut complex = ctx(ApprovalPolicy::UnlessTrusted, SandboxMode::ReadOnly, Escalation::None);
    complex.used_complex_parsing = true;
    assert_eq!(render_decision_for_unmatched_command(&argv(&["ls"]), &complex).decision, Decision::Prompt);
    let rm = argv(&["rm", "-rf", "/"]);
    assert_eq!(
        render_decision_for_unmatched_command(
            &rm,
            &ctx(ApprovalPolicy::Never, SandboxMode::DangerFullAccess, Escalation::None)
        )
        .decision,
        Decision::Forbidden
    );
    assert_eq!(
        render_decision_for_unmatched_command(
            &rm,
            &ctx(ApprovalPolicy::OnRequest, SandboxMode::DangerFullAccess, Escalation::None)
        )
        .decision,
        Decision::Prompt
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn heuristics_never_panic(args in proptest::collection::vec(".{0,10}", 0..6), wrap in any::<bool>(), script in "[ -~\\n]{0,40}") {
        let command = if wrap { vec!["bash".to_owned(), "-lc".to_owned(), script] } else { args };
        let _ = is_known_safe_command(&command, HostOs::Linux);
        let _ = command_might_be_dangerous(&command);
        let _ = dangerous_command_match(&command);
    }
}

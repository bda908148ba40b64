//! Lint checks over a parsed workspace. Stable codes:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `workspace/unreachable-policy-rule` | warning | the rule's group is empty, or every member already matched an earlier rule |
//! | `workspace/no-policy` | warning | a listed user matches no rule and there is no default policy |
//! | `workspace/no-default-role` | info | users outside every group get no permissions |
//! | `workspace/internet-unreachable` | warning | internet is on but no role grants `agent_internet` |

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::workspace::file::Workspace;

fn info(code: &'static str, message: String) -> Diagnostic {
    Diagnostic { severity: Severity::Info, ..Diagnostic::warning(code, message) }
}

/// Lint diagnostics of a workspace (`source` names the workspace file).
pub fn lint_workspace(ws: &Workspace, source: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut matched: BTreeSet<String> = BTreeSet::new();
    for rule in &ws.policy_rules {
        let Some(group) = ws.group(&rule.group.name) else { continue };
        // Inserted one by one: collecting would add a sort and a bulk build to the wasm.
        let mut members = BTreeSet::new();
        for member in &group.members {
            members.insert(member.to_ascii_lowercase());
        }
        if members.is_empty() {
            out.push(
                Diagnostic::warning(
                    "workspace/unreachable-policy-rule",
                    format!("policy rule for group `{}` can never match: the group has no members", group.name),
                )
                .at(source, rule.span),
            );
        } else if members.is_subset(&matched) {
            out.push(
                Diagnostic::warning(
                    "workspace/unreachable-policy-rule",
                    format!(
                        "policy rule for group `{}` can never match: every member matches an earlier rule",
                        group.name
                    ),
                )
                .with_help("the first matching rule applies; move this rule up or remove it")
                .at(source, rule.span),
            );
        }
        matched.extend(members);
    }
    if ws.default_policy.is_none() {
        let mut seen = BTreeSet::new();
        for group in &ws.groups {
            for member in &group.members {
                let key = member.to_ascii_lowercase();
                if !matched.contains(&key) && seen.insert(key) {
                    out.push(
                        Diagnostic::warning(
                            "workspace/no-policy",
                            format!("`{member}` matches no policy rule and there is no default policy"),
                        )
                        .with_help("add `[default_policy]` or a policy rule for one of the user's groups")
                        .at(source, group.span),
                    );
                }
            }
        }
    }
    if ws.default_role.is_none() {
        out.push(
            info(
                "workspace/no-default-role",
                "no `default_role`: users without a custom role get no Codex access".into(),
            )
            .in_source(source),
        );
    }
    if ws.internet.as_ref().is_some_and(|i| i.enabled) && !ws.roles.iter().any(|r| r.permissions.agent_internet) {
        out.push(
            Diagnostic::warning(
                "workspace/internet-unreachable",
                "agent internet access is on, but no role grants `agent_internet`",
            )
            .with_help("set `agent_internet = true` on the roles that should use it")
            .in_source(source),
        );
    }
    out
}

//! From an evaluation to what Codex does: run sandboxed, run unsandboxed, ask or reject
//! (spec §3.5.3, §3.6, core @ `0017bb4a` `exec_policy.rs`), and the "don't ask again" rule line
//! Codex appends to `default.rules` (spec §3.7).

use std::fmt;

use crate::check::rule_match_json;
use crate::decision::Decision;
use crate::json::{Json, push_string};
use crate::paths::PathContext;
use crate::policy::{Evaluation, MatchOptions, PatternToken, Policy, PrefixRule, PrefixRuleMatch, RuleMatch};
use crate::settings::{ApprovalPolicy, SandboxMode};
use crate::shell::{SplitCommands, SplitExplanation, commands_for_exec_policy, render_command};

pub use crate::heuristics::{Escalation, HeuristicsVersion, HostOs};
use crate::heuristics::{UnmatchedContext, UnmatchedDecision, render_decision_for_unmatched_command};

/// `approval required by policy, but AskForApproval is set to Never`
pub const PROMPT_CONFLICT_REASON: &str = "approval required by policy, but AskForApproval is set to Never";
/// `approval required by policy, but AskForApproval::Granular.sandbox_approval is false`
pub const REJECT_SANDBOX_APPROVAL_REASON: &str =
    "approval required by policy, but AskForApproval::Granular.sandbox_approval is false";
/// `approval required by policy rule, but AskForApproval::Granular.rules is false`
pub const REJECT_RULES_APPROVAL_REASON: &str =
    "approval required by policy rule, but AskForApproval::Granular.rules is false";

/// Prefixes a model may not have approved for good (`BANNED_PREFIX_SUGGESTIONS`): exact matches
/// only, longer prefixes that start with these are fine.
pub const BANNED_PREFIX_SUGGESTIONS: &[&[&str]] = &[
    &["python3"],
    &["python3", "-"],
    &["python3", "-c"],
    &["python"],
    &["python", "-"],
    &["python", "-c"],
    &["py"],
    &["py", "-3"],
    &["pythonw"],
    &["pyw"],
    &["pypy"],
    &["pypy3"],
    &["git"],
    &["bash"],
    &["bash", "-lc"],
    &["sh"],
    &["sh", "-c"],
    &["sh", "-lc"],
    &["zsh"],
    &["zsh", "-lc"],
    &["/bin/zsh"],
    &["/bin/zsh", "-lc"],
    &["/bin/bash"],
    &["/bin/bash", "-lc"],
    &["pwsh"],
    &["pwsh", "-Command"],
    &["pwsh", "-c"],
    &["powershell"],
    &["powershell", "-Command"],
    &["powershell", "-c"],
    &["powershell.exe"],
    &["powershell.exe", "-Command"],
    &["powershell.exe", "-c"],
    &["env"],
    &["sudo"],
    &["node"],
    &["node", "-e"],
    &["perl"],
    &["perl", "-e"],
    &["ruby"],
    &["ruby", "-e"],
    &["php"],
    &["php", "-r"],
    &["lua"],
    &["lua", "-e"],
    &["osascript"],
];

/// Whether `prefix` is exactly one of [`BANNED_PREFIX_SUGGESTIONS`].
pub fn is_banned_prefix_suggestion(prefix: &[String]) -> bool {
    BANNED_PREFIX_SUGGESTIONS
        .iter()
        .any(|banned| banned.len() == prefix.len() && banned.iter().zip(prefix).all(|(b, p)| *b == p))
}

/// Codex's `ExecApprovalRequirement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecApprovalRequirement {
    /// Run without asking.
    Skip {
        /// Outside the sandbox: only when every command has an explicit `allow` rule.
        bypass_sandbox: bool,
        /// The prefix Codex would offer to allow after a sandbox failure.
        proposed_amendment: Option<Vec<String>>,
    },
    /// Ask the developer.
    NeedsApproval {
        /// Shown with the prompt (only when a prompt rule matched).
        reason: Option<String>,
        /// "Yes, and don't ask again for commands starting with …".
        proposed_amendment: Option<Vec<String>>,
    },
    /// Refuse.
    Forbidden {
        /// Shown to the model and the developer.
        reason: String,
    },
}

impl ExecApprovalRequirement {
    /// `skip`, `needs-approval`, `forbidden`.
    pub fn kind(&self) -> &'static str {
        match self {
            ExecApprovalRequirement::Skip { .. } => "skip",
            ExecApprovalRequirement::NeedsApproval { .. } => "needs-approval",
            ExecApprovalRequirement::Forbidden { .. } => "forbidden",
        }
    }

    /// The text the developer sees, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ExecApprovalRequirement::Skip { .. } => None,
            ExecApprovalRequirement::NeedsApproval { reason, .. } => reason.as_deref(),
            ExecApprovalRequirement::Forbidden { reason } => Some(reason),
        }
    }

    /// The proposed amendment, if any.
    pub fn proposed_amendment(&self) -> Option<&[String]> {
        match self {
            ExecApprovalRequirement::Skip { proposed_amendment, .. }
            | ExecApprovalRequirement::NeedsApproval { proposed_amendment, .. } => proposed_amendment.as_deref(),
            ExecApprovalRequirement::Forbidden { .. } => None,
        }
    }
}

/// What happens to the command, in product terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Runs inside the sandbox without asking.
    RunSandboxed,
    /// Runs outside the sandbox (explicit allow rules, or no sandbox at all) without asking.
    RunUnsandboxed,
    /// Codex asks first.
    Ask,
    /// Codex refuses.
    Reject,
}

impl Outcome {
    /// `run-sandboxed`, `run-unsandboxed`, `ask`, `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::RunSandboxed => "run-sandboxed",
            Outcome::RunUnsandboxed => "run-unsandboxed",
            Outcome::Ask => "ask",
            Outcome::Reject => "reject",
        }
    }

    /// A plain-words sentence.
    pub fn sentence(self) -> &'static str {
        match self {
            Outcome::RunSandboxed => "Codex runs this inside the sandbox without asking",
            Outcome::RunUnsandboxed => "Codex runs this outside the sandbox without asking",
            Outcome::Ask => "Codex asks before running this",
            Outcome::Reject => "Codex refuses to run this",
        }
    }

    /// The outcome of a requirement under a sandbox mode.
    pub fn of(requirement: &ExecApprovalRequirement, sandbox: SandboxMode) -> Self {
        match requirement {
            ExecApprovalRequirement::Skip { bypass_sandbox: true, .. } => Outcome::RunUnsandboxed,
            ExecApprovalRequirement::Skip { .. } if sandbox == SandboxMode::DangerFullAccess => Outcome::RunUnsandboxed,
            ExecApprovalRequirement::Skip { .. } => Outcome::RunSandboxed,
            ExecApprovalRequirement::NeedsApproval { .. } => Outcome::Ask,
            ExecApprovalRequirement::Forbidden { .. } => Outcome::Reject,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything besides the policy and the argv that Codex consults for an approval.
#[derive(Debug, Clone)]
pub struct ApprovalContext {
    /// `approval_policy` (`on-failure` behaves as `on-request`).
    pub approval_policy: ApprovalPolicy,
    /// `sandbox_mode`.
    pub sandbox_mode: SandboxMode,
    /// The tool call's `sandbox_permissions`.
    pub escalation: Escalation,
    /// The model's suggested `prefix_rule`, if any.
    pub suggested_prefix_rule: Option<Vec<String>>,
    /// Which dangerous-command heuristics.
    pub heuristics: HeuristicsVersion,
    /// Matching options. Inside Codex host-executable resolution is always on; `paths` gives the
    /// working and home directory.
    pub match_options: MatchOptions,
}

impl Default for ApprovalContext {
    /// Codex's defaults: `on-request`, `workspace-write`, no escalation, no suggestion, released
    /// heuristics, host-executable resolution on.
    fn default() -> Self {
        Self {
            approval_policy: ApprovalPolicy::OnRequest,
            sandbox_mode: SandboxMode::WorkspaceWrite,
            escalation: Escalation::None,
            suggested_prefix_rule: None,
            heuristics: HeuristicsVersion::default(),
            match_options: MatchOptions { resolve_host_executables: true, paths: PathContext::default() },
        }
    }
}

/// Where a proposed amendment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmendmentSource {
    /// The model's suggested prefix rule.
    ModelSuggestion,
    /// The first command the heuristics prompted for.
    HeuristicPrompt,
    /// The first command the heuristics allowed (offered after a sandbox failure).
    HeuristicAllow,
}

impl AmendmentSource {
    /// Kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentSource::ModelSuggestion => "model-suggestion",
            AmendmentSource::HeuristicPrompt => "heuristic-prompt",
            AmendmentSource::HeuristicAllow => "heuristic-allow",
        }
    }
}

/// Why the model's suggested prefix rule was not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuggestionRejection {
    /// Amendments are never offered for the heredoc reduction.
    ComplexParsing,
    /// The suggestion is empty.
    Empty,
    /// The suggestion is exactly a banned prefix.
    Banned,
    /// A prefix rule already matched a command.
    RuleAlreadyMatched,
    /// Allowing it would still leave a command that is not allowed.
    WouldNotApproveAll,
    /// Only prompts use suggestions.
    NotAPrompt,
}

impl SuggestionRejection {
    /// The reason in words.
    pub fn describe(self) -> &'static str {
        match self {
            SuggestionRejection::ComplexParsing => "amendments are never offered when the heredoc reduction was used",
            SuggestionRejection::Empty => "the suggested prefix is empty",
            SuggestionRejection::Banned => "the suggested prefix is on the banned list",
            SuggestionRejection::RuleAlreadyMatched => "a prefix rule already matches the command",
            SuggestionRejection::WouldNotApproveAll => {
                "allowing the prefix would not allow every command of the script"
            }
            SuggestionRejection::NotAPrompt => "suggestions are only used when Codex asks",
        }
    }
}

/// One evaluated command of the split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandMatches {
    /// The command.
    pub argv: Vec<String>,
    /// Prefix-rule matches (exact pass, else host-executable pass).
    pub prefix_matches: Vec<PrefixRuleMatch>,
    /// The heuristics' decision when no rule matched.
    pub heuristics: Option<UnmatchedDecision>,
}

/// Everything Codex derives for one command, with the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandAssessment {
    /// How the argv was split.
    pub split: SplitCommands,
    /// Per command, in order.
    pub commands: Vec<CommandMatches>,
    /// All matches (prefix or heuristics) in Codex's order and the strictest decision.
    pub evaluation: Evaluation,
    /// The strictest decision.
    pub decision: Decision,
    /// Codex's requirement.
    pub requirement: ExecApprovalRequirement,
    /// What happens.
    pub outcome: Outcome,
    /// Where the proposed amendment came from.
    pub amendment_source: Option<AmendmentSource>,
    /// Why the model's suggested prefix rule was not used (when one was given and not used).
    pub suggestion_rejected: Option<SuggestionRejection>,
}

impl CommandAssessment {
    /// The text the developer sees (the requirement's reason).
    pub fn reason(&self) -> Option<&str> {
        self.requirement.reason()
    }

    /// The proposed "don't ask again" prefix.
    pub fn amendment(&self) -> Option<&[String]> {
        self.requirement.proposed_amendment()
    }

    /// Whether the command runs outside the sandbox because every command has an `allow` rule.
    pub fn bypass_sandbox(&self) -> bool {
        matches!(self.requirement, ExecApprovalRequirement::Skip { bypass_sandbox: true, .. })
    }

    /// `[{"argv":[…],"matchedRules":[…]}, …]`, matches shaped as in `check` and heuristics
    /// entries as `{"heuristicsRuleMatch":{"command":[…],"decision":…}}`.
    pub fn commands_json(&self) -> Json {
        Json::Array(
            self.commands
                .iter()
                .map(|c| {
                    let mut rules: Vec<Json> =
                        c.prefix_matches.iter().map(|m| rule_match_json(&RuleMatch::Prefix(m.clone()))).collect();
                    if let Some(h) = &c.heuristics {
                        rules.push(rule_match_json(&RuleMatch::Heuristics {
                            command: c.argv.clone(),
                            decision: h.decision,
                        }));
                    }
                    Json::object().with("argv", c.argv.as_slice()).with("matchedRules", Json::Array(rules))
                })
                .collect(),
        )
    }

    /// `{"kind":…,"usedComplexParsing":…,"explanation":…,"rejection":{"construct","offset","text"}?}`.
    pub fn split_json(&self) -> Json {
        split_json(&self.split)
    }
}

/// The split as JSON for the trace.
pub fn split_json(split: &SplitCommands) -> Json {
    let rejection = match &split.explanation {
        SplitExplanation::Heredoc { plain, .. } | SplitExplanation::Unsplittable { plain, .. } => Some(plain),
        _ => None,
    };
    Json::object()
        .with("kind", split.explanation.kind())
        .with("usedComplexParsing", split.used_complex_parsing)
        .with("explanation", split.explanation.to_string())
        .with_opt(
            "rejection",
            rejection.map(|r| {
                Json::object()
                    .with("construct", r.construct.code())
                    .with("offset", r.offset)
                    .with("text", r.to_string())
            }),
        )
}

/// `create_exec_approval_requirement_for_command` (spec §3.6) on Linux.
pub fn assess_command(policy: &Policy, argv: &[String], ctx: &ApprovalContext) -> CommandAssessment {
    assess_command_on(policy, argv, ctx, HostOs::default())
}

/// [`assess_command`] for a given operating system (the safe list has Linux-only entries).
pub fn assess_command_on(policy: &Policy, argv: &[String], ctx: &ApprovalContext, os: HostOs) -> CommandAssessment {
    let split = commands_for_exec_policy(argv);
    let used_complex_parsing = split.used_complex_parsing;
    let options = &ctx.match_options;
    let context = UnmatchedContext {
        approval_policy: ctx.approval_policy,
        sandbox: ctx.sandbox_mode,
        escalation: ctx.escalation,
        used_complex_parsing,
        version: ctx.heuristics,
        os,
    };

    let mut commands = Vec::with_capacity(split.commands.len());
    let mut matched = Vec::new();
    for argv in &split.commands {
        let mut prefix_matches = Vec::new();
        let heuristics = if policy.push_matches_for(argv, options, &mut prefix_matches) {
            matched.extend(prefix_matches.iter().cloned().map(RuleMatch::Prefix));
            None
        } else {
            let unmatched = render_decision_for_unmatched_command(argv, &context);
            matched.push(RuleMatch::Heuristics { command: argv.clone(), decision: unmatched.decision });
            Some(unmatched)
        };
        commands.push(CommandMatches { argv: argv.clone(), prefix_matches, heuristics });
    }
    let evaluation = Evaluation::from_matches(matched);
    // INVARIANT: every command contributes at least one match, and there is at least one command.
    let decision = evaluation.decision.unwrap_or(Decision::Allow);

    let auto_amendment_allowed = !used_complex_parsing;
    let mut suggestion_rejected = None;
    let suggestion = ctx.suggested_prefix_rule.as_deref();
    let requested = if suggestion.is_none() {
        None
    } else if !auto_amendment_allowed {
        suggestion_rejected = Some(SuggestionRejection::ComplexParsing);
        None
    } else {
        match requested_amendment(
            policy,
            suggestion.unwrap_or_default(),
            &evaluation,
            &split.commands,
            &context,
            options,
        ) {
            Ok(prefix) => Some(prefix),
            Err(why) => {
                suggestion_rejected = Some(why);
                None
            }
        }
    };

    let mut amendment_source = None;
    let requirement = match decision {
        Decision::Forbidden => {
            ExecApprovalRequirement::Forbidden { reason: derive_forbidden_reason(argv, &evaluation) }
        }
        Decision::Prompt => {
            let prompt_is_rule = evaluation
                .matched_rules
                .iter()
                .any(|m| matches!(m, RuleMatch::Prefix(p) if p.decision == Decision::Prompt));
            if let Some(reason) = prompt_is_rejected_by_policy(ctx.approval_policy, prompt_is_rule) {
                ExecApprovalRequirement::Forbidden { reason: reason.to_owned() }
            } else {
                let proposed_amendment = if let Some(prefix) = requested {
                    amendment_source = Some(AmendmentSource::ModelSuggestion);
                    Some(prefix)
                } else if auto_amendment_allowed {
                    let derived = amendment_for_prompt_rules(&evaluation.matched_rules);
                    amendment_source = derived.as_ref().map(|_| AmendmentSource::HeuristicPrompt);
                    derived
                } else {
                    None
                };
                ExecApprovalRequirement::NeedsApproval {
                    reason: derive_prompt_reason(argv, &evaluation),
                    proposed_amendment,
                }
            }
        }
        Decision::Allow => {
            let bypass_sandbox =
                commands.iter().all(|c| c.prefix_matches.iter().any(|m| m.decision == Decision::Allow));
            let proposed_amendment =
                if auto_amendment_allowed { amendment_for_allow_rules(&evaluation.matched_rules) } else { None };
            amendment_source = proposed_amendment.as_ref().map(|_| AmendmentSource::HeuristicAllow);
            ExecApprovalRequirement::Skip { bypass_sandbox, proposed_amendment }
        }
    };
    if suggestion.is_some()
        && suggestion_rejected.is_none()
        && amendment_source != Some(AmendmentSource::ModelSuggestion)
    {
        suggestion_rejected = Some(SuggestionRejection::NotAPrompt);
    }
    let outcome = Outcome::of(&requirement, ctx.sandbox_mode);
    CommandAssessment {
        split,
        commands,
        evaluation,
        decision,
        requirement,
        outcome,
        amendment_source,
        suggestion_rejected,
    }
}

/// After a sandboxed run fails with a sandbox denial, whether Codex offers to retry outside the
/// sandbox: `on-request`, `untrusted` and `on-failure` yes, `never` no, granular only with
/// `sandbox_approval`.
pub fn retry_without_sandbox_offered(approval_policy: ApprovalPolicy) -> bool {
    match approval_policy {
        ApprovalPolicy::Never => false,
        ApprovalPolicy::OnRequest | ApprovalPolicy::OnFailure | ApprovalPolicy::UnlessTrusted => true,
        ApprovalPolicy::Granular(granular) => granular.sandbox_approval,
    }
}

/// `prompt_is_rejected_by_policy`: whether the approval policy forbids showing this prompt.
pub fn prompt_is_rejected_by_policy(approval_policy: ApprovalPolicy, prompt_is_rule: bool) -> Option<&'static str> {
    match approval_policy {
        ApprovalPolicy::Never => Some(PROMPT_CONFLICT_REASON),
        ApprovalPolicy::OnRequest | ApprovalPolicy::OnFailure | ApprovalPolicy::UnlessTrusted => None,
        ApprovalPolicy::Granular(granular) => {
            if prompt_is_rule {
                (!granular.rules).then_some(REJECT_RULES_APPROVAL_REASON)
            } else {
                (!granular.sandbox_approval).then_some(REJECT_SANDBOX_APPROVAL_REASON)
            }
        }
    }
}

/// `derive_requested_execpolicy_amendment_from_prefix_rule`.
fn requested_amendment(
    policy: &Policy,
    prefix: &[String],
    evaluation: &Evaluation,
    commands: &[Vec<String>],
    context: &UnmatchedContext,
    options: &MatchOptions,
) -> Result<Vec<String>, SuggestionRejection> {
    let Some((first, rest)) = prefix.split_first() else {
        return Err(SuggestionRejection::Empty);
    };
    if is_banned_prefix_suggestion(prefix) {
        return Err(SuggestionRejection::Banned);
    }
    if evaluation.matched_rules.iter().any(|m| matches!(m, RuleMatch::Prefix(_))) {
        return Err(SuggestionRejection::RuleAlreadyMatched);
    }
    // `prefix_rule_would_approve_all_commands`: the policy plus this allow rule, each command
    // checked with the heuristics fallback.
    let mut amended = policy.clone();
    amended.add_rule(PrefixRule {
        first: first.clone(),
        rest: rest.iter().map(|t| PatternToken::Single(t.clone())).collect(),
        decision: Decision::Allow,
        justification: None,
        reviewer: None,
        origin: None,
    });
    let all_allowed = commands.iter().all(|command| {
        let mut fallback = |cmd: &[String]| render_decision_for_unmatched_command(cmd, context).decision;
        amended.check_multiple(std::slice::from_ref(command), options, Some(&mut fallback)).decision
            == Some(Decision::Allow)
    });
    if all_allowed { Ok(prefix.to_vec()) } else { Err(SuggestionRejection::WouldNotApproveAll) }
}

/// `try_derive_execpolicy_amendment_for_prompt_rules`: none if a prompt rule matched, else the
/// first command the heuristics prompted for.
fn amendment_for_prompt_rules(matched: &[RuleMatch]) -> Option<Vec<String>> {
    if matched.iter().any(|m| matches!(m, RuleMatch::Prefix(p) if p.decision == Decision::Prompt)) {
        return None;
    }
    matched.iter().find_map(|m| match m {
        RuleMatch::Heuristics { command, decision: Decision::Prompt } => Some(command.clone()),
        _ => None,
    })
}

/// `try_derive_execpolicy_amendment_for_allow_rules`: none if any prefix rule matched, else the
/// first command the heuristics allowed.
fn amendment_for_allow_rules(matched: &[RuleMatch]) -> Option<Vec<String>> {
    if matched.iter().any(|m| matches!(m, RuleMatch::Prefix(_))) {
        return None;
    }
    matched.iter().find_map(|m| match m {
        RuleMatch::Heuristics { command, decision: Decision::Allow } => Some(command.clone()),
        _ => None,
    })
}

/// The longest matched prefix with `decision`; ties go to the last (Rust's `max_by_key`).
fn most_specific(evaluation: &Evaluation, decision: Decision) -> Option<&PrefixRuleMatch> {
    let mut best: Option<&PrefixRuleMatch> = None;
    for m in &evaluation.matched_rules {
        if let RuleMatch::Prefix(p) = m
            && p.decision == decision
            && best.is_none_or(|b| p.matched_prefix.len() >= b.matched_prefix.len())
        {
            best = Some(p);
        }
    }
    best
}

/// `derive_forbidden_reason`.
pub fn derive_forbidden_reason(argv: &[String], evaluation: &Evaluation) -> String {
    let command = render_command(argv);
    match most_specific(evaluation, Decision::Forbidden) {
        Some(PrefixRuleMatch { justification: Some(justification), .. }) => {
            format!("`{command}` rejected: {justification}")
        }
        Some(m) => {
            format!(
                "`{command}` rejected: policy forbids commands starting with `{}`",
                render_command(&m.matched_prefix)
            )
        }
        None => format!("`{command}` rejected: blocked by policy"),
    }
}

/// `derive_prompt_reason`: only when a prompt rule matched.
pub fn derive_prompt_reason(argv: &[String], evaluation: &Evaluation) -> Option<String> {
    let m = most_specific(evaluation, Decision::Prompt)?;
    let command = render_command(argv);
    Some(match &m.justification {
        Some(justification) => format!("`{command}` requires approval: {justification}"),
        None => format!("`{command}` requires approval by policy"),
    })
}

/// The `.rules` line Codex appends for "don't ask again" (`prefix_rule(pattern=[…], decision="allow")`).
pub fn allow_prefix_rule_line(prefix: &[String]) -> Result<String, AmendError> {
    if prefix.is_empty() {
        return Err(AmendError::EmptyPrefix);
    }
    let mut line = String::from("prefix_rule(pattern=[");
    for (i, token) in prefix.iter().enumerate() {
        if i > 0 {
            line.push_str(", ");
        }
        push_string(&mut line, token);
    }
    line.push_str("], decision=\"allow\")");
    Ok(line)
}

/// `blocking_append_allow_prefix_rule` as a pure function over the file's text: the new text,
/// unchanged when an identical line exists, with a newline inserted first when the text does not
/// end with one.
pub fn append_allow_prefix_rule(existing_text: &str, prefix: &[String]) -> Result<String, AmendError> {
    let line = allow_prefix_rule_line(prefix)?;
    if existing_text.lines().any(|existing| existing == line) {
        return Ok(existing_text.to_owned());
    }
    let mut out = String::with_capacity(existing_text.len() + line.len() + 2);
    out.push_str(existing_text);
    if !existing_text.is_empty() && !existing_text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&line);
    out.push('\n');
    Ok(out)
}

/// Why an amendment cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendError {
    /// `prefix rule requires at least one token`
    EmptyPrefix,
}

impl fmt::Display for AmendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmendError::EmptyPrefix => f.write_str("prefix rule requires at least one token"),
        }
    }
}

impl std::error::Error for AmendError {}

/// The assessment as JSON: `split`, `commands`, `decision`, `requirement`, `outcome`,
/// `outcomeText`, `reason`, `amendment`.
pub fn assessment_json(assessment: &CommandAssessment) -> Json {
    let mut requirement = Json::object().with("type", assessment.requirement.kind());
    if let ExecApprovalRequirement::Skip { bypass_sandbox, .. } = &assessment.requirement {
        requirement.push("bypassSandbox", *bypass_sandbox);
    }
    Json::object()
        .with("split", assessment.split_json())
        .with("commands", assessment.commands_json())
        .with("decision", assessment.decision.as_str())
        .with("requirement", requirement)
        .with("outcome", assessment.outcome.as_str())
        .with("outcomeText", assessment.outcome.sentence())
        .with("reason", assessment.reason().map_or(Json::Null, Json::from))
        .with("amendment", assessment.amendment().map_or(Json::Null, Json::from))
}

#[cfg(test)]
mod tests;

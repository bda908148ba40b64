//! The only module that talks to the engine: inputs as the person typed them in, a [`Report`] of
//! plain rendering data out.
//!
//! The UI never sees engine types beyond [`Decision`] and [`Reviewer`], so this module can later be
//! swapped for the full `explain` pipeline (workspace, users, outcome, trace) without touching the
//! components. Pure and synchronous: it runs natively in the render tests and in the browser.

use policy_engine::requirements_rules::parse_requirements_rules;
use policy_engine::starlark::{RulesFile, load_rules_files};
use policy_engine::{Decision, Diagnostic, LineIndex, MatchOptions, PathContext, Policy, RuleMatch, Severity};

pub use policy_engine::Reviewer;

/// The name the requirements editor's text goes by in messages and rule origins.
pub const REQUIREMENTS_NAME: &str = "requirements.toml";
/// The name the rules editor's text goes by: the user layer's `default.rules`, where Codex itself
/// writes the "don't ask again" amendments.
pub const RULES_NAME: &str = "default.rules";

/// What the person typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inputs {
    /// The `requirements.toml` text (only its `[rules]` table matters for now).
    pub requirements: String,
    /// The Starlark `.rules` text; blank means "no rules file".
    pub rules: String,
    /// The command line, split with POSIX shell rules.
    pub command: String,
}

/// Which input a diagnostic or a rule points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The requirements editor.
    Requirements,
    /// The rules editor.
    Rules,
    /// The command field.
    Command,
}

impl Field {
    /// Stable DOM id of the control, for labels, links and moving the caret.
    pub fn dom_id(self) -> &'static str {
        match self {
            Field::Requirements => "requirements-input",
            Field::Rules => "rules-input",
            Field::Command => "command-input",
        }
    }
}

/// A place in one input, ready to print and to put the caret on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input it points into.
    pub field: Field,
    /// The file name shown to the person (`requirements.toml`, `default.rules`, `command`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Start of the span in UTF-16 code units, which is what `setSelectionRange` counts.
    pub caret_start: u32,
    /// End of the span in UTF-16 code units.
    pub caret_end: u32,
}

impl Location {
    /// `file:line:column`.
    pub fn label(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem, located when possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Stable engine code, e.g. `requirements/invalid-rules`.
    pub code: &'static str,
    /// The message (Codex's own text where Codex has one).
    pub message: String,
    /// Advice, when known.
    pub help: Option<String>,
    /// The input it is about, without a position when the engine gave no span.
    pub field: Field,
    /// Where exactly.
    pub location: Option<Location>,
    /// What Codex does about it, in plain words.
    pub consequence: Option<&'static str>,
}

/// One matched rule as the trace table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedRule {
    /// The argv elements the rule covered.
    pub matched_prefix: Vec<String>,
    /// The rule's verdict.
    pub decision: Decision,
    /// The rule's justification.
    pub justification: Option<String>,
    /// Who reviews a prompt, when the rule says.
    pub reviewer: Option<Reviewer>,
    /// The absolute program path, when the rule matched through its basename.
    pub resolved_program: Option<String>,
    /// Where the rule was written.
    pub written_at: Option<Location>,
    /// Whether it came from the requirements `[rules]` table (an admin rule).
    pub from_requirements: bool,
}

/// The verdict for the command, before the heuristics and approval policy come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The strictest matched rule decided.
    Decided(Decision),
    /// Rules loaded, none matched the command.
    NoMatch,
    /// There is no command to judge (blank or unbalanced quotes).
    NoCommand,
    /// `requirements.toml` does not load, so Codex does not start a session at all.
    PolicyRejected,
}

impl Verdict {
    /// The word shown in the decision badge; `allow`/`prompt`/`forbidden` are Codex's spellings.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Decided(decision) => decision.as_str(),
            Verdict::NoMatch => "no rule matched",
            Verdict::NoCommand => "no command",
            Verdict::PolicyRejected => "policy error",
        }
    }

    /// Stable state name for styling and tests.
    pub fn state(self) -> &'static str {
        match self {
            Verdict::Decided(decision) => decision.as_str(),
            Verdict::NoMatch => "none",
            Verdict::NoCommand => "empty",
            Verdict::PolicyRejected => "error",
        }
    }

    /// The verdict in plain words.
    pub fn sentence(self) -> &'static str {
        match self {
            Verdict::Decided(Decision::Allow) => "A rule allows this command: Codex runs it without asking.",
            Verdict::Decided(Decision::Prompt) => "Codex asks before running this command.",
            Verdict::Decided(Decision::Forbidden) => "Codex refuses to run this command.",
            Verdict::NoMatch => {
                "No rule matches this command: Codex falls back to its built-in safety checks and the approval policy."
            }
            Verdict::NoCommand => "Type a command to see what Codex would do with it.",
            Verdict::PolicyRejected => {
                "Codex refuses to load this requirements.toml, so no session starts. Fix the error below."
            }
        }
    }
}

/// Everything the result panel shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The command split into argv (empty when it could not be split).
    pub argv: Vec<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Every matched rule, in evaluation order.
    pub matched: Vec<MatchedRule>,
    /// Every problem, requirements first, then rules, then the command.
    pub problems: Vec<Problem>,
    /// Rules loaded from `requirements.toml` (`None` when it has no `[rules]` or does not load).
    pub requirements_rule_count: Option<usize>,
    /// Rules loaded from the `.rules` text (`None` when blank or when it does not load).
    pub rules_file_rule_count: Option<usize>,
}

impl Report {
    /// Problems about one input.
    pub fn problems_in(&self, field: Field) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.field == field)
    }
}

/// Evaluates the inputs the way Codex would: file rules, then the requirements rules overlaid, then
/// the command matched with host-executable resolution on (as inside Codex's approval flow).
/// Repeated calls re-parse the policy texts only when they changed: while someone edits the
/// command, only the matching runs.
#[derive(Debug, Default)]
pub struct Evaluator {
    compiled: Option<Compiled>,
}

/// The policy texts, parsed and merged, with what went wrong loading them.
#[derive(Debug)]
struct Compiled {
    requirements: String,
    rules: String,
    /// The merged policy; `None` when `requirements.toml` does not load (Codex does not start).
    policy: Option<Policy>,
    problems: Vec<Problem>,
    requirements_rule_count: Option<usize>,
    rules_file_rule_count: Option<usize>,
}

impl Evaluator {
    /// Evaluates `inputs`, reusing the parsed policy when its texts are unchanged.
    pub fn evaluate(&mut self, inputs: &Inputs) -> Report {
        let compiled = match self.compiled.take() {
            Some(c) if c.requirements == inputs.requirements && c.rules == inputs.rules => c,
            _ => compile(inputs),
        };
        let report = check_command(&compiled, inputs);
        self.compiled = Some(compiled);
        report
    }
}

fn compile(inputs: &Inputs) -> Compiled {
    let mut problems = Vec::new();

    let requirements = match parse_requirements_rules(&inputs.requirements, REQUIREMENTS_NAME) {
        Ok(policy) => Some(policy),
        Err(diagnostic) => {
            problems.push(problem(
                &diagnostic,
                Field::Requirements,
                &inputs.requirements,
                Some("Codex fails closed: it does not start a session with an invalid requirements.toml."),
            ));
            None
        }
    };

    let rules_file = if inputs.rules.trim().is_empty() {
        None
    } else {
        let files = [RulesFile { name: RULES_NAME, text: &inputs.rules }];
        match load_rules_files(&files, &PathContext::default()) {
            Ok(policy) => Some(policy),
            Err(error) => {
                problems.push(problem(
                    &error.diagnostic,
                    Field::Rules,
                    &inputs.rules,
                    Some("Codex drops every .rules file and keeps only the requirements rules."),
                ));
                None
            }
        }
    };

    let requirements_rule_count = requirements.as_ref().and_then(|p| p.as_ref().map(Policy::rule_count));
    let rules_file_rule_count = rules_file.as_ref().map(Policy::rule_count);
    let policy = requirements.map(|admin| {
        let mut policy = rules_file.unwrap_or_default();
        if let Some(admin) = admin {
            policy.overlay(admin);
        }
        policy
    });
    Compiled {
        requirements: inputs.requirements.clone(),
        rules: inputs.rules.clone(),
        policy,
        problems,
        requirements_rule_count,
        rules_file_rule_count,
    }
}

fn check_command(compiled: &Compiled, inputs: &Inputs) -> Report {
    let mut problems = compiled.problems.clone();
    let argv = if let Some(argv) = shlex::split(&inputs.command) {
        argv
    } else {
        problems.push(command_problem(&inputs.command));
        Vec::new()
    };
    let mut report = Report {
        argv,
        verdict: Verdict::NoCommand,
        matched: Vec::new(),
        problems,
        requirements_rule_count: compiled.requirements_rule_count,
        rules_file_rule_count: compiled.rules_file_rule_count,
    };
    let Some(policy) = &compiled.policy else {
        report.verdict = Verdict::PolicyRejected;
        return report;
    };
    if report.argv.is_empty() {
        return report;
    }

    let options = MatchOptions { resolve_host_executables: true, ..MatchOptions::default() };
    let evaluation = policy.check(&report.argv, &options);
    report.matched = evaluation
        .matched_rules
        .iter()
        .filter_map(|m| match m {
            RuleMatch::Prefix(m) => Some(m),
            RuleMatch::Heuristics { .. } => None,
        })
        .map(|m| {
            let origin = m.origin.as_ref();
            MatchedRule {
                matched_prefix: m.matched_prefix.clone(),
                decision: m.decision,
                justification: m.justification.clone(),
                reviewer: m.reviewer,
                resolved_program: m.resolved_program.clone(),
                written_at: origin.and_then(|o| {
                    let (field, text) = source_text(&o.source, inputs)?;
                    Some(locate(field, &o.source, text, o.span.start, o.span.end))
                }),
                from_requirements: origin.is_some_and(|o| o.from_requirements),
            }
        })
        .collect();
    report.verdict = evaluation.decision.map_or(Verdict::NoMatch, Verdict::Decided);
    report
}

/// The editor a rule origin or diagnostic source names.
fn source_text<'a>(source: &str, inputs: &'a Inputs) -> Option<(Field, &'a str)> {
    match source {
        REQUIREMENTS_NAME => Some((Field::Requirements, &inputs.requirements)),
        RULES_NAME => Some((Field::Rules, &inputs.rules)),
        _ => None,
    }
}

fn problem(diagnostic: &Diagnostic, field: Field, text: &str, consequence: Option<&'static str>) -> Problem {
    let file = if diagnostic.source.is_empty() { default_name(field) } else { diagnostic.source.as_str() };
    Problem {
        severity: diagnostic.severity,
        code: diagnostic.code,
        message: diagnostic.message.clone(),
        help: diagnostic.help.clone(),
        field,
        location: diagnostic.span.map(|span| locate(field, file, text, span.start, span.end)),
        consequence,
    }
}

fn default_name(field: Field) -> &'static str {
    match field {
        Field::Requirements => REQUIREMENTS_NAME,
        Field::Rules => RULES_NAME,
        Field::Command => "command",
    }
}

/// The command could not be split: the only way `shlex` fails is an unterminated quote or a
/// trailing backslash, so point at the quote that opens the unfinished word.
fn command_problem(command: &str) -> Problem {
    let offset = unterminated_quote(command).unwrap_or(command.len().saturating_sub(1));
    Problem {
        severity: Severity::Error,
        code: "command/unbalanced-quotes",
        message: "the command line has an unterminated quote or a trailing backslash".to_owned(),
        help: Some("close the quote, or escape it with `\\`".to_owned()),
        field: Field::Command,
        location: Some(locate(Field::Command, "command", command, offset, command.len())),
        consequence: None,
    }
}

/// Byte offset of a quote that is still open at the end of `command`, per POSIX quoting.
fn unterminated_quote(command: &str) -> Option<usize> {
    let mut open: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in command.char_indices() {
        match open {
            // Nothing escapes inside single quotes.
            Some((_, '\'')) => {
                if c == '\'' {
                    open = None;
                }
            }
            _ if escaped => escaped = false,
            _ if c == '\\' => escaped = true,
            Some(_) => {
                if c == '"' {
                    open = None;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    open = Some((i, c));
                }
            }
        }
    }
    open.map(|(i, _)| i)
}

fn locate(field: Field, file: &str, text: &str, start: usize, end: usize) -> Location {
    let (line, column) = LineIndex::new(text).line_col(start);
    Location {
        field,
        file: file.to_owned(),
        line,
        column,
        caret_start: utf16_offset(text, start),
        caret_end: utf16_offset(text, end),
    }
}

/// UTF-16 length of `text[..byte]`, clamping to the text and to the previous character boundary.
fn utf16_offset(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let units = text.get(..byte).map_or(0, |prefix| prefix.encode_utf16().count());
    u32::try_from(units).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../examples/seed-git-review.requirements.toml");

    fn evaluate(inputs: &Inputs) -> Report {
        Evaluator::default().evaluate(inputs)
    }

    fn inputs(requirements: &str, rules: &str, command: &str) -> Inputs {
        Inputs { requirements: requirements.into(), rules: rules.into(), command: command.into() }
    }

    #[test]
    fn seed_example_prompts_for_git_push_with_its_justification_and_origin() {
        let report = evaluate(&inputs(SEED, "", "git push origin main"));
        assert_eq!(report.verdict, Verdict::Decided(Decision::Prompt));
        assert_eq!(report.argv, ["git", "push", "origin", "main"]);
        let [rule] = report.matched.as_slice() else { panic!("one match expected: {report:?}") };
        assert_eq!(rule.matched_prefix, ["git", "push"]);
        assert_eq!(rule.justification.as_deref(), Some("Require review before mutating remote history."));
        assert!(rule.from_requirements);
        let at = rule.written_at.as_ref().expect("origin");
        assert_eq!((at.file.as_str(), at.line), (REQUIREMENTS_NAME, 5));
        assert!(report.problems.is_empty());
    }

    #[test]
    fn unmatched_and_blank_commands_are_distinguished() {
        assert_eq!(evaluate(&inputs(SEED, "", "git status")).verdict, Verdict::NoMatch);
        assert_eq!(evaluate(&inputs(SEED, "", "   ")).verdict, Verdict::NoCommand);
    }

    #[test]
    fn host_executable_resolution_matches_absolute_program_paths() {
        let report = evaluate(&inputs(SEED, "", "/usr/bin/git commit -m x"));
        assert_eq!(report.verdict, Verdict::Decided(Decision::Prompt));
        assert_eq!(report.matched.first().and_then(|m| m.resolved_program.as_deref()), Some("/usr/bin/git"));
    }

    #[test]
    fn invalid_requirements_reject_the_policy_with_a_located_codex_message() {
        let text = "[rules]\nprefix_rules = [\n  { pattern = [{ token = \"git\" }], decision = \"allow\" },\n]\n";
        let report = evaluate(&inputs(text, "", "git push"));
        assert_eq!(report.verdict, Verdict::PolicyRejected);
        let [problem] = report.problems.as_slice() else { panic!("one problem expected: {report:?}") };
        assert!(problem.message.starts_with("invalid rules in requirements (set by requirements.toml): "));
        let at = problem.location.as_ref().expect("span");
        assert_eq!((at.line, at.field), (3, Field::Requirements));
    }

    #[test]
    fn toml_syntax_errors_point_at_line_and_column() {
        let report = evaluate(&inputs("[rules\n", "", "git push"));
        let at = report.problems.first().and_then(|p| p.location.clone()).expect("located problem");
        assert_eq!((at.line, at.field), (1, Field::Requirements));
    }

    #[test]
    fn a_rules_file_that_fails_to_load_leaves_the_requirements_rules_in_force() {
        // Codex drops the file rules and keeps evaluating with the admin rules.
        let report = evaluate(&inputs(SEED, "prefix_rule(pattern = [\"git\"], decision = \"maybe\")", "git push"));
        assert_eq!(report.rules_file_rule_count, None);
        assert_eq!(report.verdict, Verdict::Decided(Decision::Prompt));
        assert_eq!(report.problems_in(Field::Rules).count(), 1);
    }

    #[test]
    fn unbalanced_quotes_point_at_the_open_quote() {
        let report = evaluate(&inputs(SEED, "", "git commit -m \"wip"));
        assert_eq!(report.verdict, Verdict::NoCommand);
        let at = report.problems_in(Field::Command).next().and_then(|p| p.location.clone()).expect("located");
        assert_eq!(at.column, 15);
    }

    #[test]
    fn the_evaluator_reparses_only_changed_policy_texts_and_answers_like_a_fresh_one() {
        let mut evaluator = Evaluator::default();
        let steps = [
            inputs(SEED, "", "git push"),
            inputs(SEED, "", "git status"),
            inputs("[rules\n", "", "git status"),
            inputs("[rules\n", "", "git push"),
            inputs(SEED, "", "git push"),
        ];
        for step in &steps {
            assert_eq!(evaluator.evaluate(step), evaluate(step), "{step:?}");
        }
    }

    #[test]
    fn caret_offsets_count_utf16_units() {
        assert_eq!(utf16_offset("é😀x", 6), 3);
        assert_eq!(utf16_offset("é😀x", 3), 1);
    }
}

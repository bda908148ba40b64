//! Heuristics for commands no rule matches: known-safe and dangerous commands, and the decision
//! Codex derives from them (spec §3.5).
//!
//! Every verdict carries the list entry or rule that produced it, so a trace can say *why* a
//! command was judged safe, dangerous or neither.

use std::borrow::Cow;
use std::fmt;

use crate::decision::Decision;
use crate::paths::file_name;
use crate::settings::{ApprovalPolicy, SandboxMode};
use crate::shell::{self, literal::parse_shell_lc_literal_commands};

/// Which generation of Codex's command heuristics to reproduce.
///
/// The default is [`HeuristicsVersion::Released`]: core @ `0017bb4a` (the approval logic this
/// engine reproduces, with its tests) calls `command_might_be_dangerous`, and the released
/// safe list (@ `55dfa3cf`) treats read-only `git` as known-safe (spec §3.5.1, Q13). The newest
/// `dangerous_command_match` is available for comparison; it only changes the dangerous check.
/// The git-free safe list @ `226bd153` comes from an unmerged change and is not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeuristicsVersion {
    /// `command_might_be_dangerous` (@ `52344a5d`): `rm -f`/`rm -rf` as the second word, `sudo`,
    /// plain wrapper scripts.
    #[default]
    Released,
    /// `dangerous_command_match` (@ `043e574c`): any force option of `rm` before `--`, basename
    /// of the program, `sudo`, and literal commands anywhere in a wrapper script.
    Newest,
}

impl HeuristicsVersion {
    /// Kebab-case name: `released`, `newest`.
    pub fn as_str(self) -> &'static str {
        match self {
            HeuristicsVersion::Released => "released",
            HeuristicsVersion::Newest => "newest",
        }
    }

    /// Parses the kebab-case name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "released" => Some(HeuristicsVersion::Released),
            "newest" => Some(HeuristicsVersion::Newest),
            _ => None,
        }
    }
}

/// The operating system Codex runs on: the safe list has Linux-only entries (`numfmt`, `tac`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HostOs {
    /// Linux (the default: Codex's CI and most sandboxes).
    #[default]
    Linux,
    /// macOS.
    MacOs,
}

/// How a tool call asked to run outside or beyond the sandbox (`sandbox_permissions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Escalation {
    /// `use_default`: no request.
    #[default]
    None,
    /// `require_escalated`: run without the sandbox.
    RequireEscalated,
    /// `with_additional_permissions`: widen the sandbox for this command.
    WithAdditionalPermissions,
}

impl Escalation {
    /// `none`, `require_escalated`, `with_additional_permissions`.
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::None => "none",
            Escalation::RequireEscalated => "require_escalated",
            Escalation::WithAdditionalPermissions => "with_additional_permissions",
        }
    }

    /// Parses the spelling (also `use_default` for none).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "none" | "use_default" => Some(Escalation::None),
            "require_escalated" => Some(Escalation::RequireEscalated),
            "with_additional_permissions" => Some(Escalation::WithAdditionalPermissions),
            _ => None,
        }
    }

    /// `requests_sandbox_override`: anything but the default.
    pub fn requests_sandbox_override(self) -> bool {
        self != Escalation::None
    }
}

/// A heuristic's verdict on a command and the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the heuristic holds (safe, or dangerous).
    pub holds: bool,
    /// A stable kebab-case code of the rule (`always-safe`, `git-read-only`, `rm-force`, …).
    pub rule: &'static str,
    /// What fired, in words (the list entry, the offending argument).
    pub detail: Cow<'static, str>,
}

impl Verdict {
    fn yes(rule: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { holds: true, rule, detail: detail.into() }
    }

    fn no(rule: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self { holds: false, rule, detail: detail.into() }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

const ALWAYS_SAFE: &[&str] = &[
    "cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl", "paste", "pwd", "rev", "seq",
    "stat", "tail", "tr", "true", "uname", "uniq", "wc", "which", "whoami",
];

/// `is_known_safe_command` (released list @ `55dfa3cf`): every `zsh` token is read as `bash`,
/// then the command is safe on its own, or it is a wrapper whose plain script has only safe
/// commands.
pub fn is_known_safe_command(argv: &[String], os: HostOs) -> Verdict {
    let rewritten: Cow<'_, [String]> = if argv.iter().any(|a| a == "zsh") {
        Cow::Owned(argv.iter().map(|a| if a == "zsh" { "bash".to_owned() } else { a.clone() }).collect())
    } else {
        Cow::Borrowed(argv)
    };
    let direct = is_safe_to_call_with_exec(&rewritten, os);
    if direct.holds {
        return direct;
    }
    if let Some(commands) = shell::parse_wrapper_plain_commands(&rewritten)
        && !commands.is_empty()
    {
        for (i, command) in commands.iter().enumerate() {
            let verdict = is_safe_to_call_with_exec(command, os);
            if !verdict.holds {
                return Verdict::no(
                    "wrapper-not-all-safe",
                    format!(
                        "command {} of the script, `{}`, is not known-safe: {}",
                        i + 1,
                        shell::render_command(command),
                        verdict.detail
                    ),
                );
            }
        }
        return Verdict::yes(
            "wrapper-all-safe",
            format!("shell wrapper whose {} plain command(s) are all known-safe", commands.len()),
        );
    }
    direct
}

/// The per-command safe list.
fn is_safe_to_call_with_exec(command: &[String], os: HostOs) -> Verdict {
    let Some(program) = command.first() else {
        return Verdict::no("empty", "empty command");
    };
    let Some(name) = file_name(program) else {
        return Verdict::no("not-on-safe-list", format!("`{program}` has no file name"));
    };
    if os == HostOs::Linux && matches!(name, "numfmt" | "tac") {
        return Verdict::yes("always-safe", format!("`{name}` is on the safe list (Linux)"));
    }
    if let Some(entry) = ALWAYS_SAFE.iter().find(|e| **e == name) {
        return Verdict::yes("always-safe", format!("`{entry}` is on the safe list"));
    }
    let args = command.get(1..).unwrap_or_default();
    match name {
        "base64" => match args.iter().find(|a| {
            matches!(a.as_str(), "-o" | "--output") || a.starts_with("--output=") || (a.starts_with("-o") && *a != "-o")
        }) {
            Some(arg) => Verdict::no("base64-output", format!("`base64` with output option `{arg}`")),
            None => Verdict::yes("base64", "`base64` without an output option"),
        },
        "find" => {
            const UNSAFE: &[&str] =
                &["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"];
            match command.iter().find(|a| UNSAFE.contains(&a.as_str())) {
                Some(arg) => {
                    Verdict::no("find-unsafe-option", format!("`find` with `{arg}` (runs commands or writes files)"))
                }
                None => Verdict::yes("find", "`find` without -exec/-delete/-fprint-style options"),
            }
        }
        "rg" => {
            let unsafe_arg = command.iter().find(|a| {
                matches!(a.as_str(), "--search-zip" | "-z")
                    || ["--pre", "--hostname-bin"]
                        .iter()
                        .any(|opt| *a == opt || a.strip_prefix(opt).is_some_and(|r| r.starts_with('=')))
            });
            match unsafe_arg {
                Some(arg) => Verdict::no("rg-unsafe-option", format!("`rg` with `{arg}` (runs external programs)")),
                None => Verdict::yes("rg", "`rg` without --pre/--hostname-bin/--search-zip"),
            }
        }
        "git" => git_read_only(command),
        "sed"
            if command.len() <= 4
                && command.get(1).map(String::as_str) == Some("-n")
                && is_valid_sed_n_arg(command.get(2).map(String::as_str)) =>
        {
            Verdict::yes("sed-print", "`sed -n <range>p` only prints")
        }
        "sed" => Verdict::no("sed-not-print", "`sed` is safe only as `sed -n <N>p|<M>,<N>p [file]`"),
        _ => Verdict::no("not-on-safe-list", format!("`{name}` is not on the safe list")),
    }
}

fn git_read_only(command: &[String]) -> Verdict {
    const UNSAFE_FLAGS: &[&str] = &["--output", "--ext-diff", "--textconv", "--exec", "--paginate"];
    if let Some(arg) = command.iter().find(|a| {
        matches!(a.as_str(), "-c" | "--config-env")
            || (a.starts_with("-c") && a.len() > 2)
            || a.starts_with("--config-env=")
    }) {
        return Verdict::no("git-config-override", format!("`git` with config override `{arg}`"));
    }
    let Some((index, subcommand)) = find_git_subcommand(command, &["status", "log", "diff", "show", "branch"]) else {
        return Verdict::no("git-not-read-only", "`git` subcommand is not status/log/diff/show/branch");
    };
    let args = command.get(index + 1..).unwrap_or_default();
    if let Some(arg) = args
        .iter()
        .find(|a| UNSAFE_FLAGS.contains(&a.as_str()) || a.starts_with("--output=") || a.starts_with("--exec="))
    {
        return Verdict::no("git-unsafe-flag", format!("`git {subcommand}` with `{arg}`"));
    }
    if subcommand == "branch" && !git_branch_is_read_only(args) {
        return Verdict::no("git-branch-mutation", "`git branch` arguments may create, rename or delete branches");
    }
    Verdict::yes("git-read-only", format!("read-only `git {subcommand}`"))
}

fn git_branch_is_read_only(args: &[String]) -> bool {
    if args.is_empty() {
        return true;
    }
    let mut saw_read_only_flag = false;
    for arg in args {
        match arg.as_str() {
            "--list" | "-l" | "--show-current" | "-a" | "--all" | "-r" | "--remotes" | "-v" | "-vv" | "--verbose" => {
                saw_read_only_flag = true;
            }
            a if a.starts_with("--format=") => saw_read_only_flag = true,
            _ => return false,
        }
    }
    saw_read_only_flag
}

/// `^(\d+,)?\d+p$`
fn is_valid_sed_n_arg(arg: Option<&str>) -> bool {
    let Some(core) = arg.and_then(|s| s.strip_suffix('p')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match core.split_once(',') {
        None => digits(core),
        Some((a, b)) => digits(a) && digits(b),
    }
}

fn is_git_global_option_with_value(arg: &str) -> bool {
    matches!(
        arg,
        "-C" | "-c" | "--config-env" | "--exec-path" | "--git-dir" | "--namespace" | "--super-prefix" | "--work-tree"
    )
}

fn is_git_global_option_with_inline_value(arg: &str) -> bool {
    ["--config-env=", "--exec-path=", "--git-dir=", "--namespace=", "--super-prefix=", "--work-tree="]
        .iter()
        .any(|p| arg.starts_with(p))
        || ((arg.starts_with("-C") || arg.starts_with("-c")) && arg.len() > 2)
}

/// The first non-option word of a git command, skipping global options with values; only a hit
/// if it is one of `subcommands`. Released builds check that `argv[0]` ends with `git`.
fn find_git_subcommand<'a>(command: &'a [String], subcommands: &[&str]) -> Option<(usize, &'a str)> {
    if !command.first()?.ends_with("git") {
        return None;
    }
    let mut skip_next = false;
    for (index, arg) in command.iter().enumerate().skip(1) {
        if skip_next {
            skip_next = false;
            continue;
        }
        if is_git_global_option_with_inline_value(arg) {
            continue;
        }
        if is_git_global_option_with_value(arg) {
            skip_next = true;
            continue;
        }
        if arg == "--" || arg.starts_with('-') {
            continue;
        }
        return subcommands.contains(&arg.as_str()).then_some((index, arg.as_str()));
    }
    None
}

/// `command_might_be_dangerous` (released, @ `52344a5d`): `rm` whose second word is `-f` or
/// `-rf`, `sudo` followed by such a command, or a wrapper whose plain script has one.
pub fn command_might_be_dangerous(argv: &[String]) -> Verdict {
    if let Some(verdict) = released_dangerous_exec(argv) {
        return verdict;
    }
    if let Some(commands) = shell::parse_wrapper_plain_commands(argv) {
        for command in &commands {
            if let Some(verdict) = released_dangerous_exec(command) {
                return Verdict::yes(
                    verdict.rule,
                    format!("the script runs `{}`: {}", shell::render_command(command), verdict.detail),
                );
            }
        }
    }
    Verdict::no("not-dangerous", "not on the dangerous list (released: `rm -f`/`rm -rf`, also after `sudo`)")
}

fn released_dangerous_exec(command: &[String]) -> Option<Verdict> {
    match command.first().map(String::as_str) {
        Some("rm") => match command.get(1).map(String::as_str) {
            Some(flag @ ("-f" | "-rf")) => {
                Some(Verdict::yes("rm-force", format!("`rm {flag}` deletes without asking")))
            }
            _ => None,
        },
        Some("sudo") => released_dangerous_exec(command.get(1..).unwrap_or_default()),
        _ => None,
    }
}

/// `dangerous_command_match` (newest, @ `043e574c`): `rm` (by file name) with a force option
/// before `--`, through `sudo`, or any literal such command anywhere in a wrapper script.
pub fn dangerous_command_match(argv: &[String]) -> Verdict {
    if let Some(verdict) = newest_dangerous_exec(argv) {
        return verdict;
    }
    if let Some(commands) = parse_shell_lc_literal_commands(argv) {
        for command in &commands {
            if let Some(verdict) = newest_dangerous_exec(command) {
                return Verdict::yes(
                    verdict.rule,
                    format!("the script runs `{}`: {}", shell::render_command(command), verdict.detail),
                );
            }
        }
    }
    Verdict::no(
        "not-dangerous",
        "not on the dangerous list (newest: `rm` with a force option, also after `sudo` and inside scripts)",
    )
}

fn newest_dangerous_exec(command: &[String]) -> Option<Verdict> {
    let name = command.first().and_then(|p| file_name(p))?;
    let args = command.get(1..).unwrap_or_default();
    match name {
        "rm" => {
            let force = args.iter().take_while(|a| *a != "--").find(|a| {
                *a == "--force"
                    || a.strip_prefix('-').is_some_and(|flags| !flags.starts_with('-') && flags.contains('f'))
            })?;
            Some(Verdict::yes("rm-force", format!("`rm` with force option `{force}`")))
        }
        "sudo" => newest_dangerous_exec(args),
        _ => None,
    }
}

/// The dangerous check of the chosen version.
pub fn is_dangerous(argv: &[String], version: HeuristicsVersion) -> Verdict {
    match version {
        HeuristicsVersion::Released => command_might_be_dangerous(argv),
        HeuristicsVersion::Newest => dangerous_command_match(argv),
    }
}

/// The sandbox as `render_decision_for_unmatched_command` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SandboxKind {
    /// No sandbox (`danger-full-access`).
    Unrestricted,
    /// An external sandbox (`external-sandbox`).
    External,
    /// Codex's own sandbox (`read-only`, `workspace-write`).
    Restricted,
}

impl SandboxKind {
    /// The kind of a sandbox mode.
    pub fn of(mode: SandboxMode) -> Self {
        match mode {
            SandboxMode::DangerFullAccess => SandboxKind::Unrestricted,
            SandboxMode::ExternalSandbox => SandboxKind::External,
            SandboxMode::ReadOnly | SandboxMode::WorkspaceWrite => SandboxKind::Restricted,
        }
    }
}

/// The inputs of [`render_decision_for_unmatched_command`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnmatchedContext {
    /// The approval policy (`on-failure` behaves as `on-request`).
    pub approval_policy: ApprovalPolicy,
    /// The sandbox mode.
    pub sandbox: SandboxMode,
    /// The tool call's sandbox override request.
    pub escalation: Escalation,
    /// Whether the command came from the heredoc reduction.
    pub used_complex_parsing: bool,
    /// Which dangerous check to use.
    pub version: HeuristicsVersion,
    /// For the Linux-only safe entries.
    pub os: HostOs,
}

/// Which step of §3.5.3 decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnmatchedRule {
    /// 1. known-safe, not from the heredoc reduction, approval `untrusted`: allow.
    KnownSafeUntrusted,
    /// 2. dangerous: forbidden under `never`, else prompt.
    Dangerous,
    /// 3. approval `never`: allow (the sandbox protects).
    NeverAllows,
    /// 4. approval `untrusted` and not known-safe: prompt.
    UntrustedPrompts,
    /// 5. no sandbox or an external one: allow.
    UnrestrictedAllows,
    /// 5. Codex's sandbox and an escalation request: prompt.
    EscalationPrompts,
    /// 5. Codex's sandbox, no escalation: allow (the sandbox enforces).
    SandboxAllows,
}

impl UnmatchedRule {
    /// Kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            UnmatchedRule::KnownSafeUntrusted => "known-safe",
            UnmatchedRule::Dangerous => "dangerous",
            UnmatchedRule::NeverAllows => "never-allows",
            UnmatchedRule::UntrustedPrompts => "untrusted-prompts",
            UnmatchedRule::UnrestrictedAllows => "unrestricted-allows",
            UnmatchedRule::EscalationPrompts => "escalation-prompts",
            UnmatchedRule::SandboxAllows => "sandbox-allows",
        }
    }

    /// The rule in words.
    pub fn describe(self) -> &'static str {
        match self {
            UnmatchedRule::KnownSafeUntrusted => "known-safe command under `untrusted`: allowed",
            UnmatchedRule::Dangerous => "dangerous command: forbidden under `never`, otherwise Codex asks",
            UnmatchedRule::NeverAllows => "approval `never`: allowed, the sandbox is the protection",
            UnmatchedRule::UntrustedPrompts => "approval `untrusted` and not known-safe: Codex asks",
            UnmatchedRule::UnrestrictedAllows => "no Codex sandbox (full access or external): allowed",
            UnmatchedRule::EscalationPrompts => {
                "sandboxed, but the call asks to run outside or beyond the sandbox: Codex asks"
            }
            UnmatchedRule::SandboxAllows => "sandboxed and no escalation: allowed, the sandbox enforces",
        }
    }
}

/// The heuristics' decision for one command and everything that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedDecision {
    /// The decision.
    pub decision: Decision,
    /// The step that decided.
    pub rule: UnmatchedRule,
    /// The known-safe verdict.
    pub safe: Verdict,
    /// The dangerous verdict (not computed when step 1 decided).
    pub dangerous: Option<Verdict>,
}

/// `render_decision_for_unmatched_command` (core @ `0017bb4a`, spec §3.5.3), for Codex on macOS
/// or Linux (the Windows-only "no sandbox backend" case does not arise).
pub fn render_decision_for_unmatched_command(argv: &[String], ctx: &UnmatchedContext) -> UnmatchedDecision {
    let approval = match ctx.approval_policy {
        ApprovalPolicy::OnFailure => ApprovalPolicy::OnRequest,
        other => other,
    };
    let safe = is_known_safe_command(argv, ctx.os);
    if safe.holds && !ctx.used_complex_parsing && approval == ApprovalPolicy::UnlessTrusted {
        return UnmatchedDecision {
            decision: Decision::Allow,
            rule: UnmatchedRule::KnownSafeUntrusted,
            safe,
            dangerous: None,
        };
    }
    let dangerous = is_dangerous(argv, ctx.version);
    let (decision, rule) = if dangerous.holds {
        (
            if approval == ApprovalPolicy::Never { Decision::Forbidden } else { Decision::Prompt },
            UnmatchedRule::Dangerous,
        )
    } else {
        match approval {
            ApprovalPolicy::Never => (Decision::Allow, UnmatchedRule::NeverAllows),
            ApprovalPolicy::UnlessTrusted => (Decision::Prompt, UnmatchedRule::UntrustedPrompts),
            ApprovalPolicy::OnRequest | ApprovalPolicy::OnFailure | ApprovalPolicy::Granular(_) => {
                match SandboxKind::of(ctx.sandbox) {
                    SandboxKind::Unrestricted | SandboxKind::External => {
                        (Decision::Allow, UnmatchedRule::UnrestrictedAllows)
                    }
                    SandboxKind::Restricted if ctx.escalation.requests_sandbox_override() => {
                        (Decision::Prompt, UnmatchedRule::EscalationPrompts)
                    }
                    SandboxKind::Restricted => (Decision::Allow, UnmatchedRule::SandboxAllows),
                }
            }
        }
    };
    UnmatchedDecision { decision, rule, safe, dangerous: Some(dangerous) }
}

#[cfg(test)]
mod tests;

//! Splitting shell wrappers into the commands Codex evaluates (spec §3.4, §8).
//!
//! `bash -lc "<script>"` (and the `zsh`/`sh` spellings Codex recognises) is split into the
//! commands of the script when the script is a plain sequence of words joined by `&&`, `||`, `;`,
//! `|` or newlines; a script that is one command fed by a heredoc is reduced to that command's
//! literal words; anything else is evaluated as the whole argv.
//!
//! Codex decides this with tree-sitter-bash. This module reproduces its answers without
//! tree-sitter (which would cost ~220 KB of wasm and a C toolchain): [`plain`] recognises exactly
//! the plain subset and [`heredoc`] the heredoc reduction. Both were checked differentially
//! against tree-sitter-bash 0.25.1 driven by a line-by-line port of Codex's `bash.rs` on several
//! hundred thousand generated scripts; the known remaining gaps are listed on [`heredoc`].

mod heredoc;
pub(crate) mod literal;
mod plain;

use std::borrow::Cow;
use std::fmt;

/// The shells whose `-c`/`-lc` scripts Codex looks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellKind {
    /// `bash` and its usual absolute paths.
    Bash,
    /// `zsh` and its usual absolute paths.
    Zsh,
    /// `sh`, `/bin/sh`, `/usr/bin/sh`.
    Sh,
}

impl ShellKind {
    /// The shell's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ShellKind::Bash => "bash",
            ShellKind::Zsh => "zsh",
            ShellKind::Sh => "sh",
        }
    }
}

/// Codex's newest `shell_detect.rs`: exact spellings only, so repo-local look-alikes such as
/// `./bash` or `/tmp/bash` are not wrappers (older builds matched by file stem).
pub fn detect_shell(program: &str) -> Option<ShellKind> {
    match program {
        "bash" | "/bin/bash" | "/usr/bin/bash" | "/usr/local/bin/bash" | "/opt/homebrew/bin/bash" => {
            Some(ShellKind::Bash)
        }
        "zsh" | "/bin/zsh" | "/usr/bin/zsh" | "/usr/local/bin/zsh" | "/opt/homebrew/bin/zsh" => Some(ShellKind::Zsh),
        "sh" | "/bin/sh" | "/usr/bin/sh" => Some(ShellKind::Sh),
        _ => None,
    }
}

/// `extract_bash_command`: `[shell, "-c" | "-lc", script]` with a recognised shell, exactly three
/// elements. Returns the shell and the script.
pub fn extract_shell_script(argv: &[String]) -> Result<(ShellKind, &str), NotAWrapper> {
    let [shell, flag, script] = argv else {
        return Err(NotAWrapper::ArgumentCount(argv.len()));
    };
    let Some(kind) = detect_shell(shell) else {
        return Err(NotAWrapper::UnknownShell);
    };
    if !matches!(flag.as_str(), "-lc" | "-c") {
        return Err(NotAWrapper::UnknownFlag);
    }
    Ok((kind, script))
}

/// Why an argv is not a shell wrapper Codex looks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAWrapper {
    /// A wrapper has exactly three elements; this argv has this many.
    ArgumentCount(usize),
    /// `argv[0]` is not one of the exact shell spellings.
    UnknownShell,
    /// The second element is not exactly `-c` or `-lc`.
    UnknownFlag,
}

impl fmt::Display for NotAWrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAWrapper::ArgumentCount(n) => {
                write!(f, "not a shell wrapper: a wrapper is exactly `<shell> -c|-lc <script>`, this argv has {n} elements")
            }
            NotAWrapper::UnknownShell => f.write_str(
                "not a shell wrapper: the program is not one of the exact shell names Codex recognises (`bash`, `zsh`, `sh` and their standard paths)",
            ),
            NotAWrapper::UnknownFlag => f.write_str("not a shell wrapper: the second argument is not exactly `-c` or `-lc`"),
        }
    }
}

/// A shell construct that keeps a script from being split (or reduced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Construct {
    /// tree-sitter-bash reports a syntax error; the text says which.
    SyntaxError(&'static str),
    /// `# …`
    Comment,
    /// `$…`, `${…}`, `$(…)`, `$'…'`, …
    Expansion,
    /// `` `…` ``
    CommandSubstitution,
    /// `<`, `>`, `>>`, `2>&1`, `<<<`, …
    Redirection,
    /// `(` or `)`: subshells, arrays, function definitions.
    Parenthesis,
    /// `&` (background job).
    Background,
    /// `|&`
    PipeStderr,
    /// `;;`
    CaseTerminator,
    /// `NAME=value` (or another word the scanner reads as a variable name).
    VariableAssignment,
    /// A keyword that starts a compound or declaration statement.
    Keyword(&'static str),
    /// `!` negation.
    Negation,
    /// `{ …; }`
    BraceGroup,
    /// `[ … ]` or `[[ … ]]`
    TestCommand,
    /// `{1..3}`
    BraceExpansion,
    /// The command name is a number.
    NumberCommandName,
    /// The command name is quoted.
    QuotedCommandName,
    /// The command name is glued to quotes or brackets.
    ConcatenatedCommandName,
    /// `==` / `=~` as an argument.
    TestOperator,
    /// A glued argument made only of empty quotes (`""''`).
    EmptyConcatenation,
    /// No `<<` heredoc in the script (heredoc reduction only).
    NoHeredoc,
    /// The script has more than one command (heredoc reduction only).
    SeveralCommands,
    /// A word that is not a literal word or number (heredoc reduction only).
    NonLiteralWord,
    /// No command at all (heredoc reduction only).
    NoCommand,
    /// A construct the engine cannot analyse exactly; treated as unsplittable.
    Unsupported(&'static str),
}

impl Construct {
    /// What the construct is, in words (`` `$` expansion ``).
    pub fn describe(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Construct::SyntaxError(what) => return Cow::Owned(format!("syntax error ({what})")),
            Construct::Keyword(k) => return Cow::Owned(format!("`{k}` statement")),
            Construct::Unsupported(what) => return Cow::Owned(format!("unsupported construct ({what})")),
            Construct::Comment => "comment",
            Construct::Expansion => "`$` expansion",
            Construct::CommandSubstitution => "backtick command substitution",
            Construct::Redirection => "redirection",
            Construct::Parenthesis => "parenthesis (subshell, array or function)",
            Construct::Background => "`&` background operator",
            Construct::PipeStderr => "`|&` operator",
            Construct::CaseTerminator => "`;;` operator",
            Construct::VariableAssignment => "variable assignment",
            Construct::Negation => "`!` negation",
            Construct::BraceGroup => "`{ … }` group",
            Construct::TestCommand => "`[ … ]` test",
            Construct::BraceExpansion => "`{N..M}` brace expansion",
            Construct::NumberCommandName => "number in command position",
            Construct::QuotedCommandName => "quoted command name",
            Construct::ConcatenatedCommandName => "command name glued to quotes or brackets",
            Construct::TestOperator => "`==`/`=~` operator",
            Construct::EmptyConcatenation => "argument made only of empty quotes",
            Construct::NoHeredoc => "no heredoc",
            Construct::SeveralCommands => "more than one command",
            Construct::NonLiteralWord => "non-literal word",
            Construct::NoCommand => "no command",
        })
    }

    /// A stable kebab-case code for the UI and tests (`expansion`, `comment`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Construct::SyntaxError(_) => "syntax-error",
            Construct::Comment => "comment",
            Construct::Expansion => "expansion",
            Construct::CommandSubstitution => "command-substitution",
            Construct::Redirection => "redirection",
            Construct::Parenthesis => "parenthesis",
            Construct::Background => "background",
            Construct::PipeStderr => "pipe-stderr",
            Construct::CaseTerminator => "case-terminator",
            Construct::VariableAssignment => "variable-assignment",
            Construct::Keyword(_) => "keyword",
            Construct::Negation => "negation",
            Construct::BraceGroup => "brace-group",
            Construct::TestCommand => "test-command",
            Construct::BraceExpansion => "brace-expansion",
            Construct::NumberCommandName => "number-command-name",
            Construct::QuotedCommandName => "quoted-command-name",
            Construct::ConcatenatedCommandName => "concatenated-command-name",
            Construct::TestOperator => "test-operator",
            Construct::EmptyConcatenation => "empty-concatenation",
            Construct::NoHeredoc => "no-heredoc",
            Construct::SeveralCommands => "several-commands",
            Construct::NonLiteralWord => "non-literal-word",
            Construct::NoCommand => "no-command",
            Construct::Unsupported(_) => "unsupported",
        }
    }
}

/// A construct and the byte offset in the script where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    /// What was found.
    pub construct: Construct,
    /// Byte offset into the script (not the argv).
    pub offset: usize,
}

impl Rejection {
    pub(crate) fn new(construct: Construct, offset: usize) -> Self {
        Self { construct, offset }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.construct.describe(), self.offset)
    }
}

/// How the commands of a [`SplitCommands`] were obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitExplanation {
    /// Not a wrapper: the argv is evaluated as is.
    NotAWrapper(NotAWrapper),
    /// The script was split into plain commands.
    Plain {
        /// The wrapper's shell.
        shell: ShellKind,
    },
    /// The script is one command fed by a heredoc, reduced to its literal words
    /// (`used_complex_parsing`).
    Heredoc {
        /// The wrapper's shell.
        shell: ShellKind,
        /// Why the plain split did not apply.
        plain: Rejection,
    },
    /// The script is empty or blank: the whole argv is evaluated.
    EmptyScript {
        /// The wrapper's shell.
        shell: ShellKind,
    },
    /// Neither applies: the whole argv is evaluated.
    Unsplittable {
        /// The wrapper's shell.
        shell: ShellKind,
        /// Why the plain split did not apply.
        plain: Rejection,
        /// Why the heredoc reduction did not apply.
        heredoc: Rejection,
    },
}

impl SplitExplanation {
    /// A kebab-case tag: `not-a-wrapper`, `plain`, `heredoc`, `empty-script`, `unsplittable`.
    pub fn kind(&self) -> &'static str {
        match self {
            SplitExplanation::NotAWrapper(_) => "not-a-wrapper",
            SplitExplanation::Plain { .. } => "plain",
            SplitExplanation::Heredoc { .. } => "heredoc",
            SplitExplanation::EmptyScript { .. } => "empty-script",
            SplitExplanation::Unsplittable { .. } => "unsplittable",
        }
    }
}

impl fmt::Display for SplitExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitExplanation::NotAWrapper(why) => write!(f, "{why}; the argv is evaluated as one command"),
            SplitExplanation::Plain { shell } => {
                write!(
                    f,
                    "`{}` script of plain words joined by `&&`, `||`, `;`, `|`: split into its commands",
                    shell.as_str()
                )
            }
            SplitExplanation::Heredoc { shell, plain } => write!(
                f,
                "`{}` script is not plain ({plain}) but is a single command fed by a heredoc: reduced to that command's words (no amendment offered)",
                shell.as_str()
            ),
            SplitExplanation::EmptyScript { shell } => {
                write!(f, "`{}` script is empty: the whole argv is evaluated as one command", shell.as_str())
            }
            SplitExplanation::Unsplittable { shell, plain, heredoc } => write!(
                f,
                "`{}` script cannot be split ({plain}) nor reduced to one heredoc command ({heredoc}): the whole argv is evaluated as one command",
                shell.as_str()
            ),
        }
    }
}

/// The commands Codex evaluates for an argv (`commands_for_exec_policy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitCommands {
    /// The commands, in source order; never empty.
    pub commands: Vec<Vec<String>>,
    /// True only for the heredoc reduction: amendments are then never offered and known-safe
    /// commands are not auto-approved.
    pub used_complex_parsing: bool,
    /// Why.
    pub explanation: SplitExplanation,
}

/// `parse_shell_lc_plain_commands` for a bare script: `Ok(commands)` (possibly empty for a blank
/// script) when the script is in the plain subset.
pub fn parse_plain_script(script: &str) -> Result<Vec<Vec<String>>, Rejection> {
    plain::parse_plain(script)
}

/// `parse_shell_lc_plain_commands`: the plain commands of a wrapper argv, `None` when the argv is
/// not a wrapper or the script is not plain. An empty list for a blank script.
pub fn parse_wrapper_plain_commands(argv: &[String]) -> Option<Vec<Vec<String>>> {
    let (_, script) = extract_shell_script(argv).ok()?;
    plain::parse_plain(script).ok()
}

/// `commands_for_exec_policy` (spec §3.4): plain split, else heredoc reduction, else the argv.
pub fn commands_for_exec_policy(argv: &[String]) -> SplitCommands {
    let (shell, script) = match extract_shell_script(argv) {
        Ok(found) => found,
        Err(why) => {
            return SplitCommands {
                commands: vec![argv.to_vec()],
                used_complex_parsing: false,
                explanation: SplitExplanation::NotAWrapper(why),
            };
        }
    };
    let plain = match plain::parse_plain(script) {
        Ok(commands) if !commands.is_empty() => {
            return SplitCommands {
                commands,
                used_complex_parsing: false,
                explanation: SplitExplanation::Plain { shell },
            };
        }
        Ok(_) => None,
        Err(rejection) => Some(rejection),
    };
    let Some(plain) = plain else {
        return SplitCommands {
            commands: vec![argv.to_vec()],
            used_complex_parsing: false,
            explanation: SplitExplanation::EmptyScript { shell },
        };
    };
    match heredoc::single_heredoc_command(script) {
        Ok(words) => SplitCommands {
            commands: vec![words],
            used_complex_parsing: true,
            explanation: SplitExplanation::Heredoc { shell, plain },
        },
        Err(heredoc) => SplitCommands {
            commands: vec![argv.to_vec()],
            used_complex_parsing: false,
            explanation: SplitExplanation::Unsplittable { shell, plain, heredoc },
        },
    }
}

/// `parse_shell_lc_single_command_prefix` for a bare script (the heredoc reduction alone).
pub fn single_heredoc_command(script: &str) -> Result<Vec<String>, Rejection> {
    heredoc::single_heredoc_command(script)
}

/// Renders an argv as Codex shows it in reasons: `shlex::try_join` (shlex 1.3, the crate Codex
/// uses), falling back to a plain space join when an argument contains a NUL byte.
pub fn render_command(argv: &[String]) -> String {
    shlex::try_join(argv.iter().map(String::as_str)).unwrap_or_else(|_| argv.join(" "))
}

#[cfg(test)]
mod tests;

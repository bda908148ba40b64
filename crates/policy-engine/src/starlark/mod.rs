//! Starlark `.rules` files (spec §3.1): parse into `starlark_syntax`'s AST with our copies of its
//! lexer and parser (`lexer`, `parse`: the same tokens, tree and errors, a fraction of the
//! wasm), evaluate with our own small evaluator, and build a [`crate::Policy`].
//!
//! The evaluator covers the part of Starlark rules files use (assignments, functions, loops,
//! comprehensions, f-strings, the common globals and string/list/dict methods) with
//! starlark-rust's scoping rules and messages. Anything else is an error at its span that says
//! the playground does not support it; nothing is silently skipped. Evaluation is bounded in
//! steps, nesting and sizes, so hostile input ends in an `input too large` or `evaluation limit
//! exceeded` error instead of a hang.

mod builtins;
mod error;
mod eval;
mod lexer;
#[cfg(test)]
mod oracle;
mod parse;
mod resolve;
mod rules;
#[cfg(test)]
mod tests;
mod value;

use std::sync::Arc;

use starlark_syntax::codemap::Span as CodeSpan;
use starlark_syntax::syntax::Dialect;
use starlark_syntax::syntax::ast::AstStmt;

use crate::diagnostic::{Diagnostic, LineIndex, Span};
use crate::paths::PathContext;
use crate::policy::Policy;
use error::{ErrorKind, EvalError, Fallible};
use eval::{Frame, Interp, MAX_STEPS};
use rules::{RulesBuilder, validate_examples};

/// Largest accepted `.rules` file.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;
/// Deepest accepted nesting of brackets, blocks and chained unary operators, checked before
/// parsing because the parser recurses once per level.
pub const MAX_NESTING: usize = 100;

/// One `.rules` file to load: its name (shown in messages and origins) and its text.
#[derive(Debug, Clone, Copy)]
pub struct RulesFile<'a> {
    /// File name or path as the user knows it.
    pub name: &'a str,
    /// The Starlark source.
    pub text: &'a str,
}

/// Why a set of rules files could not be loaded. Codex then drops *all* file rules and keeps only
/// requirements rules (spec §3.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesLoadError {
    /// The problem: `message` is Codex's bare message (e.g. `invalid decision: maybe`), `source`
    /// the file name, `span` the most precise location we know (the offending argument when
    /// there is one).
    pub diagnostic: Diagnostic,
    /// Where Codex itself locates the problem (the failing expression or call, or the
    /// `prefix_rule(...)` call of a failing example): the line of its warning. `None` when Codex
    /// reports no location.
    pub codex_span: Option<Span>,
    /// See [`RulesLoadError::codex_warning`].
    codex_warning: String,
}

impl RulesLoadError {
    /// The warning Codex shows when it drops file rules because of this error (spec §3.1.1):
    /// `<path>:<line>: <message> (problem is on or around line <line>)`, or `<path>: <message>`
    /// when Codex has no location. Starlark errors show as `error: <message>` (or
    /// `starlark error: error: <message>` when they did not happen inside a call); the two
    /// example errors show bare.
    pub fn codex_warning(&self) -> &str {
        &self.codex_warning
    }
}

/// Diagnostic codes of load errors.
mod codes {
    pub const SYNTAX: &str = "starlark/syntax";
    pub const EVAL: &str = "starlark/error";
    pub const UNSUPPORTED: &str = "starlark/unsupported";
    pub const LIMIT: &str = "starlark/limit";
    pub const DECISION: &str = "rules/invalid-decision";
    pub const PATTERN: &str = "rules/invalid-pattern";
    pub const EXAMPLE: &str = "rules/invalid-example";
    pub const RULE: &str = "rules/invalid-rule";
    pub const EXAMPLE_DID_MATCH: &str = "rules/example-did-match";
    pub const EXAMPLE_DID_NOT_MATCH: &str = "rules/example-did-not-match";
}

/// Loads `files` in order into one policy: rules accumulate, `host_executable` redefinitions
/// replace earlier ones, and each file's `match`/`not_match` examples are checked after that file
/// is evaluated. `paths` expands `~/` in `host_executable` paths and resolves example programs.
// `allow`, not `expect`: the error is only "large" on 64-bit targets, not on wasm32.
#[allow(clippy::result_large_err, reason = "the loader contract returns the whole error; it is produced once per load")]
pub fn load_rules_files(files: &[RulesFile<'_>], paths: &PathContext) -> Result<Policy, RulesLoadError> {
    let mut builder =
        RulesBuilder { policy: Policy::new(), pending: Vec::new(), source: Arc::from(""), paths: paths.clone() };
    let mut steps = MAX_STEPS;
    for file in files {
        builder.source = Arc::from(file.name);
        builder.pending.clear();
        load_one(file, &mut builder, &mut steps)
            .and_then(|()| validate_examples(&builder, 0))
            .map_err(|e| load_error(file, *e))?;
    }
    Ok(builder.policy)
}

fn load_one(file: &RulesFile<'_>, builder: &mut RulesBuilder, steps: &mut u64) -> Fallible<()> {
    if file.text.len() > MAX_SOURCE_BYTES {
        return Err(EvalError::limit(format!("input too large: the file is larger than {MAX_SOURCE_BYTES} bytes")));
    }
    if let Some(at) = excessive_nesting(file.text) {
        return Err(EvalError::limit(format!("input too large: nested more than {MAX_NESTING} levels deep")).at(at));
    }
    let top = parse_rules(file.text).map_err(|e| {
        let err = EvalError::new(ErrorKind::Syntax, e.message);
        match e.span {
            Some(s) => err.at(span(s)),
            None => err,
        }
    })?;
    let top = &top;
    let resolution = resolve::resolve_module(top, file.text)?;
    let module_frame = Frame::new(resolution.module_frame_size, None);
    let mut interp = Interp {
        res: &resolution,
        module: vec![None; resolution.module_names.len()],
        steps,
        depth: 0,
        calls: 0,
        rules: builder,
    };
    interp.exec(top, &module_frame)?;
    Ok(())
}

/// Parses a `.rules` file as Codex does (`starlark_syntax`'s `Dialect::Extended` with f-strings) into its top
/// statement, or the first error with `starlark_syntax`'s message and span.
pub(crate) fn parse_rules(text: &str) -> Result<AstStmt, parse::SyntaxError> {
    let mut dialect = Dialect::Extended.clone();
    dialect.enable_f_strings = true;
    parse::parse_module(text.len(), &dialect, || lexer::Lexer::new(text))
}

fn load_error(file: &RulesFile<'_>, e: EvalError) -> RulesLoadError {
    let code = match e.kind {
        ErrorKind::Syntax => codes::SYNTAX,
        ErrorKind::Starlark => codes::EVAL,
        ErrorKind::Decision => codes::DECISION,
        ErrorKind::Pattern => codes::PATTERN,
        ErrorKind::Example => codes::EXAMPLE,
        ErrorKind::Rule => codes::RULE,
        ErrorKind::ExampleDidMatch => codes::EXAMPLE_DID_MATCH,
        ErrorKind::ExampleDidNotMatch => codes::EXAMPLE_DID_NOT_MATCH,
        ErrorKind::Unsupported => codes::UNSUPPORTED,
        ErrorKind::Limit => codes::LIMIT,
    };
    let codex_span = match e.kind {
        ErrorKind::Unsupported | ErrorKind::Limit => e.codex_span.or(e.span),
        _ => e.codex_span,
    };
    let codex_warning = render_codex_warning(file, &e, codex_span);
    let mut diagnostic = Diagnostic::error(code, e.message).in_source(file.name);
    diagnostic.span = e.span.or(e.codex_span);
    diagnostic.help = match e.kind {
        ErrorKind::Unsupported => Some(
            "the playground evaluates the part of Starlark that rules files use; Codex itself may accept this"
                .to_owned(),
        ),
        ErrorKind::Limit => Some(format!(
            "the playground stops after {MAX_STEPS} evaluation steps, {} nested levels or {} items; Codex has no such limits",
            eval::MAX_DEPTH,
            eval::MAX_ITEMS
        )),
        _ => None,
    };
    RulesLoadError { diagnostic, codex_span, codex_warning }
}

/// Codex's `format_exec_policy_error_with_source`, applied to the text Codex renders for this
/// error: example errors print bare; Starlark errors print `starlark error: ` plus
/// starlark-rust's diagnostic, which starts with a traceback when the error left a function.
fn render_codex_warning(file: &RulesFile<'_>, e: &EvalError, codex_span: Option<Span>) -> String {
    let rendered = match e.kind {
        ErrorKind::ExampleDidMatch | ErrorKind::ExampleDidNotMatch => e.message.clone(),
        _ if e.traceback => format!("starlark error: Traceback (most recent call last):\nerror: {}", e.message),
        _ => format!("starlark error: error: {}", e.message),
    };
    let structured = codex_span.map(|s| LineIndex::new(file.text).line_col(s.start).0);
    let location = match (structured, parse_starlark_line(&rendered)) {
        (Some(1), Some((path, line))) if line > 1 => Some((path.to_owned(), line)),
        (Some(line), _) => Some((file.name.to_owned(), line)),
        (None, parsed) => parsed.map(|(p, l)| (p.to_owned(), l)),
    };
    let message = message_for_display(&rendered);
    match location {
        Some((path, line)) => format!("{path}:{line}: {message} (problem is on or around line {line})"),
        None => format!("{}: {message}", file.name),
    }
}

/// Codex's `exec_policy_message_for_display`.
fn message_for_display(rendered: &str) -> String {
    if let Some(line) = rendered.lines().find(|l| l.trim_start().starts_with("error: ")) {
        return line.to_owned();
    }
    if let Some(first) = rendered.lines().next()
        && let Some((_, detail)) = first.rsplit_once(": starlark error: ")
    {
        return detail.trim().to_owned();
    }
    rendered.lines().next().unwrap_or_default().trim().to_owned()
}

/// Codex's `parse_starlark_line_from_message`: `path:line:col: starlark error:` on the first line.
fn parse_starlark_line(rendered: &str) -> Option<(&str, usize)> {
    let first = rendered.lines().next()?.trim();
    let (path_and_position, _) = first.rsplit_once(": starlark error:")?;
    let mut parts = path_and_position.rsplitn(3, ':');
    parts.next()?.parse::<usize>().ok()?;
    let line = parts.next()?.parse::<usize>().ok()?;
    let path = parts.next()?;
    (line > 0).then_some((path, line))
}

pub(crate) fn span(s: CodeSpan) -> Span {
    Span::new(s.begin().get() as usize, s.end().get() as usize)
}

pub(crate) use resolve::levenshtein as resolve_levenshtein;

/// Finds where `text` nests deeper than [`MAX_NESTING`], estimating the depth of the syntax tree
/// the parser would build: open brackets, indented blocks and `elif` chains, runs of prefix
/// operators (`-`, `+`, `~`, `not`, `lambda`, `else`), and left-deep chains of binary operators,
/// attribute accesses, calls and indexing. An over-estimate on purpose: it keeps every recursive
/// pass over the tree (parser, name resolution, evaluation, drop) within a small stack.
fn excessive_nesting(text: &str) -> Option<Span> {
    #[derive(Default, Clone, Copy)]
    struct Level {
        prefix: usize,
        chain: usize,
        // `lambda`s whose body is still open: the `:` ending their parameters must not forget them.
        lambdas: usize,
    }
    let bytes = text.as_bytes();
    let mut levels: Vec<Level> = vec![Level::default()];
    // Indentation widths of open blocks, with the `elif` chain length at each.
    let mut indents: Vec<(usize, usize)> = vec![(0, 0)];
    let mut at_line_start = true;
    let mut operand_before = false;
    let mut i = 0;
    let depth = |levels: &[Level], indents: &[(usize, usize)]| {
        levels.iter().map(|l| 1 + l.prefix + l.chain + l.lambdas).sum::<usize>()
            + indents.iter().map(|(_, e)| 1 + e).sum::<usize>()
    };
    while let Some(&b) = bytes.get(i) {
        if at_line_start && levels.len() == 1 {
            at_line_start = false;
            let start = i;
            while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if matches!(bytes.get(i), Some(b'\n' | b'\r' | b'#') | None) {
                continue;
            }
            let width = i - start;
            while indents.last().is_some_and(|&(w, _)| width < w) {
                indents.pop();
            }
            if indents.last().is_some_and(|&(w, _)| width > w) {
                indents.push((width, 0));
            }
            let rest = text.get(i..).unwrap_or_default();
            let word_end = rest.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(rest.len());
            if let Some(last) = indents.last_mut() {
                match rest.get(..word_end) {
                    Some("elif") => last.1 += 1,
                    Some("else") => {}
                    _ => last.1 = 0,
                }
            }
            continue;
        }
        let top = levels.len() - 1;
        match b {
            b'#' => {
                while !matches!(bytes.get(i), Some(b'\n') | None) {
                    i += 1;
                }
                continue;
            }
            b'\n' => {
                if top == 0 {
                    at_line_start = true;
                    if let Some(l) = levels.first_mut() {
                        *l = Level::default();
                    }
                }
                operand_before = false;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 1,
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                operand_before = true;
                continue;
            }
            b'(' | b'[' | b'{' => {
                if operand_before && let Some(l) = levels.get_mut(top) {
                    l.chain += 1;
                }
                levels.push(Level::default());
                operand_before = false;
            }
            b')' | b']' | b'}' => {
                if top > 0 {
                    levels.pop();
                }
                operand_before = true;
            }
            b',' | b';' => {
                if let Some(l) = levels.get_mut(top) {
                    *l = Level::default();
                }
                operand_before = false;
            }
            b':' => {
                if let Some(l) = levels.get_mut(top) {
                    *l = Level { lambdas: l.lambdas, ..Level::default() };
                }
                operand_before = false;
            }
            b'=' if bytes.get(i + 1) != Some(&b'=')
                && !(i > 0 && matches!(bytes.get(i - 1), Some(b'<' | b'>' | b'!' | b'='))) =>
            {
                if let Some(l) = levels.get_mut(top) {
                    *l = Level::default();
                }
                operand_before = false;
            }
            b'-' | b'+' | b'~' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'!' | b'=' | b'.' => {
                if let Some(l) = levels.get_mut(top) {
                    if operand_before || b == b'.' {
                        l.chain += 1;
                    } else if matches!(b, b'-' | b'+' | b'~') {
                        l.prefix += 1;
                    }
                }
                // A two-character operator counts once.
                if matches!(bytes.get(i + 1), Some(b'=' | b'/' | b'<' | b'>')) && b != b'.' {
                    i += 1;
                }
                operand_before = false;
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {
                let start = i;
                while matches!(bytes.get(i), Some(b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9')) {
                    i += 1;
                }
                // The fraction of a number literal (`1.5`) is part of it.
                if b.is_ascii_digit() && bytes.get(i) == Some(&b'.') {
                    i += 1;
                    while matches!(bytes.get(i), Some(b'0'..=b'9' | b'e' | b'E')) {
                        i += 1;
                    }
                }
                let word = text.get(start..i).unwrap_or_default();
                // A string prefix (`r"`, `f'`, `b"`, …) belongs to the string.
                if matches!(bytes.get(i), Some(b'"' | b'\'')) && word.len() <= 2 && !b.is_ascii_digit() {
                    continue;
                }
                if let Some(l) = levels.get_mut(top) {
                    match word {
                        "not" if !operand_before => l.prefix += 1,
                        "lambda" => l.lambdas += 1,
                        "else" => l.prefix += 1,
                        "and" | "or" | "in" | "not" | "if" => l.chain += 1,
                        _ => {}
                    }
                }
                operand_before =
                    !matches!(word, "and" | "or" | "in" | "not" | "if" | "else" | "lambda" | "for" | "return" | "elif");
                if depth(&levels, &indents) > MAX_NESTING {
                    return Some(Span::new(start, i));
                }
                continue;
            }
            _ => {}
        }
        if depth(&levels, &indents) > MAX_NESTING {
            return Some(Span::new(i, i + 1));
        }
        i += 1;
    }
    None
}

/// Index just past the string literal starting at `i` (quote char), honouring triple quotes and
/// backslash escapes; an unterminated string runs to the end of its line (or of the text).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let q = bytes.get(i).copied().unwrap_or(b'"');
    let triple = bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
    let mut j = if triple { i + 3 } else { i + 1 };
    while let Some(&c) = bytes.get(j) {
        if c == b'\\' {
            j += 2;
            continue;
        }
        if c == q {
            if !triple {
                return j + 1;
            }
            if bytes.get(j + 1) == Some(&q) && bytes.get(j + 2) == Some(&q) {
                return j + 3;
            }
        }
        if c == b'\n' && !triple {
            return j;
        }
        j += 1;
    }
    j
}

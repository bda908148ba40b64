//! Evaluation errors: the message Codex would show, where it points, and where Codex says it is.

use super::value::{Value, display_for_type_error};
use crate::diagnostic::Span;

/// What produced an error; decides the diagnostic code and how Codex's warning prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A syntax error from the parser.
    Syntax,
    /// A Starlark evaluation error (Codex wraps it as `starlark error: …`).
    Starlark,
    /// `invalid decision: …` from a builtin.
    Decision,
    /// `invalid pattern element: …`.
    Pattern,
    /// `invalid example: …`.
    Example,
    /// `invalid rule: …`.
    Rule,
    /// `expected example to not match rule …` (a plain Codex error, not a Starlark one).
    ExampleDidMatch,
    /// `expected every example to match at least one rule …` (plain).
    ExampleDidNotMatch,
    /// Valid Starlark that this playground does not evaluate.
    Unsupported,
    /// A step, size or depth limit of the playground.
    Limit,
}

/// One error with its locations.
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
    /// The most precise location we know (an argument, an identifier, an expression).
    pub span: Option<Span>,
    /// The location Codex reports (the failing expression or call); defaults to `span`.
    pub codex_span: Option<Span>,
    /// Whether the error left a function call (starlark-rust then prints a traceback, which
    /// changes the line Codex's warning shows).
    pub traceback: bool,
}

/// Results inside the evaluator; the error is boxed so `Result<Value>` stays small.
pub(crate) type Fallible<T> = Result<T, Box<EvalError>>;

// Errors are boxed so that `Fallible<Value>` stays two words; they are rare and cold.
#[expect(clippy::unnecessary_box_returns, reason = "a boxed error keeps the hot `Result<Value>` small")]
impl EvalError {
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Box<Self> {
        Box::new(Self { kind, message: message.into(), span: None, codex_span: None, traceback: false })
    }

    /// A Starlark error with starlark-rust's text.
    #[cold]
    pub fn value(message: impl Into<String>) -> Box<Self> {
        Self::new(ErrorKind::Starlark, message)
    }

    /// ``Operation `+` not supported for types `int` and `string` ``.
    #[cold]
    pub fn binary_unsupported(op: &str, left: &Value<'_>, right: &Value<'_>) -> Box<Self> {
        Self::value(format!(
            "Operation `{op}` not supported for types `{}` and `{}`",
            left.type_name(),
            right.type_name()
        ))
    }

    /// ``Operation `-` not supported on type `string` ``.
    #[cold]
    pub fn unary_unsupported(op: &str, value: &Value<'_>) -> Box<Self> {
        Self::value(format!("Operation `{op}` not supported on type `{}`", value.type_name()))
    }

    /// ``Type of parameter `x` doesn't match, expected `str`, actual `int (repr: 1)` ``.
    #[cold]
    pub fn param_type(param: &str, expected: &str, actual: &Value<'_>) -> Box<Self> {
        Self::value(format!(
            "Type of parameter `{param}` doesn't match, expected `{expected}`, actual `{}`",
            display_for_type_error(actual)
        ))
    }

    /// A construct the playground does not evaluate (never silently skipped).
    #[cold]
    pub fn unsupported(what: &str) -> Box<Self> {
        Self::new(ErrorKind::Unsupported, format!("{what} is not supported by the playground"))
    }

    /// A playground limit.
    #[cold]
    pub fn limit(message: impl Into<String>) -> Box<Self> {
        Self::new(ErrorKind::Limit, message)
    }

    /// Sets both locations if they are still unknown (inner locations win, as in starlark-rust).
    pub fn at(mut self: Box<Self>, span: Span) -> Box<Self> {
        if self.span.is_none() {
            self.span = Some(span);
        }
        if self.codex_span.is_none() {
            self.codex_span = Some(span);
        }
        self
    }

    /// Sets only the precise location (Codex still reports the enclosing call).
    pub fn at_precise(mut self: Box<Self>, span: Option<Span>) -> Box<Self> {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

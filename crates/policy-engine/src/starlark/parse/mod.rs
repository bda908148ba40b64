//! Our Starlark parser: `starlark_syntax` 0.13.0's grammar and errors without its LALRPOP parser (which costs the
//! wasm ~140 KB).
//!
//! Two passes over the token stream, each lexing the source afresh (keeping the tokens would double the peak
//! memory of a large file). [`lr`] runs LALRPOP's own LR tables ([`tables`]) to decide, exactly as
//! `starlark_syntax` does, whether the input parses and, if not, which error comes first: a lexer error, a syntax
//! error with LALRPOP's expected-token list, or a failing check in a grammar action (those run when LALRPOP
//! reduces their production, so they can come before a later syntax error). [`stmt`] and [`expr`] then build
//! `starlark_syntax`'s AST of accepted input by recursive descent, running the grammar actions' checks in
//! LALRPOP's reduction order (post-order): [`checks`], with [`type_expr`] and [`format`]. [`validate`] then
//! checks the whole module.

mod checks;
mod cursor;
mod expr;
pub(super) mod format;
mod lr;
mod stmt;
#[rustfmt::skip]
mod tables;
#[cfg(test)]
mod tests;
mod type_expr;
mod validate;

use starlark_syntax::codemap::{Pos, Span};
use starlark_syntax::lexer::Token;
use starlark_syntax::syntax::Dialect;
use starlark_syntax::syntax::ast::AstStmt;

use super::lexer::LexError;

/// A parse error as `starlark_syntax` reports it: the message (`Error::without_diagnostic()`'s text) and span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// The message, without location.
    pub message: String,
    /// Where it is; `None` only for an error `starlark_syntax` reports without a location.
    pub span: Option<Span>,
}

impl SyntaxError {
    fn new(message: String, begin: usize, end: usize) -> Self {
        Self { message, span: Some(span(begin, end)) }
    }
}

impl From<LexError> for SyntaxError {
    fn from(e: LexError) -> Self {
        Self::new(e.message, e.start, e.end)
    }
}

/// One token with its byte offsets, as the lexer yields it.
pub(crate) type Spanned = (usize, Token, usize);

/// Parses a source of `len` bytes into the module's top statement, with `starlark_syntax`'s result: the same AST,
/// or the same first error. `lex` gives its token stream, the same on every call.
pub(crate) fn parse_module<I, E>(len: usize, dialect: &Dialect, lex: impl Fn() -> I) -> Result<AstStmt, SyntaxError>
where
    I: Iterator<Item = Result<Spanned, E>>,
    E: Into<SyntaxError>,
{
    let ctx = checks::Context { dialect };
    let tokens = || lex().filter(|t| !matches!(t, Ok((_, Token::Comment(_), _))));
    let recognized = lr::recognize(tokens(), len);
    if let Some(error) = recognized.error {
        // The grammar actions that ran before the error may have failed first. They check tokens before the
        // error, all of which lexed.
        let end = recognized.checks.iter().map(|c| c.end).max().unwrap_or(0);
        let read: Vec<Spanned> = tokens().take(end).map_while(Result::ok).collect();
        for check in &recognized.checks {
            let checked = read.get(check.start..check.end).unwrap_or_default();
            stmt::run_check(&ctx, &mut checked.iter().cloned(), check.production)?;
        }
        return Err(error);
    }
    let mut errors = None;
    // The recognizer accepted, so there is no lexer error.
    let top = stmt::build_module(&ctx, &mut tokens().map_while(Result::ok).fuse(), &mut errors)?;
    if let Some(error) = errors {
        return Err(error);
    }
    validate::validate_module(&ctx, &top)?;
    Ok(top)
}

fn span(begin: usize, end: usize) -> Span {
    Span::new(Pos::new(u32::try_from(begin).unwrap_or(u32::MAX)), Pos::new(u32::try_from(end).unwrap_or(u32::MAX)))
}

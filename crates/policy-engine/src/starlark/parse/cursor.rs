//! The recursive-descent builders' position in the token stream: the next two tokens, read as they are needed
//! (the builders look at most two tokens ahead), so no token list is kept.

use starlark_syntax::codemap::Spanned as Node;
use starlark_syntax::lexer::Token;
use starlark_syntax::syntax::ast::ToAst;

use super::checks::Context;
use super::{Spanned, SyntaxError};

/// Builds AST from tokens the LR recognizer accepted (or from one of their reduced ranges).
pub(super) struct Parser<'a> {
    pub ctx: &'a Context<'a>,
    /// The tokens after `after` (fused: `None` once ended).
    tokens: &'a mut dyn Iterator<Item = Spanned>,
    /// The next token (`None` at the end).
    next: Option<Spanned>,
    /// The token after it.
    after: Option<Spanned>,
    /// End offset of the last token taken: LALRPOP's `@R`.
    pub last_end: usize,
    /// The first recoverable error of the grammar actions.
    pub errors: &'a mut Option<SyntaxError>,
}

impl<'a> Parser<'a> {
    pub fn new(
        ctx: &'a Context<'a>,
        tokens: &'a mut dyn Iterator<Item = Spanned>,
        errors: &'a mut Option<SyntaxError>,
    ) -> Self {
        let (next, after) = (tokens.next(), tokens.next());
        Self { ctx, tokens, next, after, last_end: 0, errors }
    }

    /// The next token.
    pub fn peek(&self) -> Option<&Token> {
        self.next.as_ref().map(|t| &t.1)
    }

    /// The token after the next.
    pub fn peek2(&self) -> Option<&Token> {
        self.after.as_ref().map(|t| &t.1)
    }

    /// Whether the next token is `token` (a token without a value).
    pub fn at(&self, token: &Token) -> bool {
        self.peek() == Some(token)
    }

    /// Start offset of the next token: LALRPOP's `@L`.
    pub fn start(&self) -> usize {
        self.next.as_ref().map_or(self.last_end, |t| t.0)
    }

    /// Takes the next token.
    pub fn bump(&mut self) -> Option<Spanned> {
        let token = self.next.take()?;
        self.next = self.after.take();
        self.after = self.tokens.next();
        self.last_end = token.2;
        Some(token)
    }

    /// Takes the next token if it is `token`.
    pub fn eat(&mut self, token: &Token) -> bool {
        let found = self.at(token);
        if found {
            self.bump();
        }
        found
    }

    /// Takes the next token, which the grammar says is `token`.
    pub fn expect(&mut self, token: &Token) -> Result<(), SyntaxError> {
        if self.eat(token) { Ok(()) } else { Err(self.internal()) }
    }

    /// Takes an identifier or string token as a spanned string.
    pub fn name(&mut self) -> Result<Node<String>, SyntaxError> {
        match self.bump() {
            Some((begin, Token::Identifier(s) | Token::String(s), end)) => Ok(s.ast(begin, end)),
            _ => Err(self.internal()),
        }
    }

    /// Whether every token has been taken.
    pub fn done(&self) -> bool {
        self.next.is_none()
    }

    /// Input the recognizer accepted that the builder does not follow: a bug, reported instead of a panic.
    #[cold]
    pub fn internal(&self) -> SyntaxError {
        let at = self.start();
        SyntaxError::new("Internal error: the playground's parser disagrees with the grammar".to_owned(), at, at)
    }
}

//! A hand-written copy of `starlark_syntax::lexer::Lexer` (0.13.0, the version Codex pins): the
//! same tokens, spans, errors and laziness, without `logos` in the wasm. Its tests compare it
//! with starlark's own lexer on every `.rules` text in the repository and on generated inputs.
//!
//! Two stages, like starlark's: [`scan`] finds the next match (what logos does there), and
//! [`Lexer`] adds indentation (`Indent`/`Dedent`), newlines outside brackets, string literals
//! ([`string`]), number values and errors.

mod scan;
mod string;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use num_bigint::BigInt;
use starlark_syntax::lexer::{LexemeError, Token, TokenFString, TokenInt};

use scan::{Raw, Scanner};
use string::Literal;

/// A lexical error: starlark's message and its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// The message, e.g. ``Parse error: invalid input `$` ``.
    pub(crate) message: String,
    /// Start of the span, in bytes.
    pub(crate) start: usize,
    /// End of the span, in bytes.
    pub(crate) end: usize,
}

impl LexError {
    fn new(error: &LexemeError, start: usize, end: usize) -> Self {
        Self { message: error.to_string(), start, end }
    }
}

/// A token with its byte span, or the error starlark reports there.
pub(crate) type Lexeme = Result<(usize, Token, usize), LexError>;

/// Starlark's token stream over one source text. Errors come out where the consumer reaches
/// them; only the stream up to the first error is meaningful (parsing stops there).
pub(crate) struct Lexer<'a> {
    scanner: Scanner<'a>,
    /// The indentation of each open block.
    indent_levels: Vec<usize>,
    /// Lexemes produced but not yet returned.
    buffer: VecDeque<Lexeme>,
    /// Open brackets minus closed ones (newlines inside brackets are skipped).
    parens: isize,
    done: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`.
    pub(crate) fn new(src: &'a str) -> Self {
        let mut lexer = Self {
            scanner: Scanner::new(src),
            indent_levels: Vec::new(),
            buffer: VecDeque::new(),
            parens: 0,
            done: false,
        };
        if let Err(e) = lexer.indentation() {
            lexer.buffer.push_back(Err(e));
        }
        lexer
    }

    /// At a line start: skips the indentation and comment-only lines (queueing their
    /// comments), then queues the `Indent` or `Dedent`s the new indentation calls for. As in
    /// starlark, `\r` is ignored here, a blank line stops at its newline (its tabs are no
    /// error), and the end of the input leaves the indentation as it was.
    fn indentation(&mut self) -> Result<(), LexError> {
        let base = self.scanner.end;
        let rest = self.scanner.remainder().as_bytes();
        let (mut spaces, mut tabs) = (0, false);
        let mut indent_start = base;
        let mut i = 0;
        loop {
            let Some(&b) = rest.get(i) else {
                self.scanner.bump(i);
                return Ok(());
            };
            i += 1;
            match b {
                b' ' => spaces += 1,
                b'\t' => tabs = true,
                // A blank line: its newline is the next token.
                b'\n' => {
                    self.scanner.bump(i - 1);
                    return Ok(());
                }
                b'\r' => {}
                b'#' => {
                    (spaces, tabs) = (0, false);
                    let start = base + i - 1;
                    let Some(len) = rest.get(i..).and_then(|r| r.iter().position(|&c| c == b'\n')) else {
                        let end = base + rest.len();
                        self.buffer.push_back(Ok(self.comment(start, end)));
                        self.scanner.bump(rest.len());
                        return Ok(());
                    };
                    i += len + 1;
                    self.buffer.push_back(Ok(self.comment(start, base + i - 1)));
                    indent_start = base + i;
                }
                _ => break,
            }
        }
        self.scanner.bump(i - 1);
        if tabs {
            let at = self.scanner.start;
            return Err(LexError::new(&LexemeError::InvalidTab, at, at));
        }
        let indent = spaces;
        let now = self.indent_levels.last().copied().unwrap_or(0);
        if indent > now {
            self.indent_levels.push(indent);
            self.buffer.push_back(Ok((indent_start, Token::Indent, self.scanner.end)));
        } else if indent < now {
            let mut dedents = 0;
            while self.indent_levels.last().copied().unwrap_or(0) > indent {
                self.indent_levels.pop();
                dedents += 1;
            }
            if self.indent_levels.last().copied().unwrap_or(0) != indent {
                return Err(LexError::new(&LexemeError::Indentation, self.scanner.start, self.scanner.end));
            }
            for _ in 0..dedents {
                // Each dedent is only a position, so adjacent ones do not overlap.
                self.buffer.push_back(Ok((indent_start, Token::Dedent, indent_start)));
            }
        }
        Ok(())
    }

    /// A comment-only line's comment, without its `#` and any `\r` before the line break.
    fn comment(&self, start: usize, end: usize) -> (usize, Token, usize) {
        let text = self.scanner.src.get(start + 1..end).unwrap_or_default();
        let (text, end) = match text.strip_suffix('\r') {
            Some(text) => (text, end - 1),
            None => (text, end),
        };
        (start, Token::Comment(text.to_owned()), end)
    }

    /// The error `error` over the last match.
    fn error_here(&self, error: fn(String) -> LexemeError) -> LexError {
        LexError::new(&error(self.scanner.slice().to_owned()), self.scanner.start, self.scanner.end)
    }

    /// The next token or error; `None` after the final `Newline` and `Dedent`s.
    pub(crate) fn next(&mut self) -> Option<Lexeme> {
        loop {
            if let Some(lexeme) = self.buffer.pop_front() {
                return Some(lexeme);
            }
            if self.done {
                return None;
            }
            let Some(raw) = self.scanner.next() else {
                self.done = true;
                let at = self.scanner.end;
                for _ in self.indent_levels.drain(..) {
                    self.buffer.push_back(Ok((at, Token::Dedent, at)));
                }
                return Some(Ok((self.scanner.start, Token::Newline, at)));
            };
            let (start, end) = (self.scanner.start, self.scanner.end);
            return Some(match raw {
                Raw::Tabs => Err(LexError::new(&LexemeError::InvalidTab, start, start)),
                // Inside brackets a line break is only space.
                Raw::Newline if self.parens != 0 => continue,
                Raw::Newline => self.indentation().map(|()| (start, Token::Newline, end)),
                Raw::Reserved => Err(self.error_here(LexemeError::ReservedKeyword)),
                Raw::Error => Err(self.error_here(LexemeError::InvalidInput)),
                Raw::Int(radix) => self.int(radix),
                Raw::Quote { f, double } => self.string(f, double),
                Raw::Token(token) => {
                    match token {
                        Token::OpeningCurly | Token::OpeningRound | Token::OpeningSquare => self.parens += 1,
                        Token::ClosingCurly | Token::ClosingRound | Token::ClosingSquare => self.parens -= 1,
                        _ => {}
                    }
                    Ok((start, token, end))
                }
            });
        }
    }

    /// The integer literal just matched.
    fn int(&self, radix: u32) -> Lexeme {
        let text = self.scanner.slice();
        if radix == 10 && text.len() > 1 && text.starts_with('0') {
            return Err(self.error_here(LexemeError::StartsZero));
        }
        let digits = if radix == 10 { text } else { text.get(2..).unwrap_or_default() };
        // `TokenInt::from_str_radix`, without its `anyhow` error (~20 KB gzipped of wasm).
        let value = match i32::from_str_radix(digits, radix) {
            Ok(small) => Some(TokenInt::I32(small)),
            Err(_) => BigInt::parse_bytes(digits.as_bytes(), radix).map(TokenInt::BigInt),
        };
        match value {
            Some(value) => Ok((self.scanner.start, Token::Int(value), self.scanner.end)),
            None => Err(self.error_here(LexemeError::IntParse)),
        }
    }

    /// The string literal whose opening quote (with prefix) was just matched.
    fn string(&mut self, f: bool, double: bool) -> Lexeme {
        let (start, open_end) = (self.scanner.start, self.scanner.end);
        let prefix = open_end - start;
        let raw = prefix == if f { 3 } else { 2 };
        let literal = Literal { start, open_end, quote: if double { b'"' } else { b'\'' }, raw };
        let body = literal.read(self.scanner.remainder())?;
        self.scanner.bump(body.used);
        let token = if f {
            Token::FString(TokenFString { content: body.value, content_start_offset: body.contents_start + prefix })
        } else {
            Token::String(body.value)
        };
        Ok((start, token, open_end + body.used))
    }
}

/// starlark's `lex_exactly_one_identifier`: `s` is one identifier, give or take spaces and
/// backslash-newlines around it (the parser checks f-string captures with it).
pub(crate) fn exactly_one_identifier(s: &str) -> Option<String> {
    let mut scanner = Scanner::new(s);
    match (scanner.next(), scanner.next()) {
        (Some(Raw::Token(Token::Identifier(name))), None) => Some(name),
        _ => None,
    }
}

impl Iterator for Lexer<'_> {
    type Item = Lexeme;

    fn next(&mut self) -> Option<Lexeme> {
        Lexer::next(self)
    }
}

//! The LR recognizer: lalrpop-util 0.19.12's `Parser::drive` over `starlark_syntax`'s tables, without semantic
//! values. It decides accept or the first error, and records the reductions whose actions can fail.

use std::fmt::Write;

use starlark_syntax::lexer::Token;

use super::tables::{
    ACCEPT, ASSIGN_STMT, EOF_ACTIONS, FOR_CLAUSE, FOR_STMT, GOTO_START, GOTOS, MASKS, PRODUCTIONS, REDUCE_START,
    REDUCES, SHIFT_START, SHIFTS, STATES, TERMINAL_NAMES, TYPE_EXPR,
};
use super::{Spanned, SyntaxError};

/// A reduction whose grammar action checks something, with the tokens it checks: those numbered `start..end` in
/// the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Check {
    /// Which check (one of the production constants in `tables`).
    pub production: u16,
    /// First token of what is checked.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
}

/// What the recognizer found. It keeps no tokens: the builders read the (deterministic) lexer's stream again.
pub(super) struct Recognized {
    /// Checking reductions, in the order LALRPOP performs them (before the error, if any).
    pub checks: Vec<Check>,
    /// The lexer or syntax error that ends the parse, if any.
    pub error: Option<SyntaxError>,
}

/// Runs the LR automaton over `input`; `text_len` locates an unexpected end of file.
pub(super) fn recognize<E: Into<SyntaxError>>(
    input: impl Iterator<Item = Result<Spanned, E>>,
    text_len: usize,
) -> Recognized {
    let mut machine = Machine { states: vec![0], ranges: Vec::new(), checks: Vec::new() };
    let error = machine.run(input, text_len).err();
    Recognized { checks: machine.checks, error }
}

struct Machine {
    states: Vec<u16>,
    /// The token range of each symbol on the stack.
    ranges: Vec<(usize, usize)>,
    checks: Vec<Check>,
}

enum Step {
    Shift(u16),
    Reduce(u16),
    Error,
}

impl Machine {
    fn run<E: Into<SyntaxError>>(
        &mut self,
        input: impl Iterator<Item = Result<Spanned, E>>,
        text_len: usize,
    ) -> Result<(), SyntaxError> {
        // Tokens read so far.
        let mut read = 0;
        for token in input {
            let token = token.map_err(Into::into)?;
            let index = read;
            read += 1;
            let Some(terminal) = terminal(&token.1) else {
                return Err(self.unexpected(&token));
            };
            loop {
                match action(self.top(), terminal) {
                    Step::Shift(target) => {
                        self.states.push(target);
                        self.ranges.push((index, index + 1));
                        break;
                    }
                    Step::Reduce(production) => {
                        if production == ACCEPT {
                            // The start production never reduces before the end of input.
                            return Err(self.unexpected(&token));
                        }
                        self.reduce(production, index);
                    }
                    Step::Error => return Err(self.unexpected(&token)),
                }
            }
        }
        loop {
            let code = EOF_ACTIONS.get(usize::from(self.top())).copied().unwrap_or(0);
            if code >= 0 {
                return Err(SyntaxError::new("Parse error: unexpected end of file".to_owned(), text_len, text_len));
            }
            let production = u16::try_from(-(code + 1)).unwrap_or(ACCEPT);
            if production == ACCEPT {
                return Ok(());
            }
            self.reduce(production, read);
        }
    }

    fn top(&self) -> u16 {
        self.states.last().copied().unwrap_or(0)
    }

    /// Pops the production's symbols and pushes its nonterminal; `lookahead` is the index of the next token.
    fn reduce(&mut self, production: u16, lookahead: usize) {
        let (pop, nonterminal) = PRODUCTIONS.get(usize::from(production)).copied().unwrap_or((0, 0));
        let pop = usize::from(pop);
        let base = self.ranges.len().saturating_sub(pop);
        let children = self.ranges.get(base..).unwrap_or_default();
        let range = match (children.first(), children.last()) {
            (Some(first), Some(last)) => (first.0, last.1),
            _ => (lookahead, lookahead),
        };
        let checked = match production {
            ASSIGN_STMT | TYPE_EXPR => Some(range),
            FOR_CLAUSE | FOR_STMT => children.get(1).copied(),
            _ => None,
        };
        if let Some((start, end)) = checked {
            self.checks.push(Check { production, start, end });
        }
        self.ranges.truncate(base);
        self.ranges.push(range);
        self.states.truncate(self.states.len().saturating_sub(pop));
        let next = goto(self.top(), nonterminal);
        self.states.push(next);
    }

    /// LALRPOP's `UnrecognizedToken` error for `token`, as `starlark_syntax` formats it.
    fn unexpected(&self, (begin, token, end): &Spanned) -> SyntaxError {
        let state = self.top();
        let expected: Vec<&str> = TERMINAL_NAMES
            .iter()
            .enumerate()
            .filter(|&(t, _)| !matches!(action(state, t), Step::Error))
            .map(|(_, name)| *name)
            .collect();
        let mut message = format!("Parse error: unexpected {token} here, expected ");
        for (i, name) in expected.iter().enumerate() {
            let sep = match i {
                0 => "one of",
                _ if i < expected.len() - 1 => ",",
                _ => " or",
            };
            let _ = write!(message, "{sep} {name}");
        }
        SyntaxError::new(message, *begin, *end)
    }
}

fn action(state: u16, terminal: usize) -> Step {
    let state = usize::from(state).min(STATES - 1);
    let run = |starts: &[u16]| {
        let from = starts.get(state).copied().map_or(0, usize::from);
        let to = starts.get(state + 1).copied().map_or(0, usize::from);
        from..to
    };
    let shifts = SHIFTS.get(run(&SHIFT_START)).unwrap_or_default();
    if let Some(&(_, target)) = shifts.iter().find(|&&(t, _)| usize::from(t) == terminal) {
        return Step::Shift(target);
    }
    let reduces = REDUCES.get(run(&REDUCE_START)).unwrap_or_default();
    let bit = 1u128 << terminal.min(127);
    match reduces.iter().find(|&&(_, mask)| MASKS.get(usize::from(mask)).is_some_and(|m| m & bit != 0)) {
        Some(&(production, _)) => Step::Reduce(production),
        None => Step::Error,
    }
}

fn goto(state: u16, nonterminal: u8) -> u16 {
    let nt = usize::from(nonterminal);
    let from = GOTO_START.get(nt).copied().map_or(0, usize::from);
    let to = GOTO_START.get(nt + 1).copied().map_or(0, usize::from);
    let gotos = GOTOS.get(from..to).unwrap_or_default();
    gotos.iter().find(|&&(s, _)| s == state || s == u16::MAX).map_or(0, |&(_, target)| target)
}

/// The terminal number LALRPOP gives `token` (`__token_to_integer`); `None` for tokens the grammar never uses.
fn terminal(token: &Token) -> Option<usize> {
    Some(match token {
        Token::Newline => 0,
        Token::BangEqual => 1,
        Token::Percent => 2,
        Token::PercentEqual => 3,
        Token::Ampersand => 4,
        Token::AmpersandEqual => 5,
        Token::OpeningRound => 6,
        Token::ClosingRound => 7,
        Token::Star => 8,
        Token::StarStar => 9,
        Token::StarEqual => 10,
        Token::Plus => 11,
        Token::PlusEqual => 12,
        Token::Comma => 13,
        Token::Minus => 14,
        Token::MinusEqual => 15,
        Token::MinusGreater => 16,
        Token::Dot => 17,
        Token::Ellipsis => 18,
        Token::Slash => 19,
        Token::SlashSlash => 20,
        Token::SlashSlashEqual => 21,
        Token::SlashEqual => 22,
        Token::Colon => 23,
        Token::Semicolon => 24,
        Token::LessThan => 25,
        Token::LessLess => 26,
        Token::LessLessEqual => 27,
        Token::LessEqual => 28,
        Token::Equal => 29,
        Token::EqualEqual => 30,
        Token::GreaterThan => 31,
        Token::GreaterEqual => 32,
        Token::GreaterGreater => 33,
        Token::GreaterGreaterEqual => 34,
        Token::Dedent => 35,
        Token::Float(_) => 36,
        Token::FString(_) => 37,
        Token::Identifier(_) => 38,
        Token::Indent => 39,
        Token::Int(_) => 40,
        Token::String(_) => 41,
        Token::OpeningSquare => 42,
        Token::ClosingSquare => 43,
        Token::Caret => 44,
        Token::CaretEqual => 45,
        Token::And => 46,
        Token::Break => 47,
        Token::Continue => 48,
        Token::Def => 49,
        Token::Elif => 50,
        Token::Else => 51,
        Token::For => 52,
        Token::If => 53,
        Token::In => 54,
        Token::Lambda => 55,
        Token::Load => 56,
        Token::Not => 57,
        Token::Or => 58,
        Token::Pass => 59,
        Token::Return => 60,
        Token::OpeningCurly => 61,
        Token::Pipe => 62,
        Token::PipeEqual => 63,
        Token::ClosingCurly => 64,
        Token::Tilde => 65,
        _ => return None,
    })
}

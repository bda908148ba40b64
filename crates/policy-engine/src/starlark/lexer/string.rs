//! The body of a string literal after its opening quote: where it ends, its value, and
//! starlark's errors for unfinished literals and bad escapes.

use starlark_syntax::lexer::LexemeError;

use super::LexError;

/// A string literal the scanner has just seen open.
pub(super) struct Literal {
    /// Where the literal starts (at its prefix, if any).
    pub(super) start: usize,
    /// Just after the opening quote, where `rest` starts.
    pub(super) open_end: usize,
    /// The quote character.
    pub(super) quote: u8,
    /// An `r` prefix.
    pub(super) raw: bool,
}

/// A finished literal: its value, where its contents start within `rest`, and the length of
/// `rest` it used (the literal ends at `open_end + used`).
pub(super) struct Body {
    pub(super) value: String,
    pub(super) contents_start: usize,
    pub(super) used: usize,
}

/// Decides whether a character closes the literal: the quote, or the third quote in a row.
struct Stop {
    quote: char,
    triple: bool,
    seen: u8,
}

impl Stop {
    fn hit(&mut self, c: char) -> bool {
        if c != self.quote {
            self.seen = 0;
            return false;
        }
        self.seen += 1;
        !self.triple || self.seen == 3
    }
}

impl Literal {
    /// Reads the literal from `rest`, the text after its opening quote.
    pub(super) fn read(&self, rest: &str) -> Result<Body, LexError> {
        let bytes = rest.as_bytes();
        let triple = bytes.get(..2) == Some(&[self.quote, self.quote]);
        let mut stop = Stop { quote: char::from(self.quote), triple, seen: 0 };
        let contents_start = if triple { 2 } else { 0 };
        let unfinished = |end: usize| LexError::new(&LexemeError::UnfinishedStringLiteral, self.start, end);
        // Fast path: the value is a slice of the source until an escape, `\r` or a line break.
        let mut i = contents_start;
        let slow_from = loop {
            let Some(&b) = bytes.get(i) else { return Err(unfinished(self.open_end + i)) };
            i += 1;
            if stop.hit(char::from(b)) {
                let value = rest.get(contents_start..i - if triple { 3 } else { 1 }).unwrap_or_default();
                return Ok(Body { value: value.to_owned(), contents_start, used: i });
            }
            if b == b'\\' || b == b'\r' || (b == b'\n' && !triple) {
                break i - 1;
            }
        };
        let mut value = rest.get(contents_start..slow_from).unwrap_or_default().to_owned();
        let mut it = Cursor { s: rest, pos: slow_from };
        let mut end = self.open_end;
        while let Some(c) = it.next() {
            if stop.hit(c) {
                if triple {
                    value.truncate(value.len().saturating_sub(2));
                }
                return Ok(Body { value, contents_start, used: it.pos });
            }
            match c {
                '\n' if !triple => {
                    // The error ends before the line break.
                    end -= 1;
                    break;
                }
                '\r' => {}
                '\\' if self.raw => match it.next() {
                    Some(c) => {
                        if c != '\'' && c != '"' {
                            value.push('\\');
                        }
                        value.push(c);
                    }
                    None => break,
                },
                '\\' => {
                    let from = it.pos;
                    if escape(&mut it, &mut value).is_none() {
                        let bad = rest.get(from..it.pos).unwrap_or_default();
                        let error = if bad.is_empty() {
                            LexemeError::EmptyEscapeSequence
                        } else {
                            LexemeError::InvalidEscapeSequence(bad.to_owned())
                        };
                        return Err(LexError::new(&error, self.open_end + from - 1, self.open_end + it.pos));
                    }
                }
                c => value.push(c),
            }
        }
        Err(unfinished(end + it.pos))
    }
}

/// starlark's character cursor: `next`, and `unnext` to give one back.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.s.get(self.pos..)?.chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn unnext(&mut self, c: char) {
        self.pos -= c.len_utf8();
    }
}

/// Reads the escape after a `\` into `value`; `None` when it is invalid (the cursor then ends
/// after the text starlark quotes in its message).
fn escape(it: &mut Cursor<'_>, value: &mut String) -> Option<()> {
    let c = match it.next()? {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0C',
        'v' => '\x0B',
        '\n' => return Some(()),
        '\r' => return (it.next() == Some('\n')).then_some(()),
        'x' => code_point(it, 2, 2, 16)?,
        'u' => code_point(it, 4, 4, 16)?,
        'U' => code_point(it, 8, 8, 16)?,
        c @ '0'..='7' => {
            it.unnext(c);
            code_point(it, 1, 3, 8)?
        }
        c @ ('"' | '\'' | '\\') => c,
        c => {
            value.push('\\');
            c
        }
    };
    value.push(c);
    Some(())
}

/// Between `min` and `max` digits in `radix` as a character.
fn code_point(it: &mut Cursor<'_>, min: usize, max: usize, radix: u32) -> Option<char> {
    let mut value = 0u32;
    let mut count = 0;
    while count < max {
        let Some(c) = it.next() else {
            if count >= min {
                break;
            }
            return None;
        };
        let Some(digit) = c.to_digit(radix) else {
            if count >= min {
                it.unnext(c);
                break;
            }
            return None;
        };
        count += 1;
        value = value * radix + digit;
    }
    char::from_u32(value)
}

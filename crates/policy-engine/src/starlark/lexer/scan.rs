//! The first stage of starlark's lexer, which starlark generates with `logos` 0.12: the longest
//! match among its token patterns at the current position, with runs of spaces and
//! backslash-newlines skipped and anything unmatched one `Error` token.

use starlark_syntax::lexer::Token;

/// One match. [`Raw::Token`]s are final; the other kinds are finished by the layout stage.
pub(super) enum Raw {
    /// A token the layout stage passes on as is.
    Token(Token),
    /// Input no pattern matches.
    Error,
    /// A run of tabs (an error outside indentation).
    Tabs,
    /// `\n` or `\r\n`.
    Newline,
    /// A keyword Starlark reserves (`as`, `class`, `while`, …).
    Reserved,
    /// An opening quote with its prefix: `'` `r'` `f'` `fr'` (or `"`).
    Quote {
        /// An `f` prefix.
        f: bool,
        /// The quote is `"`.
        double: bool,
    },
    /// An integer literal in this radix; the span includes any `0x`-style prefix.
    Int(u32),
}

/// A cursor with logos's `span`/`remainder`/`bump` over the source.
pub(super) struct Scanner<'a> {
    /// The whole source.
    pub(super) src: &'a str,
    /// Start of the last match.
    pub(super) start: usize,
    /// End of the last match, where the next one starts.
    pub(super) end: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self { src, start: 0, end: 0 }
    }

    /// The text after the last match.
    pub(super) fn remainder(&self) -> &'a str {
        self.src.get(self.end..).unwrap_or_default()
    }

    /// The text of the last match.
    pub(super) fn slice(&self) -> &'a str {
        self.src.get(self.start..self.end).unwrap_or_default()
    }

    /// Extends the last match by `n` bytes.
    pub(super) fn bump(&mut self, n: usize) {
        self.end += n;
    }

    /// The next match, skipping spaces and backslash-newlines; `None` at the end of the input.
    pub(super) fn next(&mut self) -> Option<Raw> {
        loop {
            self.start = self.end;
            let rest = self.remainder();
            let (raw, len) = scan(rest)?;
            self.end += len;
            if raw.is_some() {
                return raw;
            }
        }
    }
}

/// The match at the start of `s` and its length in bytes (`None` for skipped text), or `None`
/// when `s` is empty.
fn scan(s: &str) -> Option<(Option<Raw>, usize)> {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let first = *b.first()?;
    let found = match first {
        b' ' => return Some((None, run(b, 1, |c| c == b' '))),
        b'\\' if at(1) == b'\n' => return Some((None, 2)),
        b'\\' if at(1) == b'\r' && at(2) == b'\n' => return Some((None, 3)),
        b'\t' => (Raw::Tabs, run(b, 1, |c| c == b'\t')),
        b'\n' => (Raw::Newline, 1),
        b'\r' if at(1) == b'\n' => (Raw::Newline, 2),
        b'#' => {
            let end = run(b, 1, |c| c != b'\r' && c != b'\n');
            (Raw::Token(Token::Comment(s.get(1..end).unwrap_or_default().to_owned())), end)
        }
        b'\'' | b'"' => (Raw::Quote { f: false, double: first == b'"' }, 1),
        b'0'..=b'9' => number(s),
        b'.' if at(1).is_ascii_digit() => number(s),
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => word(s),
        _ => match symbol(b) {
            Some((token, len)) => (Raw::Token(token), len),
            // One character (a lone `!`, `\`, `\r` too): logos ends an error at the next boundary.
            None => (Raw::Error, s.chars().next().map_or(1, char::len_utf8)),
        },
    };
    Some((Some(found.0), found.1))
}

/// The end of the run of bytes matching `f` from `from`.
fn run(b: &[u8], from: usize, f: impl Fn(u8) -> bool) -> usize {
    let mut i = from;
    while b.get(i).copied().is_some_and(&f) {
        i += 1;
    }
    i
}

/// An identifier, keyword, reserved word, or a string prefix with its quote.
fn word(s: &str) -> (Raw, usize) {
    let b = s.as_bytes();
    let end = run(b, 1, |c| c.is_ascii_alphanumeric() || c == b'_');
    let text = s.get(..end).unwrap_or_default();
    let quote = b.get(end).copied().filter(|&q| q == b'\'' || q == b'"');
    if let (Some(q), "r" | "f" | "fr") = (quote, text) {
        return (Raw::Quote { f: text.starts_with('f'), double: q == b'"' }, end + 1);
    }
    let token = match text {
        "and" => Token::And,
        "break" => Token::Break,
        "continue" => Token::Continue,
        "def" => Token::Def,
        "elif" => Token::Elif,
        "else" => Token::Else,
        "for" => Token::For,
        "if" => Token::If,
        "in" => Token::In,
        "lambda" => Token::Lambda,
        "load" => Token::Load,
        "not" => Token::Not,
        "or" => Token::Or,
        "pass" => Token::Pass,
        "return" => Token::Return,
        "as" | "assert" | "async" | "await" | "class" | "del" | "except" | "finally" | "from" | "global" | "import"
        | "is" | "nonlocal" | "raise" | "try" | "while" | "with" | "yield" => return (Raw::Reserved, end),
        _ => Token::Identifier(text.to_owned()),
    };
    (Raw::Token(token), end)
}

/// An integer (`[0-9]+`, `0x…`, `0b…`, `0o…`) or float (`1.`, `1.5e3`, `.5`, `1e3`) literal.
fn number(s: &str) -> (Raw, usize) {
    let b = s.as_bytes();
    let digits = run(b, 0, |c| c.is_ascii_digit());
    let radix = match b.get(..2) {
        Some(b"0x" | b"0X") => 16,
        Some(b"0b" | b"0B") => 2,
        Some(b"0o" | b"0O") => 8,
        _ => 10,
    };
    let is_digit = |c: u8| char::from(c).is_digit(radix);
    if radix != 10 && b.get(2).copied().is_some_and(is_digit) {
        return (Raw::Int(radix), run(b, 2, is_digit));
    }
    let end = match b.get(digits) {
        Some(b'.') => {
            let fraction = run(b, digits + 1, |c| c.is_ascii_digit());
            exponent(b, fraction).unwrap_or(fraction)
        }
        _ => match exponent(b, digits) {
            Some(end) => end,
            None => return (Raw::Int(10), digits),
        },
    };
    match s.get(..end).and_then(|text| text.parse().ok()) {
        Some(value) => (Raw::Token(Token::Float(value)), end),
        None => (Raw::Error, end),
    }
}

/// The end of an exponent (`e5`, `E-3`) at `i`, if a complete one is there.
fn exponent(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b.get(i), Some(b'e' | b'E')) {
        return None;
    }
    let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
    let end = run(b, i + 1 + sign, |c| c.is_ascii_digit());
    (end > i + 1 + sign).then_some(end)
}

/// An operator or bracket, longest first.
fn symbol(b: &[u8]) -> Option<(Token, usize)> {
    let next = b.get(1).copied();
    let third = b.get(2).copied();
    // `X=` when followed by `=`, else `X`.
    let eq = |with: Token, without: Token| if next == Some(b'=') { (with, 2) } else { (without, 1) };
    // `XX=`, `XX`, `X=` or `X` for `X` in `/ < >`.
    let double = |c: u8, both: Token, twice: Token, with: Token, without: Token| match (next, third) {
        (Some(n), Some(b'=')) if n == c => (both, 3),
        (Some(n), _) if n == c => (twice, 2),
        _ => eq(with, without),
    };
    Some(match *b.first()? {
        b',' => (Token::Comma, 1),
        b';' => (Token::Semicolon, 1),
        b':' => (Token::Colon, 1),
        b'~' => (Token::Tilde, 1),
        b'.' if next == Some(b'.') && third == Some(b'.') => (Token::Ellipsis, 3),
        b'.' => (Token::Dot, 1),
        b'[' => (Token::OpeningSquare, 1),
        b'{' => (Token::OpeningCurly, 1),
        b'(' => (Token::OpeningRound, 1),
        b']' => (Token::ClosingSquare, 1),
        b'}' => (Token::ClosingCurly, 1),
        b')' => (Token::ClosingRound, 1),
        b'+' => eq(Token::PlusEqual, Token::Plus),
        b'%' => eq(Token::PercentEqual, Token::Percent),
        b'=' => eq(Token::EqualEqual, Token::Equal),
        b'&' => eq(Token::AmpersandEqual, Token::Ampersand),
        b'|' => eq(Token::PipeEqual, Token::Pipe),
        b'^' => eq(Token::CaretEqual, Token::Caret),
        b'!' if next == Some(b'=') => (Token::BangEqual, 2),
        b'-' if next == Some(b'>') => (Token::MinusGreater, 2),
        b'-' => eq(Token::MinusEqual, Token::Minus),
        b'*' if next == Some(b'*') => (Token::StarStar, 2),
        b'*' => eq(Token::StarEqual, Token::Star),
        b'/' => double(b'/', Token::SlashSlashEqual, Token::SlashSlash, Token::SlashEqual, Token::Slash),
        b'<' => double(b'<', Token::LessLessEqual, Token::LessLess, Token::LessEqual, Token::LessThan),
        b'>' => {
            double(b'>', Token::GreaterGreaterEqual, Token::GreaterGreater, Token::GreaterEqual, Token::GreaterThan)
        }
        _ => return None,
    })
}

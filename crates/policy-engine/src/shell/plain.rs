//! The plain-command subset of bash that Codex splits (spec §3.4 step 2, §8).
//!
//! Codex parses the script with tree-sitter-bash 0.25 and accepts it only when the tree has no
//! error and holds nothing but `program`, `list`, `pipeline`, `command`, `command_name`, `word`,
//! `string`, `string_content`, `raw_string`, `number` and `concatenation` nodes, joined by `&&`,
//! `||`, `;`, `|` and newlines. This module recognises exactly that language without tree-sitter:
//! it follows the grammar's `word` token, the external scanner's decisions that matter inside the
//! subset (`_concat`, `variable_name`, `test_operator`, brace ranges) and the keyword extraction,
//! and it returns the same words (quotes stripped, escapes left as written).
//!
//! The scanner is simulated with the C locale that Codex runs under (Rust never calls
//! `setlocale`): `iswspace`/`iswalpha` only know ASCII, and tree-sitter's own `\s` is ASCII too.
//!
//! INVARIANT: every accepted script is one tree-sitter-bash parses without error into the node
//! kinds above, and the words equal Codex's; this is checked against the real parser by the
//! differential fuzzing described in the module docs of `shell`.

use super::{Construct, Rejection};

/// ASCII whitespace as tree-sitter's `\s` and the C locale's `iswspace` see it (includes `\v`).
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Bytes that may continue a `word` token (grammar `noneOf(SPECIAL_CHARACTERS)`); every byte of a
/// non-ASCII character qualifies.
pub(super) fn is_word_byte(b: u8) -> bool {
    !matches!(
        b,
        0x09..=0x0d
            | b' '
            | b'"'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b';'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'`'
            | b'{'
            | b'|'
            | b'}'
            | b'\\'
    )
}

/// Keywords that start a statement other than a simple command when they are the whole word
/// token in command position (tree-sitter keyword extraction). `then`, `fi`, `do`, `done`, `in`,
/// `esac`, `else`, `elif` are not valid there, so they lex as ordinary words.
const STATEMENT_KEYWORDS: &[&str] = &[
    "if", "while", "until", "for", "select", "case", "function", "declare", "typeset", "export", "readonly", "local",
    "unset", "unsetenv",
];

/// A byte cursor over the script.
pub(super) struct Cursor<'a> {
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, bytes: text.as_bytes() }
    }

    pub(super) fn at(&self, pos: usize) -> Option<u8> {
        self.bytes.get(pos).copied()
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Skips whitespace and line continuations between tokens. With `newlines = false` a `\n`
    /// stops the skip (it terminates a statement). Returns the new position, or a rejection for
    /// an escaped blank at the very end of the script, which tree-sitter-bash reports as an error.
    pub(super) fn skip_blanks(&self, mut pos: usize, newlines: bool) -> Result<usize, Rejection> {
        // tree-sitter-bash fails when an escaped blank or line continuation is followed by nothing
        // but blanks up to the end of the script.
        let mut escape_at = None;
        loop {
            match self.at(pos) {
                Some(b) if matches!(b, b' ' | b'\t' | 0x0b | 0x0c | b'\r') || (b == b'\n' && newlines) => pos += 1,
                Some(b'\\') => {
                    let width = match self.at(pos + 1) {
                        Some(b'\n' | b' ' | b'\t' | 0x0b | 0x0c) => 2,
                        Some(b'\r') if self.at(pos + 2) == Some(b'\n') => 3,
                        _ => return Ok(pos),
                    };
                    escape_at.get_or_insert(pos);
                    pos += width;
                }
                None => {
                    return match escape_at {
                        Some(at) => {
                            Err(Rejection::new(Construct::SyntaxError("line continuation at end of script"), at))
                        }
                        None => Ok(pos),
                    };
                }
                _ => return Ok(pos),
            }
        }
    }

    /// The end of the `word` token starting at `start` (maximal munch): word bytes, `\` followed
    /// by a non-blank, and `\ ` after the first character. `start` itself is not checked for `#`.
    pub(super) fn word_end(&self, start: usize) -> usize {
        let mut pos = start;
        loop {
            match self.at(pos) {
                Some(b) if is_word_byte(b) => pos += 1,
                Some(b'\\') => match self.at(pos + 1) {
                    Some(next) if !is_space(next) => pos += 2,
                    Some(b' ') if pos > start => pos += 2,
                    _ => return pos,
                },
                _ => return pos,
            }
        }
    }
}

/// Whether tree-sitter-bash's number regex `-?(0x)?[0-9]+(#[0-9A-Za-z@_]+)?` matches all of `text`
/// (then the token is a `number`, which wins over `word` at equal length).
pub(super) fn is_number_token(text: &str) -> bool {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let rest = rest.strip_prefix("0x").unwrap_or(rest);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    match rest.get(digits..) {
        Some("") => true,
        Some(tail) => tail.strip_prefix('#').is_some_and(|base| {
            !base.is_empty() && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'@' || b == b'_')
        }),
        None => false,
    }
}

/// `-?(0x)?[0-9]+#` with nothing after the `#`: tree-sitter-bash's lexer has committed to a
/// based number (`16#ff`) and finds no digits, which is a syntax error.
pub(super) fn is_unfinished_based_number(text: &str) -> bool {
    let Some(rest) = text.strip_suffix('#') else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let rest = rest.strip_prefix("0x").unwrap_or(rest);
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
}

/// Which external tokens the parser accepts where the scanner is called (the subset of
/// tree-sitter-bash's `valid_symbols` that matters for plain scripts).
#[derive(Debug, Clone, Copy)]
#[expect(clippy::struct_excessive_bools, reason = "mirrors the scanner's independent valid_symbols flags")]
pub(super) struct Valid {
    /// `_concat`: directly after a word, string or number.
    pub(super) concat: bool,
    /// `variable_name`: at the start of a statement.
    pub(super) variable_name: bool,
    /// `_bare_dollar`: in argument position.
    pub(super) bare_dollar: bool,
    /// The newline terminator: after a command's words.
    pub(super) newline: bool,
}

impl Valid {
    /// At the start of a statement (command position).
    pub(super) const STATEMENT: Valid =
        Valid { concat: false, variable_name: true, bare_dollar: false, newline: false };

    /// After a command name or argument.
    pub(super) fn argument(concat: bool) -> Valid {
        Valid { concat, variable_name: false, bare_dollar: true, newline: true }
    }
}

/// What tree-sitter-bash's external scanner returns when called at `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scanned {
    /// Nothing: the internal lexer takes over at `start`.
    Nothing,
    /// `_concat`.
    Concat,
    /// `test_operator` (lexes like a word for our purposes).
    TestOperator,
    /// `variable_name`: an assignment, subscript, or an error follows.
    VariableName,
    /// `file_descriptor`: a redirection follows.
    FileDescriptor,
    /// `_brace_start` of a `{N..M}` range whose `{` is at this offset.
    BraceStart(usize),
    /// `_bare_dollar`: a `$` standing alone.
    BareDollar,
}

/// Simulates the blocks of tree-sitter-bash's external scanner (`scanner.c`, 0.25.1) that can run
/// for a plain script, in their order, from `start`.
pub(super) fn scan(cur: &Cursor<'_>, start: usize, valid: Valid) -> Scanned {
    let at = |p: usize| cur.at(p);
    let mut p = start;
    if valid.concat {
        match at(p) {
            None | Some(0 | b'<' | b'>' | b')' | b'(' | b';' | b'&' | b'|') => {}
            Some(b) if is_space(b) => {}
            Some(b'\\') => {
                p += 1;
                match at(p) {
                    Some(b'"' | b'\'' | b'\\') => return Scanned::Concat,
                    None => return Scanned::Nothing,
                    Some(_) => {}
                }
            }
            Some(_) => return Scanned::Concat,
        }
    }
    // `test_operator` block.
    while at(p).is_some_and(|b| is_space(b) && b != b'\n') {
        p += 1;
    }
    if at(p) == Some(b'\\') {
        p += 1;
        match at(p) {
            Some(b'\r') => {
                p += 1;
                if at(p) == Some(b'\n') {
                    p += 1;
                }
            }
            Some(b'\n') => p += 1,
            _ => return Scanned::Nothing,
        }
        while at(p).is_some_and(is_space) {
            p += 1;
        }
    }
    if at(p) == Some(b'\n') && !valid.newline {
        p += 1;
        while at(p).is_some_and(is_space) {
            p += 1;
        }
    }
    if at(p) == Some(b'-') {
        p += 1;
        let mut advanced = false;
        while at(p).is_some_and(|b| b.is_ascii_alphabetic()) {
            advanced = true;
            p += 1;
        }
        if advanced && at(p).is_some_and(is_space) {
            return Scanned::TestOperator;
        }
    }
    if valid.bare_dollar {
        while at(p).is_some_and(|b| is_space(b) && b != b'\n') {
            p += 1;
        }
        if at(p) == Some(b'$') {
            p += 1;
            if at(p).is_none_or(|b| is_space(b) || b == b'"') {
                return Scanned::BareDollar;
            }
        }
    }
    // `variable_name` / `file_descriptor` block (file descriptors are valid everywhere here).
    loop {
        match at(p) {
            Some(b' ' | b'\t' | b'\r') => p += 1,
            Some(b'\n') if !valid.newline => p += 1,
            Some(b'\\') => {
                p += 1;
                match at(p) {
                    None => return Scanned::VariableName,
                    Some(b'\r') => {
                        p += 1;
                        if at(p) != Some(b'\n') {
                            return Scanned::Nothing;
                        }
                        p += 1;
                    }
                    Some(b'\n') => p += 1,
                    Some(_) => return Scanned::Nothing,
                }
            }
            _ => break,
        }
    }
    if let Some(b'*' | b'@' | b'?' | b'-' | b'0' | b'_') = at(p) {
        p += 1;
        if let Some(b'=' | b'[' | b':' | b'-' | b'%' | b'#' | b'/') = at(p) {
            return Scanned::Nothing;
        }
    }
    let mut is_number = true;
    match at(p) {
        Some(b) if b.is_ascii_digit() => p += 1,
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
            is_number = false;
            p += 1;
        }
        Some(b'{') => {
            while at(p).is_some_and(is_space) {
                p += 1;
            }
            return if brace_range_at(cur, p) { Scanned::BraceStart(p) } else { Scanned::Nothing };
        }
        _ => return Scanned::Nothing,
    }
    while let Some(b) = at(p) {
        if b.is_ascii_digit() {
            p += 1;
        } else if b.is_ascii_alphabetic() || b == b'_' {
            is_number = false;
            p += 1;
        } else {
            break;
        }
    }
    match at(p) {
        Some(b'<' | b'>') if is_number => Scanned::FileDescriptor,
        _ if !valid.variable_name => Scanned::Nothing,
        Some(b'+') if matches!(at(p + 1), Some(b'=' | b':')) => Scanned::VariableName,
        Some(b'=' | b'[' | b'%' | b'@') => Scanned::VariableName,
        Some(b'#') if !is_number => Scanned::VariableName,
        Some(b'?') if at(p + 1).is_some_and(|b| b.is_ascii_alphabetic()) => Scanned::VariableName,
        _ => Scanned::Nothing,
    }
}

/// Whether the scanner's concatenation token (`_concat`) is produced before the byte at `pos`,
/// i.e. the current argument continues there.
pub(super) fn concat_follows(cur: &Cursor<'_>, pos: usize) -> bool {
    match cur.at(pos) {
        None | Some(0) => false,
        Some(b) if is_space(b) => false,
        Some(b'<' | b'>' | b')' | b'(' | b';' | b'&' | b'|') => false,
        Some(b'\\') => matches!(cur.at(pos + 1), Some(b'"' | b'\'' | b'\\')),
        Some(_) => true,
    }
}

/// Whether `pos` starts a brace range `{digits..digits}` (the scanner's `_brace_start`): a
/// `brace_expression`, or an error when a side has no digits. Either way the script is rejected.
pub(super) fn brace_range_at(cur: &Cursor<'_>, pos: usize) -> bool {
    let mut p = pos + 1;
    while cur.at(p).is_some_and(|b| b.is_ascii_digit()) {
        p += 1;
    }
    if cur.at(p) != Some(b'.') || cur.at(p + 1) != Some(b'.') {
        return false;
    }
    p += 2;
    while cur.at(p).is_some_and(|b| b.is_ascii_digit()) {
        p += 1;
    }
    cur.at(p) == Some(b'}')
}

/// Splits `script` into plain commands, or says which construct at which byte offset rejects it.
/// `Ok(vec![])` for a script with nothing but blanks.
pub(super) fn parse_plain(script: &str) -> Result<Vec<Vec<String>>, Rejection> {
    if let Some(nul) = script.bytes().position(|b| b == 0) {
        return Err(Rejection::new(Construct::SyntaxError("NUL byte"), nul));
    }
    let cur = Cursor::new(script);
    let mut commands = Vec::new();
    let mut gap_start = 0;
    let mut ahead = ListAhead::default();
    // Commands in the current pipeline (since the start, a terminator, `&&` or `||`).
    let mut stages = 1;
    let mut pos = cur.skip_blanks(0, true)?;
    if pos >= script.len() {
        return Ok(commands);
    }
    loop {
        let (words, end) = parse_command(&cur, gap_start, pos, stages, &mut ahead)?;
        commands.push(words);
        pos = cur.skip_blanks(end, false)?;
        stages =
            if cur.at(pos) == Some(b'|') && !matches!(cur.at(pos + 1), Some(b'|' | b'&')) { stages + 1 } else { 1 };
        match cur.at(pos) {
            None => return Ok(commands),
            Some(b'\n') => {
                gap_start = pos + 1;
                pos = cur.skip_blanks(pos + 1, true)?;
                if pos >= script.len() {
                    return Ok(commands);
                }
            }
            Some(b';') => match cur.at(pos + 1) {
                Some(b';') => return Err(Rejection::new(Construct::CaseTerminator, pos)),
                Some(b'&') => return Err(Rejection::new(Construct::Background, pos + 1)),
                _ => {
                    gap_start = pos + 1;
                    pos = cur.skip_blanks(pos + 1, true)?;
                    if pos >= script.len() {
                        return Ok(commands);
                    }
                }
            },
            Some(b'&') if cur.at(pos + 1) == Some(b'&') => {
                gap_start = pos + 2;
                pos = cur.skip_blanks(pos + 2, true)?;
            }
            Some(b'|') if cur.at(pos + 1) == Some(b'|') => {
                gap_start = pos + 2;
                pos = cur.skip_blanks(pos + 2, true)?;
            }
            Some(b'|') if cur.at(pos + 1) == Some(b'&') => return Err(Rejection::new(Construct::PipeStderr, pos)),
            Some(b'|') => {
                gap_start = pos + 1;
                pos = cur.skip_blanks(pos + 1, true)?;
            }
            Some(b'&') => return Err(Rejection::new(Construct::Background, pos)),
            Some(_) => return Err(reject_other(&cur, pos)),
        }
    }
}

/// The rejection for a byte that cannot start or continue anything in the subset.
pub(super) fn reject_other(cur: &Cursor<'_>, pos: usize) -> Rejection {
    let construct = match cur.at(pos) {
        Some(b'#') => Construct::Comment,
        Some(b'$') => Construct::Expansion,
        Some(b'`') => Construct::CommandSubstitution,
        Some(b'<' | b'>') => Construct::Redirection,
        Some(b'(' | b')') => Construct::Parenthesis,
        Some(b'&') => Construct::Background,
        Some(b';' | b'|') | None => Construct::SyntaxError("missing command"),
        Some(b'\\') => Construct::SyntaxError("dangling backslash"),
        Some(_) => Construct::SyntaxError("unexpected character"),
    };
    Rejection::new(construct, pos)
}

/// Parses one command at `pos` (command position; the previous token ended at `gap_start`).
/// Returns its words and the position of what ends it (end of script, `\n`, `;`, `&`, `|`).
fn parse_command(
    cur: &Cursor<'_>,
    gap_start: usize,
    pos: usize,
    stages: usize,
    ahead: &mut ListAhead,
) -> Result<(Vec<String>, usize), Rejection> {
    let reject = |construct, at| Err(Rejection::new(construct, at));
    match cur.at(pos) {
        None | Some(b';' | b'&' | b'|') => return reject(Construct::SyntaxError("missing command"), pos),
        Some(b'{') => return reject(Construct::BraceGroup, pos),
        Some(b'[') => return reject(Construct::TestCommand, pos),
        Some(b'"' | b'\'') => return reject(Construct::QuotedCommandName, pos),
        Some(b'#' | b'$' | b'`' | b'<' | b'>' | b'(' | b')') => return Err(reject_other(cur, pos)),
        _ => {}
    }
    if matches!(scan(cur, gap_start, Valid::STATEMENT), Scanned::VariableName | Scanned::FileDescriptor) {
        return reject(Construct::VariableAssignment, pos);
    }
    if let Some(b']' | b'}') = cur.at(pos) {
        if concat_follows(cur, pos + 1) {
            return reject(Construct::ConcatenatedCommandName, pos + 1);
        }
        let end = special_run_end(cur, pos, stages, ahead)?;
        let words = vec![cur.slice(pos, end).to_owned()];
        return parse_arguments(cur, words, end, end == pos + 1, stages, ahead);
    }
    let name_end = cur.word_end(pos);
    if name_end == pos {
        return Err(reject_other(cur, pos));
    }
    let name = cur.slice(pos, name_end);
    if name == "!" {
        return reject(Construct::Negation, pos);
    }
    if let Some(keyword) = STATEMENT_KEYWORDS.iter().find(|k| **k == name) {
        return reject(Construct::Keyword(keyword), pos);
    }
    if is_number_token(name) {
        return reject(Construct::NumberCommandName, pos);
    }
    if is_unfinished_based_number(name) {
        return reject(Construct::SyntaxError("number base without digits"), pos);
    }
    if concat_follows(cur, name_end) {
        return reject(Construct::ConcatenatedCommandName, name_end);
    }
    parse_arguments(cur, vec![name.to_owned()], name_end, true, stages, ahead)
}

/// Parses the arguments after the token ending at `pos`; `concat` says whether a concatenation
/// could have continued that token (false after a run of brackets). `stages` is the command's
/// position in its pipeline.
fn parse_arguments(
    cur: &Cursor<'_>,
    mut words: Vec<String>,
    mut pos: usize,
    mut concat: bool,
    stages: usize,
    ahead: &mut ListAhead,
) -> Result<(Vec<String>, usize), Rejection> {
    loop {
        let gap_start = pos;
        pos = cur.skip_blanks(pos, false)?;
        let mut prefix_start = pos;
        match cur.at(pos) {
            Some(b'\n') => {
                // A run of newlines directly followed by an escape is not a terminator: before an
                // escaped blank or line continuation it is whitespace, before any other escape it
                // is the start of the next argument's word (tree-sitter-bash lexer behaviour).
                let mut q = pos;
                while cur.at(q) == Some(b'\n') {
                    q += 1;
                }
                if cur.at(q) != Some(b'\\') {
                    // tree-sitter-bash quirk: after the last command of a pipeline of three or more
                    // commands, a newline is read as a blank when a `&&`/`||` comes before the next
                    // `;` or the end, so the next lines' words join this command
                    // (`a | b | c⏎d && e` gives `c d`).
                    if stages >= 3 && ahead.list_operator_follows(cur, pos) {
                        pos = q;
                        continue;
                    }
                    return Ok((words, pos));
                }
                let blank_escape = match cur.at(q + 1) {
                    Some(b' ' | b'\t' | 0x0b | 0x0c | b'\n') => true,
                    Some(b'\r') => cur.at(q + 2) == Some(b'\n'),
                    _ => false,
                };
                if blank_escape {
                    pos = q;
                    continue;
                }
                match cur.at(q + 1) {
                    None | Some(b'\r') => return Err(Rejection::new(Construct::SyntaxError("dangling backslash"), q)),
                    Some(_) => {
                        prefix_start = pos;
                        pos = q;
                    }
                }
            }
            None | Some(b';' | b'&' | b'|') => return Ok((words, pos)),
            Some(b'#' | b'$' | b'`' | b'<' | b'>' | b'(' | b')') => return Err(reject_other(cur, pos)),
            Some(_) => {}
        }
        match scan(cur, gap_start, Valid::argument(concat)) {
            Scanned::BraceStart(at) => return Err(Rejection::new(Construct::BraceExpansion, at)),
            Scanned::BareDollar => return Err(Rejection::new(Construct::Expansion, gap_start)),
            Scanned::VariableName | Scanned::FileDescriptor => {
                return Err(Rejection::new(Construct::SyntaxError("unexpected token"), gap_start));
            }
            Scanned::Nothing | Scanned::Concat | Scanned::TestOperator => {}
        }
        let (word, end, glued) = parse_argument(cur, pos, stages, ahead)?;
        if prefix_start < pos {
            let mut with_newlines = cur.slice(prefix_start, pos).to_owned();
            with_newlines.push_str(&word);
            words.push(with_newlines);
        } else {
            words.push(word);
        }
        pos = end;
        concat = glued;
    }
}

/// Parses one argument (a word, number, string, raw string or their concatenation) at `start`.
/// Returns its text, its end, and whether a concatenation could have continued it.
fn parse_argument(
    cur: &Cursor<'_>,
    start: usize,
    stages: usize,
    ahead: &mut ListAhead,
) -> Result<(String, usize, bool), Rejection> {
    if let Some(b'{' | b'}' | b'[' | b']') = cur.at(start)
        && !concat_follows(cur, start + 1)
    {
        let end = special_run_end(cur, start, stages, ahead)?;
        // A single bracket can still start a concatenation, so `_concat` stays valid after it.
        return Ok((cur.slice(start, end).to_owned(), end, end == start + 1));
    }
    let mut text = String::new();
    let mut parts = 0usize;
    let mut pos = start;
    loop {
        match cur.at(pos) {
            Some(b'"') => {
                let end = double_quoted_end(cur, pos)?;
                text.push_str(cur.slice(pos + 1, end - 1));
                pos = end;
            }
            Some(b'\'') => {
                let Some(close) = cur.bytes.get(pos + 1..).and_then(|rest| rest.iter().position(|&b| b == b'\''))
                else {
                    return Err(Rejection::new(Construct::SyntaxError("unterminated single quote"), pos));
                };
                let end = pos + 1 + close + 1;
                text.push_str(cur.slice(pos + 1, end - 1));
                pos = end;
            }
            Some(b'{') if parts > 0 && brace_range_at(cur, pos) => {
                return Err(Rejection::new(Construct::BraceExpansion, pos));
            }
            Some(b'{' | b'}' | b'[' | b']') => {
                text.push_str(cur.slice(pos, pos + 1));
                pos += 1;
            }
            Some(b'$') => return Err(Rejection::new(Construct::Expansion, pos)),
            Some(b'`') => return Err(Rejection::new(Construct::CommandSubstitution, pos)),
            _ => {
                let end = cur.word_end(pos);
                if end == pos {
                    return Err(reject_other(cur, pos));
                }
                let word = cur.slice(pos, end);
                if parts == 0 && matches!(word, "==" | "=~") {
                    return Err(Rejection::new(Construct::TestOperator, pos));
                }
                if word.starts_with('#') && cur.at(end) == Some(b'\\') {
                    // The lexer is inside `#…\` with only `comment` still matching.
                    return Err(Rejection::new(Construct::Comment, pos));
                }
                if is_unfinished_based_number(word) {
                    return Err(Rejection::new(Construct::SyntaxError("number base without digits"), pos));
                }
                text.push_str(word);
                pos = end;
            }
        }
        parts += 1;
        if !concat_follows(cur, pos) {
            break;
        }
    }
    if parts > 1 && text.is_empty() {
        return Err(Rejection::new(Construct::EmptyConcatenation, start));
    }
    Ok((text, pos, true))
}

/// Answers "does a `&&` or `||` come before the next `;`, `&` or the end?" from a position,
/// remembering the answer up to the operator it found so repeated questions stay linear.
#[derive(Debug, Default)]
struct ListAhead {
    /// The answer holds for every position before this one.
    valid_until: usize,
    answer: bool,
}

impl ListAhead {
    fn list_operator_follows(&mut self, cur: &Cursor<'_>, pos: usize) -> bool {
        if pos < self.valid_until {
            return self.answer;
        }
        let mut p = pos;
        let (until, answer) = loop {
            match cur.at(p) {
                Some(b'\'') => match cur.bytes.get(p + 1..).and_then(|rest| rest.iter().position(|&b| b == b'\'')) {
                    Some(close) => p += close + 2,
                    None => break (cur.bytes.len(), false),
                },
                Some(b'"') => {
                    p += 1;
                    while let Some(b) = cur.at(p) {
                        p += if b == b'\\' { 2 } else { 1 };
                        if b == b'"' {
                            break;
                        }
                    }
                }
                Some(b'\\') => p += 2,
                None | Some(b';') => break (p, false),
                Some(b'&') => break (p, cur.at(p + 1) == Some(b'&')),
                Some(b'|') if cur.at(p + 1) == Some(b'|') => break (p, true),
                Some(_) => p += 1,
            }
        };
        self.valid_until = until.max(pos + 1);
        self.answer = answer;
        answer
    }
}

/// A run of `{ } [ ]` separated only by blanks is one `word` (the grammar's
/// `alias(repeat1(_special_character), word)`), spanning the blanks between them; nothing is glued
/// after it. `start` holds a special character that no concatenation follows.
fn special_run_end(cur: &Cursor<'_>, start: usize, stages: usize, ahead: &mut ListAhead) -> Result<usize, Rejection> {
    let mut end = start + 1;
    loop {
        let mut next = cur.skip_blanks(end, false)?;
        while cur.at(next) == Some(b'\n') && stages >= 3 {
            let mut q = next;
            while cur.at(q) == Some(b'\n') {
                q += 1;
            }
            if cur.at(q) == Some(b'\\') || !ahead.list_operator_follows(cur, next) {
                break;
            }
            next = cur.skip_blanks(q, false)?;
        }
        match cur.at(next) {
            Some(b'{')
                if brace_range_at(cur, next)
                    && matches!(scan(cur, end, Valid::argument(end == start + 1)), Scanned::BraceStart(_)) =>
            {
                return Ok(end);
            }
            Some(b'{' | b'}' | b'[' | b']') => end = next + 1,
            _ => return Ok(end),
        }
    }
}

/// The position after the closing quote of the double-quoted string at `pos`. Any `$` or backtick
/// that is not escaped makes it more than `string_content`.
pub(super) fn double_quoted_end(cur: &Cursor<'_>, pos: usize) -> Result<usize, Rejection> {
    let mut p = pos + 1;
    loop {
        match cur.at(p) {
            None => return Err(Rejection::new(Construct::SyntaxError("unterminated double quote"), pos)),
            Some(b'"') => return Ok(p + 1),
            Some(b'\\') => {
                if cur.at(p + 1).is_none() {
                    return Err(Rejection::new(Construct::SyntaxError("unterminated double quote"), pos));
                }
                p += 2;
            }
            Some(b'$') => return Err(Rejection::new(Construct::Expansion, p)),
            Some(b'`') => return Err(Rejection::new(Construct::CommandSubstitution, p)),
            Some(_) => p += 1,
        }
    }
}

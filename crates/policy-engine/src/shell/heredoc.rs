//! The single-heredoc reduction (spec §3.4 step 3, §8): `python3 <<'PY' … PY` → `["python3"]`.
//!
//! Codex accepts any script that tree-sitter-bash parses without error, that has a heredoc, no
//! file redirection, exactly one `command` node anywhere, and whose command has only literal
//! words and numbers. This module recognises the shape such scripts take in practice:
//!
//! ```text
//! [blank lines and comments]
//! NAME WORD… <<[-]DELIM [literals, `<<<` here-strings, comment]
//! body lines…
//! DELIM [`;`] [blanks, comments, blank lines]
//! ```
//!
//! Known gaps (Codex reduces these, this module evaluates the whole argv instead): statements
//! without commands around the command (`FOO=1; python3 <<EOF`, `for … do python3 <<EOF … done`),
//! several heredocs or a here-string before the heredoc, expansions on the heredoc line
//! (`cat <<EOF "$x"`), and a heredoc line ending in `;`. All are rare in agent commands, and the
//! difference only matters for scripts that match rules by their first words.

use super::plain::{Cursor, Scanned, Valid, concat_follows, double_quoted_end, is_space, scan};
use super::{Construct, Rejection};

const STATEMENT_KEYWORDS: &[&str] = &[
    "if", "while", "until", "for", "select", "case", "function", "declare", "typeset", "export", "readonly", "local",
    "unset", "unsetenv", "!",
];

/// `parse_shell_lc_single_command_prefix` for the script: the command's literal words.
pub(super) fn single_heredoc_command(script: &str) -> Result<Vec<String>, Rejection> {
    if let Some(nul) = script.bytes().position(|b| b == 0) {
        return Err(Rejection::new(Construct::SyntaxError("NUL byte"), nul));
    }
    let Some(arrow) = find_heredoc_arrow(script) else {
        return Err(Rejection::new(Construct::NoHeredoc, 0));
    };
    let cur = Cursor::new(script);
    let pos = skip_blank_lines_and_comments(&cur, 0);
    if cur.at(pos).is_none() {
        return Err(Rejection::new(Construct::NoCommand, pos));
    }
    let (words, pos) = command_words(&cur, pos)?;
    if !script.get(pos..).is_some_and(|rest| rest.starts_with("<<")) {
        // The heredoc belongs to something after the first command.
        return Err(Rejection::new(Construct::SeveralCommands, arrow));
    }
    let pos = heredoc_and_body(&cur, pos)?;
    let end = skip_tail(&cur, pos)?;
    if end < script.len() {
        return Err(Rejection::new(Construct::SeveralCommands, end));
    }
    Ok(words)
}

/// The first `<<` that is not `<<<` outside quotes, if any (cheap pre-check with a good offset).
fn find_heredoc_arrow(script: &str) -> Option<usize> {
    let bytes = script.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b'\'') => {
                i = bytes
                    .get(i + 1..)
                    .and_then(|r| r.iter().position(|&b| b == b'\''))
                    .map_or(bytes.len(), |c| i + c + 2);
            }
            Some(b'<') if bytes.get(i + 1) == Some(&b'<') => {
                if bytes.get(i + 2) == Some(&b'<') {
                    i += 3;
                } else {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Skips blanks, newlines, line continuations and `#` comments (extras) from `pos`.
fn skip_blank_lines_and_comments(cur: &Cursor<'_>, mut pos: usize) -> usize {
    loop {
        match cur.at(pos) {
            Some(b) if is_space(b) => pos += 1,
            Some(b'\\') if cur.at(pos + 1) == Some(b'\n') => pos += 2,
            Some(b'#') => {
                while cur.at(pos).is_some_and(|b| b != b'\n') {
                    pos += 1;
                }
            }
            _ => return pos,
        }
    }
}

/// Skips blanks (not newlines) and line continuations.
fn skip_line_blanks(cur: &Cursor<'_>, mut pos: usize) -> usize {
    loop {
        match cur.at(pos) {
            Some(b' ' | b'\t' | 0x0b | 0x0c | b'\r') => pos += 1,
            Some(b'\\') if cur.at(pos + 1) == Some(b'\n') => pos += 2,
            _ => return pos,
        }
    }
}

/// The command's name and literal arguments up to the heredoc arrow.
fn command_words(cur: &Cursor<'_>, start: usize) -> Result<(Vec<String>, usize), Rejection> {
    if matches!(scan(cur, start, Valid::STATEMENT), Scanned::VariableName | Scanned::FileDescriptor) {
        return Err(Rejection::new(Construct::VariableAssignment, start));
    }
    let mut words = Vec::new();
    let mut pos = start;
    loop {
        if cur.text.get(pos..).is_some_and(|rest| rest.starts_with("<<<")) {
            if words.is_empty() {
                return Err(Rejection::new(Construct::Unsupported("here-string before the command name"), pos));
            }
            pos = skip_line_blanks(cur, literal_end(cur, skip_line_blanks(cur, pos + 3))?);
            continue;
        }
        if cur.text.get(pos..).is_some_and(|rest| rest.starts_with("<<") && !rest.starts_with("<<<")) {
            if words.is_empty() {
                return Err(Rejection::new(Construct::Unsupported("heredoc before the command name"), pos));
            }
            // tree-sitter-bash drops a lone `-` argument right before the heredoc arrow
            // (`python3 - <<'PY'` has the command `python3`).
            if words.len() > 1 && words.last().is_some_and(|w| w == "-") {
                words.pop();
            }
            return Ok((words, pos));
        }
        match cur.at(pos) {
            None | Some(b'\n' | b';' | b'&' | b'|' | b'#') => {
                return Err(Rejection::new(Construct::SeveralCommands, pos));
            }
            Some(b'<' | b'>') => return Err(Rejection::new(Construct::Redirection, pos)),
            Some(b'"' | b'\'' | b'$' | b'`' | b'(' | b')' | b'{' | b'}' | b'[' | b']') => {
                return Err(Rejection::new(Construct::NonLiteralWord, pos));
            }
            _ => {}
        }
        let end = cur.word_end(pos);
        if end == pos || concat_follows(cur, end) {
            return Err(Rejection::new(Construct::NonLiteralWord, pos));
        }
        let word = cur.slice(pos, end);
        if words.is_empty() && STATEMENT_KEYWORDS.contains(&word) {
            return Err(Rejection::new(Construct::Unsupported("compound statement"), pos));
        }
        if !words.is_empty() && matches!(word, "==" | "=~") {
            return Err(Rejection::new(Construct::TestOperator, pos));
        }
        words.push(word.to_owned());
        let next = cur.skip_blanks(end, false)?;
        if next == end
            && cur.at(next).is_some_and(|b| !is_space(b))
            && !cur.text.get(next..).is_some_and(|r| r.starts_with("<<"))
        {
            return Err(Rejection::new(Construct::NonLiteralWord, next));
        }
        pos = next;
    }
}

/// Parses `<<[-]DELIM`, the rest of its line, and the body through the delimiter line. Returns
/// the position right after the delimiter on its closing line.
fn heredoc_and_body(cur: &Cursor<'_>, arrow: usize) -> Result<usize, Rejection> {
    let mut pos = arrow + 2;
    let indent = cur.at(pos) == Some(b'-');
    if indent {
        pos += 1;
    }
    if matches!(cur.at(arrow + 2), Some(b'=')) {
        return Err(Rejection::new(Construct::SyntaxError("`<<=` is not a heredoc"), arrow));
    }
    // `heredoc_start`: blanks (newlines included), then a shell word without substitutions.
    while cur.at(pos).is_some_and(is_space) {
        pos += 1;
    }
    let raw = matches!(cur.at(pos), Some(b'\'' | b'"' | b'\\'));
    let (delimiter, after) = delimiter_word(cur, pos);
    if delimiter.is_empty() {
        return Err(Rejection::new(Construct::SyntaxError("missing heredoc delimiter"), pos));
    }
    // The rest of the heredoc line: literals (which Codex attaches to the redirect and ignores),
    // here-strings and a comment.
    let mut p = after;
    let body_start = loop {
        let q = skip_line_blanks(cur, p);
        let glued = q == p;
        match cur.at(q) {
            None => return Err(Rejection::new(Construct::SyntaxError("heredoc without body"), q)),
            Some(b'\n') => {
                // The newline-before-escape lexer quirk (see `plain`): a run of newlines followed
                // by `\\` and a blank is whitespace; followed by `\\x` it starts a word that stays
                // on the heredoc line. Otherwise the body starts on the next line.
                let mut r = q;
                while cur.at(r) == Some(b'\n') {
                    r += 1;
                }
                if cur.at(r) != Some(b'\\') {
                    break q + 1;
                }
                match cur.at(r + 1) {
                    None | Some(b'\r') => return Err(Rejection::new(Construct::SyntaxError("dangling backslash"), r)),
                    Some(b' ' | b'\t' | 0x0b | 0x0c | b'\n') => p = r + 2,
                    Some(_) => p = literal_end(cur, r)?,
                }
            }
            Some(b'|' | b'&' | b';') => return Err(Rejection::new(Construct::SeveralCommands, q)),
            Some(b'>') => return Err(Rejection::new(Construct::Redirection, q)),
            Some(_) if glued => {
                return Err(Rejection::new(Construct::Unsupported("text glued to the heredoc delimiter"), q));
            }
            Some(b'#') => {
                p = q;
                while cur.at(p).is_some_and(|b| b != b'\n') {
                    p += 1;
                }
            }
            Some(b'<') => {
                let rest = cur.text.get(q..).unwrap_or("");
                if rest.starts_with("<<<") {
                    p = literal_end(cur, skip_line_blanks(cur, q + 3))?;
                } else if rest.starts_with("<<") {
                    return Err(Rejection::new(Construct::Unsupported("several heredocs"), q));
                } else {
                    return Err(Rejection::new(Construct::Redirection, q));
                }
            }
            Some(_) => p = literal_end(cur, q)?,
        }
    };
    body_end(cur, body_start, &delimiter, raw, indent)
}

/// `advance_word` of the scanner: an optionally quoted word, backslashes removed, ending at a
/// blank (unquoted) or at the closing quote or end of line (quoted).
fn delimiter_word(cur: &Cursor<'_>, start: usize) -> (Vec<u8>, usize) {
    let mut p = start;
    let quote = match cur.at(p) {
        Some(q @ (b'\'' | b'"')) => {
            p += 1;
            Some(q)
        }
        _ => None,
    };
    let mut word = Vec::new();
    while let Some(b) = cur.at(p) {
        let stop = match quote {
            Some(q) => b == q || b == b'\r' || b == b'\n',
            None => is_space(b),
        };
        if stop {
            break;
        }
        if b == b'\\' {
            p += 1;
            match cur.at(p) {
                Some(escaped) => word.push(escaped),
                None => return (Vec::new(), p),
            }
            p += 1;
            continue;
        }
        word.push(b);
        p += 1;
    }
    if let Some(q) = quote
        && cur.at(p) == Some(q)
    {
        p += 1;
    }
    (word, p)
}

/// The end of one literal (word, quoted strings and their concatenation, no substitutions) at `pos`.
fn literal_end(cur: &Cursor<'_>, pos: usize) -> Result<usize, Rejection> {
    let mut p = pos;
    loop {
        match cur.at(p) {
            Some(b'"') => p = double_quoted_end(cur, p)?,
            Some(b'\'') => match cur.bytes.get(p + 1..).and_then(|r| r.iter().position(|&b| b == b'\'')) {
                Some(close) => p += close + 2,
                None => return Err(Rejection::new(Construct::SyntaxError("unterminated single quote"), p)),
            },
            Some(b'$') => return Err(Rejection::new(Construct::Unsupported("expansion on the heredoc line"), p)),
            Some(b'`') => return Err(Rejection::new(Construct::CommandSubstitution, p)),
            Some(b'(' | b')') => return Err(Rejection::new(Construct::Parenthesis, p)),
            Some(b'{' | b'}' | b'[' | b']') => p += 1,
            _ => {
                let end = cur.word_end(p);
                if end == p {
                    return Err(Rejection::new(Construct::SyntaxError("unexpected character"), p));
                }
                p = end;
            }
        }
        if !concat_follows(cur, p) {
            return Ok(p);
        }
    }
}

/// Scans the body from `start` (the first body line) to the end of the delimiter on the line
/// that closes it, following the scanner: a line closes the heredoc when, after its leading
/// blanks, it starts with the delimiter. In an unquoted body `$(` opens a command substitution,
/// i.e. a second command.
fn body_end(cur: &Cursor<'_>, start: usize, delimiter: &[u8], raw: bool, indent: bool) -> Result<usize, Rejection> {
    // Once an unquoted body has an expansion, the scanner accepts the end of the script as the
    // end of the heredoc; before that, a missing delimiter line is an error.
    let mut started = !raw && cur.at(start) == Some(b'$');
    // Where the last expansion starts: the scanner's last content token runs from there. With a
    // newline after it, the heredoc ends after the last newline and the last line is script;
    // without one, the heredoc runs to the end.
    let mut last_expansion = start;
    let unterminated = |started: bool, last_expansion: usize| {
        if !started {
            return Err(Rejection::new(Construct::SyntaxError("unterminated heredoc"), start));
        }
        let tail = cur.bytes.get(last_expansion..).unwrap_or_default();
        match tail.iter().rposition(|&c| c == b'\n') {
            Some(i) => Ok(last_expansion + i + 1),
            // Nothing after the expansion: the scanner finds no content token, a parse error.
            None if expansion_end(cur, last_expansion) >= cur.bytes.len() => {
                Err(Rejection::new(Construct::SyntaxError("unterminated heredoc"), start))
            }
            None => Ok(cur.bytes.len()),
        }
    };
    let mut line = start;
    loop {
        if line >= cur.bytes.len() {
            return unterminated(started, last_expansion);
        }
        // Leading blanks are skipped before the delimiter check unless the line starts with `$`
        // or `\\` (the scanner checks those lines only when `<<-` already skipped the blanks).
        let mut first = line;
        if indent || !matches!(cur.at(line), Some(b'$' | b'\\')) {
            while cur.at(first).is_some_and(|b| is_space(b) && b != b'\n') {
                first += 1;
            }
        }
        if cur.bytes.get(first..).is_some_and(|rest| rest.starts_with(delimiter)) {
            if started && !indent && first > line {
                // After an expansion the scanner only ends a `<<` heredoc at column 0; an
                // indented delimiter line leads to a parse error.
                return Err(Rejection::new(Construct::SyntaxError("indented heredoc delimiter"), first));
            }
            return Ok(first + delimiter.len());
        }
        let mut p = line;
        loop {
            match cur.at(p) {
                None => return unterminated(started, last_expansion),
                Some(b'\n') => break,
                // An escaped newline still ends the line: the scanner checks the next line too.
                Some(b'\\') if cur.at(p + 1) == Some(b'\n') => p += 1,
                Some(b'\\') => p += 2,
                Some(b'$') if !raw && cur.at(p + 1) == Some(b'(') => {
                    return Err(Rejection::new(Construct::SeveralCommands, p));
                }
                Some(b'$') if !raw && cur.at(p + 1).is_some_and(|b| b.is_ascii_alphabetic() || b == b'{') => {
                    started = true;
                    last_expansion = p;
                    p += 1;
                }
                Some(_) => p += 1,
            }
        }
        line = p + 1;
    }
}

/// The end of the `$name` or `${…}` expansion starting at `dollar`.
fn expansion_end(cur: &Cursor<'_>, dollar: usize) -> usize {
    let mut p = dollar + 1;
    if cur.at(p) == Some(b'{') {
        while cur.at(p).is_some_and(|b| b != b'}') {
            p += 1;
        }
        return p + 1;
    }
    while cur.at(p).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        p += 1;
    }
    p
}

/// After the closing delimiter: blanks, at most one `;`, then blank lines and comments only.
fn skip_tail(cur: &Cursor<'_>, pos: usize) -> Result<usize, Rejection> {
    let mut p = skip_line_blanks(cur, pos);
    if cur.at(p) == Some(b';') {
        if matches!(cur.at(p + 1), Some(b';' | b'&')) {
            return Err(Rejection::new(Construct::CaseTerminator, p));
        }
        p = skip_line_blanks(cur, p + 1);
    }
    match cur.at(p) {
        None => Ok(p),
        Some(b'\n' | b'#') => Ok(skip_blank_lines_and_comments(cur, p)),
        Some(_) => Err(Rejection::new(Construct::SeveralCommands, p)),
    }
}

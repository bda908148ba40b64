//! `parse_shell_lc_literal_commands` of the newest `bash.rs`: the statically known words of every
//! command anywhere in a wrapper script (pipelines, `if`/`for`/`while` bodies, subshells, command
//! substitutions, redirected statements). Used only to *find* dangerous commands (newest
//! `dangerous_command_match`), never to prove a command safe.
//!
//! Codex walks a tree-sitter-bash tree. This module walks the script with a small shell tokenizer
//! instead, which agrees with tree-sitter on ordinary scripts; on a script it cannot follow
//! (unbalanced quotes or brackets, a compound statement with a missing part such as
//! `if then …`) it returns `None`, as Codex does for a tree with an error. A command name that is
//! not a literal word skips the command; non-literal arguments are omitted (newest rules: no
//! globs, braces, `~`, `^`, `#`, `$`, backticks, backslashes, no leading `=`).

use super::{extract_shell_script, plain};

/// The literal commands of a recognised wrapper's script, or `None` (not a wrapper, or the
/// script does not parse).
pub fn parse_shell_lc_literal_commands(argv: &[String]) -> Option<Vec<Vec<String>>> {
    let (_, script) = extract_shell_script(argv).ok()?;
    literal_commands(script)
}

/// A shell word split into what matters here.
#[derive(Debug)]
struct Word {
    /// The word's text with quotes removed, when every part is literal.
    literal: Option<String>,
    /// The raw source text (for keywords and assignments).
    raw: String,
}

#[derive(Debug)]
enum Token {
    Word(Word),
    /// `;`, `&&`, `||`, `|`, `&`, `|&`, newline, `;;`, `(`, `)`.
    Op(&'static str),
}

/// The literal commands of `script`, or `None` when it does not parse.
pub(crate) fn literal_commands(script: &str) -> Option<Vec<Vec<String>>> {
    if let Ok(commands) = plain::parse_plain(script) {
        return Some(
            commands
                .into_iter()
                .filter_map(|words| {
                    let mut it = words.into_iter();
                    let name = it.next().filter(|w| is_literal_text(w))?;
                    Some(std::iter::once(name).chain(it.filter(|w| is_literal_text(w))).collect())
                })
                .collect(),
        );
    }
    let mut out = Vec::new();
    let mut tokenizer = Tokenizer { bytes: script.as_bytes(), text: script, pos: 0, depth: 0 };
    let tokens = tokenizer.tokens(None, &mut out)?;
    commands_from_tokens(&tokens, &mut out)?;
    Some(out)
}

/// The newest `is_literal_word_or_number` rule on the source spelling of an unquoted word.
fn is_literal_text(word: &str) -> bool {
    !word.starts_with('=') && !word.contains(['{', '}', '*', '?', '[', ']', '\\', '~', '^', '#', '$', '`'])
}

struct Tokenizer<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Tokenizer<'_> {
    fn at(&self, p: usize) -> Option<u8> {
        self.bytes.get(p).copied()
    }

    /// Tokens until `close` (a `)` or backtick) or the end. Commands inside command
    /// substitutions are extracted into `out` on the way.
    fn tokens(&mut self, close: Option<u8>, out: &mut Vec<Vec<String>>) -> Option<Vec<Token>> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut tokens = Vec::new();
        let mut pending_heredocs: Vec<(Vec<u8>, bool)> = Vec::new();
        loop {
            let Some(b) = self.at(self.pos) else {
                self.depth -= 1;
                return if close.is_none() && pending_heredocs.is_empty() { Some(tokens) } else { None };
            };
            match b {
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'\\' if self.at(self.pos + 1) == Some(b'\n') => self.pos += 2,
                b'#' => {
                    while self.at(self.pos).is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    for (delimiter, strip) in pending_heredocs.drain(..) {
                        self.skip_heredoc_body(&delimiter, strip)?;
                    }
                    tokens.push(Token::Op("\n"));
                }
                b')' if close == Some(b')') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(tokens);
                }
                b'`' if close == Some(b'`') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(tokens);
                }
                b';' | b'&' | b'|' | b'(' | b')' => {
                    let two = self.text.get(self.pos..self.pos + 2).unwrap_or("");
                    let op = match two {
                        ";;" => ";;",
                        "&&" => "&&",
                        "||" => "||",
                        "|&" => "|&",
                        "&>" => {
                            self.pos += 2;
                            self.skip_redirect_target(out)?;
                            continue;
                        }
                        _ => match b {
                            b';' => ";",
                            b'&' => "&",
                            b'|' => "|",
                            b'(' => "(",
                            _ => ")",
                        },
                    };
                    self.pos += op.len();
                    tokens.push(Token::Op(op));
                }
                b'<' | b'>' => {
                    if self.text.get(self.pos..).is_some_and(|r| r.starts_with("<<") && !r.starts_with("<<<")) {
                        self.pos += 2;
                        let strip = self.at(self.pos) == Some(b'-');
                        if strip {
                            self.pos += 1;
                        }
                        while self.at(self.pos).is_some_and(|c| c == b' ' || c == b'\t') {
                            self.pos += 1;
                        }
                        let word = self.word(out)?;
                        let delimiter: Vec<u8> =
                            word.raw.bytes().filter(|c| !matches!(c, b'\'' | b'"' | b'\\')).collect();
                        if delimiter.is_empty() {
                            return None;
                        }
                        pending_heredocs.push((delimiter, strip));
                        continue;
                    }
                    while matches!(self.at(self.pos), Some(b'<' | b'>' | b'&' | b'|')) {
                        self.pos += 1;
                    }
                    self.skip_redirect_target(out)?;
                }
                _ => {
                    let word = self.word(out)?;
                    // A file descriptor glued to a redirection (`2>`) is not a word.
                    if matches!(self.at(self.pos), Some(b'<' | b'>')) && word.raw.bytes().all(|c| c.is_ascii_digit()) {
                        continue;
                    }
                    tokens.push(Token::Word(word));
                }
            }
        }
    }

    fn skip_redirect_target(&mut self, out: &mut Vec<Vec<String>>) -> Option<()> {
        while self.at(self.pos).is_some_and(|c| c == b' ' || c == b'\t') {
            self.pos += 1;
        }
        match self.at(self.pos) {
            None | Some(b'\n' | b';' | b'&' | b'|' | b')' | b'(' | b'<' | b'>') => None,
            Some(_) => self.word(out).map(|_| ()),
        }
    }

    fn skip_heredoc_body(&mut self, delimiter: &[u8], strip: bool) -> Option<()> {
        loop {
            let line_start = self.pos;
            let mut end = line_start;
            while self.at(end).is_some_and(|c| c != b'\n') {
                end += 1;
            }
            let line = self.bytes.get(line_start..end)?;
            let line = if strip { line.strip_prefix(b"\t".as_slice()).map_or(line, |l| trim_tabs(l)) } else { line };
            self.pos = (end + 1).min(self.bytes.len());
            if line == delimiter {
                return Some(());
            }
            if end >= self.bytes.len() {
                return None;
            }
        }
    }

    /// One word (with quotes and substitutions) at the current position.
    fn word(&mut self, out: &mut Vec<Vec<String>>) -> Option<Word> {
        let start = self.pos;
        let mut literal = Some(String::new());
        while let Some(b) = self.at(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => break,
                b'\'' => {
                    let close = self.bytes.get(self.pos + 1..)?.iter().position(|&c| c == b'\'')?;
                    if let Some(l) = literal.as_mut() {
                        l.push_str(self.text.get(self.pos + 1..self.pos + 1 + close)?);
                    }
                    self.pos += close + 2;
                }
                b'"' => {
                    let content_start = self.pos + 1;
                    self.pos += 1;
                    let mut plain_content = true;
                    loop {
                        match self.at(self.pos)? {
                            b'"' => break,
                            b'\\' => {
                                if matches!(self.at(self.pos + 1), Some(b'$' | b'`' | b'"' | b'\\' | b'\n')) {
                                    plain_content = false;
                                }
                                self.pos += 2;
                            }
                            b'$' if self.at(self.pos + 1) == Some(b'(') => {
                                plain_content = false;
                                self.pos += 2;
                                let inner = self.tokens(Some(b')'), out)?;
                                commands_from_tokens(&inner, out)?;
                            }
                            b'`' => {
                                plain_content = false;
                                self.pos += 1;
                                let inner = self.tokens(Some(b'`'), out)?;
                                commands_from_tokens(&inner, out)?;
                            }
                            b'$' => {
                                plain_content = false;
                                self.pos += 1;
                            }
                            _ => self.pos += 1,
                        }
                    }
                    let content = self.text.get(content_start..self.pos)?;
                    self.pos += 1;
                    match (plain_content, literal.as_mut()) {
                        (true, Some(l)) => l.push_str(content),
                        _ => literal = None,
                    }
                }
                b'$' if self.at(self.pos + 1) == Some(b'(') => {
                    literal = None;
                    self.pos += 2;
                    if self.at(self.pos) == Some(b'(') {
                        // Arithmetic `$(( … ))`: skip to the matching `))`.
                        let close = self.text.get(self.pos..)?.find("))")?;
                        self.pos += close + 2;
                    } else {
                        let inner = self.tokens(Some(b')'), out)?;
                        commands_from_tokens(&inner, out)?;
                    }
                }
                b'$' if self.at(self.pos + 1) == Some(b'{') => {
                    literal = None;
                    let close = self.bytes.get(self.pos..)?.iter().position(|&c| c == b'}')?;
                    self.pos += close + 1;
                }
                b'`' => {
                    literal = None;
                    self.pos += 1;
                    let inner = self.tokens(Some(b'`'), out)?;
                    commands_from_tokens(&inner, out)?;
                }
                b'\\' => {
                    literal = None;
                    self.pos += if self.at(self.pos + 1).is_some() { 2 } else { 1 };
                }
                _ => {
                    let ch_len = self.text.get(self.pos..)?.chars().next()?.len_utf8();
                    let piece = self.text.get(self.pos..self.pos + ch_len)?;
                    if let Some(l) = literal.as_mut() {
                        if is_literal_text(piece) && !(l.is_empty() && piece == "=" && self.pos == start) {
                            l.push_str(piece);
                        } else {
                            literal = None;
                        }
                    }
                    self.pos += ch_len;
                }
            }
        }
        if self.pos == start {
            return None;
        }
        let raw = self.text.get(start..self.pos)?.to_owned();
        Some(Word { literal: literal.filter(|l| !l.is_empty()), raw })
    }
}

fn trim_tabs(line: &[u8]) -> &[u8] {
    let skip = line.iter().take_while(|&&c| c == b'\t').count();
    line.get(skip..).unwrap_or(line)
}

/// Walks the tokens: finds command positions, checks that compound statements are complete,
/// and pushes each literal command.
fn commands_from_tokens(tokens: &[Token], out: &mut Vec<Vec<String>>) -> Option<()> {
    // Expected closers of the open compound statements.
    let mut stack: Vec<&'static str> = Vec::new();
    let mut command: Option<Vec<String>> = None;
    let mut command_position = true;
    // After `for NAME` the words until `do` are not commands; after `case WORD` until `in`.
    let mut skip_until: Option<&'static str> = None;
    // Inside `case … in`, reading a pattern up to `)`.
    let mut in_pattern = false;
    let mut need_condition = false;
    let flush = |command: &mut Option<Vec<String>>, out: &mut Vec<Vec<String>>| {
        if let Some(words) = command.take()
            && !words.is_empty()
        {
            out.push(words);
        }
    };
    for token in tokens {
        match token {
            Token::Op(op) => {
                flush(&mut command, out);
                command_position = true;
                if in_pattern {
                    if *op == ")" {
                        in_pattern = false;
                    }
                    continue;
                }
                match *op {
                    "(" => stack.push(")"),
                    ")" => match stack.pop() {
                        Some(")") => {}
                        _ => return None,
                    },
                    ";;" if stack.last() == Some(&"esac") => in_pattern = true,
                    ";;" => return None,
                    _ => {}
                }
            }
            Token::Word(word) => {
                let raw = word.raw.as_str();
                if in_pattern {
                    if raw == "esac" && stack.pop() != Some("esac") {
                        return None;
                    }
                    in_pattern = raw != "esac";
                    continue;
                }
                if let Some(until) = skip_until {
                    if raw == until {
                        skip_until = None;
                        command_position = true;
                        in_pattern = until == "in";
                    }
                    continue;
                }
                if command_position && command.is_none() {
                    match raw {
                        "if" | "while" | "until" => {
                            stack.push(if raw == "if" { "fi" } else { "done" });
                            need_condition = true;
                            continue;
                        }
                        "then" | "do" => {
                            if need_condition {
                                return None;
                            }
                            continue;
                        }
                        "elif" => {
                            need_condition = true;
                            continue;
                        }
                        "else" | "!" | "time" => continue,
                        "fi" | "done" | "esac" | "}" => {
                            let closer = match raw {
                                "fi" => "fi",
                                "done" => "done",
                                "esac" => "esac",
                                _ => "}",
                            };
                            if stack.pop() != Some(closer) {
                                return None;
                            }
                            continue;
                        }
                        "{" => {
                            stack.push("}");
                            continue;
                        }
                        "for" | "select" => {
                            stack.push("done");
                            skip_until = Some("do");
                            continue;
                        }
                        "case" => {
                            stack.push("esac");
                            skip_until = Some("in");
                            continue;
                        }
                        "function" => return None,
                        _ if is_assignment(raw) => continue,
                        _ => {}
                    }
                    need_condition = false;
                    command_position = false;
                    command = Some(match &word.literal {
                        Some(name) if is_literal_text(raw) || raw.contains(['\'', '"']) => vec![name.clone()],
                        // A non-literal command name: the command contributes nothing.
                        _ => Vec::new(),
                    });
                    continue;
                }
                if let Some(words) = command.as_mut()
                    && !words.is_empty()
                    && let Some(literal) = &word.literal
                    && (is_literal_text(raw) || raw.contains(['\'', '"']))
                {
                    words.push(literal.clone());
                }
            }
        }
    }
    flush(&mut command, out);
    (stack.is_empty() && skip_until.is_none() && !need_condition && !in_pattern).then_some(())
}

/// `NAME=…` or `NAME+=…` before a command name.
fn is_assignment(raw: &str) -> bool {
    let name_len = raw.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    name_len > 0
        && raw.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        && raw.get(name_len..).is_some_and(|rest| rest.starts_with('=') || rest.starts_with("+="))
}

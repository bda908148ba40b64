//! Lightweight lexers for the editors' highlighting overlay: TOML (workspace and requirements
//! files) and Starlark (`.rules`). They only classify spans for colour, never judge validity (the
//! engine does that), and they never fail: unterminated strings run to the end of their line or
//! file, as an editor would show them. The TOML lexer also finds table headers outside strings,
//! which the structured workspace panel uses to edit entries in place.

/// What a highlighted span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `# …`
    Comment,
    /// A string literal.
    Str,
    /// A TOML key, or a Starlark keyword argument name.
    Key,
    /// A TOML table header `[a.b]` / `[[a]]`.
    Table,
    /// A number or date.
    Number,
    /// `true`/`false`, `True`/`False`/`None`.
    Constant,
    /// A Starlark keyword.
    Keyword,
    /// A called function name.
    Function,
}

impl Kind {
    /// The CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Comment => "tk-c",
            Kind::Str => "tk-s",
            Kind::Key => "tk-k",
            Kind::Table => "tk-t",
            Kind::Number => "tk-n",
            Kind::Constant => "tk-b",
            Kind::Keyword => "tk-w",
            Kind::Function => "tk-f",
        }
    }
}

/// A classified byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: Kind,
}

/// Which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// TOML.
    Toml,
    /// Starlark.
    Starlark,
}

/// The tokens of `text`, in order, non-overlapping.
pub fn tokens(text: &str, language: Language) -> Vec<Token> {
    match language {
        Language::Toml => toml_tokens(text),
        Language::Starlark => starlark_tokens(text),
    }
}

fn at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

fn starts(bytes: &[u8], i: usize, pat: &[u8]) -> bool {
    bytes.get(i..i + pat.len()) == Some(pat)
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes.iter().skip(i).position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p)
}

/// End of a string starting at `i` (its opening quote). Handles triple quotes and, when
/// `escapes`, backslash escapes; a single-quoted string ends at its line's end if unterminated.
fn string_end(bytes: &[u8], i: usize, quote: u8, escapes: bool) -> usize {
    let triple = [quote, quote, quote];
    if starts(bytes, i, &triple) {
        let mut j = i + 3;
        while j < bytes.len() {
            if escapes && at(bytes, j) == b'\\' {
                j += 2;
                continue;
            }
            if starts(bytes, j, &triple) {
                // `""""` ends with up to two extra quotes inside the string (TOML allows them).
                let mut end = j + 3;
                while at(bytes, end) == quote && end < j + 5 {
                    end += 1;
                }
                return end;
            }
            j += 1;
        }
        return bytes.len();
    }
    let mut j = i + 1;
    while j < bytes.len() {
        match at(bytes, j) {
            b'\\' if escapes => j += 2,
            b'\n' => return j,
            b if b == quote => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len().min(j)
}

fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while matches!(at(bytes, i), b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Whether a TOML key (bare or quoted, possibly dotted) continues at `i` up to an `=`.
fn key_follows(bytes: &[u8], i: usize) -> bool {
    let j = skip_spaces(bytes, i);
    match at(bytes, j) {
        b'=' => at(bytes, j + 1) != b'=',
        b'.' => true,
        _ => false,
    }
}

fn toml_tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Open `[`/`{` of values; a `[` first on a line at depth 0 is a table header.
    let mut depth: usize = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = at(bytes, i);
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let first_on_line = line_start;
        line_start = false;
        match b {
            b'#' => {
                let end = line_end(bytes, i);
                out.push(Token { start: i, end, kind: Kind::Comment });
                i = end;
            }
            b'"' | b'\'' => {
                let end = string_end(bytes, i, b, b == b'"');
                let kind = if key_follows(bytes, end) && !starts(bytes, i, &[b, b, b]) { Kind::Key } else { Kind::Str };
                out.push(Token { start: i, end, kind });
                i = end;
            }
            b'[' if first_on_line && depth == 0 => {
                let end = header_end(bytes, i);
                out.push(Token { start: i, end, kind: Kind::Table });
                i = end;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ if is_bare(b) || b == b'+' => {
                let numeric = b.is_ascii_digit() || b == b'+' || b == b'-';
                let mut end = i + 1;
                // Numbers and dates take dots and colons; keys stop at a dot (dotted keys).
                while is_bare(at(bytes, end)) || numeric && matches!(at(bytes, end), b'.' | b':' | b'+') {
                    end += 1;
                }
                let word = text.get(i..end).unwrap_or("");
                let next = skip_spaces(bytes, end);
                let is_key = if numeric {
                    at(bytes, next) == b'=' && at(bytes, next + 1) != b'='
                } else {
                    key_follows(bytes, end)
                };
                let kind = if is_key {
                    Some(Kind::Key)
                } else if word == "true" || word == "false" {
                    Some(Kind::Constant)
                } else if numeric || word == "inf" || word == "nan" {
                    Some(Kind::Number)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    out.push(Token { start: i, end, kind });
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// End of a table header starting at `i` (`[` or `[[`), skipping quoted key parts.
fn header_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        match at(bytes, j) {
            b'"' | b'\'' => j = string_end(bytes, j, at(bytes, j), at(bytes, j) == b'"'),
            b'\n' => return j,
            b']' => {
                return if at(bytes, j + 1) == b']' && at(bytes, i + 1) == b'[' { j + 2 } else { j + 1 };
            }
            _ => j += 1,
        }
    }
    bytes.len()
}

/// A TOML table header found outside strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Byte offset of its `[`.
    pub start: usize,
    /// One past its closing `]`.
    pub end: usize,
    /// `[[…]]` rather than `[…]`.
    pub array: bool,
    /// The dotted key, unquoted: `roles."Codex Admin"` → `["roles", "Codex Admin"]`.
    pub path: Vec<String>,
}

/// Every table header of a TOML text, in order.
pub fn toml_headers(text: &str) -> Vec<Header> {
    toml_tokens(text)
        .into_iter()
        .filter(|t| t.kind == Kind::Table)
        .map(|t| {
            let raw = text.get(t.start..t.end).unwrap_or("");
            let array = raw.starts_with("[[");
            let inner = raw.trim_start_matches('[').trim_end_matches(']');
            Header { start: t.start, end: t.end, array, path: dotted_key(inner) }
        })
        .collect()
}

/// Splits a dotted key into its unquoted parts (basic-string escapes beyond `\"` and `\\` are
/// kept as written; header names in practice do not use them).
fn dotted_key(raw: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = raw.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(next) = chars.next() {
                                current.push(next);
                            }
                        }
                        '"' => break,
                        _ => current.push(c),
                    }
                }
            }
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    current.push(c);
                }
            }
            '.' => parts.push(std::mem::take(&mut current)),
            c if c.is_whitespace() => {}
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

const STARLARK_KEYWORDS: &[&str] = &[
    "and", "break", "continue", "def", "elif", "else", "for", "if", "in", "lambda", "load", "not", "or", "pass",
    "return",
];

fn starlark_tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = at(bytes, i);
        match b {
            b'#' => {
                let end = line_end(bytes, i);
                out.push(Token { start: i, end, kind: Kind::Comment });
                i = end;
            }
            b'"' | b'\'' => {
                let end = string_end(bytes, i, b, true);
                out.push(Token { start: i, end, kind: Kind::Str });
                i = end;
            }
            _ if b.is_ascii_digit() => {
                let mut end = i + 1;
                while at(bytes, end).is_ascii_alphanumeric() || at(bytes, end) == b'.' || at(bytes, end) == b'_' {
                    end += 1;
                }
                out.push(Token { start: i, end, kind: Kind::Number });
                i = end;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let mut end = i + 1;
                while at(bytes, end).is_ascii_alphanumeric() || at(bytes, end) == b'_' {
                    end += 1;
                }
                // String prefixes: r"…", b'…', f"…".
                let quote = at(bytes, end);
                if end - i <= 2 && (quote == b'"' || quote == b'\'') {
                    let prefix = text.get(i..end).unwrap_or("").to_ascii_lowercase();
                    if ["r", "b", "f", "rb", "br"].contains(&prefix.as_str()) {
                        let close = string_end(bytes, end, quote, !prefix.contains('r'));
                        out.push(Token { start: i, end: close, kind: Kind::Str });
                        i = close;
                        continue;
                    }
                }
                let word = text.get(i..end).unwrap_or("");
                let next = skip_spaces(bytes, end);
                let kind = if STARLARK_KEYWORDS.contains(&word) {
                    Some(Kind::Keyword)
                } else if matches!(word, "True" | "False" | "None") {
                    Some(Kind::Constant)
                } else if at(bytes, next) == b'(' {
                    Some(Kind::Function)
                } else if at(bytes, next) == b'=' && at(bytes, next + 1) != b'=' {
                    Some(Kind::Key)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    out.push(Token { start: i, end, kind });
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, language: Language) -> Vec<(&str, Kind)> {
        tokens(text, language).into_iter().map(|t| (&text[t.start..t.end], t.kind)).collect()
    }

    #[test]
    fn toml_keys_strings_headers_and_comments() {
        let text = "# c\n[roles.\"Codex Admin\"]\ncodex_local = true # yes\nn = 12\n[[groups]]\nname = 'x'\n";
        assert_eq!(
            kinds(text, Language::Toml),
            [
                ("# c", Kind::Comment),
                ("[roles.\"Codex Admin\"]", Kind::Table),
                ("codex_local", Kind::Key),
                ("true", Kind::Constant),
                ("# yes", Kind::Comment),
                ("n", Kind::Key),
                ("12", Kind::Number),
                ("[[groups]]", Kind::Table),
                ("name", Kind::Key),
                ("'x'", Kind::Str),
            ]
        );
    }

    #[test]
    fn headers_inside_multiline_strings_and_arrays_are_not_headers() {
        let text = "[policies.a]\nrequirements = '''\n[rules]\nx = 1\n'''\nm = [\n  [1, 2],\n]\n[[policy_rules]]\n";
        let headers = toml_headers(text);
        assert_eq!(headers.len(), 2, "{headers:?}");
        assert_eq!(headers[0].path, ["policies", "a"]);
        assert!(!headers[0].array);
        assert_eq!(headers[1].path, ["policy_rules"]);
        assert!(headers[1].array);
        assert_eq!(&text[headers[1].start..headers[1].end], "[[policy_rules]]");
    }

    #[test]
    fn numbers_dates_and_dotted_keys() {
        let t = kinds("a.b = 1.5\nd = 1979-05-27T07:32:00Z\n", Language::Toml);
        assert_eq!(
            t,
            [
                ("a", Kind::Key),
                ("b", Kind::Key),
                ("1.5", Kind::Number),
                ("d", Kind::Key),
                ("1979-05-27T07:32:00Z", Kind::Number)
            ]
        );
    }

    #[test]
    fn quoted_keys_and_dotted_headers_unquote() {
        assert_eq!(dotted_key(" roles . \"Codex \\\"A\\\"\" "), ["roles", "Codex \"A\""]);
        assert_eq!(dotted_key("a.'b.c'"), ["a", "b.c"]);
        assert_eq!(kinds("\"a b\" = 1", Language::Toml).first(), Some(&("\"a b\"", Kind::Key)));
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_end_and_never_panic() {
        let text = "a = \"open\nb = 1\nc = '''never closed";
        let t = kinds(text, Language::Toml);
        assert_eq!(t[1], ("\"open", Kind::Str));
        assert_eq!(t[2], ("b", Kind::Key));
        assert_eq!(t.last().map(|x| x.1), Some(Kind::Str));
        for cut in 0..text.len() {
            let _ = tokens(&text[..cut], Language::Toml);
            let _ = tokens(&text[..cut], Language::Starlark);
        }
    }

    #[test]
    fn starlark_calls_keywords_kwargs_and_strings() {
        let text = "prefix_rule(pattern = [\"git\", r'x'], decision=\"allow\", n=1 == 2) # c\nif True: pass";
        assert_eq!(
            kinds(text, Language::Starlark),
            [
                ("prefix_rule", Kind::Function),
                ("pattern", Kind::Key),
                ("\"git\"", Kind::Str),
                ("r'x'", Kind::Str),
                ("decision", Kind::Key),
                ("\"allow\"", Kind::Str),
                ("n", Kind::Key),
                ("1", Kind::Number),
                ("2", Kind::Number),
                ("# c", Kind::Comment),
                ("if", Kind::Keyword),
                ("True", Kind::Constant),
                ("pass", Kind::Keyword),
            ]
        );
    }
}

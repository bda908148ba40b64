//! A small ordered JSON value that prints exactly like `serde_json` (compact and pretty).
//!
//! Codex's `execpolicy check` output is compared byte for byte, so key order and escaping are part
//! of the contract; an ordered `Vec` of members keeps keys where they were put.

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (printed with Rust's shortest round-trip form).
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object with ordered members.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// An empty object to push members onto with [`Json::with`].
    pub fn object() -> Self {
        Json::Object(Vec::new())
    }

    /// Adds a member to an object (no-op on other values); builder style.
    #[must_use]
    pub fn with(self, key: &str, value: impl Into<Json>) -> Self {
        self.with_json(key, value.into())
    }

    /// Adds a member when `value` is `Some`.
    #[must_use]
    pub fn with_opt<T: Into<Json>>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.with_json(key, value.into()),
            None => self,
        }
    }

    /// Adds a member to an object (no-op on other values).
    pub fn push(&mut self, key: &str, value: impl Into<Json>) {
        self.push_json(key, value.into());
    }

    // The non-generic bodies behind `with`/`push`: one copy of the key allocation and the vector
    // growth instead of one per call site (hundreds in the wasm; inlined natively).
    #[must_use]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn with_json(mut self, key: &str, value: Json) -> Self {
        self.push_json(key, value);
        self
    }

    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn push_json(&mut self, key: &str, value: Json) {
        if let Json::Object(members) = self {
            members.push((key.to_owned(), value));
        }
    }

    /// Compact text, as `serde_json::to_string`.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// Indented text, as `serde_json::to_string_pretty` (two spaces).
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some("  "), 0);
        out
    }

    fn write(&self, out: &mut String, indent: Option<&str>, depth: usize) {
        match self {
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Float(x) if x.is_finite() => out.push_str(&x.to_string()),
            Json::Null | Json::Float(_) => out.push_str("null"),
            Json::Str(s) => push_string(out, s),
            Json::Array(items) => {
                write_container(out, indent, depth, '[', ']', items.iter(), |out, item, d| item.write(out, indent, d));
            }
            Json::Object(members) => {
                write_container(out, indent, depth, '{', '}', members.iter(), |out, (key, value), d| {
                    push_string(out, key);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    value.write(out, indent, d);
                });
            }
        }
    }
}

fn write_container<I, T>(
    out: &mut String,
    indent: Option<&str>,
    depth: usize,
    open: char,
    close: char,
    items: I,
    mut write_item: impl FnMut(&mut String, T, usize),
) where
    I: ExactSizeIterator<Item = T>,
{
    out.push(open);
    let empty = items.len() == 0;
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(unit) = indent {
            out.push('\n');
            for _ in 0..=depth {
                out.push_str(unit);
            }
        }
        write_item(out, item, depth + 1);
    }
    if let (Some(unit), false) = (indent, empty) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
    out.push(close);
}

/// Appends `s` as a JSON string with `serde_json`'s escapes (non-ASCII left as is).
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::Str(s.to_owned())
    }
}
impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::Str(s)
    }
}
impl From<&String> for Json {
    fn from(s: &String) -> Self {
        Json::Str(s.clone())
    }
}
impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json::Bool(b)
    }
}
impl From<i64> for Json {
    fn from(n: i64) -> Self {
        Json::Int(n)
    }
}
impl From<usize> for Json {
    fn from(n: usize) -> Self {
        Json::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Self {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}
impl From<&[String]> for Json {
    fn from(items: &[String]) -> Self {
        Json::Array(items.iter().map(Json::from).collect())
    }
}

/// Deepest nesting [`Json::parse`] accepts; deeper input is an error, never a stack overflow.
pub const MAX_JSON_DEPTH: usize = 128;

/// Why a JSON text could not be parsed: a message and the byte offset it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub message: String,
    /// Byte offset into the input.
    pub offset: usize,
}

impl Json {
    /// Parses a JSON text (RFC 8259) with a nesting limit of [`MAX_JSON_DEPTH`].
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut parser = Parser { bytes: text.as_bytes(), text, pos: 0 };
        parser.skip_ws();
        let value = parser.value(0)?;
        parser.skip_ws();
        if parser.pos < parser.bytes.len() {
            return Err(parser.error("trailing characters after the JSON value"));
        }
        Ok(value)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Int(_) | Json::Float(_) => "number",
            Json::Str(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> JsonError {
        JsonError { message: message.to_owned(), offset: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, literal: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes.get(self.pos..self.pos + literal.len()) == Some(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.error("input too large: JSON nested deeper than 128 levels"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.eat("true", Json::Bool(true)),
            Some(b'f') => self.eat("false", Json::Bool(false)),
            Some(b'n') => self.eat("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of JSON input")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]` in array")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in object"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after object key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` in object")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or_else(|| self.error("unexpected end of JSON input"))?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.error("invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.error("control character in string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let hex = self.text.get(self.pos..self.pos + 4).ok_or_else(|| self.error("invalid \\u escape"))?;
        let value = u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(value)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error("unpaired surrogate in string"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in string"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Json::Int(n));
        }
        text.parse::<f64>().map(Json::Float).map_err(|_| JsonError { message: "invalid number".into(), offset: start })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_serde_json() {
        let value = Json::object().with("a", vec!["x", "y"]).with("b", Json::Array(vec![])).with("c", Json::object());
        assert_eq!(value.to_compact(), r#"{"a":["x","y"],"b":[],"c":{}}"#);
        assert_eq!(value.to_pretty(), "{\n  \"a\": [\n    \"x\",\n    \"y\"\n  ],\n  \"b\": [],\n  \"c\": {}\n}");
    }

    #[test]
    fn parses_what_it_prints() {
        let text = r#"{"argv":["git","st\"a\u00e9\ud83d\ude00"],"n":-12,"f":1.5,"ok":true,"none":null,"o":{}}"#;
        let value = Json::parse(text).unwrap();
        assert_eq!(value.get("argv").and_then(Json::as_array).map(<[Json]>::len), Some(2));
        assert_eq!(Json::parse(&value.to_compact()).unwrap(), value);
        assert!(Json::parse("[1,]").is_err());
        assert!(Json::parse(&"[".repeat(1000)).is_err());
        assert!(Json::parse("\"abc").is_err());
    }

    #[test]
    fn escapes_controls_but_not_unicode() {
        let mut out = String::new();
        push_string(&mut out, "é\"\\\n\u{1}");
        assert_eq!(out, "\"é\\\"\\\\\\n\\u0001\"");
    }
}

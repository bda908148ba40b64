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
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.push(key, value);
        self
    }

    /// Adds a member when `value` is `Some`.
    #[must_use]
    pub fn with_opt<T: Into<Json>>(mut self, key: &str, value: Option<T>) -> Self {
        if let Some(value) = value {
            self.push(key, value);
        }
        self
    }

    /// Adds a member to an object (no-op on other values).
    pub fn push(&mut self, key: &str, value: impl Into<Json>) {
        if let Json::Object(members) = self {
            members.push((key.to_owned(), value.into()));
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
    fn escapes_controls_but_not_unicode() {
        let mut out = String::new();
        push_string(&mut out, "é\"\\\n\u{1}");
        assert_eq!(out, "\"é\\\"\\\\\\n\\u0001\"");
    }
}

//! Renders a [`crate::tomlread::Table`] back to TOML text, so a deep-merged table is read exactly
//! like a parsed file (the same texts `toml::from_str` gave the merged table before).

use std::fmt::Write as _;

/// The table as TOML text: one `"key" = <inline value>` line per top-level key.
pub fn render_table(table: &crate::tomlread::Table) -> String {
    let mut out = String::new();
    for (key, value) in table {
        push_key(&mut out, key);
        out.push_str(" = ");
        push_value(&mut out, value);
        out.push('\n');
    }
    out
}

fn push_key(out: &mut String, key: &str) {
    push_string(out, key);
}

/// `s` as a TOML basic string (`"…"` with the escapes TOML requires).
pub fn quote_basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

fn push_string(out: &mut String, s: &str) {
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
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_value(out: &mut String, value: &crate::tomlread::Value) {
    match value {
        crate::tomlread::Value::String(s) => push_string(out, s),
        crate::tomlread::Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        crate::tomlread::Value::Float(f) => {
            if f.is_nan() {
                out.push_str("nan");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "inf" } else { "-inf" });
            } else {
                let _ = write!(out, "{f:?}");
            }
        }
        crate::tomlread::Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        crate::tomlread::Value::Datetime(d) => {
            let _ = write!(out, "{d}");
        }
        crate::tomlread::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_value(out, item);
            }
            out.push(']');
        }
        crate::tomlread::Value::Table(table) => {
            out.push('{');
            for (i, (key, item)) in table.iter().enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                push_key(out, key);
                out.push_str(" = ");
                push_value(out, item);
            }
            out.push_str(if table.is_empty() { "}" } else { " }" });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_nested_values() {
        let text = "a = [1, 2.5, \"x\\ny\"]\n[b.c]\nd = { e = true }\nf = {}\n";
        let table = crate::tomlread::parse_table(text).unwrap_or_default();
        let rendered = render_table(&table);
        let back = crate::tomlread::parse_table(&rendered).unwrap_or_default();
        assert_eq!(table, back);
        assert!(!back.is_empty());
    }
}

//! `dot_format_parser::FormatParser` (the `{}` fields of f-strings and `str.format`), with the same tokens and
//! messages but plain `String` errors: its `anyhow` errors alone keep `anyhow`'s `Debug`, std's backtrace
//! printing and `rustc_demangle` in the wasm.

use starlark_syntax::dot_format_parser::{EscapeCurlyBrace, FormatConv, FormatToken};

/// Splits a format string into text, `{{`/`}}` escapes and `{capture!conv}` fields.
pub(crate) struct FormatParser<'a> {
    s: &'a str,
    /// Bytes of `s` already returned.
    at: usize,
}

impl<'a> FormatParser<'a> {
    /// A parser over the format string `s`.
    pub(crate) fn new(s: &'a str) -> Self {
        Self { s, at: 0 }
    }

    /// The next token, `None` at the end, or the message of the first malformed field.
    pub(crate) fn next(&mut self) -> Result<Option<FormatToken<'a>>, String> {
        let rest = self.s.get(self.at..).unwrap_or_default();
        let bytes = rest.as_bytes();
        let Some(&first) = bytes.first() else { return Ok(None) };
        let token = match first {
            b'{' => return self.field(rest),
            b'}' if bytes.get(1) == Some(&b'}') => {
                self.at += 2;
                FormatToken::Escape(EscapeCurlyBrace::Close)
            }
            b'}' => return Err(format!("Standalone '}}' in format string `{}`", self.s)),
            _ => {
                let len = bytes.iter().position(|&b| b == b'{' || b == b'}').unwrap_or(bytes.len());
                self.at += len;
                FormatToken::Text(rest.get(..len).unwrap_or_default())
            }
        };
        Ok(Some(token))
    }

    /// At `{`: an escape or a field.
    fn field(&mut self, rest: &'a str) -> Result<Option<FormatToken<'a>>, String> {
        let bytes = rest.as_bytes();
        let pos = self.at + 1;
        for (i, &b) in bytes.iter().enumerate().skip(1) {
            let capture = rest.get(1..i).unwrap_or_default();
            match b {
                b'}' => {
                    self.at += i + 1;
                    return Ok(Some(FormatToken::Capture { capture, pos, conv: FormatConv::Str }));
                }
                b'!' => {
                    let conv = match bytes.get(i + 1) {
                        Some(b'r') => FormatConv::Repr,
                        Some(b's') => FormatConv::Str,
                        Some(b'}') => {
                            return Err(format!("Missing conversion character in format string `{}`", self.s));
                        }
                        _ => return Err(format!("Invalid conversion in format string `{}`", self.s)),
                    };
                    if bytes.get(i + 2) != Some(&b'}') {
                        break;
                    }
                    self.at += i + 3;
                    return Ok(Some(FormatToken::Capture { capture, pos, conv }));
                }
                b'{' if i == 1 => {
                    self.at += 2;
                    return Ok(Some(FormatToken::Escape(EscapeCurlyBrace::Open)));
                }
                b'{' => break,
                _ => {}
            }
        }
        Err(format!("Unmatched '{{' in format string `{}`", self.s))
    }
}

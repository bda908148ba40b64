//! Problems found in user input, as data.
//!
//! Parsers return the best model they can plus diagnostics; they never panic and never print.
//! Byte spans are turned into line/column by [`LineIndex`] at the edge (CLI, app, JS API).

use std::fmt;

/// A half-open byte range `start..end` into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given in the wrong order).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end { Self { start, end } } else { Self { start: end, end: start } }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Self::new(range.start, range.end)
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational: nothing is wrong, but the reader should know.
    Info,
    /// Codex accepts the input, but it probably does not do what its author meant.
    Warning,
    /// Codex rejects the input (or the input cannot be evaluated at all).
    Error,
}

impl Severity {
    /// Lower-case name used in JSON and CLI output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem in one source text.
///
/// `message` reproduces Codex's own text verbatim where Codex has one; our own messages follow the
/// Cedar style (lower case, no final period, user input in backticks, advice in `help`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `rules/invalid-decision`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do about it, when we know.
    pub help: Option<String>,
    /// Where, as a byte range into the source named by `source`.
    pub span: Option<Span>,
    /// The file name or layer label the span points into.
    pub source: String,
}

impl Diagnostic {
    /// An error with a message and no location yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, code, message: message.into(), help: None, span: None, source: String::new() }
    }

    /// A warning with a message and no location yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    /// Sets the location.
    #[must_use]
    pub fn at(mut self, source: impl Into<String>, span: impl Into<Span>) -> Self {
        self.source = source.into();
        self.span = Some(span.into());
        self
    }

    /// Sets the source without a span.
    #[must_use]
    pub fn in_source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// Adds advice.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `source:line:col: message` for one-line CLI output, given the text the span points into.
    pub fn render_line(&self, text: &str) -> String {
        match self.span {
            Some(span) => {
                let (line, col) = LineIndex::new(text).line_col(span.start);
                format!("{}:{line}:{col}: {}", self.source, self.message)
            }
            None if self.source.is_empty() => self.message.clone(),
            None => format!("{}: {}", self.source, self.message),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Converts byte offsets into 1-based line and column numbers (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, line_starts }
    }

    /// 1-based `(line, column)` of byte `offset`; offsets past the end clamp to the end.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let index = LineIndex::new("ab\nçd\n");
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(3), (2, 1));
        assert_eq!(index.line_col(5), (2, 2));
        assert_eq!(index.line_col(100), (3, 1));
    }
}

//! Re-parsing a requirements document after an edit, reusing the previous parse where that gives
//! exactly what a full parse would: the app calls this on every keystroke, and a 1,000-rule policy
//! costs ~5 ms to parse in the browser.
//!
//! The edits handled incrementally are the ones made inside the `prefix_rules` array (its brackets
//! untouched, nothing but whitespace and comments after it): editing one entry, inserting or
//! deleting whole entries, typing a new one. Only the changed stretch between the untouched
//! entries is parsed again ([`window`]); when it is still incomplete, its error comes from that
//! small parse too, where that is provably the full parse's first error. Everything else (an edit
//! elsewhere, a document with warnings, an error that could depend on the rest of the document)
//! is a full parse, so messages always equal a full parse's.
//!
//! While a document does not parse, edits are re-read against its last parse that did
//! ([`ReparseBase`]), so each keystroke of a new entry is a small parse, not a full one.

mod window;

#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use crate::requirements::document::{ParsedRequirements, parse_requirements};
use crate::requirements_rules::PrefixRuleToml;

/// [`parse_requirements`] of `new_text`, given `old`, the parse of `old_text` with the same `source`.
pub fn reparse_requirements(
    old_text: &str,
    old: &ParsedRequirements,
    new_text: &str,
    source: &str,
) -> ParsedRequirements {
    if old_text == new_text {
        return old.clone();
    }
    window::splice(old_text, old, new_text, source).unwrap_or_else(|| parse_requirements(new_text, source))
}

/// The last parse of a document that could be spliced (a model and no diagnostics), with its text,
/// kept while later edits leave the document broken: what the next edit is re-read against.
/// Empty while the current parse is itself that parse (or there was none).
#[derive(Clone, Default)]
pub struct ReparseBase(Option<Arc<(String, ParsedRequirements)>>);

impl std::fmt::Debug for ReparseBase {
    /// Says nothing about its content: a parse's rendering must not depend on how it was made.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReparseBase")
    }
}

impl ReparseBase {
    /// Re-reads `new_text` after the edit of `old_text` (parsed as `old`, whose base was `self`):
    /// against `old` when it can be spliced, else against the base. Returns the parse and the
    /// base for the next edit.
    pub fn reparse(
        &self,
        old_text: &str,
        old: &ParsedRequirements,
        new_text: &str,
        source: &str,
    ) -> (ParsedRequirements, ReparseBase) {
        let base = if spliceable(old) {
            Some((old_text, old))
        } else {
            self.0.as_deref().map(|(text, parsed)| (text.as_str(), parsed))
        };
        let parsed = match base {
            Some((text, parsed)) => reparse_requirements(text, parsed, new_text, source),
            None => parse_requirements(new_text, source),
        };
        let next = if spliceable(&parsed) {
            ReparseBase(None)
        } else if spliceable(old) {
            ReparseBase(Some(Arc::new((old_text.to_owned(), old.clone()))))
        } else {
            self.clone()
        };
        (parsed, next)
    }
}

/// Whether a later edit can be spliced into `parsed`: it has a model and nothing to report.
fn spliceable(parsed: &ParsedRequirements) -> bool {
    parsed.document.is_some() && parsed.diagnostics.is_empty()
}

/// The edit as `(start, old_end, new_end)`: bytes `start..old_end` of the old text became
/// `start..new_end` of the new one (common prefix and suffix removed).
fn changed_range(old: &[u8], new: &[u8]) -> (usize, usize, usize) {
    let prefix =
        common_prefix(old.chunks(CHUNK), new.chunks(CHUNK), |a, b| a.iter().zip(b).take_while(|(x, y)| x == y).count());
    let (old_rest, new_rest) = (old.get(prefix..).unwrap_or_default(), new.get(prefix..).unwrap_or_default());
    let suffix = common_prefix(old_rest.rchunks(CHUNK), new_rest.rchunks(CHUNK), |a, b| {
        a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
    });
    (prefix, old.len() - suffix, new.len() - suffix)
}

/// Bytes compared at once by [`changed_range`]: whole chunks compare as slices (fast even where
/// a byte loop is not vectorised, as in the size-optimised wasm), a differing one byte by byte.
const CHUNK: usize = 256;

/// How many bytes the two chunk sequences share from their start; `within` counts them in the
/// first chunks that differ.
fn common_prefix<'a>(
    a: impl Iterator<Item = &'a [u8]>,
    b: impl Iterator<Item = &'a [u8]>,
    within: impl Fn(&[u8], &[u8]) -> usize,
) -> usize {
    let mut same = 0;
    for (x, y) in a.zip(b) {
        if x != y {
            return same + within(x, y);
        }
        same += x.len();
    }
    same
}

/// Whether `text` holds only whitespace and `#` comments.
fn only_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim_start();
        line.is_empty() || line.starts_with('#')
    })
}

/// `span` after the edit `start..old_end` grew by `delta` bytes: unchanged before it, moved after
/// it, stretched when it encloses it; `None` when it overlaps only part of it.
fn moved(span: &Range<usize>, start: usize, old_end: usize, delta: isize) -> Option<Range<usize>> {
    if span.end <= start {
        Some(span.clone())
    } else if span.start >= old_end {
        Some(span.start.checked_add_signed(delta)?..span.end.checked_add_signed(delta)?)
    } else if span.start <= start && span.end >= old_end {
        Some(span.start..span.end.checked_add_signed(delta)?)
    } else {
        None
    }
}

/// `value` at `span` moved by `delta` bytes (spans stay inside the new text, so this never
/// saturates in practice).
fn shift<T>(value: Spanned<T>, delta: isize) -> Spanned<T> {
    let span = value.span();
    Spanned::new(span.start.saturating_add_signed(delta)..span.end.saturating_add_signed(delta), value.into_inner())
}

/// A `prefix_rules` entry with every span in it moved by `delta` bytes.
fn shift_entry(entry: Spanned<PrefixRuleToml>, delta: isize) -> Spanned<PrefixRuleToml> {
    if delta == 0 {
        return entry;
    }
    let span = entry.span();
    let PrefixRuleToml { pattern, decision, justification, reviewer } = entry.into_inner();
    let pattern_span = pattern.span();
    let tokens = pattern.into_inner().into_iter().map(|t| shift(t, delta)).collect();
    let moved_entry = PrefixRuleToml {
        pattern: shift(Spanned::new(pattern_span, tokens), delta),
        decision: decision.map(|d| shift(d, delta)),
        justification: justification.map(|j| shift(j, delta)),
        reviewer: reviewer.map(|r| shift(r, delta)),
    };
    shift(Spanned::new(span, moved_entry), delta)
}

//! The splice: an edit inside the `prefix_rules` array re-reads only the stretch between the
//! entries it left untouched (the window), parsed on its own in a small document that puts the
//! parser in the same state as the real one.
//!
//! The small document is `[rules]\nprefix_rules = [`, then `{}` standing in for the untouched entry
//! before the window (when there is one), then the window's new text, then `{}]` standing in for
//! the untouched entries after it (when there are any) or else the real rest of the document.
//! Each stand-in begins and ends with the same brace as the entry it replaces, so the text splits
//! into the same tokens at the window's edges and the parser meets the window in the same state
//! (inside the array, after a value or after `[`). A TOML array's entries are context-free, so:
//! - when the small document parses to those stand-ins at their places with the new entries
//!   between them, the full parse is the old one with the window's entries replaced and the later
//!   spans moved, and a typed-reading error in a new entry is the full parse's first error;
//! - when it does not parse, the rest of the real document is appended instead of the closing
//!   stand-in, and its first error (moved into place) is the full parse's: the text before the
//!   window parsed without error before the edit, syntax errors are all reported before the
//!   others, and the small document's key structure is checked to be the real one's, so no error
//!   can depend on keys elsewhere in the document. An error pointing before the window (into the
//!   stand-in's text) is left to the full parse.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeTable;

use super::{changed_range, moved, only_trivia, shift_entry};
use crate::requirements::document::{ParsedRequirements, RequirementsToml};
use crate::requirements_rules::{PrefixRuleToml, toml_error};
use crate::tomlread::{self, Document, Error, Node, Seen};

/// The small document's text before the window.
const HEAD: &str = "[rules]\nprefix_rules = [";
/// The stand-in for an untouched entry.
const STAND_IN: &str = "{}";

/// [`super::reparse_requirements`] by splicing, or `None` when only a full parse gives the answer.
pub(super) fn splice(
    old_text: &str,
    old: &ParsedRequirements,
    new_text: &str,
    source: &str,
) -> Option<ParsedRequirements> {
    if !old.diagnostics.is_empty() {
        return None;
    }
    let doc = old.document.as_ref()?;
    let array = &doc.rules.as_ref()?.get_ref().prefix_rules;
    let (start, old_end, new_end) = changed_range(old_text.as_bytes(), new_text.as_bytes());
    let delta = isize::try_from(new_end).ok()? - isize::try_from(old_end).ok()?;
    let bracket = array.span();
    // The brackets are untouched, the array is the last thing in the document, and it is written
    // `prefix_rules = [` under a table header (as in the small document).
    if start <= bracket.start || old_end >= bracket.end || !only_trivia(old_text.get(bracket.end..)?) {
        return None;
    }
    let line = old_text.get(..bracket.start)?.rsplit('\n').next()?;
    if line.trim_start().strip_prefix("prefix_rules")?.trim() != "=" {
        return None;
    }

    let entries = array.get_ref();
    let before = entries.iter().take_while(|e| e.span().end <= start).count();
    let after = entries.iter().position(|e| e.span().start >= old_end).unwrap_or(entries.len());
    let lo = match before.checked_sub(1) {
        Some(i) => entries.get(i)?.span().end,
        None => bracket.start + 1,
    };
    if after < before {
        return None;
    }
    let hi = entries.get(after).map_or(bracket.end - 1, |e| e.span().start).checked_add_signed(delta)?;
    let window = Window { lo, stand_in_before: before > 0, stand_in_after: after < entries.len() };

    let small = window.text(new_text, hi)?;
    let Ok(parsed) = tomlread::parse(&small) else {
        return Some(broken(&window.first_error(new_text)?, source));
    };
    let new_entries = match window.entries(&parsed, &small, bracket.end.checked_add_signed(delta)?)? {
        Ok(new_entries) => new_entries,
        Err(error) => return Some(broken(&error, source)),
    };

    let mut document = RequirementsToml::clone(doc);
    let rules = document.rules.take()?;
    let rules_span = moved(&rules.span(), start, old_end, delta)?;
    let mut rules_value = rules.into_inner();
    let array_span = moved(&rules_value.prefix_rules.span(), start, old_end, delta)?;
    let old_entries = rules_value.prefix_rules.into_inner();
    let mut spliced = Vec::with_capacity(before + new_entries.len() + (old_entries.len() - after));
    let mut old_entries = old_entries.into_iter();
    spliced.extend(old_entries.by_ref().take(before));
    spliced.extend(new_entries);
    spliced.extend(old_entries.skip(after - before).map(|e| shift_entry(e, delta)));
    rules_value.prefix_rules = Spanned::new(array_span, spliced);
    document.rules = Some(Spanned::new(rules_span, rules_value));
    Some(ParsedRequirements { document: Some(std::sync::Arc::new(document)), diagnostics: Vec::new() })
}

/// What [`crate::requirements::document::parse_requirements`] returns for a document whose first
/// error is `error`.
fn broken(error: &Error, source: &str) -> ParsedRequirements {
    ParsedRequirements { document: None, diagnostics: vec![toml_error(error, source)] }
}

/// The changed stretch of the array in the new text: from `lo` (just after the last untouched
/// entry before the edit, or after `[`) to the first untouched entry after it (or `]`).
struct Window {
    lo: usize,
    stand_in_before: bool,
    stand_in_after: bool,
}

impl Window {
    /// Where the window's first byte stands in the small document.
    fn offset(&self) -> usize {
        HEAD.len() + if self.stand_in_before { STAND_IN.len() } else { 0 }
    }

    /// A small-document position as a position of the new text.
    fn to_real(&self, at: usize) -> Option<usize> {
        at.checked_sub(self.offset())?.checked_add(self.lo)
    }

    /// The small document up to the window: the head and the stand-in before it.
    fn before_window(&self) -> String {
        let mut small = String::from(HEAD);
        if self.stand_in_before {
            small.push_str(STAND_IN);
        }
        small
    }

    /// The small document: the head, the stand-ins and the window `lo..hi` of `new_text`.
    fn text(&self, new_text: &str, hi: usize) -> Option<String> {
        let mut small = self.before_window();
        if self.stand_in_after {
            small.push_str(new_text.get(self.lo..hi)?);
            small.push_str(STAND_IN);
            small.push(']');
        } else {
            small.push_str(new_text.get(self.lo..)?);
        }
        Some(small)
    }

    /// The window's entries read from the parsed small document, moved into place (or the first
    /// entry's reading error, moved into place). `None` when the small document is not the
    /// stand-ins around entries, closed where the real array closes (`array_end` in the new text).
    fn entries(
        &self,
        parsed: &Document<'_>,
        small: &str,
        array_end: usize,
    ) -> Option<Result<Vec<Spanned<PrefixRuleToml>>, Error>> {
        let array = only_prefix_rules(parsed)?;
        let span = array.span()?;
        let closes_right =
            if self.stand_in_after { span.end == small.len() } else { self.to_real(span.end)? == array_end };
        if span.start + 1 != HEAD.len() || !closes_right {
            return None;
        }
        let Ok(Seen::Seq(mut items)) = array.seen() else { return None };
        if self.stand_in_after {
            let end = small.len() - 1;
            is_stand_in(&items.pop()?, end - STAND_IN.len()..end)?;
        }
        if self.stand_in_before {
            if items.is_empty() {
                return None;
            }
            is_stand_in(&items.remove(0), HEAD.len()..self.offset())?;
        }
        let delta = isize::try_from(self.lo).ok()? - isize::try_from(self.offset()).ok()?;
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            let span = item.span()?;
            match PrefixRuleToml::from_toml(item) {
                Ok(entry) => out.push(shift_entry(Spanned::new(span, entry), delta)),
                Err(e) => return Some(Err(self.moved_error(&e)?)),
            }
        }
        Some(Ok(out))
    }

    /// The full parse's first error when the window does not parse: the small document with the
    /// rest of the real one, its first error moved into place.
    fn first_error(&self, new_text: &str) -> Option<Error> {
        let mut small = self.before_window();
        small.push_str(new_text.get(self.lo..)?);
        let (parsed, errors) = DeTable::parse_recoverable(&small);
        only_prefix_rules(&parsed)?;
        self.moved_error(&Error::from(errors.into_iter().next()?))
    }

    /// `e` (of the small document) at its place in the new text; `None` when it points before
    /// the window.
    fn moved_error(&self, e: &Error) -> Option<Error> {
        let Some(span) = e.span() else { return Some(e.clone()) };
        let real: Range<usize> = self.to_real(span.start)?..self.to_real(span.end)?;
        Some(e.clone().without_span().or_span(Some(&real)))
    }
}

/// The value of `rules.prefix_rules` when the document holds that key and nothing else.
fn only_prefix_rules<'a>(doc: &'a Document<'a>) -> Option<Node<'a>> {
    let rules = tomlread::only_value(doc, "rules")?;
    let Ok(Seen::Map(entries)) = rules.seen() else { return None };
    match entries.as_slice() {
        [entry] if entry.key == "prefix_rules" => Some(entry.value.clone()),
        _ => None,
    }
}

/// `Some` when `node` is an empty inline table at `span` (a stand-in).
fn is_stand_in(node: &Node<'_>, span: Range<usize>) -> Option<()> {
    let Ok(Seen::Map(entries)) = node.seen() else { return None };
    (entries.is_empty() && node.span()? == span).then_some(())
}

//! Re-parsing a requirements document after an edit, reusing the previous parse where that gives
//! exactly what a full parse would: the app calls this on every keystroke, and a 1,000-rule policy
//! costs ~5 ms to parse in the browser.
//!
//! The one edit handled incrementally is the common one: inside a single `prefix_rules` entry,
//! with nothing but whitespace and comments after the array. A TOML value is context-free, so when
//! the edited entry alone reads as one inline table, the full parse is the old one with that entry
//! replaced and every later span moved by the edit's length. Everything else (an error anywhere,
//! warnings, an edit that touches an entry's braces or two entries, text after the array) is a
//! full parse, so messages always come from the full parse.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use crate::requirements::document::{ParsedRequirements, parse_requirements};
use crate::requirements_rules::PrefixRuleToml;
use crate::tomlread;

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
    splice_entry_edit(old_text, old, new_text).unwrap_or_else(|| parse_requirements(new_text, source))
}

/// The edit as `(start, old_end, new_end)`: bytes `start..old_end` of the old text became
/// `start..new_end` of the new one (common prefix and suffix removed).
fn changed_range(old: &[u8], new: &[u8]) -> (usize, usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    (prefix, old.len() - suffix, new.len() - suffix)
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

/// Reads `text` as one `prefix_rules` entry standing at byte `offset` of the document.
fn read_entry_at(text: &str, offset: usize) -> Option<Spanned<PrefixRuleToml>> {
    const KEY: &str = "x = ";
    let wrapped = [KEY, text].concat();
    let doc = tomlread::parse(&wrapped).ok()?;
    let node = tomlread::only_value(&doc, "x")?;
    // The whole text must be the one value (not a value followed by more keys).
    if node.span()? != (KEY.len()..wrapped.len()) {
        return None;
    }
    let entry = Spanned::new(KEY.len()..wrapped.len(), PrefixRuleToml::from_toml(&node).ok()?);
    Some(shift_entry(entry, isize::try_from(offset).ok()? - isize::try_from(KEY.len()).ok()?))
}

fn splice_entry_edit(old_text: &str, old: &ParsedRequirements, new_text: &str) -> Option<ParsedRequirements> {
    if !old.diagnostics.is_empty() {
        return None;
    }
    let doc = old.document.as_ref()?;
    let rules = doc.rules.as_ref()?;
    let array = &rules.get_ref().prefix_rules;
    let (start, old_end, new_end) = changed_range(old_text.as_bytes(), new_text.as_bytes());
    let delta = isize::try_from(new_end).ok()? - isize::try_from(old_end).ok()?;
    // Strictly inside one entry: its braces are untouched.
    let index = array.get_ref().iter().position(|e| e.span().start < start && old_end < e.span().end)?;
    if !only_trivia(old_text.get(array.span().end..)?) {
        return None;
    }
    let entry_span = array.get_ref().get(index)?.span();
    let entry =
        read_entry_at(new_text.get(entry_span.start..entry_span.end.checked_add_signed(delta)?)?, entry_span.start)?;

    let mut document = crate::requirements::document::RequirementsToml::clone(doc);
    let rules = document.rules.take()?;
    let rules_span = moved(&rules.span(), start, old_end, delta)?;
    let mut rules_value = rules.into_inner();
    let array_span = moved(&rules_value.prefix_rules.span(), start, old_end, delta)?;
    let mut entries = Vec::with_capacity(rules_value.prefix_rules.get_ref().len());
    let mut replacement = Some(entry);
    for (i, e) in rules_value.prefix_rules.into_inner().into_iter().enumerate() {
        entries.push(match i.cmp(&index) {
            std::cmp::Ordering::Less => e,
            std::cmp::Ordering::Equal => replacement.take()?,
            std::cmp::Ordering::Greater => shift_entry(e, delta),
        });
    }
    rules_value.prefix_rules = Spanned::new(array_span, entries);
    document.rules = Some(Spanned::new(rules_span, rules_value));
    Some(ParsedRequirements { document: Some(Arc::new(document)), diagnostics: Vec::new() })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn doc(rules: &[String], tail: &str) -> String {
        format!(
            "allowed_sandbox_modes = [\"read-only\"]\n[rules]\nprefix_rules = [\n{}\n]\n{tail}",
            rules.iter().map(|r| format!("  {r},")).collect::<Vec<_>>().join("\n")
        )
    }

    fn rule(i: usize) -> String {
        match i % 3 {
            0 => format!(
                "{{ pattern = [{{ token = \"tool{i}\" }}, {{ any_of = [\"run\", \"exec\"] }}], decision = \"prompt\" }}"
            ),
            1 => format!(
                "{{ pattern = [{{ token = \"t{i}\" }}], decision = \"forbidden\", justification = \"no {i}\" }}"
            ),
            _ => format!(
                "{{ pattern = [{{ any_of = [\"a{i}\", \"b\"] }}, {{ token = \"x\" }}], decision = \"prompt\", reviewer = \"user\" }}"
            ),
        }
    }

    /// The reparse equals a full parse, byte for byte in its Debug rendering (values and spans).
    fn check(old_text: &str, new_text: &str) -> bool {
        let old = parse_requirements(old_text, "r.toml");
        let fast = reparse_requirements(old_text, &old, new_text, "r.toml");
        let full = parse_requirements(new_text, "r.toml");
        assert_eq!(format!("{fast:?}"), format!("{full:?}"), "old:\n{old_text}\nnew:\n{new_text}");
        splice_entry_edit(old_text, &old, new_text).is_some()
    }

    #[test]
    fn an_edit_inside_one_entry_is_spliced_and_equals_a_full_parse() {
        let rules: Vec<String> = (0..30).map(rule).collect();
        let old = doc(&rules, "# trailing comment\n");
        // Longer, shorter, and a changed decision, in the first, a middle and the last entry.
        for (from, to) in [("tool0", "tool0-longer"), ("t13", "t"), ("\"prompt\", reviewer", "\"forbidden\", reviewer")]
        {
            let new = old.replacen(from, to, 1);
            assert_ne!(new, old);
            assert!(check(&old, &new), "{from} → {to} should be spliced");
        }
        let last = old.replace("a29", "a29-z");
        assert!(check(&old, &last));
    }

    #[test]
    fn edits_it_cannot_splice_fall_back_to_a_full_parse() {
        let rules: Vec<String> = (0..6).map(rule).collect();
        let old = doc(&rules, "");
        let cases = [
            old.replacen("\"t1\" }", "\"t1\" ", 1), // a brace removed: a syntax error
            old.replacen("decision = \"forbidden\"", "decision = \"maybe\"", 1), // an unknown variant
            old.replacen("}], decision = \"prompt\" },\n  {", "}], decision = \"prompt\" }, {", 1), // across entries
            old.replacen("token = \"x\"", "token = 5", 1), // a type error
            [old.as_str(), "[other]\nkey = 1\n"].concat(), // text after the array
            old.replacen("read-only", "workspace-write", 1), // outside the rules
        ];
        for new in cases {
            assert_ne!(new, old);
            assert!(!check(&old, &new), "should not be spliced:\n{new}");
        }
        // A document with warnings is never spliced either.
        let warned = ["unknwn = 1\n", old.as_str()].concat();
        assert!(!check(&warned, &warned.replacen("tool0", "tool00", 1)));
        // An unchanged text reuses the parse whole (check asserts it equals a full parse).
        check(&old, &old);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any single-range replacement anywhere in a rules document: the reparse is the full parse.
        #[test]
        fn any_edit_reparses_exactly(n in 1usize..12, at in 0usize..2000, cut in 0usize..12, insert in "[ a-z0-9\"{}=,\\[\\]#_\n-]{0,12}") {
            let rules: Vec<String> = (0..n).map(rule).collect();
            let old = doc(&rules, "");
            let start = at % old.len();
            let end = (start + cut).min(old.len());
            let new = [&old[..start], insert.as_str(), &old[end..]].concat();
            check(&old, &new);
        }

        /// Text typed into a string of any entry is always spliced, and still equals a full parse.
        #[test]
        fn typing_inside_an_entry_is_spliced(n in 1usize..12, k in 0usize..12, typed in "[a-z0-9 _./-]{1,8}") {
            let rules: Vec<String> = (0..n).map(rule).collect();
            let old = doc(&rules, "");
            let entry = rules.get(k % n).map(String::as_str).unwrap_or_default();
            let entry_at = old.find(entry).unwrap_or_default();
            // Inside the entry's first string: its first pattern token.
            let at = entry_at + entry.find('"').unwrap_or(0) + 1;
            let new = [&old[..at], typed.as_str(), &old[at..]].concat();
            prop_assert!(check(&old, &new), "not spliced:\n{}", new);
        }
    }
}

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
        1 => format!("{{ pattern = [{{ token = \"t{i}\" }}], decision = \"forbidden\", justification = \"no {i}\" }}"),
        _ => format!(
            "{{ pattern = [{{ any_of = [\"a{i}\", \"b\"] }}, {{ token = \"x\" }}], decision = \"prompt\", reviewer = \"user\" }}"
        ),
    }
}

/// Entries a person might leave for a while: wrong values, wrong types, a missing field.
fn odd_rule(i: usize) -> String {
    match i % 4 {
        0 => format!("{{ pattern = [{{ token = \"w{i}\" }}], decision = \"maybe\" }}"),
        1 => "{ pattern = [{ token = 5 }], decision = \"prompt\" }".to_owned(),
        2 => format!("{{ decision = \"prompt\", justification = \"{i}\" }}"),
        _ => format!("{{ pattern = [{{ token = \"c{i}\" }}], decision = \"prompt\" }} # note {i}"),
    }
}

/// The reparse equals a full parse, byte for byte in its Debug rendering (values, spans,
/// diagnostics); whether it was spliced.
fn check(old_text: &str, new_text: &str) -> bool {
    let old = parse_requirements(old_text, "r.toml");
    let fast = reparse_requirements(old_text, &old, new_text, "r.toml");
    let full = parse_requirements(new_text, "r.toml");
    assert_eq!(format!("{fast:?}"), format!("{full:?}"), "old:\n{old_text}\nnew:\n{new_text}");
    old_text == new_text || window::splice(old_text, &old, new_text, "r.toml").is_some()
}

#[test]
fn an_edit_inside_one_entry_is_spliced_and_equals_a_full_parse() {
    let rules: Vec<String> = (0..30).map(rule).collect();
    let old = doc(&rules, "# trailing comment\n");
    // Longer, shorter, and a changed decision, in the first, a middle and the last entry.
    for (from, to) in [("tool0", "tool0-longer"), ("t13", "t"), ("\"prompt\", reviewer", "\"forbidden\", reviewer")] {
        let new = old.replacen(from, to, 1);
        assert_ne!(new, old);
        assert!(check(&old, &new), "{from} → {to} should be spliced");
    }
    let last = old.replace("a29", "a29-z");
    assert!(check(&old, &last));
}

#[test]
fn whole_entries_inserted_or_deleted_are_spliced() {
    let rules: Vec<String> = (0..20).map(rule).collect();
    let old = doc(&rules, "");
    let first = format!("  {},\n", rules.first().map(String::as_str).unwrap_or_default());
    let cases = [
        // A new rule at the end, in the middle, at the start.
        old.replacen("\n]\n", &format!("\n  {},\n]\n", rule(100)), 1),
        old.replacen(
            "  { pattern = [{ token = \"t7\" }]",
            &format!("  {},\n  {{ pattern = [{{ token = \"t7\" }}]", rule(101)),
            1,
        ),
        old.replacen("prefix_rules = [\n", &format!("prefix_rules = [\n  {},\n", rule(102)), 1),
        // Two rules typed on one line between two others.
        old.replacen(
            "  { pattern = [{ token = \"t4\" }]",
            &format!("  {}, {},\n  {{ pattern = [{{ token = \"t4\" }}]", rule(103), rule(104)),
            1,
        ),
        // The first, a middle and the last rule deleted; every rule deleted.
        old.replacen(&first, "", 1),
        old.replacen(&format!("  {},\n", rule(10)), "", 1),
        old.replacen(&format!("  {},\n", rule(19)), "", 1),
        doc(&[], ""),
        // Two entries joined on one line, a comment between entries.
        old.replacen("prompt\" },\n  {", "prompt\" }, {", 1),
        old.replacen(&format!("  {},\n", rule(5)), &format!("  {},\n  # a comment\n", rule(5)), 1),
    ];
    for new in cases {
        assert_ne!(new, old);
        assert!(check(&old, &new), "should be spliced:\n{new}");
        assert!(check(&new, &old), "should be spliced back:\n{new}");
    }
}

#[test]
fn an_incomplete_entry_gets_the_full_parse_error_from_the_window() {
    let rules: Vec<String> = (0..12).map(rule).collect();
    let old = doc(&rules, "");
    let typed = format!("  {},", rule(200));
    for n in 1..typed.len() {
        let partial = typed.get(..n).unwrap_or_default();
        // At the end of the array, where a new rule is usually typed.
        let new = old.replacen("\n]\n", &format!("\n{partial}\n]\n"), 1);
        assert!(check(&old, &new) || n <= 3, "typing at the end should be spliced:\n{new}");
        // Between two rules: the error may depend on the rest, so it is read with the rest.
        let middle = old.replacen(
            "  { pattern = [{ token = \"t4\" }]",
            &format!("{partial}\n  {{ pattern = [{{ token = \"t4\" }}]"),
            1,
        );
        check(&old, &middle);
    }
}

#[test]
fn typed_reading_errors_in_new_entries_come_from_the_window() {
    let rules: Vec<String> = (0..8).map(rule).collect();
    let old = doc(&rules, "");
    for i in 0..4 {
        let new = old.replacen("\n]\n", &format!("\n  {},\n]\n", odd_rule(i)), 1);
        assert!(check(&old, &new), "should be spliced:\n{new}");
        let middle = old.replacen(&format!("  {},\n", rule(3)), &format!("  {},\n", odd_rule(i)), 1);
        assert!(check(&old, &middle), "should be spliced:\n{middle}");
    }
}

#[test]
fn edits_it_cannot_splice_fall_back_to_a_full_parse() {
    let rules: Vec<String> = (0..6).map(rule).collect();
    let old = doc(&rules, "");
    let cases = [
        [old.as_str(), "[other]\nkey = 1\n"].concat(),   // text after the array
        old.replacen("read-only", "workspace-write", 1), // outside the rules
        old.replacen("prefix_rules = [", "prefix_rules = (", 1), // the bracket itself
        old.replacen("\n]\n", "\n]\nx = 1\n", 1),        // a key after the array
        old.replacen("\n]\n", "\n]\n[rules]\n", 1),      // a table after the array: a semantic error
    ];
    for new in cases {
        assert_ne!(new, old);
        assert!(!check(&old, &new), "should not be spliced:\n{new}");
    }
    // A document with warnings is never spliced either.
    let warned = ["unknwn = 1\n", old.as_str()].concat();
    assert!(!check(&warned, &warned.replacen("tool0", "tool00", 1)));
    // Neither is an array written inside an inline table, or with a dotted key.
    let inline = "[rules]\nx = { prefix_rules = [\n  { pattern = [{ token = \"a\" }], decision = \"prompt\" },\n] }\n";
    check(inline, &inline.replacen("\"a\"", "\"ab\"", 1));
    let dotted = "rules.prefix_rules = [\n  { pattern = [{ token = \"a\" }], decision = \"prompt\" },\n]\n";
    assert!(!check(dotted, &dotted.replacen("\"a\"", "\"ab\"", 1)));
    // An unchanged text reuses the parse whole (check asserts it equals a full parse).
    check(&old, &old);
}

#[test]
fn keystrokes_while_broken_are_read_against_the_last_parse_that_worked() {
    let rules: Vec<String> = (0..10).map(rule).collect();
    let good = doc(&rules, "");
    let typed = format!("  {},", rule(300));
    let mut text = good.clone();
    let mut parsed = parse_requirements(&text, "r.toml");
    let mut base = ReparseBase::default();
    for n in 1..=typed.len() {
        let new = good.replacen("\n]\n", &format!("\n{}\n]\n", typed.get(..n).unwrap_or_default()), 1);
        let (next, next_base) = base.reparse(&text, &parsed, &new, "r.toml");
        assert_eq!(format!("{next:?}"), format!("{:?}", parse_requirements(&new, "r.toml")));
        // Broken states keep the last good text as their base.
        assert_eq!(next_base.0.is_some(), !spliceable(&next), "after {n} bytes");
        (text, parsed, base) = (new, next, next_base);
    }
    assert!(spliceable(&parsed));
}

/// One step of an editing session over a rules document.
#[derive(Debug, Clone)]
enum Step {
    Insert(usize, usize),
    Delete(usize),
    Replace(usize, usize),
    /// A new entry typed up to `.2` bytes (kept until a later step completes or drops it).
    Type(usize, usize, usize),
    /// The partly typed entry completed.
    Finish,
    Odd(usize, usize),
    OtherTable,
    Tail(usize),
    /// A raw replacement at a position of the rendered text (this step only).
    Raw(usize, usize, String),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..40, 0usize..400).prop_map(|(i, r)| Step::Insert(i, r)),
        (0usize..40).prop_map(Step::Delete),
        (0usize..40, 0usize..400).prop_map(|(i, r)| Step::Replace(i, r)),
        (0usize..40, 0usize..400, 0usize..120).prop_map(|(i, r, n)| Step::Type(i, r, n)),
        Just(Step::Finish),
        (0usize..40, 0usize..8).prop_map(|(i, r)| Step::Odd(i, r)),
        Just(Step::OtherTable),
        (0usize..4).prop_map(Step::Tail),
        (0usize..4000, 0usize..12, "[ a-z0-9\"'{}=,\\[\\]#_\n.:+\\\\é-]{0,12}")
            .prop_map(|(at, cut, s)| Step::Raw(at, cut, s)),
    ]
}

/// The document a session edits: entries, one entry being typed, a setting, text after the array.
#[derive(Debug, Clone, Default)]
struct Model {
    entries: Vec<String>,
    typing: Option<(usize, String, usize)>,
    workspace_write: bool,
    tail: usize,
}

impl Model {
    fn render(&self) -> String {
        let mut lines: Vec<String> = self.entries.iter().map(|e| format!("  {e},")).collect();
        if let Some((at, entry, n)) = &self.typing {
            let typed = format!("  {entry},");
            lines.insert((*at).min(lines.len()), typed.get(..(*n).min(typed.len())).unwrap_or_default().to_owned());
        }
        let modes = if self.workspace_write { "\"read-only\", \"workspace-write\"" } else { "\"read-only\"" };
        let tail = ["", "# done\n", "\n\n   # indented comment\n", "[other]\nkey = 1\n"]
            .get(self.tail)
            .copied()
            .unwrap_or_default();
        format!("allowed_sandbox_modes = [{modes}]\n[rules]\nprefix_rules = [\n{}\n]\n{tail}", lines.join("\n"))
    }

    /// Applies `step`; the text to parse next.
    fn apply(&mut self, step: &Step) -> String {
        let len = self.entries.len();
        match step {
            Step::Insert(i, r) => self.entries.insert(i % (len + 1), rule(*r)),
            Step::Delete(i) if len > 0 => {
                self.entries.remove(i % len);
            }
            Step::Replace(i, r) if len > 0 => {
                if let Some(e) = self.entries.get_mut(i % len) {
                    *e = rule(*r);
                }
            }
            Step::Type(i, r, n) => self.typing = Some((i % (len + 1), rule(*r), *n)),
            Step::Finish => {
                if let Some((at, entry, _)) = self.typing.take() {
                    self.entries.insert(at.min(len), entry);
                }
            }
            Step::Odd(i, r) => self.entries.insert(i % (len + 1), odd_rule(*r)),
            Step::OtherTable => self.workspace_write = !self.workspace_write,
            Step::Tail(t) => self.tail = *t,
            Step::Raw(at, cut, insert) => {
                let text = self.render();
                let start = at % (text.len() + 1);
                let end = (start + cut).min(text.len());
                return [text.get(..start).unwrap_or_default(), insert, text.get(end..).unwrap_or_default()].concat();
            }
            Step::Delete(_) | Step::Replace(..) => {}
        }
        self.render()
    }
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

    /// A session of edits (whole entries inserted, deleted, replaced, typed a byte range at a time,
    /// odd entries, other tables, text after the array, raw edits), each re-read from the previous
    /// parse and its base as the workspace does: every parse is the full parse, diagnostics too.
    #[test]
    fn an_editing_session_reparses_exactly(n in 0usize..15, steps in prop::collection::vec(step(), 1..12)) {
        let mut model = Model { entries: (0..n).map(rule).collect(), ..Model::default() };
        let mut text = model.render();
        let mut parsed = parse_requirements(&text, "r.toml");
        let mut base = ReparseBase::default();
        for s in &steps {
            let new = model.apply(s);
            let (next, next_base) = base.reparse(&text, &parsed, &new, "r.toml");
            let full = parse_requirements(&new, "r.toml");
            prop_assert_eq!(format!("{next:?}"), format!("{full:?}"), "step {:?}\nold:\n{}\nnew:\n{}", s, text, new);
            (text, parsed, base) = (new, next, next_base);
        }
    }
}

proptest! {
    /// The chunked comparison finds the same edit as a byte-by-byte one.
    #[test]
    fn changed_range_is_the_byte_by_byte_one(a in "[ab]{0,700}", at in 0usize..700, cut in 0usize..300, insert in "[ab]{0,300}") {
        let start = at.min(a.len());
        let end = (start + cut).min(a.len());
        let b = [&a[..start], insert.as_str(), &a[end..]].concat();
        let (old, new) = (a.as_bytes(), b.as_bytes());
        let prefix = old.iter().zip(new).take_while(|(x, y)| x == y).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
        prop_assert_eq!(changed_range(old, new), (prefix, old.len() - suffix, new.len() - suffix));
    }
}

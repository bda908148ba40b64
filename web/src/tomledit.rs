//! In-place edits of the workspace file for the structured panel. The text stays the single
//! source of truth: moving a policy rule swaps two `[[policy_rules]]` entries, editing a group
//! rewrites only that `[[groups]]` entry, and everything else (comments, order, formatting) is
//! left as the person wrote it. Entries are found through the highlighter's TOML lexer, so a
//! `[rules]` line inside an inline policy's `'''…'''` string is never mistaken for a table.

use std::ops::Range;

use crate::highlight::{Header, toml_headers};

/// A TOML basic string (the engine's quoting, so the app writes what the engine reads back).
pub fn quote(s: &str) -> String {
    policy_engine::requirements::toml_text::quote_basic_string(s)
}

/// A key: bare when it can be, quoted otherwise.
pub fn key(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// `["a", "b"]`.
pub fn string_array<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    ["[", &quoted.join(", "), "]"].concat()
}

/// The extent of the entry under `headers[i]`: from its `[` to the end of its last line that is
/// neither blank nor only a comment (comments just above the next header belong to that one).
fn extent(text: &str, headers: &[Header], i: usize) -> Option<Range<usize>> {
    let header = headers.get(i)?;
    let limit = headers.get(i + 1).map_or(text.len(), |h| h.start);
    let body = text.get(header.end..limit)?;
    let mut end = header.end;
    let mut offset = header.end;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    Some(header.start..end)
}

fn matching(headers: &[Header], path: &[&str], array: bool) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.array == array && h.path.len() == path.len() && h.path.iter().zip(path).all(|(a, b)| a == b))
        .map(|(i, _)| i)
        .collect()
}

/// The extents of every entry of the array of tables `name` (`[[name]]`), in order.
pub fn array_entries(text: &str, name: &str) -> Vec<Range<usize>> {
    let headers = toml_headers(text);
    matching(&headers, &[name], true).into_iter().filter_map(|i| extent(text, &headers, i)).collect()
}

/// The extent of the table `[path]`.
pub fn table_entry(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let headers = toml_headers(text);
    let i = *matching(&headers, path, false).first()?;
    extent(text, &headers, i)
}

/// The extents of every table directly under `parent` (`[parent.x]`), with `x`.
pub fn child_tables(text: &str, parent: &str) -> Vec<(String, Range<usize>)> {
    let headers = toml_headers(text);
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.array && h.path.len() == 2 && h.path.first().is_some_and(|p| p == parent))
        .filter_map(|(i, h)| Some((h.path.get(1)?.clone(), extent(text, &headers, i)?)))
        .collect()
}

fn splice(text: &str, range: &Range<usize>, with: &str) -> Option<String> {
    Some([text.get(..range.start)?, with, text.get(range.end..)?].concat())
}

/// Swaps two entries (any order).
pub fn swap(text: &str, a: &Range<usize>, b: &Range<usize>) -> Option<String> {
    let (first, second) = if a.start < b.start { (a, b) } else { (b, a) };
    if first.end > second.start {
        return None;
    }
    Some(
        [
            text.get(..first.start)?,
            text.get(second.clone())?,
            text.get(first.end..second.start)?,
            text.get(first.clone())?,
            text.get(second.end..)?,
        ]
        .concat(),
    )
}

/// Replaces an entry's text.
pub fn replace(text: &str, range: &Range<usize>, entry: &str) -> Option<String> {
    splice(text, range, entry)
}

/// Removes an entry with its line break, and the blank line it leaves behind.
pub fn remove(text: &str, range: &Range<usize>) -> Option<String> {
    let mut end = range.end;
    if text.get(end..end + 1) == Some("\n") {
        end += 1;
    }
    let mut start = range.start;
    // Drop one blank line before the entry when another follows, so spacing stays even.
    if text.get(start.saturating_sub(2)..start) == Some("\n\n") && text.get(end..end + 1).is_none_or(|c| c == "\n") {
        start -= 1;
    }
    splice(text, &(start..end), "")
}

/// Inserts `entry` after the last of `after` (or at the end of the text), separated by a blank line.
pub fn insert_after(text: &str, after: Option<&Range<usize>>, entry: &str) -> String {
    if let Some(range) = after {
        let at = range.end.min(text.len());
        [text.get(..at).unwrap_or(text), "\n\n", entry, text.get(at..).unwrap_or("")].concat()
    } else {
        let trimmed = text.trim_end_matches('\n');
        if trimmed.is_empty() { [entry, "\n"].concat() } else { [trimmed, "\n\n", entry, "\n"].concat() }
    }
}

/// `[[policy_rules]]` entry text.
pub fn policy_rule_entry(group: &str, policy: &str) -> String {
    ["[[policy_rules]]\ngroup = ", &quote(group), "\npolicy = ", &quote(policy)].concat()
}

/// `[[groups]]` entry text.
pub fn group_entry<M: AsRef<str>, R: AsRef<str>>(name: &str, members: &[M], roles: &[R]) -> String {
    ["[[groups]]\nname = ", &quote(name), "\nmembers = ", &string_array(members), "\nroles = ", &string_array(roles)]
        .concat()
}

/// `[roles.<name>]` entry text, every permission written out.
pub fn role_entry(name: &str, permissions: [bool; 4]) -> String {
    let mut out = ["[roles.", &key(name), "]"].concat();
    for (flag, value) in ["codex_local", "codex_cloud", "codex_admin", "agent_internet"].iter().zip(permissions) {
        out.push('\n');
        out.push_str(flag);
        out.push_str(if value { " = true" } else { " = false" });
    }
    out
}

/// Sets `[table]` to `body` lines (replacing the table, or adding it at the end), or removes it
/// when `body` is `None`.
pub fn set_table(text: &str, path: &[&str], body: Option<&str>) -> String {
    let header = ["[", &path.iter().map(|p| key(p)).collect::<Vec<_>>().join("."), "]"].concat();
    let existing = table_entry(text, path);
    match (existing, body) {
        (Some(range), Some(body)) => replace(text, &range, &[header.as_str(), "\n", body].concat()),
        (Some(range), None) => remove(text, &range),
        (None, Some(body)) => Some(insert_after(text, None, &[header.as_str(), "\n", body].concat())),
        (None, None) => None,
    }
    .unwrap_or_else(|| text.to_owned())
}

/// Sets `[workspace]`'s `name` and `default_role` (the only keys it has), keeping it first.
pub fn set_workspace_section(text: &str, name: Option<&str>, default_role: Option<&str>) -> String {
    let mut body = Vec::new();
    if let Some(name) = name {
        body.push(["name = ", &quote(name)].concat());
    }
    if let Some(role) = default_role {
        body.push(["default_role = ", &quote(role)].concat());
    }
    let entry = ["[workspace]\n", &body.join("\n")].concat();
    if let Some(range) = table_entry(text, &["workspace"]) {
        replace(text, &range, entry.trim_end()).unwrap_or_else(|| text.to_owned())
    } else {
        // Before the first table, after any leading comments.
        let at = toml_headers(text).first().map_or(text.len(), |h| h.start);
        [text.get(..at).unwrap_or(""), &entry, "\n\n", text.get(at..).unwrap_or("")].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "# top\n[workspace]\nname = \"A\"\n\n[[groups]]\nname = \"G\" # the group\nmembers = []\n\n# Order matters.\n[[policy_rules]]\ngroup = \"G\"\npolicy = \"p\"\n\n[[policy_rules]]\ngroup = \"H\"\npolicy = \"q\"\n\n[policies.p]\nrequirements = '''\n[[policy_rules]]\n'''\n";

    #[test]
    fn entries_stop_before_the_next_headers_comments() {
        let rules = array_entries(WS, "policy_rules");
        assert_eq!(rules.len(), 2, "the header inside the policy string is not an entry");
        assert_eq!(&WS[rules[0].clone()], "[[policy_rules]]\ngroup = \"G\"\npolicy = \"p\"");
        let groups = array_entries(WS, "groups");
        assert_eq!(&WS[groups[0].clone()], "[[groups]]\nname = \"G\" # the group\nmembers = []");
    }

    #[test]
    fn swapping_rules_keeps_everything_else() {
        let rules = array_entries(WS, "policy_rules");
        let swapped = swap(WS, &rules[1], &rules[0]).expect("swap");
        assert!(swapped.contains(
            "# Order matters.\n[[policy_rules]]\ngroup = \"H\"\npolicy = \"q\"\n\n[[policy_rules]]\ngroup = \"G\""
        ));
        assert_eq!(swapped.len(), WS.len());
        let again = array_entries(&swapped, "policy_rules");
        assert_eq!(swap(&swapped, &again[0], &again[1]).as_deref(), Some(WS));
    }

    #[test]
    fn removing_and_inserting_entries() {
        let rules = array_entries(WS, "policy_rules");
        let removed = remove(WS, &rules[0]).expect("remove");
        assert_eq!(array_entries(&removed, "policy_rules").len(), 1);
        assert!(!removed.contains("\n\n\n"), "{removed}");
        let added = insert_after(WS, rules.last(), &policy_rule_entry("X \"y\"", "p"));
        assert!(
            added.contains(
                "policy = \"q\"\n\n[[policy_rules]]\ngroup = \"X \\\"y\\\"\"\npolicy = \"p\"\n\n[policies.p]"
            )
        );
        assert_eq!(insert_after("", None, "[a]"), "[a]\n");
        assert_eq!(insert_after("x = 1\n\n\n", None, "[a]"), "x = 1\n\n[a]\n");
    }

    #[test]
    fn tables_are_set_replaced_and_removed() {
        let with = set_table(WS, &["default_policy"], Some("policy = \"p\""));
        assert!(with.ends_with("'''\n\n[default_policy]\npolicy = \"p\"\n"), "{with}");
        let changed = set_table(&with, &["default_policy"], Some("policy = \"q\""));
        assert!(changed.ends_with("[default_policy]\npolicy = \"q\"\n"), "{changed}");
        let gone = set_table(&changed, &["default_policy"], None);
        assert_eq!(gone, WS);
    }

    #[test]
    fn workspace_section_is_rewritten_in_place_or_added_first() {
        let out = set_workspace_section(WS, Some("A"), Some("Member"));
        assert!(out.starts_with("# top\n[workspace]\nname = \"A\"\ndefault_role = \"Member\"\n\n[[groups]]"), "{out}");
        let added = set_workspace_section("# c\n[roles.M]\n", None, Some("M"));
        assert_eq!(added, "# c\n[workspace]\ndefault_role = \"M\"\n\n[roles.M]\n");
    }

    #[test]
    fn roles_and_groups_are_written_with_quoted_names() {
        assert_eq!(
            role_entry("Codex Admin", [true, false, true, false]).lines().next(),
            Some("[roles.\"Codex Admin\"]")
        );
        assert_eq!(
            group_entry("G", &["a@x"], &["R 1"]),
            "[[groups]]\nname = \"G\"\nmembers = [\"a@x\"]\nroles = [\"R 1\"]"
        );
        assert_eq!(child_tables("[roles.A]\nx=1\n[roles.\"B c\"]\n", "roles").len(), 2);
        assert_eq!(quote("a\u{1}"), "\"a\\u0001\"");
    }
}

//! The `.rules` texts of the repository, and their prefixes.

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rules` text in the repository as (where, text): the example files, the texts of the
/// case corpus (`{ name = "….rules", text = … }` anywhere in `tests/cases/**/*.toml`), and the
/// string literals of the evaluator's unit tests.
pub(crate) fn corpus() -> Vec<(String, String)> {
    let root = root();
    let mut out = Vec::new();
    for dir in ["web/src/examples", "examples/acme"] {
        for path in files(&root.join(dir)) {
            if path.extension().is_some_and(|e| e == "rules") {
                out.push((path.display().to_string(), read(&path)));
            }
        }
    }
    for path in files(&root.join("tests/cases")) {
        if path.extension().is_some_and(|e| e == "toml") {
            let text = read(&path);
            let table = DeTable::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            rules_texts(table.get_ref(), &path.display().to_string(), &mut out);
        }
    }
    let tests = root.join("crates/policy-engine/src/starlark/tests.rs");
    for (i, s) in rust_strings(&read(&tests)).into_iter().enumerate() {
        out.push((format!("{}#{i}", tests.display()), s));
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The files under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Collects `text` of every table whose `name` ends in `.rules`.
fn rules_texts(table: &DeTable<'_>, at: &str, out: &mut Vec<(String, String)>) {
    let field = |key: &str| match table.get(key).map(toml::Spanned::get_ref) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    if let (Some(name), Some(text)) = (field("name"), field("text"))
        && Path::new(&name).extension().is_some_and(|e| e.eq_ignore_ascii_case("rules"))
    {
        out.push((format!("{at}: {name}"), text));
    }
    for value in table.values() {
        rules_texts_in(value.get_ref(), at, out);
    }
}

fn rules_texts_in(value: &DeValue<'_>, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        DeValue::Table(t) => rules_texts(t, at, out),
        DeValue::Array(items) => items.iter().for_each(|v| rules_texts_in(v.get_ref(), at, out)),
        _ => {}
    }
}

/// The string literals (`"…"`, `r#"…"#`) of Rust source, unescaped; char literals and
/// comments are skipped.
fn rust_strings(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if src[i..].starts_with("//") => {
                chars.by_ref().find(|&(_, c)| c == '\n');
            }
            '\'' => {
                // A char literal ('x', '\n', '\'') is skipped; a lifetime ('a) is not one.
                let mut ahead = chars.clone();
                match ahead.next() {
                    Some((_, '\\')) => {
                        ahead.next();
                        ahead.by_ref().find(|&(_, c)| c == '\'');
                        chars = ahead;
                    }
                    Some(_) if ahead.next().is_some_and(|(_, c)| c == '\'') => chars = ahead,
                    _ => {}
                }
            }
            'r' if src[i..].starts_with("r\"") || src[i..].starts_with("r#") => {
                let hashes = src[i + 1..].chars().take_while(|&c| c == '#').count();
                if src[i + 1 + hashes..].starts_with('"') {
                    let body = i + 2 + hashes;
                    let close = format!("\"{}", "#".repeat(hashes));
                    if let Some(n) = src[body..].find(&close) {
                        out.push(src[body..body + n].to_owned());
                        while chars.peek().is_some_and(|&(j, _)| j < body + n + close.len()) {
                            chars.next();
                        }
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                while chars.peek().is_some_and(|&(_, c)| c.is_alphanumeric() || c == '_') {
                    chars.next();
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next().map(|(_, c)| c) {
                            Some('n') => s.push('\n'),
                            Some('r') => s.push('\r'),
                            Some('t') => s.push('\t'),
                            Some('0') => s.push('\0'),
                            Some('\n') => {
                                while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some('u') => {
                                let hex: String = chars
                                    .by_ref()
                                    .map(|(_, c)| c)
                                    .take_while(|&c| c != '}')
                                    .filter(|&c| c != '{')
                                    .collect();
                                s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            }
                            Some('x') => {
                                let hex: String = chars.by_ref().take(2).map(|(_, c)| c).collect();
                                s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                            }
                            Some(c) => s.push(c),
                            None => {}
                        },
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
            _ => {}
        }
    }
    out
}

/// Every prefix (at each character boundary) of every corpus text; for the few texts over 8 KB
/// (the size-limit cases, repetitive), 10 prefixes spread evenly instead.
pub(crate) fn truncations() -> impl Iterator<Item = String> {
    corpus().into_iter().flat_map(|(_, text)| {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let step = if text.len() > 8192 { cuts.len() / 10 } else { 1 };
        cuts.into_iter().step_by(step.max(1)).map(move |i| text[..i].to_owned())
    })
}

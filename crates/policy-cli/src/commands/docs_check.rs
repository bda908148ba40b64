//! `codex-policy docs-check PATH…`: documentation whose examples cannot go stale.
//!
//! Scans Markdown and HTML files (directories recursively: `*.md`, `*.markdown`, `*.html`,
//! `*.htm`) for examples, evaluates each with the engine's JSON API (`policy_engine::api::explain`,
//! the very function the `<codex-policy-example>` element calls in the browser) and compares the
//! result with the one written in the document. Exit 0 when every example matches, 1 on any
//! mismatch (each reported as `file:line: …`), 2 on bad input (unreadable file, malformed
//! example, an example the engine rejects, or no example at all).
//!
//! Two example forms:
//!
//! * HTML (and raw HTML in Markdown): the custom element. Files are `[data-file]` children
//!   (`<pre>`, `<script type="text/plain">`, `<textarea>` or `<template>`), the scenario is in
//!   attributes (`command`, `user`, `groups="A, B"`, `config="KEY=VALUE; KEY=VALUE"`, `host`,
//!   `escalate`), and the expected result is the text of `[data-expect="KEY"]` descendants. A
//!   `[data-scenario="KEY"]` descendant (the scenario shown to readers without JavaScript) must
//!   read exactly like the attribute `KEY`.
//! * Markdown: a fenced block whose info string starts with `codex-policy`, holding TOML:
//!   `command`/`argv`, `user`/`groups`, `config` (table or `KEY=VALUE` array), `host`,
//!   `escalate`, `[[file]]` tables (`name`, `text`) and an `[expect]` table.
//!
//! Expectation keys (see [`Summary`]): `outcome`, `outcomeText`, `decision` (`none` when there is
//! none), `policy` (`none`), `decidedBy`, `reason` (`none`), and the lists `diagnostic` (each
//! warning or error message, in order) and `command` (each split command with what matched it).
//! Texts compare with whitespace runs collapsed, as a browser shows them.
//!
//! A file named `workspace.toml` or `*.workspace.toml` is the example's workspace and the other
//! files are what it references; without one, `*.rules` files are user rules files and the rest
//! are requirements documents (system layers).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_engine::LineIndex;
use policy_engine::json::Json;
use serde::Deserialize;

use crate::input::{print_stdout, read_source};

/// Flags of `docs-check`.
#[derive(Debug, Args)]
pub struct DocsCheckArgs {
    /// Markdown or HTML files, or directories to search for them.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Print what the engine says for every example (to write a new example's expected result).
    #[arg(long)]
    show: bool,
}

/// The element's tag name.
pub const ELEMENT: &str = "codex-policy-example";
/// The info string of a checked Markdown block.
pub const FENCE_INFO: &str = "codex-policy";

/// Runs `docs-check`.
pub fn run(args: &DocsCheckArgs) -> Result<ExitCode, String> {
    let files = collect_files(&args.paths)?;
    let mut report = Report::default();
    for path in &files {
        let source = read_source(path, "document")?;
        check_document(&source.name, &source.text, &mut report, args.show);
    }
    print_stdout(&report.output);
    if !report.problems.is_empty() {
        for problem in &report.problems {
            crate::input::print_stderr(problem);
        }
        return Ok(ExitCode::from(2));
    }
    if report.examples == 0 {
        crate::input::print_stderr(&format!("docs-check: no examples found in {} file(s)", files.len()));
        return Ok(ExitCode::from(2));
    }
    if report.mismatches.is_empty() {
        print_stdout(&format!(
            "docs-check: {} example(s) in {} file(s) match the engine ({} expectation(s) checked)\n",
            report.examples, report.documents, report.expectations
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        for mismatch in &report.mismatches {
            crate::input::print_stderr(mismatch);
        }
        crate::input::print_stderr(&format!(
            "docs-check: {} of {} example(s) differ from the engine",
            report.failed_examples, report.examples
        ));
        Ok(ExitCode::from(1))
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Examples evaluated.
    pub examples: usize,
    /// Examples with at least one mismatch.
    pub failed_examples: usize,
    /// Expectations compared.
    pub expectations: usize,
    /// Documents holding at least one example.
    pub documents: usize,
    /// `file:line: …` per differing expectation.
    pub mismatches: Vec<String>,
    /// `file:line: …` per malformed example or rejected request (exit 2).
    pub problems: Vec<String>,
    /// `--show` output.
    pub output: String,
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["md", "markdown", "html", "htm"].contains(&e.to_ascii_lowercase().as_str()))
}

/// The documents named by `paths`: files as given, directories searched recursively (sorted).
fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("failed to read {}: {e}", path.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else if is_document(path) {
            out.push(path.clone());
        } else {
            return Err(format!(
                "{}: not a Markdown or HTML file (expected .md, .markdown, .html or .htm)",
                path.display()
            ));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("failed to read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("failed to read {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| format!("failed to read {}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() && is_document(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Checks every example of one document into `report`.
pub fn check_document(name: &str, text: &str, report: &mut Report, show: bool) {
    let markdown = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let index = LineIndex::new(text);
    let line_of = |offset: usize| index.line_col(offset).0;
    let examples = if markdown { markdown_examples(text, &line_of) } else { html_examples(text, 0, &line_of) };
    let mut found = false;
    for example in examples {
        found = true;
        match example {
            Ok(example) => check_example(name, &example, report, show),
            Err((line, message)) => report.problems.push(format!("{name}:{line}: {message}")),
        }
    }
    if found {
        report.documents += 1;
    }
}

// ───────────────────────────── examples ─────────────────────────────

/// What an expectation holds: one text, or a list of texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A single value.
    Text(String),
    /// An ordered list (`diagnostic`, `command`).
    List(Vec<String>),
}

impl Expected {
    fn show(&self) -> String {
        match self {
            Expected::Text(t) => format!("`{t}`"),
            Expected::List(items) if items.is_empty() => "nothing".to_owned(),
            Expected::List(items) => items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "),
        }
    }
}

/// One expected value and the line it is written on.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The key (`outcome`, `diagnostic`, …).
    pub key: String,
    /// Line of the expectation in the document.
    pub line: usize,
    /// The value.
    pub value: Expected,
}

/// One example: where it is, the request for `explain`, and what it expects.
#[derive(Debug, Clone)]
pub struct Example {
    /// `id` attribute, or `example N` (N counts from 1 per document), for messages.
    pub label: String,
    /// Line the example starts on.
    pub line: usize,
    /// The `explain` request.
    pub request: Json,
    /// What the document says the engine answers.
    pub expect: Vec<Expectation>,
}

/// Scalar keys an example may expect.
pub const TEXT_KEYS: [&str; 6] = ["outcome", "outcomeText", "decision", "policy", "decidedBy", "reason"];
/// List keys: (item key, container key).
pub const LIST_KEYS: [(&str, &str); 2] = [("diagnostic", "diagnostics"), ("command", "commands")];

/// Collapses whitespace runs to one space and trims, as rendered text reads.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a file is the example's workspace.
pub fn is_workspace_file(name: &str) -> bool {
    name == "workspace.toml" || name.ends_with(".workspace.toml")
}

/// The `explain` request for files + scenario members (already JSON).
fn build_request(files: &[(String, String)], scenario: Vec<(String, Json)>) -> Json {
    let file_json =
        |(name, text): &(String, String)| Json::object().with("name", name.as_str()).with("text", text.as_str());
    let mut request = Json::object();
    if let Some(workspace) = files.iter().find(|(name, _)| is_workspace_file(name)) {
        request.push("workspace", file_json(workspace));
        let others: Vec<Json> = files.iter().filter(|(n, _)| !is_workspace_file(n)).map(file_json).collect();
        request.push("files", Json::Array(others));
    } else {
        let (rules, requirements): (Vec<_>, Vec<_>) = files.iter().partition(|(name, _)| {
            std::path::Path::new(name.as_str()).extension().is_some_and(|e| e.eq_ignore_ascii_case("rules"))
        });
        request.push("requirements", Json::Array(requirements.into_iter().map(file_json).collect()));
        request.push("rules", Json::Array(rules.into_iter().map(file_json).collect()));
    }
    for (key, value) in scenario {
        request.push(&key, value);
    }
    request
}

fn strings(items: Vec<String>) -> Json {
    Json::Array(items.into_iter().map(Json::from).collect())
}

// ───────────────────────────── HTML ─────────────────────────────

/// One piece of an HTML text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `<name attr…>` (name lower-cased, attribute values decoded).
    Start { name: String, attrs: Vec<(String, String)>, at: usize, end: usize },
    /// `</name>`.
    End { name: String, at: usize },
    /// Text between tags (raw; decode with [`decode_entities`]), or the raw content of a
    /// `script`/`style`/`textarea`/`title` element.
    Text { start: usize, end: usize },
}

const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];
const VOID: [&str; 14] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Splits HTML into tags and text. Comments, doctypes and processing instructions are dropped; a
/// `<` that starts no tag is text. Malformed markup is an error with its offset.
fn tokenize(html: &str) -> Result<Vec<Token>, (usize, String)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut text_start = 0;
    while let Some(rel) = html.get(pos..).and_then(|rest| rest.find('<')) {
        let lt = pos + rel;
        let rest = html.get(lt..).unwrap_or_default();
        let next = bytes.get(lt + 1).copied();
        let skip_to = |needle: &str| rest.find(needle).map(|i| lt + i + needle.len());
        let flush = |out: &mut Vec<Token>, end: usize| {
            if end > text_start {
                out.push(Token::Text { start: text_start, end });
            }
        };
        if rest.starts_with("<!--") {
            flush(&mut out, lt);
            pos = skip_to("-->").ok_or((lt, "unterminated HTML comment".to_owned()))?;
            text_start = pos;
        } else if matches!(next, Some(b'!' | b'?')) {
            flush(&mut out, lt);
            pos = skip_to(">").ok_or((lt, "unterminated markup declaration".to_owned()))?;
            text_start = pos;
        } else if next == Some(b'/') && bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
            flush(&mut out, lt);
            let end = skip_to(">").ok_or((lt, "unterminated end tag".to_owned()))?;
            let name = tag_name(html.get(lt + 2..end).unwrap_or_default());
            out.push(Token::End { name, at: lt });
            pos = end;
            text_start = pos;
        } else if next.is_some_and(|b| b.is_ascii_alphabetic()) {
            flush(&mut out, lt);
            let (name, attrs, end) = start_tag(html, lt)?;
            let raw = RAW_TEXT.contains(&name.as_str());
            out.push(Token::Start { name: name.clone(), attrs, at: lt, end });
            pos = end;
            text_start = pos;
            if raw {
                let close = format!("</{name}");
                let found = html
                    .get(end..)
                    .and_then(|rest| find_ascii_case_insensitive(rest, &close))
                    .ok_or((lt, format!("`<{name}>` is never closed")))?;
                let content_end = end + found;
                out.push(Token::Text { start: end, end: content_end });
                let close_end = html
                    .get(content_end..)
                    .and_then(|r| r.find('>'))
                    .map(|i| content_end + i + 1)
                    .ok_or((content_end, "unterminated end tag".to_owned()))?;
                out.push(Token::End { name, at: content_end });
                pos = close_end;
                text_start = pos;
            }
        } else {
            pos = lt + 1;
        }
    }
    if html.len() > text_start {
        out.push(Token::Text { start: text_start, end: html.len() });
    }
    Ok(out)
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

fn tag_name(text: &str) -> String {
    text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>().to_ascii_lowercase()
}

/// A parsed start tag: name, attributes (values decoded), offset after `>`.
type StartTag = (String, Vec<(String, String)>, usize);

/// Parses the start tag at `lt`.
fn start_tag(html: &str, lt: usize) -> Result<StartTag, (usize, String)> {
    let bytes = html.as_bytes();
    let name = tag_name(html.get(lt + 1..).unwrap_or_default());
    let mut pos = lt + 1 + name.len();
    let mut attrs = Vec::new();
    loop {
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        match bytes.get(pos) {
            None => return Err((lt, format!("`<{name}` is never closed with `>`"))),
            Some(b'>') => return Ok((name, attrs, pos + 1)),
            Some(b'/') if bytes.get(pos + 1) == Some(&b'>') => return Ok((name, attrs, pos + 2)),
            Some(_) => {}
        }
        let start = pos;
        while bytes.get(pos).is_some_and(|b| {
            !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>') && (*b != b'/' || bytes.get(pos + 1) != Some(&b'>'))
        }) {
            pos += 1;
        }
        let key = html.get(start..pos).unwrap_or_default().to_ascii_lowercase();
        if key.is_empty() {
            // A stray `/` or `=`: skip it as browsers do.
            pos += 1;
            continue;
        }
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        if bytes.get(pos) != Some(&b'=') {
            attrs.push((key, String::new()));
            continue;
        }
        pos += 1;
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let value = if let Some(&quote @ (b'"' | b'\'')) = bytes.get(pos) {
            let close = html
                .get(pos + 1..)
                .and_then(|r| r.find(char::from(quote)))
                .ok_or((pos, format!("attribute `{key}` has an unterminated value")))?;
            let raw = html.get(pos + 1..pos + 1 + close).unwrap_or_default();
            pos += close + 2;
            raw
        } else {
            let value_start = pos;
            while bytes.get(pos).is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>') {
                pos += 1;
            }
            html.get(value_start..pos).unwrap_or_default()
        };
        attrs.push((key, decode_entities(value).map_err(|m| (start, m))?));
    }
}

/// Decodes character references: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;`, `&#N;`,
/// `&#xH;`. A `&` that starts no reference stays literal (`a && b`); an unknown named reference is
/// an error rather than a silent guess.
pub fn decode_entities(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let reference_len = after.find(';').filter(|&i| {
            i > 0 && after.get(..i).is_some_and(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '#'))
        });
        let Some(len) = reference_len else {
            out.push('&');
            rest = after;
            continue;
        };
        let reference = after.get(..len).unwrap_or_default();
        let decoded = match reference {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => reference.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => out.push(c),
            None => {
                return Err(format!(
                    "unsupported character reference `&{reference};`: write the character itself, or use &amp; &lt; &gt; &quot; &#N;"
                ));
            }
        }
        rest = after.get(len + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The text content of the element whose start tag is `tokens[open]`: every text token up to its
/// matching end tag (same-name nesting counted), decoded; and the index after the end tag.
fn element_text(html: &str, tokens: &[Token], open: usize, name: &str) -> Result<(String, usize), (usize, String)> {
    let mut depth = 0usize;
    let mut text = String::new();
    let raw = RAW_TEXT.contains(&name) && name != "textarea";
    for (i, token) in tokens.iter().enumerate().skip(open + 1) {
        match token {
            Token::Start { name: n, .. } if n == name => depth += 1,
            Token::End { name: n, .. } if n == name => {
                if depth == 0 {
                    return Ok((text, i + 1));
                }
                depth -= 1;
            }
            Token::Text { start, end } => {
                let chunk = html.get(*start..*end).unwrap_or_default();
                if raw {
                    text.push_str(chunk);
                } else {
                    text.push_str(&decode_entities(chunk).map_err(|m| (*start, m))?);
                }
            }
            _ => {}
        }
    }
    let at = match tokens.get(open) {
        Some(Token::Start { at, .. }) => *at,
        _ => 0,
    };
    Err((at, format!("`<{name}>` is never closed")))
}

/// Every `<codex-policy-example>` of an HTML text; offsets are shifted by `base` (for HTML
/// embedded in Markdown). Errors are `(line, message)`.
fn html_examples(html: &str, base: usize, line_of: &dyn Fn(usize) -> usize) -> Vec<Result<Example, (usize, String)>> {
    let tokens = match tokenize(html) {
        Ok(tokens) => tokens,
        Err((at, message)) => return vec![Err((line_of(base + at), message))],
    };
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        if let Token::Start { name, attrs, at, .. } = token
            && name == ELEMENT
        {
            let number = out.len() + 1;
            match html_example(html, &tokens, i, base, line_of, number) {
                Ok((example, next)) => {
                    out.push(Ok(example));
                    i = next;
                }
                Err((offset, message)) => {
                    let label =
                        attr(attrs, "id").map_or_else(|| format!("example {number}"), |id| format!("example `{id}`"));
                    out.push(Err((line_of(base + offset), format!("{label}: {message}"))));
                    i += 1;
                }
            }
            let _ = at;
            continue;
        }
        i += 1;
    }
    out
}

fn html_example(
    html: &str,
    tokens: &[Token],
    open: usize,
    base: usize,
    line_of: &dyn Fn(usize) -> usize,
    number: usize,
) -> Result<(Example, usize), (usize, String)> {
    let Some(Token::Start { attrs, at, .. }) = tokens.get(open) else {
        return Err((0, "internal: not a start tag".to_owned()));
    };
    let mut files: Vec<(String, String)> = Vec::new();
    let mut expect: Vec<Expectation> = Vec::new();
    let mut containers: Vec<&str> = Vec::new();
    let mut i = open + 1;
    let close = loop {
        let Some(token) = tokens.get(i) else {
            return Err((*at, format!("`<{ELEMENT}>` is never closed")));
        };
        match token {
            Token::End { name, .. } if name == ELEMENT => break i,
            Token::Start { name, .. } if name == ELEMENT => {
                return Err((*at, format!("`<{ELEMENT}>` elements cannot be nested")));
            }
            Token::Start { name, attrs: inner, at: inner_at, .. } => {
                if let Some(file) = attr(inner, "data-file") {
                    if !["pre", "script", "textarea", "template"].contains(&name.as_str()) {
                        return Err((
                            *inner_at,
                            format!(
                                "`data-file` belongs on <pre>, <script type=\"text/plain\">, <textarea> or <template>, not <{name}>"
                            ),
                        ));
                    }
                    if name == "script" && attr(inner, "type") != Some("text/plain") {
                        return Err((
                            *inner_at,
                            "a `data-file` script must be `type=\"text/plain\"`, so browsers never run it".to_owned(),
                        ));
                    }
                    if file.is_empty() || files.iter().any(|(n, _)| n == file) {
                        return Err((*inner_at, format!("file name `{file}` is empty or used twice")));
                    }
                    let (mut text, _) = element_text(html, tokens, i, name)?;
                    // HTML drops one newline right after `<pre>` and `<textarea>`.
                    if matches!(name.as_str(), "pre" | "textarea") && text.starts_with('\n') {
                        text.remove(0);
                    }
                    files.push((file.to_owned(), text));
                }
                if let Some(key) = attr(inner, "data-expect") {
                    if VOID.contains(&name.as_str()) {
                        return Err((*inner_at, format!("`data-expect` cannot be on the empty element <{name}>")));
                    }
                    let known =
                        TEXT_KEYS.contains(&key) || LIST_KEYS.iter().any(|(item, list)| key == *item || key == *list);
                    if !known {
                        return Err((*inner_at, format!("unknown expectation `{key}`; known: {}", known_keys())));
                    }
                    if LIST_KEYS.iter().any(|(_, list)| key == *list) {
                        containers.push(LIST_KEYS.iter().find(|(_, l)| *l == key).map_or("", |(item, _)| item));
                    } else {
                        let (text, _) = element_text(html, tokens, i, name)?;
                        let line = line_of(base + inner_at);
                        if TEXT_KEYS.contains(&key) && expect.iter().any(|e| e.key == key) {
                            return Err((*inner_at, format!("expectation `{key}` is written twice")));
                        }
                        expect.push(Expectation { key: key.to_owned(), line, value: Expected::Text(normalize(&text)) });
                    }
                }
                if let Some(key) = attr(inner, "data-scenario") {
                    // The scenario shown to readers without JavaScript must be the one evaluated.
                    let (text, _) = element_text(html, tokens, i, name)?;
                    let written = attr(attrs, key).map(normalize);
                    if written.as_deref() != Some(normalize(&text).as_str()) {
                        return Err((
                            *inner_at,
                            format!(
                                "the page shows {key} `{}` but the element's `{key}` attribute is {}",
                                normalize(&text),
                                written.map_or_else(|| "missing".to_owned(), |w| format!("`{w}`"))
                            ),
                        ));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    };
    let expect = group_lists(expect, &containers, line_of(base + at));
    if expect.is_empty() {
        return Err((
            *at,
            "the example expects nothing: add `data-expect=\"outcome\"` (or another key) to its result".to_owned(),
        ));
    }
    if files.is_empty() {
        return Err((*at, "the example has no files: add `<pre data-file=\"requirements.toml\">…</pre>`".to_owned()));
    }
    let mut scenario: Vec<(String, Json)> = Vec::new();
    for (key, value) in attrs {
        match key.as_str() {
            "command" => scenario.push(("command".into(), Json::from(value.as_str()))),
            "user" => scenario.push(("user".into(), Json::from(value.as_str()))),
            "host" => scenario.push(("host".into(), Json::from(value.as_str()))),
            "groups" => scenario.push(("groups".into(), strings(split_list(value, ',')))),
            "config" => scenario.push(("config".into(), strings(split_list(value, ';')))),
            "escalate" => scenario.push((
                "escalate".into(),
                if value.is_empty() || value == "true" { Json::Bool(true) } else { Json::from(value.as_str()) },
            )),
            _ => {}
        }
    }
    if !scenario.iter().any(|(k, _)| k == "command") {
        return Err((*at, "the example has no `command` attribute".to_owned()));
    }
    let label = attr(attrs, "id").map_or_else(|| format!("example {number}"), |id| format!("example `{id}`"));
    let example = Example { label, line: line_of(base + at), request: build_request(&files, scenario), expect };
    Ok((example, close + 1))
}

fn known_keys() -> String {
    TEXT_KEYS
        .iter()
        .copied()
        .chain(LIST_KEYS.iter().flat_map(|(item, list)| [*item, *list]))
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Items of a list key become one [`Expected::List`] (at the first item's line); a container
/// with no items expects an empty list.
fn group_lists(found: Vec<Expectation>, containers: &[&str], line: usize) -> Vec<Expectation> {
    let mut out: Vec<Expectation> = Vec::new();
    for e in found {
        let is_item = LIST_KEYS.iter().any(|(item, _)| e.key == *item);
        let Expected::Text(text) = e.value.clone() else { continue };
        if !is_item {
            out.push(e);
            continue;
        }
        match out.iter_mut().find(|o| o.key == e.key) {
            Some(Expectation { value: Expected::List(items), .. }) => items.push(text),
            _ => out.push(Expectation { key: e.key, line: e.line, value: Expected::List(vec![text]) }),
        }
    }
    for item in containers {
        if !out.iter().any(|o| o.key == *item) {
            out.push(Expectation { key: (*item).to_owned(), line, value: Expected::List(Vec::new()) });
        }
    }
    out
}

fn split_list(value: &str, separator: char) -> Vec<String> {
    value.split(separator).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

// ───────────────────────────── Markdown ─────────────────────────────

/// A checked Markdown block's TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockToml {
    command: Option<String>,
    argv: Option<Vec<String>>,
    user: Option<String>,
    groups: Option<Vec<String>>,
    config: Option<toml::Value>,
    host: Option<String>,
    escalate: Option<toml::Value>,
    #[serde(default)]
    file: Vec<FileToml>,
    expect: toml::Spanned<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    name: String,
    text: String,
}

/// Every example of a Markdown text: `codex-policy` fenced blocks, and elements in raw HTML
/// outside fenced blocks (HTML shown in a fence is documentation, not an example).
fn markdown_examples(text: &str, line_of: &dyn Fn(usize) -> usize) -> Vec<Result<Example, (usize, String)>> {
    let mut out = Vec::new();
    let mut outside = String::new();
    let mut fence: Option<(char, usize, bool, usize, usize)> = None; // (char, length, checked, content start, fence line offset)
    let mut offset = 0;
    let mut block_number = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match (&fence, marker) {
            (None, Some(m)) if indent <= 3 && run >= 3 => {
                let info = trimmed.get(run..).unwrap_or_default().trim();
                let checked = info.split_whitespace().next() == Some(FENCE_INFO);
                fence = Some((m, run, checked, offset, start));
                outside.push_str(&blank(line));
                continue;
            }
            (Some((m, length, checked, content_start, fence_at)), Some(c))
                if c == *m
                    && run >= *length
                    && trimmed.get(run..).is_some_and(|r| r.trim().is_empty())
                    && indent <= 3 =>
            {
                if *checked {
                    block_number += 1;
                    let body = text.get(*content_start..start).unwrap_or_default();
                    out.push(markdown_block(body, *content_start, *fence_at, line_of, block_number));
                }
                fence = None;
                outside.push_str(&blank(line));
                continue;
            }
            _ => {}
        }
        if fence.is_some() {
            // Keep offsets: blank out fenced text so the HTML scan below never sees it.
            outside.push_str(&blank(line));
        } else {
            outside.push_str(line);
        }
    }
    if let Some((_, _, true, _, fence_at)) = fence {
        out.push(Err((line_of(fence_at), "the `codex-policy` block is never closed".to_owned())));
    }
    // Raw HTML examples: found where prose is not code (`` `<script>` `` in a sentence is not a
    // tag), then read from the text itself, whose expected values may well hold backticks.
    let found = blank_code_spans(&outside);
    let open_tag = format!("<{ELEMENT}");
    let close_tag = format!("</{ELEMENT}");
    let mut html = Vec::new();
    let mut from = 0;
    while let Some(at) =
        found.get(from..).and_then(|rest| find_ascii_case_insensitive(rest, &open_tag)).map(|i| from + i)
    {
        let end = outside
            .get(at..)
            .and_then(|rest| find_ascii_case_insensitive(rest, &close_tag))
            .and_then(|i| outside.get(at + i..).and_then(|rest| rest.find('>')).map(|j| at + i + j + 1))
            .unwrap_or(outside.len());
        let region = outside.get(at..end).unwrap_or_default();
        html.extend(html_examples(region, at, line_of));
        from = end.max(at + 1);
    }
    for (i, e) in html.iter_mut().enumerate() {
        if let Ok(e) = e
            && e.label.strip_prefix("example ").is_some_and(|n| n.parse::<usize>().is_ok())
        {
            e.label = format!("example {}", block_number + i + 1);
        }
    }
    out.extend(html);
    out
}

/// Markdown with the contents of inline code spans (`` `<script>` ``) blanked, so HTML written as
/// code in prose is never taken for markup; offsets are unchanged.
fn blank_code_spans(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = text.as_bytes().to_vec();
    let run_at = |i: usize| bytes.get(i..).map_or(0, |rest| rest.iter().take_while(|b| **b == b'`').count());
    let mut i = 0;
    while i < bytes.len() {
        let run = run_at(i);
        if run == 0 {
            i += 1;
            continue;
        }
        // The closing run: the next run of exactly the same length.
        let mut j = i + run;
        let mut close = None;
        while j < bytes.len() {
            let r = run_at(j);
            if r == run {
                close = Some(j);
                break;
            }
            j += r.max(1);
        }
        match close {
            Some(end) => {
                for b in out.iter_mut().take(end).skip(i + run) {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
                i = end + run;
            }
            None => i += run,
        }
    }
    // Every byte inside a span became an ASCII space and spans end at ASCII backticks: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// `line` with every byte but newlines replaced by a space: same length, so offsets still hold.
fn blank(line: &str) -> String {
    line.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }).collect()
}

fn markdown_block(
    body: &str,
    body_at: usize,
    fence_at: usize,
    line_of: &dyn Fn(usize) -> usize,
    number: usize,
) -> Result<Example, (usize, String)> {
    let label = format!("example {number}");
    let block: BlockToml = toml::from_str(body).map_err(|e| {
        let at = e.span().map_or(fence_at, |s| body_at + s.start);
        (line_of(at), format!("{label}: {}", e.message()))
    })?;
    let fail = |message: String| (line_of(fence_at), format!("{label}: {message}"));
    if block.file.is_empty() {
        return Err(fail("the block has no `[[file]]`".to_owned()));
    }
    let mut scenario: Vec<(String, Json)> = Vec::new();
    match (block.command, block.argv) {
        (Some(command), None) => scenario.push(("command".into(), Json::from(command))),
        (None, Some(argv)) => scenario.push(("argv".into(), strings(argv))),
        _ => return Err(fail("give exactly one of `command` or `argv`".to_owned())),
    }
    if let Some(user) = block.user {
        scenario.push(("user".into(), Json::from(user)));
    }
    if let Some(groups) = block.groups {
        scenario.push(("groups".into(), strings(groups)));
    }
    if let Some(config) = block.config {
        scenario.push(("config".into(), toml_to_json(&config)));
    }
    if let Some(host) = block.host {
        scenario.push(("host".into(), Json::from(host)));
    }
    if let Some(escalate) = block.escalate {
        scenario.push(("escalate".into(), toml_to_json(&escalate)));
    }
    let files: Vec<(String, String)> = block.file.into_iter().map(|f| (f.name, f.text)).collect();
    let expect_at = body_at + block.expect.span().start;
    let mut expect = Vec::new();
    for (key, value) in block.expect.get_ref() {
        let line = line_of(expect_at);
        let value = if TEXT_KEYS.contains(&key.as_str()) {
            Expected::Text(normalize(value.as_str().ok_or_else(|| fail(format!("`expect.{key}` must be a string")))?))
        } else if let Some((item, _)) = LIST_KEYS.iter().find(|(item, list)| key == item || key == list) {
            let items = value
                .as_array()
                .and_then(|a| a.iter().map(|v| v.as_str().map(normalize)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| fail(format!("`expect.{key}` must be an array of strings")))?;
            expect.push(Expectation { key: (*item).to_owned(), line, value: Expected::List(items) });
            continue;
        } else {
            return Err(fail(format!("unknown expectation `{key}`; known: {}", known_keys())));
        };
        expect.push(Expectation { key: key.clone(), line, value });
    }
    if expect.is_empty() {
        return Err(fail("`[expect]` is empty".to_owned()));
    }
    Ok(Example { label, line: line_of(fence_at), request: build_request(&files, scenario), expect })
}

fn toml_to_json(value: &toml::Value) -> Json {
    match value {
        toml::Value::String(s) => Json::from(s.as_str()),
        toml::Value::Integer(i) => Json::Int(*i),
        toml::Value::Float(f) => Json::Float(*f),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Datetime(d) => Json::from(d.to_string()),
        toml::Value::Array(items) => Json::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Json::Object(table.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

// ───────────────────────────── comparing ─────────────────────────────

/// What an `explain` result shows, keyed like the expectations; the element computes the same
/// from the same JSON (`web/embed/codex-policy-example.js`, `summarize`).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// `(key, value)` for every key.
    pub values: Vec<(String, Expected)>,
}

impl Summary {
    /// Reads an `{"kind":"ok"}` explain result.
    pub fn of(result: &Json) -> Summary {
        let text = |key: &str| match result.get(key) {
            Some(Json::Str(s)) => normalize(s),
            _ => "none".to_owned(),
        };
        let policy = result
            .get("policy")
            .and_then(|p| p.get("name"))
            .and_then(Json::as_str)
            .map_or_else(|| "none".to_owned(), normalize);
        let diagnostics = result
            .get("diagnostics")
            .and_then(Json::as_array)
            .unwrap_or_default()
            .iter()
            .filter(|d| d.get("severity").and_then(Json::as_str) != Some("info"))
            .filter_map(|d| d.get("message").and_then(Json::as_str))
            .map(normalize)
            .collect();
        let commands =
            result.get("commands").and_then(Json::as_array).unwrap_or_default().iter().map(command_line).collect();
        Summary {
            values: vec![
                ("outcome".into(), Expected::Text(text("outcome"))),
                ("outcomeText".into(), Expected::Text(text("outcomeText"))),
                ("decision".into(), Expected::Text(text("decision"))),
                ("policy".into(), Expected::Text(policy)),
                ("decidedBy".into(), Expected::Text(text("decidedBy"))),
                ("reason".into(), Expected::Text(text("reason"))),
                ("diagnostic".into(), Expected::List(diagnostics)),
                ("command".into(), Expected::List(commands)),
            ],
        }
    }

    fn get(&self, key: &str) -> Option<&Expected> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// One split command as shown: `git push origin — git push: prompt` (each prefix rule that
/// matched, or `heuristics: allow`).
pub fn command_line(command: &Json) -> String {
    let argv: Vec<&str> =
        command.get("argv").and_then(Json::as_array).unwrap_or_default().iter().filter_map(Json::as_str).collect();
    let matches: Vec<String> = command
        .get("matchedRules")
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .map(|m| {
            if let Some(p) = m.get("prefixRuleMatch") {
                let prefix: Vec<&str> = p
                    .get("matchedPrefix")
                    .and_then(Json::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Json::as_str)
                    .collect();
                format!("{}: {}", prefix.join(" "), p.get("decision").and_then(Json::as_str).unwrap_or("?"))
            } else {
                let decision =
                    m.get("heuristicsRuleMatch").and_then(|h| h.get("decision")).and_then(Json::as_str).unwrap_or("?");
                format!("heuristics: {decision}")
            }
        })
        .collect();
    let matched = if matches.is_empty() { "no rule".to_owned() } else { matches.join(", ") };
    normalize(&format!("{} — {matched}", argv.join(" ")))
}

fn check_example(document: &str, example: &Example, report: &mut Report, show: bool) {
    report.examples += 1;
    let answer = policy_engine::api::explain(&example.request.to_compact());
    let result = match Json::parse(&answer) {
        Ok(result) => result,
        Err(e) => {
            report.problems.push(format!(
                "{document}:{}: {}: internal: the engine answered invalid JSON ({})",
                example.line, example.label, e.message
            ));
            return;
        }
    };
    if result.get("kind").and_then(Json::as_str) != Some("ok") {
        let messages: Vec<String> = result
            .get("diagnostics")
            .and_then(Json::as_array)
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let source = d.get("source").and_then(Json::as_str).unwrap_or("input");
                let at = d
                    .get("span")
                    .and_then(|s| s.get("line"))
                    .map_or_else(|| source.to_owned(), |l| format!("{source}:{}", l.to_compact()));
                format!("{at}: {}", d.get("message").and_then(Json::as_str).unwrap_or("?"))
            })
            .collect();
        report.problems.push(format!(
            "{document}:{}: {}: the engine rejects the example: {}",
            example.line,
            example.label,
            messages.join("; ")
        ));
        return;
    }
    let summary = Summary::of(&result);
    if show {
        let _ = writeln!(report.output, "{document}:{}: {}", example.line, example.label);
        for (key, value) in &summary.values {
            let _ = writeln!(report.output, "  {key}: {}", value.show());
        }
    }
    let mut failed = false;
    for expectation in &example.expect {
        report.expectations += 1;
        let actual = summary.get(&expectation.key);
        if actual != Some(&expectation.value) {
            failed = true;
            report.mismatches.push(format!(
                "{document}:{}: {}: {} differs: the document says {}, the engine says {}",
                expectation.line,
                example.label,
                expectation.key,
                expectation.value.show(),
                actual.map_or_else(|| "nothing".to_owned(), Expected::show)
            ));
        }
    }
    if failed {
        report.failed_examples += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../../examples/seed-git-review.requirements.toml");

    fn html_escape(text: &str) -> String {
        text.replace('&', "&amp;").replace('<', "&lt;")
    }

    fn element(expect: &str) -> String {
        format!(
            "<p>intro</p>\n<codex-policy-example id=\"seed\" command=\"git push origin main\">\n<pre data-file=\"requirements.toml\">\n{}</pre>\n<div>{expect}</div>\n</codex-policy-example>\n",
            html_escape(SEED)
        )
    }

    fn run_on(name: &str, text: &str) -> Report {
        let mut report = Report::default();
        check_document(name, text, &mut report, false);
        report
    }

    #[test]
    fn matching_html_example_passes() {
        let doc = element(
            "<strong data-expect=\"outcome\">ask</strong>\n<code data-expect=\"decision\">prompt</code>\n<p data-expect=\"reason\">`git push origin main` requires\n   approval: Require review before mutating remote history.</p><ul data-expect=\"diagnostics\"></ul><ol><li data-expect=\"command\">git push origin main — git push: prompt</li></ol>",
        );
        let report = run_on("doc.html", &doc);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
        assert_eq!((report.examples, report.expectations, report.documents), (1, 5, 1));
    }

    #[test]
    fn mismatch_names_file_line_and_both_values() {
        let doc = element("<p>\n<strong data-expect=\"outcome\">reject</strong></p>");
        let report = run_on("doc.html", &doc);
        assert_eq!(report.mismatches.len(), 1);
        let line = doc.lines().position(|l| l.contains("data-expect")).unwrap() + 1;
        assert_eq!(
            report.mismatches[0],
            format!(
                "doc.html:{line}: example `seed`: outcome differs: the document says `reject`, the engine says `ask`"
            )
        );
    }

    #[test]
    fn malformed_examples_are_problems() {
        for (doc, needle) in [
            (element("<p data-expect=\"outcom\">ask</p>"), "unknown expectation `outcom`"),
            (element("<p>no expectations</p>"), "expects nothing"),
            ("<codex-policy-example command=\"ls\"><p data-expect=\"outcome\">ask</p></codex-policy-example>".to_owned(), "has no files"),
            ("<codex-policy-example><pre data-file=\"r.toml\"></pre><p data-expect=\"outcome\">x</p></codex-policy-example>".to_owned(), "no `command`"),
            ("<codex-policy-example command=\"ls\"><script data-file=\"r.toml\"></script><p data-expect=\"outcome\">x</p></codex-policy-example>".to_owned(), "type=\"text/plain\""),
            ("<codex-policy-example command=\"ls\"><pre data-file=\"r.toml\">&bogus;</pre><p data-expect=\"outcome\">x</p></codex-policy-example>".to_owned(), "unsupported character reference"),
            ("<codex-policy-example command=\"ls\">".to_owned(), "never closed"),
            (element("<code data-scenario=\"command\">git push</code><p data-expect=\"outcome\">ask</p>"), "shows command `git push`"),
            ("<codex-policy-example command=\"ls\"><pre data-file=\"workspace.toml\">[nope]\n</pre><p data-expect=\"outcome\">x</p></codex-policy-example>".to_owned(), "engine rejects"),
        ] {
            let report = run_on("doc.html", &doc);
            assert_eq!(report.problems.len(), 1, "{doc}: {:?}", report.problems);
            assert!(report.problems[0].contains(needle), "{needle}: {:?}", report.problems);
            assert!(report.problems[0].starts_with("doc.html:1: ") || doc.contains('\n'), "{:?}", report.problems);
        }
    }

    #[test]
    fn markdown_blocks_and_raw_html_are_checked_but_fenced_html_is_not() {
        let doc = format!(
            "# Title\n\n```html\n{}```\n\n```codex-policy\ncommand = \"git push origin main\"\nconfig = {{ sandbox_mode = \"read-only\" }}\n[[file]]\nname = \"requirements.toml\"\ntext = '''\n{SEED}'''\n[expect]\noutcome = \"ask\"\ndiagnostics = []\ncommands = [\"git push origin main — git push: prompt\"]\n```\n\n{}",
            element("<b data-expect=\"outcome\">wrong-but-fenced</b>"),
            element("<b data-expect=\"decision\">prompt</b>")
        );
        let report = run_on("README.md", &doc);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
        assert_eq!(report.examples, 2);
    }

    #[test]
    fn markdown_prose_code_is_not_markup_but_element_text_keeps_its_backticks() {
        let doc = format!(
            "Files go in `<script type=\"text/plain\">` or `<pre>`.\n\n{}\nMore `<textarea>` prose.\n",
            element(
                "<p data-expect=\"reason\">`git push origin main` requires approval: Require review before mutating remote history.</p>"
            )
        );
        let report = run_on("guide.md", &doc);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
        assert_eq!((report.examples, report.expectations), (1, 1));
    }

    #[test]
    fn markdown_block_mismatch_and_typos() {
        let block = |body: &str| format!("text\n\n```codex-policy\n{body}\n```\n");
        let ok_files = format!("[[file]]\nname = \"requirements.toml\"\ntext = '''\n{SEED}'''\n");
        let report =
            run_on("a.md", &block(&format!("command = \"git push\"\n{ok_files}[expect]\noutcome = \"reject\"")));
        assert_eq!(report.mismatches.len(), 1, "{:?}", report.problems);
        assert!(report.mismatches[0].starts_with("a.md:"), "{:?}", report.mismatches);
        let report = run_on("a.md", &block(&format!("comand = \"git push\"\n{ok_files}[expect]\noutcome = \"ask\"")));
        assert_eq!(report.problems.len(), 1);
        assert!(report.problems[0].contains("unknown field `comand`"), "{:?}", report.problems);
        assert!(report.problems[0].starts_with("a.md:4: "), "{:?}", report.problems);
        let report = run_on("a.md", "```codex-policy\ncommand = \"x\"\n");
        assert!(report.problems[0].contains("never closed"), "{:?}", report.problems);
    }

    #[test]
    fn workspace_examples_use_user_and_referenced_files() {
        let doc = "<codex-policy-example command=\"git push\" user=\"bo@x.example\" config=\"approval_policy=never; sandbox_mode=read-only\">\
            <script type=\"text/plain\" data-file=\"workspace.toml\">[workspace]\ndefault_role = \"M\"\n[roles.M]\ncodex_local = true\n[[groups]]\nname = \"G\"\nmembers = [\"bo@x.example\"]\n[policies.p]\nfile = \"p.toml\"\n[[policy_rules]]\ngroup = \"G\"\npolicy = \"p\"\n</script>\
            <textarea data-file=\"p.toml\">\n[rules]\nprefix_rules = [{ pattern = [{ token = &quot;git&quot; }], decision = &quot;forbidden&quot; }]\n</textarea>\
            <span data-expect=\"policy\">p</span><span data-expect=\"outcome\">reject</span><span data-expect=\"decidedBy\">p.toml:2:17</span></codex-policy-example>";
        let report = run_on("w.html", doc);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    }

    #[test]
    fn entities_decode_and_ampersands_stay() {
        assert_eq!(decode_entities("a &amp;&amp; b && c &lt;x&gt; &#39;&#x41;").unwrap(), "a && b && c <x> 'A");
        assert!(decode_entities("&copy;").is_err());
    }

    #[test]
    fn project_docs_pass() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut report = Report::default();
        for path in collect_files(&[root.join("docs"), root.join("crates/policy-wasm/js/README.md")]).unwrap() {
            let text = std::fs::read_to_string(&path).unwrap();
            check_document(&path.display().to_string(), &text, &mut report, false);
        }
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
        assert!(report.examples >= 7, "{}", report.examples);
    }

    #[test]
    fn the_docs_page_quotes_both_seed_examples_verbatim() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let page = std::fs::read_to_string(root.join("docs/index.html")).unwrap();
        let index = LineIndex::new(&page);
        let examples: Vec<Example> =
            html_examples(&page, 0, &|o| index.line_col(o).0).into_iter().map(Result::unwrap).collect();
        for (id, file) in [
            ("seed-git-review", "seed-git-review.requirements.toml"),
            ("seed-standard-rollout", "seed-standard-rollout.requirements.toml"),
        ] {
            let seed = std::fs::read_to_string(root.join("examples").join(file)).unwrap();
            let example = examples.iter().find(|e| e.label == format!("example `{id}`")).unwrap();
            let text = example.request.get("requirements").and_then(Json::as_array).unwrap()[0]
                .get("text")
                .and_then(Json::as_str);
            assert_eq!(text, Some(seed.as_str()), "{id}");
        }
    }
}

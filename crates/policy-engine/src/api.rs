//! The JSON face of the engine: plain JSON text in, a tagged JSON result out, never a panic and
//! never an exception. The wasm bindings (`crates/policy-wasm`, the app's docs element) are thin
//! wrappers over these functions, so JS and Rust callers get identical answers.
//!
//! Every result is `{"kind":"ok", …}` or `{"kind":"error","diagnostics":[…]}` (Cedar style).

use crate::check::{CheckRequest, evaluation_json, run_check};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::json::Json;
use crate::paths::PathContext;
use crate::policy::MatchOptions;
use crate::starlark::RulesFile;

/// Largest JSON request accepted (the inputs are policy texts, not data sets).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// A source text the caller sent, kept so diagnostics can be given line and column.
#[derive(Debug, Clone)]
pub struct NamedText {
    /// File name or label.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Renders diagnostics as JSON, with 1-based line/column computed from the named sources.
pub fn diagnostics_json(diagnostics: &[Diagnostic], sources: &[NamedText]) -> Json {
    Json::Array(
        diagnostics
            .iter()
            .map(|d| {
                let mut item = Json::object()
                    .with("severity", d.severity.as_str())
                    .with("code", d.code)
                    .with("message", d.message.as_str())
                    .with_opt("help", d.help.as_deref())
                    .with("source", d.source.as_str());
                if let Some(span) = d.span {
                    let text = sources.iter().find(|s| s.name == d.source).map_or("", |s| s.text.as_str());
                    let index = LineIndex::new(text);
                    let (line, column) = index.line_col(span.start);
                    let (end_line, end_column) = index.line_col(span.end);
                    item.push(
                        "span",
                        Json::object()
                            .with("start", span.start)
                            .with("end", span.end)
                            .with("line", line)
                            .with("column", column)
                            .with("endLine", end_line)
                            .with("endColumn", end_column),
                    );
                }
                item
            })
            .collect(),
    )
}

/// `{"kind":"error","diagnostics":[…]}`.
pub fn error_result(diagnostics: &[Diagnostic], sources: &[NamedText]) -> Json {
    Json::object().with("kind", "error").with("diagnostics", diagnostics_json(diagnostics, sources))
}

fn request_error(message: impl Into<String>) -> Json {
    error_result(&[Diagnostic::error("api/bad-request", message).in_source("request")], &[])
}

/// Parses a request body, enforcing the size limit.
fn parse_request(input: &str) -> Result<Json, Json> {
    if input.len() > MAX_REQUEST_BYTES {
        return Err(request_error(format!(
            "input too large: the request is {} bytes; the limit is {MAX_REQUEST_BYTES} bytes",
            input.len()
        )));
    }
    let value = Json::parse(input).map_err(|e| request_error(format!("invalid JSON at byte {}: {}", e.offset, e.message)))?;
    if matches!(value, Json::Object(_)) {
        Ok(value)
    } else {
        Err(request_error(format!("the request must be an object, got {}", value.type_name())))
    }
}

/// Reads `key` as a list of `{name, text}` files (absent = empty).
fn files(request: &Json, key: &str) -> Result<Vec<NamedText>, Json> {
    let Some(value) = request.get(key) else {
        return Ok(Vec::new());
    };
    let items = value.as_array().ok_or_else(|| request_error(format!("`{key}` must be an array of {{name, text}} objects")))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item.get("text").and_then(Json::as_str);
            let name = item.get("name").and_then(Json::as_str).map_or_else(|| format!("{key}[{i}]"), str::to_owned);
            text.map(|text| NamedText { name, text: text.to_owned() })
                .ok_or_else(|| request_error(format!("`{key}[{i}].text` must be a string")))
        })
        .collect()
}

/// Reads the command: `argv` (array of strings) or `command` (a command line split with POSIX rules).
pub fn command_argv(request: &Json) -> Result<Vec<String>, Json> {
    if let Some(argv) = request.get("argv") {
        let items = argv.as_array().ok_or_else(|| request_error("`argv` must be an array of strings"))?;
        return items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| request_error("`argv` must be an array of strings")))
            .collect();
    }
    match request.get("command").map(|c| c.as_str()) {
        Some(Some(line)) => shlex::split(line).ok_or_else(|| request_error("`command` has unbalanced quotes")),
        Some(None) => Err(request_error("`command` must be a string")),
        None => Err(request_error("the request needs `argv` (array of strings) or `command` (a command line)")),
    }
}

/// Reads `cwd`/`home` (defaults: [`PathContext::default`]).
fn path_context(request: &Json) -> PathContext {
    let default = PathContext::default();
    PathContext {
        cwd: request.get("cwd").and_then(Json::as_str).map_or(default.cwd, str::to_owned),
        home: request.get("home").and_then(Json::as_str).map_or(default.home, str::to_owned),
    }
}

/// `check`: `{rules:[{name,text}], requirements:[{name,text}], argv:[…] | command:"…",
/// resolveHostExecutables?, cwd?, home?}` → `{"kind":"ok","matchedRules":[…],"decision":…}`.
pub fn check(input: &str) -> String {
    check_json(input).to_compact()
}

fn check_json(input: &str) -> Json {
    let request = match parse_request(input) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (rules, requirements, argv) = match (files(&request, "rules"), files(&request, "requirements"), command_argv(&request)) {
        (Ok(r), Ok(q), Ok(a)) => (r, q, a),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return e,
    };
    let options = MatchOptions {
        resolve_host_executables: request.get("resolveHostExecutables").and_then(Json::as_bool).unwrap_or(false),
        paths: path_context(&request),
    };
    let rules_files: Vec<RulesFile<'_>> = rules.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let requirement_files: Vec<RulesFile<'_>> = requirements.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect();
    let check_request = CheckRequest { rules: &rules_files, requirements: &requirement_files, argv: &argv, options };
    match run_check(&check_request) {
        Ok(eval) => {
            let Json::Object(members) = evaluation_json(&eval) else { return request_error("internal: evaluation is not an object") };
            let mut out = vec![("kind".to_owned(), Json::from("ok"))];
            out.extend(members);
            Json::Object(out)
        }
        Err(diagnostic) => {
            let sources: Vec<NamedText> = rules.into_iter().chain(requirements).collect();
            error_result(&[diagnostic], &sources)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_requests_are_tagged_errors() {
        for input in ["", "[]", "{", r#"{"argv":[1]}"#, r#"{"rules":"x","argv":[]}"#, r#"{"command":"'unterminated"}"#] {
            let out = Json::parse(&check(input)).unwrap();
            assert_eq!(out.get("kind").and_then(Json::as_str), Some("error"), "{input}");
        }
    }

    #[test]
    fn requirements_rules_check() {
        let input = r#"{"requirements":[{"name":"r.toml","text":"[rules]\nprefix_rules = [{ pattern = [{ token = \"git\" }, { any_of = [\"push\"] }], decision = \"prompt\" }]"}],"command":"git push origin"}"#;
        assert_eq!(
            check(input),
            r#"{"kind":"ok","matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt"}}],"decision":"prompt"}"#
        );
    }
}

//! Codex's three builtins (`prefix_rule`, `network_rule`, `host_executable`) and the deferred
//! `match`/`not_match` checks, as `codex-rs/execpolicy/src/parser.rs` defines them.

use std::sync::Arc;

use super::error::{ErrorKind, EvalError, Fallible};
use super::eval::Interp;
use super::value::Value;
use crate::decision::Decision;
use crate::diagnostic::Span;
use crate::paths::{PathContext, executable_key, normalize_absolute};
use crate::policy::{
    MatchOptions, NetworkRule, PatternToken, Policy, PrefixRule, RuleOrigin, expand_first_alternatives,
};

/// One `prefix_rule` call's examples, checked when its file has been evaluated.
pub(crate) struct PendingExamples {
    pub rules: Vec<PrefixRule>,
    pub matches: Vec<Vec<String>>,
    pub not_matches: Vec<Vec<String>>,
    /// The `prefix_rule(...)` call.
    pub at: Span,
    /// The `match` / `not_match` arguments, for precise error locations.
    pub match_span: Option<Span>,
    pub not_match_span: Option<Span>,
}

/// What the builtins accumulate across all files of one load.
pub(crate) struct RulesBuilder {
    pub policy: Policy,
    pub pending: Vec<PendingExamples>,
    pub source: Arc<str>,
    pub paths: PathContext,
}

type Slots<'a> = [Option<(Value<'a>, Span)>];

fn slot<'s, 'a>(slots: &'s Slots<'a>, i: usize) -> Option<&'s (Value<'a>, Span)> {
    slots.get(i).and_then(Option::as_ref)
}

/// Unpacks a `&str` parameter (optional ones may be absent, but never `None`).
fn str_param(slots: &Slots<'_>, i: usize, name: &str) -> Fallible<Option<(String, Span)>> {
    match slot(slots, i) {
        None => Ok(None),
        Some((Value::Str(s), sp)) => Ok(Some((s.to_string(), *sp))),
        Some((other, sp)) => Err(EvalError::param_type(name, "str", other).at_precise(Some(*sp))),
    }
}

/// Unpacks an `UnpackList<Value>` parameter.
fn list_param<'a>(slots: &Slots<'a>, i: usize, name: &str) -> Fallible<Option<(Vec<Value<'a>>, Span)>> {
    match slot(slots, i) {
        None => Ok(None),
        Some((Value::List(l), sp)) => Ok(Some((l.items.borrow().clone(), *sp))),
        Some((other, sp)) => Err(EvalError::param_type(name, "list", other).at_precise(Some(*sp))),
    }
}

#[expect(clippy::unnecessary_box_returns, reason = "every error in the evaluator is boxed")]
fn codex_error(kind: ErrorKind, message: String, at: Span) -> Box<EvalError> {
    EvalError::new(kind, message).at_precise(Some(at))
}

fn parse_decision(raw: &str, at: Span) -> Fallible<Decision> {
    Decision::parse(raw).ok_or_else(|| codex_error(ErrorKind::Decision, format!("invalid decision: {raw}"), at))
}

fn parse_justification(j: Option<(String, Span)>) -> Fallible<Option<String>> {
    match j {
        Some((raw, sp)) if raw.trim().is_empty() => {
            Err(codex_error(ErrorKind::Rule, "invalid rule: justification cannot be empty".to_owned(), sp))
        }
        Some((raw, _)) => Ok(Some(raw)),
        None => Ok(None),
    }
}

/// `prefix_rule(pattern, decision=?, match=?, not_match=?, justification=?)`.
pub(crate) fn prefix_rule<'a>(interp: &mut Interp<'a, '_>, slots: &Slots<'a>, at: Span) -> Fallible<Value<'a>> {
    // starlark-rust unpacks every parameter (in order) before the body runs.
    let pattern = list_param(slots, 0, "pattern")?;
    let decision = str_param(slots, 1, "decision")?;
    let matches = list_param(slots, 2, "match")?;
    let not_matches = list_param(slots, 3, "not_match")?;
    let justification = str_param(slots, 4, "justification")?;

    let decision = match decision {
        Some((raw, sp)) => parse_decision(&raw, sp)?,
        None => Decision::Allow,
    };
    let justification = parse_justification(justification)?;
    let Some((pattern, pattern_span)) = pattern else {
        return Err(EvalError::value("Missing parameter `pattern` for call to `prefix_rule`"));
    };
    let pattern_error =
        |m: String| codex_error(ErrorKind::Pattern, format!("invalid pattern element: {m}"), pattern_span);
    let mut positions: Vec<Vec<String>> = Vec::with_capacity(pattern.len());
    for element in &pattern {
        match element {
            Value::Str(s) => positions.push(vec![s.to_string()]),
            Value::List(l) => {
                let mut alts = Vec::new();
                for v in l.items.borrow().iter() {
                    match v {
                        Value::Str(s) => alts.push(s.to_string()),
                        other => {
                            return Err(pattern_error(format!(
                                "pattern alternative must be a string (got {})",
                                other.type_name()
                            )));
                        }
                    }
                }
                if alts.is_empty() {
                    return Err(pattern_error("pattern alternatives cannot be empty".to_owned()));
                }
                positions.push(alts);
            }
            other => {
                return Err(pattern_error(format!(
                    "pattern element must be a string or list of strings (got {})",
                    other.type_name()
                )));
            }
        }
    }
    if positions.is_empty() {
        return Err(pattern_error("pattern cannot be empty".to_owned()));
    }
    let (match_values, match_span) = matches.map_or((Vec::new(), None), |(v, s)| (v, Some(s)));
    let (not_match_values, not_match_span) = not_matches.map_or((Vec::new(), None), |(v, s)| (v, Some(s)));
    let matches = parse_examples(&match_values, match_span.unwrap_or(at))?;
    let not_matches = parse_examples(&not_match_values, not_match_span.unwrap_or(at))?;

    let mut positions = positions.into_iter();
    let first = positions.next().unwrap_or_default();
    // A one-element list is a single token; longer lists are alternatives (first position
    // excepted: it expands to one rule per alternative, duplicates kept).
    let rest: Vec<PatternToken> = positions
        .map(|alts| match <[String; 1]>::try_from(alts) {
            Ok([single]) => PatternToken::Single(single),
            Err(alts) => PatternToken::Alts(alts),
        })
        .collect();
    let origin = RuleOrigin { source: Arc::clone(&interp.rules.source), span: at, from_requirements: false };
    let rules = expand_first_alternatives(&first, &rest, decision, justification.as_deref(), None, Some(&origin));
    interp.tick(rules.len() as u64)?;
    // Only calls with examples need their rules again after the file is evaluated.
    if matches.is_empty() && not_matches.is_empty() {
        for rule in rules {
            interp.rules.policy.add_rule(rule);
        }
    } else {
        for rule in &rules {
            interp.rules.policy.add_rule(rule.clone());
        }
        interp.rules.pending.push(PendingExamples { rules, matches, not_matches, at, match_span, not_match_span });
    }
    Ok(Value::None)
}

fn parse_examples(values: &[Value<'_>], at: Span) -> Fallible<Vec<Vec<String>>> {
    let err = |m: String| codex_error(ErrorKind::Example, format!("invalid example: {m}"), at);
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match v {
            Value::Str(raw) => {
                let tokens =
                    shlex::split(raw).ok_or_else(|| err("example string has invalid shell syntax".to_owned()))?;
                if tokens.is_empty() {
                    return Err(err("example cannot be an empty string".to_owned()));
                }
                out.push(tokens);
            }
            Value::List(l) => {
                let mut tokens = Vec::new();
                for t in l.items.borrow().iter() {
                    match t {
                        Value::Str(s) => tokens.push(s.to_string()),
                        other => {
                            return Err(err(format!("example tokens must be strings (got {})", other.type_name())));
                        }
                    }
                }
                if tokens.is_empty() {
                    return Err(err("example cannot be an empty list".to_owned()));
                }
                out.push(tokens);
            }
            other => {
                return Err(err(format!("example must be a string or list of strings (got {})", other.type_name())));
            }
        }
    }
    Ok(out)
}

/// `network_rule(host, protocol, decision, justification=?)`.
pub(crate) fn network_rule<'a>(interp: &mut Interp<'a, '_>, slots: &Slots<'a>, at: Span) -> Fallible<Value<'a>> {
    let host = str_param(slots, 0, "host")?;
    let protocol = str_param(slots, 1, "protocol")?;
    let decision = str_param(slots, 2, "decision")?;
    let justification = str_param(slots, 3, "justification")?;
    let (Some((host, host_span)), Some((protocol, protocol_span)), Some((decision, decision_span))) =
        (host, protocol, decision)
    else {
        return Err(EvalError::value("internal error: missing network_rule parameter"));
    };
    let protocol = match protocol.as_str() {
        "http" => "http",
        "https" | "https_connect" | "http-connect" => "https",
        "socks5_tcp" => "socks5_tcp",
        "socks5_udp" => "socks5_udp",
        other => {
            return Err(codex_error(
                ErrorKind::Rule,
                format!(
                    "invalid rule: network_rule protocol must be one of http, https, socks5_tcp, socks5_udp (got {other})"
                ),
                protocol_span,
            ));
        }
    };
    let decision = match decision.as_str() {
        "deny" => Decision::Forbidden,
        other => parse_decision(other, decision_span)?,
    };
    let justification = parse_justification(justification)?;
    let host = normalize_network_host(&host)
        .map_err(|m| codex_error(ErrorKind::Rule, format!("invalid rule: {m}"), host_span))?;
    interp.rules.policy.add_network_rule(NetworkRule {
        host,
        protocol: protocol.to_owned(),
        decision,
        justification,
        origin: Some(RuleOrigin { source: Arc::clone(&interp.rules.source), span: at, from_requirements: false }),
    });
    Ok(Value::None)
}

/// `normalize_network_rule_host` (rule.rs): trim, reject schemes/paths, strip a port and
/// trailing dots, lower-case, reject wildcards and whitespace.
fn normalize_network_host(raw: &str) -> Result<String, String> {
    let mut host = raw.trim();
    if host.is_empty() {
        return Err("network_rule host cannot be empty".to_owned());
    }
    if host.contains("://") || host.contains(['/', '?', '#']) {
        return Err("network_rule host must be a hostname or IP literal (without scheme or path)".to_owned());
    }
    if let Some(stripped) = host.strip_prefix('[') {
        let Some((inside, rest)) = stripped.split_once(']') else {
            return Err("network_rule host has an invalid bracketed IPv6 literal".to_owned());
        };
        let port_ok =
            rest.strip_prefix(':').is_some_and(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()));
        if !rest.is_empty() && !port_ok {
            return Err(format!("network_rule host contains an unsupported suffix: {raw}"));
        }
        host = inside;
    } else if host.matches(':').count() == 1
        && let Some((candidate, port)) = host.rsplit_once(':')
        && !candidate.is_empty()
        && !port.is_empty()
        && port.chars().all(|c| c.is_ascii_digit())
    {
        host = candidate;
    }
    let normalized = host.trim_end_matches('.').trim().to_ascii_lowercase();
    if normalized.is_empty() {
        return Err("network_rule host cannot be empty".to_owned());
    }
    if normalized.contains('*') {
        return Err("network_rule host must be a specific host; wildcards are not allowed".to_owned());
    }
    if normalized.chars().any(char::is_whitespace) {
        return Err("network_rule host cannot contain whitespace".to_owned());
    }
    Ok(normalized)
}

/// `host_executable(name, paths)`.
pub(crate) fn host_executable<'a>(interp: &mut Interp<'a, '_>, slots: &Slots<'a>) -> Fallible<Value<'a>> {
    let name = str_param(slots, 0, "name")?;
    let paths = list_param(slots, 1, "paths")?;
    let (Some((name, name_span)), Some((paths, paths_span))) = (name, paths) else {
        return Err(EvalError::value("internal error: missing host_executable parameter"));
    };
    let rule_error = |m: String, at: Span| codex_error(ErrorKind::Rule, format!("invalid rule: {m}"), at);
    if name.is_empty() {
        return Err(rule_error("host_executable name cannot be empty".to_owned(), name_span));
    }
    // `Path::new(name)` must be exactly one normal component equal to `name`.
    if name.contains('/') || name == "." || name == ".." {
        return Err(rule_error(format!("host_executable name must be a bare executable name (got {name})"), name_span));
    }
    let mut parsed: Vec<String> = Vec::new();
    for value in &paths {
        interp.tick(1)?;
        let Value::Str(raw) = value else {
            return Err(rule_error(
                format!("host_executable paths must be strings (got {})", value.type_name()),
                paths_span,
            ));
        };
        let path = checked_absolute(raw, &interp.rules.paths.home).map_err(|e| {
            rule_error(
                format!("host_executable paths must be absolute or use `~/...` home-relative syntax (got {raw}): {e}"),
                paths_span,
            )
        })?;
        if executable_key(&path) != Some(name.as_str()) {
            return Err(rule_error(format!("host_executable path `{raw}` must have basename `{name}`"), paths_span));
        }
        if !parsed.contains(&path) {
            parsed.push(path);
        }
    }
    interp.rules.policy.set_host_executable(name, parsed);
    Ok(Value::None)
}

/// `AbsolutePathBuf::from_absolute_path_checked` on Unix: `~` and `~/…` expand to home, the
/// result must be absolute, then `.`, `..` and repeated `/` are removed lexically.
fn checked_absolute(raw: &str, home: &str) -> Result<String, String> {
    let expanded = if raw == "~" {
        home.to_owned()
    } else if let Some(rest) = raw.strip_prefix("~/") {
        format!("{home}/{}", rest.trim_start_matches('/'))
    } else {
        raw.to_owned()
    };
    if !expanded.starts_with('/') {
        return Err(format!("path is not absolute: {raw}"));
    }
    Ok(normalize_absolute(&expanded))
}

/// Checks the examples of every `prefix_rule` call since `start` (spec §3.1.3): `not_match`
/// first, then `match`, each against a policy of only that call's rules plus every
/// `host_executable` known now, with host-executable resolution on.
pub(crate) fn validate_examples(builder: &RulesBuilder, start: usize) -> Fallible<()> {
    let options = MatchOptions { resolve_host_executables: true, paths: builder.paths.clone() };
    for pending in builder.pending.iter().skip(start) {
        let mut policy = Policy::new();
        for rule in &pending.rules {
            policy.add_rule(rule.clone());
        }
        for (name, paths) in builder.policy.host_executables() {
            policy.set_host_executable(name.clone(), paths.clone());
        }
        for example in &pending.not_matches {
            if let Some(m) = policy.matches_for(example, &options).first() {
                let mut e = EvalError::new(
                    ErrorKind::ExampleDidMatch,
                    format!("expected example to not match rule `{}`: {}", m.codex_debug(), render_example(example)),
                );
                e.span = pending.not_match_span.or(Some(pending.at));
                e.codex_span = Some(pending.at);
                return Err(e);
            }
        }
        let unmatched: Vec<String> = pending
            .matches
            .iter()
            .filter(|example| policy.matches_for(example, &options).is_empty())
            .map(|example| render_example(example))
            .collect();
        if !unmatched.is_empty() {
            let rules: Vec<String> = pending.rules.iter().map(PrefixRule::codex_debug).collect();
            let mut e = EvalError::new(
                ErrorKind::ExampleDidNotMatch,
                format!(
                    "expected every example to match at least one rule. rules: {rules:?}; unmatched examples: {unmatched:?}"
                ),
            );
            e.span = pending.match_span.or(Some(pending.at));
            e.codex_span = Some(pending.at);
            return Err(e);
        }
    }
    Ok(())
}

fn render_example(example: &[String]) -> String {
    shlex::try_join(example.iter().map(String::as_str)).unwrap_or_else(|_| "unable to render example".to_owned())
}

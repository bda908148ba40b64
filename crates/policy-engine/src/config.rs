//! The user's own configuration (`config.toml`, a profile, `codex -c KEY=VALUE`), read into the
//! [`UserConfig`] that requirements are resolved against (spec §2.6).

use std::collections::BTreeMap;

use crate::requirements::document::{ApprovalPolicyToml, ApprovalsReviewerToml, SandboxModeToml, WebSearchModeToml};
use crate::requirements::mcp::{ConfiguredMcpServer, McpTransport};
use crate::requirements::settings::UserConfig;
use crate::tomlread::{Error, Node, StructReader, Table, Value, bool_map, entries, ignore, string};

/// The keys of `config.toml` that requirements constrain; everything else is ignored, like the
/// rest of a real `config.toml` is for policy purposes.
#[derive(Debug, Default)]
struct ConfigToml {
    approval_policy: Option<ApprovalPolicyToml>,
    sandbox_mode: Option<SandboxModeToml>,
    web_search: Option<WebSearchModeToml>,
    approvals_reviewer: Option<ApprovalsReviewerToml>,
    features: BTreeMap<String, bool>,
    /// By name (read with [`entries`]: key order, as a map).
    mcp_servers: Vec<(String, McpServerToml)>,
    default_permissions: Option<String>,
    /// `[permissions.<name>]` profiles: only their names matter to requirements (key order).
    permissions: Vec<String>,
}

#[derive(Debug)]
struct McpServerToml {
    command: Option<String>,
    url: Option<String>,
}

impl ConfigToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("approval_policy", 0),
            ("sandbox_mode", 1),
            ("web_search", 2),
            ("approvals_reviewer", 3),
            ("features", 4),
            ("mcp_servers", 5),
            ("default_permissions", 6),
            ("permissions", 7),
        ];
        let mut c = Self::default();
        StructReader::read(node, "struct ConfigToml", NAMES, 8, false, &mut |i, n| {
            match i {
                0 => c.approval_policy = Some(ApprovalPolicyToml::from_toml(n)?),
                1 => c.sandbox_mode = Some(SandboxModeToml::from_toml(n)?),
                2 => c.web_search = Some(WebSearchModeToml::from_toml(n)?),
                3 => c.approvals_reviewer = Some(ApprovalsReviewerToml::from_toml(n)?),
                4 => c.features = bool_map(n)?,
                6 => c.default_permissions = Some(string(n)?),
                7 => {
                    let profiles = entries(n, &mut |e| ignore(&e.value))?;
                    c.permissions = profiles.into_iter().map(|(name, ())| name).collect();
                }
                _ => c.mcp_servers = entries(n, &mut |e| McpServerToml::from_toml(&e.value))?,
            }
            Ok(())
        })?;
        Ok(c)
    }
}

impl McpServerToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let (mut command, mut url) = (None, None);
        let r =
            StructReader::read(node, "struct McpServerToml", &[("command", 0), ("url", 1)], 2, false, &mut |i, n| {
                if i == 0 {
                    command = Some(string(n)?);
                } else {
                    url = Some(string(n)?);
                }
                Ok(())
            })?;
        let command = r.optional(0, command)?;
        let url = r.optional(1, url)?;
        r.end()?;
        Ok(Self { command, url })
    }
}

/// Reads a `config.toml`-shaped table. Errors are serde's text (`unknown variant …`), as Codex
/// reports a bad config value.
pub fn user_config_from_table(table: &Table) -> Result<UserConfig, String> {
    let parsed = ConfigToml::from_toml(&Node::table(table)).map_err(|e| e.message().to_owned())?;
    let mut mcp_servers = Vec::new();
    for (name, server) in parsed.mcp_servers {
        let transport = match (server.command, server.url) {
            (Some(command), None) => McpTransport::Stdio { command },
            (None, Some(url)) => McpTransport::Http { url },
            _ => return Err(format!("mcp server `{name}` needs exactly one of `command` or `url`")),
        };
        mcp_servers.push(ConfiguredMcpServer { name, transport, plugin: None });
    }
    Ok(UserConfig {
        approval_policy: parsed.approval_policy.map(ApprovalPolicyToml::value),
        sandbox_mode: parsed.sandbox_mode.map(SandboxModeToml::value),
        web_search: parsed.web_search.map(WebSearchModeToml::value),
        approvals_reviewer: parsed.approvals_reviewer.map(ApprovalsReviewerToml::value),
        features: parsed.features,
        mcp_servers,
        default_permissions: parsed.default_permissions,
        permission_profiles: parsed.permissions,
    })
}

/// Reads `config.toml` text.
pub fn user_config_from_toml(text: &str) -> Result<UserConfig, String> {
    let table = crate::tomlread::parse_table(text).map_err(|e| e.message().to_owned())?;
    user_config_from_table(&table)
}

/// Most dotted parts an override key may have. The `toml` parser stops nesting at 80 levels; a
/// longer key would build tables deep enough to overflow the stack when dropped or printed.
pub const MAX_OVERRIDE_KEY_PARTS: usize = 80;

/// Applies one `KEY=VALUE` override as `codex -c` does: VALUE is parsed as a TOML value when it
/// parses, else taken as a plain string; dotted keys (`features.apps=false`) create tables.
pub fn apply_override(table: &mut Table, assignment: &str) -> Result<(), String> {
    let Some((key, raw)) = assignment.split_once('=') else {
        return Err(format!("invalid override `{assignment}`: expected KEY=VALUE"));
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!("invalid override `{assignment}`: empty key"));
    }
    if key.split('.').count() > MAX_OVERRIDE_KEY_PARTS {
        return Err(format!("input too large: an override key with more than {MAX_OVERRIDE_KEY_PARTS} dotted parts"));
    }
    let value = parse_value(raw.trim());
    let mut parts: Vec<&str> = key.split('.').collect();
    let Some(last) = parts.pop() else {
        return Err(format!("invalid override `{assignment}`: empty key"));
    };
    let mut current = table;
    for part in parts {
        let entry = current.entry(part.to_owned()).or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        let Value::Table(next) = entry else {
            return Err(format!("invalid override `{assignment}`"));
        };
        current = next;
    }
    current.insert(last.to_owned(), value);
    Ok(())
}

fn parse_value(raw: &str) -> Value {
    let text = format!("v = {raw}");
    let read = |text: &str| -> Result<Option<Value>, Error> {
        let doc = crate::tomlread::parse(text)?;
        let mut v = None;
        let r = StructReader::read(&Node::document(&doc), "struct Wrapper", &[("v", 0)], 1, false, &mut |_, n| {
            v = Some(crate::tomlread::value(n)?);
            Ok(())
        })?;
        r.required(0, "v", v).map(Some)
    };
    match read(&text) {
        Ok(Some(v)) => v,
        _ => Value::String(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{ApprovalPolicy, SandboxMode};

    #[test]
    fn overrides_parse_as_toml_or_plain_strings() {
        let mut table = Table::new();
        apply_override(&mut table, "approval_policy=never").unwrap();
        apply_override(&mut table, "sandbox_mode=\"workspace-write\"").unwrap();
        apply_override(&mut table, "features.apps=false").unwrap();
        let config = user_config_from_table(&table).unwrap();
        assert_eq!(config.approval_policy, Some(ApprovalPolicy::Never));
        assert_eq!(config.sandbox_mode, Some(SandboxMode::WorkspaceWrite));
        assert_eq!(config.features.get("apps"), Some(&false));
        let mut granular = Table::new();
        apply_override(
            &mut granular,
            "approval_policy={ granular = { sandbox_approval = true, rules = false, skill_approval = true, request_permissions = true, mcp_elicitations = true } }",
        )
        .unwrap();
        assert!(
            matches!(user_config_from_table(&granular).unwrap().approval_policy, Some(ApprovalPolicy::Granular(g)) if !g.rules)
        );
        let mut bad = Table::new();
        apply_override(&mut bad, "approval_policy=sometimes").unwrap();
        assert!(user_config_from_table(&bad).unwrap_err().contains("unknown variant `sometimes`"));
        assert!(apply_override(&mut bad, "novalue").is_err());
    }
}

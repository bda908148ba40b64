//! `[mcp_servers]` and `[plugins]` allowlists (spec §2.3.8, vectors X1–X3).

use crate::json::Json;
use crate::requirements::keyed;
use crate::requirements::source::RequirementSource;
use crate::tomlread::{Error, Node, Seen, StructReader, buffer, entries, string};

/// How an allowed server is identified: the key present selects the variant (untagged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McpServerIdentity {
    /// A stdio server, matched on its `command` string exactly (arguments are not compared).
    Command {
        /// The command.
        command: String,
    },
    /// A streamable-HTTP server, matched on its `url` exactly.
    Url {
        /// The URL.
        url: String,
    },
}

/// `[mcp_servers.<name>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServerRequirement {
    /// The required identity.
    pub identity: McpServerIdentity,
}

/// `[plugins."<plugin>@<marketplace>"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginRequirementsToml {
    /// Servers this plugin may run.
    pub mcp_servers: Option<Vec<(String, McpServerRequirement)>>,
}

impl PluginRequirementsToml {
    /// Sets no MCP server (counts as absent for `is_empty`).
    pub fn is_empty(&self) -> bool {
        self.mcp_servers.as_ref().is_none_or(Vec::is_empty)
    }
}

/// How a configured server is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McpTransport {
    /// `command = "…"` (plus arguments, which requirements ignore).
    Stdio {
        /// The command string.
        command: String,
    },
    /// `url = "…"`.
    Http {
        /// The URL.
        url: String,
    },
}

/// An MCP server from the user's config (or provided by a plugin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredMcpServer {
    /// The server's name (the `[mcp_servers.<name>]` key).
    pub name: String,
    /// Its transport.
    pub transport: McpTransport,
    /// `Some("<plugin>@<marketplace>")` for plugin-provided servers.
    pub plugin: Option<String>,
}

/// What requirements do to one configured server. Disallowed servers are not removed: Codex
/// marks them `enabled = false` with the disabled reason `Requirements { source }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServerOutcome {
    /// The server's name.
    pub name: String,
    /// Its plugin, if plugin-provided.
    pub plugin: Option<String>,
    /// Whether it stays enabled.
    pub enabled: bool,
    /// The requirement that disabled it (`None` when enabled or unconstrained).
    pub disabled_by: Option<RequirementSource>,
    /// The requirement that allowed it by identity (`None` when unconstrained).
    pub allowed_by: Option<RequirementSource>,
}

fn identity_matches(identity: &McpServerIdentity, transport: &McpTransport) -> bool {
    match (identity, transport) {
        (McpServerIdentity::Command { command }, McpTransport::Stdio { command: c }) => command == c,
        (McpServerIdentity::Url { url }, McpTransport::Http { url: u }) => url == u,
        _ => false,
    }
}

/// Applies the allowlists to every configured server (released generation: a top-level
/// `mcp_servers = {}` does not disable plugin-provided servers, spec §8).
pub fn evaluate_mcp_servers(
    servers: &[ConfiguredMcpServer],
    mcp_servers: Option<(&[(String, McpServerRequirement)], &RequirementSource)>,
    plugins: Option<(&[(String, PluginRequirementsToml)], &RequirementSource)>,
) -> Vec<McpServerOutcome> {
    servers
        .iter()
        .map(|server| {
            let verdict = match &server.plugin {
                None => mcp_servers.map(|(allow, source)| {
                    let ok = keyed::get(allow, &server.name)
                        .is_some_and(|r| identity_matches(&r.identity, &server.transport));
                    (ok, source)
                }),
                Some(plugin) => plugins.map(|(allow, source)| {
                    let ok = keyed::get(allow, plugin)
                        .and_then(|p| p.mcp_servers.as_deref())
                        .and_then(|m| keyed::get(m, &server.name))
                        .is_some_and(|r| identity_matches(&r.identity, &server.transport));
                    (ok, source)
                }),
            };
            let (enabled, disabled_by, allowed_by) = match verdict {
                None => (true, None, None),
                Some((true, source)) => (true, None, Some(source.clone())),
                Some((false, source)) => (false, Some(source.clone()), None),
            };
            McpServerOutcome {
                name: server.name.clone(),
                plugin: server.plugin.clone(),
                enabled,
                disabled_by,
                allowed_by,
            }
        })
        .collect()
}

/// `{"name","plugin"?,"enabled","disabledReason"?,"source"?}`.
pub fn mcp_outcome_json(outcome: &McpServerOutcome) -> Json {
    Json::object()
        .with("name", outcome.name.as_str())
        .with_opt("plugin", outcome.plugin.as_deref())
        .with("enabled", outcome.enabled)
        .with_opt("disabledReason", outcome.disabled_by.as_ref().map(|s| format!("Requirements {{ source: {s} }}")))
        .with_opt("source", outcome.disabled_by.as_ref().or(outcome.allowed_by.as_ref()).map(RequirementSource::label))
}

/// JSON of a requirement map (`{"name":{"identity":{"command":…}}}`).
pub fn mcp_requirements_json(map: &[(String, McpServerRequirement)]) -> Json {
    Json::Object(
        map.iter()
            .map(|(name, r)| {
                let identity = match &r.identity {
                    McpServerIdentity::Command { command } => Json::object().with("command", command.as_str()),
                    McpServerIdentity::Url { url } => Json::object().with("url", url.as_str()),
                };
                (name.clone(), Json::object().with("identity", identity))
            })
            .collect(),
    )
}

/// JSON of `[plugins]`.
pub fn plugins_json(map: &[(String, PluginRequirementsToml)]) -> Json {
    Json::Object(
        map.iter()
            .map(|(name, p)| {
                (
                    name.clone(),
                    Json::object().with_opt("mcp_servers", p.mcp_servers.as_deref().map(mcp_requirements_json)),
                )
            })
            .collect(),
    )
}

impl McpServerIdentity {
    /// Reads the untagged identity: the first variant whose shape fits (`command`, then `url`).
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        buffer(node)?;
        if let Some(command) = Self::single(node, "command") {
            return Ok(Self::Command { command });
        }
        if let Some(url) = Self::single(node, "url") {
            return Ok(Self::Url { url });
        }
        // Decided after the value was buffered: the error gets the enclosing value's span.
        Err(Error::custom("data did not match any variant of untagged enum McpServerIdentity"))
    }

    /// A one-field struct variant read from buffered content: a table with `key` (serde's
    /// untagged struct variants accept no array).
    fn single(node: &Node<'_>, key: &'static str) -> Option<String> {
        match node.seen().ok()? {
            Seen::Map(_) => {
                let mut value = None;
                let names = [(key, 0)];
                let r = StructReader::read(node, "struct variant", &names, 1, false, &mut |_, n| {
                    value = Some(string(n)?);
                    Ok(())
                })
                .ok()?;
                r.required(0, key, value).ok()
            }
            _ => None,
        }
    }
}

impl McpServerRequirement {
    /// Reads `{ identity = … }`.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut identity = None;
        let r = StructReader::read(node, "struct McpServerRequirement", &[("identity", 0)], 1, false, &mut |_, n| {
            identity = Some(McpServerIdentity::from_toml(n)?);
            Ok(())
        })?;
        Ok(Self { identity: r.required(0, "identity", identity)? })
    }
}

impl PluginRequirementsToml {
    /// Reads `{ mcp_servers = { … } }`.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut servers = None;
        let r =
            StructReader::read(node, "struct PluginRequirementsToml", &[("mcp_servers", 0)], 1, false, &mut |_, n| {
                servers = Some(entries(n, &mut |e| McpServerRequirement::from_toml(&e.value))?);
                Ok(())
            })?;
        Ok(Self { mcp_servers: r.optional(0, servers)? })
    }
}

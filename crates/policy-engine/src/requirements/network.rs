//! `[experimental_network]` (spec §2.3.12): the canonical maps, the legacy lists, and the two
//! mixing errors, with Codex's exact texts.

use crate::json::Json;
use crate::requirements::keyed;
use crate::tomlread::{Error, Node, StructReader, boolean, entries, string_seq, unit_enum, unsigned};

/// A domain pattern's permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainPermission {
    /// `allow`
    Allow,
    /// `deny` (wins on conflicts)
    Deny,
}

impl DomainPermission {
    /// TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        }
    }
}

/// A unix socket's permission (`allow` / `none` in the released generation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnixSocketPermission {
    /// `allow`
    Allow,
    /// `none`
    None,
}

impl UnixSocketPermission {
    /// TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::None => "none",
        }
    }
}

/// The normalised network requirements: legacy lists are folded into `domains`/`unix_sockets`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkRequirementsToml {
    /// `enabled`
    pub enabled: Option<bool>,
    /// `http_port`
    pub http_port: Option<u16>,
    /// `socks_port`
    pub socks_port: Option<u16>,
    /// `allow_upstream_proxy`
    pub allow_upstream_proxy: Option<bool>,
    /// `dangerously_allow_non_loopback_proxy`
    pub dangerously_allow_non_loopback_proxy: Option<bool>,
    /// `dangerously_allow_all_unix_sockets`
    pub dangerously_allow_all_unix_sockets: Option<bool>,
    /// Domain patterns (sorted by pattern and unique, as Codex's `BTreeMap`).
    pub domains: Option<Vec<(String, DomainPermission)>>,
    /// Only admin allow rules are effective.
    pub managed_allowed_domains_only: Option<bool>,
    /// Unix socket paths (sorted and unique, as Codex's `BTreeMap`).
    pub unix_sockets: Option<Vec<(String, UnixSocketPermission)>>,
    /// `allow_local_binding`
    pub allow_local_binding: Option<bool>,
}

#[derive(Default)]
struct RawNetwork {
    enabled: Option<bool>,
    http_port: Option<u16>,
    socks_port: Option<u16>,
    allow_upstream_proxy: Option<bool>,
    dangerously_allow_non_loopback_proxy: Option<bool>,
    dangerously_allow_all_unix_sockets: Option<bool>,
    domains: Option<Vec<(String, DomainPermission)>>,
    allowed_domains: Option<Vec<String>>,
    managed_allowed_domains_only: Option<bool>,
    denied_domains: Option<Vec<String>>,
    unix_sockets: Option<Vec<(String, UnixSocketPermission)>>,
    allow_unix_sockets: Option<Vec<String>>,
    allow_local_binding: Option<bool>,
}

impl RawNetwork {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("enabled", 0),
            ("http_port", 1),
            ("socks_port", 2),
            ("allow_upstream_proxy", 3),
            ("dangerously_allow_non_loopback_proxy", 4),
            ("dangerously_allow_all_unix_sockets", 5),
            ("domains", 6),
            ("allowed_domains", 7),
            ("managed_allowed_domains_only", 8),
            ("denied_domains", 9),
            ("unix_sockets", 10),
            ("allow_unix_sockets", 11),
            ("allow_local_binding", 12),
        ];
        let mut raw = Self::default();
        let port = |n: &Node<'_>| unsigned(n, u64::from(u16::MAX), "u16").map(|p| u16::try_from(p).unwrap_or_default());
        let r = StructReader::read(node, "struct RawNetwork", NAMES, 13, false, &mut |i, n| {
            match i {
                0 => raw.enabled = Some(boolean(n)?),
                1 => raw.http_port = Some(port(n)?),
                2 => raw.socks_port = Some(port(n)?),
                3 => raw.allow_upstream_proxy = Some(boolean(n)?),
                4 => raw.dangerously_allow_non_loopback_proxy = Some(boolean(n)?),
                5 => raw.dangerously_allow_all_unix_sockets = Some(boolean(n)?),
                6 => raw.domains = Some(entries(n, &mut |e| DomainPermission::from_toml(&e.value))?),
                7 => raw.allowed_domains = Some(string_seq(n)?),
                8 => raw.managed_allowed_domains_only = Some(boolean(n)?),
                9 => raw.denied_domains = Some(string_seq(n)?),
                10 => raw.unix_sockets = Some(entries(n, &mut |e| UnixSocketPermission::from_toml(&e.value))?),
                11 => raw.allow_unix_sockets = Some(string_seq(n)?),
                _ => raw.allow_local_binding = Some(boolean(n)?),
            }
            Ok(())
        })?;
        // serde's arity rule for an array written in place of the table (`#[serde(default)]`
        // fields excepted).
        for (index, set) in [
            (0, raw.enabled.is_some()),
            (1, raw.http_port.is_some()),
            (2, raw.socks_port.is_some()),
            (3, raw.allow_upstream_proxy.is_some()),
            (4, raw.dangerously_allow_non_loopback_proxy.is_some()),
            (5, raw.dangerously_allow_all_unix_sockets.is_some()),
            (6, raw.domains.is_some()),
            (8, raw.managed_allowed_domains_only.is_some()),
            (10, raw.unix_sockets.is_some()),
            (12, raw.allow_local_binding.is_some()),
        ] {
            if !set {
                r.optional::<()>(index, None)?;
            }
        }
        Ok(raw)
    }
}

impl NetworkRequirementsToml {
    /// Reads `[experimental_network]`: the canonical maps or the legacy lists, never both.
    pub fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let raw = RawNetwork::from_toml(node)?;
        let custom = |m: &str| Err(node.fail(Error::custom(m)));
        if raw.domains.is_some() && (raw.allowed_domains.is_some() || raw.denied_domains.is_some()) {
            return custom(
                "`experimental_network.domains` cannot be combined with legacy `allowed_domains` or `denied_domains`",
            );
        }
        if raw.unix_sockets.is_some() && raw.allow_unix_sockets.is_some() {
            return custom("`experimental_network.unix_sockets` cannot be combined with legacy `allow_unix_sockets`");
        }
        // Legacy lists: allowed first, then denied (so a pattern in both ends `deny`); explicit
        // empty lists are treated as unset.
        let domains = raw.domains.or_else(|| {
            let mut map = Vec::new();
            for pattern in raw.allowed_domains.unwrap_or_default() {
                keyed::insert(&mut map, pattern, DomainPermission::Allow);
            }
            for pattern in raw.denied_domains.unwrap_or_default() {
                keyed::insert(&mut map, pattern, DomainPermission::Deny);
            }
            (!map.is_empty()).then_some(map)
        });
        let unix_sockets = raw.unix_sockets.or_else(|| {
            let mut map = Vec::new();
            for path in raw.allow_unix_sockets.unwrap_or_default() {
                keyed::insert(&mut map, path, UnixSocketPermission::Allow);
            }
            (!map.is_empty()).then_some(map)
        });
        Ok(Self {
            enabled: raw.enabled,
            http_port: raw.http_port,
            socks_port: raw.socks_port,
            allow_upstream_proxy: raw.allow_upstream_proxy,
            dangerously_allow_non_loopback_proxy: raw.dangerously_allow_non_loopback_proxy,
            dangerously_allow_all_unix_sockets: raw.dangerously_allow_all_unix_sockets,
            domains,
            managed_allowed_domains_only: raw.managed_allowed_domains_only,
            unix_sockets,
            allow_local_binding: raw.allow_local_binding,
        })
    }
}

impl NetworkRequirementsToml {
    /// JSON with the normalised maps.
    pub fn to_json(&self) -> Json {
        let int = |v: Option<u16>| v.map(|p| Json::Int(i64::from(p)));
        Json::object()
            .with_opt("enabled", self.enabled)
            .with_opt("http_port", int(self.http_port))
            .with_opt("socks_port", int(self.socks_port))
            .with_opt("allow_upstream_proxy", self.allow_upstream_proxy)
            .with_opt("dangerously_allow_non_loopback_proxy", self.dangerously_allow_non_loopback_proxy)
            .with_opt("dangerously_allow_all_unix_sockets", self.dangerously_allow_all_unix_sockets)
            .with_opt(
                "domains",
                self.domains
                    .as_ref()
                    .map(|m| Json::Object(m.iter().map(|(k, v)| (k.clone(), Json::from(v.as_str()))).collect())),
            )
            .with_opt("managed_allowed_domains_only", self.managed_allowed_domains_only)
            .with_opt(
                "unix_sockets",
                self.unix_sockets
                    .as_ref()
                    .map(|m| Json::Object(m.iter().map(|(k, v)| (k.clone(), Json::from(v.as_str()))).collect())),
            )
            .with_opt("allow_local_binding", self.allow_local_binding)
    }
}

impl DomainPermission {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        Ok(if unit_enum(node, &[("allow", 0), ("deny", 1)])? == 0 { Self::Allow } else { Self::Deny })
    }
}

impl UnixSocketPermission {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        Ok(if unit_enum(node, &[("allow", 0), ("none", 1)])? == 0 { Self::Allow } else { Self::None })
    }
}

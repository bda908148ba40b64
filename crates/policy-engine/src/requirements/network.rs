//! `[experimental_network]` (spec §2.3.12): the canonical maps, the legacy lists, and the two
//! mixing errors, with Codex's exact texts.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use crate::json::Json;

/// A domain pattern's permission.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
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
    /// Domain patterns (sorted by pattern, as Codex's `BTreeMap`).
    pub domains: Option<BTreeMap<String, DomainPermission>>,
    /// Only admin allow rules are effective.
    pub managed_allowed_domains_only: Option<bool>,
    /// Unix socket paths.
    pub unix_sockets: Option<BTreeMap<String, UnixSocketPermission>>,
    /// `allow_local_binding`
    pub allow_local_binding: Option<bool>,
}

#[derive(Deserialize)]
struct RawNetwork {
    enabled: Option<bool>,
    http_port: Option<u16>,
    socks_port: Option<u16>,
    allow_upstream_proxy: Option<bool>,
    dangerously_allow_non_loopback_proxy: Option<bool>,
    dangerously_allow_all_unix_sockets: Option<bool>,
    domains: Option<BTreeMap<String, DomainPermission>>,
    #[serde(default)]
    allowed_domains: Option<Vec<String>>,
    managed_allowed_domains_only: Option<bool>,
    #[serde(default)]
    denied_domains: Option<Vec<String>>,
    unix_sockets: Option<BTreeMap<String, UnixSocketPermission>>,
    #[serde(default)]
    allow_unix_sockets: Option<Vec<String>>,
    allow_local_binding: Option<bool>,
}

impl<'de> Deserialize<'de> for NetworkRequirementsToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawNetwork::deserialize(deserializer)?;
        if raw.domains.is_some() && (raw.allowed_domains.is_some() || raw.denied_domains.is_some()) {
            return Err(D::Error::custom(
                "`experimental_network.domains` cannot be combined with legacy `allowed_domains` or `denied_domains`",
            ));
        }
        if raw.unix_sockets.is_some() && raw.allow_unix_sockets.is_some() {
            return Err(D::Error::custom(
                "`experimental_network.unix_sockets` cannot be combined with legacy `allow_unix_sockets`",
            ));
        }
        // Legacy lists: allowed first, then denied (so a pattern in both ends `deny`); explicit
        // empty lists are treated as unset.
        let domains = raw.domains.or_else(|| {
            let mut map = BTreeMap::new();
            for pattern in raw.allowed_domains.unwrap_or_default() {
                map.insert(pattern, DomainPermission::Allow);
            }
            for pattern in raw.denied_domains.unwrap_or_default() {
                map.insert(pattern, DomainPermission::Deny);
            }
            (!map.is_empty()).then_some(map)
        });
        let unix_sockets = raw.unix_sockets.or_else(|| {
            let map: BTreeMap<_, _> = raw
                .allow_unix_sockets
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p, UnixSocketPermission::Allow))
                .collect();
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

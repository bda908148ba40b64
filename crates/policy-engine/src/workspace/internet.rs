//! Codex cloud agent internet access (admin-model.md, docs "Agent internet access"): is
//! `METHOD https://host/path` allowed for the cloud agent, and by which entry.
//!
//! Preset list: `OpenAI` documents a "Common dependencies" allowlist but the stored copy of that
//! page available to this project was cut off; [`COMMON_DEPENDENCIES_VERIFIED`] holds the entries
//! read from the docs (in their order), [`COMMON_DEPENDENCIES_ASSUMED`] well-known package hosts
//! that are *not* verified against `OpenAI`'s list. Matches report which of the two lists matched.
//! Preset domains match the domain itself and every subdomain (they are registrable domains such
//! as `debian.org`); that is our reading, not a documented rule.

use crate::json::Json;
use crate::workspace::rbac::Permissions;

/// Preset names accepted in `[internet] presets`.
pub const KNOWN_PRESETS: &[&str] = &["none", "common-dependencies", "all"];

/// Entries of `OpenAI`'s "Common dependencies" preset read from the docs.
pub const COMMON_DEPENDENCIES_VERIFIED: &[&str] = &[
    "alpinelinux.org",
    "anaconda.com",
    "apache.org",
    "apt.llvm.org",
    "archlinux.org",
    "azure.com",
    "bitbucket.org",
    "bower.io",
    "centos.org",
    "cocoapods.org",
    "continuum.io",
    "cpan.org",
    "crates.io",
    "debian.org",
    "docker.com",
    "docker.io",
    "dot.net",
];

/// Package hosts we add to the preset without having verified them against `OpenAI`'s list.
pub const COMMON_DEPENDENCIES_ASSUMED: &[&str] = &[
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    "go.dev",
    "golang.org",
    "gradle.org",
    "maven.org",
    "npmjs.com",
    "npmjs.org",
    "nuget.org",
    "packagist.org",
    "pypi.org",
    "pythonhosted.org",
    "rubygems.org",
    "rust-lang.org",
    "ubuntu.com",
    "yarnpkg.com",
];

/// The `[internet]` table of the workspace file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InternetSettings {
    /// The workspace toggle "Allow Codex agent to access the internet".
    pub enabled: bool,
    /// Presets (`common-dependencies`, `all`, `none`).
    pub presets: Vec<String>,
    /// Extra domains (lower-cased); `*.example.org` = subdomains only, `*` = everything.
    pub allowed_domains: Vec<String>,
    /// Allowed HTTP methods (upper-cased); `None` = every method.
    pub allowed_methods: Option<Vec<String>>,
}

/// The entry that allowed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InternetEntry {
    /// An `allowed_domains` pattern.
    Domain(String),
    /// A preset domain; `verified` tells whether it comes from `OpenAI`'s published list.
    Preset {
        /// The preset name.
        preset: String,
        /// The preset's domain that matched.
        domain: String,
        /// From the docs (`true`) or our assumed additions (`false`).
        verified: bool,
    },
    /// The `all` preset.
    All,
}

/// The answer for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternetDecision {
    /// Whether the cloud agent may make the request.
    pub allowed: bool,
    /// Why, in our words.
    pub reason: String,
    /// The entry that allowed it.
    pub entry: Option<InternetEntry>,
}

fn deny(reason: impl Into<String>) -> InternetDecision {
    InternetDecision { allowed: false, reason: reason.into(), entry: None }
}

/// A request written `METHOD URL` (`GET https://pypi.org/simple/`), as the CLI's `--internet`,
/// the JSON API's `internet` string and the app's scenario take it: `None` without a space.
pub fn parse_request(line: &str) -> Option<(String, String)> {
    let (method, url) = line.trim().split_once(' ')?;
    Some((method.to_owned(), url.trim().to_owned()))
}

/// The host of an `http(s)://` URL, lower-cased, without userinfo or port.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host =
        if let Some(v6) = host_port.strip_prefix('[') { v6.split(']').next()? } else { host_port.split(':').next()? };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether `host` matches an `allowed_domains` pattern.
pub fn domain_pattern_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
        None => host == pattern,
    }
}

fn preset_domain_matches(domain: &str, host: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Decides a request of the cloud agent: the workspace toggle, the user's `codex_cloud` and
/// `agent_internet` permissions, the method list, then `allowed_domains`, then presets.
pub fn check_internet(
    settings: Option<&InternetSettings>,
    permissions: &Permissions,
    method: &str,
    url: &str,
) -> InternetDecision {
    let Some(settings) = settings.filter(|s| s.enabled) else {
        return deny("agent internet access is off for this workspace");
    };
    if !permissions.codex_cloud {
        return deny("no role of the user grants `codex_cloud`");
    }
    if !permissions.agent_internet {
        return deny("no role of the user grants `agent_internet`");
    }
    let Some(host) = url_host(url) else {
        return deny(format!("`{url}` is not an http(s) URL"));
    };
    let method = method.to_ascii_uppercase();
    if let Some(methods) = &settings.allowed_methods
        && !methods.contains(&method)
    {
        return deny(format!("method `{method}` is not in the allowed methods"));
    }
    if settings.presets.iter().any(|p| p == "all") {
        return InternetDecision {
            allowed: true,
            reason: "the `all` preset allows every domain".into(),
            entry: Some(InternetEntry::All),
        };
    }
    if let Some(pattern) = settings.allowed_domains.iter().find(|p| domain_pattern_matches(p, &host)) {
        return InternetDecision {
            allowed: true,
            reason: format!("`{host}` matches allowed domain `{pattern}`"),
            entry: Some(InternetEntry::Domain(pattern.clone())),
        };
    }
    if settings.presets.iter().any(|p| p == "common-dependencies") {
        let lists = [(COMMON_DEPENDENCIES_VERIFIED, true), (COMMON_DEPENDENCIES_ASSUMED, false)];
        for (list, verified) in lists {
            if let Some(domain) = list.iter().find(|d| preset_domain_matches(d, &host)) {
                return InternetDecision {
                    allowed: true,
                    reason: format!("`{host}` is in the `common-dependencies` preset (`{domain}`)"),
                    entry: Some(InternetEntry::Preset {
                        preset: "common-dependencies".into(),
                        domain: (*domain).to_owned(),
                        verified,
                    }),
                };
            }
        }
    }
    deny(format!("`{host}` is not on the allowlist"))
}

/// `{"allowed","reason","entry"?}`; `entry` is `{"domain"}`, `{"preset","domain","verified"}` or `{"preset":"all"}`.
pub fn internet_json(d: &InternetDecision) -> Json {
    let entry = d.entry.as_ref().map(|e| match e {
        InternetEntry::Domain(p) => Json::object().with("domain", p.as_str()),
        InternetEntry::Preset { preset, domain, verified } => {
            Json::object().with("preset", preset.as_str()).with("domain", domain.as_str()).with("verified", *verified)
        }
        InternetEntry::All => Json::object().with("preset", "all"),
    });
    Json::object().with("allowed", d.allowed).with("reason", d.reason.as_str()).with_opt("entry", entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_method_space_url() {
        let get = |m: &str, u: &str| Some((m.to_owned(), u.to_owned()));
        assert_eq!(parse_request("GET https://pypi.org/simple/"), get("GET", "https://pypi.org/simple/"));
        assert_eq!(parse_request("  POST   https://x.example/a  "), get("POST", "https://x.example/a"));
        assert_eq!(parse_request("pypi.org"), None);
        assert_eq!(parse_request("GET "), None);
        assert_eq!(parse_request(""), None);
    }

    #[test]
    fn hosts_and_patterns() {
        assert_eq!(url_host("https://User@Docs.Example.com:8443/a?b").as_deref(), Some("docs.example.com"));
        assert_eq!(url_host("ftp://x"), None);
        assert!(domain_pattern_matches("*.example.org", "a.b.example.org"));
        assert!(!domain_pattern_matches("*.example.org", "example.org"));
        assert!(domain_pattern_matches("example.com", "example.com"));
        assert!(!domain_pattern_matches("example.com", "www.example.com"));
    }
}

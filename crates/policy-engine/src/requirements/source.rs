//! Where a requirement came from, printed exactly as Codex prints `RequirementSource`.

use std::fmt;

/// The origin of a requirements layer (Codex's `RequirementSource`), whose `Display` form is the
/// label Codex puts in `(set by …)` and in startup warnings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequirementSource {
    /// Tests only: `<unspecified>`.
    Unknown,
    /// macOS MDM: `MDM {domain}:{key}`.
    Mdm {
        /// Preference domain, `com.openai.codex`.
        domain: String,
        /// Preference key, `requirements_toml_base64`.
        key: String,
    },
    /// The cloud-managed document selected for the user (V1): `cloud requirements`.
    Cloud,
    /// A named cloud fragment (V2): `enterprise-managed requirements {name} ({id})`.
    EnterpriseManaged {
        /// Stable backend id.
        id: String,
        /// Admin-facing name.
        name: String,
    },
    /// The system `requirements.toml`: its path.
    System {
        /// Absolute path as Codex displays it.
        path: String,
    },
    /// Legacy `managed_config.toml` file: its path.
    LegacyManagedConfigFile {
        /// Absolute path.
        path: String,
    },
    /// Legacy managed config from MDM: `MDM managed_config.toml (legacy)`.
    LegacyManagedConfigMdm,
    /// Several layers contributed one value (V2): `requirements layers: A, B`, highest first.
    Composite(Vec<RequirementSource>),
}

/// The MDM preference domain Codex reads.
pub const MDM_DOMAIN: &str = "com.openai.codex";
/// The MDM key holding base64 requirements TOML.
pub const MDM_REQUIREMENTS_KEY: &str = "requirements_toml_base64";
/// Default Unix location of the system requirements file.
pub const DEFAULT_SYSTEM_REQUIREMENTS_PATH: &str = "/etc/codex/requirements.toml";
/// Default Unix location of the legacy managed config file.
pub const DEFAULT_LEGACY_MANAGED_CONFIG_PATH: &str = "/etc/codex/managed_config.toml";

impl RequirementSource {
    /// The MDM requirements source with Codex's domain and key.
    pub fn mdm() -> Self {
        Self::Mdm { domain: MDM_DOMAIN.to_owned(), key: MDM_REQUIREMENTS_KEY.to_owned() }
    }

    /// Combines sources highest-first, flattening nested composites and dropping duplicates; one
    /// source stays itself (Codex's `RequirementSource::composite`).
    pub fn composite(sources: impl IntoIterator<Item = RequirementSource>) -> Self {
        let mut flat: Vec<RequirementSource> = Vec::new();
        for source in sources {
            let parts = match source {
                RequirementSource::Composite(inner) => inner,
                other => vec![other],
            };
            for part in parts {
                if !flat.contains(&part) {
                    flat.push(part);
                }
            }
        }
        match flat.len() {
            0 => RequirementSource::Unknown,
            1 => flat.pop().unwrap_or(RequirementSource::Unknown),
            _ => RequirementSource::Composite(flat),
        }
    }

    /// The label as a string.
    pub fn label(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for RequirementSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequirementSource::Unknown => f.write_str("<unspecified>"),
            RequirementSource::Mdm { domain, key } => write!(f, "MDM {domain}:{key}"),
            RequirementSource::Cloud => f.write_str("cloud requirements"),
            RequirementSource::EnterpriseManaged { id, name } => {
                write!(f, "enterprise-managed requirements {name} ({id})")
            }
            RequirementSource::System { path } | RequirementSource::LegacyManagedConfigFile { path } => {
                f.write_str(path)
            }
            RequirementSource::LegacyManagedConfigMdm => f.write_str("MDM managed_config.toml (legacy)"),
            RequirementSource::Composite(sources) => {
                f.write_str("requirements layers: ")?;
                for (i, source) in sources.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{source}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_codex_display() {
        assert_eq!(RequirementSource::mdm().label(), "MDM com.openai.codex:requirements_toml_base64");
        assert_eq!(RequirementSource::Cloud.label(), "cloud requirements");
        assert_eq!(RequirementSource::LegacyManagedConfigMdm.label(), "MDM managed_config.toml (legacy)");
        let composite = RequirementSource::composite([
            RequirementSource::Cloud,
            RequirementSource::composite([RequirementSource::Cloud, RequirementSource::mdm()]),
        ]);
        assert_eq!(
            composite.label(),
            "requirements layers: cloud requirements, MDM com.openai.codex:requirements_toml_base64"
        );
    }
}

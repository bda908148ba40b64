//! `requirements.toml` documents, layers and constraints (spec §2).
//!
//! Pipeline: [`document::parse_requirements`] (serde shapes mirroring Codex, spans on every
//! top-level value) → [`layers::compose`] (cloud / MDM / system / legacy layers, per-field V1 or
//! deep-merge V2, every field with its source and the layers it shadowed) →
//! [`constraints::Constraints::build`] → [`settings::resolve_settings`] (the user's explicit
//! config resolved with Codex's fallback warnings). [`reparse::reparse_requirements`] re-reads a
//! document after an edit, reusing the previous parse where that is exact. [`json`] renders each stage for
//! `codex-policy explain --json`; [`lint`] finds what Codex rejects or silently ignores.

pub mod constraints;
pub mod document;
pub mod effective;
pub mod features;
pub mod json;
pub mod keyed;
pub mod layers;
pub mod lint;
pub mod mcp;
pub mod network;
pub mod permissions;
pub mod reparse;
pub mod settings;
pub mod source;
pub mod toml_text;

pub use constraints::{ConstraintError, Constraints};
pub use document::{ParsedRequirements, RequirementsToml, parse_requirements};
pub use effective::{EffectiveRequirements, Sourced};
pub use layers::{ComposedRequirements, LayerInput, LayerKind, LayerOptions, MergeMode, compose};
pub use settings::{EffectiveSettings, Setting, SettingSource, UserConfig, resolve_settings};
pub use source::RequirementSource;

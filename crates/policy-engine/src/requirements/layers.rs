//! Requirement layers and how Codex combines them (spec §2.1, §2.4, §8): cloud, MDM, system
//! file, legacy `managed_config.toml`; per-field first-source-wins (V1, released and documented)
//! or the newer TOML deep-merge stack (V2) as a selectable mode.

use std::sync::Arc;

use toml::Spanned;

use crate::decision::Reviewer;
use crate::diagnostic::{Diagnostic, Span};
use crate::requirements::document::{
    ApprovalPolicyToml, ApprovalsReviewerToml, ParsedRequirements, RequirementsToml, hostname_matches,
    normalize_hostname, parse_requirements, read_requirements,
};
use crate::requirements::effective::{EffectiveRequirements, Sourced};
use crate::requirements::source::{
    DEFAULT_LEGACY_MANAGED_CONFIG_PATH, DEFAULT_SYSTEM_REQUIREMENTS_PATH, RequirementSource,
};
use crate::requirements::toml_text::render_table;
use crate::requirements_rules::toml_error;
use crate::settings::{ApprovalPolicy, SandboxMode};
use crate::tomlread::{Error, Node, StructReader, Table, Value, spanned, unit_enum};

/// Which kind of layer a text is; decides its precedence and its error texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Cloud-managed requirements (the workspace policy selected for the user).
    Cloud,
    /// macOS MDM `requirements_toml_base64`.
    Mdm,
    /// The system `requirements.toml`.
    System,
    /// Legacy `managed_config.toml` delivered by MDM (`config_toml_base64`).
    LegacyManagedConfigMdm,
    /// Legacy `managed_config.toml` file.
    LegacyManagedConfigFile,
    /// Tests only (`<unspecified>`): treated like a system file, consulted last.
    Unspecified,
}

/// One layer to combine: its kind, the source label Codex prints, and its text.
#[derive(Debug, Clone)]
pub struct LayerInput {
    /// Kind (precedence and error texts).
    pub kind: LayerKind,
    /// The label (`cloud requirements`, a path, …).
    pub source: RequirementSource,
    /// The TOML text (for legacy layers: the `managed_config.toml` text).
    pub text: String,
    /// `text` already parsed (without error) by [`parse_requirements`], so composing does not
    /// parse it again; `None` makes [`compose`] parse `text` itself.
    pub document: Option<Arc<RequirementsToml>>,
    /// The first error of [`parse_requirements`] on `text`, when it is known to have failed (set
    /// by [`LayerInput::with_parsed`]), so composing does not parse `text` again to find it.
    parse_error: Option<Diagnostic>,
}

/// Equal kind, source and text; `document` is derived from `text`.
impl PartialEq for LayerInput {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.source == other.source && self.text == other.text
    }
}

impl Eq for LayerInput {}

impl LayerInput {
    /// Reuses `parsed`'s document for a V1 compose when `parsed` is the error-free parse of
    /// this layer's `text`.
    #[must_use]
    pub fn with_parsed(mut self, parsed: &ParsedRequirements) -> Self {
        match parsed.error() {
            None => self.document.clone_from(&parsed.document),
            Some(error) => self.parse_error = Some(error.clone()),
        }
        self
    }

    fn new(kind: LayerKind, source: RequirementSource, text: String) -> Self {
        Self { kind, source, text, document: None, parse_error: None }
    }

    /// The selected cloud policy (V1 label `cloud requirements`).
    pub fn cloud(text: impl Into<String>) -> Self {
        Self::new(LayerKind::Cloud, RequirementSource::Cloud, text.into())
    }

    /// A named cloud fragment (V2 label `enterprise-managed requirements <name> (<id>)`).
    pub fn cloud_fragment(id: &str, name: &str, text: impl Into<String>) -> Self {
        Self::new(
            LayerKind::Cloud,
            RequirementSource::EnterpriseManaged { id: id.to_owned(), name: name.to_owned() },
            text.into(),
        )
    }

    /// macOS MDM requirements.
    pub fn mdm(text: impl Into<String>) -> Self {
        Self::new(LayerKind::Mdm, RequirementSource::mdm(), text.into())
    }

    /// The system file at `path` (default `/etc/codex/requirements.toml`).
    pub fn system(path: Option<&str>, text: impl Into<String>) -> Self {
        let path = path.unwrap_or(DEFAULT_SYSTEM_REQUIREMENTS_PATH).to_owned();
        Self::new(LayerKind::System, RequirementSource::System { path }, text.into())
    }

    /// Legacy `managed_config.toml` file at `path` (default `/etc/codex/managed_config.toml`).
    pub fn legacy_file(path: Option<&str>, text: impl Into<String>) -> Self {
        let path = path.unwrap_or(DEFAULT_LEGACY_MANAGED_CONFIG_PATH).to_owned();
        Self::new(LayerKind::LegacyManagedConfigFile, RequirementSource::LegacyManagedConfigFile { path }, text.into())
    }

    /// Legacy managed config from MDM.
    pub fn legacy_mdm(text: impl Into<String>) -> Self {
        Self::new(LayerKind::LegacyManagedConfigMdm, RequirementSource::LegacyManagedConfigMdm, text.into())
    }

    /// A test layer labelled `<unspecified>`.
    pub fn unspecified(text: impl Into<String>) -> Self {
        Self::new(LayerKind::Unspecified, RequirementSource::Unknown, text.into())
    }

    fn is_legacy(&self) -> bool {
        matches!(self.kind, LayerKind::LegacyManagedConfigMdm | LayerKind::LegacyManagedConfigFile)
    }
}

/// How layers combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MergeMode {
    /// V1, released and documented: cloud > MDM > system > legacy MDM > legacy file, each field
    /// taken whole from the first layer that sets it.
    #[default]
    PerField,
    /// V2, newest `main`: system < cloud fragments < legacy file < legacy MDM < MDM, TOML
    /// deep-merge with special rules for `rules`, `hooks` and `deny_read`.
    DeepMerge,
}

impl MergeMode {
    /// `v1` / `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMode::PerField => "v1",
            MergeMode::DeepMerge => "v2",
        }
    }

    /// Parses `v1` / `v2`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "v1" => Some(MergeMode::PerField),
            "v2" => Some(MergeMode::DeepMerge),
            _ => None,
        }
    }
}

/// Options of a composition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerOptions {
    /// Merge generation.
    pub mode: MergeMode,
    /// The host name `remote_sandbox_config` is matched against (`None`: nothing matches).
    pub host: Option<String>,
    /// Simulate Windows (V2 hook directory field; default macOS/Linux).
    pub windows: bool,
    /// Consult layers in the given order (highest precedence first) instead of Codex's loader
    /// order; reproduces Codex unit tests that call the merge directly.
    pub explicit_order: bool,
}

/// What happened to one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerReport {
    /// Its label.
    pub source: RequirementSource,
    /// Why it contributed nothing (`blank cloud document`, `empty document`).
    pub skipped: Option<&'static str>,
    /// Index of the `[[remote_sandbox_config]]` entry that matched the host.
    pub remote_sandbox_match: Option<usize>,
}

/// Values from the legacy `managed_config.toml` that also act as the highest *config* layer:
/// they override the user's own values without a warning (spec §8).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegacyConfigOverrides {
    /// `approval_policy`
    pub approval_policy: Option<Sourced<ApprovalPolicy>>,
    /// `sandbox_mode`
    pub sandbox_mode: Option<Sourced<SandboxMode>>,
    /// `approvals_reviewer`
    pub approvals_reviewer: Option<Sourced<Reviewer>>,
}

/// The result of combining layers.
#[derive(Debug, Clone, Default)]
pub struct ComposedRequirements {
    /// The effective requirements; `None` when loading fails (see `diagnostics`) or when no layer
    /// sets anything (V2 returns "no requirements" for an empty composition).
    pub requirements: Option<EffectiveRequirements>,
    /// Legacy managed-config values that override user config.
    pub legacy_config: LegacyConfigOverrides,
    /// Per-layer notes, in precedence order (highest first).
    pub layers: Vec<LayerReport>,
    /// Errors (Codex refuses to start) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// The merge generation that composed these layers (it also decides which permission-profile
    /// fields Codex reads).
    pub mode: MergeMode,
}

impl ComposedRequirements {
    /// Whether composition failed.
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

fn v1_rank(kind: LayerKind) -> u8 {
    match kind {
        LayerKind::Cloud => 0,
        LayerKind::Mdm => 1,
        LayerKind::System => 2,
        LayerKind::LegacyManagedConfigMdm => 3,
        LayerKind::LegacyManagedConfigFile => 4,
        LayerKind::Unspecified => 5,
    }
}

fn v2_rank(kind: LayerKind) -> u8 {
    // Highest first, like v1_rank, so both orders read the same way.
    match kind {
        LayerKind::Mdm => 0,
        LayerKind::LegacyManagedConfigMdm => 1,
        LayerKind::LegacyManagedConfigFile => 2,
        LayerKind::Cloud => 3,
        LayerKind::System => 4,
        LayerKind::Unspecified => 5,
    }
}

/// The legacy managed-config keys Codex reinterprets (its config `SandboxMode` has no
/// `external-sandbox`).
#[derive(Debug)]
struct LegacyManagedConfigToml {
    approval_policy: Option<Spanned<ApprovalPolicyToml>>,
    sandbox_mode: Option<Spanned<LegacySandboxMode>>,
    approvals_reviewer: Option<Spanned<ApprovalsReviewerToml>>,
}

#[derive(Debug, Clone, Copy)]
enum LegacySandboxMode {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

impl LegacyManagedConfigToml {
    fn read(text: &str) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("approval_policy", 0), ("sandbox_mode", 1), ("approvals_reviewer", 2)];
        let doc = crate::tomlread::parse(text)?;
        let (mut approval_policy, mut sandbox_mode, mut approvals_reviewer) = (None, None, None);
        let r = StructReader::read(
            &Node::document(&doc),
            "struct LegacyManagedConfigToml",
            NAMES,
            3,
            false,
            &mut |i, n| {
                match i {
                    0 => approval_policy = Some(spanned(n, ApprovalPolicyToml::from_toml(n)?)),
                    1 => sandbox_mode = Some(spanned(n, LegacySandboxMode::from_toml(n)?)),
                    _ => approvals_reviewer = Some(spanned(n, ApprovalsReviewerToml::from_toml(n)?)),
                }
                Ok(())
            },
        )?;
        let approval_policy = r.optional(0, approval_policy)?;
        let sandbox_mode = r.optional(1, sandbox_mode)?;
        Ok(Self { approval_policy, sandbox_mode, approvals_reviewer: r.optional(2, approvals_reviewer)? })
    }
}

impl LegacySandboxMode {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("read-only", 0), ("workspace-write", 1), ("danger-full-access", 2)];
        Ok(match unit_enum(node, NAMES)? {
            0 => Self::ReadOnly,
            1 => Self::WorkspaceWrite,
            _ => Self::DangerFullAccess,
        })
    }

    fn value(self) -> SandboxMode {
        match self {
            Self::ReadOnly => SandboxMode::ReadOnly,
            Self::WorkspaceWrite => SandboxMode::WorkspaceWrite,
            Self::DangerFullAccess => SandboxMode::DangerFullAccess,
        }
    }
}

/// A legacy `managed_config.toml` as requirements (spec §2.4.3) plus its config overrides.
/// `with_reviewer` maps `approvals_reviewer` too (newest; V2 mode only).
fn legacy_to_requirements(
    layer: &LayerInput,
    with_reviewer: bool,
) -> Result<(EffectiveRequirements, LegacyConfigOverrides), Diagnostic> {
    let parsed = LegacyManagedConfigToml::read(&layer.text).map_err(|e| {
        let mut d = toml_error(&e, &layer.source.label());
        d.code = "requirements/parse";
        d.message = format!("Failed to parse config requirements as TOML: {}", d.message);
        d
    })?;
    let source = &layer.source;
    let mut reqs = EffectiveRequirements::default();
    let mut overrides = LegacyConfigOverrides::default();
    if let Some(p) = parsed.approval_policy {
        let span = Some(Span::from(p.span()));
        let value = p.into_inner().value();
        reqs.allowed_approval_policies = Some(Sourced::new(vec![value], source.clone(), span));
        overrides.approval_policy = Some(Sourced::new(value, source.clone(), span));
    }
    if let Some(m) = parsed.sandbox_mode {
        let span = Some(Span::from(m.span()));
        let value = m.into_inner().value();
        let modes = if value == SandboxMode::ReadOnly {
            vec![SandboxMode::ReadOnly]
        } else {
            vec![SandboxMode::ReadOnly, value]
        };
        reqs.allowed_sandbox_modes = Some(Sourced::new(modes, source.clone(), span));
        overrides.sandbox_mode = Some(Sourced::new(value, source.clone(), span));
    }
    if with_reviewer && let Some(r) = parsed.approvals_reviewer {
        let span = Some(Span::from(r.span()));
        let value = r.into_inner().value();
        let list = if value == Reviewer::AutoReview { vec![Reviewer::AutoReview, Reviewer::User] } else { vec![value] };
        reqs.allowed_approvals_reviewers = Some(Sourced::new(list, source.clone(), span));
        overrides.approvals_reviewer = Some(Sourced::new(value, source.clone(), span));
    }
    Ok((reqs, overrides))
}

fn merge_overrides(into: &mut LegacyConfigOverrides, lower: LegacyConfigOverrides) {
    if into.approval_policy.is_none() {
        into.approval_policy = lower.approval_policy;
    }
    if into.sandbox_mode.is_none() {
        into.sandbox_mode = lower.sandbox_mode;
    }
    if into.approvals_reviewer.is_none() {
        into.approvals_reviewer = lower.approvals_reviewer;
    }
}

/// Parses one requirements layer with its kind's error text (V1 error surface, spec §2.2).
fn parse_v1_layer(layer: &LayerInput) -> Result<RequirementsToml, Diagnostic> {
    if let Some(document) = &layer.document {
        return Ok(RequirementsToml::clone(document));
    }
    let label = layer.source.label();
    let parsed = match &layer.parse_error {
        // The same parse under another label: only the diagnostic's source names the label.
        Some(error) => ParsedRequirements {
            document: None,
            diagnostics: vec![Diagnostic { source: label.clone(), ..error.clone() }],
        },
        None => parse_requirements(&layer.text, &label),
    };
    if let Some(error) = parsed.error() {
        let mut d = error.clone();
        d.message = match layer.kind {
            LayerKind::System | LayerKind::Unspecified => {
                format!("Error parsing requirements file {label}: {}", d.message)
            }
            LayerKind::Cloud => {
                d.help = Some(format!("underlying error: {}", d.message));
                "failed to load your workspace-managed config".to_owned()
            }
            _ => d.message,
        };
        return Err(d);
    }
    // `parse_requirements` just made this `Arc`: it is the only owner, so this never copies (and
    // the wasm needs no deep `Clone` of a whole document).
    parsed
        .document
        .and_then(Arc::into_inner)
        .ok_or_else(|| Diagnostic::error("requirements/parse", "requirements document did not parse"))
}

/// Applies `remote_sandbox_config` with a host that needs normalising first.
fn apply_host(doc: &mut RequirementsToml, host: Option<&str>) -> Option<usize> {
    doc.apply_remote_sandbox_config(host)
}

/// Combines `layers` as Codex does in `options.mode`. Layers may be given in any order; they are
/// sorted by precedence (ties keep their given order, so cloud fragments are given highest-first).
pub fn compose(layers: &[LayerInput], options: &LayerOptions) -> ComposedRequirements {
    let mut out = match options.mode {
        MergeMode::PerField => compose_v1(layers, options),
        MergeMode::DeepMerge => compose_v2(layers, options),
    };
    out.mode = options.mode;
    out
}

/// The layers in composition order: by `rank` (a stable sort), unless the order is explicit.
/// One sort for both merge modes.
fn ordered_layers<'a>(
    layers: &'a [LayerInput],
    options: &LayerOptions,
    rank: fn(LayerKind) -> u8,
) -> Vec<&'a LayerInput> {
    let mut ordered: Vec<&LayerInput> = layers.iter().collect();
    if !options.explicit_order {
        ordered.sort_by_key(|l| rank(l.kind));
    }
    ordered
}

fn compose_v1(layers: &[LayerInput], options: &LayerOptions) -> ComposedRequirements {
    let ordered = ordered_layers(layers, options, v1_rank);
    let mut out = ComposedRequirements::default();
    let mut effective = EffectiveRequirements::default();
    for layer in ordered {
        let mut report = LayerReport { source: layer.source.clone(), skipped: None, remote_sandbox_match: None };
        if layer.is_legacy() {
            match legacy_to_requirements(layer, false) {
                Ok((reqs, overrides)) => {
                    effective.fill_unset_from(reqs);
                    merge_overrides(&mut out.legacy_config, overrides);
                }
                Err(d) => out.diagnostics.push(d),
            }
            out.layers.push(report);
            continue;
        }
        if layer.kind == LayerKind::Cloud && layer.text.trim().is_empty() {
            report.skipped = Some("blank cloud document");
            out.layers.push(report);
            continue;
        }
        match parse_v1_layer(layer) {
            Ok(mut doc) => {
                if layer.kind == LayerKind::Cloud && doc.is_empty() {
                    report.skipped = Some("empty cloud document");
                } else {
                    report.remote_sandbox_match = apply_host(&mut doc, options.host.as_deref());
                    effective.fill_unset_from(EffectiveRequirements::from_document(doc, &layer.source));
                }
            }
            Err(d) => out.diagnostics.push(d),
        }
        out.layers.push(report);
    }
    if !out.failed() {
        out.requirements = Some(effective);
    }
    out
}

/// One V2 layer ready for composition.
struct V2Layer {
    source: RequirementSource,
    regular: Table,
    doc: RequirementsToml,
}

fn v2_parse_error(source: &RequirementSource, message: &str, span: Option<Span>) -> Diagnostic {
    let d = Diagnostic::error("requirements/parse", format!("failed to parse requirements layer {source}: {message}"));
    match span {
        Some(span) => d.at(source.label(), span),
        None => d.in_source(source.label()),
    }
}

fn prepare_v2_layer(
    layer: &LayerInput,
    options: &LayerOptions,
    report: &mut LayerReport,
) -> Result<V2Layer, Diagnostic> {
    let source = layer.source.clone();
    let (mut regular, mut doc) = if layer.is_legacy() {
        let (reqs, _) = legacy_to_requirements(layer, true).map_err(|d| v2_parse_error(&source, &d.message, d.span))?;
        let mut table = Table::new();
        if let Some(p) = &reqs.allowed_approval_policies {
            table.insert("allowed_approval_policies".into(), approval_list_value(&p.value));
        }
        if let Some(m) = &reqs.allowed_sandbox_modes {
            table.insert(
                "allowed_sandbox_modes".into(),
                Value::Array(m.value.iter().map(|m| Value::String(m.as_str().into())).collect()),
            );
        }
        if let Some(r) = &reqs.allowed_approvals_reviewers {
            table.insert(
                "allowed_approvals_reviewers".into(),
                Value::Array(r.value.iter().map(|r| Value::String(r.as_str().into())).collect()),
            );
        }
        let doc = read_requirements(&render_table(&table))
            .map_err(|e| v2_parse_error(&source, e.message().trim_end(), None))?;
        (table, doc)
    } else {
        // Codex formats these with the toml error's `Display` (position and snippet included).
        let text = &layer.text;
        let table = crate::tomlread::parse_table(text)
            .map_err(|e| v2_parse_error(&source, e.render(text).trim_end(), e.span().map(Span::from)))?;
        if let Err(e) = read_requirements(text) {
            return Err(v2_parse_error(&source, e.render(text).trim_end(), e.span().map(Span::from)));
        }
        let parsed = parse_requirements(&layer.text, &source.label());
        if let Some(e) = parsed.error() {
            return Err(v2_parse_error(&source, &e.message, e.span));
        }
        // The only owner (just parsed): never a copy, never the default.
        let doc = parsed.document.and_then(Arc::into_inner).unwrap_or_default();
        (table, doc)
    };
    if let Some(features) = remove_key(&mut regular, "feature_requirements") {
        regular.insert("features".into(), features);
    }
    report.remote_sandbox_match = doc.apply_remote_sandbox_config(options.host.as_deref());
    remove_key(&mut regular, "remote_sandbox_config");
    if let Some(modes) = &doc.allowed_sandbox_modes {
        regular.insert(
            "allowed_sandbox_modes".into(),
            Value::Array(modes.get_ref().iter().map(|m| Value::String(m.get_ref().value().as_str().into())).collect()),
        );
    }
    remove_key(&mut regular, "rules");
    remove_key(&mut regular, "hooks");
    if let Some(Value::Table(perms)) = regular.get_mut("permissions") {
        if let Some(Value::Table(fs)) = perms.get_mut("filesystem") {
            remove_key(fs, "deny_read");
            if fs.is_empty() {
                remove_key(perms, "filesystem");
            }
        }
        if perms.is_empty() {
            remove_key(&mut regular, "permissions");
        }
    }
    Ok(V2Layer { source, regular, doc })
}

/// `table.remove(key)`, done by rebuilding the table with inserts: these few small tables are the
/// only place anything is removed from a TOML table, and B-tree removal is ~4 KB of wasm.
fn remove_key(table: &mut Table, key: &str) -> Option<Value> {
    if !table.contains_key(key) {
        return None;
    }
    let mut removed = None;
    let mut kept = Table::new();
    for (k, v) in std::mem::take(table) {
        if k == key {
            removed = Some(v);
        } else {
            kept.insert(k, v);
        }
    }
    *table = kept;
    removed
}

fn approval_list_value(list: &[ApprovalPolicy]) -> Value {
    Value::Array(
        list.iter()
            .map(|p| match p {
                ApprovalPolicy::Granular(g) => {
                    let mut inner = Table::new();
                    inner.insert("sandbox_approval".into(), Value::Boolean(g.sandbox_approval));
                    inner.insert("rules".into(), Value::Boolean(g.rules));
                    inner.insert("skill_approval".into(), Value::Boolean(g.skill_approval));
                    inner.insert("request_permissions".into(), Value::Boolean(g.request_permissions));
                    inner.insert("mcp_elicitations".into(), Value::Boolean(g.mcp_elicitations));
                    let mut outer = Table::new();
                    outer.insert("granular".into(), Value::Table(inner));
                    Value::Table(outer)
                }
                other => Value::String(other.as_str().into()),
            })
            .collect(),
    )
}

/// Config-style merge: tables merge key by key recursively, everything else is replaced.
pub fn merge_toml(base: &mut Table, overlay: &Table) {
    for (key, value) in overlay {
        match (base.get_mut(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge_toml(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The V2 source of a regular field: the highest layer setting it; a composite when the winner
/// is a table and several layers contributed tables.
fn v2_field_source(layers: &[V2Layer], keys: &[&str]) -> (RequirementSource, Vec<RequirementSource>) {
    let matching: Vec<(&RequirementSource, &Value)> =
        layers.iter().filter_map(|l| keys.iter().find_map(|k| l.regular.get(*k)).map(|v| (&l.source, v))).collect();
    let Some((winner, value)) = matching.last() else {
        return (RequirementSource::Unknown, Vec::new());
    };
    let others: Vec<RequirementSource> = matching.iter().rev().skip(1).map(|(s, _)| (*s).clone()).collect();
    if !value.is_table() {
        return ((*winner).clone(), others);
    }
    let tables: Vec<RequirementSource> =
        matching.iter().rev().filter(|(_, v)| v.is_table()).map(|(s, _)| (*s).clone()).collect();
    if tables.len() > 1 { (RequirementSource::composite(tables), Vec::new()) } else { ((*winner).clone(), others) }
}

/// Gives one composed field its V2 attribution: one body for every field type (the `Sourced<T>`
/// around it differs per field).
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn attribute_v2(
    layers: &[V2Layer],
    keys: &[&str],
    source: &mut RequirementSource,
    shadowed: &mut Vec<RequirementSource>,
    span: &mut Option<Span>,
) {
    let (winner, others) = v2_field_source(layers, keys);
    *source = winner;
    *shadowed = others;
    *span = None;
}

fn compose_v2(layers: &[LayerInput], options: &LayerOptions) -> ComposedRequirements {
    let ordered = ordered_layers(layers, options, v2_rank);
    let mut out = ComposedRequirements::default();
    let mut prepared: Vec<V2Layer> = Vec::new();
    for layer in &ordered {
        let mut report = LayerReport { source: layer.source.clone(), skipped: None, remote_sandbox_match: None };
        if layer.is_legacy()
            && let Ok((_, overrides)) = legacy_to_requirements(layer, true)
        {
            merge_overrides(&mut out.legacy_config, overrides);
        }
        match prepare_v2_layer(layer, options, &mut report) {
            Ok(l) => prepared.push(l),
            Err(d) => out.diagnostics.push(d),
        }
        out.layers.push(report);
    }
    if out.failed() {
        return out;
    }
    // `prepared` is highest first; composition folds lowest first.
    prepared.reverse();
    let mut merged = Table::new();
    for layer in &prepared {
        merge_toml(&mut merged, &layer.regular);
    }
    let doc: RequirementsToml = match read_requirements(&render_table(&merged)) {
        Ok(doc) => doc,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(
                "requirements/parse",
                format!("failed to parse merged requirements: {}", e.message().trim_end()),
            ));
            return out;
        }
    };
    let mut effective = EffectiveRequirements::from_document(doc, &RequirementSource::Unknown);
    macro_rules! attribute {
        ($field:ident, $($key:literal),+) => {
            if let Some(f) = effective.$field.as_mut() {
                attribute_v2(&prepared, &[$($key),+], &mut f.source, &mut f.shadowed, &mut f.span);
            }
        };
    }
    attribute!(allowed_approval_policies, "allowed_approval_policies");
    attribute!(allowed_approvals_reviewers, "allowed_approvals_reviewers");
    attribute!(allowed_sandbox_modes, "allowed_sandbox_modes");
    attribute!(allowed_permission_profiles, "allowed_permission_profiles");
    attribute!(default_permissions, "default_permissions");
    attribute!(allowed_permissions, "allowed_permissions");
    attribute!(allowed_web_search_modes, "allowed_web_search_modes");
    attribute!(allow_managed_hooks_only, "allow_managed_hooks_only");
    attribute!(allow_appshots, "allow_appshots");
    attribute!(allow_remote_control, "allow_remote_control");
    attribute!(computer_use, "computer_use");
    attribute!(windows, "windows");
    attribute!(features, "features", "feature_requirements");
    attribute!(mcp_servers, "mcp_servers");
    attribute!(plugins, "plugins");
    attribute!(marketplaces, "marketplaces");
    attribute!(apps, "apps");
    attribute!(enforce_residency, "enforce_residency");
    attribute!(network, "experimental_network");
    attribute!(permissions, "permissions");
    attribute!(guardian_policy_config, "guardian_policy_config");

    // Special fields, highest layer first so priority order stays visible.
    let mut rules: Option<Sourced<crate::requirements_rules::RequirementsRulesToml>> = None;
    let mut hooks: Option<Sourced<crate::requirements::document::HooksToml>> = None;
    let mut hook_dir_sources: [Option<RequirementSource>; 2] = [None, None];
    let mut deny_read: Vec<String> = Vec::new();
    let mut deny_read_sources: Vec<RequirementSource> = Vec::new();
    let active = usize::from(options.windows);
    for layer in prepared.iter().rev() {
        if let Some(r) = &layer.doc.rules {
            match rules.as_mut() {
                None => rules = Some(Sourced::new(r.get_ref().clone(), layer.source.clone(), None)),
                Some(existing) => {
                    let mut entries = existing.value.prefix_rules.get_ref().clone();
                    entries.extend(r.get_ref().prefix_rules.get_ref().iter().cloned());
                    existing.value.prefix_rules = Spanned::new(0..0, entries);
                    existing.source = RequirementSource::composite([existing.source.clone(), layer.source.clone()]);
                }
            }
        }
        if let Some(h) = layer.doc.hooks.as_ref().map(|h| h.get_ref().clone()).filter(|h| !h.is_empty())
            && let Err(d) = merge_v2_hooks(&mut hooks, h, &layer.source, active, &mut hook_dir_sources)
        {
            out.diagnostics.push(d);
            return out;
        }
        if let Some(entries) = layer
            .doc
            .permissions
            .as_ref()
            .and_then(|p| p.get_ref().filesystem.as_ref())
            .and_then(|f| f.deny_read.as_ref())
        {
            let mut contributed = false;
            for entry in entries {
                if !deny_read.contains(entry) {
                    deny_read.push(entry.clone());
                    contributed = true;
                }
            }
            if contributed {
                deny_read_sources.push(layer.source.clone());
            }
        }
    }
    effective.rules = rules;
    effective.hooks = hooks;
    if !deny_read_sources.is_empty() {
        let perms = effective.permissions.get_or_insert_with(|| {
            Sourced::new(crate::requirements::document::PermissionsToml::default(), RequirementSource::Unknown, None)
        });
        perms.value.filesystem.get_or_insert_with(Default::default).deny_read = Some(deny_read);
        let mut sources = Vec::new();
        if perms.source != RequirementSource::Unknown {
            sources.push(perms.source.clone());
        }
        sources.extend(deny_read_sources);
        perms.source = RequirementSource::composite(sources);
    }
    if !effective.is_empty() {
        out.requirements = Some(effective);
    }
    out
}

fn merge_v2_hooks(
    target: &mut Option<Sourced<crate::requirements::document::HooksToml>>,
    mut incoming: crate::requirements::document::HooksToml,
    source: &RequirementSource,
    active: usize,
    dir_sources: &mut [Option<RequirementSource>; 2],
) -> Result<(), Diagnostic> {
    fn dir(h: &mut crate::requirements::document::HooksToml, index: usize) -> &mut Option<String> {
        if index == 0 { &mut h.managed_dir } else { &mut h.windows_managed_dir }
    }
    let Some(existing) = target.as_mut() else {
        for index in 0..2 {
            if dir(&mut incoming, index).is_some()
                && let Some(slot @ None) = dir_sources.get_mut(index)
            {
                *slot = Some(source.clone());
            }
        }
        *target = Some(Sourced::new(incoming, source.clone(), None));
        return Ok(());
    };
    let mut changed = false;
    let inactive = 1 - active;
    if let Some(value) = dir(&mut incoming, active).take() {
        match dir(&mut existing.value, active) {
            Some(current) if *current != value => {
                let field = if active == 0 { "hooks.managed_dir" } else { "hooks.windows_managed_dir" };
                let existing_source = dir_sources.get(active).cloned().flatten().unwrap_or_else(|| source.clone());
                return Err(Diagnostic::error(
                    "requirements/compose-conflict",
                    format!(
                        "failed to compose requirements field `{field}` between {existing_source} and {source}: `{current}` conflicts with `{value}`"
                    ),
                ));
            }
            Some(_) => {}
            slot @ None => {
                *slot = Some(value);
                if let Some(s) = dir_sources.get_mut(active) {
                    s.get_or_insert_with(|| source.clone());
                }
                changed = true;
            }
        }
    }
    if let Some(value) = dir(&mut incoming, inactive).take() {
        let slot = dir(&mut existing.value, inactive);
        if slot.is_none() {
            *slot = Some(value);
            if let Some(s) = dir_sources.get_mut(inactive) {
                s.get_or_insert_with(|| source.clone());
            }
            changed = true;
        }
    }
    for (target_groups, incoming_groups) in existing.value.events_mut().into_iter().zip(incoming.events_mut()) {
        if !incoming_groups.is_empty() {
            target_groups.append(incoming_groups);
            changed = true;
        }
    }
    if changed && existing.source != *source {
        existing.source = RequirementSource::composite([existing.source.clone(), source.clone()]);
    }
    Ok(())
}

/// Whether a normalised `host` matches any of `patterns` (exposed for traces).
pub fn host_matches_any(host: &str, patterns: &[String]) -> bool {
    normalize_hostname(host).is_some_and(|h| patterns.iter().any(|p| hostname_matches(&h, p)))
}

//! The workspace file (design.md "Inputs: the workspace file"): our own format, so unknown keys
//! are errors with a span. `file = "…"` references are resolved by a caller-supplied function
//! (the CLI reads files relative to the workspace file; the app looks them up in its inlined
//! files). Every policy is parsed on its own, so one broken policy never hides the others.

use std::collections::BTreeSet;

use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::requirements::document::{ParsedRequirements, parse_requirements};
use crate::requirements::layers::{LayerInput, LayerKind};
use crate::requirements::reparse::ReparseBase;
use crate::requirements_rules::toml_error;
use crate::tomlread::{
    Error, Node, Seen, StructReader, boolean, seq, spanned, spanned_string, spanned_string_seq, string,
};
use crate::workspace::internet::{InternetSettings, KNOWN_PRESETS};
use crate::workspace::rbac::Permissions;

/// A table's entries with their spans, in key order (the map serde would build).
type SpannedEntries<T> = Vec<(Spanned<String>, Spanned<T>)>;

#[derive(Debug, Default)]
struct WorkspaceFileToml {
    workspace: Option<Spanned<WorkspaceSectionToml>>,
    /// In key order, as a map would hold them: `toml`'s tables are sorted maps, read in order.
    roles: SpannedEntries<RoleToml>,
    groups: Vec<Spanned<GroupToml>>,
    /// In key order (see `roles`).
    policies: SpannedEntries<PolicyToml>,
    policy_rules: Vec<Spanned<PolicyRuleToml>>,
    default_policy: Option<Spanned<DefaultPolicyToml>>,
    layers: Option<Spanned<LayersToml>>,
    rules: Option<Spanned<RulesSectionToml>>,
    internet: Option<Spanned<InternetToml>>,
}

#[derive(Debug, Default)]
struct WorkspaceSectionToml {
    name: Option<String>,
    default_role: Option<Spanned<String>>,
}

#[derive(Debug, Default)]
struct RoleToml {
    codex_local: Option<bool>,
    codex_cloud: Option<bool>,
    codex_admin: Option<bool>,
    agent_internet: Option<bool>,
}

#[derive(Debug)]
struct GroupToml {
    name: Spanned<String>,
    members: Vec<Spanned<String>>,
    roles: Vec<Spanned<String>>,
}

#[derive(Debug, Default)]
struct PolicyToml {
    requirements: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
}

#[derive(Debug)]
struct PolicyRuleToml {
    group: Spanned<String>,
    policy: Spanned<String>,
}

#[derive(Debug)]
struct DefaultPolicyToml {
    policy: Spanned<String>,
}

#[derive(Debug, Default)]
struct TextSourceToml {
    requirements: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    path: Option<String>,
}

#[derive(Debug, Default)]
struct LayersToml {
    mdm: Option<Spanned<TextSourceToml>>,
    system: Option<Spanned<TextSourceToml>>,
    legacy_managed_config: Option<Spanned<TextSourceToml>>,
}

#[derive(Debug, Default)]
struct RulesFileToml {
    name: Option<String>,
    text: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    trusted: bool,
}

#[derive(Debug, Default)]
struct RulesSectionToml {
    system: Vec<Spanned<RulesFileToml>>,
    user: Vec<Spanned<RulesFileToml>>,
    project: Vec<Spanned<RulesFileToml>>,
}

#[derive(Debug, Default)]
struct InternetToml {
    enabled: bool,
    presets: Vec<Spanned<String>>,
    allowed_domains: Vec<Spanned<String>>,
    allowed_methods: Option<Vec<Spanned<String>>>,
}

/// A `BTreeMap<Spanned<String>, Spanned<T>>` as its entries in key order: a table's entries come
/// sorted and unique (`toml`'s tables are `BTreeMap`s), so a list in reading order is that map
/// without a map type of its own in the wasm.
fn spanned_map<T>(
    node: &Node<'_>,
    each: &mut dyn FnMut(&Node<'_>) -> Result<T, Error>,
) -> Result<SpannedEntries<T>, Error> {
    match node.seen()? {
        Seen::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for e in &entries {
                let Some(key_span) = e.key_span.clone() else {
                    let seen = Seen::Str(e.key.clone());
                    return Err(node.fail(crate::tomlread::invalid_type(&seen, "a spanned value")));
                };
                let value = each(&e.value).map_err(|err| node.fail(e.value.fail(err)))?;
                out.push((Spanned::new(key_span, e.key.clone().into_owned()), spanned(&e.value, value)));
            }
            Ok(out)
        }
        other => Err(node.fail(crate::tomlread::invalid_type(&other, "a map"))),
    }
}

/// Applies serde's arity rule for `Option` fields of a struct written as an array.
fn optionals(r: &StructReader, set: &[(usize, bool)]) -> Result<(), Error> {
    for (index, present) in set {
        r.optional(*index, present.then_some(()))?;
    }
    Ok(())
}

impl WorkspaceFileToml {
    fn read(text: &str) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[
            ("workspace", 0),
            ("roles", 1),
            ("groups", 2),
            ("policies", 3),
            ("policy_rules", 4),
            ("default_policy", 5),
            ("layers", 6),
            ("rules", 7),
            ("internet", 8),
        ];
        let doc = crate::tomlread::parse(text)?;
        let mut f = Self::default();
        StructReader::read(&Node::document(&doc), "struct WorkspaceFileToml", NAMES, 9, true, &mut |i, n| {
            match i {
                0 => f.workspace = Some(spanned(n, WorkspaceSectionToml::from_toml(n)?)),
                1 => f.roles = spanned_map(n, &mut |m| RoleToml::from_toml(m))?,
                2 => f.groups = seq(n, &mut |m| Ok(spanned(m, GroupToml::from_toml(m)?)))?,
                3 => f.policies = spanned_map(n, &mut |m| PolicyToml::from_toml(m))?,
                4 => f.policy_rules = seq(n, &mut |m| Ok(spanned(m, PolicyRuleToml::from_toml(m)?)))?,
                5 => f.default_policy = Some(spanned(n, DefaultPolicyToml::from_toml(n)?)),
                6 => f.layers = Some(spanned(n, LayersToml::from_toml(n)?)),
                7 => f.rules = Some(spanned(n, RulesSectionToml::from_toml(n)?)),
                _ => f.internet = Some(spanned(n, InternetToml::from_toml(n)?)),
            }
            Ok(())
        })?;
        Ok(f)
    }
}

impl WorkspaceSectionToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut w = Self::default();
        let r = StructReader::read(
            node,
            "struct WorkspaceSectionToml",
            &[("name", 0), ("default_role", 1)],
            2,
            true,
            &mut |i, n| {
                if i == 0 {
                    w.name = Some(string(n)?);
                } else {
                    w.default_role = Some(spanned_string(n)?);
                }
                Ok(())
            },
        )?;
        optionals(&r, &[(0, w.name.is_some()), (1, w.default_role.is_some())])?;
        Ok(w)
    }
}

impl RoleToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] =
            &[("codex_local", 0), ("codex_cloud", 1), ("codex_admin", 2), ("agent_internet", 3)];
        let mut flags: [Option<bool>; 4] = [None; 4];
        let reader = StructReader::read(node, "struct RoleToml", NAMES, 4, true, &mut |i, n| {
            if let Some(slot) = flags.get_mut(i) {
                *slot = Some(boolean(n)?);
            }
            Ok(())
        })?;
        let [codex_local, codex_cloud, codex_admin, agent_internet] = flags;
        Ok(Self {
            codex_local: reader.optional(0, codex_local)?,
            codex_cloud: reader.optional(1, codex_cloud)?,
            codex_admin: reader.optional(2, codex_admin)?,
            agent_internet: reader.optional(3, agent_internet)?,
        })
    }
}

impl GroupToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("name", 0), ("members", 1), ("roles", 2)];
        let (mut name, mut members, mut roles) = (None, None, None);
        let r = StructReader::read(node, "struct GroupToml", NAMES, 3, true, &mut |i, n| {
            match i {
                0 => name = Some(spanned_string(n)?),
                1 => members = Some(spanned_string_seq(n)?),
                _ => roles = Some(spanned_string_seq(n)?),
            }
            Ok(())
        })?;
        Ok(Self {
            name: r.required(0, "name", name)?,
            members: members.unwrap_or_default(),
            roles: roles.unwrap_or_default(),
        })
    }
}

impl PolicyToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut p = Self::default();
        let r = StructReader::read(
            node,
            "struct PolicyToml",
            &[("requirements", 0), ("file", 1)],
            2,
            true,
            &mut |i, n| {
                if i == 0 {
                    p.requirements = Some(spanned_string(n)?);
                } else {
                    p.file = Some(spanned_string(n)?);
                }
                Ok(())
            },
        )?;
        optionals(&r, &[(0, p.requirements.is_some()), (1, p.file.is_some())])?;
        Ok(p)
    }
}

impl PolicyRuleToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let (mut group, mut policy) = (None, None);
        let r =
            StructReader::read(node, "struct PolicyRuleToml", &[("group", 0), ("policy", 1)], 2, true, &mut |i, n| {
                if i == 0 {
                    group = Some(spanned_string(n)?);
                } else {
                    policy = Some(spanned_string(n)?);
                }
                Ok(())
            })?;
        let group = r.required(0, "group", group)?;
        Ok(Self { group, policy: r.required(1, "policy", policy)? })
    }
}

impl DefaultPolicyToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut policy = None;
        let r = StructReader::read(node, "struct DefaultPolicyToml", &[("policy", 0)], 1, true, &mut |_, n| {
            policy = Some(spanned_string(n)?);
            Ok(())
        })?;
        Ok(Self { policy: r.required(0, "policy", policy)? })
    }
}

impl TextSourceToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        let mut t = Self::default();
        let r = StructReader::read(
            node,
            "struct TextSourceToml",
            &[("requirements", 0), ("file", 1), ("path", 2)],
            3,
            true,
            &mut |i, n| {
                match i {
                    0 => t.requirements = Some(spanned_string(n)?),
                    1 => t.file = Some(spanned_string(n)?),
                    _ => t.path = Some(string(n)?),
                }
                Ok(())
            },
        )?;
        optionals(&r, &[(0, t.requirements.is_some()), (1, t.file.is_some()), (2, t.path.is_some())])?;
        Ok(t)
    }
}

impl LayersToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("mdm", 0), ("system", 1), ("legacy_managed_config", 2)];
        let mut l = Self::default();
        let r = StructReader::read(node, "struct LayersToml", NAMES, 3, true, &mut |i, n| {
            let source = Some(spanned(n, TextSourceToml::from_toml(n)?));
            match i {
                0 => l.mdm = source,
                1 => l.system = source,
                _ => l.legacy_managed_config = source,
            }
            Ok(())
        })?;
        optionals(&r, &[(0, l.mdm.is_some()), (1, l.system.is_some()), (2, l.legacy_managed_config.is_some())])?;
        Ok(l)
    }
}

impl RulesFileToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("name", 0), ("text", 1), ("file", 2), ("trusted", 3)];
        let mut f = Self::default();
        let r = StructReader::read(node, "struct RulesFileToml", NAMES, 4, true, &mut |i, n| {
            match i {
                0 => f.name = Some(string(n)?),
                1 => f.text = Some(spanned_string(n)?),
                2 => f.file = Some(spanned_string(n)?),
                _ => f.trusted = boolean(n)?,
            }
            Ok(())
        })?;
        optionals(&r, &[(0, f.name.is_some()), (1, f.text.is_some()), (2, f.file.is_some())])?;
        Ok(f)
    }
}

impl RulesSectionToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] = &[("system", 0), ("user", 1), ("project", 2)];
        let mut s = Self::default();
        StructReader::read(node, "struct RulesSectionToml", NAMES, 3, true, &mut |i, n| {
            let files = seq(n, &mut |m| Ok(spanned(m, RulesFileToml::from_toml(m)?)))?;
            match i {
                0 => s.system = files,
                1 => s.user = files,
                _ => s.project = files,
            }
            Ok(())
        })?;
        Ok(s)
    }
}

impl InternetToml {
    fn from_toml(node: &Node<'_>) -> Result<Self, Error> {
        const NAMES: &[(&str, usize)] =
            &[("enabled", 0), ("presets", 1), ("allowed_domains", 2), ("allowed_methods", 3)];
        let mut t = Self::default();
        let r = StructReader::read(node, "struct InternetToml", NAMES, 4, true, &mut |i, n| {
            match i {
                0 => t.enabled = boolean(n)?,
                1 => t.presets = spanned_string_seq(n)?,
                2 => t.allowed_domains = spanned_string_seq(n)?,
                _ => t.allowed_methods = Some(spanned_string_seq(n)?),
            }
            Ok(())
        })?;
        optionals(&r, &[(3, t.allowed_methods.is_some())])?;
        Ok(t)
    }
}

/// A name written in the workspace file, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The name.
    pub name: String,
    /// Its span in the workspace file.
    pub span: Span,
}

impl Named {
    fn from(s: &Spanned<String>) -> Self {
        Self { name: s.get_ref().clone(), span: s.span().into() }
    }
}

/// A custom role and its permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// Span of the `[roles.<name>]` table.
    pub span: Span,
    /// What it grants.
    pub permissions: Permissions,
}

/// A group (SCIM-synced in real workspaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// Span of the `[[groups]]` entry.
    pub span: Span,
    /// Member emails.
    pub members: Vec<String>,
    /// Roles assigned to the group.
    pub roles: Vec<Named>,
}

/// Where a text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextOrigin {
    /// Inline in the workspace file; `offset` is where the text starts in the workspace file,
    /// when the string has no escapes (so spans can be mapped back).
    Inline {
        /// Byte offset of the text's first byte in the workspace file.
        offset: Option<usize>,
    },
    /// A `file = "…"` reference, resolved by the caller.
    File {
        /// The path as written.
        path: String,
    },
}

/// A cloud-managed policy (a `requirements.toml` document).
#[derive(Debug, Clone)]
pub struct WorkspacePolicy {
    /// Policy name.
    pub name: String,
    /// Span of the `[policies.<name>]` table.
    pub span: Span,
    /// The document text (`None` when the file could not be read).
    pub text: Option<String>,
    /// Where the text came from.
    pub origin: TextOrigin,
    /// This policy's own parse result; its diagnostics point into the policy text.
    pub parsed: ParsedRequirements,
    /// What the next edit of the text is re-read against while this parse is broken.
    reparse_base: ReparseBase,
}

impl WorkspacePolicy {
    /// The label its diagnostics use: the file path, or `policies.<name>`.
    pub fn label(&self) -> String {
        match &self.origin {
            TextOrigin::File { path } => path.clone(),
            TextOrigin::Inline { .. } => format!("policies.{}", self.name),
        }
    }

    /// Whether it parses (Codex would accept it as a document; constraints may still fail).
    pub fn is_valid(&self) -> bool {
        self.text.is_some() && self.parsed.error().is_none()
    }
}

/// An ordered group → policy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    /// The group.
    pub group: Named,
    /// The policy.
    pub policy: Named,
    /// Span of the `[[policy_rules]]` entry.
    pub span: Span,
}

/// A local requirements layer described in `[layers]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSpec {
    /// Which layer.
    pub kind: LayerKind,
    /// The path label (system and legacy file layers).
    pub path: Option<String>,
    /// The text (`None` when the file could not be read).
    pub text: Option<String>,
    /// Where the text came from.
    pub origin: TextOrigin,
    /// Span of the entry.
    pub span: Span,
}

impl LayerSpec {
    /// The layer as an input to [`crate::requirements::layers::compose`].
    pub fn to_input(&self) -> Option<LayerInput> {
        let text = self.text.clone()?;
        Some(match self.kind {
            LayerKind::Mdm => LayerInput::mdm(text),
            LayerKind::System => LayerInput::system(self.path.as_deref(), text),
            LayerKind::LegacyManagedConfigFile => LayerInput::legacy_file(self.path.as_deref(), text),
            LayerKind::LegacyManagedConfigMdm => LayerInput::legacy_mdm(text),
            LayerKind::Cloud => LayerInput::cloud(text),
            LayerKind::Unspecified => LayerInput::unspecified(text),
        })
    }
}

/// A Starlark `.rules` file of one config layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesFileSpec {
    /// Its name (given, or the file path).
    pub name: String,
    /// Its text (`None` when unreadable).
    pub text: Option<String>,
    /// Project layers only contribute when trusted.
    pub trusted: bool,
    /// Span of the entry.
    pub span: Span,
}

/// `[rules]`: `.rules` files per config layer, in load order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceRules {
    /// System layer (`/etc/codex/rules`).
    pub system: Vec<RulesFileSpec>,
    /// User layer (`~/.codex/rules`).
    pub user: Vec<RulesFileSpec>,
    /// Team Config project layers (`.codex/rules`).
    pub project: Vec<RulesFileSpec>,
}

/// A parsed workspace.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Display name.
    pub name: Option<String>,
    /// The role of users with no custom role.
    pub default_role: Option<Named>,
    /// Custom roles (by name).
    pub roles: Vec<Role>,
    /// Groups in file order.
    pub groups: Vec<Group>,
    /// Policies (by name).
    pub policies: Vec<WorkspacePolicy>,
    /// Ordered policy rules.
    pub policy_rules: Vec<PolicyRule>,
    /// The default fallback policy.
    pub default_policy: Option<Named>,
    /// Local requirement layers.
    pub layers: Vec<LayerSpec>,
    /// `.rules` files.
    pub rules: WorkspaceRules,
    /// Cloud agent internet access.
    pub internet: Option<InternetSettings>,
}

/// The result of parsing a workspace file.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceParse {
    /// The model (absent only when the file is not valid TOML or has an unknown key).
    pub workspace: Option<Workspace>,
    /// Every problem: file errors and dangling names point into the workspace file; policy
    /// problems point into the policy text (source = file path or `policies.<name>`).
    pub diagnostics: Vec<Diagnostic>,
}

impl WorkspaceParse {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Where the content of a string value starts in `text`, when the raw slice maps 1:1 to the value.
fn content_offset(text: &str, s: &Spanned<String>) -> Option<usize> {
    let span = s.span();
    let raw = text.get(span.clone())?;
    let (open, close) = if raw.starts_with("'''") || raw.starts_with("\"\"\"") { (3, 3) } else { (1, 1) };
    let mut start = span.start + open;
    let inner = text.get(start..span.end.checked_sub(close)?)?;
    let inner = if open == 3 {
        if let Some(rest) = inner.strip_prefix("\r\n") {
            start += 2;
            rest
        } else if let Some(rest) = inner.strip_prefix('\n') {
            start += 1;
            rest
        } else {
            inner
        }
    } else {
        inner
    };
    (inner == s.get_ref()).then_some(start)
}

/// Parses a workspace file. `resolve(path)` returns the text of a `file = "…"` reference or an
/// error message; `source` names the workspace file in diagnostics.
pub fn parse_workspace(text: &str, source: &str, resolve: &dyn Fn(&str) -> Result<String, String>) -> WorkspaceParse {
    parse_workspace_after(text, source, resolve, None)
}

/// [`parse_workspace`] after an edit: each policy document that `previous` (the parse before the
/// edit) also has, under the same name and label, is re-read with
/// [`crate::requirements::reparse`], which reuses what is unchanged.
pub fn parse_workspace_after(
    text: &str,
    source: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
    previous: Option<&Workspace>,
) -> WorkspaceParse {
    let mut out = WorkspaceParse::default();
    let file = match WorkspaceFileToml::read(text) {
        Ok(file) => file,
        Err(e) => {
            let mut d = toml_error(&e, source);
            d.code = "workspace/parse";
            out.diagnostics.push(d);
            return out;
        }
    };
    let mut ws = Workspace::default();
    let diags = &mut out.diagnostics;

    let read = |s: &Spanned<String>, diags: &mut Vec<Diagnostic>| -> Option<String> {
        match resolve(s.get_ref()) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.push(
                    Diagnostic::error("workspace/unreadable-file", format!("cannot read `{}`: {e}", s.get_ref()))
                        .at(source, s.span()),
                );
                None
            }
        }
    };

    if let Some(section) = &file.workspace {
        ws.name.clone_from(&section.get_ref().name);
        ws.default_role = section.get_ref().default_role.as_ref().map(Named::from);
    }
    for (name, role) in &file.roles {
        let r = role.get_ref();
        ws.roles.push(Role {
            name: name.get_ref().clone(),
            span: role.span().into(),
            permissions: Permissions {
                codex_local: r.codex_local.unwrap_or(false),
                codex_cloud: r.codex_cloud.unwrap_or(false),
                codex_admin: r.codex_admin.unwrap_or(false),
                agent_internet: r.agent_internet.unwrap_or(false),
            },
        });
    }
    let mut seen_groups = BTreeSet::new();
    for group in &file.groups {
        let g = group.get_ref();
        if !seen_groups.insert(g.name.get_ref().clone()) {
            diags.push(
                Diagnostic::error(
                    "workspace/duplicate-group",
                    format!("group `{}` is defined twice", g.name.get_ref()),
                )
                .at(source, g.name.span()),
            );
        }
        ws.groups.push(Group {
            name: g.name.get_ref().clone(),
            span: group.span().into(),
            members: g.members.iter().map(|m| m.get_ref().clone()).collect(),
            roles: g.roles.iter().map(Named::from).collect(),
        });
    }
    for (name, policy) in &file.policies {
        let p = policy.get_ref();
        let (text_value, origin) = match (&p.requirements, &p.file) {
            (Some(inline), None) => {
                (Some(inline.get_ref().clone()), TextOrigin::Inline { offset: content_offset(text, inline) })
            }
            (None, Some(path)) => (read(path, diags), TextOrigin::File { path: path.get_ref().clone() }),
            _ => {
                diags.push(
                    Diagnostic::error(
                        "workspace/invalid-policy",
                        format!("policy `{}` must set exactly one of `requirements` or `file`", name.get_ref()),
                    )
                    .at(source, policy.span()),
                );
                (None, TextOrigin::Inline { offset: None })
            }
        };
        let mut wp = WorkspacePolicy {
            name: name.get_ref().clone(),
            span: policy.span().into(),
            text: text_value,
            origin,
            parsed: ParsedRequirements::default(),
            reparse_base: ReparseBase::default(),
        };
        if let Some(t) = &wp.text {
            let label = wp.label();
            let before = previous
                .and_then(|ws| ws.policies.iter().find(|p| p.name == wp.name && p.label() == label))
                .and_then(|p| Some((p.text.as_deref()?, &p.parsed, &p.reparse_base)));
            (wp.parsed, wp.reparse_base) = match before {
                Some((old_text, old, base)) => base.reparse(old_text, old, t, &label),
                None => (parse_requirements(t, &label), ReparseBase::default()),
            };
        }
        ws.policies.push(wp);
    }
    for rule in &file.policy_rules {
        let r = rule.get_ref();
        ws.policy_rules.push(PolicyRule {
            group: Named::from(&r.group),
            policy: Named::from(&r.policy),
            span: rule.span().into(),
        });
    }
    ws.default_policy = file.default_policy.as_ref().map(|d| Named::from(&d.get_ref().policy));
    if let Some(layers) = &file.layers {
        let l = layers.get_ref();
        for (kind, entry) in [
            (LayerKind::Mdm, &l.mdm),
            (LayerKind::System, &l.system),
            (LayerKind::LegacyManagedConfigFile, &l.legacy_managed_config),
        ] {
            let Some(entry) = entry else { continue };
            let e = entry.get_ref();
            let (layer_text, origin) = match (&e.requirements, &e.file) {
                (Some(inline), None) => {
                    (Some(inline.get_ref().clone()), TextOrigin::Inline { offset: content_offset(text, inline) })
                }
                (None, Some(path)) => (read(path, diags), TextOrigin::File { path: path.get_ref().clone() }),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "workspace/invalid-layer",
                            "a layer must set exactly one of `requirements` or `file`",
                        )
                        .at(source, entry.span()),
                    );
                    continue;
                }
            };
            ws.layers.push(LayerSpec {
                kind,
                path: e.path.clone(),
                text: layer_text,
                origin,
                span: entry.span().into(),
            });
        }
    }
    if let Some(rules) = &file.rules {
        let r = rules.get_ref();
        let convert = |entries: &Vec<Spanned<RulesFileToml>>, diags: &mut Vec<Diagnostic>| -> Vec<RulesFileSpec> {
            entries
                .iter()
                .map(|entry| {
                    let e = entry.get_ref();
                    let (name, body) = match (&e.text, &e.file) {
                        (Some(t), None) => {
                            (e.name.clone().unwrap_or_else(|| "inline.rules".to_owned()), Some(t.get_ref().clone()))
                        }
                        (None, Some(path)) => {
                            (e.name.clone().unwrap_or_else(|| path.get_ref().clone()), read(path, diags))
                        }
                        _ => {
                            diags.push(
                                Diagnostic::error(
                                    "workspace/invalid-rules-file",
                                    "a rules file must set exactly one of `text` or `file`",
                                )
                                .at(source, entry.span()),
                            );
                            (e.name.clone().unwrap_or_default(), None)
                        }
                    };
                    RulesFileSpec { name, text: body, trusted: e.trusted, span: entry.span().into() }
                })
                .collect()
        };
        ws.rules = WorkspaceRules {
            system: convert(&r.system, diags),
            user: convert(&r.user, diags),
            project: convert(&r.project, diags),
        };
    }
    if let Some(internet) = &file.internet {
        let i = internet.get_ref();
        for preset in &i.presets {
            if !KNOWN_PRESETS.contains(&preset.get_ref().as_str()) {
                diags.push(
                    Diagnostic::error(
                        "workspace/unknown-preset",
                        format!("unknown internet preset `{}`", preset.get_ref()),
                    )
                    .with_help(format!("known presets: {}", KNOWN_PRESETS.join(", ")))
                    .at(source, preset.span()),
                );
            }
        }
        ws.internet = Some(InternetSettings {
            enabled: i.enabled,
            presets: i.presets.iter().map(|p| p.get_ref().clone()).collect(),
            allowed_domains: i.allowed_domains.iter().map(|d| d.get_ref().to_ascii_lowercase()).collect(),
            allowed_methods: i
                .allowed_methods
                .as_ref()
                .map(|m| m.iter().map(|x| x.get_ref().to_ascii_uppercase()).collect()),
        });
    }
    check_names(&ws, source, diags);
    for policy in &ws.policies {
        diags.extend(policy_diagnostics(policy, source));
    }
    out.workspace = Some(ws);
    out
}

/// A policy's own diagnostics; for inline policies without escapes, mapped into the workspace file.
fn policy_diagnostics(policy: &WorkspacePolicy, workspace_source: &str) -> Vec<Diagnostic> {
    policy
        .parsed
        .diagnostics
        .iter()
        .map(|d| match (&policy.origin, d.span) {
            (TextOrigin::Inline { offset: Some(offset) }, Some(span)) => {
                let mut d = d.clone();
                workspace_source.clone_into(&mut d.source);
                d.span = Some(Span::new(span.start + offset, span.end + offset));
                d
            }
            _ => d.clone(),
        })
        .collect()
}

fn check_names(ws: &Workspace, source: &str, diags: &mut Vec<Diagnostic>) {
    let role_exists = |n: &str| ws.roles.iter().any(|r| r.name == n);
    let group_exists = |n: &str| ws.groups.iter().any(|g| g.name == n);
    let policy_exists = |n: &str| ws.policies.iter().any(|p| p.name == n);
    if let Some(role) = &ws.default_role
        && !role_exists(&role.name)
    {
        diags.push(
            Diagnostic::error("workspace/unknown-role", format!("default role `{}` is not defined", role.name))
                .with_help("define it under `[roles]`")
                .at(source, role.span),
        );
    }
    for group in &ws.groups {
        for role in &group.roles {
            if !role_exists(&role.name) {
                diags.push(
                    Diagnostic::error(
                        "workspace/unknown-role",
                        format!("group `{}` names unknown role `{}`", group.name, role.name),
                    )
                    .at(source, role.span),
                );
            }
        }
    }
    for rule in &ws.policy_rules {
        if !group_exists(&rule.group.name) {
            diags.push(
                Diagnostic::error(
                    "workspace/unknown-group",
                    format!("policy rule names unknown group `{}`", rule.group.name),
                )
                .at(source, rule.group.span),
            );
        }
        if !policy_exists(&rule.policy.name) {
            diags.push(
                Diagnostic::error(
                    "workspace/unknown-policy",
                    format!("policy rule names unknown policy `{}`", rule.policy.name),
                )
                .at(source, rule.policy.span),
            );
        }
    }
    if let Some(default) = &ws.default_policy
        && !policy_exists(&default.name)
    {
        diags.push(
            Diagnostic::error("workspace/unknown-policy", format!("default policy `{}` is not defined", default.name))
                .at(source, default.span),
        );
    }
}

impl Workspace {
    /// The policy called `name`.
    pub fn policy(&self, name: &str) -> Option<&WorkspacePolicy> {
        self.policies.iter().find(|p| p.name == name)
    }

    /// The role called `name`.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The local layers (`[layers]`) as composition inputs (unreadable ones skipped).
    pub fn local_layers(&self) -> Vec<LayerInput> {
        self.layers.iter().filter_map(LayerSpec::to_input).collect()
    }
}

//! Which cloud policy applies (spec §4.1, admin-model.md): ordered group rules, first match
//! wins, else the default fallback, else none; the selected document is never filled from later
//! rules or from the default.

use crate::json::Json;
use crate::requirements::layers::LayerInput;
use crate::workspace::file::Workspace;

/// Why a policy was selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyVia {
    /// The first policy rule whose group contains the user.
    Group(String),
    /// No rule matched; the default fallback policy.
    Default,
    /// No rule matched and there is no default: no cloud layer.
    None,
}

impl PolicyVia {
    /// `group:<name>`, `default`, or `None` (JSON `null`).
    pub fn label(&self) -> Option<String> {
        match self {
            PolicyVia::Group(g) => Some(format!("group:{g}")),
            PolicyVia::Default => Some("default".to_owned()),
            PolicyVia::None => None,
        }
    }
}

/// The selected policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySelection {
    /// The policy name (`None` when no policy applies).
    pub name: Option<String>,
    /// Why.
    pub via: PolicyVia,
    /// Index of the deciding rule in `policy_rules`.
    pub rule_index: Option<usize>,
    /// Later rules that also matched the user but do not apply (no field filling).
    pub also_matched: Vec<usize>,
}

impl Workspace {
    /// Selects the policy for a member of `groups`.
    pub fn select_policy(&self, groups: &[String]) -> PolicySelection {
        let matching: Vec<usize> = self
            .policy_rules
            .iter()
            .enumerate()
            .filter(|(_, r)| groups.contains(&r.group.name))
            .map(|(i, _)| i)
            .collect();
        if let Some((&first, rest)) = matching.split_first()
            && let Some(rule) = self.policy_rules.get(first)
        {
            return PolicySelection {
                name: Some(rule.policy.name.clone()),
                via: PolicyVia::Group(rule.group.name.clone()),
                rule_index: Some(first),
                also_matched: rest.to_vec(),
            };
        }
        match &self.default_policy {
            Some(d) => PolicySelection {
                name: Some(d.name.clone()),
                via: PolicyVia::Default,
                rule_index: None,
                also_matched: Vec::new(),
            },
            None => PolicySelection { name: None, via: PolicyVia::None, rule_index: None, also_matched: Vec::new() },
        }
    }

    /// The cloud layer of a selection (`None` when no policy applies or its text is missing).
    pub fn cloud_layer(&self, selection: &PolicySelection) -> Option<LayerInput> {
        let policy = self.policy(selection.name.as_deref()?)?;
        policy.text.clone().map(|text| LayerInput::cloud(text).with_parsed(&policy.parsed))
    }
}

/// `{"name","via"}` with `via` = `"group:<name>"` | `"default"` | `null`.
pub fn policy_json(selection: &PolicySelection) -> Json {
    Json::object()
        .with("name", selection.name.as_deref().map_or(Json::Null, Json::from))
        .with("via", selection.via.label().map_or(Json::Null, Json::from))
}

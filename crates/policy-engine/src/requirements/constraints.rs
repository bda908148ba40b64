//! Normalisation of effective requirements into constraints (spec §2.5, Codex's
//! `ConfigRequirements::try_from`) and the `ConstraintError` texts.

use std::fmt;

use crate::decision::Reviewer;
use crate::policy::PrefixRule;
use crate::requirements::document::{HooksToml, ResidencyToml};
use crate::requirements::effective::{EffectiveRequirements, Sourced};
use crate::requirements::features::{FeaturePins, parse_feature_pins};
use crate::requirements::source::RequirementSource;
use crate::requirements_rules::validate_and_convert;
use crate::settings::{ApprovalPolicy, SandboxMode, WebSearchMode};

/// Codex's `ConstraintError`; `Display` is Codex's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintError {
    /// ``invalid value for `{field}`: `{candidate}` is not in the allowed set {allowed} (set by {source})``
    InvalidValue {
        /// Field name (`approval_policy`, `sandbox_mode`, …).
        field: &'static str,
        /// Debug spelling of the rejected value.
        candidate: String,
        /// Debug spelling of the allowed set.
        allowed: String,
        /// Where the requirement came from.
        source: RequirementSource,
    },
    /// ``field `{field}` cannot be empty``
    EmptyField {
        /// The requirements key.
        field: &'static str,
    },
    /// `invalid rules in requirements (set by {source}): {reason}`
    ExecPolicyParse {
        /// Where the rules came from.
        source: RequirementSource,
        /// The validation reason (spec §3.2).
        reason: String,
    },
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstraintError::InvalidValue { field, candidate, allowed, source } => {
                write!(
                    f,
                    "invalid value for `{field}`: `{candidate}` is not in the allowed set {allowed} (set by {source})"
                )
            }
            ConstraintError::EmptyField { field } => write!(f, "field `{field}` cannot be empty"),
            ConstraintError::ExecPolicyParse { source, reason } => {
                write!(f, "invalid rules in requirements (set by {source}): {reason}")
            }
        }
    }
}

fn debug_list<T>(items: &[T], name: impl Fn(&T) -> String) -> String {
    let names: Vec<String> = items.iter().map(name).collect();
    format!("[{}]", names.join(", "))
}

/// A membership constraint: the fallback (`initial`) value and, when constrained, the allowed
/// list with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct ListConstraint<T> {
    /// The constraint's current value: the first listed value (the fallback), or Codex's default
    /// when unconstrained.
    pub initial: T,
    /// Allowed values and their source, when constrained.
    pub allowed: Option<(Vec<T>, RequirementSource)>,
}

/// The sandbox constraint: mode membership plus the `deny_read` restriction.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConstraint {
    /// Always read-only.
    pub initial: SandboxMode,
    /// Allowed modes and source, when constrained.
    pub allowed: Option<(Vec<SandboxMode>, RequirementSource)>,
    /// Source of a non-empty `deny_read` (full-access sandboxes are then rejected).
    pub deny_read: Option<RequirementSource>,
}

/// The web-search constraint (`disabled` always implicitly accepted).
#[derive(Debug, Clone, PartialEq)]
pub struct WebSearchConstraint {
    /// `cached` if accepted, else `live`, else `disabled`; `cached` when unconstrained.
    pub initial: WebSearchMode,
    /// Accepted modes (sorted and unique, as Codex's `BTreeSet`) and source, when constrained.
    pub accepted: Option<(Vec<WebSearchMode>, RequirementSource)>,
}

/// All constraints built from effective requirements.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraints {
    /// `approval_policy`
    pub approval_policy: ListConstraint<ApprovalPolicy>,
    /// `approvals_reviewer`
    pub approvals_reviewer: ListConstraint<Reviewer>,
    /// The sandbox / permission profile.
    pub sandbox: SandboxConstraint,
    /// `web_search_mode`
    pub web_search: WebSearchConstraint,
    /// `enforce_residency`
    pub residency: Option<Sourced<ResidencyToml>>,
    /// Feature pins with their source (empty tables are dropped).
    pub features: Option<(FeaturePins, RequirementSource)>,
    /// Requirements command rules, converted, with their source.
    pub exec_policy: Option<(Vec<PrefixRule>, RequirementSource)>,
    /// The managed hook set (only with ≥ 1 handler).
    pub managed_hooks: Option<Sourced<HooksToml>>,
}

impl Constraints {
    /// Builds every constraint; the first failure is Codex's fatal error (with the requirement's
    /// span when known).
    // `allow`, not `expect`: the error is only "large" on 64-bit targets, not on wasm32.
    #[allow(clippy::result_large_err, reason = "built once per load; the error carries Codex's full text")]
    pub fn build(reqs: &EffectiveRequirements) -> Result<Self, (ConstraintError, Option<crate::diagnostic::Span>)> {
        let approval_policy = match &reqs.allowed_approval_policies {
            Some(s) => {
                let Some(first) = s.value.first() else {
                    return Err((ConstraintError::EmptyField { field: "allowed_approval_policies" }, s.span));
                };
                ListConstraint { initial: *first, allowed: Some((s.value.clone(), s.source.clone())) }
            }
            None => ListConstraint { initial: ApprovalPolicy::OnRequest, allowed: None },
        };
        let approvals_reviewer = match &reqs.allowed_approvals_reviewers {
            Some(s) => {
                let Some(first) = s.value.first() else {
                    return Err((ConstraintError::EmptyField { field: "allowed_approvals_reviewers" }, s.span));
                };
                ListConstraint { initial: *first, allowed: Some((s.value.clone(), s.source.clone())) }
            }
            None => ListConstraint { initial: Reviewer::User, allowed: None },
        };
        let sandbox_allowed = match &reqs.allowed_sandbox_modes {
            Some(s) => {
                if !s.value.contains(&SandboxMode::ReadOnly) {
                    return Err((
                        ConstraintError::InvalidValue {
                            field: "allowed_sandbox_modes",
                            candidate: debug_list(&s.value, |m| m.debug_name().to_owned()),
                            allowed: "must include 'read-only' to allow any PermissionProfile".to_owned(),
                            source: s.source.clone(),
                        },
                        s.span,
                    ));
                }
                Some((s.value.clone(), s.source.clone()))
            }
            None => None,
        };
        let exec_policy = match &reqs.rules {
            Some(s) => match validate_and_convert(&s.value, &s.source.label()) {
                Ok(rules) => Some((rules, s.source.clone())),
                Err(e) => {
                    let span = if s.span.is_some() { Some(e.span) } else { None };
                    return Err((
                        ConstraintError::ExecPolicyParse { source: s.source.clone(), reason: e.reason },
                        span,
                    ));
                }
            },
            None => None,
        };
        let web_search = match &reqs.allowed_web_search_modes {
            Some(s) => {
                // The set Codex builds (`disabled` added), in its order: every mode, in enum order,
                // that is listed or is `disabled`.
                let accepted: Vec<WebSearchMode> =
                    [WebSearchMode::Disabled, WebSearchMode::Cached, WebSearchMode::Live]
                        .into_iter()
                        .filter(|m| *m == WebSearchMode::Disabled || s.value.contains(m))
                        .collect();
                let initial = if accepted.contains(&WebSearchMode::Cached) {
                    WebSearchMode::Cached
                } else if accepted.contains(&WebSearchMode::Live) {
                    WebSearchMode::Live
                } else {
                    WebSearchMode::Disabled
                };
                WebSearchConstraint { initial, accepted: Some((accepted, s.source.clone())) }
            }
            None => WebSearchConstraint { initial: WebSearchMode::Cached, accepted: None },
        };
        let features = reqs
            .features
            .as_ref()
            .filter(|f| !f.value.is_empty())
            .map(|f| (parse_feature_pins(&f.value, &f.source), f.source.clone()));
        let deny_read = reqs
            .permissions
            .as_ref()
            .filter(|p| p.value.filesystem.as_ref().and_then(|f| f.deny_read.as_ref()).is_some_and(|d| !d.is_empty()))
            .map(|p| p.source.clone());
        Ok(Self {
            approval_policy,
            approvals_reviewer,
            sandbox: SandboxConstraint { initial: SandboxMode::ReadOnly, allowed: sandbox_allowed, deny_read },
            web_search,
            residency: reqs.enforce_residency.clone(),
            features,
            exec_policy,
            managed_hooks: reqs.hooks.clone().filter(|h| h.value.handler_count() > 0),
        })
    }

    /// `can_set` for `approval_policy` (exact equality, so a granular policy must match exactly).
    pub fn check_approval_policy(&self, candidate: ApprovalPolicy) -> Result<(), ConstraintError> {
        match &self.approval_policy.allowed {
            Some((list, source)) if !list.contains(&candidate) => Err(ConstraintError::InvalidValue {
                field: "approval_policy",
                candidate: candidate.debug_name(),
                allowed: debug_list(list, |p| p.debug_name()),
                source: source.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// `can_set` for `approvals_reviewer`.
    pub fn check_approvals_reviewer(&self, candidate: Reviewer) -> Result<(), ConstraintError> {
        match &self.approvals_reviewer.allowed {
            Some((list, source)) if !list.contains(&candidate) => Err(ConstraintError::InvalidValue {
                field: "approvals_reviewer",
                candidate: candidate.debug_name().to_owned(),
                allowed: debug_list(list, |r| r.debug_name().to_owned()),
                source: source.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// `can_set` for the permission profile, classified to its sandbox mode.
    pub fn check_sandbox_mode(&self, candidate: SandboxMode) -> Result<(), ConstraintError> {
        if let Some((list, source)) = &self.sandbox.allowed
            && !list.contains(&candidate)
        {
            return Err(ConstraintError::InvalidValue {
                field: "sandbox_mode",
                candidate: candidate.debug_name().to_owned(),
                allowed: debug_list(list, |m| m.debug_name().to_owned()),
                source: source.clone(),
            });
        }
        if let Some(source) = &self.sandbox.deny_read
            && !matches!(candidate, SandboxMode::ReadOnly | SandboxMode::WorkspaceWrite)
        {
            return Err(ConstraintError::InvalidValue {
                field: "sandbox_mode",
                candidate: candidate.debug_name().to_owned(),
                allowed: "[read-only, workspace-write]".to_owned(),
                source: source.clone(),
            });
        }
        Ok(())
    }

    /// `can_set` for `web_search_mode`.
    pub fn check_web_search(&self, candidate: WebSearchMode) -> Result<(), ConstraintError> {
        match &self.web_search.accepted {
            Some((accepted, source)) if !accepted.contains(&candidate) => Err(ConstraintError::InvalidValue {
                field: "web_search_mode",
                candidate: candidate.debug_name().to_owned(),
                allowed: format!("[{}]", accepted.iter().map(|m| m.debug_name()).collect::<Vec<_>>().join(", ")),
                source: source.clone(),
            }),
            _ => Ok(()),
        }
    }
}

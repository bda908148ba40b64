//! The simulated `ChatGPT` workspace: groups, roles, policies and policy rules (spec §4,
//! admin-model.md).
//!
//! [`file::parse_workspace`] reads the workspace file (unknown keys are errors; every policy is
//! parsed on its own); [`rbac`] answers who the user is and which surfaces they may use;
//! [`selection`] picks the cloud policy; [`internet`] answers cloud-agent requests; [`lint`]
//! finds rules that can never match and similar mistakes.

pub mod file;
pub mod internet;
pub mod lint;
pub mod rbac;
pub mod selection;

pub use file::{Workspace, WorkspaceParse, WorkspacePolicy, parse_workspace, parse_workspace_after};
pub use internet::{InternetDecision, InternetSettings, check_internet, internet_json};
pub use rbac::{DENIED_MESSAGE, Identity, Permissions, identity_json, identity_members};
pub use selection::{PolicySelection, PolicyVia, policy_json};

#[cfg(test)]
mod tests;

//! RBAC (spec §4.2, admin-model.md): a user's groups give roles (union); users with no custom
//! role get the default role; permissions resolve to the most permissive across roles.

use crate::json::Json;
use crate::workspace::file::Workspace;

/// The text a user without Codex local access gets.
pub const DENIED_MESSAGE: &str = "403 - Unauthorized. Contact your ChatGPT administrator for access.";

/// Granular permissions of a role (absent = not granted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(clippy::struct_excessive_bools, reason = "four independent workspace permissions")]
pub struct Permissions {
    /// App, CLI and IDE sign-in.
    pub codex_local: bool,
    /// Hosted Codex.
    pub codex_cloud: bool,
    /// Administer Codex (Policies page, analytics, environments).
    pub codex_admin: bool,
    /// Cloud agent internet access.
    pub agent_internet: bool,
}

impl Permissions {
    /// Most permissive of the two (union).
    #[must_use]
    pub fn union(self, other: Permissions) -> Permissions {
        Permissions {
            codex_local: self.codex_local || other.codex_local,
            codex_cloud: self.codex_cloud || other.codex_cloud,
            codex_admin: self.codex_admin || other.codex_admin,
            agent_internet: self.agent_internet || other.agent_internet,
        }
    }

    /// `{"codex_local":…,"codex_cloud":…,"codex_admin":…,"agent_internet":…}`.
    pub fn to_json(self) -> Json {
        Json::object()
            .with("codex_local", self.codex_local)
            .with("codex_cloud", self.codex_cloud)
            .with("codex_admin", self.codex_admin)
            .with("agent_internet", self.agent_internet)
    }
}

/// Why a user has the roles they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleBasis {
    /// Custom roles through groups (they replace the default role).
    Custom,
    /// No custom role: the workspace default role.
    Default,
    /// No custom role and no (defined) default role.
    None,
}

/// Who the user is, as far as the workspace is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The email looked up, if the lookup was by email.
    pub user: Option<String>,
    /// Groups the user belongs to, in file order (or as given).
    pub groups: Vec<String>,
    /// Effective roles, in order of first appearance.
    pub roles: Vec<String>,
    /// Custom or default role.
    pub basis: RoleBasis,
    /// Union of the roles' permissions.
    pub permissions: Permissions,
}

impl Identity {
    /// `Some(DENIED_MESSAGE)` when the user may not use Codex local; nothing else runs then.
    pub fn denied(&self) -> Option<&'static str> {
        (!self.permissions.codex_local).then_some(DENIED_MESSAGE)
    }
}

impl Workspace {
    /// Groups containing `email` (compared ASCII-case-insensitively, as email addresses are).
    pub fn groups_of(&self, email: &str) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.members.iter().any(|m| m.eq_ignore_ascii_case(email)))
            .map(|g| g.name.clone())
            .collect()
    }

    /// Resolves a user by email.
    pub fn identify_user(&self, email: &str) -> Identity {
        let groups = self.groups_of(email);
        let mut identity = self.identify_groups(&groups);
        identity.user = Some(email.to_owned());
        identity
    }

    /// Resolves a member of exactly these groups (unknown group names are kept but give nothing).
    pub fn identify_groups(&self, groups: &[String]) -> Identity {
        let mut roles: Vec<String> = Vec::new();
        for name in groups {
            if let Some(group) = self.group(name) {
                for role in &group.roles {
                    if self.role(&role.name).is_some() && !roles.contains(&role.name) {
                        roles.push(role.name.clone());
                    }
                }
            }
        }
        let basis = if !roles.is_empty() {
            RoleBasis::Custom
        } else if let Some(default) = self.default_role.as_ref().filter(|d| self.role(&d.name).is_some()) {
            roles.push(default.name.clone());
            RoleBasis::Default
        } else {
            RoleBasis::None
        };
        let permissions =
            roles.iter().filter_map(|r| self.role(r)).fold(Permissions::default(), |acc, r| acc.union(r.permissions));
        Identity { user: None, groups: groups.to_vec(), roles, basis, permissions }
    }
}

/// `user`, `groups`, `roles`, `surfaces` of `explain --json`, as members to splice into the
/// top-level object (in that order).
pub fn identity_members(identity: &Identity) -> Vec<(String, Json)> {
    vec![
        ("user".to_owned(), identity.user.as_deref().map_or(Json::Null, Json::from)),
        ("groups".to_owned(), Json::from(identity.groups.as_slice())),
        ("roles".to_owned(), Json::from(identity.roles.as_slice())),
        ("surfaces".to_owned(), identity.permissions.to_json()),
    ]
}

/// The same members as one object.
pub fn identity_json(identity: &Identity) -> Json {
    Json::Object(identity_members(identity))
}

//! The whole decision pipeline for one person and one command (design.md "The decision pipeline"):
//! who → which cloud policy → effective requirements → effective settings → command rules →
//! shell splitting → heuristics → outcome, each step kept as data so the answer explains itself.
//!
//! [`Evaluator`] prepares a workspace once (rules files, and per selected policy and host the
//! composed requirements and the command policy, cached) so a grid of many users × commands
//! only pays for what differs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::approval::{self, ApprovalContext, CommandAssessment, Escalation};
use crate::decision::Decision;
use crate::diagnostic::{Diagnostic, Severity};
use crate::heuristics::HeuristicsVersion;
use crate::json::Json;
use crate::paths::PathContext;
use crate::policy::{MatchOptions, Policy};
use crate::requirements::constraints::Constraints;
use crate::requirements::json::requirements_json;
use crate::requirements::layers::{ComposedRequirements, LayerOptions, MergeMode, compose};
use crate::requirements::settings::{
    EffectiveSettings, UserConfig, build_constraints, resolve_with_constraints, settings_json,
};
use crate::requirements_rules::validate_and_convert;
use crate::starlark::{RulesFile, load_rules_files};
use crate::workspace::file::{RulesFileSpec, Workspace};
use crate::workspace::internet::{InternetDecision, check_internet, internet_json};
use crate::workspace::rbac::{Identity, identity_members};
use crate::workspace::selection::{PolicySelection, policy_json};

/// What to simulate against a workspace.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// The user's email (looked up in the workspace's groups).
    pub user: Option<String>,
    /// Explicit group membership instead of an email lookup.
    pub groups: Option<Vec<String>>,
    /// The command Codex was asked to run.
    pub argv: Vec<String>,
    /// The user's explicit configuration (`config.toml`, profile, `-c`).
    pub config: UserConfig,
    /// The machine's host name, for `remote_sandbox_config`.
    pub host: Option<String>,
    /// Whether the tool call asked to run outside the sandbox or with more permissions.
    pub escalation: Escalation,
    /// The prefix rule the model suggested for "don't ask again", if any.
    pub suggested_prefix_rule: Option<Vec<String>>,
    /// Working and home directory.
    pub paths: PathContext,
    /// A cloud-agent internet request to check: `(METHOD, URL)`.
    pub internet: Option<(String, String)>,
}

/// Which Codex generation to follow where versions differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExplainOptions {
    /// Requirements layer merge (V1 per field, the released default; or V2 deep merge).
    pub merge_mode: MergeMode,
    /// Known-safe / dangerous command lists.
    pub heuristics: HeuristicsVersion,
}

/// What Codex does in the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Runs without asking, outside the sandbox (an explicit `allow` rule, or no sandbox configured).
    RunUnsandboxed,
    /// Runs without asking, inside the sandbox.
    RunSandboxed,
    /// Asks the developer first.
    Ask,
    /// Refuses to run the command.
    Reject,
    /// The user may not use Codex local at all (RBAC).
    Denied,
    /// Codex refuses to start: the requirements cannot be loaded or applied.
    Error,
}

impl Outcome {
    /// Kebab-case name: `run-sandboxed`, `run-unsandboxed`, `ask`, `reject`, `denied`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::RunUnsandboxed => "run-unsandboxed",
            Outcome::RunSandboxed => "run-sandboxed",
            Outcome::Ask => "ask",
            Outcome::Reject => "reject",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }

    /// The outcome in plain words, for people.
    pub fn sentence(self) -> &'static str {
        match self {
            Outcome::RunUnsandboxed => "Codex runs this without asking, outside the sandbox",
            Outcome::RunSandboxed => "Codex runs this without asking, inside the sandbox",
            Outcome::Ask => "Codex asks before running this",
            Outcome::Reject => "Codex refuses to run this",
            Outcome::Denied => "This person cannot use Codex on their computer",
            Outcome::Error => "Codex refuses to start with these requirements",
        }
    }

    /// Every outcome, most permissive first.
    pub const ALL: [Outcome; 6] = [
        Outcome::RunUnsandboxed,
        Outcome::RunSandboxed,
        Outcome::Ask,
        Outcome::Reject,
        Outcome::Denied,
        Outcome::Error,
    ];
}

impl From<approval::Outcome> for Outcome {
    fn from(outcome: approval::Outcome) -> Self {
        match outcome {
            approval::Outcome::RunUnsandboxed => Outcome::RunUnsandboxed,
            approval::Outcome::RunSandboxed => Outcome::RunSandboxed,
            approval::Outcome::Ask => Outcome::Ask,
            approval::Outcome::Reject => Outcome::Reject,
        }
    }
}

/// The file rules of a workspace, loaded once: system → user → trusted project files.
#[derive(Debug, Clone, Default)]
pub struct FileRules {
    /// The loaded policy (empty when there are no files or they failed to load).
    pub policy: Policy,
    /// Names of the files loaded, in load order.
    pub loaded: Vec<String>,
    /// Project files skipped because their project is not trusted.
    pub untrusted: Vec<String>,
    /// Codex's warning when the files failed to parse (file rules dropped, requirements rules kept).
    pub warning: Option<Diagnostic>,
}

impl FileRules {
    /// Loads the workspace's rules files in Codex's layer order (spec §3.1.1).
    pub fn load(workspace: &Workspace, paths: &PathContext) -> Self {
        let mut out = FileRules::default();
        let layers = [&workspace.rules.system, &workspace.rules.user, &workspace.rules.project];
        let mut files: Vec<&RulesFileSpec> = Vec::new();
        for (index, layer) in layers.iter().enumerate() {
            for spec in *layer {
                // Only project layers need trust (index 2); system and user rules always load.
                if index == 2 && !spec.trusted {
                    out.untrusted.push(spec.name.clone());
                } else {
                    files.push(spec);
                }
            }
        }
        let sources: Vec<RulesFile<'_>> =
            files.iter().filter_map(|s| s.text.as_deref().map(|text| RulesFile { name: &s.name, text })).collect();
        out.loaded = sources.iter().map(|f| f.name.to_owned()).collect();
        match load_rules_files(&sources, paths) {
            Ok(policy) => out.policy = policy,
            Err(error) => {
                let mut warning = error.diagnostic.clone();
                warning.severity = Severity::Warning;
                warning.code = "rules/file-rules-dropped";
                error.codex_warning().clone_into(&mut warning.message);
                warning.help =
                    Some("Codex ignores every .rules file until this one loads; requirements rules still apply".into());
                out.warning = Some(warning);
            }
        }
        out
    }
}

/// Everything that depends only on the selected policy and the host: cached per pair.
#[derive(Debug)]
pub struct PolicyContext {
    /// The composed requirements layers.
    pub composed: ComposedRequirements,
    /// File rules with the requirements `[rules]` appended.
    pub command_policy: Policy,
    /// The constraints of `composed` (independent of the user's config; building them validates
    /// and converts every requirements rule), or Codex's fatal error. Their converted rules are
    /// moved into `command_policy`.
    constraints: Result<Constraints, Diagnostic>,
    /// Settings per user config, which a grid or a diff would otherwise resolve once per cell.
    settings: RefCell<Vec<(UserConfig, Result<EffectiveSettings, Diagnostic>)>>,
}

impl PolicyContext {
    /// [`crate::requirements::settings::resolve_settings`] for `config` (the settings only),
    /// remembered per config.
    pub fn settings_for(&self, config: &UserConfig) -> Result<EffectiveSettings, Diagnostic> {
        if let Some((_, found)) = self.settings.borrow().iter().find(|(c, _)| c == config) {
            return found.clone();
        }
        let resolved = match &self.constraints {
            Ok(constraints) => resolve_with_constraints(&self.composed, constraints, config),
            Err(fatal) => Err(fatal.clone()),
        };
        let mut cache = self.settings.borrow_mut();
        // A handful of configs per context in practice; keep the memory bounded anyway.
        if cache.len() >= 16 {
            cache.clear();
        }
        cache.push((config.clone(), resolved.clone()));
        resolved
    }
}

/// A prepared workspace: evaluate many scenarios against it.
#[derive(Debug)]
pub struct Evaluator<'w> {
    workspace: &'w Workspace,
    options: ExplainOptions,
    file_rules: FileRules,
    cache: PolicyCache,
}

/// Composed requirements and command policy per (selected policy, host).
type PolicyCache = RefCell<HashMap<(Option<String>, Option<String>), Rc<PolicyContext>>>;

/// The full answer for one scenario.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// Who the user is: groups, roles, permissions.
    pub identity: Identity,
    /// Which cloud policy applies and why.
    pub policy: PolicySelection,
    /// Composed requirements and the command policy (absent when the user is denied).
    pub context: Option<Rc<PolicyContext>>,
    /// Effective settings (absent when denied or when Codex refuses to start).
    pub settings: Option<EffectiveSettings>,
    /// The command's assessment (absent when denied or on a fatal error).
    pub command: Option<CommandAssessment>,
    /// What Codex does.
    pub outcome: Outcome,
    /// The exec-policy decision over all matches (rules and heuristics).
    pub decision: Option<Decision>,
    /// The text the developer sees (rejection or approval reason, 403, fatal error).
    pub reason: Option<String>,
    /// The cloud-agent internet request's verdict, when one was asked.
    pub internet: Option<InternetDecision>,
    /// Startup warnings, dropped rules files, fatal errors.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'w> Evaluator<'w> {
    /// Prepares `workspace`: loads its rules files once (with `paths` for `~/` in `host_executable`).
    #[expect(clippy::needless_pass_by_value, reason = "callers build the context inline; by value keeps them short")]
    pub fn new(workspace: &'w Workspace, options: ExplainOptions, paths: PathContext) -> Self {
        let file_rules = FileRules::load(workspace, &paths);
        Self { workspace, options, file_rules, cache: RefCell::new(HashMap::new()) }
    }

    /// The workspace being evaluated.
    pub fn workspace(&self) -> &'w Workspace {
        self.workspace
    }

    /// The loaded rules files.
    pub fn file_rules(&self) -> &FileRules {
        &self.file_rules
    }

    /// The composed requirements and command policy for a selected policy on `host` (cached).
    pub fn policy_context(&self, selection: &PolicySelection, host: Option<&str>) -> Rc<PolicyContext> {
        let key = (selection.name.clone(), host.map(str::to_owned));
        if let Some(found) = self.cache.borrow().get(&key) {
            return Rc::clone(found);
        }
        let mut layers = self.workspace.local_layers();
        if let Some(cloud) = self.workspace.cloud_layer(selection) {
            layers.push(cloud);
        }
        let options = LayerOptions { mode: self.options.merge_mode, host: key.1.clone(), ..LayerOptions::default() };
        let composed = compose(&layers, &options);
        let mut constraints = build_constraints(&composed);
        let mut command_policy = self.file_rules.policy.clone();
        // Invalid `[rules]` make Codex refuse to start (the constraints carry that error); the
        // rules are still shown when another requirement is what fails.
        let converted = match &mut constraints {
            // Moved, not copied: resolving settings never reads the converted rules.
            Ok(c) => c.exec_policy.take().map(|(rules, _)| rules),
            Err(_) => composed
                .requirements
                .as_ref()
                .and_then(|r| r.rules.as_ref())
                .and_then(|rules| validate_and_convert(&rules.value, &rules.source.label()).ok()),
        };
        // Appending each rule is the overlay of a policy holding only them (per program, after
        // the file rules, in order), without indexing them twice.
        for rule in converted.into_iter().flatten() {
            command_policy.add_rule(rule);
        }
        let context = Rc::new(PolicyContext { composed, command_policy, constraints, settings: RefCell::default() });
        self.cache.borrow_mut().insert(key, Rc::clone(&context));
        context
    }

    /// Who the scenario's person is and which cloud policy they get: the only part of
    /// [`Evaluator::explain`] that depends on the person. Two people with the same selected policy
    /// and the same `denied()` get the same command outcomes (the grid relies on this).
    pub fn identify(&self, scenario: &Scenario) -> (Identity, PolicySelection) {
        let identity = match (&scenario.user, &scenario.groups) {
            (_, Some(groups)) => self.workspace.identify_groups(groups),
            (Some(email), None) => self.workspace.identify_user(email),
            (None, None) => self.workspace.identify_groups(&[]),
        };
        let policy = self.workspace.select_policy(&identity.groups);
        (identity, policy)
    }

    /// Runs the pipeline for one scenario.
    pub fn explain(&self, scenario: &Scenario) -> Explanation {
        let (identity, policy) = self.identify(scenario);
        self.explain_identified(identity, policy, scenario)
    }

    /// Runs the pipeline for one scenario whose person [`Evaluator::identify`] already resolved.
    pub fn explain_identified(&self, identity: Identity, policy: PolicySelection, scenario: &Scenario) -> Explanation {
        let internet = scenario
            .internet
            .as_ref()
            .map(|(method, url)| check_internet(self.workspace.internet.as_ref(), &identity.permissions, method, url));
        let mut explanation = Explanation {
            identity,
            policy,
            context: None,
            settings: None,
            command: None,
            outcome: Outcome::Denied,
            decision: None,
            reason: None,
            internet,
            diagnostics: Vec::new(),
        };
        if let Some(denied) = explanation.identity.denied() {
            explanation.reason = Some(denied.to_owned());
            return explanation;
        }
        let context = self.policy_context(&explanation.policy, scenario.host.as_deref());
        explanation.diagnostics.extend(context.composed.diagnostics.iter().cloned());
        explanation.diagnostics.extend(self.file_rules.warning.iter().cloned());
        explanation.context = Some(Rc::clone(&context));
        if let Some(fatal) = context.composed.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            explanation.outcome = Outcome::Error;
            explanation.reason = Some(fatal.message.clone());
            return explanation;
        }
        let settings = match context.settings_for(&scenario.config) {
            Ok(settings) => settings,
            Err(fatal) => {
                explanation.outcome = Outcome::Error;
                explanation.reason = Some(fatal.message.clone());
                explanation.diagnostics.push(fatal);
                return explanation;
            }
        };
        explanation.diagnostics.extend(
            settings
                .startup_warnings
                .iter()
                .map(|w| Diagnostic::warning("settings/startup-warning", w.clone()).in_source("config")),
        );
        let approval_context = ApprovalContext {
            approval_policy: settings.approval_policy.value,
            sandbox_mode: settings.sandbox_mode.value,
            escalation: scenario.escalation,
            suggested_prefix_rule: scenario.suggested_prefix_rule.clone(),
            heuristics: self.options.heuristics,
            match_options: MatchOptions { resolve_host_executables: true, paths: scenario.paths.clone() },
        };
        let assessment = approval::assess_command(&context.command_policy, &scenario.argv, &approval_context);
        explanation.outcome = assessment.outcome.into();
        explanation.decision = Some(assessment.decision);
        explanation.reason = assessment.reason().map(str::to_owned);
        explanation.settings = Some(settings);
        explanation.command = Some(assessment);
        explanation
    }
}

/// `codex-policy explain --json` (design.md): `user`, `groups`, `roles`, `surfaces`, `policy`,
/// `requirements`, `settings`, `commands`, `decision`, `outcome`, `reason`, `amendment`, plus the
/// trace details (`split`, `bypassSandbox`, `internet`, `diagnostics`).
pub fn explanation_json(e: &Explanation) -> Json {
    let mut out = Json::Object(identity_members(&e.identity));
    out.push("policy", policy_json(&e.policy));
    out.push(
        "requirements",
        e.context.as_ref().and_then(|c| c.composed.requirements.as_ref()).map_or_else(Json::object, requirements_json),
    );
    out.push("settings", e.settings.as_ref().map_or_else(Json::object, settings_json));
    match &e.command {
        Some(assessment) => {
            out.push("commands", assessment.commands_json());
            out.push("split", assessment.split_json());
        }
        None => out.push("commands", Json::Array(Vec::new())),
    }
    out.push("decision", e.decision.map_or(Json::Null, |d| Json::from(d.as_str())));
    out.push("outcome", e.outcome.as_str());
    out.push("outcomeText", e.outcome.sentence());
    out.push("reason", e.reason.as_deref().map_or(Json::Null, Json::from));
    out.push(
        "amendment",
        e.command.as_ref().and_then(CommandAssessment::amendment).map_or(Json::Null, |a| Json::from(a.to_vec())),
    );
    if let Some(assessment) = &e.command {
        out.push("bypassSandbox", assessment.bypass_sandbox());
    }
    if let Some(internet) = &e.internet {
        out.push("internet", internet_json(internet));
    }
    out.push(
        "diagnostics",
        Json::Array(
            e.diagnostics
                .iter()
                .map(|d| {
                    Json::object()
                        .with("severity", d.severity.as_str())
                        .with("code", d.code)
                        .with("message", d.message.as_str())
                        .with("source", d.source.as_str())
                })
                .collect(),
        ),
    );
    out
}

/// A workspace for questions about loose files (design.md, `explain` without `--workspace`): the
/// user has Codex local, there is no cloud policy, each requirements document is a system layer
/// (labelled with its name, as Codex labels `/etc/codex/requirements.toml` with its path) and
/// each rules file is a user rules file.
pub fn loose_workspace(requirements: &[RulesFile<'_>], rules: &[RulesFile<'_>]) -> Workspace {
    use crate::requirements::layers::LayerKind;
    use crate::workspace::file::{LayerSpec, Named, Role, TextOrigin};
    use crate::workspace::rbac::Permissions;

    let role = "Member";
    Workspace {
        name: Some("loose files".to_owned()),
        default_role: Some(Named { name: role.to_owned(), span: crate::Span::default() }),
        roles: vec![Role {
            name: role.to_owned(),
            span: crate::Span::default(),
            permissions: Permissions { codex_local: true, ..Permissions::default() },
        }],
        layers: requirements
            .iter()
            .map(|f| LayerSpec {
                kind: LayerKind::System,
                path: Some(f.name.to_owned()),
                text: Some(f.text.to_owned()),
                origin: TextOrigin::File { path: f.name.to_owned() },
                span: crate::Span::default(),
            })
            .collect(),
        rules: crate::workspace::file::WorkspaceRules {
            user: rules
                .iter()
                .map(|f| RulesFileSpec {
                    name: f.name.to_owned(),
                    text: Some(f.text.to_owned()),
                    trusted: true,
                    span: crate::Span::default(),
                })
                .collect(),
            ..Default::default()
        },
        ..Workspace::default()
    }
}

/// A place in a source text, resolved for display: which document, and its text.
#[derive(Debug, Clone, Copy)]
pub struct SourceRef<'a> {
    /// What to call it (policy name, layer path, rules file name).
    pub name: &'a str,
    /// The text a span points into.
    pub text: &'a str,
}

impl Explanation {
    /// The text a rule origin's span points into: rules files by name, requirements rules by
    /// their layer label (`cloud requirements` is the selected policy's document).
    pub fn origin_source<'w>(&self, workspace: &'w Workspace, origin_source: &str) -> Option<SourceRef<'w>> {
        let spec = |s: &'w RulesFileSpec| s.text.as_deref().map(|text| SourceRef { name: &s.name, text });
        let rules = &workspace.rules;
        if let Some(found) = rules
            .system
            .iter()
            .chain(&rules.user)
            .chain(&rules.project)
            .find(|s| s.name == origin_source)
            .and_then(spec)
        {
            return Some(found);
        }
        if origin_source == crate::requirements::RequirementSource::Cloud.label() {
            let policy = workspace.policy(self.policy.name.as_deref()?)?;
            return policy.text.as_deref().map(|text| SourceRef { name: &policy.name, text });
        }
        workspace.layers.iter().find_map(|layer| {
            let input = layer.to_input()?;
            (input.source.label() == origin_source).then_some(()).and(
                layer.text.as_deref().map(|text| SourceRef { name: layer.path.as_deref().unwrap_or("layer"), text }),
            )
        })
    }
}

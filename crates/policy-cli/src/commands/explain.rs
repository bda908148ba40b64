//! `codex-policy explain`: the whole pipeline for one person and one command, as a readable trace
//! or as JSON (design.md "CLI contract").

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_engine::LineIndex;
use policy_engine::analysis::diff::{NO_GROUP, parse_commands};
use policy_engine::analysis::grid::{GridRow, grid};
use policy_engine::approval::Escalation;
use policy_engine::config::{apply_override, user_config_from_table};
use policy_engine::explain::{Evaluator, ExplainOptions, Explanation, Scenario, explanation_json, loose_workspace};
use policy_engine::heuristics::HeuristicsVersion;
use policy_engine::requirements::MergeMode;
use policy_engine::starlark::RulesFile;
use policy_engine::workspace::Workspace;
use policy_engine::workspace::internet::parse_request;

use crate::input::{PathArgs, SourceFile, load_workspace, read_source, render_diagnostic};

/// Flags of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The simulated workspace (groups, roles, policies, layers, rules files).
    #[arg(long, value_name = "W.toml")]
    workspace: Option<PathBuf>,
    /// The user, by email (looked up in the workspace's groups).
    #[arg(long, value_name = "EMAIL", conflicts_with = "group")]
    user: Option<String>,
    /// Simulate membership of these groups instead of looking up a user (repeatable).
    #[arg(long, value_name = "GROUP")]
    group: Vec<String>,
    /// A `.rules` file added as a user rules file (repeatable).
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// A requirements.toml added as a system layer (repeatable).
    #[arg(long, value_name = "FILE")]
    requirements: Vec<PathBuf>,
    /// The user's own config value, as `codex -c KEY=VALUE` (VALUE is TOML when it parses).
    #[arg(long = "config", short = 'c', value_name = "KEY=VALUE")]
    config: Vec<String>,
    /// The machine's host name (for `remote_sandbox_config`).
    #[arg(long, value_name = "HOST")]
    host: Option<String>,
    /// The tool call asks to run outside the sandbox (`require_escalated`).
    #[arg(long)]
    escalate: bool,
    /// The model's suggested "don't ask again" prefix, space-separated.
    #[arg(long, value_name = "PREFIX")]
    suggest: Option<String>,
    /// Check a cloud-agent internet request: `"GET https://host/path"`.
    #[arg(long, value_name = "METHOD URL")]
    internet: Option<String>,
    /// Requirements merge: `v1` (released, per field) or `v2` (newest, deep merge).
    #[arg(long, default_value = "v1", value_parser = ["v1", "v2"])]
    merge: String,
    /// Dangerous-command list: `released` or `newest`.
    #[arg(long, default_value = "released", value_parser = ["released", "newest"])]
    heuristics: String,
    /// Working and home directory.
    #[command(flatten)]
    paths: PathArgs,
    /// Print JSON instead of the readable trace.
    #[arg(long)]
    json: bool,
    /// Print the users × commands grid instead: FILE holds one command line per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Grid rows: every user of the workspace (plus "no group"), or every group.
    #[arg(long, default_value = "users", value_parser = ["users", "groups"], requires = "grid")]
    rows: String,
    /// Grid output format.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "csv", "json"], requires = "grid")]
    format: String,
    /// The command (argv); a single argument with spaces is split with POSIX shell rules.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// Every user of the workspace in file order (plus someone in no group), or every group.
fn grid_rows(workspace: &Workspace, rows: &str) -> Vec<GridRow> {
    if rows == "groups" {
        return workspace.groups.iter().map(|g| GridRow::Groups(vec![g.name.clone()])).collect();
    }
    let mut users: Vec<String> = Vec::new();
    for member in workspace.groups.iter().flat_map(|g| &g.members) {
        if !users.contains(member) {
            users.push(member.clone());
        }
    }
    let mut out: Vec<GridRow> = users.into_iter().map(GridRow::User).collect();
    out.push(GridRow::User(NO_GROUP.to_owned()));
    out
}

fn as_files(files: &[SourceFile]) -> Vec<RulesFile<'_>> {
    files.iter().map(|f| RulesFile { name: &f.name, text: &f.text }).collect()
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> Result<ExitCode, String> {
    let requirements =
        args.requirements.iter().map(|p| read_source(p, "requirements")).collect::<Result<Vec<_>, _>>()?;
    let rules = args.rules.iter().map(|p| read_source(p, "policy")).collect::<Result<Vec<_>, _>>()?;
    let (mut workspace, mut sources, mut notes) = match &args.workspace {
        Some(path) => {
            let loaded = load_workspace(path)?;
            (loaded.workspace, loaded.sources, loaded.diagnostics)
        }
        None => (Workspace::default(), Vec::new(), Vec::new()),
    };
    let extra = loose_workspace(&as_files(&requirements), &as_files(&rules));
    if args.workspace.is_none() {
        workspace = extra;
    } else {
        workspace.layers.extend(extra.layers);
        workspace.rules.user.extend(extra.rules.user);
    }
    sources.extend(requirements);
    sources.extend(rules);
    notes.retain(|d| d.severity == policy_engine::Severity::Error);

    let mut table = policy_engine::tomlread::Table::new();
    for assignment in &args.config {
        apply_override(&mut table, assignment)?;
    }
    let user_config = user_config_from_table(&table).map_err(|e| format!("--config: {e}"))?;
    let argv = match args.command.as_slice() {
        [single] if single.contains(char::is_whitespace) => {
            shlex::split(single).ok_or_else(|| format!("cannot split the command `{single}`: unbalanced quotes"))?
        }
        other => other.to_vec(),
    };
    if argv.is_empty() && args.grid.is_none() {
        return Err("the following required arguments were not provided: <COMMAND>...".into());
    }
    let internet = match &args.internet {
        Some(request) => Some(parse_request(request).ok_or("--internet expects `METHOD URL`")?),
        None => None,
    };
    let paths = args.paths.context();
    let options = ExplainOptions {
        // clap accepts only the two spellings of each.
        merge_mode: MergeMode::parse(&args.merge).unwrap_or_default(),
        heuristics: HeuristicsVersion::parse(&args.heuristics).unwrap_or_default(),
    };
    let scenario = Scenario {
        user: args.user.clone(),
        groups: (!args.group.is_empty()).then(|| args.group.clone()),
        argv,
        config: user_config,
        host: args.host.clone(),
        escalation: if args.escalate { Escalation::RequireEscalated } else { Escalation::None },
        suggested_prefix_rule: args.suggest.as_deref().map(|s| s.split_whitespace().map(str::to_owned).collect()),
        paths: paths.clone(),
        internet,
    };
    let evaluator = Evaluator::new(&workspace, options, paths);
    if let Some(path) = &args.grid {
        let file = read_source(path, "commands")?;
        let commands = parse_commands(&file.text, &file.name).map_err(|d| render_diagnostic(&d, &[&file]))?;
        let rows = grid_rows(&workspace, &args.rows);
        let grid = grid(&evaluator, &rows, &commands, &scenario);
        let rendered = match args.format.as_str() {
            "csv" => grid.to_csv(),
            "json" => grid.to_json().to_pretty() + "\n",
            _ => grid.to_markdown(),
        };
        crate::input::print_stdout(&rendered);
        return Ok(ExitCode::SUCCESS);
    }
    let explanation = evaluator.explain(&scenario);
    if args.json {
        crate::input::print_stdout(&format!("{}\n", explanation_json(&explanation).to_pretty()));
    } else {
        crate::input::print_stdout(&render_text(&explanation, &workspace, &scenario, &sources));
    }
    for note in notes {
        crate::input::print_stderr(&format!(
            "warning: {}",
            render_diagnostic(&note, &sources.iter().collect::<Vec<_>>())
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The readable trace: outcome first, then who, which policy, settings, command, rules, reason.
pub fn render_text(e: &Explanation, workspace: &Workspace, scenario: &Scenario, sources: &[SourceFile]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, label: &str, text: &str| {
        let _ = writeln!(out, "{label:<10}{text}");
    };
    line(&mut out, "outcome", &format!("{} — {}", e.outcome.as_str(), e.outcome.sentence()));
    if let Some(reason) = &e.reason {
        line(&mut out, "message", reason);
    }
    let who = e.identity.user.clone().unwrap_or_else(|| "(by groups)".to_owned());
    line(
        &mut out,
        "user",
        &format!("{who}  groups: [{}]  roles: [{}]", e.identity.groups.join(", "), e.identity.roles.join(", ")),
    );
    let policy = match (&e.policy.name, e.policy.via.label()) {
        (Some(name), Some(via)) => format!("{name}  (via {via})"),
        _ => "none — no group rule matched and there is no default policy".to_owned(),
    };
    line(&mut out, "policy", &policy);
    if let Some(settings) = &e.settings {
        line(
            &mut out,
            "settings",
            &format!(
                "approval_policy={} ({})  sandbox_mode={} ({})",
                settings.approval_policy.value.as_str(),
                settings.approval_policy.source.label(),
                settings.sandbox_mode.value.as_str(),
                settings.sandbox_mode.source.label()
            ),
        );
        if let Some(profile) = &settings.permission_profile {
            line(&mut out, "", &format!("default_permissions={} ({})", profile.value, profile.source.label()));
        }
    }
    if let Some(assessment) = &e.command {
        line(&mut out, "command", &policy_engine::shell::render_command(&scenario.argv));
        line(&mut out, "split", &assessment.split.explanation.to_string());
        for command in &assessment.commands {
            for m in &command.prefix_matches {
                let place = m.origin.as_ref().map_or_else(String::new, |o| {
                    let fallback = (o.source.to_string(), None);
                    let (name, text) = e
                        .origin_source(workspace, &o.source)
                        .map(|s| (s.name.to_owned(), Some(s.text)))
                        .or_else(|| {
                            sources
                                .iter()
                                .find(|f| f.name == *o.source)
                                .map(|f| (f.name.clone(), Some(f.text.as_str())))
                        })
                        .unwrap_or(fallback);
                    match text {
                        Some(text) => format!("{name}:{}", LineIndex::new(text).line_col(o.span.start).0),
                        None => name,
                    }
                });
                let justification = m.justification.as_deref().map_or_else(String::new, |j| format!(" — {j}"));
                line(
                    &mut out,
                    "rule",
                    &format!("[{}] {} at {place}{justification}", m.matched_prefix.join(", "), m.decision.as_str()),
                );
            }
            if let Some(h) = &command.heuristics {
                line(&mut out, "heuristic", &format!("[{}] {}", command.argv.join(", "), h.decision.as_str()));
            }
        }
        line(&mut out, "decision", assessment.decision.as_str());
        if let Some(amendment) = assessment.amendment() {
            line(
                &mut out,
                "amendment",
                &format!("don't ask again for commands starting with `{}`", amendment.join(" ")),
            );
        }
    }
    if let Some(internet) = &e.internet {
        line(
            &mut out,
            "internet",
            &format!("{} — {}", if internet.allowed { "allowed" } else { "blocked" }, internet.reason),
        );
    }
    for d in &e.diagnostics {
        line(&mut out, d.severity.as_str(), &d.message);
    }
    out
}

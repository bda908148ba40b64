//! Workspace unit tests: the acme example end to end, and a never-panics property test.

use proptest::prelude::*;

use super::*;

const ACME: &str = include_str!("../../../../examples/acme/workspace.toml");

fn acme_resolve(path: &str) -> Result<String, String> {
    match path {
        "baseline.requirements.toml" => Ok(include_str!("../../../../examples/acme/baseline.requirements.toml").into()),
        "contractors.requirements.toml" => {
            Ok(include_str!("../../../../examples/acme/contractors.requirements.toml").into())
        }
        "platform.requirements.toml" => Ok(include_str!("../../../../examples/acme/platform.requirements.toml").into()),
        "team.rules" => Ok(include_str!("../../../../examples/acme/team.rules").into()),
        other => Err(format!("no such file `{other}`")),
    }
}

#[test]
fn acme_parses_cleanly_and_selects_by_order() {
    let parsed = parse_workspace(ACME, "workspace.toml", &acme_resolve);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let Some(ws) = parsed.workspace else { return };
    let kim = ws.identify_user("kim@acme.example");
    assert_eq!(kim.groups, ["Engineering", "Contractors"]);
    let selection = ws.select_policy(&kim.groups);
    assert_eq!(selection.name.as_deref(), Some("contractors"));
    assert_eq!(selection.via, PolicyVia::Group("Contractors".into()));
    let tia = ws.identify_user("tia@acme.example");
    assert_eq!(tia.denied(), Some(DENIED_MESSAGE));
}

#[test]
fn unknown_key_is_an_error_with_a_span() {
    let parsed = parse_workspace("[workspace]\nnmae = \"x\"\n", "w.toml", &|_| Err("none".into()));
    assert!(parsed.workspace.is_none());
    let d = parsed.diagnostics.first().cloned().unwrap_or_else(|| crate::Diagnostic::error("x", "missing"));
    assert!(d.message.contains("unknown field `nmae`"), "{}", d.message);
    assert_eq!(d.render_line("[workspace]\nnmae = \"x\"\n"), "w.toml:2:1: ".to_owned() + &d.message);
}

fn mutate(text: &str, cuts: &[(usize, usize, String)]) -> String {
    let mut out = text.to_owned();
    for (at, len, insert) in cuts {
        let mut start = (*at).min(out.len());
        while !out.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.replace_range(start..end, insert);
    }
    out
}

proptest! {
    #[test]
    fn parsing_any_text_never_panics(text in ".{0,400}") {
        let parsed = parse_workspace(&text, "w.toml", &acme_resolve);
        if let Some(ws) = parsed.workspace {
            let _ = lint::lint_workspace(&ws, "w.toml");
        }
        let _ = crate::requirements::lint::lint_requirements(&text, "r.toml");
    }

    #[test]
    fn parsing_mutated_acme_never_panics(
        cuts in proptest::collection::vec((0usize..2600, 0usize..40, "[a-z\\[\\]\"'=.{}, \n]{0,12}"), 1..6)
    ) {
        let text = mutate(ACME, &cuts);
        let parsed = parse_workspace(&text, "w.toml", &acme_resolve);
        if let Some(ws) = parsed.workspace {
            for email in ["ana@acme.example", "kim@acme.example", "nobody@x"] {
                let id = ws.identify_user(email);
                let sel = ws.select_policy(&id.groups);
                let _ = policy_json(&sel);
                let _ = check_internet(ws.internet.as_ref(), &id.permissions, "GET", "https://crates.io/x");
            }
            let _ = lint::lint_workspace(&ws, "w.toml");
        }
    }

    #[test]
    fn composing_mutated_requirements_never_panics(
        cuts in proptest::collection::vec((0usize..900, 0usize..30, "[a-z_\\[\\]\"'=.{}, \n-]{0,12}"), 1..5)
    ) {
        use crate::requirements::{LayerInput, LayerOptions, MergeMode, compose, resolve_settings, UserConfig};
        let base = include_str!("../../../../examples/acme/platform.requirements.toml");
        let text = mutate(base, &cuts);
        for mode in [MergeMode::PerField, MergeMode::DeepMerge] {
            let layers = [LayerInput::cloud(text.clone()), LayerInput::system(None, text.clone())];
            let options = LayerOptions { mode, host: Some("build-1.acme.example".into()), windows: false, explicit_order: false };
            let composed = compose(&layers, &options);
            let _ = resolve_settings(&composed, &UserConfig::default());
        }
    }
}

#[test]
fn grid_rows_sharing_a_policy_equal_their_own_explanations() {
    use crate::analysis::diff::{NO_GROUP, all_users};
    use crate::analysis::grid::{GridRow, grid};
    use crate::explain::{Evaluator, ExplainOptions, Scenario};
    let parsed = parse_workspace(ACME, "workspace.toml", &acme_resolve);
    let Some(ws) = parsed.workspace else { panic!("{:?}", parsed.diagnostics) };
    let ev = Evaluator::new(&ws, ExplainOptions::default(), crate::PathContext::default());
    let mut rows: Vec<GridRow> = all_users(&[&ws]).into_iter().map(GridRow::User).collect();
    rows.extend(ws.groups.iter().map(|g| GridRow::Groups(vec![g.name.clone()])));
    rows.push(GridRow::Groups(Vec::new()));
    let commands: Vec<Vec<String>> = ["git push origin main", "git status", "rm -rf /", "cargo test", "curl x | sh"]
        .iter()
        .map(|c| c.split(' ').map(str::to_owned).collect())
        .collect();
    let g = grid(&ev, &rows, &commands, &Scenario::default());
    assert!(rows.len() > 8 && g.cells.len() == rows.len());
    let mut outcomes = std::collections::BTreeSet::new();
    for (row, cells) in rows.iter().zip(&g.cells) {
        for (argv, cell) in commands.iter().zip(cells.iter()) {
            let mut scenario = Scenario { argv: argv.clone(), ..Scenario::default() };
            match row {
                GridRow::User(u) if u == NO_GROUP => scenario.groups = Some(Vec::new()),
                GridRow::User(u) => scenario.user = Some(u.clone()),
                GridRow::Groups(gs) => scenario.groups = Some(gs.clone()),
            }
            let e = ev.explain(&scenario);
            assert_eq!(
                (cell.outcome, cell.decision, cell.policy.as_deref(), cell.reason.as_deref()),
                (e.outcome, e.decision, e.policy.name.as_deref(), e.reason.as_deref()),
                "{} × {argv:?}",
                row.label()
            );
            outcomes.insert(cell.outcome.as_str());
        }
    }
    // The acme grid mixes outcomes (denied, rejected, prompted, run), so sharing is really exercised.
    assert!(outcomes.len() >= 3, "{outcomes:?}");
}

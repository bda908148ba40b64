//! Native render tests: the whole page rendered to HTML through `LocalServerRenderer`.

use super::*;

fn render(props: AppProps) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, yew::LocalServerRenderer::<App>::with_props(props).hydratable(false).render())
}

/// The text of the first leaf element carrying `data-testid="{testid}"`.
fn text_of(html: &str, testid: &str) -> String {
    let marker = format!(r#"data-testid="{testid}""#);
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {marker} in {html}"));
    let rest = &html[at..];
    let open = rest.find('>').expect("tag end") + 1;
    let close = rest[open..].find('<').expect("closing tag");
    rest[open..open + close].to_owned()
}

fn with_example(id: &str) -> AppProps {
    let example = examples::find(id).expect("example");
    AppProps { initial: Rc::new(example.project()), view: start_view(example), ..AppProps::default() }
}

#[test]
fn first_visit_shows_acme_already_evaluated() {
    let html = render(AppProps::default());
    assert_eq!(text_of(&html, "outcome"), "Codex refuses to run this");
    assert_eq!(text_of(&html, "decision"), "forbidden");
    assert_eq!(text_of(&html, "policy-name"), "contractors");
    assert!(html.contains("Contractors open changes through the vendor portal."), "{html}");
    assert!(html.contains(">contractors.requirements.toml:9:3</button>"), "{html}");
    assert!(html.contains(&format!(r#"<span class="muted">Follows </span>{}</p>"#, policy_engine::CODEX_BEHAVIOUR)));
    assert!(html.contains(r#"role="status" aria-live="polite""#), "{html}");
    assert!(html.contains(r#"data-testid="workspace-form""#), "the overview opens first");
    assert!(html.contains(r#"data-testid="scenario-user""#) && html.contains(r#"value="kim@acme.example""#));
    assert_eq!(html.matches(r#"data-testid="policy-rule""#).count(), 3);
}

#[test]
fn every_example_renders_in_its_start_view() {
    for e in examples::EXAMPLES {
        let html = render(with_example(e.id));
        assert!(
            html.contains(r#"data-testid="outcome""#)
                || html.contains(r#"data-testid="grid""#)
                || html.contains(r#"data-testid="diff""#),
            "{}",
            e.id
        );
    }
    let grid = render(with_example("first-match"));
    assert!(grid.contains(r#"data-testid="grid""#));
    assert_eq!(grid.matches(r#"data-testid="grid-cell""#).count(), 3 * 3, "sam, eli, (no group) × three commands");
    let diff = render(with_example("acme-change"));
    assert!(diff.contains(r#"data-testid="diff-summary""#), "{diff}");
    assert!(diff.contains("curl https://example.com"));
}

#[test]
fn the_seed_rollout_shows_codexs_refusal_with_a_fix() {
    let html = render(with_example("seed-standard-rollout"));
    assert_eq!(text_of(&html, "outcome"), "Codex refuses to start with these requirements");
    assert!(html.contains("must include &#x27;read-only&#x27;") || html.contains("must include 'read-only'"), "{html}");
    assert!(html.contains(r#"data-testid="fix""#), "{html}");
}

#[test]
fn hostile_text_is_rendered_as_text() {
    let mut p = examples::default_example().project();
    p.workspace = p.workspace.replace("name = \"Contractors\"", "name = \"<img src=x onerror=alert(1)>\"").into();
    p.workspace = p.workspace.replace("group = \"Contractors\"", "group = \"<img src=x onerror=alert(1)>\"").into();
    let html = render(AppProps { initial: Rc::new(p), ..AppProps::default() });
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn a_restored_draft_and_the_chosen_theme_are_visible() {
    let html = render(AppProps { restored: true, theme: Theme::Dark, ..AppProps::default() });
    assert!(text_of(&html, "notice").starts_with("Restored your draft from this browser."));
    assert!(html.contains(r#"<input checked type="radio" name="theme" id="theme-dark""#), "{html}");
}

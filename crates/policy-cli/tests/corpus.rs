//! Runs the shared corpus (`tests/cases`) against the built `codex-policy` binary.

use policy_tests::{cases_dir, kinds, load_cases};

#[test]
fn corpus_against_cli() {
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_codex-policy"));
    let cases = load_cases(&cases_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut ran = 0;
    let mut failures = Vec::new();
    for c in &cases {
        match kinds::run_cli(&c.case, &bin) {
            Ok(true) => ran += 1,
            Ok(false) => {}
            Err(e) => failures.push(format!("{}: {e}", c.label())),
        }
    }
    assert!(ran > 0, "no CLI-runnable cases found in {}", cases_dir().display());
    assert!(failures.is_empty(), "{} of {ran} CLI cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

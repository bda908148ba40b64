//! Runs every case in `tests/cases` against the engine in-process. The same cases run against the
//! `codex-policy` binary in `crates/policy-cli/tests/corpus.rs`.

use policy_tests::{cases_dir, kinds, load_cases};

fn report(failures: &[String], total: usize, what: &str) {
    assert!(total > 0, "no cases found in {}", cases_dir().display());
    assert!(failures.is_empty(), "{} of {total} {what} cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn corpus_against_engine() {
    let cases = load_cases(&cases_dir()).unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> =
        cases.iter().filter_map(|c| kinds::run_engine(&c.case).err().map(|e| format!("{}: {e}", c.label()))).collect();
    report(&failures, cases.len(), "engine");
}

//! The case corpus through the wasm32 build of the engine, in headless Chromium
//! (`wasm-bindgen-test-runner`; scripts/test.sh sets it up). Cases that read files from the
//! repository (a `workspace = "examples/…"`-style path) need a file system and run natively only.
#![cfg(target_arch = "wasm32")]

use std::path::Path;

use policy_tests::{EMBEDDED_CASES, kinds, parse_case_file};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Whether a case names a repository file (`examples/…`, `tests/fixtures/…`) that the browser cannot read.
fn reads_repository_files(fields: &toml::Table) -> bool {
    fields.iter().any(|(key, value)| {
        (key == "workspace" || key.ends_with("_workspace") || key == "baseline")
            && value.as_str().is_some_and(|path| path.starts_with("examples/") || path.starts_with("tests/"))
    })
}

#[wasm_bindgen_test]
fn corpus_through_wasm_in_the_browser() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (name, text) in EMBEDDED_CASES {
        let cases = parse_case_file(Path::new(name), text).unwrap_or_else(|e| panic!("{e}"));
        for c in cases {
            if reads_repository_files(&c.case.fields) {
                continue;
            }
            ran += 1;
            if let Err(e) = kinds::run_engine(&c.case) {
                failures.push(format!("{}: {e}", c.label()));
            }
        }
    }
    assert!(ran > 300, "only {ran} cases ran in the browser");
    assert!(failures.is_empty(), "{} of {ran} cases failed in wasm:\n{}", failures.len(), failures.join("\n"));
}

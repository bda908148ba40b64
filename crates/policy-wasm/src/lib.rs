//! The engine's JSON API (`policy_engine::api`) exported to JavaScript. Thin by design: strings in,
//! strings out; `js/index.js` turns them into objects and guarantees nothing ever throws. The app's
//! wasm exports only `explain` (`web/src/api.rs`), what the docs element calls.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

/// `codex execpolicy check` over JSON: see `policy_engine::api::check`.
#[wasm_bindgen]
pub fn check(request: &str) -> String {
    policy_engine::api::check(request)
}

/// The whole pipeline for one person and one command: see `policy_engine::api::explain`.
#[wasm_bindgen]
pub fn explain(request: &str) -> String {
    policy_engine::api::explain(request)
}

/// Every finding in a workspace and loose files: see `policy_engine::api::lint`.
#[wasm_bindgen]
pub fn lint(request: &str) -> String {
    policy_engine::api::lint(request)
}

/// What changes between two sets of policy inputs: see `policy_engine::api::diff`.
#[wasm_bindgen]
pub fn diff(request: &str) -> String {
    policy_engine::api::diff(request)
}

/// Users × commands → outcomes: see `policy_engine::api::grid`.
#[wasm_bindgen]
pub fn grid(request: &str) -> String {
    policy_engine::api::grid(request)
}

/// Policy tests with coverage: see `policy_engine::api::test`.
#[wasm_bindgen]
pub fn test(request: &str) -> String {
    policy_engine::api::test(request)
}

/// The Codex behaviour this build follows, e.g. for an "about" line.
#[wasm_bindgen(js_name = codexVersion)]
pub fn codex_version() -> String {
    policy_engine::CODEX_BEHAVIOUR.to_owned()
}

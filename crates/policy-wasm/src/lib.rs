//! The engine's JSON API (`policy_engine::api`) exported to JavaScript. Thin by design: strings in,
//! strings out; `js/index.js` turns them into objects and guarantees nothing ever throws.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

/// `codex execpolicy check` over JSON: see `policy_engine::api::check`.
#[wasm_bindgen]
pub fn check(request: &str) -> String {
    policy_engine::api::check(request)
}

/// The Codex behaviour this build follows, e.g. for an "about" line.
#[wasm_bindgen(js_name = codexVersion)]
pub fn codex_version() -> String {
    policy_engine::CODEX_BEHAVIOUR.to_owned()
}

//! The one engine entry point the docs page's `<codex-policy-example>` elements call on the app's
//! own wasm (`dist/` ships one wasm, shared by the app and every element on a page). The npm
//! package (`crates/policy-wasm`) exports the whole JSON API; the app exports only `explain`,
//! what the element uses, so the other five and their parsers stay out of the app's bundle.

use wasm_bindgen::prelude::wasm_bindgen;

/// The whole pipeline for one person and one command: see `policy_engine::api::explain`.
#[wasm_bindgen]
pub fn explain(request: &str) -> String {
    policy_engine::api::explain(request)
}

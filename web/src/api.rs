//! The engine's JSON API exported from the app's own wasm, so the docs page's
//! `<codex-policy-example>` elements evaluate with the wasm `dist/` already ships instead of a
//! second copy of the engine (design budget: one wasm in `dist/`). Exactly the functions of
//! `crates/policy-wasm/src/lib.rs`, strings in and strings out; the element parses the JSON.

use wasm_bindgen::prelude::wasm_bindgen;

include!("../../crates/policy-wasm/src/exports.rs");

//! The engine's JSON API (`policy_engine::api`) exported to JavaScript. Thin by design: strings in,
//! strings out; `js/index.js` turns them into objects and guarantees nothing ever throws. The app's
//! wasm exports the very same functions (`web/src/api.rs`) for the docs element.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

include!("exports.rs");

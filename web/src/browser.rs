//! Everything that touches the browser outside Yew's DOM: `localStorage` drafts, the theme
//! attribute on `<html>`, the clock, and moving the caret to a diagnostic.
//!
//! Components call these only from effects and event handlers, never while rendering, so the
//! native render tests never reach a browser API.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, Storage};

/// Prefix of every key the app stores; the version lets a later format migrate old drafts.
const KEY_PREFIX: &str = "codex-policy-playground/v1/";

/// Which draft a stored text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKey {
    /// The requirements editor.
    Requirements,
    /// The rules editor.
    Rules,
    /// The command field.
    Command,
    /// The chosen colour theme.
    Theme,
}

impl DraftKey {
    fn key(self) -> String {
        let name = match self {
            DraftKey::Requirements => "requirements",
            DraftKey::Rules => "rules",
            DraftKey::Command => "command",
            DraftKey::Theme => "theme",
        };
        format!("{KEY_PREFIX}{name}")
    }
}

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored text, if storage is available and holds one.
pub fn load(key: DraftKey) -> Option<String> {
    storage()?.get_item(&key.key()).ok().flatten()
}

/// Why a draft was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// Storage is disabled (private mode, a policy, a sandboxed frame).
    Unavailable,
    /// The browser refused the write, in practice because the quota is exhausted.
    Refused,
}

/// Stores `value` under `key`.
pub fn save(key: DraftKey, value: &str) -> Result<(), SaveError> {
    storage().ok_or(SaveError::Unavailable)?.set_item(&key.key(), value).map_err(|_| SaveError::Refused)
}

/// Forgets `key`.
pub fn remove(key: DraftKey) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key.key());
    }
}

/// Sets `data-theme` on `<html>` (`None` follows the system setting through CSS).
pub fn apply_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match theme {
        Some(theme) => root.set_attribute("data-theme", theme),
        None => root.remove_attribute("data-theme"),
    };
}

/// A monotonic clock in milliseconds (only differences are used).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// Focuses the control with `id` and selects `start..end` (UTF-16 offsets), so the person lands on
/// the exact span a diagnostic is about.
pub fn focus_span(id: &str, start: u32, end: u32) {
    let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else {
        return;
    };
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        let _ = area.focus();
        let _ = area.set_selection_range(start, end);
    } else if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        let _ = input.focus();
        let _ = input.set_selection_range(start, end);
    }
}

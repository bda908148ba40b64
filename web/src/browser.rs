//! Everything that touches the browser outside Yew's DOM: `localStorage` drafts, the theme
//! attribute, the clock, the caret, and the JavaScript helpers in `glue.js` (compression,
//! clipboard, downloads, picked files, the URL fragment).
//!
//! Components call these only from effects and event handlers, never while rendering, so the
//! native render tests never reach a browser API.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, Storage};

#[wasm_bindgen(module = "/src/glue.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn deflate(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn inflate(text: &str, max_bytes: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = copyText)]
    async fn copy_text_js(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = download)]
    fn download_js(name: &str, text: &str);
    #[wasm_bindgen(catch, js_name = readFiles)]
    async fn read_files_js(input: &HtmlInputElement) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = onHashChange)]
    fn on_hash_change_js(callback: &Closure<dyn FnMut(String)>);
    #[wasm_bindgen(js_name = onPageHide)]
    fn on_page_hide_js(callback: &Closure<dyn FnMut()>);
    #[wasm_bindgen(js_name = clearHash)]
    fn clear_hash_js();
    #[wasm_bindgen(js_name = baseUrl)]
    fn base_url_js() -> String;
}

fn error_text(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map_or_else(|| "the browser refused".to_owned(), |e| String::from(e.message()))
}

/// Compresses `text` for a share link (base64url of raw DEFLATE).
pub async fn compress(text: &str) -> Result<String, String> {
    deflate(text).await.map(|v| v.as_string().unwrap_or_default()).map_err(|e| error_text(&e))
}

/// Decompresses a share link's payload, refusing output larger than `max_bytes`.
pub async fn decompress(text: &str, max_bytes: usize) -> Result<String, String> {
    #[expect(clippy::cast_precision_loss, reason = "a limit of a few megabytes is exact in an f64")]
    let limit = max_bytes as f64;
    inflate(text, limit).await.map(|v| v.as_string().unwrap_or_default()).map_err(|e| error_text(&e))
}

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    copy_text_js(text).await.map(|_| ()).map_err(|e| error_text(&e))
}

/// Offers `text` as a download called `name`.
pub fn download(name: &str, text: &str) {
    download_js(name, text);
}

/// The files picked in a file input, as `(name, text)`.
pub async fn read_files(input: &HtmlInputElement) -> Result<Vec<(String, String)>, String> {
    let value = read_files_js(input).await.map_err(|e| error_text(&e))?;
    let list: js_sys::Array = value.dyn_into().map_err(|_| "the browser returned no file list".to_owned())?;
    Ok(list
        .iter()
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect())
}

/// Calls `callback` with the new fragment whenever it changes, for the life of the page.
pub fn on_hash_change(callback: impl FnMut(String) + 'static) {
    let closure = Closure::<dyn FnMut(String)>::new(callback);
    on_hash_change_js(&closure);
    // The listener lives as long as the page does.
    closure.forget();
}

/// Calls `callback` when the page is hidden or unloaded, for the life of the page.
pub fn on_page_hide(callback: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(callback);
    on_page_hide_js(&closure);
    closure.forget();
}

/// Removes the fragment from the address bar (after a share link was opened).
pub fn clear_hash() {
    clear_hash_js();
}

/// The page's address without its fragment.
pub fn base_url() -> String {
    base_url_js()
}

/// The current fragment, `#…` or empty.
pub fn hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Prefix of every key the app stores.
const KEY_PREFIX: &str = "codex-policy-playground/";

/// What a stored value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The whole project (v2 drafts: the v1 share format as JSON).
    Draft,
    /// A draft set aside when a share link opened over it.
    KeptDraft,
    /// The chosen colour theme (read by boot.js before the first paint).
    Theme,
    /// Plain-textarea editors.
    Plain,
    /// First-playground drafts, read once to migrate them.
    LegacyRequirements,
    /// See `LegacyRequirements`.
    LegacyRules,
    /// See `LegacyRequirements`.
    LegacyCommand,
}

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Draft => "v2/project",
            Key::KeptDraft => "v2/kept-project",
            Key::Theme => "v1/theme",
            Key::Plain => "v2/plain-editors",
            Key::LegacyRequirements => "v1/requirements",
            Key::LegacyRules => "v1/rules",
            Key::LegacyCommand => "v1/command",
        }
    }

    fn key(self) -> String {
        [KEY_PREFIX, self.name()].concat()
    }
}

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored text, if storage is available and holds one.
pub fn load(key: Key) -> Option<String> {
    storage()?.get_item(&key.key()).ok().flatten()
}

/// Why a value was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveError {
    /// Storage is disabled (private mode, a policy, a sandboxed frame).
    Unavailable,
    /// The browser refused the write, in practice because the quota is exhausted.
    Refused,
}

/// Stores `value` under `key`.
pub fn save(key: Key, value: &str) -> Result<(), SaveError> {
    storage().ok_or(SaveError::Unavailable)?.set_item(&key.key(), value).map_err(|_| SaveError::Refused)
}

/// Forgets `key`.
pub fn remove(key: Key) {
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

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Focuses the control with `id` and selects `start..end` (UTF-16 offsets), scrolled into view, so
/// the person lands on the exact span a diagnostic or a rule is about.
pub fn focus_span(id: &str, start: u32, end: u32) {
    let Some(element) = element(id) else { return };
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        let _ = area.focus();
        let _ = area.set_selection_range(start, end);
        // Put the line a little below the top, whatever the browser did on focus.
        let before = area.value().encode_utf16().take(start as usize).filter(|&u| u == u16::from(b'\n')).count();
        #[expect(clippy::cast_possible_truncation, clippy::cast_possible_wrap, reason = "line counts fit in an i32")]
        let line = before as i32;
        area.set_scroll_top((line - 3).max(0) * 20);
        area.scroll_into_view_with_bool(false);
    } else if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
        let _ = input.focus();
        let _ = input.set_selection_range(start, end);
    }
}

/// Focuses the element with `id`.
pub fn focus(id: &str) {
    if let Some(element) = element(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Opens the `<dialog>` with `id` as a modal.
pub fn show_dialog(id: &str) {
    if let Some(dialog) = element(id).and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        let _ = dialog.show_modal();
    }
}

/// Closes the `<dialog>` with `id`.
pub fn close_dialog(id: &str) {
    if let Some(dialog) = element(id).and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        dialog.close();
    }
}

/// Width of one character of the code font in the element with `id` (its text is 10 zeros).
pub fn char_width(id: &str) -> Option<f64> {
    let width = element(id)?.get_bounding_client_rect().width();
    (width > 0.0).then_some(width / 10.0)
}

/// Scrolls the element with `id` into view.
pub fn scroll_into_view(id: &str) {
    if let Some(element) = element(id) {
        element.scroll_into_view_with_bool(true);
    }
}

//! The playground app (see web/ in ARCHITECTURE.md): a Yew page that runs the policy engine in the
//! browser on every edit. `eval` is the only module that talks to the engine; `project` is what a
//! person edits (and what drafts and share links carry); the rest are components.
#![forbid(unsafe_code)]

mod api;
mod app;
mod browser;
mod diffview;
mod editor;
mod eval;
mod examples;
mod form;
mod gallery;
mod gridview;
mod highlight;
mod lintview;
mod project;
mod scenario;
mod tomledit;
mod trace;
mod ui;

fn main() {
    // A docs page loads this wasm only for the engine API (`api`); with no `#app` there is nothing to mount.
    if web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")).is_none() {
        return;
    }
    let props = app::AppProps::from_storage();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            // The static page shows a loading note until the app takes over.
            while let Some(child) = root.first_child() {
                let _ = root.remove_child(&child);
            }
            yew::Renderer::<app::App>::with_root_and_props(root, props).render();
        }
        None => {
            yew::Renderer::<app::App>::with_props(props).render();
        }
    }
}

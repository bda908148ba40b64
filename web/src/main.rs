//! The playground app (see web/ in ARCHITECTURE.md): a Yew page that runs the policy engine in the
//! browser on every edit. `eval` is the only module that talks to the engine.
#![forbid(unsafe_code)]

mod app;
mod browser;
mod editor;
mod eval;
mod examples;
mod result;

fn main() {
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

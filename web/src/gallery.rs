//! The examples gallery, a modal dialog: the acme workspace, the admin guide's seed documents
//! verbatim, and small lessons. Opening one replaces the current files (with an undo).

use yew::prelude::*;

use crate::browser;
use crate::examples::{EXAMPLES, Example};

/// DOM id of the dialog.
pub const GALLERY_ID: &str = "gallery";

/// Properties of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// Opens an example.
    pub on_open: Callback<&'static Example>,
}

/// The gallery dialog (opened with `browser::show_dialog(GALLERY_ID)`).
#[function_component]
pub fn Gallery(props: &GalleryProps) -> Html {
    let close = Callback::from(|_: MouseEvent| browser::close_dialog(GALLERY_ID));
    html! {
        <dialog id={GALLERY_ID} class="gallery" aria-labelledby="gallery-title">
            <div class="gallery-head">
                <h2 id="gallery-title" class="panel-title">{ "Examples" }</h2>
                <button type="button" class="icon-button" aria-label="Close" onclick={close}>{ "✕" }</button>
            </div>
            <p class="panel-hint">{ "Opening an example replaces the files and scenario; your draft can be put back with Undo." }</p>
            <ul class="cards">
                { for EXAMPLES.iter().map(|e| {
                    let on_open = props.on_open.clone();
                    let onclick = Callback::from(move |_: MouseEvent| {
                        browser::close_dialog(GALLERY_ID);
                        on_open.emit(e);
                    });
                    html! {
                        <li class="card">
                            <h3 class="card-title">{ e.title }</h3>
                            <p class="card-text">{ e.summary }</p>
                            <button type="button" class="button small" data-testid={["example-", e.id].concat()} {onclick}>
                                { "Open" }<span class="sr-only">{ [" ", e.title].concat() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </dialog>
    }
}

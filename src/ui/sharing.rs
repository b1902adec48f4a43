//! Sharing and files: a link that carries the workspace and the commands sent (credentials taken
//! out unless the user keeps them, after a warning), and the workspace exported to or imported
//! from a file. Nothing leaves the page: the link's data is in its fragment, which browsers never
//! send to a server; the file is written and read locally.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::share;

/// Properties of [`SharePanel`].
#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    pub workspace: Rc<str>,
    /// The commands sent since the cluster booted.
    pub commands: Vec<String>,
    pub onclose: Callback<()>,
}

/// The page's address without its fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| w.location())
        .map(|l| {
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The share panel: what credentials were found, whether to keep them, and the link.
#[function_component(SharePanel)]
pub fn share_panel(props: &SharePanelProps) -> Html {
    let keep = use_state(|| false);
    let copied = use_state(|| false);
    let stripped = use_memo(
        (props.workspace.clone(), props.commands.clone()),
        |(ws, cmds)| {
            let (text, found) = share::strip(ws);
            let mut commands = Vec::new();
            let mut in_commands = 0;
            for c in cmds {
                let (c, hit) = share::strip_command(c);
                in_commands += usize::from(hit);
                commands.push(c);
            }
            (text, found, commands, in_commands)
        },
    );
    let (clean_text, found, clean_commands, in_commands) = &*stripped;
    let total = found.len() + in_commands;
    let link = use_memo(
        (*keep, props.workspace.clone(), props.commands.clone()),
        |(keep, ws, cmds)| {
            let fragment = if *keep {
                share::encode(ws, cmds)
            } else {
                share::encode(clean_text, clean_commands)
            };
            format!("{}{fragment}", page_address())
        },
    );
    let too_long = link.len() > share::LINK_MAX;
    let on_keep = {
        let keep = keep.clone();
        let copied = copied.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            keep.set(input.checked());
            copied.set(false);
        })
    };
    let on_copy = {
        let link = link.clone();
        let copied = copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
                copied.set(true);
            }
        })
    };
    let onclose = props.onclose.reform(|_| ());
    html! {
        <section id="share-panel" class="share" role="region" aria-labelledby="share-title">
            <h2 id="share-title">{ "Share a link" }</h2>
            <p>{ format!("The link carries the workspace and the {} command(s) sent since the cluster booted, in its fragment (after #), which browsers do not send to servers. Whoever opens it gets the same cluster.", props.commands.len()) }</p>
            if total == 0 {
                <p id="share-credentials" class="ok">{ "No credentials found in the workspace or the commands." }</p>
            } else {
                <div id="share-credentials" class={classes!("share-found", keep.then_some("kept"))}>
                    <p>{ format!("{total} credential(s) found: {}.", if *keep { "they are IN the link" } else { "they are taken out of the link" }) }</p>
                    <ul>
                        { for found.iter().take(20).map(|f| html! { <li>{ format!("line {}: {}", f.line, f.what) }</li> }) }
                        if found.len() > 20 { <li>{ format!("and {} more", found.len() - 20) }</li> }
                        if *in_commands > 0 { <li>{ format!("{in_commands} command(s) with --token or --password") }</li> }
                    </ul>
                    <label>
                        <input type="checkbox" id="share-keep" checked={*keep} onchange={on_keep} />
                        { " Keep the credentials in the link" }
                    </label>
                    if *keep {
                        <p id="share-warning" class="warning" role="alert">{ "Anyone who gets this link can read these credentials and use them against a real cluster that accepts them. Keep them only if they are made up, as the examples' are." }</p>
                    } else {
                        <p class="muted">{ "Without them, requests that needed them are refused (401) where the link is opened." }</p>
                    }
                </div>
            }
            if too_long {
                <p class="warning">{ format!("The link would be {} KB, longer than browsers take: export the workspace to a file instead.", link.len() / 1024) }</p>
            } else {
                <label for="share-link" class="visually-hidden">{ "Share link" }</label>
                <input id="share-link" type="text" readonly=true value={(*link).clone()} />
                <button id="share-copy" class="primary" onclick={on_copy}>{ if *copied { "Copied" } else { "Copy link" } }</button>
            }
            <button id="share-close" onclick={onclose}>{ "Close" }</button>
        </section>
    }
}

/// Offers the workspace as a file download (a Blob URL: no request leaves the page).
pub fn export_workspace(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = doc
        .create_element("a")
        .map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>())
    {
        a.set_href(&url);
        a.set_download("kubegate-workspace.yaml");
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The most a file may hold to be imported.
const IMPORT_MAX: f64 = 64.0 * 1024.0 * 1024.0;

/// Properties of [`ImportButton`].
#[derive(Properties, PartialEq)]
pub struct ImportButtonProps {
    /// Called with the file's name and text.
    pub onimport: Callback<(String, String)>,
    /// Called with a message when a file cannot be read.
    pub onerror: Callback<String>,
}

/// A button that reads a workspace from a local file.
#[function_component(ImportButton)]
pub fn import_button(props: &ImportButtonProps) -> Html {
    let reader = use_mut_ref(|| None::<gloo_file::callbacks::FileReader>);
    let onchange = {
        let onimport = props.onimport.clone();
        let onerror = props.onerror.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            if file.size() > IMPORT_MAX {
                onerror.emit(format!(
                    "{name} is {} MB: kubegate reads workspaces of up to 64 MB.",
                    (file.size() / 1048576.0).round()
                ));
                return;
            }
            let onimport = onimport.clone();
            let onerror = onerror.clone();
            let file = gloo_file::File::from(file);
            *reader.borrow_mut() =
                Some(gloo_file::callbacks::read_as_text(
                    &file,
                    move |text| match text {
                        Ok(text) => onimport.emit((name, text)),
                        Err(e) => onerror.emit(format!("{name} could not be read: {e}")),
                    },
                ));
        })
    };
    html! {
        <>
            // The input first: its focus ring is drawn on the label after it (style.css).
            <input id="import-file" class="visually-hidden" type="file" accept=".yaml,.yml,.json,.txt,text/yaml,application/json" {onchange} />
            <label for="import-file" class="button-like">{ "Import…" }</label>
        </>
    }
}

//! The workspace editor and the list of errors and warnings under it, each with its line and
//! column.

use yew::prelude::*;

use crate::sim::workspace::{Diagnostic, Severity};

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The workspace text.
    pub text: AttrValue,
    /// Its diagnostics.
    pub diagnostics: std::rc::Rc<Vec<Diagnostic>>,
    /// Whether the diagnostics are for the text shown (it is read when typing pauses).
    pub checked: bool,
    /// Called with the new text on every edit.
    pub onchange: Callback<String>,
}

/// A textarea for the workspace YAML.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let oninput = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            onchange.emit(area.value());
        })
    };
    let errors = props
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    html! {
        <>
        <label for="workspace" class="pane-title">{ "Workspace (kubeconfig, ControlPlane, objects)" }</label>
        <textarea id="workspace" spellcheck="false" autocomplete="off" wrap="off"
            value={props.text.clone()} {oninput} />
        <div id="diagnostics" class={classes!("diagnostics", (errors > 0).then_some("has-errors"))} aria-live="polite">
            if !props.checked {
                <p class="muted">{ "Reading the workspace…" }</p>
            } else if props.diagnostics.is_empty() {
                <p class="ok">{ "Workspace OK" }</p>
            } else {
                <ul>
                    { for props.diagnostics.iter().map(|d| {
                        let (class, label) = match d.severity {
                            Severity::Error => ("error", "error"),
                            Severity::Warning => ("warning", "warning"),
                        };
                        html! {
                            <li class={class}>
                                <span class="pos">{ format!("{}:{}", d.pos.line, d.pos.column) }</span>
                                { " " }<span class="sev">{ label }</span>{ ": " }{ &d.message }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
        </>
    }
}

//! The workspace editor: its outline (each document and file, a click away), the text, and the
//! list of errors and warnings under it, each with its line and column and a click away.
//!
//! The text is a textarea, which www/editor/editor.js (CodeMirror 6, loaded after the first
//! render) hides and replaces: it hands edits over in `kubegate:edit` events (the text in
//! `detail`: writing 10 MB into a textarea alone takes ~130 ms), takes the text when this
//! component replaces it (`kubegate:text`), marks the diagnostics listed here
//! (`data-line`, `data-column`, `data-severity`) on their lines, and handles clicks on
//! `data-jump-line`. Without it the textarea works alone, and this component does the jumping.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::outline::{Entry, Part};
use crate::sim::workspace::{Diagnostic, Severity};

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The workspace text.
    pub text: AttrValue,
    /// Its diagnostics.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Its documents and files.
    pub outline: Rc<Vec<Entry>>,
    /// Whether the diagnostics are for the text shown (it is read when typing pauses).
    pub checked: bool,
    /// Called with the new text on every edit.
    pub onchange: Callback<String>,
}

/// How many cluster objects the outline lists (a dump may hold thousands).
const OUTLINE_OBJECTS: usize = 60;
/// A text this long is written into the textarea in a task of its own.
const LARGE_TEXT: usize = 256 * 1024;
/// How many diagnostics the list shows.
const DIAGNOSTICS_SHOWN: usize = 500;

/// Puts the caret of the plain textarea at `line`:`column` (from 1) and scrolls it there; the
/// code editor, when loaded, does this itself.
fn jump_in_textarea(line: usize, column: usize) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc
        .document_element()
        .is_some_and(|e| e.has_attribute("data-editor"))
    {
        return;
    }
    let Some(area) = doc
        .get_element_by_id("workspace")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let text = area.value();
    // Positions count UTF-16 code units.
    let mut at = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            at += l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum::<usize>();
            break;
        }
        at += l.encode_utf16().count() + 1;
    }
    let _ = area.focus();
    let _ = area.set_selection_range(at as u32, at as u32);
    // Scroll the line into the middle of the box.
    let line_height = 19.0;
    area.set_scroll_top(
        ((line as f64 - 1.0) * line_height - area.client_height() as f64 / 2.0).max(0.0) as i32,
    );
}

/// Gives the text to the textarea (a small one) or to the code editor (a large one, in the
/// event: not at all before the editor has loaded), then tells the editor.
fn hand_over(area_ref: &NodeRef, text: &str) {
    let Some(area) = area_ref.cast::<web_sys::HtmlTextAreaElement>() else {
        return;
    };
    let _ = area.set_attribute("data-bytes", &text.len().to_string());
    let event = if text.len() > LARGE_TEXT {
        if area.text_length() > 0 {
            area.set_value("");
        }
        let enhanced = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .is_some_and(|e| e.has_attribute("data-editor"));
        if !enhanced {
            return;
        }
        let init = web_sys::CustomEventInit::new();
        init.set_detail(&wasm_bindgen::JsValue::from_str(text));
        web_sys::CustomEvent::new_with_event_init_dict("kubegate:text", &init)
    } else {
        if area.value() != *text {
            area.set_value(text);
        }
        web_sys::CustomEvent::new("kubegate:text")
    };
    if let Ok(event) = event {
        let _ = area.dispatch_event(&event);
    }
}

fn jump(line: usize, column: usize) -> Callback<MouseEvent> {
    Callback::from(move |_| jump_in_textarea(line, column))
}

/// The workspace editor.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let area_ref = use_node_ref();
    let oninput = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            onchange.emit(area.value());
        })
    };
    // The code editor's edits.
    {
        let area_ref = area_ref.clone();
        let onchange = props.onchange.clone();
        use_effect_with((), move |_| {
            let listener = area_ref.get().map(|area| {
                gloo_events::EventListener::new(&area, "kubegate:edit", move |e| {
                    if let Some(text) = e
                        .dyn_ref::<web_sys::CustomEvent>()
                        .and_then(|e| e.detail().as_string())
                    {
                        onchange.emit(text);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // The textarea holds a small text (not bound by the render, so that a large one is never
    // written into it: ~130 ms for 10 MB, and 4 s to lay out if shown). A large text goes to the
    // code editor in the `kubegate:text` event instead, after the render, in a task of its own
    // (skipped if the text changes again first), and again when the editor has loaded
    // (`kubegate:ready`). `data-bytes` says how long the text is.
    let latest = use_mut_ref(AttrValue::default);
    *latest.borrow_mut() = props.text.clone();
    {
        let area_ref = area_ref.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let listener = area_ref.get().map(|area| {
                gloo_events::EventListener::new(&area, "kubegate:ready", move |_| {
                    let text = latest.borrow().clone();
                    if text.len() > LARGE_TEXT {
                        hand_over(&area_ref, &text);
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let area_ref = area_ref.clone();
        use_effect_with(props.text.clone(), move |text| {
            let write = {
                let text = text.clone();
                move || hand_over(&area_ref, &text)
            };
            let later = if text.len() > LARGE_TEXT {
                Some(gloo_timers::callback::Timeout::new(0, write))
            } else {
                write();
                None
            };
            move || drop(later)
        });
    }
    let errors = props
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    html! {
        <>
        <label for="workspace" class="pane-title">{ "Workspace (kubeconfig, ControlPlane, objects)" }</label>
        <Outline entries={props.outline.clone()} />
        // A plain text box lays out all of its text: a large one is hidden until the code
        // editor (which draws only the lines in view) takes over.
        // (Not a class: the code editor adds its own to this element, which a class the
        // render sets would wipe.)
        <textarea id="workspace" ref={area_ref} spellcheck="false" autocomplete="off" wrap="off"
            data-large={(props.text.len() > LARGE_TEXT).then_some("")} {oninput} />
        if props.text.len() > LARGE_TEXT {
            <p class="muted large-note">{ format!("Loading the code editor for this {} workspace (a plain text box this large would hold the page still)…",
                crate::ui::state::size(props.text.len())) }</p>
        }
        <p class="keys muted editor-keys">{ "Tab indents · Esc then Tab leaves the editor · Ctrl+F finds · Ctrl+Z undoes" }</p>
        <div id="diagnostics" class={classes!("diagnostics", (errors > 0).then_some("has-errors"))} aria-live="polite">
            if !props.checked {
                <p class="muted">{ "Reading the workspace…" }</p>
            } else if props.diagnostics.is_empty() {
                <p class="ok">{ "Workspace OK" }</p>
            } else {
                <ul>
                    { for props.diagnostics.iter().take(DIAGNOSTICS_SHOWN).map(|d| {
                        let (class, label) = match d.severity {
                            Severity::Error => ("error", "error"),
                            Severity::Warning => ("warning", "warning"),
                        };
                        let (line, column) = (d.pos.line, d.pos.column);
                        html! {
                            <li class={class} data-line={line.to_string()} data-column={column.to_string()}
                                data-severity={class} data-message={d.message.clone()}>
                                <button type="button" class="diag-jump" data-jump-line={line.to_string()} data-jump-column={column.to_string()}
                                    title="Show this line in the editor" onclick={jump(line, column)}>
                                    <span class="pos">{ format!("{line}:{column}") }</span>
                                    { " " }<span class="sev">{ label }</span>{ ": " }{ &d.message }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if props.diagnostics.len() > DIAGNOSTICS_SHOWN {
                    <p class="muted">{ format!("and {} more", props.diagnostics.len() - DIAGNOSTICS_SHOWN) }</p>
                }
            }
        </div>
        </>
    }
}

/// Properties of [`Outline`].
#[derive(Properties, PartialEq)]
pub struct OutlineProps {
    pub entries: Rc<Vec<Entry>>,
}

/// The workspace's parts: the kubeconfig, the control plane and its files (such as the
/// `pod.yaml` that `kubectl create -f pod.yaml` reads), and the cluster objects; each jumps to
/// its line.
#[function_component(Outline)]
fn outline(props: &OutlineProps) -> Html {
    let entry = |e: &Entry| {
        let kind = match e.part {
            Part::Kubeconfig => "kubeconfig",
            Part::ControlPlane => "control-plane",
            Part::File => "file",
            Part::Object => "object",
        };
        html! {
            <li>
                <button type="button" class="outline-entry" data-part={kind}
                    data-jump-line={e.line.to_string()} data-jump-column="1"
                    title={format!("line {}", e.line)} onclick={jump(e.line, 1)}>{ e.label() }</button>
            </li>
        }
    };
    let of = |parts: &[Part]| -> Vec<&Entry> {
        props
            .entries
            .iter()
            .filter(|e| parts.contains(&e.part))
            .collect()
    };
    let setup = of(&[Part::Kubeconfig, Part::ControlPlane, Part::File]);
    let objects = of(&[Part::Object]);
    html! {
        <nav id="outline" class="outline" aria-label="Documents in the workspace">
            <div class="outline-group">
                <h3>{ "Client and control plane" }</h3>
                if setup.is_empty() {
                    <p class="muted outline-none">{ "No kubeconfig and no ControlPlane: kubectl uses kubeadm's admin.conf, on a default v1.37 control plane." }</p>
                } else {
                    <ul>{ for setup.iter().map(|e| entry(e)) }</ul>
                }
            </div>
            <div class="outline-group">
                <h3>{ format!("Cluster objects ({})", objects.len()) }</h3>
                <ul>
                    { for objects.iter().take(OUTLINE_OBJECTS).map(|e| entry(e)) }
                    if objects.len() > OUTLINE_OBJECTS {
                        <li class="muted">{ format!("and {} more", objects.len() - OUTLINE_OBJECTS) }</li>
                    }
                </ul>
            </div>
        </nav>
    }
}

//! The page: the workspace editor on the left; the request bar, the stage timeline, the selected
//! stage and kubectl's output on the right. One reducer holds the state.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::detail::StageDetail;
use super::editor::Editor;
use super::output::Output;
use super::state::{Action, AppState, DEFAULT_COMMAND, DEFAULT_WORKSPACE};
use super::storage;
use super::timeline::Timeline;

/// The reducer's state: [`AppState`] behind an `Rc` for Yew.
#[derive(Clone)]
pub struct Store(pub AppState);

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        // Every action bumps the revision: no need to compare what the states hold.
        self.0.revision == other.0.revision
    }
}

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // A shallow copy: the workspace, the diagnostics, the runs and the cluster are shared.
        let mut next = self.0.clone();
        next.apply(action);
        // The jobs the action made go to the engine's worker.
        for job in std::mem::take(&mut next.outbox) {
            super::worker::post(job);
        }
        Rc::new(Store(next))
    }
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(|| {
        // After a crash, open the last good workspace, and offer back the one it stopped on.
        let (crashed_now, crashed) = storage::recover();
        let saved = if crashed_now {
            storage::load_last_good()
        } else {
            storage::load_workspace()
        };
        let workspace = saved.unwrap_or_else(|| DEFAULT_WORKSPACE.to_string());
        let command = storage::load_command().unwrap_or_else(|| DEFAULT_COMMAND.to_string());
        storage::mark_busy();
        // The cluster and the transcript come back by sending again what was sent since the
        // cluster booted (never after a crash: that could be what crashed it).
        let (sent, notice) = match storage::load_sent() {
            _ if crashed_now => (Vec::new(), None),
            Ok(sent) => (sent, None),
            Err(n) => (
                Vec::new(),
                Some(format!(
                    "The {n} commands sent before this page was reloaded are more than kubegate sends again ({}): the cluster started afresh from the workspace.",
                    storage::SENT_MAX
                )),
            ),
        };
        let mut state = AppState::new(workspace, command.clone())
            .with_crashed(crashed)
            .with_history(storage::load_history())
            .with_replay(sent);
        state.command = command;
        state.notice = notice;
        state.example = storage::load_example().and_then(|id| crate::examples::find(&id));
        // And the step it showed (checked against what the replay produced, once it is back).
        if let Some((request, cursor)) = storage::load_view() {
            state = state.with_view(request, cursor);
        }
        // A share link (#share=…) opens its workspace and commands; the user's own work is
        // one Undo away.
        if let Some(action) = take_share_link() {
            state.apply(action);
        }
        for job in std::mem::take(&mut state.outbox) {
            super::worker::post(job);
        }
        Store(state)
    });
    let state = &store.0;
    // The engine's answers come back as actions.
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            super::worker::connect(Callback::from(move |reply| {
                store.dispatch(Action::Reply(reply))
            }));
        });
    }
    // Tab found nothing to complete: the focus moves on, as Tab does.
    use_effect_with(state.tab_through, |n| {
        let in_bar = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|e| e.id() == "command");
        // Unless the focus went elsewhere meanwhile.
        if *n > 0 && in_bar {
            focus_after_command_bar();
        }
    });
    // Keep the commands sent across reloads: all of them for Up/Down, and those since the
    // cluster booted to build it again.
    use_effect_with(state.history.clone(), |history| {
        storage::save_history(history)
    });
    use_effect_with(state.commands_since_boot(), |sent| storage::save_sent(sent));
    use_effect_with(state.example.map(|e| e.id), |id| storage::save_example(*id));
    // The command bar is kept whatever changed it (typing, history, an example, completion).
    use_effect_with(state.command.clone(), |c| storage::save_command(c));
    use_effect_with((state.request, state.cursor), |(request, cursor)| {
        storage::save_view(*request, *cursor)
    });
    // A share link pasted into the address bar of an open page changes only the fragment.
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "hashchange", move |_| {
                    if let Some(action) = take_share_link() {
                        storage::mark_busy();
                        store.dispatch(action);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Ctrl+Enter (Cmd+Enter on a Mac) sends the command from anywhere on the page.
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                let options = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(&doc, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                        e.prevent_default();
                        storage::mark_busy();
                        store.dispatch(Action::Send);
                        return;
                    }
                    // Stepping by keyboard, unless the keys are for a text being edited.
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || typing(e) {
                        return;
                    }
                    let action = match e.key().as_str() {
                        "ArrowLeft" => Action::Prev,
                        "ArrowRight" => Action::Next,
                        "Home" => Action::Select(0),
                        "End" => Action::Select(usize::MAX),
                        _ => return,
                    };
                    e.prevent_default();
                    store.dispatch(action);
                })
            });
            move || drop(listener)
        });
    }
    // Keep the workspace in localStorage whenever it changes (edits, and `kubectl config`
    // commands that rewrite its kubeconfig): a small text at once, a large one once the engine
    // has deflated it (off this thread; before it reads it, so a text it stops on is kept).
    // A text the browser cannot hold even deflated is said once (it would not survive a reload).
    {
        let store = store.clone();
        let told = state.notice.is_some();
        use_effect_with(
            (state.workspace.clone(), state.kept.clone()),
            move |(text, kept)| {
                let saved = match kept {
                    Some(kept) => storage::save_workspace_kept(kept),
                    None if text.len() <= crate::share::PACK_OVER => storage::save_workspace(text),
                    None => return,
                };
                if !saved && !told {
                    store.dispatch(Action::Notice(format!(
                    "This workspace ({:.1} MB) is more than this browser keeps for a page, even compressed: it will not come back after a reload. Export it to a file to keep it.",
                    text.len() as f64 / 1e6
                )));
                }
            },
        );
    }
    // Once the engine has answered every job the text is settled: clear the busy marker, and
    // remember a workspace that reads and boots cleanly as the last good one (once per text).
    {
        let idle = state.busy.is_none();
        use_effect_with((state.revision, idle), |(_, idle)| {
            if *idle {
                storage::clear_busy();
            }
        });
        let good = (idle && state.checked && !state.has_errors())
            .then(|| (state.workspace.clone(), state.kept.clone()));
        use_effect_with(good, |good| {
            if let Some((text, kept)) = good {
                storage::save_last_good(text, kept.as_deref());
            }
        });
    }
    // Once the text the page stopped on is put back or dismissed, it is no longer kept.
    use_effect_with(state.crashed.is_some(), |offered| {
        if !offered {
            storage::forget_crashed();
        }
    });
    // The workspace is read when typing pauses, not on every keystroke.
    let check_timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);

    let on_workspace = {
        let store = store.clone();
        let check_timer = check_timer.clone();
        Callback::from(move |text: String| {
            // Saved by the effect above once the state holds it, before the engine reads it.
            store.dispatch(Action::EditWorkspace(text));
            let store = store.clone();
            // Replacing the timer cancels the one before.
            *check_timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(300, move || {
                storage::mark_busy();
                store.dispatch(Action::CheckWorkspace);
            }));
        })
    };
    let busy_then = |a: Action| {
        let store = store.clone();
        Callback::from(move |_| {
            storage::mark_busy();
            store.dispatch(a.clone());
        })
    };
    let on_command = {
        let store = store.clone();
        Callback::from(move |text: String| {
            store.dispatch(Action::EditCommand(text));
        })
    };
    let on_decoder = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            store.dispatch(Action::EditDecoder(area.value()));
        })
    };
    let act = |a: Action| {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(a.clone()))
    };
    let on_run = {
        let store = store.clone();
        Callback::from(move |cmd: String| {
            storage::mark_busy();
            store.dispatch(Action::Run(cmd));
        })
    };
    let on_select = {
        let store = store.clone();
        Callback::from(move |i: usize| store.dispatch(Action::Select(i)))
    };
    let on_show_run = {
        let store = store.clone();
        Callback::from(move |i: usize| store.dispatch(Action::ShowRun(i)))
    };
    let on_select_request = {
        let store = store.clone();
        Callback::from(move |i: usize| store.dispatch(Action::SelectRequest(i)))
    };
    // Where the caret goes once a recalled command is in the bar: at its start after Up (so
    // the next Up recalls the one before even when this one has several lines), at its end
    // after Down.
    let caret_to_start = use_mut_ref(|| None::<bool>);
    {
        let caret_to_start = caret_to_start.clone();
        use_effect_with((state.command.clone(), state.history_at), move |_| {
            if let Some(start) = caret_to_start.borrow_mut().take() {
                let bar = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("command"))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
                if let Some(bar) = bar {
                    // Positions count UTF-16 code units.
                    let at = if start {
                        0
                    } else {
                        bar.value().encode_utf16().count() as u32
                    };
                    let _ = bar.set_selection_range(at, at);
                }
            }
        });
    }
    let on_keydown = {
        let store = store.clone();
        let busy = state.busy.is_some();
        let caret_to_start = caret_to_start.clone();
        Callback::from(move |e: KeyboardEvent| {
            let bar: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let text = bar.value();
            // The caret counts UTF-16 code units: find the byte it stands before.
            let caret = bar
                .selection_start()
                .ok()
                .flatten()
                .map_or(text.len(), |units| {
                    let mut seen = 0;
                    text.char_indices()
                        .find(|(_, c)| {
                            let before = seen;
                            seen += c.len_utf16();
                            before >= units as usize
                        })
                        .map_or(text.len(), |(i, _)| i)
                });
            let plain = !(e.shift_key() || e.ctrl_key() || e.meta_key() || e.alt_key());
            match e.key().as_str() {
                // Ctrl/Cmd+Enter is the page-wide shortcut (above). Shift+Enter adds a line;
                // so does Enter inside a here-document that has not reached its end marker,
                // as a shell's prompt does.
                "Enter" if plain && !crate::sim::session::heredoc_open(&text) => {
                    e.prevent_default();
                    storage::mark_busy();
                    store.dispatch(Action::Send);
                }
                // Tab completes a kubectl command at its end (elsewhere Tab moves the focus on,
                // as it should).
                // When the engine finds nothing to add, the focus moves on as Tab would (no
                // keyboard trap): see `tab_through`. While the engine is busy (a big boot),
                // Tab is just Tab.
                "Tab"
                    if plain && !busy && caret == text.len() && {
                        let last = text.rsplit('\n').next().unwrap_or("").trim_start();
                        !last.is_empty()
                            && (last.starts_with("kubectl") || "kubectl".starts_with(last))
                    } =>
                {
                    e.prevent_default();
                    store.dispatch(Action::Complete);
                }
                // Up on the first line and Down on the last browse the commands sent.
                "ArrowUp" if plain && !text[..caret].contains('\n') => {
                    e.prevent_default();
                    *caret_to_start.borrow_mut() = Some(true);
                    store.dispatch(Action::HistoryPrev);
                }
                "ArrowDown" if plain && !text[caret..].contains('\n') => {
                    e.prevent_default();
                    *caret_to_start.borrow_mut() = Some(false);
                    store.dispatch(Action::HistoryNext);
                }
                _ => {}
            }
        })
    };
    let on_input = {
        let on_command = on_command.clone();
        Callback::from(move |e: InputEvent| {
            let bar: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            on_command.emit(bar.value());
        })
    };

    // A reset asks first (and can be undone after).
    let confirming = use_state(|| None::<Action>);
    let ask = |a: Action| {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(Some(a.clone())))
    };
    let on_confirm = {
        let store = store.clone();
        let confirming = confirming.clone();
        Callback::from(move |_| {
            if let Some(a) = (*confirming).clone() {
                storage::mark_busy();
                store.dispatch(a);
            }
            confirming.set(None);
        })
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(None))
    };
    // Presentation mode (kept across reloads): the page on a projector.
    let present = use_state(storage::load_present);
    {
        let on = *present;
        use_effect_with(on, |on| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = if *on {
                    root.set_attribute("data-present", "")
                } else {
                    root.remove_attribute("data-present")
                };
            }
        });
    }
    // Play: the steps one after another, as the request went, until the response.
    let playing = use_state(|| false);
    let on_play = {
        let playing = playing.clone();
        let store = store.clone();
        let at_end = state.cursor + 1 >= state.steps();
        let none = state.steps() == 0;
        Callback::from(move |_| {
            if none {
                return;
            }
            if !*playing && at_end {
                store.dispatch(Action::Select(0));
            }
            playing.set(!*playing);
        })
    };
    {
        let store = store.clone();
        let playing_now = *playing;
        use_effect_with(playing_now, move |on| {
            let timer = on.then(|| {
                gloo_timers::callback::Interval::new(1200, move || store.dispatch(Action::Next))
            });
            move || drop(timer)
        });
    }
    {
        let playing = playing.clone();
        let done = state.cursor + 1 >= state.steps();
        use_effect_with((done, state.revision), move |(done, _)| {
            if *done && *playing {
                playing.set(false);
            }
        });
    }
    let on_ask = {
        let store = store.clone();
        Callback::from(move |cmd: String| {
            storage::mark_busy();
            store.dispatch(Action::Ask(cmd));
        })
    };
    // Sharing and files.
    let sharing = use_state(|| false);
    let on_import = {
        let store = store.clone();
        Callback::from(move |(name, text): (String, String)| {
            storage::mark_busy();
            store.dispatch(Action::Import { name, text });
        })
    };
    let on_notice = {
        let store = store.clone();
        Callback::from(move |text: String| store.dispatch(Action::Notice(text)))
    };
    // The examples gallery; opening one asks first, as a reset does.
    let gallery_open = use_state(|| false);
    let on_open_example = {
        let confirming = confirming.clone();
        let gallery_open = gallery_open.clone();
        Callback::from(move |id: &'static str| {
            confirming.set(Some(Action::OpenExample(id)));
            gallery_open.set(false);
        })
    };
    let request = state.shown();
    let trace = state.current_request();
    let runs = state.runs.len();
    html! {
        <>
        // The first stop of the Tab key: straight to the command bar (the code editor before it
        // keeps Tab for indenting; Esc then Tab leaves it).
        <button id="skip-to-command" class="skip-link" onclick={Callback::from(|_| focus_command_bar())}>{ "Skip to the command bar" }</button>
        <header class="topbar">
            <h1>{ "kubegate" }</h1>
            <p class="tagline">{ "Step a kubectl command through kube-apiserver: authentication → authorization → admission → storage. Offline: nothing leaves this page." }</p>
            <button id="present" class="topbar-button" aria-pressed={(*present).to_string()}
                title="Large text, the editor folded away, the output beside the card: for a projector"
                onclick={{ let p = present.clone(); Callback::from(move |_| { storage::save_present(!*p); p.set(!*p) }) }}>
                { if *present { "Leave presentation" } else { "Present" } }</button>
            <button id="open-gallery" class="topbar-button" aria-expanded={(*gallery_open).to_string()} aria-controls="gallery"
                onclick={{ let g = gallery_open.clone(); Callback::from(move |_| g.set(!*g)) }}>{ "Examples" }</button>
        </header>
        if *gallery_open {
            <Gallery current={state.example.map(|e| e.id)} onopen={on_open_example} />
        }
        if let Some(crashed) = &state.crashed {
            <div id="recovered" class="recovery" role="alert">
                <p>{ format!("kubegate stopped last time because of a bug, with a workspace of {} lines open. It opened the last workspace that worked instead; the one it stopped on is kept.", crashed.lines().count()) }</p>
                <button id="restore-crashed" onclick={busy_then(Action::RestoreCrashed)}>{ "Put that workspace back" }</button>
                <button id="dismiss-crashed" onclick={act(Action::DismissCrashed)}>{ "Forget it" }</button>
            </div>
        }
        if let Some(notice) = &state.notice {
            <p id="notice" class="notice" role="status">{ notice }
                <button id="dismiss-notice" class="small" onclick={act(Action::DismissNotice)}>{ "OK" }</button></p>
        }
        <main class={classes!("layout", present.then_some("present"))}>
            <section class="workspace-pane" aria-label="Workspace">
                <Editor text={AttrValue::from(state.workspace.clone())} diagnostics={state.diagnostics.clone()} outline={state.outline.clone()} checked={state.checked} onchange={on_workspace} />
                <div class="editor-actions">
                    <button id="reset-workspace" onclick={ask(Action::ResetWorkspace)}>{ "Default workspace" }</button>
                    <button id="reset-cluster" onclick={ask(Action::ResetCluster)}>{ "Re-boot cluster" }</button>
                    <button id="share" aria-expanded={(*sharing).to_string()} aria-controls="share-panel"
                        onclick={{ let s = sharing.clone(); Callback::from(move |_| s.set(!*s)) }}>{ "Share…" }</button>
                    <button id="export" onclick={{ let ws = state.workspace.clone(); Callback::from(move |_| super::sharing::export_workspace(&ws)) }}>{ "Export" }</button>
                    <super::sharing::ImportButton onimport={on_import} onerror={on_notice} />
                    <span class="muted">{ format!("{runs} command(s) since the cluster booted") }</span>
                </div>
                if state.stale && !state.commands_since_boot().is_empty() {
                    <p id="stale" class="notice" role="status">{ format!(
                        "The workspace changed: the next command boots the cluster from it again and first sends the {} earlier command(s) again, so what they made is kept and their outcomes follow your edit.",
                        state.commands_since_boot().len()) }</p>
                }
                if let Some(a) = &*confirming {
                    <div id="confirm-reset" class="confirm" role="alertdialog" aria-labelledby="confirm-text">
                        <p id="confirm-text">{ match a {
                            Action::ResetWorkspace => format!("Replace your workspace ({} lines) with the default one, and start its cluster afresh? Undo brings both back.", state.workspace.lines().count()),
                            Action::OpenExample(id) => format!("Replace your workspace ({} lines) with the example \"{}\", and start its cluster afresh? Undo brings both back.",
                                state.workspace.lines().count(), crate::examples::find(id).map_or(*id, |e| e.title)),
                            _ => format!("Start the cluster afresh from the workspace, forgetting what the {runs} command(s) sent since it booted did? Undo brings it back."),
                        } }</p>
                        <button id="confirm-yes" onclick={on_confirm}>{ if matches!(a, Action::ResetCluster) { "Re-boot" } else { "Replace" } }</button>
                        <button id="confirm-no" onclick={on_cancel}>{ "Cancel" }</button>
                    </div>
                }
                if *sharing {
                    <super::sharing::SharePanel workspace={state.workspace.clone()} commands={state.commands_since_boot()}
                        onclose={{ let s = sharing.clone(); Callback::from(move |_| s.set(false)) }} />
                }
                if let Some(cluster) = &state.cluster {
                    <super::cluster::ClusterView cluster={cluster.clone()} object={state.object.clone()}
                        written={state.shown_run().map(|r| super::state::writes(&r.outcome)).unwrap_or_default()}
                        onopen={{ let store = store.clone(); Callback::from(move |key| store.dispatch(Action::OpenObject(key))) }}
                        onclose={act(Action::CloseObject)} />
                }
                if let Some(undo) = &state.undo {
                    <div id="undo-bar" class="confirm" role="status">
                        <p>{ &undo.what }</p>
                        <button id="undo" onclick={busy_then(Action::Undo)}>{ "Undo" }</button>
                        <button id="dismiss-undo" onclick={act(Action::DismissUndo)}>{ "OK" }</button>
                    </div>
                }
                <details id="decoder" class="card decoder">
                    <summary>{ "Decode a certificate or token" }</summary>
                    <p class="muted">{ "Paste a PEM certificate, a JWT, a bootstrap token, or the base64 of one (as kubeconfigs and Secrets hold them). It is read here, offline." }</p>
                    <label for="decoder-input" class="visually-hidden">{ "Certificate or token" }</label>
                    <textarea id="decoder-input" spellcheck="false" rows="4" value={state.decoder.clone()} oninput={on_decoder} />
                    if !state.decoder.trim().is_empty() {
                        { match state.decoded() {
                            Ok(text) => html! { <pre id="decoder-output" class="json">{ text }</pre> },
                            Err(e) => html! { <p id="decoder-output" class="reason">{ e }</p> },
                        } }
                    }
                </details>
            </section>
            <section class="request-pane" aria-label="Request">
                <div class="request-bar">
                    <label for="command" class="visually-hidden">{ "kubectl command" }</label>
                    <textarea id="command" spellcheck="false" autocomplete="off" autocapitalize="off"
                        rows={state.command.split('\n').count().clamp(1, 12).to_string()}
                        aria-describedby="command-keys"
                        value={state.command.clone()} oninput={on_input} onkeydown={on_keydown} />
                    <button id="send" onclick={busy_then(Action::Send)}>{ "Send" }</button>
                </div>
                // Shown only when the engine takes a while (style.css delays it), with a way out.
                if let Some(busy) = &state.busy {
                    <p id="busy" class="busy" role="status">
                        <span class="spinner" aria-hidden="true"></span>{ busy }
                        <button id="stop-engine" class="small" title="Stop the engine: the cluster is dropped, the transcript kept; the next command boots the workspace again"
                            onclick={{ let store = store.clone(); Callback::from(move |_| if super::worker::stop() { store.dispatch(Action::Stopped) }) }}>{ "Stop" }</button>
                    </p>
                }
                if let Some(ex) = state.example {
                    <div id="tries" class="tries" aria-label={format!("Commands to try in the example \"{}\"", ex.title)}>
                        <span class="muted">{ "Try:" }</span>
                        { for ex.tries.iter().map(|t| html! {
                            <button type="button" class="try" title="Send this command"
                                onclick={on_run.reform(move |_| t.command.to_string())}><code>{ t.command }</code></button>
                        }) }
                    </div>
                }
                if !state.completions.is_empty() {
                    <ul id="completions" class="completions" role="listbox" aria-label="Completions">
                        { for state.completions.iter().map(|c| {
                            let start = crate::sim::kubectl::complete::word_start(&state.command);
                            let line = format!("{}{c}{}", &state.command[..start], if c.ends_with(['=', '/']) { "" } else { " " });
                            let on_command = on_command.clone();
                            html! {
                                <li role="option" aria-selected="false">
                                    <button type="button" class="completion" onclick={Callback::from(move |_| {
                                        on_command.emit(line.clone());
                                        focus_command_bar();
                                    })}>{ c }</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                <p id="command-keys" class="keys muted">{ "Tab completes · Enter sends · Shift+Enter adds a line (inside a heredoc Enter does too, until its end marker) · Up/Down recall earlier commands · Ctrl+Enter sends from anywhere" }</p>
                if let Some(run) = state.shown_run() {
                    if run.outcome.requests.len() > 1 {
                        <RequestPicker requests={run.outcome.requests.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>()}
                            selected={state.request} onselect={on_select_request} />
                    }
                }
                if let (Some(shown), Some(req)) = (request.clone(), trace) {
                    <p id="verdict" class="verdict" role="status" aria-live="polite"
                        data-decision={if req.refused_at().is_some() || req.response.code >= 400 { "deny" } else { "allow" }}>
                        { req.verdict() }
                    </p>
                    <p class="request-line"><code>{ format!("{} {}", req.method, req.path) }</code></p>
                    <Timeline request={shown} cursor={state.cursor} onselect={on_select} />
                } else {
                    <ol id="timeline" class="timeline empty"></ol>
                    <p class="hint">{ if state.runs.is_empty() { "Press Enter (or Send) to run the command against the workspace's cluster." } else { "That command sent no request to the API server." } }</p>
                }
                <div class="stepper">
                    // aria-disabled, not disabled: a button that becomes disabled under the
                    // keyboard focus drops it to <body>; this one keeps it (and does nothing).
                    <button id="prev" onclick={act(Action::Prev)} aria-disabled={(state.cursor == 0 || request.is_none()).then_some("true")}>{ "Previous" }</button>
                    <span id="step-status" class="muted" role="status" aria-live="polite">{ match trace {
                        Some(req) => {
                            let name = req.stages.get(state.cursor).map_or_else(
                                || format!("response {}", req.response.code),
                                |s| format!("{}: {}", s.stage.title(), super::timeline::decision_label(s.decision)),
                            );
                            format!("step {} of {} · {name}", state.cursor + 1, state.steps())
                        }
                        None => String::new(),
                    } }</span>
                    <button id="next" onclick={act(Action::Next)} aria-disabled={(state.cursor + 1 >= state.steps()).then_some("true")}>{ "Next" }</button>
                    <button id="play" aria-pressed={(*playing).to_string()} aria-disabled={request.is_none().then_some("true")}
                        onclick={on_play}>{ if *playing { "Pause" } else { "Play" } }</button>
                    <span class="keys muted">{ "← → step · Home End" }</span>
                </div>
                if let Some(req) = request.clone() {
                    <StageDetail request={req} cursor={state.cursor} onask={on_ask} aside={state.aside.clone()}
                        onclose={{ let store = store.clone(); Callback::from(move |_| store.dispatch(Action::CloseAside)) }} />
                }
                <Output run={state.runs.get(state.shown).cloned()} />
                if state.runs.len() > 1 {
                    <Transcript commands={state.runs.iter().map(|r| (r.command.clone(), r.outcome.exit_code)).collect::<Vec<_>>()}
                        shown={state.shown} onshow={on_show_run} />
                }
            </section>
        </main>
        </>
    }
}

/// Puts the keyboard focus in the command bar.
fn focus_command_bar() {
    if let Some(bar) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("command"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = bar.focus();
    }
}

/// Moves the focus to what follows the command bar in the Tab order (what Tab would have
/// done, had it not been taken to complete).
fn focus_after_command_bar() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(all) = doc.query_selector_all(
        "button:not([disabled]), a[href], input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex='-1'])",
    ) else {
        return;
    };
    let elements: Vec<web_sys::HtmlElement> = (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    if let Some(next) = elements
        .iter()
        .position(|e| e.id() == "command")
        .and_then(|i| elements.get(i + 1))
    {
        let _ = next.focus();
    }
}

/// Whether a key goes to a text being edited (a field, the code editor in its shadow root).
fn typing(e: &KeyboardEvent) -> bool {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.id() == "workspace-editor"
        || el
            .dyn_ref::<web_sys::HtmlElement>()
            .is_some_and(|h| h.is_content_editable())
}

/// What the page's share link (`#share=…`) asks for, if it has one: open its workspace and
/// commands, or say why it cannot be read. The fragment is dropped from the address, so a
/// reload does not open the link again.
fn take_share_link() -> Option<Action> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    if !hash.starts_with(crate::share::FRAGMENT_PREFIX) {
        return None;
    }
    if let Ok(history) = window.history() {
        let bare = super::sharing::page_address();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&bare));
    }
    Some(match crate::share::decode(&hash) {
        Ok(shared) => Action::OpenShared(shared),
        Err(e) => Action::Notice(format!(
            "This share link could not be opened: {e}. Your workspace is as you left it."
        )),
    })
}

/// Properties of [`RequestPicker`].
#[derive(Properties, PartialEq)]
pub struct RequestPickerProps {
    /// `METHOD path` of each request.
    pub requests: Vec<String>,
    /// The one shown.
    pub selected: usize,
    /// Called with the index picked.
    pub onselect: Callback<usize>,
}

/// Tabs for commands that send more than one request (e.g. apply: GET, then POST).
#[function_component(RequestPicker)]
pub fn request_picker(props: &RequestPickerProps) -> Html {
    html! {
        <div class="request-picker" role="tablist">
            { for props.requests.iter().enumerate().map(|(i, r)| {
                let onselect = props.onselect.clone();
                html! {
                    <button role="tab" class={classes!("request-tab", (i == props.selected).then_some("current"))}
                        onclick={Callback::from(move |_| onselect.emit(i))}>{ format!("{}. {r}", i + 1) }</button>
                }
            }) }
        </div>
    }
}

/// How many of the newest commands the transcript lists (older ones stay in the cluster and
/// are counted).
const TRANSCRIPT_SHOWN: usize = 50;

/// Properties of [`Transcript`].
#[derive(Properties, PartialEq)]
pub struct TranscriptProps {
    /// Each command sent since the cluster booted, oldest first, with its exit code.
    pub commands: Vec<(String, i32)>,
    /// The one shown.
    pub shown: usize,
    /// Called with the index of the command to open.
    pub onshow: Callback<usize>,
}

/// The commands sent since the cluster booted, each opening its output and trace (so a
/// who-can or a mistake never loses the trace being studied).
#[function_component(Transcript)]
pub fn transcript(props: &TranscriptProps) -> Html {
    let from = props.commands.len().saturating_sub(TRANSCRIPT_SHOWN);
    html! {
        <nav class="transcript" aria-label="Commands sent">
            <h2>{ "Commands sent" }</h2>
            if from > 0 {
                <p class="muted">{ format!("{from} older command(s) not listed") }</p>
            }
            <ol id="transcript" start={(from + 1).to_string()}>
                { for props.commands.iter().enumerate().skip(from).map(|(i, (command, exit))| {
                    let onshow = props.onshow.clone();
                    let current = i == props.shown;
                    let first = command.lines().next().unwrap_or("");
                    let more = command.lines().count() > 1;
                    html! {
                        <li>
                            <button type="button" data-run={i.to_string()} aria-current={current.then_some("true")}
                                class={classes!(current.then_some("current"))}
                                onclick={Callback::from(move |_| onshow.emit(i))}>
                                <code>{ first }{ if more { " …" } else { "" } }</code>
                                <span class="exit" data-exit-code={exit.to_string()}>{ format!("exit {exit}") }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}

/// Properties of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// The example the workspace was opened from.
    pub current: Option<&'static str>,
    /// Called with the id of the example to open.
    pub onopen: Callback<&'static str>,
}

/// The examples, a card each: what it shows, and a button that opens it.
#[function_component(Gallery)]
pub fn gallery(props: &GalleryProps) -> Html {
    html! {
        <section id="gallery" class="gallery" aria-label="Examples">
            <h2>{ "Examples" }</h2>
            <p class="muted">{ "Each opens a workspace on one topic, with commands to try. Your workspace can be brought back with Undo." }</p>
            <ul>
                { for crate::examples::EXAMPLES.iter().map(|ex| {
                    let onopen = props.onopen.clone();
                    let id = ex.id;
                    let current = props.current == Some(id);
                    html! {
                        <li class="example-card" data-example={id}>
                            <span class="topic">{ ex.topic }</span>
                            <h3>{ ex.title }</h3>
                            <p>{ ex.about }</p>
                            <button type="button" class="primary" aria-current={current.then_some("true")}
                                onclick={Callback::from(move |_| onopen.emit(id))}>
                                { if current { "Open again" } else { "Open" } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

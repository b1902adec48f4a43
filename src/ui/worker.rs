//! The page's side of the engine's thread. The reducer's jobs ([`super::engine::Job`]) go to
//! a module Web Worker (www/worker.js) running the engine's own wasm bundle
//! (src/bin/kubegate-engine.rs), one JSON message each; its replies come back as
//! [`super::state::Action::Reply`]. If the worker cannot start (a browser without module
//! workers, a host that does not serve worker.js), the page loads the engine's bundle itself
//! (www/boot.js: `KubegateLocalEngine`, which takes the same messages) and says so in the
//! console: slower on big workspaces, but working.
//!
//! Not `gloo-worker`: it ships messages with bincode, which cannot carry the engine's traces
//! (their JSON form skips empty fields and flattens mutations, which bincode refuses).

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

use super::engine::{Job, Reply};

/// Where jobs go.
enum Link {
    /// Nowhere yet: the worker starts with the first job.
    Unstarted,
    Worker(web_sys::Worker),
    /// The engine's bundle loaded in the page (www/boot.js: `KubegateLocalEngine`, which takes
    /// and answers messages as a worker does, and cannot be stopped).
    Local(web_sys::Worker),
}

struct Conn {
    link: Link,
    /// Jobs given and not written out yet.
    unsent: Vec<Job>,
    /// Jobs sent and not answered yet, as JSON (the engine in the page takes them over if the
    /// worker turns out unable to start).
    out: VecDeque<String>,
    /// Whether the worker answered at least once (after that, its failure is a crash).
    answered: bool,
    /// Where replies go, once the page is up; replies before that wait in `early`.
    deliver: Option<Callback<Reply>>,
    early: Vec<Reply>,
    handlers: Vec<Box<dyn std::any::Any>>,
}

thread_local! {
    static CONN: RefCell<Conn> = RefCell::new(Conn {
        link: Link::Unstarted,
        unsent: Vec::new(),
        out: VecDeque::new(),
        answered: false,
        deliver: None,
        early: Vec::new(),
        handlers: Vec::new(),
    });
}

/// Sends the engine a job. Writing it out (a 10 MB text, escaped for JSON, then copied for the
/// worker: ~80 ms) is left to a task of its own, after the action that made it; the jobs keep
/// their order.
pub fn post(job: Job) {
    let first = CONN.with(|c| {
        let mut c = c.borrow_mut();
        c.unsent.push(job);
        c.unsent.len() == 1
    });
    mark(true);
    if first {
        gloo_timers::callback::Timeout::new(0, || {
            let jobs = CONN.with(|c| std::mem::take(&mut c.borrow_mut().unsent));
            for job in jobs {
                if let Ok(json) = serde_json::to_string(&job) {
                    post_text(json);
                }
            }
        })
        .forget();
    }
}

/// Sends the engine a job as written (for the browser tests): a text that is no job makes the
/// engine answer as if it had crashed, which shows the page's crash notice by the path a panic
/// in the worker takes.
pub fn post_raw(job: String) {
    post_text(job);
}

fn post_text(json: String) {
    CONN.with(|c| {
        let mut c = c.borrow_mut();
        if matches!(c.link, Link::Unstarted) {
            match spawn(&mut c.handlers) {
                Some(w) => c.link = Link::Worker(w),
                None => {
                    // Written out by `fall_back`, with the others.
                    c.out.push_back(json);
                    drop(c);
                    fall_back();
                    return;
                }
            }
        }
        c.out.push_back(json.clone());
        if let Link::Worker(w) | Link::Local(w) = &c.link {
            let _ = w.post_message(&JsValue::from_str(&json));
        }
    });
    mark(true);
}

/// Says on the page's root whether the engine has jobs out (`data-engine="busy"`, else
/// `"idle"`): what the browser tests wait on, as a person waits for the answer.
fn mark(busy: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-engine", if busy { "busy" } else { "idle" });
    }
}

/// Where the replies go from now on (the page's reducer); those that came before are handed
/// over at once.
pub fn connect(deliver: Callback<Reply>) {
    let early = CONN.with(|c| {
        let mut c = c.borrow_mut();
        c.deliver = Some(deliver.clone());
        std::mem::take(&mut c.early)
    });
    for reply in early {
        deliver.emit(reply);
    }
}

/// Stops the worker and what it was doing (its cluster goes with it; the next job starts a
/// new one). `false` when the page runs the engine itself and cannot stop it.
pub fn stop() -> bool {
    CONN.with(|c| {
        let mut c = c.borrow_mut();
        let Link::Worker(w) = &c.link else {
            return false;
        };
        w.terminate();
        c.link = Link::Unstarted;
        c.unsent.clear();
        c.out.clear();
        c.answered = false;
        c.handlers.clear();
        mark(false);
        true
    })
}

/// What the engine is told first: where its bundle is (www/boot.js: `kubegateEngineFiles`).
fn init_message() -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"kubegateEngineFiles".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(&JsValue::NULL)
        .ok()
}

/// Hands an engine (a worker, or the page's `KubegateLocalEngine`) the page's handlers.
fn attach(engine: &web_sys::Worker, handlers: &mut Vec<Box<dyn std::any::Any>>) {
    let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        if let Some(text) = e.data().as_string() {
            CONN.with(|c| c.borrow_mut().answered = true);
            receive(&text);
        }
    });
    engine.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    handlers.push(Box::new(onmessage));
}

/// Starts the worker and tells it where the engine's bundle is.
fn spawn(handlers: &mut Vec<Box<dyn std::any::Any>>) -> Option<web_sys::Worker> {
    let doc = web_sys::window()?.document()?;
    let base = doc.base_uri().ok().flatten()?;
    let script = web_sys::Url::new_with_base("worker.js", &base).ok()?.href();
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    options.set_name("kubegate engine");
    let worker = web_sys::Worker::new_with_options(&script, &options).ok()?;
    attach(&worker, handlers);
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        e.prevent_default();
        fall_back();
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    handlers.push(Box::new(onerror));
    worker.post_message(&init_message()?).ok()?;
    Some(worker)
}

/// The worker could not start: the engine's bundle, loaded in the page, does the jobs it was
/// given. A worker that fails after answering has crashed.
fn fall_back() {
    let answered = CONN.with(|c| {
        let c = c.borrow_mut();
        if let Link::Worker(w) = &c.link {
            w.terminate();
        }
        c.answered
    });
    if answered {
        crash("the engine's worker stopped");
        return;
    }
    web_sys::console::warn_1(
        &"kubegate: the engine's worker did not start; the page runs the engine itself".into(),
    );
    let local = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"KubegateLocalEngine".into()).ok())
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .and_then(|c| js_sys::Reflect::construct(&c, &js_sys::Array::new()).ok())
        .map(|e| e.unchecked_into::<web_sys::Worker>());
    let (Some(local), Some(init)) = (local, init_message()) else {
        crash("the engine could not start in the page either");
        return;
    };
    let jobs = CONN.with(|c| {
        let mut c = c.borrow_mut();
        let mut handlers = std::mem::take(&mut c.handlers);
        attach(&local, &mut handlers);
        c.handlers = handlers;
        c.link = Link::Local(local.clone());
        c.out.iter().cloned().collect::<Vec<_>>()
    });
    let _ = local.post_message(&init);
    for job in jobs {
        let _ = local.post_message(&JsValue::from_str(&job));
    }
}

/// Takes in one message of the engine's.
fn receive(text: &str) {
    let reply = match Reply::from_json(text) {
        Ok(r) => r,
        Err(e) => Reply::Crashed(format!("the page could not read the engine's answer: {e}")),
    };
    match reply {
        Reply::Schemas(problem) => {
            match problem {
                None => {
                    if let Some(root) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.document_element())
                    {
                        let _ = root.set_attribute("data-openapi", "ready");
                    }
                }
                Some(p) => web_sys::console::warn_1(
                    &format!("kubegate: API schemas not usable: {p}").into(),
                ),
            }
            return;
        }
        Reply::Crashed(what) => {
            crash(&what);
            return;
        }
        _ => {}
    }
    let deliver = CONN.with(|c| {
        let mut c = c.borrow_mut();
        if reply.answers_job() {
            c.out.pop_front();
        }
        let deliver = c.deliver.clone();
        if deliver.is_none() {
            c.early.push(reply.clone());
        }
        deliver
    });
    if let Some(deliver) = deliver {
        deliver.emit(reply);
    }
    // Whatever the reply started is out (or about to be) by now.
    mark(CONN.with(|c| {
        let c = c.borrow();
        !c.out.is_empty() || !c.unsent.is_empty()
    }));
}

/// The engine stopped because of a bug: the page's crash notice (www/boot.js) says so and
/// offers a reload; the workspace is saved.
fn crash(what: &str) {
    super::note_panic(what);
    let init = web_sys::ErrorEventInit::new();
    init.set_message(what);
    if let (Some(w), Ok(e)) = (
        web_sys::window(),
        web_sys::ErrorEvent::new_with_event_init_dict("error", &init),
    ) {
        let _ = w.dispatch_event(&e);
    }
}

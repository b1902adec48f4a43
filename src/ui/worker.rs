//! The page's side of the engine's thread. The reducer's jobs ([`super::engine::Job`]) go to
//! a module Web Worker (www/worker.js) running the same wasm, one JSON message each; its
//! replies come back as [`super::state::Action::Reply`]. If the worker cannot start (a browser
//! without module workers, a host that does not serve worker.js), the page runs the engine
//! itself, one job per task, and says so in the console: slower on big workspaces, but
//! working.
//!
//! Not `gloo-worker`: it ships messages with bincode, which cannot carry the engine's traces
//! (their JSON form skips empty fields and flattens mutations, which bincode refuses), and it
//! wants a second wasm bundle for the worker, doubling the download and the build.

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

use super::engine::{self, Job, Reply};

/// Where jobs go.
enum Link {
    /// Nowhere yet: the worker starts with the first job.
    Unstarted,
    Worker(web_sys::Worker),
    /// The page's own engine.
    Local,
}

struct Conn {
    link: Link,
    /// Jobs given and not written out yet.
    unsent: Vec<Job>,
    /// Jobs sent and not answered yet, as JSON (the page's engine takes them over if the
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

/// Sends the engine a job as written, for the browser tests (`window.kubegateEngineJob`, set by
/// www/boot.js): a text that is no job makes the engine answer as if it had crashed, which
/// shows the page's crash notice by the path a panic in the worker takes.
#[wasm_bindgen]
pub fn engine_post_raw(job: String) {
    post_text(job);
}

fn post_text(json: String) {
    let local = CONN.with(|c| {
        let mut c = c.borrow_mut();
        if matches!(c.link, Link::Unstarted) {
            c.link = spawn(&mut c.handlers).map_or(Link::Local, Link::Worker);
        }
        c.out.push_back(json.clone());
        match &c.link {
            Link::Worker(w) => w.post_message(&JsValue::from_str(&json)).is_err(),
            _ => true,
        }
    });
    mark(true);
    if local {
        run_locally(json);
    }
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

/// Starts the worker and hands it the addresses of the page's own wasm.
fn spawn(handlers: &mut Vec<Box<dyn std::any::Any>>) -> Option<web_sys::Worker> {
    let doc = web_sys::window()?.document()?;
    let base = doc.base_uri().ok().flatten()?;
    let tag = doc
        .query_selector("script[data-kubegate-js]")
        .ok()
        .flatten()?;
    let absolute = |p: &str| web_sys::Url::new_with_base(p, &base).ok().map(|u| u.href());
    let js = absolute(&tag.get_attribute("data-kubegate-js")?)?;
    let wasm = absolute(&tag.get_attribute("data-kubegate-wasm")?)?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    options.set_name("kubegate engine");
    let worker = web_sys::Worker::new_with_options(&absolute("worker.js")?, &options).ok()?;
    let onmessage = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        if let Some(text) = e.data().as_string() {
            CONN.with(|c| c.borrow_mut().answered = true);
            receive(&text);
        }
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        e.prevent_default();
        fall_back();
    });
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    handlers.push(Box::new(onmessage));
    handlers.push(Box::new(onerror));
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"js".into(), &js.into()).ok()?;
    js_sys::Reflect::set(&init, &"wasm".into(), &wasm.into()).ok()?;
    worker.post_message(&init).ok()?;
    Some(worker)
}

/// The worker could not start: the page's engine does the jobs it was given. A worker that
/// fails after answering has crashed.
fn fall_back() {
    let (answered, jobs) = CONN.with(|c| {
        let mut c = c.borrow_mut();
        if let Link::Worker(w) = &c.link {
            w.terminate();
        }
        c.link = Link::Local;
        (c.answered, c.out.iter().cloned().collect::<Vec<_>>())
    });
    if answered {
        crash("the engine's worker stopped");
        return;
    }
    web_sys::console::warn_1(
        &"kubegate: the engine's worker did not start; the page runs the engine itself".into(),
    );
    for job in jobs {
        run_locally(job);
    }
}

/// Does a job on the page's own engine, in a task of its own (as the worker would answer).
fn run_locally(job: String) {
    gloo_timers::callback::Timeout::new(0, move || {
        let mut news = Vec::new();
        let reply = engine::handle_json(&job, &mut |n| news.push(n));
        for n in news {
            receive(&n);
        }
        receive(&reply);
    })
    .forget();
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

/// Sets up the engine in the worker (www/worker.js calls it once the wasm is loaded): a
/// panic's message is left where worker.js reads it to report the crash.
#[wasm_bindgen]
pub fn worker_start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &"kubegatePanic".into(),
            &info.to_string().into(),
        );
    }));
}

/// Does one job (JSON) and answers (JSON): what www/worker.js calls for each message; `news`
/// posts what the engine says before its answer.
#[wasm_bindgen]
pub fn engine_handle(job: &str, news: &js_sys::Function) -> String {
    engine::handle_json(job, &mut |text| {
        let _ = news.call1(&JsValue::NULL, &JsValue::from_str(&text));
    })
}

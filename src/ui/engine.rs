//! The engine's side of the page: reading the workspace, booting its cluster and running
//! commands on it. In the page this runs in a Web Worker (www/worker.js loads the same wasm
//! and hands it [`handle_json`]), so a 10 MB workspace never holds the page still; the native
//! tests run the very same [`Engine`] in-process, through the same JSON.
//!
//! The page ([`super::state::AppState`]) sends one [`Job`] at a time and waits for its
//! [`Reply`] before it decides the next, so what it knows (the runs since boot, whether the
//! cluster is stale) is never behind what the engine did.

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::state::{Action, AppState};

use crate::sim::clock::Instant;
use crate::sim::kubectl::complete::Completion;
use crate::sim::kubectl::Outcome;
use crate::sim::outline;
use crate::sim::session::Session;
use crate::sim::store::{name_of, namespace_of};
use crate::sim::trace::RequestTrace;
use crate::sim::workspace::{self, Diagnostic};

/// What the page asks the engine to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Read workspace text `rev`: its diagnostics and outline (kept for the next boot).
    Check { rev: u64, text: String },
    /// Work on the cluster of workspace text `rev`: first boot it when `boot` is given (and
    /// send those earlier commands again), then do `then`. `text` is sent only when the
    /// engine does not hold text `rev` yet.
    Cluster {
        rev: u64,
        text: Option<String>,
        boot: Option<Vec<String>>,
        then: Then,
    },
}

/// What to do once the cluster is up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Then {
    /// Send these command lines (each may be a script with a here-document).
    Run(Vec<String>),
    /// Answer a read-only question; its requests are not kept.
    Ask(String),
    /// Complete the last word of this command bar.
    Complete(String),
    /// Read one object of the store, as YAML.
    Object(ObjectKey),
}

/// One object of the store: group, resource, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectKey {
    pub group: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
}

/// What the engine answers to one [`Job`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// A text was read.
    Checked {
        rev: u64,
        diagnostics: Vec<Diagnostic>,
        outline: Vec<outline::Entry>,
    },
    /// The cluster did what it was asked.
    Cluster(Box<Worked>),
    /// The engine stopped because of a bug (a panic in the worker); the page shows its crash
    /// notice. Made by www/worker.js, never by [`Engine::handle`].
    Crashed(String),
    /// The API schemas behind `kubectl explain` were read (`None`), or what went wrong. Made
    /// by www/worker.js on its own, not an answer to a job.
    Schemas(Option<String>),
    /// Workspace text `rev` deflated for the browser's storage (a large one: packing 10 MB
    /// would hold the page still). Sent before the text is read, so that a text the engine
    /// stops on is saved; not an answer to a job.
    Packed { rev: u64, kept: String },
}

impl Reply {
    /// Reads a reply the engine wrote. Its depth is the engine's bounded inputs' (a workspace
    /// or a body at most [`crate::sim::limits::MAX_DEPTH`] deep) plus the ~15 levels a trace
    /// wraps them in, past serde_json's default limit of 128: so no limit here.
    pub fn from_json(text: &str) -> Result<Reply, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        de.disable_recursion_limit();
        let reply = Reply::deserialize(&mut de)?;
        de.end()?;
        Ok(reply)
    }

    /// Whether this answers a job (the others are news the engine sends on its own).
    pub fn answers_job(&self) -> bool {
        !matches!(self, Reply::Schemas(_) | Reply::Packed { .. })
    }
}

/// What a [`Job::Cluster`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Worked {
    /// The workspace text the job was about.
    pub rev: u64,
    /// When the job booted the cluster: how it went.
    pub booted: Option<Booted>,
    /// The answer.
    pub answer: Answer,
    /// When a command rewrote the kubeconfig (`kubectl config …`), the workspace text with
    /// the new one, read.
    pub rewritten: Option<Rewritten>,
    /// The cluster's simulated time.
    pub now: Instant,
    /// The cluster's objects, for the page's cluster view (`None` when no cluster runs).
    pub cluster: Option<ClusterSummary>,
}

/// The result of a boot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booted {
    /// Whether it booted; if not, `diagnostics` are the errors and the cluster before it (if
    /// any) keeps running.
    pub ok: bool,
    /// Its errors, or the warnings of the text it booted.
    pub diagnostics: Vec<Diagnostic>,
    /// The text's outline, when the text had not been checked before.
    pub outline: Option<Vec<outline::Entry>>,
    /// The earlier commands sent again, with what they did.
    pub earlier: Vec<(String, Carried)>,
}

/// A workspace text a command rewrote, with its reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rewritten {
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub outline: Vec<outline::Entry>,
}

/// The answer of a [`Job::Cluster`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// The command lines sent, each with its outcome.
    Ran(Vec<(String, Carried)>),
    /// The question's answer.
    Asked(String, Carried),
    /// The completion of this command bar.
    Completed(String, Completion),
    /// The object read (`None`: it is gone).
    Object(ObjectKey, Option<String>),
    /// No cluster could run these command lines (the workspace has errors).
    NotRun(Vec<String>),
    /// No cluster could run (the workspace has errors, or nothing booted): nothing was done.
    NoCluster,
}

/// An [`Outcome`] as it travels between the worker and the page: all of it, including what
/// the trace JSON leaves out (the body the client sent, which the page compares with what
/// was stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Carried(pub Outcome);

#[derive(Serialize, Deserialize)]
struct Wire {
    stdout: String,
    stderr: String,
    code: i32,
    requests: Vec<(RequestTrace, Option<String>)>,
}

impl Serialize for Carried {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // The same fields as [`Wire`], written without copying the traces.
        struct Requests<'a>(&'a [RequestTrace]);
        impl Serialize for Requests<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|r| (r, &r.sent_body)))
            }
        }
        let o = &self.0;
        let mut w = s.serialize_struct("Wire", 4)?;
        w.serialize_field("stdout", &o.stdout)?;
        w.serialize_field("stderr", &o.stderr)?;
        w.serialize_field("code", &o.exit_code)?;
        w.serialize_field("requests", &Requests(&o.requests))?;
        w.end()
    }
}

impl<'de> Deserialize<'de> for Carried {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        Ok(Carried(Outcome {
            stdout: w.stdout,
            stderr: w.stderr,
            exit_code: w.code,
            requests: w
                .requests
                .into_iter()
                .map(|(mut r, sent)| {
                    r.sent_body = sent;
                    r
                })
                .collect(),
        }))
    }
}

/// The store's resources, and the first objects of each, for the cluster view.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClusterSummary {
    /// The store's revision (it changes with every write).
    pub revision: u64,
    pub resources: Vec<ResourceSummary>,
}

/// One resource of the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceSummary {
    pub group: String,
    pub resource: String,
    /// How many objects it has.
    pub count: usize,
    /// The first [`LISTED`] of them, sorted: namespace and name.
    pub objects: Vec<(String, String)>,
}

/// How many objects of one resource the cluster view lists.
pub const LISTED: usize = 200;

/// The engine: the workspace text it was last given, its reading, and the cluster.
#[derive(Default)]
pub struct Engine {
    /// The text it holds.
    text: String,
    /// The reading of `text`, when it was checked and not booted since.
    reading: Option<workspace::Parsed>,
    session: Option<Session>,
}

impl Engine {
    /// Does one job; `news` takes what the engine says before its answer.
    pub fn handle(&mut self, job: Job, news: &mut dyn FnMut(Reply)) -> Reply {
        // A new large text is deflated for the page's storage before anything reads it.
        if let Job::Check { rev, text }
        | Job::Cluster {
            rev,
            text: Some(text),
            ..
        } = &job
        {
            if text.len() > crate::share::PACK_OVER {
                news(Reply::Packed {
                    rev: *rev,
                    kept: crate::share::pack_text(text),
                });
            }
        }
        match job {
            Job::Check { rev, text } => {
                let parsed = workspace::parse(&text);
                let diagnostics = parsed.diagnostics.clone();
                let outline = outline::outline(&text);
                self.text = text;
                self.reading = Some(parsed);
                Reply::Checked {
                    rev,
                    diagnostics,
                    outline,
                }
            }
            Job::Cluster {
                rev,
                text,
                boot,
                then,
            } => {
                if let Some(text) = text {
                    self.text = text;
                    self.reading = None;
                }
                let mut rewritten = None;
                let booted = boot.map(|earlier| self.boot(earlier, &mut rewritten));
                // A failed boot runs nothing, not even on the cluster before it.
                let up = self.session.is_some() && booted.as_ref().is_none_or(|b| b.ok);
                let answer = match then {
                    // Completion still knows kubectl's commands and flags without a cluster.
                    Then::Complete(command) => {
                        let session = self.session.as_ref().filter(|_| up);
                        let c = crate::sim::kubectl::complete::complete(session, &command);
                        Answer::Completed(command, c)
                    }
                    Then::Run(lines) if !up => Answer::NotRun(lines),
                    _ if !up => Answer::NoCluster,
                    Then::Run(lines) => Answer::Ran(
                        lines
                            .into_iter()
                            .map(|line| {
                                let outcome = self.exec(&line, &mut rewritten);
                                (line, Carried(outcome))
                            })
                            .collect(),
                    ),
                    Then::Ask(line) => match &mut self.session {
                        Some(session) => {
                            let mut outcome = run_script(session, &line);
                            // Only the answer is kept, not its requests.
                            outcome.requests = Vec::new();
                            Answer::Asked(line, Carried(outcome))
                        }
                        None => Answer::NoCluster,
                    },
                    Then::Object(key) => {
                        let yaml = self.session.as_ref().and_then(|s| {
                            s.cluster
                                .store
                                .get(&key.group, &key.resource, &key.namespace, &key.name)
                                .map(crate::sim::yamlout::to_yaml)
                        });
                        Answer::Object(key, yaml)
                    }
                };
                let rewritten = rewritten.map(|text: String| {
                    let parsed = workspace::parse(&text);
                    Rewritten {
                        diagnostics: parsed.diagnostics,
                        outline: outline::outline(&text),
                        text,
                    }
                });
                Reply::Cluster(Box::new(Worked {
                    rev,
                    booted,
                    answer,
                    rewritten,
                    now: match &self.session {
                        Some(s) => s.cluster.now,
                        None => crate::sim::controlplane::ControlPlane::default().clock,
                    },
                    cluster: self.session.as_ref().map(summary),
                }))
            }
        }
    }

    /// Boots the cluster from the text held (taking its reading, if it has one), then sends
    /// the earlier commands again; on errors the cluster before keeps running.
    fn boot(&mut self, earlier: Vec<String>, rewritten: &mut Option<String>) -> Booted {
        let (booted, outline) = match self.reading.take() {
            Some(parsed) => (Session::from_parsed(parsed), None),
            None => (Session::new(&self.text), Some(outline::outline(&self.text))),
        };
        match booted {
            Ok(s) => {
                let diagnostics = s.warnings.clone();
                self.session = Some(s);
                let earlier = earlier
                    .into_iter()
                    .map(|line| {
                        let outcome = self.exec(&line, rewritten);
                        (line, Carried(outcome))
                    })
                    .collect();
                Booted {
                    ok: true,
                    diagnostics,
                    outline,
                    earlier,
                }
            }
            Err(diagnostics) => Booted {
                ok: false,
                diagnostics,
                outline,
                earlier: Vec::new(),
            },
        }
    }

    /// Runs one command line; a command that changed the kubeconfig (`kubectl config …`)
    /// has it written back into the text, as kubectl rewrites its file.
    fn exec(&mut self, line: &str, rewritten: &mut Option<String>) -> Outcome {
        let Some(session) = &mut self.session else {
            return Outcome::default();
        };
        let before = session.kubeconfig.clone();
        let outcome = run_script(session, line);
        if session.kubeconfig != before {
            self.text = workspace::with_kubeconfig(&self.text, &session.kubeconfig);
            self.reading = None;
            *rewritten = Some(self.text.clone());
        }
        outcome
    }
}

/// The cluster view's summary of a store.
fn summary(session: &Session) -> ClusterSummary {
    let store = &session.cluster.store;
    ClusterSummary {
        revision: store.revision(),
        resources: store
            .resources()
            .map(|(g, r, count)| ResourceSummary {
                group: g.to_string(),
                resource: r.to_string(),
                count,
                objects: store
                    .list(g, r, None)
                    .take(LISTED)
                    .map(|o| (namespace_of(o).to_string(), name_of(o).to_string()))
                    .collect(),
            })
            .collect(),
    }
}

/// Runs the bar's text as a shell script: a here-document (`kubectl create -f - <<EOF` …
/// `EOF`) feeds stdin, several commands run in turn and make one outcome.
fn run_script(session: &mut Session, line: &str) -> Outcome {
    let mut outcome = Outcome::default();
    session.script_each(line, &mut |_, o| {
        outcome.stdout.push_str(&o.stdout);
        outcome.stderr.push_str(&o.stderr);
        outcome.exit_code = o.exit_code;
        outcome.requests.extend(o.requests);
    });
    let minor = session.minor();
    crate::sim::securitycontext::attach(&mut outcome.requests, minor);
    outcome
}

/// The page's state with an engine in the same thread, for driving the page without a browser
/// (the tests): each action's jobs are done before the next action, through the JSON the page
/// and its worker exchange, news included.
#[derive(Clone)]
pub struct LocalPage {
    s: AppState,
    engine: Rc<RefCell<Engine>>,
}

impl std::ops::Deref for LocalPage {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.s
    }
}

impl LocalPage {
    /// A page showing this workspace and command, its first reading done.
    pub fn new(workspace: &str, command: &str) -> LocalPage {
        LocalPage::of(AppState::new(workspace.into(), command.into()))
    }

    /// This page state, with its jobs done.
    pub fn of(s: AppState) -> LocalPage {
        let mut p = LocalPage {
            s,
            engine: Rc::default(),
        };
        p.settle();
        p
    }

    /// Applies an action and does the jobs it made.
    pub fn apply(&mut self, a: Action) {
        self.s.apply(a);
        self.settle();
    }

    fn settle(&mut self) {
        fn through_json<T: Serialize + serde::de::DeserializeOwned>(t: &T) -> T {
            serde_json::to_string(t)
                .and_then(|text| serde_json::from_str(&text))
                .expect("a job or a reply that does not travel")
        }
        loop {
            let jobs = std::mem::take(&mut self.s.outbox);
            if jobs.is_empty() {
                break;
            }
            for job in jobs {
                let mut news = Vec::new();
                let reply = self
                    .engine
                    .borrow_mut()
                    .handle(through_json(&job), &mut |n| news.push(n));
                for n in news.into_iter().chain([reply]) {
                    let text = serde_json::to_string(&n).expect("a reply is JSON");
                    let read = Reply::from_json(&text).expect("a reply reads back");
                    self.s.apply(Action::Reply(read));
                }
            }
        }
    }

    /// The same page, with the commands sent in earlier visits.
    pub fn with_history(mut self, history: Vec<String>) -> LocalPage {
        self.s = self.s.with_history(history);
        self
    }

    /// The same page after sending `commands` again.
    pub fn with_replay(mut self, commands: Vec<String>) -> LocalPage {
        self.s = self.s.with_replay(commands);
        self.settle();
        self
    }
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::default();
}

/// Does one job given as JSON and answers in JSON: what www/worker.js calls for each message;
/// `news` takes the messages sent before the answer, as JSON too. A job that does not read is
/// a bug of the page's, answered as a crash.
pub fn handle_json(job: &str, news: &mut dyn FnMut(String)) -> String {
    let mut news = |r: Reply| {
        if let Ok(text) = serde_json::to_string(&r) {
            news(text)
        }
    };
    let reply = match serde_json::from_str::<Job>(job) {
        Ok(job) => ENGINE.with(|e| e.borrow_mut().handle(job, &mut news)),
        Err(e) => Reply::Crashed(format!("the engine could not read a job: {e}")),
    };
    serde_json::to_string(&reply).unwrap_or_else(|e| {
        serde_json::to_string(&Reply::Crashed(format!(
            "the engine could not write its answer: {e}"
        )))
        .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::DEFAULT_WORKSPACE;

    /// Everything the page shows of a run survives the trip from the worker: mutations with
    /// their patches, stage details in their order, the RBAC graph with near misses, the body
    /// sent. (The request's path segments are the server's own and do not travel.)
    #[test]
    fn an_outcome_travels_whole() {
        let mut session = Session::new(DEFAULT_WORKSPACE).unwrap();
        let mut seen = (false, false, false, false);
        for line in [
            "kubectl --context dev create -f pod.yaml",
            "kubectl --context dev get secrets -n blue",
            "kubectl get pods -A -o yaml",
            "kubectl --as dev-user --as-group devs auth can-i list pods -n blue",
            "kubectl create ns green",
            "kubectl run web --image=nginx -n green --labels=a=b",
        ] {
            let mut outcome = run_script(&mut session, line);
            for r in &mut outcome.requests {
                r.attributes.parts.clear();
                seen.0 |= r.sent_body.is_some();
                for st in &r.stages {
                    seen.1 |= st.steps.iter().any(|s| s.mutation.is_some());
                    seen.2 |= st.details.len() > 1;
                    seen.3 |= !st.graph.is_empty();
                }
            }
            let text = serde_json::to_string(&Carried(outcome.clone())).unwrap();
            let back: Carried = serde_json::from_str(&text).unwrap();
            assert_eq!(back.0, outcome, "{line}");
        }
        assert_eq!(
            seen,
            (true, true, true, true),
            "the lines exercise every part"
        );
    }

    #[test]
    fn a_job_that_does_not_read_is_answered_as_a_crash() {
        let reply: Reply =
            serde_json::from_str(&handle_json("{\"Nope\": 1}", &mut |_| {})).unwrap();
        assert!(
            matches!(reply, Reply::Crashed(m) if m.starts_with("the engine could not read a job"))
        );
        let reply: Reply = serde_json::from_str(&handle_json(
            &serde_json::to_string(&Job::Check {
                rev: 7,
                text: "kind: [".into(),
            })
            .unwrap(),
            &mut |_| {},
        ))
        .unwrap();
        assert!(
            matches!(reply, Reply::Checked { rev: 7, diagnostics, .. } if !diagnostics.is_empty())
        );
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;
    use crate::ui::state::DEFAULT_WORKSPACE;

    /// A value as deep as a workspace may hold, passed through a webhook's patch into the
    /// trace, still travels from the worker to the page (the reply wraps it in ~15 more levels).
    #[test]
    fn the_deepest_value_a_workspace_holds_travels() {
        let depth = crate::sim::yaml::MAX_DEPTH - 8;
        let deep = format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth));
        let ws = format!(
            "{DEFAULT_WORKSPACE}\n---\napiVersion: kubegate.dev/v1alpha1\nkind: WebhookServer\nmetadata: {{name: deep}}\nspec:\n  url: https://deep.example.com/m\n  admit:\n  - patch: [{{op: add, path: /metadata/annotations, value: {deep}}}]\n"
        );
        let mut page = LocalPage::new(&ws, "");
        assert!(!page.has_errors(), "{:?}", page.diagnostics);
        page.apply(Action::Run("kubectl create -f - <<EOF\napiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: deep}\nwebhooks:\n- name: deep.example.com\n  rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [configmaps]}]\n  clientConfig: {url: https://deep.example.com/m}\n  sideEffects: None\n  admissionReviewVersions: [v1]\nEOF".into()));
        page.apply(Action::Run("kubectl create configmap c".into()));
        let run = page.last_run().unwrap();
        assert!(!run.outcome.requests.is_empty());
        // The patched object does not fit its Go type: upstream's decode refuses it.
        assert!(
            run.outcome.stderr.ends_with("Internal error occurred: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string\n"),
            "{}",
            run.outcome.stderr
        );
        assert_eq!(run.outcome.exit_code, 1);
    }
}

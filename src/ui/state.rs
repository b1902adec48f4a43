//! The page's state and what each user action does to it. Pure Rust: the reducer is tested
//! natively; the components only render it. Stepping moves a cursor over a finished trace and
//! never re-runs a request.

use std::collections::VecDeque;
use std::rc::Rc;

use super::engine::{Answer, ClusterSummary, Job, ObjectKey, Reply, Then, Worked};
use crate::examples::{self, Example};
use crate::sim::clock::Instant;
use crate::sim::kubectl::Outcome;
use crate::sim::outline;
use crate::sim::trace::RequestTrace;
use crate::sim::workspace::{Diagnostic, Severity};

/// The workspace a page starts with.
pub const DEFAULT_WORKSPACE: &str = include_str!("../../static/workspaces/default.yaml");
/// The command the request bar starts with.
pub const DEFAULT_COMMAND: &str = "kubectl --context dev create -f pod.yaml";

/// One command the user sent, with everything it produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The command line as typed.
    pub command: String,
    /// What kubectl printed, its exit code and its requests.
    pub outcome: Outcome,
    /// Whether it reached a cluster (not when the workspace had errors): only those are sent
    /// again to rebuild the cluster.
    pub booted: bool,
    /// Whether its traces were dropped and its output cut, as the run grew older than the
    /// newest [`DETAIL_KEPT`] (memory stays bounded however long the session).
    pub summarized: bool,
}

/// One request of a run, as the components receive it: shared, and equal only to itself, so a
/// render compares two pointers instead of two traces (a list's body may be megabytes).
#[derive(Debug, Clone)]
pub struct Shown {
    pub run: Rc<Run>,
    pub request: usize,
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && self.request == other.request
    }
}

impl Shown {
    /// The request's trace.
    pub fn trace(&self) -> &RequestTrace {
        &self.run.outcome.requests[self.request]
    }
}

/// How many of the newest runs keep their traces and whole output.
pub const DETAIL_KEPT: usize = 10;
/// How much output an older run keeps.
pub const SUMMARY_OUTPUT: usize = 8 * 1024;

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The workspace text in the editor (shared: the state is copied on every action, and a
    /// workspace may be megabytes).
    pub workspace: Rc<str>,
    /// The command in the request bar.
    pub command: String,
    /// Errors and warnings about the workspace.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// The workspace's documents and files, with their lines (read with the diagnostics).
    pub outline: Rc<Vec<outline::Entry>>,
    /// Whether a cluster runs (in the engine, [`super::engine`]): not until the first send.
    pub booted: bool,
    /// Whether the workspace differs from the text the cluster booted from: the next send
    /// boots it again from the new text and first sends the earlier commands again.
    pub stale: bool,
    /// The text the cluster booted from.
    booted_from: Rc<str>,
    /// The cluster's objects, as the engine last reported them (`None`: no cluster).
    pub cluster: Option<Rc<ClusterSummary>>,
    /// The cluster's simulated time.
    pub now: Instant,
    /// The object of the cluster view being read, as YAML (`None`: it is gone).
    pub object: Option<(ObjectKey, Option<String>)>,
    /// The workspace text's revision: bumped whenever the text changes, so that an answer
    /// about an older text is known as such.
    ws_rev: u64,
    /// The revision of the text the engine holds, if it is known.
    engine_rev: Option<u64>,
    /// Jobs for the engine, in order: whoever applies actions posts them (the page to its
    /// worker, the tests to an [`super::engine::Engine`]) and applies the replies.
    pub outbox: Vec<Job>,
    /// How many jobs are out; while any is, actions that need the engine wait.
    pending: usize,
    /// What the engine is doing, for the page to say.
    pub busy: Option<String>,
    /// Actions that came while the engine was busy, in order.
    waiting: VecDeque<Action>,
    /// The workspace text deflated for the browser's storage, when it is large (packed by the
    /// engine, off the page's thread); `None` until then, and for a small text.
    pub kept: Option<Rc<str>>,
    /// The step to show once the commands sent again after a reload are back.
    restore_view: Option<(usize, usize)>,
    /// Bumped when Tab found nothing to complete: the page moves the focus on, as Tab does.
    pub tab_through: u64,
    /// Commands sent since the cluster booted, newest last.
    pub runs: Vec<Rc<Run>>,
    /// Which run is shown (the newest, unless the learner opened an older one).
    pub shown: usize,
    /// Which request of the shown run is shown.
    pub request: usize,
    /// Which step of that request is shown: a stage index, or `stages.len()` for the response.
    pub cursor: usize,
    /// What is pasted into the certificate/token decoder.
    pub decoder: String,
    /// Whether `diagnostics` describe the text in the editor (the check waits for a pause in
    /// typing, off the keystroke path).
    pub checked: bool,
    /// A workspace text during which the page stopped last time (a bug): kept, offered back,
    /// never read again on its own.
    pub crashed: Option<String>,
    /// Bumped by every action: the page saves and clears its markers once a change settled.
    pub revision: u64,
    /// Commands sent, oldest first (at most [`HISTORY_MAX`]; kept across reloads).
    pub history: Vec<String>,
    /// Which of them the bar shows while Up/Down browse it (`None`: the bar holds the
    /// command being written, kept in `draft`).
    pub history_at: Option<usize>,
    /// The command being written when browsing began.
    pub draft: String,
    /// Something the page must say once (e.g. that a reload could not bring the cluster back).
    pub notice: Option<String>,
    /// What the last reset replaced, to put back with [`Action::Undo`].
    pub undo: Option<Undo>,
    /// The example of the gallery the workspace was opened from, whose commands the page
    /// offers to try.
    pub example: Option<&'static Example>,
    /// A question asked from a card (who else can do this, what else can this user do),
    /// answered beside the trace instead of replacing it.
    pub aside: Option<Rc<Run>>,
    /// What Tab found for the word being typed, when there was more than one.
    pub completions: Vec<String>,
}

/// How many completions the bar lists.
pub const COMPLETIONS_MAX: usize = 60;

/// The work a reset replaced: the workspace and the commands sent since its cluster booted.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    /// What was reset, for the page to say (`the workspace`, `the cluster`).
    /// What happened, as the page says it ("Reset the workspace.").
    pub what: String,
    pub workspace: Rc<str>,
    pub commands: Vec<String>,
    pub example: Option<&'static Example>,
}

/// How many commands the history keeps.
pub const HISTORY_MAX: usize = 200;

/// What a user can do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The workspace text changed (it is checked later, with [`Action::CheckWorkspace`]; the
    /// cluster is kept until the next send, which boots it again and replays the commands).
    EditWorkspace(String),
    /// Read the workspace text and report its errors and warnings.
    CheckWorkspace,
    /// Put back the workspace text the page stopped on last time.
    RestoreCrashed,
    /// Forget the workspace text the page stopped on last time.
    DismissCrashed,
    /// The command text changed.
    EditCommand(String),
    /// Send the command.
    Send,
    /// Show the previous step.
    Prev,
    /// Show the next step.
    Next,
    /// Show a given step.
    Select(usize),
    /// Show another request of the run.
    SelectRequest(usize),
    /// Put the default workspace back.
    ResetWorkspace,
    /// Re-boot the cluster from the workspace, forgetting the commands sent.
    ResetCluster,
    /// The decoder's text changed.
    EditDecoder(String),
    /// Put a command in the bar and send it (the buttons of the authorization card).
    Run(String),
    /// Show the command sent before the one shown (Up in the bar).
    HistoryPrev,
    /// Show the command sent after the one shown, then the one being written (Down).
    HistoryNext,
    /// Put back what the last reset replaced: the workspace, and the cluster built by the
    /// commands sent on it.
    Undo,
    /// Forget what the last reset replaced.
    DismissUndo,
    /// Open an earlier command of the transcript, with its trace.
    ShowRun(usize),
    /// Replace the workspace with an example of the gallery (by id), and start its cluster.
    OpenExample(&'static str),
    /// Replace the workspace with one from a share link, and send its commands.
    OpenShared(crate::share::Shared),
    /// Replace the workspace with a file's text.
    Import { name: String, text: String },
    /// Say something once (a file or a link that could not be read).
    Notice(String),
    /// Put the notice away.
    DismissNotice,
    /// Ask a read-only question from a card (`kubectl who-can …`, `kubectl access-matrix …`)
    /// and show the answer beside the trace; it is not a run of the transcript.
    Ask(String),
    /// Put the answer away.
    CloseAside,
    /// Complete the last word of the command bar (Tab).
    Complete,
    /// Send this command line (a send made while the engine was busy, done once it is not).
    SendLine(String),
    /// Read an object of the cluster view.
    OpenObject(ObjectKey),
    /// Close it.
    CloseObject,
    /// What the engine answered to a job.
    Reply(Reply),
    /// The engine was stopped while it worked: its cluster and the jobs out are gone.
    Stopped,
}

impl Action {
    /// Whether the action needs the engine, or decides on what the engine did: such actions
    /// wait while a job is out.
    fn needs_engine(&self) -> bool {
        matches!(
            self,
            Action::CheckWorkspace
                | Action::Send
                | Action::SendLine(_)
                | Action::Run(_)
                | Action::Ask(_)
                | Action::Complete
                | Action::OpenObject(_)
                | Action::ResetWorkspace
                | Action::ResetCluster
                | Action::OpenExample(_)
                | Action::OpenShared(_)
                | Action::Import { .. }
                | Action::Undo
        )
    }
}

impl AppState {
    /// A page showing this workspace and command.
    pub fn new(workspace: String, command: String) -> Self {
        let mut state = AppState {
            outline: Rc::default(),
            workspace: workspace.into(),
            command,
            diagnostics: Rc::default(),
            booted: false,
            stale: false,
            booted_from: Rc::from(""),
            cluster: None,
            now: crate::sim::controlplane::ControlPlane::default().clock,
            object: None,
            ws_rev: 0,
            engine_rev: None,
            outbox: Vec::new(),
            pending: 0,
            busy: None,
            waiting: VecDeque::new(),
            kept: None,
            restore_view: None,
            tab_through: 0,
            runs: Vec::new(),
            shown: 0,
            request: 0,
            cursor: 0,
            decoder: String::new(),
            checked: true,
            crashed: None,
            revision: 0,
            history: Vec::new(),
            history_at: None,
            draft: String::new(),
            notice: None,
            undo: None,
            example: None,
            aside: None,
            completions: Vec::new(),
        };
        state.read_workspace();
        state
    }

    /// The same page, with the commands sent in earlier visits.
    pub fn with_history(mut self, mut history: Vec<String>) -> Self {
        let extra = history.len().saturating_sub(HISTORY_MAX);
        history.drain(..extra);
        self.history = history;
        self
    }

    /// The same page, offering back the workspace text it stopped on last time.
    pub fn with_crashed(mut self, crashed: Option<String>) -> Self {
        self.crashed = crashed.filter(|c| **c != *self.workspace);
        self
    }

    /// What the decoder makes of its text, at the cluster's simulated time.
    pub fn decoded(&self) -> Result<String, String> {
        crate::sim::decode::describe(&self.decoder, self.now)
    }

    /// Whether the workspace has an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The newest run.
    pub fn last_run(&self) -> Option<&Run> {
        self.runs.last().map(|r| &**r)
    }

    /// The run shown: the newest, or an older one opened from the transcript.
    pub fn shown_run(&self) -> Option<&Run> {
        self.runs.get(self.shown).map(|r| &**r)
    }

    /// The request shown, to hand to the components.
    pub fn shown(&self) -> Option<Shown> {
        let run = self.runs.get(self.shown)?;
        (self.request < run.outcome.requests.len()).then(|| Shown {
            run: run.clone(),
            request: self.request,
        })
    }

    /// The request shown.
    pub fn current_request(&self) -> Option<&RequestTrace> {
        self.shown_run()?.outcome.requests.get(self.request)
    }

    /// How many steps the shown request has (its stages plus the response).
    pub fn steps(&self) -> usize {
        self.current_request().map_or(0, |r| r.stages.len() + 1)
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        self.revision += 1;
        if self.pending > 0 && action.needs_engine() {
            // The bar's text is what is sent, as it is now.
            let action = match action {
                Action::Send => Action::SendLine(self.command.clone()),
                a => a,
            };
            self.waiting.push_back(action);
            return;
        }
        match action {
            Action::EditWorkspace(text) => self.set_workspace(text.into()),
            Action::CheckWorkspace => {
                if !self.checked {
                    self.read_workspace();
                    self.checked = true;
                }
            }
            Action::RestoreCrashed => {
                if let Some(text) = self.crashed.take() {
                    self.apply(Action::EditWorkspace(text));
                }
            }
            Action::DismissCrashed => self.crashed = None,
            Action::EditCommand(text) => {
                self.command = text;
                self.history_at = None;
                self.completions.clear();
            }
            Action::HistoryPrev => {
                let at = match self.history_at {
                    None if self.history.is_empty() => return,
                    None => {
                        self.draft = std::mem::take(&mut self.command);
                        self.history.len() - 1
                    }
                    Some(i) => i.saturating_sub(1),
                };
                self.history_at = Some(at);
                self.command = self.history[at].clone();
            }
            Action::HistoryNext => match self.history_at {
                None => {}
                Some(i) if i + 1 < self.history.len() => {
                    self.history_at = Some(i + 1);
                    self.command = self.history[i + 1].clone();
                }
                Some(_) => {
                    self.history_at = None;
                    self.command = std::mem::take(&mut self.draft);
                }
            },
            Action::Send => self.send(self.command.clone()),
            Action::SendLine(line) => self.send(line),
            Action::Run(command) => {
                self.command = command.clone();
                self.send(command);
            }
            Action::OpenObject(key) => self.post_cluster(Then::Object(key), false),
            Action::CloseObject => self.object = None,
            Action::Stopped => {
                self.pending = 0;
                self.busy = None;
                self.waiting.clear();
                self.engine_rev = None;
                self.booted = false;
                self.stale = false;
                self.cluster = None;
                self.object = None;
                self.restore_view = None;
                self.notice = Some(format!(
                    "Stopped. The transcript is kept; the next command boots the cluster from the workspace again{}.",
                    match self.commands_since_boot().len() {
                        0 => String::new(),
                        n => format!(" and first sends the {n} earlier command(s) again"),
                    }
                ));
            }
            // News, not an answer: no job is done.
            Action::Reply(reply) if !reply.answers_job() => self.receive(reply),
            Action::Reply(reply) => {
                self.receive(reply);
                self.pending = self.pending.saturating_sub(1);
                if self.pending == 0 {
                    self.busy = None;
                }
                // What waited, in order, until something needs the engine again.
                while self.pending == 0 {
                    let Some(next) = self.waiting.pop_front() else {
                        break;
                    };
                    self.apply(next);
                }
            }
            Action::Prev => self.cursor = self.cursor.saturating_sub(1),
            Action::Next => {
                if self.cursor + 1 < self.steps() {
                    self.cursor += 1;
                }
            }
            // Past the end: the last step (the response).
            Action::Select(i) => self.cursor = i.min(self.steps().saturating_sub(1)),
            Action::SelectRequest(i) => {
                if self
                    .shown_run()
                    .is_some_and(|r| i < r.outcome.requests.len())
                {
                    self.request = i;
                    self.cursor = self.steps().saturating_sub(1);
                }
            }
            Action::ResetWorkspace => {
                self.replace_workspace(DEFAULT_WORKSPACE, "Reset the workspace.".into());
                self.example = None;
            }
            Action::OpenExample(id) => {
                if let Some(ex) = examples::find(id) {
                    self.replace_workspace(
                        ex.text,
                        format!("Opened the example \"{}\".", ex.title),
                    );
                    self.example = Some(ex);
                    if let Some(first) = ex.tries.first() {
                        self.command = first.command.to_string();
                        self.history_at = None;
                    }
                }
            }
            Action::OpenShared(shared) => {
                self.replace_workspace(&shared.workspace, "Opened a shared link.".into());
                self.example = None;
                self.replay(shared.commands);
            }
            Action::Import { name, text } => {
                self.replace_workspace(&text, format!("Imported {name}."));
                self.example = None;
            }
            Action::Notice(text) => self.notice = Some(text),
            Action::DismissNotice => self.notice = None,
            // Asked of the cluster as it runs (a question boots nothing).
            Action::Ask(line) => {
                if self.booted {
                    self.post_cluster(Then::Ask(line), false);
                }
            }
            Action::CloseAside => self.aside = None,
            // Names come from the cluster: it boots if needed (nothing is sent).
            Action::Complete => {
                self.completions.clear();
                self.post_cluster(Then::Complete(self.command.clone()), true);
            }
            Action::ResetCluster => {
                let undo = self.undo_point("Reset the cluster.".into());
                self.drop_cluster();
                self.undo = Some(undo);
            }
            Action::Undo => {
                if let Some(undo) = self.undo.take() {
                    self.example = undo.example;
                    if undo.workspace != self.workspace {
                        self.set_workspace(undo.workspace.clone());
                        self.read_workspace();
                    }
                    self.drop_cluster();
                    self.replay(undo.commands);
                }
            }
            Action::DismissUndo => self.undo = None,
            Action::ShowRun(i) => {
                if i < self.runs.len() {
                    self.show(i);
                }
            }
            Action::EditDecoder(text) => self.decoder = text,
        }
    }

    fn send(&mut self, line: String) {
        self.completions.clear();
        let line = line.trim().to_string();
        if line.is_empty() {
            return;
        }
        self.history_at = None;
        if self.history.last() != Some(&line) {
            self.history.push(line.clone());
            if self.history.len() > HISTORY_MAX {
                self.history.remove(0);
            }
        }
        self.post_cluster(Then::Run(vec![line]), true);
    }

    /// What a reset of `what` is about to replace.
    fn undo_point(&self, what: String) -> Undo {
        Undo {
            what,
            workspace: self.workspace.clone(),
            commands: self.commands_since_boot(),
            example: self.example,
        }
    }

    /// Puts `text` in the editor and starts its cluster afresh; the reset can be undone.
    fn replace_workspace(&mut self, text: &str, what: String) {
        let undo = self.undo_point(what);
        self.set_workspace(text.into());
        self.read_workspace();
        self.drop_cluster();
        self.undo = Some(undo);
    }

    /// Puts `text` in the editor (read later, with [`Action::CheckWorkspace`]; the cluster
    /// runs on until the next send, which boots it again and replays the commands).
    fn set_workspace(&mut self, text: Rc<str>) {
        if *text != *self.workspace {
            self.workspace = text;
            self.ws_rev += 1;
            self.kept = None;
            self.checked = false;
            self.stale = self.booted && self.workspace != self.booted_from;
        }
    }

    /// Forgets the cluster and its runs: the next send boots the workspace afresh.
    fn drop_cluster(&mut self) {
        self.booted = false;
        self.stale = false;
        self.cluster = None;
        self.object = None;
        self.runs.clear();
    }

    /// The commands sent since the cluster booted, oldest first: sent again after a reload,
    /// they bring back the cluster and the transcript.
    pub fn commands_since_boot(&self) -> Vec<String> {
        self.runs
            .iter()
            .filter(|r| r.booted)
            .map(|r| r.command.clone())
            .collect()
    }

    /// The same page after sending `commands` again (what was sent before a reload), the
    /// command bar and the history as they were.
    pub fn with_replay(mut self, commands: Vec<String>) -> Self {
        self.replay(commands);
        self
    }

    /// Sends `commands` again, without adding them to the history.
    fn replay(&mut self, commands: Vec<String>) {
        let lines: Vec<String> = commands
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            self.post_cluster(Then::Run(lines), true);
        }
    }

    /// The same page, showing this step of the commands sent again (once they are back).
    pub fn with_view(mut self, request: usize, cursor: usize) -> Self {
        if self.outbox.iter().any(|j| matches!(j, Job::Cluster { .. })) {
            self.restore_view = Some((request, cursor));
        } else {
            self.apply(Action::SelectRequest(request));
            self.apply(Action::Select(cursor));
        }
        self
    }

    /// Hands the engine a job.
    fn post(&mut self, job: Job, busy: String) {
        self.outbox.push(job);
        self.pending += 1;
        self.busy = Some(busy);
    }

    /// Asks the engine to work on the cluster: when `may_boot` and no cluster runs the
    /// workspace's text (or none runs at all), it boots it first and sends the earlier
    /// commands again, so that what they built is still there and their outcomes follow the
    /// edit.
    fn post_cluster(&mut self, then: Then, may_boot: bool) {
        let boot = (may_boot && (!self.booted || self.stale)).then(|| self.commands_since_boot());
        // The engine always holds the page's text (a `kubectl config` command rewrites it).
        let text = (self.engine_rev != Some(self.ws_rev)).then(|| self.workspace.to_string());
        if text.is_some() {
            self.engine_rev = Some(self.ws_rev);
        }
        let doing = match &then {
            Then::Run(lines) if lines.len() > 1 => format!("Sending {} commands…", lines.len()),
            Then::Run(_) => "Sending the command…".to_string(),
            Then::Ask(_) => "Asking the cluster…".to_string(),
            Then::Complete(_) => "Completing…".to_string(),
            Then::Object(_) => "Reading the object…".to_string(),
        };
        let busy = match &boot {
            Some(earlier) => format!(
                "Booting the cluster from the workspace ({}){}, then: {}",
                size(self.workspace.len()),
                match earlier.len() {
                    0 => String::new(),
                    n => format!(" and sending the {n} earlier command(s) again"),
                },
                doing.to_lowercase()
            ),
            None => doing,
        };
        self.post(
            Job::Cluster {
                rev: self.ws_rev,
                text,
                boot,
                then,
            },
            busy,
        );
    }

    /// Reads the workspace text for its diagnostics and its outline (the engine keeps the
    /// reading for the next boot).
    fn read_workspace(&mut self) {
        self.engine_rev = Some(self.ws_rev);
        let busy = format!("Reading the workspace ({})…", size(self.workspace.len()));
        self.post(
            Job::Check {
                rev: self.ws_rev,
                text: self.workspace.to_string(),
            },
            busy,
        );
    }

    /// Takes in what the engine answered.
    fn receive(&mut self, reply: Reply) {
        match reply {
            Reply::Checked {
                rev,
                diagnostics,
                outline,
            } => {
                if rev == self.ws_rev {
                    self.diagnostics = Rc::new(diagnostics);
                    self.outline = Rc::new(outline);
                    self.checked = true;
                }
            }
            Reply::Cluster(worked) => self.receive_worked(*worked),
            Reply::Packed { rev, kept } => {
                if rev == self.ws_rev {
                    self.kept = Some(Rc::from(kept));
                }
            }
            // The page stops before it would apply a crash (src/ui/worker.rs), and takes the
            // schemas' news itself.
            Reply::Crashed(_) | Reply::Schemas(_) => {}
        }
    }

    fn receive_worked(&mut self, w: Worked) {
        let current = w.rev == self.ws_rev;
        if let Some(b) = w.booted {
            if current {
                self.diagnostics = Rc::new(b.diagnostics);
                if let Some(outline) = b.outline {
                    self.outline = Rc::new(outline);
                }
                self.checked = true;
            }
            if b.ok {
                self.booted = true;
                self.booted_from = if current {
                    self.workspace.clone()
                } else {
                    // Edited since: the next send boots again.
                    Rc::from("")
                };
                self.stale = !current;
                self.runs.clear();
                self.object = None;
                for (command, c) in b.earlier {
                    self.push(Run {
                        command,
                        outcome: c.0,
                        booted: true,
                        summarized: false,
                    });
                }
            }
        }
        if let Some(rw) = w.rewritten {
            if current && self.workspace == self.booted_from {
                // `kubectl config …` rewrote the kubeconfig: it is written back into the
                // workspace, as kubectl rewrites its file (the cluster keeps running).
                self.workspace = Rc::from(rw.text);
                self.ws_rev += 1;
                self.kept = None;
                self.engine_rev = Some(self.ws_rev);
                self.booted_from = self.workspace.clone();
                self.diagnostics = Rc::new(rw.diagnostics);
                self.outline = Rc::new(rw.outline);
                self.checked = true;
                // A large text is deflated for the browser's storage by a reading.
                if self.workspace.len() > crate::share::PACK_OVER {
                    self.read_workspace();
                }
            } else {
                // Edited meanwhile: the edit wins, and the engine's text is not the page's.
                self.engine_rev = None;
            }
        }
        self.now = w.now;
        if self.cluster.as_deref() != w.cluster.as_ref() {
            self.cluster = w.cluster.map(Rc::new);
        }
        match w.answer {
            Answer::Ran(runs) => {
                for (command, c) in runs {
                    self.push(Run {
                        command,
                        outcome: c.0,
                        booted: true,
                        summarized: false,
                    });
                }
            }
            Answer::NotRun(lines) => {
                for command in lines {
                    self.push(Run {
                        command,
                        outcome: Outcome {
                            stderr: "error: the workspace has errors: fix them (see the list under the editor) and send again\n".into(),
                            exit_code: 2,
                            ..Default::default()
                        },
                        booted: false,
                        summarized: false,
                    });
                }
            }
            Answer::Asked(command, c) => {
                self.aside = Some(Rc::new(Run {
                    command,
                    outcome: c.0,
                    booted: true,
                    summarized: false,
                }));
            }
            Answer::Completed(command, c) => {
                if command == self.command {
                    self.complete(c);
                }
            }
            Answer::Object(key, yaml) => self.object = Some((key, yaml)),
            Answer::NoCluster => {}
        }
        if let Some((request, cursor)) = self.restore_view.take() {
            self.apply(Action::SelectRequest(request));
            self.apply(Action::Select(cursor));
        }
    }

    /// Completes the last word of the command bar (Tab) with what the engine found: one
    /// candidate is put in; several extend the word to what they share and are listed;
    /// none lets the Tab through.
    fn complete(&mut self, c: crate::sim::kubectl::complete::Completion) {
        self.completions.clear();
        if c.start > self.command.len() || !self.command.is_char_boundary(c.start) {
            return;
        }
        let partial = &self.command[c.start..];
        let shared = c.candidates.iter().skip(1).fold(
            c.candidates.first().cloned().unwrap_or_default(),
            |acc, cand| {
                let n = acc
                    .char_indices()
                    .zip(cand.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((i, a), _)| i + a.len_utf8());
                acc[..n].to_string()
            },
        );
        match c.candidates.len() {
            0 => self.tab_through += 1,
            1 => {
                let word = &c.candidates[0];
                let space = if word.ends_with(['=', '/']) { "" } else { " " };
                self.command = format!("{}{word}{space}", &self.command[..c.start]);
            }
            _ => {
                if shared.len() > partial.len() {
                    self.command = format!("{}{shared}", &self.command[..c.start]);
                }
                self.completions = c.candidates.into_iter().take(COMPLETIONS_MAX).collect();
            }
        }
        self.history_at = None;
    }

    /// Adds a run and shows it; the run that falls out of the newest [`DETAIL_KEPT`] keeps
    /// only its command, exit code and the start of its output.
    fn push(&mut self, run: Run) {
        self.runs.push(Rc::new(run));
        if let Some(old) = self.runs.len().checked_sub(DETAIL_KEPT + 1) {
            let old = &mut self.runs[old];
            if !old.summarized {
                let mut run = (**old).clone();
                run.summarized = true;
                run.outcome.requests = Vec::new();
                for text in [&mut run.outcome.stdout, &mut run.outcome.stderr] {
                    if text.len() > SUMMARY_OUTPUT {
                        *text = cut(text, SUMMARY_OUTPUT);
                    }
                }
                *old = Rc::new(run);
            }
        }
        self.show(self.runs.len() - 1);
    }

    /// Shows run `i`: the request that decided its outcome (its last), opened on the stage
    /// that refused it; an allowed one starts at its first stage, so a learner steps forward
    /// through the pipeline.
    fn show(&mut self, i: usize) {
        self.shown = i;
        self.aside = None;
        self.request = self
            .shown_run()
            .map_or(0, |r| r.outcome.requests.len().saturating_sub(1));
        self.cursor = self
            .current_request()
            .and_then(RequestTrace::refused_at)
            .unwrap_or(0);
    }
}

/// A size as the page says it: `820 B`, `12.4 KB`, `10.2 MB`.
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

/// How much of a response body the response card shows (an OpenAPI document is ~1 MB).
pub const BODY_PREVIEW_LIMIT: usize = 64 * 1024;

/// A response body as the page shows it: indented JSON, cut after [`BODY_PREVIEW_LIMIT`]
/// bytes (at a character boundary) with a note of how much was left out.
pub fn body_preview(body: &serde_json::Value) -> String {
    let mut text = crate::sim::yamlout::to_json(body);
    if text.len() > BODY_PREVIEW_LIMIT {
        let mut cut = BODY_PREVIEW_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let rest = text.len() - cut;
        text.truncate(cut);
        text.push_str(&format!("\n… ({rest} more bytes not shown)\n"));
    }
    text
}

/// `text` cut to at most `limit` bytes (at a character boundary), with `…` when cut.
pub fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// What the server stored, against what the client sent: the changes from the sent object to
/// the answered one for a create or a replace that succeeded (defaults, metadata the server
/// sets, admission's mutations); `None` for other requests.
pub fn stored_changes(req: &RequestTrace) -> Option<Vec<crate::sim::trace::Change>> {
    if !matches!(req.method.as_str(), "POST" | "PUT") || !(200..300).contains(&req.response.code) {
        return None;
    }
    let sent: serde_json::Value = serde_json::from_str(req.sent_body.as_deref()?).ok()?;
    let stored = &req.response.body;
    if sent.get("kind").is_none() || sent.get("kind") != stored.get("kind") {
        return None;
    }
    Some(
        crate::sim::jsondiff::diff(&sent, stored)
            .into_iter()
            .map(|e| crate::sim::trace::Change {
                path: e.path,
                before: e.before,
                after: e.after,
            })
            .collect(),
    )
}

/// One object a command wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub group: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
    /// `created`, `replaced`, `patched`, `deleted`.
    pub how: &'static str,
}

/// What a command's requests wrote to the cluster: each create, replace, patch and delete the
/// API server accepted and stored (not a dry run). Controllers acting after it are not listed.
pub fn writes(outcome: &Outcome) -> Vec<Written> {
    outcome
        .requests
        .iter()
        .filter(|r| (200..300).contains(&r.response.code) && !r.path.contains("dryRun="))
        .filter_map(|r| {
            let a = &r.attributes;
            let how = match a.verb.as_str() {
                "create" => "created",
                "update" => "replaced",
                "patch" => "patched",
                "delete" => "deleted",
                _ => return None,
            };
            if !a.is_resource_request || !a.subresource.is_empty() {
                return None;
            }
            let body = &r.response.body;
            let name = if a.name.is_empty() {
                crate::sim::store::name_of(body).to_string()
            } else {
                a.name.clone()
            };
            // A review (SubjectAccessReview, TokenReview…) is answered, not stored.
            if name.is_empty() {
                return None;
            }
            Some(Written {
                group: a.api_group.clone(),
                resource: a.resource.clone(),
                namespace: a.namespace.clone(),
                name,
                how,
            })
        })
        .collect()
}

/// The kubernetes.io page that explains a stage (or the authorizer or plugin that decided).
pub fn docs_url(stage: crate::sim::trace::Stage, plugin: &str) -> &'static str {
    use crate::sim::trace::Stage;
    match (stage, plugin) {
        (Stage::Authentication, _) => {
            "https://kubernetes.io/docs/reference/access-authn-authz/authentication/"
        }
        (Stage::Impersonation, _) => {
            "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation"
        }
        (Stage::Authorization, "RBAC") => "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
        (Stage::Authorization, "Node") => "https://kubernetes.io/docs/reference/access-authn-authz/node/",
        (Stage::Authorization, "ABAC") => "https://kubernetes.io/docs/reference/access-authn-authz/abac/",
        (Stage::Authorization, p) if p.contains("ebhook") => {
            "https://kubernetes.io/docs/reference/access-authn-authz/webhook/"
        }
        (Stage::Authorization, _) => {
            "https://kubernetes.io/docs/reference/access-authn-authz/authorization/"
        }
        (Stage::MutatingAdmission | Stage::ValidatingAdmission, _) => {
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/"
        }
        (Stage::Validation, _) => {
            "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation"
        }
        (Stage::Storage, _) => {
            "https://kubernetes.io/docs/concepts/overview/components/#etcd"
        }
    }
}

/// `kubectl who-can` for the request a trace shows: who else may do exactly this.
pub fn who_can_command(req: &RequestTrace) -> String {
    let a = &req.attributes;
    if !a.is_resource_request {
        return format!("kubectl who-can {} {}", a.verb, a.path);
    }
    let mut line = format!("kubectl who-can {} {}", a.verb, a.resource);
    if !a.api_group.is_empty() {
        line = format!("{line}.{}", a.api_group);
    }
    if !a.name.is_empty() {
        line = format!("{line} {}", a.name);
    }
    if !a.subresource.is_empty() {
        line = format!("{line} --subresource={}", a.subresource);
    }
    if a.namespace.is_empty() {
        format!("{line} -A")
    } else {
        format!("{line} -n {}", a.namespace)
    }
}

/// `kubectl access-matrix` for the trace's user (impersonated, with its groups), in the
/// request's namespace; `None` when the request had no user.
pub fn access_matrix_command(req: &RequestTrace) -> Option<String> {
    let user = req.user.as_ref()?;
    let mut line = format!("kubectl access-matrix --as {}", user.username);
    for g in &user.groups {
        if g != "system:authenticated" {
            line = format!("{line} --as-group {g}");
        }
    }
    if !req.attributes.namespace.is_empty() {
        line = format!("{line} -n {}", req.attributes.namespace);
    }
    Some(line)
}

/// One binding of the RBAC graph: binding → role → rules.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphBinding {
    pub binding: String,
    pub role: String,
    pub rules: Vec<crate::sim::trace::GraphRule>,
    /// Whether this is the binding whose rule allowed the request (its allowing rules are on
    /// the path too).
    pub on_path: bool,
}

/// A subject of the RBAC graph (how bindings name the user) and the bindings naming it.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphSubject {
    pub subject: String,
    pub bindings: Vec<GraphBinding>,
    pub on_path: bool,
}

/// The RBAC graph as a tree: the user's subjects, each with its bindings here, then the
/// near-miss bindings elsewhere (the second list). The first binding with an allowing rule is
/// the path that allowed the request.
pub fn rbac_tree(rows: &[crate::sim::trace::GraphRow]) -> (Vec<GraphSubject>, Vec<GraphSubject>) {
    let path = rows
        .iter()
        .position(|r| !r.near_miss && r.rules.iter().any(|x| x.allows));
    let mut here: Vec<GraphSubject> = Vec::new();
    let mut elsewhere: Vec<GraphSubject> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let list = if row.near_miss {
            &mut elsewhere
        } else {
            &mut here
        };
        let on_path = Some(i) == path;
        let at = match list.iter().position(|g| g.subject == row.subject) {
            Some(at) => at,
            None => {
                list.push(GraphSubject {
                    subject: row.subject.clone(),
                    bindings: Vec::new(),
                    on_path: false,
                });
                list.len() - 1
            }
        };
        list[at].on_path |= on_path;
        list[at].bindings.push(GraphBinding {
            binding: row.binding.clone(),
            role: row.role.clone(),
            rules: row.rules.clone(),
            on_path,
        });
    }
    (here, elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ui::engine::{Engine, LocalPage as Page};

    fn through_json<T: serde::Serialize + serde::de::DeserializeOwned>(t: &T) -> T {
        serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap()
    }

    fn state() -> Page {
        Page::new(DEFAULT_WORKSPACE, DEFAULT_COMMAND)
    }

    #[test]
    fn up_and_down_browse_the_commands_sent_and_come_back_to_the_draft() {
        let mut s = state().with_history(vec!["kubectl get ns".into()]);
        let heredoc = "kubectl create -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata: {name: green}\nEOF";
        s.apply(Action::EditCommand(heredoc.into()));
        s.apply(Action::Send);
        assert_eq!(
            s.last_run().unwrap().outcome.stdout,
            "namespace/green created\n"
        );
        s.apply(Action::EditCommand("kubectl get pods".into()));
        s.apply(Action::Send);
        // Sending the same command twice keeps it once.
        s.apply(Action::Send);
        assert_eq!(s.history, ["kubectl get ns", heredoc, "kubectl get pods"]);
        s.apply(Action::EditCommand("kubectl get sec".into()));
        s.apply(Action::HistoryPrev);
        assert_eq!(s.command, "kubectl get pods");
        s.apply(Action::HistoryPrev);
        assert_eq!(s.command, heredoc);
        s.apply(Action::HistoryPrev);
        s.apply(Action::HistoryPrev);
        assert_eq!(s.command, "kubectl get ns");
        s.apply(Action::HistoryNext);
        assert_eq!(s.command, heredoc);
        s.apply(Action::HistoryNext);
        s.apply(Action::HistoryNext);
        assert_eq!(s.command, "kubectl get sec");
        s.apply(Action::HistoryNext);
        assert_eq!(s.command, "kubectl get sec");
        // The history is bounded, the oldest dropped first.
        let long: Vec<String> = (0..HISTORY_MAX + 5).map(|i| format!("c{i}")).collect();
        let s = state().with_history(long);
        assert_eq!(s.history.len(), HISTORY_MAX);
        assert_eq!(s.history[0], "c5");
    }

    #[test]
    fn sending_again_what_was_sent_since_boot_brings_back_the_cluster_and_the_view() {
        let mut s = state();
        for cmd in [
            "kubectl create ns green",
            "kubectl create -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: green}\nEOF",
            "kubectl --context dev get pods -n default",
        ] {
            s.apply(Action::EditCommand(cmd.into()));
            s.apply(Action::Send);
        }
        s.apply(Action::Next);
        let sent = s.commands_since_boot();
        assert_eq!(sent.len(), 3);
        let again = state().with_replay(sent);
        assert_eq!(again.runs, s.runs);
        assert_eq!(
            again.command, DEFAULT_COMMAND,
            "the bar is the page's to restore"
        );
        assert!(
            again.history.is_empty(),
            "replaying is not sending: no history"
        );
        let mut again = again;
        again.apply(Action::EditCommand(
            "kubectl get cm -n green -o name".into(),
        ));
        again.apply(Action::Send);
        assert_eq!(
            again.last_run().unwrap().outcome.stdout,
            "configmap/c\nconfigmap/kube-root-ca.crt\n"
        );
        // Editing the workspace keeps the commands: the next send boots the new text and
        // sends them again first.
        again.apply(Action::EditWorkspace(
            DEFAULT_WORKSPACE.replace("dev-user", "dev-user2"),
        ));
        assert!(again.stale);
        assert_eq!(again.commands_since_boot().len(), 4);
    }

    #[test]
    fn editing_the_workspace_keeps_the_cluster_by_sending_its_commands_again() {
        let mut s = state();
        for cmd in [
            "kubectl create ns green",
            "kubectl --context dev get pods -n blue -o name",
            "kubectl --context dev create secret generic s -n blue --from-literal=a=b",
        ] {
            s.apply(Action::EditCommand(cmd.into()));
            s.apply(Action::Send);
        }
        assert_eq!(s.runs[2].outcome.exit_code, 1, "no secrets in the role");
        // Give the developer role the resource it lacked: the replay creates the secret, and
        // the namespace made by the first command is still there.
        let edited = DEFAULT_WORKSPACE.replace(
            r#"resources: ["pods"]"#,
            r#"resources: ["pods", "secrets"]"#,
        );
        assert_ne!(edited, DEFAULT_WORKSPACE);
        s.apply(Action::EditWorkspace(edited.clone()));
        assert!(s.stale && s.runs.len() == 3, "kept until the next send");
        s.apply(Action::CheckWorkspace);
        // Typing back what the cluster booted from is no change.
        s.apply(Action::EditWorkspace(DEFAULT_WORKSPACE.into()));
        assert!(!s.stale);
        s.apply(Action::EditWorkspace(edited.clone()));
        s.apply(Action::CheckWorkspace);
        assert!(!s.has_errors());
        s.apply(Action::EditCommand("kubectl get ns green -o name".into()));
        s.apply(Action::Send);
        assert!(!s.stale);
        assert_eq!(s.runs.len(), 4);
        assert_eq!(s.last_run().unwrap().outcome.stdout, "namespace/green\n");
        assert_eq!(s.runs[2].outcome.stdout, "secret/s created\n");
        assert_eq!(s.shown, 3, "the new command is the one shown");
        // An edit that breaks the workspace keeps the cluster's commands: the send reports
        // the errors, and the one after the fix sends them all again.
        s.apply(Action::EditWorkspace("kind: [".into()));
        s.apply(Action::Send);
        assert_eq!(s.last_run().unwrap().outcome.exit_code, 2);
        assert!(!s.last_run().unwrap().booted);
        assert_eq!(
            s.commands_since_boot().len(),
            4,
            "the failed send is not replayed"
        );
        // Putting back the text the cluster booted from needs no boot: the cluster and its
        // transcript (the refused send included) carry on.
        s.apply(Action::EditWorkspace(edited));
        assert!(!s.stale);
        s.apply(Action::EditCommand(
            "kubectl --context dev get secrets -n blue -o name".into(),
        ));
        s.apply(Action::Send);
        assert_eq!(s.runs.len(), 6);
        assert_eq!(s.last_run().unwrap().outcome.stdout, "secret/s\n");
    }

    #[test]
    fn an_example_opens_with_its_first_command_and_can_be_undone() {
        let mut s = state();
        s.apply(Action::EditCommand("kubectl create ns mine".into()));
        s.apply(Action::Send);
        s.apply(Action::OpenExample("resource-names"));
        let ex = examples::find("resource-names").unwrap();
        assert_eq!(&*s.workspace, ex.text);
        assert_eq!(s.example.map(|e| e.id), Some("resource-names"));
        assert_eq!(s.command, ex.tries[0].command);
        assert!(s.runs.is_empty() && !s.has_errors() && !s.stale);
        assert!(s.outline.iter().any(|e| e.label() == "Pod default/green"));
        s.apply(Action::Send);
        assert_eq!(s.last_run().unwrap().outcome.exit_code, 0);
        assert_eq!(
            s.undo.as_ref().map(|u| u.what.as_str()),
            Some("Opened the example \"resourceNames: the pods blue and orange\".")
        );
        s.apply(Action::Undo);
        assert_eq!(&*s.workspace, DEFAULT_WORKSPACE);
        assert!(s.example.is_none());
        assert_eq!(s.commands_since_boot(), ["kubectl create ns mine"]);
        // An unknown id changes nothing.
        let before = s.workspace.clone();
        s.apply(Action::OpenExample("nope"));
        assert_eq!(s.workspace, before);
    }

    #[test]
    fn a_shared_link_or_a_file_replaces_the_workspace_and_can_be_undone() {
        let mut s = state();
        s.apply(Action::EditCommand("kubectl create ns mine".into()));
        s.apply(Action::Send);
        let ex = examples::find("dashboard-sa").unwrap();
        let link = crate::share::encode(ex.text, &["kubectl create ns shared".into()]);
        s.apply(Action::OpenShared(crate::share::decode(&link).unwrap()));
        assert_eq!(&*s.workspace, ex.text);
        assert_eq!(s.commands_since_boot(), ["kubectl create ns shared"]);
        assert_eq!(
            s.last_run().unwrap().outcome.stdout,
            "namespace/shared created\n"
        );
        assert!(
            s.history.len() == 1,
            "a link's commands are not the user's history"
        );
        s.apply(Action::Undo);
        assert_eq!(&*s.workspace, DEFAULT_WORKSPACE);
        assert_eq!(s.commands_since_boot(), ["kubectl create ns mine"]);
        s.apply(Action::Import {
            name: "mine.yaml".into(),
            text: "kind: [".into(),
        });
        assert!(s.has_errors());
        assert_eq!(s.undo.as_ref().unwrap().what, "Imported mine.yaml.");
    }

    #[test]
    fn the_stored_object_is_compared_with_the_one_sent() {
        let mut s = state();
        s.apply(Action::Send); // kubectl --context dev create -f pod.yaml
        let req = s.current_request().unwrap();
        assert_eq!((req.method.as_str(), req.response.code), ("POST", 201));
        let changes = stored_changes(req).unwrap();
        let at = |p: &str| changes.iter().find(|c| c.path == p);
        // The server set these; the sent pod had none of them.
        for path in [
            "/metadata/uid",
            "/metadata/creationTimestamp",
            "/metadata/resourceVersion",
        ] {
            let c = at(path).unwrap_or_else(|| panic!("{path} in {changes:?}"));
            assert!(c.before.is_none() && c.after.is_some());
        }
        // A default and an admission mutation show too.
        assert!(at("/spec/restartPolicy").is_some(), "{changes:?}");
        assert!(
            changes
                .iter()
                .any(|c| c.path.starts_with("/spec/tolerations")),
            "{changes:?}"
        );
        // A read has nothing to compare.
        s.apply(Action::EditCommand("kubectl get pods -n blue".into()));
        s.apply(Action::Send);
        assert!(stored_changes(s.current_request().unwrap()).is_none());
        assert!(docs_url(crate::sim::trace::Stage::Authorization, "RBAC").ends_with("/rbac/"));
    }

    #[test]
    fn a_question_from_the_card_is_answered_beside_the_trace() {
        let mut s = state();
        s.apply(Action::Run(
            "kubectl --context dev get pods -n default".into(),
        ));
        let (shown, cursor, runs) = (s.shown, s.cursor, s.runs.len());
        let who = who_can_command(s.current_request().unwrap());
        s.apply(Action::Ask(who.clone()));
        let aside = s.aside.clone().expect("an answer");
        assert_eq!(aside.command, who);
        assert!(
            aside.outcome.stdout.contains("Subjects who may"),
            "{}",
            aside.outcome.stdout
        );
        // The trace being studied stays; the transcript and what a reload sends are unchanged.
        assert_eq!((s.shown, s.cursor, s.runs.len()), (shown, cursor, runs));
        assert_eq!(s.commands_since_boot().len(), 1);
        s.apply(Action::Next);
        assert!(s.aside.is_some(), "stepping keeps it");
        s.apply(Action::Run("kubectl get ns".into()));
        assert!(s.aside.is_none(), "another run puts it away");
    }

    #[test]
    fn actions_that_need_the_engine_wait_while_it_works_and_run_in_order() {
        // The page's side alone: the jobs stay out until answered.
        let mut s = AppState::new(DEFAULT_WORKSPACE.into(), "kubectl create ns a".into());
        let mut engine = Engine::default();
        let answer = |s: &mut AppState, engine: &mut Engine| {
            let job = s.outbox.remove(0);
            let reply = engine.handle(through_json(&job), &mut |_| {});
            s.apply(Action::Reply(through_json(&reply)));
        };
        assert_eq!(s.outbox.len(), 1, "the first reading");
        assert!(s
            .busy
            .as_deref()
            .is_some_and(|b| b.starts_with("Reading the workspace")));
        s.apply(Action::Send);
        s.apply(Action::EditCommand("kubectl create ns b".into()));
        s.apply(Action::Send);
        // Typing goes on while the engine works; what needs it waits.
        s.apply(Action::EditCommand("kubectl get ns".into()));
        assert_eq!(s.outbox.len(), 1, "nothing more is sent while a job is out");
        assert_eq!(s.command, "kubectl get ns");
        answer(&mut s, &mut engine);
        // The first send went out (it boots the cluster); the second waits for it.
        assert_eq!(s.outbox.len(), 1);
        assert!(matches!(&s.outbox[0], Job::Cluster { boot: Some(_), .. }));
        assert!(s
            .busy
            .as_deref()
            .is_some_and(|b| b.starts_with("Booting the cluster")));
        answer(&mut s, &mut engine);
        assert!(matches!(
            &s.outbox[0],
            Job::Cluster {
                boot: None,
                text: None,
                ..
            }
        ));
        answer(&mut s, &mut engine);
        assert!(s.outbox.is_empty() && s.busy.is_none());
        let sent: Vec<_> = s
            .runs
            .iter()
            .map(|r| (r.command.as_str(), r.outcome.stdout.as_str()))
            .collect();
        assert_eq!(
            sent,
            [
                ("kubectl create ns a", "namespace/a created\n"),
                ("kubectl create ns b", "namespace/b created\n")
            ]
        );
        assert_eq!(
            s.command, "kubectl get ns",
            "the bar keeps what was typed since"
        );
        assert_eq!(s.history, ["kubectl create ns a", "kubectl create ns b"]);
        // A reading of a text edited since it was asked for is not taken as the text's.
        s.apply(Action::EditWorkspace("kind: [".into()));
        s.apply(Action::CheckWorkspace);
        s.apply(Action::EditWorkspace(
            DEFAULT_WORKSPACE.replace("blue", "navy"),
        ));
        answer(&mut s, &mut engine);
        assert!(!s.checked && !s.has_errors(), "{:?}", s.diagnostics);
        // Sending the edited text sends it along, and boots it.
        s.apply(Action::Send);
        assert!(
            matches!(&s.outbox[0], Job::Cluster { boot: Some(b), text: Some(t), .. } if b.len() == 2 && t.contains("navy"))
        );
        answer(&mut s, &mut engine);
        assert!(s.checked && !s.stale);
        assert_eq!(s.runs.len(), 3);
        let ns = &s.last_run().unwrap().outcome.stdout;
        assert!(
            ns.contains("\na  ") && ns.contains("\nnavy  ") && !ns.contains("\nblue "),
            "{ns}"
        );
    }

    #[test]
    fn the_step_shown_before_a_reload_comes_back_once_the_replay_has() {
        let sent = vec!["kubectl --context dev get secrets -n blue".to_string()];
        let s = Page::of(
            AppState::new(DEFAULT_WORKSPACE.into(), String::new())
                .with_replay(sent)
                .with_view(0, 0),
        );
        assert_eq!(
            (s.runs.len(), s.cursor),
            (1, 0),
            "the step kept, not the refusal"
        );
        // With nothing to send again, a kept step is no claim on the next command's view.
        let mut s =
            Page::of(AppState::new(DEFAULT_WORKSPACE.into(), String::new()).with_view(0, 0));
        s.apply(Action::Run(
            "kubectl --context dev get secrets -n blue".into(),
        ));
        let at = s.current_request().and_then(RequestTrace::refused_at);
        assert_eq!(
            (Some(s.cursor), at.is_some()),
            (at, true),
            "opened on the refusal"
        );
    }

    #[test]
    fn a_large_text_is_packed_for_storage_however_it_reaches_the_engine() {
        let big = format!(
            "{DEFAULT_WORKSPACE}\n# {}\n",
            "x".repeat(crate::share::PACK_OVER)
        );
        // Sent before the pause in typing that would have read it.
        let mut s = state();
        s.apply(Action::EditWorkspace(big.clone()));
        assert!(s.kept.is_none(), "not kept before the engine packed it");
        s.apply(Action::Send);
        let kept = s
            .kept
            .clone()
            .expect("packed when the send took it to the engine");
        assert_eq!(
            crate::share::unpack_text(&kept).as_deref(),
            Some(big.as_str())
        );
        // Read when typing paused.
        let mut s = state();
        s.apply(Action::EditWorkspace(big.clone()));
        s.apply(Action::CheckWorkspace);
        assert!(s.kept.is_some());
        // An edit since makes the packed text an old one: it is dropped, not kept as this one.
        s.apply(Action::EditWorkspace(big.replace("blue", "navy")));
        assert!(s.kept.is_none());
        // A small text needs none.
        let mut s = state();
        s.apply(Action::Send);
        assert!(s.kept.is_none());
    }

    #[test]
    fn tab_with_nothing_to_complete_moves_on_and_the_cluster_view_reads_objects() {
        let mut s = state();
        s.apply(Action::EditCommand("kubectl get pods --zzz".into()));
        s.apply(Action::Complete);
        assert_eq!(
            (s.tab_through, s.command.as_str()),
            (1, "kubectl get pods --zzz")
        );
        let cluster = s.cluster.clone().expect("booted by the completion");
        let pods = cluster
            .resources
            .iter()
            .find(|r| r.resource == "namespaces")
            .unwrap();
        assert!(
            pods.objects.contains(&(String::new(), "blue".to_string())),
            "{pods:?}"
        );
        let key = ObjectKey {
            group: String::new(),
            resource: "namespaces".into(),
            namespace: String::new(),
            name: "blue".into(),
        };
        s.apply(Action::OpenObject(key.clone()));
        let (k, yaml) = s.object.clone().unwrap();
        assert_eq!(k, key);
        assert!(yaml.unwrap().contains("name: blue"));
        s.apply(Action::Run("kubectl delete ns blue".into()));
        assert!(s.object.is_some(), "a run leaves it open");
        s.apply(Action::OpenObject(key));
        assert_eq!(s.object.as_ref().unwrap().1, None, "gone");
        let before = s.now;
        assert!(s.cluster.as_ref().unwrap().revision > cluster.revision);
        assert!(s.now >= before);
    }

    #[test]
    fn tab_completes_from_the_cluster_booting_it_if_needed() {
        let mut s = state();
        s.apply(Action::EditCommand("kubectl get pods -n bl".into()));
        s.apply(Action::Complete);
        assert_eq!(s.command, "kubectl get pods -n blue ");
        assert!(s.booted && s.runs.is_empty(), "booted, nothing sent");
        s.apply(Action::EditCommand("kubectl get pods -n blue or".into()));
        s.apply(Action::Complete);
        assert_eq!(s.command, "kubectl get pods -n blue orange ");
        // Several: the shared start is filled in, and they are listed.
        s.apply(Action::EditCommand("kubectl auth can-i del".into()));
        s.apply(Action::Complete);
        assert_eq!(s.command, "kubectl auth can-i delete");
        assert_eq!(s.completions, ["delete", "deletecollection"]);
        s.apply(Action::EditCommand("kubectl auth can-i delete ".into()));
        assert!(s.completions.is_empty(), "typing puts the list away");
        // An edited workspace: the cluster boots again first, with the commands sent.
        s.apply(Action::Run("kubectl create ns green".into()));
        s.apply(Action::EditWorkspace(
            DEFAULT_WORKSPACE.replace("name: blue\n", "name: teal\n"),
        ));
        s.apply(Action::EditCommand("kubectl get ns ".into()));
        s.apply(Action::Complete);
        assert!(
            s.completions.contains(&"green".to_string())
                && s.completions.contains(&"teal".to_string()),
            "{:?}",
            s.completions
        );
        assert_eq!(s.commands_since_boot(), ["kubectl create ns green"]);
    }

    #[test]
    fn a_run_says_what_it_wrote() {
        let mut s = state();
        s.apply(Action::Run("kubectl create ns green\nkubectl -n green create configmap c --from-literal=a=b\nkubectl -n green label configmap c x=y\nkubectl -n green delete configmap c\nkubectl get ns\nkubectl -n green create configmap d --dry-run=server".into()));
        let w: Vec<String> = writes(&s.last_run().unwrap().outcome)
            .iter()
            .map(|w| {
                format!(
                    "{} {}/{} {} {}",
                    w.how, w.resource, w.name, w.namespace, w.group
                )
            })
            .collect();
        assert_eq!(
            w,
            [
                "created namespaces/green  ",
                "created configmaps/c green ",
                "patched configmaps/c green ",
                "deleted configmaps/c green "
            ]
        );
        // can-i asks (a SelfSubjectAccessReview): nothing stored.
        s.apply(Action::Run("kubectl auth can-i get pods".into()));
        assert!(writes(&s.last_run().unwrap().outcome).is_empty());
    }

    #[test]
    fn older_runs_keep_a_summary_only() {
        let mut s = state();
        for i in 0..DETAIL_KEPT + 2 {
            s.apply(Action::EditCommand(format!(
                "kubectl get ns default -o name # {i}"
            )));
            s.apply(Action::Send);
        }
        assert_eq!(s.runs.len(), DETAIL_KEPT + 2);
        for (i, run) in s.runs.iter().enumerate() {
            let old = i < 2;
            assert_eq!(run.summarized, old, "run {i}");
            assert_eq!(run.outcome.requests.is_empty(), old, "run {i}");
            assert_eq!(run.outcome.stdout, "namespace/default\n");
        }
        // Opening a summarized run shows its output, and no trace.
        s.apply(Action::ShowRun(0));
        assert!(s.current_request().is_none());
        assert_eq!(
            s.shown_run().unwrap().command,
            "kubectl get ns default -o name # 0"
        );
        // Their commands still rebuild the cluster after a reload.
        assert_eq!(s.commands_since_boot().len(), DETAIL_KEPT + 2);
    }

    #[test]
    fn a_reset_can_be_undone_with_its_cluster() {
        let mut s = state();
        let mine = DEFAULT_WORKSPACE.replace("name: dev-user", "name: dev-user  # mine");
        assert_ne!(mine, DEFAULT_WORKSPACE);
        s.apply(Action::EditWorkspace(mine.clone()));
        s.apply(Action::CheckWorkspace);
        s.apply(Action::EditCommand("kubectl create ns green".into()));
        s.apply(Action::Send);
        let runs = s.runs.clone();
        s.apply(Action::ResetWorkspace);
        assert_eq!(&*s.workspace, DEFAULT_WORKSPACE);
        assert!(s.runs.is_empty());
        assert_eq!(
            s.undo.as_ref().map(|u| u.what.as_str()),
            Some("Reset the workspace.")
        );
        s.apply(Action::Undo);
        assert_eq!(*s.workspace, *mine);
        assert_eq!(s.runs, runs, "the cluster is built again");
        assert!(s.undo.is_none());
        // Re-booting the cluster keeps the workspace; undo sends the commands again.
        s.apply(Action::ResetCluster);
        assert!(s.runs.is_empty());
        s.apply(Action::Undo);
        assert_eq!(s.runs, runs);
        s.apply(Action::EditCommand("kubectl get ns green -o name".into()));
        s.apply(Action::Send);
        assert_eq!(s.last_run().unwrap().outcome.stdout, "namespace/green\n");
        // Nothing to undo: nothing happens.
        let before = s.runs.len();
        s.apply(Action::Undo);
        assert_eq!(s.runs.len(), before);
    }

    #[test]
    fn a_refused_request_opens_on_the_stage_that_refused_it_with_the_verdict() {
        let mut s = state();
        s.apply(Action::EditCommand(
            "kubectl --context dev get pods -n default".into(),
        ));
        s.apply(Action::Send);
        let req = s.current_request().unwrap().clone();
        let at = req.refused_at().unwrap();
        assert_eq!(
            req.stages[at].stage,
            crate::sim::trace::Stage::Authorization
        );
        assert_eq!(s.cursor, at);
        assert_eq!(
            req.verdict(),
            "Refused at authorization (403): pods is forbidden: User \"dev-user\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        s.apply(Action::EditCommand("kubectl get ns blue".into()));
        s.apply(Action::Send);
        assert_eq!(s.cursor, 0);
        assert_eq!(
            s.current_request().unwrap().verdict(),
            "Allowed (200): every stage let the request through"
        );
    }

    #[test]
    fn the_transcript_opens_an_earlier_command_with_its_trace() {
        let mut s = state();
        for cmd in [
            "kubectl --context dev get pods -n default",
            "kubectl get ns blue",
        ] {
            s.apply(Action::EditCommand(cmd.into()));
            s.apply(Action::Send);
        }
        assert_eq!(s.shown, 1);
        s.apply(Action::ShowRun(0));
        assert_eq!(
            s.shown_run().unwrap().command,
            "kubectl --context dev get pods -n default"
        );
        assert_eq!(s.current_request().unwrap().response.code, 403);
        assert_eq!(s.cursor, s.current_request().unwrap().refused_at().unwrap());
        s.apply(Action::ShowRun(7));
        assert_eq!(s.shown, 0, "no such run: nothing changes");
        // A new command shows itself.
        s.apply(Action::Send);
        assert_eq!(s.shown, 2);
        assert_eq!(s.current_request().unwrap().response.code, 200);
    }

    #[test]
    fn the_default_workspace_has_no_diagnostics() {
        let s = state();
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn sending_runs_the_command_and_steps_move_a_cursor() {
        let mut s = state();
        s.apply(Action::Send);
        let run = s.last_run().unwrap();
        assert_eq!(run.outcome.stdout, "pod/blue created\n");
        let stages = s.current_request().unwrap().stages.len();
        assert!(stages >= 5, "{stages}");
        assert_eq!(s.cursor, 0);
        for _ in 0..20 {
            s.apply(Action::Next);
        }
        assert_eq!(s.cursor, stages, "the last step is the response");
        s.apply(Action::Prev);
        assert_eq!(s.cursor, stages - 1);
        // The cluster keeps state between commands.
        s.apply(Action::Send);
        assert!(s
            .last_run()
            .unwrap()
            .outcome
            .stderr
            .contains("AlreadyExists"));
    }

    #[test]
    fn a_forbidden_request_ends_at_authorization() {
        let mut s = state();
        s.apply(Action::EditCommand(
            "kubectl --context dev -n default get pods".into(),
        ));
        s.apply(Action::Send);
        let req = s.current_request().unwrap();
        let last = req.stages.last().unwrap();
        assert_eq!(last.stage.as_str(), "authorization");
        assert_eq!(s.last_run().unwrap().outcome.exit_code, 1);
    }

    #[test]
    fn editing_the_workspace_reboots_and_reports_errors() {
        let mut s = state();
        s.apply(Action::Send);
        s.apply(Action::EditWorkspace("kind: [".into()));
        // Nothing is read until the pause after typing.
        assert!(!s.checked && !s.has_errors());
        s.apply(Action::CheckWorkspace);
        assert!(s.has_errors());
        assert_eq!(s.runs.len(), 1, "the cluster's commands are kept");
        s.apply(Action::Send);
        assert_eq!(s.last_run().unwrap().outcome.exit_code, 2);
        s.apply(Action::ResetWorkspace);
        assert!(!s.has_errors());
    }

    #[test]
    fn a_workspace_the_page_stopped_on_is_offered_back_not_read() {
        let bad = "- ".repeat(50) + "x\n";
        let s = Page::of(
            AppState::new(DEFAULT_WORKSPACE.into(), DEFAULT_COMMAND.into())
                .with_crashed(Some(bad.clone())),
        );
        assert_eq!(s.crashed.as_deref(), Some(bad.as_str()));
        assert_eq!(&*s.workspace, DEFAULT_WORKSPACE);
        let mut put_back = s.clone();
        put_back.apply(Action::RestoreCrashed);
        assert_eq!(
            (&*put_back.workspace, put_back.crashed.is_none()),
            (bad.as_str(), true)
        );
        let mut dismissed = s;
        dismissed.apply(Action::DismissCrashed);
        assert!(dismissed.crashed.is_none());
        assert_eq!(&*dismissed.workspace, DEFAULT_WORKSPACE);
        // The same text as the one opened is no offer.
        let same =
            AppState::new("a: 1\n".into(), String::new()).with_crashed(Some("a: 1\n".into()));
        assert!(same.crashed.is_none());
    }

    #[test]
    fn the_bar_runs_lines_as_a_script() {
        let mut s = state();
        s.apply(Action::EditCommand(
            "kubectl create ns one\nkubectl create ns two\nkubectl create -f - <<END\napiVersion: v1\nkind: Namespace\nmetadata: {name: three}".into(),
        ));
        s.apply(Action::Send);
        let out = &s.last_run().unwrap().outcome;
        assert_eq!(
            out.stdout,
            "namespace/one created\nnamespace/two created\nnamespace/three created\n"
        );
        assert!(
            out.stderr
                .starts_with("bash: warning: here-document at line 3"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn here_documents_feed_stdin() {
        let mut s = state();
        s.apply(Action::EditCommand(
            "kubectl create -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: red\nEOF".into(),
        ));
        s.apply(Action::Send);
        assert_eq!(
            s.last_run().unwrap().outcome.stdout,
            "namespace/red created\n"
        );
    }

    #[test]
    fn large_bodies_are_cut_for_display() {
        let small = serde_json::json!({"kind": "Status"});
        assert_eq!(body_preview(&small), crate::sim::yamlout::to_json(&small));
        let big = serde_json::json!({ "data": "é".repeat(BODY_PREVIEW_LIMIT) });
        let shown = body_preview(&big);
        assert!(shown.len() < BODY_PREVIEW_LIMIT + 64, "{}", shown.len());
        assert!(
            shown.ends_with("more bytes not shown)\n"),
            "{}",
            &shown[shown.len() - 40..]
        );
    }

    #[test]
    fn kubectl_config_changes_show_in_the_workspace_and_keep_the_cluster() {
        let mut st = Page::new(DEFAULT_WORKSPACE, "kubectl run web --image=nginx");
        st.apply(Action::Send);
        st.apply(Action::EditCommand(
            "kubectl config set-context dev --namespace=green".into(),
        ));
        st.apply(Action::Send);
        assert_eq!(
            st.last_run().map(|r| r.outcome.stdout.as_str()),
            Some("Context \"dev\" modified.\n")
        );
        assert!(
            st.workspace.contains("namespace: green"),
            "{}",
            st.workspace
        );
        assert!(!st.has_errors(), "{:?}", st.diagnostics);
        assert!(st.booted && !st.stale, "the cluster keeps running");
        assert_eq!(st.runs.len(), 2);
        // The pod created before is still there.
        st.apply(Action::EditCommand("kubectl get pod web -o name".into()));
        st.apply(Action::Send);
        assert_eq!(
            st.last_run().map(|r| r.outcome.stdout.as_str()),
            Some("pod/web\n")
        );
    }

    #[test]
    fn the_decoder_describes_what_is_pasted() {
        let mut st = Page::new(DEFAULT_WORKSPACE, "");
        assert!(st.decoded().is_err());
        st.apply(Action::EditDecoder("abcdef.0123456789abcdef".into()));
        assert!(st
            .decoded()
            .is_ok_and(|d| d.contains("system:bootstrap:abcdef")));
    }

    #[test]
    fn the_authorization_card_offers_who_can_and_the_access_matrix() {
        let mut s = state();
        s.apply(Action::Run(
            "kubectl --context dev get secrets -n blue".into(),
        ));
        let req = s.current_request().cloned().expect("a request");
        assert_eq!(
            who_can_command(&req),
            "kubectl who-can list secrets -n blue"
        );
        assert_eq!(
            access_matrix_command(&req).as_deref(),
            Some("kubectl access-matrix --as dev-user --as-group developers -n blue")
        );
        // The buttons' commands run: the admin may ask both questions.
        s.apply(Action::Run(who_can_command(&req)));
        let out = &s.last_run().unwrap().outcome;
        assert!(out.stdout.contains("kubeadm:cluster-admins"), "{out:?}");
        assert!(
            !out.stdout.contains("dev-user "),
            "dev-user may not list secrets: {}",
            out.stdout
        );
        s.apply(Action::Run(access_matrix_command(&req).unwrap()));
        let out = &s.last_run().unwrap().outcome;
        let pods = out
            .stdout
            .lines()
            .find(|l| l.starts_with("pods "))
            .expect("a pods row");
        assert_eq!(
            pods.split_whitespace().collect::<Vec<_>>(),
            ["pods", "✔", "✔", "✔", "✔"]
        );
        let secrets = out
            .stdout
            .lines()
            .find(|l| l.starts_with("secrets "))
            .expect("a secrets row");
        assert_eq!(
            secrets.split_whitespace().collect::<Vec<_>>(),
            ["secrets", "✖", "✖", "✖", "✖"]
        );
    }

    #[test]
    fn the_rbac_graph_marks_the_path_that_allowed() {
        let mut s = state();
        s.apply(Action::Run("kubectl --context dev get pods -n blue".into()));
        let authz = |s: &AppState| {
            s.current_request()
                .unwrap()
                .stages
                .iter()
                .find(|st| st.stage.as_str() == "authorization")
                .expect("authorization ran")
                .graph
                .clone()
        };
        let (here, elsewhere) = rbac_tree(&authz(&s));
        assert!(elsewhere.is_empty());
        let on: Vec<&GraphSubject> = here.iter().filter(|g| g.on_path).collect();
        assert_eq!(on.len(), 1);
        assert_eq!(on[0].subject, "User \"dev-user\"");
        let b: Vec<&GraphBinding> = on[0].bindings.iter().filter(|b| b.on_path).collect();
        assert_eq!(
            (b[0].binding.as_str(), b[0].role.as_str()),
            (
                "RoleBinding blue/dev-user-developer-binding",
                "Role developer"
            )
        );
        assert_eq!(
            b[0].rules
                .iter()
                .filter(|r| r.allows)
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>(),
            ["get, list, watch, create, update, delete pods"]
        );
        // Every subject appears once, with all its bindings.
        let mut subjects: Vec<&str> = here.iter().map(|g| g.subject.as_str()).collect();
        subjects.dedup();
        assert_eq!(subjects.len(), here.len());
        assert!(here
            .iter()
            .any(|g| g.subject == "Group \"system:authenticated\"" && g.bindings.len() >= 2));
        // Refused in default: nothing on the path, and the binding in blue is the near miss.
        s.apply(Action::Run(
            "kubectl --context dev get pods -n default".into(),
        ));
        let (here, elsewhere) = rbac_tree(&authz(&s));
        assert!(here.iter().all(|g| !g.on_path));
        assert_eq!(elsewhere.len(), 1);
        assert_eq!(
            elsewhere[0].bindings[0].binding,
            "RoleBinding blue/dev-user-developer-binding"
        );
    }
}

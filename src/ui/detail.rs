//! The card of the selected step: what the stage looked at, every plugin it consulted with its
//! decision and reason, and for the response the HTTP code and body.

use yew::prelude::*;

use super::graph::RbacGraph;
use super::security::SecurityCard;
use super::state::{access_matrix_command, who_can_command};
use super::timeline::{decision_class, decision_label};
use crate::sim::trace::{Change, Decision, Step};

/// A value of a change, shortened for the card.
fn shown(v: Option<&serde_json::Value>) -> String {
    let text = v.map_or_else(String::new, ToString::to_string);
    crate::ui::state::cut(&text, 240)
}

/// Whether a plugin's line belongs in the main list: it ran, or a real API server would
/// run it here though kubegate does not model it (never hidden with the ones that are off).
fn shown_first(s: &Step) -> bool {
    s.decision != Decision::Skip || s.reason.starts_with("enabled, but not modelled")
}

/// One plugin's line: name, decision, reason, and for a mutation each field before and after.
fn step_item(s: &Step) -> Html {
    let changes = s.mutation.as_ref().map(|m| m.changes()).unwrap_or_default();
    html! {
        <li data-decision={decision_class(s.decision)} data-plugin={s.plugin.clone()}>
            <span class="plugin">{ s.plugin.as_ref() }</span>
            { " " }<span class="badge" data-decision={decision_class(s.decision)}>{ if changes.is_empty() { s.decision.as_str() } else { "mutated" } }</span>
            { " " }<span class="reason">{ s.reason.as_ref() }</span>
            if !changes.is_empty() {
                { changes_table(&changes) }
            }
        </li>
    }
}

/// Fields before and after: a plugin's mutation, or what the server stored against what was
/// sent.
fn changes_table(changes: &[Change]) -> Html {
    html! {
        <table class="changes">
            <thead><tr><th>{ "field" }</th><th>{ "before" }</th><th>{ "after" }</th></tr></thead>
            <tbody>
                { for changes.iter().map(|c: &Change| html! {
                    <tr>
                        <td class="path"><code>{ &c.path }</code></td>
                        <td class="before">if c.before.is_some() { <del>{ shown(c.before.as_ref()) }</del> } else { <span class="muted">{ "(absent)" }</span> }</td>
                        <td class="after">if c.after.is_some() { <ins>{ shown(c.after.as_ref()) }</ins> } else { <span class="muted">{ "(removed)" }</span> }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Properties of [`StageDetail`].
/// A stage fact longer than this many lines (or a JSON document) is shown folded.
const DOCUMENT_LINES: usize = 12;

#[derive(Properties, PartialEq)]
pub struct StageDetailProps {
    /// The request.
    pub request: crate::ui::state::Shown,
    /// The selected step.
    pub cursor: usize,
    /// Asks a question beside the trace (the who-can and access-matrix buttons).
    pub onask: Callback<String>,
    /// The answer, if one was asked.
    pub aside: Option<std::rc::Rc<crate::ui::state::Run>>,
    /// Puts the answer away.
    pub onclose: Callback<()>,
}

/// Details of one step.
#[function_component(StageDetail)]
pub fn stage_detail(props: &StageDetailProps) -> Html {
    let req = props.request.trace();
    let Some(stage) = req.stages.get(props.cursor) else {
        let code = req.response.code;
        let class = if code < 400 { "allow" } else { "deny" };
        return html! {
            <section id="stage-detail" class="card" data-decision={class}>
                <h2>{ "Response" }</h2>
                <span class="badge" data-decision={class}>{ format!("HTTP {code}") }</span>
                <p class="reason">{ if code < 400 { "The API server answered with the object." } else { "The API server answered with a Status." } }</p>
                if let Some(changes) = crate::ui::state::stored_changes(req) {
                    <details id="stored-diff" class="stored" open=true>
                        <summary>{ format!("What was stored, against what kubectl sent: {} change(s)", changes.len()) }</summary>
                        <p class="muted">{ "Set by the API server (metadata), by defaulting, and by the admission plugins that mutated the object." }</p>
                        { changes_table(&changes) }
                    </details>
                }
                if let Some(report) = &req.security {
                    <SecurityCard report={(**report).clone()} />
                }
                <pre class="json">{ crate::ui::state::body_preview(&req.response.body) }</pre>
            </section>
        };
    };
    let attrs = &req.attributes;
    let is_admission = matches!(
        stage.stage.as_str(),
        "mutating-admission" | "validating-admission"
    );
    let run = |cmd: String| {
        let onask = props.onask.clone();
        Callback::from(move |_: MouseEvent| onask.emit(cmd.clone()))
    };
    html! {
        <section id="stage-detail" class="card" data-decision={decision_class(stage.decision)}>
            <h2>{ stage.stage.title() }</h2>
            <span class="badge" data-decision={decision_class(stage.decision)}>{ decision_label(stage.decision) }</span>
            if !stage.plugin.is_empty() {
                <span class="plugin">{ format!(" by {}", stage.plugin) }</span>
            }
            <p class="reason">{ &stage.reason }</p>
            if stage.stage.as_str() == "authentication" && !req.sent_by.is_empty() {
                <p class="muted" id="sent-by">{ format!("Sent by {}.", req.sent_by) }</p>
            }
            if stage.stage.as_str() == "authentication" {
                if let Some(user) = &req.user {
                    <dl class="user">
                        <dt>{ "username" }</dt><dd><code>{ &user.username }</code></dd>
                        if !user.uid.is_empty() { <dt>{ "uid" }</dt><dd><code>{ &user.uid }</code></dd> }
                        <dt>{ "groups" }</dt><dd><code>{ user.groups.join(", ") }</code></dd>
                    </dl>
                }
                <details class="attributes">
                    <summary>{ "Request attributes (RequestInfo)" }</summary>
                    <dl>
                        <dt>{ "verb" }</dt><dd><code>{ &attrs.verb }</code></dd>
                        <dt>{ "resource request" }</dt><dd><code>{ attrs.is_resource_request.to_string() }</code></dd>
                        <dt>{ "API group" }</dt><dd><code>{ format!("\"{}\"", attrs.api_group) }</code></dd>
                        <dt>{ "resource" }</dt><dd><code>{ &attrs.resource }</code></dd>
                        <dt>{ "namespace" }</dt><dd><code>{ &attrs.namespace }</code></dd>
                        <dt>{ "name" }</dt><dd><code>{ &attrs.name }</code></dd>
                    </dl>
                </details>
            }
            if !stage.details.is_empty() {
                <dl class="details">
                    { for stage.details.iter().map(|(k, v)| if (v.starts_with('{') && v.contains('\n')) || v.lines().nth(DOCUMENT_LINES).is_some() {
                        // A document (an AdmissionReview sent and answered): the whole width,
                        // folded until asked for.
                        html! { <dd class="wide"><details class="detail-doc"><summary>{ k }</summary><pre class="detail-block">{ v }</pre></details></dd> }
                    } else if v.contains('\n') {
                        // Several lines (an admission policy's evaluation, a token's claims):
                        // a row of their own under their title.
                        html! { <><dt class="wide">{ k }</dt><dd class="wide"><pre class="detail-block">{ v }</pre></dd></> }
                    } else {
                        html! { <><dt>{ k }</dt><dd>{ v }</dd></> }
                    }) }
                </dl>
            }
            if stage.stage.as_str() == "authorization" {
                <div class="questions">
                    <button id="who-can" onclick={run(who_can_command(req))}>{ "Who else can do this?" }</button>
                    if let Some(cmd) = access_matrix_command(req) {
                        <button id="access-matrix" onclick={run(cmd)}>{ "What else can this user do?" }</button>
                    }
                </div>
                if let Some(answer) = &props.aside {
                    <div id="aside" class="aside" role="region" aria-label="Answer">
                        <p class="aside-command"><code>{ format!("$ {}", answer.command) }</code>
                            <button id="close-aside" class="small" onclick={props.onclose.reform(|_| ())}>{ "Close" }</button></p>
                        <pre class="output">{ &answer.outcome.stdout }<span class="stderr">{ &answer.outcome.stderr }</span></pre>
                    </div>
                }
            }
            if !stage.steps.is_empty() && !is_admission {
                <ol class="steps">
                    { for stage.steps.iter().map(step_item) }
                </ol>
            }
            if is_admission {
                // The plugins that ran, in order (with what each changed); the others folded
                // away with why they did not run.
                <ol class="steps" id="plugins-ran">
                    { for stage.steps.iter().filter(|s| shown_first(s)).map(step_item) }
                </ol>
                if stage.steps.iter().all(|s| s.decision == Decision::Skip) {
                    <p class="muted" id="none-ran">{ "No plugin of this pass looked at the request." }</p>
                }
                <details class="skipped" id="plugins-skipped">
                    <summary>{ format!("{} plugins of the table did not run on this request", stage.steps.iter().filter(|s| !shown_first(s)).count()) }</summary>
                    <ol class="steps">
                        { for stage.steps.iter().filter(|s| !shown_first(s)).map(step_item) }
                    </ol>
                </details>
            }
            if stage.stage.as_str() == "validating-admission" {
                if let Some(report) = &req.security {
                    <SecurityCard report={(**report).clone()} />
                }
            }
            if !stage.graph.is_empty() {
                <details class="graph" open=true>
                    <summary>{ "RBAC graph: the bindings that name this user" }</summary>
                    <div class="graph-scroll"><RbacGraph rows={stage.graph.clone()} /></div>
                </details>
            }
            <details class="raw">
                <summary>{ "This stage as JSON (as kubegate --trace json prints it)" }</summary>
                <pre class="json">{ serde_json::to_string_pretty(stage).unwrap_or_default() }</pre>
            </details>
            <p class="docs"><a href={crate::ui::state::docs_url(stage.stage, &stage.plugin)} target="_blank" rel="noopener noreferrer">
                { format!("{} on kubernetes.io", stage.stage.title()) }</a>{ " (opens a new tab: the only link that leaves this page)" }</p>
        </section>
    }
}

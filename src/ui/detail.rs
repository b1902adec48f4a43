//! The card of the selected step: what the stage looked at, every plugin it consulted with its
//! decision and reason, and for the response the HTTP code and body.

use yew::prelude::*;

use super::graph::RbacGraph;
use super::state::{access_matrix_command, who_can_command};
use super::timeline::{decision_class, decision_label};
use crate::sim::trace::RequestTrace;

/// Properties of [`StageDetail`].
#[derive(Properties, PartialEq)]
pub struct StageDetailProps {
    /// The request.
    pub request: RequestTrace,
    /// The selected step.
    pub cursor: usize,
    /// Runs a command (the who-can and access-matrix buttons).
    pub onrun: Callback<String>,
}

/// Details of one step.
#[function_component(StageDetail)]
pub fn stage_detail(props: &StageDetailProps) -> Html {
    let req = &props.request;
    let Some(stage) = req.stages.get(props.cursor) else {
        let code = req.response.code;
        let class = if code < 400 { "allow" } else { "deny" };
        return html! {
            <section id="stage-detail" class="card">
                <h2>{ "Response" }</h2>
                <span class="badge" data-decision={class}>{ format!("HTTP {code}") }</span>
                <p class="reason">{ if code < 400 { "The API server answered with the object." } else { "The API server answered with a Status." } }</p>
                <pre class="json">{ crate::ui::state::body_preview(&req.response.body) }</pre>
            </section>
        };
    };
    let attrs = &req.attributes;
    let run = |cmd: String| {
        let onrun = props.onrun.clone();
        Callback::from(move |_: MouseEvent| onrun.emit(cmd.clone()))
    };
    html! {
        <section id="stage-detail" class="card">
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
                    { for stage.details.iter().map(|(k, v)| if v.contains('\n') {
                        html! { <><dt>{ k }</dt><dd><pre class="detail-block">{ v }</pre></dd></> }
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
            }
            if !stage.steps.is_empty() {
                <ol class="steps">
                    { for stage.steps.iter().map(|s| html! {
                        <li data-decision={decision_class(s.decision)}>
                            <span class="plugin">{ &s.plugin }</span>
                            { " " }<span class="badge" data-decision={decision_class(s.decision)}>{ s.decision.as_str() }</span>
                            { " " }<span class="reason">{ &s.reason }</span>
                        </li>
                    }) }
                </ol>
            }
            if !stage.graph.is_empty() {
                <details class="graph" open=true>
                    <summary>{ "RBAC graph: the bindings that name this user" }</summary>
                    <div class="graph-scroll"><RbacGraph rows={stage.graph.clone()} /></div>
                </details>
            }
        </section>
    }
}

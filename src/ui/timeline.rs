//! The stage timeline: one item per stage the request reached, then the response.

use yew::prelude::*;

use crate::sim::trace::Decision;

/// The CSS decision class of a stage outcome.
pub fn decision_class(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Deny => "deny",
        Decision::Error => "error",
        Decision::NoOpinion | Decision::Skip | Decision::NotEvaluated => "skip",
    }
}

/// What a stage outcome is called on the page: the class, except a stage in which nothing
/// was evaluated, which says so (grey, never an "allow").
pub fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::NotEvaluated => "nothing evaluated",
        other => decision_class(other),
    }
}

/// Properties of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The request whose stages are listed.
    pub request: crate::ui::state::Shown,
    /// The selected step.
    pub cursor: usize,
    /// Called with a step index when clicked.
    pub onselect: Callback<usize>,
}

/// The ordered list of stages.
#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let item = |i: usize, stage: &str, title: &str, decision: &str, label: &str| {
        let onselect = props.onselect.clone();
        // A button in each item: reachable by Tab, pressed with Enter or Space, and the
        // current one announced as the current step.
        let current = i == props.cursor;
        html! {
            <li data-stage={stage.to_string()} data-decision={decision.to_string()}
                class={classes!(current.then_some("current"))}
                onclick={Callback::from(move |_| onselect.emit(i))}>
                <button type="button" class="stage-button" aria-current={current.then_some("step")}>
                    <span class="stage-name">{ title.to_string() }</span>
                    <span class="stage-decision">{ label.to_string() }</span>
                </button>
            </li>
        }
    };
    let req = props.request.trace();
    let code = req.response.code;
    let code_class = if code < 400 { "allow" } else { "deny" };
    html! {
        <ol id="timeline" class="timeline">
            { for req.stages.iter().enumerate().map(|(i, s)| item(i, s.stage.as_str(), s.stage.title(), decision_class(s.decision), decision_label(s.decision))) }
            { item(req.stages.len(), "response", &format!("Response {code}"), code_class, code_class) }
        </ol>
    }
}

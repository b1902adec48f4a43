//! The stage timeline: one item per stage the request reached, then the response.

use yew::prelude::*;

use crate::sim::trace::{Decision, Stage};

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

/// Why a request that was not refused has no record of a stage.
fn not_run_because(stage: Stage, verb: &str) -> &'static str {
    match stage {
        Stage::Impersonation => {
            "the request asks for no impersonation (no --as): it acts as its sender"
        }
        Stage::MutatingAdmission | Stage::Validation | Stage::ValidatingAdmission
            if matches!(verb, "get" | "list" | "watch") =>
        {
            "a read: admission and validation look only at requests that write an object"
        }
        Stage::Storage => "nothing is stored for this request (a review is answered, not kept)",
        _ => "this kind of request does not go through this stage",
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

/// One box of the pipeline picture.
enum Item {
    /// The request's step `i` (a stage it reached).
    Reached(usize),
    /// A stage it did not go through: after the one that refused it, or one this kind of
    /// request does not need (impersonation without `--as`, admission for a read).
    Unreached(Stage, bool),
}

/// The pipeline as a picture: every stage of kube-apiserver in order, each a box lit with its
/// decision where the request passed through it, red where it was refused, dimmed where it
/// did not go; then the response. Each reached box is a button that opens its card.
#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let req = props.request.trace();
    let refused = req.refused_at();
    let mut items = Vec::new();
    let mut next = 0;
    for stage in Stage::ALL {
        if req.stages.get(next).is_some_and(|s| s.stage == stage) {
            items.push(Item::Reached(next));
            next += 1;
        } else {
            items.push(Item::Unreached(stage, refused.is_some_and(|r| r < next)));
        }
    }
    // Anything recorded out of the usual order still shows.
    items.extend((next..req.stages.len()).map(Item::Reached));
    let reached = |i: usize, stage: &str, title: &str, decision: &str, label: &str| {
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
    let code = req.response.code;
    let code_class = if code < 400 { "allow" } else { "deny" };
    html! {
        <ol id="timeline" class="timeline" aria-label="The request's way through kube-apiserver">
            { for items.iter().map(|item| match item {
                Item::Reached(i) => {
                    let s = &req.stages[*i];
                    reached(*i, s.stage.as_str(), s.stage.title(), decision_class(s.decision), decision_label(s.decision))
                }
                Item::Unreached(stage, after_refusal) => {
                    let (label, why) = if *after_refusal {
                        ("not reached", "the request was refused before this stage")
                    } else {
                        ("not run", not_run_because(*stage, &req.attributes.verb))
                    };
                    html! {
                        <li class="unreached" data-stage={stage.as_str()} title={why}>
                            <span class="stage-name">{ stage.title() }</span>
                            <span class="stage-decision">{ label }</span>
                            <span class="visually-hidden">{ format!(": {why}") }</span>
                        </li>
                    }
                }
            }) }
            { reached(req.stages.len(), "response", &format!("Response {code}"), code_class, code_class) }
        </ol>
    }
}

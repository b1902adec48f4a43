//! The RBAC graph of the authorization card: the user's subjects → bindings → roles → rules,
//! the path that allowed the request highlighted, then the near-miss bindings elsewhere that
//! would allow it there. HTML, not a picture: it takes the card's width, names wrap whole,
//! and the text scales with the page (presentation mode included). Built by
//! `state::rbac_tree`.

use yew::prelude::*;

use super::state::{rbac_tree, GraphSubject};
use crate::sim::trace::GraphRow;

/// Properties of [`RbacGraph`].
#[derive(Properties, PartialEq)]
pub struct RbacGraphProps {
    /// The rows of the trace's authorization stage.
    pub rows: Vec<GraphRow>,
}

fn subjects(list: &[GraphSubject]) -> Html {
    html! {
        { for list.iter().map(|g| html! {
            <li class="rbac-subject">
                <span class={classes!("node", "subject", g.on_path.then_some("path"))}>{ &g.subject }</span>
                <ol class="rbac-bindings">
                    { for g.bindings.iter().map(|b| html! {
                        <li class={classes!("rbac-chain", b.on_path.then_some("path"))}>
                            <span class={classes!("node", "binding", b.on_path.then_some("path"))}>{ &b.binding }</span>
                            <span class={classes!("node", "role", b.on_path.then_some("path"))}>{ &b.role }</span>
                            <ul class="rules">
                                { for b.rules.iter().map(|r| html! {
                                    <li class={classes!("node", "rule", r.allows.then_some("allows"), (b.on_path && r.allows).then_some("path"))}>{ &r.text }</li>
                                }) }
                            </ul>
                        </li>
                    }) }
                </ol>
            </li>
        }) }
    }
}

/// The graph.
#[function_component(RbacGraph)]
pub fn rbac_graph(props: &RbacGraphProps) -> Html {
    let (here, elsewhere) = rbac_tree(&props.rows);
    html! {
        <div id="rbac-graph" class="rbac-graph" role="group" aria-label="RBAC graph of the user">
            <p class="rbac-heads" aria-hidden="true"><span>{ "subject" }</span><span>{ "binding" }</span><span>{ "role" }</span><span>{ "rules" }</span></p>
            <ol class="rbac-subjects">{ subjects(&here) }</ol>
            if !elsewhere.is_empty() {
                <p class="rbac-near-title">{ "Near misses: bindings in other namespaces that would allow this there" }</p>
                <ol class="rbac-subjects near-miss">{ subjects(&elsewhere) }</ol>
            }
        </div>
    }
}

//! The RBAC graph of the authorization card: the user's subjects → bindings → roles → rules,
//! the path that allowed the request highlighted. Laid out by `state::graph_layout`.

use yew::prelude::*;

use super::state::{graph_layout, GRAPH_BOX, GRAPH_COLUMNS, GRAPH_RULE_BOX};
use crate::sim::trace::GraphRow;

/// Properties of [`RbacGraph`].
#[derive(Properties, PartialEq)]
pub struct RbacGraphProps {
    /// The rows of the trace's authorization stage.
    pub rows: Vec<GraphRow>,
}

/// The graph, as SVG.
#[function_component(RbacGraph)]
pub fn rbac_graph(props: &RbacGraphProps) -> Html {
    let layout = graph_layout(&props.rows);
    let width = GRAPH_COLUMNS[3] + GRAPH_RULE_BOX + 4;
    let height = layout.height + 24;
    let heads = ["subject", "binding", "role", "rules"];
    html! {
        <svg id="rbac-graph" class="rbac-graph" role="img" aria-label="RBAC graph of the user"
            width={width.to_string()} height={(height + 18).to_string()}
            viewBox={format!("0 -18 {width} {}", height + 18)}>
            { for heads.iter().zip(GRAPH_COLUMNS).map(|(h, x)| html! {
                <text class="head" x={(x + 4).to_string()} y="-4">{ *h }</text>
            }) }
            { for layout.edges.iter().map(|(x1, y1, x2, y2, on)| html! {
                <line class={classes!("edge", on.then_some("path"))}
                    x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
            }) }
            { for layout.nodes.iter().map(|n| html! {
                <g class={classes!("node", n.on_path.then_some("path"))}>
                    <title>{ &n.title }</title>
                    <rect x={n.x.to_string()} y={(n.y - 9).to_string()} height="18" rx="4"
                        width={(if n.x == GRAPH_COLUMNS[3] { GRAPH_RULE_BOX } else { GRAPH_BOX }).to_string()} />
                    <text x={(n.x + 6).to_string()} y={(n.y + 4).to_string()}>{ &n.label }</text>
                </g>
            }) }
        </svg>
    }
}

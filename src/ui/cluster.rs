//! The cluster as it is now: every resource the store holds, its objects by namespace and
//! name, each opening as YAML; the objects the shown command wrote are marked with what it
//! did to them.

use std::rc::Rc;

use yew::prelude::*;

use super::engine::{ClusterSummary, ObjectKey};
use super::state::Written;

/// Properties of [`ClusterView`].
#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// The store as the engine last reported it.
    pub cluster: Rc<ClusterSummary>,
    /// The object being read, as YAML (`None`: it is gone).
    pub object: Option<(ObjectKey, Option<String>)>,
    /// What the command shown wrote.
    pub written: Vec<Written>,
    /// Read an object.
    pub onopen: Callback<ObjectKey>,
    pub onclose: Callback<MouseEvent>,
}

/// The cluster browser.
#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let resources = &props.cluster.resources;
    let total: usize = resources.iter().map(|r| r.count).sum();
    let how = |g: &str, r: &str, ns: &str, n: &str| {
        props
            .written
            .iter()
            .rev()
            .find(|w| w.group == g && w.resource == r && w.namespace == ns && w.name == n)
            .map(|w| w.how)
    };
    html! {
        <details id="cluster" class="card cluster">
            <summary>{ format!("The cluster now: {total} objects of {} resources", resources.len()) }</summary>
            <p class="muted">{ "What the API server has stored, as the commands left it. Marked: what the command shown wrote. Click an object to read it." }</p>
            if let Some((key, yaml)) = &props.object {
                <div class="cluster-object">
                    <p><code>{ format!("{}/{}", key.resource, key.name) }</code>
                        <button class="small" onclick={props.onclose.clone()}>{ "Close" }</button></p>
                    <pre class="json">{ yaml.clone().unwrap_or_else(|| "(no longer in the cluster)".into()) }</pre>
                </div>
            }
            <ul class="cluster-resources">
                { for resources.iter().map(|res| {
                    let (g, r, n) = (&res.group, &res.resource, &res.count);
                    let label = if g.is_empty() { r.clone() } else { format!("{r}.{g}") };
                    let changed = props.written.iter().any(|w| &w.group == g && &w.resource == r);
                    html! {
                        <li>
                            <details open={changed}>
                                <summary>{ format!("{label} ({n})") }{ if changed { " ·  changed" } else { "" } }</summary>
                                <ul class="cluster-objects">
                                    { for res.objects.iter().map(|(ns, name)| {
                                        let mark = how(g, r, ns, name);
                                        let key = ObjectKey { group: g.clone(), resource: r.clone(), namespace: ns.clone(), name: name.clone() };
                                        let open = props.onopen.clone();
                                        html! {
                                            <li>
                                                <button type="button" class={classes!("object", mark.map(|_| "written"))}
                                                    onclick={Callback::from(move |_| open.emit(key.clone()))}>
                                                    { if ns.is_empty() { name.clone() } else { format!("{ns}/{name}") } }
                                                    if let Some(m) = mark { <span class="how">{ format!(" {m}") }</span> }
                                                </button>
                                            </li>
                                        }
                                    }) }
                                    if *n > res.objects.len() { <li class="muted">{ format!("and {} more", n - res.objects.len()) }</li> }
                                </ul>
                            </details>
                        </li>
                    }
                }) }
            </ul>
            // Deleted objects are gone from the store: say what the command removed.
            { for props.written.iter().filter(|w| w.how == "deleted").map(|w| html! {
                <p class="muted deleted">{ format!("deleted by the command shown: {}/{}{}", w.resource, w.name,
                    if w.namespace.is_empty() { String::new() } else { format!(" in {}", w.namespace) }) }</p>
            }) }
        </details>
    }
}

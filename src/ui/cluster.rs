//! The cluster as it is now: every resource the store holds, its objects by namespace and
//! name, each opening as YAML; the objects the shown command wrote are marked with what it
//! did to them.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::state::Written;
use crate::sim::session::Session;
use crate::sim::store::{name_of, namespace_of};

/// Properties of [`ClusterView`].
#[derive(Properties)]
pub struct ClusterViewProps {
    pub session: Rc<RefCell<Session>>,
    /// The store's revision: the view follows the cluster as it changes.
    pub revision: u64,
    /// What the command shown wrote.
    pub written: Vec<Written>,
}

impl PartialEq for ClusterViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.revision == other.revision
            && self.written == other.written
    }
}

/// How many objects of one resource are listed.
const LISTED: usize = 200;

/// The cluster browser.
#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let open = use_state(|| None::<(String, String, String, String)>);
    let session = props.session.borrow();
    let store = &session.cluster.store;
    let resources: Vec<(String, String, usize)> = store
        .resources()
        .map(|(g, r, n)| (g.to_string(), r.to_string(), n))
        .collect();
    let total: usize = resources.iter().map(|r| r.2).sum();
    let how = |g: &str, r: &str, ns: &str, n: &str| {
        props
            .written
            .iter()
            .rev()
            .find(|w| w.group == g && w.resource == r && w.namespace == ns && w.name == n)
            .map(|w| w.how)
    };
    let shown = (*open).clone().and_then(|(g, r, ns, n)| {
        store
            .get(&g, &r, &ns, &n)
            .map(|v| (format!("{r}/{n}"), crate::sim::yamlout::to_yaml(v)))
    });
    html! {
        <details id="cluster" class="card cluster">
            <summary>{ format!("The cluster now: {total} objects of {} resources", resources.len()) }</summary>
            <p class="muted">{ "What the API server has stored, as the commands left it. Marked: what the command shown wrote. Click an object to read it." }</p>
            if let Some((title, yaml)) = shown {
                <div class="cluster-object">
                    <p><code>{ title }</code>
                        <button class="small" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(None)) }}>{ "Close" }</button></p>
                    <pre class="json">{ yaml }</pre>
                </div>
            }
            <ul class="cluster-resources">
                { for resources.iter().map(|(g, r, n)| {
                    let label = if g.is_empty() { r.clone() } else { format!("{r}.{g}") };
                    let changed = props.written.iter().any(|w| &w.group == g && &w.resource == r);
                    html! {
                        <li>
                            <details open={changed}>
                                <summary>{ format!("{label} ({n})") }{ if changed { " ·  changed" } else { "" } }</summary>
                                <ul class="cluster-objects">
                                    { for store.list(g, r, None).take(LISTED).map(|obj| {
                                        let ns = namespace_of(obj).to_string();
                                        let name = name_of(obj).to_string();
                                        let mark = how(g, r, &ns, &name);
                                        let key = (g.clone(), r.clone(), ns.clone(), name.clone());
                                        let open = open.clone();
                                        html! {
                                            <li>
                                                <button type="button" class={classes!("object", mark.map(|_| "written"))}
                                                    onclick={Callback::from(move |_| open.set(Some(key.clone())))}>
                                                    { if ns.is_empty() { name.clone() } else { format!("{ns}/{name}") } }
                                                    if let Some(m) = mark { <span class="how">{ format!(" {m}") }</span> }
                                                </button>
                                            </li>
                                        }
                                    }) }
                                    if *n > LISTED { <li class="muted">{ format!("and {} more", n - LISTED) }</li> }
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

//! The security card of a request that wrote a pod or a pod template: per container the
//! effective settings with where each came from, the capability set drawn against the
//! runtime's default (kept, added, dropped), what it lets the container do to the node, the
//! same container as `docker run`; the Pod Security verdict per level; and the smallest
//! securityContext patch that passes restricted. Built by `sim::securitycontext`.

use yew::prelude::*;

use crate::sim::securitycontext::{
    ContainerReport, SecurityReport, Source, ALL_CAPABILITIES, RUNTIME_DEFAULT,
};

/// Properties of [`SecurityCard`].
#[derive(Properties, PartialEq)]
pub struct SecurityCardProps {
    pub report: SecurityReport,
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Container => "container",
        Source::Pod => "pod",
        Source::Default => "default",
        Source::Image => "image",
    }
}

/// One chip per capability: held by default and kept, added, dropped from the default, or
/// neither.
fn capabilities(c: &ContainerReport) -> Html {
    let held = |cap: &str| c.effective_caps.iter().any(|e| e == cap);
    html! {
        <ul class="caps" aria-label={format!("capabilities of {}", c.name)}>
            { for ALL_CAPABILITIES.iter().map(|cap| {
                let default = RUNTIME_DEFAULT.contains(cap);
                let (class, title) = match (default, held(cap)) {
                    (true, true) if c.privileged => ("cap kept", "held (privileged)"),
                    (true, true) => ("cap kept", "in the runtime's default set"),
                    (true, false) => ("cap dropped", "dropped from the default set"),
                    (false, true) if c.privileged => ("cap added", "beyond the default set: granted by privileged"),
                    (false, true) => ("cap added", "added"),
                    (false, false) => ("cap absent", "not held"),
                };
                html! { <li class={class} title={title}>{ *cap }</li> }
            }) }
        </ul>
    }
}

fn container(c: &ContainerReport) -> Html {
    let root = match c.root {
        Some(true) => "root",
        Some(false) => "non-root",
        None => "image's user",
    };
    html! {
        <section class="sec-container" data-container={c.name.clone()}>
            <h3>{ format!("container \"{}\"", c.name) }<span class="muted">{ format!(" ({}) · {root}", c.list) }</span></h3>
            <table class="sec-settings">
                <thead><tr><th>{ "field" }</th><th>{ "effective value" }</th><th>{ "from" }</th></tr></thead>
                <tbody>
                    { for c.settings.iter().map(|s| html! {
                        <tr data-source={source_label(s.source)}>
                            <td><code>{ &s.field }</code></td>
                            <td><code>{ &s.value }</code>
                                if !s.note.is_empty() { <span class="muted">{ format!(" — {}", s.note) }</span> }</td>
                            <td class="source">{ source_label(s.source) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="caps-legend muted">{ "Capabilities: " }<span class="cap kept">{ "default, kept" }</span>
                <span class="cap added">{ "added" }</span><span class="cap dropped">{ "dropped" }</span>
                <span class="cap absent">{ "not held" }</span></p>
            { capabilities(c) }
            <ul class="sec-notes">{ for c.notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            <details class="abilities">
                <summary>{ format!("On the node it can do {} of {} things that need a capability", c.can.len(), c.can.len() + c.cannot.len()) }</summary>
                <ul>
                    { for c.can.iter().map(|x| html! { <li class="can">{ x }</li> }) }
                    { for c.cannot.iter().map(|x| html! { <li class="cannot">{ x }</li> }) }
                </ul>
            </details>
            <p class="docker"><span class="muted">{ "As docker run: " }</span><code>{ &c.docker }</code></p>
        </section>
    }
}

/// The card.
#[function_component(SecurityCard)]
pub fn security_card(props: &SecurityCardProps) -> Html {
    let r = &props.report;
    html! {
        <details id="security-card" class="security" open=true>
            <summary>{ format!("Security: {}", r.subject) }</summary>
            <p class="sec-pod">
                { for r.pod.iter().map(|s| html! {
                    <span class="chip" data-source={source_label(s.source)} title={s.note.clone()}>
                        <code>{ format!("{}: {}", s.field, s.value) }</code></span>
                }) }
            </p>
            { for r.containers.iter().map(container) }
            <table class="sec-levels" id="pss-levels">
                <thead><tr><th>{ "Pod Security Standard" }</th><th>{ "verdict" }</th></tr></thead>
                <tbody>
                    { for r.levels.iter().map(|l| html! {
                        <tr data-decision={if l.allowed { "allow" } else { "deny" }}>
                            <td><code>{ &l.level }</code></td>
                            <td>if l.allowed { { "allowed" } } else {
                                <ul>{ for l.failures.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
                            }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !r.restricted_patch.is_empty() {
                <details class="sec-patch" id="restricted-patch" open=true>
                    <summary>{ "Make it pass restricted: the smallest securityContext patch" }</summary>
                    <pre class="detail-block">{ &r.restricted_patch }</pre>
                </details>
            }
        </details>
    }
}

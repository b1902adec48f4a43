//! The admission plugins that shape where a pod may run:
//! - **TaintNodesByCondition**: a new Node starts tainted `node.kubernetes.io/not-ready`;
//! - **ExtendedResourceToleration**: a pod asking for an extended resource tolerates the
//!   taint of the nodes that offer it;
//! - **PodNodeSelector**: the namespace's node selector is merged into the pod's, and the two
//!   may not conflict;
//! - **PodTolerationRestriction**: the namespace's default tolerations are merged in, and
//!   the pod's tolerations must fit the namespace's whitelist;
//! - **LimitPodHardAntiAffinityTopology**: required pod anti-affinity only per node;
//! - **RuntimeClass**: the pod's RuntimeClass must exist; its overhead and scheduling
//!   constraints are copied into the pod.
//!
//! The toleration helpers are upstream's `pkg/util/tolerations`.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::response::ApiError;

/// A toleration, read with Go's zero values for missing fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    key: String,
    operator: String,
    value: String,
    effect: String,
    seconds: Option<i64>,
}

impl Toleration {
    /// Reads one toleration object.
    pub fn from_json(v: &Value) -> Toleration {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Toleration {
            key: s("key"),
            operator: s("operator"),
            value: s("value"),
            effect: s("effect"),
            seconds: v.get("tolerationSeconds").and_then(Value::as_i64),
        }
    }

    fn new(key: &str, operator: &str, effect: &str, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: key.into(),
            operator: operator.into(),
            value: String::new(),
            effect: effect.into(),
            seconds,
        }
    }

    /// The toleration as the API writes it (empty fields left out).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [
            ("key", &self.key),
            ("operator", &self.operator),
            ("value", &self.value),
            ("effect", &self.effect),
        ] {
            if !v.is_empty() {
                m.insert(k.into(), json!(v));
            }
        }
        if let Some(s) = self.seconds {
            m.insert("tolerationSeconds".into(), json!(s));
        }
        Value::Object(m)
    }

    /// Whether `self` tolerates everything `t` does (upstream `isSuperset`): an empty key
    /// with `Exists` matches every key, an empty effect every effect, and a `NoExecute`
    /// toleration with seconds only covers one that leaves no later.
    fn covers(&self, t: &Toleration) -> bool {
        if self == t {
            return true;
        }
        if t.key != self.key && (!self.key.is_empty() || self.operator != "Exists") {
            return false;
        }
        if t.effect != self.effect && !self.effect.is_empty() {
            return false;
        }
        if self.effect == "NoExecute" {
            if let Some(max) = self.seconds {
                if t.seconds.is_none_or(|s| s > max) {
                    return false;
                }
            }
        }
        match self.operator.as_str() {
            "Equal" | "" => t.operator == "Equal" && t.value == self.value,
            "Exists" => true,
            _ => false,
        }
    }
}

/// The pod's tolerations.
pub fn tolerations_of(pod: &Value) -> Vec<Toleration> {
    pod.ptr("/spec/tolerations")
        .and_then(Value::as_array)
        .map(|ts| ts.iter().map(Toleration::from_json).collect())
        .unwrap_or_default()
}

/// Upstream `MergeTolerations`: `first` then `second`, leaving out any toleration another
/// one already covers (the first of two equal ones stays).
pub fn merge(first: &[Toleration], second: &[Toleration]) -> Vec<Toleration> {
    let all: Vec<&Toleration> = first.iter().chain(second).collect();
    let mut merged: Vec<Toleration> = Vec::new();
    for (i, t) in all.iter().enumerate() {
        if merged.iter().any(|m| m.covers(t)) {
            continue;
        }
        if all[i + 1..]
            .iter()
            .any(|later| *later != *t && later.covers(t))
        {
            continue;
        }
        merged.push((*t).clone());
    }
    merged
}

/// Upstream `VerifyAgainstWhitelist`: every toleration is covered by one of the whitelist
/// (an empty whitelist or no tolerations always fit).
pub fn fits(tolerations: &[Toleration], whitelist: &[Toleration]) -> bool {
    whitelist.is_empty()
        || tolerations
            .iter()
            .all(|t| whitelist.iter().any(|w| w.covers(t)))
}

fn set_tolerations(pod: &mut Value, tolerations: &[Toleration]) {
    pod["spec"]["tolerations"] =
        Value::Array(tolerations.iter().map(Toleration::to_json).collect());
}

/// A 403 naming the pod by its own name (`unnamed` when it has none): upstream's
/// `errors.NewForbidden(resource, pod.Name, …)` (an empty name) or `admission.NewForbidden`
/// on a pod being created (`Unknown`).
fn pod_forbidden(pod: &Value, unnamed: &str, message: &str) -> Verdict {
    let name = pod
        .ptr("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(unnamed);
    Verdict::Reject(ApiError::forbidden("", "pods", name, message))
}

/// The pod of a request on `pods` itself (no subresource).
fn pod_of<'r>(a: &'r mut Attributes<'_>) -> Result<&'r mut Value, Verdict> {
    if !a.is_core("pods") {
        return Err(Verdict::Skip("only looks at pods".into()));
    }
    a.object_mut()
        .ok_or_else(|| Verdict::Skip("no pod in the request".into()))
}

/// TaintNodesByCondition's `Admit`.
pub fn taint_new_nodes(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("nodes") {
        return Verdict::Skip("only taints new Nodes".into());
    }
    let Some(node) = a.object_mut() else {
        return Verdict::Skip("no Node in the request".into());
    };
    const KEY: &str = "node.kubernetes.io/not-ready";
    let tainted = node
        .ptr("/spec/taints")
        .and_then(Value::as_array)
        .is_some_and(|ts| {
            ts.iter().any(|t| {
                t.get("key").and_then(Value::as_str) == Some(KEY)
                    && t.get("effect").and_then(Value::as_str) == Some("NoSchedule")
            })
        });
    if tainted {
        return Verdict::Admit(format!("the Node already has the {KEY}:NoSchedule taint").into());
    }
    if !node.get("spec").is_some_and(Value::is_object) {
        node["spec"] = json!({});
    }
    if !node["spec"].get("taints").is_some_and(Value::is_array) {
        node["spec"]["taints"] = json!([]);
    }
    if let Some(ts) = node["spec"]["taints"].as_array_mut() {
        ts.push(json!({"key": KEY, "effect": "NoSchedule"}));
    }
    Verdict::Admit(
        format!("tainted the new Node {KEY}:NoSchedule until its kubelet reports Ready").into(),
    )
}

/// Whether a resource name is an extended resource (`example.com/gpu`): qualified, outside
/// the `kubernetes.io/` namespaces, not a `requests.` quota name.
pub fn is_extended_resource(name: &str) -> bool {
    if !name.contains('/') || name.contains("kubernetes.io/") || name.starts_with("requests.") {
        return false;
    }
    crate::sim::labels::label_key_problems(&format!("requests.{name}")).is_empty()
}

/// ExtendedResourceToleration's `Admit`.
pub fn extended_resource_toleration(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let pod = match pod_of(a) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let mut names: Vec<String> = ["containers", "initContainers"]
        .iter()
        .filter_map(|l| pod.ptr(&format!("/spec/{l}")).and_then(Value::as_array))
        .flatten()
        .filter_map(|c| c.ptr("/resources/requests").and_then(Value::as_object))
        .flat_map(|r| r.keys().cloned())
        .filter(|n| is_extended_resource(n))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Verdict::Admit("the pod requests no extended resource".into());
    }
    let mut tolerations = tolerations_of(pod);
    for name in &names {
        // AddOrUpdateTolerationInPod: a toleration with the same key, operator, value and
        // effect is replaced; otherwise this one is added.
        let wanted = Toleration::new(name, "Exists", "NoSchedule", None);
        let same = |t: &Toleration| {
            t.key == wanted.key
                && t.operator == wanted.operator
                && t.value == wanted.value
                && t.effect == wanted.effect
        };
        match tolerations.iter().position(same) {
            Some(i) => tolerations[i] = wanted,
            None => tolerations.push(wanted),
        }
    }
    set_tolerations(pod, &tolerations);
    Verdict::Admit(
        format!(
            "tolerates the NoSchedule taints of nodes offering {}",
            names.join(", ")
        )
        .into(),
    )
}

/// LimitPodHardAntiAffinityTopology's `Validate`.
pub fn hard_anti_affinity_topology(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("pods") {
        return Verdict::Skip("only looks at pods".into());
    }
    let Some(pod) = a.object.as_ref() else {
        return Verdict::Skip("no pod in the request".into());
    };
    let terms = pod
        .ptr("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
        .and_then(Value::as_array);
    for term in terms.into_iter().flatten() {
        let key = term
            .get("topologyKey")
            .and_then(Value::as_str)
            .unwrap_or("");
        if key != "kubernetes.io/hostname" {
            // Upstream names the pod by its own name, even an empty one.
            return pod_forbidden(
                pod,
                "",
                &format!("affinity.PodAntiAffinity.RequiredDuringScheduling has TopologyKey {key} but only key kubernetes.io/hostname is allowed"),
            );
        }
    }
    Verdict::Admit(
        "required pod anti-affinity, if any, is per node (kubernetes.io/hostname)".into(),
    )
}

const NODE_SELECTOR_ANNOTATION: &str = "scheduler.alpha.kubernetes.io/node-selector";

/// A namespace's node selector annotation as `ConvertSelectorToLabelsMap` reads it, with
/// its errors (field errors without a path).
fn selector_map(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    if text.is_empty() {
        return Ok(out);
    }
    let quote = crate::sim::yamlout::go_quote;
    for term in text.split(',') {
        let parts: Vec<&str> = term.split('=').collect();
        let [k, v] = parts[..] else {
            return Err(format!("invalid selector: [{}]", parts.join(" ")));
        };
        let (k, v) = (k.trim(), v.trim());
        let problems = crate::sim::labels::label_key_problems(k);
        if !problems.is_empty() {
            return Err(format!(
                ": Invalid value: {}: {}",
                quote(k),
                problems.join("; ")
            ));
        }
        let problems = crate::sim::labels::label_value_problems(v);
        if !problems.is_empty() {
            return Err(format!(
                "[{k}]: Invalid value: {}: {}",
                quote(v),
                problems.join("; ")
            ));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

fn namespace_annotation<'s>(ctx: &'s Context<'_>, ns: &str, key: &str) -> Option<&'s str> {
    ctx.store
        .get("", "namespaces", "", ns)
        .and_then(|n| n.ptr("/metadata/annotations"))
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
}

fn node_selector_conflict(a: &Attributes<'_>, ns: &[(String, String)]) -> Option<Verdict> {
    let pod = a.object.as_ref()?;
    let conflicts = ns.iter().any(|(k, v)| {
        pod.ptr("/spec/nodeSelector")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .is_some_and(|pv| pv != v)
    });
    conflicts.then(|| {
        pod_forbidden(
            pod,
            "",
            "pod node label selector conflicts with its namespace node label selector",
        )
    })
}

/// PodNodeSelector's settings from `--admission-control-config-file`
/// (`podNodeSelectorPluginConfig`): `clusterDefaultNodeSelector`, and per namespace the
/// whitelist of node labels its pods may ask for.
fn node_selector_config<'s>(ctx: &'s Context<'_>, key: &str) -> &'s str {
    ctx.state
        .configs
        .plugins
        .get("PodNodeSelector")
        .and_then(|c| c.value.ptr("/podNodeSelectorPluginConfig"))
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `getNamespaceNodeSelectorMap`: the namespace's annotation, or the cluster default when it
/// has none.
fn namespace_selector(
    ctx: &Context<'_>,
    ns: &str,
) -> Result<(Vec<(String, String)>, String), Verdict> {
    if ctx.store.get("", "namespaces", "", ns).is_none() {
        return Err(Verdict::Reject(ApiError::internal(&format!(
            "namespace {ns} does not exist"
        ))));
    }
    let (text, source) = match namespace_annotation(ctx, ns, NODE_SELECTOR_ANNOTATION) {
        Some(t) => (t, format!("namespace {ns}'s annotation")),
        None => (
            node_selector_config(ctx, "clusterDefaultNodeSelector"),
            "the cluster default (clusterDefaultNodeSelector)".to_string(),
        ),
    };
    let selector = selector_map(text).map_err(|e| Verdict::Reject(ApiError::unknown(e)))?;
    Ok((selector, source))
}

/// The checks both passes make: no conflict with the namespace's selector, and (from the
/// configuration file) only whitelisted labels.
fn node_selector_checks(
    ctx: &Context<'_>,
    a: &Attributes<'_>,
    ns_selector: &[(String, String)],
) -> Option<Verdict> {
    if let Some(conflict) = node_selector_conflict(a, ns_selector) {
        return Some(conflict);
    }
    let whitelist = match selector_map(node_selector_config(ctx, &a.namespace)) {
        Ok(w) => w,
        Err(e) => return Some(Verdict::Reject(ApiError::unknown(e))),
    };
    if whitelist.is_empty() {
        return None;
    }
    let pod = a.object.as_ref()?;
    let outside = pod
        .ptr("/spec/nodeSelector")
        .and_then(Value::as_object)
        .is_some_and(|m| {
            m.iter().any(|(k, v)| {
                !whitelist
                    .iter()
                    .any(|(wk, wv)| wk == k && v.as_str() == Some(wv.as_str()))
            })
        });
    outside.then(|| {
        pod_forbidden(
            pod,
            "",
            "pod node label selector labels conflict with its namespace whitelist",
        )
    })
}

/// PodNodeSelector's `Admit` (which also validates).
pub fn pod_node_selector_admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("pods") || a.object.is_none() {
        return Verdict::Skip("only looks at pods".into());
    }
    let (selector, source) = match namespace_selector(ctx, &a.namespace) {
        Ok(s) => s,
        Err(v) => return v,
    };
    if let Some(conflict) = node_selector_conflict(a, &selector) {
        return conflict;
    }
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let mut merged = Map::new();
    for (k, v) in &selector {
        merged.insert(k.clone(), json!(v));
    }
    if let Some(own) = pod.ptr("/spec/nodeSelector").and_then(Value::as_object) {
        for (k, v) in own {
            merged.insert(k.clone(), v.clone());
        }
    }
    if !merged.is_empty() {
        pod["spec"]["nodeSelector"] = Value::Object(merged);
    }
    if let Some(refused) = node_selector_checks(ctx, a, &selector) {
        return refused;
    }
    if selector.is_empty() {
        Verdict::Admit(format!("no node selector from {source}").into())
    } else {
        Verdict::Admit(format!("merged the node selector of {source}").into())
    }
}

/// PodNodeSelector's `Validate`.
pub fn pod_node_selector_validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("pods") || a.object.is_none() {
        return Verdict::Skip("only looks at pods".into());
    }
    let (selector, _) = match namespace_selector(ctx, &a.namespace) {
        Ok(s) => s,
        Err(v) => return v,
    };
    if let Some(refused) = node_selector_checks(ctx, a, &selector) {
        return refused;
    }
    Verdict::Admit("the pod's node selector agrees with its namespace's (and its whitelist)".into())
}

const DEFAULT_TOLERATIONS: &str = "scheduler.alpha.kubernetes.io/defaultTolerations";
const TOLERATIONS_WHITELIST: &str = "scheduler.alpha.kubernetes.io/tolerationsWhitelist";

/// A namespace annotation holding a JSON list of tolerations: `None` when absent.
fn annotated_tolerations(
    ctx: &Context<'_>,
    ns: &str,
    key: &str,
) -> Result<Option<Vec<Toleration>>, ApiError> {
    let Some(text) = namespace_annotation(ctx, ns, key) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(Some(Vec::new()));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(Some(items.iter().map(Toleration::from_json).collect())),
        Ok(_) => Err(ApiError::unknown(format!(
            "json: cannot unmarshal object into Go value of type []core.Toleration (annotation {key})"
        ))),
        Err(e) => Err(ApiError::unknown(e.to_string())),
    }
}

/// PodTolerationRestriction's `Admit` (which also validates).
pub fn toleration_restriction_admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("pods") || a.object.is_none() {
        return Verdict::Skip("only looks at pods".into());
    }
    if ctx.store.get("", "namespaces", "", &a.namespace).is_none() {
        return Verdict::Reject(ApiError::not_found("", "namespaces", &a.namespace));
    }
    let mut extra = Vec::new();
    let mut why = Vec::new();
    if a.operation == Operation::Create {
        match annotated_tolerations(ctx, &a.namespace, DEFAULT_TOLERATIONS) {
            Ok(Some(ts)) => {
                if !ts.is_empty() {
                    why.push(format!(
                        "the namespace's default tolerations ({DEFAULT_TOLERATIONS})"
                    ));
                }
                extra = ts;
            }
            Ok(None) => {
                // No annotation: the cluster's default from the configuration file.
                extra = configured_tolerations(ctx, "default");
                if !extra.is_empty() {
                    why.push("the cluster's default tolerations (configuration file)".into());
                }
            }
            Err(e) => return Verdict::Reject(e),
        }
    }
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let spec = pod.get("spec").cloned().unwrap_or(Value::Null);
    if crate::sim::defaults::qos_class(&spec) != "BestEffort" {
        extra.push(Toleration::new(
            "node.kubernetes.io/memory-pressure",
            "Exists",
            "NoSchedule",
            None,
        ));
        why.push("a memory-pressure toleration (the pod is not BestEffort)".into());
    }
    if !extra.is_empty() {
        let merged = merge(&tolerations_of(pod), &extra);
        set_tolerations(pod, &merged);
    }
    match toleration_restriction_validate(ctx, a) {
        Verdict::Reject(e) => Verdict::Reject(e),
        _ if why.is_empty() => {
            Verdict::Admit("nothing to add; the tolerations fit the whitelist".into())
        }
        _ => Verdict::Admit(format!("merged in {}", why.join(" and ")).into()),
    }
}

/// PodTolerationRestriction's `Validate`.
pub fn toleration_restriction_validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("pods") {
        return Verdict::Skip("only looks at pods".into());
    }
    let Some(pod) = a.object.as_ref() else {
        return Verdict::Skip("no pod".into());
    };
    let tolerations = tolerations_of(pod);
    if tolerations.is_empty() {
        return Verdict::Admit("the pod has no tolerations".into());
    }
    let whitelist = match annotated_tolerations(ctx, &a.namespace, TOLERATIONS_WHITELIST) {
        Ok(w) => w,
        Err(e) => return Verdict::Reject(e),
    };
    // No annotation: the cluster's whitelist from the configuration file.
    let (whitelist, scope) = match whitelist {
        Some(w) => (w, "namespace"),
        None => (configured_tolerations(ctx, "whitelist"), "cluster"),
    };
    if whitelist.is_empty() {
        return Verdict::Admit("no toleration whitelist applies".into());
    }
    if fits(&tolerations, &whitelist) {
        return Verdict::Admit(format!("every toleration is within the {scope} whitelist").into());
    }
    Verdict::Reject(ApiError::unknown(format!(
        "pod tolerations (possibly merged with namespace default tolerations) conflict with its {scope} whitelist"
    )))
}

/// PodTolerationRestriction's `default` or `whitelist` from `--admission-control-config-file`
/// (kind Configuration, podtolerationrestriction.admission.k8s.io/v1alpha1).
fn configured_tolerations(ctx: &Context<'_>, key: &str) -> Vec<Toleration> {
    ctx.state
        .configs
        .plugins
        .get("PodTolerationRestriction")
        .and_then(|c| c.value.get(key))
        .and_then(Value::as_array)
        .map(|ts| ts.iter().map(Toleration::from_json).collect())
        .unwrap_or_default()
}

fn runtime_class<'s>(
    ctx: &'s Context<'_>,
    a: &Attributes<'_>,
) -> Result<Option<&'s Value>, Verdict> {
    let Some(name) = a
        .object
        .as_ref()
        .and_then(|p| p.ptr("/spec/runtimeClassName"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    match ctx.store.get("node.k8s.io", "runtimeclasses", "", name) {
        Some(rc) => Ok(Some(rc)),
        None => Err(Verdict::Reject(a.forbidden(&format!(
            "pod rejected: RuntimeClass {} not found",
            crate::sim::yamlout::go_quote(name)
        )))),
    }
}

/// RuntimeClass' `Admit`.
pub fn runtime_class_admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("pods") || a.object.is_none() {
        return Verdict::Skip("only looks at pods".into());
    }
    let rc = match runtime_class(ctx, a) {
        Ok(Some(rc)) => rc.clone(),
        Ok(None) => return Verdict::Admit("the pod names no RuntimeClass".into()),
        Err(v) => return v,
    };
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let mut changes = Vec::new();
    if let Some(fixed) = rc.ptr("/overhead/podFixed") {
        match pod.ptr("/spec/overhead") {
            Some(own) if own != fixed => {
                return pod_forbidden(
                    pod,
                    "Unknown",
                    "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
                );
            }
            _ => {
                pod["spec"]["overhead"] = fixed.clone();
                changes.push("set the RuntimeClass's overhead".to_string());
            }
        }
    }
    if let Some(sched) = rc.get("scheduling") {
        if let Some(selector) = sched.get("nodeSelector").and_then(Value::as_object) {
            for (k, v) in selector {
                let mine = pod
                    .ptr("/spec/nodeSelector")
                    .and_then(|m| m.get(k))
                    .cloned();
                if let Some(mine) = mine.filter(|m| m != v) {
                    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
                    return pod_forbidden(
                        pod,
                        "Unknown",
                        &format!(
                            "conflict: runtimeClass.scheduling.nodeSelector[{k}] = {}; pod.spec.nodeSelector[{k}] = {}",
                            s(v),
                            s(&mine)
                        ),
                    );
                }
            }
            if !pod["spec"]
                .get("nodeSelector")
                .is_some_and(Value::is_object)
            {
                pod["spec"]["nodeSelector"] = json!({});
            }
            for (k, v) in selector {
                pod["spec"]["nodeSelector"][k] = v.clone();
            }
            changes.push("merged its node selector".into());
        }
        if let Some(ts) = sched.get("tolerations").and_then(Value::as_array) {
            let theirs: Vec<Toleration> = ts.iter().map(Toleration::from_json).collect();
            let merged = merge(&tolerations_of(pod), &theirs);
            set_tolerations(pod, &merged);
            changes.push("merged its tolerations".into());
        }
    }
    if changes.is_empty() {
        Verdict::Admit("the RuntimeClass exists and adds nothing".into())
    } else {
        Verdict::Admit(changes.join("; ").into())
    }
}

/// RuntimeClass' `Validate`.
pub fn runtime_class_validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("pods") || a.object.is_none() {
        return Verdict::Skip("only looks at pods".into());
    }
    let rc = match runtime_class(ctx, a) {
        Ok(rc) => rc,
        Err(v) => return v,
    };
    let own = a.object.as_ref().and_then(|p| p.ptr("/spec/overhead"));
    let theirs = rc.and_then(|rc| rc.ptr("/overhead/podFixed"));
    match (own, theirs) {
        (Some(o), Some(t)) if o != t => Verdict::Reject(a.forbidden(
            "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
        )),
        (Some(_), None) => Verdict::Reject(a.forbidden(
            "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
        )),
        _ => Verdict::Admit("the pod's overhead matches its RuntimeClass".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The named tolerations of upstream's pkg/util/tolerations tests.
    fn named(name: &str) -> Toleration {
        let (key, op, value, effect, secs): (&str, &str, &str, &str, Option<i64>) = match name {
            "all" => ("", "Exists", "", "", None),
            "all-nosched" => ("", "Exists", "", "NoSchedule", None),
            "all-noexec" => ("", "Exists", "", "NoExecute", None),
            "foo" => ("foo", "Exists", "", "", None),
            "foo-bar" => ("foo", "Equal", "bar", "", None),
            "foo-nosched" => ("foo", "Exists", "", "NoSchedule", None),
            "foo-bar-nosched" => ("foo", "Equal", "bar", "NoSchedule", None),
            "foo-baz-nosched" => ("foo", "Equal", "baz", "NoSchedule", None),
            "faz-nosched" => ("faz", "Exists", "", "NoSchedule", None),
            "faz-baz-nosched" => ("faz", "Equal", "baz", "NoSchedule", None),
            "foo-prefnosched" => ("foo", "Exists", "", "PreferNoSchedule", None),
            "foo-noexec" => ("foo", "Exists", "", "NoExecute", None),
            "foo-bar-noexec" => ("foo", "Equal", "bar", "NoExecute", None),
            "foo-noexec-10" => ("foo", "Exists", "", "NoExecute", Some(10)),
            "foo-noexec-0" => ("foo", "Exists", "", "NoExecute", Some(0)),
            "foo-bar-noexec-10" => ("foo", "Equal", "bar", "NoExecute", Some(10)),
            _ => panic!("{name}"),
        };
        Toleration {
            value: value.into(),
            ..Toleration::new(key, op, effect, secs)
        }
    }

    const NAMES: [&str; 16] = [
        "all",
        "all-nosched",
        "all-noexec",
        "foo",
        "foo-bar",
        "foo-nosched",
        "foo-bar-nosched",
        "foo-baz-nosched",
        "faz-nosched",
        "faz-baz-nosched",
        "foo-prefnosched",
        "foo-noexec",
        "foo-bar-noexec",
        "foo-noexec-10",
        "foo-noexec-0",
        "foo-bar-noexec-10",
    ];

    fn list(names: &[&str]) -> Vec<Toleration> {
        names.iter().map(|n| named(n)).collect()
    }

    #[test]
    fn one_toleration_covers_another_as_upstream_is_superset_says() {
        // TestIsSuperset: each toleration and exactly the ones it covers (besides itself).
        let table: [(&str, &[&str]); 15] = [
            ("all", &NAMES[1..]),
            (
                "all-nosched",
                &[
                    "foo-nosched",
                    "foo-bar-nosched",
                    "foo-baz-nosched",
                    "faz-nosched",
                    "faz-baz-nosched",
                ],
            ),
            (
                "all-noexec",
                &[
                    "foo-noexec",
                    "foo-bar-noexec",
                    "foo-noexec-10",
                    "foo-noexec-0",
                    "foo-bar-noexec-10",
                ],
            ),
            (
                "foo",
                &[
                    "foo-bar",
                    "foo-nosched",
                    "foo-bar-nosched",
                    "foo-baz-nosched",
                    "foo-prefnosched",
                    "foo-noexec",
                    "foo-bar-noexec",
                    "foo-noexec-10",
                    "foo-noexec-0",
                    "foo-bar-noexec-10",
                ],
            ),
            (
                "foo-bar",
                &["foo-bar-nosched", "foo-bar-noexec", "foo-bar-noexec-10"],
            ),
            ("foo-nosched", &["foo-bar-nosched", "foo-baz-nosched"]),
            ("foo-bar-nosched", &[]),
            ("faz-nosched", &["faz-baz-nosched"]),
            ("faz-baz-nosched", &[]),
            ("foo-prefnosched", &[]),
            (
                "foo-noexec",
                &[
                    "foo-bar-noexec",
                    "foo-noexec-10",
                    "foo-noexec-0",
                    "foo-bar-noexec-10",
                ],
            ),
            ("foo-bar-noexec", &["foo-bar-noexec-10"]),
            ("foo-noexec-10", &["foo-noexec-0", "foo-bar-noexec-10"]),
            ("foo-noexec-0", &[]),
            ("foo-bar-noexec-10", &[]),
        ];
        for (sup, subs) in table {
            for name in NAMES {
                let expected = name == sup || subs.contains(&name);
                assert_eq!(
                    named(sup).covers(&named(name)),
                    expected,
                    "{sup} covers {name}"
                );
            }
        }
    }

    #[test]
    fn tolerations_fit_a_whitelist_as_upstream_verifies_them() {
        // TestVerifyAgainstWhitelist.
        for (input, whitelist, expected) in [
            (
                &["foo-bar-nosched", "foo-baz-nosched"][..],
                &["foo-bar-nosched", "foo-baz-nosched"][..],
                true,
            ),
            (
                &["foo-bar-nosched", "foo-bar-nosched"],
                &["foo-bar-nosched", "foo-baz-nosched"],
                true,
            ),
            (&["foo-bar-nosched", "foo-bar-nosched"], &["all"], true),
            (
                &["foo-bar-nosched", "foo-bar-nosched"],
                &["foo-baz-nosched"],
                false,
            ),
            (
                &["foo-bar-nosched", "foo-baz-nosched"],
                &["foo-baz-nosched"],
                false,
            ),
            (&["foo-bar-nosched"], &["foo-baz-nosched"], false),
            (&["foo-bar"], &["foo-nosched"], false),
            (&["foo-bar"], &[], true),
            (&[], &["foo-bar"], true),
        ] {
            assert_eq!(
                fits(&list(input), &list(whitelist)),
                expected,
                "{input:?} in {whitelist:?}"
            );
        }
    }

    #[test]
    fn merging_tolerations_keeps_only_what_nothing_else_covers() {
        // TestMergeTolerations.
        for (a, b, expected) in [
            (
                &["foo-bar-nosched", "faz-baz-nosched", "foo-noexec-10"][..],
                &["foo-prefnosched", "foo-baz-nosched"][..],
                &[
                    "foo-bar-nosched",
                    "faz-baz-nosched",
                    "foo-noexec-10",
                    "foo-prefnosched",
                    "foo-baz-nosched",
                ][..],
            ),
            (
                &["foo-bar-nosched", "faz-baz-nosched", "foo-noexec-10"],
                &["foo-bar-nosched", "faz-baz-nosched", "foo-noexec-10"],
                &["foo-bar-nosched", "faz-baz-nosched", "foo-noexec-10"],
            ),
            (
                &["foo-bar-nosched", "foo-baz-nosched"],
                &["foo-nosched", "faz-baz-nosched"],
                &["foo-nosched", "faz-baz-nosched"],
            ),
            (
                &["foo-bar-nosched", "foo-baz-nosched", "foo-noexec-10"],
                &["all"],
                &["all"],
            ),
            (
                &["all"],
                &["foo-bar-nosched", "foo-baz-nosched", "foo-noexec-10"],
                &["all"],
            ),
        ] {
            assert_eq!(merge(&list(a), &list(b)), list(expected), "{a:?} + {b:?}");
        }
    }

    #[test]
    fn extended_resources_are_the_qualified_names_outside_kubernetes_io() {
        assert!(is_extended_resource("example.com/gpu"));
        assert!(!is_extended_resource("cpu"));
        assert!(!is_extended_resource("kubernetes.io/x"));
        assert!(!is_extended_resource("hugepages-2Mi"));
        assert!(!is_extended_resource("requests.example.com/gpu"));
        assert!(!is_extended_resource("example.com/bad name"));
    }
}

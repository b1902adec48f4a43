//! Resource quota accounting (`pkg/quota/v1` and its evaluators): what an object costs
//! against a ResourceQuota, which quotas it falls under (their scopes), the "must specify"
//! rule for pods, and the quota controller that keeps `status.used`.
//! The ResourceQuota admission plugin (`admission::quota`) charges requests with it.
//! See <https://kubernetes.io/docs/concepts/policy/resource-quotas/>.

use crate::sim::ptr::Ptr as _;
use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::sim::clock::Instant;
use crate::sim::quantity::Quantity;
use crate::sim::store::{name_of, Store};

use crate::sim::podresources::{add_into, pod_resources, Extras};
pub use crate::sim::podresources::{resource_list, ResourceList};

/// The quota evaluator reads a pod's resources with its RuntimeClass overhead
/// (`resourcehelper.PodRequests` as kubegate has modelled it so far: no pod-level resources).
const WITH_OVERHEAD: Extras = Extras {
    pod_level: false,
    overhead: true,
};

fn to_json(list: &ResourceList) -> Value {
    Value::Object(
        list.iter()
            .map(|(k, q)| (k.clone(), json!(q.to_string())))
            .collect(),
    )
}

/// `prettyPrint`: `name=quantity` pairs, sorted, joined by commas.
pub fn pretty(list: &ResourceList) -> String {
    list.iter()
        .map(|(k, q)| format!("{k}={q}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn one() -> Quantity {
    Quantity::parse("1").unwrap_or_else(Quantity::zero)
}

/// The quota evaluator for a resource: pods, services and claims have their own; everything
/// else is counted as `count/<resource>[.<group>]` (with the old bare aliases for a few).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Evaluator {
    Pods,
    Services,
    Claims,
    /// Object count: the resource's group and name.
    Count(&'static str, &'static str),
}

/// Resources quota never looks at (`ignoredResources` of the admission plugin).
const IGNORED: &[(&str, &str)] = &[
    ("", "bindings"),
    ("", "componentstatuses"),
    ("", "events"),
    ("events.k8s.io", "events"),
    ("authentication.k8s.io", "tokenreviews"),
    ("authentication.k8s.io", "selfsubjectreviews"),
    ("authorization.k8s.io", "subjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "localsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"),
];

/// The evaluator for a namespaced resource, or `None` when quota ignores it.
pub fn evaluator(group: &'static str, resource: &'static str) -> Option<Evaluator> {
    if IGNORED.contains(&(group, resource)) {
        return None;
    }
    Some(match (group, resource) {
        ("", "pods") => Evaluator::Pods,
        ("", "services") => Evaluator::Services,
        ("", "persistentvolumeclaims") => Evaluator::Claims,
        _ => Evaluator::Count(group, resource),
    })
}

fn count_name(group: &str, resource: &str) -> String {
    if group.is_empty() {
        format!("count/{resource}")
    } else {
        format!("count/{resource}.{group}")
    }
}

const POD_RESOURCES: &[&str] = &[
    "count/pods",
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
];

/// A resource name outside kubernetes.io that is not a native one (`example.com/gpu`).
fn is_extended(name: &str) -> bool {
    crate::sim::admission::scheduling::is_extended_resource(name)
}

impl Evaluator {
    /// `MatchingResources`: which of a quota's hard names this evaluator accounts for.
    pub fn matching(self, names: &[&String]) -> Vec<String> {
        names
            .iter()
            .filter(|n| self.covers(n))
            .map(|n| (*n).clone())
            .collect()
    }

    fn covers(self, name: &str) -> bool {
        match self {
            Evaluator::Pods => {
                POD_RESOURCES.contains(&name)
                    || name.starts_with("hugepages-")
                    || name.starts_with("requests.hugepages-")
                    || name.strip_prefix("requests.").is_some_and(is_extended)
            }
            Evaluator::Services => matches!(
                name,
                "count/services" | "services" | "services.loadbalancers" | "services.nodeports"
            ),
            Evaluator::Claims => {
                matches!(
                    name,
                    "count/persistentvolumeclaims" | "persistentvolumeclaims" | "requests.storage"
                ) || name
                    .split_once(".storageclass.storage.k8s.io/")
                    .is_some_and(|(_, r)| {
                        matches!(r, "persistentvolumeclaims" | "requests.storage")
                    })
            }
            Evaluator::Count(group, resource) => {
                name == count_name(group, resource)
                    || group.is_empty()
                        && name == resource
                        && matches!(
                            resource,
                            "configmaps" | "resourcequotas" | "replicationcontrollers" | "secrets"
                        )
            }
        }
    }

    /// `Handles`: pods and counted objects are charged when created; services and claims
    /// also when updated (a Service turned into a LoadBalancer, a claim that grows).
    pub fn handles(self, update: bool, subresource: &str) -> bool {
        match self {
            Evaluator::Pods | Evaluator::Count(..) => !update && subresource.is_empty(),
            Evaluator::Services => true,
            Evaluator::Claims => subresource.is_empty(),
        }
    }

    /// `Usage`: what the object costs, under every name this evaluator knows.
    pub fn usage(self, obj: &Value, now: Instant) -> ResourceList {
        let mut u = ResourceList::new();
        match self {
            Evaluator::Pods => {
                u.insert("count/pods".into(), one());
                if !counts_as_live(obj, now) {
                    return u;
                }
                let requests = pod_resources(obj, "requests", WITH_OVERHEAD);
                let limits = pod_resources(obj, "limits", WITH_OVERHEAD);
                u.extend(pod_usage(&requests, &limits));
            }
            Evaluator::Services => {
                u.insert("count/services".into(), one());
                u.insert("services".into(), one());
                let ports = obj
                    .ptr("/spec/ports")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                let (mut lbs, mut node_ports) = (0, 0);
                match obj.ptr("/spec/type").and_then(Value::as_str) {
                    Some("NodePort") => node_ports = ports.len(),
                    Some("LoadBalancer") => {
                        lbs = 1;
                        let allocate = obj
                            .ptr("/spec/allocateLoadBalancerNodePorts")
                            .and_then(Value::as_bool)
                            != Some(false);
                        node_ports = if allocate {
                            ports.len()
                        } else {
                            ports.iter().filter(|p| p.get("nodePort").is_some()).count()
                        };
                    }
                    _ => {}
                }
                u.insert("services.loadbalancers".into(), number(lbs));
                u.insert("services.nodeports".into(), number(node_ports));
            }
            Evaluator::Claims => {
                u.insert("count/persistentvolumeclaims".into(), one());
                u.insert("persistentvolumeclaims".into(), one());
                let class = obj
                    .ptr("/spec/storageClassName")
                    .and_then(Value::as_str)
                    .filter(|c| !c.is_empty());
                if let Some(c) = class {
                    u.insert(
                        format!("{c}.storageclass.storage.k8s.io/persistentvolumeclaims"),
                        one(),
                    );
                }
                let mut storage = Quantity::of(obj.ptr("/spec/resources/requests/storage"));
                let allocated = Quantity::of(obj.ptr("/status/allocatedResources/storage"));
                if allocated > storage {
                    storage = allocated;
                }
                if !storage.is_zero() {
                    // Rounded up to whole units.
                    let whole = storage.value();
                    if whole * crate::sim::quantity::NANO != storage.nanos {
                        storage = Quantity {
                            nanos: whole * crate::sim::quantity::NANO,
                            format: storage.format,
                        };
                    }
                    u.insert("requests.storage".into(), storage);
                    if let Some(c) = class {
                        u.insert(
                            format!("{c}.storageclass.storage.k8s.io/requests.storage"),
                            storage,
                        );
                    }
                }
            }
            Evaluator::Count(group, resource) => {
                u.insert(count_name(group, resource), one());
                if self.covers(resource) {
                    u.insert(resource.to_string(), one());
                }
            }
        }
        u
    }
}

fn number(n: usize) -> Quantity {
    Quantity::parse(&n.to_string()).unwrap_or_else(Quantity::zero)
}

/// `podComputeUsageHelper`: the quota names a set of requests and limits fills.
fn pod_usage(requests: &ResourceList, limits: &ResourceList) -> ResourceList {
    let mut u = ResourceList::new();
    u.insert("pods".into(), one());
    for r in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(r) {
            u.insert(r.into(), *q);
            u.insert(format!("requests.{r}"), *q);
        }
        if let Some(q) = limits.get(r) {
            u.insert(format!("limits.{r}"), *q);
        }
    }
    for (r, q) in requests {
        if r.starts_with("hugepages-") {
            u.insert(r.clone(), *q);
            u.insert(format!("requests.{r}"), *q);
        }
        if is_extended(r) {
            u.insert(format!("requests.{r}"), *q);
        }
    }
    u
}

/// `QuotaV1Pod`: a pod that has finished, or whose deletion grace ran out, costs only its
/// object count.
fn counts_as_live(pod: &Value, now: Instant) -> bool {
    let phase = pod.ptr("/status/phase").and_then(Value::as_str);
    if matches!(phase, Some("Failed" | "Succeeded")) {
        return false;
    }
    let deleted = pod
        .ptr("/metadata/deletionTimestamp")
        .and_then(Value::as_str)
        .and_then(crate::sim::clock::parse_rfc3339);
    match deleted {
        Some(at) => {
            let grace = pod
                .ptr("/metadata/deletionGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            now <= at + grace
        }
        None => true,
    }
}

/// The pod names a container lacks for the cpu/memory names a quota tracks (upstream's
/// `Constraints`, a rule kept for compatibility): `must specify limits.cpu for: app; …`.
pub fn pod_constraints(pod: &Value, restricted: &[String]) -> Result<(), String> {
    const VALIDATION: [&str; 6] = [
        "cpu",
        "memory",
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
    ];
    let required: Vec<&str> = restricted
        .iter()
        .map(String::as_str)
        .filter(|r| VALIDATION.contains(r))
        .collect();
    let mut missing: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for list in ["containers", "initContainers"] {
        for c in pod
            .ptr(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let have = pod_usage(
                &resource_list(c.ptr("/resources/requests")),
                &resource_list(c.ptr("/resources/limits")),
            );
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            for r in &required {
                if !have.contains_key(*r) {
                    missing.entry(r).or_default().insert(name.to_string());
                }
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().cloned().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}

/// A quota's scope selectors: `spec.scopes` (each as Exists) and `spec.scopeSelector`.
fn scope_selectors(quota: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>)> = quota
        .ptr("/spec/scopes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| (s.to_string(), "Exists".to_string(), Vec::new()))
        .collect();
    for e in quota
        .ptr("/spec/scopeSelector/matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let values = e
            .get("values")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.push((s("scopeName"), s("operator"), values));
    }
    out
}

/// What a pod's scopes look at, read once per pod.
pub struct PodFacts {
    terminating: bool,
    best_effort: bool,
    class: String,
    cross_namespace: bool,
}

impl PodFacts {
    /// Reads them from a pod.
    pub fn of(pod: &Value) -> PodFacts {
        PodFacts {
            terminating: pod
                .ptr("/spec/activeDeadlineSeconds")
                .and_then(Value::as_i64)
                .is_some_and(|s| s >= 0),
            best_effort: crate::sim::defaults::qos_class(&pod["spec"]) == "BestEffort",
            class: pod
                .ptr("/spec/priorityClassName")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            cross_namespace: cross_namespace_affinity(pod),
        }
    }
}

/// Whether a pod falls under one scope selector (`podMatchesScopeFunc`).
fn pod_in_scope(pod: &PodFacts, scope: &str, op: &str, values: &[String]) -> bool {
    match scope {
        "Terminating" => pod.terminating,
        "NotTerminating" => !pod.terminating,
        "BestEffort" => pod.best_effort,
        "NotBestEffort" => !pod.best_effort,
        "PriorityClass" => {
            let class = pod.class.as_str();
            match op {
                "Exists" => !class.is_empty(),
                "DoesNotExist" => class.is_empty(),
                "In" => !class.is_empty() && values.iter().any(|v| v == class),
                "NotIn" => class.is_empty() || !values.iter().any(|v| v == class),
                _ => false,
            }
        }
        "CrossNamespacePodAffinity" => pod.cross_namespace,
        _ => false,
    }
}

fn cross_namespace_affinity(pod: &Value) -> bool {
    ["podAffinity", "podAntiAffinity"].iter().any(|kind| {
        let Some(a) = pod.ptr(&format!("/spec/affinity/{kind}")) else {
            return false;
        };
        let crosses = |t: &Value| {
            t.get("namespaces")
                .and_then(Value::as_array)
                .is_some_and(|n| !n.is_empty())
                || t.get("namespaceSelector").is_some_and(|s| !s.is_null())
        };
        let required = a
            .get("requiredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .is_some_and(|ts| ts.iter().any(crosses));
        let preferred = a
            .get("preferredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .is_some_and(|ts| {
                ts.iter()
                    .any(|w| w.get("podAffinityTerm").is_some_and(crosses))
            });
        required || preferred
    })
}

/// Whether the claim falls under a VolumeAttributesClass scope selector.
fn claim_in_scope(claim: &Value, scope: &str, op: &str, values: &[String]) -> bool {
    if scope != "VolumeAttributesClass" {
        return false;
    }
    let classes: Vec<&str> = [
        "/spec/volumeAttributesClassName",
        "/status/currentVolumeAttributesClassName",
        "/status/modifyVolumeStatus/targetVolumeAttributesClassName",
    ]
    .iter()
    .filter_map(|p| claim.ptr(p).and_then(Value::as_str))
    .filter(|c| !c.is_empty())
    .collect();
    match op {
        "Exists" => !classes.is_empty(),
        "DoesNotExist" => classes.is_empty(),
        "In" => classes.iter().any(|c| values.iter().any(|v| v == c)),
        "NotIn" => classes.iter().all(|c| !values.iter().any(|v| v == c)),
        _ => false,
    }
}

impl Evaluator {
    /// `Matches`: the quota's status.hard names something this evaluator counts, and the
    /// object is within every one of the quota's scopes (objects without scopes are in none).
    pub fn matches(self, quota: &Value, obj: &Value) -> bool {
        let hard = resource_list(quota.ptr("/status/hard"));
        let names: Vec<&String> = hard.keys().collect();
        if self.matching(&names).is_empty() {
            return false;
        }
        let selectors = scope_selectors(quota);
        if selectors.is_empty() {
            return true;
        }
        let facts = (self == Evaluator::Pods).then(|| PodFacts::of(obj));
        selectors
            .iter()
            .all(|(scope, op, values)| match (&facts, self) {
                (Some(f), _) => pod_in_scope(f, scope, op, values),
                (None, Evaluator::Claims) => claim_in_scope(obj, scope, op, values),
                _ => false,
            })
    }
}

/// The quota controller for one namespace: each quota's `status.hard` is its `spec.hard`, and
/// `status.used` the cost of every object in the namespace that falls under it. Returns a
/// note per quota whose status changed.
pub fn sync_namespace(store: &mut Store, minor: u32, ns: &str, now: Instant) -> Vec<String> {
    let quotas: Vec<Value> = store
        .list("", "resourcequotas", Some(ns))
        .cloned()
        .collect();
    let hards: Vec<ResourceList> = quotas
        .iter()
        .map(|q| resource_list(q.ptr("/spec/hard")))
        .collect();
    let scopes: Vec<Vec<(String, String, Vec<String>)>> =
        quotas.iter().map(scope_selectors).collect();
    let mut used: Vec<ResourceList> = hards
        .iter()
        .map(|h| h.keys().map(|k| (k.clone(), Quantity::zero())).collect())
        .collect();
    // Each object's cost is worked out once; quotas without scopes share one sum per
    // resource, so the work grows with objects + quotas (scoped quotas look at each pod).
    for res in crate::sim::discovery::resources(minor).filter(|r| r.namespaced) {
        let Some(ev) = evaluator(res.group, res.name) else {
            continue;
        };
        let interested: Vec<usize> = (0..quotas.len())
            .filter(|i| {
                !ev.matching(&hards[*i].keys().collect::<Vec<_>>())
                    .is_empty()
            })
            .collect();
        if interested.is_empty() || res.name.contains('/') {
            continue;
        }
        let mut unscoped_total = ResourceList::new();
        // Quotas with the same scopes see the same objects: one sum per distinct set.
        let mut kinds: Vec<&Vec<(String, String, Vec<String>)>> = interested
            .iter()
            .map(|i| &scopes[*i])
            .filter(|s| !s.is_empty())
            .collect();
        kinds.sort();
        kinds.dedup();
        let mut scoped_totals: Vec<ResourceList> = vec![ResourceList::new(); kinds.len()];
        for obj in store.list(res.group, res.name, Some(ns)) {
            let cost = ev.usage(obj, now);
            add_into(&mut unscoped_total, &cost);
            let facts = (ev == Evaluator::Pods && !kinds.is_empty()).then(|| PodFacts::of(obj));
            for (k, selectors) in kinds.iter().enumerate() {
                let within = selectors
                    .iter()
                    .all(|(scope, op, values)| match (&facts, ev) {
                        (Some(f), _) => pod_in_scope(f, scope, op, values),
                        (None, Evaluator::Claims) => claim_in_scope(obj, scope, op, values),
                        _ => false,
                    });
                if within {
                    add_into(&mut scoped_totals[k], &cost);
                }
            }
        }
        for &i in interested.iter().filter(|i| !scopes[**i].is_empty()) {
            if let Some(k) = kinds.iter().position(|s| **s == scopes[i]) {
                add_tracked(&mut used[i], &scoped_totals[k]);
            }
        }
        for &i in interested.iter().filter(|i| scopes[**i].is_empty()) {
            add_tracked(&mut used[i], &unscoped_total);
        }
    }
    let mut notes = Vec::new();
    for ((mut quota, hard), used) in quotas.into_iter().zip(hards).zip(used) {
        let status = json!({"hard": to_json(&hard), "used": to_json(&used)});
        if quota.get("status") != Some(&status) {
            quota["status"] = status;
            notes.push(format!(
                "quota controller: ResourceQuota \"{}\" used {}",
                name_of(&quota),
                pretty(&used)
            ));
            store.put_system("", "resourcequotas", quota);
        }
    }
    notes
}

/// Adds the names `used` tracks (the quota's hard names) from `cost`.
fn add_tracked(used: &mut ResourceList, cost: &ResourceList) {
    for (k, u) in used.iter_mut() {
        if let Some(q) = cost.get(k) {
            u.add(*q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_costs_its_requests_and_limits_under_every_name() {
        let pod = json!({"spec": {"containers": [
            {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi", "example.com/gpu": "1"}, "limits": {"cpu": "200m"}}},
            {"name": "b", "resources": {"requests": {"cpu": "50m"}}}
        ]}, "status": {"phase": "Pending"}});
        let u = Evaluator::Pods.usage(&pod, 0);
        assert_eq!(
            pretty(&u),
            "count/pods=1,cpu=150m,limits.cpu=200m,memory=64Mi,pods=1,requests.cpu=150m,requests.example.com/gpu=1,requests.memory=64Mi"
        );
        let done = json!({"spec": pod["spec"].clone(), "status": {"phase": "Succeeded"}});
        assert_eq!(pretty(&Evaluator::Pods.usage(&done, 0)), "count/pods=1");
    }

    #[test]
    fn must_specify_lists_each_missing_name_with_its_containers() {
        // The example of the admission tests: a quota on limits.cpu and requests.memory.
        let pod = json!({"spec": {
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "1"}}}],
            "initContainers": [{"name": "init", "resources": {"requests": {"memory": "1Gi"}}}]
        }});
        let restricted = vec![
            "limits.cpu".to_string(),
            "requests.memory".to_string(),
            "pods".to_string(),
        ];
        assert_eq!(
            pod_constraints(&pod, &restricted),
            Err("must specify limits.cpu for: app,init; requests.memory for: app".into())
        );
    }

    #[test]
    fn scopes_decide_which_pods_a_quota_sees() {
        let quota = |scopes: Value| json!({"spec": scopes, "status": {"hard": {"pods": "1"}}});
        let best_effort = json!({"spec": {"containers": [{"name": "a"}]}});
        let burstable = json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}}}], "priorityClassName": "high"}});
        let be = quota(json!({"scopes": ["BestEffort"]}));
        assert!(Evaluator::Pods.matches(&be, &best_effort));
        assert!(!Evaluator::Pods.matches(&be, &burstable));
        let high = quota(
            json!({"scopeSelector": {"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]}}),
        );
        assert!(Evaluator::Pods.matches(&high, &burstable));
        assert!(!Evaluator::Pods.matches(&high, &best_effort));
        // Objects without scopes fall under no scoped quota.
        let cm = json!({"metadata": {"name": "x"}});
        let counted = json!({"spec": {"scopes": ["BestEffort"]}, "status": {"hard": {"count/configmaps": "1"}}});
        assert!(!Evaluator::Count("", "configmaps").matches(&counted, &cm));
    }

    #[test]
    fn services_count_node_ports_and_load_balancers() {
        let lb = json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 80}, {"port": 443}]}});
        assert_eq!(
            pretty(&Evaluator::Services.usage(&lb, 0)),
            "count/services=1,services=1,services.loadbalancers=1,services.nodeports=2"
        );
        let claim = json!({"spec": {"storageClassName": "fast", "resources": {"requests": {"storage": "1500m"}}}});
        assert_eq!(
            pretty(&Evaluator::Claims.usage(&claim, 0)),
            "count/persistentvolumeclaims=1,fast.storageclass.storage.k8s.io/persistentvolumeclaims=1,fast.storageclass.storage.k8s.io/requests.storage=2,persistentvolumeclaims=1,requests.storage=2"
        );
    }
}

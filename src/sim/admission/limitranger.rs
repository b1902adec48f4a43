//! **LimitRanger** (`plugin/pkg/admission/limitranger`), on by default: the namespace's
//! LimitRanges give containers their default requests and limits (mutating, new pods only,
//! recorded in the `kubernetes.io/limit-ranger` annotation), then bound what containers, pods
//! and claims may ask for (validating: minimum, maximum, limit-to-request ratio).
//!
//! Go walks the constraint maps in random order; kubegate walks them by resource name, so a
//! refusal with several causes lists them in a stable order.
//! See <https://kubernetes.io/docs/concepts/policy/limit-range/>.

use crate::sim::ptr::Ptr as _;

use serde_json::{json, Map, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::podresources::{pod_resources, resource_list as resources, Extras};
use crate::sim::quantity::Quantity;

/// The annotation LimitRanger writes on a pod it gave defaults to.
pub const ANNOTATION: &str = "kubernetes.io/limit-ranger";

type Resources = crate::sim::podresources::ResourceList;

/// LimitRanger adds up a pod's containers only (its own `podRequests`: no overhead).
const CONTAINERS_ONLY: Extras = Extras {
    pod_level: false,
    overhead: false,
};

/// `SupportsAttributes`: new pods, and claims created or updated; no subresource (a pod's
/// containers cannot change after creation, so pod updates are left alone).
fn not_for(a: &Attributes<'_>) -> Option<Verdict> {
    if !a.group.is_empty() || !a.subresource.is_empty() {
        return Some(Verdict::Skip(
            "only looks at pods and PersistentVolumeClaims themselves".into(),
        ));
    }
    match a.resource.as_str() {
        "pods" if a.operation == Operation::Update => Some(Verdict::Skip(
            "a pod's containers cannot change after creation: pod updates are not checked".into(),
        )),
        "pods" | "persistentvolumeclaims" => {
            let deleting = a
                .old_object
                .as_ref()
                .and_then(|o| o.ptr("/metadata/deletionTimestamp"))
                .is_some_and(|t| !t.is_null());
            deleting.then(|| Verdict::Skip("the object is being deleted".into()))
        }
        _ => Some(Verdict::Skip(
            "only looks at pods and PersistentVolumeClaims".into(),
        )),
    }
}

/// The namespace's LimitRanges, in the order the lister gives them (by name).
fn limit_ranges<'s>(ctx: &'s Context<'_>, ns: &'s str) -> Vec<&'s Value> {
    ctx.store.list("", "limitranges", Some(ns)).collect()
}

fn items(lr: &Value) -> impl Iterator<Item = &Value> {
    lr.ptr("/spec/limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn item_type(item: &Value) -> &str {
    item.get("type").and_then(Value::as_str).unwrap_or("")
}

/// `defaultContainerResourceRequirements`: the union of the LimitRange's Container items
/// (a later item wins), as (requests, limits).
fn container_defaults(lr: &Value) -> (Resources, Resources) {
    let (mut requests, mut limits) = (Resources::new(), Resources::new());
    for item in items(lr).filter(|i| item_type(i) == "Container") {
        requests.extend(resources(item.get("defaultRequest")));
        limits.extend(resources(item.get("default")));
    }
    (requests, limits)
}

/// `mergeContainerResources`: fills the container's missing requests and limits; the
/// annotation's pieces for it.
fn merge_container(
    c: &mut Value,
    requests: &Resources,
    limits: &Resources,
    prefix: &str,
    pieces: &mut Vec<String>,
) {
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !c.get("resources").is_some_and(Value::is_object) {
        c["resources"] = json!({});
    }
    let mut fill = |field: &str, defaults: &Resources| -> Vec<String> {
        let r = &mut c["resources"];
        if !r.get(field).is_some_and(Value::is_object) {
            r[field] = json!({});
        }
        let mut set = Vec::new();
        if let Some(m) = r[field].as_object_mut() {
            for (k, q) in defaults {
                if !m.contains_key(k) {
                    m.insert(k.clone(), json!(q.to_string()));
                    set.push(k.clone());
                }
            }
        }
        set
    };
    let set_limits = fill("limits", limits);
    let set_requests = fill("requests", requests);
    if !set_requests.is_empty() {
        pieces.push(format!(
            "{} request for {prefix} {name}",
            set_requests.join(", ")
        ));
    }
    if !set_limits.is_empty() {
        pieces.push(format!(
            "{} limit for {prefix} {name}",
            set_limits.join(", ")
        ));
    }
}

/// LimitRanger's `Admit`: each LimitRange's container defaults merged into the new pod.
pub fn admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if let Some(v) = not_for(a) {
        return v;
    }
    if a.resource != "pods" {
        return Verdict::Admit("claims get no defaults (their storage request is required)".into());
    }
    let ranges: Vec<(String, (Resources, Resources))> = limit_ranges(ctx, &a.namespace)
        .into_iter()
        .map(|lr| {
            (
                crate::sim::store::name_of(lr).to_string(),
                container_defaults(lr),
            )
        })
        .collect();
    if ranges.is_empty() {
        return Verdict::Admit(format!("namespace \"{}\" has no LimitRange", a.namespace).into());
    }
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let mut notes = Vec::new();
    for (name, (requests, limits)) in &ranges {
        let mut pieces = Vec::new();
        for (list, prefix) in [
            ("containers", "container"),
            ("initContainers", "init container"),
        ] {
            if let Some(cs) = pod
                .ptr_mut(&format!("/spec/{list}"))
                .and_then(Value::as_array_mut)
            {
                for c in cs {
                    merge_container(c, requests, limits, prefix, &mut pieces);
                }
            }
        }
        if pieces.is_empty() {
            notes.push(format!("LimitRange \"{name}\": nothing to default"));
            continue;
        }
        let text = format!("LimitRanger plugin set: {}", pieces.join("; "));
        if !pod
            .ptr("/metadata/annotations")
            .is_some_and(Value::is_object)
        {
            pod["metadata"]["annotations"] = Value::Object(Map::new());
        }
        pod["metadata"]["annotations"][ANNOTATION] = json!(text);
        notes.push(format!("LimitRange \"{name}\": {}", pieces.join("; ")));
    }
    Verdict::Admit(notes.join("; ").into())
}

/// Upstream compares milli-values when all three fit, else whole values; both are exact
/// here, so the comparison is by value.
fn min_constraint(
    kind: &str,
    res: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let Some(req) = requests.get(res) else {
        return Some(format!(
            "minimum {res} usage per {kind} is {enforced}.  No request is specified"
        ));
    };
    if req.milli_value() < enforced.milli_value() {
        return Some(format!(
            "minimum {res} usage per {kind} is {enforced}, but request is {req}"
        ));
    }
    match limits.get(res) {
        Some(lim) if lim.milli_value() < enforced.milli_value() => Some(format!(
            "minimum {res} usage per {kind} is {enforced}, but limit is {lim}"
        )),
        _ => None,
    }
}

fn max_constraint(
    kind: &str,
    res: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let Some(lim) = limits.get(res) else {
        return Some(format!(
            "maximum {res} usage per {kind} is {enforced}.  No limit is specified"
        ));
    };
    if lim.milli_value() > enforced.milli_value() {
        return Some(format!(
            "maximum {res} usage per {kind} is {enforced}, but limit is {lim}"
        ));
    }
    match requests.get(res) {
        Some(req) if req.milli_value() > enforced.milli_value() => Some(format!(
            "maximum {res} usage per {kind} is {enforced}, but request is {req}"
        )),
        _ => None,
    }
}

/// A claim's maximum applies to what it requests (claims have no limits).
fn max_request_constraint(
    kind: &str,
    res: &str,
    enforced: &Quantity,
    requests: &Resources,
) -> Option<String> {
    match requests.get(res) {
        None => Some(format!(
            "maximum {res} usage per {kind} is {enforced}.  No request is specified"
        )),
        Some(req) if req.milli_value() > enforced.milli_value() => Some(format!(
            "maximum {res} usage per {kind} is {enforced}, but request is {req}"
        )),
        _ => None,
    }
}

fn ratio_constraint(
    kind: &str,
    res: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let req = requests.get(res).map_or(0, Quantity::milli_value);
    if req == 0 {
        return Some(format!("{res} max limit to request ratio per {kind} is {enforced}, but no request is specified or request is 0"));
    }
    let lim = limits.get(res).map_or(0, Quantity::milli_value);
    if lim == 0 {
        return Some(format!("{res} max limit to request ratio per {kind} is {enforced}, but no limit is specified or limit is 0"));
    }
    #[allow(clippy::cast_precision_loss)]
    let observed = lim as f64 / req as f64;
    #[allow(clippy::cast_precision_loss)]
    let allowed = enforced.milli_value() as f64;
    if observed * 1000.0 > allowed {
        return Some(format!(
            "{res} max limit to request ratio per {kind} is {enforced}, but provided ratio is {observed:.6}"
        ));
    }
    None
}

/// The min, max and ratio checks of one LimitRange item against one set of requests and
/// limits, in upstream's order.
fn check_item(
    item: &Value,
    kind: &str,
    requests: &Resources,
    limits: &Resources,
    errs: &mut Vec<String>,
) {
    for (res, q) in resources(item.get("min")) {
        errs.extend(min_constraint(kind, &res, &q, requests, limits));
    }
    for (res, q) in resources(item.get("max")) {
        errs.extend(max_constraint(kind, &res, &q, requests, limits));
    }
    for (res, q) in resources(item.get("maxLimitRequestRatio")) {
        errs.extend(ratio_constraint(kind, &res, &q, requests, limits));
    }
}

fn container_resources(c: &Value) -> (Resources, Resources) {
    (
        resources(c.ptr("/resources/requests")),
        resources(c.ptr("/resources/limits")),
    )
}

/// LimitRanger's `Validate`.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if let Some(v) = not_for(a) {
        return v;
    }
    let Some(obj) = a.object.as_ref() else {
        return Verdict::Skip("no object".into());
    };
    let ranges = limit_ranges(ctx, &a.namespace);
    if ranges.is_empty() {
        return Verdict::Admit(format!("namespace \"{}\" has no LimitRange", a.namespace).into());
    }
    let mut checked = Vec::new();
    for lr in ranges {
        let mut errs = Vec::new();
        for item in items(lr) {
            let kind = item_type(item);
            match (a.resource.as_str(), kind) {
                ("pods", "Container") => {
                    for list in ["containers", "initContainers"] {
                        for c in obj
                            .ptr(&format!("/spec/{list}"))
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            let (req, lim) = container_resources(c);
                            check_item(item, kind, &req, &lim, &mut errs);
                        }
                    }
                }
                ("pods", "Pod") => {
                    let (req, lim) = (
                        pod_resources(obj, "requests", CONTAINERS_ONLY),
                        pod_resources(obj, "limits", CONTAINERS_ONLY),
                    );
                    check_item(item, kind, &req, &lim, &mut errs);
                }
                ("persistentvolumeclaims", "PersistentVolumeClaim") => {
                    let req = resources(obj.ptr("/spec/resources/requests"));
                    for (res, q) in resources(item.get("min")) {
                        errs.extend(min_constraint(kind, &res, &q, &req, &Resources::new()));
                    }
                    for (res, q) in resources(item.get("max")) {
                        errs.extend(max_request_constraint(kind, &res, &q, &req));
                    }
                }
                _ => {}
            }
        }
        let name = crate::sim::store::name_of(lr);
        if !errs.is_empty() {
            // utilerrors.NewAggregate: one error as is, several as `[a, b]`.
            let text = if errs.len() == 1 {
                errs.remove(0)
            } else {
                format!("[{}]", errs.join(", "))
            };
            return Verdict::Reject(a.forbidden(&text));
        }
        checked.push(format!("within LimitRange \"{name}\""));
    }
    Verdict::Admit(checked.join("; ").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    fn list(pairs: &[(&str, &str)]) -> Resources {
        pairs.iter().map(|(k, v)| (k.to_string(), q(v))).collect()
    }

    #[test]
    fn the_constraints_say_what_upstream_says() {
        // From limitranger's admission_test.go cases, with upstream's message formats.
        let none = Resources::new();
        assert_eq!(
            min_constraint(
                "Container",
                "cpu",
                &q("100m"),
                &list(&[("cpu", "50m")]),
                &none
            ),
            Some("minimum cpu usage per Container is 100m, but request is 50m".into())
        );
        assert_eq!(
            min_constraint("Container", "cpu", &q("100m"), &none, &none),
            Some("minimum cpu usage per Container is 100m.  No request is specified".into())
        );
        assert_eq!(
            min_constraint(
                "Container",
                "memory",
                &q("1Gi"),
                &list(&[("memory", "1Gi")]),
                &list(&[("memory", "512Mi")])
            ),
            Some("minimum memory usage per Container is 1Gi, but limit is 512Mi".into())
        );
        assert_eq!(
            max_constraint(
                "Pod",
                "memory",
                &q("1Gi"),
                &none,
                &list(&[("memory", "2Gi")])
            ),
            Some("maximum memory usage per Pod is 1Gi, but limit is 2Gi".into())
        );
        assert_eq!(
            max_constraint("Pod", "memory", &q("1Gi"), &none, &none),
            Some("maximum memory usage per Pod is 1Gi.  No limit is specified".into())
        );
        assert_eq!(
            max_constraint(
                "Pod",
                "memory",
                &q("1Gi"),
                &list(&[("memory", "1Gi")]),
                &list(&[("memory", "1Gi")])
            ),
            None
        );
        assert_eq!(
            ratio_constraint(
                "Container",
                "cpu",
                &q("2"),
                &list(&[("cpu", "100m")]),
                &list(&[("cpu", "300m")])
            ),
            Some(
                "cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000"
                    .into()
            )
        );
        assert_eq!(
            ratio_constraint("Container", "cpu", &q("2"), &list(&[("cpu", "0")]), &none),
            Some("cpu max limit to request ratio per Container is 2, but no request is specified or request is 0".into())
        );
        assert_eq!(
            ratio_constraint(
                "Container",
                "cpu",
                &q("1500m"),
                &list(&[("cpu", "200m")]),
                &list(&[("cpu", "300m")])
            ),
            None
        );
        assert_eq!(
            max_request_constraint(
                "PersistentVolumeClaim",
                "storage",
                &q("10Gi"),
                &list(&[("storage", "20Gi")])
            ),
            Some(
                "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi"
                    .into()
            )
        );
    }

    #[test]
    fn defaults_fill_only_what_is_missing_and_are_annotated() {
        let (requests, limits) = (
            list(&[("cpu", "100m"), ("memory", "64Mi")]),
            list(&[("cpu", "500m")]),
        );
        let mut c = json!({"name": "app", "resources": {"requests": {"cpu": "200m"}}});
        let mut pieces = Vec::new();
        merge_container(&mut c, &requests, &limits, "container", &mut pieces);
        assert_eq!(
            c["resources"],
            json!({"requests": {"cpu": "200m", "memory": "64Mi"}, "limits": {"cpu": "500m"}})
        );
        assert_eq!(
            pieces,
            [
                "memory request for container app",
                "cpu limit for container app"
            ]
        );
    }
}

//! NodeRestriction: what the Node authorizer lets every kubelet do in general (write pods and
//! Node objects, leases, CSINodes), this plugin narrows to the kubelet's own node: mirror pods
//! bound to itself, its own Node object (no taint changes, no restricted labels), its own
//! lease and CSINode.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction>.

use crate::sim::ptr::Ptr as _;
use serde_json::{Map, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::authz::node;
use crate::sim::response::ApiError;

fn forbidden(a: &Attributes<'_>, message: String) -> Verdict {
    Verdict::Reject(a.forbidden(&message))
}

fn labels(v: Option<&Value>) -> Map<String, Value> {
    v.and_then(|o| o.ptr("/metadata/labels"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The labels a kubelet may not set: `node-restriction.kubernetes.io/` ones, and
/// kubernetes.io / k8s.io ones that are not kubelet labels.
fn forbidden_labels(new: &Map<String, Value>, old: &Map<String, Value>) -> Vec<String> {
    const KUBELET_LABELS: &[&str] = &[
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region",
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
        "kubernetes.io/os",
        "kubernetes.io/arch",
        "beta.kubernetes.io/os",
        "beta.kubernetes.io/arch",
    ];
    let mut keys: Vec<&String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, _)| k)
        .chain(old.keys().filter(|k| !new.contains_key(*k)))
        .collect();
    crate::sim::sort::natural(&mut keys);
    keys.dedup();
    keys.into_iter()
        .filter(|key| {
            let ns = key.split_once('/').map_or("", |(n, _)| n);
            let restricted = ns == "node-restriction.kubernetes.io"
                || ns.ends_with(".node-restriction.kubernetes.io");
            let kubernetes = ns == "kubernetes.io"
                || ns.ends_with(".kubernetes.io")
                || ns == "k8s.io"
                || ns.ends_with(".k8s.io");
            let kubelet = KUBELET_LABELS.contains(&key.as_str())
                || ns == "kubelet.kubernetes.io"
                || ns.ends_with(".kubelet.kubernetes.io")
                || ns == "node.kubernetes.io"
                || ns.ends_with(".node.kubernetes.io");
            restricted || (kubernetes && !kubelet)
        })
        .cloned()
        .collect()
}

/// The plugin's `Admit`.
pub fn admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let Some(node) = node::identity(a.user) else {
        return Verdict::Skip("only restricts kubelets (system:node:<name>)".into());
    };
    let node = node.to_string();
    if node.is_empty() {
        let m = format!("could not determine node from user {:?}", a.user.username);
        return forbidden(a, m);
    }
    let obj = a.object.clone();
    let s = |v: &Value, p: &str| v.ptr(p).and_then(Value::as_str).unwrap_or("").to_string();
    match (a.group.as_str(), a.resource.as_str()) {
        ("", "serviceaccounts") if a.subresource == "token" => token_request(ctx, a, &node),
        ("", "pods") if a.subresource.is_empty() => match a.operation {
            Operation::Create => {
                let pod = obj.unwrap_or(Value::Null);
                if pod
                    .ptr("/metadata/annotations/kubernetes.io~1config.mirror")
                    .is_none()
                {
                    return forbidden(a, format!("pod does not have \"kubernetes.io/config.mirror\" annotation, node {node:?} can only create mirror pods"));
                }
                if s(&pod, "/spec/nodeName") != node {
                    return forbidden(a, format!("node {node:?} can only create pods with spec.nodeName set to itself"));
                }
                let owners = pod
                    .ptr("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                match owners.as_slice() {
                    [] => return forbidden(a, format!("node {node:?} can only create pods with an owner reference set to itself")),
                    [o] => {
                        if s(o, "/apiVersion") != "v1" || s(o, "/kind") != "Node" || s(o, "/name") != node {
                            return forbidden(a, format!("node {node:?} can only create pods with an owner reference set to itself"));
                        }
                        if o.get("controller") != Some(&Value::Bool(true)) {
                            return forbidden(a, format!("node {node:?} can only create pods with a controller owner reference set to itself"));
                        }
                        if o.get("blockOwnerDeletion") == Some(&Value::Bool(true)) {
                            return forbidden(a, format!("node {node:?} must not set blockOwnerDeletion on an owner reference"));
                        }
                        let Some(n) = ctx.store.get("", "nodes", "", &node) else {
                            return Verdict::Reject(ApiError::not_found("", "nodes", &node));
                        };
                        let (want, got) = (s(n, "/metadata/uid"), s(o, "/uid"));
                        if want != got {
                            return forbidden(a, format!("node {node} UID mismatch: expected {got} got {want}"));
                        }
                    }
                    _ => return forbidden(a, format!("node {node:?} can only create pods with a single owner reference set to itself")),
                }
                if !s(&pod, "/spec/serviceAccountName").is_empty() {
                    return forbidden(a, format!("node {node:?} can not create pods that reference a service account"));
                }
                let (secrets, configmaps, _) = node::pod_references(&pod);
                if !secrets.is_empty() {
                    return forbidden(a, format!("node {node:?} can not create pods that reference secrets"));
                }
                if !configmaps.is_empty() {
                    return forbidden(a, format!("node {node:?} can not create pods that reference configmaps"));
                }
                let claims = pod
                    .ptr("/spec/volumes")
                    .and_then(Value::as_array)
                    .is_some_and(|vs| vs.iter().any(|v| v.get("persistentVolumeClaim").is_some()));
                if claims {
                    return forbidden(a, format!("node {node:?} can not create pods that reference persistentvolumeclaims"));
                }
                Verdict::Admit(format!("a mirror pod bound to node {node}, owned by it, referring to no other objects").into())
            }
            Operation::Delete => match ctx.store.get("", "pods", &a.namespace, &a.name) {
                None => Verdict::Reject(ApiError::not_found("", "pods", &a.name)),
                Some(p) if s(p, "/spec/nodeName") != node => forbidden(a, format!("node {node:?} can only delete pods with spec.nodeName set to itself")),
                Some(_) => Verdict::Admit(format!("the pod is bound to node {node}").into()),
            },
            op => forbidden(a, format!("unexpected operation {:?}, node {node:?} can only create and delete mirror pods", op.as_str())),
        },
        ("", "nodes") => {
            let requested = if a.operation == Operation::Create {
                obj.as_ref().map(|o| s(o, "/metadata/name")).unwrap_or_default()
            } else {
                a.name.clone()
            };
            if requested != node {
                return forbidden(a, format!("node {node:?} is not allowed to modify node {requested:?}"));
            }
            let old = ctx.store.get("", "nodes", "", &node);
            match a.operation {
                Operation::Create => {
                    let bad = forbidden_labels(&labels(obj.as_ref()), &Map::new());
                    if !bad.is_empty() {
                        return forbidden(a, format!("node {node:?} is not allowed to set the following labels: {}", bad.join(", ")));
                    }
                }
                Operation::Update => {
                    let taints = |v: Option<&Value>| v.and_then(|o| o.ptr("/spec/taints")).cloned().filter(|t| t.as_array().is_some_and(|a| !a.is_empty()));
                    if taints(obj.as_ref()) != taints(old) {
                        return forbidden(a, format!("node {node:?} is not allowed to modify taints"));
                    }
                    let bad = forbidden_labels(&labels(obj.as_ref()), &labels(old));
                    if !bad.is_empty() {
                        return forbidden(a, format!("is not allowed to modify labels: {}", bad.join(", ")));
                    }
                }
                _ => {}
            }
            Verdict::Admit(format!("node {node} changes only its own Node object").into())
        }
        ("", "persistentvolumeclaims") if a.subresource != "status" => forbidden(a, "may only update PVC status".into()),
        ("coordination.k8s.io", "leases") => {
            if a.namespace != "kube-node-lease" {
                return forbidden(a, "can only access leases in the \"kube-node-lease\" system namespace".into());
            }
            let name = match a.operation {
                Operation::Create => obj.as_ref().map(|o| s(o, "/metadata/name")).unwrap_or_default(),
                _ => a.name.clone(),
            };
            if name != node {
                return forbidden(a, "can only access node lease with the same name as the requesting node".into());
            }
            Verdict::Admit(format!("node {node}'s own lease").into())
        }
        ("storage.k8s.io", "csinodes") => {
            let name = match a.operation {
                Operation::Create => obj.as_ref().map(|o| s(o, "/metadata/name")).unwrap_or_default(),
                _ => a.name.clone(),
            };
            if name != node {
                return forbidden(a, "can only access CSINode with the same name as the requesting node".into());
            }
            Verdict::Admit(format!("node {node}'s own CSINode").into())
        }
        _ => Verdict::Skip(format!("{} is not restricted for nodes", a.resource).into()),
    }
}

/// NodeRestriction for `serviceaccounts/token`: a kubelet's TokenRequest must be bound to a pod
/// scheduled on its node.
fn token_request(ctx: &Context<'_>, a: &Attributes<'_>, node: &str) -> Verdict {
    let empty = Value::Null;
    let review = a.object.as_ref().unwrap_or(&empty);
    let r = |k: &str| {
        review
            .ptr(&format!("/spec/boundObjectRef/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    if review.ptr("/spec/boundObjectRef").is_none()
        || r("apiVersion") != "v1"
        || r("kind") != "Pod"
        || r("name").is_empty()
    {
        return forbidden(a, "node requested token not bound to a pod".into());
    }
    if r("uid").is_empty() {
        return forbidden(
            a,
            "node requested token with a pod binding without a uid".into(),
        );
    }
    let Some(pod) = ctx.store.get("", "pods", &a.namespace, r("name")) else {
        return Verdict::Reject(ApiError::not_found("", "pods", r("name")));
    };
    if pod.ptr("/metadata/uid").and_then(Value::as_str) != Some(r("uid")) {
        return forbidden(a, format!("the UID in the bound object reference ({}) does not match the UID in record. The object might have been deleted and then recreated", r("uid")));
    }
    if pod.ptr("/spec/nodeName").and_then(Value::as_str) != Some(node) {
        return forbidden(
            a,
            "node requested token bound to a pod scheduled on a different node".into(),
        );
    }
    Verdict::Admit(
        format!(
            "a token bound to pod {}, which runs on node {node}",
            r("name")
        )
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubelets_may_set_only_kubelet_labels() {
        let m = |v: Value| v.as_object().cloned().unwrap();
        let old = m(json!({"kubernetes.io/hostname": "n1", "team": "a"}));
        let new = m(json!({
            "kubernetes.io/hostname": "n1",
            "team": "b",
            "node.kubernetes.io/exclude-from-external-load-balancers": "",
            "node-restriction.kubernetes.io/trusted": "yes",
            "example.node-restriction.kubernetes.io/x": "1",
            "node-role.kubernetes.io/control-plane": "",
            "k8s.io/anything": "1",
            "topology.kubernetes.io/zone": "z",
        }));
        assert_eq!(
            forbidden_labels(&new, &old),
            [
                "example.node-restriction.kubernetes.io/x",
                "k8s.io/anything",
                "node-restriction.kubernetes.io/trusted",
                "node-role.kubernetes.io/control-plane",
            ]
        );
        // Removing a restricted label is a change too.
        let had = m(json!({"node-restriction.kubernetes.io/trusted": "yes"}));
        assert_eq!(
            forbidden_labels(&Map::new(), &had),
            ["node-restriction.kubernetes.io/trusted"]
        );
    }
}

//! The Node authorizer: kubelets (`system:node:<name>` in group `system:nodes`) may read only
//! what the pods bound to their node need — the pods' secrets, configmaps, claims and volumes,
//! tokens of the pods' service accounts — found by walking the object graph from the node; for
//! everything else the fixed node rules apply. NoOpinion for everyone who is not a node.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/node/>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::Attributes;
use crate::sim::authn::UserInfo;
use crate::sim::store::{name_of, namespace_of, Store};
use crate::sim::trace::Decision;

/// Upstream `NodeIdentity`: `Some(name)` for a node user (the name may be empty).
pub fn identity(user: &UserInfo) -> Option<&str> {
    let name = user.username.strip_prefix("system:node:")?;
    user.groups
        .iter()
        .any(|g| g == "system:nodes")
        .then_some(name)
}

/// Which kind of object a graph question starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vertex {
    Secret,
    ConfigMap,
    Pvc,
    Pv,
    Pod,
    ServiceAccount,
    VolumeAttachment,
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.ptr(ptr).and_then(Value::as_str).unwrap_or("")
}

fn arr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.ptr(ptr)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The secrets, configmaps and claims a pod refers to (podutil's visitors).
pub fn pod_references(pod: &Value) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut secrets = Vec::new();
    let mut configmaps = Vec::new();
    let mut claims = Vec::new();
    let push = |list: &mut Vec<String>, name: &str| {
        if !name.is_empty() && !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
    };
    for p in arr(pod, "/spec/imagePullSecrets") {
        push(&mut secrets, s(p, "/name"));
    }
    for kind in ["containers", "initContainers", "ephemeralContainers"] {
        for c in arr(pod, &format!("/spec/{kind}")) {
            for e in arr(c, "/env") {
                push(&mut secrets, s(e, "/valueFrom/secretKeyRef/name"));
                push(&mut configmaps, s(e, "/valueFrom/configMapKeyRef/name"));
            }
            for e in arr(c, "/envFrom") {
                push(&mut secrets, s(e, "/secretRef/name"));
                push(&mut configmaps, s(e, "/configMapRef/name"));
            }
        }
    }
    for v in arr(pod, "/spec/volumes") {
        push(&mut secrets, s(v, "/secret/secretName"));
        for plugin in [
            "/cephfs/secretRef/name",
            "/cinder/secretRef/name",
            "/flexVolume/secretRef/name",
            "/rbd/secretRef/name",
            "/scaleIO/secretRef/name",
            "/iscsi/secretRef/name",
            "/storageos/secretRef/name",
            "/csi/nodePublishSecretRef/name",
            "/azureFile/secretName",
        ] {
            push(&mut secrets, s(v, plugin));
        }
        for src in arr(v, "/projected/sources") {
            push(&mut secrets, s(src, "/secret/name"));
            push(&mut configmaps, s(src, "/configMap/name"));
        }
        push(&mut configmaps, s(v, "/configMap/name"));
        push(&mut claims, s(v, "/persistentVolumeClaim/claimName"));
        if v.get("ephemeral").is_some() {
            // A generic ephemeral volume's claim is named <pod>-<volume>.
            push(&mut claims, &format!("{}-{}", name_of(pod), s(v, "/name")));
        }
    }
    (secrets, configmaps, claims)
}

/// A path from the object to the node, described for the trace; `None` when there is none
/// (upstream `hasPathFrom`).
fn path_from(store: &Store, node: &str, start: Vertex, ns: &str, name: &str) -> Option<String> {
    if start == Vertex::VolumeAttachment {
        let va = store.get("storage.k8s.io", "volumeattachments", "", name)?;
        return (s(va, "/spec/nodeName") == node)
            .then(|| format!("volumeattachment {name} is for node {node}"));
    }
    for pod in store.list("", "pods", None) {
        if s(pod, "/spec/nodeName") != node {
            continue;
        }
        let pod_ns = namespace_of(pod);
        let pod_name = name_of(pod);
        let via = format!("pod {pod_ns}/{pod_name} is bound to node {node}");
        let (secrets, configmaps, claims) = pod_references(pod);
        let found = match start {
            Vertex::Pod => (pod_ns == ns && pod_name == name).then(|| via.clone()),
            Vertex::Secret if pod_ns == ns && secrets.iter().any(|n| n == name) => {
                Some(format!("{via} and uses secret {name}"))
            }
            Vertex::ConfigMap if pod_ns == ns && configmaps.iter().any(|n| n == name) => {
                Some(format!("{via} and uses configmap {name}"))
            }
            Vertex::Pvc if pod_ns == ns && claims.iter().any(|n| n == name) => {
                Some(format!("{via} and uses persistentvolumeclaim {name}"))
            }
            Vertex::ServiceAccount => {
                let sa = Some(s(pod, "/spec/serviceAccountName"))
                    .filter(|n| !n.is_empty())
                    .unwrap_or("default");
                (pod_ns == ns && sa == name)
                    .then(|| format!("{via} and runs as service account {name}"))
            }
            Vertex::Pv | Vertex::Secret => {
                // Through a claim bound to a volume (and the volume's secrets).
                claims.iter().find_map(|claim| {
                    let pvc = store.get("", "persistentvolumeclaims", pod_ns, claim)?;
                    let pv_name = s(pvc, "/spec/volumeName");
                    if pv_name.is_empty() {
                        return None;
                    }
                    let through = format!(
                        "{via}, uses persistentvolumeclaim {claim}, bound to persistentvolume {pv_name}"
                    );
                    if start == Vertex::Pv {
                        return (pv_name == name).then_some(through);
                    }
                    let pv = store.get("", "persistentvolumes", "", pv_name)?;
                    let uses = ["csi/nodePublishSecretRef", "csi/nodeStageSecretRef", "csi/controllerPublishSecretRef", "cephfs/secretRef", "rbd/secretRef", "iscsi/secretRef", "flexVolume/secretRef", "scaleIO/secretRef", "storageos/secretRef", "azureFile/secretName"]
                        .iter()
                        .any(|p| {
                            let reference = pv.ptr(&format!("/spec/{p}"));
                            let (n, sns) = match reference {
                                Some(Value::String(n)) => (n.as_str(), s(pv, "/spec/azureFile/secretNamespace")),
                                Some(r) => (s(r, "/name"), s(r, "/namespace")),
                                None => ("", ""),
                            };
                            n == name && (sns.is_empty() || sns == ns)
                        });
                    uses.then(|| format!("{through}, which uses secret {name}"))
                })
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The Node authorizer's decision, upstream reason, and what the trace shows.
pub struct NodeDecision {
    /// Allow or NoOpinion.
    pub decision: Decision,
    /// Upstream's reason ("" on allow).
    pub reason: String,
    /// What the trace shows (the graph path, or which rule applies).
    pub shown: String,
}

fn no(reason: impl Into<String>) -> NodeDecision {
    let reason = reason.into();
    NodeDecision {
        decision: Decision::NoOpinion,
        shown: reason.clone(),
        reason,
    }
}

fn yes(shown: impl Into<String>) -> NodeDecision {
    NodeDecision {
        decision: Decision::Allow,
        reason: String::new(),
        shown: shown.into(),
    }
}

/// Whether the request's field selector requires `field` to equal `value` (parsed as the
/// server parses it; a selector that does not parse requires nothing).
fn field_equals(selector: &str, field: &str, value: &str) -> bool {
    crate::sim::fieldsel::parse_syntax(selector)
        .unwrap_or_default()
        .iter()
        .any(|r| r.equals && r.field == field && r.value == value)
}

/// Authorizes a request. `node_rules` are the fixed rules of the `system:node` role;
/// `selectors` is the AuthorizeNodeWithSelectors gate (on from v1.32).
pub fn authorize(
    store: &Store,
    node_rules: &[Value],
    selectors: bool,
    a: &Attributes,
) -> NodeDecision {
    let Some(node) = identity(&a.user) else {
        return NodeDecision {
            decision: Decision::NoOpinion,
            reason: String::new(),
            shown: "not a node: the user is not system:node:<name> in group system:nodes".into(),
        };
    };
    if node.is_empty() {
        return no(format!("unknown node for user {:?}", a.user.username));
    }
    let related = |start: Vertex| -> NodeDecision {
        if a.name.is_empty() {
            return no("No Object name found");
        }
        match path_from(store, node, start, &a.namespace, &a.name) {
            Some(path) => yes(format!("related to node {node}: {path}")),
            None => no(format!(
                "no relationship found between node '{node}' and this object"
            )),
        }
    };
    let get_only = |start: Vertex| -> NodeDecision {
        if a.verb != "get" {
            return no("can only get individual resources of this type");
        }
        if !a.subresource.is_empty() {
            return no("cannot get subresource");
        }
        related(start)
    };
    let read_namespaced = |start: Vertex| -> NodeDecision {
        if !matches!(a.verb.as_str(), "get" | "list" | "watch") {
            return no("can only read resources of this type");
        }
        if !a.subresource.is_empty() {
            return no("cannot read subresource");
        }
        if a.namespace.is_empty() {
            return no("can only read namespaced object of this type");
        }
        related(start)
    };
    if a.resource_request {
        match (a.api_group.as_str(), a.resource.as_str()) {
            ("", "secrets") => return read_namespaced(Vertex::Secret),
            ("", "configmaps") => return read_namespaced(Vertex::ConfigMap),
            ("", "persistentvolumeclaims") => {
                if a.subresource == "status" {
                    if !matches!(a.verb.as_str(), "update" | "patch") {
                        return no("can only get/update/patch this type");
                    }
                    return related(Vertex::Pvc);
                }
                return get_only(Vertex::Pvc);
            }
            ("", "persistentvolumes") => return get_only(Vertex::Pv),
            ("storage.k8s.io", "volumeattachments") => return get_only(Vertex::VolumeAttachment),
            ("", "serviceaccounts") => {
                if a.verb != "create" || a.name.is_empty() {
                    return no("can only create tokens for individual service accounts");
                }
                if a.subresource != "token" {
                    return no("can only create token subresource of serviceaccount");
                }
                return related(Vertex::ServiceAccount);
            }
            ("coordination.k8s.io", "leases") => {
                if !matches!(
                    a.verb.as_str(),
                    "get" | "create" | "update" | "patch" | "delete"
                ) {
                    return no("can only get, create, update, patch, or delete a node lease");
                }
                if a.namespace != "kube-node-lease" {
                    return no(
                        "can only access leases in the \"kube-node-lease\" system namespace",
                    );
                }
                if a.verb != "create" && a.name != node {
                    return no(
                        "can only access node lease with the same name as the requesting node",
                    );
                }
                return yes(format!("node {node} may manage its own lease"));
            }
            ("storage.k8s.io", "csinodes") => {
                if !matches!(
                    a.verb.as_str(),
                    "get" | "create" | "update" | "patch" | "delete"
                ) {
                    return no("can only get, create, update, patch, or delete a CSINode");
                }
                if !a.subresource.is_empty() {
                    return no("cannot authorize CSINode subresources");
                }
                if a.verb != "create" && a.name != node {
                    return no("can only access CSINode with the same name as the requesting node");
                }
                return yes(format!("node {node} may manage its own CSINode"));
            }
            ("", "nodes") if selectors => match (a.subresource.as_str(), a.verb.as_str()) {
                ("", "create" | "update" | "patch") | ("status", "update" | "patch") => {
                    return yes("nodes may write Node objects; NodeRestriction admission keeps them to their own");
                }
                ("", "get" | "list" | "watch") => {
                    return if a.name == node {
                        yes(format!("node {node} may read its own Node object"))
                    } else if a.name.is_empty() {
                        no(format!(
                            "node '{node}' cannot read all nodes, only its own Node object"
                        ))
                    } else {
                        no(format!(
                            "node '{node}' cannot read '{}', only its own Node object",
                            a.name
                        ))
                    };
                }
                _ => return no(""),
            },
            ("", "pods") if selectors => match (a.subresource.as_str(), a.verb.as_str()) {
                ("", "get") => return get_only(Vertex::Pod),
                ("", "list" | "watch") => {
                    if field_equals(&a.field_selector, "spec.nodeName", node) {
                        return yes(format!(
                            "listing only the pods of node {node} (spec.nodeName={node})"
                        ));
                    }
                    if !a.name.is_empty() {
                        return related(Vertex::Pod);
                    }
                    return no("can only list/watch pods with spec.nodeName field selector");
                }
                ("", "create" | "delete")
                | ("status", "update" | "patch")
                | ("eviction", "create") => {
                    return yes("nodes may write their pods; NodeRestriction admission keeps them to pods bound to themselves");
                }
                _ => return no(""),
            },
            _ => {}
        }
    }
    if node_rules.iter().any(|r| super::rbac::rule_allows(a, r)) {
        return yes("allowed by the fixed node rules (the system:node role)");
    }
    NodeDecision {
        decision: Decision::NoOpinion,
        reason: String::new(),
        shown: "not among the fixed node rules (the system:node role)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node_user(name: &str) -> UserInfo {
        UserInfo {
            username: format!("system:node:{name}"),
            groups: vec!["system:nodes".into(), "system:authenticated".into()],
            ..Default::default()
        }
    }

    fn attrs(
        user: &UserInfo,
        verb: &str,
        group: &str,
        resource: &str,
        sub: &str,
        ns: &str,
        name: &str,
    ) -> Attributes {
        Attributes {
            user: user.clone(),
            verb: verb.into(),
            resource_request: true,
            api_group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: ns.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    /// After upstream's TestNodeAuthorizer, over a small graph: node0 runs pod ns0/pod0-0
    /// (secret, configmap, claim bound to pv0 with a CSI secret, service account sa0); node1
    /// runs ns0/pod1-0 with other objects.
    #[test]
    fn kubelets_reach_only_what_their_pods_use() {
        let mut store = Store::new(1, 1);
        let now = crate::sim::clock::Instant::default();
        let put = |store: &mut Store, group: &str, res: &str, v: Value| {
            store.create(group, res, v, now).unwrap();
        };
        put(
            &mut store,
            "",
            "pods",
            json!({"metadata": {"name": "pod0-0", "namespace": "ns0"}, "spec": {"nodeName": "node0", "serviceAccountName": "sa0",
            "imagePullSecrets": [{"name": "pull0"}],
            "containers": [{"name": "c", "env": [{"name": "E", "valueFrom": {"secretKeyRef": {"name": "env-secret0", "key": "k"}}}], "envFrom": [{"configMapRef": {"name": "envfrom-cm0"}}]}],
            "volumes": [{"name": "v1", "secret": {"secretName": "secret0"}}, {"name": "v2", "configMap": {"name": "cm0"}}, {"name": "v3", "persistentVolumeClaim": {"claimName": "pvc0"}},
                        {"name": "v4", "projected": {"sources": [{"secret": {"name": "proj-secret0"}}, {"configMap": {"name": "proj-cm0"}}]}}, {"name": "eph", "ephemeral": {}}]}}),
        );
        put(
            &mut store,
            "",
            "pods",
            json!({"metadata": {"name": "pod1-0", "namespace": "ns0"}, "spec": {"nodeName": "node1", "containers": [],
            "volumes": [{"name": "v", "secret": {"secretName": "secret1"}}]}}),
        );
        put(
            &mut store,
            "",
            "pods",
            json!({"metadata": {"name": "unbound", "namespace": "ns0"}, "spec": {"containers": [], "volumes": [{"name": "v", "secret": {"secretName": "secret-unbound"}}]}}),
        );
        put(
            &mut store,
            "",
            "persistentvolumeclaims",
            json!({"metadata": {"name": "pvc0", "namespace": "ns0"}, "spec": {"volumeName": "pv0"}}),
        );
        put(
            &mut store,
            "",
            "persistentvolumes",
            json!({"metadata": {"name": "pv0"}, "spec": {"csi": {"driver": "d", "volumeHandle": "h", "nodePublishSecretRef": {"name": "pv-secret0", "namespace": "ns0"}}}}),
        );
        put(
            &mut store,
            "storage.k8s.io",
            "volumeattachments",
            json!({"metadata": {"name": "va0"}, "spec": {"nodeName": "node0"}}),
        );
        let rules = [
            json!({"apiGroups": [""], "resources": ["services"], "verbs": ["get", "list", "watch"]}),
            json!({"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch", "update"]}),
        ];
        let n0 = node_user("node0");
        let check = |a: Attributes| {
            let d = authorize(&store, &rules, true, &a);
            (d.decision == Decision::Allow, d.reason)
        };
        let allowed = |a: Attributes| check(a).0;
        let none = "no relationship found between node 'node0' and this object".to_string();
        // Related objects, by every reference kind.
        for secret in [
            "pull0",
            "env-secret0",
            "secret0",
            "proj-secret0",
            "pv-secret0",
        ] {
            assert!(
                allowed(attrs(&n0, "get", "", "secrets", "", "ns0", secret)),
                "{secret}"
            );
        }
        for cm in ["envfrom-cm0", "cm0", "proj-cm0"] {
            assert!(
                allowed(attrs(&n0, "get", "", "configmaps", "", "ns0", cm)),
                "{cm}"
            );
        }
        assert!(allowed(attrs(
            &n0,
            "get",
            "",
            "persistentvolumeclaims",
            "",
            "ns0",
            "pvc0"
        )));
        assert!(allowed(attrs(
            &n0,
            "get",
            "",
            "persistentvolumeclaims",
            "",
            "ns0",
            "pod0-0-eph"
        )));
        assert!(allowed(attrs(
            &n0,
            "get",
            "",
            "persistentvolumes",
            "",
            "",
            "pv0"
        )));
        assert!(allowed(attrs(
            &n0,
            "get",
            "storage.k8s.io",
            "volumeattachments",
            "",
            "",
            "va0"
        )));
        assert!(allowed(attrs(
            &n0,
            "create",
            "",
            "serviceaccounts",
            "token",
            "ns0",
            "sa0"
        )));
        assert!(allowed(attrs(&n0, "get", "", "pods", "", "ns0", "pod0-0")));
        // Other nodes' objects, unbound pods' objects, wrong namespaces.
        assert_eq!(
            check(attrs(&n0, "get", "", "secrets", "", "ns0", "secret1")),
            (false, none.clone())
        );
        assert_eq!(
            check(attrs(
                &n0,
                "get",
                "",
                "secrets",
                "",
                "ns0",
                "secret-unbound"
            )),
            (false, none.clone())
        );
        assert_eq!(
            check(attrs(&n0, "get", "", "secrets", "", "other", "secret0")),
            (false, none.clone())
        );
        assert_eq!(
            check(attrs(
                &n0,
                "create",
                "",
                "serviceaccounts",
                "token",
                "ns0",
                "default"
            )),
            (false, none.clone())
        );
        assert_eq!(
            check(attrs(&n0, "get", "", "pods", "", "ns0", "pod1-0")),
            (false, none)
        );
        // Verbs and shapes the authorizer refuses outright.
        let reason = |a| check(a).1;
        assert_eq!(
            reason(attrs(&n0, "create", "", "secrets", "", "ns0", "x")),
            "can only read resources of this type"
        );
        assert_eq!(
            reason(attrs(&n0, "list", "", "secrets", "", "ns0", "")),
            "No Object name found"
        );
        assert_eq!(
            reason(attrs(&n0, "get", "", "secrets", "", "", "x")),
            "can only read namespaced object of this type"
        );
        assert_eq!(
            reason(attrs(&n0, "get", "", "secrets", "status", "ns0", "x")),
            "cannot read subresource"
        );
        assert_eq!(
            reason(attrs(&n0, "list", "", "persistentvolumes", "", "", "")),
            "can only get individual resources of this type"
        );
        assert_eq!(
            reason(attrs(&n0, "get", "", "serviceaccounts", "", "ns0", "sa0")),
            "can only create tokens for individual service accounts"
        );
        assert_eq!(
            reason(attrs(
                &n0,
                "create",
                "",
                "serviceaccounts",
                "x",
                "ns0",
                "sa0"
            )),
            "can only create token subresource of serviceaccount"
        );
        assert_eq!(
            reason(attrs(
                &n0,
                "update",
                "coordination.k8s.io",
                "leases",
                "",
                "kube-node-lease",
                "node1"
            )),
            "can only access node lease with the same name as the requesting node"
        );
        assert!(allowed(attrs(
            &n0,
            "update",
            "coordination.k8s.io",
            "leases",
            "",
            "kube-node-lease",
            "node0"
        )));
        assert_eq!(
            reason(attrs(&n0, "get", "", "nodes", "", "", "node1")),
            "node 'node0' cannot read 'node1', only its own Node object"
        );
        assert_eq!(
            reason(attrs(&n0, "list", "", "nodes", "", "", "")),
            "node 'node0' cannot read all nodes, only its own Node object"
        );
        assert!(allowed(attrs(&n0, "get", "", "nodes", "", "", "node0")));
        assert_eq!(
            reason(attrs(&n0, "list", "", "pods", "", "", "")),
            "can only list/watch pods with spec.nodeName field selector"
        );
        let mut scoped = attrs(&n0, "list", "", "pods", "", "", "");
        scoped.field_selector = "spec.nodeName=node0".into();
        assert!(allowed(scoped));
        // The fixed rules, and nothing for people.
        assert!(allowed(attrs(&n0, "list", "", "services", "", "", "")));
        assert_eq!(
            check(attrs(&n0, "delete", "", "services", "", "ns0", "s")),
            (false, String::new())
        );
        let person = UserInfo {
            username: "system:node:node0".into(),
            ..Default::default()
        };
        assert_eq!(
            check(attrs(&person, "get", "", "secrets", "", "ns0", "secret0")),
            (false, String::new())
        );
        let nameless = node_user("");
        assert_eq!(
            reason(attrs(&nameless, "get", "", "secrets", "", "ns0", "x")),
            "unknown node for user \"system:node:\""
        );
        // Without AuthorizeNodeWithSelectors, node and pod reads fall to the fixed rules.
        let old = authorize(
            &store,
            &[
                json!({"apiGroups": [""], "resources": ["nodes", "pods"], "verbs": ["get", "list", "watch"]}),
            ],
            false,
            &attrs(&n0, "list", "", "pods", "", "", ""),
        );
        assert_eq!(old.decision, Decision::Allow);
    }
}

//! Field order of objects kubectl builds itself (`--dry-run=client`): `-o json` prints a typed
//! Go object, whose fields come in struct order, not sorted (YAML output sorts either way).
//! The orders below are those of the k8s.io/api structs for the kinds kubectl's generators
//! make; unknown keys keep their place after the known ones.

use serde_json::{Map, Value};

/// (type, its fields in struct order, and the type of each nested field).
type Shape = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

fn shape(ty: &str) -> Option<Shape> {
    Some(match ty {
        "Object" => (
            &[
                "kind",
                "apiVersion",
                "metadata",
                "spec",
                "status",
                "rules",
                "aggregationRule",
                "subjects",
                "roleRef",
                "secrets",
                "imagePullSecrets",
                "automountServiceAccountToken",
                "immutable",
                "data",
                "binaryData",
                "stringData",
                "type",
            ],
            &[
                ("metadata", "ObjectMeta"),
                ("rules", "PolicyRule"),
                ("subjects", "Subject"),
                ("roleRef", "RoleRef"),
            ],
        ),
        "ObjectMeta" => (
            &[
                "name",
                "generateName",
                "namespace",
                "selfLink",
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "labels",
                "annotations",
                "ownerReferences",
                "finalizers",
                "managedFields",
            ],
            &[],
        ),
        "PolicyRule" => (
            &[
                "verbs",
                "apiGroups",
                "resources",
                "resourceNames",
                "nonResourceURLs",
            ],
            &[],
        ),
        "Subject" => (&["kind", "apiGroup", "name", "namespace"], &[]),
        "RoleRef" => (&["apiGroup", "kind", "name"], &[]),
        "DeploymentSpec" => (
            &[
                "replicas",
                "selector",
                "template",
                "strategy",
                "minReadySeconds",
                "revisionHistoryLimit",
                "paused",
                "progressDeadlineSeconds",
            ],
            &[
                ("template", "PodTemplateSpec"),
                ("selector", "LabelSelector"),
            ],
        ),
        "LabelSelector" => (&["matchLabels", "matchExpressions"], &[]),
        "PodTemplateSpec" => (
            &["metadata", "spec"],
            &[("metadata", "ObjectMeta"), ("spec", "PodSpec")],
        ),
        "PodSpec" => (
            &[
                "volumes",
                "initContainers",
                "containers",
                "ephemeralContainers",
                "restartPolicy",
                "terminationGracePeriodSeconds",
                "activeDeadlineSeconds",
                "dnsPolicy",
                "nodeSelector",
                "serviceAccountName",
                "serviceAccount",
                "automountServiceAccountToken",
                "nodeName",
                "hostNetwork",
                "hostPID",
                "hostIPC",
                "shareProcessNamespace",
                "securityContext",
                "imagePullSecrets",
                "hostname",
                "subdomain",
                "affinity",
                "schedulerName",
                "tolerations",
                "hostAliases",
                "priorityClassName",
                "priority",
                "dnsConfig",
                "readinessGates",
                "runtimeClassName",
                "enableServiceLinks",
                "preemptionPolicy",
                "overhead",
            ],
            &[("containers", "Container"), ("initContainers", "Container")],
        ),
        "Container" => (
            &[
                "name",
                "image",
                "command",
                "args",
                "workingDir",
                "ports",
                "envFrom",
                "env",
                "resources",
                "resizePolicy",
                "restartPolicy",
                "volumeMounts",
                "volumeDevices",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
                "lifecycle",
                "terminationMessagePath",
                "terminationMessagePolicy",
                "imagePullPolicy",
                "securityContext",
                "stdin",
                "stdinOnce",
                "tty",
            ],
            &[("ports", "ContainerPort"), ("env", "EnvVar")],
        ),
        "ContainerPort" => (
            &["name", "hostPort", "containerPort", "protocol", "hostIP"],
            &[],
        ),
        "EnvVar" => (&["name", "value", "valueFrom"], &[]),
        "ServiceSpec" => (
            &[
                "ports",
                "selector",
                "clusterIP",
                "clusterIPs",
                "type",
                "externalIPs",
                "sessionAffinity",
                "loadBalancerIP",
                "loadBalancerSourceRanges",
                "externalName",
                "externalTrafficPolicy",
                "healthCheckNodePort",
                "publishNotReadyAddresses",
                "sessionAffinityConfig",
                "ipFamilies",
                "ipFamilyPolicy",
                "allocateLoadBalancerNodePorts",
                "loadBalancerClass",
                "internalTrafficPolicy",
            ],
            &[("ports", "ServicePort")],
        ),
        "ServicePort" => (
            &[
                "name",
                "protocol",
                "appProtocol",
                "port",
                "targetPort",
                "nodePort",
            ],
            &[],
        ),
        _ => return None,
    })
}

/// The type of `spec` for a kind (other nested types come from the shapes).
fn spec_type(kind: &str) -> &'static str {
    match kind {
        "Deployment" => "DeploymentSpec",
        "Service" => "ServiceSpec",
        "Pod" => "PodSpec",
        _ => "",
    }
}

fn order(v: &Value, ty: &str) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|x| order(x, ty)).collect()),
        Value::Object(m) => {
            let Some((keys, nested)) = shape(ty) else {
                return v.clone();
            };
            let kind = m.get("kind").and_then(Value::as_str).unwrap_or("");
            let child = |k: &str| -> &str {
                if ty == "Object" && k == "spec" {
                    return spec_type(kind);
                }
                nested.iter().find(|(f, _)| *f == k).map_or("", |(_, t)| *t)
            };
            let mut out = Map::new();
            for k in keys.iter() {
                if let Some(x) = m.get(*k) {
                    out.insert((*k).to_string(), order(x, child(k)));
                }
            }
            for (k, x) in m {
                if !out.contains_key(k) {
                    out.insert(k.clone(), order(x, child(k)));
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// An object kubectl built, with its fields in Go struct order.
pub fn typed(obj: &Value) -> Value {
    order(obj, "Object")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn struct_order_per_type() {
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"a": "b"}, "name": "web"},
            "spec": {"type": "NodePort", "selector": {"a": "b"}, "ports": [{"targetPort": 80, "port": 80, "name": "80", "protocol": "TCP"}]}});
        let text = serde_json::to_string(&typed(&svc)).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","labels":{"a":"b"}},"spec":{"ports":[{"name":"80","protocol":"TCP","port":80,"targetPort":80}],"selector":{"a":"b"},"type":"NodePort"}}"#
        );
        let crb = json!({"roleRef": {"name": "view", "kind": "ClusterRole", "apiGroup": "g"},
            "subjects": [{"name": "u", "apiGroup": "g", "kind": "User"}], "kind": "ClusterRoleBinding"});
        let text = serde_json::to_string(&typed(&crb)).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"kind":"ClusterRoleBinding","subjects":[{"kind":"User","apiGroup":"g","name":"u"}],"roleRef":{"apiGroup":"g","kind":"ClusterRole","name":"view"}}"#
        );
    }
}

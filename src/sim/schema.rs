//! The shapes of the objects kubegate models, used to warn about unknown fields (as
//! `kubectl --validate=strict` does) and to reject wrong types, each at its line and column.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>.

use super::yaml::{Node, NodeKind, Pos};

/// The expected shape of a value.
#[derive(Debug, Clone, Copy)]
pub enum Schema {
    /// Anything (not checked).
    Any,
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// An object with these fields.
    Obj(&'static [(&'static str, Schema)]),
    /// A list of this.
    List(&'static Schema),
    /// A map from strings to this.
    Map(&'static Schema),
}

/// One problem found while checking a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where.
    pub pos: Pos,
    /// The field path, e.g. `spec.containers[0].imagee`.
    pub field: String,
    /// True for an error (wrong type), false for a warning (unknown field).
    pub error: bool,
    /// The message.
    pub message: String,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Checks a node against a schema, appending findings.
pub fn check(node: &Node, schema: Schema, path: &str, out: &mut Vec<Finding>) {
    // Only scalars are resolved: converting each collection would redo its whole subtree
    // once per ancestor.
    let json = match &node.kind {
        NodeKind::Scalar { .. } => node.to_json(),
        _ => serde_json::Value::Array(Vec::new()),
    };
    let wrong = |want: &str, out: &mut Vec<Finding>| {
        out.push(Finding {
            pos: node.pos,
            field: path.to_string(),
            error: true,
            message: format!(
                "{}: expected {want}, got {}",
                if path.is_empty() { "." } else { path },
                node.type_name()
            ),
        })
    };
    if json.is_null() {
        // null is accepted for every field, as Go's decoder accepts it.
        return;
    }
    match schema {
        Schema::Any => {}
        Schema::Str => {
            if !matches!(node.kind, NodeKind::Scalar { .. }) || !json.is_string() {
                wrong("string", out);
            }
        }
        Schema::Bool => {
            if !json.is_boolean() {
                wrong("boolean", out);
            }
        }
        Schema::Int => {
            if !(json.is_i64() || json.is_u64()) {
                wrong("integer", out);
            }
        }
        Schema::List(item) => match &node.kind {
            NodeKind::Seq(items) => {
                for (i, n) in items.iter().enumerate() {
                    check(n, *item, &format!("{path}[{i}]"), out);
                }
            }
            _ => wrong("array", out),
        },
        Schema::Map(item) => match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or("");
                    check(v, *item, &join(path, key), out);
                }
            }
            _ => wrong("object", out),
        },
        Schema::Obj(fields) => match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or("");
                    match fields.iter().find(|(name, _)| *name == key) {
                        Some((_, s)) => check(v, *s, &join(path, key), out),
                        None => out.push(Finding {
                            pos: k.pos,
                            field: join(path, key),
                            error: false,
                            message: format!("unknown field \"{}\"", join(path, key)),
                        }),
                    }
                }
            }
            _ => wrong("object", out),
        },
    }
}

const STRS: Schema = Schema::List(&Schema::Str);
const STR_MAP: Schema = Schema::Map(&Schema::Str);

/// `ObjectMeta`.
pub const OBJECT_META: Schema = Schema::Obj(&[
    ("name", Schema::Str),
    ("generateName", Schema::Str),
    ("namespace", Schema::Str),
    ("labels", STR_MAP),
    ("annotations", STR_MAP),
    ("uid", Schema::Str),
    ("resourceVersion", Schema::Str),
    ("generation", Schema::Int),
    ("creationTimestamp", Schema::Any),
    ("deletionTimestamp", Schema::Any),
    ("deletionGracePeriodSeconds", Schema::Int),
    ("ownerReferences", Schema::List(&Schema::Any)),
    ("finalizers", STRS),
    ("managedFields", Schema::List(&Schema::Any)),
    ("selfLink", Schema::Str),
]);

const POLICY_RULE: Schema = Schema::Obj(&[
    ("apiGroups", STRS),
    ("resources", STRS),
    ("verbs", STRS),
    ("resourceNames", STRS),
    ("nonResourceURLs", STRS),
]);

const SUBJECT: Schema = Schema::Obj(&[
    ("kind", Schema::Str),
    ("apiGroup", Schema::Str),
    ("name", Schema::Str),
    ("namespace", Schema::Str),
]);

const ROLE_REF: Schema = Schema::Obj(&[
    ("apiGroup", Schema::Str),
    ("kind", Schema::Str),
    ("name", Schema::Str),
]);

const LABEL_SELECTOR: Schema = Schema::Obj(&[
    ("matchLabels", STR_MAP),
    ("matchExpressions", Schema::List(&Schema::Any)),
]);

const TYPE_META: [(&str, Schema); 3] = [
    ("apiVersion", Schema::Str),
    ("kind", Schema::Str),
    ("metadata", OBJECT_META),
];

const ROLE: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("rules", Schema::List(&POLICY_RULE)),
]);

const CLUSTER_ROLE: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("rules", Schema::List(&POLICY_RULE)),
    (
        "aggregationRule",
        Schema::Obj(&[("clusterRoleSelectors", Schema::List(&LABEL_SELECTOR))]),
    ),
]);

const BINDING: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("roleRef", ROLE_REF),
    ("subjects", Schema::List(&SUBJECT)),
]);

const CAPABILITIES: Schema = Schema::Obj(&[("add", STRS), ("drop", STRS)]);

const CONTAINER_SECURITY_CONTEXT: Schema = Schema::Obj(&[
    ("allowPrivilegeEscalation", Schema::Bool),
    ("appArmorProfile", Schema::Any),
    ("capabilities", CAPABILITIES),
    ("privileged", Schema::Bool),
    ("procMount", Schema::Str),
    ("readOnlyRootFilesystem", Schema::Bool),
    ("runAsGroup", Schema::Int),
    ("runAsNonRoot", Schema::Bool),
    ("runAsUser", Schema::Int),
    ("seLinuxOptions", Schema::Any),
    ("seccompProfile", Schema::Any),
    ("windowsOptions", Schema::Any),
]);

const CONTAINER: Schema = Schema::Obj(&[
    ("name", Schema::Str),
    ("image", Schema::Str),
    ("imagePullPolicy", Schema::Str),
    ("command", STRS),
    ("args", STRS),
    ("workingDir", Schema::Str),
    ("ports", Schema::List(&Schema::Any)),
    ("env", Schema::List(&Schema::Any)),
    ("envFrom", Schema::List(&Schema::Any)),
    ("resources", Schema::Any),
    ("resizePolicy", Schema::List(&Schema::Any)),
    ("restartPolicy", Schema::Str),
    ("restartPolicyRules", Schema::List(&Schema::Any)),
    ("volumeMounts", Schema::List(&Schema::Any)),
    ("volumeDevices", Schema::List(&Schema::Any)),
    ("livenessProbe", Schema::Any),
    ("readinessProbe", Schema::Any),
    ("startupProbe", Schema::Any),
    ("lifecycle", Schema::Any),
    ("terminationMessagePath", Schema::Str),
    ("terminationMessagePolicy", Schema::Str),
    ("securityContext", CONTAINER_SECURITY_CONTEXT),
    ("stdin", Schema::Bool),
    ("stdinOnce", Schema::Bool),
    ("tty", Schema::Bool),
]);

const POD_SECURITY_CONTEXT: Schema = Schema::Obj(&[
    ("appArmorProfile", Schema::Any),
    ("fsGroup", Schema::Int),
    ("fsGroupChangePolicy", Schema::Str),
    ("runAsGroup", Schema::Int),
    ("runAsNonRoot", Schema::Bool),
    ("runAsUser", Schema::Int),
    ("seLinuxChangePolicy", Schema::Str),
    ("seLinuxOptions", Schema::Any),
    ("seccompProfile", Schema::Any),
    ("supplementalGroups", Schema::List(&Schema::Int)),
    ("supplementalGroupsPolicy", Schema::Str),
    ("sysctls", Schema::List(&Schema::Any)),
    ("windowsOptions", Schema::Any),
]);

const POD_SPEC: Schema = Schema::Obj(&[
    ("activeDeadlineSeconds", Schema::Int),
    ("affinity", Schema::Any),
    ("automountServiceAccountToken", Schema::Bool),
    ("containers", Schema::List(&CONTAINER)),
    ("dnsConfig", Schema::Any),
    ("dnsPolicy", Schema::Str),
    ("enableServiceLinks", Schema::Bool),
    ("ephemeralContainers", Schema::List(&Schema::Any)),
    ("hostAliases", Schema::List(&Schema::Any)),
    ("hostIPC", Schema::Bool),
    ("hostNetwork", Schema::Bool),
    ("hostPID", Schema::Bool),
    ("hostUsers", Schema::Bool),
    ("hostname", Schema::Str),
    ("hostnameOverride", Schema::Str),
    ("imagePullSecrets", Schema::List(&Schema::Any)),
    ("initContainers", Schema::List(&CONTAINER)),
    ("nodeName", Schema::Str),
    ("nodeSelector", STR_MAP),
    ("os", Schema::Any),
    ("overhead", Schema::Any),
    ("preemptionPolicy", Schema::Str),
    ("priority", Schema::Int),
    ("priorityClassName", Schema::Str),
    ("readinessGates", Schema::List(&Schema::Any)),
    ("resourceClaims", Schema::List(&Schema::Any)),
    ("resources", Schema::Any),
    ("restartPolicy", Schema::Str),
    ("runtimeClassName", Schema::Str),
    ("schedulerName", Schema::Str),
    ("schedulingGates", Schema::List(&Schema::Any)),
    ("securityContext", POD_SECURITY_CONTEXT),
    ("serviceAccount", Schema::Str),
    ("serviceAccountName", Schema::Str),
    ("setHostnameAsFQDN", Schema::Bool),
    ("shareProcessNamespace", Schema::Bool),
    ("subdomain", Schema::Str),
    ("terminationGracePeriodSeconds", Schema::Int),
    ("tolerations", Schema::List(&Schema::Any)),
    ("topologySpreadConstraints", Schema::List(&Schema::Any)),
    ("volumes", Schema::List(&Schema::Any)),
]);

const POD: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("spec", POD_SPEC),
    ("status", Schema::Any),
]);

const NAMESPACE: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("spec", Schema::Obj(&[("finalizers", STRS)])),
    ("status", Schema::Any),
]);

const SERVICE_ACCOUNT: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("automountServiceAccountToken", Schema::Bool),
    ("imagePullSecrets", Schema::List(&Schema::Any)),
    ("secrets", Schema::List(&Schema::Any)),
]);

const CONFIG_MAP: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("data", STR_MAP),
    ("binaryData", STR_MAP),
    ("immutable", Schema::Bool),
]);

const SECRET: Schema = Schema::Obj(&[
    TYPE_META[0],
    TYPE_META[1],
    TYPE_META[2],
    ("data", STR_MAP),
    ("stringData", STR_MAP),
    ("type", Schema::Str),
    ("immutable", Schema::Bool),
]);

/// The schema of a Kubernetes object of this group and kind, when kubegate models it.
pub fn for_kind(group: &str, kind: &str) -> Option<Schema> {
    Some(match (group, kind) {
        ("rbac.authorization.k8s.io", "Role") => ROLE,
        ("rbac.authorization.k8s.io", "ClusterRole") => CLUSTER_ROLE,
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => BINDING,
        ("", "Pod") => POD,
        ("", "Namespace") => NAMESPACE,
        ("", "ServiceAccount") => SERVICE_ACCOUNT,
        ("", "ConfigMap") => CONFIG_MAP,
        ("", "Secret") => SECRET,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::yaml::parse_stream;

    fn findings(text: &str, schema: Schema) -> Vec<Finding> {
        let docs = parse_stream(text).unwrap();
        let mut out = Vec::new();
        check(&docs[0].root, schema, "", &mut out);
        out
    }

    #[test]
    fn unknown_fields_warn_with_their_position() {
        let f = findings(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n",
            POD,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "unknown field \"spec.containers[0].imagee\"");
        assert_eq!(f[0].pos, Pos { line: 8, column: 5 });
        assert!(!f[0].error);
    }

    #[test]
    fn wrong_types_are_errors() {
        let f = findings(
            "kind: Role\nrules:\n- apiGroups: [\"\"]\n  verbs: get\n",
            ROLE,
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].error);
        assert_eq!(f[0].message, "rules[0].verbs: expected array, got string");
        assert_eq!(
            f[0].pos,
            Pos {
                line: 4,
                column: 10
            }
        );
    }
}

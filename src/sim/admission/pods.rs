//! The mutating admission plugins that shape every new pod:
//! - **ServiceAccount**: the pod runs as `default` unless it names an account, the account
//!   must exist, and (unless automounting is off) every container gets the projected
//!   `kube-api-access-…` volume with a bound token, the cluster CA and the namespace;
//! - **Priority**: `priority` and `preemptionPolicy` from the pod's PriorityClass (or the
//!   global default, or 0);
//! - **DefaultTolerationSeconds**: 300 s tolerations of `not-ready` and `unreachable` nodes.
//!
//! Upstream: plugin/pkg/admission/serviceaccount, priority, defaulttolerationseconds.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

use serde_json::{json, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::response::ApiError;
use crate::sim::store::name_suffix;

/// Where the service-account volume is mounted in every container.
pub const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The expiry the plugin asks for (an hour and 7 s: the kubelet then knows it may extend it).
pub const TOKEN_EXPIRATION: i64 = 3607;

/// The pod being created, or why the plugin does not apply.
fn new_pod<'r>(a: &'r mut Attributes<'_>) -> Result<&'r mut Value, Verdict> {
    if !a.is_core("pods") {
        return Err(Verdict::Skip("not a pod".into()));
    }
    if a.operation != Operation::Create {
        return Err(Verdict::Skip("only new pods are changed".into()));
    }
    match a.object.as_mut() {
        Some(obj) => Ok(obj),
        None => Err(Verdict::Skip("no object".into())),
    }
}

/// The ServiceAccount plugin's `Admit`.
pub fn service_account(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let ns = a.namespace.clone();
    let pod = match new_pod(a) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let mirror = pod
        .pointer("/metadata/annotations/kubernetes.io~1config.mirror")
        .is_some();
    if mirror {
        return Verdict::Skip("mirror pods are left as they are".into());
    }
    let pod_name = pod
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let account = match pod
        .pointer("/spec/serviceAccountName")
        .and_then(Value::as_str)
    {
        Some(a) if !a.is_empty() => a.to_string(),
        _ => "default".to_string(),
    };
    let Some(sa) = ctx.store.get("", "serviceaccounts", &ns, &account) else {
        return Verdict::Reject(ApiError::forbidden(
            "",
            "pods",
            &pod_name,
            &format!(
                "error looking up service account {ns}/{account}: serviceaccount \"{account}\" not found"
            ),
        ));
    };
    pod["spec"]["serviceAccountName"] = json!(account);
    // The v1 API still shows the deprecated alias.
    pod["spec"]["serviceAccount"] = json!(account);
    let mut changes = vec![format!("runs as service account {account}")];
    if pod
        .pointer("/spec/imagePullSecrets")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        if let Some(secrets) = sa
            .get("imagePullSecrets")
            .filter(|s| s.as_array().is_some_and(|a| !a.is_empty()))
        {
            pod["spec"]["imagePullSecrets"] = secrets.clone();
            changes.push("copied the account's imagePullSecrets".into());
        }
    }
    let automount = pod
        .pointer("/spec/automountServiceAccountToken")
        .and_then(Value::as_bool)
        .or_else(|| {
            sa.get("automountServiceAccountToken")
                .and_then(Value::as_bool)
        })
        .unwrap_or(true);
    if !automount {
        changes.push("automountServiceAccountToken is false: no token volume".into());
        return Verdict::Admit(changes.join("; "));
    }
    let volume_name = format!(
        "kube-api-access-{}",
        name_suffix(&format!("{ns}/{pod_name}"))
    );
    let mount = json!({"mountPath": TOKEN_MOUNT_PATH, "name": volume_name, "readOnly": true});
    let mut needs_volume = false;
    for list in ["initContainers", "containers"] {
        if let Some(containers) = pod["spec"].get_mut(list).and_then(Value::as_array_mut) {
            for c in containers {
                let has = c
                    .get("volumeMounts")
                    .and_then(Value::as_array)
                    .is_some_and(|m| {
                        m.iter().any(|v| {
                            v.get("mountPath").and_then(Value::as_str) == Some(TOKEN_MOUNT_PATH)
                        })
                    });
                if !has {
                    if !c.get("volumeMounts").is_some_and(Value::is_array) {
                        c["volumeMounts"] = json!([]);
                    }
                    if let Some(m) = c["volumeMounts"].as_array_mut() {
                        m.push(mount.clone());
                    }
                    needs_volume = true;
                }
            }
        }
    }
    if needs_volume {
        let volume = json!({
            "name": volume_name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION, "path": "token"}},
                    {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                    {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
                ],
            },
        });
        if !pod["spec"].get("volumes").is_some_and(Value::is_array) {
            pod["spec"]["volumes"] = json!([]);
        }
        if let Some(v) = pod["spec"]["volumes"].as_array_mut() {
            v.push(volume);
        }
        changes.push(format!(
            "mounted volume {volume_name} (a token for {account}, the cluster CA, the namespace) at {TOKEN_MOUNT_PATH}"
        ));
    }
    Verdict::Admit(changes.join("; "))
}

/// The Priority plugin's `Admit`.
pub fn priority(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let pod = match new_pod(a) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let pod_name = pod
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let class_name = pod
        .pointer("/spec/priorityClassName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let class = if class_name.is_empty() {
        ctx.store
            .list("scheduling.k8s.io", "priorityclasses", None)
            .find(|c| c.get("globalDefault").and_then(Value::as_bool) == Some(true))
            .cloned()
    } else {
        match ctx
            .store
            .get("scheduling.k8s.io", "priorityclasses", "", &class_name)
        {
            Some(c) => Some(c.clone()),
            None => {
                return Verdict::Reject(ApiError::forbidden(
                    "",
                    "pods",
                    &pod_name,
                    &format!("no PriorityClass with name {class_name} was found"),
                ))
            }
        }
    };
    let (value, policy, from) = match &class {
        Some(c) => (
            c.get("value").and_then(Value::as_i64).unwrap_or(0),
            c.get("preemptionPolicy")
                .and_then(Value::as_str)
                .unwrap_or("PreemptLowerPriority")
                .to_string(),
            format!(
                "PriorityClass {}",
                c.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            ),
        ),
        None => (
            0,
            "PreemptLowerPriority".to_string(),
            "no PriorityClass: the default".into(),
        ),
    };
    if let Some(c) = &class {
        if class_name.is_empty() {
            let n = c
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            pod["spec"]["priorityClassName"] = json!(n);
        }
    }
    if let Some(given) = pod.pointer("/spec/priority").and_then(Value::as_i64) {
        if given != value {
            return Verdict::Reject(ApiError::forbidden(
                "",
                "pods",
                &pod_name,
                &format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name"),
            ));
        }
    }
    pod["spec"]["priority"] = json!(value);
    if pod.pointer("/spec/preemptionPolicy").is_none() {
        pod["spec"]["preemptionPolicy"] = json!(policy);
    }
    Verdict::Admit(format!("priority {value} ({from})"))
}

/// The DefaultTolerationSeconds plugin's `Admit`.
pub fn default_tolerations(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let pod = match new_pod(a) {
        Ok(p) => p,
        Err(v) => return v,
    };
    let mut added = Vec::new();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = pod
            .pointer("/spec/tolerations")
            .and_then(Value::as_array)
            .is_some_and(|ts| {
                ts.iter().any(|t| {
                    let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
                    let k = t.get("key").and_then(Value::as_str).unwrap_or("");
                    (k == key || k.is_empty()) && (effect.is_empty() || effect == "NoExecute")
                })
            });
        if tolerated {
            continue;
        }
        if !pod["spec"].get("tolerations").is_some_and(Value::is_array) {
            pod["spec"]["tolerations"] = json!([]);
        }
        if let Some(ts) = pod["spec"]["tolerations"].as_array_mut() {
            ts.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
        added.push(key);
    }
    if added.is_empty() {
        Verdict::Admit("the pod already tolerates unready and unreachable nodes".into())
    } else {
        Verdict::Admit(format!(
            "added 300 s tolerations of {}",
            added.join(" and ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::testing;
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;

    fn store() -> Store {
        let mut s = Store::new(0, 3);
        for obj in [
            json!({"metadata": {"name": "default", "namespace": "blue"}}),
            json!({"metadata": {"name": "quiet", "namespace": "blue"}, "automountServiceAccountToken": false,
                "imagePullSecrets": [{"name": "regcred"}]}),
        ] {
            if s.create("", "serviceaccounts", obj, 0).is_err() {
                panic!("sa");
            }
        }
        if s.create(
            "scheduling.k8s.io",
            "priorityclasses",
            json!({"metadata": {"name": "high"}, "value": 1000}),
            0,
        )
        .is_err()
        {
            panic!("pc");
        }
        s
    }

    fn admit(pod: &mut Value, plugin: crate::sim::admission::plugins::AdmitFn) -> Verdict {
        let user = UserInfo::default();
        let mut a = testing::attrs(
            Operation::Create,
            "POST",
            "/api/v1/namespaces/blue/pods",
            &user,
            Some(pod.clone()),
        );
        let verdict = testing::admit(&mut store(), plugin, &mut a);
        if let Some(changed) = a.object {
            *pod = changed;
        }
        verdict
    }

    fn pod(spec: Value) -> Value {
        json!({"metadata": {"name": "web", "namespace": "blue"}, "spec": spec})
    }

    #[test]
    fn service_account_defaults_mounts_and_refuses_missing_accounts() {
        let mut p = pod(
            json!({"initContainers": [{"name": "i"}], "containers": [{"name": "a"},
            {"name": "b", "volumeMounts": [{"name": "mine", "mountPath": TOKEN_MOUNT_PATH}]}]}),
        );
        assert!(matches!(admit(&mut p, service_account), Verdict::Admit(_)));
        assert_eq!(p["spec"]["serviceAccountName"], "default");
        let vol = p["spec"]["volumes"][0]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(vol.starts_with("kube-api-access-") && vol.len() == "kube-api-access-".len() + 5);
        assert_eq!(
            p["spec"]["initContainers"][0]["volumeMounts"][0]["name"],
            vol.as_str()
        );
        assert_eq!(
            p["spec"]["containers"][0]["volumeMounts"][0]["readOnly"],
            true
        );
        // A container that already mounts something there keeps its own mount only.
        assert_eq!(
            p["spec"]["containers"][1]["volumeMounts"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(
            p["spec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]
                ["expirationSeconds"],
            3607
        );

        let mut q = pod(json!({"serviceAccountName": "quiet", "containers": [{"name": "a"}]}));
        assert!(matches!(admit(&mut q, service_account), Verdict::Admit(_)));
        assert!(
            q["spec"].get("volumes").is_none(),
            "automount is off on the account"
        );
        assert_eq!(q["spec"]["imagePullSecrets"][0]["name"], "regcred");

        let mut r = pod(json!({"serviceAccountName": "ghost", "containers": [{"name": "a"}]}));
        match admit(&mut r, service_account) {
            Verdict::Reject(e) => assert_eq!(
                e.message,
                "pods \"web\" is forbidden: error looking up service account blue/ghost: serviceaccount \"ghost\" not found"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn priority_and_tolerations() {
        let mut p = pod(json!({"priorityClassName": "high", "containers": [{"name": "a"}]}));
        assert!(matches!(admit(&mut p, priority), Verdict::Admit(_)));
        assert_eq!(p["spec"]["priority"], 1000);
        assert_eq!(p["spec"]["preemptionPolicy"], "PreemptLowerPriority");
        let mut q = pod(json!({"priorityClassName": "nope", "containers": [{"name": "a"}]}));
        match admit(&mut q, priority) {
            Verdict::Reject(e) => assert!(
                e.message
                    .ends_with("no PriorityClass with name nope was found"),
                "{}",
                e.message
            ),
            other => panic!("{other:?}"),
        }
        let mut t = pod(
            json!({"tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}],
            "containers": [{"name": "a"}]}),
        );
        assert!(matches!(
            admit(&mut t, default_tolerations),
            Verdict::Admit(_)
        ));
        let keys: Vec<&str> = t["spec"]["tolerations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["key"].as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/not-ready"
            ]
        );
    }
}

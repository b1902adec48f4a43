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

use crate::sim::ptr::Ptr as _;
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
    match a.object_mut() {
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
    if is_mirror(pod) {
        // A mirror pod is never changed, only checked.
        return match service_account_validate(ctx, a) {
            Verdict::Reject(e) => Verdict::Reject(e),
            _ => Verdict::Admit(
                "a mirror pod: left as it is, and it references no account or secret".into(),
            ),
        };
    }
    let pod_name = pod
        .ptr("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let account = match pod.ptr("/spec/serviceAccountName").and_then(Value::as_str) {
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
        .ptr("/spec/imagePullSecrets")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        if let Some(secrets) = sa
            .field("imagePullSecrets")
            .filter(|s| s.as_array().is_some_and(|a| !a.is_empty()))
        {
            pod["spec"]["imagePullSecrets"] = secrets.clone();
            changes.push("copied the account's imagePullSecrets".into());
        }
    }
    let automount = pod
        .ptr("/spec/automountServiceAccountToken")
        .and_then(Value::as_bool)
        .or_else(|| {
            sa.field("automountServiceAccountToken")
                .and_then(Value::as_bool)
        })
        .unwrap_or(true);
    if !automount {
        changes.push("automountServiceAccountToken is false: no token volume".into());
        return Verdict::Admit(changes.join("; ").into());
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
                    .field("volumeMounts")
                    .and_then(Value::as_array)
                    .is_some_and(|m| {
                        m.iter().any(|v| {
                            v.field("mountPath").and_then(Value::as_str) == Some(TOKEN_MOUNT_PATH)
                        })
                    });
                if !has {
                    if !c.field("volumeMounts").is_some_and(Value::is_array) {
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
        let volume = token_volume(&volume_name);
        if !pod["spec"].field("volumes").is_some_and(Value::is_array) {
            pod["spec"]["volumes"] = json!([]);
        }
        if let Some(v) = pod["spec"]["volumes"].as_array_mut() {
            v.push(volume);
        }
        changes.push(format!(
            "mounted volume {volume_name} (a token for {account}, the cluster CA, the namespace) at {TOKEN_MOUNT_PATH}"
        ));
    }
    // Upstream's Admit ends in its own Validate.
    if let Verdict::Reject(e) = service_account_validate(ctx, a) {
        return Verdict::Reject(e);
    }
    Verdict::Admit(changes.join("; ").into())
}

/// The projected volume behind every container's token mount, named for the pod: a bound
/// token, the cluster CA from `kube-root-ca.crt`, and the namespace.
fn token_volume(name: &str) -> Value {
    // Built once and copied (a copy of a JSON object costs less than building one).
    static TEMPLATE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let mut volume = TEMPLATE
        .get_or_init(|| {
            json!({
                "name": "",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
                    ],
                },
            })
        })
        .clone();
    volume["name"] = Value::String(name.to_string());
    volume
}

fn is_mirror(pod: &Value) -> bool {
    pod.ptr("/metadata/annotations/kubernetes.io~1config.mirror")
        .is_some()
}

/// The names of the secrets a pod refers to (volumes, projected volumes, env, envFrom, image
/// pull secrets), as `VisitPodSecretNames` finds them.
fn secret_names(pod: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(n) = v.and_then(Value::as_str).filter(|n| !n.is_empty()) {
            out.push(n.to_string());
        }
    };
    for s in pod
        .ptr("/spec/imagePullSecrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        push(s.field("name"));
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in pod
            .ptr(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for e in c
                .field("envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                push(e.ptr("/secretRef/name"));
            }
            for e in c
                .field("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                push(e.ptr("/valueFrom/secretKeyRef/name"));
            }
        }
    }
    for v in pod
        .ptr("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        push(v.ptr("/secret/secretName"));
        for src in v
            .ptr("/projected/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            push(src.ptr("/secret/name"));
        }
        for key in [
            "azureFile",
            "cephfs",
            "cinder",
            "flexVolume",
            "rbd",
            "scaleIO",
            "iscsi",
            "storageos",
            "csi",
        ] {
            push(
                v.ptr(&format!("/{key}/secretRef/name"))
                    .or_else(|| v.ptr(&format!("/{key}/secretName"))),
            );
        }
    }
    out
}

/// The ServiceAccount plugin's `Validate`.
pub fn service_account_validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.group.is_empty()
        || a.resource != "pods"
        || !(a.subresource.is_empty() || a.subresource == "ephemeralcontainers")
    {
        return Verdict::Skip("only looks at pods".into());
    }
    if a.operation != Operation::Create {
        return Verdict::Skip("checks pods only when they are created".into());
    }
    let Some(pod) = a.object.as_ref() else {
        return Verdict::Skip("no pod".into());
    };
    let s = |p: &str| pod.ptr(p).and_then(Value::as_str).unwrap_or("").to_string();
    if is_mirror(pod) {
        if !s("/spec/serviceAccountName").is_empty() {
            return Verdict::Reject(a.forbidden("a mirror pod may not reference service accounts"));
        }
        if !secret_names(pod).is_empty() {
            return Verdict::Reject(a.forbidden("a mirror pod may not reference secrets"));
        }
        let projects_token = pod
            .ptr("/spec/volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.ptr("/projected/sources").and_then(Value::as_array))
            .flatten()
            .any(|src| src.field("serviceAccountToken").is_some());
        if projects_token {
            return Verdict::Reject(
                a.forbidden("a mirror pod may not use ServiceAccountToken volume projections"),
            );
        }
        return Verdict::Admit("a mirror pod that references no account, secret or token".into());
    }
    let account = s("/spec/serviceAccountName");
    if account.is_empty() {
        return Verdict::Reject(a.forbidden(&format!(
            "no service account specified for pod {}/{}",
            a.namespace,
            s("/metadata/name")
        )));
    }
    let Some(sa) = ctx.store.get("", "serviceaccounts", &a.namespace, &account) else {
        return Verdict::Reject(a.forbidden(&format!(
            "error looking up service account {}/{account}: serviceaccount \"{account}\" not found",
            a.namespace
        )));
    };
    let enforced = sa
        .ptr("/metadata/annotations/kubernetes.io~1enforce-mountable-secrets")
        .and_then(Value::as_str)
        == Some("true");
    if !enforced {
        return Verdict::Admit(format!("service account {account} exists").into());
    }
    let listed = |field: &str| -> Vec<String> {
        sa.get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.field("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let (mountable, pullable) = (listed("secrets"), listed("imagePullSecrets"));
    let refuse = |m: String| Verdict::Reject(a.forbidden(&m));
    for v in pod
        .ptr("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = v.ptr("/secret/secretName").and_then(Value::as_str) {
            if !mountable.iter().any(|m| m == name) {
                return refuse(format!("volume with secret.secretName=\"{name}\" is not allowed because service account {account} does not reference that secret"));
            }
        }
    }
    for (list, what) in [
        ("initContainers", "init container"),
        ("containers", "container"),
    ] {
        for c in pod
            .ptr(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for e in c
                .field("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = e
                    .ptr("/valueFrom/secretKeyRef/name")
                    .and_then(Value::as_str)
                {
                    if !mountable.iter().any(|m| m == name) {
                        let cname = c.field("name").and_then(Value::as_str).unwrap_or("");
                        let env = e.field("name").and_then(Value::as_str).unwrap_or("");
                        return refuse(format!("{what} {cname} with envVar {env} referencing secret.secretName=\"{name}\" is not allowed because service account {account} does not reference that secret"));
                    }
                }
            }
        }
    }
    for (i, r) in pod
        .ptr("/spec/imagePullSecrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = r.field("name").and_then(Value::as_str).unwrap_or("");
        if !pullable.iter().any(|m| m == name) {
            return refuse(format!("imagePullSecrets[{i}].name=\"{name}\" is not allowed because service account {account} does not reference that imagePullSecret"));
        }
    }
    Verdict::Admit(format!(
        "service account {account} exists, and the pod uses only the secrets it lists (kubernetes.io/enforce-mountable-secrets)"
    ).into())
}

/// The PriorityClass used when a pod names none: the lowest-valued of the global defaults.
fn default_priority_class<'s>(ctx: &'s Context<'_>) -> Option<&'s Value> {
    ctx.store
        .list("scheduling.k8s.io", "priorityclasses", None)
        .filter(|c| c.field("globalDefault").and_then(Value::as_bool) == Some(true))
        .min_by_key(|c| c.field("value").and_then(Value::as_i64).unwrap_or(0))
}

/// The Priority plugin's `Admit`: a new pod's priority comes from its PriorityClass; an update
/// keeps the priority the pod was given.
pub fn priority(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("pods") {
        return Verdict::Skip("only sets the priority of pods".into());
    }
    if a.operation == Operation::Update {
        let old = a.old_object.clone().unwrap_or_default();
        let Some(pod) = a.object_mut() else {
            return Verdict::Skip("no pod".into());
        };
        let mut kept = Vec::new();
        for field in ["priority", "preemptionPolicy"] {
            if pod["spec"].get(field).is_none_or(Value::is_null) {
                if let Some(v) = old.ptr(&format!("/spec/{field}")) {
                    pod["spec"][field] = v.clone();
                    kept.push(field);
                }
            }
        }
        return Verdict::Admit(if kept.is_empty() {
            "an update keeps the pod's priority".into()
        } else {
            format!("kept the stored {}", kept.join(" and ")).into()
        });
    }
    if a.operation != Operation::Create {
        return Verdict::Skip("only pods being created or updated".into());
    }
    let Some(pod) = a.object.as_ref() else {
        return Verdict::Skip("no pod".into());
    };
    let class_name = pod
        .ptr("/spec/priorityClassName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let (name, value, policy, from) = if class_name.is_empty() {
        match default_priority_class(ctx) {
            Some(c) => {
                let n = crate::sim::store::name_of(c).to_string();
                (
                    n.clone(),
                    c.field("value").and_then(Value::as_i64).unwrap_or(0),
                    c.field("preemptionPolicy")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    format!("the global default PriorityClass {n}"),
                )
            }
            None => (
                String::new(),
                0,
                Some("PreemptLowerPriority".to_string()),
                "no PriorityClass and no global default: 0".into(),
            ),
        }
    } else {
        match ctx
            .store
            .get("scheduling.k8s.io", "priorityclasses", "", &class_name)
        {
            Some(c) => (
                class_name.clone(),
                c.field("value").and_then(Value::as_i64).unwrap_or(0),
                c.field("preemptionPolicy")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                format!("PriorityClass {class_name}"),
            ),
            None => {
                return Verdict::Reject(a.forbidden(&format!(
                    "no PriorityClass with name {class_name} was found"
                )))
            }
        }
    };
    if let Some(given) = pod.ptr("/spec/priority").and_then(Value::as_i64) {
        if given != value {
            return Verdict::Reject(a.forbidden(&format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name")));
        }
    }
    if let (Some(given), Some(want)) = (
        pod.ptr("/spec/preemptionPolicy").and_then(Value::as_str),
        policy.as_deref(),
    ) {
        if given != want {
            return Verdict::Reject(a.forbidden(&format!("the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {want} from the given PriorityClass name")));
        }
    }
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    if class_name.is_empty() && !name.is_empty() {
        pod["spec"]["priorityClassName"] = json!(name);
    }
    pod["spec"]["priority"] = json!(value);
    if let Some(policy) = policy {
        pod["spec"]["preemptionPolicy"] = json!(policy);
    }
    Verdict::Admit(format!("priority {value} ({from})").into())
}

/// The Priority plugin's `Validate`: only one PriorityClass may be the global default.
pub fn priority_class_validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if a.group != "scheduling.k8s.io"
        || a.resource != "priorityclasses"
        || !a.subresource.is_empty()
    {
        return Verdict::Skip("only checks PriorityClasses".into());
    }
    let Some(pc) = a.object.as_ref() else {
        return Verdict::Skip("no PriorityClass".into());
    };
    if pc.field("globalDefault").and_then(Value::as_bool) != Some(true) {
        return Verdict::Admit("not a global default".into());
    }
    let name = crate::sim::store::name_of(pc).to_string();
    if let Some(existing) = default_priority_class(ctx) {
        let other = crate::sim::store::name_of(existing).to_string();
        if a.operation == Operation::Create || other != name {
            return Verdict::Reject(a.forbidden(&format!(
                "PriorityClass {other} is already marked as default. Only one default can exist"
            )));
        }
    }
    Verdict::Admit("the only global default PriorityClass".into())
}

/// The DefaultTolerationSeconds plugin's `Admit`: pods tolerate unready and unreachable
/// nodes for `--default-not-ready-toleration-seconds` and
/// `--default-unreachable-toleration-seconds` (300 s each unless set).
pub fn default_tolerations(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("pods") {
        return Verdict::Skip("only looks at pods".into());
    }
    let seconds = |flag: &str| {
        ctx.control_plane
            .arg(flag)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(300)
    };
    let wanted = [
        (
            "node.kubernetes.io/not-ready",
            seconds("default-not-ready-toleration-seconds"),
        ),
        (
            "node.kubernetes.io/unreachable",
            seconds("default-unreachable-toleration-seconds"),
        ),
    ];
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let mut added = Vec::new();
    for (key, secs) in wanted {
        let tolerated = pod
            .ptr("/spec/tolerations")
            .and_then(Value::as_array)
            .is_some_and(|ts| {
                ts.iter().any(|t| {
                    let effect = t.field("effect").and_then(Value::as_str).unwrap_or("");
                    let k = t.field("key").and_then(Value::as_str).unwrap_or("");
                    (k == key || k.is_empty()) && (effect.is_empty() || effect == "NoExecute")
                })
            });
        if tolerated {
            continue;
        }
        if !pod["spec"]
            .field("tolerations")
            .is_some_and(Value::is_array)
        {
            pod["spec"]["tolerations"] = json!([]);
        }
        if let Some(ts) = pod["spec"]["tolerations"].as_array_mut() {
            ts.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": secs}));
        }
        added.push(format!("{key} for {secs} s"));
    }
    if added.is_empty() {
        Verdict::Admit("the pod already tolerates unready and unreachable nodes".into())
    } else {
        Verdict::Admit(format!("added tolerations of {}", added.join(" and ")).into())
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
            json!({"metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "PreemptLowerPriority"}),
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
            q["spec"].field("volumes").is_none(),
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

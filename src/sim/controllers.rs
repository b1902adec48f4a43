//! Controllers that react to what a request changed, before the next request arrives (the
//! simulated cluster has no wall clock: time "passes" between requests).
//!
//! The namespace controller (kube-controller-manager's `namespace` controller): for a
//! namespace being deleted (phase Terminating) it deletes everything inside it. Objects
//! with finalizers only get a deletionTimestamp and keep the namespace Terminating, with
//! the upstream conditions saying what remains; once nothing is left it removes its
//! `kubernetes` finalizer (the `finalize` subresource) and the namespace goes.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::authn::serviceaccount::ServiceAccounts;
use super::clock::{format_rfc3339, Instant};
use super::controlplane::ControlPlane;
use super::discovery;
use super::store::{finalizers, name_of, name_suffix, Store};

/// The finalizer the namespace controller owns (`spec.finalizers`).
pub const NAMESPACE_FINALIZER: &str = "kubernetes";

/// Runs the namespace controller over every Terminating namespace; returns one line per
/// namespace saying what it did (for the request's trace).
pub fn namespace_controller(store: &mut Store, minor: u32, now: Instant) -> Vec<String> {
    let terminating: Vec<String> = store
        .list("", "namespaces", None)
        .filter(|ns| ns.ptr("/status/phase").and_then(Value::as_str) == Some("Terminating"))
        .map(|ns| name_of(ns).to_string())
        .collect();
    terminating
        .iter()
        .map(|ns| finalize_namespace(store, minor, now, ns))
        .collect()
}

fn finalize_namespace(store: &mut Store, minor: u32, now: Instant, ns: &str) -> String {
    let mut removed = 0usize;
    // "pods." → count, finalizer → count: what stays behind.
    let mut remaining: BTreeMap<String, usize> = BTreeMap::new();
    let mut held_by: BTreeMap<String, usize> = BTreeMap::new();
    let resources: Vec<_> = discovery::resources(minor)
        .filter(|r| r.namespaced && !r.is_subresource())
        .copied()
        .collect();
    for r in resources {
        let names: Vec<String> = store
            .list(r.group, r.name, Some(ns))
            .map(|o| name_of(o).to_string())
            .collect();
        for name in names {
            match store.delete_or_mark(r.group, r.name, ns, &name, now) {
                Ok((_, true)) => removed += 1,
                Ok((obj, false)) => {
                    *remaining
                        .entry(format!("{}.{}", r.name, r.group))
                        .or_default() += 1;
                    for f in finalizers(&obj) {
                        *held_by.entry(f.to_string()).or_default() += 1;
                    }
                }
                Err(_) => {}
            }
        }
    }
    let Some(mut namespace) = store.get("", "namespaces", "", ns).cloned() else {
        return format!("namespace {ns}: already gone");
    };
    if remaining.is_empty() {
        // Finalize: take the controller's finalizer off; with no other finalizer the
        // namespace is removed.
        if let Some(list) = namespace
            .ptr_mut("/spec/finalizers")
            .and_then(Value::as_array_mut)
        {
            list.retain(|f| f != NAMESPACE_FINALIZER);
        }
        let spec_done = namespace
            .ptr("/spec/finalizers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        if spec_done && finalizers(&namespace).is_empty() {
            let _ = store.delete("", "namespaces", "", ns);
            return format!(
                "namespace controller: deleted {removed} object(s) in {ns}, removed the \"kubernetes\" finalizer; the namespace is gone"
            );
        }
        let _ = store.update("", "namespaces", strip_rv(namespace));
        return format!(
            "namespace controller: deleted {removed} object(s) in {ns}; the namespace waits for its other finalizers"
        );
    }
    let stamp = format_rfc3339(now);
    let condition = |kind: &str, status: &str, reason: &str, message: String| json!({"type": kind, "status": status, "lastTransitionTime": stamp, "reason": reason, "message": message});
    let what: Vec<String> = remaining
        .iter()
        .map(|(gr, n)| format!("{gr} has {n} resource instances"))
        .collect();
    let mut conditions = vec![
        condition(
            "NamespaceDeletionDiscoveryFailure",
            "False",
            "ResourcesDiscovered",
            "All resources successfully discovered".into(),
        ),
        condition(
            "NamespaceDeletionGroupVersionParsingFailure",
            "False",
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed".into(),
        ),
        condition(
            "NamespaceDeletionContentFailure",
            "False",
            "ContentDeleted",
            "All content successfully deleted, may be waiting on finalization".into(),
        ),
        condition(
            "NamespaceContentRemaining",
            "True",
            "SomeResourcesRemain",
            format!("Some resources are remaining: {}", what.join(", ")),
        ),
    ];
    if held_by.is_empty() {
        conditions.push(condition(
            "NamespaceFinalizersRemaining",
            "False",
            "ContentHasNoFinalizers",
            "All content-preserving finalizers finished".into(),
        ));
    } else {
        let by: Vec<String> = held_by
            .iter()
            .map(|(f, n)| format!("{f} in {n} resource instances"))
            .collect();
        conditions.push(condition(
            "NamespaceFinalizersRemaining",
            "True",
            "SomeFinalizersRemain",
            format!(
                "Some content in the namespace has finalizers remaining: {}",
                by.join(", ")
            ),
        ));
    }
    let unchanged = namespace.ptr("/status/conditions").is_some_and(|old| {
        // Only the transition times would differ: keep the stored object as it is.
        let strip = |v: &Value| {
            let mut v = v.clone();
            for c in v.as_array_mut().into_iter().flatten() {
                if let Some(m) = c.as_object_mut() {
                    m.remove("lastTransitionTime");
                }
            }
            v
        };
        strip(old) == strip(&Value::Array(conditions.clone()))
    });
    if !unchanged {
        namespace["status"]["conditions"] = Value::Array(conditions);
        let _ = store.update("", "namespaces", strip_rv(namespace));
    }
    format!(
        "namespace controller: deleted {removed} object(s) in {ns}; {ns} stays Terminating: {}",
        what.join(", ")
    )
}

/// The signer kube-controller-manager runs for client certificates.
pub const CLIENT_SIGNER: &str = "kubernetes.io/kube-apiserver-client";
/// `--cluster-signing-duration` (a year).
const SIGNING_DURATION: i64 = 365 * 24 * 3600;

/// The `csrsigning` controller: an approved `kubernetes.io/kube-apiserver-client` request
/// gets a client certificate signed by the cluster CA (`--cluster-signing-cert-file` and
/// `-key-file` are kubeadm's ca.crt and ca.key), for `spec.expirationSeconds` or a year.
pub fn csr_signer(store: &mut Store, cp: &ControlPlane, now: Instant) -> Vec<String> {
    use crate::sim::b64::STANDARD;
    let group = "certificates.k8s.io";
    let mut notes = Vec::new();
    let pending: Vec<Value> = store
        .list(group, "certificatesigningrequests", None)
        .filter(|c| {
            let has = |t: &str| {
                c.ptr("/status/conditions")
                    .and_then(Value::as_array)
                    .is_some_and(|cs| {
                        cs.iter()
                            .any(|x| x.get("type").and_then(Value::as_str) == Some(t))
                    })
            };
            has("Approved")
                && !has("Denied")
                && !has("Failed")
                && c.ptr("/status/certificate").is_none()
                && c.ptr("/spec/signerName").and_then(Value::as_str) == Some(CLIENT_SIGNER)
        })
        .cloned()
        .collect();
    let (Some(ca_crt), Some(ca_key)) = (
        cp.files.get(super::controlplane::CA_PATH),
        cp.files.get("/etc/kubernetes/pki/ca.key"),
    ) else {
        return notes;
    };
    for csr in pending {
        let name = name_of(&csr).to_string();
        let pem = csr
            .ptr("/spec/request")
            .and_then(Value::as_str)
            .and_then(|b| STANDARD.decode(b).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let Ok(request) = super::certs::parse_request(&pem) else {
            continue;
        };
        let seconds = csr
            .ptr("/spec/expirationSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(SIGNING_DURATION)
            .min(SIGNING_DURATION);
        let serial = store.revision() + 1000;
        match super::certs::issue_client_certificate(&request, ca_crt, ca_key, now, seconds, serial)
        {
            Ok(cert) => {
                let mut signed = csr.clone();
                signed["status"]["certificate"] = json!(STANDARD.encode(cert));
                let _ = store.update(group, "certificatesigningrequests", strip_rv(signed));
                notes.push(format!(
                    "csrsigning controller: signed a client certificate for CN={} (O={}) with the cluster CA, valid {}",
                    request.common_name,
                    request.organizations.join(","),
                    super::clock::human_duration(seconds)
                ));
            }
            Err(e) => notes.push(format!("csrsigning controller: could not sign {name}: {e}")),
        }
    }
    notes
}

/// The Secret type of service-account token Secrets.
pub const SA_TOKEN_TYPE: &str = "kubernetes.io/service-account-token";
const SA_NAME_ANNOTATION: &str = "kubernetes.io/service-account.name";
const SA_UID_ANNOTATION: &str = "kubernetes.io/service-account.uid";

/// The tokens controller (kube-controller-manager's `serviceaccount-token`): fills
/// `kubernetes.io/service-account-token` Secrets with a legacy token, the cluster CA and the
/// namespace; deletes the ones whose service account is gone; and before v1.24 gives every
/// service account such a Secret of its own (`<name>-token-xxxxx`, listed in `.secrets`).
pub fn token_controller(
    store: &mut Store,
    minor: u32,
    now: Instant,
    keys: Option<&ServiceAccounts>,
    ca_pem: &str,
) -> Vec<String> {
    use crate::sim::b64::STANDARD;
    let mut notes = Vec::new();
    let Some(keys) = keys else {
        return notes;
    };
    if minor < 24 {
        let accounts: Vec<Value> = store.list("", "serviceaccounts", None).cloned().collect();
        for sa in accounts {
            if sa
                .get("secrets")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty())
            {
                continue;
            }
            let (ns, name) = (
                sa.ptr("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                name_of(&sa).to_string(),
            );
            let secret_name = format!("{name}-token-{}", name_suffix(&format!("{ns}/{name}")));
            let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": SA_TOKEN_TYPE,
                "metadata": {"name": secret_name, "namespace": ns,
                    "annotations": {SA_NAME_ANNOTATION: name}}});
            if store.create("", "secrets", secret, now).is_ok() {
                let mut updated = sa.clone();
                updated["secrets"] = json!([{"name": secret_name}]);
                let _ = store.update("", "serviceaccounts", strip_rv(updated));
                notes.push(format!(
                    "tokens controller: created Secret {ns}/{secret_name} for service account {name} (before v1.24 every service account gets one)"
                ));
            }
        }
    }
    let secrets: Vec<Value> = store
        .list("", "secrets", None)
        .filter(|s| s.get("type").and_then(Value::as_str) == Some(SA_TOKEN_TYPE))
        .cloned()
        .collect();
    for secret in secrets {
        let ns = secret
            .ptr("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let secret_name = name_of(&secret).to_string();
        let sa_name = secret
            .ptr("/metadata/annotations")
            .and_then(|a| a.get(SA_NAME_ANNOTATION))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let Some(sa) = store.get("", "serviceaccounts", &ns, &sa_name).cloned() else {
            let _ = store.delete("", "secrets", &ns, &secret_name);
            notes.push(format!(
                "tokens controller: deleted Secret {ns}/{secret_name}: service account {sa_name:?} does not exist"
            ));
            continue;
        };
        let sa_uid = sa
            .ptr("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let recorded_uid = secret
            .ptr("/metadata/annotations")
            .and_then(|a| a.get(SA_UID_ANNOTATION))
            .and_then(Value::as_str);
        if recorded_uid.is_some_and(|u| u != sa_uid) {
            let _ = store.delete("", "secrets", &ns, &secret_name);
            notes.push(format!(
                "tokens controller: deleted Secret {ns}/{secret_name}: it belonged to an earlier service account {sa_name:?}"
            ));
            continue;
        }
        if secret.ptr("/data/token").is_some() {
            continue;
        }
        let claims = ServiceAccounts::legacy_claims(&ns, &secret_name, &sa_name, &sa_uid);
        let Ok(token) = keys.sign(&claims) else {
            continue;
        };
        let mut filled = secret.clone();
        filled["metadata"]["annotations"][SA_UID_ANNOTATION] = json!(sa_uid);
        if !filled.get("data").is_some_and(Value::is_object) {
            filled["data"] = json!({});
        }
        filled["data"]["ca.crt"] = json!(STANDARD.encode(ca_pem));
        filled["data"]["namespace"] = json!(STANDARD.encode(&ns));
        filled["data"]["token"] = json!(STANDARD.encode(&token));
        let _ = store.put_system("", "secrets", filled);
        notes.push(format!(
            "tokens controller: wrote a token for service account {ns}/{sa_name} into Secret {secret_name}"
        ));
    }
    notes
}

/// An object to write back without a resourceVersion precondition.
fn strip_rv(mut obj: Value) -> Value {
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    obj
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(ns: &str) -> Store {
        let mut s = Store::new(0, 1);
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        if s.create("", "namespaces", namespace, 0).is_err() {
            panic!("namespace");
        }
        s
    }

    fn put(s: &mut Store, group: &str, resource: &str, obj: Value) {
        if let Err(e) = s.create(group, resource, obj, 0) {
            panic!("{}", e.message);
        }
    }

    fn terminate(s: &mut Store, ns: &str) {
        let Some(mut n) = s.get("", "namespaces", "", ns).cloned() else {
            panic!("no namespace {ns}");
        };
        n["status"]["phase"] = json!("Terminating");
        n["metadata"]["deletionTimestamp"] = json!("1970-01-01T00:00:00Z");
        if s.update("", "namespaces", n).is_err() {
            panic!("update");
        }
    }

    #[test]
    fn empties_and_removes_a_terminating_namespace() {
        let mut s = store_with("gone");
        put(
            &mut s,
            "",
            "pods",
            json!({"metadata": {"name": "a", "namespace": "gone"}}),
        );
        put(
            &mut s,
            "",
            "configmaps",
            json!({"metadata": {"name": "c", "namespace": "gone"}}),
        );
        assert!(namespace_controller(&mut s, 37, 10).is_empty());
        terminate(&mut s, "gone");
        let notes = namespace_controller(&mut s, 37, 10);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("deleted 2 object(s)"), "{}", notes[0]);
        assert!(s.get("", "namespaces", "", "gone").is_none());
        assert_eq!(s.list("", "pods", Some("gone")).count(), 0);
    }

    #[test]
    fn content_with_finalizers_keeps_it_terminating_with_upstream_conditions() {
        let mut s = store_with("stuck");
        put(
            &mut s,
            "",
            "configmaps",
            json!({"metadata": {"name": "held", "namespace": "stuck", "finalizers": ["example.com/block"]}}),
        );
        put(
            &mut s,
            "",
            "pods",
            json!({"metadata": {"name": "p", "namespace": "stuck"}}),
        );
        terminate(&mut s, "stuck");
        namespace_controller(&mut s, 37, 10);
        let Some(ns) = s.get("", "namespaces", "", "stuck").cloned() else {
            panic!("the namespace should remain");
        };
        let conds = ns["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let by_type = |t: &str| {
            conds
                .iter()
                .find(|c| c["type"] == t)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            by_type("NamespaceContentRemaining")["message"],
            "Some resources are remaining: configmaps. has 1 resource instances"
        );
        assert_eq!(
            by_type("NamespaceFinalizersRemaining")["message"],
            "Some content in the namespace has finalizers remaining: example.com/block in 1 resource instances"
        );
        assert_eq!(
            by_type("NamespaceDeletionContentFailure")["reason"],
            "ContentDeleted"
        );
        assert_eq!(s.list("", "pods", Some("stuck")).count(), 0);
        let held = s
            .get("", "configmaps", "stuck", "held")
            .cloned()
            .unwrap_or_default();
        assert!(held["metadata"]["deletionTimestamp"].is_string());
        // Running again without change writes nothing new.
        let rv = s.revision();
        namespace_controller(&mut s, 37, 20);
        assert_eq!(s.revision(), rv);
        // Removing the finalizer releases the object; the next pass finalizes the namespace.
        let mut released = held.clone();
        released["metadata"]["finalizers"] = json!([]);
        if s.update("", "configmaps", released).is_err() {
            panic!("update");
        }
        namespace_controller(&mut s, 37, 30);
        assert!(s.get("", "namespaces", "", "stuck").is_none());
    }
}

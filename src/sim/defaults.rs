//! Defaulting: the fields the API server fills in when it decodes an object, before admission
//! (upstream's `SetDefaults_*` functions for the modelled kinds).
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/#defaulting>.

use serde_json::{json, Value};

use super::discovery::ApiResource;

fn set_if_missing(obj: &mut Value, key: &str, value: Value) {
    if let Some(m) = obj.as_object_mut() {
        m.entry(key.to_string()).or_insert(value);
    }
}

/// `imagePullPolicy` defaults to `Always` for `:latest` or untagged images, else `IfNotPresent`.
pub fn image_pull_policy(image: &str) -> &'static str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    match last.split_once(':') {
        Some((_, "latest")) | None if !image.contains('@') => "Always",
        _ => "IfNotPresent",
    }
}

/// Applies the defaults of the object's kind.
pub fn apply(obj: &mut Value, res: &ApiResource) {
    match (res.group, res.name) {
        ("", "pods") => pod(obj),
        ("", "namespaces") => namespace(obj),
        ("", "secrets") => set_if_missing(obj, "type", json!("Opaque")),
        _ => {}
    }
}

/// A namespace is labelled with its own name, finalized by the namespace controller, and
/// Active until deleted (defaulting plus the namespace strategy's PrepareForCreate).
fn namespace(obj: &mut Value) {
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let labels = meta.entry("labels").or_insert_with(|| json!({}));
        if let Some(l) = labels.as_object_mut() {
            l.insert("kubernetes.io/metadata.name".into(), json!(name));
        }
    }
    if obj.pointer("/spec/finalizers").is_none() {
        obj["spec"] = json!({"finalizers": ["kubernetes"]});
    }
    if obj.pointer("/status/phase").is_none() {
        obj["status"] = json!({"phase": "Active"});
    }
}

fn pod(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec") else {
        return;
    };
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers {
                let image = c
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                set_if_missing(c, "imagePullPolicy", json!(image_pull_policy(&image)));
                set_if_missing(c, "resources", json!({}));
                set_if_missing(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_if_missing(c, "terminationMessagePolicy", json!("File"));
            }
        }
    }
    set_if_missing(spec, "dnsPolicy", json!("ClusterFirst"));
    set_if_missing(spec, "enableServiceLinks", json!(true));
    set_if_missing(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    set_if_missing(spec, "priority", json!(0));
    set_if_missing(spec, "restartPolicy", json!("Always"));
    set_if_missing(spec, "schedulerName", json!("default-scheduler"));
    set_if_missing(spec, "securityContext", json!({}));
    set_if_missing(spec, "terminationGracePeriodSeconds", json!(30));
    // No scheduler or kubelet runs in the simulation: a new pod stays Pending.
    if obj
        .get("status")
        .is_none_or(|st| st.as_object().is_none_or(|m| m.is_empty()))
    {
        obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(image_pull_policy("nginx"), "Always");
        assert_eq!(image_pull_policy("nginx:latest"), "Always");
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(image_pull_policy("localhost:5000/app:v1"), "IfNotPresent");
        assert_eq!(image_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }
}

//! Defaulting: the fields the API server fills in when it decodes an object, before admission
//! (upstream's `SetDefaults_*` functions for the modelled kinds).
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/#defaulting>.

use crate::sim::ptr::Ptr as _;
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

/// A Secret's `stringData` is write-only: converting to the stored form merges it into `data`
/// (base64, overriding keys there) and drops it.
fn string_data(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    let Some(Value::Object(strings)) = map.remove("stringData") else {
        return;
    };
    let data = map.entry("data").or_insert_with(|| json!({}));
    if !data.is_object() {
        *data = json!({});
    }
    if let Some(data) = data.as_object_mut() {
        for (k, v) in strings {
            let text = v.as_str().unwrap_or("");
            data.insert(k, json!(crate::sim::b64::STANDARD.encode(text)));
        }
    }
}

/// A webhook configuration's v1 defaults (`admissionregistration/v1/defaults.go`): Fail,
/// Equivalent, selectors that select everything, 10 s, Never, scope `*`, port 443.
fn webhooks(obj: &mut Value, mutating: bool) {
    let Some(hooks) = obj.get_mut("webhooks").and_then(Value::as_array_mut) else {
        return;
    };
    for hook in hooks.iter_mut().filter(|h| h.is_object()) {
        set_if_missing(hook, "failurePolicy", json!("Fail"));
        set_if_missing(hook, "matchPolicy", json!("Equivalent"));
        set_if_missing(hook, "namespaceSelector", json!({}));
        set_if_missing(hook, "objectSelector", json!({}));
        set_if_missing(hook, "timeoutSeconds", json!(10));
        if mutating {
            set_if_missing(hook, "reinvocationPolicy", json!("Never"));
        }
        if let Some(rules) = hook.get_mut("rules").and_then(Value::as_array_mut) {
            for rule in rules.iter_mut().filter(|r| r.is_object()) {
                set_if_missing(rule, "scope", json!("*"));
            }
        }
        if let Some(svc) = hook
            .get_mut("clientConfig")
            .and_then(|c| c.get_mut("service"))
            .filter(|s| s.is_object())
        {
            set_if_missing(svc, "port", json!(443));
        }
    }
}

/// `MatchResources` defaults (a policy's `matchConstraints`, a binding's `matchResources`):
/// Equivalent, selectors that select everything, rules of scope `*`.
fn match_resources(m: &mut Value) {
    if !m.is_object() {
        return;
    }
    set_if_missing(m, "matchPolicy", json!("Equivalent"));
    set_if_missing(m, "namespaceSelector", json!({}));
    set_if_missing(m, "objectSelector", json!({}));
    for key in ["resourceRules", "excludeResourceRules"] {
        if let Some(rules) = m.get_mut(key).and_then(Value::as_array_mut) {
            for rule in rules.iter_mut().filter(|r| r.is_object()) {
                set_if_missing(rule, "scope", json!("*"));
            }
        }
    }
}

/// An admission policy's defaults (`admissionregistration/v1/defaults.go`): failurePolicy
/// Fail, and its match constraints'.
fn admission_policy(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").filter(|s| s.is_object()) else {
        return;
    };
    set_if_missing(spec, "failurePolicy", json!("Fail"));
    if let Some(m) = spec.get_mut("matchConstraints") {
        match_resources(m);
    }
}

/// An admission policy binding's defaults: its matchResources', when it has them.
fn admission_policy_binding(obj: &mut Value) {
    if let Some(m) = obj
        .get_mut("spec")
        .and_then(|s| s.get_mut("matchResources"))
    {
        match_resources(m);
    }
}

/// Applies the defaults of the object's kind.
pub fn apply(obj: &mut Value, res: &ApiResource) {
    match (res.group, res.name) {
        ("", "pods") => pod(obj),
        ("", "namespaces") => namespace(obj),
        ("", "secrets") => {
            set_if_missing(obj, "type", json!("Opaque"));
            string_data(obj);
        }
        ("", "services") => service(obj),
        (
            "admissionregistration.k8s.io",
            r @ ("mutatingwebhookconfigurations" | "validatingwebhookconfigurations"),
        ) => webhooks(obj, r == "mutatingwebhookconfigurations"),
        (
            "admissionregistration.k8s.io",
            "validatingadmissionpolicies" | "mutatingadmissionpolicies",
        ) => admission_policy(obj),
        (
            "admissionregistration.k8s.io",
            "validatingadmissionpolicybindings" | "mutatingadmissionpolicybindings",
        ) => admission_policy_binding(obj),
        ("scheduling.k8s.io", "priorityclasses") => {
            set_if_missing(obj, "preemptionPolicy", json!("PreemptLowerPriority"));
        }
        ("", "limitranges") => limit_range(obj),
        ("", "persistentvolumeclaims") => {
            if let Some(spec) = obj.get_mut("spec") {
                set_if_missing(spec, "volumeMode", json!("Filesystem"));
            }
        }
        ("storage.k8s.io", "storageclasses") => {
            set_if_missing(obj, "reclaimPolicy", json!("Delete"));
            set_if_missing(obj, "volumeBindingMode", json!("Immediate"));
        }
        ("apps", "deployments") => {
            workload(obj);
            if let Some(spec) = obj.get_mut("spec") {
                set_if_missing(spec, "replicas", json!(1));
                set_if_missing(spec, "revisionHistoryLimit", json!(10));
                set_if_missing(spec, "progressDeadlineSeconds", json!(600));
                rolling(
                    spec,
                    "strategy",
                    &[("maxSurge", json!("25%")), ("maxUnavailable", json!("25%"))],
                );
            }
        }
        ("apps", "replicasets") => {
            workload(obj);
            if let Some(spec) = obj.get_mut("spec") {
                set_if_missing(spec, "replicas", json!(1));
            }
        }
        ("apps", "daemonsets") => {
            workload(obj);
            if let Some(spec) = obj.get_mut("spec") {
                set_if_missing(spec, "revisionHistoryLimit", json!(10));
                rolling(
                    spec,
                    "updateStrategy",
                    &[("maxSurge", json!(0)), ("maxUnavailable", json!(1))],
                );
            }
        }
        ("apps", "statefulsets") => {
            workload(obj);
            if let Some(spec) = obj.get_mut("spec") {
                set_if_missing(spec, "replicas", json!(1));
                set_if_missing(spec, "podManagementPolicy", json!("OrderedReady"));
                set_if_missing(spec, "revisionHistoryLimit", json!(10));
                rolling(spec, "updateStrategy", &[("partition", json!(0))]);
                set_if_missing(
                    spec,
                    "persistentVolumeClaimRetentionPolicy",
                    json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                );
            }
        }
        _ => {}
    }
}

/// An update strategy: type RollingUpdate unless set, and for RollingUpdate the given
/// rollingUpdate fields (an empty `strategy: {}` is filled in too).
fn rolling(spec: &mut Value, field: &str, params: &[(&str, Value)]) {
    set_if_missing(spec, field, json!({}));
    let strategy = &mut spec[field];
    set_if_missing(strategy, "type", json!("RollingUpdate"));
    if strategy.field("type").and_then(Value::as_str) == Some("RollingUpdate") {
        set_if_missing(strategy, "rollingUpdate", json!({}));
        for (k, v) in params {
            set_if_missing(&mut strategy["rollingUpdate"], k, v.clone());
        }
    }
}

/// A workload's pod template gets the pod-spec defaults (not the pod-only ones, such as
/// enableServiceLinks, nor what admission plugins add to pods).
fn workload(obj: &mut Value) {
    if let Some(spec) = obj.ptr_mut("/spec/template/spec") {
        pod_spec(spec);
    }
}

/// Defaults of a Service (SetDefaults_Service plus the registry's single-stack IP family).
/// The cluster IP and node ports are allocated by the registry, not here.
fn service(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec") else {
        return;
    };
    set_if_missing(spec, "type", json!("ClusterIP"));
    set_if_missing(spec, "sessionAffinity", json!("None"));
    let kind = spec
        .field("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind != "ExternalName" {
        set_if_missing(spec, "internalTrafficPolicy", json!("Cluster"));
        set_if_missing(spec, "ipFamilyPolicy", json!("SingleStack"));
        set_if_missing(spec, "ipFamilies", json!(["IPv4"]));
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        set_if_missing(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if kind == "LoadBalancer" {
        set_if_missing(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            set_if_missing(p, "protocol", json!("TCP"));
            if let Some(port) = p.field("port").cloned() {
                set_if_missing(p, "targetPort", port);
            }
        }
    }
    if obj.field("status").is_none() {
        obj["status"] = json!({"loadBalancer": {}});
    }
}

/// A namespace is labelled with its own name, finalized by the namespace controller, and
/// Active until deleted (defaulting plus the namespace strategy's PrepareForCreate).
fn namespace(obj: &mut Value) {
    let name = obj
        .ptr("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let labels = meta.entry("labels").or_insert_with(|| json!({}));
        if let Some(l) = labels.as_object_mut() {
            l.insert("kubernetes.io/metadata.name".into(), json!(name));
        }
    }
    if obj.ptr("/spec/finalizers").is_none() {
        obj["spec"] = json!({"finalizers": ["kubernetes"]});
    }
    if obj.ptr("/status/phase").is_none() {
        obj["status"] = json!({"phase": "Active"});
    }
}

fn pod(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec") else {
        return;
    };
    pod_spec(spec);
    set_if_missing(spec, "enableServiceLinks", json!(true));
    let qos = qos_class(spec);
    // No scheduler or kubelet runs in the simulation: a new pod stays Pending.
    if obj
        .field("status")
        .is_none_or(|st| st.as_object().is_none_or(|m| m.is_empty()))
    {
        obj["status"] = json!({"phase": "Pending", "qosClass": qos});
    }
}

/// SetDefaults_LimitRangeItem: a Container item's default limit falls back to its max, its
/// default request to its default limit, then to its min.
fn limit_range(obj: &mut Value) {
    let Some(items) = obj.ptr_mut("/spec/limits").and_then(Value::as_array_mut) else {
        return;
    };
    for item in items {
        if item.field("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        for (from, to) in [
            ("max", "default"),
            ("default", "defaultRequest"),
            ("min", "defaultRequest"),
        ] {
            let Some(source) = item.get(from).and_then(Value::as_object).cloned() else {
                continue;
            };
            if !item.get(to).is_some_and(Value::is_object) {
                item[to] = json!({});
            }
            if let Some(target) = item[to].as_object_mut() {
                for (k, v) in source {
                    target.entry(k).or_insert(v);
                }
            }
        }
        for k in ["default", "defaultRequest"] {
            if item
                .get(k)
                .and_then(Value::as_object)
                .is_some_and(|m| m.is_empty())
            {
                if let Some(m) = item.as_object_mut() {
                    m.remove(k);
                }
            }
        }
    }
}

/// SetDefaults_PodSpec and the container defaults: what a pod and a pod template share.
fn pod_spec(spec: &mut Value) {
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers {
                let image = c
                    .field("image")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                set_if_missing(c, "imagePullPolicy", json!(image_pull_policy(&image)));
                set_if_missing(c, "resources", json!({}));
                set_if_missing(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_if_missing(c, "terminationMessagePolicy", json!("File"));
                if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports {
                        set_if_missing(p, "protocol", json!("TCP"));
                    }
                }
                // Limits without requests: the requests default to the limits.
                let limits = c.ptr("/resources/limits").cloned();
                if let Some(Value::Object(limits)) = limits {
                    let resources = &mut c["resources"];
                    if !resources.field("requests").is_some_and(Value::is_object) {
                        resources["requests"] = json!({});
                    }
                    for (k, v) in limits {
                        set_if_missing(&mut resources["requests"], &k, v);
                    }
                }
            }
        }
    }
    set_if_missing(spec, "dnsPolicy", json!("ClusterFirst"));
    set_if_missing(spec, "restartPolicy", json!("Always"));
    set_if_missing(spec, "schedulerName", json!("default-scheduler"));
    set_if_missing(spec, "securityContext", json!({}));
    set_if_missing(spec, "terminationGracePeriodSeconds", json!(30));
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        volumes.iter_mut().for_each(volume);
    }
}

/// SetDefaults_Volume and the sources' defaults: a volume that names no source is an
/// emptyDir; secret, configMap, downwardAPI and projected files are mode 0644 (420) unless
/// said; a hostPath's type is "" (unset).
fn volume(v: &mut Value) {
    let Some(fields) = v.as_object() else { return };
    if fields.iter().all(|(k, x)| k == "name" || x.is_null()) {
        v["emptyDir"] = json!({});
        return;
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = v.get_mut(source).filter(|s| s.is_object()) {
            set_if_missing(s, "defaultMode", json!(420));
        }
    }
    if let Some(h) = v.get_mut("hostPath").filter(|s| s.is_object()) {
        set_if_missing(h, "type", json!(""));
    }
}

/// The pod's QoS class: Guaranteed when every container has cpu and memory limits equal to
/// its requests, BestEffort when none sets any request or limit, Burstable otherwise.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .filter_map(|l| spec.get(*l).and_then(Value::as_array))
        .flatten()
        .collect();
    let mut any = false;
    let mut guaranteed = !containers.is_empty();
    for c in &containers {
        let requests = c.ptr("/resources/requests").and_then(Value::as_object);
        let limits = c.ptr("/resources/limits").and_then(Value::as_object);
        let set = |m: Option<&serde_json::Map<String, Value>>| {
            m.is_some_and(|m| m.keys().any(|k| k == "cpu" || k == "memory"))
        };
        if set(requests) || set(limits) {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let limit = limits.and_then(|m| m.get(r));
            let request = requests.and_then(|m| m.get(r)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
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

    #[test]
    fn qos_classes() {
        let c = |res: Value| json!({"containers": [{"name": "a", "resources": res}]});
        assert_eq!(qos_class(&c(json!({}))), "BestEffort");
        assert_eq!(
            qos_class(&c(json!({"limits": {"cpu": "1", "memory": "1Gi"}}))),
            "Guaranteed"
        );
        assert_eq!(
            qos_class(&c(
                json!({"requests": {"cpu": "1"}, "limits": {"cpu": "1", "memory": "1Gi"}})
            )),
            "Guaranteed"
        );
        assert_eq!(
            qos_class(&c(json!({"requests": {"cpu": "100m"}}))),
            "Burstable"
        );
        assert_eq!(
            qos_class(&c(
                json!({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}})
            )),
            "Burstable"
        );
    }

    #[test]
    fn pods_get_port_protocols_requests_from_limits_and_their_qos() {
        let mut p = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1.27",
            "ports": [{"containerPort": 80}],
            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}}]}});
        pod(&mut p);
        assert_eq!(p["spec"]["containers"][0]["ports"][0]["protocol"], "TCP");
        assert_eq!(
            p["spec"]["containers"][0]["resources"]["requests"],
            json!({"cpu": "500m", "memory": "128Mi"})
        );
        assert_eq!(p["status"]["qosClass"], "Guaranteed");
        assert_eq!(
            p["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
    }

    #[test]
    fn deployments_and_services_get_their_defaults() {
        let res = |g: &str, r: &str| match crate::sim::discovery::by_resource(37, g, r) {
            Some(x) => x,
            None => panic!("{r}"),
        };
        let mut d = json!({"spec": {"strategy": {}, "template": {"spec": {"containers": [{"name": "a", "image": "nginx"}]}}}});
        apply(&mut d, res("apps", "deployments"));
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
        assert!(d["spec"]["template"]["spec"]
            .field("enableServiceLinks")
            .is_none());
        let mut svc = json!({"spec": {"type": "NodePort", "ports": [{"port": 80}]}});
        apply(&mut svc, res("", "services"));
        assert_eq!(
            svc["spec"]["ports"][0],
            json!({"port": 80, "protocol": "TCP", "targetPort": 80})
        );
        assert_eq!(svc["spec"]["externalTrafficPolicy"], "Cluster");
        assert_eq!(svc["spec"]["sessionAffinity"], "None");
    }
}

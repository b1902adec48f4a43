//! Validation, between mutating and validating admission: the built-in field checks of the
//! modelled kinds, reported as upstream's `field.ErrorList`.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::discovery::ApiResource;
use super::response::{FieldError, FieldErrorKind};

mod admissionregistration;
mod apps;
mod core;
mod policies;

/// The errors found so far, in upstream's order.
pub type Errs = Vec<FieldError>;
/// What was checked, for the trace.
pub type Checks = Vec<&'static str>;

pub(crate) const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(crate) const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// `core.MaxSecretSize`: the most value bytes a ConfigMap or Secret holds.
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

pub fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// RFC 1123 subdomain.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

pub(crate) fn required(field: &str, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Required,
        field: field.into(),
        value: None,
        detail: detail.into(),
    }
}

fn invalid(field: &str, value: &str, detail: &str) -> FieldError {
    invalid_str(field, value, detail)
}

/// `field.Invalid` of a string (shown quoted, as Go's `%q`).
pub(crate) fn invalid_str(field: &str, value: &str, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Invalid,
        field: field.into(),
        value: Some(crate::sim::yamlout::go_quote(value)),
        detail: detail.into(),
    }
}

/// `field.Invalid` of a number.
pub(crate) fn invalid_int(field: &str, value: i64, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Invalid,
        field: field.into(),
        value: Some(value.to_string()),
        detail: detail.into(),
    }
}

/// `field.Invalid` of any other value (rendered as JSON, as apimachinery does since v1.34).
pub(crate) fn invalid_json(field: &str, value: &Value, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Invalid,
        field: field.into(),
        value: Some(value.to_string()),
        detail: detail.into(),
    }
}

/// `field.Duplicate` of a string.
pub(crate) fn duplicate(field: String, value: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Duplicate,
        field,
        value: Some(crate::sim::yamlout::go_quote(value)),
        detail: String::new(),
    }
}

/// `field.NotFound` of a string.
pub(crate) fn not_found(field: String, value: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::NotFound,
        field,
        value: Some(crate::sim::yamlout::go_quote(value)),
        detail: String::new(),
    }
}

/// `field.Forbidden` (no value shown).
pub(crate) fn forbidden(field: &str, detail: String) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Forbidden,
        field: field.into(),
        value: None,
        detail,
    }
}

/// `field.NotSupported`: the value and the supported ones, quoted.
pub(crate) fn not_supported(field: &str, value: &str, supported: &[&str]) -> FieldError {
    FieldError {
        kind: FieldErrorKind::NotSupported,
        field: field.into(),
        value: Some(crate::sim::yamlout::go_quote(value)),
        detail: format!(
            "supported values: {}",
            supported
                .iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `ValidateLabels`: each key a qualified name, each value a label value.
pub(crate) fn labels(errs: &mut Errs, map: Option<&Value>, path: &str) {
    let Some(m) = map.and_then(Value::as_object) else {
        return;
    };
    for (k, v) in m {
        for p in crate::sim::labels::label_key_problems(k) {
            errs.push(invalid_str(path, k, &p));
        }
        let v = v.as_str().unwrap_or("");
        for p in crate::sim::labels::label_value_problems(v) {
            errs.push(invalid_str(&format!("{path}[{k}]"), v, &p));
        }
    }
}

/// Validates an object about to be stored, saying what it checked.
pub fn validate_and_report(obj: &Value, res: &ApiResource) -> (Errs, Checks) {
    validate_write(obj, None, res)
}

/// Validates a create (`old` is `None`) or an update (`old` is the stored object), saying
/// what it checked.
pub fn validate_write(obj: &Value, old: Option<&Value>, res: &ApiResource) -> (Errs, Checks) {
    let mut checks: Checks = vec!["metadata (name, labels)"];
    let mut errs = validate(obj, res);
    labels(&mut errs, obj.ptr("/metadata/labels"), "metadata.labels");
    match (res.group, res.name) {
        ("", "pods") => core::pod_spec(
            &mut errs,
            &mut checks,
            obj.get("spec").unwrap_or(&Value::Null),
            "spec",
        ),
        ("", "services") => core::service(&mut errs, &mut checks, obj),
        ("", "persistentvolumeclaims") => core::pvc_spec(
            &mut errs,
            &mut checks,
            obj.field("spec").unwrap_or(&Value::Null),
        ),
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            apps::workload(&mut errs, &mut checks, obj, res.name);
        }
        ("", "configmaps" | "secrets") => checks.push("total size of the values (1 MiB)"),
        ("", "resourcequotas") => {
            // ValidateResourceQuantityValue on each hard limit.
            for (k, q) in crate::sim::podresources::resource_list(obj.ptr("/spec/hard")) {
                if q.is_negative() {
                    errs.push(invalid_str(
                        &format!("spec.hard[{k}]"),
                        &q.to_string(),
                        "must be greater than or equal to 0",
                    ));
                }
            }
            checks.push("hard limits are not negative");
        }
        ("certificates.k8s.io", "certificatesigningrequests") => {
            checks.push("the request (a PEM CSR), signer name, usages");
        }
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            checks.push("roleRef (name, kind)");
        }
        (
            "admissionregistration.k8s.io",
            r @ ("mutatingwebhookconfigurations" | "validatingwebhookconfigurations"),
        ) => admissionregistration::webhook_configuration(
            &mut errs,
            &mut checks,
            obj,
            old,
            r == "mutatingwebhookconfigurations",
        ),
        ("admissionregistration.k8s.io", "validatingadmissionpolicies") => {
            policies::validating_admission_policy(&mut errs, &mut checks, obj, old)
        }
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings") => {
            policies::validating_admission_policy_binding(&mut errs, &mut checks, obj)
        }
        ("admissionregistration.k8s.io", "mutatingadmissionpolicies") => {
            policies::mutating_admission_policy(&mut errs, &mut checks, obj, old)
        }
        ("admissionregistration.k8s.io", "mutatingadmissionpolicybindings") => {
            policies::mutating_admission_policy_binding(&mut errs, &mut checks, obj)
        }
        _ => checks.push("(no other field rules of this kind are modelled)"),
    }
    match (old, res.group, res.name) {
        (Some(old), "", "pods") => {
            core::pod_update(&mut errs, obj, old);
            checks.push("the update changes only what a pod may change (images, activeDeadlineSeconds, tolerations, terminationGracePeriodSeconds)");
        }
        (Some(old), "", "persistentvolumeclaims") => {
            core::pvc_update(&mut errs, obj, old);
            checks.push("the update changes only what a claim may change (volumeName once, a class where none was; once bound, the storage request and volumeAttributesClassName)");
        }
        _ => {}
    }
    // field.ErrorList.ToAggregate drops repeated messages.
    let mut seen = std::collections::BTreeSet::new();
    errs.retain(|e| seen.insert(e.to_string()));
    (errs, checks)
}

/// `ValidatePathSegmentName`: what a name that is one segment of a URL path may not be.
pub(crate) fn path_segment_problems(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for bad in [".", ".."] {
        if name == bad {
            out.push(format!("may not be '{bad}'"));
        }
    }
    for bad in ["/", "%"] {
        if name.contains(bad) {
            out.push(format!("may not contain '{bad}'"));
        }
    }
    out
}

/// The checks of every kind (metadata.name and the kind's own rules kept here).
fn validate(obj: &Value, res: &ApiResource) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = obj
        .ptr("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        errs.push(required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if res.group.is_empty() && res.name == "namespaces" {
        if !is_label(name) {
            errs.push(invalid("metadata.name", name, DNS1123_LABEL_MSG));
        }
    } else if res.group == "rbac.authorization.k8s.io" {
        for p in path_segment_problems(name) {
            errs.push(invalid("metadata.name", name, &p));
        }
    } else if !is_dns1123_subdomain(name) {
        errs.push(invalid("metadata.name", name, DNS1123_SUBDOMAIN_MSG));
    }
    // ConfigMaps and Secrets hold at most 1 MiB of values (keys do not count; base64 data
    // counts decoded). A ConfigMap's error is on the whole object, written `[]`.
    if res.group.is_empty() && matches!(res.name, "configmaps" | "secrets") {
        let text_bytes = |field: &str| -> usize {
            obj.get(field).and_then(Value::as_object).map_or(0, |m| {
                m.values().filter_map(Value::as_str).map(str::len).sum()
            })
        };
        let decoded_bytes = |field: &str| -> usize {
            obj.get(field).and_then(Value::as_object).map_or(0, |m| {
                m.values()
                    .filter_map(Value::as_str)
                    .map(|v| {
                        crate::sim::b64::go_std_decode(v.as_bytes()).map_or(v.len(), |b| b.len())
                    })
                    .sum()
            })
        };
        let (total, field) = if res.name == "configmaps" {
            (text_bytes("data") + decoded_bytes("binaryData"), "[]")
        } else {
            (decoded_bytes("data"), "data")
        };
        if total > MAX_SECRET_SIZE {
            errs.push(FieldError {
                kind: FieldErrorKind::TooLong,
                field: field.into(),
                value: None,
                detail: format!("may not be more than {MAX_SECRET_SIZE} bytes"),
            });
        }
    }
    if res.group.is_empty()
        && res.name == "secrets"
        && obj.get("type").and_then(Value::as_str) == Some("kubernetes.io/service-account-token")
    {
        // A service-account token Secret must say whose token it holds.
        let sa = obj
            .ptr("/metadata/annotations")
            .and_then(|a| a.get("kubernetes.io/service-account.name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if sa.is_empty() {
            errs.push(required(
                "metadata.annotations[kubernetes.io/service-account.name]",
                "",
            ));
        }
    }
    if res.group == "certificates.k8s.io" && res.name == "certificatesigningrequests" {
        let bytes = obj
            .ptr("/spec/request")
            .and_then(Value::as_str)
            .and_then(|b| crate::sim::b64::STANDARD.decode(b).ok())
            .unwrap_or_default();
        let request = String::from_utf8_lossy(&bytes);
        if let Err(e) = super::certs::parse_request(&request) {
            // Go prints the []byte value with %#v.
            let shown: Vec<String> = bytes.iter().map(|b| format!("0x{b:x}")).collect();
            errs.push(FieldError {
                kind: FieldErrorKind::Invalid,
                field: "spec.request".into(),
                value: Some(format!("[]byte{{{}}}", shown.join(", "))),
                detail: e,
            });
        }
        if obj
            .ptr("/spec/signerName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            errs.push(required("spec.signerName", ""));
        }
        if obj
            .ptr("/spec/usages")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            errs.push(required("spec.usages", ""));
        }
    }
    if res.group == "rbac.authorization.k8s.io" && res.name.ends_with("bindings") {
        let role_name = obj
            .ptr("/roleRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if role_name.is_empty() {
            errs.push(required("roleRef.name", ""));
        }
        let kind = obj
            .ptr("/roleRef/kind")
            .and_then(Value::as_str)
            .unwrap_or("");
        let allowed: &[&str] = if res.name == "rolebindings" {
            &["Role", "ClusterRole"]
        } else {
            &["ClusterRole"]
        };
        if !allowed.contains(&kind) {
            errs.push(FieldError {
                kind: FieldErrorKind::NotSupported,
                field: "roleRef.kind".into(),
                value: Some(format!("\"{kind}\"")),
                detail: format!(
                    "supported values: {}",
                    allowed
                        .iter()
                        .map(|k| format!("\"{k}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::discovery::by_resource;
    use serde_json::json;

    fn messages(obj: Value, resource: &str, group: &str) -> Vec<String> {
        let res = by_resource(37, group, resource).unwrap();
        let mut obj = obj;
        crate::sim::defaults::apply(&mut obj, res);
        validate_and_report(&obj, res)
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn pod_checks_follow_upstream_order_and_words() {
        let text = messages(
            json!({"metadata":{"name":"Web"},"spec":{"containers":[{"name":"c"}]}}),
            "pods",
            "",
        );
        assert_eq!(text.len(), 2);
        assert!(text[0]
            .starts_with("metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain"));
        assert_eq!(text[1], "spec.containers[0].image: Required value");
        assert!(messages(
            json!({"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}),
            "pods",
            ""
        )
        .is_empty());
        // From pkg/apis/core/validation's container and port cases.
        let text = messages(
            json!({"metadata":{"name":"web"},"spec":{
                "volumes":[{"name":"data","emptyDir":{}}],
                "containers":[
                    {"name":"a","image":"x","ports":[{"containerPort":70000},{"containerPort":80,"name":"HTTP","protocol":"ICMP"}],
                     "env":[{"name":"1BAD"}],"volumeMounts":[{"name":"nope","mountPath":"/d"}],
                     "resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}},
                    {"name":"a","image":"x","imagePullPolicy":"Sometimes"}],
                "initContainers":[{"name":"a","image":"x"}],
                "restartPolicy":"Sometimes"}}),
            "pods",
            "",
        );
        assert_eq!(
            text,
            [
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "spec.containers[0].ports[1].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
                "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
                "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"",
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
                "spec.containers[1].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
                "spec.containers[1].name: Duplicate value: \"a\"",
                "spec.initContainers[0].name: Duplicate value: \"a\"",
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            ]
        );
    }

    #[test]
    fn a_deployment_selector_must_match_its_template() {
        let text = messages(
            json!({"metadata":{"name":"web"},"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"web"}},
                "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}),
            "deployments",
            "apps",
        );
        assert_eq!(
            text,
            [
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.metadata.labels: Invalid value: {\"app\":\"db\"}: `selector` does not match template `labels`",
            ]
        );
    }

    #[test]
    fn namespace_names_are_labels() {
        let ns = by_resource(37, "", "namespaces").unwrap();
        assert_eq!(validate(&json!({"metadata":{"name":"a.b"}}), ns).len(), 1);
        assert!(validate(&json!({"metadata":{"name":"blue"}}), ns).is_empty());
    }

    #[test]
    fn claims_need_access_modes_and_a_positive_storage_request() {
        let claim = |spec: Value| json!({"metadata": {"name": "data"}, "spec": spec});
        let cases = [
            (
                json!({"resources": {"requests": {"storage": "1Gi"}}}),
                vec!["spec.accessModes: Required value: at least 1 access mode is required"],
            ),
            (
                json!({"accessModes": ["ReadWriteOnce", "Sometimes"], "resources": {"requests": {"storage": "1Gi"}}}),
                vec!["spec.accessModes: Unsupported value: \"Sometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""],
            ),
            (
                json!({"accessModes": ["ReadWriteOncePod", "ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}),
                vec!["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"],
            ),
            (
                json!({"accessModes": ["ReadWriteOnce"]}),
                vec!["spec.resources[storage]: Required value"],
            ),
            (
                json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "0"}}}),
                vec!["spec.resources[storage]: Invalid value: \"0\": must be greater than zero"],
            ),
            (
                json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Tape"}),
                vec!["spec.volumeMode: Unsupported value: \"Tape\": supported values: \"Block\", \"Filesystem\""],
            ),
            (
                json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": ""}),
                vec![],
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(
                messages(claim(spec.clone()), "persistentvolumeclaims", ""),
                want,
                "{spec}"
            );
        }
    }

    /// The messages of an update of `old` to `new` (both defaulted as the server would).
    fn update_messages(old: Value, new: Value, resource: &str) -> Vec<String> {
        let res = by_resource(37, "", resource).unwrap();
        let (mut old, mut new) = (old, new);
        crate::sim::defaults::apply(&mut old, res);
        crate::sim::defaults::apply(&mut new, res);
        validate_write(&new, Some(&old), res)
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const BETA: &str = "volume.beta.kubernetes.io/storage-class";

    #[test]
    fn a_claim_spec_changes_only_where_upstream_lets_it() {
        // Cases after TestValidatePersistentVolumeClaimUpdate.
        let claim = |spec: Value, status: Value, annotations: Value| json!({"metadata": {"name": "data", "annotations": annotations}, "spec": spec, "status": status});
        let spec = |size: &str| json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}});
        let with = |mut v: Value, k: &str, x: Value| {
            v[k] = x;
            v
        };
        let bound = json!({"phase": "Bound", "capacity": {"storage": "10Gi"}});
        let pending = json!({"phase": "Pending"});
        let none = json!({});
        let immutable = "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";
        let cases: Vec<(&str, Value, Value, Vec<&str>)> = vec![
            ("unchanged", claim(spec("10Gi"), bound.clone(), none.clone()), claim(spec("10Gi"), bound.clone(), none.clone()), vec![]),
            ("the same size written another way", claim(spec("1Gi"), pending.clone(), none.clone()), claim(spec("1024Mi"), pending.clone(), none.clone()), vec![]),
            ("a bound claim grows", claim(spec("10Gi"), bound.clone(), none.clone()), claim(spec("20Gi"), bound.clone(), none.clone()), vec![]),
            ("an unbound claim may not grow", claim(spec("10Gi"), pending.clone(), none.clone()), claim(spec("20Gi"), pending.clone(), none.clone()), vec![immutable]),
            ("access modes are fixed", claim(spec("10Gi"), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "accessModes", json!(["ReadWriteMany"])), bound.clone(), none.clone()), vec![immutable]),
            ("a volume name is set once", claim(spec("10Gi"), pending.clone(), none.clone()),
                claim(with(spec("10Gi"), "volumeName", json!("pv-1")), pending.clone(), none.clone()), vec![]),
            ("and never changed", claim(with(spec("10Gi"), "volumeName", json!("pv-1")), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "volumeName", json!("pv-2")), bound.clone(), none.clone()), vec![immutable]),
            ("a class where there was none", claim(spec("10Gi"), pending.clone(), none.clone()),
                claim(with(spec("10Gi"), "storageClassName", json!("fast")), pending.clone(), none.clone()), vec![]),
            ("a class from the beta annotation", claim(spec("10Gi"), pending.clone(), json!({BETA: "fast"})),
                claim(with(spec("10Gi"), "storageClassName", json!("fast")), pending.clone(), json!({BETA: "fast"})), vec![]),
            ("another class than the annotation's", claim(spec("10Gi"), pending.clone(), json!({BETA: "fast"})),
                claim(with(spec("10Gi"), "storageClassName", json!("slow")), pending.clone(), json!({BETA: "fast"})), vec![immutable]),
            ("the annotation is immutable", claim(spec("10Gi"), pending.clone(), json!({BETA: "fast"})),
                claim(spec("10Gi"), pending.clone(), json!({BETA: "slow"})),
                vec!["metadata.annotations.volume.beta.kubernetes.io/storage-class: Invalid value: \"slow\": field is immutable"]),
            ("a class is never changed", claim(with(spec("10Gi"), "storageClassName", json!("fast")), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "storageClassName", json!("slow")), bound.clone(), none.clone()), vec![immutable]),
            ("shrinking above the capacity recovers from a failed expansion",
                claim(spec("20Gi"), bound.clone(), none.clone()), claim(spec("15Gi"), bound.clone(), none.clone()), vec![]),
            ("but not to the capacity or below", claim(spec("20Gi"), bound.clone(), none.clone()),
                claim(spec("10Gi"), bound.clone(), none.clone()),
                vec!["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]),
            ("the volume mode is fixed", claim(spec("10Gi"), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "volumeMode", json!("Block")), bound.clone(), none.clone()),
                vec![immutable, "volumeMode: Invalid value: \"Block\": field is immutable"]),
            ("a bound claim changes its attributes class", claim(with(spec("10Gi"), "volumeAttributesClassName", json!("gold")), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "volumeAttributesClassName", json!("silver")), bound.clone(), none.clone()), vec![]),
            ("but may not empty it", claim(with(spec("10Gi"), "volumeAttributesClassName", json!("gold")), bound.clone(), none.clone()),
                claim(with(spec("10Gi"), "volumeAttributesClassName", json!("")), bound.clone(), none.clone()),
                vec!["spec.volumeAttributesClassName: Forbidden: update from non-nil value to an empty string is forbidden"]),
        ];
        for (name, old, new, want) in cases {
            let got = update_messages(old, new, "persistentvolumeclaims");
            let heads: Vec<&str> = got.iter().map(|m| m.lines().next().unwrap_or("")).collect();
            assert_eq!(heads, want, "{name}: {got:?}");
        }
        // The refusal names what differs, under the spec's Go field names.
        let got = update_messages(
            claim(spec("10Gi"), bound.clone(), none.clone()),
            claim(
                with(spec("10Gi"), "accessModes", json!(["ReadWriteMany"])),
                bound,
                none,
            ),
            "persistentvolumeclaims",
        );
        assert!(got[0].contains("\n  core.PersistentVolumeClaimSpec{\n- \tAccessModes: [\"ReadWriteOnce\"],\n+ \tAccessModes: [\"ReadWriteMany\"],\n"), "{got:?}");
    }
}

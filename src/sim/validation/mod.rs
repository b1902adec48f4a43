//! Validation, between mutating and validating admission: the built-in field checks of the
//! modelled kinds, reported as upstream's `field.ErrorList`.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>.

use serde_json::Value;

use super::discovery::ApiResource;
use super::response::{FieldError, FieldErrorKind};

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// `core.MaxSecretSize`: the most value bytes a ConfigMap or Secret holds.
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

fn is_label(s: &str) -> bool {
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

fn required(field: &str, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Required,
        field: field.into(),
        value: None,
        detail: detail.into(),
    }
}

fn invalid(field: &str, value: &str, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorKind::Invalid,
        field: field.into(),
        value: Some(format!("\"{value}\"")),
        detail: detail.into(),
    }
}

/// Validates an object about to be created.
pub fn validate(obj: &Value, res: &ApiResource) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = obj
        .pointer("/metadata/name")
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
        for bad in [".", ".."] {
            if name == bad {
                errs.push(invalid(
                    "metadata.name",
                    name,
                    &format!("may not be '{bad}'"),
                ));
            }
        }
        for bad in ["/", "%"] {
            if name.contains(bad) {
                errs.push(invalid(
                    "metadata.name",
                    name,
                    &format!("may not contain '{bad}'"),
                ));
            }
        }
    } else if !is_dns1123_subdomain(name) {
        errs.push(invalid("metadata.name", name, DNS1123_SUBDOMAIN_MSG));
    }
    if res.group.is_empty() && res.name == "pods" {
        let containers = obj
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if containers.is_empty() {
            errs.push(required("spec.containers", ""));
        }
        for (i, c) in containers.iter().enumerate() {
            let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
            if cname.is_empty() {
                errs.push(required(&format!("spec.containers[{i}].name"), ""));
            } else if !is_label(cname) {
                errs.push(invalid(
                    &format!("spec.containers[{i}].name"),
                    cname,
                    DNS1123_LABEL_MSG,
                ));
            }
            if c.get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                errs.push(required(&format!("spec.containers[{i}].image"), ""));
            }
        }
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
            .pointer("/metadata/annotations")
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
            .pointer("/spec/request")
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
            .pointer("/spec/signerName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            errs.push(required("spec.signerName", ""));
        }
        if obj
            .pointer("/spec/usages")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            errs.push(required("spec.usages", ""));
        }
    }
    if res.group == "rbac.authorization.k8s.io" && res.name.ends_with("bindings") {
        let role_name = obj
            .pointer("/roleRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if role_name.is_empty() {
            errs.push(required("roleRef.name", ""));
        }
        let kind = obj
            .pointer("/roleRef/kind")
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

    #[test]
    fn pod_checks() {
        let pods = by_resource(37, "", "pods").unwrap();
        let errs = validate(
            &json!({"metadata":{"name":"Web"},"spec":{"containers":[{"name":"c"}]}}),
            pods,
        );
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2);
        assert!(text[0]
            .starts_with("metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain"));
        assert_eq!(text[1], "spec.containers[0].image: Required value");
        assert!(validate(&json!({"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}), pods).is_empty());
    }

    #[test]
    fn namespace_names_are_labels() {
        let ns = by_resource(37, "", "namespaces").unwrap();
        assert_eq!(validate(&json!({"metadata":{"name":"a.b"}}), ns).len(), 1);
        assert!(validate(&json!({"metadata":{"name":"blue"}}), ns).is_empty());
    }
}

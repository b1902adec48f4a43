//! Field selectors on lists (`?fieldSelector=status.phase=Running,spec.nodeName!=n1`): the
//! fields each resource supports (upstream's field label conversion functions) and matching.
//! An unsupported field is the server's 400 `field label not supported: …`.

use serde_json::Value;

use super::discovery::ApiResource;
use super::response::ApiError;

/// One requirement: field, `=`/`==` (true) or `!=` (false), value.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub field: String,
    pub equals: bool,
    pub value: String,
}

/// The fields a resource can be selected by, besides `metadata.name` and
/// `metadata.namespace` (which every resource supports).
fn extra_fields(res: &ApiResource) -> &'static [&'static str] {
    match (res.group, res.name) {
        ("", "pods") => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        ("", "secrets") => &["type"],
        ("", "namespaces") => &["status.phase"],
        ("", "nodes") => &["spec.unschedulable"],
        ("", "replicationcontrollers") => &["status.replicas"],
        ("", "events") | ("events.k8s.io", "events") => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        ("apps", "replicasets") => &["status.replicas"],
        ("batch", "jobs") => &["status.successful"],
        ("certificates.k8s.io", "certificatesigningrequests") => &["spec.signerName"],
        _ => &[],
    }
}

/// Parses a field selector and checks its fields against the resource.
pub fn parse(res: &ApiResource, selector: &str) -> Result<Vec<Requirement>, ApiError> {
    let mut out = Vec::new();
    for term in selector.split(',').filter(|t| !t.is_empty()) {
        let (field, equals, value) = if let Some((f, v)) = term.split_once("!=") {
            (f, false, v)
        } else if let Some((f, v)) = term.split_once("==") {
            (f, true, v)
        } else if let Some((f, v)) = term.split_once('=') {
            (f, true, v)
        } else {
            return Err(ApiError::bad_request(format!(
                "invalid selector: '{selector}'; can't understand '{term}'"
            )));
        };
        let field = field.trim();
        let supported = matches!(field, "metadata.name" | "metadata.namespace")
            || extra_fields(res).contains(&field);
        if !supported {
            return Err(ApiError::bad_request(format!(
                "field label not supported: {field}"
            )));
        }
        out.push(Requirement {
            field: field.to_string(),
            equals,
            value: value.trim().to_string(),
        });
    }
    Ok(out)
}

/// The text value of a selectable field (`""` when unset; booleans and numbers as text).
fn field_value(obj: &Value, field: &str) -> String {
    let path = match field {
        "status.podIPs" => "/status/podIP".to_string(),
        "source" => "/source/component".to_string(),
        f => format!("/{}", f.replace('.', "/")),
    };
    match obj.pointer(&path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => match field {
            "spec.hostNetwork" | "spec.unschedulable" => "false".into(),
            _ => String::new(),
        },
    }
}

/// Whether an object satisfies every requirement.
pub fn matches(reqs: &[Requirement], obj: &Value) -> bool {
    reqs.iter()
        .all(|r| (field_value(obj, &r.field) == r.value) == r.equals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::discovery;
    use serde_json::json;

    fn pods() -> &'static ApiResource {
        match discovery::by_resource(37, "", "pods") {
            Some(r) => r,
            None => panic!("pods"),
        }
    }

    #[test]
    fn pods_select_by_phase_node_and_name() {
        let p = json!({"metadata": {"name": "a", "namespace": "blue"},
            "spec": {"nodeName": "worker-1"}, "status": {"phase": "Running"}});
        let ok = |sel: &str| match parse(pods(), sel) {
            Ok(r) => matches(&r, &p),
            Err(e) => panic!("{}", e.message),
        };
        assert!(ok("status.phase=Running"));
        assert!(ok("status.phase==Running,spec.nodeName=worker-1"));
        assert!(!ok("status.phase!=Running"));
        assert!(ok("metadata.name=a,metadata.namespace=blue"));
        assert!(ok("spec.hostNetwork=false"));
        assert!(!ok("spec.nodeName="));
    }

    #[test]
    fn unsupported_fields_are_bad_requests() {
        let err = match parse(pods(), "spec.containers=x") {
            Err(e) => e,
            Ok(_) => panic!("should fail"),
        };
        assert_eq!(err.code, 400);
        assert_eq!(err.message, "field label not supported: spec.containers");
        let cms = match discovery::by_resource(37, "", "configmaps") {
            Some(r) => r,
            None => panic!("configmaps"),
        };
        assert!(parse(cms, "status.phase=x").is_err());
        assert!(parse(cms, "metadata.name=x").is_ok());
        assert_eq!(
            parse(cms, "oops").err().map(|e| e.message),
            Some("invalid selector: 'oops'; can't understand 'oops'".into())
        );
    }
}

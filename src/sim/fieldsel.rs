//! Field selectors on lists (`?fieldSelector=status.phase=Running,spec.nodeName!=n1`): the
//! fields each resource supports (upstream's field label conversion functions) and matching.
//! An unsupported field is the server's 400 `field label not supported: …`.

use crate::sim::ptr::Ptr as _;
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

/// The fields a resource can be selected by besides `metadata.name` and
/// `metadata.namespace`, for the kinds that register their own field label conversion
/// (`None`: upstream's default conversion, which knows only those two).
fn extra_fields(res: &ApiResource) -> Option<&'static [&'static str]> {
    Some(match (res.group, res.name) {
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
        ("", "services") => &["spec.clusterIP", "spec.type"],
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
        _ => return None,
    })
}

/// Splits a selector at commas that no backslash escapes (terms keep their backslashes).
fn split_terms(selector: &str) -> Vec<String> {
    let mut terms = vec![String::new()];
    let mut escaped = false;
    for c in selector.chars() {
        let Some(last) = terms.last_mut() else { break };
        if escaped {
            last.push(c);
            escaped = false;
        } else if c == '\\' {
            last.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(String::new());
        } else {
            last.push(c);
        }
    }
    terms
}

/// Upstream's `UnescapeValue`: `\\`, `\,` and `\=` stand for themselves; any other escape,
/// a trailing backslash, or a bare `,` or `=` is an error.
fn unescape(value: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                ));
            }
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' || c == '=' {
            return Err(format!(
                "invalid field selector: unescaped character in value: {}",
                c as u32
            ));
        } else {
            out.push(c);
        }
    }
    if escaped {
        return Err("invalid field selector: invalid escape sequence: \\".into());
    }
    Ok(out)
}

/// Upstream's `fields.ParseSelector`: terms split at unescaped commas and sorted, each split
/// at its first `!=`, `==` or `=`, the value unescaped. Errors are the server's 400s.
pub fn parse_syntax(selector: &str) -> Result<Vec<Requirement>, String> {
    let mut terms = split_terms(selector);
    terms.sort();
    let mut out = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        let split = (0..term.len())
            .filter(|&i| term.is_char_boundary(i))
            .find_map(|i| {
                ["!=", "==", "="]
                    .iter()
                    .find(|op| term[i..].starts_with(**op))
                    .map(|op| (i, *op))
            });
        let Some((at, op)) = split else {
            return Err(format!(
                "invalid selector: '{selector}'; can't understand '{term}'"
            ));
        };
        let value = unescape(&term[at + op.len()..])?;
        // A term with neither field nor value selects everything: upstream drops it.
        if at == 0 && value.is_empty() {
            continue;
        }
        out.push(Requirement {
            field: term[..at].to_string(),
            equals: op != "!=",
            value,
        });
    }
    Ok(out)
}

/// Parses a field selector and checks its fields against the resource (upstream's field
/// label conversion, after parsing).
pub fn parse(res: &ApiResource, selector: &str) -> Result<Vec<Requirement>, ApiError> {
    let reqs = parse_syntax(selector).map_err(ApiError::bad_request)?;
    for r in &reqs {
        let field = r.field.as_str();
        let known = matches!(field, "metadata.name" | "metadata.namespace");
        match extra_fields(res) {
            Some(extra) if !known && !extra.contains(&field) => {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )))
            }
            None if !known => {
                return Err(ApiError::bad_request(format!(
                    "\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                )))
            }
            _ => {}
        }
    }
    Ok(reqs)
}

/// The text value of a selectable field (`""` when unset; booleans and numbers as text).
fn field_value(obj: &Value, field: &str) -> String {
    let path = match field {
        "status.podIPs" => "/status/podIP".to_string(),
        "source" => "/source/component".to_string(),
        f => format!("/{}", f.replace('.', "/")),
    };
    match obj.ptr(&path) {
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
        assert_eq!(
            parse(cms, "status.phase=x").err().map(|e| e.message),
            Some("\"status.phase\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"".into())
        );
        assert!(parse(cms, "metadata.name=x").is_ok());
        assert_eq!(
            parse(cms, "oops").err().map(|e| e.message),
            Some("invalid selector: 'oops'; can't understand 'oops'".into())
        );
    }

    // Port of upstream fields/selector_test.go TestSelectorParse, plus the errors upstream gives.
    #[test]
    fn field_selector_syntax() {
        for good in [
            "x=a,y=b,z=c",
            "",
            "x!=a,y=b",
            "x=a||y\\=b",
            "x=a\\=\\=b",
            ",",
            ",,,",
            "a=b,,c=d",
            "x==",
        ] {
            assert!(parse_syntax(good).is_ok(), "{good:?}");
        }
        for (bad, want) in [
            (
                "x=a||y=b",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "x==a==b",
                "invalid field selector: unescaped character in value: 61",
            ),
            ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
            (
                "x in (a)",
                "invalid selector: 'x in (a)'; can't understand 'x in (a)'",
            ),
            ("x", "invalid selector: 'x'; can't understand 'x'"),
            (
                "a=b\\",
                "invalid field selector: invalid escape sequence: \\",
            ),
            (
                "a=b\\x",
                "invalid field selector: invalid escape sequence: \\x",
            ),
        ] {
            assert_eq!(parse_syntax(bad).unwrap_err(), want, "{bad:?}");
        }
        let r = parse_syntax("b=2,a\\,x=1\\,2").unwrap();
        assert_eq!((r[0].field.as_str(), r[0].value.as_str()), ("a\\,x", "1,2"));
        assert_eq!(r[1].field, "b");
        assert_eq!(parse(pods(), "==").map(|r| r.len()).ok(), Some(0));
        assert_eq!(
            parse(pods(), "=b").err().map(|e| e.message),
            Some("field label not supported: ".into())
        );
    }
}

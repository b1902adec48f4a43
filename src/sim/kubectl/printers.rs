//! kubectl's output: the tab-aligned tables of `kubectl get`, resource names such as
//! `pod/web`, and error text exactly as kubectl renders a `Status`.
//! See <https://kubernetes.io/docs/reference/kubectl/#output-options>.

use serde_json::Value;

use crate::sim::clock::{human_duration, parse_rfc3339, Instant};
use crate::sim::discovery::ApiResource;

/// Computes the cells after NAME for one object.
type RowFn<'a> = Box<dyn Fn(&Value) -> Vec<String> + 'a>;

/// Aligns rows as kubectl's tabwriter does (min width 6, padding 3; the last column unpadded).
pub fn tabulate(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                widths[i] = widths[i].max((cell.chars().count() + 3).max(6));
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count();
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

/// `kind.group` in lower case, as kubectl names objects (`pod`, `role.rbac.authorization.k8s.io`).
pub fn kind_group(res: &ApiResource) -> String {
    let kind = res.kind.to_lowercase();
    if res.group.is_empty() {
        kind
    } else {
        format!("{kind}.{}", res.group)
    }
}

fn s<'a>(obj: &'a Value, ptr: &str) -> &'a str {
    obj.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn age(obj: &Value, now: Instant) -> String {
    match parse_rfc3339(s(obj, "/metadata/creationTimestamp")) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

fn labels(obj: &Value) -> String {
    match obj.pointer("/metadata/labels").and_then(Value::as_object) {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            pairs.sort();
            pairs.join(",")
        }
        _ => "<none>".into(),
    }
}

/// The header and one row per object of `kubectl get` for this resource.
pub fn table(
    res: &ApiResource,
    items: &[Value],
    now: Instant,
    with_namespace: bool,
    wide: bool,
    show_labels: bool,
) -> String {
    let (mut header, row_of): (Vec<&str>, RowFn<'_>) = match (res.group, res.name) {
        ("", "pods") => (
            if wide {
                vec![
                    "NAME",
                    "READY",
                    "STATUS",
                    "RESTARTS",
                    "AGE",
                    "IP",
                    "NODE",
                    "NOMINATED NODE",
                    "READINESS GATES",
                ]
            } else {
                vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
            },
            Box::new(move |o: &Value| {
                let total = o
                    .pointer("/spec/containers")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let ready = o
                    .pointer("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .map_or(0, |cs| {
                        cs.iter()
                            .filter(|c| c.get("ready") == Some(&Value::Bool(true)))
                            .count()
                    });
                let mut row = vec![
                    format!("{ready}/{total}"),
                    match s(o, "/status/phase") {
                        "" => "Pending".to_string(),
                        p => p.to_string(),
                    },
                    "0".into(),
                    age(o, now),
                ];
                if wide {
                    let or_none = |v: &str| {
                        if v.is_empty() {
                            "<none>".to_string()
                        } else {
                            v.to_string()
                        }
                    };
                    row.extend([
                        or_none(s(o, "/status/podIP")),
                        or_none(s(o, "/spec/nodeName")),
                        "<none>".into(),
                        "<none>".into(),
                    ]);
                }
                row
            }),
        ),
        ("", "namespaces") => (
            vec!["NAME", "STATUS", "AGE"],
            Box::new(move |o: &Value| vec![s(o, "/status/phase").to_string(), age(o, now)]),
        ),
        ("", "nodes") => (
            vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            Box::new(move |o: &Value| {
                let mut roles: Vec<String> = o
                    .pointer("/metadata/labels")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.keys()
                            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                roles.sort();
                let ready = o
                    .pointer("/status/conditions")
                    .and_then(Value::as_array)
                    .and_then(|cs| {
                        cs.iter()
                            .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
                    })
                    .map(|c| {
                        if c.get("status").and_then(Value::as_str) == Some("True") {
                            "Ready"
                        } else {
                            "NotReady"
                        }
                    })
                    .unwrap_or("Unknown");
                vec![
                    ready.to_string(),
                    if roles.is_empty() {
                        "<none>".into()
                    } else {
                        roles.join(",")
                    },
                    age(o, now),
                    s(o, "/status/nodeInfo/kubeletVersion").to_string(),
                ]
            }),
        ),
        ("", "serviceaccounts") => (
            vec!["NAME", "SECRETS", "AGE"],
            Box::new(move |o: &Value| {
                vec![
                    o.get("secrets")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
                        .to_string(),
                    age(o, now),
                ]
            }),
        ),
        ("", "configmaps") => (
            vec!["NAME", "DATA", "AGE"],
            Box::new(move |o: &Value| {
                let n = o
                    .get("data")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len())
                    + o.get("binaryData")
                        .and_then(Value::as_object)
                        .map_or(0, |m| m.len());
                vec![n.to_string(), age(o, now)]
            }),
        ),
        ("", "secrets") => (
            vec!["NAME", "TYPE", "DATA", "AGE"],
            Box::new(move |o: &Value| {
                let n = o
                    .get("data")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len());
                vec![s(o, "/type").to_string(), n.to_string(), age(o, now)]
            }),
        ),
        ("rbac.authorization.k8s.io", "roles" | "clusterroles") => (
            vec!["NAME", "CREATED AT"],
            Box::new(|o: &Value| vec![s(o, "/metadata/creationTimestamp").to_string()]),
        ),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => (
            if wide {
                vec!["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
            } else {
                vec!["NAME", "ROLE", "AGE"]
            },
            Box::new(move |o: &Value| {
                let mut row = vec![
                    format!("{}/{}", s(o, "/roleRef/kind"), s(o, "/roleRef/name")),
                    age(o, now),
                ];
                if wide {
                    let subjects = o
                        .get("subjects")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    let pick = |kind: &str| -> String {
                        subjects
                            .iter()
                            .filter(|x| x.get("kind").and_then(Value::as_str) == Some(kind))
                            .map(|x| {
                                let name = s(x, "/name");
                                if kind == "ServiceAccount" {
                                    format!("{}/{name}", s(x, "/namespace"))
                                } else {
                                    name.to_string()
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    row.extend([pick("User"), pick("Group"), pick("ServiceAccount")]);
                }
                row
            }),
        ),
        _ => (
            vec!["NAME", "AGE"],
            Box::new(move |o: &Value| vec![age(o, now)]),
        ),
    };
    if with_namespace {
        header.insert(0, "NAMESPACE");
    }
    if show_labels {
        header.push("LABELS");
    }
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for o in items {
        let mut row = Vec::new();
        if with_namespace {
            row.push(s(o, "/metadata/namespace").to_string());
        }
        row.push(s(o, "/metadata/name").to_string());
        row.extend(row_of(o));
        if show_labels {
            row.push(labels(o));
        }
        rows.push(row);
    }
    tabulate(&rows)
}

/// kubectl's rendering of a failed request (`StandardErrorMessage`, and the Invalid special case).
pub fn error_text(status: &Value) -> String {
    let reason = s(status, "/reason");
    let message = s(status, "/message");
    if reason == "Invalid" {
        if status.get("details").is_none_or(Value::is_null) {
            // No details: kubectl adds the server's message, if any.
            return if message.is_empty() {
                "The request is invalid".to_string()
            } else {
                format!("The request is invalid: {message}")
            };
        }
        let kind = s(status, "/details/kind");
        let name = s(status, "/details/name");
        let prefix = if !kind.is_empty() || !name.is_empty() {
            format!("The {kind} \"{name}\" is invalid")
        } else {
            "The request is invalid".to_string()
        };
        let causes: Vec<String> = status
            .pointer("/details/causes")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| format!("{}: {}", s(c, "/field"), s(c, "/message")))
                    .collect()
            })
            .unwrap_or_default();
        return match causes.len() {
            0 => format!("error: {prefix}"),
            1 => format!("{prefix}: {}", causes[0]),
            _ => format!("{prefix}: \n* {}", causes.join("\n* ")),
        };
    }
    match reason {
        "Unauthorized" => format!("error: You must be logged in to the server ({message})"),
        "" => format!("Error from server: {message}"),
        r => format!("Error from server ({r}): {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tabwriter_spacing_matches_kubectl() {
        let t = tabulate(&[
            vec![
                "NAME".into(),
                "READY".into(),
                "STATUS".into(),
                "RESTARTS".into(),
                "AGE".into(),
            ],
            vec![
                "nginx".into(),
                "1/1".into(),
                "Running".into(),
                "0".into(),
                "10s".into(),
            ],
        ]);
        assert_eq!(
            t,
            "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          10s\n"
        );
    }

    #[test]
    fn errors_render_like_kubectl() {
        assert_eq!(
            error_text(&json!({"reason": "Forbidden", "message": "pods is forbidden: x"})),
            "Error from server (Forbidden): pods is forbidden: x"
        );
        assert_eq!(
            error_text(&json!({"reason": "Unauthorized", "message": "Unauthorized"})),
            "error: You must be logged in to the server (Unauthorized)"
        );
        assert_eq!(
            error_text(
                &json!({"reason": "Invalid", "message": "…", "details": {"kind": "Pod", "name": "x",
                "causes": [{"field": "spec.containers[0].image", "message": "Required value"}]}})
            ),
            "The Pod \"x\" is invalid: spec.containers[0].image: Required value"
        );
    }
}

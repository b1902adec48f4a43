//! Server-side printing: the `Table` (meta.k8s.io/v1) the API server returns when a client
//! asks with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` — which `kubectl get`
//! does for its human-readable output. Columns and cells follow the upstream printers
//! (pkg/printers/internalversion/printers.go); resources without a printer get the default
//! `Name` / `Created At` columns, as the generic registry's default table convertor does.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::clock::{human_duration, parse_rfc3339, Instant};
use super::discovery::ApiResource;

/// One column: name, type, format, priority (0 shows always; 1 only with `-o wide`).
struct Col(&'static str, &'static str, &'static str, u8);

const NAME: Col = Col("Name", "string", "name", 0);
const AGE: Col = Col("Age", "string", "", 0);

/// Whether the Accept header asks for a Table.
pub fn wants_table(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table"))
}

fn s<'a>(obj: &'a Value, ptr: &str) -> &'a str {
    obj.ptr(ptr).and_then(Value::as_str).unwrap_or("")
}

fn arr<'a>(obj: &'a Value, ptr: &str) -> &'a [Value] {
    obj.ptr(ptr)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn int(obj: &Value, ptr: &str) -> i64 {
    obj.ptr(ptr).and_then(Value::as_i64).unwrap_or(0)
}

fn or_none(v: String) -> Value {
    if v.is_empty() {
        json!("<none>")
    } else {
        json!(v)
    }
}

fn age(obj: &Value, now: Instant) -> Value {
    match parse_rfc3339(s(obj, "/metadata/creationTimestamp")) {
        Some(t) => json!(human_duration(now - t)),
        None => json!("<unknown>"),
    }
}

/// `k=v,k2=v2` of a string map (sorted), `<none>` when empty.
fn map_text(obj: &Value, ptr: &str) -> String {
    match obj.ptr(ptr).and_then(Value::as_object) {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            crate::sim::sort::natural(&mut pairs);
            pairs.join(",")
        }
        _ => String::new(),
    }
}

/// A label selector as kubectl shows it (`app=web,tier in (a,b)`).
fn selector_text(sel: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
        let mut kv: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        crate::sim::sort::natural(&mut kv);
        parts.extend(kv);
    }
    for e in sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = s(e, "/key");
        let values: Vec<&str> = arr(e, "/values").iter().filter_map(Value::as_str).collect();
        parts.push(match s(e, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            op => format!("{key} {op}"),
        });
    }
    parts.join(",")
}

/// Container names and images of a pod template.
fn containers_images(spec: &Value) -> (Value, Value) {
    let cs = arr(spec, "/containers");
    let names: Vec<&str> = cs.iter().map(|c| s(c, "/name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "/image")).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

/// The status word `kubectl get pods` shows (printPod's reason logic, for the states the
/// simulation produces).
fn pod_status(o: &Value) -> String {
    let mut reason = match s(o, "/status/reason") {
        "" => s(o, "/status/phase").to_string(),
        r => r.to_string(),
    };
    if reason.is_empty() {
        reason = "Pending".into();
    }
    for c in arr(o, "/status/containerStatuses") {
        if let Some(r) = c.ptr("/state/waiting/reason").and_then(Value::as_str) {
            reason = r.to_string();
        } else if let Some(r) = c.ptr("/state/terminated/reason").and_then(Value::as_str) {
            reason = r.to_string();
        }
    }
    if o.ptr("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
    {
        reason = "Terminating".into();
    }
    reason
}

type Cells = Box<dyn Fn(&Value) -> Vec<Value>>;

/// Columns and the cell function for a resource.
fn printer(res: &ApiResource, now: Instant) -> (Vec<Col>, Cells) {
    match (res.group, res.name) {
        ("", "pods") => (
            vec![
                NAME,
                Col("Ready", "string", "", 0),
                Col("Status", "string", "", 0),
                Col("Restarts", "string", "", 0),
                AGE,
                Col("IP", "string", "", 1),
                Col("Node", "string", "", 1),
                Col("Nominated Node", "string", "", 1),
                Col("Readiness Gates", "string", "", 1),
            ],
            Box::new(move |o| {
                let total = arr(o, "/spec/containers").len();
                let statuses = arr(o, "/status/containerStatuses");
                let ready = statuses
                    .iter()
                    .filter(|c| c.get("ready") == Some(&Value::Bool(true)))
                    .count();
                let restarts: i64 = statuses.iter().map(|c| int(c, "/restartCount")).sum();
                let gates = arr(o, "/spec/readinessGates");
                vec![
                    json!(format!("{ready}/{total}")),
                    json!(pod_status(o)),
                    json!(restarts.to_string()),
                    age(o, now),
                    or_none(s(o, "/status/podIP").to_string()),
                    or_none(s(o, "/spec/nodeName").to_string()),
                    or_none(s(o, "/status/nominatedNodeName").to_string()),
                    if gates.is_empty() {
                        json!("<none>")
                    } else {
                        json!(format!("0/{}", gates.len()))
                    },
                ]
            }),
        ),
        ("", "namespaces") => (
            vec![NAME, Col("Status", "string", "", 0), AGE],
            Box::new(move |o| vec![json!(s(o, "/status/phase")), age(o, now)]),
        ),
        ("", "nodes") => (
            vec![
                NAME,
                Col("Status", "string", "", 0),
                Col("Roles", "string", "", 0),
                AGE,
                Col("Version", "string", "", 0),
                Col("Internal-IP", "string", "", 1),
                Col("External-IP", "string", "", 1),
                Col("OS-Image", "string", "", 1),
                Col("Kernel-Version", "string", "", 1),
                Col("Container-Runtime", "string", "", 1),
            ],
            Box::new(move |o| {
                let mut roles: Vec<String> = o
                    .ptr("/metadata/labels")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.keys()
                            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                crate::sim::sort::natural(&mut roles);
                let ready = arr(o, "/status/conditions")
                    .iter()
                    .find(|c| s(c, "/type") == "Ready")
                    .map(|c| {
                        if s(c, "/status") == "True" {
                            "Ready"
                        } else {
                            "NotReady"
                        }
                    })
                    .unwrap_or("Unknown");
                let mut status = ready.to_string();
                if o.ptr("/spec/unschedulable") == Some(&Value::Bool(true)) {
                    status.push_str(",SchedulingDisabled");
                }
                let address = |kind: &str| {
                    arr(o, "/status/addresses")
                        .iter()
                        .find(|a| s(a, "/type") == kind)
                        .map(|a| s(a, "/address").to_string())
                        .unwrap_or_default()
                };
                vec![
                    json!(status),
                    or_none(roles.join(",")),
                    age(o, now),
                    json!(s(o, "/status/nodeInfo/kubeletVersion")),
                    or_none(address("InternalIP")),
                    or_none(address("ExternalIP")),
                    json!(s(o, "/status/nodeInfo/osImage")),
                    json!(s(o, "/status/nodeInfo/kernelVersion")),
                    json!(s(o, "/status/nodeInfo/containerRuntimeVersion")),
                ]
            }),
        ),
        ("", "services") => (
            vec![
                NAME,
                Col("Type", "string", "", 0),
                Col("Cluster-IP", "string", "", 0),
                Col("External-IP", "string", "", 0),
                Col("Port(s)", "string", "", 0),
                AGE,
                Col("Selector", "string", "", 1),
            ],
            Box::new(move |o| {
                let kind = match s(o, "/spec/type") {
                    "" => "ClusterIP",
                    t => t,
                };
                let cluster_ip = match s(o, "/spec/clusterIP") {
                    "" => "<none>".to_string(),
                    ip => ip.to_string(),
                };
                let external: Vec<&str> = arr(o, "/spec/externalIPs")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let external = match (kind, external.is_empty()) {
                    ("ExternalName", _) => s(o, "/spec/externalName").to_string(),
                    ("LoadBalancer", true) => "<pending>".to_string(),
                    (_, true) => "<none>".to_string(),
                    _ => external.join(","),
                };
                let ports: Vec<String> = arr(o, "/spec/ports")
                    .iter()
                    .map(|p| {
                        let proto = match s(p, "/protocol") {
                            "" => "TCP",
                            x => x,
                        };
                        match p.get("nodePort").and_then(Value::as_i64) {
                            Some(np) => format!("{}:{np}/{proto}", int(p, "/port")),
                            None => format!("{}/{proto}", int(p, "/port")),
                        }
                    })
                    .collect();
                vec![
                    json!(kind),
                    json!(cluster_ip),
                    json!(external),
                    or_none(ports.join(",")),
                    age(o, now),
                    or_none(map_text(o, "/spec/selector")),
                ]
            }),
        ),
        ("", "endpoints") => (
            vec![NAME, Col("Endpoints", "string", "", 0), AGE],
            Box::new(move |o| {
                let mut eps: Vec<String> = Vec::new();
                for subset in arr(o, "/subsets") {
                    for a in arr(subset, "/addresses") {
                        for p in arr(subset, "/ports") {
                            eps.push(format!("{}:{}", s(a, "/ip"), int(p, "/port")));
                        }
                    }
                }
                vec![or_none(eps.join(",")), age(o, now)]
            }),
        ),
        ("", "serviceaccounts") => (
            vec![NAME, Col("Secrets", "integer", "", 0), AGE],
            Box::new(move |o| vec![json!(arr(o, "/secrets").len()), age(o, now)]),
        ),
        ("", "configmaps") => (
            vec![NAME, Col("Data", "integer", "", 0), AGE],
            Box::new(move |o| {
                let n = o.get("data").and_then(Value::as_object).map_or(0, Map::len)
                    + o.get("binaryData")
                        .and_then(Value::as_object)
                        .map_or(0, Map::len);
                vec![json!(n), age(o, now)]
            }),
        ),
        ("", "resourcequotas") => (
            vec![
                NAME,
                AGE,
                Col("Request", "string", "", 0),
                Col("Limit", "string", "", 0),
            ],
            Box::new(move |o| {
                // Each tracked name as used/hard; limits.* names in their own column.
                let (mut request, mut limit) = (Vec::new(), Vec::new());
                let hard = o.ptr("/status/hard").and_then(Value::as_object);
                let mut names: Vec<&String> = hard.map(|h| h.keys().collect()).unwrap_or_default();
                names.sort();
                for name in names {
                    let q = |field: &str| {
                        crate::sim::quantity::Quantity::of(
                            o.ptr(&format!("/status/{field}"))
                                .and_then(|m| m.get(name.as_str())),
                        )
                        .to_string()
                    };
                    let cell = format!("{name}: {}/{}", q("used"), q("hard"));
                    if name.split('.').next() == Some("limits") && name.contains('.') {
                        limit.push(cell);
                    } else {
                        request.push(cell);
                    }
                }
                vec![
                    age(o, now),
                    json!(request.join(", ")),
                    json!(limit.join(", ")),
                ]
            }),
        ),
        ("", "secrets") => (
            vec![
                NAME,
                Col("Type", "string", "", 0),
                Col("Data", "integer", "", 0),
                AGE,
            ],
            Box::new(move |o| {
                let n = o.get("data").and_then(Value::as_object).map_or(0, Map::len);
                vec![json!(s(o, "/type")), json!(n), age(o, now)]
            }),
        ),
        ("", "persistentvolumeclaims") => (
            vec![
                NAME,
                Col("Status", "string", "", 0),
                Col("Volume", "string", "", 0),
                Col("Capacity", "string", "", 0),
                Col("Access Modes", "string", "", 0),
                Col("StorageClass", "string", "", 0),
                Col("VolumeAttributesClass", "string", "", 0),
                AGE,
                Col("VolumeMode", "string", "", 1),
            ],
            Box::new(move |o| {
                let modes: Vec<&str> = arr(o, "/status/accessModes")
                    .iter()
                    .filter_map(Value::as_str)
                    .map(access_mode)
                    .collect();
                let phase = match s(o, "/status/phase") {
                    "" => "Pending",
                    p => p,
                };
                vec![
                    json!(phase),
                    json!(s(o, "/spec/volumeName")),
                    json!(s(o, "/status/capacity/storage")),
                    json!(modes.join(",")),
                    or_none(s(o, "/spec/storageClassName").to_string()),
                    or_none(s(o, "/spec/volumeAttributesClassName").to_string()),
                    age(o, now),
                    json!(match s(o, "/spec/volumeMode") {
                        "" => "Filesystem",
                        m => m,
                    }),
                ]
            }),
        ),
        ("apps", "deployments") => (
            vec![
                NAME,
                Col("Ready", "string", "", 0),
                Col("Up-to-date", "integer", "", 0),
                Col("Available", "integer", "", 0),
                AGE,
                Col("Containers", "string", "", 1),
                Col("Images", "string", "", 1),
                Col("Selector", "string", "", 1),
            ],
            Box::new(move |o| {
                let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
                vec![
                    json!(format!(
                        "{}/{}",
                        int(o, "/status/readyReplicas"),
                        o.ptr("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
                    )),
                    json!(int(o, "/status/updatedReplicas")),
                    json!(int(o, "/status/availableReplicas")),
                    age(o, now),
                    names,
                    images,
                    json!(selector_text(&o["spec"]["selector"])),
                ]
            }),
        ),
        ("apps", "replicasets") => (
            vec![
                NAME,
                Col("Desired", "integer", "", 0),
                Col("Current", "integer", "", 0),
                Col("Ready", "integer", "", 0),
                AGE,
                Col("Containers", "string", "", 1),
                Col("Images", "string", "", 1),
                Col("Selector", "string", "", 1),
            ],
            Box::new(move |o| {
                let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
                vec![
                    json!(o.ptr("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)),
                    json!(int(o, "/status/replicas")),
                    json!(int(o, "/status/readyReplicas")),
                    age(o, now),
                    names,
                    images,
                    json!(selector_text(&o["spec"]["selector"])),
                ]
            }),
        ),
        ("apps", "daemonsets") => (
            vec![
                NAME,
                Col("Desired", "integer", "", 0),
                Col("Current", "integer", "", 0),
                Col("Ready", "integer", "", 0),
                Col("Up-to-date", "integer", "", 0),
                Col("Available", "integer", "", 0),
                Col("Node Selector", "string", "", 0),
                AGE,
                Col("Containers", "string", "", 1),
                Col("Images", "string", "", 1),
                Col("Selector", "string", "", 1),
            ],
            Box::new(move |o| {
                let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
                vec![
                    json!(int(o, "/status/desiredNumberScheduled")),
                    json!(int(o, "/status/currentNumberScheduled")),
                    json!(int(o, "/status/numberReady")),
                    json!(int(o, "/status/updatedNumberScheduled")),
                    json!(int(o, "/status/numberAvailable")),
                    or_none(map_text(o, "/spec/template/spec/nodeSelector")),
                    age(o, now),
                    names,
                    images,
                    json!(selector_text(&o["spec"]["selector"])),
                ]
            }),
        ),
        ("apps", "statefulsets") => (
            vec![
                NAME,
                Col("Ready", "string", "", 0),
                AGE,
                Col("Containers", "string", "", 1),
                Col("Images", "string", "", 1),
            ],
            Box::new(move |o| {
                let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
                vec![
                    json!(format!(
                        "{}/{}",
                        int(o, "/status/readyReplicas"),
                        o.ptr("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
                    )),
                    age(o, now),
                    names,
                    images,
                ]
            }),
        ),
        ("batch", "cronjobs") => (
            vec![
                NAME,
                Col("Schedule", "string", "", 0),
                Col("Timezone", "string", "", 0),
                Col("Suspend", "boolean", "", 0),
                Col("Active", "integer", "", 0),
                Col("Last Schedule", "string", "", 0),
                AGE,
                Col("Containers", "string", "", 1),
                Col("Images", "string", "", 1),
                Col("Selector", "string", "", 1),
            ],
            Box::new(move |o| {
                let (names, images) =
                    containers_images(&o["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
                let last = match parse_rfc3339(s(o, "/status/lastScheduleTime")) {
                    Some(t) => human_duration(now - t),
                    None => "<none>".into(),
                };
                vec![
                    json!(s(o, "/spec/schedule")),
                    or_none(s(o, "/spec/timeZone").to_string()),
                    json!(o
                        .ptr("/spec/suspend")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)),
                    json!(arr(o, "/status/active").len()),
                    json!(last),
                    age(o, now),
                    names,
                    images,
                    json!(selector_text(&o["spec"]["jobTemplate"]["spec"]["selector"])),
                ]
            }),
        ),
        (g, "roles" | "clusterroles") if g == super::authz::rbac::GROUP => (
            vec![
                Col("Name", "string", "name", 0),
                Col("Created At", "date", "", 0),
            ],
            Box::new(|o| vec![json!(s(o, "/metadata/creationTimestamp"))]),
        ),
        (g, "rolebindings" | "clusterrolebindings") if g == super::authz::rbac::GROUP => (
            vec![
                NAME,
                Col("Role", "string", "", 0),
                AGE,
                Col("Users", "string", "", 1),
                Col("Groups", "string", "", 1),
                Col("ServiceAccounts", "string", "", 1),
            ],
            Box::new(move |o| {
                let subjects = arr(o, "/subjects");
                let pick = |kind: &str| -> Value {
                    let names: Vec<String> = subjects
                        .iter()
                        .filter(|x| s(x, "/kind") == kind)
                        .map(|x| {
                            if kind == "ServiceAccount" {
                                format!("{}/{}", s(x, "/namespace"), s(x, "/name"))
                            } else {
                                s(x, "/name").to_string()
                            }
                        })
                        .collect();
                    json!(names.join(", "))
                };
                vec![
                    json!(format!(
                        "{}/{}",
                        s(o, "/roleRef/kind"),
                        s(o, "/roleRef/name")
                    )),
                    age(o, now),
                    pick("User"),
                    pick("Group"),
                    pick("ServiceAccount"),
                ]
            }),
        ),
        ("certificates.k8s.io", "certificatesigningrequests") => (
            vec![
                NAME,
                AGE,
                Col("SignerName", "string", "", 0),
                Col("Requestor", "string", "", 0),
                Col("RequestedDuration", "string", "", 0),
                Col("Condition", "string", "", 0),
            ],
            Box::new(move |o| {
                // Denied wins over Approved; Failed and Issued are added (extractCSRStatus).
                let has = |t: &str| {
                    arr(o, "/status/conditions")
                        .iter()
                        .any(|c| s(c, "/type") == t)
                };
                let mut status = if has("Denied") {
                    "Denied".to_string()
                } else if has("Approved") {
                    "Approved".to_string()
                } else {
                    "Pending".to_string()
                };
                if has("Failed") {
                    status.push_str(",Failed");
                }
                if !s(o, "/status/certificate").is_empty() {
                    status.push_str(",Issued");
                }
                let duration = match o.ptr("/spec/expirationSeconds").and_then(Value::as_i64) {
                    Some(secs) => human_duration(secs),
                    None => "<none>".into(),
                };
                vec![
                    age(o, now),
                    json!(s(o, "/spec/signerName")),
                    json!(s(o, "/spec/username")),
                    json!(duration),
                    json!(status),
                ]
            }),
        ),
        ("networking.k8s.io", "networkpolicies") => (
            vec![NAME, Col("Pod-Selector", "string", "", 0), AGE],
            Box::new(move |o| {
                let sel = selector_text(&o["spec"]["podSelector"]);
                vec![or_none(sel), age(o, now)]
            }),
        ),
        ("scheduling.k8s.io", "priorityclasses") => (
            vec![
                NAME,
                Col("Value", "integer", "", 0),
                Col("Global-Default", "boolean", "", 0),
                AGE,
                Col("PreemptionPolicy", "string", "", 0),
            ],
            Box::new(move |o| {
                vec![
                    json!(int(o, "/value")),
                    json!(o
                        .get("globalDefault")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)),
                    age(o, now),
                    json!(s(o, "/preemptionPolicy")),
                ]
            }),
        ),
        ("coordination.k8s.io", "leases") => (
            vec![NAME, Col("Holder", "string", "", 0), AGE],
            Box::new(move |o| vec![json!(s(o, "/spec/holderIdentity")), age(o, now)]),
        ),
        (
            "admissionregistration.k8s.io",
            "validatingwebhookconfigurations" | "mutatingwebhookconfigurations",
        ) => (
            vec![NAME, Col("Webhooks", "integer", "", 0), AGE],
            Box::new(move |o| vec![json!(arr(o, "/webhooks").len()), age(o, now)]),
        ),
        _ => (
            vec![
                Col("Name", "string", "name", 0),
                Col("Created At", "date", "", 0),
            ],
            Box::new(|o| vec![json!(s(o, "/metadata/creationTimestamp"))]),
        ),
    }
}

fn access_mode(m: &str) -> &str {
    match m {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        other => other,
    }
}

/// The Table for some objects of one resource (a list, or one object).
pub fn table(res: &ApiResource, items: &[Value], resource_version: &str, now: Instant) -> Value {
    let (cols, cells) = printer(res, now);
    let defs: Vec<Value> = cols
        .iter()
        .map(|Col(name, kind, format, priority)| {
            json!({"name": name, "type": kind, "format": format, "description": "", "priority": priority})
        })
        .collect();
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut row = vec![json!(s(o, "/metadata/name"))];
            row.extend(cells(o));
            row.truncate(cols.len());
            json!({
                "cells": row,
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": o.get("metadata").cloned().unwrap_or(json!({})),
                },
            })
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": defs,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::discovery;

    fn res(group: &str, name: &str) -> &'static ApiResource {
        match discovery::by_resource(37, group, name) {
            Some(r) => r,
            None => panic!("{group}/{name}"),
        }
    }

    #[test]
    fn accept_header_selects_tables() {
        assert!(wants_table(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        ));
        assert!(!wants_table("application/json"));
        assert!(!wants_table(
            "application/json, application/json;as=Table;v=v1;g=meta.k8s.io"
        ));
    }

    #[test]
    fn pod_rows_follow_the_upstream_printer() {
        let pod = json!({"metadata": {"name": "web", "creationTimestamp": "1970-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"ready": true, "restartCount": 2}, {"ready": false, "restartCount": 1,
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        let t = table(res("", "pods"), &[pod], "7", 300);
        let names: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["name"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(names[..5], ["Name", "Ready", "Status", "Restarts", "Age"]);
        assert_eq!(t["columnDefinitions"][5]["priority"], 1);
        assert_eq!(
            t["rows"][0]["cells"],
            json!([
                "web",
                "1/2",
                "CrashLoopBackOff",
                "3",
                "5m",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ])
        );
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(t["metadata"]["resourceVersion"], "7");
    }

    #[test]
    fn services_and_deployments_and_the_default_columns() {
        let svc = json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "clusterIP": "10.96.0.10",
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}],
            "selector": {"app": "web"}}});
        let t = table(res("", "services"), &[svc], "1", 0);
        assert_eq!(
            t["rows"][0]["cells"],
            json!([
                "web",
                "NodePort",
                "10.96.0.10",
                "<none>",
                "80:30080/TCP,53/UDP",
                "<unknown>",
                "app=web"
            ])
        );
        let dep = json!({"metadata": {"name": "api"}, "spec": {"replicas": 3,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}});
        let t = table(res("apps", "deployments"), &[dep], "1", 0);
        assert_eq!(
            t["rows"][0]["cells"],
            json!([
                "api",
                "2/3",
                3,
                2,
                "<unknown>",
                "c",
                "nginx:1.27",
                "app=api"
            ])
        );
        let pc = json!({"metadata": {"name": "high", "creationTimestamp": "2026-01-01T00:00:00Z"}});
        let t = table(res("", "limitranges"), &[pc], "1", 0);
        assert_eq!(t["columnDefinitions"][1]["name"], "Created At");
        assert_eq!(
            t["rows"][0]["cells"],
            json!(["high", "2026-01-01T00:00:00Z"])
        );
    }
}

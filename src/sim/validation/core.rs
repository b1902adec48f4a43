//! Field validation of core objects as `pkg/apis/core/validation` does it, in its order:
//! a pod's volumes, its containers (names, image, ports, environment, mounts, pull policy,
//! resources), its init containers, restart and DNS policies, node selector, and the scalar
//! fields; a Service's ports and selector. Go walks resource maps in random order; kubegate
//! walks them by name.

use crate::sim::ptr::Ptr as _;
use std::collections::BTreeSet;

use serde_json::Value;

use super::{
    duplicate, forbidden, invalid_int, invalid_str, not_found, not_supported, required, Checks,
    Errs,
};
use crate::sim::quantity::Quantity;
use crate::sim::response::{FieldError, FieldErrorKind};

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const PORT_RANGE_MSG: &str = "must be between 1 and 65535, inclusive";

fn arr<'v>(v: &'v Value, path: &str) -> &'v [Value] {
    v.ptr(path)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `value` must be an RFC 1123 label; the field's path is written out only for an error.
fn dns1123_label(errs: &mut Errs, field: impl FnOnce() -> String, value: &str) {
    if !super::is_label(value) {
        errs.push(invalid_str(&field(), value, DNS1123_LABEL_MSG));
    }
}

/// `value`, when set, must be an RFC 1123 subdomain (a name a resource can refer to).
fn dns1123_subdomain(errs: &mut Errs, field: impl FnOnce() -> String, value: &str) {
    if !value.is_empty() && !super::is_dns1123_subdomain(value) {
        errs.push(invalid_str(&field(), value, super::DNS1123_SUBDOMAIN_MSG));
    }
}

/// `IsValidPortName`'s problems.
fn port_name_problems(name: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if name.len() > 15 {
        out.push("must be no more than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        out.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        out.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        out.push("must not begin or end with a hyphen");
    }
    out
}

/// `IsEnvVarName`.
fn env_name_ok(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

const ENV_NAME_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

fn ports(errs: &mut Errs, c: &Value, path: &str) {
    let mut names = BTreeSet::new();
    for (i, p) in arr(c, "/ports").iter().enumerate() {
        let at = format!("{path}.ports[{i}]");
        let name = s(p, "name");
        if !name.is_empty() {
            let problems = port_name_problems(name);
            if !problems.is_empty() {
                for m in problems {
                    errs.push(invalid_str(&format!("{at}.name"), name, m));
                }
            } else if !names.insert(name.to_string()) {
                errs.push(duplicate(format!("{at}.name"), name));
            }
        }
        match p
            .field("containerPort")
            .and_then(Value::as_i64)
            .unwrap_or(0)
        {
            0 => errs.push(required(&format!("{at}.containerPort"), "")),
            n if !(1..=65535).contains(&n) => {
                errs.push(invalid_int(
                    &format!("{at}.containerPort"),
                    n,
                    PORT_RANGE_MSG,
                ));
            }
            _ => {}
        }
        let host = p.field("hostPort").and_then(Value::as_i64).unwrap_or(0);
        if host != 0 && !(1..=65535).contains(&host) {
            errs.push(invalid_int(&format!("{at}.hostPort"), host, PORT_RANGE_MSG));
        }
        match s(p, "protocol") {
            "" => errs.push(required(&format!("{at}.protocol"), "")),
            "TCP" | "UDP" | "SCTP" => {}
            other => errs.push(not_supported(
                &format!("{at}.protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
}

/// Whether requests may be below limits for a resource (native ones but hugepages).
fn overcommit_allowed(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    native && !name.starts_with("hugepages-")
}

fn resources(errs: &mut Errs, c: &Value, path: &str) {
    let list = |k: &str| -> Vec<(String, Quantity)> {
        c.ptr(&format!("/resources/{k}"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(n, q)| Quantity::from_json(q).map(|q| (n.clone(), q)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let limits = list("limits");
    let requests = list("requests");
    for (name, q) in limits.iter().chain(requests.iter()) {
        if q.is_negative() {
            let which = if limits.iter().any(|(n, l)| n == name && l == q) {
                "limits"
            } else {
                "requests"
            };
            errs.push(invalid_str(
                &format!("{path}.resources.{which}[{name}]"),
                &q.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    for (name, req) in &requests {
        match limits.iter().find(|(n, _)| n == name) {
            Some((_, lim)) if req != lim && !overcommit_allowed(name) => errs.push(invalid_str(
                &format!("{path}.resources.requests"),
                &req.to_string(),
                &format!("must be equal to {name} limit of {lim}"),
            )),
            Some((_, lim)) if req > lim => errs.push(invalid_str(
                &format!("{path}.resources.requests"),
                &req.to_string(),
                &format!("must be less than or equal to {name} limit of {lim}"),
            )),
            None if !overcommit_allowed(name) => errs.push(required(
                &format!("{path}.resources.limits"),
                "Limit must be set for non overcommitable resources",
            )),
            _ => {}
        }
    }
}

/// `validateContainerCommon` for one container.
fn container(errs: &mut Errs, c: &Value, path: &str, volumes: &BTreeSet<String>) {
    let name = s(c, "name");
    if name.is_empty() {
        errs.push(required(&format!("{path}.name"), ""));
    } else {
        dns1123_label(errs, || format!("{path}.name"), name);
    }
    if s(c, "image").is_empty() {
        errs.push(required(&format!("{path}.image"), ""));
    }
    match s(c, "terminationMessagePolicy") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(required(&format!("{path}.terminationMessagePolicy"), "")),
        other => errs.push(not_supported(
            &format!("{path}.terminationMessagePolicy"),
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    ports(errs, c, path);
    for (i, e) in arr(c, "/env").iter().enumerate() {
        let n = s(e, "name");
        if n.is_empty() {
            errs.push(required(&format!("{path}.env[{i}].name"), ""));
        } else if !env_name_ok(n) {
            errs.push(invalid_str(
                &format!("{path}.env[{i}].name"),
                n,
                ENV_NAME_MSG,
            ));
        }
    }
    let mut mount_paths = BTreeSet::new();
    for (i, m) in arr(c, "/volumeMounts").iter().enumerate() {
        let at = format!("{path}.volumeMounts[{i}]");
        let n = s(m, "name");
        if n.is_empty() {
            errs.push(required(&format!("{at}.name"), ""));
        }
        if !volumes.contains(n) {
            errs.push(not_found(format!("{at}.name"), n));
        }
        let mp = s(m, "mountPath");
        if mp.is_empty() {
            errs.push(required(&format!("{at}.mountPath"), ""));
        }
        if !mount_paths.insert(mp.to_string()) {
            errs.push(invalid_str(
                &format!("{at}.mountPath"),
                mp,
                "must be unique",
            ));
        }
    }
    match s(c, "imagePullPolicy") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(required(&format!("{path}.imagePullPolicy"), "")),
        other => errs.push(not_supported(
            &format!("{path}.imagePullPolicy"),
            other,
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    resources(errs, c, path);
}

/// A pod spec at `path` (`spec`, or `spec.template.spec` of a workload).
pub fn pod_spec(errs: &mut Errs, checks: &mut Checks, spec: &Value, path: &str) {
    // Volumes: names are labels and unique.
    let mut volumes = BTreeSet::new();
    for (i, v) in arr(spec, "/volumes").iter().enumerate() {
        let n = s(v, "name");
        let at = || format!("{path}.volumes[{i}].name");
        if n.is_empty() {
            errs.push(required(&at(), ""));
        } else {
            dns1123_label(errs, at, n);
            if !volumes.insert(n.to_string()) {
                errs.push(duplicate(at(), n));
            }
        }
    }
    checks.push("volume names");
    // Containers, then init containers; names are unique across both.
    let containers = arr(spec, "/containers");
    if containers.is_empty() {
        errs.push(required(&format!("{path}.containers"), ""));
    }
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let at = format!("{path}.containers[{i}]");
        container(errs, c, &at, &volumes);
        let n = s(c, "name");
        if !n.is_empty() && !names.insert(n.to_string()) {
            errs.push(duplicate(format!("{at}.name"), n));
        }
    }
    for (i, c) in arr(spec, "/initContainers").iter().enumerate() {
        let at = format!("{path}.initContainers[{i}]");
        let n = s(c, "name");
        if !n.is_empty() && names.contains(n) {
            errs.push(duplicate(format!("{at}.name"), n));
        }
        container(errs, c, &at, &volumes);
        names.insert(n.to_string());
    }
    checks.push("containers (names, image, ports, env, volume mounts, pull policy, resources)");
    match s(spec, "restartPolicy") {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(required(&format!("{path}.restartPolicy"), "")),
        other => errs.push(not_supported(
            &format!("{path}.restartPolicy"),
            other,
            &["Always", "OnFailure", "Never"],
        )),
    }
    match s(spec, "dnsPolicy") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(required(&format!("{path}.dnsPolicy"), "")),
        other => errs.push(not_supported(
            &format!("{path}.dnsPolicy"),
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    checks.push("restart and DNS policies");
    super::labels(
        errs,
        spec.field("nodeSelector"),
        &format!("{path}.nodeSelector"),
    );
    dns1123_subdomain(
        errs,
        || format!("{path}.serviceAccountName"),
        s(spec, "serviceAccountName"),
    );
    if let Some(d) = spec.field("activeDeadlineSeconds").and_then(Value::as_i64) {
        if !(1..=i64::from(i32::MAX)).contains(&d) {
            errs.push(invalid_int(
                &format!("{path}.activeDeadlineSeconds"),
                d,
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }
    for (i, t) in arr(spec, "/tolerations").iter().enumerate() {
        let at = format!("{path}.tolerations[{i}]");
        let op = s(t, "operator");
        if s(t, "key").is_empty() && op != "Exists" {
            errs.push(invalid_str(
                &format!("{at}.operator"),
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        match op {
            "" | "Equal" | "Exists" => {}
            other => errs.push(not_supported(
                &format!("{at}.operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if op == "Exists" && !s(t, "value").is_empty() {
            errs.push(invalid_str(
                &format!("{at}.operator"),
                s(t, "value"),
                "value must be empty when `operator` is 'Exists'",
            ));
        }
        if t.field("tolerationSeconds").is_some() && s(t, "effect") != "NoExecute" {
            errs.push(invalid_str(
                &format!("{at}.effect"),
                s(t, "effect"),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
    }
    checks.push("node selector, service account name, deadlines, tolerations");
}

/// A Service.
pub fn service(errs: &mut Errs, checks: &mut Checks, obj: &Value) {
    let spec = obj.field("spec").cloned().unwrap_or(Value::Null);
    let kind = s(&spec, "type");
    let ports = arr(&spec, "/ports");
    if ports.is_empty() && kind != "ExternalName" && s(&spec, "clusterIP") != "None" {
        errs.push(required("spec.ports", ""));
    }
    let multi = ports.len() > 1;
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let at = format!("spec.ports[{i}]");
        let name = s(p, "name");
        if multi && name.is_empty() {
            errs.push(required(&format!("{at}.name"), ""));
        } else if !name.is_empty() {
            dns1123_label(errs, || format!("{at}.name"), name);
            if !names.insert(name.to_string()) {
                errs.push(duplicate(format!("{at}.name"), name));
            }
        }
        match p.field("port").and_then(Value::as_i64).unwrap_or(0) {
            n if !(1..=65535).contains(&n) => {
                errs.push(invalid_int(&format!("{at}.port"), n, PORT_RANGE_MSG));
            }
            _ => {}
        }
        match s(p, "protocol") {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errs.push(required(&format!("{at}.protocol"), "")),
            other => errs.push(not_supported(
                &format!("{at}.protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
            )),
        }
        if let Some(t) = p.field("targetPort").and_then(Value::as_i64) {
            if !(1..=65535).contains(&t) {
                errs.push(invalid_int(&format!("{at}.targetPort"), t, PORT_RANGE_MSG));
            }
        }
    }
    match kind {
        "" | "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" => {}
        other => errs.push(not_supported(
            "spec.type",
            other,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        )),
    }
    super::labels(errs, spec.field("selector"), "spec.selector");
    checks.push("ports (names, numbers, protocols), type, selector");
}

const UPDATABLE_POD_SPEC_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate`: a pod's spec is immutable but for its images, activeDeadlineSeconds
/// (set, or lowered), tolerations (added) and a negative terminationGracePeriodSeconds set
/// to 1. The refusal lists what may change and then the difference; upstream prints the
/// difference with go-cmp (whose layout is deliberately unstable), kubegate names each
/// changed field of the spec with its value before (`-`) and after (`+`).
pub fn pod_update(errs: &mut Errs, new: &Value, old: &Value) {
    let (ns, os) = (
        new.field("spec").cloned().unwrap_or(Value::Null),
        old.field("spec").cloned().unwrap_or(Value::Null),
    );
    for list in ["containers", "initContainers"] {
        if arr(&ns, &format!("/{list}")).len() != arr(&os, &format!("/{list}")).len() {
            errs.push(forbidden(
                &format!("spec.{list}"),
                "pod updates may not add or remove containers".into(),
            ));
            return;
        }
        for (i, c) in arr(&ns, &format!("/{list}")).iter().enumerate() {
            if s(c, "image").is_empty() {
                errs.push(required(&format!("spec.{list}[{i}].image"), ""));
            }
        }
    }
    let deadline = |v: &Value| v.field("activeDeadlineSeconds").and_then(Value::as_i64);
    match (deadline(&ns), deadline(&os)) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            errs.push(invalid_int(
                "spec.activeDeadlineSeconds",
                n,
                "must be between 0 and 2147483647, inclusive",
            ));
            return;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(invalid_int(
                "spec.activeDeadlineSeconds",
                n,
                "must be less than or equal to previous value",
            ));
            return;
        }
        (None, Some(_)) => errs.push(FieldError {
            kind: FieldErrorKind::Invalid,
            field: "spec.activeDeadlineSeconds".into(),
            value: Some("null".into()),
            detail: "must not update from a positive integer to nil value".into(),
        }),
        _ => {}
    }
    // validateOnlyAddedTolerations: each old toleration is still there, but for its
    // tolerationSeconds.
    let without_seconds = |t: &Value| {
        let mut t = t.clone();
        if let Some(m) = t.as_object_mut() {
            m.remove("tolerationSeconds");
        }
        t
    };
    let new_tolerations: Vec<Value> = arr(&ns, "/tolerations")
        .iter()
        .map(without_seconds)
        .collect();
    if arr(&os, "/tolerations")
        .iter()
        .any(|o| !new_tolerations.contains(&without_seconds(o)))
    {
        errs.push(forbidden(
            "spec.tolerations",
            "existing toleration can not be modified except its tolerationSeconds".into(),
        ));
        return;
    }
    if ns == os {
        return;
    }
    // The spec with what may change put back as it was.
    let mut munged = ns.clone();
    for list in ["containers", "initContainers"] {
        let olds = arr(&os, &format!("/{list}")).to_vec();
        if let Some(cs) = munged.get_mut(list).and_then(Value::as_array_mut) {
            for (c, o) in cs.iter_mut().zip(&olds) {
                c["image"] = o.field("image").cloned().unwrap_or(Value::Null);
            }
        }
    }
    for field in ["activeDeadlineSeconds", "tolerations", "schedulingGates"] {
        match (os.get(field), munged.as_object_mut()) {
            (Some(v), Some(m)) => {
                m.insert(field.into(), v.clone());
            }
            (None, Some(m)) => {
                m.remove(field);
            }
            _ => {}
        }
    }
    let grace = |v: &Value| {
        v.field("terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
    };
    if grace(&os).is_some_and(|g| g < 0) && grace(&munged) == Some(1) {
        munged["terminationGracePeriodSeconds"] = os["terminationGracePeriodSeconds"].clone();
    }
    if munged == os {
        return;
    }
    let diff = spec_diff("core.PodSpec", &os, &munged);
    errs.push(forbidden(
        "spec",
        format!("pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}\n{diff}"),
    ));
}

/// The difference between two specs, as an immutable spec's refusal shows it. Upstream prints
/// it with go-cmp, whose layout is deliberately unstable (it varies its spaces so that no one
/// matches it byte for byte); kubegate keeps its shape: each changed field of the spec under
/// its Go name with its value before (`-`) and after (`+`), then how many are the same.
fn spec_diff(type_name: &str, old: &Value, new: &Value) -> String {
    let mut diff = format!("  {type_name}{{\n");
    let empty = serde_json::Map::new();
    let (om, nm) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
    keys.sort();
    keys.dedup();
    let go_name = |k: &str| {
        let mut c = k.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    let mut same = 0;
    for k in keys {
        let (o, n) = (om.get(k), nm.get(k));
        if o == n {
            same += 1;
            continue;
        }
        if let Some(o) = o {
            diff.push_str(&format!("- \t{}: {},\n", go_name(k), o));
        }
        if let Some(n) = n {
            diff.push_str(&format!("+ \t{}: {},\n", go_name(k), n));
        }
    }
    if same > 0 {
        diff.push_str(&format!("  \t... // {same} identical fields\n"));
    }
    diff.push_str("  }\n");
    diff
}

/// The access modes a claim may ask for.
const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// `ValidatePersistentVolumeClaimSpec` (v1.37, VolumeAttributesClass on): access modes,
/// a positive storage request, the class names, the volume mode.
pub fn pvc_spec(errs: &mut Errs, checks: &mut Checks, spec: &Value) {
    let modes = arr(spec, "/accessModes");
    if modes.is_empty() {
        errs.push(required(
            "spec.accessModes",
            "at least 1 access mode is required",
        ));
    }
    let (mut once_pod, mut other) = (false, false);
    for m in modes {
        let mode = m.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&mode) {
            errs.push(not_supported("spec.accessModes", mode, &ACCESS_MODES));
        } else if mode == "ReadWriteOncePod" {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if once_pod && other {
        errs.push(forbidden(
            "spec.accessModes",
            "may not use ReadWriteOncePod with other access modes".into(),
        ));
    }
    match spec.ptr("/resources/requests/storage") {
        None => errs.push(required("spec.resources[storage]", "")),
        Some(v) => {
            let q = v.as_str().and_then(Quantity::parse);
            if let Some(q) = q.filter(|q| q.is_negative() || q.is_zero()) {
                errs.push(invalid_str(
                    "spec.resources[storage]",
                    &q.to_string(),
                    "must be greater than zero",
                ));
            }
        }
    }
    for field in ["storageClassName", "volumeAttributesClassName"] {
        dns1123_subdomain(errs, || format!("spec.{field}"), s(spec, field));
    }
    if let Some(mode) = spec.field("volumeMode").and_then(Value::as_str) {
        if !["Block", "Filesystem"].contains(&mode) {
            errs.push(not_supported(
                "spec.volumeMode",
                mode,
                &["Block", "Filesystem"],
            ));
        }
    }
    checks.push("access modes, a positive storage request, class names, volume mode");
}

/// The beta annotation that named a claim's class before `storageClassName`.
const BETA_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// `ValidatePersistentVolumeClaimUpdate` (v1.37: RecoverVolumeExpansionFailure and
/// VolumeAttributesClass on): a claim's spec is immutable but for its volumeName (set once),
/// a class named once where none was, and, once bound, its storage request and
/// volumeAttributesClassName. The request may shrink only while it stays above the capacity
/// the claim was given.
pub fn pvc_update(errs: &mut Errs, new: &Value, old: &Value) {
    let spec_of = |v: &Value| v.field("spec").cloned().unwrap_or(Value::Null);
    let (mut ns, mut os) = (spec_of(new), spec_of(old));
    // Quantities compare by value (apiequality.Semantic), not by how they are written.
    for spec in [&mut ns, &mut os] {
        if let Some(reqs) = spec
            .get_mut("resources")
            .and_then(|r| r.get_mut("requests"))
            .and_then(Value::as_object_mut)
        {
            for q in reqs.values_mut() {
                if let Some(parsed) = q.as_str().and_then(Quantity::parse) {
                    *q = Value::String(parsed.to_string());
                }
            }
        }
    }
    let text = |v: &Value, p: &str| v.ptr(p).and_then(Value::as_str).map(str::to_string);
    // The volume name may be set once.
    if text(&os, "/volumeName").unwrap_or_default().is_empty() {
        match ns.field("volumeName") {
            Some(v) => os["volumeName"] = v.clone(),
            None => remove(&mut os, "volumeName"),
        }
    }
    let annotation = |v: &Value| {
        v.ptr("/metadata/annotations")
            .and_then(|a| a.field(BETA_CLASS))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let (old_note, new_note) = (annotation(old), annotation(new));
    let (old_class, new_class) = (
        text(&os, "/storageClassName"),
        text(&ns, "/storageClassName"),
    );
    let from_annotation = old_note.is_some()
        && old_class.is_none()
        && new_class.is_some()
        && new_class == old_note
        && (new_note.is_none() || new_note == old_note);
    if from_annotation {
        remove(&mut ns, "storageClassName");
    } else {
        // Go compares the two annotations as strings: a missing one reads "".
        if new_note.as_deref().unwrap_or("") != old_note.as_deref().unwrap_or("") {
            errs.push(invalid_str(
                &format!("metadata.annotations.{BETA_CLASS}"),
                new_note.as_deref().unwrap_or(""),
                "field is immutable",
            ));
        }
        let from_nil = new_class.is_some()
            && old_class.is_none()
            && (old_note.is_none() || new_class == old_note);
        if from_nil {
            remove(&mut ns, "storageClassName");
        }
    }
    let bound = old.ptr("/status/phase").and_then(Value::as_str) == Some("Bound");
    if bound {
        if let Some(reqs) = ns
            .get_mut("resources")
            .and_then(|r| r.get_mut("requests"))
            .and_then(Value::as_object_mut)
        {
            match os.ptr("/resources/requests/storage") {
                Some(v) => {
                    reqs.insert("storage".into(), v.clone());
                }
                None => {
                    reqs.remove("storage");
                }
            }
        }
        if ns.field("volumeAttributesClassName").is_some() {
            match os.field("volumeAttributesClassName").cloned() {
                Some(v) => ns["volumeAttributesClassName"] = v,
                None => remove(&mut ns, "volumeAttributesClassName"),
            }
        }
    }
    if ns != os {
        errs.push(forbidden(
            "spec",
            format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                spec_diff("core.PersistentVolumeClaimSpec", &os, &ns)
            ),
        ));
    }
    let size = |v: &Value, p: &str| {
        v.ptr(p)
            .and_then(Value::as_str)
            .and_then(Quantity::parse)
            .or_else(|| Quantity::parse("0"))
    };
    let (old_size, new_size) = (
        size(old, "/spec/resources/requests/storage"),
        size(new, "/spec/resources/requests/storage"),
    );
    if new_size < old_size && new_size <= size(old, "/status/capacity/storage") {
        errs.push(forbidden(
            "spec.resources.requests.storage",
            "field can not be less than status.capacity".into(),
        ));
    }
    let mode = |v: &Value| {
        v.ptr("/spec/volumeMode")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if mode(new) != mode(old) {
        errs.push(match mode(new) {
            Some(m) => invalid_str("volumeMode", &m, "field is immutable"),
            None => FieldError {
                kind: FieldErrorKind::Invalid,
                field: "volumeMode".into(),
                value: Some("null".into()),
                detail: "field is immutable".into(),
            },
        });
    }
    let vac = |v: &Value| {
        v.ptr("/spec/volumeAttributesClassName")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if vac(old).is_some() && vac(new) != vac(old) {
        match vac(new).as_deref() {
            None => errs.push(forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to nil is forbidden".into(),
            )),
            Some("") => errs.push(forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to an empty string is forbidden".into(),
            )),
            Some(_) => {}
        }
    }
}

/// Takes a field out of a spec (as if it had never been set).
fn remove(spec: &mut Value, field: &str) {
    if let Some(m) = spec.as_object_mut() {
        m.remove(field);
    }
}

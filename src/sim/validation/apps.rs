//! Field validation of the apps workloads (`pkg/apis/apps/validation`): replicas, the
//! selector and its match with the template's labels, and the template's pod spec (whose
//! restart policy must be Always).

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::{invalid_int, invalid_json, not_supported, required, Checks, Errs};

/// A Deployment, ReplicaSet, StatefulSet or DaemonSet.
pub fn workload(errs: &mut Errs, checks: &mut Checks, obj: &Value, resource: &str) {
    if resource != "daemonsets" {
        if let Some(r) = obj.ptr("/spec/replicas").and_then(Value::as_i64) {
            if r < 0 {
                errs.push(invalid_int(
                    "spec.replicas",
                    r,
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    let selector = obj.ptr("/spec/selector");
    let labels = obj.ptr("/spec/template/metadata/labels");
    match selector {
        None | Some(Value::Null) => errs.push(required("spec.selector", "")),
        Some(sel) => {
            let empty = sel
                .get("matchLabels")
                .and_then(Value::as_object)
                .is_none_or(|m| m.is_empty())
                && sel
                    .get("matchExpressions")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty);
            if empty {
                errs.push(invalid_json(
                    "spec.selector",
                    sel,
                    "empty selector is invalid for deployment",
                ));
            } else {
                match crate::sim::labels::from_label_selector(Some(sel)) {
                    Ok(s) if !s.matches(labels) => errs.push(invalid_json(
                        "spec.template.metadata.labels",
                        labels.unwrap_or(&Value::Null),
                        "`selector` does not match template `labels`",
                    )),
                    Ok(_) => {}
                    Err(e) => errs.push(invalid_json("spec.selector", sel, &e)),
                }
            }
        }
    }
    checks.push("replicas, selector and the template's labels");
    super::labels(errs, labels, "spec.template.metadata.labels");
    let spec = obj.ptr("/spec/template/spec").unwrap_or(&Value::Null);
    super::core::pod_spec(errs, checks, spec, "spec.template.spec");
    let restart = spec
        .get("restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !restart.is_empty() && restart != "Always" && resource != "statefulsets" {
        errs.push(not_supported(
            "spec.template.spec.restartPolicy",
            restart,
            &["Always"],
        ));
    }
}

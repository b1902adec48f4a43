//! The networking admission plugins (`plugin/pkg/admission/network`):
//! - **DefaultIngressClass** (on by default): an Ingress that names no class gets the
//!   default IngressClass;
//! - **DenyServiceExternalIPs** (off by default): no new `spec.externalIPs` on Services.
//!
//! See <https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::response::ApiError;

/// DefaultIngressClass' `Admit`.
pub fn default_ingress_class(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if a.resource != "ingresses" || !a.subresource.is_empty() {
        return Verdict::Skip("only looks at Ingresses".into());
    }
    if a.kind != "Ingress" {
        return Verdict::Reject(ApiError::internal(&format!(
            "Expected Ingress resource, got: {}",
            a.kind
        )));
    }
    let Some(ingress) = a.object_mut() else {
        return Verdict::Skip("no Ingress".into());
    };
    let named = ingress
        .ptr("/spec/ingressClassName")
        .is_some_and(|c| !c.is_null())
        || ingress
            .ptr("/metadata/annotations/kubernetes.io~1ingress.class")
            .is_some();
    if named {
        return Verdict::Admit("the Ingress names its class".into());
    }
    let Some(default) = super::storage::newest_default(
        ctx.store.list("networking.k8s.io", "ingressclasses", None),
        &["ingressclass.kubernetes.io/is-default-class"],
    ) else {
        return Verdict::Admit("there is no default IngressClass".into());
    };
    let name = crate::sim::store::name_of(default).to_string();
    if !ingress.get("spec").is_some_and(Value::is_object) {
        ingress["spec"] = json!({});
    }
    ingress["spec"]["ingressClassName"] = json!(name);
    Verdict::Admit(format!("set ingressClassName to the default IngressClass \"{name}\"").into())
}

/// DenyServiceExternalIPs' `Validate`.
pub fn deny_external_ips(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("services") {
        return Verdict::Skip("only looks at Services".into());
    }
    let ips = |o: Option<&Value>| -> Vec<String> {
        o.and_then(|s| s.ptr("/spec/externalIPs"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let new = ips(a.object.as_ref());
    if new.is_empty() {
        return Verdict::Admit("the Service has no external IPs".into());
    }
    if a.operation == Operation::Update {
        let old = ips(a.old_object.as_ref());
        if new.iter().all(|ip| old.contains(ip)) {
            return Verdict::Admit("the update adds no external IP".into());
        }
    }
    Verdict::Reject(a.forbidden("Use of external IPs is denied by admission control"))
}

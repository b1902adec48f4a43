//! OwnerReferencesPermissionEnforcement (`plugin/pkg/admission/gc`), off by default: changing
//! an object's owner references needs the right to delete the object, and making a reference
//! block its owner's deletion needs the right to update the owner's finalizers.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#ownerreferencespermissionenforcement>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::authz::{self, Attributes as AuthzAttributes};
use crate::sim::trace::Decision;

fn owner_refs(obj: Option<&Value>) -> Vec<Value> {
    obj.and_then(|o| o.ptr("/metadata/ownerReferences"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn blocks(r: &Value) -> bool {
    r.get("blockOwnerDeletion").and_then(Value::as_bool) == Some(true)
}

/// Go's `fmt.Sprintf("%v, %v", reason, err)` of an authorizer's answer.
fn reason_and_error(d: &authz::AuthzDecision) -> String {
    format!("{}, {}", d.reason, d.error.as_deref().unwrap_or("<nil>"))
}

/// OwnerReferencesPermissionEnforcement's `Validate`.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if a.is_core("pods") && a.subresource == "status" {
        return Verdict::Skip("pods/status is exempt".into());
    }
    let (new, old) = (
        owner_refs(a.object.as_ref()),
        owner_refs(a.old_object.as_ref()),
    );
    let changing = match &a.old_object {
        None => !new.is_empty(),
        Some(_) => new != old,
    };
    if !changing {
        return Verdict::Admit("the owner references do not change".into());
    }
    let ask = |check: &AuthzAttributes| authz::authorize(ctx.authz, ctx.store, check, None);
    let base = AuthzAttributes {
        user: a.user.clone(),
        resource_request: true,
        ..Default::default()
    };
    if a.operation != Operation::Create {
        let d = ask(&AuthzAttributes {
            verb: "delete".into(),
            namespace: a.namespace.clone(),
            api_group: a.group.clone(),
            api_version: a.version.clone(),
            resource: a.resource.clone(),
            subresource: a.subresource.clone(),
            name: a.name.clone(),
            ..base.clone()
        });
        if d.decision != Decision::Allow {
            return Verdict::Reject(a.forbidden(&format!(
                "cannot set an ownerRef on a resource you can't delete: {}",
                reason_and_error(&d)
            )));
        }
    }
    // References that newly block their owner's deletion.
    let newly_blocking: Vec<&Value> = new
        .iter()
        .filter(|r| blocks(r))
        .filter(|r| {
            let uid = r.get("uid");
            !old.iter().any(|o| o.get("uid") == uid && blocks(o))
        })
        .collect();
    if newly_blocking.is_empty() {
        return Verdict::Admit(
            "the user may change the owner references; none newly blocks deletion".into(),
        );
    }
    let anything = ask(&AuthzAttributes {
        verb: "update".into(),
        api_group: "*".into(),
        api_version: "*".into(),
        resource: "*".into(),
        subresource: "finalizers".into(),
        name: "*".into(),
        ..base.clone()
    });
    if anything.decision == Decision::Allow {
        return Verdict::Admit("the user may update the finalizers of anything".into());
    }
    for r in newly_blocking {
        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
        let (api_version, kind) = (s("apiVersion"), s("kind"));
        let (group, version) = match api_version.split('/').collect::<Vec<_>>()[..] {
            [v] => ("", v),
            [g, v] => (g, v),
            _ => {
                return Verdict::Reject(a.forbidden(&format!("cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion {api_version} Kind {kind}: unexpected GroupVersion string: {api_version}")));
            }
        };
        let Some(res) = crate::sim::discovery::by_kind(ctx.control_plane.minor, group, kind)
            .filter(|res| res.version == version)
        else {
            return Verdict::Reject(a.forbidden(&format!("cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion {api_version} Kind {kind}: no matches for kind \"{kind}\" in version \"{api_version}\"")));
        };
        let d = ask(&AuthzAttributes {
            verb: "update".into(),
            api_group: res.group.into(),
            api_version: res.version.into(),
            resource: res.name.into(),
            subresource: "finalizers".into(),
            name: s("name").into(),
            namespace: if res.namespaced {
                a.namespace.clone()
            } else {
                String::new()
            },
            ..base.clone()
        });
        if d.decision != Decision::Allow {
            return Verdict::Reject(a.forbidden(&format!(
                "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on: {}",
                reason_and_error(&d)
            )));
        }
    }
    Verdict::Admit("the user may update the finalizers of every owner it now blocks".into())
}

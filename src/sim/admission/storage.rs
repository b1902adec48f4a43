//! The storage admission plugins (`plugin/pkg/admission/storage`), on by default:
//! - **DefaultStorageClass**: a claim that names no class gets the default StorageClass;
//! - **StorageObjectInUseProtection**: new PersistentVolumes and claims get the finalizer that
//!   keeps them while a pod uses them;
//! - **PersistentVolumeClaimResize**: a claim may only grow if it is bound and its class
//!   allows expansion.
//!
//! See <https://kubernetes.io/docs/concepts/storage/persistent-volumes/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::{Attributes, Context, Verdict};

const DEFAULT_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// Among objects marked default by one of `annotations`: the newest, and of equally new ones
/// the first by name (upstream `GetDefaultClass`).
pub fn newest_default<'v>(
    candidates: impl Iterator<Item = &'v Value>,
    annotations: &[&str],
) -> Option<&'v Value> {
    let marked = |o: &&Value| {
        annotations.iter().any(|k| {
            o.ptr("/metadata/annotations")
                .and_then(|m| m.get(*k))
                .and_then(Value::as_str)
                == Some("true")
        })
    };
    let key = |o: &Value| {
        let created = o
            .ptr("/metadata/creationTimestamp")
            .and_then(Value::as_str)
            .and_then(crate::sim::clock::parse_rfc3339)
            .unwrap_or(0);
        let name = crate::sim::store::name_of(o).to_string();
        (std::cmp::Reverse(created), name)
    };
    candidates.filter(marked).min_by_key(|o| key(o))
}

/// DefaultStorageClass' `Admit`.
pub fn default_storage_class(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if !a.is_core("persistentvolumeclaims") {
        return Verdict::Skip("only looks at PersistentVolumeClaims".into());
    }
    let Some(claim) = a.object_mut() else {
        return Verdict::Skip("no claim".into());
    };
    let has_class = claim
        .ptr("/spec/storageClassName")
        .is_some_and(|c| !c.is_null())
        || claim
            .ptr("/metadata/annotations/volume.beta.kubernetes.io~1storage-class")
            .is_some();
    if has_class {
        return Verdict::Admit("the claim names its class (an empty name counts)".into());
    }
    let Some(default) = newest_default(
        ctx.store.list("storage.k8s.io", "storageclasses", None),
        &DEFAULT_ANNOTATIONS,
    ) else {
        return Verdict::Admit(
            "there is no default StorageClass: the claim is left without a class".into(),
        );
    };
    let name = crate::sim::store::name_of(default).to_string();
    if !claim.get("spec").is_some_and(Value::is_object) {
        claim["spec"] = json!({});
    }
    claim["spec"]["storageClassName"] = json!(name);
    Verdict::Admit(format!("set storageClassName to the default StorageClass \"{name}\"").into())
}

/// StorageObjectInUseProtection's `Admit`.
pub fn in_use_protection(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    let finalizer = match (a.group.as_str(), a.resource.as_str()) {
        ("", "persistentvolumes") => "kubernetes.io/pv-protection",
        ("", "persistentvolumeclaims") => "kubernetes.io/pvc-protection",
        ("storage.k8s.io", "volumeattributesclasses") => "kubernetes.io/vac-protection",
        _ => {
            return Verdict::Skip(
                "only looks at volumes, claims and VolumeAttributesClasses".into(),
            )
        }
    };
    if !a.subresource.is_empty() {
        return Verdict::Skip("subresources are left alone".into());
    }
    let Some(obj) = a.object_mut() else {
        return Verdict::Skip("no object".into());
    };
    let has = obj
        .ptr("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x == finalizer));
    if has {
        return Verdict::Admit(format!("already has the {finalizer} finalizer").into());
    }
    if !obj["metadata"]
        .get("finalizers")
        .is_some_and(Value::is_array)
    {
        obj["metadata"]["finalizers"] = json!([]);
    }
    if let Some(f) = obj["metadata"]["finalizers"].as_array_mut() {
        f.push(json!(finalizer));
    }
    Verdict::Admit(format!("added the {finalizer} finalizer").into())
}

fn storage_request(claim: Option<&Value>) -> Option<crate::sim::quantity::Quantity> {
    claim
        .and_then(|c| c.ptr("/spec/resources/requests/storage"))
        .and_then(crate::sim::quantity::Quantity::from_json)
}

/// PersistentVolumeClaimResize's `Validate`.
pub fn claim_resize(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !a.is_core("persistentvolumeclaims") {
        return Verdict::Skip("only looks at PersistentVolumeClaims".into());
    }
    let (new, old) = (
        storage_request(a.object.as_ref()),
        storage_request(a.old_object.as_ref()),
    );
    let grows = matches!((&new, &old), (Some(n), Some(o)) if n.cmp(o).is_gt());
    if !grows {
        return Verdict::Admit("the storage request does not grow".into());
    }
    let phase = a
        .old_object
        .as_ref()
        .and_then(|o| o.ptr("/status/phase"))
        .and_then(Value::as_str);
    if phase != Some("Bound") {
        return Verdict::Reject(a.forbidden("Only bound persistent volume claims can be expanded"));
    }
    let class = |o: Option<&Value>| {
        o.and_then(|c| c.ptr("/spec/storageClassName"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (new_class, old_class) = (class(a.object.as_ref()), class(a.old_object.as_ref()));
    let expandable = !new_class.is_empty()
        && new_class == old_class
        && ctx
            .store
            .get("storage.k8s.io", "storageclasses", "", &new_class)
            .and_then(|sc| sc.get("allowVolumeExpansion"))
            .and_then(Value::as_bool)
            == Some(true);
    if !expandable {
        return Verdict::Reject(a.forbidden("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"));
    }
    Verdict::Admit(format!("StorageClass \"{new_class}\" allows volume expansion").into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::{testing, Operation};
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;

    fn class(store: &mut Store, name: &str, default: bool, at: i64) {
        let mut sc = json!({"metadata": {"name": name}, "provisioner": "x", "allowVolumeExpansion": name == "fast"});
        if default {
            sc["metadata"]["annotations"] =
                json!({"storageclass.kubernetes.io/is-default-class": "true"});
        }
        store
            .create("storage.k8s.io", "storageclasses", sc, at)
            .unwrap();
    }

    #[test]
    fn claims_get_the_newest_default_class_and_protection() {
        let user = UserInfo::default();
        let url = "/api/v1/namespaces/blue/persistentvolumeclaims";
        let claim = json!({"metadata": {"name": "data", "namespace": "blue"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}});
        let mut store = Store::new(0, 1);
        let mut a = testing::attrs(Operation::Create, "POST", url, &user, Some(claim.clone()));
        testing::admit(&mut store, default_storage_class, &mut a);
        assert!(a
            .object
            .as_ref()
            .unwrap()
            .ptr("/spec/storageClassName")
            .is_none());
        class(&mut store, "old", true, 100);
        class(&mut store, "b-new", true, 200);
        class(&mut store, "a-new", true, 200);
        class(&mut store, "plain", false, 300);
        let mut a = testing::attrs(Operation::Create, "POST", url, &user, Some(claim.clone()));
        testing::admit(&mut store, default_storage_class, &mut a);
        assert_eq!(
            a.object.as_ref().unwrap()["spec"]["storageClassName"],
            "a-new"
        );
        // An explicit empty class stays empty.
        let mut explicit = claim.clone();
        explicit["spec"]["storageClassName"] = json!("");
        let mut a = testing::attrs(Operation::Create, "POST", url, &user, Some(explicit));
        testing::admit(&mut store, default_storage_class, &mut a);
        assert_eq!(a.object.as_ref().unwrap()["spec"]["storageClassName"], "");
        testing::admit(&mut store, in_use_protection, &mut a);
        assert_eq!(
            a.object.as_ref().unwrap()["metadata"]["finalizers"],
            json!(["kubernetes.io/pvc-protection"])
        );
    }

    #[test]
    fn only_bound_claims_of_expandable_classes_grow() {
        let user = UserInfo::default();
        let mut store = Store::new(0, 1);
        class(&mut store, "fast", false, 1);
        class(&mut store, "slow", false, 1);
        let claim = |class: &str, size: &str, phase: &str| {
            json!({"metadata": {"name": "data", "namespace": "blue"},
                "spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}},
                "status": {"phase": phase}})
        };
        let check = |store: &mut Store, old: Value, new: Value| {
            let mut a = testing::attrs(
                Operation::Update,
                "PUT",
                "/api/v1/namespaces/blue/persistentvolumeclaims/data",
                &user,
                Some(new),
            );
            a.old_object = Some(old);
            match testing::validate(store, claim_resize, &a) {
                Verdict::Reject(e) => e.message,
                _ => "ok".into(),
            }
        };
        assert_eq!(
            check(
                &mut store,
                claim("fast", "1Gi", "Bound"),
                claim("fast", "2Gi", "Bound")
            ),
            "ok"
        );
        assert_eq!(
            check(
                &mut store,
                claim("fast", "2Gi", "Bound"),
                claim("fast", "1Gi", "Bound")
            ),
            "ok"
        );
        assert_eq!(
            check(&mut store, claim("fast", "1Gi", "Pending"), claim("fast", "2Gi", "Pending")),
            "persistentvolumeclaims \"data\" is forbidden: Only bound persistent volume claims can be expanded"
        );
        assert_eq!(
            check(&mut store, claim("slow", "1000Mi", "Bound"), claim("slow", "1Gi", "Bound")),
            "persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
        );
    }
}

//! The two older namespace plugins (`plugin/pkg/admission/namespace`), both off by default and
//! superseded by NamespaceLifecycle:
//! - **NamespaceExists** (validating): a request into a namespace that does not exist is a
//!   404, whatever the namespace's phase;
//! - **NamespaceAutoProvision** (mutating, CREATE): a create into a missing namespace creates
//!   the namespace first. It runs before NamespaceLifecycle, which then finds it.
//!
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespaceautoprovision>.

use serde_json::json;

use super::{Attributes, Context, Verdict};
use crate::sim::response::ApiError;

fn not_into_a_namespace(a: &Attributes<'_>) -> Option<Verdict> {
    if a.namespace.is_empty() {
        return Some(Verdict::Skip("cluster-scoped resource".into()));
    }
    if a.kind == "Namespace" {
        return Some(Verdict::Skip(
            "requests on Namespace objects themselves".into(),
        ));
    }
    None
}

/// NamespaceExists' `Validate`.
pub fn exists(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if let Some(v) = not_into_a_namespace(a) {
        return v;
    }
    if ctx.store.get("", "namespaces", "", &a.namespace).is_none() {
        return Verdict::Reject(ApiError::not_found("", "namespaces", &a.namespace));
    }
    Verdict::Admit(format!("namespace \"{}\" exists", a.namespace).into())
}

/// NamespaceAutoProvision's `Admit`.
pub fn auto_provision(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if a.dry_run {
        return Verdict::Skip("a dry run creates no namespace".into());
    }
    if let Some(v) = not_into_a_namespace(a) {
        return v;
    }
    let ns = a.namespace.clone();
    if ctx.store.get("", "namespaces", "", &ns).is_some() {
        return Verdict::Admit(format!("namespace \"{ns}\" exists").into());
    }
    let minor = ctx.control_plane.minor;
    let mut namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
    if let Some(res) = crate::sim::discovery::by_resource(minor, "", "namespaces") {
        crate::sim::defaults::apply(&mut namespace, res);
    }
    if let Err(e) = ctx.store.create("", "namespaces", namespace, ctx.now) {
        return Verdict::Reject(a.forbidden(&e.message));
    }
    // Its controllers fill it before a real ServiceAccount plugin gives up waiting.
    crate::sim::cluster::populate_namespace(ctx.store, &ns, &ctx.control_plane.ca_pem(), ctx.now);
    Verdict::Admit(format!(
        "created namespace \"{ns}\", which did not exist (its default ServiceAccount and kube-root-ca.crt follow)"
    ).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::{testing, Operation};
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;

    #[test]
    fn exists_and_auto_provision() {
        let user = UserInfo::default();
        let pod = json!({"metadata": {"name": "web", "namespace": "ghost"}});
        let mut store = Store::new(0, 1);
        let mut a = testing::attrs(
            Operation::Create,
            "POST",
            "/api/v1/namespaces/ghost/pods",
            &user,
            Some(pod),
        );
        a.kind = "Pod".into();
        match testing::validate(&mut store, exists, &a) {
            Verdict::Reject(e) => assert_eq!(
                (e.code, e.message.as_str()),
                (404, "namespaces \"ghost\" not found")
            ),
            other => panic!("{other:?}"),
        }
        a.dry_run = true;
        assert!(matches!(
            testing::admit(&mut store, auto_provision, &mut a),
            Verdict::Skip(_)
        ));
        assert!(store.get("", "namespaces", "", "ghost").is_none());
        a.dry_run = false;
        assert!(matches!(
            testing::admit(&mut store, auto_provision, &mut a),
            Verdict::Admit(_)
        ));
        assert!(store.get("", "namespaces", "", "ghost").is_some());
        assert!(store
            .get("", "serviceaccounts", "ghost", "default")
            .is_some());
        assert!(matches!(
            testing::validate(&mut store, exists, &a),
            Verdict::Admit(_)
        ));
    }
}

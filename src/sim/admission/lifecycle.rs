//! The NamespaceLifecycle admission plugin: no new objects in a namespace that does not exist or
//! is being deleted, and the immortal namespaces cannot be deleted.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::response::ApiError;

/// Namespaces that can never be deleted.
pub const IMMORTAL: &[&str] = &["default", "kube-system", "kube-public"];

/// The plugin's `Admit`.
pub fn admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if a.resource == "namespaces" && a.group.is_empty() {
        if a.operation == Operation::Delete && IMMORTAL.contains(&a.name.as_str()) {
            return Verdict::Reject(ApiError::forbidden(
                "",
                "namespaces",
                &a.name,
                "this namespace may not be deleted",
            ));
        }
        return Verdict::Skip("requests on Namespace objects themselves are not checked".into());
    }
    if !a.namespaced || a.namespace.is_empty() {
        return Verdict::Skip("cluster-scoped resource".into());
    }
    if a.operation == Operation::Delete {
        return Verdict::Skip("deletes are always admitted".into());
    }
    if a.resource == "localsubjectaccessreviews" {
        return Verdict::Skip("would leak whether the namespace exists".into());
    }
    let ns = &a.namespace;
    let Some(namespace) = ctx.store.get("", "namespaces", "", ns) else {
        return Verdict::Reject(ApiError::not_found("", "namespaces", ns));
    };
    let terminating = namespace.ptr("/status/phase").and_then(Value::as_str) == Some("Terminating");
    if terminating && a.operation == Operation::Create {
        let mut err = a.forbidden(&format!(
            "unable to create new content in namespace {ns} because it is being terminated"
        ));
        err.details.insert(
            "causes".into(),
            serde_json::json!([{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]),
        );
        return Verdict::Reject(err);
    }
    Verdict::Admit(format!("namespace \"{ns}\" exists and is active").into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::testing;
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;
    use serde_json::json;

    fn verdict(store: &Store, method: &str, url: &str, op: Operation) -> Verdict {
        let user = UserInfo::default();
        let mut a = testing::attrs(op, method, url, &user, None);
        a.namespaced = true;
        testing::admit(&mut store.clone(), admit, &mut a)
    }

    #[test]
    fn missing_terminating_and_immortal_namespaces() {
        let mut s = Store::new(0, 1);
        s.create(
            "",
            "namespaces",
            json!({"metadata":{"name":"blue"},"status":{"phase":"Active"}}),
            0,
        )
        .unwrap();
        s.create(
            "",
            "namespaces",
            json!({"metadata":{"name":"old"},"status":{"phase":"Terminating"}}),
            0,
        )
        .unwrap();
        assert!(matches!(
            verdict(
                &s,
                "POST",
                "/api/v1/namespaces/blue/pods",
                Operation::Create
            ),
            Verdict::Admit(_)
        ));
        let Verdict::Reject(e) = verdict(
            &s,
            "POST",
            "/api/v1/namespaces/ghost/pods",
            Operation::Create,
        ) else {
            panic!("admitted")
        };
        assert_eq!(
            (e.code, e.message.as_str()),
            (404, "namespaces \"ghost\" not found")
        );
        let Verdict::Reject(e) =
            verdict(&s, "POST", "/api/v1/namespaces/old/pods", Operation::Create)
        else {
            panic!("admitted")
        };
        assert_eq!(e.message, "pods \"Unknown\" is forbidden: unable to create new content in namespace old because it is being terminated");
        // Updates in a terminating namespace are allowed.
        assert!(matches!(
            verdict(
                &s,
                "PUT",
                "/api/v1/namespaces/old/pods/x",
                Operation::Update
            ),
            Verdict::Admit(_)
        ));
        let Verdict::Reject(e) = verdict(
            &s,
            "DELETE",
            "/api/v1/namespaces/default",
            Operation::Delete,
        ) else {
            panic!("admitted")
        };
        assert_eq!(
            e.message,
            "namespaces \"default\" is forbidden: this namespace may not be deleted"
        );
    }
}

//! The RBAC registry's escalation check (`pkg/registry/rbac/*/policybased`): a user may only
//! write a role or binding that grants what the user already holds, unless allowed to
//! `escalate` or `bind`.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use crate::sim::admission::Operation;
use crate::sim::authn::UserInfo;
use crate::sim::authz::{self, Attributes};
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;
use crate::sim::trace::Decision;

impl Cluster {
    /// Privilege-escalation prevention of the RBAC registry (`pkg/registry/rbac/*/policybased`):
    /// `Ok` with why the write may go on, or the error upstream returns.
    pub(crate) fn check_escalation(
        &self,
        op: Operation,
        res: &ApiResource,
        obj: &Value,
        user: &UserInfo,
    ) -> Result<String, ApiError> {
        use crate::sim::authz::escalation;
        let group = crate::sim::authz::rbac::GROUP;
        let name = name_of(obj).to_string();
        let namespace = obj
            .ptr("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if user
            .groups
            .iter()
            .any(|g| g == crate::sim::authz::SYSTEM_MASTERS)
        {
            return Ok(format!(
                "{} is in system:masters, which may grant anything",
                user.username
            ));
        }
        let allowed = |verb: &str, resource: &str, target: &str| {
            let check = Attributes {
                user: user.clone(),
                verb: verb.into(),
                resource_request: true,
                api_group: group.into(),
                api_version: "*".into(),
                resource: resource.into(),
                name: target.into(),
                namespace: namespace.clone(),
                ..Default::default()
            };
            authz::authorize(&self.authz, &self.store, &check, None).decision == Decision::Allow
        };
        if op == Operation::Update {
            // Writes that touch only what garbage collection needs are never escalations.
            if let Some(old) = self.store.get(group, res.name, &namespace, &name) {
                if escalation::only_gc_fields_differ(old, obj) {
                    return Ok("only ownerReferences or finalizers change".into());
                }
            }
        }
        let forbidden = |msg: String| ApiError::forbidden(group, res.name, &name, &msg);
        let owned = escalation::rules_for(&self.store, user, &namespace);
        let rules: Vec<Value> = match res.name {
            "roles" | "clusterroles" => {
                // The `escalate` check uses the request's name: none on create.
                let target = if op == Operation::Create { "" } else { &name };
                if allowed("escalate", res.name, target) {
                    return Ok(format!(
                        "{} may escalate {}",
                        user.username,
                        if target.is_empty() {
                            res.name.to_string()
                        } else {
                            format!("{} {target:?}", res.name)
                        }
                    ));
                }
                let rules = obj
                    .get("rules")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let missing = escalation::missing(&owned, &rules);
                if !missing.is_empty() {
                    return Err(forbidden(escalation::message(user, &missing)));
                }
                if res.name == "clusterroles"
                    && obj.get("aggregationRule").is_some_and(|a| !a.is_null())
                    && !escalation::missing(&owned, &escalation::full_authority()).is_empty()
                {
                    return Err(forbidden(
                        "must have cluster-admin privileges to use the aggregationRule".into(),
                    ));
                }
                return Ok(format!(
                    "{} already holds every permission the {} grants",
                    user.username, res.kind
                ));
            }
            _ => {
                let kind = obj
                    .ptr("/roleRef/kind")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let role = obj
                    .ptr("/roleRef/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let role_resource = if kind == "Role" {
                    "roles"
                } else {
                    "clusterroles"
                };
                if allowed("bind", role_resource, role) {
                    return Ok(format!("{} may bind {kind} {role:?}", user.username));
                }
                let found = match kind {
                    "Role" => self.store.get(group, "roles", &namespace, role),
                    _ => self.store.get(group, "clusterroles", "", role),
                };
                let Some(found) = found else {
                    // The role cannot be resolved: upstream returns the lookup's NotFound.
                    return Err(ApiError::not_found(group, role_resource, role));
                };
                found
                    .get("rules")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            }
        };
        let missing = escalation::missing(&owned, &rules);
        if missing.is_empty() {
            Ok(format!(
                "{} already holds every permission it grants",
                user.username
            ))
        } else {
            Err(forbidden(escalation::message(user, &missing)))
        }
    }
}

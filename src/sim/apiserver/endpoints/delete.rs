//! DELETE of one object or of a collection (`k8s.io/apiserver/pkg/endpoints/handlers/delete.go`):
//! admission, then removal, or only a deletionTimestamp while finalizers remain.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::super::{key, query_value, with_type_meta, Answer, Recorder};
use super::dry_run_requested;
use crate::sim::admission::{Attributes, Operation};
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    pub(crate) fn delete(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let mut attrs = Attributes::from_request(Operation::Delete, info, res.namespaced, user);
        attrs.kind = res.kind.to_string();
        attrs.dry_run = dry_run_requested(req);
        self.admit(&mut attrs, rec)?;
        // The validating pass sees the object about to go.
        attrs.old_object = self
            .store
            .get(res.group, res.name, &info.namespace, &info.name)
            .cloned();
        self.validate(&mut attrs, rec)?;
        let mut record = StageRecord::new(Stage::Storage);
        let result = if res.group.is_empty() && res.name == "namespaces" {
            // The first DELETE marks the namespace Terminating; the namespace controller then
            // empties and finalizes it (after this response, see `handle`).
            match self.store.get("", "namespaces", "", &info.name).cloned() {
                Some(ns) if crate::sim::store::is_deleting(&ns) => Err(ApiError::conflict(
                    "",
                    "namespaces",
                    &info.name,
                    "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
                )),
                Some(mut ns) => {
                    ns["status"]["phase"] = json!("Terminating");
                    ns["metadata"]["deletionTimestamp"] =
                        json!(crate::sim::clock::format_rfc3339(self.now));
                    ns["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                    if attrs.dry_run {
                        Ok((ns, false))
                    } else {
                        Ok((self.store.put_system("", "namespaces", ns), false))
                    }
                }
                None => Err(ApiError::not_found("", "namespaces", &info.name)),
            }
        } else if attrs.dry_run {
            // What the store would do, worked out on a copy of the object only.
            match attrs.old_object.clone() {
                None => Err(ApiError::not_found(res.group, res.name, &info.name)),
                Some(o) if crate::sim::store::finalizers(&o).is_empty() => Ok((o, true)),
                Some(o) if crate::sim::store::is_deleting(&o) => Ok((o, false)),
                Some(mut o) => {
                    o["metadata"]["deletionTimestamp"] =
                        json!(crate::sim::clock::format_rfc3339(self.now));
                    o["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                    Ok((o, false))
                }
            }
        } else {
            self.store
                .delete_or_mark(res.group, res.name, &info.namespace, &info.name, self.now)
        };
        match result {
            Ok((obj, removed)) => {
                let what = key(res, &info.namespace, &info.name);
                let note = if attrs.dry_run {
                    format!(
                        "dry run: {what} would be {}; nothing was written",
                        if removed {
                            "deleted"
                        } else {
                            "marked for deletion"
                        }
                    )
                } else if removed {
                    format!("deleted {what}")
                } else if res.name == "namespaces" && res.group.is_empty() {
                    format!("{what} is now Terminating (deletionTimestamp set)")
                } else {
                    format!(
                        "{what} has finalizers ({}): it only got a deletionTimestamp and stays until they are removed",
                        crate::sim::store::finalizers(&obj).join(", ")
                    )
                };
                record.decide("etcd", Decision::Allow, note);
                rec.push(record);
                if !attrs.dry_run
                    && res.group == crate::sim::authz::rbac::GROUP
                    && res.name == "clusterroles"
                {
                    crate::sim::authz::rbac::aggregate(&mut self.store);
                }
                if !removed || res.group.is_empty() && matches!(res.name, "pods" | "namespaces") {
                    Ok((200, with_type_meta(obj, res)))
                } else {
                    let uid = obj.ptr("/metadata/uid").cloned().unwrap_or(Value::Null);
                    let mut details = Map::new();
                    details.insert("name".into(), json!(info.name));
                    if !res.group.is_empty() {
                        details.insert("group".into(), json!(res.group));
                    }
                    details.insert("kind".into(), json!(res.name));
                    details.insert("uid".into(), uid);
                    Ok((
                        200,
                        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
                    ))
                }
            }
            Err(e) => {
                record.decide("etcd", Decision::Deny, e.message.clone());
                rec.push(record);
                Err(e)
            }
        }
    }

    /// DELETE on a collection: removes every object that matches the label selector and
    /// answers with the list of what it removed.
    pub(crate) fn delete_collection(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let selector = match crate::sim::labels::parse(
            &query_value(&req.url, "labelSelector").unwrap_or_default(),
        ) {
            Ok(s) => s,
            Err(e) => {
                let mut record = StageRecord::new(Stage::Storage);
                record.decide("etcd", Decision::Deny, e.clone());
                rec.push(record);
                return Err(ApiError::bad_request(e));
            }
        };
        let ns = (!info.namespace.is_empty()).then_some(info.namespace.as_str());
        let doomed: Vec<Value> = self
            .store
            .list(res.group, res.name, ns)
            .filter(|o| selector.matches(o.ptr("/metadata/labels")))
            .cloned()
            .collect();
        // The mutating pass sees the collection; the validating pass each object in it.
        let mut attrs = Attributes::from_request(Operation::Delete, info, res.namespaced, user);
        attrs.kind = res.kind.to_string();
        attrs.dry_run = dry_run_requested(req);
        self.admit(&mut attrs, rec)?;
        for o in &doomed {
            attrs.name = name_of(o).to_string();
            attrs.namespace = crate::sim::store::namespace_of(o).to_string();
            attrs.old_object = Some(o.clone());
            self.validate(&mut attrs, rec)?;
        }
        let mut record = StageRecord::new(Stage::Storage);
        let mut items = Vec::new();
        for o in doomed {
            if attrs.dry_run {
                items.push(with_type_meta(o, res));
                continue;
            }
            let ons = crate::sim::store::namespace_of(&o).to_string();
            if let Ok(gone) = self.store.delete(res.group, res.name, &ons, name_of(&o)) {
                items.push(with_type_meta(gone, res));
            }
        }
        record.decide(
            "etcd",
            Decision::Allow,
            format!("deleted {} {}", items.len(), res.name),
        );
        rec.push(record);
        if res.group == crate::sim::authz::rbac::GROUP && res.name == "clusterroles" {
            crate::sim::authz::rbac::aggregate(&mut self.store);
        }
        let api_version = res.api_version();
        Ok((
            200,
            json!({"kind": format!("{}List", res.kind), "apiVersion": api_version,
                "metadata": {"resourceVersion": self.store.revision().to_string()}, "items": items}),
        ))
    }
}

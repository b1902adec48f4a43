//! The generic registry (`k8s.io/apiserver/pkg/registry/generic/registry/store.go`): what every
//! write goes through after mutating admission — the resource's validation, validating
//! admission, then storage, or only a preview of it for a dry run.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::super::{key, with_type_meta, Answer, Recorder};
use super::service::allocate_service;
use crate::sim::admission::{Attributes, Operation};
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::limits;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;
use crate::sim::trace::{Decision, Stage, StageRecord};
use crate::sim::validation;

impl Cluster {
    /// Validation, validating admission and storage of an admitted object.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn validate_and_store(
        &mut self,
        mut attrs: Attributes<'_>,
        info: &RequestInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let (op, dry_run, user) = (attrs.operation, attrs.dry_run, attrs.user);
        let mut obj = attrs.object.take().unwrap_or_default();
        if op == Operation::Create && res.group.is_empty() && res.name == "pods" {
            // The pod strategy's PrepareForCreate, after mutating admission (so LimitRanger's
            // defaults count): a new pod starts Pending, its QoS class from its resources.
            let qos = crate::sim::defaults::qos_class(&obj["spec"]);
            obj["status"] = serde_json::json!({"phase": "Pending", "qosClass": qos});
        }
        // Validation. RBAC's registry refuses privilege escalation first (its storage wraps
        // the strategy's validation).
        let mut record = StageRecord::new(Stage::Validation);
        if res.group == crate::sim::authz::rbac::GROUP
            && matches!(op, Operation::Create | Operation::Update)
        {
            match self.check_escalation(op, res, &obj, user) {
                Ok(why) => record.decide("RBAC escalation check", Decision::Allow, why),
                Err(err) => {
                    record.decide("RBAC escalation check", Decision::Deny, err.message.clone());
                    rec.push(record);
                    return Err(err);
                }
            }
        }
        let (errors, checks) = validation::validate_write(&obj, attrs.old_object.as_ref(), res);
        record.detail("checked", checks.join("; "));
        if !errors.is_empty() {
            let err = ApiError::invalid(res.group, res.kind, name_of(&obj), &errors);
            record.decide("validation", Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        record.decide(
            "validation",
            Decision::Allow,
            format!(
                "{} passes field validation: {}",
                res.kind,
                checks.join("; ")
            ),
        );
        rec.push(record);

        attrs.object = Some(obj);
        self.validate(&mut attrs, rec)?;
        let mut obj = attrs.object.take().unwrap_or_default();

        // Storage.
        let mut record = StageRecord::new(Stage::Storage);
        if op == Operation::Create && res.group.is_empty() && res.name == "services" {
            for note in allocate_service(&self.store, &mut obj) {
                record.detail("allocated", note);
            }
        }
        let where_ = key(res, &info.namespace, name_of(&obj));
        if dry_run {
            let exists = self
                .store
                .get(res.group, res.name, &info.namespace, name_of(&obj))
                .is_some();
            if op == Operation::Create && exists {
                let err = ApiError::already_exists(res.group, res.name, name_of(&obj));
                record.decide("etcd", Decision::Deny, err.message.clone());
                rec.push(record);
                return Err(err);
            }
            record.decide("etcd", Decision::Skip, "dry run: nothing was written");
            rec.push(record);
            let preview = if op == Operation::Create {
                self.store.preview_create(obj, self.now)
            } else {
                obj
            };
            let code = if op == Operation::Create { 201 } else { 200 };
            return Ok((code, with_type_meta(preview, res)));
        }
        // etcd3's store refuses a create that carries a resourceVersion (one copied from a
        // `kubectl get -o yaml` dump, say): a plain error, so a 500 without a reason.
        let rv = obj
            .ptr("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        // A patch can nest an object deeper than any request body may: kubegate keeps every
        // stored object within the depth its parsers allow, so nothing walking it later runs
        // out of stack (the page's is small).
        if limits::depth(&obj) > limits::MAX_DEPTH {
            let why = format!(
                "kubegate stores objects nested at most {} levels deep (this one is {})",
                limits::MAX_DEPTH,
                limits::depth(&obj)
            );
            record.decide("etcd", Decision::Deny, why.clone());
            rec.push(record);
            return Err(ApiError {
                text_body: false,
                code: 422,
                reason: "Invalid".into(),
                message: why,
                details: Box::default(),
            });
        }
        if limits::json_size(&obj) > limits::MAX_OBJECT_BYTES {
            let err = ApiError {
                text_body: false,
                code: 500,
                reason: String::new(),
                message: "etcdserver: request is too large".into(),
                details: Box::default(),
            };
            record.decide(
                "etcd",
                Decision::Deny,
                format!(
                    "the object is {} bytes as JSON; etcd takes requests up to {} bytes",
                    limits::json_size(&obj),
                    limits::MAX_OBJECT_BYTES
                ),
            );
            rec.push(record);
            return Err(err);
        }
        if op == Operation::Create && rv != 0 {
            let err = ApiError {
                text_body: false,
                code: 500,
                reason: String::new(),
                message: "resourceVersion should not be set on objects to be created".into(),
                details: Box::default(),
            };
            record.decide("etcd", Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        let stored = if op == Operation::Create {
            self.store.create(res.group, res.name, obj, self.now)
        } else {
            self.store.update(res.group, res.name, obj)
        };
        match stored {
            Ok(stored) => {
                let verb = if op == Operation::Create {
                    "stored"
                } else {
                    "updated"
                };
                record.decide(
                    "etcd",
                    Decision::Allow,
                    format!(
                        "{verb} {where_} at resourceVersion {}",
                        self.store.revision()
                    ),
                );
                rec.push(record);
                if res.group == crate::sim::authz::rbac::GROUP && res.name == "clusterroles" {
                    crate::sim::authz::rbac::aggregate(&mut self.store);
                }
                if op == Operation::Create && res.group.is_empty() && res.name == "namespaces" {
                    let ca = self.control_plane.ca_pem();
                    crate::sim::cluster::populate_namespace(
                        &mut self.store,
                        name_of(&stored),
                        &ca,
                        self.now,
                    );
                }
                let code = if op == Operation::Create { 201 } else { 200 };
                Ok((code, with_type_meta(stored, res)))
            }
            Err(e) => {
                record.decide("etcd", Decision::Deny, e.message.clone());
                rec.push(record);
                Err(e)
            }
        }
    }
}

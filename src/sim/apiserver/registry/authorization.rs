//! The authorization review APIs (`pkg/registry/authorization`): SelfSubjectAccessReview
//! (`kubectl auth can-i`) and SelfSubjectRulesReview (`kubectl auth can-i --list`), answered by
//! the authorizer chain; nothing is stored.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::super::{json_body, Answer, Recorder};
use crate::sim::admission::{Attributes as AdmissionAttributes, Operation};
use crate::sim::authn::UserInfo;
use crate::sim::authz::{self, Attributes};
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    pub(crate) fn self_subject_access_review(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let body: Value = json_body(req, rec)?;
        let mut admitted = AdmissionAttributes::from_request(Operation::Create, info, false, user);
        admitted.kind = "SelfSubjectAccessReview".into();
        admitted.object = Some(body.clone());
        self.admit(&mut admitted, rec)?;
        let spec = body.get("spec").cloned().unwrap_or(json!({}));
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let attrs = if let Some(ra) = spec.get("resourceAttributes") {
            Attributes {
                user: user.clone(),
                verb: s(ra, "verb"),
                resource_request: true,
                namespace: s(ra, "namespace"),
                api_group: s(ra, "group"),
                api_version: s(ra, "version"),
                resource: s(ra, "resource"),
                subresource: s(ra, "subresource"),
                name: s(ra, "name"),
                path: String::new(),
                field_selector: s(
                    ra.get("fieldSelector").unwrap_or(&Value::Null),
                    "rawSelector",
                ),
            }
        } else if let Some(nra) = spec.get("nonResourceAttributes") {
            Attributes {
                user: user.clone(),
                verb: s(nra, "verb"),
                path: s(nra, "path"),
                ..Default::default()
            }
        } else {
            return Err(ApiError::invalid("authorization.k8s.io", "SelfSubjectAccessReview", "", &[crate::sim::response::FieldError {
                kind: crate::sim::response::FieldErrorKind::Invalid,
                field: "spec.resourceAttributes".into(),
                value: Some("null".into()),
                detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
            }]));
        };
        self.validate(&mut admitted, rec)?;
        let mut record = StageRecord::new(Stage::Storage);
        record.detail(
            "question",
            format!("may \"{}\" {}?", user.username, describe(&attrs)),
        );
        let d = authz::authorize(&self.authz, &self.store, &attrs, Some(&mut record));
        let allowed = d.decision == Decision::Allow;
        record.decide(
            &d.plugin,
            if allowed {
                Decision::Allow
            } else {
                Decision::Deny
            },
            format!("answered allowed={allowed}"),
        );
        rec.push(record);
        let mut status = Map::new();
        status.insert("allowed".into(), json!(allowed));
        if d.decision == Decision::Deny {
            status.insert("denied".into(), json!(true));
        }
        if !d.reason.is_empty() {
            status.insert("reason".into(), json!(d.reason));
        }
        if let Some(e) = d.error {
            status.insert("evaluationError".into(), json!(e));
        }
        Ok((
            201,
            json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {}, "spec": spec, "status": status}),
        ))
    }

    /// `POST …/selfsubjectrulesreviews`: every authorizer's rules for the user in
    /// `spec.namespace` (what `kubectl auth can-i --list` prints).
    pub(crate) fn self_subject_rules_review(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let body: Value = json_body(req, rec)?;
        let mut admitted = AdmissionAttributes::from_request(Operation::Create, info, false, user);
        admitted.kind = "SelfSubjectRulesReview".into();
        admitted.object = Some(body.clone());
        self.admit(&mut admitted, rec)?;
        let namespace = body
            .ptr("/spec/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        if namespace.is_empty() {
            return Err(ApiError::bad_request("no namespace on request"));
        }
        self.validate(&mut admitted, rec)?;
        let review = authz::rules_for(&self.authz, &self.store, user, namespace);
        let mut record = StageRecord::new(Stage::Storage);
        record.decide(
            "",
            Decision::Allow,
            format!(
                "listed {} resource and {} non-resource rules of {:?} in namespace {namespace:?}{}",
                review.resource_rules.len(),
                review.non_resource_rules.len(),
                user.username,
                if review.incomplete {
                    " (incomplete: an authorizer cannot list its rules)"
                } else {
                    ""
                }
            ),
        );
        rec.push(record);
        let mut status = Map::new();
        status.insert("resourceRules".into(), json!(review.resource_rules));
        status.insert("nonResourceRules".into(), json!(review.non_resource_rules));
        status.insert("incomplete".into(), json!(review.incomplete));
        if let Some(e) = review.evaluation_error {
            status.insert("evaluationError".into(), json!(e));
        }
        Ok((
            201,
            json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {}, "spec": {}, "status": status}),
        ))
    }
}

pub(crate) fn describe(a: &Attributes) -> String {
    if !a.resource_request {
        return format!("{} {}", a.verb, a.path);
    }
    let mut s = format!("{} {}", a.verb, a.resource);
    if !a.subresource.is_empty() {
        s = format!("{s}/{}", a.subresource);
    }
    if !a.api_group.is_empty() {
        s = format!("{s}.{}", a.api_group);
    }
    if !a.name.is_empty() {
        s = format!("{s} \"{}\"", a.name);
    }
    if a.namespace.is_empty() {
        format!("{s} at cluster scope")
    } else {
        format!("{s} in namespace \"{}\"", a.namespace)
    }
}

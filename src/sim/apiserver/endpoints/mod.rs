//! The REST endpoints (`k8s.io/apiserver/pkg/endpoints/handlers`): the resource a request names,
//! its body decoded into the resource's type, and one handler per verb. Writes run mutating
//! admission here and hand the object to the registry.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

mod create;
mod delete;
mod get;
mod nonresource;
mod patch;
mod update;

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::{query_value, Answer, Recorder};
use crate::sim::admission::{Attributes, Operation};
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::discovery::{self, ApiResource};
use crate::sim::http::HttpRequest;
use crate::sim::limits;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    pub(crate) fn resource(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let minor = self.control_plane.minor;
        let Some(res) = discovery::resources(minor)
            .find(|r| {
                r.group == info.api_group
                    && r.version == info.api_version
                    && r.name == info.resource
            })
            .copied()
        else {
            return Err(ApiError::page_not_found());
        };
        // RequestInfo gives a Namespace object its own name as namespace; storage keys
        // cluster-scoped objects without one.
        let scoped;
        let info = if res.namespaced {
            info
        } else {
            scoped = RequestInfo {
                namespace: String::new(),
                ..info.clone()
            };
            &scoped
        };
        if res.group.is_empty()
            && res.name == "serviceaccounts"
            && info.subresource == "token"
            && info.verb == "create"
        {
            return self.token_request(req, info, user, rec);
        }
        if res.group == "certificates.k8s.io"
            && res.name == "certificatesigningrequests"
            && info.subresource == "approval"
            && info.verb == "update"
        {
            return self.csr_approval(req, info, user, rec);
        }
        if !info.subresource.is_empty() {
            return Err(ApiError::method_not_supported(
                &info.api_group,
                &format!("{}/{}", info.resource, info.subresource),
                &info.verb,
            ));
        }
        if res.namespaced
            && info.namespace.is_empty()
            && !matches!(info.verb.as_str(), "list" | "watch")
        {
            return Err(ApiError::page_not_found());
        }
        if !res.verbs.contains(&info.verb.as_str()) {
            return Err(ApiError::method_not_supported(
                &info.api_group,
                &info.resource,
                &info.verb,
            ));
        }
        match (res.group, res.name) {
            ("authorization.k8s.io", "selfsubjectaccessreviews") => {
                return self.self_subject_access_review(req, info, user, rec)
            }
            ("authentication.k8s.io", "selfsubjectreviews") => {
                return self.self_subject_review(req, info, user, rec)
            }
            ("authorization.k8s.io", "selfsubjectrulesreviews") => {
                return self.self_subject_rules_review(req, info, user, rec)
            }
            _ => {}
        }
        match info.verb.as_str() {
            "get" => self.get(req, info, &res, rec),
            "list" | "watch" => self.list(req, info, &res, rec),
            // The write handlers read the body through limitedReadBody: 3 MiB at most.
            "create" | "update" | "patch" | "delete" | "deletecollection"
                if req
                    .body
                    .as_ref()
                    .is_some_and(|b| b.len() > limits::MAX_REQUEST_BODY_BYTES) =>
            {
                Err(ApiError::entity_too_large(&format!(
                    "limit is {}",
                    limits::MAX_REQUEST_BODY_BYTES
                )))
            }
            "create" => self.create(req, info, user, &res, rec),
            "update" => self.update(req, info, user, &res, rec),
            "patch" => self.patch(req, info, user, &res, rec),
            "delete" => self.delete(req, info, user, &res, rec),
            "deletecollection" => self.delete_collection(req, info, user, &res, rec),
            verb => Err(ApiError::method_not_supported(
                &info.api_group,
                &info.resource,
                verb,
            )),
        }
    }

    /// Decodes a request body into an object for this resource and namespace, checking unknown
    /// fields when kubectl asked for strict field validation.
    pub(crate) fn decode(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Result<Value, ApiError> {
        rec.at(Stage::Validation, "decoding");
        let obj = self.decode_body(req, info, res, rec)?;
        rec.at(Stage::Storage, "handler");
        Ok(obj)
    }

    fn decode_body(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Result<Value, ApiError> {
        let body = req.body.as_deref().unwrap_or("");
        let mut obj: Value = serde_json::from_str(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request was in an unknown format: {e}"
            ))
        })?;
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request must be a JSON object",
            ));
        }
        if obj.get("metadata").is_none_or(|m| !m.is_object()) {
            obj["metadata"] = json!({});
        }
        self.scope(&mut obj, info, res)?;
        // The typed decode: a value Go cannot put in its field fails the request.
        let node = crate::sim::yaml::Node::from_json(&obj);
        if let Some(e) = crate::sim::gotypes::check(&node, res.group, res.version, res.kind) {
            let mut record = StageRecord::new(Stage::Validation);
            record.decide("decoding", Decision::Deny, e.message.clone());
            rec.push(record);
            return Err(ApiError::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {}",
                e.message,
                kind = res.kind,
                version = res.version
            )));
        }
        // Server-side field validation (kubectl sends fieldValidation=Strict by default).
        if query_value(&req.url, "fieldValidation").as_deref() == Some("Strict") {
            if let Some(schema) = crate::sim::schema::for_kind(res.group, res.kind) {
                let mut findings = Vec::new();
                crate::sim::schema::check(&node, schema, "", &mut findings);
                let unknown: Vec<String> = findings
                    .iter()
                    .filter(|f| !f.error)
                    .map(|f| f.message.clone())
                    .collect();
                if !unknown.is_empty() {
                    let mut record = StageRecord::new(Stage::Validation);
                    record.step("strict decoding", Decision::Deny, unknown.join(", "));
                    record.decide(
                        "strict decoding",
                        Decision::Deny,
                        "the body has fields the API does not know (kubectl asked for fieldValidation=Strict)",
                    );
                    rec.push(record);
                    return Err(ApiError::bad_request(format!(
                        "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
                        unknown.join(", "),
                        kind = res.kind,
                        version = res.version
                    )));
                }
            }
        }
        Ok(obj)
    }

    /// Puts the request's namespace on a namespaced object (refusing a different one) and
    /// removes it from a cluster-scoped one.
    pub(crate) fn scope(
        &self,
        obj: &mut Value,
        info: &RequestInfo,
        res: &ApiResource,
    ) -> Result<(), ApiError> {
        let obj_ns = obj
            .ptr("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if res.namespaced {
            if !obj_ns.is_empty() && obj_ns != info.namespace {
                return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
            }
            obj["metadata"]["namespace"] = json!(info.namespace);
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        Ok(())
    }

    /// The stages every write shares: defaulting, mutating admission, validation, validating
    /// admission, storage.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn admit_and_store(
        &mut self,
        op: Operation,
        mut obj: Value,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        dry_run: bool,
        rec: &mut Recorder,
    ) -> Answer {
        let mut named_info = info.clone();
        named_info.name = name_of(&obj).to_string();
        crate::sim::defaults::apply(&mut obj, res);
        if op == Operation::Create
            && res.group == "certificates.k8s.io"
            && res.name == "certificatesigningrequests"
        {
            // The CSR strategy records who asked, whatever the body says.
            obj["spec"]["username"] = json!(user.username);
            obj["spec"]["groups"] = json!(user.groups);
            if user.uid.is_empty() {
                if let Some(spec) = obj["spec"].as_object_mut() {
                    spec.remove("uid");
                }
            } else {
                obj["spec"]["uid"] = json!(user.uid);
            }
            if !user.extra.is_empty() {
                obj["spec"]["extra"] = json!(user.extra);
            }
        }

        let mut attrs = Attributes::from_request(op, info, res.namespaced, user);
        attrs.kind = res.kind.to_string();
        attrs.name = name_of(&obj).to_string();
        attrs.dry_run = dry_run;
        if op == Operation::Update {
            attrs.old_object = self
                .store
                .get(res.group, res.name, &info.namespace, &attrs.name)
                .cloned();
        }
        attrs.object = Some(obj);
        self.admit(&mut attrs, rec)?;
        self.validate_and_store(attrs, info, res, rec)
    }
}

/// Whether the request asks for a dry run: `?dryRun=All`, or for a DELETE also the
/// `dryRun: ["All"]` of its DeleteOptions body (what kubectl sends).
pub(crate) fn dry_run_requested(req: &HttpRequest) -> bool {
    if query_value(&req.url, "dryRun").is_some_and(|v| v == "All") {
        return true;
    }
    req.body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
        .and_then(|b| b.get("dryRun").and_then(Value::as_array).cloned())
        .is_some_and(|d| d.iter().any(|v| v == "All"))
}

//! PATCH (`k8s.io/apiserver/pkg/endpoints/handlers/patch.go`): a JSON, merge or strategic
//! merge patch applied to the stored object, which then goes through admission as an update.
//! See <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/>.

use serde_json::{json, Value};

use super::super::{with_type_meta, Answer, Recorder};
use crate::sim::admission::Operation;
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::http::HttpRequest;
use crate::sim::limits;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// PATCH: apply a merge, JSON or strategic merge patch to an existing object.
    pub(crate) fn patch(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        rec.at(Stage::Validation, "decoding the patch");
        let content_type = req.header("Content-Type").unwrap_or("");
        let Some(kind) = crate::sim::patch::PatchType::from_content_type(content_type) else {
            return Err(ApiError {
                text_body: false,
                code: 415,
                reason: "UnsupportedMediaType".into(),
                message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json".to_string(),
                details: Box::default(),
            });
        };
        let Some(current) = self
            .store
            .get(res.group, res.name, &info.namespace, &info.name)
            .cloned()
        else {
            return Err(ApiError::not_found(res.group, res.name, &info.name));
        };
        // v1.37 checks that every JSON-based patch is valid JSON before anything else.
        let body: Value = match serde_json::from_str(req.body.as_deref().unwrap_or("")) {
            Ok(b) => b,
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                return Err(ApiError::bad_request(format!(
                    "invalid JSON patch (kubegate reads JSON nested at most {} levels deep)",
                    limits::MAX_DEPTH
                )))
            }
            Err(_) => return Err(ApiError::bad_request("invalid JSON patch")),
        };
        let current = with_type_meta(current, res);
        let mut patched = match kind {
            crate::sim::patch::PatchType::Merge => crate::sim::patch::merge(&current, &body),
            crate::sim::patch::PatchType::Strategic => {
                crate::sim::patch::strategic(&current, &body).map_err(|e| e.into_api_error())?
            }
            crate::sim::patch::PatchType::Json => {
                match crate::sim::patch::json_patch(&current, &body) {
                    Ok(p) => p,
                    Err(crate::sim::patch::JsonPatchError::Decode(msg)) => {
                        return Err(ApiError::bad_request(msg))
                    }
                    Err(crate::sim::patch::JsonPatchError::TooManyOperations(n)) => {
                        return Err(ApiError::entity_too_large(&format!(
                            "The allowed maximum operations in a JSON patch is {}, got {n}",
                            limits::MAX_JSON_PATCH_OPERATIONS
                        )))
                    }
                    // Every failure to apply is the same 422: the server drops json-patch's
                    // own message (kept in the trace).
                    Err(crate::sim::patch::JsonPatchError::Apply(why)) => {
                        let mut record = StageRecord::new(Stage::Validation);
                        record.decide("json-patch", Decision::Deny, why);
                        rec.push(record);
                        return Err(ApiError {
                            text_body: false,
                            code: 422,
                            reason: "Invalid".into(),
                            message:
                                "the server rejected our request due to an error in our request"
                                    .into(),
                            details: Box::default(),
                        });
                    }
                }
            }
        };
        if !patched.is_object() {
            // A patch can turn the object into a string or a list (a merge patch that is one,
            // a JSON patch replacing the root): the typed decode refuses it.
            let json_type = match &patched {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            };
            let cause = crate::sim::response::FieldError {
                kind: crate::sim::response::FieldErrorKind::Invalid,
                field: "patch".into(),
                value: Some(crate::sim::yamlout::go_quote(&patched.to_string())),
                detail: format!("couldn't get version/kind; json parse error: json: cannot unmarshal {json_type} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}"),
            };
            return Err(ApiError::invalid("", "", "", &[cause]));
        }
        // The patched object is decoded into its type as a request body is.
        if let Some(e) = crate::sim::gotypes::check(
            &crate::sim::yaml::Node::from_json(&patched),
            res.group,
            res.version,
            res.kind,
        ) {
            let cause = crate::sim::response::FieldError {
                kind: crate::sim::response::FieldErrorKind::Invalid,
                field: "patch".into(),
                value: Some(crate::sim::yamlout::go_quote(&patched.to_string())),
                detail: e.message,
            };
            return Err(ApiError::invalid("", "", "", &[cause]));
        }
        if patched.get("metadata").is_none_or(|m| !m.is_object()) {
            patched["metadata"] = json!({});
        }
        self.scope(&mut patched, info, res)?;
        rec.at(Stage::Storage, "handler");
        let dry_run = super::dry_run_requested(req);
        self.admit_and_store(Operation::Update, patched, info, user, res, dry_run, rec)
    }
}

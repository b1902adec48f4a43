//! The TokenRequest subresource of ServiceAccounts
//! (`pkg/registry/core/serviceaccount/storage/token.go`): a bound, signed token; nothing stored.
//! See <https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::super::{json_body, Answer, Recorder};
use crate::sim::admission::{Attributes, Operation};
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// The TokenRequest API (`POST …/serviceaccounts/NAME/token`): a bound token signed with
    /// the service-account key, as pkg/registry/core/serviceaccount/storage/token.go issues it.
    pub(crate) fn token_request(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let body: Value = json_body(req, rec)?;
        let mut attrs = Attributes::from_request(Operation::Create, info, true, user);
        attrs.kind = "TokenRequest".into();
        attrs.object = Some(body.clone());
        self.admit(&mut attrs, rec)?;
        // The service account must exist before anything else is looked at.
        let Some(sa) = self
            .store
            .get("", "serviceaccounts", &info.namespace, &info.name)
            .cloned()
        else {
            let mut record = StageRecord::new(Stage::Storage);
            record.decide(
                "etcd",
                Decision::Deny,
                format!("no service account {}/{}", info.namespace, info.name),
            );
            rec.push(record);
            return Err(ApiError::not_found("", "serviceaccounts", &info.name));
        };
        let spec = body.get("spec").cloned().unwrap_or(json!({}));
        let expiration = spec
            .get("expirationSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(3600);
        let mut record = StageRecord::new(Stage::Validation);
        let invalid = |detail: &str| {
            ApiError::invalid(
                "authentication.k8s.io",
                "TokenRequest",
                &info.name,
                &[crate::sim::response::FieldError {
                    kind: crate::sim::response::FieldErrorKind::Invalid,
                    field: "spec.expirationSeconds".into(),
                    value: Some(expiration.to_string()),
                    detail: detail.into(),
                }],
            )
        };
        let problem = if expiration < 600 {
            Some(invalid("may not specify a duration less than 10 minutes"))
        } else if expiration > 1 << 32 {
            Some(invalid(
                "may not specify a duration larger than 2^32 seconds",
            ))
        } else {
            None
        };
        if let Some(err) = problem {
            record.decide("validation", Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        record.decide(
            "validation",
            Decision::Allow,
            "TokenRequest passes validation",
        );
        rec.push(record);
        self.validate(&mut attrs, rec)?;
        let mut record = StageRecord::new(Stage::Storage);
        let Some(keys) = &self.authenticators.service_accounts else {
            return Err(ApiError::internal(
                "the server has no service-account signing key",
            ));
        };
        let audiences: Vec<String> = match spec.get("audiences").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => keys.audiences.clone(),
        };
        // A token bound to a pod or secret lives only as long as that object.
        let bound_ref = spec
            .get("boundObjectRef")
            .filter(|b| b.is_object())
            .cloned();
        let mut bound = None;
        if let Some(b) = &bound_ref {
            let kind = b.get("kind").and_then(Value::as_str).unwrap_or("");
            let name = b.get("name").and_then(Value::as_str).unwrap_or("");
            let resource = match kind {
                "Pod" => "pods",
                "Secret" => "secrets",
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "cannot bind token to object of type {kind}"
                    )))
                }
            };
            let Some(obj) = self.store.get("", resource, &info.namespace, name) else {
                return Err(ApiError::not_found("", resource, name));
            };
            let uid = obj
                .ptr("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(want) = b
                .get("uid")
                .and_then(Value::as_str)
                .filter(|u| !u.is_empty())
            {
                if want != uid {
                    return Err(ApiError::conflict("", resource, name, &format!("the UID in the bound object reference ({want}) does not match the UID in record ({uid}). The object might have been deleted and then recreated")));
                }
            }
            bound = Some((kind.to_string(), name.to_string(), uid));
        }
        let sa_uid = sa
            .ptr("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let jti = self.store.next_uid();
        let claims = keys.bound_claims(
            &info.namespace,
            &info.name,
            &sa_uid,
            &audiences,
            self.now,
            expiration,
            bound
                .as_ref()
                .map(|(k, n, u)| (k.as_str(), n.as_str(), u.as_str())),
            &jti,
        );
        let token = keys.sign(&claims).map_err(|e| ApiError::internal(&e))?;
        record.detail("claims", claims.to_string());
        record.decide(
            "token",
            Decision::Allow,
            format!(
                "signed a token for system:serviceaccount:{}:{} (nothing is stored)",
                info.namespace, info.name
            ),
        );
        rec.push(record);
        let mut out_spec = serde_json::Map::new();
        out_spec.insert("audiences".into(), json!(audiences));
        out_spec.insert("expirationSeconds".into(), json!(expiration));
        out_spec.insert("boundObjectRef".into(), bound_ref.unwrap_or(Value::Null));
        Ok((
            201,
            json!({
                "kind": "TokenRequest",
                "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": info.name, "namespace": info.namespace, "creationTimestamp": null},
                "spec": out_spec,
                "status": {
                    "token": token,
                    "expirationTimestamp": crate::sim::clock::format_rfc3339(self.now + expiration),
                },
            }),
        ))
    }
}

//! The CertificateSigningRequest registry (`pkg/registry/certificates`): the approval
//! subresource, which only changes the Approved/Denied conditions.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/>.

use serde_json::{json, Value};

use super::super::{json_body, with_type_meta, Answer, Recorder};
use crate::sim::authn::UserInfo;
use crate::sim::authz::{self, Attributes};
use crate::sim::cluster::Cluster;
use crate::sim::discovery;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// `PUT …/certificatesigningrequests/NAME/approval`: only the Approved/Denied conditions
    /// change, and the CertificateApproval admission plugin requires the `approve` verb on
    /// the request's signer (`signers` in certificates.k8s.io).
    pub(crate) fn csr_approval(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let body: Value = json_body(req)?;
        let group = "certificates.k8s.io";
        let Some(current) = self
            .store
            .get(group, "certificatesigningrequests", "", &info.name)
            .cloned()
        else {
            return Err(ApiError::not_found(
                group,
                "certificatesigningrequests",
                &info.name,
            ));
        };
        let signer = current
            .pointer("/spec/signerName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut record = StageRecord::new(Stage::ValidatingAdmission);
        let domain = signer.split_once('/').map(|(d, _)| format!("{d}/*"));
        let allowed = std::iter::once(signer.clone()).chain(domain).any(|name| {
            let check = Attributes {
                user: user.clone(),
                verb: "approve".into(),
                resource_request: true,
                api_group: group.into(),
                api_version: "*".into(),
                resource: "signers".into(),
                name,
                ..Default::default()
            };
            authz::authorize(&self.authz, &self.store, &check, None).decision == Decision::Allow
        });
        if !allowed {
            let err = ApiError::forbidden(
                group,
                "certificatesigningrequests",
                &info.name,
                &format!("user not permitted to approve requests with signerName \"{signer}\""),
            );
            record.decide("CertificateApproval", Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        record.decide(
            "CertificateApproval",
            Decision::Allow,
            format!("{} may approve for signer {signer}", user.username),
        );
        rec.push(record);
        let mut updated = current.clone();
        let conditions = body
            .pointer("/status/conditions")
            .cloned()
            .unwrap_or(json!([]));
        let types: Vec<&str> = conditions
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("type").and_then(Value::as_str))
            .collect();
        if types.contains(&"Approved") && types.contains(&"Denied") {
            let i = types
                .iter()
                .rposition(|t| *t == "Approved" || *t == "Denied")
                .unwrap_or(0);
            return Err(ApiError::invalid(
                group,
                "CertificateSigningRequest",
                &info.name,
                &[crate::sim::response::FieldError {
                    kind: crate::sim::response::FieldErrorKind::Invalid,
                    field: format!("status.conditions[{i}].type"),
                    value: Some(format!("\"{}\"", types[i])),
                    detail: "Approved and Denied conditions are mutually exclusive".into(),
                }],
            ));
        }
        updated["status"]["conditions"] = conditions;
        let stored = self
            .store
            .update(group, "certificatesigningrequests", updated)?;
        let mut record = StageRecord::new(Stage::Storage);
        record.decide("etcd", Decision::Allow, "stored the approval conditions");
        rec.push(record);
        let Some(res) = discovery::by_resource(
            self.control_plane.minor,
            group,
            "certificatesigningrequests",
        ) else {
            return Ok((200, stored));
        };
        Ok((200, with_type_meta(stored, res)))
    }
}

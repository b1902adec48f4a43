//! The CertificateSigningRequest registry (`pkg/registry/certificates`): the approval
//! subresource, which only changes the Approved/Denied conditions.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::super::{json_body, with_type_meta, Answer, Recorder};
use crate::sim::admission::{Attributes as AdmissionAttributes, Operation};
use crate::sim::authn::UserInfo;
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
        let body: Value = json_body(req, rec)?;
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
        let mut attrs = AdmissionAttributes::from_request(Operation::Update, info, false, user);
        attrs.kind = "CertificateSigningRequest".into();
        attrs.object = Some(body);
        attrs.old_object = Some(current.clone());
        self.admit(&mut attrs, rec)?;
        // The approval strategy keeps everything of the stored request but its conditions.
        let mut updated = current.clone();
        let conditions = attrs
            .object
            .as_ref()
            .and_then(|b| b.ptr("/status/conditions"))
            .cloned()
            .unwrap_or(json!([]));
        let types: Vec<&str> = conditions
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("type").and_then(Value::as_str))
            .collect();
        let mut record = StageRecord::new(Stage::Validation);
        if types.contains(&"Approved") && types.contains(&"Denied") {
            let i = types
                .iter()
                .rposition(|t| *t == "Approved" || *t == "Denied")
                .unwrap_or(0);
            let err = ApiError::invalid(
                group,
                "CertificateSigningRequest",
                &info.name,
                &[crate::sim::response::FieldError {
                    kind: crate::sim::response::FieldErrorKind::Invalid,
                    field: format!("status.conditions[{i}].type"),
                    value: Some(format!("\"{}\"", types[i])),
                    detail: "Approved and Denied conditions are mutually exclusive".into(),
                }],
            );
            record.decide("validation", Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        record.decide(
            "validation",
            Decision::Allow,
            "the conditions are valid (not both Approved and Denied)",
        );
        rec.push(record);
        updated["status"]["conditions"] = conditions;
        attrs.object = Some(updated.clone());
        self.validate(&mut attrs, rec)?;
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

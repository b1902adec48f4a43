//! SelfSubjectReview (`pkg/registry/authentication/selfsubjectreview`): the request's own
//! user as the server sees it (`kubectl auth whoami`); nothing is stored.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review>.

use serde_json::{json, Map, Value};

use super::super::{json_body, Answer, Recorder};
use crate::sim::admission::{Attributes as AdmissionAttributes, Operation};
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// `POST …/selfsubjectreviews` (`kubectl auth whoami`).
    pub(crate) fn self_subject_review(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let mut review = AdmissionAttributes::from_request(Operation::Create, info, false, user);
        review.kind = "SelfSubjectReview".into();
        review.object = Some(json_body(req, rec)?);
        self.admit(&mut review, rec)?;
        self.validate(&mut review, rec)?;
        Ok(answer(user, rec))
    }
}

fn answer(user: &UserInfo, rec: &mut Recorder) -> (u16, Value) {
    let mut record = StageRecord::new(Stage::Storage);
    record.decide(
        "",
        Decision::Allow,
        "SelfSubjectReview is answered from the request's user; nothing is stored",
    );
    rec.push(record);
    let mut info = Map::new();
    info.insert("username".into(), json!(user.username));
    if !user.uid.is_empty() {
        info.insert("uid".into(), json!(user.uid));
    }
    info.insert("groups".into(), json!(user.groups));
    if !user.extra.is_empty() {
        info.insert("extra".into(), json!(user.extra));
    }
    (
        201,
        json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
        "metadata": {}, "status": {"userInfo": info}}),
    )
}

//! SelfSubjectReview (`pkg/registry/authentication/selfsubjectreview`): the request's own
//! user as the server sees it (`kubectl auth whoami`); nothing is stored.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review>.

use serde_json::{json, Map};

use super::super::{Answer, Recorder};
use crate::sim::authn::UserInfo;
use crate::sim::trace::{Decision, Stage, StageRecord};

pub(crate) fn self_subject_review(user: &UserInfo, rec: &mut Recorder) -> Answer {
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
    Ok((
        201,
        json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
        "metadata": {}, "status": {"userInfo": info}}),
    ))
}

//! PUT of a whole object (`k8s.io/apiserver/pkg/endpoints/handlers/update.go`).
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

use super::super::{Answer, Recorder};
use crate::sim::admission::Operation;
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;

impl Cluster {
    /// PUT: replace an existing object.
    pub(crate) fn update(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let obj = self.decode(req, info, res, rec)?;
        if name_of(&obj) != info.name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({})",
                name_of(&obj),
                info.name
            )));
        }
        if self
            .store
            .get(res.group, res.name, &info.namespace, &info.name)
            .is_none()
        {
            return Err(ApiError::not_found(res.group, res.name, &info.name));
        }
        let dry_run = super::dry_run_requested(req);
        self.admit_and_store(Operation::Update, obj, info, user, res, dry_run, rec)
    }
}

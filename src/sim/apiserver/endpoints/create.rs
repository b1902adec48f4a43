//! POST of a new object (`k8s.io/apiserver/pkg/endpoints/handlers/create.go`).
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::super::{Answer, Recorder};
use crate::sim::admission::Operation;
use crate::sim::authn::UserInfo;
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::store::name_of;

impl Cluster {
    pub(crate) fn create(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let mut obj = self.decode(req, info, res, rec)?;
        if name_of(&obj).is_empty() {
            if let Some(prefix) = obj
                .ptr("/metadata/generateName")
                .and_then(Value::as_str)
                .map(str::to_string)
            {
                let name = format!("{prefix}{}", self.store.name_suffix());
                obj["metadata"]["name"] = json!(name);
            }
        }
        let dry_run = super::dry_run_requested(req);
        self.admit_and_store(Operation::Create, obj, info, user, res, dry_run, rec)
    }
}

//! The authentication filter (`k8s.io/apiserver/pkg/endpoints/filters/authentication.go`):
//! the authenticators in turn, the first that recognises the credential names the user; none
//! (and anonymous access off) is a 401.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/>.

use crate::sim::apiserver::Recorder;
use crate::sim::authn::{self, AuthnOutcome, UserInfo};
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::response::ApiError;

impl Cluster {
    /// Who sent the request, or the 401.
    pub(crate) fn authenticate(
        &self,
        req: &HttpRequest,
        chain: &[x509_cert::Certificate],
        rec: &mut Recorder,
    ) -> Result<UserInfo, ApiError> {
        let (record, outcome) = authn::run(&self.authenticators, req, chain, self.now, &self.store);
        rec.push(record);
        let user = match outcome {
            AuthnOutcome::User(u) => u,
            AuthnOutcome::Unauthorized => return Err(ApiError::unauthorized()),
        };
        rec.user = Some(user.clone());
        Ok(user)
    }
}

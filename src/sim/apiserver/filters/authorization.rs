//! The authorization filter (`k8s.io/apiserver/pkg/endpoints/filters/authorization.go`): the
//! request's attributes go to the authorizer chain; anything but an allow ends the request
//! with a 403 (or a 500 when an authorizer failed).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authorization/>.

use crate::sim::apiserver::Recorder;
use crate::sim::authn::UserInfo;
use crate::sim::authz::{self, Attributes};
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// Lets the request on, or answers why not.
    pub(crate) fn authorize(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        rec: &mut Recorder,
    ) -> Result<(), ApiError> {
        let attrs = Attributes::from_request(info, user);
        let mut record = StageRecord::new(Stage::Authorization);
        record.detail("verb", &attrs.verb);
        if info.is_resource_request {
            let mut res = attrs.resource.clone();
            if !attrs.subresource.is_empty() {
                res = format!("{res}/{}", attrs.subresource);
            }
            record.detail("resource", res);
            record.detail("API group", format!("\"{}\"", attrs.api_group));
            record.detail(
                "namespace",
                if attrs.namespace.is_empty() {
                    "(cluster scope)".to_string()
                } else {
                    attrs.namespace.clone()
                },
            );
            if !attrs.name.is_empty() {
                record.detail("name", &attrs.name);
            }
        } else {
            record.detail("path", &attrs.path);
        }
        record.detail(
            "modes",
            self.authz
                .modes
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(","),
        );
        let rbac = self.authz.modes.contains(&authz::Mode::Rbac);
        let (decision, graph) =
            authz::authorize_graphed(&self.authz, &self.store, &attrs, Some(&mut record), rbac);
        // The graph shows the user's bindings even when an earlier authorizer decided.
        if rbac {
            record.graph = graph.unwrap_or_else(|| authz::rbac::graph(&self.store, &attrs));
        }
        if decision.decision == Decision::Allow {
            let reason = if decision.reason.is_empty() {
                format!("allowed by {}", decision.plugin)
            } else {
                decision.reason.clone()
            };
            record.decide(&decision.plugin, Decision::Allow, reason);
            rec.push(record);
        } else if let Some(err) = decision.error {
            record.decide(&decision.plugin, Decision::Error, err.clone());
            rec.push(record);
            // responsewriters.InternalError: plain text, HTML-escaped, the request URI quoted.
            let text = format!("Internal Server Error: \"{}\": {err}", req.url)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            return Err(ApiError::plain_text(500, format!("{text}\n")));
        } else {
            let mut inner = attrs.forbidden_message();
            if !decision.reason.is_empty() {
                inner = format!("{inner}: {}", decision.reason);
            }
            let why = if decision.plugin.is_empty() {
                "no authorizer allowed the request".to_string()
            } else {
                format!("denied by {}", decision.plugin)
            };
            if self.authz.modes.contains(&authz::Mode::Rbac) {
                let (lines, rows) = authz::access::near_misses_graphed(&self.store, &attrs);
                record.detail("near misses (RBAC)", lines.join("\n"));
                record.graph.extend(rows);
            }
            record.decide(&decision.plugin, Decision::Deny, why);
            rec.push(record);
            return Err(ApiError::forbidden(
                &attrs.api_group,
                &attrs.resource,
                &attrs.name,
                &inner,
            ));
        }
        Ok(())
    }
}

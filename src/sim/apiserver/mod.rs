//! kube-apiserver, one HTTP request at a time: the TLS handshake, then the handler chain of
//! filters (authentication → impersonation → authorization, `filters/`), then the endpoint
//! for the verb (`endpoints/`), which runs admission and hands the object to the resource's
//! registry strategy (`registry/`). Every stage is written down by one [`Recorder`]; the
//! result is a [`RequestTrace`].
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

mod admission;
mod endpoints;
mod filters;
mod registry;

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::authn::UserInfo;
use super::cluster::Cluster;
use super::discovery::ApiResource;
use super::http::HttpRequest;
use super::request::{request_info, RequestInfo};
use super::response::ApiError;
use super::tables;
use super::trace::{Decision, RequestTrace, ResponseRecord, Stage, StageRecord};

pub use filters::impersonation::split_service_account;

/// What an endpoint produced: the status code and body, or the error to answer with.
type Answer = Result<(u16, Value), ApiError>;

/// The stages of one request as they are recorded, and the user it runs as once
/// authentication (and impersonation) said so.
pub(crate) struct Recorder {
    stages: Vec<StageRecord>,
    /// The user the request runs as.
    pub user: Option<UserInfo>,
    /// Where an error no stage has recorded happened (the endpoint sets it while decoding).
    at: (Stage, &'static str),
    /// The warnings the response carries (upstream's `warning.AddWarning`).
    pub warnings: Vec<String>,
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            stages: Vec::new(),
            warnings: Vec::new(),
            user: None,
            at: (Stage::Storage, "handler"),
        }
    }

    /// Says which stage (and which part of it) the request is in, for an error that ends it
    /// without a stage record of its own.
    pub fn at(&mut self, stage: Stage, part: &'static str) {
        self.at = (stage, part);
    }

    /// Makes sure an error answer is written down: when no stage recorded a refusal, one
    /// for the stage the request was in says what ended it.
    fn finish(&mut self, answer: &Answer) {
        let Err(e) = answer else {
            return;
        };
        let refused = self
            .stages
            .iter()
            .any(|s| matches!(s.decision, Decision::Deny | Decision::Error));
        if !refused {
            let (stage, part) = self.at;
            let mut record = StageRecord::new(stage);
            let decision = if e.code >= 500 {
                Decision::Error
            } else {
                Decision::Deny
            };
            record.decide(part, decision, format!("HTTP {}: {}", e.code, e.message));
            self.stages.push(record);
        }
    }

    /// Adds a finished stage record.
    pub fn push(&mut self, record: StageRecord) {
        self.stages.push(record);
    }

    /// The stage recorded last.
    fn last_mut(&mut self) -> Option<&mut StageRecord> {
        self.stages.last_mut()
    }
}

impl Cluster {
    /// Serves one request and returns its whole trace.
    pub fn handle(&mut self, req: &HttpRequest) -> RequestTrace {
        let info = request_info(&req.method, &req.url);
        let mut rec = Recorder::new();
        // The TLS handshake comes before HTTP: a client certificate whose key the client
        // cannot prove it holds ends the connection, and no request is served.
        let chain = match req
            .client_certificate
            .as_ref()
            .map(crate::sim::tls::server_accept)
        {
            Some(Err(failure)) => {
                let mut record = StageRecord::new(Stage::Authentication);
                record.detail("client certificate", "presented");
                record.step("tls", Decision::Error, failure.server.clone());
                record.decide(
                    "tls",
                    Decision::Error,
                    format!(
                        "the TLS handshake failed before any HTTP request: {}",
                        failure.server
                    ),
                );
                return RequestTrace {
                    method: req.method.clone(),
                    path: req.url.clone(),
                    attributes: info,
                    user: None,
                    stages: vec![record],
                    response: ResponseRecord {
                        code: 0,
                        body: Value::String(failure.client),
                        warnings: Vec::new(),
                    },
                    sent_by: String::new(),
                    security: None,
                    sent_body: req.body.clone(),
                };
            }
            Some(Ok(chain)) => chain,
            None => Vec::new(),
        };
        let revision = self.store.revision();
        let answer = self.serve(req, &chain, &info, &mut rec);
        rec.finish(&answer);
        let (code, body) = match answer {
            Ok((code, body)) => (code, body),
            Err(e) => (e.code, e.status()),
        };
        // Controllers react to a change before the next request: each only to the writes it
        // watches (an `auth can-i`, which stores nothing, wakes none of them).
        if self.store.revision() != revision {
            let resource = info.resource.as_str();
            let terminating = self
                .store
                .get("", "namespaces", "", &info.namespace)
                .and_then(|ns| ns.ptr("/status/phase"))
                .is_some_and(|p| p == "Terminating");
            let mut notes = Vec::new();
            if resource == "namespaces" || terminating {
                notes.extend(crate::sim::controllers::namespace_controller(
                    &mut self.store,
                    self.control_plane.minor,
                    self.now,
                ));
            }
            if resource == "validatingadmissionpolicies" {
                notes.extend(crate::sim::admission::policy::typecheck::sync(
                    &mut self.store,
                    self.control_plane.minor,
                ));
            }
            if resource == "certificatesigningrequests" {
                notes.extend(crate::sim::controllers::csr_signer(
                    &mut self.store,
                    &self.control_plane,
                    self.now,
                ));
            }
            if matches!(resource, "serviceaccounts" | "secrets" | "namespaces") {
                notes.extend(crate::sim::controllers::token_controller(
                    &mut self.store,
                    self.control_plane.minor,
                    self.now,
                    self.authenticators.service_accounts.as_ref(),
                    &self.control_plane.ca_pem(),
                ));
            }
            if !info.namespace.is_empty()
                && self
                    .store
                    .list("", "resourcequotas", Some(&info.namespace))
                    .next()
                    .is_some()
            {
                notes.extend(crate::sim::quota::sync_namespace(
                    &mut self.store,
                    self.control_plane.minor,
                    &info.namespace,
                    self.now,
                ));
            }
            if let Some(last) = rec.last_mut() {
                for n in notes {
                    last.detail("after the response", n);
                }
            }
        }
        RequestTrace {
            method: req.method.clone(),
            path: req.url.clone(),
            attributes: info,
            user: rec.user,
            stages: rec.stages,
            response: ResponseRecord {
                code,
                body,
                warnings: warning_headers(std::mem::take(&mut rec.warnings)),
            },
            sent_by: String::new(),
            security: None,
            sent_body: req.body.clone(),
        }
    }

    pub(crate) fn serve(
        &mut self,
        req: &HttpRequest,
        chain: &[x509_cert::Certificate],
        info: &RequestInfo,
        rec: &mut Recorder,
    ) -> Answer {
        let user = self.authenticate(req, chain, rec)?;
        let user = match self.impersonate(req, user.clone(), rec)? {
            Some(u) => {
                rec.user = Some(u.clone());
                u
            }
            None => user,
        };
        self.authorize(req, info, &user, rec)?;

        if !info.is_resource_request {
            return self.non_resource(info);
        }
        self.resource(req, info, &user, rec)
    }
}

/// A request body as JSON, or the 400 the server gives for an unreadable one (recorded as
/// the decoding that failed).
pub(crate) fn json_body(req: &HttpRequest, rec: &mut Recorder) -> Result<Value, ApiError> {
    serde_json::from_str(req.body.as_deref().unwrap_or("")).map_err(|e| {
        rec.at(Stage::Validation, "decoding");
        ApiError::bad_request(format!(
            "the body of the request was in an unknown format: {e}"
        ))
    })
}

pub(crate) fn key(res: &ApiResource, ns: &str, name: &str) -> String {
    let group = if res.group.is_empty() {
        String::new()
    } else {
        format!("{}/", res.group)
    };
    if ns.is_empty() {
        format!("/registry/{group}{}/{name}", res.name)
    } else {
        format!("/registry/{group}{}/{ns}/{name}", res.name)
    }
}

/// Objects in storage carry their kind and apiVersion when served.
pub(crate) fn with_type_meta(mut obj: Value, res: &ApiResource) -> Value {
    let api_version = res.api_version();
    if let Some(m) = obj.as_object_mut() {
        let mut out = Map::new();
        out.insert("apiVersion".into(), json!(api_version));
        out.insert("kind".into(), json!(res.kind));
        for (k, v) in std::mem::take(m) {
            if k != "apiVersion" && k != "kind" {
                out.insert(k, v);
            }
        }
        return Value::Object(out);
    }
    obj
}

pub(crate) fn query_value(url: &str, key: &str) -> Option<String> {
    crate::sim::request::query_params(url)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Whether the client asked for a Table (`kubectl get`'s human-readable output).
pub(crate) fn wants_table(req: &HttpRequest) -> bool {
    req.header("Accept").is_some_and(tables::wants_table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::session::Session;

    const WORKSPACE: &str = "apiVersion: kubegate.dev/v1alpha1\nkind: ControlPlane\nspec:\n  apiServer:\n    args:\n    - --authorization-mode=AlwaysAllow\n    - --token-auth-file=/t.csv\n  files:\n    /t.csv: t0k3n,root,1\n";

    fn send(session: &mut Session, method: &str, url: &str, body: Option<&str>) -> RequestTrace {
        let mut req = HttpRequest::new(method, url);
        req.headers
            .push(("Authorization".into(), "Bearer t0k3n".into()));
        if method == "PATCH" {
            req.headers
                .push(("Content-Type".into(), "text/plain".into()));
        }
        req.body = body.map(str::to_string);
        session.request(&req)
    }

    #[test]
    fn every_error_answer_leaves_a_record_of_what_ended_the_request() {
        let mut session = match Session::new(WORKSPACE) {
            Ok(s) => s,
            Err(d) => panic!("{d:?}"),
        };
        for (method, url, body, code, stage) in [
            (
                "GET",
                "/api/v1/namespaces/default/widgets",
                None,
                404,
                Stage::Storage,
            ),
            (
                "POST",
                "/api/v1/namespaces/default/pods",
                Some("{"),
                400,
                Stage::Validation,
            ),
            (
                "PATCH",
                "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
                Some("{}"),
                415,
                Stage::Validation,
            ),
            (
                "POST",
                "/api/v1/namespaces/default/serviceaccounts/default/token",
                Some("[1"),
                400,
                Stage::Validation,
            ),
            (
                "PUT",
                "/apis/certificates.k8s.io/v1/certificatesigningrequests/none/approval",
                Some("{}"),
                404,
                Stage::Storage,
            ),
        ] {
            let trace = send(&mut session, method, url, body);
            assert_eq!(trace.response.code, code, "{method} {url}");
            let last = trace.stages.last().map(|s| (s.stage, s.decision));
            assert_eq!(
                last,
                Some((stage, Decision::Deny)),
                "{method} {url}: {:?}",
                trace.stages
            );
            let reason = trace
                .stages
                .last()
                .map(|s| s.reason.clone())
                .unwrap_or_default();
            assert!(reason.starts_with(&format!("HTTP {code}: ")), "{reason}");
        }
    }
}

/// The warnings as the API server sends them (`filters.WithWarningRecorder`): empty ones and
/// ones with control characters dropped, each once.
fn warning_headers(warnings: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in warnings {
        if !w.is_empty() && !w.chars().any(char::is_control) && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod warning_tests {
    #[test]
    fn warnings_are_sent_once_and_only_printable() {
        let got = super::warning_headers(vec![
            "a".into(),
            String::new(),
            "line\nbreak".into(),
            "tab\tinside".into(),
            "a".into(),
            "b".into(),
        ]);
        assert_eq!(got, ["a", "b"]);
    }
}

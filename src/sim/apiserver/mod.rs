//! kube-apiserver, one HTTP request at a time: the TLS handshake, then the handler chain of
//! filters (authentication → impersonation → authorization, `filters/`), then the endpoint
//! for the verb (`endpoints/`), which runs admission and hands the object to the resource's
//! registry strategy (`registry/`). Every stage is written down by one [`Recorder`]; the
//! result is a [`RequestTrace`].
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

mod endpoints;
mod filters;
mod registry;

use serde_json::{json, Map, Value};

use super::admission::{self, Verdict};
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
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            stages: Vec::new(),
            user: None,
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
                    },
                    sent_by: String::new(),
                };
            }
            Some(Ok(chain)) => chain,
            None => Vec::new(),
        };
        let revision = self.store.revision();
        let answer = self.serve(req, &chain, &info, &mut rec);
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
                .and_then(|ns| ns.pointer("/status/phase"))
                .is_some_and(|p| p == "Terminating");
            let mut notes = Vec::new();
            if resource == "namespaces" || terminating {
                notes.extend(crate::sim::controllers::namespace_controller(
                    &mut self.store,
                    self.control_plane.minor,
                    self.now,
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
            response: ResponseRecord { code, body },
            sent_by: String::new(),
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

    /// Whether an off-by-default admission plugin is turned on by `--enable-admission-plugins`
    /// (and not turned off by `--disable-admission-plugins`).
    pub(crate) fn plugin_enabled(&self, plugin: &str) -> bool {
        let listed = |flag: &str| {
            self.control_plane
                .arg(flag)
                .is_some_and(|v| v.split(',').any(|p| p.trim() == plugin))
        };
        listed("enable-admission-plugins") && !listed("disable-admission-plugins")
    }
}

/// A request body as JSON, or the 400 the server gives for an unreadable one.
pub(crate) fn json_body(req: &HttpRequest) -> Result<Value, ApiError> {
    serde_json::from_str(req.body.as_deref().unwrap_or("")).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request was in an unknown format: {e}"
        ))
    })
}

/// The validating pass: no validating plugin is modelled yet, and the record says which
/// default-on plugins a real v1.37 server would run here.
pub(crate) fn validating_admission(rec: &mut Recorder) {
    let mut record = StageRecord::new(Stage::ValidatingAdmission);
    record.decide(
        "",
        Decision::Allow,
        "no validating plugin modelled yet rejected the request",
    );
    record.detail(
        "not modelled yet",
        admission::VALIDATING_NOT_YET_MODELLED.join(", "),
    );
    rec.push(record);
}

pub(crate) fn record_verdicts(
    record: &mut StageRecord,
    verdicts: Vec<(&'static str, Verdict)>,
) -> Option<ApiError> {
    for (plugin, v) in verdicts {
        match v {
            Verdict::Skip(why) => record.step(plugin, Decision::Skip, why),
            Verdict::Admit(why) => record.step(plugin, Decision::Allow, why),
            Verdict::Reject(err) => {
                record.step(plugin, Decision::Deny, err.message.clone());
                record.decide(plugin, Decision::Deny, err.message.clone());
                return Some(err);
            }
        }
    }
    record.decide("", Decision::Allow, "every plugin admitted the request");
    None
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

//! The request pipeline: one HTTP request through request attributes, authentication,
//! impersonation, authorization, admission, validation and storage, recorded stage by stage.
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::admission::{self, AdmissionRequest, Operation, Verdict};
use super::authn::{
    self, AuthnOutcome, UserInfo, ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS,
};
use super::authz::{self, Attributes};
use super::cluster::Cluster;
use super::discovery::{self, ApiResource};
use super::fieldsel;
use super::http::HttpRequest;
use super::limits;
use super::openapi;
use super::request::{request_info, RequestInfo};
use super::response::ApiError;
use super::store::name_of;
use super::tables;
use super::trace::{Decision, RequestTrace, ResponseRecord, Stage, StageRecord};
use super::validation;

/// The 503 message while the page has not yet fetched the OpenAPI schemas.
const OPENAPI_LOADING: &str =
    "the OpenAPI documents are still loading in this page; try again in a moment";

/// What the handler produced before it is put into the trace.
type Answer = Result<(u16, Value), ApiError>;

struct Run {
    stages: Vec<StageRecord>,
    user: Option<UserInfo>,
}

impl Cluster {
    /// Serves one request and returns its whole trace.
    pub fn handle(&mut self, req: &HttpRequest) -> RequestTrace {
        let info = request_info(&req.method, &req.url);
        let mut run = Run {
            stages: Vec::new(),
            user: None,
        };
        // The TLS handshake comes before HTTP: a client certificate whose key the client
        // cannot prove it holds ends the connection, and no request is served.
        let chain = match req
            .client_certificate
            .as_ref()
            .map(super::tls::server_accept)
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
        let answer = self.serve(req, &chain, &info, &mut run);
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
                notes.extend(super::controllers::namespace_controller(
                    &mut self.store,
                    self.control_plane.minor,
                    self.now,
                ));
            }
            if resource == "certificatesigningrequests" {
                notes.extend(super::controllers::csr_signer(
                    &mut self.store,
                    &self.control_plane,
                    self.now,
                ));
            }
            if matches!(resource, "serviceaccounts" | "secrets" | "namespaces") {
                notes.extend(super::controllers::token_controller(
                    &mut self.store,
                    self.control_plane.minor,
                    self.now,
                    self.authenticators.service_accounts.as_ref(),
                    &self.control_plane.ca_pem(),
                ));
            }
            if let Some(last) = run.stages.last_mut() {
                for n in notes {
                    last.detail("after the response", n);
                }
            }
        }
        RequestTrace {
            method: req.method.clone(),
            path: req.url.clone(),
            attributes: info,
            user: run.user,
            stages: run.stages,
            response: ResponseRecord { code, body },
            sent_by: String::new(),
        }
    }

    fn serve(
        &mut self,
        req: &HttpRequest,
        chain: &[x509_cert::Certificate],
        info: &RequestInfo,
        run: &mut Run,
    ) -> Answer {
        // Authentication.
        let (record, outcome) = authn::run(&self.authenticators, req, chain, self.now, &self.store);
        run.stages.push(record);
        let user = match outcome {
            AuthnOutcome::User(u) => u,
            AuthnOutcome::Unauthorized => return Err(ApiError::unauthorized()),
        };
        run.user = Some(user.clone());

        // Impersonation.
        let user = match self.impersonate(req, user, run)? {
            Some(u) => {
                run.user = Some(u.clone());
                u
            }
            None => run.user.clone().unwrap_or_default(),
        };

        // Authorization.
        let attrs = Attributes::from_request(info, &user);
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
        let decision = authz::authorize(&self.authz, &self.store, &attrs, Some(&mut record));
        if self.authz.modes.contains(&authz::Mode::Rbac) {
            record.graph = authz::rbac::graph(&self.store, &attrs);
        }
        if decision.decision == Decision::Allow {
            let reason = if decision.reason.is_empty() {
                format!("allowed by {}", decision.plugin)
            } else {
                decision.reason.clone()
            };
            record.decide(&decision.plugin, Decision::Allow, reason);
            run.stages.push(record);
        } else if let Some(err) = decision.error {
            record.decide(&decision.plugin, Decision::Error, err.clone());
            run.stages.push(record);
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
                let lines = authz::access::near_misses(&self.store, &attrs);
                record.detail("near misses (RBAC)", lines.join("\n"));
            }
            record.decide(&decision.plugin, Decision::Deny, why);
            run.stages.push(record);
            return Err(ApiError::forbidden(
                &attrs.api_group,
                &attrs.resource,
                &attrs.name,
                &inner,
            ));
        }

        if !info.is_resource_request {
            return self.non_resource(info);
        }
        self.resource(req, info, &user, run)
    }

    /// The impersonation filter: checks `impersonate` on each requested attribute, in upstream's
    /// order (user, groups, extras, uid), and builds the impersonated user.
    fn impersonate(
        &self,
        req: &HttpRequest,
        requester: UserInfo,
        run: &mut Run,
    ) -> Result<Option<UserInfo>, ApiError> {
        let user_header = req.header("Impersonate-User").map(str::to_string);
        let groups: Vec<String> = req
            .header_values("Impersonate-Group")
            .map(str::to_string)
            .collect();
        let uid = req.header("Impersonate-Uid").map(str::to_string);
        let mut extras: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &req.headers {
            const PREFIX: &str = "Impersonate-Extra-";
            let (Some(head), Some(tail)) = (k.get(..PREFIX.len()), k.get(PREFIX.len()..)) else {
                continue;
            };
            if !tail.is_empty() && head.eq_ignore_ascii_case(PREFIX) {
                let key = tail.to_ascii_lowercase();
                let key = percent_encoding::percent_decode_str(&key)
                    .decode_utf8_lossy()
                    .to_string();
                extras.entry(key).or_default().push(v.clone());
            }
        }
        if user_header.is_none() && groups.is_empty() && uid.is_none() && extras.is_empty() {
            return Ok(None);
        }
        let mut record = StageRecord::new(Stage::Impersonation);
        record.detail("requested by", &requester.username);
        let Some(target) = user_header else {
            let reason =
                "requested groups, extras or a uid without impersonating a user".to_string();
            record.decide("", Decision::Deny, reason);
            run.stages.push(record);
            // Go's %v of the []v1.ObjectReference it collected (seven fields each).
            // {Kind Namespace Name UID APIVersion ResourceVersion FieldPath}
            let reference = |kind: &str, name: &str, api_version: &str, field_path: &str| {
                format!("{{{kind}  {name}  {api_version}  {field_path}}}")
            };
            let v1 = "authentication.k8s.io/v1";
            let mut what = Vec::new();
            for g in &groups {
                what.push(reference("Group", g, "", ""));
            }
            for (k, values) in &extras {
                for v in values {
                    what.push(reference("UserExtra", v, v1, k));
                }
            }
            if let Some(u) = &uid {
                what.push(reference("UID", u, v1, ""));
            }
            return Err(ApiError::bad_request(format!(
                "requested [{}] without impersonating a user",
                what.join(" ")
            )));
        };
        let mut checks: Vec<Attributes> = Vec::new();
        let base = Attributes {
            user: requester.clone(),
            verb: "impersonate".into(),
            resource_request: true,
            ..Default::default()
        };
        let sa = split_service_account(&target);
        match &sa {
            Some((ns, name)) => checks.push(Attributes {
                namespace: ns.clone(),
                resource: "serviceaccounts".into(),
                name: name.clone(),
                ..base.clone()
            }),
            None => checks.push(Attributes {
                resource: "users".into(),
                name: target.clone(),
                ..base.clone()
            }),
        }
        for g in &groups {
            checks.push(Attributes {
                resource: "groups".into(),
                name: g.clone(),
                ..base.clone()
            });
        }
        for (k, values) in &extras {
            for v in values {
                checks.push(Attributes {
                    api_group: "authentication.k8s.io".into(),
                    resource: "userextras".into(),
                    subresource: k.clone(),
                    name: v.clone(),
                    ..base.clone()
                });
            }
        }
        if let Some(u) = &uid {
            checks.push(Attributes {
                api_group: "authentication.k8s.io".into(),
                resource: "uids".into(),
                name: u.clone(),
                ..base.clone()
            });
        }
        for check in &checks {
            let d = authz::authorize(&self.authz, &self.store, check, None);
            let what = format!(
                "impersonate {} \"{}\"",
                if check.subresource.is_empty() {
                    check.resource.clone()
                } else {
                    format!("{}/{}", check.resource, check.subresource)
                },
                check.name
            );
            if d.decision == Decision::Allow {
                record.step(
                    &d.plugin,
                    Decision::Allow,
                    format!(
                        "{what}: {}",
                        if d.reason.is_empty() {
                            "allowed"
                        } else {
                            &d.reason
                        }
                    ),
                );
                continue;
            }
            record.step(
                &d.plugin,
                Decision::Deny,
                format!("{what}: no authorizer allowed it"),
            );
            let mut inner = check.forbidden_message();
            if !d.reason.is_empty() {
                inner = format!("{inner}: {}", d.reason);
            }
            record.decide(
                &d.plugin,
                Decision::Deny,
                format!("{} may not {what}", requester.username),
            );
            run.stages.push(record);
            return Err(ApiError::forbidden(
                &check.api_group,
                &check.resource,
                &check.name,
                &inner,
            ));
        }
        let mut user = UserInfo {
            username: target.clone(),
            uid: uid.unwrap_or_default(),
            groups: groups.clone(),
            extra: extras,
        };
        if let (Some((ns, _)), true) = (&sa, groups.is_empty()) {
            user.groups = vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
            ];
        }
        if user.username == ANONYMOUS {
            if !user.groups.iter().any(|g| g == ALL_UNAUTHENTICATED) {
                user.groups.push(ALL_UNAUTHENTICATED.into());
            }
        } else if !user
            .groups
            .iter()
            .any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED)
        {
            user.groups.push(ALL_AUTHENTICATED.into());
        }
        record.detail("acting as", &user.username);
        record.detail("groups", user.groups.join(", "));
        record.decide(
            "",
            Decision::Allow,
            format!("{} may act as \"{}\"", requester.username, user.username),
        );
        run.stages.push(record);
        Ok(Some(user))
    }

    fn non_resource(&self, info: &RequestInfo) -> Answer {
        let path = info.path.trim_end_matches('/');
        match (info.verb.as_str(), path) {
            ("get", "/healthz" | "/livez" | "/readyz") => Ok((200, Value::String("ok".into()))),
            ("get", "/version") => Ok((
                200,
                json!({
                "major": "1", "minor": self.control_plane.minor.to_string(),
                "gitVersion": format!("v1.{}.0", self.control_plane.minor),
                "platform": "linux/amd64"}),
            )),
            ("get", "/api") => Ok((
                200,
                json!({"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "192.168.56.10:6443"}]}),
            )),
            ("get", "/apis") => {
                let groups: Vec<Value> = discovery::groups(self.control_plane.minor)
                    .into_iter()
                    .filter(|(g, _)| !g.is_empty())
                    .map(|(g, versions)| {
                        let vs: Vec<Value> = versions
                            .iter()
                            .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                            .collect();
                        let preferred = vs.first().cloned().unwrap_or(Value::Null);
                        json!({"name": g, "versions": vs, "preferredVersion": preferred})
                    })
                    .collect();
                Ok((
                    200,
                    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
                ))
            }
            ("get", "/api/v1") => Ok((200, resource_list(self.control_plane.minor, "", "v1"))),
            ("get", p) if p.starts_with("/apis/") => {
                let parts: Vec<&str> = p.trim_start_matches("/apis/").split('/').collect();
                let minor = self.control_plane.minor;
                let groups = discovery::groups(minor);
                let Some((group, versions)) =
                    groups.iter().find(|(g, _)| !g.is_empty() && *g == parts[0])
                else {
                    return Err(ApiError::page_not_found());
                };
                match parts.get(1) {
                    None => {
                        let vs: Vec<Value> = versions
                            .iter()
                            .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
                            .collect();
                        let preferred = vs.first().cloned().unwrap_or(Value::Null);
                        Ok((
                            200,
                            json!({"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": vs, "preferredVersion": preferred}),
                        ))
                    }
                    Some(v) if versions.contains(v) && parts.len() == 2 => {
                        Ok((200, resource_list(minor, group, v)))
                    }
                    _ => Err(ApiError::page_not_found()),
                }
            }
            ("get", "/openapi/v3") => match openapi::schemas() {
                Some(_) => Ok((200, openapi::index(self.control_plane.minor))),
                None => Err(ApiError::service_unavailable(OPENAPI_LOADING)),
            },
            ("get", p) if p.starts_with("/openapi/v3/") => {
                let Some(schemas) = openapi::schemas() else {
                    return Err(ApiError::service_unavailable(OPENAPI_LOADING));
                };
                let gv = p.trim_start_matches("/openapi/v3/");
                openapi::document(schemas, self.control_plane.minor, gv)
                    .map(|doc| (200, doc))
                    .ok_or_else(ApiError::page_not_found)
            }
            _ => Err(ApiError::page_not_found()),
        }
    }

    fn resource(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        run: &mut Run,
    ) -> Answer {
        let minor = self.control_plane.minor;
        let Some(res) = discovery::resources(minor)
            .find(|r| {
                r.group == info.api_group
                    && r.version == info.api_version
                    && r.name == info.resource
            })
            .copied()
        else {
            return Err(ApiError::page_not_found());
        };
        // RequestInfo gives a Namespace object its own name as namespace; storage keys
        // cluster-scoped objects without one.
        let scoped;
        let info = if res.namespaced {
            info
        } else {
            scoped = RequestInfo {
                namespace: String::new(),
                ..info.clone()
            };
            &scoped
        };
        if res.group.is_empty()
            && res.name == "serviceaccounts"
            && info.subresource == "token"
            && info.verb == "create"
        {
            return self.token_request(req, info, user, run);
        }
        if res.group == "certificates.k8s.io"
            && res.name == "certificatesigningrequests"
            && info.subresource == "approval"
            && info.verb == "update"
        {
            return self.csr_approval(req, info, user, run);
        }
        if !info.subresource.is_empty() {
            return Err(ApiError::method_not_supported(
                &info.api_group,
                &format!("{}/{}", info.resource, info.subresource),
                &info.verb,
            ));
        }
        if res.namespaced
            && info.namespace.is_empty()
            && !matches!(info.verb.as_str(), "list" | "watch")
        {
            return Err(ApiError::page_not_found());
        }
        if !res.verbs.contains(&info.verb.as_str()) {
            return Err(ApiError::method_not_supported(
                &info.api_group,
                &info.resource,
                &info.verb,
            ));
        }
        match (res.group, res.name) {
            ("authorization.k8s.io", "selfsubjectaccessreviews") => {
                return self.self_subject_access_review(req, user, run)
            }
            ("authentication.k8s.io", "selfsubjectreviews") => {
                return self_subject_review(user, run)
            }
            ("authorization.k8s.io", "selfsubjectrulesreviews") => {
                return self.self_subject_rules_review(req, user, run)
            }
            _ => {}
        }
        match info.verb.as_str() {
            "get" => {
                let mut record = StageRecord::new(Stage::Storage);
                let found = self
                    .store
                    .get(res.group, res.name, &info.namespace, &info.name)
                    .cloned();
                match found {
                    Some(obj) => {
                        record.decide(
                            "etcd",
                            Decision::Allow,
                            format!("read {}", key(&res, &info.namespace, &info.name)),
                        );
                        run.stages.push(record);
                        if wants_table(req) {
                            let rv = obj
                                .pointer("/metadata/resourceVersion")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string();
                            return Ok((200, tables::table(&res, &[obj], &rv, self.now)));
                        }
                        Ok((200, with_type_meta(obj, &res)))
                    }
                    None => {
                        record.decide(
                            "etcd",
                            Decision::Deny,
                            format!("no object at {}", key(&res, &info.namespace, &info.name)),
                        );
                        run.stages.push(record);
                        Err(ApiError::not_found(res.group, res.name, &info.name))
                    }
                }
            }
            "list" | "watch" => {
                let mut record = StageRecord::new(Stage::Storage);
                let ns = (!info.namespace.is_empty()).then_some(info.namespace.as_str());
                // The label selector is decoded before the field selector, as upstream's
                // ListOptions conversion does.
                let selector = match super::labels::parse(
                    &query_value(&req.url, "labelSelector").unwrap_or_default(),
                ) {
                    Ok(s) => s,
                    Err(e) => {
                        record.decide("etcd", Decision::Deny, e.clone());
                        run.stages.push(record);
                        return Err(ApiError::bad_request(e));
                    }
                };
                let fields = match query_value(&req.url, "fieldSelector") {
                    Some(f) => match fieldsel::parse(&res, &f) {
                        Ok(reqs) => reqs,
                        Err(e) => {
                            record.decide("etcd", Decision::Deny, e.message.clone());
                            run.stages.push(record);
                            return Err(e);
                        }
                    },
                    None => Vec::new(),
                };
                let items: Vec<Value> = self
                    .store
                    .list(res.group, res.name, ns)
                    .filter(|o| info.name.is_empty() || name_of(o) == info.name)
                    .filter(|o| selector.matches(o.pointer("/metadata/labels")))
                    .filter(|o| fieldsel::matches(&fields, o))
                    .cloned()
                    .map(|o| with_type_meta(o, &res))
                    .collect();
                record.decide(
                    "etcd",
                    Decision::Allow,
                    format!("listed {} {}", items.len(), res.name),
                );
                run.stages.push(record);
                let rv = self.store.revision().to_string();
                if wants_table(req) {
                    return Ok((200, tables::table(&res, &items, &rv, self.now)));
                }
                let api_version = res.api_version();
                Ok((
                    200,
                    json!({"kind": format!("{}List", res.kind), "apiVersion": api_version,
                    "metadata": {"resourceVersion": rv}, "items": items}),
                ))
            }
            // The write handlers read the body through limitedReadBody: 3 MiB at most.
            "create" | "update" | "patch" | "delete" | "deletecollection"
                if req
                    .body
                    .as_ref()
                    .is_some_and(|b| b.len() > limits::MAX_REQUEST_BODY_BYTES) =>
            {
                Err(ApiError::entity_too_large(&format!(
                    "limit is {}",
                    limits::MAX_REQUEST_BODY_BYTES
                )))
            }
            "create" => self.create(req, info, user, &res, run),
            "update" => self.update(req, info, user, &res, run),
            "patch" => self.patch(req, info, user, &res, run),
            "delete" => self.delete(info, user, &res, run),
            "deletecollection" => self.delete_collection(req, info, &res, run),
            verb => Err(ApiError::method_not_supported(
                &info.api_group,
                &info.resource,
                verb,
            )),
        }
    }

    /// Decodes a request body into an object for this resource and namespace, checking unknown
    /// fields when kubectl asked for strict field validation.
    fn decode(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Result<Value, ApiError> {
        let body = req.body.as_deref().unwrap_or("");
        let mut obj: Value = serde_json::from_str(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request was in an unknown format: {e}"
            ))
        })?;
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request must be a JSON object",
            ));
        }
        if obj.get("metadata").is_none_or(|m| !m.is_object()) {
            obj["metadata"] = json!({});
        }
        self.scope(&mut obj, info, res)?;
        // The typed decode: a value Go cannot put in its field fails the request.
        let node = super::yaml::Node::from_json(&obj);
        if let Some(e) = super::gotypes::check(&node, res.group, res.version, res.kind) {
            let mut record = StageRecord::new(Stage::Validation);
            record.decide("decoding", Decision::Deny, e.message.clone());
            run.stages.push(record);
            return Err(ApiError::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {}",
                e.message,
                kind = res.kind,
                version = res.version
            )));
        }
        // Server-side field validation (kubectl sends fieldValidation=Strict by default).
        if query_value(&req.url, "fieldValidation").as_deref() == Some("Strict") {
            if let Some(schema) = super::schema::for_kind(res.group, res.kind) {
                let mut findings = Vec::new();
                super::schema::check(&node, schema, "", &mut findings);
                let unknown: Vec<String> = findings
                    .iter()
                    .filter(|f| !f.error)
                    .map(|f| f.message.clone())
                    .collect();
                if !unknown.is_empty() {
                    let mut record = StageRecord::new(Stage::Validation);
                    record.step("strict decoding", Decision::Deny, unknown.join(", "));
                    record.decide(
                        "strict decoding",
                        Decision::Deny,
                        "the body has fields the API does not know (kubectl asked for fieldValidation=Strict)",
                    );
                    run.stages.push(record);
                    return Err(ApiError::bad_request(format!(
                        "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
                        unknown.join(", "),
                        kind = res.kind,
                        version = res.version
                    )));
                }
            }
        }
        Ok(obj)
    }

    /// Puts the request's namespace on a namespaced object (refusing a different one) and
    /// removes it from a cluster-scoped one.
    fn scope(
        &self,
        obj: &mut Value,
        info: &RequestInfo,
        res: &ApiResource,
    ) -> Result<(), ApiError> {
        let obj_ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if res.namespaced {
            if !obj_ns.is_empty() && obj_ns != info.namespace {
                return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
            }
            obj["metadata"]["namespace"] = json!(info.namespace);
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        Ok(())
    }

    fn create(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Answer {
        let mut obj = self.decode(req, info, res, run)?;
        if name_of(&obj).is_empty() {
            if let Some(prefix) = obj
                .pointer("/metadata/generateName")
                .and_then(Value::as_str)
                .map(str::to_string)
            {
                let name = format!("{prefix}{}", self.store.name_suffix());
                obj["metadata"]["name"] = json!(name);
            }
        }
        let dry_run = query_value(&req.url, "dryRun").is_some_and(|v| v == "All");
        self.admit_and_store(Operation::Create, obj, info, user, res, dry_run, run)
    }

    /// PUT: replace an existing object.
    fn update(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Answer {
        let obj = self.decode(req, info, res, run)?;
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
        let dry_run = query_value(&req.url, "dryRun").is_some_and(|v| v == "All");
        self.admit_and_store(Operation::Update, obj, info, user, res, dry_run, run)
    }

    /// PATCH: apply a merge, JSON or strategic merge patch to an existing object.
    fn patch(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Answer {
        let content_type = req.header("Content-Type").unwrap_or("");
        let Some(kind) = super::patch::PatchType::from_content_type(content_type) else {
            return Err(ApiError {
                text_body: false,
                code: 415,
                reason: "UnsupportedMediaType".into(),
                message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json".to_string(),
                details: Box::default(),
            });
        };
        let Some(current) = self
            .store
            .get(res.group, res.name, &info.namespace, &info.name)
            .cloned()
        else {
            return Err(ApiError::not_found(res.group, res.name, &info.name));
        };
        // v1.37 checks that every JSON-based patch is valid JSON before anything else.
        let body: Value = match serde_json::from_str(req.body.as_deref().unwrap_or("")) {
            Ok(b) => b,
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                return Err(ApiError::bad_request(format!(
                    "invalid JSON patch (kubegate reads JSON nested at most {} levels deep)",
                    limits::MAX_DEPTH
                )))
            }
            Err(_) => return Err(ApiError::bad_request("invalid JSON patch")),
        };
        let current = with_type_meta(current, res);
        let mut patched = match kind {
            super::patch::PatchType::Merge => super::patch::merge(&current, &body),
            super::patch::PatchType::Strategic => {
                super::patch::strategic(&current, &body).map_err(|e| e.into_api_error())?
            }
            super::patch::PatchType::Json => match super::patch::json_patch(&current, &body) {
                Ok(p) => p,
                Err(super::patch::JsonPatchError::Decode(msg)) => {
                    return Err(ApiError::bad_request(msg))
                }
                Err(super::patch::JsonPatchError::TooManyOperations(n)) => {
                    return Err(ApiError::entity_too_large(&format!(
                        "The allowed maximum operations in a JSON patch is {}, got {n}",
                        limits::MAX_JSON_PATCH_OPERATIONS
                    )))
                }
                // Every failure to apply is the same 422: the server drops json-patch's
                // own message (kept in the trace).
                Err(super::patch::JsonPatchError::Apply(why)) => {
                    let mut record = StageRecord::new(Stage::Validation);
                    record.decide("json-patch", Decision::Deny, why);
                    run.stages.push(record);
                    return Err(ApiError {
                        text_body: false,
                        code: 422,
                        reason: "Invalid".into(),
                        message: "the server rejected our request due to an error in our request"
                            .into(),
                        details: Box::default(),
                    });
                }
            },
        };
        if !patched.is_object() {
            // A patch can turn the object into a string or a list (a merge patch that is one,
            // a JSON patch replacing the root): the typed decode refuses it.
            let json_type = match &patched {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => "null",
            };
            let cause = super::response::FieldError {
                kind: super::response::FieldErrorKind::Invalid,
                field: "patch".into(),
                value: Some(super::yamlout::go_quote(&patched.to_string())),
                detail: format!("couldn't get version/kind; json parse error: json: cannot unmarshal {json_type} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}"),
            };
            return Err(ApiError::invalid("", "", "", &[cause]));
        }
        // The patched object is decoded into its type as a request body is.
        if let Some(e) = super::gotypes::check(
            &super::yaml::Node::from_json(&patched),
            res.group,
            res.version,
            res.kind,
        ) {
            let cause = super::response::FieldError {
                kind: super::response::FieldErrorKind::Invalid,
                field: "patch".into(),
                value: Some(super::yamlout::go_quote(&patched.to_string())),
                detail: e.message,
            };
            return Err(ApiError::invalid("", "", "", &[cause]));
        }
        if patched.get("metadata").is_none_or(|m| !m.is_object()) {
            patched["metadata"] = json!({});
        }
        self.scope(&mut patched, info, res)?;
        let dry_run = query_value(&req.url, "dryRun").is_some_and(|v| v == "All");
        self.admit_and_store(Operation::Update, patched, info, user, res, dry_run, run)
    }

    /// The stages every write shares: defaulting, mutating admission, validation, validating
    /// admission, storage.
    #[allow(clippy::too_many_arguments)]
    fn admit_and_store(
        &mut self,
        op: Operation,
        mut obj: Value,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        dry_run: bool,
        run: &mut Run,
    ) -> Answer {
        let mut named_info = info.clone();
        named_info.name = name_of(&obj).to_string();
        super::defaults::apply(&mut obj, res);
        if op == Operation::Create
            && res.group == "certificates.k8s.io"
            && res.name == "certificatesigningrequests"
        {
            // The CSR strategy records who asked, whatever the body says.
            obj["spec"]["username"] = json!(user.username);
            obj["spec"]["groups"] = json!(user.groups);
            if user.uid.is_empty() {
                if let Some(spec) = obj["spec"].as_object_mut() {
                    spec.remove("uid");
                }
            } else {
                obj["spec"]["uid"] = json!(user.uid);
            }
            if !user.extra.is_empty() {
                obj["spec"]["extra"] = json!(user.extra);
            }
        }

        // Mutating admission.
        let mut record = StageRecord::new(Stage::MutatingAdmission);
        let verdicts = {
            let mut areq = AdmissionRequest {
                operation: op,
                info: &named_info,
                user,
                object: Some(&mut obj),
                namespaced: res.namespaced,
                node_restriction: self.plugin_enabled("NodeRestriction"),
            };
            admission::mutating(&self.store, &mut areq)
        };
        if let Some(err) = record_verdicts(&mut record, verdicts) {
            run.stages.push(record);
            return Err(err);
        }
        record.detail(
            "not modelled yet",
            admission::MUTATING_NOT_YET_MODELLED.join(", "),
        );
        run.stages.push(record);

        // Validation. RBAC's registry refuses privilege escalation first (its storage wraps
        // the strategy's validation).
        let mut record = StageRecord::new(Stage::Validation);
        if res.group == super::authz::rbac::GROUP
            && matches!(op, Operation::Create | Operation::Update)
        {
            match self.check_escalation(op, res, &obj, user) {
                Ok(why) => record.decide("RBAC escalation check", Decision::Allow, why),
                Err(err) => {
                    record.decide("RBAC escalation check", Decision::Deny, err.message.clone());
                    run.stages.push(record);
                    return Err(err);
                }
            }
        }
        let errors = validation::validate(&obj, res);
        if !errors.is_empty() {
            let err = ApiError::invalid(res.group, res.kind, name_of(&obj), &errors);
            record.decide("validation", Decision::Deny, err.message.clone());
            run.stages.push(record);
            return Err(err);
        }
        record.decide(
            "validation",
            Decision::Allow,
            format!("{} passes field validation", res.kind),
        );
        run.stages.push(record);

        if op == Operation::Create
            && res.group == "certificates.k8s.io"
            && res.name == "certificatesigningrequests"
        {
            // CertificateSubjectRestriction: no system:masters client certificates via CSRs.
            let signer = obj
                .pointer("/spec/signerName")
                .and_then(Value::as_str)
                .unwrap_or("");
            let masters = obj
                .pointer("/spec/request")
                .and_then(Value::as_str)
                .and_then(|b| crate::sim::b64::STANDARD.decode(b).ok())
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|pem| super::certs::parse_request(&pem).ok())
                .is_some_and(|r| r.organizations.iter().any(|o| o == "system:masters"));
            if signer == super::controllers::CLIENT_SIGNER && masters {
                let err = ApiError::forbidden(
                    res.group,
                    res.name,
                    name_of(&obj),
                    "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed",
                );
                let mut record = StageRecord::new(Stage::ValidatingAdmission);
                record.decide(
                    "CertificateSubjectRestriction",
                    Decision::Deny,
                    err.message.clone(),
                );
                run.stages.push(record);
                return Err(err);
            }
        }
        validating_admission(run);

        // Storage.
        let mut record = StageRecord::new(Stage::Storage);
        if op == Operation::Create && res.group.is_empty() && res.name == "services" {
            for note in allocate_service(&self.store, &mut obj) {
                record.detail("allocated", note);
            }
        }
        let where_ = key(res, &info.namespace, name_of(&obj));
        if dry_run {
            let exists = self
                .store
                .get(res.group, res.name, &info.namespace, name_of(&obj))
                .is_some();
            if op == Operation::Create && exists {
                let err = ApiError::already_exists(res.group, res.name, name_of(&obj));
                record.decide("etcd", Decision::Deny, err.message.clone());
                run.stages.push(record);
                return Err(err);
            }
            record.decide("etcd", Decision::Skip, "dry run: nothing was written");
            run.stages.push(record);
            let preview = if op == Operation::Create {
                self.store.preview_create(obj, self.now)
            } else {
                obj
            };
            let code = if op == Operation::Create { 201 } else { 200 };
            return Ok((code, with_type_meta(preview, res)));
        }
        // etcd3's store refuses a create that carries a resourceVersion (one copied from a
        // `kubectl get -o yaml` dump, say): a plain error, so a 500 without a reason.
        let rv = obj
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        // A patch can nest an object deeper than any request body may: kubegate keeps every
        // stored object within the depth its parsers allow, so nothing walking it later runs
        // out of stack (the page's is small).
        if limits::depth(&obj) > limits::MAX_DEPTH {
            let why = format!(
                "kubegate stores objects nested at most {} levels deep (this one is {})",
                limits::MAX_DEPTH,
                limits::depth(&obj)
            );
            record.decide("etcd", Decision::Deny, why.clone());
            run.stages.push(record);
            return Err(ApiError {
                text_body: false,
                code: 422,
                reason: "Invalid".into(),
                message: why,
                details: Box::default(),
            });
        }
        if limits::json_size(&obj) > limits::MAX_OBJECT_BYTES {
            let err = ApiError {
                text_body: false,
                code: 500,
                reason: String::new(),
                message: "etcdserver: request is too large".into(),
                details: Box::default(),
            };
            record.decide(
                "etcd",
                Decision::Deny,
                format!(
                    "the object is {} bytes as JSON; etcd takes requests up to {} bytes",
                    limits::json_size(&obj),
                    limits::MAX_OBJECT_BYTES
                ),
            );
            run.stages.push(record);
            return Err(err);
        }
        if op == Operation::Create && rv != 0 {
            let err = ApiError {
                text_body: false,
                code: 500,
                reason: String::new(),
                message: "resourceVersion should not be set on objects to be created".into(),
                details: Box::default(),
            };
            record.decide("etcd", Decision::Deny, err.message.clone());
            run.stages.push(record);
            return Err(err);
        }
        let stored = if op == Operation::Create {
            self.store.create(res.group, res.name, obj, self.now)
        } else {
            self.store.update(res.group, res.name, obj)
        };
        match stored {
            Ok(stored) => {
                let verb = if op == Operation::Create {
                    "stored"
                } else {
                    "updated"
                };
                record.decide(
                    "etcd",
                    Decision::Allow,
                    format!(
                        "{verb} {where_} at resourceVersion {}",
                        self.store.revision()
                    ),
                );
                run.stages.push(record);
                if res.group == super::authz::rbac::GROUP && res.name == "clusterroles" {
                    super::authz::rbac::aggregate(&mut self.store);
                }
                if op == Operation::Create && res.group.is_empty() && res.name == "namespaces" {
                    let ca = self.control_plane.ca_pem();
                    super::cluster::populate_namespace(
                        &mut self.store,
                        name_of(&stored),
                        &ca,
                        self.now,
                    );
                }
                let code = if op == Operation::Create { 201 } else { 200 };
                Ok((code, with_type_meta(stored, res)))
            }
            Err(e) => {
                record.decide("etcd", Decision::Deny, e.message.clone());
                run.stages.push(record);
                Err(e)
            }
        }
    }

    fn delete(
        &mut self,
        info: &RequestInfo,
        user: &UserInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Answer {
        let mut record = StageRecord::new(Stage::MutatingAdmission);
        let verdicts = {
            let mut areq = AdmissionRequest {
                operation: Operation::Delete,
                info,
                user,
                object: None,
                namespaced: res.namespaced,
                node_restriction: self.plugin_enabled("NodeRestriction"),
            };
            admission::mutating(&self.store, &mut areq)
        };
        if let Some(err) = record_verdicts(&mut record, verdicts) {
            run.stages.push(record);
            return Err(err);
        }
        run.stages.push(record);
        validating_admission(run);
        let mut record = StageRecord::new(Stage::Storage);
        let result = if res.group.is_empty() && res.name == "namespaces" {
            // The first DELETE marks the namespace Terminating; the namespace controller then
            // empties and finalizes it (after this response, see `handle`).
            match self.store.get("", "namespaces", "", &info.name).cloned() {
                Some(ns) if super::store::is_deleting(&ns) => Err(ApiError::conflict(
                    "",
                    "namespaces",
                    &info.name,
                    "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
                )),
                Some(mut ns) => {
                    ns["status"]["phase"] = json!("Terminating");
                    ns["metadata"]["deletionTimestamp"] =
                        json!(super::clock::format_rfc3339(self.now));
                    ns["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                    Ok((self.store.put_system("", "namespaces", ns), false))
                }
                None => Err(ApiError::not_found("", "namespaces", &info.name)),
            }
        } else {
            self.store
                .delete_or_mark(res.group, res.name, &info.namespace, &info.name, self.now)
        };
        match result {
            Ok((obj, removed)) => {
                let what = key(res, &info.namespace, &info.name);
                let note = if removed {
                    format!("deleted {what}")
                } else if res.name == "namespaces" && res.group.is_empty() {
                    format!("{what} is now Terminating (deletionTimestamp set)")
                } else {
                    format!(
                        "{what} has finalizers ({}): it only got a deletionTimestamp and stays until they are removed",
                        super::store::finalizers(&obj).join(", ")
                    )
                };
                record.decide("etcd", Decision::Allow, note);
                run.stages.push(record);
                if res.group == super::authz::rbac::GROUP && res.name == "clusterroles" {
                    super::authz::rbac::aggregate(&mut self.store);
                }
                if !removed || res.group.is_empty() && matches!(res.name, "pods" | "namespaces") {
                    Ok((200, with_type_meta(obj, res)))
                } else {
                    let uid = obj.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
                    let mut details = Map::new();
                    details.insert("name".into(), json!(info.name));
                    if !res.group.is_empty() {
                        details.insert("group".into(), json!(res.group));
                    }
                    details.insert("kind".into(), json!(res.name));
                    details.insert("uid".into(), uid);
                    Ok((
                        200,
                        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
                    ))
                }
            }
            Err(e) => {
                record.decide("etcd", Decision::Deny, e.message.clone());
                run.stages.push(record);
                Err(e)
            }
        }
    }

    /// DELETE on a collection: removes every object that matches the label selector and
    /// answers with the list of what it removed.
    fn delete_collection(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        run: &mut Run,
    ) -> Answer {
        let selector =
            match super::labels::parse(&query_value(&req.url, "labelSelector").unwrap_or_default())
            {
                Ok(s) => s,
                Err(e) => {
                    let mut record = StageRecord::new(Stage::Storage);
                    record.decide("etcd", Decision::Deny, e.clone());
                    run.stages.push(record);
                    return Err(ApiError::bad_request(e));
                }
            };
        let ns = (!info.namespace.is_empty()).then_some(info.namespace.as_str());
        let doomed: Vec<Value> = self
            .store
            .list(res.group, res.name, ns)
            .filter(|o| selector.matches(o.pointer("/metadata/labels")))
            .cloned()
            .collect();
        validating_admission(run);
        let mut record = StageRecord::new(Stage::Storage);
        let mut items = Vec::new();
        for o in doomed {
            let ons = super::store::namespace_of(&o).to_string();
            if let Ok(gone) = self.store.delete(res.group, res.name, &ons, name_of(&o)) {
                items.push(with_type_meta(gone, res));
            }
        }
        record.decide(
            "etcd",
            Decision::Allow,
            format!("deleted {} {}", items.len(), res.name),
        );
        run.stages.push(record);
        if res.group == super::authz::rbac::GROUP && res.name == "clusterroles" {
            super::authz::rbac::aggregate(&mut self.store);
        }
        let api_version = res.api_version();
        Ok((
            200,
            json!({"kind": format!("{}List", res.kind), "apiVersion": api_version,
                "metadata": {"resourceVersion": self.store.revision().to_string()}, "items": items}),
        ))
    }

    /// The TokenRequest API (`POST …/serviceaccounts/NAME/token`): a bound token signed with
    /// the service-account key, as pkg/registry/core/serviceaccount/storage/token.go issues it.
    fn token_request(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        run: &mut Run,
    ) -> Answer {
        let body: Value = json_body(req)?;
        if self.plugin_enabled("NodeRestriction") {
            let mut record = StageRecord::new(Stage::MutatingAdmission);
            match admission::noderestriction::token_request(
                &self.store,
                user,
                &info.namespace,
                &body,
            ) {
                Some(err) => {
                    record.decide("NodeRestriction", Decision::Deny, err.message.clone());
                    run.stages.push(record);
                    return Err(err);
                }
                None => record.step(
                    "NodeRestriction",
                    Decision::Allow,
                    "not a kubelet, or a token bound to a pod on the kubelet's own node",
                ),
            }
            run.stages.push(record);
        }
        let spec = body.get("spec").cloned().unwrap_or(json!({}));
        let expiration = spec
            .get("expirationSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(3600);
        let mut record = StageRecord::new(Stage::Validation);
        let invalid = |detail: &str| {
            ApiError::invalid(
                "authentication.k8s.io",
                "TokenRequest",
                &info.name,
                &[super::response::FieldError {
                    kind: super::response::FieldErrorKind::Invalid,
                    field: "spec.expirationSeconds".into(),
                    value: Some(expiration.to_string()),
                    detail: detail.into(),
                }],
            )
        };
        let problem = if expiration < 600 {
            Some(invalid("may not specify a duration less than 10 minutes"))
        } else if expiration > 1 << 32 {
            Some(invalid(
                "may not specify a duration larger than 2^32 seconds",
            ))
        } else {
            None
        };
        if let Some(err) = problem {
            record.decide("validation", Decision::Deny, err.message.clone());
            run.stages.push(record);
            return Err(err);
        }
        record.decide(
            "validation",
            Decision::Allow,
            "TokenRequest passes validation",
        );
        run.stages.push(record);
        let mut record = StageRecord::new(Stage::Storage);
        let Some(sa) = self
            .store
            .get("", "serviceaccounts", &info.namespace, &info.name)
            .cloned()
        else {
            record.decide(
                "etcd",
                Decision::Deny,
                format!("no service account {}/{}", info.namespace, info.name),
            );
            run.stages.push(record);
            return Err(ApiError::not_found("", "serviceaccounts", &info.name));
        };
        let Some(keys) = &self.authenticators.service_accounts else {
            return Err(ApiError::internal(
                "the server has no service-account signing key",
            ));
        };
        let audiences: Vec<String> = match spec.get("audiences").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => keys.audiences.clone(),
        };
        // A token bound to a pod or secret lives only as long as that object.
        let bound_ref = spec
            .get("boundObjectRef")
            .filter(|b| b.is_object())
            .cloned();
        let mut bound = None;
        if let Some(b) = &bound_ref {
            let kind = b.get("kind").and_then(Value::as_str).unwrap_or("");
            let name = b.get("name").and_then(Value::as_str).unwrap_or("");
            let resource = match kind {
                "Pod" => "pods",
                "Secret" => "secrets",
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "cannot bind token to object of type {kind}"
                    )))
                }
            };
            let Some(obj) = self.store.get("", resource, &info.namespace, name) else {
                return Err(ApiError::not_found("", resource, name));
            };
            let uid = obj
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(want) = b
                .get("uid")
                .and_then(Value::as_str)
                .filter(|u| !u.is_empty())
            {
                if want != uid {
                    return Err(ApiError::conflict("", resource, name, &format!("the UID in the bound object reference ({want}) does not match the UID in record ({uid}). The object might have been deleted and then recreated")));
                }
            }
            bound = Some((kind.to_string(), name.to_string(), uid));
        }
        let sa_uid = sa
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let jti = self.store.next_uid();
        let claims = keys.bound_claims(
            &info.namespace,
            &info.name,
            &sa_uid,
            &audiences,
            self.now,
            expiration,
            bound
                .as_ref()
                .map(|(k, n, u)| (k.as_str(), n.as_str(), u.as_str())),
            &jti,
        );
        let token = keys.sign(&claims).map_err(|e| ApiError::internal(&e))?;
        record.detail("claims", claims.to_string());
        record.decide(
            "token",
            Decision::Allow,
            format!(
                "signed a token for system:serviceaccount:{}:{} (nothing is stored)",
                info.namespace, info.name
            ),
        );
        run.stages.push(record);
        let mut out_spec = serde_json::Map::new();
        out_spec.insert("audiences".into(), json!(audiences));
        out_spec.insert("expirationSeconds".into(), json!(expiration));
        out_spec.insert("boundObjectRef".into(), bound_ref.unwrap_or(Value::Null));
        Ok((
            201,
            json!({
                "kind": "TokenRequest",
                "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": info.name, "namespace": info.namespace, "creationTimestamp": null},
                "spec": out_spec,
                "status": {
                    "token": token,
                    "expirationTimestamp": super::clock::format_rfc3339(self.now + expiration),
                },
            }),
        ))
    }

    /// Whether an off-by-default admission plugin is turned on by `--enable-admission-plugins`
    /// (and not turned off by `--disable-admission-plugins`).
    fn plugin_enabled(&self, plugin: &str) -> bool {
        let listed = |flag: &str| {
            self.control_plane
                .arg(flag)
                .is_some_and(|v| v.split(',').any(|p| p.trim() == plugin))
        };
        listed("enable-admission-plugins") && !listed("disable-admission-plugins")
    }

    /// Privilege-escalation prevention of the RBAC registry (`pkg/registry/rbac/*/policybased`):
    /// `Ok` with why the write may go on, or the error upstream returns.
    fn check_escalation(
        &self,
        op: Operation,
        res: &ApiResource,
        obj: &Value,
        user: &UserInfo,
    ) -> Result<String, ApiError> {
        use super::authz::escalation;
        let group = super::authz::rbac::GROUP;
        let name = name_of(obj).to_string();
        let namespace = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if user
            .groups
            .iter()
            .any(|g| g == super::authz::SYSTEM_MASTERS)
        {
            return Ok(format!(
                "{} is in system:masters, which may grant anything",
                user.username
            ));
        }
        let allowed = |verb: &str, resource: &str, target: &str| {
            let check = Attributes {
                user: user.clone(),
                verb: verb.into(),
                resource_request: true,
                api_group: group.into(),
                api_version: "*".into(),
                resource: resource.into(),
                name: target.into(),
                namespace: namespace.clone(),
                ..Default::default()
            };
            authz::authorize(&self.authz, &self.store, &check, None).decision == Decision::Allow
        };
        if op == Operation::Update {
            // Writes that touch only what garbage collection needs are never escalations.
            if let Some(old) = self.store.get(group, res.name, &namespace, &name) {
                if escalation::only_gc_fields_differ(old, obj) {
                    return Ok("only ownerReferences or finalizers change".into());
                }
            }
        }
        let forbidden = |msg: String| ApiError::forbidden(group, res.name, &name, &msg);
        let owned = escalation::rules_for(&self.store, user, &namespace);
        let rules: Vec<Value> = match res.name {
            "roles" | "clusterroles" => {
                // The `escalate` check uses the request's name: none on create.
                let target = if op == Operation::Create { "" } else { &name };
                if allowed("escalate", res.name, target) {
                    return Ok(format!(
                        "{} may escalate {}",
                        user.username,
                        if target.is_empty() {
                            res.name.to_string()
                        } else {
                            format!("{} {target:?}", res.name)
                        }
                    ));
                }
                let rules = obj
                    .get("rules")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let missing = escalation::missing(&owned, &rules);
                if !missing.is_empty() {
                    return Err(forbidden(escalation::message(user, &missing)));
                }
                if res.name == "clusterroles"
                    && obj.get("aggregationRule").is_some_and(|a| !a.is_null())
                    && !escalation::missing(&owned, &escalation::full_authority()).is_empty()
                {
                    return Err(forbidden(
                        "must have cluster-admin privileges to use the aggregationRule".into(),
                    ));
                }
                return Ok(format!(
                    "{} already holds every permission the {} grants",
                    user.username, res.kind
                ));
            }
            _ => {
                let kind = obj
                    .pointer("/roleRef/kind")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let role = obj
                    .pointer("/roleRef/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let role_resource = if kind == "Role" {
                    "roles"
                } else {
                    "clusterroles"
                };
                if allowed("bind", role_resource, role) {
                    return Ok(format!("{} may bind {kind} {role:?}", user.username));
                }
                let found = match kind {
                    "Role" => self.store.get(group, "roles", &namespace, role),
                    _ => self.store.get(group, "clusterroles", "", role),
                };
                let Some(found) = found else {
                    // The role cannot be resolved: upstream returns the lookup's NotFound.
                    return Err(ApiError::not_found(group, role_resource, role));
                };
                found
                    .get("rules")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            }
        };
        let missing = escalation::missing(&owned, &rules);
        if missing.is_empty() {
            Ok(format!(
                "{} already holds every permission it grants",
                user.username
            ))
        } else {
            Err(forbidden(escalation::message(user, &missing)))
        }
    }

    /// `PUT …/certificatesigningrequests/NAME/approval`: only the Approved/Denied conditions
    /// change, and the CertificateApproval admission plugin requires the `approve` verb on
    /// the request's signer (`signers` in certificates.k8s.io).
    fn csr_approval(
        &mut self,
        req: &HttpRequest,
        info: &RequestInfo,
        user: &UserInfo,
        run: &mut Run,
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
            run.stages.push(record);
            return Err(err);
        }
        record.decide(
            "CertificateApproval",
            Decision::Allow,
            format!("{} may approve for signer {signer}", user.username),
        );
        run.stages.push(record);
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
                &[super::response::FieldError {
                    kind: super::response::FieldErrorKind::Invalid,
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
        run.stages.push(record);
        let Some(res) = discovery::by_resource(
            self.control_plane.minor,
            group,
            "certificatesigningrequests",
        ) else {
            return Ok((200, stored));
        };
        Ok((200, with_type_meta(stored, res)))
    }

    fn self_subject_access_review(
        &self,
        req: &HttpRequest,
        user: &UserInfo,
        run: &mut Run,
    ) -> Answer {
        let body: Value = json_body(req)?;
        let spec = body.get("spec").cloned().unwrap_or(json!({}));
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let attrs = if let Some(ra) = spec.get("resourceAttributes") {
            Attributes {
                user: user.clone(),
                verb: s(ra, "verb"),
                resource_request: true,
                namespace: s(ra, "namespace"),
                api_group: s(ra, "group"),
                api_version: s(ra, "version"),
                resource: s(ra, "resource"),
                subresource: s(ra, "subresource"),
                name: s(ra, "name"),
                path: String::new(),
                field_selector: s(
                    ra.get("fieldSelector").unwrap_or(&Value::Null),
                    "rawSelector",
                ),
            }
        } else if let Some(nra) = spec.get("nonResourceAttributes") {
            Attributes {
                user: user.clone(),
                verb: s(nra, "verb"),
                path: s(nra, "path"),
                ..Default::default()
            }
        } else {
            return Err(ApiError::invalid("authorization.k8s.io", "SelfSubjectAccessReview", "", &[super::response::FieldError {
                kind: super::response::FieldErrorKind::Invalid,
                field: "spec.resourceAttributes".into(),
                value: Some("null".into()),
                detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
            }]));
        };
        let mut record = StageRecord::new(Stage::Storage);
        record.detail(
            "question",
            format!("may \"{}\" {}?", user.username, describe(&attrs)),
        );
        let d = authz::authorize(&self.authz, &self.store, &attrs, Some(&mut record));
        let allowed = d.decision == Decision::Allow;
        record.decide(
            &d.plugin,
            if allowed {
                Decision::Allow
            } else {
                Decision::Deny
            },
            format!("answered allowed={allowed}"),
        );
        run.stages.push(record);
        let mut status = Map::new();
        status.insert("allowed".into(), json!(allowed));
        if d.decision == Decision::Deny {
            status.insert("denied".into(), json!(true));
        }
        if !d.reason.is_empty() {
            status.insert("reason".into(), json!(d.reason));
        }
        if let Some(e) = d.error {
            status.insert("evaluationError".into(), json!(e));
        }
        Ok((
            201,
            json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {}, "spec": spec, "status": status}),
        ))
    }
}

impl Cluster {
    /// `POST …/selfsubjectrulesreviews`: every authorizer's rules for the user in
    /// `spec.namespace` (what `kubectl auth can-i --list` prints).
    fn self_subject_rules_review(
        &self,
        req: &HttpRequest,
        user: &UserInfo,
        run: &mut Run,
    ) -> Answer {
        let body: Value = json_body(req)?;
        let namespace = body
            .pointer("/spec/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        if namespace.is_empty() {
            return Err(ApiError::bad_request("no namespace on request"));
        }
        let review = authz::rules_for(&self.authz, &self.store, user, namespace);
        let mut record = StageRecord::new(Stage::Storage);
        record.decide(
            "",
            Decision::Allow,
            format!(
                "listed {} resource and {} non-resource rules of {:?} in namespace {namespace:?}{}",
                review.resource_rules.len(),
                review.non_resource_rules.len(),
                user.username,
                if review.incomplete {
                    " (incomplete: an authorizer cannot list its rules)"
                } else {
                    ""
                }
            ),
        );
        run.stages.push(record);
        let mut status = Map::new();
        status.insert("resourceRules".into(), json!(review.resource_rules));
        status.insert("nonResourceRules".into(), json!(review.non_resource_rules));
        status.insert("incomplete".into(), json!(review.incomplete));
        if let Some(e) = review.evaluation_error {
            status.insert("evaluationError".into(), json!(e));
        }
        Ok((
            201,
            json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {}, "spec": {}, "status": status}),
        ))
    }
}

fn self_subject_review(user: &UserInfo, run: &mut Run) -> Answer {
    let mut record = StageRecord::new(Stage::Storage);
    record.decide(
        "",
        Decision::Allow,
        "SelfSubjectReview is answered from the request's user; nothing is stored",
    );
    run.stages.push(record);
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

/// A request body as JSON, or the 400 the server gives for an unreadable one.
fn json_body(req: &HttpRequest) -> Result<Value, ApiError> {
    serde_json::from_str(req.body.as_deref().unwrap_or("")).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request was in an unknown format: {e}"
        ))
    })
}

/// The `APIResourceList` of one group/version, as discovery serves it.
fn resource_list(minor: u32, group: &str, version: &str) -> Value {
    let resources: Vec<Value> = discovery::resources(minor)
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            let mut m = Map::new();
            m.insert("name".into(), json!(r.name));
            m.insert(
                "singularName".into(),
                json!(if r.name.contains('/') { "" } else { r.singular }),
            );
            m.insert("namespaced".into(), json!(r.namespaced));
            let (g, v) = r.response_group_version();
            if (g, v) != (r.group, r.version) {
                m.insert("group".into(), json!(g));
                m.insert("version".into(), json!(v));
            }
            m.insert("kind".into(), json!(r.kind));
            m.insert("verbs".into(), json!(r.verbs));
            if !r.short_names.is_empty() {
                m.insert("shortNames".into(), json!(r.short_names));
            }
            if !r.categories.is_empty() {
                m.insert("categories".into(), json!(r.categories));
            }
            Value::Object(m)
        })
        .collect();
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}

fn describe(a: &Attributes) -> String {
    if !a.resource_request {
        return format!("{} {}", a.verb, a.path);
    }
    let mut s = format!("{} {}", a.verb, a.resource);
    if !a.subresource.is_empty() {
        s = format!("{s}/{}", a.subresource);
    }
    if !a.api_group.is_empty() {
        s = format!("{s}.{}", a.api_group);
    }
    if !a.name.is_empty() {
        s = format!("{s} \"{}\"", a.name);
    }
    if a.namespace.is_empty() {
        format!("{s} at cluster scope")
    } else {
        format!("{s} in namespace \"{}\"", a.namespace)
    }
}

/// The validating pass: no validating plugin is modelled yet, and the record says which
/// default-on plugins a real v1.37 server would run here.
fn validating_admission(run: &mut Run) {
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
    run.stages.push(record);
}

fn record_verdicts(
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

fn key(res: &ApiResource, ns: &str, name: &str) -> String {
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
fn with_type_meta(mut obj: Value, res: &ApiResource) -> Value {
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

fn query_value(url: &str, key: &str) -> Option<String> {
    super::request::query_params(url)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// A service-account user name split into namespace and name, as upstream's `SplitUsername`.
pub fn split_service_account(username: &str) -> Option<(String, String)> {
    let rest = username.strip_prefix("system:serviceaccount:")?;
    let mut parts = rest.split(':');
    let (ns, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || ns.is_empty() || name.is_empty() {
        return None;
    }
    Some((ns.to_string(), name.to_string()))
}

/// Whether the client asked for a Table (`kubectl get`'s human-readable output).
fn wants_table(req: &HttpRequest) -> bool {
    req.header("Accept").is_some_and(tables::wants_table)
}

/// The Service registry's allocations on create: a cluster IP from the service CIDR
/// (10.96.0.0/12) unless headless or ExternalName, and node ports (30000-32767) for NodePort
/// and LoadBalancer Services. Deterministic here (a hash of the name, then the next free one)
/// where the real allocator picks at random. Returns what it allocated, for the trace.
fn allocate_service(store: &super::store::Store, obj: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let key = format!(
        "{}/{}",
        obj.pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or(""),
        name_of(obj)
    );
    let hash = key.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    let services: Vec<Value> = store.list("", "services", None).cloned().collect();
    let kind = obj
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    let ip_set = obj
        .pointer("/spec/clusterIP")
        .and_then(Value::as_str)
        .is_some_and(|ip| !ip.is_empty());
    if kind != "ExternalName" && !ip_set {
        let used: std::collections::HashSet<&str> = services
            .iter()
            .filter_map(|s| s.pointer("/spec/clusterIP").and_then(Value::as_str))
            .collect();
        // 10.96.0.0/12: 2^20 addresses; skip the network address, .1 (kubernetes) and .10 (DNS).
        let size = 1u32 << 20;
        let mut offset = hash % size;
        let ip = loop {
            let n = (10u32 << 24 | 96 << 16) + offset;
            let ip = format!(
                "{}.{}.{}.{}",
                n >> 24,
                (n >> 16) & 255,
                (n >> 8) & 255,
                n & 255
            );
            if offset > 10 && !used.contains(ip.as_str()) {
                break ip;
            }
            offset = (offset + 1) % size;
        };
        obj["spec"]["clusterIP"] = json!(ip);
        obj["spec"]["clusterIPs"] = json!([ip]);
        notes.push(format!("cluster IP {ip}"));
    } else if let Some(ip) = obj.pointer("/spec/clusterIP").cloned() {
        if obj.pointer("/spec/clusterIPs").is_none() && kind != "ExternalName" {
            obj["spec"]["clusterIPs"] = json!([ip]);
        }
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        let mut used: std::collections::HashSet<i64> = services
            .iter()
            .flat_map(|s| {
                s.pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
            .collect();
        let mut next = 30000 + i64::from(hash % 2768);
        if let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
            for p in ports {
                if p.get("nodePort").is_some() {
                    continue;
                }
                while used.contains(&next) {
                    next = 30000 + (next - 30000 + 1) % 2768;
                }
                used.insert(next);
                p["nodePort"] = json!(next);
                notes.push(format!("node port {next}"));
            }
        }
    }
    notes
}

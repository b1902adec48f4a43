//! Simulated webhook servers. A real cluster calls out over HTTPS; kubegate never leaves the
//! page, so the workspace describes the server instead (kind `WebhookServer`), and the API
//! server's calls to its URL are answered from that description. The authorization webhook
//! (`--authorization-webhook-config-file`) sends it SubjectAccessReviews.
//!
//! ```yaml
//! apiVersion: kubegate.dev/v1alpha1
//! kind: WebhookServer
//! metadata:
//!   name: corp-authz
//! spec:
//!   url: https://authz.corp.example:8443/authorize
//!   state: Up                 # Up | Unreachable | Timeout
//!   authorize:                # first rule that matches the review answers it
//!   - groups: [ops]
//!     verbs: [get, list, watch]
//!     resources: [pods, pods/log]
//!     allowed: true
//!     reason: ops may read pods
//!   - users: [mallory]
//!     denied: true
//!     reason: mallory is suspended
//! ```
//! No rule matching answers `{"allowed": false}`: no opinion.
//!
//! The same server can be an admission webhook, named by a Mutating/ValidatingWebhookConfiguration
//! (`clientConfig.url`, or a Service: `https://<name>.<namespace>.svc:<port><path>`). It answers
//! each AdmissionReview from its `admit` rules: the first rule whose conditions all hold
//! answers (no rule: allowed, nothing changed).
//!
//! ```yaml
//! spec:
//!   url: https://policy.default.svc:443/validate
//!   admit:
//!   - operations: [CREATE]        # CREATE, UPDATE, DELETE, CONNECT (none: any)
//!     resources: [pods]           # resource or resource/subresource, * for any
//!     namespaces: [blue]          # the request's namespace
//!     users: [dev-user]           # who sent the request
//!     groups: [developers]
//!     allowed: false              # the answer (default true)
//!     code: 403                   # response.status.code, .message, .reason
//!     message: pods in blue are reviewed first
//!     warnings: [this namespace is frozen]
//!   - resources: [deployments]
//!     patch:                      # a JSON patch (mutating webhooks)
//!     - {op: add, path: /metadata/labels/team, value: blue}
//! ```

use serde_json::{json, Map, Value};

use super::authz::Attributes;
use super::schema::Schema;
use super::yaml::{Node, NodeKind, Pos};

/// How the simulated server behaves on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum State {
    /// Answers.
    #[default]
    Up,
    /// Refuses connections.
    Unreachable,
    /// Never answers in time.
    Timeout,
}

/// One answer rule of the authorization webhook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthzRule {
    /// Users it applies to (any of these; empty: no user condition).
    pub users: Vec<String>,
    /// Groups it applies to (any of these).
    pub groups: Vec<String>,
    /// Verbs (`*` for all).
    pub verbs: Vec<String>,
    /// API groups (`*` for all).
    pub api_groups: Vec<String>,
    /// Resources, `resource` or `resource/subresource` (`*` for all).
    pub resources: Vec<String>,
    /// Namespaces (`*` for all).
    pub namespaces: Vec<String>,
    /// Object names.
    pub names: Vec<String>,
    /// Non-resource URLs (`*`, exact or `prefix*`).
    pub non_resource_urls: Vec<String>,
    /// `status.allowed`.
    pub allowed: bool,
    /// `status.denied`.
    pub denied: bool,
    /// `status.reason`.
    pub reason: String,
    /// Where the rule is in the workspace.
    pub pos: Pos,
}

/// One answer rule of an admission webhook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdmitRule {
    /// Operations (`CREATE` …; empty or `*`: any).
    pub operations: Vec<String>,
    /// Resources, `resource` or `resource/subresource` (empty or `*`: any).
    pub resources: Vec<String>,
    /// Namespaces (empty or `*`: any).
    pub namespaces: Vec<String>,
    /// Users (empty: any).
    pub users: Vec<String>,
    /// Groups (empty: any).
    pub groups: Vec<String>,
    /// `response.allowed`.
    pub allowed: bool,
    /// `response.status.code` (0: none).
    pub code: i64,
    /// `response.status.message`.
    pub message: String,
    /// `response.status.reason`.
    pub reason: String,
    /// `response.warnings`.
    pub warnings: Vec<String>,
    /// A JSON patch to return (`Value::Null`: none).
    pub patch: Value,
    /// A CEL expression over `request`, `object` and `oldObject` that must also hold (empty:
    /// none).
    pub when: String,
    /// A CEL expression whose string is the message (instead of `message`).
    pub message_expression: String,
    /// Where the rule is in the workspace.
    pub pos: Pos,
}

/// A simulated webhook server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WebhookServer {
    /// `metadata.name`.
    pub name: String,
    /// The URL it serves.
    pub url: String,
    /// Up, unreachable or timing out.
    pub state: State,
    /// Answers to SubjectAccessReviews.
    pub authorize: Vec<AuthzRule>,
    /// Answers to AdmissionReviews.
    pub admit: Vec<AdmitRule>,
}

const LIST: Schema = Schema::List(&Schema::Str);

/// The structure of a WebhookServer document (unknown fields are warnings).
pub const SCHEMA: Schema = Schema::Obj(&[
    ("apiVersion", Schema::Str),
    ("kind", Schema::Str),
    ("metadata", Schema::Obj(&[("name", Schema::Str)])),
    (
        "spec",
        Schema::Obj(&[
            ("url", Schema::Str),
            ("state", Schema::Str),
            (
                "authorize",
                Schema::List(&Schema::Obj(&[
                    ("users", LIST),
                    ("groups", LIST),
                    ("verbs", LIST),
                    ("apiGroups", LIST),
                    ("resources", LIST),
                    ("namespaces", LIST),
                    ("names", LIST),
                    ("nonResourceURLs", LIST),
                    ("allowed", Schema::Bool),
                    ("denied", Schema::Bool),
                    ("reason", Schema::Str),
                ])),
            ),
            (
                "admit",
                Schema::List(&Schema::Obj(&[
                    ("operations", LIST),
                    ("resources", LIST),
                    ("namespaces", LIST),
                    ("users", LIST),
                    ("groups", LIST),
                    ("allowed", Schema::Bool),
                    ("code", Schema::Int),
                    ("message", Schema::Str),
                    ("reason", Schema::Str),
                    ("warnings", LIST),
                    ("patch", Schema::Any),
                    ("when", Schema::Str),
                    ("messageExpression", Schema::Str),
                ])),
            ),
        ]),
    ),
]);

fn strs(node: &Node, key: &str) -> Vec<String> {
    match node.get(key).map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn flag(node: &Node, key: &str) -> bool {
    node.get(key).and_then(Node::as_str) == Some("true")
}

impl WebhookServer {
    /// Reads a WebhookServer document already checked against [`SCHEMA`]: the server, or an
    /// error with its position.
    pub fn from_node(root: &Node) -> Result<WebhookServer, (Pos, String)> {
        let spec = root.get("spec");
        let name = root
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let url = spec
            .and_then(|s| s.get("url"))
            .and_then(Node::as_str)
            .unwrap_or("");
        if url.is_empty() {
            return Err((
                spec.map_or(root.pos, |s| s.pos),
                "a WebhookServer needs spec.url: the URL the API server calls".into(),
            ));
        }
        if !url.starts_with("https://") {
            let pos = spec.and_then(|s| s.get("url")).map_or(root.pos, |n| n.pos);
            return Err((
                pos,
                format!("spec.url {url:?}: webhooks are called over https://"),
            ));
        }
        let state_node = spec.and_then(|s| s.get("state"));
        let state = match state_node.and_then(Node::as_str).unwrap_or("Up") {
            "Up" => State::Up,
            "Unreachable" => State::Unreachable,
            "Timeout" => State::Timeout,
            other => {
                return Err((
                    state_node.map_or(root.pos, |n| n.pos),
                    format!("spec.state {other:?}: use Up, Unreachable or Timeout"),
                ))
            }
        };
        let mut authorize = Vec::new();
        if let Some(NodeKind::Seq(rules)) = spec.and_then(|s| s.get("authorize")).map(|n| &n.kind) {
            for r in rules {
                authorize.push(AuthzRule {
                    users: strs(r, "users"),
                    groups: strs(r, "groups"),
                    verbs: strs(r, "verbs"),
                    api_groups: strs(r, "apiGroups"),
                    resources: strs(r, "resources"),
                    namespaces: strs(r, "namespaces"),
                    names: strs(r, "names"),
                    non_resource_urls: strs(r, "nonResourceURLs"),
                    allowed: flag(r, "allowed"),
                    denied: flag(r, "denied"),
                    reason: r
                        .get("reason")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                    pos: r.pos,
                });
            }
        }
        let mut admit = Vec::new();
        if let Some(NodeKind::Seq(rules)) = spec.and_then(|s| s.get("admit")).map(|n| &n.kind) {
            for r in rules {
                let text = |k: &str| r.get(k).and_then(Node::as_str).unwrap_or("").to_string();
                let patch = r.get("patch").map_or(Value::Null, Node::to_json);
                if !patch.is_null() && !patch.is_array() {
                    return Err((
                        r.get("patch").map_or(r.pos, |n| n.pos),
                        "admit[].patch: a JSON patch is a list of operations ({op, path, value})"
                            .into(),
                    ));
                }
                // The CEL expressions compile now, so a mistake shows at its place.
                for (key, want) in [
                    ("when", crate::sim::cel::Want::Bool),
                    ("messageExpression", crate::sim::cel::Want::String),
                ] {
                    let source = text(key);
                    if source.is_empty() {
                        continue;
                    }
                    if let Err(e) =
                        crate::sim::cel::Program::compile(&source, &admit_declarations(), want)
                    {
                        return Err((
                            r.get(key).map_or(r.pos, |n| n.pos),
                            format!("admit[].{key}: {e}"),
                        ));
                    }
                }
                admit.push(AdmitRule {
                    operations: strs(r, "operations"),
                    resources: strs(r, "resources"),
                    namespaces: strs(r, "namespaces"),
                    users: strs(r, "users"),
                    groups: strs(r, "groups"),
                    allowed: r.get("allowed").and_then(Node::as_str) != Some("false"),
                    code: r
                        .get("code")
                        .and_then(Node::as_str)
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(0),
                    message: text("message"),
                    reason: text("reason"),
                    warnings: strs(r, "warnings"),
                    patch,
                    when: text("when"),
                    message_expression: text("messageExpression"),
                    pos: r.pos,
                });
            }
        }
        Ok(WebhookServer {
            name,
            url: url.to_string(),
            state,
            authorize,
            admit,
        })
    }
}

fn listed(list: &[String], value: &str) -> bool {
    list.is_empty() || list.iter().any(|x| x == "*" || x == value)
}

impl AuthzRule {
    /// Whether the rule answers this review.
    pub fn matches(&self, a: &Attributes) -> bool {
        let subject = (self.users.is_empty() && self.groups.is_empty())
            || self.users.contains(&a.user.username)
            || self.groups.iter().any(|g| a.user.groups.contains(g));
        if !subject || !listed(&self.verbs, &a.verb) {
            return false;
        }
        if a.resource_request {
            let combined = if a.subresource.is_empty() {
                a.resource.clone()
            } else {
                format!("{}/{}", a.resource, a.subresource)
            };
            self.non_resource_urls.is_empty()
                && listed(&self.api_groups, &a.api_group)
                && listed(&self.resources, &combined)
                && listed(&self.namespaces, &a.namespace)
                && listed(&self.names, &a.name)
        } else {
            self.resources.is_empty()
                && (self.non_resource_urls.is_empty()
                    || self.non_resource_urls.iter().any(|u| {
                        u == "*"
                            || *u == a.path
                            || (u.ends_with('*') && a.path.starts_with(u.trim_end_matches('*')))
                    }))
        }
    }
}

/// The SubjectAccessReview the API server sends for a request (`version` `v1` or `v1beta1`),
/// fields in Go struct order, empty ones left out.
pub fn subject_access_review(a: &Attributes, version: &str) -> Value {
    let mut spec = Map::new();
    if a.resource_request {
        let mut ra = Map::new();
        for (k, v) in [
            ("namespace", &a.namespace),
            ("verb", &a.verb),
            ("group", &a.api_group),
            ("version", &a.api_version),
            ("resource", &a.resource),
            ("subresource", &a.subresource),
            ("name", &a.name),
        ] {
            if !v.is_empty() {
                ra.insert(k.into(), json!(v));
            }
        }
        spec.insert("resourceAttributes".into(), Value::Object(ra));
    } else {
        spec.insert(
            "nonResourceAttributes".into(),
            json!({"path": a.path, "verb": a.verb}),
        );
    }
    if !a.user.username.is_empty() {
        spec.insert("user".into(), json!(a.user.username));
    }
    if !a.user.groups.is_empty() {
        // v1beta1 spells the field `group`.
        let key = if version == "v1beta1" {
            "group"
        } else {
            "groups"
        };
        spec.insert(key.into(), json!(a.user.groups));
    }
    if !a.user.extra.is_empty() {
        spec.insert("extra".into(), json!(a.user.extra));
    }
    if !a.user.uid.is_empty() {
        spec.insert("uid".into(), json!(a.user.uid));
    }
    json!({
        "kind": "SubjectAccessReview",
        "apiVersion": format!("authorization.k8s.io/{version}"),
        "metadata": {},
        "spec": spec,
        "status": {"allowed": false},
    })
}

/// What the simulated server answers: the review with its status filled in, and which rule
/// (index) decided, if any.
pub fn answer(server: &WebhookServer, review: &Value, a: &Attributes) -> (Value, Option<usize>) {
    let mut out = review.clone();
    let hit = server.authorize.iter().position(|r| r.matches(a));
    let mut status = Map::new();
    match hit.map(|i| &server.authorize[i]) {
        Some(rule) => {
            status.insert("allowed".into(), json!(rule.allowed));
            if rule.denied {
                status.insert("denied".into(), json!(true));
            }
            if !rule.reason.is_empty() {
                status.insert("reason".into(), json!(rule.reason));
            }
        }
        None => {
            status.insert("allowed".into(), json!(false));
        }
    }
    out["status"] = Value::Object(status);
    (out, hit)
}

/// What an `admit` rule's CEL expressions may read: the AdmissionReview's request, and its
/// object and old object.
fn admit_declarations() -> crate::sim::cel::Declarations {
    crate::sim::cel::Declarations {
        variables: vec!["request", "object", "oldObject"],
        mutation: false,
    }
}

/// Evaluates one of a rule's expressions over a request; the error says which and why.
fn admit_eval(
    source: &str,
    want: crate::sim::cel::Want,
    req: &Value,
) -> Result<::cel::Value, String> {
    use crate::sim::cel::{Program, PER_CALL_LIMIT};
    let program =
        Program::compile(source, &admit_declarations(), want).map_err(|e| e.to_string())?;
    let null = Value::Null;
    let vars = [
        ("request", req),
        ("object", req.get("object").unwrap_or(&null)),
        ("oldObject", req.get("oldObject").unwrap_or(&null)),
    ];
    program
        .eval(&vars, PER_CALL_LIMIT)
        .map(|v| v.value)
        .map_err(|e| format!("expression '{source}' resulted in error: {e}"))
}

impl AdmitRule {
    /// Whether the rule's conditions hold for an AdmissionReview's request (its `when`
    /// expression last); `Err` when that expression fails.
    fn applies(&self, req: &Value) -> Result<bool, String> {
        if !self.matches(req) {
            return Ok(false);
        }
        if self.when.is_empty() {
            return Ok(true);
        }
        match admit_eval(&self.when, crate::sim::cel::Want::Bool, req)? {
            ::cel::Value::Bool(b) => Ok(b),
            other => Err(format!(
                "when: must evaluate to bool but got {}",
                crate::sim::cel::type_name(&other)
            )),
        }
    }

    /// The message the rule answers with.
    fn message(&self, req: &Value) -> Result<String, String> {
        if self.message_expression.is_empty() {
            return Ok(self.message.clone());
        }
        match admit_eval(&self.message_expression, crate::sim::cel::Want::String, req)? {
            ::cel::Value::String(s) => Ok(s.to_string()),
            other => Err(format!(
                "messageExpression: must evaluate to string but got {}",
                crate::sim::cel::type_name(&other)
            )),
        }
    }

    /// Whether the rule's lists hold for an AdmissionReview's request.
    fn matches(&self, req: &Value) -> bool {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
        let any =
            |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == "*" || x == v);
        let resource = s(req.pointer("/resource/resource"));
        let sub = s(req.get("subResource"));
        let full = if sub.is_empty() {
            resource.clone()
        } else {
            format!("{resource}/{sub}")
        };
        let groups: Vec<String> = req
            .pointer("/userInfo/groups")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        any(&self.operations, &s(req.get("operation")))
            && (self.resources.is_empty()
                || self.resources.iter().any(|r| {
                    let (res, rsub) = r.split_once('/').unwrap_or((r, ""));
                    (res == "*" || res == resource) && (rsub == "*" || rsub == sub)
                })
                || self.resources.contains(&full))
            && any(&self.namespaces, &s(req.get("namespace")))
            && any(&self.users, &s(req.pointer("/userInfo/username")))
            && (self.groups.is_empty() || self.groups.iter().any(|g| groups.contains(g)))
    }
}

impl WebhookServer {
    /// The server's answer to an AdmissionReview, from the first `admit` rule that matches
    /// (none: allowed, nothing changed), and which rule that was. `Err` is a rule whose CEL
    /// failed: the server answers HTTP 500 with that text.
    pub fn answer_review(&self, review: &Value) -> Result<(Value, Option<usize>), String> {
        let req = review.get("request").unwrap_or(&Value::Null);
        let uid = req.get("uid").cloned().unwrap_or(Value::Null);
        let mut found = None;
        for (i, rule) in self.admit.iter().enumerate() {
            if rule
                .applies(req)
                .map_err(|e| format!("WebhookServer {:?}, admit rule {}: {e}", self.name, i + 1))?
            {
                found = Some(i);
                break;
            }
        }
        let mut response = Map::new();
        response.insert("uid".into(), uid);
        match found.map(|i| &self.admit[i]) {
            None => {
                response.insert("allowed".into(), json!(true));
            }
            Some(rule) => {
                response.insert("allowed".into(), json!(rule.allowed));
                let message = rule.message(req).map_err(|e| {
                    format!(
                        "WebhookServer {:?}, admit rule {}: {e}",
                        self.name,
                        found.unwrap_or(0) + 1
                    )
                })?;
                if rule.code != 0 || !message.is_empty() || !rule.reason.is_empty() {
                    let mut status = Map::new();
                    if rule.code != 0 {
                        status.insert("code".into(), json!(rule.code));
                    }
                    if !message.is_empty() {
                        status.insert("message".into(), json!(message));
                    }
                    if !rule.reason.is_empty() {
                        status.insert("reason".into(), json!(rule.reason));
                    }
                    response.insert("status".into(), Value::Object(status));
                }
                if !rule.patch.is_null() {
                    response.insert(
                        "patch".into(),
                        json!(super::b64::STANDARD.encode(rule.patch.to_string())),
                    );
                    response.insert("patchType".into(), json!("JSONPatch"));
                }
                if !rule.warnings.is_empty() {
                    response.insert("warnings".into(), json!(rule.warnings));
                }
            }
        }
        Ok((
            json!({
                "kind": "AdmissionReview",
                "apiVersion": review.get("apiVersion").cloned().unwrap_or(json!("admission.k8s.io/v1")),
                "response": Value::Object(response),
            }),
            found,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::authn::UserInfo;

    fn attrs(user: &str, groups: &[&str], verb: &str, resource: &str, sub: &str) -> Attributes {
        Attributes {
            user: UserInfo {
                username: user.into(),
                groups: groups.iter().map(|g| g.to_string()).collect(),
                uid: "42".into(),
                ..Default::default()
            },
            verb: verb.into(),
            resource_request: true,
            namespace: "blue".into(),
            api_version: "v1".into(),
            resource: resource.into(),
            subresource: sub.into(),
            name: "orange".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_review_is_serialized_as_the_api_server_sends_it() {
        let a = attrs(
            "jane",
            &["ops", "system:authenticated"],
            "get",
            "pods",
            "log",
        );
        assert_eq!(
            serde_json::to_string(&subject_access_review(&a, "v1")).unwrap(),
            r#"{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"blue","verb":"get","version":"v1","resource":"pods","subresource":"log","name":"orange"},"user":"jane","groups":["ops","system:authenticated"],"uid":"42"},"status":{"allowed":false}}"#
        );
        let v1beta1 = subject_access_review(&a, "v1beta1");
        assert_eq!(
            v1beta1["spec"]["group"],
            json!(["ops", "system:authenticated"])
        );
        let mut nr = a.clone();
        nr.resource_request = false;
        nr.path = "/healthz".into();
        assert_eq!(
            subject_access_review(&nr, "v1")["spec"]["nonResourceAttributes"],
            json!({"path": "/healthz", "verb": "get"})
        );
    }

    #[test]
    fn the_first_matching_rule_answers() {
        let rule = |groups: &[&str], resources: &[&str], allowed: bool, denied: bool| AuthzRule {
            groups: groups.iter().map(|g| g.to_string()).collect(),
            resources: resources.iter().map(|g| g.to_string()).collect(),
            allowed,
            denied,
            reason: format!("{groups:?}"),
            ..Default::default()
        };
        let server = WebhookServer {
            name: "w".into(),
            url: "https://w".into(),
            state: State::Up,
            authorize: vec![
                rule(&["banned"], &[], false, true),
                rule(&["ops"], &["pods", "pods/log"], true, false),
            ],
            admit: Vec::new(),
        };
        let ask = |a: &Attributes| answer(&server, &subject_access_review(a, "v1"), a);
        let (r, hit) = ask(&attrs("j", &["ops"], "get", "pods", "log"));
        assert_eq!(
            (r["status"].clone(), hit),
            (json!({"allowed": true, "reason": "[\"ops\"]"}), Some(1))
        );
        let (r, hit) = ask(&attrs("j", &["ops", "banned"], "get", "pods", ""));
        assert_eq!(
            (r["status"].clone(), hit),
            (
                json!({"allowed": false, "denied": true, "reason": "[\"banned\"]"}),
                Some(0)
            )
        );
        let (r, hit) = ask(&attrs("j", &["ops"], "get", "pods", "exec"));
        assert_eq!(
            (r["status"].clone(), hit),
            (json!({"allowed": false}), None)
        );
    }
}

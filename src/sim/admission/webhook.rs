//! Admission webhooks (MutatingAdmissionWebhook, ValidatingAdmissionWebhook): the webhook
//! configurations the cluster holds, and which of their webhooks a request calls, as
//! upstream's `k8s.io/apiserver/pkg/admission/plugin/webhook` decides it (`generic.ShouldCallHook`
//! and the `predicates` packages): the namespaceSelector, the objectSelector, then the rules
//! (the request's own resource first; with `matchPolicy: Equivalent`, the same resource in
//! another version or group after).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/>.

use serde_json::Value;

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::labels;
use crate::sim::ptr::Ptr as _;
use crate::sim::response::ApiError;
use crate::sim::store::Store;

const GROUP: &str = "admissionregistration.k8s.io";

/// What a webhook does when it cannot be called (`failurePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// The request fails.
    Fail,
    /// The webhook is skipped (the error is recorded).
    Ignore,
}

/// Where the webhook is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// `clientConfig.url`.
    Url(String),
    /// `clientConfig.service`: reached through the Service object.
    Service {
        namespace: String,
        name: String,
        path: String,
        port: i64,
    },
}

impl Client {
    /// The URL the API server posts to (`https://<name>.<namespace>.svc:<port><path>` for a
    /// service), with the call's timeout as upstream appends it.
    pub fn url(&self, timeout_seconds: i64) -> String {
        let base = match self {
            Client::Url(u) => u.clone(),
            Client::Service {
                namespace,
                name,
                path,
                port,
            } => format!(
                "https://{name}.{namespace}.svc:{port}{}",
                if path.is_empty() { "/" } else { path }
            ),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}timeout={timeout_seconds}s")
    }
}

/// One rule of a webhook: operations and resources it is called for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    pub operations: Vec<String>,
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    /// `resource`, `resource/subresource`, with `*` for either part.
    pub resources: Vec<String>,
    /// `*`, `Cluster` or `Namespaced`.
    pub scope: String,
}

/// One webhook of a stored configuration (defaulted, validated).
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    /// The configuration's `metadata.name`.
    pub configuration: String,
    /// The webhook's name.
    pub name: String,
    pub rules: Vec<Rule>,
    /// `matchPolicy: Equivalent` (else Exact).
    pub equivalent: bool,
    pub namespace_selector: Value,
    pub object_selector: Value,
    /// `matchConditions`: name and CEL expression.
    pub match_conditions: Vec<(String, String)>,
    pub failure_policy: FailurePolicy,
    pub side_effects: String,
    pub timeout_seconds: i64,
    /// `reinvocationPolicy: IfNeeded` (mutating webhooks).
    pub reinvoke: bool,
    pub review_versions: Vec<String>,
    pub client: Client,
}

/// The strings of a JSON list (`[]` for anything else; a non-string item is `""`).
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

impl Hook {
    /// The webhooks of one stored configuration, in its order.
    pub fn of_configuration(config: &Value) -> Vec<Hook> {
        let configuration = config
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let text = |h: &Value, k: &str, default: &str| {
            h.get(k)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        config
            .get("webhooks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|h| {
                let cc = h.get("clientConfig");
                let client = match (
                    cc.and_then(|c| c.get("url")).and_then(Value::as_str),
                    cc.and_then(|c| c.get("service")),
                ) {
                    (Some(url), _) => Client::Url(url.to_string()),
                    (None, Some(svc)) => Client::Service {
                        namespace: text(svc, "namespace", ""),
                        name: text(svc, "name", ""),
                        path: text(svc, "path", ""),
                        port: svc.get("port").and_then(Value::as_i64).unwrap_or(443),
                    },
                    (None, None) => Client::Url(String::new()),
                };
                Hook {
                    configuration: configuration.clone(),
                    name: text(h, "name", ""),
                    rules: h
                        .get("rules")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(Rule::of)
                        .collect(),
                    equivalent: text(h, "matchPolicy", "Equivalent") == "Equivalent",
                    namespace_selector: h
                        .get("namespaceSelector")
                        .cloned()
                        .unwrap_or(serde_json::json!({})),
                    object_selector: h
                        .get("objectSelector")
                        .cloned()
                        .unwrap_or(serde_json::json!({})),
                    match_conditions: h
                        .get("matchConditions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|c| (text(c, "name", ""), text(c, "expression", "")))
                        .collect(),
                    failure_policy: if text(h, "failurePolicy", "Fail") == "Ignore" {
                        FailurePolicy::Ignore
                    } else {
                        FailurePolicy::Fail
                    },
                    side_effects: text(h, "sideEffects", ""),
                    timeout_seconds: h
                        .get("timeoutSeconds")
                        .and_then(Value::as_i64)
                        .unwrap_or(10),
                    reinvoke: text(h, "reinvocationPolicy", "Never") == "IfNeeded",
                    review_versions: strings(h.get("admissionReviewVersions")),
                    client,
                }
            })
            .collect()
    }

    /// Every webhook of the cluster's mutating (or validating) configurations, as upstream
    /// calls them: configurations by name, then each one's webhooks in order.
    pub fn all(store: &Store, mutating: bool) -> Vec<Hook> {
        let resource = if mutating {
            "mutatingwebhookconfigurations"
        } else {
            "validatingwebhookconfigurations"
        };
        // The store lists by namespace then name: cluster-scoped, so by name.
        store
            .list(GROUP, resource, None)
            .flat_map(Hook::of_configuration)
            .collect()
    }
}

/// The part of a request the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct RuleAttrs<'a> {
    pub operation: Operation,
    pub group: &'a str,
    pub version: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    /// Empty for a cluster-scoped object.
    pub namespace: &'a str,
}

impl Rule {
    /// A rule as stored (`RuleWithOperations`).
    pub fn of(r: &Value) -> Rule {
        Rule {
            operations: strings(r.get("operations")),
            api_groups: strings(r.get("apiGroups")),
            api_versions: strings(r.get("apiVersions")),
            resources: strings(r.get("resources")),
            scope: r
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or("*")
                .to_string(),
        }
    }

    /// Whether the rule covers the request (`rules.Matcher`): scope, operation, group,
    /// version and resource.
    pub fn matches(&self, a: &RuleAttrs<'_>) -> bool {
        let listed = |list: &[String], v: &str| list.iter().any(|x| x == "*" || x == v);
        let namespaces = a.group.is_empty() && a.version == "v1" && a.resource == "namespaces";
        let scope = match self.scope.as_str() {
            "" | "*" => true,
            "Cluster" => namespaces || a.namespace.is_empty(),
            "Namespaced" => !namespaces && !a.namespace.is_empty(),
            _ => false,
        };
        scope
            && listed(&self.operations, a.operation.as_str())
            && listed(&self.api_groups, a.group)
            && listed(&self.api_versions, a.version)
            && self.resources.iter().any(|entry| {
                let (res, sub) = entry.split_once('/').unwrap_or((entry, ""));
                (res == "*" || res == a.resource) && (sub == "*" || sub == a.subresource)
            })
    }
}

/// How a webhook is called for a request: the resource and kind it is called as (another
/// version's, under `matchPolicy: Equivalent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: String,
    pub kind: String,
}

/// Whether a request calls a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Not called; why, for the trace.
    Skip(String),
    /// Called, as this resource; its matchConditions (if any) are still to be evaluated.
    Call(Invocation),
    /// The request fails before any call (a selector that cannot be evaluated).
    Error(ApiError),
}

/// The labels a namespaceSelector is matched against: the new Namespace object's when the
/// request creates or updates one, else the request's namespace's, from the store.
fn namespace_labels(a: &Attributes<'_>, store: &Store) -> Result<Option<Value>, ApiError> {
    let is_namespace = a.is_core("namespaces");
    if is_namespace && matches!(a.operation, Operation::Create | Operation::Update) {
        return Ok(a
            .object
            .as_ref()
            .and_then(|o| o.ptr("/metadata/labels"))
            .cloned());
    }
    let ns = if a.group.is_empty() && a.resource == "namespaces" {
        a.name.as_str()
    } else {
        a.namespace.as_str()
    };
    match store.get("", "namespaces", "", ns) {
        Some(obj) => Ok(obj.ptr("/metadata/labels").cloned()),
        // Upstream answers 404 here, "for backwards compatibility".
        None => Err(ApiError::not_found("", "namespaces", ns)),
    }
}

/// `MatchNamespaceSelector`: a cluster-scoped object (other than a Namespace) is never
/// exempted; an empty selector matches without a lookup.
pub(crate) fn namespace_selector(
    selector: &Value,
    a: &Attributes<'_>,
    store: &Store,
) -> Result<bool, ApiError> {
    let namespace_request = a.group.is_empty() && a.resource == "namespaces";
    if a.namespace.is_empty() && !namespace_request {
        return Ok(true);
    }
    let selector =
        labels::from_label_selector(Some(selector)).map_err(|e| ApiError::internal(&e))?;
    if selector.is_everything() {
        return Ok(true);
    }
    Ok(selector.matches(namespace_labels(a, store)?.as_ref()))
}

/// `MatchObjectSelector`: the new object's labels or the old one's; an object without
/// metadata (a CONNECT's options) never matches a non-empty selector.
pub(crate) fn object_selector(selector: &Value, a: &Attributes<'_>) -> Result<bool, ApiError> {
    let selector =
        labels::from_label_selector(Some(selector)).map_err(|e| ApiError::internal(&e))?;
    if selector.is_everything() {
        return Ok(true);
    }
    if a.operation == Operation::Connect {
        return Ok(false);
    }
    let matches = |o: Option<&Value>| {
        o.and_then(|o| o.get("metadata"))
            .is_some_and(|m| selector.matches(m.get("labels")))
    };
    Ok(matches(a.object.as_ref()) || matches(a.old_object.as_ref()))
}

/// The resources that are the same objects as `group/resource[/sub]`: its other served
/// versions, and the core and `events.k8s.io` Events (one storage); with each one's kind.
pub(crate) fn equivalents(minor: u32, a: &Attributes<'_>) -> Vec<(String, String, String)> {
    let full = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let same_objects = |group: &str| {
        group == a.group
            || (a.resource == "events"
                && matches!(
                    (a.group.as_str(), group),
                    ("", "events.k8s.io") | ("events.k8s.io", "")
                ))
    };
    crate::sim::discovery::resources(minor)
        .filter(|r| r.name == full && same_objects(r.group))
        .filter(|r| !(r.group == a.group && r.version == a.version))
        .map(|r| {
            (
                r.group.to_string(),
                r.version.to_string(),
                r.kind.to_string(),
            )
        })
        .collect()
}

/// `ShouldCallHook`: whether the request calls the webhook, and as which resource.
pub fn should_call(hook: &Hook, a: &Attributes<'_>, store: &Store, minor: u32) -> Decision {
    let ns_match = namespace_selector(&hook.namespace_selector, a, store);
    let obj_match = object_selector(&hook.object_selector, a);
    let own = RuleAttrs {
        operation: a.operation,
        group: &a.group,
        version: &a.version,
        resource: &a.resource,
        subresource: &a.subresource,
        namespace: &a.namespace,
    };
    let mut invocation = hook
        .rules
        .iter()
        .any(|r| r.matches(&own))
        .then(|| Invocation {
            group: a.group.clone(),
            version: a.version.clone(),
            resource: a.resource.clone(),
            subresource: a.subresource.clone(),
            kind: a.kind.clone(),
        });
    if invocation.is_none() && hook.equivalent {
        let others = equivalents(minor, a);
        'rules: for rule in &hook.rules {
            for (group, version, kind) in &others {
                let other = RuleAttrs {
                    group,
                    version,
                    ..own
                };
                if rule.matches(&other) {
                    invocation = Some(Invocation {
                        group: group.clone(),
                        version: version.clone(),
                        resource: a.resource.clone(),
                        subresource: a.subresource.clone(),
                        kind: kind.clone(),
                    });
                    break 'rules;
                }
            }
        }
    }
    let Some(invocation) = invocation else {
        return Decision::Skip(format!(
            "no rule of webhook {:?} covers {} {}",
            hook.name,
            a.operation.as_str(),
            describe(a)
        ));
    };
    // Selector errors count only once a rule matched.
    match (ns_match, obj_match) {
        (Err(e), _) | (_, Err(e)) => Decision::Error(e),
        (Ok(false), _) => Decision::Skip(format!(
            "the namespaceSelector of webhook {:?} does not select namespace {:?}",
            hook.name,
            if a.namespace.is_empty() {
                &a.name
            } else {
                &a.namespace
            }
        )),
        (_, Ok(false)) => Decision::Skip(format!(
            "the objectSelector of webhook {:?} selects neither the object nor its old version",
            hook.name
        )),
        (Ok(true), Ok(true)) => Decision::Call(invocation),
    }
}

/// The AdmissionReview versions the API server speaks (when a webhook lists both, the
/// webhook's own order decides).
const KNOWN_REVIEW_VERSIONS: [&str; 2] = ["v1", "v1beta1"];

/// `CreateAdmissionObjects`' choice: the first version in the webhook's list the API server
/// knows; an error (a call failure, so failurePolicy applies) when there is none.
pub fn review_version(hook: &Hook) -> Result<&'static str, String> {
    hook.review_versions
        .iter()
        .find_map(|v| KNOWN_REVIEW_VERSIONS.iter().find(|k| **k == v.as_str()).copied())
        .ok_or_else(|| {
            "could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)".to_string()
        })
}

/// The AdmissionReview the API server posts for one call (`CreateV1AdmissionReview`), its
/// fields in upstream's order: the resource and kind the webhook is called as, and the ones
/// the user sent; `object`, `oldObject` and `options` written as `null` when absent.
pub fn review_request(
    version: &str,
    a: &Attributes<'_>,
    inv: &Invocation,
    uid: &str,
    options: Option<&Value>,
) -> Value {
    use serde_json::{json, Map};
    let gvk = |group: &str, version: &str, kind: &str| json!({"group": group, "version": version, "kind": kind});
    let gvr = |group: &str, version: &str, resource: &str| json!({"group": group, "version": version, "resource": resource});
    let mut r = Map::new();
    r.insert("uid".into(), json!(uid));
    r.insert("kind".into(), gvk(&inv.group, &inv.version, &inv.kind));
    r.insert(
        "resource".into(),
        gvr(&inv.group, &inv.version, &inv.resource),
    );
    if !inv.subresource.is_empty() {
        r.insert("subResource".into(), json!(inv.subresource));
    }
    r.insert("requestKind".into(), gvk(&a.group, &a.version, &a.kind));
    r.insert(
        "requestResource".into(),
        gvr(&a.group, &a.version, &a.resource),
    );
    if !a.subresource.is_empty() {
        r.insert("requestSubResource".into(), json!(a.subresource));
    }
    if !a.name.is_empty() {
        r.insert("name".into(), json!(a.name));
    }
    // A Namespace's own requests carry its name as their namespace.
    let namespace = if a.group.is_empty() && a.resource == "namespaces" {
        &a.name
    } else {
        &a.namespace
    };
    if !namespace.is_empty() {
        r.insert("namespace".into(), json!(namespace));
    }
    r.insert("operation".into(), json!(a.operation.as_str()));
    let mut user = Map::new();
    if !a.user.username.is_empty() {
        user.insert("username".into(), json!(a.user.username));
    }
    if !a.user.uid.is_empty() {
        user.insert("uid".into(), json!(a.user.uid));
    }
    if !a.user.groups.is_empty() {
        user.insert("groups".into(), json!(a.user.groups));
    }
    if !a.user.extra.is_empty() {
        user.insert("extra".into(), json!(a.user.extra));
    }
    r.insert("userInfo".into(), Value::Object(user));
    r.insert("object".into(), versioned(&a.object, inv));
    r.insert("oldObject".into(), versioned(&a.old_object, inv));
    r.insert("dryRun".into(), json!(a.dry_run));
    r.insert("options".into(), options.cloned().unwrap_or(Value::Null));
    json!({
        "kind": "AdmissionReview",
        "apiVersion": format!("admission.k8s.io/{version}"),
        "request": Value::Object(r),
    })
}

/// The object as the version a webhook is called as has it (`null` when absent).
pub(crate) fn versioned(o: &Option<Value>, inv: &Invocation) -> Value {
    match o {
        Some(Value::Object(m)) => {
            let mut out = serde_json::Map::new();
            out.insert("kind".into(), Value::String(inv.kind.clone()));
            let api_version = if inv.group.is_empty() {
                inv.version.clone()
            } else {
                format!("{}/{}", inv.group, inv.version)
            };
            out.insert("apiVersion".into(), Value::String(api_version));
            for (k, v) in m {
                if k != "kind" && k != "apiVersion" {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Object(out)
        }
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

/// `matchconditions.Matcher.Match`: whether a webhook's matchConditions let it be called.
/// Every condition is evaluated (within one shared cost budget); any false one skips the
/// webhook, even when others failed; otherwise a failure fails the request under
/// failurePolicy Fail (403, the request's resource forbidden, the failures' messages
/// aggregated) and skips the webhook under Ignore. Each condition's outcome goes on the card.
/// `Ok(None)`: call; `Ok(Some(why))`: skip.
fn match_conditions(
    ctx: &mut Context<'_>,
    hook: &Hook,
    a: &Attributes<'_>,
    inv: &Invocation,
) -> Result<Option<String>, ApiError> {
    use crate::sim::cel::{self, Declarations, Program, Want};
    let object = versioned(&a.object, inv);
    let old_object = versioned(&a.old_object, inv);
    let request = super::policy::request_variable(a, inv);
    let null = Value::Null;
    let vars = [
        ("object", &object),
        ("oldObject", &old_object),
        ("request", &request),
        ("namespaceObject", &null),
    ];
    let (chain, store, user) = (ctx.authz, &*ctx.store, a.user);
    let mut answer =
        |c: &cel::library::authz::Check| super::policy::authorize_check(chain, store, user, c);
    let mut authz = cel::Authz {
        request: super::policy::request_resource(a),
        answer: &mut answer,
        known: Vec::new(),
    };
    let mut budget = cel::MATCH_CONDITIONS_BUDGET;
    let mut first_false = None;
    let mut errors: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    for (name, expression) in &hook.match_conditions {
        let outcome = Program::compile(expression, &Declarations::match_conditions(), Want::Bool)
            .map_err(|e| format!("compilation error: {e}"))
            .and_then(|p| match p.eval_full(&vars, &[], Some(&mut authz), budget) {
                Ok(v) => {
                    budget = budget.saturating_sub(v.cost);
                    v.as_bool().map_err(|t| {
                        format!("expression '{expression}' resulted in error: no such overload (the result is {t}, not bool)")
                    })
                }
                Err(cel::EvalError::OutOfBudget) => {
                    budget = 0;
                    Err(cel::OUT_OF_BUDGET.to_string())
                }
                Err(e) => Err(format!("expression '{expression}' resulted in error: {e}")),
            });
        let shown = match &outcome {
            Ok(b) => b.to_string(),
            Err(e) => format!("error: {e}"),
        };
        notes.push((
            format!("matchCondition {name:?} of {}", hook.name),
            format!("{expression}  →  {shown}"),
        ));
        match outcome {
            Ok(false) if first_false.is_none() => first_false = Some(name.clone()),
            Ok(_) => {}
            Err(e) => {
                if !errors.contains(&e) {
                    errors.push(e);
                }
            }
        }
    }
    ctx.notes.extend(notes);
    if let Some(name) = first_false {
        return Ok(Some(format!(
            "matchCondition {name:?} of webhook {:?} is false: not called",
            hook.name
        )));
    }
    if errors.is_empty() {
        return Ok(None);
    }
    let message = if errors.len() == 1 {
        errors.remove(0)
    } else {
        format!("[{}]", errors.join(", "))
    };
    match hook.failure_policy {
        FailurePolicy::Fail => Err(ApiError::forbidden(&a.group, &a.resource, &a.name, &message)),
        FailurePolicy::Ignore => Ok(Some(format!(
            "the matchConditions of webhook {:?} failed ({message}): not called (failurePolicy Ignore)",
            hook.name
        ))),
    }
}

/// A webhook's answer, as the API server reads it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    pub allowed: bool,
    /// `response.status` (a `metav1.Status`), when given.
    pub status: Option<Value>,
    /// The decoded JSON patch (mutating webhooks), when given.
    pub patch: Option<Value>,
    /// `response.patchType` (`JSONPatch`); forced for a v1beta1 answer with a patch.
    pub patch_type: Option<String>,
    /// `response.auditAnnotations`, stored as `<webhook name>/<key>`.
    pub audit_annotations: Vec<(String, String)>,
    /// `response.warnings`, sent on to the client as `Warning` headers.
    pub warnings: Vec<String>,
}

/// `VerifyAdmissionResponse`: reads a webhook's answer to review `uid` (sent as `version`),
/// checking it as upstream does; `Err` is the reason of `received invalid webhook response:
/// <reason>`.
pub fn verify_response(
    version: &str,
    uid: &str,
    mutating: bool,
    body: &Value,
) -> Result<Response, String> {
    let Some(resp) = body.get("response").filter(|r| r.is_object()) else {
        return Err("webhook response was absent".into());
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let mut out = Response {
        allowed: resp
            .get("allowed")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        status: resp.get("status").filter(|s| !s.is_null()).cloned(),
        patch_type: text(resp, "patchType"),
        audit_annotations: resp
            .get("auditAnnotations")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        warnings: resp
            .get("warnings")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|w| w.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        ..Response::default()
    };
    let patch = text(resp, "patch").filter(|p| !p.is_empty());
    if version == "v1" {
        let got_uid = text(resp, "uid").unwrap_or_default();
        if got_uid != uid {
            return Err(format!("expected response.uid={uid:?}, got {got_uid:?}"));
        }
        let api_version = text(body, "apiVersion").unwrap_or_default();
        let (group, v) = api_version.rsplit_once('/').unwrap_or(("", &api_version));
        let kind = text(body, "kind").unwrap_or_default();
        if (group, v, kind.as_str()) != ("admission.k8s.io", "v1", "AdmissionReview") {
            return Err(format!(
                "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got {group}/{v}, Kind={kind}"
            ));
        }
        match (mutating, &patch, &out.patch_type) {
            (true, Some(_), None) => {
                return Err("webhook returned response.patch but not response.patchType".into())
            }
            (true, None, Some(_)) => {
                return Err("webhook returned response.patchType but not response.patch".into())
            }
            (true, Some(_), Some(t)) if t.is_empty() => {
                return Err("webhook returned invalid response.patchType of \"\"".into())
            }
            (false, Some(_), _) => {
                return Err("validating webhook may not return response.patch".into())
            }
            (false, None, Some(_)) => {
                return Err("validating webhook may not return response.patchType".into())
            }
            _ => {}
        }
    } else if mutating {
        // v1beta1: any patch is a JSON patch.
        if patch.is_some() {
            out.patch_type = Some("JSONPatch".into());
        }
    } else {
        out.patch_type = None;
        return Ok(out);
    }
    if let Some(p) = patch {
        let bytes = crate::sim::b64::STANDARD
            .decode(&p)
            .map_err(|e| format!("illegal base64 data: {e}"))?;
        out.patch =
            Some(serde_json::from_slice(&bytes).map_err(|e| format!("invalid JSON patch: {e}"))?);
    }
    Ok(out)
}

/// The webhook configurations, which the API server never sends to webhooks (nor the admission
/// policies and their bindings: `policy::own_objects`).
const NEVER_SENT: [&str; 2] = [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
];

/// MutatingAdmissionWebhook: each matching mutating webhook, one after another, each seeing
/// what the ones before it changed.
pub fn admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    dispatch(ctx, a, true)
}

/// ValidatingAdmissionWebhook: every matching validating webhook. Upstream calls them in
/// parallel and reports the first error to arrive; kubegate reports the first in their order.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    // (Validating webhooks never change the object; the dispatcher is shared with the
    // mutating pass, which does, so it takes a copy, and only when there are webhooks.)
    if ctx
        .store
        .list(GROUP, "validatingwebhookconfigurations", None)
        .next()
        .is_none()
    {
        return Verdict::Skip("no ValidatingWebhookConfiguration in the cluster".into());
    }
    let mut a = a.clone();
    dispatch(ctx, &mut a, false)
}

fn dispatch(ctx: &mut Context<'_>, a: &mut Attributes<'_>, mutating: bool) -> Verdict {
    let kind = if mutating {
        "MutatingWebhookConfiguration"
    } else {
        "ValidatingWebhookConfiguration"
    };
    let hooks = Hook::all(ctx.store, mutating);
    if hooks.is_empty() {
        return Verdict::Skip(format!("no {kind} in the cluster").into());
    }
    if (a.group == GROUP && NEVER_SENT.contains(&a.resource.as_str()))
        || super::policy::own_objects(a)
    {
        return Verdict::Skip(
            "the API server never sends its admission configuration objects to webhooks".into(),
        );
    }
    let minor = ctx.control_plane.minor;
    let mut said = Vec::new();
    let mut called = 0;
    let again = ctx.reinvocation.again;
    if mutating {
        ctx.reinvocation.webhooks.start(again, a.object.as_ref());
    }
    // The validating dispatcher decides for every webhook before calling any (a failing
    // selector or matchCondition of a later webhook wins over an earlier one's refusal); the
    // mutating one decides for each in turn, on the object as the webhooks before it left it.
    let mut planned = Vec::new();
    if !mutating {
        for hook in &hooks {
            match decide(ctx, hook, a, minor, &mut said) {
                Ok(inv) => planned.push(inv),
                Err(e) => return Verdict::Reject(e),
            }
        }
    }
    // A mutating webhook with IfNeeded that was called is noted once its call is over (its own
    // change does not mark itself), at the start of the next round.
    let mut called_if_needed: Option<String> = None;
    for (i, hook) in hooks.iter().enumerate() {
        if let Some(uid) = called_if_needed.take() {
            ctx.reinvocation.webhooks.invoked(uid);
        }
        let inv = if mutating {
            match decide(ctx, hook, a, minor, &mut said) {
                Ok(inv) => inv,
                Err(e) => return Verdict::Reject(e),
            }
        } else {
            planned[i].take()
        };
        let Some(inv) = inv else {
            continue;
        };
        // In the second pass, only webhooks marked for it run (never one for the first time).
        let uid = format!("{}/{}", hook.configuration, hook.name);
        if mutating && again && !ctx.reinvocation.webhooks.reinvoked(&uid) {
            said.push(format!(
                "webhook {:?} is not called again (nothing it saw changed, or reinvocationPolicy Never)",
                hook.name
            ));
            continue;
        }
        if a.dry_run && !matches!(hook.side_effects.as_str(), "None" | "NoneOnDryRun") {
            return Verdict::Reject(ApiError::bad_request(format!(
                "admission webhook {:?} does not support dry run",
                hook.name
            )));
        }
        called += 1;
        if mutating && hook.reinvoke {
            called_if_needed = Some(uid.clone());
        }
        let answer = call(ctx, hook, a, &inv, mutating).and_then(|resp| {
            match (&resp.patch, resp.patch_type.as_deref()) {
                (Some(_), Some(t)) if t != "JSONPatch" => {
                    Err(format!("unsupported patch type {t:?}"))
                }
                _ => Ok(resp),
            }
        });
        let resp = match answer {
            Ok(resp) => resp,
            Err(reason) => {
                let msg = format!("failed calling webhook {:?}: {reason}", hook.name);
                match hook.failure_policy {
                    FailurePolicy::Fail => return Verdict::Reject(ApiError::internal(&msg)),
                    FailurePolicy::Ignore => {
                        said.push(format!("{msg} (ignored: failurePolicy Ignore)"));
                        continue;
                    }
                }
            }
        };
        for w in &resp.warnings {
            ctx.notes
                .push((format!("warning from {}", hook.name), w.clone()));
            ctx.warnings.push(w.clone());
        }
        if !resp.allowed {
            return Verdict::Reject(to_status_err(&hook.name, resp.status.as_ref()));
        }
        let ops = resp
            .patch
            .filter(|p| p.as_array().is_some_and(|a| !a.is_empty()));
        let Some(ops) = ops else {
            said.push(format!("webhook {:?} allowed the request", hook.name));
            continue;
        };
        let Some(object) = a.object.as_ref() else {
            return Verdict::Reject(ApiError::internal(&format!(
                "admission webhook {:?} attempted to modify the object, which is not supported for this operation",
                hook.name
            )));
        };
        match crate::sim::patch::json_patch(object, &ops) {
            // The patched object is decoded into its Go type: a value that does not fit fails
            // the request, whatever the failurePolicy.
            Ok(patched)
                if let Some(e) = crate::sim::gotypes::check(
                    &crate::sim::yaml::Node::from_json(&patched),
                    &a.group,
                    &a.version,
                    &a.kind,
                ) =>
            {
                return Verdict::Reject(ApiError::internal(&e.message));
            }
            Ok(patched) => {
                if patched != *object {
                    if let Some(o) = a.object_mut() {
                        *o = patched;
                    }
                    said.push(format!("webhook {:?} patched the object", hook.name));
                    // Those with IfNeeded called before run again in a second pass.
                    ctx.reinvocation.webhooks.require_previous();
                    ctx.reinvocation.wanted = true;
                } else {
                    said.push(format!(
                        "webhook {:?} returned a patch that changed nothing",
                        hook.name
                    ));
                }
            }
            Err(e) => return Verdict::Reject(ApiError::internal(&e.to_string())),
        }
    }
    if let Some(uid) = called_if_needed.take() {
        ctx.reinvocation.webhooks.invoked(uid);
    }
    if mutating {
        ctx.reinvocation.webhooks.finish(a.object.as_ref());
    }
    let said = said.join("; ");
    if called == 0 {
        Verdict::Skip(said.into())
    } else {
        Verdict::Admit(said.into())
    }
}

/// `ShouldCallHook`: the rules and selectors, then the matchConditions. `Ok(None)` (the
/// reason said) when the webhook is not called.
fn decide(
    ctx: &mut Context<'_>,
    hook: &Hook,
    a: &Attributes<'_>,
    minor: u32,
    said: &mut Vec<String>,
) -> Result<Option<Invocation>, ApiError> {
    let inv = match should_call(hook, a, ctx.store, minor) {
        Decision::Skip(why) => {
            said.push(why);
            return Ok(None);
        }
        Decision::Error(e) => return Err(e),
        Decision::Call(inv) => inv,
    };
    if !hook.match_conditions.is_empty() {
        if let Some(why) = match_conditions(ctx, hook, a, &inv)? {
            said.push(why);
            return Ok(None);
        }
    }
    Ok(Some(inv))
}

/// `ToStatusErr`: a webhook's refusal as the API server answers it: its code (400 at least),
/// its reason and details, and the message naming the webhook.
fn to_status_err(name: &str, status: Option<&Value>) -> ApiError {
    let text = |k: &str| {
        status
            .and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let code = status
        .and_then(|s| s.get("code"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let (message, reason) = (text("message"), text("reason"));
    let prefix = format!("admission webhook {name:?} denied the request");
    ApiError {
        text_body: false,
        code: u16::try_from(code)
            .ok()
            .filter(|c| *c >= 400)
            .unwrap_or(400),
        message: if !message.is_empty() {
            format!("{prefix}: {message}")
        } else if !reason.is_empty() {
            format!("{prefix}: {reason}")
        } else {
            format!("{prefix} without explanation")
        },
        reason,
        details: Box::new(
            status
                .and_then(|s| s.get("details"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        ),
    }
}

/// Calls one webhook: builds the review, finds the server the URL leads to, and reads its
/// answer. `Err` is the reason of `failed calling webhook "<name>": <reason>`.
fn call(
    ctx: &mut Context<'_>,
    hook: &Hook,
    a: &Attributes<'_>,
    inv: &Invocation,
    mutating: bool,
) -> Result<Response, String> {
    let version = review_version(hook)?;
    let full = hook.client.url(hook.timeout_seconds);
    let post = |err: &str| format!("failed to call webhook: Post {full:?}: {err}");
    let base = full.split('?').next().unwrap_or(&full).to_string();
    // Where the connection goes: a Service's cluster IP, or the URL's host.
    let address = match &hook.client {
        Client::Service {
            namespace,
            name,
            port,
            ..
        } => {
            let Some(svc) = ctx.store.get("", "services", namespace, name) else {
                return Err(post(&format!("service {name:?} not found")));
            };
            let has_port = svc
                .ptr("/spec/ports")
                .and_then(Value::as_array)
                .is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p.get("port").and_then(Value::as_i64) == Some(*port))
                });
            if !has_port {
                return Err(post(&format!(
                    "no service port {port} found for service {name:?}"
                )));
            }
            let ip = svc
                .ptr("/spec/clusterIP")
                .and_then(Value::as_str)
                .unwrap_or("");
            format!("{ip}:{port}")
        }
        Client::Url(_) => {
            let host = base
                .strip_prefix("https://")
                .unwrap_or(&base)
                .split('/')
                .next()
                .unwrap_or("");
            if host.contains(':') {
                host.to_string()
            } else {
                format!("{host}:443")
            }
        }
    };
    let same = |u: &str| u.trim_end_matches('/') == base.trim_end_matches('/');
    let Some(server) = ctx.servers.iter().find(|s| same(&s.url)) else {
        return Err(post(&match &hook.client {
            // Nothing behind the Service: kube-proxy refuses the connection.
            Client::Service { .. } => format!("dial tcp {address}: connect: connection refused"),
            Client::Url(_) => format!(
                "dial tcp: lookup {}: no such host",
                address
                    .rsplit_once(':')
                    .map_or(address.as_str(), |(h, _)| h)
            ),
        }));
    };
    match server.state {
        crate::sim::webhooks::State::Unreachable => {
            return Err(post(&format!(
                "dial tcp {address}: connect: connection refused"
            )))
        }
        crate::sim::webhooks::State::Timeout => return Err(post("context deadline exceeded")),
        crate::sim::webhooks::State::Up => {}
    }
    let uid = ctx.store.next_uid();
    let options = options_of(a);
    let review = review_request(version, a, inv, &uid, options.as_ref());
    ctx.notes.push((
        format!("AdmissionReview sent to {} ({})", hook.name, base),
        serde_json::to_string_pretty(&review).unwrap_or_default(),
    ));
    // A server whose own rule fails answers HTTP 500 with the failure.
    let (answer, rule) = server.answer_review(&review).map_err(|e| {
        ctx.notes
            .push((format!("WebhookServer {:?} failed", server.name), e.clone()));
        format!(
            "failed to call webhook: an error on the server ({:?}) has prevented the request from succeeding",
            e
        )
    })?;
    ctx.notes.push((
        format!(
            "AdmissionReview answered by WebhookServer {:?} ({})",
            server.name,
            match rule {
                Some(i) => format!("its admit rule {}", i + 1),
                None => "no admit rule matched: allowed".to_string(),
            }
        ),
        serde_json::to_string_pretty(&answer).unwrap_or_default(),
    ));
    verify_response(version, &uid, mutating, &answer)
        .map_err(|m| format!("received invalid webhook response: {m}"))
}

/// The request's options as the review carries them (kubegate does not keep the field
/// manager and field validation kubectl sent, so only the kind and dry run).
pub(crate) fn options_of(a: &Attributes<'_>) -> Option<Value> {
    let kind = match a.operation {
        Operation::Create => "CreateOptions",
        Operation::Update => "UpdateOptions",
        Operation::Delete => "DeleteOptions",
        Operation::Connect => return None,
    };
    let mut o = serde_json::json!({"kind": kind, "apiVersion": "meta.k8s.io/v1"});
    if a.dry_run {
        o["dryRun"] = serde_json::json!(["All"]);
    }
    Some(o)
}

/// `pods/status in v1`, `deployments in apps/v1`.
fn describe(a: &Attributes<'_>) -> String {
    let res = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let gv = if a.group.is_empty() {
        a.version.clone()
    } else {
        format!("{}/{}", a.group, a.version)
    };
    format!("{res} in {gv}")
}

#[cfg(test)]
mod tests;

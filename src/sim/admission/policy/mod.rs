//! The admission policies' shared machinery (`k8s.io/apiserver/pkg/admission/plugin/policy/
//! generic` and `matching`): which policy and binding pairs a request meets, the params a
//! binding names, and the variables their CEL expressions read. [`validating`] is
//! ValidatingAdmissionPolicy.

mod activation;
pub mod mutating;
pub mod typecheck;
pub mod validating;

use serde_json::{json, Value};

use super::webhook::{self, Invocation, Rule, RuleAttrs};
use super::{Attributes, Context};
use crate::sim::ptr::Ptr;
use crate::sim::response::ApiError;
use crate::sim::store::Store;

/// The API group of the policies and their bindings.
pub const GROUP: &str = "admissionregistration.k8s.io";

/// A rule with the names it is limited to (`NamedRuleWithOperations`).
#[derive(Debug, Clone)]
pub struct NamedRule {
    pub rule: Rule,
    /// `resourceNames` (empty: any name).
    pub names: Vec<String>,
}

/// `MatchResources`: a policy's `matchConstraints`, or a binding's `matchResources`.
#[derive(Debug, Clone)]
pub struct MatchResources {
    pub namespace_selector: Value,
    pub object_selector: Value,
    pub rules: Vec<NamedRule>,
    pub exclude: Vec<NamedRule>,
    /// `matchPolicy: Equivalent` (else Exact).
    pub equivalent: bool,
}

fn named_rules(v: Option<&Value>) -> Vec<NamedRule> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| NamedRule {
            rule: Rule::of(r),
            names: webhook::strings(r.get("resourceNames")),
        })
        .collect()
}

impl MatchResources {
    /// Reads stored (defaulted) match resources; `Err` is upstream's error for a missing
    /// selector.
    pub fn of(v: &Value) -> Result<MatchResources, String> {
        let selector = |key: &str, which: &str| {
            v.get(key).filter(|s| !s.is_null()).cloned().ok_or_else(|| {
                format!("a nil {which} selector was passed, please ensure selectors are initialized properly")
            })
        };
        Ok(MatchResources {
            namespace_selector: selector("namespaceSelector", "namespace")?,
            object_selector: selector("objectSelector", "object")?,
            rules: named_rules(v.get("resourceRules")),
            exclude: named_rules(v.get("excludeResourceRules")),
            equivalent: v.get("matchPolicy").and_then(Value::as_str) == Some("Equivalent"),
        })
    }
}

/// `matchesResourceRules`: the rule a request meets, in its own version or (Equivalent) in
/// another; the invocation says as which resource and kind.
fn rules_match(
    rules: &[NamedRule],
    equivalent: bool,
    a: &Attributes<'_>,
    minor: u32,
) -> Option<Invocation> {
    let own = RuleAttrs {
        operation: a.operation,
        group: &a.group,
        version: &a.version,
        resource: &a.resource,
        subresource: &a.subresource,
        namespace: &a.namespace,
    };
    let named = |r: &NamedRule| r.names.is_empty() || r.names.contains(&a.name);
    if rules.iter().any(|r| r.rule.matches(&own) && named(r)) {
        return Some(Invocation {
            group: a.group.clone(),
            version: a.version.clone(),
            resource: a.resource.clone(),
            subresource: a.subresource.clone(),
            kind: a.kind.clone(),
        });
    }
    if !equivalent {
        return None;
    }
    let others = webhook::equivalents(minor, a);
    for r in rules {
        for (group, version, kind) in &others {
            let other = RuleAttrs {
                group,
                version,
                ..own
            };
            if r.rule.matches(&other) && named(r) {
                return Some(Invocation {
                    group: group.clone(),
                    version: version.clone(),
                    resource: a.resource.clone(),
                    subresource: a.subresource.clone(),
                    kind: kind.clone(),
                });
            }
        }
    }
    None
}

/// Why a request does not meet match resources, or the invocation it meets them as.
pub enum Matched {
    Yes(Invocation),
    No(String),
}

/// `Matcher.Matches`: the selectors, the excluded rules, then the rules (none: every
/// resource). Selector errors count only once the rules match.
pub fn matches(
    m: &MatchResources,
    a: &Attributes<'_>,
    store: &Store,
    minor: u32,
) -> Result<Matched, ApiError> {
    let ns = webhook::namespace_selector(&m.namespace_selector, a, store);
    if let Ok(false) = ns {
        return Ok(Matched::No(
            "its namespaceSelector does not select the namespace".into(),
        ));
    }
    let obj = webhook::object_selector(&m.object_selector, a);
    if let Ok(false) = obj {
        return Ok(Matched::No(
            "its objectSelector selects neither the object nor its old version".into(),
        ));
    }
    if rules_match(&m.exclude, m.equivalent, a, minor).is_some() {
        return Ok(Matched::No(
            "an excludeResourceRule covers the request".into(),
        ));
    }
    let inv = if m.rules.is_empty() {
        Some(Invocation {
            group: a.group.clone(),
            version: a.version.clone(),
            resource: a.resource.clone(),
            subresource: a.subresource.clone(),
            kind: a.kind.clone(),
        })
    } else {
        rules_match(&m.rules, m.equivalent, a, minor)
    };
    let Some(inv) = inv else {
        return Ok(Matched::No("no resourceRule covers the request".into()));
    };
    ns?;
    obj?;
    Ok(Matched::Yes(inv))
}

/// The policies of one kind and, for each (by name), its bindings (by name): a binding whose
/// policy does not exist is left out, as a policy with no binding. (Upstream iterates the
/// policies in a Go map's order, so which of two denials it reports varies; kubegate's order
/// is by name.)
pub fn pairs<'s>(
    store: &'s Store,
    policies: &str,
    bindings: &str,
) -> Vec<(&'s Value, Vec<&'s Value>)> {
    let all: Vec<&Value> = store.list(GROUP, bindings, None).collect();
    store
        .list(GROUP, policies, None)
        .filter_map(|p| {
            let name = p.ptr("/metadata/name").and_then(Value::as_str)?;
            let mine: Vec<&Value> = all
                .iter()
                .copied()
                .filter(|b| b.ptr("/spec/policyName").and_then(Value::as_str) == Some(name))
                .collect();
            (!mine.is_empty()).then_some((p, mine))
        })
        .collect()
}

/// Which kind of policy a dispatcher runs.
pub struct Kind {
    /// `ValidatingAdmissionPolicy` or `MutatingAdmissionPolicy`.
    pub name: &'static str,
    pub policies: &'static str,
    pub bindings: &'static str,
}

/// One evaluation a request makes: a policy, a binding of it, one param (`null` for none),
/// the resource the policy matched the request as, and the request's namespace object.
pub struct Call {
    pub policy: Value,
    pub policy_name: String,
    pub binding: Value,
    pub binding_name: String,
    pub matched: Invocation,
    pub param: Value,
    pub namespace: Value,
    /// Whether the policy fails closed (failurePolicy Fail).
    pub fail: bool,
}

/// A configuration error of a policy (`binding: None`) or of one of its bindings.
pub struct ConfigError {
    pub policy_name: String,
    pub binding: Option<String>,
    /// `failed to configure policy: …` / `failed to configure binding: …`.
    pub message: String,
    pub fail: bool,
}

/// What a request makes of the policies of one kind, in order.
pub enum Step {
    Call(Box<Call>),
    Config(ConfigError),
}

/// The generic dispatcher (`generic/policy_dispatcher.go`): each policy the request meets
/// (its matchConstraints), each binding of it the request meets too (its matchResources),
/// and its params, as the evaluations and configuration errors to go through in order; why
/// each policy or binding did not apply goes in `said`. `Err`: the request fails at once (its
/// namespace is gone). `Ok(None)`: no policy of the kind has a binding. (The rules and
/// selectors are all matched against the object as it came; upstream matches each mutating
/// policy against the object as the ones before it left it, which only an objectSelector on
/// a label another policy adds would tell apart.)
pub fn dispatch(
    store: &Store,
    minor: u32,
    a: &Attributes<'_>,
    kind: &Kind,
    said: &mut Vec<String>,
) -> Result<Option<Vec<Step>>, ApiError> {
    let all = pairs(store, kind.policies, kind.bindings);
    if all.is_empty() {
        return Ok(None);
    }
    let mut steps = Vec::new();
    for (policy, bindings) in all {
        let pname = policy
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let fail = policy.ptr("/spec/failurePolicy").and_then(Value::as_str) != Some("Ignore");
        let constraints = match policy
            .ptr("/spec/matchConstraints")
            .filter(|m| !m.is_null())
        {
            None => Err("policy contained no match constraints, a required field".to_string()),
            Some(m) => MatchResources::of(m),
        };
        let matched =
            match constraints.and_then(|m| matches(&m, a, store, minor).map_err(|e| e.message)) {
                Err(e) => {
                    said.push(format!("{} {pname:?}: {e}", kind.name));
                    steps.push(Step::Config(ConfigError {
                        policy_name: pname.clone(),
                        binding: None,
                        message: format!("failed to configure policy: {e}"),
                        fail,
                    }));
                    continue;
                }
                Ok(Matched::No(why)) => {
                    said.push(format!("{} {pname:?} does not apply: {why}", kind.name));
                    continue;
                }
                Ok(Matched::Yes(inv)) => inv,
            };
        for binding in bindings {
            let bname = binding
                .ptr("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let title = format!("{} '{pname}' with binding '{bname}'", kind.name);
            let binding_error = |steps: &mut Vec<Step>, said: &mut Vec<String>, e: String| {
                said.push(format!("{title}: {e}"));
                steps.push(Step::Config(ConfigError {
                    policy_name: pname.clone(),
                    binding: Some(bname.clone()),
                    message: format!("failed to configure binding: {e}"),
                    fail,
                }));
            };
            if let Some(m) = binding.ptr("/spec/matchResources").filter(|m| !m.is_null()) {
                match MatchResources::of(m)
                    .and_then(|m| matches(&m, a, store, minor).map_err(|e| e.message))
                {
                    Err(e) => {
                        binding_error(&mut steps, said, e);
                        continue;
                    }
                    Ok(Matched::No(why)) => {
                        said.push(format!(
                            "{title} does not apply: the binding's matchResources: {why}"
                        ));
                        continue;
                    }
                    Ok(Matched::Yes(_)) => {}
                }
            }
            let params = match params(policy, binding, a, store, minor) {
                Ok(p) => p,
                Err(e) => {
                    binding_error(&mut steps, said, e);
                    continue;
                }
            };
            if params.is_empty() {
                said.push(format!(
                    "{title}: no params found (parameterNotFoundAction Allow): not evaluated"
                ));
                continue;
            }
            let namespace = namespace_object(a, store)?;
            for param in params {
                steps.push(Step::Call(Box::new(Call {
                    policy: policy.clone(),
                    policy_name: pname.clone(),
                    binding: binding.clone(),
                    binding_name: bname.clone(),
                    matched: matched.clone(),
                    param,
                    namespace: namespace.clone(),
                    fail,
                })));
            }
        }
    }
    Ok(Some(steps))
}

/// A dispatcher's verdict when nothing refused: skipped when no evaluation ran (with why
/// each policy did not apply), else how many ran and what they did (`did`).
pub fn verdict(kind: &Kind, applied: usize, did: &str, said: Vec<String>) -> super::Verdict {
    let said = said.join("; ");
    if applied == 0 {
        return super::Verdict::Skip(if said.is_empty() {
            format!("no {} applies", kind.name).into()
        } else {
            said.into()
        });
    }
    let also = if said.is_empty() {
        String::new()
    } else {
        format!("; {said}")
    };
    super::Verdict::Admit(format!("{applied} {did}{also}").into())
}

/// The authorizer for one evaluation's CEL: the request's own resource, the chain that
/// answers, and the answers so far (`known`, kept across the request).
pub fn authorizer_answer<'c>(
    ctx: &'c Context<'_>,
    a: &'c Attributes<'_>,
) -> impl FnMut(&crate::sim::cel::library::authz::Check) -> crate::sim::cel::library::authz::Answer + 'c
{
    let (chain, store, user) = (ctx.authz, &*ctx.store, a.user);
    move |c| authorize_check(chain, store, user, c)
}

/// `CollectParams`: the params one binding evaluates its policy with (`null` for none), or
/// the error that makes the binding a configuration error.
pub fn params(
    policy: &Value,
    binding: &Value,
    a: &Attributes<'_>,
    store: &Store,
    minor: u32,
) -> Result<Vec<Value>, String> {
    let Some(kind) = policy.ptr("/spec/paramKind").filter(|k| !k.is_null()) else {
        return Ok(vec![Value::Null]);
    };
    let Some(r) = binding.ptr("/spec/paramRef").filter(|r| !r.is_null()) else {
        return Ok(vec![Value::Null]);
    };
    let api_version = kind.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind_name = kind.get("kind").and_then(Value::as_str).unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let res = crate::sim::discovery::by_kind(minor, group, kind_name).ok_or_else(|| {
        format!(
            "paramKind kind `&ParamKind{{APIVersion:{api_version},Kind:{kind_name},}}` not known"
        )
    })?;
    let _ = version;
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    let mut namespace = text("namespace").to_string();
    if res.namespaced {
        if namespace.is_empty() {
            if a.namespace.is_empty() {
                return Err("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources".into());
            }
            namespace = a.namespace.clone();
        }
    } else if !namespace.is_empty() {
        return Err(
            "paramRef.namespace must not be provided for a cluster-scoped `paramKind`".into(),
        );
    }
    let name = text("name");
    let selector = r.get("selector").filter(|s| !s.is_null());
    let found: Vec<Value> = match (name.is_empty(), selector) {
        (false, Some(_)) => {
            return Err("paramRef.name and paramRef.selector are mutually exclusive".into())
        }
        (false, None) => store
            .get(res.group, res.resource(), &namespace, name)
            .cloned()
            .into_iter()
            .collect(),
        (true, Some(sel)) => {
            let sel = crate::sim::labels::from_label_selector(Some(sel))?;
            let ns = res.namespaced.then_some(namespace.as_str());
            store
                .list(res.group, res.resource(), ns)
                .filter(|o| sel.matches(o.ptr("/metadata/labels")))
                .cloned()
                .collect()
        }
        (true, None) => return Err("one of name or selector must be provided".into()),
    };
    if found.is_empty() {
        if text("parameterNotFoundAction") == "Deny" {
            return Err(
                "no params found for policy binding with `Deny` parameterNotFoundAction".into(),
            );
        }
        return Ok(Vec::new());
    }
    Ok(found)
}

/// What `namespaceObject` holds: the request's Namespace with only the fields upstream keeps
/// (`null` for a cluster-scoped request, and for a request on a Namespace itself).
pub fn namespace_object(a: &Attributes<'_>, store: &Store) -> Result<Value, ApiError> {
    if a.namespace.is_empty() || (a.group.is_empty() && a.resource == "namespaces") {
        return Ok(Value::Null);
    }
    let Some(ns) = store.get("", "namespaces", "", &a.namespace) else {
        return Err(ApiError::not_found("", "namespaces", &a.namespace));
    };
    let mut meta = serde_json::Map::new();
    if let Some(m) = ns.get("metadata").and_then(Value::as_object) {
        for k in [
            "name",
            "generateName",
            "namespace",
            "labels",
            "annotations",
            "uid",
            "creationTimestamp",
            "deletionGracePeriodSeconds",
            "deletionTimestamp",
            "generation",
            "resourceVersion",
            "finalizers",
        ] {
            if let Some(v) = m.get(k) {
                meta.insert(k.into(), v.clone());
            }
        }
    }
    let mut out = json!({"metadata": meta});
    if let Some(f) = ns.ptr("/spec/finalizers") {
        out["spec"] = json!({"finalizers": f});
    }
    if let Some(st) = ns.get("status") {
        out["status"] = st.clone();
    }
    Ok(out)
}

/// The `request` variable: the AdmissionRequest as a webhook would get it, as the matched
/// resource, without its uid and objects.
pub fn request_variable(a: &Attributes<'_>, inv: &Invocation) -> Value {
    let mut request = webhook::review_request("v1", a, inv, "", webhook::options_of(a).as_ref())
        .get_mut("request")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if let Some(r) = request.as_object_mut() {
        for k in ["uid", "object", "oldObject"] {
            r.remove(k);
        }
    }
    request
}

/// The request's own resource, as `authorizer.requestResource` has it (the resource the
/// request names, not the one a policy matched it as).
pub fn request_resource(a: &Attributes<'_>) -> crate::sim::cel::library::authz::ResourceCheck {
    crate::sim::cel::library::authz::ResourceCheck {
        group: a.group.clone(),
        resource: a.resource.clone(),
        subresource: a.subresource.clone(),
        namespace: a.namespace.clone(),
        name: a.name.clone(),
        ..Default::default()
    }
}

/// Answers a CEL authorization check with the cluster's authorizer chain, for the request's
/// user or the service account the check names.
pub fn authorize_check(
    chain: &crate::sim::authz::Chain,
    store: &Store,
    user: &crate::sim::authn::UserInfo,
    check: &crate::sim::cel::library::authz::Check,
) -> crate::sim::cel::library::authz::Answer {
    use crate::sim::authz;
    use crate::sim::trace::Decision;
    let user = match &check.service_account {
        None => user.clone(),
        Some((ns, name)) => crate::sim::authn::UserInfo {
            username: format!("system:serviceaccount:{ns}:{name}"),
            groups: vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
                "system:authenticated".into(),
            ],
            ..Default::default()
        },
    };
    let attrs = authz::Attributes {
        user,
        verb: check.verb.clone(),
        resource_request: check.path.is_empty(),
        namespace: check.namespace.clone(),
        api_group: check.group.clone(),
        api_version: "*".into(),
        resource: check.resource.clone(),
        subresource: check.subresource.clone(),
        name: check.name.clone(),
        path: check.path.clone(),
        field_selector: check.field_selector.clone(),
    };
    let d = authz::authorize(chain, store, &attrs, None);
    crate::sim::cel::library::authz::Answer {
        allowed: d.decision == Decision::Allow,
        decision: match d.decision {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            _ => "noOpinion",
        }
        .into(),
        reason: d.reason,
        error: d.error.unwrap_or_default(),
    }
}

/// `admission.NewForbidden`'s name: the request's, else the object's name or generateName,
/// else `Unknown`.
pub fn forbidden_name(a: &Attributes<'_>) -> String {
    if !a.name.is_empty() {
        return a.name.clone();
    }
    let obj = a.object.as_ref().or(a.old_object.as_ref());
    for key in ["/metadata/name", "/metadata/generateName"] {
        if let Some(n) = obj
            .and_then(|o| o.ptr(key))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            return n.to_string();
        }
    }
    "Unknown".into()
}

/// Why no admission policy looks at a request, when none does.
pub fn never_applies(a: &Attributes<'_>) -> Option<&'static str> {
    if excluded(a) {
        return Some(
            "kube-apiserver runs no admission policy on authentication and authorization reviews",
        );
    }
    if own_objects(a) {
        return Some("the API server runs no admission policy on the policies and their bindings");
    }
    None
}

/// Whether a request is one the policies never see: the authentication and authorization
/// reviews kube-apiserver excludes from admission policies.
pub fn excluded(a: &Attributes<'_>) -> bool {
    matches!(
        (a.group.as_str(), a.resource.as_str()),
        (
            "authentication.k8s.io",
            "selfsubjectreviews" | "tokenreviews"
        ) | (
            "authorization.k8s.io",
            "localsubjectaccessreviews"
                | "selfsubjectaccessreviews"
                | "selfsubjectrulesreviews"
                | "subjectaccessreviews"
        )
    )
}

/// Whether a request writes an admission policy or binding (the API server runs no policy
/// on them, so that a broken policy can always be fixed).
pub fn own_objects(a: &Attributes<'_>) -> bool {
    a.group == GROUP
        && matches!(
            a.resource.as_str(),
            "validatingadmissionpolicies"
                | "validatingadmissionpolicybindings"
                | "mutatingadmissionpolicies"
                | "mutatingadmissionpolicybindings"
        )
}

#[cfg(test)]
mod tests;

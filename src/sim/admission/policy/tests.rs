//! Ported from upstream's `policy/matching/matching_test.go`, `validating/admission_test.go`
//! (the dispatcher) and `validating/validator_test.go`, in our own code, with real CEL where
//! upstream uses fakes.

use serde_json::{json, Value};

use super::*;
use crate::sim::admission::{Operation, Verdict};
use crate::sim::authn::UserInfo;
use crate::sim::store::Store;

fn attrs<'a>(
    user: &'a UserInfo,
    (group, version, resource, kind): (&str, &str, &str, &str),
    namespace: &str,
    object: Value,
) -> Attributes<'a> {
    Attributes {
        operation: Operation::Create,
        group: group.into(),
        version: version.into(),
        resource: resource.into(),
        subresource: String::new(),
        kind: kind.into(),
        name: object
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
        namespace: namespace.into(),
        namespaced: !namespace.is_empty(),
        user,
        object: Some(object),
        touched: false,
        old_object: None,
        dry_run: false,
    }
}

fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "blue", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

fn store() -> Store {
    let mut s = Store::default();
    s.put_system("", "namespaces", json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "blue", "labels": {"env": "prod"}}}));
    s
}

fn criteria(rules: Value, exclude: Value, policy: &str) -> MatchResources {
    MatchResources::of(&json!({
        "namespaceSelector": {}, "objectSelector": {},
        "resourceRules": rules, "excludeResourceRules": exclude, "matchPolicy": policy,
    }))
    .unwrap()
}

fn rule(groups: &[&str], versions: &[&str], resources: &[&str]) -> Value {
    json!({"operations": ["*"], "apiGroups": groups, "apiVersions": versions, "resources": resources, "scope": "*"})
}

#[test]
fn the_matcher_reads_rules_names_exclusions_and_versions() {
    let user = UserInfo::default();
    let s = store();
    let a = attrs(&user, ("", "v1", "pods", "Pod"), "blue", pod("web"));
    let yes = |m: &MatchResources, a: &Attributes<'_>| match matches(m, a, &s, 37).unwrap() {
        Matched::Yes(inv) => Some(format!("{}/{} {}", inv.group, inv.version, inv.kind)),
        Matched::No(_) => None,
    };
    assert_eq!(
        yes(
            &criteria(json!([rule(&["*"], &["*"], &["*"])]), json!([]), "Exact"),
            &a
        )
        .as_deref(),
        Some("/v1 Pod")
    );
    assert_eq!(
        yes(
            &criteria(
                json!([rule(&["apps"], &["v1"], &["deployments"])]),
                json!([]),
                "Exact"
            ),
            &a
        ),
        None
    );
    // resourceNames
    let mut named = rule(&[""], &["v1"], &["pods"]);
    named["resourceNames"] = json!(["web"]);
    assert!(yes(&criteria(json!([named.clone()]), json!([]), "Exact"), &a).is_some());
    named["resourceNames"] = json!(["other"]);
    assert_eq!(yes(&criteria(json!([named]), json!([]), "Exact"), &a), None);
    // excluded
    assert_eq!(
        yes(
            &criteria(
                json!([rule(&["*"], &["*"], &["*"])]),
                json!([rule(&[""], &["v1"], &["pods"])]),
                "Exact"
            ),
            &a
        ),
        None
    );
    assert!(yes(
        &criteria(
            json!([rule(&["*"], &["*"], &["*"])]),
            json!([rule(&[""], &["v1"], &["configmaps"])]),
            "Exact"
        ),
        &a
    )
    .is_some());
    // no rules: everything but what is excluded
    assert!(yes(
        &criteria(
            json!([]),
            json!([rule(&[""], &["v1"], &["configmaps"])]),
            "Exact"
        ),
        &a
    )
    .is_some());
    assert_eq!(
        yes(
            &criteria(json!([]), json!([rule(&[""], &["v1"], &["pods"])]), "Exact"),
            &a
        ),
        None
    );
    // Equivalent: a core Event matches a rule on events.k8s.io, as that version's kind.
    let ev = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "blue"}});
    let e = attrs(&user, ("", "v1", "events", "Event"), "blue", ev);
    let events = json!([rule(&["events.k8s.io"], &["v1"], &["events"])]);
    assert_eq!(yes(&criteria(events.clone(), json!([]), "Exact"), &e), None);
    assert_eq!(
        yes(&criteria(events, json!([]), "Equivalent"), &e).as_deref(),
        Some("events.k8s.io/v1 Event")
    );
    // A selector that cannot be read is an error only when the rules match.
    let bad = MatchResources::of(&json!({"namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Bad"}]}, "objectSelector": {}, "resourceRules": [rule(&["apps"], &["v1"], &["deployments"])], "matchPolicy": "Exact"})).unwrap();
    assert!(matches!(matches(&bad, &a, &s, 37), Ok(Matched::No(_))));
    let bad = MatchResources::of(&json!({"namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Bad"}]}, "objectSelector": {}, "resourceRules": [rule(&["*"], &["*"], &["*"])], "matchPolicy": "Exact"})).unwrap();
    assert!(matches(&bad, &a, &s, 37).is_err());
}

/// Runs the plugin over `store` with a policy and its binding.
fn run(
    s: Store,
    policy: Value,
    binding: Value,
    object: Value,
) -> (Verdict, Vec<String>, Vec<(String, String)>) {
    run_as(s, policy, binding, object, UserInfo::default())
}

/// [`run`], for a user.
fn run_as(
    mut s: Store,
    policy: Value,
    binding: Value,
    object: Value,
    user: UserInfo,
) -> (Verdict, Vec<String>, Vec<(String, String)>) {
    let res = |kind| crate::sim::discovery::by_resource(37, GROUP, kind).unwrap();
    let mut p = policy;
    crate::sim::defaults::apply(&mut p, res("validatingadmissionpolicies"));
    let mut b = binding;
    crate::sim::defaults::apply(&mut b, res("validatingadmissionpolicybindings"));
    s.put_system(GROUP, "validatingadmissionpolicies", p);
    s.put_system(GROUP, "validatingadmissionpolicybindings", b);
    let ns = object
        .ptr("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let a = attrs(&user, ("", "v1", "pods", "Pod"), &ns, object);
    let (v, notes, warnings) =
        crate::sim::admission::testing::with_context(&mut s, |ctx| validating::validate(ctx, &a));
    (v, warnings, notes)
}

fn vap(spec: Value) -> Value {
    let mut p = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": "denypolicy.example.com"},
        "spec": {"matchConstraints": {"resourceRules": [rule(&[""], &["v1"], &["pods"])]}}});
    for (k, v) in spec.as_object().unwrap() {
        p["spec"][k] = v.clone();
    }
    p
}

fn vapb(actions: Value, extra: Value) -> Value {
    let mut b = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": "denybinding.example.com"},
        "spec": {"policyName": "denypolicy.example.com", "validationActions": actions}});
    for (k, v) in extra.as_object().unwrap() {
        b["spec"][k] = v.clone();
    }
    b
}

fn rejected(v: &Verdict) -> Option<(u16, String, String)> {
    match v {
        Verdict::Reject(e) => Some((e.code, e.reason.clone(), e.message.clone())),
        _ => None,
    }
}

const DAVE: &str = "I'm sorry Dave";

#[test]
fn validation_actions_deny_warn_and_audit() {
    let deny = vap(json!({"validations": [{"expression": "false", "message": DAVE}]}));
    // Warn only: a warning, no error, no audit.
    let (v, warnings, notes) = run(
        store(),
        deny.clone(),
        vapb(json!(["Warn"]), json!({})),
        pod("p"),
    );
    assert!(rejected(&v).is_none());
    assert_eq!(warnings, vec![format!("Validation failed for ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'denybinding.example.com': {DAVE}")]);
    assert!(!notes.iter().any(|(k, _)| k.contains("validation_failure")));
    // Audit: the failure in the annotation, with upstream's fields in order.
    let (v, warnings, notes) = run(
        store(),
        deny.clone(),
        vapb(json!(["Audit"]), json!({})),
        pod("p"),
    );
    assert!(rejected(&v).is_none() && warnings.is_empty());
    let audit = notes
        .iter()
        .find(|(k, _)| k.ends_with("validation_failure"))
        .map(|(_, v)| v.clone());
    assert_eq!(
        audit.as_deref(),
        Some(
            r#"[{"message":"I'm sorry Dave","policy":"denypolicy.example.com","binding":"denybinding.example.com","expressionIndex":0,"validationActions":["Audit"]}]"#
        )
    );
    // All three (API validation forbids Deny with Warn; the dispatcher takes any).
    let (v, warnings, notes) = run(
        store(),
        deny,
        vapb(json!(["Deny", "Warn", "Audit"]), json!({})),
        pod("p"),
    );
    let (code, reason, message) = rejected(&v).unwrap();
    assert_eq!((code, reason.as_str()), (422, "Invalid"));
    assert_eq!(message, format!("pods \"p\" is forbidden: ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'denybinding.example.com' denied request: {DAVE}"));
    assert_eq!(warnings.len(), 1);
    assert!(notes.iter().any(|(k, _)| k.ends_with("validation_failure")));
}

#[test]
fn params_are_found_as_upstream() {
    let with_params = vap(json!({
        "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
        "validations": [{"expression": "params.data.allowed == 'yes'"}]
    }));
    let by_name = |action: &str| {
        vapb(
            json!(["Deny"]),
            json!({"paramRef": {"name": "limits", "parameterNotFoundAction": action}}),
        )
    };
    // Missing: Deny is a configuration error; Allow evaluates nothing.
    let (v, _, _) = run(store(), with_params.clone(), by_name("Deny"), pod("p"));
    assert!(rejected(&v).unwrap().2.ends_with("denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"));
    let (v, _, _) = run(store(), with_params.clone(), by_name("Allow"), pod("p"));
    assert!(matches!(v, Verdict::Skip(_)), "{v:?}");
    // Found in the request's namespace.
    let mut s = store();
    s.put_system("", "configmaps", json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "limits", "namespace": "blue"}, "data": {"allowed": "no"}}));
    let (v, _, _) = run(s, with_params.clone(), by_name("Deny"), pod("p"));
    assert!(rejected(&v)
        .unwrap()
        .2
        .ends_with("denied request: failed expression: params.data.allowed == 'yes'"));
    // By selector: one evaluation per param.
    let mut s = store();
    for (n, allowed) in [("a", "yes"), ("b", "no")] {
        s.put_system("", "configmaps", json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n, "namespace": "blue", "labels": {"policy": "x"}}, "data": {"allowed": allowed}}));
    }
    let sel = vapb(
        json!(["Deny"]),
        json!({"paramRef": {"selector": {"matchLabels": {"policy": "x"}}, "parameterNotFoundAction": "Deny"}}),
    );
    let (v, _, notes) = run(s, with_params.clone(), sel, pod("p"));
    assert!(rejected(&v).is_some());
    assert_eq!(
        notes
            .iter()
            .filter(|(k, _)| k.contains("with binding"))
            .count(),
        2
    );
    // A namespaced param for a cluster-scoped request; a namespace for a cluster-scoped kind.
    let user = UserInfo::default();
    let _ = &user;
    let cluster_kind = vap(json!({
        "paramKind": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole"},
        "validations": [{"expression": "true"}]
    }));
    let (v, _, _) = run(
        store(),
        cluster_kind,
        vapb(
            json!(["Deny"]),
            json!({"paramRef": {"name": "x", "namespace": "blue", "parameterNotFoundAction": "Deny"}}),
        ),
        pod("p"),
    );
    assert!(rejected(&v).unwrap().2.ends_with("failed to configure binding: paramRef.namespace must not be provided for a cluster-scoped `paramKind`"));
    // No paramRef: one evaluation with params null.
    let (v, _, _) = run(
        store(),
        vap(
            json!({"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, "validations": [{"expression": "params == null"}]}),
        ),
        vapb(json!(["Deny"]), json!({})),
        pod("p"),
    );
    assert!(matches!(v, Verdict::Admit(_)), "{v:?}");
}

#[test]
fn decisions_and_messages_as_the_validator_makes_them() {
    let deny_with = |validation: Value, policy: &str| {
        let (v, _, _) = run(
            store(),
            vap(json!({"failurePolicy": policy, "validations": [validation]})),
            vapb(json!(["Deny"]), json!({})),
            pod("p"),
        );
        rejected(&v).map(|(code, reason, message)| {
            (
                code,
                reason,
                message
                    .split("denied request: ")
                    .nth(1)
                    .unwrap_or("")
                    .to_string(),
            )
        })
    };
    let f = |e: &str| json!({"expression": e});
    assert_eq!(deny_with(f("true"), "Fail"), None);
    assert_eq!(
        deny_with(f("object.metadata.name == 'x'"), "Fail"),
        Some((
            422,
            "Invalid".into(),
            "failed expression: object.metadata.name == 'x'".into()
        ))
    );
    assert_eq!(
        deny_with(
            json!({"expression": "false", "reason": "Forbidden"}),
            "Fail"
        ),
        Some((403, "Forbidden".into(), "failed expression: false".into()))
    );
    assert_eq!(
        deny_with(
            json!({"expression": "false", "reason": "RequestEntityTooLarge"}),
            "Fail"
        )
        .map(|d| d.0),
        Some(413)
    );
    assert_eq!(
        deny_with(
            json!({"expression": "false", "message": "  spaced  "}),
            "Fail"
        )
        .unwrap()
        .2,
        "spaced"
    );
    // messageExpression: a string wins; anything else falls back to the message.
    let me =
        |m: &str| json!({"expression": "false", "message": "fallback", "messageExpression": m});
    assert_eq!(
        deny_with(me("'name: ' + object.metadata.name"), "Fail")
            .unwrap()
            .2,
        "name: p"
    );
    for fallback in ["'   '", "'a\\nb'", "object.nope", "'x'.repeat(2)"] {
        assert_eq!(
            deny_with(me(fallback), "Fail").unwrap().2,
            "fallback",
            "{fallback}"
        );
    }
    let long = format!("'{}'", "x".repeat(5 * 1024 + 1));
    assert_eq!(deny_with(me(&long), "Fail").unwrap().2, "fallback");
    // An error: denied under Fail (no reason: Invalid), admitted under Ignore.
    assert_eq!(deny_with(f("object.nonExistentProperty == 'someval'"), "Fail"), Some((422, "Invalid".into(), "expression 'object.nonExistentProperty == 'someval'' resulted in error: no such key: nonExistentProperty".into())));
    assert_eq!(
        deny_with(f("object.nonExistentProperty == 'someval'"), "Ignore"),
        None
    );
    // matchConditions: false skips even with errors; an error alone denies under Fail.
    let with_conditions = |conds: Value| {
        let (v, _, _) = run(
            store(),
            vap(json!({"matchConditions": conds, "validations": [{"expression": "false"}]})),
            vapb(json!(["Deny"]), json!({})),
            pod("p"),
        );
        rejected(&v).map(|r| {
            r.2.split("denied request: ")
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
    };
    assert_eq!(
        with_conditions(
            json!([{"name": "a", "expression": "object.nope == 1"}, {"name": "b", "expression": "false"}])
        ),
        None
    );
    assert_eq!(
        with_conditions(json!([{"name": "a", "expression": "object.nope == 1"}])).as_deref(),
        Some("expression 'object.nope == 1' resulted in error: no such key: nope")
    );
    assert_eq!(
        with_conditions(json!([{"name": "a", "expression": "true"}])).as_deref(),
        Some("failed expression: false")
    );
    // Variables: computed once, read by name; a failing one fails what reads it, only.
    let (v, _, _) = run(
        store(),
        vap(json!({
            "variables": [{"name": "count", "expression": "object.spec.containers[5].name"}, {"name": "name", "expression": "object.metadata.name"}],
            "validations": [{"expression": "variables.name == 'p'"}, {"expression": "variables.count == 'x'"}]
        })),
        vapb(json!(["Deny"]), json!({})),
        pod("p"),
    );
    assert_eq!(rejected(&v).unwrap().2.split("denied request: ").nth(1), Some("expression 'variables.count == 'x'' resulted in error: composited variable \"count\" fails to evaluate: index out of bounds: 5"));
    // Audit annotations: published, excluded when null or empty, an error denies under Fail.
    let (v, _, notes) = run(
        store(),
        vap(json!({
            "validations": [],
            "auditAnnotations": [{"key": "example-key", "valueExpression": "'object name: ' + object.metadata.name"}, {"key": "exclude-key", "valueExpression": "null"}]
        })),
        vapb(json!(["Deny"]), json!({})),
        pod("test1-k8s"),
    );
    assert!(rejected(&v).is_none());
    assert!(notes.iter().any(
        |(k, v)| k == "audit annotation denypolicy.example.com/example-key"
            && v == "object name: test1-k8s"
    ));
    assert!(!notes.iter().any(|(k, _)| k.ends_with("exclude-key")));
    let (v, _, _) = run(
        store(),
        vap(
            json!({"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, "validations": [], "auditAnnotations": [{"key": "k", "valueExpression": "string(params.metadata.name)"}]}),
        ),
        vapb(json!(["Deny"]), json!({})),
        pod("test2-k8s"),
    );
    assert_eq!(rejected(&v).unwrap().2, "pods \"test2-k8s\" is forbidden: ValidatingAdmissionPolicy 'denypolicy.example.com' with binding 'denybinding.example.com' denied request: expression 'string(params.metadata.name)' resulted in error: no such key: metadata");
}

/// The authorizer library, answered by the cluster's RBAC (`condition_test.go`'s authorizer
/// cases, with a real chain): the request's user, another resource, a service account, a
/// path; two checks fit in one expression's cost limit, three do not.
#[test]
fn the_authorizer_library_asks_the_clusters_authorizer() {
    let mut s = store();
    s.put_system("rbac.authorization.k8s.io", "roles", json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "developer", "namespace": "blue"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "list"]}]}));
    s.put_system("rbac.authorization.k8s.io", "rolebindings", json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "developer", "namespace": "blue"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "developer"}, "subjects": [{"kind": "User", "name": "dev-user"}, {"kind": "ServiceAccount", "name": "robot", "namespace": "blue"}]}));
    let dev = UserInfo {
        username: "dev-user".into(),
        groups: vec!["system:authenticated".into()],
        ..Default::default()
    };
    let jane = UserInfo {
        username: "jane".into(),
        groups: vec!["system:authenticated".into()],
        ..Default::default()
    };
    let outcome = |expr: &str, user: &UserInfo| {
        let (v, _, _) = run_as(
            s.clone(),
            vap(json!({"validations": [{"expression": expr}]})),
            vapb(json!(["Deny"]), json!({})),
            pod("p"),
            user.clone(),
        );
        match v {
            Verdict::Reject(e) => e
                .message
                .split("denied request: ")
                .nth(1)
                .unwrap_or("")
                .to_string(),
            _ => "admitted".into(),
        }
    };
    let may_create =
        "authorizer.group('').resource('pods').namespace('blue').check('create').allowed()";
    assert_eq!(outcome(may_create, &dev), "admitted");
    assert_eq!(
        outcome(may_create, &jane),
        format!("failed expression: {may_create}")
    );
    assert_eq!(
        outcome("authorizer.requestResource.check('create').allowed()", &dev),
        "admitted"
    );
    assert_eq!(
        outcome(
            "!authorizer.requestResource.check('delete').allowed()",
            &dev
        ),
        "admitted"
    );
    assert_eq!(
        outcome(
            "authorizer.requestResource.check('create').reason().contains('developer')",
            &dev
        ),
        "admitted"
    );
    assert_eq!(outcome("authorizer.serviceAccount('blue', 'robot').group('').resource('pods').namespace('blue').check('list').allowed()", &jane), "admitted");
    assert_eq!(outcome("!authorizer.path('/healthz').check('get').allowed() && !authorizer.path('/healthz').check('get').errored()", &dev), "admitted");
    assert_eq!(outcome("authorizer.path('').check('get').allowed()", &dev), "expression 'authorizer.path('').check('get').allowed()' resulted in error: path must not be empty");
    assert_eq!(outcome("authorizer.group('').resource(' ').check('get').allowed()", &dev), "expression 'authorizer.group('').resource(' ').check('get').allowed()' resulted in error: resource must not be empty");
    assert_eq!(outcome("authorizer.serviceAccount('blue', 'Robot!').path('/x').check('get').allowed()", &dev), "expression 'authorizer.serviceAccount('blue', 'Robot!').path('/x').check('get').allowed()' resulted in error: Invalid service account name");
    let three = "authorizer.requestResource.check('create').allowed() && authorizer.requestResource.check('list').allowed() && authorizer.requestResource.check('get').allowed() || true";
    assert_eq!(outcome(three, &dev), format!("expression '{three}' resulted in error: operation cancelled: actual cost limit exceeded"));
}

fn deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "blue", "labels": {"x": "1"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                "containers": [{"name": "app", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}]}],
                "volumes": [{"name": "x", "emptyDir": {}}]}}}})
}

/// Runs the MutatingAdmissionPolicy plugin with one mutation over a Deployment: the object
/// after it, or the error's (code, reason, message).
fn mutate(patch_type: &str, expression: &str) -> Result<Value, (u16, String, String)> {
    let mut s = store();
    let res = |kind| crate::sim::discovery::by_resource(37, GROUP, kind).unwrap();
    let key = if patch_type == "JSONPatch" {
        "jsonPatch"
    } else {
        "applyConfiguration"
    };
    let mut p = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicy",
        "metadata": {"name": "policy"},
        "spec": {"matchConstraints": {"resourceRules": [rule(&["apps"], &["v1"], &["deployments"])]},
            "reinvocationPolicy": "Never",
            "mutations": [{"patchType": patch_type, key: {"expression": expression}}]}});
    crate::sim::defaults::apply(&mut p, res("mutatingadmissionpolicies"));
    s.put_system(GROUP, "mutatingadmissionpolicies", p);
    s.put_system(GROUP, "mutatingadmissionpolicybindings", json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicyBinding", "metadata": {"name": "binding"}, "spec": {"policyName": "policy"}}));
    let user = UserInfo::default();
    let mut a = attrs(
        &user,
        ("apps", "v1", "deployments", "Deployment"),
        "blue",
        deployment(),
    );
    let (verdict, _, _) =
        crate::sim::admission::testing::with_context(&mut s, |ctx| mutating::admit(ctx, &mut a));
    match verdict {
        Verdict::Reject(e) => Err((e.code, e.reason, e.message)),
        _ => Ok(a.object.unwrap_or_default()),
    }
}

/// Ported from upstream's `patch/json_patch_test.go` (on a Deployment).
#[test]
fn json_patch_mutations_as_upstream() {
    let replicas = |r: Result<Value, _>| r.map(|o| o["spec"]["replicas"].clone());
    assert_eq!(replicas(mutate("JSONPatch", "[JSONPatch{op: 'test', path: '/spec/replicas', value: 100}, JSONPatch{op: 'replace', path: '/spec/replicas', value: 3}]")), Ok(json!(1)));
    assert_eq!(replicas(mutate("JSONPatch", "[JSONPatch{op: 'test', path: '/spec/replicas', value: 1}, JSONPatch{op: 'replace', path: '/spec/replicas', value: 3}]")), Ok(json!(3)));
    // Removed, then defaulted again (upstream defaults the patched object).
    assert_eq!(
        replicas(mutate(
            "JSONPatch",
            "[JSONPatch{op: 'remove', path: '/spec/replicas'}]"
        )),
        Ok(json!(1))
    );
    assert_eq!(
        mutate(
            "JSONPatch",
            "[JSONPatch{op: 'remove', path: '/metadata/labels/x'}]"
        )
        .map(|o| o["metadata"]["labels"].clone()),
        Ok(json!({}))
    );
    let labels = |r: Result<Value, _>| r.map(|o| o["metadata"]["labels"].clone());
    assert_eq!(
        labels(mutate(
            "JSONPatch",
            "[JSONPatch{op: 'add', path: '/metadata/labels/y', value: '2'}]"
        )),
        Ok(json!({"x": "1", "y": "2"}))
    );
    assert_eq!(
        labels(mutate(
            "JSONPatch",
            "[JSONPatch{op: 'add', path: '/metadata/labels', value: {'y': '2'}}]"
        )),
        Ok(json!({"y": "2"}))
    );
    // `replace` of a key a map does not have sets it (json-patch v4).
    assert_eq!(
        labels(mutate(
            "JSONPatch",
            "[JSONPatch{op: 'replace', path: '/metadata/labels/z', value: '3'}]"
        )),
        Ok(json!({"x": "1", "z": "3"}))
    );
    assert_eq!(labels(mutate("JSONPatch", "[JSONPatch{op: 'add', path: '/metadata/labels/' + jsonpatch.escapeKey('k8s.io/x~y'), value: 'true'}]")), Ok(json!({"x": "1", "k8s.io/x~y": "true"})));
    let names = |r: Result<Value, _>| {
        r.map(|o| {
            o["spec"]["template"]["spec"]["containers"]
                .as_array()
                .map(|c| c.iter().map(|c| c["name"].clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    assert_eq!(names(mutate("JSONPatch", "[JSONPatch{op: 'add', path: '/spec/template/spec/containers/-', value: Object.spec.template.spec.containers{name: 'b', image: 'x'}}]")), Ok(vec![json!("app"), json!("b")]));
    assert_eq!(names(mutate("JSONPatch", "[JSONPatch{op: 'add', path: '/spec/template/spec/containers/0', value: {'name': 'a0', 'image': 'x'}}]")), Ok(vec![json!("a0"), json!("app")]));
    // The errors, as policy errors: 403, reason Invalid, the text alone.
    assert_eq!(mutate("JSONPatch", "[JSONPatch{op: 'replace', path: '/spec/template/spec/containers/-', value: {}}]"), Err((403, "Invalid".into(), "policy 'policy' with binding 'binding' denied request: JSON Patch: replace operation does not apply: doc is missing key: /spec/template/spec/containers/-: missing value".into())));
    assert!(mutate("JSONPatch", "[JSONPatch{op: 'add', path: '/spec', value: Object.spec{replicas: Object.spec.replicasx{}}}]").unwrap_err().2.ends_with("type mismatch: unexpected type name \"Object.spec.replicasx\", expected \"Object.spec.replicas\", which matches field name path from root Object type"));
}

/// Ported from upstream's `patch/smd_test.go` (on a Deployment).
#[test]
fn apply_configuration_mutations_as_upstream() {
    // A keyed list merges by its key: a new volume is added (and, naming no source, defaulted
    // to an emptyDir after the mutation, as the API server defaults a mutated object), an
    // existing container merged.
    let out = mutate("ApplyConfiguration", "Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{volumes: [Object.spec.template.spec.volumes{name: 'y'}], containers: [Object.spec.template.spec.containers{name: 'app', image: 'nginx:1.28'}]}}}}").unwrap();
    let spec = &out["spec"]["template"]["spec"];
    assert_eq!(
        spec["volumes"],
        json!([{"name": "x", "emptyDir": {}}, {"name": "y", "emptyDir": {}}])
    );
    assert_eq!(spec["containers"][0]["image"], json!("nginx:1.28"));
    assert_eq!(
        spec["containers"][0]["env"],
        json!([{"name": "A", "value": "1"}])
    );
    // Conditionals and the object itself.
    let out = mutate("ApplyConfiguration", "Object{spec: Object.spec{replicas: object.spec.replicas % 2 == 0 ? object.spec.replicas + 1 : object.spec.replicas}}").unwrap();
    assert_eq!(out["spec"]["replicas"], json!(1));
    // An atomic struct is refused.
    assert_eq!(mutate("ApplyConfiguration", "Object{spec: Object.spec{selector: Object.spec.selector{matchLabels: {'l': 'v'}}}}").unwrap_err().2, "policy 'policy' with binding 'binding' denied request: error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: .spec.selector");
    // A type name off the field path.
    assert!(mutate("ApplyConfiguration", "Object{spec: Object.specx{replicas: 1}}").unwrap_err().2.ends_with("type mismatch: unexpected type name \"Object.specx\", expected \"Object.spec\", which matches field name path from root Object type"));
}

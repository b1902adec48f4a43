//! Ported from upstream's `predicates/rules/rules_test.go`, `namespace/matcher_test.go`,
//! `object/matcher_test.go` and `generic/webhook_test.go` (`TestShouldCallHook`), in our own
//! code.

use serde_json::{json, Value};

use super::*;
use crate::sim::authn::UserInfo;

fn rule(ops: &[&str], groups: &[&str], versions: &[&str], resources: &[&str], scope: &str) -> Rule {
    let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    Rule {
        operations: v(ops),
        api_groups: v(groups),
        api_versions: v(versions),
        resources: v(resources),
        scope: scope.into(),
    }
}

fn attrs<'a>(
    op: Operation,
    (group, version, resource, sub): (&'a str, &'a str, &'a str, &'a str),
    namespace: &'a str,
) -> RuleAttrs<'a> {
    RuleAttrs {
        operation: op,
        group,
        version,
        resource,
        subresource: sub,
        namespace,
    }
}

const C: Operation = Operation::Create;

#[test]
fn rules_match_groups_versions_and_operations() {
    let any = |groups: &[&str], versions: &[&str]| rule(&["*"], groups, versions, &["*/*"], "*");
    let r = any(&["*"], &["*"]);
    assert!(r.matches(&attrs(C, ("g", "v", "r", ""), "ns")));
    let r = any(&["g1", "g2"], &["*"]);
    assert!(r.matches(&attrs(C, ("g1", "v", "r", ""), "ns")));
    assert!(r.matches(&attrs(C, ("g2", "v2", "r3", ""), "ns")));
    assert!(!r.matches(&attrs(C, ("g3", "v", "r", ""), "ns")));
    assert!(!r.matches(&attrs(C, ("g4", "v", "r", ""), "ns")));
    let r = any(&["*"], &["v1", "v2"]);
    assert!(r.matches(&attrs(C, ("g1", "v1", "r", ""), "ns")));
    assert!(r.matches(&attrs(C, ("g2", "v2", "r", ""), "ns")));
    assert!(!r.matches(&attrs(C, ("g1", "v3", "r", ""), "ns")));
    assert!(!r.matches(&attrs(C, ("g2", "v4", "r", ""), "ns")));
    // Core group only: `""`.
    let r = rule(&["*"], &[""], &["*"], &["*"], "*");
    assert!(!r.matches(&attrs(C, ("apps", "v1", "deployments", ""), "ns")));
    assert!(r.matches(&attrs(C, ("", "v1", "pods", ""), "ns")));

    use Operation::*;
    let all = [Create, Update, Delete, Connect];
    for (ops, yes) in [
        (vec!["*"], vec![Create, Update, Delete, Connect]),
        (vec!["CREATE"], vec![Create]),
        (vec!["UPDATE"], vec![Update]),
        (vec!["DELETE"], vec![Delete]),
        (vec!["CONNECT"], vec![Connect]),
        (vec!["UPDATE", "DELETE"], vec![Update, Delete]),
    ] {
        let r = rule(&ops, &["*"], &["*"], &["*"], "*");
        for op in all {
            assert_eq!(
                r.matches(&attrs(op, ("g", "v", "r", ""), "ns")),
                yes.contains(&op),
                "{ops:?} {op:?}"
            );
        }
    }
}

#[test]
fn rules_match_resources_and_subresources() {
    /// (group, resource, subresource)
    type Req<'a> = (&'a str, &'a str, &'a str);
    let cases: &[(&[&str], &[Req], &[Req])] = &[
        (
            &["*"],
            &[("g", "r", ""), ("2", "r2", "")],
            &[("g", "r", "exec"), ("2", "r2", "proxy")],
        ),
        (
            &["r/*"],
            &[("g", "r", ""), ("g", "r", "exec")],
            &[("2", "r2", ""), ("2", "r2", "proxy")],
        ),
        (
            &["r/*", "r2"],
            &[("g", "r", ""), ("g", "r", "exec"), ("2", "r2", "")],
            &[("2", "r2", "proxy")],
        ),
        (
            &["*/proxy", "*/exec"],
            &[
                ("g", "r", "exec"),
                ("2", "r2", "proxy"),
                ("2", "r3", "proxy"),
            ],
            &[("g", "r", ""), ("2", "r2", ""), ("2", "r4", "scale")],
        ),
        (&["pods"], &[("", "pods", "")], &[("", "pods", "status")]),
        (
            &["*/status"],
            &[("", "pods", "status")],
            &[("", "pods", "")],
        ),
        (&["*/*"], &[("", "pods", "exec"), ("", "pods", "")], &[]),
        (
            &["pods/*"],
            &[("", "pods", ""), ("", "pods", "log")],
            &[("", "services", "")],
        ),
    ];
    for (resources, yes, no) in cases {
        let r = rule(&["*"], &["*"], &["*"], resources, "*");
        for (g, res, sub) in *yes {
            assert!(
                r.matches(&attrs(C, (g, "v", res, sub), "ns")),
                "{resources:?} {res}/{sub}"
            );
        }
        for (g, res, sub) in *no {
            assert!(
                !r.matches(&attrs(C, (g, "v", res, sub), "ns")),
                "{resources:?} {res}/{sub}"
            );
        }
    }
}

#[test]
fn the_scope_counts_namespaces_as_cluster_scoped() {
    // (resource, sub, namespace): upstream's eight requests.
    let reqs = [
        ("r", "", ""),
        ("r", "exec", ""),
        ("namespaces", "", ""),
        ("namespaces", "finalize", ""),
        ("namespaces", "", "ns"),
        ("namespaces", "finalize", "ns"),
        ("r", "", "ns"),
        ("r", "exec", "ns"),
    ];
    let group = |res: &str| if res == "namespaces" { "" } else { "g" };
    let version = |res: &str| if res == "namespaces" { "v1" } else { "v" };
    for (scope, cluster_ones) in [("Cluster", 6), ("Namespaced", 0), ("*", 8)] {
        let r = rule(&["*"], &["*"], &["*"], &["*/*"], scope);
        for (i, (res, sub, ns)) in reqs.iter().enumerate() {
            let want = match scope {
                "Namespaced" => i >= 6,
                _ => i < cluster_ones,
            };
            assert_eq!(
                r.matches(&attrs(C, (group(res), version(res), res, sub), ns)),
                want,
                "{scope} {res}/{sub} in {ns:?}"
            );
        }
    }
    assert!(
        !rule(&["*"], &["*"], &["*"], &["*"], "Other").matches(&attrs(C, ("g", "v", "r", ""), ""))
    );
}

fn hook(rules: Vec<Rule>, equivalent: bool) -> Hook {
    Hook {
        configuration: "config".into(),
        name: "hook.example.com".into(),
        rules,
        equivalent,
        namespace_selector: json!({}),
        object_selector: json!({}),
        match_conditions: Vec::new(),
        failure_policy: FailurePolicy::Fail,
        side_effects: "None".into(),
        timeout_seconds: 10,
        reinvoke: false,
        review_versions: vec!["v1".into()],
        client: Client::Url("https://example.com".into()),
    }
}

fn request<'a>(
    user: &'a UserInfo,
    op: Operation,
    (group, version, resource, sub, kind): (&str, &str, &str, &str, &str),
    namespace: &str,
    object: Option<Value>,
    old: Option<Value>,
) -> Attributes<'a> {
    Attributes {
        operation: op,
        group: group.into(),
        version: version.into(),
        resource: resource.into(),
        subresource: sub.into(),
        kind: kind.into(),
        name: object
            .as_ref()
            .and_then(|o| o.ptr("/metadata/name"))
            .and_then(Value::as_str)
            .unwrap_or("name")
            .into(),
        namespace: namespace.into(),
        namespaced: !namespace.is_empty(),
        user,
        object,
        touched: false,
        old_object: old,
        dry_run: false,
    }
}

fn store_with_namespace(name: &str, labels: Value) -> Store {
    let mut store = Store::default();
    store.put_system(
        "",
        "namespaces",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}),
    );
    store
}

#[test]
fn equivalent_resources_are_matched_in_another_version() {
    let user = UserInfo::default();
    let store = store_with_namespace("ns", json!({}));
    let hpa = (
        "autoscaling",
        "v1",
        "horizontalpodautoscalers",
        "",
        "HorizontalPodAutoscaler",
    );
    let a = request(
        &user,
        C,
        hpa,
        "ns",
        Some(json!({"metadata": {"name": "h"}})),
        None,
    );
    let v2 = rule(
        &["*"],
        &["autoscaling"],
        &["v2"],
        &["horizontalpodautoscalers"],
        "*",
    );
    match should_call(&hook(vec![v2.clone()], true), &a, &store, 37) {
        Decision::Call(inv) => assert_eq!(
            (inv.group.as_str(), inv.version.as_str(), inv.kind.as_str()),
            ("autoscaling", "v2", "HorizontalPodAutoscaler")
        ),
        other => panic!("{other:?}"),
    }
    // Exact: not called.
    assert!(matches!(
        should_call(&hook(vec![v2], false), &a, &store, 37),
        Decision::Skip(_)
    ));
    // The request's own version is preferred to an equivalent one listed first.
    let both = vec![
        rule(
            &["*"],
            &["autoscaling"],
            &["v2"],
            &["horizontalpodautoscalers"],
            "*",
        ),
        rule(
            &["*"],
            &["autoscaling"],
            &["v1"],
            &["horizontalpodautoscalers"],
            "*",
        ),
    ];
    match should_call(&hook(both, true), &a, &store, 37) {
        Decision::Call(inv) => assert_eq!(inv.version, "v1"),
        other => panic!("{other:?}"),
    }
    // Core Events and events.k8s.io Events are one storage.
    let ev = ("", "v1", "events", "", "Event");
    let a = request(
        &user,
        C,
        ev,
        "ns",
        Some(json!({"metadata": {"name": "e"}})),
        None,
    );
    let r = rule(&["CREATE"], &["events.k8s.io"], &["v1"], &["events"], "*");
    match should_call(&hook(vec![r], true), &a, &store, 37) {
        Decision::Call(inv) => assert_eq!(
            (inv.group.as_str(), inv.kind.as_str()),
            ("events.k8s.io", "Event")
        ),
        other => panic!("{other:?}"),
    }
    // No rules: never called.
    assert!(matches!(
        should_call(&hook(vec![], true), &a, &store, 37),
        Decision::Skip(_)
    ));
}

#[test]
fn the_namespace_selector_reads_the_right_labels() {
    let user = UserInfo::default();
    let store = store_with_namespace("1", json!({"runlevel": "1"}));
    let selects = |level: &str| {
        let mut h = hook(vec![rule(&["*"], &["*"], &["*"], &["*/*"], "*")], true);
        h.namespace_selector = json!({"matchLabels": {"runlevel": level}});
        h
    };
    let ns2 = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "2", "labels": {"runlevel": "2"}}});
    let ns = ("", "v1", "namespaces", "", "Namespace");
    // Creating or updating a namespace: the new object's labels.
    for op in [Operation::Create, Operation::Update] {
        let a = request(&user, op, ns, "", Some(ns2.clone()), None);
        assert!(
            matches!(
                should_call(&selects("2"), &a, &store, 37),
                Decision::Call(_)
            ),
            "{op:?}"
        );
    }
    // Deleting one: the stored namespace's.
    let mut a = request(&user, Operation::Delete, ns, "", None, Some(ns2.clone()));
    a.name = "1".into();
    assert!(matches!(
        should_call(&selects("1"), &a, &store, 37),
        Decision::Call(_)
    ));
    // A namespace subresource and a pod: the stored namespace's.
    let mut a = request(
        &user,
        C,
        ("", "v1", "namespaces", "finalize", "Namespace"),
        "",
        None,
        None,
    );
    a.name = "1".into();
    assert!(matches!(
        should_call(&selects("1"), &a, &store, 37),
        Decision::Call(_)
    ));
    let pod = ("", "v1", "pods", "", "Pod");
    let a = request(
        &user,
        C,
        pod,
        "1",
        Some(json!({"metadata": {"name": "p"}})),
        None,
    );
    assert!(matches!(
        should_call(&selects("1"), &a, &store, 37),
        Decision::Call(_)
    ));
    match should_call(&selects("0"), &a, &store, 37) {
        Decision::Skip(why) => assert!(why.contains("namespaceSelector"), "{why}"),
        other => panic!("{other:?}"),
    }
    // A namespace that does not exist: 404, as upstream answers.
    let a = request(
        &user,
        C,
        pod,
        "gone",
        Some(json!({"metadata": {"name": "p"}})),
        None,
    );
    match should_call(&selects("1"), &a, &store, 37) {
        Decision::Error(e) => assert_eq!(
            (e.code, e.message.as_str()),
            (404, "namespaces \"gone\" not found")
        ),
        other => panic!("{other:?}"),
    }
    // ...but only once a rule matched.
    let mut h = selects("1");
    h.rules = vec![rule(&["DELETE"], &["*"], &["*"], &["*"], "*")];
    assert!(matches!(should_call(&h, &a, &store, 37), Decision::Skip(_)));
    // A cluster-scoped object is never exempted.
    let node = ("", "v1", "nodes", "", "Node");
    let a = request(
        &user,
        C,
        node,
        "",
        Some(json!({"metadata": {"name": "n"}})),
        None,
    );
    assert!(matches!(
        should_call(&selects("7"), &a, &store, 37),
        Decision::Call(_)
    ));
}

#[test]
fn the_object_selector_reads_the_new_or_the_old_object() {
    let user = UserInfo::default();
    let store = Store::default();
    let excluder = |sel: Value| {
        let mut h = hook(vec![rule(&["*"], &["*"], &["*"], &["*/*"], "*")], true);
        h.object_selector = sel;
        h
    };
    let not1 =
        json!({"matchExpressions": [{"key": "runlevel", "operator": "NotIn", "values": ["1"]}]});
    let level = |l: &str| json!({"metadata": {"name": "n", "labels": {"runlevel": l}}});
    let node = ("", "v1", "nodes", "", "Node");
    let call = |h: &Hook, op, new: Option<Value>, old: Option<Value>| {
        matches!(
            should_call(h, &request(&user, op, node, "", new, old), &store, 37),
            Decision::Call(_)
        )
    };
    assert!(
        call(&excluder(json!({})), C, None, None),
        "empty selector, no objects"
    );
    assert!(
        call(&excluder(not1.clone()), C, Some(level("2")), None),
        "the new object matches"
    );
    assert!(
        call(
            &excluder(not1.clone()),
            Operation::Delete,
            None,
            Some(level("2"))
        ),
        "the old one matches"
    );
    assert!(
        !call(&excluder(not1.clone()), C, Some(level("1")), None),
        "the new one does not"
    );
    assert!(
        !call(
            &excluder(not1.clone()),
            Operation::Delete,
            None,
            Some(level("1"))
        ),
        "the old one does not"
    );
    // CONNECT's options have no metadata: only an empty selector matches.
    assert!(!call(
        &excluder(not1),
        Operation::Connect,
        Some(json!({"kind": "PodExecOptions"})),
        None
    ));
    assert!(call(
        &excluder(json!({})),
        Operation::Connect,
        Some(json!({"kind": "PodExecOptions"})),
        None
    ));
    // DoesNotExist matches an object without labels.
    let none = json!({"matchExpressions": [{"key": "foo", "operator": "DoesNotExist"}]});
    assert!(call(
        &excluder(none),
        C,
        Some(json!({"metadata": {"name": "n"}})),
        None
    ));
}

#[test]
fn stored_configurations_give_their_webhooks_in_upstreams_order() {
    let mut store = Store::default();
    for name in ["b-config", "a-config"] {
        store.put_system(
            GROUP,
            "mutatingwebhookconfigurations",
            json!({"metadata": {"name": name}, "webhooks": [
                {"name": format!("one.{name}.io"), "clientConfig": {"service": {"namespace": "ns", "name": "svc", "path": "/m"}}, "reinvocationPolicy": "IfNeeded"},
                {"name": format!("two.{name}.io"), "clientConfig": {"url": "https://x.example.com/hook"}, "failurePolicy": "Ignore", "matchPolicy": "Exact"},
            ]}),
        );
    }
    let hooks = Hook::all(&store, true);
    let names: Vec<&str> = hooks.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "one.a-config.io",
            "two.a-config.io",
            "one.b-config.io",
            "two.b-config.io"
        ]
    );
    assert!(
        hooks[0].reinvoke && hooks[0].equivalent && hooks[0].failure_policy == FailurePolicy::Fail
    );
    assert!(!hooks[1].equivalent && hooks[1].failure_policy == FailurePolicy::Ignore);
    assert_eq!(
        hooks[0].client.url(10),
        "https://svc.ns.svc:443/m?timeout=10s"
    );
    assert_eq!(
        hooks[1].client.url(5),
        "https://x.example.com/hook?timeout=5s"
    );
    assert!(Hook::all(&store, false).is_empty());
}

/// Ported from `TestCreateAdmissionObjects` (the version chosen) and the shape of
/// `CreateV1AdmissionReview`.
#[test]
fn the_admission_review_is_written_as_upstream_writes_it() {
    let mut h = hook(vec![], true);
    for (versions, want) in [
        (vec![], Err(())),
        (vec!["vX"], Err(())),
        (vec!["v1", "v1beta1"], Ok("v1")),
        (vec!["v1beta1", "v1"], Ok("v1beta1")),
    ] {
        h.review_versions = versions.iter().map(|v| v.to_string()).collect();
        match (review_version(&h), want) {
            (Ok(got), Ok(want)) => assert_eq!(got, want),
            (Err(e), Err(())) => assert_eq!(e, "could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)"),
            (got, want) => panic!("{versions:?}: {got:?} vs {want:?}"),
        }
    }
    // The user sent apps/v1; the webhook is called as another version (Equivalent).
    let mut user = UserInfo {
        username: "myuser".into(),
        uid: "myuid".into(),
        groups: vec!["mygroup".into()],
        ..UserInfo::default()
    };
    user.extra
        .insert("extrakey".into(), vec!["value1".into(), "value2".into()]);
    let old = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "myname", "namespace": "myns"}});
    let mut a = request(
        &user,
        Operation::Update,
        ("apps", "v1", "deployments", "", "Deployment"),
        "myns",
        Some(old.clone()),
        Some(old),
    );
    a.name = "myname".into();
    let inv = Invocation {
        group: "extensions".into(),
        version: "v1beta1".into(),
        resource: "deployments".into(),
        subresource: String::new(),
        kind: "Deployment".into(),
    };
    let options =
        json!({"kind": "UpdateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "foo"});
    let review = review_request("v1", &a, &inv, "0001", Some(&options));
    assert_eq!(
        serde_json::to_string(&review).unwrap(),
        concat!(
            r#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"0001","#,
            r#""kind":{"group":"extensions","version":"v1beta1","kind":"Deployment"},"#,
            r#""resource":{"group":"extensions","version":"v1beta1","resource":"deployments"},"#,
            r#""requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"#,
            r#""requestResource":{"group":"apps","version":"v1","resource":"deployments"},"#,
            r#""name":"myname","namespace":"myns","operation":"UPDATE","#,
            r#""userInfo":{"username":"myuser","uid":"myuid","groups":["mygroup"],"extra":{"extrakey":["value1","value2"]}},"#,
            r#""object":{"kind":"Deployment","apiVersion":"extensions/v1beta1","metadata":{"name":"myname","namespace":"myns"}},"#,
            r#""oldObject":{"kind":"Deployment","apiVersion":"extensions/v1beta1","metadata":{"name":"myname","namespace":"myns"}},"#,
            r#""dryRun":false,"options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"foo"}}}"#
        )
    );
    // A create has a null oldObject; a Namespace's own request names it as its namespace.
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "green"}});
    let mut a = request(
        &user,
        C,
        ("", "v1", "namespaces", "", "Namespace"),
        "",
        Some(ns),
        None,
    );
    a.name = "green".into();
    let inv = Invocation {
        group: String::new(),
        version: "v1".into(),
        resource: "namespaces".into(),
        subresource: String::new(),
        kind: "Namespace".into(),
    };
    let r = &review_request("v1", &a, &inv, "2", None)["request"];
    assert_eq!(
        (
            r["namespace"].as_str(),
            r["oldObject"].is_null(),
            r["options"].is_null()
        ),
        (Some("green"), true, true)
    );
    assert_eq!(
        r["kind"],
        json!({"group": "", "version": "v1", "kind": "Namespace"})
    );
}

/// Ported from `TestVerifyAdmissionResponse`.
#[test]
fn answers_are_checked_as_upstream_checks_them() {
    let review = |version: &str, response: Value| json!({"apiVersion": format!("admission.k8s.io/{version}"), "kind": "AdmissionReview", "response": response});
    let patch = crate::sim::b64::STANDARD
        .encode(r#"[{"op":"add","path":"/metadata/labels/x","value":"y"}]"#);
    let ok = |version: &str, mutating: bool, body: Value| {
        verify_response(version, "123", mutating, &body)
    };
    // Allowed answers.
    for (v, m) in [("v1beta1", false), ("v1", false), ("v1", true)] {
        assert!(
            ok(v, m, review(v, json!({"uid": "123", "allowed": true})))
                .unwrap()
                .allowed
        );
    }
    let r = ok("v1", true, review("v1", json!({"uid": "123", "allowed": true, "auditAnnotations": {"foo": "bar"}, "warnings": ["w"]}))).unwrap();
    assert_eq!(
        (r.audit_annotations, r.warnings),
        (
            vec![("foo".to_string(), "bar".to_string())],
            vec!["w".to_string()]
        )
    );
    let r = ok(
        "v1",
        true,
        review(
            "v1",
            json!({"uid": "123", "allowed": true, "patch": patch, "patchType": "JSONPatch"}),
        ),
    )
    .unwrap();
    assert_eq!(r.patch.unwrap()[0]["path"], "/metadata/labels/x");
    let err = |version: &str, mutating: bool, body: Value| ok(version, mutating, body).unwrap_err();
    for v in ["v1beta1", "v1"] {
        assert_eq!(
            err(
                v,
                false,
                json!({"apiVersion": format!("admission.k8s.io/{v}"), "kind": "AdmissionReview"})
            ),
            "webhook response was absent"
        );
    }
    for (api, kind) in [
        ("admission.k8s.io2/v1", "AdmissionReview"),
        ("admission.k8s.io/v2", "AdmissionReview"),
        ("admission.k8s.io/v1", "AdmissionReview2"),
    ] {
        let e = err(
            "v1",
            false,
            json!({"apiVersion": api, "kind": kind, "response": {"uid": "123", "allowed": true}}),
        );
        assert!(
            e.starts_with(
                "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got "
            ),
            "{e}"
        );
    }
    assert_eq!(
        err("v1", false, json!({"response": {"uid": "123"}})),
        "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /, Kind="
    );
    assert_eq!(
        err(
            "v1",
            false,
            review("v1", json!({"uid": "1234", "allowed": true}))
        ),
        "expected response.uid=\"123\", got \"1234\""
    );
    assert_eq!(
        err(
            "v1",
            true,
            review("v1", json!({"uid": "123", "patch": patch}))
        ),
        "webhook returned response.patch but not response.patchType"
    );
    assert_eq!(
        err(
            "v1",
            true,
            review("v1", json!({"uid": "123", "patchType": "JSONPatch"}))
        ),
        "webhook returned response.patchType but not response.patch"
    );
    assert_eq!(
        err(
            "v1",
            true,
            review("v1", json!({"uid": "123", "patch": patch, "patchType": ""}))
        ),
        "webhook returned invalid response.patchType of \"\""
    );
    // Another patch type passes here (the dispatcher refuses it).
    assert_eq!(
        ok(
            "v1",
            true,
            review(
                "v1",
                json!({"uid": "123", "patch": patch, "patchType": "Foo"})
            )
        )
        .unwrap()
        .patch_type
        .as_deref(),
        Some("Foo")
    );
    assert_eq!(
        err(
            "v1",
            false,
            review(
                "v1",
                json!({"uid": "123", "patch": patch, "patchType": "JSONPatch"})
            )
        ),
        "validating webhook may not return response.patch"
    );
    assert_eq!(
        err(
            "v1",
            false,
            review("v1", json!({"uid": "123", "patchType": "JSONPatch"}))
        ),
        "validating webhook may not return response.patchType"
    );
    // v1beta1: neither the kind nor the uid is checked; a validating webhook's patch is
    // dropped, a mutating one's is a JSON patch whatever its type says.
    assert!(ok(
        "v1beta1",
        false,
        json!({"apiVersion": "x/y", "kind": "Z", "response": {"uid": "9", "allowed": true}})
    )
    .is_ok());
    let r = ok(
        "v1beta1",
        false,
        review(
            "v1beta1",
            json!({"uid": "123", "patch": patch, "patchType": "JSONPatch"}),
        ),
    )
    .unwrap();
    assert_eq!((r.patch, r.patch_type), (None, None));
    for t in [json!(""), json!("Foo")] {
        let r = ok(
            "v1beta1",
            true,
            review(
                "v1beta1",
                json!({"uid": "123", "patch": patch, "patchType": t}),
            ),
        )
        .unwrap();
        assert_eq!(r.patch_type.as_deref(), Some("JSONPatch"));
    }
}

/// `matchconditions/matcher_test.go`, with real expressions: T is true, F false, E fails with
/// `no such key: nope`. A false condition skips the webhook whatever else happened; otherwise
/// errors fail the request under Fail (403, one message when they are all the same) and skip
/// it under Ignore.
#[test]
fn match_conditions_are_evaluated_as_upstreams_matcher() {
    let user = UserInfo::default();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "blue", "namespace": "blue"}, "spec": {}});
    let a = request(
        &user,
        C,
        ("", "v1", "pods", "", "Pod"),
        "blue",
        Some(pod),
        None,
    );
    let inv = Invocation {
        group: "".into(),
        version: "v1".into(),
        resource: "pods".into(),
        subresource: "".into(),
        kind: "Pod".into(),
    };
    let expr = |c: char| match c {
        'T' => "object.metadata.name == 'blue'",
        'F' => "object.metadata.name == 'orange'",
        _ => "object.spec.nope == 1",
    };
    let run = |conds: &str, policy: FailurePolicy| {
        let mut h = hook(Vec::new(), false);
        h.failure_policy = policy;
        h.match_conditions = conds
            .chars()
            .enumerate()
            .map(|(i, c)| (format!("c{i}"), expr(c).to_string()))
            .collect();
        let mut store = Store::default();
        let (out, notes, _) = crate::sim::admission::testing::with_context(&mut store, |ctx| {
            match_conditions(ctx, &h, &a, &inv)
        });
        assert_eq!(notes.len(), conds.len(), "every condition is shown");
        match out {
            Ok(None) => "call".to_string(),
            Ok(Some(why)) => format!("skip: {why}"),
            Err(e) => format!("{} {}", e.code, e.message),
        }
    };
    use FailurePolicy::{Fail, Ignore};
    assert_eq!(run("T", Fail), "call");
    assert_eq!(run("TT", Fail), "call");
    assert!(run("F", Fail).starts_with("skip: matchCondition \"c0\""));
    assert!(run("FF", Fail).starts_with("skip: matchCondition \"c0\""));
    assert!(run("TF", Fail).starts_with("skip: matchCondition \"c1\""));
    assert!(run("TFT", Fail).starts_with("skip: matchCondition \"c1\""));
    let err = "403 pods \"blue\" is forbidden: expression 'object.spec.nope == 1' resulted in error: no such key: nope";
    assert_eq!(run("E", Fail), err);
    assert!(run("E", Ignore).starts_with("skip: the matchConditions"));
    // A false wins over errors.
    assert!(run("TEFTE", Fail).starts_with("skip: matchCondition \"c2\""));
    // The same error twice is said once.
    assert_eq!(run("TETE", Fail), err);
    assert!(run("TETE", Ignore).starts_with("skip:"));
}

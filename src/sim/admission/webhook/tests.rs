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

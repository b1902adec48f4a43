//! RBAC privilege-escalation prevention (pkg/registry/rbac/validation/rule.go and the
//! policy-based Role/Binding storages): writing a Role, ClusterRole or binding must not grant
//! permissions the writer does not hold — unless the writer may `escalate` the role (or `bind`
//! the referenced role, for bindings), or is in system:masters.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use crate::sim::authn::UserInfo;
use crate::sim::store::{string_list as strings, Store};

/// One atomic permission (a rule broken down to one verb × group × resource × name, or one
/// verb × non-resource URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    verb: String,
    group: Option<String>,
    resource: Option<String>,
    name: Option<String>,
    url: Option<String>,
}

/// Every rule of every role bound to the user, cluster-wide plus in `namespace`
/// (upstream `RulesFor`; unresolvable role references are skipped).
pub fn rules_for(store: &Store, user: &UserInfo, namespace: &str) -> Vec<Value> {
    super::rbac::rules_for(store, user, namespace).0
}

/// Upstream `BreakdownRule`.
fn breakdown(rule: &Value) -> Vec<Atom> {
    let verbs = strings(rule, "verbs");
    let names = strings(rule, "resourceNames");
    let mut out = Vec::new();
    for group in strings(rule, "apiGroups") {
        for resource in strings(rule, "resources") {
            for verb in &verbs {
                let atom = |name: Option<String>| Atom {
                    verb: verb.clone(),
                    group: Some(group.clone()),
                    resource: Some(resource.clone()),
                    name,
                    url: None,
                };
                if names.is_empty() {
                    out.push(atom(None));
                } else {
                    out.extend(names.iter().map(|n| atom(Some(n.clone()))));
                }
            }
        }
    }
    for url in strings(rule, "nonResourceURLs") {
        for verb in &verbs {
            out.push(Atom {
                verb: verb.clone(),
                group: None,
                resource: None,
                name: None,
                url: Some(url.clone()),
            });
        }
    }
    out
}

fn has(list: &[String], x: &str) -> bool {
    list.iter().any(|v| v == x)
}

/// Upstream `resourceCoversAll` for one resource: exact, `*`, or `*/sub` for a subresource
/// (`parent/*` does not count here, unlike in the authorizer).
fn resource_covers(owner: &[String], resource: &str) -> bool {
    if has(owner, "*") || has(owner, resource) {
        return true;
    }
    match resource.split_once('/') {
        Some((_, sub)) => has(owner, &format!("*/{sub}")),
        None => false,
    }
}

/// Upstream `ruleCovers` for one atomic permission.
fn covers(owner: &Value, atom: &Atom) -> bool {
    let verbs = strings(owner, "verbs");
    if !(has(&verbs, "*") || has(&verbs, &atom.verb)) {
        return false;
    }
    if let Some(url) = &atom.url {
        let urls = strings(owner, "nonResourceURLs");
        return strings(owner, "resourceNames").is_empty()
            && urls.iter().any(|o| {
                o == url || (o.ends_with('*') && url.starts_with(o.trim_end_matches('*')))
            });
    }
    let groups = strings(owner, "apiGroups");
    let group = atom.group.as_deref().unwrap_or("");
    if !(has(&groups, "*") || has(&groups, group)) {
        return false;
    }
    if !resource_covers(
        &strings(owner, "resources"),
        atom.resource.as_deref().unwrap_or(""),
    ) {
        return false;
    }
    let names = strings(owner, "resourceNames");
    match &atom.name {
        None => names.is_empty(),
        Some(n) => names.is_empty() || has(&names, n),
    }
}

/// The permissions in `wanted` that none of `owned` covers, compacted and described as
/// upstream's `CompactString` does (sorted).
pub fn missing(owned: &[Value], wanted: &[Value]) -> Vec<String> {
    let mut uncovered: Vec<Atom> = Vec::new();
    for rule in wanted {
        for atom in breakdown(rule) {
            if !owned.iter().any(|o| covers(o, &atom)) && !uncovered.contains(&atom) {
                uncovered.push(atom);
            }
        }
    }
    // CompactRules: one rule per (group, resource, name) with all its verbs; non-resource
    // rules stay one per verb.
    let mut compact: Vec<(Atom, Vec<String>)> = Vec::new();
    for atom in uncovered {
        let key = Atom {
            verb: String::new(),
            ..atom.clone()
        };
        let simple = atom.url.is_none();
        match compact.iter_mut().find(|(k, _)| simple && *k == key) {
            Some((_, verbs)) => verbs.push(atom.verb),
            None => compact.push((key, vec![atom.verb])),
        }
    }
    let quoted = |items: &[String]| {
        let q: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
        format!("[{}]", q.join(" "))
    };
    let mut out: Vec<String> = compact
        .iter()
        .map(|(k, verbs)| {
            let mut parts = Vec::new();
            if let Some(g) = &k.group {
                parts.push(format!("APIGroups:{}", quoted(std::slice::from_ref(g))));
            }
            if let Some(r) = &k.resource {
                parts.push(format!("Resources:{}", quoted(std::slice::from_ref(r))));
            }
            if let Some(u) = &k.url {
                parts.push(format!(
                    "NonResourceURLs:{}",
                    quoted(std::slice::from_ref(u))
                ));
            }
            if let Some(n) = &k.name {
                parts.push(format!("ResourceNames:{}", quoted(std::slice::from_ref(n))));
            }
            parts.push(format!("Verbs:{}", quoted(verbs)));
            format!("{{{}}}", parts.join(", "))
        })
        .collect();
    crate::sim::sort::natural(&mut out);
    out.dedup();
    out
}

/// `*` on everything: what an aggregationRule needs (upstream `fullAuthority`).
pub fn full_authority() -> [Value; 2] {
    [
        serde_json::json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}),
        serde_json::json!({"nonResourceURLs": ["*"], "verbs": ["*"]}),
    ]
}

/// Upstream `IsOnlyMutatingGCFields`: the objects are equal once the new one takes the old
/// one's ownerReferences and finalizers.
pub fn only_gc_fields_differ(old: &Value, new: &Value) -> bool {
    let mut copy = new.clone();
    let Some(meta) = copy.get_mut("metadata").and_then(Value::as_object_mut) else {
        return false;
    };
    for key in ["ownerReferences", "finalizers"] {
        match old.ptr(&format!("/metadata/{key}")) {
            Some(v) => {
                meta.insert(key.into(), v.clone());
            }
            None => {
                meta.remove(key);
            }
        }
    }
    old == &copy
}

/// The message upstream gives when a write would grant what the user does not hold.
pub fn message(user: &UserInfo, missing: &[String]) -> String {
    let groups: Vec<String> = user.groups.iter().map(|g| format!("{g:?}")).collect();
    format!(
        "user {:?} (groups=[{}]) is attempting to grant RBAC permissions not currently held:\n{}",
        user.username,
        groups.join(" "),
        missing.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: Value) -> Value {
        v
    }

    #[test]
    fn coverage_follows_upstream_rule_covers() {
        let owner = [
            rule(
                json!({"apiGroups": [""], "resources": ["pods", "pods/*"], "verbs": ["get", "list"]}),
            ),
            rule(json!({"nonResourceURLs": ["/healthz/*"], "verbs": ["get"]})),
        ];
        let ok = |wanted: Value| missing(&owner, &[wanted]).is_empty();
        assert!(ok(
            json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]})
        ));
        // `pods/*` covers subresources for the authorizer but not for escalation checks.
        assert!(!ok(
            json!({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["list"], "resourceNames": ["x"]})
        ));
        let any_status = [json!({"apiGroups": ["*"], "resources": ["*/status"], "verbs": ["get"]})];
        assert!(missing(&any_status, &[json!({"apiGroups": ["apps"], "resources": ["deployments/status"], "verbs": ["get"]})]).is_empty());
        assert!(!missing(
            &any_status,
            &[json!({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]})]
        )
        .is_empty());
        assert!(ok(
            json!({"nonResourceURLs": ["/healthz/ready"], "verbs": ["get"]})
        ));
        assert!(!ok(
            json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]})
        ));
        assert!(!ok(
            json!({"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get"]})
        ));
        assert!(!ok(
            json!({"nonResourceURLs": ["/metrics"], "verbs": ["get"]})
        ));
        // An owner limited to names does not cover the whole resource.
        let named = [rule(
            json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["a"]}),
        )];
        assert!(!missing(
            &named,
            &[json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]})]
        )
        .is_empty());
        assert!(missing(&named, &[json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["a"]})]).is_empty());
    }

    #[test]
    fn missing_rules_are_compacted_and_described_like_upstream() {
        let owner = [json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]})];
        let wanted = [
            json!({"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "list"]}),
        ];
        assert_eq!(
            missing(&owner, &wanted),
            [
                "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"list\"]}",
                "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}",
            ]
        );
        let user = UserInfo {
            username: "dev-user".into(),
            groups: vec!["developers".into(), "system:authenticated".into()],
            ..Default::default()
        };
        assert_eq!(
            message(&user, &missing(&owner, &wanted)),
            "user \"dev-user\" (groups=[\"developers\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"list\"]}\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}"
        );
    }

    #[test]
    fn non_resource_rules_are_not_compacted_and_gc_only_updates_pass() {
        let wanted =
            [json!({"nonResourceURLs": ["/metrics", "/healthz"], "verbs": ["get", "post"]})];
        assert_eq!(
            missing(&[], &wanted),
            [
                "{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}",
                "{NonResourceURLs:[\"/healthz\"], Verbs:[\"post\"]}",
                "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}",
                "{NonResourceURLs:[\"/metrics\"], Verbs:[\"post\"]}",
            ]
        );
        let old = json!({"metadata": {"name": "r", "finalizers": ["a"]}, "rules": []});
        let gc =
            json!({"metadata": {"name": "r", "ownerReferences": [{"name": "o"}]}, "rules": []});
        assert!(only_gc_fields_differ(&old, &gc));
        let more = json!({"metadata": {"name": "r"}, "rules": [{"verbs": ["*"]}]});
        assert!(!only_gc_fields_differ(&old, &more));
    }

    /// After upstream's policy comparator tests (component-helpers auth/rbac/validation):
    /// owner rules, servant rules, whether the owner covers them.
    #[test]
    fn covers_table() {
        let r = |groups: &[&str], verbs: &[&str], resources: &[&str], names: &[&str]| json!({"apiGroups": groups, "verbs": verbs, "resources": resources, "resourceNames": names});
        let u = |verbs: &[&str], urls: &[&str]| json!({"verbs": verbs, "nonResourceURLs": urls});
        let cases: Vec<(&str, Vec<Value>, Vec<Value>, bool)> = vec![
            (
                "exact match",
                vec![r(&["v1"], &["get"], &["builds"], &[])],
                vec![r(&["v1"], &["get"], &["builds"], &[])],
                true,
            ),
            (
                "subresource wildcard",
                vec![r(&["v1"], &["get"], &["*/scale"], &[])],
                vec![r(&["v1"], &["get"], &["deployments/scale"], &[])],
                true,
            ),
            (
                "subresource wildcard does not cover the resource",
                vec![r(&["v1"], &["get"], &["*/scale"], &[])],
                vec![r(&["v1"], &["get"], &["deployments"], &[])],
                false,
            ),
            (
                "multiple rules covering a single rule",
                vec![
                    r(&["v1"], &["delete"], &["deployments"], &[]),
                    r(&["v1"], &["delete"], &["builds"], &[]),
                    r(&["v1"], &["update"], &["builds", "deployments"], &[]),
                ],
                vec![r(
                    &["v1"],
                    &["delete", "update"],
                    &["builds", "deployments"],
                    &[],
                )],
                true,
            ),
            (
                "multiple API groups covering a single rule",
                vec![
                    r(&["group1"], &["delete"], &["deployments"], &[]),
                    r(&["group2"], &["delete"], &["deployments"], &[]),
                ],
                vec![r(&["group1", "group2"], &["delete"], &["deployments"], &[])],
                true,
            ),
            (
                "single rule covering multiple rules",
                vec![r(
                    &["v1"],
                    &["delete", "update"],
                    &["builds", "deployments"],
                    &[],
                )],
                vec![
                    r(&["v1"], &["delete"], &["deployments"], &[]),
                    r(&["v1"], &["update"], &["builds", "deployments"], &[]),
                ],
                true,
            ),
            (
                "star verb",
                vec![r(&["v1"], &["*"], &["builds"], &[])],
                vec![r(&["v1"], &["get", "escalate"], &["builds"], &[])],
                true,
            ),
            (
                "star resource",
                vec![r(&["v1"], &["get"], &["*"], &[])],
                vec![r(&["v1"], &["get"], &["builds", "pods/log"], &[])],
                true,
            ),
            (
                "star group",
                vec![r(&["*"], &["get"], &["builds"], &[])],
                vec![r(&["v1", "apps"], &["get"], &["builds"], &[])],
                true,
            ),
            (
                "verbs do not match",
                vec![r(&["v1"], &["get"], &["builds"], &[])],
                vec![r(&["v1"], &["update"], &["builds"], &[])],
                false,
            ),
            (
                "resource names match",
                vec![r(&["v1"], &["get"], &["builds"], &["foo", "bar"])],
                vec![r(&["v1"], &["get"], &["builds"], &["foo"])],
                true,
            ),
            (
                "resource names do not match",
                vec![r(&["v1"], &["get"], &["builds"], &["foo"])],
                vec![r(&["v1"], &["get"], &["builds"], &["bar"])],
                false,
            ),
            (
                "named owner does not cover all names",
                vec![r(&["v1"], &["get"], &["builds"], &["foo"])],
                vec![r(&["v1"], &["get"], &["builds"], &[])],
                false,
            ),
            (
                "unnamed owner covers names",
                vec![r(&["v1"], &["get"], &["builds"], &[])],
                vec![r(&["v1"], &["get"], &["builds"], &["foo"])],
                true,
            ),
            (
                "non-resource URL exact",
                vec![u(&["get"], &["/apis"])],
                vec![u(&["get"], &["/apis"])],
                true,
            ),
            (
                "non-resource URL star",
                vec![u(&["get"], &["*"])],
                vec![u(&["get"], &["/apis", "/version"])],
                true,
            ),
            (
                "non-resource URL prefix",
                vec![u(&["get"], &["/apis/*"])],
                vec![u(&["get"], &["/apis/v1", "/apis/v1/x"])],
                true,
            ),
            (
                "non-resource URL prefix does not cover its parent",
                vec![u(&["get"], &["/apis/*"])],
                vec![u(&["get"], &["/apis"])],
                false,
            ),
            (
                "non-resource URL verb differs",
                vec![u(&["get"], &["*"])],
                vec![u(&["post"], &["/apis"])],
                false,
            ),
            (
                "resource rules do not cover URLs",
                vec![r(&["*"], &["*"], &["*"], &[])],
                vec![u(&["get"], &["/healthz"])],
                false,
            ),
        ];
        for (name, owner, servant, covered) in cases {
            assert_eq!(missing(&owner, &servant).is_empty(), covered, "{name}");
        }
    }
}

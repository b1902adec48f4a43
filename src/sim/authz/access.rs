//! Questions people ask of the authorizers, answered by running the real chain:
//! who can do something (like kubectl-who-can, but over every mode, not only RBAC), what one
//! subject can do across the resources (like rakkess), and, for a refused request, the near
//! misses: which bindings reach the user, which rules nearly match and what one change would
//! allow it.

use serde_json::Value;

use super::{abac, authorize, node, rbac, Attributes, Chain};
use crate::sim::authn::UserInfo;
use crate::sim::discovery;
use crate::sim::store::{name_of, namespace_of, Store};
use crate::sim::trace::{Decision, GraphRow, GraphRule};

/// A subject that may be allowed something.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subject {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// For a service account, its namespace.
    pub namespace: String,
}

impl Subject {
    /// The identity checked for it: only what names it directly (a user or service account
    /// without extra groups, a group on its own), so each row says where the grant is.
    pub fn user(&self) -> UserInfo {
        match self.kind.as_str() {
            "Group" => UserInfo {
                username: format!("(any member of {})", self.name),
                groups: vec![self.name.clone()],
                ..Default::default()
            },
            "ServiceAccount" => UserInfo {
                username: format!("system:serviceaccount:{}:{}", self.namespace, self.name),
                groups: vec![
                    "system:serviceaccounts".into(),
                    format!("system:serviceaccounts:{}", self.namespace),
                ],
                ..Default::default()
            },
            _ => UserInfo {
                username: self.name.clone(),
                // A kubelet is a user in group system:nodes.
                groups: if self.name.starts_with("system:node:") {
                    vec!["system:nodes".into()]
                } else {
                    Vec::new()
                },
                ..Default::default()
            },
        }
    }
}

/// Every subject any authorizer names: binding subjects, ABAC users and groups, the webhook's
/// users and groups, kubelets of the stored nodes, and system:masters.
pub fn subjects(chain: &Chain, store: &Store) -> Vec<Subject> {
    let mut out: Vec<Subject> = Vec::new();
    // Seen subjects by (kind, name, namespace): dumps hold tens of thousands of subjects.
    let mut seen: std::collections::HashSet<(String, String, String)> = Default::default();
    let mut add = |kind: &str, name: &str, namespace: &str| {
        if name.is_empty() || name == "*" {
            return;
        }
        if seen.insert((kind.into(), name.into(), namespace.into())) {
            out.push(Subject {
                kind: kind.into(),
                name: name.into(),
                namespace: namespace.into(),
            });
        }
    };
    add("Group", super::SYSTEM_MASTERS, "");
    for b in store
        .list(rbac::GROUP, "clusterrolebindings", None)
        .chain(store.list(rbac::GROUP, "rolebindings", None))
    {
        for s in b
            .get("subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let f = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("");
            let ns = if f("kind") == "ServiceAccount" && f("namespace").is_empty() {
                namespace_of(b)
            } else {
                f("namespace")
            };
            if f("kind") == "ServiceAccount" && ns.is_empty() {
                continue;
            }
            add(
                f("kind"),
                f("name"),
                if f("kind") == "ServiceAccount" {
                    ns
                } else {
                    ""
                },
            );
        }
    }
    for p in &chain.abac {
        add("User", &p.user, "");
        add("Group", &p.group, "");
    }
    for server in chain.webhooks.iter().filter_map(|w| w.server.as_ref()) {
        for r in &server.authorize {
            r.users.iter().for_each(|u| add("User", u, ""));
            r.groups.iter().for_each(|g| add("Group", g, ""));
        }
    }
    if chain.modes.contains(&super::Mode::Node) {
        for n in store.list("", "nodes", None) {
            add("User", &format!("system:node:{}", name_of(n)), "");
        }
    }
    // People first (users, then groups), the controllers' service accounts last.
    let rank = |s: &Subject| match s.kind.as_str() {
        "User" => 0,
        "Group" => 1,
        _ => 2,
    };
    crate::sim::sort::by(&mut out, &|a, b| {
        (rank(a), &a.namespace, &a.name).cmp(&(rank(b), &b.namespace, &b.name))
    });
    out
}

/// One answer of who-can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoCan {
    /// The subject.
    pub subject: Subject,
    /// The authorizer that allowed.
    pub plugin: String,
    /// Its reason (the RBAC binding, the ABAC line, …).
    pub reason: String,
}

/// Who may do `question` (its user is ignored): every known subject whose own identity the
/// chain allows.
pub fn who_can(chain: &Chain, store: &Store, question: &Attributes) -> Vec<WhoCan> {
    let mut out = Vec::new();
    for subject in subjects(chain, store) {
        let attrs = Attributes {
            user: subject.user(),
            ..question.clone()
        };
        let d = authorize(chain, store, &attrs, None);
        if d.decision == Decision::Allow {
            let reason = if !d.reason.is_empty() {
                d.reason
            } else if d.plugin == "ABAC" {
                abac::authorize(&chain.abac, &attrs)
                    .map(|p| format!("policy line {} of {}", p.line, chain.abac_file))
                    .unwrap_or_default()
            } else if d.plugin == "system:masters" {
                "members of system:masters are always allowed".into()
            } else if d.plugin == "Node" {
                node::authorize(store, &chain.node_rules, chain.minor >= 32, &attrs).shown
            } else {
                String::new()
            };
            out.push(WhoCan {
                subject,
                plugin: d.plugin,
                reason,
            });
        }
    }
    out
}

/// The verbs of an access matrix by default (rakkess's).
pub const MATRIX_VERBS: &[&str] = &["list", "create", "update", "delete"];

/// One row of an access matrix: a resource (`name.group`) and, per verb, `None` when the
/// resource does not serve the verb, else whether it is allowed.
pub type MatrixRow = (String, Vec<Option<bool>>);

/// What `user` may do to every resource: in `namespace` (namespaced resources only), or
/// everywhere when it is empty (every resource, namespaced ones across all namespaces).
pub fn access_matrix(
    chain: &Chain,
    store: &Store,
    user: &UserInfo,
    namespace: &str,
    verbs: &[String],
) -> Vec<MatrixRow> {
    let mut rows: Vec<MatrixRow> = discovery::preferred_resources(chain.minor)
        .into_iter()
        .filter(|r| namespace.is_empty() || r.namespaced)
        .map(|r| {
            let cells = verbs
                .iter()
                .map(|v| {
                    r.verbs.contains(&v.as_str()).then(|| {
                        let attrs = Attributes {
                            user: user.clone(),
                            verb: v.clone(),
                            resource_request: true,
                            namespace: namespace.into(),
                            api_group: r.group.into(),
                            api_version: r.version.into(),
                            resource: r.name.into(),
                            ..Default::default()
                        };
                        authorize(chain, store, &attrs, None).decision == Decision::Allow
                    })
                })
                .collect();
            let name = if r.group.is_empty() {
                r.name.to_string()
            } else {
                format!("{}.{}", r.name, r.group)
            };
            (name, cells)
        })
        .collect();
    crate::sim::sort::by_key(&mut rows, &|r: &MatrixRow| r.0.clone());
    rows
}

/// A RoleBinding in another namespace that names the user and whose role would allow the
/// request there.
struct Elsewhere<'s> {
    binding: &'s Value,
    namespace: &'s str,
    /// How the binding names the user (`User "dev-user"`).
    subject: String,
    role: &'s Value,
    role_desc: String,
    /// The request as it would be in that namespace.
    there: Attributes,
}

/// The RoleBindings elsewhere that would allow a namespaced request (the subject index finds
/// the user's bindings in every namespace).
fn bindings_elsewhere<'s>(store: &'s Store, a: &Attributes) -> Vec<Elsewhere<'s>> {
    let mut out = Vec::new();
    if !a.resource_request || a.namespace.is_empty() {
        return out;
    }
    for (rb, first) in rbac::bindings_naming(store, &a.user, None) {
        let ns = namespace_of(rb);
        if ns.is_empty() || ns == a.namespace {
            continue;
        }
        let subjects = rb
            .get("subjects")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let Some(subject) = rbac::applies_to(subjects.get(first..).unwrap_or(&[]), &a.user, ns)
        else {
            continue;
        };
        let there = Attributes {
            namespace: ns.into(),
            ..a.clone()
        };
        if let Ok((role, role_desc)) = rbac::resolve_role(store, rb, ns) {
            if rbac::rules(role)
                .iter()
                .any(|r| rbac::rule_allows(&there, r))
            {
                out.push(Elsewhere {
                    binding: rb,
                    namespace: ns,
                    subject,
                    role,
                    role_desc,
                    there,
                });
            }
        }
    }
    out
}

/// The near-miss bindings as rows of the RBAC graph (marked as such): each binding elsewhere
/// that would allow the request, with its rules and which of them would allow it there.
pub fn near_miss_rows(store: &Store, a: &Attributes) -> Vec<GraphRow> {
    bindings_elsewhere(store, a).iter().map(row_of).collect()
}

fn row_of(near: &Elsewhere<'_>) -> GraphRow {
    GraphRow {
        subject: near.subject.clone(),
        binding: format!("RoleBinding {}/{}", near.namespace, name_of(near.binding)),
        role: format!(
            "{} {}",
            near.role
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("Role"),
            name_of(near.role)
        ),
        rules: rbac::rules(near.role)
            .iter()
            .map(|r| GraphRule {
                text: rbac::rule_text(r),
                allows: rbac::rule_allows(&near.there, r),
            })
            .collect(),
        near_miss: true,
    }
}

/// [`near_misses`] and [`near_miss_rows`] from one walk over the user's bindings elsewhere.
pub fn near_misses_graphed(store: &Store, a: &Attributes) -> (Vec<String>, Vec<GraphRow>) {
    let elsewhere = bindings_elsewhere(store, a);
    (
        near_misses_given(store, a, &elsewhere),
        elsewhere.iter().map(row_of).collect(),
    )
}

/// What is close to allowing a request RBAC refused: lines for the trace, the last one the
/// smallest change that would allow it.
pub fn near_misses(store: &Store, a: &Attributes) -> Vec<String> {
    near_misses_given(store, a, &bindings_elsewhere(store, a))
}

fn near_misses_given(store: &Store, a: &Attributes, elsewhere: &[Elsewhere<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let want_resource = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let what = if a.resource_request {
        format!("{} {want_resource}", a.verb)
    } else {
        format!("{} {}", a.verb, a.path)
    };
    // Rules of roles bound to the user here that differ from the request in one thing.
    let mut fix: Option<String> = None;
    let mut errors = Vec::new();
    let mut reached = 0;
    rbac::visit_rules_for(
        store,
        &a.user,
        &a.namespace,
        &mut errors,
        &mut |source, rule| {
            reached += 1;
            // Which parts differ, cheaply first; only a rule off by one gets described.
            let verb_ok = rbac::verb_matches(rule, &a.verb);
            let (group_ok, resource_ok, name_ok, url_ok) = if a.resource_request {
                let resources = rule
                    .get("resources")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str);
                (
                    rbac::api_group_matches(rule, &a.api_group),
                    rbac::resource_matches(resources, &a.resource, &a.subresource),
                    rbac::resource_name_matches(rule, &a.name),
                    true,
                )
            } else {
                (
                    true,
                    true,
                    true,
                    rbac::non_resource_url_matches(rule, &a.path),
                )
            };
            let wrong = [verb_ok, group_ok, resource_ok, name_ok, url_ok]
                .iter()
                .filter(|ok| !**ok)
                .count();
            if wrong != 1 {
                return true;
            }
            let strings = |k: &str| crate::sim::store::string_list(rule, k);
            let miss = if !verb_ok {
                format!("verbs {:?} lack {:?}", strings("verbs"), a.verb)
            } else if !group_ok {
                format!(
                    "apiGroups {:?} lack {:?}",
                    strings("apiGroups"),
                    a.api_group
                )
            } else if !resource_ok {
                format!(
                    "resources {:?} lack {want_resource:?}",
                    strings("resources")
                )
            } else if !name_ok {
                let names = strings("resourceNames");
                if a.name.is_empty() {
                    format!(
                        "resourceNames {names:?} limit it to named objects, and {:?} names none",
                        a.verb
                    )
                } else {
                    format!("resourceNames {names:?} lack {:?}", a.name)
                }
            } else {
                format!(
                    "nonResourceURLs {:?} lack {:?}",
                    strings("nonResourceURLs"),
                    a.path
                )
            };
            let misses = [miss];
            if misses.len() == 1 {
                let role = source
                    .role
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("Role");
                out.push(format!(
                    "{} has a rule for this, but its {}",
                    source.describe(),
                    misses[0]
                ));
                if fix.is_none() {
                    let field = misses[0].split_whitespace().next().unwrap_or("");
                    let value = match field {
                        "verbs" => a.verb.clone(),
                        "apiGroups" => a.api_group.clone(),
                        "resources" => want_resource.clone(),
                        "resourceNames" => a.name.clone(),
                        _ => a.path.clone(),
                    };
                    fix = Some(if field == "resourceNames" && a.name.is_empty() {
                        format!("smallest change: a rule without resourceNames in {role} {:?} (or name the object in the request)", name_of(source.role))
                    } else {
                        format!(
                        "smallest change: add {value:?} to {field} of that rule in {role} {:?}{}",
                        name_of(source.role),
                        if field == "verbs" || field == "resourceNames" { "" } else { " (the rule's other verbs come with it)" }
                    )
                    });
                }
            }
            true
        },
    );
    // Bindings elsewhere that would allow it.
    for near in elsewhere {
        out.push(format!(
            "RoleBinding \"{}/{}\" of {} allows {what} in namespace {:?}, not {:?}",
            name_of(near.binding),
            near.namespace,
            near.role_desc,
            near.namespace,
            a.namespace
        ));
    }
    // The workspace's bindings that would allow it, but to someone else.
    let here = if a.namespace.is_empty() {
        ""
    } else {
        a.namespace.as_str()
    };
    for b in rbac::authored_bindings(store, Some(here)) {
        let ns = namespace_of(b);
        let name = name_of(b);
        let subjects = b
            .get("subjects")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if rbac::applies_to(subjects, &a.user, ns).is_some() {
            continue;
        }
        let Ok((role, desc)) = rbac::resolve_role(store, b, ns) else {
            continue;
        };
        if !rbac::rules(role).iter().any(|r| rbac::rule_allows(a, r)) {
            continue;
        }
        let to: Vec<String> = subjects
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.get("kind").and_then(Value::as_str).unwrap_or(""),
                    s.get("name").and_then(Value::as_str).unwrap_or("")
                )
            })
            .collect();
        let (kind, shown) = if ns.is_empty() {
            ("ClusterRoleBinding", name.to_string())
        } else {
            ("RoleBinding", format!("{name}/{ns}"))
        };
        out.push(format!(
            "{kind} {shown:?} of {desc} allows it, but to {} — not to {:?} or its groups",
            if to.is_empty() {
                "no one".to_string()
            } else {
                to.join(", ")
            },
            a.user.username
        ));
    }
    if reached == 0 {
        out.insert(
            0,
            format!(
                "no RoleBinding{} names {:?} or any of its groups",
                if a.namespace.is_empty() {
                    String::new()
                } else {
                    format!(" in {:?} and no ClusterRoleBinding", a.namespace)
                },
                a.user.username
            ),
        );
    }
    let fix = fix.unwrap_or_else(|| suggest_grant(a));
    out.push(fix);
    out
}

/// The kubectl commands that would grant exactly this request to the user.
fn suggest_grant(a: &Attributes) -> String {
    let who = if a.user.username.starts_with("system:serviceaccount:") {
        let parts: Vec<&str> = a.user.username.splitn(4, ':').collect();
        format!(
            "--serviceaccount={}:{}",
            parts.get(2).unwrap_or(&""),
            parts.get(3).unwrap_or(&"")
        )
    } else {
        format!("--user={}", a.user.username)
    };
    if !a.resource_request {
        return format!(
            "smallest change: kubectl create clusterrole {v}-url --verb={v} --non-resource-url={p} && kubectl create clusterrolebinding {v}-url --clusterrole={v}-url {who}",
            v = a.verb,
            p = a.path
        );
    }
    let resource = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let typed = if a.api_group.is_empty() {
        resource.clone()
    } else {
        format!("{}.{}", a.resource, a.api_group)
            + &if a.subresource.is_empty() {
                String::new()
            } else {
                format!("/{}", a.subresource)
            }
    };
    let role = format!("{}-{}", a.verb, a.resource);
    let names = if a.name.is_empty() {
        String::new()
    } else {
        format!(" --resource-name={}", a.name)
    };
    if a.namespace.is_empty() {
        format!(
            "smallest change: kubectl create clusterrole {role} --verb={} --resource={typed}{names} && kubectl create clusterrolebinding {role} --clusterrole={role} {who}",
            a.verb
        )
    } else {
        format!(
            "smallest change: kubectl create role {role} -n {ns} --verb={} --resource={typed}{names} && kubectl create rolebinding {role} -n {ns} --role={role} {who}",
            a.verb,
            ns = a.namespace
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::session::Session;

    const DEFAULT: &str = include_str!("../../../static/workspaces/default.yaml");

    fn dev(verb: &str, resource: &str, ns: &str, name: &str) -> Attributes {
        Attributes {
            user: UserInfo {
                username: "dev-user".into(),
                groups: vec!["developers".into(), "system:authenticated".into()],
                ..Default::default()
            },
            verb: verb.into(),
            resource_request: true,
            namespace: ns.into(),
            api_version: "v1".into(),
            resource: resource.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn near_misses_name_the_rule_the_namespace_and_the_fix() {
        let s = Session::new(DEFAULT).expect("boots");
        let store = &s.cluster.store;
        let lines = near_misses(store, &dev("get", "secrets", "blue", "db"));
        assert_eq!(lines[0], "RoleBinding \"dev-user-developer-binding/blue\" of Role \"developer\" to User \"dev-user\" has a rule for this, but its resources [\"pods\"] lack \"secrets\"");
        assert_eq!(lines.last().unwrap(), "smallest change: add \"secrets\" to resources of that rule in Role \"developer\" (the rule's other verbs come with it)");
        let lines = near_misses(store, &dev("patch", "pods", "blue", "orange"));
        assert!(lines[0].contains("verbs [\"get\", \"list\", \"watch\", \"create\", \"update\", \"delete\"] lack \"patch\""), "{lines:?}");
        assert_eq!(
            lines.last().unwrap(),
            "smallest change: add \"patch\" to verbs of that rule in Role \"developer\""
        );
        let lines = near_misses(store, &dev("get", "pods", "default", "web"));
        assert_eq!(lines[0], "RoleBinding \"dev-user-developer-binding/blue\" of Role \"developer\" allows get pods in namespace \"blue\", not \"default\"");
        assert_eq!(lines.last().unwrap(), "smallest change: kubectl create role get-pods -n default --verb=get --resource=pods --resource-name=web && kubectl create rolebinding get-pods -n default --role=get-pods --user=dev-user");
        // The same binding, as a row of the graph: marked, its rule allowing it there.
        let rows = near_miss_rows(store, &dev("get", "pods", "default", "web"));
        assert_eq!(rows.len(), 1, "{rows:?}");
        let r = &rows[0];
        assert!(r.near_miss);
        assert_eq!(
            (r.subject.as_str(), r.binding.as_str(), r.role.as_str()),
            (
                "User \"dev-user\"",
                "RoleBinding blue/dev-user-developer-binding",
                "Role developer"
            )
        );
        assert_eq!(r.rules.iter().filter(|x| x.allows).count(), 1);
        // Nothing elsewhere for a request in blue, nor for a cluster-scoped one.
        assert!(near_miss_rows(store, &dev("get", "secrets", "blue", "db")).is_empty());
        assert!(near_miss_rows(store, &dev("get", "nodes", "", "n1")).is_empty());
    }

    #[test]
    fn who_can_and_the_matrix_ask_the_whole_chain() {
        let s = Session::new(DEFAULT).expect("boots");
        let c = &s.cluster;
        let q = Attributes {
            verb: "delete".into(),
            resource_request: true,
            namespace: "blue".into(),
            api_version: "v1".into(),
            resource: "pods".into(),
            ..Default::default()
        };
        let who: Vec<String> = who_can(&c.authz, &c.store, &q)
            .iter()
            .map(|w| format!("{} {}", w.subject.kind, w.subject.name))
            .collect();
        assert!(who.contains(&"User dev-user".to_string()), "{who:?}");
        assert!(who.contains(&"Group system:masters".to_string()));
        assert!(!who.iter().any(|w| w.contains("system:authenticated")));
        let user = dev("", "", "", "").user;
        let rows = access_matrix(
            &c.authz,
            &c.store,
            &user,
            "blue",
            &["list".into(), "create".into()],
        );
        let row = |name: &str| rows.iter().find(|r| r.0 == name).map(|r| r.1.clone());
        assert_eq!(row("pods"), Some(vec![Some(true), Some(true)]));
        assert_eq!(row("secrets"), Some(vec![Some(false), Some(false)]));
        assert_eq!(
            row("bindings"),
            Some(vec![None, Some(false)]),
            "bindings serve only create"
        );
    }
}

//! The RBAC authorizer: ClusterRoleBindings, then RoleBindings in the request's namespace,
//! each rule of each bound role tested until one allows. RBAC never denies.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/rbac/>.

use crate::sim::ptr::Ptr as _;
use std::collections::HashMap;

use serde_json::Value;

use super::Attributes;
use crate::sim::authn::UserInfo;
use crate::sim::store::{name_of, namespace_of, Store};
use crate::sim::trace::{Decision, GraphRow, GraphRule};

/// The RBAC API group.
pub const GROUP: &str = "rbac.authorization.k8s.io";

/// RBAC's answer, with the binding that allowed when one did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RbacDecision {
    /// Allow or NoOpinion.
    pub decision: Decision,
    /// The upstream reason: the allowing binding, or role-resolution errors.
    pub reason: String,
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> + Clone {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// `VerbMatches`: `*` or an exact, case-sensitive match.
pub fn verb_matches(rule: &Value, verb: &str) -> bool {
    strings(rule.field("verbs")).any(|v| v == "*" || v == verb)
}

/// `APIGroupMatches`.
pub fn api_group_matches(rule: &Value, group: &str) -> bool {
    strings(rule.field("apiGroups")).any(|g| g == "*" || g == group)
}

/// `ResourceMatches` for one rule resource against `resource[/subresource]`.
pub fn resource_matches<'a>(
    mut rule_resources: impl Iterator<Item = &'a str>,
    resource: &str,
    subresource: &str,
) -> bool {
    rule_resources.any(|r| {
        let combined = match r.split_once('/') {
            None => subresource.is_empty() && r == resource,
            Some((res, sub)) => res == resource && sub == subresource,
        };
        if r == "*" || combined {
            return true;
        }
        // "*/sub" matches any resource's subresource `sub`.
        if !subresource.is_empty()
            && r.len() == subresource.len() + 2
            && r.starts_with("*/")
            && r.ends_with(subresource)
        {
            return true;
        }
        false
    })
}

/// `ResourceNameMatches`: an empty list matches anything, else the name must be listed.
pub fn resource_name_matches(rule: &Value, name: &str) -> bool {
    let mut names = strings(rule.field("resourceNames")).peekable();
    names.peek().is_none() || names.any(|n| n == name)
}

/// `NonResourceURLMatches`: `*`, exact, or a `prefix*`.
pub fn non_resource_url_matches(rule: &Value, path: &str) -> bool {
    strings(rule.field("nonResourceURLs")).any(|u| {
        u == "*" || u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*')))
    })
}

/// `RuleAllows`.
pub fn rule_allows(attrs: &Attributes, rule: &Value) -> bool {
    if attrs.resource_request {
        verb_matches(rule, &attrs.verb)
            && api_group_matches(rule, &attrs.api_group)
            && resource_matches(
                strings(rule.field("resources")),
                &attrs.resource,
                &attrs.subresource,
            )
            && resource_name_matches(rule, &attrs.name)
    } else {
        verb_matches(rule, &attrs.verb) && non_resource_url_matches(rule, &attrs.path)
    }
}

/// `appliesToUser`: the first subject of a binding that matches, described as upstream does.
pub fn applies_to(subjects: &[Value], user: &UserInfo, binding_ns: &str) -> Option<String> {
    subject_naming(subjects, user, binding_ns).map(|s| subject_text(s, binding_ns))
}

/// The first of `subjects` that names the user.
fn subject_naming<'s>(
    subjects: &'s [Value],
    user: &UserInfo,
    binding_ns: &str,
) -> Option<&'s Value> {
    subjects.iter().find(|s| {
        let kind = s.field("kind").and_then(Value::as_str).unwrap_or("");
        let name = s.field("name").and_then(Value::as_str).unwrap_or("");
        match kind {
            "User" => user.username == name,
            "Group" => user.groups.iter().any(|g| g == name),
            "ServiceAccount" => {
                let ns = subject_namespace(s, binding_ns);
                // system:serviceaccount:<ns>:<name>, compared without writing it out.
                !ns.is_empty()
                    && user
                        .username
                        .strip_prefix("system:serviceaccount:")
                        .and_then(|rest| rest.strip_prefix(ns))
                        .and_then(|rest| rest.strip_prefix(':'))
                        == Some(name)
            }
            _ => false,
        }
    })
}

/// A service account subject's namespace (the binding's when it names none).
fn subject_namespace<'s>(s: &'s Value, binding_ns: &'s str) -> &'s str {
    s.field("namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(binding_ns)
}

/// A subject as the authorizer's reasons name it: `User "z"`, `Group "g"`,
/// `ServiceAccount "name/ns"`.
fn subject_text(s: &Value, binding_ns: &str) -> String {
    let kind = s.field("kind").and_then(Value::as_str).unwrap_or("");
    let name = s.field("name").and_then(Value::as_str).unwrap_or("");
    match kind {
        "ServiceAccount" => cat(&[
            "ServiceAccount \"",
            name,
            "/",
            subject_namespace(s, binding_ns),
            "\"",
        ]),
        _ => cat(&[kind, " \"", name, "\""]),
    }
}

fn subjects(binding: &Value) -> &[Value] {
    binding
        .field("subjects")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The rules of a role object.
pub fn rules(role: &Value) -> &[Value] {
    role.field("rules")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Resolves a binding's roleRef to the role object, or the error upstream's listers report.
pub fn resolve_role<'a>(
    store: &'a Store,
    binding: &Value,
    binding_ns: &str,
) -> Result<(&'a Value, String), String> {
    role_of(store, binding, binding_ns).map(|role| (role, role_text(binding)))
}

/// The role a binding refers to, or why it cannot be found (upstream's `GetRoleReferenceRules`
/// errors).
fn role_of<'a>(store: &'a Store, binding: &Value, binding_ns: &str) -> Result<&'a Value, String> {
    let (kind, name) = role_ref(binding);
    match kind {
        "ClusterRole" => store
            .get(GROUP, "clusterroles", "", name)
            .ok_or_else(|| format!("clusterrole.rbac.authorization.k8s.io \"{name}\" not found")),
        "Role" if !binding_ns.is_empty() => store
            .get(GROUP, "roles", binding_ns, name)
            .ok_or_else(|| format!("role.rbac.authorization.k8s.io \"{name}\" not found")),
        _ => Err(format!("unsupported role reference kind: \"{kind}\"")),
    }
}

/// A binding's `roleRef` kind and name.
fn role_ref(binding: &Value) -> (&str, &str) {
    let role_ref = binding.field("roleRef");
    let field = |k: &str| {
        role_ref
            .and_then(|r| r.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    (field("kind"), field("name"))
}

/// The role a binding refers to as reasons name it: `ClusterRole "view"`, `Role "developer"`.
fn role_text(binding: &Value) -> String {
    let (kind, name) = role_ref(binding);
    cat(&[kind, " \"", name, "\""])
}

/// The strings one after the other (what `format!` would give for plain `{}`s, at a fraction
/// of its cost: these are written for every binding of every request's graph).
fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Which bindings name which users and groups (service accounts by their user name), so a
/// check looks only at the bindings that can apply instead of all of them. Kept in the store
/// and brought up to date with each binding written, never rebuilt for a write.
#[derive(Debug, Default, Clone)]
pub struct SubjectIndex {
    /// Each binding's (namespace, name): ClusterRoleBindings have no namespace. A deleted
    /// binding leaves an empty slot.
    slots: Vec<Option<(String, String)>>,
    slot_of: HashMap<(String, String), u32>,
    /// Per slot, the keys it is listed under (`true` for a group).
    keys: Vec<Vec<(bool, String)>>,
    /// Per user name (service accounts as `system:serviceaccount:ns:name`) and per group: the
    /// bindings naming it, each with the position of its first subject that does.
    by_user: HashMap<String, Vec<(u32, u32)>>,
    by_group: HashMap<String, Vec<(u32, u32)>>,
    /// The bindings that are not the cluster's own (bootstrap policy, kubeadm's), the ones a
    /// learner wrote, in store order: ClusterRoleBindings (no namespace) first.
    authored: std::collections::BTreeSet<(String, String)>,
}

/// Whether a binding is one the cluster came with (the bootstrap policy's, kubeadm's).
pub fn is_bootstrap(binding: &Value) -> bool {
    let name = name_of(binding);
    name.starts_with("system:")
        || name.starts_with("kubeadm:")
        || name == "cluster-admin"
        || binding
            .field("metadata")
            .and_then(|m| m.field("labels"))
            .and_then(|l| l.field("kubernetes.io/bootstrapping"))
            .is_some()
}

/// The binding at (namespace, name): a ClusterRoleBinding when the namespace is empty.
fn binding_at<'a>(store: &'a Store, ns: &str, name: &str) -> Option<&'a Value> {
    if ns.is_empty() {
        store.get(GROUP, "clusterrolebindings", "", name)
    } else {
        store.get(GROUP, "rolebindings", ns, name)
    }
}

impl SubjectIndex {
    fn build(store: &Store) -> SubjectIndex {
        let mut index = SubjectIndex::default();
        let all = store
            .list(GROUP, "clusterrolebindings", None)
            .chain(store.list(GROUP, "rolebindings", None));
        for binding in all {
            index.add(binding);
        }
        index
    }

    /// Follows the bindings written since the index was built.
    fn update(&mut self, store: &Store, changes: &[crate::sim::store::Change]) -> bool {
        for c in changes {
            if c.group != GROUP
                || !matches!(c.resource.as_str(), "clusterrolebindings" | "rolebindings")
            {
                continue;
            }
            let ns = if c.resource == "clusterrolebindings" {
                ""
            } else {
                c.namespace.as_str()
            };
            self.remove(ns, &c.name);
            if let Some(binding) = binding_at(store, ns, &c.name) {
                self.add(binding);
            }
        }
        true
    }

    fn remove(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        let Some(slot) = self.slot_of.remove(&key) else {
            return;
        };
        for (group, k) in std::mem::take(&mut self.keys[slot as usize]) {
            let map = if group {
                &mut self.by_group
            } else {
                &mut self.by_user
            };
            if let Some(list) = map.get_mut(&k) {
                list.retain(|(s, _)| *s != slot);
                if list.is_empty() {
                    map.remove(&k);
                }
            }
        }
        self.slots[slot as usize] = None;
        self.authored.remove(&key);
    }

    fn add(&mut self, binding: &Value) {
        let ns = namespace_of(binding);
        let name = name_of(binding);
        let slot = self.slots.len() as u32;
        self.slots.push(Some((ns.to_string(), name.to_string())));
        self.slot_of
            .insert((ns.to_string(), name.to_string()), slot);
        if !is_bootstrap(binding) {
            self.authored.insert((ns.to_string(), name.to_string()));
        }
        let mut keys: Vec<(bool, String)> = Vec::new();
        for (pos, s) in subjects(binding).iter().enumerate() {
            let field = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("");
            let (group, key) = match field("kind") {
                "User" => (false, field("name").to_string()),
                "Group" => (true, field("name").to_string()),
                "ServiceAccount" => {
                    let sa_ns = Some(field("namespace"))
                        .filter(|n| !n.is_empty())
                        .unwrap_or(ns);
                    if sa_ns.is_empty() {
                        continue;
                    }
                    (
                        false,
                        format!("system:serviceaccount:{sa_ns}:{}", field("name")),
                    )
                }
                _ => continue,
            };
            let map = if group {
                &mut self.by_group
            } else {
                &mut self.by_user
            };
            let list = map.entry(key.clone()).or_default();
            // The first subject naming a key is the one that counts.
            if list.last().is_none_or(|(s, _)| *s != slot) {
                list.push((slot, pos as u32));
                keys.push((group, key));
            }
        }
        self.keys.push(keys);
    }
}

fn subject_index(store: &Store) -> std::rc::Rc<SubjectIndex> {
    store.memo(&SubjectIndex::build, &SubjectIndex::update)
}

/// The bindings the workspace or its user wrote (not the cluster's own), ClusterRoleBindings
/// then RoleBindings of `namespace` (every namespace when `None`), in store order.
pub fn authored_bindings<'a>(store: &'a Store, namespace: Option<&str>) -> Vec<&'a Value> {
    let index = subject_index(store);
    index
        .authored
        .iter()
        .filter(|(ns, _)| ns.is_empty() || namespace.is_none_or(|want| want == ns))
        .filter_map(|(ns, name)| binding_at(store, ns, name))
        .collect()
}

/// The ClusterRoleBindings, then the RoleBindings of `namespace`, that may name the user (in
/// store order; `applies_to` still decides).
pub fn candidate_bindings<'a>(
    store: &'a Store,
    user: &UserInfo,
    namespace: &str,
) -> Vec<(&'a Value, usize)> {
    bindings_naming(store, user, Some(namespace))
}

/// The bindings that name the user: ClusterRoleBindings, then RoleBindings of `namespace` (of
/// every namespace when `None`), in store order, each with the position of its first subject
/// that names the user (so a binding with thousands of subjects is not searched again).
pub fn bindings_naming<'a>(
    store: &'a Store,
    user: &UserInfo,
    namespace: Option<&str>,
) -> Vec<(&'a Value, usize)> {
    let index = subject_index(store);
    let mut hits: Vec<(u32, u32)> = Vec::new();
    let lists = index
        .by_user
        .get(&user.username)
        .into_iter()
        .chain(user.groups.iter().filter_map(|g| index.by_group.get(g)));
    for list in lists {
        hits.extend(list.iter().copied());
    }
    crate::sim::sort::natural(&mut hits);
    // One entry per binding, with its earliest matching subject.
    hits.dedup_by_key(|(b, _)| *b);
    let mut found: Vec<(&(String, String), usize)> = hits
        .into_iter()
        .filter_map(|(slot, pos)| {
            let key = index.slots.get(slot as usize)?.as_ref()?;
            let wanted = key.0.is_empty() || namespace.is_none_or(|want| want == key.0);
            wanted.then_some((key, pos as usize))
        })
        .collect();
    // Store order: ClusterRoleBindings (no namespace) first, then by namespace and name.
    crate::sim::sort::by(&mut found, &|a, b| a.0.cmp(b.0));
    found
        .into_iter()
        .filter_map(|((ns, name), pos)| binding_at(store, ns, name).map(|b| (b, pos)))
        .collect()
}

/// Where a rule came from, described as upstream's rule visitor does.
pub struct Source<'a> {
    /// The binding.
    pub binding: &'a Value,
    /// The bound role object.
    pub role: &'a Value,
    /// The binding's subject that names the user.
    subject: &'a Value,
    /// The binding's namespace (empty for a ClusterRoleBinding).
    binding_ns: &'a str,
}

impl Source<'_> {
    /// `ClusterRoleBinding "x" of ClusterRole "y" to User "z"` and the like.
    pub fn describe(&self) -> String {
        let (role, subject) = (role_text(self.binding), self.subject());
        if self.binding_ns.is_empty() {
            format!(
                "ClusterRoleBinding \"{}\" of {role} to {subject}",
                name_of(self.binding)
            )
        } else {
            format!(
                "RoleBinding \"{}/{}\" of {role} to {subject}",
                name_of(self.binding),
                self.binding_ns
            )
        }
    }

    /// The binding's subject that names the user (`User "z"`).
    pub fn subject(&self) -> String {
        subject_text(self.subject, self.binding_ns)
    }
}

/// Upstream `VisitRulesFor`: every rule that applies to the user in `namespace` (cluster-wide
/// bindings first), with its source; role-resolution errors are collected. The visitor
/// returns false to stop.
pub fn visit_rules_for(
    store: &Store,
    user: &UserInfo,
    namespace: &str,
    errors: &mut Vec<String>,
    visitor: &mut dyn FnMut(&Source<'_>, &Value) -> bool,
) {
    for (binding, first) in candidate_bindings(store, user, namespace) {
        let ns = namespace_of(binding);
        let Some(subject) = subject_naming(subjects(binding).get(first..).unwrap_or(&[]), user, ns)
        else {
            continue;
        };
        match role_of(store, binding, ns) {
            Ok(role) => {
                let source = Source {
                    binding,
                    role,
                    subject,
                    binding_ns: ns,
                };
                for rule in rules(role) {
                    if !visitor(&source, rule) {
                        return;
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
}

/// A rule as one line: `get, list pods, pods/log [names: a, b]` or `get /healthz`.
pub fn rule_text(rule: &Value) -> String {
    let mut out = String::new();
    let join = |out: &mut String, k: &str, map: fn(&str) -> &str| {
        for (i, x) in strings(rule.get(k)).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(map(x));
        }
    };
    join(&mut out, "verbs", |x| x);
    out.push(' ');
    if rule
        .field("nonResourceURLs")
        .and_then(Value::as_array)
        .is_some_and(|u| !u.is_empty())
    {
        join(&mut out, "nonResourceURLs", |x| x);
        return out;
    }
    join(&mut out, "resources", |x| x);
    let named_group = strings(rule.field("apiGroups")).any(|g| !g.is_empty());
    if named_group {
        out.push_str(" (");
        join(
            &mut out,
            "apiGroups",
            |g| if g.is_empty() { "core" } else { g },
        );
        out.push(')');
    }
    if strings(rule.field("resourceNames")).next().is_some() {
        out.push_str(" [names: ");
        join(&mut out, "resourceNames", |x| x);
        out.push(']');
    }
    out
}

/// The user's RBAC graph for a request: each binding that names the user (subject →
/// binding → role → rules), the rules that allow this request marked.
pub fn graph(store: &Store, a: &Attributes) -> Vec<GraphRow> {
    authorize_graphed(store, a, true).1.unwrap_or_default()
}

/// Upstream's `RulesFor`: every rule bound to the user in `namespace`, and the resolution
/// errors.
pub fn rules_for(store: &Store, user: &UserInfo, namespace: &str) -> (Vec<Value>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    visit_rules_for(store, user, namespace, &mut errors, &mut |_, rule| {
        out.push(rule.clone());
        true
    });
    (out, errors)
}

/// Evaluates RBAC for one request.
pub fn authorize(store: &Store, attrs: &Attributes) -> RbacDecision {
    authorize_graphed(store, attrs, false).0
}

/// Evaluates RBAC for one request and, with `want_graph`, draws the user's graph in the same
/// walk over their rules (which then goes on past the rule that allows, as the graph shows
/// every rule; the decision is the same, as upstream's walk stops at that rule and a later
/// binding's error cannot undo an allow).
pub fn authorize_graphed(
    store: &Store,
    attrs: &Attributes,
    want_graph: bool,
) -> (RbacDecision, Option<Vec<GraphRow>>) {
    let mut errors: Vec<String> = Vec::new();
    let mut allowed_by = None;
    let mut rows: Vec<GraphRow> = Vec::new();
    let mut last: *const Value = std::ptr::null();
    visit_rules_for(
        store,
        &attrs.user,
        &attrs.namespace,
        &mut errors,
        &mut |source, rule| {
            let allows = rule_allows(attrs, rule);
            if allows && allowed_by.is_none() {
                allowed_by = Some(format!("RBAC: allowed by {}", source.describe()));
                if !want_graph {
                    return false;
                }
            }
            if want_graph {
                // A new row only when the binding changes (rules of one binding come
                // together).
                if !std::ptr::eq(last, source.binding) {
                    last = source.binding;
                    let ns = namespace_of(source.binding);
                    let binding = if ns.is_empty() {
                        cat(&["ClusterRoleBinding ", name_of(source.binding)])
                    } else {
                        cat(&["RoleBinding ", ns, "/", name_of(source.binding)])
                    };
                    let role = cat(&[
                        source
                            .role
                            .field("kind")
                            .and_then(Value::as_str)
                            .unwrap_or("Role"),
                        " ",
                        name_of(source.role),
                    ]);
                    rows.push(GraphRow {
                        subject: source.subject(),
                        binding,
                        role,
                        rules: Vec::new(),
                        near_miss: false,
                    });
                }
                if let Some(row) = rows.last_mut() {
                    row.rules.push(GraphRule {
                        text: rule_text(rule),
                        allows,
                    });
                }
            }
            true
        },
    );
    let graph = want_graph.then_some(rows);
    if let Some(reason) = allowed_by {
        let d = RbacDecision {
            decision: Decision::Allow,
            reason,
        };
        return (d, graph);
    }
    let d = RbacDecision {
        decision: Decision::NoOpinion,
        reason: match super::aggregate_errors(&errors) {
            Some(e) => format!("RBAC: {e}"),
            None => String::new(),
        },
    };
    (d, graph)
}

/// The key two rules share when upstream's `equality.Semantic.DeepEqual` finds them equal: the
/// five fields in a fixed order, a missing list the same as an empty one.
fn rule_key(rule: &Value) -> String {
    let mut key = String::new();
    for field in [
        "verbs",
        "apiGroups",
        "resources",
        "resourceNames",
        "nonResourceURLs",
    ] {
        for s in strings(rule.get(field)) {
            key.push_str(s);
            key.push('\u{1}');
        }
        key.push('\u{2}');
    }
    key
}

/// Upstream's `syncClusterRole` for one aggregated role: for each selector in order, the
/// selected roles by name (never the role itself), their rules in order, each rule once.
fn aggregated_rules(inputs: &[usize], current: &dyn Fn(usize) -> Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &j in inputs {
        for rule in current(j) {
            if seen.insert(rule_key(&rule)) {
                out.push(rule);
            }
        }
    }
    out
}

/// The ClusterRole aggregation controller run to convergence: every ClusterRole with an
/// `aggregationRule` gets the rules of the ClusterRoles its selectors pick (per selector, by
/// name, each rule once, as `syncClusterRole` builds them). Aggregated roles can feed other
/// aggregated roles (view → edit → admin), so roles are settled dependencies first: the
/// selection graph's strongly connected components in reverse topological order, each settled
/// once — a chain of any length converges in one pass. Roles that select each other in a cycle
/// get the least fixpoint (what the controller reaches from empty rules). Returns the names of
/// the roles it changed.
pub fn aggregate(store: &mut Store) -> Vec<String> {
    let mut roles: Vec<&Value> = store.list(GROUP, "clusterroles", None).collect();
    roles.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    let n = roles.len();
    let selectors = |i: usize| -> Option<&Vec<Value>> {
        let rule = roles[i].field("aggregationRule").filter(|r| !r.is_null())?;
        static NONE: Vec<Value> = Vec::new();
        Some(
            rule.field("clusterRoleSelectors")
                .and_then(Value::as_array)
                .unwrap_or(&NONE),
        )
    };
    // The roles each aggregated role reads, in upstream's order. A selector upstream cannot
    // convert makes its sync fail: that role keeps the rules it has.
    let mut inputs: Vec<Option<Vec<usize>>> = vec![None; n];
    for (i, slot) in inputs.iter_mut().enumerate() {
        let Some(sels) = selectors(i) else { continue };
        let Ok(sels) = sels
            .iter()
            .map(|s| crate::sim::labels::from_label_selector(Some(s)))
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let mut picked = Vec::new();
        for sel in &sels {
            for (j, other) in roles.iter().enumerate() {
                if j != i && sel.matches(other.ptr("/metadata/labels")) {
                    picked.push(j);
                }
            }
        }
        *slot = Some(picked);
    }
    let order = strongly_connected_components(n, &|i| {
        inputs[i]
            .iter()
            .flatten()
            .copied()
            .filter(|&j| inputs[j].is_some())
            .collect()
    });
    let mut settled: Vec<Option<Vec<Value>>> = vec![None; n];
    for component in order {
        let members: Vec<usize> = component
            .into_iter()
            .filter(|&i| inputs[i].is_some())
            .collect();
        if members.is_empty() {
            continue;
        }
        // Inside a cycle, start from empty rules and repeat until nothing changes; the sets only
        // grow, so this ends once every rule has reached every member (bounded for safety).
        for &m in &members {
            settled[m] = Some(Vec::new());
        }
        let rounds = if members.len() == 1 {
            1
        } else {
            members.len() + 64
        };
        for _ in 0..rounds {
            let mut changed = false;
            for &m in &members {
                let current = |j: usize| match &settled[j] {
                    Some(r) => r.clone(),
                    None => rules(roles[j]).to_vec(),
                };
                let new = aggregated_rules(inputs[m].as_deref().unwrap_or(&[]), &current);
                if settled[m].as_ref() != Some(&new) {
                    settled[m] = Some(new);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    let mut updates = Vec::new();
    for (i, new) in settled.into_iter().enumerate() {
        let Some(new) = new else { continue };
        let old = rules(roles[i]);
        let same = old.len() == new.len()
            && old
                .iter()
                .zip(&new)
                .all(|(a, b)| rule_key(a) == rule_key(b));
        if !same {
            let mut updated = roles[i].clone();
            updated["rules"] = Value::Array(new);
            if let Some(meta) = updated.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("resourceVersion");
            }
            updates.push(updated);
        }
    }
    let mut changed = Vec::new();
    for updated in updates {
        let name = name_of(&updated).to_string();
        if store.update(GROUP, "clusterroles", updated).is_ok() {
            changed.push(name);
        }
    }
    changed
}

/// Tarjan's algorithm without recursion: the strongly connected components of a graph, each
/// listed after every component it reaches (dependencies first).
fn strongly_connected_components(n: usize, edges: &dyn Fn(usize) -> Vec<usize>) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, its edges, how many of them were followed)
        let mut work: Vec<(usize, Vec<usize>, usize)> = vec![(root, edges(root), 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(top) = work.last_mut() {
            let v = top.0;
            if let Some(&w) = top.1.get(top.2) {
                top.2 += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, edges(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(parent) = work.last() {
                low[parent.0] = low[parent.0].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Port of upstream pkg/apis/rbac/helpers_test.go TestResourceMatches.
    #[test]
    fn resource_matching_table() {
        let cases: &[(&[&str], &str, &str, bool)] = &[
            (&["*"], "foo", "", true),
            (&["*"], "foo", "bar", true),
            (&["foo"], "foo", "", true),
            (&["foo"], "foo", "bar", false),
            (&["foo/bar"], "foo", "bar", true),
            (&["foo/*"], "foo", "bar", false),
            (&["*/bar"], "foo", "bar", true),
            (&["*/bar"], "foo", "", false),
            (&["*/bar"], "foo", "baz", false),
            (&["*/bar"], "foo", "bar/baz", false),
            (&["*/bar/baz"], "foo", "bar/baz", true),
            (&["*/barbar"], "foo", "bar", false),
            (&["foo/bar/*"], "foo", "bar/baz", false),
        ];
        for (rules, res, sub, want) in cases {
            assert_eq!(
                resource_matches(rules.iter().copied(), res, sub),
                *want,
                "{rules:?} {res}/{sub}"
            );
        }
    }

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            username: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        }
    }

    // After upstream pkg/registry/rbac/validation/rule_test.go TestAppliesTo.
    #[test]
    fn subjects_apply_as_upstream() {
        let cases: Vec<(Value, UserInfo, &str, Option<&str>)> = vec![
            (
                json!([{"kind":"User","name":"foobar"}]),
                user("foobar", &[]),
                "",
                Some("User \"foobar\""),
            ),
            (
                json!([{"kind":"User","name":"barfoo"},{"kind":"User","name":"foobar"}]),
                user("foobar", &[]),
                "",
                Some("User \"foobar\""),
            ),
            (
                json!([{"kind":"User","name":"foobar"}]),
                user("zimzam", &[]),
                "",
                None,
            ),
            (
                json!([{"kind":"Group","name":"foobar"}]),
                user("zimzam", &["foobar"]),
                "",
                Some("Group \"foobar\""),
            ),
            (
                json!([{"kind":"ServiceAccount","name":"default","namespace":"kube-system"}]),
                user("system:serviceaccount:kube-system:default", &[]),
                "",
                Some("ServiceAccount \"default/kube-system\""),
            ),
            (
                json!([{"kind":"ServiceAccount","name":"default"}]),
                user("system:serviceaccount:default:default", &[]),
                "default",
                Some("ServiceAccount \"default/default\""),
            ),
            (
                json!([{"kind":"ServiceAccount","name":"default"}]),
                user("system:serviceaccount:default:default", &[]),
                "",
                None,
            ),
            (
                json!([{"kind":"ServiceAccount","name":"foo","namespace":"kube-system"}]),
                user("system:serviceaccount:kube-system:default", &[]),
                "",
                None,
            ),
            (
                json!([{"kind":"Group","name":"system:serviceaccounts"}]),
                user(
                    "system:serviceaccount:kube-system:default",
                    &["system:serviceaccounts"],
                ),
                "",
                Some("Group \"system:serviceaccounts\""),
            ),
            (
                json!([{"kind":"Other","name":"foobar"}]),
                user("foobar", &["foobar"]),
                "",
                None,
            ),
        ];
        for (subjects, u, ns, want) in cases {
            let subjects = subjects.as_array().unwrap().clone();
            assert_eq!(
                applies_to(&subjects, &u, ns).as_deref(),
                want,
                "{subjects:?}"
            );
        }
    }

    fn attrs(verb: &str, group: &str, res: &str, sub: &str, ns: &str, name: &str) -> Attributes {
        Attributes {
            user: user("dev-user", &["system:authenticated"]),
            verb: verb.into(),
            resource_request: true,
            api_group: group.into(),
            resource: res.into(),
            subresource: sub.into(),
            namespace: ns.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn rules_match_verbs_groups_names_and_urls() {
        let rule = json!({"apiGroups":[""],"resources":["pods"],"verbs":["get","update","create"],"resourceNames":["blue","orange"]});
        assert!(rule_allows(
            &attrs("get", "", "pods", "", "d", "blue"),
            &rule
        ));
        assert!(!rule_allows(
            &attrs("get", "", "pods", "", "d", "green"),
            &rule
        ));
        // resourceNames cannot restrict create: a create has no name.
        assert!(!rule_allows(
            &attrs("create", "", "pods", "", "d", ""),
            &rule
        ));
        assert!(!rule_allows(
            &attrs("GET", "", "pods", "", "d", "blue"),
            &rule
        ));
        assert!(!rule_allows(
            &attrs("get", "apps", "pods", "", "d", "blue"),
            &rule
        ));
        assert!(!rule_allows(
            &attrs("get", "", "pods", "log", "d", "blue"),
            &rule
        ));
        let nr = json!({"nonResourceURLs":["/apis/*","/healthz"],"verbs":["get"]});
        let mut a = attrs("get", "", "", "", "", "");
        a.resource_request = false;
        for (path, want) in [
            ("/healthz", true),
            ("/apis/v1", true),
            ("/apis/", true),
            ("/apis", false),
            ("/healthz/x", false),
        ] {
            a.path = path.into();
            assert_eq!(rule_allows(&a, &nr), want, "{path}");
        }
    }

    fn rbac_store() -> Store {
        let mut s = Store::new(0, 1);
        s.create(
            GROUP,
            "roles",
            json!({"metadata":{"name":"developer","namespace":"blue"},
            "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["list","create","delete"]}]}),
            0,
        )
        .unwrap();
        s.create(
            GROUP,
            "rolebindings",
            json!({"metadata":{"name":"dev","namespace":"blue"},
            "roleRef":{"apiGroup":GROUP,"kind":"Role","name":"developer"},
            "subjects":[{"kind":"User","name":"dev-user","apiGroup":GROUP}]}),
            0,
        )
        .unwrap();
        s.create(GROUP, "clusterroles", json!({"metadata":{"name":"cluster-administrator"},
            "rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get","list","delete","create"]}]}), 0).unwrap();
        s.create(
            GROUP,
            "clusterrolebindings",
            json!({"metadata":{"name":"admins"},
            "roleRef":{"apiGroup":GROUP,"kind":"ClusterRole","name":"cluster-administrator"},
            "subjects":[{"kind":"Group","name":"ops","apiGroup":GROUP}]}),
            0,
        )
        .unwrap();
        s.create(
            GROUP,
            "rolebindings",
            json!({"metadata":{"name":"broken","namespace":"red"},
            "roleRef":{"apiGroup":GROUP,"kind":"Role","name":"missing"},
            "subjects":[{"kind":"User","name":"dev-user"}]}),
            0,
        )
        .unwrap();
        s
    }

    #[test]
    fn role_bindings_grant_only_in_their_namespace() {
        let s = rbac_store();
        let d = authorize(&s, &attrs("create", "", "pods", "", "blue", ""));
        assert_eq!(d.decision, Decision::Allow);
        assert_eq!(
            d.reason,
            "RBAC: allowed by RoleBinding \"dev/blue\" of Role \"developer\" to User \"dev-user\""
        );
        let d = authorize(&s, &attrs("create", "", "pods", "", "default", ""));
        assert_eq!(d.decision, Decision::NoOpinion);
        assert_eq!(d.reason, "");
        // Cluster scope never consults RoleBindings.
        assert_eq!(
            authorize(&s, &attrs("list", "", "pods", "", "", "")).decision,
            Decision::NoOpinion
        );
        // A binding to a missing role is an error in the reason, not a stop.
        let d = authorize(&s, &attrs("get", "", "pods", "", "red", "x"));
        assert_eq!(
            d.reason,
            "RBAC: role.rbac.authorization.k8s.io \"missing\" not found"
        );
    }

    #[test]
    fn drawing_the_graph_in_the_same_walk_leaves_the_decision_alone() {
        let mut s = rbac_store();
        // After the binding that allows, one whose role is missing: the walk that draws the
        // graph goes on to it, and must not turn the allow into an error.
        s.create(
            GROUP,
            "rolebindings",
            json!({"metadata":{"name":"zz-broken","namespace":"blue"},
            "roleRef":{"apiGroup":GROUP,"kind":"Role","name":"missing"},
            "subjects":[{"kind":"User","name":"dev-user"}]}),
            0,
        )
        .unwrap();
        let mut ops = attrs("delete", "", "nodes", "", "", "worker-2");
        ops.user.groups.push("ops".into());
        for a in [
            attrs("create", "", "pods", "", "blue", ""),
            attrs("get", "", "pods", "", "blue", "x"),
            attrs("get", "", "pods", "", "red", "x"),
            attrs("create", "", "pods", "", "default", ""),
            ops,
        ] {
            let (graphed, graph) = authorize_graphed(&s, &a, true);
            let plain = authorize(&s, &a);
            assert_eq!(
                (graphed.decision, &graphed.reason),
                (plain.decision, &plain.reason),
                "{a:?}"
            );
            assert!(authorize_graphed(&s, &a, false).1.is_none());
            let graph = graph.unwrap();
            // The rules marked as allowing are exactly those that allow.
            let allowing = graph
                .iter()
                .flat_map(|r| &r.rules)
                .filter(|r| r.allows)
                .count();
            assert_eq!(allowing > 0, plain.decision == Decision::Allow, "{graph:?}");
        }
        let (_, graph) = authorize_graphed(&s, &attrs("create", "", "pods", "", "blue", ""), true);
        let graph = graph.unwrap();
        assert_eq!(graph.len(), 1, "{graph:?}");
        assert_eq!(graph[0].subject, "User \"dev-user\"");
        assert_eq!(graph[0].binding, "RoleBinding blue/dev");
        assert_eq!(graph[0].role, "Role developer");
        assert_eq!(graph[0].rules[0].text, "list, create, delete pods");
        assert!(graph[0].rules[0].allows);
    }

    #[test]
    fn cluster_role_bindings_apply_to_groups_everywhere() {
        let s = rbac_store();
        let mut a = attrs("delete", "", "nodes", "", "", "worker-2");
        assert_eq!(authorize(&s, &a).decision, Decision::NoOpinion);
        a.user.groups.push("ops".into());
        let d = authorize(&s, &a);
        assert_eq!(
            d.reason,
            "RBAC: allowed by ClusterRoleBinding \"admins\" of ClusterRole \"cluster-administrator\" to Group \"ops\""
        );
    }

    #[test]
    fn aggregation_collects_labelled_rules_in_name_order() {
        let mut s = Store::new(0, 1);
        s.create(GROUP, "clusterroles", json!({"metadata":{"name":"monitoring"},
            "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"agg":"true"}}]},"rules":[]}), 0).unwrap();
        s.create(
            GROUP,
            "clusterroles",
            json!({"metadata":{"name":"b","labels":{"agg":"true"}},
            "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}),
            0,
        )
        .unwrap();
        s.create(GROUP, "clusterroles", json!({"metadata":{"name":"a","labels":{"agg":"true"}},
            "rules":[{"apiGroups":[""],"resources":["services"],"verbs":["get"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}), 0).unwrap();
        s.create(
            GROUP,
            "clusterroles",
            json!({"metadata":{"name":"c"},
            "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}),
            0,
        )
        .unwrap();
        assert_eq!(aggregate(&mut s), ["monitoring"]);
        let m = s.get(GROUP, "clusterroles", "", "monitoring").unwrap();
        assert_eq!(
            m["rules"],
            json!([{"apiGroups":[""],"resources":["services"],"verbs":["get"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}])
        );
        assert!(aggregate(&mut s).is_empty());
    }
    fn cluster_role(name: &str, labels: Value, selectors: Option<Value>, rules: Value) -> Value {
        let mut role = json!({"metadata": {"name": name, "labels": labels}, "rules": rules});
        if let Some(sel) = selectors {
            role["aggregationRule"] = json!({"clusterRoleSelectors": sel});
        }
        role
    }

    fn rule(resource: &str) -> Value {
        json!({"apiGroups": [""], "resources": [resource], "verbs": ["get"]})
    }

    #[test]
    fn aggregation_follows_selector_order_then_names_and_semantic_duplicates() {
        let mut s = Store::new(0, 1);
        for role in [
            cluster_role(
                "agg",
                json!({}),
                Some(json!([{"matchLabels": {"s": "2"}}, {"matchLabels": {"s": "1"}}])),
                json!([rule("stale")]),
            ),
            cluster_role(
                "a",
                json!({"s": "1"}),
                None,
                json!([rule("pods"), rule("services")]),
            ),
            cluster_role("b", json!({"s": "2"}), None, json!([rule("secrets")])),
            // The same rule as a's first, with an empty resourceNames: semantically equal.
            cluster_role(
                "c",
                json!({"s": "2"}),
                None,
                json!([{"apiGroups": [""], "resources": ["pods"], "resourceNames": [], "verbs": ["get"]}]),
            ),
        ] {
            s.create(GROUP, "clusterroles", role, 0).unwrap();
        }
        assert_eq!(aggregate(&mut s), ["agg"]);
        let agg = s.get(GROUP, "clusterroles", "", "agg").unwrap();
        let got: Vec<&str> = agg["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["resources"][0].as_str().unwrap())
            .collect();
        // Selector s=2 first (b, c by name), then s=1 (a); a's pods rule equals c's.
        assert_eq!(got, ["secrets", "pods", "services"]);
    }

    #[test]
    fn aggregation_converges_along_a_long_chain_in_one_pass() {
        // r0 selects r1, r1 selects r2, …, r249 holds the one plain rule: upstream needs 250
        // requeues to settle this; the old fixed eight rounds never did.
        let mut s = Store::new(0, 1);
        let n = 250;
        for i in 0..n {
            let labels = json!({"link": format!("{i}")});
            let role = if i + 1 < n {
                cluster_role(
                    &format!("r{i:03}"),
                    labels,
                    Some(json!([{"matchLabels": {"link": format!("{}", i + 1)}}])),
                    json!([]),
                )
            } else {
                cluster_role(&format!("r{i:03}"), labels, None, json!([rule("pods")]))
            };
            s.create(GROUP, "clusterroles", role, 0).unwrap();
        }
        assert_eq!(aggregate(&mut s).len(), n - 1);
        let first = s.get(GROUP, "clusterroles", "", "r000").unwrap();
        assert_eq!(first["rules"], json!([rule("pods")]));
        assert!(aggregate(&mut s).is_empty(), "a second run changes nothing");
    }

    #[test]
    fn roles_that_select_each_other_settle_on_the_least_fixpoint() {
        // 100 aggregated roles that all select one another (27 KB of YAML took 54 s), plus
        // two plain roles feeding the cycle.
        let mut s = Store::new(0, 1);
        for i in 0..100 {
            let role = cluster_role(
                &format!("m{i:03}"),
                json!({"ring": "yes"}),
                Some(json!([{"matchLabels": {"ring": "yes"}}, {"matchLabels": {"feed": "yes"}}])),
                json!([rule("stale")]),
            );
            s.create(GROUP, "clusterroles", role, 0).unwrap();
        }
        s.create(
            GROUP,
            "clusterroles",
            cluster_role("x", json!({"feed": "yes"}), None, json!([rule("pods")])),
            0,
        )
        .unwrap();
        s.create(
            GROUP,
            "clusterroles",
            cluster_role("y", json!({"ring": "yes"}), None, json!([rule("nodes")])),
            0,
        )
        .unwrap();
        assert_eq!(aggregate(&mut s).len(), 100);
        for i in [0, 57, 99] {
            let m = s
                .get(GROUP, "clusterroles", "", &format!("m{i:03}"))
                .unwrap();
            assert_eq!(m["rules"], json!([rule("nodes"), rule("pods")]), "m{i:03}");
        }
        assert!(aggregate(&mut s).is_empty());
    }

    #[test]
    fn components_come_dependencies_first() {
        // 0 → 1 → 2 ⇄ 3, 4 alone.
        let edges = |i: usize| match i {
            0 => vec![1],
            1 => vec![2],
            2 => vec![3],
            3 => vec![2],
            _ => vec![],
        };
        let order = strongly_connected_components(5, &edges);
        assert_eq!(order, vec![vec![2, 3], vec![1], vec![0], vec![4]]);
    }

    #[test]
    fn the_subject_index_follows_writes_as_a_rebuilt_one_would() {
        let mut s = Store::new(0, 1);
        let rb = |ns: &str, name: &str, subjects: Value| {
            json!({"metadata": {"name": name, "namespace": ns},
                "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": "view"},
                "subjects": subjects})
        };
        let user = |name: &str, groups: &[&str]| UserInfo {
            username: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        };
        let names = |store: &Store, u: &UserInfo| -> Vec<(String, usize)> {
            bindings_naming(store, u, None)
                .into_iter()
                .map(|(b, pos)| (format!("{}/{}", namespace_of(b), name_of(b)), pos))
                .collect()
        };
        let users = [
            user("jane", &[]),
            user("bob", &["devs"]),
            user(
                "system:serviceaccount:blue:robot",
                &["system:serviceaccounts"],
            ),
        ];
        s.create(
            GROUP,
            "rolebindings",
            rb("blue", "a", json!([{"kind": "User", "name": "jane"}])),
            0,
        )
        .unwrap();
        // Built once here, then only updated.
        let _ = names(&s, &users[0]);
        s.create(
            GROUP,
            "rolebindings",
            rb(
                "blue",
                "b",
                json!([{"kind": "Group", "name": "devs"}, {"kind": "User", "name": "jane"}]),
            ),
            0,
        )
        .unwrap();
        s.create(
            GROUP,
            "clusterrolebindings",
            rb(
                "",
                "c",
                json!([{"kind": "ServiceAccount", "name": "robot", "namespace": "blue"}]),
            ),
            0,
        )
        .unwrap();
        assert_eq!(
            names(&s, &users[0]),
            [("blue/a".to_string(), 0), ("blue/b".to_string(), 1)]
        );
        let mut b = s.get(GROUP, "rolebindings", "blue", "b").unwrap().clone();
        b["subjects"] = json!([{"kind": "User", "name": "bob"}]);
        s.update(GROUP, "rolebindings", b).unwrap();
        s.delete(GROUP, "rolebindings", "blue", "a").unwrap();
        for u in &users {
            let mut fresh = Store::new(0, 1);
            for res in ["rolebindings", "clusterrolebindings"] {
                for o in s.list(GROUP, res, None) {
                    fresh.create(GROUP, res, o.clone(), 0).unwrap();
                }
            }
            assert_eq!(names(&s, u), names(&fresh, u), "{}", u.username);
        }
        assert!(names(&s, &users[0]).is_empty());
        assert_eq!(names(&s, &users[1]), [("blue/b".to_string(), 0)]);
        assert_eq!(names(&s, &users[2]), [("/c".to_string(), 0)]);
    }
}

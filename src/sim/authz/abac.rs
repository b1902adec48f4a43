//! The ABAC authorizer: `--authorization-policy-file`, one JSON policy per line, in the
//! `abac.authorization.kubernetes.io/v1beta1` format or the older unversioned (v0) one. The
//! first policy that matches allows; none matching is no opinion ("No policy matched.").
//! See <https://kubernetes.io/docs/reference/access-authn-authz/abac/>.

use serde_json::{json, Map, Value};

use super::Attributes;
use crate::sim::authn::UserInfo;

/// The policy API version of the current format.
pub const V1BETA1: &str = "abac.authorization.kubernetes.io/v1beta1";
const V0: &str = "abac.authorization.kubernetes.io/v0";

/// One policy line, converted to the internal form (v0's defaults applied).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// 1-based line in the policy file.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// `user` (`*` for everyone).
    pub user: String,
    /// `group` (`*` for everyone).
    pub group: String,
    /// Read-only policies allow only get, list and watch.
    pub readonly: bool,
    /// `apiGroup` (`*` for all).
    pub api_group: String,
    /// `resource` (`*` for all).
    pub resource: String,
    /// `namespace` (`*` for all).
    pub namespace: String,
    /// `nonResourcePath` (`*`, exact, or `prefix*`).
    pub non_resource_path: String,
}

/// A problem in the policy file: line (1-based), column (1-based, in the line) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line in the file.
    pub line: usize,
    /// Column in that line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// Errors stop the API server; warnings (unknown fields) do not.
    pub error: bool,
}

const V1BETA1_SPEC: &[&str] = &[
    "user",
    "group",
    "readonly",
    "apiGroup",
    "resource",
    "namespace",
    "nonResourcePath",
];
const V0_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "user",
    "group",
    "readonly",
    "resource",
    "namespace",
];

/// Parses a policy file as the API server reads it at start-up: blank lines and lines starting
/// with `#` are skipped; an error stops at its line.
pub fn parse(text: &str) -> (Vec<Policy>, Vec<Problem>) {
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let problem = |column: usize, message: String, error: bool| Problem {
            line,
            column,
            message,
            error,
        };
        let value: Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                problems.push(problem(
                    e.column().max(1),
                    format!("invalid JSON: {e}"),
                    true,
                ));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            problems.push(problem(1, "a policy must be a JSON object".into(), true));
            continue;
        };
        let column_of = |key: &str| raw.find(&format!("\"{key}\"")).map_or(1, |c| c + 1);
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let mut fields = Map::new();
        let versioned = api_version == V1BETA1;
        if versioned {
            if obj.get("kind").and_then(Value::as_str) != Some("Policy") {
                problems.push(problem(
                    column_of("kind"),
                    format!(
                        "no kind {:?} is registered for version {V1BETA1:?}",
                        obj.get("kind").and_then(Value::as_str).unwrap_or("")
                    ),
                    true,
                ));
                continue;
            }
            for key in obj.keys() {
                if !matches!(key.as_str(), "apiVersion" | "kind" | "spec") {
                    problems.push(problem(
                        column_of(key),
                        format!("unknown field {key:?}"),
                        false,
                    ));
                }
            }
            match obj.get("spec") {
                Some(Value::Object(spec)) => fields = spec.clone(),
                Some(_) => {
                    problems.push(problem(
                        column_of("spec"),
                        "spec must be an object".into(),
                        true,
                    ));
                    continue;
                }
                None => {}
            }
            for key in fields.keys() {
                if !V1BETA1_SPEC.contains(&key.as_str()) {
                    problems.push(problem(
                        column_of(key),
                        format!("unknown field \"spec.{key}\""),
                        false,
                    ));
                }
            }
        } else if api_version.is_empty() || api_version == V0 {
            fields = obj.clone();
            for key in fields.keys() {
                if !V0_FIELDS.contains(&key.as_str()) {
                    problems.push(problem(
                        column_of(key),
                        format!("unknown field {key:?}"),
                        false,
                    ));
                }
            }
        } else {
            problems.push(problem(
                column_of("apiVersion"),
                format!("unknown apiVersion {api_version:?}: use {V1BETA1:?} or leave it out for the unversioned (v0) format"),
                true,
            ));
            continue;
        }
        let mut bad = false;
        let mut text_of = |key: &str| -> String {
            match fields.get(key) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    problems.push(problem(
                        column_of(key),
                        format!("{key}: expected a string, got {other}"),
                        true,
                    ));
                    bad = true;
                    String::new()
                }
            }
        };
        let user = text_of("user");
        let group = text_of("group");
        let api_group = text_of("apiGroup");
        let resource = text_of("resource");
        let namespace = text_of("namespace");
        let non_resource_path = text_of("nonResourcePath");
        let readonly = match fields.get("readonly") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                problems.push(problem(
                    column_of("readonly"),
                    format!("readonly: expected true or false, got {other}"),
                    true,
                ));
                continue;
            }
        };
        if bad {
            continue;
        }
        let mut p = Policy {
            line,
            text: raw.to_string(),
            user,
            group,
            readonly,
            api_group,
            resource,
            namespace,
            non_resource_path,
        };
        if versioned {
            // v1beta1: a `*` user or group means every authenticated subject.
            if p.user == "*" || p.group == "*" {
                p.group = "system:authenticated".into();
                p.user.clear();
            }
        } else {
            // v0: no subject, or a `*` one, is every authenticated subject; an empty namespace
            // or resource is all of them; every API group; neither namespace nor resource
            // also allows every non-resource path.
            if p.user.is_empty() && p.group.is_empty() {
                p.group = "system:authenticated".into();
            }
            if p.user == "*" || p.group == "*" {
                p.group = "system:authenticated".into();
                p.user.clear();
            }
            if p.namespace.is_empty() && p.resource.is_empty() {
                p.non_resource_path = "*".into();
            }
            if p.namespace.is_empty() {
                p.namespace = "*".into();
            }
            if p.resource.is_empty() {
                p.resource = "*".into();
            }
            p.api_group = "*".into();
        }
        policies.push(p);
    }
    (policies, problems)
}

/// Upstream `subjectMatches`: a set user must match, a set group must be one of the user's;
/// a policy with neither matches nobody.
pub fn subject_matches(p: &Policy, user: &UserInfo) -> bool {
    let mut matched = false;
    if !p.user.is_empty() {
        if p.user == "*" || p.user == user.username {
            matched = true;
        } else {
            return false;
        }
    }
    if !p.group.is_empty() {
        if p.group == "*" || user.groups.contains(&p.group) {
            matched = true;
        } else {
            return false;
        }
    }
    matched
}

fn read_only(verb: &str) -> bool {
    matches!(verb, "get" | "list" | "watch")
}

/// Whether a policy allows the request, and if not, the first part that does not match.
pub fn explain(p: &Policy, a: &Attributes) -> Result<(), &'static str> {
    if !subject_matches(p, &a.user) {
        return Err("user/group");
    }
    if !read_only(&a.verb) && p.readonly {
        return Err("readonly");
    }
    if a.resource_request {
        if !(p.namespace == "*" || p.namespace == a.namespace) {
            return Err("namespace");
        }
        if !(p.resource == "*" || p.resource == a.resource) {
            return Err("resource");
        }
        if !(p.api_group == "*" || p.api_group == a.api_group) {
            return Err("apiGroup");
        }
        Ok(())
    } else {
        let path = &p.non_resource_path;
        let ok = path == "*"
            || *path == a.path
            || (path.ends_with('*') && a.path.starts_with(path.trim_end_matches('*')));
        if ok {
            Ok(())
        } else {
            Err("nonResourcePath")
        }
    }
}

/// The ABAC decision: the first matching policy allows.
pub fn authorize<'a>(policies: &'a [Policy], a: &Attributes) -> Option<&'a Policy> {
    policies.iter().find(|p| explain(p, a).is_ok())
}

/// Upstream `RulesFor`: the policies of the user that apply in `namespace`, as rules.
pub fn rules_for(
    policies: &[Policy],
    user: &UserInfo,
    namespace: &str,
) -> (Vec<Value>, Vec<Value>) {
    let mut resource = Vec::new();
    let mut non_resource = Vec::new();
    for p in policies {
        if !subject_matches(p, user) || !(p.namespace == "*" || p.namespace == namespace) {
            continue;
        }
        let verbs = if p.readonly {
            json!(["get", "list", "watch"])
        } else {
            json!(["*"])
        };
        if !p.resource.is_empty() {
            resource.push(
                json!({"verbs": verbs, "apiGroups": [p.api_group], "resources": [p.resource]}),
            );
        }
        if !p.non_resource_path.is_empty() {
            non_resource.push(json!({"verbs": verbs, "nonResourceURLs": [p.non_resource_path]}));
        }
    }
    (resource, non_resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            username: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        }
    }

    fn res(u: &UserInfo, verb: &str, ns: &str, group: &str, resource: &str) -> Attributes {
        Attributes {
            user: u.clone(),
            verb: verb.into(),
            resource_request: true,
            namespace: ns.into(),
            api_group: group.into(),
            resource: resource.into(),
            ..Default::default()
        }
    }

    fn path(u: &UserInfo, verb: &str, p: &str) -> Attributes {
        Attributes {
            user: u.clone(),
            verb: verb.into(),
            path: p.into(),
            ..Default::default()
        }
    }

    /// After upstream's TestAuthorizeV0 (pkg/auth/authorizer/abac/abac_test.go).
    #[test]
    fn v0_policies() {
        let file = r#"{"user":"admin"}
{"user":"scheduler", "readonly": true, "resource": "pods"}
{"user":"scheduler", "resource": "bindings"}
{"user":"kubelet",   "readonly": true, "resource": "bindings"}
{"user":"kubelet",   "resource": "events"}
{"user":"alice",     "namespace": "projectCaribou"}
{"user":"bob",       "readonly": true, "namespace": "projectCaribou"}
"#;
        let (pl, problems) = parse(file);
        assert!(problems.is_empty(), "{problems:?}");
        let (admin, alice, bob, sched, kubelet, chuck) = (
            user("admin", &[]),
            user("alice", &[]),
            user("bob", &[]),
            user("scheduler", &[]),
            user("kubelet", &[]),
            user("chuck", &[]),
        );
        let cases: Vec<(Attributes, bool)> = vec![
            // Everyone may read, anyone with a policy; nobody without one.
            (res(&admin, "get", "", "", ""), true),
            (res(&admin, "create", "other", "apps", "deployments"), true),
            (path(&admin, "get", "/healthz"), true),
            (res(&alice, "get", "projectCaribou", "", "pods"), true),
            (res(&alice, "create", "projectCaribou", "", "pods"), true),
            (res(&alice, "create", "default", "", "pods"), false),
            (path(&alice, "get", "/healthz"), false),
            (res(&bob, "get", "projectCaribou", "", "pods"), true),
            (res(&bob, "create", "projectCaribou", "", "pods"), false),
            (res(&bob, "get", "default", "", "pods"), false),
            (res(&sched, "get", "ns1", "", "pods"), true),
            (res(&sched, "create", "ns1", "", "pods"), false),
            (res(&sched, "create", "ns1", "", "bindings"), true),
            (res(&kubelet, "create", "ns1", "", "bindings"), false),
            (res(&kubelet, "list", "ns1", "", "bindings"), true),
            (res(&kubelet, "update", "ns1", "", "events"), true),
            (res(&kubelet, "update", "ns1", "", "pods"), false),
            // v0 matches every API group.
            (
                res(&sched, "create", "ns1", "anything.io", "bindings"),
                true,
            ),
            (res(&chuck, "get", "projectCaribou", "", "pods"), false),
        ];
        for (a, want) in cases {
            assert_eq!(authorize(&pl, &a).is_some(), want, "{a:?}");
        }
    }

    /// After upstream's TestAuthorizeV1beta1.
    #[test]
    fn v1beta1_policies() {
        let file = r#"# comments and blank lines are skipped

{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","readonly":true,"nonResourcePath":"/api"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","nonResourcePath":"/custom"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","nonResourcePath":"/root/*"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"noresource","nonResourcePath":"*"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"api-group","apiGroup":"group1","namespace":"*","resource":"*"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"ops","namespace":"blue","resource":"pods","apiGroup":""}}
"#;
        let (pl, problems) = parse(file);
        assert!(problems.is_empty(), "{problems:?}");
        let (anyone, nores, apig, op) = (
            user("jane", &["system:authenticated"]),
            user("noresource", &["system:authenticated"]),
            user("api-group", &["system:authenticated"]),
            user("sam", &["ops", "system:authenticated"]),
        );
        let cases: Vec<(Attributes, bool)> = vec![
            (path(&anyone, "get", "/api"), true),
            (path(&anyone, "post", "/api"), false),
            (path(&anyone, "post", "/custom"), true),
            (path(&anyone, "get", "/root/x/y"), true),
            (path(&anyone, "get", "/rootx"), false),
            (path(&anyone, "get", "/other"), false),
            (path(&nores, "delete", "/anything"), true),
            (res(&nores, "get", "ns", "", "pods"), false),
            (res(&apig, "get", "ns", "group1", "things"), true),
            (res(&apig, "get", "ns", "group2", "things"), false),
            (path(&apig, "get", "/healthz"), false),
            (res(&op, "delete", "blue", "", "pods"), true),
            (res(&op, "delete", "red", "", "pods"), false),
            (res(&op, "delete", "blue", "apps", "pods"), false),
        ];
        for (a, want) in cases {
            assert_eq!(authorize(&pl, &a).is_some(), want, "{a:?}");
        }
        // A `*` user became the group system:authenticated: no group, no match.
        assert!(authorize(&pl, &path(&user("anon", &[]), "get", "/api")).is_none());
    }

    /// After upstream's TestSubjectMatches.
    #[test]
    fn subject_matching() {
        let p = |u: &str, g: &str| Policy {
            user: u.into(),
            group: g.into(),
            ..Default::default()
        };
        let alice = user("alice", &["team"]);
        assert!(!subject_matches(&p("", ""), &alice));
        assert!(subject_matches(&p("*", ""), &alice));
        assert!(subject_matches(&p("", "*"), &alice));
        assert!(subject_matches(&p("alice", ""), &alice));
        assert!(!subject_matches(&p("bob", ""), &alice));
        assert!(subject_matches(&p("", "team"), &alice));
        assert!(!subject_matches(&p("", "other"), &alice));
        assert!(subject_matches(&p("alice", "team"), &alice));
        assert!(!subject_matches(&p("alice", "other"), &alice));
        assert!(!subject_matches(&p("bob", "team"), &alice));
    }

    #[test]
    fn bad_lines_are_reported_at_their_line_and_column() {
        let file = "{\"user\":\"a\"}\n{\"user\": \"b\", \"verbs\": [\"get\"]}\n{\"user\": 3}\n{not json\n{\"apiVersion\":\"v1\",\"kind\":\"Policy\"}\n";
        let (pl, problems) = parse(file);
        assert_eq!(pl.len(), 2);
        let summary: Vec<(usize, usize, bool)> = problems
            .iter()
            .map(|p| (p.line, p.column, p.error))
            .collect();
        assert_eq!(
            summary,
            [(2, 15, false), (3, 2, true), (4, 2, true), (5, 2, true)]
        );
        assert_eq!(problems[0].message, "unknown field \"verbs\"");
    }

    #[test]
    fn rules_for_lists_the_users_policies_in_the_namespace() {
        let file = r#"{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","namespace":"blue","resource":"pods","apiGroup":"","readonly":true}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","namespace":"red","resource":"*","apiGroup":"*"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:authenticated","namespace":"*","nonResourcePath":"/version"}}
{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:authenticated","nonResourcePath":"/healthz"}}
"#;
        // As upstream: a policy is listed only when its namespace is `*` or the one asked
        // about, so the /healthz policy (no namespace) is not, though it allows.
        let (pl, _) = parse(file);
        let alice = user("alice", &["system:authenticated"]);
        assert!(authorize(&pl, &path(&alice, "get", "/healthz")).is_some());
        let (r, nr) = rules_for(&pl, &user("alice", &["system:authenticated"]), "blue");
        assert_eq!(
            r,
            [json!({"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods"]})]
        );
        assert_eq!(
            nr,
            [json!({"verbs": ["*"], "nonResourceURLs": ["/version"]})]
        );
    }
}

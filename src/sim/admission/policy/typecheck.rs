//! The type checks the ValidatingAdmissionPolicy status controller makes
//! (`validating/typechecking.go`, `pkg/controller/validatingadmissionpolicystatus`): each
//! validation's expression and messageExpression checked against the schema of every kind the
//! policy's rules name (explicit groups, versions and resources, at most ten), written to the
//! policy's `status.typeChecking.expressionWarnings`. kubegate checks what it can without a
//! typed CEL checker: every field selected from `object` and `oldObject` must exist in the
//! kind's schema (`undefined field 'x'`, at the field's line and column).

use serde_json::{json, Value};

use crate::sim::cel::{self, check, Declarations, Want};
use crate::sim::openapi::Schemas;
use crate::sim::ptr::Ptr;
use crate::sim::store::Store;

/// The most kinds a policy is checked against (`maxTypesToCheck`).
const MAX_TYPES: usize = 10;

/// One warning: the field (`spec.validations[0].expression`), the text, and where in the
/// expression the first issue is (a byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub field_ref: String,
    pub warning: String,
    pub offset: usize,
}

/// The kinds a policy's rules name explicitly, sorted by group, version, kind.
fn kinds(policy: &Value, minor: u32) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let strs = crate::sim::admission::webhook::strings;
    for rule in policy
        .ptr("/spec/matchConstraints/resourceRules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (groups, versions) = (strs(rule.get("apiGroups")), strs(rule.get("apiVersions")));
        if groups.iter().chain(&versions).any(|x| x.contains('*')) {
            continue;
        }
        for g in &groups {
            for v in &versions {
                for r in strs(rule.get("resources")) {
                    if r.contains('*') || r.contains('/') {
                        continue;
                    }
                    if let Some(res) = crate::sim::discovery::resources(minor)
                        .find(|x| x.group == g && x.version == v && x.name == r)
                    {
                        let k = (g.clone(), v.clone(), res.kind.to_string());
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.truncate(MAX_TYPES);
    out
}

/// A schema with its `$ref` (or `allOf: [{$ref}]`) followed.
fn resolve<'s>(schemas: &'s Schemas, mut s: &'s Value) -> &'s Value {
    for _ in 0..8 {
        let reference = s
            .get("$ref")
            .or_else(|| s.ptr("/allOf/0/$ref"))
            .and_then(Value::as_str);
        match reference
            .and_then(|r| r.rsplit('/').next())
            .and_then(|n| schemas.named(n))
        {
            Some(next) => s = next,
            None => break,
        }
    }
    s
}

/// The first field of `path` the schema does not have, with its offset.
fn undefined(schemas: &Schemas, root: &Value, path: &[(String, usize)]) -> Option<(String, usize)> {
    let mut cur = resolve(schemas, root);
    for (field, at) in path {
        let props = cur.get("properties").and_then(Value::as_object)?;
        match props.get(field) {
            Some(p) => cur = resolve(schemas, p),
            None if cur.get("additionalProperties").is_some() => return None,
            None => return Some((field.clone(), *at)),
        }
    }
    None
}

/// The warnings of one policy (none when the schemas are not loaded yet).
pub fn warnings(policy: &Value, minor: u32) -> Vec<Warning> {
    let Some(schemas) = crate::sim::openapi::schemas() else {
        return Vec::new();
    };
    let kinds = kinds(policy, minor);
    if kinds.is_empty() {
        return Vec::new();
    }
    let has_params = policy.ptr("/spec/paramKind").is_some_and(|k| !k.is_null());
    let mut vars = vec![
        "object",
        "oldObject",
        "request",
        "namespaceObject",
        "variables",
    ];
    if has_params {
        vars.push("params");
    }
    let mut out = Vec::new();
    for (i, v) in policy
        .ptr("/spec/validations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (key, want, authorizer) in [
            ("expression", Want::Bool, true),
            ("messageExpression", Want::String, false),
        ] {
            let Some(source) = v
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
            else {
                continue;
            };
            let mut names = vars.clone();
            if authorizer {
                names.push("authorizer");
            }
            let decls = Declarations {
                variables: names,
                mutation: false,
            };
            let Ok(program) = cel::Program::compile(source, &decls, want) else {
                continue;
            };
            let mut text = Vec::new();
            let mut first = None;
            for (group, version, kind) in &kinds {
                let Some(root) = schemas
                    .name_of_kind(group, version, kind)
                    .and_then(|n| schemas.named(n))
                else {
                    continue;
                };
                let mut issues = Vec::new();
                for sel in program.selections() {
                    if sel.root != "object" && sel.root != "oldObject" {
                        continue;
                    }
                    if let Some((field, at)) = undefined(schemas, root, &sel.path) {
                        let issue = check::issue(source, at, &format!("undefined field '{field}'"));
                        if !issues.contains(&issue) {
                            issues.push(issue);
                            first.get_or_insert(at);
                        }
                    }
                }
                if !issues.is_empty() {
                    text.push(format!(
                        "{group}/{version}, Kind={kind}: {}\n",
                        issues.join("\n")
                    ));
                }
            }
            if !text.is_empty() {
                out.push(Warning {
                    field_ref: format!("spec.validations[{i}].{key}"),
                    warning: text.join("\n"),
                    offset: first.unwrap_or(0),
                });
            }
        }
    }
    out
}

/// The status controller: writes each policy's `status.typeChecking` when it changed
/// (`observedGeneration` too, when the policy has a generation); one line per policy
/// updated, for the trace.
pub fn sync(store: &mut Store, minor: u32) -> Vec<String> {
    let policies: Vec<Value> = store
        .list(super::GROUP, "validatingadmissionpolicies", None)
        .cloned()
        .collect();
    let mut said = Vec::new();
    for mut p in policies {
        let warnings: Vec<Value> = warnings(&p, minor)
            .into_iter()
            .map(|w| json!({"fieldRef": w.field_ref, "warning": w.warning}))
            .collect();
        let mut status = json!({"typeChecking": {"expressionWarnings": warnings}});
        if let Some(g) = p.ptr("/metadata/generation") {
            status["observedGeneration"] = g.clone();
        }
        if warnings.is_empty() {
            status["typeChecking"] = json!({});
        }
        if p.get("status").and_then(|s| s.get("typeChecking")) == status.get("typeChecking") {
            continue;
        }
        let name = p
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(st) = p.get_mut("status").and_then(Value::as_object_mut) {
            for (k, v) in status.as_object().into_iter().flatten() {
                st.insert(k.clone(), v.clone());
            }
        } else {
            p["status"] = status;
        }
        store.put_system(super::GROUP, "validatingadmissionpolicies", p);
        said.push(format!(
            "validatingadmissionpolicy-status controller: type-checked ValidatingAdmissionPolicy {name:?} ({} warning(s))",
            warnings.len()
        ));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `typechecking_test.go`'s undefined-field cases, against the v1.37 schemas.
    #[test]
    fn undefined_fields_are_warned_per_kind() {
        let policy = json!({"spec": {
            "matchConstraints": {"resourceRules": [
                {"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments", "replicasets"], "operations": ["CREATE"]},
                {"apiGroups": ["*"], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
            ]},
            "validations": [
                {"expression": "object.foo == 'bar'"},
                {"expression": "object.spec.replicas > 1 && object.metadata.labels['a'] == 'b'", "messageExpression": "'x' + object.spec.nope"},
            ]
        }});
        let w = warnings(&policy, 37);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0].field_ref, "spec.validations[0].expression");
        assert_eq!(
            w[0].warning,
            "apps/v1, Kind=Deployment: ERROR: <input>:1:8: undefined field 'foo'\n | object.foo == 'bar'\n | .......^\n\napps/v1, Kind=ReplicaSet: ERROR: <input>:1:8: undefined field 'foo'\n | object.foo == 'bar'\n | .......^\n"
        );
        assert_eq!(w[0].offset, 7);
        assert_eq!(w[1].field_ref, "spec.validations[1].messageExpression");
        assert!(
            w[1].warning.contains("undefined field 'nope'"),
            "{}",
            w[1].warning
        );
    }
}

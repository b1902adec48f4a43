//! ValidatingAdmissionPolicy and its binding, as upstream's
//! `pkg/apis/admissionregistration/validation` checks them on create and update: the fields,
//! and every CEL expression compiled (match conditions, variables, validations, messages,
//! audit annotations) with the variables each may read.

use serde_json::Value;

use super::admissionregistration::{label_selector, rule_with_operations, MAX_MATCH_CONDITIONS};
use super::{
    duplicate, forbidden, invalid_json, invalid_str, not_supported, path_segment_problems,
    required, Checks, Errs,
};
use crate::sim::cel::{self, Declarations, Want};
use crate::sim::ptr::Ptr;
use crate::sim::response::{FieldError, FieldErrorKind};

const FAILURE_POLICIES: [&str; 2] = ["Fail", "Ignore"];
const MATCH_POLICIES: [&str; 2] = ["Equivalent", "Exact"];
const REASONS: [&str; 3] = ["Forbidden", "Invalid", "RequestEntityTooLarge"];
const ACTIONS: [&str; 3] = ["Audit", "Deny", "Warn"];
const NOT_FOUND_ACTIONS: [&str; 2] = ["Deny", "Allow"];
const MAX_AUDIT_ANNOTATIONS: usize = 20;
const MAX_VALUE_EXPRESSION: usize = 5 * 1024;
/// CEL's reserved words, which a variable may not be named.
const CEL_RESERVED: [&str; 21] = [
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

fn text<'v>(v: &'v Value, k: &str) -> &'v str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An expression's compile error as the field error upstream makes of it.
fn compiled(errs: &mut Errs, path: &str, expression: &str, decls: &Declarations, want: Want) {
    if let Err(e) = cel::Program::compile(expression, decls, want) {
        errs.push(invalid_str(path, expression, &e.to_string()));
    }
}

/// What a policy's expressions may read: `params` only with a paramKind.
fn declarations(has_params: bool, authorizer: bool, variables: bool) -> Declarations {
    let mut v = vec!["object", "oldObject", "request", "namespaceObject"];
    if authorizer {
        v.push("authorizer");
    }
    if variables {
        v.push("variables");
    }
    if has_params {
        v.push("params");
    }
    Declarations {
        variables: v,
        mutation: false,
    }
}

/// `validateMatchResources` (a policy's `matchConstraints`, a binding's `matchResources`).
pub(super) fn match_resources(errs: &mut Errs, m: &Value, path: &str) {
    match m.get("matchPolicy").and_then(Value::as_str) {
        None => errs.push(required(&format!("{path}.matchPolicy"), "")),
        Some(p) if !MATCH_POLICIES.contains(&p) => errs.push(not_supported(
            &format!("{path}.matchPolicy"),
            p,
            &MATCH_POLICIES,
        )),
        _ => {}
    }
    for key in ["namespaceSelector", "objectSelector"] {
        match m.get(key).filter(|s| !s.is_null()) {
            None => errs.push(required(&format!("{path}.{key}"), "")),
            Some(sel) => label_selector(errs, sel, &format!("{path}.{key}")),
        }
    }
    for key in ["resourceRules", "excludeResourceRules"] {
        for (i, rule) in list(m.get(key)).iter().enumerate() {
            let at = format!("{path}.{key}[{i}]");
            let mut seen = std::collections::BTreeSet::new();
            for (j, name) in list(rule.get("resourceNames")).iter().enumerate() {
                let name = name.as_str().unwrap_or("");
                for p in path_segment_problems(name) {
                    errs.push(invalid_str(&format!("{at}.resourceNames[{j}]"), name, &p));
                }
                if !seen.insert(name) {
                    errs.push(duplicate(format!("{at}.resourceNames[{j}]"), name));
                }
            }
            rule_with_operations(errs, rule, &at);
        }
    }
}

/// `validateMatchConditions`, with the variables a policy's conditions may read.
pub(super) fn match_conditions(errs: &mut Errs, list_: &[Value], decls: &Declarations, path: &str) {
    if list_.len() > MAX_MATCH_CONDITIONS {
        errs.push(FieldError {
            kind: FieldErrorKind::TooMany,
            field: path.into(),
            value: Some(list_.len().to_string()),
            detail: format!("must have at most {MAX_MATCH_CONDITIONS} items"),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in list_.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let expression = text(c, "expression").trim();
        if expression.is_empty() {
            errs.push(required(&format!("{at}.expression"), ""));
        } else {
            compiled(
                errs,
                &format!("{at}.expression"),
                expression,
                decls,
                Want::Bool,
            );
        }
        let name = text(c, "name");
        if name.is_empty() {
            errs.push(required(&format!("{at}.name"), ""));
        } else {
            for p in crate::sim::labels::label_key_problems(name) {
                errs.push(invalid_str(&format!("{at}.name"), name, &p));
            }
            if !seen.insert(name) {
                errs.push(duplicate(format!("{at}.name"), name));
            }
        }
    }
}

/// `validateParamKind`.
fn param_kind(errs: &mut Errs, kind: &Value, path: &str) {
    let api_version = text(kind, "apiVersion");
    if api_version.is_empty() {
        errs.push(required(&format!("{path}.apiVersion"), ""));
    } else if api_version.matches('/').count() > 1 {
        errs.push(invalid_str(
            &format!("{path}.apiVersion"),
            api_version,
            &format!("unexpected GroupVersion string: {api_version}"),
        ));
    } else if api_version != "/" {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        if !group.is_empty() {
            let problems = crate::sim::labels::dns1123_subdomain_problems(group);
            if !problems.is_empty() {
                errs.push(invalid_str(
                    &format!("{path}.apiVersion"),
                    group,
                    &problems.join(","),
                ));
            }
        }
        if version.is_empty() {
            errs.push(invalid_str(
                &format!("{path}.apiVersion"),
                api_version,
                "version must be specified",
            ));
        } else {
            let problems = crate::sim::labels::dns1035_label_problems(version);
            if !problems.is_empty() {
                errs.push(invalid_str(
                    &format!("{path}.apiVersion"),
                    version,
                    &problems.join(","),
                ));
            }
        }
    }
    let k = text(kind, "kind");
    if k.is_empty() {
        errs.push(required(&format!("{path}.kind"), ""));
    } else {
        let problems = crate::sim::labels::dns1035_label_problems(&k.to_lowercase());
        if !problems.is_empty() {
            errs.push(invalid_str(
                &format!("{path}.kind"),
                k,
                &format!(
                    "may have mixed case, but should otherwise match: {}",
                    problems.join(",")
                ),
            ));
        }
    }
}

/// What validating and mutating policies share: failurePolicy, paramKind, matchConstraints
/// (no DELETE for a mutating one), matchConditions (not checked again when they and the
/// paramKind are unchanged), variables. Returns whether the policy has params, and what its
/// expressions may read.
fn policy_common(
    errs: &mut Errs,
    spec: &Value,
    old: Option<&Value>,
    mutating: bool,
) -> (bool, Declarations) {
    match spec.get("failurePolicy").and_then(Value::as_str) {
        None => errs.push(required("spec.failurePolicy", "")),
        Some(p) if !FAILURE_POLICIES.contains(&p) => {
            errs.push(not_supported("spec.failurePolicy", p, &FAILURE_POLICIES))
        }
        _ => {}
    }
    let kind = spec.get("paramKind").filter(|k| !k.is_null());
    if let Some(kind) = kind {
        param_kind(errs, kind, "spec.paramKind");
    }
    let has_params = kind.is_some();
    match spec.get("matchConstraints").filter(|m| !m.is_null()) {
        None => errs.push(required("spec.matchConstraints", "")),
        Some(m) => {
            match_resources(errs, m, "spec.matchConstraints");
            if mutating {
                mutating_operations(errs, m, "spec.matchConstraints");
            }
            if list(m.get("resourceRules")).is_empty() {
                errs.push(required("spec.matchConstraints.resourceRules", ""));
            }
        }
    }
    let unchanged = old.is_some_and(|o| {
        o.ptr("/spec/matchConditions") == spec.get("matchConditions")
            && o.ptr("/spec/paramKind") == spec.get("paramKind")
    });
    if !unchanged {
        match_conditions(
            errs,
            list(spec.get("matchConditions")),
            &declarations(has_params, true, false),
            "spec.matchConditions",
        );
    }
    let full = declarations(has_params, true, true);
    for (i, v) in list(spec.get("variables")).iter().enumerate() {
        let at = format!("spec.variables[{i}]");
        let name = text(v, "name");
        if name.trim().is_empty() {
            errs.push(required(&format!("{at}.name"), "name is not specified"));
        } else if !is_cel_identifier(name) {
            errs.push(invalid_str(
                &format!("{at}.name"),
                name,
                "name is not a valid CEL identifier",
            ));
        }
        let expression = text(v, "expression");
        if expression.trim().is_empty() {
            errs.push(required(
                &format!("{at}.expression"),
                "expression is not specified",
            ));
        } else {
            compiled(
                errs,
                &format!("{at}.expression"),
                expression,
                &full,
                Want::Any,
            );
        }
    }
    (has_params, full)
}

/// Validates a ValidatingAdmissionPolicy (`old`: the stored one, on an update).
pub(super) fn validating_admission_policy(
    errs: &mut Errs,
    checks: &mut Checks,
    obj: &Value,
    old: Option<&Value>,
) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let path = "spec";
    let (has_params, full) = policy_common(errs, spec, old, false);
    let validations = list(spec.get("validations"));
    let annotations = list(spec.get("auditAnnotations"));
    if validations.is_empty() && annotations.is_empty() {
        for key in ["validations", "auditAnnotations"] {
            errs.push(required(
                &format!("{path}.{key}"),
                "validations or auditAnnotations must contain at least one item",
            ));
        }
    } else {
        let messages = declarations(has_params, false, true);
        for (i, v) in validations.iter().enumerate() {
            let at = format!("{path}.validations[{i}]");
            let expression = text(v, "expression");
            if expression.trim().is_empty() {
                errs.push(required(
                    &format!("{at}.expression"),
                    "expression is not specified",
                ));
            } else {
                compiled(
                    errs,
                    &format!("{at}.expression"),
                    expression,
                    &full,
                    Want::Bool,
                );
            }
            let me = text(v, "messageExpression");
            if !me.is_empty() && me.trim().is_empty() {
                errs.push(invalid_str(
                    &format!("{at}.messageExpression"),
                    me,
                    "must be non-empty if specified",
                ));
            } else if !me.trim().is_empty() {
                compiled(
                    errs,
                    &format!("{at}.messageExpression"),
                    me,
                    &messages,
                    Want::String,
                );
            }
            let message = text(v, "message");
            if !message.is_empty() && message.trim().is_empty() {
                errs.push(invalid_str(
                    &format!("{at}.message"),
                    message,
                    "message must be non-empty if specified",
                ));
            } else if message.trim().contains(['\n', '\r']) {
                errs.push(invalid_str(
                    &format!("{at}.message"),
                    message,
                    "message must not contain line breaks",
                ));
            }
            if let Some(r) = v.get("reason").and_then(Value::as_str) {
                if !REASONS.contains(&r) {
                    errs.push(not_supported(&format!("{at}.reason"), r, &REASONS));
                }
            }
        }
        if annotations.len() > MAX_AUDIT_ANNOTATIONS {
            errs.push(invalid_json(
                &format!("{path}.auditAnnotations"),
                spec.get("auditAnnotations").unwrap_or(&Value::Null),
                &format!("must not have more than {MAX_AUDIT_ANNOTATIONS} auditAnnotations"),
            ));
        }
        let policy_name = obj
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut keys = std::collections::BTreeSet::new();
        for (i, an) in annotations.iter().enumerate() {
            let at = format!("{path}.auditAnnotations[{i}]");
            let key = text(an, "key");
            if policy_name.is_empty() {
                errs.push(invalid_str(
                    &format!("{at}.key"),
                    key,
                    "requires metadata.name be non-empty",
                ));
            } else {
                let full_key = format!("{policy_name}/{key}");
                for p in crate::sim::labels::label_key_problems(&full_key) {
                    errs.push(invalid_str(&format!("{at}.key"), &full_key, &p));
                }
            }
            let value = text(an, "valueExpression");
            if value.trim().is_empty() {
                errs.push(required(
                    &format!("{at}.valueExpression"),
                    "valueExpression is not specified",
                ));
            } else if value.trim().len() > MAX_VALUE_EXPRESSION {
                errs.push(required(
                    &format!("{at}.valueExpression"),
                    &format!("must not exceed {MAX_VALUE_EXPRESSION} bytes in length"),
                ));
            } else if let Err(e) = cel::Program::compile(value.trim(), &full, Want::Any) {
                errs.push(invalid_str(
                    &format!("{at}.valueExpression"),
                    value,
                    &e.to_string(),
                ));
            }
            if !keys.insert(key) {
                errs.push(duplicate(format!("{at}.key"), key));
            }
        }
    }
    checks.push("spec: failurePolicy, paramKind, matchConstraints (rules, selectors, matchPolicy), matchConditions, variables, validations (expression, message, messageExpression, reason), auditAnnotations; every CEL expression compiled with the variables it may read");
}

/// The operations a MutatingAdmissionPolicy may match (no DELETE: no object to mutate).
const MUTATING_OPERATIONS: [&str; 4] = ["*", "CONNECT", "CREATE", "UPDATE"];
const PATCH_TYPES: [&str; 2] = ["ApplyConfiguration", "JSONPatch"];
const REINVOCATION: [&str; 2] = ["IfNeeded", "Never"];

/// A mutating policy's (or binding's) rules may not name DELETE; upstream reports it at the
/// list's path, without an index.
fn mutating_operations(errs: &mut Errs, m: &Value, path: &str) {
    for key in ["resourceRules", "excludeResourceRules"] {
        for rule in list(m.get(key)) {
            for op in list(rule.get("operations")) {
                let op = op.as_str().unwrap_or("");
                if !MUTATING_OPERATIONS.contains(&op) {
                    errs.push(not_supported(
                        &format!("{path}.{key}.operations"),
                        op,
                        &MUTATING_OPERATIONS,
                    ));
                }
            }
        }
    }
}

/// Validates a MutatingAdmissionPolicy (`old`: the stored one, on an update).
pub(super) fn mutating_admission_policy(
    errs: &mut Errs,
    checks: &mut Checks,
    obj: &Value,
    old: Option<&Value>,
) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let (_, full) = policy_common(errs, spec, old, true);
    let mutations = list(spec.get("mutations"));
    if mutations.is_empty() {
        errs.push(required(
            "spec.mutations",
            "mutations must contain at least one item",
        ));
    }
    let mut mutation = full.clone();
    mutation.mutation = true;
    for (i, m) in mutations.iter().enumerate() {
        let at = format!("spec.mutations[{i}]");
        let patch_type = text(m, "patchType");
        let (key, other, want) = match patch_type {
            "" => {
                errs.push(required(&format!("{at}.patchType"), ""));
                continue;
            }
            "ApplyConfiguration" => ("applyConfiguration", "jsonPatch", Want::Object),
            "JSONPatch" => ("jsonPatch", "applyConfiguration", Want::JsonPatches),
            t => {
                errs.push(not_supported(&format!("{at}.patchType"), t, &PATCH_TYPES));
                continue;
            }
        };
        if m.get(other).is_some_and(|v| !v.is_null()) {
            errs.push(invalid_str(
                &format!("{at}.{other}"),
                &format!("{{{other}}}"),
                &format!("must not be specified when patchType is {patch_type}"),
            ));
        }
        match m.get(key).filter(|v| !v.is_null()) {
            None => errs.push(required(
                &format!("{at}.{key}"),
                &format!("must be specified when patchType is {patch_type}"),
            )),
            Some(c) => {
                let expression = text(c, "expression");
                if expression.trim().is_empty() {
                    errs.push(required(&format!("{at}.{key}.expression"), ""));
                } else {
                    compiled(
                        errs,
                        &format!("{at}.{key}.expression"),
                        expression,
                        &mutation,
                        want,
                    );
                }
            }
        }
    }
    match spec.get("reinvocationPolicy").and_then(Value::as_str) {
        None | Some("") => errs.push(required("spec.reinvocationPolicy", "")),
        Some(p) if !REINVOCATION.contains(&p) => {
            errs.push(not_supported("spec.reinvocationPolicy", p, &REINVOCATION))
        }
        _ => {}
    }
    checks.push("spec: failurePolicy, paramKind, matchConstraints (no DELETE), matchConditions, variables, mutations (patchType with its applyConfiguration or jsonPatch, each expression compiled), reinvocationPolicy");
}

/// Validates a MutatingAdmissionPolicyBinding.
pub(super) fn mutating_admission_policy_binding(errs: &mut Errs, checks: &mut Checks, obj: &Value) {
    binding_common(errs, obj, "spec.matchResources", true);
    checks.push("spec: policyName, paramRef (name or selector, parameterNotFoundAction), matchResources (no DELETE)");
}

/// What both kinds of binding have: the policy's name, a paramRef, matchResources (at
/// `matches`, the field path upstream reports).
fn binding_common(errs: &mut Errs, obj: &Value, matches: &str, mutating: bool) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let policy = text(spec, "policyName");
    if policy.is_empty() {
        errs.push(required("spec.policyName", ""));
    } else if !super::is_dns1123_subdomain(policy) {
        errs.push(invalid_str(
            "spec.policyName",
            policy,
            super::DNS1123_SUBDOMAIN_MSG,
        ));
    }
    param_ref(
        errs,
        spec.get("paramRef").filter(|r| !r.is_null()),
        "spec.paramRef",
    );
    if let Some(m) = spec.get("matchResources").filter(|m| !m.is_null()) {
        match_resources(errs, m, matches);
        if mutating {
            mutating_operations(errs, m, matches);
        }
    }
}

/// `isCELIdentifier`: `[_a-zA-Z][_a-zA-Z0-9]*`, not a reserved word.
fn is_cel_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !CEL_RESERVED.contains(&name)
}

/// Validates a ValidatingAdmissionPolicyBinding.
pub(super) fn validating_admission_policy_binding(
    errs: &mut Errs,
    checks: &mut Checks,
    obj: &Value,
) {
    // (Upstream's field path has this spelling.)
    binding_common(errs, obj, "spec.matchResouces", false);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    validation_actions(
        errs,
        spec.get("validationActions"),
        "spec.validationActions",
    );
    checks.push("spec: policyName, paramRef (name or selector, parameterNotFoundAction), matchResources, validationActions");
}

/// `validateParamRef`.
pub(super) fn param_ref(errs: &mut Errs, r: Option<&Value>, path: &str) {
    let Some(r) = r else {
        return;
    };
    let name = text(r, "name");
    let selector = r.get("selector").filter(|s| !s.is_null());
    if !name.is_empty() {
        for p in path_segment_problems(name) {
            errs.push(invalid_str(&format!("{path}.name"), name, &p));
        }
        if selector.is_some() {
            errs.push(forbidden(
                &format!("{path}.name"),
                "name and selector are mutually exclusive".into(),
            ));
        }
    }
    if let Some(sel) = selector {
        label_selector(errs, sel, &format!("{path}.selector"));
        if !name.is_empty() {
            errs.push(forbidden(
                &format!("{path}.selector"),
                "name and selector are mutually exclusive".into(),
            ));
        }
    }
    if name.is_empty() && selector.is_none() {
        errs.push(required(path, "one of name or selector must be specified"));
    }
    match r.get("parameterNotFoundAction").and_then(Value::as_str) {
        None | Some("") => errs.push(required(&format!("{path}.parameterNotFoundAction"), "")),
        Some(a) if !NOT_FOUND_ACTIONS.contains(&a) => errs.push(not_supported(
            &format!("{path}.parameterNotFoundAction"),
            a,
            &NOT_FOUND_ACTIONS,
        )),
        _ => {}
    }
}

/// `validateValidationActions`.
fn validation_actions(errs: &mut Errs, v: Option<&Value>, path: &str) {
    let mut seen = std::collections::BTreeSet::new();
    for (i, a) in list(v).iter().enumerate() {
        let a = a.as_str().unwrap_or("");
        if !ACTIONS.contains(&a) {
            errs.push(not_supported(&format!("{path}[{i}]"), a, &ACTIONS));
        }
        if !seen.insert(a) {
            errs.push(duplicate(format!("{path}[{i}]"), a));
        }
    }
    if seen.contains("Deny") && seen.contains("Warn") {
        errs.push(invalid_json(
            path,
            v.unwrap_or(&Value::Null),
            "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)",
        ));
    }
    if seen.is_empty() {
        errs.push(required(path, "at least one validation action is required"));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    fn errors_of(kind: &str, obj: Value) -> String {
        let res = crate::sim::discovery::by_resource(37, "admissionregistration.k8s.io", kind)
            .expect("served");
        let mut obj = obj;
        crate::sim::defaults::apply(&mut obj, res);
        let (errs, _) = super::super::validate_write(&obj, None, res);
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn policy(spec: Value) -> Value {
        let mut base = json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": {"name": "config"},
            "spec": {
                "matchConstraints": {"resourceRules": [{"operations": ["CREATE"], "apiGroups": ["a"], "apiVersions": ["a"], "resources": ["a"]}]},
                "validations": [{"expression": "object.x < 100"}]
            }
        });
        for (k, v) in spec.as_object().unwrap() {
            base["spec"][k] = v.clone();
        }
        base
    }

    /// Ported from upstream's `TestValidateValidatingAdmissionPolicy` (the rows kubegate's
    /// CEL can give: compile errors from the parser, undeclared identifiers, result types).
    #[test]
    fn policies_are_validated_as_upstream() {
        let rule = |ops: Value, res: Value| json!({"operations": ops, "apiGroups": ["a"], "apiVersions": ["a"], "resources": res});
        let mc = |rules: Value| json!({"matchConstraints": {"resourceRules": rules}});
        let cases: Vec<(&str, Value, &str)> = vec![
            ("valid", json!({}), ""),
            ("name", json!({}), ""),
            ("failurePolicy", json!({"failurePolicy": "other"}), "spec.failurePolicy: Unsupported value: \"other\": supported values: \"Fail\", \"Ignore\""),
            ("paramKind kind", json!({"paramKind": {"apiVersion": "test.example.com/v1"}}), "spec.paramKind.kind: Required value"),
            ("paramKind version", json!({"paramKind": {"apiVersion": "test.example.com", "kind": "ReplicaLimit"}}), "spec.paramKind.apiVersion: Invalid value: \"test.example.com\""),
            ("paramKind two slashes", json!({"paramKind": {"apiVersion": "a/b/c", "kind": "K"}}), "spec.paramKind.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c"),
            ("no validations", json!({"validations": []}), "spec.validations: Required value: validations or auditAnnotations must contain at least one item, spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item"),
            ("reason", json!({"validations": [{"expression": "object.x < 100", "reason": "other"}]}), "spec.validations[0].reason: Unsupported value: \"other\": supported values: \"Forbidden\", \"Invalid\", \"RequestEntityTooLarge\""),
            ("reason Unauthorized", json!({"validations": [{"expression": "object.x < 100", "reason": "Unauthorized"}]}), "spec.validations[0].reason: Unsupported value: \"Unauthorized\""),
            ("no matchConstraints", json!({"matchConstraints": null}), "spec.matchConstraints: Required value"),
            ("no resourceRules", json!({"matchConstraints": {"resourceRules": []}}), "spec.matchConstraints.resourceRules: Required value"),
            ("apiVersions", mc(json!([{"operations": ["CREATE"], "apiGroups": ["a"], "apiVersions": [], "resources": ["a"]}])), "spec.matchConstraints.resourceRules[0].apiVersions: Required value"),
            ("blank expression", json!({"validations": [{"expression": "    "}]}), "spec.validations[0].expression: Required value: expression is not specified"),
            ("resourceNames", mc(json!([{"operations": ["CREATE"], "apiGroups": ["a"], "apiVersions": ["a"], "resources": ["a"], "resourceNames": ["/./.", "test", "test"]}])), "spec.matchConstraints.resourceRules[0].resourceNames[0]: Invalid value: \"/./.\": may not contain '/', spec.matchConstraints.resourceRules[0].resourceNames[2]: Duplicate value: \"test\""),
            ("matchPolicy", json!({"matchConstraints": {"matchPolicy": "other", "resourceRules": [{"operations": ["CREATE"], "apiGroups": ["a"], "apiVersions": ["a"], "resources": ["a"]}]}}), "spec.matchConstraints.matchPolicy: Unsupported value: \"other\": supported values: \"Equivalent\", \"Exact\""),
            ("operations", json!({"matchConstraints": {"resourceRules": [rule(json!([]), json!(["a"])), rule(Value::Null, json!(["a"]))], "excludeResourceRules": [rule(json!([]), json!(["a"]))]}}), "spec.matchConstraints.resourceRules[0].operations: Required value, spec.matchConstraints.resourceRules[1].operations: Required value, spec.matchConstraints.excludeResourceRules[0].operations: Required value"),
            ("PATCH", mc(json!([rule(json!(["PATCH"]), json!(["a"]))])), "Unsupported value: \"PATCH\""),
            ("* with plain", mc(json!([rule(json!(["CREATE"]), json!(["*", "a"]))])), "if '*' is present, must not specify other resources without subresources"),
            ("syntax", json!({"validations": [{"expression": "object.x in [1, 2, "}]}), "spec.validations[0].expression: Invalid value: \"object.x in [1, 2, \": compilation failed: ERROR: <input>:1:20: Syntax error: missing ']' at '<EOF>'"),
            ("messageExpression syntax", json!({"validations": [{"expression": "true", "messageExpression": "object.x in [1, 2, "}]}), "spec.validations[0].messageExpression: Invalid value: \"object.x in [1, 2, \": compilation failed: ERROR: <input>:1:20: Syntax error: missing ']' at '<EOF>'"),
            ("messageExpression not string", json!({"validations": [{"expression": "true", "messageExpression": "0 == 0"}]}), "spec.validations[0].messageExpression: Invalid value: \"0 == 0\": must evaluate to string but got bool"),
            ("messageExpression blank", json!({"validations": [{"expression": "true", "messageExpression": "  "}]}), "spec.validations[0].messageExpression: Invalid value: \"  \": must be non-empty if specified"),
            ("messageExpression authorizer", json!({"validations": [{"expression": "true", "messageExpression": "authorizer.path('/x') == null ? 'a' : 'b'"}]}), "undeclared reference to 'authorizer'"),
            ("message blank", json!({"validations": [{"expression": "true", "message": "  "}]}), "spec.validations[0].message: Invalid value: \"  \": message must be non-empty if specified"),
            ("message newline", json!({"validations": [{"expression": "true", "message": "a\nb"}]}), "spec.validations[0].message: Invalid value: \"a\\nb\": message must not contain line breaks"),
            ("valueExpression syntax (trimmed)", json!({"auditAnnotations": [{"key": "a", "valueExpression": " object.x in [1, 2, "}]}), "spec.auditAnnotations[0].valueExpression: Invalid value: \" object.x in [1, 2, \": compilation failed: ERROR: <input>:1:19: Syntax error: missing ']' at '<EOF>'"),
            ("audit key", json!({"auditAnnotations": [{"key": "@", "valueExpression": "'x'"}]}), "spec.auditAnnotations[0].key: Invalid value: \"config/@\": name part must consist of alphanumeric characters"),
            ("audit dup key", json!({"auditAnnotations": [{"key": "a", "valueExpression": "'x'"}, {"key": "a", "valueExpression": "'y'"}]}), "spec.auditAnnotations[1].key: Duplicate value: \"a\""),
            ("matchCondition name", json!({"matchConditions": [{"expression": "true"}]}), "spec.matchConditions[0].name: Required value"),
            ("matchCondition params", json!({"matchConditions": [{"name": "a", "expression": "params.x == 1"}]}), "undeclared reference to 'params'"),
            ("matchCondition params with paramKind", json!({"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, "matchConditions": [{"name": "a", "expression": "params.x == 1"}]}), ""),
            ("matchCondition variables", json!({"variables": [{"name": "a", "expression": "1"}], "matchConditions": [{"name": "a", "expression": "variables.a == 1"}]}), "undeclared reference to 'variables'"),
            ("variable name", json!({"variables": [{"name": "", "expression": "1"}]}), "spec.variables[0].name: Required value: name is not specified"),
            ("variable name not CEL", json!({"variables": [{"name": "4ever", "expression": "1"}]}), "spec.variables[0].name: Invalid value: \"4ever\": name is not a valid CEL identifier"),
            ("variable reserved", json!({"variables": [{"name": "namespace", "expression": "1"}]}), "name is not a valid CEL identifier"),
            ("validation bool", json!({"validations": [{"expression": "'x'"}]}), "spec.validations[0].expression: Invalid value: \"'x'\": must evaluate to bool but got string"),
            ("variable type error", json!({"variables": [{"name": "a", "expression": "114 + '514'"}]}), "spec.variables[0].expression: Invalid value: \"114 + '514'\": compilation failed: ERROR: <input>:1:5: found no matching overload for '_+_' applied to '(int, string)'"),
        ];
        for (case, spec, want) in cases {
            let got = errors_of("validatingadmissionpolicies", policy(spec));
            if want.is_empty() {
                assert_eq!(got, "", "{case}");
            } else {
                assert!(got.contains(want), "{case}:\n got {got}\nwant {want}");
            }
        }
    }

    /// Ported from upstream's `TestValidateValidatingAdmissionPolicyBinding`.
    #[test]
    fn bindings_are_validated_as_upstream() {
        let binding = |spec: Value| {
            let mut b = json!({
                "apiVersion": "admissionregistration.k8s.io/v1",
                "kind": "ValidatingAdmissionPolicyBinding",
                "metadata": {"name": "config"},
                "spec": {"policyName": "xyzlimit-scale.example.com", "validationActions": ["Deny"]}
            });
            for (k, v) in spec.as_object().unwrap() {
                b["spec"][k] = v.clone();
            }
            b
        };
        let cases: Vec<(&str, Value, &str)> = vec![
            ("valid", json!({"paramRef": {"name": "p", "parameterNotFoundAction": "Deny"}}), ""),
            ("no policyName", json!({"policyName": ""}), "spec.policyName: Required value"),
            ("actions empty", json!({"validationActions": []}), "spec.validationActions: Required value: at least one validation action is required"),
            ("action unknown", json!({"validationActions": ["Other"]}), "spec.validationActions[0]: Unsupported value: \"Other\": supported values: \"Audit\", \"Deny\", \"Warn\""),
            ("action repeated", json!({"validationActions": ["Audit", "Audit"]}), "spec.validationActions[1]: Duplicate value: \"Audit\""),
            ("Deny and Warn", json!({"validationActions": ["Deny", "Warn"]}), "spec.validationActions: Invalid value: [\"Deny\",\"Warn\"]: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"),
            ("name and selector", json!({"paramRef": {"name": "p", "selector": {}, "parameterNotFoundAction": "Deny"}}), "spec.paramRef.name: Forbidden: name and selector are mutually exclusive, spec.paramRef.selector: Forbidden: name and selector are mutually exclusive"),
            ("neither", json!({"paramRef": {"parameterNotFoundAction": "Deny"}}), "spec.paramRef: Required value: one of name or selector must be specified"),
            ("no action", json!({"paramRef": {"name": "p"}}), "spec.paramRef.parameterNotFoundAction: Required value"),
            ("bad action", json!({"paramRef": {"name": "p", "parameterNotFoundAction": "x"}}), "spec.paramRef.parameterNotFoundAction: Unsupported value: \"x\": supported values: \"Deny\", \"Allow\""),
            ("matchResources", json!({"matchResources": {"matchPolicy": "other"}}), "spec.matchResouces.matchPolicy: Unsupported value: \"other\""),
        ];
        for (case, spec, want) in cases {
            let got = errors_of("validatingadmissionpolicybindings", binding(spec));
            if want.is_empty() {
                assert_eq!(got, "", "{case}");
            } else {
                assert!(got.contains(want), "{case}:\n got {got}\nwant {want}");
            }
        }
    }
}

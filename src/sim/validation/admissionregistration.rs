//! MutatingWebhookConfiguration and ValidatingWebhookConfiguration, as upstream's
//! `pkg/apis/admissionregistration/validation` checks them on create and update (v1).

use serde_json::Value;

use super::{
    duplicate, forbidden, invalid_int, invalid_json, invalid_str, not_supported, required, Checks,
    Errs,
};
use crate::sim::response::{FieldError, FieldErrorKind};

const OPERATIONS: [&str; 5] = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const SCOPES: [&str; 3] = ["*", "Cluster", "Namespaced"];
const FAILURE_POLICIES: [&str; 2] = ["Fail", "Ignore"];
const MATCH_POLICIES: [&str; 2] = ["Equivalent", "Exact"];
const SIDE_EFFECTS: [&str; 2] = ["None", "NoneOnDryRun"];
/// What an update may keep when the stored object already had it.
const SIDE_EFFECTS_KEPT: [&str; 4] = ["None", "NoneOnDryRun", "Some", "Unknown"];
const REINVOCATION: [&str; 2] = ["IfNeeded", "Never"];
/// The AdmissionReview versions the API server sends.
pub const REVIEW_VERSIONS: [&str; 2] = ["v1", "v1beta1"];
/// The most matchConditions a webhook has.
pub const MAX_MATCH_CONDITIONS: usize = 64;
const URL_FORM: &str = "; desired format: https://host[/path]";

fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|x| x.as_str().unwrap_or("")).collect())
        .unwrap_or_default()
}

fn too_many(field: &str, count: usize, max: usize) -> FieldError {
    FieldError {
        kind: FieldErrorKind::TooMany,
        field: field.into(),
        value: Some(count.to_string()),
        detail: format!("must have at most {max} items"),
    }
}

/// Validates a webhook configuration (`old`: the stored one, on an update).
pub(super) fn webhook_configuration(
    errs: &mut Errs,
    checks: &mut Checks,
    obj: &Value,
    old: Option<&Value>,
    mutating: bool,
) {
    let hooks = obj
        .get("webhooks")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let old_hooks = old
        .and_then(|o| o.get("webhooks"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // On an update, what the stored object already broke stays allowed.
    let names = |hs: &[Value]| -> Vec<String> {
        hs.iter()
            .filter_map(|h| h.get("name").and_then(Value::as_str))
            .map(str::to_string)
            .collect()
    };
    let had_duplicates = {
        let old_names = names(old_hooks);
        let mut seen = std::collections::BTreeSet::new();
        old_names.iter().any(|n| !seen.insert(n))
    };
    let require_unique = old.is_none() || !had_duplicates;
    let require_known_version = old.is_none()
        || old_hooks.iter().all(|h| {
            strings(h.get("admissionReviewVersions"))
                .iter()
                .any(|v| REVIEW_VERSIONS.contains(v))
        });
    let side_effects: &[&str] = if old_hooks
        .iter()
        .all(|h| SIDE_EFFECTS.contains(&h.get("sideEffects").and_then(Value::as_str).unwrap_or("")))
    {
        &SIDE_EFFECTS
    } else {
        &SIDE_EFFECTS_KEPT
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, hook) in hooks.iter().enumerate() {
        let path = format!("webhooks[{i}]");
        let old_conditions = old_hooks
            .iter()
            .find(|h| h.get("name") == hook.get("name"))
            .and_then(|h| h.get("matchConditions"));
        webhook(errs, hook, &path, mutating, side_effects, old_conditions);
        review_versions(
            errs,
            hook.get("admissionReviewVersions"),
            &format!("{path}.admissionReviewVersions"),
            require_known_version,
        );
        let name = hook.get("name").and_then(Value::as_str).unwrap_or("");
        if require_unique && !name.is_empty() && !seen.insert(name) {
            errs.push(duplicate(format!("{path}.name"), name));
        }
    }
    checks.push("each webhook: its name, rules, policies, timeout, selectors, clientConfig (url or service), matchConditions (names, and expressions compiled as CEL returning bool, when new or changed), admissionReviewVersions; unique names");
}

fn webhook(
    errs: &mut Errs,
    hook: &Value,
    path: &str,
    mutating: bool,
    side_effects: &[&str],
    old_conditions: Option<&Value>,
) {
    let name = hook.get("name").and_then(Value::as_str).unwrap_or("");
    fully_qualified_name(errs, name, &format!("{path}.name"));
    for (j, rule) in hook
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        rule_with_operations(errs, rule, &format!("{path}.rules[{j}]"));
    }
    let choice = |errs: &mut Errs, key: &str, allowed: &[&str]| {
        if let Some(v) = hook.get(key).filter(|v| !v.is_null()) {
            let v = v.as_str().unwrap_or("");
            if !allowed.contains(&v) {
                errs.push(not_supported(&format!("{path}.{key}"), v, allowed));
            }
        }
    };
    choice(errs, "failurePolicy", &FAILURE_POLICIES);
    choice(errs, "matchPolicy", &MATCH_POLICIES);
    match hook.get("sideEffects").filter(|v| !v.is_null()) {
        None => errs.push(required(
            &format!("{path}.sideEffects"),
            &format!("must specify one of {}", side_effects.join(", ")),
        )),
        Some(_) => choice(errs, "sideEffects", side_effects),
    }
    if let Some(t) = hook.get("timeoutSeconds").and_then(Value::as_i64) {
        if !(1..=30).contains(&t) {
            errs.push(invalid_int(
                &format!("{path}.timeoutSeconds"),
                t,
                "the timeout value must be between 1 and 30 seconds",
            ));
        }
    }
    for key in ["namespaceSelector", "objectSelector"] {
        if let Some(sel) = hook.get(key).filter(|v| !v.is_null()) {
            label_selector(errs, sel, &format!("{path}.{key}"));
        }
    }
    if mutating {
        choice(errs, "reinvocationPolicy", &REINVOCATION);
    }
    client_config(
        errs,
        hook.get("clientConfig"),
        &format!("{path}.clientConfig"),
    );
    let conditions = hook.get("matchConditions");
    if conditions != old_conditions || old_conditions.is_none() {
        match_conditions(errs, conditions, &format!("{path}.matchConditions"));
    }
}

/// `IsFullyQualifiedName`: a DNS subdomain of at least three labels.
fn fully_qualified_name(errs: &mut Errs, name: &str, path: &str) {
    if name.is_empty() {
        errs.push(required(path, ""));
        return;
    }
    let problems = crate::sim::labels::dns1123_subdomain_problems(name);
    if !problems.is_empty() {
        for p in problems {
            errs.push(invalid_str(path, name, &p));
        }
        return;
    }
    if name.split('.').count() < 3 {
        errs.push(invalid_str(
            path,
            name,
            "should be a domain with at least three segments separated by dots",
        ));
    }
}

/// A rule's list `key`: required, and `*` only alone (`… must not specify other <what>`).
fn wildcard_list<'v>(
    errs: &mut Errs,
    rule: &'v Value,
    key: &str,
    path: &str,
    what: &str,
) -> Vec<&'v str> {
    let list = strings(rule.get(key));
    if list.is_empty() {
        errs.push(required(&format!("{path}.{key}"), ""));
    }
    if list.len() > 1 && list.contains(&"*") {
        errs.push(invalid_json(
            &format!("{path}.{key}"),
            &rule[key],
            &format!("if '*' is present, must not specify other {what}"),
        ));
    }
    list
}

pub(super) fn rule_with_operations(errs: &mut Errs, rule: &Value, path: &str) {
    let ops = wildcard_list(errs, rule, "operations", path, "operations");
    for (k, op) in ops.iter().enumerate() {
        if !OPERATIONS.contains(op) {
            errs.push(not_supported(
                &format!("{path}.operations[{k}]"),
                op,
                &OPERATIONS,
            ));
        }
    }
    wildcard_list(errs, rule, "apiGroups", path, "API groups");
    let versions = wildcard_list(errs, rule, "apiVersions", path, "API versions");
    for (k, v) in versions.iter().enumerate() {
        if v.is_empty() {
            errs.push(required(&format!("{path}.apiVersions[{k}]"), ""));
        }
    }
    resources(errs, rule.get("resources"), &format!("{path}.resources"));
    if let Some(scope) = rule.get("scope").filter(|v| !v.is_null()) {
        let scope = scope.as_str().unwrap_or("");
        if !SCOPES.contains(&scope) {
            errs.push(not_supported(&format!("{path}.scope"), scope, &SCOPES));
        }
    }
}

/// `validateResources` (subresources allowed), with upstream's order-dependent checks.
fn resources(errs: &mut Errs, list: Option<&Value>, path: &str) {
    let all = strings(list);
    if all.is_empty() {
        errs.push(required(path, ""));
    }
    let mut wildcard_sub = std::collections::BTreeSet::new(); // x/*
    let mut wildcard_res = std::collections::BTreeSet::new(); // */x
    let (mut double, mut single, mut plain) = (false, false, false);
    for (i, entry) in all.iter().enumerate() {
        if entry.is_empty() {
            errs.push(required(&format!("{path}[{i}]"), ""));
            continue;
        }
        double |= *entry == "*/*";
        single |= *entry == "*";
        let Some((res, sub)) = entry.split_once('/') else {
            // Upstream overwrites the flag with each entry that has no subresource.
            plain = *entry != "*";
            continue;
        };
        if wildcard_sub.contains(res) {
            errs.push(invalid_str(
                &format!("{path}[{i}]"),
                entry,
                &format!("if '{res}/*' is present, must not specify {entry}"),
            ));
        }
        if wildcard_res.contains(sub) {
            errs.push(invalid_str(
                &format!("{path}[{i}]"),
                entry,
                &format!("if '*/{sub}' is present, must not specify {entry}"),
            ));
        }
        if sub == "*" {
            wildcard_sub.insert(res);
        }
        if res == "*" {
            wildcard_res.insert(sub);
        }
    }
    let listed = || list.cloned().unwrap_or(Value::Null);
    if all.len() > 1 && double {
        errs.push(invalid_json(
            path,
            &listed(),
            "if '*/*' is present, must not specify other resources",
        ));
    }
    if single && plain {
        errs.push(invalid_json(
            path,
            &listed(),
            "if '*' is present, must not specify other resources without subresources",
        ));
    }
}

/// `metav1validation.ValidateLabelSelector`.
pub(crate) fn label_selector(errs: &mut Errs, sel: &Value, path: &str) {
    super::labels(errs, sel.get("matchLabels"), &format!("{path}.matchLabels"));
    for (i, expr) in sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("{path}.matchExpressions[{i}]");
        let values = strings(expr.get("values"));
        match expr.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(required(
                        &format!("{at}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(forbidden(
                        &format!("{at}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'".into(),
                    ));
                }
            }
            other => errs.push(invalid_str(
                &format!("{at}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        let key = expr.get("key").and_then(Value::as_str).unwrap_or("");
        for p in crate::sim::labels::label_key_problems(key) {
            errs.push(invalid_str(&format!("{at}.key"), key, &p));
        }
        for (k, v) in values.iter().enumerate() {
            for p in crate::sim::labels::label_value_problems(v) {
                errs.push(invalid_str(&format!("{at}.values[{k}]"), v, &p));
            }
        }
    }
}

fn client_config(errs: &mut Errs, cc: Option<&Value>, path: &str) {
    let url = cc
        .and_then(|c| c.get("url"))
        .filter(|v| !v.is_null())
        .map(|v| v.as_str().unwrap_or(""));
    let service = cc.and_then(|c| c.get("service")).filter(|v| !v.is_null());
    match (url, service) {
        (Some(url), None) => webhook_url(errs, url, &format!("{path}.url")),
        (None, Some(svc)) => {
            let path = format!("{path}.service");
            let text = |k: &str| svc.get(k).and_then(Value::as_str).unwrap_or("");
            if text("name").is_empty() {
                errs.push(required(&format!("{path}.name"), ""));
            }
            if text("namespace").is_empty() {
                errs.push(required(&format!("{path}.namespace"), ""));
            }
            let port = svc.get("port").and_then(Value::as_i64).unwrap_or(443);
            if !(1..=65535).contains(&port) {
                errs.push(invalid_int(
                    &format!("{path}.port"),
                    port,
                    "port is not valid: must be between 1 and 65535, inclusive",
                ));
            }
            if let Some(p) = svc.get("path").and_then(Value::as_str) {
                service_path(errs, p, &format!("{path}.path"));
            }
        }
        _ => errs.push(required(path, "exactly one of url or service is required")),
    }
}

/// `ValidateWebhookService`'s path rule: `/`-separated DNS subdomains.
fn service_path(errs: &mut Errs, p: &str, path: &str) {
    if p.is_empty() || p == "/" {
        return;
    }
    if p == "//" {
        errs.push(invalid_str(path, p, "segment[0] may not be empty"));
        return;
    }
    if !p.starts_with('/') {
        errs.push(invalid_str(path, p, "must start with a '/'"));
    }
    let rest = p.get(1..).unwrap_or("");
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    for (i, step) in rest.split('/').enumerate() {
        if step.is_empty() {
            errs.push(invalid_str(
                path,
                p,
                &format!("segment[{i}] may not be empty"),
            ));
            continue;
        }
        for f in crate::sim::labels::dns1123_subdomain_problems(step) {
            errs.push(invalid_str(path, p, &format!("segment[{i}]: {f}")));
        }
    }
}

/// The parts of a URL as Go's `url.Parse` splits them (enough for the webhook URL rules).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    pub user: Option<&'a str>,
    /// Host and port.
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub fragment: &'a str,
}

/// Splits a URL as Go's `url.Parse` does; `Err` with Go's message for what it refuses.
pub fn parse_url(url: &str) -> Result<UrlParts<'_>, String> {
    let (rest, fragment) = url.split_once('#').unwrap_or((url, ""));
    let mut parts = UrlParts {
        fragment,
        ..Default::default()
    };
    // A scheme is letters, digits, `+`, `-`, `.`, starting with a letter, before a `:`.
    let mut rest = rest;
    for (i, c) in rest.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => {
                return Err(format!(
                    "parse {}: missing protocol scheme",
                    crate::sim::yamlout::go_quote(url)
                ))
            }
            ':' => {
                parts.scheme = &rest[..i];
                rest = &rest[i + 1..];
                break;
            }
            _ => break,
        }
    }
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    parts.query = query;
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        parts.path = &after[end..];
        match authority.rsplit_once('@') {
            Some((user, host)) => {
                parts.user = Some(user);
                parts.host = host;
            }
            None => parts.host = authority,
        }
    } else {
        parts.path = rest;
    }
    Ok(parts)
}

/// `ValidateWebhookURL` with https required.
fn webhook_url(errs: &mut Errs, url: &str, path: &str) {
    let u = match parse_url(url) {
        Ok(u) => u,
        Err(e) => {
            errs.push(required(
                path,
                &format!("url must be a valid URL: {e}{URL_FORM}"),
            ));
            return;
        }
    };
    if u.scheme != "https" {
        errs.push(invalid_str(
            path,
            u.scheme,
            &format!("'https' is the only allowed URL scheme{URL_FORM}"),
        ));
    }
    if u.host.is_empty() {
        errs.push(invalid_str(
            path,
            u.host,
            &format!("host must be specified{URL_FORM}"),
        ));
    }
    if let Some(user) = u.user {
        errs.push(invalid_str(
            path,
            user,
            "user information is not permitted in the URL",
        ));
    }
    if !u.fragment.is_empty() {
        errs.push(invalid_str(
            path,
            u.fragment,
            "fragments are not permitted in the URL",
        ));
    }
    if !u.query.is_empty() {
        errs.push(invalid_str(
            path,
            u.query,
            "query parameters are not permitted in the URL",
        ));
    }
}

fn match_conditions(errs: &mut Errs, list: Option<&Value>, path: &str) {
    let all = list
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if all.len() > MAX_MATCH_CONDITIONS {
        errs.push(too_many(path, all.len(), MAX_MATCH_CONDITIONS));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in all.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let expression = c.get("expression").and_then(Value::as_str).unwrap_or("");
        if expression.trim().is_empty() {
            errs.push(required(&format!("{at}.expression"), ""));
        } else if let Err(e) = crate::sim::cel::Program::compile(
            expression,
            &crate::sim::cel::Declarations::match_conditions(),
            crate::sim::cel::Want::Bool,
        ) {
            errs.push(invalid_str(
                &format!("{at}.expression"),
                expression,
                &e.to_string(),
            ));
        }
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
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

/// `validateAdmissionReviewVersions`.
fn review_versions(errs: &mut Errs, list: Option<&Value>, path: &str, require_known: bool) {
    let versions = strings(list);
    if versions.is_empty() {
        errs.push(required(
            path,
            &format!("must specify one of {}", REVIEW_VERSIONS.join(", ")),
        ));
        return;
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut known = false;
    for (i, v) in versions.iter().enumerate() {
        if !seen.insert(*v) {
            errs.push(invalid_str(&format!("{path}[{i}]"), v, "duplicate version"));
            continue;
        }
        for p in crate::sim::labels::dns1035_label_problems(v) {
            errs.push(invalid_str(&format!("{path}[{i}]"), v, &p));
        }
        known |= REVIEW_VERSIONS.contains(v);
    }
    if require_known && !known {
        errs.push(invalid_json(
            path,
            list.unwrap_or(&Value::Null),
            &format!(
                "must include at least one of {}",
                REVIEW_VERSIONS.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The errors of a configuration holding these webhooks (each with a valid name, rules,
    /// sideEffects, clientConfig and admissionReviewVersions unless the case sets its own),
    /// joined as upstream aggregates them.
    /// Each case's webhook over `base`: its fields replace the base's, a `null` removes one.
    fn over(base: &Value, hooks: &Value) -> Vec<Value> {
        hooks
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let mut hook = base.clone();
                for (k, v) in h.as_object().unwrap() {
                    if v.is_null() {
                        hook.as_object_mut().unwrap().remove(k);
                    } else {
                        hook[k] = v.clone();
                    }
                }
                hook
            })
            .collect()
    }

    fn errors_of(hooks: Value, old: Option<Value>) -> String {
        let hooks = over(
            &json!({
                "name": "webhook.k8s.io",
                "sideEffects": "None",
                "admissionReviewVersions": ["v1beta1"],
                "clientConfig": {"url": "https://example.com"},
            }),
            &hooks,
        );
        let obj = json!({"metadata": {"name": "config"}, "webhooks": hooks});
        let old = old.map(|o| json!({"metadata": {"name": "config"}, "webhooks": o}));
        let mut errs = Vec::new();
        webhook_configuration(&mut errs, &mut Vec::new(), &obj, old.as_ref(), false);
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn rule(ops: Value, resources: Value) -> Value {
        json!({"operations": ops, "apiGroups": ["a"], "apiVersions": ["a"], "resources": resources})
    }

    /// Ported from upstream's `TestValidateValidatingWebhookConfiguration` (the v1.37
    /// renderings: list values as JSON).
    #[test]
    fn webhook_configurations_are_validated_as_upstream() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("ARV required", json!([{"admissionReviewVersions": null}]), "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"),
            ("bad ARV", json!([{"admissionReviewVersions": ["0v"]}]), "Invalid value: \"0v\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
            ("valid ARV", json!([{}]), ""),
            ("mixed ARV", json!([{"admissionReviewVersions": ["v1beta1", "invalid-version"]}]), ""),
            ("invalid ARV", json!([{"admissionReviewVersions": ["invalidVersion"]}]), "webhooks[0].admissionReviewVersions: Invalid value: [\"invalidVersion\"]: must include at least one of v1, v1beta1"),
            ("dup ARV", json!([{"admissionReviewVersions": ["v1beta1", "v1beta1"]}]), "webhooks[0].admissionReviewVersions[1]: Invalid value: \"v1beta1\": duplicate version"),
            ("names", json!([{}, {"name": "k8s.io"}, {"name": ""}]), "webhooks[1].name: Invalid value: \"k8s.io\": should be a domain with at least three segments separated by dots, webhooks[2].name: Required value"),
            ("unique names", json!([{}, {}]), "webhooks[1].name: Duplicate value: \"webhook.k8s.io\""),
            ("ops empty/nil", json!([{"rules": [rule(json!([]), json!(["a"])), rule(Value::Null, json!(["a"]))]}]), "webhooks[0].rules[0].operations: Required value, webhooks[0].rules[1].operations: Required value"),
            ("empty op", json!([{"rules": [rule(json!(["CREATE", ""]), json!(["a"]))]}]), "webhooks[0].rules[0].operations[1]: Unsupported value: \"\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\""),
            ("PATCH", json!([{"rules": [rule(json!(["PATCH"]), json!(["a"]))]}]), "Unsupported value: \"PATCH\""),
            ("* mixed", json!([{"rules": [rule(json!(["CREATE", "*"]), json!(["a"]))]}]), "webhooks[0].rules[0].operations: Invalid value: [\"CREATE\",\"*\"]: if '*' is present, must not specify other operations"),
            ("* with subresources", json!([{"rules": [rule(json!(["CREATE"]), json!(["*", "a/b", "a/*", "*/b"]))]}]), ""),
            ("* with plain", json!([{"rules": [rule(json!(["CREATE"]), json!(["*", "a"]))]}]), "if '*' is present, must not specify other resources without subresources"),
            ("plain then * (upstream's overwritten flag)", json!([{"rules": [rule(json!(["CREATE"]), json!(["a", "*"]))]}]), ""),
            ("a/* then a/x", json!([{"rules": [rule(json!(["CREATE"]), json!(["a/*", "a/x"]))]}]), "webhooks[0].rules[0].resources[1]: Invalid value: \"a/x\": if 'a/*' is present, must not specify a/x"),
            ("a/* and a", json!([{"rules": [rule(json!(["CREATE"]), json!(["a/*", "a"]))]}]), ""),
            ("*/a then x/a", json!([{"rules": [rule(json!(["CREATE"]), json!(["*/a", "x/a"]))]}]), "webhooks[0].rules[0].resources[1]: Invalid value: \"x/a\": if '*/a' is present, must not specify x/a"),
            ("*/* and a", json!([{"rules": [rule(json!(["CREATE"]), json!(["*/*", "a"]))]}]), "webhooks[0].rules[0].resources: Invalid value: [\"*/*\",\"a\"]: if '*/*' is present, must not specify other resources"),
            ("scope", json!([{"rules": [{"operations": ["CREATE"], "apiGroups": ["a"], "apiVersions": ["a"], "resources": ["a"], "scope": "other"}]}]), "webhooks[0].rules[0].scope: Unsupported value: \"other\": supported values: \"*\", \"Cluster\", \"Namespaced\""),
            ("failurePolicy", json!([{"failurePolicy": "other"}]), "webhooks[0].failurePolicy: Unsupported value: \"other\": supported values: \"Fail\", \"Ignore\""),
            ("sideEffects nil", json!([{"sideEffects": null}]), "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun"),
            ("sideEffects other", json!([{"sideEffects": "other"}]), "webhooks[0].sideEffects: Unsupported value: \"other\": supported values: \"None\", \"NoneOnDryRun\""),
            ("no url or service", json!([{"clientConfig": {}}]), "webhooks[0].clientConfig: Required value: exactly one of url or service is required"),
            ("both", json!([{"clientConfig": {"url": "https://example.com", "service": {"namespace": "ns", "name": "n", "port": 443}}}]), "[0].clientConfig: Required value: exactly one of url or service is required"),
            ("blank URL", json!([{"clientConfig": {"url": ""}}]), "webhooks[0].clientConfig.url: Invalid value: \"\": host must be specified; desired format: https://host[/path]"),
            ("http", json!([{"clientConfig": {"url": "http://example.com"}}]), "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]"),
            ("missing host", json!([{"clientConfig": {"url": "https:///fancy/webhook"}}]), "host must be specified"),
            ("fragment", json!([{"clientConfig": {"url": "https://example.com/#bookmark"}}]), "Invalid value: \"bookmark\": fragments are not permitted in the URL"),
            ("query", json!([{"clientConfig": {"url": "https://example.com?arg=value"}}]), "Invalid value: \"arg=value\": query parameters are not permitted in the URL"),
            ("user", json!([{"clientConfig": {"url": "https://harry.potter@example.com/"}}]), "Invalid value: \"harry.potter\": user information is not permitted in the URL"),
            ("garbage", json!([{"clientConfig": {"url": "arg#backwards=thisis?html.index/port:host//:https"}}]), "host must be specified"),
            ("path foo/", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "foo/", "port": 443}}}]), "webhooks[0].clientConfig.service.path: Invalid value: \"foo/\": must start with a '/'"),
            ("path /", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "/", "port": 443}}}]), ""),
            ("path /foo", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "/foo", "port": 443}}}]), ""),
            ("path //", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "//", "port": 443}}}]), "webhooks[0].clientConfig.service.path: Invalid value: \"//\": segment[0] may not be empty"),
            ("path /foo//bar/", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "/foo//bar/", "port": 443}}}]), "webhooks[0].clientConfig.service.path: Invalid value: \"/foo//bar/\": segment[1] may not be empty"),
            ("path /foo/bar//", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "/foo/bar//", "port": 443}}}]), "segment[2] may not be empty"),
            ("path --bad", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "path": "/apis/foo.bar/v1alpha1/--bad", "port": 443}}}]), "webhooks[0].clientConfig.service.path: Invalid value: \"/apis/foo.bar/v1alpha1/--bad\": segment[3]: a lowercase RFC 1123 subdomain"),
            ("port 0", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "port": 0}}}]), "webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive"),
            ("port 65536", json!([{"clientConfig": {"service": {"namespace": "ns", "name": "n", "port": 65536}}}]), "Invalid value: 65536: port is not valid: must be between 1 and 65535, inclusive"),
            ("service without name", json!([{"clientConfig": {"service": {"namespace": "ns", "port": 443}}}]), "webhooks[0].clientConfig.service.name: Required value"),
            ("timeout 31", json!([{"timeoutSeconds": 31}]), "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds"),
            ("timeout 0", json!([{"timeoutSeconds": 0}]), "webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds"),
            ("timeout -1", json!([{"timeoutSeconds": -1}]), "webhooks[0].timeoutSeconds: Invalid value: -1: the timeout value must be between 1 and 30 seconds"),
            ("timeouts 1 15 30", json!([{"timeoutSeconds": 1}, {"name": "b.k8s.io", "timeoutSeconds": 15}, {"name": "c.k8s.io", "timeoutSeconds": 30}]), ""),
            ("MC without name", json!([{"matchConditions": [{"expression": "true"}]}]), "webhooks[0].matchConditions[0].name: Required value"),
            ("MC names across hooks", json!([{"matchConditions": [{"expression": "true"}, {"expression": "true"}]}, {"name": "b.k8s.io", "matchConditions": [{"name": "", "expression": "true"}]}]), "webhooks[0].matchConditions[0].name: Required value, webhooks[0].matchConditions[1].name: Required value, webhooks[1].matchConditions[0].name: Required value"),
            ("MC -hello", json!([{"matchConditions": [{"name": "-hello", "expression": "true"}]}]), "webhooks[0].matchConditions[0].name: Invalid value: \"-hello\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
            ("MC expression missing", json!([{"matchConditions": [{"name": "a"}]}]), "webhooks[0].matchConditions[0].expression: Required value"),
            ("MC expression blank", json!([{"matchConditions": [{"name": "a", "expression": "  "}]}]), "webhooks[0].matchConditions[0].expression: Required value"),
            ("MC dup name", json!([{"matchConditions": [{"name": "webhook.k8s.io", "expression": "true"}, {"name": "webhook.k8s.io", "expression": "true"}]}]), "webhooks[0].matchConditions[1].name: Duplicate value: \"webhook.k8s.io\""),
            // Upstream's table (TestValidateValidatingWebhookConfiguration): the expression is
            // compiled, and must be a bool.
            ("MC syntax", json!([{"matchConditions": [{"name": "a", "expression": "object.x in [1, 2,"}]}]), "webhooks[0].matchConditions[0].expression: Invalid value: \"object.x in [1, 2,\": compilation failed: ERROR: <input>:1:19: Syntax error: missing ']' at '<EOF>'\n | object.x in [1, 2,\n | ..................^"),
            ("MC not bool", json!([{"matchConditions": [{"name": "a", "expression": "6"}]}]), "webhooks[0].matchConditions[0].expression: Invalid value: \"6\": must evaluate to bool but got int"),
            ("MC undeclared", json!([{"matchConditions": [{"name": "a", "expression": "params.x == 1"}]}]), "webhooks[0].matchConditions[0].expression: Invalid value: \"params.x == 1\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')"),
            ("MC variables", json!([{"matchConditions": [{"name": "a", "expression": "request.userInfo.username == 'x' && has(object.metadata)"}]}]), ""),
            ("MC same name two hooks", json!([{"matchConditions": [{"name": "x", "expression": "true"}]}, {"name": "b.k8s.io", "matchConditions": [{"name": "x", "expression": "true"}]}]), ""),
            ("selector operator", json!([{"namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Foo"}]}}]), "webhooks[0].namespaceSelector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator"),
            ("selector In without values", json!([{"objectSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}]), "webhooks[0].objectSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"),
            ("selector Exists with values", json!([{"objectSelector": {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}}]), "webhooks[0].objectSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        ];
        for (case, hooks, want) in cases {
            let got = errors_of(hooks, None);
            if want.is_empty() {
                assert_eq!(got, "", "{case}");
            } else {
                assert!(got.contains(want), "{case}:\n got {got}\nwant {want}");
            }
        }
        let many: Vec<Value> = (0..65)
            .map(|i| json!({"name": format!("c{i}"), "expression": "true"}))
            .collect();
        assert!(errors_of(json!([{"matchConditions": many}]), None)
            .contains("webhooks[0].matchConditions: Too many: 65: must have at most 64 items"));
        // Several problems with one qualified-name list each show.
        let got = errors_of(
            json!([{"matchConditions": [
                {"name": ".io", "expression": "true"},
                {"name": "thing.test.com", "expression": "true"},
                {"name": "some name", "expression": "true"},
            ]}]),
            None,
        );
        assert!(
            got.contains("matchConditions[0].name: Invalid value: \".io\""),
            "{got}"
        );
        assert!(
            got.contains("matchConditions[2].name: Invalid value: \"some name\""),
            "{got}"
        );
        assert!(!got.contains("thing.test.com"), "{got}");
    }

    /// Ported from `TestValidateValidatingWebhookConfigurationUpdate`.
    #[test]
    fn an_update_may_keep_what_the_stored_configuration_already_broke() {
        let hook = |versions: Value| json!({"name": "webhook.k8s.io", "admissionReviewVersions": versions});
        let cases: Vec<(&str, Value, Value, &str)> = vec![
            (
                "new valid ARV",
                json!([hook(Value::Null)]),
                json!([hook(json!(["v1beta1"]))]),
                "",
            ),
            (
                "invalid ARV old and new",
                json!([hook(json!(["invalid-v0"]))]),
                json!([hook(json!(["invalid-v1", "invalid-v2"]))]),
                "",
            ),
            (
                "old had a valid ARV",
                json!([hook(json!(["v1beta1", "invalid-v1"]))]),
                json!([hook(json!(["invalid-v1"]))]),
                "Invalid value: [\"invalid-v1\"]: must include at least one of v1, v1beta1",
            ),
            (
                "old names unique",
                json!([{}, {"name": "other.k8s.io"}]),
                json!([{}, {}]),
                "webhooks[1].name: Duplicate value: \"webhook.k8s.io\"",
            ),
            ("old names duplicated", json!([{}, {}]), json!([{}, {}]), ""),
            (
                "sideEffects Some kept",
                json!([{"sideEffects": "Some"}]),
                json!([{"sideEffects": "Unknown"}]),
                "",
            ),
        ];
        for (case, old, new, want) in cases {
            let old = over(
                &json!({"name": "webhook.k8s.io", "sideEffects": "None", "admissionReviewVersions": ["v1"]}),
                &old,
            );
            let got = errors_of(new, Some(Value::Array(old)));
            if want.is_empty() {
                assert_eq!(got, "", "{case}");
            } else {
                assert!(got.contains(want), "{case}:\n got {got}\nwant {want}");
            }
        }
    }

    #[test]
    fn urls_split_as_go_splits_them() {
        let u = parse_url("https://harry.potter@example.com:8443/a/b?x=1#f").unwrap();
        assert_eq!(
            u,
            UrlParts {
                scheme: "https",
                user: Some("harry.potter"),
                host: "example.com:8443",
                path: "/a/b",
                query: "x=1",
                fragment: "f",
            }
        );
        assert_eq!(parse_url("https:///fancy").unwrap().host, "");
        assert_eq!(parse_url("arg#b").unwrap().scheme, "");
        assert_eq!(
            parse_url("://x").unwrap_err(),
            "parse \"://x\": missing protocol scheme"
        );
    }
}

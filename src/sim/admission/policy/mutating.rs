//! MutatingAdmissionPolicy (`k8s.io/apiserver/pkg/admission/plugin/policy/mutating`): each
//! policy a request meets, through each binding it meets too, once per param: its
//! matchConditions, then its mutations in order, each seeing what the one before made, each
//! with a cost budget of its own: an apply configuration (`Object{…}`, merged into the object
//! as server-side apply merges) or a JSON patch (`[JSONPatch{…}]`). An error (or a
//! configuration error) under failurePolicy Fail answers the request with 403 and the
//! error's text (`policy 'p' with binding 'b' denied request: …`); under Ignore it is dropped.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::activation::{bound, conditions, declared, Activation, Conditions, Failure};
use super::{dispatch, forbidden_name, request_variable, Kind, Step};
use crate::sim::admission::webhook::{versioned, Invocation};
use crate::sim::admission::{Attributes, Context, Verdict};
use crate::sim::cel::{self, Want};
use crate::sim::ptr::Ptr;
use crate::sim::response::ApiError;

/// One error of a policy: its text, and the reason it answers with.
struct PolicyError {
    message: String,
    reason: &'static str,
}

/// The mutating pass of the MutatingAdmissionPolicy plugin.
pub fn admit(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if ctx.control_plane.minor < 36 {
        return Verdict::Skip(
            "does nothing while the feature gate MutatingAdmissionPolicy is off (the default before v1.36)"
                .into(),
        );
    }
    if let Some(why) = super::never_applies(a) {
        return Verdict::Skip(why.into());
    }
    let kind = Kind {
        name: "MutatingAdmissionPolicy",
        policies: "mutatingadmissionpolicies",
        bindings: "mutatingadmissionpolicybindings",
    };
    let minor = ctx.control_plane.minor;
    let mut said: Vec<String> = Vec::new();
    let steps = match dispatch(ctx.store, minor, a, &kind, &mut said) {
        Err(e) => return Verdict::Reject(e),
        Ok(None) => {
            return Verdict::Skip("no MutatingAdmissionPolicy with a binding in the cluster".into())
        }
        Ok(Some(steps)) => steps,
    };
    let again = ctx.reinvocation.again;
    ctx.reinvocation.policies.start(again, a.object.as_ref());
    let mut known = Vec::new();
    let mut errors: Vec<PolicyError> = Vec::new();
    let mut applied = 0;
    // `policy 'p' with binding 'b' denied request: …`, or `policy "p" denied request: …`.
    let error_text = |pname: &str, binding: Option<&str>, message: &str| match binding {
        Some(b) => format!("policy '{pname}' with binding '{b}' denied request: {message}"),
        None => format!("policy {pname:?} denied request: {message}"),
    };
    for step in steps {
        let call = match step {
            Step::Config(e) => {
                if e.fail {
                    errors.push(PolicyError {
                        message: error_text(&e.policy_name, e.binding.as_deref(), &e.message),
                        reason: "Forbidden",
                    });
                }
                continue;
            }
            Step::Call(call) => call,
        };
        let (pname, bname) = (call.policy_name.as_str(), call.binding_name.as_str());
        let title = format!("MutatingAdmissionPolicy '{pname}' with binding '{bname}'");
        if a.object.is_none() {
            continue;
        }
        let key = format!(
            "{pname}/{bname}/{}/{}",
            call.param
                .ptr("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or(""),
            call.param
                .ptr("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
        );
        // In the second pass, only invocations marked for it run.
        if again && !ctx.reinvocation.policies.reinvoked(&key) {
            said.push(format!(
                "{title} is not run again (nothing it saw changed, or reinvocationPolicy Never)"
            ));
            continue;
        }
        let if_needed = call
            .policy
            .ptr("/spec/reinvocationPolicy")
            .and_then(Value::as_str)
            == Some("IfNeeded");
        let (outcome, lines) = {
            let mut answer = super::authorizer_answer(ctx, a);
            let mut authz = cel::Authz {
                request: super::request_resource(a),
                answer: &mut answer,
                known: std::mem::take(&mut known),
            };
            let out = invoke(
                &call.policy,
                &call.matched,
                a,
                &call.param,
                &call.namespace,
                &mut authz,
            );
            known = authz.known;
            out
        };
        match outcome {
            Ok(Some(mut object)) => {
                applied += 1;
                // The patched object is defaulted again, as upstream does.
                if let Some(res) = crate::sim::discovery::by_resource(minor, &a.group, &a.resource)
                {
                    crate::sim::defaults::apply(&mut object, res);
                }
                if a.object.as_ref() != Some(&object) {
                    if let Some(o) = a.object_mut() {
                        *o = object;
                    }
                    ctx.reinvocation.policies.require_previous();
                    ctx.reinvocation.wanted = true;
                }
            }
            Ok(None) => {}
            Err(e) => {
                if call.fail {
                    errors.push(PolicyError {
                        message: error_text(pname, Some(bname), &e),
                        reason: "Invalid",
                    });
                }
            }
        }
        if if_needed {
            ctx.reinvocation.policies.invoked(key);
        }
        ctx.notes.push((title, lines.join("\n")));
    }
    ctx.reinvocation.policies.finish(a.object.as_ref());
    if let Some(first) = errors.first() {
        return Verdict::Reject(denial(a, first, &errors));
    }
    super::verdict(
        &kind,
        applied,
        "policy invocation(s) mutated the object",
        said,
    )
}

/// The answer to a policy error: 403 whatever the reason, the first error's text as the
/// message (no "is forbidden" prefix), each error a cause.
fn denial(a: &Attributes<'_>, first: &PolicyError, all: &[PolicyError]) -> ApiError {
    let name = forbidden_name(a);
    let mut err = ApiError::forbidden(
        &a.group,
        &a.resource,
        &name,
        "admission request denied by policy",
    );
    err.message = first.message.clone();
    err.reason = first.reason.into();
    err.details.insert(
        "causes".into(),
        Value::Array(all.iter().map(|e| json!({"message": e.message})).collect()),
    );
    err
}

/// One (policy, binding, param) invocation: the object after its mutations (`None`: the
/// policy does not apply), or the error; and what the card says.
fn invoke(
    policy: &Value,
    inv: &Invocation,
    a: &Attributes<'_>,
    param: &Value,
    namespace: &Value,
    authz: &mut cel::Authz<'_>,
) -> (Result<Option<Value>, String>, Vec<String>) {
    let spec = policy.get("spec").unwrap_or(&Value::Null);
    let has_params = spec.get("paramKind").is_some_and(|k| !k.is_null());
    let mut object = versioned(&a.object, inv);
    let old_object = versioned(&a.old_object, inv);
    let request = request_variable(a, inv);
    let decls = declared(has_params);
    let list = |k: &str| {
        spec.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let variables: Vec<(String, String)> = list("variables")
        .iter()
        .map(|v| (text(v, "name"), text(v, "expression")))
        .collect();
    let mut lines = Vec::new();
    let mut computed = HashMap::new();
    // matchConditions, on the object as it came.
    {
        let json = bound(
            &object,
            &old_object,
            &request,
            namespace,
            has_params.then_some(param),
        );
        let mut act = Activation {
            json,
            authz: &mut *authz,
            decls: decls.clone(),
            variables: variables.clone(),
            computed: HashMap::new(),
            shown: Vec::new(),
        };
        match conditions(&mut act, list("matchConditions"), &decls, &mut lines) {
            Conditions::Apply => {}
            Conditions::Skip => return (Ok(None), lines),
            Conditions::Failed(e) => return (Err(e), lines),
        }
    }
    let mut mutation_decls = decls.clone();
    mutation_decls.mutation = true;
    for (i, m) in list("mutations").iter().enumerate() {
        let patch_type = text(m, "patchType");
        let (key, want) = match patch_type.as_str() {
            "ApplyConfiguration" => ("applyConfiguration", Want::Object),
            "JSONPatch" => ("jsonPatch", Want::JsonPatches),
            other => return (Err(format!("unsupported patch type {other:?}")), lines),
        };
        let expression = m
            .get(key)
            .and_then(|c| c.get("expression"))
            .and_then(Value::as_str)
            .unwrap_or("");
        // Each mutation sees the object as the one before left it, with a budget of its own;
        // the variables are computed once for the invocation.
        let json = bound(
            &object,
            &old_object,
            &request,
            namespace,
            has_params.then_some(param),
        );
        let mut act = Activation {
            json,
            authz: &mut *authz,
            decls: mutation_decls.clone(),
            variables: variables.clone(),
            computed: std::mem::take(&mut computed),
            shown: Vec::new(),
        };
        let mut budget = cel::RUNTIME_BUDGET;
        let result = act.eval(expression, &mutation_decls, want, &mut budget);
        lines.extend(std::mem::take(&mut act.shown));
        computed = std::mem::take(&mut act.computed);
        let value = match result {
            Ok(v) => cel::convert::value_to_json(&v),
            Err(Failure::Error(e)) => {
                lines.push(format!("mutations[{i}]: {e}"));
                return (Err(e), lines);
            }
            Err(Failure::OutOfBudget) => {
                lines.push(format!("mutations[{i}]: {}", cel::OUT_OF_BUDGET));
                return (Err(cel::OUT_OF_BUDGET.to_string()), lines);
            }
        };
        let patched = if patch_type == "JSONPatch" {
            json_patch(&object, &value)
        } else {
            apply_configuration(&object, &value)
        };
        match patched {
            Ok(Some(next)) => {
                lines.push(format!("mutations[{i}] ({patch_type}): {}", value));
                object = next;
            }
            Ok(None) => lines.push(format!(
                "mutations[{i}] ({patch_type}): a test operation failed: the patch is skipped"
            )),
            Err(e) => {
                lines.push(format!("mutations[{i}]: {e}"));
                return (Err(e), lines);
            }
        }
    }
    // Back to the request's own version.
    if let (Some(Value::Object(orig)), Value::Object(out)) = (&a.object, &mut object) {
        for k in ["apiVersion", "kind"] {
            match orig.get(k) {
                Some(v) => {
                    out.insert(k.into(), v.clone());
                }
                None => {
                    out.remove(k);
                }
            }
        }
    }
    (Ok(Some(object)), lines)
}

/// A mutation's JSON patch (a list of `JSONPatch{op, path, from, value}`), applied as
/// upstream applies it: `from` only when not empty, `value` only when set; a failed `test`
/// skips the whole patch (`Ok(None)`).
fn json_patch(object: &Value, ops: &Value) -> Result<Option<Value>, String> {
    let Some(list) = ops.as_array() else {
        return Err("JSON Patch: the expression did not give a list of JSONPatch".into());
    };
    let mut out = Vec::new();
    for op in list {
        let field = |k: &str| -> Result<Option<String>, String> {
            match op.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!(
                    "unexpected type {} for JSONPatchType '{k}' field",
                    match other {
                        Value::Bool(_) => "bool",
                        Value::Number(_) => "int64",
                        Value::Array(_) => "[]interface {}",
                        _ => "map[string]interface {}",
                    }
                )),
            }
        };
        let mut m = Map::new();
        m.insert("op".into(), json!(field("op")?.unwrap_or_default()));
        m.insert("path".into(), json!(field("path")?.unwrap_or_default()));
        if let Some(from) = field("from")?.filter(|f| !f.is_empty()) {
            m.insert("from".into(), json!(from));
        }
        if let Some(v) = op.get("value") {
            m.insert("value".into(), v.clone());
        }
        out.push(Value::Object(m));
    }
    match crate::sim::patch::json_patch(object, &Value::Array(out)) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.to_string().ends_with("test failed") => Ok(None),
        Err(e) => Err(format!("JSON Patch: {e}")),
    }
}

/// A field whose value server-side apply replaces whole (an atomic struct or map): the
/// selectors (`LabelSelector`, a Service's selector).
fn atomic_struct(path: &str) -> bool {
    path.ends_with(".selector")
}

/// Lists server-side apply treats as sets.
fn set_list(path: &str) -> bool {
    path.ends_with("metadata.finalizers")
}

/// An apply configuration merged into the object as structured-merge-diff merges it: maps
/// and structs field by field, lists with a key (`containers` by name, `ports` by port, …)
/// entry by entry, set lists as unions; an atomic list, map or struct in the configuration is
/// refused, as upstream's `validatePatch` does.
fn apply_configuration(object: &Value, patch: &Value) -> Result<Option<Value>, String> {
    let mut atomic = Vec::new();
    let merged = merge(object, patch, "", &mut atomic);
    if !atomic.is_empty() {
        return Err(format!(
            "error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: {}",
            atomic.join(", ")
        ));
    }
    Ok(Some(merged))
}

fn merge(live: &Value, patch: &Value, path: &str, atomic: &mut Vec<String>) -> Value {
    match (live, patch) {
        (_, Value::Object(p)) => {
            if atomic_struct(path) {
                atomic.push(path.to_string());
            }
            let mut out = match live {
                Value::Object(l) => l.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                let child = format!("{path}.{k}");
                let merged = merge(out.get(k).unwrap_or(&Value::Null), v, &child, atomic);
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, Value::Array(items)) => {
            let dotted = path.trim_start_matches('.');
            if set_list(path) {
                let mut out = live.as_array().cloned().unwrap_or_default();
                for i in items {
                    if !out.contains(i) {
                        out.push(i.clone());
                    }
                }
                return Value::Array(out);
            }
            let Some(key) = crate::sim::patch::strategic_key(dotted) else {
                atomic.push(path.to_string());
                return patch.clone();
            };
            let mut out = live.as_array().cloned().unwrap_or_default();
            for item in items {
                let id = item.get(key);
                let at = format!(
                    "{path}[{key}={}]",
                    id.map(Value::to_string).unwrap_or_default()
                );
                match out.iter_mut().find(|l| id.is_some() && l.get(key) == id) {
                    Some(existing) => *existing = merge(existing, item, &at, atomic),
                    None => out.push(merge(&Value::Null, item, &at, atomic)),
                }
            }
            Value::Array(out)
        }
        (_, other) => other.clone(),
    }
}

//! ValidatingAdmissionPolicy (`k8s.io/apiserver/pkg/admission/plugin/policy/validating`):
//! each policy a request meets, through each of its bindings that the request meets too, once
//! per param the binding names: its matchConditions, then its validations (with their
//! messages and the variables they read, over one cost budget), then its audit annotations;
//! each failed validation goes where the binding's validationActions say (Deny, Warn, Audit).
//! The first denial answers the request:
//! `<resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<p>' with binding '<b>'
//! denied request: <message>`, with the validation's reason (Invalid, 422, by default).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::activation::{bound, conditions, declared, Activation, Conditions, Failure};
use super::{dispatch, forbidden_name, request_variable, Kind, Step};
use crate::sim::admission::webhook::{versioned, Invocation};
use crate::sim::admission::{Attributes, Context, Verdict};
use crate::sim::cel::{self, Want};
use crate::sim::ptr::Ptr;
use crate::sim::response::ApiError;

/// Where the API server puts the failures a binding audits.
const VALIDATION_FAILURE: &str = "validation.policy.admission.k8s.io/validation_failure";
/// The most audited failures kept (`maxValidationFailures`).
const MAX_AUDITED: usize = 50;
/// The longest message a messageExpression may give (`MaxEvaluatedMessageExpressionSizeBytes`).
const MAX_MESSAGE: usize = 5 * 1024;
/// The longest audit annotation value kept.
const MAX_ANNOTATION: usize = 10 * 1024;

/// One failed validation (or configuration error) of a policy.
#[derive(Debug, Clone)]
struct Denial {
    policy: String,
    /// `None` for a policy-level configuration error.
    binding: Option<String>,
    message: String,
    /// The validation's reason (`None`: Invalid).
    reason: Option<String>,
}

/// The text of a value for the card.
fn shown(v: &::cel::Value) -> String {
    cel::convert::value_to_json(v).to_string()
}

/// What one (policy, binding, param) evaluation decided.
#[derive(Default)]
struct Evaluation {
    /// Failed validations: (index, message, reason); configuration-like errors have index 0.
    denials: Vec<(usize, String, Option<String>)>,
    /// Errors that deny whatever the validationActions (audit annotations under Fail).
    hard: Vec<String>,
    /// Published audit annotations (key, value).
    annotations: Vec<(String, String)>,
    /// What the card says.
    lines: Vec<String>,
    /// Whether the matchConditions let it through.
    matched: bool,
}

/// `validator.Validate` for one param.
fn evaluate(
    policy: &Value,
    inv: &Invocation,
    a: &Attributes<'_>,
    param: &Value,
    namespace: &Value,
    authz: &mut cel::Authz<'_>,
) -> Evaluation {
    let spec = policy.get("spec").unwrap_or(&Value::Null);
    let fail = spec.get("failurePolicy").and_then(Value::as_str) != Some("Ignore");
    let has_params = spec.get("paramKind").is_some_and(|k| !k.is_null());
    let object = versioned(&a.object, inv);
    let old_object = versioned(&a.old_object, inv);
    let request = request_variable(a, inv);
    let decls = declared(has_params);
    let json = bound(
        &object,
        &old_object,
        &request,
        namespace,
        has_params.then_some(param),
    );
    let list = |k: &str| {
        spec.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut act = Activation {
        json,
        authz,
        decls: decls.clone(),
        variables: list("variables")
            .iter()
            .map(|v| (text(v, "name"), text(v, "expression")))
            .collect(),
        computed: HashMap::new(),
        shown: Vec::new(),
    };
    let mut out = Evaluation::default();
    let on_error = |out: &mut Evaluation, message: String| {
        if fail {
            out.denials.push((0, message, None));
        }
    };

    // matchConditions: a false one skips the policy for this binding; an error decides
    // under Fail and skips it under Ignore.
    match conditions(&mut act, list("matchConditions"), &decls, &mut out.lines) {
        Conditions::Apply => {}
        Conditions::Skip => return out,
        Conditions::Failed(message) => {
            on_error(&mut out, message);
            if !fail {
                out.lines
                    .push("the matchConditions failed: not applied (failurePolicy Ignore)".into());
            }
            return out;
        }
    }
    out.matched = true;

    // validations, over one budget shared with their messageExpressions and the variables.
    let mut budget = cel::RUNTIME_BUDGET;
    let validations = list("validations");
    let mut results = Vec::new();
    for v in validations {
        let expression = text(v, "expression");
        match act.eval(&expression, &decls, Want::Bool, &mut budget) {
            Err(Failure::OutOfBudget) => {
                out.lines.extend(std::mem::take(&mut act.shown));
                out.lines.push(cel::OUT_OF_BUDGET.to_string());
                out.denials.clear();
                on_error(&mut out, cel::OUT_OF_BUDGET.to_string());
                return out;
            }
            Err(Failure::Error(e)) => results.push(Err(e)),
            Ok(value) => results.push(Ok(value)),
        }
    }
    // messageExpressions: each evaluated whatever its validation gave, without `authorizer`.
    let mut msg_decls = decls.clone();
    msg_decls.variables.retain(|v| *v != "authorizer");
    let mut messages = Vec::new();
    let mut message_budget_out = false;
    for v in validations {
        let me = text(v, "messageExpression");
        if me.is_empty() || message_budget_out {
            messages.push(None);
            continue;
        }
        match act.eval(&me, &msg_decls, Want::String, &mut budget) {
            Ok(::cel::Value::String(s)) => messages.push(Some(s.trim().to_string())),
            Ok(_) => messages.push(None),
            Err(Failure::Error(_)) => messages.push(None),
            Err(Failure::OutOfBudget) => {
                message_budget_out = true;
                messages.push(None);
            }
        }
    }
    out.lines.extend(std::mem::take(&mut act.shown));
    for (i, (v, result)) in validations.iter().zip(results).enumerate() {
        let expression = text(v, "expression");
        match result {
            Err(e) => {
                out.lines.push(format!("validations[{i}]: {e}"));
                on_error(&mut out, e);
                if fail {
                    // (an error's decision has no reason: Invalid)
                    if let Some(last) = out.denials.last_mut() {
                        last.0 = i;
                    }
                }
            }
            Ok(_) if message_budget_out => {
                let m = format!("failed messageExpression: {}", cel::OUT_OF_BUDGET);
                out.lines.push(format!("validations[{i}]: {m}"));
                on_error(&mut out, m);
            }
            Ok(::cel::Value::Bool(true)) => {
                out.lines
                    .push(format!("validations[{i}]: {expression} → true"));
            }
            Ok(value) => {
                let message = messages[i]
                    .clone()
                    .filter(|m| !m.is_empty() && m.len() <= MAX_MESSAGE && !m.contains('\n'))
                    .or_else(|| {
                        Some(text(v, "message").trim().to_string()).filter(|m| !m.is_empty())
                    })
                    .unwrap_or_else(|| format!("failed expression: {}", expression.trim()));
                let reason = v.get("reason").and_then(Value::as_str).map(str::to_string);
                out.lines.push(format!(
                    "validations[{i}]: {expression} → {}: {message}",
                    shown(&value)
                ));
                out.denials.push((i, message, reason));
            }
        }
    }

    // auditAnnotations, over a budget of their own.
    let mut budget = cel::RUNTIME_BUDGET;
    for an in list("auditAnnotations") {
        let key = text(an, "key");
        let expression = text(an, "valueExpression");
        match act.eval(expression.trim(), &decls, Want::Any, &mut budget) {
            Ok(::cel::Value::String(s)) if !s.trim().is_empty() => {
                let mut value = s.trim().to_string();
                if value.len() > MAX_ANNOTATION {
                    let mut cut = MAX_ANNOTATION;
                    while !value.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    value.truncate(cut);
                }
                out.annotations.push((key, value));
            }
            Ok(::cel::Value::String(_)) | Ok(::cel::Value::Null) => {
                out.lines.push(format!(
                    "auditAnnotations {key:?}: empty or null, not published"
                ));
            }
            Ok(other) => {
                let e = format!("valueExpression '{expression}' resulted in unsupported return type: {}. Return type must be either string or null.", cel::type_name(&other));
                out.lines.push(format!("auditAnnotations {key:?}: {e}"));
                if fail {
                    out.hard.push(e);
                }
            }
            Err(Failure::Error(e)) => {
                out.lines.push(format!("auditAnnotations {key:?}: {e}"));
                if fail {
                    out.hard.push(e);
                }
            }
            Err(Failure::OutOfBudget) => {
                if fail {
                    out.hard.push(cel::OUT_OF_BUDGET.to_string());
                }
                break;
            }
        }
    }
    out
}

/// The validating pass of the ValidatingAdmissionPolicy plugin.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if let Some(why) = super::never_applies(a) {
        return Verdict::Skip(why.into());
    }
    let kind = Kind {
        name: "ValidatingAdmissionPolicy",
        policies: "validatingadmissionpolicies",
        bindings: "validatingadmissionpolicybindings",
    };
    let mut said: Vec<String> = Vec::new();
    let steps = match dispatch(ctx.store, ctx.control_plane.minor, a, &kind, &mut said) {
        Err(e) => return Verdict::Reject(e),
        Ok(None) => {
            return Verdict::Skip(
                "no ValidatingAdmissionPolicy with a binding in the cluster".into(),
            )
        }
        Ok(Some(steps)) => steps,
    };
    // The authorizer's answers, kept for the whole request (upstream's caching authorizer).
    let mut known = Vec::new();
    // Denials in the order they are made: configuration errors and failed validations.
    let mut denied: Vec<Denial> = Vec::new();
    let mut audited: Vec<Value> = Vec::new();
    let mut applied = 0;
    // Published audit annotations, by policy: (policy, key, values joined).
    let mut annotations: Vec<(String, String, String)> = Vec::new();
    for step in steps {
        let call = match step {
            Step::Config(e) => {
                if e.fail {
                    denied.push(Denial {
                        policy: e.policy_name,
                        binding: e.binding,
                        message: e.message,
                        reason: None,
                    });
                }
                continue;
            }
            Step::Call(call) => call,
        };
        let (pname, bname) = (call.policy_name.as_str(), call.binding_name.as_str());
        let title = format!("ValidatingAdmissionPolicy '{pname}' with binding '{bname}'");
        let actions =
            crate::sim::admission::webhook::strings(call.binding.ptr("/spec/validationActions"));
        let ev = {
            let mut answer = super::authorizer_answer(ctx, a);
            let mut authz = cel::Authz {
                request: super::request_resource(a),
                answer: &mut answer,
                known: std::mem::take(&mut known),
            };
            let ev = evaluate(
                &call.policy,
                &call.matched,
                a,
                &call.param,
                &call.namespace,
                &mut authz,
            );
            known = authz.known;
            ev
        };
        let mut lines = Vec::new();
        if !call.param.is_null() {
            lines.push(format!(
                "params: {}",
                call.param
                    .ptr("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)")
            ));
        }
        lines.extend(ev.lines);
        if ev.matched {
            applied += 1;
        }
        for (i, message, reason) in &ev.denials {
            for action in &actions {
                match action.as_str() {
                    "Deny" => denied.push(Denial {
                        policy: pname.to_string(),
                        binding: Some(bname.to_string()),
                        message: message.clone(),
                        reason: reason.clone(),
                    }),
                    "Warn" => ctx.warnings.push(format!(
                        "Validation failed for ValidatingAdmissionPolicy '{pname}' with binding '{bname}': {message}"
                    )),
                    "Audit" => audited.push(json!({
                        "message": message,
                        "policy": pname,
                        "binding": bname,
                        "expressionIndex": i,
                        "validationActions": actions,
                    })),
                    _ => {}
                }
            }
        }
        for message in ev.hard {
            denied.push(Denial {
                policy: pname.to_string(),
                binding: Some(bname.to_string()),
                message,
                reason: None,
            });
        }
        for (k, v) in ev.annotations {
            match annotations
                .iter_mut()
                .find(|(p, key, _)| p == pname && *key == k)
            {
                Some((_, _, have)) => {
                    if !have.split(", ").any(|x| x == v) {
                        have.push_str(", ");
                        have.push_str(&v);
                    }
                }
                None => annotations.push((pname.to_string(), k, v)),
            }
        }
        ctx.notes.push((title, lines.join("\n")));
    }
    for (p, k, v) in annotations {
        ctx.notes.push((format!("audit annotation {p}/{k}"), v));
    }
    if !audited.is_empty() {
        audited.truncate(MAX_AUDITED);
        ctx.notes.push((
            format!("audit annotation {VALIDATION_FAILURE}"),
            Value::Array(audited).to_string(),
        ));
    }
    if let Some(d) = denied.first() {
        return Verdict::Reject(denial(a, d));
    }
    super::verdict(
        &kind,
        applied,
        "policy evaluation(s) admitted the request",
        said,
    )
}

/// The answer to the first denial: 403 text, the validation's reason and its code (Invalid,
/// 422, when none), the message again as the only cause.
fn denial(a: &Attributes<'_>, d: &Denial) -> ApiError {
    let message = match &d.binding {
        Some(b) => format!(
            "ValidatingAdmissionPolicy '{}' with binding '{b}' denied request: {}",
            d.policy, d.message
        ),
        None => format!(
            "ValidatingAdmissionPolicy '{}' denied request: {}",
            d.policy, d.message
        ),
    };
    let name = forbidden_name(a);
    let mut err = ApiError::forbidden(&a.group, &a.resource, &name, &message);
    let reason = d.reason.clone().unwrap_or_else(|| "Invalid".into());
    err.code = match reason.as_str() {
        "Forbidden" => 403,
        "Unauthorized" => 401,
        "RequestEntityTooLarge" => 413,
        _ => 422,
    };
    err.reason = reason;
    err.details
        .insert("causes".into(), json!([{ "message": message }]));
    err
}

//! The evaluation context of one (policy, binding, param) invocation, shared by
//! ValidatingAdmissionPolicy and MutatingAdmissionPolicy (`plugin/cel/activation.go`,
//! `composition.go`): the variables, the policy's `variables` computed when first read and
//! kept for the invocation, the authorizer, and the matchConditions.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::sim::cel::{self, Declarations, EvalError, Program, Want};

/// Why an expression gave no value.
pub(super) enum Failure {
    /// The message of the decision it makes.
    Error(String),
    /// The evaluation's budget ran out.
    OutOfBudget,
}

/// The variables of one evaluation, and the policy's `variables`, computed when first read.
pub(super) struct Activation<'v, 'z, 'f> {
    pub json: Vec<(&'static str, &'v Value)>,
    pub authz: &'z mut cel::Authz<'f>,
    pub decls: Declarations,
    pub variables: Vec<(String, String)>,
    pub computed: HashMap<usize, Result<::cel::Value, String>>,
    /// What each computed variable holds, for the card.
    pub shown: Vec<String>,
}

impl Activation<'_, '_, '_> {
    /// Computes variable `i` (and those it reads first); charged to `budget`.
    fn variable(&mut self, i: usize, budget: &mut u64) -> Result<(), Failure> {
        if self.computed.contains_key(&i) {
            return Ok(());
        }
        let (name, expression) = self.variables[i].clone();
        let program = match Program::compile(&expression, &self.decls, Want::Any) {
            Ok(p) => p,
            Err(e) => {
                self.computed.insert(
                    i,
                    Err(format!(
                        "composited variable {name:?} fails to compile: {e}"
                    )),
                );
                return Ok(());
            }
        };
        let values = self.read(&program, budget, Some(i))?;
        let result = match values {
            Err(e) => Err(e),
            Ok(map) => match program.eval_full(
                &self.json,
                &[("variables", &map)],
                Some(&mut *self.authz),
                *budget,
            ) {
                Ok(v) => {
                    *budget = budget.saturating_sub(v.cost);
                    self.shown
                        .push(format!("variables.{name} = {}", v.to_json()));
                    Ok(v.value)
                }
                Err(EvalError::OutOfBudget) => return Err(Failure::OutOfBudget),
                Err(e) => Err(format!(
                    "composited variable {name:?} fails to evaluate: {e}"
                )),
            },
        };
        if let Err(e) = &result {
            self.shown.push(format!("variables.{name}: {e}"));
        }
        self.computed.insert(i, result);
        Ok(())
    }

    /// The `variables` map a program reads (only variables before `before`, when set), or
    /// the error of one it reads.
    fn read(
        &mut self,
        program: &Program,
        budget: &mut u64,
        before: Option<usize>,
    ) -> Result<Result<::cel::Value, String>, Failure> {
        let mut map = HashMap::new();
        for field in program.variables_read() {
            let Some(i) = self.variables.iter().position(|(n, _)| *n == field) else {
                continue;
            };
            if before.is_some_and(|b| i >= b) {
                continue;
            }
            self.variable(i, budget)?;
            match &self.computed[&i] {
                Ok(v) => {
                    map.insert(::cel::objects::Key::String(Arc::new(field)), v.clone());
                }
                Err(e) => return Ok(Err(e.clone())),
            }
        }
        Ok(Ok(::cel::Value::Map(::cel::objects::Map {
            map: Arc::new(map),
        })))
    }

    /// Evaluates one of the policy's expressions.
    pub fn eval(
        &mut self,
        expression: &str,
        decls: &Declarations,
        want: Want,
        budget: &mut u64,
    ) -> Result<::cel::Value, Failure> {
        let program = Program::compile(expression, decls, want)
            .map_err(|e| Failure::Error(format!("compilation error: {e}")))?;
        let failed =
            |m: &str| Failure::Error(format!("expression '{expression}' resulted in error: {m}"));
        let map = self.read(&program, budget, None)?.map_err(|e| failed(&e))?;
        let authz = decls
            .variables
            .contains(&"authorizer")
            .then_some(&mut *self.authz);
        match program.eval_full(&self.json, &[("variables", &map)], authz, *budget) {
            Ok(v) => {
                *budget = budget.saturating_sub(v.cost);
                Ok(v.value)
            }
            Err(EvalError::OutOfBudget) => Err(Failure::OutOfBudget),
            Err(e) => Err(failed(&e.to_string())),
        }
    }
}

/// What a policy's expressions may read: `params` only when it has a paramKind.
pub(super) fn declared(has_params: bool) -> Declarations {
    let mut variables = vec![
        "object",
        "oldObject",
        "request",
        "namespaceObject",
        "authorizer",
        "variables",
    ];
    if has_params {
        variables.push("params");
    }
    Declarations {
        variables,
        mutation: false,
    }
}

/// The variables bound from JSON for one invocation (`params` only when declared).
pub(super) fn bound<'v>(
    object: &'v Value,
    old_object: &'v Value,
    request: &'v Value,
    namespace: &'v Value,
    params: Option<&'v Value>,
) -> Vec<(&'static str, &'v Value)> {
    let mut json = vec![
        ("object", object),
        ("oldObject", old_object),
        ("request", request),
        ("namespaceObject", namespace),
    ];
    if let Some(p) = params {
        json.push(("params", p));
    }
    json
}

/// What an invocation's matchConditions decided.
pub(super) enum Conditions {
    /// All true (or none): the policy applies.
    Apply,
    /// One is false: the policy does not apply (whatever else failed).
    Skip,
    /// None is false and some failed: the errors, aggregated as upstream's.
    Failed(String),
}

/// `matchconditions.Matcher.Match` over a policy's conditions (no `variables`), within their
/// own budget; what each gave goes on the card.
pub(super) fn conditions(
    act: &mut Activation<'_, '_, '_>,
    list: &[Value],
    decls: &Declarations,
    lines: &mut Vec<String>,
) -> Conditions {
    if list.is_empty() {
        return Conditions::Apply;
    }
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut mc_decls = decls.clone();
    mc_decls.variables.retain(|v| *v != "variables");
    let mut budget = cel::MATCH_CONDITIONS_BUDGET;
    let mut errors: Vec<String> = Vec::new();
    let mut first_false = None;
    for c in list {
        let (name, expression) = (text(c, "name"), text(c, "expression"));
        match act.eval(&expression, &mc_decls, Want::Bool, &mut budget) {
            Ok(::cel::Value::Bool(b)) => {
                lines.push(format!("matchCondition {name:?}: {expression} → {b}"));
                if !b && first_false.is_none() {
                    first_false = Some(name);
                }
            }
            Ok(other) => {
                let e = format!("expression '{expression}' resulted in error: no such overload (the result is {}, not bool)", cel::type_name(&other));
                lines.push(format!("matchCondition {name:?}: {e}"));
                errors.push(e);
            }
            Err(Failure::Error(e)) => {
                lines.push(format!("matchCondition {name:?}: {e}"));
                if !errors.contains(&e) {
                    errors.push(e);
                }
            }
            Err(Failure::OutOfBudget) => {
                errors.push(cel::OUT_OF_BUDGET.to_string());
                break;
            }
        }
    }
    if let Some(name) = first_false {
        lines.push(format!(
            "matchCondition {name:?} is false: the policy does not apply"
        ));
        return Conditions::Skip;
    }
    if errors.is_empty() {
        return Conditions::Apply;
    }
    Conditions::Failed(if errors.len() == 1 {
        errors.remove(0)
    } else {
        format!("[{}]", errors.join(", "))
    })
}

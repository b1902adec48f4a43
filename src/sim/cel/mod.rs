//! CEL as Kubernetes runs it for admission: webhooks' matchConditions and the admission
//! policies' expressions (`k8s.io/apiserver/pkg/admission/plugin/cel`, `pkg/cel`). The
//! interpreter is the `cel` crate; this module adds what Kubernetes puts around it:
//!
//! - the environment: the standard library, optional syntax, cel-go's strings (v2) and lists
//!   extensions, and the Kubernetes libraries ([`library`]), as `pkg/cel/environment/base.go`
//!   assembles them (no `cel.bind`, `math.*` or `base64.*`: Kubernetes enables none);
//! - compiling with upstream's error texts (`ERROR: <input>:1:19: …` and the ` | ` snippet),
//!   and the checks its type checker makes that matter most here: undeclared identifiers, and
//!   a result of the wrong type where the expression's type is evident ([`check`]);
//! - guards, so no expression can overflow the stack: a cap on the source's length and on its
//!   chains of operators, the parser's nesting limit, and a depth limit on the tree;
//! - request data bound as Kubernetes binds it: JSON integers are CEL `int` (never `uint`), map
//!   keys as written ([`convert`]);
//! - a runtime cost budget: cel-go counts the cost of every step and cancels an expression
//!   over its limit. The crate counts nothing, so kubegate charges each expression its size
//!   once, and each turn of a comprehension (`all`, `exists`, `map`, `filter`, …) the size of
//!   what the turn evaluates: an approximation of cel-go's figure, close for the expressions
//!   policies are made of, and an exact stop for runaway loops;
//! - runtime errors worded as cel-go words them (`no such key: x`, `no such overload`).

pub mod check;
pub mod convert;
pub mod library;
pub mod mutation;
pub mod twovar;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use cel::common::ast::{CallExpr, Expr, IdedExpr};
use cel::{Context, Env, ExecutionError, Value};

/// cel-go's per-expression runtime cost limit (`celconfig.PerCallLimit`).
pub const PER_CALL_LIMIT: u64 = 1_000_000;
/// The budget of all of a policy binding's validations and messageExpressions for one
/// request (`celconfig.RuntimeCELCostBudget`).
pub const RUNTIME_BUDGET: u64 = 10_000_000;
/// The budget of a webhook's matchConditions for one request
/// (`celconfig.RuntimeCELCostBudgetMatchConditions`).
pub const MATCH_CONDITIONS_BUDGET: u64 = 2_500_000;
/// What cel-go says when an expression runs over its own limit.
pub const COST_LIMIT_EXCEEDED: &str = "operation cancelled: actual cost limit exceeded";
/// What Kubernetes says when the budget of a whole evaluation runs out.
pub const OUT_OF_BUDGET: &str =
    "validation failed due to running out of cost budget, no further validation rules will be run";

/// The name of the function kubegate wraps each comprehension's turn in, to charge its cost
/// (not a name an expression can write: CEL identifiers cannot start with `@`).
const TICK: &str = "@kubegate_tick";

/// The environment, built once (the crate's `Env` is immutable once shared).
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // Building it can only fail on a duplicate declaration: a bug, caught by every test.
        env.add_extension(cel::extensions::strings)
            .and_then(|_| env.add_extension(cel::extensions::lists))
            .and_then(|_| library::install(&mut env))
            .and_then(|_| mutation::install(&mut env))
            .and_then(|_| twovar::install(&mut env))
            .and_then(|_| {
                env.add_overload(
                    TICK,
                    "kubegate_tick",
                    vec![cel::common::types::DYN_TYPE, cel::common::types::INT_TYPE],
                    tick,
                )
            })
            .expect("the CEL environment declares each function once");
        Arc::new(env)
    })
}

/// The most compiled expressions kept.
const MAX_COMPILED: usize = 512;

/// An expression's source, what it may read, and the type wanted: what it compiles to.
type CompileKey = (String, String, bool, Want);

thread_local! {
    /// Compiled expressions, kept across requests.
    static COMPILED: std::cell::RefCell<std::collections::HashMap<CompileKey, Result<Rc<Program>, CompileError>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// The cost the running expression has left; evaluation runs on one thread.
    static LEFT: Cell<u64> = const { Cell::new(0) };
    /// Whether it ran out.
    static SPENT: Cell<bool> = const { Cell::new(false) };
}

/// Charges one turn of a comprehension (its weight, the second argument) and passes the
/// first argument through; fails once the expression's budget is spent.
fn tick<'b, 'v>(
    args: Vec<cel::common::value::CowVal<'b, 'v>>,
) -> Result<cel::common::value::CowVal<'b, 'v>, ExecutionError> {
    let mut args = args.into_iter();
    let (Some(value), Some(weight)) = (args.next(), args.next()) else {
        return Err(ExecutionError::invalid_argument_count(2, 0));
    };
    let weight = weight
        .downcast_ref::<cel::common::types::CelInt>()
        .map_or(1, |w| (*w.inner()).max(1) as u64);
    // What the turn made counts too: a list or map by its entries, a string by a tenth of its
    // bytes (cel-go's traversal factor), so a turn that builds a large value pays for it.
    let made = match value.get_type().kind() {
        cel::common::types::Kind::List | cel::common::types::Kind::Map => value
            .as_sizer()
            .map_or(0, |s| (*s.size().inner()).max(0) as u64),
        cel::common::types::Kind::String => value
            .downcast_ref::<cel::common::types::CelString>()
            .map_or(0, |s| s.inner().len() as u64 / 10),
        _ => 0,
    };
    charge(weight.saturating_add(made))?;
    Ok(value)
}

/// Takes `cost` from the running expression's budget.
fn charge(cost: u64) -> Result<(), ExecutionError> {
    let left = LEFT.get();
    if cost > left {
        LEFT.set(0);
        SPENT.set(true);
        return Err(ExecutionError::function_error(TICK, COST_LIMIT_EXCEEDED));
    }
    LEFT.set(left - cost);
    Ok(())
}

/// A field selection the expression makes from a variable (`object.spec.replicas`): for a
/// type check against the variable's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The variable (`object`, `oldObject`, `params`).
    pub root: String,
    /// The fields selected, each with the byte offset of its name in the source.
    pub path: Vec<(String, usize)>,
}

/// A compiled expression.
#[derive(Debug)]
pub struct Program {
    source: String,
    /// The selections from variables, as written (before kubegate's rewrites).
    selections: Vec<Selection>,
    expr: IdedExpr,
    /// What evaluating it costs before any comprehension turns: its size.
    base_cost: u64,
}

/// What an expression may use, besides the environment's functions.
#[derive(Clone, Debug, Default)]
pub struct Declarations {
    /// The variables (`object`, `oldObject`, `request`, `params`, …).
    pub variables: Vec<&'static str>,
    /// A MutatingAdmissionPolicy's mutation: `Object{…}` and `JSONPatch{…}` initializers and
    /// `jsonpatch.escapeKey` may be used ([`mutation`]).
    pub mutation: bool,
}

impl Declarations {
    /// The variables of a webhook's matchConditions (`matchconditions/matcher.go`: no
    /// `params`, no `variables`).
    pub fn match_conditions() -> Self {
        Declarations {
            variables: vec![
                "object",
                "oldObject",
                "request",
                "authorizer",
                "namespaceObject",
            ],
            mutation: false,
        }
    }
}

/// The type an expression must have (`must evaluate to bool`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Want {
    Bool,
    String,
    /// An `Object{…}` (a mutation's apply configuration).
    Object,
    /// A list of `JSONPatch{…}` (a mutation's JSON patch).
    JsonPatches,
    /// Any type.
    Any,
}

impl Program {
    /// Compiles `source` as Kubernetes compiles a new expression. The error is upstream's
    /// text after `compilation failed: ` (or a type mismatch's, which has no prefix): see
    /// [`CompileError`].
    pub fn compile(
        source: &str,
        decls: &Declarations,
        want: Want,
    ) -> Result<Rc<Program>, CompileError> {
        // Upstream compiles a policy once (per resourceVersion); kubegate keeps what it
        // compiled, by source and what it may read, for the requests after.
        let key = (
            source.to_string(),
            decls.variables.join(","),
            decls.mutation,
            want,
        );
        if let Some(hit) = COMPILED.with(|c| c.borrow().get(&key).cloned()) {
            return hit;
        }
        let compiled = Program::compile_new(source, decls, want).map(Rc::new);
        COMPILED.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= MAX_COMPILED {
                c.clear();
            }
            c.insert(key, compiled.clone());
        });
        compiled
    }

    fn compile_new(
        source: &str,
        decls: &Declarations,
        want: Want,
    ) -> Result<Program, CompileError> {
        check::guard(source)?;
        let (expr, info) = env()
            .parser()
            .max_recursion_depth(check::MAX_PARSER_DEPTH)
            .parse_with_source_info(source)
            .map_err(|errs| CompileError::parse(source, errs))?;
        check::depth(&expr, source)?;
        let mut expr = expr;
        twovar::rewrite(&mut expr);
        check::identifiers(&expr, &info, source, decls)?;
        check::operators(&expr, &info, source)?;
        check::result_type(&expr, want)?;
        let selections = check::selections(&expr, &info, source);
        let base_cost = check::size(&expr);
        if decls.mutation {
            mutation::rewrite(&mut expr);
        }
        meter(&mut expr);
        Ok(Program {
            source: source.to_string(),
            selections,
            expr,
            base_cost,
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The field selections it makes from variables (`object.spec.x`), outermost first.
    pub fn selections(&self) -> &[Selection] {
        &self.selections
    }

    /// The fields of `variables` the expression reads (`variables.name`), in no order.
    pub fn variables_read(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![&self.expr];
        while let Some(e) = stack.pop() {
            if let Expr::Select(sel) = &e.expr {
                if matches!(&sel.operand.expr, Expr::Ident(n) if n == "variables")
                    && !out.contains(&sel.field)
                {
                    out.push(sel.field.clone());
                }
            }
            stack.extend(check::children(e));
        }
        out
    }

    /// Evaluates the expression with the given variables (each a JSON value, `null` for an
    /// absent one), within `budget` (at most [`PER_CALL_LIMIT`]). The error is cel-go's text.
    pub fn eval(
        &self,
        vars: &[(&str, &serde_json::Value)],
        budget: u64,
    ) -> Result<Evaluated, EvalError> {
        self.eval_with(vars, &[], budget)
    }

    /// [`Program::eval`] with variables that are CEL values already (an admission policy's
    /// `variables`, computed by other expressions).
    pub fn eval_with(
        &self,
        vars: &[(&str, &serde_json::Value)],
        values: &[(&str, &Value)],
        budget: u64,
    ) -> Result<Evaluated, EvalError> {
        self.eval_full(vars, values, None, budget)
    }

    /// [`Program::eval_with`], with the `authorizer` variable when `authz` is given: each
    /// question the expression asks is answered by `authz.answer` once (see
    /// [`library::authz`]), and the expression runs again with the answers.
    pub fn eval_full(
        &self,
        vars: &[(&str, &serde_json::Value)],
        values: &[(&str, &Value)],
        mut authz: Option<&mut Authz<'_>>,
        budget: u64,
    ) -> Result<Evaluated, EvalError> {
        // Each round answers at least one new question; an expression asks few.
        for _ in 0..32 {
            let authorizer = authz.as_deref_mut().map(|a| {
                library::authz::set_answers(std::mem::take(&mut a.known));
                library::authz::Authorizer {
                    service_account: None,
                    request_resource: a.request.clone(),
                }
            });
            let result = self.run(vars, values, authorizer, budget);
            let pending = library::authz::take_pending();
            let Some(a) = authz.as_deref_mut() else {
                return result;
            };
            a.known = library::authz::take_answers();
            if pending.is_empty() {
                return result;
            }
            for check in pending {
                let answer = (a.answer)(&check);
                a.known.push((check, answer));
            }
        }
        Err(EvalError::Runtime(
            "kubegate stopped asking the authorizer: too many different checks".into(),
        ))
    }

    fn run(
        &self,
        vars: &[(&str, &serde_json::Value)],
        values: &[(&str, &Value)],
        authorizer: Option<library::authz::Authorizer>,
        budget: u64,
    ) -> Result<Evaluated, EvalError> {
        let limit = budget.min(PER_CALL_LIMIT);
        if self.base_cost > limit {
            return Err(EvalError::cost(budget < PER_CALL_LIMIT));
        }
        let mut ctx = Context::with_env(env().clone());
        for (name, value) in vars {
            ctx.add_variable_as_val(*name, convert::json_to_val(value));
        }
        for (name, value) in values {
            ctx.add_variable_from_value(*name, (*value).clone());
        }
        if let Some(a) = authorizer {
            ctx.add_variable_as_val("authorizer", Box::new(a));
        }
        LEFT.set(limit - self.base_cost);
        SPENT.set(false);
        let result = ctx.resolve(&self.expr);
        let spent = SPENT.get();
        let cost = limit - LEFT.get();
        match result {
            _ if spent => Err(EvalError::cost(budget < PER_CALL_LIMIT)),
            Ok(value) => Ok(Evaluated { value, cost }),
            Err(e) => Err(EvalError::Runtime(runtime_message(&e))),
        }
    }
}

/// What the `authorizer` variable is answered with: the request's own resource
/// (`authorizer.requestResource`), who answers questions, and the answers so far (kept across
/// the expressions of one request, as upstream's caching authorizer).
pub struct Authz<'f> {
    pub request: library::authz::ResourceCheck,
    pub answer: &'f mut dyn FnMut(&library::authz::Check) -> library::authz::Answer,
    pub known: Vec<(library::authz::Check, library::authz::Answer)>,
}

/// An expression's value and what it cost.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub value: Value,
    pub cost: u64,
}

impl Evaluated {
    /// The value as a bool, or the type it has instead.
    pub fn as_bool(&self) -> Result<bool, String> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            other => Err(type_name(other).to_string()),
        }
    }

    /// The value as JSON (what kubegate shows on the cards).
    pub fn to_json(&self) -> serde_json::Value {
        convert::value_to_json(&self.value)
    }
}

/// Why an expression did not evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// A runtime error, in cel-go's words.
    Runtime(String),
    /// The expression ran over its own limit ([`COST_LIMIT_EXCEEDED`]).
    CostLimit,
    /// The evaluation's shared budget ran out ([`OUT_OF_BUDGET`]).
    OutOfBudget,
}

impl EvalError {
    fn cost(budget_smaller: bool) -> Self {
        if budget_smaller {
            EvalError::OutOfBudget
        } else {
            EvalError::CostLimit
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Runtime(m) => f.write_str(m),
            EvalError::CostLimit => f.write_str(COST_LIMIT_EXCEEDED),
            EvalError::OutOfBudget => f.write_str(OUT_OF_BUDGET),
        }
    }
}

/// Why an expression did not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// A parse or check error: the issues in cel-go's format (`ERROR: <input>:L:C: …`),
    /// shown after `compilation failed: `.
    Failed(String),
    /// The expression's type is not the one wanted: `must evaluate to bool but got int`.
    Type(String),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Failed(m) => write!(f, "compilation failed: {m}"),
            CompileError::Type(m) => f.write_str(m),
        }
    }
}

impl CompileError {
    /// One issue at a byte offset of `source`, in cel-go's format.
    pub fn at(source: &str, offset: usize, msg: &str) -> CompileError {
        CompileError::Failed(check::issue(source, offset, msg))
    }

    fn parse(source: &str, errs: cel::ParseErrors) -> CompileError {
        let mut issues = Vec::new();
        for e in &errs.errors {
            let msg = if e.msg.contains("Recursion limit") {
                "expression recursion limit exceeded".to_string()
            } else {
                e.msg.clone()
            };
            // Follow-on errors of a recursion-limit error say nothing more.
            if issues
                .iter()
                .any(|i: &String| i.contains("recursion limit"))
            {
                break;
            }
            let (line, col) = (e.pos.0.max(1) as usize, e.pos.1.max(1) as usize);
            issues.push(check::issue_at(source, line, col - 1, &msg));
        }
        if issues.is_empty() {
            issues.push(check::issue(source, 0, "Syntax error"));
        }
        CompileError::Failed(issues.join("\n"))
    }
}

/// cel-go's type name of a value, as its messages print it.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "list",
        Value::Map(_) => "map",
        Value::Int(_) => "int",
        Value::UInt(_) => "uint",
        Value::Float(_) => "double",
        Value::String(_) => "string",
        Value::Bytes(_) => "bytes",
        Value::Bool(_) => "bool",
        Value::Null => "null_type",
        Value::Function(..) => "function",
        _ => "dyn",
    }
}

/// A runtime error as cel-go words it (`common/types/err.go`, `interpreter/`).
fn runtime_message(e: &ExecutionError) -> String {
    #[allow(deprecated)]
    match e {
        ExecutionError::NoSuchKey(k) => format!("no such key: {k}"),
        ExecutionError::UndeclaredReference(r) => {
            format!("undeclared reference to '{r}' (in container '')")
        }
        ExecutionError::NoSuchOverload(_)
        | ExecutionError::UnsupportedBinaryOperator(..)
        | ExecutionError::UnsupportedUnaryOperator(..)
        | ExecutionError::ValuesNotComparable(..)
        | ExecutionError::UnsupportedTargetType { .. }
        | ExecutionError::NotSupportedAsMethod { .. }
        | ExecutionError::UnexpectedType { .. }
        | ExecutionError::UnsupportedIndex(..)
        | ExecutionError::UnsupportedMapIndex(..)
        | ExecutionError::UnsupportedListIndex(..)
        | ExecutionError::MissingArgumentOrTarget
        | ExecutionError::InvalidArgumentCount { .. } => "no such overload".to_string(),
        ExecutionError::UnsupportedKeyType(v) => {
            format!("unsupported key type: {}", type_name(v))
        }
        ExecutionError::DivisionByZero(_) => "division by zero".to_string(),
        ExecutionError::RemainderByZero(_) => "modulus by zero".to_string(),
        ExecutionError::Overflow(..) => "integer overflow".to_string(),
        ExecutionError::IndexOutOfBounds(i) => match i {
            Value::Int(n) => format!("index out of bounds: {n}"),
            _ => "index out of bounds".to_string(),
        },
        ExecutionError::DuplicateKey(k) => match k {
            Value::String(s) => format!("insert failed: key {s} already exists"),
            other => format!("insert failed: key {other:?} already exists"),
        },
        // kubegate's own functions (the libraries, the cost meter, the rewrites) fail with
        // upstream's text already.
        ExecutionError::FunctionError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Wraps each comprehension's per-turn work in [`TICK`], weighted by its size, so every turn
/// is charged. The shapes the interpreter runs faster (`map`, `filter`: a step that only
/// appends to the result) are kept: the element appended, or the guard, is what is wrapped.
fn meter(expr: &mut IdedExpr) {
    let mut stack: Vec<&mut IdedExpr> = vec![expr];
    while let Some(e) = stack.pop() {
        if let Expr::Comprehension(c) = &mut e.expr {
            charge_turns(c, e.id);
        }
        check::children_mut(e, &mut stack);
    }
}

/// Wraps what one turn of `c` evaluates in [`TICK`] (see [`meter`]).
fn charge_turns(c: &mut cel::common::ast::ComprehensionExpr, id: u64) {
    let weight = (check::size(&c.loop_step) + check::size(&c.loop_cond)).max(1);
    // Where the turn's work is charged: see `meter`.
    enum Spot {
        Guard,
        Element,
        Step,
    }
    let spot = match &c.loop_step.expr {
        // `guard ? @result + [x] : @result` (filter): in the guard.
        Expr::Call(call)
            if call.func_name == "_?_:_" && call.target.is_none() && call.args.len() == 3 =>
        {
            Spot::Guard
        }
        // `@result + [x]` (map): in the element.
        Expr::Call(call)
            if call.func_name == "_+_"
                && call.args.len() == 2
                && matches!(&call.args[1].expr, Expr::List(l) if l.elements.len() == 1) =>
        {
            Spot::Element
        }
        _ => Spot::Step,
    };
    let target: &mut IdedExpr = match (spot, &mut c.loop_step.expr) {
        (Spot::Guard, Expr::Call(call)) => &mut call.args[0],
        (Spot::Element, Expr::Call(call)) => match &mut call.args[1].expr {
            Expr::List(l) => &mut l.elements[0],
            _ => unreachable!("a one-element list, as matched above"),
        },
        _ => &mut c.loop_step,
    };
    let inner = std::mem::take(target);
    *target = IdedExpr {
        id: inner.id,
        expr: Expr::Call(CallExpr {
            func_name: TICK.to_string(),
            target: None,
            args: vec![
                inner,
                IdedExpr {
                    id,
                    expr: Expr::Literal(cel::common::ast::LiteralValue::Int(
                        (weight as i64).into(),
                    )),
                },
            ],
        }),
    };
}

/// For tests: an expression with no variables, compiled and run as a policy's would be;
/// its value as JSON, or the error's text.
#[cfg(test)]
pub(crate) fn run_plain(src: &str) -> Result<serde_json::Value, String> {
    let p =
        Program::compile(src, &Declarations::default(), Want::Any).map_err(|e| e.to_string())?;
    p.eval(&[], PER_CALL_LIMIT)
        .map(|v| v.to_json())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;

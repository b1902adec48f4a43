//! Two-variable comprehensions (cel-go's `ext.TwoVarComprehensions`, enabled in Kubernetes from
//! v1.32): `all(i, v, p)`, `exists(i, v, p)`, `existsOne(i, v, p)`, `transformList(i, v,
//! [filter,] e)`, `transformMap(k, v, [filter,] e)` and `transformMapEntry(k, v, [filter,]
//! {k2: v2})`, over a list (index and element) or a map (key and value). The crate parses
//! them as plain calls and runs no such macro, so before checking, each becomes an ordinary
//! comprehension over `@kubegate_pairs(target)` (the `[key, value]` pairs, a map's by key) with
//! `i` and `v` read from the pair.

use std::collections::HashMap;
use std::sync::Arc;

use cel::common::ast::{CallExpr, ComprehensionExpr, Expr, IdedExpr, ListExpr, LiteralValue};
use cel::common::value::{CowVal, Val};
use cel::{DeclarationError, Env, ExecutionError, Value};

/// The function that lists a target's pairs (not a name an expression can write).
pub const PAIRS: &str = "@kubegate_pairs";
/// The function that makes a map of two lists (keys, values).
pub const TO_MAP: &str = "@kubegate_to_map";
/// The function that merges a list of maps (an error on a repeated key).
pub const MERGE: &str = "@kubegate_merge";
/// The pair variable of a rewritten comprehension.
const PAIR: &str = "@pair";
const RESULT: &str = "@result";

/// Adds the helper functions.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    use cel::common::types::DYN_TYPE;
    env.add_overload(PAIRS, "kubegate_pairs", vec![DYN_TYPE], pairs)?;
    env.add_overload(TO_MAP, "kubegate_to_map", vec![DYN_TYPE, DYN_TYPE], to_map)?;
    env.add_overload(MERGE, "kubegate_merge", vec![DYN_TYPE], merge)?;
    Ok(())
}

fn value_of(v: &CowVal<'_, '_>) -> Result<Value, ExecutionError> {
    Value::try_from(v.as_ref())
        .map_err(|_| ExecutionError::function_error(PAIRS, "no such overload"))
}

fn boxed<'b, 'v>(v: Value) -> Result<CowVal<'b, 'v>, ExecutionError> {
    Box::<dyn Val>::try_from(v)
        .map(CowVal::Owned)
        .map_err(|_| ExecutionError::function_error(PAIRS, "no such overload"))
}

fn pairs<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let target = args
        .first()
        .ok_or_else(|| ExecutionError::invalid_argument_count(1, 0))?;
    let out: Vec<Value> = match value_of(target)? {
        Value::List(l) => l
            .iter()
            .enumerate()
            .map(|(i, v)| Value::List(Arc::new(vec![Value::Int(i as i64), v.clone()])))
            .collect(),
        Value::Map(m) => {
            let mut entries: Vec<(Value, Value)> = m
                .map
                .iter()
                .map(|(k, v)| (key_value(k), v.clone()))
                .collect();
            entries.sort_by_key(|(k, _)| format!("{k:?}"));
            entries
                .into_iter()
                .map(|(k, v)| Value::List(Arc::new(vec![k, v])))
                .collect()
        }
        _ => return Err(ExecutionError::function_error(PAIRS, "no such overload")),
    };
    boxed(Value::List(Arc::new(out)))
}

fn key_value(k: &cel::objects::Key) -> Value {
    match k {
        cel::objects::Key::Int(i) => Value::Int(*i),
        cel::objects::Key::Uint(u) => Value::UInt(*u),
        cel::objects::Key::Bool(b) => Value::Bool(*b),
        cel::objects::Key::String(s) => Value::String(s.clone()),
    }
}

fn map_key(v: &Value) -> Result<cel::objects::Key, ExecutionError> {
    Ok(match v {
        Value::Int(i) => cel::objects::Key::Int(*i),
        Value::UInt(u) => cel::objects::Key::Uint(*u),
        Value::Bool(b) => cel::objects::Key::Bool(*b),
        Value::String(s) => cel::objects::Key::String(s.clone()),
        _ => {
            return Err(ExecutionError::function_error(
                TO_MAP,
                "unsupported key type",
            ))
        }
    })
}

fn to_map<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let (Some(keys), Some(values)) = (args.first(), args.get(1)) else {
        return Err(ExecutionError::invalid_argument_count(2, args.len()));
    };
    let (Value::List(keys), Value::List(values)) = (value_of(keys)?, value_of(values)?) else {
        return Err(ExecutionError::function_error(TO_MAP, "no such overload"));
    };
    let mut map = HashMap::new();
    for (k, v) in keys.iter().zip(values.iter()) {
        map.insert(map_key(k)?, v.clone());
    }
    boxed(Value::Map(cel::objects::Map { map: Arc::new(map) }))
}

fn merge<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let Some(list) = args.first() else {
        return Err(ExecutionError::invalid_argument_count(1, 0));
    };
    let Value::List(maps) = value_of(list)? else {
        return Err(ExecutionError::function_error(MERGE, "no such overload"));
    };
    let mut out = HashMap::new();
    for m in maps.iter() {
        let Value::Map(m) = m else {
            return Err(ExecutionError::function_error(MERGE, "no such overload"));
        };
        for (k, v) in m.map.iter() {
            if out.insert(k.clone(), v.clone()).is_some() {
                return Err(ExecutionError::function_error(
                    MERGE,
                    format!(
                        "insert failed: key {} already exists",
                        match k {
                            cel::objects::Key::String(s) => s.to_string(),
                            cel::objects::Key::Int(i) => i.to_string(),
                            cel::objects::Key::Uint(u) => u.to_string(),
                            cel::objects::Key::Bool(b) => b.to_string(),
                        }
                    ),
                ));
            }
        }
    }
    boxed(Value::Map(cel::objects::Map { map: Arc::new(out) }))
}

/// Fresh node ids for the nodes the rewrite makes (above any the parser gives).
struct Ids(u64);

impl Ids {
    fn node(&mut self, expr: Expr) -> IdedExpr {
        self.0 += 1;
        IdedExpr { id: self.0, expr }
    }
    fn ident(&mut self, name: &str) -> IdedExpr {
        self.node(Expr::Ident(name.to_string()))
    }
    fn call(&mut self, func: &str, args: Vec<IdedExpr>) -> IdedExpr {
        self.node(Expr::Call(CallExpr {
            func_name: func.to_string(),
            target: None,
            args,
        }))
    }
    fn int(&mut self, i: i64) -> IdedExpr {
        self.node(Expr::Literal(LiteralValue::Int(i.into())))
    }
    fn boolean(&mut self, b: bool) -> IdedExpr {
        self.node(Expr::Literal(LiteralValue::Boolean(b.into())))
    }
    /// `@pair[i]`.
    fn pair_part(&mut self, i: i64) -> IdedExpr {
        let pair = self.ident(PAIR);
        let index = self.int(i);
        self.call("_[_]", vec![pair, index])
    }
    fn comprehension(
        &mut self,
        range: IdedExpr,
        init: IdedExpr,
        cond: IdedExpr,
        step: IdedExpr,
        result: IdedExpr,
    ) -> IdedExpr {
        self.node(Expr::Comprehension(Box::new(ComprehensionExpr {
            iter_range: range,
            iter_var: PAIR.to_string(),
            iter_var2: None,
            accu_var: RESULT.to_string(),
            accu_init: init,
            loop_cond: cond,
            loop_step: step,
            result,
        })))
    }
    /// `[]`.
    fn empty_list(&mut self) -> IdedExpr {
        self.node(Expr::List(ListExpr::new(Vec::new())))
    }
    /// `@result + [x]`.
    fn append(&mut self, x: IdedExpr) -> IdedExpr {
        let result = self.ident(RESULT);
        let list = self.node(Expr::List(ListExpr::new(vec![x])));
        self.call("_+_", vec![result, list])
    }
}

/// Replaces the variables `first` and `second` in `e` by `@pair[0]` and `@pair[1]`, except
/// where a comprehension inside binds the same name.
fn substitute(e: &mut IdedExpr, first: &str, second: &str, ids: &mut Ids) {
    match &mut e.expr {
        Expr::Ident(name) if name == first || name == second => {
            let part = if name == first { 0 } else { 1 };
            *e = ids.pair_part(part);
        }
        Expr::Comprehension(c) => {
            substitute(&mut c.iter_range, first, second, ids);
            substitute(&mut c.accu_init, first, second, ids);
            let bound = [c.iter_var.as_str(), c.accu_var.as_str()];
            let (f, s) = (
                if bound.contains(&first) {
                    "\u{0}"
                } else {
                    first
                },
                if bound.contains(&second) {
                    "\u{0}"
                } else {
                    second
                },
            );
            let (f, s) = (f.to_string(), s.to_string());
            substitute(&mut c.loop_cond, &f, &s, ids);
            substitute(&mut c.loop_step, &f, &s, ids);
            // (the result sees the accumulator, not the iteration variable)
            let r = if c.accu_var == first {
                "\u{0}".to_string()
            } else {
                first.to_string()
            };
            let r2 = if c.accu_var == second {
                "\u{0}".to_string()
            } else {
                second.to_string()
            };
            substitute(&mut c.result, &r, &r2, ids);
        }
        _ => {
            let mut children = Vec::new();
            super::check::children_mut(e, &mut children);
            for c in children {
                substitute(c, first, second, ids);
            }
        }
    }
}

/// Rewrites every two-variable comprehension in `e` (recursive: the depth is bounded).
pub fn rewrite(e: &mut IdedExpr) {
    let mut ids = Ids(1 << 40);
    visit(e, &mut ids);
}

fn visit(e: &mut IdedExpr, ids: &mut Ids) {
    let mut children = Vec::new();
    super::check::children_mut(e, &mut children);
    for c in children {
        visit(c, ids);
    }
    let Expr::Call(call) = &mut e.expr else {
        return;
    };
    let name = call.func_name.as_str();
    let arity = call.args.len();
    let known = match name {
        "all" | "exists" | "existsOne" | "exists_one" => arity == 3,
        "transformList" | "transformMap" | "transformMapEntry" => arity == 3 || arity == 4,
        _ => false,
    };
    if !known || call.target.is_none() {
        return;
    }
    let (Expr::Ident(first), Expr::Ident(second)) = (&call.args[0].expr, &call.args[1].expr) else {
        return;
    };
    let (first, second) = (first.clone(), second.clone());
    let name = name.to_string();
    let Some(target) = call.target.take() else {
        return;
    };
    let mut args: Vec<IdedExpr> = call.args.drain(2..).collect();
    for a in &mut args {
        substitute(a, &first, &second, ids);
    }
    let pairs = |ids: &mut Ids, t: IdedExpr| ids.call(PAIRS, vec![t]);
    let new = match name.as_str() {
        "all" => {
            let p = args.remove(0);
            let range = pairs(ids, *target);
            let init = ids.boolean(true);
            let acc = ids.ident(RESULT);
            let cond = ids.call("@not_strictly_false", vec![acc]);
            let acc = ids.ident(RESULT);
            let step = ids.call("_&&_", vec![acc, p]);
            let result = ids.ident(RESULT);
            ids.comprehension(range, init, cond, step, result)
        }
        "exists" => {
            let p = args.remove(0);
            let range = pairs(ids, *target);
            let init = ids.boolean(false);
            let acc = ids.ident(RESULT);
            let not = ids.call("!_", vec![acc]);
            let cond = ids.call("@not_strictly_false", vec![not]);
            let acc = ids.ident(RESULT);
            let step = ids.call("_||_", vec![acc, p]);
            let result = ids.ident(RESULT);
            ids.comprehension(range, init, cond, step, result)
        }
        "existsOne" | "exists_one" => {
            let p = args.remove(0);
            let range = pairs(ids, *target);
            let init = ids.int(0);
            let cond = ids.boolean(true);
            let acc = ids.ident(RESULT);
            let one = ids.int(1);
            let plus = ids.call("_+_", vec![acc, one]);
            let acc = ids.ident(RESULT);
            let step = ids.call("_?_:_", vec![p, plus, acc]);
            let acc = ids.ident(RESULT);
            let one = ids.int(1);
            let result = ids.call("_==_", vec![acc, one]);
            ids.comprehension(range, init, cond, step, result)
        }
        _ => {
            // transformList / transformMap / transformMapEntry: the values (filtered), as a
            // list; a map is made of the keys and values.
            let filter = (args.len() == 2).then(|| args.remove(0));
            let value = args.remove(0);
            let list_of =
                |ids: &mut Ids, target: IdedExpr, x: IdedExpr, filter: Option<IdedExpr>| {
                    let range = pairs(ids, target);
                    let init = ids.empty_list();
                    let cond = ids.boolean(true);
                    let step = match filter {
                        Some(f) => {
                            let add = ids.append(x);
                            let acc = ids.ident(RESULT);
                            ids.call("_?_:_", vec![f, add, acc])
                        }
                        None => ids.append(x),
                    };
                    let result = ids.ident(RESULT);
                    ids.comprehension(range, init, cond, step, result)
                };
            match name.as_str() {
                "transformList" => list_of(ids, *target, value, filter),
                "transformMap" => {
                    let key = ids.pair_part(0);
                    let keys = list_of(ids, (*target).clone(), key, filter.clone());
                    let values = list_of(ids, *target, value, filter);
                    ids.call(TO_MAP, vec![keys, values])
                }
                _ => {
                    let entries = list_of(ids, *target, value, filter);
                    ids.call(MERGE, vec![entries])
                }
            }
        }
    };
    *e = new;
}

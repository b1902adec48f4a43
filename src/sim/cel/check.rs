//! What kubegate checks of an expression before running it: guards against inputs that would
//! overflow the interpreter's stack, the identifiers it uses (cel-go's checker reports an
//! undeclared one when the policy is written), and a result of an evident wrong type. Errors
//! are written as cel-go writes them (`common/error.go`):
//!
//! ```text
//! ERROR: <input>:1:5: undeclared reference to 'objct' (in container '')
//!  | 1 + objct
//!  | ....^
//! ```

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, SourceInfo};

use super::{CompileError, Declarations, Want};

/// The longest expression kubegate compiles, in bytes.
pub const MAX_SOURCE: usize = 100_000;
/// The most operators, selections, indexes and calls one expression may have, counted before
/// parsing: the parser recurses along chains of them (`a + a + …`, `x.a.a…`, `x[0][0]…`) and
/// overflows a wasm stack past ~3,000 links; it is safe at 1,000.
pub const MAX_CHAIN: usize = 1000;
/// The parser's nesting limit (parentheses, lists, calls); the crate's default (96) overflows
/// a wasm stack on nested lists.
pub const MAX_PARSER_DEPTH: u16 = 32;
/// The deepest expression tree kubegate runs: the interpreter recurses along the tree, and
/// overflows a wasm stack at ~300 levels of `==` or index chains.
pub const MAX_DEPTH: usize = 64;

/// Refuses sources that are too long, or whose operator chains are too long, before parsing.
pub fn guard(source: &str) -> Result<(), CompileError> {
    if source.len() > MAX_SOURCE {
        return Err(CompileError::at(
            source,
            0,
            &format!(
                "kubegate compiles expressions of up to {MAX_SOURCE} bytes; this one has {}",
                source.len()
            ),
        ));
    }
    let mut links = 0usize;
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' => {
                // Skip a string literal (triple-quoted or not; escapes skip a byte).
                let triple = bytes[i..].starts_with(&[b, b, b]);
                let close: &[u8] = if triple { &[b, b, b] } else { &[b] };
                i += close.len();
                while i < bytes.len() && !bytes[i..].starts_with(close) {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
                i += close.len();
                continue;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'=' | b'!' | b'.' | b'[' | b'('
            | b'?' => links += 1,
            _ => {}
        }
        if links > MAX_CHAIN {
            return Err(CompileError::at(
                source,
                i,
                &format!(
                    "kubegate runs expressions with up to {MAX_CHAIN} operators, selections, indexes and calls; this one has more"
                ),
            ));
        }
        i += 1;
    }
    Ok(())
}

/// The children of a node, for walks that keep their own stack.
pub fn children(e: &IdedExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        Expr::Call(c) => c.target.iter().map(|t| t.as_ref()).chain(&c.args).collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => m.entries.iter().flat_map(entry).collect(),
        Expr::Struct(s) => s.entries.iter().flat_map(entry).collect(),
        Expr::Select(s) => vec![s.operand.as_ref()],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => Vec::new(),
    }
}

fn entry(e: &cel::common::ast::IdedEntryExpr) -> Vec<&IdedExpr> {
    match &e.expr {
        EntryExpr::MapEntry(m) => vec![&m.key, &m.value],
        EntryExpr::StructField(f) => vec![&f.value],
    }
}

/// Pushes the children of a node (mutable), for [`super::meter`].
pub fn children_mut<'a>(e: &'a mut IdedExpr, stack: &mut Vec<&'a mut IdedExpr>) {
    match &mut e.expr {
        Expr::Call(c) => {
            if let Some(t) = c.target.as_mut() {
                stack.push(t.as_mut());
            }
            stack.extend(c.args.iter_mut());
        }
        Expr::Comprehension(c) => {
            stack.push(&mut c.iter_range);
            stack.push(&mut c.accu_init);
            stack.push(&mut c.loop_cond);
            stack.push(&mut c.loop_step);
            stack.push(&mut c.result);
        }
        Expr::List(l) => stack.extend(l.elements.iter_mut()),
        Expr::Map(m) => {
            for en in &mut m.entries {
                match &mut en.expr {
                    EntryExpr::MapEntry(me) => {
                        stack.push(&mut me.key);
                        stack.push(&mut me.value);
                    }
                    EntryExpr::StructField(f) => stack.push(&mut f.value),
                }
            }
        }
        Expr::Struct(s) => {
            for en in &mut s.entries {
                match &mut en.expr {
                    EntryExpr::MapEntry(me) => {
                        stack.push(&mut me.key);
                        stack.push(&mut me.value);
                    }
                    EntryExpr::StructField(f) => stack.push(&mut f.value),
                }
            }
        }
        Expr::Select(s) => stack.push(s.operand.as_mut()),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

/// The number of nodes of an expression (what kubegate charges for evaluating it once).
pub fn size(e: &IdedExpr) -> u64 {
    let mut n = 0;
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        n += 1;
        stack.extend(children(e));
    }
    n
}

/// Refuses trees deeper than [`MAX_DEPTH`] (walked without recursion).
pub fn depth(e: &IdedExpr, source: &str) -> Result<(), CompileError> {
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return Err(CompileError::at(
                source,
                0,
                &format!("kubegate runs expressions nested up to {MAX_DEPTH} levels deep; this one is deeper"),
            ));
        }
        stack.extend(children(e).into_iter().map(|c| (c, d + 1)));
    }
    Ok(())
}

/// Namespaces of functions (`lists.range`, `optional.of`, `format.dns1123Label`, …) and type
/// names an expression may name without declaring them.
const KNOWN: &[&str] = &[
    "lists",
    "strings",
    "sets",
    "optional",
    "format",
    "ip",
    "kubernetes",
    "net",
    "bool",
    "bytes",
    "double",
    "int",
    "uint",
    "string",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

/// Reports an identifier that is neither declared nor bound by an enclosing macro
/// (`undeclared reference to 'x' (in container '')`), as cel-go's checker does.
pub fn identifiers(
    e: &IdedExpr,
    info: &SourceInfo,
    source: &str,
    decls: &Declarations,
) -> Result<(), CompileError> {
    // (node, the comprehension variables in scope there)
    let mut stack: Vec<(&IdedExpr, Vec<&str>)> = vec![(e, Vec::new())];
    // cel-go reports every issue, in the order of the source.
    let mut found: Vec<(usize, String)> = Vec::new();
    while let Some((e, scope)) = stack.pop() {
        match &e.expr {
            Expr::Ident(name) => {
                let n = name.as_str();
                let declared = decls.variables.contains(&n)
                    || scope.contains(&n)
                    || KNOWN.contains(&n)
                    || (decls.mutation && n == "jsonpatch");
                if !declared {
                    let at = info.offset_for(e.id).map_or(0, |(s, _)| s as usize);
                    found.push((at, n.to_string()));
                }
            }
            Expr::Call(call)
                if call.target.is_none()
                    && matches!(call.func_name.as_str(), "timestamp" | "duration") =>
            {
                // Kubernetes has them; kubegate's build of the interpreter does not (its
                // time-zone data would cost ~150 KB): say so, not "undeclared".
                let at = info.offset_for(e.id).map_or(0, |(s, _)| s as usize);
                found.push((at, format!("\u{0}{}", call.func_name)));
                for c in children(e) {
                    stack.push((c, scope.clone()));
                }
            }
            Expr::Comprehension(c) => {
                stack.push((&c.iter_range, scope.clone()));
                stack.push((&c.accu_init, scope.clone()));
                let mut inner = scope.clone();
                inner.push(c.accu_var.as_str());
                stack.push((&c.result, inner.clone()));
                inner.push(c.iter_var.as_str());
                if let Some(v) = &c.iter_var2 {
                    inner.push(v.as_str());
                }
                stack.push((&c.loop_cond, inner.clone()));
                stack.push((&c.loop_step, inner));
            }
            _ => {
                for c in children(e) {
                    stack.push((c, scope.clone()));
                }
            }
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    found.sort();
    found.dedup();
    let issues: Vec<String> = found
        .iter()
        .map(|(at, n)| match n.strip_prefix('\u{0}') {
            Some(f) => issue(
                source,
                *at,
                &format!("kubegate does not model CEL timestamps and durations yet: '{f}' is not available"),
            ),
            None => issue(
                source,
                *at,
                &format!("undeclared reference to '{n}' (in container '')"),
            ),
        })
        .collect();
    Err(CompileError::Failed(issues.join("\n")))
}

/// The type of an expression when it is evident from its root (a literal, a comparison, a
/// logical operator, `size`): what cel-go's checker would infer there. `None` is `dyn`.
fn evident_type(e: &IdedExpr) -> Option<&'static str> {
    Some(match &e.expr {
        Expr::Literal(l) => match l {
            LiteralValue::Boolean(_) => "bool",
            LiteralValue::Int(_) => "int",
            LiteralValue::UInt(_) => "uint",
            LiteralValue::Double(_) => "double",
            LiteralValue::String(_) => "string",
            LiteralValue::Bytes(_) => "bytes",
            LiteralValue::Null => "null_type",
        },
        Expr::List(_) => "list",
        Expr::Map(_) => "map",
        Expr::Call(c) => match c.func_name.as_str() {
            "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" | "_&&_" | "_||_" | "!_" | "@in"
            | "startsWith" | "endsWith" | "contains" | "matches" => "bool",
            "size" => "int",
            op if c.target.is_none() && c.args.len() == 2 => {
                match (static_type(&c.args[0]), static_type(&c.args[1])) {
                    (Some(l), Some(r)) => operator_result(op, l, r).ok().flatten()?,
                    _ => return None,
                }
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// The type of a sub-expression when literals alone decide it (`1 + 2`, `'a' == 'b'`).
fn static_type(e: &IdedExpr) -> Option<&'static str> {
    match &e.expr {
        Expr::Literal(_) | Expr::List(_) | Expr::Map(_) => evident_type(e),
        Expr::Call(c) if c.target.is_none() && c.args.len() == 2 => {
            let (l, r) = (static_type(&c.args[0])?, static_type(&c.args[1])?);
            operator_result(&c.func_name, l, r).ok().flatten()
        }
        _ => None,
    }
}

const NUMERIC: [&str; 3] = ["int", "uint", "double"];

/// What a binary operator gives for two operand types: `Ok(Some(t))`, `Ok(None)` for an
/// operator this check does not know, `Err(())` when cel-go's checker finds no overload.
#[allow(clippy::result_unit_err)]
pub fn operator_result(
    op: &str,
    l: &'static str,
    r: &'static str,
) -> Result<Option<&'static str>, ()> {
    let numeric = |t| NUMERIC.contains(&t);
    match op {
        "_+_" => {
            if l == r && matches!(l, "int" | "uint" | "double" | "string" | "bytes" | "list") {
                Ok(Some(l))
            } else {
                Err(())
            }
        }
        "_-_" | "_*_" | "_/_" => {
            if l == r && numeric(l) {
                Ok(Some(l))
            } else {
                Err(())
            }
        }
        "_%_" => {
            if l == r && matches!(l, "int" | "uint") {
                Ok(Some(l))
            } else {
                Err(())
            }
        }
        // Comparisons across numeric types are allowed (Kubernetes enables them).
        "_<_" | "_<=_" | "_>_" | "_>=_" => {
            let ordered = matches!(l, "int" | "uint" | "double" | "string" | "bytes" | "bool");
            if (l == r && ordered) || (numeric(l) && numeric(r)) {
                Ok(Some("bool"))
            } else {
                Err(())
            }
        }
        "_==_" | "_!=_" => {
            if l == r || (numeric(l) && numeric(r)) || l == "null_type" || r == "null_type" {
                Ok(Some("bool"))
            } else {
                Err(())
            }
        }
        _ => Ok(None),
    }
}

/// Reports an operator applied to literal operands it has no overload for (`1 < 'asdf'`:
/// `found no matching overload for '_<_' applied to '(int, string)'`), as cel-go's checker.
pub fn operators(e: &IdedExpr, info: &SourceInfo, source: &str) -> Result<(), CompileError> {
    let mut found = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Call(c) = &e.expr {
            if c.target.is_none() && c.args.len() == 2 {
                if let (Some(l), Some(r)) = (static_type(&c.args[0]), static_type(&c.args[1])) {
                    if operator_result(&c.func_name, l, r).is_err() {
                        let at = info.offset_for(e.id).map_or(0, |(s, _)| s as usize);
                        found.push((
                            at,
                            format!(
                                "found no matching overload for '{}' applied to '({l}, {r})'",
                                c.func_name
                            ),
                        ));
                    }
                }
            }
        }
        stack.extend(children(e));
    }
    if found.is_empty() {
        return Ok(());
    }
    found.sort();
    let issues: Vec<String> = found.iter().map(|(at, m)| issue(source, *at, m)).collect();
    Err(CompileError::Failed(issues.join("\n")))
}

/// Refuses an expression whose evident type is not the one wanted (`must evaluate to bool but
/// got int`).
pub fn result_type(e: &IdedExpr, want: Want) -> Result<(), CompileError> {
    let wanted = match want {
        Want::Bool => "bool",
        Want::String => "string",
        Want::Object => {
            return match &e.expr {
                Expr::Struct(s) if s.type_name == "Object" => Ok(()),
                Expr::Struct(s) => Err(CompileError::Type(format!(
                    "must evaluate to Object but got {}",
                    s.type_name
                ))),
                _ => match evident_type(e) {
                    Some(t) => Err(CompileError::Type(format!(
                        "must evaluate to Object but got {t}"
                    ))),
                    None => Ok(()),
                },
            };
        }
        Want::JsonPatches => {
            return match evident_type(e) {
                Some(t) if t != "list" => Err(CompileError::Type(format!(
                    "must evaluate to list(JSONPatch) but got {t}"
                ))),
                _ => Ok(()),
            };
        }
        Want::Any => return Ok(()),
    };
    match evident_type(e) {
        Some(t) if t != wanted => Err(CompileError::Type(format!(
            "must evaluate to {wanted} but got {t}"
        ))),
        _ => Ok(()),
    }
}

/// One issue at a byte offset of `source`, in cel-go's format.
pub fn issue(source: &str, offset: usize, msg: &str) -> String {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count();
    issue_at(source, line, col, msg)
}

/// One issue at a line (1-based) and column (0-based, in characters), in cel-go's format.
pub fn issue_at(source: &str, line: usize, col: usize, msg: &str) -> String {
    let text = source.split('\n').nth(line - 1).unwrap_or("");
    let mut out = format!("ERROR: <input>:{line}:{}: {msg}", col + 1);
    out.push_str("\n | ");
    out.push_str(text);
    out.push_str("\n | ");
    out.push_str(&".".repeat(col));
    out.push('^');
    out
}

/// Every chain of field selections from a variable (`object.spec.template.metadata`), the
/// longest only (not its prefixes), each field with the byte offset of its name.
pub fn selections(e: &IdedExpr, info: &SourceInfo, source: &str) -> Vec<super::Selection> {
    let mut out = Vec::new();
    // (node, whether it is the operand of a selection)
    let mut stack = vec![(e, false)];
    while let Some((e, inner)) = stack.pop() {
        if let Expr::Select(sel) = &e.expr {
            if !inner {
                // Walk down to the root.
                let mut path = Vec::new();
                let mut node = e;
                let mut root = None;
                loop {
                    match &node.expr {
                        Expr::Select(s) => {
                            // The offset points at the `.`; the name follows it.
                            let dot = info
                                .offset_for(node.id)
                                .map_or(0, |(start, _)| start as usize);
                            let at = source[dot.min(source.len())..]
                                .find(s.field.as_str())
                                .map_or(dot, |i| dot + i);
                            path.push((s.field.clone(), at));
                            node = &s.operand;
                        }
                        Expr::Ident(name) => {
                            root = Some(name.clone());
                            break;
                        }
                        _ => break,
                    }
                }
                if let Some(root) = root {
                    path.reverse();
                    out.push(super::Selection { root, path });
                }
            }
            stack.push((&sel.operand, true));
            continue;
        }
        for c in children(e) {
            stack.push((c, false));
        }
    }
    out
}

//! What a MutatingAdmissionPolicy's mutations add to CEL (`pkg/cel/mutation`): `Object{…}`
//! initializers, whose type names follow the field path from the root (`Object.spec{…}` for
//! `spec`, `Object.spec.template.spec.containers{…}` for a container), `JSONPatch{op, path,
//! from, value}`, and `jsonpatch.escapeKey`. The crate has no dynamic struct types, so before
//! running, each initializer becomes the map it stands for; a type name that does not follow
//! its field path, or a JSONPatch field that does not exist, becomes an error raised where the
//! initializer is evaluated, with upstream's text.

use cel::common::ast::{
    CallExpr, EntryExpr, Expr, IdedEntryExpr, IdedExpr, LiteralValue, MapEntryExpr, MapExpr,
};
use cel::common::types::CelString;
use cel::{DeclarationError, Env, ExecutionError};

/// The function an invalid initializer becomes (not a name an expression can write).
pub const FAIL: &str = "@kubegate_fail";

/// Adds `jsonpatch.escapeKey` and the failure function.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    cel::add_overload!(env, fn escape_key: (CelString) -> CelString, name = "jsonpatch.escapeKey")?;
    cel::add_overload!(env, fn fail: (CelString) -> Result<CelString>, name = FAIL, id = "kubegate_fail")?;
    Ok(())
}

/// `jsonpatch.escapeKey`: a map key as a JSON pointer segment (`~` → `~0`, `/` → `~1`).
fn escape_key(key: &CelString<'_>) -> CelString<'static> {
    CelString::from(key.inner().replace('~', "~0").replace('/', "~1"))
}

fn fail(message: &CelString<'_>) -> Result<CelString<'static>, ExecutionError> {
    Err(ExecutionError::function_error(FAIL, message.inner()))
}

fn failing(id: u64, message: String) -> IdedExpr {
    IdedExpr {
        id,
        expr: Expr::Call(CallExpr {
            func_name: FAIL.to_string(),
            target: None,
            args: vec![IdedExpr {
                id,
                expr: Expr::Literal(LiteralValue::String(message.into())),
            }],
        }),
    }
}

/// Rewrites every `Object…{}` and `JSONPatch{}` initializer into a map. (Recursive: the tree's
/// depth is already bounded by [`super::check::MAX_DEPTH`].)
pub fn rewrite(expr: &mut IdedExpr) {
    visit(expr, None);
}

/// `expected`: the type name the node's field path gives it, when it is the value of an
/// initializer's field (or an element of such a list).
fn visit(e: &mut IdedExpr, expected: Option<String>) {
    enum Node {
        List,
        Initializer(String),
        Other,
    }
    let node = match &e.expr {
        Expr::List(_) => Node::List,
        Expr::Struct(st)
            if st.type_name == "Object"
                || st.type_name.starts_with("Object.")
                || st.type_name == "JSONPatch" =>
        {
            Node::Initializer(st.type_name.clone())
        }
        _ => Node::Other,
    };
    match node {
        Node::List => {
            if let Expr::List(l) = &mut e.expr {
                for el in &mut l.elements {
                    visit(el, expected.clone());
                }
            }
        }
        Node::Other => {
            let mut children = Vec::new();
            super::check::children_mut(e, &mut children);
            for c in children {
                visit(c, None);
            }
        }
        Node::Initializer(name) => initializer(e, &name, expected),
    }
}

fn initializer(e: &mut IdedExpr, name: &str, expected: Option<String>) {
    let id = e.id;
    let is_object = name != "JSONPatch";
    if let Some(want) = expected.filter(|_| is_object) {
        if want != name {
            *e = failing(id, format!("type mismatch: unexpected type name {name:?}, expected {want:?}, which matches field name path from root Object type"));
            return;
        }
    }
    let Expr::Struct(st) = &mut e.expr else {
        return;
    };
    let mut entries = Vec::new();
    for entry in std::mem::take(&mut st.entries) {
        let IdedEntryExpr { id: eid, expr } = entry;
        let EntryExpr::StructField(f) = expr else {
            continue;
        };
        if !is_object && !matches!(f.field.as_str(), "op" | "path" | "from" | "value") {
            *e = failing(id, format!("unexpected JSONPatchType field: {}", f.field));
            return;
        }
        let child = is_object.then(|| format!("{name}.{}", f.field));
        let mut value = f.value;
        visit(&mut value, child);
        entries.push(IdedEntryExpr {
            id: eid,
            expr: EntryExpr::MapEntry(MapEntryExpr {
                key: IdedExpr {
                    id: eid,
                    expr: Expr::Literal(LiteralValue::String(f.field.into())),
                },
                value,
                optional: f.optional,
            }),
        });
    }
    e.expr = Expr::Map(MapExpr { entries });
}

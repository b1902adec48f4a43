//! What the API server's JSON decoder says when a value does not fit the Go type of its field:
//! `json: cannot unmarshal number 1e+23 into Go struct field DeploymentSpec.spec.replicas of
//! type int32`, or Go's base64 error for a Secret's `data`. The types come from the OpenAPI
//! schemas (`sim::openapi`); the walk follows `encoding/json`'s rules (the first error in
//! document order, `null` fits anything, unknown fields are another check's business) and
//! skips the types that decode themselves (times, quantities, int-or-string, raw objects).
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>.

use serde_json::Value;

use super::openapi::Schemas;
use super::yaml::{Node, NodeKind, Pos};

/// A value that does not decode, and where it stands in the source (when it has a place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// Go's message.
    pub message: String,
    /// The value's position (zero for a JSON body).
    pub pos: Pos,
}

/// Types with their own `UnmarshalJSON`: their errors read differently, so they are left to
/// the code that models them.
const SELF_DECODING: &[&str] = &[
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
];

/// The Go type of a schema, as `reflect.Type.String()` prints it.
enum GoType<'a> {
    Struct(&'a str, &'a Value),
    String,
    Bytes,
    Bool,
    Int(u32),
    Float,
    Slice(Box<GoType<'a>>),
    Map(Box<GoType<'a>>),
    /// `resource.Quantity`, which decodes itself with `ParseQuantity`'s errors.
    Quantity,
    /// Decodes itself, or is not described: not checked.
    Opaque,
}

fn short_name(full: &str) -> (&str, &str) {
    let mut parts = full.rsplit('.');
    let name = parts.next().unwrap_or(full);
    let package = parts.next().unwrap_or("");
    (package, name)
}

impl GoType<'_> {
    fn name(&self) -> String {
        match self {
            GoType::Struct(full, _) => {
                let (package, name) = short_name(full);
                format!("{package}.{name}")
            }
            GoType::String => "string".into(),
            GoType::Bytes => "[]uint8".into(),
            GoType::Bool => "bool".into(),
            GoType::Int(bits) => format!("int{bits}"),
            GoType::Float => "float64".into(),
            GoType::Slice(item) => format!("[]{}", item.name()),
            GoType::Map(item) => format!("map[string]{}", item.name()),
            GoType::Quantity => "resource.Quantity".into(),
            GoType::Opaque => "interface {}".into(),
        }
    }
}

fn resolve<'a>(schemas: &'a Schemas, schema: &'a Value) -> GoType<'a> {
    let reference = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|s| s.get("$ref"))
            .and_then(Value::as_str)
    });
    if let Some(r) = reference {
        let full = r.rsplit('/').next().unwrap_or(r);
        if full == "io.k8s.apimachinery.pkg.api.resource.Quantity" {
            return GoType::Quantity;
        }
        if SELF_DECODING.contains(&full) {
            return GoType::Opaque;
        }
        return match schemas.named(full) {
            Some(target) if target.get("properties").is_some() => GoType::Struct(full, target),
            Some(target) => resolve(schemas, target),
            None => GoType::Opaque,
        };
    }
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if format == "byte" => GoType::Bytes,
        Some("string") => GoType::String,
        Some("boolean") => GoType::Bool,
        Some("integer") => GoType::Int(if format == "int32" { 32 } else { 64 }),
        Some("number") => GoType::Float,
        Some("array") => match schema.get("items") {
            Some(items) => GoType::Slice(Box::new(resolve(schemas, items))),
            None => GoType::Opaque,
        },
        Some("object") => match schema.get("additionalProperties") {
            Some(v) if v.is_object() => GoType::Map(Box::new(resolve(schemas, v))),
            _ => GoType::Opaque,
        },
        _ => GoType::Opaque,
    }
}

/// Where the decoder is: the innermost struct and the JSON names of the fields entered.
struct Context<'a> {
    structure: &'a str,
    fields: Vec<&'a str>,
}

fn fail(value: String, ty: &GoType, ctx: &Context, pos: Pos) -> TypeError {
    let message = if ctx.fields.is_empty() {
        format!(
            "json: cannot unmarshal {value} into Go value of type {}",
            ty.name()
        )
    } else {
        format!(
            "json: cannot unmarshal {value} into Go struct field {}.{} of type {}",
            ctx.structure,
            ctx.fields.join("."),
            ty.name()
        )
    };
    TypeError { message, pos }
}

/// Whether a JSON number fits an integer of `bits` bits, as Go reads the text a Go client
/// would have sent for it (whole floats below 1e21 are written without a point).
fn fits_int(n: &serde_json::Number, bits: u32) -> bool {
    let value: Option<i128> = if let Some(i) = n.as_i64() {
        Some(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        Some(i128::from(u))
    } else {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e21)
            .map(|f| f as i128)
    };
    let (lo, hi) = if bits == 32 {
        (i128::from(i32::MIN), i128::from(i32::MAX))
    } else {
        (i128::from(i64::MIN), i128::from(i64::MAX))
    };
    value.is_some_and(|v| (lo..=hi).contains(&v))
}

fn walk<'a>(
    node: &'a Node,
    ty: &GoType<'a>,
    schemas: &'a Schemas,
    ctx: &mut Context<'a>,
) -> Option<TypeError> {
    if let GoType::Quantity = ty {
        // Quantity.UnmarshalJSON parses a string's text, or the raw JSON of anything else.
        let text = match node.to_json() {
            Value::Null => return None,
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => String::new(),
        };
        return super::quantity::Quantity::problem(&text).map(|m| TypeError {
            message: m.to_string(),
            pos: node.pos,
        });
    }
    let json_kind = match &node.kind {
        NodeKind::Scalar { .. } => match node.to_json() {
            Value::Null => return None,
            Value::Bool(_) => "bool",
            Value::Number(n) => {
                return match ty {
                    GoType::Int(bits) if !fits_int(&n, *bits) => Some(fail(
                        format!("number {}", super::yamlout::go_json_number(&n)),
                        ty,
                        ctx,
                        node.pos,
                    )),
                    GoType::Int(_) | GoType::Float | GoType::Opaque => None,
                    _ => Some(fail("number".into(), ty, ctx, node.pos)),
                }
            }
            Value::String(s) => {
                return match ty {
                    GoType::String | GoType::Opaque => None,
                    GoType::Bytes => {
                        super::b64::go_std_decode(s.as_bytes())
                            .err()
                            .map(|e| TypeError {
                                message: e.to_string(),
                                pos: node.pos,
                            })
                    }
                    _ => Some(fail("string".into(), ty, ctx, node.pos)),
                }
            }
            _ => return None,
        },
        NodeKind::Seq(_) => "array",
        NodeKind::Map(_) => "object",
    };
    match (ty, &node.kind) {
        (GoType::Opaque, _) => None,
        (GoType::Bool, _) if json_kind == "bool" => None,
        (GoType::Slice(item), NodeKind::Seq(items)) => {
            items.iter().find_map(|i| walk(i, item, schemas, ctx))
        }
        (GoType::Map(item), NodeKind::Map(entries)) => entries
            .iter()
            .find_map(|(_, v)| walk(v, item, schemas, ctx)),
        (GoType::Struct(full, schema), NodeKind::Map(entries)) => {
            let properties = schema.get("properties")?;
            for (k, v) in entries {
                let Some(name) = k.as_str() else { continue };
                let Some((key, field_schema)) =
                    properties.as_object().and_then(|p| p.get_key_value(name))
                else {
                    continue;
                };
                let field_ty = resolve(schemas, field_schema);
                let saved = ctx.structure;
                ctx.structure = short_name(full).1;
                ctx.fields.push(key.as_str());
                let found = walk(v, &field_ty, schemas, ctx);
                ctx.fields.pop();
                ctx.structure = saved;
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => Some(fail(json_kind.into(), ty, ctx, node.pos)),
    }
}

/// The first value of an object of `group/version, Kind` that Go's decoder refuses, if any.
/// Until the schemas are loaded (the page loads them after its first render) only the shape
/// the engine relies on is checked: `metadata`, `spec` and `status` are objects, with Go's
/// message for the usual struct names (`v1.PodSpec`).
pub fn check(node: &Node, group: &str, version: &str, kind: &str) -> Option<TypeError> {
    let Some(schemas) = super::openapi::schemas() else {
        return shape(node, version, kind);
    };
    let Some(name) = schemas.name_of_kind(group, version, kind) else {
        return shape(node, version, kind);
    };
    let root = GoType::Struct(name, schemas.named(name)?);
    let mut ctx = Context {
        structure: "",
        fields: Vec::new(),
    };
    walk(node, &root, schemas, &mut ctx)
}

/// The part of [`check`] that needs no schema: the top-level fields the engine writes into
/// must be objects.
fn shape(node: &Node, version: &str, kind: &str) -> Option<TypeError> {
    let NodeKind::Map(entries) = &node.kind else {
        return None;
    };
    for (k, v) in entries {
        let type_name = match k.as_str() {
            Some("metadata") => "v1.ObjectMeta".to_string(),
            Some("spec") => format!("{version}.{kind}Spec"),
            Some("status") => format!("{version}.{kind}Status"),
            _ => continue,
        };
        let value = match &v.kind {
            NodeKind::Map(_) => continue,
            NodeKind::Seq(_) => "array",
            NodeKind::Scalar { .. } => match v.to_json() {
                Value::Null => continue,
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                _ => "string",
            },
        };
        return Some(TypeError {
            message: format!(
                "json: cannot unmarshal {value} into Go struct field {kind}.{} of type {type_name}",
                k.as_str().unwrap_or("")
            ),
            pos: v.pos,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(group: &str, version: &str, kind: &str, obj: Value) -> Option<String> {
        check(&Node::from_json(&obj), group, version, kind).map(|e| e.message)
    }

    #[test]
    fn go_decoder_messages() {
        assert_eq!(
            err("apps", "v1", "Deployment", json!({"spec": {"replicas": 1e23}})).as_deref(),
            Some("json: cannot unmarshal number 1e+23 into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
        assert_eq!(
            err("apps", "v1", "Deployment", json!({"spec": {"replicas": 1.5}})).as_deref(),
            Some("json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
        assert_eq!(
            err("apps", "v1", "Deployment", json!({"spec": {"replicas": 3_000_000_000u64}})).as_deref(),
            Some("json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
        // A whole float is what a Go client sends as an integer.
        assert_eq!(
            err(
                "apps",
                "v1",
                "Deployment",
                json!({"spec": {"replicas": 3.0}})
            ),
            None
        );
        assert_eq!(
            err("", "v1", "Pod", json!({"metadata": {"labels": {"a": 1}}})).as_deref(),
            Some("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")
        );
        assert_eq!(
            err("", "v1", "Pod", json!({"spec": {"containers": [{"name": "c", "ports": [{"containerPort": "80"}]}]}})).as_deref(),
            Some("json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32")
        );
        assert_eq!(
            err("", "v1", "Pod", json!({"spec": {"containers": {"name": "c"}}})).as_deref(),
            Some("json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container")
        );
        assert_eq!(
            err("", "v1", "Pod", json!({"spec": "x"})).as_deref(),
            Some("json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec")
        );
        assert_eq!(
            err("", "v1", "Secret", json!({"data": {"k": "abc"}})).as_deref(),
            Some("illegal base64 data at input byte 0")
        );
        // Self-decoding types and nulls are not judged here.
        assert_eq!(
            err(
                "",
                "v1",
                "Pod",
                json!({"metadata": {"creationTimestamp": 5}, "spec": null})
            ),
            None
        );
        assert_eq!(
            err(
                "",
                "v1",
                "Pod",
                json!({"spec": {"containers": [{"resources": {"limits": {"cpu": 1}}}]}})
            ),
            None
        );
    }

    #[test]
    fn without_schemas_the_shape_is_still_checked() {
        let n = Node::from_json(&json!({"metadata": {"name": "x"}, "spec": "oops"}));
        assert_eq!(
            shape(&n, "v1", "Pod").map(|e| e.message).as_deref(),
            Some("json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec")
        );
        // The same words as the schema-driven check gives.
        assert_eq!(
            check(&n, "", "v1", "Pod").map(|e| e.message),
            shape(&n, "v1", "Pod").map(|e| e.message)
        );
        let ok = Node::from_json(&json!({"metadata": null, "spec": {}}));
        assert_eq!(shape(&ok, "v1", "Pod"), None);
    }
}

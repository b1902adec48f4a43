//! `kubectl explain`: the field documentation of a resource, rendered from the server's
//! OpenAPI v3 document the way kubectl's built-in `plaintext` template renders it
//! (staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl): `GROUP`/`KIND`/
//! `VERSION`, then either the resource's `DESCRIPTION` and `FIELDS`, or one `FIELD` reached
//! through a dotted path; `--recursive` lists every nested field name with its type.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Render the documentation of (group, version, resource) with the fields path followed.
///
/// An error comes with what kubectl has already printed by then (the heading, when a field
/// does not exist).
pub fn render(
    doc: &Value,
    group: &str,
    version: &str,
    resource: &str,
    field_path: &[String],
    recursive: bool,
) -> Result<String, (String, String)> {
    let prefix = if group.is_empty() {
        "/api".to_string()
    } else {
        format!("/apis/{group}")
    };
    let search = [
        format!("{prefix}/{version}/{resource}"),
        format!("{prefix}/{version}/{resource}/{{name}}"),
        format!("{prefix}/{version}/namespaces/{{namespace}}/{resource}"),
        format!("{prefix}/{version}/namespaces/{{namespace}}/{resource}/{{name}}"),
    ];
    let mut gvk: Option<&Value> = None;
    for path in &search {
        let Some(element) = doc.get("paths").and_then(|p| p.get(path)) else {
            continue;
        };
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = element.get(method) {
                gvk = op.get("x-kubernetes-group-version-kind");
                if gvk.is_some() {
                    break;
                }
            }
        }
    }
    let gvr = || {
        format!(
            "{}{version}, Resource={resource}",
            if group.is_empty() {
                "/".to_string()
            } else {
                format!("{group}/")
            }
        )
    };
    let Some(gvk) = gvk else {
        return Err((
            String::new(),
            format!("error: GVR ({}) not found in OpenAPI schema", gvr()),
        ));
    };
    let part = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("");
    let mut out = String::new();
    if !part("group").is_empty() {
        out.push_str(&format!("GROUP:      {}\n", part("group")));
    }
    out.push_str(&format!("KIND:       {}\n", part("kind")));
    out.push_str(&format!("VERSION:    {}\n\n", part("version")));
    let r = Renderer { doc };
    let schemas = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object);
    let found = schemas.into_iter().flatten().find(|(_, s)| {
        s.get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|g| g == gvk))
    });
    let Some((_, schema)) = found else {
        let g = part("group");
        let msg = format!(
            "error: GVK {}{}, Kind={} not found in OpenAPI schema",
            if g.is_empty() {
                String::new()
            } else {
                format!("{g}/")
            },
            part("version"),
            part("kind")
        );
        return Err((out, msg));
    };
    let body = r.output(schema, &BTreeSet::new(), field_path, recursive);
    if body.is_empty() {
        let last = field_path.last().map(String::as_str).unwrap_or("");
        return Err((out, format!("error: field \"{last}\" does not exist")));
    }
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

struct Renderer<'d> {
    doc: &'d Value,
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// An `additionalProperties` that is a schema (not `true`/`false`).
fn map_values(v: &Value) -> Option<&Value> {
    v.get("additionalProperties").filter(|a| a.is_object())
}

impl<'d> Renderer<'d> {
    /// `#/components/schemas/X` → the schema, if the reference resolves.
    fn resolve(&self, reference: Option<&str>) -> Option<&'d Value> {
        let fragment = reference?.strip_prefix('#')?;
        let mut cur = self.doc;
        for k in fragment.split('/').filter(|k| !k.is_empty()) {
            cur = cur.get(k).filter(|v| v.is_object())?;
        }
        Some(cur)
    }

    fn resolved<'s>(&self, schema: &'s Value) -> &'s Value
    where
        'd: 's,
    {
        self.resolve(str_of(schema, "$ref")).unwrap_or(schema)
    }

    /// The template's "output": follow the field path, then describe what it reaches.
    fn output(
        &self,
        schema: &Value,
        history: &BTreeSet<String>,
        path: &[String],
        recursive: bool,
    ) -> String {
        let reference = str_of(schema, "$ref").unwrap_or("");
        let mut next = history.clone();
        next.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if path.is_empty() {
            out.push_str("DESCRIPTION:\n");
            let mut text = self.description(resolved);
            if text.is_empty() {
                text = "<empty>".into();
            }
            out.push_str(&indent(4, &wrap(76, &text)));
            out.push('\n');
            let fields = self.field_list(resolved, 1, &next, recursive);
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
        } else if !reference.is_empty() && history.contains(reference) {
            // A cycle: nothing.
        } else if let Some(sub) = resolved.get("properties").and_then(|p| p.get(&path[0])) {
            if path.len() == 1 {
                out.push_str(&format!(
                    "FIELD: {} <{}>\n\n\n",
                    path[0],
                    self.type_guess(sub)
                ));
            }
            out.push_str(&self.output(sub, &BTreeSet::new(), &path[1..], recursive));
        } else if let Some(items) = resolved.get("items") {
            out.push_str(&self.output(items, &next, path, recursive));
        } else if let Some(values) = map_values(resolved) {
            out.push_str(&self.output(values, &next, path, recursive));
        } else {
            for sub in resolved
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let o = self.output(sub, &next, path, recursive);
                if !o.is_empty() {
                    out.push_str(&o);
                    break;
                }
            }
        }
        out
    }

    /// The template's "description": a schema's own description and those of what it wraps.
    fn description(&self, schema: &Value) -> String {
        let s = self.resolved(schema);
        let mut out = String::new();
        if let Some(d) = str_of(s, "description").filter(|d| !d.is_empty()) {
            out.push_str(d);
            out.push('\n');
        }
        for sub in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(&self.description(sub));
        }
        if let Some(items) = s.get("items") {
            out.push_str(&self.description(items));
        }
        if let Some(values) = map_values(s) {
            out.push_str(&self.description(values));
        }
        out
    }

    /// The template's "fieldList": each property (sorted), nested ones too when recursive.
    fn field_list(
        &self,
        schema: &Value,
        level: usize,
        history: &BTreeSet<String>,
        recursive: bool,
    ) -> String {
        let reference = str_of(schema, "$ref").unwrap_or("");
        if !reference.is_empty() && history.contains(reference) {
            return String::new();
        }
        let mut next = history.clone();
        next.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
            let mut names: Vec<&String> = props.keys().collect();
            crate::sim::sort::natural(&mut names);
            for name in names {
                out.push_str(&self.field_detail(name, resolved, props, recursive, level));
                if recursive {
                    out.push_str(&self.field_list(&props[name], level + 1, &next, recursive));
                }
            }
        }
        for sub in resolved
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push_str(&self.field_list(sub, level, &next, recursive));
        }
        if let Some(items) = resolved.get("items") {
            out.push_str(&self.field_list(items, level, &next, recursive));
        }
        if let Some(values) = map_values(resolved) {
            out.push_str(&self.field_list(values, level, &next, recursive));
        }
        out
    }

    /// The template's "fieldDetail": `name\t<type> -required-`, then the wrapped description.
    fn field_detail(
        &self,
        name: &str,
        parent: &Value,
        props: &Map<String, Value>,
        short: bool,
        level: usize,
    ) -> String {
        let pad = level * 2;
        let field = &props[name];
        let mut out = format!("{}{name}\t<{}>", " ".repeat(pad), self.type_guess(field));
        let required = parent
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|x| x == name));
        if required {
            out.push_str(" -required-");
        }
        out.push('\n');
        if !short {
            let text = str_of(field, "description")
                .filter(|d| !d.is_empty())
                .unwrap_or("<no description>");
            out.push_str(&indent(pad + 2, &wrap(78 - pad, text)));
            out.push('\n');
            out.push('\n');
        }
        out
    }

    /// The template's "typeGuess": `string`, `[]Container`, `map[string]string`, `Object`, …
    fn type_guess(&self, schema: &Value) -> String {
        if let Some(items) = schema.get("items") {
            return format!("[]{}", self.type_guess(items));
        }
        if let Some(values) = map_values(schema) {
            return format!("map[string]{}", self.type_guess(values));
        }
        let all_of = schema.get("allOf").and_then(Value::as_array);
        if let Some([only]) = all_of.map(Vec::as_slice) {
            if schema.get("properties").is_none() {
                return self.type_guess(only);
            }
        }
        let type_of = |s: &Value| {
            str_of(s, "type")
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        if let Some(reference) = str_of(schema, "$ref").filter(|r| !r.is_empty()) {
            let target = self.resolve(Some(reference));
            return match target.and_then(type_of) {
                Some(t) if t != "object" => t,
                _ => {
                    let name = reference.rsplit('/').next().unwrap_or("");
                    let short = name.rsplit('.').next().unwrap_or("");
                    if short.is_empty() {
                        "Object".into()
                    } else {
                        short.into()
                    }
                }
            };
        }
        match type_of(schema).as_deref() {
            Some("object") | None => "Object".into(),
            Some(t) => t.into(),
        }
    }
}

/// The template's `indent`: pad the first line and every line after a newline.
fn indent(n: usize, s: &str) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// Word wrapping as github.com/mitchellh/go-wordwrap's `WrapString` does it (kubectl's
/// `wrap`): break at white space so lines stay within `lim` characters where possible,
/// keep existing newlines, never split a word, drop the spaces at a break.
pub fn wrap(lim: usize, s: &str) -> String {
    const NBSP: char = '\u{a0}';
    let mut buf = String::with_capacity(s.len() + 16);
    let mut current = 0usize;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
                space.clear();
                space_len = 0;
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            buf.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != NBSP {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_newlines() {
        assert_eq!(wrap(10, "aaa bbb ccc ddd"), "aaa bbb\nccc ddd");
        // A word longer than the limit stays whole on its own line.
        assert_eq!(wrap(5, "ab abcdefgh cd"), "ab\nabcdefgh\ncd");
        assert_eq!(wrap(20, "one\n\ntwo"), "one\n\ntwo");
        // Runs of spaces inside a line survive; the space at a break is dropped.
        assert_eq!(
            wrap(12, "and JSON.  Wrappers are"),
            "and JSON.\nWrappers are"
        );
        assert_eq!(
            wrap(30, "and JSON.  Wrappers are"),
            "and JSON.  Wrappers are"
        );
        assert_eq!(wrap(76, "short\n"), "short\n");
    }

    fn doc() -> Value {
        json!({
            "paths": {
                "/apis/demo/v1/namespaces/{namespace}/widgets": {
                    "get": {"x-kubernetes-group-version-kind": {"group": "demo", "kind": "Widget", "version": "v1"}}
                }
            },
            "components": {"schemas": {
                "demo.Widget": {
                    "description": "A widget.",
                    "required": ["spec"],
                    "properties": {
                        "spec": {"allOf": [{"$ref": "#/components/schemas/demo.Spec"}], "description": "What it should be."},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "parent": {"$ref": "#/components/schemas/demo.Widget"}
                    },
                    "x-kubernetes-group-version-kind": [{"group": "demo", "kind": "Widget", "version": "v1"}]
                },
                "demo.Spec": {"description": "Spec of a widget.", "type": "object",
                    "properties": {"size": {"type": "integer", "format": "int32"}}}
            }}
        })
    }

    #[test]
    fn renders_kind_fields_and_types() {
        let out = match render(&doc(), "demo", "v1", "widgets", &[], false) {
            Ok(o) => o,
            Err((_, e)) => panic!("{e}"),
        };
        let want = "GROUP:      demo\nKIND:       Widget\nVERSION:    v1\n\nDESCRIPTION:\n    A widget.\n    \nFIELDS:\n  labels\t<map[string]string>\n    <no description>\n\n  parent\t<Widget>\n    <no description>\n\n  spec\t<Spec> -required-\n    What it should be.\n\n  tags\t<[]string>\n    <no description>\n\n\n";
        assert_eq!(out, want);
    }

    #[test]
    fn follows_a_field_path_and_glues_wrapped_descriptions() {
        let path = vec!["spec".to_string()];
        let out = match render(&doc(), "demo", "v1", "widgets", &path, false) {
            Ok(o) => o,
            Err((_, e)) => panic!("{e}"),
        };
        assert!(out.contains("FIELD: spec <Spec>\n\n\nDESCRIPTION:\n    What it should be.\n    Spec of a widget.\n    \nFIELDS:\n  size\t<integer>\n"), "{out}");
        let missing = vec!["spec".to_string(), "nope".to_string()];
        assert_eq!(
            render(&doc(), "demo", "v1", "widgets", &missing, false),
            Err((
                "GROUP:      demo\nKIND:       Widget\nVERSION:    v1\n\n".into(),
                "error: field \"nope\" does not exist".into()
            ))
        );
    }

    #[test]
    fn recursive_stops_at_cycles() {
        let out = match render(&doc(), "demo", "v1", "widgets", &[], true) {
            Ok(o) => o,
            Err((_, e)) => panic!("{e}"),
        };
        // The top schema is not a $ref, so `parent` expands once before the cycle stops it.
        let want = "FIELDS:\n  labels\t<map[string]string>\n  parent\t<Widget>\n    labels\t<map[string]string>\n    parent\t<Widget>\n    spec\t<Spec> -required-\n      size\t<integer>\n    tags\t<[]string>\n  spec\t<Spec> -required-\n    size\t<integer>\n  tags\t<[]string>\n\n";
        assert!(out.ends_with(want), "{out}");
    }

    #[test]
    fn unknown_resource_path_is_an_error() {
        assert_eq!(
            render(&doc(), "", "v1", "gadgets", &[], false),
            Err((
                String::new(),
                "error: GVR (/v1, Resource=gadgets) not found in OpenAPI schema".into()
            ))
        );
    }
}

//! PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the common cases of
//! Kubernetes' strategic merge patch (lists of containers, ports, env, volumes merged by key).
//! See <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/>.

use serde_json::{Map, Value};

/// The patch types the API server accepts, by `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/json-patch+json`.
    Json,
    /// `application/strategic-merge-patch+json`.
    Strategic,
}

impl PatchType {
    /// The patch type of a Content-Type header.
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        match ct.split(';').next().unwrap_or("").trim() {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/json-patch+json" => Some(PatchType::Json),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            _ => None,
        }
    }
}

/// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
pub fn merge(target: &Value, patch: &Value) -> Value {
    merge_with(target, patch, &|_| None, "")
}

/// The merge key of a list field for strategic merge patch, by its path.
fn strategic_key(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "hostAliases" => Some("name"),
        "ports" if path.contains("containers") => Some("containerPort"),
        "ports" => Some("port"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

/// Strategic merge patch for the list fields kubegate knows the keys of; other lists are
/// replaced, as for lists without a `patchMergeKey`.
pub fn strategic(target: &Value, patch: &Value) -> Value {
    merge_with(target, patch, &strategic_key, "")
}

fn merge_with(
    target: &Value,
    patch: &Value,
    key_of: &dyn Fn(&str) -> Option<&'static str>,
    path: &str,
) -> Value {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            let mut out: Map<String, Value> = t.clone();
            for (k, v) in p {
                if k.starts_with("$setElementOrder/") || k == "$retainKeys" {
                    continue;
                }
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = match out.get(k) {
                    Some(existing) => merge_with(existing, v, key_of, &child),
                    None if v.is_object() => {
                        merge_with(&Value::Object(Map::new()), v, key_of, &child)
                    }
                    None => strip_directives(v),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(t), Value::Array(p)) => match key_of(path) {
            Some(key) => merge_list(t, p, key, key_of, path),
            None => Value::Array(p.iter().map(strip_directives).collect()),
        },
        // A patch object applies to an empty object when the target is not one (RFC 7386).
        (_, Value::Object(_)) => merge_with(&Value::Object(Map::new()), patch, key_of, path),
        (_, p) => strip_directives(p),
    }
}

fn merge_list(
    target: &[Value],
    patch: &[Value],
    key: &str,
    key_of: &dyn Fn(&str) -> Option<&'static str>,
    path: &str,
) -> Value {
    let mut out: Vec<Value> = target.to_vec();
    for item in patch {
        let directive = item.get("$patch").and_then(Value::as_str);
        let id = item.get(key);
        let pos = id.and_then(|id| out.iter().position(|o| o.get(key) == Some(id)));
        match (directive, pos) {
            (Some("delete"), Some(i)) => {
                out.remove(i);
            }
            (Some("delete"), None) => {}
            (_, Some(i)) => out[i] = merge_with(&out[i], item, key_of, path),
            (_, None) => out.push(strip_directives(item)),
        }
    }
    Value::Array(out)
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_directives).collect()),
        other => other.clone(),
    }
}

/// RFC 6902 JSON patch. Errors are the API server's messages for a bad patch.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, String> {
    let Some(ops) = ops.as_array() else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    let mut doc = target.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        match kind {
            "add" => add(
                &mut doc,
                path,
                op.get("value").cloned().unwrap_or(Value::Null),
            )?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path)?;
                add(
                    &mut doc,
                    path,
                    op.get("value").cloned().unwrap_or(Value::Null),
                )?;
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or("");
                let value = doc
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("doc is missing from path: {from}"))?;
                if kind == "move" {
                    remove(&mut doc, from)?;
                }
                add(&mut doc, path, value)?;
            }
            "test" => {
                let want = op.get("value").cloned().unwrap_or(Value::Null);
                if doc.pointer(path) != Some(&want) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

fn split_pointer(path: &str) -> Result<(String, String), String> {
    let Some(idx) = path.rfind('/') else {
        return Err(format!(
            "add operation does not apply: doc is missing path: \"{path}\""
        ));
    };
    let parent = path[..idx].to_string();
    let last = path[idx + 1..].replace("~1", "/").replace("~0", "~");
    Ok((parent, last))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    let missing =
        || format!("add operation does not apply: doc is missing path: \"{path}\": missing value");
    let container = doc.pointer_mut(&parent).ok_or_else(missing)?;
    match container {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(value);
                return Ok(());
            }
            let i: usize = last.parse().map_err(|_| missing())?;
            if i > a.len() {
                return Err(format!("add operation does not apply: doc is missing path: \"{path}\": unable to access invalid index: {i}"));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("remove operation does not apply: doc is missing path: \"{path}\"");
    match doc.pointer_mut(&parent).ok_or_else(missing)? {
        Value::Object(m) => m.remove(&last).ok_or_else(missing),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(missing())
            }
        }
        _ => Err(missing()),
    }
}

/// The merge patch that turns `from` into `to` (what kubectl label/annotate send).
pub fn create_merge_patch(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(f), Value::Object(t)) => {
            let mut out = Map::new();
            for (k, v) in t {
                match f.get(k) {
                    Some(old) if old == v => {}
                    Some(old) if old.is_object() && v.is_object() => {
                        out.insert(k.clone(), create_merge_patch(old, v));
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            for k in f.keys() {
                if !t.contains_key(k) {
                    out.insert(k.clone(), Value::Null);
                }
            }
            Value::Object(out)
        }
        (_, t) => t.clone(),
    }
}

/// The patch `kubectl apply` sends for an object that exists: what the new configuration
/// (`modified`) changes against the live object (`current`), plus deletions of the fields the
/// last applied configuration (`original`) had and the new one drops.
pub fn three_way(original: Option<&Value>, modified: &Value, current: &Value) -> Value {
    let (Some(m), Some(c)) = (modified.as_object(), current.as_object()) else {
        return modified.clone();
    };
    let o = original.and_then(Value::as_object);
    let mut out = Map::new();
    for (k, mv) in m {
        match c.get(k) {
            Some(cv) if cv == mv => {}
            Some(cv) if cv.is_object() && mv.is_object() => {
                let sub = three_way(o.and_then(|o| o.get(k)), mv, cv);
                if sub.as_object().is_some_and(|s| !s.is_empty()) {
                    out.insert(k.clone(), sub);
                }
            }
            _ => {
                out.insert(k.clone(), mv.clone());
            }
        }
    }
    if let Some(o) = o {
        for k in o.keys() {
            if !m.contains_key(k) && c.contains_key(k) {
                out.insert(k.clone(), Value::Null);
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The examples of RFC 7386, appendix A.
    #[test]
    fn merge_patch_rfc_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            assert_eq!(merge(&target, &patch), want, "{target} + {patch}");
        }
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let pod =
            json!({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}});
        let patch =
            json!({"spec":{"containers":[{"name":"b","image":"z"},{"name":"c","image":"w"}]}});
        assert_eq!(
            strategic(&pod, &patch),
            json!({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"},{"name":"c","image":"w"}]}})
        );
        let del = json!({"spec":{"containers":[{"name":"a","$patch":"delete"}]}});
        assert_eq!(
            strategic(&pod, &del),
            json!({"spec":{"containers":[{"name":"b","image":"y"}]}})
        );
        // The same patch as a merge patch replaces the list.
        assert_eq!(
            merge(&pod, &patch)["spec"]["containers"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn json_patch_operations() {
        let doc = json!({"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2]}});
        let out = json_patch(
            &doc,
            &json!([
                {"op":"add","path":"/metadata/labels/b","value":"2"},
                {"op":"replace","path":"/metadata/labels/a","value":"3"},
                {"op":"add","path":"/spec/list/-","value":3},
                {"op":"remove","path":"/spec/list/0"},
                {"op":"test","path":"/spec/list","value":[2,3]}
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"metadata":{"labels":{"a":"3","b":"2"}},"spec":{"list":[2,3]}})
        );
        assert!(json_patch(&doc, &json!([{"op":"remove","path":"/nope/x"}])).is_err());
        assert!(json_patch(&doc, &json!([{"op":"test","path":"/spec/list","value":[]}])).is_err());
    }

    #[test]
    fn apply_patches_change_and_drop_fields() {
        let original = json!({"metadata":{"labels":{"a":"1","gone":"x"}},"data":{"k":"v"}});
        let modified = json!({"metadata":{"labels":{"a":"2"}},"data":{"k":"v"}});
        let current = json!({"metadata":{"labels":{"a":"1","gone":"x","server":"s"},"uid":"u"},"data":{"k":"v"}});
        assert_eq!(
            three_way(Some(&original), &modified, &current),
            json!({"metadata":{"labels":{"a":"2","gone":null}}})
        );
        assert_eq!(
            three_way(
                Some(&modified),
                &modified,
                &strategic(&current, &three_way(Some(&original), &modified, &current))
            ),
            json!({})
        );
    }

    #[test]
    fn merge_patches_are_minimal() {
        let from = json!({"metadata":{"labels":{"a":"1","b":"2"},"name":"x"}});
        let to = json!({"metadata":{"labels":{"a":"1","c":"3"},"name":"x"}});
        assert_eq!(
            create_merge_patch(&from, &to),
            json!({"metadata":{"labels":{"c":"3","b":null}}})
        );
        assert_eq!(merge(&from, &create_merge_patch(&from, &to)), to);
    }
}

//! PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the common cases of
//! Kubernetes' strategic merge patch (lists of containers, ports, env, volumes merged by key).
//! See <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/>.

use crate::sim::ptr::Ptr as _;
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

/// RFC 7386: objects merge recursively, `null` deletes, anything else replaces. Keys are
/// plain keys here, `$`-prefixed ones too.
pub fn merge(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = merge(out.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The merge key of a list field for strategic merge patch, by its path.
pub(crate) fn strategic_key(path: &str) -> Option<&'static str> {
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

/// Why a strategic merge patch could not be applied (upstream's `mergepatch` errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmpError {
    /// A `$patch` directive upstream does not know (`ErrBadPatchType`).
    #[error("unknown patch type: {kind} in map: {map}")]
    BadPatchType {
        /// The directive's value.
        kind: String,
        /// The map it was in, as Go prints a map.
        map: String,
    },
    /// A list item without the list's merge key (`ErrNoMergeKey`).
    #[error("map: {map} does not contain declared merge key: {key}")]
    NoMergeKey {
        /// The item, as Go prints a map.
        map: String,
        /// The merge key.
        key: String,
    },
    /// `$retainKeys`, `$setElementOrder` or `$deleteFromPrimitiveList` of the wrong shape.
    #[error("{0}")]
    BadFormat(&'static str),
}

impl SmpError {
    /// The status the API server answers with: format errors are 400s, anything else the
    /// handler does not recognise a 500 without a reason.
    pub fn into_api_error(self) -> crate::sim::response::ApiError {
        use crate::sim::response::ApiError;
        match self {
            SmpError::BadFormat(msg) => ApiError::bad_request(msg),
            other => ApiError {
                text_body: false,
                code: 500,
                reason: String::new(),
                message: other.to_string(),
                details: Box::default(),
            },
        }
    }
}

/// Go's `%v` of a decoded JSON value (`map[a:1 b:[x y]]`, keys sorted).
pub fn go_value_string(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_value_string).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value_string(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM: &str = "$deleteFromPrimitiveList/";
const ELEMENT_ORDER: &str = "$setElementOrder/";

/// Kubernetes' strategic merge patch for the list fields kubegate knows the merge keys of
/// (other lists are replaced, as for lists without a `patchMergeKey`), with the `$patch`
/// (`replace`, `delete`, `merge`), `$retainKeys`, `$deleteFromPrimitiveList/` and
/// `$setElementOrder/` directives; an unknown directive is upstream's error, never a field.
/// Keyed lists merge through an index, so the cost grows with the lists' length, not its
/// square.
pub fn strategic(target: &Value, patch: &Value) -> Result<Value, SmpError> {
    smp_value(target, patch, "")
}

fn smp_value(target: &Value, patch: &Value, path: &str) -> Result<Value, SmpError> {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => smp_map(t, p, path).map(Value::Object),
        (Value::Array(t), Value::Array(p)) => match strategic_key(path) {
            Some(key) => smp_list(t, p, key, path),
            None => smp_replacing_list(p, path),
        },
        (_, Value::Object(p)) => smp_map(&Map::new(), p, path).map(Value::Object),
        (_, Value::Array(p)) => match strategic_key(path) {
            Some(key) => smp_list(&[], p, key, path),
            None => smp_replacing_list(p, path),
        },
        (_, p) => Ok(p.clone()),
    }
}

/// A list without a merge key is replaced; its maps still lose their directives.
fn smp_replacing_list(patch: &[Value], path: &str) -> Result<Value, SmpError> {
    patch
        .iter()
        .map(|item| match item {
            Value::Object(m) => smp_map(&Map::new(), m, path).map(Value::Object),
            other => Ok(other.clone()),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn smp_map(
    target: &Map<String, Value>,
    patch: &Map<String, Value>,
    path: &str,
) -> Result<Map<String, Value>, SmpError> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        match directive.as_str() {
            Some("replace") => {
                let mut rest = patch.clone();
                rest.remove(DIRECTIVE);
                return smp_map(&Map::new(), &rest, path);
            }
            Some("delete") => return Ok(Map::new()),
            Some("merge") => {}
            _ => {
                return Err(SmpError::BadPatchType {
                    kind: go_value_string(directive),
                    map: go_value_string(&Value::Object(patch.clone())),
                })
            }
        }
    }
    let mut out = target.clone();
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        let Some(keys) = retain.as_array() else {
            return Err(SmpError::BadFormat("invalid patch format of retainKeys"));
        };
        let keep: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
        if keep.len() != keys.len() {
            return Err(SmpError::BadFormat("invalid patch format of retainKeys"));
        }
        out.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in patch {
        if k == DIRECTIVE || k == RETAIN_KEYS || k.starts_with(ELEMENT_ORDER) {
            if k.starts_with(ELEMENT_ORDER) && !v.is_array() {
                return Err(SmpError::BadFormat(
                    "invalid patch format of setElementOrder list",
                ));
            }
            continue;
        }
        if let Some(field) = k.strip_prefix(DELETE_FROM) {
            let Some(doomed) = v.as_array() else {
                // Upstream ignores a value that is not a list.
                continue;
            };
            if let Some(Value::Array(list)) = out.get_mut(field) {
                list.retain(|item| !doomed.contains(item));
            }
            continue;
        }
        if v.is_null() {
            out.remove(k);
            continue;
        }
        let child = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        let merged = smp_value(out.get(k).unwrap_or(&Value::Null), v, &child)?;
        out.insert(k.clone(), merged);
    }
    Ok(out)
}

/// Merges a list of maps by its merge key: items with a known key merge in place, new ones
/// are appended, `$patch: delete` removes, `$patch: replace` replaces the whole list.
fn smp_list(target: &[Value], patch: &[Value], key: &str, path: &str) -> Result<Value, SmpError> {
    let replace = patch.iter().any(|i| {
        i.get(DIRECTIVE).and_then(Value::as_str) == Some("replace")
            && i.as_object().is_some_and(|m| m.len() == 1)
    });
    let mut out: Vec<Value> = if replace { Vec::new() } else { target.to_vec() };
    // Index of the merge key's value (as JSON text) to the item's place.
    let mut index: std::collections::HashMap<String, usize> = out
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.get(key).map(|k| (k.to_string(), i)))
        .collect();
    let mut deleted = vec![false; out.len()];
    for item in patch {
        let Value::Object(m) = item else {
            out.push(item.clone());
            continue;
        };
        let directive = m.get(DIRECTIVE);
        if directive.and_then(Value::as_str) == Some("replace") && m.len() == 1 {
            continue;
        }
        let Some(id) = m.get(key) else {
            return Err(SmpError::NoMergeKey {
                map: go_value_string(item),
                key: key.to_string(),
            });
        };
        let id = id.to_string();
        match (directive.and_then(Value::as_str), index.get(&id).copied()) {
            (Some("delete"), Some(i)) => deleted[i] = true,
            (Some("delete"), None) => {}
            (_, Some(i)) if !deleted[i] => {
                if let Value::Object(existing) = &out[i] {
                    out[i] = Value::Object(smp_map(existing, m, path)?);
                }
            }
            _ => {
                index.insert(id, out.len());
                deleted.push(false);
                out.push(Value::Object(smp_map(&Map::new(), m, path)?));
            }
        }
    }
    Ok(Value::Array(
        out.into_iter()
            .zip(deleted)
            .filter(|(_, gone)| !gone)
            .map(|(v, _)| v)
            .collect(),
    ))
}

/// Why a JSON patch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonPatchError {
    /// The body is not a list of operations (a 400).
    Decode(String),
    /// More operations than the server takes (a 413).
    TooManyOperations(usize),
    /// An operation failed: json-patch's message (the server answers a generic 422).
    Apply(String),
}

impl std::fmt::Display for JsonPatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPatchError::Decode(m) | JsonPatchError::Apply(m) => f.write_str(m),
            JsonPatchError::TooManyOperations(n) => write!(
                f,
                "The allowed maximum operations in a JSON patch is {}, got {n}",
                crate::sim::limits::MAX_JSON_PATCH_OPERATIONS
            ),
        }
    }
}

/// RFC 6902 JSON patch as evanphx/json-patch v4 applies it for the API server: at most
/// 10,000 operations, and `copy` operations may add at most 3 MiB in all (the guard against
/// CVE-2019-1002100: a few doubling copies would otherwise exhaust memory).
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, JsonPatchError> {
    use crate::sim::limits::{json_size, MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS};
    let Some(ops) = ops.as_array() else {
        return Err(JsonPatchError::Decode(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
        ));
    };
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(JsonPatchError::TooManyOperations(ops.len()));
    }
    let apply = JsonPatchError::Apply;
    let mut doc = target.clone();
    let mut copied = 0usize;
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        match kind {
            "add" => add(
                &mut doc,
                path,
                op.get("value").cloned().unwrap_or(Value::Null),
            )
            .map_err(apply)?,
            "remove" => {
                remove(&mut doc, path).map_err(apply)?;
            }
            "replace" => replace(
                &mut doc,
                path,
                op.get("value").cloned().unwrap_or(Value::Null),
            )
            .map_err(apply)?,
            "move" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or("");
                let value = remove(&mut doc, from).map_err(|_| {
                    apply(format!(
                        "move operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                add(&mut doc, path, value).map_err(apply)?;
            }
            "copy" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or("");
                let source = doc.ptr(from).ok_or_else(|| {
                    apply(format!(
                        "copy operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                // Measured before the copy is made, so a refused copy takes no memory.
                copied = copied.saturating_add(json_size(source));
                if copied > MAX_JSON_PATCH_COPY_BYTES {
                    return Err(apply(format!("Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_JSON_PATCH_COPY_BYTES}")));
                }
                let value = source.clone();
                add(&mut doc, path, value).map_err(apply)?;
            }
            "test" => {
                let want = op.get("value").cloned().unwrap_or(Value::Null);
                if doc.ptr(path) != Some(&want) {
                    return Err(apply(format!("testing value {path} failed: test failed")));
                }
            }
            other => return Err(apply(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

/// json-patch v4's `replace`: the parent must exist; in an object the key is set (present or
/// not), in a list the index must be one.
fn replace(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let missing_path =
        || format!("replace operation does not apply: doc is missing path: {path}: missing value");
    let (parent, last) = split_pointer(path).map_err(|_| missing_path())?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => {
            m.insert(last, value);
            Ok(())
        }
        Some(Value::Array(a)) => match last.parse::<usize>().ok().filter(|i| *i < a.len()) {
            Some(i) => {
                a[i] = value;
                Ok(())
            }
            None => Err(format!(
                "replace operation does not apply: doc is missing key: {path}: missing value"
            )),
        },
        _ => Err(missing_path()),
    }
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
    let container = doc.ptr_mut(&parent).ok_or_else(missing)?;
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

/// evanphx/json-patch v4's `remove`: a missing parent, a missing key and a bad index each
/// have their text.
fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let missing = || {
        format!("remove operation does not apply: doc is missing path: \"{path}\": missing value")
    };
    match doc.ptr_mut(&parent).ok_or_else(missing)? {
        Value::Object(m) => m.remove(&last).ok_or_else(|| {
            format!("error in remove for path: '{path}': Unable to remove nonexistent key: {last}: missing value")
        }),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(format!("error in remove for path: '{path}': Unable to access invalid index: {i}: invalid index referenced"))
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
            strategic(&pod, &patch).unwrap(),
            json!({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"},{"name":"c","image":"w"}]}})
        );
        let del = json!({"spec":{"containers":[{"name":"a","$patch":"delete"}]}});
        assert_eq!(
            strategic(&pod, &del).unwrap(),
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
                &strategic(&current, &three_way(Some(&original), &modified, &current)).unwrap()
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

    #[test]
    fn strategic_directives_as_upstream() {
        let pod = json!({"metadata":{"labels":{"a":"1","b":"2"}},
            "spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}});
        // replace: the map becomes the patch's.
        let out = strategic(
            &pod,
            &json!({"metadata":{"labels":{"$patch":"replace","c":"3"}}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"c":"3"}));
        // delete: the map is emptied.
        let out = strategic(&pod, &json!({"metadata":{"labels":{"$patch":"delete"}}})).unwrap();
        assert_eq!(out["metadata"]["labels"], json!({}));
        // retainKeys keeps only the listed keys before merging.
        let out = strategic(
            &pod,
            &json!({"metadata":{"labels":{"$retainKeys":["b"],"c":"3"}}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"b":"2","c":"3"}));
        // A list replaced as a whole.
        let out = strategic(
            &pod,
            &json!({"spec":{"containers":[{"$patch":"replace"},{"name":"z","image":"q"}]}}),
        )
        .unwrap();
        assert_eq!(out["spec"]["containers"], json!([{"name":"z","image":"q"}]));
        // Primitive values deleted from a list.
        let fin = json!({"metadata":{"finalizers":["a","b","c"]}});
        let out = strategic(
            &fin,
            &json!({"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["a", "c"]));
        // Unknown directives are errors, never fields.
        assert_eq!(
            strategic(
                &pod,
                &json!({"metadata":{"labels":{"$patch":"foo","x":"1"}}})
            )
            .unwrap_err()
            .to_string(),
            "unknown patch type: foo in map: map[$patch:foo x:1]"
        );
        assert_eq!(
            strategic(&pod, &json!({"spec":{"containers":[{"image":"q"}]}}))
                .unwrap_err()
                .to_string(),
            "map: map[image:q] does not contain declared merge key: name"
        );
        let err = strategic(&pod, &json!({"metadata":{"$retainKeys":"x"}})).unwrap_err();
        assert_eq!(err.into_api_error().code, 400);
        // New subtrees lose their directives too.
        let out = strategic(&json!({}), &json!({"spec":{"x":{"$patch":"merge","y":1}}})).unwrap();
        assert_eq!(out, json!({"spec":{"x":{"y":1}}}));
    }

    #[test]
    fn long_keyed_lists_merge_in_linear_time() {
        // 20,000 containers merged with 20,000 patches took 10 s when each item searched the
        // list; an index makes it linear (a time bound would be flaky; the count is what
        // matters, so this only checks the result on a size that would have been slow).
        let n = 20_000;
        let containers: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("c{i}"), "image": "a"}))
            .collect();
        let patches: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("c{}", n - 1 - i), "image": "b"}))
            .collect();
        let out = strategic(
            &json!({"spec":{"containers":containers}}),
            &json!({"spec":{"containers":patches}}),
        )
        .unwrap();
        let list = out["spec"]["containers"].as_array().unwrap();
        assert_eq!(list.len(), n);
        assert!(list.iter().all(|c| c["image"] == "b"));
        assert_eq!(list[0]["name"], "c0");
    }

    #[test]
    fn json_patch_limits_guard_memory() {
        // CVE-2019-1002100: thirty doubling copies of a small document.
        let mut ops = vec![
            json!({"op":"add","path":"/a","value":["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]}),
        ];
        for _ in 0..30 {
            ops.push(json!({"op":"copy","from":"/a","path":"/a/-"}));
        }
        match json_patch(&json!({}), &Value::Array(ops)) {
            Err(JsonPatchError::Apply(m)) => assert!(
                m.starts_with(
                    "Unable to complete the copy, the accumulated size increase of copy is "
                ) && m.ends_with(", exceeding the limit 3145728"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        let many: Vec<Value> = (0..10_001)
            .map(|_| json!({"op":"test","path":"","value":{}}))
            .collect();
        assert_eq!(
            json_patch(&json!({}), &Value::Array(many)).unwrap_err(),
            JsonPatchError::TooManyOperations(10_001)
        );
        let enough: Vec<Value> = (0..10_000)
            .map(|_| json!({"op":"test","path":"","value":{}}))
            .collect();
        assert!(json_patch(&json!({}), &Value::Array(enough)).is_ok());
    }
}

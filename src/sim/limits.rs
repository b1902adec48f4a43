//! The bounds the API server and the playground put on input, in one place: request body size,
//! JSON patch operations and copied bytes, nesting depth, workspace size. Upstream's numbers
//! where upstream has one (`k8s.io/apiserver/pkg/server/config.go`, `handlers/patch.go`).
//! See <https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>.

use serde_json::Value;

/// kube-apiserver's `MaxRequestBodyBytes`: 3 MiB for any request body.
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

/// `maxJSONPatchOperations` in the patch handler.
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

/// `JSONPatchMaxCopyBytes`: how many bytes `copy` operations of one patch may add in all.
pub const MAX_JSON_PATCH_COPY_BYTES: usize = 3 * 1024 * 1024;

/// The largest object the store keeps (etcd's default request limit, 1.5 MiB).
pub const MAX_OBJECT_BYTES: usize = 3 * 512 * 1024;

/// The deepest nesting of any object or document (see [`crate::sim::yaml::MAX_DEPTH`]).
pub const MAX_DEPTH: usize = crate::sim::yaml::MAX_DEPTH;

/// The largest workspace the playground reads (the page and the CLI alike).
pub const MAX_WORKSPACE_BYTES: usize = 64 * 1024 * 1024;

/// How deeply a JSON value nests (a scalar is 0, `[]` is 1), found without recursion so that
/// even a value too deep to walk recursively can be measured.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(items) => {
                deepest = deepest.max(d + 1);
                stack.extend(items.iter().map(|i| (i, d + 1)));
            }
            Value::Object(map) => {
                deepest = deepest.max(d + 1);
                stack.extend(map.values().map(|i| (i, d + 1)));
            }
            _ => {}
        }
    }
    deepest
}

/// How many bytes a value takes as compact JSON, counted without building the text.
pub fn json_size(value: &Value) -> usize {
    let mut total = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null => 4,
            Value::Bool(b) => {
                if *b {
                    4
                } else {
                    5
                }
            }
            Value::Number(n) => n.to_string().len(),
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items.iter());
                2 + items.len().saturating_sub(1)
            }
            Value::Object(map) => {
                stack.extend(map.values());
                2 + map.len().saturating_sub(1) + map.keys().map(|k| k.len() + 3).sum::<usize>()
            }
        };
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_and_size_without_recursion() {
        assert_eq!(depth(&json!(1)), 0);
        assert_eq!(depth(&json!([])), 1);
        assert_eq!(depth(&json!({"a": [{"b": 1}], "c": 2})), 3);
        for v in [
            json!(null),
            json!({"a": [1, true, "x\u{e9}"], "b": {}, "c": false}),
            json!([[], {}, -1.5]),
        ] {
            assert_eq!(json_size(&v), v.to_string().len(), "{v}");
        }
    }
}

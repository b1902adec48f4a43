//! JSON pointers (RFC 6901) looked up without allocating: serde_json's `Value::pointer`
//! builds two new strings for every token (it unescapes `~1` and `~0` whether or not they
//! occur), and the engine looks up about 170 pointers per request.

use serde_json::Value;

/// `value.ptr("/spec/containers/0")`: the same answers as `Value::pointer`.
pub trait Ptr {
    /// The value at a JSON pointer (`""` is the value itself).
    fn ptr(&self, path: &str) -> Option<&Value>;
    /// The same, to change it.
    fn ptr_mut(&mut self, path: &str) -> Option<&mut Value>;
}

/// A token with `~1` and `~0` undone, copied only when it has one.
fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// An array index as serde_json reads one: digits only, no `+`, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

impl Ptr for Value {
    fn ptr(&self, path: &str) -> Option<&Value> {
        if path.is_empty() {
            return Some(self);
        }
        let rest = path.strip_prefix('/')?;
        let mut target = self;
        for token in rest.split('/') {
            let token = unescape(token);
            target = match target {
                Value::Object(m) => m.get(token.as_ref())?,
                Value::Array(a) => a.get(index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    fn ptr_mut(&mut self, path: &str) -> Option<&mut Value> {
        if path.is_empty() {
            return Some(self);
        }
        let rest = path.strip_prefix('/')?;
        let mut target = self;
        for token in rest.split('/') {
            let token = unescape(token);
            target = match target {
                Value::Object(m) => m.get_mut(token.as_ref())?,
                Value::Array(a) => a.get_mut(index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_as_serde_json_does() {
        let v = json!({"a": {"b/c": [1, {"~d": 2}]}, "": 3, "e": [0, 1]});
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/1/~0d",
            "/a/b~1c/01",
            "/a/b~1c/+1",
            "/",
            "/e/1",
            "/e/-",
            "/e/2",
            "a",
            "/a/x",
            "/e/1/x",
        ] {
            assert_eq!(v.ptr(p), v.pointer(p), "{p}");
            let (mut a, mut b) = (v.clone(), v.clone());
            assert_eq!(a.ptr_mut(p), b.pointer_mut(p), "{p}");
        }
    }
}

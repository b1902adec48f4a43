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
    /// `value.field("name")`: an object's member, as `Value::get` with a key finds it, found
    /// without hashing the key in a small object.
    fn field(&self, key: &str) -> Option<&Value>;
}

/// A token with `~1` and `~0` undone, copied only when it has one.
fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.bytes().any(|b| b == b'~') {
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

/// Objects this small are searched key by key: cheaper than hashing the key (serde_json's
/// maps hash with SipHash), and most of a Kubernetes object's maps are this small.
const SCAN: usize = 8;

/// A member of an object.
pub fn member<'v>(m: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if m.len() <= SCAN {
        m.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        m.get(key)
    }
}

/// A member of an object, to change it.
pub fn member_mut<'v>(
    m: &'v mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'v mut Value> {
    if m.len() <= SCAN {
        m.iter_mut().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        m.get_mut(key)
    }
}

impl Ptr for Value {
    fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => member(m, key),
            _ => None,
        }
    }

    fn ptr(&self, path: &str) -> Option<&Value> {
        tokens(path)?.try_fold(self, |target, token| match target {
            Value::Object(m) => member(m, &token),
            Value::Array(a) => a.get(index(&token)?),
            _ => None,
        })
    }

    fn ptr_mut(&mut self, path: &str) -> Option<&mut Value> {
        tokens(path)?.try_fold(self, |target, token| match target {
            Value::Object(m) => member_mut(m, &token),
            Value::Array(a) => a.get_mut(index(&token)?),
            _ => None,
        })
    }
}

/// A pointer's tokens, unescaped (`None` for a non-empty pointer without its leading `/`).
fn tokens(path: &str) -> Option<Tokens<'_>> {
    let rest = if path.is_empty() {
        None
    } else {
        Some(path.strip_prefix('/')?)
    };
    Some(Tokens { rest })
}

/// The tokens of a pointer, split on bytes (pointers are short: a byte loop beats the general
/// string search).
struct Tokens<'p> {
    rest: Option<&'p str>,
}

impl<'p> Iterator for Tokens<'p> {
    type Item = std::borrow::Cow<'p, str>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let (token, more) = match rest.bytes().position(|b| b == b'/') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        self.rest = more;
        Some(unescape(token))
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

    #[test]
    fn fields_are_found_as_get_finds_them_in_small_and_large_objects() {
        for size in [0, 1, SCAN, SCAN + 1, 40] {
            let mut m = serde_json::Map::new();
            for i in 0..size {
                m.insert(format!("k{i}"), json!(i));
            }
            let mut v = Value::Object(m);
            for key in (0..size + 2)
                .map(|i| format!("k{i}"))
                .chain(["".into(), "k".into()])
            {
                assert_eq!(v.field(&key), v.get(&key), "{size} {key}");
                assert_eq!(v.ptr(&format!("/{key}")), v.get(&key), "{size} {key}");
                let want = v.get(&key).cloned();
                assert_eq!(v.ptr_mut(&format!("/{key}")).map(|x| x.clone()), want);
            }
        }
        assert_eq!(json!([1]).field("0"), None);
        assert_eq!(json!("s").field("s"), None);
    }
}

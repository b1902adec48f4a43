//! Comparing two JSON values: a fingerprint that tells whether they differ, and the
//! difference as RFC 6902 operations and as the fields it touched (the trace's view of what a
//! mutating admission plugin changed).

use serde_json::{json, Value};

use crate::sim::ptr::Ptr as _;

/// A 64-bit fingerprint of a JSON value: values that are equal as serde_json compares them
/// (an object's keys in any order) print alike, and a change shows with all but certainty.
pub fn fingerprint(v: &Value) -> u64 {
    // Eight bytes at a time, rotate-xor-multiply (as rustc's FxHasher mixes words).
    fn word(h: &mut u64, w: u64) {
        *h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn bytes(h: &mut u64, b: &[u8]) {
        word(h, b.len() as u64);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            word(h, u64::from_le_bytes(w));
        }
        let mut w = [0u8; 8];
        let rest = chunks.remainder();
        w[..rest.len()].copy_from_slice(rest);
        word(h, u64::from_le_bytes(w));
    }
    /// Spreads every bit of a member's print over all 64 (MurmurHash3's finaliser), so that
    /// adding prints up cannot cancel one change with another.
    fn finish(mut e: u64) -> u64 {
        e ^= e >> 33;
        e = e.wrapping_mul(0xff51_afd7_ed55_8ccd);
        e ^= e >> 33;
        e = e.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        e ^ (e >> 33)
    }
    fn walk(h: &mut u64, v: &Value) {
        match v {
            Value::Null => word(h, 1),
            Value::Bool(b) => word(h, 2 + u64::from(*b)),
            Value::Number(n) => {
                word(h, 4);
                if let Some(i) = n.as_i64() {
                    word(h, u64::from_le_bytes(i.to_le_bytes()));
                } else if let Some(u) = n.as_u64() {
                    word(h, u);
                } else if let Some(f) = n.as_f64() {
                    word(h, f.to_bits());
                }
            }
            Value::String(s) => {
                word(h, 5);
                bytes(h, s.as_bytes());
            }
            Value::Array(a) => {
                word(h, 6);
                word(h, a.len() as u64);
                for x in a {
                    walk(h, x);
                }
            }
            Value::Object(m) => {
                word(h, 7);
                word(h, m.len() as u64);
                // Each member printed on its own and the prints added up: the order of the
                // keys does not count.
                let mut sum = 0u64;
                for (k, x) in m {
                    let mut e = 0;
                    bytes(&mut e, k.as_bytes());
                    walk(&mut e, x);
                    sum = sum.wrapping_add(finish(e));
                }
                word(h, sum);
            }
        }
    }
    let mut h = 0;
    walk(&mut h, v);
    h
}

/// What an [`Edit`] does, as RFC 6902 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    Add,
    Remove,
    Replace,
}

impl EditOp {
    /// The operation's name in a JSON patch.
    pub fn as_str(self) -> &'static str {
        match self {
            EditOp::Add => "add",
            EditOp::Remove => "remove",
            EditOp::Replace => "replace",
        }
    }
}

/// One change to a JSON value: an RFC 6902 operation, with the value it replaced or removed
/// once [`apply`] has carried it out.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub op: EditOp,
    /// The JSON pointer of the member or element.
    pub path: String,
    /// What was there before (`None` for an add, and until [`apply`] fills it in).
    pub before: Option<Value>,
    /// What is there after (`None` for a remove).
    pub after: Option<Value>,
}

impl Edit {
    /// The edit as a JSON patch operation.
    pub fn to_patch(&self) -> Value {
        match &self.after {
            Some(v) if self.op != EditOp::Remove => {
                json!({"op": self.op.as_str(), "path": self.path, "value": v})
            }
            _ => json!({"op": self.op.as_str(), "path": self.path}),
        }
    }
}

/// The change from `before` to `after` as edits, in an order in which they apply.
/// Objects are compared key by key, arrays index by index (what one grows by is added at
/// its end, what it shrinks by removed from the end), anything else replaced whole. Equal
/// values give no edit, and nothing is allocated until a difference is found.
pub fn diff(before: &Value, after: &Value) -> Vec<Edit> {
    /// A step of the path down to where the walk is; the pointer is written out only for
    /// an edit.
    enum Token<'v> {
        Key(&'v str),
        Index(usize),
    }
    fn pointer(tokens: &[Token<'_>]) -> String {
        use std::fmt::Write;
        let mut path = String::new();
        for t in tokens {
            path.push('/');
            match t {
                Token::Key(k) if k.contains(['~', '/']) => {
                    path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                }
                Token::Key(k) => path.push_str(k),
                Token::Index(i) => {
                    let _ = write!(path, "{i}");
                }
            }
        }
        path
    }
    fn edit(op: EditOp, at: &[Token<'_>], after: Option<&Value>) -> Edit {
        Edit {
            op,
            path: pointer(at),
            before: None,
            after: after.cloned(),
        }
    }
    // Containers are walked, not compared whole first (that would compare each subtree
    // once per level above it).
    fn walk<'v>(b: &'v Value, a: &'v Value, at: &mut Vec<Token<'v>>, out: &mut Vec<Edit>) {
        match (b, a) {
            (Value::Object(bm), Value::Object(am)) => {
                // Plugins keep the order of the keys they find and add new ones at the end:
                // walk both in step while the keys agree, and look keys up only after that.
                let mut aligned = 0;
                for ((bk, bv), (ak, av)) in bm.iter().zip(am.iter()) {
                    if bk != ak {
                        break;
                    }
                    at.push(Token::Key(bk));
                    walk(bv, av, at, out);
                    at.pop();
                    aligned += 1;
                }
                if aligned == bm.len() && aligned == am.len() {
                    return;
                }
                for (k, bv) in bm.iter().skip(aligned) {
                    at.push(Token::Key(k));
                    match am.get(k) {
                        None => out.push(edit(EditOp::Remove, at, None)),
                        Some(av) => walk(bv, av, at, out),
                    }
                    at.pop();
                }
                for (k, av) in am.iter().skip(aligned) {
                    if !bm.contains_key(k) {
                        at.push(Token::Key(k));
                        out.push(edit(EditOp::Add, at, Some(av)));
                        at.pop();
                    }
                }
            }
            (Value::Array(ba), Value::Array(aa)) => {
                let common = ba.len().min(aa.len());
                for i in 0..common {
                    at.push(Token::Index(i));
                    walk(&ba[i], &aa[i], at, out);
                    at.pop();
                }
                for (i, av) in aa.iter().enumerate().skip(common) {
                    at.push(Token::Index(i));
                    out.push(edit(EditOp::Add, at, Some(av)));
                    at.pop();
                }
                for i in (common..ba.len()).rev() {
                    at.push(Token::Index(i));
                    out.push(edit(EditOp::Remove, at, None));
                    at.pop();
                }
            }
            _ if b == a => {}
            _ => out.push(edit(EditOp::Replace, at, Some(a))),
        }
    }
    let mut out = Vec::new();
    walk(before, after, &mut Vec::new(), &mut out);
    out
}

/// Carries out edits made by [`diff`] on `target` (the value they were made from), moving
/// each value it replaces or removes into the edit's `before`. False when one does not apply
/// (`target` is then partly edited).
pub fn apply(target: &mut Value, edits: &mut [Edit]) -> bool {
    for e in edits {
        let Some((parent, last)) = e.path.rsplit_once('/') else {
            return false;
        };
        let last = if last.contains('~') {
            last.replace("~1", "/").replace("~0", "~")
        } else {
            last.to_string()
        };
        let Some(p) = target.ptr_mut(parent) else {
            return false;
        };
        let after = e.after.clone();
        e.before = match (p, e.op) {
            (Value::Object(m), EditOp::Add | EditOp::Replace) => {
                m.insert(last, after.unwrap_or(Value::Null))
            }
            (Value::Object(m), EditOp::Remove) => match m.shift_remove(&last) {
                Some(v) => Some(v),
                None => return false,
            },
            (Value::Array(a), op) => match (last.parse::<usize>(), op) {
                (Ok(i), EditOp::Add) if i == a.len() => {
                    a.push(after.unwrap_or(Value::Null));
                    None
                }
                (Ok(i), EditOp::Replace) if i < a.len() => {
                    Some(std::mem::replace(&mut a[i], after.unwrap_or(Value::Null)))
                }
                (Ok(i), EditOp::Remove) if i < a.len() => Some(a.remove(i)),
                _ => return false,
            },
            _ => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_applied_to_the_object_before_gives_the_object_after() {
        let cases = [
            (json!({"a": 1}), json!({"a": 2, "b/c~": [1]})),
            (
                json!({"spec": {"tolerations": [{"k": 1}]}}),
                json!({"spec": {"tolerations": [{"k": 1}, {"k": 2}, {"k": 3}]}}),
            ),
            (json!({"l": [1, 2, 3, 4]}), json!({"l": [1, 5]})),
            (
                json!({"x": {"y": null}, "z": "s"}),
                json!({"x": [], "w": {"v": true}}),
            ),
        ];
        for (before, after) in cases {
            let mut edits = diff(&before, &after);
            let ops: Vec<Value> = edits.iter().map(Edit::to_patch).collect();
            let applied = crate::sim::patch::json_patch(&before, &Value::Array(ops.clone()));
            assert_eq!(
                applied.ok(),
                Some(after.clone()),
                "{before} -> {after}: {ops:?}"
            );
            // Carried out in place, the edits give the same, and keep what they replaced.
            let mut edited = before.clone();
            assert!(apply(&mut edited, &mut edits));
            assert_eq!(edited, after);
            for e in &edits {
                assert_eq!(e.before.as_ref(), before.ptr(&e.path), "{}", e.path);
            }
            assert!(diff(&after, &after).is_empty());
            assert_eq!(fingerprint(&before) == fingerprint(&after), before == after);
        }
        // Keys in another order: equal values, the same print, no operation.
        let a = json!({"a": 1, "b": {"c": [1, {"d": 2, "e": 3}]}});
        let b = json!({"b": {"c": [1, {"e": 3, "d": 2}]}, "a": 1});
        assert_eq!(a, b);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert!(diff(&a, &b).is_empty());
        // Moving a value from one key to another is a change.
        assert_ne!(
            fingerprint(&json!({"a": 1, "b": 2})),
            fingerprint(&json!({"a": 2, "b": 1}))
        );
        // No two of 2,500 small objects that differ only in their values print alike.
        let mut prints = std::collections::HashSet::new();
        for i in 0..50 {
            for j in 0..50 {
                assert!(prints.insert(fingerprint(&json!({"a": i, "b": j, "c": {"d": [i, j]}}))));
            }
        }
    }
}

//! Sorting through one copy of the sort algorithm for the whole program. `slice::sort_by` is
//! generic over the element and the closure, so every call site compiles its own copy (about
//! 4 KB of wasm each). Here a slice of indices is sorted with the comparison behind `&dyn Fn`
//! (one instance, for `usize`), and the elements are then moved into that order. Stable.

use std::cmp::Ordering;

fn sort_indices(idx: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    idx.sort_by(|a, b| cmp(*a, *b));
}

/// Puts `v[order[i]]` at position `i`, following the permutation's cycles.
fn apply<T>(v: &mut [T], mut order: Vec<usize>) {
    for i in 0..v.len() {
        // Element i goes where order points; walk the cycle starting at i.
        let mut current = i;
        while order[current] != i {
            let next = order[current];
            v.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// `v.sort_by(cmp)`.
pub fn by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut idx, &|a, b| cmp(&v[a], &v[b]));
    apply(v, idx);
}

/// `v.sort_by_key(key)`.
pub fn by_key<T, K: Ord>(v: &mut [T], key: &dyn Fn(&T) -> K) {
    by(v, &|a, b| key(a).cmp(&key(b)));
}

/// `v.sort_by_cached_key(key)`: each key computed once (for keys that allocate).
pub fn by_cached_key<T, K: Ord>(v: &mut [T], key: &dyn Fn(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let mut idx: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut idx, &|a, b| keys[a].cmp(&keys[b]));
    apply(v, idx);
}

/// `v.sort()`.
pub fn natural<T: Ord>(v: &mut [T]) {
    by(v, &|a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_stably() {
        let mut v = vec![(2, "b"), (1, "x"), (2, "a"), (1, "y")];
        super::by_key(&mut v, &|p| p.0);
        assert_eq!(v, [(1, "x"), (1, "y"), (2, "b"), (2, "a")]);
        super::by(&mut v, &|a, b| a.1.cmp(b.1));
        assert_eq!(v, [(2, "a"), (2, "b"), (1, "x"), (1, "y")]);
        let mut w: Vec<String> = ["c", "a", "b", "a"].iter().map(|s| s.to_string()).collect();
        super::natural(&mut w);
        assert_eq!(w, ["a", "a", "b", "c"]);
        // Longer permutations with several cycles.
        let mut n: Vec<u32> = (0..200).map(|i| (i * 7919) % 211).collect();
        let mut expect = n.clone();
        expect.sort();
        super::natural(&mut n);
        assert_eq!(n, expect);
    }
}

//! A few recent results of costly checks (RSA signatures), kept by the SHA-256 of their
//! inputs: a kubectl process signs its handshake once and the server verifies a certificate
//! chain once per connection, so replaying a script should not redo either per command.
//! Part of the TLS and x509 modelling; see <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates>.

use std::cell::RefCell;
use std::thread::LocalKey;

use sha2::{Digest, Sha256};

/// How many results each cache keeps.
const KEPT: usize = 16;

/// A per-thread cache of the last [`KEPT`] results, by digest.
pub type Cache<T> = RefCell<Vec<([u8; 32], T)>>;

/// The SHA-256 of several byte strings, each prefixed by its length (so `ab`,`c` and `a`,`bc`
/// differ).
pub fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.len().to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// The cached result for `id`, or `compute()`'s, remembered.
pub fn remembered<T: Clone + 'static>(
    cache: &'static LocalKey<Cache<T>>,
    id: [u8; 32],
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(hit) = cache.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.clone())
    }) {
        return hit;
    }
    let result = compute();
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            drop(c.remove(0));
        }
        c.push((id, result.clone()));
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SQUARES: Cache<u64> = const { RefCell::new(Vec::new()) };
    }

    #[test]
    fn computes_once_and_forgets_the_oldest() {
        let calls = std::cell::Cell::new(0);
        let square = |n: u64| {
            remembered(&SQUARES, digest(&[&n.to_le_bytes()]), || {
                calls.set(calls.get() + 1);
                n * n
            })
        };
        assert_eq!((square(3), square(3)), (9, 9));
        assert_eq!(calls.get(), 1);
        for n in 10..10 + KEPT as u64 {
            square(n);
        }
        square(3);
        assert_eq!(calls.get(), 2 + KEPT, "3 was forgotten and computed again");
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
    }
}

//! `kubectl describe`: the human-readable descriptions kubectl prints for an object.
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_describe/>.

use super::args::{flag, Arity, Flag};
use super::{Cmd, Kubectl};

/// The flags `kubectl describe` accepts besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("filename", Some('f'), Arity::Value),
    flag("show-events", None, Arity::Bool),
    flag("chunk-size", None, Arity::Value),
];

impl Kubectl<'_, '_> {
    /// Runs `kubectl describe TYPE [NAME...]`.
    pub(super) fn describe(&mut self, c: Cmd) {
        let _ = c;
        self.err("error: kubegate does not model `kubectl describe` yet");
    }
}

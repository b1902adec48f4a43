//! The handler chain's filters (`k8s.io/apiserver/pkg/endpoints/filters`), in the order they
//! run: authentication, impersonation, authorization.
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

pub mod authentication;
pub mod authorization;
pub mod impersonation;

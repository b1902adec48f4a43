//! The registry (`pkg/registry`): per resource, what the API server does with an object beyond
//! the generic path — its strategy's checks, its subresources, what it allocates — and the
//! generic store every write ends in.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

mod authentication;
mod authorization;
mod certificates;
mod generic;
mod rbac;
mod service;
mod serviceaccount;

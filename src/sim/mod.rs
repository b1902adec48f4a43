//! The engine: a pure-Rust model of kube-apiserver's request pipeline and of kubectl.
//!
//! Nothing in here may depend on a browser crate (the Yew UI and its web bindings); the browser UI
//! and the native CLI are thin views over [`session::Session`] and the
//! [`trace::RequestTrace`]s it produces.
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

pub mod admission;
pub mod apiserver;
pub mod authn;
pub mod authz;
pub mod b64;
pub mod cel;
pub mod certs;
pub mod clock;
pub mod cluster;
pub mod controllers;
pub mod controlplane;
pub mod decode;
pub mod defaults;
pub mod discovery;
pub mod docker;
pub mod fieldsel;
pub mod fuzz;
pub mod gotypes;
pub mod http;
pub mod jsondiff;
pub mod kubeconfig;
pub mod kubectl;
pub mod labels;
pub mod limits;
pub mod openapi;
pub mod outline;
pub mod patch;
pub mod pem;
pub mod podresources;
pub mod podsecurity;
pub mod ptr;
pub mod quantity;
pub mod quota;
pub mod recent;
pub mod request;
pub mod response;
pub mod schema;
pub mod securitycontext;
pub mod session;
pub mod sort;
pub mod store;
pub mod tables;
pub mod tls;
pub mod trace;
pub mod validation;
pub mod webhooks;
pub mod workspace;
pub mod yaml;
pub mod yamlout;

//! Admission control, after authorization: mutating plugins may change the object, then the
//! object is validated, then validating plugins may only accept or reject. Plugins run in
//! upstream's fixed order, whatever order the flags name them in.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

pub mod lifecycle;
pub mod noderestriction;
pub mod pods;

use serde_json::Value;

use super::authn::UserInfo;
use super::request::RequestInfo;
use super::response::ApiError;
use super::store::Store;

/// The admission operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// POST.
    Create,
    /// PUT or PATCH.
    Update,
    /// DELETE.
    Delete,
    /// Exec, attach, port-forward, proxy.
    Connect,
}

/// What an admission plugin sees (upstream `admission.Attributes`).
pub struct AdmissionRequest<'a> {
    /// The operation.
    pub operation: Operation,
    /// The request attributes.
    pub info: &'a RequestInfo,
    /// The user.
    pub user: &'a UserInfo,
    /// The object being written (mutable for mutating plugins).
    pub object: Option<&'a mut Value>,
    /// Whether the resource is namespaced.
    pub namespaced: bool,
    /// Whether NodeRestriction is enabled (kubeadm enables it).
    pub node_restriction: bool,
}

/// A plugin's verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not applicable to this request.
    Skip(String),
    /// Admitted (possibly after a change, described in the reason).
    Admit(String),
    /// Rejected.
    Reject(ApiError),
}

/// The mutating plugins a kubeadm v1.37 server runs (default-on, in upstream order) that
/// kubegate does not model yet.
pub const MUTATING_NOT_YET_MODELLED: &[&str] = &[
    "LimitRanger",
    "TaintNodesByCondition",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "RuntimeClass",
    "DefaultIngressClass",
    "MutatingAdmissionWebhook",
];

/// The validating plugins a kubeadm v1.37 server runs (default-on plus kubeadm's
/// NodeRestriction, in upstream order) that kubegate does not model yet.
pub const VALIDATING_NOT_YET_MODELLED: &[&str] = &[
    "LimitRanger",
    "ServiceAccount",
    "PodSecurity",
    "Priority",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
];

/// A mutating plugin's `Admit`.
type Plugin = fn(&Store, &mut AdmissionRequest<'_>) -> Verdict;

/// Runs the modelled mutating plugins in upstream order (NamespaceLifecycle, ServiceAccount,
/// NodeRestriction, Priority, DefaultTolerationSeconds), stopping at the first rejection.
pub fn mutating(store: &Store, req: &mut AdmissionRequest<'_>) -> Vec<(&'static str, Verdict)> {
    let mut out = Vec::new();
    let steps: [(&'static str, Plugin); 5] = [
        ("NamespaceLifecycle", |s, r| lifecycle::admit(s, r)),
        ("ServiceAccount", pods::service_account),
        ("NodeRestriction", |s, r| {
            if r.node_restriction {
                noderestriction::admit(s, r)
            } else {
                Verdict::Skip("not enabled (--enable-admission-plugins)".into())
            }
        }),
        ("Priority", pods::priority),
        ("DefaultTolerationSeconds", |_, r| {
            pods::default_tolerations(r)
        }),
    ];
    for (name, plugin) in steps {
        let verdict = plugin(store, req);
        let stop = matches!(verdict, Verdict::Reject(_));
        out.push((name, verdict));
        if stop {
            break;
        }
    }
    out
}

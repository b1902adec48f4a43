//! The one table of admission plugins, in upstream's fixed order (`AllOrderedPlugins` in
//! `pkg/kubeapiserver/options/plugins.go`), with the versions that have each plugin, the
//! versions in which it is on by default, the operations it handles, and its two passes. The
//! chain, the trace and the "not modelled" lists all come from here.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#which-plugins-are-enabled-by-default>.

use super::Operation::{self, Connect, Create, Delete, Update};
use super::{
    always, certificates, eventratelimit, gated, gc, images, lifecycle, limitranger, namespace,
    network, noderestriction, pods, podsecurity, quota, scheduling, storage, Attributes, Context,
    Verdict,
};

/// A mutating pass.
pub type AdmitFn = fn(&mut Context<'_>, &mut Attributes<'_>) -> Verdict;
/// A validating pass: it sees the object but cannot change it.
pub type ValidateFn = fn(&mut Context<'_>, &Attributes<'_>) -> Verdict;

/// Whether a plugin has a pass, and whether kubegate models it.
#[derive(Debug, Clone, Copy)]
pub enum Pass<F> {
    /// Upstream's plugin has no such pass.
    None,
    /// Upstream's plugin has one; kubegate does not model it yet.
    NotModelled,
    /// Modelled.
    Modelled(F),
}

/// One admission plugin of the table.
#[derive(Debug)]
pub struct Plugin {
    /// Its registered name.
    pub name: &'static str,
    /// The operations it handles (`admission.NewHandler(...)`).
    pub handles: &'static [Operation],
    /// Its `Admit`.
    pub mutating: Pass<AdmitFn>,
    /// Its `Validate`.
    pub validating: Pass<ValidateFn>,
    /// The first and the last minor version that register it.
    pub versions: (u32, u32),
    /// The minor versions in which it is on by default; `(0, 0)` when never.
    pub default_on: (u32, u32),
}

impl Plugin {
    /// Whether v1.`minor` registers the plugin.
    pub fn exists_in(&self, minor: u32) -> bool {
        (self.versions.0..=self.versions.1).contains(&minor)
    }

    /// Whether v1.`minor` enables it without flags.
    pub fn default_on_in(&self, minor: u32) -> bool {
        self.default_on != (0, 0) && (self.default_on.0..=self.default_on.1).contains(&minor)
    }
}

/// The plugin called `name` in v1.`minor`.
pub fn find(minor: u32, name: &str) -> Option<&'static Plugin> {
    ALL_ORDERED
        .iter()
        .find(|p| p.name == name && p.exists_in(minor))
}

const C: &[Operation] = &[Create];
const U: &[Operation] = &[Update];
const CU: &[Operation] = &[Create, Update];
const CUD: &[Operation] = &[Create, Update, Delete];
const CUX: &[Operation] = &[Create, Update, Connect];
const X: &[Operation] = &[Connect];
/// Never on by default.
const NEVER: (u32, u32) = (0, 0);
const ALL: &[Operation] = &[Create, Update, Delete, Connect];

/// The newest minor version any entry reaches.
const NOW: u32 = crate::sim::controlplane::NEWEST_MINOR;

const fn plugin(
    name: &'static str,
    handles: &'static [Operation],
    mutating: Pass<AdmitFn>,
    validating: Pass<ValidateFn>,
    versions: (u32, u32),
    default_on: (u32, u32),
) -> Plugin {
    Plugin {
        name,
        handles,
        mutating,
        validating,
        versions,
        default_on,
    }
}

use Pass::{Modelled as M, None as No, NotModelled as Nm};

/// Every admission plugin, in the order the chain runs them. A plugin that moved in the
/// order between versions has one row per place (RuntimeClass in v1.18, PodSecurity in v1.23).
pub static ALL_ORDERED: &[Plugin] = &[
    plugin(
        "AlwaysAdmit",
        ALL,
        M(always::admit_all),
        M(always::validate_all),
        (16, NOW),
        NEVER,
    ),
    plugin(
        "NamespaceAutoProvision",
        C,
        M(namespace::auto_provision),
        No,
        (16, NOW),
        NEVER,
    ),
    plugin(
        "NamespaceLifecycle",
        CUD,
        M(lifecycle::admit),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "NamespaceExists",
        CUD,
        No,
        M(namespace::exists),
        (16, NOW),
        NEVER,
    ),
    plugin("SecurityContextDeny", CU, No, Nm, (16, 29), NEVER),
    plugin(
        "LimitPodHardAntiAffinityTopology",
        CU,
        No,
        M(scheduling::hard_anti_affinity_topology),
        (16, NOW),
        NEVER,
    ),
    plugin("PodPreset", C, Nm, No, (16, 19), NEVER),
    plugin(
        "LimitRanger",
        CU,
        M(limitranger::admit),
        M(limitranger::validate),
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "ServiceAccount",
        CU,
        M(pods::service_account),
        M(pods::service_account_validate),
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "NodeRestriction",
        CUD,
        M(noderestriction::admit),
        No,
        (16, NOW),
        NEVER,
    ),
    plugin(
        "TaintNodesByCondition",
        C,
        M(scheduling::taint_new_nodes),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "AlwaysPullImages",
        CU,
        M(images::admit),
        M(images::validate),
        (16, NOW),
        NEVER,
    ),
    plugin("ImagePolicyWebhook", CU, No, Nm, (16, NOW), NEVER),
    plugin(
        "PodSecurity",
        CU,
        No,
        M(podsecurity::validate),
        (23, NOW),
        (23, NOW),
    ),
    plugin("PodSecurityPolicy", CU, Nm, Nm, (16, 24), NEVER),
    plugin(
        "PodNodeSelector",
        C,
        M(scheduling::pod_node_selector_admit),
        M(scheduling::pod_node_selector_validate),
        (16, NOW),
        NEVER,
    ),
    plugin(
        "Priority",
        CUD,
        M(pods::priority),
        M(pods::priority_class_validate),
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "DefaultTolerationSeconds",
        CU,
        M(pods::default_tolerations),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "PodTolerationRestriction",
        CU,
        M(scheduling::toleration_restriction_admit),
        M(scheduling::toleration_restriction_validate),
        (16, NOW),
        NEVER,
    ),
    plugin("DenyEscalatingExec", X, No, Nm, (16, 20), NEVER),
    plugin("DenyExecOnPrivileged", X, No, Nm, (16, 20), NEVER),
    plugin(
        "EventRateLimit",
        CU,
        No,
        M(eventratelimit::validate),
        (16, NOW),
        NEVER,
    ),
    plugin(
        "ExtendedResourceToleration",
        CU,
        M(scheduling::extended_resource_toleration),
        No,
        (16, NOW),
        NEVER,
    ),
    plugin("PersistentVolumeLabel", C, Nm, No, (16, 30), NEVER),
    plugin(
        "DefaultStorageClass",
        C,
        M(storage::default_storage_class),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "StorageObjectInUseProtection",
        C,
        M(storage::in_use_protection),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "PodGroupProtection",
        C,
        M(gated::generic_workload_admit),
        M(gated::generic_workload_validate),
        (36, NOW),
        (36, NOW),
    ),
    plugin(
        "OwnerReferencesPermissionEnforcement",
        CU,
        No,
        M(gc::validate),
        (16, NOW),
        NEVER,
    ),
    plugin(
        "PersistentVolumeClaimResize",
        U,
        No,
        M(storage::claim_resize),
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "RuntimeClass",
        C,
        M(scheduling::runtime_class_admit),
        M(scheduling::runtime_class_validate),
        (18, NOW),
        (18, NOW),
    ),
    plugin(
        "CertificateApproval",
        U,
        No,
        M(certificates::approval),
        (18, NOW),
        (18, NOW),
    ),
    plugin(
        "CertificateSigning",
        U,
        No,
        M(certificates::signing),
        (18, NOW),
        (18, NOW),
    ),
    plugin(
        "ClusterTrustBundleAttest",
        CU,
        No,
        M(gated::cluster_trust_bundle_attest),
        (27, NOW),
        (27, NOW),
    ),
    plugin(
        "CertificateSubjectRestriction",
        C,
        No,
        M(certificates::subject_restriction),
        (18, NOW),
        (18, NOW),
    ),
    plugin(
        "DefaultIngressClass",
        C,
        M(network::default_ingress_class),
        No,
        (18, NOW),
        (18, NOW),
    ),
    plugin(
        "DenyServiceExternalIPs",
        CU,
        No,
        M(network::deny_external_ips),
        (21, NOW),
        NEVER,
    ),
    // v1.22 registered PodSecurity after PodSecurityPolicy; v1.23 moved it before.
    plugin(
        "PodSecurity",
        CU,
        No,
        M(podsecurity::validate),
        (22, 22),
        (22, 22),
    ),
    plugin(
        "PodTopologyLabels",
        C,
        M(gated::pod_topology_labels),
        No,
        (33, NOW),
        (33, NOW),
    ),
    plugin(
        "PodGroupWorkloadExists",
        C,
        No,
        M(gated::generic_workload_validate),
        (36, 36),
        (36, 36),
    ),
    plugin(
        "NodeDeclaredFeatureValidator",
        U,
        No,
        Nm,
        (35, NOW),
        (35, NOW),
    ),
    plugin(
        "JobValidation",
        U,
        No,
        M(gated::generic_workload_validate),
        (36, NOW),
        (36, NOW),
    ),
    plugin(
        "PodResizeValidator",
        U,
        No,
        M(gated::pod_resize),
        (36, NOW),
        (36, NOW),
    ),
    plugin(
        "MutatingAdmissionPolicy",
        CUX,
        M(super::policy::mutating::admit),
        No,
        (32, NOW),
        (32, NOW),
    ),
    plugin(
        "MutatingAdmissionWebhook",
        ALL,
        M(super::webhook::admit),
        No,
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "ValidatingAdmissionPolicy",
        ALL,
        No,
        M(super::policy::validating::validate),
        (26, NOW),
        (26, NOW),
    ),
    plugin(
        "ValidatingAdmissionWebhook",
        ALL,
        No,
        M(super::webhook::validate),
        (16, NOW),
        (16, NOW),
    ),
    // Before v1.18 RuntimeClass ran just before ResourceQuota.
    plugin(
        "RuntimeClass",
        C,
        M(scheduling::runtime_class_admit),
        M(scheduling::runtime_class_validate),
        (16, 17),
        (16, 17),
    ),
    plugin(
        "ResourceQuota",
        CU,
        No,
        M(quota::validate),
        (16, NOW),
        (16, NOW),
    ),
    plugin(
        "AlwaysDeny",
        ALL,
        M(always::deny_admit),
        M(always::deny_validate),
        (16, NOW),
        NEVER,
    ),
];

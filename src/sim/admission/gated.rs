//! Plugins that are on by default but act only behind feature gates that are off by default
//! in the simulated versions, or only on requests kubegate does not serve: each says which.
//! Upstream: plugin/pkg/admission/{podtopologylabels,scheduling,podgroup,job,podresize,
//! certificates/ctbattest}.
//! See <https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/>.

use super::{Attributes, Context, Verdict};

/// PodTopologyLabels' `Admit`: copies a node's topology labels onto pods through their
/// `pods/binding` subresource (the scheduler's binding), never on a pod itself.
pub fn pod_topology_labels(ctx: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if a.group.is_empty() && a.resource == "pods" && a.subresource == "binding" {
        let gate = if ctx.control_plane.minor >= 35 {
            "on by default since v1.35"
        } else {
            "off by default before v1.35"
        };
        return Verdict::Skip(
            format!("acts on bindings to nodes (feature gate PodTopologyLabelsAdmission, {gate})")
                .into(),
        );
    }
    Verdict::Skip("only looks at pods/binding (the scheduler's binding of a pod to a node)".into())
}

/// PodGroupProtection, PodGroupWorkloadExists, JobValidation: the workload-aware scheduling
/// plugins, inactive while the alpha `GenericWorkload` gate is off.
pub fn generic_workload_admit(_: &mut Context<'_>, _: &mut Attributes<'_>) -> Verdict {
    Verdict::Skip("does nothing while the feature gate GenericWorkload is off (the default)".into())
}

/// The validating pass of the workload-aware scheduling plugins.
pub fn generic_workload_validate(_: &mut Context<'_>, _: &Attributes<'_>) -> Verdict {
    Verdict::Skip("does nothing while the feature gate GenericWorkload is off (the default)".into())
}

/// PodResizeValidator: checks in-place resizes (`pods/resize`) of pods bound to a node.
pub fn pod_resize(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if a.subresource != "resize" {
        return Verdict::Skip("only checks pods/resize".into());
    }
    Verdict::Skip("kubegate does not serve pods/resize".into())
}

/// ClusterTrustBundleAttest: acts on ClusterTrustBundles, which need the beta gate
/// `ClusterTrustBundle`, off by default.
pub fn cluster_trust_bundle_attest(_: &mut Context<'_>, _: &Attributes<'_>) -> Verdict {
    Verdict::Skip(
        "does nothing while the feature gate ClusterTrustBundle is off (the default)".into(),
    )
}

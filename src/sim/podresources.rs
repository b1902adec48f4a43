//! A pod's requests and limits as `k8s.io/component-helpers/resource` adds them up
//! (`PodRequests`/`PodLimits`): the containers summed, against the largest init container,
//! sidecars (init containers with `restartPolicy: Always`) counted with both; optionally the
//! pod-level `spec.resources` (CPU and memory) and the RuntimeClass overhead. One reading
//! serves `kubectl describe node`, LimitRanger and the quota evaluators.
//! See <https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers>.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::sim::ptr::Ptr as _;
use crate::sim::quantity::Quantity;

/// Resource names with quantities, sorted by name (Go's `ResourceList`, printed sorted).
pub type ResourceList = BTreeMap<String, Quantity>;

/// Reads a `ResourceList` field (entries that are not quantities are left out).
pub fn resource_list(v: Option<&Value>) -> ResourceList {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, q)| Quantity::from_json(q).map(|q| (k.clone(), q)))
                .collect()
        })
        .unwrap_or_default()
}

/// `addResourceList`: adds every name of `from` into `into`.
pub fn add_into(into: &mut ResourceList, from: &ResourceList) {
    for (k, q) in from {
        into.entry(k.clone())
            .and_modify(|v| v.add(*q))
            .or_insert(*q);
    }
}

/// `maxResourceList`: the larger of the two for every name of `from`.
fn max_into(into: &mut ResourceList, from: &ResourceList) {
    for (k, q) in from {
        if into.get(k).is_none_or(|v| q > v) {
            into.insert(k.clone(), *q);
        }
    }
}

/// What to count besides the containers.
#[derive(Clone, Copy, Debug)]
pub struct Extras {
    /// The pod-level `spec.resources` replace the containers' CPU and memory.
    pub pod_level: bool,
    /// The RuntimeClass overhead: added to every request, and to limits that are set.
    pub overhead: bool,
}

/// The pod's `requests` or `limits` (`field`).
pub fn pod_resources(pod: &Value, field: &str, extras: Extras) -> ResourceList {
    let of = |c: &Value| resource_list(c.ptr(&format!("/resources/{field}")));
    let list = |k: &str| {
        pod.ptr(&format!("/spec/{k}"))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let mut total = ResourceList::new();
    for c in list("containers") {
        add_into(&mut total, &of(c));
    }
    let (mut sidecars, mut init_max) = (ResourceList::new(), ResourceList::new());
    for c in list("initContainers") {
        let own = of(c);
        let this = if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
            add_into(&mut total, &own);
            add_into(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut t = own;
            add_into(&mut t, &sidecars);
            t
        };
        max_into(&mut init_max, &this);
    }
    max_into(&mut total, &init_max);
    if extras.pod_level {
        for (name, q) in resource_list(pod.ptr(&format!("/spec/resources/{field}"))) {
            if name == "cpu" || name == "memory" {
                total.insert(name, q);
            }
        }
    }
    if extras.overhead {
        let overhead = resource_list(pod.ptr("/spec/overhead"));
        if field == "requests" {
            add_into(&mut total, &overhead);
        } else {
            for (name, q) in overhead {
                if let Some(v) = total.get_mut(&name) {
                    v.add(q);
                }
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CONTAINERS: Extras = Extras {
        pod_level: false,
        overhead: false,
    };

    fn shown(list: &ResourceList, name: &str) -> Option<String> {
        list.get(name).map(ToString::to_string)
    }

    #[test]
    fn a_pod_totals_its_containers_against_its_largest_init_container() {
        // pkg/api/v1/resource's PodRequests cases: init containers count by their largest,
        // sidecars (restartPolicy Always) add to everything after them.
        let pod = json!({"spec": {
            "containers": [
                {"resources": {"requests": {"cpu": "100m"}}},
                {"resources": {"requests": {"cpu": "200m"}}}
            ],
            "initContainers": [
                {"resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"restartPolicy": "Always", "resources": {"requests": {"cpu": "50m"}}},
                {"resources": {"requests": {"cpu": "400m"}}}
            ]
        }});
        let total = pod_resources(&pod, "requests", CONTAINERS);
        assert_eq!(shown(&total, "cpu").as_deref(), Some("500m"));
        assert_eq!(shown(&total, "memory").as_deref(), Some("1Gi"));
        let small = json!({"spec": {"containers": [
            {"resources": {"requests": {"cpu": "300m"}}},
            {"resources": {"requests": {"cpu": "300m"}}}
        ], "initContainers": [
            {"restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}}
        ]}});
        assert_eq!(
            shown(&pod_resources(&small, "requests", CONTAINERS), "cpu").as_deref(),
            Some("700m")
        );
    }

    #[test]
    fn pod_level_resources_and_overhead_count_when_asked() {
        let pod = json!({"spec": {
            "containers": [{"resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}}}],
            "resources": {"requests": {"cpu": "1"}},
            "overhead": {"cpu": "250m", "memory": "120Mi"}
        }});
        let all = Extras {
            pod_level: true,
            overhead: true,
        };
        let req = pod_resources(&pod, "requests", all);
        assert_eq!(shown(&req, "cpu").as_deref(), Some("1250m"));
        assert_eq!(shown(&req, "memory").as_deref(), Some("120Mi"));
        let lim = pod_resources(&pod, "limits", all);
        assert_eq!(shown(&lim, "cpu").as_deref(), Some("450m"));
        assert_eq!(shown(&lim, "memory"), None);
        assert_eq!(
            shown(&pod_resources(&pod, "requests", CONTAINERS), "cpu").as_deref(),
            Some("100m")
        );
    }
}

//! Discovery: the API groups, versions and resources the simulated kube-apiserver serves,
//! exactly as `/api`, `/apis` and `/apis/<group>/<version>` report them (and therefore as
//! `kubectl api-versions` / `kubectl api-resources` show them).
//!
//! The catalogue models a fresh kubeadm cluster: built-in APIs only (no CRDs, no aggregated
//! `metrics.k8s.io`), GA versions plus the beta versions that were served *by default* in
//! each release (since v1.24 new beta APIs are off by default, so v1.37 serves GA only).
//! Every entry carries the minor release it appeared in (`since`) and the one that stopped
//! serving it (`removed`), so older simulated versions (v1.16 onwards) can be served too.
//!
//! Sources (read via the upstream repositories): `api/discovery/*.json` golden files of
//! kubernetes/kubernetes (aggregated_v2.json, api__v1.json, apis__*.json up to the v1.36/v1.37
//! development line), the APIService priority tables in `pkg/controlplane/apiserver`
//! (`DefaultGenericAPIServicePriorities`) and `pkg/controlplane/apis` (kube-apiserver extras),
//! `pkg/controlplane/instance.go` (`DefaultAPIResourceConfigSource`, beta-off-by-default list),
//! CHANGELOG-1.36/1.37, and the kubernetes/website API reference pages.
//!
//! See <https://kubernetes.io/docs/reference/using-api/#api-groups>.
//!
//! Ordering rules reproduced here:
//! * groups follow the APIService `groupPriorityMinimum` (descending, ties by name), which is
//!   the order of `GET /apis` and of aggregated discovery; the core group (`/api`) comes first;
//! * versions inside a group follow `versionPriority` (preferred version first);
//! * resources inside a group/version are sorted by name, subresources right after their
//!   parent (`pods`, `pods/attach`, …, `pods/status`, `podtemplates`), as legacy discovery
//!   lists them; verbs are sorted, as discovery lists them.
//!
//! `kubectl api-versions` prints `group/version` strings sorted alphabetically
//! ([`api_versions`]); `kubectl api-resources` prints the preferred version of every group,
//! stably sorted by group name ([`api_resources`]).
//!
//! Known approximations (best effort, outside v1.37 itself):
//! * verbs, short names and categories are the current ones for every release (e.g. the
//!   `api-extensions` category and `services` `deletecollection` arrived in later releases
//!   than some entries' `since`);
//! * APIs that are off by default are left out entirely: every alpha, and the betas added
//!   after v1.24 (`authentication.k8s.io/v1beta1` SelfSubjectReview of 1.27,
//!   `scheduling.k8s.io/v1beta1` Workload/PodGroup, `coordination.k8s.io/v1beta1`
//!   LeaseCandidate, `resource.k8s.io/v1beta*`, `storage.k8s.io/v1beta1`
//!   VolumeAttributesClass, …);
//! * removals before v1.16 (`extensions/v1beta1` Deployments, `apps/v1beta1`, …) are not
//!   modelled: minors below [`OLDEST_MINOR`] see the v1.16 catalogue;
//! * the `pods/eviction` body was `policy/v1beta1` before v1.22
//!   ([`ApiResource::response_group_version`] always reports `policy/v1`).

/// One entry of discovery: a resource or a subresource (`pods/log`) of one group/version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiResource {
    /// API group (`""` for the core group served under `/api`).
    pub group: &'static str,
    /// API version within the group, e.g. `v1`, `v2`, `v1beta1`.
    pub version: &'static str,
    /// Plural resource name, or `parent/subresource` for subresources (`pods/log`).
    pub name: &'static str,
    /// Singular name as discovery reports it (`""` for subresources).
    pub singular: &'static str,
    /// Kind of the object the endpoint accepts/returns (`Scale` for `*/scale`, …).
    pub kind: &'static str,
    /// Whether the resource lives in a namespace.
    pub namespaced: bool,
    /// Verbs, in the (sorted) order discovery lists them.
    pub verbs: &'static [&'static str],
    /// Short names (`po`, `deploy`, …) usable with kubectl.
    pub short_names: &'static [&'static str],
    /// Categories (`all`, `api-extensions`).
    pub categories: &'static [&'static str],
    /// First minor release (1.x) serving this entry by default; `0` means it predates the
    /// modelled window (v1.16) and has always been there since.
    pub since: u32,
    /// First minor release (1.x) that no longer serves this entry, if any.
    pub removed: Option<u32>,
}

/// Oldest minor release whose removals this catalogue models (older ones get the 1.16 view).
pub const OLDEST_MINOR: u32 = 16;
/// Newest minor release this catalogue describes (newer ones get the 1.37 view).
pub const LATEST_MINOR: u32 = 37;

const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces cannot be deleted as a collection.
const CRUD_NO_COLLECTION: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const STATUS: &[&str] = &["get", "patch", "update"];
const CREATE: &[&str] = &["create"];
const CREATE_GET: &[&str] = &["create", "get"];
const GET: &[&str] = &["get"];
const GET_LIST: &[&str] = &["get", "list"];
const UPDATE: &[&str] = &["update"];
const PROXY: &[&str] = &["create", "delete", "get", "patch", "update"];
const ALL: &[&str] = &["all"];
const EXT: &[&str] = &["api-extensions"];
const NONE: &[&str] = &[];

const NS: bool = true;
const CLUSTER: bool = false;

/// A top-level resource.
const fn top(
    group: &'static str,
    version: &'static str,
    name: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
    verbs: &'static [&'static str],
) -> ApiResource {
    ApiResource {
        group,
        version,
        name,
        singular,
        kind,
        namespaced,
        verbs,
        short_names: NONE,
        categories: NONE,
        since: 0,
        removed: None,
    }
}

/// A subresource (`parent/sub`); discovery reports an empty singular name for these.
const fn sub(
    group: &'static str,
    version: &'static str,
    name: &'static str,
    kind: &'static str,
    namespaced: bool,
    verbs: &'static [&'static str],
) -> ApiResource {
    top(group, version, name, "", kind, namespaced, verbs)
}

impl ApiResource {
    const fn short(mut self, short_names: &'static [&'static str]) -> Self {
        self.short_names = short_names;
        self
    }

    const fn cats(mut self, categories: &'static [&'static str]) -> Self {
        self.categories = categories;
        self
    }

    const fn added(mut self, minor: u32) -> Self {
        self.since = minor;
        self
    }

    const fn gone(mut self, minor: u32) -> Self {
        self.removed = Some(minor);
        self
    }

    /// Whether a default v1.`minor` kube-apiserver serves this entry.
    pub fn served_at(&self, minor: u32) -> bool {
        let minor = minor.clamp(OLDEST_MINOR, LATEST_MINOR);
        self.since <= minor && self.removed.is_none_or(|r| minor < r)
    }

    /// Whether this is a subresource (`pods/log`) rather than a top-level resource.
    pub fn is_subresource(&self) -> bool {
        self.name.contains('/')
    }

    /// The top-level resource name (`pods` for both `pods` and `pods/log`).
    pub fn resource(&self) -> &'static str {
        self.name
            .split_once('/')
            .map_or(self.name, |(parent, _)| parent)
    }

    /// The subresource part (`log` for `pods/log`), if this is a subresource.
    pub fn subresource(&self) -> Option<&'static str> {
        self.name.split_once('/').map(|(_, s)| s)
    }

    /// `apiVersion` string: `v1` for the core group, `group/version` otherwise.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Group and version of the object the endpoint speaks, as legacy discovery reports in
    /// its `group`/`version` fields: `autoscaling/v1` for `Scale`, `policy/v1` for
    /// `Eviction`, `authentication.k8s.io/v1` for `TokenRequest`; otherwise the entry's own.
    pub fn response_group_version(&self) -> (&'static str, &'static str) {
        match self.kind {
            "Scale" if self.is_subresource() => ("autoscaling", "v1"),
            "Eviction" => ("policy", "v1"),
            "TokenRequest" => ("authentication.k8s.io", "v1"),
            _ => (self.group, self.version),
        }
    }
}

/// Groups in discovery order (APIService group priority, highest first; core group first),
/// each with all versions ever served by default, in version-priority order (preferred first).
///
/// Priorities: core 18000, apiregistration (the aggregator's own group, listed first in
/// `/apis`), extensions 17900, apps 17800, events 17750, authentication 17700,
/// authorization 17600, autoscaling 17500 (v2 30, v1 15, v2beta1 9, v2beta2 1), batch 17400,
/// certificates 17300, networking 17200, policy 17100, rbac 17000, storage 16800,
/// admissionregistration 16700, apiextensions 16700 (tie broken by name), scheduling 16600,
/// coordination 16500, node 16300, discovery 16200, resource 16200 (tie broken by name),
/// flowcontrol 16100 (v1 21, v1beta3 18, v1beta2 15, v1beta1 12), storagemigration 15800.
const GROUP_VERSIONS: &[(&str, &[&str])] = &[
    ("", &["v1"]),
    ("apiregistration.k8s.io", &["v1", "v1beta1"]),
    ("extensions", &["v1beta1"]),
    ("apps", &["v1"]),
    ("events.k8s.io", &["v1", "v1beta1"]),
    ("authentication.k8s.io", &["v1", "v1beta1"]),
    ("authorization.k8s.io", &["v1", "v1beta1"]),
    ("autoscaling", &["v2", "v1", "v2beta1", "v2beta2"]),
    ("batch", &["v1", "v1beta1"]),
    ("certificates.k8s.io", &["v1", "v1beta1"]),
    ("networking.k8s.io", &["v1", "v1beta1"]),
    ("policy", &["v1", "v1beta1"]),
    ("rbac.authorization.k8s.io", &["v1", "v1beta1"]),
    ("storage.k8s.io", &["v1", "v1beta1"]),
    ("admissionregistration.k8s.io", &["v1", "v1beta1"]),
    ("apiextensions.k8s.io", &["v1", "v1beta1"]),
    ("scheduling.k8s.io", &["v1", "v1beta1"]),
    ("coordination.k8s.io", &["v1", "v1beta1"]),
    ("node.k8s.io", &["v1", "v1beta1"]),
    ("discovery.k8s.io", &["v1", "v1beta1"]),
    ("resource.k8s.io", &["v1"]),
    (
        "flowcontrol.apiserver.k8s.io",
        &["v1", "v1beta3", "v1beta2", "v1beta1"],
    ),
    ("storagemigration.k8s.io", &["v1"]),
];

/// The whole catalogue, in discovery order (group, then version, then name).
///
/// Per-entry provenance notes are given where a `since`/`removed` value is not simply the
/// GA/removal release of its group version.
static RESOURCES: &[ApiResource] = &[
    // ---- core /api/v1 (api/discovery/api__v1.json) ----
    top("", "v1", "bindings", "binding", "Binding", NS, CREATE),
    top(
        "",
        "v1",
        "componentstatuses",
        "componentstatus",
        "ComponentStatus",
        CLUSTER,
        GET_LIST,
    )
    .short(&["cs"]),
    top("", "v1", "configmaps", "configmap", "ConfigMap", NS, CRUD).short(&["cm"]),
    top("", "v1", "endpoints", "endpoints", "Endpoints", NS, CRUD).short(&["ep"]),
    top("", "v1", "events", "event", "Event", NS, CRUD).short(&["ev"]),
    top(
        "",
        "v1",
        "limitranges",
        "limitrange",
        "LimitRange",
        NS,
        CRUD,
    )
    .short(&["limits"]),
    top(
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        CLUSTER,
        CRUD_NO_COLLECTION,
    )
    .short(&["ns"]),
    sub(
        "",
        "v1",
        "namespaces/finalize",
        "Namespace",
        CLUSTER,
        UPDATE,
    ),
    sub("", "v1", "namespaces/status", "Namespace", CLUSTER, STATUS),
    top("", "v1", "nodes", "node", "Node", CLUSTER, CRUD).short(&["no"]),
    sub("", "v1", "nodes/proxy", "NodeProxyOptions", CLUSTER, PROXY),
    sub("", "v1", "nodes/status", "Node", CLUSTER, STATUS),
    top(
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        NS,
        CRUD,
    )
    .short(&["pvc"]),
    sub(
        "",
        "v1",
        "persistentvolumeclaims/status",
        "PersistentVolumeClaim",
        NS,
        STATUS,
    ),
    top(
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        CLUSTER,
        CRUD,
    )
    .short(&["pv"]),
    sub(
        "",
        "v1",
        "persistentvolumes/status",
        "PersistentVolume",
        CLUSTER,
        STATUS,
    ),
    top("", "v1", "pods", "pod", "Pod", NS, CRUD)
        .short(&["po"])
        .cats(ALL),
    sub("", "v1", "pods/attach", "PodAttachOptions", NS, CREATE_GET),
    sub("", "v1", "pods/binding", "Binding", NS, CREATE),
    // Installed only with the EphemeralContainers gate, on by default from 1.23 (GA 1.25).
    sub("", "v1", "pods/ephemeralcontainers", "Pod", NS, STATUS).added(23),
    sub("", "v1", "pods/eviction", "Eviction", NS, CREATE),
    sub("", "v1", "pods/exec", "PodExecOptions", NS, CREATE_GET),
    sub("", "v1", "pods/log", "Pod", NS, GET),
    sub(
        "",
        "v1",
        "pods/portforward",
        "PodPortForwardOptions",
        NS,
        CREATE_GET,
    ),
    sub("", "v1", "pods/proxy", "PodProxyOptions", NS, PROXY),
    // In-place pod resize moved to its own subresource in 1.33 (beta, on by default).
    sub("", "v1", "pods/resize", "Pod", NS, STATUS).added(33),
    sub("", "v1", "pods/status", "Pod", NS, STATUS),
    top(
        "",
        "v1",
        "podtemplates",
        "podtemplate",
        "PodTemplate",
        NS,
        CRUD,
    ),
    top(
        "",
        "v1",
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        NS,
        CRUD,
    )
    .short(&["rc"])
    .cats(ALL),
    sub(
        "",
        "v1",
        "replicationcontrollers/scale",
        "Scale",
        NS,
        STATUS,
    ),
    sub(
        "",
        "v1",
        "replicationcontrollers/status",
        "ReplicationController",
        NS,
        STATUS,
    ),
    top(
        "",
        "v1",
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        NS,
        CRUD,
    )
    .short(&["quota"]),
    sub(
        "",
        "v1",
        "resourcequotas/status",
        "ResourceQuota",
        NS,
        STATUS,
    ),
    top("", "v1", "secrets", "secret", "Secret", NS, CRUD),
    top(
        "",
        "v1",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        NS,
        CRUD,
    )
    .short(&["sa"]),
    sub(
        "",
        "v1",
        "serviceaccounts/token",
        "TokenRequest",
        NS,
        CREATE,
    ),
    top("", "v1", "services", "service", "Service", NS, CRUD)
        .short(&["svc"])
        .cats(ALL),
    sub("", "v1", "services/proxy", "ServiceProxyOptions", NS, PROXY),
    sub("", "v1", "services/status", "Service", NS, STATUS),
    // ---- apiregistration.k8s.io ----
    top(
        "apiregistration.k8s.io",
        "v1",
        "apiservices",
        "apiservice",
        "APIService",
        CLUSTER,
        CRUD,
    )
    .cats(EXT),
    sub(
        "apiregistration.k8s.io",
        "v1",
        "apiservices/status",
        "APIService",
        CLUSTER,
        STATUS,
    ),
    top(
        "apiregistration.k8s.io",
        "v1beta1",
        "apiservices",
        "apiservice",
        "APIService",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .gone(22),
    sub(
        "apiregistration.k8s.io",
        "v1beta1",
        "apiservices/status",
        "APIService",
        CLUSTER,
        STATUS,
    )
    .gone(22),
    // ---- extensions (only Ingress was still served from 1.16 on) ----
    top(
        "extensions",
        "v1beta1",
        "ingresses",
        "ingress",
        "Ingress",
        NS,
        CRUD,
    )
    .short(&["ing"])
    .gone(22),
    sub(
        "extensions",
        "v1beta1",
        "ingresses/status",
        "Ingress",
        NS,
        STATUS,
    )
    .gone(22),
    // ---- apps ----
    top(
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        NS,
        CRUD,
    ),
    top(
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        NS,
        CRUD,
    )
    .short(&["ds"])
    .cats(ALL),
    sub("apps", "v1", "daemonsets/status", "DaemonSet", NS, STATUS),
    top(
        "apps",
        "v1",
        "deployments",
        "deployment",
        "Deployment",
        NS,
        CRUD,
    )
    .short(&["deploy"])
    .cats(ALL),
    sub("apps", "v1", "deployments/scale", "Scale", NS, STATUS),
    sub("apps", "v1", "deployments/status", "Deployment", NS, STATUS),
    top(
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        NS,
        CRUD,
    )
    .short(&["rs"])
    .cats(ALL),
    sub("apps", "v1", "replicasets/scale", "Scale", NS, STATUS),
    sub("apps", "v1", "replicasets/status", "ReplicaSet", NS, STATUS),
    top(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        NS,
        CRUD,
    )
    .short(&["sts"])
    .cats(ALL),
    sub("apps", "v1", "statefulsets/scale", "Scale", NS, STATUS),
    sub(
        "apps",
        "v1",
        "statefulsets/status",
        "StatefulSet",
        NS,
        STATUS,
    ),
    // ---- events.k8s.io ----
    top("events.k8s.io", "v1", "events", "event", "Event", NS, CRUD)
        .short(&["ev"])
        .added(19),
    top(
        "events.k8s.io",
        "v1beta1",
        "events",
        "event",
        "Event",
        NS,
        CRUD,
    )
    .short(&["ev"])
    .gone(25),
    // ---- authentication.k8s.io ----
    // SelfSubjectReview: v1 GA in 1.28; its 1.27 v1beta1 was never on by default.
    top(
        "authentication.k8s.io",
        "v1",
        "selfsubjectreviews",
        "selfsubjectreview",
        "SelfSubjectReview",
        CLUSTER,
        CREATE,
    )
    .added(28),
    top(
        "authentication.k8s.io",
        "v1",
        "tokenreviews",
        "tokenreview",
        "TokenReview",
        CLUSTER,
        CREATE,
    ),
    top(
        "authentication.k8s.io",
        "v1beta1",
        "tokenreviews",
        "tokenreview",
        "TokenReview",
        CLUSTER,
        CREATE,
    )
    .gone(22),
    // ---- authorization.k8s.io ----
    top(
        "authorization.k8s.io",
        "v1",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        NS,
        CREATE,
    ),
    top(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        CLUSTER,
        CREATE,
    ),
    top(
        "authorization.k8s.io",
        "v1",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        CLUSTER,
        CREATE,
    ),
    top(
        "authorization.k8s.io",
        "v1",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        CLUSTER,
        CREATE,
    ),
    top(
        "authorization.k8s.io",
        "v1beta1",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        NS,
        CREATE,
    )
    .gone(22),
    top(
        "authorization.k8s.io",
        "v1beta1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        CLUSTER,
        CREATE,
    )
    .gone(22),
    top(
        "authorization.k8s.io",
        "v1beta1",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        CLUSTER,
        CREATE,
    )
    .gone(22),
    top(
        "authorization.k8s.io",
        "v1beta1",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        CLUSTER,
        CREATE,
    )
    .gone(22),
    // ---- autoscaling ----
    top(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        NS,
        CRUD,
    )
    .short(&["hpa"])
    .cats(ALL)
    .added(23),
    sub(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers/status",
        "HorizontalPodAutoscaler",
        NS,
        STATUS,
    )
    .added(23),
    top(
        "autoscaling",
        "v1",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        NS,
        CRUD,
    )
    .short(&["hpa"])
    .cats(ALL),
    sub(
        "autoscaling",
        "v1",
        "horizontalpodautoscalers/status",
        "HorizontalPodAutoscaler",
        NS,
        STATUS,
    ),
    top(
        "autoscaling",
        "v2beta1",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        NS,
        CRUD,
    )
    .short(&["hpa"])
    .cats(ALL)
    .gone(25),
    sub(
        "autoscaling",
        "v2beta1",
        "horizontalpodautoscalers/status",
        "HorizontalPodAutoscaler",
        NS,
        STATUS,
    )
    .gone(25),
    top(
        "autoscaling",
        "v2beta2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        NS,
        CRUD,
    )
    .short(&["hpa"])
    .cats(ALL)
    .gone(26),
    sub(
        "autoscaling",
        "v2beta2",
        "horizontalpodautoscalers/status",
        "HorizontalPodAutoscaler",
        NS,
        STATUS,
    )
    .gone(26),
    // ---- batch ----
    top("batch", "v1", "cronjobs", "cronjob", "CronJob", NS, CRUD)
        .short(&["cj"])
        .cats(ALL)
        .added(21),
    sub("batch", "v1", "cronjobs/status", "CronJob", NS, STATUS).added(21),
    top("batch", "v1", "jobs", "job", "Job", NS, CRUD).cats(ALL),
    sub("batch", "v1", "jobs/status", "Job", NS, STATUS),
    top(
        "batch", "v1beta1", "cronjobs", "cronjob", "CronJob", NS, CRUD,
    )
    .short(&["cj"])
    .cats(ALL)
    .gone(25),
    sub("batch", "v1beta1", "cronjobs/status", "CronJob", NS, STATUS).gone(25),
    // ---- certificates.k8s.io ----
    top(
        "certificates.k8s.io",
        "v1",
        "certificatesigningrequests",
        "certificatesigningrequest",
        "CertificateSigningRequest",
        CLUSTER,
        CRUD,
    )
    .short(&["csr"])
    .added(19),
    sub(
        "certificates.k8s.io",
        "v1",
        "certificatesigningrequests/approval",
        "CertificateSigningRequest",
        CLUSTER,
        STATUS,
    )
    .added(19),
    sub(
        "certificates.k8s.io",
        "v1",
        "certificatesigningrequests/status",
        "CertificateSigningRequest",
        CLUSTER,
        STATUS,
    )
    .added(19),
    // ClusterTrustBundle (KEP-3257) and PodCertificateRequest (KEP-4317): GA in 1.37.
    top(
        "certificates.k8s.io",
        "v1",
        "clustertrustbundles",
        "clustertrustbundle",
        "ClusterTrustBundle",
        CLUSTER,
        CRUD,
    )
    .added(37),
    top(
        "certificates.k8s.io",
        "v1",
        "podcertificaterequests",
        "podcertificaterequest",
        "PodCertificateRequest",
        NS,
        CRUD,
    )
    .added(37),
    sub(
        "certificates.k8s.io",
        "v1",
        "podcertificaterequests/status",
        "PodCertificateRequest",
        NS,
        STATUS,
    )
    .added(37),
    top(
        "certificates.k8s.io",
        "v1beta1",
        "certificatesigningrequests",
        "certificatesigningrequest",
        "CertificateSigningRequest",
        CLUSTER,
        CRUD,
    )
    .short(&["csr"])
    .gone(22),
    sub(
        "certificates.k8s.io",
        "v1beta1",
        "certificatesigningrequests/approval",
        "CertificateSigningRequest",
        CLUSTER,
        STATUS,
    )
    .gone(22),
    sub(
        "certificates.k8s.io",
        "v1beta1",
        "certificatesigningrequests/status",
        "CertificateSigningRequest",
        CLUSTER,
        STATUS,
    )
    .gone(22),
    // ---- networking.k8s.io ----
    top(
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "ingressclass",
        "IngressClass",
        CLUSTER,
        CRUD,
    )
    .added(19),
    top(
        "networking.k8s.io",
        "v1",
        "ingresses",
        "ingress",
        "Ingress",
        NS,
        CRUD,
    )
    .short(&["ing"])
    .added(19),
    sub(
        "networking.k8s.io",
        "v1",
        "ingresses/status",
        "Ingress",
        NS,
        STATUS,
    )
    .added(19),
    top(
        "networking.k8s.io",
        "v1",
        "ipaddresses",
        "ipaddress",
        "IPAddress",
        CLUSTER,
        CRUD,
    )
    .short(&["ip"])
    .added(33),
    top(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        NS,
        CRUD,
    )
    .short(&["netpol"]),
    top(
        "networking.k8s.io",
        "v1",
        "servicecidrs",
        "servicecidr",
        "ServiceCIDR",
        CLUSTER,
        CRUD,
    )
    .added(33),
    sub(
        "networking.k8s.io",
        "v1",
        "servicecidrs/status",
        "ServiceCIDR",
        CLUSTER,
        STATUS,
    )
    .added(33),
    top(
        "networking.k8s.io",
        "v1beta1",
        "ingressclasses",
        "ingressclass",
        "IngressClass",
        CLUSTER,
        CRUD,
    )
    .added(18)
    .gone(22),
    top(
        "networking.k8s.io",
        "v1beta1",
        "ingresses",
        "ingress",
        "Ingress",
        NS,
        CRUD,
    )
    .short(&["ing"])
    .gone(22),
    sub(
        "networking.k8s.io",
        "v1beta1",
        "ingresses/status",
        "Ingress",
        NS,
        STATUS,
    )
    .gone(22),
    // ---- policy ----
    top(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        NS,
        CRUD,
    )
    .short(&["pdb"])
    .added(21),
    sub(
        "policy",
        "v1",
        "poddisruptionbudgets/status",
        "PodDisruptionBudget",
        NS,
        STATUS,
    )
    .added(21),
    top(
        "policy",
        "v1beta1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        NS,
        CRUD,
    )
    .short(&["pdb"])
    .gone(25),
    sub(
        "policy",
        "v1beta1",
        "poddisruptionbudgets/status",
        "PodDisruptionBudget",
        NS,
        STATUS,
    )
    .gone(25),
    top(
        "policy",
        "v1beta1",
        "podsecuritypolicies",
        "podsecuritypolicy",
        "PodSecurityPolicy",
        CLUSTER,
        CRUD,
    )
    .short(&["psp"])
    .gone(25),
    // ---- rbac.authorization.k8s.io ----
    top(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        CLUSTER,
        CRUD,
    ),
    top(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        CLUSTER,
        CRUD,
    ),
    top(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        NS,
        CRUD,
    ),
    top(
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "role",
        "Role",
        NS,
        CRUD,
    ),
    top(
        "rbac.authorization.k8s.io",
        "v1beta1",
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        CLUSTER,
        CRUD,
    )
    .gone(22),
    top(
        "rbac.authorization.k8s.io",
        "v1beta1",
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        CLUSTER,
        CRUD,
    )
    .gone(22),
    top(
        "rbac.authorization.k8s.io",
        "v1beta1",
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        NS,
        CRUD,
    )
    .gone(22),
    top(
        "rbac.authorization.k8s.io",
        "v1beta1",
        "roles",
        "role",
        "Role",
        NS,
        CRUD,
    )
    .gone(22),
    // ---- storage.k8s.io ----
    top(
        "storage.k8s.io",
        "v1",
        "csidrivers",
        "csidriver",
        "CSIDriver",
        CLUSTER,
        CRUD,
    )
    .added(18),
    top(
        "storage.k8s.io",
        "v1",
        "csinodes",
        "csinode",
        "CSINode",
        CLUSTER,
        CRUD,
    )
    .added(17),
    top(
        "storage.k8s.io",
        "v1",
        "csistoragecapacities",
        "csistoragecapacity",
        "CSIStorageCapacity",
        NS,
        CRUD,
    )
    .added(24),
    top(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        "StorageClass",
        CLUSTER,
        CRUD,
    )
    .short(&["sc"]),
    top(
        "storage.k8s.io",
        "v1",
        "volumeattachments",
        "volumeattachment",
        "VolumeAttachment",
        CLUSTER,
        CRUD,
    ),
    sub(
        "storage.k8s.io",
        "v1",
        "volumeattachments/status",
        "VolumeAttachment",
        CLUSTER,
        STATUS,
    ),
    top(
        "storage.k8s.io",
        "v1",
        "volumeattributesclasses",
        "volumeattributesclass",
        "VolumeAttributesClass",
        CLUSTER,
        CRUD,
    )
    .short(&["vac"])
    .added(34),
    top(
        "storage.k8s.io",
        "v1beta1",
        "csidrivers",
        "csidriver",
        "CSIDriver",
        CLUSTER,
        CRUD,
    )
    .gone(22),
    top(
        "storage.k8s.io",
        "v1beta1",
        "csinodes",
        "csinode",
        "CSINode",
        CLUSTER,
        CRUD,
    )
    .gone(22),
    top(
        "storage.k8s.io",
        "v1beta1",
        "csistoragecapacities",
        "csistoragecapacity",
        "CSIStorageCapacity",
        NS,
        CRUD,
    )
    .added(21)
    .gone(27),
    top(
        "storage.k8s.io",
        "v1beta1",
        "storageclasses",
        "storageclass",
        "StorageClass",
        CLUSTER,
        CRUD,
    )
    .short(&["sc"])
    .gone(22),
    top(
        "storage.k8s.io",
        "v1beta1",
        "volumeattachments",
        "volumeattachment",
        "VolumeAttachment",
        CLUSTER,
        CRUD,
    )
    .gone(22),
    // ---- admissionregistration.k8s.io ----
    // MutatingAdmissionPolicy GA (v1) in 1.36; ValidatingAdmissionPolicy GA in 1.30.
    top(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingadmissionpolicies",
        "mutatingadmissionpolicy",
        "MutatingAdmissionPolicy",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .added(36),
    top(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingadmissionpolicybindings",
        "mutatingadmissionpolicybinding",
        "MutatingAdmissionPolicyBinding",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .added(36),
    top(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration",
        CLUSTER,
        CRUD,
    )
    .cats(EXT),
    top(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "validatingadmissionpolicy",
        "ValidatingAdmissionPolicy",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .added(30),
    sub(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies/status",
        "ValidatingAdmissionPolicy",
        CLUSTER,
        STATUS,
    )
    .added(30),
    top(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding",
        "ValidatingAdmissionPolicyBinding",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .added(30),
    top(
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        "ValidatingWebhookConfiguration",
        CLUSTER,
        CRUD,
    )
    .cats(EXT),
    top(
        "admissionregistration.k8s.io",
        "v1beta1",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .gone(22),
    top(
        "admissionregistration.k8s.io",
        "v1beta1",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        "ValidatingWebhookConfiguration",
        CLUSTER,
        CRUD,
    )
    .cats(EXT)
    .gone(22),
    // ---- apiextensions.k8s.io ----
    top(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        CLUSTER,
        CRUD,
    )
    .short(&["crd", "crds"])
    .cats(EXT),
    sub(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions/status",
        "CustomResourceDefinition",
        CLUSTER,
        STATUS,
    ),
    top(
        "apiextensions.k8s.io",
        "v1beta1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        CLUSTER,
        CRUD,
    )
    .short(&["crd", "crds"])
    .cats(EXT)
    .gone(22),
    sub(
        "apiextensions.k8s.io",
        "v1beta1",
        "customresourcedefinitions/status",
        "CustomResourceDefinition",
        CLUSTER,
        STATUS,
    )
    .gone(22),
    // ---- scheduling.k8s.io ----
    top(
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        "priorityclass",
        "PriorityClass",
        CLUSTER,
        CRUD,
    )
    .short(&["pc"]),
    top(
        "scheduling.k8s.io",
        "v1beta1",
        "priorityclasses",
        "priorityclass",
        "PriorityClass",
        CLUSTER,
        CRUD,
    )
    .short(&["pc"])
    .gone(22),
    // ---- coordination.k8s.io ----
    top(
        "coordination.k8s.io",
        "v1",
        "leases",
        "lease",
        "Lease",
        NS,
        CRUD,
    ),
    top(
        "coordination.k8s.io",
        "v1beta1",
        "leases",
        "lease",
        "Lease",
        NS,
        CRUD,
    )
    .gone(22),
    // ---- node.k8s.io ----
    top(
        "node.k8s.io",
        "v1",
        "runtimeclasses",
        "runtimeclass",
        "RuntimeClass",
        CLUSTER,
        CRUD,
    )
    .added(20),
    top(
        "node.k8s.io",
        "v1beta1",
        "runtimeclasses",
        "runtimeclass",
        "RuntimeClass",
        CLUSTER,
        CRUD,
    )
    .gone(25),
    // ---- discovery.k8s.io ----
    top(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        NS,
        CRUD,
    )
    .added(21),
    top(
        "discovery.k8s.io",
        "v1beta1",
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        NS,
        CRUD,
    )
    .added(17)
    .gone(25),
    // ---- resource.k8s.io (DRA; v1 GA in 1.34, DeviceTaintRule GA in 1.37) ----
    top(
        "resource.k8s.io",
        "v1",
        "deviceclasses",
        "deviceclass",
        "DeviceClass",
        CLUSTER,
        CRUD,
    )
    .added(34),
    top(
        "resource.k8s.io",
        "v1",
        "devicetaintrules",
        "devicetaintrule",
        "DeviceTaintRule",
        CLUSTER,
        CRUD,
    )
    .added(37),
    sub(
        "resource.k8s.io",
        "v1",
        "devicetaintrules/status",
        "DeviceTaintRule",
        CLUSTER,
        STATUS,
    )
    .added(37),
    top(
        "resource.k8s.io",
        "v1",
        "resourceclaims",
        "resourceclaim",
        "ResourceClaim",
        NS,
        CRUD,
    )
    .added(34),
    sub(
        "resource.k8s.io",
        "v1",
        "resourceclaims/status",
        "ResourceClaim",
        NS,
        STATUS,
    )
    .added(34),
    top(
        "resource.k8s.io",
        "v1",
        "resourceclaimtemplates",
        "resourceclaimtemplate",
        "ResourceClaimTemplate",
        NS,
        CRUD,
    )
    .added(34),
    top(
        "resource.k8s.io",
        "v1",
        "resourceslices",
        "resourceslice",
        "ResourceSlice",
        CLUSTER,
        CRUD,
    )
    .added(34),
    // ---- flowcontrol.apiserver.k8s.io (API Priority and Fairness) ----
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "flowschemas",
        "flowschema",
        "FlowSchema",
        CLUSTER,
        CRUD,
    )
    .added(29),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "flowschemas/status",
        "FlowSchema",
        CLUSTER,
        STATUS,
    )
    .added(29),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        "PriorityLevelConfiguration",
        CLUSTER,
        CRUD,
    )
    .added(29),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "prioritylevelconfigurations/status",
        "PriorityLevelConfiguration",
        CLUSTER,
        STATUS,
    )
    .added(29),
    // v1beta3: a legacy beta kept on by default (it replaced the on-by-default v1beta2).
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta3",
        "flowschemas",
        "flowschema",
        "FlowSchema",
        CLUSTER,
        CRUD,
    )
    .added(26)
    .gone(32),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta3",
        "flowschemas/status",
        "FlowSchema",
        CLUSTER,
        STATUS,
    )
    .added(26)
    .gone(32),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta3",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        "PriorityLevelConfiguration",
        CLUSTER,
        CRUD,
    )
    .added(26)
    .gone(32),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta3",
        "prioritylevelconfigurations/status",
        "PriorityLevelConfiguration",
        CLUSTER,
        STATUS,
    )
    .added(26)
    .gone(32),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta2",
        "flowschemas",
        "flowschema",
        "FlowSchema",
        CLUSTER,
        CRUD,
    )
    .added(23)
    .gone(29),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta2",
        "flowschemas/status",
        "FlowSchema",
        CLUSTER,
        STATUS,
    )
    .added(23)
    .gone(29),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta2",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        "PriorityLevelConfiguration",
        CLUSTER,
        CRUD,
    )
    .added(23)
    .gone(29),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta2",
        "prioritylevelconfigurations/status",
        "PriorityLevelConfiguration",
        CLUSTER,
        STATUS,
    )
    .added(23)
    .gone(29),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta1",
        "flowschemas",
        "flowschema",
        "FlowSchema",
        CLUSTER,
        CRUD,
    )
    .added(20)
    .gone(26),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta1",
        "flowschemas/status",
        "FlowSchema",
        CLUSTER,
        STATUS,
    )
    .added(20)
    .gone(26),
    top(
        "flowcontrol.apiserver.k8s.io",
        "v1beta1",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        "PriorityLevelConfiguration",
        CLUSTER,
        CRUD,
    )
    .added(20)
    .gone(26),
    sub(
        "flowcontrol.apiserver.k8s.io",
        "v1beta1",
        "prioritylevelconfigurations/status",
        "PriorityLevelConfiguration",
        CLUSTER,
        STATUS,
    )
    .added(20)
    .gone(26),
    // ---- storagemigration.k8s.io (built-in StorageVersionMigration, GA in 1.37) ----
    top(
        "storagemigration.k8s.io",
        "v1",
        "storageversionmigrations",
        "storageversionmigration",
        "StorageVersionMigration",
        CLUSTER,
        CRUD,
    )
    .added(37),
    sub(
        "storagemigration.k8s.io",
        "v1",
        "storageversionmigrations/status",
        "StorageVersionMigration",
        CLUSTER,
        STATUS,
    )
    .added(37),
];

/// Every resource (and subresource) served at minor version `minor`, in discovery order:
/// groups in `/apis` order (core first), versions preferred-first, names sorted.
pub fn resources(minor: u32) -> impl Iterator<Item = &'static ApiResource> {
    RESOURCES.iter().filter(move |r| r.served_at(minor))
}

/// Groups with their served versions (preferred first) in discovery order at `minor`.
///
/// The core group comes first as `("", ["v1"])` (it is served under `/api`, the others
/// under `/apis`).
pub fn groups(minor: u32) -> Vec<(&'static str, Vec<&'static str>)> {
    GROUP_VERSIONS
        .iter()
        .filter_map(|&(group, versions)| {
            let served: Vec<&'static str> = versions
                .iter()
                .copied()
                .filter(|&v| resources(minor).any(|r| r.group == group && r.version == v))
                .collect();
            (!served.is_empty()).then_some((group, served))
        })
        .collect()
}

/// The preferred (first) version of `group` at `minor`, if the group is served.
pub fn preferred_version(minor: u32, group: &str) -> Option<&'static str> {
    groups(minor)
        .into_iter()
        .find(|(g, _)| *g == group)
        .and_then(|(_, versions)| versions.first().copied())
}

/// Served entries in RESTMapper priority order: every group's preferred version (groups in
/// discovery order), then the remaining versions — the order kubectl's discovery-backed
/// `PriorityRESTMapper` consults them.
fn by_priority(minor: u32) -> &'static [&'static ApiResource] {
    // Computed once per minor version: every lookup (each object booted, each request
    // routed) goes through this order.
    const N: usize = (LATEST_MINOR - OLDEST_MINOR + 1) as usize;
    static CACHE: [std::sync::OnceLock<Vec<&'static ApiResource>>; N] =
        [const { std::sync::OnceLock::new() }; N];
    let minor = minor.clamp(OLDEST_MINOR, LATEST_MINOR);
    CACHE[(minor - OLDEST_MINOR) as usize].get_or_init(|| {
        let groups = groups(minor);
        let in_gv = |group: &'static str, version: &'static str| {
            resources(minor).filter(move |r| r.group == group && r.version == version)
        };
        let mut out: Vec<&'static ApiResource> = Vec::new();
        for (group, versions) in &groups {
            for &v in versions.iter().take(1) {
                out.extend(in_gv(group, v));
            }
        }
        for (group, versions) in &groups {
            for &v in versions.iter().skip(1) {
                out.extend(in_gv(group, v));
            }
        }
        out
    })
}

/// The resource for a kind in a group (preferred version), e.g. `("", "Pod")`.
///
/// Only top-level resources are considered (`pods/status` also has kind `Pod`). The kind is
/// matched exactly first, then ASCII case-insensitively.
pub fn by_kind(minor: u32, group: &str, kind: &str) -> Option<&'static ApiResource> {
    let candidates = by_priority(minor);
    let top_level = || {
        candidates
            .iter()
            .copied()
            .filter(|r| !r.is_subresource() && r.group == group)
    };
    top_level()
        .find(|r| r.kind == kind)
        .or_else(|| top_level().find(|r| r.kind.eq_ignore_ascii_case(kind)))
}

/// The resource for group + resource name (`pods`, or a subresource such as `pods/log`), in
/// the group's preferred version when it is served there.
pub fn by_resource(minor: u32, group: &str, resource: &str) -> Option<&'static ApiResource> {
    by_priority(minor)
        .iter()
        .copied()
        .find(|r| r.group == group && r.name == resource)
}

/// kubectl's `shortcutExpander`: turn a short name into `(plural, group)`.
///
/// An exact plural/singular match (within `group` if given) wins over any short name; then
/// short names are tried in discovery order with an exact group; then, if a group was given,
/// with the group as a prefix (`hpa.autoscal`).
fn expand_shortcut<'a>(
    minor: u32,
    resource: &'a str,
    group: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    let in_group = |r: &&ApiResource| group.is_none_or(|g| r.group == g);
    if resources(minor)
        .filter(in_group)
        .any(|r| r.name == resource || r.singular == resource)
    {
        return (resource, group);
    }
    if let Some(r) = resources(minor)
        .filter(in_group)
        .find(|r| r.short_names.contains(&resource))
    {
        return (r.name, Some(r.group));
    }
    if let Some(g) = group {
        if let Some(r) = resources(minor)
            .filter(|r| r.group.starts_with(g))
            .find(|r| r.short_names.contains(&resource))
        {
            return (r.name, Some(r.group));
        }
    }
    (resource, group)
}

/// Match a (lower-cased) resource/kind word in the optional group/version, after shortcut
/// expansion, in RESTMapper priority order.
fn lookup(
    minor: u32,
    word: &str,
    group: Option<&str>,
    version: Option<&str>,
) -> Option<&'static ApiResource> {
    let group = group.filter(|g| !g.is_empty());
    let (word, group) = expand_shortcut(minor, word, group);
    by_priority(minor).iter().copied().find(|r| {
        !r.is_subresource()
            && group.is_none_or(|g| r.group == g)
            && version.is_none_or(|v| r.version == v)
            && (r.name == word || r.singular == word || r.kind.eq_ignore_ascii_case(word))
    })
}

/// kubectl's `RESTMapper.ResourcesFor` for a bare word (`pods`, `po`, `Deployment`): every
/// served top-level resource it names, in every version, after short-name expansion, in
/// RESTMapper priority order.
pub fn resources_for(minor: u32, word: &str) -> Vec<&'static ApiResource> {
    let word = word.to_ascii_lowercase();
    let (word, group) = expand_shortcut(minor, &word, None);
    by_priority(minor)
        .iter()
        .copied()
        .filter(|r| {
            !r.is_subresource()
                && group.is_none_or(|g| r.group == g)
                && (r.name == word || r.singular == word || r.kind.eq_ignore_ascii_case(word))
        })
        .collect()
}

/// Resolve what a user types after `kubectl get` to a top-level resource.
///
/// Follows kubectl's `mappingFor`: the argument is lower-cased, then tried as a fully
/// specified `resource.version.group`, then as `resource.group` (`schema.ParseResourceArg`),
/// each after short-name expansion; a resource matches by plural, singular or kind
/// (case-insensitively). Ambiguous names resolve in RESTMapper priority order (preferred
/// versions first, groups in discovery order), so `events`/`ev` is the core Event.
/// Examples: `po`, `pods`, `pod`, `Pod`, `deploy`, `deployments.apps`,
/// `deployments.v1.apps`, `roles.rbac.authorization.k8s.io`. Returns `None` for unknown
/// types and for subresources (`pods/log`).
pub fn resolve(minor: u32, typed: &str) -> Option<&'static ApiResource> {
    let arg = typed.trim().to_ascii_lowercase();
    if arg.is_empty() || arg.contains('/') || arg.contains(char::is_whitespace) {
        return None;
    }
    match arg.split_once('.') {
        None => lookup(minor, &arg, None, None),
        Some((word, rest)) => {
            let fully_specified = rest
                .split_once('.')
                .and_then(|(version, group)| lookup(minor, word, Some(group), Some(version)));
            fully_specified.or_else(|| lookup(minor, word, Some(rest), None))
        }
    }
}

/// What the server reports for `ServerPreferredResources`: per group (discovery order), the
/// top-level resources of the preferred version, plus resources that only exist in a
/// lower-priority version.
pub fn preferred_resources(minor: u32) -> Vec<&'static ApiResource> {
    let mut out: Vec<&'static ApiResource> = Vec::new();
    for (group, versions) in groups(minor) {
        let start = out.len();
        for v in versions {
            for r in resources(minor) {
                if r.group == group
                    && r.version == v
                    && !r.is_subresource()
                    && !out[start..].iter().any(|seen| seen.name == r.name)
                {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The rows of `kubectl api-resources` (no flags): preferred resources, stably sorted by
/// group name (core first), subresources omitted.
pub fn api_resources(minor: u32) -> Vec<&'static ApiResource> {
    let mut out = preferred_resources(minor);
    crate::sim::sort::by_key(&mut out, &|r| r.group);
    out
}

/// The lines of `kubectl api-versions`: every served `group/version` (`v1` for core),
/// sorted alphabetically.
pub fn api_versions(minor: u32) -> Vec<String> {
    let mut out: Vec<String> = groups(minor)
        .into_iter()
        .flat_map(|(group, versions)| {
            versions.into_iter().map(move |v| {
                if group.is_empty() {
                    v.to_string()
                } else {
                    format!("{group}/{v}")
                }
            })
        })
        .collect();
    crate::sim::sort::natural(&mut out);
    out
}

/// Subresources served for a top-level resource (`pods` → `pods/attach`, `pods/binding`, …).
pub fn subresources_of(
    minor: u32,
    parent: &'static ApiResource,
) -> impl Iterator<Item = &'static ApiResource> {
    resources(minor).filter(move |r| {
        r.is_subresource()
            && r.group == parent.group
            && r.version == parent.version
            && r.resource() == parent.name
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const NOW: u32 = LATEST_MINOR;

    fn must<'a>(r: Option<&'a ApiResource>, what: &str) -> &'a ApiResource {
        match r {
            Some(r) => r,
            None => panic!("{what} should resolve"),
        }
    }

    fn gvr(r: &ApiResource) -> (&str, &str, &str) {
        (r.group, r.version, r.name)
    }

    #[test]
    fn pods_entry_matches_discovery() {
        let pods = must(by_resource(NOW, "", "pods"), "pods");
        assert_eq!(pods.kind, "Pod");
        assert_eq!(pods.singular, "pod");
        assert!(pods.namespaced);
        assert_eq!(pods.short_names, &["po"]);
        assert_eq!(pods.categories, &["all"]);
        assert_eq!(pods.verbs, CRUD);
        assert_eq!(pods.api_version(), "v1");
    }

    #[test]
    fn cluster_scoped_resources() {
        for name in [
            "nodes",
            "namespaces",
            "persistentvolumes",
            "componentstatuses",
        ] {
            let r = must(by_resource(NOW, "", name), name);
            assert!(!r.namespaced, "{name} must be cluster-scoped");
        }
        let nodes = must(by_resource(NOW, "", "nodes"), "nodes");
        assert_eq!(nodes.short_names, &["no"]);
        // Namespaces have no deletecollection.
        let ns = must(by_resource(NOW, "", "namespaces"), "namespaces");
        assert!(!ns.verbs.contains(&"deletecollection"));
        for (g, n) in [
            ("rbac.authorization.k8s.io", "clusterroles"),
            ("storage.k8s.io", "storageclasses"),
            ("apiextensions.k8s.io", "customresourcedefinitions"),
            ("certificates.k8s.io", "certificatesigningrequests"),
        ] {
            assert!(!must(by_resource(NOW, g, n), n).namespaced);
        }
        assert!(
            must(
                by_resource(NOW, "rbac.authorization.k8s.io", "roles"),
                "roles"
            )
            .namespaced
        );
    }

    #[test]
    fn subresource_verbs_and_kinds() {
        let check = |name: &str, kind: &str, verbs: &[&str]| {
            let r = must(by_resource(NOW, "", name), name);
            assert_eq!(r.kind, kind, "{name}");
            assert_eq!(r.verbs, verbs, "{name}");
            assert_eq!(r.singular, "", "{name}");
        };
        check("pods/log", "Pod", &["get"]);
        check("pods/exec", "PodExecOptions", &["create", "get"]);
        check("pods/attach", "PodAttachOptions", &["create", "get"]);
        check(
            "pods/portforward",
            "PodPortForwardOptions",
            &["create", "get"],
        );
        check(
            "pods/proxy",
            "PodProxyOptions",
            &["create", "delete", "get", "patch", "update"],
        );
        check("pods/binding", "Binding", &["create"]);
        check("pods/eviction", "Eviction", &["create"]);
        check(
            "pods/ephemeralcontainers",
            "Pod",
            &["get", "patch", "update"],
        );
        check("pods/resize", "Pod", &["get", "patch", "update"]);
        check("pods/status", "Pod", &["get", "patch", "update"]);
        check("serviceaccounts/token", "TokenRequest", &["create"]);
        check("namespaces/finalize", "Namespace", &["update"]);
        check(
            "nodes/proxy",
            "NodeProxyOptions",
            &["create", "delete", "get", "patch", "update"],
        );
        check(
            "services/proxy",
            "ServiceProxyOptions",
            &["create", "delete", "get", "patch", "update"],
        );
        let scale = must(by_resource(NOW, "apps", "deployments/scale"), "scale");
        assert_eq!(scale.kind, "Scale");
        assert_eq!(scale.response_group_version(), ("autoscaling", "v1"));
        let approval = must(
            by_resource(
                NOW,
                "certificates.k8s.io",
                "certificatesigningrequests/approval",
            ),
            "approval",
        );
        assert_eq!(approval.verbs, STATUS);
        assert_eq!(
            must(by_resource(NOW, "", "pods/eviction"), "eviction").response_group_version(),
            ("policy", "v1")
        );
    }

    #[test]
    fn core_counts() {
        let core: Vec<_> = resources(NOW).filter(|r| r.group.is_empty()).collect();
        assert_eq!(core.len(), 39);
        assert_eq!(core.iter().filter(|r| !r.is_subresource()).count(), 17);
        let pods = must(by_resource(NOW, "", "pods"), "pods");
        assert_eq!(subresources_of(NOW, pods).count(), 10);
        // pods/resize arrived in 1.33, pods/ephemeralcontainers in 1.23.
        assert_eq!(resources(32).filter(|r| r.group.is_empty()).count(), 38);
        assert_eq!(resources(22).filter(|r| r.group.is_empty()).count(), 37);
    }

    #[test]
    fn no_duplicates_and_sorted_table() {
        let mut seen = HashSet::new();
        for r in RESOURCES {
            assert!(seen.insert(gvr(r)), "duplicate {:?}", gvr(r));
        }
        let position = |r: &ApiResource| {
            let gi = GROUP_VERSIONS.iter().position(|(g, _)| *g == r.group);
            let gi = match gi {
                Some(i) => i,
                None => panic!("group {:?} not in GROUP_VERSIONS", r.group),
            };
            let vi = match GROUP_VERSIONS[gi].1.iter().position(|v| *v == r.version) {
                Some(i) => i,
                None => panic!("version {}/{} not listed", r.group, r.version),
            };
            (gi, vi, r.name)
        };
        for pair in RESOURCES.windows(2) {
            assert!(
                position(&pair[0]) < position(&pair[1]),
                "out of discovery order: {:?} then {:?}",
                gvr(&pair[0]),
                gvr(&pair[1])
            );
        }
    }

    #[test]
    fn entries_are_well_formed() {
        for r in RESOURCES {
            let sorted = r.verbs.windows(2).all(|w| w[0] < w[1]);
            assert!(sorted, "verbs of {:?} not sorted", gvr(r));
            assert!(!r.verbs.is_empty());
            if let Some(gone) = r.removed {
                assert!(r.since < gone, "{:?}", gvr(r));
            }
            if r.is_subresource() {
                assert_eq!(r.singular, "");
                assert!(r.short_names.is_empty() && r.categories.is_empty());
            } else {
                assert_eq!(r.singular, r.kind.to_ascii_lowercase(), "{:?}", gvr(r));
            }
        }
    }

    #[test]
    fn every_subresource_has_a_parent() {
        for minor in OLDEST_MINOR..=LATEST_MINOR {
            let served: Vec<_> = resources(minor).collect();
            for r in served.iter().filter(|r| r.is_subresource()) {
                let parent = served.iter().find(|p| {
                    p.group == r.group && p.version == r.version && p.name == r.resource()
                });
                let parent = match parent {
                    Some(p) => p,
                    None => panic!("1.{minor}: {:?} has no parent", gvr(r)),
                };
                assert_eq!(parent.namespaced, r.namespaced, "{:?}", gvr(r));
            }
        }
    }

    #[test]
    fn groups_at_latest() {
        let gs = groups(NOW);
        assert_eq!(gs[0], ("", vec!["v1"]));
        assert_eq!(gs[1].0, "apiregistration.k8s.io");
        assert_eq!(gs[2].0, "apps");
        assert!(gs.contains(&("autoscaling", vec!["v2", "v1"])));
        assert!(gs.iter().all(|(g, _)| *g != "extensions"));
        // GA only at 1.37: every group serves exactly its v1 (autoscaling also v2).
        for (g, vs) in &gs {
            if *g != "autoscaling" {
                assert_eq!(vs, &vec!["v1"], "{g}");
            }
        }
        let names: Vec<_> = gs.iter().map(|(g, _)| *g).collect();
        assert_eq!(
            names,
            vec![
                "",
                "apiregistration.k8s.io",
                "apps",
                "events.k8s.io",
                "authentication.k8s.io",
                "authorization.k8s.io",
                "autoscaling",
                "batch",
                "certificates.k8s.io",
                "networking.k8s.io",
                "policy",
                "rbac.authorization.k8s.io",
                "storage.k8s.io",
                "admissionregistration.k8s.io",
                "apiextensions.k8s.io",
                "scheduling.k8s.io",
                "coordination.k8s.io",
                "node.k8s.io",
                "discovery.k8s.io",
                "resource.k8s.io",
                "flowcontrol.apiserver.k8s.io",
                "storagemigration.k8s.io",
            ]
        );
        assert!(groups(36)
            .iter()
            .all(|(g, _)| *g != "storagemigration.k8s.io"));
        assert!(groups(33).iter().all(|(g, _)| *g != "resource.k8s.io"));
        assert!(groups(34).iter().any(|(g, _)| *g == "resource.k8s.io"));
    }

    #[test]
    fn groups_in_older_releases() {
        let gs = groups(20);
        assert_eq!(gs[2], ("extensions", vec!["v1beta1"]));
        assert!(gs.contains(&("policy", vec!["v1beta1"])));
        assert!(gs.contains(&("autoscaling", vec!["v1", "v2beta1", "v2beta2"])));
        assert!(gs.contains(&("flowcontrol.apiserver.k8s.io", vec!["v1beta1"])));
        assert!(gs.contains(&("node.k8s.io", vec!["v1", "v1beta1"])));
        assert!(groups(19)
            .iter()
            .all(|(g, _)| *g != "flowcontrol.apiserver.k8s.io"));
        assert!(groups(24).contains(&("autoscaling", vec!["v2", "v1", "v2beta1", "v2beta2"])));
        assert!(groups(28).contains(&("flowcontrol.apiserver.k8s.io", vec!["v1beta3", "v1beta2"])));
        assert!(groups(30).contains(&("flowcontrol.apiserver.k8s.io", vec!["v1", "v1beta3"])));
        assert_eq!(preferred_version(20, "events.k8s.io"), Some("v1"));
        assert_eq!(preferred_version(18, "events.k8s.io"), Some("v1beta1"));
        assert_eq!(preferred_version(NOW, "extensions"), None);
    }

    #[test]
    fn resolve_names_like_kubectl() {
        let expect = |typed: &str, group: &str, version: &str, name: &str| {
            let r = must(resolve(NOW, typed), typed);
            assert_eq!(gvr(r), (group, version, name), "resolve({typed:?})");
        };
        for typed in ["po", "pods", "pod", "Pod", "PODS", " pods "] {
            expect(typed, "", "v1", "pods");
        }
        expect("deploy", "apps", "v1", "deployments");
        expect("deployment", "apps", "v1", "deployments");
        expect("Deployment", "apps", "v1", "deployments");
        expect("deployments.apps", "apps", "v1", "deployments");
        expect("deployments.v1.apps", "apps", "v1", "deployments");
        expect("deploy.apps", "apps", "v1", "deployments");
        expect("Deployment.apps", "apps", "v1", "deployments");
        expect("cm", "", "v1", "configmaps");
        expect(
            "roles.rbac.authorization.k8s.io",
            "rbac.authorization.k8s.io",
            "v1",
            "roles",
        );
        expect(
            "clusterrolebindings.rbac.authorization.k8s.io",
            "rbac.authorization.k8s.io",
            "v1",
            "clusterrolebindings",
        );
        expect("ev", "", "v1", "events");
        expect("events", "", "v1", "events");
        expect("events.events.k8s.io", "events.k8s.io", "v1", "events");
        expect("ev.events.k8s.io", "events.k8s.io", "v1", "events");
        expect("hpa", "autoscaling", "v2", "horizontalpodautoscalers");
        expect(
            "hpa.v1.autoscaling",
            "autoscaling",
            "v1",
            "horizontalpodautoscalers",
        );
        expect(
            "hpa.autoscal",
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
        );
        expect(
            "crd",
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
        );
        expect(
            "crds",
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
        );
        expect("netpol", "networking.k8s.io", "v1", "networkpolicies");
        expect("ing", "networking.k8s.io", "v1", "ingresses");
        expect("sts", "apps", "v1", "statefulsets");
        expect("cj", "batch", "v1", "cronjobs");
        expect("pdb", "policy", "v1", "poddisruptionbudgets");
        expect("vac", "storage.k8s.io", "v1", "volumeattributesclasses");
        expect("ip", "networking.k8s.io", "v1", "ipaddresses");
        expect("endpoints", "", "v1", "endpoints");
        expect("ep", "", "v1", "endpoints");
    }

    #[test]
    fn resolve_rejects_unknown() {
        for typed in [
            "",
            "pods/log",
            "nosuchthing",
            "all",
            "deployments.v2.apps",
            "pods.apps",
            "psp",
            "svm",
        ] {
            assert_eq!(resolve(NOW, typed), None, "resolve({typed:?})");
        }
    }

    #[test]
    fn resolve_follows_the_release() {
        let at = |minor: u32, typed: &str| resolve(minor, typed).map(gvr);
        assert_eq!(at(18, "ing"), Some(("extensions", "v1beta1", "ingresses")));
        assert_eq!(
            at(22, "ing"),
            Some(("networking.k8s.io", "v1", "ingresses"))
        );
        assert_eq!(at(20, "cj"), Some(("batch", "v1beta1", "cronjobs")));
        assert_eq!(at(21, "cj"), Some(("batch", "v1", "cronjobs")));
        assert_eq!(
            at(24, "psp"),
            Some(("policy", "v1beta1", "podsecuritypolicies"))
        );
        assert_eq!(at(25, "psp"), None);
        assert_eq!(
            at(22, "hpa"),
            Some(("autoscaling", "v1", "horizontalpodautoscalers"))
        );
        assert_eq!(at(33, "vac"), None);
        assert_eq!(at(35, "mutatingadmissionpolicies"), None);
        assert!(at(36, "mutatingadmissionpolicies").is_some());
        assert_eq!(at(36, "storageversionmigrations"), None);
        assert_eq!(
            at(NOW, "storageversionmigrations"),
            Some(("storagemigration.k8s.io", "v1", "storageversionmigrations"))
        );
        assert_eq!(
            at(NOW, "podcertificaterequests"),
            Some(("certificates.k8s.io", "v1", "podcertificaterequests"))
        );
    }

    #[test]
    fn by_kind_uses_the_preferred_version() {
        let pod = must(by_kind(NOW, "", "Pod"), "Pod");
        assert_eq!(pod.name, "pods");
        let hpa = must(
            by_kind(NOW, "autoscaling", "HorizontalPodAutoscaler"),
            "hpa",
        );
        assert_eq!(hpa.version, "v2");
        let hpa22 = must(by_kind(22, "autoscaling", "HorizontalPodAutoscaler"), "hpa");
        assert_eq!(hpa22.version, "v1");
        let pdb20 = must(by_kind(20, "policy", "PodDisruptionBudget"), "pdb");
        assert_eq!(pdb20.version, "v1beta1");
        assert_eq!(
            must(by_kind(NOW, "apps", "deployment"), "case").name,
            "deployments"
        );
        assert_eq!(by_kind(NOW, "", "Deployment"), None);
        assert_eq!(by_kind(NOW, "", "Scale"), None);
        let scale = by_resource(20, "autoscaling", "horizontalpodautoscalers");
        assert_eq!(scale.map(|r| r.version), Some("v1"));
    }

    #[test]
    fn kubectl_listings() {
        let versions = api_versions(NOW);
        assert_eq!(versions.len(), 23);
        assert_eq!(
            versions.first().map(String::as_str),
            Some("admissionregistration.k8s.io/v1")
        );
        assert_eq!(versions.last().map(String::as_str), Some("v1"));
        assert!(versions.contains(&"autoscaling/v2".to_string()));
        let rows = api_resources(NOW);
        assert_eq!(rows[0].name, "bindings");
        assert_eq!(rows[17].group, "admissionregistration.k8s.io");
        assert!(rows.windows(2).all(|w| w[0].group <= w[1].group));
        assert!(rows.iter().all(|r| !r.is_subresource()));
        let hpas: Vec<_> = rows
            .iter()
            .filter(|r| r.name == "horizontalpodautoscalers")
            .collect();
        assert_eq!(hpas.len(), 1);
        assert_eq!(hpas[0].version, "v2");
        // Events exist in two groups; both rows are listed.
        assert_eq!(rows.iter().filter(|r| r.name == "events").count(), 2);
    }
}

//! Upstream's own tests of the plugin, ported: `api/helpers_test.go` (levels, versions,
//! `PolicyToEvaluate`), `admission/admission_test.go` (namespaces, pods and pod controllers,
//! the namespace scan, the exempt-namespace warning, the pod-spec extractor),
//! `admission/api/load/load_test.go` and `admission/api/validation/validation_test.go` (the
//! `PodSecurityConfiguration`), from `kubernetes/pod-security-admission` (master, and the
//! release branches where a version behaved differently).
//!
//! Upstream drives some cases with a fake evaluator whose pods fail with the text of an
//! annotation; here the pods are real and fail real checks (a host network, a host port, a
//! privileged container), and every text the plugin answers with is asserted whole. Upstream's
//! limit of pods scanned is set to 4 in its tests; ours is the real 3000, so those cases are
//! scaled up.

use serde_json::{json, Value};

use super::*;
use crate::sim::admission::{Attributes, Context, Operation, State, Verdict};
use crate::sim::authn::UserInfo;
use crate::sim::authz;
use crate::sim::controlplane::ControlPlane;
use crate::sim::store::Store;

// ---- the harness --------------------------------------------------------------------------

const PRIVILEGED: LevelVersion = LevelVersion {
    level: Level::Privileged,
    version: Version::Latest,
};

fn lv(level: Level, version: Version) -> LevelVersion {
    LevelVersion::new(level, version)
}

fn policy(enforce: LevelVersion, audit: LevelVersion, warn: LevelVersion) -> Policy {
    Policy {
        enforce,
        audit,
        warn,
    }
}

/// Namespace labels: a mode's name (`enforce`, `warn-version`, …) stands for its
/// `pod-security.kubernetes.io/` label; any other key is taken as it is.
fn labels(pairs: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in pairs {
        let key = if MODES.iter().any(|m| k == m || *k == format!("{m}-version")) {
            format!("{PREFIX}{k}")
        } else {
            k.to_string()
        };
        m.insert(key, json!(v));
    }
    Value::Object(m)
}

fn namespace_object(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

/// What the plugin answered one request: its verdict, its audit annotations (keys without
/// the `pod-security.kubernetes.io/` prefix, in key order) and its warnings.
#[derive(Debug)]
struct Answer {
    verdict: Verdict,
    annotations: Vec<(String, String)>,
    warnings: Vec<String>,
}

impl Answer {
    /// The refusal as `code reason: message`, or `allowed` (upstream's answer: the trace
    /// tells an admission after checks from a pass with none, which upstream does not).
    fn outcome(&self) -> String {
        match &self.verdict {
            Verdict::Reject(e) => format!("{} {}: {}", e.code, e.reason, e.message),
            Verdict::Admit(_) | Verdict::Skip(_) => "allowed".into(),
        }
    }
}

/// A cluster as the plugin sees it: the store's namespaces and pods, the plugin's
/// configuration and the simulated version.
struct Cluster {
    store: Store,
    config: Config,
    cp: ControlPlane,
}

impl Cluster {
    fn new(minor: u32) -> Self {
        Cluster {
            store: Store::new(0, 1),
            config: Config::default(),
            cp: ControlPlane {
                minor,
                ..ControlPlane::default()
            },
        }
    }

    fn add_namespace(&mut self, name: &str, labels: Value) {
        self.store
            .create("", "namespaces", namespace_object(name, labels), 0)
            .unwrap();
    }

    /// Stores a pod in `ns` under `name`.
    fn add_pod(&mut self, ns: &str, name: &str, mut pod: Value) {
        pod["metadata"]["name"] = json!(name);
        pod["metadata"]["namespace"] = json!(ns);
        self.store.create("", "pods", pod, 0).unwrap();
    }

    fn run(&mut self, a: &Attributes<'_>) -> Answer {
        let chain = authz::Chain::of(&[authz::Mode::Rbac]);
        let mut state = State {
            pod_security: self.config.clone(),
            ..State::default()
        };
        let mut ctx = Context {
            store: &mut self.store,
            authz: &chain,
            now: 0,
            control_plane: &self.cp,
            state: &mut state,
            servers: &[],
            notes: Vec::new(),
            warnings: Vec::new(),
            reinvocation: Default::default(),
        };
        let verdict = validate(&mut ctx, a);
        let annotations = ctx
            .notes
            .iter()
            .map(|(k, v)| {
                let key = k
                    .strip_prefix(&format!("audit annotation {PREFIX}"))
                    .unwrap_or_else(|| panic!("not an audit annotation: {k}"));
                (key.to_string(), v.clone())
            })
            .collect();
        Answer {
            verdict,
            annotations,
            warnings: ctx.warnings,
        }
    }
}

/// A request's attributes.
#[allow(clippy::too_many_arguments)]
fn request<'u>(
    operation: Operation,
    group: &str,
    resource: &str,
    subresource: &str,
    namespace: &str,
    name: &str,
    user: &'u UserInfo,
    object: Option<Value>,
    old_object: Option<Value>,
) -> Attributes<'u> {
    let kind = match resource {
        "namespaces" => "Namespace",
        "pods" => "Pod",
        "deployments" => "Deployment",
        _ => "",
    };
    Attributes {
        operation,
        group: group.into(),
        version: "v1".into(),
        resource: resource.into(),
        subresource: subresource.into(),
        kind: kind.into(),
        name: name.into(),
        namespace: namespace.into(),
        namespaced: resource != "namespaces",
        user,
        object,
        touched: false,
        old_object,
        dry_run: false,
    }
}

fn user(name: &str) -> UserInfo {
    UserInfo {
        username: name.into(),
        ..UserInfo::default()
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---- pods -----------------------------------------------------------------------------------

/// `test.GetMinimalValidPod(baseline, v1.23)`.
fn baseline_pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "test-pod", "labels": {"foo": "bar"}},
        "spec": {
            "initContainers": [{"name": "initcontainer1", "image": "registry.k8s.io/pause"}],
            "containers": [{"name": "container1", "image": "registry.k8s.io/pause"}]
        }
    })
}

/// `test.GetMinimalValidPod(restricted, v1.23)`: the baseline pod with a non-root user, the
/// runtime's seccomp profile, no privilege escalation and every capability dropped.
fn restricted_pod() -> Value {
    let mut pod = baseline_pod();
    pod["spec"]["securityContext"] =
        json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}});
    for list in ["initContainers", "containers"] {
        pod["spec"][list][0]["securityContext"] =
            json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}});
    }
    pod
}

/// The baseline pod with a privileged container (fails baseline).
fn privileged_pod() -> Value {
    let mut pod = baseline_pod();
    pod["spec"]["containers"][0]["securityContext"] = json!({"privileged": true});
    pod
}

/// A restricted pod on the host's network: fails every level but privileged with
/// `host namespaces`.
fn host_network_pod() -> Value {
    let mut pod = restricted_pod();
    pod["spec"]["hostNetwork"] = json!(true);
    pod
}

/// Fails with `host namespaces, hostPort`.
fn host_network_and_port_pod() -> Value {
    let mut pod = host_network_pod();
    pod["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 80}]);
    pod
}

/// Fails with `hostPort` alone.
fn host_port_pod() -> Value {
    let mut pod = restricted_pod();
    pod["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 80}]);
    pod
}

/// Fails restricted with `runAsUser=0` alone.
fn root_pod() -> Value {
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"]["runAsUser"] = json!(0);
    pod
}

fn with_runtime_class(mut pod: Value, class: &str) -> Value {
    pod["spec"]["runtimeClassName"] = json!(class);
    pod
}

fn controlled_by(mut pod: Value, uid: &str) -> Value {
    pod["metadata"]["ownerReferences"] = json!([{
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("rs{uid}"),
        "uid": uid, "controller": true
    }]);
    pod
}

const PRIVILEGED_DETAIL: &str =
    "privileged (container \"container1\" must not set securityContext.privileged=true)";

/// What the baseline pod lacks for restricted.
const BASELINE_POD_AT_RESTRICTED: &str = "allowPrivilegeEscalation != false (containers \"initcontainer1\", \"container1\" must set securityContext.allowPrivilegeEscalation=false), \
     unrestricted capabilities (containers \"initcontainer1\", \"container1\" must set securityContext.capabilities.drop=[\"ALL\"]), \
     runAsNonRoot != true (pod or containers \"initcontainer1\", \"container1\" must set securityContext.runAsNonRoot=true), \
     seccompProfile (pod or containers \"initcontainer1\", \"container1\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

fn privileged_pod_at_restricted() -> String {
    format!("{PRIVILEGED_DETAIL}, {BASELINE_POD_AT_RESTRICTED}")
}

// ---- api/helpers_test.go ------------------------------------------------------------------

/// `TestParseVersion`, and the level parser it leans on.
#[test]
fn parse_version() {
    for (s, want) in [
        ("latest", Version::Latest),
        ("v1.0", Version::Minor(0)),
        ("v1.1", Version::Minor(1)),
        ("v1.20", Version::Minor(20)),
        ("v1.10000", Version::Minor(10000)),
    ] {
        assert_eq!(Version::parse(s), Ok(want), "{s}");
    }
    for s in ["foo", "", "v2.0", "v1", "1.1"] {
        assert_eq!(
            Version::parse(s),
            Err((Version::Latest, "must be \"latest\" or \"v1.x\"")),
            "{s}"
        );
    }
    for (s, want) in [
        ("privileged", Level::Privileged),
        ("baseline", Level::Baseline),
        ("restricted", Level::Restricted),
    ] {
        assert_eq!(Level::parse(s), Ok(want));
    }
    for s in ["", "Baseline", " baseline", "foo"] {
        assert_eq!(
            Level::parse(s),
            Err((
                Level::Restricted,
                "must be one of privileged, baseline, restricted"
            )),
            "{s}"
        );
    }
}

/// `TestLevelVersionEquals`.
#[test]
fn level_version_equivalence() {
    let levels = [Level::Privileged, Level::Baseline, Level::Restricted];
    let versions = [Version::Latest, Version::Minor(18), Version::Minor(30)];
    let older = [Version::Minor(16), Version::Minor(13)];
    for l in levels {
        for v in versions {
            assert!(lv(l, v).equivalent(&lv(l, v)), "{}", lv(l, v));
        }
    }
    for l1 in levels {
        for l2 in levels.iter().filter(|l2| **l2 != l1) {
            let (a, b) = (lv(l1, Version::Latest), lv(*l2, Version::Latest));
            assert!(!a.equivalent(&b), "{a} != {b}");
        }
    }
    for l in [Level::Baseline, Level::Restricted] {
        for v1 in versions {
            for v2 in older {
                assert!(!lv(l, v1).equivalent(&lv(l, v2)));
            }
        }
    }
    for v1 in versions {
        for v2 in older {
            let (a, b) = (lv(Level::Privileged, v1), lv(Level::Privileged, v2));
            assert!(a.equivalent(&b), "{a} == {b}");
        }
    }
}

/// `TestPolicyEquals`.
#[test]
fn policy_equivalence() {
    let privileged = Policy::default();
    assert!(privileged.fully_privileged());
    let mut privileged2 = privileged;
    privileged2.enforce.version = Version::Minor(20);
    assert!(privileged2.fully_privileged());
    let mut baseline = privileged;
    baseline.audit.level = Level::Baseline;
    assert!(!baseline.fully_privileged());
    assert!(
        privileged.equivalent(&privileged2),
        "ignore privileged versions"
    );
    assert!(
        baseline.equivalent(&baseline),
        "baseline policy equals itself"
    );
    assert!(!privileged.equivalent(&baseline), "privileged != baseline");
}

/// `TestPolicyToEvaluate` (v1.26 on: an unset warn level follows a stricter enforce level),
/// and the same labels before v1.26, where warn kept its default.
#[test]
fn policy_to_evaluate_from_labels() {
    use Level::*;
    let b = |v| lv(Baseline, v);
    let r = |v| lv(Restricted, v);
    let latest = Version::Latest;
    let m = Version::Minor;
    // (description, labels, policy from v1.26, policy before, error)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Policy, Policy, &'a str);
    let cases: Vec<Case> = vec![
        (
            "simple enforce",
            vec![("enforce", "baseline")],
            policy(b(latest), PRIVILEGED, b(latest)),
            policy(b(latest), PRIVILEGED, PRIVILEGED),
            "",
        ),
        (
            "simple warn",
            vec![("warn", "restricted")],
            policy(PRIVILEGED, PRIVILEGED, r(latest)),
            policy(PRIVILEGED, PRIVILEGED, r(latest)),
            "",
        ),
        (
            "simple audit",
            vec![("audit", "baseline")],
            policy(PRIVILEGED, b(latest), PRIVILEGED),
            policy(PRIVILEGED, b(latest), PRIVILEGED),
            "",
        ),
        (
            "enforce & warn",
            vec![("enforce", "baseline"), ("warn", "restricted")],
            policy(b(latest), PRIVILEGED, r(latest)),
            policy(b(latest), PRIVILEGED, r(latest)),
            "",
        ),
        (
            "enforce version",
            vec![("enforce", "baseline"), ("enforce-version", "v1.22")],
            policy(b(m(22)), PRIVILEGED, b(m(22))),
            policy(b(m(22)), PRIVILEGED, PRIVILEGED),
            "",
        ),
        (
            "enforce version & warn-version",
            vec![
                ("enforce", "baseline"),
                ("enforce-version", "v1.22"),
                ("warn-version", "latest"),
            ],
            policy(b(m(22)), PRIVILEGED, b(latest)),
            policy(b(m(22)), PRIVILEGED, PRIVILEGED),
            "",
        ),
        (
            "enforce & warn-version",
            vec![("enforce", "baseline"), ("warn-version", "v1.23")],
            policy(b(latest), PRIVILEGED, b(m(23))),
            policy(b(latest), PRIVILEGED, lv(Privileged, m(23))),
            "",
        ),
        (
            "fully specd",
            vec![
                ("enforce", "baseline"),
                ("enforce-version", "v1.20"),
                ("warn", "restricted"),
                ("warn-version", "v1.21"),
                ("audit", "restricted"),
                ("audit-version", "v1.22"),
            ],
            policy(b(m(20)), r(m(22)), r(m(21))),
            policy(b(m(20)), r(m(22)), r(m(21))),
            "",
        ),
        (
            "enforce no warn",
            vec![("enforce", "baseline"), ("warn", "privileged")],
            policy(b(latest), PRIVILEGED, PRIVILEGED),
            policy(b(latest), PRIVILEGED, PRIVILEGED),
            "",
        ),
        (
            "enforce warn error",
            vec![("enforce", "baseline"), ("warn", "foo")],
            policy(b(latest), PRIVILEGED, PRIVILEGED),
            policy(b(latest), PRIVILEGED, PRIVILEGED),
            "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"foo\": must be one of privileged, baseline, restricted",
        ),
        (
            "enforce error",
            vec![("enforce", "foo")],
            policy(r(latest), PRIVILEGED, PRIVILEGED),
            policy(r(latest), PRIVILEGED, PRIVILEGED),
            "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"foo\": must be one of privileged, baseline, restricted",
        ),
        // Not upstream's: a warn level no stricter than enforce is left alone, and an invalid
        // enforce version still lets warn follow the (valid) enforce level.
        (
            "enforce below warn",
            vec![("enforce", "baseline"), ("warn", "restricted")],
            policy(b(latest), PRIVILEGED, r(latest)),
            policy(b(latest), PRIVILEGED, r(latest)),
            "",
        ),
        (
            "enforce with a bad version",
            vec![("enforce", "restricted"), ("enforce-version", "v1.02")],
            policy(r(latest), PRIVILEGED, r(latest)),
            policy(r(latest), PRIVILEGED, PRIVILEGED),
            "metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: \"v1.02\": must be \"latest\" or \"v1.x\"",
        ),
    ];
    for (desc, pairs, want, want_before, error) in cases {
        // makeLabels adds a label of no concern to the plugin.
        let mut pairs = pairs;
        pairs.push(("other-label", "foo-bar"));
        let l = labels(&pairs);
        for (minor, want) in [(37, want), (26, want), (25, want_before), (23, want_before)] {
            let (got, errs) = policy_to_evaluate(l.as_object(), &Policy::default(), minor);
            assert_eq!(got, want, "{desc} at v1.{minor}");
            let texts: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            let want_errs: Vec<&str> = [error].into_iter().filter(|e| !e.is_empty()).collect();
            assert_eq!(texts, want_errs, "{desc} at v1.{minor}");
        }
    }
    // No labels at all: the defaults, whatever they are.
    let defaults = policy(r(m(1)), b(latest), PRIVILEGED);
    assert_eq!(
        policy_to_evaluate(None, &defaults, 37),
        (defaults, Vec::new())
    );
    assert_eq!(
        policy_to_evaluate(labels(&[]).as_object(), &defaults, 37),
        (defaults, Vec::new())
    );
    // Every bad label is reported, in the order enforce, audit, warn (level, then version).
    let (got, errs) = policy_to_evaluate(
        labels(&[
            ("warn-version", "v2"),
            ("warn", ""),
            ("audit-version", "x"),
            ("audit", "Baseline"),
            ("enforce-version", "1.2"),
            ("enforce", "none"),
        ])
        .as_object(),
        &Policy::default(),
        37,
    );
    assert_eq!(got, policy(r(latest), PRIVILEGED, PRIVILEGED));
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "metadata.labels[pod-security.kubernetes.io/enforce]",
            "metadata.labels[pod-security.kubernetes.io/enforce-version]",
            "metadata.labels[pod-security.kubernetes.io/audit]",
            "metadata.labels[pod-security.kubernetes.io/audit-version]",
            "metadata.labels[pod-security.kubernetes.io/warn]",
            "metadata.labels[pod-security.kubernetes.io/warn-version]",
        ]
    );
}

// ---- admission/admission_test.go: the pod-spec extractor ------------------------------------

/// `TestDefaultExtractPodSpec` and `TestDefaultHasPodSpec`: the template of each kind of pod
/// controller is the one checked (a privileged one is warned about in a namespace warned at
/// baseline); other resources are not looked at.
#[test]
fn pod_templates_are_read_where_the_extractor_finds_them() {
    let mut cluster = Cluster::new(37);
    cluster.add_namespace("test", labels(&[("warn", "baseline")]));
    let template = json!({
        "metadata": {"name": "foo-pod"},
        "spec": privileged_pod()["spec"].clone()
    });
    let objects = [
        ("", "podtemplates", json!({"template": template})),
        (
            "",
            "replicationcontrollers",
            json!({"spec": {"template": template}}),
        ),
        (
            "apps",
            "replicasets",
            json!({"spec": {"template": template}}),
        ),
        (
            "apps",
            "deployments",
            json!({"spec": {"template": template}}),
        ),
        (
            "apps",
            "statefulsets",
            json!({"spec": {"template": template}}),
        ),
        (
            "apps",
            "daemonsets",
            json!({"spec": {"template": template}}),
        ),
        ("batch", "jobs", json!({"spec": {"template": template}})),
        (
            "batch",
            "cronjobs",
            json!({"spec": {"jobTemplate": {"spec": {"template": template}}}}),
        ),
    ];
    let u = user("test-user");
    for (group, resource, mut object) in objects {
        assert!(template_path(group, resource).is_some(), "{resource}");
        object["metadata"] = json!({"name": "foo", "namespace": "test"});
        let a = request(
            Operation::Create,
            group,
            resource,
            "",
            "test",
            "foo",
            &u,
            Some(object),
            None,
        );
        let answer = cluster.run(&a);
        assert_eq!(answer.outcome(), "allowed", "{resource}");
        assert_eq!(
            answer.warnings,
            [format!(
                "would violate PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}"
            )],
            "{resource}"
        );
        assert!(answer.annotations.is_empty(), "{resource}");
    }
    // A pod's own spec is read by the pod path, not the extractor's.
    assert!(template_path("", "pods").is_none());
    // A ReplicationController's template is optional: without one there is nothing to check.
    let a = request(
        Operation::Create,
        "",
        "replicationcontrollers",
        "",
        "test",
        "foo",
        &u,
        Some(json!({"metadata": {"name": "foo", "namespace": "test"}, "spec": {"replicas": 1}})),
        None,
    );
    let answer = cluster.run(&a);
    assert_eq!(answer.outcome(), "allowed");
    assert!(answer.warnings.is_empty() && answer.annotations.is_empty());
    // Resources without a pod spec.
    for (group, resource) in [
        ("", "services"),
        ("admission.k8s.io", "admissionreviews"),
        ("apps", "foobars"),
        ("extensions", "deployments"),
    ] {
        assert!(template_path(group, resource).is_none(), "{resource}");
        let a = request(
            Operation::Create,
            group,
            resource,
            "",
            "test",
            "foo",
            &u,
            Some(json!({"metadata": {"name": "foo"}, "spec": {"template": template}})),
            None,
        );
        let answer = cluster.run(&a);
        assert!(
            matches!(answer.verdict, Verdict::Skip(_)),
            "{resource}: {answer:?}"
        );
        assert!(answer.warnings.is_empty() && answer.annotations.is_empty());
    }
}

// ---- admission/admission_test.go: TestValidateNamespace -------------------------------------

/// One case of `TestValidateNamespace`.
struct NamespaceCase {
    name: &'static str,
    exempt_namespaces: &'static [&'static str],
    exempt_runtime_classes: &'static [&'static str],
    defaults: Option<Policy>,
    new_labels: Vec<(&'static str, &'static str)>,
    /// `None`: a create.
    old_labels: Option<Vec<(&'static str, &'static str)>>,
    /// `allowed`, or the refusal.
    outcome: String,
    warnings: Vec<String>,
}

impl Default for NamespaceCase {
    fn default() -> Self {
        NamespaceCase {
            name: "",
            exempt_namespaces: &[],
            exempt_runtime_classes: &[],
            defaults: None,
            new_labels: Vec::new(),
            old_labels: None,
            outcome: "allowed".into(),
            warnings: Vec::new(),
        }
    }
}

/// Upstream's default pods for the namespace scan: three fail with one reason (two of them
/// with runtime classes), one with two reasons.
fn scanned_pods(cluster: &mut Cluster) {
    cluster.add_pod("test", "noruntimeclasspod", host_network_pod());
    cluster.add_pod(
        "test",
        "runtimeclass1pod",
        with_runtime_class(host_network_pod(), "runtimeclass1"),
    );
    cluster.add_pod(
        "test",
        "runtimeclass2pod",
        with_runtime_class(host_network_pod(), "runtimeclass2"),
    );
    cluster.add_pod("test", "runtimeclass3pod", host_network_and_port_pod());
}

fn run_namespace_case(minor: u32, c: &NamespaceCase) -> Answer {
    let mut cluster = Cluster::new(minor);
    cluster.config.namespaces = c.exempt_namespaces.iter().map(|s| s.to_string()).collect();
    cluster.config.runtime_classes = c
        .exempt_runtime_classes
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(d) = c.defaults {
        cluster.config.defaults = d;
    }
    scanned_pods(&mut cluster);
    let u = user("test-user");
    let new = namespace_object("test", labels(&c.new_labels));
    let a = match &c.old_labels {
        None => request(
            Operation::Create,
            "",
            "namespaces",
            "",
            "",
            "test",
            &u,
            Some(new),
            None,
        ),
        Some(old) => request(
            Operation::Update,
            "",
            "namespaces",
            "",
            "",
            "test",
            &u,
            Some(new),
            Some(namespace_object("test", labels(old))),
        ),
    };
    cluster.run(&a)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const INVALID_LEVEL: &str = "422 Invalid: Namespace \"test\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"unknown\": must be one of privileged, baseline, restricted";
const INVALID_VERSION: &str = "422 Invalid: Namespace \"test\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: \"unknown\": must be \"latest\" or \"v1.x\"";
const SCAN_HEADER: &str =
    "existing pods in namespace \"test\" violate the new PodSecurity enforce level \"restricted:latest\"";

/// `TestValidateNamespace`: labels checked on create and on a change, existing pods scanned
/// only when the enforce level is tightened, exempt namespaces warned about. (The pods in the
/// namespace would all fail any level but privileged, so a case without warnings scanned
/// none.)
#[test]
fn validate_namespace() {
    let restricted_latest = lv(Level::Restricted, Version::Latest);
    let cases = vec![
        // Creation: the labels are checked, nothing is scanned.
        NamespaceCase {
            name: "create privileged",
            new_labels: vec![("enforce", "privileged"), ("enforce-version", "v1.0")],
            ..Default::default()
        },
        NamespaceCase {
            name: "create baseline",
            new_labels: vec![("enforce", "baseline")],
            ..Default::default()
        },
        NamespaceCase {
            name: "create restricted",
            new_labels: vec![("enforce", "restricted")],
            ..Default::default()
        },
        NamespaceCase {
            name: "create restricted exempt",
            new_labels: vec![("enforce", "restricted")],
            exempt_namespaces: &["test"],
            warnings: strings(&["namespace \"test\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored"]),
            ..Default::default()
        },
        NamespaceCase {
            name: "create malformed level",
            new_labels: vec![("enforce", "unknown")],
            outcome: INVALID_LEVEL.into(),
            ..Default::default()
        },
        NamespaceCase {
            name: "create malformed version",
            new_labels: vec![("enforce", "privileged"), ("enforce-version", "unknown")],
            outcome: INVALID_VERSION.into(),
            ..Default::default()
        },
        // Updates that do not tighten the enforced policy.
        NamespaceCase {
            name: "update no-op",
            new_labels: vec![("enforce", "restricted"), ("enforce-version", "v1.0")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update no-op malformed level",
            new_labels: vec![("enforce", "unknown")],
            old_labels: Some(vec![("enforce", "unknown")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update no-op malformed version",
            new_labels: vec![("enforce", "baseline"), ("enforce-version", "unknown")],
            old_labels: Some(vec![("enforce", "baseline"), ("enforce-version", "unknown")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update relax level identical version",
            new_labels: vec![("enforce", "baseline"), ("enforce-version", "v1.0")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update relax level explicit latest",
            new_labels: vec![("enforce", "baseline"), ("enforce-version", "latest")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "latest")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update relax level implicit latest",
            new_labels: vec![("enforce", "baseline")],
            old_labels: Some(vec![("enforce", "restricted")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update to explicit privileged",
            new_labels: vec![("enforce", "privileged")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update to implicit privileged",
            new_labels: vec![],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update exempt to restricted",
            exempt_namespaces: &["test"],
            new_labels: vec![
                ("enforce", "restricted"),
                ("enforce-version", "v1.0"),
                ("audit", "restricted"),
                ("warn", "baseline"),
            ],
            old_labels: Some(vec![]),
            warnings: strings(&["namespace \"test\" is exempt from Pod Security, and the policy (enforce=restricted:v1.0, audit=restricted:latest, warn=baseline:latest) will be ignored"]),
            ..Default::default()
        },
        // Updates that make the labels invalid.
        NamespaceCase {
            name: "update malformed level",
            new_labels: vec![("enforce", "unknown")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            outcome: INVALID_LEVEL.into(),
            ..Default::default()
        },
        NamespaceCase {
            name: "update malformed version",
            new_labels: vec![("enforce", "privileged"), ("enforce-version", "unknown")],
            old_labels: Some(vec![("enforce", "restricted"), ("enforce-version", "v1.0")]),
            outcome: INVALID_VERSION.into(),
            ..Default::default()
        },
        // Updates that tighten the enforced policy: the existing pods are checked.
        NamespaceCase {
            name: "update to implicit restricted",
            new_labels: vec![],
            old_labels: Some(vec![("enforce", "baseline"), ("enforce-version", "v1.0")]),
            defaults: Some(policy(restricted_latest, PRIVILEGED, PRIVILEGED)),
            warnings: strings(&[
                SCAN_HEADER,
                "noruntimeclasspod (and 2 other pods): host namespaces",
                "runtimeclass3pod: host namespaces, hostPort",
            ]),
            ..Default::default()
        },
        NamespaceCase {
            name: "update with runtimeclass exempt pods",
            exempt_runtime_classes: &["runtimeclass1"],
            new_labels: vec![("enforce", "restricted")],
            old_labels: Some(vec![("enforce", "baseline")]),
            warnings: strings(&[
                SCAN_HEADER,
                "noruntimeclasspod (and 1 other pod): host namespaces",
                "runtimeclass3pod: host namespaces, hostPort",
            ]),
            ..Default::default()
        },
        // Not upstream's: invalid labels left as they were still take part (an invalid
        // enforce level reads as restricted, so a new version is a tightening to scan for).
        NamespaceCase {
            name: "unchanged invalid level, new version",
            new_labels: vec![("enforce", "unknown"), ("enforce-version", "v1.0")],
            old_labels: Some(vec![("enforce", "unknown")]),
            warnings: strings(&[
                "existing pods in namespace \"test\" violate the new PodSecurity enforce level \"restricted:v1.0\"",
                "noruntimeclasspod (and 2 other pods): host namespaces",
                "runtimeclass3pod: host namespaces, hostPort",
            ]),
            ..Default::default()
        },
        NamespaceCase {
            name: "a second invalid label",
            new_labels: vec![("enforce", "unknown"), ("warn", "x")],
            old_labels: Some(vec![("enforce", "unknown")]),
            outcome: "422 Invalid: Namespace \"test\" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"unknown\": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"x\": must be one of privileged, baseline, restricted]".into(),
            ..Default::default()
        },
        NamespaceCase {
            name: "an invalid value changed",
            new_labels: vec![("enforce", "unknown2")],
            old_labels: Some(vec![("enforce", "unknown")]),
            outcome: "422 Invalid: Namespace \"test\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"unknown2\": must be one of privileged, baseline, restricted".into(),
            ..Default::default()
        },
        NamespaceCase {
            name: "audit and warn changes alone scan nothing",
            new_labels: vec![("audit", "restricted"), ("warn", "restricted")],
            old_labels: Some(vec![]),
            ..Default::default()
        },
        NamespaceCase {
            name: "a newer version of the same level is a tightening",
            new_labels: vec![("enforce", "baseline"), ("enforce-version", "v1.1")],
            old_labels: Some(vec![("enforce", "baseline"), ("enforce-version", "v1.0")]),
            warnings: strings(&[
                "existing pods in namespace \"test\" violate the new PodSecurity enforce level \"baseline:v1.1\"",
                "noruntimeclasspod (and 2 other pods): host namespaces",
                "runtimeclass3pod: host namespaces, hostPort",
            ]),
            ..Default::default()
        },
        NamespaceCase {
            name: "an exempt namespace gets no warning when only warn is added",
            exempt_namespaces: &["test"],
            new_labels: vec![("warn", "restricted")],
            old_labels: Some(vec![]),
            ..Default::default()
        },
        NamespaceCase {
            name: "an exempt namespace tightened to the defaults",
            exempt_namespaces: &["test"],
            defaults: Some(policy(restricted_latest, PRIVILEGED, PRIVILEGED)),
            new_labels: vec![],
            old_labels: Some(vec![("enforce", "baseline")]),
            ..Default::default()
        },
    ];
    for c in &cases {
        let answer = run_namespace_case(37, c);
        assert_eq!(answer.outcome(), c.outcome, "{}", c.name);
        assert_eq!(answer.warnings, c.warnings, "{}", c.name);
        assert!(answer.annotations.is_empty(), "{}", c.name);
    }
    // A refusal for bad labels is a 422 naming each field.
    let bad = &cases[4];
    let Verdict::Reject(e) = run_namespace_case(37, bad).verdict else {
        panic!("{} is not refused", bad.name);
    };
    assert_eq!(
        serde_json::Value::Object(*e.details),
        json!({"name": "test", "kind": "Namespace", "causes": [{
            "reason": "FieldValueInvalid",
            "message": "Invalid value: \"unknown\": must be one of privileged, baseline, restricted",
            "field": "metadata.labels[pod-security.kubernetes.io/enforce]"
        }]})
    );
    // Subresources and other operations are not looked at.
    let mut cluster = Cluster::new(37);
    let u = user("test-user");
    for (op, sub) in [
        (Operation::Update, "status"),
        (Operation::Update, "finalize"),
        (Operation::Delete, ""),
    ] {
        let a = request(
            op,
            "",
            "namespaces",
            sub,
            "",
            "test",
            &u,
            Some(namespace_object("test", labels(&[("enforce", "unknown")]))),
            Some(namespace_object("test", labels(&[]))),
        );
        let answer = cluster.run(&a);
        assert_eq!(answer.outcome(), "allowed", "{sub}");
        assert!(answer.warnings.is_empty());
    }
}

/// The same cases as v1.23 to v1.26 answered them: before v1.25 an exempt namespace was not
/// warned about (a tightening was answered with the `exempt` annotation); v1.25 listed every
/// mode that was not privileged, labelled or not.
#[test]
fn validate_namespace_in_older_versions() {
    let restricted_exempt_create = NamespaceCase {
        name: "create restricted exempt",
        new_labels: vec![("enforce", "restricted")],
        exempt_namespaces: &["test"],
        ..Default::default()
    };
    let a = run_namespace_case(24, &restricted_exempt_create);
    assert_eq!(a.outcome(), "allowed");
    assert!(a.warnings.is_empty() && a.annotations.is_empty());
    let a = run_namespace_case(25, &restricted_exempt_create);
    assert_eq!(a.warnings, ["namespace \"test\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored"]);

    let exempt_update = NamespaceCase {
        name: "update exempt to restricted",
        exempt_namespaces: &["test"],
        new_labels: vec![
            ("enforce", "restricted"),
            ("enforce-version", "v1.0"),
            ("audit", "restricted"),
            ("warn", "baseline"),
        ],
        old_labels: Some(vec![]),
        ..Default::default()
    };
    for minor in [23, 24] {
        let a = run_namespace_case(minor, &exempt_update);
        assert_eq!(a.outcome(), "allowed");
        assert!(a.warnings.is_empty());
        assert_eq!(a.annotations, owned(&[("exempt", "namespace")]));
    }
    for minor in [25, 26] {
        let a = run_namespace_case(minor, &exempt_update);
        assert_eq!(a.warnings, ["namespace \"test\" is exempt from Pod Security, and the policy (enforce=restricted:v1.0, audit=restricted:latest, warn=baseline:latest) will be ignored"]);
        assert!(a.annotations.is_empty());
    }
    // v1.25 named the modes from the defaults too; v1.26 only the labelled ones.
    let defaults_baseline = NamespaceCase {
        name: "exempt with baseline defaults",
        exempt_namespaces: &["test"],
        defaults: Some(policy(
            lv(Level::Baseline, Version::Minor(23)),
            lv(Level::Baseline, Version::Minor(23)),
            lv(Level::Baseline, Version::Minor(23)),
        )),
        new_labels: vec![("enforce-version", "latest")],
        ..Default::default()
    };
    let a = run_namespace_case(25, &defaults_baseline);
    assert_eq!(a.warnings, ["namespace \"test\" is exempt from Pod Security, and the policy (enforce=baseline:latest, audit=baseline:v1.23, warn=baseline:v1.23) will be ignored"]);
    let a = run_namespace_case(26, &defaults_baseline);
    assert_eq!(a.warnings, ["namespace \"test\" is exempt from Pod Security, and the policy (enforce=baseline:latest) will be ignored"]);
    // The scan itself has not changed since v1.23.
    let scan = NamespaceCase {
        name: "update with runtimeclass exempt pods",
        exempt_runtime_classes: &["runtimeclass1"],
        new_labels: vec![("enforce", "restricted")],
        old_labels: Some(vec![("enforce", "baseline")]),
        ..Default::default()
    };
    let a = run_namespace_case(23, &scan);
    assert_eq!(
        a.warnings,
        [
            SCAN_HEADER,
            "noruntimeclasspod (and 1 other pod): host namespaces",
            "runtimeclass3pod: host namespaces, hostPort",
        ]
    );
}

/// `TestValidateNamespace`'s "bound number of pods" and "prioritized pods", at our limit of
/// 3000 pods instead of upstream's test limit of 4: pods of an exempt runtime class are not
/// counted, the first pod of each controller and the pods without one come before the other
/// pods of a controller, and only the first 3000 are checked (`TestPrioritizePods`).
#[test]
fn namespace_scan_is_bounded_and_prioritized() {
    assert_eq!(NAMESPACE_MAX_PODS, 3000);
    let tighten = |cluster: &mut Cluster| {
        let u = user("test-user");
        let a = request(
            Operation::Update,
            "",
            "namespaces",
            "",
            "",
            "test",
            &u,
            Some(namespace_object(
                "test",
                labels(&[("enforce", "restricted")]),
            )),
            Some(namespace_object("test", labels(&[("enforce", "baseline")]))),
        );
        cluster.run(&a)
    };

    // Bound number of pods: 3001 pods failing alike, the first 3000 checked.
    let mut cluster = Cluster::new(37);
    for i in 1..=3001 {
        cluster.add_pod("test", &format!("pod{i:04}"), host_network_pod());
    }
    let answer = tighten(&mut cluster);
    assert_eq!(
        answer.warnings,
        [
            "new PodSecurity enforce level only checked against the first 3000 of 3001 existing pods",
            SCAN_HEADER,
            "pod0001 (and 2999 other pods): host namespaces",
        ]
    );

    // Prioritized pods.
    let mut cluster = Cluster::new(37);
    cluster.config.runtime_classes = vec!["runtimeclass1".into()];
    for i in 1..=4 {
        // Exempt pods do not use up the limit.
        cluster.add_pod(
            "test",
            &format!("exemptpod{i}"),
            with_runtime_class(root_pod(), "runtimeclass1"),
        );
        // Replicas of one controller do not either.
        cluster.add_pod(
            "test",
            &format!("replicaset1pod{i}"),
            controlled_by(host_network_pod(), "1"),
        );
        cluster.add_pod(
            "test",
            &format!("replicaset2pod{i}"),
            controlled_by(host_port_pod(), "2"),
        );
    }
    // Unique pods come before the other replicas.
    for i in 1..=3000 {
        cluster.add_pod("test", &format!("uniquepod{i:04}"), root_pod());
    }
    let answer = tighten(&mut cluster);
    assert_eq!(
        answer.warnings,
        [
            "new PodSecurity enforce level only checked against the first 3000 of 3008 existing pods",
            SCAN_HEADER,
            "replicaset1pod1: host namespaces",
            "replicaset2pod1: hostPort",
            "uniquepod0001 (and 2997 other pods): runAsUser=0",
        ]
    );
}

/// `EvaluatePodsInNamespace`'s grouping: one line per distinct set of reasons, named after
/// the lexically first pod with the count of the others, the lines sorted; pods that pass are
/// not mentioned; a controller's pods count like any others when all are checked.
#[test]
fn namespace_scan_groups_and_sorts_its_warnings() {
    let mut cluster = Cluster::new(37);
    cluster.add_namespace("test", labels(&[]));
    cluster.add_pod("test", "b-root", root_pod());
    cluster.add_pod("test", "a-root", controlled_by(root_pod(), "9"));
    cluster.add_pod("test", "c-root", controlled_by(root_pod(), "9"));
    cluster.add_pod("test", "z-port", host_port_pod());
    cluster.add_pod("test", "y-port", host_port_pod());
    cluster.add_pod("test", "m-both", host_network_and_port_pod());
    cluster.add_pod("test", "fine", restricted_pod());
    cluster.add_pod("other", "elsewhere", host_network_pod());
    let u = user("test-user");
    let a = request(
        Operation::Update,
        "",
        "namespaces",
        "",
        "",
        "test",
        &u,
        Some(namespace_object(
            "test",
            labels(&[("enforce", "restricted")]),
        )),
        Some(namespace_object("test", labels(&[]))),
    );
    let answer = cluster.run(&a);
    assert_eq!(answer.outcome(), "allowed");
    assert_eq!(
        answer.warnings,
        [
            SCAN_HEADER,
            "a-root (and 2 other pods): runAsUser=0",
            "m-both: host namespaces, hostPort",
            "y-port (and 1 other pod): hostPort",
        ]
    );
    // At baseline, the pods running as root pass.
    let a = request(
        Operation::Update,
        "",
        "namespaces",
        "",
        "",
        "test",
        &u,
        Some(namespace_object("test", labels(&[("enforce", "baseline")]))),
        Some(namespace_object("test", labels(&[]))),
    );
    let answer = cluster.run(&a);
    assert_eq!(
        answer.warnings,
        [
            "existing pods in namespace \"test\" violate the new PodSecurity enforce level \"baseline:latest\"",
            "m-both: host namespaces, hostPort",
            "y-port (and 1 other pod): hostPort",
        ]
    );
    // No pod fails: no warning at all.
    let mut cluster = Cluster::new(37);
    cluster.add_pod("test", "fine", restricted_pod());
    let answer = cluster.run(&a);
    assert_eq!(answer.outcome(), "allowed");
    assert!(answer.warnings.is_empty());
}

// ---- admission/admission_test.go: TestExemptNamespaceWarning --------------------------------

/// `TestExemptNamespaceWarning`, as of v1.26 and as of v1.25.
#[test]
fn exempt_namespace_warning() {
    let baseline = lv(Level::Baseline, Version::Minor(23));
    let baseline_policy = policy(baseline, baseline, baseline);
    // (name, labels, defaults, the policy the warning names from v1.26, in v1.25; `None`: no
    // warning)
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a str)>,
        Policy,
        Option<&'a str>,
        Option<&'a str>,
    );
    let cases: Vec<Case> = vec![
        ("empty-case", vec![], Policy::default(), None, None),
        (
            "ignore-privileged",
            vec![
                ("enforce", "privileged"),
                ("enforce-version", "v1.24"),
                ("warn-version", "v1.25"),
            ],
            Policy::default(),
            None,
            None,
        ),
        (
            "warn-on-enforce",
            vec![("enforce", "baseline")],
            Policy::default(),
            Some("enforce=baseline:latest"),
            Some("enforce=baseline:latest"),
        ),
        (
            "warn-on-warn",
            vec![("warn", "baseline")],
            Policy::default(),
            Some("warn=baseline:latest"),
            Some("warn=baseline:latest"),
        ),
        (
            "warn-on-audit",
            vec![("audit", "restricted")],
            Policy::default(),
            Some("audit=restricted:latest"),
            Some("audit=restricted:latest"),
        ),
        ("ignore-default-policy", vec![], baseline_policy, None, None),
        (
            "warn-versions-default-policy",
            vec![("warn-version", "latest")],
            baseline_policy,
            Some("warn=baseline:latest"),
            Some("enforce=baseline:v1.23, audit=baseline:v1.23, warn=baseline:latest"),
        ),
        // Not upstream's: baseline defaults, a namespace labelled privileged for enforce
        // only: from v1.26 no labelled mode is left to name.
        (
            "nothing-labelled-left",
            vec![("enforce", "privileged")],
            baseline_policy,
            Some(""),
            Some("audit=baseline:v1.23, warn=baseline:v1.23"),
        ),
        // Not upstream's: a warn level that follows enforce is named only if labelled.
        (
            "warn-follows-enforce",
            vec![("enforce", "restricted")],
            Policy::default(),
            Some("enforce=restricted:latest"),
            Some("enforce=restricted:latest"),
        ),
    ];
    for (name, pairs, defaults, want, want_v125) in cases {
        let mut pairs = pairs;
        // A label of no concern to the plugin is never in the warning.
        pairs.push(("qqincegidneocgu", "vpmxkpcjphxrcpx"));
        let ns = namespace_object(name, labels(&pairs));
        for (minor, want) in [(37, want), (26, want), (25, want_v125)] {
            let (p, errs) = policy_to_evaluate(labels_of(&ns), &defaults, minor);
            assert!(errs.is_empty());
            let got = exempt_warning(name, &p, &defaults, &ns, minor);
            let want = want.map(|list| {
                format!(
                    "namespace \"{name}\" is exempt from Pod Security, and the policy ({list}) will be ignored"
                )
            });
            assert_eq!(got, want, "{name} at v1.{minor}");
        }
        // Before v1.25 an exempt namespace was never warned about.
        let (p, _) = policy_to_evaluate(labels_of(&ns), &defaults, 24);
        assert_eq!(exempt_warning(name, &p, &defaults, &ns, 24), None);
    }
}

// ---- admission/admission_test.go: TestValidatePodAndController ------------------------------

/// What one request is answered with.
#[derive(Clone)]
struct Expect {
    /// `allowed`, or the refusal (`code reason: message`).
    outcome: String,
    annotations: Vec<(String, String)>,
    warnings: Vec<String>,
}

fn allowed(annotations: &[(&str, &str)], warnings: &[&str]) -> Expect {
    Expect {
        outcome: "allowed".into(),
        annotations: owned(annotations),
        warnings: strings(warnings),
    }
}

fn refused(outcome: &str, annotations: &[(&str, &str)]) -> Expect {
    Expect {
        outcome: outcome.into(),
        annotations: owned(annotations),
        warnings: Vec::new(),
    }
}

/// One case of `TestValidatePodAndController`: a pod, and the same pod as a Deployment's
/// template (never refused).
struct PodCase {
    desc: &'static str,
    namespace: &'static str,
    username: &'static str,
    operation: Operation,
    subresource: &'static str,
    pod: Option<Value>,
    old_pod: Option<Value>,
    /// A Deployment other than the pod's, for a deployment-only case.
    deployment: Option<Value>,
    /// `None`: not run as a pod (or as a deployment).
    as_pod: Option<Expect>,
    as_deployment: Option<Expect>,
}

impl Default for PodCase {
    fn default() -> Self {
        PodCase {
            desc: "",
            namespace: "",
            username: "",
            operation: Operation::Create,
            subresource: "",
            pod: None,
            old_pod: None,
            deployment: None,
            as_pod: None,
            as_deployment: None,
        }
    }
}

/// `podToDeployment`.
fn pod_to_deployment(pod: &Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": pod["metadata"],
        "spec": {"template": {"metadata": pod["metadata"], "spec": pod["spec"]}}
    })
}

/// The namespaces and configuration of `TestValidatePodAndController`.
fn pod_cluster(minor: u32) -> Cluster {
    let mut cluster = Cluster::new(minor);
    let modes = |e: &'static str, w: &'static str, a: &'static str| {
        let mut pairs = Vec::new();
        for (mode, level) in [("enforce", e), ("warn", w), ("audit", a)] {
            if !level.is_empty() {
                pairs.push((mode, level));
            }
        }
        labels(&pairs)
    };
    for (name, l) in [
        ("exempt-ns", modes("restricted", "restricted", "restricted")),
        ("implicit-ns", modes("", "", "")),
        (
            "privileged-ns",
            modes("privileged", "privileged", "privileged"),
        ),
        ("baseline-ns", modes("baseline", "baseline", "baseline")),
        ("baseline-warn-ns", modes("", "baseline", "")),
        ("baseline-audit-ns", modes("", "", "baseline")),
        (
            "restricted-ns",
            modes("restricted", "restricted", "restricted"),
        ),
        ("invalid-ns", modes("not-a-valid-level", "", "")),
    ] {
        cluster.add_namespace(name, l);
    }
    cluster.config.namespaces = vec!["exempt-ns".into()];
    cluster.config.runtime_classes = vec!["exempt-runtimeclass".into()];
    cluster.config.usernames = vec!["exempt-user".into()];
    cluster
}

fn run_pod_case(cluster: &mut Cluster, c: &PodCase) {
    let u = user(if c.username.is_empty() {
        "test-user"
    } else {
        c.username
    });
    let in_ns = |v: &Option<Value>| {
        v.clone().map(|mut v| {
            v["metadata"]["namespace"] = json!(c.namespace);
            v
        })
    };
    if let Some(want) = &c.as_pod {
        let a = request(
            c.operation,
            "",
            "pods",
            c.subresource,
            c.namespace,
            "test-pod",
            &u,
            in_ns(&c.pod),
            in_ns(&c.old_pod),
        );
        let got = cluster.run(&a);
        assert_eq!(got.outcome(), want.outcome, "pod: {}", c.desc);
        assert_eq!(got.annotations, want.annotations, "pod: {}", c.desc);
        assert_eq!(got.warnings, want.warnings, "pod: {}", c.desc);
    }
    if let Some(want) = &c.as_deployment {
        let object = c
            .deployment
            .clone()
            .or_else(|| c.pod.as_ref().map(pod_to_deployment));
        let a = request(
            c.operation,
            "apps",
            "deployments",
            c.subresource,
            c.namespace,
            "test-pod",
            &u,
            in_ns(&object),
            in_ns(&c.old_pod.as_ref().map(pod_to_deployment)),
        );
        let got = cluster.run(&a);
        assert_eq!(got.outcome(), want.outcome, "deployment: {}", c.desc);
        assert_eq!(got.annotations, want.annotations, "deployment: {}", c.desc);
        assert_eq!(got.warnings, want.warnings, "deployment: {}", c.desc);
    }
}

/// `TestValidatePodAndController`: each case as a pod and as a Deployment whose template is
/// the pod (a workload is never refused and gets no `enforce-policy`). Upstream's decoding
/// failures have no counterpart here: the API server hands the plugin the request's own type.
#[test]
fn validate_pod_and_controller() {
    let restricted_violation = format!(
        "would violate PodSecurity \"restricted:latest\": {}",
        privileged_pod_at_restricted()
    );
    let restricted_refusal = format!(
        "403 Forbidden: pods \"test-pod\" is forbidden: violates PodSecurity \"restricted:latest\": {}",
        privileged_pod_at_restricted()
    );
    let baseline_violation =
        format!("would violate PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}");
    let lookup = "namespaces \"missing-ns\" not found";
    let invalid_labels = "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"not-a-valid-level\": must be one of privileged, baseline, restricted";

    let mut tolerant = privileged_pod();
    tolerant["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
    let mut different_privileged = privileged_pod();
    different_privileged["spec"]["containers"][0]["image"] =
        json!("https://example.com/a-different-image");
    let mut different_restricted = restricted_pod();
    different_restricted["spec"]["containers"][0]["image"] =
        json!("https://example.com/a-different-image");
    let empty_deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "test-pod", "labels": {"foo": "bar"}}, "spec": {}
    });

    let cases = vec![
        PodCase {
            desc: "ignored subresource",
            namespace: "restricted-ns",
            pod: Some(privileged_pod()),
            subresource: "status",
            as_pod: Some(allowed(&[], &[])),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "exempt namespace",
            namespace: "exempt-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[("exempt", "namespace")], &[])),
            as_deployment: Some(allowed(&[("exempt", "namespace")], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "exempt user",
            namespace: "restricted-ns",
            username: "exempt-user",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[("exempt", "user")], &[])),
            as_deployment: Some(allowed(&[("exempt", "user")], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "exempt runtimeClass",
            namespace: "restricted-ns",
            pod: Some(with_runtime_class(privileged_pod(), "exempt-runtimeclass")),
            as_pod: Some(allowed(&[("exempt", "runtimeClass")], &[])),
            as_deployment: Some(allowed(&[("exempt", "runtimeClass")], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "namespace not found",
            namespace: "missing-ns",
            pod: Some(restricted_pod()),
            as_pod: Some(refused(
                "500 InternalError: Internal error occurred: failed to lookup namespace \"missing-ns\"",
                &[(
                    "error",
                    &format!("Internal error occurred: failed to lookup namespace \"missing-ns\": {lookup}"),
                )],
            )),
            as_deployment: Some(allowed(
                &[(
                    "error",
                    &format!("failed to lookup namespace \"missing-ns\": {lookup}"),
                )],
                &[],
            )),
            ..Default::default()
        },
        PodCase {
            desc: "short-circuit privileged:latest (implicit)",
            namespace: "implicit-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[("enforce-policy", "privileged:latest")], &[])),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "short-circuit privileged:latest (explicit)",
            namespace: "privileged-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[("enforce-policy", "privileged:latest")], &[])),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "insignificant update",
            namespace: "restricted-ns",
            operation: Operation::Update,
            pod: Some(tolerant),
            old_pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "significant update denied",
            namespace: "restricted-ns",
            operation: Operation::Update,
            pod: Some(different_privileged),
            old_pod: Some(privileged_pod()),
            as_pod: Some(refused(
                &restricted_refusal,
                &[
                    ("audit-violations", &restricted_violation),
                    ("enforce-policy", "restricted:latest"),
                ],
            )),
            as_deployment: Some(allowed(
                &[("audit-violations", &restricted_violation)],
                &[&restricted_violation],
            )),
            ..Default::default()
        },
        PodCase {
            desc: "significant update allowed",
            namespace: "restricted-ns",
            operation: Operation::Update,
            pod: Some(different_restricted),
            old_pod: Some(restricted_pod()),
            as_pod: Some(allowed(&[("enforce-policy", "restricted:latest")], &[])),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "invalid namespace labels",
            namespace: "invalid-ns",
            pod: Some(baseline_pod()),
            as_pod: Some(refused(
                &format!("403 Forbidden: pods \"test-pod\" is forbidden: violates PodSecurity \"restricted:latest\": {BASELINE_POD_AT_RESTRICTED}"),
                &[
                    ("enforce-policy", "restricted:latest"),
                    ("error", invalid_labels),
                ],
            )),
            as_deployment: Some(allowed(&[("error", invalid_labels)], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "enforce deny",
            namespace: "restricted-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(refused(
                &restricted_refusal,
                &[
                    ("audit-violations", &restricted_violation),
                    ("enforce-policy", "restricted:latest"),
                ],
            )),
            as_deployment: Some(allowed(
                &[("audit-violations", &restricted_violation)],
                &[&restricted_violation],
            )),
            ..Default::default()
        },
        PodCase {
            desc: "enforce allow",
            namespace: "baseline-ns",
            pod: Some(baseline_pod()),
            as_pod: Some(allowed(&[("enforce-policy", "baseline:latest")], &[])),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "warn deny",
            namespace: "baseline-warn-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(
                &[("enforce-policy", "privileged:latest")],
                &[&baseline_violation],
            )),
            as_deployment: Some(allowed(&[], &[&baseline_violation])),
            ..Default::default()
        },
        PodCase {
            desc: "audit deny",
            namespace: "baseline-audit-ns",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(
                &[
                    ("audit-violations", &baseline_violation),
                    ("enforce-policy", "privileged:latest"),
                ],
                &[],
            )),
            as_deployment: Some(allowed(&[("audit-violations", &baseline_violation)], &[])),
            ..Default::default()
        },
        PodCase {
            desc: "no pod template",
            namespace: "restricted-ns",
            deployment: Some(empty_deployment),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
    ];
    let mut cluster = pod_cluster(37);
    for c in &cases {
        run_pod_case(&mut cluster, c);
    }
}

/// Not upstream's table, but its rules: the subresources of pods that are let through, the
/// ones that are checked, the namespace exemption before the user's, the runtime class
/// exemption before a bad label's error, and the same texts for every version of the
/// namespace's policy.
#[test]
fn validate_pod_and_controller_edges() {
    let mut cluster = pod_cluster(37);
    // Every ignored subresource of pods is let through unexamined, even in an exempt
    // namespace; workloads ignore every subresource.
    for sub in [
        "exec",
        "attach",
        "binding",
        "eviction",
        "log",
        "portforward",
        "proxy",
        "status",
    ] {
        run_pod_case(
            &mut cluster,
            &PodCase {
                desc: sub,
                namespace: "exempt-ns",
                subresource: sub,
                pod: Some(privileged_pod()),
                as_pod: Some(allowed(&[], &[])),
                ..Default::default()
            },
        );
    }
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "deployments/scale",
            namespace: "restricted-ns",
            subresource: "scale",
            operation: Operation::Update,
            pod: Some(privileged_pod()),
            as_deployment: Some(allowed(&[], &[])),
            ..Default::default()
        },
    );
    // Adding a privileged debug container through pods/ephemeralcontainers is checked, and
    // the pod's existing containers with it.
    let mut debugged = restricted_pod();
    debugged["spec"]["ephemeralContainers"] = json!([{
        "name": "debugger", "image": "busybox", "securityContext": {"privileged": true}
    }]);
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "ephemeral container added",
            namespace: "baseline-ns",
            subresource: "ephemeralcontainers",
            operation: Operation::Update,
            pod: Some(debugged),
            old_pod: Some(restricted_pod()),
            as_pod: Some(refused(
                "403 Forbidden: pods \"test-pod\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"debugger\" must not set securityContext.privileged=true)",
                &[
                    ("audit-violations", "would violate PodSecurity \"baseline:latest\": privileged (container \"debugger\" must not set securityContext.privileged=true)"),
                    ("enforce-policy", "baseline:latest"),
                ],
            )),
            ..Default::default()
        },
    );
    // A resize changes no image: let through once the exemptions and privileged namespaces
    // have had their say.
    let mut resized = privileged_pod();
    resized["spec"]["containers"][0]["resources"] = json!({"limits": {"cpu": "2"}});
    for (ns, want) in [
        ("restricted-ns", allowed(&[], &[])),
        ("exempt-ns", allowed(&[("exempt", "namespace")], &[])),
        (
            "privileged-ns",
            allowed(&[("enforce-policy", "privileged:latest")], &[]),
        ),
    ] {
        run_pod_case(
            &mut cluster,
            &PodCase {
                desc: "resize",
                namespace: ns,
                subresource: "resize",
                operation: Operation::Update,
                pod: Some(resized.clone()),
                old_pod: Some(privileged_pod()),
                as_pod: Some(want),
                ..Default::default()
            },
        );
    }
    // The exempt namespace wins over the exempt user; a user is exempt by exact name.
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "exempt namespace and user",
            namespace: "exempt-ns",
            username: "exempt-user",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(&[("exempt", "namespace")], &[])),
            ..Default::default()
        },
    );
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "not quite the exempt user",
            namespace: "baseline-warn-ns",
            username: "Exempt-user",
            pod: Some(privileged_pod()),
            as_pod: Some(allowed(
                &[("enforce-policy", "privileged:latest")],
                &[&format!(
                    "would violate PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}"
                )],
            )),
            ..Default::default()
        },
    );
    // A runtime class exemption comes before the bad labels are reported.
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "exempt runtime class in a namespace with bad labels",
            namespace: "invalid-ns",
            pod: Some(with_runtime_class(privileged_pod(), "exempt-runtimeclass")),
            as_pod: Some(allowed(&[("exempt", "runtimeClass")], &[])),
            as_deployment: Some(allowed(&[("exempt", "runtimeClass")], &[])),
            ..Default::default()
        },
    );
    // A runtime class that is not exempt changes nothing.
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "another runtime class",
            namespace: "baseline-ns",
            pod: Some(with_runtime_class(privileged_pod(), "gvisor")),
            as_pod: Some(refused(
                &format!("403 Forbidden: pods \"test-pod\" is forbidden: violates PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}"),
                &[
                    ("audit-violations", &format!("would violate PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}")),
                    ("enforce-policy", "baseline:latest"),
                ],
            )),
            ..Default::default()
        },
    );
    // The texts name the level and version as labelled (a version beyond the newest is
    // evaluated as the newest, and still written as labelled); warn that equals audit is
    // both warned and audited.
    cluster.add_namespace(
        "future-ns",
        labels(&[
            ("enforce", "baseline"),
            ("enforce-version", "v1.99"),
            ("warn", "restricted"),
            ("warn-version", "v1.99"),
            ("audit", "restricted"),
            ("audit-version", "v1.99"),
        ]),
    );
    let future =
        format!("would violate PodSecurity \"restricted:v1.99\": {BASELINE_POD_AT_RESTRICTED}");
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "a future version",
            namespace: "future-ns",
            pod: Some(baseline_pod()),
            as_pod: Some(allowed(
                &[
                    ("audit-violations", &future),
                    ("enforce-policy", "baseline:v1.99"),
                ],
                &[&future],
            )),
            as_deployment: Some(allowed(&[("audit-violations", &future)], &[&future])),
            ..Default::default()
        },
    );
    // An invalid warn label fails open, and is reported.
    cluster.add_namespace(
        "bad-warn-ns",
        labels(&[("enforce", "baseline"), ("warn", "strict")]),
    );
    let bad_warn = "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"strict\": must be one of privileged, baseline, restricted";
    run_pod_case(
        &mut cluster,
        &PodCase {
            desc: "an invalid warn label",
            namespace: "bad-warn-ns",
            pod: Some(baseline_pod()),
            as_pod: Some(allowed(
                &[("enforce-policy", "baseline:latest"), ("error", bad_warn)],
                &[],
            )),
            as_deployment: Some(allowed(&[("error", bad_warn)], &[])),
            ..Default::default()
        },
    );
}

/// The plugin as v1.23 and v1.24 answered: an unquoted namespace in the lookup errors.
#[test]
fn validate_pod_and_controller_in_older_versions() {
    let lookup = "namespaces \"missing-ns\" not found";
    for (minor, shown) in [(24, "missing-ns"), (25, "\"missing-ns\"")] {
        let mut cluster = pod_cluster(minor);
        run_pod_case(
            &mut cluster,
            &PodCase {
                desc: "namespace not found",
                namespace: "missing-ns",
                pod: Some(restricted_pod()),
                as_pod: Some(refused(
                    &format!("500 InternalError: Internal error occurred: failed to lookup namespace {shown}"),
                    &[(
                        "error",
                        &format!("Internal error occurred: failed to lookup namespace {shown}: {lookup}"),
                    )],
                )),
                as_deployment: Some(allowed(
                    &[(
                        "error",
                        &format!("failed to lookup namespace {shown}: {lookup}"),
                    )],
                    &[],
                )),
                ..Default::default()
            },
        );
    }
    // v1.22's plugin is off (its feature gate is alpha).
    let mut cluster = pod_cluster(22);
    let u = user("test-user");
    let a = request(
        Operation::Create,
        "",
        "pods",
        "",
        "restricted-ns",
        "test-pod",
        &u,
        Some(privileged_pod()),
        None,
    );
    assert!(matches!(cluster.run(&a).verdict, Verdict::Skip(_)));
}

/// The trace never says a check ran when none did: a privileged namespace, an exempt user or an
/// ignored subresource let the pod pass unchecked (a skip); only an evaluated pod is admitted.
#[test]
fn only_an_evaluated_pod_is_admitted_in_the_trace() {
    let mut cluster = pod_cluster(37);
    let u = user("test-user");
    let at = |ns: &str, sub: &str, pod: Value| {
        request(
            Operation::Create,
            "",
            "pods",
            sub,
            ns,
            "test-pod",
            &u,
            Some(pod),
            None,
        )
    };
    let skipped = |v: &Verdict| matches!(v, Verdict::Skip(_));
    assert!(skipped(
        &cluster
            .run(&at("privileged-ns", "", privileged_pod()))
            .verdict
    ));
    assert!(skipped(
        &cluster
            .run(&at("restricted-ns", "exec", privileged_pod()))
            .verdict
    ));
    assert!(matches!(
        cluster
            .run(&at("restricted-ns", "", restricted_pod()))
            .verdict,
        Verdict::Admit(_)
    ));
}

// ---- isSignificantPodUpdate -----------------------------------------------------------------

/// `isSignificantPodUpdate` through the plugin: an update that is not significant is let
/// through unchecked (the privileged pod stays in a restricted namespace); a significant one
/// is checked (and refused). v1.23–v1.24 also looked at the seccomp annotations of the pod
/// and its containers, v1.25–v1.26 at the containers' only.
#[test]
fn significant_pod_updates() {
    let image = |pod: &mut Value, list: &str, i: usize, image: &str| {
        pod["spec"][list][i]["image"] = json!(image);
    };
    let annotate = |pod: &mut Value, k: &str, v: &str| {
        pod["metadata"]["annotations"][k] = json!(v);
    };
    let ephemeral = |name: &str, image: &str| json!({"name": name, "image": image});
    type Change = Box<dyn Fn(&mut Value, &mut Value)>;
    // (description, change to (new, old), significant from v1.27, in v1.25–26, in v1.23–24)
    let cases: Vec<(&str, Change, bool, bool, bool)> = vec![
        ("nothing", Box::new(|_, _| {}), false, false, false),
        (
            "a label",
            Box::new(|n, _| n["metadata"]["labels"]["x"] = json!("y")),
            false,
            false,
            false,
        ),
        (
            "tolerations and a deadline",
            Box::new(|n, _| {
                n["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
                n["spec"]["activeDeadlineSeconds"] = json!(5);
            }),
            false,
            false,
            false,
        ),
        (
            "a container's image",
            Box::new(move |n, _| image(n, "containers", 0, "nginx")),
            true,
            true,
            true,
        ),
        (
            "an init container's image",
            Box::new(move |n, _| image(n, "initContainers", 0, "nginx")),
            true,
            true,
            true,
        ),
        (
            "a container added",
            Box::new(|n, _| {
                n["spec"]["containers"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "c2", "image": "x"}))
            }),
            true,
            true,
            true,
        ),
        (
            "an init container removed",
            Box::new(|n, _| n["spec"]["initContainers"] = json!([])),
            true,
            true,
            true,
        ),
        (
            "an image set to an empty one where there was none",
            Box::new(|n, o| {
                n["spec"]["containers"][0]["image"] = json!("");
                o["spec"]["containers"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("image");
            }),
            false,
            false,
            false,
        ),
        (
            "an ephemeral container added",
            Box::new(move |n, _| n["spec"]["ephemeralContainers"] = json!([ephemeral("e", "x")])),
            true,
            true,
            true,
        ),
        (
            "an ephemeral container's image",
            Box::new(move |n, o| {
                n["spec"]["ephemeralContainers"] = json!([ephemeral("e", "y")]);
                o["spec"]["ephemeralContainers"] = json!([ephemeral("e", "x")]);
            }),
            true,
            true,
            true,
        ),
        (
            "ephemeral containers reordered",
            Box::new(move |n, o| {
                n["spec"]["ephemeralContainers"] =
                    json!([ephemeral("b", "y"), ephemeral("a", "x")]);
                o["spec"]["ephemeralContainers"] =
                    json!([ephemeral("a", "x"), ephemeral("b", "y")]);
            }),
            false,
            false,
            false,
        ),
        (
            "an ephemeral container removed",
            Box::new(move |_, o| o["spec"]["ephemeralContainers"] = json!([ephemeral("e", "x")])),
            false,
            false,
            false,
        ),
        (
            "the pod's seccomp annotation",
            Box::new(move |n, _| {
                annotate(n, "seccomp.security.alpha.kubernetes.io/pod", "unconfined")
            }),
            false,
            false,
            true,
        ),
        (
            "the pod's seccomp annotation set empty",
            Box::new(move |n, _| annotate(n, "seccomp.security.alpha.kubernetes.io/pod", "")),
            false,
            false,
            false,
        ),
        (
            "a container's seccomp annotation",
            Box::new(move |n, _| {
                annotate(
                    n,
                    "container.seccomp.security.alpha.kubernetes.io/container1",
                    "unconfined",
                )
            }),
            false,
            true,
            true,
        ),
        (
            "an init container's seccomp annotation",
            Box::new(move |n, _| {
                annotate(
                    n,
                    "container.seccomp.security.alpha.kubernetes.io/initcontainer1",
                    "unconfined",
                )
            }),
            false,
            true,
            true,
        ),
        (
            "an ephemeral container's seccomp annotation",
            Box::new(move |n, o| {
                n["spec"]["ephemeralContainers"] = json!([ephemeral("e", "x")]);
                o["spec"]["ephemeralContainers"] = json!([ephemeral("e", "x")]);
                annotate(
                    n,
                    "container.seccomp.security.alpha.kubernetes.io/e",
                    "unconfined",
                )
            }),
            false,
            true,
            true,
        ),
        (
            "the seccomp annotation of no container",
            Box::new(move |n, _| {
                annotate(
                    n,
                    "container.seccomp.security.alpha.kubernetes.io/nobody",
                    "unconfined",
                )
            }),
            false,
            false,
            false,
        ),
    ];
    for (desc, change, from27, v25, v23) in &cases {
        let (mut new, mut old) = (privileged_pod(), privileged_pod());
        change(&mut new, &mut old);
        for (minors, want) in [([27, 37], *from27), ([25, 26], *v25), ([23, 24], *v23)] {
            for minor in minors {
                assert_eq!(
                    significant_update(&new, &old, minor),
                    want,
                    "{desc} at v1.{minor}"
                );
            }
        }
    }
    // Through the plugin: an insignificant update of a privileged pod in a restricted
    // namespace is let through, a significant one refused.
    let mut cluster = pod_cluster(37);
    let u = user("test-user");
    for (desc, change, significant, _, _) in &cases {
        let (mut new, mut old) = (privileged_pod(), privileged_pod());
        change(&mut new, &mut old);
        new["metadata"]["namespace"] = json!("restricted-ns");
        old["metadata"]["namespace"] = json!("restricted-ns");
        let a = request(
            Operation::Update,
            "",
            "pods",
            "",
            "restricted-ns",
            "test-pod",
            &u,
            Some(new),
            Some(old),
        );
        let got = cluster.run(&a);
        assert_eq!(
            matches!(got.verdict, Verdict::Reject(_)),
            *significant,
            "{desc}: {}",
            got.outcome()
        );
        if !significant {
            assert!(
                got.annotations.is_empty() && got.warnings.is_empty(),
                "{desc}"
            );
        }
    }
}

// ---- admission/api: load_test.go and validation_test.go -----------------------------------

fn configure_json(minor: u32, value: Value) -> Result<Config, String> {
    let cfg = PluginConfig {
        value,
        node: None,
        file: String::new(),
    };
    let cp = ControlPlane {
        minor,
        ..ControlPlane::default()
    };
    configure(Some(&cfg), &cp).map_err(|e| e.message)
}

/// `TestLoadFromData` (and `TestLoadFromFile`, `TestLoadFromReader`, which read the same
/// texts): no configuration is every mode privileged at latest; each version of the API reads
/// alike; an empty default is defaulted; exemptions are kept in order.
#[test]
fn load_configuration() {
    assert_eq!(
        configure(None, &ControlPlane::default()).unwrap(),
        Config::default()
    );
    assert_eq!(configure_json(37, Value::Null).unwrap(), Config::default());
    let baseline_enforce = Config {
        defaults: policy(lv(Level::Baseline, Version::Latest), PRIVILEGED, PRIVILEGED),
        ..Config::default()
    };
    let with_exemptions = Config {
        defaults: policy(
            lv(Level::Baseline, Version::Minor(7)),
            PRIVILEGED,
            PRIVILEGED,
        ),
        usernames: vec!["alice".into(), "bob".into()],
        runtime_classes: vec!["special".into()],
        namespaces: vec!["kube-system".into()],
    };
    for version in ["v1alpha1", "v1beta1", "v1"] {
        let api_version = format!("pod-security.admission.config.k8s.io/{version}");
        assert_eq!(
            configure_json(
                37,
                json!({"apiVersion": api_version, "kind": "PodSecurityConfiguration",
                    "defaults": {"enforce": "baseline"}})
            ),
            Ok(baseline_enforce.clone()),
            "{version}"
        );
        assert_eq!(
            configure_json(
                37,
                json!({"apiVersion": api_version, "kind": "PodSecurityConfiguration",
                    "defaults": {"enforce": "baseline", "enforce-version": "v1.7"},
                    "exemptions": {"usernames": ["alice", "bob"], "namespaces": ["kube-system"],
                        "runtimeClasses": ["special"]}})
            ),
            Ok(with_exemptions.clone()),
            "{version}"
        );
    }
    // Empty defaults are defaulted, not refused.
    assert_eq!(
        configure_json(
            37,
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1",
                "kind": "PodSecurityConfiguration",
                "defaults": {"enforce": "", "enforce-version": "", "warn": "restricted"}})
        ),
        Ok(Config {
            defaults: policy(
                PRIVILEGED,
                PRIVILEGED,
                lv(Level::Restricted, Version::Latest)
            ),
            ..Config::default()
        })
    );
    // The versions each Kubernetes version serves: v1beta1 from v1.23, v1 from v1.25.
    let at = |minor, version: &str| {
        configure_json(
            minor,
            json!({"apiVersion": format!("pod-security.admission.config.k8s.io/{version}"),
                "kind": "PodSecurityConfiguration"}),
        )
        .is_ok()
    };
    assert!(at(22, "v1alpha1") && !at(22, "v1beta1") && !at(22, "v1"));
    assert!(at(23, "v1beta1") && !at(24, "v1"));
    assert!(at(25, "v1") && at(37, "v1alpha1"));

    let prefix = "couldn't init admission plugin \"PodSecurity\": ";
    let fails = |value: Value| -> String {
        let e = configure_json(37, value).unwrap_err();
        e.strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{e}"))
            .to_string()
    };
    assert_eq!(
        fails(json!({"kind": "PodSecurityConfiguration"})),
        "Object 'apiVersion' is missing in '{\"kind\":\"PodSecurityConfiguration\"}'"
    );
    assert_eq!(
        fails(json!({"apiVersion": "pod-security.admission.config.k8s.io/v1alpha1"})),
        "Object 'Kind' is missing in '{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1alpha1\"}'"
    );
    // Keys sorted, as kube-apiserver re-encodes an inline configuration.
    assert_eq!(
        fails(json!({"kind": "", "defaults": {"warn": "x", "audit": "y"}, "apiVersion": "v"})),
        "Object 'Kind' is missing in '{\"apiVersion\":\"v\",\"defaults\":{\"audit\":\"y\",\"warn\":\"x\"},\"kind\":\"\"}'"
    );
    // Go's encoder escapes HTML characters.
    assert_eq!(
        fails(json!({"apiVersion": "a<b>&c"})),
        "Object 'Kind' is missing in '{\"apiVersion\":\"a\\u003cb\\u003e\\u0026c\"}'"
    );
    for (api_version, kind, mention) in [
        ("apps/v1alpha1", "PodSecurityConfiguration", "apps/v1alpha1"),
        (
            "pod-security.admission.config.k8s.io/v99",
            "PodSecurityConfiguration",
            "pod-security.admission.config.k8s.io/v99",
        ),
        (
            "pod-security.admission.config.k8s.io/v1alpha1",
            "SomeConfiguration",
            "SomeConfiguration",
        ),
    ] {
        let e = fails(json!({"apiVersion": api_version, "kind": kind}));
        assert!(
            e.starts_with(&format!(
                "no kind \"{kind}\" is registered for version \"{api_version}\""
            )) && e.contains(mention),
            "{e}"
        );
    }
    assert_eq!(
        fails(
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1alpha1",
            "kind": "PodSecurityConfiguration", "deflaults": {"enforce": "baseline"}})
        ),
        "strict decoding error: unknown field \"deflaults\""
    );
    assert_eq!(
        fails(
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1",
            "kind": "PodSecurityConfiguration", "exemptions": {"users": ["x"]}})
        ),
        "strict decoding error: unknown field \"exemptions.users\""
    );
}

/// A configuration from the AdmissionConfiguration file: an inline one is shown re-encoded,
/// one read from its own file is shown as written.
#[test]
fn missing_kind_is_shown_as_the_plugin_read_it() {
    let mut cp = ControlPlane::default();
    cp.args.insert(
        "admission-control-config-file".into(),
        "/etc/kubernetes/admission.yaml".into(),
    );
    let text = "# PodSecurity\napiVersion: pod-security.admission.config.k8s.io/v1\n";
    cp.files
        .insert("/etc/kubernetes/psa.yaml".into(), text.into());
    let value = json!({"apiVersion": "pod-security.admission.config.k8s.io/v1"});
    let from_file = PluginConfig {
        value: value.clone(),
        node: None,
        file: "/etc/kubernetes/psa.yaml".into(),
    };
    assert_eq!(
        configure(Some(&from_file), &cp).unwrap_err().message,
        format!(
            "couldn't init admission plugin \"PodSecurity\": Object 'Kind' is missing in '{text}'"
        )
    );
    let inline = PluginConfig {
        value,
        node: None,
        file: "/etc/kubernetes/admission.yaml".into(),
    };
    assert_eq!(
        configure(Some(&inline), &cp).unwrap_err().message,
        "couldn't init admission plugin \"PodSecurity\": Object 'Kind' is missing in '{\"apiVersion\":\"pod-security.admission.config.k8s.io/v1\"}'"
    );
}

const LABEL_RULE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RULE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// `TestValidatePodSecurityConfiguration`: bad and duplicate exemptions (namespaces, then
/// runtime classes, then users), and bad defaults (which kube-apiserver reports first, when
/// it completes the configuration; empty ones are defaulted before).
#[test]
fn validate_configuration() {
    let too_long = "testtesttesttesttesttesttesttesttesttesttesttesttesttesttesttest";
    let got = configure_json(
        37,
        json!({
            "apiVersion": "pod-security.admission.config.k8s.io/v1",
            "kind": "PodSecurityConfiguration",
            "defaults": {
                "enforce": "privileged", "enforce-version": "v1.22",
                "audit": "baseline", "audit-version": "v1.25",
                "warn": "restricted", "warn-version": "latest"
            },
            "exemptions": {
                "namespaces": ["", "_&$%#", "TEST", too_long, "testing", "testing"],
                "runtimeClasses": ["", "_&$%#", "TEST", "testing", "testing"],
                "usernames": ["", "testing", "testing"]
            }
        }),
    );
    let errors = [
        format!("exemptions.namespaces[0]: Invalid value: \"\": {LABEL_RULE}"),
        format!("exemptions.namespaces[1]: Invalid value: \"_&$%#\": {LABEL_RULE}"),
        format!("exemptions.namespaces[2]: Invalid value: \"TEST\": {LABEL_RULE}"),
        format!(
            "exemptions.namespaces[3]: Invalid value: \"{too_long}\": must be no more than 63 characters"
        ),
        "exemptions.namespaces[5]: Duplicate value: \"testing\"".to_string(),
        format!("exemptions.runtimeClasses[0]: Invalid value: \"\": {SUBDOMAIN_RULE}"),
        format!("exemptions.runtimeClasses[1]: Invalid value: \"_&$%#\": {SUBDOMAIN_RULE}"),
        format!("exemptions.runtimeClasses[2]: Invalid value: \"TEST\": {SUBDOMAIN_RULE}"),
        "exemptions.runtimeClasses[4]: Duplicate value: \"testing\"".to_string(),
        "exemptions.usernames[0]: Invalid value: \"\": username must not be empty".to_string(),
        "exemptions.usernames[2]: Duplicate value: \"testing\"".to_string(),
    ];
    assert_eq!(
        got,
        Err(format!(
            "couldn't init admission plugin \"PodSecurity\": PodSecurity invalid: [{}]",
            errors.join(", ")
        ))
    );
    // One problem alone is not bracketed.
    assert_eq!(
        configure_json(
            37,
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1",
                "kind": "PodSecurityConfiguration", "exemptions": {"usernames": ["a", "a"]}})
        ),
        Err("couldn't init admission plugin \"PodSecurity\": PodSecurity invalid: exemptions.usernames[1]: Duplicate value: \"a\"".into())
    );
    // Bad defaults: the empty warn level and version are defaulted; the others are reported
    // in the order enforce, audit, warn.
    assert_eq!(
        configure_json(
            37,
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1",
                "kind": "PodSecurityConfiguration",
                "defaults": {
                    "enforce": "baslein", "enforce-version": "v.122",
                    "audit": "lorum", "audit-version": "ipsum",
                    "warn": "", "warn-version": ""
                }})
        ),
        Err("couldn't init admission plugin \"PodSecurity\": PodSecurity configuration error: [enforce: must be one of privileged, baseline, restricted, enforce-version: must be \"latest\" or \"v1.x\", audit: must be one of privileged, baseline, restricted, audit-version: must be \"latest\" or \"v1.x\"]".into())
    );
    assert_eq!(
        configure_json(
            37,
            json!({"apiVersion": "pod-security.admission.config.k8s.io/v1",
                "kind": "PodSecurityConfiguration", "defaults": {"warn-version": "v1.01"}})
        ),
        Err("couldn't init admission plugin \"PodSecurity\": PodSecurity configuration error: warn-version: must be \"latest\" or \"v1.x\"".into())
    );
}

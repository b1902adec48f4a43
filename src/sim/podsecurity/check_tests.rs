//! Upstream's unit tests of the `policy` package (`kubernetes/pod-security-admission`
//! `policy/check_*_test.go`, `registry_test.go`, `checks_test.go`), case for case: each pod as
//! the JSON of its Go literal (a nil pointer is an absent member, `ptr.To(false)` an explicit
//! `false`), run through the version of the check that the Go test calls, with the reason and
//! detail it expects word for word.

use serde_json::{json, Value};

use super::*;

/// The version of check `id` that came in at `minor` (the Go function `…_1_<minor>`), over a pod
/// written `{"metadata": …, "spec": …}`.
fn run(id: &str, minor: u32, pod: &Value) -> Outcome {
    let check = CHECKS
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"));
    let version = at(check, minor).unwrap_or_else(|| panic!("{id} has no version at v1.{minor}"));
    assert_eq!(
        version.minimum, minor,
        "{id}: no version starts at v1.{minor}"
    );
    let empty = json!({});
    let meta = pod.get("metadata").unwrap_or(&empty);
    let spec = pod.get("spec").unwrap_or(&empty);
    (version.check)(meta, spec)
}

/// An upstream case: its name, the pod, and the reason and detail expected (`None`: allowed).
type Case = (&'static str, Value, Option<(&'static str, &'static str)>);

/// A pod with only a spec.
fn spec(spec: Value) -> Value {
    json!({ "spec": spec })
}

/// Runs every case through check `id` at `minor`, reporting all the cases that differ.
fn expect(id: &str, minor: u32, cases: &[Case]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(name, pod, want)| {
            let want = want.map(|(r, d)| (r.to_string(), d.to_string()));
            let got = run(id, minor, pod);
            (got != want).then(|| format!("{id} v1.{minor} {name:?}: want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `check_allowPrivilegeEscalation_test.go`.
#[test]
fn allow_privilege_escalation() {
    let multiple = spec(json!({"containers": [
        {"name": "a"},
        {"name": "b", "securityContext": {}},
        {"name": "c", "securityContext": {"allowPrivilegeEscalation": true}},
        {"name": "d", "securityContext": {"allowPrivilegeEscalation": false}},
    ]}));
    let refused = "allowPrivilegeEscalation != false";
    expect(
        "allowPrivilegeEscalation",
        25,
        &[
            (
                "multiple containers",
                multiple.clone(),
                Some((
                    refused,
                    r#"containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false"#,
                )),
            ),
            (
                "windows pod, admit without checking privilegeEscalation",
                spec(json!({"os": {"name": "windows"}, "containers": [{"name": "a"}]})),
                None,
            ),
            (
                "linux pod, reject if security context is not set",
                spec(json!({"os": {"name": "linux"}, "containers": [{"name": "a"}]})),
                Some((
                    refused,
                    r#"container "a" must set securityContext.allowPrivilegeEscalation=false"#,
                )),
            ),
        ],
    );
    expect(
        "allowPrivilegeEscalation",
        8,
        &[(
            "multiple containers",
            multiple,
            Some((
                refused,
                r#"containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false"#,
            )),
        )],
    );
}

/// `check_appArmorProfile_test.go`.
#[test]
fn app_armor_profile() {
    let allowed = |name, pod| (name, pod, None);
    expect(
        "appArmorProfile",
        0,
        &[
            allowed(
                "container with default AppArmor + extra annotations",
                json!({"metadata": {"annotations": {
                    "container.apparmor.security.beta.kubernetes.io/test": "runtime/default",
                    "env": "prod",
                }}, "spec": {}}),
            ),
            allowed(
                "container with local AppArmor + extra annotations",
                json!({"metadata": {"annotations": {
                    "container.apparmor.security.beta.kubernetes.io/test": "localhost/sec-profile01",
                    "env": "dev",
                }}, "spec": {}}),
            ),
            allowed(
                "container with no AppArmor annotations",
                json!({"metadata": {"annotations": {"env": "dev"}}, "spec": {}}),
            ),
            allowed(
                "container with no annotations",
                json!({"metadata": {}, "spec": {}}),
            ),
            allowed(
                "pod with runtime default",
                spec(json!({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}})),
            ),
            allowed(
                "container with localhost profile",
                spec(json!({"containers": [{
                    "name": "foo",
                    "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
                }]})),
            ),
            (
                "unconfined pod",
                spec(json!({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}})),
                Some((
                    "forbidden AppArmor profile",
                    r#"pod must not set AppArmor profile type to "Unconfined""#,
                )),
            ),
            (
                "unconfined container",
                spec(json!({
                    "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "foo",
                        "securityContext": {"appArmorProfile": {"type": "Unconfined"}},
                    }],
                })),
                Some((
                    "forbidden AppArmor profile",
                    r#"container "foo" must not set AppArmor profile type to "Unconfined""#,
                )),
            ),
            (
                "unconfined init container",
                spec(json!({
                    "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
                    "containers": [{"name": "foo"}],
                    "initContainers": [{
                        "name": "bar",
                        "securityContext": {"appArmorProfile": {"type": "Unconfined"}},
                    }],
                })),
                Some((
                    "forbidden AppArmor profile",
                    r#"container "bar" must not set AppArmor profile type to "Unconfined""#,
                )),
            ),
            (
                "multiple containers",
                json!({"metadata": {"annotations": {
                    "container.apparmor.security.beta.kubernetes.io/": "bogus",
                    "container.apparmor.security.beta.kubernetes.io/a": "",
                    "container.apparmor.security.beta.kubernetes.io/b": "runtime/default",
                    "container.apparmor.security.beta.kubernetes.io/c": "localhost/",
                    "container.apparmor.security.beta.kubernetes.io/d": "localhost/foo",
                    "container.apparmor.security.beta.kubernetes.io/e": "unconfined",
                    "container.apparmor.security.beta.kubernetes.io/f": "unknown",
                }}}),
                Some((
                    "forbidden AppArmor profiles",
                    concat!(
                        "annotations must not set AppArmor profile type to ",
                        r#""container.apparmor.security.beta.kubernetes.io/="bogus"", "#,
                        r#""container.apparmor.security.beta.kubernetes.io/e="unconfined"", "#,
                        r#""container.apparmor.security.beta.kubernetes.io/f="unknown"""#,
                    ),
                )),
            ),
        ],
    );
}

/// `check_capabilities_baseline_test.go`.
#[test]
fn capabilities_baseline() {
    expect(
        "capabilities_baseline",
        0,
        &[(
            "multiple containers",
            spec(json!({"containers": [
                {"name": "a", "securityContext": {"capabilities": {"add": ["FOO", "BAR"]}}},
                {"name": "b", "securityContext": {"capabilities": {"add": ["BAR", "BAZ"]}}},
            ]})),
            Some((
                "non-default capabilities",
                r#"containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add"#,
            )),
        )],
    );
}

/// `check_capabilities_restricted_test.go`.
#[test]
fn capabilities_restricted() {
    let multiple = (
        "multiple containers",
        spec(json!({"containers": [
            {"name": "a", "securityContext": {"capabilities": {"add": ["FOO", "BAR"]}}},
            {"name": "b", "securityContext": {"capabilities": {"add": ["BAR", "BAZ"]}}},
            {"name": "c", "securityContext": {"capabilities": {
                "add": ["NET_BIND_SERVICE", "CHOWN"],
                "drop": ["ALL", "FOO"],
            }}},
        ]})),
        Some((
            "unrestricted capabilities",
            concat!(
                r#"containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; "#,
                r#"containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add"#,
            ),
        )),
    );
    expect(
        "capabilities_restricted",
        25,
        &[
            multiple.clone(),
            (
                "windows pod, admit without checking capabilities",
                spec(json!({"os": {"name": "windows"}, "containers": [{"name": "a"}]})),
                None,
            ),
            (
                "linux pod, reject if security context is not set",
                spec(json!({"os": {"name": "linux"}, "containers": [{"name": "a"}]})),
                Some((
                    "unrestricted capabilities",
                    r#"container "a" must set securityContext.capabilities.drop=["ALL"]"#,
                )),
            ),
        ],
    );
    expect("capabilities_restricted", 22, &[multiple]);
}

/// `check_hostNamespaces_test.go`.
#[test]
fn host_namespaces() {
    expect(
        "hostNamespaces",
        0,
        &[(
            "multiple host namespaces",
            spec(json!({"hostNetwork": true, "hostIPC": true, "hostPID": true})),
            Some((
                "host namespaces",
                "hostNetwork=true, hostPID=true, hostIPC=true",
            )),
        )],
    );
}

/// `check_hostPathVolumes_test.go`.
#[test]
fn host_path_volumes() {
    expect(
        "hostPathVolumes",
        0,
        &[(
            "host path volumes",
            spec(json!({"volumes": [
                {"name": "a", "hostPath": {}},
                {"name": "b", "hostPath": {}},
                {"name": "c", "emptyDir": {}},
            ]})),
            Some(("hostPath volumes", r#"volumes "a", "b""#)),
        )],
    );
}

/// `check_hostPorts_test.go`.
#[test]
fn host_ports() {
    expect(
        "hostPorts",
        0,
        &[
            (
                "one container, one host port",
                spec(json!({"containers": [
                    {"name": "a", "ports": [{"hostPort": 0}]},
                    {"name": "b", "ports": [{"hostPort": 0}, {"hostPort": 20}]},
                ]})),
                Some(("hostPort", r#"container "b" uses hostPort 20"#)),
            ),
            (
                "multiple containers, multiple host port",
                spec(json!({"containers": [
                    {"name": "a", "ports": [{"hostPort": 0}]},
                    {"name": "b", "ports": [{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 20}]},
                    {"name": "c", "ports": [{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 30}]},
                ]})),
                Some((
                    "hostPort",
                    r#"containers "b", "c" use hostPorts 10, 20, 30"#,
                )),
            ),
        ],
    );
}

/// `check_hostProbesAndhostLifecycle_test.go`: `TestHostProbesAndHostLifecycle`.
#[test]
fn host_probes_and_host_lifecycle() {
    let refused = "probe or lifecycle host";
    let one = |name: &str, host: &str| {
        let container = json!({"name": name, "livenessProbe": {"httpGet": {"host": host}}});
        spec(json!({ "containers": [container] }))
    };
    expect(
        "hostProbesAndHostLifecycle",
        34,
        &[
            (
                "valid pod with unset hosts",
                spec(json!({"containers": [{
                    "name": "a",
                    "livenessProbe": {"httpGet": {}},
                    "readinessProbe": {"tcpSocket": {}},
                    "lifecycle": {"postStart": {"httpGet": {}}},
                }]})),
                None,
            ),
            (
                "invalid pod with local host IP as probe host",
                spec(json!({"containers": [{
                    "name": "a",
                    "livenessProbe": {"httpGet": {"host": "127.0.0.1"}},
                    "readinessProbe": {"tcpSocket": {"host": "::1"}},
                    "startupProbe": {"httpGet": {"host": "localhost"}},
                }]})),
                Some((
                    refused,
                    r#"container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost""#,
                )),
            ),
            (
                "invalid httpget host in liveness probe",
                one("a", "invalid.host"),
                Some((
                    refused,
                    r#"container "a" uses probe or lifecycle host "invalid.host""#,
                )),
            ),
            (
                "invalid tcpsocket host in readiness probe",
                spec(json!({"containers": [{
                    "name": "b",
                    "readinessProbe": {"tcpSocket": {"host": "invalid.host"}},
                }]})),
                Some((
                    refused,
                    r#"container "b" uses probe or lifecycle host "invalid.host""#,
                )),
            ),
            (
                "invalid httpget host in startup probe",
                spec(json!({"containers": [{
                    "name": "c",
                    "startupProbe": {"httpGet": {"host": "invalid.host"}},
                }]})),
                Some((
                    refused,
                    r#"container "c" uses probe or lifecycle host "invalid.host""#,
                )),
            ),
            (
                "invalid poststart tcpsocket host",
                spec(json!({"containers": [{
                    "name": "d",
                    "lifecycle": {"postStart": {"tcpSocket": {"host": "invalid.host"}}},
                }]})),
                Some((
                    refused,
                    r#"container "d" uses probe or lifecycle host "invalid.host""#,
                )),
            ),
            (
                "invalid prestop httpget host",
                spec(json!({"containers": [{
                    "name": "e",
                    "lifecycle": {"preStop": {"httpGet": {"host": "another.invalid.host"}}},
                }]})),
                Some((
                    refused,
                    r#"container "e" uses probe or lifecycle host "another.invalid.host""#,
                )),
            ),
            (
                "multiple containers with multiple invalid hosts",
                spec(json!({"containers": [
                    {"name": "valid"},
                    {"name": "invalid1", "livenessProbe": {"httpGet": {"host": "a.com"}}},
                    {
                        "name": "invalid2",
                        "lifecycle": {"preStop": {"tcpSocket": {"host": "b.com"}}},
                        "startupProbe": {"httpGet": {"host": "a.com"}},
                    },
                ]})),
                Some((
                    refused,
                    r#"containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com""#,
                )),
            ),
            (
                "invalid ipv4 host in probe",
                one("a", "8.8.8.8"),
                Some((
                    refused,
                    r#"container "a" uses probe or lifecycle host "8.8.8.8""#,
                )),
            ),
            (
                "invalid ipv6 host in probe",
                spec(json!({"containers": [{
                    "name": "a",
                    "livenessProbe": {"tcpSocket": {"host": "2001:4860:4860::8888"}},
                }]})),
                Some((
                    refused,
                    r#"container "a" uses probe or lifecycle host "2001:4860:4860::8888""#,
                )),
            ),
            (
                "invalid host in initcontainer",
                spec(json!({"initContainers": [{
                    "name": "init",
                    "livenessProbe": {"httpGet": {"host": "invalid.init.host"}},
                }]})),
                Some((
                    refused,
                    r#"container "init" uses probe or lifecycle host "invalid.init.host""#,
                )),
            ),
        ],
    );
}

/// `check_hostProbesAndhostLifecycle_test.go`: `TestHostProbesAndHostLifecycleEmulation`. An
/// evaluator emulating an older minor (here: a server of that minor) reads newer versions as
/// its own, so before v1.34 the check does not exist at any version.
#[test]
fn host_probes_and_host_lifecycle_emulation() {
    let pod = spec(json!({"containers": [{"startupProbe": {"httpGet": {"host": "localhost"}}}]}));
    let baseline = |version, server_minor| {
        let lv = LevelVersion::new(Level::Baseline, version);
        evaluate(lv, server_minor, &json!({}), &pod["spec"]).allowed()
    };
    for (name, server_minor, host_check_active) in [
        ("no emulation", NEWEST_POLICY_MINOR, true),
        ("emulate 1.34", 34, true),
        ("emulate 1.33", 33, false),
    ] {
        let expect_allowed = !host_check_active;
        assert_eq!(
            baseline(Version::Latest, server_minor),
            expect_allowed,
            "{name}: latest"
        );
        assert_eq!(
            baseline(Version::Minor(34), server_minor),
            expect_allowed,
            "{name}: v1.34"
        );
        assert!(baseline(Version::Minor(33), server_minor), "{name}: v1.33");
    }
}

/// `check_privileged_test.go`.
#[test]
fn privileged() {
    expect(
        "privileged",
        0,
        &[(
            "privileged",
            spec(json!({"containers": [
                {"name": "a"},
                {"name": "b", "securityContext": {}},
                {"name": "c", "securityContext": {"privileged": false}},
                {"name": "d", "securityContext": {"privileged": true}},
                {"name": "e", "securityContext": {"privileged": true}},
            ]})),
            Some((
                "privileged",
                r#"containers "d", "e" must not set securityContext.privileged=true"#,
            )),
        )],
    );
}

/// The containers of the procMount tests, with `hostUsers` as given.
fn proc_mount_pod(host_users: bool) -> Value {
    spec(json!({
        "containers": [
            {"name": "a"},
            {"name": "b", "securityContext": {}},
            {"name": "c", "securityContext": {"procMount": "Default"}},
            {"name": "d", "securityContext": {"procMount": "Unmasked"}},
            {"name": "e", "securityContext": {"procMount": "other"}},
        ],
        "hostUsers": host_users,
    }))
}

const PROC_MOUNT_REFUSED: Option<(&str, &str)> = Some((
    "procMount",
    r#"containers "d", "e" must not set securityContext.procMount to "Unmasked", "other""#,
));

/// `check_procMount_baseline_test.go`: from v1.35 a pod in a user namespace may set any.
#[test]
fn proc_mount_baseline() {
    expect(
        "procMount",
        35,
        &[
            ("procMount", proc_mount_pod(true), PROC_MOUNT_REFUSED),
            ("procMount with userns", proc_mount_pod(false), None),
        ],
    );
}

/// `check_procMount_restricted_test.go`: `procMount_1_0` (the baseline check's first version,
/// which is also `procMount_restricted`'s) refuses whatever `hostUsers` says.
#[test]
fn proc_mount_restricted() {
    let cases = [
        (
            "procMount, hostUsers=true",
            proc_mount_pod(true),
            PROC_MOUNT_REFUSED,
        ),
        (
            "procMount, hostUsers=false",
            proc_mount_pod(false),
            PROC_MOUNT_REFUSED,
        ),
    ];
    expect("procMount", 0, &cases);
    expect("procMount_restricted", 35, &cases);
}

/// `check_restrictedVolumes_test.go`.
#[test]
fn restricted_volumes() {
    expect(
        "restrictedVolumes",
        0,
        &[(
            "host path volumes",
            spec(json!({"volumes": [
                // allowed types
                {"name": "a1", "emptyDir": {}},
                {"name": "a2", "secret": {}},
                {"name": "a3", "persistentVolumeClaim": {}},
                {"name": "a4", "downwardAPI": {}},
                {"name": "a5", "configMap": {}},
                {"name": "a6", "projected": {}},
                {"name": "a7", "csi": {}},
                {"name": "a8", "ephemeral": {}},
                {"name": "a9", "image": {}},
                // known restricted types
                {"name": "b1", "hostPath": {}},
                {"name": "b2", "gcePersistentDisk": {}},
                {"name": "b3", "awsElasticBlockStore": {}},
                {"name": "b4", "gitRepo": {}},
                {"name": "b5", "nfs": {}},
                {"name": "b6", "iscsi": {}},
                {"name": "b7", "glusterfs": {}},
                {"name": "b8", "rbd": {}},
                {"name": "b9", "flexVolume": {}},
                {"name": "b10", "cinder": {}},
                {"name": "b11", "cephfs": {}},
                {"name": "b12", "flocker": {}},
                {"name": "b13", "fc": {}},
                {"name": "b14", "azureFile": {}},
                {"name": "b15", "vsphereVolume": {}},
                {"name": "b16", "quobyte": {}},
                {"name": "b17", "azureDisk": {}},
                {"name": "b18", "photonPersistentDisk": {}},
                {"name": "b19", "portworxVolume": {}},
                {"name": "b20", "scaleIO": {}},
                {"name": "b21", "storageos": {}},
                // unknown type
                {"name": "c1"},
            ]})),
            Some((
                "restricted volume types",
                concat!(
                    "volumes ",
                    r#""b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1""#,
                    " use restricted volume types ",
                    r#""awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "#,
                    r#""hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume""#,
                ),
            )),
        )],
    );
}

/// `check_runAsNonRoot_test.go`.
#[test]
fn run_as_non_root() {
    let refused = "runAsNonRoot != true";
    expect(
        "runAsNonRoot",
        35,
        &[
            (
                "no explicit runAsNonRoot",
                spec(json!({"containers": [{"name": "a"}]})),
                Some((
                    refused,
                    r#"pod or container "a" must set securityContext.runAsNonRoot=true"#,
                )),
            ),
            (
                "pod runAsNonRoot=false",
                spec(json!({
                    "securityContext": {"runAsNonRoot": false},
                    "containers": [{"name": "a"}],
                })),
                Some((
                    refused,
                    "pod must not set securityContext.runAsNonRoot=false",
                )),
            ),
            (
                "containers runAsNonRoot=false",
                spec(json!({
                    "securityContext": {"runAsNonRoot": true},
                    "containers": [
                        {"name": "a"},
                        {"name": "b", "securityContext": {}},
                        {"name": "c", "securityContext": {"runAsNonRoot": false}},
                        {"name": "d", "securityContext": {"runAsNonRoot": false}},
                        {"name": "e", "securityContext": {"runAsNonRoot": true}},
                        {"name": "f", "securityContext": {"runAsNonRoot": true}},
                    ],
                })),
                Some((
                    refused,
                    r#"containers "c", "d" must not set securityContext.runAsNonRoot=false"#,
                )),
            ),
            (
                "pod nil, container fallthrough",
                spec(json!({"containers": [
                    {"name": "a"},
                    {"name": "b", "securityContext": {}},
                    {"name": "d", "securityContext": {"runAsNonRoot": true}},
                    {"name": "e", "securityContext": {"runAsNonRoot": true}},
                ]})),
                Some((
                    refused,
                    r#"pod or containers "a", "b" must set securityContext.runAsNonRoot=true"#,
                )),
            ),
            (
                "host users false allowed",
                spec(json!({"hostUsers": false})),
                None,
            ),
        ],
    );
}

/// `check_runAsUser_test.go`.
#[test]
fn run_as_user() {
    expect(
        "runAsUser",
        35,
        &[
            (
                "pod runAsUser=0",
                spec(json!({"securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]})),
                Some(("runAsUser=0", "pod must not set runAsUser=0")),
            ),
            (
                "pod runAsUser=non-zero",
                spec(json!({
                    "securityContext": {"runAsUser": 1000},
                    "containers": [{"name": "a"}],
                })),
                None,
            ),
            (
                "pod runAsUser=nil",
                spec(json!({"securityContext": {}, "containers": [{"name": "a"}]})),
                None,
            ),
            (
                "containers runAsUser=0",
                spec(json!({
                    "securityContext": {"runAsUser": 1000},
                    "containers": [
                        {"name": "a"},
                        {"name": "b", "securityContext": {}},
                        {"name": "c", "securityContext": {"runAsUser": 0}},
                        {"name": "d", "securityContext": {"runAsUser": 0}},
                        {"name": "e", "securityContext": {"runAsUser": 1}},
                        {"name": "f", "securityContext": {"runAsUser": 1}},
                    ],
                })),
                Some((
                    "runAsUser=0",
                    r#"containers "c", "d" must not set runAsUser=0"#,
                )),
            ),
            (
                "containers runAsUser=non-zero",
                spec(json!({"containers": [
                    {"name": "c", "securityContext": {"runAsUser": 1}},
                    {"name": "d", "securityContext": {"runAsUser": 2}},
                    {"name": "e", "securityContext": {"runAsUser": 3}},
                    {"name": "f", "securityContext": {"runAsUser": 4}},
                ]})),
                None,
            ),
            (
                "host users false allowed",
                spec(json!({"hostUsers": false})),
                None,
            ),
        ],
    );
}

/// `check_seLinuxOptions_test.go`.
#[test]
fn se_linux_options() {
    let options = |o: Value| json!({ "seLinuxOptions": o });
    let allowed_containers = [
        json!({"name": "a", "securityContext": options(json!({"type": "container_t"}))}),
        json!({"name": "b", "securityContext": options(json!({"type": "container_init_t"}))}),
        json!({"name": "c", "securityContext": options(json!({"type": "container_kvm_t"}))}),
        json!({"name": "d", "securityContext": options(json!({"type": "container_engine_t"}))}),
    ];
    let refused_containers = [
        json!({"name": "e", "securityContext": options(json!({"type": "bar"}))}),
        json!({"name": "f", "securityContext": options(json!({"user": "bar"}))}),
        json!({"name": "g", "securityContext": options(json!({"role": "baz"}))}),
    ];
    let all_containers: Vec<Value> = allowed_containers
        .iter()
        .chain(&refused_containers)
        .cloned()
        .collect();
    let bad_pod = options(json!({"type": "foo", "user": "bar", "role": "baz"}));
    let pod_options = |o: Value| spec(json!({ "securityContext": options(o) }));
    expect(
        "seLinuxOptions",
        31,
        &[
            (
                "invalid pod and containers",
                spec(json!({"securityContext": bad_pod, "containers": all_containers})),
                Some((
                    "seLinuxOptions",
                    r#"pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set"#,
                )),
            ),
            (
                "invalid pod",
                spec(json!({"securityContext": bad_pod, "containers": allowed_containers})),
                Some((
                    "seLinuxOptions",
                    r#"pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set"#,
                )),
            ),
            (
                "invalid containers",
                spec(json!({
                    "securityContext": {"seLinuxOptions": {}},
                    "containers": all_containers,
                })),
                Some((
                    "seLinuxOptions",
                    r#"containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set"#,
                )),
            ),
            (
                "bad type",
                pod_options(json!({"type": "bad"})),
                Some((
                    "seLinuxOptions",
                    r#"pod set forbidden securityContext.seLinuxOptions: type "bad""#,
                )),
            ),
            (
                "bad user",
                pod_options(json!({"user": "bad"})),
                Some((
                    "seLinuxOptions",
                    "pod set forbidden securityContext.seLinuxOptions: user may not be set",
                )),
            ),
            (
                "bad role",
                pod_options(json!({"role": "bad"})),
                Some((
                    "seLinuxOptions",
                    "pod set forbidden securityContext.seLinuxOptions: role may not be set",
                )),
            ),
        ],
    );
}

/// A security context with a seccomp profile of this type.
fn seccomp(profile: &str) -> Value {
    json!({"seccompProfile": {"type": profile}})
}

/// The containers of the seccomp tests: `c` and `d` unconfined, `e` and `f` runtime/default.
fn seccomp_containers() -> Value {
    json!([
        {"name": "a"},
        {"name": "b", "securityContext": {}},
        {"name": "c", "securityContext": seccomp("Unconfined")},
        {"name": "d", "securityContext": seccomp("Unconfined")},
        {"name": "e", "securityContext": seccomp("RuntimeDefault")},
        {"name": "f", "securityContext": seccomp("RuntimeDefault")},
    ])
}

/// `check_seccompProfile_baseline_test.go`.
#[test]
fn seccomp_profile_baseline() {
    let abc = json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]);
    expect(
        "seccompProfile_baseline",
        0,
        &[
            (
                "pod seccomp invalid",
                json!({"metadata": {"annotations": {
                    "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
                }}}),
                Some((
                    "seccompProfile",
                    r#"forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined""#,
                )),
            ),
            (
                "containers seccomp invalid",
                json!({
                    "metadata": {"annotations": {
                        "container.seccomp.security.alpha.kubernetes.io/a": "unconfined",
                        "container.seccomp.security.alpha.kubernetes.io/b": "unknown",
                    }},
                    "spec": {"containers": abc},
                }),
                Some((
                    "seccompProfile",
                    r#"forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown""#,
                )),
            ),
            (
                "pod and containers seccomp invalid",
                json!({
                    "metadata": {"annotations": {
                        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
                        "container.seccomp.security.alpha.kubernetes.io/a": "unconfined",
                        "container.seccomp.security.alpha.kubernetes.io/b": "unknown",
                    }},
                    "spec": {"containers": abc},
                }),
                Some((
                    "seccompProfile",
                    r#"forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined""#,
                )),
            ),
        ],
    );
    expect(
        "seccompProfile_baseline",
        19,
        &[
            (
                "pod seccomp invalid",
                spec(json!({
                    "securityContext": seccomp("Unconfined"),
                    "containers": [{"name": "a"}],
                })),
                Some((
                    "seccompProfile",
                    r#"pod must not set securityContext.seccompProfile.type to "Unconfined""#,
                )),
            ),
            (
                "containers seccomp invalid",
                spec(json!({
                    "securityContext": seccomp("RuntimeDefault"),
                    "containers": seccomp_containers(),
                })),
                Some((
                    "seccompProfile",
                    r#"containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined""#,
                )),
            ),
            (
                "pod and containers seccomp invalid",
                spec(json!({
                    "securityContext": seccomp("Unconfined"),
                    "containers": seccomp_containers(),
                })),
                Some((
                    "seccompProfile",
                    r#"pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined""#,
                )),
            ),
        ],
    );
}

/// `check_seccompProfile_restricted_test.go`.
#[test]
fn seccomp_profile_restricted() {
    let no_explicit = (
        "no explicit seccomp",
        spec(json!({"containers": [{"name": "a"}]})),
        Some((
            "seccompProfile",
            r#"pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#,
        )),
    );
    let pod_invalid = (
        "pod seccomp invalid",
        spec(json!({"securityContext": seccomp("Unconfined"), "containers": [{"name": "a"}]})),
        Some((
            "seccompProfile",
            r#"pod must not set securityContext.seccompProfile.type to "Unconfined""#,
        )),
    );
    let containers_invalid = (
        "containers seccomp invalid",
        spec(json!({
            "securityContext": seccomp("RuntimeDefault"),
            "containers": seccomp_containers(),
        })),
        Some((
            "seccompProfile",
            r#"containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined""#,
        )),
    );
    let fallthrough = (
        "pod nil, container fallthrough",
        spec(json!({"containers": [
            {"name": "a"},
            {"name": "b", "securityContext": {}},
            {"name": "d", "securityContext": seccomp("RuntimeDefault")},
            {"name": "e", "securityContext": seccomp("RuntimeDefault")},
        ]})),
        Some((
            "seccompProfile",
            r#"pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#,
        )),
    );
    expect(
        "seccompProfile_restricted",
        25,
        &[
            no_explicit.clone(),
            (
                "no explicit seccomp, windows Pod",
                spec(json!({"os": {"name": "windows"}, "containers": [{"name": "a"}]})),
                None,
            ),
            (
                "no explicit seccomp, linux pod",
                spec(json!({"os": {"name": "linux"}, "containers": [{"name": "a"}]})),
                no_explicit.2,
            ),
            pod_invalid.clone(),
            containers_invalid.clone(),
            fallthrough.clone(),
        ],
    );
    expect(
        "seccompProfile_restricted",
        19,
        &[no_explicit, pod_invalid, containers_invalid, fallthrough],
    );
}

/// `check_sysctls_test.go`: each version allows the sysctls it names and refuses newer ones.
#[test]
fn sysctls() {
    let pod = |sysctls: Value| spec(json!({ "securityContext": { "sysctls": sysctls } }));
    let one = |name: &str, value: &str| pod(json!([{"name": name, "value": value}]));
    let forbidden = (
        "forbidden sysctls",
        pod(json!([{"name": "a"}, {"name": "b"}])),
        Some(("forbidden sysctls", "a, b")),
    );
    let refused = |name: &'static str, value: &str| -> Case {
        (name, one(name, value), Some(("forbidden sysctls", name)))
    };
    let allowed = |name: &'static str, value: &str| -> Case { (name, one(name, value), None) };
    expect(
        "sysctls",
        0,
        &[
            forbidden.clone(),
            refused("net.ipv4.ip_local_reserved_ports", "1024-4999"),
            refused("net.ipv4.tcp_keepalive_time", "7200"),
            refused("net.ipv4.tcp_fin_timeout", "60"),
            refused("net.ipv4.tcp_keepalive_intvl", "75"),
            refused("net.ipv4.tcp_keepalive_probes", "9"),
            refused("net.ipv4.tcp_rmem", "4096 87380 16777216"),
            refused("net.ipv4.tcp_wmem", "4096 87380 16777216"),
        ],
    );
    expect(
        "sysctls",
        27,
        &[
            forbidden.clone(),
            allowed("net.ipv4.ip_local_reserved_ports", "1024-4999"),
        ],
    );
    expect(
        "sysctls",
        29,
        &[
            forbidden.clone(),
            allowed("net.ipv4.tcp_keepalive_time", "7200"),
            allowed("net.ipv4.tcp_fin_timeout", "60"),
            allowed("net.ipv4.tcp_keepalive_intvl", "75"),
            allowed("net.ipv4.tcp_keepalive_probes", "9"),
        ],
    );
    expect(
        "sysctls",
        32,
        &[
            forbidden.clone(),
            allowed("net.ipv4.tcp_rmem", "4096 87380 16777216"),
            allowed("net.ipv4.tcp_wmem", "4096 65536 16777216"),
        ],
    );
    expect(
        "sysctls",
        37,
        &[
            forbidden,
            allowed("net.ipv4.tcp_slow_start_after_idle", "0"),
            allowed("net.ipv4.tcp_notsent_lowat", "16384"),
        ],
    );
}

/// `check_windowsHostProcess_test.go`.
#[test]
fn windows_host_process() {
    let host_process = |on: bool| json!({ "windowsOptions": { "hostProcess": on } });
    expect(
        "windowsHostProcess",
        0,
        &[(
            "host process",
            spec(json!({
                "securityContext": host_process(true),
                "containers": [
                    {"name": "a"},
                    {"name": "b", "securityContext": {}},
                    {"name": "c", "securityContext": {"windowsOptions": {}}},
                    {"name": "d", "securityContext": host_process(false)},
                    {"name": "e", "securityContext": host_process(true)},
                    {"name": "f", "securityContext": host_process(true)},
                ],
            })),
            Some((
                "hostProcess",
                r#"pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true"#,
            )),
        )],
    );
}

// ---- the registry (`registry_test.go`) and the checks' validity (`checks_test.go`) ---------

/// A synthetic check never refuses; the registry tests name the version chosen instead.
fn allow(_: &Value, _: &Value) -> Outcome {
    None
}

const fn ver(minimum: u32, overrides: &'static [&'static str]) -> Versioned {
    Versioned {
        minimum,
        check: allow,
        overrides,
    }
}

const fn check(id: &'static str, level: Level, versions: &'static [Versioned]) -> Check {
    Check {
        id,
        level,
        versions,
    }
}

/// `TestCheckRegistry`'s checks: `i` overrides `c` from v1.10 and `d` from v1.21.
static REGISTRY: &[Check] = &[
    check("a", Level::Baseline, &[ver(0, &[])]),
    check("b", Level::Baseline, &[ver(10, &[])]),
    check(
        "c",
        Level::Baseline,
        &[ver(0, &[]), ver(5, &[]), ver(10, &[])],
    ),
    check(
        "d",
        Level::Baseline,
        &[ver(11, &[]), ver(15, &[]), ver(20, &[])],
    ),
    check("e", Level::Restricted, &[ver(0, &[])]),
    check(
        "f",
        Level::Restricted,
        &[ver(12, &[]), ver(16, &[]), ver(21, &[])],
    ),
    check("g", Level::Restricted, &[ver(10, &["a"])]),
    check("h", Level::Restricted, &[ver(0, &["b"])]),
    check("i", Level::Restricted, &[ver(10, &["c"]), ver(21, &["d"])]),
];

/// `TestCheckRegistry_NoBaseline`: overrides of checks that do not exist.
static NO_BASELINE: &[Check] = &[
    check("e", Level::Restricted, &[ver(0, &[])]),
    check(
        "f",
        Level::Restricted,
        &[ver(12, &[]), ver(16, &[]), ver(21, &[])],
    ),
    check("g", Level::Restricted, &[ver(10, &["a"])]),
    check("h", Level::Restricted, &[ver(0, &["b"])]),
];

/// `TestCheckRegistry_NoRestricted`.
static NO_RESTRICTED: &[Check] = &[
    check("a", Level::Baseline, &[ver(0, &[])]),
    check("b", Level::Baseline, &[ver(10, &[])]),
    check(
        "c",
        Level::Baseline,
        &[ver(0, &[]), ver(5, &[]), ver(10, &[])],
    ),
    check(
        "d",
        Level::Baseline,
        &[ver(11, &[]), ver(15, &[]), ver(20, &[])],
    ),
];

/// What upstream's synthetic checks report for a level and version: `id:v1.N` for the version
/// of each check run, in order.
fn registry(table: &'static [Check], level: Level, version: &str) -> Vec<String> {
    let version = Version::parse(version).expect("a version");
    let minor = effective_minor(version, NEWEST_POLICY_MINOR);
    checks_in(table, level, minor)
        .into_iter()
        .map(|c| format!("{}:v1.{}", c.id, at(c, minor).expect("a version").minimum))
        .collect()
}

fn expect_registry(table: &'static [Check], cases: &[(Level, &str, &[&str])]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(level, version, want)| {
            let got = registry(table, level, version);
            (got != want).then(|| format!("{level:?}:{version}: want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `registry_test.go`: `TestCheckRegistry`.
#[test]
fn check_registry() {
    use Level::*;
    expect_registry(
        REGISTRY,
        &[
            (Privileged, "v1.0", &[]),
            (Privileged, "latest", &[]),
            (Baseline, "v1.0", &["a:v1.0", "c:v1.0"]),
            (Baseline, "v1.4", &["a:v1.0", "c:v1.0"]),
            (Baseline, "v1.5", &["a:v1.0", "c:v1.5"]),
            (Baseline, "v1.10", &["a:v1.0", "b:v1.10", "c:v1.10"]),
            (
                Baseline,
                "v1.11",
                &["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.11"],
            ),
            (
                Baseline,
                "latest",
                &["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.20"],
            ),
            (
                Restricted,
                "v1.0",
                &["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"],
            ),
            (
                Restricted,
                "v1.4",
                &["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"],
            ),
            (
                Restricted,
                "v1.5",
                &["a:v1.0", "c:v1.5", "e:v1.0", "h:v1.0"],
            ),
            (
                Restricted,
                "v1.10",
                &["e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"],
            ),
            (
                Restricted,
                "v1.11",
                &["d:v1.11", "e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"],
            ),
            (
                Restricted,
                "latest",
                &[
                    "c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21",
                ],
            ),
            (
                Restricted,
                "v1.10000",
                &[
                    "c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21",
                ],
            ),
        ],
    );
}

/// `registry_test.go`: `TestCheckRegistry_NoBaseline`.
#[test]
fn check_registry_no_baseline() {
    use Level::*;
    expect_registry(
        NO_BASELINE,
        &[
            (Privileged, "v1.0", &[]),
            (Privileged, "latest", &[]),
            (Baseline, "v1.0", &[]),
            (Baseline, "v1.10", &[]),
            (Baseline, "latest", &[]),
            (Restricted, "v1.0", &["e:v1.0", "h:v1.0"]),
            (Restricted, "v1.10", &["e:v1.0", "g:v1.10", "h:v1.0"]),
            (
                Restricted,
                "latest",
                &["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"],
            ),
            (
                Restricted,
                "v1.10000",
                &["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"],
            ),
        ],
    );
}

/// `registry_test.go`: `TestCheckRegistry_NoRestricted` (restricted runs what baseline runs)
/// and `TestCheckRegistry_Empty`.
#[test]
fn check_registry_no_restricted_and_empty() {
    let cases: [(&str, &[&str]); 6] = [
        ("v1.0", &["a:v1.0", "c:v1.0"]),
        ("v1.4", &["a:v1.0", "c:v1.0"]),
        ("v1.5", &["a:v1.0", "c:v1.5"]),
        ("v1.10", &["a:v1.0", "b:v1.10", "c:v1.10"]),
        ("v1.11", &["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.11"]),
        ("latest", &["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.20"]),
    ];
    for level in [Level::Baseline, Level::Restricted] {
        let with_level: Vec<(Level, &str, &[&str])> =
            cases.iter().map(|&(v, want)| (level, v, want)).collect();
        expect_registry(NO_RESTRICTED, &with_level);
    }
    for level in [Level::Privileged, Level::Baseline, Level::Restricted] {
        expect_registry(&[], &[(level, "latest", &[])]);
    }
}

/// `checks_test.go`: `TestValidChecks`, with the rules `NewEvaluator`'s `validateChecks`
/// enforces: unique IDs, versions strictly increasing, overrides only from restricted checks
/// and only of baseline checks that exist. The newest version is `NEWEST_POLICY_MINOR`.
#[test]
fn valid_checks() {
    let mut problems = Vec::new();
    let mut newest = 0;
    for (i, c) in CHECKS.iter().enumerate() {
        if CHECKS[..i].iter().any(|d| d.id == c.id) {
            problems.push(format!("{}: registered twice", c.id));
        }
        if c.level == Level::Privileged {
            problems.push(format!("{}: invalid level privileged", c.id));
        }
        if c.versions.is_empty() {
            problems.push(format!("{}: empty", c.id));
        }
        if c.versions.windows(2).any(|w| w[0].minimum >= w[1].minimum) {
            problems.push(format!("{}: versions must be strictly increasing", c.id));
        }
        for v in c.versions {
            newest = newest.max(v.minimum);
            if !v.overrides.is_empty() && c.level != Level::Restricted {
                problems.push(format!(
                    "{}: only restricted checks may set overrides",
                    c.id
                ));
            }
            for o in v.overrides {
                match CHECKS.iter().find(|d| d.id == *o) {
                    Some(d) if d.level == Level::Baseline => {}
                    Some(_) => problems.push(format!("{}: overrides restricted check {o}", c.id)),
                    None => problems.push(format!("{}: overrides non-existent check {o}", c.id)),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(newest, NEWEST_POLICY_MINOR);
}

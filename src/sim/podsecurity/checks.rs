//! The checks of the Pod Security Standards, one function per version of each, as upstream's
//! `policy/check_*.go` define them, with their reasons and details word for word. Each reads
//! the pod's metadata and spec as JSON: a field that is absent or `null` is a nil pointer.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Check, Level, Outcome, Versioned};
use crate::sim::yamlout::go_quote;

/// Every check, in no particular order (the registry orders them).
pub static CHECKS: &[Check] = &[
    Check {
        id: "allowPrivilegeEscalation",
        level: Level::Restricted,
        versions: &[
            v(8, allow_privilege_escalation_1_8),
            v(25, allow_privilege_escalation_1_25),
        ],
    },
    Check {
        id: "appArmorProfile",
        level: Level::Baseline,
        versions: &[v(0, app_armor_profile)],
    },
    Check {
        id: "capabilities_baseline",
        level: Level::Baseline,
        versions: &[v(0, capabilities_baseline)],
    },
    Check {
        id: "capabilities_restricted",
        level: Level::Restricted,
        versions: &[
            o(22, capabilities_restricted_1_22, &["capabilities_baseline"]),
            o(25, capabilities_restricted_1_25, &["capabilities_baseline"]),
        ],
    },
    Check {
        id: "hostNamespaces",
        level: Level::Baseline,
        versions: &[v(0, host_namespaces)],
    },
    Check {
        id: "hostPathVolumes",
        level: Level::Baseline,
        versions: &[v(0, host_path_volumes)],
    },
    Check {
        id: "hostPorts",
        level: Level::Baseline,
        versions: &[v(0, host_ports)],
    },
    Check {
        id: "hostProbesAndHostLifecycle",
        level: Level::Baseline,
        versions: &[v(34, host_probes_and_lifecycle)],
    },
    Check {
        id: "privileged",
        level: Level::Baseline,
        versions: &[v(0, privileged)],
    },
    Check {
        id: "procMount",
        level: Level::Baseline,
        versions: &[v(0, proc_mount), v(35, proc_mount_1_35_baseline)],
    },
    Check {
        id: "procMount_restricted",
        level: Level::Restricted,
        versions: &[o(35, proc_mount, &["procMount"])],
    },
    Check {
        id: "restrictedVolumes",
        level: Level::Restricted,
        versions: &[o(0, restricted_volumes, &["hostPathVolumes"])],
    },
    Check {
        id: "runAsNonRoot",
        level: Level::Restricted,
        versions: &[v(0, run_as_non_root), v(35, run_as_non_root_1_35)],
    },
    Check {
        id: "runAsUser",
        level: Level::Restricted,
        versions: &[v(23, run_as_user), v(35, run_as_user_1_35)],
    },
    Check {
        id: "seLinuxOptions",
        level: Level::Baseline,
        versions: &[v(0, se_linux_options_1_0), v(31, se_linux_options_1_31)],
    },
    Check {
        id: "seccompProfile_baseline",
        level: Level::Baseline,
        versions: &[
            v(0, seccomp_baseline_annotations),
            v(19, seccomp_baseline_1_19),
        ],
    },
    Check {
        id: "seccompProfile_restricted",
        level: Level::Restricted,
        versions: &[
            o(19, seccomp_restricted_1_19, &["seccompProfile_baseline"]),
            o(25, seccomp_restricted_1_25, &["seccompProfile_baseline"]),
        ],
    },
    Check {
        id: "sysctls",
        level: Level::Baseline,
        versions: &[
            v(0, sysctls_1_0),
            v(27, sysctls_1_27),
            v(29, sysctls_1_29),
            v(32, sysctls_1_32),
            v(37, sysctls_1_37),
        ],
    },
    Check {
        id: "windowsHostProcess",
        level: Level::Baseline,
        versions: &[v(0, windows_host_process)],
    },
];

const fn v(minimum: u32, check: super::CheckFn) -> Versioned {
    Versioned {
        minimum,
        check,
        overrides: &[],
    }
}

const fn o(minimum: u32, check: super::CheckFn, overrides: &'static [&'static str]) -> Versioned {
    Versioned {
        minimum,
        check,
        overrides,
    }
}

// ---- reading the pod --------------------------------------------------------------------

/// A member that is present and not `null` (a non-nil pointer in Go).
fn set<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

fn flag(v: Option<&Value>, key: &str) -> Option<bool> {
    v.and_then(|v| v.get(key)).and_then(Value::as_bool)
}

fn text<'a>(v: Option<&'a Value>, key: &str) -> &'a str {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn list<'a>(v: Option<&'a Value>, key: &str) -> impl Iterator<Item = &'a Value> {
    v.and_then(|v| v.get(key))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// `visitContainers`: init containers, containers, then ephemeral containers.
pub(crate) fn containers(spec: &Value) -> impl Iterator<Item = &Value> {
    ["initContainers", "containers", "ephemeralContainers"]
        .into_iter()
        .flat_map(move |l| list(Some(spec), l))
}

fn name(c: &Value) -> String {
    text(Some(c), "name").to_string()
}

/// The container's `securityContext`, if set.
fn sc(c: &Value) -> Option<&Value> {
    set(c, "securityContext")
}

fn pod_sc(spec: &Value) -> Option<&Value> {
    set(spec, "securityContext")
}

fn windows(spec: &Value) -> bool {
    text(set(spec, "os"), "name") == "windows"
}

/// `relaxPolicyForUserNamespacePod`: `hostUsers: false`.
fn user_namespace(spec: &Value) -> bool {
    flag(Some(spec), "hostUsers") == Some(false)
}

/// `joinQuote`: `"a", "b"`.
fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

fn pluralize<'a>(one: &'a str, many: &'a str, n: usize) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `container "a"` / `containers "a", "b"`.
fn containers_phrase(names: &[String]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

fn sorted(set: &BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

fn fail(reason: &str, detail: String) -> Outcome {
    Some((reason.to_string(), detail))
}

// ---- the checks ---------------------------------------------------------------------------

fn allow_privilege_escalation_1_8(_: &Value, spec: &Value) -> Outcome {
    let bad: Vec<String> = containers(spec)
        .filter(|c| flag(sc(c), "allowPrivilegeEscalation") != Some(false))
        .map(name)
        .collect();
    if bad.is_empty() {
        return None;
    }
    fail(
        "allowPrivilegeEscalation != false",
        format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            containers_phrase(&bad)
        ),
    )
}

/// From v1.25 a Windows pod (`spec.os.name: windows`) is exempt.
fn allow_privilege_escalation_1_25(meta: &Value, spec: &Value) -> Outcome {
    if windows(spec) {
        return None;
    }
    allow_privilege_escalation_1_8(meta, spec)
}

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn app_armor_profile(meta: &Value, spec: &Value) -> Outcome {
    let allowed_type = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    if let Some(p) = pod_sc(spec).and_then(|s| set(s, "appArmorProfile")) {
        let t = text(Some(p), "type");
        if !allowed_type(t) {
            setters.push("pod".to_string());
            values.insert(t.to_string());
        }
    }
    let mut bad = Vec::new();
    for c in containers(spec) {
        if let Some(p) = sc(c).and_then(|s| set(s, "appArmorProfile")) {
            let t = text(Some(p), "type");
            if !allowed_type(t) {
                bad.push(name(c));
                values.insert(t.to_string());
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    let mut annotations: Vec<String> = set(meta, "annotations")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with(APPARMOR_ANNOTATION_PREFIX))
        .filter_map(|(k, v)| {
            let v = v.as_str().unwrap_or("");
            let ok = v.is_empty() || v == "runtime/default" || v.starts_with("localhost/");
            (!ok).then(|| format!("{k}={}", go_quote(v)))
        })
        .collect();
    let mut all: Vec<String> = values.into_iter().collect();
    if !annotations.is_empty() {
        annotations.sort();
        setters.push(pluralize("annotation", "annotations", annotations.len()).to_string());
        all.extend(annotations);
    }
    if setters.is_empty() {
        return None;
    }
    fail(
        pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            all.len(),
        ),
        format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(&all)
        ),
    )
}

/// The capabilities a baseline container may add: the container runtimes' default set less
/// NET_RAW, spelled as Kubernetes spells them (no `CAP_` prefix).
pub const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn capabilities_baseline(_: &Value, spec: &Value) -> Outcome {
    let mut bad = Vec::new();
    let mut caps = BTreeSet::new();
    for c in containers(spec) {
        let Some(capabilities) = sc(c).and_then(|s| set(s, "capabilities")) else {
            continue;
        };
        let mut valid = true;
        for cap in list(Some(capabilities), "add") {
            let cap = cap.as_str().unwrap_or("");
            if !BASELINE_CAPABILITIES.contains(&cap) {
                valid = false;
                caps.insert(cap.to_string());
            }
        }
        if !valid {
            bad.push(name(c));
        }
    }
    if bad.is_empty() {
        return None;
    }
    fail(
        "non-default capabilities",
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&bad),
            join_quote(&sorted(&caps))
        ),
    )
}

fn capabilities_restricted_1_22(_: &Value, spec: &Value) -> Outcome {
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut caps = BTreeSet::new();
    for c in containers(spec) {
        let Some(capabilities) = sc(c).and_then(|s| set(s, "capabilities")) else {
            missing_drop.push(name(c));
            continue;
        };
        if !list(Some(capabilities), "drop").any(|d| d.as_str() == Some("ALL")) {
            missing_drop.push(name(c));
        }
        let mut forbidden = false;
        for cap in list(Some(capabilities), "add") {
            let cap = cap.as_str().unwrap_or("");
            if cap != "NET_BIND_SERVICE" {
                forbidden = true;
                caps.insert(cap.to_string());
            }
        }
        if forbidden {
            adding.push(name(c));
        }
    }
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_phrase(&missing_drop)
        ));
    }
    if !adding.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding),
            join_quote(&sorted(&caps))
        ));
    }
    if details.is_empty() {
        return None;
    }
    fail("unrestricted capabilities", details.join("; "))
}

fn capabilities_restricted_1_25(meta: &Value, spec: &Value) -> Outcome {
    if windows(spec) {
        return None;
    }
    capabilities_restricted_1_22(meta, spec)
}

fn host_namespaces(_: &Value, spec: &Value) -> Outcome {
    let used: Vec<&str> = [
        ("hostNetwork", "hostNetwork=true"),
        ("hostPID", "hostPID=true"),
        ("hostIPC", "hostIPC=true"),
    ]
    .into_iter()
    .filter(|(k, _)| flag(Some(spec), k) == Some(true))
    .map(|(_, s)| s)
    .collect();
    if used.is_empty() {
        return None;
    }
    fail("host namespaces", used.join(", "))
}

fn host_path_volumes(_: &Value, spec: &Value) -> Outcome {
    let bad: Vec<String> = list(Some(spec), "volumes")
        .filter(|v| set(v, "hostPath").is_some())
        .map(name)
        .collect();
    if bad.is_empty() {
        return None;
    }
    fail(
        "hostPath volumes",
        format!(
            "{} {}",
            pluralize("volume", "volumes", bad.len()),
            join_quote(&bad)
        ),
    )
}

fn host_ports(_: &Value, spec: &Value) -> Outcome {
    let mut bad = Vec::new();
    let mut ports = BTreeSet::new();
    for c in containers(spec) {
        let mut valid = true;
        for p in list(Some(c), "ports") {
            let port = p.get("hostPort").and_then(Value::as_i64).unwrap_or(0);
            if port != 0 {
                valid = false;
                ports.insert(port.to_string());
            }
        }
        if !valid {
            bad.push(name(c));
        }
    }
    if bad.is_empty() {
        return None;
    }
    fail(
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            sorted(&ports).join(", ")
        ),
    )
}

/// The hosts a probe or lifecycle handler names (`httpGet.host`, `tcpSocket.host`).
fn handler_hosts(handler: Option<&Value>) -> Vec<String> {
    let Some(h) = handler else { return Vec::new() };
    ["httpGet", "tcpSocket"]
        .into_iter()
        .filter_map(|k| set(h, k))
        .map(|x| text(Some(x), "host").to_string())
        .filter(|host| !host.is_empty())
        .collect()
}

fn host_probes_and_lifecycle(_: &Value, spec: &Value) -> Outcome {
    let mut bad = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    for c in containers(spec) {
        let lifecycle = set(c, "lifecycle");
        let handlers = [
            set(c, "livenessProbe"),
            set(c, "readinessProbe"),
            set(c, "startupProbe"),
            lifecycle.and_then(|l| set(l, "postStart")),
            lifecycle.and_then(|l| set(l, "preStop")),
        ];
        for h in handlers {
            let found = handler_hosts(h);
            if !found.is_empty() {
                bad.insert(name(c));
                hosts.extend(found);
            }
        }
    }
    if bad.is_empty() {
        return None;
    }
    let bad: Vec<String> = bad.into_iter().collect();
    fail(
        "probe or lifecycle host",
        format!(
            "{} {} {} {}",
            containers_phrase(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize(
                "probe or lifecycle host",
                "probe or lifecycle hosts",
                hosts.len()
            ),
            join_quote(&sorted(&hosts))
        ),
    )
}

fn privileged(_: &Value, spec: &Value) -> Outcome {
    let bad: Vec<String> = containers(spec)
        .filter(|c| flag(sc(c), "privileged") == Some(true))
        .map(name)
        .collect();
    if bad.is_empty() {
        return None;
    }
    fail(
        "privileged",
        format!(
            "{} must not set securityContext.privileged=true",
            containers_phrase(&bad)
        ),
    )
}

fn proc_mount(_: &Value, spec: &Value) -> Outcome {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    for c in containers(spec) {
        let Some(mount) = sc(c).and_then(|s| set(s, "procMount")) else {
            continue;
        };
        let mount = mount.as_str().unwrap_or("");
        if mount != "Default" {
            bad.push(name(c));
            types.insert(mount.to_string());
        }
    }
    if bad.is_empty() {
        return None;
    }
    fail(
        "procMount",
        format!(
            "{} must not set securityContext.procMount to {}",
            containers_phrase(&bad),
            join_quote(&sorted(&types))
        ),
    )
}

/// From v1.35 the baseline level lets a pod in a user namespace (`hostUsers: false`) set any
/// procMount; restricted still refuses it (`procMount_restricted`).
fn proc_mount_1_35_baseline(meta: &Value, spec: &Value) -> Outcome {
    if user_namespace(spec) {
        return None;
    }
    proc_mount(meta, spec)
}

/// The inline volume sources the restricted level allows.
const ALLOWED_VOLUMES: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The sources the restricted level names when it refuses one, in upstream's order.
const NAMED_VOLUMES: [(&str, &str); 21] = [
    ("hostPath", "hostPath"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("gitRepo", "gitRepo"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("rbd", "rbd"),
    ("flexVolume", "flexVolume"),
    ("cinder", "cinder"),
    ("cephfs", "cephfs"),
    ("flocker", "flocker"),
    ("fc", "fc"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("quobyte", "quobyte"),
    ("azureDisk", "azureDisk"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("scaleIO", "scaleIO"),
    ("storageos", "storageos"),
];

fn restricted_volumes(_: &Value, spec: &Value) -> Outcome {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    for vol in list(Some(spec), "volumes") {
        if ALLOWED_VOLUMES.iter().any(|k| set(vol, k).is_some()) {
            continue;
        }
        bad.push(name(vol));
        let kind = NAMED_VOLUMES
            .iter()
            .find(|(k, _)| set(vol, k).is_some())
            .map_or("unknown", |(_, n)| n);
        types.insert(kind.to_string());
    }
    if bad.is_empty() {
        return None;
    }
    fail(
        "restricted volume types",
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", bad.len()),
            join_quote(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize(
                "restricted volume type",
                "restricted volume types",
                types.len()
            ),
            join_quote(&sorted(&types))
        ),
    )
}

fn run_as_non_root(_: &Value, spec: &Value) -> Outcome {
    let mut setters = Vec::new();
    let mut pod_non_root = false;
    match flag(pod_sc(spec), "runAsNonRoot") {
        Some(false) => setters.push("pod".to_string()),
        Some(true) => pod_non_root = true,
        None => {}
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in containers(spec) {
        match flag(sc(c), "runAsNonRoot") {
            Some(false) => explicit.push(name(c)),
            Some(true) => {}
            None if !pod_non_root => implicit.push(name(c)),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        return fail(
            "runAsNonRoot != true",
            format!(
                "{} must not set securityContext.runAsNonRoot=false",
                setters.join(" and ")
            ),
        );
    }
    if !implicit.is_empty() {
        return fail(
            "runAsNonRoot != true",
            format!(
                "pod or {} must set securityContext.runAsNonRoot=true",
                containers_phrase(&implicit)
            ),
        );
    }
    None
}

fn run_as_non_root_1_35(meta: &Value, spec: &Value) -> Outcome {
    if user_namespace(spec) {
        return None;
    }
    run_as_non_root(meta, spec)
}

fn run_as_user(_: &Value, spec: &Value) -> Outcome {
    let root =
        |s: Option<&Value>| s.and_then(|s| s.get("runAsUser")).and_then(Value::as_i64) == Some(0);
    let mut setters = Vec::new();
    if root(pod_sc(spec)) {
        setters.push("pod".to_string());
    }
    let bad: Vec<String> = containers(spec).filter(|c| root(sc(c))).map(name).collect();
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    fail(
        "runAsUser=0",
        format!("{} must not set runAsUser=0", setters.join(" and ")),
    )
}

fn run_as_user_1_35(meta: &Value, spec: &Value) -> Outcome {
    if user_namespace(spec) {
        return None;
    }
    run_as_user(meta, spec)
}

const SELINUX_TYPES_1_0: [&str; 4] = ["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn se_linux_options_1_0(meta: &Value, spec: &Value) -> Outcome {
    se_linux_options(meta, spec, &SELINUX_TYPES_1_0)
}

/// v1.31 allows `container_engine_t` too.
fn se_linux_options_1_31(meta: &Value, spec: &Value) -> Outcome {
    se_linux_options(meta, spec, &SELINUX_TYPES_1_31)
}

fn se_linux_options(_: &Value, spec: &Value, allowed: &[&str]) -> Outcome {
    let mut types = BTreeSet::new();
    let (mut user, mut role) = (false, false);
    let mut valid = |opts: &Value| {
        let mut ok = true;
        let t = text(Some(opts), "type");
        if !allowed.contains(&t) {
            ok = false;
            types.insert(t.to_string());
        }
        if !text(Some(opts), "user").is_empty() {
            ok = false;
            user = true;
        }
        if !text(Some(opts), "role").is_empty() {
            ok = false;
            role = true;
        }
        ok
    };
    let mut setters = Vec::new();
    if let Some(opts) = pod_sc(spec).and_then(|s| set(s, "seLinuxOptions")) {
        if !valid(opts) {
            setters.push("pod".to_string());
        }
    }
    let mut bad = Vec::new();
    for c in containers(spec) {
        if let Some(opts) = sc(c).and_then(|s| set(s, "seLinuxOptions")) {
            if !valid(opts) {
                bad.push(name(c));
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    if !types.is_empty() {
        data.push(format!(
            "{} {}",
            pluralize("type", "types", types.len()),
            join_quote(&sorted(&types))
        ));
    }
    if user {
        data.push("user may not be set".to_string());
    }
    if role {
        data.push("role may not be set".to_string());
    }
    fail(
        "seLinuxOptions",
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.join(" and "),
            data.join("; ")
        ),
    )
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// v1.0–v1.18: the seccomp annotations (`runtime/default`, `docker/default`, `localhost/*`).
fn seccomp_baseline_annotations(meta: &Value, spec: &Value) -> Outcome {
    let valid =
        |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let annotations = set(meta, "annotations");
    let value = |key: &str| {
        annotations
            .and_then(|a| a.get(key))
            .map(|v| v.as_str().unwrap_or(""))
    };
    let mut forbidden = BTreeSet::new();
    if let Some(v) = value(SECCOMP_POD_ANNOTATION) {
        if !valid(v) {
            forbidden.insert(format!("{SECCOMP_POD_ANNOTATION}={}", go_quote(v)));
        }
    }
    for c in containers(spec) {
        let key = format!("{SECCOMP_CONTAINER_ANNOTATION}{}", name(c));
        if let Some(v) = value(&key) {
            if !valid(v) {
                forbidden.insert(format!("{key}={}", go_quote(v)));
            }
        }
    }
    if forbidden.is_empty() {
        return None;
    }
    fail(
        "seccompProfile",
        format!(
            "forbidden {} {}",
            pluralize("annotation", "annotations", forbidden.len()),
            sorted(&forbidden).join(", ")
        ),
    )
}

fn valid_seccomp(t: &str) -> bool {
    t == "Localhost" || t == "RuntimeDefault"
}

/// The seccomp profile type a security context sets, if it sets a profile.
fn seccomp_type(s: Option<&Value>) -> Option<&str> {
    s.and_then(|s| set(s, "seccompProfile"))
        .map(|p| text(Some(p), "type"))
}

fn seccomp_baseline_1_19(_: &Value, spec: &Value) -> Outcome {
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    if let Some(t) = seccomp_type(pod_sc(spec)) {
        if !valid_seccomp(t) {
            setters.push("pod".to_string());
            values.insert(t.to_string());
        }
    }
    let mut bad = Vec::new();
    for c in containers(spec) {
        if let Some(t) = seccomp_type(sc(c)) {
            if !valid_seccomp(t) {
                bad.push(name(c));
                values.insert(t.to_string());
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    fail(
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&sorted(&values))
        ),
    )
}

fn seccomp_restricted_1_19(_: &Value, spec: &Value) -> Outcome {
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    let mut pod_set = false;
    if let Some(t) = seccomp_type(pod_sc(spec)) {
        if valid_seccomp(t) {
            pod_set = true;
        } else {
            setters.push("pod".to_string());
            values.insert(t.to_string());
        }
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    for c in containers(spec) {
        match seccomp_type(sc(c)) {
            Some(t) if !valid_seccomp(t) => {
                explicit.push(name(c));
                values.insert(t.to_string());
            }
            Some(_) => {}
            None if !pod_set => implicit.push(name(c)),
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        return fail(
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(&sorted(&values))
            ),
        );
    }
    if !implicit.is_empty() {
        return fail(
            "seccompProfile",
            format!(
                "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                containers_phrase(&implicit)
            ),
        );
    }
    None
}

fn seccomp_restricted_1_25(meta: &Value, spec: &Value) -> Outcome {
    if windows(spec) {
        return None;
    }
    seccomp_restricted_1_19(meta, spec)
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn sysctls_1_0(m: &Value, s: &Value) -> Outcome {
    sysctls(m, s, &[SYSCTLS_1_0])
}
fn sysctls_1_27(m: &Value, s: &Value) -> Outcome {
    sysctls(m, s, &[SYSCTLS_1_0, SYSCTLS_1_27])
}
fn sysctls_1_29(m: &Value, s: &Value) -> Outcome {
    sysctls(m, s, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29])
}
fn sysctls_1_32(m: &Value, s: &Value) -> Outcome {
    sysctls(
        m,
        s,
        &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32],
    )
}
fn sysctls_1_37(m: &Value, s: &Value) -> Outcome {
    let all = [
        SYSCTLS_1_0,
        SYSCTLS_1_27,
        SYSCTLS_1_29,
        SYSCTLS_1_32,
        SYSCTLS_1_37,
    ];
    sysctls(m, s, &all)
}

fn sysctls(_: &Value, spec: &Value, allowed: &[&[&str]]) -> Outcome {
    let bad: Vec<&str> = list(pod_sc(spec), "sysctls")
        .map(|s| text(Some(s), "name"))
        .filter(|n| !allowed.iter().any(|set| set.contains(n)))
        .collect();
    if bad.is_empty() {
        return None;
    }
    fail("forbidden sysctls", bad.join(", "))
}

fn windows_host_process(_: &Value, spec: &Value) -> Outcome {
    let host_process = |s: Option<&Value>| {
        flag(s.and_then(|s| set(s, "windowsOptions")), "hostProcess") == Some(true)
    };
    let bad: Vec<String> = containers(spec)
        .filter(|c| host_process(sc(c)))
        .map(name)
        .collect();
    let mut setters = Vec::new();
    if host_process(pod_sc(spec)) {
        setters.push("pod".to_string());
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    fail(
        "hostProcess",
        format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            setters.join(" and ")
        ),
    )
}

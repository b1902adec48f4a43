//! What a container can really do: the effective security settings of each container of a
//! pod after the container-over-pod merge (the kubelet's `determineEffectiveSecurityContext`),
//! each with where it came from; the capability set the container runtime gives it (the
//! runtime's default set, `add`, `drop`, `ALL`, everything when privileged, applied in
//! containerd's order); whether its process is root; and, in plain words, what that lets it do
//! to the node. The Pod Security verdict for each level is `sim::podsecurity`'s.
//! See <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::sim::podsecurity::{self, Level, LevelVersion, Version};

/// Every Linux capability, in the kernel's numbering (`CAP_CHOWN` is 0).
pub const ALL_CAPABILITIES: [&str; 41] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
];

/// The set containerd (and Docker, moby's `oci/defaults.go`) gives a container that asks for
/// nothing, in their order.
pub const RUNTIME_DEFAULT: [&str; 14] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

/// What a process may do on the node, and the capability behind it.
pub const ABILITIES: [(&str, &str); 15] = [
    ("reboot the host", "SYS_BOOT"),
    (
        "change network configuration: interfaces, routes, iptables (the host's, with hostNetwork)",
        "NET_ADMIN",
    ),
    (
        "change kernel parameters (sysctl; /proc/sys is writable only when privileged)",
        "SYS_ADMIN",
    ),
    ("load and unload kernel modules", "SYS_MODULE"),
    ("mount filesystems", "SYS_ADMIN"),
    ("set the system clock", "SYS_TIME"),
    ("bind ports below 1024", "NET_BIND_SERVICE"),
    ("change the owner of any file", "CHOWN"),
    (
        "read and write files whatever their permissions",
        "DAC_OVERRIDE",
    ),
    ("open raw sockets (ping, packet crafting)", "NET_RAW"),
    ("trace and inspect other processes", "SYS_PTRACE"),
    ("send signals to any process", "KILL"),
    ("switch to any user or group id", "SETUID"),
    ("create device files", "MKNOD"),
    ("load eBPF programs", "BPF"),
];

/// The `USER` of well-known images, as their image configuration sets it (none: root). The
/// kubelet reads it from the image when a container sets no `runAsUser`; kubegate pulls no
/// image, so it knows only these.
const IMAGE_USERS: [(&str, &str); 16] = [
    ("nginxinc/nginx-unprivileged", "101"),
    ("registry.k8s.io/pause", "65535"),
    ("k8s.gcr.io/pause", "65535"),
    ("gcr.io/distroless/", "0"),
    ("cgr.dev/chainguard/", "65532"),
    ("bitnami/", "1001"),
    ("docker.io/bitnami/", "1001"),
    ("grafana/grafana", "472"),
    ("quay.io/prometheus/", "nobody"),
    ("prom/", "nobody"),
    ("jenkins/jenkins", "jenkins"),
    ("nginx", "0"),
    ("busybox", "0"),
    ("ubuntu", "0"),
    ("alpine", "0"),
    ("debian", "0"),
];

/// The `USER` an image runs as, when kubegate knows it: `:nonroot` distroless tags are 65532.
pub fn image_user(image: &str) -> Option<&'static str> {
    let (repo, tag) = match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (image, ""),
    };
    let repo = repo.split('@').next().unwrap_or(repo);
    let repo = repo.strip_prefix("docker.io/library/").unwrap_or(repo);
    if repo.starts_with("gcr.io/distroless/") && tag.contains("nonroot") {
        return Some("65532");
    }
    IMAGE_USERS
        .iter()
        .find(|(prefix, _)| {
            if prefix.ends_with('/') {
                repo.starts_with(prefix)
            } else {
                repo == *prefix
            }
        })
        .map(|(_, user)| *user)
}

/// Where an effective setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The container's own securityContext.
    Container,
    /// The pod's securityContext (the container did not set it).
    Pod,
    /// Neither: the kubelet's or the container runtime's default.
    Default,
    /// The container image (its `USER`).
    Image,
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    pub field: String,
    /// The value, as it would be written in YAML (`1000`, `true`, `RuntimeDefault`).
    pub value: String,
    pub source: Source,
    /// A word on what it means, when there is one worth saying.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One container's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerReport {
    pub name: String,
    /// `initContainers`, `containers` or `ephemeralContainers`.
    pub list: String,
    pub settings: Vec<Setting>,
    /// The runtime's default set this container starts from.
    pub default_caps: Vec<String>,
    /// `capabilities.add`, as written.
    pub added: Vec<String>,
    /// `capabilities.drop`, as written.
    pub dropped: Vec<String>,
    /// The capabilities the runtime gives it, in the kernel's order.
    pub effective_caps: Vec<String>,
    pub privileged: bool,
    /// `Some(true)`: runs as root; `Some(false)`: not; `None`: the image's user decides.
    pub root: Option<bool>,
    /// What its capabilities let a root process do, and what it cannot (the capability missing).
    pub can: Vec<String>,
    pub cannot: Vec<String>,
    /// Plain words: root, privilege escalation, what the kubelet checks before it starts.
    pub notes: Vec<String>,
    /// The same container as a `docker run` command line.
    pub docker: String,
}

/// One level's verdict over the pod.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelVerdict {
    /// `baseline:latest`.
    pub level: String,
    pub allowed: bool,
    /// `reason (detail)` per failed check.
    pub failures: Vec<String>,
}

/// The security card of a pod (or of a workload's pod template).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityReport {
    /// `Pod blue/orange`, `Deployment blue/web (pod template)`.
    pub subject: String,
    /// Pod-level settings (hostUsers, hostNetwork, …).
    pub pod: Vec<Setting>,
    pub containers: Vec<ContainerReport>,
    pub levels: Vec<LevelVerdict>,
    /// The smallest securityContext patch that makes the pod pass restricted (a strategic merge
    /// patch of the pod, as YAML), when it does not already.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restricted_patch: String,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(compact(other)),
    }
}

/// A small JSON value as flow YAML (`{type: RuntimeDefault}`, `[1, 2]`).
fn compact(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| format!("{k}: {}", compact(x)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(compact).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

fn sc_of(v: &Value) -> Option<&Value> {
    v.get("securityContext").filter(|s| s.is_object())
}

/// A field set on the container wins; then the pod's; then the default given.
fn merged(
    field: &str,
    container: Option<&Value>,
    pod: Option<&Value>,
    default: (&str, Source),
    note: &str,
) -> Setting {
    let (value, source) = if let Some(v) = text(container.and_then(|c| c.get(field))) {
        (v, Source::Container)
    } else if let Some(v) = text(pod.and_then(|p| p.get(field))) {
        (v, Source::Pod)
    } else {
        (default.0.to_string(), default.1)
    };
    Setting {
        field: field.into(),
        value,
        source,
        note: note.into(),
    }
}

fn own(field: &str, sc: Option<&Value>, default: &str, note: &str) -> Setting {
    match text(sc.and_then(|c| c.get(field))) {
        Some(v) => Setting {
            field: field.into(),
            value: v,
            source: Source::Container,
            note: note.into(),
        },
        None => Setting {
            field: field.into(),
            value: default.into(),
            source: Source::Default,
            note: note.into(),
        },
    }
}

/// A capability name as the runtime reads it: upper case, without `CAP_`.
pub fn cap_name(s: &str) -> String {
    let up = s.to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_string).unwrap_or(up)
}

/// The runtime's capability set for a container: containerd applies `add: [ALL]`, then
/// `drop: [ALL]`, then each added, then each dropped; a privileged container has them all.
pub fn effective_capabilities(privileged: bool, add: &[String], drop: &[String]) -> Vec<String> {
    let mut set: Vec<&str> = if privileged {
        ALL_CAPABILITIES.to_vec()
    } else {
        RUNTIME_DEFAULT.to_vec()
    };
    if !privileged {
        if add.iter().any(|a| cap_name(a) == "ALL") {
            set = ALL_CAPABILITIES.to_vec();
        }
        if drop.iter().any(|d| cap_name(d) == "ALL") {
            set.clear();
        }
        for a in add {
            let a = cap_name(a);
            if let Some(known) = ALL_CAPABILITIES.iter().find(|c| **c == a) {
                if !set.contains(known) {
                    set.push(known);
                }
            }
        }
        for d in drop {
            let d = cap_name(d);
            set.retain(|c| *c != d);
        }
    }
    ALL_CAPABILITIES
        .iter()
        .filter(|c| set.contains(c))
        .map(|c| c.to_string())
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The report of one container.
fn container(
    list: &str,
    c: &Value,
    pod_sc: Option<&Value>,
    meta: &Value,
    spec: &Value,
) -> ContainerReport {
    let sc = sc_of(c);
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let privileged = sc
        .and_then(|s| s.get("privileged"))
        .and_then(Value::as_bool)
        == Some(true);
    let caps = sc.and_then(|s| s.get("capabilities"));
    let added = strings(caps.and_then(|c| c.get("add")));
    let dropped = strings(caps.and_then(|c| c.get("drop")));
    let effective = effective_capabilities(privileged, &added, &dropped);
    let mut settings = Vec::new();
    let image = c.get("image").and_then(Value::as_str).unwrap_or("");
    let known = image_user(image);
    let mut user = merged(
        "runAsUser",
        sc,
        pod_sc,
        ("the image's USER", Source::Image),
        "",
    );
    let root = match (user.source, known) {
        (Source::Image, Some(u)) => {
            user.value = format!("{u} (the image's USER)");
            Some(u == "0" || u == "root")
        }
        (Source::Image, None) => None,
        _ => Some(user.value == "0"),
    };
    settings.push(user);
    settings.push(merged(
        "runAsGroup",
        sc,
        pod_sc,
        ("the image's group", Source::Image),
        "",
    ));
    let non_root = merged("runAsNonRoot", sc, pod_sc, ("false", Source::Default), "");
    let non_root_set = non_root.value == "true";
    settings.push(non_root);
    settings.push(merged(
        "seccompProfile",
        sc,
        pod_sc,
        ("{type: Unconfined}", Source::Default),
        "the kubelet runs containers Unconfined unless it was started with --seccomp-default",
    ));
    settings.push(merged(
        "seLinuxOptions",
        sc,
        pod_sc,
        ("chosen by the runtime", Source::Default),
        "",
    ));
    let mut apparmor = merged(
        "appArmorProfile",
        sc,
        pod_sc,
        ("{type: RuntimeDefault}", Source::Default),
        "on nodes with AppArmor",
    );
    // Before the field (v1.30) a pod annotation per container chose the profile; the kubelet
    // still reads it when neither the container nor the pod sets the field.
    let key = format!("container.apparmor.security.beta.kubernetes.io/{name}");
    if apparmor.source == Source::Default {
        if let Some(v) = meta
            .pointer("/annotations")
            .and_then(|a| a.get(&key))
            .and_then(Value::as_str)
        {
            apparmor.value = match v {
                "runtime/default" => "{type: RuntimeDefault}".to_string(),
                "unconfined" => "{type: Unconfined}".to_string(),
                other => match other.strip_prefix("localhost/") {
                    Some(p) => format!("{{type: Localhost, localhostProfile: {p}}}"),
                    None => other.to_string(),
                },
            };
            apparmor.source = Source::Pod;
            apparmor.note = format!("from the pod's annotation {key}");
        }
    }
    settings.push(apparmor);
    settings.push(own("privileged", sc, "false", ""));
    let ape = text(sc.and_then(|s| s.get("allowPrivilegeEscalation")));
    let sys_admin = effective.iter().any(|c| c == "SYS_ADMIN");
    let ape_setting = match ape {
        Some(v) => Setting {
            field: "allowPrivilegeEscalation".into(),
            value: v,
            source: Source::Container,
            note: String::new(),
        },
        None => Setting {
            field: "allowPrivilegeEscalation".into(),
            value: "true".into(),
            source: Source::Default,
            note: if privileged || sys_admin {
                "always true for a privileged container or one with CAP_SYS_ADMIN".into()
            } else {
                "unset means allowed: no_new_privs is not set".into()
            },
        },
    };
    let escalation = ape_setting.value == "true" || privileged || sys_admin;
    settings.push(ape_setting);
    settings.push(own("readOnlyRootFilesystem", sc, "false", ""));
    settings.push(own("procMount", sc, "Default", ""));
    settings.push(Setting {
        field: "capabilities".into(),
        value: caps
            .map(compact)
            .unwrap_or_else(|| "the runtime's default set".into()),
        source: if caps.is_some() {
            Source::Container
        } else {
            Source::Default
        },
        note: String::new(),
    });
    let mut notes = Vec::new();
    match root {
        Some(true) => notes.push(
            "runs as root (UID 0). Without a user namespace (hostUsers: false), root in the container is root on the node, held back only by its capabilities, seccomp, AppArmor/SELinux".into(),
        ),
        Some(false) => notes.push(
            "runs as a non-root user: its process has no effective capabilities; the set below is its bounding set, reachable only through setuid or file-capability binaries when privilege escalation is allowed".into(),
        ),
        None => notes.push(
            "no runAsUser: the image's USER decides (kubegate does not know this image's), root for most images".into(),
        ),
    }
    if privileged {
        notes.push("privileged: every capability, every host device, no seccomp or AppArmor confinement, /sys writable — as good as root on the node".into());
    }
    if escalation && !privileged {
        notes.push("privilege escalation allowed: a setuid binary can gain more privileges than its parent".into());
    }
    if non_root_set {
        notes.push(kubelet_check(meta, &name, &settings[0], known));
    }
    let host_users = spec.get("hostUsers").and_then(Value::as_bool) != Some(false);
    let effective_root = root != Some(false);
    let mut can = Vec::new();
    let mut cannot = Vec::new();
    for (what, cap) in ABILITIES {
        let held = effective.iter().any(|c| c == cap);
        if held && effective_root {
            let scope = if host_users {
                ""
            } else {
                " (inside its user namespace only)"
            };
            can.push(format!("{what}{scope} — CAP_{cap}"));
        } else if held && escalation {
            cannot.push(format!(
                "{what} — CAP_{cap} is in its bounding set: a setuid-root binary could take it back"
            ));
        } else if held {
            cannot.push(format!(
                "{what} — CAP_{cap} is in its bounding set, but a non-root process without privilege escalation never gets it"
            ));
        } else {
            cannot.push(format!("{what} — needs CAP_{cap}"));
        }
    }
    ContainerReport {
        name,
        list: list.into(),
        settings,
        default_caps: if privileged {
            ALL_CAPABILITIES.iter().map(|c| c.to_string()).collect()
        } else {
            RUNTIME_DEFAULT.iter().map(|c| c.to_string()).collect()
        },
        added,
        dropped,
        effective_caps: effective,
        privileged,
        root,
        can,
        cannot,
        notes,
        docker: crate::sim::docker::run_flags(c, spec),
    }
}

/// The kubelet's `verifyRunAsNonRoot`, made when it starts the container, after admission:
/// what it would answer for this container (its error stops the container in
/// CreateContainerConfigError, with a `Failed` event `Error: …`).
fn kubelet_check(
    meta: &Value,
    container: &str,
    user: &Setting,
    image_user: Option<&str>,
) -> String {
    let text = |k: &str| meta.get(k).and_then(Value::as_str).unwrap_or("");
    let uid = match text("uid") {
        "" => "<uid>",
        u => u,
    };
    let pod = format!("{}_{}({uid})", text("name"), text("namespace"));
    let suffix = format!(
        "(pod: {}, container: {container})",
        crate::sim::yamlout::go_quote(&pod)
    );
    let after = "after admission, when the kubelet starts the container (runAsNonRoot)";
    let refused = |why: String| {
        format!("{after}: refused, the container stays in CreateContainerConfigError: Error: {why} {suffix}")
    };
    match (user.source, image_user) {
        (Source::Container | Source::Pod, _) if user.value == "0" => {
            refused("container's runAsUser breaks non-root policy".into())
        }
        (Source::Container | Source::Pod, _) => format!("{after}: passes (runAsUser {})", user.value),
        (_, Some("0" | "root")) => refused("container has runAsNonRoot and image will run as root".into()),
        (_, Some(u)) if u.parse::<u64>().is_err() => refused(format!(
            "container has runAsNonRoot and image has non-numeric user ({u}), cannot verify user is non-root"
        )),
        (_, Some(u)) => format!("{after}: passes (the image runs as {u})"),
        (_, None) => format!(
            "{after}: the kubelet reads the image's USER; kubegate does not know this image's. If it is root (most images), it answers: Error: container has runAsNonRoot and image will run as root {suffix}"
        ),
    }
}

/// The pod's own settings: those only a pod has, and the host namespaces.
fn pod_settings(spec: &Value) -> Vec<Setting> {
    let sc = sc_of(spec);
    let mut out = Vec::new();
    let pod_field =
        |field: &str, default: &str, note: &str| match text(sc.and_then(|s| s.get(field))) {
            Some(v) => Setting {
                field: field.into(),
                value: v,
                source: Source::Pod,
                note: note.into(),
            },
            None => Setting {
                field: field.into(),
                value: default.into(),
                source: Source::Default,
                note: note.into(),
            },
        };
    out.push(pod_field(
        "fsGroup",
        "none",
        "volumes that support ownership are made group-owned by it",
    ));
    out.push(pod_field("supplementalGroups", "[]", ""));
    out.push(pod_field("sysctls", "[]", ""));
    for (field, note) in [
        ("hostUsers", "false runs the pod in a user namespace: root inside is an unprivileged user on the node"),
        ("hostNetwork", "the node's network stack"),
        ("hostPID", "sees and signals the node's processes"),
        ("hostIPC", "the node's IPC namespace"),
    ] {
        let default = if field == "hostUsers" { "true" } else { "false" };
        out.push(match spec.get(field).and_then(Value::as_bool) {
            Some(b) => Setting {
                field: field.into(),
                value: b.to_string(),
                source: Source::Pod,
                note: note.into(),
            },
            None => Setting {
                field: field.into(),
                value: default.into(),
                source: Source::Default,
                note: note.into(),
            },
        });
    }
    out
}

/// The report of a pod's metadata and spec, with the Pod Security verdicts at `version` for a
/// server of `minor`.
pub fn report(subject: &str, meta: &Value, spec: &Value, minor: u32) -> SecurityReport {
    let pod_sc = sc_of(spec);
    let mut containers = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            containers.push(container(list, c, pod_sc, meta, spec));
        }
    }
    let levels = [Level::Privileged, Level::Baseline, Level::Restricted]
        .into_iter()
        .map(|level| {
            let lv = LevelVersion::new(level, Version::Latest);
            let e = podsecurity::evaluate(lv, minor, meta, spec);
            LevelVerdict {
                level: lv.to_string(),
                allowed: e.allowed(),
                failures: e
                    .failures
                    .iter()
                    .map(|f| {
                        if f.detail.is_empty() {
                            f.reason.clone()
                        } else {
                            format!("{} ({})", f.reason, f.detail)
                        }
                    })
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    let restricted_ok = levels.last().is_some_and(|l| l.allowed);
    SecurityReport {
        subject: subject.into(),
        pod: pod_settings(spec),
        containers,
        levels,
        restricted_patch: if restricted_ok {
            String::new()
        } else {
            restricted_patch(meta, spec, minor)
        },
    }
}

/// A pod's or a container's securityContext with the suggested fields merged in (a JSON merge
/// patch: `null` removes a field).
fn patch_security_context(target: &mut Value, fields: &serde_json::Map<String, Value>) {
    if let Some(m) = target.as_object_mut() {
        let current = m
            .get("securityContext")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let merged = crate::sim::patch::merge(&current, &Value::Object(fields.clone()));
        m.insert("securityContext".into(), merged);
    }
}

/// The smallest securityContext changes that make a pod pass restricted: the pod-level
/// settings every container can share (runAsNonRoot, seccompProfile), then per container what
/// only a container can set (allowPrivilegeEscalation, capabilities, privileged, procMount)
/// and what it set wrongly itself. Checks that need more than a securityContext (host
/// namespaces, hostPath volumes, host ports, sysctls) are listed as such.
pub fn restricted_patch(meta: &Value, spec: &Value, minor: u32) -> String {
    let lv = LevelVersion::new(Level::Restricted, Version::Latest);
    let before = podsecurity::evaluate(lv, minor, meta, spec);
    let failing = |id: &str| before.failures.iter().any(|f| f.check == id);
    let mut fixed = spec.clone();
    let mut pod_patch = serde_json::Map::new();
    let windows = spec.pointer("/os/name").and_then(Value::as_str) == Some("windows");
    if failing("runAsNonRoot") {
        pod_patch.insert("runAsNonRoot".into(), json!(true));
    }
    if failing("seccompProfile_restricted") {
        pod_patch.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
    }
    if failing("runAsUser") && spec.pointer("/securityContext/runAsUser") == Some(&json!(0)) {
        pod_patch.insert("runAsUser".into(), json!(1000));
    }
    if failing("seLinuxOptions") && spec.pointer("/securityContext/seLinuxOptions").is_some() {
        pod_patch.insert("seLinuxOptions".into(), Value::Null);
    }
    if failing("appArmorProfile") && spec.pointer("/securityContext/appArmorProfile").is_some() {
        pod_patch.insert("appArmorProfile".into(), json!({"type": "RuntimeDefault"}));
    }
    if failing("windowsHostProcess")
        && spec.pointer("/securityContext/windowsOptions/hostProcess") == Some(&json!(true))
    {
        pod_patch.insert("windowsOptions".into(), json!({"hostProcess": false}));
    }
    if !pod_patch.is_empty() {
        patch_security_context(&mut fixed, &pod_patch);
    }
    let mut lists: Vec<(String, Vec<Value>)> = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let mut patched = Vec::new();
        let Some(cs) = fixed.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs.iter_mut() {
            let mut p = serde_json::Map::new();
            let sc = c.get("securityContext").cloned().unwrap_or(json!({}));
            if !windows
                && failing("allowPrivilegeEscalation")
                && sc.get("allowPrivilegeEscalation") != Some(&json!(false))
            {
                p.insert("allowPrivilegeEscalation".into(), json!(false));
            }
            if sc.get("privileged") == Some(&json!(true)) {
                p.insert("privileged".into(), json!(false));
            }
            if !windows && failing("capabilities_restricted") {
                let drops_all = sc
                    .pointer("/capabilities/drop")
                    .and_then(Value::as_array)
                    .is_some_and(|d| d.iter().any(|x| x == "ALL"));
                let adds = strings(sc.pointer("/capabilities/add"));
                let bad_add = adds.iter().any(|a| a != "NET_BIND_SERVICE");
                if !drops_all || bad_add {
                    let mut caps = serde_json::Map::new();
                    caps.insert("drop".into(), json!(["ALL"]));
                    if bad_add {
                        let keep: Vec<&String> =
                            adds.iter().filter(|a| *a == "NET_BIND_SERVICE").collect();
                        caps.insert("add".into(), json!(keep));
                    }
                    p.insert("capabilities".into(), Value::Object(caps));
                }
            }
            if sc.get("runAsNonRoot") == Some(&json!(false)) {
                p.insert("runAsNonRoot".into(), json!(true));
            }
            if sc.get("runAsUser") == Some(&json!(0)) {
                p.insert("runAsUser".into(), json!(1000));
            }
            if let Some(t) = sc.pointer("/seccompProfile/type").and_then(Value::as_str) {
                if t != "RuntimeDefault" && t != "Localhost" {
                    p.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
                }
            }
            if sc
                .get("procMount")
                .is_some_and(|m| m != "Default" && !m.is_null())
            {
                p.insert("procMount".into(), json!("Default"));
            }
            if sc.get("seLinuxOptions").is_some_and(|o| !o.is_null()) && failing("seLinuxOptions") {
                p.insert("seLinuxOptions".into(), Value::Null);
            }
            if let Some(t) = sc.pointer("/appArmorProfile/type").and_then(Value::as_str) {
                if t != "RuntimeDefault" && t != "Localhost" {
                    p.insert("appArmorProfile".into(), json!({"type": "RuntimeDefault"}));
                }
            }
            if sc.pointer("/windowsOptions/hostProcess") == Some(&json!(true)) {
                p.insert("windowsOptions".into(), json!({"hostProcess": false}));
            }
            if p.is_empty() {
                continue;
            }
            patch_security_context(c, &p);
            let name = c.get("name").cloned().unwrap_or(Value::Null);
            patched.push(json!({"name": name, "securityContext": Value::Object(p)}));
        }
        if !patched.is_empty() {
            lists.push((list.to_string(), patched));
        }
    }
    let mut patch_spec = serde_json::Map::new();
    if !pod_patch.is_empty() {
        patch_spec.insert("securityContext".into(), Value::Object(pod_patch));
    }
    for (list, items) in lists {
        patch_spec.insert(list, Value::Array(items));
    }
    let after = podsecurity::evaluate(lv, minor, meta, &fixed);
    let mut out = String::new();
    if !patch_spec.is_empty() {
        out.push_str(&crate::sim::yamlout::to_yaml(
            &json!({"spec": Value::Object(patch_spec)}),
        ));
    }
    for f in &after.failures {
        out.push_str(&format!(
            "# still refused, beyond a securityContext: {} ({})\n",
            f.reason, f.detail
        ));
    }
    out
}

/// The resources whose writes carry a pod (or a pod template), and the template's place.
fn pod_of<'v>(group: &str, resource: &str, obj: &'v Value) -> Option<(&'v Value, &'v Value, bool)> {
    let at = |path: &str| obj.pointer(path).filter(|v| v.is_object());
    let template = |path: &str| {
        let t = at(path)?;
        Some((
            t.get("metadata").unwrap_or(&Value::Null),
            t.get("spec")?,
            true,
        ))
    };
    if (group, resource) == ("", "pods") {
        return Some((
            obj.get("metadata").unwrap_or(&Value::Null),
            at("/spec")?,
            false,
        ));
    }
    template(crate::sim::podsecurity::template_path(group, resource)?)
}

/// The report of an object that carries a pod, if it carries one.
pub fn report_of(group: &str, resource: &str, obj: &Value, minor: u32) -> Option<SecurityReport> {
    let (meta, spec, template) = pod_of(group, resource, obj)?;
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("Pod");
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut subject = if ns.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {ns}/{name}")
    };
    if template {
        subject.push_str(" (its pod template)");
    }
    Some(report(&subject, meta, spec, minor))
}

/// Puts the security card on each request that wrote (or tried to write) a pod or a pod
/// template: the object stored, else the one the client sent. The page and the CLI's trace
/// call this; the pipeline itself does not pay for it.
pub fn attach(traces: &mut [crate::sim::trace::RequestTrace], minor: u32) {
    for t in traces {
        let a = &t.attributes;
        if !matches!(a.verb.as_str(), "create" | "update" | "patch")
            || !(a.subresource.is_empty() || a.subresource == "ephemeralcontainers")
        {
            continue;
        }
        let (group, resource) = (a.api_group.clone(), a.resource.clone());
        let stored = t
            .response
            .body
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k != "Status");
        let sent;
        let obj = if stored {
            &t.response.body
        } else if a.verb == "patch" {
            continue;
        } else {
            match t.sent_body.as_deref().map(serde_json::from_str::<Value>) {
                Some(Ok(v)) => {
                    sent = v;
                    &sent
                }
                _ => continue,
            }
        };
        t.security = report_of(&group, &resource, obj, minor).map(Box::new);
    }
}

fn source_word(s: Source) -> &'static str {
    match s {
        Source::Container => "container",
        Source::Pod => "pod",
        Source::Default => "default",
        Source::Image => "image",
    }
}

/// The report as text, for the terminal.
pub fn render(r: &SecurityReport) -> String {
    let mut out = format!("{}\n", r.subject);
    let pod: Vec<String> = r
        .pod
        .iter()
        .map(|s| format!("{}={} ({})", s.field, s.value, source_word(s.source)))
        .collect();
    out.push_str(&format!("  pod: {}\n", pod.join(", ")));
    for c in &r.containers {
        out.push_str(&format!("\ncontainer {:?} ({})\n", c.name, c.list));
        let width = c.settings.iter().map(|s| s.field.len()).max().unwrap_or(0);
        for s in &c.settings {
            out.push_str(&format!(
                "  {:width$}  {}  [{}]{}\n",
                s.field,
                s.value,
                source_word(s.source),
                if s.note.is_empty() {
                    String::new()
                } else {
                    format!("  {}", s.note)
                }
            ));
        }
        let base = if c.privileged {
            "privileged: all 41".to_string()
        } else {
            "runtime default (14)".to_string()
        };
        let mut line = base;
        if !c.dropped.is_empty() {
            line.push_str(&format!(" - drop {:?}", c.dropped));
        }
        if !c.added.is_empty() {
            line.push_str(&format!(" + add {:?}", c.added));
        }
        out.push_str(&format!(
            "  capabilities: {line} = {}\n",
            if c.effective_caps.is_empty() {
                "none".to_string()
            } else {
                c.effective_caps.join(" ")
            }
        ));
        for n in &c.notes {
            out.push_str(&format!("  - {n}\n"));
        }
        out.push_str(&format!("  as docker run: {}\n", c.docker));
        for can in &c.can {
            out.push_str(&format!("  can:    {can}\n"));
        }
        for cannot in &c.cannot {
            out.push_str(&format!("  cannot: {cannot}\n"));
        }
    }
    out.push_str("\nPod Security Standards:\n");
    for l in &r.levels {
        if l.allowed {
            out.push_str(&format!("  {:20} allowed\n", l.level));
        } else {
            out.push_str(&format!(
                "  {:20} refused: {}\n",
                l.level,
                l.failures.join(", ")
            ));
        }
    }
    if !r.restricted_patch.is_empty() {
        out.push_str("\nTo pass restricted, patch the pod with:\n");
        for line in r.restricted_patch.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(privileged: bool, add: &[&str], drop: &[&str]) -> Vec<String> {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        effective_capabilities(privileged, &s(add), &s(drop))
    }

    #[test]
    fn capabilities_follow_containerds_order() {
        assert_eq!(caps(false, &[], &[]).len(), 14);
        assert!(caps(false, &[], &[]).contains(&"NET_RAW".to_string()));
        assert_eq!(
            caps(false, &["NET_BIND_SERVICE"], &["ALL"]),
            ["NET_BIND_SERVICE"]
        );
        // add ALL then drop one: everything but that one.
        let c = caps(false, &["ALL"], &["CHOWN"]);
        assert_eq!(c.len(), 40);
        assert!(!c.contains(&"CHOWN".to_string()));
        // drop ALL wins over add ALL; individual adds come back after.
        assert_eq!(caps(false, &["ALL", "SYS_TIME"], &["ALL"]), ["SYS_TIME"]);
        // privileged: all 41 whatever add and drop say.
        assert_eq!(caps(true, &[], &["ALL"]).len(), 41);
        // `CAP_` and lower case are read as the runtime reads them.
        assert!(caps(false, &["cap_sys_admin"], &[]).contains(&"SYS_ADMIN".to_string()));
    }

    #[test]
    fn the_container_wins_over_the_pod_field_by_field() {
        let pod = json!({
            "securityContext": {"runAsUser": 1000, "runAsGroup": 3000, "fsGroup": 2000},
            "containers": [
                {"name": "a", "image": "busybox", "securityContext": {"runAsUser": 2000}},
                {"name": "b", "image": "busybox"}
            ]
        });
        let r = report("Pod x", &json!({}), &pod, 37);
        let get = |c: &ContainerReport, f: &str| {
            let s = c.settings.iter().find(|s| s.field == f).unwrap();
            (s.value.clone(), s.source)
        };
        assert_eq!(
            get(&r.containers[0], "runAsUser"),
            ("2000".into(), Source::Container)
        );
        assert_eq!(
            get(&r.containers[0], "runAsGroup"),
            ("3000".into(), Source::Pod)
        );
        assert_eq!(
            get(&r.containers[1], "runAsUser"),
            ("1000".into(), Source::Pod)
        );
        assert_eq!(r.containers[0].root, Some(false));
        assert_eq!(r.pod[0].value, "2000");
        assert!(r.levels[1].allowed, "baseline");
        assert!(!r.levels[2].allowed, "restricted");
    }

    #[test]
    fn a_privileged_root_container_can_do_anything_and_the_patch_makes_it_restricted() {
        let meta = json!({"name": "x"});
        let spec = json!({"containers": [{"name": "app", "image": "nginx",
            "securityContext": {"privileged": true, "runAsUser": 0}}]});
        let r = report("Pod x", &meta, &spec, 37);
        let c = &r.containers[0];
        assert_eq!(c.effective_caps.len(), 41);
        assert_eq!(c.root, Some(true));
        assert!(c.can.iter().any(|s| s.starts_with("reboot the host")));
        assert!(!r.levels[1].allowed);
        assert!(r.levels[1].failures[0].starts_with("privileged (container \"app\""));
        // Apply the suggested patch: the pod passes restricted.
        let patch = &r.restricted_patch;
        assert!(patch.contains("runAsNonRoot: true"), "{patch}");
        assert!(!patch.contains("still refused"), "{patch}");
    }

    #[test]
    fn the_kubelet_checks_run_as_non_root_against_the_images_user() {
        let note = |image: &str, sc: Value| {
            let spec = json!({"securityContext": {"runAsNonRoot": true},
                "containers": [{"name": "c", "image": image, "securityContext": sc}]});
            let meta = json!({"name": "p", "namespace": "blue", "uid": "u-1"});
            let r = report("Pod blue/p", &meta, &spec, 37);
            r.containers[0].notes.last().cloned().unwrap()
        };
        assert!(note("nginx:1.27", json!({})).ends_with(
            "Error: container has runAsNonRoot and image will run as root (pod: \"p_blue(u-1)\", container: c)"
        ));
        assert!(note("nginx", json!({"runAsUser": 0})).contains(
            "Error: container's runAsUser breaks non-root policy (pod: \"p_blue(u-1)\", container: c)"
        ));
        assert!(note("quay.io/prometheus/prometheus:v3.0.0", json!({}))
            .contains("image has non-numeric user (nobody), cannot verify user is non-root"));
        assert!(note("gcr.io/distroless/static:nonroot", json!({}))
            .ends_with("passes (the image runs as 65532)"));
        assert!(note("registry.k8s.io/pause:3.10", json!({}))
            .ends_with("passes (the image runs as 65535)"));
        assert!(note("example.com/app", json!({})).contains("kubegate does not know this image's"));
    }

    #[test]
    fn an_apparmor_annotation_stands_in_for_the_field() {
        let meta = json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "localhost/k8s-deny-write"}});
        let spec = json!({"containers": [{"name": "app", "image": "nginx"}, {"name": "other", "image": "nginx",
            "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]});
        let r = report("Pod x", &meta, &spec, 37);
        let get = |i: usize| {
            r.containers[i]
                .settings
                .iter()
                .find(|s| s.field == "appArmorProfile")
                .unwrap()
                .clone()
        };
        assert_eq!(
            get(0).value,
            "{type: Localhost, localhostProfile: k8s-deny-write}"
        );
        assert_eq!(get(0).source, Source::Pod);
        assert_eq!(
            (get(1).value.as_str(), get(1).source),
            ("{type: Unconfined}", Source::Container)
        );
    }

    #[test]
    fn what_a_patch_cannot_fix_is_said() {
        let spec = json!({"hostNetwork": true, "containers": [{"name": "app", "image": "nginx"}]});
        let p = restricted_patch(&json!({}), &spec, 37);
        assert!(
            p.contains(
                "# still refused, beyond a securityContext: host namespaces (hostNetwork=true)"
            ),
            "{p}"
        );
    }
}

//! The simulated cluster: boots a fresh kubeadm cluster of the workspace's version (namespaces,
//! service accounts, nodes, the default RBAC policy), adds the workspace's objects, and wires
//! the authenticators, authorizers and admission plugins from kube-apiserver's flags.
//! See <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>.

use serde_json::{json, Value};

use super::authn::serviceaccount::ServiceAccounts;
use super::authn::{Authenticators, ClientCa, TokenFile};
use super::authz::{rbac, Mode};
use super::clock::Instant;
use super::controlplane::ControlPlane;
use super::discovery;
use super::store::Store;
use super::workspace::{Diagnostic, Severity, Workspace};
use super::yaml::{self, Pos};

/// The RBAC objects a fresh kubeadm cluster stores: the apiserver's bootstrap policy plus
/// kubeadm's own roles and bindings.
pub const BOOTSTRAP_RBAC: &str = include_str!("../../static/cluster/bootstrap-rbac.yaml");

/// The bootstrap policy's objects, parsed once per process (booting is then mostly copying).
fn bootstrap_rbac() -> Result<&'static [Value], String> {
    static PARSED: std::sync::OnceLock<Result<Vec<Value>, String>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            yaml::parse_stream(BOOTSTRAP_RBAC)
                .map(|docs| {
                    docs.iter()
                        .filter(|d| !d.empty)
                        .map(|d| d.root.to_json())
                        .collect()
                })
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// What controllers add to a new namespace right away: its `default` ServiceAccount (the
/// service-account controller) and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher).
pub fn populate_namespace(store: &mut Store, namespace: &str, ca: &str, now: Instant) {
    let _ = store.create(
        "",
        "serviceaccounts",
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}),
        now,
    );
    let _ = store.create(
        "",
        "configmaps",
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-root-ca.crt", "namespace": namespace,
                "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
            "data": {"ca.crt": ca}}),
        now,
    );
}

/// The annotation root-ca-cert-publisher puts on `kube-root-ca.crt`.
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// Seconds between `kubeadm init` and the workspace's clock.
pub const CLUSTER_AGE: i64 = 3600;

/// A booted cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The control plane it was booted from.
    pub control_plane: ControlPlane,
    /// Its objects.
    pub store: Store,
    /// The authenticators from the flags.
    pub authenticators: Authenticators,
    /// `--authorization-mode`, in order.
    pub modes: Vec<Mode>,
    /// The simulated now.
    pub now: Instant,
}

impl Cluster {
    /// Boots the workspace's cluster. Problems with the flags' files come back as diagnostics
    /// (errors make the workspace unusable, as kube-apiserver would not start).
    pub fn boot(ws: &Workspace) -> Result<(Cluster, Vec<Diagnostic>), Vec<Diagnostic>> {
        let cp = ws.control_plane.clone();
        let now = cp.clock;
        let init = now - CLUSTER_AGE;
        let mut diags = Vec::new();
        let mut store = Store::new(150, u64::try_from(now).unwrap_or(0));
        let minor = cp.minor;

        // What kubeadm init leaves behind.
        let ca = cp.ca_pem();
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let mut obj =
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            if let Some(res) = discovery::by_resource(minor, "", "namespaces") {
                super::defaults::apply(&mut obj, res);
            }
            let _ = store.create("", "namespaces", obj, init);
        }
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            populate_namespace(&mut store, ns, &ca, init);
        }
        // `kubeadm init`'s bootstrap token (24 h; the cluster is an hour old).
        {
            use base64::Engine;
            let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
            let expiration = super::clock::format_rfc3339(init + 24 * 3600);
            let _ = store.create(
                "",
                "secrets",
                json!({"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
                    "metadata": {"name": "bootstrap-token-abcdef", "namespace": "kube-system"},
                    "data": {
                        "auth-extra-groups": b64("system:bootstrappers:kubeadm:default-node-token"),
                        "description": b64("The default bootstrap token generated by 'kubeadm init'."),
                        "expiration": b64(&expiration),
                        "token-id": b64("abcdef"),
                        "token-secret": b64("0123456789abcdef"),
                        "usage-bootstrap-authentication": b64("true"),
                        "usage-bootstrap-signing": b64("true"),
                    }}),
                init,
            );
        }
        // The PriorityClasses the API server creates for itself.
        for (name, value, description) in [
            ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
            ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
        ] {
            let _ = store.create(
                "scheduling.k8s.io",
                "priorityclasses",
                json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                    "metadata": {"name": name}, "value": value, "description": description,
                    "preemptionPolicy": "PreemptLowerPriority"}),
                init,
            );
        }
        // The Services a kubeadm cluster starts with: the API server's and CoreDNS's.
        for svc in [
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "internalTrafficPolicy": "Cluster",
                    "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                    "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                    "sessionAffinity": "None", "type": "ClusterIP"},
                "status": {"loadBalancer": {}}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system",
                "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
                "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "internalTrafficPolicy": "Cluster",
                    "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                    "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
                    "selector": {"k8s-app": "kube-dns"}, "sessionAffinity": "None", "type": "ClusterIP"},
                "status": {"loadBalancer": {}}}),
        ] {
            let _ = store.create("", "services", svc, init);
        }
        for (name, control_plane, ip) in [
            ("controlplane", true, "192.168.56.10"),
            ("node01", false, "192.168.56.11"),
        ] {
            let mut labels = json!({"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"});
            let mut spec =
                json!({"podCIDR": if control_plane {"10.244.0.0/24"} else {"10.244.1.0/24"}});
            if control_plane {
                labels["node-role.kubernetes.io/control-plane"] = json!("");
                labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
                spec["taints"] = json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
            }
            let _ = store.create(
                "",
                "nodes",
                json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
                    "spec": spec,
                    "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
                        "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                        "nodeInfo": {"kubeletVersion": format!("v1.{minor}.0"), "architecture": "amd64", "operatingSystem": "linux",
                            "osImage": "Ubuntu 24.04.3 LTS", "kernelVersion": "6.8.0-88-generic",
                            "containerRuntimeVersion": "containerd://2.1.4"}}}),
                init,
            );
        }
        match bootstrap_rbac() {
            Ok(objects) => {
                for obj in objects {
                    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
                    if let Some(res) = discovery::by_kind(minor, rbac::GROUP, kind) {
                        let _ = store.create(rbac::GROUP, res.name, obj.clone(), init);
                    }
                }
            }
            Err(e) => diags.push(Diagnostic {
                severity: Severity::Error,
                pos: Pos::default(),
                message: format!("built-in bootstrap policy does not parse: {e}"),
            }),
        }

        // The workspace's objects, as if already stored (they replace kubeadm's of the same name).
        for obj in &ws.objects {
            let ns = obj
                .value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            let name = obj
                .value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if obj.namespaced && store.get("", "namespaces", "", ns).is_none() {
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    pos: obj.pos,
                    message: format!("namespace \"{ns}\" does not exist: add a Namespace object, or the API server would refuse this object"),
                });
            }
            if store.get(&obj.group, &obj.resource, ns, name).is_some() {
                let _ = store.delete(&obj.group, &obj.resource, ns, name);
            }
            let mut value = obj.value.clone();
            if let Some(res) = discovery::by_resource(minor, &obj.group, &obj.resource) {
                super::defaults::apply(&mut value, res);
            }
            if let Err(e) = store.create(&obj.group, &obj.resource, value, now) {
                diags.push(Diagnostic {
                    severity: Severity::Error,
                    pos: obj.pos,
                    message: e.message,
                });
            }
            if obj.resource == "namespaces" {
                populate_namespace(&mut store, name, &ca, now);
            }
        }
        rbac::aggregate(&mut store);

        let arg_error = |flag: &str, message: String| Diagnostic {
            severity: Severity::Error,
            pos: cp.arg_pos.get(flag).copied().unwrap_or_default(),
            message,
        };
        let mut authenticators = Authenticators {
            anonymous: cp.arg("anonymous-auth") != Some("false"),
            ..Default::default()
        };
        if let Some(path) = cp.arg("client-ca-file") {
            match cp.files.get(path) {
                Some(pem) => match ClientCa::parse(path, pem) {
                    Ok(ca) => authenticators.client_ca = Some(ca),
                    Err(e) => diags.push(arg_error(
                        "client-ca-file",
                        format!("--client-ca-file: {path}: {e}"),
                    )),
                },
                None => diags.push(arg_error(
                    "client-ca-file",
                    format!("--client-ca-file: open {path}: no such file or directory"),
                )),
            }
        }
        if let Some(path) = cp.arg("token-auth-file") {
            match cp.files.get(path) {
                Some(text) => match TokenFile::parse(path, text) {
                    Ok(f) => {
                        for w in &f.warnings {
                            diags.push(Diagnostic {
                                severity: Severity::Warning,
                                pos: cp
                                    .arg_pos
                                    .get("token-auth-file")
                                    .copied()
                                    .unwrap_or_default(),
                                message: w.clone(),
                            });
                        }
                        authenticators.token_file = Some(f);
                    }
                    Err(e) => diags.push(arg_error(
                        "token-auth-file",
                        format!("--token-auth-file: {e}"),
                    )),
                },
                None => diags.push(arg_error(
                    "token-auth-file",
                    format!("--token-auth-file: open {path}: no such file or directory"),
                )),
            }
        }
        authenticators.bootstrap_tokens = cp.arg("enable-bootstrap-token-auth") == Some("true");
        if let Some(path) = cp.arg("basic-auth-file") {
            match cp.files.get(path) {
                Some(text) => match TokenFile::parse(path, text) {
                    Ok(f) => authenticators.password_file = Some(f),
                    Err(e) => diags.push(arg_error(
                        "basic-auth-file",
                        format!("--basic-auth-file: {e}"),
                    )),
                },
                None => diags.push(arg_error(
                    "basic-auth-file",
                    format!("--basic-auth-file: open {path}: no such file or directory"),
                )),
            }
        }
        // Service-account tokens: verifying keys, signing key, issuers, audiences.
        let list = |flag: &str| -> Vec<String> {
            cp.arg(flag)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let key_files = list("service-account-key-file");
        let signing_file = cp
            .arg("service-account-signing-key-file")
            .map(str::to_string);
        if !key_files.is_empty() || signing_file.is_some() {
            let mut missing = false;
            let mut pems: Vec<&str> = Vec::new();
            for f in &key_files {
                match cp.files.get(f) {
                    Some(t) => pems.push(t),
                    None => {
                        missing = true;
                        diags.push(arg_error(
                            "service-account-key-file",
                            format!(
                                "--service-account-key-file: open {f}: no such file or directory"
                            ),
                        ));
                    }
                }
            }
            let signing = match &signing_file {
                Some(f) => match cp.files.get(f) {
                    Some(t) => Some(t.as_str()),
                    None => {
                        missing = true;
                        diags.push(arg_error(
                            "service-account-signing-key-file",
                            format!("--service-account-signing-key-file: open {f}: no such file or directory"),
                        ));
                        None
                    }
                },
                None => None,
            };
            if !missing {
                match ServiceAccounts::new(
                    signing,
                    &pems,
                    list("service-account-issuer"),
                    list("api-audiences"),
                ) {
                    Ok(sa) => authenticators.service_accounts = Some(sa),
                    Err(e) => diags.push(arg_error(
                        "service-account-key-file",
                        format!("service-account keys: {e}"),
                    )),
                }
            }
        }
        let mut modes = Vec::new();
        for m in cp
            .arg("authorization-mode")
            .unwrap_or("AlwaysAllow")
            .split(',')
        {
            match Mode::parse(m.trim()) {
                Some(mode) => modes.push(mode),
                None => diags.push(arg_error(
                    "authorization-mode",
                    format!(
                        "--authorization-mode: authorization mode {:?} is not a valid mode",
                        m.trim()
                    ),
                )),
            }
        }

        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(diags);
        }
        // The controllers have run by the time anyone looks.
        let mut store = store;
        super::controllers::token_controller(
            &mut store,
            minor,
            init,
            authenticators.service_accounts.as_ref(),
            &cp.ca_pem(),
        );
        Ok((
            Cluster {
                control_plane: cp,
                store,
                authenticators,
                modes,
                now,
            },
            diags,
        ))
    }
}

//! The simulated cluster: boots a fresh kubeadm cluster of the workspace's version (namespaces,
//! service accounts, nodes, the default RBAC policy), adds the workspace's objects, and wires
//! the authenticators, authorizers and admission plugins from kube-apiserver's flags.
//! See <https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::authn::serviceaccount::ServiceAccounts;
use super::authn::{Authenticators, ClientCa, TokenFile};
use super::authz::{self, rbac, Mode};
use super::clock::Instant;
use super::controlplane::ControlPlane;
use super::discovery;
use super::store::Store;
use super::webhooks::WebhookServer;
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
    pub authz: authz::Chain,
    /// The admission plugins `--enable-admission-plugins` and `--disable-admission-plugins`
    /// leave on.
    pub admission: super::admission::Chain,
    /// The admission plugins' configuration and the state they keep between requests.
    pub admission_state: super::admission::State,
    /// The simulated now.
    pub now: Instant,
    /// The workspace's simulated webhook servers (authorization and admission webhooks).
    pub webhook_servers: Vec<WebhookServer>,
}

impl Cluster {
    /// Boots the workspace's cluster. Problems with the flags' files come back as diagnostics
    /// (errors make the workspace unusable, as kube-apiserver would not start).
    /// The workspace's objects move into the store (a large workspace is not held twice).
    pub fn boot(ws: Workspace) -> Result<(Cluster, Vec<Diagnostic>), Vec<Diagnostic>> {
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
            let b64 = |s: &str| crate::sim::b64::STANDARD.encode(s);
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
        for obj in ws.objects {
            let ns = obj
                .value
                .ptr("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            let name = obj
                .value
                .ptr("/metadata/name")
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
            let name = name.to_string();
            let mut value = obj.value;
            if let Some(res) = discovery::by_resource(minor, &obj.group, &obj.resource) {
                super::defaults::apply(&mut value, res);
            }
            if let Err(e) = store.insert_new(&obj.group, &obj.resource, value, now) {
                diags.push(Diagnostic {
                    severity: Severity::Error,
                    pos: obj.pos,
                    message: e.message,
                });
            }
            if obj.resource == "namespaces" {
                populate_namespace(&mut store, &name, &ca, now);
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
        let authz = authorizers(&cp, &ws.webhook_servers, &mut diags);
        let webhook_servers = ws.webhook_servers.clone();
        let admission =
            super::admission::Chain::from_flags(minor, &|flag| cp.arg(flag).map(str::to_string))
                .unwrap_or_else(|errors| {
                    for e in errors {
                        diags.push(arg_error(e.flag, e.message));
                    }
                    super::admission::Chain::default()
                });
        let mut admission_state = super::admission::State::default();
        let configs = super::admission::config::read(&cp);
        let read = configs.is_ok();
        match configs {
            Ok(configs) => admission_state.configs = configs,
            Err(errors) => diags.extend(errors.into_iter().map(|e| Diagnostic {
                severity: Severity::Error,
                pos: e.pos,
                message: e.message,
            })),
        }
        // The plugins are initialised only from a configuration that could be read.
        if read
            && admission
                .enabled()
                .contains(&super::admission::eventratelimit::NAME)
        {
            match super::admission::eventratelimit::configure(
                admission_state
                    .configs
                    .plugins
                    .get(super::admission::eventratelimit::NAME),
                &cp,
            ) {
                Ok(limits) => admission_state.event_limits = limits,
                Err(e) => diags.push(Diagnostic {
                    severity: Severity::Error,
                    pos: e.pos,
                    message: e.message,
                }),
            }
        }
        if read
            && admission
                .enabled()
                .contains(&super::admission::podsecurity::NAME)
        {
            match super::admission::podsecurity::configure(
                admission_state
                    .configs
                    .plugins
                    .get(super::admission::podsecurity::NAME),
                &cp,
            ) {
                Ok(config) => admission_state.pod_security = config,
                Err(e) => diags.push(Diagnostic {
                    severity: Severity::Error,
                    pos: e.pos,
                    message: e.message,
                }),
            }
        }
        if cp.arg("admission-control").is_some() {
            diags.push(Diagnostic {
                severity: Severity::Warning,
                pos: cp.arg_pos.get("admission-control").copied().unwrap_or_default(),
                message: "Flag --admission-control has been deprecated, Use --enable-admission-plugins or --disable-admission-plugins instead. Will be removed in a future version.".into(),
            });
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
        let quota_namespaces: std::collections::BTreeSet<String> = store
            .list("", "resourcequotas", None)
            .map(|q| super::store::namespace_of(q).to_string())
            .collect();
        for ns in quota_namespaces {
            super::quota::sync_namespace(&mut store, minor, &ns, init);
        }
        Ok((
            Cluster {
                control_plane: cp,
                store,
                authenticators,
                authz,
                admission,
                admission_state,
                now,
                webhook_servers,
            },
            diags,
        ))
    }
}

/// The authorizer chain from the kube-apiserver flags, with the checks the API server makes
/// at start-up (pkg/kubeapiserver/options/authorization.go).
fn authorizers(
    cp: &ControlPlane,
    servers: &[WebhookServer],
    diags: &mut Vec<Diagnostic>,
) -> authz::Chain {
    let error_at = |flag: &str, message: String| Diagnostic {
        severity: Severity::Error,
        pos: cp.arg_pos.get(flag).copied().unwrap_or_default(),
        message,
    };
    let mut chain = authz::Chain {
        minor: cp.minor,
        // The Node authorizer's rules are compiled in: the bootstrap `system:node` role, not
        // whatever the stored one says.
        node_rules: bootstrap_rbac()
            .ok()
            .and_then(|objs| {
                objs.iter().find(|o| {
                    o.get("kind").and_then(Value::as_str) == Some("ClusterRole")
                        && super::store::name_of(o) == "system:node"
                })
            })
            .and_then(|r| r.get("rules").and_then(Value::as_array).cloned())
            .unwrap_or_default(),
        ..Default::default()
    };
    if let Some(path) = cp.arg("authorization-config") {
        structured_authorizers(cp, path, servers, &mut chain, diags);
        return chain;
    }
    let names: Vec<&str> = cp
        .arg("authorization-mode")
        .unwrap_or("AlwaysAllow")
        .split(',')
        .map(str::trim)
        .collect();
    for m in &names {
        match Mode::parse(m) {
            Some(mode) if chain.modes.contains(&mode) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
                diags.push(error_at(
                    "authorization-mode",
                    format!(
                        "authorization-mode [{}] has mode specified more than once",
                        quoted.join(" ")
                    ),
                ));
            }
            Some(mode) => chain.modes.push(mode),
            None => diags.push(error_at(
                "authorization-mode",
                format!("--authorization-mode: authorization mode {m:?} is not a valid mode"),
            )),
        }
    }
    let has = |m: Mode| chain.modes.contains(&m);
    let policy_file = cp.arg("authorization-policy-file").unwrap_or("");
    let webhook_file = cp.arg("authorization-webhook-config-file").unwrap_or("");
    if has(Mode::Abac) && policy_file.is_empty() {
        diags.push(error_at(
            "authorization-mode",
            "authorization-mode ABAC's authorization policy file not passed".into(),
        ));
    }
    if !has(Mode::Abac) && !policy_file.is_empty() {
        diags.push(error_at(
            "authorization-policy-file",
            "cannot specify --authorization-policy-file without mode ABAC".into(),
        ));
    }
    if has(Mode::Webhook) && webhook_file.is_empty() {
        diags.push(error_at(
            "authorization-mode",
            "authorization-mode Webhook's authorization config file not passed".into(),
        ));
    }
    if !has(Mode::Webhook) && !webhook_file.is_empty() {
        diags.push(error_at(
            "authorization-webhook-config-file",
            "cannot specify --authorization-webhook-config-file without mode Webhook".into(),
        ));
    }
    if has(Mode::Abac) && !policy_file.is_empty() {
        chain.abac_file = policy_file.to_string();
        match cp.files.get(policy_file) {
            None => diags.push(error_at(
                "authorization-policy-file",
                format!(
                    "--authorization-policy-file: open {policy_file}: no such file or directory"
                ),
            )),
            Some(text) => {
                let (policies, problems) = authz::abac::parse(text);
                for p in problems {
                    diags.push(Diagnostic {
                        severity: if p.error {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        pos: cp.file_line_pos(
                            policy_file,
                            "authorization-policy-file",
                            p.line,
                            p.column,
                        ),
                        message: format!("{policy_file} line {}: {}", p.line, p.message),
                    });
                }
                chain.abac = policies;
            }
        }
    }
    if has(Mode::Webhook) && !webhook_file.is_empty() {
        let version = cp.arg("authorization-webhook-version").unwrap_or("v1");
        if !matches!(version, "v1" | "v1beta1") {
            diags.push(error_at(
                "authorization-webhook-version",
                format!("--authorization-webhook-version: unsupported version {version:?}: use v1 or v1beta1"),
            ));
        }
        match cp.files.get(webhook_file) {
            None => diags.push(error_at(
                "authorization-webhook-config-file",
                format!("--authorization-webhook-config-file: open {webhook_file}: no such file or directory"),
            )),
            Some(text) => match webhook_server_url(text) {
                Ok(url) => {
                    chain.webhooks.push(authz::webhook::Webhook {
                        config_file: webhook_file.to_string(),
                        server: servers.iter().find(|s| s.url == url).cloned(),
                        url,
                        version: version.to_string(),
                        ..Default::default()
                    })
                }
                Err(e) => diags.push(Diagnostic {
                    severity: Severity::Error,
                    pos: cp.file_line_pos(webhook_file, "authorization-webhook-config-file", 1, 1),
                    message: format!("{webhook_file}: {e}"),
                }),
            },
        }
    }
    chain
}

/// The server URL of the current context of a webhook's kubeconfig file.
fn webhook_server_url(text: &str) -> Result<String, String> {
    let docs = super::yaml::parse_stream(text)
        .map_err(|e| format!("line {}: {}", e.pos.line, e.message))?;
    let json = docs
        .first()
        .map(|d| d.root.to_json())
        .unwrap_or(Value::Null);
    let config = super::kubeconfig::from_json(json)?;
    let context = config
        .context(&config.current_context)
        .ok_or_else(|| "invalid configuration: no configuration has been provided".to_string())?;
    let cluster = config.cluster(&context.cluster).ok_or_else(|| {
        format!(
            "invalid configuration: cluster {:?} not found",
            context.cluster
        )
    })?;
    if cluster.server.is_empty() {
        return Err("invalid configuration: no server found for cluster".into());
    }
    Ok(cluster.server.clone())
}

/// `--authorization-config`: the structured AuthorizationConfiguration file (beta and on by
/// default from v1.30, GA in v1.32) instead of `--authorization-mode` and the webhook flags.
/// Several webhooks, each with its own kubeconfig, failure policy and version.
fn structured_authorizers(
    cp: &ControlPlane,
    path: &str,
    servers: &[WebhookServer],
    chain: &mut authz::Chain,
    diags: &mut Vec<Diagnostic>,
) {
    let flag_error = |message: String| Diagnostic {
        severity: Severity::Error,
        pos: cp
            .arg_pos
            .get("authorization-config")
            .copied()
            .unwrap_or_default(),
        message,
    };
    if cp.minor < 30 {
        diags.push(flag_error(format!(
            "--authorization-config needs the StructuredAuthorizationConfiguration feature: beta (on by default) from v1.30, this cluster is v1.{}",
            cp.minor
        )));
        return;
    }
    // kubeadm's own --authorization-mode is replaced, as editing the manifest would; one the
    // workspace sets itself conflicts.
    let legacy = [
        "authorization-mode",
        "authorization-webhook-config-file",
        "authorization-policy-file",
    ]
    .iter()
    .any(|f| cp.arg_pos.contains_key(*f));
    if legacy {
        diags.push(flag_error(
            "--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined".into(),
        ));
        return;
    }
    let Some(text) = cp.files.get(path) else {
        diags.push(flag_error(format!(
            "--authorization-config: open {path}: no such file or directory"
        )));
        return;
    };
    let at = |pos: Pos| cp.file_line_pos(path, "authorization-config", pos.line, pos.column);
    let mut report = |severity: Severity, pos: Pos, message: String| {
        diags.push(Diagnostic {
            severity,
            pos: at(pos),
            message: format!("{path}: {message}"),
        })
    };
    let docs = match yaml::parse_stream(text) {
        Ok(d) => d,
        Err(e) => return report(Severity::Error, e.pos, e.message),
    };
    let Some(root) = docs.first().map(|d| &d.root) else {
        return report(
            Severity::Error,
            Pos { line: 1, column: 1 },
            "the file is empty".into(),
        );
    };
    let api_version = root
        .get("apiVersion")
        .and_then(yaml::Node::as_str)
        .unwrap_or("");
    let served: &[&str] = if cp.minor >= 32 {
        &[
            "apiserver.config.k8s.io/v1",
            "apiserver.config.k8s.io/v1beta1",
            "apiserver.config.k8s.io/v1alpha1",
        ]
    } else {
        &[
            "apiserver.config.k8s.io/v1beta1",
            "apiserver.config.k8s.io/v1alpha1",
        ]
    };
    if !served.contains(&api_version)
        || root.get("kind").and_then(yaml::Node::as_str) != Some("AuthorizationConfiguration")
    {
        return report(
            Severity::Error,
            root.pos,
            format!(
                "expected kind AuthorizationConfiguration, apiVersion one of {}",
                served.join(", ")
            ),
        );
    }
    let Some(yaml::NodeKind::Seq(items)) = root.get("authorizers").map(|n| &n.kind) else {
        return report(
            Severity::Error,
            root.pos,
            "authorizers: Required value: at least one authorizer is required".into(),
        );
    };
    let mut names: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |k: &str| item.get(k).and_then(yaml::Node::as_str).unwrap_or("");
        let pos_of = |k: &str| item.get(k).map_or(item.pos, |n| n.pos);
        let kind = field("type");
        let name = field("name");
        let mode = match kind {
            "Webhook" => Mode::Webhook,
            "Node" => Mode::Node,
            "RBAC" => Mode::Rbac,
            "AlwaysAllow" => Mode::AlwaysAllow,
            "AlwaysDeny" => Mode::AlwaysDeny,
            "" => {
                report(
                    Severity::Error,
                    item.pos,
                    format!("authorizers[{i}].type: Required value"),
                );
                continue;
            }
            other => {
                report(Severity::Error, pos_of("type"), format!("authorizers[{i}].type: Unsupported value: {other:?}: supported values: \"AlwaysAllow\", \"AlwaysDeny\", \"Node\", \"RBAC\", \"Webhook\""));
                continue;
            }
        };
        if name.is_empty() {
            report(
                Severity::Error,
                item.pos,
                format!("authorizers[{i}].name: Required value"),
            );
        } else if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || name.starts_with('-')
            || name.ends_with('-')
            || name.len() > 63
        {
            report(Severity::Error, pos_of("name"), format!("authorizers[{i}].name: Invalid value: {name:?}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
        } else if names.iter().any(|n| n == name) {
            report(
                Severity::Error,
                pos_of("name"),
                format!("authorizers[{i}].name: Duplicate value: {name:?}"),
            );
        }
        names.push(name.to_string());
        if mode != Mode::Webhook && chain.modes.contains(&mode) {
            report(
                Severity::Error,
                pos_of("type"),
                format!("authorizers[{i}].type: Duplicate value: {kind:?}"),
            );
            continue;
        }
        let webhook = item.get("webhook");
        if mode != Mode::Webhook {
            if webhook.is_some() {
                report(Severity::Error, pos_of("webhook"), format!("authorizers[{i}].webhook: Invalid value: \"non-null\": non-null only allowed when type=Webhook"));
            }
            chain.modes.push(mode);
            continue;
        }
        let Some(w) = webhook else {
            report(
                Severity::Error,
                item.pos,
                format!("authorizers[{i}].webhook: Required value: required when type=Webhook"),
            );
            continue;
        };
        let wf = |k: &str| w.get(k).and_then(yaml::Node::as_str).unwrap_or("");
        let wpos = |k: &str| w.get(k).map_or(w.pos, |n| n.pos);
        let p = format!("authorizers[{i}].webhook");
        match wf("timeout") {
            "" => report(
                Severity::Error,
                w.pos,
                format!("{p}.timeout: Required value"),
            ),
            // A Go duration, in nanoseconds.
            t => match super::kubectl::parse_go_duration(t) {
                Some(ns) if (1_000_000_000..=30_000_000_000).contains(&ns) => {}
                _ => report(
                    Severity::Error,
                    wpos("timeout"),
                    format!("{p}.timeout: Invalid value: {t:?}: must be between 1s and 30s"),
                ),
            },
        }
        let version = wf("subjectAccessReviewVersion");
        if !matches!(version, "v1" | "v1beta1") {
            report(Severity::Error, wpos("subjectAccessReviewVersion"), format!("{p}.subjectAccessReviewVersion: Unsupported value: {version:?}: supported values: \"v1\", \"v1beta1\""));
        }
        let policy = wf("failurePolicy");
        if !matches!(policy, "NoOpinion" | "Deny") {
            report(Severity::Error, wpos("failurePolicy"), format!("{p}.failurePolicy: Unsupported value: {policy:?}: supported values: \"NoOpinion\", \"Deny\""));
        }
        if w.get("matchConditions").is_some() {
            report(
                Severity::Warning,
                wpos("matchConditions"),
                format!("{p}.matchConditions are CEL expressions kubegate does not evaluate yet: every request goes to this webhook"),
            );
        }
        let connection = w.get("connectionInfo");
        let ctype = connection
            .and_then(|c| c.get("type"))
            .and_then(yaml::Node::as_str)
            .unwrap_or("");
        let file = connection
            .and_then(|c| c.get("kubeConfigFile"))
            .and_then(yaml::Node::as_str)
            .unwrap_or("");
        let url = match (ctype, file) {
            ("KubeConfigFile", "") => {
                report(
                    Severity::Error,
                    wpos("connectionInfo"),
                    format!("{p}.connectionInfo.kubeConfigFile: Required value"),
                );
                continue;
            }
            ("KubeConfigFile", file) => match cp.files.get(file) {
                None => {
                    report(Severity::Error, wpos("connectionInfo"), format!("{p}.connectionInfo.kubeConfigFile: Invalid value: {file:?}: no such file"));
                    continue;
                }
                Some(text) => match webhook_server_url(text) {
                    Ok(url) => url,
                    Err(e) => {
                        report(
                            Severity::Error,
                            wpos("connectionInfo"),
                            format!("{file}: {e}"),
                        );
                        continue;
                    }
                },
            },
            ("InClusterConfig", _) => {
                report(Severity::Error, wpos("connectionInfo"), format!("{p}.connectionInfo.type: Unsupported value: \"InClusterConfig\": an authorization webhook cannot reach the cluster it authorizes for"));
                continue;
            }
            (other, _) => {
                report(Severity::Error, wpos("connectionInfo"), format!("{p}.connectionInfo.type: Unsupported value: {other:?}: supported values: \"KubeConfigFile\""));
                continue;
            }
        };
        chain.modes.push(Mode::Webhook);
        chain.webhooks.push(authz::webhook::Webhook {
            name: name.to_string(),
            deny_on_error: policy == "Deny",
            config_file: file.to_string(),
            server: servers.iter().find(|s| s.url == url).cloned(),
            url,
            version: version.to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::session::Session;

    fn diagnostics(ws: &str) -> Vec<String> {
        match Session::new(ws) {
            Ok(s) => s
                .warnings
                .iter()
                .map(|d| format!("{}: {}", d.pos, d.message))
                .collect(),
            Err(ds) => ds
                .iter()
                .map(|d| format!("{}: {}", d.pos, d.message))
                .collect(),
        }
    }

    const HEAD: &str =
        "apiVersion: kubegate.dev/v1alpha1\nkind: ControlPlane\nspec:\n  apiServer:\n    args:\n";

    #[test]
    fn authorization_flags_are_checked_as_the_api_server_does() {
        let ws = format!("{HEAD}    - --authorization-mode=RBAC,ABAC,RBAC\n");
        assert_eq!(
            diagnostics(&ws),
            [
                "6:7: authorization-mode [\"RBAC\" \"ABAC\" \"RBAC\"] has mode specified more than once",
                "6:7: authorization-mode ABAC's authorization policy file not passed",
            ]
        );
        let ws = format!("{HEAD}    - --authorization-webhook-config-file=/w.yaml\n");
        assert_eq!(
            diagnostics(&ws),
            ["6:7: cannot specify --authorization-webhook-config-file without mode Webhook"]
        );
    }

    #[test]
    fn admission_flags_are_checked_at_their_line() {
        let ws = format!(
            "{HEAD}    - --enable-admission-plugins=NodeRestriction,PodPreset\n    - --disable-admission-plugins=NodeRestriction\n"
        );
        assert_eq!(
            diagnostics(&ws),
            [
                "6:7: enable-admission-plugins plugin \"PodPreset\" is unknown",
                "7:7: [NodeRestriction] in enable-admission-plugins and disable-admission-plugins overlapped",
            ]
        );
        // kubeadm's manifest already passes --enable-admission-plugins, so the old flag clashes.
        let ws = format!("{HEAD}    - --admission-control=NamespaceLifecycle,ServiceAccount\n");
        assert_eq!(
            diagnostics(&ws),
            [
                "6:7: admission-control and enable-admission-plugins/disable-admission-plugins flags are mutually exclusive",
                "6:7: Flag --admission-control has been deprecated, Use --enable-admission-plugins or --disable-admission-plugins instead. Will be removed in a future version.",
            ]
        );
    }

    #[test]
    fn admission_configuration_problems_point_into_the_files() {
        let head = format!("{HEAD}    - --enable-admission-plugins=EventRateLimit\n");
        // Enabled without a configuration: no limits.
        assert_eq!(
            diagnostics(&head),
            ["6:7: couldn't init admission plugin \"EventRateLimit\": limits: Invalid value: null: must not be empty"]
        );
        let ws = format!("{head}    - --admission-control-config-file=/a.yaml\n");
        assert_eq!(
            diagnostics(&ws),
            ["7:7: failed to read plugin config: unable to read admission control configuration from \"/a.yaml\" [open /a.yaml: no such file or directory]"]
        );
        let ws = format!(
            "{head}    - --admission-control-config-file=/etc/a.yaml\n  files:\n    /etc/a.yaml: |\n      apiVersion: apiserver.config.k8s.io/v1\n      kind: AdmissionConfiguration\n      plugins:\n      - name: EventRateLimit\n        path: ev.yaml\n    /etc/ev.yaml: |\n      apiVersion: eventratelimit.admission.k8s.io/v1alpha1\n      kind: Configuration\n      limits:\n      - type: Zone\n        qps: 0\n        burst: 5\n"
        );
        assert_eq!(
            diagnostics(&ws),
            ["19:15: couldn't init admission plugin \"EventRateLimit\": [limits[0].type: Unsupported value: \"Zone\": supported values: \"Server\", \"Namespace\", \"User\", \"SourceAndObject\", limits[0].qps: Invalid value: 0: must be positive]"]
        );
        let ws = format!(
            "{head}    - --admission-control-config-file=/etc/a.yaml\n  files:\n    /etc/a.yaml: |\n      apiVersion: apiserver.config.k8s.io/v1\n      kind: AdmissionConfiguration\n      plugin:\n      - name: EventRateLimit\n"
        );
        assert_eq!(
            diagnostics(&ws)[0],
            "12:7: /etc/a.yaml: strict decoding error: unknown field \"plugin\""
        );
    }

    #[test]
    fn policy_file_problems_point_into_the_file() {
        let ws = format!(
            "{HEAD}    - --authorization-mode=ABAC\n    - --authorization-policy-file=/p.jsonl\n  files:\n    /p.jsonl: |\n      {{\"user\": \"a\"}}\n      {{\"user\": \"b\", \"verb\": \"get\"}}\n"
        );
        assert_eq!(
            diagnostics(&ws),
            ["11:21: /p.jsonl line 2: unknown field \"verb\""]
        );
        let ws = format!(
            "{HEAD}    - --authorization-mode=Webhook\n    - --authorization-webhook-config-file=/w.yaml\n  files:\n    /w.yaml: |\n      apiVersion: v1\n      kind: Config\n"
        );
        assert_eq!(
            diagnostics(&ws),
            ["10:7: /w.yaml: invalid configuration: no configuration has been provided"]
        );
    }
    #[test]
    fn the_structured_authorization_configuration_is_validated() {
        let ws = format!(
            "{HEAD}    - --authorization-config=/a.yaml\n  files:\n    /a.yaml: |\n      apiVersion: apiserver.config.k8s.io/v1\n      kind: AuthorizationConfiguration\n      authorizers:\n      - type: RBAC\n        name: rbac\n      - type: RBAC\n        name: rbac2\n      - type: ABAC\n        name: abac\n      - type: Webhook\n        name: Hook\n        webhook:\n          timeout: 60s\n          subjectAccessReviewVersion: v2\n          failurePolicy: Maybe\n          connectionInfo: {{type: InClusterConfig}}\n"
        );
        assert_eq!(
            diagnostics(&ws),
            [
                "14:15: /a.yaml: authorizers[1].type: Duplicate value: \"RBAC\"",
                "16:15: /a.yaml: authorizers[2].type: Unsupported value: \"ABAC\": supported values: \"AlwaysAllow\", \"AlwaysDeny\", \"Node\", \"RBAC\", \"Webhook\"",
                "19:15: /a.yaml: authorizers[3].name: Invalid value: \"Hook\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                "21:20: /a.yaml: authorizers[3].webhook.timeout: Invalid value: \"60s\": must be between 1s and 30s",
                "22:39: /a.yaml: authorizers[3].webhook.subjectAccessReviewVersion: Unsupported value: \"v2\": supported values: \"v1\", \"v1beta1\"",
                "23:26: /a.yaml: authorizers[3].webhook.failurePolicy: Unsupported value: \"Maybe\": supported values: \"NoOpinion\", \"Deny\"",
                "24:27: /a.yaml: authorizers[3].webhook.connectionInfo.type: Unsupported value: \"InClusterConfig\": an authorization webhook cannot reach the cluster it authorizes for",
            ]
        );
        let both = format!(
            "{HEAD}    - --authorization-config=/a.yaml\n    - --authorization-mode=RBAC\n"
        );
        assert_eq!(
            diagnostics(&both),
            ["6:7: --authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined"]
        );
    }
}

//! The control plane: the Kubernetes version to simulate, the simulated clock, kube-apiserver's
//! flags (kubeadm's defaults, overridden by the workspace) and the files they refer to.
//! See <https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>.

use std::collections::BTreeMap;

use super::clock::{parse_rfc3339, Instant};
use super::schema::Schema;
use super::yaml::{Node, NodeKind, Pos};

/// The newest Kubernetes minor version kubegate simulates.
pub const NEWEST_MINOR: u32 = 37;
/// The oldest.
pub const OLDEST_MINOR: u32 = 16;
/// The clock of a workspace that does not set one.
pub const DEFAULT_CLOCK: &str = "2026-11-29T10:00:00Z";

/// The shape of the ControlPlane document.
pub const SCHEMA: Schema = Schema::Obj(&[
    ("apiVersion", Schema::Str),
    ("kind", Schema::Str),
    ("metadata", Schema::Any),
    (
        "spec",
        Schema::Obj(&[
            ("version", Schema::Str),
            ("clock", Schema::Str),
            (
                "apiServer",
                Schema::Obj(&[("args", Schema::List(&Schema::Str))]),
            ),
            ("files", Schema::Map(&Schema::Str)),
        ]),
    ),
]);

/// Where kubeadm keeps the cluster CA certificate.
pub const CA_PATH: &str = "/etc/kubernetes/pki/ca.crt";

/// The kubeadm CA certificate shipped with kubegate (a playground key pair, not a secret).
pub const KUBEADM_CA_CRT: &str = include_str!("../../static/cluster/pki/ca.crt");
/// The kubeadm CA key.
pub const KUBEADM_CA_KEY: &str = include_str!("../../static/cluster/pki/ca.key");
/// The admin client certificate (CN=kubernetes-admin, O=kubeadm:cluster-admins).
pub const KUBEADM_ADMIN_CRT: &str = include_str!("../../static/cluster/pki/admin.crt");
/// The admin client key.
pub const KUBEADM_ADMIN_KEY: &str = include_str!("../../static/cluster/pki/admin.key");
/// A user's key and certificate request for the CSR exercise (`/root/jane.*`), and the
/// CertificateSigningRequest manifest that carries the request.
pub const JANE_FILES: [(&str, &str); 3] = [
    (
        "/root/jane.key",
        include_str!("../../static/cluster/pki/jane.key"),
    ),
    (
        "/root/jane.csr",
        include_str!("../../static/cluster/pki/jane.csr"),
    ),
    (
        "/root/jane-csr.yaml",
        include_str!("../../static/cluster/pki/jane-csr.yaml"),
    ),
];
/// The playground's service-account signing key (kubeadm's sa.key; not secret).
pub const KUBEADM_SA_KEY: &str = include_str!("../../static/cluster/pki/sa.key");
/// Its public half (sa.pub), which verifies service-account tokens.
pub const KUBEADM_SA_PUB: &str = include_str!("../../static/cluster/pki/sa.pub");

/// kube-apiserver's flags in a kubeadm v1.37 static Pod manifest.
pub const KUBEADM_APISERVER_ARGS: &[&str] = &[
    "--advertise-address=192.168.56.10",
    "--allow-privileged=true",
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=NodeRestriction",
    "--enable-bootstrap-token-auth=true",
    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
    "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
    "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
    "--etcd-servers=https://127.0.0.1:2379",
    "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
    "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
    "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
    "--requestheader-allowed-names=front-proxy-client",
    "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-username-headers=X-Remote-User",
    "--secure-port=6443",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
    "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
    "--service-cluster-ip-range=10.96.0.0/12",
    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
];

/// Flags whose meaning kubegate models.
pub const MODELLED_FLAGS: &[&str] = &[
    "authorization-mode",
    "authorization-policy-file",
    "authorization-webhook-config-file",
    "authorization-webhook-version",
    "authorization-config",
    "client-ca-file",
    "token-auth-file",
    "anonymous-auth",
    "enable-admission-plugins",
    "disable-admission-plugins",
    "admission-control",
    "admission-control-config-file",
    "default-not-ready-toleration-seconds",
    "default-unreachable-toleration-seconds",
    "basic-auth-file",
    "service-account-key-file",
    "service-account-signing-key-file",
    "service-account-issuer",
    "api-audiences",
    "enable-bootstrap-token-auth",
];

/// The control plane of the simulated cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlPlane {
    /// Kubernetes minor version (1.x).
    pub minor: u32,
    /// The simulated now.
    pub clock: Instant,
    /// kube-apiserver flags, name → value, after the workspace's overrides.
    pub args: BTreeMap<String, String>,
    /// Files on the control-plane node, by absolute path.
    pub files: BTreeMap<String, String>,
    /// Where the workspace set each flag, for errors about it.
    pub arg_pos: BTreeMap<String, Pos>,
    /// Where the workspace wrote each file's text (the value node), for errors inside it.
    pub file_pos: BTreeMap<String, Pos>,
}

/// A problem in the ControlPlane document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpProblem {
    /// Where.
    pub pos: Pos,
    /// Error (true) or warning.
    pub error: bool,
    /// What.
    pub message: String,
}

/// The kubeadm admin kubeconfig (`/etc/kubernetes/admin.conf`).
pub fn admin_conf() -> String {
    let b64 = |s: &str| crate::sim::b64::STANDARD.encode(s.as_bytes());
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://192.168.56.10:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\ncurrent-context: kubernetes-admin@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(KUBEADM_CA_CRT),
        b64(KUBEADM_ADMIN_CRT),
        b64(KUBEADM_ADMIN_KEY)
    )
}

fn split_flag(arg: &str) -> Option<(String, String)> {
    let body = arg.strip_prefix("--")?;
    Some(match body.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => (body.to_string(), "true".to_string()),
    })
}

impl Default for ControlPlane {
    fn default() -> Self {
        let mut args = BTreeMap::new();
        for a in KUBEADM_APISERVER_ARGS {
            if let Some((k, v)) = split_flag(a) {
                args.insert(k, v);
            }
        }
        let mut files = BTreeMap::new();
        files.insert(CA_PATH.into(), KUBEADM_CA_CRT.into());
        files.insert("/etc/kubernetes/pki/ca.key".into(), KUBEADM_CA_KEY.into());
        files.insert("/etc/kubernetes/pki/sa.key".into(), KUBEADM_SA_KEY.into());
        files.insert("/etc/kubernetes/pki/sa.pub".into(), KUBEADM_SA_PUB.into());
        for (path, text) in JANE_FILES {
            files.insert(path.into(), text.into());
        }
        files.insert("/etc/kubernetes/admin.conf".into(), admin_conf());
        ControlPlane {
            minor: NEWEST_MINOR,
            clock: parse_rfc3339(DEFAULT_CLOCK).unwrap_or(0),
            args,
            files,
            arg_pos: BTreeMap::new(),
            file_pos: BTreeMap::new(),
        }
    }
}

impl ControlPlane {
    /// Reads the ControlPlane document (already schema-checked) on top of kubeadm's defaults.
    pub fn from_node(root: &Node) -> (ControlPlane, Vec<CpProblem>) {
        let mut cp = ControlPlane::default();
        let mut problems = Vec::new();
        let Some(spec) = root.get("spec") else {
            return (cp, problems);
        };
        if let Some(v) = spec.get("version") {
            let text = v.as_str().unwrap_or("");
            match parse_version(text) {
                Some(m) if (OLDEST_MINOR..=NEWEST_MINOR).contains(&m) => cp.minor = m,
                _ => problems.push(CpProblem {
                    pos: v.pos,
                    error: true,
                    message: format!(
                        "spec.version: unsupported version \"{text}\": kubegate simulates v1.{OLDEST_MINOR} to v1.{NEWEST_MINOR}"
                    ),
                }),
            }
        }
        if let Some(c) = spec.get("clock") {
            match c.as_str().and_then(parse_rfc3339) {
                Some(t) => cp.clock = t,
                None => problems.push(CpProblem {
                    pos: c.pos,
                    error: true,
                    message:
                        "spec.clock: expected an RFC 3339 time such as \"2026-11-29T10:00:00Z\""
                            .into(),
                }),
            }
        }
        if let Some(NodeKind::Seq(items)) = spec
            .get("apiServer")
            .and_then(|a| a.get("args"))
            .map(|n| &n.kind)
        {
            for item in items {
                let text = item.as_str().unwrap_or("");
                let Some((k, v)) = split_flag(text) else {
                    problems.push(CpProblem {
                        pos: item.pos,
                        error: true,
                        message: format!(
                            "kube-apiserver argument \"{text}\" does not start with --"
                        ),
                    });
                    continue;
                };
                if k == "basic-auth-file" && cp.minor >= 19 {
                    problems.push(CpProblem {
                        pos: item.pos,
                        error: true,
                        message: "Error: unknown flag: --basic-auth-file (static password files were removed in Kubernetes v1.19)".into(),
                    });
                    continue;
                }
                let known_kubeadm = cp.args.contains_key(&k);
                if !MODELLED_FLAGS.contains(&k.as_str()) && !known_kubeadm {
                    problems.push(CpProblem {
                        pos: item.pos,
                        error: false,
                        message: format!("flag --{k} is accepted but not modelled by kubegate yet"),
                    });
                }
                cp.arg_pos.insert(k.clone(), item.pos);
                cp.args.insert(k, v);
            }
        }
        if let Some(NodeKind::Map(entries)) = spec.get("files").map(|n| &n.kind) {
            for (k, v) in entries {
                if let (Some(path), Some(text)) = (k.as_str(), v.as_str()) {
                    // A block scalar's node starts at its first line of text, indented
                    // under the key (two spaces, as usual).
                    cp.file_pos.insert(
                        path.to_string(),
                        Pos {
                            line: v.pos.line,
                            column: k.pos.column + 2,
                        },
                    );
                    cp.files.insert(path.to_string(), text.to_string());
                }
            }
        }
        (cp, problems)
    }

    /// Where line `line` (1-based) of a workspace file is, when the file's text is a block
    /// scalar (`|`) in the workspace; the flag's position otherwise.
    pub fn file_line_pos(&self, path: &str, flag: &str, line: usize, column: usize) -> Pos {
        match self.file_pos.get(path) {
            Some(p) => Pos {
                line: p.line + line - 1,
                column: p.column + column.saturating_sub(1),
            },
            None => self.arg_pos.get(flag).copied().unwrap_or_default(),
        }
    }

    /// The cluster CA certificate (PEM), as published in `kube-root-ca.crt`.
    pub fn ca_pem(&self) -> String {
        self.files.get(CA_PATH).cloned().unwrap_or_default()
    }

    /// A flag's value.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.get(name).map(String::as_str)
    }

    /// The version as `v1.37`.
    pub fn version(&self) -> String {
        format!("v1.{}", self.minor)
    }
}

/// Parses `v1.37`, `1.37` or `v1.37.2` into the minor version.
pub fn parse_version(text: &str) -> Option<u32> {
    let t = text.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    if parts.next()? != "1" {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::yaml::parse_stream;

    #[test]
    fn workspace_args_replace_kubeadm_values() {
        let docs = parse_stream(
            "kind: ControlPlane\nspec:\n  version: v1.30\n  apiServer:\n    args:\n    - --authorization-mode=RBAC\n    - --token-auth-file=/t.csv\n  files:\n    /t.csv: a,b,c\n",
        )
        .unwrap();
        let (cp, problems) = ControlPlane::from_node(&docs[0].root);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cp.minor, 30);
        assert_eq!(cp.arg("authorization-mode"), Some("RBAC"));
        assert_eq!(cp.arg("client-ca-file"), Some("/etc/kubernetes/pki/ca.crt"));
        assert_eq!(cp.files.get("/t.csv").map(String::as_str), Some("a,b,c"));
    }

    #[test]
    fn removed_flags_and_bad_versions_are_errors_at_their_line() {
        let docs = parse_stream(
            "kind: ControlPlane\nspec:\n  version: v2.0\n  apiServer:\n    args:\n    - --basic-auth-file=/p.csv\n",
        )
        .unwrap();
        let (_, problems) = ControlPlane::from_node(&docs[0].root);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].pos.line, 3);
        assert_eq!(problems[1].pos.line, 6);
        assert!(problems[1]
            .message
            .contains("unknown flag: --basic-auth-file"));
    }
}

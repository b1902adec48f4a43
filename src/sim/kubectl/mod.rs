//! The kubectl front end: parses a kubectl command line, turns it into HTTP requests to the
//! simulated API server (as kubectl v1.37 would send them), and prints what kubectl prints.
//! See <https://kubernetes.io/docs/reference/kubectl/>.

mod access;
pub mod args;
pub mod complete;
mod config;
mod create;
pub use create::parse_go_duration;
mod describe;
mod explain;
mod expose;
mod goorder;
mod jsonpath;
mod label;
mod patchcmd;
pub mod printers;
mod rules;

use crate::sim::ptr::Ptr as _;
use std::collections::BTreeMap;

use super::yamlout::go_quote;
use serde_json::{json, Value};

use self::args::{flag, Arity, Flag, Parsed};
use super::cluster::Cluster;
use super::discovery::{self, ApiResource};
use super::http::HttpRequest;
use super::kubeconfig::{ClientConfig, Kubeconfig, Overrides};
use super::trace::RequestTrace;
use super::yaml;
use super::yamlout;

/// The kubectl version kubegate imitates.
pub const KUBECTL_VERSION: &str = "v1.37.1";

/// What a kubectl command printed and returned, and the requests it sent.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Outcome {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code.
    #[serde(rename = "exitCode")]
    pub exit_code: i32,
    /// Every HTTP request, in order.
    #[serde(skip)]
    pub requests: Vec<RequestTrace>,
}

/// What kubectl runs against: the cluster, the kubeconfig and the files of the machine.
pub struct Env<'a> {
    /// The API server.
    pub cluster: &'a mut Cluster,
    /// The kubeconfig (`kubectl config` commands change it).
    pub kubeconfig: &'a mut Kubeconfig,
    /// Files kubectl can read (`-f`, certificate paths), by absolute path.
    pub files: &'a BTreeMap<String, String>,
    /// The working directory, for relative paths.
    pub cwd: &'a str,
    /// Standard input (`-f -`).
    pub stdin: Option<&'a str>,
}

const GLOBAL: &[Flag] = &[
    flag("namespace", Some('n'), Arity::Value),
    flag("context", None, Arity::Value),
    flag("cluster", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("token", None, Arity::Value),
    flag("as", None, Arity::Value),
    flag("as-group", None, Arity::Value),
    flag("as-uid", None, Arity::Value),
    flag("as-user-extra", None, Arity::Value),
    flag("kubeconfig", None, Arity::Value),
    flag("client-certificate", None, Arity::Value),
    flag("client-key", None, Arity::Value),
    flag("certificate-authority", None, Arity::Value),
    flag("username", None, Arity::Value),
    flag("password", None, Arity::Value),
    flag("v", Some('v'), Arity::Value),
    flag("server", Some('s'), Arity::Value),
    flag("request-timeout", None, Arity::Value),
    flag("insecure-skip-tls-verify", None, Arity::Bool),
    flag("match-server-version", None, Arity::Bool),
    flag("warnings-as-errors", None, Arity::Bool),
    flag("help", Some('h'), Arity::Bool),
];

const GET: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("selector", Some('l'), Arity::Value),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("show-labels", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
    flag("ignore-not-found", None, Arity::Bool),
    flag("field-selector", None, Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("show-kind", None, Arity::Bool),
    flag("label-columns", Some('L'), Arity::Value),
];

/// What `kubectl get` asks for when it prints a table: a server-side Table, else the object.
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

const CREATE: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("validate", None, Arity::Optional),
    flag("field-manager", None, Arity::Value),
];

const DELETE: &[Flag] = &[
    flag("filename", Some('f'), Arity::Value),
    flag("all", None, Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("ignore-not-found", None, Arity::Bool),
    flag("force", None, Arity::Bool),
    flag("now", None, Arity::Bool),
    flag("grace-period", None, Arity::Value),
    flag("wait", None, Arity::Optional),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("all-namespaces", Some('A'), Arity::Bool),
];

const RUN: &[Flag] = &[
    flag("image", None, Arity::Value),
    flag("restart", None, Arity::Value),
    flag("labels", Some('l'), Arity::Value),
    flag("port", None, Arity::Value),
    flag("env", None, Arity::Value),
    flag("command", None, Arity::Bool),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("image-pull-policy", None, Arity::Value),
    flag("overrides", None, Arity::Value),
    flag("override-type", None, Arity::Value),
];

const CAN_I: &[Flag] = &[
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("subresource", None, Arity::Value),
    flag("quiet", Some('q'), Arity::Bool),
    flag("list", None, Arity::Bool),
    flag("no-headers", None, Arity::Bool),
];

const WHOAMI: &[Flag] = &[flag("output", Some('o'), Arity::Value)];

const CERTIFICATE: &[Flag] = &[
    flag("force", None, Arity::Bool),
    flag("output", Some('o'), Arity::Value),
    flag("filename", Some('f'), Arity::Value),
];

const EXPLAIN: &[Flag] = &[
    flag("recursive", None, Arity::Bool),
    flag("api-version", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
];

const API_RESOURCES: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("namespaced", None, Arity::Optional),
    flag("api-group", None, Arity::Value),
    flag("verbs", None, Arity::Value),
    flag("no-headers", None, Arity::Bool),
    flag("sort-by", None, Arity::Value),
    flag("cached", None, Arity::Bool),
    flag("categories", None, Arity::Value),
];

const CORDON: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("dry-run", None, Arity::Optional),
];

const VERSION: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("client", None, Arity::Bool),
];

/// Runs kubectl with its arguments already split (as a shell would pass them).
pub fn run_words(env: &mut Env<'_>, words: &[String]) -> Outcome {
    let mut k = Kubectl {
        env,
        out: Outcome::default(),
        verbosity: 0,
        accept: String::new(),
    };
    let words: Vec<String> = match words.first().map(String::as_str) {
        Some("kubectl" | "k") => words[1..].to_vec(),
        _ => words.to_vec(),
    };
    k.dispatch(&words);
    k.out
}

/// Finds the command words (`get`, `auth can-i`, …) among flags.
fn command_words(words: &[String], depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() && out.len() < depth {
        let w = &words[i];
        i += 1;
        if let Some(body) = w.strip_prefix("--") {
            if !body.contains('=')
                && GLOBAL
                    .iter()
                    .any(|f| f.long == body && f.arity == Arity::Value)
            {
                i += 1;
            }
        } else if w.len() == 2 && w.starts_with('-') {
            let c = w.chars().nth(1);
            if GLOBAL
                .iter()
                .any(|f| f.short == c && f.arity == Arity::Value)
            {
                i += 1;
            }
        } else if !w.starts_with('-') {
            out.push(w.clone());
        }
    }
    out
}

struct Kubectl<'e, 'a> {
    env: &'e mut Env<'a>,
    out: Outcome,
    /// `-v`: from 6 on, kubectl logs each HTTP request to stderr.
    verbosity: u32,
    /// The Accept header of the next request, when not plain JSON (see `send_accept`).
    accept: String,
}

/// A command's parsed line: its flags plus the client configuration they select.
struct Cmd {
    p: Parsed,
    cfg: ClientConfig,
    /// The kubeconfig read from `--kubeconfig`, when given (changes to it are not kept).
    file_kubeconfig: Option<Kubeconfig>,
}

impl Kubectl<'_, '_> {
    fn err(&mut self, msg: &str) {
        self.out.stderr.push_str(msg);
        if !msg.ends_with('\n') {
            self.out.stderr.push('\n');
        }
        self.out.exit_code = 1;
    }

    fn print(&mut self, text: &str) {
        self.out.stdout.push_str(text);
        if !text.ends_with('\n') {
            self.out.stdout.push('\n');
        }
    }

    fn minor(&self) -> u32 {
        self.env.cluster.control_plane.minor
    }

    fn dispatch(&mut self, words: &[String]) {
        let cmd = command_words(words, 3);
        let first = cmd.first().map(String::as_str).unwrap_or("");
        let second = cmd.get(1).map(String::as_str).unwrap_or("");
        let third = cmd.get(2).map(String::as_str).unwrap_or("");
        if first == "create" {
            if let Some((what, [a, b])) = create::generator(second, third) {
                let specs: Vec<Flag> = a.iter().chain(b.iter()).copied().collect();
                let label = format!("create {what}");
                return self.with(words, &specs, &label, move |k, c| {
                    k.create_generated(what, c)
                });
            }
        }
        match (first, second) {
            ("get", _) => self.with(words, GET, "get", Self::get),
            ("create", _) => self.with(words, CREATE, "create", |k, c| k.create(c, false)),
            ("apply", _) => self.with(words, CREATE, "apply", |k, c| k.create(c, true)),
            ("delete", _) => self.with(words, DELETE, "delete", Self::delete),
            ("run", _) => self.with(words, RUN, "run", Self::run_pod),
            ("auth", "can-i") => self.with(words, CAN_I, "auth can-i", Self::can_i),
            ("auth", "whoami") => self.with(words, WHOAMI, "auth whoami", Self::whoami),
            ("auth", "") => self.err("error: Must specify a subcommand: can-i, reconcile, whoami\nSee 'kubectl auth -h' for help and examples"),
            ("auth", "reconcile") => self.err("error: \"kubectl auth reconcile\" is a kubectl command that kubegate does not simulate yet"),
            ("auth", other) => self.err(&format!("error: unknown command \"{other}\"\nSee 'kubectl auth -h' for help and examples")),
            ("config", _) => self.with(words, config::FLAGS, "config", Self::config),
            ("version", _) => self.with(words, VERSION, "version", Self::version),
            ("cordon", _) => self.with(words, CORDON, "cordon", |k, c| k.cordon(c, true)),
            ("uncordon", _) => self.with(words, CORDON, "uncordon", |k, c| k.cordon(c, false)),
            ("cluster-info", "dump") => self.err("error: \"kubectl cluster-info dump\" is a kubectl command that kubegate does not simulate yet"),
            ("cluster-info", _) => self.with(words, &[], "cluster-info", Self::cluster_info),
            ("label", _) => self.with(words, label::FLAGS, "label", |k, c| k.label(c, false)),
            ("annotate", _) => self.with(words, label::FLAGS, "annotate", |k, c| k.label(c, true)),
            ("describe", _) => self.with(words, describe::FLAGS, "describe", Self::describe),
            ("api-resources", _) => self.with(words, API_RESOURCES, "api-resources", Self::api_resources),
            ("api-versions", _) => self.with(words, &[], "api-versions", Self::api_versions),
            ("explain", _) => self.with(words, EXPLAIN, "explain", Self::explain),
            ("patch", _) => self.with(words, patchcmd::FLAGS, "patch", Self::patch),
            ("expose", _) => self.with(words, expose::FLAGS, "expose", Self::expose),
            // Two krew plugins, answered by the simulator itself.
            ("who-can", _) => self.with(words, access::WHO_CAN, "who-can", Self::who_can),
            ("access-matrix", _) => {
                self.with(words, access::ACCESS_MATRIX, "access-matrix", Self::access_matrix)
            }
            ("certificate", "approve" | "deny") => {
                self.with(words, CERTIFICATE, "certificate", Self::certificate)
            }
            ("certificate", _) => self.err("error: Must specify a subcommand: approve, deny\nSee 'kubectl certificate -h' for help and examples"),
            ("", _) => self.err("error: a kubectl command is needed, e.g. `kubectl get pods`"),
            (other, _) if COMMANDS.contains(&other) => self.err(&format!(
                "error: \"kubectl {other}\" is a kubectl command that kubegate does not simulate yet"
            )),
            (other, _) => {
                let mut msg = format!("error: unknown command \"{other}\" for \"kubectl\"");
                let close = suggestions(other);
                if !close.is_empty() {
                    msg.push_str("\n\nDid you mean this?\n");
                    for c in close {
                        msg.push('\t');
                        msg.push_str(c);
                        msg.push('\n');
                    }
                }
                self.err(&msg)
            }
        }
    }

    fn with(
        &mut self,
        words: &[String],
        specs: &[Flag],
        name: &str,
        f: impl FnOnce(&mut Self, Cmd),
    ) {
        // The shared work is in one non-generic function: only the call is per command.
        if let Some(c) = self.prepare(words, specs, name) {
            f(self, c);
        }
    }

    /// Parses a command's flags and resolves its client configuration, reporting problems
    /// as kubectl does; `None` when the command cannot run.
    fn prepare(&mut self, words: &[String], specs: &[Flag], name: &str) -> Option<Cmd> {
        let all: Vec<Flag> = GLOBAL.iter().chain(specs.iter()).copied().collect();
        let p = match args::parse(words, &all) {
            Ok(p) => p,
            Err(e) => {
                self.err(&format!(
                    "error: {e}\nSee 'kubectl {name} --help' for usage."
                ));
                return None;
            }
        };
        // `--kubeconfig FILE` reads only that file (no merging), from the node's files.
        let from_file = match p.get("kubeconfig") {
            Some(path) => match self.load_kubeconfig(path) {
                Ok(k) => Some(k),
                Err(e) => {
                    self.err(&e);
                    return None;
                }
            },
            None => None,
        };
        // A command's own flag hides the global flag of the same name (`create rolebinding
        // --user` names a subject, not a kubeconfig user), as cobra's local flags do.
        let global = |name: &str| {
            if specs.iter().any(|f| f.long == name) {
                None
            } else {
                p.get(name).map(str::to_string)
            }
        };
        // klog's -v is an int32 parsed as Go's strconv.ParseInt(s, 0, 32) does.
        self.verbosity = match p.get("v").map(|v| (v, go_parse_int32(v))) {
            None => 0,
            Some((_, Ok(n))) => u32::try_from(n).unwrap_or(0),
            Some((v, Err(why))) => {
                self.err(&format!(
                    "error: invalid argument \"{v}\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee 'kubectl {name} --help' for usage."
                ));
                return None;
            }
        };
        if self.verbosity >= 6 {
            let stamp = klog_stamp(self.env.cluster.now);
            let file = p.get("kubeconfig").unwrap_or("/root/.kube/config");
            self.out.stderr.push_str(&format!(
                "{stamp} loader.go:408] Config loaded from file:  {file}\n"
            ));
        }
        let overrides = Overrides {
            context: p.get("context").map(str::to_string),
            cluster: global("cluster"),
            user: global("user"),
            namespace: p.get("namespace").map(str::to_string),
            token: p.get("token").map(str::to_string),
            impersonate: p.get("as").map(str::to_string),
            impersonate_groups: p.values("as-group"),
            impersonate_uid: p.get("as-uid").map(str::to_string),
            impersonate_extra: p
                .values("as-user-extra")
                .iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (kv.clone(), String::new()),
                })
                .collect(),
            client_certificate: global("client-certificate"),
            client_key: global("client-key"),
            certificate_authority: global("certificate-authority"),
            username: global("username"),
            password: global("password"),
        };
        let kubeconfig = from_file.as_ref().unwrap_or(&*self.env.kubeconfig);
        if let Some(e) = kubeconfig.base64_problem() {
            let path = p.get("kubeconfig").unwrap_or(config::DEFAULT_PATH);
            self.err(&format!("error: error loading config file \"{path}\": {e}"));
            return None;
        }
        let cfg = match kubeconfig.resolve(&overrides) {
            Ok(c) => c,
            Err(e) => {
                if name == "config" || name == "version" {
                    ClientConfig::default()
                } else {
                    {
                        self.err(&e);
                        return None;
                    }
                }
            }
        };
        if name != "config" && name != "version" {
            // clientcmd's ConfirmUsable, before any request: one problem is printed as an
            // error, several as a list.
            let problems = self.confirm_usable(&cfg);
            match problems.as_slice() {
                [] => {}
                [one] => {
                    self.err(&format!("error: {one}"));
                    return None;
                }
                many => {
                    let list: Vec<String> = many.iter().map(|p| format!("* {p}")).collect();
                    self.err(&format!("Error in configuration: \n{}", list.join("\n")));
                    return None;
                }
            }
        }
        // When kubectl cannot reach the server, its discovery fails first, logging one error
        // per attempt: no server at all, or a client certificate read from files whose key
        // does not fit (client-go loads file pairs lazily, during the handshake).
        let unreachable = if cfg.server.is_empty() {
            Some((
                "http://localhost:8080".to_string(),
                "dial tcp 127.0.0.1:8080: connect: connection refused".to_string(),
            ))
        } else if let Some(e) = self.file_key_pair_problem(&cfg) {
            let stamp = klog_stamp(self.env.cluster.now).replacen('I', "E", 1);
            self.out.stderr.push_str(&format!(
                "{stamp} cert_rotation.go:172] \"Loading client cert failed\" err=\"{e}\" key=\"key\"\n"
            ));
            Some((cfg.server.clone(), e))
        } else {
            None
        };
        if let Some((server, error)) = unreachable {
            let args = tail(&p.args, 1);
            let attempts = match name {
                "get" => {
                    let first = args.first().map(String::as_str).unwrap_or("");
                    if first.contains('/') {
                        4
                    } else {
                        4 + first.split(',').filter(|t| !t.is_empty()).count().max(1)
                    }
                }
                "describe" | "label" | "annotate" | "patch" | "expose" => 5,
                "delete" if p.get("filename").is_none() => 5,
                "explain" | "create role" | "create clusterrole" => 2,
                "run" | "api-resources" => 1,
                _ => 0,
            };
            let stamp = klog_stamp(self.env.cluster.now).replacen('I', "E", 1);
            for _ in 0..attempts {
                self.out.stderr.push_str(&format!(
                    "{stamp} memcache.go:381] \"Couldn't get current server API group list\" err=\"Get \\\"{server}/api?timeout=32s\\\": {error}\"\n"
                ));
            }
        }
        Some(Cmd {
            p,
            cfg,
            file_kubeconfig: from_file,
        })
    }

    /// The full path of a file the kubeconfig names (relative to kubectl's directory).
    fn node_path(&self, path: &str) -> String {
        if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.env.cwd)
        }
    }

    /// clientcmd's `validateAuthInfo` and `validateClusterInfo` for the context in use, in
    /// upstream's order and words (some end with a period, some do not).
    fn confirm_usable(&self, cfg: &ClientConfig) -> Vec<String> {
        let exists = |path: &str| self.env.files.contains_key(&self.node_path(path));
        let unreadable = |what: &str, path: &str, owner: &str| {
            format!("unable to read {what} {path} for {owner} due to open {path}: no such file or directory")
        };
        let a = &cfg.auth;
        let user = &cfg.user_name;
        let mut problems = Vec::new();
        if !a.client_certificate.is_empty() || !a.client_certificate_data.is_empty() {
            if !a.client_certificate.is_empty() && !a.client_certificate_data.is_empty() {
                problems.push(format!("client-cert-data and client-cert are both specified for {user}. client-cert-data will override."));
            }
            if !a.client_key.is_empty() && !a.client_key_data.is_empty() {
                problems.push(format!("client-key-data and client-key are both specified for {user}; client-key-data will override"));
            }
            if a.client_key.is_empty() && a.client_key_data.is_empty() {
                problems.push(format!("client-key-data or client-key must be specified for {user} to use the clientCert authentication method."));
            }
            if !a.client_certificate.is_empty() && !exists(&a.client_certificate) {
                problems.push(unreadable("client-cert", &a.client_certificate, user));
            }
            if !a.client_key.is_empty() && !exists(&a.client_key) {
                problems.push(unreadable("client-key", &a.client_key, user));
            }
        }
        if !a.token.is_empty() && (!a.username.is_empty() || !a.password.is_empty()) {
            problems.push(format!("more than one authentication method found for {user}; found [token basicAuth], only one is allowed"));
        }
        let ca = cfg.certificate_authority.as_str();
        if !ca.is_empty() && !exists(ca) {
            problems.push(unreadable("certificate-authority", ca, &cfg.cluster_name));
        }
        problems
    }

    /// What client-go's transport makes of the kubeconfig's certificates before the first
    /// request (`TLSConfigFor`): the CA bundle must hold a certificate, and a client
    /// certificate must come with its own private key, which the handshake then proves.
    fn client_certificate(
        &self,
        cfg: &ClientConfig,
    ) -> Result<Option<crate::sim::tls::ClientCertificate>, String> {
        let auth = &cfg.auth;
        let file = |path: &str| self.env.files.get(&self.node_path(path)).cloned();
        let data = |s: &str| {
            crate::sim::b64::go_std_decode(s.as_bytes())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let ca = if !cfg.certificate_authority_data.is_empty() {
            Some(data(&cfg.certificate_authority_data))
        } else if !cfg.certificate_authority.is_empty() {
            file(&cfg.certificate_authority)
        } else {
            None
        };
        if let Some(ca) = ca.filter(|c| !c.is_empty()) {
            if let Err(e) = root_cert_pool(&ca) {
                return Err(format!("error: unable to load root certificates: {e}"));
            }
        }
        let cert = if !auth.client_certificate_data.is_empty() {
            Some(data(&auth.client_certificate_data))
        } else if !auth.client_certificate.is_empty() {
            file(&auth.client_certificate)
        } else {
            None
        };
        let key = if !auth.client_key_data.is_empty() {
            Some(data(&auth.client_key_data))
        } else if !auth.client_key.is_empty() {
            file(&auth.client_key)
        } else {
            None
        };
        match (cert, key) {
            (Some(cert), Some(key)) => crate::sim::tls::client_handshake(&cert, &key)
                .map(Some)
                .map_err(|e| match self.file_key_pair_problem(cfg) {
                    Some(_) => format!("Unable to connect to the server: {e}"),
                    None => format!("error: {e}"),
                }),
            // A key without a certificate is dropped by clientcmd: no certificate is sent.
            _ => Ok(None),
        }
    }

    /// clientcmd's `canIdentifyUser`: some credential is configured (a certificate counts even
    /// before its key is checked; a token file counts when it holds a token).
    fn can_identify_user(&self, cfg: &ClientConfig) -> bool {
        let a = &cfg.auth;
        let token_file = !a.token_file.is_empty()
            && self
                .env
                .files
                .get(&self.node_path(&a.token_file))
                .is_some_and(|t| !t.is_empty());
        !a.username.is_empty()
            || !a.client_certificate.is_empty()
            || !a.client_certificate_data.is_empty()
            || !a.token.is_empty()
            || token_file
            || !a.exec.is_null()
            || !a.auth_provider.is_null()
    }

    /// When both the certificate and the key are files (no `*-data`), client-go pairs them
    /// only during the handshake: the problem, if they do not pair.
    fn file_key_pair_problem(&self, cfg: &ClientConfig) -> Option<String> {
        let a = &cfg.auth;
        if a.client_certificate.is_empty()
            || a.client_key.is_empty()
            || !a.client_certificate_data.is_empty()
            || !a.client_key_data.is_empty()
        {
            return None;
        }
        let cert = self.env.files.get(&self.node_path(&a.client_certificate))?;
        let key = self.env.files.get(&self.node_path(&a.client_key))?;
        crate::sim::tls::client_handshake(cert, key).err()
    }

    /// Loads a kubeconfig file named by `--kubeconfig`, with kubectl's errors.
    fn load_kubeconfig(&self, path: &str) -> Result<Kubeconfig, String> {
        let full = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.env.cwd)
        };
        let Some(text) = self.env.files.get(&full) else {
            return Err(format!("error: stat {path}: no such file or directory"));
        };
        let docs = yaml::parse_stream(text).map_err(|e| {
            format!(
                "error: error loading config file \"{path}\": yaml: line {}: {}",
                e.pos.line, e.message
            )
        })?;
        let Some(doc) = docs.into_iter().find(|d| !d.empty) else {
            return Ok(Kubeconfig::default());
        };
        let value = doc.root.to_json();
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("Config");
        if kind != "Config" {
            let version = value
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(format!(
                "error: error loading config file \"{path}\": no kind \"{kind}\" is registered for version \"{version}\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\""
            ));
        }
        crate::sim::kubeconfig::from_json(value)
            .map_err(|e| format!("error: error loading config file \"{path}\": {e}"))
    }

    /// Sends one request as kubectl would, with the credentials of the client configuration.
    fn send(
        &mut self,
        cfg: &ClientConfig,
        method: &str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        self.send_with_type(cfg, method, url, body, "application/json")
    }

    /// Sends a body-less request with a given Accept header.
    fn send_accept(
        &mut self,
        cfg: &ClientConfig,
        method: &str,
        url: &str,
        accept: &str,
    ) -> Result<(u16, Value), String> {
        self.accept = accept.to_string();
        let result = self.send(cfg, method, url, None);
        self.accept.clear();
        result
    }

    /// Sends one request with a given body Content-Type.
    fn send_with_type(
        &mut self,
        cfg: &ClientConfig,
        method: &str,
        url: &str,
        body: Option<&Value>,
        content_type: &str,
    ) -> Result<(u16, Value), String> {
        self.send_text(cfg, method, url, body.map(Value::to_string), content_type)
    }

    /// Sends one request whose body is given as text (kubectl passes a `{…}` patch on
    /// unparsed, so the server reports what is wrong with it).
    fn send_text(
        &mut self,
        cfg: &ClientConfig,
        method: &str,
        url: &str,
        body: Option<String>,
        content_type: &str,
    ) -> Result<(u16, Value), String> {
        if cfg.server.is_empty() {
            return Err(REFUSED.into());
        }
        if let Some(command) = cfg.auth.exec.get("command").and_then(Value::as_str) {
            // The playground cannot run credential plugins: kubectl's "not installed" error.
            let hint = cfg
                .auth
                .exec
                .get("installHint")
                .and_then(Value::as_str)
                .map(|h| format!("\n\n{h}"))
                .unwrap_or_default();
            return Err(format!(
                "Unable to connect to the server: getting credentials: exec: executable {command} not found\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\nTo learn more about this feature, consult the documentation available at:\n      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins{hint}"
            ));
        }
        if let Some(provider) = cfg.auth.auth_provider.get("name").and_then(Value::as_str) {
            return Err(match provider {
                "gcp" => "error: The gcp auth plugin has been removed.\nPlease use the \"gke-gcloud-auth-plugin\" kubectl/client-go credential plugin instead.\nSee https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details".to_string(),
                "azure" => "error: The azure auth plugin has been removed.\nPlease use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.\nSee https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details".to_string(),
                other => format!("error: no Auth Provider found for name \"{other}\""),
            });
        }
        if cfg.server.starts_with("https://") && !self.can_identify_user(cfg) {
            // clientcmd prompts for a user name and password when it has no credentials for a
            // TLS server; the playground's kubectl has nothing on its standard input.
            self.out.stdout.push_str("Please enter Username: ");
            return Err("error: EOF".into());
        }
        let mut req = HttpRequest::new(method, url);
        let accept = if self.accept.is_empty() {
            "application/json"
        } else {
            self.accept.as_str()
        };
        req.headers.push(("Accept".into(), accept.into()));
        req.headers.push((
            "User-Agent".into(),
            format!("kubectl/{KUBECTL_VERSION} (linux/amd64) kubernetes/f2c9d0a"),
        ));
        let auth = &cfg.auth;
        let file = |path: &str| -> Option<String> {
            let full = if path.starts_with('/') {
                path.to_string()
            } else {
                format!("{}/{path}", self.env.cwd)
            };
            self.env.files.get(&full).cloned()
        };
        req.client_certificate = self.client_certificate(cfg)?;
        let token = if !auth.token.is_empty() {
            Some(auth.token.clone())
        } else if !auth.token_file.is_empty() {
            file(&auth.token_file).map(|t| t.trim().to_string())
        } else {
            None
        };
        if let Some(t) = token {
            req.headers
                .push(("Authorization".into(), format!("Bearer {t}")));
        } else if !auth.username.is_empty() {
            let basic =
                crate::sim::b64::STANDARD.encode(format!("{}:{}", auth.username, auth.password));
            req.headers
                .push(("Authorization".into(), format!("Basic {basic}")));
        }
        if !auth.impersonate.is_empty() {
            req.headers
                .push(("Impersonate-User".into(), auth.impersonate.clone()));
        }
        for g in &auth.impersonate_groups {
            req.headers.push(("Impersonate-Group".into(), g.clone()));
        }
        if !auth.impersonate_uid.is_empty() {
            req.headers
                .push(("Impersonate-Uid".into(), auth.impersonate_uid.clone()));
        }
        if let Some(extra) = auth.impersonate_extra.as_object() {
            for (k, values) in extra {
                let key =
                    percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC)
                        .to_string();
                for v in values
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    req.headers
                        .push((format!("Impersonate-Extra-{key}"), v.to_string()));
                }
            }
        }
        if let Some(b) = body {
            req.headers
                .push(("Content-Type".into(), content_type.into()));
            req.body = Some(b);
        }
        let mut trace = self.env.cluster.handle(&req);
        // client-go's warning handler: each `Warning` header on stderr, once per command.
        for w in &trace.response.warnings {
            let line = format!("Warning: {w}\n");
            if !self.out.stderr.contains(&line) {
                self.out.stderr.push_str(&line);
            }
        }
        let credential = if req.client_certificate.is_some() {
            "a client certificate"
        } else if req
            .header("Authorization")
            .is_some_and(|a| a.starts_with("Bearer"))
        {
            "a bearer token"
        } else if req.header("Authorization").is_some() {
            "a user name and password"
        } else {
            "no credentials"
        };
        trace.sent_by = format!(
            "kubectl, context {:?}, kubeconfig user {:?}: {credential}{}",
            cfg.context,
            cfg.user_name,
            if cfg.auth.impersonate.is_empty() {
                String::new()
            } else {
                format!(", impersonating {:?}", cfg.auth.impersonate)
            }
        );
        if trace.response.code == 0 {
            // No HTTP response: the TLS handshake failed.
            let why = trace.response.body.as_str().unwrap_or("").to_string();
            self.out.requests.push(trace);
            return Err(format!("Unable to connect to the server: {why}"));
        }
        let mut result = (trace.response.code, trace.response.body.clone());
        if let Value::String(text) = &result.1 {
            // Not a Status: client-go makes one (NewGenericServerResponse).
            result.1 = generic_server_response(result.0, method, &req.url, text);
        }
        if self.verbosity >= 6 {
            self.log_request(cfg, &req, &trace);
        }
        self.out.requests.push(trace);
        Ok(result)
    }

    /// What `kubectl -v=6` (and 7, 8) logs for one request, as klog lines on stderr. The time
    /// is the simulated clock; the process id is made up; kubectl's discovery cache is warm.
    fn log_request(&mut self, cfg: &ClientConfig, req: &HttpRequest, trace: &RequestTrace) {
        let stamp = klog_stamp(self.env.cluster.now);
        let url = format!("{}{}", cfg.server, req.url);
        let code = trace.response.code;
        let status = format!("{code} {}", status_text(code));
        let mut lines = Vec::new();
        if self.verbosity >= 8 {
            let body = req.body.clone().unwrap_or_default();
            lines.push(format!(
                "{stamp} request.go:1212] \"Request Body\" body={}",
                go_quote(&body)
            ));
        }
        if self.verbosity >= 7 {
            let headers: String = req
                .headers
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("Authorization"))
                .map(|(k, v)| format!("\t{k}: {v}\n"))
                .chain(
                    req.header("Authorization")
                        .map(|_| "\tAuthorization: Bearer <masked>\n".to_string()),
                )
                .collect();
            lines.push(format!(
                "{stamp} round_trippers.go:527] \"Request\" verb=\"{}\" url=\"{url}\" headers=<\n{headers} >",
                req.method
            ));
        }
        if self.verbosity >= 8 {
            lines.push(format!(
                "{stamp} round_trippers.go:632] \"Response\" status=\"{status}\" headers=<\n\tContent-Type: application/json\n > milliseconds=1"
            ));
            let body = trace.response.body.to_string();
            lines.push(format!(
                "{stamp} request.go:1212] \"Response Body\" body={}",
                go_quote(&body)
            ));
        } else if self.verbosity >= 7 {
            lines.push(format!(
                "{stamp} round_trippers.go:632] \"Response\" status=\"{status}\" milliseconds=1"
            ));
        } else {
            lines.push(format!(
                "{stamp} round_trippers.go:632] \"Response\" verb=\"{}\" url=\"{url}\" status=\"{status}\" milliseconds=1",
                req.method
            ));
        }
        for l in lines {
            self.out.stderr.push_str(&l);
            self.out.stderr.push('\n');
        }
    }

    /// Prints an object for `-o yaml` or `-o json`; false for any other format.
    /// Prints an object kubectl built itself (`--dry-run=client`): JSON in Go struct order.
    fn print_built(&mut self, output: &str, v: &Value) -> bool {
        if output == "json" {
            self.print(&yamlout::to_json_in_order(&goorder::typed(v)));
            return true;
        }
        self.print_object(output, v)
    }

    fn print_object(&mut self, output: &str, v: &Value) -> bool {
        if let Some(template) = output
            .strip_prefix("jsonpath=")
            .or_else(|| output.strip_prefix("jsonpath-as-json="))
        {
            match jsonpath::render(template, v) {
                Ok(text) => self.out.stdout.push_str(&text),
                Err(e) => self.err(&format!("error: error parsing jsonpath {template}, {e}")),
            }
            return true;
        }
        let text = match output {
            "yaml" => yamlout::to_yaml(v),
            "json" => yamlout::to_json(v),
            _ => return false,
        };
        self.print(&text);
        true
    }

    /// Sends a JSON merge patch (kubectl label, annotate).
    fn send_patch(
        &mut self,
        cfg: &ClientConfig,
        url: &str,
        patch: &Value,
    ) -> Result<(u16, Value), String> {
        self.send_with_type(
            cfg,
            "PATCH",
            url,
            Some(patch),
            "application/merge-patch+json",
        )
    }

    fn resolve_type(&mut self, typed: &str) -> Option<&'static ApiResource> {
        let r = discovery::resolve(self.minor(), typed);
        if r.is_none() {
            self.err(&format!(
                "error: the server doesn't have a resource type \"{typed}\""
            ));
        }
        r
    }

    fn url(res: &ApiResource, ns: Option<&str>, name: Option<&str>) -> String {
        let mut u = if res.group.is_empty() {
            format!("/api/{}", res.version)
        } else {
            format!("/apis/{}/{}", res.group, res.version)
        };
        if let (true, Some(ns)) = (res.namespaced, ns) {
            u.push_str(&format!("/namespaces/{ns}"));
        }
        u.push('/');
        u.push_str(res.name);
        if let Some(n) = name {
            u.push('/');
            u.push_str(n);
        }
        u
    }

    fn get(&mut self, c: Cmd) {
        let args = tail(&c.p.args, 1);
        let Some(first) = args.first() else {
            return self.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        };
        // What to fetch, per type in the order given: `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…`.
        let mut wanted: Vec<(&'static ApiResource, Vec<String>)> = Vec::new();
        if first.contains('/') {
            for a in args {
                let Some((t, n)) = a.split_once('/') else {
                    return self.err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
                };
                if t.is_empty() || n.is_empty() || n.contains('/') {
                    return self.err(
                        "error: arguments in resource/name form must have a single resource and name",
                    );
                }
                let Some(res) = self.resolve_type(t) else {
                    return;
                };
                match wanted.iter_mut().find(|(r, _)| std::ptr::eq(*r, res)) {
                    Some((_, names)) => names.push(n.to_string()),
                    None => wanted.push((res, vec![n.to_string()])),
                }
            }
        } else {
            for t in first.split(',').filter(|t| !t.is_empty()) {
                // A category (`all`) that names no resource expands to its members.
                let members: Vec<&'static ApiResource> =
                    if discovery::resolve(self.minor(), t).is_none() {
                        discovery::preferred_resources(self.minor())
                            .into_iter()
                            .filter(|r| r.categories.contains(&t))
                            .collect()
                    } else {
                        Vec::new()
                    };
                if !members.is_empty() {
                    for r in members {
                        wanted.push((r, tail(args, 1).to_vec()));
                    }
                    continue;
                }
                let Some(res) = self.resolve_type(t) else {
                    return;
                };
                wanted.push((res, tail(args, 1).to_vec()));
            }
        }
        let by_name = wanted.iter().any(|(_, names)| !names.is_empty());
        // The resource builder refuses names with a selector: `TYPE/NAME` and several types
        // with names are resource tuples to it, one type with names is names.
        if by_name
            && (selector_flag(&c.p, "selector").is_some()
                || selector_flag(&c.p, "field-selector").is_some())
        {
            return self.err(if first.contains('/') || wanted.len() > 1 {
                "error: selectors and the all flag cannot be used when passing resource/name arguments"
            } else {
                "error: name cannot be provided when a selector is specified"
            });
        }
        let all_ns = c.p.is("all-namespaces");
        let output = c.p.get("output").unwrap_or("").to_string();
        let human = matches!(output.as_str(), "" | "wide");
        let show_kind = c.p.is("show-kind") || wanted.len() > 1;
        let ns = if all_ns {
            None
        } else {
            Some(c.cfg.namespace.as_str())
        };
        let mut query: Vec<(&str, String)> = Vec::new();
        let label_selector = selector_flag(&c.p, "selector").unwrap_or_default();
        let field_selector = selector_flag(&c.p, "field-selector").unwrap_or_default();
        if !field_selector.is_empty() {
            query.push(("fieldSelector", field_selector.clone()));
        }
        if !label_selector.is_empty() {
            query.push(("labelSelector", label_selector.clone()));
        }
        query.push(("limit", "500".into()));
        let encode = |v: &str| {
            percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let list_query: String = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let accept = if human {
            TABLE_ACCEPT
        } else {
            "application/json"
        };
        let label_columns = c.p.all("label-columns");
        let mut objects: Vec<Value> = Vec::new();
        let mut printed = false;
        let mut failed = false;
        for (res, names) in &wanted {
            let res: &ApiResource = res;
            let mut bodies: Vec<Value> = Vec::new();
            if names.is_empty() {
                let url = format!("{}?{list_query}", Self::url(res, ns, None));
                match self.send_accept(&c.cfg, "GET", &url, accept) {
                    Ok((200, body)) => bodies.push(body),
                    Ok((code, mut status)) => {
                        enhance_list_error(
                            code,
                            &mut status,
                            res,
                            &label_selector,
                            &field_selector,
                        );
                        self.err(&printers::error_text(&status));
                        failed = true;
                        continue;
                    }
                    Err(e) => return self.err(&e),
                }
            } else {
                for n in names {
                    match self.send_accept(&c.cfg, "GET", &Self::url(res, ns, Some(n)), accept) {
                        Ok((200, body)) => bodies.push(body),
                        Ok((404, _)) if c.p.is("ignore-not-found") => {}
                        Ok((_, status)) => {
                            self.err(&printers::error_text(&status));
                            failed = true;
                        }
                        Err(e) => return self.err(&e),
                    }
                }
            }
            if human {
                let prefix = printers::kind_group(res);
                let mut rows: Vec<Vec<String>> = Vec::new();
                for body in &bodies {
                    let style = printers::TableStyle {
                        wide: output == "wide",
                        namespace: all_ns,
                        labels: c.p.is("show-labels"),
                        label_columns: &label_columns,
                        kind_prefix: show_kind.then_some(prefix.as_str()),
                        headers: rows.is_empty() && !c.p.is("no-headers"),
                    };
                    let mut part = printers::table_rows(body, &style);
                    if !rows.is_empty() || !style.headers {
                        rows.append(&mut part);
                    } else if part.len() > 1 {
                        rows = part;
                    }
                }
                let has_rows = rows.len() > usize::from(!c.p.is("no-headers"));
                if has_rows {
                    if printed {
                        self.out.stdout.push('\n');
                    }
                    self.out.stdout.push_str(&printers::tabulate(&rows));
                    printed = true;
                }
            } else {
                for body in bodies {
                    match body.get("items").and_then(Value::as_array) {
                        Some(items) if names.is_empty() => objects.extend(items.iter().cloned()),
                        _ => objects.push(body),
                    }
                }
            }
        }
        if failed {
            self.out.exit_code = 1;
        }
        if human {
            if !printed && !failed && !by_name {
                let msg = match ns {
                    Some(n) if wanted.iter().any(|(r, _)| r.namespaced) => {
                        format!("No resources found in {n} namespace.")
                    }
                    _ => "No resources found".to_string(),
                };
                self.out.stderr.push_str(&msg);
                self.out.stderr.push('\n');
            }
            return;
        }
        let single = by_name && wanted.len() == 1 && wanted[0].1.len() == 1;
        if objects.is_empty() && by_name {
            return;
        }
        self.print_objects(&objects, &output, single);
    }

    /// Prints fetched objects for `-o yaml|json|name|jsonpath=…`: one object as itself,
    /// anything else as a `List`.
    fn print_objects(&mut self, items: &[Value], output: &str, single: bool) {
        let as_list = || json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
        if matches!(output, "yaml" | "json") {
            let v = if single { items[0].clone() } else { as_list() };
            self.print_object(output, &v);
            return;
        }
        match output {
            "name" => {
                for o in items {
                    let name = o.ptr("/metadata/name").and_then(Value::as_str).unwrap_or("");
                    let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
                    let group = o
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .and_then(|v| v.split_once('/'))
                        .map_or("", |(g, _)| g);
                    let kind = kind.to_lowercase();
                    let line = if group.is_empty() {
                        format!("{kind}/{name}")
                    } else {
                        format!("{kind}.{group}/{name}")
                    };
                    self.print(&line);
                }
            }
            other if other.starts_with("jsonpath=") || other.starts_with("jsonpath-as-json=") => {
                let template = other.split_once('=').map_or("", |(_, t)| t);
                let v = if single { items[0].clone() } else { as_list() };
                match jsonpath::render(template, &v) {
                    Ok(text) => self.out.stdout.push_str(&text),
                    Err(e) => self.err(&format!("error: error parsing jsonpath {template}, {e}")),
                }
            }
            other => self.err(&format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
            )),
        }
    }

    /// Reads `-f` files (or stdin) into objects, with their source names.
    fn read_manifests(&mut self, p: &Parsed) -> Option<Vec<(String, Value)>> {
        let files = p.values("filename");
        if files.is_empty() {
            self.err("error: must specify one of -f and -k");
            return None;
        }
        let mut out = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        for f in files {
            let text = if f == "-" {
                self.env.stdin.unwrap_or("").to_string()
            } else {
                let full = if f.starts_with('/') {
                    f.clone()
                } else {
                    format!("{}/{f}", self.env.cwd)
                };
                match self.env.files.get(&full) {
                    Some(t) => t.clone(),
                    None => {
                        self.err(&format!("error: the path \"{f}\" does not exist"));
                        return None;
                    }
                }
            };
            let source = if f == "-" {
                "STDIN".to_string()
            } else {
                f.clone()
            };
            match yaml::parse_stream(&text) {
                Ok(docs) => {
                    for d in docs.into_iter().filter(|d| !d.empty) {
                        let is_list = d.root.get("items").is_some();
                        for item in super::workspace::flatten_lists(d.root, self.minor()) {
                            let node = match item {
                                Ok(node) => node,
                                Err((_, e @ super::workspace::ListError::Unmapped { .. })) => {
                                    problems.push(format!("resource mapping not found for name: \"\" namespace: \"\" from \"{source}\": {e}\nensure CRDs are installed first"));
                                    continue;
                                }
                                Err((_, e)) => {
                                    // The list's visit stops at a list inside it.
                                    problems.push(e.to_string());
                                    break;
                                }
                            };
                            let obj = node.to_json();
                            // A list's item is decoded on its own: both type fields needed.
                            let has = |k: &str| {
                                obj.get(k)
                                    .and_then(Value::as_str)
                                    .is_some_and(|v| !v.is_empty())
                            };
                            let missing = if !is_list {
                                None
                            } else if !has("kind") {
                                Some("Object 'Kind' is missing in 'object has no kind field '")
                            } else if !has("apiVersion") {
                                Some("Object 'apiVersion' is missing in 'object has no apiVersion field'")
                            } else {
                                None
                            };
                            match missing {
                                Some(m) => problems.push(format!("unable to get type info from the object \"*unstructured.Unstructured\": {m}")),
                                None => out.push((source.clone(), obj)),
                            }
                        }
                    }
                }
                Err(e) => {
                    self.err(&format!(
                        "error: error parsing {source}: error converting YAML to JSON: yaml: line {}: {}",
                        e.pos.line, e.message
                    ));
                    return None;
                }
            }
        }
        // kubectl's builder continues past these and reports them together: one as an error,
        // several as plain lines.
        match problems.as_slice() {
            [] => {}
            [one] => self.err(&format!("error: {one}")),
            many => {
                for p in many {
                    self.err(p);
                }
            }
        }
        Some(out)
    }

    fn create(&mut self, c: Cmd, apply: bool) {
        if !apply && c.p.args.len() > 1 && c.p.values("filename").is_empty() {
            let rest: Vec<String> = tail(&c.p.args, 1).to_vec();
            return self.err(&format!(
                "error: Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples",
                rest.join(" ")
            ));
        }
        let Some(objects) = self.read_manifests(&c.p) else {
            return;
        };
        if objects.is_empty() {
            // Items that could not be read were reported; only nothing at all is this error.
            if self.out.exit_code == 0 {
                let verb = if apply { "apply" } else { "create" };
                self.err(&format!("error: no objects passed to {verb}"));
            }
            return;
        }
        let dry_run = match dry_run_strategy(&c) {
            Ok("none") => "",
            Ok(d) => d,
            Err(e) => return self.err(&e),
        };
        let suffix = match dry_run {
            "client" => " (dry run)",
            "server" => " (server dry run)",
            _ => "",
        };
        for (source, mut obj) in objects {
            let api_version = obj
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let kind = obj
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let (group, version) = super::workspace::split_api_version(&api_version);
            let res = discovery::by_kind(self.minor(), group, &kind).filter(|r| {
                discovery::resources(self.minor())
                    .any(|x| x.group == r.group && x.version == version)
            });
            let Some(res) = res else {
                if kind.is_empty() {
                    self.err(&format!("error: error validating \"{source}\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false"));
                } else {
                    self.err(&format!("error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
                        obj.ptr("/metadata/name").and_then(Value::as_str).unwrap_or(""),
                        obj.ptr("/metadata/namespace").and_then(Value::as_str).unwrap_or("")));
                }
                continue;
            };
            let name = obj
                .ptr("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let obj_ns = obj
                .ptr("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let ns = if res.namespaced {
                if !obj_ns.is_empty() {
                    if c.cfg.namespace_explicit
                        && c.p.get("namespace").is_some()
                        && obj_ns != c.cfg.namespace
                    {
                        self.err(&format!("error: the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{}\". You must pass '--namespace={obj_ns}' to perform this operation.", c.cfg.namespace));
                        continue;
                    }
                    obj_ns
                } else {
                    c.cfg.namespace.clone()
                }
            } else {
                String::new()
            };
            let shown = format!("{}/{name}", printers::kind_group(res));
            if dry_run == "client" {
                self.print(&format!("{shown} created{suffix}"));
                continue;
            }
            if apply {
                if res.namespaced {
                    obj["metadata"]["namespace"] = json!(ns);
                }
                // kubectl records the object as given, with an (emptied) annotations map.
                let mut recorded = obj.clone();
                if let Some(meta) = recorded.get_mut("metadata").and_then(Value::as_object_mut) {
                    let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
                    if let Some(a) = annotations.as_object_mut() {
                        a.remove("kubectl.kubernetes.io/last-applied-configuration");
                    }
                }
                let last_applied = sorted_json(&recorded);
                let url = Self::url(res, Some(&ns), Some(&name));
                match self.send(&c.cfg, "GET", &url, None) {
                    Ok((200, current)) => {
                        let annotation = format!("{last_applied}\n");
                        let original: Option<Value> = current
                            .ptr("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
                            .and_then(Value::as_str)
                            .and_then(|t| serde_json::from_str(t).ok());
                        let mut modified = obj.clone();
                        modified["metadata"]["annotations"]
                            ["kubectl.kubernetes.io/last-applied-configuration"] =
                            json!(annotation);
                        let patch =
                            crate::sim::patch::three_way(original.as_ref(), &modified, &current);
                        if patch.as_object().is_none_or(|p| p.is_empty()) {
                            self.print(&format!("{shown} unchanged{suffix}"));
                            continue;
                        }
                        if dry_run == "client" {
                            self.print(&format!("{shown} configured{suffix}"));
                            continue;
                        }
                        let patch_url = format!(
                            "{url}{}",
                            write_query(dry_run == "server", "kubectl-client-side-apply", true)
                        );
                        match self.send_with_type(
                            &c.cfg,
                            "PATCH",
                            &patch_url,
                            Some(&patch),
                            "application/strategic-merge-patch+json",
                        ) {
                            Ok((200, _)) => self.print(&format!("{shown} configured{suffix}")),
                            Ok((_, mut status)) => {
                                let msg = status
                                    .get("message")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_string();
                                status["message"] = json!(format!("error when applying patch:\n{}\n\nto:\nResource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: \"{name}\", Namespace: \"{ns}\"\nfor: \"{source}\": {msg}", patch, res.group, res.version, res.name, res.group, res.version, res.kind));
                                self.err(&printers::error_text(&status));
                            }
                            Err(e) => return self.err(&e),
                        }
                        continue;
                    }
                    Ok((404, _)) => {
                        obj["metadata"]["annotations"]
                            ["kubectl.kubernetes.io/last-applied-configuration"] =
                            json!(format!("{last_applied}\n"));
                    }
                    Ok((_, status)) => {
                        let mut status = status;
                        let gvr = format!("{}/{}, Resource={}", res.group, res.version, res.name);
                        let gvk = format!("{}/{}, Kind={}", res.group, res.version, res.kind);
                        let msg = status
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        status["message"] = json!(format!(
                            "error when retrieving current configuration of:\nResource: \"{gvr}\", GroupVersionKind: \"{gvk}\"\nName: \"{name}\", Namespace: \"{ns}\"\nfrom server for: \"{source}\": {msg}"
                        ));
                        self.err(&printers::error_text(&status));
                        continue;
                    }
                    Err(e) => return self.err(&e),
                }
            }
            let manager = if apply {
                "kubectl-client-side-apply"
            } else {
                "kubectl-create"
            };
            let url = format!(
                "{}{}",
                Self::url(res, Some(&ns), None),
                write_query(dry_run == "server", manager, true)
            );
            // cli-runtime's Helper.Create clears a resourceVersion the file carries (a dump from
            // `kubectl get -o yaml`), which the server would refuse.
            if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                if meta.get("resourceVersion").is_some_and(|v| v != "") {
                    meta.insert("resourceVersion".into(), json!(""));
                }
            }
            match self.send(&c.cfg, "POST", &url, Some(&obj)) {
                Ok((200 | 201, stored)) => {
                    // The server names an object created from a generateName.
                    let stored_name = stored
                        .ptr("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or(&name);
                    let shown = format!("{}/{stored_name}", printers::kind_group(res));
                    let output = c.p.get("output").unwrap_or("");
                    if output == "name" {
                        self.print(&shown);
                    } else if !self.print_object(output, &stored) {
                        self.print(&format!("{shown} created{suffix}"));
                    }
                }
                Ok((_, mut status)) => {
                    let msg = status
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    status["message"] = json!(format!("error when creating \"{source}\": {msg}"));
                    self.err(&printers::error_text(&status));
                }
                Err(e) => return self.err(&e),
            }
        }
    }

    fn delete(&mut self, c: Cmd) {
        let mut targets: Vec<(&'static ApiResource, String, String)> = Vec::new();
        let ns_of = |res: &ApiResource, cfg: &ClientConfig| {
            if res.namespaced {
                cfg.namespace.clone()
            } else {
                String::new()
            }
        };
        if !c.p.values("filename").is_empty() {
            let Some(objects) = self.read_manifests(&c.p) else {
                return;
            };
            if objects.is_empty() && self.out.exit_code == 0 {
                self.out.stderr.push_str("No resources found\n");
                return;
            }
            for (_, obj) in objects {
                let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
                let (group, _) = super::workspace::split_api_version(api_version);
                let Some(res) = discovery::by_kind(self.minor(), group, kind) else {
                    self.err(&format!("error: resource mapping not found for kind \"{kind}\" in version \"{api_version}\""));
                    continue;
                };
                let name = obj
                    .ptr("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let ns = obj
                    .ptr("/metadata/namespace")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .filter(|n| !n.is_empty() && res.namespaced)
                    .unwrap_or_else(|| ns_of(res, &c.cfg));
                targets.push((res, ns, name));
            }
        } else {
            let args = tail(&c.p.args, 1);
            let selector_given = selector_flag(&c.p, "selector").is_some()
                || selector_flag(&c.p, "field-selector").is_some();
            if c.p.is("all") && selector_given {
                // The resource builder's words, trailing space and all.
                return self.err("error: setting 'all' parameter but found a non empty selector. ");
            }
            let Some(typed) = args.first() else {
                return self.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            };
            let slash_form = typed.contains('/');
            let (typed, inline) = match typed.split_once('/') {
                Some((t, n)) => (t.to_string(), Some(n.to_string())),
                None => (typed.clone(), None),
            };
            let Some(res) = self.resolve_type(&typed) else {
                return;
            };
            let names: Vec<String> = inline
                .into_iter()
                .chain(tail(args, 1).iter().cloned())
                .collect();
            let selector = selector_flag(&c.p, "selector");
            // `--all` is the everything-selector to the resource builder.
            if !names.is_empty() && (selector_given || c.p.is("all")) {
                return self.err(if slash_form {
                    "error: selectors and the all flag cannot be used when passing resource/name arguments"
                } else {
                    "error: name cannot be provided when a selector is specified"
                });
            }
            if names.is_empty() && (c.p.is("all") || selector.is_some()) {
                // kubectl lists what matches, then deletes each object.
                let all_ns = c.p.is("all-namespaces") && res.namespaced;
                let ns = if all_ns || !res.namespaced {
                    None
                } else {
                    Some(c.cfg.namespace.clone())
                };
                let mut url = Self::url(res, ns.as_deref(), None);
                if let Some(sel) = &selector {
                    url.push_str(&selector_query(sel));
                }
                match self.send(&c.cfg, "GET", &url, None) {
                    Ok((200, list)) => {
                        for o in list
                            .get("items")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            let n = o
                                .ptr("/metadata/name")
                                .and_then(Value::as_str)
                                .unwrap_or("");
                            let ons = o
                                .ptr("/metadata/namespace")
                                .and_then(Value::as_str)
                                .unwrap_or("");
                            targets.push((res, ons.to_string(), n.to_string()));
                        }
                    }
                    Ok((code, mut status)) => {
                        let label = selector.as_deref().unwrap_or("");
                        enhance_list_error(code, &mut status, res, label, "");
                        return self.err(&printers::error_text(&status));
                    }
                    Err(e) => return self.err(&e),
                }
                if targets.is_empty() {
                    self.out.stderr.push_str("No resources found\n");
                    return;
                }
            } else if names.is_empty() {
                return self.err("error: resource(s) were provided, but no name was specified");
            }
            for n in names {
                targets.push((res, ns_of(res, &c.cfg), n));
            }
        }
        let dry = match dry_run_strategy(&c) {
            Ok(d) => d,
            Err(e) => return self.err(&e),
        };
        let mut options =
            json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"});
        if dry == "server" {
            options["dryRun"] = json!(["All"]);
        }
        for (res, ns, name) in targets {
            let url = Self::url(res, Some(&ns), Some(&name));
            // A client dry run only reads the object (kubectl's resource builder) and deletes nothing.
            let answer = if dry == "client" {
                self.send(&c.cfg, "GET", &url, None)
            } else {
                self.send(&c.cfg, "DELETE", &url, Some(&options))
            };
            match answer {
                Ok((200 | 202, _)) => {
                    let mut operation = "deleted".to_string();
                    if res.namespaced {
                        operation.push_str(&format!(" from {ns} namespace"));
                    }
                    match dry {
                        "client" => operation.push_str(" (dry run)"),
                        "server" => operation.push_str(" (server dry run)"),
                        _ => {}
                    }
                    let line = if c.p.get("output") == Some("name") {
                        format!("{}/{name}", printers::kind_group(res))
                    } else {
                        format!("{} \"{name}\" {operation}", printers::kind_group(res))
                    };
                    self.print(&line);
                }
                Ok((404, _)) if c.p.is("ignore-not-found") => {}
                Ok((_, status)) => self.err(&printers::error_text(&status)),
                Err(e) => return self.err(&e),
            }
        }
    }

    fn run_pod(&mut self, c: Cmd) {
        // cobra checks required flags before the command looks at its arguments.
        let Some(image) = c.p.get("image").map(str::to_string) else {
            return self.err("error: required flag(s) \"image\" not set");
        };
        let Some(name) = c.p.args.get(1).cloned() else {
            return self.err(
                "error: NAME is required for run\nSee 'kubectl run -h' for help and examples",
            );
        };
        let mut labels = serde_json::Map::new();
        match c.p.get("labels") {
            Some(l) => {
                for pair in l.split(',') {
                    if let Some((k, v)) = pair.split_once('=') {
                        labels.insert(k.to_string(), json!(v));
                    }
                }
            }
            None => {
                labels.insert("run".into(), json!(name));
            }
        }
        let mut container = json!({"name": name, "image": image, "resources": {}});
        let extra: Vec<String> = tail(&c.p.args, 2).to_vec();
        if !extra.is_empty() {
            container[if c.p.is("command") { "command" } else { "args" }] = json!(extra);
        }
        let env: Vec<Value> =
            c.p.values("env")
                .iter()
                .map(|e| {
                    let (k, v) = e.split_once('=').unwrap_or((e, ""));
                    json!({"name": k, "value": v})
                })
                .collect();
        if !env.is_empty() {
            container["env"] = Value::Array(env);
        }
        if let Some(p) = c.p.get("port") {
            if let Ok(port) = p.parse::<u16>() {
                container["ports"] = json!([{"containerPort": port}]);
            }
        }
        if let Some(policy) = c.p.get("image-pull-policy").filter(|p| !p.is_empty()) {
            container["imagePullPolicy"] = json!(policy);
        }
        let restart = c.p.get("restart").unwrap_or("Always").to_string();
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"labels": labels, "name": name},
            "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
            "status": {}});
        let dry = match dry_run_strategy(&c) {
            Ok(d) => d,
            Err(e) => return self.err(&e),
        };
        if let Some(overrides) = c.p.get("overrides").filter(|o| !o.is_empty()) {
            match apply_overrides(&pod, overrides, c.p.get("override-type").unwrap_or("merge")) {
                Ok(p) => pod = p,
                Err(e) => return self.err(&e),
            }
        }
        let output = c.p.get("output").unwrap_or("").to_string();
        if dry == "client" {
            if output == "name" {
                self.print(&format!("pod/{name}"));
            } else if !self.print_built(&output, &pod) {
                self.print(&format!("pod/{name} created (dry run)"));
            }
            return;
        }
        let url = format!(
            "/api/v1/namespaces/{}/pods{}",
            c.cfg.namespace,
            write_query(dry == "server", "kubectl-run", false)
        );
        match self.send(&c.cfg, "POST", &url, Some(&pod)) {
            Ok((201 | 200, stored)) => {
                if output == "name" {
                    self.print(&format!("pod/{name}"));
                } else if !self.print_object(&output, &stored) {
                    let suffix = if dry == "server" {
                        " (server dry run)"
                    } else {
                        ""
                    };
                    self.print(&format!("pod/{name} created{suffix}"));
                }
            }
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    fn can_i(&mut self, c: Cmd) {
        let args: Vec<String> = tail(&c.p.args, 2).to_vec();
        if c.p.is("list") {
            if !args.is_empty() {
                return self.err("error: list option must be specified with no arguments");
            }
            if c.p.is("quiet") || c.p.is("all-namespaces") || c.p.get("subresource").is_some() {
                return self.err("error: list option can't be specified with neither quiet, all-namespaces nor subresource options");
            }
            return self.can_i_list(&c);
        }
        if c.p.is("no-headers") {
            return self.err("error: --no-headers cannot be set without --list specified");
        }
        // Exactly two: kubectl takes a name only as resource/name.
        if args.len() != 2 {
            return self.err("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
        }
        let verb = args[0].clone();
        let target = args[1].clone();
        let ns = if c.p.is("all-namespaces") {
            String::new()
        } else {
            c.cfg.namespace.clone()
        };
        let spec = if target.starts_with('/') {
            json!({"nonResourceAttributes": {"path": target, "verb": verb}})
        } else {
            let (typed, name) = match target.split_once('/') {
                Some((t, n)) => (t.to_string(), n.to_string()),
                None => (target.clone(), String::new()),
            };
            let (group, resource) = if typed == "*" {
                ("*".to_string(), "*".to_string())
            } else {
                match discovery::resolve(self.minor(), &typed) {
                    Some(r) => {
                        if !r.namespaced && !c.p.is("all-namespaces") {
                            let warning = if r.group.is_empty() {
                                format!("resource '{}' is not namespace scoped", r.name)
                            } else {
                                format!(
                                    "resource '{}' is not namespace scoped in group '{}'",
                                    r.name, r.group
                                )
                            };
                            self.out.stderr.push_str(&format!("Warning: {warning}\n\n"));
                        }
                        (r.group.to_string(), r.name.to_string())
                    }
                    None => {
                        self.out.stderr.push_str(&format!(
                            "Warning: the server doesn't have a resource type '{typed}'\n"
                        ));
                        let (res, grp) = typed
                            .split_once('.')
                            .map(|(r, g)| (r.to_string(), g.to_string()))
                            .unwrap_or((typed.clone(), String::new()));
                        (grp, res)
                    }
                }
            };
            let mut ra = serde_json::Map::new();
            ra.insert("namespace".into(), json!(ns));
            ra.insert("verb".into(), json!(verb));
            ra.insert("group".into(), json!(group));
            ra.insert("resource".into(), json!(resource));
            if let Some(sub) = c.p.get("subresource") {
                ra.insert("subresource".into(), json!(sub));
            }
            if !name.is_empty() {
                ra.insert("name".into(), json!(name));
            }
            json!({"resourceAttributes": Value::Object(ra)})
        };
        let body = json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {}, "spec": spec, "status": {"allowed": false}});
        match self.send(
            &c.cfg,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            Some(&body),
        ) {
            Ok((201 | 200, review)) => {
                let allowed = review.ptr("/status/allowed") == Some(&Value::Bool(true));
                let quiet = c.p.is("quiet");
                if allowed {
                    if !quiet {
                        self.print("yes");
                    }
                } else {
                    let mut line = "no".to_string();
                    for k in ["reason", "evaluationError"] {
                        if let Some(r) = review
                            .ptr(&format!("/status/{k}"))
                            .and_then(Value::as_str)
                            .filter(|r| !r.is_empty())
                        {
                            line.push_str(" - ");
                            line.push_str(r);
                        }
                    }
                    if !quiet {
                        self.print(&line);
                    }
                    self.out.exit_code = 1;
                }
            }
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    /// `kubectl auth can-i --list`: a SelfSubjectRulesReview, its rules broken down, compacted
    /// and sorted as kubectl does, in a table.
    fn can_i_list(&mut self, c: &Cmd) {
        let body = json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {}, "spec": {"namespace": c.cfg.namespace}, "status": {"resourceRules": null, "nonResourceRules": null, "incomplete": false}});
        match self.send(
            &c.cfg,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            Some(&body),
        ) {
            Ok((201 | 200, review)) => {
                let status = review.get("status").cloned().unwrap_or(Value::Null);
                if status.get("incomplete") == Some(&Value::Bool(true)) {
                    let e = status
                        .get("evaluationError")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    self.out
                        .stderr
                        .push_str(&format!("Warning: the list may be incomplete: {e}\n"));
                }
                let mut rows = Vec::new();
                if !c.p.is("no-headers") {
                    rows.push(
                        ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
                            .map(String::from)
                            .to_vec(),
                    );
                }
                rows.extend(rules::access_rows(&status));
                let text = printers::tabulate(&rows);
                self.out.stdout.push_str(&text);
            }
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    fn whoami(&mut self, c: Cmd) {
        // The printer is chosen before the request: whoami's table is its only human format.
        let output = c.p.get("output").unwrap_or("").to_string();
        let known = matches!(output.as_str(), "" | "json" | "yaml" | "name")
            || output.starts_with("jsonpath=")
            || output.starts_with("jsonpath-as-json=");
        if !known {
            return self.err(&format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml"));
        }
        // kubectl tries v1, then v1beta1, then v1alpha1 while the server answers 404.
        let mut answer = Err(String::new());
        for version in ["v1", "v1beta1", "v1alpha1"] {
            let body = json!({"kind": "SelfSubjectReview", "apiVersion": format!("authentication.k8s.io/{version}"), "metadata": {"creationTimestamp": null}, "status": {}});
            answer = self.send(
                &c.cfg,
                "POST",
                &format!("/apis/authentication.k8s.io/{version}/selfsubjectreviews"),
                Some(&body),
            );
            match &answer {
                Ok((404, _)) => continue,
                _ => break,
            }
        }
        match answer {
            Ok((403, _)) => self.err("error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it"),
            Ok((404, _)) => self.err("error: the selfsubjectreviews API is not enabled in the cluster\nenable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API"),
            Ok((201 | 200, review)) => match c.p.get("output") {
                Some("json") => {
                    // A typed object: kubectl prints it in struct field order.
                    let t = yamlout::to_json_in_order(&review);
                    self.print(&t);
                }
                Some("yaml") => {
                    let t = yamlout::to_yaml(&review);
                    self.print(&t);
                }
                // The review has no name: the name printer says so.
                Some("name") => self.print("selfsubjectreview.authentication.k8s.io/<unknown>"),
                Some(o) if o.starts_with("jsonpath") => {
                    self.print_object(o, &review);
                }
                _ => {
                    let info = review
                        .ptr("/status/userInfo")
                        .cloned()
                        .unwrap_or(json!({}));
                    let mut rows = vec![vec!["ATTRIBUTE".to_string(), "VALUE".to_string()]];
                    rows.push(vec![
                        "Username".into(),
                        info.get("username")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .into(),
                    ]);
                    if let Some(uid) = info.get("uid").and_then(Value::as_str) {
                        rows.push(vec!["UID".into(), uid.into()]);
                    }
                    let groups: Vec<&str> = info
                        .get("groups")
                        .and_then(Value::as_array)
                        .map(|g| g.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    rows.push(vec!["Groups".into(), format!("[{}]", groups.join(" "))]);
                    if let Some(extra) = info.get("extra").and_then(Value::as_object) {
                        for (k, v) in extra {
                            let vals: Vec<&str> = v
                                .as_array()
                                .map(|a| a.iter().filter_map(Value::as_str).collect())
                                .unwrap_or_default();
                            rows.push(vec![format!("Extra: {k}"), format!("[{}]", vals.join(" "))]);
                        }
                    }
                    let t = printers::tabulate(&rows);
                    self.out.stdout.push_str(&t);
                }
            },
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    /// `kubectl api-resources`: the preferred version of every resource, from discovery
    /// (kubectl's cache is warm, so no request is sent).
    fn api_resources(&mut self, c: Cmd) {
        if c.cfg.server.is_empty() {
            return self.err(REFUSED);
        }
        let namespaced = match c.p.get("namespaced") {
            None => None,
            Some("true" | "unset") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                return self.err(&format!(
                    "error: invalid argument \"{other}\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax\nSee 'kubectl api-resources --help' for usage."
                ))
            }
        };
        let group = c.p.get("api-group").map(str::to_string);
        let verbs = c.p.all("verbs");
        let categories = c.p.all("categories");
        let mut rows: Vec<&ApiResource> = discovery::api_resources(self.minor())
            .into_iter()
            .filter(|r| namespaced.is_none_or(|n| r.namespaced == n))
            .filter(|r| group.as_deref().is_none_or(|g| r.group == g))
            .filter(|r| verbs.iter().all(|v| r.verbs.contains(&v.as_str())))
            .filter(|r| {
                categories
                    .iter()
                    .all(|cat| r.categories.contains(&cat.as_str()))
            })
            .collect();
        match c.p.get("sort-by") {
            None => {}
            Some("name") => crate::sim::sort::by_key(&mut rows, &|r| r.name),
            Some("kind") => crate::sim::sort::by_key(&mut rows, &|r| r.kind),
            Some(other) => {
                return self.err(&format!(
                    "error: --sort-by accepts only name or kind, got {other}"
                ))
            }
        }
        let output = c.p.get("output").unwrap_or("");
        if output == "name" {
            for r in rows {
                let line = if r.group.is_empty() {
                    r.name.to_string()
                } else {
                    format!("{}.{}", r.name, r.group)
                };
                self.print(&line);
            }
            return;
        }
        if !matches!(output, "" | "wide") {
            return self.err(&format!(
                "error: --output {output} is not available\nSee 'kubectl api-resources -h' for help and examples"
            ));
        }
        let wide = output == "wide";
        let mut table = Vec::new();
        if !c.p.is("no-headers") {
            let mut h: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
                .map(str::to_string)
                .to_vec();
            if wide {
                h.push("VERBS".into());
                h.push("CATEGORIES".into());
            }
            table.push(h);
        }
        for r in rows {
            let mut row = vec![
                r.name.to_string(),
                r.short_names.join(","),
                r.api_version(),
                r.namespaced.to_string(),
                r.kind.to_string(),
            ];
            if wide {
                let mut v: Vec<&str> = r.verbs.to_vec();
                crate::sim::sort::natural(&mut v);
                row.push(v.join(","));
                row.push(r.categories.join(","));
            }
            table.push(row);
        }
        let t = printers::tabulate(&table);
        self.out.stdout.push_str(&t);
    }

    /// `kubectl explain TYPE[.field…]`: resolve the type through discovery, fetch the
    /// group-version's OpenAPI v3 document from the server, render it as kubectl does.
    fn explain(&mut self, c: Cmd) {
        let args = tail(&c.p.args, 1);
        match args.len() {
            0 => return self.err("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources."),
            1 => {}
            _ => return self.err("error: We accept only this format: explain RESOURCE"),
        }
        let output = c.p.get("output").unwrap_or("plaintext");
        if output != "plaintext" && output != "plaintext-openapiv2" {
            return self.err(&format!("error: unrecognized format: {output}"));
        }
        let input = args[0].trim_end_matches('.');
        let first = input.split('.').next().unwrap_or("");
        let candidates = discovery::resources_for(self.minor(), first);
        let Some(&top) = candidates.first() else {
            return self.err(&format!(
                "the server doesn't have a resource type \"{first}\""
            ));
        };
        let api_version = c.p.get("api-version").filter(|v| !v.is_empty());
        // Without --api-version, the first candidate whose `resource.group` prefixes the
        // input decides where the field path starts (`deployments.apps.spec`).
        let mut chosen = top;
        let mut fields: Vec<String> = input
            .split('.')
            .skip(1)
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        if api_version.is_none() {
            for r in &candidates {
                let gr = if r.group.is_empty() {
                    r.name.to_string()
                } else {
                    format!("{}.{}", r.name, r.group)
                };
                if let Some(rest) = input.strip_prefix(&gr) {
                    chosen = r;
                    fields = rest
                        .split('.')
                        .skip(1)
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect();
                    break;
                }
            }
        }
        let (mut group, mut version) = (chosen.group.to_string(), chosen.version.to_string());
        if let Some(av) = api_version {
            match av.split_once('/') {
                Some((g, v)) => (group, version) = (g.to_string(), v.to_string()),
                None => (group, version) = (String::new(), av.to_string()),
            }
        }
        // The discovery client asks with its 32 s timeout, as kubectl does.
        let index = match self.send(&c.cfg, "GET", "/openapi/v3?timeout=32s", None) {
            Ok((200, v)) => v,
            Ok((_, status)) => return self.err(&printers::error_text(&status)),
            Err(e) => return self.err(&e),
        };
        let gv = super::openapi::gv_path(&group, &version);
        let Some(url) = index["paths"][&gv]["serverRelativeURL"].as_str() else {
            return self.err(&format!(
                "error: couldn't find resource for \"{group}/{version}, Resource={}\"",
                chosen.name
            ));
        };
        let doc = match self.send(&c.cfg, "GET", url, None) {
            Ok((200, v)) => v,
            Ok((_, status)) => return self.err(&printers::error_text(&status)),
            Err(e) => return self.err(&e),
        };
        let recursive = c.p.is("recursive");
        match explain::render(&doc, &group, &version, chosen.name, &fields, recursive) {
            Ok(text) => self.out.stdout.push_str(&text),
            Err((written, e)) => {
                self.out.stdout.push_str(&written);
                self.err(&e)
            }
        }
    }

    /// `kubectl certificate approve|deny NAME…`: add the condition through the `approval`
    /// subresource (the csrsigning controller then signs approved client requests).
    fn certificate(&mut self, c: Cmd) {
        let approve = c.p.args.get(1).map(String::as_str) == Some("approve");
        let names = tail(&c.p.args, 2).to_vec();
        if names.is_empty() {
            return self
                .err("error: one or more CSRs must be specified as <name> or -f <filename>");
        }
        let (kind, reason, message, done) = if approve {
            (
                "Approved",
                "KubectlApprove",
                "This CSR was approved by kubectl certificate approve.",
                "approved",
            )
        } else {
            (
                "Denied",
                "KubectlDeny",
                "This CSR was denied by kubectl certificate deny.",
                "denied",
            )
        };
        let Some(res) = discovery::by_resource(
            self.minor(),
            "certificates.k8s.io",
            "certificatesigningrequests",
        ) else {
            return;
        };
        for name in names {
            let url = Self::url(res, None, Some(&name));
            let mut csr = match self.send(&c.cfg, "GET", &url, None) {
                Ok((200, o)) => o,
                Ok((_, status)) => {
                    self.err(&printers::error_text(&status));
                    continue;
                }
                Err(e) => return self.err(&e),
            };
            let has = csr
                .ptr("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|x| x.get("type").and_then(Value::as_str) == Some(kind))
                });
            if !has || c.p.is("force") {
                let condition = json!({"type": kind, "status": "True", "reason": reason, "message": message,
                    "lastUpdateTime": crate::sim::clock::format_rfc3339(self.env.cluster.now)});
                if !csr["status"].is_object() {
                    csr["status"] = json!({});
                }
                if !csr["status"]["conditions"].is_array() {
                    csr["status"]["conditions"] = json!([]);
                }
                if let Some(list) = csr["status"]["conditions"].as_array_mut() {
                    list.push(condition);
                }
                match self.send(&c.cfg, "PUT", &format!("{url}/approval"), Some(&csr)) {
                    Ok((200, o)) => csr = o,
                    Ok((_, status)) => {
                        self.err(&printers::error_text(&status));
                        continue;
                    }
                    Err(e) => return self.err(&e),
                }
            }
            let output = c.p.get("output").unwrap_or("");
            if !self.print_object(output, &csr) {
                let shown = format!("{}/{name}", printers::kind_group(res));
                if output == "name" {
                    self.print(&shown);
                } else {
                    self.print(&format!("{shown} {done}"));
                }
            }
        }
    }

    /// `kubectl api-versions`.
    fn api_versions(&mut self, _c: Cmd) {
        for v in discovery::api_versions(self.minor()) {
            self.print(&v);
        }
    }

    /// `kubectl version [--client] [-o yaml|json]`: the client's build (kubectl 1.37.1's own),
    /// kustomize's, and the server's `/version` read into apimachinery's `version.Info`.
    fn version(&mut self, c: Cmd) {
        let output = c.p.get("output").unwrap_or("").to_string();
        if !matches!(output.as_str(), "" | "yaml" | "json") {
            return self.err("error: --output must be 'yaml' or 'json'");
        }
        let client = json!({
            "major": "1", "minor": "37", "gitVersion": KUBECTL_VERSION,
            "gitCommit": "f78e722310e50bcaca9276be22276d9e91d91308", "gitTreeState": "clean",
            "buildDate": "2026-09-23T17:10:04Z", "goVersion": "go1.26.8", "compiler": "gc",
            "platform": "linux/amd64"
        });
        let (mut server, mut failed) = (None, None);
        if !c.p.is("client") {
            match self.send(&c.cfg, "GET", "/version", None) {
                Ok((200, body)) => server = Some(version_info(&body)),
                Ok((_, status)) => failed = Some(printers::error_text(&status)),
                Err(e) => failed = Some(e),
            }
        }
        let mut doc = serde_json::Map::new();
        doc.insert("clientVersion".into(), client);
        doc.insert("kustomizeVersion".into(), json!("v5.8.1"));
        if let Some(s) = &server {
            doc.insert("serverVersion".into(), s.clone());
        }
        match output.as_str() {
            "json" => {
                // json.MarshalIndent with two spaces (the object printers indent by four).
                let text = crate::sim::yamlout::to_json_in_order(&Value::Object(doc));
                let lines: Vec<String> = text
                    .lines()
                    .map(|l| {
                        let body = l.trim_start_matches(' ');
                        format!("{}{body}", " ".repeat((l.len() - body.len()) / 2))
                    })
                    .collect();
                self.print(&lines.join("\n"));
            }
            "yaml" => {
                // sigs.k8s.io/yaml (keys sorted), then Println: a blank line after.
                let text = crate::sim::yamlout::to_yaml(&Value::Object(doc));
                self.print(&format!("{text}\n"));
            }
            _ => {
                self.print(&format!(
                    "Client Version: {KUBECTL_VERSION}\nKustomize Version: v5.8.1"
                ));
                if let Some(s) = &server {
                    let v = s.get("gitVersion").and_then(Value::as_str).unwrap_or("");
                    self.print(&format!("Server Version: {v}"));
                }
            }
        }
        if let Some(e) = failed {
            self.err(&e);
        }
    }
}

impl Kubectl<'_, '_> {
    /// `kubectl cordon|uncordon NODE… | -l SELECTOR`: every node fetched first (one missing
    /// stops them all), then each whose `spec.unschedulable` differs patched with a strategic
    /// merge patch, as kubectl's drain helper does.
    fn cordon(&mut self, c: Cmd, unschedulable: bool) {
        let verb = if unschedulable { "cordon" } else { "uncordon" };
        let dry = match dry_run_strategy(&c) {
            Ok(d) => d,
            Err(e) => return self.err(&e),
        };
        let names: Vec<String> = tail(&c.p.args, 1).to_vec();
        let selector = selector_flag(&c.p, "selector");
        if names.is_empty() && selector.is_none() {
            return self.err(&format!(
                "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
            ));
        }
        let mut nodes = Vec::new();
        if let Some(sel) = &selector {
            if !names.is_empty() {
                return self.err("error: name cannot be provided when a selector is specified");
            }
            match self.send(
                &c.cfg,
                "GET",
                &format!("/api/v1/nodes{}", selector_query(sel)),
                None,
            ) {
                Ok((200, list)) => nodes.extend(
                    list.get("items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                ),
                Ok((_, status)) => return self.err(&printers::error_text(&status)),
                Err(e) => return self.err(&e),
            }
        }
        for n in &names {
            match self.send(&c.cfg, "GET", &format!("/api/v1/nodes/{n}"), None) {
                Ok((200, node)) => nodes.push(node),
                Ok((_, status)) => return self.err(&printers::error_text(&status)),
                Err(e) => return self.err(&e),
            }
        }
        let done = if unschedulable {
            "cordoned"
        } else {
            "uncordoned"
        };
        for node in nodes {
            let name = node
                .ptr("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let now = node
                .ptr("/spec/unschedulable")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if now == unschedulable {
                self.print(&format!("node/{name} already {done}"));
                continue;
            }
            if dry == "client" {
                self.print(&format!("node/{name} {done} (dry run)"));
                continue;
            }
            let url = if dry == "server" {
                format!("/api/v1/nodes/{name}?dryRun=All")
            } else {
                format!("/api/v1/nodes/{name}")
            };
            let patch = json!({"spec": {"unschedulable": unschedulable}});
            match self.send_with_type(
                &c.cfg,
                "PATCH",
                &url,
                Some(&patch),
                "application/strategic-merge-patch+json",
            ) {
                Ok((200, _)) => {
                    let suffix = if dry == "server" {
                        " (server dry run)"
                    } else {
                        ""
                    };
                    self.print(&format!("node/{name} {done}{suffix}"));
                }
                Ok((_, status)) => self.err(&printers::error_text(&status)),
                Err(e) => self.err(&e),
            }
        }
    }

    /// `kubectl cluster-info`: the API server's address, then each service labelled
    /// `kubernetes.io/cluster-service=true` in kube-system (or the `-n` namespace; the
    /// context's namespace does not count) with its proxy URL, or its load balancer.
    fn cluster_info(&mut self, c: Cmd) {
        let ns =
            c.p.get("namespace")
                .filter(|n| !n.is_empty())
                .unwrap_or("kube-system")
                .to_string();
        let url = format!(
            "/api/v1/namespaces/{ns}/services?labelSelector=kubernetes.io%2Fcluster-service%3Dtrue"
        );
        const HINT: &str =
            "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
        let list = match self.send(&c.cfg, "GET", &url, None) {
            Ok((200, list)) => list,
            Ok((_, status)) => {
                self.out.stdout.push_str(HINT);
                return self.err(&printers::error_text(&status));
            }
            Err(e) => {
                self.out.stdout.push_str(HINT);
                return self.err(&e);
            }
        };
        let host = c.cfg.server.trim_end_matches('/').to_string();
        let mut out = format!("Kubernetes control plane is running at {host}\n");
        for svc in list
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |p: &str| svc.ptr(p).and_then(Value::as_str).unwrap_or("").to_string();
            let ports: Vec<&Value> = svc
                .ptr("/spec/ports")
                .and_then(Value::as_array)
                .map(|p| p.iter().collect())
                .unwrap_or_default();
            let ingress = svc.ptr("/status/loadBalancer/ingress/0");
            let link = if let Some(ing) = ingress {
                let ip = ing
                    .get("ip")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty());
                let ip = ip
                    .or_else(|| ing.get("hostname").and_then(Value::as_str))
                    .unwrap_or("");
                ports
                    .iter()
                    .map(|p| {
                        format!(
                            "http://{ip}:{} ",
                            p.get("port").and_then(Value::as_i64).unwrap_or(0)
                        )
                    })
                    .collect::<String>()
            } else {
                let mut name = text("/metadata/name");
                if let Some(p) = ports.first() {
                    let port_name = p.get("name").and_then(Value::as_str).unwrap_or("");
                    let number = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    // utilnet.JoinSchemeNamePort: https guessed from the port.
                    let scheme = if port_name == "https" || number == 443 {
                        "https"
                    } else {
                        ""
                    };
                    name = match (scheme, port_name) {
                        ("", "") => name,
                        ("", p) => format!("{name}:{p}"),
                        (s, p) => format!("{s}:{name}:{p}"),
                    };
                }
                format!(
                    "{host}/api/v1/namespaces/{}/services/{name}/proxy",
                    text("/metadata/namespace")
                )
            };
            let shown = svc
                .ptr("/metadata/labels/kubernetes.io~1name")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| text("/metadata/name"));
            out.push_str(&format!("{shown} is running at {link}\n"));
        }
        out.push_str(HINT);
        self.out.stdout.push_str(&out);
    }
}

/// A `/version` body as apimachinery's `version.Info` reads and writes it: its fields in the
/// struct's order, the emulation ones only when set, every other one even when empty.
fn version_info(body: &Value) -> Value {
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut m = serde_json::Map::new();
    for k in ["major", "minor"] {
        m.insert(k.into(), json!(text(k)));
    }
    for k in [
        "emulationMajor",
        "emulationMinor",
        "minCompatibilityMajor",
        "minCompatibilityMinor",
    ] {
        if !text(k).is_empty() {
            m.insert(k.into(), json!(text(k)));
        }
    }
    for k in [
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    ] {
        m.insert(k.into(), json!(text(k)));
    }
    Value::Object(m)
}

/// Go's `strconv.ParseInt(s, 0, 32)`: an optional sign, then `0x`, `0o`, `0b` or a leading
/// `0` for other bases (underscores allowed only after such a prefix).
fn go_parse_int32(s: &str) -> Result<i32, &'static str> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    let digits: String = if prefixed {
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err("invalid syntax");
    }
    let magnitude = i64::from_str_radix(&digits, radix).map_err(|_| "value out of range")?;
    let value = if neg { -magnitude } else { magnitude };
    i32::try_from(value).map_err(|_| "value out of range")
}

/// A `-l` or `--field-selector` value as cli-runtime's builder takes it: trimmed, and unset
/// when blank.
pub(crate) fn selector_flag(p: &Parsed, name: &str) -> Option<String> {
    p.get(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// cli-runtime's `EnhanceListError`: a 400 or 404 from a list names what was looked for.
pub(crate) fn enhance_list_error(
    code: u16,
    status: &mut Value,
    res: &ApiResource,
    label_selector: &str,
    field_selector: &str,
) {
    if code != 400 && code != 404 {
        return;
    }
    let gvr = format!("{}/{}, Resource={}", res.group, res.version, res.name);
    let msg = status["message"].as_str().unwrap_or("").to_string();
    status["message"] = json!(if label_selector.is_empty() && field_selector.is_empty() {
        format!("Unable to list {}: {msg}", go_quote(&gvr))
    } else {
        format!(
            "Unable to find {} that match label selector {}, field selector {}: {msg}",
            go_quote(&gvr),
            go_quote(label_selector),
            go_quote(field_selector)
        )
    });
}

/// `?labelSelector=…` for a `-l` selector, escaped for the URL.
fn selector_query(selector: &str) -> String {
    format!(
        "?labelSelector={}",
        percent_encoding::utf8_percent_encode(selector, percent_encoding::NON_ALPHANUMERIC)
    )
}

/// `cmdutil.GetDryRunStrategy`: `none`, `client` or `server`, or kubectl's error.
fn dry_run_strategy(c: &Cmd) -> Result<&'static str, String> {
    match c.p.get("dry-run") {
        None | Some("none") => Ok("none"),
        Some("client") => Ok("client"),
        Some("server") => Ok("server"),
        Some("unset") => Err("error: --dry-run flag without a value was specified. A value must be set: \"none\", \"server\", or \"client\".".into()),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// kubectl's `Overrider`: the `--overrides` JSON applied to the object kubectl built, as a
/// JSON merge patch (the default), a strategic merge patch or a JSON patch.
fn apply_overrides(obj: &Value, overrides: &str, kind: &str) -> Result<Value, String> {
    let patch: Value = serde_json::from_str(overrides)
        .map_err(|e| format!("error: error parsing the overrides: {e}"))?;
    match if kind.is_empty() { "merge" } else { kind } {
        "merge" => Ok(crate::sim::patch::merge(obj, &patch)),
        "strategic" => crate::sim::patch::strategic(obj, &patch)
            .map_err(|e| format!("error: {}", e.into_api_error().message)),
        "json" => crate::sim::patch::json_patch(obj, &patch).map_err(|e| format!("error: {e}")),
        other => Err(format!("error: invalid override type: {other}")),
    }
}

/// What kubectl says when there is no server to talk to.
const REFUSED: &str =
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?";

/// The query of a write request, keys sorted as Go's `url.Values` encodes them:
/// `?dryRun=All&fieldManager=…&fieldValidation=Strict`.
fn write_query(dry_run_server: bool, manager: &str, strict: bool) -> String {
    let mut parts = Vec::new();
    if dry_run_server {
        parts.push("dryRun=All".to_string());
    }
    parts.push(format!("fieldManager={manager}"));
    if strict {
        parts.push("fieldValidation=Strict".to_string());
    }
    format!("?{}", parts.join("&"))
}

/// The prefix of a klog line at the simulated time: `I1129 10:00:00.000000    4242`.
fn klog_stamp(now: crate::sim::clock::Instant) -> String {
    let t = crate::sim::clock::format_rfc3339(now);
    // "2026-11-29T10:00:00Z" → "I1129 10:00:00.000000"
    let (date, time) = t.split_once('T').unwrap_or((&t, ""));
    let md: String = date.get(5..).unwrap_or("").replace('-', "");
    format!("I{md} {}.000000    4242", time.trim_end_matches('Z'))
}

/// The reason phrase of an HTTP status code.
fn status_text(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// The arguments after the first `n` (none when there are fewer).
fn tail(args: &[String], n: usize) -> &[String] {
    args.get(n..).unwrap_or(&[])
}

/// kubectl's commands in the order it registers them (cobra suggests in this order).
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
    "help",
];

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra's suggestions: commands within edit distance 2, or starting with what was typed.
fn suggestions(typed: &str) -> Vec<&'static str> {
    let t = typed.to_lowercase();
    COMMANDS
        .iter()
        .copied()
        .filter(|c| levenshtein(&t, c) <= 2 || c.starts_with(&t))
        .collect()
}

/// JSON with object keys sorted, as Go marshals a map (kubectl's last-applied annotation).
pub fn sorted_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                crate::sim::sort::natural(&mut keys);
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sort(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(v).to_string()
}

/// client-go's `NewGenericServerResponse` for a response that is not a `Status` (a
/// plain-text body), with kubectl's `(verb resource[ name])` suffix.
fn generic_server_response(code: u16, method: &str, url: &str, body: &str) -> Value {
    let text = body.trim();
    let (reason, message) = match code {
        500 => (
            "InternalError",
            format!("an error on the server ({}) has prevented the request from succeeding", go_quote(text)),
        ),
        503 => (
            "ServiceUnavailable",
            format!("the server is currently unable to handle the request ({})", go_quote(text)),
        ),
        _ => (
            "Unknown",
            format!("the server responded with the status code {code} but did not return more information ({})", go_quote(text)),
        ),
    };
    let info = crate::sim::request::request_info(method, url);
    let resource = crate::sim::response::qualified(&info.api_group, &info.resource);
    let message = match (info.resource.is_empty(), info.name.is_empty()) {
        (true, _) => message,
        (false, true) => format!("{message} ({} {resource})", method.to_lowercase()),
        (false, false) => format!(
            "{message} ({} {resource} {})",
            method.to_lowercase(),
            info.name
        ),
    };
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code})
}

/// client-go's `rootCertPool`: a CA bundle must hold at least one certificate; when none
/// parses, `createErrorParsingCAData` says why, block by block.
fn root_cert_pool(pem_text: &str) -> Result<(), String> {
    let blocks = crate::sim::pem::decode_all(pem_text);
    let parses = |b: &crate::sim::pem::Block| {
        b.label == "CERTIFICATE"
            && b.headers.is_empty()
            && x509_cert::der::Decode::from_der(&b.der)
                .map(|_: x509_cert::Certificate| ())
                .is_ok()
    };
    if blocks.iter().any(parses) {
        return Ok(());
    }
    for b in &blocks {
        if b.label == "CERTIFICATE" && b.headers.is_empty() {
            return Err("failed to parse certificate: x509: malformed certificate".into());
        }
    }
    // Go stops at the first text that is not a PEM block: anything after the last END line
    // and its line break, even a second blank line.
    let tail = pem_text
        .rfind("-----END ")
        .and_then(|at| pem_text[at..].find('\n').map(|nl| &pem_text[at + nl + 1..]));
    if blocks.is_empty() || tail.is_some_and(|t| !t.is_empty()) {
        return Err("unable to parse bytes as PEM block".into());
    }
    Err("no valid certificate authority data seen".into())
}

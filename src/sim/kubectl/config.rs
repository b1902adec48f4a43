//! `kubectl config …`: view (with `--minify`, `--raw`, `--flatten`, and kubectl's redaction),
//! current-context, use-context, get-contexts/-clusters/-users, set-context (incl. `--current`),
//! set-credentials, set-cluster, delete-context/-cluster/-user, rename-context, set, unset —
//! as kubectl v1.37 does them. Changes edit the session's kubeconfig (the page writes it back
//! into the workspace). See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_config/>.

use super::args::{flag, Arity, Flag};
use super::{printers, Cmd, Kubectl};
use crate::sim::kubeconfig::{
    AuthInfo, Cluster, Context, Kubeconfig, NamedCluster, NamedContext, NamedUser,
};
use crate::sim::yamlout;

/// The file kubectl reads and writes when no `--kubeconfig` is given.
pub const DEFAULT_PATH: &str = "/root/.kube/config";

/// Flags of the `kubectl config` subcommands besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("output", Some('o'), Arity::Value),
    flag("minify", None, Arity::Bool),
    flag("raw", None, Arity::Bool),
    flag("flatten", None, Arity::Bool),
    flag("merge", None, Arity::Optional),
    flag("no-headers", None, Arity::Bool),
    flag("current", None, Arity::Bool),
    flag("cluster", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("namespace", Some('n'), Arity::Value),
    flag("token", None, Arity::Value),
    flag("username", None, Arity::Value),
    flag("password", None, Arity::Value),
    flag("client-certificate", None, Arity::Value),
    flag("client-key", None, Arity::Value),
    flag("embed-certs", None, Arity::Optional),
    flag("server", None, Arity::Value),
    flag("certificate-authority", None, Arity::Value),
    flag("insecure-skip-tls-verify", None, Arity::Optional),
    flag("tls-server-name", None, Arity::Value),
    flag("proxy-url", None, Arity::Value),
    flag("set-raw-bytes", None, Arity::Optional),
];

/// `kubectl config view` without `--raw`: secrets shown as `REDACTED`, certificate and key
/// data as `DATA+OMITTED`.
fn redact(k: &mut Kubeconfig) {
    for c in &mut k.clusters {
        if !c.cluster.certificate_authority_data.is_empty() {
            c.cluster.certificate_authority_data = "DATA+OMITTED".into();
        }
    }
    for u in &mut k.users {
        let a = &mut u.user;
        for f in [&mut a.client_certificate_data, &mut a.client_key_data] {
            if !f.is_empty() {
                *f = "DATA+OMITTED".into();
            }
        }
        for f in [&mut a.token, &mut a.password] {
            if !f.is_empty() {
                *f = "REDACTED".into();
            }
        }
    }
}

impl Kubectl<'_, '_> {
    pub(super) fn config(&mut self, c: Cmd) {
        let sub = c.p.args.get(1).cloned().unwrap_or_default();
        let args: Vec<String> = c.p.args.iter().skip(2).cloned().collect();
        let path = c.p.get("kubeconfig").unwrap_or(DEFAULT_PATH).to_string();
        let mut c = c;
        let from_file = c.file_kubeconfig.is_some();
        let mut kc: Kubeconfig = match c.file_kubeconfig.take() {
            Some(k) => k,
            None => self.env.kubeconfig.clone(),
        };
        let before = kc.clone();
        match sub.as_str() {
            "" => return self.err(CONFIG_HELP),
            "view" => return self.config_view(&c, kc),
            "current-context" => {
                if kc.current_context.is_empty() {
                    return self.err("error: current-context is not set");
                }
                let cc = kc.current_context.clone();
                return self.print(&cc);
            }
            "use-context" | "use" => {
                let Some(name) = args.first() else {
                    return self.err("error: Unexpected args: []");
                };
                if kc.context(name).is_none() {
                    return self.err(&format!(
                        "error: no context exists with the name: \"{name}\""
                    ));
                }
                kc.current_context = name.clone();
                self.print(&format!("Switched to context \"{name}\"."));
            }
            "get-contexts" => return self.get_contexts(&c, &kc, &args),
            "get-clusters" | "get-users" => {
                let mut names: Vec<&str> = if sub == "get-clusters" {
                    kc.clusters.iter().map(|x| x.name.as_str()).collect()
                } else {
                    kc.users.iter().map(|x| x.name.as_str()).collect()
                };
                crate::sim::sort::natural(&mut names);
                let mut out = String::from("NAME\n");
                for n in names {
                    out.push_str(n);
                    out.push('\n');
                }
                return self.out.stdout.push_str(&out);
            }
            "set-context" => {
                let name = if c.p.is("current") {
                    if !args.is_empty() {
                        return self
                            .err("error: you cannot specify both a context name and --current");
                    }
                    kc.current_context.clone()
                } else {
                    args.first().cloned().unwrap_or_default()
                };
                if name.is_empty() {
                    return self
                        .err("error: you must specify a non-empty context name or --current");
                }
                let exists = kc.contexts.iter().any(|x| x.name == name);
                if !exists {
                    kc.contexts.push(NamedContext {
                        name: name.clone(),
                        context: Context::default(),
                    });
                }
                if let Some(ctx) = kc.contexts.iter_mut().find(|x| x.name == name) {
                    if let Some(v) = c.p.get("cluster") {
                        ctx.context.cluster = v.to_string();
                    }
                    if let Some(v) = c.p.get("user") {
                        ctx.context.user = v.to_string();
                    }
                    if let Some(v) = c.p.get("namespace") {
                        ctx.context.namespace = v.to_string();
                    }
                }
                let verb = if exists { "modified" } else { "created" };
                self.print(&format!("Context \"{name}\" {verb}."));
            }
            "set-credentials" => {
                let Some(name) = args.first().cloned().filter(|n| !n.is_empty()) else {
                    return self.err("error: Unexpected args: []");
                };
                let embed = matches!(c.p.get("embed-certs"), Some("true" | "unset"));
                let mut entry = kc.user(&name).cloned().unwrap_or_default();
                for (flag_name, data) in [("client-certificate", true), ("client-key", false)] {
                    let Some(file) = c.p.get(flag_name) else {
                        continue;
                    };
                    let field = if data {
                        "client-certificate"
                    } else {
                        "client-key"
                    };
                    if embed {
                        let Some(text) = self.read_file(file) else {
                            return self.err(&format!(
                                "error: could not stat {field} file {file}: stat {file}: no such file or directory"
                            ));
                        };
                        let b64 = crate::sim::b64::STANDARD.encode(text);
                        if data {
                            entry.client_certificate_data = b64;
                            entry.client_certificate.clear();
                        } else {
                            entry.client_key_data = b64;
                            entry.client_key.clear();
                        }
                    } else if data {
                        entry.client_certificate = file.to_string();
                        entry.client_certificate_data.clear();
                    } else {
                        entry.client_key = file.to_string();
                        entry.client_key_data.clear();
                    }
                }
                if let Some(t) = c.p.get("token") {
                    entry.token = t.to_string();
                }
                if let Some(u) = c.p.get("username") {
                    entry.username = u.to_string();
                }
                if let Some(pw) = c.p.get("password") {
                    entry.password = pw.to_string();
                }
                match kc.users.iter_mut().find(|x| x.name == name) {
                    Some(u) => u.user = entry,
                    None => kc.users.push(NamedUser {
                        name: name.clone(),
                        user: entry,
                    }),
                }
                self.print(&format!("User \"{name}\" set."));
            }
            "set-cluster" => {
                let Some(name) = args.first().cloned().filter(|n| !n.is_empty()) else {
                    return self.err("error: Unexpected args: []");
                };
                let embed = matches!(c.p.get("embed-certs"), Some("true" | "unset"));
                let mut entry = kc.cluster(&name).cloned().unwrap_or_default();
                if let Some(s) = c.p.get("server") {
                    entry.server = s.to_string();
                }
                if let Some(v) = c.p.get("insecure-skip-tls-verify") {
                    entry.insecure_skip_tls_verify = matches!(v, "true" | "unset");
                    // Skipping verification drops the CA kubectl would otherwise check with.
                    if entry.insecure_skip_tls_verify {
                        entry.certificate_authority.clear();
                        entry.certificate_authority_data.clear();
                    }
                }
                if let Some(v) = c.p.get("tls-server-name") {
                    entry.tls_server_name = v.to_string();
                }
                if let Some(v) = c.p.get("proxy-url") {
                    entry.proxy_url = v.to_string();
                }
                if let Some(file) = c.p.get("certificate-authority") {
                    if embed {
                        let Some(text) = self.read_file(file) else {
                            return self.err(&format!(
                                "error: could not stat certificate-authority file {file}: stat {file}: no such file or directory"
                            ));
                        };
                        entry.certificate_authority_data = crate::sim::b64::STANDARD.encode(text);
                        entry.certificate_authority.clear();
                    } else {
                        entry.certificate_authority = file.to_string();
                        entry.certificate_authority_data.clear();
                    }
                }
                match kc.clusters.iter_mut().find(|x| x.name == name) {
                    Some(x) => x.cluster = entry,
                    None => kc.clusters.push(NamedCluster {
                        name: name.clone(),
                        cluster: entry,
                    }),
                }
                self.print(&format!("Cluster \"{name}\" set."));
            }
            "delete-context" | "delete-cluster" | "delete-user" => {
                let what = &sub["delete-".len()..];
                let Some(name) = args.first().cloned() else {
                    return self.err("error: Unexpected args: []");
                };
                let removed = match what {
                    "context" => remove(&mut kc.contexts, |x| x.name == name),
                    "cluster" => remove(&mut kc.clusters, |x| x.name == name),
                    _ => remove(&mut kc.users, |x| x.name == name),
                };
                if !removed {
                    return self.err(&format!(
                        "error: cannot delete {what} {name}, not in {path}"
                    ));
                }
                if what == "context" && kc.current_context == name {
                    self.out.stderr.push_str("warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n");
                }
                self.print(&format!("deleted {what} {name} from {path}"));
            }
            "rename-context" => {
                let [old, new] = args.as_slice() else {
                    return self.err(&format!("error: Unexpected args: {}", go_list(&args)));
                };
                if kc.context(old).is_none() {
                    return self.err(&format!(
                        "error: cannot rename the context \"{old}\", it's not in {path}"
                    ));
                }
                if kc.context(new).is_some() {
                    return self.err(&format!("error: cannot rename the context \"{old}\", the context \"{new}\" already exists in {path}"));
                }
                if let Some(ctx) = kc.contexts.iter_mut().find(|x| &x.name == old) {
                    ctx.name = new.clone();
                }
                if &kc.current_context == old {
                    kc.current_context = new.clone();
                }
                self.print(&format!("Context \"{old}\" renamed to \"{new}\"."));
            }
            "set" | "unset" => {
                let Some(property) = args.first().cloned() else {
                    return self.err("error: Unexpected args: []");
                };
                let value = if sub == "set" {
                    match args.get(1) {
                        Some(v) => Some(v.clone()),
                        None => {
                            return self.err(&format!("error: Unexpected args: {}", go_list(&args)))
                        }
                    }
                } else {
                    None
                };
                if let Err(e) = set_property(&mut kc, &property, value.as_deref()) {
                    return self.err(&e);
                }
                let verb = if sub == "set" { "set" } else { "unset" };
                self.print(&format!("Property \"{property}\" {verb}."));
            }
            other => {
                return self.err(&format!(
                "error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
            ))
            }
        }
        if kc != before {
            if from_file {
                // `--kubeconfig FILE` changes a file the playground keeps read-only.
                self.out.stderr.push_str(&format!(
                    "kubegate: the change to {path} is not kept (workspace files are read-only); edit the workspace's kubeconfig instead\n"
                ));
            } else {
                *self.env.kubeconfig = kc;
            }
        }
    }

    fn read_file(&self, path: &str) -> Option<String> {
        let full = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.env.cwd)
        };
        self.env.files.get(&full).cloned()
    }

    fn config_view(&mut self, c: &Cmd, mut kc: Kubeconfig) {
        if c.p.is("minify") {
            let name =
                c.p.get("context")
                    .map(str::to_string)
                    .unwrap_or_else(|| kc.current_context.clone());
            if name.is_empty() {
                return self.err("error: current-context must exist in order to minify");
            }
            let Some(ctx) = kc.context(&name).cloned() else {
                return self.err(&format!("error: cannot locate context {name}"));
            };
            if kc.cluster(&ctx.cluster).is_none() {
                return self.err(&format!("error: cannot locate cluster {}", ctx.cluster));
            }
            if kc.user(&ctx.user).is_none() {
                return self.err(&format!("error: cannot locate user {}", ctx.user));
            }
            kc.contexts.retain(|x| x.name == name);
            kc.clusters.retain(|x| x.name == ctx.cluster);
            kc.users.retain(|x| x.name == ctx.user);
            kc.current_context = name;
        }
        if c.p.is("flatten") {
            for cl in &mut kc.clusters {
                if !cl.cluster.certificate_authority.is_empty() {
                    let file = cl.cluster.certificate_authority.clone();
                    let Some(text) = self.read_file(&file) else {
                        return self.err(&format!("error: open {file}: no such file or directory"));
                    };
                    cl.cluster.certificate_authority_data = crate::sim::b64::STANDARD.encode(text);
                    cl.cluster.certificate_authority.clear();
                }
            }
            for u in &mut kc.users {
                for data in [true, false] {
                    let file = if data {
                        u.user.client_certificate.clone()
                    } else {
                        u.user.client_key.clone()
                    };
                    if file.is_empty() {
                        continue;
                    }
                    let Some(text) = self.read_file(&file) else {
                        return self.err(&format!("error: open {file}: no such file or directory"));
                    };
                    let b64 = crate::sim::b64::STANDARD.encode(text);
                    if data {
                        u.user.client_certificate_data = b64;
                        u.user.client_certificate.clear();
                    } else {
                        u.user.client_key_data = b64;
                        u.user.client_key.clear();
                    }
                }
            }
        } else if !c.p.is("raw") {
            redact(&mut kc);
        }
        let v = kc.to_value();
        match c.p.get("output").unwrap_or("yaml") {
            "yaml" => self.print(&yamlout::to_yaml(&v)),
            "json" => self.print(&yamlout::to_json_in_order(&v)),
            other if other.starts_with("jsonpath=") => {
                let template = &other["jsonpath=".len()..];
                match super::jsonpath::render(template, &v) {
                    Ok(text) => self.out.stdout.push_str(&text),
                    Err(e) => self.err(&format!("error: error parsing jsonpath {template}, {e}")),
                }
            }
            other => self.err(&format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,yaml"
            )),
        }
    }

    fn get_contexts(&mut self, c: &Cmd, kc: &Kubeconfig, args: &[String]) {
        let mut rows: Vec<&NamedContext> = kc.contexts.iter().collect();
        crate::sim::sort::by(&mut rows, &|a, b| a.name.cmp(&b.name));
        let mut missing = Vec::new();
        if !args.is_empty() {
            for a in args {
                if !rows.iter().any(|r| &r.name == a) {
                    missing.push(a.clone());
                }
            }
            rows.retain(|r| args.contains(&r.name));
        }
        if c.p.get("output") == Some("name") {
            for r in &rows {
                self.print(&r.name);
            }
        } else {
            let mut table = Vec::new();
            if !c.p.is("no-headers") {
                table.push(
                    ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
                        .map(str::to_string)
                        .to_vec(),
                );
            }
            for r in &rows {
                table.push(vec![
                    if r.name == kc.current_context {
                        "*".into()
                    } else {
                        String::new()
                    },
                    r.name.clone(),
                    r.context.cluster.clone(),
                    r.context.user.clone(),
                    r.context.namespace.clone(),
                ]);
            }
            self.out.stdout.push_str(&printers::tabulate(&table));
        }
        for m in missing {
            self.err(&format!("error: context {m} not found"));
        }
    }
}

fn remove<T>(list: &mut Vec<T>, pred: impl Fn(&T) -> bool) -> bool {
    let before = list.len();
    list.retain(|x| !pred(x));
    list.len() != before
}

/// A Go `%v` of a string slice: `[a b]`.
fn go_list(args: &[String]) -> String {
    format!("[{}]", args.join(" "))
}

/// `kubectl config set|unset PROPERTY [VALUE]` for the properties people use:
/// `current-context`, and `contexts.NAME.{cluster,user,namespace}`,
/// `clusters.NAME.{server,certificate-authority,tls-server-name,insecure-skip-tls-verify}`,
/// `users.NAME.{token,username,password,client-certificate,client-key}`.
fn set_property(kc: &mut Kubeconfig, property: &str, value: Option<&str>) -> Result<(), String> {
    let v = value.unwrap_or("").to_string();
    let parts: Vec<&str> = property.splitn(3, '.').collect();
    match parts.as_slice() {
        ["current-context"] => kc.current_context = v,
        ["contexts", name, field] => {
            if !kc.contexts.iter().any(|x| x.name == *name) {
                if value.is_none() {
                    return Err(format!("error: current map key `{name}` is invalid"));
                }
                kc.contexts.push(NamedContext {
                    name: name.to_string(),
                    context: Context::default(),
                });
            }
            let Some(ctx) = kc.contexts.iter_mut().find(|x| x.name == *name) else {
                return Ok(());
            };
            match *field {
                "cluster" => ctx.context.cluster = v,
                "user" => ctx.context.user = v,
                "namespace" => ctx.context.namespace = v,
                other => return Err(format!("error: unable to locate path {other}")),
            }
        }
        ["clusters", name, field] => {
            if !kc.clusters.iter().any(|x| x.name == *name) {
                if value.is_none() {
                    return Err(format!("error: current map key `{name}` is invalid"));
                }
                kc.clusters.push(NamedCluster {
                    name: name.to_string(),
                    cluster: Cluster::default(),
                });
            }
            let Some(cl) = kc.clusters.iter_mut().find(|x| x.name == *name) else {
                return Ok(());
            };
            match *field {
                "server" => cl.cluster.server = v,
                "certificate-authority" => cl.cluster.certificate_authority = v,
                "certificate-authority-data" => cl.cluster.certificate_authority_data = v,
                "tls-server-name" => cl.cluster.tls_server_name = v,
                "insecure-skip-tls-verify" => cl.cluster.insecure_skip_tls_verify = v == "true",
                other => return Err(format!("error: unable to locate path {other}")),
            }
        }
        ["users", name, field] => {
            if !kc.users.iter().any(|x| x.name == *name) {
                if value.is_none() {
                    return Err(format!("error: current map key `{name}` is invalid"));
                }
                kc.users.push(NamedUser {
                    name: name.to_string(),
                    user: AuthInfo::default(),
                });
            }
            let Some(u) = kc.users.iter_mut().find(|x| x.name == *name) else {
                return Ok(());
            };
            match *field {
                "token" => u.user.token = v,
                "username" => u.user.username = v,
                "password" => u.user.password = v,
                "client-certificate" => u.user.client_certificate = v,
                "client-key" => u.user.client_key = v,
                "client-certificate-data" => u.user.client_certificate_data = v,
                "client-key-data" => u.user.client_key_data = v,
                other => return Err(format!("error: unable to locate path {other}")),
            }
        }
        _ => return Err(format!("error: unable to locate path {property}")),
    }
    Ok(())
}

/// `kubectl config` with no subcommand prints its help to stderr and fails.
const CONFIG_HELP: &str = "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, ${HOME}/.kube/config is used and no merging takes place.

Available Commands:
  current-context   Display the current-context
  delete-cluster    Delete the specified cluster from the kubeconfig
  delete-context    Delete the specified context from the kubeconfig
  delete-user       Delete the specified user from the kubeconfig
  get-clusters      Display clusters defined in the kubeconfig
  get-contexts      Describe one or many contexts
  get-users         Display users defined in the kubeconfig
  rename-context    Rename a context from the kubeconfig file
  set               Set an individual value in a kubeconfig file
  set-cluster       Set a cluster entry in kubeconfig
  set-context       Set a context entry in kubeconfig
  set-credentials   Set a user entry in kubeconfig
  unset             Unset an individual value in a kubeconfig file
  use-context       Set the current-context in a kubeconfig file
  view              Display merged kubeconfig settings or a specified kubeconfig file

Usage:
  kubectl config SUBCOMMAND [options]

Use \"kubectl config <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

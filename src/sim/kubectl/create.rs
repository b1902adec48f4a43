//! `kubectl create <kind> NAME`: the generators that build an object from flags (roles,
//! bindings, service accounts, namespaces, config maps, secrets), as kubectl v1.37 builds them.
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_create/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::args::{flag, Arity, Flag};
use super::{printers, tail, Cmd, Kubectl};
use crate::sim::discovery::{self, ApiResource};

const fn common(extra: &'static [Flag]) -> [&'static [Flag]; 2] {
    [COMMON, extra]
}

const COMMON: &[Flag] = &[
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("save-config", None, Arity::Bool),
    flag("validate", None, Arity::Optional),
    flag("field-manager", None, Arity::Value),
];

const ROLE: &[Flag] = &[
    flag("verb", None, Arity::Value),
    flag("resource", None, Arity::Value),
    flag("resource-name", None, Arity::Value),
    flag("non-resource-url", None, Arity::Value),
    flag("aggregation-rule", None, Arity::Value),
];

const BINDING: &[Flag] = &[
    flag("role", None, Arity::Value),
    flag("clusterrole", None, Arity::Value),
    flag("user", None, Arity::Value),
    flag("group", None, Arity::Value),
    flag("serviceaccount", None, Arity::Value),
];

const DATA: &[Flag] = &[
    flag("from-literal", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("append-hash", None, Arity::Bool),
];

const DEPLOYMENT: &[Flag] = &[
    flag("image", None, Arity::Value),
    flag("replicas", Some('r'), Arity::Value),
    flag("port", None, Arity::Value),
];

const TOKEN: &[Flag] = &[
    flag("audience", None, Arity::Value),
    flag("duration", None, Arity::Value),
    flag("bound-object-kind", None, Arity::Value),
    flag("bound-object-name", None, Arity::Value),
    flag("bound-object-uid", None, Arity::Value),
];

const SERVICE: &[Flag] = &[
    flag("tcp", None, Arity::Value),
    flag("clusterip", None, Arity::Value),
    flag("node-port", None, Arity::Value),
    flag("external-name", None, Arity::Value),
];

/// The generators kubegate models, with the flags each accepts besides the global ones.
pub fn generator(sub: &str, third: &str) -> Option<(&'static str, [&'static [Flag]; 2])> {
    Some(match (sub, third) {
        ("role", _) => ("role", common(ROLE)),
        ("clusterrole", _) => ("clusterrole", common(ROLE)),
        ("rolebinding", _) => ("rolebinding", common(BINDING)),
        ("clusterrolebinding", _) => ("clusterrolebinding", common(BINDING)),
        ("serviceaccount" | "sa", _) => ("serviceaccount", common(&[])),
        ("namespace" | "ns", _) => ("namespace", common(&[])),
        ("configmap" | "cm", _) => ("configmap", common(DATA)),
        ("secret", "generic") => ("secret generic", common(DATA)),
        ("deployment" | "deploy", _) => ("deployment", common(DEPLOYMENT)),
        ("token", _) => ("token", common(TOKEN)),
        ("service" | "svc", "clusterip") => ("service clusterip", common(SERVICE)),
        ("service" | "svc", "nodeport") => ("service nodeport", common(SERVICE)),
        ("service" | "svc", "loadbalancer") => ("service loadbalancer", common(SERVICE)),
        ("service" | "svc", "externalname") => ("service externalname", common(SERVICE)),
        _ => return None,
    })
}

/// The verbs kubectl accepts without a warning in `create role`.
const STANDARD_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
];

/// Verbs that only make sense on certain resources: (verb, group, resources).
const SPECIAL_VERBS: &[(&str, &str, &[&str])] = &[
    ("use", "policy", &["podsecuritypolicies"]),
    ("use", "extensions", &["podsecuritypolicies"]),
    (
        "bind",
        "rbac.authorization.k8s.io",
        &["roles", "clusterroles"],
    ),
    (
        "escalate",
        "rbac.authorization.k8s.io",
        &["roles", "clusterroles"],
    ),
    ("impersonate", "", &["users", "serviceaccounts", "groups"]),
    (
        "impersonate",
        "authentication.k8s.io",
        &["userextras", "uids"],
    ),
    ("approve", "certificates.k8s.io", &["signers"]),
    ("sign", "certificates.k8s.io", &["signers"]),
];

/// Resources that are not in discovery but RBAC rules may name.
const VIRTUAL: &[(&str, &str)] = &[
    ("users", ""),
    ("groups", ""),
    ("userextras", "authentication.k8s.io"),
    ("uids", "authentication.k8s.io"),
    ("signers", "certificates.k8s.io"),
];

impl Kubectl<'_, '_> {
    /// Runs one generator.
    pub(super) fn create_generated(&mut self, what: &str, c: Cmd) {
        let skip = if what.contains(' ') { 3 } else { 2 };
        // Words after `--` are a container command (create deployment), not names.
        let before_dash = c.p.dash_at.unwrap_or(c.p.args.len());
        let names = tail(&c.p.args[..before_dash], skip);
        if names.len() != 1 {
            return self.err(&format!(
                "error: exactly one NAME is required, got {}\nSee 'kubectl create {what} -h' for help and examples",
                names.len()
            ));
        }
        let name = names[0].clone();
        if what == "token" {
            return self.create_token(&c, &name);
        }
        let explicit_ns = c.p.get("namespace").is_some();
        let built = match what {
            "role" | "clusterrole" => self.build_role(&c, &name, what == "clusterrole"),
            "rolebinding" | "clusterrolebinding" => {
                build_binding(&c, &name, what == "clusterrolebinding")
            }
            "serviceaccount" => Ok(
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}),
            ),
            "namespace" => Ok(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}),
            ),
            "deployment" => build_deployment(&c, &name),
            w if w.starts_with("service ") => build_service(&c, &name, &w["service ".len()..]),
            _ => build_data(&c, &name, what == "secret generic"),
        };
        let mut obj = match built {
            Ok(o) => o,
            Err(e) => return self.err(&e),
        };
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let group = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .and_then(|a| a.rsplit_once('/'))
            .map_or("", |(g, _)| g)
            .to_string();
        let Some(res) = discovery::by_kind(self.minor(), &group, &kind) else {
            return self.err(&format!("error: no matches for kind \"{kind}\""));
        };
        if res.namespaced && explicit_ns {
            obj["metadata"]["namespace"] = json!(c.cfg.namespace);
        }
        self.submit_generated(&c, res, obj);
    }

    /// `kubectl create token SA`: ask the TokenRequest API for a bound token and print it.
    fn create_token(&mut self, c: &Cmd, name: &str) {
        let kind = c.p.get("bound-object-kind").unwrap_or("");
        let bound_name = c.p.get("bound-object-name").unwrap_or("");
        if !kind.is_empty() && !matches!(kind, "Node" | "Pod" | "Secret") {
            return self.err("error: supported --bound-object-kind values are Node, Pod, Secret");
        }
        if kind.is_empty() && !bound_name.is_empty() {
            return self.err(
                "error: --bound-object-name can only be set if --bound-object-kind is provided",
            );
        }
        if !kind.is_empty() && bound_name.is_empty() {
            return self
                .err("error: --bound-object-name is required if --bound-object-kind is provided");
        }
        let seconds = match c.p.get("duration") {
            None => 0,
            Some(d) => match parse_go_duration(d) {
                Some(ns) if ns < 0 => {
                    return self.err("error: --duration must be greater than or equal to 0")
                }
                Some(ns) if ns % 1_000_000_000 != 0 => {
                    return self.err("error: --duration cannot be expressed in units less than seconds")
                }
                Some(ns) => ns / 1_000_000_000,
                None => {
                    return self.err(&format!(
                        "error: invalid argument \"{d}\" for \"--duration\" flag: time: invalid duration \"{d}\"\nSee 'kubectl create token --help' for usage."
                    ))
                }
            },
        };
        let mut spec = Map::new();
        let audiences = c.p.values("audience");
        if !audiences.is_empty() {
            spec.insert("audiences".into(), json!(audiences));
        }
        if seconds > 0 {
            spec.insert("expirationSeconds".into(), json!(seconds));
        }
        if !kind.is_empty() {
            let api_version = if kind == "Pod" || kind == "Secret" || kind == "Node" {
                "v1"
            } else {
                ""
            };
            let mut r = Map::new();
            r.insert("kind".into(), json!(kind));
            r.insert("apiVersion".into(), json!(api_version));
            r.insert("name".into(), json!(bound_name));
            if let Some(uid) = c.p.get("bound-object-uid").filter(|u| !u.is_empty()) {
                r.insert("uid".into(), json!(uid));
            }
            spec.insert("boundObjectRef".into(), Value::Object(r));
        }
        let body = json!({"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null}, "spec": spec, "status": {"token": "", "expirationTimestamp": null}});
        let Some(res) = discovery::by_resource(self.minor(), "", "serviceaccounts") else {
            return;
        };
        let url = format!(
            "{}/token",
            Self::url(res, Some(c.cfg.namespace.as_str()), Some(name))
        );
        match self.send(&c.cfg, "POST", &url, Some(&body)) {
            Ok((200 | 201, review)) => {
                let output = c.p.get("output").unwrap_or("");
                if !self.print_object(output, &review) {
                    let token = review
                        .ptr("/status/token")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    self.print(&token);
                }
            }
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    /// `kubectl expose`: like a generated object, but "exposed" instead of "created".
    pub(super) fn submit_exposed(&mut self, c: &Cmd, res: &'static ApiResource, obj: Value) {
        self.submit_with_verb(c, res, obj, "exposed")
    }

    /// Sends (or, with `--dry-run=client`, only prints) a generated object.
    fn submit_generated(&mut self, c: &Cmd, res: &'static ApiResource, obj: Value) {
        self.submit_with_verb(c, res, obj, "created")
    }

    fn submit_with_verb(&mut self, c: &Cmd, res: &'static ApiResource, obj: Value, verb: &str) {
        let name = obj
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let shown = format!("{}/{name}", printers::kind_group(res));
        let output = c.p.get("output").unwrap_or("").to_string();
        let dry = c.p.get("dry-run").unwrap_or("none").to_string();
        let print = |k: &mut Self, o: &Value, suffix: &str, built: bool| {
            let printed = if built {
                k.print_built(&output, o)
            } else {
                k.print_object(&output, o)
            };
            if !printed {
                match output.as_str() {
                    "name" => k.print(&shown),
                    _ => k.print(&format!("{shown} {verb}{suffix}")),
                }
            }
        };
        match dry.as_str() {
            "client" => return print(self, &obj, " (dry run)", true),
            "none" | "server" => {}
            "unset" => {
                return self.err("error: --dry-run flag without a value was specified. A value must be set: \"none\", \"server\", or \"client\".")
            }
            other => {
                return self.err(&format!(
                    "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
                ))
            }
        }
        let ns = if res.namespaced {
            Some(c.cfg.namespace.as_str())
        } else {
            None
        };
        let url = format!(
            "{}{}",
            Self::url(res, ns, None),
            super::write_query(dry == "server", "kubectl-create", true)
        );
        if c.cfg.server.is_empty() && !matches!(res.name, "namespaces" | "roles" | "clusterroles") {
            // The generators wrap the client's error (create namespace does not).
            let what = if verb == "exposed" {
                "service".to_string()
            } else {
                res.kind.to_lowercase()
            };
            return self.err(&format!(
                "error: failed to create {what}: Post \"http://localhost:8080{url}\": dial tcp 127.0.0.1:8080: connect: connection refused"
            ));
        }
        match self.send(&c.cfg, "POST", &url, Some(&obj)) {
            Ok((200 | 201, stored)) => {
                let suffix = if dry == "server" {
                    " (server dry run)"
                } else {
                    ""
                };
                print(self, &stored, suffix, false)
            }
            Ok((_, status)) => self.err(&printers::error_text(&status)),
            Err(e) => self.err(&e),
        }
    }

    fn build_role(&mut self, c: &Cmd, name: &str, cluster: bool) -> Result<Value, String> {
        let kind = if cluster { "ClusterRole" } else { "Role" };
        let mut meta = Map::new();
        meta.insert("name".into(), json!(name));
        let aggregation = if cluster {
            c.p.get("aggregation-rule")
        } else {
            None
        };
        if let Some(rule) = aggregation {
            let mut labels = Map::new();
            for pair in rule.split(',').filter(|p| !p.is_empty()) {
                let Some((k, v)) = pair.split_once('=') else {
                    return Err(format!("error: invalid argument \"{rule}\" for \"--aggregation-rule\" flag: {pair} must be formatted as key=value"));
                };
                labels.insert(k.to_string(), json!(v));
            }
            return Ok(
                json!({"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": labels}]},
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": null}),
            );
        }
        let verbs = c.p.all("verb");
        let resources = c.p.all("resource");
        let names = c.p.all("resource-name");
        let urls = if cluster {
            c.p.all("non-resource-url")
        } else {
            Vec::new()
        };
        if verbs.is_empty() {
            return Err("error: at least one verb must be specified".into());
        }
        if resources.is_empty() && urls.is_empty() {
            return Err(if cluster {
                "error: one of resource or nonResourceURL must be specified".into()
            } else {
                "error: at least one resource must be specified".into()
            });
        }
        if !resources.is_empty() {
            for v in &verbs {
                if !STANDARD_VERBS.contains(&v.as_str()) {
                    self.out
                        .stderr
                        .push_str(&format!("Warning: '{v}' is not a standard resource verb\n"));
                }
            }
        }
        // A ClusterRole's non-resource URLs take HTTP verbs only, and a `*` only at the end
        // (kubectl's own check, before any request).
        if !urls.is_empty() {
            const HTTP_VERBS: [&str; 8] = [
                "*", "get", "post", "put", "delete", "patch", "head", "options",
            ];
            if let Some(v) = verbs.iter().find(|v| !HTTP_VERBS.contains(&v.as_str())) {
                return Err(format!("error: invalid verb: '{v}' for nonResourceURL"));
            }
            for u in urls.iter().filter(|u| u.as_str() != "*") {
                if !u.starts_with('/') {
                    return Err("error: nonResourceURL should start with /".into());
                }
                if u[..u.len() - 1].contains('*') {
                    return Err(
                        "error: nonResourceURL only supports wildcard matches when '*' is at the end"
                            .into(),
                    );
                }
            }
        }
        // Resolve each resource (with optional .group and /subresource) and group the
        // resources by API group, in the order the groups first appear.
        let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
        for r in &resources {
            let (main, sub) = match r.split_once('/') {
                Some((m, s)) => (m.to_string(), Some(s.to_string())),
                None => (r.clone(), None),
            };
            let (plural, group) = if main == "*" {
                ("*".to_string(), String::new())
            } else if let Some((res, g)) = VIRTUAL.iter().find(|(res, _)| *res == main) {
                (res.to_string(), g.to_string())
            } else {
                match discovery::resolve(self.minor(), &main) {
                    Some(found) => (found.name.to_string(), found.group.to_string()),
                    None => {
                        return Err(match main.split_once('.') {
                            Some((res, g)) => format!(
                            "the server doesn't have a resource type \"{res}\" in group \"{g}\""
                        ),
                            None => format!("the server doesn't have a resource type \"{main}\""),
                        })
                    }
                }
            };
            for v in &verbs {
                if let Some(allowed) = SPECIAL_VERBS
                    .iter()
                    .filter(|(sv, _, _)| sv == v)
                    .find(|(_, g, list)| *g == group && list.contains(&plural.as_str()))
                {
                    let _ = allowed;
                } else if SPECIAL_VERBS.iter().any(|(sv, _, _)| sv == v) && plural != "*" {
                    return Err(format!(
                        "error: can not perform '{v}' on '{plural}' in group '{group}'"
                    ));
                }
            }
            let full = match &sub {
                Some(s) => format!("{plural}/{s}"),
                None => plural.clone(),
            };
            match by_group.iter_mut().find(|(g, _)| *g == group) {
                Some((_, list)) => {
                    if !list.contains(&full) {
                        list.push(full)
                    }
                }
                None => by_group.push((group, vec![full])),
            }
        }
        let mut rules: Vec<Value> = by_group
            .into_iter()
            .map(|(group, list)| {
                let mut rule = Map::new();
                rule.insert("apiGroups".into(), json!([group]));
                if !names.is_empty() {
                    rule.insert("resourceNames".into(), json!(names));
                }
                rule.insert("resources".into(), json!(list));
                rule.insert("verbs".into(), json!(verbs));
                Value::Object(rule)
            })
            .collect();
        if !urls.is_empty() {
            rules.push(json!({"nonResourceURLs": urls, "verbs": verbs}));
        }
        Ok(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": rules}),
        )
    }
}

/// `kubectl create deployment NAME --image=… [--replicas] [--port] [-- COMMAND…]`.
fn build_deployment(c: &Cmd, name: &str) -> Result<Value, String> {
    let images = c.p.values("image");
    if images.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    let replicas: i64 = match c.p.get("replicas") {
        None => 1,
        Some(r) => r.parse().map_err(|_| {
            format!("error: invalid argument \"{r}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?,
    };
    let command: Vec<String> =
        c.p.dash_at
            .map(|d| c.p.args[d..].to_vec())
            .unwrap_or_default();
    let mut containers = Vec::new();
    for image in &images {
        // The container is named after the image: no registry, tag or digest.
        let base = image.rsplit('/').next().unwrap_or(image);
        let base = base.split(':').next().unwrap_or(base);
        let base = base.split('@').next().unwrap_or(base);
        // kubectl also appends a random suffix when it has to replace `.` or `_`; a fixed one
        // keeps the simulation reproducible.
        let name = if base.contains(['.', '_']) {
            format!("{}-x7k2p", base.replace(['.', '_'], "-"))
        } else {
            base.to_string()
        };
        let mut ctr = Map::new();
        if !command.is_empty() {
            ctr.insert("command".into(), json!(command));
        }
        ctr.insert("image".into(), json!(image));
        ctr.insert("name".into(), json!(name));
        ctr.insert("resources".into(), json!({}));
        containers.push(Value::Object(ctr));
    }
    if let Some(port) = c.p.get("port") {
        let port: i64 = port.parse().map_err(|_| {
            format!("error: invalid argument \"{port}\" for \"--port\" flag: strconv.ParseInt: parsing \"{port}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?;
        if port >= 0 {
            containers[0]["ports"] = json!([{"containerPort": port}]);
        }
    }
    Ok(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "strategy": {},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}},
        "status": {},
    }))
}

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME …`.
fn build_service(c: &Cmd, name: &str, kind: &str) -> Result<Value, String> {
    let type_name = match kind {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    let tcp = c.p.all("tcp");
    let headless = c.p.get("clusterip") == Some("None");
    if kind == "externalname" {
        if c.p.get("external-name").is_none_or(str::is_empty) {
            return Err("error: external-name must be specified".into());
        }
    } else if tcp.is_empty() && !headless {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port: Option<i64> = c.p.get("node-port").and_then(|n| n.parse().ok());
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
        let port_num: i64 = port
            .parse()
            .map_err(|_| format!("error: strconv.Atoi: parsing \"{port}\": invalid syntax"))?;
        let name = if port == target {
            port.to_string()
        } else {
            format!("{port}-{target}")
        };
        let target_value = match target.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => json!(target),
        };
        let mut p = Map::new();
        p.insert("name".into(), json!(name));
        if let Some(np) = node_port.filter(|_| kind == "nodeport") {
            p.insert("nodePort".into(), json!(np));
        }
        p.insert("port".into(), json!(port_num));
        p.insert("protocol".into(), json!("TCP"));
        p.insert("targetPort".into(), target_value);
        ports.push(Value::Object(p));
    }
    let mut spec = Map::new();
    if let Some(ip) = c.p.get("clusterip").filter(|ip| !ip.is_empty()) {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if kind == "externalname" {
        spec.insert("externalName".into(), json!(c.p.get("external-name")));
    }
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), json!({"app": name}));
    spec.insert("type".into(), json!(type_name));
    Ok(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": spec,
        "status": {"loadBalancer": {}},
    }))
}

fn build_binding(c: &Cmd, name: &str, cluster: bool) -> Result<Value, String> {
    let role = c.p.get("role");
    let cluster_role = c.p.get("clusterrole");
    let role_ref = match (cluster, role, cluster_role) {
        (true, _, Some(cr)) => {
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cr})
        }
        (true, _, None) => return Err("error: required flag(s) \"clusterrole\" not set".into()),
        (false, Some(r), None) => {
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": r})
        }
        (false, None, Some(cr)) => {
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cr})
        }
        (false, _, _) => {
            return Err("error: exactly one of clusterrole or role must be specified".into())
        }
    };
    let mut subjects = Vec::new();
    for u in c.p.values("user") {
        subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u}));
    }
    for g in c.p.values("group") {
        subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}));
    }
    for sa in c.p.values("serviceaccount") {
        let Some((ns, n)) = sa
            .split_once(':')
            .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains(':'))
        else {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        };
        subjects.push(json!({"kind": "ServiceAccount", "name": n, "namespace": ns}));
    }
    let kind = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let mut obj = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": name}, "roleRef": role_ref});
    if !subjects.is_empty() {
        obj["subjects"] = Value::Array(subjects);
    }
    Ok(obj)
}

fn build_data(c: &Cmd, name: &str, secret: bool) -> Result<Value, String> {
    let mut data = Map::new();
    for lit in c.p.values("from-literal") {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(format!(
                "error: invalid literal source {lit}, expected key=value"
            ));
        };
        let v = if secret {
            crate::sim::b64::STANDARD.encode(v.as_bytes())
        } else {
            v.to_string()
        };
        data.insert(k.to_string(), json!(v));
    }
    let mut obj = if secret {
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}})
    } else {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
    };
    if !data.is_empty() {
        obj["data"] = Value::Object(data);
    }
    if secret {
        if let Some(t) = c.p.get("type") {
            obj["type"] = json!(t);
        }
    }
    Ok(obj)
}

/// A Go `time.ParseDuration` in nanoseconds (`1h30m`, `90s`, `-1s`, `1.5s`); `None` if invalid.
pub fn parse_go_duration(text: &str) -> Option<i128> {
    let (neg, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * unit;
    }
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

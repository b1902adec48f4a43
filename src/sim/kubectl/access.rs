//! Two well-known kubectl plugins, answered by kubegate's own authorizer chain:
//! `kubectl who-can VERB RESOURCE [NAME]` (after aquasecurity/kubectl-who-can, which reads only
//! RBAC; here every mode answers) and `kubectl access-matrix` (after rakkess: what one subject
//! may do to every resource).

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::args::{flag, Arity, Flag};
use super::{printers, tail, Cmd, Kubectl};
use crate::sim::authn::UserInfo;
use crate::sim::authz::{access, Attributes};
use crate::sim::discovery;

/// Flags of `kubectl who-can`.
pub const WHO_CAN: &[Flag] = &[
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("subresource", None, Arity::Value),
];

/// Flags of `kubectl access-matrix`.
pub const ACCESS_MATRIX: &[Flag] = &[flag("verbs", None, Arity::Value)];

impl Kubectl<'_, '_> {
    /// The plugin reads the bindings first, as kubectl-who-can does: the caller needs to be
    /// allowed to list them.
    fn may_list_bindings(&mut self, c: &Cmd, namespace: &str) -> bool {
        let mut urls = vec!["/apis/rbac.authorization.k8s.io/v1/clusterrolebindings".to_string()];
        if !namespace.is_empty() {
            urls.push(format!(
                "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings"
            ));
        }
        for url in urls {
            match self.send(&c.cfg, "GET", &url, None) {
                Ok((200, _)) => {}
                Ok((_, status)) => {
                    let text = printers::error_text(&status);
                    let message = text.split_once("): ").map_or(text.as_str(), |(_, m)| m);
                    self.err(&format!("Error: listing bindings: {message}"));
                    return false;
                }
                Err(e) => {
                    self.err(&e);
                    return false;
                }
            }
        }
        true
    }

    pub(super) fn who_can(&mut self, c: Cmd) {
        let args: Vec<String> = tail(&c.p.args, 1).to_vec();
        if args.len() < 2 {
            return self.err("Error: you must specify two or three arguments: verb, resource, and optional resourceName\nUsage: kubectl who-can VERB (TYPE | TYPE/NAME | NONRESOURCEURL) [NAME] [flags]");
        }
        let verb = args[0].clone();
        let namespace = if c.p.is("all-namespaces") {
            String::new()
        } else {
            c.cfg.namespace.clone()
        };
        let mut question = Attributes {
            verb: verb.clone(),
            ..Default::default()
        };
        let described;
        if args[1].starts_with('/') {
            question.path = args[1].clone();
            described = format!("{verb} {}", args[1]);
        } else {
            let (typed, name) = match args[1].split_once('/') {
                Some((t, n)) => (t.to_string(), n.to_string()),
                None => (args[1].clone(), args.get(2).cloned().unwrap_or_default()),
            };
            let Some(res) = discovery::resolve(self.minor(), &typed) else {
                return self.err(&format!(
                    "Error: resolving resource: the server doesn't have a resource type \"{typed}\""
                ));
            };
            question.resource_request = true;
            question.api_group = res.group.into();
            question.api_version = res.version.into();
            question.resource = res.name.into();
            question.subresource = c.p.get("subresource").unwrap_or("").to_string();
            question.name = name.clone();
            question.namespace = if res.namespaced {
                namespace.clone()
            } else {
                String::new()
            };
            let mut what = res.name.to_string();
            if !question.subresource.is_empty() {
                what = format!("{what}/{}", question.subresource);
            }
            if !name.is_empty() {
                what = format!("{what} {name:?}");
            }
            described = if !res.namespaced {
                format!("{verb} {what} (cluster-scoped)")
            } else if question.namespace.is_empty() {
                format!("{verb} {what} in all namespaces")
            } else {
                format!("{verb} {what} in namespace {:?}", question.namespace)
            };
        }
        if !self.may_list_bindings(&c, &question.namespace) {
            return;
        }
        let cluster = &*self.env.cluster;
        let rows = access::who_can(&cluster.authz, &cluster.store, &question);
        let modes: Vec<&str> = cluster.authz.modes.iter().map(|m| m.name()).collect();
        let mut text = format!(
            "Subjects who may {described}, by --authorization-mode={}:\n",
            modes.join(",")
        );
        if rows.is_empty() {
            text.push_str("No subjects found.\n");
        } else {
            let mut table = vec![["SUBJECT", "TYPE", "SA-NAMESPACE", "AUTHORIZER", "REASON"]
                .map(String::from)
                .to_vec()];
            for r in &rows {
                table.push(vec![
                    r.subject.name.clone(),
                    r.subject.kind.clone(),
                    r.subject.namespace.clone(),
                    r.plugin.clone(),
                    r.reason.clone(),
                ]);
            }
            text.push_str(&printers::tabulate(&table));
        }
        text.push_str("Members of these groups may too; every authenticated user is in system:authenticated.\n");
        self.out.stdout.push_str(&text);
    }

    pub(super) fn access_matrix(&mut self, c: Cmd) {
        // Who is asking: the API server's own answer (a SelfSubjectReview).
        let body = json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {}, "status": {}});
        let user = match self.send(
            &c.cfg,
            "POST",
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            Some(&body),
        ) {
            Ok((201 | 200, review)) => {
                let info = review
                    .ptr("/status/userInfo")
                    .cloned()
                    .unwrap_or(Value::Null);
                let strings = |k: &str| crate::sim::store::string_list(&info, k);
                UserInfo {
                    username: info
                        .get("username")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    uid: info
                        .get("uid")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    groups: strings("groups"),
                    extra: info
                        .get("extra")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| {
                                    let vals = v
                                        .as_array()
                                        .map(|a| {
                                            a.iter()
                                                .filter_map(|x| x.as_str().map(str::to_string))
                                                .collect()
                                        })
                                        .unwrap_or_default();
                                    (k.clone(), vals)
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            }
            Ok((_, status)) => return self.err(&printers::error_text(&status)),
            Err(e) => return self.err(&e),
        };
        let verbs: Vec<String> = match c.p.get("verbs") {
            Some(v) => v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => access::MATRIX_VERBS.iter().map(|v| v.to_string()).collect(),
        };
        // Without -n rakkess asks about every namespace at once; kubectl's -n (or the context's
        // namespace, when set explicitly) narrows it to namespaced resources there.
        let namespace = if c.p.get("namespace").is_some() {
            c.cfg.namespace.clone()
        } else {
            String::new()
        };
        let cluster = &*self.env.cluster;
        let rows = access::access_matrix(&cluster.authz, &cluster.store, &user, &namespace, &verbs);
        let mut table = vec![std::iter::once("NAME".to_string())
            .chain(verbs.iter().map(|v| v.to_uppercase()))
            .collect::<Vec<_>>()];
        for (name, cells) in rows {
            let mut row = vec![name];
            row.extend(cells.iter().map(|c| match c {
                None => String::new(),
                Some(true) => "✔".to_string(),
                Some(false) => "✖".to_string(),
            }));
            table.push(row);
        }
        let scope = if namespace.is_empty() {
            "in all namespaces".to_string()
        } else {
            format!("in namespace {namespace:?}")
        };
        self.out.stdout.push_str(&format!(
            "Access of {:?} (groups {}) {scope}; ✔ allowed, ✖ refused, blank: the resource has no such verb.\n",
            user.username,
            user.groups.join(", ")
        ));
        for line in printers::tabulate(&table).lines() {
            self.out.stdout.push_str(line.trim_end());
            self.out.stdout.push('\n');
        }
    }
}

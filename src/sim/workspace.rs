//! The workspace: one multi-document YAML stream holding kubeconfigs, at most one ControlPlane
//! and Kubernetes objects. Every error and warning points at its line and column.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::controlplane::{self, ControlPlane};
use super::discovery;
use super::kubeconfig::{self, Kubeconfig};
use super::schema;
use super::yaml::{self, Node, NodeKind, Pos};

/// The API version of kubegate's own documents.
pub const KUBEGATE_API_VERSION: &str = "kubegate.dev/v1alpha1";

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The workspace cannot be used.
    Error,
    /// The workspace works, but something was ignored.
    Warning,
}

/// An error or warning about the workspace text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    pub pos: Pos,
    /// What, lower-case, no trailing period.
    pub message: String,
}

impl Diagnostic {
    fn error(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pos,
            message: message.into(),
        }
    }
    fn warning(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            pos,
            message: message.into(),
        }
    }

    /// `FILE:LINE:COLUMN: message`, as the CLI prints it.
    pub fn render(&self, file: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        format!(
            "{file}:{}:{}: {sev}{}",
            self.pos.line, self.pos.column, self.message
        )
    }
}

/// A Kubernetes object from the workspace, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceObject {
    /// The object as JSON.
    pub value: Value,
    /// API group.
    pub group: String,
    /// Resource (plural).
    pub resource: String,
    /// Whether it is namespaced.
    pub namespaced: bool,
    /// Where its document starts.
    pub pos: Pos,
}

/// A parsed workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    /// The merged kubeconfig (kubeadm's admin.conf when the workspace has none).
    pub kubeconfig: Kubeconfig,
    /// The control plane.
    pub control_plane: ControlPlane,
    /// The cluster's objects at the start.
    pub objects: Vec<SourceObject>,
    /// Simulated webhook servers (kind `WebhookServer`).
    pub webhook_servers: Vec<super::webhooks::WebhookServer>,
}

/// The result of parsing: the workspace when there was no error, and every diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The workspace, unless an error made it unusable.
    pub workspace: Option<Workspace>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

fn str_field<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

/// Splits `apiVersion` into group and version.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// Parses a workspace.
pub fn parse(text: &str) -> Parsed {
    let mut diags = Vec::new();
    if text.len() > super::limits::MAX_WORKSPACE_BYTES {
        return Parsed {
            workspace: None,
            diagnostics: vec![Diagnostic::error(
                Pos { line: 1, column: 1 },
                format!(
                    "the workspace is {} bytes: kubegate reads at most {} bytes ({} MiB)",
                    text.len(),
                    super::limits::MAX_WORKSPACE_BYTES,
                    super::limits::MAX_WORKSPACE_BYTES >> 20
                ),
            )],
        };
    }
    let docs = match yaml::parse_stream(text) {
        Ok(d) => d,
        Err(e) => {
            return Parsed {
                workspace: None,
                diagnostics: vec![Diagnostic::error(e.pos, e.message)],
            }
        }
    };

    // The control plane first: the version decides which kinds exist.
    let mut control_plane: Option<(ControlPlane, Pos)> = None;
    for doc in docs.iter().filter(|d| !d.empty) {
        if str_field(&doc.root, "kind") == Some("ControlPlane")
            && str_field(&doc.root, "apiVersion") == Some(KUBEGATE_API_VERSION)
        {
            if let Some((_, first)) = &control_plane {
                diags.push(Diagnostic::error(
                    doc.root.pos,
                    format!(
                        "a workspace holds at most one ControlPlane (the first is at line {})",
                        first.line
                    ),
                ));
                continue;
            }
            let mut findings = Vec::new();
            schema::check(&doc.root, controlplane::SCHEMA, "", &mut findings);
            push_findings(&mut diags, findings);
            let (cp, problems) = ControlPlane::from_node(&doc.root);
            for p in problems {
                diags.push(if p.error {
                    Diagnostic::error(p.pos, p.message)
                } else {
                    Diagnostic::warning(p.pos, p.message)
                });
            }
            control_plane = Some((cp, doc.root.pos));
        }
    }
    let control_plane = control_plane.map(|(c, _)| c).unwrap_or_default();

    let mut kubeconfig: Option<Kubeconfig> = None;
    let mut objects = Vec::new();
    let mut webhook_servers = Vec::new();
    let minor = control_plane.minor;
    // Documents are taken apart one at a time, so a large workspace is not held twice.
    let items = docs
        .into_iter()
        .filter(|d| !d.empty)
        .flat_map(|d| flatten_lists(d.root, minor));
    for item in items {
        let owned = match item {
            Ok(r) => r,
            Err((pos, ListError::Nested)) => {
                diags.push(Diagnostic::error(
                    pos,
                    "a list inside a list: kubectl does not read these (put the items in the outer list)",
                ));
                continue;
            }
            Err((pos, e)) => {
                diags.push(Diagnostic::error(pos, e.to_string()));
                continue;
            }
        };
        let root = &owned;
        if !matches!(root.kind, NodeKind::Map(_)) {
            diags.push(Diagnostic::error(
                root.pos,
                format!("a document must be an object, not {}", root.type_name()),
            ));
            continue;
        }
        let api_version = str_field(root, "apiVersion").unwrap_or("");
        let Some(kind) = str_field(root, "kind").filter(|k| !k.is_empty()) else {
            diags.push(Diagnostic::error(root.pos, "Object 'Kind' is missing"));
            continue;
        };
        if api_version.is_empty() {
            diags.push(Diagnostic::error(
                root.pos,
                "Object 'apiVersion' is missing",
            ));
            continue;
        }
        if api_version == KUBEGATE_API_VERSION {
            match kind {
                "ControlPlane" => {}
                "WebhookServer" => {
                    let mut findings = Vec::new();
                    schema::check(root, super::webhooks::SCHEMA, "", &mut findings);
                    let had_error = findings.iter().any(|f| f.error);
                    push_findings(&mut diags, findings);
                    if !had_error {
                        match super::webhooks::WebhookServer::from_node(root) {
                            Ok(server) => webhook_servers.push(server),
                            Err((pos, message)) => diags.push(Diagnostic::error(pos, message)),
                        }
                    }
                }
                _ => diags.push(Diagnostic::error(
                    root.get("kind").map_or(root.pos, |n| n.pos),
                    format!("unknown kubegate kind \"{kind}\": use ControlPlane or WebhookServer"),
                )),
            }
            continue;
        }
        if kind == "Config" && api_version == "v1" {
            let mut findings = Vec::new();
            schema::check(root, kubeconfig::SCHEMA, "", &mut findings);
            let had_error = findings.iter().any(|f| f.error);
            push_findings(&mut diags, findings);
            if had_error {
                continue;
            }
            // Certificates and keys that are not base64 make kubectl refuse the whole file.
            for (list, inner, fields) in [
                ("clusters", "cluster", &["certificate-authority-data"][..]),
                (
                    "users",
                    "user",
                    &["client-certificate-data", "client-key-data"][..],
                ),
            ] {
                let Some(yaml::NodeKind::Seq(items)) = root.get(list).map(|l| &l.kind) else {
                    continue;
                };
                for item in items {
                    for field in fields {
                        let Some(node) = item.get(inner).and_then(|i| i.get(field)) else {
                            continue;
                        };
                        let text = node.as_str().unwrap_or("");
                        if let Err(e) = crate::sim::b64::go_std_decode(text.as_bytes()) {
                            diags.push(Diagnostic::warning(
                                node.pos,
                                format!("{field} is not base64 ({e}): kubectl refuses to load this kubeconfig"),
                            ));
                        }
                    }
                }
            }
            // Credential plugins are shown but cannot run here: say so where they are.
            if let Some(yaml::NodeKind::Seq(users)) = root.get("users").map(|u| &u.kind) {
                for u in users {
                    let name = u.get("name").and_then(yaml::Node::as_str).unwrap_or("");
                    let Some(user) = u.get("user") else { continue };
                    if let Some(exec) = user.get("exec") {
                        let command = exec
                            .get("command")
                            .and_then(yaml::Node::as_str)
                            .unwrap_or("?");
                        diags.push(Diagnostic {
                            severity: Severity::Warning,
                            pos: exec.pos,
                            message: format!("user {name:?} gets its credentials from the program {command:?}: the playground runs no external programs, so kubectl fails as if it were not installed"),
                        });
                    }
                    if let Some(ap) = user.get("auth-provider") {
                        diags.push(Diagnostic {
                            severity: Severity::Warning,
                            pos: ap.pos,
                            message: format!("user {name:?} uses an auth-provider plugin: kubectl 1.37 has none built in (gcp and azure were removed in v1.26), so it fails"),
                        });
                    }
                }
            }
            match kubeconfig::from_json(root.to_json()) {
                Ok(cfg) => match &mut kubeconfig {
                    Some(k) => k.merge(cfg),
                    None => kubeconfig = Some(cfg),
                },
                Err(e) => diags.push(Diagnostic::error(
                    root.pos,
                    format!("invalid kubeconfig: {e}"),
                )),
            }
            continue;
        }
        let (group, version) = split_api_version(api_version);
        let Some(res) = discovery::by_kind(control_plane.minor, group, kind)
            .filter(|r| r.version == version || serves(control_plane.minor, group, version))
        else {
            diags.push(Diagnostic::error(
                root.get("kind").map_or(root.pos, |n| n.pos),
                format!("no matches for kind \"{kind}\" in version \"{api_version}\""),
            ));
            continue;
        };
        if let Some(s) = schema::for_kind(group, kind) {
            let mut findings = Vec::new();
            schema::check(root, s, "", &mut findings);
            let had_error = findings.iter().any(|f| f.error);
            push_findings(&mut diags, findings);
            if had_error {
                continue;
            }
        }
        if let Some(e) = super::gotypes::check(root, group, version, kind) {
            diags.push(Diagnostic::error(e.pos, e.message));
            continue;
        }
        if group == "admissionregistration.k8s.io" && kind == "ValidatingAdmissionPolicy" {
            policy_diagnostics(root, control_plane.minor, &mut diags);
        }
        let pos = root.pos;
        let metadata_pos = root.get("metadata").map_or(root.pos, |n| n.pos);
        let ns_node = root.get("metadata").and_then(|m| m.get("namespace"));
        let ns_given = ns_node.map(|n| (n.pos, n.as_str().unwrap_or("").to_string()));
        let kind = kind.to_string();
        let mut value = owned.into_json();
        let name = value
            .ptr("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if name.is_empty() {
            diags.push(Diagnostic::error(
                metadata_pos,
                format!("{kind}: metadata.name: Required value: name is required"),
            ));
            continue;
        }
        if value.get("metadata").is_none_or(|m| !m.is_object()) {
            value["metadata"] = serde_json::json!({});
        }
        if res.namespaced {
            if ns_given.as_ref().is_none_or(|(_, ns)| ns.is_empty()) {
                value["metadata"]["namespace"] = Value::String("default".into());
            }
        } else if let Some((ns_pos, _)) = ns_given {
            diags.push(Diagnostic::warning(
                ns_pos,
                format!("{kind} is cluster-scoped: metadata.namespace is ignored"),
            ));
            if let Some(m) = value["metadata"].as_object_mut() {
                m.remove("namespace");
            }
        }
        objects.push(SourceObject {
            value,
            group: res.group.to_string(),
            resource: res.name.to_string(),
            namespaced: res.namespaced,
            pos,
        });
    }

    crate::sim::sort::by_key(&mut diags, &|d| d.pos);
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    let kubeconfig = match kubeconfig {
        Some(k) => k,
        None => default_kubeconfig(&control_plane),
    };
    Parsed {
        workspace: (!failed).then_some(Workspace {
            kubeconfig,
            control_plane,
            objects,
            webhook_servers,
        }),
        diagnostics: diags,
    }
}

/// Why a list document's item could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// The list's own kind is not one the API maps.
    #[error("no matches for kind \"{kind}\" in version \"{api_version}\"")]
    Unmapped {
        /// The list's kind.
        kind: String,
        /// The list's apiVersion.
        api_version: String,
    },
    /// `items` is not a sequence.
    #[error("items must be a list, not {0}")]
    NotAList(&'static str),
    /// A list inside a list (kubectl's create path refuses it with this text).
    #[error("*unstructured.Unstructured is not a list: no Items field in this object")]
    Nested,
}

/// One object out of a document: the document itself, or an item of a list document.
pub type Item = Result<Node, (Pos, ListError)>;

/// A document as kubectl's resource builder reads it: a document with an `items` key (a
/// `kind: List`, a `PodList`, a `kubectl get -o yaml` dump) stands for its items, each with its
/// own position; any other document for itself. The list's own kind must be one the API maps
/// (`List` in any served group/version, `<Kind>List` for a served kind); items of a typed list
/// that name neither kind nor apiVersion take them from the list. Nested lists are refused,
/// as kubectl's create path refuses them.
pub fn flatten_lists(root: Node, minor: u32) -> Vec<Item> {
    if root.get("items").is_none() {
        return vec![Ok(root)];
    }
    let api_version = str_field(&root, "apiVersion").unwrap_or("").to_string();
    let kind = str_field(&root, "kind").unwrap_or("").to_string();
    let (group, version) = split_api_version(&api_version);
    let item_kind = kind.strip_suffix("List").unwrap_or("").to_string();
    let mapped = if kind == "List" {
        serves(minor, group, version)
    } else {
        !item_kind.is_empty()
            && discovery::by_kind(minor, group, &item_kind)
                .is_some_and(|r| r.version == version || serves(minor, group, version))
    };
    if !mapped {
        let pos = root.get("kind").map_or(root.pos, |n| n.pos);
        return vec![Err((pos, ListError::Unmapped { kind, api_version }))];
    }
    let NodeKind::Map(entries) = root.kind else {
        return Vec::new();
    };
    let Some(items) = entries
        .into_iter()
        .find(|(k, _)| k.as_str() == Some("items"))
        .map(|(_, v)| v)
    else {
        return Vec::new();
    };
    let list = match items.kind {
        NodeKind::Seq(list) => list,
        NodeKind::Scalar { text, plain: true }
            if text.is_empty() || text == "null" || text == "~" =>
        {
            Vec::new()
        }
        other => {
            let shown = Node {
                pos: items.pos,
                kind: other,
            }
            .type_name();
            return vec![Err((items.pos, ListError::NotAList(shown)))];
        }
    };
    list.into_iter()
        .map(|mut item| {
            if item.get("items").is_some() {
                return Err((item.pos, ListError::Nested));
            }
            let has_kind = str_field(&item, "kind").is_some_and(|k| !k.is_empty());
            let has_version = str_field(&item, "apiVersion").is_some_and(|v| !v.is_empty());
            if has_kind || has_version || item_kind.is_empty() {
                return Ok(item);
            }
            // A typed list's item: kind and apiVersion come from the list.
            let pos = item.pos;
            if let NodeKind::Map(entries) = &mut item.kind {
                let scalar = |text: &str| Node {
                    pos,
                    kind: NodeKind::Scalar {
                        text: text.to_string(),
                        plain: false,
                    },
                };
                entries.insert(0, (scalar("kind"), scalar(&item_kind)));
                entries.insert(0, (scalar("apiVersion"), scalar(&api_version)));
            }
            Ok(item)
        })
        .collect()
}

/// Whether the group/version is served at this minor version.
fn serves(minor: u32, group: &str, version: &str) -> bool {
    discovery::resources(minor).any(|r| r.group == group && r.version == version)
}

/// The workspace text with its kubeconfig replaced by `cfg` (after `kubectl config` changed
/// it), as kubectl writes a kubeconfig file: the first kubeconfig document is rewritten in
/// place (its leading comments kept), any further ones are folded into it and dropped, and a
/// workspace without one gets one at the top. The other documents are untouched.
pub fn with_kubeconfig(text: &str, cfg: &Kubeconfig) -> String {
    // Documents, each with the separator line that opened it ("" for the first).
    let mut docs: Vec<(String, String)> = vec![(String::new(), String::new())];
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") {
            docs.push((line.to_string(), String::new()));
        } else if let Some(last) = docs.last_mut() {
            last.1.push_str(line);
        }
    }
    let is_kubeconfig = |body: &str| {
        yaml::parse_stream(body).ok().is_some_and(|ds| {
            ds.iter().any(|d| {
                !d.empty
                    && d.root
                        .to_json()
                        .get("kind")
                        .and_then(serde_json::Value::as_str)
                        == Some("Config")
            })
        })
    };
    let new_doc = cfg.to_yaml();
    let mut out = String::new();
    let mut written = false;
    for (sep, body) in &docs {
        if is_kubeconfig(body) {
            if written {
                continue;
            }
            written = true;
            out.push_str(sep);
            let comments: String = body
                .split_inclusive('\n')
                .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                .collect();
            out.push_str(&comments);
            out.push_str(&new_doc);
        } else {
            out.push_str(sep);
            out.push_str(body);
        }
    }
    if !written {
        return format!("{new_doc}---\n{text}");
    }
    out
}

fn default_kubeconfig(cp: &ControlPlane) -> Kubeconfig {
    let text = cp
        .files
        .get("/etc/kubernetes/admin.conf")
        .cloned()
        .unwrap_or_else(controlplane::admin_conf);
    yaml::parse_stream(&text)
        .ok()
        .and_then(|d| d.into_iter().next())
        .and_then(|d| kubeconfig::from_json(d.root.to_json()).ok())
        .unwrap_or_default()
}

fn push_findings(diags: &mut Vec<Diagnostic>, findings: Vec<schema::Finding>) {
    for f in findings {
        diags.push(if f.error {
            Diagnostic::error(f.pos, f.message)
        } else {
            Diagnostic::warning(f.pos, f.message)
        });
    }
}

/// The node at a field path (`spec.validations[0].expression`).
fn node_at<'n>(root: &'n Node, path: &str) -> Option<&'n Node> {
    let mut node = root;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        node = node.get(key)?;
        if let Some(i) = index {
            match &node.kind {
                super::yaml::NodeKind::Seq(items) => node = items.get(i)?,
                _ => return None,
            }
        }
    }
    Some(node)
}

/// Where a byte offset of a scalar's text is in the workspace: exact for a plain or quoted
/// scalar on one line, the scalar's start otherwise.
fn pos_in_scalar(node: &Node, offset: usize) -> Pos {
    match &node.kind {
        super::yaml::NodeKind::Scalar { text, plain } if !text.contains('\n') => {
            let mut cut = offset.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let quote = usize::from(!*plain);
            Pos {
                line: node.pos.line,
                column: node.pos.column + quote + text[..cut].chars().count(),
            }
        }
        _ => node.pos,
    }
}

/// A ValidatingAdmissionPolicy in the workspace: what the API server would refuse in it (each
/// at its field), and the type-check warnings its status controller would write (at the
/// field's place in the expression).
fn policy_diagnostics(root: &Node, minor: u32, diags: &mut Vec<Diagnostic>) {
    let mut value = root.to_json();
    if let Some(res) = discovery::by_kind(
        minor,
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicy",
    ) {
        super::defaults::apply(&mut value, res);
        let (errs, _) = super::validation::validate_write(&value, None, res);
        for e in errs {
            let at = node_at(root, &e.field).map_or(root.pos, |n| n.pos);
            diags.push(Diagnostic::warning(
                at,
                format!("the API server would refuse this policy: {e}"),
            ));
        }
    }
    for w in super::admission::policy::typecheck::warnings(&value, minor) {
        let at = node_at(root, &w.field_ref).map_or(root.pos, |n| pos_in_scalar(n, w.offset));
        let kinds: Vec<String> = w
            .warning
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.is_empty())
            .map(|l| match l.split_once(": ERROR: <input>:") {
                Some((gvk, rest)) => {
                    let msg = rest.split(": ").nth(1).unwrap_or(rest);
                    format!("{gvk}: {msg}")
                }
                None => l.to_string(),
            })
            .collect();
        diags.push(Diagnostic::warning(
            at,
            format!(
                "{} (type check, as status.typeChecking would say): {}",
                w.field_ref,
                kinds.join("; ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_documents_into_kubeconfig_control_plane_and_objects() {
        let p = parse(
            "apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n  context: {cluster: k, user: u}\n---\napiVersion: kubegate.dev/v1alpha1\nkind: ControlPlane\nspec:\n  version: v1.30\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: blue\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: developer\n  namespace: blue\nrules: []\n",
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let w = p.workspace.unwrap();
        assert_eq!(w.kubeconfig.current_context, "dev");
        assert_eq!(w.control_plane.minor, 30);
        assert_eq!(w.objects.len(), 2);
        assert_eq!(w.objects[1].resource, "roles");
        assert_eq!(w.objects[1].pos.line, 18);
    }

    #[test]
    fn defaults_namespace_and_flags_unknown_kinds_and_fields() {
        let p = parse(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    colour: red\n---\napiVersion: v1\nkind: Potato\nmetadata:\n  name: x\n",
        );
        assert_eq!(p.diagnostics.len(), 2, "{:?}", p.diagnostics);
        assert_eq!(p.diagnostics[0].severity, Severity::Warning);
        assert_eq!(
            p.diagnostics[0].render("ws.yaml"),
            "ws.yaml:9:5: warning: unknown field \"spec.containers[0].colour\""
        );
        assert_eq!(
            p.diagnostics[1].render("ws.yaml"),
            "ws.yaml:12:7: no matches for kind \"Potato\" in version \"v1\""
        );
        assert!(p.workspace.is_none());
    }

    #[test]
    fn syntax_errors_stop_everything_with_a_position() {
        let p = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [p\n");
        assert!(p.workspace.is_none());
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].pos.line >= 4);
    }

    #[test]
    fn no_kubeconfig_means_kubeadm_admin_conf() {
        let p = parse("");
        let w = p.workspace.unwrap();
        assert_eq!(w.kubeconfig.current_context, "kubernetes-admin@kubernetes");
        assert!(!w.kubeconfig.users[0]
            .user
            .client_certificate_data
            .is_empty());
    }

    #[test]
    fn kubeconfig_changes_are_written_back_in_place() {
        let text = "# my workspace\napiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: blue\n";
        let parsed = parse(text);
        let Some(ws) = parsed.workspace else {
            panic!("{:?}", parsed.diagnostics)
        };
        let mut cfg = ws.kubeconfig.clone();
        cfg.current_context = "b".into();
        let out = with_kubeconfig(text, &cfg);
        assert!(out.starts_with("# my workspace\napiVersion: v1\n"), "{out}");
        assert!(out.contains("current-context: b\n"), "{out}");
        assert!(out.ends_with("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: blue\n"));
        let again = parse(&out);
        assert_eq!(
            again.workspace.map(|w| w.kubeconfig.current_context),
            Some("b".to_string())
        );
        // No kubeconfig yet: one is added at the top.
        let only_ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: blue\n";
        let out = with_kubeconfig(only_ns, &cfg);
        assert!(out.ends_with(&format!("---\n{only_ns}")));
        assert!(out.contains("kind: Config"));
    }

    #[test]
    fn list_documents_stand_for_their_items() {
        let text = "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: blue\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata:\n    name: r\n    namespace: blue\n  rules: []\n---\napiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p, namespace: blue}\n  spec:\n    containers: [{name: c, image: nginx}]\n";
        let p = parse(text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let w = p.workspace.unwrap();
        let got: Vec<(&str, usize)> = w
            .objects
            .iter()
            .map(|o| (o.resource.as_str(), o.pos.line))
            .collect();
        assert_eq!(got, [("namespaces", 6), ("roles", 10), ("pods", 20)]);
        assert_eq!(w.objects[2].value["kind"], "Pod");
        assert_eq!(w.objects[2].value["apiVersion"], "v1");

        let bad = parse("apiVersion: v1\nkind: FooList\nitems: []\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n- metadata: {name: x}\n---\napiVersion: v1\nkind: List\nitems: 5\n");
        let msgs: Vec<String> = bad.diagnostics.iter().map(|d| d.render("w")).collect();
        assert_eq!(
            msgs,
            [
                "w:2:7: no matches for kind \"FooList\" in version \"v1\"",
                "w:8:3: a list inside a list: kubectl does not read these (put the items in the outer list)",
                "w:11:3: Object 'Kind' is missing",
                "w:15:8: items must be a list, not number",
            ]
        );
    }

    /// A ValidatingAdmissionPolicy's type-check warning at the field's line and column, and
    /// what the API server would refuse in it at its field.
    #[test]
    fn admission_policies_are_checked_where_they_are_written() {
        let text = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: replicas\nspec:\n  matchConstraints:\n    resourceRules:\n    - apiGroups: [\"apps\"]\n      apiVersions: [\"v1\"]\n      operations: [\"CREATE\"]\n      resources: [\"deployments\"]\n  validations:\n  - expression: object.spec.replicaz <= 5\n  - expression: \"6\"\n";
        let parsed = parse(text);
        let found: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.pos, d.message))
            .collect();
        assert!(
            found.iter().any(|d| d
                .starts_with("13:29: spec.validations[0].expression (type check")
                && d.ends_with("apps/v1, Kind=Deployment: undefined field 'replicaz'")),
            "{found:?}"
        );
        assert!(found.iter().any(|d| d.starts_with("14:17: the API server would refuse this policy: spec.validations[1].expression: Invalid value: \"6\": must evaluate to bool but got int")), "{found:?}");
    }
}

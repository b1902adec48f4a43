//! `kubectl describe`: the human-readable descriptions kubectl prints for an object.
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_describe/>.
//!
//! The command works in two phases, as kubectl's resource builder does: first it fetches what
//! the arguments select (one GET per name, or one LIST per type), then it describes each object,
//! which fetches the object again plus whatever the kind's describer needs (events, quotas, the
//! pods on a node, …). Descriptions are built as tab-separated text and aligned by a port of
//! Go's `text/tabwriter` (padding 2), so the output matches kubectl byte for byte.

use crate::sim::ptr::Ptr as _;
use crate::sim::yamlout::go_quote;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::args::{flag, Arity, Flag};
use super::{printers, tail, Cmd, Kubectl};
use crate::sim::clock::{human_duration, parse_rfc3339, Instant};
use crate::sim::discovery::{self, ApiResource};
use crate::sim::kubeconfig::ClientConfig;
use crate::sim::podresources::{self, ResourceList};
use crate::sim::quantity::{QFormat, Quantity, NANO};

/// The flags `kubectl describe` accepts besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("selector", Some('l'), Arity::Value),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("filename", Some('f'), Arity::Value),
    flag("show-events", None, Arity::Bool),
    flag("chunk-size", None, Arity::Value),
];

/// What Go's `url.QueryEscape` escapes (everything but letters, digits and `-_.~`).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes a query parameter value as Go's `url.QueryEscape` does.
fn query_escape(s: &str) -> String {
    utf8_percent_encode(s, QUERY)
        .to_string()
        .replace("%20", "+")
}

/// A failed fetch: kubectl's rendering of the error and whether it is a NotFound.
struct Failure {
    text: String,
    not_found: bool,
}

/// How the describe phase runs: events shown or not, the list chunk size.
#[derive(Clone, Copy)]
struct Settings {
    show_events: bool,
    chunk: i64,
    /// Whether the describer fetches the object again (not for objects read from files).
    refetch: bool,
}

/// One positional argument group: the types and the names (empty: list the types).
enum Selection {
    /// `TYPE[,TYPE...] [NAME...]`.
    Typed(Vec<&'static ApiResource>, Vec<String>),
    /// `TYPE/NAME...`.
    Pairs(Vec<(&'static ApiResource, String)>),
}

impl Kubectl<'_, '_> {
    /// Runs `kubectl describe TYPE [NAME...]`.
    pub(super) fn describe(&mut self, c: Cmd) {
        let args: Vec<String> = tail(&c.p.args, 1).to_vec();
        let files = c.p.values("filename");
        if args.is_empty() && files.is_empty() {
            return self.err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        let chunk = match c.p.get("chunk-size") {
            None => 500,
            Some(v) => match v.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    return self.err(&format!(
                        "error: invalid argument \"{v}\" for \"--chunk-size\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl describe --help' for usage."
                    ))
                }
            },
        };
        let explicit_events = c.p.get("show-events").map(|v| v == "true");
        let all_ns = c.p.is("all-namespaces");
        let selector = super::selector_flag(&c.p, "selector");
        let ns = c.cfg.namespace.clone();

        // Phase one: what the arguments select.
        let mut infos: Vec<(&'static ApiResource, Value)> = Vec::new();
        let mut failures: Vec<Failure> = Vec::new();
        if !files.is_empty() {
            let Some(objects) = self.read_manifests(&c.p) else {
                return;
            };
            if objects.is_empty() && self.out.exit_code == 0 {
                let msg = format!("No resources found in {} namespace.\n", c.cfg.namespace);
                self.out.stderr.push_str(&msg);
                return;
            }
            for (_, obj) in objects {
                let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
                let (group, _) = crate::sim::workspace::split_api_version(api_version);
                let Some(res) = discovery::by_kind(self.minor(), group, kind) else {
                    return self.err(&format!(
                        "error: resource mapping not found for kind \"{kind}\" in version \"{api_version}\""
                    ));
                };
                let name = text(&obj, "/metadata/name").to_string();
                let obj_ns = match text(&obj, "/metadata/namespace") {
                    "" => ns.clone(),
                    n => n.to_string(),
                };
                match self.fetch_checked(&c.cfg, res, &obj_ns, &name, false) {
                    Ok(o) => infos.push((res, o)),
                    Err(f) => failures.push(f),
                }
            }
        } else {
            let selection = match self.select(&args) {
                Ok(s) => s,
                Err(Some(e)) => return self.err(&e),
                Err(None) => return,
            };
            let named = match &selection {
                Selection::Typed(_, names) => !names.is_empty(),
                Selection::Pairs(_) => true,
            };
            if named && all_ns {
                return self
                    .err("error: a resource cannot be retrieved by name across all namespaces");
            }
            if named && selector.is_some() {
                return self.err("error: name cannot be provided when a selector is specified");
            }
            match selection {
                Selection::Pairs(pairs) => {
                    for (res, name) in pairs {
                        match self.fetch(&c.cfg, res, &ns, &name) {
                            Ok(o) => infos.push((res, o)),
                            Err(f) => failures.push(f),
                        }
                    }
                }
                Selection::Typed(types, names) if names.is_empty() => {
                    for res in types {
                        let list_ns = if all_ns { None } else { Some(ns.as_str()) };
                        match self.list(&c.cfg, res, list_ns, selector.as_deref(), chunk) {
                            Ok(items) => infos.extend(items.into_iter().map(|o| (res, o))),
                            Err(f) => failures.push(f),
                        }
                    }
                }
                Selection::Typed(types, names) => {
                    for res in types {
                        for name in &names {
                            match self.fetch(&c.cfg, res, &ns, name) {
                                Ok(o) => infos.push((res, o)),
                                Err(f) => failures.push(f),
                            }
                        }
                    }
                }
            }
        }

        let settings = Settings {
            show_events: explicit_events.unwrap_or(failures.is_empty() && infos.len() <= 1),
            chunk,
            refetch: files.is_empty(),
        };

        // `describe TYPE NAME` with no such object describes the objects whose names start
        // with NAME instead.
        if files.is_empty()
            && args.len() == 2
            && failures.len() == 1
            && failures.first().is_some_and(|f| f.not_found)
        {
            let original = failures.remove(0);
            return self.describe_prefixed(&c.cfg, &args, &ns, settings, original);
        }

        // Phase two: one description per object, separated by two blank lines.
        let mut first = true;
        let mut shown_errors: Vec<String> = Vec::new();
        for (res, obj) in &infos {
            match self.describe_one(&c.cfg, res, obj, settings) {
                Ok(text) => {
                    if !first {
                        self.out.stdout.push_str("\n\n");
                    }
                    first = false;
                    self.out.stdout.push_str(&text);
                }
                Err(e) => {
                    if !shown_errors.contains(&e) {
                        shown_errors.push(e);
                    }
                }
            }
        }
        if infos.is_empty() && failures.is_empty() {
            let msg = if all_ns {
                "No resources found".to_string()
            } else {
                format!("No resources found in {ns} namespace.")
            };
            self.out.stderr.push_str(&msg);
            self.out.stderr.push('\n');
        }
        for f in failures {
            self.err(&f.text);
        }
        for e in shown_errors {
            self.err(&e);
        }
    }

    /// Reads the positional arguments as kubectl's builder does.
    fn select(&mut self, args: &[String]) -> Result<Selection, Option<String>> {
        if args.iter().any(|a| a.contains('/')) {
            if !args.iter().all(|a| a.contains('/')) {
                return Err(Some("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into()));
            }
            let mut pairs = Vec::new();
            for a in args {
                let parts: Vec<&str> = a.split('/').collect();
                if parts.len() > 2 {
                    return Err(Some(
                        "error: arguments in resource/name form may not have more than one slash"
                            .into(),
                    ));
                }
                let (typed, name) = (parts[0], parts.get(1).copied().unwrap_or(""));
                if typed.is_empty() || name.is_empty() {
                    return Err(Some(
                        "error: arguments in resource/name form must have a single resource and name"
                            .into(),
                    ));
                }
                let res = self.resolve_type(typed).ok_or(None)?;
                pairs.push((res, name.to_string()));
            }
            return Ok(Selection::Pairs(pairs));
        }
        let Some(first) = args.first() else {
            return Err(None);
        };
        let names = tail(args, 1).to_vec();
        let mut types = Vec::new();
        let mut from_category = false;
        for typed in first.split(',').filter(|t| !t.is_empty()) {
            // A category (`all`) stands for its resources, in discovery order.
            let category: Vec<&'static ApiResource> =
                if discovery::resolve(self.minor(), typed).is_none() {
                    discovery::api_resources(self.minor())
                        .into_iter()
                        .filter(|r| !r.name.contains('/') && r.categories.contains(&typed))
                        .collect()
                } else {
                    Vec::new()
                };
            if category.is_empty() {
                types.push(self.resolve_type(typed).ok_or(None)?);
            } else {
                from_category = true;
                types.extend(category);
            }
        }
        let several_types = first.split(',').filter(|t| !t.is_empty()).count() > 1;
        if several_types && !names.is_empty() {
            // `pods,roles a b` means pods/a pods/b roles/a roles/b.
            let pairs = types
                .iter()
                .flat_map(|res| names.iter().map(move |n| (*res, n.clone())))
                .collect();
            return Ok(Selection::Pairs(pairs));
        }
        if from_category && !names.is_empty() {
            return Err(Some("error: you must specify only one resource".into()));
        }
        if types.is_empty() {
            return Err(Some(format!(
                "error: the server doesn't have a resource type \"{first}\""
            )));
        }
        Ok(Selection::Typed(types, names))
    }

    /// GETs one object; a NotFound in a namespace other than `default` makes kubectl check
    /// that the namespace exists (and report the namespace when it does not).
    fn fetch(
        &mut self,
        cfg: &ClientConfig,
        res: &'static ApiResource,
        ns: &str,
        name: &str,
    ) -> Result<Value, Failure> {
        self.fetch_checked(cfg, res, ns, name, true)
    }

    /// GETs one object, with or without kubectl's namespace check on a NotFound.
    fn fetch_checked(
        &mut self,
        cfg: &ClientConfig,
        res: &'static ApiResource,
        ns: &str,
        name: &str,
        ns_check: bool,
    ) -> Result<Value, Failure> {
        let url = Self::url(res, Some(ns), Some(name));
        match self.send(cfg, "GET", &url, None) {
            Ok((200, obj)) => Ok(obj),
            Ok((404, status)) => {
                let mut status = status;
                if ns_check && res.namespaced && !ns.is_empty() && ns != "default" {
                    if let Ok((404, ns_status)) =
                        self.send(cfg, "GET", &format!("/api/v1/namespaces/{ns}"), None)
                    {
                        status = ns_status;
                    }
                }
                Err(Failure {
                    text: printers::error_text(&status),
                    not_found: true,
                })
            }
            Ok((_, status)) => Err(Failure {
                text: printers::error_text(&status),
                not_found: false,
            }),
            Err(e) => Err(Failure {
                text: e,
                not_found: false,
            }),
        }
    }

    /// LISTs a type (in a namespace, or everywhere), with kubectl's label selector and limit.
    fn list(
        &mut self,
        cfg: &ClientConfig,
        res: &'static ApiResource,
        ns: Option<&str>,
        selector: Option<&str>,
        chunk: i64,
    ) -> Result<Vec<Value>, Failure> {
        let mut query = Vec::new();
        if let Some(sel) = selector {
            query.push(format!("labelSelector={}", query_escape(sel)));
        }
        if chunk > 0 {
            query.push(format!("limit={chunk}"));
        }
        let mut url = Self::url(res, ns, None);
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        match self.send(cfg, "GET", &url, None) {
            Ok((200, body)) => Ok(body
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()),
            Ok((code, mut status)) => {
                if let Some(sel) = selector {
                    super::enhance_list_error(code, &mut status, res, sel, "");
                }
                Err(Failure {
                    text: printers::error_text(&status),
                    not_found: code == 404,
                })
            }
            Err(e) => Err(Failure {
                text: e,
                not_found: false,
            }),
        }
    }

    /// `describe TYPE NAME` when NAME does not exist: every object of TYPE whose name starts
    /// with NAME, each followed by a blank line; the original error when there is none.
    fn describe_prefixed(
        &mut self,
        cfg: &ClientConfig,
        args: &[String],
        ns: &str,
        settings: Settings,
        original: Failure,
    ) {
        let (first, prefix) = (&args[0], &args[1]);
        let candidates: Vec<(&'static ApiResource, Value)> = match first.split_once('/') {
            Some((typed, name)) => {
                let Some(res) = discovery::resolve(self.minor(), typed) else {
                    return self.err(&original.text);
                };
                match self.fetch(cfg, res, ns, name) {
                    Ok(o) => vec![(res, o)],
                    Err(f) => return self.err(&f.text),
                }
            }
            None => {
                if first.contains(',') {
                    return self.err("error: you may only specify a single resource type");
                }
                let Some(res) = discovery::resolve(self.minor(), first) else {
                    return self.err(&original.text);
                };
                match self.list(cfg, res, Some(ns), None, settings.chunk) {
                    Ok(items) => items.into_iter().map(|o| (res, o)).collect(),
                    Err(f) => return self.err(&f.text),
                }
            }
        };
        let mut found = false;
        for (res, obj) in candidates {
            if !text(&obj, "/metadata/name").starts_with(prefix.as_str()) {
                continue;
            }
            found = true;
            match self.describe_one(cfg, res, &obj, settings) {
                Ok(t) => {
                    self.out.stdout.push_str(&t);
                    self.out.stdout.push('\n');
                }
                Err(e) => return self.err(&e),
            }
        }
        if !found {
            self.err(&original.text);
        }
    }

    /// Describes one object: the describer fetches it again, plus what its kind needs.
    fn describe_one(
        &mut self,
        cfg: &ClientConfig,
        res: &'static ApiResource,
        listed: &Value,
        settings: Settings,
    ) -> Result<String, String> {
        let name = text(listed, "/metadata/name").to_string();
        let ns = text(listed, "/metadata/namespace").to_string();
        let obj = if settings.refetch {
            let url = Self::url(res, Some(&ns), Some(&name));
            match self.send(cfg, "GET", &url, None) {
                Ok((200, o)) => o,
                Ok((_, status)) => return Err(printers::error_text(&status)),
                Err(e) => return Err(e),
            }
        } else {
            listed.clone()
        };
        let now = self.env.cluster.now;
        let text = match (res.group, res.kind) {
            ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => describe_role(&obj),
            ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
                describe_binding(&obj)
            }
            ("", "ServiceAccount") => {
                let events = self.events_for(cfg, &obj, "ServiceAccount", settings);
                describe_service_account(&obj, events.as_deref(), now)
            }
            ("", "Namespace") => {
                let quotas = self.optional_list(
                    cfg,
                    &format!("/api/v1/namespaces/{name}/resourcequotas"),
                    settings,
                )?;
                let limits = self.optional_list(
                    cfg,
                    &format!("/api/v1/namespaces/{name}/limitranges"),
                    settings,
                )?;
                describe_namespace(&obj, quotas.as_deref(), limits.as_deref())
            }
            ("", "Pod") => {
                // A mirror pod's events name the static pod's UID.
                let mirror = text(&obj, "/metadata/annotations/kubernetes.io~1config.mirror");
                let events = if !settings.show_events {
                    None
                } else if mirror.is_empty() {
                    Some(
                        self.search_events(cfg, &obj, "", None, settings)
                            .unwrap_or_default(),
                    )
                } else {
                    let mirror = mirror.to_string();
                    Some(
                        self.search_events(cfg, &obj, "", Some(&mirror), settings)
                            .unwrap_or_default(),
                    )
                };
                describe_pod(&obj, events.as_deref(), now)
            }
            ("", "ConfigMap") => {
                let events = if settings.show_events {
                    Some(self.search_events(cfg, &obj, "ConfigMap", None, settings)?)
                } else {
                    None
                };
                describe_config_map(&obj, events.as_deref(), now)
            }
            ("", "Secret") => describe_secret(&obj),
            ("", "Node") => self.describe_node(cfg, &obj, settings)?,
            ("", "ResourceQuota") => describe_quota(&obj),
            ("", "LimitRange") => describe_limit_range(&obj),
            ("", "Service") => {
                let selector = format!("kubernetes.io/service-name={name}");
                let url = format!(
                    "/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector={}",
                    query_escape(&selector)
                );
                let slices = match self.send(cfg, "GET", &url, None) {
                    Ok((200, body)) => arr(&body, "/items").to_vec(),
                    _ => Vec::new(),
                };
                let events = self.events_for(cfg, &obj, "Service", settings);
                describe_service(&obj, &slices, events.as_deref(), now)
            }
            ("apps", "Deployment") => {
                let events = self.events_for(cfg, &obj, "Deployment", settings);
                let selector = selector_string(obj.ptr("/spec/selector"));
                let mut url = format!("/apis/apps/v1/namespaces/{ns}/replicasets");
                let mut query = Vec::new();
                if !selector.is_empty() {
                    query.push(format!("labelSelector={}", query_escape(&selector)));
                }
                if settings.chunk > 0 {
                    query.push(format!("limit={}", settings.chunk));
                }
                if !query.is_empty() {
                    url = format!("{url}?{}", query.join("&"));
                }
                let sets = match self.send(cfg, "GET", &url, None) {
                    Ok((200, body)) => Some(arr(&body, "/items").to_vec()),
                    _ => None,
                };
                describe_deployment(&obj, sets.as_deref(), events.as_deref(), now)
            }
            ("apps", "ReplicaSet" | "DaemonSet" | "StatefulSet") => {
                let selector = selector_string(obj.ptr("/spec/selector"));
                let pods = self.controller_pods(cfg, &ns, &selector, settings);
                let pods = match (res.kind, pods) {
                    ("ReplicaSet", p) => p,
                    (_, Ok(p)) => Ok(p),
                    (_, Err(e)) => return Err(e),
                };
                let counts = pods.map(|p| phase_counts(&p, text(&obj, "/metadata/uid")));
                let events = self.events_for(cfg, &obj, res.kind, settings);
                match res.kind {
                    "ReplicaSet" => describe_replica_set(&obj, counts, events.as_deref(), now),
                    "DaemonSet" => describe_daemon_set(
                        &obj,
                        counts.unwrap_or_default(),
                        events.as_deref(),
                        now,
                    ),
                    _ => describe_stateful_set(
                        &obj,
                        counts.unwrap_or_default(),
                        events.as_deref(),
                        now,
                    ),
                }
            }
            ("batch", "Job") => {
                let events = self.events_for(cfg, &obj, "Job", settings);
                describe_job(&obj, events.as_deref(), now)
            }
            ("batch", "CronJob") => {
                let events = self.events_for(cfg, &obj, "CronJob", settings);
                describe_cron_job(&obj, events.as_deref(), now)
            }
            ("", "PersistentVolume") => {
                let events = self.events_for(cfg, &obj, "PersistentVolume", settings);
                describe_persistent_volume(&obj, events.as_deref(), now)
            }
            ("", "PersistentVolumeClaim") => {
                let url = if settings.chunk > 0 {
                    format!("/api/v1/namespaces/{ns}/pods?limit={}", settings.chunk)
                } else {
                    format!("/api/v1/namespaces/{ns}/pods")
                };
                let pods = match self.send(cfg, "GET", &url, None) {
                    Ok((200, body)) => arr(&body, "/items").to_vec(),
                    Ok((_, status)) => return Err(printers::error_text(&status)),
                    Err(e) => return Err(e),
                };
                let events = self.events_for(cfg, &obj, "PersistentVolumeClaim", settings);
                describe_claim(&obj, &pods, events.as_deref(), now)
            }
            ("storage.k8s.io", "StorageClass") => {
                let events = self.events_for(cfg, &obj, "StorageClass", settings);
                describe_storage_class(&obj, events.as_deref(), now)
            }
            ("networking.k8s.io", "NetworkPolicy") => describe_network_policy(&obj),
            ("networking.k8s.io", "Ingress") => {
                let events = self.events_for(cfg, &obj, "Ingress", settings);
                let mut backends = Vec::new();
                if let Some(b) = obj.ptr("/spec/defaultBackend").filter(|b| b.is_object()) {
                    backends.push(self.ingress_backend(cfg, &ns, b));
                }
                for rule in arr(&obj, "/spec/rules") {
                    for path in arr(rule, "/http/paths") {
                        let b = path.get("backend").cloned().unwrap_or(Value::Null);
                        backends.push(self.ingress_backend(cfg, &ns, &b));
                    }
                }
                describe_ingress(&obj, &backends, events.as_deref(), now)
            }
            ("discovery.k8s.io", "EndpointSlice") => {
                let events = self.events_for(cfg, &obj, "EndpointSlice", settings);
                describe_endpoint_slice(&obj, events.as_deref(), now)
            }
            ("", "Endpoints") => {
                let events = self.events_for(cfg, &obj, "Endpoints", settings);
                describe_endpoints(&obj, events.as_deref(), now)
            }
            ("policy", "PodDisruptionBudget") => {
                let events = self.events_for(cfg, &obj, "PodDisruptionBudget", settings);
                describe_disruption_budget(&obj, events.as_deref(), now)
            }
            ("networking.k8s.io", "IngressClass") => {
                let events = self.events_for(cfg, &obj, "IngressClass", settings);
                describe_ingress_class(&obj, events.as_deref(), now)
            }
            ("autoscaling", "HorizontalPodAutoscaler") => {
                let events = self.events_for(cfg, &obj, "HorizontalPodAutoscaler", settings);
                describe_autoscaler(&obj, events.as_deref(), now)
            }
            ("", "ReplicationController") => {
                let selector = format_labels(&string_map(&obj, "/spec/selector"));
                let selector = if selector == "<none>" {
                    String::new()
                } else {
                    selector
                };
                let pods = self.controller_pods(cfg, &ns, &selector, settings)?;
                let counts = phase_counts(&pods, text(&obj, "/metadata/uid"));
                let events = self.events_for(cfg, &obj, "ReplicationController", settings);
                describe_replication_controller(&obj, counts, events.as_deref(), now)
            }
            ("storage.k8s.io", "VolumeAttributesClass") => {
                let events = self.events_for(cfg, &obj, "VolumeAttributesClass", settings);
                describe_attributes_class(&obj, events.as_deref(), now)
            }
            ("storage.k8s.io", "CSINode") => {
                let events = self.events_for(cfg, &obj, "CSINode", settings);
                describe_csi_node(&obj, events.as_deref(), now)
            }
            ("networking.k8s.io", "ServiceCIDR") => {
                let events = self.events_for(cfg, &obj, "ServiceCIDR", settings);
                describe_service_cidr(&obj, events.as_deref(), now)
            }
            ("networking.k8s.io", "IPAddress") => {
                let events = self.events_for(cfg, &obj, "IPAddress", settings);
                describe_ip_address(&obj, events.as_deref(), now)
            }
            ("scheduling.k8s.io", "PriorityClass") => {
                let events = self.events_for(cfg, &obj, "PriorityClass", settings);
                describe_priority_class(&obj, events.as_deref(), now)
            }
            _ => {
                let kind = text(&obj, "/kind").to_string();
                let events = self.events_for(cfg, &obj, &kind, settings);
                describe_generic(&obj, events.as_deref(), now)
            }
        };
        Ok(text)
    }

    /// The pods a controller selects (`getPodStatusForController`'s list).
    fn controller_pods(
        &mut self,
        cfg: &ClientConfig,
        ns: &str,
        selector: &str,
        settings: Settings,
    ) -> Result<Vec<Value>, String> {
        let mut query = Vec::new();
        if !selector.is_empty() {
            query.push(format!("labelSelector={}", query_escape(selector)));
        }
        if settings.chunk > 0 {
            query.push(format!("limit={}", settings.chunk));
        }
        let mut url = format!("/api/v1/namespaces/{ns}/pods");
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        match self.send(cfg, "GET", &url, None) {
            Ok((200, body)) => Ok(arr(&body, "/items").to_vec()),
            Ok((_, status)) => Err(printers::error_text(&status)),
            Err(e) => Err(e),
        }
    }

    /// One ingress backend: `service:port (endpoints)`, or the error fetching them.
    fn ingress_backend(&mut self, cfg: &ClientConfig, ns: &str, backend: &Value) -> String {
        if let Some(svc) = backend.get("service").filter(|s| s.is_object()) {
            let name = text(svc, "/name");
            let number = int(svc, "/port/number");
            let port_name = text(svc, "/port/name");
            let shown = if number != 0 {
                format!("{name}:{number}")
            } else {
                format!("{name}:{port_name}")
            };
            let url = format!(
                "/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector={}",
                query_escape(&format!("kubernetes.io/service-name={name}"))
            );
            let slices = match self.send(cfg, "GET", &url, None) {
                Ok((200, body)) => arr(&body, "/items").to_vec(),
                Ok((_, status)) => {
                    return format!("{shown} (<error: {}>)", text(&status, "/message"))
                }
                Err(e) => return format!("{shown} (<error: {e}>)"),
            };
            let url = format!("/api/v1/namespaces/{ns}/services/{name}");
            let service = match self.send(cfg, "GET", &url, None) {
                Ok((200, body)) => body,
                Ok((_, status)) => {
                    return format!("{shown} (<error: {}>)", text(&status, "/message"))
                }
                Err(e) => return format!("{shown} (<error: {e}>)"),
            };
            let mut sp_name = "";
            for sp in arr(&service, "/spec/ports") {
                if (number != 0 && number == int(sp, "/port"))
                    || (!port_name.is_empty() && port_name == text(sp, "/name"))
                {
                    sp_name = text(sp, "/name");
                }
            }
            let sp_name = sp_name.to_string();
            return format!("{shown} ({})", format_endpoint_slices(&slices, &sp_name));
        }
        if let Some(r) = backend.get("resource").filter(|r| r.is_object()) {
            let group = match r.get("apiGroup") {
                Some(Value::String(g)) => g.clone(),
                _ => "<none>".into(),
            };
            return format!(
                "APIGroup: {group}, Kind: {}, Name: {}",
                text(r, "/kind"),
                text(r, "/name")
            );
        }
        String::new()
    }

    /// The events about an object when events are shown (a failed search shows none).
    fn events_for(
        &mut self,
        cfg: &ClientConfig,
        obj: &Value,
        kind: &str,
        settings: Settings,
    ) -> Option<Vec<Value>> {
        if !settings.show_events {
            return None;
        }
        Some(
            self.search_events(cfg, obj, kind, None, settings)
                .unwrap_or_default(),
        )
    }

    /// `GET .../events?fieldSelector=involvedObject...`, as client-go's event search builds it.
    fn search_events(
        &mut self,
        cfg: &ClientConfig,
        obj: &Value,
        kind: &str,
        uid: Option<&str>,
        settings: Settings,
    ) -> Result<Vec<Value>, String> {
        let ns = text(obj, "/metadata/namespace");
        let uid = uid.unwrap_or_else(|| text(obj, "/metadata/uid"));
        let mut terms = vec![
            format!("involvedObject.name={}", text(obj, "/metadata/name")),
            format!("involvedObject.namespace={ns}"),
        ];
        if !kind.is_empty() {
            terms.push(format!("involvedObject.kind={kind}"));
        }
        if !uid.is_empty() {
            terms.push(format!("involvedObject.uid={uid}"));
        }
        let base = if ns.is_empty() {
            "/api/v1/events".to_string()
        } else {
            format!("/api/v1/namespaces/{ns}/events")
        };
        let mut url = format!("{base}?fieldSelector={}", query_escape(&terms.join(",")));
        if settings.chunk > 0 {
            url.push_str(&format!("&limit={}", settings.chunk));
        }
        match self.send(cfg, "GET", &url, None) {
            Ok((200, body)) => Ok(body
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()),
            Ok((_, status)) => Err(printers::error_text(&status)),
            Err(e) => Err(e),
        }
    }

    /// A list kubectl treats as absent when the server does not serve it (404).
    fn optional_list(
        &mut self,
        cfg: &ClientConfig,
        base: &str,
        settings: Settings,
    ) -> Result<Option<Vec<Value>>, String> {
        let url = if settings.chunk > 0 {
            format!("{base}?limit={}", settings.chunk)
        } else {
            base.to_string()
        };
        match self.send(cfg, "GET", &url, None) {
            Ok((200, body)) => Ok(Some(
                body.get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            )),
            Ok((404, _)) => Ok(None),
            Ok((_, status)) => Err(printers::error_text(&status)),
            Err(e) => Err(e),
        }
    }

    /// A node: its pods (when the user may list them), events, ResourceSlices and Lease.
    fn describe_node(
        &mut self,
        cfg: &ClientConfig,
        node: &Value,
        settings: Settings,
    ) -> Result<String, String> {
        let name = text(node, "/metadata/name").to_string();
        let selector = format!("spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed");
        let mut url = format!("/api/v1/pods?fieldSelector={}", query_escape(&selector));
        if settings.chunk > 0 {
            url.push_str(&format!("&limit={}", settings.chunk));
        }
        let pods = match self.send(cfg, "GET", &url, None) {
            Ok((200, body)) => Some(
                body.get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            ),
            Ok((403, _)) => None,
            Ok((_, status)) => return Err(printers::error_text(&status)),
            Err(e) => return Err(e),
        };
        let events = if settings.show_events {
            let mut all = self
                .search_events(cfg, node, "Node", None, settings)
                .unwrap_or_default();
            all.extend(
                self.search_events(cfg, node, "Node", Some(&name), settings)
                    .unwrap_or_default(),
            );
            Some(all)
        } else {
            None
        };
        let slices_url = format!(
            "/apis/resource.k8s.io/v1/resourceslices?fieldSelector={}",
            query_escape(&format!("spec.nodeName={name}"))
        );
        let slices = match self.send(cfg, "GET", &slices_url, None) {
            Ok((200, body)) => body
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let lease_url =
            format!("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}");
        let lease = match self.send(cfg, "GET", &lease_url, None) {
            Ok((200, body)) => Ok(body),
            Ok((_, status)) => Err(text(&status, "/message").to_string()),
            Err(e) => Err(e),
        };
        Ok(describe_node(
            node,
            pods.as_deref(),
            events.as_deref(),
            &slices,
            &lease,
            self.env.cluster.now,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// The text kubectl's describers write: a prefix writer (two spaces per level) over Go's
// tabwriter with padding 2.

/// The describe text being built: lines with tab-separated cells, aligned by [`tabwrite`].
struct W {
    buf: String,
    /// Extra levels every write gets (a nested writer).
    indent: usize,
}

impl W {
    fn new() -> Self {
        W {
            buf: String::new(),
            indent: 0,
        }
    }

    /// Writes `text` after two spaces per level (the prefix goes before the text only, not
    /// after the newlines inside it).
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level + self.indent {
            self.buf.push_str("  ");
        }
        push_escaped(&mut self.buf, text);
    }

    /// Writes a whole line (`WriteLine`): no prefix, unless the writer is nested.
    fn line(&mut self, text: &str) {
        if self.indent > 0 {
            self.w(0, &format!("{text}\n"));
        } else {
            push_escaped(&mut self.buf, text);
            self.buf.push('\n');
        }
    }

    /// The aligned text.
    fn finish(self) -> String {
        tabwrite(&self.buf)
    }
}

/// Terminal escapes are shown, not sent: ESC as `^[`, CR as `\r`.
fn push_escaped(buf: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\u{1b}' => buf.push_str("^["),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// Aligns tab-terminated cells as Go's `text/tabwriter` does with minwidth 0, padding 2 and
/// spaces: a column's width is set by the consecutive lines that have a cell in it; the text
/// after a line's last tab belongs to no column.
fn tabwrite(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::new();
    let mut widths = Vec::new();
    format_block(&lines, &mut widths, 0, lines.len(), &mut out);
    out
}

fn format_block(
    lines: &[Vec<&str>],
    widths: &mut Vec<usize>,
    line0: usize,
    line1: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut start = line0;
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, widths, start, this, out);
        start = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + 2);
            this += 1;
        }
        widths.push(width);
        format_block(lines, widths, start, this, out);
        widths.pop();
        start = this;
    }
    write_lines(lines, widths, start, line1, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], from: usize, to: usize, out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(w) = widths.get(j) {
                let pad = w.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading JSON the way the typed Go structs see it.

/// The string at a JSON pointer (`""` when absent or not a string).
fn text<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.ptr(ptr).and_then(Value::as_str).unwrap_or("")
}

/// A scalar as Go's `%v` prints it (`""` for absent; numbers, bools as JSON has them).
fn scalar(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => go_v(other),
    }
}

/// An integer field (0 when absent), as the typed struct's zero value.
fn int(v: &Value, ptr: &str) -> i64 {
    v.ptr(ptr).and_then(Value::as_i64).unwrap_or(0)
}

/// A bool field (false when absent).
fn boolean(v: &Value, ptr: &str) -> bool {
    v.ptr(ptr).and_then(Value::as_bool).unwrap_or(false)
}

/// The array at a pointer (empty when absent).
fn arr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.ptr(ptr)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A list of strings (`[]string`).
fn strings(v: &Value, ptr: &str) -> Vec<String> {
    arr(v, ptr).iter().map(|x| scalar(Some(x))).collect()
}

/// A `map[string]string`, sorted by key.
fn string_map(v: &Value, ptr: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = v
        .ptr(ptr)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), scalar(Some(x))))
                .collect()
        })
        .unwrap_or_default();
    crate::sim::sort::natural(&mut pairs);
    pairs
}

/// Go's `%v` of a `[]string`: `[a b c]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// Go's `%v` of an unstructured value (maps print as `map[k:v]`, sorted).
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sim::sort::natural(&mut keys);
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", m.get(k).map(go_v).unwrap_or_default()))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// Go's `%v` of a float64 (shortest form, exponent below 1e-4 and from 1e21).
fn go_float(f: f64) -> String {
    use crate::sim::yamlout::{layout_exponent, layout_fixed, shortest_digits};
    if f == 0.0 || !f.is_finite() {
        return "0".into();
    }
    let (digits, point) = shortest_digits(f);
    let sign = if f < 0.0 { "-" } else { "" };
    let exp = point - 1;
    if !(-4..21).contains(&exp) {
        format!("{sign}{}", layout_exponent(&digits, point))
    } else {
        format!("{sign}{}", layout_fixed(&digits, point))
    }
}

/// `Mon, 02 Jan 2006 15:04:05 -0700` (RFC 1123 with a numeric zone), in UTC.
fn rfc1123z(t: Option<Instant>) -> String {
    let Some(t) = t else {
        return "Mon, 01 Jan 0001 00:00:00 +0000".into();
    };
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS
        .get(usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0))
        .copied()
        .unwrap_or("Sun");
    let month = MONTHS
        .get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} +0000",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The date of a day count since 1970-01-01 (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A timestamp field formatted as kubectl's describers do.
fn time_at(v: &Value, ptr: &str) -> String {
    rfc1123z(parse_rfc3339(text(v, ptr)))
}

/// How long ago a timestamp was (`<unknown>` when unset), as `translateTimestampSince`.
fn since(t: &str, now: Instant) -> String {
    match parse_rfc3339(t) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

/// A `ResourceList` as (name, quantity) pairs sorted by name.
fn resource_list(v: &Value, ptr: &str) -> Vec<(String, Quantity)> {
    let mut pairs: Vec<(String, Quantity)> = v
        .ptr(ptr)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), Quantity::of(Some(x))))
                .collect()
        })
        .unwrap_or_default();
    crate::sim::sort::by(&mut pairs, &|a, b| a.0.cmp(&b.0));
    pairs
}

/// Go's `int64(float64)` on amd64: NaN and out-of-range values become the smallest int64.
fn go_percent(num: i128, den: i128) -> i64 {
    #[allow(clippy::cast_precision_loss)]
    let f = num as f64 / den as f64 * 100.0;
    if f.is_nan() || !(-9.223_372_036_854_775e18..9.223_372_036_854_775e18).contains(&f) {
        i64::MIN
    } else {
        #[allow(clippy::cast_possible_truncation)]
        let i = f as i64;
        i
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of the descriptions.

/// `Labels:  a=b` with one label per line, or `<none>`.
fn labels_block(w: &mut W, indent: &str, title: &str, pairs: &[(String, String)]) {
    w.w(0, &format!("{indent}{title}:\t"));
    if pairs.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i != 0 {
            w.w(0, indent);
            w.w(0, "\t");
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

/// The longest annotation kubectl prints on one line.
const MAX_ANNOTATION_LEN: usize = 140;

/// `Annotations:  k: v`, long or multi-line values on their own lines, without kubectl's
/// last-applied configuration.
fn annotations_block(w: &mut W, title: &str, pairs: &[(String, String)]) {
    w.w(0, &format!("{title}:\t"));
    let keys: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for part in value.split('\n') {
                w.w(
                    0,
                    &format!("\t  {}\n", shorten(part, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

/// The first `max` bytes and `...` (on a character boundary).
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// The metadata every describer starts with.
fn meta_labels(w: &mut W, obj: &Value) {
    labels_block(w, "", "Labels", &string_map(obj, "/metadata/labels"));
    annotations_block(w, "Annotations", &string_map(obj, "/metadata/annotations"));
}

/// `Events:  <none>` or the events table.
fn events_block(w: &mut W, events: &[Value], now: Instant) {
    if events.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = events.iter().collect();
    let stamp = |e: &Value| parse_rfc3339(text(e, "/lastTimestamp")).unwrap_or(i64::MIN);
    crate::sim::sort::by_key(&mut sorted, &|e| stamp(e));
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = if text(e, "/eventTime").is_empty() {
            since(text(e, "/firstTimestamp"), now)
        } else {
            since(text(e, "/eventTime"), now)
        };
        let count = int(e, "/count");
        let interval = if e.get("series").is_some_and(|s| !s.is_null()) {
            format!(
                "{} (x{} over {first})",
                since(text(e, "/series/lastObservedTime"), now),
                int(e, "/series/count")
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                since(text(e, "/lastTimestamp"), now)
            )
        } else {
            first
        };
        let source = match text(e, "/source/component") {
            "" => text(e, "/reportingComponent"),
            s => s,
        };
        let mut message = text(e, "/message").trim().to_string();
        let field = text(e, "/involvedObject/fieldPath");
        if !field.is_empty() {
            message = format!("{field}: {message}");
        }
        w.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{message}\n",
                text(e, "/type"),
                text(e, "/reason")
            ),
        );
    }
}

/// A label selector as `metav1.FormatLabelSelector` prints it (`<none>` when empty).
fn format_label_selector(sel: Option<&Value>) -> String {
    match selector_string(sel) {
        s if s.is_empty() => "<none>".into(),
        s => s,
    }
}

/// A label selector as its `labels.Selector` prints (`""` when it selects everything).
fn selector_string(sel: Option<&Value>) -> String {
    let Some(sel) = sel.filter(|s| !s.is_null()) else {
        return String::new();
    };
    let mut reqs: Vec<(String, String)> = string_map(sel, "/matchLabels")
        .into_iter()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for e in arr(sel, "/matchExpressions") {
        let key = text(e, "/key").to_string();
        let mut values = strings(e, "/values");
        crate::sim::sort::natural(&mut values);
        let term = match text(e, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".into(),
        };
        reqs.push((key, term));
    }
    crate::sim::sort::by(&mut reqs, &|a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `a=b,c=d` (sorted), or `<none>`: `labels.FormatLabels`.
fn format_labels(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return "<none>".into();
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------------------------------------
// RBAC.

/// A Role or ClusterRole: its rules broken down per resource and resource name.
fn describe_role(obj: &Value) -> String {
    let rows = super::rules::rule_rows(arr(obj, "/rules").iter());
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    meta_labels(&mut w, obj);
    w.w(0, "PolicyRule:\n");
    w.w(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    w.w(1, "---------\t-----------------\t--------------\t-----\n");
    for row in rows {
        w.w(1, &format!("{}\n", row.join("\t")));
    }
    w.finish()
}

/// A RoleBinding or ClusterRoleBinding: the role and the subjects.
fn describe_binding(obj: &Value) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    meta_labels(&mut w, obj);
    w.w(0, "Role:\n");
    w.w(1, &format!("Kind:\t{}\n", text(obj, "/roleRef/kind")));
    w.w(1, &format!("Name:\t{}\n", text(obj, "/roleRef/name")));
    w.w(0, "Subjects:\n");
    w.w(1, "Kind\tName\tNamespace\n");
    w.w(1, "----\t----\t---------\n");
    for s in arr(obj, "/subjects") {
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\n",
                text(s, "/kind"),
                text(s, "/name"),
                text(s, "/namespace")
            ),
        );
    }
    w.finish()
}

// ---------------------------------------------------------------------------------------------
// Core kinds without pods.

/// A ServiceAccount: its image pull secrets.
fn describe_service_account(obj: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    meta_labels(&mut w, obj);
    let header = "Image pull secrets:";
    let names: Vec<&str> = arr(obj, "/imagePullSecrets")
        .iter()
        .map(|s| text(s, "/name"))
        .collect();
    if names.is_empty() {
        w.w(0, &format!("{header}\t<none>\n"));
    } else {
        let mut prefix = header.to_string();
        for n in names {
            w.w(0, &format!("{prefix}\t{n}\n"));
            prefix = " ".repeat(header.len());
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A Namespace: status, conditions, and its resource quotas and limit ranges.
fn describe_namespace(obj: &Value, quotas: Option<&[Value]>, limits: Option<&[Value]>) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    meta_labels(&mut w, obj);
    w.w(0, &format!("Status:\t{}\n", text(obj, "/status/phase")));
    let conditions = arr(obj, "/status/conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    time_at(c, "/lastTransitionTime"),
                    text(c, "/reason"),
                    text(c, "/message")
                ),
            );
        }
    }
    if let Some(quotas) = quotas {
        w.w(0, "\n");
        resource_quotas_block(&mut w, quotas);
    }
    if let Some(limits) = limits {
        w.w(0, "\n");
        if limits.is_empty() {
            w.w(0, "No LimitRange resource.\n");
        } else {
            w.w(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
            w.w(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
            for lr in limits {
                limit_range_rows(&mut w, lr, " ");
            }
        }
    }
    w.finish()
}

/// The quotas of a namespace, by name.
fn resource_quotas_block(w: &mut W, quotas: &[Value]) {
    if quotas.is_empty() {
        w.w(0, "No resource quota.\n");
        return;
    }
    let mut sorted: Vec<&Value> = quotas.iter().collect();
    crate::sim::sort::by(&mut sorted, &|a, b| {
        text(a, "/metadata/name").cmp(text(b, "/metadata/name"))
    });
    w.w(0, "Resource Quotas\n");
    for q in sorted {
        w.w(1, &format!("Name:\t{}\n", text(q, "/metadata/name")));
        let scopes = quota_scopes(q);
        if !scopes.is_empty() {
            w.w(1, &format!("Scopes:\t{}\n", scopes.join(", ")));
            for s in &scopes {
                if let Some(help) = scope_help(s) {
                    w.w(1, &format!("* {help}\n"));
                }
            }
        }
        w.w(1, "Resource\tUsed\tHard\n");
        w.w(1, "--------\t---\t---\n");
        let used = resource_list(q, "/status/used");
        for (name, hard) in resource_list(q, "/status/hard") {
            let u = used
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(Quantity::zero, |(_, q)| *q);
            w.w(1, &format!("{name}\t{u}\t{hard}\n"));
        }
    }
}

fn quota_scopes(q: &Value) -> Vec<String> {
    let mut scopes = strings(q, "/spec/scopes");
    crate::sim::sort::natural(&mut scopes);
    scopes
}

fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => return None,
    })
}

/// One row per limit and resource (`-` where a bound is not set).
fn limit_range_rows(w: &mut W, lr: &Value, prefix: &str) {
    for item in arr(lr, "/spec/limits") {
        let lists = [
            resource_list(item, "/min"),
            resource_list(item, "/max"),
            resource_list(item, "/defaultRequest"),
            resource_list(item, "/default"),
            resource_list(item, "/maxLimitRequestRatio"),
        ];
        let mut names: Vec<&String> = lists.iter().flatten().map(|(n, _)| n).collect();
        crate::sim::sort::natural(&mut names);
        names.dedup();
        for name in names {
            let cell = |list: &Vec<(String, Quantity)>| {
                list.iter()
                    .find(|(n, _)| n == name)
                    .map_or_else(|| "-".to_string(), |(_, q)| q.to_string())
            };
            w.w(
                0,
                &format!(
                    "{prefix}{}\t{name}\t{}\t{}\t{}\t{}\t{}\n",
                    text(item, "/type"),
                    cell(&lists[0]),
                    cell(&lists[1]),
                    cell(&lists[2]),
                    cell(&lists[3]),
                    cell(&lists[4])
                ),
            );
        }
    }
}

/// A ResourceQuota on its own.
fn describe_quota(obj: &Value) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    let scopes = quota_scopes(obj);
    if !scopes.is_empty() {
        w.w(0, &format!("Scopes:\t{}\n", scopes.join(", ")));
        for s in &scopes {
            if let Some(help) = scope_help(s) {
                w.w(0, &format!(" * {help}\n"));
            }
        }
    }
    w.w(0, "Resource\tUsed\tHard\n");
    w.w(0, "--------\t----\t----\n");
    let used = resource_list(obj, "/status/used");
    for (name, hard) in resource_list(obj, "/status/hard") {
        let mut u = used
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(Quantity::zero, |(_, q)| *q);
        if u.format != hard.format {
            u = Quantity {
                nanos: u.value().saturating_mul(NANO),
                format: hard.format,
            };
        }
        w.w(0, &format!("{name}\t{u}\t{hard}\n"));
    }
    w.finish()
}

/// A LimitRange on its own.
fn describe_limit_range(obj: &Value) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    w.w(
        0,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    w.w(
        0,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    limit_range_rows(&mut w, obj, "");
    w.finish()
}

/// A PriorityClass.
fn describe_priority_class(obj: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(0, &format!("Value:\t{}\n", int(obj, "/value")));
    w.w(
        0,
        &format!("GlobalDefault:\t{}\n", boolean(obj, "/globalDefault")),
    );
    w.w(
        0,
        &format!("PreemptionPolicy:\t{}\n", text(obj, "/preemptionPolicy")),
    );
    w.w(0, &format!("Description:\t{}\n", text(obj, "/description")));
    let annotations: Vec<String> = string_map(obj, "/metadata/annotations")
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.w(0, &format!("Annotations:\t{}\n", annotations.join(",")));
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A ConfigMap: every key with its value, and the sizes of the binary keys.
fn describe_config_map(obj: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    meta_labels(&mut w, obj);
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(obj, "/data") {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in string_map(obj, "/binaryData") {
        w.w(0, &format!("{k}: {} bytes\n", decoded_len(&v)));
    }
    w.w(0, "\n");
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// The length of base64 data once decoded.
fn decoded_len(b64: &str) -> usize {
    crate::sim::b64::STANDARD
        .decode(b64.trim())
        .map_or(0, |b| b.len())
}

/// A Secret: its type and the size of each key (a service account token is shown).
fn describe_secret(obj: &Value) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    meta_labels(&mut w, obj);
    let kind = text(obj, "/type");
    w.w(0, &format!("\nType:\t{kind}\n"));
    w.w(0, "\nData\n====\n");
    for (k, v) in string_map(obj, "/data") {
        if k == "token" && kind == "kubernetes.io/service-account-token" {
            let token = crate::sim::b64::STANDARD
                .decode(v.trim())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            w.w(0, &format!("{k}:\t{token}\n"));
        } else {
            w.w(0, &format!("{k}:\t{} bytes\n", decoded_len(&v)));
        }
    }
    w.finish()
}

// ---------------------------------------------------------------------------------------------
// Pods.

/// A Pod: scheduling, status, containers, volumes, QoS, tolerations and events.
fn describe_pod(pod: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(pod, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(pod, "/metadata/namespace")),
    );
    if let Some(p) = pod.ptr("/spec/priority").filter(|p| !p.is_null()) {
        w.w(0, &format!("Priority:\t{}\n", scalar(Some(p))));
    }
    let class = text(pod, "/spec/priorityClassName");
    if !class.is_empty() {
        w.w(0, &format!("Priority Class Name:\t{class}\n"));
    }
    let runtime = text(pod, "/spec/runtimeClassName");
    if !runtime.is_empty() {
        w.w(0, &format!("Runtime Class Name:\t{runtime}\n"));
    }
    let sa = text(pod, "/spec/serviceAccountName");
    if !sa.is_empty() {
        w.w(0, &format!("Service Account:\t{sa}\n"));
    }
    match text(pod, "/spec/nodeName") {
        "" => w.w(0, "Node:\t<none>\n"),
        node => w.w(
            0,
            &format!("Node:\t{node}/{}\n", text(pod, "/status/hostIP")),
        ),
    }
    if let Some(start) = parse_rfc3339(text(pod, "/status/startTime")) {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(Some(start))));
    }
    meta_labels(&mut w, pod);
    let phase = text(pod, "/status/phase");
    let deleting = !text(pod, "/metadata/deletionTimestamp").is_empty();
    if deleting && phase != "Failed" && phase != "Succeeded" {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                since(text(pod, "/metadata/deletionTimestamp"), now)
            ),
        );
        w.w(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                int(pod, "/metadata/deletionGracePeriodSeconds")
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    for (field, label) in [("reason", "Reason"), ("message", "Message")] {
        let v = text(pod, &format!("/status/{field}"));
        if !v.is_empty() {
            w.w(0, &format!("{label}:\t{v}\n"));
        }
    }
    if let Some(profile) = pod
        .ptr("/spec/securityContext/seccompProfile")
        .filter(|p| p.is_object())
    {
        seccomp(&mut w, 0, profile);
    }
    w.w(0, &format!("IP:\t{}\n", text(pod, "/status/podIP")));
    let ips = arr(pod, "/status/podIPs");
    if ips.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        for ip in ips {
            w.w(1, &format!("IP:\t{}\n", text(ip, "/ip")));
        }
    }
    if let Some(owner) = controller_of(pod) {
        w.w(0, &format!("Controlled By:\t{owner}\n"));
    }
    let nominated = text(pod, "/status/nominatedNodeName");
    if !nominated.is_empty() {
        w.w(0, &format!("NominatedNodeName:\t{nominated}\n"));
    }
    if let Some(res) = pod.ptr("/spec/resources").filter(|r| r.is_object()) {
        w.w(0, "Resources:\n");
        describe_resources(&mut w, res, 1);
    }
    let init = arr(pod, "/spec/initContainers");
    if !init.is_empty() {
        describe_containers(
            &mut w,
            "Init Containers",
            init,
            arr(pod, "/status/initContainerStatuses"),
            Some(pod),
            "",
        );
    }
    describe_containers(
        &mut w,
        "Containers",
        arr(pod, "/spec/containers"),
        arr(pod, "/status/containerStatuses"),
        Some(pod),
        "",
    );
    let ephemeral = arr(pod, "/spec/ephemeralContainers");
    if !ephemeral.is_empty() {
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            ephemeral,
            arr(pod, "/status/ephemeralContainerStatuses"),
            Some(pod),
            "",
        );
    }
    let conditions = arr(pod, "/status/conditions");
    let gates = arr(pod, "/spec/readinessGates");
    if !gates.is_empty() {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let kind = text(g, "/conditionType");
            let status = conditions
                .iter()
                .find(|c| text(c, "/type") == kind)
                .map_or("<none>", |c| text(c, "/status"));
            w.w(1, &format!("{kind} \t{status} \n"));
        }
    }
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.w(
                1,
                &format!("{} \t{} \n", text(c, "/type"), text(c, "/status")),
            );
        }
    }
    describe_volumes(&mut w, arr(pod, "/spec/volumes"), "");
    let qos = match text(pod, "/status/qosClass") {
        "" => compute_qos(pod),
        q => q.to_string(),
    };
    w.w(0, &format!("QoS Class:\t{qos}\n"));
    labels_block(
        &mut w,
        "",
        "Node-Selectors",
        &string_map(pod, "/spec/nodeSelector"),
    );
    tolerations_block(&mut w, "", "Tolerations", arr(pod, "/spec/tolerations"));
    topology_spread(&mut w, arr(pod, "/spec/topologySpreadConstraints"), "");
    if let Some(group) = pod.ptr("/spec/schedulingGroup").filter(|g| g.is_object()) {
        w.w(0, "SchedulingGroup:\n");
        w.w(
            1,
            &format!("PodGroupName:\t{}\n", text(group, "/podGroupName")),
        );
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// `Kind/name` of the owner that is the object's controller.
fn controller_of(obj: &Value) -> Option<String> {
    arr(obj, "/metadata/ownerReferences")
        .iter()
        .find(|r| boolean(r, "/controller"))
        .map(|r| format!("{}/{}", text(r, "/kind"), text(r, "/name")))
}

fn seccomp(w: &mut W, level: usize, profile: &Value) {
    let kind = text(profile, "/type");
    w.w(level, &format!("SeccompProfile:\t{kind}\n"));
    if kind == "Localhost" {
        w.w(
            level + 1,
            &format!(
                "LocalhostProfile:\t{}\n",
                text(profile, "/localhostProfile")
            ),
        );
    }
}

/// `Limits:` and `Requests:`, one resource per line.
fn describe_resources(w: &mut W, res: &Value, level: usize) {
    for (field, title) in [("/limits", "Limits"), ("/requests", "Requests")] {
        let list = resource_list(res, field);
        if !list.is_empty() {
            w.w(level, &format!("{title}:\n"));
        }
        for (name, q) in list {
            w.w(level + 1, &format!("{name}:\t{q}\n"));
        }
    }
}

/// Ports as kubectl lists them: `80/TCP (http), 53/UDP`.
fn port_list(ports: &[Value], field: &str) -> String {
    ports
        .iter()
        .map(|p| {
            let mut s = format!("{}/{}", int(p, field), text(p, "/protocol"));
            let name = text(p, "/name");
            if !name.is_empty() {
                s.push_str(&format!(" ({name})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The containers of a pod (or pod template), with their status when the pod has one.
fn describe_containers(
    w: &mut W,
    label: &str,
    containers: &[Value],
    statuses: &[Value],
    pod: Option<&Value>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let name = text(c, "/name");
        let status = statuses.iter().rev().find(|s| text(s, "/name") == name);
        w.w(1, &format!("{name_indent}{name}:\n"));
        if let Some(s) = status {
            w.w(2, &format!("Container ID:\t{}\n", text(s, "/containerID")));
        }
        w.w(2, &format!("Image:\t{}\n", text(c, "/image")));
        if let Some(s) = status {
            w.w(2, &format!("Image ID:\t{}\n", text(s, "/imageID")));
        }
        let ports = arr(c, "/ports");
        let list = port_list(ports, "/containerPort");
        if list.contains(',') {
            w.w(2, &format!("Ports:\t{list}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(&list)));
        }
        let hosts = port_list(ports, "/hostPort");
        if hosts.contains(',') {
            w.w(2, &format!("Host Ports:\t{hosts}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(&hosts)));
        }
        if let Some(profile) = c
            .ptr("/securityContext/seccompProfile")
            .filter(|p| p.is_object())
        {
            seccomp(w, 2, profile);
        }
        for (field, title) in [("/command", "Command"), ("/args", "Args")] {
            let items = strings(c, field);
            if !items.is_empty() {
                w.w(2, &format!("{title}:\n"));
                for item in items {
                    for line in item.split('\n') {
                        w.w(3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let Some(s) = status {
            container_state(w, "State", s.get("state"));
            if s.ptr("/lastState/terminated").is_some_and(Value::is_object) {
                container_state(w, "Last State", s.get("lastState"));
            }
            let ready = if boolean(s, "/ready") {
                "True"
            } else {
                "False"
            };
            w.w(2, &format!("Ready:\t{ready}\n"));
            w.w(2, &format!("Restart Count:\t{}\n", int(s, "/restartCount")));
        }
        if let Some(res) = c.get("resources") {
            describe_resources(w, res, 2);
        }
        for (field, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if let Some(p) = c.get(field).filter(|p| p.is_object()) {
                w.w(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        let env_from = arr(c, "/envFrom");
        if !env_from.is_empty() {
            w.w(2, "Environment Variables from:\n");
            for e in env_from {
                let (from, source) =
                    if let Some(r) = e.get("configMapRef").filter(|r| r.is_object()) {
                        ("ConfigMap", Some(r))
                    } else if let Some(r) = e.get("secretRef").filter(|r| r.is_object()) {
                        ("Secret", Some(r))
                    } else {
                        ("", None)
                    };
                let name = source.map_or("", |r| text(r, "/name"));
                let optional = source.is_some_and(|r| boolean(r, "/optional"));
                let prefix = text(e, "/prefix");
                if prefix.is_empty() {
                    w.w(3, &format!("{name}\t{from}\tOptional: {optional}\n"));
                } else {
                    w.w(
                        3,
                        &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"),
                    );
                }
            }
        }
        container_env(w, c, pod);
        let mounts = arr(c, "/volumeMounts");
        let none = if mounts.is_empty() { "\t<none>" } else { "" };
        w.w(2, &format!("Mounts:{none}\n"));
        let mut sorted: Vec<&Value> = mounts.iter().collect();
        crate::sim::sort::by(&mut sorted, &|a, b| {
            text(a, "/mountPath").cmp(text(b, "/mountPath"))
        });
        for m in sorted {
            let mut flags = vec![if boolean(m, "/readOnly") { "ro" } else { "rw" }.to_string()];
            let sub = text(m, "/subPath");
            if !sub.is_empty() {
                flags.push(format!("path={}", go_quote(sub)));
            }
            w.w(
                3,
                &format!(
                    "{} from {} ({})\n",
                    text(m, "/mountPath"),
                    text(m, "/name"),
                    flags.join(",")
                ),
            );
        }
        let devices = arr(c, "/volumeDevices");
        if !devices.is_empty() {
            w.w(2, &format!("Devices:{none}\n"));
            let mut sorted: Vec<&Value> = devices.iter().collect();
            crate::sim::sort::by(&mut sorted, &|a, b| {
                text(a, "/devicePath").cmp(text(b, "/devicePath"))
            });
            for d in sorted {
                w.w(
                    3,
                    &format!("{} from {}\n", text(d, "/devicePath"), text(d, "/name")),
                );
            }
        }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `State:  Running` and the details of the state.
fn container_state(w: &mut W, title: &str, state: Option<&Value>) {
    let state = state.cloned().unwrap_or(Value::Null);
    let running = state.get("running").filter(|s| s.is_object());
    let waiting = state.get("waiting").filter(|s| s.is_object());
    let terminated = state.get("terminated").filter(|s| s.is_object());
    if let Some(r) = running {
        w.w(2, &format!("{title}:\tRunning\n"));
        w.w(3, &format!("Started:\t{}\n", time_at(r, "/startedAt")));
    } else if let Some(wt) = waiting {
        w.w(2, &format!("{title}:\tWaiting\n"));
        let reason = text(wt, "/reason");
        if !reason.is_empty() {
            w.w(3, &format!("Reason:\t{reason}\n"));
        }
    } else if let Some(t) = terminated {
        w.w(2, &format!("{title}:\tTerminated\n"));
        for (field, label) in [("/reason", "Reason"), ("/message", "Message")] {
            let v = text(t, field);
            if !v.is_empty() {
                w.w(3, &format!("{label}:\t{v}\n"));
            }
        }
        w.w(3, &format!("Exit Code:\t{}\n", int(t, "/exitCode")));
        let signal = int(t, "/signal");
        if signal > 0 {
            w.w(3, &format!("Signal:\t{signal}\n"));
        }
        w.w(3, &format!("Started:\t{}\n", time_at(t, "/startedAt")));
        w.w(3, &format!("Finished:\t{}\n", time_at(t, "/finishedAt")));
    } else {
        w.w(2, &format!("{title}:\tWaiting\n"));
    }
}

/// A probe on one line: `http-get http://:8080/healthz delay=0s timeout=1s ...`.
fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}",
        int(p, "/initialDelaySeconds"),
        int(p, "/timeoutSeconds"),
        int(p, "/periodSeconds"),
        int(p, "/successThreshold"),
        int(p, "/failureThreshold")
    );
    if let Some(e) = p.get("exec").filter(|e| e.is_object()) {
        return format!("exec {} {attrs}", go_list(&strings(e, "/command")));
    }
    if let Some(h) = p.get("httpGet").filter(|h| h.is_object()) {
        let port = scalar(h.get("port"));
        let host = text(h, "/host");
        let hostport = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let scheme = text(h, "/scheme").to_lowercase();
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !hostport.is_empty() || !scheme.is_empty() {
            url.push_str("//");
            url.push_str(&hostport);
        }
        let path = text(h, "/path");
        if !path.is_empty() && !path.starts_with('/') && !hostport.is_empty() {
            url.push('/');
        }
        url.push_str(path);
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = p.get("tcpSocket").filter(|t| t.is_object()) {
        return format!(
            "tcp-socket {}:{} {attrs}",
            text(t, "/host"),
            scalar(t.get("port"))
        );
    }
    if let Some(g) = p.get("grpc").filter(|g| g.is_object()) {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            int(g, "/port"),
            text(g, "/service")
        );
    }
    format!("unknown {attrs}")
}

/// `Environment:` with where each variable comes from.
fn container_env(w: &mut W, c: &Value, pod: Option<&Value>) {
    let env = arr(c, "/env");
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w.w(2, &format!("Environment:{none}\n"));
    for e in env {
        let name = text(e, "/name");
        let Some(from) = e.get("valueFrom").filter(|v| v.is_object()) else {
            for (i, line) in text(e, "/value").split('\n').enumerate() {
                if i == 0 {
                    w.w(3, &format!("{name}:\t{line}\n"));
                } else {
                    w.w(3, &format!("\t{line}\n"));
                }
            }
            continue;
        };
        if let Some(f) = from.get("fieldRef").filter(|f| f.is_object()) {
            let path = text(f, "/fieldPath");
            let value = pod.map(|p| field_value(p, path)).unwrap_or_default();
            w.w(
                3,
                &format!("{name}:\t{value} ({}:{path})\n", text(f, "/apiVersion")),
            );
        } else if let Some(r) = from.get("resourceFieldRef").filter(|r| r.is_object()) {
            let resource = text(r, "/resource");
            let mut value = resource_field_value(c, r);
            if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                value = "node allocatable".into();
            }
            w.w(3, &format!("{name}:\t{value} ({resource})\n"));
        } else if let Some(s) = from.get("secretKeyRef").filter(|s| s.is_object()) {
            w.w(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    text(s, "/key"),
                    text(s, "/name"),
                    boolean(s, "/optional")
                ),
            );
        } else if let Some(m) = from.get("configMapKeyRef").filter(|m| m.is_object()) {
            w.w(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    text(m, "/key"),
                    text(m, "/name"),
                    boolean(m, "/optional")
                ),
            );
        }
    }
}

/// What a downward-API field path resolves to when kubectl prints it: kubectl's scheme only
/// converts `metadata.name` and `metadata.namespace`; anything else shows empty.
fn field_value(pod: &Value, path: &str) -> String {
    match path {
        "metadata.name" => text(pod, "/metadata/name").into(),
        "metadata.namespace" => text(pod, "/metadata/namespace").into(),
        _ => String::new(),
    }
}

/// The value of a `resourceFieldRef` for a container, divided by its divisor and rounded up.
fn resource_field_value(c: &Value, r: &Value) -> String {
    let resource = text(r, "/resource");
    let mut divisor = Quantity::of(r.get("divisor"));
    if divisor.is_zero() {
        divisor = Quantity {
            nanos: NANO,
            format: QFormat::DecimalSI,
        };
    }
    let Some((kind, name)) = resource.split_once('.') else {
        return String::new();
    };
    let list = match kind {
        "limits" => "/resources/limits",
        "requests" => "/resources/requests",
        _ => return String::new(),
    };
    if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !name.starts_with("hugepages-") {
        return String::new();
    }
    let q = Quantity::of(c.ptr(&format!("{list}/{name}")));
    let (num, den) = if name == "cpu" {
        (q.milli_value(), divisor.milli_value())
    } else {
        (q.value(), divisor.value())
    };
    if den == 0 {
        return String::new();
    }
    div_up_pos(num, den).to_string()
}

/// Ceiling division as `math.Ceil` of the float quotient.
fn div_up_pos(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 {
        q
    } else {
        q + 1
    }
}

/// The QoS class computed from the containers' requests and limits (when status has none).
fn compute_qos(pod: &Value) -> String {
    let mut requests: Vec<(String, Quantity)> = Vec::new();
    let mut limits: Vec<(String, Quantity)> = Vec::new();
    let mut guaranteed = true;
    let containers = arr(pod, "/spec/containers")
        .iter()
        .chain(arr(pod, "/spec/initContainers"));
    let add = |list: &mut Vec<(String, Quantity)>, name: &str, q: Quantity| match list
        .iter_mut()
        .find(|(n, _)| n == name)
    {
        Some((_, existing)) => existing.add(q),
        None => list.push((name.to_string(), q)),
    };
    for c in containers {
        for (name, q) in resource_list(c, "/resources/requests") {
            if (name == "cpu" || name == "memory") && q.nanos > 0 {
                add(&mut requests, &name, q);
            }
        }
        let mut found = 0;
        for (name, q) in resource_list(c, "/resources/limits") {
            if (name == "cpu" || name == "memory") && q.nanos > 0 {
                found += 1;
                add(&mut limits, &name, q);
            }
        }
        if found < 2 {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort".into();
    }
    if guaranteed && requests.len() == limits.len() {
        let same = requests
            .iter()
            .all(|(n, r)| limits.iter().any(|(m, l)| m == n && l.nanos == r.nanos));
        if same {
            return "Guaranteed".into();
        }
    }
    "Burstable".into()
}

/// `Tolerations:  key=value:Effect op=Exists for 300s`, one per line, by key.
fn tolerations_block(w: &mut W, indent: &str, title: &str, tolerations: &[Value]) {
    w.w(0, &format!("{indent}{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    crate::sim::sort::by(&mut sorted, &|a, b| text(a, "/key").cmp(text(b, "/key")));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, indent);
            w.w(0, "\t");
        }
        let key = text(t, "/key");
        let value = text(t, "/value");
        let effect = text(t, "/effect");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if text(t, "/operator") == "Exists" && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
            s.push_str(&format!(" for {secs}s"));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// `Topology Spread Constraints:  zone:DoNotSchedule when max skew 1 is exceeded for ...`.
fn topology_spread(w: &mut W, constraints: &[Value], space: &str) {
    if constraints.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = constraints.iter().collect();
    crate::sim::sort::by(&mut sorted, &|a, b| {
        text(a, "/topologyKey").cmp(text(b, "/topologyKey"))
    });
    w.w(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.w(0, space);
            w.w(0, "\t");
        }
        w.w(0, &format!("{}:", text(t, "/topologyKey")));
        w.w(0, text(t, "/whenUnsatisfiable"));
        w.w(
            0,
            &format!(" when max skew {} is exceeded", int(t, "/maxSkew")),
        );
        if let Some(sel) = t.get("labelSelector").filter(|s| s.is_object()) {
            w.w(
                0,
                &format!(" for selector {}", format_label_selector(Some(sel))),
            );
        }
        w.w(0, "\n");
    }
}

/// `Volumes:` with a description of each volume's source.
fn describe_volumes(w: &mut W, volumes: &[Value], space: &str) {
    if volumes.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.w(1, &format!("{name_indent}{}:\n", text(v, "/name")));
        volume_source(w, v);
    }
}

/// One volume source, as kubectl's describer prints each kind.
fn volume_source(w: &mut W, v: &Value) {
    let src = |k: &str| v.get(k).filter(|s| s.is_object());
    let b = |s: &Value, p: &str| boolean(s, p).to_string();
    let lines = |w: &mut W, head: &str, rows: &[(&str, String)]| {
        let mut s = format!("Type:\t{head}\n");
        for (label, value) in rows {
            s.push_str(&format!("    {label}:\t{value}\n"));
        }
        w.w(2, &s);
    };
    if let Some(s) = src("hostPath") {
        let kind = s
            .get("type")
            .filter(|t| !t.is_null())
            .map_or_else(|| "<none>".to_string(), |t| scalar(Some(t)));
        lines(
            w,
            "HostPath (bare host directory volume)",
            &[("Path", text(s, "/path").into()), ("HostPathType", kind)],
        );
    } else if let Some(s) = src("emptyDir") {
        let limit = Quantity::of(s.get("sizeLimit"));
        let limit = if limit.nanos > 0 {
            limit.to_string()
        } else {
            "<unset>".into()
        };
        lines(
            w,
            "EmptyDir (a temporary directory that shares a pod's lifetime)",
            &[("Medium", text(s, "/medium").into()), ("SizeLimit", limit)],
        );
    } else if let Some(s) = src("gcePersistentDisk") {
        lines(
            w,
            "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            &[
                ("PDName", text(s, "/pdName").into()),
                ("FSType", text(s, "/fsType").into()),
                ("Partition", int(s, "/partition").to_string()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("awsElasticBlockStore") {
        lines(
            w,
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            &[
                ("VolumeID", text(s, "/volumeID").into()),
                ("FSType", text(s, "/fsType").into()),
                ("Partition", int(s, "/partition").to_string()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("gitRepo") {
        lines(
            w,
            "GitRepo (a volume that is pulled from git when the pod is created)",
            &[
                ("Repository", text(s, "/repository").into()),
                ("Revision", text(s, "/revision").into()),
            ],
        );
    } else if let Some(s) = src("secret") {
        lines(
            w,
            "Secret (a volume populated by a Secret)",
            &[
                ("SecretName", text(s, "/secretName").into()),
                ("Optional", b(s, "/optional")),
            ],
        );
    } else if let Some(s) = src("configMap") {
        lines(
            w,
            "ConfigMap (a volume populated by a ConfigMap)",
            &[
                ("Name", text(s, "/name").into()),
                ("Optional", b(s, "/optional")),
            ],
        );
    } else if let Some(s) = src("nfs") {
        lines(
            w,
            "NFS (an NFS mount that lasts the lifetime of a pod)",
            &[
                ("Server", text(s, "/server").into()),
                ("Path", text(s, "/path").into()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("persistentVolumeClaim") {
        lines(
            w,
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            &[
                ("ClaimName", text(s, "/claimName").into()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("ephemeral") {
        w.w(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
        if let Some(t) = s.get("volumeClaimTemplate").filter(|t| t.is_object()) {
            w.indent += 2;
            claim_template(w, t);
            w.indent -= 2;
        }
    } else if let Some(s) = src("downwardAPI") {
        w.w(
            2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in arr(s, "/items") {
            let path = text(item, "/path");
            if let Some(f) = item.get("fieldRef").filter(|f| f.is_object()) {
                w.w(3, &format!("{} -> {path}\n", text(f, "/fieldPath")));
            }
            if let Some(r) = item.get("resourceFieldRef").filter(|r| r.is_object()) {
                w.w(3, &format!("{} -> {path}\n", text(r, "/resource")));
            }
        }
    } else if let Some(s) = src("fc") {
        let lun = s
            .get("lun")
            .and_then(Value::as_i64)
            .map_or_else(|| "<none>".to_string(), |l| l.to_string());
        lines(
            w,
            "FC (a Fibre Channel disk)",
            &[
                ("TargetWWNs", strings(s, "/targetWWNs").join(", ")),
                ("LUN", lun),
                ("FSType", text(s, "/fsType").into()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("azureFile") {
        lines(
            w,
            "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
            &[
                ("SecretName", text(s, "/secretName").into()),
                ("ShareName", text(s, "/shareName").into()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
    } else if let Some(s) = src("projected") {
        w.w(
            2,
            "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
        );
        for source in arr(s, "/sources") {
            if let Some(x) = source.get("secret").filter(|x| x.is_object()) {
                w.w(
                    2,
                    &format!(
                        "SecretName:\t{}\n    Optional:\t{}\n",
                        text(x, "/name"),
                        b(x, "/optional")
                    ),
                );
            } else if source.get("downwardAPI").is_some_and(Value::is_object) {
                w.w(2, "DownwardAPI:\ttrue\n");
            } else if let Some(x) = source.get("configMap").filter(|x| x.is_object()) {
                w.w(
                    2,
                    &format!(
                        "ConfigMapName:\t{}\n    Optional:\t{}\n",
                        text(x, "/name"),
                        b(x, "/optional")
                    ),
                );
            } else if let Some(x) = source.get("serviceAccountToken").filter(|x| x.is_object()) {
                w.w(
                    2,
                    &format!(
                        "TokenExpirationSeconds:\t{}\n",
                        int(x, "/expirationSeconds")
                    ),
                );
            }
        }
    } else if let Some(s) = src("csi") {
        lines(
            w,
            "CSI (a Container Storage Interface (CSI) volume source)",
            &[
                ("Driver", text(s, "/driver").into()),
                ("FSType", text(s, "/fsType").into()),
                ("ReadOnly", b(s, "/readOnly")),
            ],
        );
        csi_attributes(w, s);
    } else if let Some(s) = src("image") {
        lines(
            w,
            "Image (a container image or OCI artifact)",
            &[
                ("Reference", text(s, "/reference").into()),
                ("PullPolicy", text(s, "/pullPolicy").into()),
            ],
        );
    } else {
        w.w(1, "<unknown>\n");
    }
}

/// The claim template of an ephemeral volume (a PVC without name and status).
fn claim_template(w: &mut W, t: &Value) {
    w.w(0, &format!("StorageClass:\t{}\n", claim_class(t)));
    w.w(0, &format!("Volume:\t{}\n", text(t, "/spec/volumeName")));
    labels_block(w, "", "Labels", &string_map(t, "/metadata/labels"));
    annotations_block(w, "Annotations", &string_map(t, "/metadata/annotations"));
    w.w(0, "Capacity:\t\n");
    w.w(0, "Access Modes:\t\n");
    if let Some(mode) = t.ptr("/spec/volumeMode").filter(|m| !m.is_null()) {
        w.w(0, &format!("VolumeMode:\t{}\n", scalar(Some(mode))));
    }
    if let Some(ds) = t.ptr("/spec/dataSource").filter(|d| d.is_object()) {
        w.w(0, "DataSource:\n");
        if let Some(g) = ds.get("apiGroup").filter(|g| !g.is_null()) {
            w.w(1, &format!("APIGroup:\t{}\n", scalar(Some(g))));
        }
        w.w(1, &format!("Kind:\t{}\n", text(ds, "/kind")));
        w.w(1, &format!("Name:\t{}\n", text(ds, "/name")));
    }
}

// ---------------------------------------------------------------------------------------------
// Services and deployments.

/// A Service: selector, addresses, each port with its endpoints, traffic policies.
fn describe_service(
    svc: &Value,
    slices: &[Value],
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(svc, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(svc, "/metadata/namespace")),
    );
    meta_labels(&mut w, svc);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(svc, "/spec/selector"))
        ),
    );
    w.w(0, &format!("Type:\t{}\n", text(svc, "/spec/type")));
    if let Some(p) = svc.ptr("/spec/ipFamilyPolicy").filter(|p| !p.is_null()) {
        w.w(0, &format!("IP Family Policy:\t{}\n", scalar(Some(p))));
    }
    let families = strings(svc, "/spec/ipFamilies");
    let families = if families.is_empty() {
        "<none>".to_string()
    } else {
        families.join(",")
    };
    w.w(0, &format!("IP Families:\t{families}\n"));
    w.w(0, &format!("IP:\t{}\n", text(svc, "/spec/clusterIP")));
    let ips = strings(svc, "/spec/clusterIPs");
    let ips = if ips.is_empty() {
        "<none>".to_string()
    } else {
        ips.join(",")
    };
    w.w(0, &format!("IPs:\t{ips}\n"));
    let external = strings(svc, "/spec/externalIPs");
    if !external.is_empty() {
        w.w(0, &format!("External IPs:\t{}\n", external.join(",")));
    }
    let lb_ip = text(svc, "/spec/loadBalancerIP");
    if !lb_ip.is_empty() {
        w.w(0, &format!("Desired LoadBalancer IP:\t{lb_ip}\n"));
    }
    let external_name = text(svc, "/spec/externalName");
    if !external_name.is_empty() {
        w.w(0, &format!("External Name:\t{external_name}\n"));
    }
    let ingress = arr(svc, "/status/loadBalancer/ingress");
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match text(i, "/ip") {
                "" => text(i, "/hostname").to_string(),
                ip => match text(i, "/ipMode") {
                    "" => ip.to_string(),
                    mode => format!("{ip} ({mode})"),
                },
            })
            .collect();
        w.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for p in arr(svc, "/spec/ports") {
        let name = match text(p, "/name") {
            "" => "<unset>",
            n => n,
        };
        let proto = text(p, "/protocol");
        w.w(0, &format!("Port:\t{name}\t{}/{proto}\n", int(p, "/port")));
        let target = match p.get("targetPort") {
            Some(Value::String(s)) => s.clone(),
            other => other.and_then(Value::as_i64).unwrap_or(0).to_string(),
        };
        w.w(0, &format!("TargetPort:\t{target}/{proto}\n"));
        if let Some(app) = p.get("appProtocol").filter(|a| !a.is_null()) {
            w.w(0, &format!("AppProtocol:\t{}\n", scalar(Some(app))));
        }
        let node_port = int(p, "/nodePort");
        if node_port != 0 {
            w.w(0, &format!("NodePort:\t{name}\t{node_port}/{proto}\n"));
        }
        w.w(
            0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(slices, text(p, "/name"))
            ),
        );
    }
    w.w(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            text(svc, "/spec/sessionAffinity")
        ),
    );
    let etp = text(svc, "/spec/externalTrafficPolicy");
    if !etp.is_empty() {
        w.w(0, &format!("External Traffic Policy:\t{etp}\n"));
    }
    if let Some(itp) = svc
        .ptr("/spec/internalTrafficPolicy")
        .filter(|p| !p.is_null())
    {
        w.w(
            0,
            &format!("Internal Traffic Policy:\t{}\n", scalar(Some(itp))),
        );
    }
    let hc = int(svc, "/spec/healthCheckNodePort");
    if hc != 0 {
        w.w(0, &format!("HealthCheck NodePort:\t{hc}\n"));
    }
    let ranges = strings(svc, "/spec/loadBalancerSourceRanges");
    if !ranges.is_empty() {
        w.w(
            0,
            &format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")),
        );
    }
    if let Some(td) = svc
        .ptr("/spec/trafficDistribution")
        .filter(|t| !t.is_null())
    {
        w.w(0, &format!("Traffic Distribution:\t{}\n", scalar(Some(td))));
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// The ready endpoints of a service port (`10.0.0.1:80,...`, at most three and a count).
fn format_endpoint_slices(slices: &[Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    let ready = |e: &Value| e.ptr("/conditions/ready").and_then(Value::as_bool) != Some(false);
    for slice in slices {
        let ports = arr(slice, "/ports");
        let endpoints = arr(slice, "/endpoints");
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(text(e, "/addresses/0").to_string());
                }
                count += 1;
            }
        } else {
            for port in ports {
                if text(port, "/name") != port_name {
                    continue;
                }
                for e in endpoints {
                    if list.len() == MAX {
                        more = true;
                    }
                    if !ready(e) {
                        continue;
                    }
                    if !more {
                        let addr = text(e, "/addresses/0");
                        let number = int(port, "/port");
                        list.push(if addr.contains(':') {
                            format!("[{addr}]:{number}")
                        } else {
                            format!("{addr}:{number}")
                        });
                    }
                    count += 1;
                }
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

/// A Deployment: replicas, strategy, the pod template and its ReplicaSets.
fn describe_deployment(
    d: &Value,
    sets: Option<&[Value]>,
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(d, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(d, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(d, "/metadata/creationTimestamp")
        ),
    );
    meta_labels(&mut w, d);
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(d.ptr("/spec/selector"))),
    );
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            int(d, "/spec/replicas"),
            int(d, "/status/updatedReplicas"),
            int(d, "/status/replicas"),
            int(d, "/status/availableReplicas"),
            int(d, "/status/unavailableReplicas")
        ),
    );
    w.w(
        0,
        &format!("StrategyType:\t{}\n", text(d, "/spec/strategy/type")),
    );
    w.w(
        0,
        &format!("MinReadySeconds:\t{}\n", int(d, "/spec/minReadySeconds")),
    );
    if let Some(ru) = d
        .ptr("/spec/strategy/rollingUpdate")
        .filter(|r| r.is_object())
    {
        let part = |v: Option<&Value>| match v {
            None | Some(Value::Null) => "0".to_string(),
            Some(x) => scalar(Some(x)),
        };
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                part(ru.get("maxUnavailable")),
                part(ru.get("maxSurge"))
            ),
        );
    }
    describe_pod_template(&mut w, d.ptr("/spec/template"));
    let conditions = arr(d, "/status/conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.w(1, "----\t------\t------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    text(c, "/reason")
                ),
            );
        }
    }
    let uid = text(d, "/metadata/uid");
    let owned: Vec<&Value> = sets
        .unwrap_or(&[])
        .iter()
        .filter(|rs| {
            arr(rs, "/metadata/ownerReferences")
                .iter()
                .any(|o| boolean(o, "/controller") && text(o, "/uid") == uid)
        })
        .collect();
    if !owned.is_empty() {
        let strip_hash = |t: Option<&Value>| {
            let mut t = t.cloned().unwrap_or(Value::Null);
            if let Some(labels) = t.ptr_mut("/metadata/labels").and_then(Value::as_object_mut) {
                labels.remove("pod-template-hash");
            }
            t
        };
        let template = strip_hash(d.ptr("/spec/template"));
        let mut newest: Vec<&Value> = Vec::new();
        let mut old: Vec<&Value> = Vec::new();
        for rs in owned {
            if newest.is_empty() && strip_hash(rs.ptr("/spec/template")) == template {
                newest.push(rs);
            } else {
                old.push(rs);
            }
        }
        let show = |list: &[&Value]| {
            if list.is_empty() {
                return "<none>".to_string();
            }
            list.iter()
                .map(|rs| {
                    format!(
                        "{} ({}/{} replicas created)",
                        text(rs, "/metadata/name"),
                        int(rs, "/status/replicas"),
                        int(rs, "/spec/replicas")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        w.w(0, &format!("OldReplicaSets:\t{}\n", show(&old)));
        w.w(0, &format!("NewReplicaSet:\t{}\n", show(&newest)));
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// `Pod Template:` as the workload describers print it (no statuses, no resolved values).
fn describe_pod_template(w: &mut W, template: Option<&Value>) {
    w.w(0, "Pod Template:\n");
    let Some(t) = template.filter(|t| t.is_object()) else {
        w.w(1, "<unset>");
        return;
    };
    labels_block(w, "", "  Labels", &string_map(t, "/metadata/labels"));
    let annotations = string_map(t, "/metadata/annotations");
    if !annotations.is_empty() {
        annotations_block(w, "  Annotations", &annotations);
    }
    let sa = text(t, "/spec/serviceAccountName");
    if !sa.is_empty() {
        w.w(1, &format!("Service Account:\t{sa}\n"));
    }
    let init = arr(t, "/spec/initContainers");
    if !init.is_empty() {
        describe_containers(w, "Init Containers", init, &[], None, "  ");
    }
    describe_containers(w, "Containers", arr(t, "/spec/containers"), &[], None, "  ");
    describe_volumes(w, arr(t, "/spec/volumes"), "  ");
    topology_spread(w, arr(t, "/spec/topologySpreadConstraints"), "  ");
    let class = text(t, "/spec/priorityClassName");
    if !class.is_empty() {
        w.w(1, &format!("Priority Class Name:\t{class}\n"));
    }
    labels_block(
        w,
        "",
        "  Node-Selectors",
        &string_map(t, "/spec/nodeSelector"),
    );
    tolerations_block(w, "", "  Tolerations", arr(t, "/spec/tolerations"));
    if let Some(group) = t.ptr("/spec/schedulingGroup").filter(|g| g.is_object()) {
        w.w(0, "  SchedulingGroup:\n");
        w.w(
            1,
            &format!("PodGroupName:\t{}\n", text(group, "/podGroupName")),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Workloads.

/// Running, waiting (pending), succeeded and failed pods controlled by `uid`.
#[derive(Default, Clone, Copy)]
struct PhaseCounts {
    running: usize,
    waiting: usize,
    succeeded: usize,
    failed: usize,
}

impl std::fmt::Display for PhaseCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            self.running, self.waiting, self.succeeded, self.failed
        )
    }
}

fn phase_counts(pods: &[Value], uid: &str) -> PhaseCounts {
    let mut c = PhaseCounts::default();
    for pod in pods {
        let owned = arr(pod, "/metadata/ownerReferences")
            .iter()
            .any(|o| boolean(o, "/controller") && text(o, "/uid") == uid);
        if !owned {
            continue;
        }
        match text(pod, "/status/phase") {
            "Running" => c.running += 1,
            "Pending" => c.waiting += 1,
            "Succeeded" => c.succeeded += 1,
            "Failed" => c.failed += 1,
            _ => {}
        }
    }
    c
}

/// `Conditions:` of a workload (`Type Status Reason`).
fn workload_conditions(w: &mut W, obj: &Value) {
    let conditions = arr(obj, "/status/conditions");
    if conditions.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.w(1, "----\t------\t------\n");
    for c in conditions {
        w.w(
            1,
            &format!(
                "{} \t{}\t{}\n",
                text(c, "/type"),
                text(c, "/status"),
                text(c, "/reason")
            ),
        );
    }
}

/// A ReplicaSet: replicas, the status of its pods and the pod template.
fn describe_replica_set(
    rs: &Value,
    counts: Result<PhaseCounts, String>,
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(rs, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(rs, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(rs.ptr("/spec/selector"))
        ),
    );
    meta_labels(&mut w, rs);
    if let Some(owner) = controller_of(rs) {
        w.w(0, &format!("Controlled By:\t{owner}\n"));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rs, "/status/replicas"),
            int(rs, "/spec/replicas")
        ),
    );
    w.w(0, "Pods Status:\t");
    match counts {
        Ok(c) => w.w(0, &format!("{c}\n")),
        Err(e) => w.w(0, &format!("error in fetching pods: {e}\n")),
    }
    describe_pod_template(&mut w, rs.ptr("/spec/template"));
    workload_conditions(&mut w, rs);
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A DaemonSet: how many nodes run it and the pod template.
fn describe_daemon_set(
    ds: &Value,
    counts: PhaseCounts,
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(ds, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(ds, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!("Selector:\t{}\n", selector_string(ds.ptr("/spec/selector"))),
    );
    w.w(
        0,
        &format!(
            "Node-Selector:\t{}\n",
            format_labels(&string_map(ds, "/spec/template/spec/nodeSelector"))
        ),
    );
    meta_labels(&mut w, ds);
    for (field, label) in [
        (
            "desiredNumberScheduled",
            "Desired Number of Nodes Scheduled",
        ),
        (
            "currentNumberScheduled",
            "Current Number of Nodes Scheduled",
        ),
        (
            "updatedNumberScheduled",
            "Number of Nodes Scheduled with Up-to-date Pods",
        ),
        (
            "numberAvailable",
            "Number of Nodes Scheduled with Available Pods",
        ),
        ("numberMisscheduled", "Number of Nodes Misscheduled"),
    ] {
        w.w(
            0,
            &format!("{label}: {}\n", int(ds, &format!("/status/{field}"))),
        );
    }
    w.w(0, &format!("Pods Status:\t{counts}\n"));
    describe_pod_template(&mut w, ds.ptr("/spec/template"));
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A StatefulSet: replicas, update strategy, the pod template and the claim templates.
fn describe_stateful_set(
    sts: &Value,
    counts: PhaseCounts,
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(sts, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(sts, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(sts, "/metadata/creationTimestamp")
        ),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(sts.ptr("/spec/selector"))
        ),
    );
    meta_labels(&mut w, sts);
    w.w(
        0,
        &format!("Service Name:\t{}\n", text(sts, "/spec/serviceName")),
    );
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            int(sts, "/spec/replicas"),
            int(sts, "/status/replicas")
        ),
    );
    w.w(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            text(sts, "/spec/updateStrategy/type")
        ),
    );
    if let Some(ru) = sts
        .ptr("/spec/updateStrategy/rollingUpdate")
        .filter(|r| r.is_object())
    {
        if let Some(p) = ru.get("partition").filter(|p| !p.is_null()) {
            w.w(1, &format!("Partition:\t{}\n", scalar(Some(p))));
            if let Some(m) = ru.get("maxUnavailable").filter(|m| !m.is_null()) {
                w.w(1, &format!("MaxUnavailable:\t{}\n", scalar(Some(m))));
            }
        }
    }
    w.w(0, &format!("Pods Status:\t{counts}\n"));
    describe_pod_template(&mut w, sts.ptr("/spec/template"));
    let templates = arr(sts, "/spec/volumeClaimTemplates");
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for t in templates {
            w.w(1, &format!("Name:\t{}\n", text(t, "/metadata/name")));
            w.w(1, &format!("StorageClass:\t{}\n", claim_class(t)));
            labels_block(&mut w, "  ", "Labels", &string_map(t, "/metadata/labels"));
            labels_block(
                &mut w,
                "  ",
                "Annotations",
                &string_map(t, "/metadata/annotations"),
            );
            let capacity = match t.ptr("/spec/resources/requests/storage") {
                Some(q) => Quantity::of(Some(q)).to_string(),
                None => "<default>".into(),
            };
            w.w(1, &format!("Capacity:\t{capacity}\n"));
            w.w(
                1,
                &format!(
                    "Access Modes:\t{}\n",
                    go_list(&strings(t, "/spec/accessModes"))
                ),
            );
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A Job: parallelism, completions, timing and the status of its pods.
fn describe_job(job: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(job, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(job, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(job.ptr("/spec/selector"))
        ),
    );
    meta_labels(&mut w, job);
    if let Some(owner) = controller_of(job) {
        w.w(0, &format!("Controlled By:\t{owner}\n"));
    }
    let set = |field: &str| job.ptr(field).filter(|v| !v.is_null());
    if let Some(p) = set("/spec/parallelism") {
        w.w(0, &format!("Parallelism:\t{}\n", scalar(Some(p))));
    }
    match set("/spec/completions") {
        Some(c) => w.w(0, &format!("Completions:\t{}\n", scalar(Some(c)))),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = set("/spec/completionMode") {
        w.w(0, &format!("Completion Mode:\t{}\n", scalar(Some(m))));
    }
    if let Some(s) = set("/spec/suspend") {
        w.w(0, &format!("Suspend:\t{}\n", scalar(Some(s))));
    }
    if let Some(b) = set("/spec/backoffLimit") {
        w.w(0, &format!("Backoff Limit:\t{}\n", scalar(Some(b))));
    }
    if let Some(t) = set("/spec/ttlSecondsAfterFinished") {
        w.w(
            0,
            &format!("TTL Seconds After Finished:\t{}\n", scalar(Some(t))),
        );
    }
    let start = parse_rfc3339(text(job, "/status/startTime"));
    let done = parse_rfc3339(text(job, "/status/completionTime"));
    if start.is_some() {
        w.w(0, &format!("Start Time:\t{}\n", rfc1123z(start)));
    }
    if done.is_some() {
        w.w(0, &format!("Completed At:\t{}\n", rfc1123z(done)));
    }
    if let (Some(s), Some(d)) = (start, done) {
        w.w(0, &format!("Duration:\t{}\n", human_duration(d - s)));
    }
    if let Some(a) = set("/spec/activeDeadlineSeconds") {
        w.w(
            0,
            &format!("Active Deadline Seconds:\t{}s\n", scalar(Some(a))),
        );
    }
    let (active, succeeded, failed) = (
        int(job, "/status/active"),
        int(job, "/status/succeeded"),
        int(job, "/status/failed"),
    );
    match set("/status/ready") {
        None => w.w(
            0,
            &format!(
                "Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
        Some(r) => w.w(
            0,
            &format!(
                "Pods Statuses:\t{active} Active ({} Ready) / {succeeded} Succeeded / {failed} Failed\n",
                scalar(Some(r))
            ),
        ),
    }
    if text(job, "/spec/completionMode") == "Indexed" {
        w.w(
            0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(text(job, "/status/completedIndexes"), 50)
            ),
        );
    }
    describe_pod_template(&mut w, job.ptr("/spec/template"));
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A list of indexes cut after the first comma past `soft` characters (`<none>` when empty).
fn cap_indexes(indexes: &str, soft: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes
        .char_indices()
        .find(|(i, c)| *i >= soft && *c == ',')
    {
        Some((i, _)) => format!("{}...", &indexes[..=i]),
        None => indexes.to_string(),
    }
}

/// A CronJob: schedule, policies, the job template and the active jobs.
fn describe_cron_job(cj: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(cj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(cj, "/metadata/namespace")),
    );
    meta_labels(&mut w, cj);
    w.w(0, &format!("Schedule:\t{}\n", text(cj, "/spec/schedule")));
    w.w(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            text(cj, "/spec/concurrencyPolicy")
        ),
    );
    let suspend = match cj.ptr("/spec/suspend").and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.w(0, &format!("Suspend:\t{suspend}\n"));
    let or_unset = |ptr: &str, suffix: &str| match cj.ptr(ptr).filter(|v| !v.is_null()) {
        Some(v) => format!("{}{suffix}", scalar(Some(v))),
        None => "<unset>".into(),
    };
    w.w(
        0,
        &format!("Time Zone:\t{}\n", or_unset("/spec/timeZone", "")),
    );
    w.w(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            or_unset("/spec/successfulJobsHistoryLimit", "")
        ),
    );
    w.w(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            or_unset("/spec/failedJobsHistoryLimit", "")
        ),
    );
    w.w(
        0,
        &format!(
            "Starting Deadline Seconds:\t{}\n",
            or_unset("/spec/startingDeadlineSeconds", "s")
        ),
    );
    let selector = match cj.ptr("/spec/jobTemplate/spec/selector") {
        Some(s) if !s.is_null() => selector_string(Some(s)),
        _ => "<unset>".into(),
    };
    w.w(0, &format!("Selector:\t{selector}\n"));
    w.w(
        0,
        &format!(
            "Parallelism:\t{}\n",
            or_unset("/spec/jobTemplate/spec/parallelism", "")
        ),
    );
    w.w(
        0,
        &format!(
            "Completions:\t{}\n",
            or_unset("/spec/jobTemplate/spec/completions", "")
        ),
    );
    if let Some(a) = cj
        .ptr("/spec/jobTemplate/spec/activeDeadlineSeconds")
        .filter(|v| !v.is_null())
    {
        w.w(
            0,
            &format!("Active Deadline Seconds:\t{}s\n", scalar(Some(a))),
        );
    }
    describe_pod_template(&mut w, cj.ptr("/spec/jobTemplate/spec/template"));
    match parse_rfc3339(text(cj, "/status/lastScheduleTime")) {
        Some(t) => w.w(0, &format!("Last Schedule Time:\t{}\n", rfc1123z(Some(t)))),
        None => w.w(0, "Last Schedule Time:\t<unset>\n"),
    }
    w.w(0, "Active Jobs:\t");
    let jobs = arr(cj, "/status/active");
    if jobs.is_empty() {
        w.line("<none>");
    } else {
        for (i, j) in jobs.iter().enumerate() {
            if i != 0 {
                w.w(0, ", ");
            }
            w.w(0, text(j, "/name"));
        }
        w.line("");
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

// ---------------------------------------------------------------------------------------------
// Storage.

/// The storage class of a PV or PVC: the beta annotation first, then the field.
fn claim_class(obj: &Value) -> &str {
    match obj.ptr("/metadata/annotations/volume.beta.kubernetes.io~1storage-class") {
        Some(Value::String(c)) => c,
        _ => text(obj, "/spec/storageClassName"),
    }
}

/// `RWO,ROX,RWX,RWOP`: the access modes in kubectl's fixed order.
fn access_modes(obj: &Value, ptr: &str) -> String {
    let modes = strings(obj, ptr);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| modes.iter().any(|x| x == m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// A PersistentVolume: class, claim, policy, capacity, node affinity and its source.
fn describe_persistent_volume(pv: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(pv, "/metadata/name")));
    meta_labels(&mut w, pv);
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_list(&strings(pv, "/metadata/finalizers"))
        ),
    );
    w.w(0, &format!("StorageClass:\t{}\n", claim_class(pv)));
    if text(pv, "/metadata/deletionTimestamp").is_empty() {
        w.w(0, &format!("Status:\t{}\n", text(pv, "/status/phase")));
    } else {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                since(text(pv, "/metadata/deletionTimestamp"), now)
            ),
        );
    }
    let claim = match pv.ptr("/spec/claimRef").filter(|c| c.is_object()) {
        Some(c) => format!("{}/{}", text(c, "/namespace"), text(c, "/name")),
        None => String::new(),
    };
    w.w(0, &format!("Claim:\t{claim}\n"));
    w.w(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            text(pv, "/spec/persistentVolumeReclaimPolicy")
        ),
    );
    w.w(
        0,
        &format!("Access Modes:\t{}\n", access_modes(pv, "/spec/accessModes")),
    );
    if let Some(m) = pv.ptr("/spec/volumeMode").filter(|m| !m.is_null()) {
        w.w(0, &format!("VolumeMode:\t{}\n", scalar(Some(m))));
    }
    w.w(
        0,
        &format!(
            "Capacity:\t{}\n",
            Quantity::of(pv.ptr("/spec/capacity/storage"))
        ),
    );
    w.w(0, "Node Affinity:\t");
    match pv
        .ptr("/spec/nodeAffinity/required")
        .filter(|r| r.is_object())
    {
        None => w.line("<none>"),
        Some(required) => {
            w.line("");
            w.w(1, "Required Terms:\t");
            let terms = arr(required, "/nodeSelectorTerms");
            if terms.is_empty() {
                w.line("<none>");
            } else {
                w.line("");
                for (i, term) in terms.iter().enumerate() {
                    w.w(2, &format!("Term {i}:\t"));
                    let reqs = arr(term, "/matchExpressions");
                    if reqs.is_empty() {
                        w.line("<none>");
                    }
                    for (j, r) in reqs.iter().enumerate() {
                        if j != 0 {
                            w.w(2, "\t");
                        }
                        let mut expr = format!(
                            "{} {}",
                            text(r, "/key"),
                            text(r, "/operator").to_lowercase()
                        );
                        let values = strings(r, "/values");
                        if !values.is_empty() {
                            expr.push_str(&format!(" [{}]", values.join(", ")));
                        }
                        w.w(0, &format!("{expr}\n"));
                    }
                }
            }
        }
    }
    w.w(0, &format!("Message:\t{}\n", text(pv, "/status/message")));
    w.w(0, "Source:\n");
    match pv.get("spec") {
        Some(spec) if spec.get("local").is_some_and(Value::is_object) => w.w(
            2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                text(spec, "/local/path")
            ),
        ),
        Some(spec) if spec.get("csi").is_some_and(Value::is_object) => {
            let csi = spec.get("csi").cloned().unwrap_or(Value::Null);
            w.w(
                2,
                &format!(
                    "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                    text(&csi, "/driver"),
                    text(&csi, "/fsType"),
                    text(&csi, "/volumeHandle"),
                    boolean(&csi, "/readOnly")
                ),
            );
            csi_attributes(&mut w, &csi);
        }
        Some(spec) => volume_source(&mut w, spec),
        None => w.w(1, "<unknown>\n"),
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A PersistentVolumeClaim: class, volume, capacity and the pods that use it.
fn describe_claim(pvc: &Value, pods: &[Value], events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(pvc, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(pvc, "/metadata/namespace")),
    );
    w.w(0, &format!("StorageClass:\t{}\n", claim_class(pvc)));
    if text(pvc, "/metadata/deletionTimestamp").is_empty() {
        w.w(0, &format!("Status:\t{}\n", text(pvc, "/status/phase")));
    } else {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                since(text(pvc, "/metadata/deletionTimestamp"), now)
            ),
        );
    }
    let volume = text(pvc, "/spec/volumeName");
    w.w(0, &format!("Volume:\t{volume}\n"));
    meta_labels(&mut w, pvc);
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_list(&strings(pvc, "/metadata/finalizers"))
        ),
    );
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            Quantity::of(pvc.ptr("/status/capacity/storage")).to_string(),
            access_modes(pvc, "/status/accessModes"),
        )
    };
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    if let Some(m) = pvc.ptr("/spec/volumeMode").filter(|m| !m.is_null()) {
        w.w(0, &format!("VolumeMode:\t{}\n", scalar(Some(m))));
    }
    if let Some(ds) = pvc.ptr("/spec/dataSource").filter(|d| d.is_object()) {
        w.w(0, "DataSource:\n");
        if let Some(g) = ds.get("apiGroup").filter(|g| !g.is_null()) {
            w.w(1, &format!("APIGroup:\t{}\n", scalar(Some(g))));
        }
        w.w(1, &format!("Kind:\t{}\n", text(ds, "/kind")));
        w.w(1, &format!("Name:\t{}\n", text(ds, "/name")));
    }
    let name = text(pvc, "/metadata/name");
    let mut users: Vec<&str> = Vec::new();
    for pod in pods {
        for v in arr(pod, "/spec/volumes") {
            if text(v, "/persistentVolumeClaim/claimName") == name {
                users.push(text(pod, "/metadata/name"));
            }
        }
    }
    for owner in arr(pvc, "/metadata/ownerReferences") {
        if text(owner, "/kind") != "Pod" {
            continue;
        }
        if let Some(pod) = pods
            .iter()
            .find(|p| text(p, "/metadata/uid") == text(owner, "/uid"))
        {
            let pod_name = text(pod, "/metadata/name");
            if !users.contains(&pod_name) {
                users.push(pod_name);
            }
        }
    }
    crate::sim::sort::natural(&mut users);
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.line("<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i != 0 {
                w.w(0, "");
                w.w(0, "\t");
            }
            w.w(0, &format!("{u}\n"));
        }
    }
    let conditions = arr(pvc, "/status/conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(
            1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    time_at(c, "/lastProbeTime"),
                    time_at(c, "/lastTransitionTime"),
                    text(c, "/reason"),
                    text(c, "/message")
                ),
            );
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A StorageClass: default or not, provisioner, parameters and policies.
fn describe_storage_class(sc: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(sc, "/metadata/name")));
    let annotations = string_map(sc, "/metadata/annotations");
    let default = annotations.iter().any(|(k, v)| {
        (k == "storageclass.kubernetes.io/is-default-class"
            || k == "storageclass.beta.kubernetes.io/is-default-class")
            && v == "true"
    });
    w.w(
        0,
        &format!("IsDefaultClass:\t{}\n", if default { "Yes" } else { "No" }),
    );
    w.w(
        0,
        &format!("Annotations:\t{}\n", format_labels(&annotations)),
    );
    w.w(0, &format!("Provisioner:\t{}\n", text(sc, "/provisioner")));
    w.w(
        0,
        &format!(
            "Parameters:\t{}\n",
            format_labels(&string_map(sc, "/parameters"))
        ),
    );
    let expansion = match sc.get("allowVolumeExpansion").and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.w(0, &format!("AllowVolumeExpansion:\t{expansion}\n"));
    let options = strings(sc, "/mountOptions");
    if options.is_empty() {
        w.w(0, "MountOptions:\t<none>\n");
    } else {
        w.w(0, "MountOptions:\n");
        for o in options {
            w.w(1, &format!("{o}\n"));
        }
    }
    if let Some(p) = sc.get("reclaimPolicy").filter(|p| !p.is_null()) {
        w.w(0, &format!("ReclaimPolicy:\t{}\n", scalar(Some(p))));
    }
    if let Some(m) = sc.get("volumeBindingMode").filter(|m| !m.is_null()) {
        w.w(0, &format!("VolumeBindingMode:\t{}\n", scalar(Some(m))));
    }
    if let Some(topologies) = sc.get("allowedTopologies").and_then(Value::as_array) {
        w.w(0, "AllowedTopologies:\t");
        if topologies.is_empty() {
            w.line("<none>");
        } else {
            w.line("");
            for (i, term) in topologies.iter().enumerate() {
                w.w(1, &format!("Term {i}:\t"));
                let reqs = arr(term, "/matchLabelExpressions");
                if reqs.is_empty() {
                    w.line("<none>");
                }
                for (j, r) in reqs.iter().enumerate() {
                    if j != 0 {
                        w.w(1, "\t");
                    }
                    let mut expr = format!("{} in", text(r, "/key"));
                    let values = strings(r, "/values");
                    if !values.is_empty() {
                        expr.push_str(&format!(" [{}]", values.join(", ")));
                    }
                    w.w(0, &format!("{expr}\n"));
                }
            }
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// The attributes of a CSI volume, one per line.
fn csi_attributes(w: &mut W, csi: &Value) {
    let attrs = string_map(csi, "/volumeAttributes");
    w.w(2, "VolumeAttributes:\t");
    if attrs.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i != 0 {
            w.w(2, "");
            w.w(2, "\t");
        }
        w.w(
            2,
            &format!("{}\n", shorten(&format!("{k}={v}"), MAX_ANNOTATION_LEN)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Networking.

/// A NetworkPolicy: which pods it selects and the traffic it allows.
fn describe_network_policy(np: &Value) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(np, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(np, "/metadata/namespace")),
    );
    let created = parse_rfc3339(text(np, "/metadata/creationTimestamp"))
        .map_or_else(|| "0001-01-01 00:00:00 +0000 UTC".to_string(), go_time);
    w.w(0, &format!("Created on:\t{created}\n"));
    meta_labels(&mut w, np);
    w.w(0, "Spec:\n");
    w.w(1, "PodSelector: ");
    let selector = np.ptr("/spec/podSelector");
    let empty = selector.is_none_or(|s| {
        string_map(s, "/matchLabels").is_empty() && arr(s, "/matchExpressions").is_empty()
    });
    if empty {
        w.w(
            2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.w(2, &format!("{}\n", format_label_selector(selector)));
    }
    let types = strings(np, "/spec/policyTypes");
    let indent = "    ";
    if types.iter().any(|t| t == "Ingress") {
        w.w(1, "Allowing ingress traffic:\n");
        policy_rules(
            &mut w,
            arr(np, "/spec/ingress"),
            "from",
            "From",
            "source",
            indent,
        );
    } else {
        w.w(1, "Not affecting ingress traffic\n");
    }
    if types.iter().any(|t| t == "Egress") {
        w.w(1, "Allowing egress traffic:\n");
        policy_rules(
            &mut w,
            arr(np, "/spec/egress"),
            "to",
            "To",
            "destination",
            indent,
        );
    } else {
        w.w(1, "Not affecting egress traffic\n");
    }
    let shown = if types.is_empty() {
        "<none>".to_string()
    } else {
        types.join(", ")
    };
    w.w(1, &format!("Policy Types: {shown}\n"));
    w.finish()
}

/// Go's `time.Time.String()` in UTC: `2026-11-29 10:00:00 +0000 UTC`.
fn go_time(t: Instant) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} +0000 UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The ingress or egress rules of a network policy.
fn policy_rules(w: &mut W, rules: &[Value], peers: &str, title: &str, noun: &str, indent: &str) {
    if rules.is_empty() {
        let what = if peers == "from" { "ingress" } else { "egress" };
        w.w(
            0,
            &format!("{indent}<none> (Selected pods are isolated for {what} connectivity)\n"),
        );
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let ports = arr(rule, "/ports");
        if ports.is_empty() {
            w.w(
                0,
                &format!("{indent}To Port: <any> (traffic allowed to all ports)\n"),
            );
        }
        for port in ports {
            let proto = match text(port, "/protocol") {
                "" => "TCP",
                p => p,
            };
            let number = match port.get("port") {
                None | Some(Value::Null) => "<nil>".to_string(),
                Some(p) => scalar(Some(p)),
            };
            match port.get("endPort").and_then(Value::as_i64) {
                None => w.w(0, &format!("{indent}To Port: {number}/{proto}\n")),
                Some(end) => w.w(
                    0,
                    &format!("{indent}To Port Range: {number}-{end}/{proto}\n"),
                ),
            }
        }
        let list = arr(rule, &format!("/{peers}"));
        if list.is_empty() {
            w.w(
                0,
                &format!("{indent}{title}: <any> (traffic not restricted by {noun})\n"),
            );
        }
        for peer in list {
            w.w(0, &format!("{indent}{title}:\n"));
            let pods = peer.get("podSelector").filter(|s| !s.is_null());
            let namespaces = peer.get("namespaceSelector").filter(|s| !s.is_null());
            if namespaces.is_some() {
                w.w(
                    1,
                    &format!(
                        "{indent}NamespaceSelector: {}\n",
                        format_label_selector(namespaces)
                    ),
                );
            }
            if pods.is_some() {
                w.w(
                    1,
                    &format!("{indent}PodSelector: {}\n", format_label_selector(pods)),
                );
            }
            if pods.is_none() && namespaces.is_none() {
                if let Some(block) = peer.get("ipBlock").filter(|b| b.is_object()) {
                    w.w(1, &format!("{indent}IPBlock:\n"));
                    w.w(2, &format!("{indent}CIDR: {}\n", text(block, "/cidr")));
                    w.w(
                        2,
                        &format!("{indent}Except: {}\n", strings(block, "/except").join(", ")),
                    );
                }
            }
        }
        if i + 1 != rules.len() {
            w.w(0, &format!("{indent}----------\n"));
        }
    }
}

/// An Ingress: class, default backend, TLS and the rules with their backends.
fn describe_ingress(
    ing: &Value,
    backends: &[String],
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    let mut backends = backends.iter();
    w.w(0, &format!("Name:\t{}\n", text(ing, "/metadata/name")));
    labels_block(&mut w, "", "Labels", &string_map(ing, "/metadata/labels"));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(ing, "/metadata/namespace")),
    );
    let mut addresses: Vec<&str> = arr(ing, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| match text(i, "/ip") {
            "" => text(i, "/hostname"),
            ip => ip,
        })
        .filter(|a| !a.is_empty())
        .collect();
    crate::sim::sort::natural(&mut addresses);
    addresses.dedup();
    w.w(0, &format!("Address:\t{}\n", addresses.join(",")));
    let class = match ing.ptr("/spec/ingressClassName") {
        Some(Value::String(c)) => c.clone(),
        _ => "<none>".into(),
    };
    w.w(0, &format!("Ingress Class:\t{class}\n"));
    let default = if ing
        .ptr("/spec/defaultBackend")
        .is_some_and(Value::is_object)
    {
        backends.next().cloned().unwrap_or_default()
    } else {
        "<default>".to_string()
    };
    w.w(0, &format!("Default backend:\t{default}\n"));
    let tls = arr(ing, "/spec/tls");
    if !tls.is_empty() {
        w.w(0, "TLS:\n");
        for t in tls {
            let hosts = strings(t, "/hosts").join(",");
            match text(t, "/secretName") {
                "" => w.w(1, &format!("SNI routes {hosts}\n")),
                secret => w.w(1, &format!("{secret} terminates {hosts}\n")),
            }
        }
    }
    w.w(0, "Rules:\n  Host\tPath\tBackends\n");
    w.w(1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in arr(ing, "/spec/rules") {
        if !rule.get("http").is_some_and(Value::is_object) {
            continue;
        }
        count += 1;
        let host = match text(rule, "/host") {
            "" => "*",
            h => h,
        };
        w.w(1, &format!("{host}\t\n"));
        for path in arr(rule, "/http/paths") {
            let backend = backends.next().cloned().unwrap_or_default();
            w.w(2, &format!("\t{} \t{backend}\n", text(path, "/path")));
        }
    }
    if count == 0 {
        w.w(1, &format!("*\t*\t{default}\n"));
    }
    annotations_block(
        &mut w,
        "Annotations",
        &string_map(ing, "/metadata/annotations"),
    );
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

// ---------------------------------------------------------------------------------------------
// Endpoints, disruption budgets, ingress classes, autoscalers.

/// An EndpointSlice: its ports and each endpoint with its conditions.
fn describe_endpoint_slice(eps: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(eps, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(eps, "/metadata/namespace")),
    );
    meta_labels(&mut w, eps);
    w.w(0, &format!("AddressType:\t{}\n", text(eps, "/addressType")));
    let ports = arr(eps, "/ports");
    if ports.is_empty() {
        w.w(0, "Ports: <unset>\n");
    } else {
        w.w(0, "Ports:\n");
        w.w(1, "Name\tPort\tProtocol\n");
        w.w(1, "----\t----\t--------\n");
        for p in ports {
            let name = match text(p, "/name") {
                "" => "<unset>",
                n => n,
            };
            let number = p
                .get("port")
                .and_then(Value::as_i64)
                .map_or_else(|| "<unset>".to_string(), |n| n.to_string());
            w.w(1, &format!("{name}\t{number}\t{}\n", text(p, "/protocol")));
        }
    }
    let endpoints = arr(eps, "/endpoints");
    if endpoints.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        let or_unset = |v: Option<&Value>| match v {
            None | Some(Value::Null) => "<unset>".to_string(),
            Some(x) => scalar(Some(x)),
        };
        for e in endpoints {
            let addresses = strings(e, "/addresses").join(", ");
            w.w(1, &format!("- Addresses:\t{}\n", or_none(&addresses)));
            w.w(2, "Conditions:\n");
            w.w(
                3,
                &format!("Ready:\t{}\n", or_unset(e.ptr("/conditions/ready"))),
            );
            w.w(2, &format!("Hostname:\t{}\n", or_unset(e.get("hostname"))));
            if let Some(t) = e.get("targetRef").filter(|t| t.is_object()) {
                w.w(
                    2,
                    &format!("TargetRef:\t{}/{}\n", text(t, "/kind"), text(t, "/name")),
                );
            }
            w.w(2, &format!("NodeName:\t{}\n", or_unset(e.get("nodeName"))));
            w.w(2, &format!("Zone:\t{}\n", or_unset(e.get("zone"))));
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// Endpoints: the ready and not-ready addresses and ports of each subset.
fn describe_endpoints(ep: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(ep, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(ep, "/metadata/namespace")),
    );
    meta_labels(&mut w, ep);
    w.w(0, "Subsets:\n");
    for subset in arr(ep, "/subsets") {
        for (field, label) in [
            ("/addresses", "Addresses"),
            ("/notReadyAddresses", "NotReadyAddresses"),
        ] {
            let ips: Vec<&str> = arr(subset, field).iter().map(|a| text(a, "/ip")).collect();
            w.w(1, &format!("{label}:\t{}\n", or_none(&ips.join(","))));
        }
        let ports = arr(subset, "/ports");
        if !ports.is_empty() {
            w.w(1, "Ports:\n");
            w.w(2, "Name\tPort\tProtocol\n");
            w.w(2, "----\t----\t--------\n");
            for p in ports {
                let name = match text(p, "/name") {
                    "" => "<unset>",
                    n => n,
                };
                w.w(
                    2,
                    &format!("{name}\t{}\t{}\n", int(p, "/port"), text(p, "/protocol")),
                );
            }
        }
        w.w(0, "\n");
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A PodDisruptionBudget: its bound, selector and status.
fn describe_disruption_budget(pdb: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(pdb, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(pdb, "/metadata/namespace")),
    );
    if let Some(m) = pdb.ptr("/spec/minAvailable").filter(|m| !m.is_null()) {
        w.w(0, &format!("Min available:\t{}\n", scalar(Some(m))));
    } else if let Some(m) = pdb.ptr("/spec/maxUnavailable").filter(|m| !m.is_null()) {
        w.w(0, &format!("Max unavailable:\t{}\n", scalar(Some(m))));
    }
    match pdb.ptr("/spec/selector").filter(|s| !s.is_null()) {
        Some(sel) => w.w(
            0,
            &format!("Selector:\t{}\n", format_label_selector(Some(sel))),
        ),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(0, "Status:\n");
    for (field, label) in [
        ("disruptionsAllowed", "Allowed disruptions"),
        ("currentHealthy", "Current"),
        ("desiredHealthy", "Desired"),
        ("expectedPods", "Total"),
    ] {
        w.w(
            2,
            &format!("{label}:\t{}\n", int(pdb, &format!("/status/{field}"))),
        );
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// An IngressClass: its controller and parameters.
fn describe_ingress_class(ic: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(ic, "/metadata/name")));
    meta_labels(&mut w, ic);
    w.w(
        0,
        &format!("Controller:\t{}\n", text(ic, "/spec/controller")),
    );
    if let Some(p) = ic.ptr("/spec/parameters").filter(|p| p.is_object()) {
        w.w(0, "Parameters:\n");
        if let Some(g) = p.get("apiGroup").filter(|g| !g.is_null()) {
            w.w(1, &format!("APIGroup:\t{}\n", scalar(Some(g))));
        }
        w.w(1, &format!("Kind:\t{}\n", text(p, "/kind")));
        w.w(1, &format!("Name:\t{}\n", text(p, "/name")));
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A HorizontalPodAutoscaler (autoscaling/v2): metrics with current and target values.
fn describe_autoscaler(hpa: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(hpa, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(hpa, "/metadata/namespace")),
    );
    meta_labels(&mut w, hpa);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(hpa, "/metadata/creationTimestamp")
        ),
    );
    let kind = text(hpa, "/spec/scaleTargetRef/kind");
    w.w(
        0,
        &format!(
            "Reference:\t{kind}/{}\n",
            text(hpa, "/spec/scaleTargetRef/name")
        ),
    );
    w.w(0, "Metrics:\t( current / target )\n");
    let current_metrics = arr(hpa, "/status/currentMetrics");
    let q = |v: Option<&Value>| Quantity::of(v).to_string();
    for (i, metric) in arr(hpa, "/spec/metrics").iter().enumerate() {
        let current = |field: &str| {
            current_metrics
                .get(i)
                .and_then(|c| c.get(field))
                .filter(|c| c.is_object())
        };
        match text(metric, "/type") {
            "External" => {
                let name = go_quote(text(metric, "/external/metric/name"));
                if let Some(target) = metric
                    .ptr("/external/target/averageValue")
                    .filter(|v| !v.is_null())
                {
                    let cur = current("external")
                        .and_then(|c| c.ptr("/current/averageValue"))
                        .filter(|v| !v.is_null())
                        .map_or_else(|| "<unknown>".to_string(), |v| q(Some(v)));
                    w.w(
                        1,
                        &format!(
                            "{name} (target average value):\t{cur} / {}\n",
                            q(Some(target))
                        ),
                    );
                } else {
                    let cur = current("external")
                        .map_or_else(|| "<unknown>".to_string(), |c| q(c.ptr("/current/value")));
                    w.w(
                        1,
                        &format!(
                            "{name} (target value):\t{cur} / {}\n",
                            q(metric.ptr("/external/target/value"))
                        ),
                    );
                }
            }
            "Pods" => {
                let cur = current("pods").map_or_else(
                    || "<unknown>".to_string(),
                    |c| q(c.ptr("/current/averageValue")),
                );
                w.w(
                    1,
                    &format!(
                        "{} on pods:\t{cur} / {}\n",
                        go_quote(text(metric, "/pods/metric/name")),
                        q(metric.ptr("/pods/target/averageValue"))
                    ),
                );
            }
            "Object" => {
                w.w(
                    1,
                    &format!(
                        "\"{}\" on {}/{} ",
                        text(metric, "/object/metric/name"),
                        text(metric, "/object/describedObject/kind"),
                        text(metric, "/object/describedObject/name")
                    ),
                );
                if text(metric, "/object/target/type") == "AverageValue" {
                    let cur = current("object").map_or_else(
                        || "<unknown>".to_string(),
                        |c| q(c.ptr("/current/averageValue")),
                    );
                    w.w(
                        0,
                        &format!(
                            "(target average value):\t{cur} / {}\n",
                            q(metric.ptr("/object/target/averageValue"))
                        ),
                    );
                } else {
                    let cur = current("object")
                        .map_or_else(|| "<unknown>".to_string(), |c| q(c.ptr("/current/value")));
                    w.w(
                        0,
                        &format!(
                            "(target value):\t{cur} / {}\n",
                            q(metric.ptr("/object/target/value"))
                        ),
                    );
                }
            }
            kind @ ("Resource" | "ContainerResource") => {
                let field = if kind == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let name = text(metric, &format!("/{field}/name"));
                if kind == "Resource" {
                    w.w(1, &format!("resource {name} on pods"));
                } else {
                    w.w(
                        1,
                        &format!(
                            "resource {name} of container \"{}\" on pods",
                            text(metric, "/containerResource/container")
                        ),
                    );
                }
                if let Some(target) = metric
                    .ptr(&format!("/{field}/target/averageValue"))
                    .filter(|v| !v.is_null())
                {
                    let cur = current(field).map_or_else(
                        || "<unknown>".to_string(),
                        |c| q(c.ptr("/current/averageValue")),
                    );
                    w.w(0, &format!(":\t{cur} / {}\n", q(Some(target))));
                } else {
                    let cur = current(field)
                        .and_then(|c| {
                            c.ptr("/current/averageUtilization")
                                .and_then(Value::as_i64)
                                .map(|u| format!("{u}% ({})", q(c.ptr("/current/averageValue"))))
                        })
                        .unwrap_or_else(|| "<unknown>".into());
                    let target = metric
                        .ptr(&format!("/{field}/target/averageUtilization"))
                        .and_then(Value::as_i64)
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    w.w(
                        1,
                        &format!("(as a percentage of request):\t{cur} / {target}\n"),
                    );
                }
            }
            other => w.w(1, &format!("<unknown metric type {}>\n", go_quote(other))),
        }
    }
    let min = hpa
        .ptr("/spec/minReplicas")
        .and_then(Value::as_i64)
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    w.w(0, &format!("Min replicas:\t{min}\n"));
    w.w(
        0,
        &format!("Max replicas:\t{}\n", int(hpa, "/spec/maxReplicas")),
    );
    if let Some(b) = hpa.ptr("/spec/behavior").filter(|b| b.is_object()) {
        w.w(0, "Behavior:\n");
        for (field, title) in [("scaleUp", "Scale Up"), ("scaleDown", "Scale Down")] {
            let Some(rules) = b.get(field).filter(|r| r.is_object()) else {
                continue;
            };
            w.w(1, &format!("{title}:\n"));
            if let Some(win) = rules
                .get("stabilizationWindowSeconds")
                .and_then(Value::as_i64)
            {
                w.w(2, &format!("Stabilization Window: {win} seconds\n"));
            }
            let policies = arr(rules, "/policies");
            if !policies.is_empty() {
                let select = match text(rules, "/selectPolicy") {
                    "" => "Max",
                    s => s,
                };
                w.w(2, &format!("Select Policy: {select}\n"));
                w.w(2, "Policies:\n");
                for p in policies {
                    w.w(
                        3,
                        &format!(
                            "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                            text(p, "/type"),
                            int(p, "/value"),
                            int(p, "/periodSeconds")
                        ),
                    );
                }
            }
        }
    }
    w.w(0, &format!("{kind} pods:\t"));
    w.w(
        0,
        &format!(
            "{} current / {} desired\n",
            int(hpa, "/status/currentReplicas"),
            int(hpa, "/status/desiredReplicas")
        ),
    );
    let conditions = arr(hpa, "/status/conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tReason\tMessage\n");
        w.w(1, "----\t------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    text(c, "/reason"),
                    text(c, "/message")
                ),
            );
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A ReplicationController: replicas, the status of its pods and the pod template.
fn describe_replication_controller(
    rc: &Value,
    counts: PhaseCounts,
    events: Option<&[Value]>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(rc, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(rc, "/metadata/namespace")),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&string_map(rc, "/spec/selector"))
        ),
    );
    meta_labels(&mut w, rc);
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rc, "/status/replicas"),
            int(rc, "/spec/replicas")
        ),
    );
    w.w(0, &format!("Pods Status:\t{counts}\n"));
    describe_pod_template(&mut w, rc.ptr("/spec/template"));
    workload_conditions(&mut w, rc);
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A VolumeAttributesClass: driver and parameters.
fn describe_attributes_class(vac: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(vac, "/metadata/name")));
    w.w(
        0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(&string_map(vac, "/metadata/annotations"))
        ),
    );
    w.w(0, &format!("DriverName:\t{}\n", text(vac, "/driverName")));
    w.w(
        0,
        &format!(
            "Parameters:\t{}\n",
            format_labels(&string_map(vac, "/parameters"))
        ),
    );
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A CSINode: the CSI drivers registered on a node.
fn describe_csi_node(csi: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(csi, "/metadata/name")));
    meta_labels(&mut w, csi);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(csi, "/metadata/creationTimestamp")
        ),
    );
    w.w(0, "Spec:\n");
    if let Some(drivers) = csi.ptr("/spec/drivers").and_then(Value::as_array) {
        w.w(1, "Drivers:\n");
        for d in drivers {
            w.w(2, &format!("{}:\n", text(d, "/name")));
            w.w(3, &format!("Node ID:\t{}\n", text(d, "/nodeID")));
            if let Some(count) = d.ptr("/allocatable/count").and_then(Value::as_i64) {
                w.w(3, "Allocatables:\n");
                w.w(4, &format!("Count:\t{count}\n"));
            }
            if d.get("topologyKeys").is_some_and(Value::is_array) {
                w.w(
                    3,
                    &format!(
                        "Topology Keys:\t{}\n",
                        go_list(&strings(d, "/topologyKeys"))
                    ),
                );
            }
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// A ServiceCIDR: its ranges and conditions.
fn describe_service_cidr(svc: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(svc, "/metadata/name")));
    meta_labels(&mut w, svc);
    w.w(
        0,
        &format!("CIDRs:\t{}\n", strings(svc, "/spec/cidrs").join(", ")),
    );
    let conditions = arr(svc, "/status/conditions");
    if !conditions.is_empty() {
        w.w(0, "Status:\n");
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    time_at(c, "/lastTransitionTime"),
                    text(c, "/reason"),
                    text(c, "/message")
                ),
            );
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// An IPAddress: the object it is allocated to.
fn describe_ip_address(ip: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(ip, "/metadata/name")));
    meta_labels(&mut w, ip);
    if let Some(p) = ip.ptr("/spec/parentRef").filter(|p| p.is_object()) {
        w.w(0, "Parent Reference:\n");
        for (field, label) in [
            ("group", "Group"),
            ("resource", "Resource"),
            ("namespace", "Namespace"),
            ("name", "Name"),
        ] {
            w.w(1, &format!("{label}:\t{}\n", text(p, &format!("/{field}"))));
        }
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

// ---------------------------------------------------------------------------------------------
// Nodes.

type Resources = Vec<(String, Quantity)>;

fn lookup(list: &Resources, name: &str) -> Quantity {
    list.iter()
        .find(|(n, _)| n == name)
        .map_or_else(Quantity::zero, |(_, q)| *q)
}

/// A pod's effective requests or limits (`resourcehelper.PodRequests`/`PodLimits`): the
/// containers and sidecars summed, or the largest init container when that is more;
/// pod-level resources win for CPU and memory; the overhead is added.
fn pod_resources(pod: &Value, field: &str) -> ResourceList {
    podresources::pod_resources(
        pod,
        field,
        podresources::Extras {
            pod_level: true,
            overhead: true,
        },
    )
}

fn amount(list: &ResourceList, name: &str) -> Quantity {
    list.get(name).copied().unwrap_or_else(Quantity::zero)
}

/// The roles of a node, from its `node-role.kubernetes.io/*` and `kubernetes.io/role` labels.
fn node_roles(node: &Value) -> Vec<String> {
    let mut roles: Vec<String> = string_map(node, "/metadata/labels")
        .into_iter()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                (!role.is_empty()).then(|| role.to_string())
            } else if k == "kubernetes.io/role" && !v.is_empty() {
                Some(v)
            } else {
                None
            }
        })
        .collect();
    crate::sim::sort::natural(&mut roles);
    roles.dedup();
    roles
}

/// A Node: roles, taints, lease, conditions, capacity, system info and the pods on it.
fn describe_node(
    node: &Value,
    pods: Option<&[Value]>,
    events: Option<&[Value]>,
    slices: &[Value],
    lease: &Result<Value, String>,
    now: Instant,
) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(node, "/metadata/name")));
    let roles = node_roles(node);
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    w.w(0, &format!("Roles:\t{roles}\n"));
    meta_labels(&mut w, node);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(node, "/metadata/creationTimestamp")
        ),
    );
    w.w(0, "Taints:\t");
    let mut taints: Vec<&Value> = arr(node, "/spec/taints").iter().collect();
    if taints.is_empty() {
        w.line("<none>");
    } else {
        let key = |t: &Value| format!("{},{}", text(t, "/effect"), text(t, "/key"));
        crate::sim::sort::by_key(&mut taints, &|t| key(t));
        for (i, t) in taints.into_iter().enumerate() {
            if i != 0 {
                w.w(0, "");
                w.w(0, "\t");
            }
            let (k, v, e) = (text(t, "/key"), text(t, "/value"), text(t, "/effect"));
            let s = match (v.is_empty(), e.is_empty()) {
                (true, true) => k.to_string(),
                (false, true) => format!("{k}={v}:"),
                (true, false) => format!("{k}:{e}"),
                (false, false) => format!("{k}={v}:{e}"),
            };
            w.w(0, &format!("{s}\n"));
        }
    }
    w.w(
        0,
        &format!("Unschedulable:\t{}\n", boolean(node, "/spec/unschedulable")),
    );
    match lease {
        Ok(l) => {
            w.w(0, "Lease:\n");
            let holder = match l.ptr("/spec/holderIdentity") {
                Some(Value::String(h)) => h.clone(),
                _ => "<unset>".into(),
            };
            w.w(1, &format!("HolderIdentity:\t{holder}\n"));
            for (field, label) in [
                ("/spec/acquireTime", "AcquireTime"),
                ("/spec/renewTime", "RenewTime"),
            ] {
                let value = match parse_rfc3339(text(l, field)) {
                    Some(t) => rfc1123z(Some(t)),
                    None => "<unset>".into(),
                };
                w.w(1, &format!("{label}:\t{value}\n"));
            }
        }
        Err(e) => w.w(0, &format!("Lease:\tFailed to get lease: {e}\n")),
    }
    let conditions = arr(node, "/status/conditions");
    if !conditions.is_empty() {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    text(c, "/type"),
                    text(c, "/status"),
                    time_at(c, "/lastHeartbeatTime"),
                    time_at(c, "/lastTransitionTime"),
                    text(c, "/reason"),
                    text(c, "/message")
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in arr(node, "/status/addresses") {
        w.w(
            1,
            &format!("{}:\t{}\n", text(a, "/type"), text(a, "/address")),
        );
    }
    let capacity = resource_list(node, "/status/capacity");
    let allocatable = resource_list(node, "/status/allocatable");
    for (title, list) in [("Capacity", &capacity), ("Allocatable", &allocatable)] {
        if !list.is_empty() {
            w.w(0, &format!("{title}:\n"));
            for (name, q) in list {
                w.w(0, &format!("  {name}:\t{q}\n"));
            }
        }
    }
    node_resource_slices(&mut w, slices);
    w.w(0, "System Info:\n");
    for (field, label) in [
        ("machineID", "Machine ID"),
        ("systemUUID", "System UUID"),
        ("bootID", "Boot ID"),
        ("kernelVersion", "Kernel Version"),
        ("osImage", "OS Image"),
        ("operatingSystem", "Operating System"),
        ("architecture", "Architecture"),
        ("containerRuntimeVersion", "Container Runtime Version"),
        ("kubeletVersion", "Kubelet Version"),
    ] {
        w.w(
            0,
            &format!(
                "  {label}:\t{}\n",
                text(node, &format!("/status/nodeInfo/{field}"))
            ),
        );
    }
    let cidr = text(node, "/spec/podCIDR");
    if !cidr.is_empty() {
        w.w(0, &format!("PodCIDR:\t{cidr}\n"));
    }
    let cidrs = strings(node, "/spec/podCIDRs");
    if !cidrs.is_empty() {
        w.w(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    let provider = text(node, "/spec/providerID");
    if !provider.is_empty() {
        w.w(0, &format!("ProviderID:\t{provider}\n"));
    }
    match pods {
        Some(pods) => {
            let alloc = if allocatable.is_empty() {
                &capacity
            } else {
                &allocatable
            };
            node_pods(&mut w, pods, alloc, now);
        }
        None => w.w(0, "Pods:\tnot authorized\n"),
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// The ResourceSlices of a node, per driver and pool (at most ten pools).
fn node_resource_slices(w: &mut W, slices: &[Value]) {
    let mut pools: Vec<(String, String, usize, usize)> = Vec::new();
    for s in slices {
        let driver = text(s, "/spec/driver").to_string();
        let pool = text(s, "/spec/pool/name").to_string();
        let devices = arr(s, "/spec/devices").len();
        match pools.iter_mut().find(|p| p.0 == driver && p.1 == pool) {
            Some(p) => {
                p.2 += 1;
                p.3 += devices;
            }
            None => pools.push((driver, pool, 1, devices)),
        }
    }
    if pools.is_empty() {
        return;
    }
    crate::sim::sort::by(&mut pools, &|a, b| {
        format!("{}/{}", a.0, a.1).cmp(&format!("{}/{}", b.0, b.1))
    });
    w.w(0, "Node-Local ResourceSlices:\n");
    w.w(1, "Driver\tPool\tSlices\tDevices\n");
    w.w(1, "------\t----\t------\t-------\n");
    let total = pools.len();
    for (i, (driver, pool, n, devices)) in pools.into_iter().enumerate() {
        if i >= 10 {
            w.w(1, &format!("...and {} more pools\n", total - 10));
            break;
        }
        w.w(1, &format!("{driver}\t{pool}\t{n}\t{devices}\n"));
    }
}

/// The non-terminated pods on a node and the resources they take of what it can allocate.
fn node_pods(w: &mut W, pods: &[Value], alloc: &Resources, now: Instant) {
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let alloc_cpu = lookup(alloc, "cpu").milli_value();
    let alloc_mem = lookup(alloc, "memory").value();
    let mut total_req = ResourceList::new();
    let mut total_lim = ResourceList::new();
    for pod in pods {
        let req = pod_resources(pod, "requests");
        let lim = pod_resources(pod, "limits");
        let (cr, cl, mr, ml) = (
            amount(&req, "cpu"),
            amount(&lim, "cpu"),
            amount(&req, "memory"),
            amount(&lim, "memory"),
        );
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{cr} ({}%)\t{cl} ({}%)\t{mr} ({}%)\t{ml} ({}%)\t{}\n",
                text(pod, "/metadata/namespace"),
                text(pod, "/metadata/name"),
                go_percent(cr.milli_value(), alloc_cpu),
                go_percent(cl.milli_value(), alloc_cpu),
                go_percent(mr.value(), alloc_mem),
                go_percent(ml.value(), alloc_mem),
                since(text(pod, "/metadata/creationTimestamp"), now)
            ),
        );
        podresources::add_into(&mut total_req, &req);
        podresources::add_into(&mut total_lim, &lim);
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    let pct = |q: Quantity, den: i128, milli: bool| {
        if den == 0 {
            0
        } else if milli {
            go_percent(q.milli_value(), den)
        } else {
            go_percent(q.value(), den)
        }
    };
    let alloc_eph = lookup(alloc, "ephemeral-storage").value();
    for (name, den, milli) in [
        ("cpu", alloc_cpu, true),
        ("memory", alloc_mem, false),
        ("ephemeral-storage", alloc_eph, false),
    ] {
        let (r, l) = (amount(&total_req, name), amount(&total_lim, name));
        w.w(
            1,
            &format!(
                "{name}\t{r} ({}%)\t{l} ({}%)\n",
                pct(r, den, milli),
                pct(l, den, milli)
            ),
        );
    }
    let mut huge: Vec<&String> = Vec::new();
    let mut extended: Vec<&String> = Vec::new();
    for (name, _) in alloc {
        if name.starts_with("hugepages-") {
            huge.push(name);
        } else if !matches!(
            name.as_str(),
            "cpu" | "memory" | "ephemeral-storage" | "pods"
        ) {
            extended.push(name);
        }
    }
    crate::sim::sort::natural(&mut huge);
    crate::sim::sort::natural(&mut extended);
    for name in huge {
        let den = lookup(alloc, name).value();
        let (r, l) = (amount(&total_req, name), amount(&total_lim, name));
        w.w(
            1,
            &format!(
                "{name}\t{r} ({}%)\t{l} ({}%)\n",
                pct(r, den, false),
                pct(l, den, false)
            ),
        );
    }
    for name in extended {
        w.w(
            1,
            &format!(
                "{name}\t{}\t{}\n",
                amount(&total_req, name),
                amount(&total_lim, name)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Kinds without a describer of their own.

/// Any other object: its fields as a tree, with labels made readable (`Creation Timestamp`).
fn describe_generic(obj: &Value, events: Option<&[Value]>, now: Instant) -> String {
    let mut w = W::new();
    w.w(0, &format!("Name:\t{}\n", text(obj, "/metadata/name")));
    w.w(
        0,
        &format!("Namespace:\t{}\n", text(obj, "/metadata/namespace")),
    );
    meta_labels(&mut w, obj);
    if let Some(map) = obj.as_object() {
        unstructured(&mut w, 0, map, "");
    }
    if let Some(ev) = events {
        events_block(&mut w, ev, now);
    }
    w.finish()
}

/// The fields the generic describer leaves out (shown above, or noise).
const GENERIC_SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

fn unstructured(w: &mut W, level: usize, map: &serde_json::Map<String, Value>, prefix: &str) {
    let mut fields: Vec<&String> = map.keys().collect();
    crate::sim::sort::natural(&mut fields);
    for field in fields {
        let Some(value) = map.get(field) else {
            continue;
        };
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.w(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => unstructured(w, level + 1, m, &path),
                        other => w.w(level + 1, &format!("{}\n", go_v(other))),
                    }
                }
            }
            other => w.w(
                level,
                &format!("{}:\t{}\n", smart_label(field), go_v(other)),
            ),
        }
    }
}

/// A field name made readable: `creationTimestamp` → `Creation Timestamp`, `uid` → `UID`;
/// names with characters other than letters and `-` stay as they are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    // Runs of lower case, upper case and other characters; an upper-case letter followed by
    // lower case starts a new word ("PDFLoader" → "PDF", "Loader").
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else {
            3
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in field.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect();
    let mut merged: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        if let Some(next) = parts.get(i + 1) {
            let all_upper = part.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
            if part.chars().count() >= 2
                && all_upper
                && next.chars().next().is_some_and(char::is_uppercase)
            {
                merged.push(format!("{part}{next}"));
                i += 2;
                continue;
            }
        }
        merged.push(part.clone());
        i += 1;
    }
    merged
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ["API", "URL", "UID", "GUID"].contains(&upper.as_str()) {
                upper
            } else if p.to_lowercase() == p {
                let mut chars = p.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tabwriter_aligns_blocks_of_consecutive_cells() {
        let t = tabwrite("Name:\tx\nLabels:\ta=b\n\tc=d\nPolicyRule:\n  R\tVerbs\n  pods\t[get]\n");
        assert_eq!(
            t,
            "Name:    x\nLabels:  a=b\n         c=d\nPolicyRule:\n  R     Verbs\n  pods  [get]\n"
        );
        // The text after the last tab is in no column; empty cells still pad.
        assert_eq!(tabwrite("IP:\t\nIPs:\t<none>\n"), "IP:   \nIPs:  <none>\n");
    }

    #[test]
    fn quantities_print_canonically() {
        let q = |s: &str| Quantity::parse(s).map(|q| q.to_string());
        assert_eq!(q("500m").as_deref(), Some("500m"));
        assert_eq!(q("1000m").as_deref(), Some("1"));
        assert_eq!(q("0.5").as_deref(), Some("500m"));
        assert_eq!(q("1.5").as_deref(), Some("1500m"));
        assert_eq!(q("128Mi").as_deref(), Some("128Mi"));
        assert_eq!(q("1.5Gi").as_deref(), Some("1536Mi"));
        assert_eq!(q("1024").as_deref(), Some("1024"));
        assert_eq!(q("2000k").as_deref(), Some("2M"));
        assert_eq!(q("512").as_deref(), Some("512"));
        assert_eq!(q("1e3").as_deref(), Some("1e3"));
        assert_eq!(q("0").as_deref(), Some("0"));
        assert_eq!(q("abc"), None);
        assert_eq!(q("1.2.3"), None);
    }

    #[test]
    fn smart_labels_follow_kubectl() {
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("holderIdentity"), "Holder Identity");
        assert_eq!(smart_label("IPAddress"), "IPAddress");
        assert_eq!(smart_label("v1"), "v1");
        assert_eq!(smart_label("a.b"), "a.b");
    }

    #[test]
    fn rules_are_broken_down_compacted_and_sorted() {
        let rules = json!([
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"], "resourceNames": ["a"]},
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get", "post"]}
        ]);
        let rows: Vec<String> =
            super::super::rules::rule_rows(rules.as_array().into_iter().flatten())
                .iter()
                .map(|r| r.join(" "))
                .collect();
        assert_eq!(
            rows,
            [
                "pods [] [] [delete]",
                "pods/log [] [a] [get list]",
                "pods [] [a] [get list]",
                " [/healthz] [] [get]",
                " [/healthz] [] [post]",
            ]
        );
    }

    #[test]
    fn dates_print_as_rfc1123z() {
        assert_eq!(rfc1123z(Some(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc1123z(parse_rfc3339("2026-11-29T09:00:00Z")),
            "Sun, 29 Nov 2026 09:00:00 +0000"
        );
        assert_eq!(rfc1123z(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }

    #[test]
    fn label_selectors_format_like_metav1() {
        let sel = json!({"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "c", "operator": "In", "values": ["y", "x"]}]});
        assert_eq!(format_label_selector(Some(&sel)), "a=1,b=2,c in (x,y)");
        assert_eq!(format_label_selector(None), "<none>");
    }

    #[test]
    fn describers_survive_malformed_objects() {
        let odd = [
            json!(null),
            json!("text"),
            json!(42),
            json!([1, "a", null]),
            json!({"metadata": "x", "spec": [1], "status": 7, "rules": "r", "subjects": {"a": 1}}),
            json!({
                "metadata": {"name": 5, "labels": [1], "annotations": {"a": {"b": 1}}, "ownerReferences": "x"},
                "spec": {
                    "containers": [{"name": 1, "ports": "x", "env": [{"valueFrom": {"fieldRef": 1}}],
                                    "resources": {"limits": {"cpu": "abc", "memory": [1]}},
                                    "livenessProbe": {"httpGet": {"port": {"a": 1}}}}, 7],
                    "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1e99999"}}, "x"],
                    "tolerations": [{"tolerationSeconds": "x"}],
                    "selector": {"matchExpressions": [{"operator": "In", "values": "x"}]},
                    "template": {"spec": {"containers": "x"}},
                    "ports": [{"targetPort": {"x": 1}}],
                    "metrics": [{"type": "Resource"}, {"type": "Object"}, {"type": 3}],
                    "taints": [1, {"key": 2}]
                },
                "status": {"containerStatuses": [{"name": 1, "state": "x"}], "capacity": {"cpu": "-1.5"},
                           "conditions": [1, {"type": []}]},
                "rules": [{"apiGroups": "x", "verbs": [1]}, 3],
                "data": {"k": 1},
                "subsets": [{"addresses": [1]}]
            }),
        ];
        for v in &odd {
            let now = 0;
            let events = [json!({"count": "x"}), json!(3)];
            let ev = Some(&events[..]);
            let many = [v.clone()];
            let _ = describe_role(v);
            let _ = describe_binding(v);
            let _ = describe_service_account(v, ev, now);
            let _ = describe_namespace(v, Some(&many), Some(&many));
            let _ = describe_pod(v, ev, now);
            let _ = describe_config_map(v, ev, now);
            let _ = describe_secret(v);
            let _ = describe_node(v, Some(&many), ev, &many, &Ok(v.clone()), now);
            let _ = describe_quota(v);
            let _ = describe_limit_range(v);
            let _ = describe_priority_class(v, ev, now);
            let _ = describe_service(v, &many, ev, now);
            let _ = describe_deployment(v, Some(&many), ev, now);
            let _ = describe_replica_set(v, Err("e".into()), ev, now);
            let _ = describe_daemon_set(v, PhaseCounts::default(), ev, now);
            let _ = describe_stateful_set(v, PhaseCounts::default(), ev, now);
            let _ = describe_job(v, ev, now);
            let _ = describe_cron_job(v, ev, now);
            let _ = describe_persistent_volume(v, ev, now);
            let _ = describe_claim(v, &many, ev, now);
            let _ = describe_storage_class(v, ev, now);
            let _ = describe_network_policy(v);
            let _ = describe_ingress(v, &[], ev, now);
            let _ = describe_endpoint_slice(v, ev, now);
            let _ = describe_endpoints(v, ev, now);
            let _ = describe_disruption_budget(v, ev, now);
            let _ = describe_ingress_class(v, ev, now);
            let _ = describe_autoscaler(v, ev, now);
            let _ = describe_replication_controller(v, PhaseCounts::default(), ev, now);
            let _ = describe_generic(v, ev, now);
        }
        for q in [
            "1e99999",
            "99999999999999999999999999999Ei",
            "-",
            "+.",
            "1.5e",
            "0.000000000001",
        ] {
            let _ = Quantity::parse(q).map(|q| q.to_string());
        }
    }

    #[test]
    fn query_values_escape_like_go() {
        assert_eq!(
            query_escape("involvedObject.name=a,status.phase!=Failed"),
            "involvedObject.name%3Da%2Cstatus.phase%21%3DFailed"
        );
    }
}

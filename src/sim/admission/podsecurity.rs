//! PodSecurity (`k8s.io/pod-security-admission/admission` behind kube-apiserver's
//! `plugin/pkg/admission/security/podsecurity`): each namespace's
//! `pod-security.kubernetes.io/{enforce,audit,warn}[-version]` labels choose a Pod Security
//! Standard per mode; a pod that fails the enforced level is refused
//! (`violates PodSecurity "restricted:latest": …`), one that fails the warned level is let
//! through with a warning, one that fails the audited level with an audit annotation; workloads
//! with pod templates are warned and audited, never refused; a namespace whose enforce level
//! is tightened is answered with the existing pods that would now be refused. Defaults and
//! exemptions (users, runtime classes, namespaces) come from a `PodSecurityConfiguration` in the
//! `--admission-control-config-file`. The checks are `sim::podsecurity`'s.
//! See <https://kubernetes.io/docs/concepts/security/pod-security-admission/>.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::config::{ConfigError, PluginConfig};
use super::{Attributes, Context, Operation, Verdict};
use crate::sim::controlplane::ControlPlane;
use crate::sim::podsecurity::{self, template_path, Evaluation, Level, LevelVersion, Version};
use crate::sim::ptr::Ptr as _;
use crate::sim::response::{ApiError, FieldError, FieldErrorKind};
use crate::sim::yamlout::go_quote;

pub const NAME: &str = "PodSecurity";

const PREFIX: &str = "pod-security.kubernetes.io/";
const MODES: [&str; 3] = ["enforce", "audit", "warn"];

/// The most existing pods checked when an enforce level is tightened.
const NAMESPACE_MAX_PODS: usize = 3000;

/// `api.Policy`: a level and version per mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub enforce: LevelVersion,
    pub audit: LevelVersion,
    pub warn: LevelVersion,
}

impl Default for Policy {
    fn default() -> Self {
        let p = LevelVersion::new(Level::Privileged, Version::Latest);
        Policy {
            enforce: p,
            audit: p,
            warn: p,
        }
    }
}

impl Policy {
    fn fully_privileged(&self) -> bool {
        [self.enforce, self.audit, self.warn]
            .iter()
            .all(|m| m.level == Level::Privileged)
    }

    fn equivalent(&self, o: &Policy) -> bool {
        self.enforce.equivalent(&o.enforce)
            && self.audit.equivalent(&o.audit)
            && self.warn.equivalent(&o.warn)
    }

    fn mode(&self, mode: &str) -> LevelVersion {
        match mode {
            "enforce" => self.enforce,
            "audit" => self.audit,
            _ => self.warn,
        }
    }
}

/// The plugin's configuration: the defaults for unlabelled modes and the exemptions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub defaults: Policy,
    pub usernames: Vec<String>,
    pub runtime_classes: Vec<String>,
    pub namespaces: Vec<String>,
}

/// `PolicyToEvaluate`: the namespace's labels over the defaults, with a field error per bad
/// label. A bad enforce level reads as restricted; bad audit and warn levels as privileged;
/// bad versions as latest. From v1.26 a warn level left unset follows a stricter enforce level.
pub fn policy_to_evaluate(
    labels: Option<&Map<String, Value>>,
    defaults: &Policy,
    minor: u32,
) -> (Policy, Vec<FieldError>) {
    let mut p = *defaults;
    let mut errs = Vec::new();
    let Some(labels) = labels.filter(|l| !l.is_empty()) else {
        return (p, errs);
    };
    let label = |k: &str| {
        labels
            .get(&format!("{PREFIX}{k}"))
            .map(|v| v.as_str().unwrap_or(""))
    };
    let mut bad = |key: &str, value: &str, detail: &str| {
        errs.push(FieldError {
            kind: FieldErrorKind::Invalid,
            field: format!("metadata.labels[{PREFIX}{key}]"),
            value: Some(go_quote(value)),
            detail: detail.into(),
        })
    };
    let mut has_enforce = false;
    let (mut has_warn, mut has_warn_version) = (false, false);
    for mode in MODES {
        let slot = match mode {
            "enforce" => &mut p.enforce,
            "audit" => &mut p.audit,
            _ => &mut p.warn,
        };
        if let Some(v) = label(mode) {
            match Level::parse(v) {
                Ok(l) => {
                    slot.level = l;
                    has_enforce |= mode == "enforce";
                }
                Err((fallback, why)) => {
                    // Enforce fails closed; audit and warn fail open.
                    slot.level = if mode == "enforce" {
                        fallback
                    } else {
                        Level::Privileged
                    };
                    bad(mode, v, why);
                }
            }
            has_warn |= mode == "warn";
        }
        let key = format!("{mode}-version");
        if let Some(v) = label(&key) {
            slot.version = match Version::parse(v) {
                Ok(v) => v,
                Err((fallback, why)) => {
                    bad(&key, v, why);
                    fallback
                }
            };
            has_warn_version |= mode == "warn";
        }
    }
    if minor >= 26 && !has_warn && has_enforce && p.enforce.level > p.warn.level {
        p.warn.level = p.enforce.level;
        if !has_warn_version {
            p.warn.version = p.enforce.version;
        }
    }
    (p, errs)
}

/// What is wrong with one exemption.
type Problems = fn(&str) -> Vec<String>;

// ---- configuration ------------------------------------------------------------------------

/// Reads the plugin's `PodSecurityConfiguration` (at boot). Errors are kube-apiserver's: it
/// would not start.
pub fn configure(cfg: Option<&PluginConfig>, cp: &ControlPlane) -> Result<Config, ConfigError> {
    let empty = PluginConfig::default();
    let cfg = cfg.unwrap_or(&empty);
    let v = &cfg.value;
    let fail = |path: &[&str], message: String| ConfigError {
        pos: if cfg.node.is_some() {
            cfg.pos_of(cp, path)
        } else {
            cp.arg_pos
                .get("admission-control-config-file")
                .copied()
                .unwrap_or_default()
        },
        message: format!("couldn't init admission plugin \"{NAME}\": {message}"),
    };
    let mut config = Config::default();
    if v.is_null() {
        return Ok(config);
    }
    let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut versions = vec!["pod-security.admission.config.k8s.io/v1alpha1"];
    if cp.minor >= 23 {
        versions.push("pod-security.admission.config.k8s.io/v1beta1");
    }
    if cp.minor >= 25 {
        versions.push("pod-security.admission.config.k8s.io/v1");
    }
    // The decoder wants both before it looks the kind up (kind first).
    if kind.is_empty() || api_version.is_empty() {
        let field = if kind.is_empty() {
            "Kind"
        } else {
            "apiVersion"
        };
        return Err(fail(
            &[],
            format!("Object '{field}' is missing in '{}'", raw_text(cfg, cp)),
        ));
    }
    if !versions.contains(&api_version) || kind != "PodSecurityConfiguration" {
        return Err(fail(
            &[],
            format!("no kind \"{kind}\" is registered for version \"{api_version}\" (PodSecurity reads kind PodSecurityConfiguration, apiVersion {})", versions.join(", ")),
        ));
    }
    let unknown = |obj: &Value, allowed: &[&str], at: &str| -> Option<String> {
        obj.as_object()?
            .keys()
            .find(|k| !allowed.contains(&k.as_str()))
            .map(|k| format!("{at}{k}"))
    };
    if let Some(k) = unknown(v, &["apiVersion", "kind", "defaults", "exemptions"], "") {
        return Err(fail(
            &[&k],
            format!("strict decoding error: unknown field \"{k}\""),
        ));
    }
    let defaults = v.get("defaults").cloned().unwrap_or(Value::Null);
    let mode_keys = [
        "enforce",
        "enforce-version",
        "audit",
        "audit-version",
        "warn",
        "warn-version",
    ];
    if let Some(k) = unknown(&defaults, &mode_keys, "defaults.") {
        return Err(fail(
            &["defaults", k.trim_start_matches("defaults.")],
            format!("strict decoding error: unknown field \"{k}\""),
        ));
    }
    // CompleteConfiguration: each default parsed (empty ones are defaulted first).
    let mut errors = Vec::new();
    for mode in MODES {
        let level = defaults.get(mode).and_then(Value::as_str).unwrap_or("");
        let level = if level.is_empty() {
            "privileged"
        } else {
            level
        };
        let key = format!("{mode}-version");
        let version = defaults.get(&key).and_then(Value::as_str).unwrap_or("");
        let version = if version.is_empty() {
            "latest"
        } else {
            version
        };
        let slot = match mode {
            "enforce" => &mut config.defaults.enforce,
            "audit" => &mut config.defaults.audit,
            _ => &mut config.defaults.warn,
        };
        match Level::parse(level) {
            Ok(l) => slot.level = l,
            Err((_, why)) => errors.push((mode.to_string(), format!("{mode}: {why}"))),
        }
        match Version::parse(version) {
            Ok(ver) => slot.version = ver,
            Err((_, why)) => errors.push((key.clone(), format!("{key}: {why}"))),
        }
    }
    if let Some((first, _)) = errors.first() {
        let texts: Vec<&str> = errors.iter().map(|(_, t)| t.as_str()).collect();
        let joined = if texts.len() == 1 {
            texts[0].to_string()
        } else {
            format!("[{}]", texts.join(", "))
        };
        return Err(fail(
            &["defaults", first],
            format!("PodSecurity configuration error: {joined}"),
        ));
    }
    let exemptions = v.get("exemptions").cloned().unwrap_or(Value::Null);
    if let Some(k) = unknown(
        &exemptions,
        &["usernames", "runtimeClasses", "namespaces"],
        "exemptions.",
    ) {
        return Err(fail(
            &["exemptions", k.trim_start_matches("exemptions.")],
            format!("strict decoding error: unknown field \"{k}\""),
        ));
    }
    let list = |k: &str| -> Vec<String> {
        exemptions
            .get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect()
    };
    config.namespaces = list("namespaces");
    config.runtime_classes = list("runtimeClasses");
    config.usernames = list("usernames");
    // ValidateConfiguration: namespaces, runtime classes, usernames, in that order.
    let mut invalid: Vec<(Vec<String>, String)> = Vec::new();
    let checks: [(&str, &Vec<String>, Problems); 3] = [
        ("namespaces", &config.namespaces, |s| {
            crate::sim::labels::dns1123_label_problems(s)
        }),
        ("runtimeClasses", &config.runtime_classes, |s| {
            crate::sim::labels::dns1123_subdomain_problems(s)
        }),
        ("usernames", &config.usernames, |s| {
            if s.is_empty() {
                vec!["username must not be empty".to_string()]
            } else {
                Vec::new()
            }
        }),
    ];
    for (field, items, problems) in checks {
        let mut seen = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = vec!["exemptions".to_string(), field.to_string(), i.to_string()];
            let problems = problems(item);
            if !problems.is_empty() {
                invalid.push((
                    path,
                    format!(
                        "exemptions.{field}[{i}]: Invalid value: {}: {}",
                        go_quote(item),
                        problems.join(", ")
                    ),
                ));
            } else if seen.contains(&item) {
                invalid.push((
                    path,
                    format!(
                        "exemptions.{field}[{i}]: Duplicate value: {}",
                        go_quote(item)
                    ),
                ));
            }
            seen.push(item);
        }
    }
    if let Some((path, _)) = invalid.first() {
        let texts: Vec<&str> = invalid.iter().map(|(_, t)| t.as_str()).collect();
        let joined = if texts.len() == 1 {
            texts[0].to_string()
        } else {
            format!("[{}]", texts.join(", "))
        };
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        return Err(fail(&path, format!("PodSecurity invalid: {joined}")));
    }
    Ok(config)
}

/// The configuration as the plugin's loader reads it: a `path` file's text, or an inline
/// configuration as kube-apiserver hands it on (Go's compact JSON: keys sorted, HTML
/// characters escaped).
fn raw_text(cfg: &PluginConfig, cp: &ControlPlane) -> String {
    let inline = cp.arg("admission-control-config-file") == Some(cfg.file.as_str());
    match cp.files.get(&cfg.file) {
        Some(text) if !inline => text.clone(),
        _ => crate::sim::kubectl::sorted_json(&cfg.value)
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
    }
}

// ---- the plugin ---------------------------------------------------------------------------

/// What the evaluation decided, before it is turned into the plugin's verdict.
struct Response {
    /// Whether a check ran (labels read and checked, or a pod evaluated): the trace shows
    /// the plugin as having admitted only then, else as having let the request pass unchecked.
    checked: bool,
    error: Option<ApiError>,
    warnings: Vec<String>,
    annotations: BTreeMap<&'static str, String>,
    summary: String,
}

impl Response {
    fn allowed(summary: impl Into<String>) -> Self {
        Response {
            checked: false,
            error: None,
            warnings: Vec::new(),
            annotations: BTreeMap::new(),
            summary: summary.into(),
        }
    }

    fn annotated(summary: impl Into<String>, key: &'static str, value: &str) -> Self {
        let mut r = Response::allowed(summary);
        r.annotations.insert(key, value.to_string());
        r
    }
}

/// The subresources of pods the plugin lets through unexamined.
const IGNORED_POD_SUBRESOURCES: [&str; 8] = [
    "exec",
    "attach",
    "binding",
    "eviction",
    "log",
    "portforward",
    "proxy",
    "status",
];

/// The plugin's `Validate` (CREATE and UPDATE).
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if ctx.control_plane.minor < 23 {
        return Verdict::Skip(
            "does nothing in v1.22: its feature gate PodSecurity is alpha and off by default"
                .into(),
        );
    }
    let response = if a.group.is_empty() && a.resource == "namespaces" {
        namespace(ctx, a)
    } else if a.group.is_empty() && a.resource == "pods" {
        pod(ctx, a)
    } else if template_path(&a.group, &a.resource).is_some() {
        controller(ctx, a)
    } else {
        return Verdict::Skip(
            "only looks at pods, namespaces and objects with a pod template".into(),
        );
    };
    for (k, v) in &response.annotations {
        ctx.notes
            .push((format!("audit annotation {PREFIX}{k}"), v.clone()));
    }
    ctx.warnings.extend(response.warnings.iter().cloned());
    match response.error {
        Some(e) => Verdict::Reject(e),
        None if response.checked => Verdict::Admit(response.summary.into()),
        None => Verdict::Skip(response.summary.into()),
    }
}

fn config<'c>(ctx: &'c Context<'_>) -> &'c Config {
    &ctx.state.pod_security
}

fn labels_of(ns: &Value) -> Option<&Map<String, Value>> {
    ns.ptr("/metadata/labels").and_then(Value::as_object)
}

/// The policy of the request's namespace, or the reason it could not be read.
fn namespace_policy(ctx: &Context<'_>, ns: &str) -> Result<(Policy, Vec<FieldError>), String> {
    let Some(obj) = ctx.store.get("", "namespaces", "", ns) else {
        return Err(format!("namespaces {} not found", go_quote(ns)));
    };
    Ok(policy_to_evaluate(
        labels_of(obj),
        &config(ctx).defaults,
        ctx.control_plane.minor,
    ))
}

fn quote_if(minor: u32, s: &str) -> String {
    if minor >= 25 {
        go_quote(s)
    } else {
        s.to_string()
    }
}

fn exempt_user(ctx: &Context<'_>, a: &Attributes<'_>) -> bool {
    !a.user.username.is_empty() && config(ctx).usernames.contains(&a.user.username)
}

fn exempt_namespace(ctx: &Context<'_>, ns: &str) -> bool {
    !ns.is_empty() && config(ctx).namespaces.iter().any(|n| n == ns)
}

/// The request's exemption by namespace, then by user, as pods and pod templates check them.
fn exempt(ctx: &Context<'_>, a: &Attributes<'_>) -> Option<Response> {
    if exempt_namespace(ctx, &a.namespace) {
        return Some(Response::annotated(
            format!("namespace {:?} is exempt in its configuration", a.namespace),
            "exempt",
            "namespace",
        ));
    }
    exempt_user(ctx, a).then(|| {
        Response::annotated(
            format!("user {:?} is exempt in its configuration", a.user.username),
            "exempt",
            "user",
        )
    })
}

fn pod(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Response {
    let minor = ctx.control_plane.minor;
    if IGNORED_POD_SUBRESOURCES.contains(&a.subresource.as_str()) {
        return Response::allowed(format!("does not look at pods/{} requests", a.subresource));
    }
    if let Some(r) = exempt(ctx, a) {
        return r;
    }
    let (policy, errs) = match namespace_policy(ctx, &a.namespace) {
        Ok(p) => p,
        Err(why) => {
            let text = format!(
                "failed to lookup namespace {}",
                quote_if(minor, &a.namespace)
            );
            let error = ApiError::internal(&text);
            let mut r = Response::annotated(
                "could not read the namespace's labels",
                "error",
                &format!("{}: {why}", error.message),
            );
            r.error = Some(error);
            return r;
        }
    };
    if errs.is_empty() && policy.fully_privileged() {
        return Response::annotated(
            "allowed: the namespace's policy is privileged for enforce, audit and warn, so no check applies",
            "enforce-policy",
            "privileged:latest",
        );
    }
    let Some(object) = a.object.as_ref() else {
        return Response::allowed("no pod in the request");
    };
    if a.operation == Operation::Update {
        if let Some(old) = a.old_object.as_ref() {
            if !significant_update(object, old, minor) {
                return Response::allowed(
                    "the update changes no container image and adds no container: not checked again",
                );
            }
        }
    }
    let meta = object.get("metadata").unwrap_or(&Value::Null);
    let spec = object.get("spec").unwrap_or(&Value::Null);
    evaluate(ctx, a, &policy, &errs, meta, spec, true)
}

/// `isSignificantPodUpdate`: only a changed image or an added container is worth checking
/// again (v1.27; earlier versions also looked at the seccomp annotations). Absent strings read
/// as empty ones, as Go's zero values.
fn significant_update(new: &Value, old: &Value, minor: u32) -> bool {
    let list = |v: &Value, l: &str| -> Vec<Value> {
        v.ptr(&format!("/spec/{l}"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let annotation = |v: &Value, k: &str| {
        v.ptr("/metadata/annotations")
            .and_then(|a| a.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    // `isSignificantContainerUpdate`: the image, and before v1.27 the container's seccomp
    // annotation on the pod.
    let changed = |c: &Value, o: &Value| {
        if text(c, "image") != text(o, "image") {
            return true;
        }
        let key = format!(
            "container.seccomp.security.alpha.kubernetes.io/{}",
            text(c, "name")
        );
        minor < 27 && annotation(new, &key) != annotation(old, &key)
    };
    if minor < 25
        && annotation(new, "seccomp.security.alpha.kubernetes.io/pod")
            != annotation(old, "seccomp.security.alpha.kubernetes.io/pod")
    {
        return true;
    }
    for l in ["containers", "initContainers"] {
        let (n, o) = (list(new, l), list(old, l));
        if n.len() != o.len() || n.iter().zip(&o).any(|(c, o)| changed(c, o)) {
            return true;
        }
    }
    let old_ephemeral = list(old, "ephemeralContainers");
    list(new, "ephemeralContainers").iter().any(|c| {
        match old_ephemeral
            .iter()
            .find(|o| text(o, "name") == text(c, "name"))
        {
            None => true,
            Some(o) => changed(c, o),
        }
    })
}

fn controller(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Response {
    if !a.subresource.is_empty() {
        return Response::allowed(format!(
            "does not look at {}/{} requests",
            a.resource, a.subresource
        ));
    }
    if let Some(r) = exempt(ctx, a) {
        return r;
    }
    let minor = ctx.control_plane.minor;
    let (policy, errs) = match namespace_policy(ctx, &a.namespace) {
        Ok(p) => p,
        Err(why) => {
            return Response::annotated(
                "could not read the namespace's labels",
                "error",
                &format!(
                    "failed to lookup namespace {}: {why}",
                    quote_if(minor, &a.namespace)
                ),
            )
        }
    };
    if errs.is_empty()
        && policy.warn.level == Level::Privileged
        && policy.audit.level == Level::Privileged
    {
        return Response::allowed(
            "warn and audit are privileged in this namespace (a pod template is never enforced)",
        );
    }
    let Some(object) = a.object.as_ref() else {
        return Response::allowed("no object in the request");
    };
    let path = template_path(&a.group, &a.resource).unwrap_or("/spec/template");
    let Some(template) = object.ptr(path).filter(|t| !t.is_null()) else {
        return Response::allowed("the object has no pod template");
    };
    let meta = template.get("metadata").unwrap_or(&Value::Null);
    let spec = template.get("spec").unwrap_or(&Value::Null);
    evaluate(ctx, a, &policy, &errs, meta, spec, false)
}

/// The aggregate `reason (detail), …` text of an evaluation.
fn run(ctx: &Context<'_>, lv: LevelVersion, meta: &Value, spec: &Value) -> Evaluation {
    podsecurity::evaluate(lv, ctx.control_plane.minor, meta, spec)
}

/// `EvaluatePod`: enforce (pods only), audit, then warn if the request is still allowed.
fn evaluate(
    ctx: &mut Context<'_>,
    a: &Attributes<'_>,
    policy: &Policy,
    errs: &[FieldError],
    meta: &Value,
    spec: &Value,
    enforce: bool,
) -> Response {
    let runtime_class = spec
        .get("runtimeClassName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !runtime_class.is_empty()
        && config(ctx)
            .runtime_classes
            .iter()
            .any(|r| r == runtime_class)
    {
        return Response::annotated(
            format!("runtime class {runtime_class:?} is exempt in its configuration"),
            "exempt",
            "runtimeClass",
        );
    }
    let mut r = Response::allowed(String::new());
    r.checked = true;
    if !errs.is_empty() {
        let texts: Vec<String> = errs.iter().map(FieldError::to_string).collect();
        let joined = if texts.len() == 1 {
            texts[0].clone()
        } else {
            format!("[{}]", texts.join(", "))
        };
        r.annotations
            .insert("error", format!("Failed to parse policy: {joined}"));
    }
    let mut cache: Vec<(LevelVersion, Evaluation)> = Vec::new();
    let mut lines = Vec::new();
    let mut result = |ctx: &Context<'_>, lv: LevelVersion| -> Evaluation {
        if let Some((_, e)) = cache.iter().find(|(k, _)| *k == lv) {
            return e.clone();
        }
        let e = run(ctx, lv, meta, spec);
        cache.push((lv, e.clone()));
        e
    };
    let verdict = |e: &Evaluation| {
        if e.allowed() {
            format!("passes ({} checks)", e.checked.len())
        } else {
            format!("fails {}", e.forbidden_reason())
        }
    };
    if enforce {
        r.annotations
            .insert("enforce-policy", policy.enforce.to_string());
        let e = result(ctx, policy.enforce);
        lines.push(format!("enforce {}: {}", policy.enforce, verdict(&e)));
        if !e.allowed() {
            r.error = Some(a.forbidden(&format!(
                "violates PodSecurity {}: {}",
                go_quote(&policy.enforce.to_string()),
                e.forbidden_detail()
            )));
        }
    }
    let e = result(ctx, policy.audit);
    lines.push(format!("audit {}: {}", policy.audit, verdict(&e)));
    if !e.allowed() {
        r.annotations.insert(
            "audit-violations",
            format!(
                "would violate PodSecurity {}: {}",
                go_quote(&policy.audit.to_string()),
                e.forbidden_detail()
            ),
        );
    }
    if r.error.is_none() {
        let e = result(ctx, policy.warn);
        lines.push(format!("warn {}: {}", policy.warn, verdict(&e)));
        if !e.allowed() {
            r.warnings.push(format!(
                "would violate PodSecurity {}: {}",
                go_quote(&policy.warn.to_string()),
                e.forbidden_detail()
            ));
        }
    } else {
        lines.push("warn: not evaluated (the request is refused)".into());
    }
    if !enforce {
        lines.insert(
            0,
            "a pod template: warned and audited, never enforced".into(),
        );
    }
    r.summary = lines.join("; ");
    r
}

// ---- namespaces ---------------------------------------------------------------------------

fn namespace(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Response {
    let minor = ctx.control_plane.minor;
    if !a.subresource.is_empty() {
        return Response::allowed(format!("does not look at namespaces/{}", a.subresource));
    }
    let Some(ns) = a.object.as_ref() else {
        return Response::allowed("no namespace in the request");
    };
    let name = ns
        .ptr("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or(&a.name)
        .to_string();
    let defaults = config(ctx).defaults;
    let (new_policy, new_errs) = policy_to_evaluate(labels_of(ns), &defaults, minor);
    let exempt = exempt_namespace(ctx, &name);
    let mut r = namespace_labels(ctx, a, ns, &name, new_policy, new_errs, exempt);
    // Its labels were read and checked, whatever came of it.
    r.checked = matches!(a.operation, Operation::Create | Operation::Update);
    r
}

/// The namespace's create or update, once its labels are read.
fn namespace_labels(
    ctx: &mut Context<'_>,
    a: &Attributes<'_>,
    ns: &Value,
    name: &str,
    new_policy: Policy,
    new_errs: Vec<FieldError>,
    exempt: bool,
) -> Response {
    let minor = ctx.control_plane.minor;
    let defaults = config(ctx).defaults;
    let invalid = |errs: &[FieldError]| {
        let mut r = Response::allowed("");
        r.error = Some(ApiError::invalid("", "Namespace", name, errs));
        r
    };
    match a.operation {
        Operation::Create => {
            if !new_errs.is_empty() {
                return invalid(&new_errs);
            }
            if exempt {
                if let Some(w) = exempt_warning(name, &new_policy, &defaults, ns, minor) {
                    let mut r =
                        Response::allowed("the namespace is exempt: its labels will be ignored");
                    r.warnings.push(w);
                    return r;
                }
            }
            Response::allowed(format!(
                "labels read: enforce={}, audit={}, warn={}",
                new_policy.enforce, new_policy.audit, new_policy.warn
            ))
        }
        Operation::Update => {
            let Some(old) = a.old_object.as_ref() else {
                return Response::allowed("no stored namespace");
            };
            let (old_policy, old_errs) = policy_to_evaluate(labels_of(old), &defaults, minor);
            if !new_errs.is_empty() && (old_errs.is_empty() || new_errs != old_errs) {
                return invalid(&new_errs);
            }
            let (n, o) = (new_policy.enforce, old_policy.enforce);
            if n == o
                || n.level == Level::Privileged
                || (n.version == o.version && n.level <= o.level)
            {
                return Response::allowed(format!(
                    "the enforce level ({n}) is not tightened: existing pods are not checked"
                ));
            }
            if exempt {
                if minor < 25 {
                    return Response::annotated(
                        "the namespace is exempt in its configuration",
                        "exempt",
                        "namespace",
                    );
                }
                let mut r =
                    Response::allowed("the namespace is exempt: its labels will be ignored");
                if let Some(w) = exempt_warning(name, &new_policy, &defaults, ns, minor) {
                    r.warnings.push(w);
                }
                return r;
            }
            let (warnings, checked) = existing_pods(ctx, name, n);
            let mut r = Response::allowed(format!(
                "enforce tightened from {o} to {n}: {checked} existing pods checked"
            ));
            r.warnings = warnings;
            r
        }
        _ => Response::allowed("only creates and updates are looked at"),
    }
}

/// The warning for an exempt namespace given a policy (v1.25 named every non-privileged mode,
/// v1.26 on only those its labels set).
fn exempt_warning(
    name: &str,
    p: &Policy,
    defaults: &Policy,
    ns: &Value,
    minor: u32,
) -> Option<String> {
    if minor < 25 || p.fully_privileged() || p.equivalent(defaults) {
        return None;
    }
    let labels = labels_of(ns);
    let has = |k: String| labels.is_some_and(|l| l.contains_key(&k));
    let modes: Vec<String> = MODES
        .iter()
        .filter(|m| p.mode(m).level != Level::Privileged)
        .filter(|m| {
            minor < 26 || has(format!("{PREFIX}{m}")) || has(format!("{PREFIX}{m}-version"))
        })
        .map(|m| format!("{m}={}", p.mode(m)))
        .collect();
    let list = if minor < 26 && modes.is_empty() {
        "privileged".to_string()
    } else {
        modes.join(", ")
    };
    Some(format!(
        "namespace {} is exempt from Pod Security, and the policy ({list}) will be ignored",
        go_quote(name)
    ))
}

/// `EvaluatePodsInNamespace`: the existing pods the new enforce level would refuse, grouped by
/// their reasons (the first 3000 pods, one per controller first).
fn existing_pods(ctx: &Context<'_>, ns: &str, enforce: LevelVersion) -> (Vec<String>, usize) {
    let exempt_classes = &config(ctx).runtime_classes;
    let mut first = Vec::new();
    let mut later = Vec::new();
    let mut seen_controllers = std::collections::BTreeSet::new();
    for pod in ctx.store.list("", "pods", Some(ns)) {
        let class = pod
            .ptr("/spec/runtimeClassName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !class.is_empty() && exempt_classes.iter().any(|c| c == class) {
            continue;
        }
        let controller = pod
            .ptr("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
            .and_then(|o| o.get("uid").and_then(Value::as_str));
        match controller {
            // A later pod of a controller already seen waits at the end.
            Some(uid) if !seen_controllers.insert(uid) => later.push(pod),
            _ => first.push(pod),
        }
    }
    first.extend(later);
    let total = first.len();
    first.truncate(NAMESPACE_MAX_PODS);
    let checked = first.len();
    // Reasons, in the order first seen, with the smallest pod name and the count of each.
    let mut groups: Vec<(String, String, usize)> = Vec::new();
    for pod in &first {
        let meta = pod.get("metadata").unwrap_or(&Value::Null);
        let spec = pod.get("spec").unwrap_or(&Value::Null);
        let e = run(ctx, enforce, meta, spec);
        if e.allowed() {
            continue;
        }
        let reason = e.forbidden_reason();
        let name = meta
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        match groups.iter_mut().find(|(r, _, _)| *r == reason) {
            Some(g) => {
                if name < g.1 {
                    g.1 = name;
                }
                g.2 += 1;
            }
            None => groups.push((reason, name, 1)),
        }
    }
    let mut warnings = Vec::new();
    if checked < total {
        warnings.push(format!(
            "new PodSecurity enforce level only checked against the first {checked} of {total} existing pods"
        ));
    }
    if !groups.is_empty() {
        warnings.push(format!(
            "existing pods in namespace {} violate the new PodSecurity enforce level {}",
            go_quote(ns),
            go_quote(&enforce.to_string())
        ));
    }
    let mut pods: Vec<String> = groups
        .into_iter()
        .map(|(reason, name, n)| match n {
            1 => format!("{name}: {reason}"),
            2 => format!("{name} (and 1 other pod): {reason}"),
            n => format!("{name} (and {} other pods): {reason}", n - 1),
        })
        .collect();
    pods.sort();
    warnings.extend(pods);
    (warnings, checked)
}

#[cfg(test)]
#[path = "podsecurity_tests.rs"]
mod tests;

//! Admission control (`k8s.io/apiserver/pkg/admission`), after authorization: the plugins of
//! one ordered table ([`plugins::ALL_ORDERED`], upstream's `AllOrderedPlugins`) run in two
//! passes — every mutating `admit` first (they may change the object), then, after the
//! object's own validation, every validating `validate` (they may only refuse). Which plugins
//! run is decided once, when the cluster boots, from kube-apiserver's flags ([`Chain`]); the
//! order the flags name them in does not matter.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

pub mod always;
pub mod certificates;
pub mod config;
pub mod eventratelimit;
pub mod gated;
pub mod gc;
pub mod images;
pub mod lifecycle;
pub mod limitranger;
pub mod namespace;
pub mod network;
pub mod noderestriction;
pub mod plugins;
pub mod pods;
pub mod podsecurity;
pub mod policy;
pub mod quota;
pub mod scheduling;
pub mod storage;
pub mod webhook;

use crate::sim::jsondiff;
use std::borrow::Cow;

#[cfg(debug_assertions)]
use crate::sim::jsondiff::fingerprint;
use crate::sim::trace::Mutation;
use serde_json::Value;

use super::authn::UserInfo;
use super::authz;
use super::clock::Instant;
use super::controlplane::ControlPlane;
use super::request::RequestInfo;
use super::response::ApiError;
use super::store::Store;

pub use plugins::{Pass, Plugin, ALL_ORDERED};

/// The admission operation (upstream `admission.Operation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// POST.
    Create,
    /// PUT or PATCH.
    Update,
    /// DELETE.
    Delete,
    /// Exec, attach, port-forward, proxy.
    Connect,
}

impl Operation {
    /// The operation as upstream spells it (`CREATE`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

/// What an admission plugin sees of a request (upstream `admission.Attributes`).
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    /// The operation.
    pub operation: Operation,
    /// The resource's API group (`""` for the core group).
    pub group: String,
    /// The resource's version.
    pub version: String,
    /// The resource, plural (`pods`).
    pub resource: String,
    /// The subresource (`status`, `token`, `approval`), or empty.
    pub subresource: String,
    /// The kind of the object (`Pod`, `TokenRequest` for `serviceaccounts/token`).
    pub kind: String,
    /// The object's name (empty on a create with only `generateName`, or a collection).
    pub name: String,
    /// The namespace (empty for cluster-scoped resources).
    pub namespace: String,
    /// Whether the resource is namespaced.
    pub namespaced: bool,
    /// The user making the request.
    pub user: &'a UserInfo,
    /// The object being written (`None` for deletes). Mutating plugins change it through
    /// [`Attributes::object_mut`], which tells the pass to look for a change.
    pub object: Option<Value>,
    /// Whether a plugin took the object to change it since the pass last looked.
    touched: bool,
    /// The object as stored before this request, for updates and deletes.
    pub old_object: Option<Value>,
    /// Whether this is a dry run (`?dryRun=All`).
    pub dry_run: bool,
}

impl<'a> Attributes<'a> {
    /// The attributes of a request as RequestInfo reads it, with no object yet (the
    /// endpoint fills in the kind, the objects and the name of a new object).
    pub fn from_request(
        operation: Operation,
        info: &RequestInfo,
        namespaced: bool,
        user: &'a UserInfo,
    ) -> Attributes<'a> {
        Attributes {
            operation,
            group: info.api_group.clone(),
            version: info.api_version.clone(),
            resource: info.resource.clone(),
            subresource: info.subresource.clone(),
            kind: String::new(),
            name: info.name.clone(),
            namespace: if namespaced {
                info.namespace.clone()
            } else {
                String::new()
            },
            namespaced,
            user,
            object: None,
            old_object: None,
            dry_run: false,
            touched: false,
        }
    }

    /// The object, to change: the mutating pass then compares it with the copy it keeps
    /// (a plugin that only reads it uses `object`, and costs no comparison).
    pub fn object_mut(&mut self) -> Option<&mut Value> {
        self.touched = true;
        self.object.as_mut()
    }

    /// Whether the request is on `resource` of the core group, not on a subresource.
    pub fn is_core(&self, resource: &str) -> bool {
        self.group.is_empty() && self.resource == resource && self.subresource.is_empty()
    }

    /// `admission.NewForbidden`: a 403 naming the request's object (the name from the URL,
    /// else the object's name, else its generateName, else `Unknown`).
    pub fn forbidden(&self, message: &str) -> ApiError {
        let meta = |k: &str| {
            self.object
                .as_ref()
                .and_then(|o| o.get("metadata"))
                .and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let name = Some(self.name.as_str())
            .filter(|n| !n.is_empty())
            .or_else(|| meta("name"))
            .or_else(|| meta("generateName"))
            .unwrap_or("Unknown");
        ApiError::forbidden(&self.group, &self.resource, name, message)
    }
}

/// What a plugin's pass needs besides the request: the objects it may look up (and, for a
/// few plugins, write), the authorizers it may ask, the simulated time and version.
pub struct Context<'a> {
    /// The cluster's objects.
    pub store: &'a mut Store,
    /// The authorizer chain (CertificateApproval and others ask it).
    pub authz: &'a authz::Chain,
    /// The simulated now.
    pub now: Instant,
    /// The control plane: version, kube-apiserver's flags, files (plugin configuration).
    pub control_plane: &'a ControlPlane,
    /// What plugins configure at boot and keep between requests.
    pub state: &'a mut State,
    /// The simulated webhook servers the admission webhooks call.
    pub servers: &'a [crate::sim::webhooks::WebhookServer],
    /// Facts a plugin wants shown on the stage (an AdmissionReview sent and answered).
    pub notes: Vec<(String, String)>,
    /// Warnings for the client (`Warning` headers: kubectl prints them).
    pub warnings: Vec<String>,
    /// The mutating chain's reinvocation (`admission.ReinvocationContext`).
    pub reinvocation: Reinvocation,
}

/// Whether the mutating chain runs a second time, and which webhooks and mutating policies
/// run in it (`pkg/admission/reinvocation.go`): a webhook or policy that changed the object
/// asks for it, and marks every one before it with `reinvocationPolicy: IfNeeded` to run
/// again; in the second pass every built-in plugin runs again, and webhooks and policies only
/// if marked. There is at most one second pass.
#[derive(Debug, Clone, Default)]
pub struct Reinvocation {
    /// This is the second pass.
    pub again: bool,
    /// A second pass is wanted.
    pub wanted: bool,
    pub webhooks: Reinvocable,
    pub policies: Reinvocable,
}

/// The bookkeeping of one kind of reinvocable plugin (webhooks, or policy invocations).
#[derive(Debug, Clone, Default)]
pub struct Reinvocable {
    /// Those with `IfNeeded` called since the object last changed.
    invoked: Vec<String>,
    /// Those to call in the second pass.
    reinvoke: Vec<String>,
    /// The object as the last of them left it.
    last: Option<Value>,
}

impl Reinvocable {
    /// Marks every one called before (with IfNeeded) to run in the second pass.
    pub fn require_previous(&mut self) {
        for id in self.invoked.drain(..) {
            if !self.reinvoke.contains(&id) {
                self.reinvoke.push(id);
            }
        }
    }

    /// Whether one runs in the second pass.
    pub fn reinvoked(&self, id: &str) -> bool {
        self.reinvoke.iter().any(|r| r == id)
    }

    /// Notes one with IfNeeded as called.
    pub fn invoked(&mut self, id: String) {
        if !self.invoked.contains(&id) {
            self.invoked.push(id);
        }
    }

    /// At the start of a dispatcher's second pass: if something else changed the object since
    /// it last ran, every one called before runs again.
    pub fn start(&mut self, again: bool, object: Option<&Value>) {
        if again && self.last.as_ref() != object {
            self.require_previous();
        }
    }

    /// At the end of a dispatcher's pass: the object as it leaves it.
    pub fn finish(&mut self, object: Option<&Value>) {
        self.last = object.cloned();
    }
}

/// What the plugins read at boot (`--admission-control-config-file`) and keep between
/// requests (EventRateLimit's token buckets).
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Each plugin's configuration from the file.
    pub configs: config::Configs,
    /// EventRateLimit's limits.
    pub event_limits: Vec<eventratelimit::Limit>,
    /// EventRateLimit's buckets.
    pub event_buckets: eventratelimit::Buckets,
    /// PodSecurity's defaults and exemptions.
    pub pod_security: podsecurity::Config,
}

/// One plugin's answer for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not applicable to this request (another resource, say); why.
    Skip(Cow<'static, str>),
    /// Admitted; what the plugin checked or changed.
    Admit(Cow<'static, str>),
    /// Rejected, with the error the API server answers.
    Reject(ApiError),
}

/// What became of one plugin of the table in one pass of one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It ran and admitted the request; what it checked.
    Admitted(Cow<'static, str>),
    /// It ran and changed the object: what it did, and the object before and after.
    Mutated(Cow<'static, str>, Mutation),
    /// It ran and found nothing to look at in this request; why.
    NotApplicable(Cow<'static, str>),
    /// It ran and refused the request.
    Rejected(ApiError),
    /// It is not enabled on this API server.
    Disabled {
        /// Whether it is on by default (then `--disable-admission-plugins` turned it off).
        default_on: bool,
    },
    /// It does not handle this operation (upstream `Handles`).
    NotHandled(Operation),
    /// Upstream runs it here; kubegate does not model it yet.
    NotModelled,
    /// An earlier plugin refused the request, so it never ran.
    NotReached,
}

/// One pass over the chain: each plugin of the table that has such a pass, in order, with
/// what became of it, and the error that ended the request, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassResult {
    /// Plugin names and outcomes, in the table's order.
    pub steps: Vec<(&'static str, Outcome)>,
    /// The refusal, when a plugin refused.
    pub error: Option<ApiError>,
    /// Where the mutating chain's second pass (its reinvocation) starts in `steps`.
    pub reinvoked_from: Option<usize>,
}

/// The admission chain of one API server: which plugins of the table are enabled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chain {
    minor: u32,
    enabled: Vec<&'static str>,
    /// Per plugin of [`plugins::ALL_ORDERED`], in its order: whether it is enabled (each pass
    /// asks for every plugin of the table).
    on: Vec<bool>,
}

/// A flag the admission options refuse (kube-apiserver would not start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError {
    /// The flag, without `--`.
    pub flag: &'static str,
    /// Upstream's message.
    pub message: String,
}

impl Chain {
    /// The chain of a v1.`minor` API server started with these flags: the default-on
    /// plugins, plus `--enable-admission-plugins`, minus `--disable-admission-plugins`; or
    /// exactly the deprecated `--admission-control` list. Refused as kube-apiserver's
    /// admission options refuse them (upstream `Validate`, `enabledPluginNames`).
    pub fn from_flags(
        minor: u32,
        flags: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Chain, Vec<FlagError>> {
        // pflag's string slices: comma-separated values, empty ones kept ("a,,b" names ""),
        // and an empty value is an empty list.
        let list = |flag: &str| -> Option<Vec<String>> {
            flags(flag).map(|v| {
                if v.is_empty() {
                    Vec::new()
                } else {
                    v.split(',').map(str::to_string).collect()
                }
            })
        };
        let control = list("admission-control");
        let enable = list("enable-admission-plugins");
        let disable = list("disable-admission-plugins");
        let known = |name: &str| plugins::find(minor, name).is_some();
        let quote = crate::sim::yamlout::go_quote;
        let mut errors = Vec::new();
        if control.is_some() && (enable.is_some() || disable.is_some()) {
            errors.push(FlagError {
                flag: "admission-control",
                message: "admission-control and enable-admission-plugins/disable-admission-plugins flags are mutually exclusive".into(),
            });
        }
        for (flag, names) in [
            ("admission-control", &control),
            ("enable-admission-plugins", &enable),
            ("disable-admission-plugins", &disable),
        ] {
            for name in names.iter().flatten().filter(|n| !known(n)) {
                errors.push(FlagError {
                    flag,
                    message: format!("{flag} plugin {} is unknown", quote(name)),
                });
            }
        }
        let (enable, disable) = (enable.unwrap_or_default(), disable.unwrap_or_default());
        let mut both: Vec<&String> = enable.iter().filter(|n| disable.contains(n)).collect();
        if !both.is_empty() {
            both.sort();
            both.dedup();
            let names: Vec<&str> = both.iter().map(|s| s.as_str()).collect();
            errors.push(FlagError {
                flag: "disable-admission-plugins",
                message: format!(
                    "[{}] in enable-admission-plugins and disable-admission-plugins overlapped",
                    names.join(" ")
                ),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let named = |list: &[String], p: &Plugin| list.iter().any(|n| n == p.name);
        let enabled: Vec<&'static str> = plugins::ALL_ORDERED
            .iter()
            .filter(|p| p.exists_in(minor))
            .filter(|p| match &control {
                Some(listed) => named(listed, p),
                None => (p.default_on_in(minor) || named(&enable, p)) && !named(&disable, p),
            })
            .map(|p| p.name)
            .collect();
        let on = plugins::ALL_ORDERED
            .iter()
            .map(|p| enabled.contains(&p.name))
            .collect();
        Ok(Chain { minor, enabled, on })
    }

    /// Whether a plugin is enabled.
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.contains(&name)
    }

    /// The enabled plugins, in the order they run.
    pub fn enabled(&self) -> &[&'static str] {
        &self.enabled
    }

    /// The mutating pass: each enabled plugin that handles the operation may change
    /// `attrs.object`; the first refusal ends the pass.
    pub fn admit(&self, ctx: &mut Context<'_>, attrs: &mut Attributes<'_>) -> PassResult {
        let mut result = self.admit_once(ctx, attrs);
        if result.error.is_none() && ctx.reinvocation.wanted {
            // `reinvoker.Admit`: the whole chain once more.
            ctx.reinvocation.again = true;
            let again = self.admit_once(ctx, attrs);
            result.reinvoked_from = Some(result.steps.len());
            result.steps.extend(again.steps);
            result.error = again.error;
        }
        result
    }

    fn admit_once(&self, ctx: &mut Context<'_>, attrs: &mut Attributes<'_>) -> PassResult {
        // One copy of the object as the last plugin left it. A plugin that took the object
        // to change it is followed by a comparison with the copy; what differs is the
        // plugin's mutation, and the same edits bring the copy up to date (only what changed
        // is copied). One that did not take it changed nothing (which debug builds, and so
        // every test, check with a fingerprint).
        let mut copy = attrs.object.clone();
        #[cfg(debug_assertions)]
        let mut print = attrs.object.as_ref().map(fingerprint);
        self.pass(attrs, |p| &p.mutating, &mut |p, attrs| {
            let Pass::Modelled(run) = p.mutating else {
                return Outcome::NotModelled;
            };
            attrs.touched = false;
            let verdict = run(ctx, attrs);
            #[cfg(debug_assertions)]
            {
                let now = attrs.object.as_ref().map(fingerprint);
                assert!(
                    attrs.touched || now == print,
                    "{} changed the object without object_mut",
                    p.name
                );
                assert!(
                    !matches!(verdict, Verdict::Skip(_)) || now == print,
                    "{} skipped the request but changed the object",
                    p.name
                );
                print = now;
            }
            if !attrs.touched {
                return from_verdict(verdict);
            }
            let mut edits = match (&copy, &attrs.object) {
                (Some(before), Some(after)) => jsondiff::diff(before, after),
                _ => Vec::new(),
            };
            let applied = match &mut copy {
                Some(c) if !edits.is_empty() => jsondiff::apply(c, &mut edits),
                _ => true,
            };
            if !applied || copy.is_none() != attrs.object.is_none() {
                copy = attrs.object.clone();
            }
            debug_assert_eq!(copy, attrs.object);
            match verdict {
                Verdict::Admit(why) if !edits.is_empty() => {
                    Outcome::Mutated(why, Mutation { edits })
                }
                other => from_verdict(other),
            }
        })
    }

    /// The validating pass: each enabled plugin that handles the operation may refuse; the
    /// first refusal ends the pass.
    pub fn validate(&self, ctx: &mut Context<'_>, attrs: &mut Attributes<'_>) -> PassResult {
        self.pass(attrs, |p| &p.validating, &mut |p, attrs| {
            let Pass::Modelled(run) = p.validating else {
                return Outcome::NotModelled;
            };
            from_verdict(run(ctx, attrs))
        })
    }

    fn pass<F>(
        &self,
        attrs: &mut Attributes<'_>,
        has: fn(&Plugin) -> &Pass<F>,
        run: &mut dyn FnMut(&Plugin, &mut Attributes<'_>) -> Outcome,
    ) -> PassResult {
        let mut result = PassResult::default();
        for (p, &on) in plugins::ALL_ORDERED.iter().zip(&self.on) {
            if !p.exists_in(self.minor) || matches!(has(p), Pass::None) {
                continue;
            }
            let outcome = if result.error.is_some() {
                Outcome::NotReached
            } else if !on {
                Outcome::Disabled {
                    default_on: p.default_on_in(self.minor),
                }
            } else if !p.handles.contains(&attrs.operation) {
                Outcome::NotHandled(attrs.operation)
            } else {
                run(p, attrs)
            };
            if let Outcome::Rejected(e) = &outcome {
                result.error = Some(e.clone());
            }
            result.steps.push((p.name, outcome));
        }
        result
    }
}

impl Outcome {
    /// The outcome of a plugin in the chain's second pass, saying so.
    pub fn reinvoked(self) -> Outcome {
        let again = |why: Cow<'static, str>| -> Cow<'static, str> {
            format!("second pass (reinvocation): {why}").into()
        };
        match self {
            Outcome::Admitted(why) => Outcome::Admitted(again(why)),
            Outcome::Mutated(why, m) => Outcome::Mutated(again(why), m),
            Outcome::NotApplicable(why) => Outcome::NotApplicable(again(why)),
            other => other,
        }
    }
}

fn from_verdict(v: Verdict) -> Outcome {
    match v {
        Verdict::Skip(why) => Outcome::NotApplicable(why),
        Verdict::Admit(why) => Outcome::Admitted(why),
        Verdict::Reject(e) => Outcome::Rejected(e),
    }
}

/// Helpers for the plugins' tests: a request's attributes from a method and a URL, and a
/// context over a store.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::sim::ptr::Ptr as _;
    use crate::sim::request::request_info;

    /// The attributes of `method url` by `user`, with `object`.
    pub fn attrs<'a>(
        op: Operation,
        method: &str,
        url: &str,
        user: &'a UserInfo,
        object: Option<Value>,
    ) -> Attributes<'a> {
        let info = request_info(method, url);
        let mut a = Attributes::from_request(op, &info, !info.namespace.is_empty(), user);
        if a.name.is_empty() {
            if let Some(n) = object
                .as_ref()
                .and_then(|o| o.ptr("/metadata/name"))
                .and_then(Value::as_str)
            {
                a.name = n.to_string();
            }
        }
        a.object = object;
        a
    }

    /// Runs `f` with a context over `store` (RBAC only, v1.37, at time 0); what it returns,
    /// and the notes and warnings the context gathered.
    pub fn with_context<T>(
        store: &mut Store,
        f: impl FnOnce(&mut Context<'_>) -> T,
    ) -> (T, Vec<(String, String)>, Vec<String>) {
        let chain = authz::Chain::of(&[authz::Mode::Rbac]);
        let mut ctx = Context {
            store,
            authz: &chain,
            now: 0,
            control_plane: &ControlPlane::default(),
            state: &mut State::default(),
            servers: &[],
            notes: Vec::new(),
            warnings: Vec::new(),
            reinvocation: Default::default(),
        };
        let out = f(&mut ctx);
        (out, ctx.notes, ctx.warnings)
    }

    /// Runs a mutating pass over `store`.
    pub fn admit(store: &mut Store, f: plugins::AdmitFn, a: &mut Attributes<'_>) -> Verdict {
        with_context(store, |ctx| f(ctx, a)).0
    }

    /// Runs a validating pass over `store`.
    pub fn validate(store: &mut Store, f: plugins::ValidateFn, a: &Attributes<'_>) -> Verdict {
        with_context(store, |ctx| f(ctx, a)).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ptr::Ptr as _;
    use serde_json::json;

    fn boot_chain(minor: u32, flags: &[(&str, &str)]) -> Result<Chain, Vec<FlagError>> {
        Chain::from_flags(minor, &|f| {
            flags
                .iter()
                .find(|(k, _)| *k == f)
                .map(|(_, v)| v.to_string())
        })
    }

    fn messages(r: Result<Chain, Vec<FlagError>>) -> Vec<String> {
        match r {
            Ok(_) => Vec::new(),
            Err(e) => e
                .into_iter()
                .map(|e| format!("{}: {}", e.flag, e.message))
                .collect(),
        }
    }

    fn outcomes(result: &PassResult) -> Vec<(&'static str, String)> {
        result
            .steps
            .iter()
            .map(|(p, o)| {
                let what = match o {
                    Outcome::Admitted(_) => "admitted".to_string(),
                    Outcome::Mutated(_, m) => format!("mutated {}", m.patch().len()),
                    Outcome::NotApplicable(_) => "n/a".into(),
                    Outcome::Rejected(e) => format!("rejected {}", e.code),
                    Outcome::Disabled { .. } => "disabled".into(),
                    Outcome::NotHandled(op) => format!("not handled {}", op.as_str()),
                    Outcome::NotModelled => "not modelled".into(),
                    Outcome::NotReached => "not reached".into(),
                };
                (*p, what)
            })
            .collect()
    }

    #[test]
    fn the_default_chain_follows_the_table_and_the_flags_only_change_membership() {
        let chain = boot_chain(37, &[("enable-admission-plugins", "NodeRestriction")]).unwrap();
        let enabled = chain.enabled();
        assert!(enabled.contains(&"NodeRestriction"));
        assert!(!enabled.contains(&"AlwaysPullImages"));
        // The order is the table's, whatever the flag says.
        let reordered = boot_chain(
            37,
            &[(
                "enable-admission-plugins",
                "AlwaysPullImages,NamespaceExists",
            )],
        )
        .unwrap();
        let pos = |n: &str| reordered.enabled().iter().position(|p| *p == n).unwrap();
        assert!(pos("NamespaceExists") < pos("AlwaysPullImages"));
        assert!(pos("NamespaceLifecycle") < pos("NamespaceExists"));
        let without = boot_chain(37, &[("disable-admission-plugins", "ServiceAccount")]).unwrap();
        assert!(!without.is_enabled("ServiceAccount"));
        assert!(without.is_enabled("NamespaceLifecycle"));
    }

    #[test]
    fn the_default_on_plugins_of_each_version_in_their_order() {
        let v136 = [
            "NamespaceLifecycle",
            "LimitRanger",
            "ServiceAccount",
            "TaintNodesByCondition",
            "PodSecurity",
            "Priority",
            "DefaultTolerationSeconds",
            "DefaultStorageClass",
            "StorageObjectInUseProtection",
            "PodGroupProtection",
            "PersistentVolumeClaimResize",
            "RuntimeClass",
            "CertificateApproval",
            "CertificateSigning",
            "ClusterTrustBundleAttest",
            "CertificateSubjectRestriction",
            "DefaultIngressClass",
            "PodTopologyLabels",
            "PodGroupWorkloadExists",
            "NodeDeclaredFeatureValidator",
            "JobValidation",
            "PodResizeValidator",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionWebhook",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionWebhook",
            "ResourceQuota",
        ];
        assert_eq!(boot_chain(36, &[]).unwrap().enabled(), v136);
        let v137: Vec<&str> = v136
            .into_iter()
            .filter(|p| *p != "PodGroupWorkloadExists")
            .collect();
        assert_eq!(boot_chain(37, &[]).unwrap().enabled(), v137);
        // v1.17: RuntimeClass still ran just before ResourceQuota; no certificate plugins yet.
        let v117 = boot_chain(17, &[]).unwrap();
        assert_eq!(
            v117.enabled()[v117.enabled().len() - 4..],
            [
                "MutatingAdmissionWebhook",
                "ValidatingAdmissionWebhook",
                "RuntimeClass",
                "ResourceQuota"
            ]
        );
        assert!(!v117.is_enabled("CertificateApproval"));
        // v1.22 ran PodSecurity after PodSecurityPolicy, v1.23 before.
        let order = |minor: u32| {
            let c =
                boot_chain(minor, &[("enable-admission-plugins", "PodSecurityPolicy")]).unwrap();
            let at = |n: &str| c.enabled().iter().position(|p| *p == n);
            (at("PodSecurity"), at("PodSecurityPolicy"))
        };
        let (psa, psp) = order(22);
        assert!(psa > psp);
        let (psa, psp) = order(23);
        assert!(psa < psp);
        // Removed plugins are unknown in later versions.
        assert_eq!(
            messages(boot_chain(25, &[("enable-admission-plugins", "PodSecurityPolicy")])),
            ["enable-admission-plugins: enable-admission-plugins plugin \"PodSecurityPolicy\" is unknown"]
        );
    }

    #[test]
    fn flags_are_refused_as_kube_apiserver_refuses_them() {
        assert_eq!(
            messages(boot_chain(37, &[
                ("enable-admission-plugins", "NodeRestriction,Foo,"),
                ("disable-admission-plugins", "Bar,NodeRestriction,AlwaysAdmit"),
            ])),
            [
                "enable-admission-plugins: enable-admission-plugins plugin \"Foo\" is unknown",
                "enable-admission-plugins: enable-admission-plugins plugin \"\" is unknown",
                "disable-admission-plugins: disable-admission-plugins plugin \"Bar\" is unknown",
                "disable-admission-plugins: [NodeRestriction] in enable-admission-plugins and disable-admission-plugins overlapped",
            ]
        );
        assert_eq!(
            messages(boot_chain(37, &[
                ("enable-admission-plugins", "NodeRestriction,AlwaysPullImages"),
                ("disable-admission-plugins", "AlwaysPullImages,NodeRestriction"),
            ])),
            ["disable-admission-plugins: [AlwaysPullImages NodeRestriction] in enable-admission-plugins and disable-admission-plugins overlapped"]
        );
        // A leading space is part of the name, as pflag reads it.
        assert_eq!(
            messages(boot_chain(37, &[("enable-admission-plugins", "NodeRestriction, AlwaysPullImages")])),
            ["enable-admission-plugins: enable-admission-plugins plugin \" AlwaysPullImages\" is unknown"]
        );
        // The deprecated flag names exactly the plugins that run, and excludes the new ones.
        let old = boot_chain(
            37,
            &[("admission-control", "ResourceQuota,NamespaceLifecycle")],
        )
        .unwrap();
        assert_eq!(old.enabled(), ["NamespaceLifecycle", "ResourceQuota"]);
        assert_eq!(
            messages(boot_chain(37, &[("admission-control", "NamespaceLifecycle"), ("enable-admission-plugins", "")])),
            ["admission-control: admission-control and enable-admission-plugins/disable-admission-plugins flags are mutually exclusive"]
        );
    }

    #[test]
    fn every_plugin_of_the_table_is_accounted_for_in_a_pass() {
        let mut store = Store::new(0, 1);
        store
            .create(
                "",
                "namespaces",
                json!({"metadata": {"name": "blue"}, "status": {"phase": "Active"}}),
                0,
            )
            .unwrap();
        let user = UserInfo::default();
        let chain = boot_chain(
            37,
            &[
                ("enable-admission-plugins", "AlwaysDeny"),
                ("disable-admission-plugins", "Priority"),
            ],
        )
        .unwrap();
        let authz = authz::Chain::of(&[authz::Mode::Rbac]);
        let cp = ControlPlane::default();
        let mut ctx = Context {
            store: &mut store,
            authz: &authz,
            now: 0,
            control_plane: &cp,
            state: &mut State::default(),
            servers: &[],
            notes: Vec::new(),
            warnings: Vec::new(),
            reinvocation: Default::default(),
        };
        let mut attrs = testing::attrs(
            Operation::Create,
            "POST",
            "/api/v1/namespaces/blue/pods",
            &user,
            Some(json!({"metadata": {"name": "web", "namespace": "blue"},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}})),
        );
        let result = chain.admit(&mut ctx, &mut attrs);
        let got = outcomes(&result);
        let of = |name: &str| {
            got.iter()
                .find(|(p, _)| *p == name)
                .map(|(_, o)| o.as_str())
                .unwrap_or("missing")
        };
        // Plugins without a mutating pass are not listed in it.
        assert_eq!(of("NamespaceExists"), "missing");
        assert_eq!(of("AlwaysAdmit"), "disabled");
        assert_eq!(of("NamespaceLifecycle"), "admitted");
        assert_eq!(of("LimitRanger"), "admitted");
        assert!(of("ServiceAccount").starts_with("rejected"), "no account");
        assert_eq!(of("Priority"), "not reached");
        assert_eq!(of("AlwaysDeny"), "not reached");
        assert_eq!(result.error.as_ref().map(|e| e.code), Some(403));
        // Every mutating plugin of v1.37 appears once, in the table's order.
        let names: Vec<&str> = got.iter().map(|(p, _)| *p).collect();
        let want: Vec<&str> = ALL_ORDERED
            .iter()
            .filter(|p| p.exists_in(37) && !matches!(p.mutating, Pass::None))
            .map(|p| p.name)
            .collect();
        assert_eq!(names, want);

        // A delete: the plugins that handle only CREATE say so.
        let mut del = testing::attrs(
            Operation::Delete,
            "DELETE",
            "/api/v1/namespaces/blue/pods/web",
            &user,
            None,
        );
        let chain = boot_chain(37, &[]).unwrap();
        let result = chain.admit(&mut ctx, &mut del);
        let got = outcomes(&result);
        assert!(got.contains(&("ServiceAccount", "not handled DELETE".into())));
        assert!(got.contains(&("NamespaceLifecycle", "n/a".into())));
    }

    #[test]
    fn a_mutation_is_recorded_as_the_patch_it_made() {
        let mut store = Store::new(0, 1);
        let user = UserInfo::default();
        let chain = boot_chain(37, &[]).unwrap();
        let authz = authz::Chain::of(&[authz::Mode::Rbac]);
        let cp = ControlPlane::default();
        {
            let ns = "blue";
            store
                .create("", "namespaces", json!({"metadata": {"name": ns}}), 0)
                .unwrap();
            store
                .create(
                    "",
                    "serviceaccounts",
                    json!({"metadata": {"name": "default", "namespace": ns},
                        "automountServiceAccountToken": false}),
                    0,
                )
                .unwrap();
        }
        let mut ctx = Context {
            store: &mut store,
            authz: &authz,
            now: 0,
            control_plane: &cp,
            state: &mut State::default(),
            servers: &[],
            notes: Vec::new(),
            warnings: Vec::new(),
            reinvocation: Default::default(),
        };
        let mut attrs = testing::attrs(
            Operation::Create,
            "POST",
            "/api/v1/namespaces/blue/pods",
            &user,
            Some(json!({"metadata": {"name": "web", "namespace": "blue"},
                "spec": {"containers": [{"name": "c", "image": "nginx"}],
                    "tolerations": [{"operator": "Exists"}]}})),
        );
        let result = chain.admit(&mut ctx, &mut attrs);
        assert!(result.error.is_none());
        let patch = result.steps.iter().find_map(|(p, o)| match o {
            Outcome::Mutated(_, m) if *p == "Priority" => Some(m.patch()),
            _ => None,
        });
        assert_eq!(
            patch,
            Some(vec![
                json!({"op": "add", "path": "/spec/priority", "value": 0}),
                json!({"op": "add", "path": "/spec/preemptionPolicy", "value": "PreemptLowerPriority"}),
            ])
        );
        // A pod that tolerates everything already gets no tolerations: admitted, unchanged.
        let tolerations = result
            .steps
            .iter()
            .find(|(p, _)| *p == "DefaultTolerationSeconds")
            .map(|(_, o)| o.clone());
        assert!(matches!(tolerations, Some(Outcome::Admitted(_))));
        assert_eq!(
            attrs.object.as_ref().and_then(|o| o.ptr("/spec/priority")),
            Some(&json!(0))
        );
    }
}

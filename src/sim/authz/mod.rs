//! Authorization, after authentication and impersonation: the authorizers named by
//! `--authorization-mode` run in order until one allows or denies; `system:masters` is always
//! allowed first. See <https://kubernetes.io/docs/reference/access-authn-authz/authorization/>.

pub mod abac;
pub mod access;
pub mod escalation;
pub mod node;
pub mod rbac;
pub mod webhook;

use serde_json::{json, Value};

use super::authn::UserInfo;
use super::request::RequestInfo;
use super::store::Store;
use super::trace::{Decision, GraphRow, StageRecord};

/// Upstream's `authorizer.Attributes`: what is being asked, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attributes {
    /// The user asking.
    pub user: UserInfo,
    /// The verb (`get`, `list`, `create`, `impersonate`, …).
    pub verb: String,
    /// Whether this is a resource request (else a non-resource URL).
    pub resource_request: bool,
    /// Namespace (empty for cluster scope).
    pub namespace: String,
    /// API group (empty for core).
    pub api_group: String,
    /// API version.
    pub api_version: String,
    /// Resource.
    pub resource: String,
    /// Subresource.
    pub subresource: String,
    /// Object name.
    pub name: String,
    /// URL path (for non-resource requests).
    pub path: String,
    /// The request's `fieldSelector` (the Node authorizer looks at `spec.nodeName=`).
    pub field_selector: String,
}

impl Attributes {
    /// The attributes of a request, for a user.
    pub fn from_request(info: &RequestInfo, user: &UserInfo) -> Self {
        Attributes {
            user: user.clone(),
            verb: info.verb.clone(),
            resource_request: info.is_resource_request,
            namespace: info.namespace.clone(),
            api_group: info.api_group.clone(),
            api_version: info.api_version.clone(),
            resource: info.resource.clone(),
            subresource: info.subresource.clone(),
            name: info.name.clone(),
            path: info.path.clone(),
            field_selector: info.field_selector.clone(),
        }
    }

    /// Upstream's `forbiddenMessage`: the inner text of a 403.
    pub fn forbidden_message(&self) -> String {
        let user = &self.user.username;
        if !self.resource_request {
            return format!(
                "User \"{user}\" cannot {} path \"{}\"",
                self.verb, self.path
            );
        }
        let mut res = self.resource.clone();
        if !self.subresource.is_empty() {
            res = format!("{res}/{}", self.subresource);
        }
        if self.namespace.is_empty() {
            format!(
                "User \"{user}\" cannot {} resource \"{res}\" in API group \"{}\" at the cluster scope",
                self.verb, self.api_group
            )
        } else {
            format!(
                "User \"{user}\" cannot {} resource \"{res}\" in API group \"{}\" in the namespace \"{}\"",
                self.verb, self.api_group, self.namespace
            )
        }
    }
}

/// One authorization mode of `--authorization-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Allows everything.
    AlwaysAllow,
    /// Has no opinion on anything, with the reason `Everything is forbidden.`.
    AlwaysDeny,
    /// The Node authorizer (kubelets).
    Node,
    /// Role-based access control.
    Rbac,
    /// Attribute-based access control (`--authorization-policy-file`).
    Abac,
    /// An external webhook (`--authorization-webhook-config-file`).
    Webhook,
}

impl Mode {
    /// Parses one entry of `--authorization-mode`.
    pub fn parse(s: &str) -> Option<Mode> {
        Some(match s {
            "AlwaysAllow" => Mode::AlwaysAllow,
            "AlwaysDeny" => Mode::AlwaysDeny,
            "Node" => Mode::Node,
            "RBAC" => Mode::Rbac,
            "ABAC" => Mode::Abac,
            "Webhook" => Mode::Webhook,
            _ => return None,
        })
    }

    /// Its name as the flag spells it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::AlwaysAllow => "AlwaysAllow",
            Mode::AlwaysDeny => "AlwaysDeny",
            Mode::Node => "Node",
            Mode::Rbac => "RBAC",
            Mode::Abac => "ABAC",
            Mode::Webhook => "Webhook",
        }
    }
}

/// The configured authorizers: the modes in order and what ABAC and the webhook need.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chain {
    /// `--authorization-mode`, in order.
    pub modes: Vec<Mode>,
    /// `--authorization-policy-file`, for ABAC.
    pub abac_file: String,
    /// The ABAC policies.
    pub abac: Vec<abac::Policy>,
    /// The authorization webhooks, in the order their `Webhook` modes appear.
    pub webhooks: Vec<webhook::Webhook>,
    /// The Node authorizer's fixed rules (the bootstrap `system:node` role).
    pub node_rules: Vec<Value>,
    /// The simulated minor version (feature gates).
    pub minor: u32,
}

impl Chain {
    /// A chain of plain modes (no ABAC policies, no webhook).
    pub fn of(modes: &[Mode]) -> Chain {
        Chain {
            modes: modes.to_vec(),
            ..Default::default()
        }
    }
}

/// The outcome of the chain: upstream's `(Decision, reason, error)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthzDecision {
    /// Allow, Deny or NoOpinion.
    pub decision: Decision,
    /// The deciding authorizer's reason, or the NoOpinion reasons joined by newlines.
    pub reason: String,
    /// An authorizer error (gives a 500 unless allowed).
    pub error: Option<String>,
    /// The authorizer that decided.
    pub plugin: String,
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// What SelfSubjectRulesReview answers: every authorizer's rules for the user in a namespace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RulesReview {
    /// `status.resourceRules`.
    pub resource_rules: Vec<Value>,
    /// `status.nonResourceRules`.
    pub non_resource_rules: Vec<Value>,
    /// `status.incomplete`: some authorizer cannot list its rules.
    pub incomplete: bool,
    /// `status.evaluationError`.
    pub evaluation_error: Option<String>,
}

/// Upstream's union `RulesFor` (the system:masters check has none: members see only what
/// RBAC and the other authorizers list for them).
pub fn rules_for(chain: &Chain, store: &Store, user: &UserInfo, namespace: &str) -> RulesReview {
    let mut out = RulesReview::default();
    let mut errors = Vec::new();
    for mode in &chain.modes {
        match mode {
            Mode::AlwaysAllow => {
                out.resource_rules
                    .push(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}));
                out.non_resource_rules
                    .push(json!({"verbs": ["*"], "nonResourceURLs": ["*"]}));
            }
            Mode::AlwaysDeny => {}
            Mode::Node => {
                if node::identity(user).is_some() {
                    out.incomplete = true;
                    errors.push("node authorizer does not support user rule resolution".into());
                }
            }
            Mode::Webhook => {
                out.incomplete = true;
                errors.push("webhook authorizer does not support user rule resolution".into());
            }
            Mode::Abac => {
                let (r, nr) = abac::rules_for(&chain.abac, user, namespace);
                out.resource_rules.extend(r);
                out.non_resource_rules.extend(nr);
            }
            Mode::Rbac => {
                let (rules, errs) = rbac::rules_for(store, user, namespace);
                errors.extend(errs);
                for rule in rules {
                    let field = |k: &str| {
                        rule.get(k)
                            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
                    };
                    if field("resources").is_some() {
                        let mut r = serde_json::Map::new();
                        r.insert(
                            "verbs".into(),
                            rule.get("verbs").cloned().unwrap_or(Value::Null),
                        );
                        for k in ["apiGroups", "resources", "resourceNames"] {
                            if let Some(v) = field(k) {
                                r.insert(k.into(), v.clone());
                            }
                        }
                        out.resource_rules.push(Value::Object(r));
                    }
                    if let Some(urls) = field("nonResourceURLs") {
                        out.non_resource_rules.push(json!({
                            "verbs": rule.get("verbs").cloned().unwrap_or(Value::Null),
                            "nonResourceURLs": urls,
                        }));
                    }
                }
            }
        }
    }
    out.evaluation_error = aggregate_errors(&errors);
    out
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: nothing, the one message, or the distinct
/// messages in brackets.
pub fn aggregate_errors(errors: &[String]) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => None,
        1 => Some(seen[0].to_string()),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

/// The group that is always allowed.
pub const SYSTEM_MASTERS: &str = "system:masters";

/// Runs the union of authorizers, recording each step.
pub fn authorize(
    chain: &Chain,
    store: &Store,
    attrs: &Attributes,
    record: Option<&mut StageRecord>,
) -> AuthzDecision {
    authorize_graphed(chain, store, attrs, record, false).0
}

/// [`authorize`], and when `want_graph` and RBAC was consulted, the user's RBAC graph for the
/// request, drawn in the same walk over the user's rules as RBAC's decision.
pub fn authorize_graphed(
    chain: &Chain,
    store: &Store,
    attrs: &Attributes,
    mut record: Option<&mut StageRecord>,
    want_graph: bool,
) -> (AuthzDecision, Option<Vec<GraphRow>>) {
    let mut graph = None;
    let mut step = |plugin: &str, d: Decision, reason: &str, details: Vec<(&str, String)>| {
        if let Some(r) = record.as_deref_mut() {
            r.step(plugin.to_string(), d, reason.to_string());
            for (k, v) in details {
                r.detail(k, v);
            }
        }
    };
    if attrs.user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
        step(
            "system:masters",
            Decision::Allow,
            "the user is in group system:masters, which is always allowed",
            Vec::new(),
        );
        let d = AuthzDecision {
            decision: Decision::Allow,
            reason: String::new(),
            error: None,
            plugin: "system:masters".into(),
        };
        return (d, graph);
    }
    step(
        "system:masters",
        Decision::NoOpinion,
        "the user is not in group system:masters",
        Vec::new(),
    );
    let mut reasons: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut webhooks = chain.webhooks.iter();
    for mode in &chain.modes {
        let mut shown = None;
        let mut label = mode.name().to_string();
        let mut details = Vec::new();
        let (decision, reason, error) = match mode {
            Mode::AlwaysAllow => (Decision::Allow, String::new(), None),
            Mode::AlwaysDeny => (
                Decision::NoOpinion,
                "Everything is forbidden.".to_string(),
                None,
            ),
            Mode::Node => {
                // AuthorizeNodeWithSelectors is on from v1.32.
                let d = node::authorize(store, &chain.node_rules, chain.minor >= 32, attrs);
                shown = Some(d.shown);
                (d.decision, d.reason, None)
            }
            Mode::Rbac => {
                let (r, g) = rbac::authorize_graphed(store, attrs, want_graph);
                graph = g;
                (r.decision, r.reason, None)
            }
            Mode::Abac => match abac::authorize(&chain.abac, attrs) {
                Some(p) => {
                    shown = Some(format!(
                        "allowed by the policy on line {} of {}: {}",
                        p.line, chain.abac_file, p.text
                    ));
                    (Decision::Allow, String::new(), None)
                }
                None => (Decision::NoOpinion, "No policy matched.".to_string(), None),
            },
            Mode::Webhook => match webhooks.next() {
                Some(w) => {
                    if !w.name.is_empty() {
                        label = format!("Webhook {:?}", w.name);
                    }
                    let call = w.authorize(attrs);
                    details.push((
                        "webhook request",
                        format!("POST {}\n{}", w.url, pretty(&call.request)),
                    ));
                    match &call.response {
                        Some(r) => details.push(("webhook response", pretty(r))),
                        None => details.push((
                            "webhook response",
                            "none: the call failed (client-go retried it with backoff first)"
                                .to_string(),
                        )),
                    }
                    if let (Some(i), Some(server)) = (call.rule, &w.server) {
                        shown = Some(format!(
                            "{} (rule {} of WebhookServer {:?} answered{})",
                            match call.decision {
                                Decision::Allow => "allowed",
                                Decision::Deny => "denied",
                                _ => "no opinion",
                            },
                            i + 1,
                            server.name,
                            if call.reason.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", call.reason)
                            }
                        ));
                    } else if call.response.is_some() {
                        shown = Some(
                            "no rule of the webhook server matched: it answered allowed=false (no opinion)"
                                .to_string(),
                        );
                    }
                    if let Some(e) = &call.error {
                        shown = Some(format!("error: {e}"));
                    }
                    (call.decision, call.reason, call.error)
                }
                None => (Decision::NoOpinion, String::new(), None),
            },
        };
        let shown = shown.unwrap_or_else(|| match (mode, decision, reason.is_empty()) {
            (Mode::Node, Decision::NoOpinion, true) => {
                "not a node: the user is not system:node:<name> in group system:nodes".to_string()
            }
            (Mode::Rbac, Decision::NoOpinion, true) => {
                "no RoleBinding or ClusterRoleBinding grants this to the user or their groups"
                    .to_string()
            }
            (Mode::AlwaysAllow, Decision::Allow, true) => "allows every request".to_string(),
            _ => reason.clone(),
        });
        step(&label, decision, &shown, details);
        if let Some(e) = &error {
            errors.push(e.clone());
        }
        if matches!(decision, Decision::Allow | Decision::Deny) {
            let d = AuthzDecision {
                decision,
                reason,
                error,
                plugin: label,
            };
            return (d, graph);
        }
        if !reason.is_empty() {
            reasons.push(reason);
        }
    }
    let d = AuthzDecision {
        decision: Decision::NoOpinion,
        reason: reasons.join("\n"),
        error: if errors.is_empty() {
            None
        } else {
            Some(errors.join(", "))
        },
        plugin: String::new(),
    };
    (d, graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(
        user: &str,
        verb: &str,
        resource: &str,
        sub: &str,
        ns: &str,
        name: &str,
    ) -> Attributes {
        Attributes {
            user: UserInfo {
                username: user.into(),
                ..Default::default()
            },
            verb: verb.into(),
            resource_request: true,
            namespace: ns.into(),
            resource: resource.into(),
            subresource: sub.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn forbidden_messages_match_upstream() {
        assert_eq!(
            attrs("dev-user", "create", "pods", "", "blue", "").forbidden_message(),
            "User \"dev-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"blue\""
        );
        assert_eq!(
            attrs("u", "get", "pods", "log", "blue", "x").forbidden_message(),
            "User \"u\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"blue\""
        );
        assert_eq!(
            attrs("u", "list", "nodes", "", "", "").forbidden_message(),
            "User \"u\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
        );
        let mut nr = attrs("u", "get", "", "", "", "");
        nr.resource_request = false;
        nr.path = "/healthz".into();
        assert_eq!(
            nr.forbidden_message(),
            "User \"u\" cannot get path \"/healthz\""
        );
    }

    #[test]
    fn union_stops_at_first_decision_and_joins_no_opinion_reasons() {
        let store = Store::default();
        let a = attrs("u", "get", "pods", "", "ns", "");
        let d = authorize(
            &Chain::of(&[Mode::AlwaysDeny, Mode::AlwaysAllow]),
            &store,
            &a,
            None,
        );
        assert_eq!(d.decision, Decision::Allow);
        assert_eq!(d.plugin, "AlwaysAllow");
        let d = authorize(
            &Chain::of(&[Mode::AlwaysDeny, Mode::Rbac, Mode::AlwaysDeny]),
            &store,
            &a,
            None,
        );
        assert_eq!(d.decision, Decision::NoOpinion);
        assert_eq!(
            d.reason,
            "Everything is forbidden.\nEverything is forbidden."
        );
    }

    #[test]
    fn system_masters_bypasses_every_mode() {
        let store = Store::default();
        let mut a = attrs("root", "delete", "nodes", "", "", "n1");
        a.user.groups = vec![SYSTEM_MASTERS.into()];
        let d = authorize(&Chain::of(&[Mode::AlwaysDeny]), &store, &a, None);
        assert_eq!(d.decision, Decision::Allow);
        assert_eq!(d.reason, "");
    }

    fn hook(
        state: crate::sim::webhooks::State,
        rules: Vec<crate::sim::webhooks::AuthzRule>,
        deny_on_error: bool,
    ) -> webhook::Webhook {
        webhook::Webhook {
            name: String::new(),
            deny_on_error,
            config_file: "/w.yaml".into(),
            url: "https://w.example/authorize".into(),
            version: "v1".into(),
            server: Some(crate::sim::webhooks::WebhookServer {
                name: "w".into(),
                url: "https://w.example/authorize".into(),
                state,
                authorize: rules,
                admit: Vec::new(),
            }),
        }
    }

    /// After upstream's union authorizer tests (staging/.../authorizer/union/union_test.go):
    /// the first Allow or Deny wins; NoOpinion passes on; errors are kept unless someone
    /// allows; reasons of NoOpinions are joined.
    #[test]
    fn union_semantics_with_errors_and_webhooks() {
        use crate::sim::webhooks::{AuthzRule, State};
        let store = Store::default();
        let a = attrs("u", "get", "pods", "", "ns", "");
        let allow_all = AuthzRule {
            allowed: true,
            reason: "hook says yes".into(),
            ..Default::default()
        };
        let deny_all = AuthzRule {
            denied: true,
            reason: "hook says no".into(),
            ..Default::default()
        };
        let chain = |modes: &[Mode], hooks: Vec<webhook::Webhook>| Chain {
            modes: modes.to_vec(),
            webhooks: hooks,
            ..Default::default()
        };
        // Second passes.
        let d = authorize(
            &chain(
                &[Mode::AlwaysDeny, Mode::Webhook],
                vec![hook(State::Up, vec![allow_all.clone()], false)],
            ),
            &store,
            &a,
            None,
        );
        assert_eq!(
            (d.decision, d.reason.as_str(), d.error.is_none()),
            (Decision::Allow, "hook says yes", true)
        );
        // A deny ends the chain before a later allow.
        let d = authorize(
            &chain(
                &[Mode::Webhook, Mode::AlwaysAllow],
                vec![hook(State::Up, vec![deny_all], false)],
            ),
            &store,
            &a,
            None,
        );
        assert_eq!(
            (d.decision, d.reason.as_str()),
            (Decision::Deny, "hook says no")
        );
        // An error, then an allow: allowed, no error.
        let d = authorize(
            &chain(
                &[Mode::Webhook, Mode::AlwaysAllow],
                vec![hook(State::Unreachable, vec![], false)],
            ),
            &store,
            &a,
            None,
        );
        assert_eq!((d.decision, d.error), (Decision::Allow, None));
        // An error and nobody allows: no opinion with the error (a 500 in the filter).
        let d = authorize(
            &chain(
                &[Mode::Webhook, Mode::AlwaysDeny],
                vec![hook(State::Timeout, vec![], false)],
            ),
            &store,
            &a,
            None,
        );
        assert_eq!(d.decision, Decision::NoOpinion);
        assert_eq!(d.reason, "Everything is forbidden.");
        assert!(
            d.error
                .as_deref()
                .is_some_and(|e| e.contains("context deadline exceeded")),
            "{d:?}"
        );
        // failurePolicy Deny: the failed call denies, and the chain stops there.
        let d = authorize(
            &chain(
                &[Mode::Webhook, Mode::AlwaysAllow],
                vec![hook(State::Unreachable, vec![], true)],
            ),
            &store,
            &a,
            None,
        );
        assert_eq!(d.decision, Decision::Deny);
        assert!(d.error.is_some());
        // Both allowed and denied: a deny with an error.
        let both = AuthzRule {
            allowed: true,
            denied: true,
            ..Default::default()
        };
        let d = authorize(
            &chain(&[Mode::Webhook], vec![hook(State::Up, vec![both], false)]),
            &store,
            &a,
            None,
        );
        assert_eq!(
            (d.decision, d.error.as_deref()),
            (
                Decision::Deny,
                Some("webhook subject access review returned both allow and deny response")
            )
        );
        // No server at the URL: the lookup fails.
        let mut missing = hook(State::Up, vec![], false);
        missing.server = None;
        let d = authorize(&chain(&[Mode::Webhook], vec![missing]), &store, &a, None);
        assert_eq!(
            d.error.as_deref(),
            Some("Post \"https://w.example/authorize\": dial tcp: lookup w.example: no such host")
        );
    }

    /// After upstream's union RulesFor test: rules are concatenated, incompleteness and errors
    /// gathered.
    #[test]
    fn rules_for_unions_every_authorizer() {
        let store = Store::default();
        let user = UserInfo {
            username: "system:node:n1".into(),
            groups: vec!["system:nodes".into()],
            ..Default::default()
        };
        let chain = Chain {
            modes: vec![
                Mode::AlwaysAllow,
                Mode::Node,
                Mode::Webhook,
                Mode::AlwaysDeny,
            ],
            ..Default::default()
        };
        let r = rules_for(&chain, &store, &user, "ns");
        assert_eq!(
            r.resource_rules,
            [json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})]
        );
        assert_eq!(
            r.non_resource_rules,
            [json!({"verbs": ["*"], "nonResourceURLs": ["*"]})]
        );
        assert!(r.incomplete);
        assert_eq!(
            r.evaluation_error.as_deref(),
            Some("[node authorizer does not support user rule resolution, webhook authorizer does not support user rule resolution]")
        );
        let person = UserInfo {
            username: "jane".into(),
            ..Default::default()
        };
        let r = rules_for(
            &Chain::of(&[Mode::Node, Mode::AlwaysDeny]),
            &store,
            &person,
            "ns",
        );
        assert_eq!(
            (r.incomplete, r.evaluation_error, r.resource_rules.len()),
            (false, None, 0)
        );
    }
}

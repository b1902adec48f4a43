//! The record of one request's way through the pipeline: one entry per stage, each with a
//! decision, the reason, and the steps (authenticators, authorizers, plugins) it tried.
//! See <https://kubernetes.io/docs/concepts/security/controlling-access/>.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use serde_json::Value;

use super::authn::UserInfo;
use super::jsondiff::{Edit, EditOp};
use super::request::RequestInfo;

/// The stages of kube-apiserver's request pipeline, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Who is sending the request.
    Authentication,
    /// Acting as another user (`Impersonate-*` headers).
    Impersonation,
    /// May this user do this.
    Authorization,
    /// Admission plugins that may change the object.
    MutatingAdmission,
    /// The built-in field validation of the object.
    Validation,
    /// Admission plugins that may only accept or reject.
    ValidatingAdmission,
    /// Writing to (or reading from) etcd.
    Storage,
}

impl Stage {
    /// Every stage, in the order kube-apiserver's handler chain runs them.
    pub const ALL: [Stage; 7] = [
        Stage::Authentication,
        Stage::Impersonation,
        Stage::Authorization,
        Stage::MutatingAdmission,
        Stage::Validation,
        Stage::ValidatingAdmission,
        Stage::Storage,
    ];

    /// The stage's name as the trace JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Authentication => "authentication",
            Stage::Impersonation => "impersonation",
            Stage::Authorization => "authorization",
            Stage::MutatingAdmission => "mutating-admission",
            Stage::Validation => "validation",
            Stage::ValidatingAdmission => "validating-admission",
            Stage::Storage => "storage",
        }
    }

    /// A human title for the stage.
    pub fn title(self) -> &'static str {
        match self {
            Stage::Authentication => "Authentication",
            Stage::Impersonation => "Impersonation",
            Stage::Authorization => "Authorization",
            Stage::MutatingAdmission => "Mutating admission",
            Stage::Validation => "Validation",
            Stage::ValidatingAdmission => "Validating admission",
            Stage::Storage => "Storage",
        }
    }
}

/// The outcome of a stage or of one step in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// The request goes on.
    Allow,
    /// The request is refused here.
    Deny,
    /// This step had nothing to say; the next one decides.
    NoOpinion,
    /// The step failed (which also ends the request).
    Error,
    /// The step did not apply to this request.
    Skip,
    /// Nothing in the stage looked at this request (every plugin was off, did not handle it,
    /// or is not modelled): the stage neither allowed nor refused anything.
    NotEvaluated,
}

impl Decision {
    /// The decision as the trace JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::NoOpinion => "no-opinion",
            Decision::Error => "error",
            Decision::Skip => "skip",
            Decision::NotEvaluated => "not-evaluated",
        }
    }
}

/// One authenticator, authorizer or admission plugin consulted within a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Its upstream name, e.g. `RBAC` or `NamespaceLifecycle`.
    pub plugin: Cow<'static, str>,
    /// What it decided.
    pub decision: Decision,
    /// Why, in upstream's words where upstream has them.
    pub reason: Cow<'static, str>,
    /// For a mutating admission plugin that changed the object: the object before and after
    /// its run (written out as `patch` and `changes`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub mutation: Option<Mutation>,
}

/// What one mutating plugin changed: the edits that take the object as the plugin found it
/// to the object it left, each with the value it replaced. Written out as the step's `patch`
/// (RFC 6902 operations) and `changes` (each field before and after).
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub edits: Vec<Edit>,
}

impl Mutation {
    /// The change as JSON patch operations.
    pub fn patch(&self) -> Vec<Value> {
        self.edits.iter().map(Edit::to_patch).collect()
    }

    /// The change as the fields it touched, each before and after.
    pub fn changes(&self) -> Vec<Change> {
        self.edits
            .iter()
            .map(|e| Change {
                path: e.path.clone(),
                before: e.before.clone(),
                after: e.after.clone(),
            })
            .collect()
    }
}

impl Serialize for Mutation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        if !self.edits.is_empty() {
            map.serialize_entry("patch", &self.patch())?;
            map.serialize_entry("changes", &self.changes())?;
        }
        map.end()
    }
}

/// Reads back what the `Serialize` above wrote: the operations from `patch`, the values
/// before and after from `changes` (a step with neither had no mutation).
impl<'de> Deserialize<'de> for Mutation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        struct Written {
            patch: Vec<Value>,
            changes: Vec<Change>,
        }
        let w = Written::deserialize(d)?;
        if w.patch.len() != w.changes.len() {
            return Err(D::Error::custom(
                "a mutation's patch and changes differ in length",
            ));
        }
        let edits = w
            .patch
            .iter()
            .zip(w.changes)
            .map(|(op, change)| {
                let op = match op.get("op").and_then(Value::as_str) {
                    Some("add") => EditOp::Add,
                    Some("remove") => EditOp::Remove,
                    Some("replace") => EditOp::Replace,
                    other => return Err(D::Error::custom(format!("unknown patch op {other:?}"))),
                };
                Ok(Edit {
                    op,
                    path: change.path,
                    before: change.before,
                    after: change.after,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Mutation { edits })
    }
}

/// One field a mutating plugin changed: its JSON pointer and its value before and after
/// (`None` where it did not exist, or was removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// One stage of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRecord {
    /// Which stage.
    pub stage: Stage,
    /// The plugin that decided the stage's outcome (empty when none did).
    pub plugin: String,
    /// The stage's outcome.
    pub decision: Decision,
    /// The reason for the outcome.
    pub reason: String,
    /// Every plugin consulted, in order.
    pub steps: Vec<Step>,
    /// Stage-specific facts worth showing (credential sent, object before/after, …).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pairs_as_map",
        deserialize_with = "map_as_pairs"
    )]
    pub details: Vec<(String, String)>,
    /// For authorization under RBAC: the user's bindings, roles and rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "rbacGraph")]
    pub graph: Vec<GraphRow>,
}

/// One binding that names the user, in the RBAC graph: subject → binding → role → rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphRow {
    /// How the binding names the user (`User "dev-user"`, `Group "system:authenticated"`).
    pub subject: String,
    /// `RoleBinding ns/name` or `ClusterRoleBinding name`.
    pub binding: String,
    /// `Role name` or `ClusterRole name`.
    pub role: String,
    /// The role's rules.
    pub rules: Vec<GraphRule>,
    /// A binding elsewhere (another namespace) that would allow the request there: drawn
    /// beside the user's bindings here, its rules marked as they would decide there.
    #[serde(
        default,
        rename = "nearMiss",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub near_miss: bool,
}

/// One rule in the RBAC graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphRule {
    /// The rule in one line.
    pub text: String,
    /// Whether it allows the request.
    pub allows: bool,
}

impl StageRecord {
    /// A record with no steps yet.
    pub fn new(stage: Stage) -> Self {
        StageRecord {
            stage,
            plugin: String::new(),
            decision: Decision::Allow,
            reason: String::new(),
            steps: Vec::new(),
            details: Vec::new(),
            graph: Vec::new(),
        }
    }

    /// Records one consulted plugin.
    pub fn step(
        &mut self,
        plugin: impl Into<Cow<'static, str>>,
        decision: Decision,
        reason: impl Into<Cow<'static, str>>,
    ) {
        self.steps.push(Step {
            plugin: plugin.into(),
            decision,
            reason: reason.into(),
            mutation: None,
        });
    }

    /// Records a fact to show.
    pub fn detail(&mut self, key: &str, value: impl Into<String>) {
        self.details.push((key.to_string(), value.into()));
    }

    /// Sets the stage's outcome.
    pub fn decide(&mut self, plugin: &str, decision: Decision, reason: impl Into<String>) {
        self.plugin = plugin.to_string();
        self.decision = decision;
        self.reason = reason.into();
    }
}

/// Writes `(key, value)` pairs as one JSON object, keeping their order.
fn pairs_as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Reads back what [`pairs_as_map`] wrote, in the object's order.
fn map_as_pairs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    struct Pairs;
    impl<'de> serde::de::Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of strings")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::new();
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }
    d.deserialize_map(Pairs)
}

/// The HTTP response the server sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// HTTP status code.
    pub code: u16,
    /// The JSON body (a `Status` for errors).
    pub body: Value,
    /// The `Warning` headers (admission webhooks' and policies' warnings), which kubectl
    /// prints as `Warning: …`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One HTTP request through the whole pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestTrace {
    /// HTTP method.
    pub method: String,
    /// Path with query, as sent.
    pub path: String,
    /// The request attributes (upstream `RequestInfo`).
    pub attributes: RequestInfo,
    /// The user the request ran as (after impersonation), when authentication succeeded.
    pub user: Option<UserInfo>,
    /// The stages the request went through, in order.
    pub stages: Vec<StageRecord>,
    /// What the server answered.
    pub response: ResponseRecord,
    /// How the client chose its credentials (kubectl: the context, kubeconfig user and the
    /// credential it sent); empty for raw requests.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sent_by: String,
    /// The security card of the pod (or pod template) the request wrote, when the page or
    /// the CLI asked for it (`sim::securitycontext::attach`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Box<crate::sim::securitycontext::SecurityReport>>,
    /// The body the client sent (JSON), for the page to compare with what was stored; not in
    /// the trace JSON, whose shape is the CLI's contract.
    #[serde(skip)]
    pub sent_body: Option<String>,
}

impl RequestTrace {
    /// The stage that refused the request (the first that denied it or failed), if one did.
    pub fn refused_at(&self) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| matches!(s.decision, Decision::Deny | Decision::Error))
    }

    /// The outcome in one line, as a learner wants it first: where the request stopped and
    /// why (the server's own message), or that every stage let it through.
    pub fn verdict(&self) -> String {
        let code = self.response.code;
        let message = self
            .response
            .body
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty());
        match self.refused_at() {
            Some(i) => {
                let stage = &self.stages[i];
                let why = message.unwrap_or(stage.reason.as_str());
                format!(
                    "Refused at {} ({code}): {why}",
                    stage.stage.title().to_lowercase()
                )
            }
            None if code >= 400 => format!("Answered {code}: {}", message.unwrap_or("an error")),
            None => format!("Allowed ({code}): every stage let the request through"),
        }
    }
}

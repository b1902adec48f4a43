//! Where the endpoints call admission: the mutating pass before the registry sees the object,
//! the validating pass after its validation (upstream's handlers pass both into the registry
//! as `admit` and `createValidation`/`updateValidation`). Each pass is written down as one
//! stage record listing every plugin of the table with what became of it.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

use super::Recorder;
use crate::sim::admission::{self, Attributes, Context, Outcome, PassResult};
use crate::sim::cluster::Cluster;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// The mutating pass over `attrs.object`, recorded; the refusal, if a plugin refused.
    pub(crate) fn admit(
        &mut self,
        attrs: &mut Attributes<'_>,
        rec: &mut Recorder,
    ) -> Result<(), ApiError> {
        self.run_pass(Stage::MutatingAdmission, attrs, rec)
    }

    /// The validating pass, recorded; the refusal, if a plugin refused.
    pub(crate) fn validate(
        &mut self,
        attrs: &mut Attributes<'_>,
        rec: &mut Recorder,
    ) -> Result<(), ApiError> {
        self.run_pass(Stage::ValidatingAdmission, attrs, rec)
    }

    fn run_pass(
        &mut self,
        stage: Stage,
        attrs: &mut Attributes<'_>,
        rec: &mut Recorder,
    ) -> Result<(), ApiError> {
        let mut ctx = Context {
            store: &mut self.store,
            authz: &self.authz,
            now: self.now,
            control_plane: &self.control_plane,
            state: &mut self.admission_state,
            servers: &self.webhook_servers,
            notes: Vec::new(),
            warnings: Vec::new(),
            reinvocation: Default::default(),
        };
        let result = if stage == Stage::MutatingAdmission {
            self.admission.admit(&mut ctx, attrs)
        } else {
            self.admission.validate(&mut ctx, attrs)
        };
        let notes = std::mem::take(&mut ctx.notes);
        rec.warnings.append(&mut ctx.warnings);
        self.record_pass(stage, attrs, result, notes, rec)
    }

    fn record_pass(
        &self,
        stage: Stage,
        attrs: &Attributes<'_>,
        result: PassResult,
        notes: Vec<(String, String)>,
        rec: &mut Recorder,
    ) -> Result<(), ApiError> {
        let mut record = StageRecord::new(stage);
        record.detail(
            "request",
            format!(
                "{} {}{}",
                attrs.operation.as_str(),
                attrs.resource,
                if attrs.subresource.is_empty() {
                    String::new()
                } else {
                    format!("/{}", attrs.subresource)
                }
            ),
        );
        let mut ran = Vec::new();
        let mut changed = Vec::new();
        let refused_by = result
            .steps
            .iter()
            .find(|(_, o)| matches!(o, Outcome::Rejected(_)))
            .map_or("", |(p, _)| *p);
        record.steps.reserve(result.steps.len());
        let second = result.reinvoked_from.unwrap_or(usize::MAX);
        if result.reinvoked_from.is_some() {
            record.detail(
                "reinvocation",
                "a webhook or policy changed the object, so the mutating chain ran a second time (every built-in plugin again; webhooks and policies with reinvocationPolicy IfNeeded that ran before a change)".to_string(),
            );
        }
        for (i, (plugin, outcome)) in result.steps.into_iter().enumerate() {
            let outcome = if i >= second {
                outcome.reinvoked()
            } else {
                outcome
            };
            let (decision, reason) = match outcome {
                Outcome::Admitted(why) => {
                    ran.push(plugin);
                    (Decision::Allow, why)
                }
                Outcome::Mutated(why, mutation) => {
                    ran.push(plugin);
                    changed.push(plugin);
                    record.step(plugin, Decision::Allow, why);
                    if let Some(last) = record.steps.last_mut() {
                        last.mutation = Some(mutation);
                    }
                    continue;
                }
                Outcome::NotApplicable(why) => (Decision::Skip, why),
                Outcome::Rejected(e) => (Decision::Deny, e.message.clone().into()),
                Outcome::Disabled { default_on } => (
                    Decision::Skip,
                    if default_on {
                        "disabled (--disable-admission-plugins)".into()
                    } else {
                        "off (not in --enable-admission-plugins)".into()
                    },
                ),
                Outcome::NotHandled(op) => (
                    Decision::Skip,
                    match op {
                        admission::Operation::Create => "does not handle CREATE",
                        admission::Operation::Update => "does not handle UPDATE",
                        admission::Operation::Delete => "does not handle DELETE",
                        admission::Operation::Connect => "does not handle CONNECT",
                    }
                    .into(),
                ),
                Outcome::NotModelled => (
                    Decision::Skip,
                    "enabled, but not modelled by kubegate yet: a real API server runs it here"
                        .into(),
                ),
                Outcome::NotReached => (
                    Decision::Skip,
                    "not reached: an earlier plugin refused the request".into(),
                ),
            };
            record.step(plugin, decision, reason);
        }
        let pass = if stage == Stage::MutatingAdmission {
            "mutating"
        } else {
            "validating"
        };
        record.details.extend(notes);
        if let Some(err) = result.error {
            record.decide(refused_by, Decision::Deny, err.message.clone());
            rec.push(record);
            return Err(err);
        }
        if ran.is_empty() {
            record.decide(
                "",
                Decision::NotEvaluated,
                format!("no enabled {pass} plugin that kubegate models looked at this request"),
            );
        } else {
            let mut why = format!("admitted by {}", ran.join(", "));
            if !changed.is_empty() {
                why.push_str(&format!("; changed by {}", changed.join(", ")));
            }
            record.decide("", Decision::Allow, why);
        }
        rec.push(record);
        Ok(())
    }
}

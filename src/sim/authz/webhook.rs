//! The Webhook authorizer: every request it sees becomes a SubjectAccessReview POSTed to the
//! server named by `--authorization-webhook-config-file` (a kubeconfig). Here the server is a
//! simulated one from the workspace (see `sim::webhooks`). Allowed or denied ends the chain;
//! otherwise no opinion; a failed call is no opinion with an error (a 500 unless a later
//! authorizer allows).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/webhook/>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::Attributes;
use crate::sim::trace::Decision;
use crate::sim::webhooks::{self, State, WebhookServer};

/// The configured authorization webhook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Webhook {
    /// Its name in `--authorization-config` (empty for the flag-configured one).
    pub name: String,
    /// What a failed call decides: NoOpinion (the flags' behaviour) or, with
    /// `failurePolicy: Deny`, Deny.
    pub deny_on_error: bool,
    /// `--authorization-webhook-config-file`.
    pub config_file: String,
    /// The server URL from that kubeconfig.
    pub url: String,
    /// `--authorization-webhook-version` (`v1` or `v1beta1`).
    pub version: String,
    /// The workspace's simulated server at that URL, if there is one.
    pub server: Option<WebhookServer>,
}

/// One call to the webhook, as the trace shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The SubjectAccessReview sent.
    pub request: Value,
    /// The review returned, when the server answered.
    pub response: Option<Value>,
    /// The decision taken from it.
    pub decision: Decision,
    /// `status.reason`.
    pub reason: String,
    /// A failed call, or a contradictory answer.
    pub error: Option<String>,
    /// Which of the server's rules answered.
    pub rule: Option<usize>,
}

fn host_port(url: &str) -> (String, String) {
    let rest = url.trim_start_matches("https://");
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.to_string()),
        None => (authority.to_string(), "443".to_string()),
    }
}

impl Webhook {
    /// Sends the review and reads the answer.
    pub fn authorize(&self, a: &Attributes) -> Call {
        let request = webhooks::subject_access_review(a, &self.version);
        let failed = |error: String| Call {
            request: request.clone(),
            response: None,
            decision: if self.deny_on_error {
                Decision::Deny
            } else {
                Decision::NoOpinion
            },
            reason: String::new(),
            error: Some(error),
            rule: None,
        };
        let (host, port) = host_port(&self.url);
        let Some(server) = &self.server else {
            return failed(format!(
                "Post \"{}\": dial tcp: lookup {host}: no such host",
                self.url
            ));
        };
        match server.state {
            State::Unreachable => {
                return failed(format!(
                    "Post \"{}\": dial tcp {host}:{port}: connect: connection refused",
                    self.url
                ))
            }
            State::Timeout => {
                return failed(format!(
                    "Post \"{}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                    self.url
                ))
            }
            State::Up => {}
        }
        let (response, rule) = webhooks::answer(server, &request, a);
        let flag = |k: &str| response.ptr(&format!("/status/{k}")) == Some(&Value::Bool(true));
        let reason = response
            .ptr("/status/reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let (decision, error) = match (flag("allowed"), flag("denied")) {
            (true, true) => (
                Decision::Deny,
                Some("webhook subject access review returned both allow and deny response".into()),
            ),
            (_, true) => (Decision::Deny, None),
            (true, _) => (Decision::Allow, None),
            _ => (Decision::NoOpinion, None),
        };
        Call {
            request,
            response: Some(response),
            decision,
            reason,
            error,
            rule,
        }
    }
}

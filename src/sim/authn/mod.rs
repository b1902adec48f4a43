//! Authentication, the first stage: who sent the request. Authenticators run in upstream's
//! order (x509 client certificates, then bearer tokens); the first to recognise the request
//! wins, an error is never turned into anonymous, and `system:authenticated` is added.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/>.

pub mod bootstrap;
pub mod serviceaccount;
pub mod tokenfile;
pub mod x509;

use std::collections::BTreeMap;

use serde::Serialize;

use super::clock::Instant;
use super::http::HttpRequest;
use super::store::Store;
use super::trace::{Decision, Stage, StageRecord};

pub use tokenfile::TokenFile;
pub use x509::ClientCa;

/// Upstream's `user.Info`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct UserInfo {
    /// The user name.
    pub username: String,
    /// The user's UID (empty when the authenticator gives none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Groups, in order.
    pub groups: Vec<String>,
    /// Extra attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Vec<String>>,
}

/// The name upstream gives the anonymous user.
pub const ANONYMOUS: &str = "system:anonymous";
/// Added to every authenticated user.
pub const ALL_AUTHENTICATED: &str = "system:authenticated";
/// The group of anonymous requests.
pub const ALL_UNAUTHENTICATED: &str = "system:unauthenticated";

/// The configured authenticators.
#[derive(Debug, Clone, Default)]
pub struct Authenticators {
    /// `--client-ca-file`.
    pub client_ca: Option<ClientCa>,
    /// `--token-auth-file`.
    pub token_file: Option<TokenFile>,
    /// Service-account tokens (`--service-account-key-file` and friends).
    pub service_accounts: Option<serviceaccount::ServiceAccounts>,
    /// `--enable-bootstrap-token-auth`.
    pub bootstrap_tokens: bool,
    /// `--basic-auth-file` (Kubernetes up to v1.18).
    pub password_file: Option<TokenFile>,
    /// `--anonymous-auth` (default true).
    pub anonymous: bool,
}

/// What the authentication stage concluded.
pub enum AuthnOutcome {
    /// The request is from this user.
    User(UserInfo),
    /// 401.
    Unauthorized,
}

impl Authenticators {
    /// Runs every authenticator in upstream order and records each in `record`.
    pub fn authenticate(
        &self,
        req: &HttpRequest,
        chain: &[x509_cert::Certificate],
        now: Instant,
        store: &Store,
        record: &mut StageRecord,
    ) -> AuthnOutcome {
        let mut errors: Vec<String> = Vec::new();
        // x509 comes before any token: a verified certificate wins.
        let presented = (!chain.is_empty()).then_some(chain);
        match (presented, &self.client_ca) {
            (Some(chain), Some(ca)) => {
                record.detail(
                    "client certificate",
                    "presented, and the TLS handshake proved the client holds its private key",
                );
                match ca.authenticate(chain, now) {
                    Ok(Some(user)) => {
                        record.step(
                            "x509",
                            Decision::Allow,
                            format!("verified against {}; CN and O give the user", ca.path),
                        );
                        return self.finish(user, "x509", record);
                    }
                    Ok(None) => record.step(
                        "x509",
                        Decision::NoOpinion,
                        "certificate has no common name",
                    ),
                    Err(e) => {
                        record.step("x509", Decision::Error, e.clone());
                        errors.push(e);
                    }
                }
            }
            (Some(_), None) => record.step(
                "x509",
                Decision::Skip,
                "a client certificate was sent but --client-ca-file is not set",
            ),
            (None, Some(_)) => record.step("x509", Decision::Skip, "no client certificate sent"),
            (None, None) => {}
        }

        if let Some((user, password)) = basic_auth(req) {
            record.detail("basic auth user", &user);
            match &self.password_file {
                Some(file) => match file.check_password(&user, &password) {
                    Some(u) => {
                        record.step(
                            "password-file",
                            Decision::Allow,
                            format!("user and password match {}", file.path),
                        );
                        return self.finish(u, "password-file", record);
                    }
                    None => {
                        let why = format!("invalid password for user {user}");
                        record.step("password-file", Decision::Error, why.clone());
                        errors.push(why);
                    }
                },
                None => record.step(
                    "password-file",
                    Decision::Skip,
                    "--basic-auth-file is not set (and is gone since v1.19)",
                ),
            }
        }
        if let Some(token) = bearer_token(req) {
            record.detail("bearer token", redact(&token));
            match &self.token_file {
                Some(file) => match file.lookup(&token) {
                    Some(user) => {
                        record.step(
                            "token-file",
                            Decision::Allow,
                            format!("token found in {}", file.path),
                        );
                        return self.finish(user, "token-file", record);
                    }
                    None => record.step(
                        "token-file",
                        Decision::NoOpinion,
                        format!("token not in {}", file.path),
                    ),
                },
                None => record.step("token-file", Decision::Skip, "--token-auth-file is not set"),
            }
            match &self.service_accounts {
                Some(sa) => match sa.authenticate(&token, now, store) {
                    serviceaccount::Verdict::Valid(user, decoded) => {
                        describe_jwt(record, &decoded);
                        record.step(
                            "service-account",
                            Decision::Allow,
                            "signature, issuer, audience, expiry and the service account check out",
                        );
                        return self.finish(user, "service-account", record);
                    }
                    serviceaccount::Verdict::Invalid(why, decoded) => {
                        describe_jwt(record, &decoded);
                        record.step("service-account", Decision::Error, why.clone());
                        errors.push(why);
                    }
                    serviceaccount::Verdict::NotOurs(why) => {
                        record.step("service-account", Decision::NoOpinion, why)
                    }
                },
                None => record.step(
                    "service-account",
                    Decision::Skip,
                    "--service-account-key-file is not set",
                ),
            }
            if self.bootstrap_tokens {
                match bootstrap::authenticate(&token, now, store) {
                    Ok(user) => {
                        record.step(
                            "bootstrap-token",
                            Decision::Allow,
                            "the token matches a bootstrap-token Secret in kube-system",
                        );
                        return self.finish(user, "bootstrap-token", record);
                    }
                    Err(why) => record.step("bootstrap-token", Decision::NoOpinion, why),
                }
            } else {
                record.step(
                    "bootstrap-token",
                    Decision::Skip,
                    "--enable-bootstrap-token-auth is not set",
                );
            }
            // A token reached the token authenticators and none accepted it.
            if errors.is_empty() {
                errors.push("invalid bearer token".into());
            }
        } else if req.header("Authorization").is_some() {
            record.step(
                "bearer",
                Decision::Skip,
                "Authorization header is not a bearer token",
            );
        }

        if !errors.is_empty() {
            let reason = errors.join(", ");
            record.decide("", Decision::Deny, reason);
            return AuthnOutcome::Unauthorized;
        }
        if self.anonymous {
            record.step(
                "anonymous",
                Decision::Allow,
                "no credentials: the request is anonymous",
            );
            let user = UserInfo {
                username: ANONYMOUS.into(),
                groups: vec![ALL_UNAUTHENTICATED.into()],
                ..Default::default()
            };
            record.decide(
                "anonymous",
                Decision::Allow,
                "no credentials were presented",
            );
            return AuthnOutcome::User(user);
        }
        record.step("anonymous", Decision::Skip, "--anonymous-auth=false");
        record.decide("", Decision::Deny, "no credentials were presented");
        AuthnOutcome::Unauthorized
    }

    fn finish(&self, mut user: UserInfo, plugin: &str, record: &mut StageRecord) -> AuthnOutcome {
        add_authenticated_group(&mut user);
        record.decide(
            plugin,
            Decision::Allow,
            format!("authenticated as \"{}\"", user.username),
        );
        AuthnOutcome::User(user)
    }
}

/// Upstream's `AuthenticatedGroupAdder`.
pub fn add_authenticated_group(user: &mut UserInfo) {
    if user.username == ANONYMOUS {
        return;
    }
    if user
        .groups
        .iter()
        .any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED)
    {
        return;
    }
    user.groups.push(ALL_AUTHENTICATED.into());
}

/// The token of an `Authorization: Bearer …` header, as upstream's bearer authenticator reads it.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let header = req.header("Authorization")?.trim();
    let (scheme, rest) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim();
    if token.is_empty() {
        None
    } else {
        Some(token.to_string())
    }
}

/// Shows a credential without giving it away.
pub fn redact(token: &str) -> String {
    let n = token.chars().count();
    if n <= 6 {
        "*".repeat(n)
    } else {
        let head: String = token.chars().take(4).collect();
        format!("{head}… ({n} characters)")
    }
}

/// Runs the authentication stage.
pub fn run(
    auth: &Authenticators,
    req: &HttpRequest,
    chain: &[x509_cert::Certificate],
    now: Instant,
    store: &Store,
) -> (StageRecord, AuthnOutcome) {
    let mut record = StageRecord::new(Stage::Authentication);
    let outcome = auth.authenticate(req, chain, now, store, &mut record);
    (record, outcome)
}

/// `Authorization: Basic base64(user:password)`.
fn basic_auth(req: &HttpRequest) -> Option<(String, String)> {
    let header = req.header("Authorization")?;
    let (scheme, value) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = crate::sim::b64::STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// A JWT's header and claims in the stage card.
fn describe_jwt(record: &mut StageRecord, decoded: &serviceaccount::Decoded) {
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    record.detail("JWT header", pretty(&decoded.header));
    record.detail("JWT claims", pretty(&decoded.claims));
    let checks: Vec<String> = decoded
        .checks
        .iter()
        .map(|(what, ok)| format!("{} {what}", if *ok { "✓" } else { "✗" }))
        .collect();
    record.detail("JWT checks", checks.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req_with(auth: &str) -> HttpRequest {
        let mut r = HttpRequest::new("GET", "/api/v1/pods");
        r.headers.push(("Authorization".into(), auth.into()));
        r
    }

    #[test]
    fn bearer_header_parsing_matches_upstream() {
        assert_eq!(
            bearer_token(&req_with("Bearer abc")).as_deref(),
            Some("abc")
        );
        assert_eq!(
            bearer_token(&req_with("bearer  abc ")).as_deref(),
            Some("abc")
        );
        assert_eq!(bearer_token(&req_with("Basic abc")), None);
        assert_eq!(bearer_token(&req_with("Bearer ")), None);
        assert_eq!(bearer_token(&req_with("Bearer")), None);
    }

    #[test]
    fn group_adder_rules() {
        let mut u = UserInfo {
            username: "alice".into(),
            groups: vec!["dev".into()],
            ..Default::default()
        };
        add_authenticated_group(&mut u);
        assert_eq!(u.groups, ["dev", ALL_AUTHENTICATED]);
        add_authenticated_group(&mut u);
        assert_eq!(u.groups.len(), 2);
        let mut anon = UserInfo {
            username: ANONYMOUS.into(),
            ..Default::default()
        };
        add_authenticated_group(&mut anon);
        assert!(anon.groups.is_empty());
    }

    #[test]
    fn a_bad_token_is_401_never_anonymous() {
        let file = TokenFile::parse("/t.csv", "good,alice,1").unwrap();
        let auth = Authenticators {
            token_file: Some(file),
            anonymous: true,
            ..Default::default()
        };
        let (rec, out) = run(&auth, &req_with("Bearer bad"), &[], 0, &Store::default());
        assert!(matches!(out, AuthnOutcome::Unauthorized));
        assert_eq!(rec.reason, "invalid bearer token");
        let (_, out) = run(&auth, &req_with("Bearer good"), &[], 0, &Store::default());
        let AuthnOutcome::User(u) = out else {
            panic!("not authenticated")
        };
        assert_eq!(u.username, "alice");
        assert_eq!(u.groups, [ALL_AUTHENTICATED]);
        let (_, out) = run(
            &auth,
            &HttpRequest::new("GET", "/"),
            &[],
            0,
            &Store::default(),
        );
        let AuthnOutcome::User(u) = out else {
            panic!("not anonymous")
        };
        assert_eq!(u.username, ANONYMOUS);
        assert_eq!(u.groups, [ALL_UNAUTHENTICATED]);
    }
}

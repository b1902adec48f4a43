//! Service-account tokens: real JWTs (RS256) signed with the cluster's service-account key
//! (`--service-account-signing-key-file`) and checked with `--service-account-key-file`, the
//! way kube-apiserver does it (pkg/serviceaccount/jwt.go, claims.go, legacy.go).
//!
//! Two kinds: bound tokens from the TokenRequest API (`kubectl create token`; issuer
//! `--service-account-issuer`, audiences, `exp`, optionally bound to a pod or secret) and
//! legacy tokens kept in `kubernetes.io/service-account-token` Secrets (issuer
//! `kubernetes/serviceaccount`, no expiry, valid while the Secret holds them).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/>.

use crate::sim::b64::{STANDARD, URL_SAFE_NO_PAD};
use crate::sim::ptr::Ptr as _;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::UserInfo;
use crate::sim::clock::Instant;
use crate::sim::store::{is_deleting, Store};

/// The issuer of Secret-based (legacy) tokens.
pub const LEGACY_ISSUER: &str = "kubernetes/serviceaccount";
/// Groups every service account is in.
pub const ALL_SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
/// go-jose's default clock leeway for `exp` and `nbf`.
const LEEWAY: i64 = 60;

/// The prefix of go-jose's errors (go-jose v2.6.3, which kube-apiserver uses from v1.33).
const GO_JOSE: &str = "go-jose/go-jose/jwt";

/// go-jose's `NumericDate`: any JSON number, truncated toward zero to whole seconds (too large
/// for 64 bits becomes the smallest, as Go's conversion does on amd64); `null` or no claim is
/// no date; anything else does not decode.
fn numeric_date(value: Option<&Value>) -> Result<Option<Instant>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(match n.as_i64() {
            Some(i) => i,
            None => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.is_finite() && f > -9.223_372_036_854_776e18 && f < 9.223_372_036_854_776e18 {
                    f.trunc() as i64
                } else {
                    i64::MIN
                }
            }
        })),
        Some(_) => Err(format!(
            "{GO_JOSE}: expected number value to unmarshal NumericDate"
        )),
    }
}

/// The decoded parts of a JWT, for the trace and the token tool.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded {
    /// The JOSE header.
    pub header: Value,
    /// The claims.
    pub claims: Value,
    /// The checks made, in order, and whether each passed.
    pub checks: Vec<(String, bool)>,
}

/// What the service-account authenticator made of a bearer token.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not a service-account token (not a JWT, or another issuer): no opinion.
    NotOurs(String),
    /// A service-account token that fails a check (401), with what it said.
    Invalid(String, Decoded),
    /// The user it proves, and what it said.
    Valid(UserInfo, Decoded),
}

/// The outcome of the checks, before the decoded token is attached.
enum Check {
    NotOurs(String),
    Invalid(String),
    Valid(UserInfo),
}

/// The service-account key pair and settings of the control plane.
#[derive(Debug, Clone)]
pub struct ServiceAccounts {
    /// The key tokens are signed with (`--service-account-signing-key-file`).
    signing: Option<(RsaPrivateKey, String)>,
    /// Keys accepted when verifying, with their key IDs (`--service-account-key-file`).
    verifying: Vec<(RsaPublicKey, String)>,
    /// `--service-account-issuer` (the first one issues).
    pub issuers: Vec<String>,
    /// `--api-audiences` (default: the issuers).
    pub audiences: Vec<String>,
}

/// The DER inside the first PEM block of a text.
fn pem_der(text: &str) -> Option<Vec<u8>> {
    crate::sim::pem::first_any(text).map(|b| b.der)
}

/// Upstream's key ID: the unpadded base64url SHA-256 of the public key's PKIX DER.
fn key_id(key: &RsaPublicKey) -> String {
    match key.to_public_key_der() {
        Ok(der) => URL_SAFE_NO_PAD.encode(Sha256::digest(der.as_bytes())),
        Err(_) => String::new(),
    }
}

impl ServiceAccounts {
    /// Reads the keys (PEM text: a PKCS#8 private key, PKIX public keys).
    pub fn new(
        signing_pem: Option<&str>,
        verifying_pem: &[&str],
        issuers: Vec<String>,
        audiences: Vec<String>,
    ) -> Result<Self, String> {
        let signing = match signing_pem {
            Some(text) => {
                let der = pem_der(text).ok_or("no PEM block")?;
                let key = RsaPrivateKey::from_pkcs8_der(&der)
                    .map_err(|e| format!("not an RSA private key (PKCS#8): {e}"))?;
                let kid = key_id(&key.to_public_key());
                Some((key, kid))
            }
            None => None,
        };
        let mut verifying = Vec::new();
        for text in verifying_pem {
            let der = pem_der(text).ok_or("no PEM block")?;
            let key = RsaPublicKey::from_public_key_der(&der)
                .map_err(|e| format!("not an RSA public key: {e}"))?;
            let kid = key_id(&key);
            verifying.push((key, kid));
        }
        let audiences = if audiences.is_empty() {
            issuers.clone()
        } else {
            audiences
        };
        Ok(ServiceAccounts {
            signing,
            verifying,
            issuers,
            audiences,
        })
    }

    /// Signs claims into a compact JWT.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let Some((key, kid)) = &self.signing else {
            return Err(
                "no --service-account-signing-key-file: the server cannot issue tokens".into(),
            );
        };
        let header = json!({"alg": "RS256", "kid": kid});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signer = SigningKey::<Sha256>::new(key.clone());
        let sig: Signature = signer.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(sig.to_bytes())
        ))
    }

    /// The claims of a bound token (TokenRequest) for a service account.
    #[allow(clippy::too_many_arguments)]
    pub fn bound_claims(
        &self,
        namespace: &str,
        name: &str,
        sa_uid: &str,
        audiences: &[String],
        now: Instant,
        expiration: i64,
        bound: Option<(&str, &str, &str)>,
        jti: &str,
    ) -> Value {
        let mut k8s =
            json!({"namespace": namespace, "serviceaccount": {"name": name, "uid": sa_uid}});
        if let Some((kind, obj_name, uid)) = bound {
            k8s[kind.to_lowercase()] = json!({"name": obj_name, "uid": uid});
        }
        json!({
            "aud": audiences,
            "exp": now + expiration,
            "iat": now,
            "iss": self.issuers.first().cloned().unwrap_or_default(),
            "jti": jti,
            "kubernetes.io": k8s,
            "nbf": now,
            "sub": format!("system:serviceaccount:{namespace}:{name}"),
        })
    }

    /// The claims of a legacy, Secret-based token.
    pub fn legacy_claims(namespace: &str, secret: &str, sa: &str, sa_uid: &str) -> Value {
        json!({
            "iss": LEGACY_ISSUER,
            "kubernetes.io/serviceaccount/namespace": namespace,
            "kubernetes.io/serviceaccount/secret.name": secret,
            "kubernetes.io/serviceaccount/service-account.name": sa,
            "kubernetes.io/serviceaccount/service-account.uid": sa_uid,
            "sub": format!("system:serviceaccount:{namespace}:{sa}"),
        })
    }

    /// Checks a bearer token as the service-account authenticator does.
    pub fn authenticate(&self, token: &str, now: Instant, store: &Store) -> Verdict {
        let Some(mut decoded) = decode(token) else {
            return Verdict::NotOurs("not a JWT".into());
        };
        let verdict = self.check(token, now, store, &mut decoded);
        match verdict {
            Check::NotOurs(why) => Verdict::NotOurs(why),
            Check::Invalid(why) => {
                decoded.checks.push((why.clone(), false));
                Verdict::Invalid(why, decoded)
            }
            Check::Valid(user) => Verdict::Valid(user, decoded),
        }
    }

    fn check(&self, token: &str, now: Instant, store: &Store, decoded: &mut Decoded) -> Check {
        let claims = &decoded.claims.clone();
        let s = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or("");
        let iss = s("iss");
        let legacy = iss == LEGACY_ISSUER;
        if !legacy && !self.issuers.iter().any(|i| i == iss) {
            return Check::NotOurs(format!(
                "issuer {iss:?} is not a service-account issuer here"
            ));
        }
        let invalid = Check::Invalid;
        // Signature, with any of the verifying keys.
        let Some((signing_input, sig_b64)) = token.rsplit_once('.') else {
            return invalid("malformed token".into());
        };
        let verified = URL_SAFE_NO_PAD.decode(sig_b64).ok().is_some_and(|sig| {
            Signature::try_from(sig.as_slice()).is_ok_and(|sig| {
                self.verifying.iter().any(|(key, _)| {
                    VerifyingKey::<Sha256>::new(key.clone())
                        .verify(signing_input.as_bytes(), &sig)
                        .is_ok()
                })
            })
        });
        decoded
            .checks
            .push((format!("issuer {iss:?} is a service-account issuer"), true));
        if decoded.header.get("alg").and_then(Value::as_str) != Some("RS256") || !verified {
            return invalid("the signature does not verify with --service-account-key-file".into());
        }
        decoded.checks.push((
            "RS256 signature verifies with --service-account-key-file".into(),
            true,
        ));
        // go-jose decodes the registered claims with the signature check: a date that is not
        // a number, or an audience that is neither a string nor a list, fails the token there
        // (legacy tokens too, though their dates are never compared with the clock).
        let mut dates = [None; 3];
        for (slot, key) in dates.iter_mut().zip(["nbf", "exp", "iat"]) {
            match numeric_date(claims.get(key)) {
                Ok(d) => *slot = d,
                Err(e) => return invalid(e),
            }
        }
        if claims
            .get("aud")
            .is_some_and(|a| !a.is_null() && !a.is_string() && !a.is_array())
        {
            return invalid(format!(
                "{GO_JOSE}: expected string or array value to unmarshal to Audience"
            ));
        }
        if legacy {
            return self.legacy(token, claims, store, decoded);
        }
        // Audiences: the token's must meet the API audiences.
        let auds: Vec<String> = match claims.get("aud") {
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        if !auds.iter().any(|a| self.audiences.contains(a)) {
            return invalid(format!(
                "token audiences {auds:?} is invalid for the target audiences {:?}",
                self.audiences
            ));
        }
        decoded
            .checks
            .push((format!("audience {auds:?} is an API audience"), true));
        // go-jose's ValidateWithLeeway: nbf, then exp, then iat, each with a minute of leeway.
        let [nbf, exp, iat] = dates;
        if nbf.is_some_and(|nbf| now + LEEWAY < nbf) {
            return invalid("service account token is not valid yet".into());
        }
        if exp.is_some_and(|exp| now - LEEWAY > exp) {
            return invalid("service account token has expired".into());
        }
        if iat.is_some_and(|iat| now + LEEWAY < iat) {
            return invalid("service account token is issued in the future".into());
        }
        decoded.checks.push((
            if exp.is_none() {
                "no exp claim: the token does not expire; nbf and iat not in the future (60 s leeway)"
            } else {
                "not expired, already valid, not issued in the future (nbf/exp/iat, 60 s leeway)"
            }
            .into(),
            true,
        ));
        let k8s = claims.get("kubernetes.io").cloned().unwrap_or_default();
        let ks = |p: &str| k8s.ptr(p).and_then(Value::as_str).unwrap_or("").to_string();
        let (ns, name, uid) = (
            ks("/namespace"),
            ks("/serviceaccount/name"),
            ks("/serviceaccount/uid"),
        );
        if ns.is_empty() || name.is_empty() {
            return invalid("namespace or service account claim is missing".into());
        }
        let Some(sa) = store.get("", "serviceaccounts", &ns, &name) else {
            return invalid(format!("service account {ns}/{name} has been deleted"));
        };
        let sa_uid = sa
            .ptr("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("");
        if sa_uid != uid {
            return invalid(format!(
                "service account UID ({sa_uid}) does not match claim ({uid})"
            ));
        }
        decoded.checks.push((
            format!("service account {ns}/{name} exists with uid {uid}"),
            true,
        ));
        let mut user = user_for(&ns, &name, sa_uid);
        for (kind, resource) in [("pod", "pods"), ("secret", "secrets")] {
            let Some(bound) = k8s.get(kind) else {
                continue;
            };
            let b = |k: &str| bound.get(k).and_then(Value::as_str).unwrap_or("");
            let obj = store.get("", resource, &ns, b("name"));
            let Some(obj) = obj.filter(|o| !is_deleting(o)) else {
                return invalid("service account token has been invalidated".into());
            };
            let obj_uid = obj
                .ptr("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("");
            if obj_uid != b("uid") {
                return invalid(format!(
                    "{kind} UID ({obj_uid}) does not match service account {kind} ref claim ({})",
                    b("uid")
                ));
            }
            decoded
                .checks
                .push((format!("bound {kind} {} still exists", b("name")), true));
            if kind == "pod" {
                user.extra.insert(
                    "authentication.kubernetes.io/pod-name".into(),
                    vec![b("name").to_string()],
                );
                user.extra.insert(
                    "authentication.kubernetes.io/pod-uid".into(),
                    vec![b("uid").to_string()],
                );
            }
        }
        if let Some(jti) = claims.get("jti").and_then(Value::as_str) {
            user.extra.insert(
                "authentication.kubernetes.io/credential-id".into(),
                vec![format!("JTI={jti}")],
            );
        }
        Check::Valid(user)
    }

    fn legacy(&self, token: &str, claims: &Value, store: &Store, decoded: &mut Decoded) -> Check {
        let s = |k: &str| {
            claims
                .get(format!("kubernetes.io/serviceaccount/{k}"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (ns, secret, name, uid) = (
            s("namespace"),
            s("secret.name"),
            s("service-account.name"),
            s("service-account.uid"),
        );
        let invalid = |msg: &str| Check::Invalid(msg.to_string());
        let Some(sec) = store
            .get("", "secrets", &ns, &secret)
            .filter(|o| !is_deleting(o))
        else {
            return invalid("Token has been invalidated");
        };
        let stored = sec
            .ptr("/data/token")
            .and_then(Value::as_str)
            .and_then(|b| STANDARD.decode(b).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        if stored != token {
            return invalid("Token does not match server's copy");
        }
        let Some(sa) = store.get("", "serviceaccounts", &ns, &name) else {
            return Check::Invalid(format!("ServiceAccount {name} has been deleted"));
        };
        let sa_uid = sa
            .ptr("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("");
        if sa_uid != uid {
            return Check::Invalid(format!(
                "ServiceAccount UID ({sa_uid}) does not match claim ({uid})"
            ));
        }
        decoded.checks.push((
            format!("Secret {ns}/{secret} holds this token; account {name} exists"),
            true,
        ));
        Check::Valid(user_for(&ns, &name, sa_uid))
    }
}

/// The user a service account authenticates as (before `system:authenticated` is added).
pub fn user_for(namespace: &str, name: &str, uid: &str) -> UserInfo {
    UserInfo {
        username: format!("system:serviceaccount:{namespace}:{name}"),
        uid: uid.to_string(),
        groups: vec![
            ALL_SERVICE_ACCOUNTS.to_string(),
            format!("{ALL_SERVICE_ACCOUNTS}:{namespace}"),
        ],
        extra: Default::default(),
    }
}

/// Splits and decodes a compact JWT (no checks): `None` if it is not one.
pub fn decode(token: &str) -> Option<Decoded> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, _sig] = parts.as_slice() else {
        return None;
    };
    let part = |p: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok()?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .filter(Value::is_object)
    };
    Some(Decoded {
        header: part(header)?,
        claims: part(claims)?,
        checks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::controlplane::{KUBEADM_SA_KEY, KUBEADM_SA_PUB};

    const ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

    fn sas() -> ServiceAccounts {
        match ServiceAccounts::new(
            Some(KUBEADM_SA_KEY),
            &[KUBEADM_SA_PUB],
            vec![ISSUER.into()],
            Vec::new(),
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    fn store_with_sa() -> (Store, String) {
        let mut store = Store::new(0, 9);
        let sa = json!({"metadata": {"name": "robot", "namespace": "blue"}});
        let uid = match store.create("", "serviceaccounts", sa, 0) {
            Ok(o) => o["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            Err(e) => panic!("{}", e.message),
        };
        (store, uid)
    }

    fn token(s: &ServiceAccounts, uid: &str, auds: &[&str], exp: i64) -> String {
        let auds: Vec<String> = auds.iter().map(|a| a.to_string()).collect();
        let claims = s.bound_claims("blue", "robot", uid, &auds, 1000, exp, None, "j-1");
        match s.sign(&claims) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_bound_token_round_trips_into_the_service_account_user() {
        let s = sas();
        let (store, uid) = store_with_sa();
        let t = token(&s, &uid, &[ISSUER], 3600);
        let Verdict::Valid(user, decoded) = s.authenticate(&t, 1000, &store) else {
            panic!("should be valid");
        };
        assert_eq!(user.username, "system:serviceaccount:blue:robot");
        assert_eq!(user.uid, uid);
        assert_eq!(
            user.groups,
            vec!["system:serviceaccounts", "system:serviceaccounts:blue"]
        );
        assert_eq!(
            user.extra.get("authentication.kubernetes.io/credential-id"),
            Some(&vec!["JTI=j-1".to_string()])
        );
        assert_eq!(decoded.header["alg"], "RS256");
        assert_eq!(decoded.claims["sub"], "system:serviceaccount:blue:robot");
        assert_eq!(decoded.claims["exp"], 4600);
    }

    #[test]
    fn registered_claims_decode_and_compare_as_go_jose_does() {
        let s = sas();
        let (store, uid) = store_with_sa();
        let signed = |edit: &dyn Fn(&mut Value)| {
            let mut claims = s.bound_claims(
                "blue",
                "robot",
                &uid,
                &[ISSUER.to_string()],
                1000,
                600,
                None,
                "j",
            );
            edit(&mut claims);
            s.sign(&claims).unwrap()
        };
        let verdict = |t: &str, now| match s.authenticate(t, now, &store) {
            Verdict::Valid(..) => "valid".to_string(),
            Verdict::Invalid(m, _) => m,
            Verdict::NotOurs(m) => format!("not ours: {m}"),
        };
        // A float date is a date: 1599.9 truncates to 1599, expired at 1660.
        let t = signed(&|c| c["exp"] = json!(1599.9));
        assert_eq!(verdict(&t, 1659), "valid");
        assert_eq!(verdict(&t, 1660), "service account token has expired");
        let t = signed(&|c| c["exp"] = json!(1.6e3));
        assert_eq!(verdict(&t, 1661), "service account token has expired");
        // A string, bool or object date does not decode at all.
        for bad in [json!("1600"), json!(true), json!({}), json!([1])] {
            let t = signed(&|c| c["exp"] = bad.clone());
            assert_eq!(
                verdict(&t, 1000),
                "go-jose/go-jose/jwt: expected number value to unmarshal NumericDate"
            );
        }
        // Issued or valid only in the future (beyond the minute of leeway).
        let t = signed(&|c| c["iat"] = json!(1061));
        assert_eq!(
            verdict(&t, 1000),
            "service account token is issued in the future"
        );
        let t = signed(&|c| c["iat"] = json!(1060));
        assert_eq!(verdict(&t, 1000), "valid");
        let t = signed(&|c| c["nbf"] = json!(5000.5));
        assert_eq!(verdict(&t, 1000), "service account token is not valid yet");
        // nbf is checked before exp, exp before iat.
        let t = signed(&|c| {
            c["nbf"] = json!(5000);
            c["exp"] = json!(1);
        });
        assert_eq!(verdict(&t, 1000), "service account token is not valid yet");
        let t = signed(&|c| {
            c["exp"] = json!(1);
            c["iat"] = json!(9999);
        });
        assert_eq!(verdict(&t, 1000), "service account token has expired");
        // Huge and negative dates: expired.
        for past in [json!(1e19), json!(-5)] {
            let t = signed(&|c| c["exp"] = past.clone());
            assert_eq!(verdict(&t, 1000), "service account token has expired");
        }
        // No exp (or null) means no expiry check.
        let t = signed(&|c| {
            c.as_object_mut().unwrap().remove("exp");
        });
        assert_eq!(verdict(&t, 10_000_000), "valid");
        let t = signed(&|c| c["exp"] = Value::Null);
        assert_eq!(verdict(&t, 10_000_000), "valid");
        let t = signed(&|c| c["aud"] = json!(5));
        assert_eq!(
            verdict(&t, 1000),
            "go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience"
        );
    }

    #[test]
    fn expiry_audience_signature_and_deletion_are_checked() {
        let s = sas();
        let (mut store, uid) = store_with_sa();
        let t = token(&s, &uid, &[ISSUER], 600);
        // exp = 1600; go-jose allows a minute of leeway.
        assert!(matches!(
            s.authenticate(&t, 1660, &store),
            Verdict::Valid(..)
        ));
        match s.authenticate(&t, 1661, &store) {
            Verdict::Invalid(m, _) => assert_eq!(m, "service account token has expired"),
            other => panic!("{other:?}"),
        }
        match s.authenticate(&t, 900, &store) {
            Verdict::Invalid(m, _) => assert_eq!(m, "service account token is not valid yet"),
            other => panic!("{other:?}"),
        }
        let other_aud = token(&s, &uid, &["vault"], 3600);
        match s.authenticate(&other_aud, 1000, &store) {
            Verdict::Invalid(m, _) => assert!(
                m.starts_with("token audiences [\"vault\"] is invalid"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        // Tampered payload: the signature no longer verifies.
        let parts: Vec<&str> = t.split('.').collect();
        let forged_claims = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap_or_default())
                .unwrap_or_default()
                .replace("robot", "admin"),
        );
        let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
        assert!(matches!(
            s.authenticate(&forged, 1000, &store),
            Verdict::Invalid(..)
        ));
        // Another issuer, or not a JWT: not ours.
        assert!(matches!(
            s.authenticate("abc", 1000, &store),
            Verdict::NotOurs(_)
        ));
        // Deleting the service account invalidates its tokens.
        let _ = store.delete("", "serviceaccounts", "blue", "robot");
        match s.authenticate(&t, 1000, &store) {
            Verdict::Invalid(m, _) => assert_eq!(m, "service account blue/robot has been deleted"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn legacy_tokens_live_as_long_as_their_secret() {
        let s = sas();
        let (mut store, uid) = store_with_sa();
        let t = match s.sign(&ServiceAccounts::legacy_claims(
            "blue",
            "robot-token",
            "robot",
            &uid,
        )) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let secret = json!({"metadata": {"name": "robot-token", "namespace": "blue"},
            "type": "kubernetes.io/service-account-token", "data": {"token": STANDARD.encode(&t)}});
        if store.create("", "secrets", secret, 0).is_err() {
            panic!("secret");
        }
        let Verdict::Valid(user, _) = s.authenticate(&t, 1000, &store) else {
            panic!("legacy token should be valid");
        };
        assert_eq!(user.username, "system:serviceaccount:blue:robot");
        let _ = store.delete("", "secrets", "blue", "robot-token");
        match s.authenticate(&t, 1000, &store) {
            Verdict::Invalid(m, _) => assert_eq!(m, "Token has been invalidated"),
            other => panic!("{other:?}"),
        }
    }
}
